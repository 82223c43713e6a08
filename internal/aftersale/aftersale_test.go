package aftersale_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/deposit"
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

var (
	wantCode  = tradetest.WantCode
	wantField = tradetest.WantField
)

// fixture: two suppliers with a SKU each (¥1.25 a piece), a customer-service agent, an
// analyst (staff without arbitration rights), and buyers on demand.
type fixture struct {
	t       testing.TB
	d       *db.DB
	st      *store.Store
	clk     *tradetest.Clock
	ord     *order.Service
	led     *ledger.Service
	pay     *payment.Service
	dep     *deposit.Service
	svc     *aftersale.Service
	sups    []*identity.Principal
	skus    []*catalog.SKU
	cs      *identity.Principal
	analyst *identity.Principal
	n       int
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
	msgs := &notify.Service{Store: st, Now: now}
	f.ord = &order.Service{DB: d, Store: st, Buyers: st, Now: now}
	f.led = ledger.NewService(d, st, now)
	f.pay = &payment.Service{DB: d, Store: st, Ledger: f.led, Orders: f.ord, Messages: msgs, Now: now,
		Providers: map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}}
	f.dep = deposit.NewService(d, st, f.led, st, now)
	f.svc = &aftersale.Service{DB: d, Store: st, Orders: f.ord, Payments: f.pay, Ledger: f.led, Deposit: f.dep, Notify: msgs, Blobs: st, Now: now}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		cat := &catalog.Category{Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/bolts/"}
		if err := st.AddCategory(ctx, cat); err != nil {
			return err
		}
		var err error
		if f.sups, f.skus, err = tradetest.Suppliers(ctx, st, cat.ID, 2, 12500, now()); err != nil {
			return err
		}
		po, err := tradetest.Platform(ctx, st, now())
		if err != nil {
			return err
		}
		if f.cs, err = tradetest.Staff(ctx, st, po, "staff0", "客服", identity.CustomerService, now()); err != nil {
			return err
		}
		f.analyst, err = tradetest.Staff(ctx, st, po, "staff1", "分析", identity.Analyst, now())
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

// paidOrder places and pays (sandbox) an order of qty pieces from supplier 0 and moves
// it to state (shipped or received) the way fulfilment would: a direct state change
// with its event, standing in for the shipping code built elsewhere.
func (f *fixture) paidOrder(b buyerFx, qty int64, state order.State) *order.Order {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.ord.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: qty}}})
	if err != nil {
		f.t.Fatal(err)
	}
	id := res.Orders[0].ID
	pay, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: []string{id}, Provider: payment.Sandbox})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.pay.CompleteSandbox(ctx, b.p, pay.ID); err != nil {
		f.t.Fatal(err)
	}
	f.moveTo(id, state)
	o, err := f.st.Order(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// moveTo walks a paid order along paid → shipped → received → settled up to state.
func (f *fixture) moveTo(id string, state order.State) {
	f.t.Helper()
	ctx := context.Background()
	path := []order.State{order.Paid, order.Shipped, order.Received, order.Settled}
	o, err := f.st.Order(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	cur := o.State
	for i := 1; i < len(path) && cur != state; i++ {
		if path[i-1] != cur {
			continue
		}
		next := path[i]
		err := f.d.WithTx(ctx, func(ctx context.Context) error {
			if ok, err := f.st.SetState(ctx, id, cur, next, time.Time{}, f.clk.Now()); err != nil || !ok {
				return fmt.Errorf("set state %s → %s: %v", cur, next, err)
			}
			if next == order.Settled { // release what remains in escrow to the supplier
				bal, err := f.led.Balance(ctx, ledger.Escrow(id))
				if err != nil {
					return err
				}
				if bal.Balance > 0 {
					if _, err := f.led.Post(ctx, ledger.Transaction{Kind: "test.release", Ref: id, Postings: ledger.Pair(ledger.Escrow(id), ledger.Payable(o.SupplierID), bal.Balance)}); err != nil {
						return err
					}
				}
			}
			return f.st.AddEvents(ctx, []order.Event{{OrderID: id, Action: "test", From: cur, To: next, At: f.clk.Now()}})
		})
		if err != nil {
			f.t.Fatal(err)
		}
		cur = next
	}
	if cur != state {
		f.t.Fatalf("cannot move %s to %s", cur, state)
	}
}

func (f *fixture) escrow(id string) money.Fen {
	f.t.Helper()
	b, err := f.led.Balance(context.Background(), ledger.Escrow(id))
	if err != nil {
		f.t.Fatal(err)
	}
	return b.Balance
}

func (f *fixture) holds(id string) int64 {
	f.t.Helper()
	n, err := f.st.AftersaleHolds(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) count(q string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// mustClean runs the ledger check and the reconciliation (which counts after-sales
// refunds), skipping orders the test released by hand.
func (f *fixture) mustClean() {
	f.t.Helper()
	ctx := context.Background()
	r, err := f.led.Check(ctx)
	if err != nil || !r.Clean() || r.Total != 0 {
		f.t.Fatalf("ledger check: %+v %v", r, err)
	}
	rec, err := f.pay.Reconcile(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, d := range rec.Differences {
		if d.State != order.Settled {
			f.t.Fatalf("reconcile: %+v", d)
		}
	}
	if len(rec.Mismatches) > 0 {
		f.t.Fatalf("reconcile: %v", rec.Mismatches)
	}
}

func photo(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRefundOnlyThroughLedger(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(2)
		o := f.paidOrder(b[0], 100, order.Shipped) // ¥125.00
		if f.escrow(o.ID) != 12_500 {
			t.Fatalf("escrow %s", f.escrow(o.ID))
		}
		c, err := f.svc.Open(ctx, b[0].p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 10, Amount: 1_250,
			Photos: []aftersale.FileInput{{Name: "少件.png", Data: photo(t)}}, IdemKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		if c.State != aftersale.Requested || len(c.Files) != 1 || !c.AnswerBy.Equal(f.clk.Now().Add(aftersale.DefaultAnswerWithin)) || f.holds(o.ID) != 1 {
			t.Fatalf("case: %+v holds %d", c, f.holds(o.ID))
		}
		again, err := f.svc.Open(ctx, b[0].p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 10, Amount: 1_250, IdemKey: "k1"})
		if err != nil || again.ID != c.ID || f.holds(o.ID) != 1 {
			t.Fatalf("idempotent open: %v %v", again, err)
		}
		// Tenant probes: another buyer and another supplier see nothing; the buyer cannot answer.
		_, err = f.svc.Get(ctx, b[1].p, c.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.Answer(ctx, f.sups[1], c.ID, aftersale.AnswerInput{Action: "agree"})
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.Answer(ctx, b[0].p, c.ID, aftersale.AnswerInput{Action: "agree"})
		wantCode(t, err, errs.Forbidden)
		_, err = f.svc.Open(ctx, b[1].p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1})
		wantCode(t, err, errs.NotFound)

		c, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"})
		if err != nil {
			t.Fatal(err)
		}
		if c.State != aftersale.Refunded || c.Refunded != 1_250 || f.escrow(o.ID) != 11_250 || f.holds(o.ID) != 0 {
			t.Fatalf("after agree: %+v escrow %s holds %d", c, f.escrow(o.ID), f.holds(o.ID))
		}
		// Answering twice is refused and changes nothing.
		_, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"})
		wantCode(t, err, errs.Conflict)
		if f.escrow(o.ID) != 11_250 || f.count(`SELECT COUNT(*) FROM ledger_transactions WHERE kind = ?`, aftersale.KindRefund) != 1 {
			t.Fatal("a second answer moved money")
		}
		// In-site messages: the supplier heard of the case, the buyer of the refund.
		if f.count(`SELECT COUNT(*) FROM messages WHERE org_id = ? AND msg_key = 'aftersale.msg.case_opened'`, f.sups[0].Org.ID) != 1 ||
			f.count(`SELECT COUNT(*) FROM messages WHERE org_id = ? AND msg_key = 'aftersale.msg.refunded'`, b[0].p.Org.ID) != 1 {
			t.Fatal("missing in-site messages")
		}
		rs, err := f.svc.Refunds(ctx, f.cs, 0)
		if err != nil || len(rs) != 1 || rs[0].ProviderRef == "" || rs[0].Amount != 1_250 {
			t.Fatalf("refunds: %+v %v", rs, err)
		}
		rs, err = f.svc.Refunds(ctx, b[1].p, 0)
		if err != nil || len(rs) != 0 {
			t.Fatalf("another buyer's refunds: %+v %v", rs, err)
		}
		f.mustClean()
	})
}

func TestClaimsAndOutOfOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		// An unpaid order: a clear error, nothing written.
		res, err := f.ord.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: 5}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: res.Orders[0].ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 100})
		wantCode(t, err, errs.Conflict)
		if f.count(`SELECT COUNT(*) FROM aftersale_cases`) != 0 || f.holds(res.Orders[0].ID) != 0 {
			t.Fatal("a refused open wrote something")
		}

		o := f.paidOrder(b, 100, order.Received) // ¥125.00, 100 pieces
		bad := []struct {
			in    aftersale.OpenInput
			field string
		}{
			{aftersale.OpenInput{Kind: "steal", Reason: "short", Qty: 1, Amount: 1}, "kind"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "<script>", Qty: 1, Amount: 1}, "reason"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 0, Amount: 1}, "qty"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: -5, Amount: 1}, "qty"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: -1}, "amount"},
			{aftersale.OpenInput{Kind: aftersale.Exchange, Reason: "short", Qty: 1, Amount: 1}, "amount"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "other", Qty: 1, Amount: 1}, "detail"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 101, Amount: 1}, "qty"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 12_501}, "amount"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1, LineNo: 9}, "line_no"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1, Photos: []aftersale.FileInput{{Name: "x.jpg", Data: []byte("MZ\x90\x00 an executable")}}}, "photos"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1, Photos: []aftersale.FileInput{{Name: "x.svg", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}}}, "photos"},
			{aftersale.OpenInput{Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1, Photos: []aftersale.FileInput{{Name: "big.png", Data: append(photo(t), make([]byte, aftersale.MaxFileBytes)...)}}}, "photos"},
		}
		for i, tc := range bad {
			tc.in.OrderID = o.ID
			if tc.in.LineNo == 0 {
				tc.in.LineNo = 1
			}
			_, err := f.svc.Open(ctx, b.p, tc.in)
			if err == nil || errs.Is(err, errs.Internal) {
				t.Fatalf("%d: want a refusal, got %v", i, err)
			}
			wantField(t, err, tc.field)
		}
		if f.count(`SELECT COUNT(*) FROM aftersale_cases`) != 0 || f.count(`SELECT COUNT(*) FROM blobs`) != 0 || f.holds(o.ID) != 0 {
			t.Fatal("refused input wrote something")
		}

		// Claims add up per line: 60 + 40 pieces, ¥100 + ¥25; nothing more.
		c1, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.ReturnRefund, Reason: "quality", Qty: 60, Amount: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 41, Amount: 100})
		wantField(t, err, "qty")
		_, err = f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 40, Amount: 2_501})
		wantField(t, err, "amount")
		c2, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 40, Amount: 2_500})
		if err != nil {
			t.Fatal(err)
		}
		// Hold counting: two open, one closed → still held.
		if f.holds(o.ID) != 2 {
			t.Fatalf("holds %d", f.holds(o.ID))
		}
		if _, err := f.svc.Cancel(ctx, b.p, c2.ID); err != nil {
			t.Fatal(err)
		}
		if f.holds(o.ID) != 1 {
			t.Fatalf("holds after one closed: %d", f.holds(o.ID))
		}
		_, err = f.svc.Cancel(ctx, b.p, c2.ID)
		wantCode(t, err, errs.Conflict)

		// Return flow out of order: confirm before the goods were sent back, ship before agreement.
		_, err = f.svc.ConfirmReturn(ctx, f.sups[0], c1.ID)
		wantCode(t, err, errs.Conflict)
		_, err = f.svc.ShipReturn(ctx, b.p, c1.ID, "顺丰", "SF1234567890")
		wantCode(t, err, errs.Conflict)
		_, err = f.svc.Answer(ctx, f.sups[0], c1.ID, aftersale.AnswerInput{Action: "agree"})
		wantField(t, err, "return_address")
		c1, err = f.svc.Answer(ctx, f.sups[0], c1.ID, aftersale.AnswerInput{Action: "offer", Amount: 8_000, ReturnAddress: "宁波市北仑区 退货仓"})
		if err != nil || c1.State != aftersale.Offered {
			t.Fatalf("offer: %+v %v", c1, err)
		}
		c1, err = f.svc.AcceptOffer(ctx, b.p, c1.ID)
		if err != nil || c1.State != aftersale.Agreed || c1.Amount != 8_000 {
			t.Fatalf("accept: %+v %v", c1, err)
		}
		c1, err = f.svc.ShipReturn(ctx, b.p, c1.ID, "顺丰", "SF1234567890")
		if err != nil || c1.State != aftersale.Returning {
			t.Fatalf("ship return: %+v %v", c1, err)
		}
		_, err = f.svc.Cancel(ctx, b.p, c1.ID)
		wantCode(t, err, errs.Conflict)
		c1, err = f.svc.ConfirmReturn(ctx, f.sups[0], c1.ID)
		if err != nil || c1.State != aftersale.Refunded || f.escrow(o.ID) != 4_500 || f.holds(o.ID) != 0 {
			t.Fatalf("confirm: %+v %v escrow %s", c1, err, f.escrow(o.ID))
		}
		if len(c1.Events) != 5 {
			t.Fatalf("timeline: %+v", c1.Events)
		}
		f.mustClean()
	})
}

func TestConcurrentApprovalsRefundOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paidOrder(b, 100, order.Received)
		c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "damaged", Qty: 100, Amount: 12_500})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Errorf("approval: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok != 1 || conflicts != 19 {
			t.Fatalf("ok %d conflicts %d", ok, conflicts)
		}
		if f.count(`SELECT COUNT(*) FROM aftersale_refunds`) != 1 || f.count(`SELECT COUNT(*) FROM ledger_transactions WHERE kind = ?`, aftersale.KindRefund) != 1 {
			t.Fatal("more than one refund")
		}
		// Fully refunded: nothing left in escrow; the order stays received, holds none.
		if f.escrow(o.ID) != 0 || f.holds(o.ID) != 0 {
			t.Fatalf("escrow %s holds %d", f.escrow(o.ID), f.holds(o.ID))
		}
		if got, err := f.svc.RefundedOf(ctx, b.p, o.ID); err != nil || got != o.Total {
			t.Fatalf("refunded %s %v", got, err)
		}
		f.mustClean()
	})
}

func TestEscalationAfterThreeDays(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paidOrder(b, 10, order.Shipped)
		c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.ReturnRefund, Reason: "wrong_item", Qty: 10, Amount: 1_250})
		if err != nil {
			t.Fatal(err)
		}
		f.clk.Add(aftersale.DefaultAnswerWithin - time.Minute)
		if n, err := f.svc.EscalateOverdue(ctx, 100); err != nil || n != 0 {
			t.Fatalf("early escalation: %d %v", n, err)
		}
		f.clk.Add(2 * time.Minute)
		if n, err := f.svc.EscalateOverdue(ctx, 100); err != nil || n != 1 {
			t.Fatalf("escalation: %d %v", n, err)
		}
		if n, err := f.svc.EscalateOverdue(ctx, 100); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		c, err = f.svc.Get(ctx, b.p, c.ID)
		if err != nil || c.State != aftersale.InDispute || c.DisputeID == "" {
			t.Fatalf("case: %+v %v", c, err)
		}
		dp, err := f.svc.GetDispute(ctx, f.cs, c.DisputeID)
		if err != nil || dp.OpenedBy != aftersale.SystemSide || dp.State != aftersale.DOpen || dp.Amount != 1_250 || dp.CaseID != c.ID {
			t.Fatalf("dispute: %+v %v", dp, err)
		}
		// The case keeps its hold beside the dispute's until the dispute closes.
		if f.holds(o.ID) != 2 {
			t.Fatalf("holds %d", f.holds(o.ID))
		}
		// The supplier's late answer is refused.
		_, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree", ReturnAddress: "x"})
		wantCode(t, err, errs.Conflict)
		// The arbitration decides the case with the dispute: closed, no hold left.
		if _, err := f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: 1_000, Decision: "退款 10 元"}); err != nil {
			t.Fatal(err)
		}
		c, _ = f.svc.Get(ctx, b.p, c.ID)
		if c.State != aftersale.Escalated || c.DisputeID != dp.ID || f.holds(o.ID) != 0 || f.escrow(o.ID) != o.Total-1_000 {
			t.Fatalf("after arbitration: case %s holds %d escrow %s", c.State, f.holds(o.ID), f.escrow(o.ID))
		}
	})
}

