package fulfil_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/fulfil"
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

// fixture is two live suppliers with a SKU each (¥1.2345 a piece), platform staff and
// buyers on demand, with payments through the sandbox.
type fixture struct {
	t     testing.TB
	d     *db.DB
	st    *store.Store
	clk   *tradetest.Clock
	ord   *order.Service
	led   *ledger.Service
	pay   *payment.Service
	ful   *fulfil.Service
	cat   *catalog.Category
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
	msgs := &notify.Service{Store: st, Now: now}
	f.ord = &order.Service{DB: d, Store: st, Buyers: st, Now: now}
	f.led = ledger.NewService(d, st, now)
	f.pay = &payment.Service{DB: d, Store: st, Ledger: f.led, Orders: f.ord, Messages: msgs, Now: now,
		Providers: map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}}
	f.ful = &fulfil.Service{DB: d, Store: st, Orders: f.ord, Ledger: f.led, Messages: msgs, Audit: st, Now: now}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		root := &catalog.Category{Code: "fasteners", NameZH: "紧固件", NameEN: "Fasteners", Path: "/fasteners/"}
		if err := st.AddCategory(ctx, root); err != nil {
			return err
		}
		f.cat = &catalog.Category{ParentID: root.ID, Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/fasteners/bolts/", Depth: 1}
		if err := st.AddCategory(ctx, f.cat); err != nil {
			return err
		}
		sups, skus, err := tradetest.Suppliers(ctx, st, f.cat.ID, 2, 12345, now())
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

// place checks out qty of both SKUs: the orders of supplier 0 and supplier 1, unpaid.
func (f *fixture) place(b buyerFx, qty int64) [2]*order.Order {
	f.t.Helper()
	res, err := f.ord.Checkout(context.Background(), b.p, order.CheckoutInput{AddressID: b.addr,
		Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: qty}, {SKU: f.skus[1].ID, Qty: qty}}})
	if err != nil {
		f.t.Fatal(err)
	}
	var out [2]*order.Order
	for i := range res.Orders {
		o := res.Orders[i]
		if o.SupplierID == f.sups[0].ID {
			out[0] = &o
		} else {
			out[1] = &o
		}
	}
	return out
}

func (f *fixture) payOrders(b buyerFx, os [2]*order.Order) {
	f.t.Helper()
	ctx := context.Background()
	p, err := f.pay.Create(ctx, b.p, payment.CreateInput{OrderIDs: []string{os[0].ID, os[1].ID}, Provider: payment.Sandbox})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.pay.CompleteSandbox(ctx, b.p, p.ID); err != nil {
		f.t.Fatal(err)
	}
}

// paid places and pays an order pair.
func (f *fixture) paid(b buyerFx, qty int64) [2]*order.Order {
	f.t.Helper()
	os := f.place(b, qty)
	f.payOrders(b, os)
	return os
}

func sfParcel() fulfil.ShipInput {
	return fulfil.ShipInput{Mode: fulfil.Parcel, Carrier: fulfil.SF, Waybill: "SF1234567890123"}
}

func (f *fixture) state(id string) order.State {
	f.t.Helper()
	o, err := f.st.Order(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o.State
}

func (f *fixture) balance(acct string) money.Fen {
	f.t.Helper()
	b, err := f.led.Balance(context.Background(), acct)
	if err != nil {
		f.t.Fatal(err)
	}
	return b.Balance
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
		f.t.Fatalf("escrow reconcile: %+v %v", rec, err)
	}
	sr, err := f.ful.Reconcile(ctx)
	if err != nil || !sr.Clean() {
		f.t.Fatalf("payable reconcile: %+v %v", sr, err)
	}
}

