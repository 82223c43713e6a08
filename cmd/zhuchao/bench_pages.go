package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const benchPagesUsage = `Usage: zhuchao bench pages [--products N] [--seconds S] [--connections C] [--lighthouse CMD]

Measures the storefront's pages on a demo marketplace of N SKUs (seeded once into
--data, reused after), served by this binary on a loopback port:

  weight      HTML + CSS + JS each list page transfers, gzip-compressed (target ≤ 100 KiB)
  server time from the Server-Timing header: the page's time beyond the search (≤ 2 ms),
              rendered afresh (a hard reload: Cache-Control: no-cache) and from the page cache
  throughput  the search page under load against a static file of the same size served by
              the same process in the same run (target ≥ 25 %), with wrk when installed
              (apt-get install wrk) and Go's client otherwise
  Lighthouse  mobile performance, accessibility and SEO (targets 0.95, 0.95, 1.0) when the
              lighthouse CLI is on PATH or given (npm install -g lighthouse@12) and Chromium
              is installed (CHROME_PATH, default /usr/bin/chromium)

Run 'zhuchao bench pages --help' for the flags.
`

func runBenchPages(ctx context.Context, args []string, stdout io.Writer) error {
	fs, cfg, products, seed := benchFlags("bench pages", stdout)
	fs.Usage = func() { fmt.Fprint(stdout, benchPagesUsage); fs.PrintDefaults() }
	seconds := fs.Float64("seconds", 8, "how long each throughput run lasts, in seconds")
	conns := fs.Int("connections", 16, "concurrent connections in the throughput runs")
	samples := fs.Int("samples", 300, "requests per page for the server-time figures")
	lighthouse := fs.String("lighthouse", "", `the Lighthouse CLI to run ("" finds lighthouse on PATH; "off" skips it)`)
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the throughput runs to this file")
	loadKind := fs.String("load-page", "search", "which page the throughput runs load: home, search, category, specs, product or store")
	if err := cfg.Parse(fs, args); err != nil {
		return err
	}
	if *seconds <= 0 || *seconds > 600 {
		return fmt.Errorf("--seconds %g: must be more than 0 and at most 600", *seconds)
	}
	if *conns < 1 || *conns > 1024 {
		return fmt.Errorf("--connections %d: must be between 1 and 1024", *conns)
	}
	if *samples < 10 || *samples > 100000 {
		return fmt.Errorf("--samples %d: must be between 10 and 100,000", *samples)
	}
	d, err := openBenchDemo(ctx, fs, cfg, *products, *seed, stdout)
	if err != nil {
		return err
	}
	defer d.Close()

	a, s, err := newServer(*cfg, d)
	if err != nil {
		return err
	}
	searchCtx, stopSearch := context.WithCancel(ctx)
	defer stopSearch()
	start := time.Now()
	if err := a.Search.Start(searchCtx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Search index built in %s.\n", time.Since(start).Round(time.Millisecond))

	// The static file is served by the same process, beside the pages, outside the page
	// middleware (so the comparison is against the best a static file can do).
	var static atomic.Pointer[[]byte]
	outer := http.NewServeMux()
	outer.HandleFunc("GET /__bench/static.html", func(w http.ResponseWriter, r *http.Request) {
		http.ServeContent(w, r, "static.html", start, bytes.NewReader(*static.Load()))
	})
	outer.Handle("/", s.Handler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: outer, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Serving on %s.\n", base)

	c := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	pages, err := discoverPages(c, base)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "\nPage weight, gzip-compressed HTML + CSS + JS (list pages ≤ 100 KiB), and server time\nbeyond the search from Server-Timing over %d requests each (≤ 2 ms), rendered afresh\n(fresh) and from the page cache (kept):\n\n", *samples)
	fmt.Fprintf(stdout, "  %-9s %-32s %9s %9s %9s  %9s %9s %8s %9s\n", "page", "path", "html", "css+js", "total", "fresh p50", "fresh p95", "search", "kept p95")
	for _, p := range pages {
		w, err := pageWeight(c, base, p.path)
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
		app, srch, err := serverTimes(c, base+p.path, *samples, true)
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
		kept, _, err := serverTimes(c, base+p.path, *samples, false)
		if err != nil {
			return fmt.Errorf("%s: %w", p.path, err)
		}
		ok := app[1] <= 2*time.Millisecond && (!p.list || w.total() <= 100<<10)
		fmt.Fprintf(stdout, "  %-9s %-32s %9s %9s %9s  %9s %9s %8s %9s  %s\n", p.name, shorten(p.path, 32),
			kib(w.html), kib(w.assets), kib(w.total()), ms(app[0]), ms(app[1]), ms(srch), ms(kept[1]), verdict(ok))
	}

	sp := pages[1] // the search page, unless --load-page says otherwise
	for _, p := range pages {
		if p.name == *loadKind {
			sp = p
		}
	}
	body, err := fetch(c, base+sp.path, false)
	if err != nil {
		return err
	}
	static.Store(&body)
	loader := "Go's HTTP client"
	if _, err := exec.LookPath("wrk"); err == nil {
		loader = "wrk"
	}
	fmt.Fprintf(stdout, "\nThroughput with %s, %d connections, %gs each (the load generator shares the CPUs):\n", loader, *conns, *seconds)
	stopProfile, err := startProfile(*cpuprofile)
	if err != nil {
		return err
	}
	dur := time.Duration(*seconds * float64(time.Second))
	staticRPS, err := load(ctx, c, loader, base+"/__bench/static.html", *conns, dur, false)
	if err != nil {
		return err
	}
	pageRPS, err := load(ctx, c, loader, base+sp.path, *conns, dur, false)
	if err != nil {
		return err
	}
	freshRPS, err := load(ctx, c, loader, base+sp.path, *conns, dur, true)
	if err != nil {
		return err
	}
	stopProfile()
	ratio := pageRPS / max(staticRPS, 1)
	fmt.Fprintf(stdout, "  static file of %s           %10.0f requests/s\n", kib(len(body)), staticRPS)
	fmt.Fprintf(stdout, "  %-9s %-30s %10.0f requests/s  = %.1f%% of the static file (≥ 25%%) %s\n",
		sp.name, shorten(sp.path, 30), pageRPS, ratio*100, verdict(ratio >= 0.25))
	fmt.Fprintf(stdout, "  the same, each rendered afresh       %10.0f requests/s  = %.1f%% (every request searches and renders)\n",
		freshRPS, freshRPS/max(staticRPS, 1)*100)
	stopSearch()
	a.Search.Wait() // the search log is written before the database closes

	return runLighthouse(ctx, stdout, *lighthouse, base, pages)
}

type benchPage struct {
	name, path string
	list       bool // a list page, held to the 100 KiB weight target
}

var (
	productLink = regexp.MustCompile(`href="(/p/[^"?#]+)`)
	storeLink   = regexp.MustCompile(`href="(/store/[^"?#]+)`)
	catLink     = regexp.MustCompile(`href="(/c/[^"?#]+)`)
	assetLink   = regexp.MustCompile(`(?:href|src)="(/assets/[^"]+\.(?:css|js))"`)
)

// discoverPages finds one page of each kind from what the demo serves: home, a search, a
// category, a product and a store.
func discoverPages(c *http.Client, base string) ([]benchPage, error) {
	home, err := fetch(c, base+"/", false)
	if err != nil {
		return nil, err
	}
	search := "/search?q=" + url.QueryEscape("螺栓")
	res, err := fetch(c, base+search, false)
	if err != nil {
		return nil, err
	}
	pages := []benchPage{{"home", "/", true}, {"search", search, true}}
	if m := catLink.FindSubmatch(home); m != nil {
		pages = append(pages, benchPage{"category", string(m[1]), true})
	}
	pages = append(pages, benchPage{"specs", "/search?q=" + url.QueryEscape("M8x30 8.8级"), true})
	m := productLink.FindSubmatch(res)
	if m == nil {
		return nil, errors.New("the search page lists no product: is the demo seeded?")
	}
	pages = append(pages, benchPage{"product", string(m[1]), false})
	prod, err := fetch(c, base+string(m[1]), false)
	if err != nil {
		return nil, err
	}
	if m := storeLink.FindSubmatch(prod); m != nil {
		pages = append(pages, benchPage{"store", string(m[1]), true})
	}
	return pages, nil
}

type weight struct{ html, assets int }

func (w weight) total() int { return w.html + w.assets }

// pageWeight is what a first visit transfers for path: the HTML and the CSS and JS it
// links, as served to a browser that accepts gzip.
func pageWeight(c *http.Client, base, path string) (weight, error) {
	html, err := fetch(c, base+path, true)
	if err != nil {
		return weight{}, err
	}
	w := weight{html: len(html)}
	plain, err := gunzipIf(html)
	if err != nil {
		return weight{}, err
	}
	seen := map[string]bool{}
	for _, m := range assetLink.FindAllSubmatch(plain, -1) {
		a := string(m[1])
		if seen[a] {
			continue
		}
		seen[a] = true
		b, err := fetch(c, base+a, true)
		if err != nil {
			return weight{}, err
		}
		w.assets += len(b)
	}
	return w, nil
}

// fetch GETs u and returns the body as transferred (gzip-encoded when gz and the server
// compresses).
func fetch(c *http.Client, u string, gz bool) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, nil
}

