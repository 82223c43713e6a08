package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/money"
)

var _ fulfil.Store = (*Store)(nil)

const shipmentCols = `id, order_id, supplier_id, seq, mode, carrier, carrier_name, waybill, plate, driver_phone, note, created_by, created_at`

func scanShipment(row interface{ Scan(...any) error }) (*fulfil.Shipment, error) {
	var sh fulfil.Shipment
	var mode string
	var at int64
	if err := row.Scan(&sh.ID, &sh.OrderID, &sh.SupplierID, &sh.Seq, &mode, &sh.Carrier, &sh.CarrierName, &sh.Waybill, &sh.Plate, &sh.DriverPhone, &sh.Note, &sh.CreatedBy, &at); err != nil {
		return nil, err
	}
	sh.Mode, sh.CreatedAt = fulfil.Mode(mode), db.Time(at)
	return &sh, nil
}

// Shipments returns an order's shipments with their lines and tracking events.
func (s *Store) Shipments(ctx context.Context, orderID string) ([]fulfil.Shipment, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE order_id = ? ORDER BY seq`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: shipments: %w", err)
	}
	var out []fulfil.Shipment
	idx := map[string]int{}
	for rows.Next() {
		sh, err := scanShipment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		idx[sh.ID] = len(out)
		out = append(out, *sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	lrows, err := s.DB.Query(ctx, `SELECT shipment_id, line_no, qty FROM shipment_lines WHERE order_id = ? ORDER BY shipment_id, line_no`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: shipment lines: %w", err)
	}
	for lrows.Next() {
		var id string
		var l fulfil.ShipLine
		if err := lrows.Scan(&id, &l.LineNo, &l.Qty); err != nil {
			lrows.Close()
			return nil, err
		}
		if i, ok := idx[id]; ok {
			out[i].Lines = append(out[i].Lines, l)
		}
	}
	lrows.Close()
	if err := lrows.Err(); err != nil {
		return nil, err
	}
	erows, err := s.DB.Query(ctx, `SELECT id, shipment_id, order_id, at, place, text, source, created_by, created_at FROM tracking_events WHERE order_id = ? ORDER BY at DESC, created_at DESC`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: tracking events: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var e fulfil.TrackEvent
		var at, created int64
		if err := erows.Scan(&e.ID, &e.ShipmentID, &e.OrderID, &at, &e.Place, &e.Text, &e.Source, &e.CreatedBy, &created); err != nil {
			return nil, err
		}
		e.At, e.CreatedAt = db.Time(at), db.Time(created)
		if i, ok := idx[e.ShipmentID]; ok {
			out[i].Events = append(out[i].Events, e)
		}
	}
	return out, erows.Err()
}

// Shipment returns one shipment (without lines and events), or NotFound.
func (s *Store) Shipment(ctx context.Context, id string) (*fulfil.Shipment, error) {
	sh, err := scanShipment(s.DB.QueryRow(ctx, `SELECT `+shipmentCols+` FROM shipments WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "shipment")
	}
	return sh, nil
}

