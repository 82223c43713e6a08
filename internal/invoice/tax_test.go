package invoice

import (
	"testing"

	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

func TestSplitPerLine(t *testing.T) {
	// 不含税 = round_half_up(含税 ÷ (1+r)), 税额 = 含税 − 不含税, per line.
	cases := []struct {
		name            string
		amount          money.Fen
		rate            money.Rate
		wantExcl, wantT money.Fen
	}{
		{"13% round number", 11300, money.VAT13, 10000, 1300},
		{"13% odd", 100000, money.VAT13, 88496, 11504}, // 1000 ÷ 1.13 = 884.9557… → 884.96
		{"9%", 10900, money.VAT9, 10000, 900},
		{"9% odd", 1000, money.VAT9, 917, 83}, // 9.174 → 9.17
		{"6%", 10600, money.VAT6, 10000, 600},
		{"6% half", 53, money.VAT6, 50, 3}, // 0.5000 → 0.50
		{"0%", 12345, money.VAT0, 12345, 0},
		{"1 fen at 13%", 1, money.VAT13, 1, 0}, // 0.00885 → 0.01
		{"1 fen at 6%", 1, money.VAT6, 1, 0},   // 0.0094 → 0.01
		{"2 fen at 13%", 2, money.VAT13, 2, 0}, // 0.0177 → 0.02
		{"5 fen at 13%", 5, money.VAT13, 4, 1}, // 0.0442 → 0.04
		{"red 13%", -11300, money.VAT13, -10000, -1300},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := split([]Line{{Amount: c.amount, Rate: c.rate}})[0]
			if l.Excl != c.wantExcl || l.Tax != c.wantT || l.Excl+l.Tax != c.amount {
				t.Fatalf("%s: excl %d tax %d, want %d %d", c.name, l.Excl, l.Tax, c.wantExcl, c.wantT)
			}
		})
	}
}

func TestBasisSumsToOrderTotal(t *testing.T) {
	o := &order.Order{Goods: 1 + 99999 + 333, Freight: 1234, Total: 1 + 99999 + 333 + 1234, Lines: []order.Line{
		{No: 1, Title: "垫圈", Amount: 1, TaxRate: money.VAT13},
		{No: 2, Title: "轴承", Amount: 99999, TaxRate: money.VAT13},
		{No: 3, Title: "技术服务", Amount: 333, TaxRate: money.VAT6},
	}}
	lines := Basis(o)
	if len(lines) != 4 || !lines[3].Freight || lines[3].Rate != money.VAT13 {
		t.Fatalf("freight line: %+v", lines)
	}
	a, e, x := Totals(lines)
	if a != o.Total || e+x != a {
		t.Fatalf("totals %d %d %d, order %d", a, e, x, o.Total)
	}
	// A partial amount keeps Σ = amount to the fen and every part within its line.
	for _, amount := range []money.Fen{1, 2, 3, 101566, 50000, o.Total} {
		part, err := Spread(lines, amount)
		if err != nil {
			t.Fatal(err)
		}
		if s, _, _ := Totals(part); s != amount {
			t.Fatalf("spread %d: Σ %d", amount, s)
		}
		red, err := Spread(lines, -amount)
		if err != nil {
			t.Fatal(err)
		}
		if s, _, _ := Totals(red); s != -amount {
			t.Fatalf("red spread %d: Σ %d", amount, s)
		}
		net := Net(lines, red)
		if s, _, _ := Totals(net); s != o.Total-amount {
			t.Fatalf("net after %d: %d", amount, s)
		}
	}
	if _, err := Spread(lines, o.Total+1); err == nil {
		t.Fatal("spreading more than the total must fail")
	}
}

func TestFreightRate(t *testing.T) {
	if r := FreightRate([]order.Line{{Amount: 100, TaxRate: money.VAT6}, {Amount: 300, TaxRate: money.VAT9}}); r != money.VAT9 {
		t.Fatalf("largest line's rate: %s", r)
	}
	if r := FreightRate([]order.Line{{Amount: 100, TaxRate: money.VAT6}, {Amount: 100, TaxRate: money.VAT13}}); r != money.VAT13 {
		t.Fatalf("tie takes the higher rate: %s", r)
	}
}

