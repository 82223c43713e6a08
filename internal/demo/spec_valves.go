package demo

import (
	"fmt"
	"math"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// pipeSize is a nominal diameter with its inch size and the ISO pipe outside diameter.
type pipeSize struct {
	dn   float64
	inch string
	od   float64 // mm
}

var pipeSizes = []pipeSize{
	{15, `1/2"`, 21.3}, {20, `3/4"`, 26.9}, {25, `1"`, 33.7}, {32, `1-1/4"`, 42.4}, {40, `1-1/2"`, 48.3},
	{50, `2"`, 60.3}, {65, `2-1/2"`, 76.1}, {80, `3"`, 88.9}, {100, `4"`, 114.3},
}

func dnNames() []string {
	out := make([]string, len(pipeSizes))
	for i, p := range pipeSizes {
		out[i] = "DN" + num(p.dn)
	}
	return out
}

func inchNames() []string {
	out := make([]string, len(pipeSizes))
	for i, p := range pipeSizes {
		out[i] = p.inch
	}
	return out
}

// dnSpec is the size part of a pipe product's SKU spec.
func dnSpec(p pipeSize) []catalog.Value {
	return []catalog.Value{vNumT("dn", "DN"+num(p.dn), p.dn, ""), vEnum("inch", p.inch), vNum("pipe_od", p.od, "mm")}
}

func dnAttrs() []attrDef {
	return []attrDef{
		aEnum("dn", "公称通径", "Nominal size", req|filt|sales, dnNames()...),
		aEnum("inch", "英制尺寸", "Inch size", req|filt|sales, inchNames()...),
		aNum("pipe_od", "适配管外径", "Pipe OD", "mm", sales),
	}
}

// pnFactor prices a higher pressure rating (heavier body, thicker walls).
var pnFactor = map[string]float64{"PN10": 0.95, "PN16": 1, "PN25": 1.1, "PN40": 1.2, "PN63": 1.35}

type valveMaterial struct {
	text, code string
	factor     float64
	temp       [2]float64
}

var ballValveMaterials = []valveMaterial{
	{"不锈钢304 (CF8)", "304", 1.0, [2]float64{-20, 180}},
	{"不锈钢316 (CF8M)", "316", 1.45, [2]float64{-20, 180}},
	{"碳钢 (WCB)", "WCB", 0.8, [2]float64{-29, 180}},
	{"黄铜 (HPb59-1)", "CU", 0.75, [2]float64{-10, 120}},
}

func valveMaterialTexts(ms []valveMaterial) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.text
	}
	return out
}

func ballValves() *family {
	attrs := []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 12237", "GB/T 8464"),
		aEnum("material", "阀体材质", "Body material", req|filt, valveMaterialTexts(ballValveMaterials)...),
		aEnum("connection", "连接方式", "Connection", req|filt, "内螺纹", "法兰"),
		aEnum("structure", "结构形式", "Body style", filt, "一片式", "两片式", "三片式", "浮动球"),
		aEnum("seat", "密封材质", "Seat", req|filt, "PTFE", "RPTFE", "PPL"),
		aEnum("operator", "驱动方式", "Operator", filt, "手柄", "蝶形手柄"),
		aRange("temp", "适用温度", "Temperature", "°C", req|filt),
		aText("medium", "适用介质", "Media", 0),
		aEnum("pn", "公称压力", "Pressure rating", req|filt|sales, "PN16", "PN25", "PN40", "PN63"),
	}
	return &family{group: gValves, weight: 5, prefix: "BV", attrs: append(attrs, dnAttrs()...), build: buildBallValve}
}

