package cn

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

func TestCreditCodeKnownGood(t *testing.T) {
	for _, s := range []string{"91350100M000100Y43", "91110000802100433B"} {
		if err := ValidCreditCode(s); err != nil {
			t.Errorf("ValidCreditCode(%q) = %v", s, err)
		}
		c, err := CreditCodeCheck(s[:17])
		if err != nil || c != s[17] {
			t.Errorf("CreditCodeCheck(%q) = %q, %v; want %q", s[:17], c, err, s[17])
		}
		m, err := MakeCreditCode(s[:17])
		if err != nil || m != s {
			t.Errorf("MakeCreditCode(%q) = %q, %v", s[:17], m, err)
		}
	}
	if r, err := CreditCodeRegion("91350100M000100Y43"); err != nil || r != "350100" {
		t.Errorf("CreditCodeRegion = %q, %v", r, err)
	}
	if _, err := CreditCodeRegion("91350100M000100Y44"); !errors.Is(err, ErrCheck) {
		t.Errorf("CreditCodeRegion(bad) err = %v", err)
	}
}

func TestCreditCodeGenerated(t *testing.T) {
	// Every prefix made of allowed characters gets a valid code, and every
	// other check character is rejected.
	prefixes := []string{
		"91440300MA5", "12100000400", "52310000MJ4", "Y1110000MA0", "93320500MA1",
	}
	for _, p := range prefixes {
		for tail := 0; tail < 40; tail++ {
			first17 := p + fmt.Sprintf("%06d", tail*7919)
			first17 = first17[:17]
			code, err := MakeCreditCode(first17)
			if err != nil {
				t.Fatalf("MakeCreditCode(%q): %v", first17, err)
			}
			if err := ValidCreditCode(code); err != nil {
				t.Errorf("ValidCreditCode(%q) = %v", code, err)
			}
			for i := 0; i < len(creditCodeChars); i++ {
				c := creditCodeChars[i]
				if c == code[17] {
					continue
				}
				bad := first17 + string(c)
				if err := ValidCreditCode(bad); !errors.Is(err, ErrCheck) {
					t.Errorf("ValidCreditCode(%q) = %v, want ErrCheck", bad, err)
				}
			}
		}
	}
}

func TestCreditCodeSingleSubstitutionDetected(t *testing.T) {
	// MOD 31 detects every single-character substitution.
	good := "91350100M000100Y43"
	for i := 0; i < 18; i++ {
		for j := 0; j < len(creditCodeChars); j++ {
			c := creditCodeChars[j]
			if c == good[i] {
				continue
			}
			bad := good[:i] + string(c) + good[i+1:]
			if err := ValidCreditCode(bad); err == nil {
				t.Errorf("ValidCreditCode(%q) accepted a substitution", bad)
			}
		}
	}
}

func TestCreditCodeBad(t *testing.T) {
	tests := []struct {
		in  string
		err error
		pos int
	}{
		{"", ErrEmpty, 0},
		{"91350100M000100Y4", ErrLength, 0},
		{"91350100M000100Y433", ErrLength, 0},
		{"91350100M000100Y44", ErrCheck, 0},
		{"91110000802100433C", ErrCheck, 0},
		{"91350100m000100y43", ErrCharset, 9},  // strict: lower case
		{"I1350100M000100Y43", ErrCharset, 1},  // I not allowed
		{"91350100O000100Y43", ErrCharset, 9},  // O not allowed
		{"91350100M000100Z43", ErrCharset, 16}, // Z not allowed
		{"91350100M000100Y4S", ErrCharset, 18}, // S not allowed, even as check
		{"9135010VM000100Y43", ErrCharset, 8},  // V not allowed
		{"9135０100M000100Y43", ErrCharset, 5},  // full-width, strict
		{"91350100M000100Y4-", ErrCharset, 18},
		{" 91350100M000100Y4", ErrCharset, 1},
		{"统一社会信用代码统一社会信用代码统一", ErrCharset, 1},
		{"统一社会信用代码", ErrLength, 0},
	}
	for _, tt := range tests {
		err := ValidCreditCode(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("ValidCreditCode(%q) = %v, want %v", tt.in, err, tt.err)
			continue
		}
		var ce *CharError
		if tt.pos != 0 {
			if !errors.As(err, &ce) || ce.Pos != tt.pos {
				t.Errorf("ValidCreditCode(%q) = %v, want position %d", tt.in, err, tt.pos)
			}
		} else if errors.As(err, &ce) {
			t.Errorf("ValidCreditCode(%q) = %v, unexpected CharError", tt.in, err)
		}
	}
}

