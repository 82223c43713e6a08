package search

import (
	"math"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

// Facet counting. Intersecting the hits with every facet value's bitmap costs a walk of
// the hits per value: with a few hundred values and hits spread over the index that is
// most of a query's time. Counting instead walks the hits once, reading each
// document's ordinals (its product's category, brand, supplier, level and badges; its
// price bucket, stock and parameter values) and adding to counters. Where a facet has
// only a handful of values and its base is large, bitmap intersection stays cheaper and
// is used; both give the same counts (TestFacetCountingPaths).

// dims selects what a count covers.
type dims uint16

const (
	dimCat dims = 1 << iota
	dimBrand
	dimSup
	dimLevel
	dimBadge // 「保」 and 「筑」
	dimStock
	dimPrice
	dimAttr
	dimAll = dimCat | dimBrand | dimSup | dimLevel | dimBadge | dimStock | dimPrice | dimAttr
)

// dimOf maps a filter key to the facet dimension it narrows.
func dimOf(key string) dims {
	switch key {
	case "brand":
		return dimBrand
	case "supplier":
		return dimSup
	case "level":
		return dimLevel
	case "badge":
		return dimBadge
	case "stock":
		return dimStock
	case "price":
		return dimPrice
	}
	if len(key) > 2 && (key[:2] == "a." || key[:2] == "n.") {
		return dimAttr
	}
	return 0 // category, store: no facet of their own excludes them
}

// counts holds the documents of a base per facet value.
type counts struct {
	catDirect []uint32 // by category index, documents whose product is in it
	cat       []uint32 // by category index, documents in it or below (catBM)
	brand     []uint32
	sup       []uint32
	level     [6]uint32
	zhu, bao  uint32
	stock     uint32
	price     []uint32
	fv        []uint32 // by facet value ordinal
	prods     int      // distinct products, -1 when not counted
}

var countsPool = sync.Pool{New: func() any { return &counts{} }}

func grow(xs []uint32, n int) []uint32 {
	if cap(xs) < n {
		return make([]uint32, n, n+n/4)
	}
	xs = xs[:n]
	clear(xs)
	return xs
}

func (s *snapshot) newCounts() *counts {
	c := countsPool.Get().(*counts)
	c.catDirect = grow(c.catDirect, len(s.cats))
	c.cat = grow(c.cat, len(s.cats))
	c.brand = grow(c.brand, len(s.brands))
	c.sup = grow(c.sup, len(s.suppliers))
	c.price = grow(c.price, len(s.priceBM))
	c.fv = grow(c.fv, int(s.nfv))
	c.level = [6]uint32{}
	c.zhu, c.bao, c.stock = 0, 0, 0
	c.prods = -1
	return c
}

func releaseCounts(cs ...*counts) {
	for _, c := range cs {
		if c != nil {
			countsPool.Put(c)
		}
	}
}

// countMode chooses how counts are taken; tests force one path.
type countMode int

const (
	countAuto countMode = iota
	countPass
	countBitmaps
)

// count counts base over the dimensions d; codes narrows dimAttr to those attributes
// when counting by bitmaps (the pass counts every attribute at once).
func (s *snapshot) count(base *roaring.Bitmap, d dims, codes []string, mode countMode) *counts {
	c := s.newCounts()
	if base.IsEmpty() {
		c.prods = 0
		return c
	}
	if d == 0 {
		return c
	}
	if mode == countAuto {
		mode = countPass
		if d == dimAttr && codes != nil {
			// One attribute's values against a large base: its bitmaps touch one value
			// per document where the pass reads every value of every document.
			values := uint64(0)
			for _, c := range codes {
				values += uint64(len(s.valBM[c]) + len(s.numBM[c]))
			}
			card := base.GetCardinality()
			chunks := uint64(base.Maximum()>>16-base.Minimum()>>16) + 1
			if 64*values*chunks+8192 < card {
				mode = countBitmaps
			}
		} else if d&(dimCat|dimAttr) == 0 {
			// Brands, suppliers, levels and badges are runs of whole products, and stock
			// and price few bitmaps: against a large base (made a bitset once), a value
			// costs a few runs per 65,536 documents where the pass costs every document.
			values := uint64(0)
			for _, x := range []struct {
				dim dims
				n   int
			}{{dimBrand, len(s.brands)}, {dimSup, len(s.suppliers)}, {dimLevel, len(s.levelBM)}, {dimBadge, 2}, {dimStock, 1}, {dimPrice, len(s.priceBM)}} {
				if d&x.dim != 0 {
					values += uint64(x.n)
				}
			}
			card := base.GetCardinality()
			chunks := uint64(base.Maximum()>>16-base.Minimum()>>16) + 1
			if 64*values*chunks+8192 < card {
				mode = countBitmaps
			}
		}
	}
	if mode == countBitmaps {
		s.countBitmaps(base, d, codes, c)
	} else {
		s.countPass(base, d, c)
	}
	return c
}

// countPass walks base once. A product's documents are consecutive, so product-wide
// ordinals are added once per run of its documents.
func (s *snapshot) countPass(base *roaring.Bitmap, d dims, c *counts) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	buf := sc.buf
	perDoc := d&(dimPrice|dimStock|dimAttr) != 0
	perProd := d&(dimCat|dimBrand|dimSup|dimLevel|dimBadge|dimAttr) != 0
	last, run := uint32(math.MaxUint32), uint32(0)
	runDocs := sc.runDocs[:0] // the current run's documents, for their own facets
	c.prods = 0               // a product's documents are consecutive: count the runs
	flush := func() {
		if run == 0 {
			return
		}
		c.prods++
		pf := &s.pf[last]
		if perDoc && run == pf.ndocs && pf.nprice > 0 {
			// All its documents: their facets added up at build.
			if d&dimPrice != 0 {
				xs := s.aggPrice[pf.price : pf.price+2*pf.nprice]
				for i := 0; i+1 < len(xs); i += 2 {
					c.price[xs[i]] += xs[i+1]
				}
			}
			if d&dimStock != 0 {
				c.stock += pf.stock
			}
			if d&dimAttr != 0 {
				xs := s.aggFV[pf.dfv : pf.dfv+2*pf.ndfv]
				for i := 0; i+1 < len(xs); i += 2 {
					c.fv[xs[i]] += xs[i+1]
				}
			}
		} else if perDoc {
			for _, x := range runDocs {
				dc := &s.docs[x]
				if d&dimPrice != 0 {
					c.price[dc.bucket]++
				}
				if d&dimStock != 0 && dc.stock {
					c.stock++
				}
				if d&dimAttr != 0 && dc.nfv > 0 {
					for _, id := range s.docFV[dc.fv : dc.fv+uint32(dc.nfv)] {
						c.fv[id]++
					}
				}
			}
		}
		if !perProd {
			return
		}
		if d&dimCat != 0 && pf.cat >= 0 {
			c.catDirect[pf.cat] += run
		}
		if d&dimBrand != 0 && pf.brand >= 0 {
			c.brand[pf.brand] += run
		}
		if d&dimSup != 0 {
			c.sup[pf.sup] += run
		}
		if d&dimLevel != 0 && pf.level >= 0 {
			c.level[pf.level] += run
		}
		if d&dimBadge != 0 {
			if pf.zhu {
				c.zhu += run
			}
			if pf.bao {
				c.bao += run
			}
		}
		if d&dimAttr != 0 {
			for _, id := range s.prodFV[pf.fv : pf.fv+pf.nfv] {
				c.fv[id] += run
			}
		}
	}
	it := base.ManyIterator()
	for {
		n := it.NextMany(buf)
		if n == 0 {
			break
		}
		for _, x := range buf[:n] {
			if p := s.docs[x].prod; p != last {
				flush()
				last, run, runDocs = p, 0, runDocs[:0]
			}
			run++
			if perDoc {
				runDocs = append(runDocs, x)
			}
		}
	}
	flush()
	sc.runDocs = runDocs
	if d&dimCat != 0 {
		for i, n := range c.catDirect {
			if n == 0 {
				continue
			}
			for _, a := range s.catAnc[i] {
				c.cat[a] += n
			}
		}
	}
}

