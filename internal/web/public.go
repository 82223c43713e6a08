package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
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
	// Freight estimate for the first SKU at its MOQ, to the chosen province.
	Freight   *freight.Quote
	FreightTo string
	Provinces []freight.Province
	Trail     []catalog.Category
	Names     map[string]string // attribute code -> display name
	Media     catalog.MediaList // gallery and attachments (catalog_media.go)
}

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
	if h.Standing != nil {
		st, err := h.Standing.Of(r.Context(), d.Product.SupplierID, time.Now())
		if err != nil {
			return err
		}
		pd.Level = st.Level
	}
	if err := h.freightEstimate(r, d, &pd); err != nil {
		return err
	}
	pg.Data = pd
	h.render(w, r, http.StatusOK, "product", pg)
	return nil
}

// freightEstimate quotes delivery of the first SKU's MOQ to the province in ?to=
// (Shanghai by default) when the product has a freight template.
func (h *Handler) freightEstimate(r *http.Request, d *catalog.Detail, pd *productData) error {
	if h.Freight == nil || len(d.SKUs) == 0 {
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
	k := d.SKUs[0]
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
