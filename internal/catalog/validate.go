package catalog

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Units lists the units a template attribute may carry, by dimension. Suppliers may type
// any unit of the same dimension (or a Chinese or ASCII spelling, see ParseValue); the
// value is stored converted into the attribute's unit so that search compares like with
// like. The inch mark ″ is deliberately its own dimension: in this trade 1/2″ names a
// pipe-thread size, not 12.7 mm. Units of the demo catalogue (kN, kA, HRC, 万次…) are
// included so that existing templates can be edited.
var Units = []string{
	"mm", "cm", "m", "μm", "″",
	"g", "kg", "t",
	"N", "kN", "N·m",
	"W", "kW", "V", "A", "kA",
	"Pa", "kPa", "MPa", "bar",
	"°C", "°", "L/min", "rpm", "%", "HRC", "J",
	"件", "个", "次", "万次", "码",
}

// SaleUnits lists the units a SKU may be sold in (计量单位).
var SaleUnits = []string{"件", "个", "只", "套", "盒", "包", "千件", "米", "卷", "箱", "台", "把", "副", "双", "公斤"}

// unitScale places a unit in its dimension: a value in the unit times scale is the value
// in the dimension's base unit.
type unitScale struct {
	dim   string
	scale float64
}

var unitScales = map[string]unitScale{
	"μm": {"length", 0.001}, "mm": {"length", 1}, "cm": {"length", 10}, "m": {"length", 1000},
	"″": {"inch", 1},
	"g": {"mass", 1}, "kg": {"mass", 1000}, "t": {"mass", 1e6},
	"N": {"force", 1}, "kN": {"force", 1000},
	"N·m": {"torque", 1},
	"W":   {"power", 1}, "kW": {"power", 1000},
	"V": {"voltage", 1},
	"A": {"current", 1}, "kA": {"current", 1000},
	"Pa": {"pressure", 1}, "kPa": {"pressure", 1e3}, "bar": {"pressure", 1e5}, "MPa": {"pressure", 1e6},
	"°C": {"temperature", 1}, "°": {"angle", 1}, "L/min": {"flow", 1}, "rpm": {"speed", 1},
	"%": {"percent", 1}, "HRC": {"hardness", 1}, "J": {"energy", 1},
	"件": {"piece", 1}, "个": {"each", 1}, "次": {"cycles", 1}, "万次": {"cycles", 1e4}, "码": {"size", 1},
}

// unitAliases maps other spellings (compared in lower case) to the canonical unit.
var unitAliases = map[string]string{
	"毫米": "mm", "厘米": "cm", "米": "m", "um": "μm", "µm": "μm", "微米": "μm",
	"\"": "″", "in": "″", "inch": "″", "英寸": "″",
	"克": "g", "千克": "kg", "公斤": "kg", "吨": "t",
	"牛": "N", "千牛": "kN", "n.m": "N·m", "n*m": "N·m", "n-m": "N·m", "n•m": "N·m", "牛米": "N·m", "牛·米": "N·m",
	"瓦": "W", "千瓦": "kW", "伏": "V", "安": "A", "千安": "kA",
	"帕": "Pa", "千帕": "kPa", "兆帕": "MPa", "巴": "bar",
	"℃": "°C", "摄氏度": "°C", "度": "°",
	"l/min": "L/min", "升/分": "L/min", "r/min": "rpm", "转/分": "rpm",
	"焦": "J",
}

// ValidUnit reports whether u is one of Units.
func ValidUnit(u string) bool { _, ok := unitScales[u]; return ok }

// ValidSaleUnit reports whether u is one of SaleUnits.
func ValidSaleUnit(u string) bool {
	for _, s := range SaleUnits {
		if s == u {
			return true
		}
	}
	return false
}

