package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clock is an injectable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newLedger(d *db.DB) (*ledger.Service, *clock) {
	c := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	return ledger.NewService(d, store.New(d), c.now), c
}

// mustClean fails the test unless Check finds the ledger consistent.
func mustClean(tb testing.TB, l *ledger.Service) ledger.Report {
	tb.Helper()
	r, err := l.Check(context.Background())
	if err != nil {
		tb.Fatalf("check: %v", err)
	}
	if !r.Clean() {
		tb.Fatalf("ledger check: %+v", r.Violations)
	}
	return r
}

func mustPost(tb testing.TB, l *ledger.Service, t ledger.Transaction) *ledger.Transaction {
	tb.Helper()
	out, err := l.Post(context.Background(), t)
	if err != nil {
		tb.Fatalf("post %s %s: %v", t.Kind, t.Ref, err)
	}
	return out
}

func balance(tb testing.TB, l *ledger.Service, account string) ledger.Balance {
	tb.Helper()
	b, err := l.Balance(context.Background(), account)
	if err != nil {
		tb.Fatalf("balance %s: %v", account, err)
	}
	return b
}

// wantErr checks an error's code and, when given, its message key or the first field's.
func wantErr(tb testing.TB, err error, code errs.Code, key string) {
	tb.Helper()
	e := errs.As(err)
	if e == nil || e.Code != code {
		tb.Fatalf("want %s %s, got %v", code, key, err)
	}
	if key == "" || e.Msg.Key == key {
		return
	}
	for _, f := range e.Fields {
		if f.Msg.Key == key {
			return
		}
	}
	tb.Fatalf("want key %s, got %v", key, err)
}

func TestPostRefusesMalformed(t *testing.T) {
	s1 := db.NewID()
	held, frozen := ledger.DepositHeld(s1), ledger.DepositFrozen(s1)
	cases := []struct {
		name string
		tx   ledger.Transaction
		key  string
	}{
		{"unbalanced", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: []ledger.Posting{{Account: ledger.BankClearing, Amount: 100}, {Account: held, Amount: -99}}}, "err.ledger_unbalanced"},
		{"zero posting", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: []ledger.Posting{{Account: ledger.BankClearing, Amount: 100}, {Account: held, Amount: -100}, {Account: frozen, Amount: 0}}}, "err.ledger_zero_amount"},
		{"one posting", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: []ledger.Posting{{Account: ledger.BankClearing, Amount: 0}}}, "err.ledger_postings_few"},
		{"no postings", ledger.Transaction{Kind: "test.x", Ref: "r"}, "err.ledger_postings_few"},
		{"unknown account", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: ledger.Pair("cash:drawer", held, 5)}, "err.ledger_account"},
		{"owner missing", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: ledger.Pair(ledger.BankClearing, "deposit:held:", 5)}, "err.ledger_account"},
		{"owner with colon", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: ledger.Pair(ledger.BankClearing, "deposit:held:a:b", 5)}, "err.ledger_account"},
		{"account twice", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: []ledger.Posting{{Account: held, Amount: 5}, {Account: held, Amount: -5}}}, "err.ledger_account_twice"},
		{"amount too large", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: ledger.Pair(ledger.BankClearing, held, money.MaxFen+1)}, "err.ledger_amount_range"},
		{"overflowing amounts", ledger.Transaction{Kind: "test.x", Ref: "r", Postings: []ledger.Posting{{Account: ledger.BankClearing, Amount: 1 << 62}, {Account: held, Amount: 1 << 62}, {Account: frozen, Amount: -(1 << 62)}}}, "err.ledger_amount_range"},
		{"bad kind", ledger.Transaction{Kind: "Deposit Pay", Ref: "r", Postings: ledger.Pair(ledger.BankClearing, held, 5)}, "err.ledger_kind"},
		{"no ref", ledger.Transaction{Kind: "test.x", Postings: ledger.Pair(ledger.BankClearing, held, 5)}, "err.required"},
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		l, _ := newLedger(d)
		for _, c := range cases {
			_, err := l.Post(context.Background(), c.tx)
			wantErr(t, err, errs.Invalid, c.key)
		}
		r := mustClean(t, l)
		if r.Transactions != 0 || r.Postings != 0 {
			t.Fatalf("refused transactions left rows: %+v", r.Stats)
		}
	})
}

