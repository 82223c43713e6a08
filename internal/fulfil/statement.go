package fulfil

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Statement is a supplier's payout statement (结算对账单) for one month: each order
// settled in it (gross, commission, net), each payout paid in it, and the payable
// balance at its start and end: Closing = Opening + Net − PaidOut.
type Statement struct {
	SupplierID   string
	Period       string // 2006-01, Asia/Shanghai
	From, To     time.Time
	Opening      money.Fen
	Closing      money.Fen
	Settlements  []Settlement
	Payouts      []Payout // paid in the period
	Gross        money.Fen
	Commission   money.Fen
	Net          money.Fen
	PaidOut      money.Fen
	Unreconciled bool // Closing ≠ Opening + Net − PaidOut (never, unless the ledger was edited)
}

// ParsePeriod reads "2006-01" in Asia/Shanghai; "" is the current month.
func ParsePeriod(s string, now time.Time) (from, to time.Time, err error) {
	if s == "" {
		s = now.In(order.Shanghai).Format("2006-01")
	}
	from, err = time.ParseInLocation("2006-01", s, order.Shanghai)
	if err != nil || from.Year() < 2000 || from.Year() > 2100 {
		return time.Time{}, time.Time{}, errs.Field("period", "ship.err.period")
	}
	return from, from.AddDate(0, 1, 0), nil
}

// StatementOf returns the caller's statement for a period; staff may name any supplier.
func (s *Service) StatementOf(ctx context.Context, p *identity.Principal, supplierID, period string) (*Statement, error) {
	switch {
	case p.Is(identity.Supplier):
		supplierID = p.Org.ID
	case staff(p) || (p.Is(identity.Platform) && len(p.Roles) > 0):
		if !db.ValidID(supplierID) {
			return nil, notFound()
		}
	default:
		return nil, notFound()
	}
	from, to, err := ParsePeriod(period, s.now())
	if err != nil {
		return nil, err
	}
	st := &Statement{SupplierID: supplierID, Period: from.Format("2006-01"), From: from, To: to}
	if st.Settlements, err = s.Store.Settlements(ctx, supplierID, from, to); err != nil {
		return nil, err
	}
	all, err := s.Store.Payouts(ctx, supplierID, time.Time{}, to.AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	for _, po := range all {
		if po.State == PayoutPaid && !po.PaidAt.Before(from) && po.PaidAt.Before(to) {
			st.Payouts = append(st.Payouts, po)
			st.PaidOut += po.Amount
		}
	}
	for _, x := range st.Settlements {
		st.Gross += x.Gross
		st.Commission += x.Commission
		st.Net += x.Net
	}
	acct := ledger.Payable(supplierID)
	open, err := s.Ledger.BalanceAt(ctx, acct, from.Add(-time.Millisecond))
	if err != nil {
		return nil, err
	}
	closing, err := s.Ledger.BalanceAt(ctx, acct, to.Add(-time.Millisecond))
	if err != nil {
		return nil, err
	}
	st.Opening, st.Closing = open, closing
	st.Unreconciled = st.Closing != st.Opening+st.Net-st.PaidOut
	return st, nil
}

// Settlements lists every supplier's settlements in a month (staff's settlement report).
func (s *Service) Settlements(ctx context.Context, p *identity.Principal, period string) ([]Settlement, string, error) {
	if !staff(p) {
		return nil, "", notFound()
	}
	from, to, err := ParsePeriod(period, s.now())
	if err != nil {
		from, to, _ = ParsePeriod("", s.now())
	}
	list, err := s.Store.Settlements(ctx, "", from, to)
	return list, from.Format("2006-01"), err
}
