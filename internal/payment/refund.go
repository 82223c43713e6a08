package payment

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/order"
)

// paidBy returns the payment that paid an order.
func (s *Service) paidBy(ctx context.Context, orderID string) (*Payment, error) {
	list, err := s.Store.PaymentsOfOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].State == PaidS {
			return s.Store.Payment(ctx, list[i].ID)
		}
	}
	return nil, errs.E(errs.Conflict, "payment.err.not_paid")
}

// unshipped refuses a pre-shipment refund once any part of the order has shipped: a
// paid order stays paid until its last line ships, and goods on their way are settled
// through after-sales, never by cancelling the whole order.
func (s *Service) unshipped(ctx context.Context, orderID string) error {
	n, err := s.Store.ShipmentCount(ctx, orderID)
	if err != nil {
		return err
	}
	if n > 0 {
		return errs.E(errs.Conflict, "payment.err.refund_shipped")
	}
	return nil
}

// Shipped reports whether any part of an order has shipped (pages hide the request
// for a refund then); the caller has already loaded the order for its principal.
func (s *Service) Shipped(ctx context.Context, orderID string) (bool, error) {
	n, err := s.Store.ShipmentCount(ctx, orderID)
	return n > 0, err
}

// RequestRefund is the buyer's request to cancel a paid order that has not shipped and
// get its money back; staff or the supplier decide it.
func (s *Service) RequestRefund(ctx context.Context, p *identity.Principal, orderID, reason string) (*Refund, error) {
	reason, err := checkNote(reason)
	if err != nil {
		return nil, err
	}
	var out *Refund
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Orders.Get(ctx, p, orderID)
		if err != nil {
			return err
		}
		if !p.Is(identity.Buyer) {
			return notFound()
		}
		if o.State != order.Paid {
			return errs.E(errs.Conflict, "order.err.transition", string(o.State), string(order.Cancelled))
		}
		if err := s.unshipped(ctx, o.ID); err != nil {
			return err
		}
		pay, err := s.paidBy(ctx, o.ID)
		if err != nil {
			return err
		}
		prior, err := s.Store.RefundOf(ctx, o.ID)
		if err == nil {
			if prior.State == RefundRejected {
				prior.State, prior.Reason, prior.RequestedBy, prior.CreatedAt = RefundRequested, reason, p.User.ID, s.now()
				if _, err := s.Store.RefundReopen(ctx, prior); err != nil {
					return err
				}
			}
			out = prior
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		amt := o.Total
		r := &Refund{ID: db.NewID(), OrderID: o.ID, PaymentID: pay.ID, BuyerOrgID: o.BuyerOrgID, Amount: amt, State: RefundRequested,
			Reason: reason, RequestedBy: p.User.ID, CreatedAt: s.now()}
		if err := s.Store.RefundInsert(ctx, r); err != nil {
			return err
		}
		out = r
		if s.Messages != nil {
			return s.Messages.Send(ctx, o.SupplierID, "order", "payment.msg.refund_requested", "/seller/orders/"+o.ID, o.Number)
		}
		return nil
	})
	return out, err
}

// decider allows platform staff and the order's supplier.
func decider(p *identity.Principal, o *order.Order) bool {
	return staff(p) || (p != nil && p.Is(identity.Supplier) && p.Org.ID == o.SupplierID)
}

// Refunds lists refund requests in a state (staff).
func (s *Service) Refunds(ctx context.Context, p *identity.Principal, state RefundState) ([]Refund, error) {
	if !staff(p) {
		return nil, notFound()
	}
	return s.Store.Refunds(ctx, state, 500)
}

// RefundOf returns an order's refund request, for those who may see the order.
func (s *Service) RefundOf(ctx context.Context, p *identity.Principal, orderID string) (*Refund, error) {
	if _, err := s.Orders.Get(ctx, p, orderID); err != nil {
		return nil, err
	}
	return s.Store.RefundOf(ctx, orderID)
}

// FaultAfterRefund is the fault point between the refund's ledger posting and the
// order's cancellation.
const FaultAfterRefund = "payment.after_refund"

