package fulfil_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
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
		if _, err := f.pay.RequestRefund(ctx, b.p, o.ID, "不想要了"); err != nil {
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