func (f *fixture) commission(bp int64, from time.Time) {
	f.t.Helper()
	if err := f.st.AddFeeRule(context.Background(), &fees.Rule{Kind: fees.Commission, CategoryID: f.cat.ID, RateBP: bp, EffectiveFrom: from, CreatedBy: "t", CreatedAt: from}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) setHolds(id string, n int) {
	f.t.Helper()
	if _, err := f.d.Exec(context.Background(), `UPDATE orders SET holds = ? WHERE id = ?`, n, id); err != nil {
		f.t.Fatal(err)
	}
}

// wantField wants an invalid-input error naming field.
func wantField(t testing.TB, err error, field string) {
	t.Helper()
	tradetest.WantCode(t, err, errs.Invalid)
	tradetest.WantField(t, err, field)
}

func countRelease(t testing.TB, d *db.DB, orderID string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM ledger_transactions WHERE kind = ? AND ref = ?`, fulfil.KindRelease, orderID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestShipReceiveRelease walks one order through partial shipping, receipt and release,
// with every step tried out of order, twice, over the quantities and by the wrong
// company: each refused with a clear error and nothing changed.
func TestShipReceiveRelease(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		// 2.5 % on bolts from before the orders; 10 % from tomorrow, which must not apply.
		f.commission(250, f.clk.Now().Add(-time.Hour))
		f.commission(1000, f.clk.Now().Add(24*time.Hour))
		bs := f.buyers(2)
		b, other := bs[0], bs[1]
		os := f.place(b, 10)
		o := os[0]
		sup, sup1 := f.supP[0], f.supP[1]

		// Ship before pay.
		_, err := f.ful.Ship(ctx, sup, o.ID, sfParcel())
		wantCode(t, err, errs.Conflict)
		if f.state(o.ID) != order.AwaitingPayment {
			t.Fatal("state changed")
		}
		f.payOrders(b, os)

		// Bad input, nothing written.
		bad := sfParcel()
		bad.Waybill = "SF12"
		_, err = f.ful.Ship(ctx, sup, o.ID, bad)
		wantField(t, err, "waybill")
		_, err = f.ful.Ship(ctx, sup, o.ID, fulfil.ShipInput{Mode: fulfil.Truck, Carrier: fulfil.FTL, Plate: "浙Z1234O", DriverPhone: "12345"})
		wantField(t, err, "plate")
		wantField(t, err, "driver_phone")
		// Tenant probes: the other supplier, the buyer, another buyer: 404.
		_, err = f.ful.Ship(ctx, sup1, o.ID, sfParcel())
		wantCode(t, err, errs.NotFound)
		_, err = f.ful.Ship(ctx, b.p, o.ID, sfParcel())
		wantCode(t, err, errs.NotFound)
		// Confirm before ship.
		_, err = f.ful.Confirm(ctx, b.p, o.ID, nil)
		wantCode(t, err, errs.Conflict)

		// Part shipment: 4 of 10 by truck.
		part := fulfil.ShipInput{Mode: fulfil.Truck, Carrier: fulfil.LTL, Plate: "浙B 12345D", DriverPhone: "+86 139-0000-0000", Lines: map[int]int64{1: 4}}
		sh, err := f.ful.Ship(ctx, sup, o.ID, part)
		if err != nil {
			t.Fatal(err)
		}
		if sh.Plate != "浙B12345D" || sh.DriverPhone != "13900000000" || f.state(o.ID) != order.Paid {
			t.Fatalf("part shipment: %+v %s", sh, f.state(o.ID))
		}
		// Over the remaining 6, and an unknown line.
		over := sfParcel()
		over.Lines = map[int]int64{1: 7}
		_, err = f.ful.Ship(ctx, sup, o.ID, over)
		wantField(t, err, "lines.1")
		over.Lines = map[int]int64{9: 1}
		_, err = f.ful.Ship(ctx, sup, o.ID, over)
		wantField(t, err, "lines.9")
		fresh, ov, _ := f.ful.View(ctx, sup, o.ID)
		if len(ov.Shipments) != 1 || ov.Shipped[1] != 4 || !ov.Partly(fresh) {
			t.Fatalf("view after refusals: %+v", ov)
		}
		// Tracking by hand.
		if _, err := f.ful.AddTracking(ctx, sup, sh.ID, fulfil.TrackInput{At: "2026-11-24 17:30", Place: "宁波", Text: "已装车发出"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.ful.AddTracking(ctx, sup, sh.ID, fulfil.TrackInput{At: "2026-11-24 17:30", Place: "宁波", Text: "已装车发出"})
		wantCode(t, err, errs.Conflict)
		_, err = f.ful.AddTracking(ctx, sup1, sh.ID, fulfil.TrackInput{Text: "伪造"})
		wantCode(t, err, errs.NotFound)
		_, err = f.ful.AddTracking(ctx, sup, sh.ID, fulfil.TrackInput{At: "2030-01-01 00:00", Text: "未来"})
		wantField(t, err, "at")

		// The rest: the order is shipped and its window starts.
		if _, err := f.ful.Ship(ctx, sup, o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		if f.state(o.ID) != order.Shipped {
			t.Fatalf("state %s", f.state(o.ID))
		}
		_, err = f.ful.Ship(ctx, sup, o.ID, sfParcel())
		wantCode(t, err, errs.Conflict)
		_, ov, _ = f.ful.View(ctx, b.p, o.ID)
		if !ov.Progress.InspectUntil.Equal(f.clk.Now().Add(7 * 24 * time.Hour)) {
			t.Fatalf("window: %+v", ov.Progress)
		}

		// Another company's buyer cannot confirm; over-acceptance is refused.
		_, err = f.ful.Confirm(ctx, other.p, o.ID, nil)
		wantCode(t, err, errs.NotFound)
		_, err = f.ful.Confirm(ctx, b.p, o.ID, []fulfil.ConfirmLine{{LineNo: 1, Accepted: 11}})
		wantField(t, err, "lines.1.accepted")
		if f.state(o.ID) != order.Shipped {
			t.Fatal("state changed")
		}
		// Confirm: received and released in the same transaction.
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, []fulfil.ConfirmLine{{LineNo: 1, Accepted: 10}}); err != nil {
			t.Fatal(err)
		}
		if f.state(o.ID) != order.Settled {
			t.Fatalf("state %s", f.state(o.ID))
		}
		// 10 × ¥1.2345 = ¥12.35 (goods) + freight; commission 2.5 % of ¥12.35 = 30.875 fen → 31.
		full, _ := f.st.Order(ctx, o.ID)
		want := money.Fen((int64(full.Goods)*250*2 + 10000) / 20000)
		if want != 31 {
			t.Fatalf("test arithmetic: %d", want)
		}
		if got := f.balance(ledger.CommissionRevenue); got != 31 {
			t.Fatalf("commission %s", got)
		}
		if got := f.balance(ledger.Payable(f.sups[0].ID)); got != full.Total-31 {
			t.Fatalf("payable %s, total %s", got, full.Total)
		}
		if f.balance(ledger.Escrow(o.ID)) != 0 {
			t.Fatal("escrow left")
		}
		// Release twice, confirm twice: refused, one ledger transaction.
		_, err = f.ful.Release(ctx, f.staff, o.ID)
		wantCode(t, err, errs.Conflict)
		_, err = f.ful.Confirm(ctx, b.p, o.ID, nil)
		wantCode(t, err, errs.Conflict)
		_, err = f.ful.Release(ctx, sup, o.ID)
		wantCode(t, err, errs.NotFound)
		if countRelease(t, d, o.ID) != 1 {
			t.Fatal("release posted twice")
		}
		// A cancelled order cannot ship.
		c := f.place(b, 1)
		if _, err := f.ord.Cancel(ctx, b.p, c[0].ID, ""); err != nil {
			t.Fatal(err)
		}
		_, err = f.ful.Ship(ctx, sup, c[0].ID, sfParcel())
		wantCode(t, err, errs.Conflict)
		f.mustClean()
	})
}

// TestConcurrentRelease: a received order held back by a noted problem, released by
// twenty staff calls at once: one ledger transaction, one settlement, the rest refused.
func TestConcurrentRelease(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(300, f.clk.Now().Add(-time.Hour))
		b := f.buyers(1)[0]
		o := f.paid(b, 7)[1]
		if _, err := f.ful.Ship(ctx, f.supP[1], o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, []fulfil.ConfirmLine{{LineNo: 1, Accepted: 7, Problem: "两件螺纹有损伤"}}); err != nil {
			t.Fatal(err)
		}
		if f.state(o.ID) != order.Received {
			t.Fatalf("a noted problem waits: %s", f.state(o.ID))
		}
		// The sweep does not release before the grace ends.
		if _, n, err := f.ful.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep: %d %v", n, err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		okN, conflicts := 0, 0
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.ful.Release(ctx, f.staff, o.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					okN++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Errorf("release: %v", err)
				}
			}()
		}
		wg.Wait()
		if okN != 1 || conflicts != 19 || countRelease(t, d, o.ID) != 1 {
			t.Fatalf("ok %d conflicts %d releases %d", okN, conflicts, countRelease(t, d, o.ID))
		}
		f.mustClean()
	})
}

// TestAutoConfirmHolds: past the window an order without holds is confirmed and
// released; a held one waits, and once the hold is lifted gets a day more.
func TestAutoConfirmHolds(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		os := f.paid(b, 3)
		for i, o := range os {
			if _, err := f.ful.Ship(ctx, f.supP[i], o.ID, sfParcel()); err != nil {
				t.Fatal(err)
			}
		}
		free, held := os[0].ID, os[1].ID
		f.setHolds(held, 1)
		f.clk.Add(7*24*time.Hour - time.Minute)
		if n, _, err := f.ful.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("before the window ends: %d %v", n, err)
		}
		f.clk.Add(2 * time.Minute)
		if n, _, err := f.ful.Sweep(ctx); err != nil || n != 1 {
			t.Fatalf("after the window: %d %v", n, err)
		}
		if f.state(free) != order.Settled || f.state(held) != order.Shipped {
			t.Fatalf("states %s %s", f.state(free), f.state(held))
		}
		f.clk.Add(3 * 24 * time.Hour)
		if n, _, _ := f.ful.Sweep(ctx); n != 0 || f.state(held) != order.Shipped {
			t.Fatal("a held order was confirmed")
		}
		f.setHolds(held, 0)
		if n, _, _ := f.ful.Sweep(ctx); n != 0 {
			t.Fatal("confirmed the moment the hold was lifted")
		}
		f.clk.Add(HoldGraceForTest)
		if n, _, err := f.ful.Sweep(ctx); err != nil || n != 1 || f.state(held) != order.Settled {
			t.Fatalf("after the grace: %d %v %s", n, err, f.state(held))
		}
		// A received order with a hold is not released until it is lifted.
		os2 := f.paid(b, 2)
		o := os2[0]
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		f.setHolds(o.ID, 1)
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		if f.state(o.ID) != order.Received {
			t.Fatalf("held order released: %s", f.state(o.ID))
		}
		_, err := f.ful.Release(ctx, f.staff, o.ID)
		wantCode(t, err, errs.Conflict)
		f.setHolds(o.ID, 0)
		if _, n, err := f.ful.Sweep(ctx); err != nil || n != 1 || f.state(o.ID) != order.Settled {
			t.Fatalf("release after the hold: %d %v", n, err)
		}
		f.mustClean()
	})
}

// HoldGraceForTest is fulfil.HoldGrace plus a minute.
const HoldGraceForTest = fulfil.HoldGrace + time.Minute

func TestCommission(t *testing.T) {
	r := func(bp int64) fees.Rule { return fees.Rule{RateBP: bp} }
	cases := []struct {
		released, total money.Fen
		lines           []fulfil.RatedLine
		want            money.Fen
	}{
		{1235, 1235, []fulfil.RatedLine{{Amount: 1235, Rule: r(250)}}, 31}, // 30.875 → 31
		{1234, 1234, []fulfil.RatedLine{{Amount: 1234, Rule: r(250)}}, 31}, // 30.85 → 31
		{1220, 1220, []fulfil.RatedLine{{Amount: 1220, Rule: r(250)}}, 31}, // 30.5 → 31 (half up)
		{1218, 1218, []fulfil.RatedLine{{Amount: 1218, Rule: r(250)}}, 30}, // 30.45 → 30
		{1500, 1500, []fulfil.RatedLine{{Amount: 1000, Rule: r(500)}}, 50}, // freight ¥5 free of commission
		{750, 1500, []fulfil.RatedLine{{Amount: 1000, Rule: r(500)}}, 25},  // half refunded: half the commission
		{1000, 1000, []fulfil.RatedLine{{Amount: 600, Rule: r(100)}, {Amount: 400, Rule: r(300)}}, 18},
		{100, 100, []fulfil.RatedLine{{Amount: 100, Rule: fees.Rule{RateBP: 0, FixedFen: 500}}}, 100}, // capped
		{0, 1000, []fulfil.RatedLine{{Amount: 1000, Rule: r(250)}}, 0},
		{money.MaxFen, money.MaxFen, []fulfil.RatedLine{{Amount: money.MaxFen, Rule: r(10000)}}, money.MaxFen},
	}
	for i, c := range cases {
		if got := fulfil.Commission(c.released, c.total, c.lines); got != c.want {
			t.Errorf("case %d: got %d want %d", i, got, c.want)
		}
	}
}

// TestReleaseFault injects a failure between the release's ledger posting and the
// order's move to settled, during the buyer's confirmation: the whole confirmation is
// rolled back — no receipt lines, no ledger transaction, the order still shipped — and
// a retry succeeds once.
func TestReleaseFault(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.commission(250, f.clk.Now().Add(-time.Hour))
		b := f.buyers(1)[0]
		o := f.paid(b, 5)[0]
		if _, err := f.ful.Ship(ctx, f.supP[0], o.ID, sfParcel()); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("injected")
		d.Hook = func(_ context.Context, point string) error {
			if point == fulfil.FaultAfterRelease {
				return boom
			}
			return nil
		}
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, nil); !errors.Is(err, boom) {
			t.Fatalf("want the injected fault, got %v", err)
		}
		d.Hook = nil
		_, v, _ := f.ful.View(ctx, b.p, o.ID)
		if f.state(o.ID) != order.Shipped || len(v.Receipt) != 0 || countRelease(t, d, o.ID) != 0 || f.balance(ledger.CommissionRevenue) != 0 {
			t.Fatalf("a failed release left something behind: %s %+v", f.state(o.ID), v.Receipt)
		}
		if _, err := f.ful.Confirm(ctx, b.p, o.ID, nil); err != nil {
			t.Fatal(err)
		}
		if f.state(o.ID) != order.Settled || countRelease(t, d, o.ID) != 1 {
			t.Fatal("retry did not settle once")
		}
		f.mustClean()
	})
}