// FuzzSpread: for any lines and any amount up to their total, no crash, Σ = amount,
// every part between 0 and its line's amount, and 含税 = 不含税 + 税额 with 税额 ≥ 0.
func FuzzSpread(f *testing.F) {
	f.Add(int64(1), int64(99999), int64(333), int64(1234), uint16(1300), uint16(600), int64(50000))
	f.Add(int64(0), int64(0), int64(1), int64(0), uint16(0), uint16(900), int64(1))
	f.Add(int64(10_000_000_000_000), int64(1), int64(1), int64(1), uint16(1300), uint16(100), int64(3))
	rates := []money.Rate{money.VAT13, money.VAT9, money.VAT6, money.VAT3, money.VAT1, money.VAT0}
	f.Fuzz(func(t *testing.T, a, b, c, d int64, r1, r2 uint16, amount int64) {
		var basis []Line
		var total money.Fen
		for i, v := range []int64{a, b, c, d} {
			if v < 0 {
				v = -v
			}
			v %= int64(money.MaxFen) / 4
			if v < 0 {
				v = 0
			}
			r := rates[int(r1)%len(rates)]
			if i%2 == 1 {
				r = rates[int(r2)%len(rates)]
			}
			basis = append(basis, Line{No: i + 1, Amount: money.Fen(v), Rate: r})
			total += money.Fen(v)
		}
		basis = split(basis)
		if amount < 0 {
			amount = -amount
		}
		if amount < 0 || total == 0 {
			return
		}
		amt := money.Fen(amount % (int64(total) + 1))
		for _, sign := range []money.Fen{1, -1} {
			lines, err := Spread(basis, sign*amt)
			if err != nil {
				t.Fatalf("spread %d over %d: %v", amt, total, err)
			}
			s, e, x := Totals(lines)
			if s != sign*amt || e+x != s {
				t.Fatalf("Σ %d (excl %d tax %d), want %d", s, e, x, sign*amt)
			}
			for _, l := range lines {
				base := basis[l.No-1].Amount
				v, ex, tx := sign*l.Amount, sign*l.Excl, sign*l.Tax
				if v <= 0 || v > base || ex < 0 || tx < 0 || ex+tx != v {
					t.Fatalf("line %+v of basis %d", l, base)
				}
			}
		}
	})
}

// BenchmarkSpread200 spreads a partial refund over a 200-line order (the cart's limit)
// and splits every line: the work a red-letter task or a shrunk request does.
func BenchmarkSpread200(b *testing.B) {
	o := &order.Order{Freight: 1234}
	for i := 0; i < 200; i++ {
		o.Lines = append(o.Lines, order.Line{No: i + 1, Title: "螺栓", Amount: money.Fen(12345 + i*7), TaxRate: money.VAT13})
	}
	basis := Basis(o)
	total := sum(basis)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Spread(basis, -total/3); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSpreadLine(t *testing.T) {
	basis := []Line{
		{No: 1, OrderLine: 1, Amount: 1000, Rate: money.VAT13},
		{No: 2, OrderLine: 2, Amount: 500, Rate: money.VAT9},
		{No: 3, Amount: 100, Rate: money.VAT13, Freight: true},
	}
	// Within the line: all of it on that line, at its rate.
	got, err := SpreadLine(basis, 2, -300)
	if err != nil || len(got) != 1 || got[0].No != 2 || got[0].Amount != -300 || got[0].Rate != money.VAT9 {
		t.Fatalf("within line 2: %+v %v", got, err)
	}
	// Beyond the line: the line in full, the excess pro rata over the others (500:100).
	got, err = SpreadLine(basis, 1, -1200)
	if err != nil || len(got) != 3 || got[0].Amount != -1000 || got[1].Amount != -167 || got[2].Amount != -33 {
		t.Fatalf("beyond line 1: %+v %v", got, err)
	}
	// Line 0 or a line not on the basis: Spread.
	for _, n := range []int{0, 9} {
		got, err = SpreadLine(basis, n, 160)
		want, _ := Spread(basis, 160)
		if err != nil || len(got) != len(want) || got[0] != want[0] {
			t.Fatalf("line %d: %+v, want %+v (%v)", n, got, want, err)
		}
	}
	// More than the basis: an error, as Spread.
	if _, err := SpreadLine(basis, 1, -1601); err == nil {
		t.Fatal("beyond the basis: no error")
	}
}
