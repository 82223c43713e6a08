package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
)

// RulesEditors may change ranking weights and synonyms.
var RulesEditors = httpx.StaffRoles(identity.OpsManager)

func (h *Handler) registerSearchRules(mux *http.ServeMux) {
	h.route(mux, "GET /admin/search/rules", RulesEditors, h.searchRules)
	h.route(mux, "POST /admin/search/rules", RulesEditors, h.searchRulesSave)
	h.route(mux, "POST /admin/search/rules/reset", RulesEditors, h.searchRulesReset)
	h.route(mux, "POST /admin/search/synonyms", RulesEditors, h.synonymsAdd)
	h.route(mux, "POST /admin/search/synonyms/{id}/delete", RulesEditors, h.synonymsDelete)
}

// ruleRow is one weight on the page.
type ruleRow struct {
	Key            string
	Value, Default string
	Min, Max       string
}

// synonymHit is a synonym group that the preview query touches.
type synonymHit struct {
	Terms   []string
	BuiltIn bool
}

type searchRulesData struct {
	State    *channel.RulesState
	Rows     []ruleRow
	Synonyms []channel.SynonymGroup
	BuiltIn  [][]string
	RuleForm *Form
	SynForm  *Form
	// The preview: what a query matches with the index as it is now.
	Q       string
	Preview *search.Result
	Touches []synonymHit
}

func fnum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (h *Handler) searchRulesPage(w http.ResponseWriter, r *http.Request, status int, d searchRulesData) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	st, err := h.SearchRules.State(ctx, p)
	if err != nil {
		return err
	}
	d.State = st
	for _, f := range channel.RuleFields {
		d.Rows = append(d.Rows, ruleRow{Key: f.Key, Value: fnum(f.Get(st.Rules)), Default: fnum(f.Default()), Min: fnum(f.Min), Max: fnum(f.Max)})
	}
	if d.Synonyms, err = h.SearchRules.Synonyms(ctx, p); err != nil {
		return err
	}
	d.BuiltIn = search.DefaultSynonyms
	d.Q = strings.TrimSpace(r.URL.Query().Get("q"))
	if d.Q != "" {
		if utf8.RuneCountInString(d.Q) > search.MaxQueryRunes || !validText(d.Q) {
			return errs.Field("q", "err.query_too_long", search.MaxQueryRunes)
		}
		res := h.Search.Index.Search(search.Request{Q: d.Q, Size: 10, Lang: string(httpx.LangFrom(ctx))})
		d.Preview = &res
		words := strings.Fields(strings.ToLower(d.Q))
		touch := func(terms []string) bool {
			for _, t := range terms {
				for _, w := range words {
					if strings.Contains(w, t) || strings.Contains(t, w) {
						return true
					}
				}
			}
			return false
		}
		for _, g := range search.DefaultSynonyms {
			if touch(g) {
				d.Touches = append(d.Touches, synonymHit{Terms: g, BuiltIn: true})
			}
		}
		for _, g := range d.Synonyms {
			if touch(g.Terms) {
				d.Touches = append(d.Touches, synonymHit{Terms: g.Terms})
			}
		}
	}
	pg := &Page{Title: i18n.T(httpx.LangFrom(ctx), "rules.title"), Area: "admin", Nav: "search", Data: d}
	h.render(w, r, status, "admin_search_rules", pg)
	return nil
}

func (h *Handler) searchRules(w http.ResponseWriter, r *http.Request) error {
	return h.searchRulesPage(w, r, http.StatusOK, searchRulesData{})
}

func (h *Handler) searchRulesSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := httpx.LangFrom(ctx)
	in := map[string]string{}
	for _, f := range channel.RuleFields {
		in[f.Key] = v.Get(f.Key)
	}
	if _, err := h.SearchRules.SaveRules(ctx, httpx.PrincipalFrom(ctx), in); err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.searchRulesPage(w, r, httpx.Status(errs.CodeOf(err)), searchRulesData{RuleForm: f})
	}
	h.flash(r, i18n.T(lang, "rules.saved"))
	http.Redirect(w, r, "/admin/search/rules", http.StatusSeeOther)
	return nil
}

func (h *Handler) searchRulesReset(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.SearchRules.ResetRules(ctx, httpx.PrincipalFrom(ctx)); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(ctx), "rules.reset_done"))
	http.Redirect(w, r, "/admin/search/rules", http.StatusSeeOther)
	return nil
}

func (h *Handler) synonymsAdd(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := httpx.LangFrom(ctx)
	terms, err := h.SearchRules.AddSynonyms(ctx, httpx.PrincipalFrom(ctx), v.Get("terms"))
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.searchRulesPage(w, r, httpx.Status(errs.CodeOf(err)), searchRulesData{SynForm: f})
	}
	h.flash(r, i18n.T(lang, "rules.synonyms_added", strings.Join(terms, " = ")))
	// Straight to the preview of the first term, so ops see what it now matches.
	http.Redirect(w, r, "/admin/search/rules?q="+urlQueryEscape(terms[0])+"#preview", http.StatusSeeOther)
	return nil
}

func (h *Handler) synonymsDelete(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.SearchRules.DeleteSynonyms(ctx, httpx.PrincipalFrom(ctx), r.PathValue("id")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(ctx), "rules.synonyms_deleted"))
	http.Redirect(w, r, "/admin/search/rules", http.StatusSeeOther)
	return nil
}
