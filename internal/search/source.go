package search

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

// Product is what the index holds of one listable product: on sale, in a live store.
type Product struct {
	ID         string
	SupplierID string
	CategoryID string
	BrandName  string
	Title      string
	Name       string
	Model      string
	Attrs      []catalog.Value
	Sales      int64
	Created    time.Time
	SKUs       []SKU
	InCampaign bool // in a campaign whose window holds now (ranking boost)
}

// SKU is one variant as the index holds it; every SKU is a document.
type SKU struct {
	ID       string
	Code     string
	Spec     []catalog.Value
	Price    int64 // first-tier unit price, 0.0001 yuan
	MOQ      int64
	Multiple int64
	Unit     string
	Stock    int64
}

// Supplier is a supplier's standing as ranking and facets use it.
type Supplier struct {
	ID        string
	Name      string
	Level     int
	Zhu, Bao  bool
	Penalised bool // a penalty other than a warning stands
	Boosted   bool // a boost reward is in force
}

// Event is one change announced through the outbox.
type Event struct {
	Seq       int64
	Topic     string // "product", "supplier", "catalog", "rules"
	Aggregate string
	At        time.Time
}

// Source is where the index reads the catalogue: the database, through the store.
type Source interface {
	Categories(ctx context.Context) ([]catalog.Category, error)
	// Attributes returns every template attribute of every category.
	Attributes(ctx context.Context) ([]catalog.Attribute, error)
	// Suppliers returns every supplier whose store is live.
	Suppliers(ctx context.Context) ([]Supplier, error)
	// Products calls fn for every listable product (on sale, store live) with its
	// active SKUs; supplierID or productID narrow it to one supplier or one product.
	Products(ctx context.Context, supplierID, productID string, fn func(*Product) error) error
	// Synonyms returns the synonym groups ops entered.
	Synonyms(ctx context.Context) ([][]string, error)
	// Rules returns the ranking rules ops set (zero value: defaults).
	Rules(ctx context.Context) (Rules, error)
	// Events returns up to limit outbox events after seq; Last the newest seq.
	Events(ctx context.Context, after int64, limit int) ([]Event, error)
	Last(ctx context.Context) (int64, error)
}

// Rules weigh a product's standing score, by which results of equal relevance are
// ordered. Ops set them; each is added once per unit of what it weighs.
type Rules struct {
	Sales   float64 `json:"sales"`    // per natural log of (1 + units sold)
	Level   float64 `json:"level"`    // per supplier level
	Bao     float64 `json:"bao"`      // supplier has 「保」
	Zhu     float64 `json:"zhu"`      // supplier has 「筑」
	InStock float64 `json:"in_stock"` // the product has stock
	Boost   float64 `json:"boost"`    // a boost reward (campaign) is in force
	Penalty float64 `json:"penalty"`  // a standing penalty (negative demotes)
	// Campaign weighs a product in a running campaign (package channel).
	Campaign float64 `json:"campaign"`
}

// DefaultRules are used until ops change them.
var DefaultRules = Rules{Sales: 10, Level: 4, Bao: 6, Zhu: 3, InStock: 8, Boost: 30, Penalty: -40, Campaign: 30}

// DefaultSynonyms ship with Zhuchao; ops add more.
var DefaultSynonyms = [][]string{
	{"螺丝", "螺钉"},
	{"螺栓", "bolt"},
	{"螺母", "螺帽", "nut"},
	{"垫圈", "垫片", "washer"},
	{"轴承", "bearing"},
	{"不锈钢", "sus", "stainless"},
	// Stainless grades as buyers type them (JIS SUS304 is 304, S30408 in GB/T 20878).
	{"sus304", "304不锈钢", "不锈钢304"},
	{"sus316", "316不锈钢", "不锈钢316"},
	{"球阀", "ball valve"},
	{"手套", "glove"},
	{"安全帽", "头盔"},
	{"钻头", "钻咀"},
	{"断路器", "空开", "空气开关"},
	{"接触器", "contactor"},
	{"气管接头", "快插接头", "快速接头"},
	{"镀锌", "白锌"},
}
