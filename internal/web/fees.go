package web

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

func (h *Handler) registerFees(mux *http.ServeMux) {
	pol := httpx.StaffRoles(identity.OpsManager)
	h.route(mux, "GET /admin/fees", pol, h.feesPage)
	h.route(mux, "POST /admin/fees", pol, h.addFee)
}

type feesData struct {
	Rules   []fees.Rule
	Current []fees.Rule // the default rule of each kind in force now
	Kinds   []string
	CatName map[string]string
}

func (h *Handler) feesView(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	rules, err := h.Fees.Rules(r.Context())
	if err != nil {
		return err
	}
	d := feesData{Rules: rules, Kinds: fees.Kinds, CatName: map[string]string{}}
	for _, k := range fees.Kinds {
		d.Current = append(d.Current, fees.InForce(rules, k, nil, time.Now()))
	}
	pg := &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.fees"), Area: "admin", Nav: "fees", Form: f, Data: d}
	h.fillPage(r, pg)
	for _, c := range pg.Categories {
		d.CatName[c.ID] = pg.CatName(c)
	}
	pg.Data = d
	h.render(w, r, status, "admin_fees", pg)
	return nil
}

func (h *Handler) feesPage(w http.ResponseWriter, r *http.Request) error {
	return h.feesView(w, r, http.StatusOK, nil)
}

func (h *Handler) addFee(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	_, err = h.Fees.AddRule(r.Context(), httpx.PrincipalFrom(r.Context()), fees.RuleInput{Kind: v.Get("kind"), CategoryID: v.Get("category_id"),
		Rate: v.Get("rate"), Fixed: v.Get("fixed"), EffectiveFrom: v.Get("effective_from"), Note: v.Get("note")})
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.feesView(w, r, httpx.Status(errs.CodeOf(err)), f)
	}
	h.flash(r, i18n.T(lang, "app.saved"))
	http.Redirect(w, r, "/admin/fees", http.StatusSeeOther)
	return nil
}
