package cn

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MobileLen is the length of a mainland mobile number without country code.
const MobileLen = 11

// NormalizeMobile turns a typed or pasted mainland mobile number into the
// canonical 11 digits and reports whether the result is valid
// (^1[3-9]\d{9}$). It removes white space and dashes, makes full-width
// characters half-width and drops a leading +86, 0086 or 86 country code, so
// "+86 138-0013-8000" becomes "13800138000". It exists because SMS login,
// de-duplication and masking all need one form of the number.
func NormalizeMobile(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = halfWidth(r)
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		b.WriteRune(r)
	}
	n := b.String()
	switch {
	case strings.HasPrefix(n, "+86"):
		n = n[3:]
	case strings.HasPrefix(n, "0086"):
		n = n[4:]
	case strings.HasPrefix(n, "86") && len(n) == MobileLen+2:
		n = n[2:]
	}
	return n, ValidMobile(n) == nil
}

// ValidMobile checks a canonical mainland mobile number: 11 digits starting
// with 13–19. The returned error wraps ErrEmpty, ErrLength, ErrCharset or
// ErrPrefix. It is strict; use NormalizeMobile on user input.
func ValidMobile(s string) error {
	if s == "" {
		return ErrEmpty
	}
	if n := utf8.RuneCountInString(s); n != MobileLen {
		return fmt.Errorf("%w: mobile number has %d characters, want %d", ErrLength, n, MobileLen)
	}
	i := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return &CharError{Pos: i + 1, Char: r, What: "mobile numbers are digits"}
		}
		i++
	}
	if s[0] != '1' || s[1] < '3' {
		return fmt.Errorf("%w: %s… does not start with 13-19", ErrPrefix, s[:2])
	}
	return nil
}

// MaskMobile hides the middle of a mobile number for display and logs
// ("138****5678"), as PIPL expects for personal information shown on screen.
// Input that does not normalise to a valid number is masked entirely, so the
// function never leaks an unrecognised value.
func MaskMobile(s string) string {
	n, ok := NormalizeMobile(s)
	if !ok {
		return strings.Repeat("*", utf8.RuneCountInString(n))
	}
	return n[:3] + "****" + n[7:]
}
