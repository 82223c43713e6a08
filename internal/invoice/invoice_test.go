package invoice_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/invoice"
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

type fixture struct {
	t     testing.TB
	d     *db.DB
	st    *store.Store
	now   time.Time
	ord   *order.Service
	pay   *payment.Service
	inv   *invoice.Service
	cats  []*catalog.Category
	sups  []*identity.Principal
	skus  []*catalog.SKU
	staff *identity.Principal
	n     int
}

type buyerFx struct {
	p    *identity.Principal
	addr string
}

// newFixture: two suppliers, supplier 0 selling a 13 % bolt (category 螺栓) and a 9 %
// item (category 农资, rate set by ops), supplier 1 one bolt; services wired as the app does.
func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	st := store.New(d)
	f := &fixture{t: t, d: d, st: st, now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	now := func() time.Time { return f.now }
	f.ord = &order.Service{DB: d, Store: st, Buyers: st, Now: now, TaxRates: st.ProductVATRates}
	msgs := &notify.Service{Store: st, Now: now}
	f.pay = &payment.Service{DB: d, Store: st, Ledger: ledger.NewService(d, st, now), Orders: f.ord, Messages: msgs, Now: now,
		Providers: map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}}
	f.inv = &invoice.Service{DB: d, Store: st, Orders: f.ord, Profiles: &buyer.Service{DB: d, Store: st, Audit: st, Now: now}, Blobs: st, Notify: msgs, Now: now}
	f.pay.OnRefund = f.inv.Refunded
	err := d.WithTx(ctx, func(ctx context.Context) error {
		for _, c := range []*catalog.Category{{Code: "bolts", NameZH: "螺栓", NameEN: "Bolts", Path: "/bolts/"}, {Code: "agri", NameZH: "农资", NameEN: "Farm", Path: "/agri/"}} {
			if err := st.AddCategory(ctx, c); err != nil {
				return err
			}
			f.cats = append(f.cats, c)
		}
		if err := st.SetCategoryVATRate(ctx, f.cats[1].ID, int64(money.VAT9)); err != nil {
			return err
		}
		for i := 0; i < 2; i++ {
			sp, err := tradetest.Supplier(ctx, st, i, now())
			if err != nil {
				return err
			}
			f.sups = append(f.sups, sp)
			for j, c := range f.cats[:2-i] {
				// ¥12.3457 a piece: line totals that do not split evenly.
				k, err := tradetest.SKU(ctx, st, sp.Org.ID, c.ID, fmt.Sprintf("%s %d-%d", c.NameZH, i, j), fmt.Sprintf("SKU-%d-%d", i, j), 123457)
				if err != nil {
					return err
				}
				f.skus = append(f.skus, k)
			}
		}
		po, err := tradetest.Platform(ctx, st, now())
		if err != nil {
			return err
		}
		f.staff, err = tradetest.Staff(ctx, st, po, "ops", "运营", identity.OpsManager, now())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// buyer makes a buyer company; full gives it the complete 专票 profile.
func (f *fixture) buyer(full bool) buyerFx {
	f.t.Helper()
	ctx := context.Background()
	var out buyerFx
	err := f.d.WithTx(ctx, func(ctx context.Context) error {
		f.n++
		p, addr, err := tradetest.Buyer(ctx, f.st, f.n, f.now)
		if err != nil {
			return err
		}
		pr := &buyer.Profile{OrgID: p.Org.ID, InvoiceTitle: p.Org.Name, InvoiceType: "normal", UpdatedAt: f.now}
		if full {
			pr.TaxID, pr.RegAddress, pr.RegPhone, pr.BankName, pr.BankAccount = "91350100M000100Y43", "杭州市西湖区文三路1号", "0571-88888888", "招商银行杭州分行", "571900000000001"
		}
		if err := f.st.SaveBuyerProfile(ctx, pr); err != nil {
			return err
		}
		out = buyerFx{p: p, addr: addr}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// paidOrder places and pays an order from supplier 0 with qty of its two SKUs.
func (f *fixture) paidOrder(b buyerFx, qty int64) *order.Order {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.ord.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: qty}, {SKU: f.skus[1].ID, Qty: qty}}})
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
	o, err := f.st.Order(ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return o
}

// issueInput is what a supplier types for inv, with a 数电票 number of the year.
func issueInput(inv *invoice.Invoice, no string) invoice.IssueInput {
	return invoice.IssueInput{Number: no, IssuedOn: "2026-11-24", Amount: inv.Amount.String(), Excl: inv.Excl.String(), Tax: inv.Tax.String()}
}

func TestCheckoutRecordsCategoryRate(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		o := f.paidOrder(f.buyer(true), 3)
		rates := map[string]money.Rate{}
		for _, l := range o.Lines {
			rates[l.SKUCode] = l.TaxRate
		}
		if rates["SKU-0-0"] != money.VAT13 || rates["SKU-0-1"] != money.VAT9 {
			t.Fatalf("line rates %v", rates)
		}
	})
}

