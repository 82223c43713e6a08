package money

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestParseYuan(t *testing.T) {
	good := []struct {
		in   string
		want Fen
	}{
		{"12", 1200},
		{"12.3", 1230},
		{"12.30", 1230},
		{"¥12.30", 1230},
		{"￥12.30", 1230},
		{"¥ 12.30", 1230},
		{"12.30元", 1230},
		{"12.30 元", 1230},
		{"1,234.50", 123450},
		{" ¥1,234,567.89 ", 123456789},
		{"１２．５", 1250},
		{"１，２３４．５０", 123450},
		{"￥１２", 1200},
		{"12。5", 1250},
		{"0", 0},
		{"0.00", 0},
		{"0.01", 1},
		{"0.5", 50},
		{"007", 700},
		{"12.300", 1230}, // exact: extra zeros are not extra precision
		{"100000000000", MaxFen},
		{"100,000,000,000.00", MaxFen},
		{"99999999999.99", MaxFen - 1},
	}
	for _, tt := range good {
		got, err := ParseYuan(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []struct {
		in  string
		err error
	}{
		{"", ErrEmpty},
		{"   ", ErrEmpty},
		{"\u3000", ErrEmpty},
		{"¥", ErrEmpty}, // nothing but decoration
		{"元", ErrEmpty},
		{"-1", ErrNegative},
		{"-0.01", ErrNegative},
		{"-¥1", ErrNegative},
		{"¥-1", ErrNegative},
		{"－１", ErrNegative},
		{"−1", ErrNegative},
		{"12.345", ErrPrecision},
		{"12.301", ErrPrecision},
		{"0.001", ErrPrecision},
		{"1,23.00", ErrSyntax},
		{"1234,567", ErrSyntax},
		{",123", ErrSyntax},
		{"1,,234", ErrSyntax},
		{"1,234,", ErrSyntax},
		{"12.", ErrSyntax},
		{".5", ErrSyntax},
		{"1.2.3", ErrSyntax},
		{"1.2,3", ErrSyntax},
		{"abc", ErrSyntax},
		{"12a", ErrSyntax},
		{"1e3", ErrSyntax},
		{"+12", ErrSyntax},
		{"0x10", ErrSyntax},
		{"1 000", ErrSyntax},
		{"12元元", ErrSyntax},
		{"¥¥12", ErrSyntax},
		{"- ", ErrSyntax},
		{"NaN", ErrSyntax},
		{"Inf", ErrSyntax},
		{"十二", ErrSyntax},
		{"$12", ErrSyntax},
		{"100000000000.01", ErrTooLarge},
		{"100,000,000,001", ErrTooLarge},
		{"99999999999999999999999999", ErrTooLarge},
		{"9223372036854775807", ErrTooLarge},
	}
	for _, tt := range bad {
		got, err := ParseYuan(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseYuan(%q) = %d, %v; want %v", tt.in, got, err, tt.err)
		}
	}
}

func TestParseUnitPrice(t *testing.T) {
	good := []struct {
		in   string
		want UnitPrice
	}{
		{"0.0125", 125},
		{"¥0.0125", 125},
		{"0.01250", 125},
		{"12.5", 125000},
		{"12.50", 125000},
		{"3.1", 31000},
		{"3.125", 31250},
		{"1,200.5", 12005000},
		{"０．０１２５", 125},
		{"100000000000", MaxUnitPrice},
	}
	for _, tt := range good {
		got, err := ParseUnitPrice(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseUnitPrice(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
	bad := []struct {
		in  string
		err error
	}{
		{"", ErrEmpty},
		{"0.00001", ErrPrecision},
		{"0.01251", ErrPrecision},
		{"-0.0125", ErrNegative},
		{"0,0125", ErrSyntax},
		{"100000000000.0001", ErrTooLarge},
		{"1000000000000000", ErrTooLarge}, // found by FuzzParseYuan: overflowed when scaled
		{"9223372036854775807", ErrTooLarge},
	}
	for _, tt := range bad {
		got, err := ParseUnitPrice(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseUnitPrice(%q) = %d, %v; want %v", tt.in, got, err, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	fen := []struct {
		f            Fen
		str, display string
	}{
		{0, "0.00", "¥0.00"},
		{5, "0.05", "¥0.05"},
		{50, "0.50", "¥0.50"},
		{100, "1.00", "¥1.00"},
		{123450, "1234.50", "¥1,234.50"},
		{12345000, "123450.00", "¥123,450.00"},
		{123456789, "1234567.89", "¥1,234,567.89"},
		{-123450, "-1234.50", "-¥1,234.50"},
		{-5, "-0.05", "-¥0.05"},
		{math.MaxInt64, "92233720368547758.07", "¥92,233,720,368,547,758.07"},
		{math.MinInt64, "-92233720368547758.08", "-¥92,233,720,368,547,758.08"},
	}
	for _, tt := range fen {
		if got := tt.f.String(); got != tt.str {
			t.Errorf("Fen(%d).String() = %q, want %q", int64(tt.f), got, tt.str)
		}
		if got := FormatYuan(tt.f); got != tt.display {
			t.Errorf("FormatYuan(%d) = %q, want %q", int64(tt.f), got, tt.display)
		}
		if got := AlipayAmount(tt.f); got != tt.str {
			t.Errorf("AlipayAmount(%d) = %q, want %q", int64(tt.f), got, tt.str)
		}
		if got := WeChatAmount(tt.f); got != int64(tt.f) {
			t.Errorf("WeChatAmount(%d) = %d", int64(tt.f), got)
		}
	}
	prices := []struct {
		p            UnitPrice
		str, display string
	}{
		{0, "0.00", "¥0.00"},
		{125, "0.0125", "¥0.0125"},
		{1, "0.0001", "¥0.0001"},
		{100, "0.01", "¥0.01"},
		{125000, "12.50", "¥12.50"},
		{31000, "3.10", "¥3.10"},
		{31250, "3.125", "¥3.125"},
		{10000, "1.00", "¥1.00"},
		{12005000, "1200.50", "¥1,200.50"},
		{-125, "-0.0125", "-¥0.0125"},
		{math.MinInt64, "-922337203685477.5808", "-¥922,337,203,685,477.5808"},
	}
	for _, tt := range prices {
		if got := tt.p.String(); got != tt.str {
			t.Errorf("UnitPrice(%d).String() = %q, want %q", int64(tt.p), got, tt.str)
		}
		if got := FormatUnitPrice(tt.p); got != tt.display {
			t.Errorf("FormatUnitPrice(%d) = %q, want %q", int64(tt.p), got, tt.display)
		}
	}
}

func TestLineTotal(t *testing.T) {
	tests := []struct {
		price UnitPrice
		qty   int64
		want  Fen
		err   error
	}{
		{125, 1000, 1250, nil}, // 1000 screws at ¥0.0125
		{125, 1, 1, nil},       // 1.25 fen
		{125, 2, 3, nil},       // 2.5 fen rounds up
		{125, 3, 4, nil},       // 3.75 fen
		{149, 1, 1, nil},
		{150, 1, 2, nil},
		{49, 1, 0, nil},
		{50, 1, 1, nil},
		{125000, 12, 15000, nil},
		{0, 5, 0, nil},
		{5, 0, 0, nil},
		{MaxUnitPrice, 1, Fen(MaxUnitPrice / 100), nil},
		{math.MaxInt64, 1, 92233720368547758, nil},
		{math.MaxInt64, 100, math.MaxInt64, nil},
		{math.MaxInt64, 101, 0, ErrOverflow},
		{math.MaxInt64, math.MaxInt64, 0, ErrOverflow},
		{1, math.MaxInt64, 92233720368547758, nil},
		{-1, 1, 0, ErrNegative},
		{1, -1, 0, ErrNegative},
		{math.MinInt64, math.MinInt64, 0, ErrNegative},
	}
	for _, tt := range tests {
		got, err := LineTotal(tt.price, tt.qty)
		if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
			t.Errorf("LineTotal(%d, %d) = %d, %v; want %d, %v", int64(tt.price), tt.qty, got, err, tt.want, tt.err)
		}
	}
}

func TestCapitals(t *testing.T) {
	tests := []struct {
		f    Fen
		want string
	}{
		{0, "零元整"},
		{1, "壹分"},
		{5, "伍分"},                 // 0.05
		{20, "贰角整"},               // 0.20
		{35, "叁角伍分"},              // 0.35
		{50, "伍角整"},               // 0.50
		{100, "壹元整"},              // 1.00
		{101, "壹元零壹分"},            // 1.01
		{110, "壹元壹角整"},            // 1.10
		{1000, "壹拾元整"},            // 10.00
		{1005, "壹拾元零伍分"},          // 10.05
		{1050, "壹拾元伍角整"},          // 10.50
		{1230, "壹拾贰元叁角整"},         // 12.30
		{1500, "壹拾伍元整"},           // 15.00
		{11000, "壹佰壹拾元整"},         // 110.00
		{32504, "叁佰贰拾伍元零肆分"},      // PBOC example 325.04
		{100000, "壹仟元整"},          // 1,000.00
		{100100, "壹仟零壹元整"},        // 1,001.00
		{101000, "壹仟零壹拾元整"},       // 1,010.00
		{140950, "壹仟肆佰零玖元伍角整"},    // PBOC example 1,409.50
		{600714, "陆仟零柒元壹角肆分"},     // PBOC example 6,007.14
		{168032, "壹仟陆佰捌拾元叁角贰分"},   // PBOC example 1,680.32
		{1000100, "壹万零壹元整"},       // 10,001.00
		{1640902, "壹万陆仟肆佰零玖元零贰分"}, // PBOC example 16,409.02
		{10000100, "壹拾万零壹元整"},     // 100,001.00
		{10010000, "壹拾万零壹佰元整"},    // 100,100.00
		{10700053, "壹拾万柒仟元伍角叁分"},  // PBOC example 107,000.53
		{100000000, "壹佰万元整"},      // 1,000,000.00
		{123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"}, // 1,234,567.89
		{1000000100, "壹仟万零壹元整"},           // 10,000,001.00
		{1010000000, "壹仟零壹拾万元整"},          // 10,100,000.00
		{10000000000, "壹亿元整"},             // 100,000,000.00
		{10000001000, "壹亿零壹拾元整"},          // 100,000,010.00
		{10100000000, "壹亿零壹佰万元整"},         // 101,000,000.00
		{10001000001, "壹亿零壹万元零壹分"},        // 1,0001,0000.01
		{11000000000, "壹亿壹仟万元整"},          // 110,000,000.00
		{200000000000, "贰拾亿元整"},
		{1000000000001, "壹佰亿元零壹分"},
		{100000000000000, "壹万亿元整"},
		{100000001000000, "壹万亿零壹万元整"},
		{1000000000000000, "壹拾万亿元整"},
		{1234567890123456, "壹拾贰万叁仟肆佰伍拾陆亿柒仟捌佰玖拾万壹仟贰佰叁拾肆元伍角陆分"},
		{math.MaxInt64, "玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零柒分"},
		{-100, "负壹元整"},
		{-35, "负叁角伍分"},
		{math.MinInt64, "负玖亿贰仟贰佰叁拾叁万柒仟贰佰零叁亿陆仟捌佰伍拾肆万柒仟柒佰伍拾捌元零捌分"},
	}
	for _, tt := range tests {
		got := Capitals(tt.f)
		if got != tt.want {
			t.Errorf("Capitals(%d) = %q, want %q", int64(tt.f), got, tt.want)
		}
		if v, ok := decodeCapitals(got); !ok || v != tt.f {
			t.Errorf("decodeCapitals(%q) = %d, %v; want %d", got, int64(v), ok, int64(tt.f))
		}
	}
}

// decodeCapitals reads an amount in capitals back, as an independent check
// of Capitals' value (not of its style).
func decodeCapitals(s string) (Fen, bool) {
	neg := false
	if rest, ok := strings.CutPrefix(s, "负"); ok {
		neg, s = true, rest
	}
	s = strings.TrimSuffix(s, "整")
	digits := map[rune]uint64{'零': 0, '壹': 1, '贰': 2, '叁': 3, '肆': 4, '伍': 5, '陆': 6, '柒': 7, '捌': 8, '玖': 9}
	small := map[rune]uint64{'拾': 10, '佰': 100, '仟': 1000}
	var yi, wan, sec, digit, yuan, frac uint64
	for _, r := range s {
		if d, ok := digits[r]; ok {
			digit = d
			continue
		}
		switch r {
		case '拾', '佰', '仟':
			sec += digit * small[r]
		case '万':
			wan = (wan + sec + digit) * 1_0000
			sec = 0
		case '亿':
			yi = (yi + wan + sec + digit) * 1_0000_0000
			wan, sec = 0, 0
		case '元':
			yuan = yi + wan + sec + digit
		case '角':
			frac += digit * 10
		case '分':
			frac += digit
		default:
			return 0, false
		}
		digit = 0
	}
	u := yuan*100 + frac
	if neg {
		return -Fen(u), true
	}
	return Fen(u), true
}

func TestRate(t *testing.T) {
	tests := []struct {
		r    Rate
		want string
	}{
		{VAT13, "13%"}, {VAT9, "9%"}, {VAT6, "6%"}, {VAT3, "3%"}, {VAT1, "1%"}, {VAT0, "0%"},
		{150, "1.5%"}, {5, "0.05%"}, {1310, "13.1%"}, {-100, "-1%"}, {MaxRate, "100%"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("Rate(%d).String() = %q, want %q", int64(tt.r), got, tt.want)
		}
	}
	for _, r := range []Rate{0, VAT1, VAT13, MaxRate} {
		if err := r.Validate(); err != nil {
			t.Errorf("Rate(%d).Validate() = %v", int64(r), err)
		}
	}
	for _, r := range []Rate{-1, MaxRate + 1, math.MinInt64, math.MaxInt64} {
		if err := r.Validate(); err == nil {
			t.Errorf("Rate(%d).Validate() accepted", int64(r))
		}
	}
}

func TestSplitTax(t *testing.T) {
	tests := []struct {
		incl      Fen
		r         Rate
		excl, tax Fen
	}{
		{11300, VAT13, 10000, 1300},
		{10000, VAT13, 8850, 1150}, // 8849.557…
		{100, VAT13, 88, 12},       // 88.495…
		{1, VAT13, 1, 0},           // 0.884…
		{10900, VAT9, 10000, 900},
		{10600, VAT6, 10000, 600},
		{10300, VAT3, 10000, 300},
		{10100, VAT1, 10000, 100},
		{12345, VAT0, 12345, 0},
		{0, VAT13, 0, 0},
		{1, MaxRate, 1, 0}, // 0.5 rounds up
		{3, MaxRate, 2, 1}, // 1.5 rounds up
		{-11300, VAT13, -10000, -1300},
		{-3, MaxRate, -2, -1}, // half away from zero
		{math.MinInt64, VAT0, math.MinInt64, 0},
	}
	for _, tt := range tests {
		excl, tax := SplitTax(tt.incl, tt.r)
		if excl != tt.excl || tax != tt.tax {
			t.Errorf("SplitTax(%d, %s) = %d, %d; want %d, %d", int64(tt.incl), tt.r, excl, tax, tt.excl, tt.tax)
		}
	}
	for _, incl := range []Fen{math.MaxInt64, math.MaxInt64 - 1, math.MinInt64, math.MinInt64 + 1} {
		for _, r := range []Rate{VAT0, VAT1, VAT13, 1, 9999, MaxRate} {
			checkSplitTax(t, incl, r)
		}
	}
	for _, r := range []Rate{-1, MaxRate + 1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("SplitTax(1, %d) did not panic", int64(r))
				}
			}()
			SplitTax(1, r)
		}()
	}
}

// checkSplitTax checks SplitTax against math/big.
func checkSplitTax(t *testing.T, incl Fen, r Rate) {
	t.Helper()
	excl, tax := SplitTax(incl, r)
	if excl+tax != incl {
		t.Fatalf("SplitTax(%d, %d) = %d + %d ≠ %d", int64(incl), int64(r), excl, tax, incl)
	}
	if incl >= 0 && (excl < 0 || tax < 0) || incl < 0 && (excl > 0 || tax > 0) {
		t.Fatalf("SplitTax(%d, %d) = %d, %d: wrong sign", int64(incl), int64(r), excl, tax)
	}
	// want = sign · floor((|incl|·10000·2 + den) / (2·den))
	a := new(big.Int).Abs(big.NewInt(int64(incl)))
	den := big.NewInt(10000 + int64(r))
	num := new(big.Int).Mul(a, big.NewInt(20000))
	num.Add(num, den)
	want := num.Quo(num, new(big.Int).Mul(den, big.NewInt(2)))
	if incl < 0 {
		want.Neg(want)
	}
	if want.Cmp(big.NewInt(int64(excl))) != 0 {
		t.Fatalf("SplitTax(%d, %d) excl = %d, want %s", int64(incl), int64(r), excl, want)
	}
}
