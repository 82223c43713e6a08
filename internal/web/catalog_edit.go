package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// CatalogOps may manage the category tree, templates and product moderation.
var CatalogOps = httpx.StaffRoles(identity.OpsManager)

func (h *Handler) registerCatalogEdit(mux *http.ServeMux) {
	h.route(mux, "GET /seller/catalog", httpx.Seller, h.sellerCatalog)
	h.route(mux, "GET /seller/catalog/new", httpx.Seller, h.catalogNewForm)
	h.route(mux, "POST /seller/catalog/new", httpx.Seller, h.catalogCreate)
	h.route(mux, "GET /seller/catalog/{id}", httpx.Seller, h.catalogEditForm)
	h.route(mux, "POST /seller/catalog/{id}", httpx.Seller, h.catalogSave)
	h.route(mux, "POST /seller/catalog/{id}/shelf", httpx.Seller, h.catalogShelf)

	h.route(mux, "GET /admin/categories", CatalogOps, h.adminCategories)
	h.route(mux, "POST /admin/categories", CatalogOps, h.adminCategoryCreate)
	h.route(mux, "GET /admin/categories/{id}", CatalogOps, h.adminCategory)
	h.route(mux, "POST /admin/categories/{id}", CatalogOps, h.adminCategorySave)
	h.route(mux, "POST /admin/categories/{id}/attributes", CatalogOps, h.adminAttributeAdd)
	h.route(mux, "POST /admin/categories/{id}/attributes/{attr}", CatalogOps, h.adminAttributeSave)
	h.route(mux, "POST /admin/catalog/products/{id}", CatalogOps, h.adminProductModerate)
}

// maxProductFormBytes bounds the product form: 100 SKU rows with 10 tiers each.
const maxProductFormBytes = 512 << 10

// parseProductForm is parseForm with room for a large SKU table.
func parseProductForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	return parseFormLimit(w, r, maxProductFormBytes)
}

// ---- supplier centre: product list ----

type sellerCatalogData struct {
	Rows     []catalog.ProductRow
	Total    int64
	Status   string
	Statuses []string
	Page     int
	Pages    int
	PrevURL  string
	NextURL  string
}

func (h *Handler) sellerCatalogView(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	st := r.URL.Query().Get("status")
	rows, total, err := h.CatalogEdit.Products(r.Context(), p, catalog.ProductFilter{Status: st, Limit: pageSize, Offset: (page - 1) * pageSize})
	if err != nil {
		return err
	}
	ld := listData{Total: total, Page: page}
	ld.paginate("/seller/catalog?status=" + url.QueryEscape(st) + "&")
	d := sellerCatalogData{Rows: rows, Total: total, Status: st, Statuses: catalog.Statuses, Page: page, Pages: ld.Pages, PrevURL: ld.PrevURL, NextURL: ld.NextURL}
	h.render(w, r, status, "seller_product_list", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "product.edit.nav"), Area: "seller", Nav: "catalog", Form: f, Data: d})
	return nil
}

func (h *Handler) sellerCatalog(w http.ResponseWriter, r *http.Request) error {
	return h.sellerCatalogView(w, r, http.StatusOK, nil)
}

