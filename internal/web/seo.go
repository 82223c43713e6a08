package web

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/seo"
)

func (h *Handler) registerSEO(mux *http.ServeMux) {
	h.route(mux, "GET /robots.txt", httpx.Anyone, h.robots)
	h.route(mux, "GET /sitemap.xml", httpx.Anyone, h.sitemapIndex)
	h.route(mux, "GET /sitemaps/{file}", httpx.Anyone, h.sitemapChild)
}

// baseURL is the site's absolute origin: --public-url, else the request's own host.
func (h *Handler) baseURL(r *http.Request) string {
	if h.site.PublicURL != "" {
		return strings.TrimRight(h.site.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Handler) robots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600, no-transform")
	_, err := w.Write([]byte(seo.Robots(h.baseURL(r))))
	return err
}

func xmlHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600, no-transform")
}

func (h *Handler) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	if h.Sitemaps == nil {
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	// The index is small (a line per 50,000 pages): built whole, so a failure is a
	// clean error rather than half a file.
	var b bytes.Buffer
	if err := h.Sitemaps.WriteIndex(r.Context(), &b, h.baseURL(r)); err != nil {
		return err
	}
	xmlHeaders(w)
	_, err := w.Write(b.Bytes())
	return err
}

func (h *Handler) sitemapChild(w http.ResponseWriter, r *http.Request) error {
	if h.Sitemaps == nil {
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	src, f, err := h.Sitemaps.Child(r.Context(), r.PathValue("file"))
	if err != nil {
		return err
	}
	xmlHeaders(w)
	w.Header().Add("Vary", "Accept-Encoding")
	// A file of 50,000 product URLs is about 6 MB of XML and a tenth of that gzipped.
	var out io.Writer = w
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		out = zw
	}
	if err := h.Sitemaps.WriteChild(r.Context(), out, h.baseURL(r), src, f); err != nil {
		// Part of the file may be out: log; the crawler sees a broken file and retries.
		slog.ErrorContext(r.Context(), "sitemap", "file", r.PathValue("file"), "err", err)
	}
	return nil
}

// HeadTitle is the <title>: the page title (the SEO title when the handler chose one)
// clipped to Baidu's display length, with the site name.
func (p *Page) HeadTitle() string {
	if p.SEO != nil && p.SEO.Title != "" {
		return seo.FullTitle(p.SEO.Title, p.Site.Name)
	}
	return seo.FullTitle(p.Title, p.Site.Name)
}

// Meta is what the page's head tells search engines: the handler's choice, else the
// defaults (the home page canonical with the site's JSON-LD; signed-in areas private).
func (p *Page) Meta() *seo.Meta {
	if p.SEO != nil {
		return p.SEO
	}
	switch {
	case p.Area != "":
		return &seo.Meta{Robots: seo.Private}
	case p.Path == "/":
		return &seo.Meta{Canonical: p.base + "/", Description: p.T("seo.home_desc", p.Site.Name), JSONLD: seo.Site(p.Site.Name, p.base)}
	}
	return &seo.Meta{}
}

// JSONLD is the page's JSON-LD, safe inside <script type="application/ld+json">:
// html/template inserts a template.JS value as is, and seo.Marshal escapes <, > and &.
func (p *Page) JSONLD() template.JS {
	m := p.Meta()
	if len(m.JSONLD) == 0 {
		return ""
	}
	s, err := seo.Marshal(m.JSONLD)
	if err != nil {
		slog.Error("json-ld", "err", err)
		return ""
	}
	return template.JS(s)
}

// catCrumbs returns the crumbs from the site through the categories of trail.
func (p *Page) catCrumbs(trail []catalog.Category) []seo.Crumb {
	out := []seo.Crumb{{Name: p.Site.Name, URL: p.base + "/"}}
	for _, c := range trail {
		out = append(out, seo.Crumb{Name: p.CatName(c), URL: p.base + "/c/" + url.PathEscape(c.Code)})
	}
	return out
}

