package payment_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// TestBankCheck is battery test 4 for payments: workers pay (sandbox and bank
// statement lines, exact, partial and over), replay notifications, refund, return
// unmatched money and pay supplier deposits at random, while readers check that the
// postings sum to zero, no forbidden balance is negative and escrow per order equals
// paid − refunded, to the fen, against the orders and payment records.
func TestBankCheck(t *testing.T) {
	const workers, opsEach = 6, 40
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		dep := deposit.NewService(d, f.st, f.led, f.st, f.clk.Now)
		bs := f.buyers(workers)
		var mu sync.Mutex
		var captured, refunded, returned, suspended, deposits money.Fen

		read := func() {
			r, err := f.led.Check(ctx)
			if err != nil || !r.Clean() || r.Total != 0 {
				t.Errorf("ledger check during the run: %+v %v", r, err)
			}
			rec, err := f.pay.Reconcile(ctx)
			if err != nil || !rec.Clean() {
				t.Errorf("reconcile during the run: %+v %v", rec, err)
			}
		}
		deadline := time.Now().Add(60 * time.Second) // a bound, never reached in practice
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 11))
				b := bs[w]
				var paid []string    // orders this worker paid
				var pending []string // this worker's pending bank payments
				for i := range opsEach {
					if time.Now().After(deadline) {
						return
					}
					var err error
					switch rng.IntN(9) {
					case 0, 1: // sandbox pay, with a replay
						var p *payment.Payment
						p, err = f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, int64(rng.IntN(20)+1)), Provider: payment.Sandbox})
						if err == nil {
							if _, err = f.pay.CompleteSandbox(ctx, b.p, p.ID); err == nil {
								var r *payment.Receipt
								r, err = f.pay.CompleteSandbox(ctx, b.p, p.ID)
								if err == nil && !r.Replayed {
									t.Errorf("replay not recognised")
								}
								mu.Lock()
								captured += p.Amount
								mu.Unlock()
								for _, o := range p.Orders {
									paid = append(paid, o.OrderID)
								}
							}
						}
					case 2: // a bank payment to be paid by statement
						var p *payment.Payment
						p, err = f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, int64(rng.IntN(20)+1)), Provider: payment.Bank})
						if err == nil {
							pending = append(pending, p.ID)
						}
					case 3, 4: // a statement line for one: exact, short or over
						if len(pending) == 0 {
							continue
						}
						p, _ := f.st.Payment(ctx, pending[0])
						amt := p.Amount + money.Fen(rng.IntN(3)-1)*100
						if amt <= 0 {
							amt = p.Amount
						}
						csv := fmt.Sprintf("交易日期,对方户名,贷方金额,摘要,流水号\n2026-11-24,%s,%s,%s,W%d-%d\n", b.p.Org.Name, amt, p.Remittance, w, i)
						var res *payment.StatementResult
						res, err = f.pay.ImportStatement(ctx, f.staff, "s.csv", []byte(csv))
						if err == nil && len(res.Receipts) == 1 {
							r := res.Receipts[0]
							mu.Lock()
							if r.State == payment.Matched {
								captured += amt
								pending = pending[1:]
								for _, o := range p.Orders {
									paid = append(paid, o.OrderID)
								}
							} else {
								suspended += amt
							}
							mu.Unlock()
							if r.State == payment.Review && rng.IntN(2) == 0 {
								if _, err = f.pay.Return(ctx, f.staff, r.ID, "退回"); err == nil {
									mu.Lock()
									returned += amt
									mu.Unlock()
								}
							}
						}
					case 5, 6: // refund a paid order
						if len(paid) == 0 {
							continue
						}
						id := paid[rng.IntN(len(paid))]
						if _, err = f.pay.RequestRefund(ctx, b.p, id, "取消"); err == nil {
							var r *payment.Refund
							if r, err = f.pay.ApproveRefund(ctx, f.staff, id); err == nil {
								mu.Lock()
								refunded += r.Amount
								mu.Unlock()
							}
						}
						if errs.Is(err, errs.Conflict) {
							err = nil // refunded before
						}
					case 7: // a supplier's deposit
						amt := money.Fen(rng.IntN(100)+1) * 100
						_, err = dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: f.sups[rng.IntN(2)].ID, Amount: amt, Ref: fmt.Sprintf("D%d-%d", w, i)})
						if err == nil {
							mu.Lock()
							deposits += amt
							mu.Unlock()
						}
					case 8:
						read()
					}
					if err != nil {
						t.Errorf("worker %d op %d: %v", w, i, err)
					}
				}
			}()
		}
		wg.Wait()
		read()
		// The model: bank:clearing holds what came in less what went back.
		want := captured + suspended + deposits - refunded - returned
		if got := f.balance(ledger.BankClearing); got != want {
			t.Fatalf("bank:clearing %s, want %s (captured %s suspended %s deposits %s refunded %s returned %s)", got, want, captured, suspended, deposits, refunded, returned)
		}
		rec, _ := f.pay.Reconcile(ctx)
		if rec.Paid != captured || rec.Refunded != refunded || rec.Escrow != captured-refunded {
			t.Fatalf("reconcile totals %+v; captured %s refunded %s", rec, captured, refunded)
		}
		t.Logf("captured %s, refunded %s, suspense %s, returned %s, deposits %s over %d orders", captured, refunded, suspended, returned, deposits, rec.Orders)
	})
}
