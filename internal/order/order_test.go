package order_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is three live suppliers with one SKU each, and buyers made on demand.
type fixture struct {
	t    testing.TB
	d    *db.DB
	st   *store.Store
	svc  *order.Service
	now  time.Time
	sups []*identity.Org
	skus []*catalog.SKU // skus[i] belongs to sups[i]
	n    int
}

type buyerFx struct {
	p    *identity.Principal
	addr string
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := store.New(d)
	f := &fixture{t: t, d: d, st: st, now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	f.svc = &order.Service{DB: d, Store: st, Buyers: st, Now: func() time.Time { return f.now }}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		cat := &catalog.Category{Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/bolts/"}
		if err := st.AddCategory(ctx, cat); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			o := &identity.Org{Kind: identity.Supplier, Name: fmt.Sprintf("供应商%d", i), Status: identity.OrgActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.CreateOrg(ctx, o); err != nil {
				return err
			}
			if _, err := d.Exec(ctx, `UPDATE orgs SET store_live = TRUE WHERE id = ?`, o.ID); err != nil {
				return err
			}
			p := &catalog.Product{SupplierID: o.ID, CategoryID: cat.ID, Title: fmt.Sprintf("外六角螺栓 %d", i), Name: "外六角螺栓", Status: catalog.StatusOnSale}
			k := &catalog.SKU{Code: fmt.Sprintf("SKU-%d", i), Price: 1250, Tiers: []catalog.Tier{{MinQty: 1, UnitPrice: 1250}, {MinQty: 100, UnitPrice: 1000}},
				MOQ: 1, Multiple: 1, Unit: "件", Stock: 1000, WeightG: 500}
			if err := st.AddProduct(ctx, p, []*catalog.SKU{k}); err != nil {
				return err
			}
			f.sups, f.skus = append(f.sups, o), append(f.skus, k)
		}
		// Supplier 0 charges freight: ¥10 for the first kilogram, ¥2 per further kilogram.
		tpl := &freight.Template{SupplierID: f.sups[0].ID, Name: "默认", Basis: freight.ByWeight,
			Rules: []freight.Rule{{First: 1, FirstFee: 1000, Add: 1, AddFee: 200}}, UpdatedAt: f.now}
		if err := st.SaveFreight(ctx, tpl); err != nil {
			return err
		}
		_, err := d.Exec(ctx, `UPDATE products SET freight_template_id = ? WHERE id = ?`, tpl.ID, f.skus[0].ProductID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// buyers creates n buyer companies, each with an owner and a default address.
func (f *fixture) buyers(n int, roles ...identity.Role) []buyerFx {
	f.t.Helper()
	if len(roles) == 0 {
		roles = []identity.Role{identity.Owner}
	}
	ctx := context.Background()
	var out []buyerFx
	err := f.d.WithTx(ctx, func(ctx context.Context) error {
		for i := 0; i < n; i++ {
			f.n++
			o := &identity.Org{Kind: identity.Buyer, Name: fmt.Sprintf("采购公司%d", f.n), Status: identity.OrgActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := f.st.CreateOrg(ctx, o); err != nil {
				return err
			}
			u := &identity.User{Username: fmt.Sprintf("buyer%d", f.n), DisplayName: fmt.Sprintf("采购%d", f.n), Lang: "zh-CN", Status: identity.UserActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := f.st.CreateUser(ctx, u); err != nil {
				return err
			}
			for _, r := range roles {
				if err := f.st.AddRole(ctx, o.ID, u.ID, r, f.now); err != nil {
					return err
				}
			}
			a := &buyer.Address{OrgID: o.ID, Consignee: "张三", Mobile: "13800138000", DivisionCode: "330106", DivisionName: "浙江省杭州市西湖区", Street: "文三路1号", CreatedAt: f.now, UpdatedAt: f.now}
			if err := f.st.SaveAddress(ctx, a); err != nil {
				return err
			}
			out = append(out, buyerFx{p: &identity.Principal{User: *u, Org: *o, Roles: roles}, addr: a.ID})
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) stock(id string) int64 {
	f.t.Helper()
	var n int64
	if err := f.d.QueryRow(context.Background(), `SELECT stock FROM skus WHERE id = ?`, id).Scan(&n); err != nil {
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

// TestLastUnitRace is battery test 1: 200 buyers check out the same SKU at once, with 1
// and with 10 in stock, several rounds. Exactly min(stock, requests) orders are placed,
// every other checkout is refused for want of stock, and the stock never goes negative.
func TestLastUnitRace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const requests = 200
		bs := f.buyers(requests)
		sku := f.skus[1]
		ctx := context.Background()
		for round, stock := range []int64{1, 10, 1, 10, 1} {
			if _, err := d.Exec(ctx, `UPDATE skus SET stock = ? WHERE id = ?`, stock, sku.ID); err != nil {
				t.Fatal(err)
			}
			before := f.count(`SELECT COUNT(*) FROM order_lines WHERE sku_id = ?`, sku.ID)
			var wg sync.WaitGroup
			var mu sync.Mutex
			placed, refused := 0, 0
			for _, b := range bs {
				wg.Add(1)
				go func(b buyerFx) {
					defer wg.Done()
					res, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: sku.ID, Qty: 1}}})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil && len(res.Orders) == 1:
						placed++
					case errs.Is(err, errs.Invalid):
						refused++
					default:
						t.Errorf("round %d: checkout: %v", round, err)
					}
				}(b)
			}
			wg.Wait()
			want := int(min(stock, requests))
			if placed != want || placed+refused != requests {
				t.Errorf("round %d (stock %d): %d placed, %d refused; want %d placed", round, stock, placed, refused, want)
			}
			if got := f.stock(sku.ID); got != stock-int64(want) || got < 0 {
				t.Errorf("round %d: stock %d after, want %d", round, got, stock-int64(want))
			}
			if got := f.count(`SELECT COUNT(*) FROM order_lines WHERE sku_id = ?`, sku.ID) - before; got != int64(want) {
				t.Errorf("round %d: %d order lines, want %d", round, got, want)
			}
		}
		if n := f.count(`SELECT COUNT(DISTINCT number) FROM orders`); n != f.count(`SELECT COUNT(*) FROM orders`) {
			t.Errorf("order numbers repeat: %d distinct", n)
		}
	})
}

var errFault = errors.New("injected fault")

// TestCheckoutAtomic is battery test 2: a cart across three suppliers, with a fault
// injected after each write step of checkout, leaves nothing behind — no checkout, order,
// line, event, outbox entry, reservation or number — and the cart as it was.
func TestCheckoutAtomic(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		ctx := context.Background()
		for i, k := range f.skus {
			if _, err := f.svc.Add(ctx, b.p, k.Code, fmt.Sprint(10*(i+1))); err != nil {
				t.Fatal(err)
			}
		}
		snapshot := func() string {
			return fmt.Sprint(f.stock(f.skus[0].ID), f.stock(f.skus[1].ID), f.stock(f.skus[2].ID),
				f.count(`SELECT COUNT(*) FROM checkouts`), f.count(`SELECT COUNT(*) FROM orders`), f.count(`SELECT COUNT(*) FROM order_lines`),
				f.count(`SELECT COUNT(*) FROM order_events`), f.count(`SELECT COUNT(*) FROM outbox`), f.count(`SELECT COALESCE(SUM(last), 0) FROM order_seq`),
				f.count(`SELECT COUNT(*) FROM cart_items`))
		}
		before := snapshot()
		for _, point := range order.FaultPoints {
			d.Hook = func(ctx context.Context, p string) error {
				if p == point {
					return errFault
				}
				return nil
			}
			_, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Token: "tok-" + point})
			if !errors.Is(err, errFault) {
				t.Errorf("fault at %s: checkout returned %v", point, err)
			}
			if got := snapshot(); got != before {
				t.Errorf("fault at %s left state %s, want %s", point, got, before)
			}
		}
		d.Hook = nil
		res, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Token: "tok-ok", Notes: map[string]string{f.sups[2].ID: "请周一送货"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Orders) != 3 {
			t.Fatalf("%d orders, want 3", len(res.Orders))
		}
		for i, k := range f.skus {
			if got := f.stock(k.ID); got != 1000-10*int64(i+1) {
				t.Errorf("stock of %s = %d", k.Code, got)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM cart_items`); n != 0 {
			t.Errorf("%d cart items left", n)
		}
		for _, o := range res.Orders {
			if o.State != order.AwaitingPayment || len(o.Lines) != 1 || o.Total != o.Goods+o.Freight {
				t.Errorf("order %+v", o)
			}
			switch o.SupplierID {
			case f.sups[0].ID:
				// 10 × ¥0.125 = ¥1.25; 10 × 500 g = 5 kg → ¥10 + 4 × ¥2 = ¥18 freight.
				if o.Goods != 125 || o.Freight != 1800 {
					t.Errorf("supplier 0 order: goods %d freight %d", o.Goods, o.Freight)
				}
			case f.sups[2].ID:
				// 30 at the first tier.
				if o.Goods != 375 || o.Note != "请周一送货" {
					t.Errorf("supplier 2 order: goods %d, note %q", o.Goods, o.Note)
				}
			}
		}
	})
}

// TestCheckoutToken is the domain half of battery test 3: the same token 50 times at
// once and 50 times in a row places one checkout's orders, and every call returns them.
func TestCheckoutToken(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		b := f.buyers(1)[0]
		ctx := context.Background()
		in := order.CheckoutInput{AddressID: b.addr, Token: "form-token-1", Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: 100}, {SKU: f.skus[1].ID, Qty: 5}}}
		var wg sync.WaitGroup
		ids := make([]string, 100)
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				res, err := f.svc.Checkout(ctx, b.p, in)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = fmt.Sprint(res.CheckoutID, len(res.Orders), res.Orders[0].Number, res.Orders[0].Total)
			}(i)
		}
		wg.Wait()
		for i := 50; i < 100; i++ {
			res, err := f.svc.Checkout(ctx, b.p, in)
			if err != nil {
				t.Fatal(err)
			}
			if !res.Replayed {
				t.Errorf("call %d not a replay", i)
			}
			ids[i] = fmt.Sprint(res.CheckoutID, len(res.Orders), res.Orders[0].Number, res.Orders[0].Total)
		}
		for i := range ids {
			if ids[i] != ids[0] {
				t.Fatalf("call %d got %s, call 0 %s", i, ids[i], ids[0])
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM orders`); n != 2 {
			t.Errorf("%d orders, want 2", n)
		}
		if got := f.stock(f.skus[0].ID); got != 900 {
			t.Errorf("stock %d, want 900", got)
		}
	})
}

