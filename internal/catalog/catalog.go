// Package catalog holds the catalogue's domain types: the category tree with attribute
// templates, brands, products (SPU) and their SKUs with MOQ, multiples and tiered prices.
// Unit prices are int64 in 0.0001 yuan (a fastener can sell at ¥0.0125); parameter
// values carry their unit so search can filter ranges.
package catalog

import (
	"context"
	"time"
)

// AttrKind is the type of a template attribute.
type AttrKind string

// The attribute kinds.
const (
	Enum   AttrKind = "enum"   // one of Options
	Number AttrKind = "number" // a number in Unit
	Range  AttrKind = "range"  // a numeric range in Unit, e.g. 0–10 bar
	Text   AttrKind = "text"
	Bool   AttrKind = "bool"
)

// Category is a node of the category tree. Path lists the codes from the root, slash
// separated and slash terminated ("/fasteners/bolts/"), so a subtree is a prefix match.
type Category struct {
	ID        string
	ParentID  string // "" for a root
	Code      string // stable slug used in URLs
	NameZH    string
	NameEN    string
	Depth     int
	Sort      int
	Path      string
	Status    string
	CreatedAt time.Time
}

// Attribute is one field of a category's parameter template. Templates are inherited down
// the tree: a leaf's template is its own attributes plus its ancestors'.
type Attribute struct {
	ID         string
	CategoryID string
	Code       string
	NameZH     string
	NameEN     string
	Kind       AttrKind
	Unit       string   // mm, kg, kW, bar, MPa…; "" for none
	Options    []string // allowed values for Enum
	Required   bool
	Filterable bool
	Sales      bool // spans SKUs (size, grade, finish…)
	Sort       int
}

// Brand is a product brand.
type Brand struct {
	ID        string
	Name      string
	NameEN    string
	Origin    string
	CreatedAt time.Time
}

// Value is one parameter value. Text is what people read ("M8", "8.8级", "0.75kW");
// numeric kinds also carry Num (and Max for ranges) in Unit.
type Value struct {
	Code string   `json:"c"`
	Text string   `json:"t"`
	Num  *float64 `json:"n,omitempty"`
	Max  *float64 `json:"x,omitempty"`
	Unit string   `json:"u,omitempty"`
}

// Product statuses.
const (
	StatusDraft     = "draft"
	StatusSubmitted = "submitted"
	StatusOnSale    = "on_sale"
	StatusOffSale   = "off_sale"
	StatusBanned    = "banned"
)

// Product is a standard product unit (SPU) sold by one supplier.
type Product struct {
	ID          string
	SupplierID  string
	CategoryID  string
	BrandID     string
	Title       string // structured: 品牌 + 热搜词 + 属性词 + 产品名称
	Name        string
	Model       string
	Status      string
	Attrs       []Value // common parameters
	Description string
	SalesCount  int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Tier is a quantity break: from MinQty units on, each unit costs UnitPrice (0.0001 yuan).
type Tier struct {
	MinQty    int64 `json:"q"`
	UnitPrice int64 `json:"p"`
}

// SKU is one sellable variant of a product.
type SKU struct {
	ID         string
	ProductID  string
	SupplierID string
	Code       string
	Spec       []Value // sales-attribute values
	Price      int64   // first-tier unit price, 0.0001 yuan
	Tiers      []Tier  // ascending MinQty; Tiers[0].MinQty == MOQ
	MOQ        int64   // 起批量
	Multiple   int64   // order in multiples of this
	Unit       string  // 件, 盒, 千件, 米…
	Stock      int64
	WeightG    int64 // grams per unit of sale
	VolumeCM3  int64 // cubic centimetres per unit of sale
	Status     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Loader writes a whole catalogue fast: the demo generator and bulk imports use it.
// Calls happen inside one transaction the caller owns (db.WithTx).
type Loader interface {
	AddCategory(ctx context.Context, c *Category) error
	AddAttribute(ctx context.Context, a *Attribute) error
	AddBrand(ctx context.Context, b *Brand) error
	AddProduct(ctx context.Context, p *Product, skus []*SKU) error
}

// Reader answers the read-side questions of the storefront shell.
type Reader interface {
	// Categories returns the whole tree, ordered by path and sort.
	Categories(ctx context.Context) ([]Category, error)
	// Brands returns every brand by name.
	Brands(ctx context.Context) ([]Brand, error)
	// Counts returns the number of on-sale products and SKUs.
	Counts(ctx context.Context) (products, skus int64, err error)
}

// ProductCard is what a listing shows of a product.
type ProductCard struct {
	ID           string
	Title        string
	CategoryCode string
	BrandName    string
	SupplierName string
	MinPrice     int64 // 0.0001 yuan
	Unit         string
	MOQ          int64
	SKUCount     int
}

// CardFilter selects product cards for listing pages.
type CardFilter struct {
	CategoryPath string   // subtree prefix, e.g. "/fasteners/"; "" for all
	SupplierID   string   // one supplier's products
	IDs          []string // exactly these products
	// IncludeUnlisted shows products in every status (the supplier's own lists);
	// otherwise only on-sale products show.
	IncludeUnlisted bool
	Query           string // words that must all appear in the title
	Limit           int
	Offset          int
}

// Detail is a product with everything its page shows.
type Detail struct {
	Product      Product
	Category     Category
	Brand        Brand
	SupplierName string
	SKUs         []SKU
	Template     []Attribute // the leaf's template, ancestors' attributes included
}
