package aftersale

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// OpenInput is a buyer's after-sales request on one order line.
type OpenInput struct {
	OrderID string
	LineNo  int
	Kind    Kind
	Reason  string // one of Reasons
	Detail  string
	Qty     int64
	Amount  money.Fen // the refund asked for (0 for an exchange)
	Photos  []FileInput
	// IdemKey makes creation idempotent per buyer company.
	IdemKey string
}

// caseLink is where a party sees a case.
func caseLink(side Side, id string) string {
	switch side {
	case SupplierSide:
		return "/seller/aftersale/" + id
	case StaffSide:
		return "/admin/aftersale/" + id
	}
	return "/buyer/aftersale/" + id
}

// Open opens a case on a line of a shipped or received order of the caller's company.
// The claim may not exceed the line's quantity and amount less what other cases claim;
// the order gains a hold in the same transaction, and the supplier must answer within
// AnswerWithin.
func (s *Service) Open(ctx context.Context, p *identity.Principal, in OpenInput) (*Case, error) {
	if p == nil || !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	now := s.now()
	var v errs.Validator
	v.Check(slices.Contains(Kinds, in.Kind), "kind", "aftersale.err.kind")
	v.Check(slices.Contains(Reasons, in.Reason), "reason", "aftersale.err.reason")
	in.Detail = checkText(&v, "detail", in.Detail, in.Reason == "other", MaxText)
	switch {
	case in.Qty <= 0:
		v.Add("qty", "aftersale.err.qty_positive")
	case in.Qty > order.MaxQty:
		v.Add("qty", "aftersale.err.qty_exceeds", order.MaxQty)
	}
	switch {
	case in.Kind == Exchange && in.Amount != 0:
		v.Add("amount", "aftersale.err.exchange_amount")
	case in.Kind != Exchange && in.Amount <= 0:
		v.Add("amount", "aftersale.err.amount_positive")
	case in.Amount > money.MaxFen:
		v.Add("amount", "aftersale.err.amount_positive")
	}
	if len(in.IdemKey) > 255 {
		v.Add("idempotency_key", "err.too_long", 255)
	}
	bs, err := blobs(&v, "photos", p.Org.ID, in.Photos, PhotoKinds, now)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id string
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if in.IdemKey != "" {
			prior, err := s.Store.CaseByIdem(ctx, p.Org.ID, in.IdemKey)
			if err != nil {
				return err
			}
			if prior != "" {
				id = prior
				return nil
			}
		}
		o, err := s.Orders.Locked(ctx, p, in.OrderID)
		if err != nil {
			return err
		}
		switch o.State {
		case order.Shipped, order.Received:
		case order.Settled:
			return conflict("aftersale.err.settled")
		default:
			return conflict("aftersale.err.order_state", string(o.State))
		}
		var line *order.Line
		for i := range o.Lines {
			if o.Lines[i].No == in.LineNo {
				line = &o.Lines[i]
			}
		}
		if line == nil {
			return errs.Field("line_no", "aftersale.err.line")
		}
		claims, err := s.Store.LineClaims(ctx, o.ID)
		if err != nil {
			return err
		}
		cl := claims[line.No]
		if in.Qty > line.Qty-cl.Qty {
			return errs.Field("qty", "aftersale.err.qty_exceeds", max(line.Qty-cl.Qty, 0))
		}
		if left := line.Amount - cl.Amount; in.Amount > left {
			return errs.Field("amount", "aftersale.err.amount_exceeds", max(left, 0).String())
		}
		seq, err := s.Store.NextAftersaleNumber(ctx, "case", now.In(order.Shanghai).Format("20060102"))
		if err != nil {
			return err
		}
		c := &Case{ID: db.NewID(), Number: number("AS", now, seq), OrderID: o.ID, LineNo: line.No, BuyerOrgID: o.BuyerOrgID,
			SupplierID: o.SupplierID, CreatedBy: p.User.ID, Kind: in.Kind, Reason: in.Reason, Detail: in.Detail, Qty: in.Qty,
			Amount: in.Amount, State: Requested, AnswerBy: now.Add(s.answerWithin()), IdemKey: in.IdemKey, CreatedAt: now, UpdatedAt: now}
		if err := s.Store.InsertCase(ctx, c); err != nil {
			return err
		}
		eid, err := s.Store.AddAftersaleEvent(ctx, &Event{CaseID: c.ID, Action: "open", To: string(Requested), Side: BuyerSide,
			ActorID: p.User.ID, ActorName: p.User.DisplayName, Note: in.Detail, Amount: in.Amount, At: now})
		if err != nil {
			return err
		}
		if _, err := s.storeFiles(ctx, bs, c.ID, "", eid, BuyerSide, now); err != nil {
			return err
		}
		if err := s.Store.AddOrderHolds(ctx, o.ID, 1); err != nil {
			return err
		}
		if err := s.Orders.Store.Emit(ctx, Topic, o.ID); err != nil {
			return err
		}
		id = c.ID
		return s.send(ctx, o.SupplierID, "aftersale.msg.case_opened", caseLink(SupplierSide, c.ID), c.Number, o.Number)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Case(ctx, id)
}

