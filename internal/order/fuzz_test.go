package order

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"
)

// FuzzParseQty: a quantity as typed never panics; an accepted one is the whole number its
// digits say (full-width digits, grouping commas and spaces dropped).
func FuzzParseQty(f *testing.F) {
	for _, s := range []string{"1000", "1,000", "１０００", "1 000", "１，０００", "-5", "+5", "0", "", " ", "1.5", "1e3", "999999999999999999",
		"9999999999999999999", "١٢٣", "\xff", "0x10", "1_000", "１２a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseQty(s)
		if !ok {
			if n != 0 {
				t.Fatalf("ParseQty(%q) refused but returned %d", s, n)
			}
			return
		}
		plain := strings.Map(func(r rune) rune {
			switch {
			case r >= '０' && r <= '９':
				return r - '０' + '0'
			case r == ',' || r == '，' || unicode.IsSpace(r):
				return -1
			}
			return r
		}, s)
		if back, err := strconv.ParseInt(plain, 10, 64); err != nil || back != n {
			t.Fatalf("ParseQty(%q) = %d, but its digits %q say %d (%v)", s, n, plain, back, err)
		}
		if again, ok := ParseQty(strconv.FormatInt(n, 10)); !ok || again != n {
			t.Fatalf("ParseQty(%q) = %d does not read back: %d %v", s, n, again, ok)
		}
	})
}

// FuzzParseQuick: pasted quick-order text never panics; every non-blank line is either a
// parsed line (a code without separators and a quantity) or a problem named lines.N,
// never both, never neither.
func FuzzParseQuick(f *testing.F) {
	for _, s := range []string{"HN1-M8 1000", "HN1-M8\t1,000\r\nBRG-6204 20", "A 1\n\nB 2\nC", "A，１０", "A 1 2", "、；", "\x00 1", "A -1", "A 1e9\nB 99999999999999999999",
		strings.Repeat("A 1\n", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v errs.Validator
		lines := ParseQuick(s, &v)
		bad := map[string]bool{}
		if e := errs.As(v.Err()); e != nil {
			for _, fe := range e.Fields {
				if !strings.HasPrefix(fe.Field, "lines.") {
					t.Fatalf("problem named %q", fe.Field)
				}
				bad[fe.Field] = true
			}
		}
		raw := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
		nonBlank := 0
		for _, r := range raw {
			if len(splitQuick(r)) > 0 {
				nonBlank++
			}
		}
		if len(lines)+len(bad) != nonBlank {
			t.Fatalf("%d parsed + %d bad lines, want %d non-blank", len(lines), len(bad), nonBlank)
		}
		for _, l := range lines {
			if l.Line < 1 || l.Line > len(raw) || bad["lines."+strconv.Itoa(l.Line)] {
				t.Fatalf("line %d: out of range or also bad", l.Line)
			}
			if l.Code == "" || len(splitQuick(l.Code)) != 1 || splitQuick(l.Code)[0] != l.Code {
				t.Fatalf("line %d: code %q", l.Line, l.Code)
			}
		}
	})
}

// FuzzCartTotals: pricing a cart never panics; every line is its tier price × quantity
// rounded to the fen (or refused as absurd, at 0); each supplier's goods are the sum of
// its lines, its total goods + freight; no amount is negative.
func FuzzCartTotals(f *testing.F) {
	f.Add(int64(1500), int64(100), int64(1200), int64(1000), int64(250), int64(1200), uint8(3), int64(0))
	f.Add(int64(125), int64(1), int64(1), int64(1), int64(3), int64(1), uint8(1), int64(5000))
	f.Add(int64(math.MaxInt64), int64(2), int64(1), int64(1), int64(math.MaxInt64), int64(1), uint8(2), int64(1))
	f.Add(int64(-5), int64(0), int64(-1), int64(-1), int64(-3), int64(-10), uint8(4), int64(-1))
	f.Fuzz(func(t *testing.T, price, moq, tierPrice, tierMin, qty, weight int64, n uint8, freeAbove int64) {
		tmpl := &freight.Template{ID: "t", Basis: freight.ByPiece, FreeAbove: money.Fen(max(freeAbove, 0)),
			Rules: []freight.Rule{{First: 1, FirstFee: 800, Add: 1, AddFee: 200}}}
		var items []CartItem
		for i := range int(n%6) + 1 {
			k := SKU{ID: "k" + strconv.Itoa(i), SupplierID: "s" + strconv.Itoa(i%2), Price: price + int64(i), MOQ: moq, Multiple: 1, Stock: math.MaxInt64,
				Tiers: []catalog.Tier{{MinQty: tierMin, UnitPrice: tierPrice}}, WeightG: weight, OnSale: true}
			if i%3 == 1 {
				k.FreightID = "t"
			}
			items = append(items, CartItem{SKUID: k.ID, Qty: qty + int64(i), SKU: k})
		}
		for _, g := range group(items, map[string]*freight.Template{"t": tmpl}, "32") {
			var sum money.Fen
			for _, l := range g.Lines {
				want, err := money.LineTotal(l.UnitPrice, l.Qty)
				switch {
				case l.Amount < 0:
					t.Fatalf("line %s: amount %d", l.SKUID, l.Amount)
				case l.Amount != want && !(l.Amount == 0 && l.Problem != nil):
					t.Fatalf("line %s: %d × %d = %d, want %d (%v)", l.SKUID, l.UnitPrice, l.Qty, l.Amount, want, err)
				case (err != nil || want > money.MaxFen) && l.Problem == nil:
					t.Fatalf("line %s: %d × %d is absurd (%v) but not refused", l.SKUID, l.UnitPrice, l.Qty, err)
				}
				sum += l.Amount
			}
			if g.Goods != sum || g.Total != g.Goods+g.Freight || g.Freight < 0 || g.Goods < 0 {
				t.Fatalf("supplier %s: goods %d (lines %d) + freight %d = total %d", g.SupplierID, g.Goods, sum, g.Freight, g.Total)
			}
		}
	})
}
