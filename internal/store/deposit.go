package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// The deposit store; its methods are prefixed with Deposit (see ledger.go).

var _ deposit.Store = (*Store)(nil)

func (s *Store) depositAccount(ctx context.Context, supplierID string, lock bool) (*deposit.Account, error) {
	q := `SELECT supplier_id, required, exited_at, created_at, updated_at FROM deposit_accounts WHERE supplier_id = ?`
	if lock {
		q += s.forUpdate()
	}
	var a deposit.Account
	var req, exited, created, updated int64
	err := s.DB.QueryRow(ctx, q, supplierID).Scan(&a.SupplierID, &req, &exited, &created, &updated)
	if err != nil {
		return nil, notFound(err, "err.deposit_supplier_not_found", "deposit account")
	}
	a.Required = money.Fen(req)
	a.ExitedAt, a.CreatedAt, a.UpdatedAt = db.Time(exited), db.Time(created), db.Time(updated)
	return &a, nil
}

// DepositLock locks a supplier's deposit account, creating it on first use.
func (s *Store) DepositLock(ctx context.Context, supplierID string, fallback money.Fen, now time.Time) (*deposit.Account, error) {
	a, err := s.depositAccount(ctx, supplierID, true)
	if !errs.Is(err, errs.NotFound) {
		return a, err
	}
	at := db.Millis(now)
	// The WHERE clause also keeps SQLite from reading ON CONFLICT as a join constraint.
	_, err = s.DB.Exec(ctx, `INSERT INTO deposit_accounts (supplier_id, required, exited_at, created_at, updated_at)
		SELECT o.id, COALESCE((SELECT r.amount FROM deposit_requirements r WHERE r.category_id IS NULL), ?), 0, ?, ?
		FROM orgs o WHERE o.id = ? AND o.kind = 'supplier'
		ON CONFLICT (supplier_id) DO NOTHING`, int64(fallback), at, at, supplierID)
	if err != nil {
		return nil, fmt.Errorf("store: deposit create account: %w", err)
	}
	return s.depositAccount(ctx, supplierID, true)
}

// DepositAccount returns a supplier's deposit account.
func (s *Store) DepositAccount(ctx context.Context, supplierID string) (*deposit.Account, error) {
	return s.depositAccount(ctx, supplierID, false)
}

// DepositUpdateAccount stores the account's requirement and exit date.
func (s *Store) DepositUpdateAccount(ctx context.Context, a *deposit.Account) error {
	return s.execOne(ctx, "err.deposit_supplier_not_found", `UPDATE deposit_accounts SET required = ?, exited_at = ?, updated_at = ? WHERE supplier_id = ?`,
		int64(a.Required), db.Millis(a.ExitedAt), db.Millis(a.UpdatedAt), a.SupplierID)
}

// DepositDefaultRequirement returns the stored default requirement.
func (s *Store) DepositDefaultRequirement(ctx context.Context) (money.Fen, bool, error) {
	var amount int64
	err := s.DB.QueryRow(ctx, `SELECT amount FROM deposit_requirements WHERE category_id IS NULL`).Scan(&amount)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: deposit default requirement: %w", err)
	}
	return money.Fen(amount), true, nil
}

