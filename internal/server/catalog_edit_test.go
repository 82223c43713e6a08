package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func scalar(t *testing.T, d *db.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := d.QueryRow(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// boltForm is the product form as supplierx fills it in: two SKUs with tiers and a
// blank third row.
func boltForm(cat string) url.Values {
	return url.Values{
		"category": {cat}, "version": {""}, "brand": {""}, "name": {"外六角螺栓"}, "model": {"GB/T 5782"}, "title": {""}, "description": {"8.8级高强度"},
		"attr.grade": {"8.8级"},
		"skus[0].id": {""}, "skus[0].code": {"X-HB-M8-40"}, "skus[0].spec.thread": {"M8"}, "skus[0].spec.length": {"40"}, "skus[0].unit": {"千件"},
		"skus[0].moq": {""}, "skus[0].multiple": {""}, "skus[0].stock": {"100"}, "skus[0].weight_g": {""}, "skus[0].volume_cm3": {""},
		"skus[0].tiers[0].qty": {"10"}, "skus[0].tiers[0].price": {"125"}, "skus[0].tiers[1].qty": {"100"}, "skus[0].tiers[1].price": {"118.5"},
		"skus[0].tiers[2].qty": {""}, "skus[0].tiers[2].price": {""},
		"skus[1].id": {""}, "skus[1].code": {"X-HB-M10-50"}, "skus[1].spec.thread": {"M10"}, "skus[1].spec.length": {"5cm"}, "skus[1].unit": {"千件"},
		"skus[1].moq": {"5"}, "skus[1].multiple": {"5"}, "skus[1].stock": {"20"}, "skus[1].weight_g": {"32000"}, "skus[1].volume_cm3": {"4500"},
		"skus[1].tiers[0].qty": {"5"}, "skus[1].tiers[0].price": {"210"}, "skus[1].tiers[1].qty": {"50"}, "skus[1].tiers[1].price": {"199.0125"},
		"skus[2].id": {""}, "skus[2].code": {""}, "skus[2].spec.thread": {""}, "skus[2].spec.length": {""}, "skus[2].unit": {""},
		"skus[2].tiers[0].qty": {""}, "skus[2].tiers[0].price": {""},
		"action": {"publish"},
	}
}

// TestCatalogEditThroughPages: ops shape the fasteners template, supplierx publishes a
// product with two SKUs and tiers through the form and it shows on its page; a bad
// submission names its field and stores nothing; suppliery cannot reach supplierx's
// product; ops ban and unban it.
func TestCatalogEditThroughPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		cat := scalar(t, d, `SELECT CAST(id AS TEXT) FROM categories WHERE code = 'fasteners'`)
		thread := scalar(t, d, `SELECT CAST(id AS TEXT) FROM attributes WHERE code = 'thread'`)

		// Only ops and admins reach the template editor.
		for _, u := range []string{"kefu", "supplierx", "buyera"} {
			if got := e.Login(u).Get("/admin/categories").StatusCode; got != http.StatusNotFound {
				t.Fatalf("%s reaches the category console: %d", u, got)
			}
		}
		ops := e.Login("ops")
		if res := ops.Get("/admin/categories"); res.StatusCode != 200 || !strings.Contains(res.Body, "紧固件") || !strings.Contains(res.Body, `href="/admin/categories"`) {
			t.Fatalf("category console: %d", res.StatusCode)
		}
		// The thread enum gets its options; length and grade are added.
		res := ops.PostForm("/admin/categories/"+cat+"/attributes/"+thread, url.Values{"action": {"save"}, "code": {"thread"}, "name_zh": {"螺纹规格"},
			"name_en": {"Thread"}, "kind": {"enum"}, "options": {"M6\nM8\nM10"}, "sales": {"1"}, "filterable": {"1"}, "required": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit thread: %d %s", res.StatusCode, res.Body)
		}
		res = ops.PostForm("/admin/categories/"+cat+"/attributes", url.Values{"code": {"length"}, "name_zh": {"长度"}, "name_en": {"Length"},
			"kind": {"number"}, "unit": {"mm"}, "sales": {"1"}, "filterable": {"1"}, "required": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add length: %d %s", res.StatusCode, res.Body)
		}
		res = ops.PostForm("/admin/categories/"+cat+"/attributes", url.Values{"code": {"grade"}, "name_zh": {"性能等级"}, "kind": {"enum"},
			"options": {"4.8级、8.8级、10.9级"}, "required": {"1"}, "filterable": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add grade: %d %s", res.StatusCode, res.Body)
		}
		// A bad attribute is named on its field, in its own form.
		res = ops.PostForm("/admin/categories/"+cat+"/attributes", url.Values{"code": {"pitch"}, "name_zh": {"螺距"}, "kind": {"number"}, "unit": {"furlong"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `data-field="unit"`) || !strings.Contains(res.Body, "无法识别单位「furlong」") {
			t.Fatalf("bad unit: %d", res.StatusCode)
		}
		// The fixture products use thread: it cannot be removed, and the page says which.
		res = ops.PostForm("/admin/categories/"+cat+"/attributes/"+thread, url.Values{"action": {"remove"}})
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "参数「螺纹规格」已有商品在用，不能删除") {
			t.Fatalf("remove thread in use: %d", res.StatusCode)
		}
		page := ops.Get("/admin/categories/" + cat)
		for _, want := range []string{"长度", "性能等级", "M6\nM8\nM10", `value="mm" selected`} {
			if !strings.Contains(page.Body, want) {
				t.Fatalf("template page lacks %q", want)
			}
		}

		// supplierx publishes through the form.
		sx := e.Login("supplierx")
		form := sx.Get("/seller/catalog/new?category=" + cat)
		if form.StatusCode != 200 || !strings.Contains(form.Body, `name="skus[0].spec.length"`) || !strings.Contains(form.Body, "长度 <small>(mm)</small>") ||
			!strings.Contains(form.Body, `name="attr.grade"`) || !strings.Contains(form.Body, `href="/seller/catalog"`) {
			t.Fatalf("product form: %d", form.StatusCode)
		}
		products, skus := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM products`), scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM skus`)

		// A bad submission: the page comes back naming the field, with what was typed.
		bad := boltForm(cat)
		bad.Set("skus[1].tiers[1].price", "220")
		bad.Set("skus[0].code", "X-HB-M10-50")
		bad.Set("skus[0].volume_cm3", "-3")
		res = sx.PostForm("/seller/catalog/new", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad product: %d", res.StatusCode)
		}
		for _, want := range []string{`data-field="skus[1].tiers[1].price"`, "单价 220.00 高于上一档的 210.00", `value="220"`,
			`data-field="skus[1].code"`, "编码 X-HB-M10-50 与第 1 行重复", `href="#skus%5b1%5d.tiers%5b1%5d.price"`,
			`data-field="skus[0].volume_cm3"`, `value="-3"`, "SKU 第 1 行 · 单位体积（立方厘米）：体积请填写 0 到 1000000000 之间的整数（立方厘米）",
			`href="#skus%5b0%5d.volume_cm3"`} {
			if !strings.Contains(res.Body, want) {
				t.Fatalf("bad product page lacks %q", want)
			}
		}
		if scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM products`) != products || scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM skus`) != skus {
			t.Fatal("a refused product was stored")
		}
		// "More rows" re-shows the form with extra rows and stores nothing.
		more := boltForm(cat)
		more.Set("action", "more")
		if res = sx.PostForm("/seller/catalog/new", more); res.StatusCode != 200 || !strings.Contains(res.Body, `name="skus[7].code"`) {
			t.Fatalf("more rows: %d", res.StatusCode)
		}

		res = sx.PostForm("/seller/catalog/new", boltForm(cat))
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/seller/catalog/") {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
		}
		id := strings.TrimPrefix(res.Header.Get("Location"), "/seller/catalog/")
		edit := sx.Get("/seller/catalog/" + id)
		for _, want := range []string{"8.8级 外六角螺栓", "标题缺少品牌", `value="X-HB-M10-50"`, `value="50mm"`, `value="199.0125"`, "商品已上架",
			`volume_cm3" value="4500"`, `weight_g" value="32000"`} {
			if !strings.Contains(edit.Body, want) {
				t.Fatalf("edit page lacks %q", want)
			}
		}
		pub := e.NewClient().Get("/p/" + id)
		if pub.StatusCode != 200 {
			t.Fatalf("product page: %d", pub.StatusCode)
		}
		for _, want := range []string{"8.8级 外六角螺栓", "X-HB-M8-40", "X-HB-M10-50", "50mm", "¥199.0125", "¥118.50", "8.8级",
			"单位重量 / 体积", "32,000 g", "4,500 cm³"} {
			if !strings.Contains(pub.Body, want) {
				t.Fatalf("product page lacks %q", want)
			}
		}
		if v := scalar(t, d, `SELECT CAST(volume_cm3 AS TEXT) FROM skus WHERE code = 'X-HB-M10-50'`); v != "4500" {
			t.Fatalf("volume stored as %s", v)
		}
		// A product whose SKUs have neither weight nor volume shows no such column.
		if fix := e.NewClient().Get("/p/" + e.Products["supplierX"]); fix.StatusCode != 200 || strings.Contains(fix.Body, "单位重量 / 体积") || strings.Contains(fix.Body, "cm³") {
			t.Fatalf("fixture product page: %d, shows weight / volume", fix.StatusCode)
		}
		if n := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM sku_price_history WHERE product_id = ?`, id); n != "2" {
			t.Fatalf("%s price history rows", n)
		}
		list := sx.Get("/seller/catalog?status=on_sale")
		if !strings.Contains(list.Body, "8.8级 外六角螺栓") || !strings.Contains(list.Body, "/seller/catalog/"+id+"/shelf") {
			t.Fatal("the list lacks the product")
		}

		// suppliery can neither see nor change supplierx's product.
		sy := e.Login("suppliery")
		if got := sy.Get("/seller/catalog/" + id).StatusCode; got != http.StatusNotFound {
			t.Fatalf("suppliery opens supplierx's product: %d", got)
		}
		upd := boltForm(cat)
		upd.Set("version", "1")
		if got := sy.PostForm("/seller/catalog/"+id, upd).StatusCode; got != http.StatusNotFound {
			t.Fatalf("suppliery saves supplierx's product: %d", got)
		}
		if got := sy.PostForm("/seller/catalog/"+id+"/shelf", url.Values{"on": {"0"}}).StatusCode; got != http.StatusNotFound {
			t.Fatalf("suppliery takes supplierx's product off sale: %d", got)
		}
		if strings.Contains(sy.Get("/seller/catalog").Body, "X-HB") || strings.Contains(sy.Get("/seller/catalog").Body, id) {
			t.Fatal("suppliery lists supplierx's product")
		}

		// The supplier edits tiers: a price-history row; then takes it off sale and back.
		upd = boltForm(cat)
		upd.Set("version", "1")
		upd.Set("action", "save")
		upd.Set("skus[0].tiers[2].qty", "1000")
		upd.Set("skus[0].tiers[2].price", "99")
		if res := sx.PostForm("/seller/catalog/"+id, upd); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %s", res.StatusCode, res.Body)
		}
		if n := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM sku_price_history WHERE product_id = ?`, id); n != "3" {
			t.Fatalf("%s price history rows after the edit", n)
		}
		if res := sx.PostForm("/seller/catalog/"+id, upd); res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "请刷新后重试") {
			t.Fatalf("stale save: %d", res.StatusCode)
		}
		// An order takes 30 units while the supplier has the form open: saving the form as
		// shown keeps them taken, and a change moves the stock by the difference.
		sku := scalar(t, d, `SELECT CAST(id AS TEXT) FROM skus WHERE product_id = ? AND code = 'X-HB-M8-40'`, id)
		if page := sx.Get("/seller/catalog/" + id); !strings.Contains(page.Body, `stock_was" value="100"`) {
			t.Error("the editor does not carry the stock it showed")
		}
		if ok, err := e.Store.ReserveStock(context.Background(), sku, 30); err != nil || !ok {
			t.Fatalf("reserve: %v %v", ok, err)
		}
		upd.Set("version", "2")
		upd.Set("skus[0].id", sku)
		upd.Set("skus[0].stock_was", "100")
		if res := sx.PostForm("/seller/catalog/"+id, upd); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save with an order in between: %d", res.StatusCode)
		}
		if got := scalar(t, d, `SELECT CAST(stock AS TEXT) FROM skus WHERE id = ?`, sku); got != "70" {
			t.Errorf("stock after saving the form as shown: %s, want 70 (the order's 30 stay taken)", got)
		}
		upd.Set("version", "3")
		upd.Set("skus[0].stock", "150")
		if res := sx.PostForm("/seller/catalog/"+id, upd); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save with more stock: %d", res.StatusCode)
		}
		if got := scalar(t, d, `SELECT CAST(stock AS TEXT) FROM skus WHERE id = ?`, sku); got != "120" {
			t.Errorf("stock after adding 50: %s, want 120", got)
		}
		upd.Set("skus[0].stock", "100")
		upd.Del("skus[0].stock_was")
		if res := sx.PostForm("/seller/catalog/"+id+"/shelf", url.Values{"on": {"0"}, "back": {"/seller/catalog"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("off sale: %d", res.StatusCode)
		}
		if got := e.NewClient().Get("/p/" + id).StatusCode; got != http.StatusNotFound {
			t.Fatalf("off-sale product page: %d", got)
		}
		if res := sx.PostForm("/seller/catalog/"+id+"/shelf", url.Values{"on": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("on sale: %d", res.StatusCode)
		}

		// Ops ban it with a reason and lift the ban.
		if res := ops.PostForm("/admin/catalog/products/"+id, url.Values{"action": {"ban"}, "reason": {"参数与实物不符"}, "back": {"/admin/categories/" + cat}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("ban: %d %s", res.StatusCode, res.Body)
		}
		if got := e.NewClient().Get("/p/" + id).StatusCode; got != http.StatusNotFound {
			t.Fatalf("banned product page: %d", got)
		}
		if body := sx.Get("/seller/catalog/" + id).Body; !strings.Contains(body, "参数与实物不符") {
			t.Fatal("the supplier does not see the ban reason")
		}
		if res := sx.PostForm("/admin/catalog/products/"+id, url.Values{"action": {"unban"}}); res.StatusCode != http.StatusNotFound {
			t.Fatalf("supplier lifts a ban: %d", res.StatusCode)
		}
		if res := ops.PostForm("/admin/catalog/products/"+id, url.Values{"action": {"unban"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unban: %d", res.StatusCode)
		}
		if st := scalar(t, d, `SELECT status FROM products WHERE id = ?`, id); st != "off_sale" {
			t.Fatalf("after unban: %s", st)
		}
		if n := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM product_events WHERE product_id = ?`, id); n != "5" {
			t.Fatalf("%s product events", n)
		}
	})
}

// TestCategoryConsole: ops create a subcategory that needs review, a product filed there
// waits in the review queue, and approval puts it on sale.
func TestCategoryConsole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ops := e.Login("admin")
		res := ops.PostForm("/admin/categories", url.Values{"parent_id": {""}, "code": {"valves"}, "name_zh": {"阀门"}, "name_en": {"Valves"}, "needs_review": {"1"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		valves := strings.TrimPrefix(res.Header.Get("Location"), "/admin/categories/")
		res = ops.PostForm("/admin/categories", url.Values{"parent_id": {valves}, "code": {"valves"}, "name_zh": {"球阀"}})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "类目代码 valves 已被使用") {
			t.Fatalf("duplicate code: %d", res.StatusCode)
		}
		res = ops.PostForm("/admin/categories", url.Values{"parent_id": {valves}, "code": {"ball-valves"}, "name_zh": {"球阀"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create child: %d", res.StatusCode)
		}
		ball := strings.TrimPrefix(res.Header.Get("Location"), "/admin/categories/")
		if res := ops.PostForm("/admin/categories/"+ball+"/attributes", url.Values{"code": {"pn"}, "name_zh": {"公称压力"}, "kind": {"number"}, "unit": {"MPa"}, "required": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add pn: %d", res.StatusCode)
		}
		sx := e.Login("supplierx")
		form := url.Values{"category": {ball}, "name": {"不锈钢球阀"}, "attr.pn": {"16bar"}, "skus[0].code": {"BV-25"}, "skus[0].unit": {"台"},
			"skus[0].tiers[0].qty": {"1"}, "skus[0].tiers[0].price": {"180"}, "action": {"publish"}}
		res = sx.PostForm("/seller/catalog/new", form)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
		}
		id := strings.TrimPrefix(res.Header.Get("Location"), "/seller/catalog/")
		if st := scalar(t, d, `SELECT status FROM products WHERE id = ?`, id); st != "submitted" {
			t.Fatalf("status %s", st)
		}
		if q := ops.Get("/admin/categories"); !strings.Contains(q.Body, "不锈钢球阀") {
			t.Fatal("the review queue lacks the product")
		}
		if res := ops.PostForm("/admin/catalog/products/"+id, url.Values{"action": {"approve"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d", res.StatusCode)
		}
		if pub := e.NewClient().Get("/p/" + id); pub.StatusCode != 200 || !strings.Contains(pub.Body, "1.6MPa") {
			t.Fatalf("approved product page: %d", pub.StatusCode)
		}
		// Renaming the parent's code rewrites the child's path.
		if res := ops.PostForm("/admin/categories/"+valves, url.Values{"action": {"save"}, "code": {"valve"}, "name_zh": {"阀门"}, "needs_review": {"1"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rename: %d", res.StatusCode)
		}
		if p := scalar(t, d, `SELECT path FROM categories WHERE id = ?`, ball); p != "/valve/ball-valves/" {
			t.Fatalf("child path %s", p)
		}
	})
}
