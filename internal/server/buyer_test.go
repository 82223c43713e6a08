package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// addBuyerPeople gives buyerA an approver and a finance member.
func addBuyerPeople(t *testing.T, e *servertest.Env) {
	t.Helper()
	ctx := context.Background()
	hash := e.Users["buyera"].PasswordHash
	now := time.Now()
	err := e.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, m := range []struct {
			name string
			role identity.Role
		}{{"shenpia", identity.Approver}, {"caiwua", identity.Finance}} {
			u := &identity.User{Username: m.name, DisplayName: m.name, PasswordHash: hash, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
			if err := e.Store.CreateUser(ctx, u); err != nil {
				return err
			}
			e.Users[m.name] = u
			if err := e.Store.AddRole(ctx, e.Orgs["buyerA"].ID, u.ID, m.role, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var idInPath = regexp.MustCompile(`/buyer/(?:addresses|lists)/([0-9a-f-]{36})`)

func TestBuyerCompanyPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addBuyerPeople(t, e)
		a, b, cg, cw := e.Login("buyera"), e.Login("buyerb"), e.Login("caigoua"), e.Login("caiwua")
		for _, p := range []string{"/buyer/company", "/buyer/members", "/buyer/addresses", "/buyer/addresses/new", "/buyer/approvals", "/buyer/lists"} {
			if res := a.Get(p); res.StatusCode != 200 {
				t.Fatalf("%s: %d", p, res.StatusCode)
			}
		}
		if res := e.Login("supplierx").Get("/buyer/company"); res.StatusCode != 404 {
			t.Fatalf("a supplier opens the buyer centre: %d", res.StatusCode)
		}

		// Company profile: validation names the fields; the purchaser may not edit; finance may.
		bad := url.Values{"name": {"甲"}, "credit_code": {"91350100M000100Y44"}, "tax_id": {"12345"}, "reg_phone": {"abc"}, "bank_account": {"12x"}, "invoice_type": {"special"}}
		res := a.PostForm("/buyer/company", bad)
		for _, want := range []string{"统一社会信用代码校验位不对", "纳税人识别号应为 15、18 或 20 位", "银行账号应为", "至少", "电话"} {
			if res.StatusCode != 422 || !strings.Contains(res.Body, want) {
				t.Fatalf("bad profile lacks %q: %d", want, res.StatusCode)
			}
		}
		good := url.Values{"name": {"甲采购有限公司"}, "credit_code": {"91350100m000100y43"}, "reg_address": {"苏州市虎丘区金山路 1 号"},
			"reg_phone": {"0512-66668888"}, "bank_name": {"中国工商银行苏州分行"}, "bank_account": {"1102 0200 0900 1234 567"}, "invoice_type": {"special"}}
		if res := cg.PostForm("/buyer/company", good); res.StatusCode != 403 {
			t.Fatalf("purchaser edits the profile: %d", res.StatusCode)
		}
		missing := url.Values{"name": {"甲采购有限公司"}, "credit_code": {"91350100M000100Y43"}, "invoice_type": {"special"}}
		if res := cw.PostForm("/buyer/company", missing); res.StatusCode != 422 || !strings.Contains(res.Body, "开具专票需要填写此项") {
			t.Fatalf("special invoice without details: %d", res.StatusCode)
		}
		if res := cw.PostForm("/buyer/company", good); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("finance saves the profile: %d %s", res.StatusCode, res.Body)
		}
		var detail string
		if err := d.QueryRow(context.Background(), `SELECT detail FROM audit_log WHERE action = 'buyer.profile' ORDER BY seq DESC LIMIT 1`).Scan(&detail); err != nil ||
			!strings.Contains(detail, "bank_account") || strings.Contains(detail, "1102") {
			t.Fatalf("profile audit: %q %v", detail, err)
		}
		page := a.Get("/buyer/company").Body
		if !strings.Contains(page, "91350100M000100Y43") || !strings.Contains(page, "***4567") || strings.Contains(page, "11020200090012") {
			t.Fatal("profile not shown with the account masked")
		}
		// Another company cannot take the same credit code.
		if res := b.PostForm("/buyer/company", good); res.StatusCode != 409 {
			t.Fatalf("credit code taken twice: %d", res.StatusCode)
		}

		// Addresses: validation, tenant isolation, default handling.
		badAddr := url.Values{"consignee": {""}, "mobile": {"12345"}, "division_code": {"320500"}, "street": {"x"}, "postcode": {"2150"}}
		res = a.PostForm("/buyer/addresses/new", badAddr)
		for _, want := range []string{"手机号", "区县一级", "邮政编码应为 6 位数字", "必填"} {
			if res.StatusCode != 422 || !strings.Contains(res.Body, want) {
				t.Fatalf("bad address lacks %q: %d", want, res.StatusCode)
			}
		}
		// The no-JavaScript cascade: choosing a province re-shows the form with its cities.
		if res := a.PostForm("/buyer/addresses/new", url.Values{"pick": {"1"}, "province": {"320000"}}); res.StatusCode != 200 || !strings.Contains(res.Body, "苏州市") {
			t.Fatalf("cascade: %d", res.StatusCode)
		}
		if res := a.Get("/buyer/divisions?province=440000&city=441900"); res.StatusCode != 200 || !strings.Contains(res.Body, `value="441900" selected`) {
			t.Fatalf("htmx picker: %d %s", res.StatusCode, res.Body)
		}
		addr := url.Values{"consignee": {"王收货"}, "mobile": {"+86 138-0013-8000"}, "division_code": {"320505"}, "street": {"金山路 1 号 3 号楼"}, "postcode": {"215000"}}
		res = a.PostForm("/buyer/addresses/new", addr)
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("address: %d %s", res.StatusCode, res.Body)
		}
		list := a.Get("/buyer/addresses").Body
		if !strings.Contains(list, "江苏省苏州市虎丘区") || !strings.Contains(list, "13800138000") {
			t.Fatal("address list")
		}
		addrID := idInPath.FindStringSubmatch(list)[1]
		for _, probe := range []*servertest.Response{b.Get("/buyer/addresses/" + addrID), b.PostForm("/buyer/addresses/"+addrID, addr),
			b.PostForm("/buyer/addresses/"+addrID+"/delete", nil), b.PostForm("/buyer/addresses/"+addrID+"/default", nil)} {
			if probe.StatusCode != 404 {
				t.Fatalf("another company's address: %d", probe.StatusCode)
			}
		}
		if res := e.Login("shenpia").PostForm("/buyer/addresses/"+addrID+"/delete", nil); res.StatusCode != 403 {
			t.Fatalf("approver deletes an address: %d", res.StatusCode)
		}

		// Approval rules: owner only; validation; tenant isolation.
		rule := url.Values{"over": {"5000"}, "applies_to": {"purchaser"}, "approver_ids": {e.Users["shenpia"].ID}, "approvals": {"1"}}
		if res := cg.PostForm("/buyer/approvals/new", rule); res.StatusCode != 403 {
			t.Fatalf("purchaser edits rules: %d", res.StatusCode)
		}
		badRule := url.Values{"over": {"2000000000"}, "approver_ids": {e.Users["buyerb"].ID}, "approvals": {"9"}}
		res = a.PostForm("/buyer/approvals/new", badRule)
		for _, want := range []string{"金额应在", "请至少选择一个适用角色", "审批人必须是本企业成员", "需同意人数应为 1 到 5"} {
			if res.StatusCode != 422 || !strings.Contains(res.Body, want) {
				t.Fatalf("bad rule lacks %q: %d", want, res.StatusCode)
			}
		}
		if res := a.PostForm("/buyer/approvals/new", url.Values{"over": {"100"}, "applies_to": {"purchaser"}, "approver_ids": {e.Users["caigoua"].ID}}); res.StatusCode != 422 || !strings.Contains(res.Body, "不是负责人或审批人") {
			t.Fatalf("a purchaser named approver: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/approvals/new", rule); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("rule: %d %s", res.StatusCode, res.Body)
		}
		if res := a.PostForm("/buyer/approvals/new", rule); res.StatusCode != 422 || !strings.Contains(res.Body, "相同门槛") {
			t.Fatalf("same threshold twice: %d", res.StatusCode)
		}
		rules, err := e.App.Buyer.Store.ApprovalRules(context.Background(), e.Orgs["buyerA"].ID)
		if err != nil || len(rules) != 1 || rules[0].Over != 500000 {
			t.Fatalf("stored rules: %v %v", rules, err)
		}
		if res := b.PostForm("/buyer/approvals/"+rules[0].ID, rule); res.StatusCode != 404 {
			t.Fatalf("another company's rule: %d", res.StatusCode)
		}
		if res := b.PostForm("/buyer/approvals/"+rules[0].ID+"/delete", nil); res.StatusCode != 404 {
			t.Fatalf("another company deletes a rule: %d", res.StatusCode)
		}

		// Requisition lists: SKU checks with named errors, paste import, isolation.
		res = cg.PostForm("/buyer/lists", url.Values{"name": {"月度备件"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("list: %d", res.StatusCode)
		}
		listPath := res.Header.Get("Location")
		// BOLT-M8 exists at two suppliers: the code alone is ambiguous.
		if res := cg.PostForm(listPath+"/items", url.Values{"sku": {"BOLT-M8"}, "qty": {"200"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "2 家供应商") {
			t.Fatalf("ambiguous code: %d", res.StatusCode)
		}
		var skuID string
		if err := d.QueryRow(context.Background(), `SELECT id FROM skus WHERE product_id = ?`, e.Products["supplierX"]).Scan(&skuID); err != nil {
			t.Fatal(err)
		}
		for qty, want := range map[string]string{"50": "低于起批量 100件", "150": "100件 的整数倍", "0": "数量应为", "abc": "数量应为"} {
			if res := cg.PostForm(listPath+"/items", url.Values{"sku": {skuID}, "qty": {qty}}); res.StatusCode != 422 || !strings.Contains(res.Body, want) {
				t.Fatalf("qty %s lacks %q: %d", qty, want, res.StatusCode)
			}
		}
		if res := cg.PostForm(listPath+"/items", url.Values{"sku": {"NOPE-1"}, "qty": {"1"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "找不到 SKU NOPE-1") {
			t.Fatalf("unknown sku: %d", res.StatusCode)
		}
		if res := cg.PostForm(listPath+"/items", url.Values{"sku": {skuID}, "qty": {"200"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.StatusCode, res.Body)
		}
		// A paste with one bad line imports nothing and names the line.
		res = a.PostForm(listPath+"/import", url.Values{"lines": {skuID + "\t300\n\nNOPE-2 10\n" + skuID + " 5"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, "第 3 行") || !strings.Contains(res.Body, "第 4 行") {
			t.Fatalf("bad import: %d", res.StatusCode)
		}
		if res := a.PostForm(listPath+"/import", url.Values{"lines": {skuID + "\t300\t车间A\n"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("import: %d %s", res.StatusCode, res.Body)
		}
		lst, err := e.App.Buyer.Store.RequisitionList(context.Background(), e.Orgs["buyerA"].ID, strings.TrimPrefix(listPath, "/buyer/lists/"))
		if err != nil || len(lst.Items) != 1 || lst.Items[0].Qty != 500 {
			t.Fatalf("list after import: %+v %v", lst, err)
		}
		for _, probe := range []*servertest.Response{b.Get(listPath), b.PostForm(listPath+"/items", url.Values{"sku": {skuID}, "qty": {"100"}}),
			b.PostForm(listPath+"/delete", nil), b.PostForm(listPath+"/items/"+skuID+"/remove", nil)} {
			if probe.StatusCode != 404 {
				t.Fatalf("another company's list: %d", probe.StatusCode)
			}
		}
		if strings.Contains(b.Get("/buyer/lists").Body, "月度备件") {
			t.Fatal("another company's list is listed")
		}
	})
}

func TestBuyerMembers(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		a := e.Login("buyera")
		if res := e.Login("caigoua").PostForm("/buyer/members", url.Values{"login": {"suppliery"}, "roles": {"purchaser"}}); res.StatusCode != 403 {
			t.Fatalf("purchaser adds a member: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/members", url.Values{"login": {"nobody"}, "roles": {"purchaser"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "找不到此账号") {
			t.Fatalf("unknown login: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/members", url.Values{"login": {"caigoua"}, "roles": {"approver"}}); res.StatusCode != 409 {
			t.Fatalf("existing member added again: %d", res.StatusCode)
		}
		// An existing account of another company is invited with two roles, and joins
		// only when it accepts, signed in as itself.
		if res := a.PostForm("/buyer/members", url.Values{"login": {"suppliery"}, "roles": {"purchaser", "approver"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite existing: %d %s", res.StatusCode, res.Body)
		}
		if res := a.PostForm("/buyer/members", url.Values{"login": {"suppliery"}, "roles": {"purchaser"}}); res.StatusCode != 409 || !strings.Contains(res.Body, "等待对方接受") {
			t.Fatalf("invited twice: %d", res.StatusCode)
		}
		isMember := func(user string) bool {
			ms, _ := e.Store.Members(context.Background(), e.Orgs["buyerA"].ID)
			for _, m := range ms {
				if m.User.ID == e.Users[user].ID {
					return true
				}
			}
			return false
		}
		if isMember("suppliery") {
			t.Fatal("an invited account became a member without accepting")
		}
		invites, _ := e.Store.Invites(context.Background(), e.Orgs["buyerA"].ID, "")
		if len(invites) != 1 || !strings.Contains(a.Get("/buyer/members").Body, "/buyer/members/invites/"+invites[0].ID+"/revoke") {
			t.Fatalf("pending invites: %+v", invites)
		}
		inv := invites[0].ID
		// Nobody else can answer it; the invited person sees it on the account page.
		for _, who := range []string{"buyerb", "supplierx", "caigoua"} {
			if res := e.Login(who).PostForm("/account/invites/"+inv+"/accept", nil); res.StatusCode != 404 {
				t.Fatalf("%s accepts another's invitation: %d", who, res.StatusCode)
			}
		}
		if res := e.Login("buyerb").PostForm("/buyer/members/invites/"+inv+"/revoke", nil); res.StatusCode != 404 {
			t.Fatalf("another company withdraws the invitation: %d", res.StatusCode)
		}
		y := e.Login("suppliery")
		if page := y.Get("/account").Body; !strings.Contains(page, "甲采购有限公司") || !strings.Contains(page, "/account/invites/"+inv+"/accept") {
			t.Fatal("the invitation is not on the invited person's account page")
		}
		if res := y.PostForm("/account/invites/"+inv+"/accept", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", res.StatusCode, res.Body)
		}
		if !isMember("suppliery") {
			t.Fatal("accepted, yet not a member")
		}
		if res := y.PostForm("/account/invites/"+inv+"/decline", nil); res.StatusCode != http.StatusSeeOther || countRows(t, d, `SELECT COUNT(*) FROM member_invites WHERE state = 'accepted'`) != 1 {
			t.Fatalf("answered twice: %d", res.StatusCode)
		}
		// Over the API: invite (202), list, withdraw; a withdrawn invitation cannot be accepted.
		res := a.JSON("POST", "/api/v1/buyer/members", `{"login":"buyerb","roles":["purchaser"]}`, "Idempotency-Key", "inv-api")
		if res.StatusCode != http.StatusAccepted || !strings.Contains(res.Body, `"state":"pending"`) {
			t.Fatalf("API invite: %d %s", res.StatusCode, res.Body)
		}
		inv2 := decode[struct{ ID string }](t, res).ID
		b := e.Login("buyerb")
		if res := b.Get("/api/v1/me/invites"); !strings.Contains(res.Body, inv2) {
			t.Fatalf("my invites: %s", res.Body)
		}
		if res := a.JSON("DELETE", "/api/v1/buyer/member-invites/"+inv2, ""); res.StatusCode != 204 {
			t.Fatalf("withdraw: %d %s", res.StatusCode, res.Body)
		}
		if res := b.JSON("POST", "/api/v1/me/invites/"+inv2+"/accept", ""); res.StatusCode != 409 || isMember("buyerb") {
			t.Fatalf("accept withdrawn: %d %s", res.StatusCode, res.Body)
		}
		// A new account: the initial password is shown once and works.
		res = a.PostForm("/buyer/members", url.Values{"mode": {"create"}, "login": {"13900139000"}, "display_name": {"新采购"}, "roles": {"purchaser"}})
		m := regexp.MustCompile(`<b>([a-z2-9]{12})</b>`).FindStringSubmatch(res.Body)
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("create: %d", res.StatusCode)
		}
		c := e.NewClient()
		if res := c.PostForm("/login", url.Values{"login": {"13900139000"}, "password": {m[1]}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("new member cannot sign in: %d", res.StatusCode)
		}
		// The owner chose that password: the new member replaces it before anything else.
		if res := c.Get("/buyer/cart"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account#password" {
			t.Fatalf("initial password kept: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		if res := c.Get("/api/v1/orders"); res.StatusCode != http.StatusForbidden {
			t.Fatalf("API with the initial password: %d", res.StatusCode)
		}
		if page := c.Get("/account"); page.StatusCode != 200 || !strings.Contains(page.Body, "别人为您设置") {
			t.Fatalf("account page: %d", page.StatusCode)
		}
		if res := c.PostForm("/account/password", url.Values{"current_password": {m[1]}, "new_password": {"my-own-pass-2026"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("change: %d %s", res.StatusCode, res.Body)
		}
		if res := c.Get("/buyer/cart"); res.StatusCode != 200 {
			t.Fatalf("after the change: %d", res.StatusCode)
		}
		// Roles change; the last owner stays.
		owner := e.Users["buyera"].ID
		if res := a.PostForm("/buyer/members/"+owner+"/roles", url.Values{"roles": {"purchaser"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "至少要保留一位负责人") {
			t.Fatalf("last owner demoted: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/members/"+owner+"/remove", nil); res.StatusCode != 409 {
			t.Fatalf("last owner removed: %d", res.StatusCode)
		}
		cg := e.Users["caigoua"].ID
		if res := a.PostForm("/buyer/members/"+cg+"/roles", url.Values{"roles": {"purchaser", "finance"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("roles: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/members/"+cg+"/roles", url.Values{"roles": {"admin"}}); res.StatusCode != 422 {
			t.Fatalf("platform role granted: %d", res.StatusCode)
		}
		// Two owners demoting each other at once: one of them stays owner.
		second := e.Users["caigoua"].ID
		if res := a.PostForm("/buyer/members/"+second+"/roles", url.Values{"roles": {"owner"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("second owner: %d", res.StatusCode)
		}
		p1, _ := e.Identity.Principal(context.Background(), owner, "")
		p2, _ := e.Identity.Principal(context.Background(), second, "")
		var e1, e2 error
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			e1 = e.Identity.SetMemberRoles(context.Background(), p1, second, []identity.Role{identity.Purchaser})
		}()
		go func() {
			defer wg.Done()
			e2 = e.Identity.SetMemberRoles(context.Background(), p2, owner, []identity.Role{identity.Purchaser})
		}()
		wg.Wait()
		ms, _ := e.Store.Members(context.Background(), e.Orgs["buyerA"].ID)
		owners := 0
		for _, m := range ms {
			for _, r := range m.Roles {
				if r == identity.Owner {
					owners++
				}
			}
		}
		if owners != 1 || (e1 == nil) == (e2 == nil) {
			t.Fatalf("concurrent demotions: %d owners left, errors %v / %v", owners, e1, e2)
		}
		// Whoever lost, buyera is owner again for the rest of the test.
		if e2 == nil {
			if err := e.Identity.SetMemberRoles(context.Background(), p2, owner, []identity.Role{identity.Owner}); err != nil {
				t.Fatal(err)
			}
		}
		// Another company's member is not found.
		if res := e.Login("buyerb").PostForm("/buyer/members/"+cg+"/remove", nil); res.StatusCode != 404 {
			t.Fatalf("another company removes a member: %d", res.StatusCode)
		}
		if res := a.PostForm("/buyer/members/"+cg+"/remove", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", res.StatusCode)
		}
		if strings.Contains(a.Get("/buyer/members").Body, ">caigoua<") {
			t.Fatal("removed member still listed")
		}
	})
}

func TestBuyerAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		addBuyerPeople(t, e)
		a, b := e.Login("buyera"), e.Login("buyerb")
		res := a.JSON("PUT", "/api/v1/buyer/company", `{"name":"甲采购有限公司","credit_code":"91110000802100433B","invoice_type":"normal","bank_account":"6222020200001234"}`)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"tax_id":"91110000802100433B"`) || !strings.Contains(res.Body, `"bank_account_masked":"************1234"`) {
			t.Fatalf("company: %d %s", res.StatusCode, res.Body)
		}
		if res := a.JSON("PUT", "/api/v1/buyer/company", `{"name":"甲","credit_code":"x","invoice_type":"vat"}`); res.StatusCode != 422 ||
			!strings.Contains(res.Body, `"credit_code"`) || !strings.Contains(res.Body, `"invoice_type"`) || !strings.Contains(res.Body, `"name"`) {
			t.Fatalf("bad company: %d %s", res.StatusCode, res.Body)
		}
		if res := a.JSON("PUT", "/api/v1/buyer/company", `{"name":1}`); res.StatusCode != 422 {
			t.Fatalf("wrong type: %d", res.StatusCode)
		}

		// Address create with an Idempotency-Key replays.
		body := `{"consignee":"李四","mobile":"13800138000","division_code":"441900","street":"东城街道 8 号"}`
		r1 := a.JSON("POST", "/api/v1/buyer/addresses", body, "Idempotency-Key", "addr-1")
		r2 := a.JSON("POST", "/api/v1/buyer/addresses", body, "Idempotency-Key", "addr-1")
		if r1.StatusCode != 201 || r2.Body != r1.Body || !strings.Contains(r1.Body, `"division_name":"广东省东莞市"`) || !strings.Contains(r1.Body, `"default":true`) {
			t.Fatalf("address: %d %s / %s", r1.StatusCode, r1.Body, r2.Body)
		}
		var addr struct{ ID string }
		json.Unmarshal([]byte(r1.Body), &addr)
		if list := a.Get("/api/v1/buyer/addresses").Body; strings.Count(list, `"id"`) != 1 {
			t.Fatalf("replay stored twice: %s", list)
		}
		if res := a.JSON("POST", "/api/v1/buyer/addresses", `{"consignee":"李四","mobile":"123","division_code":"999999","street":"x","postcode":"12"}`); res.StatusCode != 422 ||
			!strings.Contains(res.Body, `"mobile"`) || !strings.Contains(res.Body, `"division_code"`) || !strings.Contains(res.Body, `"postcode"`) || !strings.Contains(res.Body, `"street"`) {
			t.Fatalf("bad address: %d %s", res.StatusCode, res.Body)
		}
		for _, probe := range []*servertest.Response{b.Get("/api/v1/buyer/addresses/" + addr.ID), b.JSON("PUT", "/api/v1/buyer/addresses/"+addr.ID, body), b.Do("DELETE", "/api/v1/buyer/addresses/"+addr.ID, "", "")} {
			if probe.StatusCode != 404 {
				t.Fatalf("another company's address over the API: %d", probe.StatusCode)
			}
		}

		// Approval rules: the demo's two tiers; a purchaser is refused.
		shenpi := e.Users["shenpia"].ID
		rule := `{"over_fen":500000,"applies_to":["purchaser"],"approver_ids":["` + shenpi + `"],"approvals":1}`
		if res := e.Login("caigoua").JSON("POST", "/api/v1/buyer/approval-rules", rule); res.StatusCode != 403 {
			t.Fatalf("purchaser creates a rule: %d", res.StatusCode)
		}
		if res := a.JSON("POST", "/api/v1/buyer/approval-rules", rule, "Idempotency-Key", "r1"); res.StatusCode != 201 {
			t.Fatalf("rule: %d %s", res.StatusCode, res.Body)
		}
		res = a.JSON("POST", "/api/v1/buyer/approval-rules", `{"over_fen":5000000,"applies_to":["purchaser"],"approver_roles":["approver"],"owner_alone":true}`)
		if res.StatusCode != 201 || !strings.Contains(res.Body, `"approvals":1`) || !strings.Contains(res.Body, `"owner_alone":true`) {
			t.Fatalf("owner tier: %d %s", res.StatusCode, res.Body)
		}
		var r struct{ ID string }
		json.Unmarshal([]byte(res.Body), &r)
		if res := a.JSON("POST", "/api/v1/buyer/approval-rules", `{"over_fen":-1,"applies_to":[],"approvals":7}`); res.StatusCode != 422 ||
			!strings.Contains(res.Body, `"over"`) || !strings.Contains(res.Body, `"applies_to"`) || !strings.Contains(res.Body, `"approvals"`) {
			t.Fatalf("bad rule: %d %s", res.StatusCode, res.Body)
		}
		if res := b.Get("/api/v1/buyer/approval-rules/" + r.ID); res.StatusCode != 404 {
			t.Fatalf("another company's rule: %d", res.StatusCode)
		}
		if res := b.JSON("PUT", "/api/v1/buyer/approval-rules/"+r.ID, rule); res.StatusCode != 404 {
			t.Fatalf("another company changes a rule: %d", res.StatusCode)
		}
		// The stored rules drive Required: ¥60,000 by the purchaser needs both tiers.
		ms, _ := e.Store.Members(context.Background(), e.Orgs["buyerA"].ID)
		var caigou identity.Member
		for _, m := range ms {
			if m.User.Username == "caigoua" {
				caigou = m
			}
		}
		steps, err := e.App.Buyer.StepsFor(context.Background(), e.Orgs["buyerA"].ID, 6_000_000, caigou)
		if err != nil || len(steps) != 2 || steps[0].ApproverIDs[0] != shenpi || steps[1].ApproverRoles[0] != identity.Approver || !steps[1].OwnerAlone {
			t.Fatalf("steps: %+v %v", steps, err)
		}

		// The preview answers what an order would need, for any member of the company.
		res = e.Login("caigoua").Get("/api/v1/buyer/approval-steps?amount_fen=6000000")
		if res.StatusCode != 200 || strings.Count(res.Body, `"rule_id"`) != 2 || !strings.Contains(res.Body, shenpi) {
			t.Fatalf("preview: %d %s", res.StatusCode, res.Body)
		}
		if res := a.Get("/api/v1/buyer/approval-steps?amount_fen=6000000"); res.StatusCode != 200 || strings.Contains(res.Body, `"rule_id"`) {
			t.Fatalf("the owner's own order needs nothing: %d %s", res.StatusCode, res.Body)
		}
		if res := a.Get("/api/v1/buyer/approval-steps?amount_fen=x&member=" + e.Users["buyerb"].ID); res.StatusCode != 422 {
			t.Fatalf("bad preview: %d", res.StatusCode)
		}
		if res := a.Get("/api/v1/buyer/approval-steps?amount_fen=100&member=" + e.Users["buyerb"].ID); res.StatusCode != 422 || !strings.Contains(res.Body, `"member"`) {
			t.Fatalf("preview for another company's member: %d %s", res.StatusCode, res.Body)
		}
		page := a.Get("/buyer/approvals?amount=60000&member=" + e.Users["caigoua"].ID).Body
		if !strings.Contains(page, "需 1 人同意") || !strings.Contains(page, "shenpia") || !strings.Contains(page, "或负责人一人同意即可") {
			t.Fatal("preview page")
		}
		if page := a.Get("/buyer/approvals?amount=100&member=" + e.Users["caigoua"].ID).Body; !strings.Contains(page, "这笔订单无需审批") {
			t.Fatal("preview page without steps")
		}

		// Requisition lists over the API.
		res = a.JSON("POST", "/api/v1/buyer/requisition-lists", `{"name":"常用紧固件"}`, "Idempotency-Key", "l1")
		var l struct{ ID string }
		json.Unmarshal([]byte(res.Body), &l)
		if res.StatusCode != 201 || l.ID == "" {
			t.Fatalf("list: %d %s", res.StatusCode, res.Body)
		}
		var skuID string
		if err := d.QueryRow(context.Background(), `SELECT id FROM skus WHERE product_id = ?`, e.Products["supplierY"]).Scan(&skuID); err != nil {
			t.Fatal(err)
		}
		res = a.JSON("POST", "/api/v1/buyer/requisition-lists/"+l.ID+"/items", `{"sku":"`+skuID+`","qty":1000,"note":"月度"}`)
		if res.StatusCode != 201 || !strings.Contains(res.Body, `"qty":1000`) || !strings.Contains(res.Body, `"sku_code":"BOLT-M8"`) {
			t.Fatalf("add item: %d %s", res.StatusCode, res.Body)
		}
		if res := a.JSON("PUT", "/api/v1/buyer/requisition-lists/"+l.ID+"/items/"+skuID, `{"qty":130}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"qty"`) {
			t.Fatalf("off-multiple qty: %d %s", res.StatusCode, res.Body)
		}
		if res := a.JSON("POST", "/api/v1/buyer/requisition-lists/"+l.ID+"/import", `{"lines":"BOLT-M8 100\n`+skuID+` 100"}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"lines.1"`) {
			t.Fatalf("import: %d %s", res.StatusCode, res.Body)
		}
		if res := b.Get("/api/v1/buyer/requisition-lists/" + l.ID); res.StatusCode != 404 {
			t.Fatalf("another company's list: %d", res.StatusCode)
		}
		if res := b.Do("DELETE", "/api/v1/buyer/requisition-lists/"+l.ID+"/items/"+skuID, "", ""); res.StatusCode != 404 {
			t.Fatalf("another company removes an item: %d", res.StatusCode)
		}
		if res := a.Do("DELETE", "/api/v1/buyer/requisition-lists/"+l.ID+"/items/"+skuID, "", ""); res.StatusCode != 204 {
			t.Fatalf("remove item: %d", res.StatusCode)
		}

		// Members over the API.
		res = a.JSON("POST", "/api/v1/buyer/members", `{"login":"new@example.com","display_name":"新人","create":true,"roles":["finance"]}`)
		if res.StatusCode != 201 || !strings.Contains(res.Body, `"initial_password"`) || !strings.Contains(res.Body, `"roles":["finance"]`) {
			t.Fatalf("add member: %d %s", res.StatusCode, res.Body)
		}
		if res := a.JSON("PUT", "/api/v1/buyer/members/"+e.Users["buyera"].ID+"/roles", `{"roles":["finance"]}`); res.StatusCode != 422 {
			t.Fatalf("last owner over the API: %d", res.StatusCode)
		}
		// Divisions.
		if res := e.NewClient().Get("/api/v1/divisions?parent=320500"); res.StatusCode != 200 || !strings.Contains(res.Body, "虎丘区") {
			t.Fatalf("divisions: %d", res.StatusCode)
		}
	})
}
