package fulfil_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
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

// Commission on what is left of each line after its own after-sales refunds; refunds
// naming no line spread pro rata; freight free; fixed parts only for lines with
// something left.
func TestCommissionLineRefunds(t *testing.T) {
	r := func(bp int64, fixed money.Fen) fees.Rule { return fees.Rule{RateBP: bp, FixedFen: fixed} }
	cases := []struct {
		name            string
		released, total money.Fen
		lines           []fulfil.RatedLine
		want            money.Fen
	}{
		// two ¥10.00 lines at 5 %, ¥5.00 freight; line 1 refunded in full by its case
		{"one line refunded", 1500, 2500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: r(500, 0)}, {Amount: 1000, Rule: r(500, 0)}}, 50},
		// and a dispute refunds ¥3.00 more: spread over line 2 and freight (1200 ÷ 1500)
		{"and a dispute refund", 1200, 2500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: r(500, 0)}, {Amount: 1000, Rule: r(500, 0)}}, 40},
		// line 1 refunded ¥4.00: 600 + 1000 left at 5 %
		{"part of a line refunded", 2100, 2500, []fulfil.RatedLine{{Amount: 1000, Refunded: 400, Rule: r(500, 0)}, {Amount: 1000, Rule: r(500, 0)}}, 80},
		// lines at different rates: refunding the dear line lowers commission more than pro rata would
		{"rates differ", 1500, 2500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: r(1000, 0)}, {Amount: 1000, Rule: r(100, 0)}}, 10},
		// fixed parts: only the line with something left pays its own
		{"fixed part of a refunded line", 1500, 2500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: r(0, 300)}, {Amount: 1000, Rule: r(0, 200)}}, 200},
		// half-up once per order: 0.5 + 0.5 fen → 1 fen
		{"rounded once", 20, 20, []fulfil.RatedLine{{Amount: 10, Rule: r(500, 0)}, {Amount: 10, Rule: r(500, 0)}}, 1},
		// a refund larger than its line counts only up to the line
		{"refund over the line", 500, 1500, []fulfil.RatedLine{{Amount: 1000, Refunded: 1200, Rule: r(500, 100)}}, 0},
		// never more than released
		{"capped", 100, 2100, []fulfil.RatedLine{{Amount: 1000, Refunded: 1000, Rule: r(0, 500)}, {Amount: 1000, Rule: r(0, 500)}}, 100},
	}
	for _, c := range cases {
		if got := fulfil.Commission(c.released, c.total, c.lines); got != c.want {
			t.Errorf("%s: commission %d, want %d", c.name, got, c.want)
		}
	}
}

