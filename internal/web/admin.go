package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

func (h *Handler) adminHome(w http.ResponseWriter, r *http.Request) error {
	stats, err := h.Stats.PlatformStats(r.Context())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_home", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "admin.title"), Area: "admin", Nav: "home", Data: stats})
	return nil
}

type orgsData struct {
	Kind identity.OrgKind
	Orgs []identity.Org
}

func (h *Handler) adminOrgs(w http.ResponseWriter, r *http.Request) error {
	kind := identity.OrgKind(r.PathValue("kind"))
	if kind != identity.Supplier && kind != identity.Buyer {
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	orgs, err := h.Identity.Store.Orgs(r.Context(), kind, 500)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_orgs", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "orgkind."+string(kind)), Area: "admin", Nav: "orgs_" + string(kind), Data: orgsData{Kind: kind, Orgs: orgs}})
	return nil
}

type staffData struct {
	Members   []identity.Member
	Roles     []identity.Role
	Form      *Form
	ResetForm *Form
}

func (h *Handler) staffPage(w http.ResponseWriter, r *http.Request, status int, d staffData) error {
	plat, err := h.Identity.PlatformOrg(r.Context())
	if err != nil {
		return err
	}
	if d.Members, err = h.Identity.Store.Members(r.Context(), plat.ID); err != nil {
		return err
	}
	d.Roles = identity.RolesFor(identity.Platform)
	h.render(w, r, status, "admin_staff", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.staff"), Area: "admin", Nav: "staff", Data: d})
	return nil
}

func (h *Handler) adminStaff(w http.ResponseWriter, r *http.Request) error {
	return h.staffPage(w, r, http.StatusOK, staffData{})
}

func (h *Handler) adminCreateStaff(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	var roles []identity.Role
	for _, s := range v["roles"] {
		roles = append(roles, identity.Role(s))
	}
	u, err := h.Identity.CreateStaff(r.Context(), httpx.PrincipalFrom(r.Context()), identity.StaffInput{
		Username: v.Get("username"), DisplayName: v.Get("display_name"), Password: v.Get("password"), Roles: roles,
	})
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		f.Values.Del("password")
		return h.staffPage(w, r, httpx.Status(errs.CodeOf(err)), staffData{Form: f})
	}
	h.flash(r, i18n.T(lang, "staff.created", u.Username))
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	return nil
}

func (h *Handler) adminResetPassword(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	u, err := h.Identity.ResetPassword(r.Context(), httpx.PrincipalFrom(r.Context()), v.Get("login"), v.Get("password"))
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		f.Values.Del("password")
		return h.staffPage(w, r, httpx.Status(errs.CodeOf(err)), staffData{ResetForm: f})
	}
	h.flash(r, i18n.T(lang, "staff.reset_done", u.DisplayName))
	http.Redirect(w, r, "/admin/staff", http.StatusSeeOther)
	return nil
}

type auditData struct {
	Entries []audit.Entry
	Action  string
	NextURL string
}

func (h *Handler) adminAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := audit.Filter{Action: strings.TrimSpace(q.Get("action")), Limit: 100}
	if len(f.Action) > 64 || !validText(f.Action) {
		return errs.Field("action", "err.too_long", 64)
	}
	if b := q.Get("before"); b != "" {
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n < 0 {
			return errs.Field("before", "err.page_number")
		}
		f.Before = n
	}
	entries, err := h.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	d := auditData{Entries: entries, Action: f.Action}
	if len(entries) == f.Limit {
		d.NextURL = "/admin/audit?action=" + urlQueryEscape(f.Action) + "&before=" + strconv.FormatInt(entries[len(entries)-1].Seq, 10)
	}
	h.render(w, r, http.StatusOK, "admin_audit", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.audit"), Area: "admin", Nav: "audit", Data: d})
	return nil
}
