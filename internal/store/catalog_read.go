package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// ProductCards lists products as cards with the total count for paging. Without a
// supplier only on-sale products show.
func (s *Store) ProductCards(ctx context.Context, f catalog.CardFilter) ([]catalog.ProductCard, int64, error) {
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 40
	}
	where := []string{"1 = 1"}
	var args []any
	if f.SupplierID != "" {
		where = append(where, "p.supplier_id = ?")
		args = append(args, f.SupplierID)
	}
	if !f.IncludeUnlisted {
		// Buyers see on-sale products of live stores only (approved, deposit paid): a
		// suspended or removed supplier's listings disappear with it.
		where = append(where, "p.status = 'on_sale'", "EXISTS (SELECT 1 FROM orgs so WHERE so.id = p.supplier_id AND so.status = 'active' AND so.store_live = TRUE)")
	}
	if len(f.IDs) > 0 {
		var ids []any
		for _, id := range f.IDs {
			if db.ValidID(id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, 0, nil
		}
		where = append(where, "p.id IN ("+db.Placeholders(len(ids))+")")
		args = append(args, ids...)
	}
	if f.CategoryPath != "" {
		where = append(where, `c.path LIKE ? ESCAPE '\'`)
		args = append(args, db.Like(f.CategoryPath)+"%")
	}
	for _, w := range strings.Fields(f.Query) {
		if len(where) > 8 {
			break
		}
		where = append(where, `p.title LIKE ? ESCAPE '\'`)
		args = append(args, "%"+db.Like(w)+"%")
	}
	from := ` FROM products p JOIN categories c ON c.id = p.category_id WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count cards: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.title, c.code, COALESCE(b.name, ''), o.name,
			COALESCE((SELECT MIN(k.price) FROM skus k WHERE k.product_id = p.id AND k.status = 'active'), 0),
			COALESCE((SELECT MIN(k.unit) FROM skus k WHERE k.product_id = p.id AND k.status = 'active'), ''),
			COALESCE((SELECT MIN(k.moq) FROM skus k WHERE k.product_id = p.id AND k.status = 'active'), 0),
			(SELECT COUNT(*) FROM skus k WHERE k.product_id = p.id AND k.status = 'active')
		FROM products p JOIN categories c ON c.id = p.category_id
		JOIN orgs o ON o.id = p.supplier_id LEFT JOIN brands b ON b.id = p.brand_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY p.sales_count DESC, p.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: cards: %w", err)
	}
	defer rows.Close()
	var out []catalog.ProductCard
	for rows.Next() {
		var c catalog.ProductCard
		if err := rows.Scan(&c.ID, &c.Title, &c.CategoryCode, &c.BrandName, &c.SupplierName, &c.MinPrice, &c.Unit, &c.MOQ, &c.SKUCount); err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// ProductDetail returns an on-sale product with its SKUs, category, brand and template.
func (s *Store) ProductDetail(ctx context.Context, id string) (*catalog.Detail, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.product_not_found")
	}
	var d catalog.Detail
	p := &d.Product
	var attrs string
	var created, updated int64
	err := s.DB.QueryRow(ctx, `SELECT p.id, p.supplier_id, p.category_id, COALESCE(CAST(p.brand_id AS TEXT), ''), p.title, p.name, p.model, p.status, p.attrs, p.description, p.sales_count, p.created_at, p.updated_at,
			o.name, COALESCE(b.name, ''), COALESCE(b.name_en, '')
		FROM products p JOIN orgs o ON o.id = p.supplier_id LEFT JOIN brands b ON b.id = p.brand_id
		WHERE p.id = ? AND p.status = 'on_sale' AND o.status = 'active' AND o.store_live = TRUE`, id).Scan(&p.ID, &p.SupplierID, &p.CategoryID, &p.BrandID, &p.Title, &p.Name, &p.Model, &p.Status, &attrs, &p.Description, &p.SalesCount, &created, &updated,
		&d.SupplierName, &d.Brand.Name, &d.Brand.NameEN)
	if err != nil {
		return nil, notFound(err, "err.product_not_found", "product detail")
	}
	p.CreatedAt, p.UpdatedAt = db.Time(created), db.Time(updated)
	if err := fromJSON(attrs, &p.Attrs); err != nil {
		return nil, fmt.Errorf("store: product attrs: %w", err)
	}
	var cc int64
	err = s.DB.QueryRow(ctx, `SELECT id, COALESCE(CAST(parent_id AS TEXT), ''), code, name_zh, name_en, depth, sort, path, status, created_at FROM categories WHERE id = ?`, p.CategoryID).
		Scan(&d.Category.ID, &d.Category.ParentID, &d.Category.Code, &d.Category.NameZH, &d.Category.NameEN, &d.Category.Depth, &d.Category.Sort, &d.Category.Path, &d.Category.Status, &cc)
	if err != nil {
		return nil, fmt.Errorf("store: product category: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status FROM skus WHERE product_id = ? AND status = 'active' ORDER BY price, code`, id)
	if err != nil {
		return nil, fmt.Errorf("store: skus: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k catalog.SKU
		var spec, tiers string
		if err := rows.Scan(&k.ID, &k.Code, &spec, &k.Price, &tiers, &k.MOQ, &k.Multiple, &k.Unit, &k.Stock, &k.WeightG, &k.VolumeCM3, &k.Status); err != nil {
			return nil, err
		}
		if err := fromJSON(spec, &k.Spec); err != nil {
			return nil, err
		}
		if err := fromJSON(tiers, &k.Tiers); err != nil {
			return nil, err
		}
		k.ProductID, k.SupplierID = p.ID, p.SupplierID
		d.SKUs = append(d.SKUs, k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	tpl, err := s.Template(ctx, d.Category.Path)
	if err != nil {
		return nil, err
	}
	d.Template = tpl
	return &d, nil
}

// Template returns the attribute template for the category at path, inherited from its
// ancestors (root attributes first).
func (s *Store) Template(ctx context.Context, path string) ([]catalog.Attribute, error) {
	codes := strings.Split(strings.Trim(path, "/"), "/")
	if path == "" || len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	rows, err := s.DB.Query(ctx, `SELECT a.id, a.category_id, a.code, a.name_zh, a.name_en, a.kind, a.unit, a.options, a.required, a.filterable, a.sales, a.sort
		FROM attributes a JOIN categories c ON c.id = a.category_id
		WHERE c.code IN (`+db.Placeholders(len(codes))+`) ORDER BY c.depth, a.sort, a.code`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: template: %w", err)
	}
	defer rows.Close()
	var out []catalog.Attribute
	for rows.Next() {
		var a catalog.Attribute
		var kind, opts string
		if err := rows.Scan(&a.ID, &a.CategoryID, &a.Code, &a.NameZH, &a.NameEN, &kind, &a.Unit, &opts, &a.Required, &a.Filterable, &a.Sales, &a.Sort); err != nil {
			return nil, err
		}
		a.Kind = catalog.AttrKind(kind)
		if err := fromJSON(opts, &a.Options); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PlatformStats counts what the staff console's overview shows.
func (s *Store) PlatformStats(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	queries := map[string]string{
		"users":           `SELECT COUNT(*) FROM users`,
		"org_supplier":    `SELECT COUNT(*) FROM orgs WHERE kind = 'supplier'`,
		"org_buyer":       `SELECT COUNT(*) FROM orgs WHERE kind = 'buyer'`,
		"products":        `SELECT COUNT(*) FROM products`,
		"products_onsale": `SELECT COUNT(*) FROM products WHERE status = 'on_sale'`,
		"skus":            `SELECT COUNT(*) FROM skus`,
		"categories":      `SELECT COUNT(*) FROM categories`,
		"brands":          `SELECT COUNT(*) FROM brands`,
		"sessions":        `SELECT COUNT(*) FROM sessions`,
	}
	for k, q := range queries {
		var n int64
		if err := s.DB.QueryRow(ctx, q).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: stats %s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}