func TestRequestIssue(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b, other := f.buyer(true), f.buyer(true)
		o := f.paidOrder(b, 7)

		// A 专票 request snapshots the profile; Σ lines = what was paid, to the fen.
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special, IdemKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		a, e, x := invoice.Totals(inv.Lines)
		if inv.Amount != o.Total || a != o.Total || e+x != a || inv.TaxID != "91350100M000100Y43" || inv.BankAccount == "" || inv.AddressPhone == "" {
			t.Fatalf("request %+v for order total %d", inv, o.Total)
		}
		// The same key replays; another request for the order is refused.
		again, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special, IdemKey: "k1"})
		if err != nil || again.ID != inv.ID {
			t.Fatalf("replay: %v %v", again, err)
		}
		_, err = f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Normal})
		wantCode(t, err, errs.Conflict)

		// Tenant probes: another buyer, another supplier.
		_, err = f.inv.Get(ctx, other.p, inv.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.inv.Request(ctx, other.p, o.ID, invoice.RequestInput{Kind: invoice.Normal})
		wantCode(t, err, errs.NotFound)
		_, err = f.inv.Get(ctx, f.sups[1], inv.ID)
		wantCode(t, err, errs.NotFound)
		_, err = f.inv.Issue(ctx, f.sups[1], inv.ID, issueInput(inv, "26330000000000000001"))
		wantCode(t, err, errs.NotFound)
		_, err = f.inv.Reject(ctx, f.sups[1], inv.ID, "不开")
		wantCode(t, err, errs.NotFound)
		if list, _ := f.inv.List(ctx, other.p, invoice.Filter{}); len(list) != 0 {
			t.Fatalf("another buyer sees %d invoices", len(list))
		}
		if list, _ := f.inv.List(ctx, f.sups[1], invoice.Filter{}); len(list) != 0 {
			t.Fatalf("another supplier sees %d invoices", len(list))
		}

		// Amount mismatch, bad numbers and dates are refused naming the field.
		sup := f.sups[0]
		in := issueInput(inv, "26330000000000000001")
		in.Tax = (inv.Tax + 1).String()
		_, err = f.inv.Issue(ctx, sup, inv.ID, in)
		wantField(t, err, "tax")
		in = issueInput(inv, "26330000000000000001")
		in.Amount = (inv.Amount - 1).String()
		_, err = f.inv.Issue(ctx, sup, inv.ID, in)
		wantField(t, err, "amount")
		for no, field := range map[string]string{"2633000000000000001": "number", "25330000000000000001": "number", "1234567": "number", "12345678": "code", "2633000000000000000X": "number"} {
			_, err = f.inv.Issue(ctx, sup, inv.ID, issueInput(inv, no))
			wantField(t, err, field)
		}
		in = issueInput(inv, "12345678")
		in.Code = "033001900111"
		in.IssuedOn = "2026-11-25"
		_, err = f.inv.Issue(ctx, sup, inv.ID, in)
		wantField(t, err, "issued_on")
		got, _ := f.inv.Get(ctx, b.p, inv.ID)
		if got.State != invoice.Requested {
			t.Fatalf("refused issues changed the state to %s", got.State)
		}

		// A legacy number with its 12-digit code, with an XML file.
		in = issueInput(inv, "12345678")
		in.Code = "033001900111"
		in.Files = []invoice.FileInput{{Name: "发票.xml", Data: []byte(`<?xml version="1.0" encoding="UTF-8"?><EInvoice><Header><InherentLabel>数电</InherentLabel></Header></EInvoice>`)}}
		issued, err := f.inv.Issue(ctx, sup, inv.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if issued.State != invoice.Issued || issued.No != "12345678" || len(issued.Files) != 1 || issued.Files[0].Kind != "xml" {
			t.Fatalf("issued %+v", issued)
		}
		if _, err := f.inv.File(ctx, b.p, inv.ID, issued.Files[0].BlobID); err != nil {
			t.Fatalf("buyer reads the file: %v", err)
		}
		_, err = f.inv.File(ctx, other.p, inv.ID, issued.Files[0].BlobID)
		wantCode(t, err, errs.NotFound)
		// Double issue is refused and changes nothing.
		_, err = f.inv.Issue(ctx, sup, inv.ID, issueInput(inv, "26330000000000000002"))
		wantCode(t, err, errs.Conflict)
		got, _ = f.inv.Get(ctx, b.p, inv.ID)
		if got.No != "12345678" {
			t.Fatalf("second issue changed the number to %s", got.No)
		}
		// An invoice number is issued once, across orders.
		o2 := f.paidOrder(b, 2)
		inv2, err := f.inv.Request(ctx, b.p, o2.ID, invoice.RequestInput{Kind: invoice.Normal})
		if err != nil {
			t.Fatal(err)
		}
		in = issueInput(inv2, "12345678")
		in.Code = "033001900111"
		_, err = f.inv.Issue(ctx, sup, inv2.ID, in)
		wantField(t, err, "number")
	})
}

