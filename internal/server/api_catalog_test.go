package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// boltJSON is a product with two SKUs and price tiers as an API client sends it; bad
// replaces the second SKU's tiers.
func boltJSON(cat string, publish bool, tiers1 string) string {
	if tiers1 == "" {
		tiers1 = `[{"qty":"5","price":"2.10"},{"qty":"50","price":"1.9875"}]`
	}
	pub := "false"
	if publish {
		pub = "true"
	}
	return `{"category_id":"` + cat + `","name":"外六角螺栓","model":"GB/T 5782","description":"API 上架",
		"skus":[
			{"code":"X-API-M8","spec":{"thread":"M8"},"unit":"千件","stock":"100","tiers":[{"qty":"10","price":"1.25"},{"qty":"100","price":"1.1"}]},
			{"code":"X-API-M10","spec":{"thread":"M10"},"unit":"千件","moq":"5","multiple":"5","stock":"20","weight_g":"32000","volume_cm3":"4500","tiers":` + tiers1 + `}
		],"publish":` + pub + `}`
}

// TestCatalogAPI: supplierx creates and publishes a product through the API (and a
// replayed Idempotency-Key creates nothing more); a bad tier order names its field;
// suppliery cannot reach the product and buyers cannot reach the API; ops ban it off
// its public page.
func TestCatalogAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		cat := scalar(t, d, `SELECT CAST(id AS TEXT) FROM categories WHERE code = 'fasteners'`)
		thread := scalar(t, d, `SELECT CAST(id AS TEXT) FROM attributes WHERE code = 'thread'`)
		ops := e.Login("ops")
		res := ops.PostForm("/admin/categories/"+cat+"/attributes/"+thread, url.Values{"action": {"save"}, "code": {"thread"}, "name_zh": {"螺纹规格"},
			"name_en": {"Thread"}, "kind": {"enum"}, "options": {"M6\nM8\nM10"}, "sales": {"1"}, "filterable": {"1"}, "required": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit thread: %d %s", res.StatusCode, res.Body)
		}

		sx := e.Login("supplierx")
		res = sx.JSON("GET", "/api/v1/categories/"+cat+"/template", "")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"code":"thread"`) || !strings.Contains(res.Body, `"options":["M6","M8","M10"]`) || !strings.Contains(res.Body, `"sales":true`) {
			t.Fatalf("template: %d %s", res.StatusCode, res.Body)
		}
		if res := sx.JSON("GET", "/api/v1/categories/"+e.Products["supplierX"]+"/template", ""); res.StatusCode != 404 {
			t.Fatalf("template of an unknown category: %d %s", res.StatusCode, res.Body)
		}
		products := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM products`)

		// A bad tier order is refused, naming the field, and stores nothing.
		res = sx.JSON("POST", "/api/v1/supplier/products", boltJSON(cat, true, `[{"qty":"50","price":"2.10"},{"qty":"5","price":"1.9875"}]`))
		if res.StatusCode != 422 || !strings.Contains(res.Body, `"skus[1].tiers[1].qty"`) {
			t.Fatalf("bad tier order: %d %s", res.StatusCode, res.Body)
		}
		// Parameter codes outside the template are refused rather than dropped.
		if res := sx.JSON("POST", "/api/v1/supplier/products", strings.Replace(boltJSON(cat, false, ""), `"name":`, `"attrs":{"colour":"黑"},"name":`, 1)); res.StatusCode != 422 || !strings.Contains(res.Body, `"attr.colour"`) {
			t.Fatalf("unknown attribute: %d %s", res.StatusCode, res.Body)
		}
		// A bad volume is refused, naming the field.
		if res := sx.JSON("POST", "/api/v1/supplier/products", strings.Replace(boltJSON(cat, false, ""), `"volume_cm3":"4500"`, `"volume_cm3":"-1"`, 1)); res.StatusCode != 422 || !strings.Contains(res.Body, `"skus[1].volume_cm3"`) {
			t.Fatalf("negative volume: %d %s", res.StatusCode, res.Body)
		}
		// Numbers are strings.
		if res := sx.JSON("POST", "/api/v1/supplier/products", strings.Replace(boltJSON(cat, false, ""), `"stock":"20"`, `"stock":20`, 1)); res.StatusCode != 422 {
			t.Fatalf("numeric stock: %d %s", res.StatusCode, res.Body)
		}
		if got := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM products`); got != products {
			t.Fatal("a refused product was stored")
		}

		// Create and publish, with an Idempotency-Key; the replay answers the same product.
		res = sx.JSON("POST", "/api/v1/supplier/products", boltJSON(cat, true, ""), "Idempotency-Key", "api-catalog-create-1")
		var p struct {
			ID      string
			Status  string
			Version int64
			SKUs    []struct {
				Code  string
				MOQ   int64
				Tiers []struct {
					Qty   int64
					Price string
				}
			}
		}
		if res.StatusCode != 201 || json.Unmarshal([]byte(res.Body), &p) != nil || p.ID == "" || p.Status != "on_sale" || len(p.SKUs) != 2 {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		again := sx.JSON("POST", "/api/v1/supplier/products", boltJSON(cat, true, ""), "Idempotency-Key", "api-catalog-create-1")
		if again.StatusCode != 201 || !strings.Contains(again.Body, `"id":"`+p.ID+`"`) {
			t.Fatalf("replay: %d %s", again.StatusCode, again.Body)
		}
		if got := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM products`); got != strconv.Itoa(mustAtoi(t, products)+1) {
			t.Fatalf("%s products after a create and its replay, had %s", got, products)
		}
		res = sx.JSON("GET", "/api/v1/supplier/products/"+p.ID, "")
		for _, want := range []string{`"code":"X-API-M8"`, `"code":"X-API-M10"`, `"spec":{"thread":"M10"}`, `"price":"1.9875"`, `"price":"1.10"`, `"moq":10`, `"version":`,
			`"weight_g":32000,"volume_cm3":4500`, `"weight_g":0,"volume_cm3":0`} {
			if res.StatusCode != 200 || !strings.Contains(res.Body, want) {
				t.Fatalf("get lacks %s: %d %s", want, res.StatusCode, res.Body)
			}
		}
		if res := sx.JSON("GET", "/api/v1/supplier/products?status=on_sale&page=1", ""); res.StatusCode != 200 || !strings.Contains(res.Body, p.ID) {
			t.Fatalf("list: %d %s", res.StatusCode, res.Body)
		}
		if res := sx.JSON("GET", "/api/v1/supplier/products?status=bogus", ""); res.StatusCode != 422 || !strings.Contains(res.Body, `"status"`) {
			t.Fatalf("list with a bad status: %d %s", res.StatusCode, res.Body)
		}
		if pub := e.NewClient().Get("/p/" + p.ID); pub.StatusCode != 200 || !strings.Contains(pub.Body, "X-API-M10") {
			t.Fatalf("product page: %d", pub.StatusCode)
		}

		// suppliery cannot see or change it; buyers cannot reach the supplier API.
		sy := e.Login("suppliery")
		if res := sy.JSON("GET", "/api/v1/supplier/products/"+p.ID, ""); res.StatusCode != 404 {
			t.Fatalf("suppliery reads supplierx's product: %d", res.StatusCode)
		}
		upd := strings.Replace(boltJSON(cat, false, ""), "{", `{"version":`+strconv.FormatInt(p.Version, 10)+`,`, 1)
		if res := sy.JSON("PUT", "/api/v1/supplier/products/"+p.ID, upd); res.StatusCode != 404 {
			t.Fatalf("suppliery updates supplierx's product: %d %s", res.StatusCode, res.Body)
		}
		if res := sy.JSON("POST", "/api/v1/supplier/products/"+p.ID+"/off-sale", ""); res.StatusCode != 404 {
			t.Fatalf("suppliery takes supplierx's product off sale: %d", res.StatusCode)
		}
		if strings.Contains(sy.JSON("GET", "/api/v1/supplier/products", "").Body, p.ID) {
			t.Fatal("suppliery lists supplierx's product")
		}
		buyer := e.Login("buyera")
		if res := buyer.JSON("GET", "/api/v1/supplier/products", ""); res.StatusCode != 403 {
			t.Fatalf("buyer lists products: %d", res.StatusCode)
		}
		if res := buyer.JSON("POST", "/api/v1/supplier/products", boltJSON(cat, false, "")); res.StatusCode != 403 {
			t.Fatalf("buyer creates a product: %d", res.StatusCode)
		}

		// The supplier updates it with its version; a stale version is refused.
		res = sx.JSON("PUT", "/api/v1/supplier/products/"+p.ID, strings.Replace(upd, `"stock":"20"`, `"stock":"30"`, 1))
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"stock":30`) || !strings.Contains(res.Body, `"version":`+strconv.FormatInt(p.Version+1, 10)) {
			t.Fatalf("update: %d %s", res.StatusCode, res.Body)
		}
		if res := sx.JSON("PUT", "/api/v1/supplier/products/"+p.ID, upd); res.StatusCode != 409 {
			t.Fatalf("stale update: %d %s", res.StatusCode, res.Body)
		}
		if res := sx.JSON("POST", "/api/v1/supplier/products/"+p.ID+"/off-sale", ""); res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"off_sale"`) {
			t.Fatalf("off sale: %d %s", res.StatusCode, res.Body)
		}
		if res := sx.JSON("POST", "/api/v1/supplier/products/"+p.ID+"/on-sale", ""); res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"on_sale"`) {
			t.Fatalf("on sale: %d %s", res.StatusCode, res.Body)
		}

		// Only ops moderate; a ban needs a reason and takes the product off its page.
		if res := sx.JSON("POST", "/api/v1/admin/products/"+p.ID+"/moderate", `{"action":"ban","reason":"自己封"}`); res.StatusCode != 403 {
			t.Fatalf("supplier moderates: %d", res.StatusCode)
		}
		if res := ops.JSON("POST", "/api/v1/admin/products/"+p.ID+"/moderate", `{"action":"ban"}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"reason"`) {
			t.Fatalf("ban without a reason: %d %s", res.StatusCode, res.Body)
		}
		if res := ops.JSON("POST", "/api/v1/admin/products/"+p.ID+"/moderate", `{"action":"smite","reason":"参数与实物不符"}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"action"`) {
			t.Fatalf("unknown action: %d %s", res.StatusCode, res.Body)
		}
		res = ops.JSON("POST", "/api/v1/admin/products/"+p.ID+"/moderate", `{"action":"ban","reason":"参数与实物不符"}`)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"banned"`) || !strings.Contains(res.Body, "参数与实物不符") {
			t.Fatalf("ban: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/p/" + p.ID).StatusCode; got != http.StatusNotFound {
			t.Fatalf("banned product page: %d", got)
		}
		if res := sx.JSON("POST", "/api/v1/supplier/products/"+p.ID+"/on-sale", ""); res.StatusCode != 409 {
			t.Fatalf("banned product back on sale: %d %s", res.StatusCode, res.Body)
		}
	})
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
