package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/money"
)

var _ invoice.Store = (*Store)(nil)

// InvoiceInsert stores a new invoice; a second live blue invoice for an order (or a
// second red one for the same refund) is a Conflict.
func (s *Store) InvoiceInsert(ctx context.Context, inv *invoice.Invoice) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO invoices (id, number, order_id, order_number, buyer_org_id, supplier_id, supplier_name, color, kind, state, original_id,
		title, tax_id, address_phone, bank_account, email, amount_fen, excl_fen, tax_fen, lines, refund_fen, refund_ref, red_pending, reversed_fen, red_mode,
		invoice_code, invoice_no, issued_on, issued_at, issued_by, reason, requested_by, idem_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.Number, inv.OrderID, inv.OrderNumber, inv.BuyerOrgID, inv.SupplierID, inv.SupplierName, string(inv.Color), string(inv.Kind), string(inv.State), nullID(inv.OriginalID),
		inv.Title, inv.TaxID, inv.AddressPhone, inv.BankAccount, inv.Email, int64(inv.Amount), int64(inv.Excl), int64(inv.Tax), jsonText(inv.Lines),
		int64(inv.RefundAmount), inv.RefundRef, inv.RedPending, int64(inv.Reversed), inv.RedMode,
		inv.Code, inv.No, inv.IssuedOn, db.Millis(inv.IssuedAt), inv.IssuedBy, inv.Reason, inv.CreatedBy, inv.IdemKey, db.Millis(inv.CreatedAt), db.Millis(inv.UpdatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "invoice.err.exists")
	}
	if err != nil {
		return fmt.Errorf("store: insert invoice: %w", err)
	}
	return nil
}

const invoiceCols = `SELECT id, number, order_id, order_number, buyer_org_id, supplier_id, supplier_name, color, kind, state, COALESCE(CAST(original_id AS TEXT), ''),
	title, tax_id, address_phone, bank_account, email, amount_fen, excl_fen, tax_fen, lines, refund_fen, refund_ref, red_pending, reversed_fen, red_mode,
	invoice_code, invoice_no, issued_on, issued_at, issued_by, reason, requested_by, idem_key, created_at, updated_at FROM invoices`

type rowScanner interface{ Scan(dest ...any) error }

func scanInvoice(r rowScanner) (*invoice.Invoice, error) {
	var inv invoice.Invoice
	var color, kind, state, lines string
	var amount, excl, tax, refund, reversed, issued, created, updated int64
	err := r.Scan(&inv.ID, &inv.Number, &inv.OrderID, &inv.OrderNumber, &inv.BuyerOrgID, &inv.SupplierID, &inv.SupplierName, &color, &kind, &state, &inv.OriginalID,
		&inv.Title, &inv.TaxID, &inv.AddressPhone, &inv.BankAccount, &inv.Email, &amount, &excl, &tax, &lines, &refund, &inv.RefundRef, &inv.RedPending, &reversed, &inv.RedMode,
		&inv.Code, &inv.No, &inv.IssuedOn, &issued, &inv.IssuedBy, &inv.Reason, &inv.CreatedBy, &inv.IdemKey, &created, &updated)
	if err != nil {
		return nil, err
	}
	inv.Color, inv.Kind, inv.State = invoice.Color(color), invoice.Kind(kind), invoice.State(state)
	inv.Amount, inv.Excl, inv.Tax, inv.RefundAmount, inv.Reversed = money.Fen(amount), money.Fen(excl), money.Fen(tax), money.Fen(refund), money.Fen(reversed)
	inv.IssuedAt, inv.CreatedAt, inv.UpdatedAt = db.Time(issued), db.Time(created), db.Time(updated)
	if err := fromJSON(lines, &inv.Lines); err != nil {
		return nil, fmt.Errorf("store: invoice lines: %w", err)
	}
	return &inv, nil
}

