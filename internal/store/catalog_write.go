package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

var _ catalog.Store = (*Store)(nil)

const categoryInfoCols = `c.id, COALESCE(CAST(c.parent_id AS TEXT), ''), c.code, c.name_zh, c.name_en, c.depth, c.sort, c.path, c.status, c.created_at, c.needs_review,
	(SELECT COUNT(*) FROM categories k WHERE k.parent_id = c.id),
	(SELECT COUNT(*) FROM categories k WHERE k.parent_id = c.id AND k.status = 'active'),
	(SELECT COUNT(*) FROM products p WHERE p.category_id = c.id)`

type scanner interface{ Scan(dest ...any) error }

func scanCategoryInfo(r scanner) (catalog.CategoryInfo, error) {
	var c catalog.CategoryInfo
	var created int64
	err := r.Scan(&c.ID, &c.ParentID, &c.Code, &c.NameZH, &c.NameEN, &c.Depth, &c.Sort, &c.Path, &c.Status, &created, &c.NeedsReview,
		&c.Children, &c.ActiveChildren, &c.Products)
	c.CreatedAt = db.Time(created)
	return c, err
}

// CatalogCategories returns every category, disabled ones included, ordered by path.
func (s *Store) CatalogCategories(ctx context.Context) ([]catalog.CategoryInfo, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+categoryInfoCols+` FROM categories c ORDER BY c.path`)
	if err != nil {
		return nil, fmt.Errorf("store: catalog categories: %w", err)
	}
	defer rows.Close()
	var out []catalog.CategoryInfo
	for rows.Next() {
		c, err := scanCategoryInfo(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CatalogCategory returns one category or NotFound.
func (s *Store) CatalogCategory(ctx context.Context, id string) (*catalog.CategoryInfo, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.category_not_found")
	}
	c, err := scanCategoryInfo(s.DB.QueryRow(ctx, `SELECT `+categoryInfoCols+` FROM categories c WHERE c.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.category_not_found", "catalog category")
	}
	return &c, nil
}

// CatalogCodeTaken reports whether a category other than exceptID uses code.
func (s *Store) CatalogCodeTaken(ctx context.Context, code, exceptID string) (bool, error) {
	var n int
	var err error
	if exceptID == "" {
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE code = ?`, code).Scan(&n)
	} else {
		err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE code = ? AND id <> ?`, code, exceptID).Scan(&n)
	}
	if err != nil {
		return false, fmt.Errorf("store: category code taken: %w", err)
	}
	return n > 0, nil
}

// CatalogPathNeedsReview reports whether a category on path is marked needs_review.
func (s *Store) CatalogPathNeedsReview(ctx context.Context, path string) (bool, error) {
	codes := pathCodes(path)
	if len(codes) == 0 {
		return false, nil
	}
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE needs_review AND code IN (`+db.Placeholders(len(codes))+`)`, codes...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: path needs review: %w", err)
	}
	return n > 0, nil
}

func pathCodes(path string) []any {
	var out []any
	for _, c := range strings.Split(strings.Trim(path, "/"), "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func nullID(id string) any {
	if id == "" {
		return nil
	}
	return id
}

// CatalogInsertCategory inserts a category with its review flag.
func (s *Store) CatalogInsertCategory(ctx context.Context, c *catalog.CategoryInfo) error {
	if c.ID == "" {
		c.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO categories (id, parent_id, code, name_zh, name_en, depth, sort, path, status, created_at, needs_review)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, nullID(c.ParentID), c.Code, c.NameZH, c.NameEN, c.Depth, c.Sort, c.Path, c.Status, db.Millis(c.CreatedAt), c.NeedsReview)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "err.cat_code_taken", c.Code)
	}
	if err != nil {
		return fmt.Errorf("store: insert category %s: %w", c.Code, err)
	}
	return s.Emit(ctx, TopicCatalog, c.ID)
}

