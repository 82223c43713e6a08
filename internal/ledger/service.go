package ledger

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Limits on what one transaction may hold.
const (
	MaxPostings = 100
	MaxRefLen   = 200
	MaxMemoLen  = 500
)

// Fault points: tests inject failures here to prove nothing is left half-written.
const (
	FaultAfterPostings = "ledger.after_postings" // transaction and postings written, balances not yet
	FaultAfterHold     = "ledger.after_hold"     // hold written, reservation not yet
)

// Service posts transactions and answers questions about balances. Every method that
// writes runs in one database transaction, its own or the caller's (db.WithTx), so a
// business operation and its ledger entries commit together.
type Service struct {
	DB    *db.DB
	Store Store
	Now   func() time.Time
}

// NewService wires a ledger; now may be nil for the wall clock.
func NewService(d *db.DB, st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{DB: d, Store: st, Now: now}
}

var kindRe = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)

// checkKindRef validates the identifying fields shared by transactions and holds.
func checkKindRef(v *errs.Validator, kind, ref, subject, memo string) {
	if kind == "" {
		v.Add("kind", "err.required")
	} else if len(kind) > 64 || !kindRe.MatchString(kind) {
		v.Add("kind", "err.ledger_kind")
	}
	switch {
	case ref == "":
		v.Add("ref", "err.required")
	case utf8.RuneCountInString(ref) > MaxRefLen:
		v.Add("ref", "err.too_long", MaxRefLen)
	}
	v.Check(utf8.RuneCountInString(subject) <= MaxRefLen, "subject", "err.too_long", MaxRefLen)
	v.Check(utf8.RuneCountInString(memo) <= MaxMemoLen, "memo", "err.too_long", MaxMemoLen)
}

// checkAmount validates one amount's range.
func checkAmount(v *errs.Validator, field string, a money.Fen) {
	switch {
	case a == 0:
		v.Add(field, "err.ledger_zero_amount")
	case a > money.MaxFen || a < -money.MaxFen:
		v.Add(field, "err.ledger_amount_range", money.MaxFen.String())
	}
}

// validate checks t's shape: at least two postings on distinct known accounts, no zero
// amount, and a sum of zero.
func (t *Transaction) validate() ([]Account, error) {
	var v errs.Validator
	checkKindRef(&v, t.Kind, t.Ref, t.Subject, t.Memo)
	if len(t.Postings) < 2 {
		v.Add("postings", "err.ledger_postings_few")
	} else if len(t.Postings) > MaxPostings {
		v.Add("postings", "err.ledger_postings_many", MaxPostings)
	}
	var sum money.Fen
	seen := map[string]bool{}
	var accts []Account
	for i, p := range t.Postings {
		field := fmt.Sprintf("postings[%d]", i)
		a, ok := ParseAccount(p.Account)
		if !ok {
			v.Add(field+".account", "err.ledger_account", p.Account)
		} else if seen[p.Account] {
			v.Add(field+".account", "err.ledger_account_twice", p.Account)
		} else {
			seen[p.Account] = true
			accts = append(accts, a)
		}
		checkAmount(&v, field+".amount", p.Amount)
		// Each |amount| ≤ MaxFen and at most MaxPostings of them: the sum cannot overflow.
		sum += p.Amount
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if sum != 0 {
		return nil, errs.Field("postings", "err.ledger_unbalanced", sum.String())
	}
	return accts, nil
}

// addFen adds without wrapping around.
func addFen(a, b money.Fen) (money.Fen, bool) {
	c := a + b
	if (b > 0 && c < a) || (b < 0 && c > a) {
		return 0, false
	}
	return c, true
}

// lock locks the balances of accts in code order.
func (s *Service) lock(ctx context.Context, accts []Account) (map[string]*Balance, error) {
	sorted := append([]Account(nil), accts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Code < sorted[j].Code })
	bals, err := s.Store.LedgerLock(ctx, sorted, s.Now())
	if err != nil {
		return nil, fmt.Errorf("ledger: lock balances: %w", err)
	}
	for _, a := range sorted {
		if bals[a.Code] == nil {
			return nil, fmt.Errorf("ledger: lock balances: %s missing", a.Code)
		}
	}
	return bals, nil
}

