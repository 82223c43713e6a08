package demo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

var (
	pushODs       = []float64{4, 6, 8, 10, 12}
	pushThreads   = []string{"M5", `1/8"`, `1/4"`, `3/8"`, `1/2"`}
	pushThrCodes  = []string{"M5", "01", "02", "03", "04"}
	pushThrFactor = []float64{0.9, 1, 1.15, 1.4, 1.7}
	// pushCombos: which threads each tube OD comes with (indexes into pushThreads).
	pushCombos = [][]int{{0, 1, 2}, {0, 1, 2, 3}, {1, 2, 3, 4}, {1, 2, 3, 4}, {2, 3, 4}}
)

var pushTypes = []struct {
	text, code string
	factor     float64
}{
	{"直通接头", "PC", 1}, {"直角弯头", "PL", 1.3}, {"外螺纹三通", "PB", 1.8},
}

var pushMaterials = []struct {
	text, code string
	factor     float64
}{
	{"镀镍黄铜", "", 1}, {"塑料本体+镀镍黄铜螺纹", "", 0.8}, {"不锈钢304", "S", 4},
}

func pushInFittings() *family {
	var types, mats []string
	for _, t := range pushTypes {
		types = append(types, t.text)
	}
	for _, m := range pushMaterials {
		mats = append(mats, m.text)
	}
	return &family{group: gPneumatic, weight: 4, prefix: "PF", attrs: []attrDef{
		aEnum("type", "接头类型", "Fitting type", req|filt, types...),
		aEnum("material", "材质", "Material", req|filt, mats...),
		aEnum("thread_std", "螺纹标准", "Thread standard", req|filt, "R (PT)", "G (PF)", "NPT"),
		aRange("pressure", "使用压力", "Working pressure", "MPa", req|filt),
		aRange("temp", "使用温度", "Temperature", "°C", filt),
		aText("medium", "适用介质", "Media", 0),
		aBool("sealant", "螺纹预涂密封胶", "Pre-applied thread sealant", 0),
		aNum("tube_od", "适用管外径", "Tube OD", "mm", req|filt|sales),
		aEnum("thread", "螺纹规格", "Thread size", req|filt|sales, pushThreads...),
	}, build: buildPushIn}
}

func buildPushIn(g *gen, d *draft) {
	t := pushTypes[g.pickW(45, 35, 20)]
	m := pushMaterials[g.pickW(55, 30, 15)]
	std := g.pick("R (PT)", "R (PT)", "G (PF)", "NPT")
	lo, hi := g.window(len(pushODs), 2, 5)
	for oi := lo; oi < hi; oi++ {
		od := pushODs[oi]
		for _, ti := range pushCombos[oi] {
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vNum("tube_od", od, "mm"), vEnum("thread", pushThreads[ti])},
				code:  m.code + t.code + num(od) + "-" + pushThrCodes[ti],
				price: (1.1 + 0.12*od) * pushThrFactor[ti] * t.factor * m.factor,
				grams: (6 + 1.6*od) * pushThrFactor[ti] * t.factor,
			})
		}
	}
	d.attrs = []catalog.Value{vEnum("type", t.text), vEnum("material", m.text), vEnum("thread_std", std),
		vRange("pressure", -0.1, 1, "MPa"), vRange("temp", 0, 60, "°C"), vText("medium", "压缩空气"), vBool("sealant", std != "G (PF)")}
	d.hot, d.name = "气管快插接头", "气动"+t.text
	d.words = []string{m.text, t.code + " " + num(pushODs[lo]) + "-" + num(pushODs[hi-1]) + "mm", std}
	d.tail = g.pick("快速接头", "一键插拔", "")
	d.model = m.code + t.code
	d.desc = fmt.Sprintf("气动%s（%s型），%s，%s螺纹，螺纹预涂密封胶，插入气管即锁紧、按下释放环即可拔出。"+
		"使用压力-100kPa~1.0MPa，温度0~60°C，适用于压缩空气管路与自动化设备。", t.text, t.code, m.text, std)
	if m.code == "S" {
		d.sale = sale{unit: "个", moq: 1, mult: 1, breaks: []int64{50, 500}, stockLo: 20, stockHi: 3000}
	} else {
		d.sale = sale{unit: "个", moq: 10, mult: 10, breaks: []int64{100, 1000}, stockLo: 200, stockHi: 50000}
	}
}

