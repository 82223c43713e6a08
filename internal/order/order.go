// Package order is the order core of the trade loop: each member's cart (采购车) with
// quantity rules and tier prices, quick order from pasted lines, and checkout, which
// turns one cart into one order per supplier in a single transaction that also reserves
// the stock (a conditional update, so nothing is ever oversold), numbers the orders
// (PO + Shanghai date + per-day sequence), records the approval steps the company's
// spend rules require and emits the outbox events. Orders move through a small explicit
// state machine (state.go); cancellation and the payment deadline give the stock back.
//
// Design choice: a cart belongs to one member of a buyer company, as at 1688 and JD
// Industrials (京东工业品): purchasers build their own carts and what the company shares
// is its requisition lists (package buyer). Orders, on the other hand, belong to the
// company: every member sees them, approvers approve them. The company's spend rules
// (buyer.Required) are applied to each order's total, freight included, for the member
// who placed it; an order that needs approval keeps its stock reserved until it is
// approved (then the payment deadline starts) or rejected (then the stock is released).
package order

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// MaxQty bounds a line's quantity; more is a typing mistake, not an order.
const MaxQty = 100_000_000

// MaxCartItems bounds a cart (and one checkout).
const MaxCartItems = 200

// DefaultPayWithin is how long a buyer has to pay an order before it is cancelled and its
// stock released.
const DefaultPayWithin = 24 * time.Hour

// DefaultApproveWithin is how long an order may wait for its company's approvers before
// it is cancelled and its reserved stock released.
const DefaultApproveWithin = 72 * time.Hour

// Outbox topic for order changes (aggregate: the order ID).
const Topic = "order"

// Shanghai is the zone order numbers take their date from.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// SKU is what the cart and checkout read of a catalogue SKU, current when read.
type SKU struct {
	ID           string
	Code         string
	ProductID    string
	Title        string
	Spec         string // the sales-attribute values, joined
	SupplierID   string
	SupplierName string
	Unit         string
	Price        int64 // first-tier unit price, 0.0001 yuan
	Tiers        []catalog.Tier
	MOQ          int64
	Multiple     int64
	Stock        int64
	WeightG      int64
	FreightID    string // the product's freight template, "" for none (agreed per order)
	OnSale       bool   // product on sale, SKU active, supplier active with a live store
}

// UnitPriceFor returns the tier price for qty: the tier with the largest MinQty not above
// qty, or the first-tier price below every tier.
func (k SKU) UnitPriceFor(qty int64) money.UnitPrice {
	p := k.Price
	best := int64(-1)
	for _, t := range k.Tiers {
		if t.MinQty <= qty && t.MinQty > best {
			best, p = t.MinQty, t.UnitPrice
		}
	}
	return money.UnitPrice(p)
}

// CartItem is one SKU in a member's cart. AddedPrice and AddedStock are what the buyer
// saw when adding it, so the cart can show what changed since.
type CartItem struct {
	SKUID      string
	Qty        int64
	Saved      bool // saved for later: kept, but not checked out
	AddedPrice int64
	AddedStock int64
	AddedAt    time.Time
	UpdatedAt  time.Time
	SKU        SKU
}

// Address is the delivery address as the order keeps it (a snapshot).
type Address struct {
	Consignee    string
	Mobile       string
	DivisionCode string
	DivisionName string
	Street       string
	Postcode     string
}

// Province returns the two-digit GB/T 2260 province code freight templates use.
func (a Address) Province() string {
	if len(a.DivisionCode) < 2 {
		return ""
	}
	return a.DivisionCode[:2]
}

// Line is one order line, priced by the server at checkout, or taken from an accepted
// quote (PlaceQuoted): such a line has no SKU or product, and reserves no stock.
type Line struct {
	No        int
	SKUID     string // "" for a quoted, non-catalogue line
	ProductID string // "" with SKUID
	SKUCode   string
	Title     string
	Spec      string
	Unit      string
	Qty       int64
	UnitPrice money.UnitPrice
	Amount    money.Fen // UnitPrice × Qty rounded half-up to the fen, tax included
	TaxRate   money.Rate
}

// Tax returns the line's amount split into 不含税 and 税额.
func (l Line) Tax() (excl, tax money.Fen) { return money.SplitTax(l.Amount, l.TaxRate) }

// Event is one recorded step of an order.
type Event struct {
	ID        int64
	OrderID   string
	Action    string // place, approve, reject, cancel, expire
	From      State
	To        State
	ActorID   string
	ActorName string
	Note      string
	At        time.Time
}

// Approval is one member's approval of one step.
type Approval struct {
	Step   int
	UserID string
	Owner  bool // the approver was an owner of the company when approving
	At     time.Time
}

// Order is one supplier's part of a checkout.
type Order struct {
	ID           string
	Number       string
	CheckoutID   string
	BuyerOrgID   string
	BuyerName    string
	BuyerUserID  string
	SupplierID   string
	SupplierName string
	State        State
	Goods        money.Fen
	Freight      money.Fen
	Total        money.Fen
	Address      Address
	Note         string
	Steps        []buyer.Step
	PayDeadline  time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Lines        []Line
	Events       []Event
	Approvals    []Approval
}

// Checkout is one placing of orders: its token makes a resubmission find the same
// orders.
type Checkout struct {
	ID        string
	OrgID     string
	UserID    string
	Token     string
	CreatedAt time.Time
}

