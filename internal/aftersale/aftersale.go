// Package aftersale is what happens after shipment when something is wrong: after-sales
// cases (售后) per order line — return and refund (退货退款), exchange (换货) and refund
// only (仅退款) — that the supplier must answer within three days or the platform steps
// in, and disputes (纠纷) that either side opens, that customer service mediates and that
// staff arbitrate (仲裁), leaning to the buyer as the operating plan asks.
//
// Money moves only through the ledger: an agreed refund posts escrow:<order> →
// bank:clearing and instructs the original payment's provider to pay the buyer back,
// exactly once per case or dispute (a unique refund row, the ledger's (kind, ref)
// uniqueness and a conditional state change, all in one transaction). An arbitration may
// also deduct from the supplier's deposit to compensate the buyer (package deposit).
//
// Every open case and dispute counts in its order's holds (migration 0025): while an
// order has holds it is neither confirmed automatically nor released. Every step is an
// event on the case's or dispute's timeline, which is never changed or deleted.
//
// Rules decided here (see the README):
//   - cases are opened on shipped or received orders; after settlement the buyer opens a
//     dispute instead (within DisputeWindow of settlement);
//   - a case refunds goods only, at most the line's amount less what other cases on the
//     line claim or refunded; freight is refunded only by a dispute's outcome; the
//     escrow balance caps every refund, so the order's refunds never exceed what was paid;
//   - a refused case is closed; the buyer may then open a dispute on the order;
//   - a declined partial offer and an unanswered case both become a dispute opened by the
//     system, so the platform decides;
//   - every open case has a deadline for whoever's step is next (AnswerBy), and a sweep
//     (EscalateOverdue) acts when it lapses: requested or offered → a dispute; agreed (the
//     buyer never sent the goods back) → closed without refund; returning (the supplier
//     never confirmed) → refunded (a return) or a dispute (an exchange); returned (no
//     replacement shipped) → a dispute;
//   - a case handed to a dispute is in_dispute and keeps its hold until the dispute closes;
//     a dispute that closes by arbitration or settlement closes every open case of its
//     order as escalated (the outcome is the only refund); a withdrawn dispute never
//     buries a case: the buyer's withdrawal cancels the cases that joined it, the
//     supplier's hands them to a new dispute opened by the system;
//   - a case refund is capped at what is left in escrow: it refunds what is left and says
//     so (a dispute may have refunded part of the order first).
package aftersale

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Defaults.
const (
	// DefaultAnswerWithin is how long a supplier has to answer a case, and each side (or
	// customer service) to take its next step in a dispute.
	DefaultAnswerWithin = 3 * 24 * time.Hour
	// DefaultDisputeWindow is how long after settlement either side may still open a
	// dispute.
	DefaultDisputeWindow = 15 * 24 * time.Hour
	// DefaultReturnWithin is how long the buyer has to send goods back once a return or
	// exchange is agreed; then the case closes without refund.
	DefaultReturnWithin = 7 * 24 * time.Hour
	// DefaultConfirmWithin is how long the supplier has to confirm returned goods (and,
	// for an exchange, to ship the replacement); then a return is refunded and an
	// exchange goes to a dispute.
	DefaultConfirmWithin = 7 * 24 * time.Hour
)

// Limits.
const (
	MaxText      = 1000
	MaxShort     = 100
	MaxFiles     = 6
	MaxFileBytes = upload.MaxImageBytes
)

// FileKinds are the evidence files accepted: photos, and PDF for dispute documents.
var (
	PhotoKinds    = upload.Images
	EvidenceKinds = upload.ImagesAndPDF
)

// KindRefund is the ledger transaction kind of a refund from escrow made by a case or a
// dispute (escrow:<order> → bank:clearing); its ref is "case:<id>" or "dispute:<id>".
const KindRefund = "aftersale.refund"

// Topic is the outbox topic for case and dispute changes (aggregate: the order ID).
const Topic = "aftersale"

// Kind is what the buyer asks for.
type Kind string

// The kinds of case.
const (
	ReturnRefund Kind = "return_refund" // 退货退款
	Exchange     Kind = "exchange"      // 换货
	RefundOnly   Kind = "refund_only"   // 仅退款
)

// Kinds lists the kinds for forms.
var Kinds = []Kind{ReturnRefund, Exchange, RefundOnly}

// Reasons the buyer picks from.
var Reasons = []string{"quality", "damaged", "wrong_item", "short", "not_as_described", "other"}

// State is where a case is.
type State string

