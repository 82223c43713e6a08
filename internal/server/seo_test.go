package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/seo"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
	"github.com/zhuchao/zhuchao/internal/store"
)

var ldRe = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// jsonLD parses the page's JSON-LD back into objects, failing the test when it is not
// valid JSON.
func jsonLD(t *testing.T, body string) []map[string]any {
	t.Helper()
	m := ldRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD on the page")
	}
	var objs []map[string]any
	if strings.HasPrefix(strings.TrimSpace(m[1]), "{") {
		var one map[string]any
		if err := json.Unmarshal([]byte(m[1]), &one); err != nil {
			t.Fatalf("JSON-LD is not JSON: %v\n%s", err, m[1])
		}
		return []map[string]any{one}
	}
	if err := json.Unmarshal([]byte(m[1]), &objs); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v\n%s", err, m[1])
	}
	return objs
}

func canonical(body string) string {
	m := regexp.MustCompile(`<link rel="canonical" href="([^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

func robotsMeta(body string) string {
	m := regexp.MustCompile(`<meta name="robots" content="([^"]*)">`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// addVariants adds a product of supplierX with two SKUs differing in the thread (a
// sales attribute), with a title that tries to break out of the JSON-LD element.
func addVariants(t *testing.T, e *servertest.Env, status string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	var catID string
	if err := e.DB.QueryRow(ctx, `SELECT id FROM categories WHERE code = 'fasteners'`).Scan(&catID); err != nil {
		t.Fatal(err)
	}
	p := &catalog.Product{SupplierID: e.Orgs["supplierX"].ID, CategoryID: catID, Title: `达克罗 外六角螺栓 </script><script>alert(1)</script>`, Name: "外六角螺栓",
		Model: "DK-8", Status: status, Attrs: []catalog.Value{{Code: "thread", Text: "M8"}}}
	m8 := &catalog.SKU{Code: "DK-M8" + status, Spec: []catalog.Value{{Code: "thread", Text: "M8"}}, Price: 900, Tiers: []catalog.Tier{{MinQty: 50, UnitPrice: 900}, {MinQty: 500, UnitPrice: 800}}, MOQ: 50, Multiple: 50, Unit: "件", Stock: 1000}
	m10 := &catalog.SKU{Code: "DK-M10" + status, Spec: []catalog.Value{{Code: "thread", Text: "M10"}}, Price: 1300, Tiers: []catalog.Tier{{MinQty: 20, UnitPrice: 1300}, {MinQty: 200, UnitPrice: 1111}}, MOQ: 20, Multiple: 10, Unit: "件", Stock: 0}
	if err := e.DB.WithTx(ctx, func(ctx context.Context) error { return e.Store.AddProduct(ctx, p, []*catalog.SKU{m8, m10}) }); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Search.Build(ctx); err != nil {
		t.Fatal(err)
	}
	return p.ID, []string{m8.ID, m10.ID}
}

func TestSEOProductPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		id, skus := addVariants(t, e, catalog.StatusOnSale)
		base := e.Server.URL

		res := c.Get("/p/" + id)
		if res.StatusCode != 200 {
			t.Fatalf("product: %d", res.StatusCode)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-transform") {
			t.Errorf("Cache-Control %q lacks no-transform", cc)
		}
		for _, want := range []string{`<meta name="applicable-device" content="pc,mobile">`, `content="no-siteapp"`, `<meta name="description" content="`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("head lacks %s", want)
			}
		}
		if got := canonical(res.Body); got != base+"/p/"+id {
			t.Errorf("canonical %q", got)
		}
		if strings.Contains(res.Body, "<script>alert(1)") {
			t.Error("title markup reached the page unescaped")
		}
		objs := jsonLD(t, res.Body)
		p := objs[0]
		off, _ := p["offers"].(map[string]any)
		if p["@type"] != "Product" || off == nil || off["@type"] != "AggregateOffer" || off["lowPrice"] != "0.08" || off["highPrice"] != "0.13" ||
			off["priceCurrency"] != "CNY" || off["availability"] != seo.InStock {
			t.Errorf("product JSON-LD: %v", p)
		}
		if s, _ := off["seller"].(map[string]any); s == nil || s["name"] != "X紧固件有限公司" {
			t.Errorf("seller: %v", off["seller"])
		}
		if !strings.Contains(p["name"].(string), "</script>") {
			t.Error("the name should survive JSON escaping intact")
		}
		if len(objs) < 2 || objs[1]["@type"] != "BreadcrumbList" {
			t.Errorf("breadcrumbs: %v", objs)
		}
		// Without ?sku= the cheapest SKU is chosen; its tiers show.
		if !strings.Contains(res.Body, `<span class="mono">DK-M8on_sale</span>`) || !strings.Contains(res.Body, "¥0.08") {
			t.Error("default SKU not chosen")
		}

		// A search for a variant links to it.
		if res = c.Get("/search?q=" + url.QueryEscape("达克罗 M10")); !strings.Contains(res.Body, `/p/`+id+`?sku=`+skus[1]) {
			t.Error("the search result does not link to the matching SKU")
		}

		// ?sku= preselects the variant: its tiers, MOQ and stock; the canonical stays.
		res = c.Get("/p/" + id + "?sku=" + skus[1] + "&s=0123456789abcdef-1")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `<span class="mono">DK-M10on_sale</span>`) || !strings.Contains(res.Body, "¥0.1111") {
			t.Fatalf("?sku= not chosen: %d", res.StatusCode)
		}
		if !regexp.MustCompile(`class="skuopt on" aria-current="true">M10<`).MatchString(res.Body) {
			t.Error("the M10 choice is not marked current")
		}
		if !strings.Contains(res.Body, `href="/p/`+id+`?sku=`+skus[0]+`#buy"`) {
			t.Error("the M8 choice is not a plain ?sku= link")
		}
		if !strings.Contains(res.Body, `class="out"`) {
			t.Error("M10 has no stock and should say so")
		}
		if got := canonical(res.Body); got != base+"/p/"+id {
			t.Errorf("variant canonical %q", got)
		}
		// A foreign or malformed sku falls back to the default, never an error.
		for _, bad := range []string{"nope", e.Products["supplierY"], "'%20OR%201=1"} {
			if res = c.Get("/p/" + id + "?sku=" + bad); res.StatusCode != 200 || !strings.Contains(res.Body, `<span class="mono">DK-M8on_sale</span>`) {
				t.Errorf("sku=%s: %d", bad, res.StatusCode)
			}
		}
		// Related products: the same category, never the product itself.
		if !strings.Contains(res.Body, `class="block related"`) || !strings.Contains(res.Body, `href="/p/`+e.Products["supplierY"]+`"`) {
			t.Error("related products missing")
		}
		if i := strings.Index(res.Body, `class="block related"`); i >= 0 && strings.Contains(res.Body[i:], `href="/p/`+id+`"`) {
			t.Error("a product is related to itself")
		}
		// Supplier card: level, store and licence links.
		if !strings.Contains(res.Body, `/store/`+e.Orgs["supplierX"].ID+`#licence`) {
			t.Error("no licence link")
		}

		// Another organisation's unlisted product is a 404, for anyone.
		draft, _ := addVariants(t, e, catalog.StatusDraft)
		for _, cl := range []*servertest.Client{c, e.Login("suppliery"), e.Login("buyera")} {
			if res = cl.Get("/p/" + draft); res.StatusCode != 404 {
				t.Errorf("unlisted product: %d", res.StatusCode)
			}
		}
		// A store that is no longer live takes its products off the storefront.
		if err := e.Store.SetStoreLive(context.Background(), e.Orgs["supplierY"].ID, false); err != nil {
			t.Fatal(err)
		}
		if res = c.Get("/p/" + e.Products["supplierY"]); res.StatusCode != 404 {
			t.Errorf("product of a closed store: %d", res.StatusCode)
		}
	})
}

