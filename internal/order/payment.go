package order

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// MarkPaid moves orders awaiting payment to Paid, with an event and an outbox entry each.
// It joins the caller's transaction (package payment posts the escrow in the same one);
// an order no longer awaiting payment is a Conflict and nothing is changed.
func (s *Service) MarkPaid(ctx context.Context, orders []*Order, note string) error {
	now := s.now()
	var evs []Event
	for _, o := range orders {
		if err := s.move(ctx, o, Paid, time.Time{}, now); err != nil {
			return err
		}
		evs = append(evs, Event{OrderID: o.ID, Action: "pay", From: AwaitingPayment, To: Paid, Note: note, At: now})
		o.State = Paid
	}
	if err := s.Store.AddEvents(ctx, evs); err != nil {
		return err
	}
	for _, o := range orders {
		if err := s.Store.Emit(ctx, Topic, o.ID); err != nil {
			return err
		}
	}
	return nil
}

// CancelPaid cancels a paid order that has not shipped, giving its stock back, after its
// escrow was refunded (package payment does both in one transaction). p is the staff
// member or supplier who approved the buyer's request.
func (s *Service) CancelPaid(ctx context.Context, p *identity.Principal, o *Order, reason string) error {
	if o.State != Paid {
		return errs.E(errs.Conflict, "order.err.transition", string(o.State), string(Cancelled))
	}
	return s.cancel(ctx, p, o, "refund", reason)
}
