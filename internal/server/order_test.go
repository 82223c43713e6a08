package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// orderFixture gives buyerA and buyerB a delivery address each and returns them with the
// two suppliers' SKU IDs.
func orderFixture(t *testing.T, e *servertest.Env) (addrA, addrB, skuX, skuY string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	var addrs []string
	for _, org := range []string{"buyerA", "buyerB"} {
		a := &buyer.Address{OrgID: e.Orgs[org].ID, Consignee: "李四", Mobile: "13900139000", DivisionCode: "320505", DivisionName: "江苏省苏州市虎丘区", Street: "金山路1号", CreatedAt: now, UpdatedAt: now}
		if err := e.Store.SaveAddress(ctx, a); err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, a.ID)
	}
	sku := func(sup string) string {
		var id string
		if err := e.DB.QueryRow(ctx, `SELECT id FROM skus WHERE product_id = ?`, e.Products[sup]).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	return addrs[0], addrs[1], sku("supplierX"), sku("supplierY")
}

func countRows(t *testing.T, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

type checkoutBody struct {
	CheckoutID string `json:"checkout_id"`
	Orders     []struct {
		ID         string `json:"id"`
		Number     string `json:"number"`
		State      string `json:"state"`
		SupplierID string `json:"supplier_id"`
		TotalFen   int64  `json:"total_fen"`
	} `json:"orders"`
}

// TestCheckoutIdempotencyHTTP is battery test 3 over the API: the same Idempotency-Key 50
// times at once and 50 times in a row places one checkout; every replay returns the same
// body; the same key with another body is refused.
func TestCheckoutIdempotencyHTTP(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addrA, _, skuX, skuY := orderFixture(t, e)
		a := e.Login("buyera")
		body := fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":200},{"sku":%q,"qty":1000}]}`, addrA, skuX, skuY)
		var wg sync.WaitGroup
		var mu sync.Mutex
		created, busy := 0, 0
		var first string
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := a.JSON("POST", "/api/v1/checkout", body, "Idempotency-Key", "ck-1")
				mu.Lock()
				defer mu.Unlock()
				switch res.StatusCode {
				case 201:
					created++
					if first == "" {
						first = res.Body
					} else if res.Body != first {
						t.Errorf("replay differs:\n%s\n%s", res.Body, first)
					}
				case 409:
					busy++
				default:
					t.Errorf("concurrent checkout: %d %s", res.StatusCode, res.Body)
				}
			}()
		}
		wg.Wait()
		if created == 0 || created+busy != 50 {
			t.Fatalf("%d created, %d busy", created, busy)
		}
		for i := 0; i < 50; i++ {
			res := a.JSON("POST", "/api/v1/checkout", body, "Idempotency-Key", "ck-1")
			if res.StatusCode != 201 || res.Body != first {
				t.Fatalf("sequential replay %d: %d %s", i, res.StatusCode, res.Body)
			}
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders`); n != 2 {
			t.Fatalf("%d orders, want 2", n)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM checkouts`); n != 1 {
			t.Fatalf("%d checkouts, want 1", n)
		}
		other := strings.Replace(body, `"qty":200`, `"qty":300`, 1)
		if res := a.JSON("POST", "/api/v1/checkout", other, "Idempotency-Key", "ck-1"); res.StatusCode != 422 {
			t.Fatalf("same key, other body: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders`); n != 2 {
			t.Fatalf("%d orders after a mismatched replay", n)
		}
		var cb checkoutBody
		if err := json.Unmarshal([]byte(first), &cb); err != nil {
			t.Fatal(err)
		}
		day := time.Now().In(time.FixedZone("CST", 8*3600)).Format("20060102")
		for _, o := range cb.Orders {
			if !strings.HasPrefix(o.Number, "PO"+day+"-") || len(o.Number) != len("PO20261124-000001") || o.State != "awaiting_payment" {
				t.Errorf("order %+v", o)
			}
		}
	})
}

