// Package rfq is the request for quotation (询价) and quote (报价) flow for non-standard
// items: a buyer company posts a request (lines, files, delivery address, date needed,
// optional target price, quote deadline) to invited suppliers or to every supplier of
// its category; suppliers quote per line and may revise (every version kept) or
// withdraw until the deadline; the buyer compares the quotes side by side, talks with
// each supplier in a private thread and accepts one quote, which becomes an order at the
// quoted terms through package order (PlaceQuoted), in the same transaction that marks
// the request awarded and the other quotes not chosen. A job closes requests at their
// deadline and expires quotes past their validity; an expired quote cannot be accepted.
//
// Visibility: a request exists for its buyer company, for the suppliers it is addressed
// to (invited, or open and supplying its category, or having quoted) and for platform
// staff (read only); for anyone else it is not found. A supplier sees only its own
// quote and its own thread.
package rfq

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// State is a request's state.
type State string

// Request states: draft → published → closed (deadline passed with quotes) / expired
// (deadline passed without quotes) / awarded (a quote accepted) / cancelled.
const (
	Draft     State = "draft"
	Published State = "published"
	Closed    State = "closed"
	Expired   State = "expired"
	Awarded   State = "awarded"
	Cancelled State = "cancelled"
)

// QuoteState is a quote's state.
type QuoteState string

// Quote states.
const (
	Submitted QuoteState = "submitted"
	Withdrawn QuoteState = "withdrawn"
	Accepted  QuoteState = "accepted"
	NotChosen QuoteState = "not_chosen"
	// QuoteExpired: the quote's validity date passed before it was accepted.
	QuoteExpired QuoteState = "expired"
)

// Limits on input; beyond them a value is a mistake.
const (
	MaxLines    = 50
	MaxFiles    = 10
	MaxInvites  = 20
	MaxTitle    = 100
	MaxText     = 2000
	MaxShort    = 200
	MaxQty      = order.MaxQty
	MaxLeadDays = 365
	MaxMessage  = 1000
	// MaxFileBytes bounds one drawing or document.
	MaxFileBytes = 20 << 20
	// MaxAhead bounds how far ahead dates may be.
	MaxAhead = 3 * 365 * 24 * time.Hour
)

// FileKinds are the files a request or quote may carry: drawings (PDF, DWG, DXF, STEP),
// images and office documents, all content-checked by package upload.
var FileKinds = upload.Kinds{upload.PDF, upload.DWG, upload.DXF, upload.STEP, upload.JPEG, upload.PNG, upload.WebP}

// Topic is the outbox topic for request changes (aggregate: the request ID).
const Topic = "rfq"

// Line is one requested item.
type Line struct {
	No          int
	Description string
	Spec        string
	Qty         int64
	Unit        string
}

// File is a drawing or document attached to a request (QuoteID "") or a quote.
type File struct {
	BlobID  string
	QuoteID string
	Name    string
	Size    int64
}

// Supplier is a supplier as the buyer picks and compares it.
type Supplier struct {
	ID    string
	Name  string
	Level int
	Zhu   bool // 「筑」verified
	Bao   bool // 「保」trade-assured
}

// Request is a request for quotation.
type Request struct {
	ID           string
	Number       string // RFQ20261124-000012
	BuyerOrgID   string
	BuyerName    string
	BuyerUserID  string
	Title        string
	Description  string
	CategoryID   string
	CategoryName string
	OpenToAll    bool // every supplier of the category may quote, not only the invited
	State        State
	NeedBy       time.Time
	Deadline     time.Time
	Target       money.Fen // optional target total, 0 for none
	Address      order.Address
	QuoteID      string // the accepted quote
	OrderID      string // the order it became
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Lines        []Line
	Files        []File
	Invited      []Supplier
	QuoteCount   int // submitted (not withdrawn) quotes, in lists
}

// QuoteLine is the price of one requested line.
type QuoteLine struct {
	No        int             `json:"no"`
	UnitPrice money.UnitPrice `json:"unit_price"`
	Amount    money.Fen       `json:"amount"`
}

// Quote is one supplier's current quote on a request.
type Quote struct {
	ID            string
	RFQID         string
	Supplier      Supplier
	Version       int
	State         QuoteState
	Lines         []QuoteLine
	TaxIncluded   bool // unit prices include VAT at TaxRate
	TaxRate       money.Rate
	Total         money.Fen // tax included
	LeadDays      int
	ValidUntil    time.Time
	PaymentTerms  string
	DeliveryTerms string
	Notes         string
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Files         []File
	Versions      []Version
}

// Version is a kept revision of a quote.
type Version struct {
	Version   int
	Total     money.Fen
	LeadDays  int
	Lines     []QuoteLine
	CreatedAt time.Time
}

