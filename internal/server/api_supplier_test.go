package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

func TestSupplierAPI(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		s := e.NewClient()
		s.PostForm("/join", url.Values{"company_name": {"佛山联达管业有限公司"}, "display_name": {"林经理"}, "login": {"13622223333"}, "password": {"pass-word-1"}, "password2": {"pass-word-1"}})
		res := s.JSON("GET", "/api/v1/supplier/application", "")
		var app struct {
			ID      string
			State   string
			Version int64
		}
		if res.StatusCode != 200 || json.Unmarshal([]byte(res.Body), &app) != nil || app.State != "draft" {
			t.Fatalf("get application: %d %s", res.StatusCode, res.Body)
		}
		res = s.JSON("PUT", "/api/v1/supplier/application", `{"version":1,"company_name":"佛山联达管业有限公司","credit_code":"91350100M000100Y44"}`)
		if res.StatusCode != 422 || !strings.Contains(res.Body, `"credit_code"`) {
			t.Fatalf("bad credit code: %d %s", res.StatusCode, res.Body)
		}
		res = s.JSON("PUT", "/api/v1/supplier/application", `{"version":1,"company_name":"佛山联达管业有限公司","credit_code":"91350100M000100Y43","licence_file":"01900000-0000-7000-8000-000000000009"}`)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `"version":2`) || !strings.Contains(res.Body, `"licence_file":""`) {
			t.Fatalf("save draft (a foreign file reference must be dropped): %d %s", res.StatusCode, res.Body)
		}
		if res := s.JSON("POST", "/api/v1/supplier/application/submit", `{"version":2,"agree_terms":true}`); res.StatusCode != 422 || !strings.Contains(res.Body, `"licence"`) {
			t.Fatalf("incomplete submission: %d %s", res.StatusCode, res.Body)
		}
		// The applicant cannot reach the review API; buyers cannot reach supplier APIs.
		if res := s.JSON("GET", "/api/v1/admin/applications", ""); res.StatusCode != 403 {
			t.Fatalf("applicant lists applications: %d", res.StatusCode)
		}
		if res := e.Login("buyera").JSON("GET", "/api/v1/supplier/application", ""); res.StatusCode != 403 {
			t.Fatalf("buyer reads an application: %d", res.StatusCode)
		}
		admin := e.Login("admin")
		if res := admin.JSON("GET", "/api/v1/admin/applications?state=all", ""); res.StatusCode != 200 || !strings.Contains(res.Body, app.ID) {
			t.Fatalf("admin list: %d %s", res.StatusCode, res.Body)
		}
		if res := admin.JSON("GET", "/api/v1/admin/applications?state=bogus", ""); res.StatusCode != 422 {
			t.Fatalf("bad state: %d", res.StatusCode)
		}
		if res := admin.JSON("POST", "/api/v1/admin/applications/"+app.ID+"/review", `{"version":2,"outcome":"approve"}`); res.StatusCode != 409 {
			t.Fatalf("approve a draft: %d %s", res.StatusCode, res.Body)
		}
		// Public store and deposit.
		if res := e.NewClient().JSON("GET", "/api/v1/stores/"+e.Orgs["supplierX"].ID, ""); res.StatusCode != 200 || !strings.Contains(res.Body, `"licence"`) {
			t.Fatalf("store API: %d %s", res.StatusCode, res.Body)
		}
		if res := e.NewClient().JSON("GET", "/api/v1/stores/"+app.ID, ""); res.StatusCode != 404 {
			t.Fatalf("unknown store: %d", res.StatusCode)
		}
		if res := e.Login("supplierx").JSON("GET", "/api/v1/supplier/deposit", ""); res.StatusCode != 200 || !strings.Contains(res.Body, `"paid_in_full":true`) {
			t.Fatalf("deposit API: %d %s", res.StatusCode, res.Body)
		}
		if res := s.JSON("GET", "/api/v1/messages", ""); res.StatusCode != 200 || !strings.Contains(res.Body, `"unread"`) {
			t.Fatalf("messages API: %d %s", res.StatusCode, res.Body)
		}
	})
}
