package seo

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
)

func TestClipAndTitles(t *testing.T) {
	long := strings.Repeat("螺栓", 40)
	if w := Width(Clip(long, TitleWidth)); w > TitleWidth {
		t.Errorf("clipped width %d > %d", w, TitleWidth)
	}
	if !strings.HasSuffix(Clip(long, 20), "…") {
		t.Error("a cut title ends with an ellipsis")
	}
	if got := Clip("M8  外六角\n螺栓", 60); got != "M8 外六角 螺栓" {
		t.Errorf("white space not folded: %q", got)
	}
	if got := Title("固特牢", "固特牢 外六角螺栓 M8", "", "GB5782", "固特牢 外六角螺栓 M8"); got != "固特牢 外六角螺栓 M8 GB5782" {
		t.Errorf("title: %q", got)
	}
	ft := FullTitle(long, "筑巢工业品")
	if Width(ft) > TitleWidth || !strings.HasSuffix(ft, " - 筑巢工业品") {
		t.Errorf("full title %q (width %d)", ft, Width(ft))
	}
	wt := WithTail(long, "X紧固件有限公司", "筑巢工业品")
	if !strings.HasSuffix(wt, "_X紧固件有限公司") || Width(FullTitle(wt, "筑巢工业品")) > TitleWidth || FullTitle(wt, "筑巢工业品") != wt+" - 筑巢工业品" {
		t.Errorf("title with store: %q", wt)
	}
	if got := WithTail("螺栓", strings.Repeat("很长的店铺名", 5), "筑巢工业品"); got != "螺栓" {
		t.Errorf("a long store name is left out: %q", got)
	}
	if FullTitle("", "筑巢") != "筑巢" {
		t.Error("empty title is the site name")
	}
	if d := Description(strings.Repeat("参数齐全。", 100)); Width(d) > DescriptionWidth {
		t.Errorf("description width %d", Width(d))
	}
}

func detail(skus ...catalog.SKU) *catalog.Detail {
	return &catalog.Detail{
		Product: catalog.Product{ID: "p1", Title: `外六角螺栓 M8 </script><script>alert(1)</script>`, Model: "GB5782", Attrs: []catalog.Value{{Code: "std", Text: "GB/T 5782"}}},
		Brand:   catalog.Brand{Name: "固特牢"}, SupplierName: "X紧固件", SKUs: skus,
	}
}

func TestProductJSONLD(t *testing.T) {
	a := catalog.SKU{ID: "k1", Code: "M8", Price: 1500, MOQ: 100, Unit: "件", Stock: 0, Tiers: []catalog.Tier{{MinQty: 100, UnitPrice: 1500}, {MinQty: 1000, UnitPrice: 1200}}}
	b := catalog.SKU{ID: "k2", Code: "M10", Price: 125, MOQ: 10, Unit: "件", Stock: 50, Tiers: []catalog.Tier{{MinQty: 10, UnitPrice: 125}}}
	seller := Obj{"@type": "Organization", "name": "X紧固件"}
	s, err := Marshal([]any{Product(ProductInput{Detail: detail(a, b), URL: "https://x.cn/p/p1", Names: map[string]string{"std": "执行标准"}, Seller: seller, SKU: "k2"}),
		Breadcrumbs([]Crumb{{"筑巢", "https://x.cn/"}, {"紧固件", "https://x.cn/c/f"}})})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "</script>") || strings.Contains(s, "<") {
		t.Fatalf("markup survives in JSON-LD: %s", s)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(s), &objs); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	p := objs[0]
	if p["@type"] != "Product" || p["sku"] != "M10" || !strings.Contains(p["name"].(string), "</script>") {
		t.Errorf("product: %v", p)
	}
	off := p["offers"].(map[string]any)
	if off["@type"] != "AggregateOffer" || off["lowPrice"] != "0.0125" || off["highPrice"] != "0.15" || off["priceCurrency"] != "CNY" ||
		off["availability"] != InStock || off["offerCount"] != float64(2) {
		t.Errorf("aggregate offer: %v", off)
	}
	offers := off["offers"].([]any)
	if offers[0].(map[string]any)["availability"] != OutOfStock {
		t.Error("a SKU without stock is out of stock")
	}
	if objs[1]["@type"] != "BreadcrumbList" || len(objs[1]["itemListElement"].([]any)) != 2 {
		t.Errorf("breadcrumbs: %v", objs[1])
	}

	// One SKU: a plain Offer with its tiers.
	s, _ = Marshal([]any{Product(ProductInput{Detail: detail(a), URL: "https://x.cn/p/p1", Seller: seller})})
	var one map[string]any
	if err := json.Unmarshal([]byte(s), &one); err != nil {
		t.Fatal(err)
	}
	o := one["offers"].(map[string]any)
	if o["@type"] != "Offer" || o["price"] != "0.15" || len(o["priceSpecification"].([]any)) != 2 || o["seller"] == nil {
		t.Errorf("offer: %v", o)
	}
}

// memSource is an in-memory Source for the sitemap writer's own rules.
type memSource struct {
	name string
	n    int
}

func (m memSource) Name() string { return m.name }
func (m memSource) Files(_ context.Context, per int) ([]File, error) {
	out := make([]File, (m.n+per-1)/per)
	for i := range out {
		out[i] = File{After: fmt.Sprint(i*per - 1), LastMod: time.Date(2026, 11, i+1, 8, 0, 0, 0, time.UTC)}
	}
	return out, nil
}
func (m memSource) Entries(_ context.Context, f File, per int, fn func(Entry) error) error {
	var after int
	fmt.Sscan(f.After, &after)
	for i := after + 1; i < m.n && i <= after+per; i++ {
		if err := fn(Entry{Path: fmt.Sprintf("/p/%d?a=1&b=<2>", i), LastMod: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}); err != nil {
			return err
		}
	}
	return nil
}

