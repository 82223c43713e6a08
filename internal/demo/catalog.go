// The demo catalogue: a real industrial category tree with attribute templates,
// fictional brands, and products whose SKUs follow real standard tables (GB/T 5782
// bolts, GB/T 276 bearings, DN pipe sizes, DIN 338 drills…), so that parametric search,
// tiers and MOQs can be shown and measured on realistic data.

package demo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/store"
)

// DefaultSKUs is the catalogue size when CatalogOptions.SKUs is zero.
const DefaultSKUs = 20000

// CatalogOptions sizes the generated catalogue.
type CatalogOptions struct {
	SKUs        int      // total SKUs to generate (default 20,000; must work from 1,000 to 1,000,000+)
	Seed        int64    // same seed, same catalogue
	SupplierIDs []string // existing supplier org IDs (orgs table, kind 'supplier') to spread products over
	// Specialities, when set, gives each supplier (by index) the product group it makes
	// (see SpecialityOf); -1 leaves it to chance.
	Specialities []int
}

// CatalogStats counts what GenerateCatalog wrote.
type CatalogStats struct{ Categories, Attributes, Brands, Products, SKUs int }

// maxSKUsPerProduct bounds a product's variants; real listings rarely carry more.
const maxSKUsPerProduct = 40

// Transactions commit every batchProducts products or batchSKUs SKUs, whichever comes
// first: large enough that commits cost nothing, small enough that memory stays flat.
const (
	batchProducts = 1000
	batchSKUs     = 10000
)

// refDate anchors every generated time: products were listed over the two years before
// it. A fixed date keeps the catalogue identical from run to run.
var refDate = time.Date(2026, 11, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))

// GenerateCatalog writes the category tree, attribute templates, brands, and then
// products with exactly opt.SKUs SKUs, spread over opt.SupplierIDs. The same seed and
// suppliers give the same catalogue, IDs included. It expects a catalogue without the
// demo categories (their codes are unique) and commits in batches, so a failure part way
// leaves the batches before it in place; when ctx already carries a transaction,
// everything joins it instead. Generation runs one batch ahead of the database writes,
// on its own goroutine.
func GenerateCatalog(ctx context.Context, d *db.DB, st *store.Store, opt CatalogOptions) (CatalogStats, error) {
	var stats CatalogStats
	if opt.SKUs == 0 {
		opt.SKUs = DefaultSKUs
	}
	if opt.SKUs < 0 {
		return stats, fmt.Errorf("demo: catalog: negative SKU count %d", opt.SKUs)
	}
	if len(opt.SupplierIDs) == 0 {
		return stats, errors.New("demo: catalog: at least one supplier is needed")
	}
	g := newGen(opt)
	err := d.WithTx(ctx, func(ctx context.Context) error {
		stats = CatalogStats{}
		return g.writeBase(ctx, st, &stats)
	})
	if err != nil {
		return stats, fmt.Errorf("demo: catalog: %w", err)
	}

	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []item, 1)
	var genErr error // set before batches closes
	go func() {
		defer close(batches)
		defer func() {
			if p := recover(); p != nil {
				genErr = fmt.Errorf("demo: catalog: generator: %v", p)
			}
		}()
		for g.left > 0 {
			b := g.batch()
			select {
			case batches <- b:
			case <-gctx.Done():
				return
			}
		}
	}()
	for b := range batches {
		err := d.WithTx(ctx, func(ctx context.Context) error {
			bl, err := st.NewBulkProducts(ctx)
			if err != nil {
				return err
			}
			for i := range b {
				if err := bl.Add(&b[i].p, b[i].skus); err != nil {
					_ = bl.Close()
					return err
				}
			}
			return bl.Close()
		})
		if err != nil {
			cancel()
			for range batches {
			}
			return stats, fmt.Errorf("demo: catalog: %w", err)
		}
		stats.Products += len(b)
		for i := range b {
			stats.SKUs += len(b[i].skus)
		}
	}
	if genErr != nil {
		return stats, genErr
	}
	return stats, ctx.Err()
}