func TestSEOListAndStorePages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		base := e.Server.URL
		for _, tc := range []struct {
			path, canonical, robots string
		}{
			{"/c/fasteners", base + "/c/fasteners", ""},
			{"/c/fasteners?sort=sales", base + "/c/fasteners", ""},
			{"/c/fasteners?a.thread=M8", base + "/c/fasteners", ""},
			{"/c/fasteners?a.thread=M8&supplier=" + e.Orgs["supplierX"].ID, "", "noindex,follow"},
			{"/c/fasteners?q=" + url.QueryEscape("螺栓"), "", "noindex,follow"},
			{"/search?q=" + url.QueryEscape(" 螺栓 "), base + "/search?q=" + url.QueryEscape("螺栓"), ""},
			{"/search?q=" + url.QueryEscape("螺栓") + "&sort=sales", "", "noindex,follow"},
			{"/search?q=" + url.QueryEscape("螺栓") + "&a.thread=M8", "", "noindex,follow"},
			{"/search?q=" + url.QueryEscape("不存在的东西xyz"), "", "noindex,follow"},
			{"/search?cat=fasteners", base + "/c/fasteners", ""},
			{"/store/" + e.Orgs["supplierX"].ID, base + "/store/" + e.Orgs["supplierX"].ID, ""},
			{"/store/" + e.Orgs["supplierX"].ID + "?q=M8", "", "noindex,follow"},
			{"/", base + "/", ""},
		} {
			res := c.Get(tc.path)
			if res.StatusCode != 200 {
				t.Errorf("%s: %d", tc.path, res.StatusCode)
				continue
			}
			if got := canonical(res.Body); got != tc.canonical {
				t.Errorf("%s: canonical %q, want %q", tc.path, got, tc.canonical)
			}
			if got := robotsMeta(res.Body); got != tc.robots {
				t.Errorf("%s: robots %q, want %q", tc.path, got, tc.robots)
			}
		}
		res := c.Get("/c/fasteners")
		objs := jsonLD(t, res.Body)
		if objs[0]["@type"] != "BreadcrumbList" {
			t.Errorf("category JSON-LD: %v", objs)
		}
		if !strings.Contains(res.Body, "<title>紧固件批发采购_价格_厂家 - 筑巢测试</title>") {
			t.Error("category title")
		}
		res = c.Get("/store/" + e.Orgs["supplierX"].ID)
		if org := jsonLD(t, res.Body)[0]; org["@type"] != "Organization" || org["url"] != base+"/store/"+e.Orgs["supplierX"].ID {
			t.Errorf("store JSON-LD: %v", org)
		}
		if home := jsonLD(t, c.Get("/").Body); home[0]["@type"] != "Organization" || home[1]["@type"] != "WebSite" {
			t.Errorf("home JSON-LD: %v", home)
		}
		// Signed-in areas are private.
		if res = e.Login("supplierx").Get("/seller/"); robotsMeta(res.Body) != "noindex,nofollow" {
			t.Errorf("seller centre robots %q", robotsMeta(res.Body))
		}
	})
}

func fetchXML(t *testing.T, c *servertest.Client, path string, v any) {
	t.Helper()
	res := c.Get(path)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/xml") {
		t.Fatalf("%s: %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if err := xml.Unmarshal([]byte(res.Body), v); err != nil {
		t.Fatalf("%s is not XML: %v", path, err)
	}
}

