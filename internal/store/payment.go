package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// The payment store.

var _ payment.Store = (*Store)(nil)

// PaymentInsert writes a payment and its orders.
func (s *Store) PaymentInsert(ctx context.Context, p *payment.Payment) error {
	var rem any
	if p.Remittance != "" {
		rem = p.Remittance
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO payments (id, number, buyer_org_id, user_id, checkout_id, provider, state, amount_fen, remittance, idem_key, deadline, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Number, p.BuyerOrgID, p.UserID, p.CheckoutID, p.Provider, string(p.State), int64(p.Amount),
		rem, p.IdemKey, db.Millis(p.Deadline), db.Millis(p.CreatedAt), db.Millis(p.UpdatedAt))
	if p.IdemKey != "" && db.IsUniqueViolation(err) {
		// Another submission with the same key got there first: it is that payment.
		return errs.E(errs.Conflict, "err.duplicate_submit")
	}
	if err != nil {
		return fmt.Errorf("store: payment: %w", err)
	}
	for _, o := range p.Orders {
		if _, err := s.DB.Exec(ctx, `INSERT INTO payment_orders (payment_id, order_id, amount_fen) VALUES (?, ?, ?)`, p.ID, o.OrderID, int64(o.Amount)); err != nil {
			return fmt.Errorf("store: payment order: %w", err)
		}
	}
	return nil
}

const paymentCols = `p.id, p.number, p.buyer_org_id, b.name, p.user_id, p.checkout_id, p.provider, p.state, p.amount_fen, COALESCE(p.remittance, ''), p.idem_key,
	COALESCE(CAST(p.receipt_id AS TEXT), ''), p.deadline, p.created_at, p.paid_at, p.updated_at FROM payments p JOIN orgs b ON b.id = p.buyer_org_id`

func scanPayment(row interface{ Scan(...any) error }) (*payment.Payment, error) {
	var p payment.Payment
	var state string
	var amount, deadline, created, paid, updated int64
	var receipt any
	if err := row.Scan(&p.ID, &p.Number, &p.BuyerOrgID, &p.BuyerName, &p.UserID, &p.CheckoutID, &p.Provider, &state, &amount, &p.Remittance, &p.IdemKey,
		&receipt, &deadline, &created, &paid, &updated); err != nil {
		return nil, err
	}
	p.ReceiptID = idString(receipt)
	p.State, p.Amount = payment.State(state), money.Fen(amount)
	p.Deadline, p.CreatedAt, p.PaidAt, p.UpdatedAt = db.Time(deadline), db.Time(created), db.Time(paid), db.Time(updated)
	return &p, nil
}

// idString reads an ID column that may come back as text or bytes.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func (s *Store) onePayment(ctx context.Context, where string, args ...any) (*payment.Payment, error) {
	p, err := scanPayment(s.DB.QueryRow(ctx, `SELECT `+paymentCols+` WHERE `+where, args...))
	if err != nil {
		return nil, notFound(err, "err.not_found", "payment")
	}
	rows, err := s.DB.Query(ctx, `SELECT po.order_id, o.number, po.amount_fen FROM payment_orders po JOIN orders o ON o.id = po.order_id WHERE po.payment_id = ? ORDER BY o.number`, p.ID)
	if err != nil {
		return nil, fmt.Errorf("store: payment orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o payment.OrderPart
		var a int64
		if err := rows.Scan(&o.OrderID, &o.Number, &a); err != nil {
			return nil, err
		}
		o.Amount = money.Fen(a)
		p.Orders = append(p.Orders, o)
	}
	return p, rows.Err()
}

// Payment returns a payment with its orders.
func (s *Store) Payment(ctx context.Context, id string) (*payment.Payment, error) {
	if !db.ValidID(id) {
		return nil, notFound(sql.ErrNoRows, "err.not_found", "payment")
	}
	return s.onePayment(ctx, `p.id = ?`, id)
}

// PaymentByRemittance finds a payment by its remittance code.
func (s *Store) PaymentByRemittance(ctx context.Context, code string) (*payment.Payment, error) {
	return s.onePayment(ctx, `p.remittance = ?`, code)
}

// PaymentByNumber finds a payment by its number (a gateway's out_trade_no).
func (s *Store) PaymentByNumber(ctx context.Context, number string) (*payment.Payment, error) {
	return s.onePayment(ctx, `p.number = ?`, number)
}

// PaymentByIdem finds a company's payment by the Idempotency-Key that created it.
func (s *Store) PaymentByIdem(ctx context.Context, orgID, key string) (*payment.Payment, error) {
	return s.onePayment(ctx, `p.buyer_org_id = ? AND p.idem_key = ? ORDER BY p.created_at LIMIT 1`, orgID, key)
}

func (s *Store) queryPayments(ctx context.Context, where string, args ...any) ([]payment.Payment, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+paymentCols+` WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: payments: %w", err)
	}
	defer rows.Close()
	var out []payment.Payment
	for rows.Next() {
		p, err := scanPayment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// Payments lists payments newest first.
func (s *Store) Payments(ctx context.Context, f payment.Filter) ([]payment.Payment, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.BuyerOrgID != "" {
		where, args = append(where, "p.buyer_org_id = ?"), append(args, f.BuyerOrgID)
	}
	if f.State != "" {
		where, args = append(where, "p.state = ?"), append(args, string(f.State))
	}
	list, err := s.queryPayments(ctx, strings.Join(where, " AND ")+fmt.Sprintf(" ORDER BY p.created_at DESC, p.id DESC LIMIT %d", f.Limit), args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	// The orders each payment covers, in one query for the whole page.
	ids := make([]any, len(list))
	at := map[string]int{}
	for i, p := range list {
		ids[i], at[p.ID] = p.ID, i
	}
	rows, err := s.DB.Query(ctx, `SELECT po.payment_id, po.order_id, o.number, po.amount_fen FROM payment_orders po JOIN orders o ON o.id = po.order_id
		WHERE po.payment_id IN (`+db.Placeholders(len(ids))+`) ORDER BY o.number`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: payment orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var pid string
		var o payment.OrderPart
		var amt int64
		if err := rows.Scan(&pid, &o.OrderID, &o.Number, &amt); err != nil {
			return nil, err
		}
		o.Amount = money.Fen(amt)
		if i, ok := at[pid]; ok {
			list[i].Orders = append(list[i].Orders, o)
		}
	}
	return list, rows.Err()
}

// PaymentsOfOrder lists the payments covering an order.
func (s *Store) PaymentsOfOrder(ctx context.Context, orderID string) ([]payment.Payment, error) {
	return s.queryPayments(ctx, `p.id IN (SELECT payment_id FROM payment_orders WHERE order_id = ?) ORDER BY p.created_at DESC, p.id DESC`, orderID)
}

// PendingBankPayments lists pending bank payments of companies named name.
func (s *Store) PendingBankPayments(ctx context.Context, name string) ([]payment.Payment, error) {
	return s.queryPayments(ctx, `b.name = ? AND p.state = 'pending' AND p.provider = 'bank' ORDER BY p.created_at LIMIT 50`, name)
}

// PaymentsCloseStale closes pending payments whose orders no longer await payment, in one
// conditional statement, so a payment being paid at the same moment is never closed.
func (s *Store) PaymentsCloseStale(ctx context.Context, at time.Time) (int64, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payments SET state = 'closed', updated_at = ? WHERE state = 'pending' AND NOT EXISTS (
		SELECT 1 FROM payment_orders po JOIN orders o ON o.id = po.order_id WHERE po.payment_id = payments.id AND o.state = 'awaiting_payment')`, db.Millis(at))
	if err != nil {
		return 0, fmt.Errorf("store: close stale payments: %w", err)
	}
	return res.RowsAffected()
}