func buildBallValve(g *gen, d *draft) {
	m := ballValveMaterials[g.pickW(35, 15, 20, 30)]
	flanged := m.code != "CU" && g.chance(0.45)
	var sizes []pipeSize
	var pns []string
	var base, exp, gbase float64
	std, conn, structure := "GB/T 12237", "内螺纹", g.pick("一片式", "两片式", "三片式")
	switch {
	case flanged:
		conn, structure = "法兰", "浮动球"
		lo, hi := g.window(len(pipeSizes), 4, 9)
		sizes = pipeSizes[lo:hi]
		pns = g.some(1+g.r.IntN(3), []string{"PN16", "PN25", "PN40"})
		base, exp, gbase = 180, 1.3, 2300
	case m.code == "CU":
		std = "GB/T 8464"
		lo, hi := g.window(6, 4, 6)
		sizes = pipeSizes[lo:hi]
		pns = g.some(1+g.r.IntN(2), []string{"PN16", "PN25"})
		base, exp, gbase = 33, 1.5, 230
	default:
		lo, hi := g.window(6, 4, 6)
		sizes = pipeSizes[lo:hi]
		pns = g.some(1+g.r.IntN(2), []string{"PN40", "PN63"})
		base, exp, gbase = 35, 1.5, 260
	}
	seat := g.pick("PTFE", "PTFE", "RPTFE", "PPL")
	temp := m.temp
	if seat == "PPL" {
		temp[1] = 250
	}
	for _, p := range sizes {
		ratio := p.dn / 15
		for _, pn := range pns {
			pf := pnFactor[pn]
			d.vars = append(d.vars, variant{
				spec:  append([]catalog.Value{vEnum("pn", pn)}, dnSpec(p)...),
				code:  fmt.Sprintf("DN%s-%s", num(p.dn), pn),
				price: base * math.Pow(ratio, exp) * m.factor * pf,
				grams: gbase * math.Pow(ratio, 2.1) * pf,
			})
		}
	}
	operator := "手柄"
	if !flanged && sizes[0].dn <= 25 && g.chance(0.3) {
		operator = "蝶形手柄"
	}
	d.attrs = []catalog.Value{vEnum("standard", std), vEnum("material", m.text), vEnum("connection", conn),
		vEnum("structure", structure), vEnum("seat", seat), vEnum("operator", operator),
		vRange("temp", temp[0], temp[1], "°C"), vText("medium", g.pick("水、油、气", "水、蒸汽、弱腐蚀性介质", "水、油、天然气"))}
	short := map[string]string{"304": "304不锈钢", "316": "316不锈钢", "WCB": "碳钢", "CU": "黄铜"}[m.code]
	d.hot, d.name = short+"球阀", conn+"球阀"
	d.words = []string{structure, fmt.Sprintf("DN%s-DN%s", num(sizes[0].dn), num(sizes[len(sizes)-1].dn))}
	d.words = append(d.words, pns...)
	d.tail = g.pick("全通径", "耐腐蚀", "")
	d.model = fmt.Sprintf("Q%sF-%s%s", map[string]string{"内螺纹": "11", "法兰": "41"}[conn], pns[0][2:], m.code)
	d.desc = fmt.Sprintf("%s%s球阀，阀体%s，%s阀座，按%s标准设计制造，出厂逐台进行壳体与密封压力试验。"+
		"旋转90°即可启闭，流阻小、密封可靠，适用温度%s~%s°C，适用于给排水、暖通、化工与食品等管路的截断。",
		structure, conn, m.text, seat, std, num(temp[0]), num(temp[1]))
	d.sale = sale{unit: "个", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 800}
}

var gateValveMaterials = []valveMaterial{
	{"球墨铸铁 (QT450)", "QT", 1.0, [2]float64{0, 80}},
	{"碳钢 (WCB)", "WCB", 1.35, [2]float64{-29, 425}},
	{"不锈钢304 (CF8)", "304", 2.1, [2]float64{-29, 200}},
	{"不锈钢316 (CF8M)", "316", 2.9, [2]float64{-29, 200}},
}

func gateValves() *family {
	attrs := []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 12234", "CJ/T 216"),
		aEnum("material", "阀体材质", "Body material", req|filt, valveMaterialTexts(gateValveMaterials)...),
		aEnum("connection", "连接方式", "Connection", req|filt, "法兰"),
		aEnum("seal", "密封形式", "Seal", req|filt, "弹性座软密封", "金属硬密封"),
		aEnum("stem", "阀杆形式", "Stem", req|filt, "明杆", "暗杆"),
		aRange("temp", "适用温度", "Temperature", "°C", req|filt),
		aText("medium", "适用介质", "Media", 0),
		aEnum("pn", "公称压力", "Pressure rating", req|filt|sales, "PN10", "PN16", "PN25"),
	}
	return &family{group: gValves, weight: 2, prefix: "GV", attrs: append(attrs, dnAttrs()...), build: buildGateValve}
}

