package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestPenaltiesAppealsAndRemoval(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		yid := e.Orgs["supplierY"].ID
		ops := e.Login("ops")
		y := e.Login("suppliery")
		if res := ops.Get("/admin/suppliers/" + yid); res.StatusCode != 200 || !strings.Contains(res.Body, "L2") {
			t.Fatalf("supplier profile: %d", res.StatusCode)
		}
		if res := ops.PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"fine"}, "reason": {"x"}}); res.StatusCode != 422 {
			t.Fatalf("bad penalty: %d", res.StatusCode)
		}
		// A suspension takes the store offline until overturned.
		if res := ops.PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"suspension"}, "reason": {"多次虚假发货"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("suspension: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/store/" + yid).StatusCode; got != 404 {
			t.Fatalf("suspended store answers %d", got)
		}
		var pid string
		d.QueryRow(t.Context(), `SELECT id FROM supplier_penalties WHERE org_id = ?`, yid).Scan(&pid)
		// Another supplier cannot appeal it; the supplier can, once.
		if got := e.Login("supplierx").PostForm("/seller/standing/"+pid+"/appeal", url.Values{"appeal": {"这不是我们的问题,请核实物流记录。"}}).StatusCode; got != 404 {
			t.Fatalf("foreign appeal: %d", got)
		}
		if res := y.PostForm("/seller/standing/"+pid+"/appeal", url.Values{"appeal": {"物流单据显示已按时发货,请核实。"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("appeal: %d", res.StatusCode)
		}
		if res := ops.PostForm("/admin/penalties/"+pid+"/decide", url.Values{"outcome": {"overturn"}, "note": {"物流记录属实"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("decide: %d", res.StatusCode)
		}
		if got := e.NewClient().Get("/store/" + yid).StatusCode; got != 200 {
			t.Fatalf("store after overturn: %d", got)
		}
		if res := y.Get("/seller/standing"); !strings.Contains(res.Body, "已撤销") {
			t.Fatal("supplier does not see the overturned penalty")
		}
		// A listing restriction stops new products and putting products on sale.
		if res := ops.PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"restriction"}, "reason": {"商品信息虚假,限制发布"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("restriction: %d %s", res.StatusCode, res.Body)
		}
		if _, err := e.App.CatalogEdit.SetOnSale(t.Context(), mustPrincipal(t, e, "suppliery"), e.Products["supplierY"], true); err == nil || !strings.Contains(err.Error(), "err.listing_restricted") {
			t.Fatalf("on-sale under restriction: %v", err)
		}
		// A dated suspension lifts itself once its date has passed.
		if res := ops.PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"suspension"}, "reason": {"整改期三天"}, "until": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("dated suspension: %d %s", res.StatusCode, res.Body)
		}
		if n, err := e.App.Standing.SweepSuspensions(t.Context(), time.Now()); err != nil || n != 0 {
			t.Fatalf("sweep before the date: %d %v", n, err)
		}
		if n, err := e.App.Standing.SweepSuspensions(t.Context(), time.Now().AddDate(0, 0, 5)); err != nil || n != 1 {
			t.Fatalf("sweep after the date: %d %v", n, err)
		}
		// A deduction moves deposit through the ledger.
		if res := ops.PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"deduction"}, "amount": {"1000"}, "reason": {"售后超时未处理"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("deduction: %d %s", res.StatusCode, res.Body)
		}
		st, _ := e.App.Deposit.Status(t.Context(), yid)
		if st.Held != 1_900_000 {
			t.Fatalf("held after deduction: %d", st.Held)
		}
		// Removal ends every listing and starts the refund wait.
		if res := ops.PostForm("/admin/suppliers/"+yid+"/remove", url.Values{"reason": {"严重违规,予以清退"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/p/" + e.Products["supplierY"]).StatusCode; got != 404 {
			t.Fatalf("removed supplier's product: %d", got)
		}
		st, _ = e.App.Deposit.Status(t.Context(), yid)
		if st.ExitedAt.IsZero() {
			t.Fatal("removal did not start the deposit's exit")
		}
		if got := e.Login("kefu").PostForm("/admin/suppliers/"+yid+"/penalty", url.Values{"kind": {"warning"}, "reason": {"警告一次"}}).StatusCode; got != 404 {
			t.Fatalf("customer service penalises: %d", got)
		}
		rep, err := e.App.Ledger.Check(t.Context())
		if err != nil || !rep.Clean() {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
	})
}

func mustPrincipal(t *testing.T, e *servertest.Env, user string) *identity.Principal {
	t.Helper()
	p, err := e.Identity.Principal(t.Context(), e.Users[user].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