// Post validates and writes a transaction, updating the balances of its accounts in the
// same database transaction. A (Kind, Ref) posted before returns the first transaction,
// marked Replayed, when the postings are the same, and is a Conflict otherwise. A
// transaction that would take a forbidden-negative account below zero (or below what its
// holds reserve) is a Conflict with key err.ledger_insufficient.
func (s *Service) Post(ctx context.Context, t Transaction) (*Transaction, error) {
	accts, err := t.validate()
	if err != nil {
		return nil, err
	}
	var out *Transaction
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		// Lock first: on PostgreSQL a concurrent post of the same (Kind, Ref) then either
		// has committed (and is seen below) or waits for us.
		bals, err := s.lock(ctx, accts)
		if err != nil {
			return err
		}
		prior, found, err := s.replay(ctx, t)
		if err != nil || found {
			out = prior
			return err
		}
		tx := t
		tx.ID, tx.Seq = "", 0
		tx.Postings = append([]Posting(nil), t.Postings...)
		if err := s.write(ctx, &tx, accts, bals, nil); err != nil {
			return err
		}
		out = &tx
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// replay looks for the transaction already posted for t's (Kind, Ref): found reports
// whether there is one, and a different one under that (Kind, Ref) is a Conflict.
func (s *Service) replay(ctx context.Context, t Transaction) (prior *Transaction, found bool, err error) {
	prior, err = s.Store.LedgerTxByRef(ctx, t.Kind, t.Ref)
	if errs.Is(err, errs.NotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("ledger: find %s %s: %w", t.Kind, t.Ref, err)
	}
	if !prior.Same(t) {
		return nil, true, errs.E(errs.Conflict, "err.ledger_ref_reused", t.Kind, t.Ref)
	}
	prior.Replayed = true
	return prior, true, nil
}

// write applies t to the locked balances, releasing the reservations in release (a hold
// being posted), checks the limits, and stores the transaction and the balances.
func (s *Service) write(ctx context.Context, t *Transaction, accts []Account, bals map[string]*Balance, release map[string]money.Fen) error {
	if t.ID == "" {
		t.ID = db.NewID()
	}
	t.CreatedAt = s.Now()
	t.Replayed = false
	side := map[string]Side{}
	for _, a := range accts {
		side[a.Code] = a.Kind.Side
	}
	for code, r := range release {
		b := bals[code]
		b.Pending -= r
		if b.Pending < 0 {
			return fmt.Errorf("ledger: %s: reservation below zero", code)
		}
	}
	for i := range t.Postings {
		p := &t.Postings[i]
		b := bals[p.Account]
		nb, ok := addFen(b.Balance, p.Amount*side[p.Account].sign())
		if !ok {
			return errs.E(errs.Conflict, "err.ledger_overflow", p.Account)
		}
		b.Balance, p.Balance = nb, nb
	}
	changed := make([]*Balance, 0, len(bals))
	for _, a := range accts {
		b := bals[a.Code]
		if !b.NegativeOK && b.Balance < b.Pending {
			return errs.E(errs.Conflict, "err.ledger_insufficient", a.Code)
		}
		changed = append(changed, b)
	}
	if err := s.Store.LedgerInsertTx(ctx, t); err != nil {
		return err
	}
	if err := s.DB.Fault(ctx, FaultAfterPostings); err != nil {
		return err
	}
	if err := s.Store.LedgerSaveBalances(ctx, changed, t.CreatedAt); err != nil {
		return fmt.Errorf("ledger: save balances: %w", err)
	}
	return nil
}

// Find returns the transaction posted for (kind, ref), or NotFound: callers use it to
// recognise a retried business event before checking their own state rules.
func (s *Service) Find(ctx context.Context, kind, ref string) (*Transaction, error) {
	return s.Store.LedgerTxByRef(ctx, kind, ref)
}

// Transaction returns a transaction by ID.
func (s *Service) Transaction(ctx context.Context, id string) (*Transaction, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.ledger_tx_not_found")
	}
	return s.Store.LedgerTx(ctx, id)
}

// Transactions lists transactions newest first, by subject when f.Subject is set.
func (s *Service) Transactions(ctx context.Context, f TxFilter) ([]Transaction, error) {
	f.Limit = limit(f.Limit)
	return s.Store.LedgerTxs(ctx, f)
}

func limit(n int) int {
	if n <= 0 || n > 500 {
		return 50
	}
	return n
}

func parse(code string) (Account, error) {
	a, ok := ParseAccount(code)
	if !ok {
		return Account{}, errs.Field("account", "err.ledger_account", code)
	}
	return a, nil
}

// Balance returns an account's balance; an account never used has a zero balance.
func (s *Service) Balance(ctx context.Context, account string) (Balance, error) {
	m, err := s.Balances(ctx, account)
	if err != nil {
		return Balance{}, err
	}
	return m[account], nil
}

// Balances returns several balances read together (consistent with each other); every
// account asked for is in the map, zero when never used.
func (s *Service) Balances(ctx context.Context, accounts ...string) (map[string]Balance, error) {
	for _, code := range accounts {
		if _, err := parse(code); err != nil {
			return nil, err
		}
	}
	m, err := s.Store.LedgerBalances(ctx, accounts)
	if err != nil {
		return nil, fmt.Errorf("ledger: balances: %w", err)
	}
	for _, code := range accounts {
		if _, ok := m[code]; !ok {
			a, _ := ParseAccount(code)
			m[code] = Balance{Account: code, NegativeOK: a.Kind.NegativeOK}
		}
	}
	return m, nil
}