func buildGateValve(g *gen, d *draft) {
	m := gateValveMaterials[g.pickW(45, 25, 22, 8)]
	soft := m.code == "QT" && g.chance(0.7)
	seal, std := "金属硬密封", "GB/T 12234"
	if soft {
		seal, std = "弹性座软密封", "CJ/T 216"
	}
	stem := g.pick("明杆", "暗杆")
	lo, hi := g.window(len(pipeSizes)-3, 4, 6)
	sizes := pipeSizes[lo+3 : hi+3] // DN32 upwards
	pns := g.some(1+g.r.IntN(2), []string{"PN10", "PN16", "PN25"})
	for _, p := range sizes {
		ratio := p.dn / 50
		for _, pn := range pns {
			pf := pnFactor[pn]
			d.vars = append(d.vars, variant{
				spec:  append([]catalog.Value{vEnum("pn", pn)}, dnSpec(p)...),
				code:  fmt.Sprintf("DN%s-%s", num(p.dn), pn),
				price: 280 * math.Pow(ratio, 1.25) * m.factor * pf,
				grams: 11000 * math.Pow(ratio, 1.6) * pf,
			})
		}
	}
	temp := m.temp
	if soft {
		temp = [2]float64{0, 80}
	}
	d.attrs = []catalog.Value{vEnum("standard", std), vEnum("material", m.text), vEnum("connection", "法兰"),
		vEnum("seal", seal), vEnum("stem", stem), vRange("temp", temp[0], temp[1], "°C"),
		vText("medium", g.pick("清水、污水", "水、油品、蒸汽", "给水、消防用水"))}
	model := "Z41H"
	if soft {
		model = "Z41X"
	}
	if stem == "暗杆" {
		model = "Z45" + model[3:]
	}
	d.hot, d.name = stem+"闸阀", model+"闸阀"
	d.words = []string{seal, m.text, fmt.Sprintf("DN%s-DN%s", num(sizes[0].dn), num(sizes[len(sizes)-1].dn))}
	d.words = append(d.words, pns...)
	d.tail = g.pick("法兰闸阀", "现货", "")
	d.model = model + "-" + pns[0][2:]
	d.desc = fmt.Sprintf("%s%s法兰闸阀，阀体%s，按%s标准制造。全开时流道通畅、流阻小，适用温度%s~%s°C，"+
		"用于市政给排水、消防与工业管路的截断，不宜用于调节流量。", stem, seal, m.text, std, num(temp[0]), num(temp[1]))
	d.sale = sale{unit: "台", moq: 1, mult: 1, breaks: []int64{5, 20}, stockLo: 2, stockHi: 200}
}

var fittingTypes = []struct {
	text, code string
	factor     float64
}{
	{"90°弯头", "EL90", 1}, {"45°弯头", "EL45", 0.95}, {"等径三通", "TEE", 1.35}, {"四通", "CRS", 1.7},
	{"外丝直接", "HN", 0.7}, {"内丝直接", "SK", 0.75}, {"活接", "UN", 1.6}, {"管帽", "CAP", 0.6}, {"堵头", "PLG", 0.5},
}

var fittingMaterials = []struct {
	text, code string
	factor     float64
}{
	{"不锈钢304", "304", 1}, {"不锈钢316", "316", 1.6}, {"可锻铸铁（玛钢）镀锌", "MI", 0.28}, {"黄铜", "CU", 1.1},
}

func threadedFittings() *family {
	var types, mats []string
	for _, t := range fittingTypes {
		types = append(types, t.text)
	}
	for _, m := range fittingMaterials {
		mats = append(mats, m.text)
	}
	attrs := []attrDef{
		aEnum("type", "管件类型", "Fitting type", req|filt, types...),
		aEnum("material", "材质", "Material", req|filt, mats...),
		aEnum("pressure", "公称压力", "Pressure rating", req|filt, "PN16", "PN25", "150LB"),
		aEnum("process", "工艺", "Process", filt, "精密铸造", "锻造", "可锻铸铁铸造"),
		aEnum("thread_std", "螺纹标准", "Thread standard", req|filt|sales, "BSPT (R/Rc)", "NPT", "G (BSPP)"),
	}
	return &family{group: gValves, weight: 4, prefix: "TF", attrs: append(attrs, dnAttrs()...), build: buildFitting}
}

