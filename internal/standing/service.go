package standing

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// OrgRemoved marks a supplier removed from the platform (清退).
const OrgRemoved = "removed"

// Service runs standing. Penalties, rewards, decisions and removal are for admins and
// ops managers; appeals are the supplier's own.
type Service struct {
	DB       *db.DB
	Store    Store
	Orgs     identity.Store
	Supplier supplier.Store
	Deposit  *deposit.Service
	Notify   *notify.Service
	Audit    audit.Store
	// SetStoreLive turns a store's listing off on removal.
	SetStoreLive func(ctx context.Context, orgID string, live bool) error
	Now          func() time.Time
}

func staff(p *identity.Principal) error {
	if !p.Is(identity.Platform) || !p.Has(identity.Admin, identity.OpsManager) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	return nil
}

func (s *Service) supplierOrg(ctx context.Context, orgID string) (*identity.Org, error) {
	o, err := s.Orgs.OrgByID(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if o.Kind != identity.Supplier {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return o, nil
}

func reason(v *errs.Validator, field, s string, min int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n < min:
		v.Add(field, "err.too_short", min)
	case n > 1000:
		v.Add(field, "err.too_long", 1000)
	}
	return s
}

// Of computes a supplier's standing at now.
func (s *Service) Of(ctx context.Context, orgID string, now time.Time) (*Standing, error) {
	o, err := s.supplierOrg(ctx, orgID)
	if err != nil {
		return nil, err
	}
	st := &Standing{}
	if st.Penalties, err = s.Store.Penalties(ctx, orgID); err != nil {
		return nil, err
	}
	if st.Rewards, err = s.Store.Rewards(ctx, orgID); err != nil {
		return nil, err
	}
	f := Figures{}
	if a, err := s.Supplier.ApplicationByOrg(ctx, orgID); err == nil {
		ds, err := s.Supplier.Decisions(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			if d.To == supplier.Approved && f.Since.IsZero() {
				f.Since, f.Approved = d.At, true
			}
		}
		f.CurrentCreds = o.Status == identity.OrgActive && !a.VerifiedAt.IsZero() && now.Before(a.VerifiedAt.Add(supplier.ReverifyEvery+supplier.ReverifyGrace))
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if f.Approved {
		dep, err := s.Deposit.Status(ctx, orgID)
		if err != nil {
			return nil, err
		}
		f.PaidInFull = dep.PaidInFull
	}
	for _, p := range st.Penalties {
		if p.Kind != Warning && p.Counts(now) {
			f.Penalties++
		}
	}
	st.Level = Level(f, now)
	st.Badges = Badges{Zhu: f.CurrentCreds, Bao: f.PaidInFull && o.Status == identity.OrgActive}
	return st, nil
}

// PenaltyInput is a penalty as staff enter it.
type PenaltyInput struct {
	Kind   string
	Reason string
	Amount money.Fen // deduction
	Until  time.Time // restriction, suspension (zero: until lifted)
}

// Penalize records a penalty and carries it out in the same transaction: a deduction
// moves deposit to penalty revenue, a suspension stops selling.
func (s *Service) Penalize(ctx context.Context, p *identity.Principal, orgID string, in PenaltyInput) (*Penalty, error) {
	if err := staff(p); err != nil {
		return nil, err
	}
	var v errs.Validator
	v.Check(slices.Contains(PenaltyKinds, in.Kind), "kind", "err.penalty_kind")
	r := reason(&v, "reason", in.Reason, 4)
	now := s.Now()
	if in.Kind == Deduction && in.Amount <= 0 {
		v.Add("amount", "err.deposit_amount_positive")
	}
	if (in.Kind == Restriction || in.Kind == Suspension) && !in.Until.IsZero() && !in.Until.After(now) {
		v.Add("until", "err.date_expired", in.Until.Format("2006-01-02"))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	pen := &Penalty{ID: db.NewID(), OrgID: orgID, Kind: in.Kind, Reason: r, State: Active, CreatedBy: p.User.DisplayName, CreatedAt: now}
	if in.Kind == Deduction {
		pen.Amount = in.Amount
	}
	if in.Kind == Restriction || in.Kind == Suspension {
		pen.Until = in.Until
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.supplierOrg(ctx, orgID)
		if err != nil {
			return err
		}
		if o.Status == OrgRemoved {
			return errs.E(errs.Conflict, "err.supplier_removed")
		}
		if err := s.Store.AddPenalty(ctx, pen); err != nil {
			return err
		}
		switch in.Kind {
		case Deduction:
			if _, err := s.Deposit.Deduct(ctx, p, deposit.Deduction{SupplierID: orgID, Amount: in.Amount, Ref: "penalty/" + pen.ID, Reason: r, From: deposit.FromHeld, To: deposit.ToPenalty}); err != nil {
				return err
			}
		case Suspension:
			if o.Status == identity.OrgActive {
				if err := s.Supplier.SetOrgStatus(ctx, orgID, identity.OrgSuspended, "", "", now); err != nil {
					return err
				}
			}
		}
		if err := s.Notify.Send(ctx, orgID, "penalty", "msg.penalty_"+in.Kind, "/seller/standing", r); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.penalty." + in.Kind, ObjectType: "org", ObjectID: orgID, Detail: r})
	})
	if err != nil {
		return nil, err
	}
	return pen, nil
}

// Restricted reports whether a supplier may not publish new listings at now.
func (s *Service) Restricted(ctx context.Context, orgID string, now time.Time) (bool, error) {
	ps, err := s.Store.Penalties(ctx, orgID)
	if err != nil {
		return false, err
	}
	for _, p := range ps {
		if p.Kind == Restriction && p.Counts(now) {
			return true, nil
		}
	}
	return false, nil
}

// Appeal lets the supplier contest one of its own active penalties, once.
func (s *Service) Appeal(ctx context.Context, p *identity.Principal, id, text string) error {
	if !p.Is(identity.Supplier) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	var v errs.Validator
	text = reason(&v, "appeal", text, 10)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		pen, err := s.Store.Penalty(ctx, id)
		if err != nil || pen.OrgID != p.Org.ID {
			return errs.E(errs.NotFound, "err.not_found")
		}
		if pen.State != Active {
			return errs.E(errs.Conflict, "err.appeal_state")
		}
		pen.State, pen.Appeal, pen.AppealedAt = Appealed, text, s.Now()
		if err := s.Store.SavePenalty(ctx, pen, Active); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.appeal", ObjectType: "penalty", ObjectID: id})
	})
}

