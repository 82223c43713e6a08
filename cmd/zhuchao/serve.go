package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/demo"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/server"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/web"
)

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg *config.Config) (*db.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL(), db.Options{})
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(applied) > 0 {
		slog.Info("migrations applied", "versions", applied, "engine", d.Engine)
	}
	return d, nil
}

// newServer wires the services and the edges.
func newServer(cfg config.Config, d *db.DB) (*app.App, *server.Server, error) {
	a := app.New(d, time.Now)
	s, err := a.Server(cfg, web.Site{Name: cfg.SiteName, ICP: cfg.ICP, PSB: cfg.PSB, PublicURL: cfg.PublicURL, BaiduVerification: cfg.BaiduVerification,
		BankAccountName: cfg.BankAccountName, BankName: cfg.BankName, BankAccount: cfg.BankAccount, BankCNAPS: cfg.BankCNAPS}, version)
	return a, s, err
}

func serveFlags(name string, cfg *config.Config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	cfg.Register(fs, true)
	return fs
}

func runServe(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := config.Default()
	fs := serveFlags("serve", &cfg)
	fs.SetOutput(stdout)
	memLimit := registerMemoryLimit(fs)
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	memLimit.apply()
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	d, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	return listenAndServe(ctx, cfg, d, stdout, nil)
}

func listenAndServe(ctx context.Context, cfg config.Config, d *db.DB, stdout io.Writer, banner func(addr string)) error {
	a, s, err := newServer(cfg, d)
	if err != nil {
		return err
	}
	// The search index is built before the first request so that no page lists from a
	// half-built index; then the outbox keeps it current.
	searchCtx, stopSearch := context.WithCancel(ctx)
	defer stopSearch()
	if err := a.Search.Start(searchCtx); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	startJobs(ctx, d, s, func(r *jobs.Runner) {
		a.RegisterSEOPush(ctx, r, cfg)
		a.RegisterOrderJobs(ctx, r)
		a.RegisterFulfilJobs(ctx, r)
		a.RegisterRFQJobs(ctx, r)
		a.RegisterNotifyJobs(r)
		a.RegisterAftersaleJobs(ctx, r)
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	addr := "http://" + ln.Addr().String()
	slog.Info("serving", "addr", addr, "database", d.Engine, "version", version)
	if banner != nil {
		banner(addr)
	}
	err = s.Run(ctx, ln)
	stopSearch()
	a.Search.Wait() // the last search log entries are written before the database closes
	return err
}

func runDemo(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := config.Default()
	// The demo's receiving account is labelled as such: no money moves in a demo.
	cfg.BankAccountName, cfg.BankName, cfg.BankAccount, cfg.BankCNAPS = "筑巢平台(演示账户,请勿转账)", "演示银行 示例支行", "6222000000000000000", "102100099996"
	cfg.PaySandbox = true // the demo pays with the sandbox, labelled 沙箱支付(演示)
	fs := serveFlags("demo", &cfg)
	fs.SetOutput(stdout)
	skus := fs.Int("products", 20000, "number of SKUs to generate on first run (1,000 to 1,000,000+)")
	seed := fs.Int64("seed", 1, "generator seed: the same seed builds the same marketplace")
	memLimit := registerMemoryLimit(fs)
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	memLimit.apply()
	if *skus < 100 || *skus > 5_000_000 {
		return fmt.Errorf("--products %d: must be between 100 and 5,000,000", *skus)
	}
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	d, err := openDB(ctx, &cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	seeded, err := demo.Seeded(ctx, d)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Fprintf(stdout, "Generating the demo marketplace (%d SKUs, seed %d) into %s …\n", *skus, *seed, cfg.DatabaseURL())
		start := time.Now()
		res, err := demo.Seed(ctx, app.New(d, time.Now), demo.Options{SKUs: *skus, Seed: *seed})
		if err != nil {
			return err
		}
		c := res.Catalog
		fmt.Fprintf(stdout, "Done in %s: %d categories, %d brands, %d products, %d SKUs.\n", time.Since(start).Round(time.Millisecond), c.Categories, c.Brands, c.Products, c.SKUs)
	} else {
		fmt.Fprintf(stdout, "Using the demo marketplace in %s (delete the folder to generate a new one).\n", cfg.DatabaseURL())
	}
	return listenAndServe(ctx, cfg, d, stdout, func(addr string) {
		var b strings.Builder
		fmt.Fprintf(&b, "\n筑巢 Zhuchao demo: %s\n\nDemo logins (password for all: %s):\n", addr, demo.Password)
		for _, l := range demo.Logins() {
			fmt.Fprintf(&b, "  %-12s %-22s %s\n", l.Username, l.Role, l.Org)
		}
		b.WriteString("\nPress Ctrl+C to stop.\n")
		fmt.Fprint(stdout, b.String())
	})
}

func runMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	cfg := config.Default()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg.Register(fs, false)
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	d, err := db.Open(ctx, cfg.DatabaseURL(), db.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := d.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: applied %d migration(s); schema version %d\n", d.Engine, len(applied), v)
	return nil
}

// startJobs runs timed work from the job table on this node: every node runs a runner,
// and a job runs once across them.
func startJobs(ctx context.Context, d *db.DB, s *server.Server, more ...func(*jobs.Runner)) {
	st := store.New(d)
	r := jobs.NewRunner(st, jobs.NodeID(), time.Now)
	for _, f := range more {
		f(r)
	}
	const sweep = "credentials.sweep"
	r.Register(sweep, func(ctx context.Context, j jobs.Job) error {
		res, err := s.Web.Supplier.SweepCredentials(ctx, time.Now())
		if err != nil {
			return err
		}
		slog.Info("credential sweep", "reminders", res.Reminders, "suspended", res.Suspended, "brands_stopped", res.BrandsStopped, "products_off_sale", res.ProductsOffSale)
		lifted, err := s.Web.Standing.SweepSuspensions(ctx, time.Now())
		if err != nil {
			return err
		}
		slog.Info("suspension sweep", "lifted", lifted)
		// Every node rebuilds its search index at start and reads the outbox every
		// fraction of a second, so a week of outbox is ample.
		pruned, err := st.OutboxPrune(ctx, time.Now().Add(-7*24*time.Hour))
		if err != nil {
			return err
		}
		slog.Info("outbox prune", "deleted", pruned)
		return r.Schedule(ctx, sweep, "daily", nil, time.Now().Add(24*time.Hour))
	})
	// A campaign window opened or closed: every node's search index re-ranks.
	r.Register(channel.BoundaryJob, func(ctx context.Context, j jobs.Job) error { return s.Web.Channels.Boundary(ctx) })
	if err := r.Schedule(ctx, sweep, "daily", nil, time.Now().Add(time.Minute)); err != nil {
		slog.Error("schedule credential sweep", "err", err)
	}
	go r.Start(ctx, 30*time.Second)
}