func TestRequestRefusals(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(false)
		// Not paid yet: refused.
		res, err := f.ord.Checkout(ctx, b.p, order.CheckoutInput{AddressID: b.addr, Items: []order.ItemInput{{SKU: f.skus[0].ID, Qty: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.inv.Request(ctx, b.p, res.Orders[0].ID, invoice.RequestInput{Kind: invoice.Normal})
		wantCode(t, err, errs.Conflict)

		o := f.paidOrder(b, 1)
		// 专票 without the tax details names each missing field.
		_, err = f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		for _, fl := range []string{"tax_id", "reg_address", "bank_account"} {
			wantField(t, err, fl)
		}
		_, err = f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: "vat"})
		wantField(t, err, "kind")
		// 普票 needs the name only.
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Normal})
		if err != nil {
			t.Fatal(err)
		}
		// Rejected with a reason, the buyer may ask again.
		_, err = f.inv.Reject(ctx, f.sups[0], inv.ID, "")
		wantField(t, err, "reason")
		if _, err := f.inv.Reject(ctx, f.sups[0], inv.ID, "抬头与付款方不一致"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Normal}); err != nil {
			t.Fatalf("re-request after rejection: %v", err)
		}
	})
}

// TestRedLetterAfterRefund drives the existing cancellation refund: an issued invoice
// gets a red-letter task for the refunded amount, which the supplier records.
func TestRedLetterAfterRefund(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(true)
		o := f.paidOrder(b, 5)
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.inv.Issue(ctx, f.sups[0], inv.ID, issueInput(inv, "26330000000000000011")); err != nil {
			t.Fatal(err)
		}
		if _, err := f.pay.RequestRefund(ctx, b.p, o.ID, "不要了"); err != nil {
			t.Fatal(err)
		}
		rf, err := f.pay.ApproveRefund(ctx, f.sups[0], o.ID)
		if err != nil {
			t.Fatal(err)
		}
		blue, _ := f.inv.Get(ctx, b.p, inv.ID)
		if !blue.RedPending {
			t.Fatal("issued invoice not flagged 待红冲 after the refund")
		}
		reds, err := f.inv.List(ctx, f.sups[0], invoice.Filter{Color: invoice.Red, State: invoice.Requested})
		if err != nil || len(reds) != 1 {
			t.Fatalf("red tasks %v %v", reds, err)
		}
		red := reds[0]
		if red.Amount != -rf.Amount || red.OriginalID != inv.ID || red.RefundRef != "refund:"+rf.ID {
			t.Fatalf("red task %+v for refund %d", red, rf.Amount)
		}
		// The hook is idempotent by the refund's reference.
		if err := f.inv.Refunded(ctx, o.ID, "refund:"+rf.ID, 0, rf.Amount); err != nil {
			t.Fatal(err)
		}
		if reds, _ := f.inv.List(ctx, f.sups[0], invoice.Filter{Color: invoice.Red}); len(reds) != 1 {
			t.Fatalf("replayed refund made %d red tasks", len(reds))
		}
		// Amounts must be the negative ones; positive amounts are named.
		in := issueInput(&red, "26330000000000000012")
		in.Amount = (-red.Amount).String()
		_, err = f.inv.Issue(ctx, f.sups[0], red.ID, in)
		wantField(t, err, "amount")
		done, err := f.inv.Issue(ctx, f.sups[0], red.ID, issueInput(&red, "26330000000000000012"))
		if err != nil {
			t.Fatal(err)
		}
		blue, _ = f.inv.Get(ctx, b.p, inv.ID)
		if done.State != invoice.Issued || blue.RedPending || blue.Reversed != rf.Amount || blue.State != invoice.Reversed {
			t.Fatalf("after red: red %s, blue pending %v reversed %d", done.State, blue.RedPending, blue.Reversed)
		}
		// The order is fully refunded: nothing is left to invoice.
		_, err = f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Normal})
		wantCode(t, err, errs.Conflict)
	})
}

