package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/demo"
	"github.com/zhuchao/zhuchao/internal/search"
)

const benchUsage = `Usage: zhuchao bench search --products N [--data DIR] [--seconds S] [--concurrency C]

Measures the in-process search index on a demo marketplace of N SKUs: seeds an SQLite
demo database once (later runs with the same N reuse it), builds the index, reports the
build time and memory, then runs a realistic query mix — words, specs, brands, filters,
sorts, deeper pages and category browsing — and prints latency percentiles and queries
per second for each class.

Run 'zhuchao bench search --help' for the flags. The other benchmarks:
'zhuchao bench pages --help' (the storefront's pages) and 'zhuchao bench checkout --help'
(concurrent checkouts over HTTP, oversell and the ledger).
`

func runBench(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "pages" {
		return runBenchPages(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "checkout" {
		return runBenchCheckout(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "search" {
		fmt.Fprint(stdout, benchUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil
		}
		return errors.New("usage: zhuchao bench search --products N")
	}
	fs, cfg, products, seed := benchFlags("bench search", stdout)
	seconds := fs.Float64("seconds", 20, "how long to run the measured query mix, in seconds")
	warmup := fs.Float64("warmup", 30, "longest warm-up, in seconds: one pass over the distinct queries of the mix")
	conc := fs.Int("concurrency", 2, "goroutines issuing queries")
	memLimit := registerMemoryLimit(fs) // as serve and demo set it, so the figures are theirs
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured run (not the build) to this file")
	buildProfile := fs.String("buildprofile", "", "write a CPU profile of the index build to this file")
	slowest := fs.Int("slowest", 0, "list the N queries of the mix with the slowest single run")
	memProfile := fs.String("memprofile", "", "write a heap profile (allocations of the build, live objects after it) to this file")
	if err := cfg.Parse(fs, args[1:]); err != nil {
		return err
	}
	memLimit.apply()
	if *seconds <= 0 || *seconds > 3600 {
		return fmt.Errorf("--seconds %g: must be more than 0 and at most 3600", *seconds)
	}
	if *warmup < 0 || *warmup > 3600 {
		return fmt.Errorf("--warmup %g: must be between 0 and 3600", *warmup)
	}
	if *conc < 1 || *conc > 1024 {
		return fmt.Errorf("--concurrency %d: must be between 1 and 1024", *conc)
	}
	d, err := openBenchDemo(ctx, fs, cfg, *products, *seed, stdout)
	if err != nil {
		return err
	}
	defer d.Close()
	a := app.New(d, time.Now)

	if *memProfile != "" {
		runtime.MemProfileRate = 512 << 10
	}
	stopBuildProfile, err := startProfile(*buildProfile)
	if err != nil {
		return err
	}
	runtime.GC()
	fmt.Fprintf(stdout, "\nBuilding the search index on %d CPU(s) (%s) …\n", runtime.GOMAXPROCS(0), gcSettings())
	start := time.Now()
	if err := a.Search.Build(ctx); err != nil {
		return err
	}
	took := time.Since(start)
	stopBuildProfile()
	ix := a.Search.Index
	st := ix.Stats()
	fmt.Fprintf(stdout, "Index built in %s: %d documents (%d live), %d products, %d tokens.\n",
		took.Round(time.Millisecond), st.Docs, st.Live, st.Products, st.Tokens)
	fmt.Fprintf(stdout, "Indexed: %d SKUs as search documents (SKUs of suppliers without a live store are not listed).\n", st.Live)
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	printMemory(stdout, "Memory after the build")
	debug.FreeOSMemory()
	fmt.Fprintf(stdout, "Resident after returning the build's free heap to the OS: %s.\n", procStatus("VmRSS"))

	mix := buildMix(ix, *seed)
	fmt.Fprintf(stdout, "\nQuery mix: %d distinct searches with facets, %d distinct category browses (%d categories); run order %d%% search, %d%% browse.\n",
		mix.distinct[classSearch], mix.distinct[classBrowse], mix.categories, 100-browsePercent, browsePercent)

	// Warm-up: every distinct query once, spread over the goroutines. It also says how
	// many queries the measured run may record, so the latency slice is allocated once.
	wStart := time.Now()
	wDone, wZero := warm(ctx, ix, mix, *conc, time.Duration(*warmup*float64(time.Second)))
	wTook := time.Since(wStart)
	fmt.Fprintf(stdout, "Warm-up: %d of %d distinct queries in %s; %d found nothing (%.1f%%).\n",
		wDone, len(mix.distinctQs), wTook.Round(time.Millisecond), wZero, pct(wZero, wDone))
	if ctx.Err() != nil {
		return ctx.Err()
	}

	dur := time.Duration(*seconds * float64(time.Second))
	rate := float64(max(wDone, 1)) / max(wTook.Seconds(), 1e-3)
	capacity := int(min(rate*dur.Seconds()*2+10000, 50_000_000))
	rec := make([]uint32, capacity) // latencies in ns, the class in the top bit
	var next atomic.Int64
	var zero [2]atomic.Int64
	var order atomic.Uint64
	worst := make([]atomic.Uint32, len(mix.run)) // each query's slowest run, ns
	runCtx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	fmt.Fprintf(stdout, "\nRunning the mix for %s with %d goroutine(s) …\n", dur, *conc)
	stopProfile, err := startProfile(*cpuProfile)
	if err != nil {
		return err
	}
	mStart := time.Now()
	var wg sync.WaitGroup
	for range *conc {
		wg.Go(func() {
			for runCtx.Err() == nil {
				qi := order.Add(1) % uint64(len(mix.run))
				q := mix.run[qi]
				t := time.Now()
				res := ix.Search(q.req)
				ns := time.Since(t)
				for w := worst[qi].Load(); uint32(min(ns, 1<<32-1)) > w && !worst[qi].CompareAndSwap(w, uint32(min(ns, 1<<32-1))); w = worst[qi].Load() {
				}
				if res.Total == 0 {
					zero[q.class].Add(1)
				}
				i := next.Add(1) - 1
				if i >= int64(len(rec)) {
					cancel() // the latency slice is full: end the run early
					return
				}
				rec[i] = uint32(min(ns, 1<<31-1)) | uint32(q.class)<<31
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(mStart)
	stopProfile()
	n := int(min(next.Load(), int64(len(rec))))
	if n == len(rec) {
		fmt.Fprintf(stdout, "(The run stopped early after %s: %d latencies recorded, the most it holds.)\n", elapsed.Round(time.Millisecond), n)
	}
	printTable(stdout, rec[:n], [2]int64{zero[0].Load(), zero[1].Load()}, elapsed, *conc)
	if *slowest > 0 {
		idx := make([]int, len(worst))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return int(worst[b].Load()) - int(worst[a].Load()) })
		fmt.Fprintf(stdout, "\nSlowest single runs:\n")
		for _, i := range idx[:min(*slowest, len(idx))] {
			q := mix.run[i]
			fmt.Fprintf(stdout, "  %9s  %-18s %+v\n", ms(time.Duration(worst[i].Load())), classNames[q.class], q.req)
		}
	}
	printMemory(stdout, "Memory after the run")
	runtime.KeepAlive(ix) // the figures above include the index
	return ctx.Err()
}

// benchFlags are the flags every benchmark shares: the configuration's (the data folder
// defaulting to one named after the demo's size), --products and --seed.
func benchFlags(name string, stdout io.Writer) (*flag.FlagSet, *config.Config, *int, *int64) {
	cfg := config.Default()
	cfg.LogLevel = "warn"
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	cfg.Register(fs, false)
	if f := fs.Lookup("data"); f != nil {
		f.DefValue = filepath.Join(os.TempDir(), "zhuchao-bench-N")
		f.Usage = "data directory for the benchmark's SQLite database, seeded on the first run and reused after"
	}
	products := fs.Int("products", 20000, "number of SKUs in the demo marketplace (100 to 5,000,000)")
	seed := fs.Int64("seed", 1, "demo generator seed")
	return fs, &cfg, products, seed
}

// openBenchDemo opens the benchmark's demo database (in a folder named after its size,
// unless --data says otherwise), seeding it on the first run.
func openBenchDemo(ctx context.Context, fs *flag.FlagSet, cfg *config.Config, products int, seed int64, stdout io.Writer) (*db.DB, error) {
	if products < 100 || products > 5_000_000 {
		return nil, fmt.Errorf("--products %d: must be between 100 and 5,000,000", products)
	}
	if !flagSet(fs, "data") {
		name := fmt.Sprintf("zhuchao-bench-%d", products)
		if seed != 1 {
			name += fmt.Sprintf("-seed%d", seed)
		}
		cfg.DataDir = filepath.Join(os.TempDir(), name)
	}
	setupLogging(cfg.LogLevel, cfg.LogFormat, os.Stderr)
	if cfg.Database == "" {
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, err
		}
	}
	d, err := openDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := seedBenchDemo(ctx, d, cfg, products, seed, stdout); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func seedBenchDemo(ctx context.Context, d *db.DB, cfg *config.Config, products int, seed int64, stdout io.Writer) error {
	seeded, err := demo.Seeded(ctx, d)
	if err != nil {
		return err
	}
	if !seeded {
		fmt.Fprintf(stdout, "Generating a demo marketplace of %d SKUs (seed %d) into %s …\n", products, seed, cfg.DatabaseURL())
		start := time.Now()
		res, err := demo.Seed(ctx, app.New(d, time.Now), demo.Options{SKUs: products, Seed: seed})
		if err != nil {
			return err
		}
		c := res.Catalog
		fmt.Fprintf(stdout, "Seeded in %s: %d categories, %d brands, %d products, %d SKUs.\n",
			time.Since(start).Round(time.Millisecond), c.Categories, c.Brands, c.Products, c.SKUs)
		fmt.Fprintln(stdout, "(The process's peak memory below includes the seeding; run again for the index alone.)")
	} else {
		n, err := seededSKUs(ctx, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Using the demo marketplace in %s (seeded with %d SKUs; delete the folder to generate a new one).\n", cfg.DatabaseURL(), n)
		if n != products {
			fmt.Fprintf(stdout, "Note: --products %d was asked for but this database holds the %d-SKU demo.\n", products, n)
		}
	}
	return nil
}

// startProfile starts a CPU profile into path ("" for none) and returns its stop.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes the heap profile: allocations so far and the live heap.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	runtime.GC()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

// flagSet reports whether a flag was given on the command line or in the environment.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	_, env := os.LookupEnv(config.EnvName(name))
	return set || env
}

// seededSKUs reads how many SKUs the demo in d was generated with.
func seededSKUs(ctx context.Context, d *db.DB) (int, error) {
	var v string
	if err := d.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, "demo.seeded").Scan(&v); err != nil {
		return 0, err
	}
	var s struct{ SKUs int }
	_ = json.Unmarshal([]byte(v), &s)
	return s.SKUs, nil
}

// Query classes, as the targets name them.
const (
	classSearch = 0 // words or specs, with facets
	classBrowse = 1 // a category page: no words, the category set, with facets
)

var classNames = [2]string{"search with facets", "category browse"}

// targets are issue 4's latency goals at 1,000,000 SKUs on 2 cores (0: none).
var targets = [2]struct{ p95, p99 time.Duration }{{20 * time.Millisecond, 50 * time.Millisecond}, {10 * time.Millisecond, 0}}

// browsePercent is the share of category browsing in the run.
const browsePercent = 30

type benchQuery struct {
	class int
	req   search.Request
}

type queryMix struct {
	distinctQs []benchQuery // every distinct query once
	run        []benchQuery // the order the measured run cycles through
	distinct   [2]int
	categories int
}

// Query words a buyer types: products, specs and both.
var (
	benchWords = []string{
		"螺栓", "不锈钢 球阀", "深沟球轴承", "劳保手套", "断路器", "气管接头", "钻头", "内六角螺钉", "六角螺母", "平垫圈",
		"弹簧垫圈", "外六角螺栓", "圆锥滚子轴承", "闸阀", "法兰", "螺纹管件", "安全帽", "安全鞋", "防尘口罩", "麻花钻",
		"丝锥", "立铣刀", "交流接触器", "热过载继电器", "快插接头", "气管", "气缸", "轴承", "阀门", "手套",
		"镀锌 螺栓", "不锈钢 螺母", "硬质合金 立铣刀", "高速钢 麻花钻", "PU气管", "防砸 安全鞋", "丁腈 手套", "铜 球阀",
		"bearing", "ball valve", "hex bolt",
	}
	benchSpecs = []string{
		"M8x30", "M10×50 8.8级", "6204-2RS", "6205 ZZ", "DN50", "DN25 球阀", "304不锈钢", "0.75kW", "M6", "M12",
		"M16x80", "M8 螺母", "6206", "6305-2RS", "30205", "DN15", "DN100 闸阀", "PN16", "Φ8 气管", "8mm 快插接头",
		"C32", "2P 63A", "1P C16", "18A 接触器", "32x100 气缸", "10mm 麻花钻", "M8 丝锥", "12mm 立铣刀", "3/4\"", "1/2 寸",
		"10.9级", "A2-70", "KN95",
	}
)

// buildMix makes the query mix from what the index holds: categories and brands from its
// facets, two-character words from its titles, filters from earlier results' facets.
func buildMix(ix *search.Index, seed int64) queryMix {
	r := rand.New(rand.NewPCG(uint64(seed), 0xbe4c))
	var m queryMix
	seen := map[string]bool{}
	add := func(class int, req search.Request) {
		k := fmt.Sprintf("%d|%+v", class, req)
		if seen[k] {
			return
		}
		seen[k] = true
		m.distinctQs = append(m.distinctQs, benchQuery{class, req})
		m.distinct[class]++
	}

	// Categories: the roots from an empty search's facet, then each one's children.
	empty := ix.Search(search.Request{})
	var codes []string
	queue := facetValues(empty, "category")
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if seen["cat:"+c] {
			continue
		}
		seen["cat:"+c] = true
		codes = append(codes, c)
		queue = append(queue, facetValues(ix.Search(search.Request{Category: c}), "category")...)
	}
	m.categories = len(codes)
	brands := facetValues(empty, "brand")

	// Category browse: each category, some deeper pages, sorts and filters.
	for _, c := range codes {
		add(classBrowse, search.Request{Category: c})
		add(classBrowse, search.Request{Category: c, Page: 2 + r.IntN(4)})
		add(classBrowse, search.Request{Category: c, Sort: pick(r, []string{search.SortSales, search.SortPriceAsc})})
		for _, f := range narrowings(r, ix, search.Request{Category: c}) {
			add(classBrowse, f)
		}
	}

	// Searches: words and specs, then the same narrowed, sorted and paged.
	var qs []string
	qs = append(qs, benchWords...)
	qs = append(qs, benchSpecs...)
	qs = append(qs, bigrams(r, ix, 40)...)
	for _, b := range pickN(r, brands, 15) {
		qs = append(qs, b)
		qs = append(qs, b+" "+pick(r, benchWords[:30]))
	}
	for _, q := range qs {
		add(classSearch, search.Request{Q: q})
		res := ix.Search(search.Request{Q: q})
		if res.Total == 0 {
			continue
		}
		if res.Pages >= 2 {
			add(classSearch, search.Request{Q: q, Page: 2 + r.IntN(min(res.Pages-1, 4))})
		}
		add(classSearch, search.Request{Q: q, Sort: pick(r, []string{search.SortSales, search.SortPriceAsc})})
		for _, f := range narrowings(r, ix, search.Request{Q: q}) {
			add(classSearch, f)
		}
	}

	// The run order: the searches and enough browses for the browse share, shuffled.
	var ss, bs []benchQuery
	for _, q := range m.distinctQs {
		if q.class == classSearch {
			ss = append(ss, q)
		} else {
			bs = append(bs, q)
		}
	}
	m.run = append(m.run, ss...)
	nb := len(ss) * browsePercent / (100 - browsePercent)
	for i := 0; i < nb && len(bs) > 0; i++ {
		m.run = append(m.run, bs[i%len(bs)])
	}
	r.Shuffle(len(m.run), func(i, j int) { m.run[i], m.run[j] = m.run[j], m.run[i] })
	return m
}

// narrowings are base narrowed the way a buyer clicks facets: one choice from each
// facet of its result, and for some a second choice from the narrowed result's facets.
func narrowings(r *rand.Rand, ix *search.Index, base search.Request) []search.Request {
	var out []search.Request
	for _, f := range facetChoices(r, ix.Search(base)) {
		out = append(out, merge(base, f))
	}
	if len(out) > 0 && r.IntN(2) == 0 {
		first := out[r.IntN(len(out))]
		if more := facetChoices(r, ix.Search(first)); len(more) > 0 {
			out = append(out, merge(first, more[r.IntN(len(more))]))
		}
	}
	// Sorted and paged, sometimes.
	if len(out) > 0 && r.IntN(3) == 0 {
		f := out[r.IntN(len(out))]
		f.Sort = pick(r, []string{search.SortSales, search.SortPriceAsc})
		out = append(out, f)
	}
	return out
}

// facetChoices picks one value from each facet of a result (among its first five) as a
// request holding only that filter; and a price range around the first page's prices
// (the price facet's value format is the web layer's business).
func facetChoices(r *rand.Rand, res search.Result) []search.Request {
	var out []search.Request
	for _, f := range res.Facets {
		if len(f.Values) == 0 {
			continue
		}
		v := f.Values[r.IntN(min(len(f.Values), 5))]
		switch {
		case f.Key == "brand":
			out = append(out, search.Request{Brands: []string{v.Value}})
		case f.Key == "category":
			out = append(out, search.Request{Category: v.Value})
		case strings.HasPrefix(f.Key, "a."):
			out = append(out, search.Request{Attrs: map[string][]string{f.Key[2:]: {v.Value}}})
		case strings.HasPrefix(f.Key, "n."):
			if x, err := strconv.ParseFloat(v.Value, 64); err == nil {
				out = append(out, search.Request{Ranges: map[string][2]float64{f.Key[2:]: {x, x}}})
			}
		}
	}
	var prices []int64
	for _, it := range res.Items {
		prices = append(prices, it.Price)
	}
	if len(prices) >= 2 {
		slices.Sort(prices)
		lo, hi := prices[0], prices[len(prices)/2]
		out = append(out, search.Request{PriceMin: max(lo, 1), PriceMax: max(hi, lo+1)})
	}
	return out
}

// merge adds b's filters to a; b's category, a subcategory of a's, replaces it.
func merge(a, b search.Request) search.Request {
	a.Brands = append(slices.Clone(a.Brands), b.Brands...)
	if b.Category != "" {
		a.Category = b.Category
	}
	if b.PriceMin != 0 || b.PriceMax != 0 {
		a.PriceMin, a.PriceMax = b.PriceMin, b.PriceMax
	}
	if len(b.Attrs) > 0 {
		m := map[string][]string{}
		for k, v := range a.Attrs {
			m[k] = v
		}
		for k, v := range b.Attrs {
			m[k] = append(slices.Clone(m[k]), v...)
		}
		a.Attrs = m
	}
	if len(b.Ranges) > 0 {
		m := map[string][2]float64{}
		for k, v := range a.Ranges {
			m[k] = v
		}
		for k, v := range b.Ranges {
			m[k] = v
		}
		a.Ranges = m
	}
	return a
}

// bigrams takes n two-character Chinese words from titles in the index.
func bigrams(r *rand.Rand, ix *search.Index, n int) []string {
	var out []string
	for p := 1; p <= 5 && len(out) < n; p++ {
		res := ix.Search(search.Request{Page: p, Size: 20, Sort: search.SortNewest})
		for _, it := range res.Items {
			var han []rune
			for _, c := range it.Title {
				if unicode.Is(unicode.Han, c) {
					han = append(han, c)
				} else {
					han = append(han, 0)
				}
			}
			var pairs []string
			for i := 0; i+1 < len(han); i++ {
				if han[i] != 0 && han[i+1] != 0 {
					pairs = append(pairs, string(han[i:i+2]))
				}
			}
			if len(pairs) > 0 && len(out) < n {
				out = append(out, pairs[r.IntN(len(pairs))])
			}
		}
	}
	return out
}

func facetValues(res search.Result, key string) []string {
	var out []string
	for _, f := range res.Facets {
		if f.Key == key {
			for _, v := range f.Values {
				out = append(out, v.Value)
			}
		}
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pickN[T any](r *rand.Rand, xs []T, n int) []T {
	xs = slices.Clone(xs)
	r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
	return xs[:min(n, len(xs))]
}

// warm runs each distinct query once (or until limit passes) and counts those that
// found nothing.
func warm(ctx context.Context, ix *search.Index, m queryMix, conc int, limit time.Duration) (done, zero int) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var next, nDone, nZero atomic.Int64
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(m.distinctQs)) {
					return
				}
				if ix.Search(m.distinctQs[i].req).Total == 0 {
					nZero.Add(1)
				}
				nDone.Add(1)
			}
		})
	}
	wg.Wait()
	return int(nDone.Load()), int(nZero.Load())
}