func buildFitting(g *gen, d *draft) {
	t := fittingTypes[g.r.IntN(len(fittingTypes))]
	m := fittingMaterials[g.pickW(40, 15, 30, 15)]
	process := "精密铸造"
	switch {
	case m.code == "MI":
		process = "可锻铸铁铸造"
	case m.code == "CU" || g.chance(0.2):
		process = "锻造"
	}
	threads := []string{"BSPT (R/Rc)"}
	if g.chance(0.4) {
		threads = append(threads, g.pick("NPT", "G (BSPP)"))
	}
	lo, hi := g.window(len(pipeSizes), 4, 9)
	for _, p := range pipeSizes[lo:hi] {
		ratio := p.dn / 15
		for _, th := range threads {
			tf := 1.0
			if th == "NPT" {
				tf = 1.08
			}
			d.vars = append(d.vars, variant{
				spec:  append([]catalog.Value{vEnum("thread_std", th)}, dnSpec(p)...),
				code:  fmt.Sprintf("DN%s-%s", num(p.dn), th[:1]),
				price: 5.5 * math.Pow(ratio, 1.6) * t.factor * m.factor * tf,
				grams: 70 * math.Pow(ratio, 2.3) * t.factor,
			})
		}
	}
	pressure := g.pick("PN16", "PN25", "150LB")
	d.attrs = []catalog.Value{vEnum("type", t.text), vEnum("material", m.text), vEnum("pressure", pressure), vEnum("process", process)}
	d.hot = map[string]string{"304": "304不锈钢管件", "316": "316不锈钢管件", "MI": "玛钢管件", "CU": "黄铜管件"}[m.code]
	d.name = t.text
	d.words = []string{"丝扣", pressure, fmt.Sprintf("DN%s-DN%s", num(pipeSizes[lo].dn), num(pipeSizes[hi-1].dn))}
	d.tail = g.pick("水管配件", "工业级", "")
	d.model = t.code + "-" + m.code
	d.desc = fmt.Sprintf("%s螺纹%s，%s工艺，压力等级%s，螺纹按%s加工，内外光洁、壁厚均匀，出厂逐件气密检测。"+
		"适用于水、气、油等工业与民用管路的连接与转向。", m.text, t.text, process, pressure, threads[0])
	if m.code == "MI" {
		d.sale = sale{unit: "个", moq: 10, mult: 10, breaks: []int64{100, 1000}, stockLo: 100, stockHi: 20000}
	} else {
		d.sale = sale{unit: "个", moq: 1, mult: 1, breaks: []int64{50, 200}, stockLo: 20, stockHi: 5000}
	}
}

// flangeDims: HG/T 20592 outside diameter D, bolt circle K, bolts n and flange
// thickness C (mm) for PN10/16 and PN25/40, DN15–DN100 (they differ only at DN100).
type flangeDim struct{ D, K, n, hole, C float64 }

var flangePN16 = []flangeDim{
	{95, 65, 4, 14, 14}, {105, 75, 4, 14, 16}, {115, 85, 4, 14, 16}, {140, 100, 4, 18, 18}, {150, 110, 4, 18, 18},
	{165, 125, 4, 18, 19}, {185, 145, 8, 18, 20}, {200, 160, 8, 18, 20}, {220, 180, 8, 18, 22},
}

var flangePN40 = []flangeDim{
	{95, 65, 4, 14, 16}, {105, 75, 4, 14, 18}, {115, 85, 4, 14, 18}, {140, 100, 4, 18, 20}, {150, 110, 4, 18, 20},
	{165, 125, 4, 18, 22}, {185, 145, 8, 18, 24}, {200, 160, 8, 18, 26}, {235, 190, 8, 22, 28},
}

var flangeTypes = []struct {
	text, code string
	factor     float64
}{
	{"板式平焊法兰 (PL)", "PL", 1}, {"带颈平焊法兰 (SO)", "SO", 1.3}, {"带颈对焊法兰 (WN)", "WN", 1.55}, {"法兰盖 (BL)", "BL", 1.1},
}

