// Package invoice handles VAT invoices (发票) for orders: the buyer's request for a 专票
// (VAT special invoice) or 普票 (ordinary invoice) from its company tax profile, the
// supplier's record of the invoice it issued (number, date, amounts, files), rejection
// with a reason, and red-letter reversal (红字) when money goes back after an invoice
// was issued.
//
// Decisions, documented here because they are choices:
//
//   - When. A request is allowed once the order is paid (待发货 and later), and the
//     supplier may issue from then on: for a direct-payment sale the VAT obligation
//     arises when payment is received, whether or not the goods left
//     (增值税暂行条例实施细则 第三十八条), and company buyers book their purchases with it.
//   - How much. A request covers what the buyer actually paid less every refund the
//     module was told about (Refunded), spread over the order's lines in proportion.
//   - Lines and rounding. One invoice line per order line at the rate checkout recorded
//     on it, plus freight as a line of its own at the goods rate (mixed sale, see
//     FreightRate). Per line: 不含税 = round_half_up(含税 ÷ (1+r)) to the fen, 税额 =
//     含税 − 不含税; the invoice's totals are the sums of its lines, so Σ 含税 = the
//     amount paid to the fen.
//   - Profile. The buyer's invoice title, taxpayer ID, address and phone, bank and
//     account are copied into the request (a later profile change does not alter it).
//     专票 requires all four (名称, 纳税人识别号, 地址电话, 开户行及账号); 普票 the name.
//   - Red letter. A refund on an order whose invoice is issued marks the invoice 待红冲
//     and creates a red-letter task for the refunded amount, spread over the invoice's
//     remaining lines in proportion (largest remainder, to the fen). The supplier records
//     the red invoice either as a partial reversal (部分红冲: −refund, the blue invoice
//     keeps standing for the rest; fully digital invoices allow it) or as a full one
//     (全额红冲: −everything the blue invoice still stood for); after a full reversal a
//     new blue request for the remaining amount is created at once, so the books end at
//     the same net amount either way.
//   - Refund path. Refunded is the one entry point: the cancellation refund calls it in
//     its own transaction; the after-sales refunds must call it the same way.
package invoice