// item is one generated product with its SKUs.
type item struct {
	p    catalog.Product
	skus []*catalog.SKU
}

// gen holds the generator's state. Only the generating goroutine touches it.
type gen struct {
	r    *rand.Rand // content
	idr  *rand.Rand // random bits of IDs, a separate stream so content never depends on IDs
	idMs int64      // timestamp of the next ID, one millisecond apart

	tree    []*catDef
	fams    []*family
	famCum  []int
	brands  []*brandDef
	byGrp   [nGroups][]*brandDef
	general []*brandDef
	sups    []*supplier
	supGrp  [nGroups]weighted

	seq  int // products generated so far
	left int // SKUs still to generate
}

// supplier is how the generator sees a supplier org: what it sells and how it prices.
type supplier struct {
	id     string
	groups [nGroups]bool
	level  float64            // price level, ±10 %
	house  [nGroups]*brandDef // the brand it mostly carries, per group
	size   float64            // selection weight: a few suppliers list most products
}

// weighted picks indexes with cumulative weights.
type weighted struct {
	idx []int
	cum []float64
}

func (w *weighted) add(i int, weight float64) {
	total := weight
	if n := len(w.cum); n > 0 {
		total += w.cum[n-1]
	}
	w.idx = append(w.idx, i)
	w.cum = append(w.cum, total)
}

func (w *weighted) pick(r *rand.Rand) int {
	x := r.Float64() * w.cum[len(w.cum)-1]
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if w.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return w.idx[lo]
}

func newGen(opt CatalogOptions) *gen {
	seed := uint64(opt.Seed)
	g := &gen{
		r:    rand.New(rand.NewPCG(seed, 0x7a68756368616f31)), // "zhuchao1"
		idr:  rand.New(rand.NewPCG(seed, 0x7a68756368616f32)),
		idMs: refDate.AddDate(-2, 0, 0).UnixMilli(),
		left: opt.SKUs,
	}
	g.tree = categoryTree()
	var walk func(c *catDef)
	walk = func(c *catDef) {
		if c.fam != nil {
			c.fam.leaf = c
			g.fams = append(g.fams, c.fam)
			total := c.fam.weight
			if n := len(g.famCum); n > 0 {
				total += g.famCum[n-1]
			}
			g.famCum = append(g.famCum, total)
		}
		for _, k := range c.kids {
			walk(k)
		}
	}
	for _, c := range g.tree {
		walk(c)
	}
	g.brands = brandTable()
	for _, b := range g.brands {
		if b.group < 0 {
			g.general = append(g.general, b)
			continue
		}
		g.byGrp[b.group] = append(g.byGrp[b.group], b)
	}

	// Suppliers: a shuffled order gives each a Zipf-like size, one or two specialities
	// (a few sell everything), a price level and a house brand per group.
	n := len(opt.SupplierIDs)
	order := g.r.Perm(n)
	for i, id := range opt.SupplierIDs {
		rank := order[i]
		s := &supplier{
			id:    id,
			level: 0.92 + 0.18*g.r.Float64(),
			size:  1 / math.Pow(float64(rank+1), 0.6),
		}
		switch x := g.r.Float64(); {
		case i < len(opt.Specialities) && opt.Specialities[i] >= 0 && opt.Specialities[i] < nGroups:
			s.groups[opt.Specialities[i]] = true
		case x < 0.12:
			for k := range s.groups {
				s.groups[k] = true
			}
		default:
			s.groups[(rank+i)%nGroups] = true
			if x < 0.55 {
				s.groups[g.r.IntN(nGroups)] = true
			}
		}
		for k := range s.house {
			if list := g.byGrp[k]; len(list) > 0 {
				s.house[k] = list[g.r.IntN(len(list))]
			}
		}
		g.sups = append(g.sups, s)
	}
	for k := 0; k < nGroups; k++ {
		for i, s := range g.sups {
			if s.groups[k] {
				g.supGrp[k].add(i, s.size)
			}
		}
		if len(g.supGrp[k].idx) == 0 { // nobody specialises in it: everybody may sell it
			for i, s := range g.sups {
				g.supGrp[k].add(i, s.size)
			}
		}
	}
	return g
}

