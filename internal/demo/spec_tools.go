package demo

import (
	"fmt"
	"math"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// din338 gives jobber drill overall and flute lengths (mm) by upper diameter bound,
// per DIN 338 / GB/T 6135.2.
var din338 = []struct{ upTo, L, l float64 }{
	{1.06, 34, 12}, {1.18, 36, 14}, {1.32, 38, 16}, {1.50, 40, 18}, {1.70, 43, 20}, {1.90, 46, 22}, {2.12, 49, 24},
	{2.36, 53, 27}, {2.65, 57, 30}, {3.00, 61, 33}, {3.35, 65, 36}, {3.75, 70, 39}, {4.25, 75, 43}, {4.75, 80, 47},
	{5.30, 86, 52}, {6.00, 93, 57}, {6.70, 101, 63}, {7.50, 109, 69}, {8.50, 117, 75}, {9.50, 125, 81}, {10.60, 133, 87},
	{11.80, 142, 94}, {13.20, 151, 101}, {14.00, 160, 108}, {15.00, 169, 114}, {16.00, 178, 120}, {17.00, 184, 125},
	{18.00, 191, 130}, {19.00, 198, 135}, {20.00, 205, 140},
}

// din6537 gives solid carbide drill lengths (mm), short (3×D) and long (5×D) types.
var din6537 = []struct{ upTo, L3, l3, L5, l5 float64 }{
	{3.75, 62, 20, 66, 28}, {4.75, 66, 24, 74, 36}, {6, 66, 28, 82, 44}, {8, 79, 41, 91, 53}, {10, 89, 47, 103, 61},
	{12, 102, 55, 118, 71}, {14, 107, 60, 124, 77}, {16, 115, 65, 133, 83}, {18, 123, 73, 143, 93}, {20, 131, 79, 153, 101},
}

// drillDiameters: the usual stock sizes, tap-drill sizes included (3.3, 4.2, 6.8, 8.5, 10.2).
var drillDiameters = []float64{1, 1.5, 2, 2.5, 3, 3.3, 3.5, 4, 4.2, 4.5, 5, 5.5, 6, 6.5, 6.8, 7, 7.5, 8, 8.5, 9, 9.5, 10,
	10.2, 10.5, 11, 11.5, 12, 12.5, 13, 14, 15, 16, 17, 18, 19, 20}

var drillKinds = []struct {
	text, code, material, coating, std string
	point                              float64
	carbide                            bool
	factor                             float64
}{
	{"高速钢直柄麻花钻", "HSS", "高速钢 M2 (W6Mo5Cr4V2)", "蒸汽氧化", "GB/T 6135.2", 118, false, 1},
	{"高速钢镀钛麻花钻", "HSST", "高速钢 M2 (W6Mo5Cr4V2)", "TiN", "GB/T 6135.2", 118, false, 1.2},
	{"含钴不锈钢专用钻头", "CO", "含钴高速钢 M35 (Co5%)", "无涂层", "GB/T 6135.2", 135, false, 2.1},
	{"整体硬质合金钻头", "CB3", "硬质合金 (钨钢)", "TiAlN", "DIN 6537K", 140, true, 1},
	{"整体硬质合金加长钻头", "CB5", "硬质合金 (钨钢)", "AlTiN", "DIN 6537L", 140, true, 1.25},
}

func twistDrills() *family {
	var kinds []string
	for _, k := range drillKinds {
		kinds = append(kinds, k.text)
	}
	return &family{group: gTools, weight: 5, prefix: "DR", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 6135.2", "DIN 338", "DIN 6537K", "DIN 6537L"),
		aEnum("type", "类型", "Type", req|filt, kinds...),
		aEnum("material", "材质", "Material", req|filt, "高速钢 M2 (W6Mo5Cr4V2)", "含钴高速钢 M35 (Co5%)", "硬质合金 (钨钢)"),
		aEnum("coating", "涂层", "Coating", req|filt, "无涂层", "蒸汽氧化", "TiN", "TiAlN", "AlTiN"),
		aEnum("shank", "柄型", "Shank", filt, "直柄"),
		aNum("point_angle", "顶角", "Point angle", "°", filt),
		aText("for", "适用材料", "For materials", 0),
		aNum("diameter", "直径", "Diameter", "mm", req|filt|sales),
		aNum("overall", "总长", "Overall length", "mm", req|filt|sales),
		aNum("flute", "刃长", "Flute length", "mm", req|sales),
		aText("pack", "包装规格", "Packing", sales),
	}, build: buildDrill}
}

