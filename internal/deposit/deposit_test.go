package deposit_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	d       *db.DB
	st      *store.Store
	led     *ledger.Service
	dep     *deposit.Service
	clock   *clock
	staff   *identity.Principal
	buyerID string
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	c := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	st := store.New(d)
	led := ledger.NewService(d, st, c.now)
	f := &fixture{d: d, st: st, led: led, dep: deposit.NewService(d, st, led, st, c.now), clock: c}
	platform := f.org(t, identity.Platform, "筑巢平台")
	f.staff = &identity.Principal{User: identity.User{ID: db.NewID(), DisplayName: "财务 王芳"}, Org: identity.Org{ID: platform, Kind: identity.Platform}, Roles: []identity.Role{identity.Admin}}
	f.buyerID = f.org(t, identity.Buyer, "苏州精工采购有限公司")
	return f
}

func (f *fixture) org(t *testing.T, kind identity.OrgKind, name string) string {
	t.Helper()
	o := &identity.Org{Kind: kind, Name: name, Status: "active", CreatedAt: f.clock.now(), UpdatedAt: f.clock.now()}
	if err := f.st.CreateOrg(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return o.ID
}

func (f *fixture) supplier(t *testing.T, name string) string {
	return f.org(t, identity.Supplier, name)
}

func (f *fixture) status(t *testing.T, supplierID string) *deposit.Status {
	t.Helper()
	st, err := f.dep.Status(context.Background(), supplierID)
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	return st
}

func (f *fixture) clean(t testing.TB) ledger.Report {
	t.Helper()
	r, err := f.led.Check(context.Background())
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	if !r.Clean() {
		t.Fatalf("ledger check: %+v", r.Violations)
	}
	return r
}

func (f *fixture) audits(t *testing.T) int {
	t.Helper()
	es, err := f.st.List(context.Background(), audit.Filter{Action: "deposit.", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func wantErr(tb testing.TB, err error, code errs.Code, key string) {
	tb.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code {
		tb.Fatalf("want %s %s, got %v", code, key, err)
	}
	if key == "" || e.Msg.Key == key {
		return
	}
	for _, fe := range e.Fields {
		if fe.Msg.Key == key {
			return
		}
	}
	tb.Fatalf("want key %s, got %v", key, err)
}

func TestRemittanceCode(t *testing.T) {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	seen := map[string]bool{}
	for range 200 {
		code, err := deposit.NewRemittanceCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != 12 || !strings.HasPrefix(code, "ZC") || seen[code] {
			t.Fatalf("code %q", code)
		}
		seen[code] = true
		if got, ok := deposit.NormalizeRemittance(code); !ok || got != code {
			t.Fatalf("own code refused: %q", code)
		}
		typed := strings.ToLower(code[:6]) + " - " + code[6:]
		typed = strings.Replace(typed, code[2:3], string(rune(0xFF01+rune(code[2])-'!')), 1) // one full-width character
		if got, ok := deposit.NormalizeRemittance(typed); !ok || got != code {
			t.Fatalf("typed %q read as %q, %v", typed, got, ok)
		}
		// Every single wrong character and every swap of neighbours is caught.
		for i := 2; i < len(code); i++ {
			for _, r := range alphabet {
				if byte(r) == code[i] {
					continue
				}
				bad := code[:i] + string(r) + code[i+1:]
				if _, ok := deposit.NormalizeRemittance(bad); ok {
					t.Fatalf("substitution %q → %q accepted", code, bad)
				}
			}
			if i+1 < len(code) && code[i] != code[i+1] {
				bad := code[:i] + code[i+1:i+2] + code[i:i+1] + code[i+2:]
				if _, ok := deposit.NormalizeRemittance(bad); ok {
					t.Fatalf("swap %q → %q accepted", code, bad)
				}
			}
		}
	}
	for _, bad := range []string{"", "ZC", "ZC123", "XX" + "23456789AB", "ZC23456789A0", "ZC23456789AI"} {
		if _, ok := deposit.NormalizeRemittance(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestRequirements(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		cat := func(code, parent, path string, depth int) string {
			c := &catalog.Category{Code: code, NameZH: code, NameEN: code, ParentID: parent, Path: path, Depth: depth}
			if err := f.st.AddCategory(ctx, c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		elec := cat("electrical", "", "/electrical/", 0)
		breakers := cat("breakers", elec, "/electrical/breakers/", 1)
		elecx := cat("electricalx", "", "/electricalx/", 0) // a prefix of the string, not of the path
		ppe := cat("ppe", "", "/ppe/", 0)
		gloves := cat("gloves", ppe, "/ppe/gloves/", 1)
		req := func(ids ...string) money.Fen {
			t.Helper()
			r, err := f.dep.Required(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := req(); r != deposit.DefaultRequired {
			t.Fatalf("default: %s", r)
		}
		if err := f.dep.SetRequirement(ctx, f.staff, elec, 5_000_000); err != nil {
			t.Fatal(err)
		}
		if err := f.dep.SetRequirement(ctx, f.staff, ppe, 1_000_000); err != nil {
			t.Fatal(err)
		}
		if err := f.dep.SetRequirement(ctx, f.staff, gloves, 800_000); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			ids  []string
			want money.Fen
		}{
			{[]string{breakers}, 5_000_000},    // inherited from its parent
			{[]string{elecx}, 2_000_000},       // no ancestor: the default
			{[]string{gloves}, 800_000},        // its own, below the parent's
			{[]string{gloves, ppe}, 1_000_000}, // the largest
			{[]string{gloves, breakers, elecx, breakers}, 5_000_000},
		}
		for _, c := range cases {
			if got := req(c.ids...); got != c.want {
				t.Errorf("Required(%v) = %s, want %s", c.ids, got, c.want)
			}
		}
		if err := f.dep.SetRequirement(ctx, f.staff, "", 3_000_000); err != nil {
			t.Fatal(err)
		}
		if got := req(elecx); got != 3_000_000 {
			t.Fatalf("new default: %s", got)
		}
		if err := f.dep.SetRequirement(ctx, f.staff, elec, 6_000_000); err != nil {
			t.Fatal(err)
		}
		rs, err := f.dep.Requirements(ctx)
		if err != nil || len(rs) != 4 || rs[0].CategoryID != "" || rs[0].Amount != 3_000_000 {
			t.Fatalf("requirements: %+v, %v", rs, err)
		}
		_, err = f.dep.Required(ctx, []string{db.NewID()})
		wantErr(t, err, errs.Invalid, "err.category_not_found")
		wantErr(t, f.dep.SetRequirement(ctx, f.staff, elec, -1), errs.Invalid, "err.deposit_amount_negative")
		sup := f.supplier(t, "正泰电气经销商")
		owner := &identity.Principal{User: identity.User{ID: db.NewID()}, Org: identity.Org{ID: sup, Kind: identity.Supplier}}
		wantErr(t, f.dep.SetRequirement(ctx, owner, elec, 1), errs.Forbidden, "")
		if st := f.status(t, sup); st.Required != 3_000_000 || st.PaidInFull {
			t.Fatalf("new supplier: %+v", st)
		}
		st, err := f.dep.UpdateRequired(ctx, owner, sup, []string{breakers, gloves})
		if err != nil || st.Required != 6_000_000 {
			t.Fatalf("update required: %+v, %v", st, err)
		}
	})
}

func TestDepositWorkflow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sup := f.supplier(t, "宁波紧固件制造有限公司")
		other := f.supplier(t, "温州阀门有限公司")
		owner := &identity.Principal{User: identity.User{ID: db.NewID(), DisplayName: "李老板"}, Org: identity.Org{ID: sup, Kind: identity.Supplier}, Roles: []identity.Role{identity.Owner}}

		// The supplier asks for its remittance code; asking again returns the same one.
		rem, err := f.dep.IssueRemittance(ctx, owner, sup)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := f.dep.IssueRemittance(ctx, f.staff, sup); err != nil || again.Code != rem.Code {
			t.Fatalf("second issue: %+v, %v", again, err)
		}
		otherRem, err := f.dep.IssueRemittance(ctx, f.staff, other)
		if err != nil || otherRem.Code == rem.Code {
			t.Fatalf("other supplier's code: %+v, %v", otherRem, err)
		}
		if _, err := f.dep.IssueRemittance(ctx, owner, other); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("code for someone else: %v", err)
		}
		if st := f.status(t, sup); st.Required != deposit.DefaultRequired || st.PaidInFull || st.Shortfall() != deposit.DefaultRequired {
			t.Fatalf("before payment: %+v", st)
		}

		// Two transfers pay it in full; the code is read as finance typed it.
		st, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 1_500_000, Ref: "ICBC-20261124-0001",
			Remittance: strings.ToLower(rem.Code), BankDetails: "宁波紧固件制造有限公司 工商银行 ****6789"})
		if err != nil {
			t.Fatal(err)
		}
		if st.Held != 1_500_000 || st.PaidInFull || st.Shortfall() != 500_000 {
			t.Fatalf("after first payment: %+v", st)
		}
		st, err = f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 500_000, Ref: "ICBC-20261125-0007"})
		if err != nil || st.Held != 2_000_000 || !st.PaidInFull {
			t.Fatalf("after second payment: %+v, %v", st, err)
		}
		// The same bank line recorded again is one payment.
		st, err = f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 500_000, Ref: "ICBC-20261125-0007"})
		if err != nil || st.Held != 2_000_000 {
			t.Fatalf("replayed payment: %+v, %v", st, err)
		}

		// A dispute freezes part of it; the store stays paid in full.
		st, err = f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 300_000, Ref: "DSP-1-freeze", Reason: "买家投诉货不对板", Dispute: "DSP-1"})
		if err != nil || st.Held != 1_700_000 || st.Frozen != 300_000 || !st.PaidInFull {
			t.Fatalf("after freeze: %+v, %v", st, err)
		}
		// The buyer is compensated from the frozen part, the rest is released.
		st, err = f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 100_000, Ref: "DSP-1-comp", Reason: "仲裁:赔付买家", Dispute: "DSP-1",
			From: deposit.FromFrozen, To: deposit.ToBuyer, BuyerID: f.buyerID})
		if err != nil || st.Frozen != 200_000 || st.PaidInFull {
			t.Fatalf("after compensation: %+v, %v", st, err)
		}
		st, err = f.dep.Unfreeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 200_000, Ref: "DSP-1-release", Reason: "纠纷结案", Dispute: "DSP-1"})
		if err != nil || st.Frozen != 0 || st.Held != 1_900_000 {
			t.Fatalf("after unfreeze: %+v, %v", st, err)
		}
		st, err = f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 50_000, Ref: "PEN-7", Reason: "虚假发货,违约金",
			From: deposit.FromHeld, To: deposit.ToPenalty})
		if err != nil || st.Held != 1_850_000 {
			t.Fatalf("after penalty: %+v, %v", st, err)
		}
		comp, _ := f.led.Balance(ctx, ledger.BuyerCompensation(f.buyerID))
		pen, _ := f.led.Balance(ctx, ledger.PenaltyRevenue)
		if comp.Balance != 100_000 || pen.Balance != 50_000 {
			t.Fatalf("compensation %+v, penalty %+v", comp, pen)
		}

		// The supplier leaves; after ninety days it gets its deposit back.
		exit := f.clock.now()
		if _, err := f.dep.MarkExit(ctx, f.staff, sup, exit); err != nil {
			t.Fatal(err)
		}
		_, err = f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "R1", Reason: "退出平台"})
		wantErr(t, err, errs.Conflict, "err.deposit_refund_too_early")
		f.clock.add(deposit.DefaultRefundWait)
		r, err := f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "R1", Reason: "退出平台"})
		if err != nil || r.Amount != 1_850_000 || r.State != deposit.RefundRequested {
			t.Fatalf("refund request: %+v, %v", r, err)
		}
		if again, err := f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "R1"}); err != nil || !again.Replayed || again.ID != r.ID {
			t.Fatalf("replayed request: %+v, %v", again, err)
		}
		st = f.status(t, sup)
		if st.Held != 0 || st.Refunding != 1_850_000 || st.Refund == nil || st.Refund.ID != r.ID || !st.RefundableAt.Equal(exit.Add(deposit.DefaultRefundWait)) {
			t.Fatalf("while refunding: %+v", st)
		}
		// The reserved money cannot be frozen meanwhile.
		_, err = f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 1, Ref: "late", Reason: "迟到的投诉"})
		wantErr(t, err, errs.Conflict, "err.deposit_exceeds_held")
		r, err = f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "ICBC-OUT-0001", BankDetails: "宁波紧固件制造有限公司 工商银行 ****6789"})
		if err != nil || r.State != deposit.RefundRefunded || r.TxID == "" {
			t.Fatalf("refund: %+v, %v", r, err)
		}
		if again, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "ICBC-OUT-0001"}); err != nil || !again.Replayed {
			t.Fatalf("replayed payout: %+v, %v", again, err)
		}
		st = f.status(t, sup)
		if st.Held != 0 || st.Frozen != 0 || st.Refunding != 0 || st.Refund.State != deposit.RefundRefunded {
			t.Fatalf("after refund: %+v", st)
		}
		bank, _ := f.led.Balance(ctx, ledger.BankClearing)
		if bank.Balance != 2_000_000-1_850_000 { // paid − refunded; the rest went to the buyer and the platform
			t.Fatalf("bank: %+v", bank)
		}
		hist, err := f.dep.History(ctx, sup, ledger.Page{})
		if err != nil || len(hist) != 7 || hist[0].Kind != deposit.KindRefund || hist[6].Kind != deposit.KindPay {
			t.Fatalf("history: %d %+v, %v", len(hist), hist, err)
		}
		// Every step was audited once, with its actor.
		es, err := f.st.List(ctx, audit.Filter{Action: "deposit.", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range es {
			count[e.Action]++
			if e.ActorID == "" || e.ObjectID == "" {
				t.Errorf("audit entry without actor or object: %+v", e)
			}
		}
		want := map[string]int{"deposit.remittance": 2, "deposit.pay": 2, "deposit.freeze": 1, "deposit.deduct": 2, "deposit.unfreeze": 1,
			"deposit.exit": 1, "deposit.refund_request": 1, "deposit.refund": 1}
		if fmt.Sprint(count) != fmt.Sprint(want) {
			t.Fatalf("audit: %v, want %v", count, want)
		}
		f.clean(t)
	})
}

