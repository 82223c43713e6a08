// Package deposit is the supplier deposit (保证金): what a supplier must pay before its store
// goes live, held by the platform as a guarantee, frozen while a dispute is open,
// deducted as a penalty or a buyer's compensation, and refunded after the supplier has
// left and a waiting period has passed. Every money step is one ledger transaction (see
// package ledger), audited with its actor and reason, all or nothing, and idempotent by a
// reference the caller gives; a step out of order or a second time is refused and changes
// nothing.
//
// The money lives in two ledger accounts per supplier: deposit:held:<id> (paid, not
// frozen) and deposit:frozen:<id>. A payment moves money from bank:clearing into held; a
// refund request places a ledger hold on held, and the refund posts it back to
// bank:clearing.
package deposit

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/remit"
)

// DefaultRequired is the deposit a supplier owes when no requirement is stored: ¥20,000.
const DefaultRequired money.Fen = 2_000_000

// DefaultRefundWait is how long after its exit a supplier waits for its deposit back, so
// that disputes about its last orders can still be paid from it.
const DefaultRefundWait = 90 * 24 * time.Hour

// Ledger transaction kinds (also the audit actions).
const (
	KindPay      = "deposit.pay"
	KindFreeze   = "deposit.freeze"
	KindUnfreeze = "deposit.unfreeze"
	KindDeduct   = "deposit.deduct"
	KindRefund   = "deposit.refund"
)

// FaultAfterLedger is the fault point between a deposit's ledger transaction and the rest
// of its writes (audit, refund record).
const FaultAfterLedger = "deposit.after_ledger"

// Field limits.
const (
	MaxRefLen    = 100
	MaxReasonLen = 500
)

