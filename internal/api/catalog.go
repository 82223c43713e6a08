package api

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// productPageSize is the page size of the supplier's product list.
const productPageSize = 50

// The catalogue-editing operations of the API: the product form's template, the
// supplier's products and ops' moderation.
func (a *API) addCatalogRoutes() {
	idParam := func(what string) []Param {
		return []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: what + " ID"}}
	}
	a.add("GET", "/api/v1/categories/{id}/template", httpx.SignedIn, false, a.categoryTemplate,
		Doc{ID: "getCategoryTemplate", Summary: "A leaf category's parameter template, inherited down the tree: what a product filed under it takes", Tag: "catalog", Response: "CategoryTemplate", Status: 200,
			Params: idParam("leaf category")})
	a.add("GET", "/api/v1/supplier/products", httpx.Seller, false, a.listProducts,
		Doc{ID: "listSupplierProducts", Summary: "The caller's products, newest change first, 50 a page", Tag: "catalog", Response: "ProductList", Status: 200,
			Params: []Param{
				{Name: "status", In: "query", Type: "string", Description: "draft, submitted, on_sale, off_sale or banned; empty for all"},
				{Name: "page", In: "query", Type: "integer", Description: "page number from 1"},
			}})
	a.add("POST", "/api/v1/supplier/products", httpx.Seller, true, a.createProduct,
		Doc{ID: "createProduct", Summary: "Create a product with its SKUs: a draft, or with publish on sale (or to ops review when its category needs review)", Tag: "catalog", Request: "ProductInput", Response: "Product", Status: 201})
	a.add("GET", "/api/v1/supplier/products/{id}", httpx.Seller, false, a.getProduct,
		Doc{ID: "getProduct", Summary: "One of the caller's products with its active SKUs", Tag: "catalog", Response: "Product", Status: 200, Params: idParam("product")})
	a.add("PUT", "/api/v1/supplier/products/{id}", httpx.Seller, false, a.updateProduct,
		Doc{ID: "updateProduct", Summary: "Replace the product and its SKUs (rows match by code, else by id; SKUs left out are retired); version is required", Tag: "catalog", Request: "ProductInput", Response: "Product", Status: 200,
			Params: idParam("product")})
	a.add("POST", "/api/v1/supplier/products/{id}/on-sale", httpx.Seller, false, a.shelf(true),
		Doc{ID: "putProductOnSale", Summary: "Put a draft or off-sale product on sale (or to review); it must be complete", Tag: "catalog", Response: "Product", Status: 200, Params: idParam("product")})
	a.add("POST", "/api/v1/supplier/products/{id}/off-sale", httpx.Seller, false, a.shelf(false),
		Doc{ID: "takeProductOffSale", Summary: "Take an on-sale product off sale, or withdraw a submitted one to draft", Tag: "catalog", Response: "Product", Status: 200, Params: idParam("product")})
	a.add("POST", "/api/v1/admin/products/{id}/moderate", httpx.StaffRoles(identity.OpsManager), false, a.moderateProduct,
		Doc{ID: "moderateProduct", Summary: "Ops' decision on a product: approve or reject a submitted one, ban any (with a reason), unban a banned one", Tag: "catalog", Request: "ModerateInput", Response: "Product", Status: 200,
			Params: idParam("product")})
}

// TemplateAttribute is one attribute of a category's parameter template.
type TemplateAttribute struct {
	Code       string   `json:"code"`
	NameZH     string   `json:"name_zh"`
	NameEN     string   `json:"name_en"`
	Kind       string   `json:"kind"`
	Unit       string   `json:"unit"`
	Options    []string `json:"options"`
	Required   bool     `json:"required"`
	Filterable bool     `json:"filterable"`
	Sales      bool     `json:"sales"`
}

func (a *API) categoryTemplate(w http.ResponseWriter, r *http.Request) error {
	c, tmpl, err := a.CatalogEdit.FormTemplate(r.Context(), r.PathValue("id"))
	if e := errs.As(err); e != nil && len(e.Fields) > 0 && e.Fields[0].Msg.Key == "err.cat_unknown" {
		return errs.E(errs.NotFound, "err.not_found")
	}
	if err != nil {
		return err
	}
	attrs := make([]TemplateAttribute, 0, len(tmpl))
	for _, t := range tmpl {
		opts := t.Options
		if opts == nil {
			opts = []string{}
		}
		attrs = append(attrs, TemplateAttribute{Code: t.Code, NameZH: t.NameZH, NameEN: t.NameEN, Kind: string(t.Kind), Unit: t.Unit,
			Options: opts, Required: t.Required, Filterable: t.Filterable, Sales: t.Sales})
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"category":   Category{ID: c.ID, ParentID: c.ParentID, Code: c.Code, NameZH: c.NameZH, NameEN: c.NameEN, Depth: c.Depth, Path: c.Path},
		"attributes": attrs,
	})
	return nil
}

