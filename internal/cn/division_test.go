package cn

import (
	"errors"
	"testing"
)

func TestDivisions(t *testing.T) {
	if n := len(Provinces()); n != 31 {
		t.Fatalf("provinces: %d, want the 31 mainland provincial divisions", n)
	}
	for _, tc := range []struct{ code, full string }{
		{"110101", "北京市东城区"},
		{"320505", "江苏省苏州市虎丘区"},
		{"440300", "广东省深圳市"},
		{"441900", "广东省东莞市"},
		{"442000", "广东省中山市"},
		{"460400", "海南省儋州市"},
		{"419001", "河南省济源市"},
		{"500229", "重庆市城口县"},
		{"330000", "浙江省"},
		{"999999", ""},
		{"", ""},
	} {
		if got := DivisionFullName(tc.code); got != tc.full {
			t.Errorf("DivisionFullName(%q) = %q, want %q", tc.code, got, tc.full)
		}
	}
	// Cities without counties have one county-level entry with their own code.
	if d, _ := LookupDivisionAt("441900", LevelCity); d.Name != "东莞市" {
		t.Errorf("东莞 as a city: %v", d)
	}
	if c := DivisionChildren("441900"); len(c) != 1 || c[0].Code != "441900" || c[0].Level != LevelCounty {
		t.Errorf("东莞's children: %v", c)
	}
	if c := DivisionChildren("110000"); len(c) != 1 || c[0].Name != "北京市" {
		t.Errorf("北京's cities: %v", c)
	}
	if c := DivisionChildren("320500"); len(c) < 5 || c[0].Code[:4] != "3205" {
		t.Errorf("苏州's counties: %v", c)
	}
	if DivisionChildren("110101") != nil || DivisionChildren("") != nil {
		t.Error("a county or nothing has children")
	}
	if p := DivisionPath("320505"); len(p) != 3 || p[0].Code != "320000" || p[1].Code != "320500" || p[2].Level != LevelCounty {
		t.Errorf("path: %v", p)
	}
}

func TestValidCounty(t *testing.T) {
	for _, good := range []string{"110101", "441900", "460400", "650102"} {
		if err := ValidCounty(good); err != nil {
			t.Errorf("ValidCounty(%q) = %v", good, err)
		}
	}
	for code, want := range map[string]error{
		"":        ErrEmpty,
		"11010":   ErrLength,
		"1101011": ErrLength,
		"11010X":  ErrCharset,
		"110000":  ErrUnknownDivision, // a province
		"320500":  ErrUnknownDivision, // a city with counties
		"990101":  ErrUnknownDivision,
	} {
		if err := ValidCounty(code); !errors.Is(err, want) {
			t.Errorf("ValidCounty(%q) = %v, want %v", code, err, want)
		}
	}
}

func TestTaxID(t *testing.T) {
	if got := NormalizeTaxID(" 91350100m000100y43 "); got != "91350100M000100Y43" {
		t.Errorf("normalize: %q", got)
	}
	for _, good := range []string{"91350100M000100Y43", "320502123456789", "11010519491231002X12"} {
		if err := ValidTaxID(good); err != nil {
			t.Errorf("ValidTaxID(%q) = %v", good, err)
		}
	}
	for s, want := range map[string]error{
		"":                   ErrEmpty,
		"12345":              ErrLength,
		"91350100M000100Y44": ErrCheck,
		"32050212345678*":    ErrCharset,
		"3205021234567890a1": ErrCharset,
	} {
		if err := ValidTaxID(s); !errors.Is(err, want) {
			t.Errorf("ValidTaxID(%q) = %v, want %v", s, err, want)
		}
	}
}

func TestPostcode(t *testing.T) {
	if err := ValidPostcode("215000"); err != nil {
		t.Error(err)
	}
	for s, want := range map[string]error{"": ErrEmpty, "21500": ErrLength, "21500a": ErrCharset, "２１５０００": ErrLength} {
		if err := ValidPostcode(s); !errors.Is(err, want) {
			t.Errorf("ValidPostcode(%q) = %v, want %v", s, err, want)
		}
	}
}

func FuzzTaxIDAndCounty(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "320502123456789", " 9135 0100-m000100y43 ", "441900", "１１０１０１", "", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeTaxID(s)
		if NormalizeTaxID(n) != n {
			t.Fatalf("NormalizeTaxID not idempotent on %q", s)
		}
		if err := ValidTaxID(n); err != nil && !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrLength) && !errors.Is(err, ErrCharset) && !errors.Is(err, ErrCheck) {
			t.Fatalf("ValidTaxID(%q) = %v: no sentinel", n, err)
		}
		if err := ValidCounty(s); err == nil {
			if DivisionFullName(s) == "" || len(DivisionPath(s)) != 3 {
				t.Fatalf("county %q has no full name or path", s)
			}
		} else if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrLength) && !errors.Is(err, ErrCharset) && !errors.Is(err, ErrUnknownDivision) {
			t.Fatalf("ValidCounty(%q) = %v: no sentinel", s, err)
		}
	})
}
