package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

var _ buyer.Store = (*Store)(nil)

// UpdateOrgIdentity changes an organisation's name and credit code; a credit code
// another organisation of the kind holds is a Conflict on credit_code.
func (s *Store) UpdateOrgIdentity(ctx context.Context, orgID, name, creditCode string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	err := s.execOne(ctx, "err.not_found", `UPDATE orgs SET name = ?, credit_code = ?, updated_at = ? WHERE id = ?`, name, nullable(creditCode), db.Millis(at), orgID)
	if db.IsUniqueViolation(err) {
		e := errs.Field("credit_code", "err.credit_code_taken")
		e.Code = errs.Conflict
		return e
	}
	return err
}

// BuyerProfile returns a company's invoice profile; NotFound before the first save.
func (s *Store) BuyerProfile(ctx context.Context, orgID string) (*buyer.Profile, error) {
	var p buyer.Profile
	var at int64
	err := s.DB.QueryRow(ctx, `SELECT org_id, invoice_title, tax_id, reg_address, reg_phone, bank_name, bank_account, invoice_type, updated_at, updated_by
		FROM buyer_profiles WHERE org_id = ?`, orgID).Scan(&p.OrgID, &p.InvoiceTitle, &p.TaxID, &p.RegAddress, &p.RegPhone, &p.BankName, &p.BankAccount, &p.InvoiceType, &at, &p.UpdatedBy)
	if err != nil {
		return nil, notFound(err, "err.not_found", "buyer profile")
	}
	p.UpdatedAt = db.Time(at)
	return &p, nil
}

// SaveBuyerProfile inserts or replaces a company's invoice profile.
func (s *Store) SaveBuyerProfile(ctx context.Context, p *buyer.Profile) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO buyer_profiles (org_id, invoice_title, tax_id, reg_address, reg_phone, bank_name, bank_account, invoice_type, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET invoice_title = excluded.invoice_title, tax_id = excluded.tax_id, reg_address = excluded.reg_address,
			reg_phone = excluded.reg_phone, bank_name = excluded.bank_name, bank_account = excluded.bank_account, invoice_type = excluded.invoice_type,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		p.OrgID, p.InvoiceTitle, p.TaxID, p.RegAddress, p.RegPhone, p.BankName, p.BankAccount, p.InvoiceType, db.Millis(p.UpdatedAt), p.UpdatedBy)
	if err != nil {
		return fmt.Errorf("store: save buyer profile: %w", err)
	}
	return nil
}

const addressCols = `id, org_id, label, consignee, mobile, division_code, division_name, street, postcode, is_default, created_at, updated_at`

func scanAddress(row interface{ Scan(...any) error }) (*buyer.Address, error) {
	var a buyer.Address
	var c, u int64
	if err := row.Scan(&a.ID, &a.OrgID, &a.Label, &a.Consignee, &a.Mobile, &a.DivisionCode, &a.DivisionName, &a.Street, &a.Postcode, &a.Default, &c, &u); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = db.Time(c), db.Time(u)
	return &a, nil
}

// Addresses lists a company's addresses, the default first, then oldest first.
func (s *Store) Addresses(ctx context.Context, orgID string) ([]buyer.Address, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+addressCols+` FROM buyer_addresses WHERE org_id = ? ORDER BY is_default DESC, created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: addresses: %w", err)
	}
	defer rows.Close()
	var out []buyer.Address
	for rows.Next() {
		a, err := scanAddress(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// Address returns one of a company's addresses.
func (s *Store) Address(ctx context.Context, orgID, id string) (*buyer.Address, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	a, err := scanAddress(s.DB.QueryRow(ctx, `SELECT `+addressCols+` FROM buyer_addresses WHERE id = ? AND org_id = ?`, id, orgID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "address")
	}
	return a, nil
}

// SaveAddress inserts (no ID yet) or updates an address; the default flag is set apart.
func (s *Store) SaveAddress(ctx context.Context, a *buyer.Address) error {
	if a.ID == "" {
		a.ID = db.NewID()
		_, err := s.DB.Exec(ctx, `INSERT INTO buyer_addresses (`+addressCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)`,
			a.ID, a.OrgID, a.Label, a.Consignee, a.Mobile, a.DivisionCode, a.DivisionName, a.Street, a.Postcode, db.Millis(a.CreatedAt), db.Millis(a.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: add address: %w", err)
		}
		return nil
	}
	return s.execOne(ctx, "err.not_found", `UPDATE buyer_addresses SET label = ?, consignee = ?, mobile = ?, division_code = ?, division_name = ?, street = ?, postcode = ?, updated_at = ?
		WHERE id = ? AND org_id = ?`, a.Label, a.Consignee, a.Mobile, a.DivisionCode, a.DivisionName, a.Street, a.Postcode, db.Millis(a.UpdatedAt), a.ID, a.OrgID)
}

// DeleteAddress removes one of a company's addresses.
func (s *Store) DeleteAddress(ctx context.Context, orgID, id string) error {
	return s.execOne(ctx, "err.not_found", `DELETE FROM buyer_addresses WHERE id = ? AND org_id = ?`, id, orgID)
}

