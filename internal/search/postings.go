package search

import (
	"hash/maphash"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// postings is the token table. A million SKUs make a couple of million tokens, most of
// them an SKU code's parts or a word of one product: one run of consecutive documents.
// Those hold two numbers and no bitmap; and the table itself holds no pointers but the
// bitmaps', so the garbage collector does not walk millions of map entries and key
// strings on every cycle.
type postings struct {
	seed  maphash.Seed
	byKey map[uint64]uint32 // hash of the token → entry
	other map[string]uint32 // the rare token whose hash an earlier one holds
	text  []byte            // the tokens, one after another
	ents  []pentry
	bms   []*roaring.Bitmap
}

// pentry is one token: its text in postings.text and its documents, the run [lo, hi)
// when bm < 0, else postings.bms[bm].
type pentry struct {
	off, n uint32
	lo, hi uint32
	bm     int32
}

func newPostings() postings {
	return postings{seed: maphash.MakeSeed(), byKey: map[uint64]uint32{}}
}

// find returns token t's entry.
func (p *postings) find(t string) (uint32, bool) {
	if i, ok := p.byKey[maphash.String(p.seed, t)]; ok {
		e := &p.ents[i]
		if string(p.text[e.off:e.off+e.n]) == t {
			return i, true
		}
	}
	i, ok := p.other[t]
	return i, ok
}

// add makes a new entry for t (not in the table) holding the run [lo, hi).
func (p *postings) add(t string, lo, hi uint32) uint32 {
	i := uint32(len(p.ents))
	p.ents = append(p.ents, pentry{off: uint32(len(p.text)), n: uint32(len(t)), lo: lo, hi: hi, bm: -1})
	p.text = append(p.text, t...)
	h := maphash.String(p.seed, t)
	if _, taken := p.byKey[h]; !taken {
		p.byKey[h] = i
	} else {
		if p.other == nil {
			p.other = map[string]uint32{}
		}
		p.other[strings.Clone(t)] = i
	}
	return i
}

// setBitmap makes entry i's documents b.
func (p *postings) setBitmap(i uint32, b *roaring.Bitmap) {
	p.ents[i].bm = int32(len(p.bms))
	p.bms = append(p.bms, b)
}

// addPosting adds the documents [lo, hi), above any it holds, to token t's posting.
func (s *snapshot) addPosting(t string, lo, hi uint32) {
	p := &s.postings
	i, ok := p.find(t)
	if !ok {
		p.add(t, lo, hi)
		return
	}
	e := &p.ents[i]
	switch {
	case e.bm >= 0:
		p.bms[e.bm].AddRange(uint64(lo), uint64(hi))
	case e.hi == lo && s.more[i] == nil:
		e.hi = hi
	case s.building:
		m := s.more[i]
		if n := len(m); n > 0 && m[n-1] == lo {
			m[n-1] = hi
		} else {
			m = append(m, lo, hi)
		}
		s.more[i] = m
	default:
		b := roaring.New()
		b.AddRange(uint64(e.lo), uint64(e.hi))
		b.AddRange(uint64(lo), uint64(hi))
		p.setBitmap(i, b)
	}
}

func (s *snapshot) hasPosting(t string) bool {
	_, ok := s.postings.find(t)
	return ok
}

// postingBM returns token t's documents as a bitmap, nil when it has none.
func (s *snapshot) postingBM(t string) *roaring.Bitmap {
	i, ok := s.postings.find(t)
	if !ok {
		return nil
	}
	e := &s.postings.ents[i]
	if e.bm >= 0 {
		return s.postings.bms[e.bm]
	}
	b := roaring.New()
	b.AddRange(uint64(e.lo), uint64(e.hi))
	return b
}

// finishPostings makes the postings of several runs into bitmaps.
func (s *snapshot) finishPostings() {
	var vals []uint32
	var words []uint64
	for i, m := range s.more {
		e := s.postings.ents[i]
		n := e.hi - e.lo
		for j := 0; j < len(m); j += 2 {
			n += m[j+1] - m[j]
		}
		b := roaring.New()
		if n < 4096 {
			vals = vals[:0]
			for d := e.lo; d < e.hi; d++ {
				vals = append(vals, d)
			}
			for j := 0; j < len(m); j += 2 {
				for d := m[j]; d < m[j+1]; d++ {
					vals = append(vals, d)
				}
			}
			b.AddMany(vals)
		} else {
			// Many documents: set them in a plain bitset and convert it whole.
			top := int(m[len(m)-1]-1)/64 + 1
			if len(words) < top {
				words = make([]uint64, top+top/4)
			}
			setBits(words, e.lo, e.hi)
			for j := 0; j < len(m); j += 2 {
				setBits(words, m[j], m[j+1])
			}
			b.FromDense(words[:top], true)
			clear(words[:top])
		}
		b.RunOptimize()
		s.postings.setBitmap(i, b)
		delete(s.more, i)
	}
	s.more = nil
}

// setBits sets bits [lo, hi) of a bitset.
func setBits(w []uint64, lo, hi uint32) {
	for lo < hi && lo%64 != 0 {
		w[lo/64] |= 1 << (lo % 64)
		lo++
	}
	for ; lo+64 <= hi; lo += 64 {
		w[lo/64] = ^uint64(0)
	}
	for ; lo < hi; lo++ {
		w[lo/64] |= 1 << (lo % 64)
	}
}