// Account is a supplier's deposit record; the money itself is in the ledger.
type Account struct {
	SupplierID string
	Required   money.Fen
	ExitedAt   time.Time // zero while the supplier trades
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Requirement is the deposit required of suppliers selling in a category (and its
// subcategories without their own); CategoryID "" is the default.
type Requirement struct {
	CategoryID string
	Amount     money.Fen
	UpdatedAt  time.Time
	UpdatedBy  string
}

// CategoryRequirement is what the store knows about one category: the amount set on it or
// on its nearest ancestor (Set false when none has one, so the default applies).
type CategoryRequirement struct {
	CategoryID string
	Amount     money.Fen
	Set        bool
}

// Remittance is the code a supplier writes in the note of its corporate bank transfer
// (对公转账) so that finance can match the money to it.
type Remittance struct {
	Code       string
	SupplierID string
	IssuedAt   time.Time
	IssuedBy   string
}

// RefundState is where a refund is.
type RefundState string

// Refund states: requested (the money is reserved by a ledger hold), then refunded or
// cancelled exactly once.
const (
	RefundRequested RefundState = "requested"
	RefundRefunded  RefundState = "refunded"
	RefundCancelled RefundState = "cancelled"
)

// Refund is a request to return a supplier's deposit and what became of it.
type Refund struct {
	ID          string
	SupplierID  string
	Ref         string // the caller's reference of the request
	Amount      money.Fen
	State       RefundState
	HoldID      string // the ledger hold reserving Amount
	Reason      string
	RequestedBy string
	RequestedAt time.Time
	ResolvedBy  string
	ResolvedAt  time.Time
	PayoutRef   string // the bank serial of the outgoing transfer
	BankDetails string
	TxID        string // the ledger transaction that paid it out
	// Replayed is set on the value returned for a request or payout seen before.
	Replayed bool
}

// Status is a supplier's deposit at a glance.
type Status struct {
	SupplierID string
	Required   money.Fen
	Held       money.Fen // paid, not frozen, not on its way back
	Frozen     money.Fen
	Refunding  money.Fen // reserved by an open refund request
	// PaidInFull reports Held + Frozen ≥ Required: only then may the store go live.
	PaidInFull   bool
	ExitedAt     time.Time
	RefundableAt time.Time // ExitedAt + the waiting period; zero before exit
	Refund       *Refund   // the latest refund request, nil if none
}

// Shortfall is what the supplier still has to pay.
func (st *Status) Shortfall() money.Fen {
	if d := st.Required - st.Held - st.Frozen; d > 0 {
		return d
	}
	return 0
}

// Store persists deposit records. Methods run in the caller's transaction when there is
// one.
type Store interface {
	// DepositLock returns the supplier's deposit account locked until the transaction
	// ends, creating it (required = the stored default, or fallback) on first use. A
	// missing organisation or one that is not a supplier is NotFound.
	DepositLock(ctx context.Context, supplierID string, fallback money.Fen, now time.Time) (*Account, error)
	// DepositAccount returns a supplier's deposit account, or NotFound.
	DepositAccount(ctx context.Context, supplierID string) (*Account, error)
	// DepositUpdateAccount stores Required, ExitedAt and UpdatedAt.
	DepositUpdateAccount(ctx context.Context, a *Account) error
	// DepositDefaultRequirement returns the stored default; ok is false when none is.
	DepositDefaultRequirement(ctx context.Context) (amount money.Fen, ok bool, err error)
	// DepositCategoryRequirements returns one entry per existing category among ids.
	DepositCategoryRequirements(ctx context.Context, ids []string) ([]CategoryRequirement, error)
	// DepositSetRequirement creates or replaces a requirement.
	DepositSetRequirement(ctx context.Context, r *Requirement) error
	// DepositRequirements lists the stored requirements, the default first.
	DepositRequirements(ctx context.Context) ([]Requirement, error)
	// DepositOrgKind returns an organisation's kind, or NotFound.
	DepositOrgKind(ctx context.Context, orgID string) (identity.OrgKind, error)
	// DepositInsertRemittance stores a new code; false when the code is taken.
	DepositInsertRemittance(ctx context.Context, r *Remittance) (bool, error)
	// DepositRemittance finds a code, or NotFound.
	DepositRemittance(ctx context.Context, code string) (*Remittance, error)
	// DepositRemittanceOf returns a supplier's code, or NotFound.
	DepositRemittanceOf(ctx context.Context, supplierID string) (*Remittance, error)
	// DepositInsertRefund stores a new refund request; a second open one is a Conflict.
	DepositInsertRefund(ctx context.Context, r *Refund) error
	// DepositLatestRefund returns a supplier's latest refund request, or NotFound.
	DepositLatestRefund(ctx context.Context, supplierID string) (*Refund, error)
	// DepositRefundByRef returns the refund requested with ref, or NotFound.
	DepositRefundByRef(ctx context.Context, supplierID, ref string) (*Refund, error)
	// DepositResolveRefund stores r's new state (refunded or cancelled) and resolution
	// fields if the refund is still requested; false when it no longer was.
	DepositResolveRefund(ctx context.Context, r *Refund) (bool, error)
}

// Service runs the deposit's use cases.
type Service struct {
	DB     *db.DB
	Store  Store
	Ledger *ledger.Service
	Audit  audit.Store
	Now    func() time.Time
	// RefundWait is the waiting period between exit and refund (DefaultRefundWait).
	RefundWait time.Duration
	// OnStatus, when set, runs inside every step's transaction with the supplier's new
	// status, so what depends on the deposit (a store going live) changes atomically.
	OnStatus func(ctx context.Context, st *Status) error
}

// NewService wires the deposit service; now may be nil for the wall clock.
func NewService(d *db.DB, st Store, led *ledger.Service, au audit.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{DB: d, Store: st, Ledger: led, Audit: au, Now: now, RefundWait: DefaultRefundWait}
}

// Subject is the ledger subject of a supplier's deposit transactions.
func Subject(supplierID string) string { return "supplier:" + supplierID }

// ---- authorisation and validation -----------------------------------------------------

// staff allows platform staff only. Which staff role may do what is the edge's decision;
// this is the floor.
func staff(actor *identity.Principal) error {
	if actor == nil || actor.User.ID == "" || !actor.Is(identity.Platform) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	return nil
}

// staffOrOwner allows platform staff and the supplier itself.
func staffOrOwner(actor *identity.Principal, supplierID string) error {
	if actor != nil && actor.User.ID != "" && actor.Is(identity.Supplier) && actor.Org.ID == supplierID {
		return nil
	}
	return staff(actor)
}

func supplierNotFound() error { return errs.E(errs.NotFound, "err.deposit_supplier_not_found") }

// conflict is a Conflict that names the field whose value the state does not allow.
func conflict(field, key string, args ...any) error {
	m := errs.Msg{Key: key, Args: args}
	return &errs.Error{Code: errs.Conflict, Msg: m, Fields: []errs.FieldError{{Field: field, Msg: m}}}
}

func checkAmount(v *errs.Validator, a money.Fen) {
	switch {
	case a <= 0:
		v.Add("amount", "err.deposit_amount_positive")
	case a > money.MaxFen:
		v.Add("amount", "err.deposit_amount_large", money.FormatYuan(money.MaxFen))
	}
}

func checkText(v *errs.Validator, field, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		v.Add(field, "err.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

func checkRef(v *errs.Validator, ref string) string {
	ref = checkText(v, "ref", ref, true, MaxRefLen)
	v.Check(!strings.ContainsRune(ref, '\n'), "ref", "err.bad_chars")
	return ref
}

// ---- requirements ----------------------------------------------------------------------

func (s *Service) defaultRequired(ctx context.Context) (money.Fen, error) {
	amount, ok, err := s.Store.DepositDefaultRequirement(ctx)
	if err != nil {
		return 0, fmt.Errorf("deposit: default requirement: %w", err)
	}
	if !ok {
		return DefaultRequired, nil
	}
	return amount, nil
}

// Required returns the deposit a supplier selling in the categories owes: the largest
// of their requirements, each category taking its own amount, else its nearest
// ancestor's, else the default. No categories means the default.
func (s *Service) Required(ctx context.Context, categoryIDs []string) (money.Fen, error) {
	def, err := s.defaultRequired(ctx)
	if err != nil {
		return 0, err
	}
	if len(categoryIDs) == 0 {
		return def, nil
	}
	ids := map[string]bool{}
	for _, id := range categoryIDs {
		if !db.ValidID(id) {
			return 0, errs.Field("category_ids", "err.category_not_found")
		}
		ids[id] = true
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	crs, err := s.Store.DepositCategoryRequirements(ctx, list)
	if err != nil {
		return 0, fmt.Errorf("deposit: category requirements: %w", err)
	}
	if len(crs) != len(list) {
		return 0, errs.Field("category_ids", "err.category_not_found")
	}
	var max money.Fen
	for i, cr := range crs {
		a := def
		if cr.Set {
			a = cr.Amount
		}
		if i == 0 || a > max {
			max = a
		}
	}
	return max, nil
}

// SetRequirement sets the deposit required for a category (and its subcategories without
// their own), or the default when categoryID is "". Suppliers' stored amounts change
// when UpdateRequired runs for them.
func (s *Service) SetRequirement(ctx context.Context, actor *identity.Principal, categoryID string, amount money.Fen) error {
	if err := staff(actor); err != nil {
		return err
	}
	var v errs.Validator
	v.Check(amount >= 0, "amount", "err.deposit_amount_negative")
	v.Check(amount <= money.MaxFen, "amount", "err.deposit_amount_large", money.FormatYuan(money.MaxFen))
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if categoryID != "" {
			if _, err := s.Required(ctx, []string{categoryID}); err != nil {
				return err
			}
		}
		r := &Requirement{CategoryID: categoryID, Amount: amount, UpdatedAt: s.Now(), UpdatedBy: actor.User.ID}
		if err := s.Store.DepositSetRequirement(ctx, r); err != nil {
			return err
		}
		obj := categoryID
		if obj == "" {
			obj = "default"
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
			Action: "deposit.requirement", ObjectType: "category", ObjectID: obj, Detail: "amount=" + amount.String()})
	})
}

// Requirements lists the stored requirements, the default first.
func (s *Service) Requirements(ctx context.Context) ([]Requirement, error) {
	return s.Store.DepositRequirements(ctx)
}

// UpdateRequired recomputes and stores what a supplier owes from the categories it sells.
func (s *Service) UpdateRequired(ctx context.Context, actor *identity.Principal, supplierID string, categoryIDs []string) (*Status, error) {
	if err := staffOrOwner(actor, supplierID); err != nil {
		return nil, err
	}
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		req, err := s.Required(ctx, categoryIDs)
		if err != nil {
			return err
		}
		a, err := s.lock(ctx, supplierID)
		if err != nil {
			return err
		}
		if a.Required == req {
			return nil
		}
		old := a.Required
		a.Required, a.UpdatedAt = req, s.Now()
		if err := s.Store.DepositUpdateAccount(ctx, a); err != nil {
			return err
		}
		return s.log(ctx, actor, "deposit.required", supplierID, fmt.Sprintf("required=%s previous=%s", req, old))
	})
	if err != nil {
		return nil, err
	}
	return s.Status(ctx, supplierID)
}

