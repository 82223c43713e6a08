// Package fulfil is the second half of the trade loop: the supplier ships a paid order
// (wholly or in parts, by parcel carrier with a waybill or by truck with a plate and a
// driver), tracking events arrive (entered by the supplier, or pushed by Kuaidi100
// behind the Tracker interface), the buyer inspects on receipt (签收验货) and confirms
// each line within an inspection window that a timed sweep closes by confirming for
// them, and the order's escrow is released to the supplier less the platform's
// commission. Payables are paid out to the suppliers' settlement accounts in batches
// and every supplier sees a statement per period.
//
// Money moves only through the ledger, each release in one ledger transaction posted in
// the same database transaction that moves the order to settled:
//
//	escrow:<order>  →  payable:<supplier> (net)  +  platform:revenue:commission
//
// and each payout is a ledger hold placed when the batch is made (so the payable cannot
// be spent twice) and posted exactly once when staff record the bank's reference:
//
//	payable:<supplier>  →  bank:clearing
//
// Orders with open after-sales cases or disputes (orders.holds > 0, owned by those
// packages) are neither confirmed automatically nor released while the hold lasts.
package fulfil

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
)

// DefaultInspectDays is the inspection window after an order is fully shipped: when it
// ends, the buyer's receipt is confirmed for them.
const DefaultInspectDays = 7

// HoldGrace is how long an order that was held at the end of its inspection window
// still waits after the hold is lifted, so the buyer is never confirmed for the moment
// a case closes.
const HoldGrace = 24 * time.Hour

// ProblemGrace delays the release of an order whose buyer noted a problem or accepted
// less than was shipped, so the buyer can open an after-sales case (which holds the
// order) before the money goes to the supplier.
const ProblemGrace = 24 * time.Hour

// Ledger transaction kinds and hold kinds.
const (
	KindRelease = "settle.release" // escrow:<order> → payable:<supplier> + commission revenue
	KindPayout  = "settle.payout"  // payable:<supplier> → bank:clearing (a hold, then posted)
)

// Job kinds.
const (
	SweepJob = "fulfil.sweep" // auto-confirm receipt past the window; release held-then-lifted orders
)

// Mode is how goods travel.
type Mode string

// Modes.
const (
	Parcel Mode = "parcel" // a carrier with a waybill (快递/快运)
	Truck  Mode = "truck"  // truck freight: 整车 or 零担, plate and driver
)

// Carriers by code; CarrierOther carries its name in CarrierName.
const (
	SF           = "sf"     // 顺丰速运
	Deppon       = "deppon" // 德邦
	JD           = "jd"     // 京东物流
	ZTO          = "zto"    // 中通快递
	CarrierOther = "other"
	FTL          = "ftl" // 整车 (full truck load)
	LTL          = "ltl" // 零担 (less than truck load)
)

// ParcelCarriers and TruckKinds list the choices in form order.
var (
	ParcelCarriers = []string{SF, Deppon, JD, ZTO, CarrierOther}
	TruckKinds     = []string{FTL, LTL}
)

// Shipment is one dispatch of some or all of an order's lines.
type Shipment struct {
	ID          string
	OrderID     string
	SupplierID  string
	Seq         int // 1, 2, … within the order
	Mode        Mode
	Carrier     string
	CarrierName string // the carrier's name for "other" (and for trucks, the haulier, optional)
	Waybill     string
	Plate       string
	DriverPhone string
	Note        string
	CreatedBy   string
	CreatedAt   time.Time
	Lines       []ShipLine
	Events      []TrackEvent // newest first
}

// ShipLine is the quantity of one order line a shipment carries.
type ShipLine struct {
	LineNo int
	Qty    int64
}

// Event sources.
const (
	SourceManual    = "manual"
	SourceKuaidi100 = "kuaidi100"
)

// TrackEvent is one step of a shipment's journey.
type TrackEvent struct {
	ID         string
	ShipmentID string
	OrderID    string
	At         time.Time
	Place      string
	Text       string
	Source     string
	CreatedBy  string
	CreatedAt  time.Time
}

// ReceiptLine is the buyer's inspection of one order line.
type ReceiptLine struct {
	LineNo      int
	Accepted    int64
	Problem     string
	Auto        bool // confirmed by the sweep at the end of the window
	ConfirmedBy string
	ConfirmedAt time.Time
}

