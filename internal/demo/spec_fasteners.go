package demo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// thread is one metric coarse thread size with the dimensions the fastener standards
// give for it (mm).
type thread struct {
	m        string
	d, pitch float64
	s, k     float64 // hex head, GB/T 5782 / ISO 4014: width across flats, head height
	dk, key  float64 // socket head, GB/T 70.1 / ISO 4762: head diameter, hex key (head height = d)
	nutM     float64 // hex nut, GB/T 6170 / ISO 4032: height
	wd1, wd2 float64 // flat washer, GB/T 97.1 / ISO 7089: inner and outer diameter
	wh       float64 // flat washer thickness
	sd1, sb  float64 // spring washer, GB/T 93: inner diameter, section (s = b)
	l5782    [2]float64
	l5783    [2]float64
	l70      [2]float64
}

// threads lists M3–M36 with their real standard dimensions and length ranges.
var threads = []thread{
	{"M3", 3, 0.5, 5.5, 2, 5.5, 2.5, 2.4, 3.2, 7, 0.5, 3.1, 0.8, [2]float64{20, 30}, [2]float64{6, 30}, [2]float64{5, 30}},
	{"M4", 4, 0.7, 7, 2.8, 7, 3, 3.2, 4.3, 9, 0.8, 4.1, 1.1, [2]float64{25, 40}, [2]float64{8, 40}, [2]float64{6, 40}},
	{"M5", 5, 0.8, 8, 3.5, 8.5, 4, 4.7, 5.3, 10, 1, 5.1, 1.3, [2]float64{25, 50}, [2]float64{10, 50}, [2]float64{8, 50}},
	{"M6", 6, 1, 10, 4, 10, 5, 5.2, 6.4, 12, 1.6, 6.1, 1.6, [2]float64{30, 60}, [2]float64{12, 60}, [2]float64{10, 60}},
	{"M8", 8, 1.25, 13, 5.3, 13, 6, 6.8, 8.4, 16, 1.6, 8.1, 2.1, [2]float64{40, 80}, [2]float64{16, 80}, [2]float64{12, 80}},
	{"M10", 10, 1.5, 16, 6.4, 16, 8, 8.4, 10.5, 20, 2, 10.2, 2.6, [2]float64{45, 100}, [2]float64{20, 100}, [2]float64{16, 100}},
	{"M12", 12, 1.75, 18, 7.5, 18, 10, 10.8, 13, 24, 2.5, 12.2, 3.1, [2]float64{50, 120}, [2]float64{25, 120}, [2]float64{20, 120}},
	{"M14", 14, 2, 21, 8.8, 21, 12, 12.8, 15, 28, 2.5, 14.2, 3.6, [2]float64{60, 140}, [2]float64{30, 140}, [2]float64{25, 140}},
	{"M16", 16, 2, 24, 10, 24, 14, 14.8, 17, 30, 3, 16.2, 4.1, [2]float64{65, 160}, [2]float64{30, 160}, [2]float64{25, 160}},
	{"M20", 20, 2.5, 30, 12.5, 30, 17, 18, 21, 37, 3, 20.2, 5, [2]float64{80, 200}, [2]float64{40, 200}, [2]float64{30, 200}},
	{"M24", 24, 3, 36, 15, 36, 19, 21.5, 25, 44, 4, 24.5, 6, [2]float64{90, 240}, [2]float64{50, 200}, [2]float64{40, 200}},
	{"M30", 30, 3.5, 46, 18.7, 45, 22, 25.6, 31, 56, 4, 30.5, 7.5, [2]float64{110, 300}, [2]float64{60, 200}, [2]float64{45, 200}},
	{"M36", 36, 4, 55, 22.5, 54, 27, 31, 37, 66, 5, 36.5, 9, [2]float64{140, 360}, [2]float64{70, 200}, [2]float64{55, 200}},
}

// threadWeights: how often each size is listed (M6–M12 sell most).
var threadWeights = []int{3, 4, 6, 10, 12, 12, 10, 4, 8, 6, 4, 2, 1}