// SetDefaultAddress makes id the company's only default address.
func (s *Store) SetDefaultAddress(ctx context.Context, orgID, id string) error {
	_, err := s.DB.Exec(ctx, `UPDATE buyer_addresses SET is_default = (id = ?) WHERE org_id = ?`, id, orgID)
	if err != nil {
		return fmt.Errorf("store: default address: %w", err)
	}
	return nil
}

const ruleCols = `id, org_id, over_fen, applies_to, approver_ids, approver_roles, approvals, owner_alone, created_at, updated_at`

func scanRule(row interface{ Scan(...any) error }) (*buyer.Rule, error) {
	var r buyer.Rule
	var over, n, c, u int64
	var applies, ids, roles string
	if err := row.Scan(&r.ID, &r.OrgID, &over, &applies, &ids, &roles, &n, &r.OwnerAlone, &c, &u); err != nil {
		return nil, err
	}
	if err := fromJSON(applies, &r.AppliesTo); err != nil {
		return nil, err
	}
	if err := fromJSON(ids, &r.ApproverIDs); err != nil {
		return nil, err
	}
	if err := fromJSON(roles, &r.ApproverRoles); err != nil {
		return nil, err
	}
	r.Over, r.Approvals, r.CreatedAt, r.UpdatedAt = money.Fen(over), int(n), db.Time(c), db.Time(u)
	return &r, nil
}

// ApprovalRules lists a company's rules by threshold.
func (s *Store) ApprovalRules(ctx context.Context, orgID string) ([]buyer.Rule, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+ruleCols+` FROM approval_rules WHERE org_id = ? ORDER BY over_fen, created_at, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: approval rules: %w", err)
	}
	defer rows.Close()
	var out []buyer.Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// ApprovalRule returns one of a company's rules.
func (s *Store) ApprovalRule(ctx context.Context, orgID, id string) (*buyer.Rule, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	r, err := scanRule(s.DB.QueryRow(ctx, `SELECT `+ruleCols+` FROM approval_rules WHERE id = ? AND org_id = ?`, id, orgID))
	if err != nil {
		return nil, notFound(err, "err.not_found", "approval rule")
	}
	return r, nil
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// SaveApprovalRule inserts (no ID yet) or replaces a rule.
func (s *Store) SaveApprovalRule(ctx context.Context, r *buyer.Rule) error {
	applies, ids, roles := jsonText(orEmpty(r.AppliesTo)), jsonText(orEmpty(r.ApproverIDs)), jsonText(orEmpty(r.ApproverRoles))
	if r.ID == "" {
		r.ID = db.NewID()
		_, err := s.DB.Exec(ctx, `INSERT INTO approval_rules (`+ruleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.OrgID, int64(r.Over), applies, ids, roles, r.Approvals, r.OwnerAlone, db.Millis(r.CreatedAt), db.Millis(r.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: add approval rule: %w", err)
		}
		return nil
	}
	return s.execOne(ctx, "err.not_found", `UPDATE approval_rules SET over_fen = ?, applies_to = ?, approver_ids = ?, approver_roles = ?, approvals = ?, owner_alone = ?, updated_at = ?
		WHERE id = ? AND org_id = ?`, int64(r.Over), applies, ids, roles, r.Approvals, r.OwnerAlone, db.Millis(r.UpdatedAt), r.ID, r.OrgID)
}

// DeleteApprovalRule removes one of a company's rules.
func (s *Store) DeleteApprovalRule(ctx context.Context, orgID, id string) error {
	return s.execOne(ctx, "err.not_found", `DELETE FROM approval_rules WHERE id = ? AND org_id = ?`, id, orgID)
}

// RequisitionLists returns a company's requisition lists with their item counts, latest change
// first.
func (s *Store) RequisitionLists(ctx context.Context, orgID string) ([]buyer.List, error) {
	rows, err := s.DB.Query(ctx, `SELECT l.id, l.org_id, l.name, l.note, l.created_by, l.created_at, l.updated_at,
		(SELECT COUNT(*) FROM requisition_items i WHERE i.list_id = l.id)
		FROM requisition_lists l WHERE l.org_id = ? ORDER BY l.updated_at DESC, l.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: lists: %w", err)
	}
	defer rows.Close()
	var out []buyer.List
	for rows.Next() {
		var l buyer.List
		var c, u, n int64
		if err := rows.Scan(&l.ID, &l.OrgID, &l.Name, &l.Note, &l.CreatedBy, &c, &u, &n); err != nil {
			return nil, err
		}
		l.CreatedAt, l.UpdatedAt, l.ItemCount = db.Time(c), db.Time(u), int(n)
		out = append(out, l)
	}
	return out, rows.Err()
}

// skuCols reads a SKU for requisition lists; OnSale needs the product on sale, the SKU
// active and the supplier approved with a live store.
const skuCols = `k.id, k.code, k.product_id, p.title, k.supplier_id, o.name, k.unit, k.price, k.moq, k.multiple, k.stock,
	(p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE)`

