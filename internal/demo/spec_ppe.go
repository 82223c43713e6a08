package demo

import (
	"fmt"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

var gloveSizes = []string{"7/S", "8/M", "9/L", "10/XL", "11/XXL"}

var gloveTypes = []struct {
	text, code, coat, liner, en388, cut string
	price                               float64 // yuan per pair
	colors                              []string
	touch                               bool
}{
	{"丁腈浸胶手套", "NB", "丁腈", "13针尼龙", "4121X", "无", 3.6, []string{"灰色", "黑色", "蓝色"}, false},
	{"丁腈磨砂手套", "NS", "丁腈磨砂", "15针尼龙", "4131X", "无", 5.2, []string{"黑色", "灰色"}, true},
	{"PU涂掌手套", "PU", "聚氨酯(PU)", "13针涤纶", "3131X", "无", 2.9, []string{"白色", "灰色", "黑色"}, true},
	{"乳胶皱纹手套", "LX", "乳胶", "10针棉纱", "2142X", "无", 2.7, []string{"蓝色", "绿色", "橙色"}, false},
	{"防切割手套", "CT", "丁腈", "13针HPPE", "4X43D", "D", 14.5, []string{"灰色", "黑色"}, false},
	{"5级防割手套", "C5", "PU", "13针HPPE混纺玻纤", "4X44F", "F", 24.0, []string{"灰色"}, true},
	{"电焊手套", "WD", "无", "头层牛皮", "3122X", "无", 16.0, []string{"黄色", "红色"}, false},
}

func gloves() *family {
	var types []string
	for _, t := range gloveTypes {
		types = append(types, t.text)
	}
	return &family{group: gPPE, weight: 3, prefix: "GL", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 12624", "EN 388"),
		aEnum("type", "款式", "Style", req|filt, types...),
		aText("coating", "涂层材质", "Coating", req),
		aText("liner", "内衬", "Liner", req),
		aText("en388", "EN 388 防护等级", "EN 388 rating", req|filt),
		aEnum("cut_level", "防切割等级", "Cut level (ISO 13997)", filt, "无", "A", "B", "C", "D", "E", "F"),
		aBool("touch", "触屏", "Touchscreen", filt),
		aEnum("size", "尺码", "Size", req|filt|sales, gloveSizes...),
		aEnum("color", "颜色", "Colour", req|filt|sales, "灰色", "黑色", "蓝色", "白色", "绿色", "橙色", "黄色", "红色"),
	}, build: buildGloves}
}

func buildGloves(g *gen, d *draft) {
	t := gloveTypes[g.pickW(25, 12, 20, 12, 12, 6, 13)]
	lo, hi := g.window(len(gloveSizes), 4, 5)
	colors := g.some(1+g.r.IntN(len(t.colors)), t.colors)
	for _, c := range colors {
		for _, sz := range gloveSizes[lo:hi] {
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vEnum("size", sz), vEnum("color", c)},
				code:  strings.ReplaceAll(sz, "/", "") + "-" + colorCode(c),
				price: t.price,
				grams: 60,
			})
		}
	}
	d.attrs = []catalog.Value{vEnum("standard", "EN 388"), vEnum("type", t.text), vText("coating", t.coat), vText("liner", t.liner),
		vText("en388", t.en388), vEnum("cut_level", t.cut), vBool("touch", t.touch)}
	d.hot, d.name = "劳保手套", t.text
	d.words = []string{"EN 388 " + t.en388, t.liner}
	if t.touch {
		d.words = append(d.words, "可触屏")
	}
	d.tail = g.pick("耐磨防滑", "透气舒适", "工地干活", "")
	d.model = t.code + "-" + t.en388
	d.desc = fmt.Sprintf("%s，%s内衬，%s涂层，符合GB/T 12624-2020通用要求并按EN 388:2016检测，防护等级%s（耐磨-抗切割-抗撕裂-抗穿刺-ISO切割-抗冲击）。"+
		"贴合手型、灵活透气，适用于机械加工、汽车装配、物流搬运与建筑施工。", t.text, t.liner, t.coat, t.en388)
	if g.chance(0.5) {
		d.sale = sale{unit: "双", moq: 12, mult: 12, breaks: []int64{120, 1200}, stockLo: 240, stockHi: 50000}
	} else {
		d.sale = sale{unit: "打", per: 12, moq: 1, mult: 1, breaks: []int64{10, 100}, factor: 0.97, stockLo: 20, stockHi: 4000}
	}
}

var colorCodes = map[string]string{
	"灰色": "GY", "黑色": "BK", "蓝色": "BL", "白色": "WH", "绿色": "GN", "橙色": "OR", "黄色": "YL", "红色": "RD", "透明": "CL",
}

func colorCode(c string) string { return colorCodes[c] }

var helmetStyles = []struct {
	text, code, mat string
	price, grams    float64
}{
	{"V型", "V", "ABS", 18, 420}, {"盔式", "R", "ABS", 16, 400}, {"欧式透气", "EU", "ABS", 42, 460},
	{"V型", "VP", "HDPE", 12, 390}, {"玻璃钢", "FRP", "玻璃钢", 35, 480}, {"大檐", "BW", "PC", 28, 440},
}

