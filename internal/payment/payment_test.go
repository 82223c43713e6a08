package payment_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/tradetest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var wantCode = tradetest.WantCode

// fixture is two live suppliers with a SKU each, platform staff, and buyers on demand.
type fixture struct {
	t     testing.TB
	d     *db.DB
	st    *store.Store
	clk   *tradetest.Clock
	ord   *order.Service
	led   *ledger.Service
	pay   *payment.Service
	sups  []*identity.Org
	supP  []*identity.Principal
	skus  []*catalog.SKU
	staff *identity.Principal
	n     int
}

type buyerFx struct {
	p    *identity.Principal
	addr string
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := store.New(d)
	f := &fixture{t: t, d: d, st: st, clk: tradetest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))}
	now := f.clk.Now
	f.ord = &order.Service{DB: d, Store: st, Buyers: st, Now: now}
	f.led = ledger.NewService(d, st, now)
	f.pay = &payment.Service{DB: d, Store: st, Ledger: f.led, Orders: f.ord, Messages: &notify.Service{Store: st, Now: now}, Now: now,
		Providers: map[string]payment.Provider{
			payment.Sandbox: payment.SandboxProvider{},
			payment.Bank:    payment.BankProvider{Account: payment.BankAccount{Name: "筑巢科技有限公司", Bank: "招商银行杭州分行", Number: "571900000000001", CNAPS: "308331012345"}},
		}}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		cat := &catalog.Category{Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/bolts/"}
		if err := st.AddCategory(ctx, cat); err != nil {
			return err
		}
		sups, skus, err := tradetest.Suppliers(ctx, st, cat.ID, 2, 12500, now())
		if err != nil {
			return err
		}
		f.supP, f.skus = sups, skus
		for _, sp := range sups {
			o := sp.Org
			f.sups = append(f.sups, &o)
		}
		po, err := tradetest.Platform(ctx, st, now())
		if err != nil {
			return err
		}
		f.staff, err = tradetest.Staff(ctx, st, po, "finance", "财务", identity.Admin, now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) buyers(n int) []buyerFx {
	f.t.Helper()
	ps, addrs, err := tradetest.Buyers(f.d, f.st, &f.n, n, f.clk.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]buyerFx, n)
	for i := range out {
		out[i] = buyerFx{p: ps[i], addr: addrs[i]}
	}
	return out
}

// checkout places one order per supplier (qty each of both SKUs) and returns their IDs.
func (f *fixture) checkout(b buyerFx, qty int64) []string {
	f.t.Helper()
	res, err := f.ord.Checkout(context.Background(), b.p, order.CheckoutInput{AddressID: b.addr,
		Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: qty}, {SKU: f.skus[1].ID, Qty: qty}}})
	if err != nil {
		f.t.Fatal(err)
	}
	var ids []string
	for _, o := range res.Orders {
		ids = append(ids, o.ID)
	}
	return ids
}

func (f *fixture) mustClean() {
	f.t.Helper()
	ctx := context.Background()
	r, err := f.led.Check(ctx)
	if err != nil || !r.Clean() || r.Total != 0 {
		f.t.Fatalf("ledger check: %+v %v", r, err)
	}
	rec, err := f.pay.Reconcile(ctx)
	if err != nil || !rec.Clean() {
		f.t.Fatalf("reconcile: %+v %v", rec, err)
	}
}

func (f *fixture) balance(acct string) money.Fen {
	f.t.Helper()
	b, err := f.led.Balance(context.Background(), acct)
	if err != nil {
		f.t.Fatal(err)
	}
	return b.Balance
}