func skuScan(k *buyer.SKU) []any {
	return []any{&k.ID, &k.Code, &k.ProductID, &k.Title, &k.SupplierID, &k.SupplierName, &k.Unit, &k.Price, &k.MOQ, &k.Multiple, &k.Stock, &k.OnSale}
}

// RequisitionList returns one of a company's lists with its items and their SKUs.
func (s *Store) RequisitionList(ctx context.Context, orgID, id string) (*buyer.List, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	var l buyer.List
	var c, u int64
	err := s.DB.QueryRow(ctx, `SELECT id, org_id, name, note, created_by, created_at, updated_at FROM requisition_lists WHERE id = ? AND org_id = ?`, id, orgID).
		Scan(&l.ID, &l.OrgID, &l.Name, &l.Note, &l.CreatedBy, &c, &u)
	if err != nil {
		return nil, notFound(err, "err.not_found", "list")
	}
	l.CreatedAt, l.UpdatedAt = db.Time(c), db.Time(u)
	rows, err := s.DB.Query(ctx, `SELECT i.sku_id, i.qty, i.note, i.added_at, `+skuCols+`
		FROM requisition_items i JOIN skus k ON k.id = i.sku_id JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		WHERE i.list_id = ? ORDER BY i.added_at, k.code, i.sku_id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: list items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it buyer.Item
		var at int64
		if err := rows.Scan(append([]any{&it.SKUID, &it.Qty, &it.Note, &at}, skuScan(&it.SKU)...)...); err != nil {
			return nil, err
		}
		it.AddedAt = db.Time(at)
		l.Items = append(l.Items, it)
	}
	l.ItemCount = len(l.Items)
	return &l, rows.Err()
}

// SaveRequisitionList inserts (no ID yet) or renames a list.
func (s *Store) SaveRequisitionList(ctx context.Context, l *buyer.List) error {
	if l.ID == "" {
		l.ID = db.NewID()
		_, err := s.DB.Exec(ctx, `INSERT INTO requisition_lists (id, org_id, name, note, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			l.ID, l.OrgID, l.Name, l.Note, l.CreatedBy, db.Millis(l.CreatedAt), db.Millis(l.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: add list: %w", err)
		}
		return nil
	}
	return s.execOne(ctx, "err.not_found", `UPDATE requisition_lists SET name = ?, note = ?, updated_at = ? WHERE id = ? AND org_id = ?`,
		l.Name, l.Note, db.Millis(l.UpdatedAt), l.ID, l.OrgID)
}

// DeleteRequisitionList removes one of a company's lists with its items.
func (s *Store) DeleteRequisitionList(ctx context.Context, orgID, id string) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM requisition_items WHERE list_id IN (SELECT id FROM requisition_lists WHERE id = ? AND org_id = ?)`, id, orgID); err != nil {
		return fmt.Errorf("store: delete list items: %w", err)
	}
	return s.execOne(ctx, "err.not_found", `DELETE FROM requisition_lists WHERE id = ? AND org_id = ?`, id, orgID)
}

// SetRequisitionItem sets a SKU's quantity and note on a list, adding it when absent.
func (s *Store) SetRequisitionItem(ctx context.Context, listID string, it buyer.Item) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO requisition_items (list_id, sku_id, qty, note, added_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (list_id, sku_id) DO UPDATE SET qty = excluded.qty, note = excluded.note`,
		listID, it.SKUID, it.Qty, it.Note, db.Millis(it.AddedAt))
	if err != nil {
		return fmt.Errorf("store: set list item: %w", err)
	}
	return nil
}

// RemoveRequisitionItem takes a SKU off a list.
func (s *Store) RemoveRequisitionItem(ctx context.Context, listID, skuID string) error {
	if !db.ValidID(skuID) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.execOne(ctx, "err.not_found", `DELETE FROM requisition_items WHERE list_id = ? AND sku_id = ?`, listID, skuID)
}

// TouchRequisitionList records a change to one of a company's lists.
func (s *Store) TouchRequisitionList(ctx context.Context, orgID, id string, at time.Time) error {
	return s.execOne(ctx, "err.not_found", `UPDATE requisition_lists SET updated_at = ? WHERE id = ? AND org_id = ?`, db.Millis(at), id, orgID)
}

// SKUsByRef finds SKUs by ID, or else by code across suppliers.
func (s *Store) SKUsByRef(ctx context.Context, ref string) ([]buyer.SKU, error) {
	q := `SELECT ` + skuCols + ` FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id WHERE `
	var rows interface {
		Next() bool
		Scan(...any) error
		Close() error
		Err() error
	}
	var err error
	if db.ValidID(ref) {
		rows, err = s.DB.Query(ctx, q+`k.id = ?`, ref)
	} else {
		rows, err = s.DB.Query(ctx, q+`k.code = ? ORDER BY k.supplier_id LIMIT 20`, ref)
	}
	if err != nil {
		return nil, fmt.Errorf("store: skus by ref: %w", err)
	}
	defer rows.Close()
	var out []buyer.SKU
	for rows.Next() {
		var k buyer.SKU
		if err := rows.Scan(skuScan(&k)...); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