func helmets() *family {
	return &family{group: gPPE, weight: 2, prefix: "HM", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB 2811"),
		aEnum("material", "帽壳材质", "Shell material", req|filt, "ABS", "HDPE", "玻璃钢", "PC"),
		aEnum("style", "款式", "Style", req|filt, "V型", "盔式", "欧式透气", "玻璃钢", "大檐"),
		aBool("insulating", "电绝缘", "Electrically insulating", filt),
		aBool("antistatic", "防静电", "Antistatic", filt),
		aNum("weight", "帽重", "Weight", "g", 0),
		aEnum("color", "颜色", "Colour", req|filt|sales, "白色", "黄色", "红色", "蓝色", "橙色"),
		aEnum("suspension", "帽衬", "Suspension", req|filt|sales, "四点式", "六点式"),
		aEnum("print", "印字", "Printing", sales, "不印字", "印企业LOGO"),
	}, build: buildHelmet}
}

func buildHelmet(g *gen, d *draft) {
	s := helmetStyles[g.r.IntN(len(helmetStyles))]
	colors := g.some(4+g.r.IntN(2), []string{"白色", "黄色", "红色", "蓝色", "橙色"})
	susp := []string{g.pick("四点式", "六点式")}
	if g.chance(0.4) {
		susp = []string{"四点式", "六点式"}
	}
	prints := []string{"不印字"}
	if g.chance(0.35) {
		prints = append(prints, "印企业LOGO")
	}
	for _, c := range colors {
		for _, sp := range susp {
			for _, pr := range prints {
				pf := 1.0
				if sp == "六点式" {
					pf += 0.12
				}
				code := colorCode(c) + "-4"
				if sp == "六点式" {
					code = colorCode(c) + "-6"
				}
				if pr != "不印字" {
					pf += 0.15
					code += "P"
				}
				d.vars = append(d.vars, variant{
					spec:  []catalog.Value{vEnum("color", c), vEnum("suspension", sp), vEnum("print", pr)},
					code:  code,
					price: s.price * pf,
					grams: s.grams,
				})
			}
		}
	}
	insul := s.mat != "PC" && g.chance(0.7)
	d.attrs = []catalog.Value{vEnum("standard", "GB 2811"), vEnum("material", s.mat), vEnum("style", s.text), vBool("insulating", insul),
		vBool("antistatic", g.chance(0.3)), vNum("weight", s.grams, "g")}
	d.hot, d.name = "GB 2811-2019", "安全帽"
	d.words = []string{s.mat}
	if s.text != s.mat {
		d.words = append(d.words, s.text)
	}
	if insul {
		d.words = append(d.words, "电绝缘")
	}
	d.tail = g.pick("工地施工", "可印字", "透气", "")
	d.model = "HM-" + s.code
	d.desc = fmt.Sprintf("%s材质%s安全帽，按GB 2811-2019《头部防护 安全帽》生产并通过冲击吸收、耐穿刺与侧向刚性测试，"+
		"旋钮调节帽箍，吸汗带可拆洗。适用于建筑工地、电力、冶金、矿山与厂区作业。", s.mat, s.text)
	d.sale = sale{unit: "顶", moq: 1, mult: 1, breaks: []int64{50, 500}, stockLo: 50, stockHi: 10000}
}

var shoeKinds = []struct {
	text, code, en, toe, upper string
	puncture, insulating       bool
	price                      float64
}{
	{"防砸安全鞋", "S1", "S1", "钢包头", "头层牛皮", false, false, 98},
	{"防砸防刺穿安全鞋", "S1P", "S1P", "钢包头", "头层牛皮", true, false, 128},
	{"轻便飞织安全鞋", "FK", "S1P", "复合包头", "飞织布", true, false, 159},
	{"防水高帮安全靴", "S3", "S3", "钢包头", "头层牛皮", true, false, 218},
	{"6KV绝缘鞋", "EH", "SB", "复合包头", "超纤皮", false, true, 168},
}

func safetyShoes() *family {
	var kinds []string
	for _, k := range shoeKinds {
		kinds = append(kinds, k.text)
	}
	return &family{group: gPPE, weight: 3, prefix: "SS", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB 21148", "EN ISO 20345"),
		aEnum("type", "款式", "Style", req|filt, kinds...),
		aEnum("en_class", "EN ISO 20345 类别", "EN ISO 20345 class", filt, "SB", "S1", "S1P", "S3"),
		aEnum("toe", "包头", "Toe cap", req|filt, "钢包头", "复合包头"),
		aEnum("upper", "鞋面材质", "Upper", filt, "头层牛皮", "飞织布", "超纤皮"),
		aBool("puncture", "防刺穿", "Puncture resistant", filt),
		aBool("insulating", "电绝缘 6kV", "Electrical insulation 6 kV", filt),
		aBool("antistatic", "防静电", "Antistatic", filt),
		aNum("impact", "抗冲击能量", "Toe impact", "J", req),
		aNum("size", "尺码", "Size (EU)", "码", req|filt|sales),
		aEnum("color", "颜色", "Colour", filt|sales, "黑色", "灰色", "蓝色"),
	}, build: buildShoes}
}