// NormalizeUnit returns the canonical spelling of a unit as people type it ("毫米",
// "MM", "℃", "N.m"), reporting false for anything it does not know.
func NormalizeUnit(s string) (string, bool) {
	s = strings.TrimSpace(normalizeWidth(s))
	if _, ok := unitScales[s]; ok {
		return s, true
	}
	low := strings.ToLower(s)
	if u, ok := unitAliases[low]; ok {
		return u, true
	}
	for u := range unitScales {
		if strings.ToLower(u) == low {
			return u, true
		}
	}
	return "", false
}

// ConvertUnit converts x from one unit to another of the same dimension, rounding away
// binary noise (1.2 m is 1200 mm, not 1200.0000000000002).
func ConvertUnit(x float64, from, to string) (float64, bool) {
	f, ok1 := unitScales[from]
	t, ok2 := unitScales[to]
	if !ok1 || !ok2 || f.dim != t.dim {
		return 0, false
	}
	if from == to {
		return x, true
	}
	y := x * f.scale / t.scale
	y, _ = strconv.ParseFloat(strconv.FormatFloat(y, 'g', 12, 64), 64)
	return y, true
}

// FormatNumber writes a parameter number without exponent or trailing zeros.
func FormatNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// Parameter numbers must be zero or within these magnitudes, so that they print without
// an exponent and survive a round trip through their text.
const (
	maxParamNumber = 1e12
	minParamNumber = 1e-9
	maxValueText   = 200
)

// normalizeWidth maps full-width ASCII, the ideographic space and full stop, the wave
// dash and the minus sign to their ASCII forms, as a Chinese IME types them.
func normalizeWidth(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r = r - 0xFF01 + '!'
		case r == 0x3000:
			r = ' '
		case r == '。':
			r = '.'
		case r == '〜':
			r = '~'
		case r == '−':
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func invalid(key string, args ...any) error { return errs.E(errs.Invalid, key, args...) }

// ParseValue reads what a supplier typed for attribute a into a Value, checking it by
// kind: an enum value must be one of the options; a number may carry a unit that is the
// attribute's or convertible to it ("4cm" for a mm attribute is stored as 40 mm); a
// range is "0-10", "0~10" or "0至10", a unit on either end; a boolean is 是/否 (yes/no,
// 1/0…); text is at most 200 characters. The Value's Text is canonical ("40mm",
// "0~10bar", "是"), and parsing it again gives the same Value. Errors are Invalid with a
// message key and no field: the caller names the field.
func ParseValue(a Attribute, raw string) (Value, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return Value{}, invalid("err.required")
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, isControl) {
		return Value{}, invalid("err.bad_chars")
	}
	if utf8.RuneCountInString(s) > maxValueText {
		return Value{}, invalid("err.too_long", maxValueText)
	}
	switch a.Kind {
	case Text:
		return Value{Code: a.Code, Text: s}, nil
	case Enum:
		for _, o := range a.Options {
			if o == s {
				return Value{Code: a.Code, Text: o}, nil
			}
		}
		n := normalizeWidth(s)
		for _, o := range a.Options {
			if strings.EqualFold(normalizeWidth(o), n) {
				return Value{Code: a.Code, Text: o}, nil
			}
		}
		return Value{}, invalid("err.cat_value_option", s)
	case Bool:
		switch strings.ToLower(normalizeWidth(s)) {
		case "是", "有", "yes", "y", "true", "1", "on":
			return Value{Code: a.Code, Text: "是"}, nil
		case "否", "无", "no", "n", "false", "0", "off":
			return Value{Code: a.Code, Text: "否"}, nil
		}
		return Value{}, invalid("err.cat_value_bool")
	case Number:
		num, unit, ok := splitNumber(normalizeWidth(s))
		if !ok {
			return Value{}, invalid("err.cat_value_number")
		}
		x, err := quantity(num, unit, a.Unit)
		if err != nil {
			return Value{}, err
		}
		return Value{Code: a.Code, Text: FormatNumber(x) + a.Unit, Num: &x, Unit: a.Unit}, nil
	case Range:
		n := normalizeWidth(s)
		ls, hs, ok := splitRange(n)
		if !ok {
			return Value{}, invalid("err.cat_value_range_format")
		}
		lnum, lunit, ok1 := splitNumber(strings.TrimSpace(ls))
		hnum, hunit, ok2 := splitNumber(strings.TrimSpace(hs))
		if !ok1 || !ok2 {
			return Value{}, invalid("err.cat_value_range_format")
		}
		if lunit == "" {
			lunit = hunit
		}
		if hunit == "" {
			hunit = lunit
		}
		lo, err := quantity(lnum, lunit, a.Unit)
		if err != nil {
			return Value{}, err
		}
		hi, err := quantity(hnum, hunit, a.Unit)
		if err != nil {
			return Value{}, err
		}
		if lo > hi {
			return Value{}, invalid("err.cat_value_range_order", FormatNumber(lo), FormatNumber(hi))
		}
		return Value{Code: a.Code, Text: FormatNumber(lo) + "~" + FormatNumber(hi) + a.Unit, Num: &lo, Max: &hi, Unit: a.Unit}, nil
	}
	return Value{}, invalid("err.cat_attr_kind")
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// splitNumber cuts a leading decimal number ("-12.5", ".5", "8.") from s and returns it
// with the rest, trimmed, as the unit. Exponents, NaN and infinities are not numbers
// here.
func splitNumber(s string) (num, unit string, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
			continue
		}
		if c == '.' && !dot {
			dot = true
			continue
		}
		break
	}
	if digits == 0 || i > 40 {
		return "", "", false
	}
	return s[:i], strings.TrimSpace(s[i:]), true
}

