// Package payment takes buyers' money into escrow. A Payment covers one or more orders
// of one checkout and is made through a Provider: corporate bank transfer (对公转账) with
// a remittance code, the demo sandbox, Alipay or WeChat Pay. Every incoming money event —
// a verified provider notification or a bank statement line — is a Receipt, unique by
// the provider's transaction id, so a replay changes nothing. A receipt that pays a
// pending payment in full posts bank:clearing → escrow:<order> for every order in one
// ledger transaction and moves the orders to paid in the same database transaction;
// anything else (partial, over, duplicate, unknown, or for an order cancelled
// meanwhile) goes to payment:suspense:<receipt> and the staff review queue. A paid order
// not yet shipped is refunded once, escrow → bank:clearing, when staff or the supplier
// approve the buyer's cancellation request.
//
// The platform does not hold the money itself (二清): the ledger mirrors funds held by a
// licensed institution (分账) or a bank custody account.
package payment

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Provider names.
const (
	Bank    = "bank"    // 对公转账
	Sandbox = "sandbox" // 沙箱支付(演示)
	Alipay  = "alipay"
	WeChat  = "wechat"
)

// RemittancePrefix starts every payment remittance code (the deposit's is "ZC").
const RemittancePrefix = "ZP"

// Ledger transaction kinds.
const (
	KindCapture  = "payment.capture"  // bank:clearing → escrow:<order>…
	KindSuspense = "payment.suspense" // bank:clearing → payment:suspense:<receipt>
	KindMatch    = "payment.match"    // payment:suspense:<receipt> → escrow:<order>…
	KindReturn   = "payment.return"   // payment:suspense:<receipt> → bank:clearing
	KindRefund   = "payment.refund"   // escrow:<order> → bank:clearing
)

// State is where a payment is.
type State string

// Payment states.
const (
	Pending State = "pending"
	PaidS   State = "paid"
	Closed  State = "closed"
)

// Payment is a buyer's payment of the orders of one checkout.
type Payment struct {
	ID         string
	Number     string // shown to people: PAY + date + random
	BuyerOrgID string
	BuyerName  string
	UserID     string
	CheckoutID string
	Provider   string
	State      State
	Amount     money.Fen
	Remittance string // bank transfers: the code for the transfer note
	IdemKey    string
	ReceiptID  string // the receipt that paid it
	Deadline   time.Time
	CreatedAt  time.Time
	PaidAt     time.Time
	UpdatedAt  time.Time
	Orders     []OrderPart
}

// OrderPart is one order a payment covers, with its amount.
type OrderPart struct {
	OrderID string
	Number  string
	Amount  money.Fen
}

// ReceiptState is where a receipt is.
type ReceiptState string

// Receipt states: matched (in escrow), review (waiting for staff), held (staff keep it
// aside), returned (sent back to the payer).
const (
	Matched  ReceiptState = "matched"
	Review   ReceiptState = "review"
	Held     ReceiptState = "held"
	Returned ReceiptState = "returned"
)

// Review reasons.
const (
	ReasonPartial   = "partial"
	ReasonOver      = "over"
	ReasonDuplicate = "duplicate"
	ReasonUnknown   = "unknown"
	ReasonCancelled = "order_cancelled"
)

// Receipt is money that came in: a provider notification or a bank statement line.
type Receipt struct {
	ID           string
	Provider     string
	ProviderTxn  string // the provider's transaction id or the bank serial: unique per provider
	PaymentID    string // the payment it paid or is believed to be for; "" when unknown
	Amount       money.Fen
	PayerName    string
	PayerAccount string
	Memo         string
	TradeDate    string
	ImportID     string
	State        ReceiptState
	Reason       string
	Note         string
	ResolvedBy   string
	ResolvedAt   time.Time
	CreatedAt    time.Time
	// Replayed is set when the receipt had been recorded before: nothing changed.
	Replayed bool
}

// RefundState is where a cancellation-and-refund request is.
type RefundState string

// Refund states.
const (
	RefundRequested RefundState = "requested"
	RefundDone      RefundState = "refunded"
	RefundRejected  RefundState = "rejected"
)

// Refund is a buyer's request to cancel a paid, unshipped order and get its money back.
type Refund struct {
	ID          string
	OrderID     string
	PaymentID   string
	BuyerOrgID  string
	Amount      money.Fen
	State       RefundState
	Reason      string
	RequestedBy string
	DecidedBy   string
	ProviderRef string
	CreatedAt   time.Time
	DecidedAt   time.Time
}

// Import is one bank statement import and what became of its rows.
type Import struct {
	ID        string
	Filename  string
	Rows      int
	Matched   int
	Review    int
	Replayed  int
	Rejected  int
	CreatedBy string
	CreatedAt time.Time
}

// Filter selects payments for lists; BuyerOrgID "" is the staff console's whole list.
type Filter struct {
	BuyerOrgID string
	State      State
	Limit      int
}