var tubeSizes = map[string][][3]float64{ // OD, ID, price per metre
	"PU": {{4, 2.5, 0.6}, {6, 4, 1.0}, {8, 5, 1.6}, {10, 6.5, 2.4}, {12, 8, 3.3}, {14, 10, 4.3}, {16, 12, 5.5}},
	"PA": {{4, 2.5, 0.85}, {6, 4, 1.4}, {8, 6, 2.1}, {10, 7.5, 3.2}, {12, 9, 4.4}, {16, 13, 7.2}},
}

func tubing() *family {
	return &family{group: gPneumatic, weight: 2, prefix: "TU", attrs: []attrDef{
		aEnum("material", "材质", "Material", req|filt, "聚氨酯 PU", "尼龙 PA12"),
		aNum("max_pressure", "最高使用压力", "Maximum pressure", "MPa", req|filt),
		aRange("temp", "使用温度", "Temperature", "°C", filt),
		aText("hardness", "硬度", "Hardness", 0),
		aNum("od", "外径", "Outside diameter", "mm", req|filt|sales),
		aNum("id", "内径", "Inside diameter", "mm", req|filt|sales),
		aEnum("color", "颜色", "Colour", req|filt|sales, "蓝色", "黑色", "透明", "橙色", "红色", "黄色", "绿色", "白色"),
		aText("pack", "包装规格", "Packing", sales),
	}, build: buildTubing}
}

func buildTubing(g *gen, d *draft) {
	pu := g.chance(0.7)
	mat, key, colors := "聚氨酯 PU", "PU", []string{"蓝色", "黑色", "透明", "橙色", "红色", "黄色", "绿色", "白色"}
	maxP, temp, hard, density := 0.8, [2]float64{-20, 60}, "邵氏98A", 1.2e-3
	if !pu {
		mat, key, colors = "尼龙 PA12", "PA", []string{"黑色", "白色", "蓝色"}
		maxP, temp, hard, density = 1.5, [2]float64{-40, 80}, "邵氏D65", 1.02e-3
	}
	sizes := tubeSizes[key]
	lo, hi := g.window(len(sizes), 4, len(sizes))
	cs := g.some(1+g.r.IntN(min(5, len(colors))), colors)
	roll := g.chance(0.5)
	for _, s := range sizes[lo:hi] {
		for _, c := range cs {
			v := variant{
				spec:  []catalog.Value{vNum("od", s[0], "mm"), vNum("id", s[1], "mm"), vEnum("color", c)},
				code:  fmt.Sprintf("%s%sX%s-%s", key, num(s[0]), num(s[1]), colorCode(c)),
				price: s[2],
				grams: math.Pi / 4 * (s[0]*s[0] - s[1]*s[1]) * 1000 * density,
			}
			if roll {
				v.per = 100
				if s[0] <= 4 {
					v.per = 200
				}
				v.spec = append(v.spec, vText("pack", strconv.FormatInt(v.per, 10)+"米/卷"))
			}
			d.vars = append(d.vars, v)
		}
	}
	d.attrs = []catalog.Value{vEnum("material", mat), vNum("max_pressure", maxP, "MPa"), vRange("temp", temp[0], temp[1], "°C"), vText("hardness", hard)}
	d.hot, d.name = key+"气管", "气动软管"
	d.words = []string{num(sizes[lo][0]) + "-" + num(sizes[hi-1][0]) + "mm", "耐压" + num(maxP) + "MPa"}
	d.tail = g.pick("空压机高压管", "耐磨抗弯折", "")
	d.model = key + "-" + num(sizes[lo][0]) + "~" + num(sizes[hi-1][0])
	d.desc = fmt.Sprintf("%s气管，硬度%s，20°C时最高使用压力%sMPa，使用温度%s~%s°C，外径公差±0.1mm，与快插接头配合密封可靠。"+
		"柔韧耐磨、抗弯折，适用于气动元件连接与自动化产线。", mat, hard, num(maxP), num(temp[0]), num(temp[1]))
	if roll {
		d.sale = sale{unit: "卷", moq: 1, mult: 1, breaks: []int64{5, 20}, factor: 0.9, stockLo: 5, stockHi: 800}
	} else {
		d.sale = sale{unit: "米", moq: 10, mult: 1, breaks: []int64{100, 500}, stockLo: 200, stockHi: 20000}
	}
}