// newID returns a UUIDv7 whose timestamp counts up from two years before refDate and
// whose random bits come from the seed: deterministic, and still appended at the end
// of every index as NewID's are.
func (g *gen) newID() string {
	ms := g.idMs
	g.idMs++
	a, b := g.idr.Uint64(), g.idr.Uint64()
	var u [16]byte
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | byte(a>>8)&0x0f
	u[7] = byte(a)
	u[8] = 0x80 | byte(b>>56)&0x3f
	for i := 9; i < 16; i++ {
		u[i] = byte(b >> (8 * (15 - i)))
	}
	var out [36]byte
	j := 0
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexDigits[c>>4], hexDigits[c&0xf]
		j += 2
	}
	return string(out[:])
}

const hexDigits = "0123456789abcdef"

// writeBase writes the tree, the templates and the brands.
func (g *gen) writeBase(ctx context.Context, st *store.Store, stats *CatalogStats) error {
	base := refDate.AddDate(-2, 0, -30)
	var write func(c *catDef, parent *catDef, depth, sort int) error
	write = func(c *catDef, parent *catDef, depth, sort int) error {
		if c.id == "" {
			c.id = g.newID()
		}
		cat := &catalog.Category{ID: c.id, Code: c.code, NameZH: c.zh, NameEN: c.en, Depth: depth, Sort: sort, Status: "active", CreatedAt: base}
		if parent != nil {
			cat.ParentID = parent.id
			c.path = parent.path + c.code + "/"
		} else {
			c.path = "/" + c.code + "/"
		}
		cat.Path = c.path
		if err := st.AddCategory(ctx, cat); err != nil {
			return err
		}
		stats.Categories++
		for i := range c.attrs {
			a := &c.attrs[i]
			if a.id == "" {
				a.id = g.newID()
			}
			err := st.AddAttribute(ctx, &catalog.Attribute{
				ID: a.id, CategoryID: c.id, Code: a.code, NameZH: a.zh, NameEN: a.en, Kind: a.kind, Unit: a.unit,
				Options: a.opts, Required: a.flags&req != 0, Filterable: a.flags&filt != 0, Sales: a.flags&sales != 0, Sort: i,
			})
			if err != nil {
				return err
			}
			stats.Attributes++
		}
		for i, k := range c.kids {
			if err := write(k, c, depth+1, i); err != nil {
				return err
			}
		}
		return nil
	}
	for i, c := range g.tree {
		if err := write(c, nil, 0, i); err != nil {
			return err
		}
	}
	for _, b := range g.brands {
		if b.id == "" {
			b.id = g.newID()
		}
		if err := st.AddBrand(ctx, &catalog.Brand{ID: b.id, Name: b.name, NameEN: b.en, Origin: b.origin, CreatedAt: base}); err != nil {
			return err
		}
		stats.Brands++
	}
	return nil
}

// batch generates the next transaction's worth of products.
func (g *gen) batch() []item {
	var out []item
	skus := 0
	for g.left > 0 && len(out) < batchProducts && skus < batchSKUs {
		it := g.product()
		skus += len(it.skus)
		out = append(out, it)
	}
	return out
}

// draft is what a family fills in for one product; product turns it into rows.
type draft struct {
	brand *brandDef
	hot   string   // 热搜词: a standard or the term buyers type
	name  string   // 产品名称
	words []string // 属性词
	tail  string   // closing words of the title
	model string
	attrs []catalog.Value
	desc  string // what the product is, in a sentence or three
	vars  []variant
	sale  sale
}

// variant is one SKU before pricing. Prices, weights and volumes are per piece; sale.per
// (or variant.per) converts to the unit sold.
type variant struct {
	spec  []catalog.Value
	code  string
	price float64 // yuan per piece, before brand, supplier and unit factors
	grams float64 // per piece
	cm3   float64 // packed volume per piece; 0 takes grams over the group's packDensity
	per   int64   // pieces per sold unit, when it differs from sale.per (boxes by size)
}

