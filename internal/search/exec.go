package search

import (
	"container/heap"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// Limits on what a request may ask.
const (
	MaxQueryRunes = 100
	MaxPageSize   = 100
	MaxPage       = 100 // deeper pages add nothing a buyer uses; refine instead
	maxClauses    = 12
)

// Sorts.
const (
	SortRelevance = ""
	SortSales     = "sales"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortNewest    = "newest"
)

// Request is one search: words, filters, a sort and a page.
type Request struct {
	Q         string
	Category  string   // category code; "" for all
	Store     string   // supplier ID: search inside one store
	Brands    []string // any of
	Suppliers []string // any of (IDs)
	MinLevel  int
	Zhu, Bao  bool
	InStock   bool
	PriceMin  int64 // 0.0001 yuan, 0 for none
	PriceMax  int64
	Attrs     map[string][]string // attribute code → any of these values
	Ranges    map[string][2]float64
	Sort      string
	Page      int // from 1
	Size      int
	Lang      string
	// NoFacets leaves the facets out: for related products and other small lookups
	// that show only items.
	NoFacets bool
}

// Item is one result: a product with the variant that matched best.
type Item struct {
	ProductID    string
	Title        string
	BrandName    string
	CategoryID   string
	SupplierID   string
	SupplierName string
	Level        int
	Zhu, Bao     bool
	SKUID        string
	SKUCode      string
	Spec         []catalog.Value
	Price        int64
	MinPrice     int64 // lowest among the product's matching variants
	Unit         string
	MOQ          int64
	Stock        int64
	Matching     int // variants of this product that match
	Sales        int64
	Position     int // 1-based rank in the whole result
}

// FacetValue is one choice of a facet with the number of variants it leaves.
type FacetValue struct {
	Value    string
	Label    string
	Count    int
	Selected bool
}

// Facet is a group of choices.
type Facet struct {
	Key    string // "category", "brand", "supplier", "level", "badge", "price", "a.<code>", "n.<code>"
	Name   string
	Kind   string // "category", "list", "numeric", "price"
	Unit   string
	Values []FacetValue
}

// Result is a page of results with its facets.
type Result struct {
	Total      int // products
	Variants   int // matching SKUs
	Items      []Item
	Facets     []Facet
	Understood []Understood
	Dropped    []string // query words dropped because nothing matched them all
	DidYouMean string
	Page       int
	Pages      int
	Category   *catalog.Category // the selected category
	Took       time.Duration
}

// filter is one constraint of the request, kept by facet key so a facet's own choices
// do not shrink its counts.
type filter struct {
	key string
	bm  *roaring.Bitmap
}

func orAll(bs []*roaring.Bitmap) *roaring.Bitmap {
	if len(bs) == 0 {
		return roaring.New()
	}
	return roaring.FastOr(bs...)
}

// filters turns the request's choices into bitmaps.
func (s *snapshot) filters(r *Request) ([]filter, *catalog.Category) {
	var fs []filter
	var cat *catalog.Category
	if r.Category != "" {
		if i, ok := s.catByCode[r.Category]; ok {
			c := s.cats[i]
			cat = &c
			fs = append(fs, filter{"category", s.catBM[c.ID]})
			if fs[len(fs)-1].bm == nil {
				fs[len(fs)-1].bm = empty
			}
		} else {
			fs = append(fs, filter{"category", empty})
		}
	}
	if r.Store != "" {
		if i, ok := s.supByID[r.Store]; ok {
			fs = append(fs, filter{"store", s.supBM[i]})
		} else {
			fs = append(fs, filter{"store", empty})
		}
	}
	if len(r.Brands) > 0 {
		var bs []*roaring.Bitmap
		for _, b := range r.Brands {
			if x := s.brandBM[b]; x != nil {
				bs = append(bs, x)
			}
		}
		fs = append(fs, filter{"brand", orAll(bs)})
	}
	if len(r.Suppliers) > 0 {
		var bs []*roaring.Bitmap
		for _, id := range r.Suppliers {
			if i, ok := s.supByID[id]; ok {
				bs = append(bs, s.supBM[i])
			}
		}
		fs = append(fs, filter{"supplier", orAll(bs)})
	}
	if r.MinLevel > 0 {
		var bs []*roaring.Bitmap
		for l := r.MinLevel; l < len(s.levelBM); l++ {
			bs = append(bs, s.levelBM[l])
		}
		fs = append(fs, filter{"level", orAll(bs)})
	}
	if r.Zhu {
		fs = append(fs, filter{"badge", s.zhuBM})
	}
	if r.Bao {
		fs = append(fs, filter{"badge", s.baoBM})
	}
	if r.InStock {
		fs = append(fs, filter{"stock", s.stockBM})
	}
	if r.PriceMin > 0 || r.PriceMax > 0 {
		fs = append(fs, filter{"price", s.priceRange(r.PriceMin, r.PriceMax)})
	}
	codes := make([]string, 0, len(r.Attrs))
	for c := range r.Attrs {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		var bs []*roaring.Bitmap
		for _, v := range r.Attrs[code] {
			if b := s.valBM[code][v]; b != nil {
				bs = append(bs, b)
			}
		}
		fs = append(fs, filter{"a." + code, orAll(bs)})
	}
	codes = codes[:0]
	for c := range r.Ranges {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, code := range codes {
		lo, hi := r.Ranges[code][0], r.Ranges[code][1]
		var bs []*roaring.Bitmap
		for _, v := range s.numBM[code] {
			if (math.IsNaN(lo) || v.v >= lo-1e-9) && (math.IsNaN(hi) || v.v <= hi+1e-9) {
				bs = append(bs, v.bm)
			}
		}
		fs = append(fs, filter{"n." + code, orAll(bs)})
	}
	return fs, cat
}

// priceRange returns the documents priced within [lo, hi] (0 for open): whole buckets
// inside the range, and the edge buckets checked price by price.
func (s *snapshot) priceRange(lo, hi int64) *roaring.Bitmap {
	if hi == 0 {
		hi = math.MaxInt64
	}
	bl, bh := priceBucket(lo), priceBucket(hi)
	var bs []*roaring.Bitmap
	var edge []uint32
	buf := make([]uint32, 1024)
	for b, x := range s.priceBM {
		if b < bl || b > bh {
			continue
		}
		if b > bl && b < bh {
			bs = append(bs, x)
			continue
		}
		edge = edge[:0]
		it := x.ManyIterator()
		for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
			for _, d := range buf[:n] {
				if p := s.docs[d].price; p >= lo && p <= hi {
					edge = append(edge, d)
				}
			}
		}
		bs = append(bs, roaring.BitmapOf(edge...))
	}
	return roaring.FastOr(bs...)
}

// scratch is per-query working memory indexed by product, reused across queries.
type scratch struct {
	stamp    []uint32
	gen      uint32
	best     []int64
	count    []int32
	first    []uint32
	buf      []uint32
	flat     []uint32
	runDocs  []uint32
	distinct []uint32
}

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]uint32, 512)} }}

