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

func TestStoreDecorationAndTakedown(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		x := e.Login("supplierx")
		xid := e.Orgs["supplierX"].ID
		if res := x.Get("/seller/store"); res.StatusCode != 200 {
			t.Fatalf("editor: %d", res.StatusCode)
		}
		if res := x.PostForm("/seller/store/profile", url.Values{"version": {"0"}, "name": {"X紧固件旗舰店"}, "qq": {"12"}, "intro": {"二十年专注紧固件"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "QQ 号应为 5–12 位数字") {
			t.Fatalf("bad QQ: %d", res.StatusCode)
		}
		if res := x.PostForm("/seller/store/profile", url.Values{"version": {"0"}, "name": {"X紧固件旗舰店"}, "qq": {"123456"}, "intro": {"二十年专注紧固件"}, "capability": {"冷镦机 40 台"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("profile: %d %s", res.StatusCode, res.Body)
		}
		// Add a banner and a featured module (the form adds one kind at a time).
		if res := x.PostForm("/seller/store/modules", url.Values{"version": {"1"}, "new_kind": {"banner"}, "then": {"save"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add banner: %d %s", res.StatusCode, res.Body)
		}
		if res := x.PostForm("/seller/store/modules", url.Values{"version": {"2"}, "modules[0].kind": {"banner"}, "modules[0].title": {"源头工厂 品质保障"},
			"modules[0].text": {"8.8级高强度螺栓现货"}, "new_kind": {"featured"}, "then": {"save"}}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("featured without products must be refused: %d", res.StatusCode)
		}
		form := url.Values{"version": {"2"}, "modules[0].kind": {"banner"}, "modules[0].title": {"源头工厂 品质保障"}, "modules[0].text": {"8.8级高强度螺栓现货"},
			"modules[1].kind": {"featured"}, "modules[1].title": {"热卖推荐"}, "modules[1].products": {e.Products["supplierY"]}, "then": {"publish"}}
		if res := x.PostForm("/seller/store/modules", form); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "只能选择本店在售商品") {
			t.Fatalf("featuring another supplier's product: %d", res.StatusCode)
		}
		form.Set("modules[1].products", e.Products["supplierX"])
		if res := x.PostForm("/seller/store/modules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
		}
		// A banner picture: an executable is refused, a PNG shows on the store.
		var draft string
		d.QueryRow(t.Context(), `SELECT draft_modules FROM stores WHERE org_id = ?`, xid).Scan(&draft)
		j := strings.Index(draft, `"id":"`)
		bannerID := draft[j+6 : j+6+36]
		var ver string
		d.QueryRow(t.Context(), `SELECT CAST(version AS TEXT) FROM stores WHERE org_id = ?`, xid).Scan(&ver)
		mod := url.Values{"version": {ver}, "modules[0].id": {bannerID}, "modules[0].kind": {"banner"}, "modules[0].title": {"源头工厂 品质保障"},
			"modules[0].text": {"8.8级高强度螺栓现货"}, "modules[1].kind": {"featured"}, "modules[1].title": {"热卖推荐"}, "modules[1].products": {e.Products["supplierX"]},
			"modules[1].id": {draft[strings.LastIndex(draft, `"id":"`)+6 : strings.LastIndex(draft, `"id":"`)+6+36]}, "then": {"publish"}}
		body, ctype := servertest.Multipart(mod, map[string]struct {
			Name string
			Data []byte
		}{"modules[0].image_file": {"banner.png", append([]byte("\x7fELF\x02\x01"), make([]byte, 64)...)}})
		if res := x.Do("POST", "/seller/store/modules", ctype, body); res.StatusCode != 422 {
			t.Fatalf("executable banner: %d", res.StatusCode)
		}
		body, ctype = servertest.Multipart(mod, map[string]struct {
			Name string
			Data []byte
		}{"modules[0].image_file": {"banner.png", servertest.PNG()}})
		if res := x.Do("POST", "/seller/store/modules", ctype, body); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("banner picture: %d %s", res.StatusCode, res.Body)
		}
		pub := e.NewClient().Get("/store/" + xid)
		if !strings.Contains(pub.Body, `class="bannerimg"`) {
			t.Error("store page lacks the banner picture")
		}
		// A logo with the profile.
		d.QueryRow(t.Context(), `SELECT CAST(version AS TEXT) FROM stores WHERE org_id = ?`, xid).Scan(&ver)
		body, ctype = servertest.Multipart(url.Values{"version": {ver}, "name": {"X紧固件旗舰店"}, "capability": {"冷镦机 40 台"}}, map[string]struct {
			Name string
			Data []byte
		}{"logo_file": {"logo.png", servertest.PNG()}})
		if res := x.Do("POST", "/seller/store/profile", ctype, body); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("logo: %d %s", res.StatusCode, res.Body)
		}
		pub = e.NewClient().Get("/store/" + xid)
		if !strings.Contains(pub.Body, `class="logoimg"`) {
			t.Error("store page lacks the logo")
		}
		for _, want := range []string{"X紧固件旗舰店", "源头工厂 品质保障", "热卖推荐", "/p/" + e.Products["supplierX"], "营业执照信息", "冷镦机 40 台"} {
			if !strings.Contains(pub.Body, want) {
				t.Errorf("store page lacks %q", want)
			}
		}
		if strings.Contains(pub.Body, e.Products["supplierY"]) {
			t.Error("store page shows another supplier's product")
		}
		// Search inside the store finds only this store's products.
		if res := e.NewClient().Get("/store/" + xid + "?q=螺栓"); !strings.Contains(res.Body, e.Products["supplierX"]) || strings.Contains(res.Body, e.Products["supplierY"]) {
			t.Error("store search crosses stores")
		}
		if got := e.Login("buyera").Get("/seller/store").StatusCode; got != 404 {
			t.Errorf("buyer opens the store editor: %d", got)
		}
		// Ops takes the banner down, then the whole store.
		var live string
		d.QueryRow(t.Context(), `SELECT live_modules FROM stores WHERE org_id = ?`, xid).Scan(&live)
		i := strings.Index(live, `"id":"`)
		moduleID := live[i+6 : i+6+36]
		ops := e.Login("ops")
		if res := ops.PostForm("/admin/stores/"+xid+"/takedown", url.Values{"module_id": {moduleID}, "reason": {"横幅用语夸大"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("module takedown: %d", res.StatusCode)
		}
		if res := e.NewClient().Get("/store/" + xid); strings.Contains(res.Body, "源头工厂 品质保障") {
			t.Error("taken-down module still shown")
		}
		if got := e.Login("kefu").PostForm("/admin/stores/"+xid+"/takedown", url.Values{"reason": {"x"}}).StatusCode; got != 404 {
			t.Errorf("customer service takes a store down: %d", got)
		}
		if res := ops.PostForm("/admin/stores/"+xid+"/takedown", url.Values{"reason": {"资质过期"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("store takedown: %d", res.StatusCode)
		}
		if got := e.NewClient().Get("/store/" + xid).StatusCode; got != 404 {
			t.Errorf("taken-down store answers %d", got)
		}
		if res := x.Get("/seller/store"); !strings.Contains(res.Body, "资质过期") {
			t.Error("supplier is not told why its store was taken down")
		}
	})
}

func TestFeeRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ops := e.Login("ops")
		if res := ops.Get("/admin/fees"); res.StatusCode != 200 || !strings.Contains(res.Body, "尚无规则") {
			t.Fatalf("fees page: %d", res.StatusCode)
		}
		bad := url.Values{"kind": {"commission"}, "rate": {"120"}, "effective_from": {"2020-01-01"}}
		if res := ops.PostForm("/admin/fees", bad); res.StatusCode != 422 || !strings.Contains(res.Body, "生效日期不能早于今天") || !strings.Contains(res.Body, "费率应为 0 到 100") {
			t.Fatalf("bad rule: %d", res.StatusCode)
		}
		good := url.Values{"kind": {"commission"}, "rate": {"0.5"}, "effective_from": {"2099-01-01"}, "note": {"试点"}}
		if res := ops.PostForm("/admin/fees", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("good rule: %d %s", res.StatusCode, res.Body)
		}
		if res := ops.Get("/admin/fees"); !strings.Contains(res.Body, "0.50%") || !strings.Contains(res.Body, "2099-01-01") {
			t.Fatal("rule not listed")
		}
		if got := e.Login("kefu").Get("/admin/fees").StatusCode; got != 404 {
			t.Fatalf("customer service sees fees: %d", got)
		}
	})
}
