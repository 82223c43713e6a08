// Package dbtest gives each test a fresh, migrated database on SQLite or PostgreSQL.
//
// SQLite databases live in the test's temp dir. PostgreSQL comes from
// ZHUCHAO_TEST_POSTGRES_URL (a server where the user may create databases) or, where the
// server binaries are installed, from a private throwaway cluster started on a free port
// in a temp dir (run as the postgres user when the process is root). Each test gets its
// own database cloned from a migrated template. Without either, PostgreSQL tests skip with
// one clear line — except when CI=true, where they fail.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
)

// Engines lists the engines tests run on: ZHUCHAO_TEST_ENGINES (comma-separated) or both.
func Engines() []db.Engine {
	s := os.Getenv("ZHUCHAO_TEST_ENGINES")
	if s == "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	var out []db.Engine
	for _, e := range strings.Split(s, ",") {
		out = append(out, db.Engine(strings.TrimSpace(e)))
	}
	return out
}

// Run runs fn as a subtest on every engine, each with a fresh database.
func Run(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// dsns remembers where each test database is, for tests that open it from another
// process (the crash test's server).
var dsns sync.Map // *db.DB -> DSN

// DSN returns what db.Open takes to open d again, from this process or another.
func DSN(d *db.DB) string {
	s, _ := dsns.Load(d)
	v, _ := s.(string)
	return v
}

// Open returns a fresh, migrated database on engine, closed and dropped when tb ends.
func Open(tb testing.TB, engine db.Engine) *db.DB {
	tb.Helper()
	switch engine {
	case db.SQLite:
		return openSQLite(tb)
	case db.Postgres:
		return openPostgres(tb)
	}
	tb.Fatalf("dbtest: unknown engine %q", engine)
	return nil
}

func openSQLite(tb testing.TB) *db.DB {
	tb.Helper()
	ctx := context.Background()
	// synchronous=OFF only in tests: durability is not what they check, and fsync per
	// commit would dominate the suite's time.
	path := filepath.Join(tb.TempDir(), "test.db")
	d, err := db.Open(ctx, path, db.Options{Synchronous: "OFF"})
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	dsns.Store(d, path)
	tb.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatalf("dbtest: migrate: %v", err)
	}
	return d
}

var (
	pgOnce     sync.Once
	pgAdminURL string // a URL on which CREATE DATABASE works
	pgTemplate string // migrated template database name
	pgErr      error
	pgCluster  *cluster
	pgSeq      atomic.Int64
)

func openPostgres(tb testing.TB) *db.DB {
	tb.Helper()
	pgOnce.Do(setupPostgres)
	if pgErr != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("dbtest: PostgreSQL is required when CI=true: %v", pgErr)
		}
		tb.Skipf("dbtest: PostgreSQL tests skipped: %v", pgErr)
	}
	ctx := context.Background()
	name := fmt.Sprintf("zt_%d_%d", os.Getpid(), pgSeq.Add(1))
	admin, err := sql.Open("pgx", pgAdminURL)
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+pgTemplate); err != nil {
		tb.Fatalf("dbtest: create database: %v", err)
	}
	d, err := db.Open(ctx, withDB(pgAdminURL, name), db.Options{ReadConns: 8})
	if err != nil {
		tb.Fatalf("dbtest: %v", err)
	}
	dsns.Store(d, withDB(pgAdminURL, name))
	tb.Cleanup(func() {
		d.Close()
		a, err := sql.Open("pgx", pgAdminURL)
		if err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	return d
}

func setupPostgres() {
	url := os.Getenv("ZHUCHAO_TEST_POSTGRES_URL")
	if url == "" {
		c, err := startCluster()
		if err != nil {
			pgErr = err
			return
		}
		pgCluster = c
		url = c.url
	}
	pgAdminURL = url
	ctx := context.Background()
	admin, err := sql.Open("pgx", url)
	if err != nil {
		pgErr = err
		return
	}
	defer admin.Close()
	pgTemplate = fmt.Sprintf("zt_%d_template", os.Getpid())
	_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pgTemplate)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pgTemplate); err != nil {
		pgErr = fmt.Errorf("create template database on %s: %w", redact(url), err)
		return
	}
	d, err := db.Open(ctx, withDB(url, pgTemplate), db.Options{})
	if err != nil {
		pgErr = err
		return
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		pgErr = fmt.Errorf("migrate template: %w", err)
	}
}

// Main wraps a package's tests: it stops the throwaway cluster and drops the template
// database afterwards. Call it from TestMain in every package that uses PostgreSQL.
func Main(m *testing.M) {
	code := m.Run()
	if pgTemplate != "" && pgErr == nil {
		if a, err := sql.Open("pgx", pgAdminURL); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + pgTemplate)
			a.Close()
		}
	}
	if pgCluster != nil {
		pgCluster.stop()
	}
	os.Exit(code)
}

func withDB(url, name string) string {
	base, query, _ := strings.Cut(url, "?")
	if i := strings.LastIndex(base, "/"); i > len("postgres://") {
		base = base[:i]
	}
	out := base + "/" + name
	if query != "" {
		out += "?" + query
	}
	return out
}

func redact(url string) string {
	if at := strings.LastIndex(url, "@"); at > 0 {
		if s := strings.Index(url, "://"); s > 0 {
			return url[:s+3] + "…" + url[at:]
		}
	}
	return url
}

type cluster struct {
	dir  string
	url  string
	proc *exec.Cmd
}

// findBin locates a PostgreSQL server binary on PATH or in Debian's versioned directories.
func findBin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	if len(matches) > 0 {
		return matches[len(matches)-1]
	}
	return ""
}

func startCluster() (*cluster, error) {
	initdb, postgres := findBin("initdb"), findBin("postgres")
	if initdb == "" || postgres == "" {
		return nil, fmt.Errorf("set ZHUCHAO_TEST_POSTGRES_URL or install PostgreSQL server binaries (initdb, postgres)")
	}
	dir, err := os.MkdirTemp("", "zhuchao-pg-")
	if err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	cmd := exec.Command(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	proc := exec.Command(postgres, "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=64MB")
	// Pdeathsig stops the server if the test binary dies without running Main.
	proc.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	logf, _ := os.Create(filepath.Join(dir, "postgres.log"))
	if cred != nil && logf != nil {
		_ = logf.Chown(int(cred.Uid), int(cred.Gid))
	}
	proc.Stdout, proc.Stderr = logf, logf
	if err := proc.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c := &cluster{dir: dir, proc: proc, url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, err := sql.Open("pgx", c.url)
		if err == nil {
			err = a.Ping()
			a.Close()
		}
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) {
			c.stop()
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			return nil, fmt.Errorf("postgres did not start: %v: %s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *cluster) stop() {
	if c.proc != nil && c.proc.Process != nil {
		_ = c.proc.Process.Signal(syscall.SIGQUIT)
		done := make(chan struct{})
		go func() { _ = c.proc.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = c.proc.Process.Kill()
		}
	}
	os.RemoveAll(c.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
