package demo

import (
	"fmt"
	"math"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// bearing is one designation with its real boundary dimensions (mm) and, for deep
// groove ball bearings, the basic dynamic load rating Cr (kN) of GB/T 276 tables.
type bearing struct {
	model   string
	d, D, B float64
	cr      float64
}

// deepGroove: GB/T 276-2013 series 60, 62 and 63.
var deepGroove = [][]bearing{
	{
		{"6000", 10, 26, 8, 4.58}, {"6001", 12, 28, 8, 5.10}, {"6002", 15, 32, 9, 5.58}, {"6003", 17, 35, 10, 6.00},
		{"6004", 20, 42, 12, 9.38}, {"6005", 25, 47, 12, 10.0}, {"6006", 30, 55, 13, 13.2}, {"6007", 35, 62, 14, 16.2},
		{"6008", 40, 68, 15, 17.0}, {"6009", 45, 75, 16, 21.0}, {"6010", 50, 80, 16, 22.0}, {"6011", 55, 90, 18, 30.2},
		{"6012", 60, 95, 18, 31.5},
	},
	{
		{"6200", 10, 30, 9, 5.10}, {"6201", 12, 32, 10, 6.82}, {"6202", 15, 35, 11, 7.65}, {"6203", 17, 40, 12, 9.58},
		{"6204", 20, 47, 14, 12.8}, {"6205", 25, 52, 15, 14.0}, {"6206", 30, 62, 16, 19.5}, {"6207", 35, 72, 17, 25.5},
		{"6208", 40, 80, 18, 29.5}, {"6209", 45, 85, 19, 31.5}, {"6210", 50, 90, 20, 35.0}, {"6211", 55, 100, 21, 43.2},
		{"6212", 60, 110, 22, 47.8}, {"6213", 65, 120, 23, 57.2}, {"6214", 70, 125, 24, 60.8}, {"6215", 75, 130, 25, 66.0},
	},
	{
		{"6300", 10, 35, 11, 7.65}, {"6301", 12, 37, 12, 9.72}, {"6302", 15, 42, 13, 11.5}, {"6303", 17, 47, 14, 13.5},
		{"6304", 20, 52, 15, 15.8}, {"6305", 25, 62, 17, 22.2}, {"6306", 30, 72, 19, 27.0}, {"6307", 35, 80, 21, 33.2},
		{"6308", 40, 90, 23, 40.8}, {"6309", 45, 100, 25, 52.8}, {"6310", 50, 110, 27, 61.8}, {"6311", 55, 120, 29, 71.5},
		{"6312", 60, 130, 31, 81.8},
	},
}

var deepGrooveSeries = []string{"60系列", "62系列", "63系列"}

// tapered: GB/T 297-2015 series 302, 322 and 303; B is the total width T.
var tapered = [][]bearing{
	{
		{"30203", 17, 40, 13.25, 0}, {"30204", 20, 47, 15.25, 0}, {"30205", 25, 52, 16.25, 0}, {"30206", 30, 62, 17.25, 0},
		{"30207", 35, 72, 18.25, 0}, {"30208", 40, 80, 19.75, 0}, {"30209", 45, 85, 20.75, 0}, {"30210", 50, 90, 21.75, 0},
		{"30211", 55, 100, 22.75, 0}, {"30212", 60, 110, 23.75, 0},
	},
	{
		{"32204", 20, 47, 19.25, 0}, {"32205", 25, 52, 19.25, 0}, {"32206", 30, 62, 21.25, 0}, {"32207", 35, 72, 24.25, 0},
		{"32208", 40, 80, 24.75, 0}, {"32209", 45, 85, 24.75, 0}, {"32210", 50, 90, 24.75, 0}, {"32211", 55, 100, 26.75, 0},
		{"32212", 60, 110, 29.75, 0},
	},
	{
		{"30304", 20, 52, 16.25, 0}, {"30305", 25, 62, 18.25, 0}, {"30306", 30, 72, 20.75, 0}, {"30307", 35, 80, 22.75, 0},
		{"30308", 40, 90, 25.25, 0}, {"30309", 45, 100, 27.25, 0}, {"30310", 50, 110, 29.25, 0}, {"30311", 55, 120, 31.5, 0},
		{"30312", 60, 130, 33.5, 0},
	},
}

var taperedSeries = []string{"302系列", "322系列", "303系列"}

func bearingModels(table [][]bearing) []string {
	var out []string
	for _, s := range table {
		for _, b := range s {
			out = append(out, b.model)
		}
	}
	return out
}

// bearingCM3 is the volume of the single box a bearing ships in: its outside diameter
// squared by its width, with 3 mm of carton all round.
func bearingCM3(b bearing) float64 {
	return (b.D + 6) * (b.D + 6) * (b.B + 6) / 1000
}

// bearingGrams estimates the mass from the ring section; within a few per cent of
// catalogue weights for these series.
func bearingGrams(b bearing, fill float64) float64 {
	return math.Pi / 4 * (b.D*b.D - b.d*b.d) * b.B * steelGPerMM3 * fill
}

var seals = []struct{ text, code, words string }{
	{"开式", "", "开式"},
	{"ZZ", "-ZZ", "ZZ双面铁盖"},
	{"2RS", "-2RS", "2RS双面胶封"},
}

func deepGrooveBearings() *family {
	return &family{group: gBearings, weight: 9, prefix: "DG", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 276"),
		aEnum("series", "尺寸系列", "Series", req|filt, deepGrooveSeries...),
		aEnum("material", "材质", "Material", req|filt, "GCr15轴承钢"),
		aEnum("precision", "精度等级", "Precision class", req|filt, "P0", "P6", "P5"),
		aEnum("clearance", "游隙", "Radial clearance", req|filt, "C2", "C0", "C3"),
		aEnum("cage", "保持架", "Cage", filt, "钢板冲压保持架", "尼龙保持架", "黄铜实体保持架"),
		aEnum("vibration", "振动等级", "Vibration grade", filt, "Z1", "Z2", "Z3"),
		aText("grease", "润滑脂", "Grease", 0),
		aEnum("model", "型号", "Designation", req|filt|sales, bearingModels(deepGroove)...),
		aEnum("seal", "密封形式", "Seal", req|filt|sales, "开式", "ZZ", "2RS"),
		aNum("d", "内径", "Bore d", "mm", req|filt|sales),
		aNum("D", "外径", "Outside diameter D", "mm", req|filt|sales),
		aNum("B", "宽度", "Width B", "mm", req|filt|sales),
		aNum("cr", "基本额定动载荷", "Dynamic load rating Cr", "kN", req|sales),
	}, build: buildDeepGroove}
}

