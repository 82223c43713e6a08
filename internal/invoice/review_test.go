package invoice_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/money"
)

// REVIEW: an after-sales case refunds one line (aftersale.refund calls OnRefund with
// the order, a reference and an amount — no line), and the red-letter task spreads that
// amount pro rata over every line of the blue invoice, whatever its VAT rate, freight
// included. Returning the 13 % bolts reverses part of the 9 % line instead: the tax
// reversed is wrong (here by yuan, not fen) and the red invoice names goods that were
// never returned.
func TestReviewRedLetterForOneLineSpreadsOverOthers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(true)
		o := f.paidOrder(b, 100)
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.inv.Issue(ctx, f.sups[0], inv.ID, issueInput(inv, "26330000000000000021")); err != nil {
			t.Fatal(err)
		}
		// Line 1 (13 %) is returned and refunded in full by an after-sales case.
		l1 := o.Lines[0]
		if l1.TaxRate != money.VAT13 || o.Lines[1].TaxRate != money.VAT9 {
			t.Fatalf("fixture rates %v %v", l1.TaxRate, o.Lines[1].TaxRate)
		}
		if err := f.inv.Refunded(ctx, o.ID, "aftersale:case:review-1", l1.No, l1.Amount); err != nil {
			t.Fatal(err)
		}
		reds, err := f.inv.List(ctx, f.sups[0], invoice.Filter{Color: invoice.Red, State: invoice.Requested})
		if err != nil || len(reds) != 1 {
			t.Fatalf("red tasks %v %v", reds, err)
		}
		_, wantTax := money.SplitTax(l1.Amount, l1.TaxRate)
		red := reds[0]
		for _, l := range red.Lines {
			if l.Rate != money.VAT13 {
				t.Errorf("red line %d %q at %v for %s: only the 13 %% line was returned", l.No, l.Name, l.Rate, l.Amount)
			}
		}
		if red.Tax != -wantTax {
			t.Fatalf("red task reverses tax %s, the returned line carried %s", red.Tax, wantTax)
		}
	})
}

// REVIEW: Issue does not de-duplicate file_ids; the same uploaded file named twice hits
// invoice_files' primary key inside the transaction: a 500 for a user's input.
func TestReviewIssueDuplicateFileIDs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(true)
		o := f.paidOrder(b, 3)
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		file, err := f.inv.Upload(ctx, f.sups[0], inv.ID, invoice.FileInput{Name: "invoice.xml", Data: []byte(`<?xml version="1.0" encoding="UTF-8"?><EInvoice><Number>26330000000000000031</Number></EInvoice>`)})
		if err != nil {
			t.Fatal(err)
		}
		in := issueInput(inv, "26330000000000000031")
		in.FileIDs = []string{file.BlobID, file.BlobID}
		got, err := f.inv.Issue(ctx, f.sups[0], inv.ID, in)
		if err != nil && (errs.Is(err, errs.Internal) || errs.As(err) == nil) {
			t.Fatalf("duplicate file_ids: %v (a 500)", err)
		}
		// The fix attaches a file named twice once.
		if err != nil || len(got.Files) != 1 {
			t.Fatalf("duplicate file_ids: %v, files %+v", err, got)
		}
	})
}
