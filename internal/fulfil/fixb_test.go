package fulfil_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/order"
)

// A buyer's open request to cancel and be refunded stops the supplier shipping until it
// is decided; once part of the order has shipped the buyer can no longer ask.
func TestShipWaitsForRefundRequest(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		os := f.paid(b, 10)
		o := os[0]
		if _, err := f.pay.RequestRefund(ctx, b.p, o.ID, "不想要了"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); !errs.Is(err, errs.Conflict) {
			t.Fatalf("shipped while a refund request was open: %v", err)
		}
		if _, v, err := f.ful.View(ctx, f.supP[0], o.ID); err != nil || len(v.Shipments) != 0 {
			t.Fatalf("refused shipment left %v (%v)", v, err)
		}
		if _, err := f.pay.RejectRefund(ctx, f.supP[0], o.ID, "已备货"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); err != nil {
			t.Fatalf("refund rejected, shipping refused: %v", err)
		}
		if _, err := f.pay.RequestRefund(ctx, b.p, o.ID, "还是不要了"); !errs.Is(err, errs.Conflict) {
			t.Fatalf("request after shipment: want Conflict, got %v", err)
		}
		if st := f.state(o.ID); st != order.Shipped {
			t.Fatalf("state %s", st)
		}
	})
}
