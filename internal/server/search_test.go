package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestSearchPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		res := c.Get("/search?q=" + url.QueryEscape("外六角螺栓 M8"))
		if res.StatusCode != 200 || !strings.Contains(res.Body, "supplierX 外六角螺栓 M8") || !strings.Contains(res.Body, "supplierY 外六角螺栓 M8") {
			t.Fatalf("search: %d", res.StatusCode)
		}
		// M8 is read as the thread parameter and shown as understood.
		if !strings.Contains(res.Body, "螺纹规格 = M8") {
			t.Error("M8 not understood as a thread size")
		}
		// Facet links narrow and are shareable: the supplier facet keeps one supplier.
		res = c.Get("/search?q=" + url.QueryEscape("螺栓") + "&supplier=" + e.Orgs["supplierY"].ID)
		if res.StatusCode != 200 || strings.Contains(res.Body, "supplierX 外六角螺栓") || !strings.Contains(res.Body, "supplierY 外六角螺栓") {
			t.Fatalf("supplier filter: %d", res.StatusCode)
		}
		// The category page lists with the same engine.
		if res = c.Get("/c/fasteners?a.thread=M8"); res.StatusCode != 200 || !strings.Contains(res.Body, "supplierX 外六角螺栓 M8") {
			t.Fatalf("category page: %d", res.StatusCode)
		}
		if res = c.Get("/c/no-such-category"); res.StatusCode != 404 {
			t.Errorf("unknown category: %d", res.StatusCode)
		}
		// A change reaches the index through the outbox.
		if _, err := d.Exec(context.Background(), `UPDATE products SET title = '防松外六角螺栓 M8 达克罗' WHERE id = ?`, e.Products["supplierX"]); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.Emit(context.Background(), "product", e.Products["supplierX"]); err != nil {
			t.Fatal(err)
		}
		e.Reindex()
		if res = c.Get("/search?q=" + url.QueryEscape("达克罗")); !strings.Contains(res.Body, "防松外六角螺栓") {
			t.Error("changed title not searchable")
		}
		// Bad input: a clear 4xx naming the field, or a sensible page; never a 500.
		for _, tc := range []struct {
			q    string
			want int
		}{
			{"q=" + strings.Repeat("螺", 5000), http.StatusUnprocessableEntity},
			{"q=" + url.QueryEscape("🔩🔩"), 200},
			{"q=" + url.QueryEscape("' OR 1=1 --"), 200},
			{"q=" + url.QueryEscape(".*(a|b)+["), 200},
			{"q=%FF%FE", http.StatusUnprocessableEntity},
			{"page=10000", http.StatusUnprocessableEntity},
			{"page=-1", http.StatusUnprocessableEntity},
			{"price=abc", http.StatusUnprocessableEntity},
			{"sort=random", http.StatusUnprocessableEntity},
			{"n.length=x-y", http.StatusUnprocessableEntity},
			{"a.nonexistent=1&unknown=2", 200},
		} {
			res := c.Get("/search?" + tc.q)
			if res.StatusCode != tc.want {
				t.Errorf("/search?%.40s: %d, want %d", tc.q, res.StatusCode, tc.want)
			}
		}
		if res = c.Get("/search/suggest?q=jgj"); res.StatusCode != 200 || !strings.Contains(res.Body, "<option") {
			t.Errorf("suggest: %d %q", res.StatusCode, res.Body)
		}
		// The search was logged; a click on a result is recorded.
		e.App.Search.FlushLogs(context.Background())
		var n int
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM search_log`).Scan(&n); err != nil || n == 0 {
			t.Errorf("search log: %d %v", n, err)
		}
		if res = c.Get("/p/" + e.Products["supplierY"] + "?s=0123456789abcdef-1"); res.StatusCode != 200 {
			t.Fatalf("product with click mark: %d", res.StatusCode)
		}
		if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM search_clicks`).Scan(&n); err != nil || n != 1 {
			t.Errorf("clicks: %d %v", n, err)
		}
	})
}

func TestSearchAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		res := c.Get("/api/v1/search?q=" + url.QueryEscape("螺栓 M8"))
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"total":2`) || !strings.Contains(res.Body, `"facets":[`) || !strings.Contains(res.Body, `"code":"thread"`) {
			t.Fatalf("api search: %d %s", res.StatusCode, res.Body)
		}
		if res = c.Get("/api/v1/search?page=0"); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"page"`) {
			t.Errorf("bad page: %d %s", res.StatusCode, res.Body)
		}
	})
}