// CatalogUpdateCategory writes one category's code, names, sort, review flag, parent,
// depth and path.
func (s *Store) CatalogUpdateCategory(ctx context.Context, c *catalog.CategoryInfo) error {
	_, err := s.DB.Exec(ctx, `UPDATE categories SET parent_id = ?, code = ?, name_zh = ?, name_en = ?, depth = ?, sort = ?, path = ?, needs_review = ? WHERE id = ?`,
		nullID(c.ParentID), c.Code, c.NameZH, c.NameEN, c.Depth, c.Sort, c.Path, c.NeedsReview, c.ID)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "err.cat_code_taken", c.Code)
	}
	if err != nil {
		return fmt.Errorf("store: update category %s: %w", c.Code, err)
	}
	return s.Emit(ctx, TopicCatalog, c.ID)
}

// CatalogRepath rewrites the path prefix of every category under oldPath.
func (s *Store) CatalogRepath(ctx context.Context, oldPath, newPath string, depthDelta int) error {
	_, err := s.DB.Exec(ctx, `UPDATE categories SET path = CAST(? AS TEXT) || substr(path, ?), depth = depth + ?
		WHERE path LIKE ? ESCAPE '\' AND path <> ?`,
		newPath, len(oldPath)+1, depthDelta, db.Like(oldPath)+"%", oldPath)
	if err != nil {
		return fmt.Errorf("store: repath %s: %w", oldPath, err)
	}
	return nil
}

// CatalogSetSubtreeStatus sets the status of the category at path and its descendants.
func (s *Store) CatalogSetSubtreeStatus(ctx context.Context, path, status string) error {
	_, err := s.DB.Exec(ctx, `UPDATE categories SET status = ? WHERE path LIKE ? ESCAPE '\'`, status, db.Like(path)+"%")
	if err != nil {
		return fmt.Errorf("store: category status %s: %w", path, err)
	}
	return s.Emit(ctx, TopicCatalog, path)
}

const attributeCols = `a.id, a.category_id, a.code, a.name_zh, a.name_en, a.kind, a.unit, a.options, a.required, a.filterable, a.sales, a.sort`

func scanAttribute(r scanner) (catalog.Attribute, error) {
	var a catalog.Attribute
	var kind, opts string
	if err := r.Scan(&a.ID, &a.CategoryID, &a.Code, &a.NameZH, &a.NameEN, &kind, &a.Unit, &opts, &a.Required, &a.Filterable, &a.Sales, &a.Sort); err != nil {
		return a, err
	}
	a.Kind = catalog.AttrKind(kind)
	return a, fromJSON(opts, &a.Options)
}

// CatalogAttribute returns one template attribute or NotFound.
func (s *Store) CatalogAttribute(ctx context.Context, id string) (*catalog.Attribute, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.cat_attr_not_found")
	}
	a, err := scanAttribute(s.DB.QueryRow(ctx, `SELECT `+attributeCols+` FROM attributes a WHERE a.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.cat_attr_not_found", "catalog attribute")
	}
	return &a, nil
}

// CatalogSubtreeAttributes returns the attributes defined at path and under it.
func (s *Store) CatalogSubtreeAttributes(ctx context.Context, path string) ([]catalog.Attribute, error) {
	return s.attributes(ctx, `SELECT `+attributeCols+` FROM attributes a JOIN categories c ON c.id = a.category_id
		WHERE c.path LIKE ? ESCAPE '\' ORDER BY c.depth, a.sort, a.code`, db.Like(path)+"%")
}

// attributes runs a query selecting attributeCols.
func (s *Store) attributes(ctx context.Context, q string, args ...any) ([]catalog.Attribute, error) {
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: attributes: %w", err)
	}
	defer rows.Close()
	var out []catalog.Attribute
	for rows.Next() {
		a, err := scanAttribute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CatalogInsertAttribute inserts a template attribute.
func (s *Store) CatalogInsertAttribute(ctx context.Context, a *catalog.Attribute) error {
	err := s.AddAttribute(ctx, a)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "err.cat_attr_code_taken", a.Code, "")
	}
	if err != nil {
		return err
	}
	return s.Emit(ctx, TopicCatalog, a.CategoryID)
}

