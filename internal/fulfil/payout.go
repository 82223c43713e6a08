package fulfil

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/order"
)

var (
	accountNoRe = regexp.MustCompile(`^[0-9]{8,32}$`)
	cnapsRe     = regexp.MustCompile(`^[0-9]{12}$`)
	bankRefRe   = regexp.MustCompile(`^[0-9A-Za-z_-]{4,64}$`)
)

// plainText reports whether s is valid UTF-8 without control characters (a NUL or an
// invalid byte would otherwise reach the database, which PostgreSQL refuses).
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// AccountOf returns the caller's (a supplier's) settlement account, or NotFound.
func (s *Service) AccountOf(ctx context.Context, p *identity.Principal) (*Account, error) {
	if !p.Is(identity.Supplier) {
		return nil, notFound()
	}
	return s.Store.SettlementAccount(ctx, p.Org.ID)
}

// SetAccount records the caller's settlement bank account (owner only): payouts go
// there. The account name should be the company's own (对公账户).
func (s *Service) SetAccount(ctx context.Context, p *identity.Principal, a Account) (*Account, error) {
	if !p.Is(identity.Supplier) {
		return nil, notFound()
	}
	if !p.Has(identity.Owner) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var v errs.Validator
	a.Name, a.Bank = strings.TrimSpace(a.Name), strings.TrimSpace(a.Bank)
	a.Number = strings.ReplaceAll(strings.TrimSpace(a.Number), " ", "")
	a.CNAPS = strings.TrimSpace(a.CNAPS)
	v.Check(a.Name != "", "name", "err.required")
	v.Check(utf8.RuneCountInString(a.Name) <= 100, "name", "err.too_long", 100)
	v.Check(a.Bank != "", "bank", "err.required")
	v.Check(utf8.RuneCountInString(a.Bank) <= 100, "bank", "err.too_long", 100)
	if a.Number == "" {
		v.Add("number", "err.required")
	} else {
		v.Check(accountNoRe.MatchString(a.Number), "number", "ship.err.account_no")
	}
	v.Check(a.CNAPS == "" || cnapsRe.MatchString(a.CNAPS), "cnaps", "ship.err.cnaps")
	v.Check(plainText(a.Name), "name", "err.bad_chars")
	v.Check(plainText(a.Bank), "bank", "err.bad_chars")
	if err := v.Err(); err != nil {
		return nil, err
	}
	a.SupplierID, a.UpdatedBy, a.UpdatedAt = p.Org.ID, p.User.DisplayName, s.now()
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.PutSettlementAccount(ctx, &a); err != nil {
			return err
		}
		// A change of where the money goes is a security event: kept, masked.
		return s.audit(ctx, p, "settle.account", "supplier", p.Org.ID, a.Bank+" "+a.Masked())
	})
	return &a, err
}

// Payables lists every supplier's payable balance (staff).
func (s *Service) Payables(ctx context.Context, p *identity.Principal) ([]Payable, error) {
	if !staff(p) {
		return nil, notFound()
	}
	return s.Store.Payables(ctx)
}

// PayableOf returns the caller's (a supplier's) payable balance.
func (s *Service) PayableOf(ctx context.Context, p *identity.Principal) (Payable, error) {
	if !p.Is(identity.Supplier) {
		return Payable{}, notFound()
	}
	b, err := s.Ledger.Balance(ctx, ledger.Payable(p.Org.ID))
	if err != nil {
		return Payable{}, err
	}
	return Payable{SupplierID: p.Org.ID, SupplierName: p.Org.Name, Balance: b.Balance, Pending: b.Pending}, nil
}

// CreateBatch makes a payout batch (staff): for every supplier with an available
// payable, no payout pending and a settlement account, one payout of all of it, held in
// the ledger so it cannot be paid twice. Suppliers without an account are named in
// Skipped. Nothing to pay is a Conflict.
func (s *Service) CreateBatch(ctx context.Context, p *identity.Principal) (*Batch, error) {
	if !staff(p) {
		return nil, notFound()
	}
	var out *Batch
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		pays, err := s.Store.Payables(ctx)
		if err != nil {
			return err
		}
		now := s.now()
		day := now.In(order.Shanghai).Format("20060102")
		b := &Batch{ID: db.NewID(), CreatedBy: p.User.DisplayName, CreatedAt: now}
		for _, py := range pays {
			amt := py.Balance - py.Pending
			if amt <= 0 || py.Pending > 0 {
				continue
			}
			acct, err := s.Store.SettlementAccount(ctx, py.SupplierID)
			if errs.Is(err, errs.NotFound) {
				b.Skipped = append(b.Skipped, py.SupplierName)
				continue
			}
			if err != nil {
				return err
			}
			b.Payouts = append(b.Payouts, Payout{ID: db.NewID(), BatchID: b.ID, SupplierID: py.SupplierID, SupplierName: py.SupplierName,
				Amount: amt, Account: *acct, State: PayoutPending, CreatedAt: now})
		}
		if len(b.Payouts) == 0 {
			return errs.E(errs.Conflict, "ship.err.nothing_to_pay")
		}
		n, err := s.Store.NextBatchNumber(ctx, day)
		if err != nil {
			return err
		}
		b.Number = fmt.Sprintf("PB%s-%03d", day, n)
		if err := s.Store.InsertBatch(ctx, b); err != nil {
			return err
		}
		for i := range b.Payouts {
			po := &b.Payouts[i]
			po.BatchNumber = b.Number
			h, err := s.Ledger.PlaceHold(ctx, ledger.Hold{Kind: KindPayout, Ref: po.ID, Subject: "supplier:" + po.SupplierID, Memo: b.Number,
				Debit: ledger.Payable(po.SupplierID), Credit: ledger.BankClearing, Amount: po.Amount})
			if err != nil {
				return err
			}
			po.HoldID = h.ID
			if err := s.Store.InsertPayout(ctx, po); err != nil {
				return err
			}
		}
		out = b
		return s.audit(ctx, p, "settle.payout_batch", "payout_batch", b.ID, fmt.Sprintf("%s %d", b.Number, len(b.Payouts)))
	})
	return out, err
}