// printTable sorts the recorded latencies by class in place and prints the percentiles.
func printTable(w io.Writer, rec []uint32, zero [2]int64, elapsed time.Duration, conc int) {
	slices.Sort(rec) // the class bit sorts searches first, then browses
	split, _ := slices.BinarySearch(rec, 1<<31)
	parts := [2][]uint32{rec[:split], rec[split:]}
	tw := bufio.NewWriter(w)
	defer tw.Flush()
	fmt.Fprintf(tw, "\n%-20s %9s %9s %9s %9s %9s %9s %8s  %s\n", "class", "count", "p50", "p95", "p99", "max", "qps", "zero", "target (1M SKUs, 2 cores)")
	total, totalZero := 0, int64(0)
	for class, p := range parts {
		z := zero[class]
		total += len(p)
		totalZero += z
		if len(p) == 0 {
			fmt.Fprintf(tw, "%-20s %9d\n", classNames[class], 0)
			continue
		}
		at := func(q float64) time.Duration {
			i := int(math.Ceil(q*float64(len(p)))) - 1
			return time.Duration(p[min(max(i, 0), len(p)-1)] &^ (1 << 31))
		}
		p50, p95, p99, mx := at(0.50), at(0.95), at(0.99), at(1)
		var tgt []string
		if t := targets[class]; t.p95 > 0 {
			tgt = append(tgt, fmt.Sprintf("p95 ≤ %s %s", t.p95, verdict(p95 <= t.p95)))
		}
		if t := targets[class]; t.p99 > 0 {
			tgt = append(tgt, fmt.Sprintf("p99 ≤ %s %s", t.p99, verdict(p99 <= t.p99)))
		}
		fmt.Fprintf(tw, "%-20s %9d %9s %9s %9s %9s %9.1f %7.1f%%  %s\n", classNames[class], len(p),
			ms(p50), ms(p95), ms(p99), ms(mx), float64(len(p))/elapsed.Seconds(), pct(int(z), len(p)), strings.Join(tgt, ", "))
	}
	fmt.Fprintf(tw, "%-20s %9d %9s %9s %9s %9s %9.1f %7.1f%%\n", "all", total, "", "", "", "", float64(total)/elapsed.Seconds(), pct(int(totalZero), total))
	fmt.Fprintf(tw, "\n%d queries in %s with %d goroutine(s): %.1f queries per second; %.1f%% of them found nothing.\n",
		total, elapsed.Round(time.Millisecond), conc, float64(total)/elapsed.Seconds(), pct(int(totalZero), total))
}

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/1e6, 'f', 2, 64) + "ms"
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// printMemory reports the Go heap after a collection and the process's resident memory.
func printMemory(w io.Writer, title string) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss, hwm := procStatus("VmRSS"), procStatus("VmHWM")
	fmt.Fprintf(w, "%s: Go heap in use %s (live objects %s, obtained from the OS %s); resident %s, peak resident %s.\n",
		title, mib(ms.HeapInuse), mib(ms.HeapAlloc), mib(ms.Sys), rss, hwm)
}

// gcSettings names the collector's settings, which trade memory for latency.
func gcSettings() string {
	gogc := os.Getenv("GOGC")
	if gogc == "" {
		gogc = "100"
	}
	limit := "none"
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		limit = mib(uint64(l))
	}
	return "GOGC " + gogc + ", GOMEMLIMIT " + limit
}

func mib(b uint64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }

// procStatus reads a memory line of /proc/self/status (Linux), as MiB.
func procStatus(key string) string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 2 && fields[1] == "kB" {
			if kb, err := strconv.ParseUint(fields[0], 10, 64); err == nil {
				return mib(kb << 10)
			}
		}
		return strings.TrimSpace(v)
	}
	return "n/a"
}
