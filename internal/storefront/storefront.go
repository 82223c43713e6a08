// Package storefront holds supplier stores: the profile buyers see (with the business
// licence information the e-commerce law requires on every store), and the homepage
// decoration — modules the supplier arranges in a draft, previews and publishes, and that
// staff can take down with a reason.
package storefront

import (
	"context"
	"time"
)

// Module kinds.
const (
	Banner     = "banner"      // a headline with a short text
	Featured   = "featured"    // chosen products
	Categories = "categories"  // a block of the store's products in one category
	RichText   = "richtext"    // paragraphs of text (plain text: no markup is stored)
	BrandStory = "brand_story" // brand culture and production capability
)

// Kinds lists the module kinds in the order the editor offers them.
var Kinds = []string{Banner, Featured, Categories, RichText, BrandStory}

// Upload is a picture sent with the module editor, for the module at an index.
type Upload struct {
	Name string
	Data []byte
}

// Module is one block of a store's homepage.
type Module struct {
	ID         string   `json:"id"`
	Kind       string   `json:"kind"`
	Title      string   `json:"title"`
	Text       string   `json:"text,omitempty"`
	ProductIDs []string `json:"products,omitempty"`
	Category   string   `json:"category,omitempty"`
	Image      string   `json:"image,omitempty"` // a banner's picture (a public upload)
	// Set by staff: a module taken down stays in the list but is not shown.
	TakenDown bool   `json:"taken_down,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// Store is a supplier's store.
type Store struct {
	OrgID          string
	Name           string
	LogoBlob       string
	Intro          string
	Capability     string // production capability: plant, equipment, certifications
	Certificates   string // ISO 9001, IATF 16949…, one a line
	Phone          string
	QQ             string
	Draft          []Module
	Live           []Module
	TakenDown      bool
	TakedownReason string
	PublishedAt    time.Time
	UpdatedAt      time.Time
	Version        int64
}

// Licence is the business-licence information shown on every store (电子商务法 art. 15).
type Licence struct {
	CompanyName   string
	CreditCode    string
	LegalRep      string
	RegAddress    string
	BusinessScope string
	ValidTo       string
}

// StoreStore persists stores.
type StoreStore interface {
	Store(ctx context.Context, orgID string) (*Store, error)
	// SaveStore writes s if its version is current, creating it when new.
	SaveStore(ctx context.Context, s *Store) error
	Licence(ctx context.Context, orgID string) (*Licence, error)
	// StoreLive reports whether the store is live (approved and deposit paid).
	StoreLive(ctx context.Context, orgID string) (bool, error)
}