// Statement lists an account's postings newest first, each with the running balance
// after it.
func (s *Service) Statement(ctx context.Context, account string, p Page) ([]Entry, error) {
	a, err := parse(account)
	if err != nil {
		return nil, err
	}
	p.Limit = limit(p.Limit)
	es, err := s.Store.LedgerStatement(ctx, account, p)
	if err != nil {
		return nil, fmt.Errorf("ledger: statement: %w", err)
	}
	for i := range es {
		es[i].Change = es[i].Amount * a.Kind.Side.sign()
	}
	return es, nil
}

// BalanceAt rebuilds an account's balance as it was at time at, from the postings alone.
func (s *Service) BalanceAt(ctx context.Context, account string, at time.Time) (money.Fen, error) {
	a, err := parse(account)
	if err != nil {
		return 0, err
	}
	sum, err := s.Store.LedgerSumUntil(ctx, account, at)
	if err != nil {
		return 0, fmt.Errorf("ledger: balance at: %w", err)
	}
	return sum * a.Kind.Side.sign(), nil
}

// reservations returns, per account, the amount a hold reserves: the accounts whose
// balance the hold's postings would lower.
func reservations(h *Hold, debit, credit Account) map[string]money.Fen {
	out := map[string]money.Fen{}
	if debit.Kind.Side == Credit { // a debit lowers a credit-normal balance
		out[debit.Code] = h.Amount
	}
	if credit.Kind.Side == Debit { // a credit lowers a debit-normal balance
		out[credit.Code] = h.Amount
	}
	return out
}

// holdAccounts validates and parses a hold's accounts.
func holdAccounts(h *Hold) (debit, credit Account, err error) {
	var v errs.Validator
	checkKindRef(&v, h.Kind, h.Ref, h.Subject, h.Memo)
	debit, okD := ParseAccount(h.Debit)
	credit, okC := ParseAccount(h.Credit)
	v.Check(okD, "debit", "err.ledger_account", h.Debit)
	v.Check(okC, "credit", "err.ledger_account", h.Credit)
	if okD && okC && h.Debit == h.Credit {
		v.Add("credit", "err.ledger_account_twice", h.Credit)
	}
	if h.Amount < 0 {
		v.Add("amount", "err.ledger_hold_amount")
	} else {
		checkAmount(&v, "amount", h.Amount)
	}
	return debit, credit, v.Err()
}

// PlaceHold reserves h.Amount to move from h.Debit to h.Credit later. The account the
// move would lower must have that much available (unless it may go negative). A (Kind,
// Ref) placed before returns the first hold, marked Replayed, when accounts and amount
// are the same, and is a Conflict otherwise.
func (s *Service) PlaceHold(ctx context.Context, h Hold) (*Hold, error) {
	debit, credit, err := holdAccounts(&h)
	if err != nil {
		return nil, err
	}
	var out *Hold
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		bals, err := s.lock(ctx, []Account{debit, credit})
		if err != nil {
			return err
		}
		prior, err := s.Store.LedgerHoldByRef(ctx, h.Kind, h.Ref)
		if err == nil {
			if prior.Debit != h.Debit || prior.Credit != h.Credit || prior.Amount != h.Amount || prior.Subject != h.Subject {
				return errs.E(errs.Conflict, "err.ledger_ref_reused", h.Kind, h.Ref)
			}
			prior.Replayed = true
			out = prior
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return fmt.Errorf("ledger: find hold: %w", err)
		}
		nh := h
		nh.ID, nh.State, nh.CreatedAt = db.NewID(), HoldPending, s.Now()
		nh.TxID, nh.ResolvedAt, nh.Replayed = "", time.Time{}, false
		var changed []*Balance
		for code, r := range reservations(&nh, debit, credit) {
			b := bals[code]
			p, ok := addFen(b.Pending, r)
			if !ok {
				return errs.E(errs.Conflict, "err.ledger_overflow", code)
			}
			b.Pending = p
			if !b.NegativeOK && b.Balance < b.Pending {
				return errs.E(errs.Conflict, "err.ledger_insufficient", code)
			}
			changed = append(changed, b)
		}
		if err := s.Store.LedgerInsertHold(ctx, &nh); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultAfterHold); err != nil {
			return err
		}
		if err := s.Store.LedgerSaveBalances(ctx, changed, nh.CreatedAt); err != nil {
			return fmt.Errorf("ledger: save balances: %w", err)
		}
		out = &nh
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Hold returns a hold by ID.
func (s *Service) Hold(ctx context.Context, id string) (*Hold, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.ledger_hold_not_found")
	}
	return s.Store.LedgerHold(ctx, id)
}