// Message is one message in a request's thread with one supplier.
type Message struct {
	ID          int64
	SupplierID  string
	AuthorOrgID string
	AuthorName  string
	Body        string
	At          time.Time
}

// Filter selects requests for lists: the buyer's own (BuyerOrgID), a supplier's inbox
// (SupplierID), or every request (staff).
type Filter struct {
	BuyerOrgID string
	SupplierID string
	State      State
	Limit      int
}

// Store persists requests and quotes.
type Store interface {
	// ClaimRFQNumber reserves the next number of day's sequence.
	NextRFQNumber(ctx context.Context, day string) (int64, error)
	// RFQByToken finds the buyer member's request created with token ("" if none).
	RFQByToken(ctx context.Context, orgID, userID, token string) (string, error)
	InsertRFQ(ctx context.Context, r *Request, token string) error
	// SetRFQState moves a request from one state to another if it is still in from.
	SetRFQState(ctx context.Context, id string, from, to State, at time.Time) (bool, error)
	// AwardRFQ marks a request awarded to a quote and order if it is still in from.
	AwardRFQ(ctx context.Context, id string, from State, quoteID, orderID string, at time.Time) (bool, error)
	// RFQ returns a request with its lines, files and invites; NotFound when absent.
	RFQ(ctx context.Context, id string) (*Request, error)
	RFQs(ctx context.Context, f Filter) ([]Request, error)
	// SupplierSees reports whether a supplier may see a request: invited, or the request
	// is open and the supplier has products in its category (or below), or it quoted.
	SupplierSees(ctx context.Context, rfqID, supplierID string) (bool, error)
	// Suppliers finds active suppliers by exact or partial name (invites).
	RFQSuppliers(ctx context.Context, names []string) (map[string]Supplier, error)
	// CategoryName returns a category's name in both languages; NotFound when absent.
	RFQCategory(ctx context.Context, id string) (zh, en string, err error)

	AddRFQFiles(ctx context.Context, rfqID string, files []File) error
	// Quote returns a supplier's quote on a request; NotFound when absent.
	QuoteBySupplier(ctx context.Context, rfqID, supplierID string) (*Quote, error)
	Quote(ctx context.Context, id string) (*Quote, error)
	Quotes(ctx context.Context, rfqID string) ([]Quote, error)
	// SaveQuote inserts a quote (Version 1) or updates it to q.Version if the stored one
	// is q.Version-1, and records the version.
	SaveQuote(ctx context.Context, q *Quote) (bool, error)
	// SetQuoteState moves a quote from one state to another if it is still in from.
	SetQuoteState(ctx context.Context, id string, from, to QuoteState, at time.Time) (bool, error)
	// RejectOtherQuotes marks every other submitted quote of a request not chosen and
	// returns their suppliers.
	RejectOtherQuotes(ctx context.Context, rfqID, quoteID string, at time.Time) ([]string, error)

	AddRFQMessage(ctx context.Context, rfqID string, m *Message) error
	RFQMessages(ctx context.Context, rfqID, supplierID string) ([]Message, error)

	// DueRFQs returns published requests whose deadline passed.
	DueRFQs(ctx context.Context, now time.Time, limit int) ([]string, error)
	// ExpireQuotes marks submitted quotes whose validity passed expired.
	ExpireQuotes(ctx context.Context, now time.Time) (int, error)

	Emit(ctx context.Context, topic, aggregate string) error
}

// Orders places the order for an accepted quote (order.Service).
type Orders interface {
	PlaceQuoted(ctx context.Context, p *identity.Principal, in order.QuotedInput) (*order.Order, error)
}

// Addresses reads the buyer's address book (buyer.Service).
type Addresses interface {
	Address(ctx context.Context, p *identity.Principal, id string) (*buyer.Address, error)
}

// Blobs stores and reads uploaded files.
type Blobs interface {
	PutBlob(ctx context.Context, b *upload.Blob) error
	Blob(ctx context.Context, id string) (*upload.Blob, error)
}

// Standing tells a supplier's level and badges (standing.Service), for the comparison.
type Standing func(ctx context.Context, supplierID string) (level int, zhu, bao bool)

// Service runs the RFQ use cases.
type Service struct {
	DB        *db.DB
	Store     Store
	Orders    Orders
	Addresses Addresses
	Blobs     Blobs
	Notify    *notify.Service
	Standing  Standing
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func notFound() error { return errs.E(errs.NotFound, "err.not_found") }

// Number formats a request number: RFQ, the Shanghai date and the day's sequence.
func Number(day string, seq int64) string { return fmt.Sprintf("RFQ%s-%06d", day, seq) }