// packDensity is how many grams a cubic centimetre of each group's goods weighs as
// packed and shipped (goods, air and carton): the volume of a variant whose builder
// knows no dimensions. Loose steel parts pack dense; gloves and helmets are mostly air.
var packDensity = [nGroups]float64{
	gFasteners:  3.5,
	gBearings:   2.0,
	gValves:     1.5,
	gPPE:        0.1,
	gTools:      1.5,
	gElectrical: 0.4,
	gPneumatic:  0.6,
}

// sale says how a product is sold: unit, packing, MOQ, multiples and quantity breaks.
type sale struct {
	unit    string
	per     int64   // pieces per unit
	moq     int64   // 起批量, a multiple of mult
	mult    int64   // order in multiples of this
	breaks  []int64 // MinQty of the further tiers, ascending, multiples of mult
	factor  float64 // price factor of this way of selling (retail dearer, 千件 cheaper)
	stockLo int64   // stock range in units
	stockHi int64
}

// product generates the next product; the last one may be cut short to land exactly
// on the requested SKU count.
func (g *gen) product() item {
	r := g.r
	f := g.fams[g.pickFamily()]
	s := g.sups[g.supGrp[f.group].pick(r)]
	b := g.pickBrand(f.group, s)
	d := &draft{brand: b}
	f.build(g, d)
	if d.sale.per == 0 {
		d.sale.per = 1
	}
	if d.sale.factor == 0 {
		d.sale.factor = 1
	}
	n := min(len(d.vars), maxSKUsPerProduct, g.left)
	d.vars = d.vars[:n]
	g.left -= n
	g.seq++

	created := g.createdAt()
	updated := created
	if r.IntN(2) == 0 {
		updated = created + int64(r.Float64()*float64(refDate.UnixMilli()-created))
	}
	status := catalog.StatusOnSale
	if r.IntN(100) < 3 {
		status = catalog.StatusOffSale
	}
	p := catalog.Product{
		ID:          g.newID(),
		SupplierID:  s.id,
		CategoryID:  f.leaf.id,
		BrandID:     b.id,
		Title:       d.title(),
		Name:        d.name,
		Model:       d.model,
		Status:      status,
		Attrs:       append(d.attrs, vText("origin", b.origin)),
		Description: g.description(d),
		SalesCount:  g.salesCount(b),
		CreatedAt:   time.UnixMilli(created).In(refDate.Location()),
		UpdatedAt:   time.UnixMilli(updated).In(refDate.Location()),
	}

	// Prices: one level per product (brand, supplier, a little noise), tiers with the
	// same discounts across its SKUs.
	level := b.level * s.level * d.sale.factor * (0.96 + 0.08*r.Float64())
	ntiers := 3
	switch x := r.IntN(10); {
	case x == 0:
		ntiers = 1
	case x < 4:
		ntiers = 2
	}
	ntiers = min(ntiers, 1+len(d.sale.breaks))
	d1 := 0.04 + 0.08*r.Float64()
	d2 := d1 + 0.03 + 0.08*r.Float64()
	prefix := make([]byte, 0, 16)
	prefix = append(prefix, f.prefix...)
	prefix = strconv.AppendInt(prefix, int64(g.seq), 10)
	prefix = append(prefix, '-')

	skus := make([]*catalog.SKU, n)
	all := make([]catalog.SKU, n)
	for i := range d.vars {
		v := &d.vars[i]
		per := d.sale.per
		if v.per > 0 {
			per = v.per
		}
		k := &all[i]
		k.ID = g.newID()
		k.SupplierID = s.id
		k.ProductID = p.ID
		k.Code = string(append(prefix, v.code...))
		k.Spec = v.spec
		k.Unit = d.sale.unit
		k.MOQ, k.Multiple = d.sale.moq, d.sale.mult
		p0 := roundPrice(v.price * float64(per) * level * (0.985 + 0.03*r.Float64()))
		k.Tiers = append(make([]catalog.Tier, 0, ntiers), catalog.Tier{MinQty: k.MOQ, UnitPrice: p0})
		prev := p0
		for t := 1; t < ntiers; t++ {
			disc := d1
			if t == 2 {
				disc = d2
			}
			pt := roundDown(float64(p0) * (1 - disc))
			if pt >= prev {
				pt = prev - priceStep(prev)
			}
			if pt <= 0 {
				break
			}
			k.Tiers = append(k.Tiers, catalog.Tier{MinQty: d.sale.breaks[t-1], UnitPrice: pt})
			prev = pt
		}
		k.Price = p0
		k.WeightG = max(1, int64(math.Round(v.grams*float64(per))))
		cm3 := v.cm3
		if cm3 == 0 {
			cm3 = v.grams / packDensity[f.group]
		}
		k.VolumeCM3 = max(1, int64(math.Round(cm3*float64(per))))
		if r.IntN(100) >= 8 {
			lo, hi := math.Log(float64(max(1, d.sale.stockLo))), math.Log(float64(max(2, d.sale.stockHi)))
			st := int64(math.Exp(lo + (hi-lo)*r.Float64()))
			k.Stock = max(k.Multiple, st/k.Multiple*k.Multiple)
		}
		k.Status = "active"
		k.CreatedAt, k.UpdatedAt = p.CreatedAt, p.UpdatedAt
		skus[i] = k
	}
	return item{p: p, skus: skus}
}