func TestDisputeMediationAndArbitration(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(2)
		sup := f.sups[0].Org.ID
		if _, err := f.dep.RecordPayment(ctx, f.cs, deposit.Payment{SupplierID: sup, Amount: 2_000_000, Ref: "ICBC-1"}); err != nil {
			t.Fatal(err)
		}
		o := f.paidOrder(b[0], 1000, order.Received) // ¥1,250.00
		dp, err := f.svc.OpenDispute(ctx, b[0].p, aftersale.DisputeInput{OrderID: o.ID, Claim: "货不对板，螺纹规格错误", Amount: 125_000, IdemKey: "d1",
			Files: []aftersale.FileInput{{Name: "检测报告.png", Data: photo(t)}}})
		if err != nil {
			t.Fatal(err)
		}
		if dp.WaitingOn != aftersale.SupplierSide || f.holds(o.ID) != 1 || len(dp.Files) != 1 {
			t.Fatalf("dispute: %+v", dp)
		}
		_, err = f.svc.OpenDispute(ctx, f.sups[0], aftersale.DisputeInput{OrderID: o.ID, Claim: "again"})
		wantCode(t, err, errs.Conflict)
		// Tenant probes and roles.
		_, err = f.svc.GetDispute(ctx, b[1].p, dp.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.GetDispute(ctx, f.sups[1], dp.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.svc.Arbitrate(ctx, b[0].p, dp.ID, aftersale.Outcome{Refund: 125_000, Decision: "我自己裁决"})
		wantCode(t, err, errs.Forbidden)
		_, err = f.svc.Arbitrate(ctx, f.analyst, dp.ID, aftersale.Outcome{Refund: 1, Decision: "x"})
		wantCode(t, err, errs.Forbidden)
		_, err = f.svc.Mediate(ctx, f.sups[0], dp.ID, "hi")
		wantCode(t, err, errs.Forbidden)

		dp, err = f.svc.AddEvidence(ctx, f.sups[0], dp.ID, "发货前已检验，附出厂检验单", []aftersale.FileInput{{Name: "检验单.png", Data: photo(t)}})
		if err != nil || dp.WaitingOn != aftersale.StaffSide {
			t.Fatalf("evidence: %+v %v", dp, err)
		}
		dp, err = f.svc.Mediate(ctx, f.cs, dp.ID, "请双方提供批次号")
		if err != nil || dp.State != aftersale.DMediating {
			t.Fatalf("mediate: %+v %v", dp, err)
		}
		dp, err = f.svc.Propose(ctx, f.cs, dp.ID, 50_000, "退款 ¥500")
		if err != nil || dp.State != aftersale.DProposed {
			t.Fatalf("propose: %+v %v", dp, err)
		}
		if dp, err = f.svc.AcceptProposal(ctx, b[0].p, dp.ID); err != nil || dp.State != aftersale.DProposed || !dp.BuyerAccepted {
			t.Fatalf("buyer accepts: %+v %v", dp, err)
		}
		_, err = f.svc.AcceptProposal(ctx, b[0].p, dp.ID)
		wantCode(t, err, errs.Conflict)
		// The supplier does not accept; staff arbitrate: a partial refund and a deposit deduction.
		_, err = f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: 125_001, Decision: "超额"})
		wantField(t, err, "refund")
		_, err = f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: 60_000, Deduct: 2_000_001, Decision: "超出保证金"})
		wantField(t, err, "deduct")
		if f.escrow(o.ID) != 125_000 || f.count(`SELECT COUNT(*) FROM aftersale_refunds`) != 0 {
			t.Fatal("a refused arbitration moved money")
		}
		dp, err = f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: 60_000, Deduct: 30_000, Decision: "规格不符属实：退款 ¥600，并从保证金赔付 ¥300"})
		if err != nil || dp.State != aftersale.DArbitrated || dp.Refund != 60_000 || dp.Deduct != 30_000 {
			t.Fatalf("arbitrate: %+v %v", dp, err)
		}
		if f.escrow(o.ID) != 65_000 || f.holds(o.ID) != 0 {
			t.Fatalf("escrow %s holds %d", f.escrow(o.ID), f.holds(o.ID))
		}
		comp, _ := f.led.Balance(ctx, ledger.BuyerCompensation(b[0].p.Org.ID))
		held, _ := f.led.Balance(ctx, ledger.DepositHeld(sup))
		if comp.Balance != 30_000 || held.Balance != 1_970_000 {
			t.Fatalf("compensation %s held %s", comp.Balance, held.Balance)
		}
		// Arbitrating twice is refused and changes nothing.
		_, err = f.svc.Arbitrate(ctx, f.cs, dp.ID, aftersale.Outcome{Refund: 1_000, Decision: "again"})
		wantCode(t, err, errs.Conflict)
		if f.escrow(o.ID) != 65_000 {
			t.Fatal("second arbitration moved money")
		}
		if len(dp.Events) != 6 {
			t.Fatalf("timeline: %d events", len(dp.Events))
		}
		f.mustClean()

		// Settled: a new dispute within the window, but no refund from escrow.
		f.moveTo(o.ID, order.Settled)
		dp2, err := f.svc.OpenDispute(ctx, b[0].p, aftersale.DisputeInput{OrderID: o.ID, Claim: "使用后发现批量断裂", Amount: 10_000})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Arbitrate(ctx, f.cs, dp2.ID, aftersale.Outcome{Refund: 10_000, Decision: "退款"})
		wantCode(t, err, errs.Conflict)
		wantField(t, err, "refund")
		if _, err = f.svc.Arbitrate(ctx, f.cs, dp2.ID, aftersale.Outcome{Deduct: 10_000, Decision: "保证金赔付"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Open(ctx, b[0].p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "short", Qty: 1, Amount: 1})
		wantCode(t, err, errs.Conflict)
		f.clk.Add(aftersale.DefaultDisputeWindow + time.Hour)
		_, err = f.svc.OpenDispute(ctx, b[0].p, aftersale.DisputeInput{OrderID: o.ID, Claim: "too late"})
		wantCode(t, err, errs.Conflict)
	})
}

