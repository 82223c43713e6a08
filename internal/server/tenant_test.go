package server_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// privateTables hold objects that belong to one company (or to a buyer and a supplier
// together). Every ID in them is tried on every route by every outsider. Tables a build
// does not have are skipped, so later parts of the trade loop join by adding their name.
var privateTables = []string{
	"buyer_addresses", "approval_rules", "requisition_lists", "checkouts", "orders",
	"payments", "payment_receipts", "payment_refunds", "statement_imports",
	"rfqs", "rfq_quotes", "rfq_files", "messages", "api_tokens", "freight_templates", "member_invites",
	"shipments", "tracking_events", "payouts", "payout_batches", "aftersale_cases", "aftersale_files",
	"aftersale_refunds", "disputes", "invoices", "invoice_files", "notify_deliveries",
}

// tenantFixture makes buyer A's company objects with supplier X: an address, a
// requisition list, an approval rule, an order awaiting payment by bank transfer, a paid
// order, an RFQ invited to X with X's quote. It returns every private ID there is.
func tenantFixture(t *testing.T, e *servertest.Env, d *db.DB) []string {
	t.Helper()
	e.App.Payment.Providers[payment.Sandbox] = payment.SandboxProvider{}
	e.App.Payment.Providers[payment.Bank] = payment.BankProvider{Account: payment.BankAccount{Name: "筑巢科技有限公司", Bank: "招商银行杭州分行", Number: "571900000000001", CNAPS: "308331012345"}}
	addrA, _, skuX, _ := orderFixture(t, e)
	known := map[string]bool{} // what exists before A acts: B's and Y's own things among it
	for _, id := range privateIDs(t, d) {
		known[id] = true
	}
	a, x := e.Login("buyera"), e.Login("supplierx")
	must := func(res *servertest.Response, want int, what string) *servertest.Response {
		t.Helper()
		if res.StatusCode != want {
			t.Fatalf("%s: %d %s", what, res.StatusCode, res.Body)
		}
		return res
	}
	must(a.JSON("POST", "/api/v1/buyer/requisition-lists", `{"name":"常用件"}`, "Idempotency-Key", "t-list"), 201, "list")
	must(a.JSON("POST", "/api/v1/buyer/members", `{"login":"supplierx","roles":["purchaser"]}`, "Idempotency-Key", "t-invite"), 202, "invite")
	var paid []string
	for i := 0; i < 3; i++ {
		co := decode[checkoutBody](t, must(a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrA, skuX), "Idempotency-Key", fmt.Sprint("t-co-", i)), 201, "checkout"))
		provider := []string{"bank", "sandbox", "sandbox"}[i]
		pay := decode[struct{ ID string }](t, must(a.JSON("POST", "/api/v1/payments", fmt.Sprintf(`{"order_ids":[%q],"provider":%q}`, co.Orders[0].ID, provider), "Idempotency-Key", fmt.Sprint("t-pay-", i)), 201, "payment"))
		if provider == "sandbox" {
			must(a.JSON("POST", "/api/v1/payments/sandbox/"+pay.ID, "", "Idempotency-Key", fmt.Sprint("t-sb-", i)), 200, "sandbox pay")
			paid = append(paid, co.Orders[0].ID)
		}
	}
	// The trade loop's later objects: shipments with tracking, an invoice, a settled
	// order paid out, an after-sales case with a photo and a dispute.
	for i, oid := range paid {
		sh := decode[struct{ ID string }](t, must(x.JSON("POST", "/api/v1/orders/"+oid+"/shipments", fmt.Sprintf(`{"mode":"parcel","carrier":"sf","waybill":"SF14000000000%02d"}`, i), "Idempotency-Key", fmt.Sprint("t-ship-", i)), 201, "ship"))
		must(x.JSON("POST", "/api/v1/shipments/"+sh.ID+"/tracking", `{"text":"已揽收","place":"宁波"}`, "Idempotency-Key", fmt.Sprint("t-track-", i)), 201, "tracking")
		must(a.JSON("POST", "/api/v1/orders/"+oid+"/invoices", `{"kind":"normal"}`, "Idempotency-Key", fmt.Sprint("t-inv-", i)), 201, "invoice")
	}
	must(a.JSON("POST", "/api/v1/orders/"+paid[0]+"/receipt", `{}`), 200, "receipt")
	must(x.JSON("PUT", "/api/v1/settlement-account", `{"name":"X紧固件有限公司","bank":"招商银行宁波分行","number":"574900000000001"}`), 200, "settlement account")
	admin := e.Login("admin")
	must(admin.JSON("POST", "/api/v1/payouts/batches", `{}`, "Idempotency-Key", "t-batch"), 201, "payout batch")
	jpg := base64.StdEncoding.EncodeToString(servertest.PNG())
	must(a.JSON("POST", "/api/v1/aftersale/cases", fmt.Sprintf(`{"order_id":%q,"line_no":1,"kind":"refund_only","reason":"damaged","qty":1,"amount_fen":100,"photos":[{"name":"a.png","data":%q}]}`, paid[1], jpg), "Idempotency-Key", "t-case"), 201, "case")
	must(a.JSON("POST", "/api/v1/disputes", fmt.Sprintf(`{"order_id":%q,"claim":"货不对板","amount_fen":500}`, paid[1]), "Idempotency-Key", "t-dispute"), 201, "dispute")
	day := func(d int) string { return time.Now().Add(time.Duration(d) * 24 * time.Hour).Format("2006-01-02") }
	var catID string
	if err := d.QueryRow(context.Background(), `SELECT id FROM categories WHERE code = 'fasteners'`).Scan(&catID); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"title":"非标螺栓","category_id":%q,"lines":[{"description":"M30 地脚螺栓","spec":"Q235","qty":50,"unit":"件"}],
		"files":[{"name":"drawing.pdf","data":%q}],"need_by":%q,"deadline":%q,"address_id":%q,"invite":["X紧固件有限公司"],"publish":true}`,
		catID, base64.StdEncoding.EncodeToString(servertest.PDF()), day(20), day(3), addrA)
	r := decode[struct{ ID string }](t, must(a.JSON("POST", "/api/v1/rfqs", body, "Idempotency-Key", "t-rfq"), 201, "rfq"))
	must(x.JSON("POST", "/api/v1/rfqs/"+r.ID+"/quote", `{"prices":["12.5"],"tax_included":true,"tax_rate":1300,"lead_days":5,"valid_until":"`+day(10)+`"}`, "Idempotency-Key", "t-quote"), 201, "quote")

	var ids []string
	for _, id := range privateIDs(t, d) {
		if !known[id] {
			ids = append(ids, id)
		}
	}
	// Orders' and payments' human numbers are also ways in.
	for _, q := range []string{`SELECT number FROM orders`, `SELECT number FROM payments`} {
		var n string
		if err := d.QueryRow(context.Background(), q+` LIMIT 1`).Scan(&n); err == nil {
			ids = append(ids, n)
		}
	}
	return ids
}

// privateIDs lists the IDs in privateTables.
func privateIDs(t *testing.T, d *db.DB) []string {
	t.Helper()
	var ids []string
	for _, table := range privateTables {
		rows, err := d.Query(context.Background(), `SELECT id FROM `+table)
		if err != nil {
			continue // not in this build
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
	}
	return ids
}

// fingerprint is what an outsider's probing must leave unchanged.
func fingerprint(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range append([]string{"cart_items", "order_events", "ledger_transactions", "outbox", "rfq_messages", "rfq_quote_versions", "requisition_items", "blobs"}, privateTables...) {
		var n int64
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err == nil {
			fmt.Fprintf(&b, "%s=%d ", table, n)
		}
	}
	for _, q := range []string{`SELECT id || state FROM orders ORDER BY id`, `SELECT id || state FROM payments ORDER BY id`, `SELECT id || state FROM rfqs ORDER BY id`, `SELECT id || name FROM requisition_lists ORDER BY id`} {
		rows, err := d.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			b.WriteString(s + " ")
		}
		rows.Close()
	}
	return b.String()
}

// passes tells whether a route policy lets a prober through to the route's own checks.
func passes(policy, who string) bool {
	switch policy {
	case "signed-in":
		return who != "anonymous"
	case "buyer":
		return who == "buyerB"
	case "supplier":
		return who == "supplierY"
	}
	return false // staff and admin routes
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestTenantMatrix is battery test 9: every page, form and API route that takes an ID,
// tried with every ID of buyer A's and supplier X's objects, by buyer B, supplier Y and an
// anonymous visitor, answers 404 (or 401/403, or for an anonymous page a redirect to sign
// in) and changes nothing; every list and page without an ID shows outsiders none of them.
func TestTenantMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every route")
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ids := tenantFixture(t, e, d)
		if len(ids) < 10 {
			t.Fatalf("only %d private IDs", len(ids))
		}
		type route struct{ method, path, policy string }
		var routes []route
		for _, r := range e.Site.Web.Routes() {
			method, path, ok := strings.Cut(r.Pattern, " ")
			if !ok {
				method, path = "GET", r.Pattern
			}
			routes = append(routes, route{method, path, r.Policy})
		}
		for _, r := range e.Site.API.Routes() {
			routes = append(routes, route{r.Method, r.Path, r.Policy.Name})
		}
		probers := map[string]*servertest.Client{"buyerB": e.Login("buyerb"), "supplierY": e.Login("suppliery"), "anonymous": e.NewClient()}
		names := []string{"anonymous", "buyerB", "supplierY"}
		before := fingerprint(t, d)
		tried := 0
		for _, rt := range routes {
			if rt.policy == "anyone" || strings.Contains(rt.path, "...}") || rt.path == "/logout" {
				continue // public pages show public things; checked below for leaks
			}
			api := strings.HasPrefix(rt.path, "/api/")
			if !pathParam.MatchString(rt.path) {
				if rt.method != "GET" {
					continue
				}
				for _, who := range names {
					res := probers[who].Get(rt.path)
					for _, id := range ids {
						if strings.Contains(res.Body, id) {
							t.Errorf("%s GET %s shows %s", who, rt.path, id)
						}
					}
				}
				continue
			}
			probe := func(c *servertest.Client, id string) *servertest.Response {
				path := pathParam.ReplaceAllString(rt.path, url.PathEscape(id))
				tried++
				switch {
				case rt.method == "GET":
					return c.Get(path)
				case api:
					return c.JSON(rt.method, path, `{}`, "Idempotency-Key", fmt.Sprintf("probe-%d", tried))
				default:
					return c.PostForm(path, url.Values{"reason": {"x"}, "note": {"x"}})
				}
			}
			for _, who := range names {
				c := probers[who]
				// What the route answers for an object that does not exist: an answer
				// the same as this (a form checked before its object is looked up, an
				// idempotent removal from the caller's own cart) tells nothing.
				nobody := probe(c, "01a20000-0000-7000-8000-000000000000").StatusCode
				tryIDs := ids
				if !passes(rt.policy, who) {
					tryIDs = ids[:1] // the policy turns this caller away before any lookup
				}
				for _, id := range tryIDs {
					res := probe(c, id)
					switch st := res.StatusCode; {
					case st >= 500:
					case st == http.StatusNotFound, st == http.StatusForbidden, st == http.StatusUnauthorized:
						continue
					case who == "anonymous" && !api && (st == http.StatusSeeOther || st == http.StatusFound) && strings.HasPrefix(res.Header.Get("Location"), "/login"):
						continue
					case st == nobody && (rt.method != "GET" || st >= 300):
						continue
					}
					t.Errorf("%s %s %s (%s): %d (no object: %d) %.200s", who, rt.method, pathParam.ReplaceAllString(rt.path, id), rt.path, res.StatusCode, nobody, res.Body)
				}
			}
		}
		// Staff out of role: a route for some staff roles (or admins) refuses the others,
		// whatever the method and whether or not it takes an ID.
		staff := map[string]*servertest.Client{"ops_manager": e.Login("ops"), "customer_service": e.Login("kefu")}
		staffProbes := 0
		for _, rt := range routes {
			roles, limited := strings.CutPrefix(rt.policy, "staff:")
			if rt.policy == "admin" {
				roles, limited = "", true
			}
			if !limited {
				continue
			}
			for role, c := range staff {
				if slices.Contains(strings.Split(roles, ","), role) {
					continue
				}
				path := pathParam.ReplaceAllString(rt.path, ids[0])
				var res *servertest.Response
				switch {
				case rt.method == "GET":
					res = c.Get(path)
				case strings.HasPrefix(rt.path, "/api/"):
					res = c.JSON(rt.method, path, `{}`, "Idempotency-Key", fmt.Sprintf("staff-probe-%d", staffProbes))
				default:
					res = c.PostForm(path, url.Values{})
				}
				staffProbes++
				if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s %s (policy %s): %d %.200s", role, rt.method, path, rt.policy, res.StatusCode, res.Body)
				}
			}
		}
		if staffProbes < 10 {
			t.Errorf("only %d out-of-role staff probes", staffProbes)
		}
		if after := fingerprint(t, d); after != before {
			t.Errorf("probing changed the database:\nbefore %s\nafter  %s", before, after)
		}
		t.Logf("%d routes, %d private IDs, %d probes", len(routes), len(ids), tried)
	})
}
