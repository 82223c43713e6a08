package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
)

var _ catalog.Loader = (*Store)(nil)
var _ catalog.Reader = (*Store)(nil)

// AddCategory inserts a category, assigning an ID when it has none.
func (s *Store) AddCategory(ctx context.Context, c *catalog.Category) error {
	if c.ID == "" {
		c.ID = db.NewID()
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	if c.Status == "" {
		c.Status = "active"
	}
	var parent any
	if c.ParentID != "" {
		parent = c.ParentID
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO categories (id, parent_id, code, name_zh, name_en, depth, sort, path, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, parent, c.Code, c.NameZH, c.NameEN, c.Depth, c.Sort, c.Path, c.Status, db.Millis(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add category %s: %w", c.Code, err)
	}
	return nil
}

// AddAttribute inserts a template attribute.
func (s *Store) AddAttribute(ctx context.Context, a *catalog.Attribute) error {
	if a.ID == "" {
		a.ID = db.NewID()
	}
	opts := a.Options
	if opts == nil {
		opts = []string{}
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO attributes (id, category_id, code, name_zh, name_en, kind, unit, options, required, filterable, sales, sort)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.CategoryID, a.Code, a.NameZH, a.NameEN, string(a.Kind), a.Unit, jsonText(opts), a.Required, a.Filterable, a.Sales, a.Sort)
	if err != nil {
		return fmt.Errorf("store: add attribute %s: %w", a.Code, err)
	}
	return nil
}

// AddBrand inserts a brand.
func (s *Store) AddBrand(ctx context.Context, b *catalog.Brand) error {
	if b.ID == "" {
		b.ID = db.NewID()
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = time.Now()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO brands (id, name, name_en, origin, created_at) VALUES (?, ?, ?, ?, ?)`,
		b.ID, b.Name, b.NameEN, b.Origin, db.Millis(b.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add brand %s: %w", b.Name, err)
	}
	return nil
}

// AddProduct inserts a product and its SKUs.
func (s *Store) AddProduct(ctx context.Context, p *catalog.Product, skus []*catalog.SKU) error {
	now := time.Now()
	if p.ID == "" {
		p.ID = db.NewID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	var brand any
	if p.BrandID != "" {
		brand = p.BrandID
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO products (id, supplier_id, category_id, brand_id, title, name, model, status, attrs, description, sales_count, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.SupplierID, p.CategoryID, brand, p.Title, p.Name, p.Model, p.Status, jsonText(valuesOrEmpty(p.Attrs)), p.Description, p.SalesCount,
		db.Millis(p.CreatedAt), db.Millis(p.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: add product: %w", err)
	}
	for _, k := range skus {
		if k.ID == "" {
			k.ID = db.NewID()
		}
		k.ProductID, k.SupplierID = p.ID, p.SupplierID
		if k.Status == "" {
			k.Status = "active"
		}
		_, err := s.DB.Exec(ctx, `INSERT INTO skus (id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.ProductID, k.SupplierID, k.Code, jsonText(valuesOrEmpty(k.Spec)), k.Price, jsonText(k.Tiers), k.MOQ, k.Multiple, k.Unit, k.Stock, k.WeightG, k.VolumeCM3, k.Status,
			db.Millis(p.CreatedAt), db.Millis(p.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: add sku %s: %w", k.Code, err)
		}
	}
	return s.Emit(ctx, TopicProduct, p.ID)
}

func valuesOrEmpty(v []catalog.Value) []catalog.Value {
	if v == nil {
		return []catalog.Value{}
	}
	return v
}

// Categories returns the whole tree ordered by path.
func (s *Store) Categories(ctx context.Context) ([]catalog.Category, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, COALESCE(CAST(parent_id AS TEXT), ''), code, name_zh, name_en, depth, sort, path, status, created_at
		FROM categories WHERE status = 'active' ORDER BY depth, sort, code`)
	if err != nil {
		return nil, fmt.Errorf("store: categories: %w", err)
	}
	defer rows.Close()
	var out []catalog.Category
	for rows.Next() {
		var c catalog.Category
		var created int64
		if err := rows.Scan(&c.ID, &c.ParentID, &c.Code, &c.NameZH, &c.NameEN, &c.Depth, &c.Sort, &c.Path, &c.Status, &created); err != nil {
			return nil, err
		}
		c.CreatedAt = db.Time(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Brands returns every brand by name.
func (s *Store) Brands(ctx context.Context) ([]catalog.Brand, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name, name_en, origin, created_at FROM brands ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: brands: %w", err)
	}
	defer rows.Close()
	var out []catalog.Brand
	for rows.Next() {
		var b catalog.Brand
		var created int64
		if err := rows.Scan(&b.ID, &b.Name, &b.NameEN, &b.Origin, &created); err != nil {
			return nil, err
		}
		b.CreatedAt = db.Time(created)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Counts returns the number of on-sale products and their SKUs.
func (s *Store) Counts(ctx context.Context) (products, skus int64, err error) {
	err = s.DB.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM products WHERE status = 'on_sale'),
		(SELECT COUNT(*) FROM skus k JOIN products p ON p.id = k.product_id WHERE p.status = 'on_sale')`).Scan(&products, &skus)
	if err != nil {
		err = fmt.Errorf("store: counts: %w", err)
	}
	return
}
