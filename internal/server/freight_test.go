package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestFreightTemplates(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		x := e.Login("supplierx")
		if res := x.Get("/seller/freight/new"); res.StatusCode != 200 {
			t.Fatalf("new form: %d", res.StatusCode)
		}
		bad := url.Values{"name": {""}, "basis": {"volume"}, "rules[0].first": {"-1"}, "rules[1].provinces": {"99"}, "rules[1].first": {"1"}}
		res := x.PostForm("/seller/freight/new", bad)
		if res.StatusCode != 422 || !strings.Contains(res.Body, "未知省份") || !strings.Contains(res.Body, "请选择计费方式") {
			t.Fatalf("bad template: %d", res.StatusCode)
		}
		good := url.Values{"name": {"华东包邮"}, "basis": {"weight"}, "free_above": {"500"}, "excluded": {"54"},
			"rules[0].first": {"1"}, "rules[0].first_fee": {"12"}, "rules[0].add": {"1"}, "rules[0].add_fee": {"5"},
			"rules[1].provinces": {"31", "32", "33"}, "rules[1].first": {"3"}, "rules[1].first_fee": {"8"}, "rules[1].add": {"2"}, "rules[1].add_fee": {"3"}}
		res = x.PostForm("/seller/freight/new", good)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good template: %d %s", res.StatusCode, res.Body)
		}
		loc := res.Header.Get("Location")
		if page := x.Get(loc); !strings.Contains(page.Body, "华东包邮") || !strings.Contains(page.Body, "500.00") {
			t.Fatal("saved template not shown")
		}
		if got := e.Login("suppliery").Get(loc).StatusCode; got != 404 {
			t.Fatalf("another supplier opens the template: %d", got)
		}
		if got := e.Login("suppliery").PostForm(loc, good).StatusCode; got != 404 {
			t.Fatalf("another supplier overwrites the template: %d", got)
		}
		if list := x.Get("/seller/freight"); !strings.Contains(list.Body, "华东包邮") {
			t.Fatal("list lacks the template")
		}
		// Attach it to a product: the product page quotes freight by province.
		tid := strings.TrimPrefix(loc, "/seller/freight/")
		pid := e.Products["supplierX"]
		if got := e.Login("suppliery").PostForm("/seller/catalog/"+pid+"/freight", url.Values{"freight": {""}}).StatusCode; got != 404 {
			t.Fatalf("another supplier assigns freight: %d", got)
		}
		if res := x.PostForm("/seller/catalog/"+pid+"/freight", url.Values{"freight": {tid}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("assign: %d %s", res.StatusCode, res.Body)
		}
		// The fixture SKU: MOQ 100 at ¥0.15, weight 0 → 0 kg: the first-weight fee applies.
		if page := e.NewClient().Get("/p/" + pid + "?to=11"); !strings.Contains(page.Body, "¥12.00") {
			t.Fatal("no freight estimate for Beijing")
		}
		if page := e.NewClient().Get("/p/" + pid + "?to=33"); !strings.Contains(page.Body, "¥8.00") {
			t.Fatal("no freight estimate for Zhejiang")
		}
		if page := e.NewClient().Get("/p/" + pid + "?to=54"); !strings.Contains(page.Body, "该地区暂不配送") {
			t.Fatal("excluded region not said")
		}
	})
}
