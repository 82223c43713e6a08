package order

import (
	"context"
	"time"
)

// Sender delivers in-site messages (and, by the members' preferences, email or SMS) to
// an organisation; notify.Service is one.
type Sender interface {
	Send(ctx context.Context, orgID, kind, key, link string, args ...string) error
}

// shanghai is where deadlines in messages are told.
var shanghai = time.FixedZone("CST", 8*3600)

func clock(t time.Time) string { return t.In(shanghai).Format("2006-01-02 15:04") }

// tell sends a message about o to its buyer company, in the caller's transaction.
func (s *Service) tell(ctx context.Context, o *Order, kind, key string, args ...string) error {
	if s.Messages == nil {
		return nil
	}
	return s.Messages.Send(ctx, o.BuyerOrgID, kind, key, "/buyer/orders/"+o.ID, append([]string{o.Number}, args...)...)
}

// told says what happened to an order that moved to state to with deadline, to the buyer
// company: it awaits its approvers, it was approved and is payable, it was cancelled.
func (s *Service) told(ctx context.Context, o *Order, to State, action, note string, deadline time.Time) error {
	switch {
	case to == AwaitingApproval:
		return s.tell(ctx, o, "order", "order.msg.needs_approval", o.Total.String(), clock(deadline))
	case to == AwaitingPayment && action == "approve":
		return s.tell(ctx, o, "payment_due", "order.msg.approved", o.Total.String(), clock(deadline))
	case to == Cancelled && action == "reject":
		return s.tell(ctx, o, "order", "order.msg.rejected", note)
	case to == Cancelled && action == "expire":
		return s.tell(ctx, o, "order", "order.msg.expired")
	case to == Cancelled && action == "approval_expired":
		return s.tell(ctx, o, "order", "order.msg.approval_expired")
	}
	return nil
}

// DefaultRemindBefore is how long before its payment deadline an unpaid order's buyer is
// reminded.
const DefaultRemindBefore = 2 * time.Hour

func (s *Service) remindBefore() time.Duration {
	// A short payment window gets its reminder at two thirds of the way.
	return min(DefaultRemindBefore, s.payWithin()/3)
}

// RemindUnpaid reminds the buyers of orders whose payment deadline is near, once per
// order (a conditional mark in the same transaction as the message), and returns how
// many it reminded.
func (s *Service) RemindUnpaid(ctx context.Context, limit int) (int, error) {
	now := s.now()
	ids, err := s.Store.DueReminders(ctx, now, now.Add(s.remindBefore()), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			ok, err := s.Store.MarkReminded(ctx, id, now)
			if err != nil || !ok {
				return err
			}
			o, err := s.Store.Order(ctx, id)
			if err != nil {
				return err
			}
			if o.State != AwaitingPayment {
				return nil
			}
			n++
			return s.tell(ctx, o, "payment_due", "order.msg.pay_soon", o.Total.String(), clock(o.PayDeadline))
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
