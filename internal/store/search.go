package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/search"
)

// SearchAttributes returns every template attribute of every category.
func (s *Store) SearchAttributes(ctx context.Context) ([]catalog.Attribute, error) {
	return s.attributes(ctx, `SELECT `+attributeCols+` FROM attributes a ORDER BY a.category_id, a.sort, a.code`)
}

// SearchSuppliers returns the suppliers whose store is live, with their names (standing
// is added by the caller).
func (s *Store) SearchSuppliers(ctx context.Context) ([]search.Supplier, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, name FROM orgs WHERE kind = 'supplier' AND status = 'active' AND store_live = TRUE ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: search suppliers: %w", err)
	}
	defer rows.Close()
	var out []search.Supplier
	for rows.Next() {
		var sp search.Supplier
		if err := rows.Scan(&sp.ID, &sp.Name); err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, rows.Err()
}

// SearchProducts streams listable products (on sale, supplier active with its store
// live) with their active SKUs, narrowed to one supplier or one product when given.
// Products and SKUs are read by two ordered queries merged on the product ID, so a
// million SKUs stream without holding them all.
func (s *Store) SearchProducts(ctx context.Context, supplierID, productID string, fn func(*search.Product) error) error {
	if productID != "" && !db.ValidID(productID) {
		return nil
	}
	where := []string{"p.status = 'on_sale'", "o.status = 'active'", "o.store_live = TRUE"}
	var args []any
	if supplierID != "" {
		where = append(where, "p.supplier_id = ?")
		args = append(args, supplierID)
	}
	if productID != "" {
		where = append(where, "p.id = ?")
		args = append(args, productID)
	}
	cond := strings.Join(where, " AND ")
	prows, err := s.DB.Query(ctx, `SELECT p.id, p.supplier_id, p.category_id, COALESCE(b.name, ''), p.title, p.name, p.model, p.attrs, p.sales_count, p.created_at
		FROM products p JOIN orgs o ON o.id = p.supplier_id LEFT JOIN brands b ON b.id = p.brand_id
		WHERE `+cond+` ORDER BY p.id`, args...)
	if err != nil {
		return fmt.Errorf("store: search products: %w", err)
	}
	defer prows.Close()
	krows, err := s.DB.Query(ctx, `SELECT k.product_id, k.id, k.code, k.spec, k.price, k.moq, k.multiple, k.unit, k.stock
		FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = p.supplier_id
		WHERE k.status = 'active' AND `+cond+` ORDER BY k.product_id, k.price, k.code`, args...)
	if err != nil {
		return fmt.Errorf("store: search skus: %w", err)
	}
	defer krows.Close()
	var pending *search.SKU
	var pendingProduct string
	nextSKU := func() (bool, error) {
		if !krows.Next() {
			return false, krows.Err()
		}
		var k search.SKU
		var spec string
		if err := krows.Scan(&pendingProduct, &k.ID, &k.Code, &spec, &k.Price, &k.MOQ, &k.Multiple, &k.Unit, &k.Stock); err != nil {
			return false, err
		}
		if err := fromJSON(spec, &k.Spec); err != nil {
			return false, fmt.Errorf("store: sku %s spec: %w", k.ID, err)
		}
		pending = &k
		return true, nil
	}
	more, err := nextSKU()
	if err != nil {
		return err
	}
	for prows.Next() {
		var p search.Product
		var attrs string
		var created int64
		if err := prows.Scan(&p.ID, &p.SupplierID, &p.CategoryID, &p.BrandName, &p.Title, &p.Name, &p.Model, &attrs, &p.Sales, &created); err != nil {
			return err
		}
		p.Created = db.Time(created)
		if err := fromJSON(attrs, &p.Attrs); err != nil {
			return fmt.Errorf("store: product %s attrs: %w", p.ID, err)
		}
		for more && pendingProduct < p.ID {
			if more, err = nextSKU(); err != nil {
				return err
			}
		}
		for more && pendingProduct == p.ID {
			p.SKUs = append(p.SKUs, *pending)
			if more, err = nextSKU(); err != nil {
				return err
			}
		}
		if len(p.SKUs) == 0 {
			continue
		}
		if err := fn(&p); err != nil {
			return err
		}
	}
	return prows.Err()
}