var flangeMaterials = []struct {
	text, code string
	perKg      float64
}{
	{"碳钢 Q235B", "Q235", 9}, {"碳钢 20#", "20", 10}, {"不锈钢304", "304", 32}, {"不锈钢316L", "316L", 48},
}

func flanges() *family {
	var types, mats []string
	for _, t := range flangeTypes {
		types = append(types, t.text)
	}
	for _, m := range flangeMaterials {
		mats = append(mats, m.text)
	}
	attrs := []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "HG/T 20592", "GB/T 9124.1"),
		aEnum("type", "法兰类型", "Flange type", req|filt, types...),
		aEnum("material", "材质", "Material", req|filt, mats...),
		aEnum("face", "密封面", "Facing", req|filt, "突面 (RF)", "全平面 (FF)"),
		aEnum("pn", "公称压力", "Pressure rating", req|filt|sales, "PN10", "PN16", "PN25", "PN40"),
		aNum("outer_d", "法兰外径", "Outside diameter D", "mm", req|filt|sales),
		aNum("bolt_circle", "螺栓孔中心圆直径", "Bolt circle K", "mm", req|sales),
		aNum("bolts", "螺栓孔数量", "Bolt holes", "个", req|sales),
		aNum("thickness", "法兰厚度", "Thickness C", "mm", req|sales),
	}
	return &family{group: gValves, weight: 3, prefix: "FL", attrs: append(attrs, dnAttrs()...), build: buildFlange}
}

func buildFlange(g *gen, d *draft) {
	t := flangeTypes[g.pickW(40, 25, 20, 15)]
	m := flangeMaterials[g.pickW(35, 15, 35, 15)]
	std := g.pick("HG/T 20592", "GB/T 9124.1")
	pns := g.some(1+g.r.IntN(4), []string{"PN10", "PN16", "PN25", "PN40"})
	lo, hi := g.window(len(pipeSizes), 4, 9)
	for i := lo; i < hi; i++ {
		p := pipeSizes[i]
		for _, pn := range pns {
			dim := flangePN16[i]
			if pn == "PN25" || pn == "PN40" {
				dim = flangePN40[i]
			}
			bore := p.od
			if t.code == "BL" {
				bore = 0
			}
			vol := math.Pi/4*(dim.D*dim.D-bore*bore)*dim.C - dim.n*math.Pi/4*dim.hole*dim.hole*dim.C
			grams := vol * steelGPerMM3 * t.factor
			spec := append([]catalog.Value{vEnum("pn", pn)}, dnSpec(p)...)
			spec = append(spec, vNum("outer_d", dim.D, "mm"), vNum("bolt_circle", dim.K, "mm"), vNum("bolts", dim.n, "个"), vNum("thickness", dim.C, "mm"))
			d.vars = append(d.vars, variant{
				spec:  spec,
				code:  fmt.Sprintf("DN%s-%s", num(p.dn), pn),
				price: grams/1000*m.perKg*1.1 + 6,
				grams: grams,
			})
		}
	}
	face := "突面 (RF)"
	if g.chance(0.2) {
		face = "全平面 (FF)"
	}
	d.attrs = []catalog.Value{vEnum("standard", std), vEnum("type", t.text), vEnum("material", m.text), vEnum("face", face)}
	d.hot, d.name = std, t.text[:len(t.text)-len(" (PL)")]
	d.words = append([]string{m.text, fmt.Sprintf("DN%s-DN%s", num(pipeSizes[lo].dn), num(pipeSizes[hi-1].dn))}, pns...)
	d.tail = g.pick("国标法兰", "化工标准", "")
	d.model = t.code + "-" + m.code
	d.desc = fmt.Sprintf("按%s标准生产的%s，材质%s，密封面%s，尺寸符合欧洲体系PN系列。"+
		"数控车床精加工，螺栓孔位准确，适用于石化、给排水、暖通与电力管道的连接。", std, t.text, m.text, face)
	d.sale = sale{unit: "片", moq: 1, mult: 1, breaks: []int64{20, 100}, stockLo: 10, stockHi: 3000}
}
