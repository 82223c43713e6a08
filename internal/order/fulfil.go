package order

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/identity"
)

// Advance moves o to the next fulfilment state — Paid → Shipped, Shipped → Received,
// Received → Settled — with an event and an outbox entry, in the caller's transaction
// (package fulfil writes the shipment, the receipt or the ledger release in the same
// one). An out-of-order or repeated move, or an order changed meanwhile, is a Conflict
// and nothing is changed. p is nil for the platform's own timed steps.
func (s *Service) Advance(ctx context.Context, p *identity.Principal, o *Order, to State, action, note string) error {
	now := s.now()
	from := o.State
	if err := s.move(ctx, o, to, time.Time{}, now); err != nil {
		return err
	}
	ev := Event{OrderID: o.ID, Action: action, From: from, To: to, Note: note, At: now}
	if p != nil {
		ev.ActorID, ev.ActorName = p.User.ID, p.User.DisplayName
	}
	if err := s.Store.AddEvents(ctx, []Event{ev}); err != nil {
		return err
	}
	o.State = to
	return s.Store.Emit(ctx, Topic, o.ID)
}

// Note records an event that does not change the order's state (a partial shipment,
// a line's receipt), in the caller's transaction.
func (s *Service) Note(ctx context.Context, p *identity.Principal, o *Order, action, note string) error {
	ev := Event{OrderID: o.ID, Action: action, From: o.State, To: o.State, Note: note, At: s.now()}
	if p != nil {
		ev.ActorID, ev.ActorName = p.User.ID, p.User.DisplayName
	}
	return s.Store.AddEvents(ctx, []Event{ev})
}