// ProductRow is a product in the supplier's list.
type ProductRow struct {
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	Status         string    `json:"status"`
	StatusReason   string    `json:"status_reason"`
	CategoryID     string    `json:"category_id"`
	CategoryNameZH string    `json:"category_name_zh"`
	CategoryNameEN string    `json:"category_name_en"`
	SKUs           int       `json:"skus"`
	MinPrice       string    `json:"min_price"`
	UpdatedAt      time.Time `json:"updated_at"`
}

func (a *API) listProducts(w http.ResponseWriter, r *http.Request) error {
	page := 1
	if s := r.URL.Query().Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100000 {
			return errs.Field("page", "err.invalid")
		}
		page = n
	}
	rows, total, err := a.CatalogEdit.Products(r.Context(), httpx.PrincipalFrom(r.Context()),
		catalog.ProductFilter{Status: r.URL.Query().Get("status"), Limit: productPageSize, Offset: (page - 1) * productPageSize})
	if err != nil {
		return err
	}
	out := make([]ProductRow, 0, len(rows))
	for _, x := range rows {
		out = append(out, ProductRow{ID: x.ID, Title: x.Title, Status: x.Status, StatusReason: x.StatusReason, CategoryID: x.CategoryID,
			CategoryNameZH: x.CategoryNameZH, CategoryNameEN: x.CategoryNameEN, SKUs: x.SKUs, MinPrice: money.UnitPrice(x.MinPrice).String(), UpdatedAt: x.UpdatedAt})
	}
	pages := (total + productPageSize - 1) / productPageSize
	WriteJSON(w, http.StatusOK, map[string]any{"total": total, "page": page, "pages": pages, "items": out})
	return nil
}

// ProductInput is the body of product creation and update. Numbers are strings, as the
// product form sends them, so that prices are never floats: prices in yuan with up to
// four decimals ("0.0125"), quantities as whole numbers. Errors name the fields as the
// catalogue does: "category", "attr.grade", "skus[1].spec.thread", "skus[1].tiers[0].price".
type ProductInput struct {
	Version     int64             `json:"version"`
	CategoryID  string            `json:"category_id"`
	Brand       string            `json:"brand"`
	Name        string            `json:"name"`
	Model       string            `json:"model"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Attrs       map[string]string `json:"attrs"`
	SKUs        []SKUInput        `json:"skus"`
	Publish     bool              `json:"publish"`
}

// SKUInput is one SKU of a ProductInput.
type SKUInput struct {
	ID        string            `json:"id"`
	Code      string            `json:"code"`
	Spec      map[string]string `json:"spec"`
	Unit      string            `json:"unit"`
	MOQ       string            `json:"moq"`
	Multiple  string            `json:"multiple"`
	Stock     string            `json:"stock"`
	WeightG   string            `json:"weight_g"`
	VolumeCM3 string            `json:"volume_cm3"`
	Tiers     []TierInput       `json:"tiers"`
}

// TierInput is one price tier: from Qty units on, Price yuan a unit.
type TierInput struct {
	Qty   string `json:"qty"`
	Price string `json:"price"`
}

func (in ProductInput) input() catalog.ProductInput {
	out := catalog.ProductInput{CategoryID: in.CategoryID, Brand: in.Brand, Name: in.Name, Model: in.Model, Title: in.Title,
		Description: in.Description, Attrs: in.Attrs, Version: in.Version}
	for _, k := range in.SKUs {
		sk := catalog.SKUInput{ID: k.ID, Code: k.Code, Spec: k.Spec, Unit: k.Unit, MOQ: k.MOQ, Multiple: k.Multiple, Stock: k.Stock, WeightG: k.WeightG,
			VolumeCM3: k.VolumeCM3}
		for _, t := range k.Tiers {
			sk.Tiers = append(sk.Tiers, catalog.TierInput{Qty: t.Qty, Price: t.Price})
		}
		out.SKUs = append(out.SKUs, sk)
	}
	return out
}

// checkCodes refuses parameter codes the category's template does not have, which the
// form never sends and the catalogue would silently drop. An unknown or non-leaf
// category is left for the catalogue to report.
func (a *API) checkCodes(r *http.Request, in ProductInput) error {
	if len(in.Attrs) == 0 && func() bool {
		for _, k := range in.SKUs {
			if len(k.Spec) > 0 {
				return false
			}
		}
		return true
	}() {
		return nil
	}
	_, tmpl, err := a.CatalogEdit.FormTemplate(r.Context(), in.CategoryID)
	if errs.Is(err, errs.Invalid) {
		return nil
	}
	if err != nil {
		return err
	}
	common, sales := map[string]bool{}, map[string]bool{}
	for _, t := range tmpl {
		if t.Sales {
			sales[t.Code] = true
		} else {
			common[t.Code] = true
		}
	}
	var v errs.Validator
	for c := range in.Attrs {
		if !common[c] {
			v.Add("attr."+c, "err.json_unknown_field")
		}
	}
	for i, k := range in.SKUs {
		for c := range k.Spec {
			if !sales[c] {
				v.Add(fmt.Sprintf("skus[%d].spec.%s", i, c), "err.json_unknown_field")
			}
		}
	}
	return v.Err()
}

// Product is a product as its supplier sees it. Prices are strings in yuan.
type Product struct {
	ID             string            `json:"id"`
	SupplierID     string            `json:"supplier_id"`
	CategoryID     string            `json:"category_id"`
	CategoryNameZH string            `json:"category_name_zh"`
	CategoryNameEN string            `json:"category_name_en"`
	Brand          string            `json:"brand"`
	Name           string            `json:"name"`
	Model          string            `json:"model"`
	Title          string            `json:"title"`
	Description    string            `json:"description"`
	Status         string            `json:"status"`
	StatusReason   string            `json:"status_reason"`
	Version        int64             `json:"version"`
	Attrs          map[string]string `json:"attrs"`
	SKUs           []SKU             `json:"skus"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// SKU is an active SKU of a Product.
type SKU struct {
	ID        string            `json:"id"`
	Code      string            `json:"code"`
	Spec      map[string]string `json:"spec"`
	Unit      string            `json:"unit"`
	MOQ       int64             `json:"moq"`
	Multiple  int64             `json:"multiple"`
	Stock     int64             `json:"stock"`
	WeightG   int64             `json:"weight_g"`
	VolumeCM3 int64             `json:"volume_cm3"`
	Price     string            `json:"price"`
	Tiers     []Tier            `json:"tiers"`
}

// Tier is a price tier of a SKU.
type Tier struct {
	Qty   int64  `json:"qty"`
	Price string `json:"price"`
}

func valueMap(vs []catalog.Value) map[string]string {
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		m[v.Code] = v.Text
	}
	return m
}

