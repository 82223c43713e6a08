package server_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

type rfqBody struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Target int64  `json:"target_fen"`
	Files  []struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	} `json:"files"`
	Quotes []struct {
		ID       string `json:"id"`
		State    string `json:"state"`
		TotalFen int64  `json:"total_fen"`
		Capitals string `json:"total_capitals"`
		Version  int    `json:"version"`
	} `json:"quotes"`
	Invited []string `json:"invited"`
}

func decode[T any](t *testing.T, r *servertest.Response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
	return v
}

// TestRFQHTTP is the RFQ journey over the API and the pages: buyerA posts a request in
// a category nobody sells in, inviting supplierX only; supplierY (not invited, outside
// the category) and buyerB get 404 everywhere; supplierX quotes and revises; the pages
// render; the print page shows the total in capitals; accepting twice is refused; the
// accepted quote is an order awaiting payment.
func TestRFQHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addrA, _, _, _ := orderFixture(t, e)
		ctx := context.Background()
		valves := &catalog.Category{Code: "valves", NameZH: "阀门", NameEN: "Valves", Path: "/valves/"}
		if err := e.Store.AddCategory(ctx, valves); err != nil {
			t.Fatal(err)
		}
		a, b, x, y, admin := e.Login("buyera"), e.Login("buyerb"), e.Login("supplierx"), e.Login("suppliery"), e.Login("admin")
		day := func(d int) string { return time.Now().Add(time.Duration(d) * 24 * time.Hour).Format("2006-01-02") }
		pdf := base64.StdEncoding.EncodeToString(servertest.PDF())
		body := fmt.Sprintf(`{"title":"非标闸阀","category_id":%q,"lines":[{"description":"闸阀 DN50","spec":"WCB","qty":10,"unit":"台"}],
			"files":[{"name":"drawing.pdf","data":%q}],"need_by":%q,"deadline":%q,"target":"5000","address_id":%q,"invite":["X紧固件有限公司"],"publish":true}`,
			valves.ID, pdf, day(20), day(3), addrA)
		res := a.JSON("POST", "/api/v1/rfqs", body, "Idempotency-Key", "rfq-1")
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		r := decode[rfqBody](t, res)
		if again := a.JSON("POST", "/api/v1/rfqs", body, "Idempotency-Key", "rfq-1"); decode[rfqBody](t, again).ID != r.ID {
			t.Fatalf("replay made another request: %s", again.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM rfqs`); n != 1 {
			t.Fatalf("%d requests", n)
		}
		if len(r.Files) != 1 || r.State != "published" {
			t.Fatalf("request %+v", r)
		}
		// Tenant probes: another buyer and a supplier neither invited nor in the category.
		for _, c := range []struct {
			cl           *servertest.Client
			method, path string
			body         string
		}{
			{y, "GET", "/api/v1/rfqs/" + r.ID, ""},
			{y, "POST", "/api/v1/rfqs/" + r.ID + "/quote", `{"prices":["1"],"tax_rate":1300,"lead_days":5,"valid_until":"` + day(10) + `"}`},
			{y, "POST", "/api/v1/rfqs/" + r.ID + "/messages", `{"body":"hi"}`},
			{y, "GET", "/seller/quotes/" + r.ID, ""},
			{y, "GET", r.Files[0].URL, ""},
			{b, "GET", "/api/v1/rfqs/" + r.ID, ""},
			{b, "GET", "/buyer/rfqs/" + r.ID, ""},
			{b, "GET", "/buyer/rfqs/" + r.ID + "/compare", ""},
			{b, "POST", "/api/v1/rfqs/" + r.ID + "/cancel", ""},
			{b, "GET", r.Files[0].URL, ""},
		} {
			var res *servertest.Response
			if c.method == "GET" {
				res = c.cl.Get(c.path)
			} else {
				res = c.cl.JSON(c.method, c.path, c.body)
			}
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", c.method, c.path, res.StatusCode)
			}
		}
		if list := decode[struct{ Items []rfqBody }](t, y.Get("/api/v1/rfqs")); len(list.Items) != 0 {
			t.Fatalf("supplierY lists %d requests", len(list.Items))
		}
		// SupplierX sees it without the target price or the invite list, and quotes.
		seen := decode[rfqBody](t, x.Get("/api/v1/rfqs/"+r.ID))
		if seen.Target != 0 || len(seen.Invited) != 0 {
			t.Fatalf("supplier sees %+v", seen)
		}
		if res := x.Get(r.Files[0].URL); res.StatusCode != 200 || !strings.HasPrefix(res.Body, "%PDF") {
			t.Fatalf("drawing: %d", res.StatusCode)
		}
		for _, bad := range []string{
			`{"prices":["-1"],"tax_rate":1300,"lead_days":5,"valid_until":"` + day(10) + `"}`,
			`{"prices":["100"],"tax_rate":1300,"lead_days":5,"valid_until":"2020-01-01"}`,
			`{"prices":["100"],"tax_rate":1300,"lead_days":5,"valid_until":"` + day(10) + `","total_fen":1}`,
		} {
			if res := x.JSON("POST", "/api/v1/rfqs/"+r.ID+"/quote", bad); res.StatusCode/100 != 4 || res.StatusCode == 404 {
				t.Errorf("bad quote %s: %d %s", bad, res.StatusCode, res.Body)
			}
		}
		res = x.JSON("POST", "/api/v1/rfqs/"+r.ID+"/quote", `{"prices":["1234.5"],"tax_included":true,"tax_rate":1300,"lead_days":7,"valid_until":"`+day(10)+`","payment_terms":"款到发货"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("quote: %d %s", res.StatusCode, res.Body)
		}
		form := url.Values{"version": {"1"}, "price": {"1000.01"}, "tax_rate": {"1300"}, "tax_included": {"1"}, "lead_days": {"6"}, "valid_until": {day(10)}}
		if res := x.PostForm("/seller/quotes/"+r.ID, form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("revise by form: %d %s", res.StatusCode, res.Body)
		}
		full := decode[rfqBody](t, a.Get("/api/v1/rfqs/"+r.ID))
		q := full.Quotes[0]
		if q.Version != 2 || q.TotalFen != 1000010 || q.Capitals != "壹万元壹角整" {
			t.Fatalf("quote %+v", q)
		}
		if res := a.PostForm("/buyer/rfqs/"+r.ID+"/messages", url.Values{"supplier_id": {e.Orgs["supplierX"].ID}, "body": {"能否提前？"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("message: %d", res.StatusCode)
		}
		// Every page renders for its viewer.
		for _, c := range []struct {
			cl   *servertest.Client
			path string
			want string
		}{
			{a, "/buyer/rfqs", "非标闸阀"}, {a, "/buyer/rfqs/new", "name=\"desc.0\""}, {a, "/buyer/rfqs/" + r.ID, "能否提前？"},
			{a, "/buyer/rfqs/" + r.ID + "/compare", "¥1000.01"}, {x, "/seller/quotes", "非标闸阀"}, {x, "/seller/quotes/" + r.ID, "能否提前？"},
			{admin, "/admin/rfqs", "非标闸阀"}, {admin, "/admin/rfqs/" + r.ID, "X紧固件有限公司"},
			{a, "/rfqs/" + r.ID + "/quotes/" + q.ID + "/print", "壹万元壹角整"}, {x, "/rfqs/" + r.ID + "/quotes/" + q.ID + "/print", "¥10,000.10"},
		} {
			res := c.cl.Get(c.path)
			if res.StatusCode != 200 || !strings.Contains(res.Body, c.want) {
				t.Errorf("GET %s: %d, missing %q", c.path, res.StatusCode, c.want)
			}
		}
		if res := a.Get("/rfqs/" + r.ID + "/quotes/" + q.ID + "/pdf"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") {
			t.Errorf("quote PDF: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		for _, cl := range []*servertest.Client{y, b} {
			if res := cl.Get("/rfqs/" + r.ID + "/quotes/" + q.ID + "/pdf"); res.StatusCode != 404 {
				t.Errorf("outsider gets the PDF: %d", res.StatusCode)
			}
		}
		if res := y.Get("/rfqs/" + r.ID + "/quotes/" + q.ID + "/print"); res.StatusCode != 404 {
			t.Errorf("outsider prints the quote: %d", res.StatusCode)
		}
		if res := admin.JSON("POST", "/api/v1/rfqs/"+r.ID+"/accept", `{"quote_id":"`+q.ID+`"}`); res.StatusCode != 403 {
			t.Errorf("staff accepts: %d", res.StatusCode)
		}
		// Accept through the page: the order awaits payment at the quoted price.
		res = a.PostForm("/buyer/rfqs/"+r.ID+"/accept", url.Values{"quote_id": {q.ID}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/buyer/orders/") {
			t.Fatalf("accept: %d %s", res.StatusCode, res.Body)
		}
		orderPage := a.Get(res.Header.Get("Location"))
		if orderPage.StatusCode != 200 || !strings.Contains(orderPage.Body, "闸阀 DN50") || !strings.Contains(orderPage.Body, "¥10,000.10") {
			t.Fatalf("order page: %d", orderPage.StatusCode)
		}
		if res := a.JSON("POST", "/api/v1/rfqs/"+r.ID+"/accept", `{"quote_id":"`+q.ID+`"}`, "Idempotency-Key", "acc-2"); res.StatusCode != http.StatusConflict {
			t.Fatalf("accept twice: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders WHERE buyer_org_id = ? AND state = 'awaiting_payment' AND total_fen = 1000010`, e.Orgs["buyerA"].ID); n != 1 {
			t.Fatalf("%d orders", n)
		}
		if res := x.JSON("POST", "/api/v1/rfqs/"+r.ID+"/withdraw", ""); res.StatusCode != http.StatusConflict {
			t.Fatalf("withdraw after award: %d", res.StatusCode)
		}
	})
}