// splitRange cuts "lo~hi" (also 至, 到, dashes, or a hyphen that is not a sign).
func splitRange(s string) (lo, hi string, ok bool) {
	for _, sep := range []string{"~", "至", "到", "—", "–"} {
		if i := strings.Index(s, sep); i >= 0 {
			return s[:i], s[i+len(sep):], true
		}
	}
	for i := 1; i < len(s); i++ {
		if s[i] != '-' {
			continue
		}
		if prev := strings.TrimSpace(s[:i]); prev != "" && !strings.HasSuffix(prev, "-") && !strings.HasSuffix(prev, "+") {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

// quantity parses num in unit (or the attribute's unit when unit is "") into attrUnit.
func quantity(num, unit, attrUnit string) (float64, error) {
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, invalid("err.cat_value_number")
	}
	if unit != "" {
		canon, ok := NormalizeUnit(unit)
		switch {
		case !ok:
			return 0, invalid("err.cat_unit_unknown", unit)
		case attrUnit == "":
			return 0, invalid("err.cat_unit_none", canon)
		case canon != attrUnit:
			y, ok := ConvertUnit(x, canon, attrUnit)
			if !ok {
				return 0, invalid("err.cat_unit_wrong", canon, attrUnit)
			}
			x = y
		}
	}
	if a := math.Abs(x); a > maxParamNumber || (a != 0 && a < minParamNumber) {
		return 0, invalid("err.cat_value_magnitude")
	}
	if x == 0 {
		x = 0 // no "-0"
	}
	return x, nil
}

// Formats of codes.
var (
	categoryCodeRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	attrCodeRe     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,29}$`)
	skuCodeRe      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/+#-]{0,39}$`)
)

// checkText trims s and checks its length in characters and that it has no control
// characters (newlines only where multiline).
func checkText(v *errs.Validator, field, s string, min, max int, required, multiline bool) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		if required {
			v.Add(field, "err.required")
		}
	case n < min:
		v.Add(field, "err.too_short", min)
	case n > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return isControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// parseCount reads a whole number as people type it ("1000", "1,000", "１０００").
