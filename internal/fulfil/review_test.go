package fulfil_test

import (
	"context"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/order"
)

// REVIEW: fulfilment lets a supplier ship part of a paid order while it stays "paid";
// the pre-shipment refund (payment.RequestRefund / ApproveRefund, any staff) only looks
// at the state, so an order with goods already on a truck is cancelled with a full
// refund of its total, and the shipped goods are paid for by nobody. Staff approving
// the request see a "paid" (not yet shipped) order.
func TestReviewFullRefundAfterPartShipment(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paid(b, 10)[0]
		part := fulfil.ShipInput{Mode: fulfil.Truck, Carrier: fulfil.LTL, Plate: "浙B 12345D", DriverPhone: "13900000000", Lines: map[int]int64{1: 9}}
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, part); err != nil {
			t.Fatal(err)
		}
		// Refusing the request itself is the fix chosen (a Conflict naming the shipment);
		// the approval below must fail either way.
		if _, err := f.pay.RequestRefund(ctx, b.p, o.ID, "不想要了"); err != nil && !errs.Is(err, errs.Conflict) {
			t.Fatal(err)
		}
		r, err := f.pay.ApproveRefund(ctx, f.staff, o.ID)
		if err == nil {
			t.Fatalf("9 of 10 pieces shipped, yet the order was cancelled with a refund of %s (total %s), escrow now %s, state %s",
				r.Amount, o.Total, f.balance(ledger.Escrow(o.ID)), f.state(o.ID))
		}
		if f.state(o.ID) != order.Paid {
			t.Fatalf("state %s", f.state(o.ID))
		}
	})
}

// REVIEW: the settlement-account form checks lengths and digits but not control bytes
// or UTF-8: a NUL (form "%00") or an invalid byte ("%FF") in the account name or bank
// reaches PostgreSQL, which refuses it — a 500 instead of a 4xx naming the field.
func TestReviewSettlementAccountOddBytes(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		for _, name := range []string{"筑巢\x00科技", "筑巢\xff科技"} {
			_, err := f.ful.SetAccount(ctx, f.supP[0], fulfil.Account{Name: name, Bank: "工商银行杭州分行", Number: "6222020200001234567"})
			if err == nil || errs.Is(err, errs.Internal) || errs.As(err) == nil || len(errs.As(err).Fields) == 0 {
				t.Errorf("name %q: want a field error, got %v", name, err)
			}
		}
	})
}

// REVIEW: Commission scales Σ line × rate by released ÷ total, total including freight.
// When an after-sales case refunds a whole line (cases are per line) and only the
// freight is left to release, commission is still charged — on freight, which the rule
// says is charged nothing — and each line's fixed part is charged in full whether or
// not the line was refunded.
func TestReviewCommissionAfterLineRefund(t *testing.T) {
	// ¥10.00 line at 5 %, ¥5.00 freight; the line refunded in full: ¥5.00 (freight) released.
	// (The line's own refund is named in Refunded: without it, a ¥10.00 refund is one that
	// names no line, a dispute's, spread pro rata as TestCommission's "half refunded".)
	if got := fulfil.Commission(500, 1500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: fees.Rule{RateBP: 500}}}); got != 0 {
		t.Errorf("line refunded in full, only freight released: commission %d fen, want 0", got)
	}
	if got := fulfil.Commission(500, 1500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: fees.Rule{FixedFen: 200}}}); got != 0 {
		t.Errorf("line refunded in full: fixed commission %d fen still charged on freight", got)
	}
}

// REVIEW: DueInspection returns shipped orders whose window ended, oldest first, held or
// not; AutoConfirm skips the held ones. Once `limit` (500 in Sweep) held orders are older
// than the rest, every run picks the same held orders and no other order is ever
// confirmed automatically (nor released). Shown with limit 1 and one held order.
func TestReviewHeldOrdersStarveAutoConfirm(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		os := f.paid(b, 3)
		held, free := os[0].ID, os[1].ID
		if _, err := f.ful.Ship(ctx, f.supP[0], held, sfParcel()); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(time.Hour) // the held order's window ends first
		if _, err := f.ful.Ship(ctx, f.supP[1], free, sfParcel()); err != nil {
			t.Fatal(err)
		}
		f.setHolds(held, 1) // an after-sales case open for weeks
		f.clk.Add(30 * 24 * time.Hour)
		for i := 0; i < 10; i++ {
			if _, err := f.ful.AutoConfirm(ctx, 1); err != nil {
				t.Fatal(err)
			}
		}
		if st := f.state(free); st != order.Received && st != order.Settled {
			t.Fatalf("an unheld order 30 days past its window is still %s: the held order ahead of it takes the sweep's whole batch", st)
		}
	})
}
