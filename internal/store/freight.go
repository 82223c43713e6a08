package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"
)

var _ freight.Store = (*Store)(nil)

// SaveFreight inserts a template (no ID yet) or replaces it.
func (s *Store) SaveFreight(ctx context.Context, t *freight.Template) error {
	excluded := t.Excluded
	if excluded == nil {
		excluded = []string{}
	}
	if t.ID == "" {
		t.ID = db.NewID()
		_, err := s.DB.Exec(ctx, `INSERT INTO freight_templates (id, supplier_id, name, basis, rules, free_above, excluded, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.SupplierID, t.Name, t.Basis, jsonText(t.Rules), int64(t.FreeAbove), jsonText(excluded), db.Millis(t.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: add freight: %w", err)
		}
		return nil
	}
	return s.execOne(ctx, "err.not_found", `UPDATE freight_templates SET name = ?, basis = ?, rules = ?, free_above = ?, excluded = ?, updated_at = ? WHERE id = ? AND supplier_id = ?`,
		t.Name, t.Basis, jsonText(t.Rules), int64(t.FreeAbove), jsonText(excluded), db.Millis(t.UpdatedAt), t.ID, t.SupplierID)
}

func scanFreight(row interface{ Scan(...any) error }) (*freight.Template, error) {
	var t freight.Template
	var rules, excluded string
	var free, updated int64
	if err := row.Scan(&t.ID, &t.SupplierID, &t.Name, &t.Basis, &rules, &free, &excluded, &updated); err != nil {
		return nil, err
	}
	if err := fromJSON(rules, &t.Rules); err != nil {
		return nil, err
	}
	if err := fromJSON(excluded, &t.Excluded); err != nil {
		return nil, err
	}
	t.FreeAbove, t.UpdatedAt = money.Fen(free), db.Time(updated)
	return &t, nil
}

const freightCols = `id, supplier_id, name, basis, rules, free_above, excluded, updated_at`

// Freight returns a template.
func (s *Store) Freight(ctx context.Context, id string) (*freight.Template, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	t, err := scanFreight(s.DB.QueryRow(ctx, `SELECT `+freightCols+` FROM freight_templates WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "freight")
	}
	return t, nil
}

// Freights lists a supplier's templates by name.
func (s *Store) Freights(ctx context.Context, supplierID string) ([]freight.Template, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+freightCols+` FROM freight_templates WHERE supplier_id = ? ORDER BY name, id`, supplierID)
	if err != nil {
		return nil, fmt.Errorf("store: freights: %w", err)
	}
	defer rows.Close()
	var out []freight.Template
	for rows.Next() {
		t, err := scanFreight(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// AssignFreight sets a product's freight template if the product is the supplier's.
func (s *Store) AssignFreight(ctx context.Context, supplierID, productID, templateID string) error {
	if !db.ValidID(productID) {
		return errs.E(errs.NotFound, "err.product_not_found")
	}
	return s.execOne(ctx, "err.product_not_found", `UPDATE products SET freight_template_id = ? WHERE id = ? AND supplier_id = ?`, templateID, productID, supplierID)
}

// ProductFreight returns a product's freight template ID.
func (s *Store) ProductFreight(ctx context.Context, productID string) (string, error) {
	if !db.ValidID(productID) {
		return "", errs.E(errs.NotFound, "err.product_not_found")
	}
	var id string
	if err := s.DB.QueryRow(ctx, `SELECT freight_template_id FROM products WHERE id = ?`, productID).Scan(&id); err != nil {
		return "", notFound(err, "err.product_not_found", "product freight")
	}
	return id, nil
}
