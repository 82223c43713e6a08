package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
)

// NextAftersaleNumber reserves the next number of a day's case or dispute sequence.
func (s *Store) NextAftersaleNumber(ctx context.Context, kind, day string) (int64, error) {
	if _, err := s.DB.Exec(ctx, `INSERT INTO aftersale_seq (kind, day, last) VALUES (?, ?, 0) ON CONFLICT (kind, day) DO NOTHING`, kind, day); err != nil {
		return 0, fmt.Errorf("store: aftersale seq: %w", err)
	}
	var last int64
	if err := s.DB.QueryRow(ctx, `UPDATE aftersale_seq SET last = last + 1 WHERE kind = ? AND day = ? RETURNING last`, kind, day).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: aftersale seq: %w", err)
	}
	return last, nil
}

// InsertCase writes a new case.
func (s *Store) InsertCase(ctx context.Context, c *aftersale.Case) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO aftersale_cases (id, number, order_id, line_no, buyer_org_id, supplier_id, created_by, kind, reason, detail,
		qty, amount_fen, state, answer_by, idem_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Number, c.OrderID, c.LineNo, c.BuyerOrgID, c.SupplierID, c.CreatedBy, string(c.Kind), c.Reason, c.Detail,
		c.Qty, int64(c.Amount), string(c.State), db.Millis(c.AnswerBy), c.IdemKey, db.Millis(c.CreatedAt), db.Millis(c.UpdatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "aftersale.err.changed")
	}
	if err != nil {
		return fmt.Errorf("store: insert case: %w", err)
	}
	return nil
}

const caseCols = `c.id, c.number, c.order_id, o.number, c.line_no, COALESCE(l.title, ''), c.buyer_org_id, b.name, c.supplier_id, sp.name, c.created_by,
	c.kind, c.reason, c.detail, c.qty, c.amount_fen, c.offer_fen, c.refunded_fen, c.state, c.answer_by, c.refuse_reason, c.return_address,
	c.return_carrier, c.return_waybill, c.reship_carrier, c.reship_waybill, COALESCE(CAST(c.dispute_id AS TEXT), ''), c.idem_key,
	c.created_at, c.updated_at, c.closed_at`

const caseFrom = ` FROM aftersale_cases c JOIN orders o ON o.id = c.order_id JOIN orgs b ON b.id = c.buyer_org_id JOIN orgs sp ON sp.id = c.supplier_id
	LEFT JOIN order_lines l ON l.order_id = c.order_id AND l.line_no = c.line_no`

func scanCase(sc interface{ Scan(...any) error }) (*aftersale.Case, error) {
	var c aftersale.Case
	var kind, state string
	var amount, offer, refunded, answerBy, created, updated, closed int64
	if err := sc.Scan(&c.ID, &c.Number, &c.OrderID, &c.OrderNumber, &c.LineNo, &c.LineTitle, &c.BuyerOrgID, &c.BuyerName, &c.SupplierID, &c.SupplierName,
		&c.CreatedBy, &kind, &c.Reason, &c.Detail, &c.Qty, &amount, &offer, &refunded, &state, &answerBy, &c.RefuseReason, &c.ReturnAddress,
		&c.ReturnCarrier, &c.ReturnWaybill, &c.ReshipCarrier, &c.ReshipWaybill, &c.DisputeID, &c.IdemKey, &created, &updated, &closed); err != nil {
		return nil, err
	}
	c.Kind, c.State = aftersale.Kind(kind), aftersale.State(state)
	c.Amount, c.Offer, c.Refunded = money.Fen(amount), money.Fen(offer), money.Fen(refunded)
	c.AnswerBy, c.CreatedAt, c.UpdatedAt, c.ClosedAt = db.Time(answerBy), db.Time(created), db.Time(updated), db.Time(closed)
	return &c, nil
}

// Case returns a case with its timeline and files.
func (s *Store) Case(ctx context.Context, id string) (*aftersale.Case, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	c, err := scanCase(s.DB.QueryRow(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "case")
	}
	if c.Events, err = s.aftersaleEvents(ctx, "case_id", id); err != nil {
		return nil, err
	}
	if c.Files, err = s.aftersaleFiles(ctx, "case_id", id); err != nil {
		return nil, err
	}
	attach(c.Events, c.Files)
	return c, nil
}

