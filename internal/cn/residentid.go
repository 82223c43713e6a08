package cn

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ResidentIDLen is the length of a second-generation resident ID number.
// First-generation 15-digit numbers have not been valid since 2013 and are
// rejected with ErrLength.
const ResidentIDLen = 18

// residentIDWeights are the ISO 7064 MOD 11-2 weights 2^(18−i) mod 11.
var residentIDWeights = [ResidentIDLen - 1]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// residentIDCheckChars maps Σ mod 11 to the check character.
const residentIDCheckChars = "10X98765432"

// minBirthYear is the earliest birth year accepted; anything earlier is a typo.
const minBirthYear = 1900

// NormalizeResidentID turns typed or pasted input into the canonical form:
// white space removed, full-width characters made half-width and a lower-case
// check character x upper-cased. It does not validate.
func NormalizeResidentID(s string) string {
	return normalizeASCII(s, true)
}

// ResidentIDCheck computes the check character (position 18) for the first 17
// digits of a resident ID. It exists to generate valid test data and to tell
// an operator which character was expected.
func ResidentIDCheck(first17 string) (byte, error) {
	if n := utf8.RuneCountInString(first17); n != ResidentIDLen-1 {
		return 0, fmt.Errorf("%w: %d digits before the check character, want %d", ErrLength, n, ResidentIDLen-1)
	}
	sum := 0
	i := 0
	for _, r := range first17 {
		if r < '0' || r > '9' {
			return 0, &CharError{Pos: i + 1, Char: r, What: "resident ID positions 1-17 are digits"}
		}
		sum += int(r-'0') * residentIDWeights[i]
		i++
	}
	return residentIDCheckChars[sum%11], nil
}

// ValidResidentID checks a canonical resident ID number against the current
// time; see ValidResidentIDAt.
func ValidResidentID(s string) error {
	return ValidResidentIDAt(s, time.Now())
}

// ValidResidentIDAt checks a canonical 18-character resident ID number: 17
// digits and a check digit or X (ISO 7064 MOD 11-2), with a real birth date
// YYYYMMDD at positions 7–14 that is not after now's date (in now's location)
// and not before 1900. It is strict (call NormalizeResidentID on user input, or
// use ParseResidentID). The returned error wraps ErrEmpty, ErrLength,
// ErrCharset, ErrDate or ErrCheck. now is a parameter so that tests and batch
// re-checks are deterministic.
func ValidResidentIDAt(s string, now time.Time) error {
	if s == "" {
		return ErrEmpty
	}
	if n := utf8.RuneCountInString(s); n != ResidentIDLen {
		return fmt.Errorf("%w: resident ID has %d characters, want %d", ErrLength, n, ResidentIDLen)
	}
	i := 0
	for _, r := range s {
		if i < ResidentIDLen-1 && (r < '0' || r > '9') {
			return &CharError{Pos: i + 1, Char: r, What: "resident ID positions 1-17 are digits"}
		}
		if i == ResidentIDLen-1 && (r < '0' || r > '9') && r != 'X' {
			return &CharError{Pos: i + 1, Char: r, What: "resident ID check character is a digit or X"}
		}
		i++
	}
	if _, err := birthDate(s, now); err != nil {
		return err
	}
	want, _ := ResidentIDCheck(s[:ResidentIDLen-1])
	if got := s[ResidentIDLen-1]; got != want {
		return fmt.Errorf("%w: resident ID ends in %q, want %q", ErrCheck, got, want)
	}
	return nil
}

// birthDate parses and checks positions 7–14 of an all-ASCII resident ID.
func birthDate(s string, now time.Time) (time.Time, error) {
	num := func(a, b int) int {
		n := 0
		for _, c := range s[a:b] {
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(6, 10), num(10, 12), num(12, 14)
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, fmt.Errorf("%w: %s is not a date", ErrDate, s[6:14])
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d { // time.Date normalised 0230 into March
		return time.Time{}, fmt.Errorf("%w: %s is not a date", ErrDate, s[6:14])
	}
	if y < minBirthYear {
		return time.Time{}, fmt.Errorf("%w: birth year %d is before %d", ErrDate, y, minBirthYear)
	}
	ny, nm, nd := now.Date()
	if t.After(time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)) {
		return time.Time{}, fmt.Errorf("%w: birth date %s is in the future", ErrDate, s[6:14])
	}
	return t, nil
}

// ParseResidentID normalises user input and validates it against now,
// returning the canonical number to store (encrypted; it is sensitive personal
// information under PIPL).
func ParseResidentID(s string, now time.Time) (string, error) {
	n := NormalizeResidentID(s)
	if err := ValidResidentIDAt(n, now); err != nil {
		return "", err
	}
	return n, nil
}

// ResidentIDBirthDate returns the birth date (midnight UTC) of a valid resident
// ID, e.g. to check that a legal representative is an adult.
func ResidentIDBirthDate(s string, now time.Time) (time.Time, error) {
	if err := ValidResidentIDAt(s, now); err != nil {
		return time.Time{}, err
	}
	return birthDate(s, now)
}

// MaskResidentID hides a resident ID number for display and logs, as PIPL
// requires for sensitive personal information: only the first 3 and last 4
// characters are kept ("110***********123X"). The input is normalised first;
// anything too short to mask that way (under 8 characters) is masked entirely.
// It never returns the input unmasked.
func MaskResidentID(s string) string {
	return maskMiddle(NormalizeResidentID(s), 3, 4)
}

// maskMiddle keeps the first head and last tail runes of s and replaces the
// others with '*'. If s is too short to hide at least one rune in between, all
// of it is replaced.
func maskMiddle(s string, head, tail int) string {
	rs := []rune(s)
	if len(rs) < head+tail+1 {
		return strings.Repeat("*", len(rs))
	}
	for i := head; i < len(rs)-tail; i++ {
		rs[i] = '*'
	}
	return string(rs)
}
