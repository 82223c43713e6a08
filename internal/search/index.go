package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// doc is one SKU in the index.
type doc struct {
	prod   uint32
	sku    int32 // index into the product's SKUs
	price  int64
	spec   uint32 // its sales-attribute values: snapshot.specs[spec:spec+nspec], indexes into snapshot.values
	fv     uint32 // its facet values beyond its product's: snapshot.docFV[fv:fv+nfv]
	nspec  uint16
	nfv    uint16
	bucket uint8 // price bucket
	stock  bool  // in stock when indexed
}

// skuRow is what a result shows of a document's SKU, without pointers: the SKUs of a
// million documents held as Go strings and structs were most of what the garbage
// collector walked.
type skuRow struct {
	text         uint32 // ID then code in snapshot.skuText
	idLen, codeN uint16
	unit         uint16 // index into snapshot.units
	moq, stock   int64
}

// prodFacets is what a product's documents share for facet counting, as ordinals.
type prodFacets struct {
	cat      int32 // index into cats, -1 for none
	brand    int32 // index into brands, -1 for none
	sup      uint32
	level    int8 // -1 when outside levelBM
	zhu, bao bool
	fv, nfv  uint32 // its facet values: snapshot.prodFV[fv:fv+nfv]

	// Its documents' own facets added up, for runs of hits that hold all of them:
	// price buckets as (bucket, count) in snapshot.aggPrice[price:price+2*nprice], SKU
	// parameter values as (ordinal, count) in snapshot.aggFV[dfv:dfv+2*ndfv].
	ndocs, stock uint32
	price, dfv   uint32
	nprice, ndfv uint32
}

// prod is one product in the index with what its result card shows.
type prod struct {
	Product
	supplier uint32
	score    float64
	docs     []uint32 // its documents, ascending
	deleted  bool
}

// attrInfo describes a filterable attribute code across the templates that use it.
type attrInfo struct {
	code   string
	nameZH string
	nameEN string
	kind   catalog.AttrKind
	unit   string  // as the template states it
	dim    string  // unit dimension, "" when unknown
	factor float64 // unit → dimension base
	sort   int
}

// numVal is one numeric value of an attribute, in the attribute's unit.
type numVal struct {
	v  float64
	bm *roaring.Bitmap
	id uint32 // facet value ordinal
}

// snapshot is the whole index at one moment. Searches read it under the Index's read
// lock; outbox updates change it under the write lock; a rebuild replaces it.
type snapshot struct {
	docs     []doc
	prods    []*prod
	prodByID map[string]uint32
	live     *roaring.Bitmap

	postings postings
	// building is set while build fills the snapshot: postings of several runs collect
	// their runs in more and become bitmaps in finish, and other bitmaps are filled
	// document by document, both avoiding roaring's copy of a run container per range.
	building bool
	more     map[uint32][]uint32 // posting → its runs after the first, as lo, hi pairs

	cats      []catalog.Category
	catByID   map[string]int
	catByCode map[string]int
	catBM     map[string]*roaring.Bitmap // category ID → documents in it or below it

	suppliers []Supplier
	supByID   map[string]uint32
	supBM     []*roaring.Bitmap // by supplier ordinal
	brandBM   map[string]*roaring.Bitmap
	levelBM   [6]*roaring.Bitmap
	zhuBM     *roaring.Bitmap
	baoBM     *roaring.Bitmap
	stockBM   *roaring.Bitmap
	priceBM   []*roaring.Bitmap // log-scale price buckets
	attrs     map[string]*attrInfo
	templates map[string][]string                   // category ID → filterable attribute codes, inherited, in order
	valBM     map[string]map[string]*roaring.Bitmap // code → value text → documents
	valText   map[string]map[string]string          // code → normalized → display text
	numBM     map[string][]numVal                   // code → sorted numeric values
	hasAttr   map[string]*roaring.Bitmap            // code → documents with any value for it
	valID     map[string]map[string]uint32          // code → value text → facet value ordinal

	// Facet ordinals, so that counting is one pass over the hits (facets.go): every
	// valBM and numBM entry has a facet value ordinal below nfv; documents and products
	// list theirs.
	nfv      uint32
	pf       []prodFacets // by product
	prodFV   []uint32
	aggPrice []uint32
	aggFV    []uint32
	docFV    []uint32
	specs    []uint32
	brands   []string
	brandOf  map[string]int32
	catAnc   [][]int32 // by category index: it and its ancestors, as catBM holds them

	skus     []skuRow // by document
	skuText  []byte
	units    []string
	unitOf   map[string]uint16
	dict     []dictEntry    // value texts a query may name, longest first
	dictAt   map[string]int // dict index by text
	synonyms map[string][]string
	vocab    map[string]int // segmented words → document frequency (products)
	rules    Rules
	built    time.Time
	appended int // documents added since the build, out of score order
	removed  int // products taken out since the build: until then every document is live

	pyOnce   sync.Once
	byPinyin map[string]string

	// values interns SKU spec values: a million SKUs share a few thousand distinct
	// values, so documents hold indexes rather than copies.
	values   []catalog.Value
	valueIdx map[string]uint32
}