func (f *fixture) state(id string) order.State {
	f.t.Helper()
	o, err := f.st.Order(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o.State
}

func TestSandboxPaymentIntoEscrow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(2)
		ids := f.checkout(b[0], 10)
		p, err := f.pay.Create(ctx, b[0].p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox, IdemKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Amount != 2_500 || len(p.Orders) != 2 || p.State != payment.Pending {
			t.Fatalf("payment: %+v", p)
		}
		again, err := f.pay.Create(ctx, b[0].p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox, IdemKey: "k1"})
		if err != nil || again.ID != p.ID {
			t.Fatalf("idempotent create: %v %v", again, err)
		}
		// Tenant probes: another company sees nothing and cannot pay or complete it.
		_, err = f.pay.Get(ctx, b[1].p, p.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.pay.CompleteSandbox(ctx, b[1].p, p.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.pay.Create(ctx, b[1].p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox})
		wantCode(t, err, errs.NotFound)
		_, err = f.pay.Get(ctx, f.supP[0], p.ID)
		wantCode(t, err, errs.NotFound)

		r, err := f.pay.CompleteSandbox(ctx, b[0].p, p.ID)
		if err != nil || r.State != payment.Matched || r.Replayed {
			t.Fatalf("complete: %+v %v", r, err)
		}
		// A replayed notification changes nothing.
		r2, err := f.pay.CompleteSandbox(ctx, b[0].p, p.ID)
		if err != nil || !r2.Replayed || r2.ID != r.ID {
			t.Fatalf("replay: %+v %v", r2, err)
		}
		for _, id := range ids {
			if f.state(id) != order.Paid || f.balance(ledger.Escrow(id)) != 1_250 {
				t.Fatalf("order %s: %s escrow %s", id, f.state(id), f.balance(ledger.Escrow(id)))
			}
		}
		if f.balance(ledger.BankClearing) != 2_500 {
			t.Fatalf("clearing %s", f.balance(ledger.BankClearing))
		}
		var n int64
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE kind = ?`, payment.KindCapture).Scan(&n); err != nil || n != 1 {
			t.Fatalf("captures: %d %v", n, err)
		}
		// Paying a paid order again is refused.
		_, err = f.pay.Create(ctx, b[0].p, payment.CreateInput{OrderIDs: ids[:1], Provider: payment.Sandbox})
		wantCode(t, err, errs.Conflict)
		f.mustClean()
	})
}

func TestPayAfterDeadlineGoesToReview(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		ids := f.checkout(b, 1)
		p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Add(order.DefaultPayWithin + time.Minute)
		if n, err := f.ord.ExpireUnpaid(ctx, 100); err != nil || n != 2 {
			t.Fatalf("expire: %d %v", n, err)
		}
		if n, err := f.pay.CloseStale(ctx); err != nil || n != 1 {
			t.Fatalf("close stale: %d %v", n, err)
		}
		if got, _ := f.pay.Get(ctx, b.p, p.ID); got.State != payment.Closed {
			t.Fatalf("payment still %s", got.State)
		}
		r, err := f.pay.CompleteSandbox(ctx, b.p, p.ID)
		if err != nil || r.State != payment.Review || r.Reason != payment.ReasonCancelled {
			t.Fatalf("late payment: %+v %v", r, err)
		}
		for _, id := range ids {
			if f.state(id) != order.Cancelled || f.balance(ledger.Escrow(id)) != 0 {
				t.Fatalf("cancelled order took money")
			}
		}
		if f.balance(ledger.Suspense(r.ID)) != p.Amount {
			t.Fatalf("suspense %s", f.balance(ledger.Suspense(r.ID)))
		}
		// It cannot be matched into the cancelled orders; staff send it back.
		_, err = f.pay.Match(ctx, f.staff, r.ID, p.ID, "")
		wantCode(t, err, errs.Invalid)
		_, err = f.pay.Return(ctx, b.p, r.ID, "")
		wantCode(t, err, errs.NotFound)
		if _, err := f.pay.Return(ctx, f.staff, r.ID, "网银退回 流水 123"); err != nil {
			t.Fatal(err)
		}
		_, err = f.pay.Return(ctx, f.staff, r.ID, "again")
		wantCode(t, err, errs.Conflict)
		if f.balance(ledger.Suspense(r.ID)) != 0 || f.balance(ledger.BankClearing) != 0 {
			t.Fatal("returned money still booked")
		}
		f.mustClean()
	})
}

func gb18030(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestStatementImport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(3)
		mk := func(b buyerFx, qty int64) *payment.Payment {
			p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: f.checkout(b, qty), Provider: payment.Bank})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Remittance) != 12 {
				t.Fatalf("remittance %q", p.Remittance)
			}
			return p
		}
		byCode, byName, partial := mk(bs[0], 2), mk(bs[1], 3), mk(bs[2], 4)
		code := byCode.Remittance
		spaced := code[:4] + " " + code[4:8] + "-" + code[8:]
		csv := "交易日期,对方户名,对方账号,借方金额,贷方金额,摘要,交易流水号\n" +
			fmt.Sprintf("2026-11-24,随便写的名字,6222000011112222,,%s,网银转账 %s 货款,S001\n", byCode.Amount, spaced) +
			fmt.Sprintf("2026-11-24,%s,6222000011113333,,%s,货款,S002\n", bs[1].p.Org.Name, byName.Amount) +
			fmt.Sprintf("2026-11-24,%s,6222000011114444,,%s,货款 第一笔,S003\n", bs[2].p.Org.Name, partial.Amount-100) +
			"2026-11-24,不认识的公司,6222000011115555,,888.00,往来款,S004\n" +
			"2026-11-24,筑巢科技,6222000011116666,500.00,,手续费,S005\n" +
			"2026-11-24,乱码公司,6222,,abc,往来款,S006\n" +
			",缺日期公司,6222,,100.00,往来款,S007\n" +
			"2026-11-24,负数公司,6222,,-5.00,往来款,S008\n"
		res, err := f.pay.ImportStatement(ctx, f.staff, "statement.csv", gb18030(t, csv))
		if err != nil {
			t.Fatal(err)
		}
		im := res.Import
		if im.Rows != 8 || im.Matched != 2 || im.Review != 2 || im.Rejected != 3 || len(res.Problems) != 3 {
			t.Fatalf("import: %+v %+v", im, res.Problems)
		}
		if res.Problems[0].Row != 7 || res.Problems[1].Row != 8 || res.Problems[2].Row != 9 {
			t.Fatalf("problem rows: %+v", res.Problems)
		}
		for _, p := range []*payment.Payment{byCode, byName} {
			for _, o := range p.Orders {
				if f.state(o.OrderID) != order.Paid {
					t.Fatalf("order of %s not paid", p.Number)
				}
			}
		}
		// Importing the same file again changes nothing.
		res2, err := f.pay.ImportStatement(ctx, f.staff, "statement.csv", gb18030(t, csv))
		if err != nil || res2.Import.Replayed != 4 || res2.Import.Matched != 0 || res2.Import.Review != 0 {
			t.Fatalf("re-import: %+v %v", res2.Import, err)
		}
		q, err := f.pay.Queue(ctx, f.staff)
		if err != nil || len(q) != 2 {
			t.Fatalf("queue: %d %v", len(q), err)
		}
		_, err = f.pay.Queue(ctx, bs[0].p)
		wantCode(t, err, errs.NotFound)
		var part, unknown payment.Receipt
		for _, r := range q {
			switch r.Reason {
			case payment.ReasonPartial:
				part = r
			case payment.ReasonUnknown:
				unknown = r
			}
		}
		if part.PaymentID != partial.ID || unknown.ID == "" {
			t.Fatalf("queue reasons: %+v", q)
		}
		// A partial payment cannot be matched; staff hold it, then send it back.
		_, err = f.pay.Match(ctx, f.staff, part.ID, partial.ID, "")
		wantCode(t, err, errs.Invalid)
		if _, err := f.pay.Hold(ctx, f.staff, part.ID, "已联系付款方补足"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay.Return(ctx, f.staff, part.ID, "退回"); err != nil {
			t.Fatal(err)
		}
		// The full amount then arrives and is matched by its code.
		csv2 := "交易日期,对方户名,对方账号,收入金额,用途\n" +
			fmt.Sprintf("2026-11-25,%s,6222000011114444,%s,%s\n", bs[2].p.Org.Name, partial.Amount, partial.Remittance)
		res3, err := f.pay.ImportStatement(ctx, f.staff, "s2.csv", []byte(csv2))
		if err != nil || res3.Import.Matched != 1 {
			t.Fatalf("second import: %+v %v", res3, err)
		}
		f.mustClean()
		if f.balance(ledger.Suspense(unknown.ID)) != 88_800 {
			t.Fatal("unknown receipt not in suspense")
		}
		// Bad files are refused as a whole with a clear error.
		_, err = f.pay.ImportStatement(ctx, f.staff, "x.csv", []byte("a,b,c\n1,2,3\n"))
		wantCode(t, err, errs.Invalid)
	})
}

// TestDoubleRefund is battery test 5: 20 concurrent approvals of a refund plus replayed
// payment notifications give exactly one refund, never more than was captured.
func TestDoubleRefund(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(2)
		b := bs[0]
		ids := f.checkout(b, 4)
		p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		// Out of order: a refund before payment is refused.
		_, err = f.pay.RequestRefund(ctx, b.p, ids[0], "不要了")
		wantCode(t, err, errs.Conflict)
		if _, err := f.pay.CompleteSandbox(ctx, b.p, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.pay.ApproveRefund(ctx, f.staff, ids[0])
		wantCode(t, err, errs.Conflict) // no request yet
		_, err = f.pay.RequestRefund(ctx, bs[1].p, ids[0], "x")
		wantCode(t, err, errs.NotFound)
		if _, err := f.pay.RequestRefund(ctx, b.p, ids[0], "需求取消"); err != nil {
			t.Fatal(err)
		}
		// The other supplier may not decide it.
		o, _ := f.st.Order(ctx, ids[0])
		other := f.supP[0]
		if o.SupplierID == f.sups[0].ID {
			other = f.supP[1]
		}
		_, err = f.pay.ApproveRefund(ctx, other, ids[0])
		wantCode(t, err, errs.NotFound)

		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := 0, 0
		for i := 0; i < 20; i++ {
			wg.Add(2)
			go func() {
				defer wg.Done()
				actor := f.staff
				if i%2 == 1 {
					for _, s := range f.supP {
						if s.Org.ID == o.SupplierID {
							actor = s
						}
					}
				}
				_, err := f.pay.ApproveRefund(ctx, actor, ids[0])
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Errorf("refund: %v", err)
				}
			}()
			go func() {
				defer wg.Done()
				r, err := f.pay.CompleteSandbox(ctx, b.p, p.ID)
				if err != nil || !r.Replayed {
					t.Errorf("replayed notification: %+v %v", r, err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || conflicts != 19 {
			t.Fatalf("wins %d conflicts %d", wins, conflicts)
		}
		var n int64
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions WHERE kind = ?`, payment.KindRefund).Scan(&n); err != nil || n != 1 {
			t.Fatalf("refund transactions: %d %v", n, err)
		}
		if f.balance(ledger.Escrow(ids[0])) != 0 || f.state(ids[0]) != order.Cancelled || f.state(ids[1]) != order.Paid {
			t.Fatal("refund did not land")
		}
		if f.balance(ledger.BankClearing) != p.Amount-o.Total {
			t.Fatalf("refunded more than once: clearing %s", f.balance(ledger.BankClearing))
		}
		// Refunding again is refused.
		_, err = f.pay.RequestRefund(ctx, b.p, ids[0], "again")
		wantCode(t, err, errs.Conflict)
		_, err = f.pay.ApproveRefund(ctx, f.staff, ids[0])
		wantCode(t, err, errs.Conflict)
		f.mustClean()
	})
}