// ---- remittance codes ------------------------------------------------------------------

// RemittancePrefix starts every deposit remittance code.
const RemittancePrefix = "ZC"

// NewRemittanceCode returns a fresh code: "ZC", nine random characters and a check
// character, e.g. ZC7KQ2M9XHT4 (package remit).
func NewRemittanceCode() (string, error) { return remit.New(RemittancePrefix) }

// NormalizeRemittance reads a remittance code as people type it into a transfer note
// (lower case, spaces, hyphens, full-width characters) and checks its check character.
func NormalizeRemittance(s string) (string, bool) { return remit.Normalize(s, RemittancePrefix) }

// IssueRemittance returns the supplier's remittance code for its deposit transfer,
// issuing one the first time.
func (s *Service) IssueRemittance(ctx context.Context, actor *identity.Principal, supplierID string) (*Remittance, error) {
	if err := staffOrOwner(actor, supplierID); err != nil {
		return nil, err
	}
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	var out *Remittance
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.lock(ctx, supplierID); err != nil {
			return err
		}
		r, err := s.Store.DepositRemittanceOf(ctx, supplierID)
		if err == nil {
			out = r
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		for range 8 {
			code, err := NewRemittanceCode()
			if err != nil {
				return err
			}
			r := &Remittance{Code: code, SupplierID: supplierID, IssuedAt: s.Now(), IssuedBy: actor.User.ID}
			ok, err := s.Store.DepositInsertRemittance(ctx, r)
			if err != nil {
				return err
			}
			if ok {
				out = r
				return s.log(ctx, actor, "deposit.remittance", supplierID, "code="+code)
			}
		}
		return fmt.Errorf("deposit: no free remittance code after 8 tries")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ---- status and history ----------------------------------------------------------------

// lock locks (creating on first use) the supplier's deposit account: every deposit step
// for one supplier runs after the one before it.
func (s *Service) lock(ctx context.Context, supplierID string) (*Account, error) {
	a, err := s.Store.DepositLock(ctx, supplierID, DefaultRequired, s.Now())
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, supplierNotFound()
		}
		return nil, fmt.Errorf("deposit: lock: %w", err)
	}
	return a, nil
}