func (g *gen) pickFamily() int {
	x := g.r.IntN(g.famCum[len(g.famCum)-1])
	for i, c := range g.famCum {
		if x < c {
			return i
		}
	}
	return len(g.famCum) - 1
}

// pickBrand: suppliers mostly list their house brand, sometimes another of the group or
// a general-purpose private label.
func (g *gen) pickBrand(group int, s *supplier) *brandDef {
	switch x := g.r.IntN(100); {
	case x < 55 && s.house[group] != nil:
		return s.house[group]
	case x < 90 || len(g.general) == 0:
		list := g.byGrp[group]
		return list[g.r.IntN(len(list))]
	default:
		return g.general[g.r.IntN(len(g.general))]
	}
}

// createdAt spreads listings over the two years before refDate, more of them recent,
// during working hours.
func (g *gen) createdAt() int64 {
	days := int(730 * math.Pow(g.r.Float64(), 1.3))
	t := refDate.AddDate(0, 0, -days-1)
	sec := 8*3600 + g.r.IntN(12*3600)
	return t.UnixMilli() + int64(sec)*1000 + int64(g.r.IntN(1000))
}

// salesCount is heavy-tailed: most products sell a little, a few are bestsellers.
func (g *gen) salesCount(b *brandDef) int64 {
	u := min(g.r.Float64(), 0.999)
	x := 10*math.Pow(1-u, -1.1) - 10
	return int64(x * b.pop)
}

// title follows 品牌 + 热搜词 + 属性词 + 产品名称 the way the operator's plan asks, with
// the name right after the hot term as buyers write it ("GB/T 5782 外六角螺栓").
func (d *draft) title() string {
	var sb strings.Builder
	sb.WriteString(d.brand.name)
	for _, w := range append(append([]string{d.hot, d.name}, d.words...), d.tail) {
		if w != "" {
			sb.WriteByte(' ')
			sb.WriteString(w)
		}
	}
	return sb.String()
}

// description is the detail page's text: the product, the brand's story, the service.
func (g *gen) description(d *draft) string {
	b := d.brand
	var sb strings.Builder
	sb.WriteString(b.name)
	sb.WriteString(d.name)
	if d.model != "" {
		sb.WriteString("（型号 ")
		sb.WriteString(d.model)
		sb.WriteString("）")
	}
	sb.WriteString("：")
	sb.WriteString(d.desc)
	sb.WriteString("\n\n")
	sb.WriteString(b.story())
	sb.WriteString("\n\n")
	sb.WriteString(serviceTexts[g.r.IntN(len(serviceTexts))])
	return sb.String()
}