// TestStateMachine: out-of-order transitions are refused with a clear error and change
// nothing; cancellation releases stock once; approval rules route orders through
// approval, and rejection releases the stock.
func TestStateMachine(t *testing.T) {
	for _, c := range []struct {
		from, to order.State
		ok       bool
	}{
		{order.AwaitingApproval, order.AwaitingPayment, true},
		{order.AwaitingPayment, order.Paid, true},
		{order.AwaitingPayment, order.Cancelled, true},
		{order.AwaitingApproval, order.Paid, false},
		{order.AwaitingPayment, order.Shipped, false},
		{order.Paid, order.Cancelled, true}, // only through a refund: Cancel refuses it (package payment)
		{order.Paid, order.AwaitingPayment, false},
		{order.Cancelled, order.AwaitingPayment, false},
		{order.Cancelled, order.Cancelled, false},
		{order.Settled, order.Paid, false},
		{order.Shipped, order.Received, true},
	} {
		err := order.Move(c.from, c.to)
		if (err == nil) != c.ok {
			t.Errorf("Move(%s, %s) = %v", c.from, c.to, err)
		}
		if err != nil && (!errs.Is(err, errs.Conflict) || errs.As(err).Msg.Key != "order.err.transition") {
			t.Errorf("Move(%s, %s) error %v is not a clear conflict", c.from, c.to, err)
		}
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		told := &recorder{}
		f.svc.Messages = told
		ctx := context.Background()
		bs := f.buyers(1, identity.Purchaser)
		b := bs[0]
		k := f.skus[1]
		res, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: 10}}})
		if err != nil {
			t.Fatal(err)
		}
		o := res.Orders[0]
		if _, err := f.svc.Approve(ctx, b.p, o.ID); !errs.Is(err, errs.Conflict) {
			t.Errorf("approve an order awaiting payment: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, b.p, o.ID, "不要了"); err != nil {
			t.Fatal(err)
		}
		if got := f.stock(k.ID); got != 1000 {
			t.Errorf("stock after cancel %d", got)
		}
		if _, err := f.svc.Cancel(ctx, b.p, o.ID, ""); !errs.Is(err, errs.Conflict) {
			t.Errorf("second cancel: %v", err)
		}
		if got := f.stock(k.ID); got != 1000 {
			t.Errorf("stock after second cancel %d", got)
		}
		// Another company's order does not exist for this buyer.
		other := f.buyers(1)[0]
		if _, err := f.svc.Get(ctx, other.p, o.ID); !errs.Is(err, errs.NotFound) {
			t.Errorf("other company reads the order: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, other.p, o.ID, ""); !errs.Is(err, errs.NotFound) {
			t.Errorf("other company cancels the order: %v", err)
		}

		// Approval: purchasers' orders over ¥1 need an approver.
		approver := &identity.User{Username: "approver1", DisplayName: "审批人", Lang: "zh-CN", Status: identity.UserActive, CreatedAt: f.now, UpdatedAt: f.now}
		if err := f.st.CreateUser(ctx, approver); err != nil {
			t.Fatal(err)
		}
		if err := f.st.AddRole(ctx, b.p.Org.ID, approver.ID, identity.Approver, f.now); err != nil {
			t.Fatal(err)
		}
		ap := &identity.Principal{User: *approver, Org: b.p.Org, Roles: []identity.Role{identity.Approver}}
		if err := f.st.SaveApprovalRule(ctx, &buyer.Rule{OrgID: b.p.Org.ID, Over: 100, AppliesTo: []identity.Role{identity.Purchaser},
			ApproverRoles: []identity.Role{identity.Approver}, Approvals: 1, CreatedAt: f.now, UpdatedAt: f.now}); err != nil {
			t.Fatal(err)
		}
		place := func() order.Order {
			res, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: 100}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Orders[0].State != order.AwaitingApproval {
				t.Fatalf("state %s, want awaiting approval", res.Orders[0].State)
			}
			return res.Orders[0]
		}
		o1 := place()
		if got := f.stock(k.ID); got != 900 {
			t.Errorf("stock while awaiting approval %d", got)
		}
		if _, err := f.svc.Approve(ctx, b.p, o1.ID); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the purchaser approves its own order: %v", err)
		}
		q, err := f.svc.Approvals(ctx, ap)
		if err != nil || len(q) != 1 || q[0].ID != o1.ID {
			t.Errorf("approvals queue: %v, %v", q, err)
		}
		got, err := f.svc.Approve(ctx, ap, o1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != order.AwaitingPayment || !got.PayDeadline.Equal(f.now.Add(order.DefaultPayWithin)) {
			t.Errorf("after approval: %s, deadline %v", got.State, got.PayDeadline)
		}
		o2 := place()
		if _, err := f.svc.Reject(ctx, ap, o2.ID, "超预算"); err != nil {
			t.Fatal(err)
		}
		if got := f.stock(k.ID); got != 900 {
			t.Errorf("stock after rejection %d, want 900", got)
		}
		full, _ := f.svc.Get(ctx, b.p, o2.ID)
		if full.State != order.Cancelled || len(full.Events) != 2 || full.Events[1].Action != "reject" || full.Events[1].Note != "超预算" {
			t.Errorf("rejected order: %s %+v", full.State, full.Events)
		}

		// o3 waits for approvers who never come: it has an approval deadline.
		base := f.now
		o3 := place()
		if !o3.PayDeadline.Equal(f.now.Add(order.DefaultApproveWithin)) {
			t.Errorf("approval deadline %v", o3.PayDeadline)
		}
		// Two hours before o1's payment deadline its buyer is reminded, once.
		f.now = base.Add(order.DefaultPayWithin - time.Hour)
		for i, want := range []int{1, 0} {
			if n, err := f.svc.RemindUnpaid(ctx, 100); err != nil || n != want {
				t.Errorf("remind run %d: %d, %v", i, n, err)
			}
		}
		// The payment deadline passes: the job cancels o1 and gives its stock back, once;
		// o3's approval deadline is still ahead.
		f.now = base.Add(order.DefaultPayWithin + time.Minute)
		for i, want := range []int{1, 0} {
			n, err := f.svc.ExpireUnpaid(ctx, 100)
			if err != nil || n != want {
				t.Errorf("expire run %d: %d, %v", i, n, err)
			}
		}
		if got := f.stock(k.ID); got != 900 {
			t.Errorf("stock after expiry %d, want 900", got)
		}
		// The approval deadline passes: o3 is cancelled as not approved in time.
		f.now = o3.PayDeadline.Add(time.Minute)
		for i, want := range []int{1, 0} {
			n, err := f.svc.ExpireUnpaid(ctx, 100)
			if err != nil || n != want {
				t.Errorf("approval expiry run %d: %d, %v", i, n, err)
			}
		}
		full, _ = f.svc.Get(ctx, b.p, o3.ID)
		if full.State != order.Cancelled || full.Events[len(full.Events)-1].Action != "approval_expired" {
			t.Errorf("unapproved order: %s %+v", full.State, full.Events)
		}
		if got := f.stock(k.ID); got != 1000 {
			t.Errorf("stock after approval expiry %d, want 1000", got)
		}
		// The buyer company was told of each step, with the order's number first.
		want := map[string]string{"order.msg.needs_approval": o1.Number + o2.Number + o3.Number, "order.msg.approved": o1.Number,
			"order.msg.pay_soon": o1.Number, "order.msg.rejected": o2.Number, "order.msg.expired": o1.Number, "order.msg.approval_expired": o3.Number}
		sent := map[string]string{}
		for _, m := range told.msgs {
			if m.org != b.p.Org.ID {
				t.Errorf("message to %s", m.org)
			}
			sent[m.key] += m.args[0]
		}
		if fmt.Sprint(sent) != fmt.Sprint(want) {
			t.Errorf("messages:\n got %v\nwant %v", sent, want)
		}
	})
}