// LineRefunds sums the case refunds of an order per line, on both engines; the
// settlement's commission follows them.
func TestLineRefundsSettle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(500, f.clk.Now().Add(-time.Hour))
		b := f.buyers(1)[0]
		o := f.paid(b, 10)[0] // one line, ¥12.35
		pays, err := f.st.PaymentsOfOrder(ctx, o.ID)
		if err != nil || len(pays) == 0 {
			t.Fatal(pays, err)
		}
		now := db.Millis(f.clk.Now())
		for i, amt := range []int64{100, 135} {
			cid := db.NewID()
			if _, err := d.Exec(ctx, `INSERT INTO aftersale_cases (id, number, order_id, line_no, buyer_org_id, supplier_id, created_by, kind, reason, qty, amount_fen, refunded_fen, state, created_at, updated_at)
				VALUES (?, ?, ?, 1, ?, ?, ?, 'refund_only', 'quality', 1, ?, ?, 'refunded', ?, ?)`,
				cid, fmt.Sprintf("AS-T-%d", i), o.ID, o.BuyerOrgID, o.SupplierID, b.p.User.ID, amt, amt, now, now); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO aftersale_refunds (id, order_id, case_id, payment_id, buyer_org_id, supplier_id, amount_fen, provider, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, 'sandbox', ?)`, db.NewID(), o.ID, cid, pays[0].ID, o.BuyerOrgID, o.SupplierID, amt, now); err != nil {
				t.Fatal(err)
			}
			if _, err := f.led.Post(ctx, ledger.Transaction{Kind: "aftersale.refund", Ref: cid, Subject: "case:" + cid,
				Postings: ledger.Pair(ledger.Escrow(o.ID), ledger.BankClearing, money.Fen(amt))}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := f.st.LineRefunds(ctx, o.ID)
		if err != nil || len(got) != 1 || got[1] != 235 {
			t.Fatalf("line refunds %v (%v), want line 1: 235", got, err)
		}
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		st, err := f.st.Settlement(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		// ¥10.00 left of the line at 5 %
		if st.Gross != 1000 || st.Commission != 50 || st.Net != 950 {
			t.Fatalf("settlement gross %d commission %d net %d, want 1000 50 950", st.Gross, st.Commission, st.Net)
		}
	})
}

// A payout the bank did not make is marked failed: its hold is voided, nothing is
// posted, the next batch pays the supplier again; a failed payout cannot then be
// marked paid, nor a paid one failed.
func TestPayoutFailed(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(200, f.clk.Now().Add(-time.Hour))
		b := f.buyers(1)[0]
		f.settle(b, 10)
		f.account(0)
		f.account(1)
		payable0 := f.balance(ledger.Payable(f.sups[0].ID))
		batch, err := f.ful.CreateBatch(ctx, f.staff)
		if err != nil || len(batch.Payouts) != 2 {
			t.Fatal(batch, err)
		}
		var po, other fulfil.Payout
		for _, p := range batch.Payouts {
			if p.SupplierID == f.sups[0].ID {
				po = p
			} else {
				other = p
			}
		}
		// Refused: not staff, no reason, odd bytes.
		_, err = f.ful.MarkFailed(ctx, f.supP[0], po.ID, "退票")
		wantCode(t, err, errs.NotFound)
		_, err = f.ful.MarkFailed(ctx, f.staff, po.ID, "  ")
		wantField(t, err, "reason")
		_, err = f.ful.MarkFailed(ctx, f.staff, po.ID, "退\x00票")
		wantField(t, err, "reason")
		// The supplier's payable is all reserved: no new batch for it.
		if _, err := f.ful.CreateBatch(ctx, f.staff); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second batch with both payouts pending: %v", err)
		}
		got, err := f.ful.MarkFailed(ctx, f.staff, po.ID, "银行退票：户名不符")
		if err != nil {
			t.Fatal(err)
		}
		if got.State != fulfil.PayoutCancelled || got.FailReason != "银行退票：户名不符" || got.FailedAt.IsZero() {
			t.Fatalf("failed payout %+v", got)
		}
		stored, err := f.st.Payout(ctx, po.ID)
		if err != nil || stored.State != fulfil.PayoutCancelled || stored.FailReason != "银行退票：户名不符" || stored.FailedBy == "" {
			t.Fatalf("stored %+v (%v)", stored, err)
		}
		bal, err := f.led.Balance(ctx, ledger.Payable(f.sups[0].ID))
		if err != nil || bal.Balance != payable0 || bal.Pending != 0 {
			t.Fatalf("payable after failure %+v (%v), want %s with nothing reserved", bal, err, payable0)
		}
		// Twice, or paid after failing: refused, nothing changes.
		_, err = f.ful.MarkFailed(ctx, f.staff, po.ID, "再次")
		wantCode(t, err, errs.Conflict)
		_, err = f.ful.MarkPaid(ctx, f.staff, po.ID, "ICBC20261124009")
		wantCode(t, err, errs.Conflict)
		if f.balance(ledger.Payable(f.sups[0].ID)) != payable0 {
			t.Fatal("payable moved after a refused call")
		}
		// The next batch pays supplier 0 again, in full; supplier 1's payout is still pending.
		next, err := f.ful.CreateBatch(ctx, f.staff)
		if err != nil {
			t.Fatal(err)
		}
		if len(next.Payouts) != 1 || next.Payouts[0].SupplierID != f.sups[0].ID || next.Payouts[0].Amount != payable0 {
			t.Fatalf("next batch %+v", next)
		}
		if _, err := f.ful.MarkPaid(ctx, f.staff, next.Payouts[0].ID, "ICBC20261125001"); err != nil {
			t.Fatal(err)
		}
		if got := f.balance(ledger.Payable(f.sups[0].ID)); got != 0 {
			t.Fatalf("payable after the second payout %s", got)
		}
		// A paid payout cannot fail.
		if _, err := f.ful.MarkPaid(ctx, f.staff, other.ID, "ICBC20261124002"); err != nil {
			t.Fatal(err)
		}
		_, err = f.ful.MarkFailed(ctx, f.staff, other.ID, "退票")
		wantCode(t, err, errs.Conflict)
		f.mustClean()
	})
}

// retryStore fails the first InsertReceiptLines with a serialization failure (so
// WithTx runs the transaction again) and, on the retry, has line 1 confirmed by
// someone else in between.
type retryStore struct {
	fulfil.Store
	inserts, reads int
	orderID        string
}

func (r *retryStore) InsertReceiptLines(ctx context.Context, orderID string, ls []fulfil.ReceiptLine) error {
	r.inserts++
	if r.inserts == 1 {
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access (injected)"}
	}
	return r.Store.InsertReceiptLines(ctx, orderID, ls)
}

func (r *retryStore) ReceiptLines(ctx context.Context, orderID string) ([]fulfil.ReceiptLine, error) {
	r.reads++
	if r.reads == 2 && orderID == r.orderID {
		if err := r.Store.InsertReceiptLines(ctx, orderID, []fulfil.ReceiptLine{{LineNo: 1, Accepted: 10, ConfirmedBy: "other", ConfirmedAt: time.Now()}}); err != nil {
			return nil, err
		}
	}
	return r.Store.ReceiptLines(ctx, orderID)
}

// Confirm without lines ("everything not yet confirmed") works the lines out again on a
// retried transaction instead of reusing the first attempt's list.
func TestConfirmRetryRecomputesLines(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		// A second product of supplier 0, so its order has two lines.
		k := &catalog.SKU{Code: "SKU-0B", Price: 20000, MOQ: 1, Multiple: 1, Unit: "件", Stock: 1000, WeightG: 500}
		if err := f.st.AddProduct(ctx, &catalog.Product{SupplierID: f.sups[0].ID, CategoryID: f.cat.ID, Title: "法兰螺母", Name: "法兰螺母", Status: catalog.StatusOnSale},
			[]*catalog.SKU{k}); err != nil {
			t.Fatal(err)
		}
		res, err := f.ord.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: 10}, {SKU: k.ID, Qty: 10}}})
		if err != nil || len(res.Orders) != 1 || len(res.Orders[0].Lines) != 2 {
			t.Fatal(res, err)
		}
		o := res.Orders[0]
		pay, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: []string{o.ID}, Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay.CompleteSandbox(ctx, b.p, pay.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		rs := &retryStore{Store: f.st, orderID: o.ID}
		ful := *f.ful
		ful.Store = rs
		got, err := ful.Confirm(ctx, b.p, o.ID, nil)
		if err != nil {
			t.Fatalf("confirm on a retried transaction: %v", err)
		}
		if rs.inserts != 2 {
			t.Fatalf("the transaction ran %d times, want 2 (the injected retry)", rs.inserts)
		}
		if got.State != order.Received && got.State != order.Settled {
			t.Fatalf("state %s", got.State)
		}
		rls, err := f.st.ReceiptLines(ctx, o.ID)
		if err != nil || len(rls) != 2 {
			t.Fatalf("receipt lines %+v (%v)", rls, err)
		}
	})
}
