package rfq_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/rfq"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture: category 紧固件 (fasteners) with child 螺栓 (bolts), suppliers 0 and 1 selling
// bolts, supplier 2 selling in another category, and two buyer companies.
type fixture struct {
	t      *testing.T
	d      *db.DB
	st     *store.Store
	svc    *rfq.Service
	orders *order.Service
	now    time.Time
	cat    string
	sups   []*identity.Principal
	buyers []*identity.Principal
	addrs  []string
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := store.New(d)
	f := &fixture{t: t, d: d, st: st, now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	f.orders = &order.Service{DB: d, Store: st, Buyers: st, Now: clock}
	f.svc = &rfq.Service{DB: d, Store: st, Orders: f.orders, Addresses: &buyer.Service{DB: d, Store: st, Audit: st, Now: clock}, Blobs: st,
		Notify: &notify.Service{Store: st, Now: clock}, Now: clock}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		fast := &catalog.Category{Code: "fasteners", NameZH: "紧固件", NameEN: "Fasteners", Path: "/fasteners/"}
		if err := st.AddCategory(ctx, fast); err != nil {
			return err
		}
		bolts := &catalog.Category{ParentID: fast.ID, Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Depth: 1, Path: "/fasteners/bolts/"}
		if err := st.AddCategory(ctx, bolts); err != nil {
			return err
		}
		tools := &catalog.Category{Code: "tools", NameZH: "工具", NameEN: "Tools", Path: "/tools/"}
		if err := st.AddCategory(ctx, tools); err != nil {
			return err
		}
		f.cat = fast.ID
		for i := 0; i < 3; i++ {
			o := &identity.Org{Kind: identity.Supplier, Name: fmt.Sprintf("供应商%d", i), Status: identity.OrgActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.CreateOrg(ctx, o); err != nil {
				return err
			}
			u := &identity.User{Username: fmt.Sprintf("sup%d", i), DisplayName: fmt.Sprintf("销售%d", i), Lang: "zh-CN", Status: identity.UserActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
			cat := bolts.ID
			if i == 2 {
				cat = tools.ID
			}
			p := &catalog.Product{SupplierID: o.ID, CategoryID: cat, Title: fmt.Sprintf("产品 %d", i), Name: "产品", Status: catalog.StatusOnSale}
			k := &catalog.SKU{Code: fmt.Sprintf("SKU-%d", i), Price: 1250, MOQ: 1, Multiple: 1, Unit: "件", Stock: 10}
			if err := st.AddProduct(ctx, p, []*catalog.SKU{k}); err != nil {
				return err
			}
			f.sups = append(f.sups, &identity.Principal{User: *u, Org: *o, Roles: []identity.Role{identity.Owner}})
		}
		for i := 0; i < 2; i++ {
			o := &identity.Org{Kind: identity.Buyer, Name: fmt.Sprintf("采购公司%d", i), Status: identity.OrgActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.CreateOrg(ctx, o); err != nil {
				return err
			}
			u := &identity.User{Username: fmt.Sprintf("buyer%d", i), DisplayName: fmt.Sprintf("采购%d", i), Lang: "zh-CN", Status: identity.UserActive, CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := st.AddRole(ctx, o.ID, u.ID, identity.Owner, f.now); err != nil {
				return err
			}
			a := &buyer.Address{OrgID: o.ID, Consignee: "张三", Mobile: "13800138000", DivisionCode: "330106", DivisionName: "浙江省杭州市西湖区", Street: "文三路1号", CreatedAt: f.now, UpdatedAt: f.now}
			if err := st.SaveAddress(ctx, a); err != nil {
				return err
			}
			f.buyers = append(f.buyers, &identity.Principal{User: *u, Org: *o, Roles: []identity.Role{identity.Owner}})
			f.addrs = append(f.addrs, a.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) input() rfq.RequestInput {
	return rfq.RequestInput{
		Title: "非标法兰加工", Description: "按图纸加工", CategoryID: f.cat, OpenToAll: true, Publish: true,
		Lines:  []rfq.LineInput{{Description: "法兰盘 DN100", Spec: "Q235 镀锌", Qty: 200, Unit: "件"}, {Description: "垫片", Spec: "PTFE", Qty: 1000, Unit: "片"}},
		NeedBy: f.now.Add(30 * 24 * time.Hour), Deadline: f.now.Add(72 * time.Hour), Target: "30000", AddressID: f.addrs[0],
		Files: []rfq.FileInput{{Name: "图纸.pdf", Data: []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")}},
	}
}

func (f *fixture) quote(prices ...string) rfq.QuoteInput {
	return rfq.QuoteInput{Prices: prices, TaxIncluded: true, TaxRate: money.VAT13, LeadDays: 15, ValidUntil: f.now.Add(10 * 24 * time.Hour),
		PaymentTerms: "款到发货", DeliveryTerms: "送货上门"}
}

func wantCode(t *testing.T, err error, code errs.Code, what string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

func TestFlow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers[0]
		in := f.input()
		in.Token = "tok-1"
		r, err := f.svc.Create(ctx, b, in)
		if err != nil {
			t.Fatal(err)
		}
		if r.State != rfq.Published || len(r.Lines) != 2 || len(r.Files) != 1 || r.Target != 3000000 || r.Number == "" {
			t.Fatalf("request %+v", r)
		}
		again, err := f.svc.Create(ctx, b, in)
		if err != nil || again.ID != r.ID {
			t.Fatalf("same token: %v %v", again, err)
		}
		// Suppliers 0 and 1 sell in the category; 2 does not and cannot see it.
		for i, want := range []int{1, 1, 0} {
			list, err := f.svc.List(ctx, f.sups[i], "")
			if err != nil || len(list) != want {
				t.Fatalf("supplier %d inbox %d, %v", i, len(list), err)
			}
		}
		_, err = f.svc.Get(ctx, f.sups[2], r.ID)
		wantCode(t, err, errs.NotFound, "outside supplier")
		_, err = f.svc.SubmitQuote(ctx, f.sups[2], r.ID, f.quote("100", "1"))
		wantCode(t, err, errs.NotFound, "outside supplier quotes")
		_, err = f.svc.Get(ctx, f.buyers[1], r.ID)
		wantCode(t, err, errs.NotFound, "other buyer")
		_, err = f.svc.Accept(ctx, f.buyers[1], r.ID, db.NewID())
		wantCode(t, err, errs.NotFound, "other buyer accepts")
		_, err = f.svc.File(ctx, f.sups[2], r.ID, r.Files[0].BlobID)
		wantCode(t, err, errs.NotFound, "outside supplier file")
		if blob, err := f.svc.File(ctx, f.sups[0], r.ID, r.Files[0].BlobID); err != nil || blob.Size == 0 {
			t.Fatalf("supplier reads drawing: %v", err)
		}

		q0, err := f.svc.SubmitQuote(ctx, f.sups[0], r.ID, f.quote("120.5", "0.8"))
		if err != nil {
			t.Fatal(err)
		}
		// 200 × 120.50 + 1000 × 0.80 = 24,100 + 800
		if q0.Total != 2490000 {
			t.Fatalf("total %d", q0.Total)
		}
		// Revise: version 2, version 1 kept.
		rev := f.quote("110", "0.8")
		rev.Version = 1
		q0, err = f.svc.SubmitQuote(ctx, f.sups[0], r.ID, rev)
		if err != nil || q0.Version != 2 {
			t.Fatalf("revise: %v %v", q0, err)
		}
		stale := f.quote("100", "0.8")
		stale.Version = 1
		_, err = f.svc.SubmitQuote(ctx, f.sups[0], r.ID, stale)
		wantCode(t, err, errs.Conflict, "stale revision")
		// Supplier 1 quotes excluding tax; the order takes the tax-inclusive price.
		q1in := f.quote("100", "1")
		q1in.TaxIncluded = false
		q1, err := f.svc.SubmitQuote(ctx, f.sups[1], r.ID, q1in)
		if err != nil {
			t.Fatal(err)
		}
		if q1.Total != 2260000+113000 {
			t.Fatalf("excl. tax total %d", q1.Total)
		}
		// Threads are private.
		if err := f.svc.Say(ctx, b, r.ID, f.sups[1].Org.ID, "能否提前交货？"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Say(ctx, f.sups[0], r.ID, "", "材质可以换成 304"); err != nil {
			t.Fatal(err)
		}
		d0, err := f.svc.Get(ctx, f.sups[0], r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d0.Quotes) != 1 || d0.Quotes[0].Supplier.ID != f.sups[0].Org.ID || len(d0.Threads[f.sups[0].Org.ID]) != 1 || len(d0.Threads) != 1 {
			t.Fatalf("supplier view leaks: %+v", d0)
		}
		if len(d0.Mine.Versions) != 2 {
			t.Fatalf("versions %d", len(d0.Mine.Versions))
		}
		bd, err := f.svc.Get(ctx, b, r.ID)
		if err != nil || len(bd.Quotes) != 2 || len(bd.Threads) != 2 {
			t.Fatalf("buyer view: %v %v", bd, err)
		}
		// Supplier 1 withdraws; a withdrawn quote cannot be accepted.
		if err := f.svc.Withdraw(ctx, f.sups[1], r.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Accept(ctx, b, r.ID, q1.ID)
		wantCode(t, err, errs.Conflict, "accept withdrawn")
		// Revise after withdrawing brings it back.
		q1in.Version = q1.Version
		if q1, err = f.svc.SubmitQuote(ctx, f.sups[1], r.ID, q1in); err != nil {
			t.Fatal(err)
		}

		o, err := f.svc.Accept(ctx, b, r.ID, q0.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.State != order.AwaitingPayment || o.Total != q0.Total || len(o.Lines) != 2 || o.Lines[0].SKUID != "" || o.SupplierID != f.sups[0].Org.ID {
			t.Fatalf("order %+v", o)
		}
		stored, err := f.st.Order(ctx, o.ID)
		if err != nil || stored.Lines[0].UnitPrice != 1100000 || stored.Lines[0].SKUID != "" || stored.Number == "" {
			t.Fatalf("stored order %+v %v", stored, err)
		}
		_, err = f.svc.Accept(ctx, b, r.ID, q0.ID)
		wantCode(t, err, errs.Conflict, "accept twice")
		_, err = f.svc.Accept(ctx, b, r.ID, q1.ID)
		wantCode(t, err, errs.Conflict, "accept another")
		got, _ := f.st.Quote(ctx, q1.ID)
		if got.State != rfq.NotChosen {
			t.Fatalf("other quote %s", got.State)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE org_id = ? AND msg_key = 'rfq.msg.not_chosen'`, f.sups[1].Org.ID).Scan(&n); err != nil || n != 1 {
			t.Fatalf("not chosen notice %d %v", n, err)
		}
		// Cancelling the quoted order releases no stock and works.
		if _, err := f.orders.Cancel(ctx, b, o.ID, ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestApprovalApplies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers[0]
		if err := f.st.SaveApprovalRule(ctx, &buyer.Rule{OrgID: b.Org.ID, Over: 100000, AppliesTo: []identity.Role{identity.Owner, identity.Purchaser},
			ApproverRoles: []identity.Role{identity.Approver}, Approvals: 1, CreatedAt: f.now, UpdatedAt: f.now}); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Create(ctx, b, f.input())
		if err != nil {
			t.Fatal(err)
		}
		q, err := f.svc.SubmitQuote(ctx, f.sups[0], r.ID, f.quote("10", "1"))
		if err != nil {
			t.Fatal(err)
		}
		o, err := f.svc.Accept(ctx, b, r.ID, q.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.State != order.AwaitingApproval {
			t.Fatalf("state %s", o.State)
		}
	})
}

func TestExpiry(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers[0]
		r, err := f.svc.Create(ctx, b, f.input())
		if err != nil {
			t.Fatal(err)
		}
		empty, err := f.svc.Create(ctx, b, f.input())
		if err != nil {
			t.Fatal(err)
		}
		qin := f.quote("10", "1")
		qin.ValidUntil = f.now.Add(96 * time.Hour) // one day after the deadline
		q, err := f.svc.SubmitQuote(ctx, f.sups[0], r.ID, qin)
		if err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(73 * time.Hour)
		_, err = f.svc.SubmitQuote(ctx, f.sups[1], r.ID, f.quote("9", "1"))
		wantCode(t, err, errs.Conflict, "quote after deadline")
		err = f.svc.Withdraw(ctx, f.sups[0], r.ID)
		wantCode(t, err, errs.Conflict, "withdraw after deadline")
		n, err := f.svc.ExpireDue(ctx, 100)
		if err != nil || n != 2 {
			t.Fatalf("expired %d %v", n, err)
		}
		if n, _ := f.svc.ExpireDue(ctx, 100); n != 0 {
			t.Fatalf("second run moved %d", n)
		}
		got, _ := f.st.RFQ(ctx, r.ID)
		gotEmpty, _ := f.st.RFQ(ctx, empty.ID)
		if got.State != rfq.Closed || gotEmpty.State != rfq.Expired {
			t.Fatalf("states %s %s", got.State, gotEmpty.State)
		}
		// Past the quote's validity it cannot be accepted, with or without the job.
		f.now = f.now.Add(48 * time.Hour)
		_, err = f.svc.Accept(ctx, b, r.ID, q.ID)
		wantCode(t, err, errs.Conflict, "accept expired quote")
		if _, err := f.svc.ExpireDue(ctx, 100); err != nil {
			t.Fatal(err)
		}
		qq, _ := f.st.Quote(ctx, q.ID)
		if qq.State != rfq.QuoteExpired {
			t.Fatalf("quote %s", qq.State)
		}
		var orders int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM orders`).Scan(&orders); err != nil || orders != 0 {
			t.Fatalf("orders %d", orders)
		}
	})
}

func TestBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers[0]
		for _, c := range []struct {
			name  string
			edit  func(*rfq.RequestInput)
			field string
		}{
			{"no title", func(in *rfq.RequestInput) { in.Title = " " }, "title"},
			{"zero qty", func(in *rfq.RequestInput) { in.Lines[0].Qty = 0 }, "lines.0.qty"},
			{"negative qty", func(in *rfq.RequestInput) { in.Lines[1].Qty = -5 }, "lines.1.qty"},
			{"absurd qty", func(in *rfq.RequestInput) { in.Lines[0].Qty = 1e12 }, "lines.0.qty"},
			{"past deadline", func(in *rfq.RequestInput) { in.Deadline = f.now.Add(-time.Hour) }, "deadline"},
			{"past need-by", func(in *rfq.RequestInput) { in.NeedBy = f.now.Add(-48 * time.Hour) }, "need_by"},
			{"needed before the deadline", func(in *rfq.RequestInput) { in.NeedBy = f.now.Add(24 * time.Hour) }, "need_by"},
			{"deadline years away", func(in *rfq.RequestInput) { in.Deadline = f.now.Add(5 * 365 * 24 * time.Hour) }, "deadline"},
			{"negative target", func(in *rfq.RequestInput) { in.Target = "-5" }, "target"},
			{"unknown category", func(in *rfq.RequestInput) { in.CategoryID = db.NewID() }, "category_id"},
			{"unknown supplier", func(in *rfq.RequestInput) { in.Invite = []string{"没有这家"} }, "invite"},
			{"nobody", func(in *rfq.RequestInput) { in.OpenToAll = false }, "invite"},
			{"other's address", func(in *rfq.RequestInput) { in.AddressID = f.addrs[1] }, "address_id"},
			{"fake drawing", func(in *rfq.RequestInput) {
				in.Files = []rfq.FileInput{{Name: "a.pdf", Data: []byte("MZ\x90\x00 not a pdf")}}
			}, ""},
		} {
			in := f.input()
			c.edit(&in)
			_, err := f.svc.Create(ctx, b, in)
			e := errs.As(err)
			if e == nil || e.Code == errs.Internal || e.Code == errs.NotFound {
				t.Fatalf("%s: %v", c.name, err)
			}
			if c.field != "" {
				found := false
				for _, fe := range e.Fields {
					found = found || fe.Field == c.field
				}
				if !found {
					t.Errorf("%s: fields %+v", c.name, e.Fields)
				}
			}
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM rfqs`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("half-written: %d rfqs", n)
		}
		r, err := f.svc.Create(ctx, b, f.input())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			edit func(*rfq.QuoteInput)
		}{
			{"negative price", func(in *rfq.QuoteInput) { in.Prices[0] = "-1" }},
			{"junk price", func(in *rfq.QuoteInput) { in.Prices[0] = "abc" }},
			{"missing price", func(in *rfq.QuoteInput) { in.Prices = in.Prices[:1] }},
			{"huge price", func(in *rfq.QuoteInput) { in.Prices[0] = "99999999999" }},
			{"bad rate", func(in *rfq.QuoteInput) { in.TaxRate = 1700 }},
			{"zero lead", func(in *rfq.QuoteInput) { in.LeadDays = 0 }},
			{"past validity", func(in *rfq.QuoteInput) { in.ValidUntil = f.now.Add(-time.Hour) }},
		} {
			in := f.quote("10", "1")
			c.edit(&in)
			_, err := f.svc.SubmitQuote(ctx, f.sups[0], r.ID, in)
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM rfq_quotes`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("half-written: %d quotes", n)
		}
	})
}

// TestAcceptRace: ten members' worth of concurrent accepts of the two quotes of one
// request place exactly one order; every other attempt is a clear conflict.
func TestAcceptRace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		b := f.buyers[0]
		r, err := f.svc.Create(ctx, b, f.input())
		if err != nil {
			t.Fatal(err)
		}
		var qs []*rfq.Quote
		for i := 0; i < 2; i++ {
			q, err := f.svc.SubmitQuote(ctx, f.sups[i], r.ID, f.quote("10", "1"))
			if err != nil {
				t.Fatal(err)
			}
			qs = append(qs, q)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(q *rfq.Quote) {
				defer wg.Done()
				_, err := f.svc.Accept(ctx, b, r.ID, q.ID)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errs.Is(err, errs.Conflict):
					conflicts++
				default:
					t.Errorf("accept: %v", err)
				}
			}(qs[i%2])
		}
		wg.Wait()
		var orders int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM orders`).Scan(&orders); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || conflicts != 9 || orders != 1 {
			t.Fatalf("ok %d, conflicts %d, orders %d", ok, conflicts, orders)
		}
	})
}