// Progress is an order's fulfilment timers.
type Progress struct {
	OrderID      string
	SupplierID   string
	ShippedAt    time.Time // when the last line was shipped
	InspectUntil time.Time // the inspection window's end
	HeldSeenAt   time.Time // the sweep found the order held at the window's end
	ReceivedAt   time.Time
	ReleaseAfter time.Time // the release waits until then (ProblemGrace)
}

// Settlement is an order's release of escrow.
type Settlement struct {
	OrderID    string
	Number     string
	SupplierID string
	Gross      money.Fen // what was left in escrow and released
	Commission money.Fen
	Net        money.Fen // to the supplier's payable
	TxID       string
	SettledAt  time.Time
}

// Account is a supplier's settlement bank account (结算账户) that payouts go to.
type Account struct {
	SupplierID string
	Name       string // 户名
	Bank       string // 开户行
	Number     string // 账号
	CNAPS      string // 联行号 (12 digits, optional)
	UpdatedBy  string
	UpdatedAt  time.Time
}

// Masked is the account number with all but the last four digits hidden (PIPL).
func (a Account) Masked() string {
	if len(a.Number) <= 4 {
		return a.Number
	}
	return "****" + a.Number[len(a.Number)-4:]
}

// PayoutState is where a payout is.
type PayoutState string

// Payout states.
const (
	PayoutPending   PayoutState = "pending"
	PayoutPaid      PayoutState = "paid"
	PayoutCancelled PayoutState = "cancelled" // the bank did not pay it: its hold voided
)

// Batch is a set of payouts staff made at once.
type Batch struct {
	ID        string
	Number    string // PB + date + sequence
	CreatedBy string
	CreatedAt time.Time
	Payouts   []Payout
	// Skipped names suppliers with a payable but no settlement account (not stored).
	Skipped []string
}

// Payout is one supplier's payout of its payable.
type Payout struct {
	ID           string
	BatchID      string
	BatchNumber  string
	SupplierID   string
	SupplierName string
	Amount       money.Fen
	Account      Account // the account as it was when the batch was made
	HoldID       string
	State        PayoutState
	BankRef      string
	PaidBy       string
	PaidAt       time.Time
	TxID         string
	CreatedAt    time.Time
	FailReason   string // why the bank did not pay it (cancelled)
	FailedBy     string
	FailedAt     time.Time
}

// Payable is a supplier's payable balance.
type Payable struct {
	SupplierID   string
	SupplierName string
	Balance      money.Fen
	Pending      money.Fen // reserved by payouts not yet paid
}

// SupplierTotals are, per supplier, what the settlement tables and the ledger say.
type SupplierTotals struct {
	SupplierID string
	Net        money.Fen // Σ settlements' net
	Commission money.Fen // Σ settlements' commission
	PaidOut    money.Fen // Σ paid payouts
	Payable    money.Fen // the ledger's payable:<supplier> balance
}