// DepositCategoryRequirements finds, for each existing category among ids, the
// requirement set on it or on its nearest ancestor (paths are prefixes of their
// descendants' paths).
func (s *Store) DepositCategoryRequirements(ctx context.Context, ids []string) ([]deposit.CategoryRequirement, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.DB.Query(ctx, `SELECT c.id, x.amount, x.depth FROM categories c
		LEFT JOIN (SELECT a.path AS path, a.depth AS depth, r.amount AS amount
			FROM categories a JOIN deposit_requirements r ON r.category_id = a.id) x
		ON SUBSTR(c.path, 1, LENGTH(x.path)) = x.path
		WHERE c.id IN (`+db.Placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: deposit category requirements: %w", err)
	}
	defer rows.Close()
	type best struct {
		cr    deposit.CategoryRequirement
		depth int64
	}
	var order []string
	found := map[string]*best{}
	for rows.Next() {
		var id string
		var amount, depth sql.NullInt64
		if err := rows.Scan(&id, &amount, &depth); err != nil {
			return nil, err
		}
		b := found[id]
		if b == nil {
			b = &best{cr: deposit.CategoryRequirement{CategoryID: id}, depth: -1}
			found[id] = b
			order = append(order, id)
		}
		if amount.Valid && depth.Int64 > b.depth {
			b.cr.Amount, b.cr.Set, b.depth = money.Fen(amount.Int64), true, depth.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]deposit.CategoryRequirement, len(order))
	for i, id := range order {
		out[i] = found[id].cr
	}
	return out, nil
}

// DepositSetRequirement creates or replaces a requirement.
func (s *Store) DepositSetRequirement(ctx context.Context, r *deposit.Requirement) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		var res sql.Result
		var err error
		if r.CategoryID == "" {
			res, err = s.DB.Exec(ctx, `UPDATE deposit_requirements SET amount = ?, updated_at = ?, updated_by = ? WHERE category_id IS NULL`,
				int64(r.Amount), db.Millis(r.UpdatedAt), r.UpdatedBy)
		} else {
			res, err = s.DB.Exec(ctx, `UPDATE deposit_requirements SET amount = ?, updated_at = ?, updated_by = ? WHERE category_id = ?`,
				int64(r.Amount), db.Millis(r.UpdatedAt), r.UpdatedBy, r.CategoryID)
		}
		if err != nil {
			return fmt.Errorf("store: deposit set requirement: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		_, err = s.DB.Exec(ctx, `INSERT INTO deposit_requirements (category_id, amount, updated_at, updated_by) VALUES (?, ?, ?, ?)`,
			nullable(r.CategoryID), int64(r.Amount), db.Millis(r.UpdatedAt), r.UpdatedBy)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.deposit_requirement_busy").Wrap(err)
		}
		if err != nil {
			return fmt.Errorf("store: deposit add requirement: %w", err)
		}
		return nil
	})
}