// InsertShipment writes a shipment with its lines.
func (s *Store) InsertShipment(ctx context.Context, sh *fulfil.Shipment) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO shipments (`+shipmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sh.ID, sh.OrderID, sh.SupplierID, sh.Seq, string(sh.Mode), sh.Carrier, sh.CarrierName, sh.Waybill, sh.Plate, sh.DriverPhone, sh.Note, sh.CreatedBy, db.Millis(sh.CreatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "order.err.changed")
	}
	if err != nil {
		return fmt.Errorf("store: insert shipment: %w", err)
	}
	for _, l := range sh.Lines {
		if _, err := s.DB.Exec(ctx, `INSERT INTO shipment_lines (shipment_id, order_id, line_no, qty) VALUES (?, ?, ?, ?)`, sh.ID, sh.OrderID, l.LineNo, l.Qty); err != nil {
			return fmt.Errorf("store: insert shipment line: %w", err)
		}
	}
	return nil
}

// AddTracking stores a tracking event unless the shipment has the same one.
func (s *Store) AddTracking(ctx context.Context, e *fulfil.TrackEvent) (bool, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO tracking_events (id, shipment_id, order_id, at, place, text, source, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (shipment_id, at, text) DO NOTHING`,
		e.ID, e.ShipmentID, e.OrderID, db.Millis(e.At), e.Place, e.Text, e.Source, e.CreatedBy, db.Millis(e.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("store: add tracking: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReceiptLines returns an order's confirmed lines.
func (s *Store) ReceiptLines(ctx context.Context, orderID string) ([]fulfil.ReceiptLine, error) {
	rows, err := s.DB.Query(ctx, `SELECT line_no, accepted, problem, auto, confirmed_by, confirmed_at FROM receipt_lines WHERE order_id = ? ORDER BY line_no`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: receipt lines: %w", err)
	}
	defer rows.Close()
	var out []fulfil.ReceiptLine
	for rows.Next() {
		var r fulfil.ReceiptLine
		var at int64
		if err := rows.Scan(&r.LineNo, &r.Accepted, &r.Problem, &r.Auto, &r.ConfirmedBy, &at); err != nil {
			return nil, err
		}
		r.ConfirmedAt = db.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertReceiptLines records confirmations; a line confirmed before is a Conflict.
func (s *Store) InsertReceiptLines(ctx context.Context, orderID string, ls []fulfil.ReceiptLine) error {
	for _, r := range ls {
		_, err := s.DB.Exec(ctx, `INSERT INTO receipt_lines (order_id, line_no, accepted, problem, auto, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			orderID, r.LineNo, r.Accepted, r.Problem, r.Auto, r.ConfirmedBy, db.Millis(r.ConfirmedAt))
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "ship.err.confirmed", r.LineNo)
		}
		if err != nil {
			return fmt.Errorf("store: receipt line: %w", err)
		}
	}
	return nil
}

// Progress returns an order's fulfilment timers, or NotFound.
func (s *Store) Progress(ctx context.Context, orderID string) (*fulfil.Progress, error) {
	var p fulfil.Progress
	var shipped, until, held, recv, rel int64
	err := s.DB.QueryRow(ctx, `SELECT order_id, supplier_id, shipped_at, inspect_until, held_seen_at, received_at, release_after FROM order_fulfilment WHERE order_id = ?`, orderID).
		Scan(&p.OrderID, &p.SupplierID, &shipped, &until, &held, &recv, &rel)
	if err != nil {
		return nil, notFound(err, "err.not_found", "order fulfilment")
	}
	p.ShippedAt, p.InspectUntil, p.HeldSeenAt, p.ReceivedAt, p.ReleaseAfter = zeroTime(shipped), zeroTime(until), zeroTime(held), zeroTime(recv), zeroTime(rel)
	return &p, nil
}

func zeroTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return db.Time(ms)
}

func zeroMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return db.Millis(t)
}

// PutProgress inserts or replaces an order's timers.
func (s *Store) PutProgress(ctx context.Context, p *fulfil.Progress) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO order_fulfilment (order_id, supplier_id, shipped_at, inspect_until, held_seen_at, received_at, release_after)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET shipped_at = excluded.shipped_at, inspect_until = excluded.inspect_until,
		held_seen_at = excluded.held_seen_at, received_at = excluded.received_at, release_after = excluded.release_after`,
		p.OrderID, p.SupplierID, zeroMillis(p.ShippedAt), zeroMillis(p.InspectUntil), zeroMillis(p.HeldSeenAt), zeroMillis(p.ReceivedAt), zeroMillis(p.ReleaseAfter))
	if err != nil {
		return fmt.Errorf("store: order fulfilment: %w", err)
	}
	return nil
}

// OrderHolds reads the order's count of open after-sales cases and disputes.
func (s *Store) OrderHolds(ctx context.Context, orderID string) (int64, error) {
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT holds FROM orders WHERE id = ?`, orderID).Scan(&n); err != nil {
		return 0, notFound(err, "err.not_found", "order holds")
	}
	return n, nil
}

// DueInspection lists shipped orders whose inspection window has ended: those without
// holds, and held ones the sweep has not yet seen held (it marks them once). Held
// orders already marked are left out, so however many there are they never take the
// sweep's whole batch.
func (s *Store) DueInspection(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due inspection", `SELECT f.order_id FROM order_fulfilment f JOIN orders o ON o.id = f.order_id
		WHERE f.inspect_until > 0 AND f.inspect_until <= ? AND o.state = 'shipped' AND (o.holds = 0 OR f.held_seen_at = 0)
		ORDER BY f.inspect_until LIMIT ?`, db.Millis(now), limit)
}

// DueRelease lists received orders without holds whose release time has come.
func (s *Store) DueRelease(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due release", `SELECT f.order_id FROM order_fulfilment f JOIN orders o ON o.id = f.order_id
		WHERE f.release_after > 0 AND f.release_after <= ? AND o.state = 'received' AND o.holds = 0 ORDER BY f.release_after LIMIT ?`, db.Millis(now), limit)
}

// LineCategories maps an order's catalogue lines to their category paths, root first.
func (s *Store) LineCategories(ctx context.Context, orderID string) (map[int][]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT ol.line_no, CAST(p.category_id AS TEXT) FROM order_lines ol JOIN products p ON p.id = ol.product_id WHERE ol.order_id = ?`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: line categories: %w", err)
	}
	leaf := map[int]string{}
	for rows.Next() {
		var no int
		var cat string
		if err := rows.Scan(&no, &cat); err != nil {
			rows.Close()
			return nil, err
		}
		leaf[no] = cat
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	paths := map[string][]string{}
	out := map[int][]string{}
	for no, cat := range leaf {
		if p, ok := paths[cat]; ok {
			out[no] = p
			continue
		}
		var path []string
		for id := cat; id != "" && len(path) < 16; {
			path = append([]string{id}, path...)
			var parent sql.NullString
			if err := s.DB.QueryRow(ctx, `SELECT CAST(parent_id AS TEXT) FROM categories WHERE id = ?`, id).Scan(&parent); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					break
				}
				return nil, fmt.Errorf("store: category parent: %w", err)
			}
			id = parent.String
		}
		paths[cat] = path
		out[no] = path
	}
	return out, nil
}

// InsertSettlement records an order's release; a second one is a Conflict.
func (s *Store) InsertSettlement(ctx context.Context, st *fulfil.Settlement) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO settlements (order_id, supplier_id, gross_fen, commission_fen, net_fen, tx_id, settled_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		st.OrderID, st.SupplierID, int64(st.Gross), int64(st.Commission), int64(st.Net), st.TxID, db.Millis(st.SettledAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "ship.err.released")
	}
	if err != nil {
		return fmt.Errorf("store: settlement: %w", err)
	}
	return nil
}

const settlementCols = `st.order_id, o.number, st.supplier_id, st.gross_fen, st.commission_fen, st.net_fen, st.tx_id, st.settled_at`

func scanSettlement(row interface{ Scan(...any) error }) (*fulfil.Settlement, error) {
	var st fulfil.Settlement
	var g, c, n, at int64
	if err := row.Scan(&st.OrderID, &st.Number, &st.SupplierID, &g, &c, &n, &st.TxID, &at); err != nil {
		return nil, err
	}
	st.Gross, st.Commission, st.Net, st.SettledAt = money.Fen(g), money.Fen(c), money.Fen(n), db.Time(at)
	return &st, nil
}

// Settlement returns an order's settlement, or NotFound.
func (s *Store) Settlement(ctx context.Context, orderID string) (*fulfil.Settlement, error) {
	st, err := scanSettlement(s.DB.QueryRow(ctx, `SELECT `+settlementCols+` FROM settlements st JOIN orders o ON o.id = st.order_id WHERE st.order_id = ?`, orderID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "settlement")
	}
	return st, nil
}

// Settlements lists settlements in [from, to), oldest first.
func (s *Store) Settlements(ctx context.Context, supplierID string, from, to time.Time) ([]fulfil.Settlement, error) {
	q := `SELECT ` + settlementCols + ` FROM settlements st JOIN orders o ON o.id = st.order_id WHERE st.settled_at >= ? AND st.settled_at < ?`
	args := []any{db.Millis(from), db.Millis(to)}
	if supplierID != "" {
		q += ` AND st.supplier_id = ?`
		args = append(args, supplierID)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY st.settled_at, o.number LIMIT 10000`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: settlements: %w", err)
	}
	defer rows.Close()
	var out []fulfil.Settlement
	for rows.Next() {
		st, err := scanSettlement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *st)
	}
	return out, rows.Err()
}

// SettlementAccount returns a supplier's settlement account, or NotFound.
func (s *Store) SettlementAccount(ctx context.Context, supplierID string) (*fulfil.Account, error) {
	var a fulfil.Account
	var at int64
	err := s.DB.QueryRow(ctx, `SELECT supplier_id, account_name, bank_name, account_no, cnaps, updated_by, updated_at FROM settlement_accounts WHERE supplier_id = ?`, supplierID).
		Scan(&a.SupplierID, &a.Name, &a.Bank, &a.Number, &a.CNAPS, &a.UpdatedBy, &at)
	if err != nil {
		return nil, notFound(err, "err.not_found", "settlement account")
	}
	a.UpdatedAt = db.Time(at)
	return &a, nil
}

// PutSettlementAccount inserts or replaces a supplier's settlement account.
func (s *Store) PutSettlementAccount(ctx context.Context, a *fulfil.Account) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO settlement_accounts (supplier_id, account_name, bank_name, account_no, cnaps, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (supplier_id) DO UPDATE SET account_name = excluded.account_name, bank_name = excluded.bank_name, account_no = excluded.account_no,
		cnaps = excluded.cnaps, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		a.SupplierID, a.Name, a.Bank, a.Number, a.CNAPS, a.UpdatedBy, db.Millis(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: settlement account: %w", err)
	}
	return nil
}

// Payables lists suppliers' payable balances that are not zero.
func (s *Store) Payables(ctx context.Context) ([]fulfil.Payable, error) {
	rows, err := s.DB.Query(ctx, `SELECT CAST(o.id AS TEXT), o.name, b.balance, b.pending FROM ledger_balances b
		JOIN orgs o ON b.account = 'payable:' || CAST(o.id AS TEXT)
		WHERE b.account LIKE 'payable:%' AND (b.balance <> 0 OR b.pending <> 0) ORDER BY o.name`)
	if err != nil {
		return nil, fmt.Errorf("store: payables: %w", err)
	}
	defer rows.Close()
	var out []fulfil.Payable
	for rows.Next() {
		var p fulfil.Payable
		var bal, pend int64
		if err := rows.Scan(&p.SupplierID, &p.SupplierName, &bal, &pend); err != nil {
			return nil, err
		}
		p.Balance, p.Pending = money.Fen(bal), money.Fen(pend)
		out = append(out, p)
	}
	return out, rows.Err()
}

// NextBatchNumber reserves the day's next payout batch number.
func (s *Store) NextBatchNumber(ctx context.Context, day string) (int64, error) {
	return s.NextOrderNumbers(ctx, "PB"+day, 1)
}

// InsertBatch writes a payout batch (its payouts are inserted one by one).
func (s *Store) InsertBatch(ctx context.Context, b *fulfil.Batch) error {
	if _, err := s.DB.Exec(ctx, `INSERT INTO payout_batches (id, number, created_by, created_at) VALUES (?, ?, ?, ?)`, b.ID, b.Number, b.CreatedBy, db.Millis(b.CreatedAt)); err != nil {
		return fmt.Errorf("store: payout batch: %w", err)
	}
	return nil
}

// InsertPayout writes a payout; a second pending payout of a supplier is a Conflict.
func (s *Store) InsertPayout(ctx context.Context, p *fulfil.Payout) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO payouts (id, batch_id, supplier_id, amount_fen, account_name, bank_name, account_no, cnaps, hold_id, state, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.BatchID, p.SupplierID, int64(p.Amount), p.Account.Name, p.Account.Bank, p.Account.Number, p.Account.CNAPS,
		p.HoldID, string(p.State), db.Millis(p.CreatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "ship.err.payout_open")
	}
	if err != nil {
		return fmt.Errorf("store: payout: %w", err)
	}
	return nil
}

// Batches lists payout batches newest first, with their payouts' totals as payouts.
func (s *Store) Batches(ctx context.Context, limit int) ([]fulfil.Batch, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, number, created_by, created_at FROM payout_batches ORDER BY created_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: payout batches: %w", err)
	}
	var out []fulfil.Batch
	for rows.Next() {
		var b fulfil.Batch
		var at int64
		if err := rows.Scan(&b.ID, &b.Number, &b.CreatedBy, &at); err != nil {
			rows.Close()
			return nil, err
		}
		b.CreatedAt = db.Time(at)
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Payouts, err = s.payouts(ctx, `p.batch_id = ?`, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Batch returns a batch with its payouts, or NotFound.
func (s *Store) Batch(ctx context.Context, id string) (*fulfil.Batch, error) {
	var b fulfil.Batch
	var at int64
	if err := s.DB.QueryRow(ctx, `SELECT id, number, created_by, created_at FROM payout_batches WHERE id = ?`, id).Scan(&b.ID, &b.Number, &b.CreatedBy, &at); err != nil {
		return nil, notFound(err, "err.not_found", "payout batch")
	}
	b.CreatedAt = db.Time(at)
	var err error
	b.Payouts, err = s.payouts(ctx, `p.batch_id = ?`, id)
	return &b, err
}

func (s *Store) payouts(ctx context.Context, where string, args ...any) ([]fulfil.Payout, error) {
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.batch_id, pb.number, p.supplier_id, o.name, p.amount_fen, p.account_name, p.bank_name, p.account_no, p.cnaps,
		p.hold_id, p.state, p.bank_ref, p.paid_by, p.paid_at, p.tx_id, p.created_at, p.fail_reason, p.failed_by, p.failed_at
		FROM payouts p JOIN payout_batches pb ON pb.id = p.batch_id JOIN orgs o ON o.id = p.supplier_id WHERE `+where+` ORDER BY p.created_at, o.name`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: payouts: %w", err)
	}
	defer rows.Close()
	var out []fulfil.Payout
	for rows.Next() {
		var p fulfil.Payout
		var amt, paid, created, failed int64
		var state string
		if err := rows.Scan(&p.ID, &p.BatchID, &p.BatchNumber, &p.SupplierID, &p.SupplierName, &amt, &p.Account.Name, &p.Account.Bank, &p.Account.Number, &p.Account.CNAPS,
			&p.HoldID, &state, &p.BankRef, &p.PaidBy, &paid, &p.TxID, &created, &p.FailReason, &p.FailedBy, &failed); err != nil {
			return nil, err
		}
		p.Amount, p.State, p.PaidAt, p.CreatedAt, p.FailedAt = money.Fen(amt), fulfil.PayoutState(state), zeroTime(paid), db.Time(created), zeroTime(failed)
		p.Account.SupplierID = p.SupplierID
		out = append(out, p)
	}
	return out, rows.Err()
}

// Payout returns a payout, or NotFound.
func (s *Store) Payout(ctx context.Context, id string) (*fulfil.Payout, error) {
	ps, err := s.payouts(ctx, `p.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return &ps[0], nil
}

// PayoutSetPaid marks a pending payout paid.
func (s *Store) PayoutSetPaid(ctx context.Context, p *fulfil.Payout) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payouts SET state = 'paid', bank_ref = ?, paid_by = ?, paid_at = ?, tx_id = ? WHERE id = ? AND state = 'pending'`,
		p.BankRef, p.PaidBy, db.Millis(p.PaidAt), p.TxID, p.ID)
	if err != nil {
		return false, fmt.Errorf("store: payout paid: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PayoutSetFailed marks a pending payout cancelled, with why, who and when.
func (s *Store) PayoutSetFailed(ctx context.Context, p *fulfil.Payout) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE payouts SET state = 'cancelled', fail_reason = ?, failed_by = ?, failed_at = ? WHERE id = ? AND state = 'pending'`,
		p.FailReason, p.FailedBy, db.Millis(p.FailedAt), p.ID)
	if err != nil {
		return false, fmt.Errorf("store: payout failed: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Payouts lists a supplier's payouts created in [from, to).
func (s *Store) Payouts(ctx context.Context, supplierID string, from, to time.Time) ([]fulfil.Payout, error) {
	return s.payouts(ctx, `p.supplier_id = ? AND p.created_at >= ? AND p.created_at < ?`, supplierID, db.Millis(from), db.Millis(to))
}

// SupplierTotals reads per supplier the settlements' net and commission, the paid
// payouts and the payable balance, and the commission revenue balance, in one
// statement.
func (s *Store) SupplierTotals(ctx context.Context) ([]fulfil.SupplierTotals, money.Fen, error) {
	rows, err := s.DB.Query(ctx, `SELECT '' AS sid, 0, 0, 0, 0, COALESCE((SELECT balance FROM ledger_balances WHERE account = 'platform:revenue:commission'), 0)
		UNION ALL
		SELECT CAST(o.id AS TEXT),
			COALESCE((SELECT SUM(net_fen) FROM settlements st WHERE st.supplier_id = o.id), 0),
			COALESCE((SELECT SUM(commission_fen) FROM settlements st WHERE st.supplier_id = o.id), 0),
			COALESCE((SELECT SUM(amount_fen) FROM payouts p WHERE p.supplier_id = o.id AND p.state = 'paid'), 0),
			COALESCE((SELECT balance FROM ledger_balances b WHERE b.account = 'payable:' || CAST(o.id AS TEXT)), 0), 0
		FROM orgs o WHERE o.id IN (SELECT supplier_id FROM settlements) OR ('payable:' || CAST(o.id AS TEXT)) IN (SELECT account FROM ledger_balances WHERE account LIKE 'payable:%')`)
	if err != nil {
		return nil, 0, fmt.Errorf("store: supplier totals: %w", err)
	}
	defer rows.Close()
	var out []fulfil.SupplierTotals
	var rev money.Fen
	for rows.Next() {
		var t fulfil.SupplierTotals
		var net, com, paid, pay, r int64
		if err := rows.Scan(&t.SupplierID, &net, &com, &paid, &pay, &r); err != nil {
			return nil, 0, err
		}
		if t.SupplierID == "" {
			rev = money.Fen(r)
			continue
		}
		t.Net, t.Commission, t.PaidOut, t.Payable = money.Fen(net), money.Fen(com), money.Fen(paid), money.Fen(pay)
		out = append(out, t)
	}
	return out, rev, rows.Err()
}

// ShipmentCount counts an order's shipments.
func (s *Store) ShipmentCount(ctx context.Context, orderID string) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM shipments WHERE order_id = ?`, orderID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: shipment count: %w", err)
	}
	return n, nil
}

// LineRefunds sums per line what an order's after-sales cases refunded.
func (s *Store) LineRefunds(ctx context.Context, orderID string) (map[int]money.Fen, error) {
	rows, err := s.DB.Query(ctx, `SELECT c.line_no, SUM(r.amount_fen) FROM aftersale_refunds r JOIN aftersale_cases c ON c.id = r.case_id
		WHERE r.order_id = ? GROUP BY c.line_no`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: line refunds: %w", err)
	}
	defer rows.Close()
	out := map[int]money.Fen{}
	for rows.Next() {
		var no int
		var amt int64
		if err := rows.Scan(&no, &amt); err != nil {
			return nil, err
		}
		out[no] = money.Fen(amt)
	}
	return out, rows.Err()
}
