package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRolesLandInTheirAreas(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		cases := []struct{ user, area string }{
			{"admin", "/admin/"}, {"ops", "/admin/"}, {"kefu", "/admin/"},
			{"buyera", "/buyer/"}, {"caigoua", "/buyer/"}, {"supplierx", "/seller/"},
		}
		areas := []string{"/admin/", "/buyer/", "/seller/"}
		for _, c := range cases {
			cl := e.NewClient()
			res := cl.PostForm("/login", url.Values{"login": {c.user}, "password": {servertest.Password}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.area {
				t.Fatalf("%s: login -> %d %q, want 303 %s", c.user, res.StatusCode, res.Header.Get("Location"), c.area)
			}
			for _, a := range areas {
				got := cl.Get(a).StatusCode
				want := http.StatusNotFound
				if a == c.area {
					want = http.StatusOK
				}
				if got != want {
					t.Errorf("%s GET %s = %d, want %d", c.user, a, got, want)
				}
			}
		}
		// Only admins see staff accounts and the audit log.
		if got := e.Login("ops").Get("/admin/audit").StatusCode; got != http.StatusNotFound {
			t.Errorf("ops GET /admin/audit = %d, want 404", got)
		}
		if got := e.Login("admin").Get("/admin/audit").StatusCode; got != http.StatusOK {
			t.Errorf("admin GET /admin/audit = %d", got)
		}
		// Anonymous visitors are sent to sign in.
		res := e.NewClient().Get("/buyer/")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous /buyer/ = %d %s", res.StatusCode, res.Header.Get("Location"))
		}
	})
}

func TestLoginFailuresAreThrottledAndAudited(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		for i := 0; i < 5; i++ {
			res := c.PostForm("/login", url.Values{"login": {"buyera"}, "password": {"wrong-pass-1"}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "账号或密码错误") {
				t.Fatalf("attempt %d: %d", i, res.StatusCode)
			}
		}
		res := c.PostForm("/login", url.Values{"login": {"buyera"}, "password": {servertest.Password}})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("after 5 failures the right password got %d, want 429", res.StatusCode)
		}
		var n int
		if err := d.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed'`).Scan(&n); err != nil || n != 5 {
			t.Fatalf("audited failures = %d, %v", n, err)
		}
		// Unknown accounts fail the same way and are throttled too.
		res = c.PostForm("/login", url.Values{"login": {"nobody"}, "password": {"x"}})
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("unknown account: %d", res.StatusCode)
		}
	})
}

func TestSessionRotatesAtLoginAndCookieFlags(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.Login("buyera")
		u, _ := url.Parse(e.Server.URL)
		first := c.Jar.Cookies(u)
		if len(first) != 1 || first[0].Name != "zc_session" {
			t.Fatalf("cookies after login: %v", first)
		}
		// Log in again in the same browser: the token must change and the old one die.
		res := c.PostForm("/login", url.Values{"login": {"buyera"}, "password": {servertest.Password}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatal(res.StatusCode)
		}
		sc := res.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
			t.Errorf("cookie flags: %s", sc)
		}
		second := c.Jar.Cookies(u)
		if second[0].Value == first[0].Value {
			t.Fatal("session token did not rotate at login")
		}
		old := e.NewClient()
		old.Jar.SetCookies(u, first)
		if got := old.Get("/account").StatusCode; got != http.StatusSeeOther {
			t.Fatalf("old session token still works: %d", got)
		}
		// Logging out ends the session.
		if res := c.PostForm("/logout", nil); res.StatusCode != http.StatusSeeOther {
			t.Fatal(res.StatusCode)
		}
		if got := c.Get("/account").StatusCode; got != http.StatusSeeOther {
			t.Fatalf("after logout /account = %d", got)
		}
	})
}

func TestCrossSiteWritesAreRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.Login("buyera")
		res := c.PostForm("/account/tokens", url.Values{"name": {"x"}}, "Sec-Fetch-Site", "cross-site")
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site POST = %d, want 403", res.StatusCode)
		}
		res = c.PostForm("/account/tokens", url.Values{"name": {"x"}}, "Origin", "https://evil.example")
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("foreign-origin POST = %d, want 403", res.StatusCode)
		}
		if n := count(t, d, "api_tokens"); n != 0 {
			t.Fatalf("tokens written: %d", n)
		}
	})
}

func TestRegistration(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		users, orgs := count(t, d, "users"), count(t, d, "orgs")
		c := e.NewClient()
		bad := url.Values{"company_name": {"<b>"}, "credit_code": {"91350100M000100Y44"}, "display_name": {""},
			"login": {"12345"}, "password": {"short"}, "password2": {"other"}}
		res := c.PostForm("/register", bad)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad registration: %d", res.StatusCode)
		}
		for _, msg := range []string{"统一社会信用代码不正确", "请输入正确的手机号或邮箱", "密码至少 8 位", "两次输入的密码不一致", "请阅读并同意服务协议", "必填"} {
			if !strings.Contains(res.Body, msg) {
				t.Errorf("bad registration page lacks %q", msg)
			}
		}
		if count(t, d, "users") != users || count(t, d, "orgs") != orgs {
			t.Fatal("a refused registration wrote rows")
		}
		// English messages for an English browser.
		c.Lang = "en"
		if res := c.PostForm("/register", bad); !strings.Contains(res.Body, "The passwords do not match.") {
			t.Error("English page lacks the English message")
		}
		c.Lang = ""
		good := url.Values{"company_name": {"丙机械有限公司"}, "credit_code": {"91350100M000100Y43"}, "display_name": {"王五"},
			"login": {"+86 139 1234 5678"}, "password": {"good-pass-9"}, "password2": {"good-pass-9"}, "agree": {"1"}}
		res = c.PostForm("/register", good)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/buyer/" {
			t.Fatalf("good registration: %d %s", res.StatusCode, res.Body)
		}
		if res := c.Get("/buyer/"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "丙机械有限公司") {
			t.Fatalf("new buyer centre: %d", res.StatusCode)
		}
		// The mobile was normalised and works as a login; it cannot register twice.
		if res := e.NewClient().PostForm("/login", url.Values{"login": {"13912345678"}, "password": {"good-pass-9"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("login by mobile: %d", res.StatusCode)
		}
		good.Set("credit_code", "")
		if res := e.NewClient().PostForm("/register", good); res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, "该账号已被注册") {
			t.Fatalf("duplicate registration: %d", res.StatusCode)
		}
	})
}