import (
	"context"
	"strconv"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Kind is the kind of invoice the buyer asks for.
type Kind string

// The kinds.
const (
	Special Kind = "special" // 增值税专用发票 (专票): the buyer deducts the input VAT
	Normal  Kind = "normal"  // 普通发票 (普票)
)

// Color tells a normal (blue, 蓝字) invoice from a red-letter (红字) reversal.
type Color string

// The colors.
const (
	Blue Color = "blue"
	Red  Color = "red"
)

// State is where an invoice is.
type State string

// The states. A blue invoice is requested, then issued or rejected (the buyer may ask
// again), or cancelled when a refund leaves nothing to invoice before it was issued;
// an issued one is reversed after a full red-letter reversal. A red invoice is
// requested (the supplier's 待红冲 task) and then issued.
const (
	Requested State = "requested"
	Issued    State = "issued"
	Rejected  State = "rejected"
	Cancelled State = "cancelled"
	Reversed  State = "reversed"
)

// States lists the states, for filters.
var States = []State{Requested, Issued, Rejected, Cancelled, Reversed}

// Red-letter modes.
const (
	RedPartial = "partial" // 部分红冲: the refunded amount
	RedFull    = "full"    // 全额红冲: everything the blue invoice still stood for
)

// OverdueAfter is how long a request may wait before the staff report calls it overdue.
const OverdueAfter = 7 * 24 * time.Hour

// Message kind for in-site messages.
const MsgKind = "invoice"

// File is an issued invoice's file (PDF, OFD or XML).
type File struct {
	BlobID    string
	Kind      string // pdf, ofd, xml
	Name      string
	CreatedAt time.Time
}

// Invoice is a blue invoice (requested or issued) or a red-letter reversal.
type Invoice struct {
	ID           string
	Number       string // FP + the order's number + sequence: for people
	OrderID      string
	OrderNumber  string
	BuyerOrgID   string
	SupplierID   string
	SupplierName string
	Color        Color
	Kind         Kind
	State        State
	OriginalID   string // red: the blue invoice reversed; blue: the one it replaces

	// The buyer's tax details, as they were when the invoice was requested.
	Title        string // 名称
	TaxID        string // 纳税人识别号
	AddressPhone string // 地址、电话
	BankAccount  string // 开户行及账号
	Email        string // where the buyer wants the file, if anywhere

	Amount money.Fen // 含税 total (negative for red)
	Excl   money.Fen // 不含税 total
	Tax    money.Fen // 税额 total
	Lines  []Line

	RefundAmount money.Fen // red: the refund that required it
	RefundRef    string
	RedPending   bool      // blue: a red-letter reversal is required (待红冲)
	Reversed     money.Fen // blue: how much red invoices reversed so far
	RedMode      string    // red: partial or full, once issued

	Code      string // legacy invoices: the 10- or 12-digit 发票代码
	No        string // 发票号码: 20 digits (数电票) or 8 (legacy)
	IssuedOn  string // 开票日期, YYYY-MM-DD
	IssuedAt  time.Time
	IssuedBy  string
	Reason    string // why it was rejected or cancelled
	CreatedBy string
	IdemKey   string
	CreatedAt time.Time
	UpdatedAt time.Time
	Files     []File
}

// Digital reports whether the invoice is a fully digital one (数电票, 20-digit number).
func (inv *Invoice) Digital() bool { return len(inv.No) == 20 }

// Filter selects invoices. Exactly one of BuyerOrgID and SupplierID scopes a company's
// list; both empty is staff's whole list.
type Filter struct {
	BuyerOrgID string
	SupplierID string
	OrderID    string
	State      State
	Color      Color
	RedPending bool
	Before     time.Time // created before
	Limit      int
}

// Report is the staff's invoice report.
type Report struct {
	Counts     map[string]int64 // by color.state
	Overdue    []Invoice        // blue requests older than OverdueAfter
	RedPending []Invoice        // red-letter tasks not yet recorded
}

// RefundNote is a refund the invoice module was told about: its amount and the order
// line it was for (0: the order as a whole).
type RefundNote struct {
	Line   int
	Amount money.Fen
}

// Store persists invoices. Methods join the caller's transaction.
type Store interface {
	InvoiceInsert(ctx context.Context, inv *Invoice) error
	// Invoice returns an invoice with its files; NotFound when absent.
	Invoice(ctx context.Context, id string) (*Invoice, error)
	InvoiceByIdem(ctx context.Context, orgID, key string) (*Invoice, error)
	Invoices(ctx context.Context, f Filter) ([]Invoice, error)
	// InvoiceUpdate writes inv's mutable fields if its state is still from: false when not.
	InvoiceUpdate(ctx context.Context, inv *Invoice, from State) (bool, error)
	InvoiceAddFile(ctx context.Context, invoiceID string, f File) error
	// InvoiceCount counts an order's invoices (for numbering).
	InvoiceCount(ctx context.Context, orderID string) (int, error)
	// InvoiceRefundAdd records a refund of an order (of order line line, 0 for the order
	// as a whole): false when ref was recorded before.
	InvoiceRefundAdd(ctx context.Context, orderID, ref string, line int, amount money.Fen, at time.Time) (bool, error)
	// InvoiceRefunds lists an order's recorded refunds, oldest first.
	InvoiceRefunds(ctx context.Context, orderID string) ([]RefundNote, error)
	InvoiceCounts(ctx context.Context) (map[string]int64, error)

	// Order returns an order with its lines; LockOrder holds its row to the end of the
	// transaction (package order's store).
	Order(ctx context.Context, id string) (*order.Order, error)
	LockOrder(ctx context.Context, id string, at time.Time) error
}

// Orders reads orders as the caller may see them (order.Service).
type Orders interface {
	Get(ctx context.Context, p *identity.Principal, id string) (*order.Order, error)
}

// Profiles reads the caller's company tax profile (buyer.Service).
type Profiles interface {
	Profile(ctx context.Context, p *identity.Principal) (*buyer.Profile, error)
}

// Service runs invoices.
type Service struct {
	DB       *db.DB
	Store    Store
	Orders   Orders
	Profiles Profiles
	Blobs    upload.Store
	Notify   *notify.Service
	// RateStore and Audit serve the per-category VAT rates.
	RateStore RateStore
	Audit     audit.Store
	Now       func() time.Time
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

// visible reports whether p may see inv: its buyer company, its supplier, staff.
func visible(p *identity.Principal, inv *Invoice) bool {
	if p == nil {
		return false
	}
	switch {
	case p.Is(identity.Buyer):
		return inv.BuyerOrgID == p.Org.ID
	case p.Is(identity.Supplier):
		return inv.SupplierID == p.Org.ID
	}
	return staff(p)
}

func (s *Service) send(ctx context.Context, orgID, key, link string, args ...string) error {
	if s.Notify == nil {
		return nil
	}
	return s.Notify.Send(ctx, orgID, MsgKind, key, link, args...)
}

// paidStates are the states in which an order's money has been received.
func paidState(st order.State) bool {
	return st == order.Paid || st == order.Shipped || st == order.Received || st == order.Settled
}

// CategoryRate is a category's own VAT rate, in basis points; -1 inherits the nearest
// ancestor's (and the platform default, 13 %, applies when none is set).
type CategoryRate struct {
	ID     string
	Code   string
	NameZH string
	NameEN string
	Depth  int
	Rate   int64
}

// RateStore reads and sets the per-category VAT rates checkout records on order lines.
type RateStore interface {
	CategoryVATRates(ctx context.Context) ([]CategoryRate, error)
	SetCategoryVATRate(ctx context.Context, id string, rate int64) error
}

// Rates lists the per-category VAT rates (staff).
func (s *Service) Rates(ctx context.Context, p *identity.Principal) ([]CategoryRate, error) {
	if !staff(p) || s.RateStore == nil {
		return nil, notFound()
	}
	return s.RateStore.CategoryVATRates(ctx)
}

// SetRate sets a category's VAT rate ("" to inherit): ops managers and admins, audited.
// Orders already placed keep the rate they were placed at.
func (s *Service) SetRate(ctx context.Context, p *identity.Principal, categoryID, rate string) error {
	if !staff(p) || s.RateStore == nil {
		return notFound()
	}
	if !p.Has(identity.Admin, identity.OpsManager) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	r := int64(-1)
	if rate != "" {
		n, err := strconv.ParseInt(rate, 10, 64)
		if err != nil || money.Rate(n).Validate() != nil {
			return errs.Field("rate", "invoice.err.rate")
		}
		r = n
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.RateStore.SetCategoryVATRate(ctx, categoryID, r); err != nil {
			return err
		}
		if s.Audit == nil {
			return nil
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "invoice.vat_rate",
			ObjectType: "category", ObjectID: categoryID, Detail: rate})
	})
}
