package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Service edits the catalogue: ops manage the category tree and its parameter
// templates; suppliers publish products with SKUs and price tiers; ops review, ban and
// unban products. Every write runs in one transaction and is audited; product status
// changes are kept as product events and tier changes as price history.
//
// Safe template rules (so that a template change never breaks a product on the
// shelves): an attribute whose values are in use in the category's subtree cannot be
// removed, nor have its code, kind, unit or sales flag changed, nor lose an enum option
// that is in use; each refusal names the attribute (and option). Making an attribute
// required is allowed: existing products keep selling and must be completed at their
// next edit or publication. A category is moved only when no attribute it inherited
// with values in use would be lost and no code would clash with its new ancestors'.
// Children cannot be added under a category that holds products.
type Service struct {
	DB    *db.DB
	Store Store
	Audit audit.Store
	Now   func() time.Time
	// MediaStore and Blobs keep product images and attachments (media.go).
	MediaStore MediaStore
	Blobs      upload.Store
	// Restricted reports whether a supplier is under a listing restriction (a penalty):
	// it may then neither file new products nor put products on sale. nil: never.
	Restricted func(ctx context.Context, supplierID string) (bool, error)
	// HotTerms returns what buyers search most (from the search log), for the title
	// builder and checker. nil: none known.
	HotTerms func(ctx context.Context) []string
}

func (s *Service) hotTerms(ctx context.Context) []string {
	if s.HotTerms == nil {
		return nil
	}
	return s.HotTerms(ctx)
}

