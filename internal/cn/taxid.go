package cn

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// NormalizeTaxID turns a typed taxpayer identification number (纳税人识别号) into its
// canonical form: half-width, upper case, without spaces or dashes.
func NormalizeTaxID(s string) string {
	var b strings.Builder
	for _, r := range s {
		r = halfWidth(r)
		if r == ' ' || r == '-' || r == '\t' || r == '\u3000' {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidTaxID checks a canonical taxpayer identification number. Since 2015 a company's
// is its unified social credit code (18 characters with a check character, checked as
// such); older registrations still seen on invoices have 15 or 20 characters of digits
// and capital letters (a 6-digit region code and the 9-character organisation code, or
// a resident ID number and two digits), which are checked for length and characters
// only. The error wraps ErrEmpty, ErrLength, ErrCharset or ErrCheck.
func ValidTaxID(s string) error {
	if s == "" {
		return ErrEmpty
	}
	switch n := utf8.RuneCountInString(s); n {
	case CreditCodeLen:
		return ValidCreditCode(s)
	case 15, 20:
		for i, r := range s {
			if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
				return &CharError{Pos: i + 1, Char: r, What: "taxpayer numbers are digits and capital letters"}
			}
		}
		return nil
	default:
		return fmt.Errorf("%w: taxpayer number has %d characters, want 15, 18 or 20", ErrLength, n)
	}
}

// ValidPostcode checks a mainland postcode (邮政编码): six digits.
func ValidPostcode(s string) error {
	if s == "" {
		return ErrEmpty
	}
	if len(s) != 6 {
		return fmt.Errorf("%w: postcode has %d characters, want 6", ErrLength, utf8.RuneCountInString(s))
	}
	for i, r := range s {
		if r < '0' || r > '9' {
			return &CharError{Pos: i + 1, Char: r, What: "postcodes are digits"}
		}
	}
	return nil
}