func buildDrill(g *gen, d *draft) {
	k := drillKinds[g.pickW(35, 15, 20, 20, 10)]
	diams := drillDiameters
	if k.carbide {
		diams = diams[4:] // solid carbide from Ø3
	}
	lo, hi := g.window(len(diams), 4, 20)
	for _, dia := range diams[lo:hi] {
		var L, l, grams, price float64
		if k.carbide {
			for _, r := range din6537 {
				if dia <= r.upTo {
					L, l = r.L3, r.l3
					if k.code == "CB5" {
						L, l = r.L5, r.l5
					}
					break
				}
			}
			grams = math.Pi / 4 * dia * dia * L * 14.5e-3 * 0.85
			price = (18 + 1.0*dia*dia) * k.factor
		} else {
			for _, r := range din338 {
				if dia <= r.upTo+1e-9 {
					L, l = r.L, r.l
					break
				}
			}
			grams = math.Pi / 4 * dia * dia * L * steelGPerMM3 * 0.8
			price = (0.8 + 0.12*dia*dia) * k.factor
		}
		d.vars = append(d.vars, variant{
			spec:  []catalog.Value{vNum("diameter", dia, "mm"), vNum("overall", L, "mm"), vNum("flute", l, "mm")},
			code:  "D" + num(dia),
			price: price,
			grams: grams,
		})
	}
	forMat := "碳钢、合金钢、铸铁、铝合金"
	switch k.code {
	case "CO":
		forMat = "不锈钢、耐热钢、高强度钢"
	case "CB3", "CB5":
		forMat = "碳钢、合金钢、不锈钢、铸铁（HRC≤45）"
	}
	d.attrs = []catalog.Value{vEnum("standard", k.std), vEnum("type", k.text), vEnum("material", k.material), vEnum("coating", k.coating),
		vEnum("shank", "直柄"), vNum("point_angle", k.point, "°"), vText("for", forMat)}
	d.hot, d.name = "麻花钻头", k.text
	d.words = []string{k.coating, fmt.Sprintf("Φ%s-%smm", num(diams[lo]), num(diams[hi-1]))}
	d.tail = g.pick("打孔钻头", "金属钻孔", "")
	d.model = fmt.Sprintf("%s-%s~%s", k.code, num(diams[lo]), num(diams[hi-1]))
	d.desc = fmt.Sprintf("%s，材质%s，%s，顶角%s，按%s尺寸制造，直径公差h8。刃口经精磨，排屑顺畅，适用于%s的钻孔加工，台钻、摇臂钻与加工中心均可使用。",
		k.text, k.material, k.coating, num(k.point)+"°", k.std, forMat)
	if !k.carbide && diams[hi-1] <= 6 && g.chance(0.5) {
		d.sale = sale{unit: "盒", per: 10, moq: 1, mult: 1, breaks: []int64{10, 50}, factor: 0.95, stockLo: 10, stockHi: 2000}
		for i := range d.vars {
			d.vars[i].spec = append(d.vars[i].spec, vText("pack", "10支/盒"))
		}
	} else {
		d.sale = sale{unit: "支", moq: 1, mult: 1, breaks: []int64{10, 100}, stockLo: 10, stockHi: 5000}
	}
}

// endMillSizes: diameter, flute length, shank, overall length (mm) of standard carbide
// end mills, and the long-reach overall length.
var endMillSizes = []struct{ d, flute, shank, L, long float64 }{
	{1, 3, 4, 50, 75}, {2, 6, 4, 50, 75}, {3, 8, 4, 50, 75}, {4, 10, 4, 50, 75}, {5, 13, 6, 50, 75}, {6, 15, 6, 50, 100},
	{8, 20, 8, 60, 100}, {10, 25, 10, 75, 100}, {12, 30, 12, 75, 100}, {14, 35, 14, 80, 150}, {16, 45, 16, 100, 150},
	{18, 45, 18, 100, 150}, {20, 45, 20, 100, 150},
}

