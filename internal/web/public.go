package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/standing"
)

// home shows category navigation, channel entries, running campaigns, hot terms and
// featured products, from data cached for a few seconds (channel.go).
func (h *Handler) home(w http.ResponseWriter, r *http.Request) error {
	d, err := h.homeData(r.Context())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "home", &Page{Data: *d})
	return nil
}

// listData is a page of product cards.
type listData struct {
	Category *catalog.Category
	Trail    []catalog.Category
	Children []catalog.Category
	Cards    []catalog.ProductCard
	Total    int64
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
	Query    string
}

const pageSize = 40

// pageParam reads ?page= (1-based); anything unreadable or absurd is a clear 400.
func pageParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errs.Field("page", "err.page_number")
	}
	if n > 250 {
		return 0, errs.Field("page", "err.page_too_deep", 250)
	}
	return n, nil
}

func (d *listData) paginate(base string) {
	d.Pages = int((d.Total + pageSize - 1) / pageSize)
	if d.Pages > 250 {
		d.Pages = 250
	}
	if d.Page > 1 {
		d.PrevURL = base + "page=" + strconv.Itoa(d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = base + "page=" + strconv.Itoa(d.Page+1)
	}
}

type productData struct {
	D     *catalog.Detail
	Level int
	// Badges are the supplier's 「筑」 and 「保」 as they stand now.
	Badges standing.Badges
	// SKU is the chosen variant: ?sku=<id>, else the first (cheapest).
	SKU *catalog.SKU
	// Selector offers the sales attributes' values as links that choose a SKU.
	Selector []specGroup
	// Tiers are the chosen SKU's quantity breaks as ranges.
	Breaks []priceBreak
	// Freight estimate for the chosen SKU at its MOQ, to the chosen province.
	Freight   *freight.Quote
	FreightTo string
	Provinces []freight.Province
	Trail     []catalog.Category
	Names     map[string]string // attribute code -> display name
	Media     catalog.MediaList // gallery and attachments (catalog_media.go)
	Related   []search.Item
}

// specGroup is one sales attribute with its values as SKU-choosing links.
type specGroup struct {
	Name   string
	Values []specChoice
}

// specChoice is one value: On when the chosen SKU has it; Exact when choosing it keeps
// the chosen SKU's other values (else it leads to the nearest SKU that has it).
type specChoice struct {
	Text  string
	Href  string
	On    bool
	Exact bool
}

// priceBreak is a quantity break: from Min to Max (0: and more) at Price each.
type priceBreak struct {
	Min, Max int64
	Price    int64
}

// skuHref links to the product with sku chosen, keeping the freight province.
func skuHref(productID, skuID, to string) string {
	v := url.Values{"sku": {skuID}}
	if to != "" {
		v.Set("to", to)
	}
	return "/p/" + productID + "?" + v.Encode()
}

func specValue(k *catalog.SKU, code string) string {
	for _, v := range k.Spec {
		if v.Code == code {
			return v.Text
		}
	}
	return ""
}

// selector builds the SKU choice over the sales attributes: for each value, the SKU
// with that value that shares most of the chosen SKU's other values.
func selector(d *catalog.Detail, chosen *catalog.SKU, names map[string]string, to string) []specGroup {
	var codes []string
	seen := map[string]bool{}
	for _, a := range d.Template {
		if a.Sales {
			seen[a.Code] = false
			codes = append(codes, a.Code)
		}
	}
	for _, k := range d.SKUs {
		for _, v := range k.Spec {
			if _, ok := seen[v.Code]; !ok {
				codes = append(codes, v.Code) // a spec outside the template still shows
			}
			seen[v.Code] = true
		}
	}
	var out []specGroup
	var shown []string
	for _, code := range codes {
		if !seen[code] || derived(d.SKUs, shown, code) {
			continue
		}
		shown = append(shown, code)
		g := specGroup{Name: names[code]}
		if g.Name == "" {
			g.Name = code
		}
		done := map[string]bool{}
		for i := range d.SKUs {
			val := specValue(&d.SKUs[i], code)
			if val == "" || done[val] {
				continue
			}
			done[val] = true
			best, score := -1, -1
			for j := range d.SKUs {
				k := &d.SKUs[j]
				if specValue(k, code) != val {
					continue
				}
				n := 0
				for _, c := range codes {
					if c != code && specValue(k, c) == specValue(chosen, c) {
						n++
					}
				}
				if n > score {
					best, score = j, n
				}
			}
			k := &d.SKUs[best]
			// Choosing the value changes another attribute only where it must (a
			// thread size brings its own pitch); otherwise the link is marked as
			// leading to another combination.
			exact := true
			for _, c := range codes {
				if c == code || specValue(k, c) == specValue(chosen, c) {
					continue
				}
				for j := range d.SKUs {
					if specValue(&d.SKUs[j], code) == val && specValue(&d.SKUs[j], c) == specValue(chosen, c) {
						exact = false
					}
				}
			}
			g.Values = append(g.Values, specChoice{Text: val, Href: skuHref(d.Product.ID, k.ID, to), On: specValue(chosen, code) == val, Exact: exact})
		}
		out = append(out, g)
	}
	if len(out) == 0 && len(d.SKUs) > 1 {
		// No sales attributes: choose by SKU code.
		g := specGroup{Name: ""}
		for i := range d.SKUs {
			k := &d.SKUs[i]
			g.Values = append(g.Values, specChoice{Text: k.Code, Href: skuHref(d.Product.ID, k.ID, to), On: k.ID == chosen.ID, Exact: true})
		}
		out = append(out, g)
	}
	return out
}

// derived reports whether every SKU's value of code follows from its value of one of
// the attributes already shown (a thread size brings its pitch and width across flats):
// such an attribute is shown with the chosen SKU, not offered as a choice of its own.
func derived(skus []catalog.SKU, shown []string, code string) bool {
	for _, a := range shown {
		fn := map[string]string{}
		ok := true
		for i := range skus {
			av, bv := specValue(&skus[i], a), specValue(&skus[i], code)
			if prev, seen := fn[av]; seen && prev != bv {
				ok = false
				break
			}
			fn[av] = bv
		}
		if ok {
			return true
		}
	}
	return false
}

func priceBreaks(k *catalog.SKU) []priceBreak {
	out := make([]priceBreak, 0, len(k.Tiers))
	for i, t := range k.Tiers {
		r := priceBreak{Min: t.MinQty, Price: t.UnitPrice}
		if i+1 < len(k.Tiers) {
			r.Max = k.Tiers[i+1].MinQty - 1
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		out = append(out, priceBreak{Min: k.MOQ, Price: k.Price})
	}
	return out
}

// relatedCount is how many related products the page shows.
const relatedCount = 8

func (h *Handler) product(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Catalog.ProductDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if mark := r.URL.Query().Get("s"); mark != "" {
		h.logClick(r.Context(), mark, d.Product.ID)
	}
	pg := &Page{Title: d.Product.Title}
	h.fillPage(r, pg)
	pd := productData{D: d, Names: map[string]string{}}
	if pd.Media, err = h.productMedia(r, d.Product.ID); err != nil {
		return err
	}
	for _, c := range pg.Categories {
		if strings.HasPrefix(d.Category.Path, c.Path) {
			pd.Trail = append(pd.Trail, c)
		}
	}
	for _, a := range d.Template {
		name := a.NameZH
		if !pg.IsZH() && a.NameEN != "" {
			name = a.NameEN
		}
		pd.Names[a.Code] = name
	}
	if len(d.SKUs) > 0 {
		// A stale or foreign ?sku= (another product's variant) falls back to the first.
		pd.SKU = &d.SKUs[0]
		want := r.URL.Query().Get("sku")
		for i := range d.SKUs {
			if d.SKUs[i].ID == want {
				pd.SKU = &d.SKUs[i]
			}
		}
		to := r.URL.Query().Get("to")
		if freight.ProvinceName(to) == "" {
			to = ""
		}
		pd.Selector = selector(d, pd.SKU, pd.Names, to)
		pd.Breaks = priceBreaks(pd.SKU)
	}
	if h.Standing != nil {
		st, err := h.Standing.Of(r.Context(), d.Product.SupplierID, time.Now())
		if err != nil {
			return err
		}
		pd.Level, pd.Badges = st.Level, st.Badges
	}
	if err := h.freightEstimate(r, d, &pd); err != nil {
		return err
	}
	pd.Related = h.related(r, d, relatedCount)
	pg.Data = pd
	pg.SEO = productMeta(pg, &pd)
	h.render(w, r, http.StatusOK, "product", pg)
	return nil
}

// freightEstimate quotes delivery of the chosen SKU's MOQ to the province in ?to=
// (Shanghai by default) when the product has a freight template.
func (h *Handler) freightEstimate(r *http.Request, d *catalog.Detail, pd *productData) error {
	if h.Freight == nil || pd.SKU == nil {
		return nil
	}
	t, err := h.Freight.ForProduct(r.Context(), d.Product.ID)
	if err != nil || t == nil {
		return err
	}
	to := r.URL.Query().Get("to")
	if freight.ProvinceName(to) == "" {
		to = "31"
	}
	k := pd.SKU
	units := k.MOQ
	if t.Basis == freight.ByWeight {
		units = (k.MOQ*k.WeightG + 999) / 1000
	}
	amount, err := money.LineTotal(money.UnitPrice(k.Price), k.MOQ)
	if err != nil {
		return nil // an absurd line total has no meaningful estimate
	}
	q := t.Quote(to, units, amount)
	pd.Freight, pd.FreightTo, pd.Provinces = &q, to, freight.Provinces
	return nil
}
