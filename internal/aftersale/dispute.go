package aftersale

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// DisputeInput opens a dispute.
type DisputeInput struct {
	OrderID string
	Claim   string
	Amount  money.Fen // what the opener claims (0: no money claimed)
	Files   []FileInput
	IdemKey string
}

func disputeLink(side Side, id string) string {
	switch side {
	case SupplierSide:
		return "/seller/disputes/" + id
	case StaffSide:
		return "/admin/disputes/" + id
	}
	return "/buyer/disputes/" + id
}

func other(side Side) Side {
	if side == BuyerSide {
		return SupplierSide
	}
	return BuyerSide
}

// OpenDispute opens a dispute on an order of the caller's company (buyer or supplier):
// shipped, received, or settled within DisputeWindow. One dispute per order is open at a
// time. The order gains a hold; the other side has AnswerWithin to answer.
func (s *Service) OpenDispute(ctx context.Context, p *identity.Principal, in DisputeInput) (*Dispute, error) {
	if p == nil || !(p.Is(identity.Buyer) || p.Is(identity.Supplier)) {
		return nil, notFound()
	}
	now := s.now()
	var v errs.Validator
	in.Claim = checkText(&v, "claim", in.Claim, true, MaxText)
	if in.Amount < 0 || in.Amount > money.MaxFen {
		v.Add("amount", "aftersale.err.amount_range")
	}
	if len(in.IdemKey) > 255 {
		v.Add("idempotency_key", "err.too_long", 255)
	}
	bs, err := blobs(&v, "files", p.Org.ID, in.Files, EvidenceKinds, now)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var id string
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if in.IdemKey != "" {
			prior, err := s.Store.DisputeByIdem(ctx, p.User.ID, in.IdemKey)
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
		side := sideOf(p, o.BuyerOrgID, o.SupplierID)
		if in.Amount > o.Total {
			return errs.Field("amount", "aftersale.err.claim_exceeds", o.Total.String())
		}
		d, err := s.openDispute(ctx, p, o, side, "", in.Claim, in.Amount, in.IdemKey, bs)
		if err != nil {
			return err
		}
		id = d.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Dispute(ctx, id)
}

// openDispute checks the order's state and writes the dispute, its first event, its
// files and its hold, inside the caller's transaction (the order's row locked).
func (s *Service) openDispute(ctx context.Context, p *identity.Principal, o *order.Order, side Side, caseID, claim string, amount money.Fen, idem string, bs []*upload.Blob) (*Dispute, error) {
	now := s.now()
	switch o.State {
	case order.Shipped, order.Received:
	case order.Settled:
		at := o.UpdatedAt
		for _, e := range o.Events {
			if e.To == order.Settled {
				at = e.At
			}
		}
		if now.Sub(at) > s.disputeWindow() {
			return nil, conflict("aftersale.err.window_over")
		}
	default:
		return nil, conflict("aftersale.err.order_state", string(o.State))
	}
	open, err := s.Store.OpenDisputeOf(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if open != "" {
		return nil, conflict("aftersale.err.dispute_open")
	}
	seq, err := s.Store.NextAftersaleNumber(ctx, "dispute", now.In(order.Shanghai).Format("20060102"))
	if err != nil {
		return nil, err
	}
	uid, uname := actor(p)
	d := &Dispute{ID: db.NewID(), Number: number("DP", now, seq), OrderID: o.ID, CaseID: caseID, BuyerOrgID: o.BuyerOrgID,
		SupplierID: o.SupplierID, OpenedBy: side, OpenedUser: uid, Claim: claim, Amount: amount, State: DOpen,
		AnswerBy: now.Add(s.answerWithin()), IdemKey: idem, CreatedAt: now, UpdatedAt: now}
	// The other side answers first; a dispute the system opened goes straight to staff.
	d.WaitingOn = StaffSide
	if side == BuyerSide || side == SupplierSide {
		d.WaitingOn = other(side)
	}
	if err := s.Store.InsertDispute(ctx, d); err != nil {
		return nil, err
	}
	eid, err := s.Store.AddAftersaleEvent(ctx, &Event{DisputeID: d.ID, Action: "open", To: string(DOpen), Side: side, ActorID: uid, ActorName: uname,
		Note: claim, Amount: amount, At: now})
	if err != nil {
		return nil, err
	}
	if _, err := s.storeFiles(ctx, bs, "", d.ID, eid, side, now); err != nil {
		return nil, err
	}
	if err := s.Store.AddOrderHolds(ctx, o.ID, 1); err != nil {
		return nil, err
	}
	if err := s.Orders.Store.Emit(ctx, Topic, o.ID); err != nil {
		return nil, err
	}
	for _, to := range []Side{BuyerSide, SupplierSide} {
		if to == side {
			continue
		}
		if err := s.notifyDispute(ctx, d, to, "aftersale.msg.dispute_opened"); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (s *Service) notifyDispute(ctx context.Context, d *Dispute, to Side, key string) error {
	org := d.BuyerOrgID
	if to == SupplierSide {
		org = d.SupplierID
	}
	return s.send(ctx, org, key, disputeLink(to, d.ID), d.Number)
}

// GetDispute returns a dispute the caller may see: its two parties and staff.
func (s *Service) GetDispute(ctx context.Context, p *identity.Principal, id string) (*Dispute, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	d, err := s.Store.Dispute(ctx, id)
	if err != nil {
		return nil, err
	}
	if sideOf(p, d.BuyerOrgID, d.SupplierID) == "" {
		return nil, notFound()
	}
	return d, nil
}

// Disputes lists the disputes the caller may see; for staff, the queue: open ones first,
// the most overdue first.
func (s *Service) Disputes(ctx context.Context, p *identity.Principal, openOnly bool) ([]Dispute, error) {
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
	return s.Store.Disputes(ctx, f)
}

// File returns an evidence file of a case or dispute the caller may see.
func (s *Service) File(ctx context.Context, p *identity.Principal, kind, id, blobID string) (*upload.Blob, error) {
	var files []File
	switch kind {
	case "case":
		c, err := s.Get(ctx, p, id)
		if err != nil {
			return nil, err
		}
		files = c.Files
	default:
		d, err := s.GetDispute(ctx, p, id)
		if err != nil {
			return nil, err
		}
		files = d.Files
	}
	for _, f := range files {
		if f.BlobID == blobID {
			return s.Blobs.Blob(ctx, blobID)
		}
	}
	return nil, notFound()
}

// onDispute runs a step on an open dispute in one transaction, the order's row locked;
// the caller must be a party or staff (others get a 404).
func (s *Service) onDispute(ctx context.Context, p *identity.Principal, id string, fn func(ctx context.Context, d *Dispute, o *order.Order, side Side) error) (*Dispute, error) {
	first, err := s.GetDispute(ctx, p, id)
	if err != nil {
		return nil, err
	}
	side := sideOf(p, first.BuyerOrgID, first.SupplierID)
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Orders.Store.LockOrder(ctx, first.OrderID, s.now()); err != nil {
			return err
		}
		d, err := s.Store.Dispute(ctx, id)
		if err != nil {
			return err
		}
		if !d.State.Open() {
			return conflict("aftersale.err.dispute_closed", string(d.State))
		}
		o, err := s.Orders.Store.Order(ctx, d.OrderID)
		if err != nil {
			return err
		}
		return fn(ctx, d, o, side)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Dispute(ctx, id)
}

// saveDispute stores d if it is still in from and records the step.
func (s *Service) saveDispute(ctx context.Context, p *identity.Principal, d *Dispute, from DisputeState, side Side, action, note string, amount money.Fen) (int64, error) {
	now := s.now()
	d.UpdatedAt = now
	if !d.State.Open() {
		d.ClosedAt = now
		d.WaitingOn, d.AnswerBy = "", now
	}
	ok, err := s.Store.UpdateDispute(ctx, d, from)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, conflict("aftersale.err.changed")
	}
	uid, uname := actor(p)
	eid, err := s.Store.AddAftersaleEvent(ctx, &Event{DisputeID: d.ID, Action: action, From: string(from), To: string(d.State), Side: side,
		ActorID: uid, ActorName: uname, Note: note, Amount: amount, At: now})
	if err != nil {
		return 0, err
	}
	if from.Open() && !d.State.Open() {
		if err := s.Store.AddOrderHolds(ctx, d.OrderID, -1); err != nil {
			return 0, err
		}
	}
	return eid, s.Orders.Store.Emit(ctx, Topic, d.OrderID)
}

// AddEvidence adds a statement with files to an open dispute's timeline, by a party or
// staff who may mediate (CanArbitrate: other staff read but do not speak for the
// platform). A party answering when it was its turn passes the step to customer service.
func (s *Service) AddEvidence(ctx context.Context, p *identity.Principal, id, text string, files []FileInput) (*Dispute, error) {
	now := s.now()
	var v errs.Validator
	text = checkText(&v, "text", text, len(files) == 0, MaxText)
	var orgID string
	if p != nil {
		orgID = p.Org.ID
	}
	bs, err := blobs(&v, "files", orgID, files, EvidenceKinds, now)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if side == StaffSide && !CanArbitrate(p) {
			return errs.E(errs.Forbidden, "aftersale.err.staff_only")
		}
		if side == d.WaitingOn && side != StaffSide {
			d.WaitingOn, d.AnswerBy = StaffSide, now.Add(s.answerWithin())
		}
		eid, err := s.saveDispute(ctx, p, d, d.State, side, "evidence", text, 0)
		if err != nil {
			return err
		}
		if _, err := s.storeFiles(ctx, bs, "", d.ID, eid, side, now); err != nil {
			return err
		}
		for _, to := range []Side{BuyerSide, SupplierSide} {
			if to != side {
				if err := s.notifyDispute(ctx, d, to, "aftersale.msg.evidence"); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// staffStep checks that the caller may mediate and arbitrate: parties get a 403.
func staffStep(p *identity.Principal, side Side) error {
	if side != StaffSide || !CanArbitrate(p) {
		return errs.E(errs.Forbidden, "aftersale.err.staff_only")
	}
	return nil
}

// Mediate is customer service's message to both parties; the dispute is then in
// mediation and both sides have AnswerWithin to reply.
func (s *Service) Mediate(ctx context.Context, p *identity.Principal, id, message string) (*Dispute, error) {
	var v errs.Validator
	message = checkText(&v, "message", message, true, MaxText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if err := staffStep(p, side); err != nil {
			return err
		}
		from := d.State
		if d.State == DOpen {
			d.State = DMediating
		}
		d.WaitingOn, d.AnswerBy = "parties", s.now().Add(s.answerWithin())
		if _, err := s.saveDispute(ctx, p, d, from, StaffSide, "mediate", message, 0); err != nil {
			return err
		}
		if err := s.notifyDispute(ctx, d, BuyerSide, "aftersale.msg.mediation"); err != nil {
			return err
		}
		return s.notifyDispute(ctx, d, SupplierSide, "aftersale.msg.mediation")
	})
}

// Propose is customer service's proposed settlement: a refund to the buyer of amount
// (0 for none), which takes effect when both parties accept it.
func (s *Service) Propose(ctx context.Context, p *identity.Principal, id string, amount money.Fen, note string) (*Dispute, error) {
	var v errs.Validator
	note = checkText(&v, "note", note, true, MaxText)
	if amount < 0 || amount > money.MaxFen {
		v.Add("amount", "aftersale.err.amount_range")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if err := staffStep(p, side); err != nil {
			return err
		}
		if amount > 0 {
			if err := s.escrowCovers(ctx, o, amount); err != nil {
				return err
			}
		}
		from := d.State
		d.State, d.Proposal, d.ProposalNote, d.BuyerAccepted, d.SupplierAccepted = DProposed, amount, note, false, false
		d.WaitingOn, d.AnswerBy = "parties", s.now().Add(s.answerWithin())
		if _, err := s.saveDispute(ctx, p, d, from, StaffSide, "propose", note, amount); err != nil {
			return err
		}
		if err := s.notifyDispute(ctx, d, BuyerSide, "aftersale.msg.proposal"); err != nil {
			return err
		}
		return s.notifyDispute(ctx, d, SupplierSide, "aftersale.msg.proposal")
	})
}

// escrowCovers refuses an amount the order's escrow does not hold (a settled order has
// nothing left in escrow) with a clear error naming the field.
func (s *Service) escrowCovers(ctx context.Context, o *order.Order, amount money.Fen) error {
	if o.State != order.Shipped && o.State != order.Received {
		e := errs.Field("refund", "aftersale.err.not_in_escrow", string(o.State))
		e.Code = errs.Conflict
		return e
	}
	bal, err := s.Ledger.Balance(ctx, ledger.Escrow(o.ID))
	if err != nil {
		return err
	}
	if bal.Available() < amount {
		e := errs.Field("refund", "aftersale.err.refund_exceeds", bal.Available().String())
		e.Code = errs.Conflict
		return e
	}
	return nil
}

// AcceptProposal records a party's acceptance of the proposed settlement; with both,
// the refund is made and the dispute resolved.
func (s *Service) AcceptProposal(ctx context.Context, p *identity.Principal, id string) (*Dispute, error) {
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if d.State != DProposed {
			return conflict("aftersale.err.no_proposal")
		}
		switch side {
		case BuyerSide:
			if d.BuyerAccepted {
				return conflict("aftersale.err.accepted_already")
			}
			d.BuyerAccepted = true
		case SupplierSide:
			if d.SupplierAccepted {
				return conflict("aftersale.err.accepted_already")
			}
			d.SupplierAccepted = true
		default:
			return errs.E(errs.Forbidden, "aftersale.err.not_your_step")
		}
		if !(d.BuyerAccepted && d.SupplierAccepted) {
			if _, err := s.saveDispute(ctx, p, d, DProposed, side, "accept", "", d.Proposal); err != nil {
				return err
			}
			return s.notifyDispute(ctx, d, other(side), "aftersale.msg.proposal_accepted")
		}
		if d.Proposal > 0 {
			if _, err := s.refund(ctx, p, o, "", d.ID, 0, d.Proposal); err != nil {
				return err
			}
			d.Refund = d.Proposal
		}
		d.State, d.Decision = DResolved, d.ProposalNote
		if _, err := s.saveDispute(ctx, p, d, DProposed, side, "accept", "", d.Proposal); err != nil {
			return err
		}
		if err := s.closeCases(ctx, p, d, side); err != nil {
			return err
		}
		if err := s.notifyDispute(ctx, d, BuyerSide, "aftersale.msg.resolved"); err != nil {
			return err
		}
		return s.notifyDispute(ctx, d, SupplierSide, "aftersale.msg.resolved")
	})
}

// Outcome is staff's arbitration.
type Outcome struct {
	// Refund goes back to the buyer from the order's escrow (0: none).
	Refund money.Fen
	// Deduct is taken from the supplier's held deposit to the buyer's compensation
	// account (0: none).
	Deduct   money.Fen
	Decision string
}

// Arbitrate decides an open dispute: a full or partial refund from escrow, a deduction
// from the supplier's deposit to compensate the buyer, or neither (release: the hold is
// lifted and the order continues to release through the normal path). All of it in one
// transaction; a second arbitration is a Conflict and changes nothing.
func (s *Service) Arbitrate(ctx context.Context, p *identity.Principal, id string, out Outcome) (*Dispute, error) {
	var v errs.Validator
	out.Decision = checkText(&v, "decision", out.Decision, true, MaxText)
	if out.Refund < 0 || out.Refund > money.MaxFen {
		v.Add("refund", "aftersale.err.amount_range")
	}
	if out.Deduct < 0 || out.Deduct > money.MaxFen {
		v.Add("deduct", "aftersale.err.amount_range")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if err := staffStep(p, side); err != nil {
			return err
		}
		if out.Refund > 0 {
			if err := s.escrowCovers(ctx, o, out.Refund); err != nil {
				return err
			}
			if _, err := s.refund(ctx, p, o, "", d.ID, 0, out.Refund); err != nil {
				return err
			}
		}
		if out.Deduct > 0 {
			if s.Deposit == nil {
				return conflict("aftersale.err.no_deposit")
			}
			_, err := s.Deposit.Deduct(ctx, p, deposit.Deduction{SupplierID: d.SupplierID, Amount: out.Deduct, Ref: "dispute-" + d.ID,
				Reason: out.Decision, Dispute: d.Number, From: deposit.FromHeld, To: deposit.ToBuyer, BuyerID: d.BuyerOrgID})
			if err != nil {
				if e := errs.As(err); e != nil && len(e.Fields) > 0 && e.Fields[0].Field == "amount" {
					e.Fields[0].Field = "deduct"
				}
				return err
			}
		}
		from := d.State
		d.State, d.Refund, d.Deduct, d.Decision, d.DecidedBy = DArbitrated, out.Refund, out.Deduct, out.Decision, p.User.ID
		if _, err := s.saveDispute(ctx, p, d, from, StaffSide, "arbitrate", out.Decision, out.Refund+out.Deduct); err != nil {
			return err
		}
		if err := s.closeCases(ctx, p, d, StaffSide); err != nil {
			return err
		}
		if err := s.notifyDispute(ctx, d, BuyerSide, "aftersale.msg.arbitrated"); err != nil {
			return err
		}
		return s.notifyDispute(ctx, d, SupplierSide, "aftersale.msg.arbitrated")
	})
}

// closeCases closes every open case of d's order, in_dispute or not, as escalated with
// d's outcome, lifting their holds: the outcome decided the order, and is the only refund
// made for them (a case's own refund would stack on it).
func (s *Service) closeCases(ctx context.Context, p *identity.Principal, d *Dispute, side Side) error {
	cs, err := s.Store.Cases(ctx, Filter{OrderID: d.OrderID, OpenOnly: true, Limit: 500})
	if err != nil {
		return err
	}
	for i := range cs {
		c := &cs[i]
		if !c.State.Open() {
			continue
		}
		c.DisputeID, c.AnswerBy = d.ID, time.Time{}
		if err := s.moveCase(ctx, p, c, Escalated, side, "dispute_closed", d.Number, 0); err != nil {
			return err
		}
		if err := s.notifyCase(ctx, c, BuyerSide, "aftersale.msg.case_decided"); err != nil {
			return err
		}
		if err := s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.case_decided"); err != nil {
			return err
		}
	}
	return nil
}

