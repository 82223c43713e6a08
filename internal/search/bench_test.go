package search_test

import (
	"context"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/demo"
	"github.com/zhuchao/zhuchao/internal/search"
)

// The benchmarks share one demo index per process, of ZHUCHAO_SEARCH_BENCH_SKUS SKUs
// (default 20,000), seeded into a throwaway SQLite database:
//
//	ZHUCHAO_SEARCH_BENCH_SKUS=1000000 go test ./internal/search/ -run '^$' -bench . -benchtime 2000x
//
// `zhuchao bench search` measures the same index under a wider query mix with
// percentiles per class; these are for profiling (-cpuprofile, -memprofile).
var bench struct {
	once     sync.Once
	ix       *search.Index
	searches []search.Request
	browses  []search.Request
	err      error
}

func benchIndex(b *testing.B) *search.Index {
	b.Helper()
	bench.once.Do(func() {
		n := 20000
		if s := os.Getenv("ZHUCHAO_SEARCH_BENCH_SKUS"); s != "" {
			if n, bench.err = strconv.Atoi(s); bench.err != nil {
				return
			}
		}
		ctx := context.Background()
		// The database only feeds the build: it may close when this benchmark ends.
		a := app.New(dbtest.Open(b, db.SQLite), time.Now)
		start := time.Now()
		if _, bench.err = demo.Seed(ctx, a, demo.Options{SKUs: n, Seed: 1}); bench.err != nil {
			return
		}
		seeded := time.Since(start)
		start = time.Now()
		if bench.err = a.Search.Build(ctx); bench.err != nil {
			return
		}
		bench.ix = a.Search.Index
		st := bench.ix.Stats()
		b.Logf("%d SKUs seeded in %s; index of %d documents, %d products built in %s",
			n, seeded.Round(time.Millisecond), st.Docs, st.Products, time.Since(start).Round(time.Millisecond))
		bench.searches, bench.browses = benchQueries(bench.ix)
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.ix
}

// benchQueries makes searches (words, specs, brands, each also narrowed by a facet
// choice, sorted and paged) and category browses (every category with results).
func benchQueries(ix *search.Index) (searches, browses []search.Request) {
	empty := ix.Search(search.Request{})
	codes := facetValueList(empty, "category")
	for i := 0; i < len(codes); i++ {
		codes = append(codes, facetValueList(ix.Search(search.Request{Category: codes[i]}), "category")...)
	}
	for i, c := range codes {
		browses = append(browses, search.Request{Category: c})
		switch i % 3 {
		case 1:
			browses = append(browses, search.Request{Category: c, Sort: search.SortSales})
		case 2:
			browses = append(browses, search.Request{Category: c, Page: 2})
		}
	}
	qs := []string{"螺栓", "不锈钢 球阀", "深沟球轴承", "劳保手套", "断路器", "气管接头", "钻头", "内六角螺钉", "安全帽", "立铣刀",
		"M8x30", "M10×50 8.8级", "6204-2RS", "6205 ZZ", "DN50", "DN25 球阀", "304不锈钢", "0.75kW", "轴承", "手套"}
	brands := facetValueList(empty, "brand")
	for i := 0; i < len(brands) && i < 8; i++ {
		qs = append(qs, brands[i])
	}
	for i, q := range qs {
		r := search.Request{Q: q}
		searches = append(searches, r)
		res := ix.Search(r)
		for j, f := range res.Facets {
			if len(f.Values) == 0 || j%2 != i%2 {
				continue
			}
			v := f.Values[i%min(len(f.Values), 3)].Value
			n := r
			switch {
			case f.Key == "brand":
				n.Brands = []string{v}
			case f.Key == "category":
				n.Category = v
			case strings.HasPrefix(f.Key, "a."):
				n.Attrs = map[string][]string{f.Key[2:]: {v}}
			case strings.HasPrefix(f.Key, "n."):
				x, err := strconv.ParseFloat(v, 64)
				if err != nil {
					continue
				}
				n.Ranges = map[string][2]float64{f.Key[2:]: {x, x}}
			default:
				continue
			}
			searches = append(searches, n)
		}
		if len(res.Items) >= 2 {
			ps := []int64{res.Items[0].Price, res.Items[len(res.Items)/2].Price}
			slices.Sort(ps)
			searches = append(searches, search.Request{Q: q, PriceMin: max(ps[0], 1), PriceMax: max(ps[1], ps[0]+1)})
		}
		searches = append(searches, search.Request{Q: q, Sort: []string{search.SortPriceAsc, search.SortSales}[i%2]})
		if res.Pages > 1 {
			searches = append(searches, search.Request{Q: q, Page: 2 + i%min(res.Pages-1, 4)})
		}
	}
	return searches, browses
}

func facetValueList(res search.Result, key string) []string {
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

// runQueries cycles through qs and reports the 95th and 99th percentile latencies.
func runQueries(b *testing.B, ix *search.Index, qs []search.Request) {
	if len(qs) == 0 {
		b.Fatal("no queries")
	}
	lat := make([]time.Duration, b.N)
	zero := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t := time.Now()
		if ix.Search(qs[i%len(qs)]).Total == 0 {
			zero++
		}
		lat[i] = time.Since(t)
	}
	b.StopTimer()
	slices.Sort(lat)
	at := func(q float64) float64 { // nearest rank
		return float64(lat[max(int(math.Ceil(q*float64(len(lat))))-1, 0)].Nanoseconds())
	}
	b.ReportMetric(at(0.95), "p95-ns")
	b.ReportMetric(at(0.99), "p99-ns")
	b.ReportMetric(100*float64(zero)/float64(b.N), "%zero")
}

func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	runQueries(b, ix, bench.searches)
}

func BenchmarkBrowse(b *testing.B) {
	ix := benchIndex(b)
	runQueries(b, ix, bench.browses)
}
