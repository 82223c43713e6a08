// Package search is Zhuchao's in-process catalogue search: every SKU is a document;
// words become postings (segmented words, CJK characters and bigrams, ASCII model
// tokens) held as compressed bitmaps (roaring), and so are categories, brands,
// suppliers, levels, badges and every filterable parameter value. A query is a few
// bitmap intersections; facet counts come from one pass over the hits reading each
// document's ordinals (facets.go). The index is built
// from the database at start and kept current from the outbox; the database stays the
// source of truth and the index can always be rebuilt.
package search

import (
	"context"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/zhuchao/zhuchao/internal/money"
)

// Index answers searches from the current snapshot.
type Index struct {
	seg *Segmenter
	mu  sync.RWMutex
	cur *snapshot
	gen atomic.Uint64 // bumped by every build and update
}

// Generation changes whenever the index does, so callers may cache what they derive
// from a search until it moves.
func (ix *Index) Generation() uint64 { return ix.gen.Load() }

// NewIndex returns an empty index; Build or Service.Start fills it.
func NewIndex(seg *Segmenter) *Index {
	s := newSnapshot()
	s.finish()
	return &Index{seg: seg, cur: s}
}

// Build replaces the index with a fresh build from src.
func (ix *Index) Build(ctx context.Context, src Source) error {
	s, err := build(ctx, src, ix.seg)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.cur = s
	ix.gen.Add(1)
	ix.mu.Unlock()
	return nil
}

// Stats describes the index.
type Stats struct {
	Docs, Live, Products, Tokens, Appended int
	Built                                  time.Time
}

// Stats returns the index's size.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.cur
	return Stats{Docs: len(s.docs), Live: int(s.live.GetCardinality()), Products: len(s.prodByID), Tokens: len(s.postings.ents), Appended: s.appended, Built: s.built}
}

// Search runs one request.
func (ix *Index) Search(r Request) Result { return ix.search(r, countAuto) }

