package demo

import (
	"fmt"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// seriesName makes a fictional series designation from the brand ("DB3-63").
func seriesName(b *brandDef, kind string, suffix string) string {
	return fmt.Sprintf("%c%s%d-%s", b.en[0], kind, 1+b.founded%9, suffix)
}

var (
	mcbPoles      = []string{"1P", "1P+N", "2P", "3P", "3P+N", "4P"}
	mcbPoleFactor = []float64{1, 1.6, 2, 3, 3.8, 4}
	mcbPoleGrams  = []float64{110, 170, 220, 330, 390, 440}
	mcbCurrents   = []float64{6, 10, 16, 20, 25, 32, 40, 50, 63}
)

func breakers() *family {
	return &family{group: gElectrical, weight: 4, prefix: "MB", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 10963.1"),
		aText("series", "系列", "Series", req),
		aEnum("curve", "脱扣曲线", "Tripping curve", req|filt, "B", "C", "D"),
		aNum("icn", "额定短路分断能力", "Rated breaking capacity Icn", "kA", req|filt),
		aText("voltage", "额定电压", "Rated voltage", req),
		aNum("width", "单极宽度", "Width per pole", "mm", 0),
		aText("mounting", "安装方式", "Mounting", 0),
		aNum("life", "电气寿命", "Electrical life", "次", 0),
		aEnum("poles", "极数", "Poles", req|filt|sales, mcbPoles...),
		aNum("current", "额定电流", "Rated current In", "A", req|filt|sales),
	}, build: buildBreaker}
}

func buildBreaker(g *gen, d *draft) {
	curve := g.pick("C", "C", "C", "B", "D")
	icn := []float64{4.5, 6, 10}[g.pickW(30, 50, 20)]
	perPole := map[float64]float64{4.5: 9, 6: 13, 10: 24}[icn]
	if curve == "D" {
		perPole *= 1.15
	}
	np := 2 + g.r.IntN(5)
	poles := g.r.Perm(len(mcbPoles))[:np]
	var use [6]bool
	for _, p := range poles {
		use[p] = true
	}
	lo, hi := g.window(len(mcbCurrents), 4, min(9, maxSKUsPerProduct/np))
	series := seriesName(d.brand, "B", "63")
	var first, last string
	for pi, p := range mcbPoles {
		if !use[pi] {
			continue
		}
		if first == "" {
			first = p
		}
		last = p
		for _, in := range mcbCurrents[lo:hi] {
			cf := 1.0
			switch {
			case in >= 63:
				cf = 1.6
			case in >= 50:
				cf = 1.45
			case in >= 40:
				cf = 1.25
			}
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vEnum("poles", p), vNum("current", in, "A")},
				code:  p + "-" + curve + num(in),
				price: perPole * mcbPoleFactor[pi] * cf,
				grams: mcbPoleGrams[pi],
			})
		}
	}
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 10963.1"), vText("series", series), vEnum("curve", curve),
		vNum("icn", icn, "kA"), vText("voltage", "AC 230/400V"), vNum("width", 18, "mm"), vText("mounting", "35mm标准导轨"),
		vNum("life", 10000, "次")}
	d.hot, d.name = "空气开关", "小型断路器"
	d.words = []string{series, curve + "型", num(icn) + "kA", first + "-" + last,
		num(mcbCurrents[lo]) + "-" + num(mcbCurrents[hi-1]) + "A"}
	d.tail = g.pick("家用总闸", "配电箱用", "")
	d.model = series
	d.desc = fmt.Sprintf("%s系列小型断路器，%s型脱扣曲线，额定短路分断能力%skA，额定电压AC 230/400V，按GB/T 10963.1-2020（IEC 60898-1）生产并通过CCC认证。"+
		"具有过载与短路保护，银合金触头、灭弧迅速，35mm导轨安装，适用于住宅、商业楼宇与工业配电。", series, curve, num(icn))
	d.sale = sale{unit: "只", moq: 1, mult: 1, breaks: []int64{12, 120}, stockLo: 12, stockHi: 6000}
}

var contactorRatings = []struct{ ie, kw, grams, price float64 }{
	{9, 4, 320, 38}, {12, 5.5, 330, 45}, {18, 7.5, 340, 58}, {25, 11, 420, 82}, {32, 15, 430, 110}, {38, 18.5, 440, 135},
	{40, 18.5, 1100, 210}, {50, 22, 1150, 260}, {65, 30, 1200, 320}, {80, 37, 1600, 420}, {95, 45, 1650, 480},
}

var coilVoltages = []string{"AC24V", "AC36V", "AC110V", "AC220V", "AC380V", "DC24V"}

func contactors() *family {
	return &family{group: gElectrical, weight: 4, prefix: "CT", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 14048.4"),
		aText("series", "系列", "Series", req),
		aEnum("poles", "主触点", "Main poles", req|filt, "3P"),
		aEnum("aux", "辅助触点", "Auxiliary contacts", req|filt, "1NO", "1NC", "1NO+1NC"),
		aNum("ui", "额定绝缘电压", "Rated insulation voltage", "V", 0),
		aNum("mech_life", "机械寿命", "Mechanical life", "万次", 0),
		aNum("ie", "额定工作电流 AC-3", "Rated current AC-3", "A", req|filt|sales),
		aNum("power", "控制功率 AC-3 380V", "Motor power AC-3 380 V", "kW", req|filt|sales),
		aEnum("coil", "线圈电压", "Coil voltage", req|filt|sales, coilVoltages...),
	}, build: buildContactor}
}

