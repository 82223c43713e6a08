package search_test

import (
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/search"
)

// Buyers type stainless grades the Japanese way (SUS304) as often as the Chinese way
// (304不锈钢): both find the same products.
func TestStainlessGradeSynonyms(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ix := demoIndex(t, d).Search.Index
		ids := func(q string) map[string]bool {
			r := ix.Search(search.Request{Q: q, Size: 50})
			out := map[string]bool{}
			for _, it := range r.Items {
				out[it.ProductID] = true
			}
			if len(r.Dropped) > 0 {
				t.Errorf("%s: dropped %v", q, r.Dropped)
			}
			return out
		}
		cn, jis := ids("304不锈钢"), ids("SUS304")
		if len(cn) == 0 || len(cn) != len(jis) {
			t.Fatalf("304不锈钢 finds %d products, SUS304 %d", len(cn), len(jis))
		}
		for id := range cn {
			if !jis[id] {
				t.Errorf("SUS304 misses %s", id)
			}
		}
	})
}

// A value names its class: A2 finds the A2-50/A2-70/A2-80 strength classes of stainless
// A2, and nothing outside it.
func TestValueNamesItsClass(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ix := demoIndex(t, d).Search.Index
		r := ix.Search(search.Request{Q: "A2", Size: 50})
		if len(r.Dropped) > 0 || len(r.Understood) != 1 {
			t.Fatalf("A2: understood %v, dropped %v", r.Understood, r.Dropped)
		}
		classes := 0
		for _, it := range r.Items {
			g := specText(it.Spec, "grade")
			if !strings.HasPrefix(g, "A2") {
				t.Errorf("A2 finds grade %q (%s)", g, it.Title)
			}
			if strings.HasPrefix(g, "A2-") {
				classes++
			}
		}
		if classes == 0 {
			t.Error("A2 finds none of its strength classes (A2-70 …)")
		}
	})
}

// Bearing numbers are typed glued to their seals: 6205ZZ is 6205 ZZ, 62042RS is 6204-2RS.
func TestGluedValuesAreUnderstood(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ix := demoIndex(t, d).Search.Index
		for glued, spaced := range map[string]string{"6205ZZ": "6205 ZZ", "62042RS": "6204-2RS"} {
			g, s := ix.Search(search.Request{Q: glued, Size: 50}), ix.Search(search.Request{Q: spaced, Size: 50})
			if s.Total == 0 || g.Total != s.Total || len(g.Understood) != 2 {
				t.Errorf("%s: %d results, understood %v; %s: %d", glued, g.Total, g.Understood, spaced, s.Total)
			}
		}
	})
}

// Leaving the facets out changes nothing else: the same items, totals and pages.
func TestNoFacetsSameItems(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ix := demoIndex(t, d).Search.Index
		for _, r := range []search.Request{
			{Q: "螺栓"}, {Q: "M8x30"}, {Q: "6204 2RS"}, {Category: "fasteners"}, {Category: "fasteners", Sort: search.SortSales, Page: 2},
			{Q: "不锈钢", Sort: search.SortPriceAsc}, {Q: "手套", Page: 3}, {Category: "bearings", InStock: true},
		} {
			r.Size = 20
			full := ix.Search(r)
			r.NoFacets = true
			bare := ix.Search(r)
			if len(bare.Facets) != 0 || bare.Total != full.Total || bare.Variants != full.Variants || bare.Pages != full.Pages || len(bare.Items) != len(full.Items) {
				t.Fatalf("%+v: without facets total %d/%d variants %d/%d items %d/%d facets %d", r, bare.Total, full.Total, bare.Variants, full.Variants, len(bare.Items), len(full.Items), len(bare.Facets))
			}
			for i := range full.Items {
				if bare.Items[i].SKUID != full.Items[i].SKUID {
					t.Fatalf("%+v: item %d differs", r, i)
				}
			}
		}
	})
}