// unrestricted refuses a supplier under a listing restriction.
func (s *Service) unrestricted(ctx context.Context, p *identity.Principal) error {
	if s.Restricted == nil {
		return nil
	}
	r, err := s.Restricted(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	if r {
		return errs.E(errs.Forbidden, "err.listing_restricted")
	}
	return nil
}

// Store keeps what Service edits. Its reads may run inside the caller's transaction.
type Store interface {
	// Template returns the attributes of the category at path and its ancestors.
	Template(ctx context.Context, path string) ([]Attribute, error)

	// CatalogCategories returns every category, disabled ones included, ordered by path.
	CatalogCategories(ctx context.Context) ([]CategoryInfo, error)
	// CatalogCategory returns one category or NotFound.
	CatalogCategory(ctx context.Context, id string) (*CategoryInfo, error)
	// CatalogCodeTaken reports whether another category than exceptID uses code.
	CatalogCodeTaken(ctx context.Context, code, exceptID string) (bool, error)
	// CatalogPathNeedsReview reports whether a category on path is marked needs_review.
	CatalogPathNeedsReview(ctx context.Context, path string) (bool, error)
	CatalogInsertCategory(ctx context.Context, c *CategoryInfo) error
	// CatalogUpdateCategory writes one category's code, names, sort, review flag,
	// parent, depth and path.
	CatalogUpdateCategory(ctx context.Context, c *CategoryInfo) error
	// CatalogRepath rewrites the path prefix oldPath to newPath, and shifts the depth,
	// of every category under oldPath (its descendants).
	CatalogRepath(ctx context.Context, oldPath, newPath string, depthDelta int) error
	// CatalogSetSubtreeStatus sets the status of the category at path and every
	// category under it.
	CatalogSetSubtreeStatus(ctx context.Context, path, status string) error

	CatalogAttribute(ctx context.Context, id string) (*Attribute, error)
	// CatalogSubtreeAttributes returns the attributes defined on the category at path
	// and on its descendants.
	CatalogSubtreeAttributes(ctx context.Context, path string) ([]Attribute, error)
	CatalogInsertAttribute(ctx context.Context, a *Attribute) error
	CatalogUpdateAttribute(ctx context.Context, a *Attribute) error
	CatalogDeleteAttribute(ctx context.Context, id string) error
	// CatalogValuesInUse reports whether a product in the subtree at path (or one of
	// its active SKUs) holds a value for attribute code, or, when text is not nil, that
	// exact value.
	CatalogValuesInUse(ctx context.Context, path, code string, text *string) (bool, error)

	// CatalogBrandByName returns a brand by its exact name or NotFound.
	CatalogBrandByName(ctx context.Context, name string) (*Brand, error)
	// CatalogOrgStatus returns an organisation's status.
	CatalogOrgStatus(ctx context.Context, orgID string) (string, error)

	// CatalogProduct returns a product in any status with its version, status reason,
	// brand and supplier names, or NotFound.
	CatalogProduct(ctx context.Context, id string) (*ProductView, error)
	// CatalogSKUs returns all of a product's SKUs, retired ones included.
	CatalogSKUs(ctx context.Context, productID string) ([]SKU, error)
	CatalogInsertProduct(ctx context.Context, v *ProductView) error
	// CatalogUpdateProduct writes v's product fields, status and reason when the stored
	// version is v.Version (else Conflict), and increments v.Version.
	CatalogUpdateProduct(ctx context.Context, v *ProductView) error
	// CatalogSetStatus changes a product's status when its version is version (else
	// Conflict), incrementing the version.
	CatalogSetStatus(ctx context.Context, id, status, reason string, at time.Time, version int64) error
	// CatalogSKUCodeOwners maps those of codes the supplier already uses to the product
	// that holds them.
	CatalogSKUCodeOwners(ctx context.Context, supplierID string, codes []string) (map[string]string, error)
	// CatalogInsertSKU inserts a SKU; a code the supplier already uses is a Conflict
	// with key err.sku_code_taken.
	CatalogInsertSKU(ctx context.Context, k *SKU) error
	CatalogUpdateSKU(ctx context.Context, k *SKU) error
	// CatalogLockSKUs holds a product's SKU rows until the transaction ends.
	CatalogLockSKUs(ctx context.Context, productID string) error
	CatalogAddEvent(ctx context.Context, e *ProductEvent) error
	CatalogEvents(ctx context.Context, productID string) ([]ProductEvent, error)
	CatalogAddPriceChange(ctx context.Context, c *PriceChange) error
	CatalogPriceHistory(ctx context.Context, productID string) ([]PriceChange, error)
	// CatalogProducts lists products for the supplier centre and the staff console.
	CatalogProducts(ctx context.Context, f ProductFilter) ([]ProductRow, int64, error)
}

// CategoryInfo is a category as editors see it.
type CategoryInfo struct {
	Category
	// NeedsReview sends products of this category and its subtree to ops review
	// before they go on sale.
	NeedsReview    bool
	Children       int   // direct children, any status
	ActiveChildren int   // direct children that are active
	Products       int64 // products filed directly under it
}

// Leaf reports whether suppliers may file products under the category.
func (c CategoryInfo) Leaf() bool { return c.Status == "active" && c.ActiveChildren == 0 }

// Category statuses.
const (
	CategoryActive   = "active"
	CategoryDisabled = "disabled"
)

// CategoryInput is what ops enter for a category. Sort is text so that a bad number is
// reported on its field.
type CategoryInput struct {
	ParentID    string
	Code        string
	NameZH      string
	NameEN      string
	Sort        string
	NeedsReview bool
}

// AttributeInput is what ops enter for a template attribute.
type AttributeInput struct {
	Code       string
	NameZH     string
	NameEN     string
	Kind       string
	Unit       string
	Options    []string
	Required   bool
	Filterable bool
	Sales      bool
	Sort       string
}

// ProductInput is the product form as the supplier typed it: text that the service
// parses and checks field by field.
type ProductInput struct {
	CategoryID  string
	Brand       string // an existing brand's name, or ""
	Name        string
	Model       string
	Title       string // "" builds one from brand, attributes and name
	Description string
	Attrs       map[string]string // common parameters by attribute code
	SKUs        []SKUInput        // form rows; blank rows are skipped, indexes kept
	Version     int64             // the version the form was loaded at (updates)
}

// SKUInput is one SKU row of the form.
type SKUInput struct {
	ID       string            // the SKU being edited, or "" (rows also match by code)
	Code     string            //
	Spec     map[string]string // sales-attribute values by code
	Unit     string            // one of SaleUnits
	MOQ      string            // "" takes the first tier's quantity
	Multiple string            // "" is 1
	Stock    string
	// StockWas is the stock the form showed when it was opened, if the form says: the
	// save then adds the difference (Stock − StockWas) to the stock as it is now, so
	// units reserved by orders in between stay reserved. Without it Stock is the stock.
	StockWas  string
	WeightG   string
	VolumeCM3 string
	Tiers     []TierInput
}

// TierInput is one price-tier row: from Qty units on, Price yuan per unit.
type TierInput struct {
	Qty   string
	Price string
}

// ProductView is a product with what its edit page shows.
type ProductView struct {
	Product
	Version      int64
	StatusReason string // why it is banned, or why review sent it back
	BrandName    string
	SupplierName string
	SKUs         []SKU // active SKUs
	Category     *CategoryInfo
	Template     []Attribute
	Events       []ProductEvent
	Prices       []PriceChange
	Issues       []TitleIssue // the title checker's warnings
	HotTerms     []string     // what buyers search most that relates to this product's name
}

// ProductEvent records one status change of a product.
type ProductEvent struct {
	Seq       int64
	ProductID string
	At        time.Time
	ActorID   string
	ActorName string
	From      string // "" at creation
	To        string
	Reason    string
}

// PriceChange records one change of a SKU's price tiers.
type PriceChange struct {
	Seq       int64
	SKUID     string
	ProductID string
	SKUCode   string
	At        time.Time
	ActorID   string
	ActorName string
	Old       []Tier // empty when the SKU was created
	New       []Tier
}

// ProductFilter selects products for editors' lists.
type ProductFilter struct {
	SupplierID   string
	Status       string
	CategoryPath string // subtree prefix
	Query        string // words in the title
	Limit        int
	Offset       int
}

// ProductRow is a product in an editor's list.
type ProductRow struct {
	ID             string
	Title          string
	Status         string
	StatusReason   string
	CategoryID     string
	CategoryNameZH string
	CategoryNameEN string
	SupplierID     string
	SupplierName   string
	SKUs           int
	MinPrice       int64
	UpdatedAt      time.Time
}

// Statuses lists the product statuses in lifecycle order.
var Statuses = []string{StatusDraft, StatusSubmitted, StatusOnSale, StatusOffSale, StatusBanned}

// Moderation actions for ops.
const (
	Approve = "approve" // submitted → on sale
	Reject  = "reject"  // submitted → draft, with a reason
	Ban     = "ban"     // any → banned, with a reason
	Unban   = "unban"   // banned → off sale
)

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// ops reports whether p may manage categories, templates and products.
func ops(p *identity.Principal) bool {
	return p.Is(identity.Platform) && p.Has(identity.Admin, identity.OpsManager)
}

func forbidden() error { return errs.E(errs.Forbidden, "err.forbidden") }

func (s *Service) log(ctx context.Context, p *identity.Principal, action, objType, objID, detail string) error {
	return audit.Log(ctx, s.Audit, audit.Entry{At: s.now(), ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID,
		Action: action, ObjectType: objType, ObjectID: objID, Detail: detail})
}

// ---- categories ----

// Tree returns every category, disabled ones included, in tree order (each parent
// before its children, siblings by sort then code).
func (s *Service) Tree(ctx context.Context, p *identity.Principal) ([]CategoryInfo, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	all, err := s.Store.CatalogCategories(ctx)
	if err != nil {
		return nil, err
	}
	return treeOrder(all), nil
}

func treeOrder(all []CategoryInfo) []CategoryInfo {
	kids := map[string][]CategoryInfo{}
	for _, c := range all {
		kids[c.ParentID] = append(kids[c.ParentID], c)
	}
	for _, l := range kids {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Sort != l[j].Sort {
				return l[i].Sort < l[j].Sort
			}
			return l[i].Code < l[j].Code
		})
	}
	out := make([]CategoryInfo, 0, len(all))
	var walk func(id string)
	walk = func(id string) {
		for _, c := range kids[id] {
			out = append(out, c)
			walk(c.ID)
		}
	}
	walk("")
	return out
}