type urlset struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type sitemapindex struct {
	Maps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

func TestSitemaps(t *testing.T) {
	ctx := context.Background()
	sm := &Sitemaps{Sources: []Source{memSource{"products", 7}, memSource{"stores", 0}, memSource{"categories", 3}}, PerFile: 3}
	var b bytes.Buffer
	if err := sm.WriteIndex(ctx, &b, "https://www.x.cn"); err != nil {
		t.Fatal(err)
	}
	var idx sitemapindex
	if err := xml.Unmarshal(b.Bytes(), &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Maps) != 4 || idx.Maps[2].Loc != "https://www.x.cn/sitemaps/products-3.xml" || idx.Maps[3].Loc != "https://www.x.cn/sitemaps/categories-1.xml" || idx.Maps[0].LastMod == "" {
		t.Fatalf("index: %+v", idx.Maps)
	}
	total := 0
	for i := 1; i <= 3; i++ {
		src, f, err := sm.Child(ctx, fmt.Sprintf("products-%d.xml", i))
		if err != nil {
			t.Fatal(err)
		}
		b.Reset()
		if err := sm.WriteChild(ctx, &b, "https://www.x.cn", src, f); err != nil {
			t.Fatal(err)
		}
		var us urlset
		if err := xml.Unmarshal(b.Bytes(), &us); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, b.String())
		}
		if len(us.URLs) > 3 || len(us.URLs) == 0 || !strings.HasPrefix(us.URLs[0].Loc, "https://www.x.cn/p/") || !strings.HasSuffix(us.URLs[0].Loc, "?a=1&b=<2>") {
			t.Fatalf("child %d: %+v", i, us.URLs)
		}
		total += len(us.URLs)
	}
	if total != 7 {
		t.Errorf("children list %d entries, want 7", total)
	}
	for _, bad := range []string{"products-4.xml", "products-0.xml", "products-01.xml", "stores-1.xml", "nope-1.xml", "products-1.txt", "products.xml", "products--1.xml"} {
		if _, _, err := sm.Child(ctx, bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s: %v", bad, err)
		}
	}
	// A file never holds more than the protocol's 50,000.
	if (&Sitemaps{PerFile: 1 << 20}).per() != MaxPerFile || (&Sitemaps{}).per() != MaxPerFile {
		t.Error("per-file limit not capped at 50,000")
	}
}

func TestRobots(t *testing.T) {
	r := Robots("https://www.x.cn")
	for _, want := range []string{"Disallow: /admin/\n", "Disallow: /seller/\n", "Disallow: /buyer/\n", "Disallow: /account\n", "Disallow: /api/\n", "Disallow: /search?*&\n", "Sitemap: https://www.x.cn/sitemap.xml\n"} {
		if !strings.Contains(r, want) {
			t.Errorf("robots.txt lacks %q", want)
		}
	}
}

func TestBaiduClient(t *testing.T) {
	var status int
	var answer string
	var got struct {
		site, token, ctype string
		body               []string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.site, got.token, got.ctype, got.body = r.URL.Query().Get("site"), r.URL.Query().Get("token"), r.Header.Get("Content-Type"), strings.Split(string(b), "\n")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	defer srv.Close()
	c := &Baidu{Endpoint: srv.URL + "/urls", Site: "https://www.x.cn", Token: "secret"}
	ctx := context.Background()

	status, answer = 200, `{"remain":4999,"success":1,"not_same_site":["https://evil.cn/p/1"],"not_valid":[]}`
	res, err := c.Push(ctx, []string{"https://www.x.cn/p/1", "https://evil.cn/p/1"})
	if err != nil || res.Success != 1 || res.Remain != 4999 || len(res.NotSameSite) != 1 {
		t.Fatalf("success: %+v %v", res, err)
	}
	if got.site != "https://www.x.cn" || got.token != "secret" || got.ctype != "text/plain" || len(got.body) != 2 {
		t.Errorf("request: %+v", got)
	}
	status, answer = 400, `{"error":400,"message":"over quota"}`
	if _, err := c.Push(ctx, []string{"https://www.x.cn/p/1"}); !errors.Is(err, ErrQuota) {
		t.Errorf("over quota: %v", err)
	}
	status, answer = 401, `{"error":401,"message":"token is not valid"}`
	if _, err := c.Push(ctx, []string{"https://www.x.cn/p/1"}); !errors.Is(err, ErrRejected) || strings.Contains(err.Error(), "secret") {
		t.Errorf("bad token: %v", err)
	}
	status, answer = 503, `busy`
	if _, err := c.Push(ctx, []string{"https://www.x.cn/p/1"}); err == nil || errors.Is(err, ErrQuota) || errors.Is(err, ErrRejected) {
		t.Errorf("5xx must be retryable: %v", err)
	}
	if _, err := c.Push(ctx, make([]string, MaxPushBatch+1)); err == nil {
		t.Error("a batch over 2,000 URLs is refused before sending")
	}
	srv.Close()
	if _, err := c.Push(ctx, []string{"https://www.x.cn/p/1"}); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("transport failure: %v", err)
	}
}