func TestCreditCodeCheckErrors(t *testing.T) {
	if _, err := CreditCodeCheck("9135"); !errors.Is(err, ErrLength) {
		t.Errorf("short: %v", err)
	}
	if _, err := CreditCodeCheck("91350100M000100YI"); !errors.Is(err, ErrCharset) {
		t.Errorf("I: %v", err)
	}
	if _, err := MakeCreditCode("9135"); !errors.Is(err, ErrLength) {
		t.Errorf("MakeCreditCode short: %v", err)
	}
}

func TestNormalizeAndParseCreditCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91350100M000100Y43", "91350100M000100Y43"},
		{" 91350100m000100y43\n", "91350100M000100Y43"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"９１１１００００８０２１００４３３ｂ", "91110000802100433B"},
		{"9135 0100 M000 100Y 43", "91350100M000100Y43"},
		{"\u300091110000802100433b\t", "91110000802100433B"},
	}
	for _, tt := range tests {
		if got := NormalizeCreditCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCreditCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
		got, err := ParseCreditCode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseCreditCode(%q) = %q, %v", tt.in, got, err)
		}
	}
	if _, err := ParseCreditCode("  "); !errors.Is(err, ErrEmpty) {
		t.Errorf("ParseCreditCode(blank) = %v", err)
	}
	if _, err := ParseCreditCode("91350100m000100y44"); !errors.Is(err, ErrCheck) {
		t.Errorf("ParseCreditCode(bad check) = %v", err)
	}
}

// makeID builds a valid resident ID for tests.
func makeID(t *testing.T, region, birth, seq string) string {
	t.Helper()
	first := region + birth + seq
	c, err := ResidentIDCheck(first)
	if err != nil {
		t.Fatalf("ResidentIDCheck(%q): %v", first, err)
	}
	return first + string(c)
}

func TestResidentIDGood(t *testing.T) {
	// 11010519491231002X is the example in GB 11643-1999.
	good := []string{"11010519491231002X"}
	for _, b := range []string{"19000101", "19491001", "19800229", "20000229", "19991231", "20250615", "20080808"} {
		for _, seq := range []string{"001", "123", "456", "999", "010"} {
			good = append(good, makeID(t, "350102", b, seq))
		}
	}
	checks := map[byte]bool{}
	for _, s := range good {
		if err := ValidResidentIDAt(s, now); err != nil {
			t.Errorf("ValidResidentIDAt(%q) = %v", s, err)
		}
		checks[s[17]] = true
	}
	if !checks['X'] {
		t.Error("test data never exercises the X check character")
	}
	bd, err := ResidentIDBirthDate("11010519491231002X", now)
	if err != nil || !bd.Equal(time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ResidentIDBirthDate = %v, %v", bd, err)
	}
	if _, err := ResidentIDBirthDate("11010519491231002Y", now); err == nil {
		t.Error("ResidentIDBirthDate accepted a bad ID")
	}
	if err := ValidResidentID("11010519491231002X"); err != nil {
		t.Errorf("ValidResidentID = %v", err)
	}
	// The standard's other example is born in 1880: its check digit is
	// right, but no living legal representative was born before 1900.
	if c, _ := ResidentIDCheck("44052418800101001"); c != '4' {
		t.Errorf("ResidentIDCheck(44052418800101001) = %q, want '4'", c)
	}
	if err := ValidResidentIDAt("440524188001010014", now); !errors.Is(err, ErrDate) {
		t.Errorf("1880 birth: %v, want ErrDate", err)
	}
}

func TestResidentIDBad(t *testing.T) {
	future := makeID(t, "110105", "20250616", "002")
	today := makeID(t, "110105", "20250615", "002")
	tests := []struct {
		in  string
		err error
		pos int
	}{
		{"", ErrEmpty, 0},
		{"11010519491231002", ErrLength, 0},
		{"110105194912310021X", ErrLength, 0},
		{"110105491231002", ErrLength, 0}, // first-generation, 15 digits
		{"11010519491231002x", ErrCharset, 18},
		{"11010519491231002Y", ErrCharset, 18},
		{"1101051949123100XX", ErrCharset, 17},
		{"A1010519491231002X", ErrCharset, 1},
		{"110105１9491231002X", ErrCharset, 7},
		{"110105194912310021", ErrCheck, 0},
		{"110105194912310020", ErrCheck, 0},
		{makeID(t, "110105", "19490230", "002"), ErrDate, 0},
		{makeID(t, "110105", "19491301", "002"), ErrDate, 0},
		{makeID(t, "110105", "19490001", "002"), ErrDate, 0},
		{makeID(t, "110105", "19490100", "002"), ErrDate, 0},
		{makeID(t, "110105", "19490132", "002"), ErrDate, 0},
		{makeID(t, "110105", "19010229", "002"), ErrDate, 0}, // not a leap year
		{makeID(t, "110105", "18991231", "002"), ErrDate, 0},
		{makeID(t, "110105", "00000000", "002"), ErrDate, 0},
		{future, ErrDate, 0},
	}
	for _, tt := range tests {
		err := ValidResidentIDAt(tt.in, now)
		if !errors.Is(err, tt.err) {
			t.Errorf("ValidResidentIDAt(%q) = %v, want %v", tt.in, err, tt.err)
			continue
		}
		var ce *CharError
		if tt.pos != 0 && (!errors.As(err, &ce) || ce.Pos != tt.pos) {
			t.Errorf("ValidResidentIDAt(%q) = %v, want position %d", tt.in, err, tt.pos)
		}
	}
	if err := ValidResidentIDAt(today, now); err != nil {
		t.Errorf("born today: %v", err)
	}
	// "Future" is judged by the calendar date in now's location.
	shanghai := time.FixedZone("CST", 8*3600)
	if err := ValidResidentIDAt(future, time.Date(2025, 6, 16, 0, 30, 0, 0, shanghai)); err != nil {
		t.Errorf("born today in Shanghai: %v", err)
	}
	if _, err := ResidentIDCheck("1101051949123100"); !errors.Is(err, ErrLength) {
		t.Errorf("ResidentIDCheck short: %v", err)
	}
	if _, err := ResidentIDCheck("1101051949123100X"); !errors.Is(err, ErrCharset) {
		t.Errorf("ResidentIDCheck X: %v", err)
	}
}