// ApproveRefund approves the buyer's request: the order's escrow goes back through the
// provider's refund (escrow:<order> → bank:clearing), the order is cancelled and its
// stock released, all in one transaction and exactly once — a second approval, however
// concurrent, is a Conflict and changes nothing.
func (s *Service) ApproveRefund(ctx context.Context, p *identity.Principal, orderID string) (*Refund, error) {
	var out *Refund
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		// The order's row lock (refundToDecide) orders this against a concurrent
		// shipment, which takes it too and refuses to ship while a request is open.
		o, r, err := s.refundToDecide(ctx, p, orderID)
		if err != nil {
			return err
		}
		if r.State != RefundRequested || o.State != order.Paid {
			return errs.E(errs.Conflict, "payment.err.refund_decided")
		}
		if err := s.unshipped(ctx, o.ID); err != nil {
			return err
		}
		pay, err := s.Store.Payment(ctx, r.PaymentID)
		if err != nil {
			return err
		}
		pr, err := s.Provider(pay.Provider)
		if err != nil {
			return err
		}
		r.State, r.DecidedBy, r.DecidedAt = RefundDone, p.User.ID, s.now()
		ok, err := s.Store.RefundDecide(ctx, r)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "payment.err.refund_decided")
		}
		// The escrow balance is what can go back: never more than was captured.
		bal, err := s.Ledger.Balance(ctx, ledger.Escrow(o.ID))
		if err != nil {
			return err
		}
		if bal.Available() < r.Amount {
			return errs.E(errs.Conflict, "payment.err.refund_exceeds")
		}
		if _, err := s.Ledger.Post(ctx, ledger.Transaction{Kind: KindRefund, Ref: o.ID, Subject: "payment:" + pay.ID, Memo: o.Number,
			Postings: ledger.Pair(ledger.Escrow(o.ID), ledger.BankClearing, r.Amount)}); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultAfterRefund); err != nil {
			return err
		}
		if err := s.Orders.CancelPaid(ctx, p, o, r.Reason); err != nil {
			return err
		}
		if s.OnRefund != nil {
			if err := s.OnRefund(ctx, o.ID, "refund:"+r.ID, 0, r.Amount); err != nil {
				return err
			}
		}
		// The provider's refund is the last step: if it fails, nothing above is kept.
		ref, err := pr.Refund(ctx, pay, r.Amount, r.ID)
		if err != nil {
			return err
		}
		r.ProviderRef = ref
		if err := s.Store.RefundSetRef(ctx, r.ID, ref); err != nil {
			return err
		}
		out = r
		if s.Messages != nil {
			return s.Messages.Send(ctx, o.BuyerOrgID, "payment", "payment.msg.refunded", "/buyer/orders/"+o.ID, o.Number, r.Amount.String())
		}
		return nil
	})
	return out, err
}

// refundToDecide loads an order the caller may decide refunds for, its row locked, and
// its refund request: another party's order is a 404, an order without a request a
// Conflict.
func (s *Service) refundToDecide(ctx context.Context, p *identity.Principal, orderID string) (*order.Order, *Refund, error) {
	o, err := s.Orders.Locked(ctx, p, orderID)
	if err != nil {
		return nil, nil, err
	}
	if !decider(p, o) {
		return nil, nil, notFound()
	}
	r, err := s.Store.RefundOf(ctx, o.ID)
	if errs.Is(err, errs.NotFound) {
		return nil, nil, errs.E(errs.Conflict, "payment.err.no_request")
	}
	if err != nil {
		return nil, nil, err
	}
	return o, r, nil
}

// RejectRefund refuses the buyer's request; the order stays paid.
func (s *Service) RejectRefund(ctx context.Context, p *identity.Principal, orderID, note string) (*Refund, error) {
	note, err := checkNote(note)
	if err != nil {
		return nil, err
	}
	var out *Refund
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		_, r, err := s.refundToDecide(ctx, p, orderID)
		if err != nil {
			return err
		}
		r.State, r.DecidedBy, r.DecidedAt, r.ProviderRef = RefundRejected, p.User.ID, s.now(), note
		ok, err := s.Store.RefundDecide(ctx, r)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "payment.err.refund_decided")
		}
		out = r
		return nil
	})
	return out, err
}
