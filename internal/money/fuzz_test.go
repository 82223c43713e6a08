package money

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
	"unicode/utf8"
)

// isMoneyError reports whether err wraps one of the package's sentinels.
func isMoneyError(err error) bool {
	for _, s := range []error{ErrEmpty, ErrSyntax, ErrNegative, ErrPrecision, ErrTooLarge, ErrOverflow} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{
		"12", "12.3", "12.30", "¥12.30", "1,234.50", "１２．５", "12。5元", "-1", "12.345", "12.300",
		"", "¥", "1,23", "100000000000", "100000000000.01", "0.0125", "\xff", "9,999,999,999.99",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseYuan(s)
		if err != nil {
			if !isMoneyError(err) {
				t.Fatalf("ParseYuan(%q) = %v: not a sentinel", s, err)
			}
		} else {
			if v < 0 || v > MaxFen {
				t.Fatalf("ParseYuan(%q) = %d out of range", s, v)
			}
			for _, out := range []string{v.String(), FormatYuan(v), AlipayAmount(v)} {
				if v2, err := ParseYuan(out); err != nil || v2 != v {
					t.Fatalf("ParseYuan(%q) = %d; ParseYuan(%q) = %d, %v", s, v, out, v2, err)
				}
			}
		}
		p, perr := ParseUnitPrice(s)
		if perr != nil {
			if !isMoneyError(perr) {
				t.Fatalf("ParseUnitPrice(%q) = %v: not a sentinel", s, perr)
			}
			if err == nil {
				t.Fatalf("ParseYuan(%q) accepted %d but ParseUnitPrice rejected it: %v", s, v, perr)
			}
			return
		}
		if p < 0 || p > MaxUnitPrice {
			t.Fatalf("ParseUnitPrice(%q) = %d out of range", s, p)
		}
		for _, out := range []string{p.String(), FormatUnitPrice(p)} {
			if p2, err := ParseUnitPrice(out); err != nil || p2 != p {
				t.Fatalf("ParseUnitPrice(%q) = %d; ParseUnitPrice(%q) = %d, %v", s, p, out, p2, err)
			}
		}
		// The two parsers agree wherever the value fits both.
		if (err == nil) != (p%100 == 0) || err == nil && UnitPrice(v)*100 != p {
			t.Fatalf("ParseYuan(%q) = %d, %v but ParseUnitPrice = %d", s, v, err, p)
		}
	})
}

func FuzzLineTotal(f *testing.F) {
	f.Add(int64(125), int64(1000))
	f.Add(int64(125), int64(2))
	f.Add(int64(math.MaxInt64), int64(100))
	f.Add(int64(math.MaxInt64), int64(101))
	f.Add(int64(-1), int64(1))
	f.Add(int64(0), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, price, qty int64) {
		got, err := LineTotal(UnitPrice(price), qty)
		if price < 0 || qty < 0 {
			if !errors.Is(err, ErrNegative) {
				t.Fatalf("LineTotal(%d, %d) = %d, %v; want ErrNegative", price, qty, got, err)
			}
			return
		}
		// Exact: floor((price·qty + 50) / 100).
		want := new(big.Int).Mul(big.NewInt(price), big.NewInt(qty))
		want.Add(want, big.NewInt(50))
		want.Quo(want, big.NewInt(100))
		if !want.IsInt64() {
			if !errors.Is(err, ErrOverflow) {
				t.Fatalf("LineTotal(%d, %d) = %d, %v; want ErrOverflow", price, qty, got, err)
			}
			return
		}
		if err != nil || got < 0 || int64(got) != want.Int64() {
			t.Fatalf("LineTotal(%d, %d) = %d, %v; want %s", price, qty, got, err, want)
		}
	})
}

func FuzzCapitals(f *testing.F) {
	for _, v := range []int64{0, 5, 20, 35, 1005, 1000100, 123456789, 10001000001, math.MaxInt64, math.MinInt64, -1} {
		f.Add(v)
	}
	const allowed = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整负"
	f.Fuzz(func(t *testing.T, v int64) {
		s := Capitals(Fen(v))
		if s == "" || !utf8.ValidString(s) {
			t.Fatalf("Capitals(%d) = %q", v, s)
		}
		for _, r := range s {
			if !strings.ContainsRune(allowed, r) {
				t.Fatalf("Capitals(%d) = %q contains %q", v, s, r)
			}
		}
		if got, ok := decodeCapitals(s); !ok || int64(got) != v {
			t.Fatalf("Capitals(%d) = %q reads back as %d", v, s, got)
		}
		body := strings.TrimPrefix(s, "负")
		switch {
		case strings.HasPrefix(body, "拾") || strings.HasPrefix(body, "零") && v != 0:
			t.Fatalf("Capitals(%d) = %q starts badly", v, s)
		case strings.Contains(s, "零零"):
			t.Fatalf("Capitals(%d) = %q has a double 零", v, s)
		case strings.HasSuffix(s, "整") != (v%10 == 0):
			t.Fatalf("Capitals(%d) = %q: 整 iff no 分", v, s)
		case strings.Contains(s, "元") != (v <= -100 || v >= 100 || v == 0):
			t.Fatalf("Capitals(%d) = %q: 元 iff there are yuan", v, s)
		case strings.Contains(s, "零元") && v != 0, strings.Contains(s, "零万"), strings.Contains(s, "零亿"):
			t.Fatalf("Capitals(%d) = %q: 零 before a unit", v, s)
		case (v < 0) != strings.HasPrefix(s, "负"):
			t.Fatalf("Capitals(%d) = %q: sign", v, s)
		}
	})
}

func FuzzSplitTax(f *testing.F) {
	f.Add(int64(11300), uint16(1300))
	f.Add(int64(1), uint16(10000))
	f.Add(int64(math.MaxInt64), uint16(1300))
	f.Add(int64(math.MinInt64), uint16(0))
	f.Add(int64(-3), uint16(10000))
	f.Fuzz(func(t *testing.T, incl int64, r uint16) {
		rate := Rate(r) % (MaxRate + 1)
		checkSplitTax(t, Fen(incl), rate)
	})
}
