package invoice_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// lineOf returns the invoice line for order line n (nil when none is left).
func lineOf(lines []invoice.Line, n int) *invoice.Line {
	for i := range lines {
		if lines[i].OrderLine == n && !lines[i].Freight {
			return &lines[i]
		}
	}
	return nil
}

// TestLineRefundStaysOnItsLine: a refund of one order line (an after-sales case) comes
// out of that line, at its rate, everywhere the invoice module reshapes lines: a
// request not yet issued shrinks on that line; a full red-letter reversal's new blue
// request keeps the other lines whole; and a request made after the refunds leaves the
// refunded line out.
func TestLineRefundStaysOnItsLine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(true)
		o := f.paidOrder(b, 10)
		l1, l2 := o.Lines[0], o.Lines[1]
		if l1.TaxRate == l2.TaxRate {
			t.Fatalf("fixture rates %v %v", l1.TaxRate, l2.TaxRate)
		}
		whole := func(inv *invoice.Invoice, l order.Line) {
			t.Helper()
			got := lineOf(inv.Lines, l.No)
			if got == nil || got.Amount != l.Amount || got.Rate != l.TaxRate {
				t.Fatalf("order line %d on the invoice: %+v, want it whole (%s)", l.No, got, l.Amount)
			}
		}
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		// Before issue: a third of line 1 is refunded; only line 1 shrinks.
		part := l1.Amount / 3
		if err := f.inv.Refunded(ctx, o.ID, "aftersale:case:a", l1.No, part); err != nil {
			t.Fatal(err)
		}
		inv, _ = f.inv.Get(ctx, b.p, inv.ID)
		if got := lineOf(inv.Lines, l1.No); got == nil || got.Amount != l1.Amount-part {
			t.Fatalf("shrunk line 1 %+v, want %s", got, l1.Amount-part)
		}
		whole(inv, l2)
		if a, e, x := invoice.Totals(inv.Lines); a != o.Total-part || a != inv.Amount || e+x != a {
			t.Fatalf("shrunk request %s/%s/%s, want %s", a, e, x, o.Total-part)
		}
		if _, err := f.inv.Issue(ctx, f.sups[0], inv.ID, issueInput(inv, "26330000000000000041")); err != nil {
			t.Fatal(err)
		}
		// After issue: another fen-odd part of line 1; its task is reversed in full.
		part2 := l1.Amount/5 + 1
		if err := f.inv.Refunded(ctx, o.ID, "aftersale:case:b", l1.No, part2); err != nil {
			t.Fatal(err)
		}
		reds, _ := f.inv.List(ctx, f.sups[0], invoice.Filter{Color: invoice.Red, State: invoice.Requested})
		if len(reds) != 1 || len(reds[0].Lines) != 1 || reds[0].Lines[0].OrderLine != l1.No {
			t.Fatalf("red task %+v", reds)
		}
		if _, tax := money.SplitTax(part2, l1.TaxRate); reds[0].Tax != -tax {
			t.Fatalf("red task tax %s, want %s", reds[0].Tax, -tax)
		}
		red := reds[0]
		in := issueInput(&red, "26330000000000000042")
		in.Mode = invoice.RedFull
		in.Amount, in.Excl, in.Tax = (-inv.Amount).String(), (-inv.Excl).String(), (-inv.Tax).String()
		if _, err := f.inv.Issue(ctx, f.sups[0], red.ID, in); err != nil {
			t.Fatal(err)
		}
		next, _ := f.inv.List(ctx, b.p, invoice.Filter{Color: invoice.Blue, State: invoice.Requested})
		if len(next) != 1 || next[0].Amount != o.Total-part-part2 {
			t.Fatalf("new blue request %+v, want %s", next, o.Total-part-part2)
		}
		if got := lineOf(next[0].Lines, l1.No); got == nil || got.Amount != l1.Amount-part-part2 {
			t.Fatalf("new blue line 1 %+v, want %s", got, l1.Amount-part-part2)
		}
		whole(&next[0], l2)
		// The rest of line 1 goes back before the new request is issued: it is cancelled
		// as a request for line 1, and a fresh request covers line 2 and freight only.
		rest := l1.Amount - part - part2
		if err := f.inv.Refunded(ctx, o.ID, "aftersale:case:c", l1.No, rest); err != nil {
			t.Fatal(err)
		}
		nb, _ := f.inv.Get(ctx, b.p, next[0].ID)
		if lineOf(nb.Lines, l1.No) != nil || nb.Amount != o.Total-l1.Amount {
			t.Fatalf("request after line 1 refunded in full: %+v", nb)
		}
		whole(nb, l2)
		if _, err := f.inv.Reject(ctx, f.sups[0], nb.ID, "test"); err != nil {
			t.Fatal(err)
		}
		again, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		if lineOf(again.Lines, l1.No) != nil || again.Amount != o.Total-l1.Amount {
			t.Fatalf("request after line 1 refunded: %+v", again)
		}
		whole(again, l2)
	})
}
