package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestDepositPagesAndLiveStore(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		xid := e.Orgs["supplierX"].ID
		x := e.Login("supplierx")
		res := x.Get("/seller/deposit")
		if res.StatusCode != 200 || !strings.Contains(res.Body, "¥20,000.00") || !strings.Contains(res.Body, "mono big\">ZC") {
			t.Fatalf("supplier deposit page: %d", res.StatusCode)
		}
		ops := e.Login("ops")
		if res := ops.Get("/admin/deposits"); res.StatusCode != 200 || !strings.Contains(res.Body, "X紧固件有限公司") {
			t.Fatalf("deposit list: %d", res.StatusCode)
		}
		for _, who := range []string{"kefu", "buyera", "supplierx"} {
			if got := e.Login(who).Get("/admin/deposits/" + xid).StatusCode; got != 404 {
				t.Errorf("%s opens the deposit console: %d", who, got)
			}
		}
		// Deducting more than is held is refused and changes nothing.
		res = ops.PostForm("/admin/deposits/"+xid+"/deduct", url.Values{"amount": {"30000"}, "ref": {"P-1"}, "from": {"held"}, "to": {"penalty"}, "reason": {"虚假发货"}})
		if res.StatusCode < 400 || res.StatusCode >= 500 {
			t.Fatalf("over-deduction: %d", res.StatusCode)
		}
		if res := ops.PostForm("/admin/deposits/"+xid+"/deduct", url.Values{"amount": {"12.345"}, "ref": {"P-1"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "金额格式不正确") {
			t.Fatalf("bad amount: %d", res.StatusCode)
		}
		if got := e.NewClient().Get("/store/" + xid).StatusCode; got != 200 {
			t.Fatalf("store before deduction: %d", got)
		}
		// A penalty takes the deposit below the requirement: the store goes offline.
		res = ops.PostForm("/admin/deposits/"+xid+"/deduct", url.Values{"amount": {"5000"}, "ref": {"P-2"}, "from": {"held"}, "to": {"penalty"}, "reason": {"虚假发货"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("deduction: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/store/" + xid).StatusCode; got != 404 {
			t.Fatalf("store after deduction: %d", got)
		}
		if res := e.NewClient().Get("/p/" + e.Products["supplierX"]); res.StatusCode != 404 {
			t.Fatalf("product of an offline store: %d", res.StatusCode)
		}
		// Topping up brings it back.
		res = ops.PostForm("/admin/deposits/"+xid+"/pay", url.Values{"amount": {"5000"}, "ref": {"BANK-2"}, "bank_details": {"工行 ****1234"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("top-up: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/store/" + xid).StatusCode; got != 200 {
			t.Fatalf("store after top-up: %d", got)
		}
		// Refund before exit is refused; the ledger stays balanced throughout.
		if res := x.PostForm("/seller/deposit/refund", url.Values{"reason": {"退出"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("refund request: %d", res.StatusCode)
		}
		rep, err := e.App.Ledger.Check(t.Context())
		if err != nil || !rep.Clean() || rep.Total != 0 {
			t.Fatalf("ledger check: %+v %v", rep, err)
		}
	})
}