// Store persists fulfilment. Methods join the caller's transaction.
type Store interface {
	fees.Store

	// Shipments returns an order's shipments, oldest first, with lines and events.
	Shipments(ctx context.Context, orderID string) ([]Shipment, error)
	Shipment(ctx context.Context, id string) (*Shipment, error)
	InsertShipment(ctx context.Context, s *Shipment) error
	// AddTracking stores an event; false when the shipment already has one at the same
	// time with the same text (a repeated push).
	AddTracking(ctx context.Context, e *TrackEvent) (bool, error)

	ReceiptLines(ctx context.Context, orderID string) ([]ReceiptLine, error)
	// InsertReceiptLines records confirmations; a line confirmed before is a Conflict.
	InsertReceiptLines(ctx context.Context, orderID string, ls []ReceiptLine) error

	// Progress returns an order's timers, or NotFound before its first shipment.
	Progress(ctx context.Context, orderID string) (*Progress, error)
	PutProgress(ctx context.Context, p *Progress) error
	// RefundRequested reports whether the buyer's pre-shipment refund request awaits a
	// decision (payment owns it).
	RefundRequested(ctx context.Context, orderID string) (bool, error)
	// OrderHolds reads orders.holds (owned by after-sales and disputes).
	OrderHolds(ctx context.Context, orderID string) (int64, error)
	// DueInspection lists shipped orders whose inspection window ended by now, leaving
	// out held orders the sweep has already marked held.
	DueInspection(ctx context.Context, now time.Time, limit int) ([]string, error)
	// DueRelease lists received orders without holds whose release time has come.
	DueRelease(ctx context.Context, now time.Time, limit int) ([]string, error)
	// LineCategories maps each line of an order to its product's category path, root
	// first (quoted lines without a product are absent).
	LineCategories(ctx context.Context, orderID string) (map[int][]string, error)
	// LineRefunds sums per line what the order's after-sales cases refunded (refunds
	// through a dispute name no line and are left out).
	LineRefunds(ctx context.Context, orderID string) (map[int]money.Fen, error)

	InsertSettlement(ctx context.Context, s *Settlement) error
	Settlement(ctx context.Context, orderID string) (*Settlement, error)
	// Settlements lists a supplier's settlements in [from, to), oldest first; supplierID
	// "" lists everyone's.
	Settlements(ctx context.Context, supplierID string, from, to time.Time) ([]Settlement, error)

	SettlementAccount(ctx context.Context, supplierID string) (*Account, error)
	PutSettlementAccount(ctx context.Context, a *Account) error

	// Payables lists suppliers with a payable balance or pending payouts.
	Payables(ctx context.Context) ([]Payable, error)
	// NextBatchNumber reserves the next batch number of a day.
	NextBatchNumber(ctx context.Context, day string) (int64, error)
	InsertBatch(ctx context.Context, b *Batch) error
	InsertPayout(ctx context.Context, p *Payout) error
	Batches(ctx context.Context, limit int) ([]Batch, error)
	// Batch returns a batch with its payouts.
	Batch(ctx context.Context, id string) (*Batch, error)
	Payout(ctx context.Context, id string) (*Payout, error)
	// PayoutSetPaid marks a pending payout paid; false when it was not pending.
	PayoutSetPaid(ctx context.Context, p *Payout) (bool, error)
	// PayoutSetFailed marks a pending payout cancelled with the reason; false when it
	// was not pending.
	PayoutSetFailed(ctx context.Context, p *Payout) (bool, error)
	// Payouts lists a supplier's payouts created in [from, to), oldest first.
	Payouts(ctx context.Context, supplierID string, from, to time.Time) ([]Payout, error)

	// SupplierTotals reads, in one statement, per supplier, the settlement and payout
	// sums and the payable balance; commission is the commission revenue balance.
	SupplierTotals(ctx context.Context) (rows []SupplierTotals, commission money.Fen, err error)
}

// Service runs fulfilment and settlement.
type Service struct {
	DB       *db.DB
	Store    Store
	Orders   *order.Service
	Ledger   *ledger.Service
	Messages *notify.Service
	Now      func() time.Time
	// InspectDays is the inspection window (DefaultInspectDays when zero).
	InspectDays int
	// Tracker subscribes shipments to a tracking service; nil keeps tracking manual.
	Tracker Tracker
	// Audit records staff's money moves (release, payout batches, payouts paid); nil
	// records nothing.
	Audit audit.Store
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) inspectDays() int {
	if s.InspectDays <= 0 {
		return DefaultInspectDays
	}
	return s.InspectDays
}

func notFound() error { return errs.E(errs.NotFound, "err.not_found") }

// staff allows platform staff who move money: admins and ops managers.
func staff(p *identity.Principal) bool {
	return p != nil && p.Is(identity.Platform) && p.Has(identity.Admin, identity.OpsManager)
}

// audit records a staff action in the caller's transaction.
func (s *Service) audit(ctx context.Context, p *identity.Principal, action, objType, objID, detail string) error {
	if s.Audit == nil {
		return nil
	}
	return audit.Log(ctx, s.Audit, audit.Entry{At: s.now(), ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID,
		Action: action, ObjectType: objType, ObjectID: objID, Detail: detail})
}

func (s *Service) send(ctx context.Context, orgID, key, link string, args ...string) error {
	if s.Messages == nil {
		return nil
	}
	kind := "order"
	switch key {
	case "ship.msg.shipped", "ship.msg.part_shipped":
		kind = "shipment" // the buyer's inspection window starts: SMS by default
	case "ship.msg.payout_paid", "ship.msg.payout_failed", "ship.msg.settled":
		kind = "payment"
	}
	return s.Messages.Send(ctx, orgID, kind, key, link, args...)
}
