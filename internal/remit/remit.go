// Package remit makes and reads remittance codes: the short codes a payer writes in the
// note (附言/用途) of a corporate bank transfer (对公转账) so that finance, or the bank
// statement import, can tell whose money it is. The supplier deposit and buyer payments
// share it, each with its own prefix.
package remit

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"unicode"
)

// alphabet has 31 characters (a prime, so the check character catches every single
// substitution and every swap of neighbours) and leaves out 0, 1, I, L and O, which are
// misread on paper and over the phone.
const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// Body is the number of random characters; a check character follows them.
const Body = 9

func check(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		sum += (i + 1) * strings.IndexByte(alphabet, body[i])
	}
	return alphabet[sum%len(alphabet)]
}

// New returns a fresh code: prefix, nine random characters and a check character, e.g.
// ZC7KQ2M9XHT4.
func New(prefix string) (string, error) {
	b := make([]byte, Body)
	n := big.NewInt(int64(len(alphabet)))
	for i := range b {
		r, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("remit: code: %w", err)
		}
		b[i] = alphabet[r.Int64()]
	}
	return prefix + string(b) + string(check(string(b))), nil
}

// fold maps full-width ASCII to ASCII and upper-cases, dropping spaces and hyphens.
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E { // full-width ASCII
			r = r - 0xFF01 + '!'
		}
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

func valid(body string) bool {
	if len(body) != Body+1 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(alphabet, body[i]) < 0 {
			return false
		}
	}
	return check(body[:Body]) == body[Body]
}

// Normalize reads a code as people type it into a transfer note (lower case, spaces,
// hyphens, full-width characters) and checks its prefix and check character.
func Normalize(s, prefix string) (string, bool) {
	code := fold(s)
	body, ok := strings.CutPrefix(code, prefix)
	if !ok || !valid(body) {
		return "", false
	}
	return code, true
}

// Find looks for a valid code with prefix anywhere in a free-text memo (banks prepend
// and append their own words: "网银转账 ZP7KQ2M9XHT4 货款"); it returns the first one whose
// check character is right.
func Find(memo, prefix string) (string, bool) {
	s := fold(memo)
	for i := 0; ; {
		j := strings.Index(s[i:], prefix)
		if j < 0 {
			return "", false
		}
		start := i + j + len(prefix)
		if start+Body+1 <= len(s) && valid(s[start:start+Body+1]) {
			return prefix + s[start:start+Body+1], true
		}
		i = i + j + 1
	}
}
