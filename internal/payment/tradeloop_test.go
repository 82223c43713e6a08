package payment_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// TestBankCheckTradeLoop is battery test 4 over the whole trade loop: workers pay,
// refund unshipped orders, ship, confirm receipt (which releases escrow less
// commission), and make and pay payout batches at random, while readers check that the
// postings sum to zero, no forbidden balance is negative, escrow per order = paid −
// refunded − released and payable per supplier = released net − paid out. At the end
// bank:clearing = captured − refunded − paid out, to the fen.
func TestBankCheckTradeLoop(t *testing.T) {
	const workers, opsEach = 4, 40
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		ful := &fulfil.Service{DB: d, Store: f.st, Orders: f.ord, Ledger: f.led, Now: f.clk.Now}
		if err := f.st.AddFeeRule(ctx, &fees.Rule{Kind: fees.Commission, RateBP: 330, EffectiveFrom: f.clk.Now().AddDate(0, 0, -1), CreatedBy: "t", CreatedAt: f.clk.Now()}); err != nil {
			t.Fatal(err)
		}
		for i, sp := range f.supP {
			if _, err := ful.SetAccount(ctx, sp, fulfil.Account{Name: f.sups[i].Name, Bank: "工商银行", Number: "39010000000012345"}); err != nil {
				t.Fatal(err)
			}
		}
		bs := f.buyers(workers)
		var mu sync.Mutex
		var captured, refunded, paidOut money.Fen
		read := func() {
			r, err := f.led.Check(ctx)
			if err != nil || !r.Clean() || r.Total != 0 {
				t.Errorf("ledger check during the run: %+v %v", r, err)
			}
			if rec, err := f.pay.Reconcile(ctx); err != nil || !rec.Clean() {
				t.Errorf("escrow reconcile during the run: %+v %v", rec, err)
			}
			if sr, err := ful.Reconcile(ctx); err != nil || !sr.Clean() {
				t.Errorf("payable reconcile during the run: %+v %v", sr, err)
			}
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 29))
				b := bs[w]
				var paid []string
				for i := range opsEach {
					var err error
					switch rng.IntN(8) {
					case 0, 1:
						var p *payment.Payment
						p, err = f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, int64(rng.IntN(30)+1)), Provider: payment.Sandbox})
						if err == nil {
							if _, err = f.pay.CompleteSandbox(ctx, b.p, p.ID); err == nil {
								mu.Lock()
								captured += p.Amount
								mu.Unlock()
								for _, o := range p.Orders {
									paid = append(paid, o.OrderID)
								}
							}
						}
					case 2: // refund a paid order, if it has not shipped
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
					case 3, 4: // ship
						if len(paid) == 0 {
							continue
						}
						id := paid[rng.IntN(len(paid))]
						o, gerr := f.st.Order(ctx, id)
						if gerr != nil {
							err = gerr
							break
						}
						sp := f.supP[0]
						if o.SupplierID == f.sups[1].ID {
							sp = f.supP[1]
						}
						_, err = ful.Ship(ctx, sp, id, fulfil.ShipInput{Mode: fulfil.Parcel, Carrier: fulfil.ZTO, Waybill: "754312345678"})
					case 5: // confirm (and release)
						if len(paid) == 0 {
							continue
						}
						_, err = ful.Confirm(ctx, b.p, paid[rng.IntN(len(paid))], nil)
					case 6: // a payout batch, paid
						var batch *fulfil.Batch
						if batch, err = ful.CreateBatch(ctx, f.staff); err == nil {
							for _, po := range batch.Payouts {
								if _, err = ful.MarkPaid(ctx, f.staff, po.ID, "B"+po.ID[:8]); err != nil {
									break
								}
								mu.Lock()
								paidOut += po.Amount
								mu.Unlock()
							}
						}
					case 7:
						read()
					}
					if err != nil && !errs.Is(err, errs.Conflict) {
						t.Errorf("worker %d op %d: %v", w, i, err)
					}
				}
			}()
		}
		wg.Wait()
		read()
		if got, want := f.balance(ledger.BankClearing), captured-refunded-paidOut; got != want {
			t.Fatalf("bank:clearing %s, want %s (captured %s refunded %s paid out %s)", got, want, captured, refunded, paidOut)
		}
		rec, _ := f.pay.Reconcile(ctx)
		sr, _ := ful.Reconcile(ctx)
		if rec.Escrow != captured-refunded-rec.Released || rec.Released != sr.Net+sr.Commission || sr.PaidOut != paidOut || f.balance(ledger.CommissionRevenue) != sr.Commission {
			t.Fatalf("totals: escrow %+v payables %+v", rec, sr)
		}
		t.Logf("captured %s, refunded %s, released %s (commission %s), paid out %s", captured, refunded, rec.Released, sr.Commission, paidOut)
	})
}