// PaymentSetState moves a payment if it is still in from.
func (s *Store) PaymentSetState(ctx context.Context, id string, from, to payment.State, receiptID string, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payments SET state = ?, receipt_id = ?, paid_at = ?, updated_at = ? WHERE id = ? AND state = ?`,
		string(to), nullID(receiptID), db.Millis(at), db.Millis(at), id, string(from))
	if err != nil {
		return false, fmt.Errorf("store: payment state: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const receiptCols = `id, provider, provider_txn, COALESCE(CAST(payment_id AS TEXT), ''), amount_fen, payer_name, payer_account, memo, trade_date, COALESCE(CAST(import_id AS TEXT), ''),
	state, reason, note, resolved_by, resolved_at, created_at FROM payment_receipts`

func scanReceipt(row interface{ Scan(...any) error }) (*payment.Receipt, error) {
	var r payment.Receipt
	var pay, imp any
	var state string
	var amount, resolved, created int64
	if err := row.Scan(&r.ID, &r.Provider, &r.ProviderTxn, &pay, &amount, &r.PayerName, &r.PayerAccount, &r.Memo, &r.TradeDate, &imp,
		&state, &r.Reason, &r.Note, &r.ResolvedBy, &resolved, &created); err != nil {
		return nil, err
	}
	r.PaymentID, r.ImportID = idString(pay), idString(imp)
	r.State, r.Amount, r.ResolvedAt, r.CreatedAt = payment.ReceiptState(state), money.Fen(amount), db.Time(resolved), db.Time(created)
	return &r, nil
}

// ReceiptInsert stores a receipt unless (provider, provider_txn) is taken. ON CONFLICT
// keeps a PostgreSQL transaction usable when a concurrent delivery got there first.
func (s *Store) ReceiptInsert(ctx context.Context, r *payment.Receipt) (bool, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO payment_receipts (id, provider, provider_txn, payment_id, amount_fen, payer_name, payer_account, memo, trade_date, import_id,
		state, reason, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider, provider_txn) DO NOTHING`,
		r.ID, r.Provider, r.ProviderTxn, nullID(r.PaymentID), int64(r.Amount), r.PayerName, r.PayerAccount, r.Memo, r.TradeDate, nullID(r.ImportID),
		string(r.State), r.Reason, r.Note, db.Millis(r.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("store: receipt: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReceiptByTxn finds a receipt by the provider's transaction id.
func (s *Store) ReceiptByTxn(ctx context.Context, provider, txn string) (*payment.Receipt, error) {
	r, err := scanReceipt(s.DB.QueryRow(ctx, `SELECT `+receiptCols+` WHERE provider = ? AND provider_txn = ?`, provider, txn))
	if err != nil {
		return nil, notFound(err, "err.not_found", "receipt")
	}
	return r, nil
}

// Receipt returns a receipt.
func (s *Store) Receipt(ctx context.Context, id string) (*payment.Receipt, error) {
	r, err := scanReceipt(s.DB.QueryRow(ctx, `SELECT `+receiptCols+` WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "receipt")
	}
	return r, nil
}

// Receipts lists receipts in states, newest first.
func (s *Store) Receipts(ctx context.Context, states []payment.ReceiptState, limit int) ([]payment.Receipt, error) {
	q, args := `SELECT `+receiptCols, []any{}
	if len(states) > 0 {
		q += ` WHERE state IN (` + db.Placeholders(len(states)) + `)`
		for _, st := range states {
			args = append(args, string(st))
		}
	}
	rows, err := s.DB.Query(ctx, q+fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: receipts: %w", err)
	}
	defer rows.Close()
	var out []payment.Receipt
	for rows.Next() {
		r, err := scanReceipt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// ReceiptResolve stores a staff decision if the receipt is still in one of from.
func (s *Store) ReceiptResolve(ctx context.Context, r *payment.Receipt, from []payment.ReceiptState) (bool, error) {
	args := []any{string(r.State), nullID(r.PaymentID), r.Note, r.ResolvedBy, db.Millis(r.ResolvedAt), r.ID}
	for _, st := range from {
		args = append(args, string(st))
	}
	res, err := s.DB.Exec(ctx, `UPDATE payment_receipts SET state = ?, payment_id = ?, note = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND state IN (`+
		db.Placeholders(len(from))+`)`, args...)
	if err != nil {
		return false, fmt.Errorf("store: receipt resolve: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ImportInsert records a statement import, or updates its counts.
func (s *Store) ImportInsert(ctx context.Context, im *payment.Import) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO statement_imports (id, filename, rows_total, matched, review, replayed, rejected, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET rows_total = excluded.rows_total, matched = excluded.matched,
		review = excluded.review, replayed = excluded.replayed, rejected = excluded.rejected`,
		im.ID, im.Filename, im.Rows, im.Matched, im.Review, im.Replayed, im.Rejected, im.CreatedBy, db.Millis(im.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: statement import: %w", err)
	}
	return nil
}

const refundCols = `id, order_id, payment_id, buyer_org_id, amount_fen, state, reason, requested_by, decided_by, provider_ref, created_at, decided_at FROM payment_refunds`

func scanRefund(row interface{ Scan(...any) error }) (*payment.Refund, error) {
	var r payment.Refund
	var state string
	var amount, created, decided int64
	if err := row.Scan(&r.ID, &r.OrderID, &r.PaymentID, &r.BuyerOrgID, &amount, &state, &r.Reason, &r.RequestedBy, &r.DecidedBy, &r.ProviderRef, &created, &decided); err != nil {
		return nil, err
	}
	r.State, r.Amount, r.CreatedAt, r.DecidedAt = payment.RefundState(state), money.Fen(amount), db.Time(created), db.Time(decided)
	return &r, nil
}

// RefundInsert stores a refund request.
func (s *Store) RefundInsert(ctx context.Context, r *payment.Refund) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO payment_refunds (id, order_id, payment_id, buyer_org_id, amount_fen, state, reason, requested_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.OrderID, r.PaymentID, r.BuyerOrgID, int64(r.Amount), string(r.State), r.Reason, r.RequestedBy, db.Millis(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: refund: %w", err)
	}
	return nil
}

// RefundOf returns an order's refund request.
func (s *Store) RefundOf(ctx context.Context, orderID string) (*payment.Refund, error) {
	r, err := scanRefund(s.DB.QueryRow(ctx, `SELECT `+refundCols+` WHERE order_id = ?`, orderID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "refund")
	}
	return r, nil
}

// RefundDecide decides a refund still requested.
func (s *Store) RefundDecide(ctx context.Context, r *payment.Refund) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payment_refunds SET state = ?, decided_by = ?, decided_at = ?, provider_ref = ? WHERE id = ? AND state = 'requested'`,
		string(r.State), r.DecidedBy, db.Millis(r.DecidedAt), r.ProviderRef, r.ID)
	if err != nil {
		return false, fmt.Errorf("store: refund decide: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RefundSetRef records the provider's refund reference.
func (s *Store) RefundSetRef(ctx context.Context, id, ref string) error {
	_, err := s.DB.Exec(ctx, `UPDATE payment_refunds SET provider_ref = ? WHERE id = ?`, ref, id)
	if err != nil {
		return fmt.Errorf("store: refund ref: %w", err)
	}
	return nil
}

// RefundReopen makes a rejected request requested again.
func (s *Store) RefundReopen(ctx context.Context, r *payment.Refund) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payment_refunds SET state = 'requested', reason = ?, requested_by = ?, created_at = ?, decided_by = '', decided_at = 0, provider_ref = ''
		WHERE id = ? AND state = 'rejected'`, r.Reason, r.RequestedBy, db.Millis(r.CreatedAt), r.ID)
	if err != nil {
		return false, fmt.Errorf("store: refund reopen: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Refunds lists refund requests in a state ("" for all), newest first.
func (s *Store) Refunds(ctx context.Context, state payment.RefundState, limit int) ([]payment.Refund, error) {
	q, args := `SELECT `+refundCols, []any{}
	if state != "" {
		q, args = q+` WHERE state = ?`, append(args, string(state))
	}
	rows, err := s.DB.Query(ctx, q+fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("store: refunds: %w", err)
	}
	defer rows.Close()
	var out []payment.Refund
	for rows.Next() {
		r, err := scanRefund(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// PaymentTotals sums, per order covered by any payment, what was paid, refunded and
// released and reads the order's escrow balance, in one statement so that they agree
// with each other even while payments are being written.
func (s *Store) PaymentTotals(ctx context.Context) ([]payment.Totals, error) {
	rows, err := s.DB.Query(ctx, `SELECT o.id, o.number, o.state, o.total_fen,
		COALESCE((SELECT SUM(po.amount_fen) FROM payment_orders po JOIN payments p ON p.id = po.payment_id WHERE po.order_id = o.id AND p.state = 'paid'), 0),
		COALESCE((SELECT SUM(r.amount_fen) FROM payment_refunds r WHERE r.order_id = o.id AND r.state = 'refunded'), 0)
			+ COALESCE((SELECT SUM(ar.amount_fen) FROM aftersale_refunds ar WHERE ar.order_id = o.id), 0),
		COALESCE((SELECT st.gross_fen FROM settlements st WHERE st.order_id = o.id), 0),
		COALESCE((SELECT b.balance FROM ledger_balances b WHERE b.account = 'escrow:' || CAST(o.id AS TEXT)), 0)
		FROM orders o WHERE o.id IN (SELECT order_id FROM payment_orders) ORDER BY o.id`)
	if err != nil {
		return nil, fmt.Errorf("store: payment totals: %w", err)
	}
	defer rows.Close()
	var out []payment.Totals
	for rows.Next() {
		var t payment.Totals
		var state string
		var total, paid, refunded, released, escrow int64
		if err := rows.Scan(&t.OrderID, &t.Number, &state, &total, &paid, &refunded, &released, &escrow); err != nil {
			return nil, err
		}
		t.State, t.Total, t.Paid, t.Refunded = order.State(state), money.Fen(total), money.Fen(paid), money.Fen(refunded)
		t.Released, t.Escrow = money.Fen(released), money.Fen(escrow)
		out = append(out, t)
	}
	return out, rows.Err()
}

// ReceiptTotals sums receipts per provider and state, with the suspense balances and the
// paid payments, in one statement.
func (s *Store) ReceiptTotals(ctx context.Context) ([]payment.ProviderTotal, money.Fen, money.Fen, error) {
	rows, err := s.DB.Query(ctx, `SELECT '' AS provider, '' AS state, 0 AS n, 0 AS amount,
		COALESCE((SELECT SUM(balance) FROM ledger_balances WHERE account LIKE 'payment:suspense:%'), 0),
		COALESCE((SELECT SUM(amount_fen) FROM payments WHERE state = 'paid'), 0)
		UNION ALL
		SELECT provider, state, COUNT(*), SUM(amount_fen), 0, 0 FROM payment_receipts GROUP BY provider, state ORDER BY 1, 2`)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("store: receipt totals: %w", err)
	}
	defer rows.Close()
	var out []payment.ProviderTotal
	var suspense, paid int64
	for rows.Next() {
		var t payment.ProviderTotal
		var state string
		var n, amount, sus, pd int64
		if err := rows.Scan(&t.Provider, &state, &n, &amount, &sus, &pd); err != nil {
			return nil, 0, 0, err
		}
		if t.Provider == "" {
			suspense, paid = sus, pd
			continue
		}
		t.State, t.Count, t.Amount = payment.ReceiptState(state), n, money.Fen(amount)
		out = append(out, t)
	}
	return out, money.Fen(suspense), money.Fen(paid), rows.Err()
}

// RefundRequested reports whether an order has a refund request awaiting a decision.
func (s *Store) RefundRequested(ctx context.Context, orderID string) (bool, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM payment_refunds WHERE order_id = ? AND state = 'requested'`, orderID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: refund requested: %w", err)
	}
	return n > 0, nil
}
