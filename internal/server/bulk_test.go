package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestBulkPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		x := e.Login("supplierx")
		var cat string
		d.QueryRow(t.Context(), `SELECT id FROM categories WHERE code = 'fasteners'`).Scan(&cat)
		if res := x.Get("/seller/bulk"); res.StatusCode != 200 {
			t.Fatalf("bulk page: %d", res.StatusCode)
		}
		tpl := x.Get("/seller/bulk/template?category=" + cat)
		if tpl.StatusCode != 200 || !strings.HasPrefix(tpl.Body, "PK") || !strings.Contains(tpl.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("template: %d %v", tpl.StatusCode, tpl.Header)
		}
		exp := x.Get("/seller/bulk/export?format=csv&category=" + cat)
		if exp.StatusCode != 200 || !strings.Contains(exp.Body, "BOLT-M8") || !strings.Contains(exp.Body, "单位重量(克),单位体积(立方厘米)") {
			t.Fatalf("export: %d %s", exp.StatusCode, exp.Body)
		}
		if strings.Contains(e.Login("suppliery").Get("/seller/bulk/export?format=csv&category="+cat).Body, e.Products["supplierX"]) {
			t.Fatal("export crosses suppliers")
		}
		// A PNG posing as a sheet, and a sheet with a bad row, are reported without a 500.
		body, ctype := servertest.Multipart(url.Values{"category": {cat}}, map[string]struct {
			Name string
			Data []byte
		}{"file": {"products.xlsx", servertest.PNG()}})
		if res := x.Do("POST", "/seller/bulk/import", ctype, body); res.StatusCode != 422 {
			t.Fatalf("PNG import: %d", res.StatusCode)
		}
		bad := strings.Replace(exp.Body, "BOLT-M8", "BOLT-NEW", 1)
		bad = strings.Replace(bad, "0.15", "zero", 1)
		body, ctype = servertest.Multipart(url.Values{"category": {cat}, "publish": {"1"}}, map[string]struct {
			Name string
			Data []byte
		}{"file": {"products.csv", []byte(bad)}})
		res := x.Do("POST", "/seller/bulk/import", ctype, body)
		if res.StatusCode != 422 || !strings.Contains(res.Body, "阶梯1单价") {
			t.Fatalf("bad import: %d", res.StatusCode)
		}
		if got := e.Login("buyera").Get("/seller/bulk").StatusCode; got != 404 {
			t.Fatalf("buyer opens bulk: %d", got)
		}
	})
}
