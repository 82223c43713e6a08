package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/money"
)

func (h *Handler) registerFreight(mux *http.ServeMux) {
	h.route(mux, "GET /seller/freight", httpx.Seller, h.freightList)
	h.route(mux, "GET /seller/freight/{id}", httpx.Seller, h.freightForm)
	h.route(mux, "POST /seller/freight/{id}", httpx.Seller, h.freightSave)
	h.route(mux, "POST /seller/catalog/{id}/freight", httpx.Seller, h.assignFreight)
}

func (h *Handler) assignFreight(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.Freight.Assign(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("freight")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "app.saved"))
	http.Redirect(w, r, "/seller/catalog/"+id+"#freight", http.StatusSeeOther)
	return nil
}

// freightRows is how many rule rows the form offers (the first is the default).
const freightRows = 6

type freightData struct {
	List      []freight.Template
	T         *freight.Template
	ID        string // "new" for a new template
	Rows      []freight.Rule
	Provinces []freight.Province
}

// Yuan formats fen for a form field ("" for zero).
func (freightData) Yuan(f money.Fen) string {
	if f == 0 {
		return ""
	}
	return f.String()
}

// Has reports whether a rule covers a province.
func (freightData) Has(r freight.Rule, code string) bool { return slices.Contains(r.Provinces, code) }

func (h *Handler) freightList(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Freight.Mine(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "seller_freight", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.freight"), Area: "seller", Nav: "freight", Data: freightData{List: list}})
	return nil
}

func (h *Handler) freightPage(w http.ResponseWriter, r *http.Request, status int, t *freight.Template, f *Form) error {
	d := freightData{T: t, ID: r.PathValue("id"), Provinces: freight.Provinces}
	d.Rows = append(d.Rows, t.Rules...)
	for len(d.Rows) < freightRows {
		d.Rows = append(d.Rows, freight.Rule{})
	}
	h.render(w, r, status, "seller_freight_edit", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.freight"), Area: "seller", Nav: "freight", Form: f, Data: d})
	return nil
}

func (h *Handler) freightForm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if id == "new" {
		return h.freightPage(w, r, http.StatusOK, &freight.Template{Basis: freight.ByWeight, Rules: []freight.Rule{{First: 1, Add: 1}}}, nil)
	}
	t, err := h.Freight.Get(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.freightPage(w, r, http.StatusOK, t, nil)
}

func (h *Handler) freightSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	in := freight.Input{Name: v.Get("name"), Basis: v.Get("basis"), FreeAbove: v.Get("free_above"), Excluded: v["excluded"]}
	for i := 0; i < freightRows; i++ {
		k := func(n string) string { return fmt.Sprintf("rules[%d].%s", i, n) }
		in.Rules = append(in.Rules, freight.RuleInput{Provinces: v[k("provinces")], First: v.Get(k("first")), FirstFee: v.Get(k("first_fee")), Add: v.Get(k("add")), AddFee: v.Get(k("add_fee"))})
	}
	saveID := id
	if id == "new" {
		saveID = ""
	}
	t, err := h.Freight.Save(r.Context(), httpx.PrincipalFrom(r.Context()), saveID, in)
	if err != nil {
		f, ok := formFromError(httpx.LangFrom(r.Context()), v, err)
		if !ok {
			return err
		}
		// Re-show what was typed.
		shown := &freight.Template{Name: in.Name, Basis: in.Basis, Excluded: in.Excluded}
		for _, ri := range in.Rules {
			var rule freight.Rule
			rule.Provinces = ri.Provinces
			fmt.Sscan(ri.First, &rule.First)
			fmt.Sscan(ri.Add, &rule.Add)
			rule.FirstFee, _ = money.ParseYuan(ri.FirstFee)
			rule.AddFee, _ = money.ParseYuan(ri.AddFee)
			shown.Rules = append(shown.Rules, rule)
		}
		shown.FreeAbove, _ = money.ParseYuan(in.FreeAbove)
		return h.freightPage(w, r, httpx.Status(errs.CodeOf(err)), shown, f)
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "app.saved"))
	http.Redirect(w, r, "/seller/freight/"+t.ID, http.StatusSeeOther)
	return nil
}