func TestBadInputNeverFails500(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.Login("admin")
		huge := strings.Repeat("x", 70<<10)
		cases := []struct {
			method, path, ctype, body string
			want                      int
		}{
			{"POST", "/login", "application/x-www-form-urlencoded", "login=%ZZ&password=1", 422},
			{"POST", "/login", "application/x-www-form-urlencoded", "login=" + huge, 413},
			{"POST", "/admin/staff", "application/x-www-form-urlencoded", "username=a%00b", 422},
			{"POST", "/admin/staff", "application/x-www-form-urlencoded", "username=x'%20OR%201=1--&display_name=%F0%9F%98%80&password=abcdefg1&roles=god", 422},
			{"GET", "/search?q=" + url.QueryEscape(strings.Repeat("螺栓", 80)), "", "", 422},
			{"GET", "/search?q=%27%20OR%201%3D1--", "", "", 200},
			{"GET", "/search?q=.*%5B(", "", "", 200},
			{"GET", "/search?q=%F0%9F%94%A9&page=10000", "", "", 422},
			{"GET", "/search?q=x&page=-1", "", "", 422},
			{"GET", "/c/nope", "", "", 404},
			{"GET", "/p/not-an-id", "", "", 404},
			{"GET", "/p/01900000-0000-7000-8000-000000000000", "", "", 404},
			{"GET", "/admin/audit?before=abc", "", "", 422},
			{"GET", "/admin/orgs/platform", "", "", 404},
			{"POST", "/account/tokens/' OR 1=1/revoke", "application/x-www-form-urlencoded", "", 404},
			{"GET", "/nowhere", "", "", 404},
		}
		for _, tc := range cases {
			res := c.Do(tc.method, tc.path, tc.ctype, tc.body)
			if res.StatusCode != tc.want {
				t.Errorf("%s %s = %d, want %d", tc.method, tc.path, res.StatusCode, tc.want)
			}
		}
		if n := count(t, d, "users"); n != len(e.Users) {
			t.Errorf("users = %d after bad input", n)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		a, b := e.Login("buyera"), e.Login("buyerb")
		res := b.JSON("POST", "/api/v1/tokens", `{"name":"erp"}`)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create token: %d %s", res.StatusCode, res.Body)
		}
		var tok struct{ ID, Secret string }
		json.Unmarshal([]byte(res.Body), &tok)
		// A cannot see or revoke B's token, by page or API.
		if res := a.JSON("DELETE", "/api/v1/tokens/"+tok.ID, ""); res.StatusCode != http.StatusNotFound {
			t.Errorf("A deletes B's token: %d", res.StatusCode)
		}
		if res := a.PostForm("/account/tokens/"+tok.ID+"/revoke", nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("A revokes B's token by form: %d", res.StatusCode)
		}
		if res := a.Get("/account"); strings.Contains(res.Body, tok.Secret[:10]) {
			t.Error("A's account page shows B's token")
		}
		if res := a.JSON("GET", "/api/v1/tokens", ""); strings.Contains(res.Body, tok.ID) {
			t.Error("A's token list includes B's token")
		}
		// B's token acts only for B's company.
		api := e.NewClient()
		res = api.Get("/api/v1/me", "Authorization", "Bearer "+tok.Secret)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, e.Orgs["buyerB"].ID) {
			t.Fatalf("me with token: %d %s", res.StatusCode, res.Body)
		}
		// Suppliers see only their own products in the seller centre.
		x := e.Login("supplierx")
		res = x.Get("/seller/products")
		if !strings.Contains(res.Body, e.Products["supplierX"]) || strings.Contains(res.Body, e.Products["supplierY"]) {
			t.Error("seller product list leaks another supplier's products")
		}
		// Members lists are per organisation.
		if res := a.Get("/buyer/members"); strings.Contains(res.Body, "buyerb") || !strings.Contains(res.Body, "caigoua") {
			t.Error("member list crosses organisations")
		}
		// Revoked tokens stop working.
		if res := b.JSON("DELETE", "/api/v1/tokens/"+tok.ID, ""); res.StatusCode != http.StatusNoContent {
			t.Fatalf("revoke own token: %d", res.StatusCode)
		}
		if res := api.Get("/api/v1/me", "Authorization", "Bearer "+tok.Secret); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("revoked token still works: %d", res.StatusCode)
		}
	})
}