func TestProposalAcceptedByBothAndWithdraw(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paidOrder(b, 100, order.Shipped)
		dp, err := f.svc.OpenDispute(ctx, f.sups[0], aftersale.DisputeInput{OrderID: o.ID, Claim: "买家拒收"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Withdraw(ctx, b.p, dp.ID)
		wantCode(t, err, errs.Forbidden)
		if dp, err = f.svc.Propose(ctx, f.cs, dp.ID, 2_000, "补偿运费"); err != nil {
			t.Fatal(err)
		}
		if _, err = f.svc.AcceptProposal(ctx, f.sups[0], dp.ID); err != nil {
			t.Fatal(err)
		}
		dp, err = f.svc.AcceptProposal(ctx, b.p, dp.ID)
		if err != nil || dp.State != aftersale.DResolved || dp.Refund != 2_000 || f.escrow(o.ID) != 10_500 || f.holds(o.ID) != 0 {
			t.Fatalf("resolved: %+v %v", dp, err)
		}
		dp2, err := f.svc.OpenDispute(ctx, f.sups[0], aftersale.DisputeInput{OrderID: o.ID, Claim: "再次"})
		if err != nil {
			t.Fatal(err)
		}
		if dp2, err = f.svc.Withdraw(ctx, f.sups[0], dp2.ID); err != nil || dp2.State != aftersale.DWithdrawn || f.holds(o.ID) != 0 {
			t.Fatalf("withdraw: %+v %v", dp2, err)
		}
		f.mustClean()
	})
}

