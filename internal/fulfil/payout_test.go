package fulfil_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

func (f *fixture) account(i int) {
	f.t.Helper()
	if _, err := f.ful.SetAccount(context.Background(), f.supP[i], fulfil.Account{Name: f.sups[i].Name, Bank: "中国工商银行宁波分行", Number: "3901 0000 0000 1234", CNAPS: "102332000011"}); err != nil {
		f.t.Fatal(err)
	}
}

// settle ships and confirms an order pair.
func (f *fixture) settle(b buyerFx, qty int64) [2]*order.Order {
	f.t.Helper()
	ctx := context.Background()
	os := f.paid(b, qty)
	for i, o := range os {
		if _, err := f.ful.Ship(ctx, f.supP[i], o.ID, sfParcel()); err != nil {
			f.t.Fatal(err)
		}
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, nil); err != nil {
			f.t.Fatal(err)
		}
	}
	return os
}

// TestPayouts: a batch pays each supplier's payable to its settlement account, once;
// the statement shows the period's settlements and payouts between its balances.
func TestPayouts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(200, f.clk.Now().Add(-time.Hour))
		b := f.buyers(1)[0]
		// Nothing settled: nothing to pay.
		_, err := f.ful.CreateBatch(ctx, f.staff)
		wantCode(t, err, errs.Conflict)
		f.settle(b, 10)
		f.settle(b, 3)
		// Supplier 1 has no account yet: skipped; supplier 0 is paid.
		f.account(0)
		_, err = f.ful.SetAccount(ctx, f.supP[1], fulfil.Account{Name: "x", Bank: "y", Number: "12ab"})
		wantField(t, err, "number")
		_, err = f.ful.CreateBatch(ctx, f.supP[0])
		wantCode(t, err, errs.NotFound)
		payable0 := f.balance(ledger.Payable(f.sups[0].ID))
		batch, err := f.ful.CreateBatch(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if len(batch.Payouts) != 1 || batch.Payouts[0].Amount != payable0 || len(batch.Skipped) != 1 {
			t.Fatalf("batch: %+v", batch)
		}
		// A second batch has nothing new to pay.
		_, err = f.ful.CreateBatch(ctx, f.staff)
		wantCode(t, err, errs.Conflict)
		po := batch.Payouts[0]
		_, err = f.ful.MarkPaid(ctx, f.staff, po.ID, "bad ref!")
		wantField(t, err, "bank_ref")
		// Marked paid twice at once: one posting.
		var wg sync.WaitGroup
		var mu sync.Mutex
		okN := 0
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.ful.MarkPaid(ctx, f.staff, po.ID, "ICBC20261124001")
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					okN++
				} else if !errs.Is(err, errs.Conflict) {
					t.Errorf("mark paid: %v", err)
				}
			}()
		}
		wg.Wait()
		if okN != 1 || f.balance(ledger.Payable(f.sups[0].ID)) != 0 {
			t.Fatalf("paid %d times, payable %s", okN, f.balance(ledger.Payable(f.sups[0].ID)))
		}
		// Staff's money moves and the account change are in the audit log, once each.
		for action, want := range map[string]int{"settle.payout_paid": 1, "settle.payout_batch": 1, "settle.account": 1} {
			var n int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil || n != want {
				t.Fatalf("audit %s: %d %v", action, n, err)
			}
		}
		// The statement of the month: two settlements, one payout, 0 → 0.
		f.clk.Add(time.Hour)
		st, err := f.ful.StatementOf(ctx, f.supP[0], "", "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Settlements) != 2 || len(st.Payouts) != 1 || st.Opening != 0 || st.Closing != 0 || st.Net != payable0 || st.PaidOut != payable0 || st.Unreconciled {
			t.Fatalf("statement: %+v", st)
		}
		if st.Gross != st.Commission+st.Net || st.Commission == 0 {
			t.Fatalf("statement totals: %+v", st)
		}
		// Supplier 1's statement: one settlement's worth still payable.
		st1, err := f.ful.StatementOf(ctx, f.supP[1], "", "")
		if err != nil || st1.Closing != f.balance(ledger.Payable(f.sups[1].ID)) || st1.Closing == 0 || st1.Unreconciled {
			t.Fatalf("statement 1: %+v %v", st1, err)
		}
		_, err = f.ful.StatementOf(ctx, f.supP[1], "", "2026-13")
		wantField(t, err, "period")
		// Next month opens with the closing balance.
		st2, err := f.ful.StatementOf(ctx, f.supP[1], "", "2026-12")
		if err != nil || st2.Opening != st1.Closing || len(st2.Settlements) != 0 {
			t.Fatalf("next month: %+v %v", st2, err)
		}
		f.mustClean()
	})
}

