package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/standing"
)

// StandingStaff apply penalties, rewards and removal.
var StandingStaff = httpx.StaffRoles(identity.OpsManager)

func (h *Handler) registerStanding(mux *http.ServeMux) {
	h.route(mux, "GET /seller/standing", httpx.Seller, h.sellerStanding)
	h.route(mux, "POST /seller/standing/{id}/appeal", httpx.Seller, h.appeal)
	h.route(mux, "GET /admin/suppliers/{id}", StandingStaff, h.adminSupplier)
	h.route(mux, "POST /admin/suppliers/{id}/{op}", StandingStaff, h.adminSupplierOp)
	h.route(mux, "POST /admin/penalties/{id}/decide", StandingStaff, h.decideAppeal)
}

type standingData struct {
	Org      *identity.Org
	Standing *standing.Standing
	Kinds    []string
	Rewards  []string
	Op       string
}

func (h *Handler) sellerStanding(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	st, err := h.Standing.Of(r.Context(), p.Org.ID, time.Now())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "seller_standing", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.standing"), Area: "seller", Nav: "standing", Data: standingData{Org: &p.Org, Standing: st}})
	return nil
}

func (h *Handler) appeal(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	if err := h.Standing.Appeal(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("appeal")); err != nil {
		e := errs.As(err)
		if e == nil || e.Code == errs.Internal || e.Code == errs.NotFound {
			return err
		}
		h.flash(r, i18n.Msg(lang, e.Msg)+" "+fieldText(lang, e))
	} else {
		h.flash(r, i18n.T(lang, "standing.appealed"))
	}
	http.Redirect(w, r, "/seller/standing", http.StatusSeeOther)
	return nil
}

func (h *Handler) adminSupplierPage(w http.ResponseWriter, r *http.Request, status int, f *Form, op string) error {
	id := r.PathValue("id")
	o, err := h.Identity.Store.OrgByID(r.Context(), id)
	if err != nil {
		return err
	}
	if o.Kind != identity.Supplier {
		return errs.E(errs.NotFound, "err.not_found")
	}
	st, err := h.Standing.Of(r.Context(), id, time.Now())
	if err != nil {
		return err
	}
	h.render(w, r, status, "admin_supplier", &Page{Title: o.Name, Area: "admin", Nav: "orgs_supplier", Form: f,
		Data: standingData{Org: o, Standing: st, Kinds: standing.PenaltyKinds, Rewards: standing.RewardKinds, Op: op}})
	return nil
}

func (h *Handler) adminSupplier(w http.ResponseWriter, r *http.Request) error {
	return h.adminSupplierPage(w, r, http.StatusOK, nil, "")
}

// dateField parses an optional YYYY-MM-DD date (end of that day, Asia/Shanghai).
func dateField(v *errs.Validator, s, field string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02", s, shanghai)
	if err != nil {
		v.Add(field, "err.date_format")
		return time.Time{}
	}
	return t.Add(24 * time.Hour)
}

func (h *Handler) adminSupplierOp(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, op := r.PathValue("id"), r.PathValue("op")
	p := httpx.PrincipalFrom(r.Context())
	lang := httpx.LangFrom(r.Context())
	var check errs.Validator
	until := dateField(&check, v.Get("until"), "until")
	switch op {
	case "penalty":
		var amt money.Fen
		if s := strings.TrimSpace(v.Get("amount")); s != "" {
			if amt, err = money.ParseYuan(s); err != nil {
				check.Add("amount", "err.amount_format")
			}
		}
		if err = check.Err(); err == nil {
			_, err = h.Standing.Penalize(r.Context(), p, id, standing.PenaltyInput{Kind: v.Get("kind"), Reason: v.Get("reason"), Amount: amt, Until: until})
		}
	case "reward":
		if err = check.Err(); err == nil {
			_, err = h.Standing.Reward(r.Context(), p, id, v.Get("kind"), v.Get("reason"), until)
		}
	case "remove":
		err = h.Standing.Remove(r.Context(), p, id, v.Get("reason"))
	default:
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.adminSupplierPage(w, r, httpx.Status(errs.CodeOf(err)), f, op)
	}
	h.flash(r, i18n.T(lang, "app.review_saved"))
	http.Redirect(w, r, "/admin/suppliers/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) decideAppeal(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	pen, err := h.Standing.Store.Penalty(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.Standing.Decide(r.Context(), httpx.PrincipalFrom(r.Context()), pen.ID, v.Get("outcome") == "overturn", v.Get("note")); err != nil {
		e := errs.As(err)
		if e == nil || e.Code == errs.Internal {
			return err
		}
		h.flash(r, i18n.Msg(lang, e.Msg)+" "+fieldText(lang, e))
	} else {
		h.flash(r, i18n.T(lang, "app.review_saved"))
	}
	http.Redirect(w, r, "/admin/suppliers/"+pen.OrgID, http.StatusSeeOther)
	return nil
}