// TestCartRules: the cart refuses quantities below the MOQ, off the multiple, negative,
// absurd, beyond stock, unknown and off-sale SKUs, naming the field; quick order adds all
// good lines or none and reports every bad line by number.
func TestCartRules(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers(1)[0]
		k := f.skus[2]
		if _, err := d.Exec(ctx, `UPDATE skus SET moq = 100, multiple = 50 WHERE id = ?`, k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `UPDATE skus SET status = 'off' WHERE id = ?`, f.skus[1].ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			ref, qty, field, key string
		}{
			{k.Code, "50", "qty", "order.err.below_moq"},
			{k.Code, "120", "qty", "order.err.multiple"},
			{k.Code, "-100", "qty", "order.err.qty_positive"},
			{k.Code, "0", "qty", "order.err.qty_positive"},
			{k.Code, "999999999999", "qty", "order.err.qty_absurd"},
			{k.Code, "1.5", "qty", "order.err.qty_number"},
			{k.Code, "5000", "qty", "order.err.stock"},
			{"NOPE-1", "100", "sku", "order.err.sku_unknown"},
			{f.skus[1].Code, "100", "qty", "order.err.off_sale"},
		} {
			_, err := f.svc.Add(ctx, b.p, c.ref, c.qty)
			e := errs.As(err)
			if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != c.field || e.Fields[0].Msg.Key != c.key {
				t.Errorf("add %s × %s: %v, want %s on %s", c.ref, c.qty, err, c.key, c.field)
			}
		}
		if n := f.count(`SELECT COUNT(*) FROM cart_items`); n != 0 {
			t.Fatalf("%d cart items after refusals", n)
		}
		_, err := f.svc.QuickOrder(ctx, b.p, "SKU-0\t10\nSKU-2 130\n\nNOPE 5\nSKU-0，20\nonly-one-field\n")
		e := errs.As(err)
		var fields []string
		if e != nil {
			for _, fe := range e.Fields {
				fields = append(fields, fe.Field)
			}
		}
		if fmt.Sprint(fields) != "[lines.2 lines.4 lines.6]" {
			t.Errorf("quick order errors: %v (%v)", fields, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM cart_items`); n != 0 {
			t.Fatalf("%d cart items after a bad paste", n)
		}
		n, err := f.svc.QuickOrder(ctx, b.p, "SKU-0\t10\r\nSKU-2 150\nSKU-0,20")
		if err != nil || n != 3 {
			t.Fatalf("quick order: %d, %v", n, err)
		}
		c, err := f.svc.Cart(ctx, b.p, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Groups) != 2 || c.Count != 2 || !c.Orderable || c.Groups[0].Lines[0].Qty != 30 {
			t.Fatalf("cart: %+v", c)
		}
		// The supplier raises the price: the cart shows it before checkout.
		if _, err := d.Exec(ctx, `UPDATE skus SET tiers = '[{"q":1,"p":1300}]', stock = 10 WHERE id = ?`, f.skus[0].ID); err != nil {
			t.Fatal(err)
		}
		c, _ = f.svc.Cart(ctx, b.p, "")
		l := c.Groups[0].Lines[0]
		if !l.PriceChanged || l.UnitPrice != money.UnitPrice(1300) || !l.StockShort || l.Problem == nil || c.Orderable {
			t.Errorf("changed line: %+v", l)
		}
	})
}

// BenchmarkCheckout places one-line orders from parallel buyers through the service (no
// HTTP): the transaction the checkout endpoint runs.
//
//	go test -run XXX -bench Checkout ./internal/order/
func BenchmarkCheckout(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			d := dbtest.Open(b, engine)
			f := newFixture(b, d)
			bs := f.buyers(64)
			ctx := context.Background()
			if _, err := d.Exec(ctx, `UPDATE skus SET stock = 1000000000`); err != nil {
				b.Fatal(err)
			}
			var next int64
			var mu sync.Mutex
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				mu.Lock()
				buyer := bs[next%int64(len(bs))]
				next++
				mu.Unlock()
				i := 0
				for pb.Next() {
					i++
					k := f.skus[i%3]
					_, err := f.svc.Checkout(ctx, buyer.p, order.CheckoutInput{AddressID: buyer.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: 10}, {SKU: f.skus[(i+1)%3].ID, Qty: 20}}})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestApprovalSteps: "two approvers, or the owner alone" completes on the owner's word;
// two approvers deciding at the same moment both count, and the order moves on.
func TestApprovalSteps(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers(1, identity.Purchaser)[0]
		k := f.skus[1]
		member := func(name string, role identity.Role) *identity.Principal {
			u := &identity.User{Username: name, DisplayName: name, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := f.st.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
			if err := f.st.AddRole(ctx, b.p.Org.ID, u.ID, role, f.now); err != nil {
				t.Fatal(err)
			}
			return &identity.Principal{User: *u, Org: b.p.Org, Roles: []identity.Role{role}}
		}
		owner, a1, a2 := member("owner-x", identity.Owner), member("approver-x", identity.Approver), member("approver-y", identity.Approver)
		if err := f.st.SaveApprovalRule(ctx, &buyer.Rule{OrgID: b.p.Org.ID, Over: 100, AppliesTo: []identity.Role{identity.Purchaser},
			ApproverRoles: []identity.Role{identity.Approver, identity.Owner}, Approvals: 2, OwnerAlone: true, CreatedAt: f.now, UpdatedAt: f.now}); err != nil {
			t.Fatal(err)
		}
		place := func() string {
			res, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: 100}}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Orders[0].State != order.AwaitingApproval {
				t.Fatalf("state %s, want awaiting approval", res.Orders[0].State)
			}
			return res.Orders[0].ID
		}
		// The owner alone.
		got, err := f.svc.Approve(ctx, owner, place())
		if err != nil || got.State != order.AwaitingPayment {
			t.Fatalf("after the owner's approval: %v, %v", got, err)
		}
		// One approver is not enough; two are, even deciding at once.
		for round := range 5 {
			id := place()
			var wg sync.WaitGroup
			errc := make(chan error, 2)
			for _, p := range []*identity.Principal{a1, a2} {
				wg.Go(func() {
					_, err := f.svc.Approve(ctx, p, id)
					errc <- err
				})
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Errorf("round %d: %v", round, err)
				}
			}
			o, err := f.svc.Get(ctx, b.p, id)
			if err != nil || o.State != order.AwaitingPayment || len(o.Approvals) != 2 {
				t.Fatalf("round %d: two approvals at once left the order %s with %d approvals (%v)", round, o.State, len(o.Approvals), err)
			}
		}
	})
}

// TestAbsurdAmounts: a line whose total money cannot hold is refused at checkout, naming
// the field, and nothing is reserved.
func TestAbsurdAmounts(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers(1)[0]
		k := f.skus[2]
		// ¥90,000,000.0000 a piece: 100,000,000 pieces would be ¥9×10¹⁵, beyond any order.
		huge := int64(900_000_000_000)
		if _, err := d.Exec(ctx, `UPDATE skus SET price = ?, tiers = ?, stock = 200000000, moq = 1, multiple = 1 WHERE id = ?`,
			huge, fmt.Sprintf(`[{"q":1,"p":%d}]`, huge), k.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: order.MaxQty}}})
		e := errs.As(err)
		if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Msg.Key != "order.err.amount_absurd" {
			t.Fatalf("absurd amount: %v", err)
		}
		if got := f.stock(k.ID); got != 200000000 {
			t.Errorf("stock %d after a refused checkout", got)
		}
	})
}

// TestZeroAmountOrder: an order that comes to less than a fen is refused at checkout,
// naming the field, rather than becoming an order nobody can pay.
func TestZeroAmountOrder(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers(1)[0]
		k := f.skus[2]
		if _, err := d.Exec(ctx, `UPDATE skus SET price = 32, tiers = '[{"q":1,"p":32}]', moq = 1, multiple = 1 WHERE id = ?`, k.ID); err != nil {
			t.Fatal(err)
		}
		before := f.stock(k.ID)
		_, err := f.svc.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: k.ID, Qty: 1}}})
		if e := errs.As(err); e == nil || len(e.Fields) == 0 || e.Fields[0].Msg.Key != "order.err.amount_zero" {
			t.Fatalf("a ¥0.0032 order: %v", err)
		}
		if got := f.stock(k.ID); got != before {
			t.Errorf("stock %d after a refused checkout, want %d", got, before)
		}
	})
}

// recorder keeps the messages an order service sends.
type recorder struct {
	mu   sync.Mutex
	msgs []struct {
		org, kind, key string
		args           []string
	}
}

func (r *recorder) Send(_ context.Context, orgID, kind, key, _ string, args ...string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, struct {
		org, kind, key string
		args           []string
	}{orgID, kind, key, args})
	return nil
}