// intern returns the index of v in the value table, adding it when new.
func (s *snapshot) intern(v catalog.Value) uint32 {
	key := v.Code + "\x00" + v.Text + "\x00" + v.Unit
	if v.Num != nil {
		key += "\x00" + strconv.FormatFloat(*v.Num, 'g', -1, 64)
	}
	if v.Max != nil {
		key += "\x00" + strconv.FormatFloat(*v.Max, 'g', -1, 64)
	}
	if i, ok := s.valueIdx[key]; ok {
		return i
	}
	if s.valueIdx == nil {
		s.valueIdx = map[string]uint32{}
	}
	i := uint32(len(s.values))
	s.values = append(s.values, v)
	s.valueIdx[key] = i
	return i
}

// skuRow packs an SKU for s.skus.
func (s *snapshot) skuRow(sk *SKU) skuRow {
	id, code := sk.ID, sk.Code
	id, code = id[:min(len(id), math.MaxUint16)], code[:min(len(code), math.MaxUint16)]
	r := skuRow{text: uint32(len(s.skuText)), idLen: uint16(len(id)), codeN: uint16(len(code)), moq: sk.MOQ, stock: sk.Stock}
	s.skuText = append(append(s.skuText, id...), code...)
	u, ok := s.unitOf[sk.Unit]
	if !ok {
		u = uint16(len(s.units))
		s.units = append(s.units, sk.Unit)
		s.unitOf[sk.Unit] = u
	}
	r.unit = u
	return r
}

// sku returns document d's SKU ID, code and unit.
func (s *snapshot) sku(d uint32) (id, code, unit string) {
	r := &s.skus[d]
	t := s.skuText[r.text:]
	return string(t[:r.idLen]), string(t[r.idLen : int(r.idLen)+int(r.codeN)]), s.units[r.unit]
}

// spec returns a document's spec values.
func (s *snapshot) spec(d uint32) []catalog.Value {
	dc := &s.docs[d]
	ids := s.specs[dc.spec : dc.spec+uint32(dc.nspec)]
	out := make([]catalog.Value, len(ids))
	for i, x := range ids {
		out[i] = s.values[x]
	}
	return out
}

// addDocs adds the documents [lo, hi) to a facet or filter bitmap: while building, one
// by one (appending to array and bitset containers), after it as a range.
func (s *snapshot) addDocs(b *roaring.Bitmap, lo, hi uint32) {
	if !s.building || hi-lo == 1 {
		if hi-lo == 1 {
			b.Add(lo)
		} else {
			b.AddRange(uint64(lo), uint64(hi))
		}
		return
	}
	for d := lo; d < hi; d++ {
		b.Add(d)
	}
}

// dictEntry is a value text a query may contain, with the attributes that hold it.
type dictEntry struct {
	text  string // normalized
	codes []string
}

func newSnapshot() *snapshot {
	s := &snapshot{
		prodByID:  map[string]uint32{},
		live:      roaring.New(),
		postings:  newPostings(),
		catByID:   map[string]int{},
		catByCode: map[string]int{},
		catBM:     map[string]*roaring.Bitmap{},
		supByID:   map[string]uint32{},
		brandBM:   map[string]*roaring.Bitmap{},
		zhuBM:     roaring.New(),
		baoBM:     roaring.New(),
		stockBM:   roaring.New(),
		attrs:     map[string]*attrInfo{},
		templates: map[string][]string{},
		valBM:     map[string]map[string]*roaring.Bitmap{},
		valText:   map[string]map[string]string{},
		numBM:     map[string][]numVal{},
		hasAttr:   map[string]*roaring.Bitmap{},
		valID:     map[string]map[string]uint32{},
		brandOf:   map[string]int32{},
		unitOf:    map[string]uint16{},
		synonyms:  map[string][]string{},
		vocab:     map[string]int{},
	}
	for i := range s.levelBM {
		s.levelBM[i] = roaring.New()
	}
	return s
}