// SearchSynonyms returns the synonym groups ops entered.
func (s *Store) SearchSynonyms(ctx context.Context) ([][]string, error) {
	rows, err := s.DB.Query(ctx, `SELECT terms FROM search_synonyms ORDER BY created_at`)
	if err != nil {
		return nil, fmt.Errorf("store: synonyms: %w", err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, strings.Split(t, "|"))
	}
	return out, rows.Err()
}

// AddSearchLogs writes a batch of logged searches.
func (s *Store) AddSearchLogs(ctx context.Context, es []search.LogEntry) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		for len(es) > 0 {
			n := min(len(es), 50)
			var args []any
			var vals []string
			for _, e := range es[:n] {
				vals = append(vals, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, e.ID, db.Millis(e.At), e.Q, e.Norm, e.Category, e.Filters, e.Sort, e.Page, e.Total, e.Took.Microseconds(), e.Source)
			}
			es = es[n:]
			_, err := s.DB.Exec(ctx, `INSERT INTO search_log (id, at, q, norm, category, filters, sort, page, total, took_us, source) VALUES `+
				strings.Join(vals, ", ")+` ON CONFLICT (id) DO NOTHING`, args...)
			if err != nil {
				return fmt.Errorf("store: search log: %w", err)
			}
		}
		return nil
	})
}

// AddSearchClick records that a result was opened; repeats of the same click count once.
func (s *Store) AddSearchClick(ctx context.Context, c search.Click) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO search_clicks (log_id, position, product_id, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		c.LogID, c.Position, c.ProductID, db.Millis(c.At))
	if err != nil {
		return fmt.Errorf("store: search click: %w", err)
	}
	return nil
}

func (s *Store) terms(ctx context.Context, cond string, since time.Time, n int) ([]search.Term, error) {
	rows, err := s.DB.Query(ctx, `SELECT norm, COUNT(*) FROM search_log WHERE at >= ? AND norm <> '' AND `+cond+`
		GROUP BY norm ORDER BY COUNT(*) DESC, norm LIMIT ?`, db.Millis(since), n)
	if err != nil {
		return nil, fmt.Errorf("store: search terms: %w", err)
	}
	defer rows.Close()
	var out []search.Term
	for rows.Next() {
		var t search.Term
		if err := rows.Scan(&t.Text, &t.Count); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// HotTerms returns the most searched queries since, among those that found something.
func (s *Store) HotTerms(ctx context.Context, since time.Time, n int) ([]search.Term, error) {
	return s.terms(ctx, "total > 0", since, n)
}

// ZeroResults returns the most searched queries since that found nothing.
func (s *Store) ZeroResults(ctx context.Context, since time.Time, n int) ([]search.Term, error) {
	return s.terms(ctx, "total = 0", since, n)
}

// SearchReport summarises searches since: how many, how many found nothing, how many
// led to a click, and the click-through by position (1–10).
func (s *Store) SearchReport(ctx context.Context, since time.Time) (searches, zero, clicked int64, byPos [10]int64, err error) {
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN total = 0 THEN 1 ELSE 0 END), 0),
			(SELECT COUNT(DISTINCT c.log_id) FROM search_clicks c WHERE c.at >= ?)
		FROM search_log WHERE at >= ?`, db.Millis(since), db.Millis(since)).Scan(&searches, &zero, &clicked)
	if err != nil {
		return 0, 0, 0, byPos, fmt.Errorf("store: search report: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT position, COUNT(*) FROM search_clicks WHERE at >= ? AND position BETWEEN 1 AND 10 GROUP BY position`, db.Millis(since))
	if err != nil {
		return 0, 0, 0, byPos, fmt.Errorf("store: search report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p, n int64
		if err := rows.Scan(&p, &n); err != nil {
			return 0, 0, 0, byPos, err
		}
		byPos[p-1] = n
	}
	return searches, zero, clicked, byPos, rows.Err()
}
