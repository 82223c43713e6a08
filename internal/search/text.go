package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize folds what people type into one form: full-width ASCII to half width, the
// ideographic space and punctuation to ASCII, upper to lower case, the multiplication
// signs (×, ＊, *, х) to x, and runs of space to one. Index and queries both pass through
// it, so "Ｍ８×３０" and "m8x30" are the same text.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		case r == '×' || r == '✕' || r == '╳' || r == 'х' || r == 'Х':
			r = 'x'
		case r == '。':
			r = '.'
		case r == '，' || r == '、' || r == '；' || r == '：' || r == '（' || r == '）' || r == '【' || r == '】' || r == '《' || r == '》' || r == '「' || r == '」' || r == '“' || r == '”':
			r = ' '
		case r == '－' || r == '—' || r == '–':
			r = '-'
		case r == '℃':
			b.WriteString("°c")
			space = false
			continue
		}
		if r == '*' {
			r = 'x'
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		} else {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimRight(b.String(), " ")
}

// isHan reports whether r is a CJK ideograph.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isAlnum reports whether r is an ASCII letter or digit.
func isAlnum(r rune) bool { return r < utf8.RuneSelf && (r >= '0' && r <= '9' || r >= 'a' && r <= 'z') }

// run is a stretch of normalized text of one kind: Han ideographs, or an ASCII model
// token such as "6204-2rs", "gb/t", "8.8" or "m8x30".
type run struct {
	text string
	han  bool
}

// runs splits normalized text into Han runs and ASCII runs; an ASCII run keeps the
// joiners '-', '.', '/' and '+' between letters and digits ("dz47-63", "8.8", "gb/t").
// Everything else separates.
func runs(s string) []run {
	var out []run
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case isHan(r):
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isHan(r2) {
					break
				}
				j += n2
			}
			out = append(out, run{text: s[i:j], han: true})
			i = j
		case isAlnum(r):
			j := i + n
			for j < len(s) {
				c := s[j]
				if isAlnum(rune(c)) {
					j++
					continue
				}
				if (c == '-' || c == '.' || c == '/' || c == '+') && j+1 < len(s) && isAlnum(rune(s[j+1])) {
					j++
					continue
				}
				break
			}
			out = append(out, run{text: s[i:j]})
			i = j
		default:
			i += n
		}
	}
	return out
}

// asciiParts splits an ASCII run at its joiners: "6204-2rs" → "6204", "2rs". A decimal
// number stays whole ("8.8", "0.75"). The joined form ("62042rs") is returned too when
// the run had joiners, so either spelling finds the other.
func asciiParts(t string) (parts []string, joined string) {
	start := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '-' && c != '.' && c != '/' && c != '+' {
			continue
		}
		if c == '.' && i > 0 && isDigit(t[i-1]) && i+1 < len(t) && isDigit(t[i+1]) {
			continue // a decimal point
		}
		if i > start {
			parts = append(parts, t[start:i])
		}
		start = i + 1
	}
	if start < len(t) {
		parts = append(parts, t[start:])
	}
	if len(parts) > 1 {
		joined = strings.Join(parts, "")
	}
	return parts, joined
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hanGrams returns a Han run's single characters and every two-character substring: the
// recall net that lets any two characters of a title find it.
func hanGrams(t string, add func(string)) {
	prev := -1
	for i, r := range t {
		_ = r
		if prev >= 0 {
			add(t[prev : i+utf8.RuneLen(r)])
		}
		add(t[i : i+utf8.RuneLen(r)])
		prev = i
	}
}

// Prefixes keep token kinds apart in the postings: a bare key is a character gram or an
// ASCII token; "w:" a word found by segmentation (ranks above a gram match).
const wordPrefix = "w:"

// docTokens calls add for every token of normalized text: ASCII tokens, their parts and
// joined forms; Han singles and bigrams; and segmented words, prefixed.
func docTokens(seg *Segmenter, s string, add func(string)) {
	for _, r := range runs(s) {
		if !r.han {
			add(r.text)
			parts, joined := asciiParts(r.text)
			if joined != "" {
				add(joined)
				for _, p := range parts {
					add(p)
				}
			}
			continue
		}
		hanGrams(r.text, add)
		if utf8.RuneCountInString(r.text) >= 2 {
			for _, w := range seg.Search(r.text) {
				if utf8.RuneCountInString(w) >= 2 {
					add(wordPrefix + w)
				}
			}
		}
	}
}
