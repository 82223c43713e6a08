package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// TestReorder: 再来一单 brings an order's lines back into the cart priced now, skipping
// (and naming) a line that can no longer be bought; a requisition list goes into the cart
// the same way; another company's order or list is a 404 and changes no cart.
func TestReorder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addrA, _, skuX, skuY := orderFixture(t, e)
		a := e.Login("buyera")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":200},{"sku":%q,"qty":1000}]}`, addrA, skuX, skuY), "Idempotency-Key", "re-1")
		if res.StatusCode != 201 {
			t.Fatalf("checkout: %d %s", res.StatusCode, res.Body)
		}
		var cb checkoutBody
		if err := json.Unmarshal([]byte(res.Body), &cb); err != nil {
			t.Fatal(err)
		}
		var orderY string
		for _, o := range cb.Orders {
			if o.SupplierID == e.Orgs["supplierY"].ID {
				orderY = o.ID
			}
		}
		// supplier Y's SKU sells out; X's order can be bought again whole, Y's not at all.
		if _, err := d.Exec(context.Background(), `UPDATE skus SET stock = 0 WHERE id = ?`, skuY); err != nil {
			t.Fatal(err)
		}
		b := e.Login("buyerb")
		if res := b.JSON("POST", "/api/v1/orders/"+orderY+"/reorder", ``, "Idempotency-Key", "re-b"); res.StatusCode != 404 {
			t.Fatalf("another company's order: %d %s", res.StatusCode, res.Body)
		}
		if res := b.PostForm("/buyer/orders/"+orderY+"/reorder", nil); res.StatusCode != 404 {
			t.Fatalf("another company's order page: %d", res.StatusCode)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM cart_items`); n != 0 {
			t.Fatalf("%d cart rows after refused re-orders", n)
		}
		res = a.JSON("POST", "/api/v1/orders/"+orderY+"/reorder", ``, "Idempotency-Key", "re-2")
		if res.StatusCode != 422 || !strings.Contains(res.Body, "lines.1") {
			t.Fatalf("sold-out re-order: %d %s", res.StatusCode, res.Body)
		}
		// A list with both SKUs: X goes in, Y is named.
		res = a.JSON("POST", "/api/v1/buyer/requisition-lists", `{"name":"月度补货"}`, "Idempotency-Key", "re-3")
		var list struct{ ID string }
		if err := json.Unmarshal([]byte(res.Body), &list); err != nil || res.StatusCode != 201 {
			t.Fatalf("list: %d %s", res.StatusCode, res.Body)
		}
		for i, sku := range []string{skuX, skuY} {
			if res := a.JSON("POST", "/api/v1/buyer/requisition-lists/"+list.ID+"/items", fmt.Sprintf(`{"sku":%q,"qty":%d}`, sku, 200*(i+1)), "Idempotency-Key", fmt.Sprint("re-item-", i)); res.StatusCode != 201 {
				t.Fatalf("list item: %d %s", res.StatusCode, res.Body)
			}
		}
		if res := b.JSON("POST", "/api/v1/buyer/requisition-lists/"+list.ID+"/cart", ``, "Idempotency-Key", "re-b2"); res.StatusCode != 404 {
			t.Fatalf("another company's list: %d %s", res.StatusCode, res.Body)
		}
		res = a.JSON("POST", "/api/v1/buyer/requisition-lists/"+list.ID+"/cart", ``, "Idempotency-Key", "re-4")
		var added struct {
			LinesAdded int               `json:"lines_added"`
			Skipped    map[string]string `json:"skipped"`
		}
		if err := json.Unmarshal([]byte(res.Body), &added); err != nil || res.StatusCode != 201 {
			t.Fatalf("list to cart: %d %s", res.StatusCode, res.Body)
		}
		if added.LinesAdded != 1 || len(added.Skipped) != 1 || added.Skipped["lines.2"] == "" {
			t.Fatalf("list to cart: %+v", added)
		}
		if n := countRows(t, d, `SELECT qty FROM cart_items WHERE sku_id = ?`, skuX); n != 200 {
			t.Fatalf("cart qty %d, want 200", n)
		}
		// The order page's button: X's order adds its 200 again (quantities add up).
		var orderX string
		for _, o := range cb.Orders {
			if o.ID != orderY {
				orderX = o.ID
			}
		}
		if !strings.Contains(a.Get("/buyer/orders/"+orderX).Body, "/reorder") {
			t.Fatal("no 再来一单 on the order page")
		}
		res = a.PostForm("/buyer/orders/"+orderX+"/reorder", url.Values{})
		if res.StatusCode != 303 || !strings.HasSuffix(res.Header.Get("Location"), "/buyer/cart") {
			t.Fatalf("re-order form: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT qty FROM cart_items WHERE sku_id = ?`, skuX); n != 400 {
			t.Fatalf("cart qty %d, want 400", n)
		}
		if page := a.Get("/buyer/cart").Body; !strings.Contains(page, "已加入采购车 1 行") {
			t.Fatalf("no flash on the cart page")
		}
	})
}
