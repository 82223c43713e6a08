package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// testSKUs keeps the tests small: they run under -race on both engines in CI.
const testSKUs = 2000

// mustSuppliers inserts n supplier orgs with fixed IDs and returns the IDs.
func mustSuppliers(tb testing.TB, d *db.DB, n int) []string {
	tb.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("01900000-0000-7000-8000-%012d", i+1)
		_, err := d.Exec(context.Background(), `INSERT INTO orgs (id, kind, name, credit_code, status, created_at, updated_at)
			VALUES (?, 'supplier', ?, ?, 'active', ?, ?)`, ids[i], fmt.Sprintf("测试供应商%d", i+1), fmt.Sprintf("91330000TEST%06d", i+1), 1, 1)
		if err != nil {
			tb.Fatalf("insert supplier: %v", err)
		}
	}
	return ids
}

func mustGenerate(tb testing.TB, d *db.DB, opt CatalogOptions) CatalogStats {
	tb.Helper()
	stats, err := GenerateCatalog(context.Background(), d, store.New(d), opt)
	if err != nil {
		tb.Fatalf("GenerateCatalog: %v", err)
	}
	return stats
}

func count(tb testing.TB, d *db.DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

type tmplAttr struct {
	catalog.Attribute
	opts map[string]bool
}

// templates returns each leaf category's template (its attributes and its ancestors'),
// keyed by category ID.
func templates(tb testing.TB, d *db.DB) map[string]map[string]tmplAttr {
	tb.Helper()
	ctx := context.Background()
	cats, err := store.New(d).Categories(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	own := map[string][]tmplAttr{}
	rows, err := d.Query(ctx, `SELECT category_id, code, kind, unit, options, required, sales FROM attributes`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var a tmplAttr
		var opts string
		if err := rows.Scan(&a.CategoryID, &a.Code, &a.Kind, &a.Unit, &opts, &a.Required, &a.Sales); err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal([]byte(opts), &a.Options); err != nil {
			tb.Fatal(err)
		}
		a.opts = map[string]bool{}
		for _, o := range a.Options {
			a.opts[o] = true
		}
		own[a.CategoryID] = append(own[a.CategoryID], a)
	}
	rows.Close()
	byID := map[string]catalog.Category{}
	parents := map[string]bool{}
	for _, c := range cats {
		byID[c.ID] = c
		if c.ParentID != "" {
			parents[c.ParentID] = true
		}
	}
	out := map[string]map[string]tmplAttr{}
	for _, c := range cats {
		if parents[c.ID] {
			continue
		}
		t := map[string]tmplAttr{}
		for id := c.ID; id != ""; id = byID[id].ParentID {
			for _, a := range own[id] {
				if _, dup := t[a.Code]; dup {
					tb.Errorf("category %s: attribute %s defined twice along its path", c.Code, a.Code)
				}
				t[a.Code] = a
			}
		}
		out[c.ID] = t
	}
	return out
}

// checkValue checks one stored value against its template attribute.
func checkValue(t *testing.T, where string, v catalog.Value, a tmplAttr) {
	t.Helper()
	if v.Text == "" {
		t.Errorf("%s: %s has no text", where, v.Code)
	}
	switch a.Kind {
	case catalog.Enum:
		if !a.opts[v.Text] {
			t.Errorf("%s: %s = %q is not one of %v", where, v.Code, v.Text, a.Options)
		}
	case catalog.Number:
		if v.Num == nil || v.Unit != a.Unit {
			t.Errorf("%s: %s = %+v: want a number in %q", where, v.Code, v, a.Unit)
		}
	case catalog.Range:
		if v.Num == nil || v.Max == nil || *v.Num > *v.Max || v.Unit != a.Unit {
			t.Errorf("%s: %s = %+v: want a range in %q", where, v.Code, v, a.Unit)
		}
	case catalog.Bool:
		if v.Text != "是" && v.Text != "否" {
			t.Errorf("%s: %s = %q: want 是 or 否", where, v.Code, v.Text)
		}
	}
}

type loadedSKU struct {
	catalog.SKU
	specJSON, tiersJSON string
}

type loadedProduct struct {
	catalog.Product
	catCode, brandName, attrsJSON string
	skus                          []*loadedSKU
}

func load(tb testing.TB, d *db.DB) map[string]*loadedProduct {
	tb.Helper()
	ctx := context.Background()
	out := map[string]*loadedProduct{}
	rows, err := d.Query(ctx, `SELECT p.id, p.supplier_id, p.category_id, c.code, COALESCE(b.name, ''), p.title, p.model, p.status, p.attrs, p.description
		FROM products p JOIN categories c ON c.id = p.category_id LEFT JOIN brands b ON b.id = p.brand_id`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		p := &loadedProduct{}
		if err := rows.Scan(&p.ID, &p.SupplierID, &p.CategoryID, &p.catCode, &p.brandName, &p.Title, &p.Model, &p.Status, &p.attrsJSON, &p.Description); err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal([]byte(p.attrsJSON), &p.Attrs); err != nil {
			tb.Fatalf("product %s attrs: %v", p.ID, err)
		}
		out[p.ID] = p
	}
	rows.Close()
	rows, err = d.Query(ctx, `SELECT id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status FROM skus`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		k := &loadedSKU{}
		if err := rows.Scan(&k.ID, &k.ProductID, &k.SupplierID, &k.Code, &k.specJSON, &k.Price, &k.tiersJSON, &k.MOQ, &k.Multiple, &k.Unit, &k.Stock, &k.WeightG, &k.VolumeCM3, &k.Status); err != nil {
			tb.Fatal(err)
		}
		if err := json.Unmarshal([]byte(k.specJSON), &k.Spec); err != nil {
			tb.Fatalf("sku %s spec: %v", k.Code, err)
		}
		if err := json.Unmarshal([]byte(k.tiersJSON), &k.Tiers); err != nil {
			tb.Fatalf("sku %s tiers: %v", k.Code, err)
		}
		p := out[k.ProductID]
		if p == nil {
			tb.Fatalf("sku %s: no product %s", k.Code, k.ProductID)
		}
		p.skus = append(p.skus, k)
	}
	return out
}

func TestGenerateCatalog(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		sups := mustSuppliers(t, d, 12)
		stats := mustGenerate(t, d, CatalogOptions{SKUs: testSKUs, Seed: 42, SupplierIDs: sups})

		if stats.SKUs != testSKUs {
			t.Errorf("stats.SKUs = %d, want %d", stats.SKUs, testSKUs)
		}
		for what, c := range map[string][2]int{
			"categories": {stats.Categories, count(t, d, `SELECT COUNT(*) FROM categories`)},
			"attributes": {stats.Attributes, count(t, d, `SELECT COUNT(*) FROM attributes`)},
			"brands":     {stats.Brands, count(t, d, `SELECT COUNT(*) FROM brands`)},
			"products":   {stats.Products, count(t, d, `SELECT COUNT(*) FROM products`)},
			"skus":       {testSKUs, count(t, d, `SELECT COUNT(*) FROM skus`)},
		} {
			if c[0] != c[1] {
				t.Errorf("%s: stats say %d, table has %d", what, c[0], c[1])
			}
		}
		if stats.Brands < 40 || stats.Brands > 60 {
			t.Errorf("%d brands, want 40–60", stats.Brands)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM (SELECT supplier_id, code FROM skus GROUP BY supplier_id, code HAVING COUNT(*) > 1) x`); n != 0 {
			t.Errorf("%d duplicate (supplier, code) pairs", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM categories WHERE depth = 2`); n == 0 {
			t.Error("no third-level categories")
		}

		tmpl := templates(t, d)
		products := load(t, d)
		supplierSet := map[string]int{}
		for _, id := range sups {
			supplierSet[id] = 0
		}
		families := map[string]bool{}
		var offSale int
		for _, p := range products {
			where := fmt.Sprintf("product %q", p.Title)
			tm, ok := tmpl[p.CategoryID]
			if !ok {
				t.Fatalf("%s: category %s is not a leaf", where, p.catCode)
			}
			families[p.catCode] = true
			if _, ok := supplierSet[p.SupplierID]; !ok {
				t.Errorf("%s: unknown supplier %s", where, p.SupplierID)
			}
			supplierSet[p.SupplierID]++
			if !strings.HasPrefix(p.Title, p.brandName+" ") || p.brandName == "" {
				t.Errorf("%s: title does not start with the brand %q", where, p.brandName)
			}
			if p.Model == "" || len(p.Description) < 80 {
				t.Errorf("%s: model %q, description %q too thin", where, p.Model, p.Description)
			}
			switch p.Status {
			case catalog.StatusOnSale:
			case catalog.StatusOffSale:
				offSale++
			default:
				t.Errorf("%s: status %q", where, p.Status)
			}
			if n := len(p.skus); n < 1 || n > maxSKUsPerProduct {
				t.Errorf("%s: %d SKUs", where, n)
			}
			// Product parameters: template attributes that are not sales attributes.
			have := map[string]bool{}
			for _, v := range p.Attrs {
				a, ok := tm[v.Code]
				if !ok || a.Sales {
					t.Errorf("%s: attribute %s is not a product attribute of %s", where, v.Code, p.catCode)
					continue
				}
				if have[v.Code] {
					t.Errorf("%s: attribute %s twice", where, v.Code)
				}
				have[v.Code] = true
				checkValue(t, where, v, a)
			}
			for _, a := range tm {
				if a.Required && !a.Sales && !have[a.Code] {
					t.Errorf("%s: required attribute %s missing", where, a.Code)
				}
			}
			specs := map[string]bool{}
			for _, k := range p.skus {
				wk := fmt.Sprintf("%s SKU %s", where, k.Code)
				checkSKU(t, wk, k)
				if k.SupplierID != p.SupplierID {
					t.Errorf("%s: supplier %s differs from product's", wk, k.SupplierID)
				}
				key := k.specJSON
				if specs[key] {
					t.Errorf("%s: same spec as another SKU of the product: %s", wk, key)
				}
				specs[key] = true
				got := map[string]bool{}
				for _, v := range k.Spec {
					a, ok := tm[v.Code]
					if !ok || !a.Sales {
						t.Errorf("%s: spec %s is not a sales attribute of %s", wk, v.Code, p.catCode)
						continue
					}
					got[v.Code] = true
					checkValue(t, wk, v, a)
				}
				for _, a := range tm {
					if a.Required && a.Sales && !got[a.Code] {
						t.Errorf("%s: required sales attribute %s missing", wk, a.Code)
					}
				}
				// The fast JSON writer must write exactly what encoding/json writes.
				if b, _ := json.Marshal(k.Spec); string(b) != k.specJSON {
					t.Errorf("%s: spec JSON %s, encoding/json gives %s", wk, k.specJSON, b)
				}
				if b, _ := json.Marshal(k.Tiers); string(b) != k.tiersJSON {
					t.Errorf("%s: tiers JSON %s, encoding/json gives %s", wk, k.tiersJSON, b)
				}
			}
			if b, _ := json.Marshal(p.Attrs); string(b) != p.attrsJSON {
				t.Errorf("%s: attrs JSON %s, encoding/json gives %s", where, p.attrsJSON, b)
			}
		}
		if len(families) < 12 {
			t.Errorf("only %d leaf categories have products: %v", len(families), families)
		}
		if offSale == 0 || offSale > len(products)/10 {
			t.Errorf("%d of %d products off sale, want a few per cent", offSale, len(products))
		}
		used := 0
		for _, n := range supplierSet {
			if n > 0 {
				used++
			}
		}
		if used < len(sups)/2 {
			t.Errorf("products spread over only %d of %d suppliers", used, len(sups))
		}
		checkBearings(t, products)
	})
}

