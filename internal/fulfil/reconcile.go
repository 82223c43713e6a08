package fulfil

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/money"
)

// PayableDifference is a supplier whose payable disagrees with its settlements and
// payouts.
type PayableDifference struct {
	SupplierID string
	Payable    money.Fen // the ledger's balance
	Want       money.Fen // Σ released net − Σ paid out
}

// Reconciliation compares, to the fen, the ledger's payables and commission revenue
// with the settlement and payout records.
type Reconciliation struct {
	Suppliers     int
	Net           money.Fen // Σ released to suppliers
	Commission    money.Fen // Σ commissions of settlements
	PaidOut       money.Fen
	Payable       money.Fen // Σ payable balances
	RevenueLedger money.Fen // platform:revenue:commission
	Differences   []PayableDifference
	// CommissionDiffers is set when the revenue account ≠ Σ commissions.
	CommissionDiffers bool
}

// Clean reports zero difference.
func (r *Reconciliation) Clean() bool { return len(r.Differences) == 0 && !r.CommissionDiffers }

// Reconcile proves payable per supplier = released net − paid out and commission
// revenue = Σ commissions, from one consistent read.
func (s *Service) Reconcile(ctx context.Context) (*Reconciliation, error) {
	rows, rev, err := s.Store.SupplierTotals(ctx)
	if err != nil {
		return nil, err
	}
	out := &Reconciliation{RevenueLedger: rev}
	for _, r := range rows {
		out.Suppliers++
		out.Net += r.Net
		out.Commission += r.Commission
		out.PaidOut += r.PaidOut
		out.Payable += r.Payable
		if want := r.Net - r.PaidOut; want != r.Payable {
			out.Differences = append(out.Differences, PayableDifference{SupplierID: r.SupplierID, Payable: r.Payable, Want: want})
		}
	}
	out.CommissionDiffers = out.Commission != rev
	return out, nil
}
