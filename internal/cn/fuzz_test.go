package cn

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// isSentinel reports whether err wraps one of the package's sentinel errors,
// which is the contract callers rely on to pick a user message.
func isSentinel(err error) bool {
	for _, s := range []error{ErrEmpty, ErrLength, ErrCharset, ErrCheck, ErrDate, ErrPrefix} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91110000802100433B", " 91350100m000100y43 ",
		"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y44", "", "I", "统一社会信用代码",
		"91350100M000100Y4\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidCreditCode(s)
		if err != nil && !isSentinel(err) {
			t.Fatalf("ValidCreditCode(%q) = %v: not a sentinel", s, err)
		}
		if err == nil {
			if n := NormalizeCreditCode(s); n != s {
				t.Fatalf("accepted %q but it normalises to %q", s, n)
			}
			if m, err := MakeCreditCode(s[:17]); err != nil || m != s {
				t.Fatalf("MakeCreditCode(%q) = %q, %v", s[:17], m, err)
			}
			if r, err := CreditCodeRegion(s); err != nil || r != s[2:8] {
				t.Fatalf("CreditCodeRegion(%q) = %q, %v", s, r, err)
			}
		}
		n := NormalizeCreditCode(s)
		if NormalizeCreditCode(n) != n {
			t.Fatalf("NormalizeCreditCode not idempotent on %q", s)
		}
		p, err := ParseCreditCode(s)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("ParseCreditCode(%q) = %v: not a sentinel", s, err)
			}
			return
		}
		if p != n || ValidCreditCode(p) != nil || NormalizeCreditCode(p) != p {
			t.Fatalf("ParseCreditCode(%q) = %q does not round-trip", s, p)
		}
		if p2, err := ParseCreditCode(p); err != nil || p2 != p {
			t.Fatalf("ParseCreditCode(%q) = %q, %v", p, p2, err)
		}
	})
}

func FuzzResidentID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 110105 19491231 002X ", "11010519490230002X",
		"110105194912310021", "", "110105491231002", "１１０１０５１９４９１２３１００２ｘ", "\xff",
	} {
		f.Add(s)
	}
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidResidentIDAt(s, now)
		if err != nil && !isSentinel(err) {
			t.Fatalf("ValidResidentIDAt(%q) = %v: not a sentinel", s, err)
		}
		m := MaskResidentID(s)
		if utf8.RuneCountInString(m) != utf8.RuneCountInString(NormalizeResidentID(s)) {
			t.Fatalf("MaskResidentID(%q) = %q changes the length", s, m)
		}
		if err == nil {
			if n := NormalizeResidentID(s); n != s {
				t.Fatalf("accepted %q but it normalises to %q", s, n)
			}
			if want := s[:3] + strings.Repeat("*", 11) + s[14:]; m != want {
				t.Fatalf("MaskResidentID(%q) = %q, want %q", s, m, want)
			}
			if c, err := ResidentIDCheck(s[:17]); err != nil || c != s[17] {
				t.Fatalf("ResidentIDCheck(%q) = %q, %v", s[:17], c, err)
			}
			bd, err := ResidentIDBirthDate(s, now)
			if err != nil || bd.After(now) || bd.Year() < minBirthYear || bd.Format("20060102") != s[6:14] {
				t.Fatalf("ResidentIDBirthDate(%q) = %v, %v", s, bd, err)
			}
		}
		p, err := ParseResidentID(s, now)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("ParseResidentID(%q) = %v: not a sentinel", s, err)
			}
			return
		}
		if NormalizeResidentID(p) != p || ValidResidentIDAt(p, now) != nil {
			t.Fatalf("ParseResidentID(%q) = %q does not round-trip", s, p)
		}
	})
}

func FuzzMobile(f *testing.F) {
	for _, s := range []string{
		"13800138000", "+86 138-0013-8000", "8613800138000", "008613800138000", "１３８００１３８０００",
		"12800138000", "", "86", "+86", "\xff", "138\u30000013\u30008000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := NormalizeMobile(s)
		err := ValidMobile(n)
		if ok != (err == nil) {
			t.Fatalf("NormalizeMobile(%q) = %q, %v but ValidMobile says %v", s, n, ok, err)
		}
		if err != nil && !isSentinel(err) {
			t.Fatalf("ValidMobile(%q) = %v: not a sentinel", n, err)
		}
		m := MaskMobile(s)
		if !ok {
			if strings.Trim(m, "*") != "" {
				t.Fatalf("MaskMobile(%q) = %q leaks characters", s, m)
			}
			return
		}
		if n2, ok2 := NormalizeMobile(n); !ok2 || n2 != n {
			t.Fatalf("NormalizeMobile(%q) = %q, %v; not stable", n, n2, ok2)
		}
		if len(n) != 11 || n[0] != '1' || n[1] < '3' || n[1] > '9' || strings.Trim(n, "0123456789") != "" {
			t.Fatalf("NormalizeMobile(%q) accepted %q", s, n)
		}
		if want := n[:3] + "****" + n[7:]; m != want {
			t.Fatalf("MaskMobile(%q) = %q, want %q", s, m, want)
		}
	})
}
