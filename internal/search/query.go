package search

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
)

// clause is one thing the query asks for: a word, a model token or a recognised
// parameter. Documents must satisfy every clause; those satisfying each clause
// strongly (a whole segmented word, an exact token or the parameter itself) rank first.
type clause struct {
	label  string          // what the buyer typed, for "without X" fallbacks
	match  *roaring.Bitmap // everything that satisfies it
	strong *roaring.Bitmap // the better part of match
	chip   *Understood     // set when the clause is a recognised parameter
}

// Understood is a parameter the query was read as: "M8" → 螺纹规格 = M8.
type Understood struct {
	Code  string // attribute code
	Name  string // attribute name in the request's language
	Value string // what it means, with unit
	Text  string // the words of the query it came from
}

var (
	threadLenRe = regexp.MustCompile(`(?:^|[^a-z0-9])(m\d+(?:\.\d+)?)\s*x\s*(\d+(?:\.\d+)?)(?:mm)?(?:$|[^a-z0-9.])`)
	numUnitRe   = regexp.MustCompile(`(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)\s*(kw|w|mm|cm|kv|v|ma|a|bar|mpa|kpa|kn|kg|°c|l/min|rpm|毫米|厘米|千瓦|公斤)(?:$|[^a-z0-9/])`)
)

// posting returns the documents of one token, or an empty bitmap.
func (s *snapshot) posting(t string) *roaring.Bitmap {
	if b := s.postingBM(t); b != nil {
		return b
	}
	return empty
}

var empty = roaring.New()

// hanMatch finds documents containing every bigram of a Han word (its single character
// when it has one): the recall net under segmentation.
func (s *snapshot) hanMatch(w string) *roaring.Bitmap {
	var grams []*roaring.Bitmap
	if utf8.RuneCountInString(w) == 1 {
		return s.posting(w)
	}
	var prev int = -1
	for i, r := range w {
		if prev >= 0 {
			b := s.postingBM(w[prev : i+utf8.RuneLen(r)])
			if b == nil {
				return empty
			}
			grams = append(grams, b)
		}
		prev = i
	}
	sort.Slice(grams, func(i, j int) bool { return grams[i].GetCardinality() < grams[j].GetCardinality() })
	return andAll(grams...)
}

// asciiMatch finds documents holding an ASCII run: the run itself, its joined form, or
// all of its parts.
func (s *snapshot) asciiMatch(t string) (match, strong *roaring.Bitmap) {
	parts, joined := asciiParts(t)
	exact := s.posting(t)
	if joined == "" {
		return exact, exact
	}
	var ps []*roaring.Bitmap
	for _, p := range parts {
		ps = append(ps, s.posting(p))
	}
	all := andAll(ps...)
	return roaring.FastOr(exact, s.posting(joined), all), roaring.Or(exact, s.posting(joined))
}

// textClause builds the clause of one word or token, widened by its synonyms.
func (s *snapshot) textClause(w string) clause {
	alts := s.synonyms[w]
	if len(alts) == 0 {
		alts = []string{w}
	}
	var ms, ss []*roaring.Bitmap
	for _, a := range alts {
		m, st := s.wordMatch(a)
		ms = append(ms, m)
		ss = append(ss, st)
	}
	return clause{label: w, match: roaring.FastOr(ms...), strong: roaring.FastOr(ss...)}
}

// wordMatch matches a (possibly mixed) word: every run of it must match.
func (s *snapshot) wordMatch(w string) (match, strong *roaring.Bitmap) {
	rs := runs(w)
	if len(rs) == 0 {
		return empty, empty
	}
	var ms, ss []*roaring.Bitmap
	for _, r := range rs {
		if r.han {
			ms = append(ms, s.hanMatch(r.text))
			if utf8.RuneCountInString(r.text) >= 2 {
				ss = append(ss, s.posting(wordPrefix+r.text))
			} else {
				ss = append(ss, s.posting(r.text))
			}
			continue
		}
		m, st := s.asciiMatch(r.text)
		ms, ss = append(ms, m), append(ss, st)
	}
	match = andAll(ms...)
	strong = andAll(ss...)
	strong.And(match)
	return match, strong
}

