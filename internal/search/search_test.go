package search_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/demo"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/search"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// demoIndex seeds a small demo marketplace and builds its index.
func demoIndex(t *testing.T, d *db.DB) *app.App {
	t.Helper()
	ctx := context.Background()
	a := app.New(d, time.Now)
	if _, err := demo.Seed(ctx, a, demo.Options{SKUs: 3000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := a.Search.Build(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func specText(vs []catalog.Value, code string) string {
	for _, v := range vs {
		if v.Code == code {
			return v.Text
		}
	}
	return ""
}

func specNum(vs []catalog.Value, code string) float64 {
	for _, v := range vs {
		if v.Code == code && v.Num != nil {
			return *v.Num
		}
	}
	return -1
}

func TestSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		a := demoIndex(t, d)
		ix := a.Search.Index
		if st := ix.Stats(); st.Live < 2000 || st.Products == 0 {
			t.Fatalf("index holds %d live documents, %d products", st.Live, st.Products)
		}

		t.Run("specs become parameter filters", func(t *testing.T) {
			cases := []struct {
				q     string
				check func(it search.Item) bool
				codes []string
			}{
				{"M8x30", func(it search.Item) bool {
					return specText(it.Spec, "thread") == "M8" && specNum(it.Spec, "length") == 30
				}, []string{"thread"}},
				{"Ｍ８×３０ 8.8级", func(it search.Item) bool {
					return specText(it.Spec, "thread") == "M8" && specNum(it.Spec, "length") == 30 && strings.Contains(specText(it.Spec, "grade"), "8.8")
				}, []string{"thread"}},
				{"6204-2RS", func(it search.Item) bool {
					return specText(it.Spec, "model") == "6204" && specText(it.Spec, "seal") == "2RS"
				}, []string{"model", "seal"}},
				{"dn50", func(it search.Item) bool { return specText(it.Spec, "dn") == "DN50" }, []string{"dn"}},
			}
			for _, c := range cases {
				res := ix.Search(search.Request{Q: c.q, Size: 50})
				if res.Total == 0 {
					t.Errorf("%q found nothing", c.q)
					continue
				}
				for _, it := range res.Items {
					if !c.check(it) {
						t.Errorf("%q: result %s (%s) has spec %+v", c.q, it.Title, it.SKUCode, it.Spec)
						break
					}
				}
				got := map[string]bool{}
				for _, u := range res.Understood {
					got[u.Code] = true
				}
				for _, code := range c.codes {
					if !got[code] {
						t.Errorf("%q: not understood as %s (understood %+v)", c.q, code, res.Understood)
					}
				}
			}
		})

		t.Run("any two characters of a title find it", func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			found, tried := 0, 0
			for range 40 {
				res := ix.Search(search.Request{Page: 1 + r.IntN(5), Size: 20})
				if len(res.Items) == 0 {
					continue
				}
				it := res.Items[r.IntN(len(res.Items))]
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
				if len(pairs) == 0 {
					continue
				}
				q := pairs[r.IntN(len(pairs))]
				tried++
				if hasProduct(ix, search.Request{Q: q, Suppliers: []string{it.SupplierID}, Brands: []string{it.BrandName}}, it.ProductID) {
					found++
				} else {
					t.Errorf("%q does not find %q", q, it.Title)
				}
			}
			if tried < 20 {
				t.Fatalf("only %d titles tried", tried)
			}
		})

		t.Run("facets count what filters leave", func(t *testing.T) {
			res := ix.Search(search.Request{Q: "螺栓"})
			if res.Total == 0 {
				t.Fatal("螺栓 found nothing")
			}
			var brand search.FacetValue
			for _, f := range res.Facets {
				sum := 0
				for _, v := range f.Values {
					sum += v.Count
				}
				switch f.Key {
				case "category", "brand", "supplier":
					if sum != res.Variants {
						t.Errorf("facet %s counts %d, result has %d variants", f.Key, sum, res.Variants)
					}
				}
				if f.Key == "brand" {
					brand = f.Values[0]
				}
			}
			nar := ix.Search(search.Request{Q: "螺栓", Brands: []string{brand.Value}})
			if nar.Variants != brand.Count {
				t.Errorf("brand %s: facet said %d, filter gives %d", brand.Value, brand.Count, nar.Variants)
			}
			for _, it := range nar.Items {
				if it.BrandName != brand.Value {
					t.Errorf("brand filter let %s through", it.BrandName)
				}
			}
			// The brand facet keeps counting other brands once one is chosen.
			for _, f := range nar.Facets {
				if f.Key == "brand" && len(f.Values) < 2 {
					t.Errorf("choosing a brand hid the others: %+v", f.Values)
				}
			}
		})

		t.Run("sorts", func(t *testing.T) {
			res := ix.Search(search.Request{Q: "轴承", Sort: search.SortPriceAsc, Size: 30})
			for i := 1; i < len(res.Items); i++ {
				if res.Items[i].Price < res.Items[i-1].Price {
					t.Fatalf("price order broken at %d: %d after %d", i, res.Items[i].Price, res.Items[i-1].Price)
				}
			}
			res = ix.Search(search.Request{Q: "轴承", Sort: search.SortSales, Size: 30})
			for i := 1; i < len(res.Items); i++ {
				if res.Items[i].Sales > res.Items[i-1].Sales {
					t.Fatalf("sales order broken at %d", i)
				}
			}
		})

		t.Run("fallbacks", func(t *testing.T) {
			res := ix.Search(search.Request{Q: "螺栓 qqzzxxkk"})
			if res.Total == 0 || len(res.Dropped) != 1 || res.Dropped[0] != "qqzzxxkk" {
				t.Errorf("dropping the unknown word: total %d, dropped %q", res.Total, res.Dropped)
			}
			res = ix.Search(search.Request{Q: "luoshuan"})
			if res.DidYouMean != "螺栓" {
				t.Errorf("luoshuan: did you mean %q", res.DidYouMean)
			}
		})

		t.Run("bad input", func(t *testing.T) {
			for _, q := range []string{"", strings.Repeat("螺栓", 2500), "🔩🔩🔩", "' OR 1=1; DROP TABLE products; --", ".*(a|b)+[", "\x00\x01", "M999999999999x9999999999999"} {
				start := time.Now()
				res := ix.Search(search.Request{Q: q, Page: 10000})
				if res.Page != search.MaxPage {
					t.Errorf("page 10000 answered as page %d", res.Page)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("%.20q took %s", q, d)
				}
			}
		})

		t.Run("outbox keeps it current", func(t *testing.T) {
			ctx := context.Background()
			res := ix.Search(search.Request{Q: "轴承", Size: 1})
			id := res.Items[0].ProductID
			if _, err := d.Exec(ctx, `UPDATE products SET title = title || ' 量子纠缠款' WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
			if err := a.Store.Emit(ctx, "product", id); err != nil {
				t.Fatal(err)
			}
			if err := a.Search.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if r := ix.Search(search.Request{Q: "量子纠缠"}); r.Total != 1 || r.Items[0].ProductID != id {
				t.Fatalf("changed title not found: %+v", r.Items)
			}
			if _, err := d.Exec(ctx, `UPDATE products SET status = 'off_sale' WHERE id = ?`, id); err != nil {
				t.Fatal(err)
			}
			if err := a.Store.Emit(ctx, "product", id); err != nil {
				t.Fatal(err)
			}
			if err := a.Search.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			if r := ix.Search(search.Request{Q: "量子纠缠"}); r.Total != 0 {
				t.Fatalf("off-sale product still found")
			}
		})

		// After the outbox test, so that appended and removed documents are covered.
		t.Run("facet counts: one pass equals bitmap intersection", func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			qs := []string{"", "", "螺栓", "轴承", "M8", "不锈钢 球阀", "手套", "6204", "DN50", "量子纠缠"}
			compared := 0
			for range 150 {
				req := search.Request{Q: qs[r.IntN(len(qs))], Page: 1 + r.IntN(3), Size: []int{5, 20, 100}[r.IntN(3)]}
				// One to three facet choices, each from the facets of the request so far.
				for range 1 + r.IntN(3) {
					res := ix.Search(req)
					if len(res.Facets) == 0 {
						break
					}
					req = chooseFacet(r, req, res)
				}
				pass, bms, auto := search.SearchCounting(ix, req, true), search.SearchCounting(ix, req, false), ix.Search(req)
				want := facetCounts(bms.Facets)
				if got := facetCounts(pass.Facets); !maps.Equal(got, want) {
					t.Errorf("%+v: one pass counts\n%v\nbitmaps count\n%v", req, got, want)
				}
				if got := facetCounts(auto.Facets); !maps.Equal(got, want) {
					t.Errorf("%+v: automatic choice counts\n%v\nbitmaps count\n%v", req, got, want)
				}
				// The bitmap path walks every hit; the others may stop after the page.
				for _, got := range []search.Result{pass, auto} {
					if got.Total != bms.Total || got.Variants != bms.Variants || got.Pages != bms.Pages || !slices.EqualFunc(got.Items, bms.Items, sameItem) {
						t.Errorf("%+v: total %d, %d variants, items %v; walking every hit: %d, %d, %v", req, got.Total, got.Variants, itemIDs(got.Items), bms.Total, bms.Variants, itemIDs(bms.Items))
					}
				}
				if len(want) > 0 {
					compared++
				}
			}
			if compared < 100 {
				t.Fatalf("only %d requests had facets", compared)
			}
		})

		t.Run("suggestions by pinyin and initials", func(t *testing.T) {
			for _, p := range []string{"螺", "luo", "zhou"} {
				if s := a.Search.Suggest(p, 5); len(s) == 0 {
					t.Errorf("no suggestion for %q", p)
				}
			}
		})
	})
}

func hasProduct(ix *search.Index, r search.Request, id string) bool {
	r.Size = 100
	for p := 1; p <= 10; p++ {
		r.Page = p
		res := ix.Search(r)
		for _, it := range res.Items {
			if it.ProductID == id {
				return true
			}
		}
		if p >= res.Pages {
			return false
		}
	}
	return false
}

// chooseFacet narrows req by one value of a random facet of res.
func chooseFacet(r *rand.Rand, req search.Request, res search.Result) search.Request {
	f := res.Facets[r.IntN(len(res.Facets))]
	if len(f.Values) == 0 {
		return req
	}
	v := f.Values[r.IntN(len(f.Values))]
	switch {
	case f.Key == "category":
		req.Category = v.Value
	case f.Key == "brand":
		req.Brands = append(slices.Clone(req.Brands), v.Value)
	case f.Key == "supplier":
		req.Suppliers = append(slices.Clone(req.Suppliers), v.Value)
	case f.Key == "level":
		req.MinLevel, _ = strconv.Atoi(v.Value)
	case f.Key == "badge":
		switch v.Value {
		case "bao":
			req.Bao = true
		case "zhu":
			req.Zhu = true
		default:
			req.InStock = true
		}
	case f.Key == "price":
		lo, hi, _ := strings.Cut(v.Value, "-")
		a, _ := money.ParseUnitPrice(lo)
		b, _ := money.ParseUnitPrice(hi)
		req.PriceMin, req.PriceMax = int64(a), int64(b)
	case strings.HasPrefix(f.Key, "a."):
		m := maps.Clone(req.Attrs)
		if m == nil {
			m = map[string][]string{}
		}
		m[f.Key[2:]] = append(slices.Clone(m[f.Key[2:]]), v.Value)
		req.Attrs = m
	case strings.HasPrefix(f.Key, "n."):
		x, err := strconv.ParseFloat(v.Value, 64)
		if err != nil {
			return req
		}
		m := maps.Clone(req.Ranges)
		if m == nil {
			m = map[string][2]float64{}
		}
		m[f.Key[2:]] = [2]float64{x, x + float64(r.IntN(2))*x}
		req.Ranges = m
	}
	return req
}

// facetCounts flattens facets to "key=value" → "count selected", order aside.
func facetCounts(fs []search.Facet) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		for _, v := range f.Values {
			out[f.Key+"="+v.Value+" "+v.Label] = fmt.Sprint(v.Count, v.Selected)
		}
	}
	return out
}

func sameItem(a, b search.Item) bool {
	return a.ProductID == b.ProductID && a.SKUID == b.SKUID && a.MinPrice == b.MinPrice && a.Matching == b.Matching && a.Position == b.Position
}

func itemIDs(its []search.Item) []string {
	var out []string
	for _, it := range its {
		out = append(out, fmt.Sprintf("%s/%s×%d", it.ProductID[len(it.ProductID)-4:], it.SKUCode, it.Matching))
	}
	return out
}