func (h *Handler) catalogShelf(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	on := v.Get("on") == "1"
	pv, err := h.CatalogEdit.SetOnSale(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), on)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok || errs.Is(err, errs.NotFound) {
			return err
		}
		return h.sellerCatalogView(w, r, httpx.Status(errs.CodeOf(err)), f)
	}
	h.flash(r, i18n.T(lang, "product.edit.now_"+pv.Status))
	back := safeNext(v.Get("back"))
	if back == "" {
		back = "/seller/catalog"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// ---- supplier centre: product form ----

// productForm is the product form's values as text, from a stored product or from what
// was submitted, so both are shown the same way.
type productForm struct {
	CategoryID  string
	Version     string
	Brand       string
	Name        string
	Model       string
	Title       string
	Description string
	Attrs       map[string]string
	SKUs        []skuRow
}

type skuRow struct {
	Index     int
	ID        string
	Code      string
	Spec      map[string]string
	Unit      string
	MOQ       string
	Multiple  string
	StockWas  string // the stock shown when the form was opened
	Stock     string
	WeightG   string
	VolumeCM3 string
	Tiers     []tierRow
}

type tierRow struct {
	Index int
	Qty   string
	Price string
}

// No is the row's number as people count (1-based).
func (k skuRow) No() int { return k.Index + 1 }

// No is the tier's number as people count (1-based).
func (t tierRow) No() int { return t.Index + 1 }

const (
	blankSKURows  = 2
	minTierRows   = 3
	moreSKURows   = 5
	maxFormSKURow = catalog.MaxSKUs + 20
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// productFormFromView fills the form from a stored product.
func productFormFromView(v *catalog.ProductView) productForm {
	f := productForm{CategoryID: v.CategoryID, Version: itoa(v.Version), Brand: v.BrandName, Name: v.Name, Model: v.Model, Title: v.Title,
		Description: v.Description, Attrs: map[string]string{}}
	for _, a := range v.Attrs {
		f.Attrs[a.Code] = a.Text
	}
	for i, k := range v.SKUs {
		row := skuRow{Index: i, ID: k.ID, Code: k.Code, Spec: map[string]string{}, Unit: k.Unit, MOQ: itoa(k.MOQ), Multiple: itoa(k.Multiple),
			Stock: itoa(k.Stock), StockWas: itoa(k.Stock), WeightG: itoa(k.WeightG), VolumeCM3: itoa(k.VolumeCM3)}
		for _, s := range k.Spec {
			row.Spec[s.Code] = s.Text
		}
		for j, t := range k.Tiers {
			row.Tiers = append(row.Tiers, tierRow{Index: j, Qty: itoa(t.MinQty), Price: money.UnitPrice(t.UnitPrice).String()})
		}
		f.SKUs = append(f.SKUs, row)
	}
	return f
}

// productFormFromValues reads the submitted form.
func productFormFromValues(v url.Values) productForm {
	f := productForm{CategoryID: v.Get("category"), Version: v.Get("version"), Brand: v.Get("brand"), Name: v.Get("name"), Model: v.Get("model"),
		Title: v.Get("title"), Description: v.Get("description"), Attrs: map[string]string{}}
	for k := range v {
		if code, ok := strings.CutPrefix(k, "attr."); ok {
			f.Attrs[code] = v.Get(k)
		}
	}
	for i := 0; i < maxFormSKURow; i++ {
		p := fmt.Sprintf("skus[%d].", i)
		if _, ok := v[p+"code"]; !ok {
			break
		}
		row := skuRow{Index: i, ID: v.Get(p + "id"), Code: v.Get(p + "code"), Spec: map[string]string{}, Unit: v.Get(p + "unit"), MOQ: v.Get(p + "moq"),
			Multiple: v.Get(p + "multiple"), Stock: v.Get(p + "stock"), StockWas: v.Get(p + "stock_was"), WeightG: v.Get(p + "weight_g"),
			VolumeCM3: v.Get(p + "volume_cm3")}
		for k := range v {
			if code, ok := strings.CutPrefix(k, p+"spec."); ok {
				row.Spec[code] = v.Get(k)
			}
		}
		for j := 0; j < catalog.MaxTiers+5; j++ {
			tp := fmt.Sprintf("%stiers[%d].", p, j)
			if _, ok := v[tp+"qty"]; !ok {
				break
			}
			row.Tiers = append(row.Tiers, tierRow{Index: j, Qty: v.Get(tp + "qty"), Price: v.Get(tp + "price")})
		}
		f.SKUs = append(f.SKUs, row)
	}
	return f
}

// pad adds blank SKU rows and tier rows to type into.
func (f *productForm) pad(skus int) {
	for i := 0; i < skus && len(f.SKUs) < maxFormSKURow; i++ {
		f.SKUs = append(f.SKUs, skuRow{Index: len(f.SKUs), Spec: map[string]string{}})
	}
	for i := range f.SKUs {
		k := &f.SKUs[i]
		for len(k.Tiers) < minTierRows || (len(k.Tiers) < catalog.MaxTiers && k.Tiers[len(k.Tiers)-1].Qty != "") {
			k.Tiers = append(k.Tiers, tierRow{Index: len(k.Tiers)})
		}
	}
}

func (f productForm) input() catalog.ProductInput {
	in := catalog.ProductInput{CategoryID: f.CategoryID, Brand: f.Brand, Name: f.Name, Model: f.Model, Title: f.Title, Description: f.Description, Attrs: f.Attrs}
	in.Version, _ = strconv.ParseInt(f.Version, 10, 64)
	for _, k := range f.SKUs {
		s := catalog.SKUInput{ID: k.ID, Code: k.Code, Spec: k.Spec, Unit: k.Unit, MOQ: k.MOQ, Multiple: k.Multiple, Stock: k.Stock, StockWas: k.StockWas, WeightG: k.WeightG,
			VolumeCM3: k.VolumeCM3}
		for _, t := range k.Tiers {
			s.Tiers = append(s.Tiers, catalog.TierInput{Qty: t.Qty, Price: t.Price})
		}
		in.SKUs = append(in.SKUs, s)
	}
	return in
}

// attrView is a template attribute with its name in the page's language.
type attrView struct {
	catalog.Attribute
	Name string
	Hint string
}

type productEditData struct {
	View     *catalog.ProductView // nil for a new product
	Category *catalog.CategoryInfo
	Trail    []catalog.Category
	Leaves   []catalog.Leaf
	Common   []attrView
	Sales    []attrView
	F        productForm
	Units    []string
	Brands   []catalog.Brand
	Issues   []string
	Hot      []string // hot search terms related to the product's name
	Action   string
	Problems []fieldProblem     // every field error, for the summary above the form
	Media    catalog.MediaList  // images and attachments (catalog_media.go)
	Freights []freight.Template // the supplier's freight templates (freight.go)
	Freight  string             // the product's template
}

// fieldProblem is one field error; Field is also the input's id, Label says where it is.
type fieldProblem struct {
	Field string
	Label string
	Msg   string
}

// fieldLabel names a product-form field for the error summary: "SKU 第 2 行 · 第 1 档单价".
func fieldLabel(lang i18n.Lang, field string, names map[string]string) string {
	if code, ok := strings.CutPrefix(field, "attr."); ok {
		return names[code]
	}
	var row, tier int
	var rest string
	if n, _ := fmt.Sscanf(field, "skus[%d].tiers[%d].", &row, &tier); n == 2 {
		rest = field[strings.LastIndexByte(field, '.')+1:]
		key := "product.edit.tier_n_qty"
		if rest == "price" {
			key = "product.edit.tier_n_price"
		}
		return i18n.T(lang, "product.edit.sku_row", row+1) + " · " + i18n.T(lang, key, tier+1)
	}
	if n, _ := fmt.Sscanf(field, "skus[%d].", &row); n == 1 {
		rest = field[strings.IndexByte(field, '.')+1:]
		part := map[string]string{"code": "product.sku_code", "spec": "product.spec", "unit": "product.edit.unit", "moq": "card.moq",
			"multiple": "product.multiple", "stock": "product.stock", "weight_g": "product.edit.weight_g",
			"volume_cm3": "product.edit.volume_cm3", "tiers": "product.tiers", "id": "product.sku_code"}[rest]
		label := i18n.T(lang, "product.edit.sku_row", row+1)
		if code, ok := strings.CutPrefix(rest, "spec."); ok {
			return label + " · " + names[code]
		}
		if part != "" {
			label += " · " + i18n.T(lang, part)
		}
		return label
	}
	key := map[string]string{"brand": "product.brand", "name": "product.edit.name", "model": "product.model", "title": "product.edit.title",
		"description": "product.description", "category": "product.edit.category", "skus": "product.skus"}[field]
	if key == "" {
		return ""
	}
	return i18n.T(lang, key)
}

func attrViews(lang i18n.Lang, tmpl []catalog.Attribute) (common, sales []attrView) {
	for _, a := range tmpl {
		v := attrView{Attribute: a, Name: a.NameZH}
		if lang == i18n.EN && a.NameEN != "" {
			v.Name = a.NameEN
		}
		switch a.Kind {
		case catalog.Number:
			v.Hint = i18n.T(lang, "product.edit.hint_number", a.Unit)
		case catalog.Range:
			v.Hint = i18n.T(lang, "product.edit.hint_range", a.Unit)
		}
		if a.Sales {
			sales = append(sales, v)
		} else {
			common = append(common, v)
		}
	}
	return
}

// leafTrail finds a leaf's trail among the leaves.
func leafTrail(leaves []catalog.Leaf, id string) []catalog.Category {
	for _, l := range leaves {
		if l.ID == id {
			return l.Trail
		}
	}
	return nil
}

// productPage renders the product form for f under category catID (the chooser when
// there is none or it is not a leaf).
func (h *Handler) productPage(w http.ResponseWriter, r *http.Request, status int, view *catalog.ProductView, f productForm, form *Form) error {
	ctx := r.Context()
	lang := httpx.LangFrom(ctx)
	leaves, err := h.CatalogEdit.Leaves(ctx)
	if err != nil {
		return err
	}
	d := productEditData{View: view, Leaves: leaves, Units: catalog.SaleUnits, Action: "/seller/catalog/new"}
	if view != nil {
		d.Action = "/seller/catalog/" + view.ID
		if d.Media, err = h.productMedia(r, view.ID); err != nil {
			return err
		}
		if d.Freights, err = h.Freight.Mine(ctx, httpx.PrincipalFrom(ctx)); err != nil {
			return err
		}
		if d.Freight, err = h.Freight.Store.ProductFreight(ctx, view.ID); err != nil {
			return err
		}
	}
	title := i18n.T(lang, "product.edit.new")
	if view != nil {
		title = view.Title
		for _, is := range view.Issues {
			d.Issues = append(d.Issues, i18n.T(lang, is.Key(), is.Arg))
		}
		d.Hot = view.HotTerms
	}
	if f.CategoryID != "" {
		cat, tmpl, err := h.CatalogEdit.FormTemplate(ctx, f.CategoryID)
		switch {
		case err == nil:
			d.Category, d.Trail = cat, leafTrail(leaves, cat.ID)
			d.Common, d.Sales = attrViews(lang, tmpl)
		case errs.Is(err, errs.Invalid):
			if form == nil {
				form, _ = formFromError(lang, nil, err)
			}
		default:
			return err
		}
	}
	if d.Category != nil {
		if d.Brands, err = h.Catalog.Brands(ctx); err != nil {
			return err
		}
	}
	d.F = f
	if form != nil {
		names := map[string]string{}
		for _, a := range append(append([]attrView{}, d.Common...), d.Sales...) {
			names[a.Code] = a.Name
		}
		for k, m := range form.Errors {
			d.Problems = append(d.Problems, fieldProblem{Field: k, Label: fieldLabel(lang, k, names), Msg: m})
		}
		sort.Slice(d.Problems, func(i, j int) bool { return fieldOrder(d.Problems[i].Field) < fieldOrder(d.Problems[j].Field) })
	}
	h.render(w, r, status, "seller_product_edit", &Page{Title: title, Area: "seller", Nav: "catalog", Form: form, Data: d})
	return nil
}

func (h *Handler) catalogNewForm(w http.ResponseWriter, r *http.Request) error {
	f := productForm{CategoryID: r.URL.Query().Get("category"), Attrs: map[string]string{}}
	f.pad(blankSKURows)
	return h.productPage(w, r, http.StatusOK, nil, f, nil)
}

func (h *Handler) catalogEditForm(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	view, err := h.CatalogEdit.Product(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := productFormFromView(view)
	if c := r.URL.Query().Get("category"); c != "" {
		f.CategoryID = c // switch category: the form shows the other template
	}
	f.pad(blankSKURows)
	return h.productPage(w, r, http.StatusOK, view, f, nil)
}

func (h *Handler) catalogCreate(w http.ResponseWriter, r *http.Request) error {
	return h.catalogSubmit(w, r, "")
}

func (h *Handler) catalogSave(w http.ResponseWriter, r *http.Request) error {
	return h.catalogSubmit(w, r, r.PathValue("id"))
}

func (h *Handler) catalogSubmit(w http.ResponseWriter, r *http.Request, id string) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	lang := httpx.LangFrom(ctx)
	var view *catalog.ProductView
	if id != "" {
		// The product must be the caller's before anything else is looked at.
		var err error
		if view, err = h.CatalogEdit.Product(ctx, p, id); err != nil {
			return err
		}
	}
	v, err := parseProductForm(w, r)
	if err != nil {
		return err
	}
	f := productFormFromValues(v)
	action := v.Get("action")
	if action == "more" {
		f.pad(moreSKURows)
		return h.productPage(w, r, http.StatusOK, view, f, nil)
	}
	publish := action == "publish"
	var saved *catalog.ProductView
	if id == "" {
		saved, err = h.CatalogEdit.CreateProduct(ctx, p, f.input(), publish)
	} else {
		saved, err = h.CatalogEdit.UpdateProduct(ctx, p, id, f.input(), publish)
	}
	if err != nil {
		form, ok := formFromError(lang, v, err)
		if !ok || errs.Is(err, errs.NotFound) {
			return err
		}
		f.pad(0)
		return h.productPage(w, r, httpx.Status(errs.CodeOf(err)), view, f, form)
	}
	msg := i18n.T(lang, "product.edit.saved")
	if saved.Status != catalog.StatusDraft {
		msg += " " + i18n.T(lang, "product.edit.now_"+saved.Status)
	}
	if n := len(saved.Issues); n > 0 {
		msg += " " + i18n.T(lang, "product.edit.title_warnings", n)
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/seller/catalog/"+saved.ID, http.StatusSeeOther)
	return nil
}

// ---- staff console: categories and templates ----

type adminCategoriesData struct {
	Tree       []catalog.CategoryInfo
	Queue      []catalog.ProductRow
	QueueTotal int64
	ReviewBack string
}

func (h *Handler) adminCategoriesView(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	tree, err := h.CatalogEdit.Tree(ctx, p)
	if err != nil {
		return err
	}
	queue, total, err := h.CatalogEdit.Products(ctx, p, catalog.ProductFilter{Status: catalog.StatusSubmitted, Limit: 100})
	if err != nil {
		return err
	}
	h.render(w, r, status, "admin_categories", &Page{Title: i18n.T(httpx.LangFrom(ctx), "cat.nav"), Area: "admin", Nav: "categories", Form: f,
		Data: adminCategoriesData{Tree: tree, Queue: queue, QueueTotal: total, ReviewBack: "/admin/categories"}})
	return nil
}

func (h *Handler) adminCategories(w http.ResponseWriter, r *http.Request) error {
	return h.adminCategoriesView(w, r, http.StatusOK, nil)
}

func categoryInput(v url.Values) catalog.CategoryInput {
	return catalog.CategoryInput{ParentID: v.Get("parent_id"), Code: v.Get("code"), NameZH: v.Get("name_zh"), NameEN: v.Get("name_en"),
		Sort: v.Get("sort"), NeedsReview: v.Get("needs_review") == "1"}
}

func (h *Handler) adminCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	c, err := h.CatalogEdit.CreateCategory(r.Context(), httpx.PrincipalFrom(r.Context()), categoryInput(v))
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.adminCategoriesView(w, r, httpx.Status(errs.CodeOf(err)), f)
	}
	h.flash(r, i18n.T(lang, "cat.created", c.NameZH))
	http.Redirect(w, r, "/admin/categories/"+c.ID, http.StatusSeeOther)
	return nil
}

// attrRow is one attribute form of the template editor: stored values, or what was
// submitted with its errors when that form failed.
type attrRow struct {
	ID         string
	Code       string
	NameZH     string
	NameEN     string
	Kind       string
	Unit       string
	Options    string
	Sort       string
	Required   bool
	Filterable bool
	Sales      bool
	Errors     map[string]string
	Error      string
}

func attrRowOf(a catalog.Attribute) attrRow {
	return attrRow{ID: a.ID, Code: a.Code, NameZH: a.NameZH, NameEN: a.NameEN, Kind: string(a.Kind), Unit: a.Unit, Options: strings.Join(a.Options, "\n"),
		Sort: strconv.Itoa(a.Sort), Required: a.Required, Filterable: a.Filterable, Sales: a.Sales}
}

func attrRowFrom(id string, v url.Values, f *Form) attrRow {
	return attrRow{ID: id, Code: v.Get("code"), NameZH: v.Get("name_zh"), NameEN: v.Get("name_en"), Kind: v.Get("kind"), Unit: v.Get("unit"),
		Options: v.Get("options"), Sort: v.Get("sort"), Required: v.Get("required") == "1", Filterable: v.Get("filterable") == "1", Sales: v.Get("sales") == "1",
		Errors: f.Errors, Error: f.Error}
}

func attributeInput(v url.Values) catalog.AttributeInput {
	return catalog.AttributeInput{Code: v.Get("code"), NameZH: v.Get("name_zh"), NameEN: v.Get("name_en"), Kind: v.Get("kind"), Unit: v.Get("unit"),
		Options: catalog.SplitOptions(v.Get("options")), Required: v.Get("required") == "1", Filterable: v.Get("filterable") == "1",
		Sales: v.Get("sales") == "1", Sort: v.Get("sort")}
}

// catRow is the category's own form (names, code, review flag) or the move form.
type catRow struct {
	Code        string
	NameZH      string
	NameEN      string
	Sort        string
	NeedsReview bool
	ParentID    string
	Errors      map[string]string
	Error       string
}

type adminCategoryData struct {
	C        *catalog.CategoryPage
	Cat      catRow
	Move     catRow
	Parents  []catalog.CategoryInfo // where it may move: not its own subtree
	Own      []catalog.Attribute
	Forms    []attrRow // one per own attribute, then the form for a new one
	Kinds    []string
	Units    []string
	Products []catalog.ProductRow
	Total    int64
	Status   string
	Statuses []string
	Back     string
}

// failed carries the form that failed on the category page: which one, its values and
// its errors.
type failed struct {
	which  string // "cat", "move", "new" or an attribute ID
	values url.Values
	form   *Form
}

func (h *Handler) adminCategoryView(w http.ResponseWriter, r *http.Request, status int, fl *failed) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	cp, err := h.CatalogEdit.Category(ctx, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	tree, err := h.CatalogEdit.Tree(ctx, p)
	if err != nil {
		return err
	}
	c := cp.Category
	d := adminCategoryData{C: cp, Kinds: []string{"enum", "number", "range", "text", "bool"}, Units: catalog.Units, Statuses: catalog.Statuses,
		Cat:  catRow{Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, Sort: strconv.Itoa(c.Sort), NeedsReview: c.NeedsReview},
		Move: catRow{ParentID: c.ParentID}, Own: cp.Own}
	for _, t := range tree {
		if !strings.HasPrefix(t.Path, c.Path) {
			d.Parents = append(d.Parents, t)
		}
	}
	for _, a := range cp.Own {
		d.Forms = append(d.Forms, attrRowOf(a))
	}
	d.Forms = append(d.Forms, attrRow{Kind: "enum"})
	if fl != nil {
		v, f := fl.values, fl.form
		switch fl.which {
		case "cat":
			d.Cat = catRow{Code: v.Get("code"), NameZH: v.Get("name_zh"), NameEN: v.Get("name_en"), Sort: v.Get("sort"), NeedsReview: v.Get("needs_review") == "1",
				Errors: f.Errors, Error: f.Error}
		case "move":
			d.Move = catRow{ParentID: v.Get("parent_id"), Errors: f.Errors, Error: f.Error}
		case "new":
			d.Forms[len(d.Forms)-1] = attrRowFrom("", v, f)
		default:
			for i := range d.Forms {
				if d.Forms[i].ID == fl.which {
					d.Forms[i] = attrRowFrom(fl.which, v, f)
				}
			}
		}
	}
	d.Status = r.URL.Query().Get("status")
	if d.Products, d.Total, err = h.CatalogEdit.Products(ctx, p, catalog.ProductFilter{CategoryPath: c.Path, Status: d.Status, Limit: 100}); err != nil {
		return err
	}
	d.Back = "/admin/categories/" + c.ID
	if d.Status != "" {
		d.Back += "?status=" + url.QueryEscape(d.Status)
	}
	pg := &Page{Title: c.NameZH, Area: "admin", Nav: "categories", Data: d}
	if httpx.LangFrom(ctx) == i18n.EN && c.NameEN != "" {
		pg.Title = c.NameEN
	}
	h.render(w, r, status, "admin_category", pg)
	return nil
}

func (h *Handler) adminCategory(w http.ResponseWriter, r *http.Request) error {
	return h.adminCategoryView(w, r, http.StatusOK, nil)
}

// categoryFail re-shows the category page with the failed form, or returns err when it
// is not the user's to fix.
func (h *Handler) categoryFail(w http.ResponseWriter, r *http.Request, which string, v url.Values, err error) error {
	f, ok := formFromError(httpx.LangFrom(r.Context()), v, err)
	if !ok || errs.Is(err, errs.NotFound) {
		return err
	}
	return h.adminCategoryView(w, r, httpx.Status(errs.CodeOf(err)), &failed{which: which, values: v, form: f})
}

func (h *Handler) adminCategorySave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	lang := httpx.LangFrom(ctx)
	id := r.PathValue("id")
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	which, msg := "cat", "app.saved"
	switch v.Get("action") {
	case "move":
		which, msg = "move", "cat.moved"
		_, err = h.CatalogEdit.MoveCategory(ctx, p, id, v.Get("parent_id"))
	case "disable", "enable":
		msg = "cat.done_" + v.Get("action")
		err = h.CatalogEdit.SetCategoryActive(ctx, p, id, v.Get("action") == "enable")
	default:
		_, err = h.CatalogEdit.UpdateCategory(ctx, p, id, categoryInput(v))
	}
	if err != nil {
		return h.categoryFail(w, r, which, v, err)
	}
	h.flash(r, i18n.T(lang, msg))
	http.Redirect(w, r, "/admin/categories/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) adminAttributeAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	a, err := h.CatalogEdit.AddAttribute(ctx, httpx.PrincipalFrom(ctx), id, attributeInput(v))
	if err != nil {
		return h.categoryFail(w, r, "new", v, err)
	}
	h.flash(r, i18n.T(httpx.LangFrom(ctx), "cat.attr_added", a.NameZH))
	http.Redirect(w, r, "/admin/categories/"+id+"#attr-"+a.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) adminAttributeSave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	lang := httpx.LangFrom(ctx)
	id, attr := r.PathValue("id"), r.PathValue("attr")
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	msg := "app.saved"
	if v.Get("action") == "remove" {
		msg = "cat.attr_removed"
		err = h.CatalogEdit.RemoveAttribute(ctx, p, attr)
	} else {
		_, err = h.CatalogEdit.UpdateAttribute(ctx, p, attr, attributeInput(v))
	}
	if err != nil {
		return h.categoryFail(w, r, attr, v, err)
	}
	h.flash(r, i18n.T(lang, msg))
	http.Redirect(w, r, "/admin/categories/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) adminProductModerate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	pv, err := h.CatalogEdit.Moderate(ctx, httpx.PrincipalFrom(ctx), r.PathValue("id"), v.Get("action"), v.Get("reason"))
	if err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(ctx), "product.edit.now_"+pv.Status))
	back := safeNext(v.Get("back"))
	if back == "" {
		back = "/admin/categories"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// fieldOrder sorts field names as the form shows them: skus[10] after skus[9].
func fieldOrder(f string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(f, '[')
		j := strings.IndexByte(f, ']')
		if i < 0 || j < i {
			b.WriteString(f)
			return b.String()
		}
		n, _ := strconv.Atoi(f[i+1 : j])
		fmt.Fprintf(&b, "%s[%04d]", f[:i], n)
		f = f[j+1:]
	}
}