func (ix *Index) search(r Request, mode countMode) Result {
	start := time.Now()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.cur
	if r.Size <= 0 || r.Size > MaxPageSize {
		r.Size = 20
	}
	r.Page = min(max(r.Page, 1), MaxPage)
	q := Normalize(trimQuery(r.Q))

	res := Result{Page: r.Page}
	fs, cat := s.filters(&r)
	res.Category = cat

	var clauses []clause
	if q != "" {
		clauses = s.parse(ix.seg, q, r.Lang)
		if len(clauses) > maxClauses {
			clauses = clauses[:maxClauses]
		}
	}
	base := s.live
	if len(fs) > 0 {
		bs := s.liveAnd()
		for _, f := range fs {
			bs = append(bs, f.bm)
		}
		base = andAll(bs...)
	}
	hits, strong, dropped := s.match(base, clauses)
	if len(clauses) > 0 && hits.IsEmpty() {
		res.DidYouMean = s.didYouMean(ix.seg, q)
	}
	res.Dropped = dropped
	for _, c := range clauses {
		if c.chip != nil && !contains(dropped, c.label) {
			res.Understood = append(res.Understood, *c.chip)
		}
	}
	res.Variants = int(hits.GetCardinality())

	// Facets count over the text match with every filter but their own. Counting
	// also finds how many products the hits hold, so that a page in relevance order
	// without words need not walk the hits past its last product.
	products := -1 // not known: collect counts them
	if !r.NoFacets {
		textOnly := s.live
		if len(clauses) > 0 {
			textOnly = s.textHits(clauses, dropped)
		}
		res.Facets, products = s.facetsBy(&r, fs, textOnly, hits, mode)
	}
	s.collect(hits, strong, &r, &res, products)
	res.Pages = (res.Total + r.Size - 1) / r.Size
	res.Pages = min(res.Pages, MaxPage)
	res.Took = time.Since(start)
	return res
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// match intersects the clauses with base. When nothing matches them all it drops the
// clause whose removal leaves the most, once or twice, and says which.
func (s *snapshot) match(base *roaring.Bitmap, clauses []clause) (hits, strong *roaring.Bitmap, dropped []string) {
	if len(clauses) == 0 {
		return base, nil, nil
	}
	active := make([]bool, len(clauses))
	for i := range active {
		active[i] = true
	}
	and := func() *roaring.Bitmap {
		bs := []*roaring.Bitmap{base}
		for i, c := range clauses {
			if active[i] {
				bs = append(bs, c.match)
			}
		}
		sort.Slice(bs, func(i, j int) bool { return bs[i].GetCardinality() < bs[j].GetCardinality() })
		return andAll(bs...)
	}
	hits = and()
	for round := 0; hits.IsEmpty() && round < 2 && len(clauses) > 1; round++ {
		best, bestN := -1, uint64(0)
		for i := range clauses {
			if !active[i] {
				continue
			}
			active[i] = false
			if n := and().GetCardinality(); n > bestN {
				best, bestN = i, n
			}
			active[i] = true
		}
		if best < 0 {
			break
		}
		active[best] = false
		dropped = append(dropped, clauses[best].label)
		hits = and()
	}
	if hits.IsEmpty() {
		return hits, nil, dropped
	}
	bs := []*roaring.Bitmap{hits}
	for i, c := range clauses {
		if active[i] {
			bs = append(bs, c.strong)
		}
	}
	return hits, andAll(bs...), dropped
}

// textHits is the live documents matching the clauses that were kept.
func (s *snapshot) textHits(clauses []clause, dropped []string) *roaring.Bitmap {
	bs := s.liveAnd()
	for _, c := range clauses {
		if !contains(dropped, c.label) {
			bs = append(bs, c.match)
		}
	}
	return andAll(bs...)
}

// liveAnd starts a list of bitmaps to intersect: with the live set once a product has
// been taken out, before that with nothing (every document is live).
func (s *snapshot) liveAnd() []*roaring.Bitmap {
	if s.removed == 0 {
		return make([]*roaring.Bitmap, 0, 8)
	}
	return append(make([]*roaring.Bitmap, 0, 8), s.live)
}

// facetsBy counts the choices of every facet the result can be narrowed by, and
// returns the number of products in the hits (-1 when it did not count them).
func (s *snapshot) facetsBy(r *Request, fs []filter, textOnly, hits *roaring.Bitmap, mode countMode) ([]Facet, int) {
	lang := r.Lang
	// The base of a facet is the text match with every other facet's filter applied, so
	// choosing one brand still shows the other brands' counts. Facets without a choice
	// of their own count over the hits, all in one count.
	hitDims := dimAll
	if r.Store != "" {
		hitDims &^= dimSup
	}
	own := map[string]bool{}
	for _, f := range fs {
		if d := dimOf(f.key); d != 0 && d != dimAttr {
			own[f.key] = true
			hitDims &^= d
		} else if d == dimAttr {
			own[f.key] = true
		}
	}
	hc := s.count(hits, hitDims, nil, mode)
	var extra []*counts
	defer func() { releaseCounts(hc); releaseCounts(extra...) }()
	countsFor := func(key string, codes []string) *counts {
		if !own[key] {
			return hc
		}
		bs := []*roaring.Bitmap{textOnly}
		for _, f := range fs {
			if f.key != key {
				bs = append(bs, f.bm)
			}
		}
		c := s.count(andAll(bs...), dimOf(key), codes, mode)
		extra = append(extra, c)
		return c
	}
	var out []Facet

	// Categories: the children of the chosen one (or the roots), with counts.
	var parentPath string
	if r.Category != "" {
		if i, ok := s.catByCode[r.Category]; ok {
			parentPath = s.cats[i].Path
		}
	}
	cf := Facet{Key: "category", Name: label(lang, "分类", "Category"), Kind: "category"}
	for i, c := range s.cats {
		if c.Status != "" && c.Status != "active" {
			continue
		}
		isChild := parentPath == "" && c.Depth <= 1 && !strings.Contains(strings.Trim(c.Path, "/"), "/") ||
			parentPath != "" && strings.HasPrefix(c.Path, parentPath) && strings.Count(c.Path, "/") == strings.Count(parentPath, "/")+1
		if !isChild {
			continue
		}
		if n := int(hc.cat[i]); n > 0 {
			cf.Values = append(cf.Values, FacetValue{Value: c.Code, Label: catName(c, lang), Count: n})
		}
	}
	sortValues(cf.Values)
	if len(cf.Values) > 0 {
		out = append(out, cf)
	}

	// Parameters of the chosen category, or of the one most results fall in.
	catID := ""
	if r.Category != "" {
		if i, ok := s.catByCode[r.Category]; ok {
			catID = s.cats[i].ID
		}
	}
	if catID == "" {
		catID = s.dominantLeaf(hc, hits.GetCardinality())
	}
	for _, code := range s.templates[catID] {
		ai := s.attrs[code]
		switch {
		case len(s.numBM[code]) > 0:
			key := "n." + code
			c := countsFor(key, []string{code})
			f := Facet{Key: key, Name: ai.name(lang), Kind: "numeric", Unit: ai.unit}
			sel := r.Ranges[code]
			for _, v := range s.numBM[code] {
				if n := int(c.fv[v.id]); n > 0 {
					in := r.Ranges != nil && hasRange(r.Ranges, code) && (math.IsNaN(sel[0]) || v.v >= sel[0]-1e-9) && (math.IsNaN(sel[1]) || v.v <= sel[1]+1e-9)
					f.Values = append(f.Values, FacetValue{Value: formatNum(v.v), Label: formatNum(v.v) + ai.unit, Count: n, Selected: in})
				}
			}
			if len(f.Values) > 1 || hasRange(r.Ranges, code) {
				out = append(out, f)
			}
		case len(s.valBM[code]) > 0:
			key := "a." + code
			c := countsFor(key, []string{code})
			f := Facet{Key: key, Name: ai.name(lang), Kind: "list"}
			for v, id := range s.valID[code] {
				if n := int(c.fv[id]); n > 0 {
					f.Values = append(f.Values, FacetValue{Value: v, Label: v, Count: n, Selected: contains(r.Attrs[code], v)})
				}
			}
			sortValuesNatural(f.Values)
			if len(f.Values) > 1 || len(r.Attrs[code]) > 0 {
				out = append(out, f)
			}
		}
	}

	// Brands and suppliers.
	bc := countsFor("brand", nil)
	bf := Facet{Key: "brand", Name: label(lang, "品牌", "Brand"), Kind: "list"}
	for i, name := range s.brands {
		if n := int(bc.brand[i]); n > 0 {
			bf.Values = append(bf.Values, FacetValue{Value: name, Label: name, Count: n, Selected: contains(r.Brands, name)})
		}
	}
	sortValues(bf.Values)
	if len(bf.Values) > 0 {
		out = append(out, bf)
	}
	if r.Store == "" {
		sc := countsFor("supplier", nil)
		sf := Facet{Key: "supplier", Name: label(lang, "供应商", "Supplier"), Kind: "list"}
		for i, n := range sc.sup {
			if n > 0 {
				sp := s.suppliers[i]
				sf.Values = append(sf.Values, FacetValue{Value: sp.ID, Label: sp.Name, Count: int(n), Selected: contains(r.Suppliers, sp.ID)})
			}
		}
		sortValues(sf.Values)
		if len(sf.Values) > 0 {
			out = append(out, sf)
		}
	}

	// Supplier level (at least), badges and stock.
	lc := countsFor("level", nil)
	lf := Facet{Key: "level", Name: label(lang, "供应商等级", "Supplier level"), Kind: "list"}
	cum := 0
	for l := len(s.levelBM) - 1; l >= 1; l-- {
		cum += int(lc.level[l])
		if cum > 0 && l >= 2 {
			lf.Values = append(lf.Values, FacetValue{Value: strconv.Itoa(l), Label: "L" + strconv.Itoa(l) + label(lang, " 及以上", "+"), Count: cum, Selected: r.MinLevel == l})
		}
	}
	if len(lf.Values) > 0 {
		out = append(out, lf)
	}
	gc := countsFor("badge", nil)
	gf := Facet{Key: "badge", Name: label(lang, "服务保障", "Assurance"), Kind: "list"}
	if n := int(gc.bao); n > 0 {
		gf.Values = append(gf.Values, FacetValue{Value: "bao", Label: label(lang, "「保」交易保障", "「保」Trade assurance"), Count: n, Selected: r.Bao})
	}
	if n := int(gc.zhu); n > 0 {
		gf.Values = append(gf.Values, FacetValue{Value: "zhu", Label: label(lang, "「筑」资质认证", "「筑」Verified credentials"), Count: n, Selected: r.Zhu})
	}
	if n := int(countsFor("stock", nil).stock); n > 0 {
		gf.Values = append(gf.Values, FacetValue{Value: "stock", Label: label(lang, "有货", "In stock"), Count: n, Selected: r.InStock})
	}
	if len(gf.Values) > 0 {
		out = append(out, gf)
	}

	// Price: up to five ranges cut at the bucket boundaries nearest the quantiles.
	if pf := s.priceFacet(countsFor("price", nil).price, r, lang); len(pf.Values) > 0 {
		out = append(out, pf)
	}
	return out, hc.prods
}

// dense turns a large bitmap into plain bitset containers before facet counting: the
// facet bitmaps are long runs (documents lie in rank order, a product per run), and a
// run against a bitset counts by popcount where a run against a run walks both lists.
func dense(b *roaring.Bitmap) *roaring.Bitmap {
	if b.GetCardinality() < 4096 {
		return b
	}
	return roaring.FromDense(b.ToDense(), false)
}

func hasRange(m map[string][2]float64, code string) bool {
	_, ok := m[code]
	return ok
}

func label(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

func sortValues(vs []FacetValue) {
	sort.Slice(vs, func(i, j int) bool {
		if vs[i].Count != vs[j].Count {
			return vs[i].Count > vs[j].Count
		}
		return vs[i].Label < vs[j].Label
	})
}

// sortValuesNatural orders values as people read sizes: M3 before M10, 8.8级 before 10.9级.
func sortValuesNatural(vs []FacetValue) {
	sort.Slice(vs, func(i, j int) bool { return naturalLess(vs[i].Value, vs[j].Value) })
}

func naturalLess(a, b string) bool {
	na, ra := leadingNumber(a)
	nb, rb := leadingNumber(b)
	if ra != rb {
		return ra < rb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

// leadingNumber splits "M10" into 10 and "M", "8.8级" into 8.8 and "级".
func leadingNumber(s string) (float64, string) {
	i := 0
	for i < len(s) && !(s[i] >= '0' && s[i] <= '9') {
		i++
	}
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	if i == j {
		return 0, s
	}
	n, err := strconv.ParseFloat(strings.TrimRight(s[i:j], "."), 64)
	if err != nil {
		return 0, s
	}
	return n, s[:i]
}

// dominantLeaf returns the category holding at least half the hits, deepest first.
func (s *snapshot) dominantLeaf(c *counts, total uint64) string {
	if total == 0 {
		return ""
	}
	best, bestDepth := "", -1
	for i, cat := range s.cats {
		if len(s.templates[cat.ID]) == 0 || cat.Depth <= bestDepth {
			continue
		}
		if n := uint64(c.cat[i]); n > 0 && n*2 >= total {
			best, bestDepth = cat.ID, cat.Depth
		}
	}
	return best
}

// priceFacet offers price ranges that split the results into roughly equal parts.
func (s *snapshot) priceFacet(buckets []uint32, r *Request, lang string) Facet {
	f := Facet{Key: "price", Name: label(lang, "价格", "Price"), Kind: "price", Unit: "¥"}
	counts := make([]int, len(buckets))
	total := 0
	for i, n := range buckets {
		counts[i] = int(n)
		total += counts[i]
	}
	if total == 0 {
		return f
	}
	const parts = 4
	acc, lo := 0, -1
	for i, n := range counts {
		if n == 0 {
			continue
		}
		if lo < 0 {
			lo = i
		}
		acc += n
		if acc*parts >= total*(len(f.Values)+1) || acc == total {
			from := priceBounds[lo]
			if lo == 0 {
				from = 0
			}
			to := priceBounds[min(i+1, len(priceBounds)-1)]
			v := money.UnitPrice(from).String() + "-" + money.UnitPrice(to-1).String()
			f.Values = append(f.Values, FacetValue{Value: v, Label: yuan(from) + "–" + yuan(to), Count: acc - sum(f.Values), Selected: r.PriceMin == from && r.PriceMax == to-1})
			lo = -1
			if acc == total {
				break
			}
		}
	}
	return f
}

func sum(vs []FacetValue) int {
	n := 0
	for _, v := range vs {
		n += v.Count
	}
	return n
}

// yuan formats 0.0001-yuan amounts for facet labels: ¥0.05, ¥1.2, ¥350.
func yuan(p int64) string {
	return "¥" + strconv.FormatFloat(float64(p)/10000, 'f', -1, 64)
}
