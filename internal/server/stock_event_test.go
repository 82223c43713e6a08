package server_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// Taking a SKU's last units tells the search index through the outbox, so "in stock"
// stops listing it; giving them back lists it again. Smaller moves write nothing.
func TestStockRunningOutReachesSearch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := context.Background()
		product := e.Products["supplierX"]
		if _, err := d.Exec(ctx, `UPDATE skus SET stock = 0 WHERE product_id = ?`, product); err != nil {
			t.Fatal(err)
		}
		var sku string
		if err := d.QueryRow(ctx, `SELECT CAST(id AS TEXT) FROM skus WHERE product_id = ? ORDER BY id LIMIT 1`, product).Scan(&sku); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE skus SET stock = 10, moq = 1 WHERE id = ?`, sku); err != nil {
			t.Fatal(err)
		}
		if err := e.Store.Emit(ctx, "product", product); err != nil {
			t.Fatal(err)
		}
		e.Reindex()
		inStock := func() bool {
			r := e.App.Search.Index.Search(search.Request{Store: e.Orgs["supplierX"].ID, InStock: true, Size: 50})
			for _, it := range r.Items {
				if it.ProductID == product {
					return true
				}
			}
			return false
		}
		if !inStock() {
			t.Fatal("the product is not in stock to begin with")
		}
		events := func() (n int) {
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE topic = 'product' AND aggregate_id = ?`, product).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := events()
		if ok, err := e.Store.ReserveStock(ctx, sku, 4); err != nil || !ok {
			t.Fatalf("reserve 4 of 10: %v %v", ok, err)
		}
		if events() != before {
			t.Error("a small stock move wrote an outbox event")
		}
		if ok, err := e.Store.ReserveStock(ctx, sku, 6); err != nil || !ok {
			t.Fatalf("reserve the last 6: %v %v", ok, err)
		}
		e.Reindex()
		if inStock() {
			t.Error("sold out, still listed as in stock")
		}
		if err := e.Store.ReleaseStock(ctx, sku, 6); err != nil {
			t.Fatal(err)
		}
		e.Reindex()
		if !inStock() {
			t.Error("stock came back, not listed as in stock")
		}
	})
}