// Case states. Open: requested, offered, agreed, returning, returned, in_dispute.
const (
	Requested State = "requested"  // 待商家处理: the supplier must answer by AnswerBy
	Offered   State = "offered"    // 商家提议部分退款: the buyer accepts or declines
	Agreed    State = "agreed"     // 待买家退货: return address given
	Returning State = "returning"  // 退货中: the buyer shipped the goods back
	Returned  State = "returned"   // 商家已收到退货, exchange: replacement to ship
	Refunded  State = "refunded"   // 已退款 (closed)
	Exchanged State = "exchanged"  // 已换货 (closed)
	Refused   State = "refused"    // 商家拒绝 (closed)
	Cancelled State = "cancelled"  // 买家撤销 (closed)
	InDispute State = "in_dispute" // 平台处理中: part of an open dispute, closed with its outcome
	Escalated State = "escalated"  // 平台已处理: closed by its dispute's outcome (closed)
)

// Open reports whether a case in s still holds its order.
func (s State) Open() bool {
	switch s {
	case Requested, Offered, Agreed, Returning, Returned, InDispute:
		return true
	}
	return false
}

// Case is one after-sales case on one order line.
type Case struct {
	ID            string
	Number        string // AS20261124-000001
	OrderID       string
	OrderNumber   string
	LineNo        int
	LineTitle     string
	BuyerOrgID    string
	BuyerName     string
	SupplierID    string
	SupplierName  string
	CreatedBy     string
	Kind          Kind
	Reason        string
	Detail        string
	Qty           int64
	Amount        money.Fen // claimed
	Offer         money.Fen // the supplier's partial proposal
	Refunded      money.Fen
	State         State
	AnswerBy      time.Time // the deadline of the step awaited (none while in_dispute)
	RefuseReason  string
	ReturnAddress string
	ReturnCarrier string
	ReturnWaybill string
	ReshipCarrier string
	ReshipWaybill string
	DisputeID     string
	IdemKey       string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ClosedAt      time.Time
	Events        []Event
	Files         []File
}

// Overdue reports whether the step awaited is late at now.
func (c *Case) Overdue(now time.Time) bool {
	return c.State.Open() && c.State != InDispute && !c.AnswerBy.IsZero() && now.After(c.AnswerBy)
}

// Side is who acted.
type Side string

// The sides.
const (
	BuyerSide    Side = "buyer"
	SupplierSide Side = "supplier"
	StaffSide    Side = "staff"
	SystemSide   Side = "system"
)

// Event is one step on a case's or a dispute's timeline.
type Event struct {
	ID        int64
	CaseID    string
	DisputeID string
	Action    string
	From      string
	To        string
	Side      Side
	ActorID   string
	ActorName string
	Note      string
	Amount    money.Fen
	At        time.Time
	Files     []File
}

// File is a photo or document attached to a case or dispute.
type File struct {
	BlobID    string
	CaseID    string
	DisputeID string
	EventID   int64
	Side      Side
	Name      string
	Size      int64
	At        time.Time
}

// FileInput is an uploaded file as the edge received it.
type FileInput struct {
	Name string
	Data []byte
}

// DisputeState is where a dispute is.
type DisputeState string

// Dispute states. Open: open, mediating, proposed.
const (
	DOpen       DisputeState = "open"       // 待处理: the other side answers, then customer service
	DMediating  DisputeState = "mediating"  // 客服调解中
	DProposed   DisputeState = "proposed"   // 调解方案待双方确认
	DResolved   DisputeState = "resolved"   // 已和解 (closed)
	DArbitrated DisputeState = "arbitrated" // 已裁决 (closed)
	DWithdrawn  DisputeState = "withdrawn"  // 已撤回 (closed)
)

// Open reports whether a dispute in s still holds its order.
func (s DisputeState) Open() bool { return s == DOpen || s == DMediating || s == DProposed }

// Dispute is a disagreement about an order that the platform mediates and arbitrates.
type Dispute struct {
	ID               string
	Number           string // DP20261124-000001
	OrderID          string
	OrderNumber      string
	CaseID           string
	BuyerOrgID       string
	BuyerName        string
	SupplierID       string
	SupplierName     string
	OpenedBy         Side
	OpenedUser       string
	Claim            string
	Amount           money.Fen
	State            DisputeState
	AnswerBy         time.Time
	WaitingOn        Side // whose step is next
	Proposal         money.Fen
	ProposalNote     string
	BuyerAccepted    bool
	SupplierAccepted bool
	Refund           money.Fen // refunded by the outcome
	Deduct           money.Fen // deducted from the deposit to the buyer
	Decision         string
	DecidedBy        string
	IdemKey          string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	ClosedAt         time.Time
	Events           []Event
	Files            []File
}

// Overdue reports whether the step awaited is late at now.
func (d *Dispute) Overdue(now time.Time) bool {
	return d.State.Open() && !d.AnswerBy.IsZero() && now.After(d.AnswerBy)
}