// checkSKU checks the purchase parameters of one SKU.
func checkSKU(t *testing.T, where string, k *loadedSKU) {
	t.Helper()
	if k.Unit == "" || k.Multiple < 1 || k.MOQ < 1 || k.MOQ%k.Multiple != 0 {
		t.Errorf("%s: unit %q MOQ %d multiple %d", where, k.Unit, k.MOQ, k.Multiple)
	}
	if len(k.Tiers) == 0 || len(k.Tiers) > 3 {
		t.Fatalf("%s: %d tiers", where, len(k.Tiers))
	}
	if k.Tiers[0].MinQty != k.MOQ || k.Price != k.Tiers[0].UnitPrice || k.Price <= 0 {
		t.Errorf("%s: tiers %v, MOQ %d, price %d", where, k.Tiers, k.MOQ, k.Price)
	}
	for i := 1; i < len(k.Tiers); i++ {
		a, b := k.Tiers[i-1], k.Tiers[i]
		if b.MinQty <= a.MinQty || b.UnitPrice >= a.UnitPrice || b.UnitPrice <= 0 || b.MinQty%k.Multiple != 0 {
			t.Errorf("%s: tiers %v not ascending in quantity and descending in price", where, k.Tiers)
		}
	}
	if k.Stock < 0 || k.Stock%k.Multiple != 0 {
		t.Errorf("%s: stock %d (multiple %d)", where, k.Stock, k.Multiple)
	}
	if k.WeightG < 1 {
		t.Errorf("%s: weight %d g", where, k.WeightG)
	}
	// Nothing packs denser than solid steel (7.85 g/cm³); a gram or so of rounding aside.
	if k.VolumeCM3 < 1 || float64(k.WeightG) > 8*float64(k.VolumeCM3)+2 {
		t.Errorf("%s: volume %d cm³ for %d g", where, k.VolumeCM3, k.WeightG)
	}
	if k.Status != "active" {
		t.Errorf("%s: status %q", where, k.Status)
	}
}

