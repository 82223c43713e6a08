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

// TestPaymentHTTP pays, replays, refunds and imports over the API and the pages, with
// tenant probes: another company's payment is a 404, the wrong supplier cannot approve a
// refund, a buyer cannot import statements, a forged notification changes nothing.
func TestPaymentHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		e.App.Payment.Providers[payment.Sandbox] = payment.SandboxProvider{}
		addrA, _, skuX, skuY := orderFixture(t, e)
		a, b := e.Login("buyera"), e.Login("buyerb")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100},{"sku":%q,"qty":200}]}`, addrA, skuX, skuY))
		if res.StatusCode != 201 {
			t.Fatalf("checkout: %d %s", res.StatusCode, res.Body)
		}
		var co checkoutBody
		json.Unmarshal([]byte(res.Body), &co)
		ids := fmt.Sprintf(`{"order_ids":[%q,%q],"provider":"sandbox"}`, co.Orders[0].ID, co.Orders[1].ID)
		p1 := a.JSON("POST", "/api/v1/payments", ids, "Idempotency-Key", "pay-1")
		p2 := a.JSON("POST", "/api/v1/payments", ids, "Idempotency-Key", "pay-1")
		if p1.StatusCode != 201 || p1.Body != p2.Body {
			t.Fatalf("create: %d %s / %s", p1.StatusCode, p1.Body, p2.Body)
		}
		var pay struct {
			ID        string `json:"id"`
			AmountFen int64  `json:"amount_fen"`
			Sandbox   bool   `json:"sandbox"`
		}
		json.Unmarshal([]byte(p1.Body), &pay)
		if pay.AmountFen != co.Orders[0].TotalFen+co.Orders[1].TotalFen || !pay.Sandbox {
			t.Fatalf("payment body %s", p1.Body)
		}
		// Tampering: a client-sent amount is an unknown field.
		if r := a.JSON("POST", "/api/v1/payments", `{"order_ids":[],"provider":"sandbox","amount_fen":1}`); r.StatusCode != 400 && r.StatusCode != 422 {
			t.Fatalf("tampered create: %d %s", r.StatusCode, r.Body)
		}
		for _, c := range []*servertest.Client{b, e.Login("supplierx")} {
			if r := c.Get("/api/v1/payments/" + pay.ID); r.StatusCode != 404 {
				t.Fatalf("foreign payment: %d", r.StatusCode)
			}
		}
		if r := b.Get("/buyer/payments/" + pay.ID); r.StatusCode != 404 {
			t.Fatalf("foreign payment page: %d", r.StatusCode)
		}
		if r := b.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, ""); r.StatusCode != 404 {
			t.Fatalf("foreign sandbox pay: %d", r.StatusCode)
		}
		if r := a.Get("/buyer/payments/" + pay.ID); r.StatusCode != 200 || !strings.Contains(r.Body, "沙箱支付(演示)") {
			t.Fatalf("payment page: %d", r.StatusCode)
		}
		if r := a.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"matched"`) {
			t.Fatalf("sandbox pay: %d %s", r.StatusCode, r.Body)
		}
		if r := a.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"replayed":true`) {
			t.Fatalf("sandbox replay: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/api/v1/orders/" + co.Orders[0].ID); !strings.Contains(r.Body, `"state":"paid"`) {
			t.Fatalf("order not paid: %s", r.Body)
		}
		// The supplier sees the paid order as to ship.
		sx := e.Login("supplierx")
		var xOrder string
		for _, o := range co.Orders {
			if o.SupplierID == e.Orgs["supplierX"].ID {
				xOrder = o.ID
			}
		}
		if r := sx.Get("/seller/orders"); !strings.Contains(r.Body, "待发货") {
			t.Fatalf("supplier list lacks 待发货")
		}
		// Refund: the buyer asks, the wrong supplier cannot decide, the right one approves once.
		if r := a.JSON("POST", "/api/v1/orders/"+xOrder+"/refund", `{"reason":"不需要了"}`); r.StatusCode != 201 {
			t.Fatalf("refund request: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Login("suppliery").JSON("POST", "/api/v1/orders/"+xOrder+"/refund/approve", ""); r.StatusCode != 404 {
			t.Fatalf("other supplier approved: %d", r.StatusCode)
		}
		if r := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/refund/approve", ""); r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"refunded"`) {
			t.Fatalf("approve: %d %s", r.StatusCode, r.Body)
		}
		if r := sx.JSON("POST", "/api/v1/orders/"+xOrder+"/refund/approve", ""); r.StatusCode != 409 {
			t.Fatalf("second approve: %d %s", r.StatusCode, r.Body)
		}
		// Statements: staff only; garbage rows are reported by row.
		csv := "交易日期,对方户名,贷方金额,摘要\n2026-11-24,甲采购有限公司,12.00,货款\n2026-11-24,某公司,abc,货款\n"
		if r := a.Do("POST", "/api/v1/payments/statements", "text/csv", csv); r.StatusCode != 403 && r.StatusCode != 404 {
			t.Fatalf("buyer imported: %d", r.StatusCode)
		}
		admin := e.Login("admin")
		r := admin.Do("POST", "/api/v1/payments/statements?filename=s.csv", "text/csv", csv)
		if r.StatusCode != 200 || !strings.Contains(r.Body, `"review":1`) || !strings.Contains(r.Body, `"row":3`) {
			t.Fatalf("import: %d %s", r.StatusCode, r.Body)
		}
		if r := admin.Get("/admin/payments"); r.StatusCode != 200 || !strings.Contains(r.Body, "待核款项 (1)") {
			t.Fatalf("admin payments: %d", r.StatusCode)
		}
		if r := e.Login("kefu").PostForm("/admin/payments/import", url.Values{}); r.StatusCode != 403 && r.StatusCode != 404 {
			t.Fatalf("kefu imported: %d", r.StatusCode)
		}
		// Notifications: an unconfigured provider does not exist; a sandbox "notification" is refused.
		if r := e.NewClient().Do("POST", "/api/v1/payments/notify/alipay", "application/x-www-form-urlencoded", "trade_no=1&sign=x&sign_type=RSA2"); r.StatusCode != 404 {
			t.Fatalf("alipay unconfigured: %d", r.StatusCode)
		}
		if r := e.NewClient().Do("POST", "/api/v1/payments/notify/sandbox", "application/json", "{}"); r.StatusCode != 422 {
			t.Fatalf("sandbox notify: %d", r.StatusCode)
		}
		rec, err := e.App.Payment.Reconcile(t.Context())
		if err != nil || !rec.Clean() {
			t.Fatalf("reconcile: %+v %v", rec, err)
		}
	})
}