// Get returns a case the caller may see: the buyer company's, the supplier's, or staff.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Case, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	c, err := s.Store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if sideOf(p, c.BuyerOrgID, c.SupplierID) == "" {
		return nil, notFound()
	}
	return c, nil
}

// List returns the cases the caller may see, newest first.
func (s *Service) List(ctx context.Context, p *identity.Principal, openOnly bool) ([]Case, error) {
	f := Filter{OpenOnly: openOnly, Limit: 200}
	switch {
	case p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case isStaff(p):
	default:
		return nil, notFound()
	}
	return s.Store.Cases(ctx, f)
}

// OfOrder lists the cases of an order the caller may see.
func (s *Service) OfOrder(ctx context.Context, p *identity.Principal, orderID string) ([]Case, error) {
	if _, err := s.Orders.Get(ctx, p, orderID); err != nil {
		return nil, err
	}
	return s.Store.Cases(ctx, Filter{OrderID: orderID, Limit: 200})
}

// onCase runs a step on a case in one transaction: the caller must act for want (the
// buyer or the supplier; anyone else gets a 404 for a case they cannot see, 403 for one
// they can), the order's row is locked so steps on one order run one after another, and
// fn sees the case and order as they are now.
func (s *Service) onCase(ctx context.Context, p *identity.Principal, id string, want Side, fn func(ctx context.Context, c *Case, o *order.Order) error) (*Case, error) {
	first, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if side := sideOf(p, first.BuyerOrgID, first.SupplierID); side != want {
		return nil, errs.E(errs.Forbidden, "aftersale.err.not_your_step")
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Orders.Store.LockOrder(ctx, first.OrderID, s.now()); err != nil {
			return err
		}
		c, err := s.Store.Case(ctx, id)
		if err != nil {
			return err
		}
		o, err := s.Orders.Store.Order(ctx, c.OrderID)
		if err != nil {
			return err
		}
		return fn(ctx, c, o)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Case(ctx, id)
}

// moveCase moves c from its state to to (a stale state is a Conflict), records the
// event, and takes the order's hold away when the case closes.
func (s *Service) moveCase(ctx context.Context, p *identity.Principal, c *Case, to State, side Side, action, note string, amount money.Fen) error {
	from := c.State
	now := s.now()
	c.State, c.UpdatedAt = to, now
	if !to.Open() {
		c.ClosedAt = now
	}
	ok, err := s.Store.UpdateCase(ctx, c, from)
	if err != nil {
		return err
	}
	if !ok {
		return conflict("aftersale.err.changed")
	}
	uid, uname := actor(p)
	if _, err := s.Store.AddAftersaleEvent(ctx, &Event{CaseID: c.ID, Action: action, From: string(from), To: string(to), Side: side,
		ActorID: uid, ActorName: uname, Note: note, Amount: amount, At: now}); err != nil {
		return err
	}
	if from.Open() && !to.Open() {
		if err := s.Store.AddOrderHolds(ctx, c.OrderID, -1); err != nil {
			return err
		}
	}
	return s.Orders.Store.Emit(ctx, Topic, c.OrderID)
}

// notifyCase tells the other side (and the buyer for system steps) about a case step.
func (s *Service) notifyCase(ctx context.Context, c *Case, to Side, key string) error {
	org := c.BuyerOrgID
	if to == SupplierSide {
		org = c.SupplierID
	}
	return s.send(ctx, org, key, caseLink(to, c.ID), c.Number)
}

// AnswerInput is the supplier's answer to a requested case.
type AnswerInput struct {
	Action        string // agree, refuse, offer
	ReturnAddress string // agree or offer on a return or exchange
	Reason        string // refuse
	Amount        money.Fen
}

// Answer records the supplier's answer: agree (refund-only cases are refunded at once;
// returns and exchanges wait for the goods, sent to the return address given), refuse
// with a reason (the case closes; the buyer may open a dispute), or offer a partial
// refund the buyer may accept. A second answer is a Conflict.
func (s *Service) Answer(ctx context.Context, p *identity.Principal, id string, in AnswerInput) (*Case, error) {
	var v errs.Validator
	in.ReturnAddress = checkText(&v, "return_address", in.ReturnAddress, false, MaxText)
	in.Reason = checkText(&v, "reason", in.Reason, in.Action == "refuse", MaxText)
	v.Check(in.Action == "agree" || in.Action == "refuse" || in.Action == "offer", "action", "aftersale.err.action")
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onCase(ctx, p, id, SupplierSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Requested {
			return conflict("aftersale.err.answered", string(c.State))
		}
		needsReturn := c.Kind != RefundOnly
		if (in.Action == "agree" || in.Action == "offer") && needsReturn && in.ReturnAddress == "" {
			return errs.Field("return_address", "err.required")
		}
		switch in.Action {
		case "refuse":
			c.RefuseReason = in.Reason
			if err := s.moveCase(ctx, p, c, Refused, SupplierSide, "refuse", in.Reason, 0); err != nil {
				return err
			}
			return s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.refused")
		case "offer":
			if c.Kind == Exchange {
				return errs.Field("amount", "aftersale.err.exchange_amount")
			}
			if in.Amount <= 0 || in.Amount >= c.Amount {
				return errs.Field("amount", "aftersale.err.offer_range", c.Amount.String())
			}
			c.Offer, c.ReturnAddress = in.Amount, in.ReturnAddress
			c.AnswerBy = s.now().Add(s.answerWithin()) // the buyer's answer
			if err := s.moveCase(ctx, p, c, Offered, SupplierSide, "offer", in.ReturnAddress, in.Amount); err != nil {
				return err
			}
			return s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.offered")
		}
		c.ReturnAddress = in.ReturnAddress
		if !needsReturn {
			return s.refundCase(ctx, p, c, o, c.Amount, SupplierSide, "agree")
		}
		c.AnswerBy = s.now().Add(s.returnWithin())
		if err := s.moveCase(ctx, p, c, Agreed, SupplierSide, "agree", in.ReturnAddress, 0); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.agreed")
	})
}