func buildDeepGroove(g *gen, d *draft) {
	si := g.pickW(25, 50, 25)
	series := deepGroove[si]
	ns := 1 + g.pickW(30, 25, 45)
	ss := g.r.Perm(3)[:ns]
	// keep the seal order open, ZZ, 2RS
	var use [3]bool
	for _, i := range ss {
		use[i] = true
	}
	lo, hi := g.window(len(series), 4, maxSKUsPerProduct/ns)
	prec := g.pick("P0", "P0", "P6", "P6", "P5")
	clr := g.pick("C0", "C0", "C3", "C2")
	factor := map[string]float64{"P0": 1, "P6": 1.25, "P5": 1.8}[prec]
	if clr != "C0" {
		factor *= 1.05
	}
	var words []string
	for _, b := range series[lo:hi] {
		grams := bearingGrams(b, 0.68)
		price := 2.5 + 50*math.Pow(grams/1000, 0.9)
		for i, s := range seals {
			if !use[i] {
				continue
			}
			sf := []float64{1, 1.05, 1.1}[i]
			d.vars = append(d.vars, variant{
				spec: []catalog.Value{vEnum("model", b.model), vEnum("seal", s.text), vNum("d", b.d, "mm"),
					vNum("D", b.D, "mm"), vNum("B", b.B, "mm"), vNum("cr", b.cr, "kN")},
				code:  b.model + s.code,
				price: price * sf * factor,
				grams: grams,
				cm3:   bearingCM3(b),
			})
		}
	}
	for i, s := range seals {
		if use[i] {
			words = append(words, s.words)
		}
	}
	first, last := series[lo].model, series[hi-1].model
	cage := g.pick("钢板冲压保持架", "钢板冲压保持架", "尼龙保持架", "黄铜实体保持架")
	grease := g.pick("锂基润滑脂", "高温润滑脂", "低噪音润滑脂")
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 276"), vEnum("series", deepGrooveSeries[si]), vEnum("material", "GCr15轴承钢"),
		vEnum("precision", prec), vEnum("clearance", clr), vEnum("cage", cage), vEnum("vibration", g.pick("Z1", "Z2", "Z2", "Z3")),
		vText("grease", grease)}
	d.hot, d.name = "GB/T 276", "深沟球轴承"
	d.words = append([]string{deepGrooveSeries[si], first + "-" + last}, words...)
	d.words = append(d.words, prec, clr)
	d.tail = g.pick("高速静音", "全型号", "现货", "")
	d.model = fmt.Sprintf("%s~%s %s %s", first, last, prec, clr)
	d.desc = fmt.Sprintf("按GB/T 276-2013标准生产的%s深沟球轴承，内径%s~%smm，套圈与钢球均采用GCr15轴承钢，淬火硬度HRC60~64；精度%s，游隙%s，%s，填充%s。"+
		"可同时承受径向载荷与一定的轴向载荷，摩擦系数小、极限转速高，适用于电机、减速机、水泵、风机与农机等设备。",
		deepGrooveSeries[si], num(series[lo].d), num(series[hi-1].d), prec, clr, cage, grease)
	if g.chance(0.6) {
		d.sale = sale{unit: "套", moq: 1, mult: 1, breaks: []int64{10, 100}, stockLo: 10, stockHi: 5000}
	} else {
		d.sale = sale{unit: "套", moq: 10, mult: 10, breaks: []int64{100, 1000}, factor: 0.95, stockLo: 50, stockHi: 20000}
	}
}

