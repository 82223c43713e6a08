// Package channel holds the platform's merchandising levers that ops run: channel pages
// (频道页) composed from modules, each with an optional schedule; campaigns (活动) with a
// window, a kind, a badge and products, shown in campaign slots and boosted in search;
// and the search ranking rules and synonyms. Store homepages (package storefront) are the
// suppliers' counterpart of channel pages and follow the same draft → preview → publish
// pattern.
package channel

import (
	"context"
	"strings"
	"time"
)

// Module kinds.
const (
	Banner     = "banner"     // an uploaded picture with a link and alt text
	Shelf      = "shelf"      // products by search words and filters, or hand-picked
	Categories = "categories" // a grid of chosen categories
	Slot       = "campaign"   // a campaign slot: the campaign's products during its window
	RichText   = "richtext"   // paragraphs of plain text, escaped when shown
	HotTerms   = "hotterms"   // a strip of what buyers search most
)

// Kinds lists the module kinds in the order the editor offers them.
var Kinds = []string{Banner, Shelf, Categories, Slot, RichText, HotTerms}

// Campaign kinds (活动类型).
const (
	FlashSale  = "flash" // 限时特价
	NewArrival = "new"   // 新品
	BrandWeek  = "brand" // 品牌周
	Clearance  = "clear" // 清库存团购
)

// CampaignKinds lists the campaign kinds in the order the editor offers them.
var CampaignKinds = []string{FlashSale, NewArrival, BrandWeek, Clearance}

// Limits.
const (
	MaxModules          = 20
	MaxShelf            = 24 // products a shelf or campaign slot shows
	MaxGrid             = 12 // categories in a grid
	MaxCampaignProducts = 200
	DefaultShelf        = 8
)

// Module is one block of a channel page. A module with a schedule shows only inside its
// window [Start, End); a zero bound is open.
type Module struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Text       string    `json:"text,omitempty"`
	Image      string    `json:"image,omitempty"` // a banner's picture (a public upload)
	Link       string    `json:"link,omitempty"`  // where a banner leads: a site path or an http(s) URL
	Alt        string    `json:"alt,omitempty"`   // a banner picture's alternative text
	Query      string    `json:"query,omitempty"` // a shelf's search words
	Category   string    `json:"category,omitempty"`
	ProductIDs []string  `json:"products,omitempty"`   // a hand-picked shelf
	Count      int       `json:"count,omitempty"`      // items a shelf, slot or strip shows
	CatIDs     []string  `json:"categories,omitempty"` // a category grid's categories
	CampaignID string    `json:"campaign,omitempty"`
	Start      time.Time `json:"start,omitzero"`
	End        time.Time `json:"end,omitzero"`

	// As typed in the editor (Asia/Shanghai, "2006-01-02T15:04"); read by SaveDraft.
	StartIn string `json:"-"`
	EndIn   string `json:"-"`
}

// Visible reports whether the module shows at t.
func (m Module) Visible(t time.Time) bool {
	return (m.Start.IsZero() || !t.Before(m.Start)) && (m.End.IsZero() || t.Before(m.End))
}

// Scheduled reports whether the module has a window.
func (m Module) Scheduled() bool { return !m.Start.IsZero() || !m.End.IsZero() }

// Channel is a channel page.
type Channel struct {
	ID          string
	Slug        string // the URL: /ch/{slug}
	Title       string
	Intro       string
	Image       string // the entry picture on the home page
	OnHome      bool   // listed among the home page's channel entries
	Sort        int    // lower first, on the home page and in the console
	Draft       []Module
	Live        []Module
	Published   bool
	PublishedAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Version     int64
}

// Campaign is a time-limited promotion of products ops chose.
type Campaign struct {
	ID         string
	Name       string
	Kind       string
	Badge      string // shown on the campaign's products, e.g. 限时特价
	Start, End time.Time
	ProductIDs []string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int64
}

// Active reports whether the campaign runs at t.
func (c Campaign) Active(t time.Time) bool { return !t.Before(c.Start) && t.Before(c.End) }

// Ended reports whether the campaign is over at t.
func (c Campaign) Ended(t time.Time) bool { return !t.Before(c.End) }

// Store persists channels and campaigns.
type Store interface {
	// Channels lists every channel by sort, then title.
	Channels(ctx context.Context) ([]Channel, error)
	Channel(ctx context.Context, id string) (*Channel, error)
	ChannelBySlug(ctx context.Context, slug string) (*Channel, error)
	// SaveChannel inserts c (version 0) or updates it at its current version; a slug
	// already taken is a Conflict naming the field slug.
	SaveChannel(ctx context.Context, c *Channel) error

	// Campaigns lists every campaign, newest window first, with its products.
	Campaigns(ctx context.Context) ([]Campaign, error)
	Campaign(ctx context.Context, id string) (*Campaign, error)
	// SaveCampaign inserts c (version 0) or updates it at its current version, replacing
	// its products.
	SaveCampaign(ctx context.Context, c *Campaign) error
	DeleteCampaign(ctx context.Context, id string) error
	// ActiveCampaigns returns the campaigns running at t, with their products.
	ActiveCampaigns(ctx context.Context, t time.Time) ([]Campaign, error)
	// CampaignsChanged announces on the outbox that campaign membership changed, so
	// every node's search index re-ranks.
	CampaignsChanged(ctx context.Context) error
	// ListedProducts returns which of ids are products on sale.
	ListedProducts(ctx context.Context, ids []string) (map[string]bool, error)
}

// StartText is the module's start as the editor shows it: as typed, else formatted.
func (m Module) StartText() string {
	if m.StartIn != "" {
		return m.StartIn
	}
	return FormatLocal(m.Start)
}

// EndText is the module's end as the editor shows it.
func (m Module) EndText() string {
	if m.EndIn != "" {
		return m.EndIn
	}
	return FormatLocal(m.End)
}

// ProductsText is a hand-picked shelf's products, one ID a line, for the editor.
func (m Module) ProductsText() string { return strings.Join(m.ProductIDs, "\n") }

// ProductsText is the campaign's products, one ID a line, for the editor.
func (c Campaign) ProductsText() string { return strings.Join(c.ProductIDs, "\n") }