func (sc *scratch) reset(n int) {
	if len(sc.stamp) < n {
		sc.stamp = make([]uint32, n+n/4)
		sc.best = make([]int64, len(sc.stamp))
		sc.count = make([]int32, len(sc.stamp))
		sc.first = make([]uint32, len(sc.stamp))
		sc.gen = 0
	}
	sc.gen++
	if sc.gen == 0 {
		clear(sc.stamp)
		sc.gen = 1
	}
}

// keyHeap keeps the best n products by key (smaller first out when it is a max-heap of
// the worst); used for sorts other than relevance.
type keyed struct {
	prod uint32
	key  int64
}
type keyHeap []keyed

func (h keyHeap) Len() int { return len(h) }
func (h keyHeap) Less(i, j int) bool {
	return h[i].key > h[j].key || h[i].key == h[j].key && h[i].prod > h[j].prod
}
func (h keyHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *keyHeap) Push(x any)   { *h = append(*h, x.(keyed)) }
func (h *keyHeap) Pop() any     { o := *h; x := o[len(o)-1]; *h = o[:len(o)-1]; return x }

// collect walks the hits once: it counts matching variants per product, records each
// product's first (best-ranked) matching variant and, for sorted orders, its key, and
// returns the products of the requested page. When products (the number of products
// in the hits) is known, a page in relevance order without a strong set stops after
// its last product's documents: they are consecutive.
func (s *snapshot) collect(hits, strong *roaring.Bitmap, r *Request, res *Result, products int) []uint32 {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.reset(len(s.prods))
	want := r.Page * r.Size
	var order []uint32 // products in relevance order, up to want
	var h keyHeap
	keyOf := func(pi, d uint32) int64 {
		switch r.Sort {
		case SortPriceAsc:
			return s.docs[d].price
		case SortPriceDesc:
			return -s.docs[d].price
		case SortSales:
			return -s.prods[pi].Sales
		case SortNewest:
			return -s.prods[pi].Created.UnixMilli()
		}
		return 0
	}
	early := products >= 0 && r.Sort == SortRelevance && strong == nil
	distinct := sc.distinct[:0] // for sorted orders: the products, as first met
	walk := func(b *roaring.Bitmap, ordered bool) {
		it := b.ManyIterator()
		for {
			n := it.NextMany(sc.buf)
			if n == 0 {
				return
			}
			for _, d := range sc.buf[:n] {
				pi := s.docs[d].prod
				price := s.docs[d].price
				if early && sc.stamp[pi] != sc.gen && len(order) == want {
					res.Total = products
					return
				}
				if sc.stamp[pi] != sc.gen {
					sc.stamp[pi] = sc.gen
					sc.count[pi] = 1
					sc.first[pi] = d
					sc.best[pi] = price
					res.Total++
					if ordered && len(order) < want {
						order = append(order, pi)
					} else if !ordered {
						distinct = append(distinct, pi)
					}
				} else {
					sc.count[pi]++
					if price < sc.best[pi] {
						sc.best[pi] = price
					}
					if r.Sort == SortPriceAsc && price < s.docs[sc.first[pi]].price {
						sc.first[pi] = d
					}
					if r.Sort == SortPriceDesc && price > s.docs[sc.first[pi]].price {
						sc.first[pi] = d
					}
				}
			}
		}
	}
	if r.Sort == SortRelevance {
		if strong != nil {
			walk(strong, true)
			walk(roaring.AndNot(hits, strong), true)
		} else {
			walk(hits, true)
		}
	} else {
		walk(hits, false)
	}
	if r.Sort != SortRelevance {
		// Over the distinct products: keep the best `want` by key.
		for _, pi := range distinct {
			k := keyOf(pi, sc.first[pi])
			if len(h) < want {
				heap.Push(&h, keyed{pi, k})
			} else if k < h[0].key || k == h[0].key && pi < h[0].prod {
				h[0] = keyed{pi, k}
				heap.Fix(&h, 0)
			}
		}
		sc.distinct = distinct
		sort.Slice(h, func(i, j int) bool { return h[i].key < h[j].key || h[i].key == h[j].key && h[i].prod < h[j].prod })
		for _, k := range h {
			order = append(order, k.prod)
		}
	}
	from := (r.Page - 1) * r.Size
	if from >= len(order) {
		return nil
	}
	page := order[from:min(len(order), from+r.Size)]
	for i, pi := range page {
		p := s.prods[pi]
		d := sc.first[pi]
		k := &s.skus[d]
		id, code, unit := s.sku(d)
		sp := &s.suppliers[p.supplier]
		res.Items = append(res.Items, Item{
			ProductID: p.ID, Title: p.Title, BrandName: p.BrandName, CategoryID: p.CategoryID,
			SupplierID: p.SupplierID, SupplierName: sp.Name, Level: sp.Level, Zhu: sp.Zhu, Bao: sp.Bao,
			SKUID: id, SKUCode: code, Spec: s.spec(d), Price: s.docs[d].price, MinPrice: sc.best[pi], Unit: unit,
			MOQ: k.moq, Stock: k.stock, Matching: int(sc.count[pi]), Sales: p.Sales, Position: from + i + 1,
		})
	}
	return page
}

// label returns a category's name in lang.
func catName(c catalog.Category, lang string) string {
	if lang == "en" {
		return c.NameEN
	}
	return c.NameZH
}

// trimQuery shortens an over-long query to its first MaxQueryRunes characters.
func trimQuery(q string) string {
	if n := 0; len(q) > MaxQueryRunes {
		for i := range q {
			if n == MaxQueryRunes {
				return strings.TrimSpace(q[:i])
			}
			n++
		}
	}
	return q
}