// TestStepsOutOfOrderChangeNothing: every step out of order, twice or with bad input is
// refused with a clear error and leaves the deposit, the ledger and the audit log as they
// were.
func TestStepsOutOfOrderChangeNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sup := f.supplier(t, "天津五金工具厂")
		other := f.supplier(t, "东莞劳保用品有限公司")
		exited := f.supplier(t, "已退出的供应商")
		owner := &identity.Principal{User: identity.User{ID: db.NewID()}, Org: identity.Org{ID: sup, Kind: identity.Supplier}}
		otherRem, err := f.dep.IssueRemittance(ctx, f.staff, other)
		if err != nil {
			t.Fatal(err)
		}
		pay := func(s string, amount money.Fen, ref string) {
			t.Helper()
			if _, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: s, Amount: amount, Ref: ref}); err != nil {
				t.Fatal(err)
			}
		}
		pay(sup, 1_000_000, "B1")
		if _, err := f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 200_000, Ref: "F1", Reason: "纠纷"}); err != nil {
			t.Fatal(err)
		}
		pay(exited, 500_000, "B2")
		if _, err := f.dep.MarkExit(ctx, f.staff, exited, f.clock.now()); err != nil {
			t.Fatal(err)
		}
		f.clock.add(deposit.DefaultRefundWait + time.Hour)
		if _, err := f.dep.RequestRefund(ctx, f.staff, deposit.RefundRequest{SupplierID: exited, Ref: "RQ1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: exited, Ref: "OUT1"}); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name string
			run  func() error
			code errs.Code
			key  string
		}{
			{"payment of zero", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 0, Ref: "X1"})
				return err
			}, errs.Invalid, "err.deposit_amount_positive"},
			{"negative payment", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: -100, Ref: "X2"})
				return err
			}, errs.Invalid, "err.deposit_amount_positive"},
			{"payment without reference", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 100})
				return err
			}, errs.Invalid, "err.required"},
			{"payment reference reused with another amount", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 999, Ref: "B1"})
				return err
			}, errs.Conflict, "err.deposit_ref_reused"},
			{"payment with another supplier's code", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 100, Ref: "X3", Remittance: otherRem.Code})
				return err
			}, errs.Invalid, "err.deposit_remittance_other"},
			{"payment with a mistyped code", func() error {
				bad := otherRem.Code[:11] + string("23456789ABCDEFGHJKMNPQRSTUVWXYZ"[(strings.IndexByte("23456789ABCDEFGHJKMNPQRSTUVWXYZ", otherRem.Code[11])+1)%31])
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 100, Ref: "X4", Remittance: bad})
				return err
			}, errs.Invalid, "err.deposit_remittance_format"},
			{"payment recorded by the supplier", func() error {
				_, err := f.dep.RecordPayment(ctx, owner, deposit.Payment{SupplierID: sup, Amount: 100, Ref: "X5"})
				return err
			}, errs.Forbidden, "err.forbidden"},
			{"payment to a buyer", func() error {
				_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: f.buyerID, Amount: 100, Ref: "X6"})
				return err
			}, errs.NotFound, "err.deposit_supplier_not_found"},
			{"freeze more than held", func() error {
				_, err := f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 800_001, Ref: "X7", Reason: "纠纷"})
				return err
			}, errs.Conflict, "err.deposit_exceeds_held"},
			{"freeze without reason", func() error {
				_, err := f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 1, Ref: "X8"})
				return err
			}, errs.Invalid, "err.required"},
			{"unfreeze more than frozen", func() error {
				_, err := f.dep.Unfreeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 200_001, Ref: "X9", Reason: "结案"})
				return err
			}, errs.Conflict, "err.deposit_exceeds_frozen"},
			{"deduct more than held", func() error {
				_, err := f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 800_001, Ref: "X10", Reason: "违约", From: deposit.FromHeld, To: deposit.ToPenalty})
				return err
			}, errs.Conflict, "err.deposit_exceeds_held"},
			{"deduct more than frozen", func() error {
				_, err := f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 200_001, Ref: "X11", Reason: "违约", From: deposit.FromFrozen, To: deposit.ToPenalty})
				return err
			}, errs.Conflict, "err.deposit_exceeds_frozen"},
			{"deduct to a supplier as buyer", func() error {
				_, err := f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 1, Ref: "X12", Reason: "赔付", From: deposit.FromHeld, To: deposit.ToBuyer, BuyerID: other})
				return err
			}, errs.Invalid, "err.deposit_buyer_not_found"},
			{"deduct without target", func() error {
				_, err := f.dep.Deduct(ctx, f.staff, deposit.Deduction{SupplierID: sup, Amount: 1, Ref: "X13", Reason: "赔付", From: deposit.FromHeld})
				return err
			}, errs.Invalid, "err.deposit_target"},
			{"refund request before exit", func() error {
				_, err := f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "X14"})
				return err
			}, errs.Conflict, "err.deposit_not_exited"},
			{"refund before any request", func() error {
				_, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "X15"})
				return err
			}, errs.Conflict, "err.deposit_refund_not_requested"},
			{"refund twice", func() error {
				_, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: exited, Ref: "OUT2"})
				return err
			}, errs.Conflict, "err.deposit_refund_done"},
			{"refund request with nothing left", func() error {
				_, err := f.dep.RequestRefund(ctx, f.staff, deposit.RefundRequest{SupplierID: exited, Ref: "RQ2"})
				return err
			}, errs.Conflict, "err.deposit_nothing_held"},
			{"cancel a refunded request", func() error {
				_, err := f.dep.CancelRefund(ctx, f.staff, exited, "撤回")
				return err
			}, errs.Conflict, "err.deposit_refund_done"},
			{"exit twice", func() error {
				_, err := f.dep.MarkExit(ctx, f.staff, exited, time.Time{})
				return err
			}, errs.Conflict, "err.deposit_exited"},
			{"exit in the future", func() error {
				_, err := f.dep.MarkExit(ctx, f.staff, sup, f.clock.now().Add(48*time.Hour))
				return err
			}, errs.Invalid, "err.deposit_exit_future"},
			{"status of nobody", func() error {
				_, err := f.dep.Status(ctx, db.NewID())
				return err
			}, errs.NotFound, "err.deposit_supplier_not_found"},
		}
		snapshot := func() string {
			var b strings.Builder
			for _, s := range []string{sup, other, exited} {
				st := f.status(t, s)
				fmt.Fprintf(&b, "%s %s %s %s %v|", st.Held, st.Frozen, st.Refunding, st.ExitedAt, st.Refund != nil && st.Refund.State == deposit.RefundRequested)
			}
			r := f.clean(t)
			fmt.Fprintf(&b, "%+v|%d", r.Stats, f.audits(t))
			return b.String()
		}
		before := snapshot()
		for _, c := range cases {
			err := c.run()
			e := errs.As(err)
			if e == nil || e.Code != c.code {
				t.Errorf("%s: want %s, got %v", c.name, c.code, err)
				continue
			}
			ok := e.Msg.Key == c.key
			for _, fe := range e.Fields {
				ok = ok || fe.Msg.Key == c.key
			}
			if !ok {
				t.Errorf("%s: want key %s, got %v", c.name, c.key, err)
			}
			if after := snapshot(); after != before {
				t.Fatalf("%s changed state:\n%s\n%s", c.name, before, after)
			}
		}

		// Frozen money blocks a refund request, and an open request blocks a second.
		if _, err := f.dep.MarkExit(ctx, f.staff, sup, f.clock.now().Add(-deposit.DefaultRefundWait-time.Hour)); err != nil {
			t.Fatal(err)
		}
		_, err = f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "RQ3"})
		wantErr(t, err, errs.Conflict, "err.deposit_frozen_outstanding")
		if _, err := f.dep.Unfreeze(ctx, f.staff, deposit.Movement{SupplierID: sup, Amount: 200_000, Ref: "U1", Reason: "结案"}); err != nil {
			t.Fatal(err)
		}
		r, err := f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "RQ3"})
		if err != nil || r.Amount != 1_000_000 {
			t.Fatalf("request: %+v, %v", r, err)
		}
		_, err = f.dep.RequestRefund(ctx, owner, deposit.RefundRequest{SupplierID: sup, Ref: "RQ4"})
		wantErr(t, err, errs.Conflict, "err.deposit_refund_open")
		// Withdrawn, the money is available again; then the refund has nothing to pay.
		if _, err := f.dep.CancelRefund(ctx, owner, sup, "有新的纠纷"); err != nil {
			t.Fatal(err)
		}
		if st := f.status(t, sup); st.Held != 1_000_000 || st.Refunding != 0 || st.Refund.State != deposit.RefundCancelled {
			t.Fatalf("after cancel: %+v", st)
		}
		_, err = f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "OUT3"})
		wantErr(t, err, errs.Conflict, "err.deposit_refund_not_requested")
		_, err = f.dep.CancelRefund(ctx, owner, sup, "再撤一次")
		wantErr(t, err, errs.Conflict, "err.deposit_refund_not_requested")
		f.clean(t)
	})
}

func TestDepositFaultLeavesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sup := f.supplier(t, "上海气动元件有限公司")
		boom := errors.New("injected fault")
		d.Hook = func(ctx context.Context, p string) error {
			if p == deposit.FaultAfterLedger || p == ledger.FaultAfterPostings {
				return boom
			}
			return nil
		}
		_, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 2_000_000, Ref: "B1"})
		if !errors.Is(err, boom) {
			t.Fatalf("payment: %v", err)
		}
		d.Hook = nil
		r := f.clean(t)
		if r.Transactions != 0 || r.Postings != 0 || f.audits(t) != 0 {
			t.Fatalf("half-written payment: %+v", r.Stats)
		}
		if st := f.status(t, sup); st.Held != 0 {
			t.Fatalf("status: %+v", st)
		}
		if _, err := f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: sup, Amount: 2_000_000, Ref: "B1"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.dep.MarkExit(ctx, f.staff, sup, f.clock.now().Add(-deposit.DefaultRefundWait)); err != nil {
			t.Fatal(err)
		}
		// A fault between the refund's hold and its record leaves no hold.
		d.Hook = func(ctx context.Context, p string) error {
			if p == deposit.FaultAfterLedger {
				return boom
			}
			return nil
		}
		if _, err := f.dep.RequestRefund(ctx, f.staff, deposit.RefundRequest{SupplierID: sup, Ref: "R1"}); !errors.Is(err, boom) {
			t.Fatalf("refund request: %v", err)
		}
		d.Hook = nil
		r = f.clean(t)
		if st := f.status(t, sup); r.PendingHolds != 0 || st.Refunding != 0 || st.Held != 2_000_000 || st.Refund != nil {
			t.Fatalf("half-written request: %+v %+v", r.Stats, st)
		}
		if _, err := f.dep.RequestRefund(ctx, f.staff, deposit.RefundRequest{SupplierID: sup, Ref: "R1"}); err != nil {
			t.Fatal(err)
		}
		// A fault in the payout leaves the request open and the money reserved.
		d.Hook = func(ctx context.Context, p string) error {
			if p == deposit.FaultAfterLedger {
				return boom
			}
			return nil
		}
		if _, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "OUT1"}); !errors.Is(err, boom) {
			t.Fatalf("payout: %v", err)
		}
		d.Hook = nil
		f.clean(t)
		if st := f.status(t, sup); st.Refunding != 2_000_000 || st.Refund.State != deposit.RefundRequested {
			t.Fatalf("half-written payout: %+v", st)
		}
		if r, err := f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: sup, Ref: "OUT1"}); err != nil || r.State != deposit.RefundRefunded {
			t.Fatalf("payout: %+v, %v", r, err)
		}
		f.clean(t)
	})
}

