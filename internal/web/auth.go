package web

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Session keys.
const (
	SessionUser = "user_id"
	SessionOrg  = "org_id"
)

type loginData struct{ Next string }

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if p := httpx.PrincipalFrom(r.Context()); p != nil {
		http.Redirect(w, r, areaPath(p), http.StatusSeeOther)
		return nil
	}
	h.render(w, r, http.StatusOK, "login", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "login.title"), Data: loginData{Next: next}})
	return nil
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	next := safeNext(v.Get("next"))
	u, err := h.Identity.Login(r.Context(), v.Get("login"), v.Get("password"))
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		v.Del("password")
		h.render(w, r, httpx.Status(errs.CodeOf(err)), "login", &Page{Title: i18n.T(lang, "login.title"), Form: f, Data: loginData{Next: next}})
		return nil
	}
	// A new session token at every login defeats session fixation.
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), SessionUser, u.ID)
	h.sessions.Remove(r.Context(), SessionOrg)
	p, err := h.Identity.Principal(r.Context(), u.ID, "")
	if err != nil {
		return err
	}
	h.sessions.Put(r.Context(), SessionOrg, p.Org.ID)
	if inv, err := h.Identity.MyInvites(r.Context(), p); err == nil && len(inv) > 0 {
		h.flash(r, i18n.T(lang, "login.invites", len(inv)))
	}
	if next == "" {
		next = areaPath(p)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// areaPath is where a principal lands after signing in.
func areaPath(p *identity.Principal) string {
	switch p.Org.Kind {
	case identity.Platform:
		return "/admin/"
	case identity.Supplier:
		return "/seller/"
	}
	return "/buyer/"
}

func (h *Handler) areaHome(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, areaPath(httpx.PrincipalFrom(r.Context())), http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Identity.Logout(r.Context(), httpx.PrincipalFrom(r.Context())); err != nil {
		return err
	}
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) error {
	h.render(w, r, http.StatusOK, "register", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "register.title")})
	return nil
}

func (h *Handler) register(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	in := identity.RegisterInput{
		Login: v.Get("login"), Password: v.Get("password"), DisplayName: v.Get("display_name"),
		CompanyName: v.Get("company_name"), CreditCode: v.Get("credit_code"), Lang: string(lang),
	}
	var check errs.Validator
	check.Merge(in.Validate())
	check.Check(v.Get("password") == v.Get("password2"), "password2", "err.password_mismatch")
	check.Check(v.Get("agree") == "1", "agree", "err.agree_required")
	err = check.Err()
	var u *identity.User
	var o *identity.Org
	if err == nil {
		u, o, err = h.Identity.Register(r.Context(), in)
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		v.Del("password")
		v.Del("password2")
		h.render(w, r, httpx.Status(errs.CodeOf(err)), "register", &Page{Title: i18n.T(lang, "register.title"), Form: f})
		return nil
	}
	if err := h.startSession(r, u.ID, o.ID); err != nil {
		return err
	}
	h.flash(r, i18n.T(lang, "register.welcome", o.Name))
	http.Redirect(w, r, "/buyer/", http.StatusSeeOther)
	return nil
}

func setLangCookie(w http.ResponseWriter, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(l), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) setLang(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	setLangCookie(w, i18n.Parse(v.Get("lang")))
	back := safeNext(v.Get("next"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func (h *Handler) switchOrg(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalFrom(r.Context())
	np, err := h.Identity.Principal(r.Context(), p.User.ID, v.Get("org_id"))
	if err != nil {
		return err
	}
	if np.Org.ID != v.Get("org_id") {
		return errs.E(errs.NotFound, "err.not_found")
	}
	h.sessions.Put(r.Context(), SessionOrg, np.Org.ID)
	http.Redirect(w, r, areaPath(np), http.StatusSeeOther)
	return nil
}
