package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/search"
)

// facetLink is one facet choice as a link that toggles it.
type facetLink struct {
	search.FacetValue
	Href string
}

// facetView is a facet with its links.
type facetView struct {
	search.Facet
	Links []facetLink
	More  int // choices beyond the first dozen, folded
}

// chip is an active filter with the link that removes it.
type chip struct {
	Label string
	Href  string
}

// searchView is the search page and the category list page.
type searchView struct {
	Res      search.Result
	Req      search.Request
	Facets   []facetView
	Chips    []chip
	Sorts    []chip // label + link; the current one has Href ""
	Trail    []catalog.Category
	Children []catalog.Category
	PrevURL  string
	NextURL  string
	LogID    string
	Base     string // path the links go to
	Hot      []search.Term
}

// withParam returns base?query with key toggled to value (added when absent, removed
// when present) and the page reset.
func toggled(base string, v url.Values, key, value string, single bool) string {
	w := clone(v)
	xs := w[key]
	if i := slices.Index(xs, value); i >= 0 {
		xs = slices.Delete(xs, i, i+1)
	} else if single {
		xs = []string{value}
	} else {
		xs = append(xs, value)
	}
	if len(xs) == 0 {
		delete(w, key)
	} else {
		w[key] = xs
	}
	return link(base, w)
}

// clone copies URL parameters so one link's change does not leak into the next.
func clone(v url.Values) url.Values {
	w := make(url.Values, len(v))
	for k, xs := range v {
		w[k] = append([]string(nil), xs...)
	}
	return w
}