// nominalLengths is the preferred length series of ISO 4014/4017/4762 (mm).
var nominalLengths = []float64{5, 6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100,
	110, 120, 130, 140, 150, 160, 180, 200, 220, 240, 260, 280, 300, 320, 340, 360}

func lengthsIn(r [2]float64) []float64 {
	var out []float64
	for _, l := range nominalLengths {
		if l >= r[0] && l <= r[1] {
			out = append(out, l)
		}
	}
	return out
}

func threadNames() []string {
	out := make([]string, len(threads))
	for i, t := range threads {
		out[i] = t.m
	}
	return out
}

// fGrade is a property class with the material it is made of and that material's price.
type fGrade struct {
	text, code string
	material   string
	perKg      float64 // yuan per kg of finished parts
	finishes   []string
}

var finishes = []string{"本色", "发黑", "镀锌", "热镀锌", "达克罗"}

var finishInfo = map[string]struct {
	code   string
	factor float64
	words  string
}{
	"本色":  {"PL", 1.00, "本色（不做表面处理）"},
	"发黑":  {"BK", 1.00, "发黑（氧化）处理"},
	"镀锌":  {"ZN", 1.06, "电镀锌钝化处理，中性盐雾≥72小时"},
	"热镀锌": {"HDG", 1.25, "热浸镀锌处理，锌层≥40μm"},
	"达克罗": {"DC", 1.35, "达克罗（锌铬涂层）处理，中性盐雾≥500小时"},
}

var (
	boltGrades = []fGrade{
		{"4.8级", "48", "Q235碳钢", 7.5, []string{"镀锌", "热镀锌", "本色"}},
		{"8.8级", "88", "45#中碳钢", 8.5, []string{"镀锌", "发黑", "达克罗", "热镀锌"}},
		{"10.9级", "109", "35CrMo合金钢", 10.5, []string{"发黑", "镀锌", "达克罗"}},
		{"12.9级", "129", "SCM435合金钢", 12.5, []string{"发黑", "达克罗"}},
		{"A2-70", "A270", "不锈钢304", 36, []string{"本色"}},
		{"A4-80", "A480", "不锈钢316", 58, []string{"本色"}},
	}
	nutGrades = []fGrade{
		{"6级", "6", "Q235碳钢", 7.5, []string{"镀锌", "本色", "热镀锌"}},
		{"8级", "8", "45#中碳钢", 8.5, []string{"镀锌", "发黑", "达克罗"}},
		{"10级", "10", "35CrMo合金钢", 10.5, []string{"发黑", "镀锌"}},
		{"A2-70", "A270", "不锈钢304", 36, []string{"本色"}},
		{"A4-80", "A480", "不锈钢316", 58, []string{"本色"}},
	}
	washerGrades = []fGrade{
		{"200HV", "200", "Q235碳钢", 7.5, []string{"镀锌", "本色", "发黑", "达克罗"}},
		{"300HV", "300", "45#中碳钢（淬火）", 8.5, []string{"镀锌", "发黑"}},
		{"A2", "A2", "不锈钢304", 36, []string{"本色"}},
		{"A4", "A4", "不锈钢316", 58, []string{"本色"}},
	}
	springGrades = []fGrade{
		{"65Mn", "65", "65Mn弹簧钢", 9.5, []string{"发黑", "镀锌", "达克罗"}},
		{"A2", "A2", "不锈钢304", 38, []string{"本色"}},
		{"A4", "A4", "不锈钢316", 60, []string{"本色"}},
	}
)

func gradeTexts(gs []fGrade) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.text
	}
	return out
}

func gradeMaterials(gs ...[]fGrade) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range gs {
		for _, g := range list {
			if !seen[g.material] {
				seen[g.material] = true
				out = append(out, g.material)
			}
		}
	}
	return out
}

// fastenerKind describes one fastener family for the shared builder.
type fastenerKind struct {
	std, iso, year string // "GB/T 5782", "ISO 4014", "2016"
	name           string
	hot            string // 热搜词 next to the standard, "" for none
	grades         []fGrade
	gradeW         []int
	lengths        func(t *thread) []float64 // nil: no length
	grams          func(t *thread, l float64) float64
	envelope       func(t *thread, l float64) float64 // mm³ a piece takes in a box; nil: from grams
	base           float64                            // processing cost per piece (yuan) at M10
	dims           func(t *thread) []catalog.Value
	use            string
}

