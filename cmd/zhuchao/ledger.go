package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/store"
)

// errDirty makes `ledger check` exit non-zero without repeating its report.
var errDirty = errors.New("the ledger breaks its invariants")

func runLedger(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "reconcile") {
		fmt.Fprint(stdout, "Usage: zhuchao ledger check|reconcile [--database …]\n\ncheck proves the ledger's invariants on a live database: every transaction sums to zero,\nall postings sum to zero, each balance equals its postings, no forbidden balance is\nnegative, every pending hold is covered, escrow per order = paid − released −\nrefunded against the orders and payments, payable per supplier = released net −\npaid out, and commission revenue = Σ commissions. reconcile prints ledger vs orders vs\npayment provider records to the fen. Both exit 1 on any violation or difference.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("usage: zhuchao ledger check|reconcile")
	}
	cfg := config.Default()
	fs := flag.NewFlagSet("ledger "+args[0], flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg.Register(fs, false)
	if err := cfg.Parse(fs, args[1:]); err != nil {
		return err
	}
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	d, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	if args[0] == "reconcile" {
		return reconcile(ctx, d, stdout, true)
	}
	rep, err := ledger.NewService(d, store.New(d), nil).Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s ledger: %d transactions, %d postings, %d accounts, %d pending holds; sum of all postings %s\n",
		d.Engine, rep.Transactions, rep.Postings, rep.Accounts, rep.PendingHolds, rep.Total)
	for _, v := range rep.Violations {
		fmt.Fprintf(stdout, "VIOLATION %s: %s (want %s, got %s)\n", v.Rule, v.Object, v.Want, v.Got)
	}
	recErr := reconcile(ctx, d, stdout, false)
	if !rep.Clean() || recErr != nil {
		return errDirty
	}
	fmt.Fprintln(stdout, "clean: every invariant holds")
	return nil
}

// reconcile compares escrow per order with the orders and payments, and the payment
// provider records with the ledger, to the fen; verbose lists the provider totals.
func reconcile(ctx context.Context, d *db.DB, stdout io.Writer, verbose bool) error {
	a := app.New(d, time.Now)
	rec, err := a.Payment.Reconcile(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "escrow: %d orders covered by payments; received %s, refunded %s, released %s, in escrow %s\n", rec.Orders, rec.Paid, rec.Refunded, rec.Released, rec.Escrow)
	sr, err := a.Fulfil.Reconcile(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "payables: %d suppliers; released net %s, paid out %s, payable %s; commission %s, commission revenue %s\n",
		sr.Suppliers, sr.Net, sr.PaidOut, sr.Payable, sr.Commission, sr.RevenueLedger)
	for _, x := range sr.Differences {
		fmt.Fprintf(stdout, "DIFFERENCE payable:%s: balance %s, want released net − paid out %s\n", x.SupplierID, x.Payable, x.Want)
	}
	if sr.CommissionDiffers {
		fmt.Fprintf(stdout, "DIFFERENCE commission revenue %s, Σ commissions %s\n", sr.RevenueLedger, sr.Commission)
	}
	if verbose {
		for _, p := range rec.Providers {
			fmt.Fprintf(stdout, "provider %-8s %-9s %6d receipts %14s\n", p.Provider, p.State, p.Count, p.Amount)
		}
		fmt.Fprintf(stdout, "receipts in escrow %s = paid payments %s; receipts in review %s = payment:suspense %s\n", rec.Matched, rec.PaidPayments, rec.InReview, rec.Suspense)
	}
	for _, x := range rec.Differences {
		fmt.Fprintf(stdout, "DIFFERENCE order %s (%s, %s): total %s, paid %s, refunded %s, released %s, escrow %s, want %s\n", x.Number, x.State, x.Problem, x.Total, x.Paid, x.Refunded, x.Released, x.Escrow, x.Want)
	}
	for _, m := range rec.Mismatches {
		fmt.Fprintf(stdout, "DIFFERENCE %s: receipts in escrow %s, paid payments %s, in review %s, suspense %s\n", m, rec.Matched, rec.PaidPayments, rec.InReview, rec.Suspense)
	}
	if !rec.Clean() || !sr.Clean() {
		return errDirty
	}
	if verbose {
		fmt.Fprintln(stdout, "reconciled: zero difference, to the fen")
	}
	return nil
}
