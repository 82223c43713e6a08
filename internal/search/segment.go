package search

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"

	"github.com/go-ego/gse"
)

//go:embed dict/industrial.txt
var industrialDict string

// Segmenter cuts Chinese text into words: gse's simplified-Chinese dictionary plus the
// industrial dictionary above. Loading takes about a second and 130 MB, so one is shared
// by every index in the process. It is safe for concurrent use.
type Segmenter struct{ seg gse.Segmenter }

var (
	segOnce sync.Once
	segErr  error
	shared  *Segmenter
)

// SharedSegmenter returns the process's segmenter, loading it on first use.
func SharedSegmenter() (*Segmenter, error) {
	segOnce.Do(func() {
		s := &Segmenter{}
		s.seg.SkipLog = true
		if segErr = s.seg.LoadDict("zh_s"); segErr != nil {
			return
		}
		for _, line := range strings.Split(industrialDict, "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			word, freq, _ := strings.Cut(line, " ")
			f, err := strconv.ParseFloat(strings.TrimSpace(freq), 64)
			if err != nil {
				f = 20000
			}
			if segErr = s.seg.AddToken(word, f, "n"); segErr != nil {
				return
			}
		}
		shared = s
	})
	return shared, segErr
}

// Search cuts text in search mode: long words and the shorter words inside them.
func (s *Segmenter) Search(text string) []string { return s.seg.CutSearch(text, true) }

// Words cuts text into its most likely words, for queries.
func (s *Segmenter) Words(text string) []string { return s.seg.Cut(text, true) }