// Decide answers an appeal. Overturning a suspension restores selling; overturning a
// deduction is recorded, and finance returns the amount as a deposit payment.
func (s *Service) Decide(ctx context.Context, p *identity.Principal, id string, overturn bool, note string) error {
	if err := staff(p); err != nil {
		return err
	}
	var v errs.Validator
	note = reason(&v, "note", note, 2)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		pen, err := s.Store.Penalty(ctx, id)
		if err != nil {
			return err
		}
		if pen.State != Appealed {
			return errs.E(errs.Conflict, "err.appeal_state")
		}
		now := s.Now()
		pen.State, pen.DecidedBy, pen.DecidedAt, pen.DecisionNote = Upheld, p.User.DisplayName, now, note
		if overturn {
			pen.State = Overturned
		}
		if err := s.Store.SavePenalty(ctx, pen, Appealed); err != nil {
			return err
		}
		if overturn && pen.Kind == Suspension {
			if err := s.lift(ctx, pen.OrgID, now); err != nil {
				return err
			}
		}
		if err := s.Notify.Send(ctx, pen.OrgID, "penalty", "msg.appeal_"+pen.State, "/seller/standing", note); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.appeal." + pen.State, ObjectType: "penalty", ObjectID: id, Detail: note})
	})
}

// lift restores a suspended supplier when no suspension stands any more and its
// credentials are in force (a suspension for expired credentials ends with renewal).
func (s *Service) lift(ctx context.Context, orgID string, now time.Time) error {
	o, err := s.supplierOrg(ctx, orgID)
	if err != nil || o.Status != identity.OrgSuspended {
		return err
	}
	ps, err := s.Store.Penalties(ctx, orgID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.Kind == Suspension && p.Counts(now) {
			return nil
		}
	}
	// A supplier onboarded through an application keeps its suspension while its
	// credentials are out of date.
	a, err := s.Supplier.ApplicationByOrg(ctx, orgID)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if a != nil && (a.VerifiedAt.IsZero() || !now.Before(a.VerifiedAt.Add(supplier.ReverifyEvery+supplier.ReverifyGrace))) {
		return nil
	}
	if a != nil && a.LicenceValidTo != "" {
		if until, err := time.Parse("2006-01-02", a.LicenceValidTo); err == nil && now.After(until.Add(48*time.Hour)) {
			return nil
		}
	}
	if err := s.Supplier.SetOrgStatus(ctx, orgID, identity.OrgActive, "", "", now); err != nil {
		return err
	}
	if err := s.Notify.Send(ctx, orgID, "penalty", "msg.suspension_lifted", "/seller/standing"); err != nil {
		return err
	}
	return audit.Log(ctx, s.Audit, audit.Entry{ActorName: "system", OrgID: orgID, Action: "supplier.suspension_lifted", ObjectType: "org", ObjectID: orgID})
}