// Leaf is a category suppliers may file products under, with its trail from the root.
type Leaf struct {
	CategoryInfo
	Trail []Category // root first, the leaf last
}

// Leaves returns the active leaf categories in tree order.
func (s *Service) Leaves(ctx context.Context) ([]Leaf, error) {
	all, err := s.Store.CatalogCategories(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]CategoryInfo{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var out []Leaf
	for _, c := range treeOrder(all) {
		if !c.Leaf() {
			continue
		}
		l := Leaf{CategoryInfo: c}
		ok := true
		for id := c.ID; id != ""; id = byID[id].ParentID {
			a, found := byID[id]
			if !found || a.Status != CategoryActive {
				ok = false
				break
			}
			l.Trail = append([]Category{a.Category}, l.Trail...)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out, nil
}

// CategoryPage is a category with its template, for the template editor.
type CategoryPage struct {
	Category  CategoryInfo
	Trail     []CategoryInfo // ancestors, root first
	Own       []Attribute    // defined here
	Inherited []Attribute    // defined on ancestors
}

// Category returns a category with its template split into own and inherited parts.
func (s *Service) Category(ctx context.Context, p *identity.Principal, id string) (*CategoryPage, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	c, err := s.Store.CatalogCategory(ctx, id)
	if err != nil {
		return nil, err
	}
	pg := &CategoryPage{Category: *c}
	for pid := c.ParentID; pid != ""; {
		a, err := s.Store.CatalogCategory(ctx, pid)
		if err != nil {
			return nil, err
		}
		pg.Trail = append([]CategoryInfo{*a}, pg.Trail...)
		pid = a.ParentID
	}
	tmpl, err := s.Store.Template(ctx, c.Path)
	if err != nil {
		return nil, err
	}
	for _, a := range tmpl {
		if a.CategoryID == c.ID {
			pg.Own = append(pg.Own, a)
		} else {
			pg.Inherited = append(pg.Inherited, a)
		}
	}
	return pg, nil
}

func checkCategory(v *errs.Validator, in CategoryInput) (code, zh, en string, sortN int) {
	code = strings.TrimSpace(in.Code)
	switch {
	case code == "":
		v.Add("code", "err.required")
	case len(code) < 2 || len(code) > 40 || !categoryCodeRe.MatchString(code):
		v.Add("code", "err.cat_code_format")
	}
	zh = checkText(v, "name_zh", in.NameZH, 1, 30, true, false)
	en = checkText(v, "name_en", in.NameEN, 1, 60, false, false)
	if s := strings.TrimSpace(in.Sort); s != "" {
		n, ok := parseCount(s)
		if !ok || n < -10000 || n > 10000 {
			v.Add("sort", "err.cat_sort")
		}
		sortN = int(n)
	}
	return
}

// parentFor checks that a category may go under parentID ("" for the root level):
// the parent is active and holds no products of its own.
func (s *Service) parentFor(ctx context.Context, v *errs.Validator, parentID string) (*CategoryInfo, error) {
	if parentID == "" {
		return nil, nil
	}
	par, err := s.Store.CatalogCategory(ctx, parentID)
	if errs.Is(err, errs.NotFound) {
		v.Add("parent_id", "err.cat_parent_unknown")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if par.Status != CategoryActive {
		v.Add("parent_id", "err.cat_parent_disabled", par.NameZH)
	} else if par.Products > 0 {
		v.Add("parent_id", "err.cat_parent_has_products", par.NameZH, par.Products)
	}
	return par, nil
}

// CreateCategory adds a category under in.ParentID (or at the root).
func (s *Service) CreateCategory(ctx context.Context, p *identity.Principal, in CategoryInput) (*CategoryInfo, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var c *CategoryInfo
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var v errs.Validator
		code, zh, en, sortN := checkCategory(&v, in)
		par, err := s.parentFor(ctx, &v, strings.TrimSpace(in.ParentID))
		if err != nil {
			return err
		}
		if !v.Has("code") {
			taken, err := s.Store.CatalogCodeTaken(ctx, code, "")
			if err != nil {
				return err
			}
			v.Check(!taken, "code", "err.cat_code_taken", code)
		}
		if err := v.Err(); err != nil {
			return err
		}
		c = &CategoryInfo{Category: Category{ID: db.NewID(), Code: code, NameZH: zh, NameEN: en, Sort: sortN, Status: CategoryActive,
			Path: "/" + code + "/", CreatedAt: s.now()}, NeedsReview: in.NeedsReview}
		if par != nil {
			c.ParentID, c.Depth, c.Path = par.ID, par.Depth+1, par.Path+code+"/"
		}
		if err := s.Store.CatalogInsertCategory(ctx, c); err != nil {
			return err
		}
		return s.log(ctx, p, "catalog.category.create", "category", c.ID, c.Path)
	})
	return c, err
}

// UpdateCategory changes a category's code, names, sort and review flag; a new code
// rewrites the paths of the whole subtree.
func (s *Service) UpdateCategory(ctx context.Context, p *identity.Principal, id string, in CategoryInput) (*CategoryInfo, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var c *CategoryInfo
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Store.CatalogCategory(ctx, id); err != nil {
			return err
		}
		var v errs.Validator
		code, zh, en, sortN := checkCategory(&v, in)
		if !v.Has("code") && code != c.Code {
			taken, err := s.Store.CatalogCodeTaken(ctx, code, c.ID)
			if err != nil {
				return err
			}
			v.Check(!taken, "code", "err.cat_code_taken", code)
		}
		if err := v.Err(); err != nil {
			return err
		}
		oldPath := c.Path
		parentPath := strings.TrimSuffix(oldPath, c.Code+"/")
		c.Code, c.NameZH, c.NameEN, c.Sort, c.NeedsReview = code, zh, en, sortN, in.NeedsReview
		c.Path = parentPath + code + "/"
		if err := s.Store.CatalogUpdateCategory(ctx, c); err != nil {
			return err
		}
		if c.Path != oldPath {
			if err := s.Store.CatalogRepath(ctx, oldPath, c.Path, 0); err != nil {
				return err
			}
		}
		return s.log(ctx, p, "catalog.category.update", "category", c.ID, oldPath+" → "+c.Path)
	})
	return c, err
}

