package server_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/demo"
	"github.com/zhuchao/zhuchao/internal/web"
)

// chromium finds the headless browser for the journeys: CHROME_PATH, or Debian's
// chromium. Without one the journeys skip, except under CI, where they must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROME_PATH"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium for the browser journeys: install Debian's chromium package or set CHROME_PATH")
	}
	t.Skip("no Chromium on this machine (apt-get install chromium): browser journeys skipped")
	return ""
}

// demoServer serves a small generated demo marketplace over d.
func demoServer(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	a := app.New(d, time.Now)
	if _, err := demo.Seed(ctx, a, demo.Options{SKUs: 1500, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	if err := a.Search.Build(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.LogLevel = "error"
	s, err := a.Server(cfg, web.Site{Name: "筑巢测试"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// browse opens a headless Chromium with a window of w×h CSS pixels.
func browse(t *testing.T, exe string, w, h int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(w, h),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelT(); cancelB(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatal(err)
	}
	return ctx
}

// TestBuyerJourney drives what a buyer does most: search, narrow by a parameter, open a
// product, choose a variant and read its price — on a desktop window and on a phone.
func TestBuyerJourney(t *testing.T) {
	exe := chromium(t)
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		srv := demoServer(t, d)
		for _, win := range []struct {
			name string
			w, h int
		}{{"wide", 1366, 900}, {"phone", 390, 844}} {
			t.Run(win.name, func(t *testing.T) {
				ctx := browse(t, exe, win.w, win.h)
				journey(t, ctx, srv.URL)
			})
		}
	})
}

func journey(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	// Search from the header's box.
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "螺栓"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.results table tbody tr a[href^="/p/"]`)),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	url := must(t, ctx, chromedp.Location())
	heading := must(t, ctx, chromedp.Text(chromedp.CSS(`#sr h1`)))
	if !strings.Contains(url, "/search?q=") || !strings.Contains(heading, "螺栓") {
		t.Fatalf("search landed on %s with heading %q", url, heading)
	}
	// Narrow by the first value of the thread-size facet: the facet link updates the list
	// (in place, with htmx) and the address, so the narrowed list can be shared and the
	// back button works.
	value := must(t, ctx, chromedp.Evaluate[string](`(() => {
		const f = Array.from(document.querySelectorAll('.facet')).find(s => s.querySelector('h2').textContent.includes('螺纹规格'));
		const a = f && f.querySelector('a');
		if (!a) return '';
		a.setAttribute('id', 'journey-facet');
		return a.firstChild.textContent.trim();
	})()`))
	if value == "" {
		facets := must(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.facet h2')).map(e => e.textContent)`))
		t.Fatalf("no thread-size facet among %q", facets)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#journey-facet`)),
		chromedp.WaitVisible(chromedp.CSS(`.chips.active`)),
	)
	if err != nil {
		t.Fatalf("filter: %v", err)
	}
	url = must(t, ctx, chromedp.Location())
	chips := must(t, ctx, chromedp.Text(chromedp.CSS(`.chips.active`)))
	if !strings.Contains(url, "a.thread="+value) || !strings.Contains(chips, value) {
		t.Fatalf("filter %s: at %s, chips %q", value, url, chips)
	}
	specs := must(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.results td.spec')).map(e => e.textContent)`))
	if len(specs) == 0 {
		t.Fatal("no results after the filter")
	}
	for _, s := range specs {
		if !strings.Contains(s, value) {
			t.Errorf("a result outside the filter: %q", s)
		}
	}
	// Open the first product.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.results table tbody tr a[href^="/p/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if err != nil {
		t.Fatalf("product: %v", err)
	}
	url = must(t, ctx, chromedp.Location())
	if !strings.Contains(url, "/p/") {
		t.Fatalf("product: at %s", url)
	}
	chooseVariant(t, ctx)
}

// must runs one action that returns a value, failing the test on error.
func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// chooseVariant picks another value of the first sales attribute on a product page and
// checks the page now prices that variant: the chosen code, the address and the tier
// table follow the choice, and agree with the variant's row in the table of all SKUs.
func chooseVariant(t *testing.T, ctx context.Context) {
	t.Helper()
	before := must(t, ctx, chromedp.Text(chromedp.CSS(`.buybox .chosen .mono`)))
	url := must(t, ctx, chromedp.Location())
	if !strings.Contains(url, "sku=") || before == "" {
		t.Fatalf("product page without the result's variant: %s, chosen %q", url, before)
	}
	n := must(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.buybox .skuopt:not(.on)').length`))
	if n == 0 {
		t.Fatal("no other variant to choose")
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.buybox .skuopt:not(.on)`))); err != nil {
		t.Fatalf("choose variant: %v", err)
	}
	// The choice swaps the buy box in place (htmx) or loads the page: either way, wait
	// until it names another variant.
	js, _ := json.Marshal(before)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const e = document.querySelector('.buybox .chosen .mono'); return !!e && e.textContent.trim() !== `+string(js)+`; })()`)); err != nil {
		t.Fatalf("the chosen variant stayed %s: %v", before, err)
	}
	after := must(t, ctx, chromedp.Text(chromedp.CSS(`.buybox .chosen .mono`)))
	if after == before {
		t.Fatalf("the chosen variant stayed %s", after)
	}
	url = must(t, ctx, chromedp.Location())
	if !strings.Contains(url, "sku=") {
		t.Errorf("the address does not carry the chosen variant: %s", url)
	}
	price := must(t, ctx, chromedp.Text(chromedp.CSS(`.buybox .tiers tbody tr td.price b`)))
	row := must(t, ctx, chromedp.Evaluate[string](`(() => {
		const code = document.querySelector('.buybox .chosen .mono').textContent.trim();
		const tr = Array.from(document.querySelectorAll('table.skus tbody tr')).find(r => r.querySelector('td.mono').textContent.trim() === code);
		return tr ? tr.querySelector('.tier b').textContent.trim() : '';
	})()`))
	if !strings.HasPrefix(price, "¥") || price != row {
		t.Errorf("variant %s priced %q in the buy box but %q in the SKU table", after, price, row)
	}
}