// Invoice returns an invoice with its files.
func (s *Store) Invoice(ctx context.Context, id string) (*invoice.Invoice, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	inv, err := scanInvoice(s.DB.QueryRow(ctx, invoiceCols+` WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "invoice")
	}
	rows, err := s.DB.Query(ctx, `SELECT CAST(blob_id AS TEXT), kind, name, created_at FROM invoice_files WHERE invoice_id = ? ORDER BY created_at, blob_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: invoice files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f invoice.File
		var at int64
		if err := rows.Scan(&f.BlobID, &f.Kind, &f.Name, &at); err != nil {
			return nil, err
		}
		f.CreatedAt = db.Time(at)
		inv.Files = append(inv.Files, f)
	}
	return inv, rows.Err()
}

// InvoiceByIdem returns the invoice a buyer company requested with an idempotency key.
func (s *Store) InvoiceByIdem(ctx context.Context, orgID, key string) (*invoice.Invoice, error) {
	var id string
	err := s.DB.QueryRow(ctx, `SELECT id FROM invoices WHERE buyer_org_id = ? AND idem_key = ?`, orgID, key).Scan(&id)
	if err != nil {
		return nil, notFound(err, "err.not_found", "invoice by key")
	}
	return s.Invoice(ctx, id)
}

// Invoices lists invoices (without files), newest first.
func (s *Store) Invoices(ctx context.Context, f invoice.Filter) ([]invoice.Invoice, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.BuyerOrgID != "" {
		add("buyer_org_id = ?", f.BuyerOrgID)
	}
	if f.SupplierID != "" {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.OrderID != "" {
		if !db.ValidID(f.OrderID) {
			return nil, nil
		}
		add("order_id = ?", f.OrderID)
	}
	if f.State != "" {
		add("state = ?", string(f.State))
	}
	if f.Color != "" {
		add("color = ?", string(f.Color))
	}
	if f.RedPending {
		where = append(where, "red_pending")
	}
	if !f.Before.IsZero() {
		add("created_at < ?", db.Millis(f.Before))
	}
	q := invoiceCols
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created_at DESC, id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: invoices: %w", err)
	}
	defer rows.Close()
	var out []invoice.Invoice
	for rows.Next() {
		inv, err := scanInvoice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *inv)
	}
	return out, rows.Err()
}

// InvoiceUpdate writes an invoice's mutable fields if it is still in from.
func (s *Store) InvoiceUpdate(ctx context.Context, inv *invoice.Invoice, from invoice.State) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE invoices SET state = ?, amount_fen = ?, excl_fen = ?, tax_fen = ?, lines = ?, red_pending = ?, reversed_fen = ?, red_mode = ?,
		invoice_code = ?, invoice_no = ?, issued_on = ?, issued_at = ?, issued_by = ?, reason = ?, updated_at = ? WHERE id = ? AND state = ?`,
		string(inv.State), int64(inv.Amount), int64(inv.Excl), int64(inv.Tax), jsonText(inv.Lines), inv.RedPending, int64(inv.Reversed), inv.RedMode,
		inv.Code, inv.No, inv.IssuedOn, db.Millis(inv.IssuedAt), inv.IssuedBy, inv.Reason, db.Millis(inv.UpdatedAt), inv.ID, string(from))
	if db.IsUniqueViolation(err) {
		return false, errs.Field("number", "invoice.err.number_taken")
	}
	if err != nil {
		return false, fmt.Errorf("store: update invoice: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InvoiceAddFile attaches a stored blob to an invoice.
func (s *Store) InvoiceAddFile(ctx context.Context, invoiceID string, f invoice.File) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO invoice_files (invoice_id, blob_id, kind, name, created_at) VALUES (?, ?, ?, ?, ?)`,
		invoiceID, f.BlobID, f.Kind, f.Name, db.Millis(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: invoice file: %w", err)
	}
	return nil
}