// Refund is money sent back from an order's escrow by a case or a dispute.
type Refund struct {
	ID          string
	OrderID     string
	OrderNumber string
	CaseID      string
	DisputeID   string
	PaymentID   string
	BuyerOrgID  string
	BuyerName   string
	SupplierID  string
	Amount      money.Fen
	Provider    string
	ProviderRef string
	LedgerTx    string
	DecidedBy   string
	CreatedAt   time.Time
}

// Filter selects cases or disputes for lists: by buyer, by supplier, or (both empty)
// everything, for staff.
type Filter struct {
	BuyerOrgID string
	SupplierID string
	OrderID    string
	OpenOnly   bool
	Limit      int
}

// LineClaim is what the cases on one order line already claim.
type LineClaim struct {
	Qty    int64
	Amount money.Fen
}

// Store persists cases, disputes, their timelines, files and refunds. Methods join the
// caller's transaction.
type Store interface {
	NextAftersaleNumber(ctx context.Context, kind, day string) (int64, error)

	InsertCase(ctx context.Context, c *Case) error
	// Case returns a case with its events and files, or NotFound.
	Case(ctx context.Context, id string) (*Case, error)
	// CaseByIdem returns the ID of the case a buyer company created with key ("" if none).
	CaseByIdem(ctx context.Context, orgID, key string) (string, error)
	Cases(ctx context.Context, f Filter) ([]Case, error)
	// UpdateCase stores c's mutable fields if the case is still in from: false otherwise.
	UpdateCase(ctx context.Context, c *Case, from State) (bool, error)
	// LineClaims sums, per line of an order, the quantity and amount claimed by cases
	// not cancelled or refused (refunded cases count what they refunded; a case closed
	// into a dispute that was withdrawn, from before migration 0033, does not count).
	LineClaims(ctx context.Context, orderID string) (map[int]LineClaim, error)
	// DueCases lists open cases, not in a dispute, whose step's deadline passed.
	DueCases(ctx context.Context, now time.Time, limit int) ([]string, error)

	InsertDispute(ctx context.Context, d *Dispute) error
	Dispute(ctx context.Context, id string) (*Dispute, error)
	DisputeByIdem(ctx context.Context, userID, key string) (string, error)
	Disputes(ctx context.Context, f Filter) ([]Dispute, error)
	UpdateDispute(ctx context.Context, d *Dispute, from DisputeState) (bool, error)
	// OpenDisputeOf returns the ID of the order's open dispute, "" when none.
	OpenDisputeOf(ctx context.Context, orderID string) (string, error)

	// AddAftersaleEvent appends to a timeline and returns the event's ID.
	AddAftersaleEvent(ctx context.Context, e *Event) (int64, error)
	AddAftersaleFiles(ctx context.Context, fs []File) error

	// AddOrderHolds adds delta to the order's holds (never below zero).
	AddOrderHolds(ctx context.Context, orderID string, delta int) error
	AftersaleHolds(ctx context.Context, orderID string) (int64, error)

	// InsertAftersaleRefund stores a refund: a second one for the same case or dispute is a
	// Conflict.
	InsertAftersaleRefund(ctx context.Context, r *Refund) error
	SetAftersaleRefundRef(ctx context.Context, id, providerRef, ledgerTx string) error
	AftersaleRefunds(ctx context.Context, f Filter) ([]Refund, error)
	// AftersaleRefunded sums the after-sales and dispute refunds of an order.
	AftersaleRefunded(ctx context.Context, orderID string) (money.Fen, error)
}

// Blobs stores and reads uploaded files.
type Blobs interface {
	PutBlob(ctx context.Context, b *upload.Blob) error
	Blob(ctx context.Context, id string) (*upload.Blob, error)
}

// Service runs after-sales and disputes.
type Service struct {
	DB       *db.DB
	Store    Store
	Orders   *order.Service
	Payments *payment.Service
	Ledger   *ledger.Service
	Deposit  *deposit.Service
	Notify   *notify.Service
	Blobs    Blobs
	Now      func() time.Time
	// AnswerWithin is each side's time to answer (DefaultAnswerWithin when zero).
	AnswerWithin time.Duration
	// DisputeWindow is how long after settlement a dispute may be opened
	// (DefaultDisputeWindow when zero).
	DisputeWindow time.Duration
	// ReturnWithin and ConfirmWithin are the buyer's time to send goods back and the
	// supplier's to confirm them or reship (DefaultReturnWithin, DefaultConfirmWithin
	// when zero).
	ReturnWithin  time.Duration
	ConfirmWithin time.Duration
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) answerWithin() time.Duration {
	if s.AnswerWithin <= 0 {
		return DefaultAnswerWithin
	}
	return s.AnswerWithin
}

func (s *Service) disputeWindow() time.Duration {
	if s.DisputeWindow <= 0 {
		return DefaultDisputeWindow
	}
	return s.DisputeWindow
}