// Status returns a supplier's deposit: required, held, frozen, refunding and whether it is
// paid in full.
func (s *Service) Status(ctx context.Context, supplierID string) (*Status, error) {
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	a, err := s.Store.DepositAccount(ctx, supplierID)
	if errs.Is(err, errs.NotFound) {
		kind, err := s.Store.DepositOrgKind(ctx, supplierID)
		if errs.Is(err, errs.NotFound) || (err == nil && kind != identity.Supplier) {
			return nil, supplierNotFound()
		}
		if err != nil {
			return nil, fmt.Errorf("deposit: status: %w", err)
		}
		req, err := s.defaultRequired(ctx)
		if err != nil {
			return nil, err
		}
		a = &Account{SupplierID: supplierID, Required: req}
	} else if err != nil {
		return nil, fmt.Errorf("deposit: status: %w", err)
	}
	return s.status(ctx, a)
}

func (s *Service) status(ctx context.Context, a *Account) (*Status, error) {
	held, frozen := ledger.DepositHeld(a.SupplierID), ledger.DepositFrozen(a.SupplierID)
	bals, err := s.Ledger.Balances(ctx, held, frozen)
	if err != nil {
		return nil, err
	}
	st := &Status{
		SupplierID: a.SupplierID,
		Required:   a.Required,
		Held:       bals[held].Available(),
		Frozen:     bals[frozen].Balance,
		Refunding:  bals[held].Pending,
		ExitedAt:   a.ExitedAt,
	}
	st.PaidInFull = st.Held+st.Frozen >= st.Required
	if !a.ExitedAt.IsZero() {
		st.RefundableAt = a.ExitedAt.Add(s.RefundWait)
	}
	r, err := s.Store.DepositLatestRefund(ctx, a.SupplierID)
	switch {
	case err == nil:
		st.Refund = r
	case !errs.Is(err, errs.NotFound):
		return nil, fmt.Errorf("deposit: latest refund: %w", err)
	}
	return st, nil
}

// History lists the supplier's deposit transactions, newest first.
func (s *Service) History(ctx context.Context, supplierID string, p ledger.Page) ([]ledger.Transaction, error) {
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	return s.Ledger.Transactions(ctx, ledger.TxFilter{Subject: Subject(supplierID), Page: p})
}

// ---- money steps -----------------------------------------------------------------------

func (s *Service) log(ctx context.Context, actor *identity.Principal, action, supplierID, detail string) error {
	if utf8.RuneCountInString(detail) > 300 {
		detail = string([]rune(detail)[:300])
	}
	return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
		Action: action, ObjectType: "supplier", ObjectID: supplierID, Detail: detail})
}