func productOut(v *catalog.ProductView) Product {
	out := Product{ID: v.ID, SupplierID: v.SupplierID, CategoryID: v.CategoryID, Brand: v.BrandName, Name: v.Name, Model: v.Model,
		Title: v.Title, Description: v.Description, Status: v.Status, StatusReason: v.StatusReason, Version: v.Version,
		Attrs: valueMap(v.Attrs), SKUs: make([]SKU, 0, len(v.SKUs)), CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if v.Category != nil {
		out.CategoryNameZH, out.CategoryNameEN = v.Category.NameZH, v.Category.NameEN
	}
	for _, k := range v.SKUs {
		sk := SKU{ID: k.ID, Code: k.Code, Spec: valueMap(k.Spec), Unit: k.Unit, MOQ: k.MOQ, Multiple: k.Multiple, Stock: k.Stock, WeightG: k.WeightG,
			VolumeCM3: k.VolumeCM3, Price: money.UnitPrice(k.Price).String(), Tiers: make([]Tier, 0, len(k.Tiers))}
		for _, t := range k.Tiers {
			sk.Tiers = append(sk.Tiers, Tier{Qty: t.MinQty, Price: money.UnitPrice(t.UnitPrice).String()})
		}
		out.SKUs = append(out.SKUs, sk)
	}
	return out
}

// writeProduct answers with the product as it now stands.
func (a *API) writeProduct(w http.ResponseWriter, r *http.Request, status int, id string) error {
	v, err := a.CatalogEdit.Product(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	WriteJSON(w, status, productOut(v))
	return nil
}

func (a *API) createProduct(w http.ResponseWriter, r *http.Request) error {
	var in ProductInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.checkCodes(r, in); err != nil {
		return err
	}
	v, err := a.CatalogEdit.CreateProduct(r.Context(), httpx.PrincipalFrom(r.Context()), in.input(), in.Publish)
	if err != nil {
		return err
	}
	return a.writeProduct(w, r, http.StatusCreated, v.ID)
}

func (a *API) getProduct(w http.ResponseWriter, r *http.Request) error {
	return a.writeProduct(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) updateProduct(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	// Another supplier's product is 404 before anything about the body is said.
	if _, err := a.CatalogEdit.Product(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	var in ProductInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.checkCodes(r, in); err != nil {
		return err
	}
	v, err := a.CatalogEdit.UpdateProduct(r.Context(), p, r.PathValue("id"), in.input(), in.Publish)
	if err != nil {
		return err
	}
	return a.writeProduct(w, r, http.StatusOK, v.ID)
}

func (a *API) shelf(on bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := a.CatalogEdit.SetOnSale(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), on)
		if err != nil {
			return err
		}
		return a.writeProduct(w, r, http.StatusOK, v.ID)
	}
}

// ModerateInput is the body of ops' moderation.
type ModerateInput struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
}

func (a *API) moderateProduct(w http.ResponseWriter, r *http.Request) error {
	var in ModerateInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	v, err := a.CatalogEdit.Moderate(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), in.Action, in.Reason)
	if err != nil {
		return err
	}
	return a.writeProduct(w, r, http.StatusOK, v.ID)
}