func gunzipIf(b []byte) ([]byte, error) {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// serverTimes requests u n times in turn and returns the p50 and p95 of the server time
// beyond the search, and the search's p50, from the Server-Timing header.
func serverTimes(c *http.Client, u string, n int, fresh bool) (app [2]time.Duration, search time.Duration, err error) {
	var apps, searches []time.Duration
	for range n {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			return app, 0, err
		}
		if fresh {
			req.Header.Set("Cache-Control", "no-cache")
		}
		resp, err := c.Do(req)
		if err != nil {
			return app, 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		st := resp.Header.Get("Server-Timing")
		if st == "" {
			return app, 0, errors.New("no Server-Timing header")
		}
		a, s := parseServerTiming(st)
		apps, searches = append(apps, a), append(searches, s)
	}
	slices.Sort(apps)
	slices.Sort(searches)
	return [2]time.Duration{apps[len(apps)/2], apps[len(apps)*95/100]}, searches[len(searches)/2], nil
}

func parseServerTiming(h string) (app, search time.Duration) {
	for part := range strings.SplitSeq(h, ",") {
		name, dur, ok := strings.Cut(strings.TrimSpace(part), ";dur=")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(dur, 64)
		if err != nil {
			continue
		}
		d := time.Duration(f * float64(time.Millisecond))
		switch name {
		case "app":
			app = d
		case "search":
			search = d
		}
	}
	return app, search
}

var wrkRPS = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)

