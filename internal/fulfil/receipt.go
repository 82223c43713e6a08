package fulfil

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
)

// MaxProblem bounds the note on a line's problem.
const MaxProblem = 500

// ConfirmLine is the buyer's inspection of one line: the quantity accepted and, when
// something is wrong, what.
type ConfirmLine struct {
	LineNo   int
	Accepted int64
	Problem  string
}

// Confirm records the buyer's inspection (签收验货) of lines of a shipped order; none
// given confirms every line not yet confirmed in full. When every line is confirmed the
// order becomes received, and — without holds and without a problem noted — its escrow
// is released in the same transaction. Confirming before shipping, twice, or more than
// was shipped is refused and changes nothing; another company's order is a 404.
func (s *Service) Confirm(ctx context.Context, p *identity.Principal, orderID string, lines []ConfirmLine) (*order.Order, error) {
	var v errs.Validator
	for i := range lines {
		l := &lines[i]
		f := "lines." + strconv.Itoa(l.LineNo)
		l.Problem = strings.TrimSpace(l.Problem)
		v.Check(utf8.RuneCountInString(l.Problem) <= MaxProblem, f+".problem", "err.too_long", MaxProblem)
		if strings.ContainsFunc(l.Problem, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
			v.Add(f+".problem", "err.bad_chars")
		}
		v.Check(l.Accepted >= 0 && l.Accepted <= order.MaxQty, f+".accepted", "ship.err.qty")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Orders.Locked(ctx, p, orderID)
		if err == nil {
			o, err = buyerOnly(p, o)
		}
		if err != nil {
			return err
		}
		if o.State != order.Shipped {
			return errs.E(errs.Conflict, "order.err.transition", string(o.State), string(order.Received))
		}
		fv, err := s.view(ctx, o.ID)
		if err != nil {
			return err
		}
		now := s.now()
		// The transaction may run again (a PostgreSQL retry): the lines meant by "every
		// line not yet confirmed" are worked out afresh on each attempt, never kept in the
		// captured slice.
		want := lines
		if len(want) == 0 {
			for _, l := range o.Lines {
				if _, ok := fv.Receipt[l.No]; !ok {
					want = append(want, ConfirmLine{LineNo: l.No, Accepted: fv.Shipped[l.No]})
				}
			}
		}
		byNo := map[int]order.Line{}
		for _, l := range o.Lines {
			byNo[l.No] = l
		}
		var lv errs.Validator
		var rls []ReceiptLine
		seen := map[int]bool{}
		for _, c := range want {
			f := "lines." + strconv.Itoa(c.LineNo)
			if _, ok := byNo[c.LineNo]; !ok || seen[c.LineNo] {
				lv.Add(f, "ship.err.no_line")
				continue
			}
			seen[c.LineNo] = true
			if _, ok := fv.Receipt[c.LineNo]; ok {
				return errs.E(errs.Conflict, "ship.err.confirmed", c.LineNo)
			}
			if c.Accepted > fv.Shipped[c.LineNo] {
				lv.Add(f+".accepted", "ship.err.accept_over", fv.Shipped[c.LineNo])
				continue
			}
			rls = append(rls, ReceiptLine{LineNo: c.LineNo, Accepted: c.Accepted, Problem: c.Problem, ConfirmedBy: p.User.DisplayName, ConfirmedAt: now})
		}
		if err := lv.Err(); err != nil {
			return err
		}
		if len(rls) == 0 {
			return errs.Field("lines", "ship.err.nothing_confirm")
		}
		if err := s.Store.InsertReceiptLines(ctx, o.ID, rls); err != nil {
			return err
		}
		for _, r := range rls {
			fv.Receipt[r.LineNo] = r
		}
		if len(fv.Receipt) < len(o.Lines) {
			return s.Orders.Note(ctx, p, o, "receive_line", lineList(rls))
		}
		return s.received(ctx, p, o, fv, "receive", now)
	})
	if err != nil {
		return nil, err
	}
	return s.Orders.Store.Order(ctx, orderID)
}

