package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/store"
)

// errDirty makes `ledger check` exit non-zero without repeating its report.
var errDirty = errors.New("the ledger breaks its invariants")

func runLedger(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stdout, "Usage: zhuchao ledger check [--database …]\n\nProves the ledger's invariants on a live database: every transaction sums to zero,\nall postings sum to zero, each balance equals its postings, no forbidden balance is\nnegative, every pending hold is covered. Exits 1 on any violation.\n")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errors.New("usage: zhuchao ledger check")
	}
	cfg := config.Default()
	fs := flag.NewFlagSet("ledger check", flag.ContinueOnError)
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
	rep, err := ledger.NewService(d, store.New(d), nil).Check(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s ledger: %d transactions, %d postings, %d accounts, %d pending holds; sum of all postings %s\n",
		d.Engine, rep.Transactions, rep.Postings, rep.Accounts, rep.PendingHolds, rep.Total)
	if rep.Clean() {
		fmt.Fprintln(stdout, "clean: every invariant holds")
		return nil
	}
	for _, v := range rep.Violations {
		fmt.Fprintf(stdout, "VIOLATION %s: %s (want %s, got %s)\n", v.Rule, v.Object, v.Want, v.Got)
	}
	return errDirty
}