// Withdraw is the opener's withdrawal of its dispute. Cases that joined it are not
// buried with it: the buyer's withdrawal cancels them (they are the buyer's own claims);
// the supplier's hands them, still in_dispute and holding the order, to a new dispute
// opened by the system, so the platform still decides them.
func (s *Service) Withdraw(ctx context.Context, p *identity.Principal, id string) (*Dispute, error) {
	return s.onDispute(ctx, p, id, func(ctx context.Context, d *Dispute, o *order.Order, side Side) error {
		if side != d.OpenedBy {
			return errs.E(errs.Forbidden, "aftersale.err.not_your_step")
		}
		from := d.State
		d.State = DWithdrawn
		if _, err := s.saveDispute(ctx, p, d, from, side, "withdraw", "", 0); err != nil {
			return err
		}
		if err := s.notifyDispute(ctx, d, other(side), "aftersale.msg.withdrawn"); err != nil {
			return err
		}
		cs, err := s.Store.Cases(ctx, Filter{OrderID: d.OrderID, OpenOnly: true, Limit: 500})
		if err != nil {
			return err
		}
		for i := range cs {
			c := &cs[i]
			if c.State != InDispute || c.DisputeID != d.ID {
				continue
			}
			if side == BuyerSide {
				if err := s.moveCase(ctx, p, c, Cancelled, BuyerSide, "withdraw", d.Number, 0); err != nil {
					return err
				}
				if err := s.notifyCase(ctx, c, SupplierSide, "aftersale.msg.cancelled"); err != nil {
					return err
				}
				continue
			}
			if err := s.escalate(ctx, nil, c, o, "rejoin"); err != nil {
				return err
			}
		}
		return nil
	})
}