// refundCase refunds amount for c and closes it as refunded. The refund is capped at
// what is left in the order's escrow (a dispute may have refunded part of it): the case
// refunds what is left, possibly nothing, says so on its timeline and to the buyer, and
// closes either way, so a case never stays open for want of escrow.
func (s *Service) refundCase(ctx context.Context, p *identity.Principal, c *Case, o *order.Order, amount money.Fen, side Side, action string) error {
	if o.State != order.Shipped && o.State != order.Received {
		return conflict("aftersale.err.not_in_escrow", string(o.State))
	}
	bal, err := s.Ledger.Balance(ctx, ledger.Escrow(o.ID))
	if err != nil {
		return err
	}
	note := ""
	if left := max(bal.Available(), 0); amount > left {
		note = fmt.Sprintf("%s → %s", amount, left)
		amount = left
	}
	if amount > 0 {
		if _, err := s.refund(ctx, p, o, c.ID, "", c.LineNo, amount); err != nil {
			return err
		}
	}
	c.Refunded = amount
	if err := s.moveCase(ctx, p, c, Refunded, side, action, note, amount); err != nil {
		return err
	}
	if note != "" {
		if err := s.send(ctx, c.BuyerOrgID, "aftersale.msg.refund_capped", caseLink(BuyerSide, c.ID), c.Number, amount.String()); err != nil {
			return err
		}
	}
	return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.case_refunded")
}