func TestPostIsIdempotentByKindAndRef(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := newLedger(d)
		held := ledger.DepositHeld(db.NewID())
		pay := ledger.Transaction{Kind: "deposit.pay", Ref: "bank-0001", Subject: "s", Memo: "first", Postings: ledger.Pair(ledger.BankClearing, held, 12345)}
		first := mustPost(t, l, pay)
		if first.Replayed || first.ID == "" || first.Seq == 0 {
			t.Fatalf("first post: %+v", first)
		}
		pay.Memo = "retried"
		again := mustPost(t, l, pay)
		if !again.Replayed || again.ID != first.ID || again.Memo != "first" {
			t.Fatalf("replay: %+v", again)
		}
		other := pay
		other.Postings = ledger.Pair(ledger.BankClearing, held, 99)
		_, err := l.Post(ctx, other)
		wantErr(t, err, errs.Conflict, "err.ledger_ref_reused")
		// The same ref under another kind is another event.
		refund := ledger.Transaction{Kind: "deposit.refund", Ref: "bank-0001", Postings: ledger.Pair(held, ledger.BankClearing, 45)}
		mustPost(t, l, refund)
		if b := balance(t, l, held); b.Balance != 12300 || b.Version != 2 {
			t.Fatalf("held: %+v", b)
		}
		if b := balance(t, l, ledger.BankClearing); b.Balance != 12300 {
			t.Fatalf("bank: %+v", b)
		}
		// Twenty concurrent posts of one event write it once.
		ev := ledger.Transaction{Kind: "deposit.pay", Ref: "bank-0002", Postings: ledger.Pair(ledger.BankClearing, held, 700)}
		var wg sync.WaitGroup
		ids := make([]string, 20)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tx, err := l.Post(ctx, ev)
				if err != nil {
					t.Errorf("concurrent post: %v", err)
					return
				}
				ids[i] = tx.ID
			}()
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("concurrent posts wrote different transactions: %v", ids)
			}
		}
		if b := balance(t, l, held); b.Balance != 13000 {
			t.Fatalf("held after concurrent replays: %+v", b)
		}
		r := mustClean(t, l)
		if r.Transactions != 3 || r.Postings != 6 {
			t.Fatalf("stats: %+v", r.Stats)
		}
	})
}

func TestForbiddenNegativeIsRefused(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := newLedger(d)
		sup := db.NewID()
		held, frozen := ledger.DepositHeld(sup), ledger.DepositFrozen(sup)
		_, err := l.Post(ctx, ledger.Transaction{Kind: "deposit.freeze", Ref: "f0", Postings: ledger.Pair(held, frozen, 1)})
		wantErr(t, err, errs.Conflict, "err.ledger_insufficient")
		mustPost(t, l, ledger.Transaction{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 1000)})
		mustPost(t, l, ledger.Transaction{Kind: "deposit.freeze", Ref: "f1", Postings: ledger.Pair(held, frozen, 1000)})
		_, err = l.Post(ctx, ledger.Transaction{Kind: "deposit.freeze", Ref: "f2", Postings: ledger.Pair(held, frozen, 1)})
		wantErr(t, err, errs.Conflict, "err.ledger_insufficient")
		// A three-way split that empties one account and overdraws another is refused whole.
		_, err = l.Post(ctx, ledger.Transaction{Kind: "deposit.deduct", Ref: "d1", Postings: []ledger.Posting{
			{Account: frozen, Amount: 1000}, {Account: held, Amount: 1}, {Account: ledger.PenaltyRevenue, Amount: -1001}}})
		wantErr(t, err, errs.Conflict, "err.ledger_insufficient")
		if b := balance(t, l, frozen); b.Balance != 1000 {
			t.Fatalf("frozen after refusals: %+v", b)
		}
		if b := balance(t, l, ledger.PenaltyRevenue); b.Balance != 0 || b.Version != 0 {
			t.Fatalf("penalty after refusal: %+v", b)
		}
		// The database refuses it too, should code ever try.
		if _, err := d.Exec(ctx, `UPDATE ledger_balances SET balance = -1 WHERE account = ?`, held); err == nil {
			t.Fatal("CHECK let a forbidden-negative balance below zero")
		}
		mustClean(t, l)
	})
}

func TestHoldPostsOrVoidsExactlyOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := newLedger(d)
		sup, buyer := db.NewID(), db.NewID()
		held, comp := ledger.DepositHeld(sup), ledger.BuyerCompensation(buyer)
		mustPost(t, l, ledger.Transaction{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 1000)})
		for round := range 4 {
			h, err := l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "h" + string(rune('a'+round)), Debit: held, Credit: comp, Amount: 100})
			if err != nil {
				t.Fatal(err)
			}
			before := balance(t, l, held)
			if before.Pending != 100 || before.Available() != before.Balance-100 {
				t.Fatalf("reservation: %+v", before)
			}
			// The reservation cannot be spent by another transaction.
			_, err = l.Post(ctx, ledger.Transaction{Kind: "deposit.freeze", Ref: "f" + h.ID, Postings: ledger.Pair(held, ledger.DepositFrozen(sup), before.Available()+1)})
			wantErr(t, err, errs.Conflict, "err.ledger_insufficient")
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins, posted := 0, 0
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var err error
					if (i+round)%2 == 0 {
						_, err = l.PostHold(ctx, h.ID)
					} else {
						_, err = l.VoidHold(ctx, h.ID)
					}
					if err != nil {
						if !errs.Is(err, errs.Conflict) || errs.As(err).Msg.Key != "err.ledger_hold_resolved" {
							t.Errorf("loser: %v", err)
						}
						return
					}
					mu.Lock()
					wins++
					if (i+round)%2 == 0 {
						posted++
					}
					mu.Unlock()
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("round %d: %d winners", round, wins)
			}
			after := balance(t, l, held)
			h2, err := l.Hold(ctx, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case posted == 1 && (h2.State != ledger.HoldPosted || h2.TxID == "" || after.Balance != before.Balance-100):
				t.Fatalf("posted: hold %+v, held %+v", h2, after)
			case posted == 0 && (h2.State != ledger.HoldVoided || after.Balance != before.Balance):
				t.Fatalf("voided: hold %+v, held %+v", h2, after)
			}
			if after.Pending != 0 {
				t.Fatalf("reservation left: %+v", after)
			}
			if posted == 1 {
				tx, err := l.Transaction(ctx, h2.TxID)
				if err != nil || tx.Kind != "test.hold" || len(tx.Postings) != 2 {
					t.Fatalf("hold transaction: %+v, %v", tx, err)
				}
			}
			mustClean(t, l)
		}
		// A hold beyond the available balance is refused; a replayed one returns the first.
		_, err := l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "big", Debit: held, Credit: comp, Amount: 5000})
		wantErr(t, err, errs.Conflict, "err.ledger_insufficient")
		h1, err := l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "again", Debit: held, Credit: comp, Amount: 10})
		if err != nil {
			t.Fatal(err)
		}
		h2, err := l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "again", Debit: held, Credit: comp, Amount: 10})
		if err != nil || !h2.Replayed || h2.ID != h1.ID {
			t.Fatalf("replayed hold: %+v, %v", h2, err)
		}
		_, err = l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "again", Debit: held, Credit: comp, Amount: 11})
		wantErr(t, err, errs.Conflict, "err.ledger_ref_reused")
		_, err = l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "neg", Debit: held, Credit: comp, Amount: -1})
		wantErr(t, err, errs.Invalid, "err.ledger_hold_amount")
		_, err = l.PostHold(ctx, db.NewID())
		wantErr(t, err, errs.NotFound, "err.ledger_hold_not_found")
		if b := balance(t, l, held); b.Pending != 10 {
			t.Fatalf("pending: %+v", b)
		}
		mustClean(t, l)
	})
}

func TestFaultMidTransactionLeavesNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := newLedger(d)
		held := ledger.DepositHeld(db.NewID())
		boom := errors.New("injected fault")
		for _, point := range []string{ledger.FaultAfterPostings, ledger.FaultAfterHold} {
			d.Hook = func(ctx context.Context, p string) error {
				if p == point {
					return boom
				}
				return nil
			}
			var err error
			if point == ledger.FaultAfterPostings {
				_, err = l.Post(ctx, ledger.Transaction{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 500)})
			} else {
				_, err = l.PlaceHold(ctx, ledger.Hold{Kind: "test.hold", Ref: "h1", Debit: held, Credit: ledger.BankClearing, Amount: 100})
			}
			if !errors.Is(err, boom) {
				t.Fatalf("%s: %v", point, err)
			}
			d.Hook = nil
			r := mustClean(t, l)
			if point == ledger.FaultAfterPostings && (r.Transactions != 0 || r.Postings != 0 || r.Accounts != 0) {
				t.Fatalf("%s left rows: %+v", point, r.Stats)
			}
			if r.PendingHolds != 0 {
				t.Fatalf("%s left a hold: %+v", point, r.Stats)
			}
			if point == ledger.FaultAfterPostings {
				if _, err := l.Find(ctx, "deposit.pay", "p1"); !errs.Is(err, errs.NotFound) {
					t.Fatalf("%s: transaction survived: %v", point, err)
				}
				mustPost(t, l, ledger.Transaction{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 500)})
			}
		}
		if b := balance(t, l, held); b.Balance != 500 || b.Pending != 0 {
			t.Fatalf("held: %+v", b)
		}
	})
}

func TestBalanceAtAndStatement(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, c := newLedger(d)
		sup := db.NewID()
		held, frozen := ledger.DepositHeld(sup), ledger.DepositFrozen(sup)
		t0 := c.now()
		var marks []time.Time
		steps := []ledger.Transaction{
			{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 10000)},
			{Kind: "deposit.pay", Ref: "p2", Postings: ledger.Pair(ledger.BankClearing, held, 5000)},
			{Kind: "deposit.freeze", Ref: "f1", Postings: ledger.Pair(held, frozen, 3000)},
			{Kind: "deposit.unfreeze", Ref: "u1", Postings: ledger.Pair(frozen, held, 1000)},
			{Kind: "deposit.deduct", Ref: "d1", Postings: ledger.Pair(held, ledger.PenaltyRevenue, 2500)},
		}
		for _, s := range steps {
			c.add(time.Hour)
			mustPost(t, l, s)
			marks = append(marks, c.now())
		}
		want := []money.Fen{10000, 15000, 12000, 13000, 10500}
		for i, at := range marks {
			got, err := l.BalanceAt(ctx, held, at)
			if err != nil || got != want[i] {
				t.Fatalf("held at step %d: %s, %v; want %s", i, got, err, want[i])
			}
			// Half an hour later nothing had happened yet.
			if got, _ := l.BalanceAt(ctx, held, at.Add(30*time.Minute)); got != want[i] {
				t.Fatalf("held between steps %d: %s", i, got)
			}
		}
		if got, _ := l.BalanceAt(ctx, held, t0); got != 0 {
			t.Fatalf("held before anything: %s", got)
		}
		if got, _ := l.BalanceAt(ctx, ledger.BankClearing, marks[1]); got != 15000 {
			t.Fatalf("bank at step 1: %s", got)
		}
		if got, _ := l.BalanceAt(ctx, frozen, marks[3]); got != 2000 {
			t.Fatalf("frozen at step 3: %s", got)
		}
		if b := balance(t, l, held); b.Balance != want[len(want)-1] {
			t.Fatalf("balance: %+v", b)
		}
		// The statement pages newest first with running balances.
		page1, err := l.Statement(ctx, held, ledger.Page{Limit: 3})
		if err != nil || len(page1) != 3 {
			t.Fatalf("statement: %v, %v", page1, err)
		}
		page2, err := l.Statement(ctx, held, ledger.Page{Before: page1[2].Seq, Limit: 3})
		if err != nil || len(page2) != 2 {
			t.Fatalf("statement page 2: %v, %v", page2, err)
		}
		all := append(page1, page2...)
		wantChange := []money.Fen{-2500, 1000, -3000, 5000, 10000}
		for i, e := range all {
			if e.Balance != want[len(want)-1-i] || e.Change != wantChange[i] || e.Amount != -e.Change {
				t.Fatalf("entry %d: %+v", i, e)
			}
		}
		if all[0].Kind != "deposit.deduct" || all[4].Ref != "p1" {
			t.Fatalf("statement order: %+v", all)
		}
		if _, err := l.BalanceAt(ctx, "nonsense", marks[0]); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad account: %v", err)
		}
		mustClean(t, l)
	})
}