// DepositRequirements lists the stored requirements, the default first.
func (s *Store) DepositRequirements(ctx context.Context) ([]deposit.Requirement, error) {
	rows, err := s.DB.Query(ctx, `SELECT category_id, amount, updated_at, updated_by FROM deposit_requirements
		ORDER BY CASE WHEN category_id IS NULL THEN 0 ELSE 1 END, category_id`)
	if err != nil {
		return nil, fmt.Errorf("store: deposit requirements: %w", err)
	}
	defer rows.Close()
	var out []deposit.Requirement
	for rows.Next() {
		var r deposit.Requirement
		var cat sql.NullString
		var amount, at int64
		if err := rows.Scan(&cat, &amount, &at, &r.UpdatedBy); err != nil {
			return nil, err
		}
		r.CategoryID, r.Amount, r.UpdatedAt = cat.String, money.Fen(amount), db.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// DepositOrgKind returns an organisation's kind.
func (s *Store) DepositOrgKind(ctx context.Context, orgID string) (identity.OrgKind, error) {
	var kind string
	if err := s.DB.QueryRow(ctx, `SELECT kind FROM orgs WHERE id = ?`, orgID).Scan(&kind); err != nil {
		return "", notFound(err, "err.not_found", "org kind")
	}
	return identity.OrgKind(kind), nil
}

// DepositInsertRemittance stores a new remittance code unless the code (or the supplier)
// already has one.
func (s *Store) DepositInsertRemittance(ctx context.Context, r *deposit.Remittance) (bool, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO deposit_remittances (code, supplier_id, issued_at, issued_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		r.Code, r.SupplierID, db.Millis(r.IssuedAt), r.IssuedBy)
	if err != nil {
		return false, fmt.Errorf("store: deposit insert remittance: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Store) oneRemittance(ctx context.Context, where string, arg any) (*deposit.Remittance, error) {
	var r deposit.Remittance
	var at int64
	err := s.DB.QueryRow(ctx, `SELECT code, supplier_id, issued_at, issued_by FROM deposit_remittances WHERE `+where, arg).
		Scan(&r.Code, &r.SupplierID, &at, &r.IssuedBy)
	if err != nil {
		return nil, notFound(err, "err.deposit_remittance_unknown", "deposit remittance")
	}
	r.IssuedAt = db.Time(at)
	return &r, nil
}

// DepositRemittance finds a remittance code.
func (s *Store) DepositRemittance(ctx context.Context, code string) (*deposit.Remittance, error) {
	return s.oneRemittance(ctx, `code = ?`, code)
}

// DepositRemittanceOf returns a supplier's remittance code.
func (s *Store) DepositRemittanceOf(ctx context.Context, supplierID string) (*deposit.Remittance, error) {
	return s.oneRemittance(ctx, `supplier_id = ?`, supplierID)
}

// DepositInsertRefund stores a new refund request.
func (s *Store) DepositInsertRefund(ctx context.Context, r *deposit.Refund) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO deposit_refunds (id, supplier_id, ref, amount, state, hold_id, reason, requested_by, requested_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.SupplierID, r.Ref, int64(r.Amount), string(r.State), r.HoldID, r.Reason, r.RequestedBy, db.Millis(r.RequestedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "err.deposit_refund_open").Wrap(err)
	}
	if err != nil {
		return fmt.Errorf("store: deposit insert refund: %w", err)
	}
	return nil
}

func (s *Store) oneRefund(ctx context.Context, where string, args ...any) (*deposit.Refund, error) {
	var r deposit.Refund
	var state string
	var txID sql.NullString
	var amount, requested, resolved int64
	err := s.DB.QueryRow(ctx, `SELECT id, supplier_id, ref, amount, state, hold_id, reason, requested_by, requested_at,
		resolved_by, resolved_at, payout_ref, bank_details, tx_id FROM deposit_refunds WHERE `+where, args...).
		Scan(&r.ID, &r.SupplierID, &r.Ref, &amount, &state, &r.HoldID, &r.Reason, &r.RequestedBy, &requested,
			&r.ResolvedBy, &resolved, &r.PayoutRef, &r.BankDetails, &txID)
	if err != nil {
		return nil, notFound(err, "err.deposit_refund_not_requested", "deposit refund")
	}
	r.Amount, r.State, r.TxID = money.Fen(amount), deposit.RefundState(state), txID.String
	r.RequestedAt, r.ResolvedAt = db.Time(requested), db.Time(resolved)
	return &r, nil
}

// DepositLatestRefund returns a supplier's latest refund request.
func (s *Store) DepositLatestRefund(ctx context.Context, supplierID string) (*deposit.Refund, error) {
	return s.oneRefund(ctx, `supplier_id = ? ORDER BY requested_at DESC, id DESC LIMIT 1`, supplierID)
}

// DepositRefundByRef returns the refund requested with ref.
func (s *Store) DepositRefundByRef(ctx context.Context, supplierID, ref string) (*deposit.Refund, error) {
	return s.oneRefund(ctx, `supplier_id = ? AND ref = ?`, supplierID, ref)
}

// DepositResolveRefund moves a requested refund to its outcome, once.
func (s *Store) DepositResolveRefund(ctx context.Context, r *deposit.Refund) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE deposit_refunds SET state = ?, resolved_by = ?, resolved_at = ?, payout_ref = ?, bank_details = ?, tx_id = ?
		WHERE id = ? AND state = 'requested'`,
		string(r.State), r.ResolvedBy, db.Millis(r.ResolvedAt), r.PayoutRef, r.BankDetails, nullable(r.TxID), r.ID)
	if err != nil {
		return false, fmt.Errorf("store: deposit resolve refund: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
