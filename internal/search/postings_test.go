package search

import (
	"hash/maphash"
	"testing"
)

func TestPostingsTellTokensApartWhenHashesCollide(t *testing.T) {
	s := newSnapshot()
	s.addPosting("螺栓", 0, 3)
	i, _ := s.postings.find("螺栓")
	// Pretend "bolt" hashes where "螺栓" does.
	s.postings.byKey[maphash.String(s.postings.seed, "bolt")] = i
	if _, ok := s.postings.find("bolt"); ok {
		t.Fatal("bolt found before it was added")
	}
	s.addPosting("bolt", 5, 6)
	s.addPosting("bolt", 9, 10) // a second run, after the build: a bitmap
	s.addPosting("螺栓", 3, 4)    // extends its run
	for tok, want := range map[string][]uint32{"螺栓": {0, 1, 2, 3}, "bolt": {5, 9}, "nut": nil} {
		b := s.postingBM(tok)
		var got []uint32
		if b != nil {
			got = b.ToArray()
		}
		if len(got) != len(want) || len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1]) {
			t.Errorf("%s: documents %v, want %v", tok, got, want)
		}
	}
	if len(s.postings.ents) != 2 {
		t.Errorf("%d entries, want 2", len(s.postings.ents))
	}
}
