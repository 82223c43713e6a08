package payment

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Difference is one order where the ledger, the order and the payment records disagree.
type Difference struct {
	OrderID  string
	Number   string
	State    order.State
	Total    money.Fen // the order's total
	Paid     money.Fen // per the payment records
	Refunded money.Fen // per the refund records
	Released money.Fen // per the settlement records
	Escrow   money.Fen // the ledger's escrow:<order> balance
	Want     money.Fen // what escrow must be: paid − released − refunded
	Problem  string    // escrow, state
}

// Reconciliation compares, to the fen, the ledger's escrow with the orders and the
// payment provider records.
type Reconciliation struct {
	Orders      int
	Paid        money.Fen // Σ captured into escrow
	Refunded    money.Fen
	Released    money.Fen
	Escrow      money.Fen // Σ escrow balances
	Differences []Difference
	// Providers are the receipts per provider and state: what the providers say came in.
	Providers []ProviderTotal
	// Matched is the sum of receipts in escrow; PaidPayments the sum of paid payments:
	// equal. InReview is the sum of receipts in review or held; Suspense the sum of the
	// payment:suspense balances: equal.
	Matched, PaidPayments, InReview, Suspense money.Fen
	// Mismatches name the provider-level totals that differ.
	Mismatches []string
}

// Clean reports zero difference.
func (r *Reconciliation) Clean() bool { return len(r.Differences) == 0 && len(r.Mismatches) == 0 }

// Reconcile proves escrow per order = paid − released − refunded against the orders and
// payments and settlement tables, and that the order's state agrees: a paid order holds
// its total, a refunded or settled one nothing.
func (s *Service) Reconcile(ctx context.Context) (*Reconciliation, error) {
	totals, err := s.Store.PaymentTotals(ctx)
	if err != nil {
		return nil, err
	}
	out := &Reconciliation{}
	if out.Providers, out.Suspense, out.PaidPayments, err = s.Store.ReceiptTotals(ctx); err != nil {
		return nil, err
	}
	for _, p := range out.Providers {
		switch p.State {
		case Matched:
			out.Matched += p.Amount
		case Review, Held:
			out.InReview += p.Amount
		}
	}
	if out.Matched != out.PaidPayments {
		out.Mismatches = append(out.Mismatches, "matched_receipts_vs_paid_payments")
	}
	if out.InReview != out.Suspense {
		out.Mismatches = append(out.Mismatches, "review_receipts_vs_suspense")
	}
	for _, t := range totals {
		out.Orders++
		esc := t.Escrow
		out.Paid += t.Paid
		out.Refunded += t.Refunded
		out.Released += t.Released
		out.Escrow += esc
		d := Difference{OrderID: t.OrderID, Number: t.Number, State: t.State, Total: t.Total, Paid: t.Paid, Refunded: t.Refunded, Released: t.Released,
			Escrow: esc, Want: t.Paid - t.Refunded - t.Released}
		switch {
		case esc != d.Want:
			d.Problem = "escrow"
		case t.Paid != 0 && t.Paid != t.Total:
			d.Problem = "paid_total"
		case t.State == order.Paid && esc != t.Total:
			d.Problem = "state"
		case (t.State == order.AwaitingPayment || t.State == order.AwaitingApproval) && t.Paid != 0:
			d.Problem = "state"
		case (t.State == order.Cancelled || t.State == order.Settled) && esc != 0:
			d.Problem = "state"
		}
		if d.Problem != "" {
			out.Differences = append(out.Differences, d)
		}
	}
	return out, nil
}