// InvoiceCount counts an order's invoices.
func (s *Store) InvoiceCount(ctx context.Context, orderID string) (int, error) {
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM invoices WHERE order_id = ?`, orderID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count invoices: %w", err)
	}
	return n, nil
}

// InvoiceRefundAdd records a refund of an order (of one order line, or line 0) once per
// reference.
func (s *Store) InvoiceRefundAdd(ctx context.Context, orderID, ref string, line int, amount money.Fen, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO invoice_refunds (order_id, ref, line_no, amount_fen, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id, ref) DO NOTHING`,
		orderID, ref, line, int64(amount), db.Millis(at))
	if err != nil {
		return false, fmt.Errorf("store: invoice refund: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// InvoiceRefunds lists an order's recorded refunds, oldest first.
func (s *Store) InvoiceRefunds(ctx context.Context, orderID string) ([]invoice.RefundNote, error) {
	rows, err := s.DB.Query(ctx, `SELECT line_no, amount_fen FROM invoice_refunds WHERE order_id = ? ORDER BY created_at, ref`, orderID)
	if err != nil {
		return nil, fmt.Errorf("store: invoice refunds: %w", err)
	}
	defer rows.Close()
	var out []invoice.RefundNote
	for rows.Next() {
		var r invoice.RefundNote
		var amount int64
		if err := rows.Scan(&r.Line, &amount); err != nil {
			return nil, fmt.Errorf("store: invoice refunds: %w", err)
		}
		r.Amount = money.Fen(amount)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: invoice refunds: %w", err)
	}
	return out, nil
}

// InvoiceCounts counts invoices by color and state ("blue.requested" …).
func (s *Store) InvoiceCounts(ctx context.Context) (map[string]int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT color, state, COUNT(*) FROM invoices GROUP BY color, state`)
	if err != nil {
		return nil, fmt.Errorf("store: invoice counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c, st string
		var n int64
		if err := rows.Scan(&c, &st, &n); err != nil {
			return nil, err
		}
		out[c+"."+st] = n
	}
	return out, rows.Err()
}

// CategoryVATRates lists every category with its own rate, in tree order.
func (s *Store) CategoryVATRates(ctx context.Context) ([]invoice.CategoryRate, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, code, name_zh, name_en, depth, vat_rate FROM categories ORDER BY path`)
	if err != nil {
		return nil, fmt.Errorf("store: category rates: %w", err)
	}
	defer rows.Close()
	var out []invoice.CategoryRate
	for rows.Next() {
		var c invoice.CategoryRate
		if err := rows.Scan(&c.ID, &c.Code, &c.NameZH, &c.NameEN, &c.Depth, &c.Rate); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetCategoryVATRate sets a category's own rate (-1 to inherit).
func (s *Store) SetCategoryVATRate(ctx context.Context, id string, rate int64) error {
	if !db.ValidID(id) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.execOne(ctx, "err.not_found", `UPDATE categories SET vat_rate = ? WHERE id = ?`, rate, id)
}

// ProductVATRates returns the VAT rate products are sold at: their category's own rate
// or the nearest ancestor's; products under no rate are absent (the default applies).
func (s *Store) ProductVATRates(ctx context.Context, productIDs []string) (map[string]money.Rate, error) {
	out := map[string]money.Rate{}
	args := validIDs(productIDs)
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT p.id, a.vat_rate, LENGTH(a.path) FROM products p
		JOIN categories c ON c.id = p.category_id
		JOIN categories a ON a.vat_rate >= 0 AND SUBSTR(c.path, 1, LENGTH(a.path)) = a.path
		WHERE p.id IN (`+db.Placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: product vat rates: %w", err)
	}
	defer rows.Close()
	depth := map[string]int64{}
	for rows.Next() {
		var id string
		var rate, n int64
		if err := rows.Scan(&id, &rate, &n); err != nil {
			return nil, err
		}
		if n > depth[id] {
			depth[id], out[id] = n, money.Rate(rate)
		}
	}
	return out, rows.Err()
}