func parseCount(s string) (int64, bool) {
	s = strings.TrimSpace(normalizeWidth(s))
	if strings.Contains(s, ",") {
		parts := strings.Split(s, ",")
		for i, p := range parts {
			if (i == 0 && (len(p) < 1 || len(p) > 3)) || (i > 0 && len(p) != 3) {
				return 0, false
			}
		}
		s = strings.Join(parts, "")
	}
	if s == "" || len(s) > 13 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			if !(i == 0 && s[i] == '-' && len(s) > 1) {
				return 0, false
			}
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Limits on products and SKUs.
const (
	MaxSKUs      = 100
	MaxTiers     = 10
	maxQty       = 1_000_000_000
	maxStock     = 1_000_000_000_000
	maxWeightG   = 1_000_000_000
	maxVolumeCM3 = 1_000_000_000 // 1,000 m³
	maxOptions   = 200
	maxOptionLen = 40
)

// productDraft is a validated product before it is written.
type productDraft struct {
	Brand       string
	Name, Model string
	Title       string
	Description string
	Attrs       []Value
	SKUs        []skuDraft
}

// skuDraft is a validated SKU row; Row is its index on the form.
type skuDraft struct {
	Row int
	ID  string
	SKU SKU
	// StockWas is the stock the form showed (-1 when it did not say): a save then moves
	// the stock by the difference, so units that orders took meanwhile stay taken.
	StockWas int64
}

func blank(ss ...string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

func (in SKUInput) blank() bool {
	if !blank(in.Code, in.Stock, in.MOQ, in.Multiple, in.WeightG, in.VolumeCM3) {
		return false
	}
	for _, s := range in.Spec {
		if !blank(s) {
			return false
		}
	}
	for _, t := range in.Tiers {
		if !blank(t.Qty, t.Price) {
			return false
		}
	}
	return true
}

// checkProduct validates in against the category template. With complete (publishing,
// or a product that is on sale), required attributes and at least one SKU must be there;
// a draft may be incomplete, but whatever it holds must be valid. Field names follow the
// form: name, attr.<code>, skus[i].code, skus[i].spec.<code>, skus[i].tiers[j].price…
func checkProduct(v *errs.Validator, in ProductInput, tmpl []Attribute, complete bool) productDraft {
	var d productDraft
	d.Brand = checkText(v, "brand", in.Brand, 1, 40, false, false)
	d.Name = checkText(v, "name", in.Name, 2, 60, true, false)
	d.Model = checkText(v, "model", in.Model, 1, 60, false, false)
	d.Title = checkText(v, "title", in.Title, 4, 100, false, false)
	d.Description = checkText(v, "description", in.Description, 1, 5000, false, true)
	for _, a := range tmpl {
		if a.Sales {
			continue
		}
		field := "attr." + a.Code
		raw := in.Attrs[a.Code]
		if blank(raw) {
			if a.Required && complete {
				v.Add(field, "err.product_attr_required", a.NameZH)
			}
			continue
		}
		val, err := ParseValue(a, raw)
		if err != nil {
			addErr(v, field, err)
			continue
		}
		d.Attrs = append(d.Attrs, val)
	}
	var sales []Attribute
	for _, a := range tmpl {
		if a.Sales {
			sales = append(sales, a)
		}
	}
	rows := 0
	codes := map[string]int{}
	specs := map[string]int{}
	for i, k := range in.SKUs {
		if k.blank() {
			continue
		}
		rows++
		if rows > MaxSKUs {
			v.Add("skus", "err.sku_too_many", MaxSKUs)
			break
		}
		sd := checkSKU(v, i, k, sales, complete)
		if c := sd.SKU.Code; c != "" {
			if first, dup := codes[c]; dup {
				v.Add(fmt.Sprintf("skus[%d].code", i), "err.sku_code_dup", c, first+1)
			} else {
				codes[c] = i
			}
		}
		if len(sd.SKU.Spec) > 0 {
			key := specKey(sd.SKU.Spec)
			if first, dup := specs[key]; dup {
				v.Add(fmt.Sprintf("skus[%d].spec", i), "err.sku_spec_dup", first+1)
			} else {
				specs[key] = i
			}
		}
		d.SKUs = append(d.SKUs, sd)
	}
	if rows == 0 && complete {
		v.Add("skus", "err.sku_required")
	}
	return d
}

// addErr records a validation error from ParseValue (or any Invalid error) at field.
func addErr(v *errs.Validator, field string, err error) {
	if e := errs.As(err); e != nil {
		v.Add(field, e.Msg.Key, e.Msg.Args...)
		return
	}
	v.Add(field, "err.invalid")
}

func specKey(spec []Value) string {
	var b strings.Builder
	for _, s := range spec {
		b.WriteString(s.Code)
		b.WriteByte('=')
		b.WriteString(strings.ToLower(s.Text))
		b.WriteByte(0)
	}
	return b.String()
}

// checkSKU validates one SKU row: code, sales-attribute values, unit of sale, stock,
// weight, volume, MOQ, order multiple and the price tiers. Tiers rise strictly by quantity with
// prices that never rise; the first tier's quantity is the MOQ (an empty MOQ takes it);
// the MOQ is a whole number of order multiples.
func checkSKU(v *errs.Validator, i int, in SKUInput, sales []Attribute, complete bool) skuDraft {
	f := func(name string) string { return fmt.Sprintf("skus[%d].%s", i, name) }
	d := skuDraft{Row: i, ID: strings.TrimSpace(in.ID)}
	k := &d.SKU
	k.Code = strings.TrimSpace(normalizeWidth(in.Code))
	switch {
	case k.Code == "":
		v.Add(f("code"), "err.required")
	case !skuCodeRe.MatchString(k.Code):
		v.Add(f("code"), "err.sku_code_format")
	}
	for _, a := range sales {
		field := f("spec." + a.Code)
		raw := in.Spec[a.Code]
		if blank(raw) {
			if a.Required && complete {
				v.Add(field, "err.product_attr_required", a.NameZH)
			}
			continue
		}
		val, err := ParseValue(a, raw)
		if err != nil {
			addErr(v, field, err)
			continue
		}
		k.Spec = append(k.Spec, val)
	}
	k.Unit = strings.TrimSpace(in.Unit)
	if k.Unit == "" {
		v.Add(f("unit"), "err.required")
	} else if !ValidSaleUnit(k.Unit) {
		v.Add(f("unit"), "err.sku_unit")
	}
	count := func(name, raw string, def, min, max int64, key string) int64 {
		if blank(raw) {
			return def
		}
		n, ok := parseCount(raw)
		if !ok || n < min || n > max {
			v.Add(f(name), key, min, max)
			return def
		}
		return n
	}
	k.Stock = count("stock", in.Stock, 0, 0, maxStock, "err.sku_stock")
	d.StockWas = -1
	if n, ok := parseCount(in.StockWas); ok && n >= 0 && n <= maxStock {
		d.StockWas = n
	}
	k.WeightG = count("weight_g", in.WeightG, 0, 0, maxWeightG, "err.sku_weight")
	k.VolumeCM3 = count("volume_cm3", in.VolumeCM3, 0, 0, maxVolumeCM3, "err.sku_volume")
	k.Multiple = count("multiple", in.Multiple, 1, 1, maxQty, "err.sku_multiple")
	moqOK := true
	if !blank(in.MOQ) {
		n, ok := parseCount(in.MOQ)
		if !ok || n < 1 || n > maxQty {
			v.Add(f("moq"), "err.sku_moq", 1, maxQty)
			moqOK = false
		}
		k.MOQ = n
	}

	tiersOK := true
	var prev *Tier
	for j, t := range in.Tiers {
		if blank(t.Qty, t.Price) {
			continue
		}
		tf := func(name string) string { return fmt.Sprintf("skus[%d].tiers[%d].%s", i, j, name) }
		if len(k.Tiers) == MaxTiers {
			v.Add(f("tiers"), "err.tier_too_many", MaxTiers)
			tiersOK = false
			break
		}
		var tier Tier
		ok := true
		if blank(t.Qty) {
			v.Add(tf("qty"), "err.required")
			ok = false
		} else if n, good := parseCount(t.Qty); !good || n < 1 || n > maxQty {
			v.Add(tf("qty"), "err.tier_qty", 1, maxQty)
			ok = false
		} else {
			tier.MinQty = n
		}
		if blank(t.Price) {
			v.Add(tf("price"), "err.required")
			ok = false
		} else if p, err := money.ParseUnitPrice(t.Price); err != nil {
			key := "err.tier_price"
			if errors.Is(err, money.ErrPrecision) {
				key = "err.tier_price_precision"
			} else if errors.Is(err, money.ErrTooLarge) {
				key = "err.tier_price_large"
			}
			v.Add(tf("price"), key)
			ok = false
		} else if p == 0 {
			v.Add(tf("price"), "err.tier_price_zero")
			ok = false
		} else {
			tier.UnitPrice = int64(p)
		}
		if !ok {
			tiersOK = false
			continue
		}
		if prev != nil {
			if tier.MinQty <= prev.MinQty {
				v.Add(tf("qty"), "err.tier_order", tier.MinQty, prev.MinQty)
				tiersOK = false
			} else if tier.UnitPrice > prev.UnitPrice {
				v.Add(tf("price"), "err.tier_price_rises", money.UnitPrice(tier.UnitPrice).String(), money.UnitPrice(prev.UnitPrice).String())
				tiersOK = false
			}
		}
		k.Tiers = append(k.Tiers, tier)
		prev = &k.Tiers[len(k.Tiers)-1]
	}
	if len(k.Tiers) == 0 {
		if tiersOK {
			v.Add(f("tiers"), "err.tier_required")
		}
		return d
	}
	first := k.Tiers[0].MinQty
	if k.MOQ == 0 && moqOK {
		k.MOQ = first
	}
	if moqOK && tiersOK {
		switch {
		case k.MOQ > first:
			v.Add(f("moq"), "err.sku_moq_above_tier", k.MOQ, first)
		case k.MOQ < first:
			v.Add(f("moq"), "err.sku_moq_below_tier", k.MOQ, first)
		case k.Multiple > 0 && k.MOQ%k.Multiple != 0:
			v.Add(f("moq"), "err.sku_moq_multiple", k.MOQ, k.Multiple)
		}
	}
	k.Price = k.Tiers[0].UnitPrice
	return d
}

// checkAttribute validates a template attribute as ops enter it.
func checkAttribute(v *errs.Validator, in AttributeInput) Attribute {
	a := Attribute{
		Code:       strings.TrimSpace(in.Code),
		Kind:       AttrKind(strings.TrimSpace(in.Kind)),
		Required:   in.Required,
		Filterable: in.Filterable,
		Sales:      in.Sales,
	}
	if a.Code == "" {
		v.Add("code", "err.required")
	} else if !attrCodeRe.MatchString(a.Code) {
		v.Add("code", "err.cat_attr_code_format")
	}
	a.NameZH = checkText(v, "name_zh", in.NameZH, 1, 30, true, false)
	a.NameEN = checkText(v, "name_en", in.NameEN, 1, 60, false, false)
	switch a.Kind {
	case Enum, Number, Range, Text, Bool:
	default:
		v.Add("kind", "err.cat_attr_kind")
	}
	unit := strings.TrimSpace(in.Unit)
	if a.Kind == Number || a.Kind == Range {
		if unit != "" {
			if u, ok := NormalizeUnit(unit); ok && ValidUnit(u) {
				a.Unit = u
			} else {
				v.Add("unit", "err.cat_unit_unknown", unit)
			}
		}
	}
	if a.Kind == Enum {
		seen := map[string]bool{}
		for _, o := range in.Options {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			if utf8.RuneCountInString(o) > maxOptionLen || strings.ContainsFunc(o, isControl) {
				v.Add("options", "err.cat_option_long", o, maxOptionLen)
				continue
			}
			if seen[strings.ToLower(o)] {
				v.Add("options", "err.cat_option_dup", o)
				continue
			}
			seen[strings.ToLower(o)] = true
			a.Options = append(a.Options, o)
		}
		if len(a.Options) == 0 {
			v.Add("options", "err.cat_options_required")
		} else if len(a.Options) > maxOptions {
			v.Add("options", "err.too_many", maxOptions)
		}
	}
	if a.Sales && (a.Kind == Text || a.Kind == Bool) {
		v.Add("sales", "err.cat_attr_sales_kind")
	}
	if s := strings.TrimSpace(in.Sort); s != "" {
		n, ok := parseCount(s)
		if !ok || n < -10000 || n > 10000 {
			v.Add("sort", "err.cat_sort")
		}
		a.Sort = int(n)
	}
	return a
}

// SplitOptions reads enum options as ops type them: one per line, or separated by
// commas, 、 or semicolons.
func SplitOptions(s string) []string {
	var out []string
	for _, o := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；'
	}) {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// Title structure: 品牌 + 热搜词 + 属性词 + 产品名称 (plan 三.3.1.3).
const (
	// TitleMaxRunes is the longest title that stays whole in search results and in
	// Baidu's snippet.
	TitleMaxRunes = 60
	// MaxHotTerms is how many hot search terms a title may carry before it reads as
	// keyword stuffing.
	MaxHotTerms = 3
)

// Title issue codes.
const (
	TitleNoBrand    = "no_brand"
	TitleNoName     = "no_name"
	TitleNoAttrs    = "no_attrs"
	TitleRepeated   = "repeated"
	TitleTooManyHot = "too_many_hot"
	TitleTooLong    = "too_long"
)

// TitleIssue is one thing CheckTitle flags; Arg is the word or number it concerns.
type TitleIssue struct {
	Code string
	Arg  string
}

// Key is the issue's message key (product.edit.title_<code>, argument {0} = Arg).
func (i TitleIssue) Key() string { return "product.edit.title_" + i.Code }

func fold(s string) string { return strings.ToLower(normalizeWidth(strings.TrimSpace(s))) }

// covers reports whether a and b overlap as words: one contains the other.
func covers(a, b string) bool {
	a, b = fold(a), fold(b)
	return a != "" && b != "" && (strings.Contains(a, b) || strings.Contains(b, a))
}

// RelatedTerms returns up to n of terms (most searched first) that share two
// consecutive characters with name: the hot terms worth considering for its title.
func RelatedTerms(terms []string, name string, n int) []string {
	nr := []rune(fold(name))
	var out []string
	for _, t := range terms {
		ft := fold(t)
		for i := 0; i+1 < len(nr); i++ {
			if strings.Contains(ft, string(nr[i:i+2])) {
				out = append(out, t)
				break
			}
		}
		if len(out) == n {
			break
		}
	}
	return out
}

// BuildTitle composes a title as the plan structures it: 品牌 + 热搜词 + 属性词 +
// 产品名称, words separated by spaces. Words that repeat one already chosen (or overlap
// the brand or name) are left out, at most MaxHotTerms hot terms are used, and when the
// title would pass TitleMaxRunes, attribute words and then hot terms are dropped from the
// end; brand and name are always kept. Boolean values (是/否) are no title words.
func BuildTitle(brand string, hotTerms []string, attrs []Value, name string) string {
	brand, name = strings.TrimSpace(brand), strings.TrimSpace(name)
	var chosen []string
	taken := func(w string) bool {
		for _, c := range append([]string{brand, name}, chosen...) {
			if covers(c, w) {
				return true
			}
		}
		return false
	}
	var hot, words []string
	for _, h := range hotTerms {
		h = strings.Join(strings.Fields(h), " ")
		if h == "" || len(hot) == MaxHotTerms || taken(h) {
			continue
		}
		hot = append(hot, h)
		chosen = append(chosen, h)
	}
	for _, a := range attrs {
		w := strings.Join(strings.Fields(a.Text), "")
		if w == "" || w == "是" || w == "否" || taken(w) {
			continue
		}
		words = append(words, w)
		chosen = append(chosen, w)
	}
	join := func() string {
		parts := []string{}
		if brand != "" {
			parts = append(parts, brand)
		}
		parts = append(parts, hot...)
		parts = append(parts, words...)
		if name != "" {
			parts = append(parts, name)
		}
		return strings.Join(parts, " ")
	}
	t := join()
	for utf8.RuneCountInString(t) > TitleMaxRunes && (len(words) > 0 || len(hot) > 0) {
		if len(words) > 0 {
			words = words[:len(words)-1]
		} else {
			hot = hot[:len(hot)-1]
		}
		t = join()
	}
	return t
}

func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || (unicode.IsSymbol(r) && r != '°' && r != '″' && r != '%')
}

// CheckTitle flags what a title lacks of the 品牌 + 热搜词 + 属性词 + 产品名称 structure and
// the signs of keyword stuffing: a missing brand, a missing product name, no attribute
// words (nothing left once brand, hot terms and name are taken out), the same word more
// than once, more than MaxHotTerms hot terms, more than TitleMaxRunes characters. Hot
// terms come from search logs; the caller passes them (none is fine).
func CheckTitle(title, brand, name string, hotTerms []string) []TitleIssue {
	var out []TitleIssue
	t := fold(title)
	if b := fold(brand); b == "" || !strings.Contains(t, b) {
		out = append(out, TitleIssue{Code: TitleNoBrand, Arg: strings.TrimSpace(brand)})
	}
	if n := fold(name); n == "" || !strings.Contains(t, n) {
		out = append(out, TitleIssue{Code: TitleNoName, Arg: strings.TrimSpace(name)})
	}
	rest := t
	hot := 0
	seenHot := map[string]bool{}
	for _, h := range hotTerms {
		h = fold(h)
		if h == "" || seenHot[h] {
			continue
		}
		seenHot[h] = true
		if strings.Contains(t, h) {
			hot++
		}
	}
	// Remove the longest parts first so that a shorter one inside them does not leave
	// fragments behind.
	parts := []string{fold(brand), fold(name)}
	for h := range seenHot {
		parts = append(parts, h)
	}
	for changed := true; changed; {
		changed = false
		longest := -1
		for i, p := range parts {
			if p != "" && strings.Contains(rest, p) && (longest < 0 || len(p) > len(parts[longest])) {
				longest = i
			}
		}
		if longest >= 0 {
			rest = strings.ReplaceAll(rest, parts[longest], " ")
			changed = true
		}
	}
	if !strings.ContainsFunc(rest, func(r rune) bool { return !isSeparator(r) }) {
		out = append(out, TitleIssue{Code: TitleNoAttrs})
	}
	repeated := map[string]bool{}
	var order []string
	flag := func(w string) {
		if !repeated[w] {
			repeated[w] = true
			order = append(order, w)
		}
	}
	count := map[string]int{}
	for _, w := range strings.FieldsFunc(t, isSeparator) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		count[w]++
		if count[w] == 2 {
			flag(w)
		}
	}
	words := []string{fold(brand), fold(name)}
	for _, h := range hotTerms {
		words = append(words, fold(h))
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) >= 2 && strings.Count(t, w) > 1 {
			flag(w)
		}
	}
	for _, w := range order {
		out = append(out, TitleIssue{Code: TitleRepeated, Arg: w})
	}
	if hot > MaxHotTerms {
		out = append(out, TitleIssue{Code: TitleTooManyHot, Arg: strconv.Itoa(hot)})
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(title)); n > TitleMaxRunes {
		out = append(out, TitleIssue{Code: TitleTooLong, Arg: strconv.Itoa(n)})
	}
	return out
}