// load runs conns connections against u for dur and returns the requests per second.
// With fresh, every request asks for a fresh rendering (Cache-Control: no-cache).
func load(ctx context.Context, c *http.Client, loader, u string, conns int, dur time.Duration, fresh bool) (float64, error) {
	if loader == "wrk" {
		threads := min(2, conns)
		args := []string{"-t" + strconv.Itoa(threads), "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(max(1, int(dur.Seconds()))) + "s"}
		if fresh {
			args = append(args, "-H", "Cache-Control: no-cache")
		}
		out, err := exec.CommandContext(ctx, "wrk", append(args, u)...).CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("wrk: %w: %s", err, out)
		}
		m := wrkRPS.FindSubmatch(out)
		if m == nil {
			return 0, fmt.Errorf("wrk printed no rate: %s", out)
		}
		return strconv.ParseFloat(string(m[1]), 64)
	}
	runCtx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var done atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	t := time.Now()
	for range conns {
		wg.Go(func() {
			for runCtx.Err() == nil {
				req, err := http.NewRequestWithContext(runCtx, http.MethodGet, u, nil)
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				if fresh {
					req.Header.Set("Cache-Control", "no-cache")
				}
				resp, err := c.Do(req)
				if err != nil {
					if runCtx.Err() == nil {
						once.Do(func() { firstErr = err })
					}
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				done.Add(1)
			}
		})
	}
	wg.Wait()
	return float64(done.Load()) / time.Since(t).Seconds(), firstErr
}

// runLighthouse scores the pages with Lighthouse's mobile defaults.
func runLighthouse(ctx context.Context, stdout io.Writer, cli, base string, pages []benchPage) error {
	if cli == "off" {
		return nil
	}
	if cli == "" {
		p, err := exec.LookPath("lighthouse")
		if err != nil {
			fmt.Fprintln(stdout, "\nLighthouse: not run (install it with `npm install -g lighthouse@12`, or pass --lighthouse PATH).")
			return nil
		}
		cli = p
	}
	chrome := os.Getenv("CHROME_PATH")
	if chrome == "" {
		chrome = "/usr/bin/chromium"
	}
	fmt.Fprintf(stdout, "\nLighthouse, mobile (performance ≥ 0.95, accessibility ≥ 0.95, SEO 1.0):\n\n")
	fmt.Fprintf(stdout, "  %-9s %-40s %11s %13s %5s\n", "page", "path", "performance", "accessibility", "SEO")
	for _, p := range pages {
		cmd := exec.CommandContext(ctx, cli, base+p.path, "--quiet", "--output=json", "--output-path=stdout",
			"--only-categories=performance,accessibility,seo", "--chrome-flags=--headless=new --no-sandbox --disable-gpu")
		cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("lighthouse %s: %w", p.path, err)
		}
		var rep struct {
			Categories map[string]struct {
				Score *float64 `json:"score"`
			} `json:"categories"`
			Audits map[string]struct {
				Score *float64 `json:"score"`
				Title string   `json:"title"`
			} `json:"audits"`
		}
		if err := json.Unmarshal(out, &rep); err != nil {
			return fmt.Errorf("lighthouse %s: %w", p.path, err)
		}
		score := func(k string) float64 {
			if s := rep.Categories[k].Score; s != nil {
				return *s
			}
			return 0
		}
		perf, a11y, seo := score("performance"), score("accessibility"), score("seo")
		fmt.Fprintf(stdout, "  %-9s %-40s %11.2f %13.2f %5.2f  %s\n", p.name, shorten(p.path, 40), perf, a11y, seo,
			verdict(perf >= 0.95 && a11y >= 0.95 && seo >= 1))
		var failed []string
		for _, a := range rep.Audits {
			if a.Score != nil && *a.Score < 0.9 {
				failed = append(failed, a.Title)
			}
		}
		slices.Sort(failed)
		for _, f := range failed {
			fmt.Fprintf(stdout, "      below 0.9: %s\n", f)
		}
	}
	return nil
}

func kib(n int) string { return fmt.Sprintf("%.1f KiB", float64(n)/1024) }

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
