package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// Reviewers may work the supplier application queue.
var Reviewers = httpx.StaffRoles(identity.MerchantRecruitment, identity.OpsManager)

func (h *Handler) registerSupplier(mux *http.ServeMux) {
	h.route(mux, "GET /join", httpx.Anyone, h.joinForm)
	h.route(mux, "POST /join", httpx.Anyone, h.join)
	h.route(mux, "GET /seller/application", httpx.Seller, h.applicationForm)
	h.route(mux, "POST /seller/application", httpx.Seller, h.saveApplication)
	h.route(mux, "GET /admin/applications", Reviewers, h.applicationQueue)
	h.route(mux, "GET /admin/applications/{id}", Reviewers, h.applicationReview)
	h.route(mux, "POST /admin/applications/{id}", Reviewers, h.reviewApplication)
}

func (h *Handler) joinForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "join", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "join.title")})
	return nil
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := identity.RegisterInput{Kind: identity.Supplier, Login: v.Get("login"), Password: v.Get("password"), DisplayName: v.Get("display_name"),
		CompanyName: v.Get("company_name"), Lang: string(lang)}
	var check errs.Validator
	check.Merge(in.Validate())
	check.Check(v.Get("password") == v.Get("password2"), "password2", "err.password_mismatch")
	err = check.Err()
	var u *identity.User
	var a *supplier.Application
	if err == nil {
		u, a, err = h.Supplier.Apply(r.Context(), in)
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		v.Del("password")
		v.Del("password2")
		h.render(w, r, httpx.Status(errs.CodeOf(err)), "join", &Page{Title: i18n.T(lang, "join.title"), Form: f})
		return nil
	}
	if err := h.startSession(r, u.ID, a.OrgID); err != nil {
		return err
	}
	h.flash(r, i18n.T(lang, "join.welcome"))
	http.Redirect(w, r, "/seller/application", http.StatusSeeOther)
	return nil
}

// appView is an application with what its page needs around it.
type appView struct {
	App        *supplier.Application
	History    []supplier.Decision
	Categories []catalog.Category
	BrandRows  []supplier.Brand
	Checklist  []string
	Editable   bool
	LastReason string // the latest decision's reason, shown when returned or rejected
	Form       *Form
}

func (h *Handler) appView(r *http.Request, a *supplier.Application, hist []supplier.Decision) appView {
	rows := append([]supplier.Brand(nil), a.Brands...)
	for len(rows) < len(a.Brands)+2 || len(rows) < 3 {
		rows = append(rows, supplier.Brand{Kind: supplier.Trademark})
	}
	var roots []catalog.Category
	for _, c := range h.categories(r.Context()) {
		if c.ParentID == "" {
			roots = append(roots, c)
		}
	}
	v := appView{App: a, History: hist, Categories: roots, BrandRows: rows, Checklist: supplier.ChecklistItems, Editable: supplier.Editable(a.State)}
	if n := len(hist); n > 0 {
		v.LastReason = hist[n-1].Reason
	}
	return v
}

func (h *Handler) applicationForm(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	a, err := h.Supplier.Mine(r.Context(), p)
	if err != nil {
		return err
	}
	hist, err := h.Supplier.History(r.Context(), p)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "application", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "app.title"), Area: "seller", Nav: "application", Data: h.appView(r, a, hist)})
	return nil
}

// formToApplication reads the application form.
func formToApplication(v url.Values) supplier.Form {
	f := supplier.Form{
		CompanyName: v.Get("company_name"), CreditCode: v.Get("credit_code"), LegalRep: v.Get("legal_rep"), LegalRepID: v.Get("legal_rep_id"),
		RegAddress: v.Get("reg_address"), BusinessScope: v.Get("business_scope"), ContactName: v.Get("contact_name"),
		ContactMobile: v.Get("contact_mobile"), ContactEmail: v.Get("contact_email"), LicenceValidTo: v.Get("licence_valid_to"),
		Categories: v["categories"], LicenceBlob: v.Get("licence"),
	}
	f.Version, _ = strconv.ParseInt(v.Get("version"), 10, 64)
	for i := 0; i < 25; i++ {
		k := func(name string) string { return v.Get(fmt.Sprintf("brands[%d].%s", i, name)) }
		if _, ok := v[fmt.Sprintf("brands[%d].kind", i)]; !ok {
			break
		}
		var chain []string
		for _, c := range strings.FieldsFunc(k("chain"), func(r rune) bool { return r == '>' || r == '＞' || r == '\n' || r == '→' }) {
			if c = strings.TrimSpace(c); c != "" {
				chain = append(chain, c)
			}
		}
		f.Brands = append(f.Brands, supplier.Brand{Name: k("name"), Kind: k("kind"), TrademarkNo: k("tm_no"), Holder: k("holder"),
			Grantor: k("grantor"), Scope: k("scope"), Chain: chain, ValidTo: k("valid_to"), DocBlob: k("doc")})
	}
	return f
}

