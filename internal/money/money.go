// Package money is Zhuchao's integer money arithmetic. Amounts are counted in
// fen (分, 1/100 yuan) and unit prices in 1/10000 yuan, as int64, because
// floating point cannot represent ¥0.10 exactly and a B2B order of a million
// screws at ¥0.0125 must total to the fen. Nothing in this package uses float.
//
// Rounding is half-up (half away from zero for negative amounts) to the fen,
// per order line, as Chinese invoices and contracts expect. Arithmetic that
// could overflow int64 reports ErrOverflow instead of wrapping around.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"unicode"
)

// Fen is an amount of money in fen (分, 1/100 yuan): order totals, payments,
// refunds, tax. It is the unit WeChat Pay uses on the wire.
type Fen int64

// UnitPrice is a price per unit in 1/10000 yuan. It exists because fasteners
// and other bulk goods are priced below a fen a piece (¥0.0125); the line
// total is rounded to the fen only once, in LineTotal.
type UnitPrice int64

// FenPerYuan and UnitsPerYuan are the scales of Fen and UnitPrice.
const (
	FenPerYuan   = 100
	UnitsPerYuan = 10000
)

// MaxFen is the largest amount ParseYuan accepts, ¥100,000,000,000.00
// (1000 亿). Anything larger typed into a form is a mistake, and keeping
// parsed values far below math.MaxInt64 leaves room for sums.
const MaxFen Fen = 10_000_000_000_000

// MaxUnitPrice is the largest unit price ParseUnitPrice accepts, the same
// ¥100,000,000,000 as MaxFen.
const MaxUnitPrice UnitPrice = UnitPrice(MaxFen) * (UnitsPerYuan / FenPerYuan)

// Errors. Every error returned by this package wraps one of them, so callers
// can map it to a user message with errors.Is.
var (
	// ErrEmpty reports empty input.
	ErrEmpty = errors.New("money: empty amount")
	// ErrSyntax reports input that is not a decimal amount.
	ErrSyntax = errors.New("money: not an amount")
	// ErrNegative reports a negative amount, price or quantity where only
	// non-negative ones make sense.
	ErrNegative = errors.New("money: negative")
	// ErrPrecision reports more decimals than the type can hold (2 for
	// amounts, 4 for unit prices); the value is not rounded silently.
	ErrPrecision = errors.New("money: too many decimals")
	// ErrTooLarge reports input above MaxFen or MaxUnitPrice.
	ErrTooLarge = errors.New("money: amount too large")
	// ErrOverflow reports arithmetic whose result does not fit in int64.
	ErrOverflow = errors.New("money: overflow")
)

// LineTotal returns price × qty rounded half-up to the fen: the amount of one
// order line. The product is computed exactly in 128 bits, so the result is
// correct for every input whose rounded total fits in a Fen; otherwise it
// returns ErrOverflow. A negative price or quantity is ErrNegative (returns
// are separate documents, not negative lines).
func LineTotal(price UnitPrice, qty int64) (Fen, error) {
	if price < 0 {
		return 0, fmt.Errorf("%w: unit price %s", ErrNegative, price)
	}
	if qty < 0 {
		return 0, fmt.Errorf("%w: quantity %d", ErrNegative, qty)
	}
	const scale = UnitsPerYuan / FenPerYuan // 100 price units per fen
	hi, lo := bits.Mul64(uint64(price), uint64(qty))
	lo, carry := bits.Add64(lo, scale/2, 0)
	hi += carry
	if hi >= scale { // the quotient would not fit in 64 bits
		return 0, fmt.Errorf("%w: %s × %d", ErrOverflow, price, qty)
	}
	q, _ := bits.Div64(hi, lo, scale)
	if q > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %s × %d", ErrOverflow, price, qty)
	}
	return Fen(q), nil
}

// ParseYuan parses an amount in yuan as users type it into forms and
// spreadsheets: "12", "12.3", "12.30", "¥12.30", "￥1,234.50", "12.30元",
// full-width "１２．５" and the IME's "12。5". Thousands separators must group
// by three. Up to 2 decimals are allowed (further decimals must be zeros: the
// value is never rounded). Empty input, negatives, junk and amounts above
// MaxFen are errors wrapping ErrEmpty, ErrNegative, ErrSyntax, ErrPrecision or
// ErrTooLarge.
func ParseYuan(s string) (Fen, error) {
	v, err := parseDecimal(s, 2, int64(MaxFen))
	return Fen(v), err
}

// ParseUnitPrice parses a unit price in yuan with up to 4 decimals
// ("0.0125", "¥12.5"), accepting the same forms as ParseYuan and rejecting
// prices above MaxUnitPrice.
func ParseUnitPrice(s string) (UnitPrice, error) {
	v, err := parseDecimal(s, 4, int64(MaxUnitPrice))
	return UnitPrice(v), err
}