// step is one money step on a supplier's deposit.
type step struct {
	kind     string
	ref      string // the caller's reference
	memo     string
	detail   string // the audit detail
	postings []ledger.Posting
	// check applies the step's state rules; it runs after a replay has been recognised,
	// so a retried step succeeds even though the state has moved on.
	check func(ctx context.Context, a *Account, st *Status) error
}

// run performs a step: lock the supplier, recognise a replay, check the state, post the
// transaction and audit it, in one database transaction.
func (s *Service) run(ctx context.Context, actor *identity.Principal, supplierID string, st step) (*Status, error) {
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lock(ctx, supplierID)
		if err != nil {
			return err
		}
		t := ledger.Transaction{Kind: st.kind, Ref: supplierID + "/" + st.ref, Subject: Subject(supplierID), Memo: st.memo, Postings: st.postings}
		prior, err := s.Ledger.Find(ctx, t.Kind, t.Ref)
		if err == nil {
			if !prior.Same(t) {
				return conflict("ref", "err.deposit_ref_reused")
			}
			return nil // the same step again: done already
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		cur, err := s.status(ctx, a)
		if err != nil {
			return err
		}
		if st.check != nil {
			if err := st.check(ctx, a, cur); err != nil {
				return err
			}
		}
		if _, err := s.Ledger.Post(ctx, t); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultAfterLedger); err != nil {
			return err
		}
		if s.OnStatus != nil {
			now, err := s.status(ctx, a)
			if err != nil {
				return err
			}
			if err := s.OnStatus(ctx, now); err != nil {
				return err
			}
		}
		return s.log(ctx, actor, st.kind, supplierID, st.detail)
	})
	if err != nil {
		return nil, err
	}
	return s.Status(ctx, supplierID)
}

// Payment is money a supplier transferred for its deposit, as finance found it on the
// bank statement.
type Payment struct {
	SupplierID string
	Amount     money.Fen
	// Ref identifies the payment, normally the bank's serial number (流水号); the same Ref
	// recorded twice is one payment.
	Ref string
	// Remittance is the code from the transfer note, when there was one; it must be this
	// supplier's.
	Remittance string
	// BankDetails is the payer as the statement shows it (name, bank, masked account).
	BankDetails string
}

