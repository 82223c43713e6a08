package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Me is the caller as the API shows it.
type Me struct {
	UserID      string   `json:"user_id"`
	DisplayName string   `json:"display_name"`
	OrgID       string   `json:"org_id"`
	OrgName     string   `json:"org_name"`
	OrgKind     string   `json:"org_kind"`
	Roles       []string `json:"roles"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	m := Me{UserID: p.User.ID, DisplayName: p.User.DisplayName, OrgID: p.Org.ID, OrgName: p.Org.Name, OrgKind: string(p.Org.Kind), Roles: []string{}}
	for _, r := range p.Roles {
		m.Roles = append(m.Roles, string(r))
	}
	WriteJSON(w, http.StatusOK, m)
	return nil
}

// Category is a category as the API shows it.
type Category struct {
	ID       string `json:"id"`
	ParentID string `json:"parent_id,omitempty"`
	Code     string `json:"code"`
	NameZH   string `json:"name_zh"`
	NameEN   string `json:"name_en"`
	Depth    int    `json:"depth"`
	Path     string `json:"path"`
}

func (a *API) categories(w http.ResponseWriter, r *http.Request) error {
	cats, err := a.Catalog.Categories(r.Context())
	if err != nil {
		return err
	}
	out := make([]Category, 0, len(cats))
	for _, c := range cats {
		out = append(out, Category{ID: c.ID, ParentID: c.ParentID, Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, Depth: c.Depth, Path: c.Path})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// Token is an API token as the API shows it; Secret only in the creation response.
type Token struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Revoked    bool       `json:"revoked"`
	Secret     string     `json:"secret,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tokenOut(t identity.Token) Token {
	return Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, ExpiresAt: timePtr(t.ExpiresAt), LastUsedAt: timePtr(t.LastUsedAt), Revoked: !t.RevokedAt.IsZero()}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := a.Identity.Tokens(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	out := make([]Token, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenOut(t))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// CreateTokenRequest is the body of POST /api/v1/tokens.
type CreateTokenRequest struct {
	Name    string `json:"name"`
	TTLDays int    `json:"ttl_days"`
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var in CreateTokenRequest
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if in.TTLDays < 0 || in.TTLDays > 3650 {
		return errs.Field("ttl_days", "err.ttl_days", 0, 3650)
	}
	t, secret, err := a.Identity.CreateToken(r.Context(), httpx.PrincipalFrom(r.Context()), in.Name, time.Duration(in.TTLDays)*24*time.Hour)
	if err != nil {
		return err
	}
	out := tokenOut(*t)
	out.Secret = secret
	WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Identity.RevokeToken(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id")))
}