// CatalogUpdateAttribute rewrites a template attribute.
func (s *Store) CatalogUpdateAttribute(ctx context.Context, a *catalog.Attribute) error {
	opts := a.Options
	if opts == nil {
		opts = []string{}
	}
	_, err := s.DB.Exec(ctx, `UPDATE attributes SET code = ?, name_zh = ?, name_en = ?, kind = ?, unit = ?, options = ?, required = ?, filterable = ?, sales = ?, sort = ?
		WHERE id = ?`, a.Code, a.NameZH, a.NameEN, string(a.Kind), a.Unit, jsonText(opts), a.Required, a.Filterable, a.Sales, a.Sort, a.ID)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "err.cat_attr_code_taken", a.Code, "")
	}
	if err != nil {
		return fmt.Errorf("store: update attribute %s: %w", a.Code, err)
	}
	return s.Emit(ctx, TopicCatalog, a.CategoryID)
}

// CatalogDeleteAttribute deletes a template attribute.
func (s *Store) CatalogDeleteAttribute(ctx context.Context, id string) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM attributes WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete attribute: %w", err)
	}
	return s.Emit(ctx, TopicCatalog, id)
}

// CatalogValuesInUse reports whether a product under path, or one of its active SKUs,
// holds a value for code (or exactly text). Values are stored as JSON written by
// encoding/json or appendValuesJSON, which agree byte for byte: {"c":CODE,"t":TEXT…}.
func (s *Store) CatalogValuesInUse(ctx context.Context, path, code string, text *string) (bool, error) {
	needle := `{"c":` + jsonText(code) + `,"t":`
	if text != nil {
		needle += jsonText(*text)
	}
	pat := "%" + db.Like(needle) + "%"
	var n int
	err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 AS one FROM products p JOIN categories c ON c.id = p.category_id
		WHERE c.path LIKE ? ESCAPE '\' AND (p.attrs LIKE ? ESCAPE '\'
			OR EXISTS (SELECT 1 FROM skus k WHERE k.product_id = p.id AND k.status = 'active' AND k.spec LIKE ? ESCAPE '\'))
		LIMIT 1) t`, db.Like(path)+"%", pat, pat).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: values in use: %w", err)
	}
	return n > 0, nil
}

// CatalogBrandByName returns a brand by its exact name (or English name) or NotFound.
func (s *Store) CatalogBrandByName(ctx context.Context, name string) (*catalog.Brand, error) {
	var b catalog.Brand
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT id, name, name_en, origin, created_at FROM brands WHERE name = ? OR (name_en <> '' AND LOWER(name_en) = LOWER(?))
		ORDER BY CASE WHEN name = ? THEN 0 ELSE 1 END LIMIT 1`, name, name, name).Scan(&b.ID, &b.Name, &b.NameEN, &b.Origin, &created)
	if err != nil {
		return nil, notFound(err, "err.product_brand_unknown", "brand by name")
	}
	b.CreatedAt = db.Time(created)
	return &b, nil
}

// CatalogOrgStatus returns an organisation's status.
func (s *Store) CatalogOrgStatus(ctx context.Context, orgID string) (string, error) {
	if !db.ValidID(orgID) {
		return "", errs.E(errs.NotFound, "err.not_found")
	}
	var st string
	if err := s.DB.QueryRow(ctx, `SELECT status FROM orgs WHERE id = ?`, orgID).Scan(&st); err != nil {
		return "", notFound(err, "err.not_found", "org status")
	}
	return st, nil
}

// CatalogProduct returns a product in any status with its editing metadata.
func (s *Store) CatalogProduct(ctx context.Context, id string) (*catalog.ProductView, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.product_not_found")
	}
	var v catalog.ProductView
	p := &v.Product
	var attrs string
	var created, updated int64
	err := s.DB.QueryRow(ctx, `SELECT p.id, p.supplier_id, p.category_id, COALESCE(CAST(p.brand_id AS TEXT), ''), p.title, p.name, p.model, p.status, p.attrs,
			p.description, p.sales_count, p.created_at, p.updated_at, p.version, p.status_reason, COALESCE(b.name, ''), o.name
		FROM products p JOIN orgs o ON o.id = p.supplier_id LEFT JOIN brands b ON b.id = p.brand_id WHERE p.id = ?`, id).
		Scan(&p.ID, &p.SupplierID, &p.CategoryID, &p.BrandID, &p.Title, &p.Name, &p.Model, &p.Status, &attrs,
			&p.Description, &p.SalesCount, &created, &updated, &v.Version, &v.StatusReason, &v.BrandName, &v.SupplierName)
	if err != nil {
		return nil, notFound(err, "err.product_not_found", "catalog product")
	}
	p.CreatedAt, p.UpdatedAt = db.Time(created), db.Time(updated)
	if err := fromJSON(attrs, &p.Attrs); err != nil {
		return nil, fmt.Errorf("store: product attrs: %w", err)
	}
	return &v, nil
}

