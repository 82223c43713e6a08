package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "zhuchao ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"serve", "--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "-public-url") {
		t.Fatalf("serve --help: %d %q", code, out.String())
	}
	errOut.Reset()
	if code := run(context.Background(), []string{"serve", "--addr", "nowhere", "--log-level", "loud"}, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "--addr") || !strings.Contains(errOut.String(), "--log-level") {
		t.Fatalf("bad flags: %d %q", code, errOut.String())
	}
	if code := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
}

// TestDemoServesAndEachRoleLands runs the demo command as a user would (with a small
// catalogue), then signs in as each demo role.
func TestDemoServesAndEachRoleLands(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--products", "1000", "--log-level", "error"}, out, io.Discard)
	}()
	addrRe := regexp.MustCompile(`demo: (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := addrRe.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("demo exited with %d:\n%s", code, out.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("demo did not start:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "zhuchao-demo") || !strings.Contains(out.String(), "buyer1") {
		t.Fatalf("demo logins not printed:\n%s", out.String())
	}
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	// The demo's stores are live (deposits paid), so the home page lists products.
	home, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(home.Body)
	home.Body.Close()
	if !strings.Contains(string(body), `href="/p/`) {
		t.Fatal("the demo home page lists no products")
	}
	for user, area := range map[string]string{"admin": "/admin/", "ops": "/admin/", "zhaoshang": "/admin/", "analyst": "/admin/", "kefu": "/admin/", "supplier1": "/seller/", "buyer1": "/buyer/"} {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(base+"/login", url.Values{"login": {user}, "password": {"zhuchao-demo"}})
		if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != area {
			t.Fatalf("%s login: %v %v", user, res.Status, err)
		}
		page, err := c.Get(base + area)
		if err != nil || page.StatusCode != 200 {
			t.Fatalf("%s %s: %v", user, area, err)
		}
		page.Body.Close()
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("demo exit code %d", code)
	}
	// The demo's deposits left a clean ledger.
	var check bytes.Buffer
	if code := run(context.Background(), []string{"ledger", "check", "--data", filepath.Join(dir, "data"), "--log-level", "error"}, &check, io.Discard); code != 0 || !strings.Contains(check.String(), "clean") {
		t.Fatalf("ledger check: %d\n%s", code, check.String())
	}
	// A second run reuses the database.
	out2 := &syncBuffer{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		done <- run(ctx2, []string{"demo", "--data", filepath.Join(dir, "data"), "--addr", "127.0.0.1:0", "--log-level", "error"}, out2, io.Discard)
	}()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !addrRe.MatchString(out2.String()); time.Sleep(50 * time.Millisecond) {
	}
	cancel2()
	<-done
	if !strings.Contains(out2.String(), "Using the demo marketplace") {
		t.Fatalf("second run did not reuse the database:\n%s", out2.String())
	}
}

// TestBenchSearch runs the search benchmark briefly on a small demo: it prints both
// classes' percentiles and reuses the database on a second run. Timings are not checked.
func TestBenchSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := filepath.Join(t.TempDir(), "bench")
	args := []string{"bench", "search", "--products", "1000", "--seconds", "0.2", "--data", dir, "--log-level", "error"}
	for i, want := range []string{"Generating a demo marketplace", "Using the demo marketplace"} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != 0 {
			t.Fatalf("run %d: exit %d: %s\n%s", i+1, code, errOut.String(), out.String())
		}
		for _, s := range []string{want, "Index built in", "search with facets", "category browse", "p95", "queries per second", "resident"} {
			if !strings.Contains(out.String(), s) {
				t.Fatalf("run %d: no %q in:\n%s", i+1, s, out.String())
			}
		}
	}
	if code := run(context.Background(), []string{"bench"}, io.Discard, io.Discard); code != 1 {
		t.Fatalf("bench without a benchmark: exit %d", code)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1700MiB": 1700 << 20, "2GiB": 2 << 30, "1.5G": 3 << 29, "off": 0, "0": 0, " 512M ": 512 << 20, "134217728": 128 << 20} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"lots", "-1GiB", "10MiB", "1e30GiB", "GiB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) accepted", in)
		}
	}
}

// TestBenchCheckout runs the checkout benchmark briefly on a small demo, paying with the
// sandbox: the report parses, checkouts were placed, nothing was oversold and the ledger
// is clean. Timings are not checked.
func TestBenchCheckout(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	dir := filepath.Join(t.TempDir(), "bench")
	args := []string{"bench", "checkout", "--products", "300", "--seconds", "1", "--concurrency", "3", "--buyers", "4", "--hot-skus", "2", "--pay",
		"--data", dir, "--log-level", "error"}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	report := out.String()
	field := func(name string) int {
		m := regexp.MustCompile(`(?m)^\s*` + name + `\s+(\d+)\s+\d+/s`).FindStringSubmatch(report)
		if m == nil {
			t.Fatalf("no %s line in:\n%s", name, report)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	count := func(re string) int {
		m := regexp.MustCompile(re).FindStringSubmatch(report)
		if m == nil {
			t.Fatalf("no %s in:\n%s", re, report)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	checkouts, orders, payments := field("checkouts"), field("orders"), field("payments")
	// Every checkout is paid, and the server fails nothing.
	serverErrors := count(`server errors\s+(\d+)`)
	if checkouts == 0 || orders < checkouts || payments < checkouts || serverErrors != 0 {
		t.Fatalf("checkouts %d, orders %d, payments %d, server errors %d:\n%s", checkouts, orders, payments, serverErrors, report)
	}
	if replays, same := count(`replays\s+(\d+)`), count(`same checkout returned: (\d+)`); replays != same {
		t.Fatalf("%d replayed checkouts, %d answered with the same checkout:\n%s", replays, same, report)
	}
	for _, s := range []string{"checkout call latency p50", "Refusals by reason", "\noversell: 0 ok\n", "\nledger: clean\n"} {
		if !strings.Contains(report, s) {
			t.Fatalf("no %q in:\n%s", s, report)
		}
	}
	if strings.Contains(report, "OVERSELL") || strings.Contains(report, "VIOLATION") {
		t.Fatalf("violations:\n%s", report)
	}
}