func TestCheckFindsTampering(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l, _ := newLedger(d)
		sup := db.NewID()
		held := ledger.DepositHeld(sup)
		tx := mustPost(t, l, ledger.Transaction{Kind: "deposit.pay", Ref: "p1", Postings: ledger.Pair(ledger.BankClearing, held, 800)})
		mustClean(t, l)
		// Someone edits a balance behind the ledger's back…
		if _, err := d.Exec(ctx, `UPDATE ledger_balances SET balance = balance + 1 WHERE account = ?`, held); err != nil {
			t.Fatal(err)
		}
		// …and slips in a posting.
		if _, err := d.Exec(ctx, `INSERT INTO ledger_postings (tx_id, account, amount, balance, created_at) VALUES (?, ?, ?, ?, ?)`,
			tx.ID, ledger.PenaltyRevenue, -5, 5, 0); err == nil {
			t.Fatal("posting to an account that does not exist was accepted")
		}
		if _, err := d.Exec(ctx, `UPDATE ledger_balances SET pending = 3 WHERE account = ?`, ledger.BankClearing); err != nil {
			t.Fatal(err)
		}
		r, err := l.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		found := map[ledger.Rule]bool{}
		for _, v := range r.Violations {
			found[v.Rule] = true
		}
		if !found[ledger.RuleBalance] || !found[ledger.RulePending] || len(r.Violations) != 2 {
			t.Fatalf("violations: %+v", r.Violations)
		}
		// A transaction with one posting that does not balance, and a wrong running balance.
		rogue := db.NewID()
		if _, err := d.Exec(ctx, `INSERT INTO ledger_transactions (id, kind, ref, created_at) VALUES (?, 'rogue', 'r1', 0)`, rogue); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, `INSERT INTO ledger_postings (tx_id, account, amount, balance, created_at) VALUES (?, ?, ?, ?, ?)`,
			rogue, ledger.BankClearing, 7, 0, 0); err != nil {
			t.Fatal(err)
		}
		r, err = l.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range r.Violations {
			found[v.Rule] = true
		}
		for _, rule := range []ledger.Rule{ledger.RuleTxUnbalanced, ledger.RuleTxShort, ledger.RuleTotal, ledger.RuleRunning} {
			if !found[rule] {
				t.Errorf("check missed %s: %+v", rule, r.Violations)
			}
		}
	})
}