// listMeta decides indexing for the search page and category pages (see package seo):
// a plain category page indexes under its own URL (page n included); one filter or a
// sort canonicalises to the plain category; deeper filters and free text are noindex.
func listMeta(p *Page, v *searchView, cat *catalog.Category, trail []catalog.Category, q url.Values) *seo.Meta {
	filters := 0
	for k, xs := range q {
		switch k {
		case "page", "sort", "q", "cat":
		default:
			filters += len(xs)
		}
	}
	words := strings.TrimSpace(q.Get("q"))
	text := words != ""
	m := &seo.Meta{}
	if cat == nil {
		switch {
		case q.Get("cat") != "" && !text && filters == 0 && v.Res.Category != nil:
			// /search?cat=x alone is the category page.
			m.Canonical = p.base + "/c/" + url.PathEscape(v.Res.Category.Code)
		case text && len(q) == 1 && len(q["q"]) == 1 && v.Res.Total > 0 && landingWords(words, &v.Res):
			// A plain query the catalogue answers whole is a landing page for its words
			// (the hot terms link to these); anything narrower, deeper, empty or only
			// partly understood is not, so pasted spam cannot mint indexable pages.
			m.Canonical = p.base + "/search?" + url.Values{"q": {words}}.Encode()
			m.Title = p.T("seo.category_title", words)
			m.Description = seo.Description(p.T("seo.search_desc", words, v.Res.Total, p.Site.Name))
		default:
			m.Robots = seo.NoIndex
		}
		return m
	}
	canon := p.base + "/c/" + url.PathEscape(cat.Code)
	switch {
	case text || filters > 1:
		m.Robots = seo.NoIndex
	case filters == 0 && q.Get("sort") == "" && v.Res.Page > 1:
		m.Canonical = canon + "?page=" + strconv.Itoa(v.Res.Page)
	default:
		m.Canonical = canon
	}
	name := p.CatName(*cat)
	m.Title = p.T("seo.category_title", name)
	var examples []string
	for _, it := range v.Res.Items {
		if len(examples) == 3 {
			break
		}
		examples = append(examples, it.Title)
	}
	m.Description = seo.Description(p.T("seo.category_desc", name, v.Res.Total, p.Site.Name), strings.Join(examples, "，"))
	m.JSONLD = []any{seo.Breadcrumbs(p.catCrumbs(append(trail, *cat)))}
	return m
}

// relatedCache keeps each product's related products for a few minutes: a search with
// facets over a large leaf category costs milliseconds, the product page should not.
// It only caches what the index would answer again, so every node may keep its own.
type relatedCache struct {
	mu sync.Mutex
	m  map[string]relatedEntry
}

type relatedEntry struct {
	at    time.Time
	items []search.Item
}

const (
	relatedTTL = 10 * time.Minute
	relatedMax = 20000 // entries; the map is cleared when full
)

func (c *relatedCache) get(key string) ([]search.Item, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) > relatedTTL {
		return nil, false
	}
	return e.items, true
}

func (c *relatedCache) put(key string, items []search.Item) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= relatedMax {
		c.m = map[string]relatedEntry{}
	}
	c.m[key] = relatedEntry{at: time.Now(), items: items}
}

// related finds up to n other products like d: the same leaf category, ranked by the
// product name's words, topped up from the category's best sellers; cached a while.
func (h *Handler) related(r *http.Request, d *catalog.Detail, n int) []search.Item {
	if h.Search == nil || h.Search.Index == nil {
		return nil
	}
	lang := string(httpx.LangFrom(r.Context()))
	key := d.Product.ID + "/" + lang
	if items, ok := h.relatedCache.get(key); ok {
		return items
	}
	items := h.findRelated(r, d, lang, n)
	h.relatedCache.put(key, items)
	return items
}

func (h *Handler) findRelated(r *http.Request, d *catalog.Detail, lang string, n int) []search.Item {
	seen := map[string]bool{d.Product.ID: true}
	var out []search.Item
	add := func(res search.Result) {
		httpx.AddSearchTime(r.Context(), res.Took)
		for _, it := range res.Items {
			if len(out) < n && !seen[it.ProductID] {
				seen[it.ProductID] = true
				out = append(out, it)
			}
		}
	}
	words := d.Product.Name
	if words == "" {
		words = d.Product.Title
	}
	add(h.Search.Index.Search(search.Request{Q: words, Category: d.Category.Code, Size: n + 1, Lang: lang, NoFacets: true}))
	if len(out) < n {
		add(h.Search.Index.Search(search.Request{Category: d.Category.Code, Sort: search.SortSales, Size: n + 1 + len(out), Lang: lang, NoFacets: true}))
	}
	return out
}