// TestReconcileFindsDifferences tampers with the records and expects the report to see it.
func TestReconcileFindsDifferences(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		ids := f.checkout(b, 1)
		p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: ids, Provider: payment.Sandbox})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay.CompleteSandbox(ctx, b.p, p.ID); err != nil {
			t.Fatal(err)
		}
		f.mustClean()
		if _, err := d.Exec(ctx, `UPDATE payment_orders SET amount_fen = amount_fen + 1 WHERE order_id = ?`, ids[0]); err != nil {
			t.Fatal(err)
		}
		rec, err := f.pay.Reconcile(ctx)
		if err != nil || rec.Clean() || rec.Differences[0].OrderID != ids[0] || rec.Differences[0].Want-rec.Differences[0].Escrow != 1 {
			t.Fatalf("reconcile missed a fen: %+v %v", rec, err)
		}
	})
}

var _ = bytes.NewReader

// TestManualMatch puts an unrecognised transfer, held first, into the escrow of the
// payment staff found for it: suspense → escrow, orders paid, once.
func TestManualMatch(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		bs := f.buyers(2)
		ids := f.checkout(bs[0], 5)
		p, err := f.pay.Create(ctx, bs[0].p, payment.CreateInput{OrderIDs: ids, Provider: payment.Bank})
		if err != nil {
			t.Fatal(err)
		}
		csv := fmt.Sprintf("交易日期,对方户名,贷方金额,摘要\n2026-11-24,甲方的母公司,%s,货款\n", p.Amount)
		res, err := f.pay.ImportStatement(ctx, f.staff, "s.csv", []byte(csv))
		if err != nil || res.Import.Review != 1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		r := res.Receipts[0]
		if r.Reason != payment.ReasonUnknown || f.balance(ledger.Suspense(r.ID)) != p.Amount {
			t.Fatalf("receipt %+v", r)
		}
		if _, err := f.pay.Hold(ctx, f.staff, r.ID, "待确认付款方"); err != nil {
			t.Fatal(err)
		}
		_, err = f.pay.Match(ctx, bs[1].p, r.ID, p.ID, "")
		wantCode(t, err, errs.NotFound)
		_, err = f.pay.Match(ctx, f.staff, r.ID, "nonsense", "")
		wantCode(t, err, errs.Invalid)
		got, err := f.pay.Match(ctx, f.staff, r.ID, p.ID, "付款方为其母公司，已确认")
		if err != nil || got.State != payment.Matched {
			t.Fatalf("match: %+v %v", got, err)
		}
		_, err = f.pay.Match(ctx, f.staff, r.ID, p.ID, "")
		wantCode(t, err, errs.Conflict)
		for _, id := range ids {
			if f.state(id) != order.Paid {
				t.Fatal("matched orders not paid")
			}
		}
		if f.balance(ledger.Suspense(r.ID)) != 0 || f.balance(ledger.BankClearing) != p.Amount {
			t.Fatal("suspense not emptied")
		}
		f.mustClean()
	})
}