const steelGPerMM3 = 7.85e-3

func hexBoltGrams(t *thread, l float64) float64 {
	head := 0.866 * t.s * t.s * t.k
	shank := math.Pi / 4 * t.d * t.d * l * 0.93
	return (head + shank) * steelGPerMM3
}

func socketGrams(t *thread, l float64) float64 {
	head := math.Pi/4*t.dk*t.dk*t.d - 0.866*t.key*t.key*0.6*t.d
	shank := math.Pi / 4 * t.d * t.d * l * 0.93
	return (head + shank) * steelGPerMM3
}

// hexBoltEnvelope is the box around a hex bolt: across corners squared by its length
// with the head.
func hexBoltEnvelope(t *thread, l float64) float64 {
	e := t.s / 0.866
	return e * e * (t.k + l)
}

// socketEnvelope is the box around a socket head cap screw (head height = d).
func socketEnvelope(t *thread, l float64) float64 {
	return t.dk * t.dk * (t.d + l)
}

func hexBolts() *family {
	k := &fastenerKind{
		std: "GB/T 5782", iso: "ISO 4014", year: "2016", name: "外六角螺栓",
		grades: boltGrades, gradeW: []int{15, 40, 15, 3, 20, 7},
		grams: hexBoltGrams, envelope: hexBoltEnvelope, base: 0.006,
		dims: func(t *thread) []catalog.Value {
			return []catalog.Value{vNum("pitch", t.pitch, "mm"), vNum("s", t.s, "mm"), vNum("k", t.k, "mm")}
		},
		use: "适用于钢结构、机械设备、电力金具与汽车零部件的连接紧固",
	}
	return &family{group: gFasteners, weight: 10, prefix: "HB", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 5782", "GB/T 5783"),
		aEnum("thread_type", "螺纹类型", "Thread length", req|filt, "半牙", "全牙"),
		aEnum("material", "材质", "Material", req|filt, gradeMaterials(boltGrades)...),
		aEnum("grade", "性能等级", "Property class", req|filt|sales, gradeTexts(boltGrades)...),
		aEnum("finish", "表面处理", "Finish", req|filt|sales, finishes...),
		aEnum("thread", "螺纹规格", "Thread size", req|filt|sales, threadNames()...),
		aNum("length", "长度", "Length", "mm", req|filt|sales),
		aNum("pitch", "螺距", "Pitch", "mm", req|sales),
		aNum("s", "对边宽度", "Width across flats", "mm", req|sales),
		aNum("k", "头部厚度", "Head height", "mm", sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: func(g *gen, d *draft) {
		kk := *k
		full := g.chance(0.5)
		if full {
			kk.std, kk.iso = "GB/T 5783", "ISO 4017"
			kk.lengths = func(t *thread) []float64 { return lengthsIn(t.l5783) }
		} else {
			kk.lengths = func(t *thread) []float64 { return lengthsIn(t.l5782) }
		}
		buildFastener(g, d, &kk)
		tt := "半牙"
		if full {
			tt = "全牙"
		}
		d.attrs = append(d.attrs, vEnum("thread_type", tt))
		if g.chance(0.3) {
			d.tail = tt
		}
	}}
}

func socketScrews() *family {
	k := &fastenerKind{
		std: "GB/T 70.1", iso: "ISO 4762", year: "2008", name: "内六角圆柱头螺钉", hot: "杯头螺丝",
		grades: []fGrade{boltGrades[1], boltGrades[2], boltGrades[3], boltGrades[4], boltGrades[5]}, gradeW: []int{12, 18, 40, 22, 8},
		lengths: func(t *thread) []float64 { return lengthsIn(t.l70) },
		grams:   socketGrams, envelope: socketEnvelope, base: 0.012,
		dims: func(t *thread) []catalog.Value {
			return []catalog.Value{vNum("pitch", t.pitch, "mm"), vNum("dk", t.dk, "mm"), vNum("key", t.key, "mm")}
		},
		use: "适用于模具、机床、自动化设备与精密机械的装配紧固",
	}
	grades := gradeTexts(k.grades)
	return &family{group: gFasteners, weight: 9, prefix: "SC", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 70.1"),
		aEnum("material", "材质", "Material", req|filt, gradeMaterials(k.grades)...),
		aEnum("grade", "性能等级", "Property class", req|filt|sales, grades...),
		aEnum("finish", "表面处理", "Finish", req|filt|sales, finishes...),
		aEnum("thread", "螺纹规格", "Thread size", req|filt|sales, threadNames()...),
		aNum("length", "长度", "Length", "mm", req|filt|sales),
		aNum("pitch", "螺距", "Pitch", "mm", req|sales),
		aNum("dk", "头部直径", "Head diameter", "mm", req|sales),
		aNum("key", "内六角对边", "Hex key size", "mm", req|filt|sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: func(g *gen, d *draft) { buildFastener(g, d, k) }}
}

func hexNuts() *family {
	k := &fastenerKind{
		std: "GB/T 6170", iso: "ISO 4032", year: "2015", name: "六角螺母", hot: "",
		grades: nutGrades, gradeW: []int{15, 45, 12, 20, 8},
		grams: func(t *thread, _ float64) float64 {
			return (0.866*t.s*t.s - math.Pi/4*t.d*t.d) * t.nutM * steelGPerMM3
		},
		base: 0.003,
		dims: func(t *thread) []catalog.Value {
			return []catalog.Value{vNum("pitch", t.pitch, "mm"), vNum("s", t.s, "mm"), vNum("m", t.nutM, "mm")}
		},
		use: "与同等级外六角螺栓配套使用，适用于钢结构、机械设备与管道法兰连接",
	}
	return &family{group: gFasteners, weight: 6, prefix: "HN", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 6170"),
		aEnum("material", "材质", "Material", req|filt, gradeMaterials(nutGrades)...),
		aEnum("grade", "性能等级", "Property class", req|filt|sales, gradeTexts(nutGrades)...),
		aEnum("finish", "表面处理", "Finish", req|filt|sales, finishes...),
		aEnum("thread", "螺纹规格", "Thread size", req|filt|sales, threadNames()...),
		aNum("pitch", "螺距", "Pitch", "mm", req|sales),
		aNum("s", "对边宽度", "Width across flats", "mm", req|sales),
		aNum("m", "螺母高度", "Nut height", "mm", req|sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: func(g *gen, d *draft) { buildFastener(g, d, k) }}
}

func flatWashers() *family {
	k := &fastenerKind{
		std: "GB/T 97.1", iso: "ISO 7089", year: "2002", name: "平垫圈", hot: "平垫片",
		grades: washerGrades, gradeW: []int{45, 15, 30, 10},
		grams: func(t *thread, _ float64) float64 {
			return math.Pi / 4 * (t.wd2*t.wd2 - t.wd1*t.wd1) * t.wh * steelGPerMM3
		},
		base: 0.002,
		dims: func(t *thread) []catalog.Value {
			return []catalog.Value{vNum("d1", t.wd1, "mm"), vNum("d2", t.wd2, "mm"), vNum("h", t.wh, "mm")}
		},
		use: "垫于螺母或螺栓头下，增大支承面积、保护被连接件表面",
	}
	return &family{group: gFasteners, weight: 4, prefix: "FW", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 97.1"),
		aEnum("material", "材质", "Material", req|filt, gradeMaterials(washerGrades)...),
		aEnum("grade", "硬度等级", "Hardness class", req|filt|sales, gradeTexts(washerGrades)...),
		aEnum("finish", "表面处理", "Finish", req|filt|sales, finishes...),
		aEnum("thread", "适配螺纹", "For thread", req|filt|sales, threadNames()...),
		aNum("d1", "内径", "Inner diameter", "mm", req|filt|sales),
		aNum("d2", "外径", "Outer diameter", "mm", req|filt|sales),
		aNum("h", "厚度", "Thickness", "mm", req|sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: func(g *gen, d *draft) { buildFastener(g, d, k) }}
}

func springWashers() *family {
	k := &fastenerKind{
		std: "GB/T 93", iso: "", year: "1987", name: "弹簧垫圈", hot: "弹垫",
		grades: springGrades, gradeW: []int{60, 30, 10},
		grams: func(t *thread, _ float64) float64 {
			return math.Pi * (t.sd1 + t.sb) * t.sb * t.sb * steelGPerMM3
		},
		base: 0.002,
		dims: func(t *thread) []catalog.Value {
			return []catalog.Value{vNum("d1", t.sd1, "mm"), vNum("sb", t.sb, "mm")}
		},
		use: "利用弹性防止螺母松动，适用于振动工况下的螺纹连接",
	}
	return &family{group: gFasteners, weight: 3, prefix: "SW", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 93"),
		aEnum("material", "材质", "Material", req|filt, gradeMaterials(springGrades)...),
		aRange("hardness", "硬度", "Hardness", "HRC", filt),
		aEnum("grade", "材质代号", "Material grade", req|filt|sales, gradeTexts(springGrades)...),
		aEnum("finish", "表面处理", "Finish", req|filt|sales, finishes...),
		aEnum("thread", "适配螺纹", "For thread", req|filt|sales, threadNames()...),
		aNum("d1", "内径", "Inner diameter", "mm", req|sales),
		aNum("sb", "截面宽度×厚度", "Section (s = b)", "mm", req|sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: func(g *gen, d *draft) {
		buildFastener(g, d, k)
		if attrText(d.attrs, "material") == "65Mn弹簧钢" {
			d.attrs = append(d.attrs, vRange("hardness", 42, 50, "HRC"))
		}
	}}
}

// buildFastener fills a fastener product: one property class, one or two finishes, one
// size or a few neighbouring ones, and every standard length of each.
func buildFastener(g *gen, d *draft, k *fastenerKind) {
	gr := k.grades[g.pickW(k.gradeW...)]
	nf := 1
	if len(gr.finishes) > 1 && g.chance(0.3) {
		nf = 2
	}
	fins := g.some(nf, gr.finishes)
	if nf == 1 { // the first finish listed is the usual one
		if g.chance(0.6) {
			fins = gr.finishes[:1]
		}
	}

	count := func(t *thread) int {
		if k.lengths == nil {
			return nf
		}
		return len(k.lengths(t)) * nf
	}
	lo := g.pickW(threadWeights...)
	hi := lo + 1
	n := count(&threads[lo])
	if k.lengths == nil {
		// nuts and washers: a run of sizes, as buyers stock them
		want := 4 + g.r.IntN(10)
		for hi-lo < want && n+nf <= maxSKUsPerProduct {
			if hi < len(threads) && (lo == 0 || g.chance(0.6)) {
				n += count(&threads[hi])
				hi++
			} else if lo > 0 {
				lo--
				n += count(&threads[lo])
			} else {
				break
			}
		}
	} else {
		for hi < len(threads) && g.chance(0.35) && n+count(&threads[hi]) <= maxSKUsPerProduct {
			n += count(&threads[hi])
			hi++
		}
	}
	for n < 4 && hi < len(threads) { // M3 has only three standard lengths in GB/T 5782
		n += count(&threads[hi])
		hi++
	}
	sizes := threads[lo:hi]

	std := k.std
	for _, t := range sizes {
		var ls []float64
		if k.lengths != nil {
			ls = k.lengths(&t)
		} else {
			ls = []float64{0}
		}
		scale := 0.7 + 0.3*t.d/10
		for _, l := range ls {
			grams := k.grams(&t, l)
			var cm3 float64 // nuts and washers: from grams
			if k.envelope != nil {
				cm3 = k.envelope(&t, l) / 1000
			}
			for _, f := range fins {
				fi := finishInfo[f]
				spec := make([]catalog.Value, 0, 8)
				spec = append(spec, vEnum("grade", gr.text), vEnum("finish", f), vEnum("thread", t.m))
				code := t.m
				if l > 0 {
					spec = append(spec, vNum("length", l, "mm"))
					code += "X" + num(l)
				}
				spec = append(spec, k.dims(&t)...)
				d.vars = append(d.vars, variant{
					spec:  spec,
					code:  code + "-" + gr.code + fi.code,
					price: grams/1000*gr.perKg*fi.factor + k.base*scale,
					grams: grams,
					cm3:   cm3,
				})
			}
		}
	}

	sizeText := sizes[0].m
	if len(sizes) > 1 {
		sizeText += "-" + sizes[len(sizes)-1].m
	}
	d.hot, d.name = std, k.name
	d.words = append(append([]string{gr.text}, fins...), sizeText)
	if k.hot != "" && g.chance(0.5) {
		d.words = append(d.words, k.hot)
	}
	d.tail = g.pick("全规格", "现货", "厂家直销", "")
	d.model = strings.ReplaceAll(strings.ReplaceAll(std, "/", ""), " ", "") + "-" + sizeText + "-" + gr.code
	d.attrs = append(d.attrs, vEnum("standard", std), vEnum("material", gr.material))

	var sb strings.Builder
	fmt.Fprintf(&sb, "按%s-%s", std, k.year)
	if k.iso != "" {
		fmt.Fprintf(&sb, "（等效%s）", k.iso)
	}
	fmt.Fprintf(&sb, "标准生产，材质%s，等级%s，表面", gr.material, gr.text)
	for i, f := range fins {
		if i > 0 {
			sb.WriteString("或")
		}
		sb.WriteString(finishInfo[f].words)
	}
	if k.lengths != nil || k.std == "GB/T 6170" {
		fmt.Fprintf(&sb, "。规格%s，螺纹公差6g/6H，机械性能按GB/T 3098检验。%s。", sizeText, k.use)
	} else {
		fmt.Fprintf(&sb, "。适配螺纹%s，尺寸按%s逐批抽检。%s。", sizeText, std, k.use)
	}
	d.desc = sb.String()

	fastenerSale(g, d)
}

// fastenerSale picks how a fastener product is sold: by the piece in boxes of 100, by
// the piece singly, by the box, or by the thousand.
func fastenerSale(g *gen, d *draft) {
	maxG := 0.0
	for _, v := range d.vars {
		maxG = max(maxG, v.grams)
	}
	mode := g.pickW(35, 20, 25, 20)
	if mode == 3 && maxG > 60 {
		mode = 0
	}
	switch mode {
	case 0:
		m := int64(100)
		if maxG > 150 {
			m = 10
		}
		d.sale = sale{unit: "件", moq: m, mult: m, breaks: []int64{10 * m, 100 * m}, stockLo: 20 * m, stockHi: 3000 * m}
	case 1:
		d.sale = sale{unit: "件", moq: 1, mult: 1, breaks: []int64{1000, 10000}, factor: 1.15, stockLo: 500, stockHi: 200000}
		if maxG > 150 {
			d.sale.breaks = []int64{100, 1000}
			d.sale.stockLo, d.sale.stockHi = 50, 5000
		}
	case 2:
		d.sale = sale{unit: "盒", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 2000}
		for i := range d.vars {
			v := &d.vars[i]
			v.per = boxQty(v.grams)
			v.spec = append(v.spec, vText("pack", strconv.FormatInt(v.per, 10)+"件/盒"))
		}
	case 3:
		d.sale = sale{unit: "千件", per: 1000, moq: 1, mult: 1, breaks: []int64{10, 100}, factor: 0.96, stockLo: 2, stockHi: 800}
		for i := range d.vars {
			d.vars[i].spec = append(d.vars[i].spec, vText("pack", "1000件/袋"))
		}
	}
}

// boxQty is how many pieces a box of at most 4 kg holds, in the usual round counts.
func boxQty(grams float64) int64 {
	for _, q := range []int64{1000, 500, 200, 100, 50, 20, 10, 5, 2} {
		if float64(q)*grams <= 4000 {
			return q
		}
	}
	return 1
}