// TestRandomFulfilment is battery test 4's trade-loop half: workers pay, ship (wholly
// or in parts), confirm, hold and lift, release, batch and pay out at random while
// readers check the ledger; at the end escrow = paid − refunded − released per order,
// payable = released net − paid out per supplier and commission revenue = Σ
// commissions, to the fen.
func TestRandomFulfilment(t *testing.T) {
	const workers, opsEach = 4, 60
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(275, f.clk.Now().Add(-time.Hour))
		f.account(0)
		f.account(1)
		bs := f.buyers(workers)
		read := func() {
			r, err := f.led.Check(ctx)
			if err != nil || !r.Clean() || r.Total != 0 {
				t.Errorf("ledger check during the run: %+v %v", r, err)
			}
			// Each reconciliation reads in one statement: consistent under writers.
			if rec, err := f.pay.Reconcile(ctx); err != nil || !rec.Clean() {
				t.Errorf("escrow reconcile during the run: %+v %v", rec, err)
			}
			if sr, err := f.ful.Reconcile(ctx); err != nil || !sr.Clean() {
				t.Errorf("payable reconcile during the run: %+v %v", sr, err)
			}
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 5))
				b := bs[w]
				var mine []*order.Order
				for range opsEach {
					var err error
					switch rng.IntN(8) {
					case 0, 1:
						os := f.paid(b, int64(1+rng.IntN(40)))
						mine = append(mine, os[0], os[1])
					case 2, 3:
						if len(mine) == 0 {
							continue
						}
						o := mine[rng.IntN(len(mine))]
						in := sfParcel()
						if rng.IntN(2) == 0 {
							in.Lines = map[int]int64{1: int64(1 + rng.IntN(10))}
						}
						i := 0
						if o.SupplierID == f.sups[1].ID {
							i = 1
						}
						_, err = f.ful.Ship(ctx, f.supP[i], o.ID, in)
					case 4:
						if len(mine) == 0 {
							continue
						}
						_, err = f.ful.Confirm(ctx, b.p, mine[rng.IntN(len(mine))].ID, nil)
					case 5:
						if len(mine) == 0 {
							continue
						}
						o := mine[rng.IntN(len(mine))]
						_, err = f.d.Exec(ctx, `UPDATE orders SET holds = ? WHERE id = ?`, rng.IntN(2), o.ID)
						if err == nil {
							_, err = f.ful.Release(ctx, f.staff, o.ID)
						}
					case 6:
						_, _, err = f.ful.Sweep(ctx)
					case 7:
						var batch *fulfil.Batch
						if batch, err = f.ful.CreateBatch(ctx, f.staff); err == nil && rng.IntN(3) > 0 {
							for _, po := range batch.Payouts {
								if _, err = f.ful.MarkPaid(ctx, f.staff, po.ID, "REF"+po.ID[:8]); err != nil {
									break
								}
							}
						}
					}
					if err != nil && !errs.Is(err, errs.Conflict) && !errs.Is(err, errs.Invalid) {
						t.Errorf("op: %v", err)
						return
					}
					if rng.IntN(5) == 0 {
						read()
					}
				}
			}()
		}
		wg.Wait()
		// Lift every hold, let the windows end, sweep, pay out what is left.
		if _, err := f.d.Exec(ctx, `UPDATE orders SET holds = 0`); err != nil {
			t.Fatal(err)
		}
		f.clk.Add(30 * 24 * time.Hour)
		for range 3 {
			if _, _, err := f.ful.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			f.clk.Add(2 * 24 * time.Hour)
		}
		f.mustClean()
		sr, _ := f.ful.Reconcile(ctx)
		var settled int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM settlements`).Scan(&settled); err != nil {
			t.Fatal(err)
		}
		var gross money.Fen
		if err := d.QueryRow(ctx, `SELECT COALESCE(SUM(gross_fen), 0) FROM settlements`).Scan(&gross); err != nil {
			t.Fatal(err)
		}
		if settled == 0 || sr.Net+sr.Commission != gross || f.balance(ledger.CommissionRevenue) != sr.Commission {
			t.Fatalf("settled %d gross %s: %+v", settled, gross, sr)
		}
	})
}