// Totals are, per order, what the payment tables say went in and came out.
type Totals struct {
	OrderID  string
	Number   string
	State    order.State
	Total    money.Fen
	Paid     money.Fen // captured and matched into escrow
	Refunded money.Fen
	Released money.Fen // released to the supplier at settlement (package fulfil)
	Escrow   money.Fen // the ledger's escrow:<order> balance, read in the same statement
}

// ProviderTotal is the receipts of one provider in one state.
type ProviderTotal struct {
	Provider string
	State    ReceiptState
	Count    int64
	Amount   money.Fen
}

// Store persists payments, receipts, imports and refunds. Methods join the caller's
// transaction.
type Store interface {
	PaymentInsert(ctx context.Context, p *Payment) error
	// Payment returns a payment with its orders, or NotFound.
	Payment(ctx context.Context, id string) (*Payment, error)
	PaymentByRemittance(ctx context.Context, code string) (*Payment, error)
	PaymentByNumber(ctx context.Context, number string) (*Payment, error)
	PaymentByIdem(ctx context.Context, orgID, key string) (*Payment, error)
	Payments(ctx context.Context, f Filter) ([]Payment, error)
	// PaymentsOfOrder lists the payments covering an order, newest first.
	PaymentsOfOrder(ctx context.Context, orderID string) ([]Payment, error)
	// PendingBankPayments lists pending bank-transfer payments of buyer companies named
	// exactly name.
	PendingBankPayments(ctx context.Context, name string) ([]Payment, error)
	// PaymentsCloseStale closes pending payments none of whose orders still awaits
	// payment (cancelled at the deadline, or paid by another payment); it returns how many.
	PaymentsCloseStale(ctx context.Context, at time.Time) (int64, error)
	// PaymentSetState moves a payment from one state to another if it is still in from.
	PaymentSetState(ctx context.Context, id string, from, to State, receiptID string, at time.Time) (bool, error)

	// ReceiptInsert stores a receipt; false when (provider, provider_txn) is taken.
	ReceiptInsert(ctx context.Context, r *Receipt) (bool, error)
	ReceiptByTxn(ctx context.Context, provider, txn string) (*Receipt, error)
	Receipt(ctx context.Context, id string) (*Receipt, error)
	// Receipts lists receipts in the states given (all when none), newest first.
	Receipts(ctx context.Context, states []ReceiptState, limit int) ([]Receipt, error)
	// ReceiptResolve stores r's state, payment, note and resolution if it is still in one
	// of from; false otherwise.
	ReceiptResolve(ctx context.Context, r *Receipt, from []ReceiptState) (bool, error)

	ImportInsert(ctx context.Context, im *Import) error

	RefundInsert(ctx context.Context, r *Refund) error
	RefundOf(ctx context.Context, orderID string) (*Refund, error)
	// RefundDecide moves a requested refund to r.State with its decision fields; false
	// when it was no longer requested.
	RefundDecide(ctx context.Context, r *Refund) (bool, error)
	RefundSetRef(ctx context.Context, id, ref string) error
	// RefundReopen makes a rejected request requested again.
	RefundReopen(ctx context.Context, r *Refund) (bool, error)
	Refunds(ctx context.Context, state RefundState, limit int) ([]Refund, error)
	// ShipmentCount counts an order's shipments (a refund before shipping is refused
	// once there is one).
	ShipmentCount(ctx context.Context, orderID string) (int, error)

	// ReceiptTotals sums receipts per provider and state, with the sum of every
	// payment:suspense balance and of every paid payment, in one statement.
	ReceiptTotals(ctx context.Context) (rows []ProviderTotal, suspense, paid money.Fen, err error)
	// PaymentTotals returns, for every order that a payment covers, the order's state
	// and total, what the payment tables say was paid and refunded, and its escrow
	// balance, all read by one statement.
	PaymentTotals(ctx context.Context) ([]Totals, error)
}

// Service runs payments.
type Service struct {
	DB        *db.DB
	Store     Store
	Ledger    *ledger.Service
	Orders    *order.Service
	Messages  *notify.Service
	Providers map[string]Provider
	Now       func() time.Time
	// OnRefund, when set, is told of every refund in the refund's own transaction
	// (invoice.Service.Refunded: red-letter reversal of an issued invoice). line is the
	// order line the refund was for (an after-sales case's), 0 for the order as a whole.
	OnRefund func(ctx context.Context, orderID, ref string, line int, amount money.Fen) error
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func notFound() error { return errs.E(errs.NotFound, "err.not_found") }

func staff(p *identity.Principal) bool {
	return p != nil && p.User.ID != "" && p.Is(identity.Platform) && len(p.Roles) > 0
}

// Provider returns a provider by name, or an Invalid error naming the field.
func (s *Service) Provider(name string) (Provider, error) {
	pr, ok := s.Providers[name]
	if !ok {
		return nil, errs.Field("provider", "payment.err.provider")
	}
	return pr, nil
}