// CatalogSKUs returns all of a product's SKUs, retired ones included.
func (s *Store) CatalogSKUs(ctx context.Context, productID string) ([]catalog.SKU, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status, created_at, updated_at
		FROM skus WHERE product_id = ? ORDER BY created_at, code`, productID)
	if err != nil {
		return nil, fmt.Errorf("store: catalog skus: %w", err)
	}
	defer rows.Close()
	var out []catalog.SKU
	for rows.Next() {
		var k catalog.SKU
		var spec, tiers string
		var created, updated int64
		if err := rows.Scan(&k.ID, &k.ProductID, &k.SupplierID, &k.Code, &spec, &k.Price, &tiers, &k.MOQ, &k.Multiple, &k.Unit, &k.Stock, &k.WeightG, &k.VolumeCM3, &k.Status,
			&created, &updated); err != nil {
			return nil, err
		}
		if err := fromJSON(spec, &k.Spec); err != nil {
			return nil, err
		}
		if err := fromJSON(tiers, &k.Tiers); err != nil {
			return nil, err
		}
		k.CreatedAt, k.UpdatedAt = db.Time(created), db.Time(updated)
		out = append(out, k)
	}
	return out, rows.Err()
}

// CatalogInsertProduct inserts a product at version 1.
func (s *Store) CatalogInsertProduct(ctx context.Context, v *catalog.ProductView) error {
	p := &v.Product
	v.Version = 1
	_, err := s.DB.Exec(ctx, `INSERT INTO products (id, supplier_id, category_id, brand_id, title, name, model, status, attrs, description, sales_count, created_at, updated_at, version, status_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.SupplierID, p.CategoryID, nullID(p.BrandID), p.Title, p.Name, p.Model, p.Status, jsonText(valuesOrEmpty(p.Attrs)), p.Description, p.SalesCount,
		db.Millis(p.CreatedAt), db.Millis(p.UpdatedAt), v.Version, v.StatusReason)
	if err != nil {
		return fmt.Errorf("store: insert product: %w", err)
	}
	return s.Emit(ctx, TopicProduct, p.ID)
}