// normalizeInput maps full-width ASCII and the ideographic full stop to ASCII,
// trims white space and drops one currency sign (¥ or ￥, leading) and one
// trailing 元.
func normalizeInput(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r = r - 0xFF01 + '!'
		case r == '。': // the decimal point a Chinese IME types
			r = '.'
		case r == '￥':
			r = '¥'
		case r == '−': // U+2212 MINUS SIGN
			r = '-'
		}
		b.WriteRune(r)
	}
	t := strings.TrimFunc(b.String(), unicode.IsSpace)
	if rest, ok := strings.CutSuffix(t, "元"); ok {
		t = strings.TrimFunc(rest, unicode.IsSpace)
	}
	neg := strings.HasPrefix(t, "-")
	if neg {
		t = strings.TrimFunc(t[1:], unicode.IsSpace)
	}
	if rest, ok := strings.CutPrefix(t, "¥"); ok {
		t = strings.TrimFunc(rest, unicode.IsSpace)
	}
	if neg {
		t = "-" + t
	}
	return t
}

// parseDecimal parses a non-negative decimal with at most decimals
// significant fraction digits into an integer scaled by 10^decimals, rejecting
// values above max.
func parseDecimal(in string, decimals int, max int64) (int64, error) {
	s := normalizeInput(in)
	if s == "" {
		return 0, ErrEmpty
	}
	if s[0] == '-' {
		if len(s) == 1 {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, in)
		}
		return 0, fmt.Errorf("%w: %q", ErrNegative, in)
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || (hasDot && frac == "") {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, in)
	}
	digits, ok := ungroup(intPart)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrSyntax, in)
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, fmt.Errorf("%w: %q", ErrSyntax, in)
		}
	}
	if len(frac) > decimals {
		if strings.TrimRight(frac[decimals:], "0") != "" {
			return 0, fmt.Errorf("%w: %q has more than %d decimals", ErrPrecision, in, decimals)
		}
		frac = frac[:decimals]
	}
	// Bound the integer part first, so neither it nor its scaling by
	// 10^decimals can overflow (max is far below math.MaxInt64).
	maxInt := max
	for i := 0; i < decimals; i++ {
		maxInt /= 10
	}
	var v int64
	for i := 0; i < len(digits); i++ {
		v = v*10 + int64(digits[i]-'0')
		if v > maxInt {
			return 0, fmt.Errorf("%w: %q", ErrTooLarge, in)
		}
	}
	for i := 0; i < decimals; i++ {
		d := int64(0)
		if i < len(frac) {
			d = int64(frac[i] - '0')
		}
		v = v*10 + d
	}
	if v > max {
		return 0, fmt.Errorf("%w: %q", ErrTooLarge, in)
	}
	return v, nil
}

// ungroup returns the digits of an integer part that may use commas as
// thousands separators ("1,234,567"), or false if it is not one.
func ungroup(s string) (string, bool) {
	if !strings.Contains(s, ",") {
		return s, allDigits(s)
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return "", false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// abs returns |v| as uint64, correct for math.MinInt64 too.
func abs(v int64) (uint64, bool) {
	if v < 0 {
		return -uint64(v), true
	}
	return uint64(v), false
}

// String formats the amount in yuan with exactly two decimals and no
// grouping ("1234.50", "-0.05"): the form for inputs, CSV exports and logs.
func (f Fen) String() string {
	u, neg := abs(int64(f))
	s := fmt.Sprintf("%d.%02d", u/FenPerYuan, u%FenPerYuan)
	if neg {
		return "-" + s
	}
	return s
}

// FormatYuan formats an amount for display: "¥1,234.50", "-¥0.05".
func FormatYuan(f Fen) string {
	u, neg := abs(int64(f))
	s := "¥" + group(u/FenPerYuan) + fmt.Sprintf(".%02d", u%FenPerYuan)
	if neg {
		return "-" + s
	}
	return s
}

// group formats n with commas every three digits.
func group(n uint64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// AlipayAmount formats an amount for Alipay's APIs, whose total_amount is a
// yuan string with exactly two decimals ("88.88").
func AlipayAmount(f Fen) string { return f.String() }

// WeChatAmount returns an amount for WeChat Pay's APIs, whose amounts are
// integers in fen.
func WeChatAmount(f Fen) int64 { return int64(f) }

// String formats a unit price in yuan with at least two and at most four
// decimals, trailing zeros trimmed beyond the second ("0.0125", "12.50",
// "3.10", "3.125"), as price lists show them.
func (p UnitPrice) String() string {
	u, neg := abs(int64(p))
	s := unitPriceString(u, false)
	if neg {
		return "-" + s
	}
	return s
}

// FormatUnitPrice formats a unit price for display with a currency sign and
// thousands separators: "¥0.0125", "¥1,200.50".
func FormatUnitPrice(p UnitPrice) string {
	u, neg := abs(int64(p))
	s := "¥" + unitPriceString(u, true)
	if neg {
		return "-" + s
	}
	return s
}

func unitPriceString(u uint64, grouped bool) string {
	frac := fmt.Sprintf("%04d", u%UnitsPerYuan)
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	ip := fmt.Sprint(u / UnitsPerYuan)
	if grouped {
		ip = group(u / UnitsPerYuan)
	}
	return ip + "." + frac
}