// RecordPayment records a deposit payment: bank:clearing → deposit:held. Platform staff
// only.
func (s *Service) RecordPayment(ctx context.Context, actor *identity.Principal, in Payment) (*Status, error) {
	if err := staff(actor); err != nil {
		return nil, err
	}
	if !db.ValidID(in.SupplierID) {
		return nil, supplierNotFound()
	}
	var v errs.Validator
	checkAmount(&v, in.Amount)
	in.Ref = checkRef(&v, in.Ref)
	in.BankDetails = checkText(&v, "bank_details", in.BankDetails, false, MaxReasonLen)
	code := ""
	if strings.TrimSpace(in.Remittance) != "" {
		c, ok := NormalizeRemittance(in.Remittance)
		v.Check(ok, "remittance", "err.deposit_remittance_format")
		code = c
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("amount=%s ref=%s", in.Amount, in.Ref)
	if code != "" {
		detail += " remittance=" + code
	}
	return s.run(ctx, actor, in.SupplierID, step{
		kind: KindPay, ref: in.Ref, memo: in.BankDetails, detail: detail,
		postings: ledger.Pair(ledger.BankClearing, ledger.DepositHeld(in.SupplierID), in.Amount),
		check: func(ctx context.Context, a *Account, st *Status) error {
			if code == "" {
				return nil
			}
			r, err := s.Store.DepositRemittance(ctx, code)
			if errs.Is(err, errs.NotFound) {
				return errs.Field("remittance", "err.deposit_remittance_unknown")
			}
			if err != nil {
				return err
			}
			if r.SupplierID != a.SupplierID {
				return errs.Field("remittance", "err.deposit_remittance_other")
			}
			return nil
		},
	})
}

// Movement freezes or unfreezes part of a supplier's deposit.
type Movement struct {
	SupplierID string
	Amount     money.Fen
	Ref        string // the caller's reference; the same Ref twice is one movement
	Reason     string
	Dispute    string // the dispute it is for, if any
}

func (in *Movement) validate() error {
	if !db.ValidID(in.SupplierID) {
		return supplierNotFound()
	}
	var v errs.Validator
	checkAmount(&v, in.Amount)
	in.Ref = checkRef(&v, in.Ref)
	in.Reason = checkText(&v, "reason", in.Reason, true, MaxReasonLen)
	in.Dispute = checkText(&v, "dispute", in.Dispute, false, MaxRefLen)
	return v.Err()
}

func memo(reason, dispute string) string {
	if dispute == "" {
		return reason
	}
	return "[dispute " + dispute + "] " + reason
}

func detail(amount money.Fen, ref, reason, dispute string) string {
	d := fmt.Sprintf("amount=%s ref=%s", amount, ref)
	if dispute != "" {
		d += " dispute=" + dispute
	}
	return d + " reason=" + reason
}

// Freeze moves part of the held deposit to frozen while a dispute is open; it cannot
// freeze more than is held. Platform staff only.
func (s *Service) Freeze(ctx context.Context, actor *identity.Principal, in Movement) (*Status, error) {
	return s.move(ctx, actor, in, KindFreeze, ledger.DepositHeld(in.SupplierID), ledger.DepositFrozen(in.SupplierID),
		func(st *Status) money.Fen { return st.Held }, "err.deposit_exceeds_held")
}

// Unfreeze returns frozen deposit to held; it cannot unfreeze more than is frozen.
// Platform staff only.
func (s *Service) Unfreeze(ctx context.Context, actor *identity.Principal, in Movement) (*Status, error) {
	return s.move(ctx, actor, in, KindUnfreeze, ledger.DepositFrozen(in.SupplierID), ledger.DepositHeld(in.SupplierID),
		func(st *Status) money.Fen { return st.Frozen }, "err.deposit_exceeds_frozen")
}

// move shifts in.Amount between two of the supplier's deposit accounts, never more than
// limit allows.
func (s *Service) move(ctx context.Context, actor *identity.Principal, in Movement, kind, from, to string, limit func(*Status) money.Fen, key string) (*Status, error) {
	if err := staff(actor); err != nil {
		return nil, err
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return s.run(ctx, actor, in.SupplierID, step{
		kind: kind, ref: in.Ref, memo: memo(in.Reason, in.Dispute), detail: detail(in.Amount, in.Ref, in.Reason, in.Dispute),
		postings: ledger.Pair(from, to, in.Amount),
		check: func(ctx context.Context, a *Account, st *Status) error {
			if max := limit(st); in.Amount > max {
				return conflict("amount", key, money.FormatYuan(max))
			}
			return nil
		},
	})
}

// Source is the part of a deposit a deduction takes from.
type Source string

// The sources.
const (
	FromHeld   Source = "held"
	FromFrozen Source = "frozen"
)

// Target is where a deduction goes.
type Target string

// The targets.
const (
	ToPenalty Target = "penalty" // platform penalty revenue (违约金)
	ToBuyer   Target = "buyer"   // a buyer's compensation account
)

// Deduction takes part of a deposit as a penalty or a buyer's compensation.
type Deduction struct {
	SupplierID string
	Amount     money.Fen
	Ref        string
	Reason     string
	Dispute    string
	From       Source
	To         Target
	BuyerID    string // with ToBuyer
}

// Deduct moves part of the held or frozen deposit to platform penalty revenue or to a
// buyer's compensation account, never below zero. Platform staff only.
func (s *Service) Deduct(ctx context.Context, actor *identity.Principal, in Deduction) (*Status, error) {
	if err := staff(actor); err != nil {
		return nil, err
	}
	if !db.ValidID(in.SupplierID) {
		return nil, supplierNotFound()
	}
	var v errs.Validator
	checkAmount(&v, in.Amount)
	in.Ref = checkRef(&v, in.Ref)
	in.Reason = checkText(&v, "reason", in.Reason, true, MaxReasonLen)
	in.Dispute = checkText(&v, "dispute", in.Dispute, false, MaxRefLen)
	var from, to string
	switch in.From {
	case FromHeld:
		from = ledger.DepositHeld(in.SupplierID)
	case FromFrozen:
		from = ledger.DepositFrozen(in.SupplierID)
	default:
		v.Add("from", "err.deposit_source")
	}
	switch in.To {
	case ToPenalty:
		to = ledger.PenaltyRevenue
	case ToBuyer:
		if v.Check(db.ValidID(in.BuyerID), "buyer_id", "err.deposit_buyer_not_found") {
			to = ledger.BuyerCompensation(in.BuyerID)
		}
	default:
		v.Add("to", "err.deposit_target")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d := detail(in.Amount, in.Ref, in.Reason, in.Dispute) + " from=" + string(in.From) + " to=" + string(in.To)
	if in.To == ToBuyer {
		d += " buyer=" + in.BuyerID
	}
	return s.run(ctx, actor, in.SupplierID, step{
		kind: KindDeduct, ref: in.Ref, memo: memo(in.Reason, in.Dispute), detail: d,
		postings: ledger.Pair(from, to, in.Amount),
		check: func(ctx context.Context, a *Account, st *Status) error {
			if in.To == ToBuyer {
				kind, err := s.Store.DepositOrgKind(ctx, in.BuyerID)
				if errs.Is(err, errs.NotFound) || (err == nil && kind != identity.Buyer) {
					return errs.Field("buyer_id", "err.deposit_buyer_not_found")
				}
				if err != nil {
					return err
				}
			}
			if in.From == FromHeld && in.Amount > st.Held {
				return conflict("amount", "err.deposit_exceeds_held", money.FormatYuan(st.Held))
			}
			if in.From == FromFrozen && in.Amount > st.Frozen {
				return conflict("amount", "err.deposit_exceeds_frozen", money.FormatYuan(st.Frozen))
			}
			return nil
		},
	})
}

// ---- exit and refund -------------------------------------------------------------------

// MarkExit records the day a supplier left the marketplace (at, or now when zero); the
// refund waiting period runs from it. Platform staff only.
func (s *Service) MarkExit(ctx context.Context, actor *identity.Principal, supplierID string, at time.Time) (*Status, error) {
	if err := staff(actor); err != nil {
		return nil, err
	}
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	now := s.Now()
	if at.IsZero() {
		at = now
	}
	if at.After(now) {
		return nil, errs.Field("exited_at", "err.deposit_exit_future")
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lock(ctx, supplierID)
		if err != nil {
			return err
		}
		if !a.ExitedAt.IsZero() {
			return conflict("exited_at", "err.deposit_exited", a.ExitedAt.Format(time.DateOnly))
		}
		a.ExitedAt, a.UpdatedAt = at, now
		if err := s.Store.DepositUpdateAccount(ctx, a); err != nil {
			return err
		}
		return s.log(ctx, actor, "deposit.exit", supplierID, "exited_at="+at.Format(time.DateOnly))
	})
	if err != nil {
		return nil, err
	}
	return s.Status(ctx, supplierID)
}

// RefundRequest asks for a supplier's deposit back.
type RefundRequest struct {
	SupplierID string
	Ref        string // the caller's reference; the same Ref twice is one request
	Reason     string
}

// RequestRefund asks for the whole held deposit back. It is allowed once the supplier has
// exited and the waiting period has passed, with nothing frozen and no other request
// open; the amount is reserved by a ledger hold until Refund or CancelRefund. Platform
// staff or the supplier itself.
func (s *Service) RequestRefund(ctx context.Context, actor *identity.Principal, in RefundRequest) (*Refund, error) {
	if err := staffOrOwner(actor, in.SupplierID); err != nil {
		return nil, err
	}
	if !db.ValidID(in.SupplierID) {
		return nil, supplierNotFound()
	}
	var v errs.Validator
	in.Ref = checkRef(&v, in.Ref)
	in.Reason = checkText(&v, "reason", in.Reason, false, MaxReasonLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Refund
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lock(ctx, in.SupplierID)
		if err != nil {
			return err
		}
		if r, err := s.Store.DepositRefundByRef(ctx, in.SupplierID, in.Ref); err == nil {
			r.Replayed = true
			out = r
			return nil
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		now := s.Now()
		if a.ExitedAt.IsZero() {
			return errs.E(errs.Conflict, "err.deposit_not_exited")
		}
		if due := a.ExitedAt.Add(s.RefundWait); now.Before(due) {
			return errs.E(errs.Conflict, "err.deposit_refund_too_early", due.Format(time.DateOnly))
		}
		st, err := s.status(ctx, a)
		if err != nil {
			return err
		}
		switch {
		case st.Refund != nil && st.Refund.State == RefundRequested:
			return errs.E(errs.Conflict, "err.deposit_refund_open")
		case st.Frozen > 0:
			return errs.E(errs.Conflict, "err.deposit_frozen_outstanding", money.FormatYuan(st.Frozen))
		case st.Held <= 0:
			return errs.E(errs.Conflict, "err.deposit_nothing_held")
		}
		r := &Refund{ID: db.NewID(), SupplierID: in.SupplierID, Ref: in.Ref, Amount: st.Held, State: RefundRequested,
			Reason: in.Reason, RequestedBy: actor.User.ID, RequestedAt: now}
		h, err := s.Ledger.PlaceHold(ctx, ledger.Hold{Kind: KindRefund, Ref: r.ID, Subject: Subject(in.SupplierID), Memo: in.Reason,
			Debit: ledger.DepositHeld(in.SupplierID), Credit: ledger.BankClearing, Amount: r.Amount})
		if err != nil {
			return err
		}
		r.HoldID = h.ID
		if err := s.DB.Fault(ctx, FaultAfterLedger); err != nil {
			return err
		}
		if err := s.Store.DepositInsertRefund(ctx, r); err != nil {
			return err
		}
		out = r
		return s.log(ctx, actor, "deposit.refund_request", in.SupplierID, fmt.Sprintf("amount=%s ref=%s", r.Amount, in.Ref))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Payout is the bank transfer that returns a deposit.
type Payout struct {
	SupplierID string
	// Ref is the outgoing transfer's bank serial number; recording the same payout again
	// returns the refund.
	Ref         string
	BankDetails string // payee as transferred to (name, bank, masked account)
}

// openRefund loads the supplier's latest refund request for a step that completes it; none
// at all is a Conflict.
func (s *Service) openRefund(ctx context.Context, supplierID string) (*Refund, error) {
	r, err := s.Store.DepositLatestRefund(ctx, supplierID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Conflict, "err.deposit_refund_not_requested")
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Refund pays out the open refund request: the hold is posted, moving the money from
// deposit:held to bank:clearing, and the request is marked refunded. Platform staff only.
func (s *Service) Refund(ctx context.Context, actor *identity.Principal, in Payout) (*Refund, error) {
	if err := staff(actor); err != nil {
		return nil, err
	}
	if !db.ValidID(in.SupplierID) {
		return nil, supplierNotFound()
	}
	var v errs.Validator
	in.Ref = checkRef(&v, in.Ref)
	in.BankDetails = checkText(&v, "bank_details", in.BankDetails, false, MaxReasonLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Refund
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.lock(ctx, in.SupplierID); err != nil {
			return err
		}
		r, err := s.openRefund(ctx, in.SupplierID)
		if err != nil {
			return err
		}
		switch r.State {
		case RefundRefunded:
			if r.PayoutRef == in.Ref {
				r.Replayed = true
				out = r
				return nil
			}
			return errs.E(errs.Conflict, "err.deposit_refund_done")
		case RefundCancelled:
			return errs.E(errs.Conflict, "err.deposit_refund_not_requested")
		}
		t, err := s.Ledger.PostHold(ctx, r.HoldID)
		if err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultAfterLedger); err != nil {
			return err
		}
		r.State, r.ResolvedBy, r.ResolvedAt = RefundRefunded, actor.User.ID, s.Now()
		r.PayoutRef, r.BankDetails, r.TxID = in.Ref, in.BankDetails, t.ID
		ok, err := s.Store.DepositResolveRefund(ctx, r)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "err.deposit_refund_not_requested")
		}
		out = r
		return s.log(ctx, actor, KindRefund, in.SupplierID, fmt.Sprintf("amount=%s ref=%s", r.Amount, in.Ref))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CancelRefund withdraws the open refund request and releases the reserved deposit (a
// dispute arrived, or the supplier returns). Platform staff or the supplier itself.
func (s *Service) CancelRefund(ctx context.Context, actor *identity.Principal, supplierID, reason string) (*Refund, error) {
	if err := staffOrOwner(actor, supplierID); err != nil {
		return nil, err
	}
	if !db.ValidID(supplierID) {
		return nil, supplierNotFound()
	}
	var v errs.Validator
	reason = checkText(&v, "reason", reason, true, MaxReasonLen)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Refund
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.lock(ctx, supplierID); err != nil {
			return err
		}
		r, err := s.openRefund(ctx, supplierID)
		if err != nil {
			return err
		}
		switch r.State {
		case RefundRefunded:
			return errs.E(errs.Conflict, "err.deposit_refund_done")
		case RefundCancelled:
			return errs.E(errs.Conflict, "err.deposit_refund_not_requested")
		}
		if _, err := s.Ledger.VoidHold(ctx, r.HoldID); err != nil {
			return err
		}
		r.State, r.ResolvedBy, r.ResolvedAt = RefundCancelled, actor.User.ID, s.Now()
		ok, err := s.Store.DepositResolveRefund(ctx, r)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "err.deposit_refund_not_requested")
		}
		out = r
		return s.log(ctx, actor, "deposit.refund_cancel", supplierID, "reason="+reason)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