// TestCheckoutTampering is battery test 10: a client's price, total, status or supplier
// never reaches the stored order. The JSON API refuses such fields by name; a form that
// carries them gets them ignored.
func TestCheckoutTampering(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addrA, _, skuX, _ := orderFixture(t, e)
		a := e.Login("buyera")
		for _, extra := range []string{`"unit_price":"0.0001"`, `"total_fen":1`, `"state":"paid"`, `"supplier_id":"` + e.Orgs["supplierY"].ID + `"`} {
			body := fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}],%s}`, addrA, skuX, extra)
			res := a.JSON("POST", "/api/v1/checkout", body)
			if res.StatusCode != 422 || !strings.Contains(res.Body, `"fields"`) {
				t.Errorf("tampered %s: %d %s", extra, res.StatusCode, res.Body)
			}
			item := fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100,%s}]}`, addrA, skuX, extra)
			if res := a.JSON("POST", "/api/v1/checkout", item); res.StatusCode != 422 {
				t.Errorf("tampered item %s: %d %s", extra, res.StatusCode, res.Body)
			}
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders`); n != 0 {
			t.Fatalf("%d orders from tampered requests", n)
		}
		// The form: add to the cart, then check out with forged fields.
		if res := a.PostForm("/buyer/cart", url.Values{"sku": {skuX}, "qty": {"1000"}, "price": {"0.01"}}); res.StatusCode != 303 {
			t.Fatalf("add to cart: %d %s", res.StatusCode, res.Body)
		}
		res := a.PostForm("/buyer/checkout", url.Values{"address_id": {addrA}, "token": {"form-1"}, "price": {"0.0001"}, "total": {"1"}, "total_fen": {"1"},
			"state": {"paid"}, "status": {"paid"}, "supplier_id": {e.Orgs["supplierY"].ID}, "unit_price": {"1"}})
		if res.StatusCode != 303 {
			t.Fatalf("form checkout: %d %s", res.StatusCode, res.Body)
		}
		var state, supplier string
		var total, price int64
		err := d.QueryRow(context.Background(), `SELECT r.state, r.supplier_id, r.total_fen, l.unit_price FROM orders r JOIN order_lines l ON l.order_id = r.id`).Scan(&state, &supplier, &total, &price)
		if err != nil {
			t.Fatal(err)
		}
		// 1000 at the ¥0.12 tier = ¥120.00; no freight template.
		if state != "awaiting_payment" || supplier != e.Orgs["supplierX"].ID || total != 12000 || price != 1200 {
			t.Errorf("stored order: %s %s %d %d", state, supplier, total, price)
		}
	})
}

// TestOrderTenants: another company's cart lines and orders do not exist for a buyer; a
// supplier sees only the orders placed with it; bad quantities are refused by name.
func TestOrderTenants(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addrA, addrB, skuX, skuY := orderFixture(t, e)
		a, b, x, y := e.Login("buyera"), e.Login("buyerb"), e.Login("supplierx"), e.Login("suppliery")
		res := a.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrA, skuX))
		if res.StatusCode != 201 {
			t.Fatalf("checkout: %d %s", res.StatusCode, res.Body)
		}
		var cb checkoutBody
		json.Unmarshal([]byte(res.Body), &cb)
		id := cb.Orders[0].ID
		// Buyer B may not use A's address, see, cancel or approve A's order.
		if res := b.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrA, skuX)); res.StatusCode != 422 {
			t.Errorf("B checks out to A's address: %d", res.StatusCode)
		}
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/orders/" + id}, {"POST", "/api/v1/orders/" + id + "/cancel"}, {"POST", "/api/v1/orders/" + id + "/approve"},
		} {
			if res := b.JSON(c.method, c.path, ""); res.StatusCode != 404 {
				t.Errorf("B %s %s: %d", c.method, c.path, res.StatusCode)
			}
		}
		if res := b.Get("/buyer/orders/" + id); res.StatusCode != 404 {
			t.Errorf("B opens A's order page: %d", res.StatusCode)
		}
		if res := b.Get("/api/v1/orders"); res.StatusCode != 200 || strings.Contains(res.Body, id) {
			t.Errorf("B's order list: %d %s", res.StatusCode, res.Body)
		}
		// Cart lines are per member: B cannot change A's cart line.
		res = a.JSON("POST", "/api/v1/cart/items", fmt.Sprintf(`{"sku":%q,"qty":200}`, skuY))
		if res.StatusCode != 201 {
			t.Fatalf("A adds to cart: %d %s", res.StatusCode, res.Body)
		}
		// The answer is the line and the cart's size, not the whole priced cart.
		var added struct {
			Line struct {
				SKUID     string `json:"sku_id"`
				Qty       int64  `json:"qty"`
				AmountFen int64  `json:"amount_fen"`
			} `json:"line"`
			Count    int   `json:"count"`
			GoodsFen int64 `json:"goods_fen"`
		}
		if err := json.Unmarshal([]byte(res.Body), &added); err != nil || added.Line.SKUID != skuY || added.Line.Qty != 200 || added.Line.AmountFen <= 0 ||
			added.Count < 1 || added.GoodsFen < added.Line.AmountFen {
			t.Errorf("add answer: %v %s", err, res.Body)
		}
		if res := b.JSON("PUT", "/api/v1/cart/items/"+skuY, `{"qty":300}`); res.StatusCode != 404 {
			t.Errorf("B changes A's cart line: %d", res.StatusCode)
		}
		// Suppliers: X sees the order, Y does not.
		if res := x.Get("/api/v1/orders/" + id); res.StatusCode != 200 {
			t.Errorf("X reads its order: %d", res.StatusCode)
		}
		if res := y.Get("/api/v1/orders/" + id); res.StatusCode != 404 {
			t.Errorf("Y reads X's order: %d", res.StatusCode)
		}
		if res := y.Get("/api/v1/orders"); strings.Contains(res.Body, id) {
			t.Errorf("Y lists X's order")
		}
		if res := x.Get("/seller/orders/" + id); res.StatusCode != 200 {
			t.Errorf("X opens its order page: %d", res.StatusCode)
		}
		if res := y.Get("/seller/orders/" + id); res.StatusCode != 404 {
			t.Errorf("Y opens X's order page: %d", res.StatusCode)
		}
		if res := x.JSON("POST", "/api/v1/orders/"+id+"/cancel", ""); res.StatusCode != 403 && res.StatusCode != 404 {
			t.Errorf("supplier cancels: %d", res.StatusCode)
		}
		// Bad input: each refused with the field named, nothing stored.
		for _, c := range []struct{ body, field string }{
			{fmt.Sprintf(`{"sku":%q,"qty":50}`, skuX), "qty"},
			{fmt.Sprintf(`{"sku":%q,"qty":150}`, skuX), "qty"},
			{fmt.Sprintf(`{"sku":%q,"qty":-100}`, skuX), "qty"},
			{fmt.Sprintf(`{"sku":%q,"qty":99999999999}`, skuX), "qty"},
			{`{"sku":"NO-SUCH-SKU","qty":100}`, "sku"},
			{`{"sku":"BOLT-M8","qty":100}`, "sku"},
			{fmt.Sprintf(`{"sku":%q,"qty":"100"}`, skuX), "qty"},
		} {
			res := b.JSON("POST", "/api/v1/cart/items", c.body)
			if res.StatusCode != 422 && res.StatusCode != 400 || !strings.Contains(res.Body, `"`+c.field+`"`) {
				t.Errorf("%s: %d %s", c.body, res.StatusCode, res.Body)
			}
		}
		if _, err := d.Exec(context.Background(), `UPDATE skus SET status = 'off' WHERE id = ?`, skuY); err != nil {
			t.Fatal(err)
		}
		if res := b.JSON("POST", "/api/v1/checkout", fmt.Sprintf(`{"address_id":%q,"items":[{"sku":%q,"qty":100}]}`, addrB, skuY)); res.StatusCode != 422 {
			t.Errorf("off-sale checkout: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM cart_items WHERE org_id = ?`, e.Orgs["buyerB"].ID); n != 0 {
			t.Errorf("%d cart items for B after refusals", n)
		}
	})
}