// priceBounds are the lower bounds of the price buckets (0.0001 yuan): 1-2-5 steps from
// ¥0.0001 up, so that price facets read as round figures.
var priceBounds = func() []int64 {
	var out []int64
	for m := int64(1); m <= 1e12; m *= 10 {
		out = append(out, m, 2*m, 5*m)
	}
	return out
}()

// priceBucket maps a unit price to its bucket.
func priceBucket(p int64) int {
	return max(sort.Search(len(priceBounds), func(i int) bool { return priceBounds[i] > p })-1, 0)
}

func bm(m map[string]*roaring.Bitmap, k string) *roaring.Bitmap {
	b := m[k]
	if b == nil {
		b = roaring.New()
		m[k] = b
	}
	return b
}

// score is a product's standing score under the rules.
func (r Rules) score(p *Product, s *Supplier) float64 {
	v := r.Sales * math.Log1p(float64(max(p.Sales, 0)))
	if s != nil {
		v += r.Level * float64(s.Level)
		if s.Bao {
			v += r.Bao
		}
		if s.Zhu {
			v += r.Zhu
		}
		if s.Boosted {
			v += r.Boost
		}
		if s.Penalised {
			v += r.Penalty
		}
	}
	for _, k := range p.SKUs {
		if k.Stock > 0 {
			v += r.InStock
			break
		}
	}
	if p.InCampaign {
		v += r.Campaign
	}
	return v
}

// setCatalog loads the category tree and the filterable attributes.
func (s *snapshot) setCatalog(cats []catalog.Category, attrs []catalog.Attribute) {
	s.cats = cats
	for i, c := range cats {
		s.catByID[c.ID] = i
		s.catByCode[c.Code] = i
	}
	byCat := map[string][]catalog.Attribute{}
	for _, a := range attrs {
		if !a.Filterable {
			continue
		}
		byCat[a.CategoryID] = append(byCat[a.CategoryID], a)
		if _, ok := s.attrs[a.Code]; !ok {
			ai := &attrInfo{code: a.Code, nameZH: a.NameZH, nameEN: a.NameEN, kind: a.Kind, unit: a.Unit, sort: a.Sort, factor: 1}
			if u, ok := unitOf(a.Unit); ok {
				ai.dim, ai.factor = u.dim, u.factor
			}
			s.attrs[a.Code] = ai
		}
	}
	// A category's template is its ancestors' attributes, then its own.
	for _, c := range cats {
		var codes []string
		seen := map[string]bool{}
		for _, code := range strings.Split(strings.Trim(c.Path, "/"), "/") {
			i, ok := s.catByCode[code]
			if !ok {
				continue
			}
			as := byCat[cats[i].ID]
			sort.SliceStable(as, func(x, y int) bool { return as[x].Sort < as[y].Sort })
			for _, a := range as {
				if !seen[a.Code] {
					seen[a.Code] = true
					codes = append(codes, a.Code)
				}
			}
		}
		s.templates[c.ID] = codes
	}
	s.catAnc = make([][]int32, len(cats))
	for i, c := range cats {
		var anc []int32
		for _, id := range s.ancestors(c.ID) {
			if j := int32(s.catByID[id]); !slices.Contains(anc, j) {
				anc = append(anc, j)
			}
		}
		s.catAnc[i] = anc
	}
}

// ancestors returns the IDs of a category and every category above it.
func (s *snapshot) ancestors(catID string) []string {
	i, ok := s.catByID[catID]
	if !ok {
		return nil
	}
	var out []string
	for _, code := range strings.Split(strings.Trim(s.cats[i].Path, "/"), "/") {
		if j, ok := s.catByCode[code]; ok {
			out = append(out, s.cats[j].ID)
		}
	}
	return out
}

// setSuppliers loads supplier standing.
func (s *snapshot) setSuppliers(sups []Supplier) {
	for _, sp := range sups {
		s.addSupplier(sp)
	}
}

