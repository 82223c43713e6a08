package web

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

type accountData struct {
	Invites     []identity.Invite // invitations waiting for this person's answer
	Memberships []identity.Membership
	Tokens      []identity.Token
	NewSecret   string // shown once, right after creation
	PwForm      *Form
	TokenForm   *Form
}

func (h *Handler) accountPage(w http.ResponseWriter, r *http.Request, status int, d accountData) error {
	p := httpx.PrincipalFrom(r.Context())
	var err error
	if d.Memberships, err = h.Identity.Memberships(r.Context(), p.User.ID); err != nil {
		return err
	}
	if d.Tokens, err = h.Identity.Tokens(r.Context(), p); err != nil {
		return err
	}
	if d.Invites, err = h.Identity.MyInvites(r.Context(), p); err != nil {
		return err
	}
	h.render(w, r, status, "account", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "account.title"), Area: areaOf(p), Nav: "account", Data: d})
	return nil
}

// areaOf names the navigation area a principal's pages sit in.
func areaOf(p *identity.Principal) string {
	switch {
	case p.Is(identity.Platform):
		return "admin"
	case p.Is(identity.Supplier):
		return "seller"
	case p.Is(identity.Buyer):
		return "buyer"
	}
	return ""
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request) error {
	return h.accountPage(w, r, http.StatusOK, accountData{})
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	p := httpx.PrincipalFrom(r.Context())
	err = h.Identity.ChangePassword(r.Context(), p, v.Get("current_password"), v.Get("new_password"))
	if err != nil {
		f, ok := formFromError(lang, nil, err)
		if !ok {
			return err
		}
		return h.accountPage(w, r, http.StatusUnprocessableEntity, accountData{PwForm: f})
	}
	// A changed password starts a fresh session token as well.
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.flash(r, i18n.T(lang, "account.password_changed"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	p := httpx.PrincipalFrom(r.Context())
	var ttl time.Duration
	switch v.Get("ttl") {
	case "30":
		ttl = 30 * 24 * time.Hour
	case "90":
		ttl = 90 * 24 * time.Hour
	case "365":
		ttl = 365 * 24 * time.Hour
	}
	_, secret, err := h.Identity.CreateToken(r.Context(), p, v.Get("name"), ttl)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.accountPage(w, r, http.StatusUnprocessableEntity, accountData{TokenForm: f})
	}
	return h.accountPage(w, r, http.StatusOK, accountData{NewSecret: secret})
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	if err := h.Identity.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "account.token_revoked"))
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// answerInvite accepts or declines an invitation to join a company.
func (h *Handler) answerInvite(accept bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		lang := httpx.LangFrom(r.Context())
		in, err := h.Identity.AnswerInvite(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), accept)
		if err != nil {
			if !errs.Is(err, errs.Conflict) {
				return err
			}
			h.flash(r, i18n.Msg(lang, errs.As(err).Msg))
		} else if accept {
			h.flash(r, i18n.T(lang, "account.invite.accepted", in.OrgName))
		} else {
			h.flash(r, i18n.T(lang, "account.invite.declined", in.OrgName))
		}
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
}