func link(base string, v url.Values) string {
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// runSearch runs the search and queues it for the log.
func (h *Handler) runSearch(r *http.Request, req search.Request) searchView {
	lang := httpx.LangFrom(r.Context())
	req.Lang = string(lang)
	req.Size = pageSize
	res := h.Search.Index.Search(req)
	httpx.AddSearchTime(r.Context(), res.Took)
	v := searchView{Res: res, Req: req, LogID: search.NewLogID()}
	if req.Q != "" || req.Category != "" {
		filters := req.Query()
		filters.Del("q")
		filters.Del("cat")
		filters.Del("sort")
		le := search.LogEntry{ID: v.LogID, At: time.Now(), Q: req.Q, Norm: search.Normalize(req.Q), Category: req.Category,
			Filters: filters.Encode(), Sort: req.Sort, Page: req.Page, Total: res.Total, Took: res.Took, Source: "web"}
		h.Search.Record(le)
		if slot := slotFrom(r.Context()); slot != nil {
			slot.log = &le
		}
	}
	return v
}

// decorate adds the links: facet toggles, chips, sorts and pages.
func (v *searchView) decorate(p *Page, base string, dropCat bool) {
	v.Base = base
	q := v.Req.Query()
	if dropCat {
		q.Del("cat")
	}
	for _, f := range v.Res.Facets {
		fv := facetView{Facet: f}
		key, single := f.Key, false
		switch f.Key {
		case "category":
			if dropCat {
				// On a category page the subcategories are pages of their own.
				for _, c := range f.Values {
					fv.Links = append(fv.Links, facetLink{FacetValue: c, Href: link("/c/"+c.Value, q)})
				}
				v.Facets = append(v.Facets, fv)
				continue
			}
			key, single = "cat", true
		case "level", "price":
			single = true
		}
		if strings.HasPrefix(f.Key, "n.") {
			// A numeric value is a one-value range; several make their span.
			for _, x := range f.Values {
				fv.Links = append(fv.Links, facetLink{FacetValue: x, Href: toggled(base, q, key, x.Value+"-"+x.Value, true)})
			}
		} else {
			for _, x := range f.Values {
				fv.Links = append(fv.Links, facetLink{FacetValue: x, Href: toggled(base, q, key, x.Value, single)})
			}
		}
		if len(fv.Links) > 12 {
			fv.More = len(fv.Links) - 12
		}
		v.Facets = append(v.Facets, fv)
	}
	// Chips: each active filter with the link that lifts it.
	for key, xs := range q {
		if key == "q" || key == "sort" {
			continue
		}
		for _, x := range xs {
			label := x
			switch {
			case key == "cat":
				label = p.T("search.chip_category", x)
				for _, c := range p.Categories {
					if c.Code == x {
						label = p.CatName(c)
					}
				}
			case key == "level":
				label = "L" + x + "+"
			case key == "badge":
				label = p.T("search.badge_" + x)
			case key == "price":
				label = "¥" + x
			case key == "supplier":
				for _, f := range v.Res.Facets {
					for _, fvv := range f.Values {
						if f.Key == "supplier" && fvv.Value == x {
							label = fvv.Label
						}
					}
				}
			case strings.HasPrefix(key, "a.") || strings.HasPrefix(key, "n."):
				for _, f := range v.Res.Facets {
					if f.Key == key {
						label = f.Name + ": " + x + f.Unit
					}
				}
			}
			v.Chips = append(v.Chips, chip{Label: label, Href: toggled(base, q, key, x, false)})
		}
	}
	slices.SortFunc(v.Chips, func(a, b chip) int { return strings.Compare(a.Label, b.Label) })
	for _, s := range []string{search.SortRelevance, search.SortSales, search.SortPriceAsc, search.SortPriceDesc, search.SortNewest} {
		w := clone(q)
		w.Del("sort")
		if s != "" {
			w.Set("sort", s)
		}
		href := link(base, w)
		if s == v.Req.Sort {
			href = ""
		}
		name := s
		if name == "" {
			name = "relevance"
		}
		v.Sorts = append(v.Sorts, chip{Label: p.T("search.sort_" + name), Href: href})
	}
	page := func(n int) string {
		w := clone(q)
		if n > 1 {
			w.Set("page", strconv.Itoa(n))
		}
		return link(base, w)
	}
	if v.Res.Page > 1 {
		v.PrevURL = page(v.Res.Page - 1)
	}
	if v.Res.Page < v.Res.Pages {
		v.NextURL = page(v.Res.Page + 1)
	}
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request) error {
	req, err := search.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	v := h.runSearch(r, req)
	pg := &Page{Title: req.Q, Query: req.Q, Data: &v}
	h.fillPage(r, pg)
	if req.Q == "" {
		pg.Title = pg.T("search.label")
	}
	v.Hot = h.Search.HotTerms()
	v.decorate(pg, "/search", false)
	pg.SEO = listMeta(pg, &v, nil, nil, r.URL.Query())
	h.render(w, r, http.StatusOK, "search", pg)
	return nil
}

func (h *Handler) category(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	cats := h.categories(r.Context())
	var cat *catalog.Category
	for i := range cats {
		if cats[i].Code == code {
			cat = &cats[i]
		}
	}
	if cat == nil {
		return errs.E(errs.NotFound, "err.category_not_found")
	}
	req, err := search.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	req.Category = cat.Code
	v := h.runSearch(r, req)
	for _, c := range cats {
		if strings.HasPrefix(cat.Path, c.Path) && c.ID != cat.ID {
			v.Trail = append(v.Trail, c)
		}
	}
	pg := &Page{Data: &v}
	h.fillPage(r, pg)
	pg.Title = pg.CatName(*cat)
	v.decorate(pg, "/c/"+cat.Code, true)
	pg.SEO = listMeta(pg, &v, cat, v.Trail, r.URL.Query())
	h.render(w, r, http.StatusOK, "search", pg)
	return nil
}

// logClick records that a search result was opened (?s=<log id>-<position> on the
// product link); a malformed mark is ignored.
func (h *Handler) logClick(ctx context.Context, mark, productID string) {
	id, pos, ok := strings.Cut(mark, "-")
	n, err := strconv.Atoi(pos)
	if !ok || err != nil || n < 1 || n > search.MaxPage*search.MaxPageSize || len(id) != 16 || h.Search == nil || h.Search.Log == nil {
		return
	}
	_ = h.Search.Log.AddSearchClick(ctx, search.Click{LogID: id, Position: n, ProductID: productID, At: time.Now()})
}

func (h *Handler) suggest(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	if len(q) > 100 {
		q = q[:100]
	}
	// Options for the search box's datalist, which htmx swaps in as the buyer types.
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=60")
	var b strings.Builder
	for _, s := range h.Search.Suggest(q, 10) {
		b.WriteString(`<option value="`)
		b.WriteString(html.EscapeString(s.Text))
		b.WriteString(`"></option>`)
	}
	_, err := w.Write([]byte(b.String()))
	return err
}