func buildContactor(g *gen, d *draft) {
	lo, hi := g.window(len(contactorRatings), 3, 6)
	coils := g.some(3+g.r.IntN(4), coilVoltages)
	series := seriesName(d.brand, "C", "D")
	for _, r := range contactorRatings[lo:hi] {
		for _, c := range coils {
			cf := 1.0
			if c == "DC24V" {
				cf = 1.3
			}
			d.vars = append(d.vars, variant{
				spec:  []catalog.Value{vNum("ie", r.ie, "A"), vNum("power", r.kw, "kW"), vEnum("coil", c)},
				code:  fmt.Sprintf("%02d-%s", int(r.ie), c),
				price: r.price * cf,
				grams: r.grams,
			})
		}
	}
	aux := "1NO+1NC"
	if contactorRatings[hi-1].ie <= 38 && g.chance(0.3) {
		aux = g.pick("1NO", "1NC")
	}
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 14048.4"), vText("series", series), vEnum("poles", "3P"), vEnum("aux", aux),
		vNum("ui", 690, "V"), vNum("mech_life", 1000, "万次")}
	d.hot, d.name = "交流接触器", series+"系列接触器"
	d.words = []string{num(contactorRatings[lo].ie) + "-" + num(contactorRatings[hi-1].ie) + "A", aux, "银点"}
	d.tail = g.pick("电机控制", "三相380V", "")
	d.model = series + strconv.Itoa(int(contactorRatings[lo].ie))
	d.desc = fmt.Sprintf("%s系列交流接触器，3极主触点，辅助触点%s，额定绝缘电压690V，按GB/T 14048.4生产并通过CCC认证。"+
		"AC-3使用类别下可控制%s~%skW三相异步电动机，银合金触点、低功耗线圈，导轨或螺钉安装，可与同系列热过载继电器直接组合。",
		series, aux, num(contactorRatings[lo].kw), num(contactorRatings[hi-1].kw))
	d.sale = sale{unit: "只", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 2000}
}

// relayRanges: current setting ranges (A) of thermal overload relays, small frame
// (for 9–38 A contactors) then large frame (40–95 A).
var relayRanges = [][][2]float64{
	{{0.1, 0.16}, {0.16, 0.25}, {0.25, 0.4}, {0.4, 0.63}, {0.63, 1}, {1, 1.6}, {1.6, 2.5}, {2.5, 4}, {4, 6}, {5.5, 8},
		{7, 10}, {9, 13}, {12, 18}, {16, 24}, {17, 25}, {23, 32}, {30, 38}},
	{{17, 25}, {23, 32}, {30, 40}, {37, 50}, {48, 65}, {55, 70}, {63, 80}, {80, 93}},
}

func overloadRelays() *family {
	return &family{group: gElectrical, weight: 2, prefix: "OR", attrs: []attrDef{
		aEnum("standard", "执行标准", "Standard", req|filt, "GB/T 14048.4"),
		aText("series", "系列", "Series", req),
		aEnum("trip_class", "脱扣级别", "Trip class", req|filt, "10A", "20"),
		aEnum("reset", "复位方式", "Reset", filt, "手动/自动"),
		aBool("phase_loss", "断相保护", "Phase-loss protection", filt),
		aText("frame", "适配接触器", "For contactors", req),
		aRange("setting", "整定电流范围", "Current setting range", "A", req|filt|sales),
	}, build: buildRelay}
}

func buildRelay(g *gen, d *draft) {
	fi := g.pickW(70, 30)
	ranges := relayRanges[fi]
	lo, hi := g.window(len(ranges), 4, len(ranges))
	series := seriesName(d.brand, "R", "D")
	frame := "9~38A接触器"
	base := 38.0
	if fi == 1 {
		frame, base = "40~95A接触器", 95
	}
	for _, r := range ranges[lo:hi] {
		d.vars = append(d.vars, variant{
			spec:  []catalog.Value{vRange("setting", r[0], r[1], "A")},
			code:  num(r[0]) + "-" + num(r[1]) + "A",
			price: base * (1 + r[1]/120),
			grams: 150 + 370*float64(fi),
		})
	}
	trip := g.pick("10A", "10A", "20")
	d.attrs = []catalog.Value{vEnum("standard", "GB/T 14048.4"), vText("series", series), vEnum("trip_class", trip),
		vEnum("reset", "手动/自动"), vBool("phase_loss", true), vText("frame", frame)}
	d.hot, d.name = "热继电器", "热过载继电器"
	d.words = []string{series, num(ranges[lo][0]) + "-" + num(ranges[hi-1][1]) + "A", trip + "级", "断相保护"}
	d.tail = g.pick("电机过载保护", "")
	d.model = series
	d.desc = fmt.Sprintf("%s系列热过载继电器，脱扣级别%s，带断相保护、温度补偿与手动/自动复位，可直接插装于%s下方。"+
		"按GB/T 14048.4生产，为交流电动机提供过载与断相保护。", series, trip, frame)
	d.sale = sale{unit: "只", moq: 1, mult: 1, breaks: []int64{10, 50}, stockLo: 5, stockHi: 2000}
}
