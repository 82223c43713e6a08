package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// TestAftersaleHTTP walks a case and a dispute over the API and the pages with tenant
// probes on every object route (JSON and HTML), bad input, and the ledger check after.
func TestAftersaleHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := servertest.Start(t, d)
		e.App.Payment.Providers[payment.Sandbox] = payment.SandboxProvider{}
		addrA, _, skuX, _ := orderFixture(t, e)
		a, b := e.Login("buyera"), e.Login("buyerb")
		sx, sy := e.Login("supplierx"), e.Login("suppliery")
		kefu, ops := e.Login("kefu"), e.Login("ops")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrA, skuX))
		if res.StatusCode != 201 {
			t.Fatalf("checkout: %d %s", res.StatusCode, res.Body)
		}
		var co checkoutBody
		json.Unmarshal([]byte(res.Body), &co)
		oid := co.Orders[0].ID
		// Before payment: a clear 409.
		body := fmt.Sprintf(`{"order_id":%q,"line_no":1,"kind":"refund_only","reason":"short","qty":1,"amount_fen":100}`, oid)
		if r := a.JSON("POST", "/api/v1/aftersale/cases", body); r.StatusCode != 409 {
			t.Fatalf("case on an unpaid order: %d %s", r.StatusCode, r.Body)
		}
		p := a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":"sandbox"}`, oid))
		var pay struct{ ID string }
		json.Unmarshal([]byte(p.Body), &pay)
		if r := a.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, ""); r.StatusCode != 200 {
			t.Fatalf("pay: %d %s", r.StatusCode, r.Body)
		}
		// Shipped, as fulfilment would leave it.
		err := d.WithTx(ctx, func(ctx context.Context) error {
			if ok, err := e.Store.SetState(ctx, oid, order.Paid, order.Shipped, time.Time{}, time.Now()); err != nil || !ok {
				return fmt.Errorf("ship: %v", err)
			}
			return e.Store.AddEvents(ctx, []order.Event{{OrderID: oid, Action: "ship", From: order.Paid, To: order.Shipped, At: time.Now()}})
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{`{"order_id":`, `{"order_id":1}`, `{"qty":"x"}`, `{"order_id":"` + oid + `","line_no":1,"kind":"refund_only","reason":"short","qty":1,"amount_fen":100,"state":"refunded"}`,
			`{"order_id":"` + oid + `","line_no":1,"kind":"refund_only","reason":"short","qty":1,"amount_fen":-5}`,
			`{"order_id":"` + oid + `","line_no":1,"kind":"refund_only","reason":"' OR 1=1 --","qty":1,"amount_fen":5}`} {
			if r := a.JSON("POST", "/api/v1/aftersale/cases", bad); r.StatusCode < 400 || r.StatusCode >= 500 {
				t.Fatalf("bad input %s: %d %s", bad, r.StatusCode, r.Body)
			}
		}
		// The order page offers 申请售后 per line; the form refuses a renamed executable.
		if r := a.Get("/buyer/orders/" + oid); r.StatusCode != 200 || !strings.Contains(r.Body, "/buyer/orders/"+oid+"/aftersale?line=1") {
			t.Fatalf("order page: %d", r.StatusCode)
		}
		if r := a.Get("/buyer/orders/" + oid + "/aftersale?line=1"); r.StatusCode != 200 || !strings.Contains(r.Body, `name="photos"`) {
			t.Fatalf("case form: %d", r.StatusCode)
		}
		if r := b.Get("/buyer/orders/" + oid + "/aftersale?line=1"); r.StatusCode != 404 {
			t.Fatalf("another buyer's case form: %d", r.StatusCode)
		}
		mf, mct := servertest.Multipart(url.Values{"order_id": {oid}, "line": {"1"}, "kind": {"refund_only"}, "reason": {"damaged"}, "qty": {"1"}, "amount": {"0.50"}}, map[string]struct {
			Name string
			Data []byte
		}{"photos": {Name: "photo.jpg", Data: []byte("MZ\x90\x00\x03 this is an executable")}})
		if r := a.Do("POST", "/buyer/aftersale", mct, mf); r.StatusCode < 400 || r.StatusCode >= 500 || countRows(t, d, `SELECT COUNT(*) FROM aftersale_cases`) != 0 {
			t.Fatalf("executable photo: %d", r.StatusCode)
		}
		c1 := a.JSON("POST", "/api/v1/aftersale/cases", body, "Idempotency-Key", "case-1")
		c2 := a.JSON("POST", "/api/v1/aftersale/cases", body, "Idempotency-Key", "case-1")
		if c1.StatusCode != 201 || c1.Body != c2.Body {
			t.Fatalf("create case: %d %s / %s", c1.StatusCode, c1.Body, c2.Body)
		}
		var cs struct{ ID string }
		json.Unmarshal([]byte(c1.Body), &cs)
		// Tenant matrix on the case, JSON and HTML.
		for _, c := range []*servertest.Client{b, sy} {
			if r := c.Get("/api/v1/aftersale/cases/" + cs.ID); r.StatusCode != 404 {
				t.Fatalf("foreign case: %d", r.StatusCode)
			}
		}
		for path, c := range map[string]*servertest.Client{"/buyer/aftersale/" + cs.ID: b, "/seller/aftersale/" + cs.ID: sy, "/admin/aftersale/" + cs.ID: a} {
			if r := c.Get(path); r.StatusCode != 404 {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
		}
		if r := sy.JSON("POST", "/api/v1/aftersale/cases/"+cs.ID+"/answer", `{"action":"agree"}`); r.StatusCode != 404 {
			t.Fatalf("another supplier answers: %d", r.StatusCode)
		}
		if r := a.JSON("POST", "/api/v1/aftersale/cases/"+cs.ID+"/answer", `{"action":"agree"}`); r.StatusCode != 404 && r.StatusCode != 403 {
			t.Fatalf("the buyer answers: %d", r.StatusCode)
		}
		if r := sx.Get("/seller/aftersale"); r.StatusCode != 200 || !strings.Contains(r.Body, "待商家处理") {
			t.Fatalf("supplier list: %d", r.StatusCode)
		}
		// The supplier agrees through the page form: refunded once; a second answer is a 409.
		if r := sx.PostForm("/seller/aftersale/"+cs.ID+"/answer", url.Values{"action": {"agree"}}); r.StatusCode != 200 && r.StatusCode != 303 {
			t.Fatalf("agree: %d %s", r.StatusCode, r.Body)
		}
		if r := sx.JSON("POST", "/api/v1/aftersale/cases/"+cs.ID+"/answer", `{"action":"agree"}`); r.StatusCode != 409 {
			t.Fatalf("second answer: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/api/v1/aftersale/cases/" + cs.ID); !strings.Contains(r.Body, `"state":"refunded"`) {
			t.Fatalf("case: %s", r.Body)
		}
		// A dispute with a photo from the page form, then arbitration by customer service.
		form, ct := servertest.Multipart(url.Values{"order_id": {oid}, "claim": {"货不对板"}, "amount": {"10.00"}}, map[string]struct {
			Name string
			Data []byte
		}{"files": {Name: "证据.png", Data: servertest.PNG()}})
		if r := a.Do("POST", "/buyer/disputes", ct, form); r.StatusCode != 200 && r.StatusCode != 303 {
			t.Fatalf("open dispute: %d %s", r.StatusCode, r.Body)
		}
		list := kefu.Get("/api/v1/disputes?open=true")
		var ds struct {
			Items []struct {
				ID string
			}
		}
		json.Unmarshal([]byte(list.Body), &ds)
		if len(ds.Items) != 1 {
			t.Fatalf("queue: %s", list.Body)
		}
		did := ds.Items[0].ID
		for _, c := range []*servertest.Client{b, sy} {
			if r := c.Get("/api/v1/disputes/" + did); r.StatusCode != 404 {
				t.Fatalf("foreign dispute: %d", r.StatusCode)
			}
		}
		for _, c := range []*servertest.Client{a, sx} {
			if r := c.JSON("POST", "/api/v1/disputes/"+did+"/arbitrate", `{"refund_fen":100,"decision":"x"}`); r.StatusCode != 404 && r.StatusCode != 403 {
				t.Fatalf("party arbitrates: %d", r.StatusCode)
			}
			if r := c.PostForm("/admin/disputes/"+did+"/arbitrate", url.Values{"refund": {"1"}, "decision": {"x"}}); r.StatusCode != 404 {
				t.Fatalf("party arbitrates on the page: %d", r.StatusCode)
			}
		}
		if r := kefu.Get("/admin/disputes/" + did); r.StatusCode != 200 || !strings.Contains(r.Body, "证据.png") {
			t.Fatalf("dispute page: %d", r.StatusCode)
		}
		if r := kefu.JSON("POST", "/api/v1/disputes/"+did+"/arbitrate", `{"refund_fen":99999999,"decision":"超额"}`); r.StatusCode != 409 || !strings.Contains(r.Body, "refund") {
			t.Fatalf("too much: %d %s", r.StatusCode, r.Body)
		}
		if r := kefu.JSON("POST", "/api/v1/disputes/"+did+"/arbitrate", `{"refund_fen":500,"deduct_fen":300,"decision":"部分退款并赔付"}`); r.StatusCode != 200 {
			t.Fatalf("arbitrate: %d %s", r.StatusCode, r.Body)
		}
		if r := ops.JSON("POST", "/api/v1/disputes/"+did+"/arbitrate", `{"refund_fen":500,"decision":"again"}`); r.StatusCode != 409 {
			t.Fatalf("arbitrate twice: %d %s", r.StatusCode, r.Body)
		}
		if r := kefu.Get("/admin/refunds"); r.StatusCode != 200 || !strings.Contains(r.Body, "¥5.00") {
			t.Fatalf("refunds report: %d", r.StatusCode)
		}
		rep, err := e.App.Ledger.Check(ctx)
		if err != nil || !rep.Clean() {
			t.Fatalf("ledger: %+v %v", rep, err)
		}
		rec, err := e.App.Payment.Reconcile(ctx)
		if err != nil || !rec.Clean() || rec.Refunded != 600 {
			t.Fatalf("reconcile: %+v %v", rec, err)
		}
	})
}