// TestOrderPages walks the buyer's pages as a browser without JavaScript would: add by
// SKU and by pasted lines, see the cart grouped by supplier, check out (twice with the
// same form token: one set of orders), read the orders, and approve one as an approver;
// the supplier and the staff console see the orders read-only.
func TestOrderPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addBuyerPeople(t, e)
		addrA, _, skuX, skuY := orderFixture(t, e)
		cg := e.Login("caigoua")
		if res := cg.Get("/buyer/cart"); res.StatusCode != 200 || !strings.Contains(res.Body, "采购车是空的") {
			t.Fatalf("empty cart: %d", res.StatusCode)
		}
		if res := cg.PostForm("/buyer/cart", url.Values{"sku": {skuX}, "qty": {"150"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "整数倍") {
			t.Fatalf("off-multiple add: %d", res.StatusCode)
		}
		if res := cg.PostForm("/buyer/cart", url.Values{"sku": {skuX}, "qty": {"1000"}}); res.StatusCode != 303 {
			t.Fatalf("add: %d %s", res.StatusCode, res.Body)
		}
		res := cg.PostForm("/buyer/cart/quick", url.Values{"lines": {skuY + "\t200\nNOPE 5\n" + skuY + " 7"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, "第 2 行") || !strings.Contains(res.Body, "第 3 行") || strings.Contains(res.Body, "第 1 行") {
			t.Fatalf("bad quick order: %d", res.StatusCode)
		}
		if res := cg.PostForm("/buyer/cart/quick", url.Values{"lines": {skuY + ",200"}}); res.StatusCode != 303 {
			t.Fatalf("quick order: %d %s", res.StatusCode, res.Body)
		}
		page := cg.Get("/buyer/cart").Body
		if !strings.Contains(page, "X紧固件有限公司") || !strings.Contains(page, "Y轴承有限公司") || !strings.Contains(page, "¥120.00") || !strings.Contains(page, "/buyer/checkout") {
			t.Fatalf("cart page: %s", page)
		}
		// Approval: the purchaser's orders over ¥100 need an approver.
		a := e.Login("buyera")
		rule := url.Values{"over": {"100"}, "applies_to": {"purchaser"}, "approver_roles": {"approver"}, "approvals": {"1"}}
		if res := a.PostForm("/buyer/approvals/new", rule); res.StatusCode != 303 {
			t.Fatalf("approval rule: %d %s", res.StatusCode, res.Body)
		}
		if res := cg.Get("/buyer/checkout"); res.StatusCode != 200 || !strings.Contains(res.Body, `name="token"`) {
			t.Fatalf("checkout page: %d", res.StatusCode)
		}
		form := url.Values{"address_id": {addrA}, "token": {"tok-page-1"}, "note." + e.Orgs["supplierX"].ID: {"周一送货"}}
		for i := 0; i < 2; i++ {
			if res := cg.PostForm("/buyer/checkout", form); res.StatusCode != 303 {
				t.Fatalf("checkout %d: %d %s", i, res.StatusCode, res.Body)
			}
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders`); n != 2 {
			t.Fatalf("%d orders after a double submission, want 2", n)
		}
		var big string
		if err := d.QueryRow(context.Background(), `SELECT id FROM orders WHERE state = 'awaiting_approval'`).Scan(&big); err != nil {
			t.Fatalf("no order awaiting approval: %v", err)
		}
		list := cg.Get("/buyer/orders").Body
		if !strings.Contains(list, "待审批") || !strings.Contains(list, "待付款") {
			t.Fatalf("orders page: %s", list)
		}
		detail := cg.Get("/buyer/orders/" + big).Body
		if !strings.Contains(detail, "不含税") || !strings.Contains(detail, "13%") || !strings.Contains(detail, "金山路1号") {
			t.Fatalf("order page: %s", detail)
		}
		sp := e.Login("shenpia")
		if res := sp.Get("/buyer/approve"); res.StatusCode != 200 || !strings.Contains(res.Body, big) {
			t.Fatalf("approval queue: %d", res.StatusCode)
		}
		if res := cg.PostForm("/buyer/orders/"+big+"/approve", nil); res.StatusCode != 403 {
			t.Fatalf("purchaser approves own order: %d", res.StatusCode)
		}
		if res := sp.PostForm("/buyer/orders/"+big+"/approve", nil); res.StatusCode != 303 {
			t.Fatalf("approve: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM orders WHERE state = 'awaiting_payment'`); n != 2 {
			t.Fatalf("%d orders awaiting payment after approval", n)
		}
		if res := cg.PostForm("/buyer/orders/"+big+"/cancel", url.Values{"reason": {"重复"}}); res.StatusCode != 303 {
			t.Fatalf("cancel: %d %s", res.StatusCode, res.Body)
		}
		if res := cg.PostForm("/buyer/orders/"+big+"/cancel", nil); res.StatusCode != 409 {
			t.Fatalf("cancel twice: %d", res.StatusCode)
		}
		x := e.Login("supplierx")
		if res := x.Get("/seller/orders"); res.StatusCode != 200 || !strings.Contains(res.Body, "甲采购有限公司") {
			t.Fatalf("supplier orders: %d", res.StatusCode)
		}
		admin := e.Login("admin")
		if res := admin.Get("/admin/orders"); res.StatusCode != 200 || !strings.Contains(res.Body, "PO") {
			t.Fatalf("staff orders: %d", res.StatusCode)
		}
		if res := admin.Get("/admin/orders/" + big); res.StatusCode != 200 {
			t.Fatalf("staff order: %d", res.StatusCode)
		}
		cg.Lang = "en"
		if res := cg.Get("/buyer/orders/" + big); res.StatusCode != 200 || !strings.Contains(res.Body, "Excl. VAT") {
			t.Fatalf("English order page: %d", res.StatusCode)
		}
	})
}

// TestCartUpload: quick order from a spreadsheet adds every row or none, naming bad rows
// by the row number the spreadsheet shows.
func TestCartUpload(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		_, _, skuX, skuY := orderFixture(t, e)
		a := e.Login("buyera")
		upload := func(csv string) *servertest.Response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "采购清单.csv")
			fw.Write([]byte(csv))
			mw.Close()
			return a.Do("POST", "/buyer/cart/upload", mw.FormDataContentType(), buf.String())
		}
		res := upload("SKU码,数量\n" + skuX + ",1000\nNOPE,5\n" + skuY + ",abc\n")
		if res.StatusCode != 422 || !strings.Contains(res.Body, "第 3 行") || !strings.Contains(res.Body, "第 4 行") || strings.Contains(res.Body, "第 2 行") {
			t.Fatalf("bad sheet: %d", res.StatusCode)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM cart_items`); n != 0 {
			t.Fatalf("%d cart items after a bad sheet", n)
		}
		if res := upload("型号,备注\nx,y\n"); res.StatusCode != 422 {
			t.Fatalf("sheet without the columns: %d", res.StatusCode)
		}
		if res := upload("SKU码,数量\n" + skuX + ",1000\n\n" + skuY + ",200\n"); res.StatusCode != 303 {
			t.Fatalf("good sheet: %d %s", res.StatusCode, res.Body)
		}
		if n := countRows(t, d, `SELECT COUNT(*) FROM cart_items`); n != 2 {
			t.Fatalf("%d cart items, want 2", n)
		}
	})
}