func buildShoes(g *gen, d *draft) {
	k := shoeKinds[g.pickW(25, 25, 20, 15, 15)]
	first, last := 38, 46
	if g.chance(0.2) {
		first, last = 35, 47
	}
	if g.chance(0.3) {
		last = 45
	}
	colors := []string{"黑色"}
	if k.upper == "飞织布" {
		colors = g.some(1+g.r.IntN(2), []string{"黑色", "灰色", "蓝色"})
	}
	for _, c := range colors {
		for sz := first; sz <= last; sz++ {
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vNum("size", float64(sz), "码"), vEnum("color", c)},
				code:  fmt.Sprintf("%d-%s", sz, colorCode(c)),
				price: k.price,
				grams: 520 + 25*float64(sz-35),
			})
		}
	}
	antistatic := !k.insulating && g.chance(0.5)
	d.attrs = []catalog.Value{vEnum("standard", "GB 21148"), vEnum("type", k.text), vEnum("en_class", k.en), vEnum("toe", k.toe),
		vEnum("upper", k.upper), vBool("puncture", k.puncture), vBool("insulating", k.insulating), vBool("antistatic", antistatic),
		vNum("impact", 200, "J")}
	d.hot, d.name = "劳保鞋", k.text
	d.words = []string{k.toe, k.upper, "EN ISO 20345 " + k.en}
	if k.puncture {
		d.words = append(d.words, "防刺穿")
	}
	d.tail = g.pick("透气防滑", "耐油耐磨", "")
	d.model = "SS-" + k.code
	d.desc = fmt.Sprintf("%s，%s（200J抗冲击、15kN抗压），%s鞋面，按GB 21148-2020《足部防护 安全鞋》生产，同时符合EN ISO 20345 %s类要求。"+
		"耐油防滑橡胶大底，适用于机械制造、仓储物流、建筑与电力作业。", k.text, k.toe, k.upper, k.en)
	d.sale = sale{unit: "双", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 10, stockHi: 2000}
}

func respirators() *family {
	return &family{group: gPPE, weight: 2, prefix: "RP", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB 2626"),
		aEnum("class", "防护等级", "Filter class", req|filt, "KN90", "KN95", "KN100", "KP90", "KP95"),
		aEnum("shape", "款式", "Shape", req|filt, "折叠式", "杯型"),
		aNum("filtration", "过滤效率", "Filtration efficiency", "%", req|filt),
		aEnum("valve", "呼吸阀", "Exhalation valve", req|filt|sales, "带呼吸阀", "无呼吸阀"),
		aEnum("strap", "佩戴方式", "Strap", req|filt|sales, "头戴式", "耳戴式"),
		aEnum("color", "颜色", "Colour", filt|sales, "白色", "灰色"),
	}, build: buildRespirator}
}

func buildRespirator(g *gen, d *draft) {
	class := g.pick("KN95", "KN95", "KN90", "KN100", "KP90", "KP95")
	var eff, base float64
	switch class[2:] {
	case "90":
		eff, base = 90, 1.1
	case "95":
		eff, base = 95, 1.5
	default:
		eff, base = 99.97, 3.8
	}
	if class[1] == 'P' { // oily particles
		base *= 2
	}
	shape := g.pick("折叠式", "杯型")
	valves := []string{"带呼吸阀", "无呼吸阀"}
	straps := []string{"头戴式", "耳戴式"}
	perBox := int64(20)
	if shape == "杯型" {
		perBox = 10
	}
	for _, v := range valves {
		for _, s := range straps {
			pf := 1.0
			code := class
			if v == "带呼吸阀" {
				pf += 0.5
				code += "V"
			}
			if s == "头戴式" {
				pf += 0.1
				code += "H"
			}
			for _, c := range g.some(1+g.r.IntN(2), []string{"白色", "灰色"}) {
				d.vars = append(d.vars, variant{
					spec:  []catalog.Value{vEnum("valve", v), vEnum("strap", s), vEnum("color", c)},
					code:  code + "-" + colorCode(c),
					price: base * pf,
					grams: 12,
				})
			}
		}
	}
	d.attrs = []catalog.Value{vEnum("standard", "GB 2626"), vEnum("class", class), vEnum("shape", shape), vNum("filtration", eff, "%")}
	d.hot, d.name = class+"口罩", shape+"防尘口罩"
	d.words = []string{"GB 2626-2019", "防工业粉尘"}
	d.tail = g.pick("独立包装", "打磨装修", "")
	d.model = "RP-" + class
	d.desc = fmt.Sprintf("%s随弃式防颗粒物口罩，按GB 2626-2019《呼吸防护 自吸过滤式防颗粒物呼吸器》生产，过滤效率≥%s%%。"+
		"多层熔喷过滤，可调鼻夹贴合面部，适用于打磨、焊接、粉尘车间与装修作业。每盒%d只。", class, num(eff), perBox)
	d.sale = sale{unit: "盒", per: perBox, moq: 1, mult: 1, breaks: []int64{20, 100}, stockLo: 20, stockHi: 5000}
}