type smIndex struct {
	Maps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

type smURLs struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

func TestSEOSitemapsAndRobots(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		base := e.Server.URL
		draft, _ := addVariants(t, e, catalog.StatusDraft)

		res := c.Get("/robots.txt")
		for _, want := range []string{"Disallow: /admin/\n", "Disallow: /seller/\n", "Disallow: /buyer/\n", "Disallow: /account\n", "Disallow: /api/\n", "Sitemap: " + base + "/sitemap.xml\n"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("robots.txt lacks %q", want)
			}
		}
		var idx smIndex
		fetchXML(t, c, "/sitemap.xml", &idx)
		if len(idx.Maps) != 3 {
			t.Fatalf("index: %+v", idx.Maps)
		}
		locs := map[string]bool{}
		for _, m := range idx.Maps {
			if m.LastMod == "" {
				t.Errorf("%s has no lastmod", m.Loc)
			}
			u, err := url.Parse(m.Loc)
			if err != nil || !strings.HasPrefix(m.Loc, base+"/sitemaps/") {
				t.Fatalf("child loc %q", m.Loc)
			}
			var us smURLs
			fetchXML(t, c, u.Path, &us)
			if len(us.URLs) == 0 || len(us.URLs) > seo.MaxPerFile {
				t.Errorf("%s: %d URLs", u.Path, len(us.URLs))
			}
			for _, x := range us.URLs {
				locs[x.Loc] = true
				if x.LastMod == "" {
					t.Errorf("%s has no lastmod", x.Loc)
				}
			}
		}
		for _, want := range []string{"/p/" + e.Products["supplierX"], "/p/" + e.Products["supplierY"], "/store/" + e.Orgs["supplierX"].ID, "/c/fasteners"} {
			if !locs[base+want] {
				t.Errorf("sitemaps lack %s", want)
			}
		}
		if locs[base+"/p/"+draft] || locs[base+"/store/"+e.Orgs["buyerA"].ID] {
			t.Error("an unlisted product or a buyer is in the sitemaps")
		}
		for _, bad := range []string{"/sitemaps/products-2.xml", "/sitemaps/products-0.xml", "/sitemaps/x-1.xml", "/sitemaps/products-1"} {
			if res = c.Get(bad); res.StatusCode != 404 {
				t.Errorf("%s: %d", bad, res.StatusCode)
			}
		}
		// Gzipped for crawlers that ask.
		res = c.Get("/sitemaps/products-1.xml", "Accept-Encoding", "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("not gzipped: %v", res.Header)
		}
		zr, err := gzip.NewReader(strings.NewReader(res.Body))
		if err != nil {
			t.Fatal(err)
		}
		var gz smURLs
		if err := xml.NewDecoder(zr).Decode(&gz); err != nil || len(gz.URLs) == 0 {
			t.Fatalf("gzipped sitemap: %v %d", err, len(gz.URLs))
		}

		// Closing a store drops its products and its store page.
		if err := e.Store.SetStoreLive(context.Background(), e.Orgs["supplierY"].ID, false); err != nil {
			t.Fatal(err)
		}
		var us smURLs
		fetchXML(t, c, "/sitemaps/products-1.xml", &us)
		for _, x := range us.URLs {
			if x.Loc == base+"/p/"+e.Products["supplierY"] {
				t.Error("a closed store's product is still listed")
			}
		}

		// Files split at PerFile (50,000 in production): with 1, each product has its own.
		sm := &seo.Sitemaps{Sources: e.Store.SitemapSources(), PerFile: 1, TTL: -1}
		var b bytes.Buffer
		if err := sm.WriteIndex(context.Background(), &b, "https://www.x.cn"); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.SetStoreLive(context.Background(), e.Orgs["supplierY"].ID, true); err != nil {
			t.Fatal(err)
		}
		b.Reset()
		if err := sm.WriteIndex(context.Background(), &b, "https://www.x.cn"); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), "/sitemaps/products-"); n != 2 { // the two listed products
			t.Errorf("%d product files, want 2:\n%s", n, b.String())
		}
		if n := strings.Count(b.String(), "/sitemaps/stores-"); n != 2 {
			t.Errorf("%d store files, want 2", n)
		}
		// Files are read by key: the two product files hold one product each, both.
		seen := map[string]bool{}
		for _, f := range []string{"products-1.xml", "products-2.xml"} {
			src, file, err := sm.Child(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			b.Reset()
			if err := sm.WriteChild(context.Background(), &b, "https://www.x.cn", src, file); err != nil {
				t.Fatal(err)
			}
			var us smURLs
			if err := xml.Unmarshal(b.Bytes(), &us); err != nil || len(us.URLs) != 1 {
				t.Fatalf("%s: %v %+v", f, err, us)
			}
			seen[us.URLs[0].Loc] = true
		}
		if !seen["https://www.x.cn/p/"+e.Products["supplierX"]] || !seen["https://www.x.cn/p/"+e.Products["supplierY"]] {
			t.Errorf("files by key: %v", seen)
		}
	})
}