// attach puts files on the events they came with.
func attach(evs []aftersale.Event, fs []aftersale.File) {
	for i := range evs {
		for _, f := range fs {
			if f.EventID == evs[i].ID {
				evs[i].Files = append(evs[i].Files, f)
			}
		}
	}
}

// CaseByIdem finds the case a buyer company created with an idempotency key.
func (s *Store) CaseByIdem(ctx context.Context, orgID, key string) (string, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM aftersale_cases WHERE buyer_org_id = ? AND idem_key = ?`, orgID, key).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: case by key: %w", err)
	}
	return id, nil
}

// filterWhere builds the WHERE clause of a company's list.
func filterWhere(alias string, f aftersale.Filter, open string) (string, []any) {
	var where []string
	var args []any
	if f.BuyerOrgID != "" {
		where, args = append(where, alias+".buyer_org_id = ?"), append(args, f.BuyerOrgID)
	}
	if f.SupplierID != "" {
		where, args = append(where, alias+".supplier_id = ?"), append(args, f.SupplierID)
	}
	if f.OrderID != "" {
		where, args = append(where, alias+".order_id = ?"), append(args, f.OrderID)
	}
	if f.OpenOnly {
		where = append(where, alias+".state IN ("+open+")")
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func limitOf(n int) int {
	if n <= 0 || n > 500 {
		return 200
	}
	return n
}

// Cases lists cases, open ones first, then newest first.
func (s *Store) Cases(ctx context.Context, f aftersale.Filter) ([]aftersale.Case, error) {
	where, args := filterWhere("c", f, `'requested', 'offered', 'agreed', 'returning', 'returned', 'in_dispute'`)
	rows, err := s.DB.Query(ctx, `SELECT `+caseCols+caseFrom+where+`
		ORDER BY CASE WHEN c.closed_at = 0 THEN 0 ELSE 1 END, c.created_at DESC, c.id DESC LIMIT `+fmt.Sprint(limitOf(f.Limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: cases: %w", err)
	}
	defer rows.Close()
	var out []aftersale.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// UpdateCase stores a case's mutable fields if it is still in from.
func (s *Store) UpdateCase(ctx context.Context, c *aftersale.Case, from aftersale.State) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE aftersale_cases SET state = ?, amount_fen = ?, offer_fen = ?, refunded_fen = ?, answer_by = ?, refuse_reason = ?,
		return_address = ?, return_carrier = ?, return_waybill = ?, reship_carrier = ?, reship_waybill = ?, dispute_id = ?, updated_at = ?, closed_at = ?
		WHERE id = ? AND state = ?`,
		string(c.State), int64(c.Amount), int64(c.Offer), int64(c.Refunded), db.Millis(c.AnswerBy), c.RefuseReason,
		c.ReturnAddress, c.ReturnCarrier, c.ReturnWaybill, c.ReshipCarrier, c.ReshipWaybill, nullID(c.DisputeID), db.Millis(c.UpdatedAt), db.Millis(c.ClosedAt),
		c.ID, string(from))
	if err != nil {
		return false, fmt.Errorf("store: update case: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LineClaims sums per line what the order's live cases claim.
func (s *Store) LineClaims(ctx context.Context, orderID string) (map[int]aftersale.LineClaim, error) {
	rows, err := s.DB.Query(ctx, `SELECT line_no, SUM(qty), SUM(CASE WHEN state = 'refunded' THEN refunded_fen ELSE amount_fen END)
		FROM aftersale_cases WHERE order_id = ? AND state NOT IN ('cancelled', 'refused')
		AND NOT (state = 'escalated' AND dispute_id IN (SELECT id FROM disputes WHERE state = 'withdrawn'))
		GROUP BY line_no`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: line claims: %w", err)
	}
	defer rows.Close()
	out := map[int]aftersale.LineClaim{}
	for rows.Next() {
		var no int
		var qty, amount int64
		if err := rows.Scan(&no, &qty, &amount); err != nil {
			return nil, err
		}
		out[no] = aftersale.LineClaim{Qty: qty, Amount: money.Fen(amount)}
	}
	return out, rows.Err()
}

// DueCases lists open cases (not in a dispute) past the deadline of their awaited step,
// the oldest first.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due cases", `SELECT id FROM aftersale_cases WHERE state IN ('requested', 'offered', 'agreed', 'returning', 'returned')
		AND answer_by > 0 AND answer_by < ?
		ORDER BY answer_by LIMIT `+fmt.Sprint(limitOf(limit)), db.Millis(now))
}

// InsertDispute writes a new dispute.
func (s *Store) InsertDispute(ctx context.Context, d *aftersale.Dispute) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO disputes (id, number, order_id, case_id, buyer_org_id, supplier_id, opened_by, opened_user, claim, amount_fen,
		state, answer_by, waiting_on, idem_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Number, d.OrderID, nullID(d.CaseID), d.BuyerOrgID, d.SupplierID, string(d.OpenedBy), d.OpenedUser, d.Claim, int64(d.Amount),
		string(d.State), db.Millis(d.AnswerBy), string(d.WaitingOn), d.IdemKey, db.Millis(d.CreatedAt), db.Millis(d.UpdatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "aftersale.err.changed")
	}
	if err != nil {
		return fmt.Errorf("store: insert dispute: %w", err)
	}
	return nil
}

const disputeCols = `d.id, d.number, d.order_id, o.number, COALESCE(CAST(d.case_id AS TEXT), ''), d.buyer_org_id, b.name, d.supplier_id, sp.name,
	d.opened_by, d.opened_user, d.claim, d.amount_fen, d.state, d.answer_by, d.waiting_on, d.proposal_fen, d.proposal_note, d.buyer_accepted,
	d.supplier_accepted, d.refund_fen, d.deduct_fen, d.decision, d.decided_by, d.idem_key, d.created_at, d.updated_at, d.closed_at`

const disputeFrom = ` FROM disputes d JOIN orders o ON o.id = d.order_id JOIN orgs b ON b.id = d.buyer_org_id JOIN orgs sp ON sp.id = d.supplier_id`

func scanDispute(sc interface{ Scan(...any) error }) (*aftersale.Dispute, error) {
	var d aftersale.Dispute
	var openedBy, state, waiting string
	var amount, answerBy, proposal, refund, deduct, created, updated, closed int64
	if err := sc.Scan(&d.ID, &d.Number, &d.OrderID, &d.OrderNumber, &d.CaseID, &d.BuyerOrgID, &d.BuyerName, &d.SupplierID, &d.SupplierName,
		&openedBy, &d.OpenedUser, &d.Claim, &amount, &state, &answerBy, &waiting, &proposal, &d.ProposalNote, &d.BuyerAccepted,
		&d.SupplierAccepted, &refund, &deduct, &d.Decision, &d.DecidedBy, &d.IdemKey, &created, &updated, &closed); err != nil {
		return nil, err
	}
	d.OpenedBy, d.State, d.WaitingOn = aftersale.Side(openedBy), aftersale.DisputeState(state), aftersale.Side(waiting)
	d.Amount, d.Proposal, d.Refund, d.Deduct = money.Fen(amount), money.Fen(proposal), money.Fen(refund), money.Fen(deduct)
	d.AnswerBy, d.CreatedAt, d.UpdatedAt, d.ClosedAt = db.Time(answerBy), db.Time(created), db.Time(updated), db.Time(closed)
	return &d, nil
}

// Dispute returns a dispute with its timeline and files.
func (s *Store) Dispute(ctx context.Context, id string) (*aftersale.Dispute, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	d, err := scanDispute(s.DB.QueryRow(ctx, `SELECT `+disputeCols+disputeFrom+` WHERE d.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "dispute")
	}
	if d.Events, err = s.aftersaleEvents(ctx, "dispute_id", id); err != nil {
		return nil, err
	}
	if d.Files, err = s.aftersaleFiles(ctx, "dispute_id", id); err != nil {
		return nil, err
	}
	attach(d.Events, d.Files)
	return d, nil
}