// resolve moves a pending hold to state exactly once, with the balances locked; fn does
// the money part. A hold that is no longer pending is a Conflict naming its state.
func (s *Service) resolve(ctx context.Context, id string, state HoldState, fn func(ctx context.Context, h *Hold, accts []Account, bals map[string]*Balance, release map[string]money.Fen) error) (*Hold, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.ledger_hold_not_found")
	}
	var out *Hold
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		h, err := s.Store.LedgerHold(ctx, id)
		if err != nil {
			return err
		}
		if h.State != HoldPending {
			return errs.E(errs.Conflict, "err.ledger_hold_resolved", errs.Msg{Key: "ledger.hold." + string(h.State)})
		}
		debit, okD := ParseAccount(h.Debit)
		credit, okC := ParseAccount(h.Credit)
		if !okD || !okC {
			return fmt.Errorf("ledger: hold %s has unknown accounts", id)
		}
		accts := []Account{debit, credit}
		bals, err := s.lock(ctx, accts)
		if err != nil {
			return err
		}
		txID := ""
		if state == HoldPosted {
			txID = db.NewID()
		}
		now := s.Now()
		won, err := s.Store.LedgerResolveHold(ctx, id, state, txID, now)
		if err != nil {
			return fmt.Errorf("ledger: resolve hold: %w", err)
		}
		if !won {
			// Someone else resolved it between our read and our lock.
			cur, err := s.Store.LedgerHold(ctx, id)
			if err != nil {
				return err
			}
			return errs.E(errs.Conflict, "err.ledger_hold_resolved", errs.Msg{Key: "ledger.hold." + string(cur.State)})
		}
		h.State, h.TxID, h.ResolvedAt = state, txID, now
		if err := fn(ctx, h, accts, bals, reservations(h, debit, credit)); err != nil {
			return err
		}
		out = h
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PostHold completes a pending hold: it writes the transaction (Kind, Ref) of the hold,
// moving Amount from Debit to Credit, and releases the reservation. Only one caller can
// post or void a hold; any other gets a Conflict naming the hold's state.
func (s *Service) PostHold(ctx context.Context, id string) (*Transaction, error) {
	var out *Transaction
	_, err := s.resolve(ctx, id, HoldPosted, func(ctx context.Context, h *Hold, accts []Account, bals map[string]*Balance, release map[string]money.Fen) error {
		t := Transaction{ID: h.TxID, Kind: h.Kind, Ref: h.Ref, Subject: h.Subject, Memo: h.Memo, Postings: Pair(h.Debit, h.Credit, h.Amount)}
		if err := s.write(ctx, &t, accts, bals, release); err != nil {
			return err
		}
		out = &t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// VoidHold cancels a pending hold and releases its reservation; nothing is posted. Only
// one caller can post or void a hold.
func (s *Service) VoidHold(ctx context.Context, id string) (*Hold, error) {
	return s.resolve(ctx, id, HoldVoided, func(ctx context.Context, h *Hold, accts []Account, bals map[string]*Balance, release map[string]money.Fen) error {
		var changed []*Balance
		for code, r := range release {
			b := bals[code]
			b.Pending -= r
			if b.Pending < 0 {
				return fmt.Errorf("ledger: %s: reservation below zero", code)
			}
			changed = append(changed, b)
		}
		if err := s.Store.LedgerSaveBalances(ctx, changed, h.ResolvedAt); err != nil {
			return fmt.Errorf("ledger: save balances: %w", err)
		}
		return nil
	})
}

// Check proves the ledger's invariants on the live database: every transaction has two
// or more postings summing to zero, all postings sum to zero, every stored balance and
// running balance equals its postings, no forbidden-negative account is below zero or
// below what its pending holds reserve, and every reservation equals its pending holds.
// An empty Report.Violations means the ledger is clean. At most 100 violations per rule
// are listed.
func (s *Service) Check(ctx context.Context) (Report, error) {
	var r Report
	st, err := s.Store.LedgerStats(ctx)
	if err != nil {
		return r, fmt.Errorf("ledger: check: %w", err)
	}
	r.Stats = st
	if st.Total != 0 {
		r.Violations = append(r.Violations, Violation{Rule: RuleTotal, Object: "*", Want: 0, Got: st.Total})
	}
	for _, rule := range Rules {
		vs, err := s.Store.LedgerViolations(ctx, rule, 100)
		if err != nil {
			return r, fmt.Errorf("ledger: check %s: %w", rule, err)
		}
		r.Violations = append(r.Violations, vs...)
	}
	return r, nil
}