func (h *Handler) saveApplication(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	p := httpx.PrincipalFrom(r.Context())
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	in := formToApplication(v)
	for field, fh := range files {
		data, err := readUpload(fh)
		if err != nil {
			return err
		}
		f := &supplier.File{Name: fh.Filename, Data: data}
		if field == "licence_file" {
			in.LicenceFile = f
			continue
		}
		var i int
		if _, err := fmt.Sscanf(field, "brands[%d].doc_file", &i); err == nil && i >= 0 && i < len(in.Brands) {
			if in.BrandFiles == nil {
				in.BrandFiles = map[int]*supplier.File{}
			}
			in.BrandFiles[i] = f
		}
	}
	submit := v.Get("action") == "submit"
	if submit {
		_, err = h.Supplier.Submit(r.Context(), p, in, v.Get("agree") == "1")
	} else {
		_, err = h.Supplier.SaveDraft(r.Context(), p, in)
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		cur, err2 := h.Supplier.Mine(r.Context(), p)
		if err2 != nil {
			return err2
		}
		hist, _ := h.Supplier.History(r.Context(), p)
		// Show what was typed, over the stored application.
		shown := *cur
		shown.Brands = in.Brands
		view := h.appView(r, &shown, hist)
		view.Form = f
		h.render(w, r, httpx.Status(errs.CodeOf(err)), "application", &Page{Title: i18n.T(lang, "app.title"), Area: "seller", Nav: "application", Form: f, Data: view})
		return nil
	}
	msg := "app.saved"
	if submit {
		msg = "app.submitted"
	}
	h.flash(r, i18n.T(lang, msg))
	http.Redirect(w, r, "/seller/application", http.StatusSeeOther)
	return nil
}

type queueData struct {
	Apps   []supplier.Application
	Total  int64
	State  string
	States []string
}

func (h *Handler) applicationQueue(w http.ResponseWriter, r *http.Request) error {
	state := r.URL.Query().Get("state")
	f := supplier.Filter{Limit: 100}
	switch {
	case state == "":
		f.States = []string{supplier.Submitted, supplier.UnderReview}
	case state == "all":
	default:
		valid := false
		for _, s := range supplier.States {
			valid = valid || s == state
		}
		if !valid {
			return errs.Field("state", "err.state_unknown")
		}
		f.States = []string{state}
	}
	apps, total, err := h.Supplier.Queue(r.Context(), httpx.PrincipalFrom(r.Context()), f)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_applications", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "app.queue"), Area: "admin", Nav: "applications",
		Data: queueData{Apps: apps, Total: total, State: state, States: supplier.States}})
	return nil
}

func (h *Handler) applicationReview(w http.ResponseWriter, r *http.Request) error {
	a, hist, err := h.Supplier.Get(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_application", &Page{Title: a.CompanyName, Area: "admin", Nav: "applications", Data: h.appView(r, a, hist)})
	return nil
}

func (h *Handler) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	p := httpx.PrincipalFrom(r.Context())
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := supplier.ReviewInput{Checklist: map[string]bool{}, Outcome: v.Get("outcome"), Reason: v.Get("reason")}
	in.Version, _ = strconv.ParseInt(v.Get("version"), 10, 64)
	for _, k := range v["checklist"] {
		in.Checklist[k] = true
	}
	id := r.PathValue("id")
	if _, err := h.Supplier.Review(r.Context(), p, id, in); err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		a, hist, err2 := h.Supplier.Get(r.Context(), p, id)
		if err2 != nil {
			return err2
		}
		view := h.appView(r, a, hist)
		view.Form = f
		h.render(w, r, httpx.Status(errs.CodeOf(err)), "admin_application", &Page{Title: a.CompanyName, Area: "admin", Nav: "applications", Form: f, Data: view})
		return nil
	}
	h.flash(r, i18n.T(lang, "app.review_saved"))
	http.Redirect(w, r, "/admin/applications/"+id, http.StatusSeeOther)
	return nil
}