func (s *Service) returnWithin() time.Duration {
	if s.ReturnWithin <= 0 {
		return DefaultReturnWithin
	}
	return s.ReturnWithin
}

func (s *Service) confirmWithin() time.Duration {
	if s.ConfirmWithin <= 0 {
		return DefaultConfirmWithin
	}
	return s.ConfirmWithin
}

func notFound() error { return errs.E(errs.NotFound, "err.not_found") }

// conflict is a Conflict with a message key.
func conflict(key string, args ...any) error { return errs.E(errs.Conflict, key, args...) }

// sideOf tells which side of o the caller acts for; "" for none.
func sideOf(p *identity.Principal, buyerOrgID, supplierID string) Side {
	switch {
	case p == nil || p.User.ID == "":
		return ""
	case p.Is(identity.Buyer) && p.Org.ID == buyerOrgID:
		return BuyerSide
	case p.Is(identity.Supplier) && p.Org.ID == supplierID:
		return SupplierSide
	case isStaff(p):
		return StaffSide
	}
	return ""
}

// isStaff allows any platform staff member to read cases and disputes.
func isStaff(p *identity.Principal) bool {
	return p != nil && p.User.ID != "" && p.Is(identity.Platform) && len(p.Roles) > 0
}

// CanArbitrate reports whether p may mediate and arbitrate: customer service, the
// operations manager and admins.
func CanArbitrate(p *identity.Principal) bool {
	return isStaff(p) && p.Has(identity.CustomerService, identity.OpsManager, identity.Admin)
}

// checkText trims and checks a free-text field.
func checkText(v *errs.Validator, field, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		v.Add(field, "err.required")
	case !utf8.ValidString(s):
		v.Add(field, "err.bad_chars")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// checkLine is checkText for one-line fields (carrier, waybill).
func checkLine(v *errs.Validator, field, s string, required bool, max int) string {
	s = checkText(v, field, s, required, max)
	if strings.ContainsRune(s, '\n') {
		v.Add(field, "err.bad_chars")
	}
	return s
}

// blobs validates uploaded files and returns them ready to store; errors name the field.
func blobs(v *errs.Validator, field, orgID string, in []FileInput, kinds upload.Kinds, now time.Time) ([]*upload.Blob, error) {
	if len(in) > MaxFiles {
		v.Add(field, "aftersale.err.too_many_files", MaxFiles)
		return nil, nil
	}
	var out []*upload.Blob
	for _, f := range in {
		b, err := upload.New(orgID, f.Name, f.Data, kinds, MaxFileBytes, now)
		if err != nil {
			e := errs.As(err)
			if e == nil || e.Code == errs.Internal {
				return nil, err
			}
			for _, fe := range e.Fields {
				v.Add(field, fe.Msg.Key, fe.Msg.Args...)
			}
			if len(e.Fields) == 0 {
				v.Add(field, e.Msg.Key, e.Msg.Args...)
			}
			continue
		}
		out = append(out, b)
	}
	return out, nil
}

// storeFiles writes blobs and links them to an event.
func (s *Service) storeFiles(ctx context.Context, bs []*upload.Blob, caseID, disputeID string, eventID int64, side Side, now time.Time) ([]File, error) {
	var fs []File
	for _, b := range bs {
		if err := s.Blobs.PutBlob(ctx, b); err != nil {
			return nil, err
		}
		fs = append(fs, File{BlobID: b.ID, CaseID: caseID, DisputeID: disputeID, EventID: eventID, Side: side, Name: b.DisplayName, Size: b.Size, At: now})
	}
	if len(fs) == 0 {
		return nil, nil
	}
	return fs, s.Store.AddAftersaleFiles(ctx, fs)
}

// send leaves an in-site message, when messages are wired.
func (s *Service) send(ctx context.Context, orgID, key, link string, args ...string) error {
	if s.Notify == nil || orgID == "" {
		return nil
	}
	kind := "aftersale"
	switch key {
	case "aftersale.msg.dispute_opened", "aftersale.msg.escalated", "aftersale.msg.evidence", "aftersale.msg.mediation",
		"aftersale.msg.proposal", "aftersale.msg.proposal_accepted", "aftersale.msg.arbitrated", "aftersale.msg.resolved":
		kind = "dispute" // a dispute's steps have deadlines: SMS by default
	}
	return s.Notify.Send(ctx, orgID, kind, key, link, args...)
}

func actor(p *identity.Principal) (id, name string) {
	if p == nil {
		return "", ""
	}
	return p.User.ID, p.User.DisplayName
}

// number formats a case or dispute number.
func number(prefix string, now time.Time, seq int64) string {
	return fmt.Sprintf("%s%s-%06d", prefix, now.In(order.Shanghai).Format("20060102"), seq)
}