func TestAPIErrorsNameTheField(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.Login("buyera")
		cases := []struct {
			body, ctype string
			want        int
			code, field string
		}{
			{`{"name":`, "application/json", 422, "invalid", ""},
			{`{"name": 5}`, "application/json", 422, "invalid", "name"},
			{`{"name":"x","admin":true}`, "application/json", 422, "invalid", "admin"},
			{`{"name":"x"} {}`, "application/json", 422, "invalid", ""},
			{`{"name":""}`, "application/json", 422, "invalid", "name"},
			{`{"name":"x","ttl_days":-1}`, "application/json", 422, "invalid", "ttl_days"},
			{`{"name":"x","ttl_days":1e99}`, "application/json", 422, "invalid", "ttl_days"},
			{`name=x`, "text/plain", 415, "unsupported", ""},
			{`{"name":"` + strings.Repeat("a", 2<<20) + `"}`, "application/json", 413, "too_large", ""},
			{``, "application/json", 422, "invalid", ""},
		}
		for i, tc := range cases {
			res := c.Do("POST", "/api/v1/tokens", tc.ctype, tc.body)
			var body struct {
				Error struct {
					Code, Message string
					Fields        map[string]string
				}
			}
			if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
				t.Fatalf("case %d: not JSON: %s", i, res.Body)
			}
			if res.StatusCode != tc.want || body.Error.Code != tc.code || body.Error.Message == "" {
				t.Errorf("case %d: %d %+v, want %d %s", i, res.StatusCode, body.Error, tc.want, tc.code)
			}
			if tc.field != "" && body.Error.Fields[tc.field] == "" {
				t.Errorf("case %d: fields %v lack %q", i, body.Error.Fields, tc.field)
			}
		}
		if n := count(t, d, "api_tokens"); n != 0 {
			t.Fatalf("tokens written by bad requests: %d", n)
		}
		res := e.NewClient().Get("/api/v1/me", "Authorization", "Bearer zct_nope")
		if res.StatusCode != 401 || !strings.Contains(res.Body, `"code":"unauthorized"`) {
			t.Fatalf("bad token: %d %s", res.StatusCode, res.Body)
		}
		if res := e.NewClient().Get("/api/v1/nothing"); res.StatusCode != 404 || !strings.Contains(res.Body, `"not_found"`) {
			t.Fatalf("unknown API route: %d %s", res.StatusCode, res.Body)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.Login("buyera")
		const body = `{"name":"erp-sync","ttl_days":30}`
		var wg sync.WaitGroup
		results := make([]*servertest.Response, 50)
		for i := range results {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				results[i] = c.JSON("POST", "/api/v1/tokens", body, "Idempotency-Key", "k-concurrent")
			}(i)
		}
		wg.Wait()
		// The first answer carries the token's secret, once; replays answer the same record
		// without it (secrets are never kept).
		var first, replay string
		for _, r := range results {
			switch {
			case r.StatusCode == http.StatusCreated && r.Header.Get("Idempotent-Replayed") == "":
				if first != "" {
					t.Fatal("two first answers")
				}
				first = r.Body
			case r.StatusCode == http.StatusCreated:
				if replay == "" {
					replay = r.Body
				} else if r.Body != replay {
					t.Fatal("replays differ from each other")
				}
			case r.StatusCode == http.StatusConflict: // still running: the client retries later
			default:
				t.Fatalf("concurrent replay: %d %s", r.StatusCode, r.Body)
			}
		}
		if !strings.Contains(first, `"secret":"zct_`) {
			t.Fatalf("first answer without the secret: %s", first)
		}
		for i := 0; i < 50; i++ {
			r := c.JSON("POST", "/api/v1/tokens", body, "Idempotency-Key", "k-concurrent")
			if r.StatusCode != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "true" || (replay != "" && r.Body != replay) {
				t.Fatalf("sequential replay %d: %d", i, r.StatusCode)
			}
			replay = r.Body
		}
		var a, b map[string]any
		if json.Unmarshal([]byte(first), &a) != nil || json.Unmarshal([]byte(replay), &b) != nil {
			t.Fatal("answers are not JSON")
		}
		if _, kept := b["secret"]; kept {
			t.Error("a replay returns the token's secret: it was kept")
		}
		secret, _ := a["secret"].(string)
		delete(a, "secret")
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Errorf("replay %v, want the first answer without its secret %v", b, a)
		}
		rows, err := d.Query(t.Context(), `SELECT response_body FROM idempotency_keys`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var kept []byte
			if err := rows.Scan(&kept); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(kept), secret) {
				t.Error("the token's secret is kept in an idempotency record")
			}
		}
		rows.Close()
		if n := count(t, d, "api_tokens"); n != 1 {
			t.Fatalf("tokens created = %d, want 1", n)
		}
		if r := c.JSON("POST", "/api/v1/tokens", `{"name":"other"}`, "Idempotency-Key", "k-concurrent"); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("same key, other body: %d", r.StatusCode)
		}
		// A failed validation is an answer too, and replays as such.
		for i := 0; i < 2; i++ {
			if r := c.JSON("POST", "/api/v1/tokens", `{"name":""}`, "Idempotency-Key", "k-bad"); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad body with key: %d", r.StatusCode)
			}
		}
		// Keys belong to the caller: another company's identical key is its own.
		if r := e.Login("buyerb").JSON("POST", "/api/v1/tokens", body, "Idempotency-Key", "k-concurrent"); r.StatusCode != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("other tenant's key: %d", r.StatusCode)
		}
		if r := c.JSON("POST", "/api/v1/tokens", body, "Idempotency-Key", strings.Repeat("k", 300)); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("overlong key: %d", r.StatusCode)
		}
	})
}