func taperedBearings() *family {
	return &family{group: gBearings, weight: 3, prefix: "TR", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 297"),
		aEnum("material", "材质", "Material", req|filt, "GCr15轴承钢", "20CrMnTi渗碳钢"),
		aEnum("precision", "精度等级", "Precision class", req|filt, "P0", "P6", "P5"),
		aEnum("rows", "列数", "Rows", filt, "单列"),
		aEnum("series", "尺寸系列", "Series", req|filt|sales, taperedSeries...),
		aEnum("model", "型号", "Designation", req|filt|sales, bearingModels(tapered)...),
		aNum("d", "内径", "Bore d", "mm", req|filt|sales),
		aNum("D", "外径", "Outside diameter D", "mm", req|filt|sales),
		aNum("T", "总宽度", "Total width T", "mm", req|filt|sales),
	}, build: buildTapered}
}

func buildTapered(g *gen, d *draft) {
	first := g.r.IntN(3)
	sets := []int{first}
	if g.chance(0.4) {
		sets = append(sets, (first+1)%3)
	}
	prec := g.pick("P0", "P0", "P6", "P5")
	mat := g.pick("GCr15轴承钢", "GCr15轴承钢", "20CrMnTi渗碳钢")
	factor := map[string]float64{"P0": 1, "P6": 1.25, "P5": 1.8}[prec]
	var names []string
	for _, si := range sets {
		series := tapered[si]
		lo, hi := g.window(len(series), 4, len(series))
		names = append(names, series[lo].model+"-"+series[hi-1].model)
		for _, b := range series[lo:hi] {
			grams := bearingGrams(b, 0.62)
			d.vars = append(d.vars, variant{
				spec: []catalog.Value{vEnum("series", taperedSeries[si]), vEnum("model", b.model), vNum("d", b.d, "mm"),
					vNum("D", b.D, "mm"), vNum("T", b.B, "mm")},
				code:  b.model,
				price: (4 + 62*math.Pow(grams/1000, 0.9)) * factor,
				grams: grams,
				cm3:   bearingCM3(b),
			})
		}
	}
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 297"), vEnum("material", mat), vEnum("precision", prec), vEnum("rows", "单列")}
	d.hot, d.name = "GB/T 297", "圆锥滚子轴承"
	d.words = append(names, "单列", prec)
	d.tail = g.pick("全型号", "耐重载", "现货", "")
	d.model = names[0]
	d.desc = fmt.Sprintf("按GB/T 297-2015标准生产的单列圆锥滚子轴承，材质%s，精度%s。内外圈可分离，便于安装与游隙调整，"+
		"可承受以径向为主的径向与轴向联合载荷，适用于汽车轮毂、减速机、机床主轴与工程机械。", mat, prec)
	d.sale = sale{unit: "套", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 3000}
}
