package freight_test

import (
	"testing"

	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"
)

func TestQuote(t *testing.T) {
	tpl := &freight.Template{Basis: freight.ByWeight, FreeAbove: 100000, Excluded: []string{"54"},
		Rules: []freight.Rule{
			{First: 1, FirstFee: 1200, Add: 1, AddFee: 500},                                       // default: ¥12 first kg, ¥5 each further kg
			{Provinces: []string{"33", "31", "32"}, First: 3, FirstFee: 800, Add: 2, AddFee: 300}, // 江浙沪
		}}
	cases := []struct {
		prov   string
		units  int64
		amount int64
		fee    int64
		free   bool
		ok     bool
	}{
		{"11", 1, 0, 1200, false, true},
		{"11", 4, 0, 1200 + 3*500, false, true},
		{"33", 3, 0, 800, false, true},
		{"33", 4, 0, 800 + 300, false, true},   // one further 2 kg step, begun
		{"33", 7, 0, 800 + 2*300, false, true}, // 4 kg more: two steps
		{"44", 10, 100000, 0, true, true},      // free above ¥1,000
		{"54", 1, 0, 0, false, false},          // not delivered
	}
	for _, c := range cases {
		q := tpl.Quote(c.prov, c.units, moneyFen(c.amount))
		if int64(q.Fee) != c.fee || q.Free != c.free || q.Delivered != c.ok {
			t.Errorf("%s %d units, amount %d: %+v, want fee %d free %v delivered %v", c.prov, c.units, c.amount, q, c.fee, c.free, c.ok)
		}
	}
}

func moneyFen(n int64) money.Fen { return money.Fen(n) }