func TestOperationsEndpointsAndHeaders(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		c := e.NewClient()
		res := c.Get("/healthz")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"ok"`) || !strings.Contains(res.Body, string(d.Engine)) {
			t.Fatalf("healthz: %d %s", res.StatusCode, res.Body)
		}
		res = c.Get("/")
		if res.StatusCode != 200 {
			t.Fatalf("home: %d", res.StatusCode)
		}
		h := res.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP: %s", csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Request-Id") == "" {
			t.Errorf("headers: %v", h)
		}
		if !strings.Contains(res.Body, "京ICP备00000000号-1") || !strings.Contains(res.Body, "beian.miit.gov.cn") {
			t.Error("footer lacks the ICP record")
		}
		if strings.Contains(res.Body, "<script>") || strings.Contains(res.Body, "http://cdn") || strings.Contains(res.Body, "https://cdn") {
			t.Error("inline script or CDN reference in the page")
		}
		res = c.Get("/metrics")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `zhuchao_http_requests_total{route="GET /{$}",code="200"}`) {
			t.Fatalf("metrics: %d\n%s", res.StatusCode, res.Body)
		}
		// Assets are content-hashed and cached for a year.
		home := c.Get("/").Body
		start := strings.Index(home, "/assets/app.")
		end := strings.Index(home[start:], `"`)
		asset := c.Get(home[start : start+end])
		if asset.StatusCode != 200 || !strings.Contains(asset.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(asset.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("asset %s: %d %v", home[start:start+end], asset.StatusCode, asset.Header)
		}
	})
}

func TestPagesRenderForEveryRole(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		pages := map[string][]string{
			"":       {"/", "/login", "/register", "/c/fasteners", "/search?q=螺栓", "/search?q=M8&sort=price_asc&badge=bao", "/c/fasteners?a.thread=M8", "/p/" + e.Products["supplierX"]},
			"buyera": {"/buyer/", "/buyer/members", "/account"},
			"supplierx": {"/seller/", "/seller/products", "/seller/members", "/account", "/seller/store", "/seller/store/preview", "/seller/deposit",
				"/seller/standing", "/seller/bulk", "/seller/freight", "/seller/freight/new", "/seller/catalog", "/seller/catalog/new", "/seller/catalog/" + e.Products["supplierX"], "/messages"},
			"admin": {"/admin/", "/admin/orgs/supplier", "/admin/orgs/buyer", "/admin/staff", "/admin/audit", "/account", "/admin/applications", "/admin/applications?state=all",
				"/admin/fees", "/admin/search", "/admin/deposits", "/admin/deposits/" + e.Orgs["supplierX"].ID, "/admin/categories", "/admin/suppliers/" + e.Orgs["supplierX"].ID, "/messages",
				"/store/" + e.Orgs["supplierX"].ID},
		}
		for user, paths := range pages {
			for _, lang := range []string{"zh-CN", "en"} {
				c := e.NewClient()
				if user != "" {
					c = e.Login(user)
				}
				c.Lang = lang
				for _, p := range paths {
					res := c.Get(p)
					if res.StatusCode != 200 {
						t.Errorf("%s %s %s: %d", user, lang, p, res.StatusCode)
						continue
					}
					if !strings.Contains(res.Body, fmt.Sprintf(`<html lang="%s">`, lang)) {
						t.Errorf("%s %s: wrong language", p, lang)
					}
				}
			}
		}
	})
}
