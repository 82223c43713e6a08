package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

type invoiceBody struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Color      string `json:"color"`
	AmountFen  int64  `json:"amount_fen"`
	ExclFen    int64  `json:"excl_fen"`
	TaxFen     int64  `json:"tax_fen"`
	RedPending bool   `json:"red_pending"`
	Lines      []struct {
		AmountFen int64 `json:"amount_fen"`
	} `json:"lines"`
	Files []struct {
		URL string `json:"url"`
	} `json:"files"`
}

func yuanStr(f int64) string { return fmt.Sprintf("%d.%02d", f/100, f%100) }

// TestInvoiceHTTP requests, issues and reverses an invoice over the API and the pages,
// with tenant probes for buyers and suppliers.
func TestInvoiceHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		e.App.Payment.Providers[payment.Sandbox] = payment.SandboxProvider{}
		addrA, addrB, skuX, _ := orderFixture(t, e)
		if err := e.Store.SaveBuyerProfile(context.Background(), &buyer.Profile{OrgID: e.Orgs["buyerA"].ID, InvoiceTitle: "甲采购有限公司", TaxID: "91350100M000100Y43",
			RegAddress: "苏州市金山路1号", RegPhone: "0512-66666666", BankName: "工商银行苏州分行", BankAccount: "1102020109000012345", InvoiceType: "special", UpdatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		a, b := e.Login("buyera"), e.Login("buyerb")
		sx, sy := e.Login("supplierx"), e.Login("suppliery")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":300}]}`, addrA, skuX))
		var co checkoutBody
		json.Unmarshal([]byte(res.Body), &co)
		oid := co.Orders[0].ID
		// Before payment: refused.
		if r := a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"special"}`); r.StatusCode != 409 {
			t.Fatalf("request before payment: %d %s", r.StatusCode, r.Body)
		}
		p := a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":"sandbox"}`, oid))
		var pay struct{ ID string }
		json.Unmarshal([]byte(p.Body), &pay)
		if r := a.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, ""); r.StatusCode != 200 {
			t.Fatalf("pay: %d %s", r.StatusCode, r.Body)
		}
		// The payments list shows the payment with its orders.
		if r := a.Get("/buyer/payments"); r.StatusCode != 200 || !strings.Contains(r.Body, co.Orders[0].Number) {
			t.Fatalf("payments page: %d", r.StatusCode)
		}
		if r := a.Get("/api/v1/payments"); !strings.Contains(r.Body, co.Orders[0].Number) {
			t.Fatalf("payments list without orders: %s", r.Body)
		}
		// Bad input: a tampered amount is an unknown field; a wrong kind names the field.
		if r := a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"special","amount_fen":1}`); r.StatusCode != 400 && r.StatusCode != 422 {
			t.Fatalf("tampered request: %d %s", r.StatusCode, r.Body)
		}
		if r := a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"vat"}`); r.StatusCode != 422 || !strings.Contains(r.Body, `"kind"`) {
			t.Fatalf("bad kind: %d %s", r.StatusCode, r.Body)
		}
		if r := b.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"normal"}`); r.StatusCode != 404 {
			t.Fatalf("another buyer's order: %d", r.StatusCode)
		}
		r1 := a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"special"}`, "Idempotency-Key", "inv-1")
		r2 := a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"special"}`, "Idempotency-Key", "inv-1")
		if r1.StatusCode != 201 || r1.Body != r2.Body {
			t.Fatalf("request: %d %s / %s", r1.StatusCode, r1.Body, r2.Body)
		}
		var inv invoiceBody
		json.Unmarshal([]byte(r1.Body), &inv)
		var sum int64
		for _, l := range inv.Lines {
			sum += l.AmountFen
		}
		if inv.AmountFen != co.Orders[0].TotalFen || sum != inv.AmountFen || inv.ExclFen+inv.TaxFen != inv.AmountFen {
			t.Fatalf("invoice %+v for order total %d", inv, co.Orders[0].TotalFen)
		}
		// The supplier's header bell counts the request's message.
		if r := sx.Get("/seller/invoices"); !strings.Contains(r.Body, `<b class="count">`) {
			i := strings.Index(r.Body, "bell")
			t.Fatalf("bell without the unread count: %s", r.Body[i:min(len(r.Body), i+300)])
		}
		// Notification preferences: the page, a save, a bad kind named.
		if r := a.Get("/account/notifications"); r.StatusCode != 200 || !strings.Contains(r.Body, `name="sms" value="shipment" checked`) {
			t.Fatalf("preferences page: %d", r.StatusCode)
		}
		if r := a.PostForm("/account/notifications", url.Values{"email": {"invoice"}, "sms": {"dispute"}}); r.StatusCode != 303 {
			t.Fatalf("save preferences: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/account/notifications"); strings.Contains(r.Body, `name="sms" value="shipment" checked`) || !strings.Contains(r.Body, `name="email" value="invoice" checked`) {
			t.Fatal("preferences not saved")
		}
		if r := a.PostForm("/account/notifications", url.Values{"sms": {"<script>"}}); r.StatusCode != 422 {
			t.Fatalf("bad kind: %d", r.StatusCode)
		}
		if r := a.JSON("PUT", "/api/v1/notifications/preferences", `{"email":["order"],"sms":[]}`); r.StatusCode != 200 || !strings.Contains(r.Body, `{"kind":"invoice","email":false,"sms":false}`) {
			t.Fatalf("preferences API: %d %s", r.StatusCode, r.Body)
		}
		if r := e.Login("ops").Get("/admin/notifications"); r.StatusCode != 200 {
			t.Fatalf("deliveries page: %d", r.StatusCode)
		}
		if r := a.Get("/admin/notifications"); r.StatusCode != 404 {
			t.Fatalf("deliveries page for a buyer: %d", r.StatusCode)
		}
		// Another company without tax details: the 专票 request names what is missing.
		rb := b.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrB, skuX))
		var cob checkoutBody
		json.Unmarshal([]byte(rb.Body), &cob)
		pb := b.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":"sandbox"}`, cob.Orders[0].ID))
		var payB struct{ ID string }
		json.Unmarshal([]byte(pb.Body), &payB)
		b.JSON("POST", "/api/v1/payments/sandbox/"+payB.ID, "")
		if r := b.JSON("POST", "/api/v1/orders/"+cob.Orders[0].ID+"/invoices", `{"kind":"special"}`); r.StatusCode != 422 || !strings.Contains(r.Body, `"tax_id"`) || !strings.Contains(r.Body, "纳税人识别号") {
			t.Fatalf("专票 without tax details: %d %s", r.StatusCode, r.Body)
		}
		// Tenant probes on every invoice route.
		for _, c := range []*servertest.Client{b, sy} {
			for _, path := range []string{"/api/v1/invoices/" + inv.ID, "/buyer/invoices/" + inv.ID, "/seller/invoices/" + inv.ID} {
				if r := c.Get(path); r.StatusCode != 404 {
					t.Fatalf("%s by a stranger: %d", path, r.StatusCode)
				}
			}
			if r := c.Get("/api/v1/invoices"); strings.Contains(r.Body, inv.ID) {
				t.Fatal("a stranger lists the invoice")
			}
		}
		issue := func(c *servertest.Client, no string, tax int64) *servertest.Response {
			return c.JSON("POST", "/api/v1/invoices/"+inv.ID+"/issue", fmt.Sprintf(`{"number":%q,"issued_on":%q,"amount":%q,"excl":%q,"tax":%q}`,
				no, time.Now().In(shanghai()).Format("2006-01-02"), yuanStr(inv.AmountFen), yuanStr(inv.ExclFen), yuanStr(tax)))
		}
		year := time.Now().In(shanghai()).Format("06")
		if r := issue(sy, year+"330000000000000001", inv.TaxFen); r.StatusCode != 404 {
			t.Fatalf("another supplier issues: %d", r.StatusCode)
		}
		if r := issue(sx, year+"330000000000000001", inv.TaxFen+1); r.StatusCode != 422 || !strings.Contains(r.Body, `"tax"`) {
			t.Fatalf("tax mismatch: %d %s", r.StatusCode, r.Body)
		}
		// A file first (the 数电票 XML), then the issue naming it.
		up := sx.Do("POST", "/api/v1/invoices/"+inv.ID+"/files?filename=fp.xml", "application/xml", `<?xml version="1.0" encoding="UTF-8"?><EInvoice><TaxSupervisionInfo/></EInvoice>`)
		if up.StatusCode != 201 {
			t.Fatalf("file upload: %d %s", up.StatusCode, up.Body)
		}
		if r := sx.Do("POST", "/api/v1/invoices/"+inv.ID+"/files?filename=x.xml", "application/xml", `<svg xmlns="http://www.w3.org/2000/svg"/>`); r.StatusCode != 415 {
			t.Fatalf("svg as invoice file: %d %s", r.StatusCode, r.Body)
		}
		var f struct{ ID string }
		json.Unmarshal([]byte(up.Body), &f)
		r := sx.JSON("POST", "/api/v1/invoices/"+inv.ID+"/issue", fmt.Sprintf(`{"number":%q,"issued_on":%q,"amount":%q,"excl":%q,"tax":%q,"file_ids":[%q]}`,
			year+"330000000000000001", time.Now().In(shanghai()).Format("2006-01-02"), yuanStr(inv.AmountFen), yuanStr(inv.ExclFen), yuanStr(inv.TaxFen), f.ID), "Idempotency-Key", "iss-1")
		if r.StatusCode != 200 || !strings.Contains(r.Body, `"state":"issued"`) {
			t.Fatalf("issue: %d %s", r.StatusCode, r.Body)
		}
		if r := issue(sx, year+"330000000000000002", inv.TaxFen); r.StatusCode != 409 {
			t.Fatalf("double issue: %d %s", r.StatusCode, r.Body)
		}
		var issued invoiceBody
		json.Unmarshal([]byte(r.Body), &issued)
		if len(issued.Files) != 1 {
			t.Fatalf("files %s", r.Body)
		}
		if r := a.Get(issued.Files[0].URL); r.StatusCode != 200 || r.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("file for the buyer: %d %v", r.StatusCode, r.Header)
		}
		if r := b.Get(issued.Files[0].URL); r.StatusCode != 404 {
			t.Fatalf("file for another buyer: %d", r.StatusCode)
		}
		// Pages: the buyer's order page and list, the supplier's queue, staff's report.
		if r := a.Get("/buyer/orders/" + oid); r.StatusCode != 200 || !strings.Contains(r.Body, `id="invoice"`) {
			t.Fatalf("order page: %d", r.StatusCode)
		}
		if r := a.Get("/buyer/invoices/" + inv.ID); r.StatusCode != 200 || !strings.Contains(r.Body, year+"330000000000000001") || strings.Contains(r.Body, "1102020109000012345") {
			t.Fatalf("buyer's invoice page (bank account must be masked): %d", r.StatusCode)
		}
		if r := sx.Get("/seller/invoices"); r.StatusCode != 200 || !strings.Contains(r.Body, inv.ID) {
			t.Fatalf("supplier queue: %d", r.StatusCode)
		}
		ops := e.Login("ops")
		if r := ops.Get("/admin/invoices"); r.StatusCode != 200 {
			t.Fatalf("report page: %d", r.StatusCode)
		}
		if r := a.Get("/admin/invoices"); r.StatusCode != 404 {
			t.Fatalf("report page for a buyer: %d", r.StatusCode)
		}
		if r := ops.Get("/api/v1/invoices/report"); r.StatusCode != 200 || !strings.Contains(r.Body, `"blue.issued":1`) {
			t.Fatalf("report: %d %s", r.StatusCode, r.Body)
		}
		// Refund through the cancellation path: a red-letter task appears for the supplier.
		if r := a.JSON("POST", "/api/v1/orders/"+oid+"/refund", `{"reason":"不要了"}`); r.StatusCode != 201 {
			t.Fatalf("refund request: %d %s", r.StatusCode, r.Body)
		}
		if r := sx.JSON("POST", "/api/v1/orders/"+oid+"/refund/approve", ""); r.StatusCode != 200 {
			t.Fatalf("refund approve: %d %s", r.StatusCode, r.Body)
		}
		rl := sx.Get("/api/v1/invoices?color=red&state=requested")
		var reds struct{ Items []invoiceBody }
		json.Unmarshal([]byte(rl.Body), &reds)
		if len(reds.Items) != 1 || reds.Items[0].AmountFen != -inv.AmountFen {
			t.Fatalf("red tasks: %s", rl.Body)
		}
		red := reds.Items[0]
		// The supplier records it from the page form.
		v := url.Values{"mode": {"partial"}, "number": {year + "330000000000000003"}, "issued_on": {time.Now().In(shanghai()).Format("2006-01-02")},
			"amount": {"-" + yuanStr(-red.AmountFen)}, "excl": {"-" + yuanStr(-red.ExclFen)}, "tax": {"-" + yuanStr(-red.TaxFen)}}
		if r := sx.PostForm("/seller/invoices/"+red.ID+"/issue", v); r.StatusCode != 303 {
			t.Fatalf("red issue form: %d %s", r.StatusCode, r.Body)
		}
		if r := a.Get("/api/v1/invoices/" + inv.ID); !strings.Contains(r.Body, `"red_pending":false`) || !strings.Contains(r.Body, fmt.Sprintf(`"reversed_fen":%d`, inv.AmountFen)) {
			t.Fatalf("blue after red: %s", r.Body)
		}
	})
}

