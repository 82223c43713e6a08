package payment_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// TestConcurrentReceipts delivers the same notification 20 times at once and, for
// another payment, a sandbox click racing a bank statement line with its code: one
// capture each, the loser of the race in the review queue as a duplicate.
func TestConcurrentReceipts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, 3), Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		ids := make([]string, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := f.pay.CompleteSandbox(ctx, b.p, p.ID)
				if err != nil {
					t.Errorf("deliver: %v", err)
					return
				}
				ids[i] = r.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("two receipts for one notification")
			}
		}
		// A bank payment paid twice at once: by its code on a statement and by a receipt
		// staff match by hand would be the same money twice; here a second, different
		// receipt races the first.
		q, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, 2), Provider: payment.Bank})
		if err != nil {
			t.Fatal(err)
		}
		var states []payment.ReceiptState
		var mu sync.Mutex
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				csv := fmt.Sprintf("交易日期,对方户名,贷方金额,摘要,流水号\n2026-11-24,%s,%s,%s,RACE%d\n", b.p.Org.Name, q.Amount, q.Remittance, i)
				res, err := f.pay.ImportStatement(ctx, f.staff, "s.csv", []byte(csv))
				if err != nil || len(res.Receipts) != 1 {
					t.Errorf("import: %+v %v", res, err)
					return
				}
				mu.Lock()
				states = append(states, res.Receipts[0].State)
				mu.Unlock()
			}()
		}
		wg.Wait()
		if len(states) != 2 || (states[0] == states[1]) {
			t.Fatalf("race outcome %v", states)
		}
		var n int64
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE kind = ?`, payment.KindCapture).Scan(&n); err != nil || n != 2 {
			t.Fatalf("captures %d %v", n, err)
		}
		f.mustClean()
	})
}

// TestFaultLeavesNothing fails a payment and a refund after their ledger posting: nothing
// of either is left, and the retry succeeds.
func TestFaultLeavesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		ids := f.checkout(b, 1)
		p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("injected")
		fail := func(point string) {
			d.Hook = func(_ context.Context, p string) error {
				if p == point {
					return boom
				}
				return nil
			}
		}
		fail(payment.FaultAfterCapture)
		if _, err := f.pay.CompleteSandbox(ctx, b.p, p.ID); !errors.Is(err, boom) {
			t.Fatalf("want the injected fault, got %v", err)
		}
		d.Hook = nil
		if f.count() != 0 || f.balance(ledger.BankClearing) != 0 || f.state(ids[0]) != order.AwaitingPayment {
			t.Fatal("a failed payment left something behind")
		}
		if _, err := f.pay.CompleteSandbox(ctx, b.p, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay.RequestRefund(ctx, b.p, ids[0], ""); err != nil {
			t.Fatal(err)
		}
		fail(payment.FaultAfterRefund)
		if _, err := f.pay.ApproveRefund(ctx, f.staff, ids[0]); !errors.Is(err, boom) {
			t.Fatalf("want the injected fault, got %v", err)
		}
		d.Hook = nil
		if f.state(ids[0]) != order.Paid || f.balance(ledger.Escrow(ids[0])) == 0 {
			t.Fatal("a failed refund left something behind")
		}
		if _, err := f.pay.ApproveRefund(ctx, f.staff, ids[0]); err != nil {
			t.Fatal(err)
		}
		f.mustClean()
	})
}
