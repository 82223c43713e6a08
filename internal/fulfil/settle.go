package fulfil

import (
	"context"
	"math/big"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// FaultAfterRelease is the fault point between the release's ledger posting and the
// order's move to settled.
const FaultAfterRelease = "fulfil.after_release"

// RatedLine is an order line's amount with the commission rule in force when the order
// was placed, and what its own after-sales cases refunded.
type RatedLine struct {
	Amount   money.Fen
	Refunded money.Fen // refunded by after-sales cases on this line
	Rule     fees.Rule
}

// Commission is the platform's commission on released, the part of an order's total
// still in escrow when it is released. Each line is charged at the commission rule of
// its category in force when the order was placed, on what is left of it: its amount
// less its own after-sales refunds. Freight is charged nothing. Refunds that name no
// line (a dispute's) are spread pro rata over what is left of the lines and the
// freight, so the order's commission is Σ left × rate, scaled by released ÷ Σ left
// (freight included), rounded half-up to the fen once per order, plus the fixed parts
// of the lines with something left; never more than released.
func Commission(released, total money.Fen, lines []RatedLine) money.Fen {
	if released <= 0 || total <= 0 {
		return 0
	}
	num := new(big.Int)
	var fixed money.Fen
	left := total // what is left of the order after the lines' own refunds
	for _, l := range lines {
		ref := min(max(l.Refunded, 0), max(l.Amount, 0))
		rest := l.Amount - ref
		left -= ref
		if rest <= 0 {
			continue
		}
		num.Add(num, new(big.Int).Mul(big.NewInt(int64(rest)), big.NewInt(l.Rule.RateBP)))
		fixed += l.Rule.FixedFen
	}
	if left <= 0 {
		return 0
	}
	scale := min(released, left)
	// scale × Σ(left × bp) / (left × 10000), half-up.
	num.Mul(num, big.NewInt(int64(scale)))
	den := new(big.Int).Mul(big.NewInt(int64(left)), big.NewInt(10000))
	num.Mul(num, big.NewInt(2))
	num.Add(num, den)
	den.Mul(den, big.NewInt(2))
	c := new(big.Int).Quo(num, den)
	out := money.Fen(c.Int64()) + fixed
	if out > released {
		out = released
	}
	return out
}

// rated reads the commission rule of each line of o in force when o was placed, and
// what each line's after-sales cases refunded.
func (s *Service) rated(ctx context.Context, o *order.Order) ([]RatedLine, error) {
	rules, err := s.Store.FeeRules(ctx)
	if err != nil {
		return nil, err
	}
	paths, err := s.Store.LineCategories(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	refunded, err := s.Store.LineRefunds(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	out := make([]RatedLine, 0, len(o.Lines))
	for _, l := range o.Lines {
		out = append(out, RatedLine{Amount: l.Amount, Refunded: refunded[l.No], Rule: fees.InForce(rules, fees.Commission, paths[l.No], o.CreatedAt)})
	}
	return out, nil
}

// release posts an order's release and moves it to settled, in the caller's
// transaction (the order's row is locked by the caller). It releases exactly what is
// left in escrow. A second release is a Conflict: the state check refuses it, and the
// ledger's (Kind, Ref) and the settlements' primary key would refuse it again.
func (s *Service) release(ctx context.Context, o *order.Order) (*Settlement, error) {
	if o.State != order.Received {
		return nil, errs.E(errs.Conflict, "order.err.transition", string(o.State), string(order.Settled))
	}
	holds, err := s.Store.OrderHolds(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if holds > 0 {
		return nil, errs.E(errs.Conflict, "ship.err.held")
	}
	bal, err := s.Ledger.Balance(ctx, ledger.Escrow(o.ID))
	if err != nil {
		return nil, err
	}
	gross := bal.Available()
	if gross < 0 {
		gross = 0
	}
	lines, err := s.rated(ctx, o)
	if err != nil {
		return nil, err
	}
	st := &Settlement{OrderID: o.ID, Number: o.Number, SupplierID: o.SupplierID, Gross: gross, SettledAt: s.now()}
	st.Commission = Commission(gross, o.Total, lines)
	st.Net = gross - st.Commission
	if gross > 0 {
		t := ledger.Transaction{Kind: KindRelease, Ref: o.ID, Subject: "order:" + o.ID, Memo: o.Number,
			Postings: []ledger.Posting{{Account: ledger.Escrow(o.ID), Amount: gross}}}
		if st.Net > 0 {
			t.Postings = append(t.Postings, ledger.Posting{Account: ledger.Payable(o.SupplierID), Amount: -st.Net})
		}
		if st.Commission > 0 {
			t.Postings = append(t.Postings, ledger.Posting{Account: ledger.CommissionRevenue, Amount: -st.Commission})
		}
		tx, err := s.Ledger.Post(ctx, t)
		if err != nil {
			return nil, err
		}
		if tx.Replayed {
			return nil, errs.E(errs.Conflict, "ship.err.released")
		}
		st.TxID = tx.ID
	}
	if err := s.DB.Fault(ctx, FaultAfterRelease); err != nil {
		return nil, err
	}
	if err := s.Store.InsertSettlement(ctx, st); err != nil {
		return nil, err
	}
	if err := s.Orders.Advance(ctx, nil, o, order.Settled, "settle", st.Net.String()); err != nil {
		return nil, err
	}
	if err := s.send(ctx, o.SupplierID, "ship.msg.settled", "/seller/orders/"+o.ID, o.Number, st.Gross.String(), st.Commission.String(), st.Net.String()); err != nil {
		return nil, err
	}
	return st, nil
}

// Release releases a received order's escrow now, at the request of staff (who may
// release before the problem grace ends) — refused while the order is held, before it
// is received and after it is settled.
func (s *Service) Release(ctx context.Context, p *identity.Principal, orderID string) (*Settlement, error) {
	if !staff(p) {
		return nil, notFound()
	}
	var out *Settlement
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Orders.Locked(ctx, p, orderID)
		if err != nil {
			return err
		}
		if out, err = s.release(ctx, o); err != nil {
			return err
		}
		return s.audit(ctx, p, "settle.release", "order", o.ID, o.Number+" "+out.Gross.String()+" "+out.Commission.String()+" "+out.Net.String())
	})
	return out, err
}

// SweepRelease releases received orders without holds whose release time has come
// (a hold lifted, or the problem grace over), each in its own transaction; a repeated
// run changes nothing more. It returns how many it released.
func (s *Service) SweepRelease(ctx context.Context, limit int) (int, error) {
	ids, err := s.Store.DueRelease(ctx, s.now(), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			if err := s.Orders.Store.LockOrder(ctx, id, s.now()); err != nil {
				return err
			}
			o, err := s.Orders.Store.Order(ctx, id)
			if err != nil {
				return err
			}
			_, err = s.release(ctx, o)
			return err
		})
		switch {
		case err == nil:
			n++
		case errs.Is(err, errs.Conflict):
		default:
			return n, err
		}
	}
	return n, nil
}

// Sweep is the timed job's work: confirm receipt past the inspection window, then
// release what is due.
func (s *Service) Sweep(ctx context.Context) (confirmed, released int, err error) {
	if confirmed, err = s.AutoConfirm(ctx, 500); err != nil {
		return
	}
	released, err = s.SweepRelease(ctx, 500)
	return
}