func TestParseResidentID(t *testing.T) {
	for _, in := range []string{"11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"} {
		got, err := ParseResidentID(in, now)
		if err != nil || got != "11010519491231002X" {
			t.Errorf("ParseResidentID(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseResidentID("11010519491231002", now); !errors.Is(err, ErrLength) {
		t.Errorf("ParseResidentID short: %v", err)
	}
}

func TestMaskResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519491231002X", "110***********002X"},
		{"11010519491231002x", "110***********002X"},
		{"110105491231002", "110********1002"},
		{"1234567", "*******"},
		{"", ""},
		{"身份证号码一二三四五六", "身份证****三四五六"},
	}
	for _, tt := range tests {
		got := MaskResidentID(tt.in)
		if got != tt.want {
			t.Errorf("MaskResidentID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMobile(t *testing.T) {
	good := []struct{ in, want string }{
		{"13800138000", "13800138000"},
		{"19912345678", "19912345678"},
		{"138 0013 8000", "13800138000"},
		{"138-0013-8000", "13800138000"},
		{"+86 138 0013 8000", "13800138000"},
		{"+86-13800138000", "13800138000"},
		{"8613800138000", "13800138000"},
		{"008613800138000", "13800138000"},
		{"１３８００１３８０００", "13800138000"},
		{"＋８６　１３８００１３８０００", "13800138000"},
		{"\t15912345678\n", "15912345678"},
	}
	for _, tt := range good {
		got, ok := NormalizeMobile(tt.in)
		if !ok || got != tt.want {
			t.Errorf("NormalizeMobile(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
		if err := ValidMobile(got); err != nil {
			t.Errorf("ValidMobile(%q) = %v", got, err)
		}
	}
	bad := []struct {
		in  string
		err error
	}{
		{"", ErrEmpty},
		{"1380013800", ErrLength},
		{"138001380000", ErrLength},
		{"12800138000", ErrPrefix},
		{"10800138000", ErrPrefix},
		{"23800138000", ErrPrefix},
		{"86138001380", ErrPrefix}, // 11 digits starting 86: not stripped
		{"1380013800a", ErrCharset},
		{"(138)001380", ErrCharset},
		{"+8512345678901", ErrLength},
		{"+8612800138000", ErrPrefix},
		{"861380013800", ErrLength},
		{"010-12345678", ErrPrefix}, // landline
		{"0591-87654321", ErrLength},
	}
	for _, tt := range bad {
		n, ok := NormalizeMobile(tt.in)
		if ok {
			t.Errorf("NormalizeMobile(%q) accepted %q", tt.in, n)
		}
		if err := ValidMobile(n); !errors.Is(err, tt.err) {
			t.Errorf("ValidMobile(%q) (from %q) = %v, want %v", n, tt.in, err, tt.err)
		}
	}
	// ValidMobile itself is strict.
	if err := ValidMobile("138 0013 80"); !errors.Is(err, ErrCharset) {
		t.Errorf("ValidMobile with spaces = %v", err)
	}
}

func TestMaskMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138-1234-5678", "138****5678"},
		{"12345", "*****"},
		{"", ""},
		{"not a phone", "*********"}, // spaces removed before masking
	}
	for _, tt := range tests {
		if got := MaskMobile(tt.in); got != tt.want {
			t.Errorf("MaskMobile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCharErrorMessage(t *testing.T) {
	err := ValidCreditCode("I1350100M000100Y43")
	if err == nil || !strings.Contains(err.Error(), "position 1") {
		t.Errorf("error %v does not name the position", err)
	}
}