func lineList(rls []ReceiptLine) string {
	var b strings.Builder
	for i, r := range rls {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("#" + strconv.Itoa(r.LineNo) + " ×" + strconv.FormatInt(r.Accepted, 10))
	}
	return b.String()
}

// received moves a fully confirmed order to received and releases its escrow now when
// nothing holds it and no problem was noted; otherwise the sweep releases it later.
func (s *Service) received(ctx context.Context, p *identity.Principal, o *order.Order, fv *View, action string, now time.Time) error {
	if err := s.Orders.Advance(ctx, p, o, order.Received, action, ""); err != nil {
		return err
	}
	pr := fv.Progress
	if pr == nil {
		pr = &Progress{OrderID: o.ID, SupplierID: o.SupplierID}
	}
	pr.ReceivedAt, pr.ReleaseAfter = now, now
	for _, l := range o.Lines {
		r := fv.Receipt[l.No]
		if r.Problem != "" || r.Accepted < fv.Shipped[l.No] {
			pr.ReleaseAfter = now.Add(ProblemGrace)
		}
	}
	if err := s.Store.PutProgress(ctx, pr); err != nil {
		return err
	}
	key := "ship.msg.received"
	if action == "auto_receive" {
		key = "ship.msg.auto_received"
		if err := s.send(ctx, o.BuyerOrgID, key, "/buyer/orders/"+o.ID, o.Number); err != nil {
			return err
		}
	}
	if err := s.send(ctx, o.SupplierID, key, "/seller/orders/"+o.ID, o.Number); err != nil {
		return err
	}
	if pr.ReleaseAfter.After(now) || fv.Holds > 0 {
		return nil
	}
	_, err := s.release(ctx, o)
	return err
}

// AutoConfirm confirms receipt for shipped orders whose inspection window has ended:
// each order in its own transaction, conditional on its state, so a repeated run or a
// second node changes nothing more. An order held (after-sales or dispute open) at the
// window's end waits; once the hold is lifted it gets HoldGrace more before it is
// confirmed. It returns how many orders it confirmed.
func (s *Service) AutoConfirm(ctx context.Context, limit int) (int, error) {
	ids, err := s.Store.DueInspection(ctx, s.now(), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		done := false
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			now := s.now()
			if err := s.Orders.Store.LockOrder(ctx, id, now); err != nil {
				return err
			}
			o, err := s.Orders.Store.Order(ctx, id)
			if err != nil {
				return err
			}
			fv, err := s.view(ctx, id)
			if err != nil {
				return err
			}
			pr := fv.Progress
			if o.State != order.Shipped || pr == nil || pr.InspectUntil.After(now) {
				return nil
			}
			switch {
			case fv.Holds > 0:
				if pr.HeldSeenAt.IsZero() {
					pr.HeldSeenAt = now
					return s.Store.PutProgress(ctx, pr)
				}
				return nil
			case !pr.HeldSeenAt.IsZero():
				// The hold was lifted since the sweep saw it: the buyer gets a fresh day.
				pr.HeldSeenAt, pr.InspectUntil = time.Time{}, now.Add(HoldGrace)
				return s.Store.PutProgress(ctx, pr)
			}
			var rls []ReceiptLine
			for _, l := range o.Lines {
				if _, ok := fv.Receipt[l.No]; !ok {
					r := ReceiptLine{LineNo: l.No, Accepted: fv.Shipped[l.No], Auto: true, ConfirmedAt: now}
					rls = append(rls, r)
					fv.Receipt[l.No] = r
				}
			}
			if len(rls) > 0 {
				if err := s.Store.InsertReceiptLines(ctx, o.ID, rls); err != nil {
					return err
				}
			}
			if err := s.received(ctx, nil, o, fv, "auto_receive", now); err != nil {
				return err
			}
			done = true
			return nil
		})
		if err != nil {
			if errs.Is(err, errs.Conflict) {
				continue
			}
			return n, err
		}
		if done {
			n++
		}
	}
	return n, nil
}