// DisputeByIdem finds the dispute a member opened with an idempotency key.
func (s *Store) DisputeByIdem(ctx context.Context, userID, key string) (string, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM disputes WHERE opened_user = ? AND idem_key = ?`, userID, key).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: dispute by key: %w", err)
	}
	return id, nil
}

// Disputes lists disputes: open ones first, the earliest deadline (most overdue) first,
// then closed ones newest first.
func (s *Store) Disputes(ctx context.Context, f aftersale.Filter) ([]aftersale.Dispute, error) {
	where, args := filterWhere("d", f, `'open', 'mediating', 'proposed'`)
	rows, err := s.DB.Query(ctx, `SELECT `+disputeCols+disputeFrom+where+`
		ORDER BY CASE WHEN d.closed_at = 0 THEN 0 ELSE 1 END, CASE WHEN d.closed_at = 0 THEN d.answer_by ELSE -d.closed_at END, d.id LIMIT `+fmt.Sprint(limitOf(f.Limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: disputes: %w", err)
	}
	defer rows.Close()
	var out []aftersale.Dispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// UpdateDispute stores a dispute's mutable fields if it is still in from.
func (s *Store) UpdateDispute(ctx context.Context, d *aftersale.Dispute, from aftersale.DisputeState) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE disputes SET state = ?, answer_by = ?, waiting_on = ?, proposal_fen = ?, proposal_note = ?, buyer_accepted = ?,
		supplier_accepted = ?, refund_fen = ?, deduct_fen = ?, decision = ?, decided_by = ?, updated_at = ?, closed_at = ? WHERE id = ? AND state = ?`,
		string(d.State), db.Millis(d.AnswerBy), string(d.WaitingOn), int64(d.Proposal), d.ProposalNote, d.BuyerAccepted,
		d.SupplierAccepted, int64(d.Refund), int64(d.Deduct), d.Decision, d.DecidedBy, db.Millis(d.UpdatedAt), db.Millis(d.ClosedAt), d.ID, string(from))
	if err != nil {
		return false, fmt.Errorf("store: update dispute: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// OpenDisputeOf returns the order's open dispute, "" when none.
func (s *Store) OpenDisputeOf(ctx context.Context, orderID string) (string, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM disputes WHERE order_id = ? AND state IN ('open', 'mediating', 'proposed') ORDER BY created_at LIMIT 1`, orderID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: open dispute: %w", err)
	}
	return id, nil
}

// AddAftersaleEvent appends a step to a case's or dispute's timeline.
func (s *Store) AddAftersaleEvent(ctx context.Context, e *aftersale.Event) (int64, error) {
	err := s.DB.QueryRow(ctx, `INSERT INTO aftersale_events (case_id, dispute_id, action, from_state, to_state, side, actor_id, actor_name, note, amount_fen, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(e.CaseID), nullID(e.DisputeID), e.Action, e.From, e.To, string(e.Side), e.ActorID, e.ActorName, e.Note, int64(e.Amount), db.Millis(e.At)).Scan(&e.ID)
	if err != nil {
		return 0, fmt.Errorf("store: aftersale event: %w", err)
	}
	return e.ID, nil
}

func (s *Store) aftersaleEvents(ctx context.Context, col, id string) ([]aftersale.Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, COALESCE(CAST(case_id AS TEXT), ''), COALESCE(CAST(dispute_id AS TEXT), ''), action, from_state, to_state, side,
		actor_id, actor_name, note, amount_fen, created_at FROM aftersale_events WHERE `+col+` = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: aftersale events: %w", err)
	}
	defer rows.Close()
	var out []aftersale.Event
	for rows.Next() {
		var e aftersale.Event
		var side string
		var amount, at int64
		if err := rows.Scan(&e.ID, &e.CaseID, &e.DisputeID, &e.Action, &e.From, &e.To, &side, &e.ActorID, &e.ActorName, &e.Note, &amount, &at); err != nil {
			return nil, err
		}
		e.Side, e.Amount, e.At = aftersale.Side(side), money.Fen(amount), db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddAftersaleFiles links uploaded files to a case or dispute.
func (s *Store) AddAftersaleFiles(ctx context.Context, fs []aftersale.File) error {
	for _, f := range fs {
		if _, err := s.DB.Exec(ctx, `INSERT INTO aftersale_files (blob_id, case_id, dispute_id, event_id, side, name, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			f.BlobID, nullID(f.CaseID), nullID(f.DisputeID), f.EventID, string(f.Side), f.Name, f.Size, db.Millis(f.At)); err != nil {
			return fmt.Errorf("store: aftersale file: %w", err)
		}
	}
	return nil
}

func (s *Store) aftersaleFiles(ctx context.Context, col, id string) ([]aftersale.File, error) {
	rows, err := s.DB.Query(ctx, `SELECT blob_id, COALESCE(CAST(case_id AS TEXT), ''), COALESCE(CAST(dispute_id AS TEXT), ''), event_id, side, name, size, created_at
		FROM aftersale_files WHERE `+col+` = ? ORDER BY created_at, blob_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: aftersale files: %w", err)
	}
	defer rows.Close()
	var out []aftersale.File
	for rows.Next() {
		var f aftersale.File
		var side string
		var at int64
		if err := rows.Scan(&f.BlobID, &f.CaseID, &f.DisputeID, &f.EventID, &side, &f.Name, &f.Size, &at); err != nil {
			return nil, err
		}
		f.Side, f.At = aftersale.Side(side), db.Time(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// AddOrderHolds adds delta to an order's holds; the column's CHECK keeps it at zero or more.
func (s *Store) AddOrderHolds(ctx context.Context, orderID string, delta int) error {
	if _, err := s.DB.Exec(ctx, `UPDATE orders SET holds = holds + ? WHERE id = ?`, delta, orderID); err != nil {
		return fmt.Errorf("store: order holds: %w", err)
	}
	return nil
}

// AftersaleHolds reads an order's holds.
func (s *Store) AftersaleHolds(ctx context.Context, orderID string) (int64, error) {
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT holds FROM orders WHERE id = ?`, orderID).Scan(&n); err != nil {
		return 0, notFound(err, "err.not_found", "order holds")
	}
	return n, nil
}

// InsertAftersaleRefund records a refund; a second for the same case or dispute is a Conflict.
func (s *Store) InsertAftersaleRefund(ctx context.Context, r *aftersale.Refund) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO aftersale_refunds (id, order_id, case_id, dispute_id, payment_id, buyer_org_id, supplier_id, amount_fen, provider,
		decided_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrderID, nullID(r.CaseID), nullID(r.DisputeID), r.PaymentID, r.BuyerOrgID, r.SupplierID, int64(r.Amount), r.Provider, r.DecidedBy, db.Millis(r.CreatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "aftersale.err.refunded_already")
	}
	if err != nil {
		return fmt.Errorf("store: insert aftersale refund: %w", err)
	}
	return nil
}

// SetAftersaleRefundRef stores the provider's reference and the ledger transaction of a refund.
func (s *Store) SetAftersaleRefundRef(ctx context.Context, id, providerRef, ledgerTx string) error {
	if _, err := s.DB.Exec(ctx, `UPDATE aftersale_refunds SET provider_ref = ?, ledger_tx = ? WHERE id = ?`, providerRef, ledgerTx, id); err != nil {
		return fmt.Errorf("store: aftersale refund ref: %w", err)
	}
	return nil
}

// AftersaleRefunds lists refunds newest first.
func (s *Store) AftersaleRefunds(ctx context.Context, f aftersale.Filter) ([]aftersale.Refund, error) {
	f.OpenOnly = false
	where, args := filterWhere("r", f, "")
	rows, err := s.DB.Query(ctx, `SELECT r.id, r.order_id, o.number, COALESCE(CAST(r.case_id AS TEXT), ''), COALESCE(CAST(r.dispute_id AS TEXT), ''), r.payment_id,
		r.buyer_org_id, b.name, r.supplier_id, r.amount_fen, r.provider, r.provider_ref, r.ledger_tx, r.decided_by, r.created_at
		FROM aftersale_refunds r JOIN orders o ON o.id = r.order_id JOIN orgs b ON b.id = r.buyer_org_id`+where+`
		ORDER BY r.created_at DESC, r.id DESC LIMIT `+fmt.Sprint(limitOf(f.Limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: aftersale refunds: %w", err)
	}
	defer rows.Close()
	var out []aftersale.Refund
	for rows.Next() {
		var r aftersale.Refund
		var amount, at int64
		if err := rows.Scan(&r.ID, &r.OrderID, &r.OrderNumber, &r.CaseID, &r.DisputeID, &r.PaymentID, &r.BuyerOrgID, &r.BuyerName, &r.SupplierID,
			&amount, &r.Provider, &r.ProviderRef, &r.LedgerTx, &r.DecidedBy, &at); err != nil {
			return nil, err
		}
		r.Amount, r.CreatedAt = money.Fen(amount), db.Time(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// AftersaleRefunded sums an order's after-sales and dispute refunds.
func (s *Store) AftersaleRefunded(ctx context.Context, orderID string) (money.Fen, error) {
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM aftersale_refunds WHERE order_id = ?`, orderID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: refunded: %w", err)
	}
	return money.Fen(n), nil
}