// countBitmaps counts by intersecting base with each value's bitmap.
func (s *snapshot) countBitmaps(base *roaring.Bitmap, d dims, codes []string, c *counts) {
	base = dense(base)
	and := func(b *roaring.Bitmap) uint32 {
		if b == nil {
			return 0
		}
		return uint32(base.AndCardinality(b))
	}
	if d&dimCat != 0 {
		for i, cat := range s.cats {
			c.cat[i] = and(s.catBM[cat.ID])
		}
	}
	if d&dimBrand != 0 {
		for i, name := range s.brands {
			c.brand[i] = and(s.brandBM[name])
		}
	}
	if d&dimSup != 0 {
		for i, b := range s.supBM {
			c.sup[i] = and(b)
		}
	}
	if d&dimLevel != 0 {
		for i, b := range s.levelBM {
			c.level[i] = and(b)
		}
	}
	if d&dimBadge != 0 {
		c.zhu, c.bao = and(s.zhuBM), and(s.baoBM)
	}
	if d&dimStock != 0 {
		c.stock = and(s.stockBM)
	}
	if d&dimPrice != 0 {
		for i, b := range s.priceBM {
			c.price[i] = and(b)
		}
	}
	if d&dimAttr != 0 {
		if codes == nil {
			for code := range s.attrs {
				codes = append(codes, code)
			}
		}
		for _, code := range codes {
			for _, v := range s.numBM[code] {
				c.fv[v.id] = and(v.bm)
			}
			for t, b := range s.valBM[code] {
				c.fv[s.valID[code][t]] = and(b)
			}
		}
	}
}

// andAll intersects bitmaps into a new one, starting from the smallest. Roaring turns a
// run-by-run intersection that comes out sparse into an array one run at a time,
// reallocating the array for each; so when others hold runs, the smallest is first
// copied without run containers, and an array or bitset container against runs is one
// linear pass.
func andAll(bs ...*roaring.Bitmap) *roaring.Bitmap {
	if len(bs) == 0 {
		return roaring.New()
	}
	small, n := 0, bs[0].GetCardinality()
	for i, b := range bs[1:] {
		if c := b.GetCardinality(); c < n {
			small, n = i+1, c
		}
	}
	runs := false
	for i, b := range bs {
		runs = runs || i != small && b.HasRunCompression()
	}
	var out *roaring.Bitmap
	if runs && bs[small].HasRunCompression() {
		out = flat(bs[small], n)
	} else {
		out = bs[small].Clone()
	}
	for i, b := range bs {
		if i != small && !out.IsEmpty() {
			out.And(b)
		}
	}
	return out
}

// flat copies b (of n documents) without run containers.
func flat(b *roaring.Bitmap, n uint64) *roaring.Bitmap {
	if n >= 1<<16 {
		return roaring.FromDense(b.ToDense(), false)
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	if uint64(cap(sc.flat)) < n {
		sc.flat = make([]uint32, n, 1<<16)
	}
	vals := sc.flat[:n]
	b.ManyIterator().NextMany(vals)
	return roaring.BitmapOf(vals...)
}
