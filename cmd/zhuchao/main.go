// Command zhuchao is the whole Zhuchao marketplace in one binary: the web and API server,
// the demo, migrations and operator tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Shanghai on machines without a zone database
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"demo", "serve a generated demo marketplace on an embedded SQLite database", runDemo},
		{"serve", "serve the marketplace", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"user", "manage staff accounts: create, reset-password, list", runUser},
		{"ledger", "check | reconcile: prove the ledger's invariants; reconcile escrow with orders and payment records", runLedger},
		{"bench", "search | pages | checkout: measure the search index, the pages, concurrent checkouts on a generated demo", runBench},
		{"version", "print the version", func(ctx context.Context, args []string, w io.Writer) error {
			fs := flag.NewFlagSet("version", flag.ContinueOnError)
			fs.SetOutput(w)
			if err := fs.Parse(args); err != nil {
				return err
			}
			fmt.Fprintf(w, "zhuchao %s\n", version)
			return nil
		}},
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "zhuchao — 筑巢 industrial B2B marketplace (%s)\n\nUsage: zhuchao <command> [flags]\n\nCommands:\n", version)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'zhuchao <command> --help' for a command's flags. Every flag can also be set\nwith a ZHUCHAO_* environment variable (--log-level → ZHUCHAO_LOG_LEVEL).\n")
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout)
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			if err != nil {
				fmt.Fprintf(stderr, "zhuchao %s: %v\n", c.name, err)
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "zhuchao: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func setupLogging(level, format string, w io.Writer) {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	var h slog.Handler
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}