func shanghai() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}

// TestInvoicePagesRender renders the invoice, payments and notification pages in both
// languages, and answers bad input with 4xx, never 500.
func TestInvoicePagesRender(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		pages := map[string][]string{
			"buyera":    {"/buyer/invoices", "/buyer/invoices?show=issued", "/buyer/payments", "/account/notifications"},
			"supplierx": {"/seller/invoices", "/seller/invoices?show=red", "/account/notifications"},
			"admin":     {"/admin/invoices", "/admin/notifications"},
		}
		for user, paths := range pages {
			for _, lang := range []string{"zh-CN", "en"} {
				c := e.Login(user)
				c.Lang = lang
				for _, p := range paths {
					if res := c.Get(p); res.StatusCode != 200 || !strings.Contains(res.Body, fmt.Sprintf(`<html lang="%s">`, lang)) {
						t.Errorf("%s %s %s: %d", user, lang, p, res.StatusCode)
					}
				}
			}
		}
		ops, sx := e.Login("ops"), e.Login("supplierx")
		var cat string
		if err := d.QueryRow(context.Background(), `SELECT id FROM categories LIMIT 1`).Scan(&cat); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			c          *servertest.Client
			method     string
			path, body string
			want       int
		}{
			{sx, "GET", "/seller/invoices/not-an-id", "", 404},
			{sx, "GET", "/seller/invoices/01900000-0000-7000-8000-000000000000", "", 404},
			{sx, "POST", "/seller/invoices/01900000-0000-7000-8000-000000000000/issue", "number=%00", 404},
			{sx, "POST", "/seller/invoices/01900000-0000-7000-8000-000000000000/reject", "reason=x", 404},
			{ops, "POST", "/admin/invoices/rates", "category=" + cat + "&rate=abc", 422},
			{ops, "POST", "/admin/invoices/rates", "category=" + cat + "&rate=20000", 422},
			{ops, "POST", "/admin/invoices/rates", "category=nope&rate=900", 404},
			{ops, "POST", "/admin/invoices/rates", "category=" + cat + "&rate=900", 303},
			{e.Login("kefu"), "POST", "/admin/invoices/rates", "category=" + cat + "&rate=600", 404},
			{sx, "GET", "/invoices/01900000-0000-7000-8000-000000000000/files/x", "", 404},
		}
		for _, tc := range cases {
			if r := tc.c.Do(tc.method, tc.path, "application/x-www-form-urlencoded", tc.body); r.StatusCode != tc.want {
				t.Errorf("%s %s %s = %d, want %d", tc.method, tc.path, tc.body, r.StatusCode, tc.want)
			}
		}
		var rate int64
		if err := d.QueryRow(context.Background(), `SELECT vat_rate FROM categories WHERE id = ?`, cat).Scan(&rate); err != nil || rate != 900 {
			t.Fatalf("rate %d %v", rate, err)
		}
	})
}