// MoveCategory puts a category (with its subtree) under newParentID, or at the root
// when it is "". The move is refused when it would take away an inherited attribute
// whose values products in the subtree use, or when an attribute code in the subtree
// would clash with one of the new ancestors'.
func (s *Service) MoveCategory(ctx context.Context, p *identity.Principal, id, newParentID string) (*CategoryInfo, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var c *CategoryInfo
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Store.CatalogCategory(ctx, id); err != nil {
			return err
		}
		newParentID = strings.TrimSpace(newParentID)
		if newParentID == c.ParentID {
			return nil
		}
		var v errs.Validator
		par, err := s.parentFor(ctx, &v, newParentID)
		if err != nil {
			return err
		}
		if par != nil && strings.HasPrefix(par.Path, c.Path) {
			v.Add("parent_id", "err.cat_move_cycle")
		}
		if err := v.Err(); err != nil {
			return err
		}
		oldParentPath, newParentPath := strings.TrimSuffix(c.Path, c.Code+"/"), "/"
		newPath, depth := "/"+c.Code+"/", 0
		if par != nil {
			newParentPath, newPath, depth = par.Path, par.Path+c.Code+"/", par.Depth+1
		}
		var oldInh, newInh []Attribute
		if oldParentPath != "/" {
			if oldInh, err = s.Store.Template(ctx, oldParentPath); err != nil {
				return err
			}
		}
		if newParentPath != "/" {
			if newInh, err = s.Store.Template(ctx, newParentPath); err != nil {
				return err
			}
		}
		kept := map[string]bool{}
		newCodes := map[string]Attribute{}
		for _, a := range newInh {
			kept[a.ID] = true
			newCodes[a.Code] = a
		}
		for _, a := range oldInh {
			if kept[a.ID] {
				continue
			}
			used, err := s.Store.CatalogValuesInUse(ctx, c.Path, a.Code, nil)
			if err != nil {
				return err
			}
			if used {
				return errs.E(errs.Conflict, "err.cat_move_orphans", a.NameZH)
			}
		}
		sub, err := s.Store.CatalogSubtreeAttributes(ctx, c.Path)
		if err != nil {
			return err
		}
		for _, a := range sub {
			if b, clash := newCodes[a.Code]; clash {
				return errs.E(errs.Conflict, "err.cat_move_clash", a.Code, b.NameZH)
			}
		}
		oldPath, delta := c.Path, depth-c.Depth
		c.ParentID, c.Path, c.Depth = newParentID, newPath, depth
		if err := s.Store.CatalogUpdateCategory(ctx, c); err != nil {
			return err
		}
		if err := s.Store.CatalogRepath(ctx, oldPath, newPath, delta); err != nil {
			return err
		}
		return s.log(ctx, p, "catalog.category.move", "category", c.ID, oldPath+" → "+newPath)
	})
	return c, err
}

// SetCategoryActive disables a category with its whole subtree, or enables it again
// (which needs an active parent). Products already filed keep their status; suppliers
// cannot file new ones under a disabled category.
func (s *Service) SetCategoryActive(ctx context.Context, p *identity.Principal, id string, active bool) error {
	if !ops(p) {
		return forbidden()
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.CatalogCategory(ctx, id)
		if err != nil {
			return err
		}
		status, action := CategoryDisabled, "catalog.category.disable"
		if active {
			status, action = CategoryActive, "catalog.category.enable"
			if c.ParentID != "" {
				par, err := s.Store.CatalogCategory(ctx, c.ParentID)
				if err != nil {
					return err
				}
				if par.Status != CategoryActive {
					return errs.E(errs.Conflict, "err.cat_parent_disabled", par.NameZH)
				}
			}
		}
		if err := s.Store.CatalogSetSubtreeStatus(ctx, c.Path, status); err != nil {
			return err
		}
		return s.log(ctx, p, action, "category", c.ID, c.Path)
	})
}

// ---- attribute templates ----

// codeClash reports an attribute on the category's ancestors, itself or its
// descendants that already uses code (other than exceptID).
func (s *Service) codeClash(ctx context.Context, c *CategoryInfo, code, exceptID string) (*Attribute, error) {
	tmpl, err := s.Store.Template(ctx, c.Path)
	if err != nil {
		return nil, err
	}
	sub, err := s.Store.CatalogSubtreeAttributes(ctx, c.Path)
	if err != nil {
		return nil, err
	}
	for _, a := range append(tmpl, sub...) {
		if a.Code == code && a.ID != exceptID {
			return &a, nil
		}
	}
	return nil, nil
}

// AddAttribute adds an attribute to a category's template. Its code must be unique along
// the category's path and in its subtree, since templates are inherited.
func (s *Service) AddAttribute(ctx context.Context, p *identity.Principal, categoryID string, in AttributeInput) (*Attribute, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var a Attribute
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.CatalogCategory(ctx, categoryID)
		if err != nil {
			return err
		}
		var v errs.Validator
		a = checkAttribute(&v, in)
		if !v.Has("code") {
			clash, err := s.codeClash(ctx, c, a.Code, "")
			if err != nil {
				return err
			}
			if clash != nil {
				v.Add("code", "err.cat_attr_code_taken", a.Code, clash.NameZH)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		a.ID, a.CategoryID = db.NewID(), c.ID
		if err := s.Store.CatalogInsertAttribute(ctx, &a); err != nil {
			return err
		}
		return s.log(ctx, p, "catalog.attribute.add", "category", c.ID, a.Code+" ("+string(a.Kind)+")")
	})
	return &a, err
}