// productMeta is the product page's head: the canonical /p/{id} whatever variant was
// asked for, a title from the structured title with the brand, model and store, a
// description from the key parameters and purchase terms, and Product + BreadcrumbList.
func productMeta(p *Page, pd *productData) *seo.Meta {
	d := pd.D
	canon := p.base + "/p/" + d.Product.ID
	m := &seo.Meta{Canonical: canon, Title: seo.WithTail(seo.Title(d.Brand.Name, d.Product.Title, d.Product.Model), d.SupplierName, p.Site.Name)}
	var params []string
	for _, a := range d.Product.Attrs {
		if len(params) == 4 {
			break
		}
		if n := pd.Names[a.Code]; n != "" && a.Text != "" {
			params = append(params, n+" "+a.Text)
		}
	}
	var low int64 = -1
	for _, k := range d.SKUs {
		for _, t := range k.Tiers {
			if low < 0 || t.UnitPrice < low {
				low = t.UnitPrice
			}
		}
	}
	terms := ""
	if pd.SKU != nil && low >= 0 {
		terms = p.T("seo.product_terms", money.FormatUnitPrice(money.UnitPrice(low)), pd.SKU.MOQ, pd.SKU.Unit, len(d.SKUs))
	}
	m.Description = seo.Description(d.Product.Title, strings.Join(params, "，"), terms, p.T("seo.product_supplier", d.SupplierName))
	var images []string
	for _, im := range pd.Media.Images() {
		images = append(images, p.base+"/files/"+im.BlobID+"/view1200")
	}
	var crumbNames []string
	for _, c := range pd.Trail {
		crumbNames = append(crumbNames, p.CatName(c))
	}
	skuID := ""
	if pd.SKU != nil {
		skuID = pd.SKU.ID
	}
	seller := seo.Obj{"@type": "Organization", "name": d.SupplierName, "url": p.base + "/store/" + d.Product.SupplierID}
	m.JSONLD = []any{
		seo.Product(seo.ProductInput{Detail: d, URL: canon, Images: images, Names: pd.Names, Category: strings.Join(crumbNames, " > "), Seller: seller, SKU: skuID}),
		seo.Breadcrumbs(append(p.catCrumbs(pd.Trail), seo.Crumb{Name: d.Product.Title, URL: canon})),
	}
	return m
}

// storeMeta is a store page's head: the store as an Organization with its licence
// details; the in-store search is noindex.
func storeMeta(p *Page, v *storeView) *seo.Meta {
	st := v.Store
	canon := p.base + "/store/" + st.OrgID
	m := &seo.Meta{Canonical: canon, Title: p.T("seo.store_title", st.Name)}
	if v.Query != "" {
		m.Robots, m.Canonical = seo.NoIndex, ""
	}
	m.Description = seo.Description(st.Intro, st.Capability)
	if m.Description == "" {
		m.Description = seo.Description(p.T("seo.store_desc", st.Name, p.Site.Name))
	}
	sup := seo.Supplier{Name: st.Name, URL: canon, Phone: st.Phone, Intro: st.Intro}
	if st.LogoBlob != "" {
		sup.Logo = p.base + "/files/" + st.LogoBlob + "/thumb240"
	}
	if l := v.Licence; l != nil {
		sup.LegalName, sup.CreditCode, sup.Address = l.CompanyName, l.CreditCode, l.RegAddress
	}
	m.JSONLD = []any{seo.Organization(sup)}
	return m
}

// landingWords reports whether a query may name an indexable landing page: short (at
// most 20 characters), every word of it matched (none dropped, no did-you-mean) and free
// of anything but letters, digits, spaces and the joiners a part number uses.
func landingWords(words string, res *search.Result) bool {
	if utf8.RuneCountInString(words) > 20 || len(res.Dropped) > 0 || res.DidYouMean != "" {
		return false
	}
	for _, r := range words {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" -./×*+#", r) {
			return false
		}
	}
	return true
}

// channelMeta: a channel page is indexable under its one URL, described by its intro.
func channelMeta(p *Page, c *channel.Channel) *seo.Meta {
	m := &seo.Meta{Canonical: p.base + "/ch/" + url.PathEscape(c.Slug), Title: c.Title}
	m.Description = seo.Description(c.Intro)
	if m.Description == "" {
		m.Description = seo.Description(c.Title + " - " + p.Site.Name)
	}
	return m
}
