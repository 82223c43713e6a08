package demo

import (
	"fmt"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// Product groups: the top-level categories. Brands and suppliers specialise by group.
const (
	gFasteners = iota
	gBearings
	gValves
	gPPE
	gTools
	gElectrical
	gPneumatic
	nGroups
)

// Attribute flags.
const (
	req   = 1 << iota // required
	filt              // filterable in search
	sales             // varies by SKU: the value lives in each SKU's Spec
)

// attrDef is one attribute of a category template.
type attrDef struct {
	code, zh, en string
	kind         catalog.AttrKind
	unit         string
	opts         []string
	flags        int
	id           string // assigned when written
}

func aEnum(code, zh, en string, flags int, opts ...string) attrDef {
	return attrDef{code: code, zh: zh, en: en, kind: catalog.Enum, opts: opts, flags: flags}
}

func aNum(code, zh, en, unit string, flags int) attrDef {
	return attrDef{code: code, zh: zh, en: en, kind: catalog.Number, unit: unit, flags: flags}
}

func aRange(code, zh, en, unit string, flags int) attrDef {
	return attrDef{code: code, zh: zh, en: en, kind: catalog.Range, unit: unit, flags: flags}
}

func aText(code, zh, en string, flags int) attrDef {
	return attrDef{code: code, zh: zh, en: en, kind: catalog.Text, flags: flags}
}

func aBool(code, zh, en string, flags int) attrDef {
	return attrDef{code: code, zh: zh, en: en, kind: catalog.Bool, flags: flags}
}

// catDef is a node of the category tree; a leaf carries the family that fills it.
type catDef struct {
	code, zh, en string
	attrs        []attrDef
	kids         []*catDef
	fam          *family
	id, path     string // assigned when written
}

// family generates the products of one leaf category.
type family struct {
	group  int
	weight int    // share of products among all families
	prefix string // SKU code prefix
	attrs  []attrDef
	build  func(g *gen, d *draft)
	leaf   *catDef
}

func node(code, zh, en string, kids ...*catDef) *catDef {
	return &catDef{code: code, zh: zh, en: en, kids: kids}
}

func leaf(code, zh, en string, f *family) *catDef {
	return &catDef{code: code, zh: zh, en: en, attrs: f.attrs, fam: f}
}

// root is a top-level category; every product inherits its origin attribute.
func root(code, zh, en string, kids ...*catDef) *catDef {
	c := node(code, zh, en, kids...)
	c.attrs = []attrDef{aText("origin", "产地", "Origin", filt)}
	return c
}

// categoryTree builds a fresh tree (IDs are assigned per generation).
func categoryTree() []*catDef {
	return []*catDef{
		root("fasteners", "紧固件", "Fasteners",
			node("bolts", "螺栓", "Bolts",
				leaf("hex-bolts", "外六角螺栓", "Hex Head Bolts", hexBolts()),
			),
			node("screws", "螺钉", "Screws",
				leaf("socket-cap-screws", "内六角圆柱头螺钉", "Hex Socket Head Cap Screws", socketScrews()),
			),
			node("nuts", "螺母", "Nuts",
				leaf("hex-nuts", "六角螺母", "Hex Nuts", hexNuts()),
			),
			node("washers", "垫圈", "Washers",
				leaf("flat-washers", "平垫圈", "Flat Washers", flatWashers()),
				leaf("spring-washers", "弹簧垫圈", "Spring Lock Washers", springWashers()),
			),
		),
		root("bearings", "轴承", "Bearings",
			leaf("deep-groove-ball-bearings", "深沟球轴承", "Deep Groove Ball Bearings", deepGrooveBearings()),
			leaf("tapered-roller-bearings", "圆锥滚子轴承", "Tapered Roller Bearings", taperedBearings()),
		),
		root("pipe-valves", "管件阀门", "Pipe Fittings & Valves",
			node("valves", "阀门", "Valves",
				leaf("ball-valves", "球阀", "Ball Valves", ballValves()),
				leaf("gate-valves", "闸阀", "Gate Valves", gateValves()),
			),
			node("pipe-fittings", "管件", "Pipe Fittings",
				leaf("threaded-fittings", "螺纹管件", "Threaded Pipe Fittings", threadedFittings()),
				leaf("flanges", "法兰", "Flanges", flanges()),
			),
		),
		root("ppe", "劳保用品", "Personal Protective Equipment",
			leaf("work-gloves", "防护手套", "Work Gloves", gloves()),
			leaf("safety-helmets", "安全帽", "Safety Helmets", helmets()),
			leaf("safety-shoes", "安全鞋", "Safety Shoes", safetyShoes()),
			leaf("respirators", "防尘口罩", "Particulate Respirators", respirators()),
		),
		root("cutting-tools", "刀具", "Cutting Tools",
			node("holemaking", "孔加工刀具", "Holemaking",
				leaf("twist-drills", "麻花钻", "Twist Drills", twistDrills()),
				leaf("taps", "丝锥", "Taps", taps()),
			),
			node("milling", "铣削刀具", "Milling",
				leaf("end-mills", "立铣刀", "End Mills", endMills()),
			),
		),
		root("electrical", "低压电器", "Low-Voltage Electrical",
			leaf("miniature-circuit-breakers", "小型断路器", "Miniature Circuit Breakers", breakers()),
			leaf("ac-contactors", "交流接触器", "AC Contactors", contactors()),
			leaf("thermal-overload-relays", "热过载继电器", "Thermal Overload Relays", overloadRelays()),
		),
		root("pneumatics", "气动元件", "Pneumatic Components",
			leaf("push-in-fittings", "快插接头", "Push-in Fittings", pushInFittings()),
			leaf("pneumatic-tubing", "气管", "Pneumatic Tubing", tubing()),
			leaf("air-cylinders", "标准气缸", "ISO 15552 Air Cylinders", cylinders()),
		),
	}
}

// brandDef is a fictional brand. Any likeness to a real brand is unintended.
type brandDef struct {
	name, en, origin string
	group            int // -1: a general private label across groups
	founded          int
	level            float64 // price level
	pop              float64 // popularity, scales sales counts
	works            string  // what its factory has, for the brand story
	id               string
}

func (b *brandDef) story() string {
	return fmt.Sprintf("品牌故事：%s（%s）创立于%d年，总部及生产基地位于%s。%s。", b.name, b.en, b.founded, b.origin, b.works)
}

// brandTable lists the fictional brands.
func brandTable() []*brandDef {
	type row struct {
		name, en, origin string
		founded          int
		level, pop       float64
	}
	groups := []struct {
		group int
		works string
		rows  []row
	}{
		{gFasteners, "拥有多工位冷镦机、搓丝机与网带式热处理线，执行GB/T 3098机械性能检验，通过ISO 9001认证", []row{
			{"固特牢", "GUTELAO", "河北邯郸永年", 1998, 1.00, 1.6},
			{"铆鼎", "MAODING", "浙江嘉兴海盐", 2004, 1.05, 1.0},
			{"坚锚", "JIANMAO", "河北邯郸永年", 2009, 0.92, 0.8},
			{"钜紧", "JUJIN", "江苏无锡", 2001, 1.12, 1.1},
			{"螺泰丰", "LUOTAIFENG", "浙江宁波", 2012, 0.95, 0.7},
			{"锁得稳", "SUODEWEN", "广东东莞", 2015, 1.02, 0.9},
			{"恒钜", "HENGJU", "上海嘉定", 1995, 1.25, 1.2},
			{"铁砧", "TIEZHEN", "天津静海", 2007, 0.90, 0.6},
		}},
		{gBearings, "拥有全自动磨超生产线与套圈热处理线，成品逐套检测振动与噪声，通过IATF 16949认证", []row{
			{"恒轮", "HENGLUN", "山东聊城临清", 2003, 1.00, 1.4},
			{"旋宇", "XUANYU", "江苏无锡", 2008, 1.08, 1.0},
			{"环滚", "HUANGUN", "浙江宁波慈溪", 2011, 0.94, 0.8},
			{"滚驰", "GUNCHI", "河南洛阳", 1999, 1.15, 1.1},
			{"精圆", "JINGYUAN", "辽宁瓦房店", 1997, 1.20, 0.9},
			{"轴芯", "ZHOUXIN", "山东聊城临清", 2014, 0.88, 0.7},
			{"稳转", "WENZHUAN", "浙江新昌", 2010, 1.02, 0.8},
		}},
		{gValves, "拥有精密铸造、数控加工与100%壳体及密封压力试验设备，通过API 6D与ISO 9001认证", []row{
			{"阀立通", "FALITONG", "浙江温州永嘉", 2002, 1.00, 1.3},
			{"汇流", "HUILIU", "浙江温州龙湾", 2006, 0.96, 1.0},
			{"管鑫", "GUANXIN", "河北沧州孟村", 2010, 0.90, 0.9},
			{"澜阀", "LANFA", "上海松江", 1996, 1.22, 1.0},
			{"通衢", "TONGQU", "江苏盐城", 2013, 0.94, 0.7},
			{"沛源", "PEIYUAN", "天津北辰", 2005, 1.05, 0.8},
			{"闸川", "ZHACHUAN", "河北沧州盐山", 2008, 0.92, 0.7},
		}},
		{gPPE, "自有浸胶、注塑与成鞋生产线，产品经国家劳动防护用品质量检验中心检测，持有LA劳安认证", []row{
			{"护匠", "HUJIANG", "山东潍坊高密", 2006, 1.00, 1.5},
			{"安盾", "ANDUN", "江苏南通", 2009, 1.05, 1.1},
			{"卫士达", "WEISHIDA", "广东佛山", 2011, 0.95, 0.9},
			{"劳安", "LAOAN", "河北保定", 2003, 0.90, 0.8},
			{"盾甲", "DUNJIA", "福建泉州晋江", 2012, 1.10, 1.0},
			{"铠护", "KAIHU", "浙江温州", 2015, 1.18, 0.8},
			{"佑工", "YOUGONG", "江苏苏州", 2008, 0.98, 0.9},
		}},
		{gTools, "拥有五轴数控工具磨床与PVD涂层炉，刀具出厂逐支检测跳动与刃口，通过ISO 9001认证", []row{
			{"锋锐达", "FENGRUIDA", "江苏丹阳", 2005, 1.00, 1.4},
			{"钨刃", "WUREN", "湖南株洲", 2009, 1.20, 1.0},
			{"切金", "QIEJIN", "江苏丹阳", 2001, 0.92, 0.9},
			{"锐铣", "RUIXIAN", "广东东莞", 2013, 1.08, 0.9},
			{"钻研", "ZUANYAN", "浙江台州", 2010, 0.95, 0.8},
			{"刃工坊", "BLADEWORKS", "上海闵行", 2016, 1.15, 0.7},
			{"精铣", "JINGXIAN", "四川自贡", 2007, 1.05, 0.8},
		}},
		{gElectrical, "拥有自动化装配与全检生产线，产品通过CCC强制性认证，并取得CE与CB认证", []row{
			{"电擎", "DIANQING", "浙江温州乐清", 2000, 1.00, 1.5},
			{"安闸", "ANZHA", "浙江温州乐清", 2006, 0.92, 1.0},
			{"睿控", "RUIKONG", "上海奉贤", 2010, 1.15, 0.9},
			{"沃电", "WODIAN", "江苏常州", 2008, 1.05, 0.8},
			{"曜开", "YAOKAI", "福建厦门", 2014, 1.10, 0.7},
			{"正弦", "ZHENGXIAN", "浙江温州柳市", 2003, 0.90, 1.0},
			{"固电", "GUDIAN", "广东中山", 2012, 0.95, 0.7},
		}},
		{gPneumatic, "拥有铝型材精加工与气密性全检设备，产品寿命测试超过1000万次，通过ISO 9001认证", []row{
			{"气匠", "QIJIANG", "浙江宁波奉化", 2004, 1.00, 1.4},
			{"御风", "YUFENG", "浙江宁波奉化", 2009, 0.95, 1.0},
			{"迅接", "XUNJIE", "浙江温州乐清", 2012, 0.90, 0.9},
			{"恒压", "HENGYA", "江苏无锡", 2006, 1.10, 0.8},
			{"巧气", "QIAOQI", "广东东莞", 2015, 0.94, 0.7},
			{"擎风", "QINGFENG", "浙江宁波", 2011, 1.05, 0.8},
			{"通气", "TONGQI", "上海青浦", 2001, 1.18, 0.8},
		}},
		{-1, "专注工业品一站式采购，严选源头工厂代工生产，统一品控与质保", []row{
			{"筑巢优品", "ZHUCHAO SELECT", "上海", 2024, 0.97, 1.2},
			{"工采优选", "GONGCAI CHOICE", "江苏苏州", 2018, 0.95, 1.0},
			{"匠心工品", "JIANGXIN MRO", "广东深圳", 2017, 1.00, 0.9},
			{"百工汇", "BAIGONGHUI", "浙江杭州", 2019, 0.93, 0.8},
		}},
	}
	var out []*brandDef
	for _, grp := range groups {
		for _, r := range grp.rows {
			out = append(out, &brandDef{name: r.name, en: r.en, origin: r.origin, group: grp.group, founded: r.founded,
				level: r.level, pop: r.pop, works: grp.works})
		}
	}
	return out
}