// TestPartialRefundFullReversal: a partial refund (the after-sales path calls Refunded)
// reversed in full gives a new blue request for the rest; a request not yet issued
// shrinks instead.
func TestPartialRefundFullReversal(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(true)
		o := f.paidOrder(b, 9)
		inv, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Special})
		if err != nil {
			t.Fatal(err)
		}
		// Before issue, a refund shrinks the request.
		if err := f.d.WithTx(ctx, func(ctx context.Context) error { return f.inv.Refunded(ctx, o.ID, "after:1", 0, 1001) }); err != nil {
			t.Fatal(err)
		}
		inv, _ = f.inv.Get(ctx, b.p, inv.ID)
		if a, _, _ := invoice.Totals(inv.Lines); inv.Amount != o.Total-1001 || a != inv.Amount {
			t.Fatalf("shrunk request %d (lines %d), want %d", inv.Amount, a, o.Total-1001)
		}
		if _, err := f.inv.Issue(ctx, f.sups[0], inv.ID, issueInput(inv, "26330000000000000021")); err != nil {
			t.Fatal(err)
		}
		if err := f.inv.Refunded(ctx, o.ID, "after:2", 0, 2345); err != nil {
			t.Fatal(err)
		}
		reds, _ := f.inv.List(ctx, f.sups[0], invoice.Filter{Color: invoice.Red, State: invoice.Requested})
		if len(reds) != 1 || reds[0].Amount != -2345 {
			t.Fatalf("red tasks %+v", reds)
		}
		red := reds[0]
		// Full reversal: −everything the blue invoice stood for.
		in := issueInput(&red, "26330000000000000022")
		in.Mode = invoice.RedFull
		in.Amount, in.Excl, in.Tax = (-inv.Amount).String(), (-inv.Excl).String(), (-inv.Tax).String()
		if _, err := f.inv.Issue(ctx, f.sups[0], red.ID, in); err != nil {
			t.Fatal(err)
		}
		blue, _ := f.inv.Get(ctx, b.p, inv.ID)
		if blue.State != invoice.Reversed {
			t.Fatalf("blue after full reversal: %s", blue.State)
		}
		next, _ := f.inv.List(ctx, b.p, invoice.Filter{Color: invoice.Blue, State: invoice.Requested})
		if len(next) != 1 || next[0].Amount != o.Total-1001-2345 || next[0].OriginalID != inv.ID {
			t.Fatalf("new blue request %+v, want %d", next, o.Total-1001-2345)
		}
		if a, e, x := invoice.Totals(next[0].Lines); a != next[0].Amount || e+x != a {
			t.Fatalf("new blue lines %d %d %d", a, e, x)
		}
	})
}

func TestReport(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		b := f.buyer(false)
		o := f.paidOrder(b, 1)
		if _, err := f.inv.Request(ctx, b.p, o.ID, invoice.RequestInput{Kind: invoice.Normal}); err != nil {
			t.Fatal(err)
		}
		_, err := f.inv.Report(ctx, b.p)
		wantCode(t, err, errs.NotFound)
		r, err := f.inv.Report(ctx, f.staff)
		if err != nil || r.Counts["blue.requested"] != 1 || len(r.Overdue) != 0 {
			t.Fatalf("report %+v %v", r, err)
		}
		f.now = f.now.Add(invoice.OverdueAfter + time.Hour)
		r, _ = f.inv.Report(ctx, f.staff)
		if len(r.Overdue) != 1 {
			t.Fatalf("overdue %d", len(r.Overdue))
		}
	})
}