func TestExchangeAndFaults(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		o := f.paidOrder(b, 100, order.Received)
		// Exchange: agree with a return address, ship back, confirm, reship; no money moves.
		c, err := f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.Exchange, Reason: "wrong_item", Qty: 5})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "offer", Amount: 1, ReturnAddress: "x"})
		wantField(t, err, "amount")
		if _, err = f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree", ReturnAddress: "宁波市北仑区 换货仓"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Reship(ctx, f.sups[0], c.ID, "顺丰", "SF1")
		wantCode(t, err, errs.Conflict)
		_, err = f.svc.ShipReturn(ctx, b.p, c.ID, "顺丰", "")
		wantField(t, err, "waybill")
		if _, err = f.svc.ShipReturn(ctx, b.p, c.ID, "德邦", "DPK2026"); err != nil {
			t.Fatal(err)
		}
		if c, err = f.svc.ConfirmReturn(ctx, f.sups[0], c.ID); err != nil || c.State != aftersale.Returned || f.holds(o.ID) != 1 {
			t.Fatalf("confirm: %+v %v", c, err)
		}
		if c, err = f.svc.Reship(ctx, f.sups[0], c.ID, "顺丰", "SF2026"); err != nil || c.State != aftersale.Exchanged || c.ReshipWaybill != "SF2026" || f.holds(o.ID) != 0 {
			t.Fatalf("reship: %+v %v", c, err)
		}
		if f.escrow(o.ID) != o.Total {
			t.Fatalf("an exchange moved money: %s", f.escrow(o.ID))
		}

		// A fault after the refund's ledger posting keeps nothing: no refund, no money moved,
		// the case still awaiting its answer, the hold still there; then it goes through.
		c, err = f.svc.Open(ctx, b.p, aftersale.OpenInput{OrderID: o.ID, LineNo: 1, Kind: aftersale.RefundOnly, Reason: "quality", Qty: 1, Amount: 125})
		if err != nil {
			t.Fatal(err)
		}
		boom := fmt.Errorf("injected")
		d.Hook = func(_ context.Context, p string) error {
			if p == aftersale.FaultAfterRefund {
				return boom
			}
			return nil
		}
		if _, err := f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"}); err == nil || !strings.Contains(err.Error(), "injected") {
			t.Fatalf("want the injected fault, got %v", err)
		}
		d.Hook = nil
		if f.escrow(o.ID) != o.Total || f.count(`SELECT COUNT(*) FROM aftersale_refunds`) != 0 || f.holds(o.ID) != 1 {
			t.Fatal("a failed refund left something behind")
		}
		if c, _ = f.svc.Get(ctx, b.p, c.ID); c.State != aftersale.Requested {
			t.Fatalf("state %s", c.State)
		}
		if _, err := f.svc.Answer(ctx, f.sups[0], c.ID, aftersale.AnswerInput{Action: "agree"}); err != nil {
			t.Fatal(err)
		}
		if f.escrow(o.ID) != o.Total-125 || f.holds(o.ID) != 0 {
			t.Fatalf("escrow %s", f.escrow(o.ID))
		}
		// Evidence files are checked like photos.
		dp, err := f.svc.OpenDispute(ctx, b.p, aftersale.DisputeInput{OrderID: o.ID, Claim: "x"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddEvidence(ctx, b.p, dp.ID, "", []aftersale.FileInput{{Name: "../../etc/passwd.pdf", Data: []byte("#!/bin/sh\nrm -rf /")}})
		wantField(t, err, "files")
		dp, err = f.svc.AddEvidence(ctx, b.p, dp.ID, "", []aftersale.FileInput{{Name: "../../报告.png", Data: photo(t)}})
		if err != nil || len(dp.Files) != 1 || strings.Contains(dp.Files[0].Name, "/") {
			t.Fatalf("evidence: %+v %v", dp, err)
		}
		_, err = f.svc.AddEvidence(ctx, b.p, dp.ID, "", nil)
		wantField(t, err, "text")
		f.mustClean()
	})
}