// trueBearings are GB/T 276 and GB/T 297 boundary dimensions d×D×B (T) in mm, typed in
// from the standard again rather than taken from the generator's table.
var trueBearings = map[string][3]float64{
	"6000": {10, 26, 8}, "6004": {20, 42, 12}, "6012": {60, 95, 18},
	"6200": {10, 30, 9}, "6204": {20, 47, 14}, "6205": {25, 52, 15}, "6206": {30, 62, 16}, "6208": {40, 80, 18}, "6215": {75, 130, 25},
	"6300": {10, 35, 11}, "6304": {20, 52, 15}, "6306": {30, 72, 19}, "6310": {50, 110, 27}, "6312": {60, 130, 31},
	"30204": {20, 47, 15.25}, "30208": {40, 80, 19.75}, "32206": {30, 62, 21.25}, "30310": {50, 110, 29.25},
}

func checkBearings(t *testing.T, products map[string]*loadedProduct) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range products {
		if p.catCode != "deep-groove-ball-bearings" && p.catCode != "tapered-roller-bearings" {
			continue
		}
		for _, k := range p.skus {
			vals := map[string]float64{}
			var model string
			for _, v := range k.Spec {
				if v.Code == "model" {
					model = v.Text
				} else if v.Num != nil {
					vals[v.Code] = *v.Num
				}
			}
			want, ok := trueBearings[model]
			if !ok {
				continue
			}
			seen[model] = true
			width := vals["B"]
			if p.catCode == "tapered-roller-bearings" {
				width = vals["T"]
			}
			if got := [3]float64{vals["d"], vals["D"], width}; got != want {
				t.Errorf("bearing %s (%s): d×D×B = %v, want %v", model, k.Code, got, want)
			}
			if env := want[1] * want[1] * want[2] / 1000; float64(k.VolumeCM3) < env || float64(k.VolumeCM3) > 3*env {
				t.Errorf("bearing %s (%s): boxed volume %d cm³, its envelope is %.0f cm³", model, k.Code, k.VolumeCM3, env)
			}
		}
	}
	// Every table entry is checked wherever it appears; make sure the generator's table
	// itself holds 6204 right even if this small catalogue has none.
	for _, s := range deepGroove {
		for _, b := range s {
			if want, ok := trueBearings[b.model]; ok && [3]float64{b.d, b.D, b.B} != want {
				t.Errorf("table: %s = %v×%v×%v, want %v", b.model, b.d, b.D, b.B, want)
			}
		}
	}
	if !seen["6204"] {
		t.Error("no 6204 in the catalogue to spot-check")
	}
	t.Logf("bearings checked against the standard: %d designations", len(seen))
}

