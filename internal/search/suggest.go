package search

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

// pinyinOf returns a Han word's toneless pinyin joined ("luoshuan") and its initials
// ("ls"); other characters pass through.
func pinyinOf(w string) (full, initials string) {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, _ pinyin.Args) []string { return []string{string(r)} }
	var f, in strings.Builder
	for _, syl := range pinyin.LazyPinyin(w, a) {
		f.WriteString(syl)
		if syl != "" {
			in.WriteByte(syl[0])
		}
	}
	return f.String(), in.String()
}

// didYouMean proposes a spelling for a query that found nothing: a Han word written
// with the wrong characters of the same sound (螺拴 → 螺栓), or pinyin typed without
// switching the input method (luoshuan → 螺栓).
func (s *snapshot) didYouMean(seg *Segmenter, q string) string {
	byPinyin := s.pinyinWords()
	var out []string
	changed := false
	for _, r := range runs(q) {
		var words []string
		if r.han {
			words = seg.Words(r.text)
		} else {
			words = []string{r.text}
		}
		for _, w := range words {
			if s.vocab[w] > 0 || s.hasPosting(w) {
				out = append(out, w)
				continue
			}
			full, _ := pinyinOf(w)
			if c, ok := byPinyin[full]; ok && c != w {
				out = append(out, c)
				changed = true
				continue
			}
			out = append(out, w)
		}
	}
	if !changed {
		return ""
	}
	return strings.Join(out, " ")
}

// pinyinWords maps the pinyin of every indexed word (two characters or more) to the
// most frequent word with it. Built on first use per snapshot.
func (s *snapshot) pinyinWords() map[string]string {
	s.pyOnce.Do(func() {
		s.byPinyin = map[string]string{}
		freq := map[string]int{}
		for w, n := range s.vocab {
			if utf8.RuneCountInString(w) < 2 {
				continue
			}
			full, _ := pinyinOf(w)
			if n > freq[full] {
				freq[full] = n
				s.byPinyin[full] = w
			}
		}
	})
	return s.byPinyin
}

// Suggestion is one autocomplete entry.
type Suggestion struct {
	Text   string
	Weight int
}

type suggestEntry struct {
	key    string // text, pinyin or initials
	text   string
	weight int
}

// Suggester completes what a buyer is typing from hot terms, category and brand names
// and the catalogue's words, by text, pinyin or initials.
type Suggester struct {
	entries []suggestEntry // sorted by key
}

// NewSuggester builds a suggester from weighted terms.
func NewSuggester(terms map[string]int) *Suggester {
	sg := &Suggester{}
	for t, w := range terms {
		n := Normalize(t)
		if n == "" {
			continue
		}
		sg.entries = append(sg.entries, suggestEntry{n, t, w})
		full, in := pinyinOf(n)
		if full != n {
			sg.entries = append(sg.entries, suggestEntry{full, t, w})
			if len(in) >= 2 {
				sg.entries = append(sg.entries, suggestEntry{in, t, w})
			}
		}
	}
	sort.Slice(sg.entries, func(i, j int) bool { return sg.entries[i].key < sg.entries[j].key })
	return sg
}

// Complete returns up to n terms starting with prefix (by text, pinyin or initials),
// heaviest first.
func (sg *Suggester) Complete(prefix string, n int) []Suggestion {
	p := Normalize(prefix)
	if p == "" || sg == nil {
		return nil
	}
	p = strings.ReplaceAll(p, " ", "")
	i := sort.Search(len(sg.entries), func(i int) bool { return sg.entries[i].key >= p })
	best := map[string]int{}
	for ; i < len(sg.entries) && strings.HasPrefix(sg.entries[i].key, p); i++ {
		e := sg.entries[i]
		if e.weight > best[e.text] {
			best[e.text] = e.weight
		}
		if len(best) > 2000 {
			break
		}
	}
	out := make([]Suggestion, 0, len(best))
	for t, w := range best {
		out = append(out, Suggestion{t, w})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Text < out[j].Text
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
