package money

import (
	"errors"
	"math/bits"
	"sort"
)

// ErrAllocate reports an allocation Allocate cannot make: negative weights, weights
// that sum to zero or beyond MaxFen, or an amount larger than the weights' sum.
var ErrAllocate = errors.New("money: cannot allocate")

// Allocate splits amount over weights in proportion, to the fen, so that the parts add
// up to amount exactly — a refund spread over an invoice's lines, for instance. It uses
// the largest-remainder method: each part is ⌊amount·wᵢ/W⌋ and the fen left over go one
// each to the parts with the largest remainders (earlier parts first on ties). Since
// 0 ≤ amount ≤ W, every part lies between 0 and its weight. A negative amount is split
// as its absolute value and negated. All arithmetic is exact (128-bit products).
func Allocate(amount Fen, weights []Fen) ([]Fen, error) {
	neg := amount < 0
	a := amount
	if neg {
		a = -amount
	}
	var total Fen
	for _, w := range weights {
		if w < 0 || w > MaxFen {
			return nil, ErrAllocate
		}
		total += w
		if total > MaxFen {
			return nil, ErrAllocate
		}
	}
	if a > total || (total == 0 && a != 0) || a < 0 {
		return nil, ErrAllocate
	}
	out := make([]Fen, len(weights))
	if a == 0 {
		return out, nil
	}
	type rem struct {
		i int
		r uint64
	}
	rems := make([]rem, len(weights))
	var given Fen
	for i, w := range weights {
		hi, lo := bits.Mul64(uint64(a), uint64(w))
		q, r := bits.Div64(hi, lo, uint64(total)) // hi < total since a ≤ total
		out[i] = Fen(q)
		given += Fen(q)
		rems[i] = rem{i, r}
	}
	sort.SliceStable(rems, func(x, y int) bool { return rems[x].r > rems[y].r })
	for k := 0; given < a; k++ {
		out[rems[k].i]++
		given++
	}
	if neg {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out, nil
}
