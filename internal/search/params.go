package search

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// FromQuery reads a search from URL parameters — the same on the search page, the
// category pages and the API, so a filtered list is a shareable link:
//
//	q         words and specs
//	cat       category code
//	brand     brand name (repeatable: any of)
//	supplier  supplier ID (repeatable)
//	level     lowest supplier level, 2–5
//	badge     bao, zhu or stock (repeatable: all of)
//	price     yuan range "lo-hi" (either side may be empty)
//	a.<code>  a parameter value (repeatable: any of)
//	n.<code>  a numeric parameter range "lo-hi" in the attribute's unit
//	sort      sales, price_asc, price_desc or newest
//	page      from 1 to MaxPage
//
// Unknown parameters are ignored; values that cannot be read are field errors.
func FromQuery(v url.Values) (Request, error) {
	var r Request
	var ev errs.Validator
	r.Q = strings.TrimSpace(v.Get("q"))
	ev.Check(utf8.ValidString(r.Q), "q", "err.bad_chars")
	if utf8.RuneCountInString(r.Q) > MaxQueryRunes {
		ev.Add("q", "err.query_too_long", MaxQueryRunes)
	}
	r.Category = strings.TrimSpace(v.Get("cat"))
	for _, b := range v["brand"] {
		if b = strings.TrimSpace(b); b != "" && len(r.Brands) < 20 {
			r.Brands = append(r.Brands, b)
		}
	}
	for _, s := range v["supplier"] {
		if s = strings.TrimSpace(s); s != "" && len(r.Suppliers) < 20 {
			r.Suppliers = append(r.Suppliers, s)
		}
	}
	if s := v.Get("level"); s != "" {
		n, err := strconv.Atoi(s)
		ev.Check(err == nil && n >= 1 && n <= 5, "level", "err.search_level")
		r.MinLevel = n
	}
	for _, b := range v["badge"] {
		switch b {
		case "bao":
			r.Bao = true
		case "zhu":
			r.Zhu = true
		case "stock":
			r.InStock = true
		default:
			ev.Add("badge", "err.search_badge")
		}
	}
	if s := v.Get("price"); s != "" {
		lo, hi, ok := priceRange(s)
		ev.Check(ok, "price", "err.search_price")
		r.PriceMin, r.PriceMax = lo, hi
	}
	for key, vals := range v {
		switch {
		case strings.HasPrefix(key, "a.") && len(key) > 2 && len(key) <= 42:
			if r.Attrs == nil {
				r.Attrs = map[string][]string{}
			}
			for _, x := range vals {
				if x = strings.TrimSpace(x); x != "" && len(r.Attrs[key[2:]]) < 50 {
					r.Attrs[key[2:]] = append(r.Attrs[key[2:]], x)
				}
			}
		case strings.HasPrefix(key, "n.") && len(key) > 2 && len(key) <= 42:
			lo, hi, ok := numRange(vals[0])
			if !ok {
				ev.Add(key, "err.search_range")
				continue
			}
			if r.Ranges == nil {
				r.Ranges = map[string][2]float64{}
			}
			r.Ranges[key[2:]] = [2]float64{lo, hi}
		}
	}
	switch s := v.Get("sort"); s {
	case SortRelevance, SortSales, SortPriceAsc, SortPriceDesc, SortNewest:
		r.Sort = s
	default:
		ev.Add("sort", "err.search_sort")
	}
	r.Page = 1
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 1:
			ev.Add("page", "err.page_number")
		case n > MaxPage:
			ev.Add("page", "err.page_too_deep", MaxPage)
		default:
			r.Page = n
		}
	}
	return r, ev.Err()
}

// numRange reads "lo-hi", "lo-" or "-hi" (NaN for an open side).
func numRange(s string) (lo, hi float64, ok bool) {
	a, b, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		x, err := strconv.ParseFloat(strings.TrimSpace(a), 64)
		return x, x, err == nil && !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	lo, hi = math.NaN(), math.NaN()
	read := func(t string, into *float64) bool {
		t = strings.TrimSpace(t)
		if t == "" {
			return true
		}
		x, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
		*into = x
		return true
	}
	ok = read(a, &lo) && read(b, &hi) && !(math.IsNaN(lo) && math.IsNaN(hi))
	if ok && !math.IsNaN(lo) && !math.IsNaN(hi) && lo > hi {
		lo, hi = hi, lo
	}
	return lo, hi, ok
}

// priceRange reads a yuan range into 0.0001-yuan bounds (0 for open).
func priceRange(s string) (lo, hi int64, ok bool) {
	a, b, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		return 0, 0, false
	}
	read := func(t string, into *int64) bool {
		t = strings.TrimSpace(t)
		if t == "" {
			return true
		}
		p, err := money.ParseUnitPrice(t)
		if err != nil || p < 0 {
			return false
		}
		*into = int64(p)
		return true
	}
	ok = read(a, &lo) && read(b, &hi) && (lo > 0 || hi > 0)
	if ok && hi > 0 && lo > hi {
		lo, hi = hi, lo
	}
	return lo, hi, ok
}

// Query writes a request back as URL parameters (page left out).
func (r Request) Query() url.Values {
	v := url.Values{}
	set := func(k, x string) {
		if x != "" {
			v.Set(k, x)
		}
	}
	set("q", r.Q)
	set("cat", r.Category)
	v["brand"] = append([]string(nil), r.Brands...)
	v["supplier"] = append([]string(nil), r.Suppliers...)
	if r.MinLevel > 0 {
		v.Set("level", strconv.Itoa(r.MinLevel))
	}
	if r.Bao {
		v.Add("badge", "bao")
	}
	if r.Zhu {
		v.Add("badge", "zhu")
	}
	if r.InStock {
		v.Add("badge", "stock")
	}
	if r.PriceMin > 0 || r.PriceMax > 0 {
		p := ""
		if r.PriceMin > 0 {
			p = money.UnitPrice(r.PriceMin).String()
		}
		p += "-"
		if r.PriceMax > 0 {
			p += money.UnitPrice(r.PriceMax).String()
		}
		v.Set("price", p)
	}
	for c, xs := range r.Attrs {
		v["a."+c] = append([]string(nil), xs...)
	}
	for c, rg := range r.Ranges {
		s := ""
		if !math.IsNaN(rg[0]) {
			s = formatNum(rg[0])
		}
		s += "-"
		if !math.IsNaN(rg[1]) {
			s += formatNum(rg[1])
		}
		v.Set("n."+c, s)
	}
	set("sort", r.Sort)
	for k, xs := range v {
		if len(xs) == 0 {
			delete(v, k)
		}
	}
	return v
}