// TestBankCheck is RELIABILITY.md's bank test for the deposit ledger: workers run random
// payments, freezes, releases, deductions, refunds and raw ledger holds over a few
// suppliers; every read finds the ledger consistent, and at the end each balance equals
// what the successful operations imply.
func TestBankCheck(t *testing.T) {
	const (
		workers   = 8
		opsEach   = 50
		suppliers = 5
	)
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		sups := make([]string, suppliers)
		for i := range sups {
			sups[i] = f.supplier(t, fmt.Sprintf("供应商%d", i))
		}
		buyers := []string{f.buyerID, f.org(t, identity.Buyer, "第二采购方")}
		// Two suppliers have long left, so refunds are possible for them.
		for _, s := range sups[:2] {
			if _, err := f.dep.MarkExit(ctx, f.staff, s, f.clock.now().Add(-deposit.DefaultRefundWait-time.Hour)); err != nil {
				t.Fatal(err)
			}
		}

		// The model: what successful operations imply.
		var mu sync.Mutex
		paid, out := map[string]money.Fen{}, map[string]money.Fen{} // per supplier: in, and gone (deducted, refunded, posted holds)
		var refunded, penalty money.Fen
		comp := map[string]money.Fen{}
		type hold struct {
			id, sup, buyer string
			amount         money.Fen
		}
		var holds []hold

		read := func() {
			r, err := f.led.Check(ctx)
			if err != nil {
				t.Errorf("check: %v", err)
				return
			}
			if !r.Clean() || r.Total != 0 {
				t.Errorf("ledger check during the run: %+v %+v", r.Stats, r.Violations)
			}
			st, err := f.dep.Status(ctx, sups[rand.IntN(suppliers)])
			if err != nil || st.Held < 0 || st.Frozen < 0 || st.Refunding < 0 {
				t.Errorf("status during the run: %+v, %v", st, err)
			}
		}
		deadline := time.Now().Add(30 * time.Second) // a bound, never reached in practice
		var wg sync.WaitGroup
		var done, refused int64
		wins := map[int]int{}
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range opsEach {
					if time.Now().After(deadline) {
						return
					}
					s := sups[rng.IntN(suppliers)]
					amount := money.Fen(rng.IntN(50)+1) * 10_000
					ref := fmt.Sprintf("w%d-%d", w, i)
					var err error
					op := rng.IntN(14)
					switch op {
					case 0, 1, 2:
						_, err = f.dep.RecordPayment(ctx, f.staff, deposit.Payment{SupplierID: s, Amount: amount, Ref: ref})
						if err == nil {
							mu.Lock()
							paid[s] += amount
							mu.Unlock()
						}
					case 3:
						_, err = f.dep.Freeze(ctx, f.staff, deposit.Movement{SupplierID: s, Amount: amount, Ref: ref, Reason: "纠纷"})
					case 4:
						_, err = f.dep.Unfreeze(ctx, f.staff, deposit.Movement{SupplierID: s, Amount: amount, Ref: ref, Reason: "结案"})
					case 5:
						from := []deposit.Source{deposit.FromHeld, deposit.FromFrozen}[rng.IntN(2)]
						in := deposit.Deduction{SupplierID: s, Amount: amount, Ref: ref, Reason: "扣罚", From: from, To: deposit.ToPenalty}
						b := ""
						if rng.IntN(2) == 0 {
							b = buyers[rng.IntN(2)]
							in.To, in.BuyerID = deposit.ToBuyer, b
						}
						_, err = f.dep.Deduct(ctx, f.staff, in)
						if err == nil {
							mu.Lock()
							out[s] += amount
							if b == "" {
								penalty += amount
							} else {
								comp[b] += amount
							}
							mu.Unlock()
						}
					case 6, 7:
						s = sups[rng.IntN(2)] // refunds only for the suppliers that left
						_, err = f.dep.RequestRefund(ctx, f.staff, deposit.RefundRequest{SupplierID: s, Ref: ref})
					case 8, 9:
						s = sups[rng.IntN(2)]
						var r *deposit.Refund
						r, err = f.dep.Refund(ctx, f.staff, deposit.Payout{SupplierID: s, Ref: ref})
						if err == nil {
							mu.Lock()
							out[s] += r.Amount
							refunded += r.Amount
							mu.Unlock()
						}
					case 10:
						s = sups[rng.IntN(2)]
						_, err = f.dep.CancelRefund(ctx, f.staff, s, "撤回")
					case 11:
						b := buyers[rng.IntN(2)]
						var h *ledger.Hold
						h, err = f.led.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: ref, Debit: ledger.DepositHeld(s), Credit: ledger.BuyerCompensation(b), Amount: amount})
						if err == nil {
							mu.Lock()
							holds = append(holds, hold{h.ID, s, b, amount})
							mu.Unlock()
						}
					case 12, 13:
						mu.Lock()
						if len(holds) == 0 {
							mu.Unlock()
							continue
						}
						h := holds[rng.IntN(len(holds))]
						mu.Unlock()
						if op == 12 {
							_, err = f.led.PostHold(ctx, h.id)
							if err == nil {
								mu.Lock()
								out[h.sup] += h.amount
								comp[h.buyer] += h.amount
								mu.Unlock()
							}
						} else {
							_, err = f.led.VoidHold(ctx, h.id)
						}
					}
					mu.Lock()
					switch {
					case err == nil:
						done++
						wins[op]++
					case errs.Is(err, errs.Conflict):
						refused++ // out of order or not enough money: expected
					default:
						t.Errorf("worker %d op %d: %v", w, i, err)
					}
					mu.Unlock()
					if i%5 == 4 {
						read()
					}
				}
			}()
		}
		wg.Wait()
		read()
		if done < workers*opsEach/3 {
			t.Fatalf("only %d operations succeeded (%d refused)", done, refused)
		}
		// Compare every balance with the model.
		var bankWant money.Fen
		for _, s := range sups {
			st := f.status(t, s)
			if got, want := st.Held+st.Frozen+st.Refunding, paid[s]-out[s]; got != want {
				t.Errorf("supplier %s: held+frozen+refunding %s, want paid %s − out %s", s, got, paid[s], out[s])
			}
			bankWant += paid[s]
		}
		bankWant -= refunded
		bals, err := f.led.Balances(ctx, ledger.BankClearing, ledger.PenaltyRevenue, ledger.BuyerCompensation(buyers[0]), ledger.BuyerCompensation(buyers[1]))
		if err != nil {
			t.Fatal(err)
		}
		if bals[ledger.BankClearing].Balance != bankWant || bals[ledger.PenaltyRevenue].Balance != penalty ||
			bals[ledger.BuyerCompensation(buyers[0])].Balance != comp[buyers[0]] || bals[ledger.BuyerCompensation(buyers[1])].Balance != comp[buyers[1]] {
			t.Fatalf("balances %+v; want bank %s, penalty %s, compensation %v", bals, bankWant, penalty, comp)
		}
		r := f.clean(t)
		t.Logf("successes by operation %v", wins)
		t.Logf("%d operations succeeded, %d refused; %d transactions, %d postings, %d pending holds", done, refused, r.Transactions, r.Postings, r.PendingHolds)
	})
}