// fakeBaidu answers the link submission as told and records what it received.
type fakeBaidu struct {
	mu     sync.Mutex
	status int
	answer func(urls []string) string
	calls  [][]string
}

func (f *fakeBaidu) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	urls := strings.Split(string(b), "\n")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, urls)
	w.WriteHeader(f.status)
	io.WriteString(w, f.answer(urls))
}

func (f *fakeBaidu) set(status int, answer func([]string) string) {
	f.mu.Lock()
	f.status, f.answer = status, answer
	f.mu.Unlock()
}

func (f *fakeBaidu) callCount() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.calls) }

func ok(remain int) func([]string) string {
	return func(urls []string) string {
		return `{"success":` + itoa(len(urls)) + `,"remain":` + itoa(remain) + `}`
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestSEOBaiduPushQueue(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := context.Background()
		fb := &fakeBaidu{status: 200, answer: ok(100)}
		srv := httptest.NewServer(fb)
		defer srv.Close()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		p := &seo.Pusher{Store: e.Store, Client: &seo.Baidu{Endpoint: srv.URL, Site: "https://www.x.cn", Token: "t"}, Base: "https://www.x.cn",
			Now: func() time.Time { return now }, Claim: "node1", Backoff: time.Minute}
		run := func() seo.Report {
			t.Helper()
			rep, err := p.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return rep
		}
		counts := func() map[string]int {
			t.Helper()
			m, err := e.Store.PushCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		emit := func(topic, id string) {
			t.Helper()
			if err := e.Store.Emit(ctx, topic, id); err != nil {
				t.Fatal(err)
			}
		}
		x, y := "https://www.x.cn/p/"+e.Products["supplierX"], "https://www.x.cn/p/"+e.Products["supplierY"]

		// The first run starts at the outbox's end: the sitemaps cover what came before.
		if rep := run(); rep.Calls != 0 || rep.Queued != 0 {
			t.Fatalf("first run pushed history: %+v", rep)
		}
		draft, _ := addVariants(t, e, catalog.StatusDraft)
		var catID string
		if err := d.QueryRow(ctx, `SELECT id FROM categories WHERE code = 'fasteners'`).Scan(&catID); err != nil {
			t.Fatal(err)
		}
		emit(store.TopicProduct, e.Products["supplierX"])
		emit(store.TopicProduct, e.Products["supplierY"])
		emit(store.TopicProduct, e.Products["supplierX"]) // twice: pushed once
		emit(store.TopicProduct, draft)                   // not public: not pushed
		emit(store.TopicSupplier, e.Orgs["supplierX"].ID)
		emit(store.TopicSupplier, e.Orgs["buyerA"].ID) // not a store
		emit(store.TopicCatalog, catID)
		emit(store.TopicRules, "search.rules")
		rep := run()
		if rep.Calls != 1 || rep.Pushed != 4 || rep.Queued != 4 {
			t.Fatalf("push: %+v", rep)
		}
		got := strings.Join(fb.calls[0], " ")
		for _, want := range []string{x, y, "https://www.x.cn/store/" + e.Orgs["supplierX"].ID, "https://www.x.cn/c/fasteners"} {
			if !strings.Contains(got, want) {
				t.Errorf("pushed %q lacks %s", got, want)
			}
		}
		if len(counts()) != 0 {
			t.Errorf("queue not empty after success: %v", counts())
		}

		// 5xx: kept with an attempt counted, retried after the backoff, not before.
		fb.set(503, func([]string) string { return "busy" })
		emit(store.TopicProduct, e.Products["supplierX"])
		if rep = run(); rep.Retried != 1 || counts()["pending"] != 1 {
			t.Fatalf("5xx: %+v %v", rep, counts())
		}
		calls := fb.callCount()
		fb.set(200, ok(100))
		if rep = run(); rep.Calls != 0 || fb.callCount() != calls {
			t.Fatalf("retried before its backoff: %+v", rep)
		}
		now = now.Add(2 * time.Minute)
		if rep = run(); rep.Pushed != 1 || len(counts()) != 0 {
			t.Fatalf("retry: %+v %v", rep, counts())
		}

		// Invalid URLs reported by Baidu are marked, not retried; the others leave.
		fb.set(200, func(urls []string) string {
			return `{"success":1,"remain":50,"not_valid":["` + x + `"],"not_same_site":[]}`
		})
		emit(store.TopicProduct, e.Products["supplierX"])
		emit(store.TopicProduct, e.Products["supplierY"])
		if rep = run(); rep.Pushed != 1 || rep.Rejected != 1 || counts()["rejected"] != 1 || counts()["pending"] != 0 {
			t.Fatalf("not_valid: %+v %v", rep, counts())
		}

		// Batches of at most Batch URLs (2,000 in production).
		p.Batch = 1
		fb.set(200, ok(100))
		calls = fb.callCount()
		emit(store.TopicProduct, e.Products["supplierX"])
		emit(store.TopicProduct, e.Products["supplierY"])
		if rep = run(); rep.Calls != 2 || rep.Pushed != 2 {
			t.Fatalf("batches: %+v", rep)
		}
		for _, c := range fb.calls[calls:] {
			if len(c) != 1 {
				t.Errorf("batch of %d", len(c))
			}
		}
		p.Batch = 0

		// The day's quota: when remain reaches 0 nothing more is sent that day.
		fb.set(200, ok(0))
		emit(store.TopicProduct, e.Products["supplierX"])
		if rep = run(); rep.Pushed != 1 || !rep.Quota {
			t.Fatalf("last of the quota: %+v", rep)
		}
		emit(store.TopicProduct, e.Products["supplierY"])
		calls = fb.callCount()
		if rep = run(); rep.Calls != 0 || !rep.Quota || counts()["pending"] != 1 || fb.callCount() != calls {
			t.Fatalf("pushed past the quota: %+v %v", rep, counts())
		}
		// "over quota" answered: the batch waits for tomorrow (Beijing time).
		now = now.Add(24 * time.Hour)
		fb.set(400, func([]string) string { return `{"error":400,"message":"over quota"}` })
		if rep = run(); rep.Calls != 1 || !rep.Quota || counts()["pending"] != 1 {
			t.Fatalf("over quota: %+v %v", rep, counts())
		}
		fb.set(200, ok(10))
		if rep = run(); rep.Calls != 0 {
			t.Fatalf("pushed on the day the quota ran out: %+v", rep)
		}
		now = now.Add(24 * time.Hour)
		// (The URL refused as not valid was changed again since, so it was queued afresh.)
		if rep = run(); rep.Pushed != 1 || len(counts()) != 0 {
			t.Fatalf("next day: %+v %v", rep, counts())
		}
		// A refused token rests the queue for an hour; nothing is lost meanwhile.
		fb.set(401, func([]string) string { return `{"error":401,"message":"token is not valid"}` })
		emit(store.TopicProduct, e.Products["supplierX"])
		if rep = run(); rep.Calls != 1 || counts()["pending"] != 1 {
			t.Fatalf("bad token: %+v %v", rep, counts())
		}
		fb.set(200, ok(10))
		now = now.Add(30 * time.Minute)
		if rep = run(); rep.Calls != 0 {
			t.Fatalf("pushed while resting: %+v", rep)
		}
		now = now.Add(31 * time.Minute)
		if rep = run(); rep.Pushed != 1 || len(counts()) != 0 {
			t.Fatalf("after the rest: %+v %v", rep, counts())
		}
		// The push is off without a token.
		if e.App.SEOPusher(config.Default(), "n", time.Now) != nil {
			t.Error("a pusher without a token")
		}
	})
}
