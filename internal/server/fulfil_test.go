package server_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// TestFulfilmentHTTP ships, tracks, confirms, releases and pays out over the API and the
// pages, with tenant probes (another supplier ships or tracks: 404; another buyer
// confirms or reads shipments: 404; a buyer or customer service calls staff routes:
// 403/404) and bad input (malformed JSON, unknown fields, bad waybill: 4xx naming the
// field, nothing stored).
func TestFulfilmentHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		e.App.Payment.Providers[payment.Sandbox] = payment.SandboxProvider{}
		addrA, _, skuX, skuY := orderFixture(t, e)
		a, b := e.Login("buyera"), e.Login("buyerb")
		sx, sy, admin, kefu := e.Login("supplierx"), e.Login("suppliery"), e.Login("admin"), e.Login("kefu")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":300},{"sku":%q,"qty":200}]}`, addrA, skuX, skuY))
		var co checkoutBody
		json.Unmarshal([]byte(res.Body), &co)
		var xOrder string
		for _, o := range co.Orders {
			if o.SupplierID == e.Orgs["supplierX"].ID {
				xOrder = o.ID
			}
		}
		ship := `{"mode":"parcel","carrier":"sf","waybill":"SF1234567890123","lines":[{"line_no":1,"qty":100}]}`
		// Before payment: a conflict.
		if r := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/shipments", ship); r.StatusCode != 409 {
			t.Fatalf("ship unpaid: %d %s", r.StatusCode, r.Body)
		}
		pay := a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q,%q],"provider":"sandbox"}`, co.Orders[0].ID, co.Orders[1].ID))
		var p struct{ ID string }
		json.Unmarshal([]byte(pay.Body), &p)
		if r := a.JSON("POST", "/api/v1/payments/sandbox/"+p.ID, ""); r.StatusCode != 200 {
			t.Fatalf("pay: %d %s", r.StatusCode, r.Body)
		}
		// Bad input.
		for body, want := range map[string]string{
			`{"mode":"parcel","carrier":"sf","waybill":"SF12"}`:                         "waybill",
			`{"mode":"truck","carrier":"ftl","plate":"AB123","driver_phone":"1"}`:       "plate",
			`{"mode":"parcel","carrier":"sf","waybill":"SF1234567890123","status":"x"}`: "",
			`{"mode":"parcel",`: "",
			`{"mode":"parcel","carrier":"sf","waybill":"SF1234567890123","lines":[{"line_no":1,"qty":-5}]}`: "lines.1",
		} {
			r := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/shipments", body)
			if r.StatusCode < 400 || r.StatusCode >= 500 || (want != "" && !strings.Contains(r.Body, want)) {
				t.Fatalf("bad ship %s: %d %s", body, r.StatusCode, r.Body)
			}
		}
		// Tenant probes.
		if r := sy.JSON("POST", "/api/v1/orders/"+xOrder+"/shipments", ship); r.StatusCode != 404 {
			t.Fatalf("other supplier ships: %d", r.StatusCode)
		}
		if r := b.Get("/api/v1/orders/" + xOrder + "/shipments"); r.StatusCode != 404 {
			t.Fatalf("other buyer reads shipments: %d", r.StatusCode)
		}
		// A part shipment with an Idempotency-Key: the replay returns the same shipment.
		r1 := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/shipments", ship, "Idempotency-Key", "ship-1")
		r2 := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/shipments", ship, "Idempotency-Key", "ship-1")
		if r1.StatusCode != 201 || r1.Body != r2.Body {
			t.Fatalf("ship: %d %s / %s", r1.StatusCode, r1.Body, r2.Body)
		}
		var sh struct{ ID string }
		json.Unmarshal([]byte(r1.Body), &sh)
		if r := sy.JSON("POST", "/api/v1/shipments/"+sh.ID+"/tracking", `{"text":"伪造"}`); r.StatusCode != 404 {
			t.Fatalf("other supplier tracks: %d", r.StatusCode)
		}
		if r := sx.JSON("POST", "/api/v1/shipments/"+sh.ID+"/tracking", `{"at":"2026-01-02 08:00","place":"宁波","text":"已揽收"}`); r.StatusCode != 201 {
			t.Fatalf("track: %d %s", r.StatusCode, r.Body)
		}
		// The order page shows 部分发货, the tracking and, for the supplier, the forms.
		if r := sx.Get("/seller/orders/" + xOrder); r.StatusCode != 200 || !strings.Contains(r.Body, "部分发货") || !strings.Contains(r.Body, "已揽收") || !strings.Contains(r.Body, `name="plate"`) {
			t.Fatalf("seller order page: %d", r.StatusCode)
		}
		// The rest by truck through the page form (no JavaScript).
		if r := sx.PostForm("/seller/orders/"+xOrder+"/ship", url.Values{"mode": {"truck"}, "carrier": {"ltl"}, "plate": {"浙B12345"}, "driver_phone": {"13900001111"}}); r.StatusCode != 200 && r.StatusCode != 303 {
			t.Fatalf("ship form: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/api/v1/orders/" + xOrder); !strings.Contains(r.Body, `"state":"shipped"`) {
			t.Fatalf("not shipped: %s", r.Body)
		}
		page := a.Get("/buyer/orders/" + xOrder)
		if !strings.Contains(page.Body, "签收验货") || !strings.Contains(page.Body, "浙B12345") {
			t.Fatalf("buyer page lacks the receipt form")
		}
		if r := b.PostForm("/buyer/orders/"+xOrder+"/receive", url.Values{"confirm": {"1"}, "accepted.1": {"300"}}); r.StatusCode != 404 {
			t.Fatalf("other buyer confirms: %d", r.StatusCode)
		}
		if r := a.PostForm("/buyer/orders/"+xOrder+"/receive", url.Values{"confirm": {"1"}, "accepted.1": {"301"}}); r.StatusCode != 422 && r.StatusCode != 400 {
			t.Fatalf("over-accept: %d", r.StatusCode)
		}
		if r := a.PostForm("/buyer/orders/"+xOrder+"/receive", url.Values{"confirm": {"1"}, "accepted.1": {"300"}}); r.StatusCode != 200 && r.StatusCode != 303 {
			t.Fatalf("confirm: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/api/v1/orders/" + xOrder + "/shipments"); !strings.Contains(r.Body, `"state":"settled"`) || !strings.Contains(r.Body, `"settlement":{`) {
			t.Fatalf("not settled: %s", r.Body)
		}
		if r := admin.JSON("POST", "/api/v1/orders/"+xOrder+"/release", ""); r.StatusCode != 409 {
			t.Fatalf("release twice: %d %s", r.StatusCode, r.Body)
		}
		// Payouts: staff only; the supplier records its account first.
		for _, c := range []*servertest.Client{a, sx, kefu} {
			if r := c.JSON("POST", "/api/v1/payouts/batches", ""); r.StatusCode != 403 && r.StatusCode != 404 {
				t.Fatalf("payout batch by a non-finance caller: %d", r.StatusCode)
			}
			if r := c.Get("/admin/payouts"); r.StatusCode != 404 && r.StatusCode != 403 && r.StatusCode != 303 {
				t.Fatalf("payouts page by a non-finance caller: %d", r.StatusCode)
			}
		}
		if r := sx.JSON("PUT", "/api/v1/settlement-account", `{"name":"X紧固件有限公司","bank":"工商银行宁波分行","number":"3901000000001234","cnaps":"102332000011"}`); r.StatusCode != 200 || strings.Contains(r.Body, "3901000000001234") {
			t.Fatalf("account: %d %s", r.StatusCode, r.Body)
		}
		bt := admin.JSON("POST", "/api/v1/payouts/batches", "", "Idempotency-Key", "batch-1")
		if bt.StatusCode != 201 {
			t.Fatalf("batch: %d %s", bt.StatusCode, bt.Body)
		}
		var batch struct {
			Payouts []struct {
				ID        string `json:"id"`
				AmountFen int64  `json:"amount_fen"`
			} `json:"payouts"`
		}
		json.Unmarshal([]byte(bt.Body), &batch)
		if len(batch.Payouts) != 1 {
			t.Fatalf("batch body: %s", bt.Body)
		}
		if r := admin.Get("/admin/payouts"); r.StatusCode != 200 || !strings.Contains(r.Body, "X紧固件有限公司") {
			t.Fatalf("payouts page: %d", r.StatusCode)
		}
		po := batch.Payouts[0].ID
		// The bank returns the transfer: staff mark it failed, the next batch pays again.
		if r := kefu.JSON("POST", "/api/v1/payouts/"+po+"/failed", `{"reason":"退票"}`); r.StatusCode != 403 && r.StatusCode != 404 {
			t.Fatalf("failed by a non-finance caller: %d", r.StatusCode)
		}
		if r := admin.JSON("POST", "/api/v1/payouts/"+po+"/failed", `{"reason":"a\u0000b"}`); r.StatusCode != 422 || !strings.Contains(r.Body, "reason") {
			t.Fatalf("failed with a NUL in the reason: %d %s", r.StatusCode, r.Body)
		}
		if r := admin.JSON("POST", "/api/v1/payouts/"+po+"/failed", `{"reason":"银行退票：户名不符"}`); r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"cancelled"`) {
			t.Fatalf("failed: %d %s", r.StatusCode, r.Body)
		}
		if r := admin.JSON("POST", "/api/v1/payouts/"+po+"/paid", `{"bank_ref":"ICBC-000"}`); r.StatusCode != 409 {
			t.Fatalf("paid after failed: %d %s", r.StatusCode, r.Body)
		}
		bt = admin.JSON("POST", "/api/v1/payouts/batches", "", "Idempotency-Key", "batch-2")
		batch.Payouts = nil
		json.Unmarshal([]byte(bt.Body), &batch)
		if bt.StatusCode != 201 || len(batch.Payouts) != 1 || batch.Payouts[0].ID == po {
			t.Fatalf("batch after a failed payout: %d %s", bt.StatusCode, bt.Body)
		}
		po = batch.Payouts[0].ID
		if r := admin.JSON("POST", "/api/v1/payouts/"+po+"/paid", `{"bank_ref":"ICBC-001"}`); r.StatusCode != 200 {
			t.Fatalf("paid: %d %s", r.StatusCode, r.Body)
		}
		if r := admin.JSON("POST", "/api/v1/payouts/"+po+"/paid", `{"bank_ref":"ICBC-001"}`); r.StatusCode != 409 {
			t.Fatalf("paid twice: %d %s", r.StatusCode, r.Body)
		}
		if r := sx.Get("/api/v1/payable"); !strings.Contains(r.Body, `"balance_fen":0`) {
			t.Fatalf("payable after payout: %s", r.Body)
		}
		if r := sx.Get("/seller/payouts"); r.StatusCode != 200 || !strings.Contains(r.Body, "ICBC-001") {
			t.Fatalf("seller payouts page: %d", r.StatusCode)
		}
		if r := sx.Get("/seller/payouts/statement?format=csv"); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "\ufeff") || !strings.Contains(r.Body, "ICBC-001") {
			t.Fatalf("statement csv: %d %q", r.StatusCode, r.Body)
		}
		if r := sx.Get("/seller/payouts/statement"); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "PK") {
			t.Fatalf("statement xlsx: %d", r.StatusCode)
		}
		if r := admin.Get("/admin/settlements"); r.StatusCode != 200 || !strings.Contains(r.Body, "已对平") {
			t.Fatalf("settlement report: %d", r.StatusCode)
		}
		// A forged Kuaidi100 push: tracking is off here, so the route does not exist.
		if r := e.NewClient().PostForm("/api/v1/tracking/kuaidi100/"+sh.ID, url.Values{"param": {"{}"}, "sign": {"X"}}); r.StatusCode != 404 {
			t.Fatalf("push without Kuaidi100: %d", r.StatusCode)
		}
	})
}