func (s *snapshot) addSupplier(sp Supplier) uint32 {
	if i, ok := s.supByID[sp.ID]; ok {
		s.suppliers[i] = sp
		return i
	}
	i := uint32(len(s.suppliers))
	s.suppliers = append(s.suppliers, sp)
	s.supBM = append(s.supBM, roaring.New())
	s.supByID[sp.ID] = i
	return i
}

// add appends a product's SKUs as documents, at the end of the index.
func (s *snapshot) add(seg *Segmenter, p *Product) {
	if len(p.SKUs) == 0 {
		return
	}
	si, ok := s.supByID[p.SupplierID]
	if !ok {
		return // the supplier's store is not live
	}
	sup := &s.suppliers[si]
	pi := uint32(len(s.prods))
	pr := &prod{Product: *p, supplier: si, score: s.rules.score(p, sup)}
	pr.Attrs, pr.Name, pr.Model = nil, "", "" // indexed below; results do not show them
	s.prods = append(s.prods, pr)
	s.prodByID[p.ID] = pi
	pf := prodFacets{cat: -1, brand: -1, sup: si, level: -1, zhu: sup.Zhu, bao: sup.Bao}
	if i, ok := s.catByID[p.CategoryID]; ok {
		pf.cat = int32(i)
	}
	if p.BrandName != "" {
		b, ok := s.brandOf[p.BrandName]
		if !ok {
			b = int32(len(s.brands))
			s.brands = append(s.brands, p.BrandName)
			s.brandOf[p.BrandName] = b
		}
		pf.brand = b
	}
	if sup.Level >= 0 && sup.Level < len(s.levelBM) {
		pf.level = int8(sup.Level)
	}
	first := uint32(len(s.docs))
	for k := range p.SKUs {
		sk := &p.SKUs[k]
		b := priceBucket(sk.Price)
		s.docs = append(s.docs, doc{prod: pi, sku: int32(k), price: sk.Price, bucket: uint8(b), stock: sk.Stock > 0})
		pr.docs = append(pr.docs, first+uint32(k))
		s.skus = append(s.skus, s.skuRow(sk))
	}
	end := uint64(first) + uint64(len(p.SKUs))
	addRange := func(b *roaring.Bitmap) { s.addDocs(b, first, uint32(end)) }

	// Product-wide text: title, name, model, brand, category names, common values.
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			s.addPosting(t, first, uint32(end))
			if strings.HasPrefix(t, wordPrefix) {
				s.vocab[t[len(wordPrefix):]]++
			}
		}
	}
	var text strings.Builder
	text.WriteString(p.Title)
	for _, f := range []string{p.Name, p.Model, p.BrandName} {
		text.WriteByte(' ')
		text.WriteString(f)
	}
	for _, id := range s.ancestors(p.CategoryID) {
		c := s.cats[s.catByID[id]]
		text.WriteByte(' ')
		text.WriteString(c.NameZH)
		text.WriteByte(' ')
		text.WriteString(c.NameEN)
		addRange(bm(s.catBM, id))
	}
	pf.fv = uint32(len(s.prodFV))
	for _, v := range p.Attrs {
		text.WriteByte(' ')
		text.WriteString(v.Text)
		if id, ok := s.indexValue(v, first, end); ok && !slices.Contains(s.prodFV[pf.fv:], id) {
			s.prodFV = append(s.prodFV, id)
		}
	}
	pf.nfv = uint32(len(s.prodFV)) - pf.fv
	s.pf = append(s.pf, pf)
	docTokens(seg, Normalize(text.String()), add)

	addRange(s.supBM[si])
	if p.BrandName != "" {
		addRange(bm(s.brandBM, p.BrandName))
	}
	if sup.Level >= 0 && sup.Level < len(s.levelBM) {
		addRange(s.levelBM[sup.Level])
	}
	if sup.Zhu {
		addRange(s.zhuBM)
	}
	if sup.Bao {
		addRange(s.baoBM)
	}
	addRange(s.live)

	// Per SKU: its code and sales-attribute values.
	for k := range p.SKUs {
		sk := &p.SKUs[k]
		d := first + uint32(k)
		local := map[string]bool{}
		one := func(t string) {
			if !seen[t] && !local[t] {
				local[t] = true
				s.addPosting(t, d, d+1)
			}
		}
		var st strings.Builder
		st.WriteString(sk.Code)
		dc := &s.docs[d]
		dc.spec, dc.nspec = uint32(len(s.specs)), uint16(len(sk.Spec))
		dc.fv = uint32(len(s.docFV))
		own := s.prodFV[pf.fv : pf.fv+pf.nfv]
		for _, v := range sk.Spec {
			st.WriteByte(' ')
			st.WriteString(v.Text)
			if id, ok := s.indexValue(v, uint32(d), uint64(d)+1); ok && !slices.Contains(own, id) && !slices.Contains(s.docFV[dc.fv:], id) {
				s.docFV = append(s.docFV, id)
			}
			s.specs = append(s.specs, s.intern(v))
		}
		dc.nfv = uint16(uint32(len(s.docFV)) - dc.fv)
		sk.Spec = nil // held once, in the value table
		docTokens(seg, Normalize(st.String()), one)
		if sk.Stock > 0 {
			s.stockBM.Add(d)
		}
		b := int(dc.bucket)
		for len(s.priceBM) <= b {
			s.priceBM = append(s.priceBM, roaring.New())
		}
		s.priceBM[b].Add(d)
	}
	pr.SKUs = nil // held in s.skus
	s.aggregate(pi, first, uint32(end))
}