var serviceTexts = []string{
	"现货供应，工作日16:00前付款当天发货，顺丰、德邦可选。支持签收验货，质量问题7天内退换，运费由我方承担。可开具13%增值税专用发票。非标尺寸可来图定制，量大请询价。",
	"常规规格库存充足，48小时内发货。每批次附出厂检验报告与材质证明，支持第三方检测。平台担保交易，确认收货后结算。可开专票、普票及数电票。",
	"工厂直供，价格随原材料行情调整，以下单时为准。提供技术选型支持与安装指导；到货验收不合格可申请退换。大批量采购可签订年度框架协议并享受账期。",
	"本店承诺正品保障、假一赔十。支持对公转账与账期结算，开具增值税专用发票。下单前请核对规格参数，如需定制包装或贴标请联系客服。",
}

// roundPrice turns yuan into the stored unit, 0.0001 yuan: four decimals below ¥1,
// whole fen above, as price lists show them.
func roundPrice(yuan float64) int64 {
	u := yuan * 10000
	q := float64(priceStep(int64(u)))
	p := int64(math.Round(u/q)) * int64(q)
	return max(p, 1)
}

// roundDown is roundPrice rounding towards zero, for discounted tiers.
func roundDown(u float64) int64 {
	q := priceStep(int64(u))
	return int64(u) / q * q
}

// priceStep is the rounding quantum for a price in 0.0001 yuan.
func priceStep(p int64) int64 {
	if p < 10000 {
		return 1
	}
	return 100
}

// Value constructors. Text is what people read; numbers also carry Num in the unit.

func f64(x float64) *float64 { return &x }

// num formats a number without trailing zeros.
func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func vEnum(code, text string) catalog.Value { return catalog.Value{Code: code, Text: text} }

func vText(code, text string) catalog.Value { return catalog.Value{Code: code, Text: text} }

func vNum(code string, x float64, unit string) catalog.Value {
	return catalog.Value{Code: code, Text: num(x) + unit, Num: f64(x), Unit: unit}
}

// vNumT is a number whose readable text is not just number and unit ("M8", "DN25").
func vNumT(code, text string, x float64, unit string) catalog.Value {
	return catalog.Value{Code: code, Text: text, Num: f64(x), Unit: unit}
}

func vRange(code string, lo, hi float64, unit string) catalog.Value {
	return catalog.Value{Code: code, Text: num(lo) + "~" + num(hi) + unit, Num: f64(lo), Max: f64(hi), Unit: unit}
}

func vBool(code string, b bool) catalog.Value {
	if b {
		return catalog.Value{Code: code, Text: "是"}
	}
	return catalog.Value{Code: code, Text: "否"}
}

// attrText returns the text of the value with code, or "".
func attrText(vs []catalog.Value, code string) string {
	for _, v := range vs {
		if v.Code == code {
			return v.Text
		}
	}
	return ""
}

// Random helpers over the content stream.

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(opts ...string) string { return opts[g.r.IntN(len(opts))] }

// pickW picks an index by integer weights.
func (g *gen) pickW(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := g.r.IntN(total)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// window picks a contiguous run of length between lo and hi (clamped to n) from n items.
func (g *gen) window(n, lo, hi int) (start, end int) {
	hi = min(hi, n)
	lo = min(lo, hi)
	size := lo + g.r.IntN(hi-lo+1)
	start = g.r.IntN(n - size + 1)
	return start, start + size
}

// some picks k distinct items of opts, kept in their order.
func (g *gen) some(k int, opts []string) []string {
	k = min(k, len(opts))
	idx := g.r.Perm(len(opts))[:k]
	keep := make([]bool, len(opts))
	for _, i := range idx {
		keep[i] = true
	}
	out := make([]string, 0, k)
	for i, o := range opts {
		if keep[i] {
			out = append(out, o)
		}
	}
	return out
}