func endMills() *family {
	return &family{group: gTools, weight: 3, prefix: "EM", attrs: []attrDef{
		aEnum("material", "材质", "Material", req|filt, "硬质合金 (钨钢)", "含钴高速钢 M35 (Co5%)"),
		aEnum("end", "刃型", "End type", req|filt, "平底", "球头"),
		aEnum("flutes", "刃数", "Flutes", req|filt, "2刃", "3刃", "4刃"),
		aEnum("hardness", "适用硬度", "Rated hardness", req|filt, "HRC45", "HRC55", "HRC65"),
		aEnum("coating", "涂层", "Coating", req|filt, "无涂层", "AlTiN", "TiSiN", "TiAlN"),
		aNum("helix", "螺旋角", "Helix angle", "°", 0),
		aNum("diameter", "刃径", "Cutting diameter", "mm", req|filt|sales),
		aNum("flute_len", "刃长", "Flute length", "mm", req|sales),
		aNum("shank", "柄径", "Shank diameter", "mm", req|filt|sales),
		aNum("overall", "总长", "Overall length", "mm", req|filt|sales),
		aEnum("reach", "长度型式", "Length type", req|filt|sales, "标准型", "加长型"),
	}, build: buildEndMill}
}

func buildEndMill(g *gen, d *draft) {
	hss := g.chance(0.15)
	mat, hard, coat := "硬质合金 (钨钢)", g.pick("HRC45", "HRC55", "HRC55", "HRC65"), g.pick("AlTiN", "TiSiN", "TiAlN")
	flutes := g.pick("4刃", "4刃", "2刃", "3刃")
	end := "平底"
	if g.chance(0.2) {
		end = "球头"
		flutes = "2刃"
	}
	factor := map[string]float64{"HRC45": 0.8, "HRC55": 1, "HRC65": 1.7}[hard]
	if flutes == "3刃" && g.chance(0.7) {
		coat = "无涂层" // aluminium cutters
	}
	if hss {
		mat, hard, coat, factor = "含钴高速钢 M35 (Co5%)", "HRC45", "无涂层", 0.35
	}
	reaches := []string{"标准型"}
	if g.chance(0.4) {
		reaches = append(reaches, "加长型")
	}
	lo, hi := g.window(len(endMillSizes), 4, 13)
	for _, s := range endMillSizes[lo:hi] {
		for _, r := range reaches {
			L, rf := s.L, 1.0
			if r == "加长型" {
				L, rf = s.long, 1.5
			}
			grams := math.Pi / 4 * s.shank * s.shank * L * 14.5e-3 * 0.9
			if hss {
				grams = grams * 7.85 / 14.5
			}
			d.vars = append(d.vars, variant{
				spec: []catalog.Value{vNum("diameter", s.d, "mm"), vNum("flute_len", s.flute, "mm"), vNum("shank", s.shank, "mm"),
					vNum("overall", L, "mm"), vEnum("reach", r)},
				code:  fmt.Sprintf("D%sL%s", num(s.d), num(L)),
				price: (6 + 0.5*s.d*s.d) * factor * rf,
				grams: grams,
			})
		}
	}
	helix := 35.0
	if coat == "无涂层" && !hss {
		helix = 45
	}
	d.attrs = []catalog.Value{vEnum("material", mat), vEnum("end", end), vEnum("flutes", flutes), vEnum("hardness", hard),
		vEnum("coating", coat), vNum("helix", helix, "°")}
	d.hot, d.name = "钨钢铣刀", end+"立铣刀"
	if hss {
		d.hot = "高速钢铣刀"
	}
	d.words = []string{hard, flutes, coat, fmt.Sprintf("D%s-D%s", num(endMillSizes[lo].d), num(endMillSizes[hi-1].d))}
	d.tail = g.pick("数控刀具", "CNC铣刀", "")
	d.model = fmt.Sprintf("%s-%s-%s", hard, flutes[:1]+"F", map[string]string{"平底": "E", "球头": "B"}[end])
	d.desc = fmt.Sprintf("%s%s%s，%s，适用硬度%s，螺旋角%s°。超微粒基体、刃口钝化处理，柄径公差h6，适用于加工中心与雕铣机的侧铣、槽铣与轮廓加工。",
		mat, flutes, d.name, coat, hard, num(helix))
	d.sale = sale{unit: "支", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 2000}
}

