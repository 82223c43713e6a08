package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/rfq"
)

// NextRFQNumber reserves the next number of a day's request sequence.
func (s *Store) NextRFQNumber(ctx context.Context, day string) (int64, error) {
	if _, err := s.DB.Exec(ctx, `INSERT INTO rfq_seq (day, last) VALUES (?, 0) ON CONFLICT (day) DO NOTHING`, day); err != nil {
		return 0, fmt.Errorf("store: rfq seq: %w", err)
	}
	if _, err := s.DB.Exec(ctx, `UPDATE rfq_seq SET last = last + 1 WHERE day = ?`, day); err != nil {
		return 0, fmt.Errorf("store: rfq seq: %w", err)
	}
	var last int64
	if err := s.DB.QueryRow(ctx, `SELECT last FROM rfq_seq WHERE day = ?`, day).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: rfq seq: %w", err)
	}
	return last, nil
}

// RFQByToken finds the request a member created with token.
func (s *Store) RFQByToken(ctx context.Context, orgID, userID, token string) (string, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM rfqs WHERE buyer_org_id = ? AND buyer_user_id = ? AND token = ?`, orgID, userID, token).Scan(&id)
	if err != nil {
		if e := notFound(err, "err.not_found", "rfq by token"); errs.Is(e, errs.NotFound) {
			return "", nil
		} else {
			return "", e
		}
	}
	return id, nil
}

// InsertRFQ writes a request with its lines, files and invites.
func (s *Store) InsertRFQ(ctx context.Context, r *rfq.Request, token string) error {
	a := r.Address
	_, err := s.DB.Exec(ctx, `INSERT INTO rfqs (id, number, buyer_org_id, buyer_user_id, token, title, description, category_id, open_to_all, state, need_by, deadline,
		target_fen, consignee, mobile, division_code, division_name, street, postcode, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.Number, r.BuyerOrgID, r.BuyerUserID, token, r.Title, r.Description, r.CategoryID, r.OpenToAll, string(r.State), db.Millis(r.NeedBy), db.Millis(r.Deadline),
		int64(r.Target), a.Consignee, a.Mobile, a.DivisionCode, a.DivisionName, a.Street, a.Postcode, db.Millis(r.CreatedAt), db.Millis(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert rfq: %w", err)
	}
	for _, l := range r.Lines {
		if _, err := s.DB.Exec(ctx, `INSERT INTO rfq_lines (rfq_id, line_no, description, spec, qty, unit) VALUES (?, ?, ?, ?, ?, ?)`,
			r.ID, l.No, l.Description, l.Spec, l.Qty, l.Unit); err != nil {
			return fmt.Errorf("store: insert rfq line: %w", err)
		}
	}
	for _, sp := range r.Invited {
		if _, err := s.DB.Exec(ctx, `INSERT INTO rfq_invites (rfq_id, supplier_id) VALUES (?, ?)`, r.ID, sp.ID); err != nil {
			return fmt.Errorf("store: insert rfq invite: %w", err)
		}
	}
	return s.AddRFQFiles(ctx, r.ID, r.Files)
}

// AddRFQFiles records files of a request or a quote.
func (s *Store) AddRFQFiles(ctx context.Context, rfqID string, files []rfq.File) error {
	for _, f := range files {
		if _, err := s.DB.Exec(ctx, `INSERT INTO rfq_files (rfq_id, quote_id, blob_id, name, size) VALUES (?, ?, ?, ?, ?)`,
			rfqID, f.QuoteID, f.BlobID, f.Name, f.Size); err != nil {
			return fmt.Errorf("store: insert rfq file: %w", err)
		}
	}
	return nil
}

// SetRFQState moves a request between states if it is still in from.
func (s *Store) SetRFQState(ctx context.Context, id string, from, to rfq.State, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE rfqs SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, string(to), db.Millis(at), id, string(from))
	if err != nil {
		return false, fmt.Errorf("store: rfq state: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AwardRFQ marks a request awarded.
func (s *Store) AwardRFQ(ctx context.Context, id string, from rfq.State, quoteID, orderID string, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE rfqs SET state = 'awarded', quote_id = ?, order_id = ?, updated_at = ? WHERE id = ? AND state = ?`,
		quoteID, orderID, db.Millis(at), id, string(from))
	if err != nil {
		return false, fmt.Errorf("store: award rfq: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const rfqCols = `r.id, r.number, r.buyer_org_id, o.name, r.buyer_user_id, r.title, r.description, r.category_id, c.name_zh || ' / ' || c.name_en, r.open_to_all, r.state,
	r.need_by, r.deadline, r.target_fen, r.consignee, r.mobile, r.division_code, r.division_name, r.street, r.postcode, r.quote_id, r.order_id, r.created_at, r.updated_at,
	(SELECT COUNT(*) FROM rfq_quotes q WHERE q.rfq_id = r.id AND q.state <> 'withdrawn')`

const rfqFrom = ` FROM rfqs r JOIN orgs o ON o.id = r.buyer_org_id JOIN categories c ON c.id = r.category_id`

func scanRFQ(row interface{ Scan(...any) error }) (*rfq.Request, error) {
	var r rfq.Request
	var state string
	var needBy, deadline, target, created, updated int64
	a := &r.Address
	err := row.Scan(&r.ID, &r.Number, &r.BuyerOrgID, &r.BuyerName, &r.BuyerUserID, &r.Title, &r.Description, &r.CategoryID, &r.CategoryName, &r.OpenToAll, &state,
		&needBy, &deadline, &target, &a.Consignee, &a.Mobile, &a.DivisionCode, &a.DivisionName, &a.Street, &a.Postcode, &r.QuoteID, &r.OrderID, &created, &updated, &r.QuoteCount)
	if err != nil {
		return nil, err
	}
	r.State, r.NeedBy, r.Deadline, r.Target, r.CreatedAt, r.UpdatedAt = rfq.State(state), db.Time(needBy), db.Time(deadline), money.Fen(target), db.Time(created), db.Time(updated)
	return &r, nil
}

// RFQ returns a request with its lines, files and invites.
func (s *Store) RFQ(ctx context.Context, id string) (*rfq.Request, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	r, err := scanRFQ(s.DB.QueryRow(ctx, `SELECT `+rfqCols+rfqFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "rfq")
	}
	rows, err := s.DB.Query(ctx, `SELECT line_no, description, spec, qty, unit FROM rfq_lines WHERE rfq_id = ? ORDER BY line_no`, id)
	if err != nil {
		return nil, fmt.Errorf("store: rfq lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l rfq.Line
		if err := rows.Scan(&l.No, &l.Description, &l.Spec, &l.Qty, &l.Unit); err != nil {
			return nil, err
		}
		r.Lines = append(r.Lines, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	frows, err := s.DB.Query(ctx, `SELECT CAST(blob_id AS TEXT), quote_id, name, size FROM rfq_files WHERE rfq_id = ? ORDER BY quote_id, name`, id)
	if err != nil {
		return nil, fmt.Errorf("store: rfq files: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var f rfq.File
		if err := frows.Scan(&f.BlobID, &f.QuoteID, &f.Name, &f.Size); err != nil {
			return nil, err
		}
		r.Files = append(r.Files, f)
	}
	if err := frows.Err(); err != nil {
		return nil, err
	}
	irows, err := s.DB.Query(ctx, `SELECT o.id, o.name FROM rfq_invites i JOIN orgs o ON o.id = i.supplier_id WHERE i.rfq_id = ? ORDER BY o.name`, id)
	if err != nil {
		return nil, fmt.Errorf("store: rfq invites: %w", err)
	}
	defer irows.Close()
	for irows.Next() {
		var sp rfq.Supplier
		if err := irows.Scan(&sp.ID, &sp.Name); err != nil {
			return nil, err
		}
		r.Invited = append(r.Invited, sp)
	}
	return r, irows.Err()
}

// supplierSees is the condition under which supplier ? may see request r: invited, or
// the request is open and the supplier has a product in its category or below, or it
// has quoted.
const supplierSees = `(EXISTS (SELECT 1 FROM rfq_invites i WHERE i.rfq_id = r.id AND i.supplier_id = ?)
	OR (r.open_to_all = TRUE AND EXISTS (SELECT 1 FROM products p JOIN categories pc ON pc.id = p.category_id
		WHERE p.supplier_id = ? AND substr(pc.path, 1, length(c.path)) = c.path))
	OR EXISTS (SELECT 1 FROM rfq_quotes q WHERE q.rfq_id = r.id AND q.supplier_id = ?))`

// RFQs lists requests newest first.
func (s *Store) RFQs(ctx context.Context, f rfq.Filter) ([]rfq.Request, error) {
	var where []string
	var args []any
	if f.BuyerOrgID != "" {
		where = append(where, "r.buyer_org_id = ?")
		args = append(args, f.BuyerOrgID)
	}
	if f.SupplierID != "" {
		where = append(where, "r.state <> 'draft'", supplierSees)
		args = append(args, f.SupplierID, f.SupplierID, f.SupplierID)
	}
	if f.State != "" {
		where = append(where, "r.state = ?")
		args = append(args, string(f.State))
	}
	q := `SELECT ` + rfqCols + rfqFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	q += ` ORDER BY r.created_at DESC, r.id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: rfqs: %w", err)
	}
	defer rows.Close()
	var out []rfq.Request
	for rows.Next() {
		r, err := scanRFQ(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// SupplierSees reports whether a supplier may see a request.
func (s *Store) SupplierSees(ctx context.Context, rfqID, supplierID string) (bool, error) {
	if !db.ValidID(rfqID) || !db.ValidID(supplierID) {
		return false, nil
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM rfqs r JOIN categories c ON c.id = r.category_id WHERE r.id = ? AND `+supplierSees,
		rfqID, supplierID, supplierID, supplierID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: rfq visibility: %w", err)
	}
	return n > 0, nil
}

// RFQSuppliers finds active suppliers by exact name.
func (s *Store) RFQSuppliers(ctx context.Context, names []string) (map[string]rfq.Supplier, error) {
	out := map[string]rfq.Supplier{}
	if len(names) == 0 {
		return out, nil
	}
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	rows, err := s.DB.Query(ctx, `SELECT id, name FROM orgs WHERE kind = 'supplier' AND status = 'active' AND name IN (`+db.Placeholders(len(names))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: rfq suppliers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sp rfq.Supplier
		if err := rows.Scan(&sp.ID, &sp.Name); err != nil {
			return nil, err
		}
		out[sp.Name] = sp
	}
	return out, rows.Err()
}

// RFQCategory returns an active category's names.
func (s *Store) RFQCategory(ctx context.Context, id string) (string, string, error) {
	var zh, en string
	err := s.DB.QueryRow(ctx, `SELECT name_zh, name_en FROM categories WHERE id = ? AND status = 'active'`, id).Scan(&zh, &en)
	if err != nil {
		return "", "", notFound(err, "err.not_found", "rfq category")
	}
	return zh, en, nil
}

const quoteCols = `q.id, q.rfq_id, q.supplier_id, o.name, q.version, q.state, q.lines, q.tax_included, q.tax_rate, q.total_fen, q.lead_days, q.valid_until,
	q.payment_terms, q.delivery_terms, q.notes, q.created_by, q.created_at, q.updated_at`

const quoteFrom = ` FROM rfq_quotes q JOIN orgs o ON o.id = q.supplier_id`

func scanQuote(row interface{ Scan(...any) error }) (*rfq.Quote, error) {
	var q rfq.Quote
	var state, lines string
	var rate, total, lead, valid, created, updated int64
	err := row.Scan(&q.ID, &q.RFQID, &q.Supplier.ID, &q.Supplier.Name, &q.Version, &state, &lines, &q.TaxIncluded, &rate, &total, &lead, &valid,
		&q.PaymentTerms, &q.DeliveryTerms, &q.Notes, &q.CreatedBy, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := fromJSON(lines, &q.Lines); err != nil {
		return nil, err
	}
	q.State, q.TaxRate, q.Total, q.LeadDays = rfq.QuoteState(state), money.Rate(rate), money.Fen(total), int(lead)
	q.ValidUntil, q.CreatedAt, q.UpdatedAt = db.Time(valid), db.Time(created), db.Time(updated)
	return &q, nil
}

func (s *Store) quoteExtras(ctx context.Context, q *rfq.Quote) error {
	rows, err := s.DB.Query(ctx, `SELECT version, data, created_at FROM rfq_quote_versions WHERE quote_id = ? ORDER BY version DESC`, q.ID)
	if err != nil {
		return fmt.Errorf("store: quote versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v rfq.Version
		var data string
		var at int64
		if err := rows.Scan(&v.Version, &data, &at); err != nil {
			return err
		}
		if err := fromJSON(data, &v); err != nil {
			return err
		}
		v.CreatedAt = db.Time(at)
		q.Versions = append(q.Versions, v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	frows, err := s.DB.Query(ctx, `SELECT CAST(blob_id AS TEXT), quote_id, name, size FROM rfq_files WHERE quote_id = ? ORDER BY name`, q.ID)
	if err != nil {
		return fmt.Errorf("store: quote files: %w", err)
	}
	defer frows.Close()
	for frows.Next() {
		var f rfq.File
		if err := frows.Scan(&f.BlobID, &f.QuoteID, &f.Name, &f.Size); err != nil {
			return err
		}
		q.Files = append(q.Files, f)
	}
	return frows.Err()
}

// QuoteBySupplier returns a supplier's quote on a request.
func (s *Store) QuoteBySupplier(ctx context.Context, rfqID, supplierID string) (*rfq.Quote, error) {
	q, err := scanQuote(s.DB.QueryRow(ctx, `SELECT `+quoteCols+quoteFrom+` WHERE q.rfq_id = ? AND q.supplier_id = ?`, rfqID, supplierID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "quote")
	}
	return q, s.quoteExtras(ctx, q)
}

// Quote returns a quote by ID.
func (s *Store) Quote(ctx context.Context, id string) (*rfq.Quote, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	q, err := scanQuote(s.DB.QueryRow(ctx, `SELECT `+quoteCols+quoteFrom+` WHERE q.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "quote")
	}
	return q, s.quoteExtras(ctx, q)
}

// Quotes returns a request's quotes, cheapest first.
func (s *Store) Quotes(ctx context.Context, rfqID string) ([]rfq.Quote, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+quoteCols+quoteFrom+` WHERE q.rfq_id = ? ORDER BY q.total_fen, q.id`, rfqID)
	if err != nil {
		return nil, fmt.Errorf("store: quotes: %w", err)
	}
	var out []rfq.Quote
	for rows.Next() {
		q, err := scanQuote(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.quoteExtras(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SaveQuote inserts a first quote or updates the stored one to the next version, and
// keeps the version.
func (s *Store) SaveQuote(ctx context.Context, q *rfq.Quote) (bool, error) {
	if q.Version == 1 {
		_, err := s.DB.Exec(ctx, `INSERT INTO rfq_quotes (id, rfq_id, supplier_id, version, state, lines, tax_included, tax_rate, total_fen, lead_days, valid_until,
			payment_terms, delivery_terms, notes, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (rfq_id, supplier_id) DO NOTHING`,
			q.ID, q.RFQID, q.Supplier.ID, q.Version, string(q.State), jsonText(q.Lines), q.TaxIncluded, int64(q.TaxRate), int64(q.Total), q.LeadDays, db.Millis(q.ValidUntil),
			q.PaymentTerms, q.DeliveryTerms, q.Notes, q.CreatedBy, db.Millis(q.CreatedAt), db.Millis(q.UpdatedAt))
		if err != nil {
			return false, fmt.Errorf("store: insert quote: %w", err)
		}
		var id string
		if err := s.DB.QueryRow(ctx, `SELECT id FROM rfq_quotes WHERE rfq_id = ? AND supplier_id = ?`, q.RFQID, q.Supplier.ID).Scan(&id); err != nil {
			return false, fmt.Errorf("store: insert quote: %w", err)
		}
		if id != q.ID {
			return false, nil
		}
	} else {
		res, err := s.DB.Exec(ctx, `UPDATE rfq_quotes SET version = ?, state = ?, lines = ?, tax_included = ?, tax_rate = ?, total_fen = ?, lead_days = ?, valid_until = ?,
			payment_terms = ?, delivery_terms = ?, notes = ?, created_by = ?, updated_at = ? WHERE id = ? AND version = ? AND state IN ('submitted', 'withdrawn')`,
			q.Version, string(q.State), jsonText(q.Lines), q.TaxIncluded, int64(q.TaxRate), int64(q.Total), q.LeadDays, db.Millis(q.ValidUntil),
			q.PaymentTerms, q.DeliveryTerms, q.Notes, q.CreatedBy, db.Millis(q.UpdatedAt), q.ID, q.Version-1)
		if err != nil {
			return false, fmt.Errorf("store: update quote: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return false, nil
		}
	}
	v := rfq.Version{Version: q.Version, Total: q.Total, LeadDays: q.LeadDays, Lines: q.Lines}
	if _, err := s.DB.Exec(ctx, `INSERT INTO rfq_quote_versions (quote_id, version, data, created_at) VALUES (?, ?, ?, ?)`,
		q.ID, q.Version, jsonText(v), db.Millis(q.UpdatedAt)); err != nil {
		return false, fmt.Errorf("store: quote version: %w", err)
	}
	return true, nil
}

// SetQuoteState moves a quote between states if it is still in from.
func (s *Store) SetQuoteState(ctx context.Context, id string, from, to rfq.QuoteState, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE rfq_quotes SET state = ?, updated_at = ? WHERE id = ? AND state = ?`, string(to), db.Millis(at), id, string(from))
	if err != nil {
		return false, fmt.Errorf("store: quote state: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RejectOtherQuotes marks a request's other submitted quotes not chosen.
func (s *Store) RejectOtherQuotes(ctx context.Context, rfqID, quoteID string, at time.Time) ([]string, error) {
	out, err := s.strings(ctx, "other quotes", `SELECT CAST(supplier_id AS TEXT) FROM rfq_quotes WHERE rfq_id = ? AND state = 'submitted' AND CAST(id AS TEXT) <> ? ORDER BY supplier_id`, rfqID, quoteID)
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.Exec(ctx, `UPDATE rfq_quotes SET state = 'not_chosen', updated_at = ? WHERE rfq_id = ? AND state = 'submitted' AND CAST(id AS TEXT) <> ?`,
		db.Millis(at), rfqID, quoteID); err != nil {
		return nil, fmt.Errorf("store: other quotes: %w", err)
	}
	return out, nil
}

// AddRFQMessage records a message in a thread.
func (s *Store) AddRFQMessage(ctx context.Context, rfqID string, m *rfq.Message) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO rfq_messages (rfq_id, supplier_id, author_org_id, author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		rfqID, m.SupplierID, m.AuthorOrgID, m.AuthorName, m.Body, db.Millis(m.At))
	if err != nil {
		return fmt.Errorf("store: rfq message: %w", err)
	}
	return nil
}

// RFQMessages returns a request's messages, one supplier's thread or ("") all threads.
func (s *Store) RFQMessages(ctx context.Context, rfqID, supplierID string) ([]rfq.Message, error) {
	q := `SELECT id, CAST(supplier_id AS TEXT), CAST(author_org_id AS TEXT), author_name, body, created_at FROM rfq_messages WHERE rfq_id = ?`
	args := []any{rfqID}
	if supplierID != "" {
		q += ` AND supplier_id = ?`
		args = append(args, supplierID)
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: rfq messages: %w", err)
	}
	defer rows.Close()
	var out []rfq.Message
	for rows.Next() {
		var m rfq.Message
		var at int64
		if err := rows.Scan(&m.ID, &m.SupplierID, &m.AuthorOrgID, &m.AuthorName, &m.Body, &at); err != nil {
			return nil, err
		}
		m.At = db.Time(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// DueRFQs returns published requests whose deadline passed.
func (s *Store) DueRFQs(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due rfqs", `SELECT id FROM rfqs WHERE state = 'published' AND deadline <= ? ORDER BY deadline LIMIT ?`, db.Millis(now), limit)
}

// ExpireQuotes marks submitted quotes past their validity expired.
func (s *Store) ExpireQuotes(ctx context.Context, now time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `UPDATE rfq_quotes SET state = 'expired', updated_at = ? WHERE state = 'submitted' AND valid_until <= ?`, db.Millis(now), db.Millis(now))
	if err != nil {
		return 0, fmt.Errorf("store: expire quotes: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