// Filter selects orders for lists. Exactly one of BuyerOrgID and SupplierID scopes a
// company's list; both empty is the staff console's whole list.
type Filter struct {
	BuyerOrgID string
	SupplierID string
	State      State
	Limit      int
	Offset     int
}

// Store persists carts and orders.
type Store interface {
	// DueReminders lists orders awaiting payment due in (now, by] not yet reminded.
	DueReminders(ctx context.Context, now, by time.Time, limit int) ([]string, error)
	// MarkReminded marks an order reminded; false when it already was.
	MarkReminded(ctx context.Context, id string, at time.Time) (bool, error)
	CartItems(ctx context.Context, orgID, userID string) ([]CartItem, error)
	// PutCartItem inserts or replaces a cart item.
	PutCartItem(ctx context.Context, orgID, userID string, it CartItem) error
	// RemoveCartItems removes the SKUs from the member's cart (all of them when skuIDs is nil).
	RemoveCartItems(ctx context.Context, orgID, userID string, skuIDs []string) error

	// OrderSKUs reads SKUs by ID in one query; unknown IDs are absent from the map.
	OrderSKUs(ctx context.Context, ids []string) (map[string]SKU, error)
	// OrderSKUsByCode reads SKUs by code across suppliers in one query.
	OrderSKUsByCode(ctx context.Context, codes []string) (map[string][]SKU, error)
	// FreightTemplates reads templates by ID in one query.
	FreightTemplates(ctx context.Context, ids []string) (map[string]*freight.Template, error)

	// ClaimCheckout records c, or returns the ID of the checkout already holding its token
	// (and then records nothing).
	ClaimCheckout(ctx context.Context, c *Checkout) (existing string, err error)
	// ReserveStock takes qty from a SKU's stock if that much is there: false otherwise.
	ReserveStock(ctx context.Context, skuID string, qty int64) (bool, error)
	// ReleaseStock gives qty back to a SKU's stock.
	ReleaseStock(ctx context.Context, skuID string, qty int64) error
	// NextOrderNumbers reserves n numbers of day's sequence and returns the first.
	NextOrderNumbers(ctx context.Context, day string, n int) (int64, error)
	// InsertOrders writes orders with their lines.
	InsertOrders(ctx context.Context, orders []*Order) error
	// AddEvents records order events.
	AddEvents(ctx context.Context, evs []Event) error
	// SetState moves an order from one state to another if it is still in from, setting
	// the payment deadline (zero leaves it): false when it was not in from.
	SetState(ctx context.Context, id string, from, to State, payDeadline, at time.Time) (bool, error)
	AddApproval(ctx context.Context, orderID string, a Approval) error
	// LockOrder holds the order's row until the transaction ends.
	LockOrder(ctx context.Context, id string, at time.Time) error

	// Order returns an order with its lines, events and approvals; NotFound when absent.
	Order(ctx context.Context, id string) (*Order, error)
	// Orders lists orders (no lines) newest first.
	Orders(ctx context.Context, f Filter) ([]Order, error)
	// OrdersByCheckout returns a checkout's orders with their lines.
	OrdersByCheckout(ctx context.Context, checkoutID string) ([]Order, error)
	// DueUnpaid returns orders awaiting payment whose deadline passed.
	DueUnpaid(ctx context.Context, now time.Time, limit int) ([]string, error)

	Emit(ctx context.Context, topic, aggregate string) error
}

// BuyerData is what checkout reads of the buyer company (package buyer's store).
type BuyerData interface {
	Address(ctx context.Context, orgID, id string) (*buyer.Address, error)
	Addresses(ctx context.Context, orgID string) ([]buyer.Address, error)
	ApprovalRules(ctx context.Context, orgID string) ([]buyer.Rule, error)
}

// Service runs the cart and order use cases.
type Service struct {
	DB     *db.DB
	Store  Store
	Buyers BuyerData
	Now    func() time.Time
	// PayWithin is the payment deadline after an order becomes payable (DefaultPayWithin
	// when zero).
	PayWithin time.Duration
	// Messages tells buyer companies about their orders (nil: nobody is told).
	Messages Sender
	// ApproveWithin is how long an order may await approval (DefaultApproveWithin when
	// zero); reserved stock is not held longer than that.
	ApproveWithin time.Duration
	// TaxRate is the VAT rate lines are invoiced at when their category sets none (13 %
	// goods when zero).
	TaxRate money.Rate
	// TaxRates, when set, returns the VAT rate of each product from its category (or the
	// nearest ancestor's); products absent from the map take TaxRate. Checkout records
	// the rate on every line.
	TaxRates func(ctx context.Context, productIDs []string) (map[string]money.Rate, error)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) payWithin() time.Duration {
	if s.PayWithin <= 0 {
		return DefaultPayWithin
	}
	return s.PayWithin
}

func (s *Service) approveWithin() time.Duration {
	if s.ApproveWithin <= 0 {
		return DefaultApproveWithin
	}
	return s.ApproveWithin
}

func (s *Service) taxRate() money.Rate {
	if s.TaxRate == 0 {
		return money.VAT13
	}
	return s.TaxRate
}

func notFound() error { return errs.E(errs.NotFound, "err.not_found") }

// buyerOnly refuses callers who do not act for a buyer company: for them buyer objects
// do not exist.
func buyerOnly(p *identity.Principal) error {
	if !p.Is(identity.Buyer) {
		return notFound()
	}
	return nil
}

func member(p *identity.Principal) identity.Member {
	return identity.Member{User: p.User, Roles: p.Roles}
}