// digest hashes every generated row in ID order.
func digest(tb testing.TB, d *db.DB) string {
	tb.Helper()
	ctx := context.Background()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, parent_id, code, name_zh, path FROM categories ORDER BY id`,
		`SELECT id, category_id, code, kind, unit, options FROM attributes ORDER BY id`,
		`SELECT id, name, name_en, origin FROM brands ORDER BY id`,
		`SELECT id, supplier_id, category_id, brand_id, title, name, model, status, attrs, description, sales_count, created_at, updated_at FROM products ORDER BY id`,
		`SELECT id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status, created_at, updated_at FROM skus ORDER BY id`,
	} {
		rows, err := d.Query(ctx, q)
		if err != nil {
			tb.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			for _, v := range vals {
				h.Write([]byte(v.String))
				h.Write([]byte{0})
			}
		}
		if err := rows.Err(); err != nil {
			tb.Fatal(err)
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestGenerateCatalogDeterministic(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		d2, d3 := dbtest.Open(t, d.Engine), dbtest.Open(t, d.Engine)
		opt := CatalogOptions{SKUs: 1500, Seed: 7, SupplierIDs: mustSuppliers(t, d, 5)}
		mustSuppliers(t, d2, 5)
		mustSuppliers(t, d3, 5)
		s1 := mustGenerate(t, d, opt)
		s2 := mustGenerate(t, d2, opt)
		if s1 != s2 {
			t.Errorf("stats differ: %+v and %+v", s1, s2)
		}
		a, b := digest(t, d), digest(t, d2)
		if a != b {
			t.Errorf("same seed, different catalogues: %s and %s", a, b)
		}
		opt.Seed = 8
		mustGenerate(t, d3, opt)
		if c := digest(t, d3); c == a {
			t.Error("different seeds gave the same catalogue")
		}
	})
}

func TestGenerateCatalogSizes(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	sups := mustSuppliers(t, d, 1)
	if _, err := GenerateCatalog(context.Background(), d, store.New(d), CatalogOptions{SKUs: 10}); err == nil {
		t.Error("no suppliers: want an error")
	}
	// One supplier, a count that cuts the last product short.
	stats := mustGenerate(t, d, CatalogOptions{SKUs: 1001, Seed: 1, SupplierIDs: sups})
	if stats.SKUs != 1001 || count(t, d, `SELECT COUNT(*) FROM skus`) != 1001 {
		t.Errorf("got %d SKUs, want 1001", stats.SKUs)
	}
	if n := count(t, d, `SELECT COUNT(DISTINCT supplier_id) FROM products`); n != 1 {
		t.Errorf("%d suppliers used, want 1", n)
	}
}

// TestGenerateCatalogBig measures generation into a real SQLite file. It runs only when
// ZHUCHAO_DEMO_BIG is set: to 1 for a million SKUs, or to the number of SKUs wanted.
//
//	ZHUCHAO_DEMO_BIG=1 go test -run GenerateCatalogBig -v -timeout 30m ./internal/demo/
func TestGenerateCatalogBig(t *testing.T) {
	env := os.Getenv("ZHUCHAO_DEMO_BIG")
	if env == "" {
		t.Skip("set ZHUCHAO_DEMO_BIG=1 (a million SKUs) or to a SKU count")
	}
	n, err := strconv.Atoi(env)
	if err != nil || n <= 1 {
		n = 1_000_000
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "demo.db")
	d, err := db.Open(ctx, path, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sups := mustSuppliers(t, d, 60)

	var peak uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	start := time.Now()
	stats := mustGenerate(t, d, CatalogOptions{SKUs: n, Seed: 2026, SupplierIDs: sups})
	elapsed := time.Since(start)
	close(done)
	<-sampled
	fi, _ := os.Stat(path)
	var size int64
	if fi != nil {
		size = fi.Size()
	}
	t.Logf("generated %+v into SQLite in %v (%.0f SKUs/s); peak heap in use %d MiB; database file %d MiB",
		stats, elapsed.Round(time.Millisecond), float64(stats.SKUs)/elapsed.Seconds(), peak>>20, size>>20)
	if stats.SKUs != n {
		t.Errorf("generated %d SKUs, want %d", stats.SKUs, n)
	}
}

// BenchmarkGenerateCatalog20k is the lead's demo size: 20,000 SKUs into a fresh SQLite file.
func BenchmarkGenerateCatalog20k(b *testing.B) {
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), db.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		sups := mustSuppliers(b, d, 20)
		b.StartTimer()
		mustGenerate(b, d, CatalogOptions{SKUs: 20000, Seed: int64(i), SupplierIDs: sups})
		b.StopTimer()
		d.Close()
	}
}
