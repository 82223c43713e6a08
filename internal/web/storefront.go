package web

import (
	"time"

	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/standing"
	"github.com/zhuchao/zhuchao/internal/storefront"
)

// StoreStaff may take stores and modules down.
var StoreStaff = httpx.StaffRoles(identity.OpsManager)

func (h *Handler) registerStorefront(mux *http.ServeMux) {
	h.route(mux, "GET /store/{id}", httpx.Anyone, h.storePage)
	h.route(mux, "GET /seller/store", httpx.Seller, h.storeEditor)
	h.route(mux, "GET /seller/store/preview", httpx.Seller, h.storePreview)
	h.route(mux, "POST /seller/store/profile", httpx.Seller, h.storeProfile)
	h.route(mux, "POST /seller/store/modules", httpx.Seller, h.storeModules)
	h.route(mux, "POST /seller/store/publish", httpx.Seller, h.storePublish)
	h.route(mux, "GET /admin/stores/{id}", StoreStaff, h.adminStore)
	h.route(mux, "POST /admin/stores/{id}/takedown", StoreStaff, h.adminTakedown)
}

// moduleView is a module with the products and category it shows.
type moduleView struct {
	storefront.Module
	Cards    []catalog.ProductCard
	Category *catalog.Category
}

// storeView is a store page's data.
type storeView struct {
	Store     *storefront.Store
	Licence   *storefront.Licence
	Modules   []moduleView
	Preview   bool
	Query     string
	Results   []catalog.ProductCard
	Total     int64
	Level     int             // the supplier's level now (0 when not known)
	Badges    standing.Badges // 「筑」 and 「保」 as they stand now
	Staff     bool
	AllLive   []storefront.Module
	Products  []catalog.ProductCard // the supplier's products, for the editor
	Roots     []catalog.Category
	Kinds     []string
	ProfForm  *Form
	ModForm   *Form
	Published bool
}

func (h *Handler) modules(r *http.Request, orgID string, ms []storefront.Module) ([]moduleView, error) {
	cats := h.categories(r.Context())
	var out []moduleView
	for _, m := range ms {
		v := moduleView{Module: m}
		switch m.Kind {
		case storefront.Featured:
			cards, _, err := h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: orgID, IDs: m.ProductIDs, Limit: storefront.MaxFeatured})
			if err != nil {
				return nil, err
			}
			v.Cards = cards
		case storefront.Categories:
			for i := range cats {
				if cats[i].ID == m.Category {
					v.Category = &cats[i]
				}
			}
			if v.Category != nil {
				cards, _, err := h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: orgID, CategoryPath: v.Category.Path, Limit: 8})
				if err != nil {
					return nil, err
				}
				v.Cards = cards
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func (h *Handler) storePage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	st, lic, err := h.Stores.Public(r.Context(), id)
	if err != nil {
		return err
	}
	v := storeView{Store: st, Licence: lic}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 || !validText(q) {
		return errs.Field("q", "err.query_too_long", 100)
	}
	if q != "" {
		// Search inside the store runs on the index, with everything the search page
		// understands (specs, synonyms, fallbacks).
		v.Query = q
		res := h.Search.Index.Search(search.Request{Q: q, Store: id, Size: 40, Lang: string(httpx.LangFrom(r.Context()))})
		v.Total = int64(res.Total)
		for _, it := range res.Items {
			v.Results = append(v.Results, catalog.ProductCard{ID: it.ProductID, Title: it.Title, BrandName: it.BrandName, SupplierName: it.SupplierName,
				MinPrice: it.MinPrice, Unit: it.Unit, MOQ: it.MOQ, SKUCount: it.Matching})
		}
	} else if v.Modules, err = h.modules(r, id, st.Live); err != nil {
		return err
	}
	if len(st.Live) == 0 && q == "" {
		// An undecorated store still lists what it sells.
		if v.Results, v.Total, err = h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: id, Limit: 40}); err != nil {
			return err
		}
	}
	if h.Standing != nil {
		sd, err := h.Standing.Of(r.Context(), id, time.Now())
		if err != nil {
			return err
		}
		v.Level, v.Badges = sd.Level, sd.Badges
	}
	pg := &Page{Title: st.Name, Data: v}
	h.fillPage(r, pg)
	pg.SEO = storeMeta(pg, &v)
	h.render(w, r, http.StatusOK, "store", pg)
	return nil
}

func (h *Handler) storeEditorPage(w http.ResponseWriter, r *http.Request, status int, v storeView) error {
	p := httpx.PrincipalFrom(r.Context())
	if v.Store == nil {
		st, err := h.Stores.Mine(r.Context(), p)
		if err != nil {
			return err
		}
		v.Store = st
	}
	cards, _, err := h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: p.Org.ID, Limit: 100})
	if err != nil {
		return err
	}
	v.Products, v.Kinds = cards, storefront.Kinds
	for _, c := range h.categories(r.Context()) {
		if c.Depth <= 1 {
			v.Roots = append(v.Roots, c)
		}
	}
	h.render(w, r, status, "seller_store", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "store.editor"), Area: "seller", Nav: "store", Data: v})
	return nil
}

func (h *Handler) storeEditor(w http.ResponseWriter, r *http.Request) error {
	return h.storeEditorPage(w, r, http.StatusOK, storeView{})
}