// AcceptOffer is the buyer's acceptance of the supplier's partial offer: a refund-only
// case is refunded the offered amount at once; a return waits for the goods.
func (s *Service) AcceptOffer(ctx context.Context, p *identity.Principal, id string) (*Case, error) {
	return s.onCase(ctx, p, id, BuyerSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Offered {
			return conflict("aftersale.err.no_offer", string(c.State))
		}
		c.Amount = c.Offer
		if c.Kind == RefundOnly {
			return s.refundCase(ctx, p, c, o, c.Offer, BuyerSide, "accept_offer")
		}
		c.AnswerBy = s.now().Add(s.returnWithin())
		if err := s.moveCase(ctx, p, c, Agreed, BuyerSide, "accept_offer", "", c.Offer); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.offer_accepted")
	})
}

// DeclineOffer is the buyer's refusal of the partial offer: the platform decides, in a
// dispute opened by the system for the amount first claimed.
func (s *Service) DeclineOffer(ctx context.Context, p *identity.Principal, id string) (*Case, error) {
	return s.onCase(ctx, p, id, BuyerSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Offered {
			return conflict("aftersale.err.no_offer", string(c.State))
		}
		return s.escalate(ctx, p, c, o, "decline_offer")
	})
}

// ShipReturn records the buyer's return shipment of an agreed return or exchange.
func (s *Service) ShipReturn(ctx context.Context, p *identity.Principal, id, carrier, waybill string) (*Case, error) {
	var v errs.Validator
	carrier = checkLine(&v, "carrier", carrier, true, MaxShort)
	waybill = checkLine(&v, "waybill", waybill, true, MaxShort)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onCase(ctx, p, id, BuyerSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Agreed {
			return conflict("aftersale.err.not_agreed", string(c.State))
		}
		c.ReturnCarrier, c.ReturnWaybill = carrier, waybill
		c.AnswerBy = s.now().Add(s.confirmWithin())
		if err := s.moveCase(ctx, p, c, Returning, BuyerSide, "ship_return", carrier+" "+waybill, 0); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.returning")
	})
}

// ConfirmReturn is the supplier's confirmation that the returned goods arrived: a
// return is refunded at once; an exchange waits for the replacement shipment.
func (s *Service) ConfirmReturn(ctx context.Context, p *identity.Principal, id string) (*Case, error) {
	return s.onCase(ctx, p, id, SupplierSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Returning {
			return conflict("aftersale.err.not_returning", string(c.State))
		}
		if c.Kind == ReturnRefund {
			return s.refundCase(ctx, p, c, o, c.Amount, SupplierSide, "confirm_return")
		}
		c.AnswerBy = s.now().Add(s.confirmWithin()) // the replacement's shipment
		if err := s.moveCase(ctx, p, c, Returned, SupplierSide, "confirm_return", "", 0); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.return_received")
	})
}

// Reship records the supplier's replacement shipment of an exchange, closing the case.
func (s *Service) Reship(ctx context.Context, p *identity.Principal, id, carrier, waybill string) (*Case, error) {
	var v errs.Validator
	carrier = checkLine(&v, "carrier", carrier, true, MaxShort)
	waybill = checkLine(&v, "waybill", waybill, true, MaxShort)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onCase(ctx, p, id, SupplierSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.Kind != Exchange || c.State != Returned {
			return conflict("aftersale.err.not_returned", string(c.State))
		}
		c.ReshipCarrier, c.ReshipWaybill = carrier, waybill
		if err := s.moveCase(ctx, p, c, Exchanged, SupplierSide, "reship", carrier+" "+waybill, 0); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.reshipped")
	})
}

// Cancel withdraws the buyer's case while nothing has been sent back.
func (s *Service) Cancel(ctx context.Context, p *identity.Principal, id string) (*Case, error) {
	return s.onCase(ctx, p, id, BuyerSide, func(ctx context.Context, c *Case, o *order.Order) error {
		if c.State != Requested && c.State != Offered && c.State != Agreed {
			return conflict("aftersale.err.cannot_cancel", string(c.State))
		}
		if err := s.moveCase(ctx, p, c, Cancelled, BuyerSide, "cancel", "", 0); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.cancelled")
	})
}