func TestHotTermsReachTheProductEditor(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := context.Background()
		var logs []search.LogEntry
		for i := range 3 {
			logs = append(logs, search.LogEntry{ID: fmt.Sprintf("%016x", i), At: time.Now(), Q: "高强度外六角螺栓", Norm: "高强度外六角螺栓", Total: 2, Source: "web"},
				search.LogEntry{ID: fmt.Sprintf("%016x", 100+i), At: time.Now(), Q: "液压油", Norm: "液压油", Total: 5, Source: "web"})
		}
		if err := e.Store.AddSearchLogs(ctx, logs); err != nil {
			t.Fatal(err)
		}
		if err := e.App.Search.Build(ctx); err != nil { // refreshes the hot terms
			t.Fatal(err)
		}
		res := e.Login("supplierx").Get("/seller/catalog/" + e.Products["supplierX"])
		if res.StatusCode != 200 || !strings.Contains(res.Body, "高强度外六角螺栓") {
			t.Fatalf("editor: %d, related hot term missing", res.StatusCode)
		}
		// Only terms related to the product's name are offered.
		if strings.Contains(res.Body, "液压油") {
			t.Error("unrelated hot term offered")
		}
	})
}

func TestPageCache(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := context.Background()
		anon := e.NewClient()
		path := "/search?q=" + url.QueryEscape("外六角螺栓")
		mark := regexp.MustCompile(`s=([0-9a-f]{16})-1"`)
		ids := map[string]bool{}
		for range 3 {
			res := anon.Get(path)
			m := mark.FindStringSubmatch(res.Body)
			if res.StatusCode != 200 || m == nil || !strings.Contains(res.Body, "supplierX 外六角螺栓 M8") {
				t.Fatalf("search page: %d", res.StatusCode)
			}
			ids[m[1]] = true
		}
		// A kept page is still one search logged per view, each with its own click mark.
		if len(ids) != 3 {
			t.Errorf("click marks repeat across views: %v", ids)
		}
		e.App.Search.FlushLogs(ctx)
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM search_log WHERE q = ?`, "外六角螺栓").Scan(&n); err != nil || n != 3 {
			t.Errorf("logged %d views, want 3 (%v)", n, err)
		}
		// The page is kept: a change the index has not seen yet does not show…
		if _, err := d.Exec(ctx, `UPDATE products SET title = '外六角螺栓 M8 达克罗涂层' WHERE id = ?`, e.Products["supplierX"]); err != nil {
			t.Fatal(err)
		}
		if err := e.App.Search.Build(ctx); err != nil { // a rebuild changes the index's generation…
			t.Fatal(err)
		}
		if res := anon.Get(path); !strings.Contains(res.Body, "达克罗涂层") {
			t.Error("kept page outlived a rebuild of the index")
		}
		if _, err := d.Exec(ctx, `UPDATE products SET title = '外六角螺栓 M8 锌镍涂层' WHERE id = ?`, e.Products["supplierX"]); err != nil {
			t.Fatal(err)
		}
		if res := anon.Get(path); strings.Contains(res.Body, "锌镍涂层") || !strings.Contains(res.Body, "达克罗涂层") {
			t.Error("the page was rendered afresh, not kept")
		}
		// …while an order, a payment or any other non-catalogue event leaves it kept…
		if err := e.Store.Emit(ctx, "order", "01a20f00-0000-7000-8000-000000000001"); err != nil {
			t.Fatal(err)
		}
		e.Reindex()
		if res := anon.Get(path); strings.Contains(res.Body, "锌镍涂层") {
			t.Error("a non-catalogue event dropped the kept page")
		}
		// …and a catalogue change shows at once, not after the page's lifetime.
		if err := e.Store.Emit(ctx, "product", e.Products["supplierX"]); err != nil {
			t.Fatal(err)
		}
		e.Reindex()
		if res := anon.Get(path); !strings.Contains(res.Body, "锌镍涂层") {
			t.Error("kept page outlived an index change")
		}
		// Signed-in visitors get their own page: their header names them.
		res := e.Login("buyera").Get(path)
		if res.StatusCode != 200 || !strings.Contains(res.Body, "/logout") {
			t.Errorf("signed-in search page: %d, no sign-out", res.StatusCode)
		}
		if res := anon.Get(path); strings.Contains(res.Body, "/logout") {
			t.Error("a signed-in page was kept for anonymous visitors")
		}
	})
}