// tapSizes: metric taps with pitch and overall length (DIN 371 up to M10, DIN 376 above).
var tapSizes = []struct {
	m         string
	pitch, L  float64
	fine, dia float64 // fine pitch variant (0: none), nominal diameter
}{
	{"M3", 0.5, 56, 0, 3}, {"M4", 0.7, 63, 0, 4}, {"M5", 0.8, 70, 0, 5}, {"M6", 1, 80, 0.75, 6}, {"M8", 1.25, 90, 1, 8},
	{"M10", 1.5, 100, 1.25, 10}, {"M12", 1.75, 110, 1.5, 12}, {"M14", 2, 110, 1.5, 14}, {"M16", 2, 110, 1.5, 16},
	{"M20", 2.5, 140, 1.5, 20}, {"M24", 3, 160, 2, 24},
}

var tapKinds = []struct{ text, code, use string }{
	{"直槽丝锥", "SF", "通孔与盲孔均可，适合铸铁与短屑材料"},
	{"螺旋槽丝锥", "SP", "切屑向柄部排出，适合盲孔"},
	{"先端丝锥", "PT", "切屑向前排出，适合通孔"},
	{"挤压丝锥", "FM", "无屑成形，适合铝合金、铜等塑性材料"},
}

func taps() *family {
	var kinds, sizes []string
	for _, k := range tapKinds {
		kinds = append(kinds, k.text)
	}
	for _, s := range tapSizes {
		sizes = append(sizes, s.m+"×"+num(s.pitch))
		if s.fine > 0 {
			sizes = append(sizes, s.m+"×"+num(s.fine))
		}
	}
	return &family{group: gTools, weight: 3, prefix: "TP", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 3464.1"),
		aEnum("type", "类型", "Type", req|filt, kinds...),
		aEnum("material", "材质", "Material", req|filt, "高速钢 HSS", "含钴高速钢 HSS-E", "粉末冶金高速钢 HSS-PM"),
		aEnum("coating", "涂层", "Coating", req|filt, "无涂层", "TiN", "TiCN", "蒸汽氧化"),
		aEnum("tolerance", "螺纹公差", "Thread tolerance", req|filt, "6H", "6HX"),
		aEnum("size", "螺纹规格", "Thread", req|filt|sales, sizes...),
		aNum("pitch", "螺距", "Pitch", "mm", req|filt|sales),
		aNum("overall", "总长", "Overall length", "mm", req|sales),
	}, build: buildTap}
}

func buildTap(g *gen, d *draft) {
	k := tapKinds[g.pickW(25, 35, 30, 10)]
	mi := g.pickW(60, 30, 10)
	mat := []string{"高速钢 HSS", "含钴高速钢 HSS-E", "粉末冶金高速钢 HSS-PM"}[mi]
	mf := []float64{1, 1.8, 3}[mi]
	coat := g.pick("无涂层", "TiN", "TiCN", "蒸汽氧化")
	tol := g.pick("6H", "6H", "6HX")
	fine := g.chance(0.3)
	lo, hi := g.window(len(tapSizes), 4, 11)
	for _, s := range tapSizes[lo:hi] {
		pitches := []float64{s.pitch}
		if fine && s.fine > 0 {
			pitches = append(pitches, s.fine)
		}
		for _, p := range pitches {
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vEnum("size", s.m+"×"+num(p)), vNum("pitch", p, "mm"), vNum("overall", s.L, "mm")},
				code:  s.m + "X" + num(p),
				price: (5 + 0.13*s.dia*s.dia) * mf,
				grams: math.Pi / 4 * s.dia * s.dia * s.L * steelGPerMM3 * 0.7,
			})
		}
	}
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 3464.1"), vEnum("type", k.text), vEnum("material", mat), vEnum("coating", coat), vEnum("tolerance", tol)}
	d.hot, d.name = "机用丝锥", k.text
	d.words = []string{mat, coat, tapSizes[lo].m + "-" + tapSizes[hi-1].m}
	d.tail = g.pick("攻丝", "攻牙", "")
	d.model = fmt.Sprintf("%s-%s", k.code, tol)
	d.desc = fmt.Sprintf("%s，材质%s，%s，螺纹公差%s，按GB/T 3464.1机用丝锥尺寸制造。%s。建议配合切削油使用，可用于攻丝机、钻床与加工中心。",
		k.text, mat, coat, tol, k.use)
	d.sale = sale{unit: "支", moq: 1, mult: 1, breaks: []int64{10, 100}, stockLo: 10, stockHi: 3000}
}
