package payment

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
)

// Queue lists the receipts waiting for staff (review and held), newest first.
func (s *Service) Queue(ctx context.Context, p *identity.Principal) ([]Receipt, error) {
	if !staff(p) {
		return nil, notFound()
	}
	return s.Store.Receipts(ctx, []ReceiptState{Review, Held}, 500)
}

// Receipts lists recent receipts of every state (staff).
func (s *Service) Receipts(ctx context.Context, p *identity.Principal) ([]Receipt, error) {
	if !staff(p) {
		return nil, notFound()
	}
	return s.Store.Receipts(ctx, nil, 500)
}

// resolve loads a receipt in review or held for a staff decision.
func (s *Service) resolving(ctx context.Context, p *identity.Principal, id string) (*Receipt, error) {
	if !staff(p) || !db.ValidID(id) {
		return nil, notFound()
	}
	r, err := s.Store.Receipt(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.State != Review && r.State != Held {
		return nil, errs.E(errs.Conflict, "payment.err.resolved")
	}
	return r, nil
}

func (s *Service) settle(ctx context.Context, p *identity.Principal, r *Receipt, to ReceiptState, note string) error {
	r.State, r.Note, r.ResolvedBy, r.ResolvedAt = to, note, p.User.ID, s.now()
	ok, err := s.Store.ReceiptResolve(ctx, r, []ReceiptState{Review, Held})
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "payment.err.resolved")
	}
	return nil
}

// Match puts a receipt in review into the escrow of a pending payment it pays exactly:
// payment:suspense:<receipt> → escrow:<order>…, orders paid. Staff only.
func (s *Service) Match(ctx context.Context, p *identity.Principal, receiptID, paymentID, note string) (*Receipt, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	var out *Receipt
	err = s.retry(ctx, func(ctx context.Context) error {
		r, err := s.resolving(ctx, p, receiptID)
		if err != nil {
			return err
		}
		if !db.ValidID(paymentID) {
			return errs.Field("payment_id", "err.not_found")
		}
		pay, err := s.Store.Payment(ctx, paymentID)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("payment_id", "err.not_found")
		}
		if err != nil {
			return err
		}
		reason, orders, err := s.fits(ctx, pay, r.Amount)
		if err != nil {
			return err
		}
		if reason != "" {
			return errs.Field("payment_id", "payment.err.no_fit."+reason)
		}
		r.PaymentID = pay.ID
		if err := s.settle(ctx, p, r, Matched, note); err != nil {
			return err
		}
		out = r
		return s.capture(ctx, pay, orders, r, KindMatch, ledger.Suspense(r.ID))
	})
	return out, err
}

// Return sends a receipt's money back to the payer: payment:suspense:<receipt> →
// bank:clearing. Staff only; note says how (the bank serial of the outgoing transfer).
func (s *Service) Return(ctx context.Context, p *identity.Principal, receiptID, note string) (*Receipt, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	var out *Receipt
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.resolving(ctx, p, receiptID)
		if err != nil {
			return err
		}
		if err := s.settle(ctx, p, r, Returned, note); err != nil {
			return err
		}
		out = r
		_, err = s.Ledger.Post(ctx, ledger.Transaction{Kind: KindReturn, Ref: r.ID, Subject: "receipt:" + r.ID, Memo: note,
			Postings: ledger.Pair(ledger.Suspense(r.ID), ledger.BankClearing, r.Amount)})
		return err
	})
	return out, err
}

// Hold keeps a receipt aside (its money stays in suspense) with a note, e.g. while
// finance asks the payer. Staff only.
func (s *Service) Hold(ctx context.Context, p *identity.Principal, receiptID, note string) (*Receipt, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	var out *Receipt
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.resolving(ctx, p, receiptID)
		if err != nil {
			return err
		}
		if r.State == Held {
			return errs.E(errs.Conflict, "payment.err.resolved")
		}
		out = r
		return s.settle(ctx, p, r, Held, note)
	})
	return out, err
}