// aggregate adds up the per-document facets of product pi's documents [first, end).
func (s *snapshot) aggregate(pi, first, end uint32) {
	pf := &s.pf[pi]
	pf.ndocs = end - first
	pf.price, pf.dfv = uint32(len(s.aggPrice)), uint32(len(s.aggFV))
	add := func(xs []uint32, from int, id uint32) []uint32 {
		for i := from; i < len(xs); i += 2 {
			if xs[i] == id {
				xs[i+1]++
				return xs
			}
		}
		return append(xs, id, 1)
	}
	for d := first; d < end; d++ {
		dc := &s.docs[d]
		if dc.stock {
			pf.stock++
		}
		s.aggPrice = add(s.aggPrice, int(pf.price), uint32(dc.bucket))
		for _, id := range s.docFV[dc.fv : dc.fv+uint32(dc.nfv)] {
			s.aggFV = add(s.aggFV, int(pf.dfv), id)
		}
	}
	pf.nprice = ((uint32(len(s.aggPrice)) - pf.price) / 2)
	pf.ndfv = ((uint32(len(s.aggFV)) - pf.dfv) / 2)
}

// indexValue records a parameter value of documents [first, end) for facets and
// filters, and returns its facet value ordinal (false when it is not indexed).
func (s *snapshot) indexValue(v catalog.Value, first uint32, end uint64) (uint32, bool) {
	ai := s.attrs[v.Code]
	if ai == nil {
		return 0, false
	}
	switch ai.kind {
	case catalog.Number:
		if v.Num == nil {
			return 0, false
		}
		n := *v.Num
		if v.Unit != "" && v.Unit != ai.unit {
			if c, ok := convert(n, v.Unit, ai.unit); ok {
				n = c
			}
		}
		vals := s.numBM[v.Code]
		i := sort.Search(len(vals), func(i int) bool { return vals[i].v >= n })
		if i == len(vals) || vals[i].v != n {
			vals = slices.Insert(vals, i, numVal{v: n, bm: roaring.New(), id: s.nfv})
			s.nfv++
			s.numBM[v.Code] = vals
		}
		s.addDocs(vals[i].bm, first, uint32(end))
		s.addDocs(bm(s.hasAttr, v.Code), first, uint32(end))
		return vals[i].id, true
	case catalog.Range:
		// Ranges filter by overlap at query time; their text still facets.
		fallthrough
	default:
		t := strings.TrimSpace(v.Text)
		if t == "" {
			return 0, false
		}
		m := s.valBM[v.Code]
		if m == nil {
			m = map[string]*roaring.Bitmap{}
			s.valBM[v.Code] = m
			s.valText[v.Code] = map[string]string{}
			s.valID[v.Code] = map[string]uint32{}
		}
		id, ok := s.valID[v.Code][t]
		if !ok {
			id = s.nfv
			s.nfv++
			s.valID[v.Code][t] = id
		}
		s.addDocs(bm(m, t), first, uint32(end))
		s.addDocs(bm(s.hasAttr, v.Code), first, uint32(end))
		s.valText[v.Code][Normalize(t)] = t
		return id, true
	}
}