// SweepSuspensions lifts the suspensions whose date has passed; any node may run it.
func (s *Service) SweepSuspensions(ctx context.Context, now time.Time) (int, error) {
	orgs, err := s.Orgs.Orgs(ctx, identity.Supplier, 100000)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range orgs {
		if o.Status != identity.OrgSuspended {
			continue
		}
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			if err := s.lift(ctx, o.ID, now); err != nil {
				return err
			}
			cur, err := s.Orgs.OrgByID(ctx, o.ID)
			if err == nil && cur.Status == identity.OrgActive {
				n++
			}
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Reward records a reward.
func (s *Service) Reward(ctx context.Context, p *identity.Principal, orgID, kind, why string, until time.Time) (*Reward, error) {
	if err := staff(p); err != nil {
		return nil, err
	}
	var v errs.Validator
	v.Check(slices.Contains(RewardKinds, kind), "kind", "err.reward_kind")
	why = reason(&v, "reason", why, 4)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := &Reward{ID: db.NewID(), OrgID: orgID, Kind: kind, Reason: why, Until: until, CreatedBy: p.User.DisplayName, CreatedAt: s.Now()}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.supplierOrg(ctx, orgID); err != nil {
			return err
		}
		if err := s.Store.AddReward(ctx, r); err != nil {
			return err
		}
		if err := s.Notify.Send(ctx, orgID, "reward", "msg.reward", "/seller/standing", why); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.reward." + kind, ObjectType: "org", ObjectID: orgID, Detail: why})
	})
	return r, err
}

// Remove takes a supplier off the platform (清退): its listings end, its store goes
// offline, and its deposit enters the waiting period before refund. Open orders finish
// under the trade loop's rules.
func (s *Service) Remove(ctx context.Context, p *identity.Principal, orgID, why string) error {
	if err := staff(p); err != nil {
		return err
	}
	var v errs.Validator
	why = reason(&v, "reason", why, 4)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.supplierOrg(ctx, orgID)
		if err != nil {
			return err
		}
		if o.Status == OrgRemoved {
			return errs.E(errs.Conflict, "err.supplier_removed")
		}
		now := s.Now()
		if err := s.Supplier.SetOrgStatus(ctx, orgID, OrgRemoved, "", "", now); err != nil {
			return err
		}
		n, err := s.Store.TakeAllOffSale(ctx, orgID, now)
		if err != nil {
			return err
		}
		if err := s.SetStoreLive(ctx, orgID, false); err != nil {
			return err
		}
		if _, err := s.Deposit.MarkExit(ctx, p, orgID, now); err != nil && !errs.Is(err, errs.Conflict) {
			return err
		}
		if err := s.Notify.Send(ctx, orgID, "penalty", "msg.removed", "/seller/deposit", why); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.remove", ObjectType: "org", ObjectID: orgID,
			Detail: fmt.Sprintf("%s · %d products off sale", why, n)})
	})
}