// valueClause is a recognised enumeration value: the attribute's documents with it, or
// the text itself.
func (s *snapshot) valueClause(e dictEntry, lang string) clause {
	var bs []*roaring.Bitmap
	var names []string
	display := e.text
	for _, code := range e.codes {
		t := s.valText[code][e.text]
		if b := s.valBM[code][t]; b != nil {
			bs = append(bs, b)
			display = t
			names = appendUnique(names, s.attrs[code].name(lang))
		}
		// A value names its class too: A2 is A2-50, A2-70 and A2-80 (stainless A2 in
		// its strength classes), DN50 is not DN500 (no hyphen, no match).
		for norm, t := range s.valText[code] {
			if len(norm) > len(e.text)+1 && norm[len(e.text)] == '-' && strings.HasPrefix(norm, e.text) {
				if b := s.valBM[code][t]; b != nil {
					bs = append(bs, b)
				}
			}
		}
	}
	param := roaring.FastOr(bs...)
	text := s.textOutside(e.text, e.codes)
	return clause{
		label:  e.text,
		match:  roaring.Or(param, text),
		strong: param,
		chip:   &Understood{Code: e.codes[0], Name: strings.Join(names, "/"), Value: display, Text: e.text},
	}
}

// textOutside matches words as text only in documents that state none of the
// attributes: where a product gives its thread as M6, a title mentioning "M6-M8" must not
// make it an M8.
func (s *snapshot) textOutside(words string, codes []string) *roaring.Bitmap {
	text, _ := s.wordMatch(words)
	var has []*roaring.Bitmap
	for _, c := range codes {
		if b := s.hasAttr[c]; b != nil {
			has = append(has, b)
		}
	}
	if len(has) == 0 || text.IsEmpty() {
		return text
	}
	// The text matches are usually few and the attributes' documents many: take each
	// away in turn rather than build their union.
	out := roaring.AndNot(text, has[0])
	for _, h := range has[1:] {
		if out.IsEmpty() {
			break
		}
		out.AndNot(h)
	}
	return out
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

func (a *attrInfo) name(lang string) string {
	if lang == "en" && a.nameEN != "" {
		return a.nameEN
	}
	return a.nameZH
}

// numClause is a recognised number with a unit: every attribute of that unit's
// dimension (narrowed to lengths named as such, when asked) equal to it within 0.1 %.
func (s *snapshot) numClause(v float64, unit, text, lang string, lengthOnly bool) (clause, bool) {
	ui, ok := unitOf(unit)
	if !ok {
		return clause{}, false
	}
	var bs []*roaring.Bitmap
	var names []string
	var code, shown string
	for c, ai := range s.attrs {
		if ai.dim != ui.dim || len(s.numBM[c]) == 0 {
			continue
		}
		if lengthOnly && !isLengthAttr(ai) {
			continue
		}
		want := v * ui.factor / ai.factor
		tol := math.Abs(want) * 0.001
		vals := s.numBM[c]
		i := sort.Search(len(vals), func(i int) bool { return vals[i].v >= want-tol })
		for ; i < len(vals) && vals[i].v <= want+tol; i++ {
			bs = append(bs, vals[i].bm)
		}
		if len(bs) > 0 && code == "" {
			code = c
		}
		names = appendUnique(names, ai.name(lang))
		shown = formatNum(want) + " " + ai.unit
	}
	if len(names) == 0 {
		return clause{}, false
	}
	sort.Strings(names)
	param := roaring.FastOr(bs...)
	var codes []string
	for c, ai := range s.attrs {
		if ai.dim == ui.dim {
			codes = append(codes, c)
		}
	}
	txt := s.textOutside(text, codes)
	if code == "" {
		for c := range s.attrs {
			if s.attrs[c].dim == ui.dim {
				code = c
				break
			}
		}
	}
	return clause{
		label:  text,
		match:  roaring.Or(param, txt),
		strong: param,
		chip:   &Understood{Code: code, Name: strings.Join(names, "/"), Value: shown, Text: text},
	}, true
}

func isLengthAttr(a *attrInfo) bool {
	return a.code == "length" || a.code == "l" || strings.Contains(a.nameZH, "长度")
}

func formatNum(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// parse turns a normalized query into clauses: thread × length pairs, numbers with
// units, enumeration values named in the query, then words and model tokens.
func (s *snapshot) parse(seg *Segmenter, q, lang string) []clause {
	var out []clause
	q = s.unglue(q)
	blank := func(i, j int) { q = q[:i] + strings.Repeat(" ", j-i) + q[j:] }

	for _, m := range threadLenRe.FindAllStringSubmatchIndex(q, 4) {
		thread := q[m[2]:m[3]]
		length, _ := strconv.ParseFloat(q[m[4]:m[5]], 64)
		whole := q[m[2]:m[5]]
		if e, ok := s.lookup(thread); ok {
			out = append(out, s.valueClause(e, lang))
		} else {
			out = append(out, s.textClause(thread))
		}
		if c, ok := s.numClause(length, "mm", whole, lang, true); ok {
			out = append(out, c)
		}
		blank(m[2], m[5])
	}
	for _, m := range numUnitRe.FindAllStringSubmatchIndex(q, 4) {
		v, err := strconv.ParseFloat(q[m[2]:m[3]], 64)
		if err != nil {
			continue
		}
		if c, ok := s.numClause(v, q[m[4]:m[5]], q[m[2]:m[5]], lang, false); ok {
			out = append(out, c)
			blank(m[2], m[5])
		}
	}
	// Values the catalogue knows, longest first, on token boundaries.
	for _, e := range s.dict {
		for {
			i := strings.Index(q, e.text)
			if i < 0 {
				break
			}
			j := i + len(e.text)
			if !boundary(q, i, j) {
				break
			}
			out = append(out, s.valueClause(e, lang))
			blank(i, j)
		}
	}
	for _, r := range runs(q) {
		if !r.han {
			out = append(out, s.textClause(r.text))
			continue
		}
		for _, w := range seg.Words(r.text) {
			if w = strings.TrimSpace(w); w == "" || stopWords[w] {
				continue
			}
			out = append(out, s.textClause(w))
		}
	}
	return out
}

// stopWords carry no meaning in a product query.
var stopWords = map[string]bool{"的": true, "和": true, "与": true, "及": true, "或": true}

// lookup finds an exact dictionary value.
func (s *snapshot) lookup(t string) (dictEntry, bool) {
	if i, ok := s.dictAt[t]; ok {
		return s.dict[i], true
	}
	return dictEntry{}, false
}

// unglue separates two catalogue values typed without a space ("6305zz" → "6305 zz",
// "62042rs" → "6204 2rs"), so that each is understood; a token the catalogue knows as it
// is stays whole.
func (s *snapshot) unglue(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); {
		if !isAlnum(rune(q[i])) {
			b.WriteByte(q[i])
			i++
			continue
		}
		j := i
		for j < len(q) && isAlnum(rune(q[j])) {
			j++
		}
		b.WriteString(s.unglueToken(q[i:j]))
		i = j
	}
	return b.String()
}

func (s *snapshot) unglueToken(t string) string {
	if _, ok := s.dictAt[t]; ok || len(t) < 4 || !s.posting(t).IsEmpty() {
		return t // a value or a word of the catalogue as it is
	}
	// Where a number meets letters first ("6305|zz"), then anywhere ("6204|2rs").
	for _, anywhere := range []bool{false, true} {
		for k := 2; k < len(t)-1; k++ {
			if !anywhere && isDigit(t[k-1]) == isDigit(t[k]) {
				continue
			}
			if _, ok := s.dictAt[t[:k]]; ok {
				if _, ok := s.dictAt[t[k:]]; ok {
					return t[:k] + " " + t[k:]
				}
			}
		}
	}
	return t
}

// boundary reports whether q[i:j] does not cut through an ASCII token.
func boundary(q string, i, j int) bool {
	if i > 0 && isAlnum(rune(q[i-1])) && isAlnum(rune(q[i])) {
		return false
	}
	if j < len(q) && isAlnum(rune(q[j])) && isAlnum(rune(q[j-1])) {
		return false
	}
	return true
}