// remove takes a product's documents out of the live set.
func (s *snapshot) remove(productID string) {
	pi, ok := s.prodByID[productID]
	if !ok {
		return
	}
	pr := s.prods[pi]
	for _, d := range pr.docs {
		s.live.Remove(d)
	}
	pr.deleted = true
	s.removed++
	delete(s.prodByID, productID)
}

// finish builds the query dictionary and compacts the bitmaps.
func (s *snapshot) finish() {
	s.finishPostings()
	s.building = false
	s.buildDict()
	s.optimize()
}

// buildDict lists the value texts a query may name, longest first.
func (s *snapshot) buildDict() {
	seen := map[string]int{}
	s.dict = s.dict[:0]
	for code, m := range s.valText {
		ai := s.attrs[code]
		if ai == nil || ai.kind == catalog.Bool {
			continue
		}
		for norm := range m {
			if utf8.RuneCountInString(norm) < 2 {
				continue
			}
			if _, err := strconv.ParseFloat(norm, 64); err == nil && len(norm) < 4 {
				continue // a short bare number means nothing without its attribute
			}
			if i, ok := seen[norm]; ok {
				s.dict[i].codes = append(s.dict[i].codes, code)
				continue
			}
			seen[norm] = len(s.dict)
			s.dict = append(s.dict, dictEntry{text: norm, codes: []string{code}})
		}
	}
	sort.Slice(s.dict, func(i, j int) bool {
		if a, b := len(s.dict[i].text), len(s.dict[j].text); a != b {
			return a > b
		}
		return s.dict[i].text < s.dict[j].text
	})
	s.dictAt = make(map[string]int, len(s.dict))
	for i, e := range s.dict {
		s.dictAt[e.text] = i
	}
}

func (s *snapshot) optimize() {
	for _, b := range s.postings.bms {
		b.RunOptimize()
	}
	for _, b := range s.catBM {
		b.RunOptimize()
	}
	for _, b := range s.brandBM {
		b.RunOptimize()
	}
	for _, b := range s.supBM {
		b.RunOptimize()
	}
	for _, m := range s.valBM {
		for _, b := range m {
			b.RunOptimize()
		}
	}
	for _, vs := range s.numBM {
		for _, v := range vs {
			v.bm.RunOptimize()
		}
	}
	s.live.RunOptimize()
}

// setSynonyms loads the synonym groups: every member maps to the whole group.
func (s *snapshot) setSynonyms(groups [][]string) {
	for _, g := range groups {
		var norm []string
		for _, t := range g {
			if t = Normalize(t); t != "" && !slices.Contains(norm, t) {
				norm = append(norm, t)
			}
		}
		for _, t := range norm {
			for _, u := range norm {
				if !slices.Contains(s.synonyms[t], u) {
					s.synonyms[t] = append(s.synonyms[t], u)
				}
			}
		}
	}
}

// build reads the whole catalogue from src into a new snapshot, products ordered by
// their standing score so that, within a relevance tier, document order is rank order.
func build(ctx context.Context, src Source, seg *Segmenter) (*snapshot, error) {
	s := newSnapshot()
	cats, err := src.Categories(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: build: categories: %w", err)
	}
	attrs, err := src.Attributes(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: build: attributes: %w", err)
	}
	s.setCatalog(cats, attrs)
	sups, err := src.Suppliers(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: build: suppliers: %w", err)
	}
	s.setSuppliers(sups)
	if s.rules, err = src.Rules(ctx); err != nil {
		return nil, fmt.Errorf("search: build: rules: %w", err)
	}
	syn, err := src.Synonyms(ctx)
	if err != nil {
		return nil, fmt.Errorf("search: build: synonyms: %w", err)
	}
	s.setSynonyms(DefaultSynonyms)
	s.setSynonyms(syn)

	type scored struct {
		p     *Product
		score float64
	}
	var all []scored
	err = src.Products(ctx, "", "", func(p *Product) error {
		var sp *Supplier
		if i, ok := s.supByID[p.SupplierID]; ok {
			sp = &s.suppliers[i]
		}
		all = append(all, scored{p, s.rules.score(p, sp)})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: build: products: %w", err)
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].p.Created.After(all[j].p.Created)
	})
	s.building, s.more = true, map[uint32][]uint32{}
	for i := range all {
		s.add(seg, all[i].p)
		all[i].p = nil
	}
	s.finish()
	s.built = time.Now()
	return s, nil
}
