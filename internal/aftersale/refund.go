package aftersale

import (
	"context"
	"strings"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// FaultAfterRefund is the fault point between a refund's ledger posting and the
// provider's refund.
const FaultAfterRefund = "aftersale.after_refund"

// refund sends amount back to the buyer from o's escrow for a case or a dispute (one of
// caseID and disputeID), inside the caller's transaction: the refund row (unique per
// case or dispute), the ledger transaction escrow:<order> → bank:clearing (unique per
// (kind, ref)), an order event, and last the provider's refund, so that a provider
// failure keeps nothing. Only an order still in escrow (shipped or received) can be
// refunded, and never more than its escrow holds. lineNo is the case's order line (0 for
// a dispute: the order as a whole), so the invoice reverses that line at its own rate.
func (s *Service) refund(ctx context.Context, p *identity.Principal, o *order.Order, caseID, disputeID string, lineNo int, amount money.Fen) (*Refund, error) {
	if amount <= 0 {
		return nil, errs.Field("amount", "aftersale.err.amount_positive")
	}
	if o.State != order.Shipped && o.State != order.Received {
		return nil, conflict("aftersale.err.not_in_escrow", string(o.State))
	}
	pay, err := s.Payments.PaidBy(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	pr, err := s.Payments.Provider(pay.Provider)
	if err != nil {
		return nil, err
	}
	bal, err := s.Ledger.Balance(ctx, ledger.Escrow(o.ID))
	if err != nil {
		return nil, err
	}
	if bal.Available() < amount {
		e := errs.Field("amount", "aftersale.err.refund_exceeds", bal.Available().String())
		e.Code = errs.Conflict
		return nil, e
	}
	uid, uname := actor(p)
	r := &Refund{ID: db.NewID(), OrderID: o.ID, OrderNumber: o.Number, CaseID: caseID, DisputeID: disputeID, PaymentID: pay.ID,
		BuyerOrgID: o.BuyerOrgID, SupplierID: o.SupplierID, Amount: amount, Provider: pay.Provider, DecidedBy: uid, CreatedAt: s.now()}
	if err := s.Store.InsertAftersaleRefund(ctx, r); err != nil {
		return nil, err
	}
	ref := "case:" + caseID
	if disputeID != "" {
		ref = "dispute:" + disputeID
	}
	tx, err := s.Ledger.Post(ctx, ledger.Transaction{Kind: KindRefund, Ref: ref, Subject: "order:" + o.ID, Memo: o.Number,
		Postings: ledger.Pair(ledger.Escrow(o.ID), ledger.BankClearing, amount)})
	if err != nil {
		return nil, err
	}
	if tx.Replayed {
		return nil, conflict("aftersale.err.refunded_already")
	}
	if err := s.DB.Fault(ctx, FaultAfterRefund); err != nil {
		return nil, err
	}
	ev := order.Event{OrderID: o.ID, Action: "aftersale_refund", From: o.State, To: o.State, ActorID: uid, ActorName: uname, Note: amount.String(), At: r.CreatedAt}
	if err := s.Orders.Store.AddEvents(ctx, []order.Event{ev}); err != nil {
		return nil, err
	}
	if err := s.Orders.Store.Emit(ctx, order.Topic, o.ID); err != nil {
		return nil, err
	}
	// An issued invoice gets its red-letter task for what goes back (invoice.Refunded,
	// idempotent by this reference), in this transaction.
	if s.Payments.OnRefund != nil {
		if err := s.Payments.OnRefund(ctx, o.ID, "aftersale:"+ref, lineNo, amount); err != nil {
			return nil, err
		}
	}
	// The provider's refund is the last step: if it fails, nothing above is kept. Its
	// reference (out_refund_no) is the case's or dispute's, not this attempt's, so a
	// transaction retried after the provider was called asks for the same refund again
	// and the provider, deduplicating by reference, pays once.
	pref, err := pr.Refund(ctx, pay, amount, strings.ReplaceAll(ref, ":", "-"))
	if err != nil {
		return nil, err
	}
	r.ProviderRef, r.LedgerTx = pref, tx.ID
	if err := s.Store.SetAftersaleRefundRef(ctx, r.ID, pref, tx.ID); err != nil {
		return nil, err
	}
	return r, s.send(ctx, o.BuyerOrgID, "aftersale.msg.refunded", "/buyer/orders/"+o.ID, o.Number, amount.String())
}

// Refunds lists refunds made by cases and disputes: staff see all, a company its own.
func (s *Service) Refunds(ctx context.Context, p *identity.Principal, limit int) ([]Refund, error) {
	f := Filter{Limit: limit}
	switch {
	case p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case isStaff(p):
	default:
		return nil, notFound()
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	return s.Store.AftersaleRefunds(ctx, f)
}

// RefundedOf sums what cases and disputes refunded of an order the caller may see.
func (s *Service) RefundedOf(ctx context.Context, p *identity.Principal, orderID string) (money.Fen, error) {
	if _, err := s.Orders.Get(ctx, p, orderID); err != nil {
		return 0, err
	}
	return s.Store.AftersaleRefunded(ctx, orderID)
}
