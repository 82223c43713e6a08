// Package cn validates, normalises and masks the Chinese identity codes and
// formats Zhuchao handles: the unified social credit code (统一社会信用代码) of
// every company on the platform, the resident identity card number (居民身份证号)
// of legal representatives, and mainland mobile numbers.
//
// The package is pure: no I/O, no clock unless a function says so. Each code has
// three kinds of functions:
//
//   - NormalizeX turns what a user typed or pasted (full-width characters,
//     stray spaces, lower case) into the canonical form, without judging it;
//   - ValidX checks a canonical value strictly and says why it is wrong with an
//     error wrapping one of the sentinel errors below;
//   - ParseX does both, for user input, and returns the canonical value.
//
// Callers map the sentinel errors to user messages with errors.Is; errors.As
// with *CharError gives the offending position.
package cn

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors. Every error returned by this package wraps exactly one of
// them, so callers can tell users why a value was rejected.
var (
	// ErrEmpty reports an empty value (after normalisation).
	ErrEmpty = errors.New("cn: empty")
	// ErrLength reports a value with the wrong number of characters.
	ErrLength = errors.New("cn: wrong length")
	// ErrCharset reports a character that may not appear at its position;
	// the error is a *CharError carrying the position.
	ErrCharset = errors.New("cn: invalid character")
	// ErrCheck reports a wrong check character: the value was mistyped.
	ErrCheck = errors.New("cn: wrong check character")
	// ErrDate reports an impossible or future birth date in a resident ID.
	ErrDate = errors.New("cn: invalid birth date")
	// ErrPrefix reports a number that is not a mainland mobile number
	// (it must start with 13–19).
	ErrPrefix = errors.New("cn: not a mainland mobile number")
)

// CharError says which character of a code is invalid, so the user can be
// pointed at it ("第 N 位"). It unwraps to ErrCharset.
type CharError struct {
	Pos  int    // 1-based position in characters (runes)
	Char rune   // the offending character
	What string // what the position allows, for logs
}

// Error implements error.
func (e *CharError) Error() string {
	return fmt.Sprintf("%v %q at position %d (%s)", ErrCharset, e.Char, e.Pos, e.What)
}

// Unwrap lets errors.Is(err, ErrCharset) succeed.
func (e *CharError) Unwrap() error { return ErrCharset }

// CreditCodeLen is the length of a unified social credit code.
const CreditCodeLen = 18

// creditCodeChars is the GB 32100-2015 alphabet: digits and upper-case letters
// without I, O, Z, S, V. A character's value is its index.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are Wi = 3^(i−1) mod 31 for positions 1–17.
var creditCodeWeights = [CreditCodeLen - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCodeValue returns the value of c in the credit-code alphabet, or -1.
func creditCodeValue(c rune) int {
	if c >= utf8.RuneSelf {
		return -1
	}
	return strings.IndexByte(creditCodeChars, byte(c))
}

// NormalizeCreditCode turns pasted or typed input into the canonical form that
// ValidCreditCode checks: white space (including the ideographic space) removed
// anywhere, full-width ASCII (ＡＢＣ１２３) made half-width, letters upper-cased.
// It does not validate; it exists so that "91350100m000100y43 " from a scanned
// licence and the printed code compare equal.
func NormalizeCreditCode(s string) string {
	return normalizeASCII(s, true)
}

// normalizeASCII removes white space, folds full-width ASCII to half-width and,
// if upper is set, upper-cases ASCII letters. Other runes are kept unchanged.
func normalizeASCII(s string, upper bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		r = halfWidth(r)
		if upper && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// halfWidth maps full-width ASCII variants (U+FF01–U+FF5E) to ASCII.
func halfWidth(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFF01 + '!'
	}
	return r
}

// CreditCodeCheck computes the check character (position 18) for the first 17
// characters of a credit code. It exists to generate valid demo and test codes
// and to tell a user which character was expected. first17 must be canonical
// (see NormalizeCreditCode).
func CreditCodeCheck(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != CreditCodeLen-1 {
		return 0, fmt.Errorf("%w: %d characters before the check character, want %d", ErrLength, n, CreditCodeLen-1)
	}
	sum := 0
	i := 0
	for _, r := range first17 {
		v := creditCodeValue(r)
		if v < 0 {
			return 0, &CharError{Pos: i + 1, Char: r, What: "credit code allows 0-9 and A-Z except I, O, Z, S, V"}
		}
		sum += v * creditCodeWeights[i]
		i++
	}
	return creditCodeChars[(31-sum%31)%31], nil
}

// MakeCreditCode appends the correct check character to first17. It exists for
// seed data, demos and tests, which need codes that pass validation.
func MakeCreditCode(first17 string) (string, error) {
	c, err := CreditCodeCheck(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}

// ValidCreditCode checks a canonical unified social credit code (GB 32100-2015):
// 18 characters from 0-9A-HJ-NPQRTUWXY whose last character is the MOD 31 check
// character. It is strict: lower case, spaces and full-width characters are
// rejected, so call NormalizeCreditCode (or use ParseCreditCode) on user input.
// The returned error wraps ErrEmpty, ErrLength, ErrCharset or ErrCheck.
func ValidCreditCode(s string) error {
	if s == "" {
		return ErrEmpty
	}
	if n := utf8.RuneCountInString(s); n != CreditCodeLen {
		return fmt.Errorf("%w: credit code has %d characters, want %d", ErrLength, n, CreditCodeLen)
	}
	// Report the first bad character anywhere, including position 18, before
	// the check: "bad character" is a more useful message than "wrong check".
	i := 0
	for _, r := range s {
		if creditCodeValue(r) < 0 {
			return &CharError{Pos: i + 1, Char: r, What: "credit code allows 0-9 and A-Z except I, O, Z, S, V"}
		}
		i++
	}
	want, _ := CreditCodeCheck(s[:CreditCodeLen-1]) // s is ASCII now
	if got := s[CreditCodeLen-1]; got != want {
		return fmt.Errorf("%w: credit code ends in %q, want %q", ErrCheck, got, want)
	}
	return nil
}

// ParseCreditCode normalises user input and validates it, returning the
// canonical code to store. It is what forms and imports should call.
func ParseCreditCode(s string) (string, error) {
	n := NormalizeCreditCode(s)
	if err := ValidCreditCode(n); err != nil {
		return "", err
	}
	return n, nil
}

// CreditCodeRegion returns positions 3–8 of a valid credit code: the GB/T 2260
// administrative division code of the registering authority (e.g. "350100" for
// Fuzhou). It exists to prefill or cross-check a supplier's region.
func CreditCodeRegion(code string) (string, error) {
	if err := ValidCreditCode(code); err != nil {
		return "", err
	}
	return code[2:8], nil
}
