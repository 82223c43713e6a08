package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestSKUWeightAndVolume: every way a SKU is written (AddProduct, the bulk writer across
// a full batch, CatalogInsertSKU, CatalogUpdateSKU) keeps its weight and volume, and
// every way it is read (CatalogSKUs, ProductDetail) gives them back.
func TestSKUWeightAndVolume(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := store.New(d)
		sup := "01900000-0000-7000-8000-000000000001"
		if _, err := d.Exec(ctx, `INSERT INTO orgs (id, kind, name, credit_code, status, store_live, created_at, updated_at)
			VALUES (?, 'supplier', '测试供应商', '91330000TEST000001', 'active', TRUE, 1, 1)`, sup); err != nil {
			t.Fatal(err)
		}
		cat := &catalog.Category{Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/bolts/"}
		if err := s.AddCategory(ctx, cat); err != nil {
			t.Fatal(err)
		}
		product := func(title string) *catalog.Product {
			return &catalog.Product{SupplierID: sup, CategoryID: cat.ID, Title: title, Name: "外六角螺栓", Status: catalog.StatusOnSale}
		}
		sku := func(code string, w, v int64) *catalog.SKU {
			return &catalog.SKU{Code: code, Price: 1500, Tiers: []catalog.Tier{{MinQty: 1, UnitPrice: 1500}}, MOQ: 1, Multiple: 1, Unit: "件",
				Stock: 10, WeightG: w, VolumeCM3: v}
		}

		p := product("螺栓 M8")
		if err := s.AddProduct(ctx, p, []*catalog.SKU{sku("M8X40", 32, 7), sku("M8X50", 0, 0)}); err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int64{"M8X40": {32, 7}, "M8X50": {0, 0}}
		check := func(when string) {
			t.Helper()
			ks, err := s.CatalogSKUs(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			dt, err := s.ProductDetail(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ks) != len(want) || len(dt.SKUs) != len(want) {
				t.Fatalf("%s: %d and %d SKUs, want %d", when, len(ks), len(dt.SKUs), len(want))
			}
			for _, list := range [][]catalog.SKU{ks, dt.SKUs} {
				for _, k := range list {
					if got := [2]int64{k.WeightG, k.VolumeCM3}; got != want[k.Code] {
						t.Errorf("%s: %s weight, volume = %v, want %v", when, k.Code, got, want[k.Code])
					}
				}
			}
		}
		check("added")

		k := sku("M8X60", 48, 9)
		k.ID, k.ProductID, k.SupplierID, k.Status = db.NewID(), p.ID, sup, "active"
		k.CreatedAt, k.UpdatedAt = time.Now(), time.Now()
		if err := s.CatalogInsertSKU(ctx, k); err != nil {
			t.Fatal(err)
		}
		want["M8X60"] = [2]int64{48, 9}
		check("inserted")
		k.VolumeCM3, k.WeightG = 11, 50
		if err := s.CatalogUpdateSKU(ctx, k); err != nil {
			t.Fatal(err)
		}
		want["M8X60"] = [2]int64{50, 11}
		check("updated")

		// The bulk writer, over more SKUs than one multi-row INSERT holds.
		const n = 150
		err := d.WithTx(ctx, func(ctx context.Context) error {
			b, err := s.NewBulkProducts(ctx)
			if err != nil {
				return err
			}
			for i := range n {
				if err := b.Add(product(fmt.Sprintf("螺栓 %d", i)), []*catalog.SKU{sku(fmt.Sprintf("B-%03d", i), int64(i), int64(1000+i))}); err != nil {
					return err
				}
			}
			return b.Close()
		})
		if err != nil {
			t.Fatal(err)
		}
		var rows, sumW, sumV int64
		if err := d.QueryRow(ctx, `SELECT COUNT(*), SUM(weight_g), SUM(volume_cm3) FROM skus WHERE code LIKE 'B-%'`).Scan(&rows, &sumW, &sumV); err != nil {
			t.Fatal(err)
		}
		if rows != n || sumW != n*(n-1)/2 || sumV != n*1000+n*(n-1)/2 {
			t.Fatalf("bulk: %d SKUs, weights %d, volumes %d", rows, sumW, sumV)
		}
	})
}