// Batches lists payout batches, newest first (staff).
func (s *Service) Batches(ctx context.Context, p *identity.Principal) ([]Batch, error) {
	if !staff(p) {
		return nil, notFound()
	}
	return s.Store.Batches(ctx, 100)
}

// Batch returns a batch with its payouts (staff).
func (s *Service) Batch(ctx context.Context, p *identity.Principal, id string) (*Batch, error) {
	if !staff(p) || !db.ValidID(id) {
		return nil, notFound()
	}
	return s.Store.Batch(ctx, id)
}

// MarkPaid records that the bank paid a payout (staff), with the bank's reference: the
// payout's hold is posted, payable:<supplier> → bank:clearing, exactly once — a second
// call, however concurrent, is a Conflict and changes nothing.
func (s *Service) MarkPaid(ctx context.Context, p *identity.Principal, payoutID, bankRef string) (*Payout, error) {
	if !staff(p) {
		return nil, notFound()
	}
	bankRef = strings.TrimSpace(bankRef)
	if bankRef == "" {
		return nil, errs.Field("bank_ref", "err.required")
	}
	if !bankRefRe.MatchString(bankRef) {
		return nil, errs.Field("bank_ref", "ship.err.bank_ref")
	}
	var out *Payout
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if !db.ValidID(payoutID) {
			return notFound()
		}
		po, err := s.Store.Payout(ctx, payoutID)
		if err != nil {
			return err
		}
		if err := pendingPayout(po); err != nil {
			return err
		}
		po.State, po.BankRef, po.PaidBy, po.PaidAt = PayoutPaid, bankRef, p.User.DisplayName, s.now()
		tx, err := s.Ledger.PostHold(ctx, po.HoldID)
		if err != nil {
			return err
		}
		po.TxID = tx.ID
		ok, err := s.Store.PayoutSetPaid(ctx, po)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "ship.err.payout_paid")
		}
		out = po
		if err := s.audit(ctx, p, "settle.payout_paid", "payout", po.ID, po.SupplierName+" "+po.Amount.String()+" "+bankRef); err != nil {
			return err
		}
		return s.send(ctx, po.SupplierID, "ship.msg.payout_paid", "/seller/payouts", po.Amount.String(), bankRef)
	})
	return out, err
}

// pendingPayout refuses to record anything more on a payout already paid or cancelled.
func pendingPayout(po *Payout) error {
	switch po.State {
	case PayoutPending:
		return nil
	case PayoutCancelled:
		return errs.E(errs.Conflict, "ship.err.payout_failed")
	default:
		return errs.E(errs.Conflict, "ship.err.payout_paid")
	}
}

// MaxFailReason bounds the reason a payout failed.
const MaxFailReason = 200

// MarkFailed records that the bank did not make a payout (staff), with the reason (a
// returned transfer, a closed account): the payout is cancelled and its ledger hold
// voided, so nothing is posted and the supplier's payable is free again — the next
// batch pays it, to the settlement account as it is then. Only a pending payout can
// fail; a paid one, or a second call however concurrent, is a Conflict and changes
// nothing. Audited, and the supplier is told.
func (s *Service) MarkFailed(ctx context.Context, p *identity.Principal, payoutID, reason string) (*Payout, error) {
	if !staff(p) {
		return nil, notFound()
	}
	reason = strings.TrimSpace(reason)
	var v errs.Validator
	if reason == "" {
		v.Add("reason", "err.required")
	} else {
		v.Check(utf8.RuneCountInString(reason) <= MaxFailReason, "reason", "err.too_long", MaxFailReason)
		v.Check(plainText(reason), "reason", "err.bad_chars")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Payout
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if !db.ValidID(payoutID) {
			return notFound()
		}
		po, err := s.Store.Payout(ctx, payoutID)
		if err != nil {
			return err
		}
		if err := pendingPayout(po); err != nil {
			return err
		}
		if _, err := s.Ledger.VoidHold(ctx, po.HoldID); err != nil {
			return err
		}
		po.State, po.FailReason, po.FailedBy, po.FailedAt = PayoutCancelled, reason, p.User.DisplayName, s.now()
		ok, err := s.Store.PayoutSetFailed(ctx, po)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "ship.err.payout_failed")
		}
		out = po
		if err := s.audit(ctx, p, "settle.payout_failed", "payout", po.ID, po.SupplierName+" "+po.Amount.String()+" "+reason); err != nil {
			return err
		}
		return s.send(ctx, po.SupplierID, "ship.msg.payout_failed", "/seller/payouts", po.Amount.String(), reason)
	})
	return out, err
}