var cylinderBores = []struct {
	bore, rod   float64
	port, rodTh string
}{
	{32, 12, "G1/8", "M10×1.25"}, {40, 16, "G1/4", "M12×1.25"}, {50, 20, "G1/4", "M16×1.5"},
	{63, 20, "G3/8", "M16×1.5"}, {80, 25, "G3/8", "M20×1.5"}, {100, 25, "G1/2", "M20×1.5"},
}

var cylinderStrokes = []float64{25, 50, 75, 100, 125, 150, 160, 175, 200, 250, 300, 400, 500}

func cylinders() *family {
	return &family{group: gPneumatic, weight: 2, prefix: "CY", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "ISO 15552", "GB/T 32336"),
		aEnum("action", "动作方式", "Action", req|filt, "双作用", "单作用"),
		aEnum("cushion", "缓冲方式", "Cushioning", filt, "可调气缓冲", "橡胶缓冲"),
		aBool("magnet", "带磁环", "Magnetic piston", filt),
		aText("barrel", "缸筒材质", "Barrel", 0),
		aRange("pressure", "使用压力", "Working pressure", "MPa", req|filt),
		aRange("temp", "使用温度", "Temperature", "°C", filt),
		aNum("bore", "缸径", "Bore", "mm", req|filt|sales),
		aNum("stroke", "行程", "Stroke", "mm", req|filt|sales),
		aNum("rod", "活塞杆直径", "Rod diameter", "mm", req|sales),
		aEnum("port", "接口螺纹", "Port", req|filt|sales, "G1/8", "G1/4", "G3/8", "G1/2"),
		aText("rod_thread", "活塞杆螺纹", "Rod thread", sales),
		aNum("force", "理论推力 (0.6MPa)", "Theoretical push force at 0.6 MPa", "N", req|filt|sales),
	}, build: buildCylinder}
}

func buildCylinder(g *gen, d *draft) {
	magnet := g.chance(0.7)
	blo, bhi := g.window(len(cylinderBores), 1, 3)
	nb := bhi - blo
	slo, shi := g.window(len(cylinderStrokes), 4, min(len(cylinderStrokes), maxSKUsPerProduct/nb))
	for _, b := range cylinderBores[blo:bhi] {
		for _, s := range cylinderStrokes[slo:shi] {
			force := math.Round(math.Pi / 4 * b.bore * b.bore * 0.6)
			price := 60 + 1.2*b.bore + s*(0.12+b.bore*0.004)
			if magnet {
				price += 8
			}
			d.vars = append(d.vars, variant{
				spec: []catalog.Value{vNum("bore", b.bore, "mm"), vNum("stroke", s, "mm"), vNum("rod", b.rod, "mm"),
					vEnum("port", b.port), vText("rod_thread", b.rodTh), vNum("force", force, "N")},
				code:  fmt.Sprintf("%sX%s", num(b.bore), num(s)),
				price: price,
				grams: 0.45*b.bore*b.bore + 0.06*b.bore*s,
			})
		}
	}
	std := g.pick("ISO 15552", "GB/T 32336")
	d.attrs = []catalog.Value{vEnum("standard", std), vEnum("action", "双作用"), vEnum("cushion", "可调气缓冲"), vBool("magnet", magnet),
		vText("barrel", "阳极氧化铝合金型材"), vRange("pressure", 0.1, 1, "MPa"), vRange("temp", -5, 70, "°C")}
	d.hot, d.name = "ISO 15552", "标准气缸"
	bores := "Φ" + num(cylinderBores[blo].bore)
	if nb > 1 {
		bores += "-" + num(cylinderBores[bhi-1].bore)
	}
	d.words = []string{"双作用", bores, "行程" + num(cylinderStrokes[slo]) + "-" + num(cylinderStrokes[shi-1])}
	if magnet {
		d.words = append(d.words, "带磁")
	}
	d.tail = g.pick("铝合金气缸", "可调缓冲", "")
	d.model = "SC" + num(cylinderBores[blo].bore)
	d.desc = fmt.Sprintf("双作用标准气缸，安装尺寸符合ISO 15552（GB/T 32336-2015），缸径%smm，两端可调气缓冲%s。"+
		"缸筒为阳极氧化铝合金型材，活塞杆镀硬铬，使用压力0.1~1.0MPa，适用于自动化设备的推送、夹紧与升降。", bores[len("Φ"):], map[bool]string{true: "，活塞带磁环可装磁性开关", false: ""}[magnet])
	d.sale = sale{unit: "支", moq: 1, mult: 1, breaks: []int64{5, 20}, stockLo: 2, stockHi: 500}
}