// escalate hands c to the platform: a dispute opened by the system for the amount
// claimed, or the order's open dispute, which it joins. The case is then in_dispute and
// keeps its hold until the dispute closes (closeCases, or a withdrawal: see Withdraw).
func (s *Service) escalate(ctx context.Context, p *identity.Principal, c *Case, o *order.Order, action string) error {
	c.AnswerBy = time.Time{}
	if open, err := s.Store.OpenDisputeOf(ctx, o.ID); err != nil {
		return err
	} else if open != "" {
		// One dispute per order at a time: the case joins it.
		c.DisputeID = open
		if err := s.moveCase(ctx, p, c, InDispute, sideOfAction(action), action, "", 0); err != nil {
			return err
		}
		if _, err := s.Store.AddAftersaleEvent(ctx, &Event{DisputeID: open, Action: "case_joined", Side: SystemSide, Note: c.Number, Amount: c.Amount, At: s.now()}); err != nil {
			return err
		}
		if err := s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.escalated"); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.escalated")
	}
	claim := c.Number + " " + c.Reason
	if c.Detail != "" {
		claim += ": " + c.Detail
	}
	d, err := s.openDispute(ctx, nil, o, SystemSide, c.ID, claim, c.Amount, "", nil)
	if err != nil {
		return err
	}
	c.DisputeID = d.ID
	if err := s.moveCase(ctx, p, c, InDispute, sideOfAction(action), action, d.Number, 0); err != nil {
		return err
	}
	if err := s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.escalated"); err != nil {
		return err
	}
	return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.escalated")
}

func sideOfAction(action string) Side {
	if action == "decline_offer" {
		return BuyerSide
	}
	return SystemSide
}

// EscalateJob is the job kind that acts on cases whose step is overdue.
const EscalateJob = "aftersale.escalate"

// EscalateOverdue acts on every open case whose awaited step is past its deadline, each
// in its own transaction and only from the state it was found in, so running it twice or
// on two nodes changes nothing more: requested (the supplier did not answer) and offered
// (the buyer did not answer) go to a dispute; agreed (the buyer did not send the goods
// back) closes without refund; returning (the supplier did not confirm) is refunded, or
// for an exchange goes to a dispute; returned (no replacement shipped) goes to a dispute.
// It returns how many cases it moved.
func (s *Service) EscalateOverdue(ctx context.Context, limit int) (int, error) {
	now := s.now()
	ids, err := s.Store.DueCases(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done := false
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			done = false
			c, err := s.Store.Case(ctx, id)
			if err != nil {
				return err
			}
			if err := s.Orders.Store.LockOrder(ctx, c.OrderID, now); err != nil {
				return err
			}
			if c, err = s.Store.Case(ctx, id); err != nil {
				return err
			}
			if !c.Overdue(now) {
				return nil
			}
			o, err := s.Orders.Store.Order(ctx, c.OrderID)
			if err != nil {
				return err
			}
			if err := s.lapse(ctx, c, o); err != nil {
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

// lapse takes the system's step on an overdue case (see EscalateOverdue).
func (s *Service) lapse(ctx context.Context, c *Case, o *order.Order) error {
	switch c.State {
	case Requested:
		return s.escalate(ctx, nil, c, o, "escalate")
	case Offered:
		return s.escalate(ctx, nil, c, o, "offer_lapsed")
	case Agreed:
		if err := s.moveCase(ctx, nil, c, Cancelled, SystemSide, "return_lapsed", "", 0); err != nil {
			return err
		}
		if err := s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.return_lapsed"); err != nil {
			return err
		}
		return s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.return_lapsed")
	case Returning:
		if c.Kind == ReturnRefund {
			return s.refundCase(ctx, nil, c, o, c.Amount, SystemSide, "confirm_lapsed")
		}
		return s.escalate(ctx, nil, c, o, "confirm_lapsed")
	case Returned:
		return s.escalate(ctx, nil, c, o, "reship_lapsed")
	}
	return nil
}