func (h *Handler) storePreview(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	st, err := h.Stores.Mine(r.Context(), p)
	if err != nil {
		return err
	}
	lic, err := h.Stores.Store.Licence(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	v := storeView{Store: st, Licence: lic, Preview: true}
	if v.Modules, err = h.modules(r, p.Org.ID, st.Draft); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "store", &Page{Title: st.Name, Data: v})
	return nil
}

func version(v url.Values) int64 {
	n, _ := strconv.ParseInt(v.Get("version"), 10, 64)
	return n
}

func (h *Handler) storeProfile(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	in := storefront.ProfileInput{Name: v.Get("name"), Intro: v.Get("intro"), Capability: v.Get("capability"), Certificates: v.Get("certificates"),
		Phone: v.Get("phone"), QQ: v.Get("qq"), Version: version(v)}
	if fh := files["logo_file"]; fh != nil {
		data, err := readUpload(fh)
		if err != nil {
			return err
		}
		in.Logo = &storefront.Upload{Name: fh.Filename, Data: data}
	}
	_, err = h.Stores.SaveProfile(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.storeEditorPage(w, r, httpx.Status(errs.CodeOf(err)), storeView{ProfForm: f})
	}
	h.flash(r, i18n.T(lang, "app.saved"))
	http.Redirect(w, r, "/seller/store", http.StatusSeeOther)
	return nil
}

// formModules reads the module editor: existing rows, reordered by their sort field and
// minus deleted ones, plus a new module of the chosen kind.
func formModules(v url.Values, lang i18n.Lang) []storefront.Module {
	type row struct {
		m    storefront.Module
		sort int
	}
	var rows []row
	for i := 0; i < storefront.MaxModules+1; i++ {
		k := func(name string) string { return fmt.Sprintf("modules[%d].%s", i, name) }
		if _, ok := v[k("kind")]; !ok {
			break
		}
		if v.Get(k("delete")) == "1" {
			continue
		}
		sortN, err := strconv.Atoi(v.Get(k("sort")))
		if err != nil {
			sortN = i
		}
		rows = append(rows, row{storefront.Module{ID: v.Get(k("id")), Kind: v.Get(k("kind")), Title: v.Get(k("title")), Text: v.Get(k("text")),
			ProductIDs: v[k("products")], Category: v.Get(k("category")), Image: v.Get(k("image"))}, sortN})
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].sort < rows[b].sort })
	var out []storefront.Module
	for _, r := range rows {
		out = append(out, r.m)
	}
	if kind := v.Get("new_kind"); kind != "" {
		out = append(out, storefront.Module{Kind: kind, Title: i18n.T(lang, "store.kind."+kind), Text: i18n.T(lang, "store.new_text")})
	}
	return out
}

func (h *Handler) storeModules(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	p := httpx.PrincipalFrom(r.Context())
	ms := formModules(v, lang)
	// Pictures follow their module's ID (rows may have been reordered).
	pictures := map[int]*storefront.Upload{}
	for field, fh := range files {
		var i int
		if _, err := fmt.Sscanf(field, "modules[%d].image_file", &i); err != nil {
			continue
		}
		id := v.Get(fmt.Sprintf("modules[%d].id", i))
		for j, m := range ms {
			if m.ID == id && id != "" {
				data, err := readUpload(fh)
				if err != nil {
					return err
				}
				pictures[j] = &storefront.Upload{Name: fh.Filename, Data: data}
			}
		}
	}
	st, err := h.Stores.SaveDraft(r.Context(), p, ms, version(v), pictures)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		cur, err2 := h.Stores.Mine(r.Context(), p)
		if err2 != nil {
			return err2
		}
		cur.Draft = ms
		return h.storeEditorPage(w, r, httpx.Status(errs.CodeOf(err)), storeView{Store: cur, ModForm: f})
	}
	if v.Get("then") == "publish" {
		if _, err := h.Stores.Publish(r.Context(), p, st.Version); err != nil {
			return err
		}
		h.flash(r, i18n.T(lang, "store.published"))
	} else {
		h.flash(r, i18n.T(lang, "app.saved"))
	}
	http.Redirect(w, r, "/seller/store", http.StatusSeeOther)
	return nil
}

func (h *Handler) storePublish(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	if _, err := h.Stores.Publish(r.Context(), httpx.PrincipalFrom(r.Context()), version(v)); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "store.published"))
	http.Redirect(w, r, "/seller/store", http.StatusSeeOther)
	return nil
}

func (h *Handler) adminStore(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	st, err := h.Stores.Store.Store(r.Context(), id)
	if err != nil {
		return err
	}
	lic, err := h.Stores.Store.Licence(r.Context(), id)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_store", &Page{Title: st.Name, Area: "admin", Nav: "orgs_supplier", Data: storeView{Store: st, Licence: lic, Staff: true, AllLive: st.Live}})
	return nil
}

func (h *Handler) adminTakedown(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	lang := httpx.LangFrom(r.Context())
	err = h.Stores.TakeDown(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("module_id"), v.Get("reason"), v.Get("restore") == "1")
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			h.flash(r, i18n.T(lang, "store.reason_required"))
			http.Redirect(w, r, "/admin/stores/"+id, http.StatusSeeOther)
			return nil
		}
		return err
	}
	h.flash(r, i18n.T(lang, "app.review_saved"))
	http.Redirect(w, r, "/admin/stores/"+id, http.StatusSeeOther)
	return nil
}
