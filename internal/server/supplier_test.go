package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// TestSupplierOnboardingThroughPages: a company applies, fills in and submits its
// application, merchant recruitment reviews it, and the approved supplier sees it.
func TestSupplierOnboardingThroughPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		s := e.NewClient()
		res := s.PostForm("/join", url.Values{"company_name": {"东莞精密五金有限公司"}, "display_name": {"陈经理"}, "login": {"13711112222"}, "password": {"pass-word-1"}, "password2": {"pass-word-1"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/seller/application" {
			t.Fatalf("join: %d %s", res.StatusCode, res.Body)
		}
		page := s.Get("/seller/application")
		if page.StatusCode != 200 || !strings.Contains(page.Body, "东莞精密五金有限公司") {
			t.Fatalf("application page: %d", page.StatusCode)
		}
		var cat string
		d.QueryRow(t.Context(), `SELECT id FROM categories WHERE code = 'fasteners'`).Scan(&cat)
		form := url.Values{"version": {"1"}, "company_name": {"东莞精密五金有限公司"}, "credit_code": {"91350100M000100Y43"}, "legal_rep": {"陈大文"},
			"reg_address": {"广东省东莞市长安镇 88 号"}, "business_scope": {"五金制品制造"}, "contact_name": {"陈经理"}, "contact_mobile": {"13711112222"},
			"categories":     {cat},
			"brands[0].name": {"精钜"}, "brands[0].kind": {"trademark"}, "brands[0].tm_no": {"88886666"}, "brands[0].holder": {"东莞精密五金有限公司"},
			"brands[0].valid_to": {"2031-05-01"},
			"brands[1].name":     {""}, "brands[1].kind": {"trademark"},
			"action": {"submit"}}
		files := map[string]struct {
			Name string
			Data []byte
		}{"licence_file": {"执照.png", servertest.PNG()}, "brands[0].doc_file": {"商标证.pdf", servertest.PDF()}}
		post := func(v url.Values) *servertest.Response {
			body, ctype := servertest.Multipart(v, files)
			return s.Do("POST", "/seller/application", ctype, body)
		}
		// Without the agreement nothing is submitted, and the page names the field.
		res = post(form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "请阅读并同意服务协议") {
			t.Fatalf("submit without agreement: %d", res.StatusCode)
		}
		form.Set("agree", "1")
		form.Set("brands[0].valid_to", "2020-01-01")
		res = post(form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "2020-01-01 已过期") {
			t.Fatalf("expired trademark: %d", res.StatusCode)
		}
		form.Set("brands[0].valid_to", "2031-05-01")
		if res = post(form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("submit: %d %s", res.StatusCode, res.Body)
		}
		// The scans are readable by the applicant and staff only, served safely.
		var licence string
		d.QueryRow(t.Context(), `SELECT licence_blob FROM supplier_applications`).Scan(&licence)
		if f := s.Get("/files/" + licence); f.StatusCode != 200 || f.Header.Get("X-Content-Type-Options") != "nosniff" || f.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("applicant reads its licence: %d %v", f.StatusCode, f.Header)
		}
		if f := s.Get("/files/" + licence + "/thumb240"); f.StatusCode != 200 || f.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("thumbnail: %d", f.StatusCode)
		}
		if got := e.Login("supplierx").Get("/files/" + licence).StatusCode; got != 404 {
			t.Fatalf("another supplier reads the licence: %d", got)
		}
		if got := e.NewClient().Get("/files/" + licence).StatusCode; got != 404 {
			t.Fatalf("anonymous reads the licence: %d", got)
		}
		if got := e.Login("admin").Get("/files/" + licence).StatusCode; got != 200 {
			t.Fatalf("staff cannot read the licence: %d", got)
		}
		// Buyers and suppliers cannot reach the queue; admin can.
		if got := e.Login("buyera").Get("/admin/applications").StatusCode; got != 404 {
			t.Fatalf("buyer reaches the review queue: %d", got)
		}
		if got := s.Get("/admin/applications").StatusCode; got != 404 {
			t.Fatalf("applicant reaches the review queue: %d", got)
		}
		if got := e.Login("kefu").Get("/admin/applications").StatusCode; got != 404 {
			t.Fatalf("customer service reaches the review queue: %d", got)
		}
		a := e.Login("admin")
		q := a.Get("/admin/applications")
		if !strings.Contains(q.Body, "东莞精密五金有限公司") {
			t.Fatal("queue lacks the application")
		}
		var id string
		var version string
		d.QueryRow(t.Context(), `SELECT id, CAST(version AS TEXT) FROM supplier_applications`).Scan(&id, &version)
		if res := a.PostForm("/admin/applications/"+id, url.Values{"version": {version}, "outcome": {"start"}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("start: %d %s", res.StatusCode, res.Body)
		}
		d.QueryRow(t.Context(), `SELECT CAST(version AS TEXT) FROM supplier_applications`).Scan(&version)
		approve := url.Values{"version": {version}, "outcome": {"approve"}, "checklist": supplier.ChecklistItems[:3]}
		if res := a.PostForm("/admin/applications/"+id, approve); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "审核清单全部勾选后才能通过") {
			t.Fatalf("approve with partial checklist: %d", res.StatusCode)
		}
		approve["checklist"] = supplier.ChecklistItems
		if res := a.PostForm("/admin/applications/"+id, approve); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("approve: %d %s", res.StatusCode, res.Body)
		}
		page = s.Get("/seller/application")
		if !strings.Contains(page.Body, "入驻申请已通过") {
			t.Fatal("supplier does not see the approval")
		}
		if home := s.Get("/seller/"); strings.Contains(home.Body, "尚未通过入驻审核") {
			t.Fatal("approved supplier still told it is not approved")
		}
		// Another supplier cannot open this application in the console.
		if got := e.Login("supplierx").Get("/admin/applications/" + id).StatusCode; got != 404 {
			t.Fatalf("supplier opens another's application: %d", got)
		}
	})
}