// CatalogUpdateProduct writes a product when its stored version is v.Version.
func (s *Store) CatalogUpdateProduct(ctx context.Context, v *catalog.ProductView) error {
	p := &v.Product
	res, err := s.DB.Exec(ctx, `UPDATE products SET category_id = ?, brand_id = ?, title = ?, name = ?, model = ?, status = ?, attrs = ?, description = ?,
			updated_at = ?, status_reason = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		p.CategoryID, nullID(p.BrandID), p.Title, p.Name, p.Model, p.Status, jsonText(valuesOrEmpty(p.Attrs)), p.Description,
		db.Millis(p.UpdatedAt), v.StatusReason, p.ID, v.Version)
	if err != nil {
		return fmt.Errorf("store: update product: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errs.E(errs.Conflict, "err.product_stale")
	}
	v.Version++
	return s.Emit(ctx, TopicProduct, p.ID)
}

// CatalogSetStatus changes a product's status when its version is version.
func (s *Store) CatalogSetStatus(ctx context.Context, id, status, reason string, at time.Time, version int64) error {
	res, err := s.DB.Exec(ctx, `UPDATE products SET status = ?, status_reason = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		status, reason, db.Millis(at), id, version)
	if err != nil {
		return fmt.Errorf("store: product status: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errs.E(errs.Conflict, "err.product_stale")
	}
	return s.Emit(ctx, TopicProduct, id)
}

// CatalogSKUCodeOwners maps those of codes the supplier uses to the product holding them.
func (s *Store) CatalogSKUCodeOwners(ctx context.Context, supplierID string, codes []string) (map[string]string, error) {
	out := map[string]string{}
	for len(codes) > 0 {
		n := min(len(codes), 500)
		args := []any{supplierID}
		for _, c := range codes[:n] {
			args = append(args, c)
		}
		codes = codes[n:]
		rows, err := s.DB.Query(ctx, `SELECT code, product_id FROM skus WHERE supplier_id = ? AND code IN (`+db.Placeholders(n)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: sku code owners: %w", err)
		}
		for rows.Next() {
			var code, pid string
			if err := rows.Scan(&code, &pid); err != nil {
				rows.Close()
				return nil, err
			}
			out[code] = pid
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CatalogInsertSKU inserts a SKU; a code the supplier already uses is a Conflict.
func (s *Store) CatalogInsertSKU(ctx context.Context, k *catalog.SKU) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO skus (id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.ID, k.ProductID, k.SupplierID, k.Code, jsonText(valuesOrEmpty(k.Spec)), k.Price, jsonText(k.Tiers), k.MOQ, k.Multiple, k.Unit, k.Stock, k.WeightG, k.VolumeCM3, k.Status,
		db.Millis(k.CreatedAt), db.Millis(k.UpdatedAt))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "err.sku_code_taken", k.Code)
	}
	if err != nil {
		return fmt.Errorf("store: insert sku %s: %w", k.Code, err)
	}
	return s.Emit(ctx, TopicProduct, k.ProductID)
}

// CatalogLockSKUs touches a product's SKU rows, which holds their locks (PostgreSQL)
// until the transaction ends.
func (s *Store) CatalogLockSKUs(ctx context.Context, productID string) error {
	if _, err := s.DB.Exec(ctx, `UPDATE skus SET updated_at = updated_at WHERE product_id = ?`, productID); err != nil {
		return fmt.Errorf("store: lock skus: %w", err)
	}
	return nil
}

// CatalogUpdateSKU rewrites a SKU.
func (s *Store) CatalogUpdateSKU(ctx context.Context, k *catalog.SKU) error {
	_, err := s.DB.Exec(ctx, `UPDATE skus SET code = ?, spec = ?, price = ?, tiers = ?, moq = ?, multiple = ?, unit = ?, stock = ?, weight_g = ?, volume_cm3 = ?, status = ?, updated_at = ?
		WHERE id = ? AND product_id = ?`,
		k.Code, jsonText(valuesOrEmpty(k.Spec)), k.Price, jsonText(k.Tiers), k.MOQ, k.Multiple, k.Unit, k.Stock, k.WeightG, k.VolumeCM3, k.Status, db.Millis(k.UpdatedAt),
		k.ID, k.ProductID)
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "err.sku_code_taken", k.Code)
	}
	if err != nil {
		return fmt.Errorf("store: update sku %s: %w", k.Code, err)
	}
	return s.Emit(ctx, TopicProduct, k.ProductID)
}

// CatalogAddEvent records a product status change.
func (s *Store) CatalogAddEvent(ctx context.Context, e *catalog.ProductEvent) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO product_events (product_id, at, actor_id, actor_name, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ProductID, db.Millis(e.At), e.ActorID, e.ActorName, e.From, e.To, e.Reason)
	if err != nil {
		return fmt.Errorf("store: product event: %w", err)
	}
	return nil
}