// UpdateAttribute changes an attribute. Names, flags other than sales, sort, and added
// enum options are always allowed; a new code, kind, unit or sales flag, or a removed
// option, only while no product in the subtree uses the attribute (the option).
func (s *Service) UpdateAttribute(ctx context.Context, p *identity.Principal, id string, in AttributeInput) (*Attribute, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var a Attribute
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		old, err := s.Store.CatalogAttribute(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.Store.CatalogCategory(ctx, old.CategoryID)
		if err != nil {
			return err
		}
		var v errs.Validator
		a = checkAttribute(&v, in)
		if !v.Has("code") && a.Code != old.Code {
			clash, err := s.codeClash(ctx, c, a.Code, old.ID)
			if err != nil {
				return err
			}
			if clash != nil {
				v.Add("code", "err.cat_attr_code_taken", a.Code, clash.NameZH)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		a.ID, a.CategoryID = old.ID, old.CategoryID
		structural := a.Code != old.Code || a.Kind != old.Kind || a.Unit != old.Unit || a.Sales != old.Sales
		if structural {
			used, err := s.Store.CatalogValuesInUse(ctx, c.Path, old.Code, nil)
			if err != nil {
				return err
			}
			if used {
				switch {
				case a.Code != old.Code:
					return &errs.Error{Code: errs.Conflict, Msg: errs.Msg{Key: "err.cat_attr_code_in_use", Args: []any{old.NameZH}},
						Fields: []errs.FieldError{{Field: "code", Msg: errs.Msg{Key: "err.cat_attr_code_in_use", Args: []any{old.NameZH}}}}}
				case a.Kind != old.Kind:
					return &errs.Error{Code: errs.Conflict, Msg: errs.Msg{Key: "err.cat_attr_kind_in_use", Args: []any{old.NameZH}},
						Fields: []errs.FieldError{{Field: "kind", Msg: errs.Msg{Key: "err.cat_attr_kind_in_use", Args: []any{old.NameZH}}}}}
				case a.Unit != old.Unit:
					return &errs.Error{Code: errs.Conflict, Msg: errs.Msg{Key: "err.cat_attr_unit_in_use", Args: []any{old.NameZH}},
						Fields: []errs.FieldError{{Field: "unit", Msg: errs.Msg{Key: "err.cat_attr_unit_in_use", Args: []any{old.NameZH}}}}}
				default:
					return &errs.Error{Code: errs.Conflict, Msg: errs.Msg{Key: "err.cat_attr_sales_in_use", Args: []any{old.NameZH}},
						Fields: []errs.FieldError{{Field: "sales", Msg: errs.Msg{Key: "err.cat_attr_sales_in_use", Args: []any{old.NameZH}}}}}
				}
			}
		}
		if old.Kind == Enum && a.Kind == Enum {
			keep := map[string]bool{}
			for _, o := range a.Options {
				keep[o] = true
			}
			for _, o := range old.Options {
				if keep[o] {
					continue
				}
				used, err := s.Store.CatalogValuesInUse(ctx, c.Path, old.Code, &o)
				if err != nil {
					return err
				}
				if used {
					return &errs.Error{Code: errs.Conflict, Msg: errs.Msg{Key: "err.cat_attr_option_in_use", Args: []any{old.NameZH, o}},
						Fields: []errs.FieldError{{Field: "options", Msg: errs.Msg{Key: "err.cat_attr_option_in_use", Args: []any{old.NameZH, o}}}}}
				}
			}
		}
		if err := s.Store.CatalogUpdateAttribute(ctx, &a); err != nil {
			return err
		}
		return s.log(ctx, p, "catalog.attribute.update", "category", c.ID, old.Code+" → "+a.Code+" ("+string(a.Kind)+")")
	})
	return &a, err
}

// RemoveAttribute removes an attribute from its template, refusing while any product
// in the subtree holds a value for it.
func (s *Service) RemoveAttribute(ctx context.Context, p *identity.Principal, id string) error {
	if !ops(p) {
		return forbidden()
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.Store.CatalogAttribute(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.Store.CatalogCategory(ctx, a.CategoryID)
		if err != nil {
			return err
		}
		used, err := s.Store.CatalogValuesInUse(ctx, c.Path, a.Code, nil)
		if err != nil {
			return err
		}
		if used {
			return errs.E(errs.Conflict, "err.cat_attr_in_use", a.NameZH)
		}
		if err := s.Store.CatalogDeleteAttribute(ctx, a.ID); err != nil {
			return err
		}
		return s.log(ctx, p, "catalog.attribute.remove", "category", c.ID, a.Code)
	})
}

// ---- products ----

// activeSupplier lets p edit products: a supplier organisation whose status is active.
func (s *Service) activeSupplier(ctx context.Context, p *identity.Principal) error {
	if !p.Is(identity.Supplier) {
		return forbidden()
	}
	st, err := s.Store.CatalogOrgStatus(ctx, p.Org.ID)
	if err != nil {
		return err
	}
	if st != identity.OrgActive {
		return errs.E(errs.Forbidden, "err.product_supplier_inactive")
	}
	return nil
}

// leaf returns the category a product may be filed under, or a field error.
func (s *Service) leaf(ctx context.Context, v *errs.Validator, id string) (*CategoryInfo, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		v.Add("category", "err.required")
		return nil, nil
	}
	c, err := s.Store.CatalogCategory(ctx, id)
	if errs.Is(err, errs.NotFound) {
		v.Add("category", "err.cat_unknown")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !c.Leaf() {
		v.Add("category", "err.cat_not_leaf", c.NameZH)
		return nil, nil
	}
	return c, nil
}

// FormTemplate returns a leaf category and its inherited template, for the product form.
func (s *Service) FormTemplate(ctx context.Context, categoryID string) (*CategoryInfo, []Attribute, error) {
	var v errs.Validator
	c, err := s.leaf(ctx, &v, categoryID)
	if err != nil {
		return nil, nil, err
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	tmpl, err := s.Store.Template(ctx, c.Path)
	return c, tmpl, err
}

// product loads a product the caller may see: the supplier's own, or any for ops.
func (s *Service) product(ctx context.Context, p *identity.Principal, id string) (*ProductView, error) {
	v, err := s.Store.CatalogProduct(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ops(p) && !(p.Is(identity.Supplier) && v.SupplierID == p.Org.ID) {
		return nil, errs.E(errs.NotFound, "err.product_not_found")
	}
	return v, nil
}

// Product returns a product with its active SKUs, category, template, history and
// title warnings: the supplier's own, or any for ops. Another supplier's product is
// NotFound.
func (s *Service) Product(ctx context.Context, p *identity.Principal, id string) (*ProductView, error) {
	v, err := s.product(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return v, s.fill(ctx, v)
}

func (s *Service) fill(ctx context.Context, v *ProductView) error {
	skus, err := s.Store.CatalogSKUs(ctx, v.ID)
	if err != nil {
		return err
	}
	v.SKUs = v.SKUs[:0]
	for _, k := range skus {
		if k.Status == "active" {
			v.SKUs = append(v.SKUs, k)
		}
	}
	if v.Category, err = s.Store.CatalogCategory(ctx, v.CategoryID); err != nil {
		return err
	}
	if v.Template, err = s.Store.Template(ctx, v.Category.Path); err != nil {
		return err
	}
	if v.Events, err = s.Store.CatalogEvents(ctx, v.ID); err != nil {
		return err
	}
	if v.Prices, err = s.Store.CatalogPriceHistory(ctx, v.ID); err != nil {
		return err
	}
	hot := s.hotTerms(ctx)
	v.Issues = CheckTitle(v.Title, v.BrandName, v.Name, hot)
	v.HotTerms = RelatedTerms(hot, v.Name, 10)
	return nil
}

// Products lists the supplier's own products (status "" for all).
func (s *Service) Products(ctx context.Context, p *identity.Principal, f ProductFilter) ([]ProductRow, int64, error) {
	switch {
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case ops(p):
	default:
		return nil, 0, forbidden()
	}
	if f.Status != "" && !validStatus(f.Status) {
		return nil, 0, errs.Field("status", "err.product_status_unknown")
	}
	return s.Store.CatalogProducts(ctx, f)
}

func validStatus(st string) bool {
	for _, s := range Statuses {
		if s == st {
			return true
		}
	}
	return false
}

// CreateProduct files a new product with its SKUs. Without publish it is a draft (which
// may be incomplete, though whatever it holds must be valid); with publish it must be
// complete and goes on sale, or to ops review when its category needs review.
func (s *Service) CreateProduct(ctx context.Context, p *identity.Principal, in ProductInput, publish bool) (*ProductView, error) {
	return s.save(ctx, p, "", in, publish)
}

// UpdateProduct saves the supplier's edit of its product (in.Version must be the
// version the form was loaded at). Publish puts a draft or off-sale product on sale
// (or into review). An on-sale product in a review category whose content (not just
// prices and stock) changes goes back to review. SKUs match the form rows by code, else
// by ID; SKUs left out are retired.
func (s *Service) UpdateProduct(ctx context.Context, p *identity.Principal, id string, in ProductInput, publish bool) (*ProductView, error) {
	if id == "" {
		return nil, errs.E(errs.NotFound, "err.product_not_found")
	}
	return s.save(ctx, p, id, in, publish)
}

// content is what review looks at: everything but prices, stock and status.
func content(catID, brandID, name, model, title, desc string, attrs []Value, skus []SKU) string {
	type sk struct {
		Code string
		Spec []Value
		Unit string
	}
	norm := func(vs []Value) []Value {
		if len(vs) == 0 {
			return nil
		}
		return vs
	}
	var ks []sk
	for _, k := range skus {
		ks = append(ks, sk{k.Code, norm(k.Spec), k.Unit})
	}
	attrs = norm(attrs)
	sort.Slice(ks, func(i, j int) bool { return ks[i].Code < ks[j].Code })
	b, _ := json.Marshal([]any{catID, brandID, name, model, title, desc, attrs, ks})
	return string(b)
}

func (s *Service) save(ctx context.Context, p *identity.Principal, id string, in ProductInput, publish bool) (*ProductView, error) {
	var out *ProductView
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.activeSupplier(ctx, p); err != nil {
			return err
		}
		if id == "" || publish {
			if err := s.unrestricted(ctx, p); err != nil {
				return err
			}
		}
		var cur *ProductView
		var curSKUs []SKU
		if id != "" {
			var err error
			if cur, err = s.product(ctx, p, id); err != nil {
				return err
			}
			if !p.Is(identity.Supplier) || cur.SupplierID != p.Org.ID {
				return errs.E(errs.NotFound, "err.product_not_found")
			}
			if in.Version != cur.Version {
				return errs.E(errs.Conflict, "err.product_stale")
			}
			// Hold the SKUs' rows (PostgreSQL; SQLite's writer is alone) so that a checkout
			// cannot take stock between this read and the save's write.
			if err := s.Store.CatalogLockSKUs(ctx, id); err != nil {
				return err
			}
			if curSKUs, err = s.Store.CatalogSKUs(ctx, id); err != nil {
				return err
			}
		}
		var v errs.Validator
		cat, err := s.leaf(ctx, &v, in.CategoryID)
		if err != nil {
			return err
		}
		if cat == nil {
			checkProduct(&v, in, nil, false)
			return v.Err()
		}
		review, err := s.Store.CatalogPathNeedsReview(ctx, cat.Path)
		if err != nil {
			return err
		}
		tmpl, err := s.Store.Template(ctx, cat.Path)
		if err != nil {
			return err
		}
		// The status the product will have decides how complete it must be.
		from := ""
		if cur != nil {
			from = cur.Status
		}
		to := from
		switch {
		case from == "":
			to = StatusDraft
			if publish {
				to = StatusOnSale
			}
		case from == StatusBanned:
			if publish {
				return errs.E(errs.Conflict, "err.product_banned", cur.StatusReason)
			}
		case publish && (from == StatusDraft || from == StatusOffSale):
			to = StatusOnSale
		}
		if to == StatusOnSale && review && from != StatusOnSale {
			to = StatusSubmitted
		}
		complete := to == StatusOnSale || to == StatusSubmitted
		d := checkProduct(&v, in, tmpl, complete)

		var brandID string
		if d.Brand != "" && !v.Has("brand") {
			b, err := s.Store.CatalogBrandByName(ctx, d.Brand)
			switch {
			case errs.Is(err, errs.NotFound):
				v.Add("brand", "err.product_brand_unknown", d.Brand)
			case err != nil:
				return err
			default:
				brandID, d.Brand = b.ID, b.Name
			}
		}
		// SKU codes: the supplier's other products must not hold them.
		var codes []string
		for _, k := range d.SKUs {
			if k.SKU.Code != "" {
				codes = append(codes, k.SKU.Code)
			}
		}
		owners, err := s.Store.CatalogSKUCodeOwners(ctx, p.Org.ID, codes)
		if err != nil {
			return err
		}
		for _, k := range d.SKUs {
			if owner, ok := owners[k.SKU.Code]; ok && owner != id {
				v.Add(fmt.Sprintf("skus[%d].code", k.Row), "err.sku_code_taken", k.SKU.Code)
			}
		}
		if err := v.Err(); err != nil {
			return err
		}

		now := s.now()
		if d.Title == "" {
			var words []Value
			for _, a := range tmpl {
				if a.Sales || !(a.Filterable || a.Required) || a.Kind == Bool || a.Kind == Text {
					continue
				}
				for _, val := range d.Attrs {
					if val.Code == a.Code {
						words = append(words, val)
					}
				}
			}
			d.Title = BuildTitle(d.Brand, nil, words, d.Name)
		}
		pv := &ProductView{}
		if cur != nil {
			pv = cur
		}
		pr := &pv.Product
		before := ""
		if cur != nil {
			before = content(pr.CategoryID, pr.BrandID, pr.Name, pr.Model, pr.Title, pr.Description, pr.Attrs, activeSKUs(curSKUs))
		}
		pr.SupplierID, pr.CategoryID, pr.BrandID = p.Org.ID, cat.ID, brandID
		pr.Title, pr.Name, pr.Model, pr.Description, pr.Attrs = d.Title, d.Name, d.Model, d.Description, d.Attrs
		pr.UpdatedAt = now
		pv.BrandName = d.Brand

		// Match rows to stored SKUs: by code first (the supplier's own identifier), then
		// by the row's ID; the rest are new. Stored SKUs no row claims are retired.
		byCode := map[string]*SKU{}
		byID := map[string]*SKU{}
		for i := range curSKUs {
			byCode[curSKUs[i].Code] = &curSKUs[i]
			byID[curSKUs[i].ID] = &curSKUs[i]
		}
		claimed := map[string]bool{}
		match := make([]*SKU, len(d.SKUs))
		for i, k := range d.SKUs {
			if old, ok := byCode[k.SKU.Code]; ok {
				match[i], claimed[old.ID] = old, true
			}
		}
		for i, k := range d.SKUs {
			if match[i] != nil || k.ID == "" {
				continue
			}
			if old, ok := byID[k.ID]; ok && !claimed[old.ID] && byCode[k.SKU.Code] == nil {
				match[i], claimed[old.ID] = old, true
			}
		}
		var final []SKU
		for i, k := range d.SKUs {
			if match[i] != nil {
				final = append(final, *match[i])
				final[len(final)-1].Spec = k.SKU.Spec
				final[len(final)-1].Code = k.SKU.Code
				final[len(final)-1].Unit = k.SKU.Unit
			} else {
				final = append(final, k.SKU)
			}
		}
		after := content(pr.CategoryID, pr.BrandID, pr.Name, pr.Model, pr.Title, pr.Description, pr.Attrs, final)
		reason := ""
		if from == StatusOnSale && review && before != after {
			to, reason = StatusSubmitted, "content changed"
		}
		pr.Status = to
		if to != from && from != StatusBanned {
			pv.StatusReason = ""
		}

		if cur == nil {
			pr.ID, pr.CreatedAt = db.NewID(), now
			if err := s.Store.CatalogInsertProduct(ctx, pv); err != nil {
				return err
			}
		} else if err := s.Store.CatalogUpdateProduct(ctx, pv); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, "catalog.save.product"); err != nil {
			return err
		}
		for i, k := range d.SKUs {
			nk := k.SKU
			nk.ProductID, nk.SupplierID, nk.Status, nk.UpdatedAt = pr.ID, pr.SupplierID, "active", now
			var oldTiers []Tier
			if old := match[i]; old != nil {
				nk.ID, nk.CreatedAt, oldTiers = old.ID, old.CreatedAt, old.Tiers
				if k.StockWas >= 0 {
					nk.Stock = max(old.Stock+nk.Stock-k.StockWas, 0)
				}
				if err := s.Store.CatalogUpdateSKU(ctx, &nk); err != nil {
					return err
				}
				if old.Status != "active" {
					oldTiers = nil // back from retirement: its price list starts again
				}
			} else {
				nk.ID, nk.CreatedAt = db.NewID(), now
				if err := s.Store.CatalogInsertSKU(ctx, &nk); err != nil {
					if e := errs.As(err); e != nil && e.Code == errs.Conflict {
						return errs.Field(fmt.Sprintf("skus[%d].code", k.Row), "err.sku_code_taken", nk.Code)
					}
					return err
				}
			}
			if tiersJSON(oldTiers) != tiersJSON(nk.Tiers) || match[i] == nil {
				if err := s.Store.CatalogAddPriceChange(ctx, &PriceChange{SKUID: nk.ID, ProductID: pr.ID, SKUCode: nk.Code, At: now,
					ActorID: p.User.ID, ActorName: p.User.DisplayName, Old: oldTiers, New: nk.Tiers}); err != nil {
					return err
				}
			}
			if err := s.DB.Fault(ctx, "catalog.save.sku"); err != nil {
				return err
			}
		}
		for i := range curSKUs {
			k := curSKUs[i]
			if claimed[k.ID] || k.Status != "active" {
				continue
			}
			k.Status, k.UpdatedAt = "retired", now
			if err := s.Store.CatalogUpdateSKU(ctx, &k); err != nil {
				return err
			}
		}
		if to != from {
			if err := s.Store.CatalogAddEvent(ctx, &ProductEvent{ProductID: pr.ID, At: now, ActorID: p.User.ID, ActorName: p.User.DisplayName,
				From: from, To: to, Reason: reason}); err != nil {
				return err
			}
		}
		action := "catalog.product.update"
		if cur == nil {
			action = "catalog.product.create"
		}
		if err := s.log(ctx, p, action, "product", pr.ID, from+"→"+to); err != nil {
			return err
		}
		var err2 error
		if out, err2 = s.Store.CatalogProduct(ctx, pr.ID); err2 != nil {
			return err2
		}
		return s.fill(ctx, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func activeSKUs(ks []SKU) []SKU {
	var out []SKU
	for _, k := range ks {
		if k.Status == "active" {
			out = append(out, k)
		}
	}
	return out
}

func tiersJSON(ts []Tier) string {
	if len(ts) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ts)
	return string(b)
}

// incomplete names the first required attribute (or the SKUs) a stored product lacks
// under its current template, or "".
func incomplete(tmpl []Attribute, pr *Product, skus []SKU) string {
	has := func(vs []Value, code string) bool {
		for _, v := range vs {
			if v.Code == code && v.Text != "" {
				return true
			}
		}
		return false
	}
	if len(skus) == 0 {
		return "SKU"
	}
	for _, a := range tmpl {
		if !a.Required {
			continue
		}
		if !a.Sales && !has(pr.Attrs, a.Code) {
			return a.NameZH
		}
		if a.Sales {
			for _, k := range skus {
				if !has(k.Spec, a.Code) {
					return a.NameZH
				}
			}
		}
	}
	return ""
}

// SetOnSale is the supplier's shelf switch. On: a draft or off-sale product goes on sale
// (or to review when its category needs review), if it is complete under the current
// template. Off: an on-sale product goes off sale; a submitted one is withdrawn to draft.
func (s *Service) SetOnSale(ctx context.Context, p *identity.Principal, id string, on bool) (*ProductView, error) {
	var v *ProductView
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.activeSupplier(ctx, p); err != nil {
			return err
		}
		if on {
			if err := s.unrestricted(ctx, p); err != nil {
				return err
			}
		}
		var err error
		if v, err = s.product(ctx, p, id); err != nil {
			return err
		}
		if v.SupplierID != p.Org.ID {
			return errs.E(errs.NotFound, "err.product_not_found")
		}
		var to string
		switch {
		case on && (v.Status == StatusDraft || v.Status == StatusOffSale):
			if err := s.fill(ctx, v); err != nil {
				return err
			}
			if what := incomplete(v.Template, &v.Product, v.SKUs); what != "" {
				return errs.E(errs.Conflict, "err.product_incomplete", what)
			}
			to = StatusOnSale
			review, err := s.Store.CatalogPathNeedsReview(ctx, v.Category.Path)
			if err != nil {
				return err
			}
			if review {
				to = StatusSubmitted
			}
		case !on && v.Status == StatusOnSale:
			to = StatusOffSale
		case !on && v.Status == StatusSubmitted:
			to = StatusDraft
		case v.Status == StatusBanned:
			return errs.E(errs.Conflict, "err.product_banned", v.StatusReason)
		default:
			return errs.E(errs.Conflict, "err.product_status", errs.Msg{Key: "product.edit.status_" + v.Status})
		}
		return s.transition(ctx, p, v, to, "")
	})
	return v, err
}

// Moderate is ops' decision on a product: Approve or Reject (with a reason) a submitted
// product, Ban any product with a reason, Unban a banned one (it comes back off sale,
// for the supplier to put on sale again).
func (s *Service) Moderate(ctx context.Context, p *identity.Principal, id, action, reason string) (*ProductView, error) {
	if !ops(p) {
		return nil, forbidden()
	}
	var v *ProductView
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if v, err = s.product(ctx, p, id); err != nil {
			return err
		}
		var val errs.Validator
		reason = checkText(&val, "reason", reason, 2, 500, action == Reject || action == Ban, false)
		if err := val.Err(); err != nil {
			return err
		}
		var to string
		switch action {
		case Approve:
			if v.Status != StatusSubmitted {
				return errs.E(errs.Conflict, "err.product_status", errs.Msg{Key: "product.edit.status_" + v.Status})
			}
			to, reason = StatusOnSale, ""
		case Reject:
			if v.Status != StatusSubmitted {
				return errs.E(errs.Conflict, "err.product_status", errs.Msg{Key: "product.edit.status_" + v.Status})
			}
			to = StatusDraft
		case Ban:
			if v.Status == StatusBanned {
				return errs.E(errs.Conflict, "err.product_status", errs.Msg{Key: "product.edit.status_" + v.Status})
			}
			to = StatusBanned
		case Unban:
			if v.Status != StatusBanned {
				return errs.E(errs.Conflict, "err.product_status", errs.Msg{Key: "product.edit.status_" + v.Status})
			}
			to = StatusOffSale
		default:
			return errs.Field("action", "err.product_action")
		}
		return s.transition(ctx, p, v, to, reason)
	})
	return v, err
}

// transition records a status change with its event and audit entry.
func (s *Service) transition(ctx context.Context, p *identity.Principal, v *ProductView, to, reason string) error {
	now := s.now()
	from := v.Status
	if err := s.Store.CatalogSetStatus(ctx, v.ID, to, reason, now, v.Version); err != nil {
		return err
	}
	v.Version++
	v.Status, v.StatusReason, v.UpdatedAt = to, reason, now
	if err := s.Store.CatalogAddEvent(ctx, &ProductEvent{ProductID: v.ID, At: now, ActorID: p.User.ID, ActorName: p.User.DisplayName,
		From: from, To: to, Reason: reason}); err != nil {
		return err
	}
	detail := from + "→" + to
	if reason != "" {
		detail += ": " + reason
	}
	return s.log(ctx, p, "catalog.product."+to, "product", v.ID, detail)
}
