package order

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Get returns an order the caller may see: its buyer company's members, its supplier's
// members, and platform staff. For anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Order, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	o, err := s.Store.Order(ctx, id)
	if err != nil {
		return nil, err
	}
	if !visible(p, o) {
		return nil, notFound()
	}
	return o, nil
}

// Locked returns an order the caller may see with its row locked for the rest of the
// caller's transaction, read afresh under the lock. The permission check comes first, so
// another company's order is never locked. It must run inside a transaction.
func (s *Service) Locked(ctx context.Context, p *identity.Principal, id string) (*Order, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	if err := s.Store.LockOrder(ctx, id, s.now()); err != nil {
		return nil, err
	}
	return s.Store.Order(ctx, id)
}

func visible(p *identity.Principal, o *Order) bool {
	switch p.Org.Kind {
	case identity.Buyer:
		return o.BuyerOrgID == p.Org.ID
	case identity.Supplier:
		return o.SupplierID == p.Org.ID
	case identity.Platform:
		return len(p.Roles) > 0
	}
	return false
}

// List returns the orders the caller may see, newest first: a buyer company's, a
// supplier's, or (platform staff) everyone's.
func (s *Service) List(ctx context.Context, p *identity.Principal, state State, limit, offset int) ([]Order, error) {
	f := Filter{State: state, Limit: limit, Offset: offset}
	if state != "" && !state.Valid() {
		return nil, errs.Field("state", "order.err.state_unknown")
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	switch {
	case p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case p.Is(identity.Platform) && len(p.Roles) > 0:
	default:
		return nil, notFound()
	}
	return s.Store.Orders(ctx, f)
}

// pendingStep returns the index of the first approval step not yet complete, or -1. A
// step is complete with its number of approvals, or with an owner's approval where the
// step lets an owner approve alone.
func pendingStep(o *Order) int {
	for i, st := range o.Steps {
		n, owner := 0, false
		for _, a := range o.Approvals {
			if a.Step == i {
				n++
				owner = owner || a.Owner
			}
		}
		if n < max(st.Approvals, 1) && !(st.OwnerAlone && owner) {
			return i
		}
	}
	return -1
}

// CanDecide reports whether the caller may approve or reject o now.
func CanDecide(p *identity.Principal, o *Order) bool {
	if o.State != AwaitingApproval || !p.Is(identity.Buyer) || o.BuyerOrgID != p.Org.ID {
		return false
	}
	i := pendingStep(o)
	if i < 0 {
		return false
	}
	for _, a := range o.Approvals {
		if a.Step == i && a.UserID == p.User.ID {
			return false
		}
	}
	return o.Steps[i].CanApprove(member(p))
}

// Approvals returns the caller's company's orders awaiting an approval the caller may give.
func (s *Service) Approvals(ctx context.Context, p *identity.Principal) ([]Order, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	list, err := s.Store.Orders(ctx, Filter{BuyerOrgID: p.Org.ID, State: AwaitingApproval, Limit: 200})
	if err != nil {
		return nil, err
	}
	var out []Order
	for _, o := range list {
		full, err := s.Store.Order(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		if CanDecide(p, full) {
			out = append(out, *full)
		}
	}
	return out, nil
}

// decided loads an order for an approver's decision inside the transaction, its row
// locked: approvers deciding at once take turns, so the last approval always sees the
// others and moves the order on.
func (s *Service) decided(ctx context.Context, p *identity.Principal, id string) (*Order, error) {
	o, err := s.Locked(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	if o.State != AwaitingApproval {
		return nil, errs.E(errs.Conflict, "order.err.transition", string(o.State), string(AwaitingPayment))
	}
	if !CanDecide(p, o) {
		return nil, errs.E(errs.Forbidden, "order.err.not_approver")
	}
	return o, nil
}

// Approve gives the caller's approval to the order's current step; when it was the last
// one the order becomes payable and its payment deadline starts.
func (s *Service) Approve(ctx context.Context, p *identity.Principal, id string) (*Order, error) {
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		// Approvers deciding at once take turns on the order's row, so the last approval
		// always sees the others and moves the order on.
		o, err := s.decided(ctx, p, id)
		if err != nil {
			return err
		}
		now := s.now()
		step := pendingStep(o)
		a := Approval{Step: step, UserID: p.User.ID, Owner: p.Has(identity.Owner), At: now}
		if err := s.Store.AddApproval(ctx, o.ID, a); err != nil {
			return err
		}
		o.Approvals = append(o.Approvals, a)
		ev := Event{OrderID: o.ID, Action: "approve", From: o.State, To: o.State, ActorID: p.User.ID, ActorName: p.User.DisplayName, At: now}
		if pendingStep(o) < 0 {
			deadline := now.Add(s.payWithin())
			if err := s.move(ctx, o, AwaitingPayment, deadline, now); err != nil {
				return err
			}
			ev.To = AwaitingPayment
			if err := s.told(ctx, o, AwaitingPayment, "approve", "", deadline); err != nil {
				return err
			}
		}
		if err := s.Store.AddEvents(ctx, []Event{ev}); err != nil {
			return err
		}
		return s.Store.Emit(ctx, Topic, o.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Order(ctx, id)
}

// Reject refuses the order at its current step: it is cancelled and its stock released.
func (s *Service) Reject(ctx context.Context, p *identity.Principal, id, reason string) (*Order, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.decided(ctx, p, id)
		if err != nil {
			return err
		}
		return s.cancel(ctx, p, o, "reject", reason)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Order(ctx, id)
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > MaxNote {
		return "", errs.Field("reason", "err.too_long", MaxNote)
	}
	if strings.ContainsFunc(reason, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		return "", errs.Field("reason", "err.bad_chars")
	}
	return reason, nil
}

// CanCancel reports whether the caller may cancel o: its buyer company's owner or the
// member who placed it, before payment.
func CanCancel(p *identity.Principal, o *Order) bool {
	return p.Is(identity.Buyer) && o.BuyerOrgID == p.Org.ID && o.State.HoldsStock() &&
		(o.BuyerUserID == p.User.ID || p.Has(identity.Owner))
}

// Cancel cancels an order before payment and releases its stock in the same transaction.
func (s *Service) Cancel(ctx context.Context, p *identity.Principal, id, reason string) (*Order, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Get(ctx, p, id)
		if err != nil {
			return err
		}
		if !p.Is(identity.Buyer) {
			return notFound()
		}
		if err := Move(o.State, Cancelled); err != nil {
			return err
		}
		if !o.State.HoldsStock() { // a paid order is cancelled only by its refund (package payment)
			return errs.E(errs.Conflict, "order.err.transition", string(o.State), string(Cancelled))
		}
		if !CanCancel(p, o) {
			return errs.E(errs.Forbidden, "order.err.cancel_forbidden")
		}
		return s.cancel(ctx, p, o, "cancel", reason)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Order(ctx, id)
}

// move changes o's state if it is still what was read, refusing out-of-order moves.
func (s *Service) move(ctx context.Context, o *Order, to State, deadline, now time.Time) error {
	if err := Move(o.State, to); err != nil {
		return err
	}
	ok, err := s.Store.SetState(ctx, o.ID, o.State, to, deadline, now)
	if err != nil {
		return err
	}
	if !ok {
		// Someone else moved it first: the caller's view is stale.
		return errs.E(errs.Conflict, "order.err.changed")
	}
	return nil
}

// cancel moves o to Cancelled and gives its stock back.
func (s *Service) cancel(ctx context.Context, p *identity.Principal, o *Order, action, note string) error {
	now := s.now()
	from := o.State
	if err := s.move(ctx, o, Cancelled, time.Time{}, now); err != nil {
		return err
	}
	// SKUs in ID order, as checkout reserves them, so the row locks cannot deadlock.
	lines := slices.Clone(o.Lines)
	slices.SortFunc(lines, func(a, b Line) int { return strings.Compare(a.SKUID, b.SKUID) })
	for _, l := range lines {
		if l.SKUID == "" { // a quoted, non-catalogue line reserved no stock
			continue
		}
		if err := s.Store.ReleaseStock(ctx, l.SKUID, l.Qty); err != nil {
			return err
		}
	}
	ev := Event{OrderID: o.ID, Action: action, From: from, To: Cancelled, Note: note, At: now}
	if p != nil {
		ev.ActorID, ev.ActorName = p.User.ID, p.User.DisplayName
	}
	if err := s.Store.AddEvents(ctx, []Event{ev}); err != nil {
		return err
	}
	if err := s.told(ctx, o, Cancelled, action, note, time.Time{}); err != nil {
		return err
	}
	return s.Store.Emit(ctx, Topic, o.ID)
}

// ExpireJob is the job kind that cancels unpaid orders past their deadline.
const ExpireJob = "order.expire_unpaid"

// ExpireUnpaid cancels orders still awaiting approval or payment after that step's
// deadline and releases
// their stock, each in its own transaction; an order paid or cancelled meanwhile is left
// alone, so running it twice (or on two nodes) changes nothing more. It returns how many
// it cancelled.
func (s *Service) ExpireUnpaid(ctx context.Context, limit int) (int, error) {
	now := s.now()
	ids, err := s.Store.DueUnpaid(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done := false
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			o, err := s.Store.Order(ctx, id)
			if err != nil {
				return err
			}
			if !o.State.HoldsStock() || o.PayDeadline.IsZero() || o.PayDeadline.After(now) {
				return nil
			}
			action := "expire"
			if o.State == AwaitingApproval {
				action = "approval_expired"
			}
			if err := s.cancel(ctx, nil, o, action, ""); err != nil {
				if errs.Is(err, errs.Conflict) {
					return nil
				}
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