// CatalogEvents returns a product's status history, oldest first.
func (s *Store) CatalogEvents(ctx context.Context, productID string) ([]catalog.ProductEvent, error) {
	rows, err := s.DB.Query(ctx, `SELECT seq, product_id, at, actor_id, actor_name, from_status, to_status, reason FROM product_events WHERE product_id = ? ORDER BY seq`, productID)
	if err != nil {
		return nil, fmt.Errorf("store: product events: %w", err)
	}
	defer rows.Close()
	var out []catalog.ProductEvent
	for rows.Next() {
		var e catalog.ProductEvent
		var at int64
		if err := rows.Scan(&e.Seq, &e.ProductID, &at, &e.ActorID, &e.ActorName, &e.From, &e.To, &e.Reason); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func tiersText(ts []catalog.Tier) string {
	if ts == nil {
		ts = []catalog.Tier{}
	}
	b, _ := json.Marshal(ts)
	return string(b)
}

// CatalogAddPriceChange records a change of a SKU's tiers.
func (s *Store) CatalogAddPriceChange(ctx context.Context, c *catalog.PriceChange) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO sku_price_history (sku_id, product_id, sku_code, at, actor_id, actor_name, old_tiers, new_tiers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.SKUID, c.ProductID, c.SKUCode, db.Millis(c.At), c.ActorID, c.ActorName, tiersText(c.Old), tiersText(c.New))
	if err != nil {
		return fmt.Errorf("store: price history: %w", err)
	}
	return nil
}

// CatalogPriceHistory returns a product's SKU price changes, newest first.
func (s *Store) CatalogPriceHistory(ctx context.Context, productID string) ([]catalog.PriceChange, error) {
	rows, err := s.DB.Query(ctx, `SELECT seq, sku_id, product_id, sku_code, at, actor_id, actor_name, old_tiers, new_tiers FROM sku_price_history
		WHERE product_id = ? ORDER BY seq DESC LIMIT 200`, productID)
	if err != nil {
		return nil, fmt.Errorf("store: price history: %w", err)
	}
	defer rows.Close()
	var out []catalog.PriceChange
	for rows.Next() {
		var c catalog.PriceChange
		var at int64
		var old, nw string
		if err := rows.Scan(&c.Seq, &c.SKUID, &c.ProductID, &c.SKUCode, &at, &c.ActorID, &c.ActorName, &old, &nw); err != nil {
			return nil, err
		}
		c.At = db.Time(at)
		if err := fromJSON(old, &c.Old); err != nil {
			return nil, err
		}
		if err := fromJSON(nw, &c.New); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CatalogProducts lists products for editors, newest change first, with the count.
func (s *Store) CatalogProducts(ctx context.Context, f catalog.ProductFilter) ([]catalog.ProductRow, int64, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := []string{"1 = 1"}
	var args []any
	if f.SupplierID != "" {
		where = append(where, "p.supplier_id = ?")
		args = append(args, f.SupplierID)
	}
	if f.Status != "" {
		where = append(where, "p.status = ?")
		args = append(args, f.Status)
	}
	if f.CategoryPath != "" {
		where = append(where, `c.path LIKE ? ESCAPE '\'`)
		args = append(args, db.Like(f.CategoryPath)+"%")
	}
	for i, w := range strings.Fields(f.Query) {
		if i == 6 {
			break
		}
		where = append(where, `p.title LIKE ? ESCAPE '\'`)
		args = append(args, "%"+db.Like(w)+"%")
	}
	from := ` FROM products p JOIN categories c ON c.id = p.category_id JOIN orgs o ON o.id = p.supplier_id WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count catalog products: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT p.id, p.title, p.status, p.status_reason, p.category_id, c.name_zh, c.name_en, p.supplier_id, o.name,
			(SELECT COUNT(*) FROM skus k WHERE k.product_id = p.id AND k.status = 'active'),
			COALESCE((SELECT MIN(k.price) FROM skus k WHERE k.product_id = p.id AND k.status = 'active'), 0),
			p.updated_at`+from+` ORDER BY p.updated_at DESC, p.id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: catalog products: %w", err)
	}
	defer rows.Close()
	var out []catalog.ProductRow
	for rows.Next() {
		var r catalog.ProductRow
		var updated int64
		if err := rows.Scan(&r.ID, &r.Title, &r.Status, &r.StatusReason, &r.CategoryID, &r.CategoryNameZH, &r.CategoryNameEN, &r.SupplierID, &r.SupplierName,
			&r.SKUs, &r.MinPrice, &updated); err != nil {
			return nil, 0, err
		}
		r.UpdatedAt = db.Time(updated)
		out = append(out, r)
	}
	return out, total, rows.Err()
}
