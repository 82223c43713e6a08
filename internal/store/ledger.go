package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
)

// The ledger store. Its methods are prefixed with Ledger because every domain's store
// methods live on the one Store type. Transactions and postings are only ever inserted:
// there is no UPDATE or DELETE of ledger_transactions or ledger_postings anywhere.

var _ ledger.Store = (*Store)(nil)

// forUpdate is the row-locking suffix: PostgreSQL locks the selected rows; SQLite's
// single writer in BEGIN IMMEDIATE already serialises every write transaction.
func (s *Store) forUpdate() string {
	if s.DB.Engine == db.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

func codes(accts []ledger.Account) []any {
	out := make([]any, len(accts))
	for i, a := range accts {
		out[i] = a.Code
	}
	return out
}

// lockBalances selects and locks the balance rows of the accounts (sorted by code) into m.
func (s *Store) lockBalances(ctx context.Context, accts []ledger.Account, m map[string]*ledger.Balance) error {
	rows, err := s.DB.Query(ctx, `SELECT account, negative_ok, balance, pending, version, updated_at FROM ledger_balances
		WHERE account IN (`+db.Placeholders(len(accts))+`) ORDER BY account`+s.forUpdate(), codes(accts)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var b ledger.Balance
		var bal, pend, at int64
		if err := rows.Scan(&b.Account, &b.NegativeOK, &bal, &pend, &b.Version, &at); err != nil {
			return err
		}
		b.Balance, b.Pending, b.UpdatedAt = money.Fen(bal), money.Fen(pend), db.Time(at)
		m[b.Account] = &b
	}
	return rows.Err()
}

// LedgerLock locks the accounts' balance rows, creating accounts on first use. Existing
// rows are locked first, in order; missing ones are then inserted in order and locked.
func (s *Store) LedgerLock(ctx context.Context, accts []ledger.Account, now time.Time) (map[string]*ledger.Balance, error) {
	m := make(map[string]*ledger.Balance, len(accts))
	if err := s.lockBalances(ctx, accts, m); err != nil {
		return nil, fmt.Errorf("store: ledger lock: %w", err)
	}
	var missing []ledger.Account
	for _, a := range accts {
		if m[a.Code] == nil {
			missing = append(missing, a)
		}
	}
	if len(missing) == 0 {
		return m, nil
	}
	at := db.Millis(now)
	for _, a := range missing {
		if _, err := s.DB.Exec(ctx, `INSERT INTO ledger_accounts (code, kind, side, negative_ok, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (code) DO NOTHING`, a.Code, a.Kind.Name, string(a.Kind.Side), a.Kind.NegativeOK, at); err != nil {
			return nil, fmt.Errorf("store: ledger create account %s: %w", a.Code, err)
		}
		if _, err := s.DB.Exec(ctx, `INSERT INTO ledger_balances (account, negative_ok, balance, pending, version, updated_at) VALUES (?, ?, 0, 0, 0, ?)
			ON CONFLICT (account) DO NOTHING`, a.Code, a.Kind.NegativeOK, at); err != nil {
			return nil, fmt.Errorf("store: ledger create balance %s: %w", a.Code, err)
		}
	}
	if err := s.lockBalances(ctx, missing, m); err != nil {
		return nil, fmt.Errorf("store: ledger lock: %w", err)
	}
	return m, nil
}

// LedgerSaveBalances writes balances whose version is unchanged since they were locked.
func (s *Store) LedgerSaveBalances(ctx context.Context, bs []*ledger.Balance, now time.Time) error {
	for _, b := range bs {
		res, err := s.DB.Exec(ctx, `UPDATE ledger_balances SET balance = ?, pending = ?, version = version + 1, updated_at = ?
			WHERE account = ? AND version = ?`, int64(b.Balance), int64(b.Pending), db.Millis(now), b.Account, b.Version)
		if err != nil {
			return fmt.Errorf("store: ledger save balance %s: %w", b.Account, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("store: ledger save balance %s: version %d changed under a lock", b.Account, b.Version)
		}
		b.Version++
		b.UpdatedAt = now
	}
	return nil
}

// LedgerInsertTx appends a transaction and its postings.
func (s *Store) LedgerInsertTx(ctx context.Context, t *ledger.Transaction) error {
	at := db.Millis(t.CreatedAt)
	err := s.DB.QueryRow(ctx, `INSERT INTO ledger_transactions (id, kind, ref, subject, memo, created_at) VALUES (?, ?, ?, ?, ?, ?)
		RETURNING seq`, t.ID, t.Kind, t.Ref, t.Subject, t.Memo, at).Scan(&t.Seq)
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "err.ledger_ref_reused", t.Kind, t.Ref).Wrap(err)
	}
	if err != nil {
		return fmt.Errorf("store: ledger insert transaction: %w", err)
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO ledger_postings (tx_id, account, amount, balance, created_at) VALUES `)
	args := make([]any, 0, 5*len(t.Postings))
	for i, p := range t.Postings {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, t.ID, p.Account, int64(p.Amount), int64(p.Balance), at)
	}
	if _, err := s.DB.Exec(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("store: ledger insert postings: %w", err)
	}
	return nil
}

const txCols = `seq, id, kind, ref, subject, memo, created_at`

func scanTx(row interface{ Scan(...any) error }) (*ledger.Transaction, error) {
	var t ledger.Transaction
	var at int64
	if err := row.Scan(&t.Seq, &t.ID, &t.Kind, &t.Ref, &t.Subject, &t.Memo, &at); err != nil {
		return nil, err
	}
	t.CreatedAt = db.Time(at)
	return &t, nil
}

// withPostings loads the postings of txs.
func (s *Store) withPostings(ctx context.Context, txs []*ledger.Transaction) error {
	if len(txs) == 0 {
		return nil
	}
	byID := make(map[string]*ledger.Transaction, len(txs))
	args := make([]any, len(txs))
	for i, t := range txs {
		byID[t.ID] = t
		args[i] = t.ID
	}
	rows, err := s.DB.Query(ctx, `SELECT tx_id, account, amount, balance FROM ledger_postings WHERE tx_id IN (`+db.Placeholders(len(txs))+`) ORDER BY seq`, args...)
	if err != nil {
		return fmt.Errorf("store: ledger postings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p ledger.Posting
		var amount, bal int64
		if err := rows.Scan(&id, &p.Account, &amount, &bal); err != nil {
			return err
		}
		p.Amount, p.Balance = money.Fen(amount), money.Fen(bal)
		if t := byID[id]; t != nil {
			t.Postings = append(t.Postings, p)
		}
	}
	return rows.Err()
}

func (s *Store) oneTx(ctx context.Context, where string, args ...any) (*ledger.Transaction, error) {
	t, err := scanTx(s.DB.QueryRow(ctx, `SELECT `+txCols+` FROM ledger_transactions WHERE `+where, args...))
	if err != nil {
		return nil, notFound(err, "err.ledger_tx_not_found", "ledger transaction")
	}
	if err := s.withPostings(ctx, []*ledger.Transaction{t}); err != nil {
		return nil, err
	}
	return t, nil
}

// LedgerTx returns a transaction with its postings.
func (s *Store) LedgerTx(ctx context.Context, id string) (*ledger.Transaction, error) {
	return s.oneTx(ctx, `id = ?`, id)
}

// LedgerTxByRef returns the transaction posted for (kind, ref).
func (s *Store) LedgerTxByRef(ctx context.Context, kind, ref string) (*ledger.Transaction, error) {
	return s.oneTx(ctx, `kind = ? AND ref = ?`, kind, ref)
}

// LedgerTxs lists transactions newest first.
func (s *Store) LedgerTxs(ctx context.Context, f ledger.TxFilter) ([]ledger.Transaction, error) {
	q := `SELECT ` + txCols + ` FROM ledger_transactions WHERE 1 = 1`
	var args []any
	if f.Subject != "" {
		q += ` AND subject = ?`
		args = append(args, f.Subject)
	}
	if f.Before > 0 {
		q += ` AND seq < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: ledger transactions: %w", err)
	}
	var ptrs []*ledger.Transaction
	for rows.Next() {
		t, err := scanTx(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ptrs = append(ptrs, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.withPostings(ctx, ptrs); err != nil {
		return nil, err
	}
	out := make([]ledger.Transaction, len(ptrs))
	for i, t := range ptrs {
		out[i] = *t
	}
	return out, nil
}

// LedgerBalances reads balances in one statement.
func (s *Store) LedgerBalances(ctx context.Context, accounts []string) (map[string]ledger.Balance, error) {
	m := make(map[string]ledger.Balance, len(accounts))
	if len(accounts) == 0 {
		return m, nil
	}
	args := make([]any, len(accounts))
	for i, a := range accounts {
		args[i] = a
	}
	rows, err := s.DB.Query(ctx, `SELECT account, negative_ok, balance, pending, version, updated_at FROM ledger_balances
		WHERE account IN (`+db.Placeholders(len(accounts))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: ledger balances: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var b ledger.Balance
		var bal, pend, at int64
		if err := rows.Scan(&b.Account, &b.NegativeOK, &bal, &pend, &b.Version, &at); err != nil {
			return nil, err
		}
		b.Balance, b.Pending, b.UpdatedAt = money.Fen(bal), money.Fen(pend), db.Time(at)
		m[b.Account] = b
	}
	return m, rows.Err()
}

// LedgerStatement lists an account's postings newest first.
func (s *Store) LedgerStatement(ctx context.Context, account string, p ledger.Page) ([]ledger.Entry, error) {
	q := `SELECT p.seq, p.tx_id, t.kind, t.ref, t.subject, t.memo, p.amount, p.balance, p.created_at
		FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.tx_id WHERE p.account = ?`
	args := []any{account}
	if p.Before > 0 {
		q += ` AND p.seq < ?`
		args = append(args, p.Before)
	}
	q += ` ORDER BY p.seq DESC LIMIT ?`
	args = append(args, p.Limit)
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: ledger statement: %w", err)
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		var e ledger.Entry
		var amount, bal, at int64
		if err := rows.Scan(&e.Seq, &e.TxID, &e.Kind, &e.Ref, &e.Subject, &e.Memo, &amount, &bal, &at); err != nil {
			return nil, err
		}
		e.Amount, e.Balance, e.At = money.Fen(amount), money.Fen(bal), db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LedgerSumUntil sums an account's postings up to and including at.
func (s *Store) LedgerSumUntil(ctx context.Context, account string, at time.Time) (money.Fen, error) {
	var sum int64
	err := s.DB.QueryRow(ctx, `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_postings WHERE account = ? AND created_at <= ?`,
		account, at.UnixMilli()).Scan(&sum)
	if err != nil {
		return 0, fmt.Errorf("store: ledger sum: %w", err)
	}
	return money.Fen(sum), nil
}

// LedgerInsertHold stores a new pending hold.
func (s *Store) LedgerInsertHold(ctx context.Context, h *ledger.Hold) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO ledger_holds (id, kind, ref, subject, memo, debit_account, credit_account, amount, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.ID, h.Kind, h.Ref, h.Subject, h.Memo, h.Debit, h.Credit, int64(h.Amount), string(h.State), db.Millis(h.CreatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "err.ledger_ref_reused", h.Kind, h.Ref).Wrap(err)
	}
	if err != nil {
		return fmt.Errorf("store: ledger insert hold: %w", err)
	}
	return nil
}

func (s *Store) oneHold(ctx context.Context, where string, args ...any) (*ledger.Hold, error) {
	var h ledger.Hold
	var state string
	var txID sql.NullString
	var amount, created, resolved int64
	err := s.DB.QueryRow(ctx, `SELECT id, kind, ref, subject, memo, debit_account, credit_account, amount, state, tx_id, created_at, resolved_at
		FROM ledger_holds WHERE `+where, args...).Scan(&h.ID, &h.Kind, &h.Ref, &h.Subject, &h.Memo, &h.Debit, &h.Credit, &amount, &state, &txID, &created, &resolved)
	if err != nil {
		return nil, notFound(err, "err.ledger_hold_not_found", "ledger hold")
	}
	h.Amount, h.State, h.TxID = money.Fen(amount), ledger.HoldState(state), txID.String
	h.CreatedAt, h.ResolvedAt = db.Time(created), db.Time(resolved)
	return &h, nil
}

// LedgerHold returns a hold.
func (s *Store) LedgerHold(ctx context.Context, id string) (*ledger.Hold, error) {
	return s.oneHold(ctx, `id = ?`, id)
}

// LedgerHoldByRef returns the hold placed for (kind, ref).
func (s *Store) LedgerHoldByRef(ctx context.Context, kind, ref string) (*ledger.Hold, error) {
	return s.oneHold(ctx, `kind = ? AND ref = ?`, kind, ref)
}

// LedgerResolveHold moves a hold out of pending, once: the conditional UPDATE lets only
// one caller win.
func (s *Store) LedgerResolveHold(ctx context.Context, id string, state ledger.HoldState, txID string, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE ledger_holds SET state = ?, tx_id = ?, resolved_at = ? WHERE id = ? AND state = 'pending'`,
		string(state), nullable(txID), db.Millis(at), id)
	if err != nil {
		return false, fmt.Errorf("store: ledger resolve hold: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LedgerStats counts the ledger; each figure is one statement.
func (s *Store) LedgerStats(ctx context.Context) (ledger.Stats, error) {
	var st ledger.Stats
	var total int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*), CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_postings`).Scan(&st.Postings, &total); err != nil {
		return st, fmt.Errorf("store: ledger stats: %w", err)
	}
	st.Total = money.Fen(total)
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_transactions`).Scan(&st.Transactions); err != nil {
		return st, fmt.Errorf("store: ledger stats: %w", err)
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_accounts`).Scan(&st.Accounts); err != nil {
		return st, fmt.Errorf("store: ledger stats: %w", err)
	}
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM ledger_holds WHERE state = 'pending'`).Scan(&st.PendingHolds); err != nil {
		return st, fmt.Errorf("store: ledger stats: %w", err)
	}
	return st, nil
}

// signExpr turns a raw (debit-positive) sum into the account's normal side.
const signExpr = `(CASE a.side WHEN 'debit' THEN 1 ELSE -1 END)`

// violationQueries find each rule's violations as (object, want, got) in one statement.
var violationQueries = map[ledger.Rule]string{
	ledger.RuleTxUnbalanced: `SELECT t.id, 0, CAST(SUM(p.amount) AS BIGINT) FROM ledger_transactions t
		JOIN ledger_postings p ON p.tx_id = t.id GROUP BY t.id HAVING SUM(p.amount) <> 0 LIMIT ?`,
	ledger.RuleTxShort: `SELECT t.id, 2, COUNT(p.seq) FROM ledger_transactions t
		LEFT JOIN ledger_postings p ON p.tx_id = t.id GROUP BY t.id HAVING COUNT(p.seq) < 2 LIMIT ?`,
	ledger.RuleBalance: `SELECT a.code, CAST(COALESCE(x.total, 0) * ` + signExpr + ` AS BIGINT), COALESCE(b.balance, 0)
		FROM ledger_accounts a
		LEFT JOIN ledger_balances b ON b.account = a.code
		LEFT JOIN (SELECT account, SUM(amount) AS total FROM ledger_postings GROUP BY account) x ON x.account = a.code
		WHERE b.account IS NULL OR b.balance <> COALESCE(x.total, 0) * ` + signExpr + ` LIMIT ?`,
	ledger.RuleRunning: `SELECT CAST(r.seq AS TEXT), r.run, r.balance FROM (
		SELECT p.seq, p.balance, CAST(SUM(p.amount) OVER (PARTITION BY p.account ORDER BY p.seq) * ` + signExpr + ` AS BIGINT) AS run
		FROM ledger_postings p JOIN ledger_accounts a ON a.code = p.account) r
		WHERE r.run <> r.balance LIMIT ?`,
	ledger.RuleNegative: `SELECT b.account, b.pending, b.balance FROM ledger_balances b JOIN ledger_accounts a ON a.code = b.account
		WHERE NOT a.negative_ok AND (b.balance < 0 OR b.balance < b.pending) LIMIT ?`,
	ledger.RulePending: `SELECT b.account, CAST(COALESCE(h.total, 0) AS BIGINT), b.pending FROM ledger_balances b
		LEFT JOIN (SELECT r.account, SUM(r.amount) AS total FROM (
			SELECT h.debit_account AS account, h.amount FROM ledger_holds h JOIN ledger_accounts a ON a.code = h.debit_account
				WHERE h.state = 'pending' AND a.side = 'credit'
			UNION ALL
			SELECT h.credit_account AS account, h.amount FROM ledger_holds h JOIN ledger_accounts a ON a.code = h.credit_account
				WHERE h.state = 'pending' AND a.side = 'debit'
		) r GROUP BY r.account) h ON h.account = b.account
		WHERE b.pending <> COALESCE(h.total, 0) LIMIT ?`,
}

// LedgerViolations returns up to limit violations of rule.
func (s *Store) LedgerViolations(ctx context.Context, rule ledger.Rule, limit int) ([]ledger.Violation, error) {
	q, ok := violationQueries[rule]
	if !ok {
		return nil, fmt.Errorf("store: ledger: unknown rule %q", rule)
	}
	rows, err := s.DB.Query(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("store: ledger check %s: %w", rule, err)
	}
	defer rows.Close()
	var out []ledger.Violation
	for rows.Next() {
		v := ledger.Violation{Rule: rule}
		var want, got int64
		if err := rows.Scan(&v.Object, &want, &got); err != nil {
			return nil, err
		}
		v.Want, v.Got = money.Fen(want), money.Fen(got)
		out = append(out, v)
	}
	return out, rows.Err()
}
