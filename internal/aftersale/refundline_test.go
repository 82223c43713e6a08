package aftersale_test

import (
	"context"
	"testing"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// TestCaseRefundNamesItsLine: a case's refund tells the invoice module (OnRefund) which
// order line went back, so the red-letter task reverses that line at its own rate.
func TestCaseRefundNamesItsLine(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)
		o := f.paidOrder(b[0], 100, order.Shipped)
		type call struct {
			ref    string
			line   int
			amount money.Fen
		}
		var calls []call
		f.pay.OnRefund = func(ctx context.Context, orderID, ref string, line int, amount money.Fen) error {
			if orderID != o.ID {
				t.Errorf("OnRefund for order %s, want %s", orderID, o.ID)
			}
			calls = append(calls, call{ref, line, amount})
			return nil
		}
		c, err := f.svc.Open(ctx, b[0].p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 10, Amount: 1_250, IdemKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"}); err != nil {
			t.Fatal(err)
		}
		if len(calls) != 1 || calls[0].line != 1 || calls[0].amount != 1_250 || calls[0].ref != "aftersale:case:"+c.ID {
			t.Fatalf("OnRefund calls %+v", calls)
		}
	})
}
