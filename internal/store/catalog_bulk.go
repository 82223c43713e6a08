package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
)

// Rows per multi-row INSERT. SKUs have 16 columns, products 13: 62 SKU rows (992 values)
// and 64 product rows (832) stay under the 999 bound variables that old SQLite builds
// allow and far under PostgreSQL's 65,535.
const (
	bulkProductRows = 64
	bulkSKURows     = 62
)

const (
	bulkProductCols = `INSERT INTO products (id, supplier_id, category_id, brand_id, title, name, model, status, attrs, description, sales_count, created_at, updated_at) VALUES `
	bulkProductRow  = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	bulkSKUCols     = `INSERT INTO skus (id, product_id, supplier_id, code, spec, price, tiers, moq, multiple, unit, stock, weight_g, volume_cm3, status, created_at, updated_at) VALUES `
	bulkSKURow      = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// BulkProducts writes products and their SKUs many rows per statement, over statements
// prepared once per transaction: the demo generator and bulk imports load a million SKUs
// with it. It lives inside one transaction (the one in the context given to
// NewBulkProducts) and buffers rows, so a failing row (a duplicate SKU code, say) is
// reported by the Add that fills a buffer or by Close, not necessarily by the Add that
// carried it. Close must be called before the transaction commits. It is not safe for
// concurrent use.
type BulkProducts struct {
	s   *Store
	ctx context.Context

	prodStmt, skuStmt *sql.Stmt // full-batch statements, prepared on first use
	prodArgs, skuArgs []any
	nProd, nSKU       int
	buf               []byte
	closed            bool
	suppliers         map[string]bool // whose catalogue changed, announced at Close
}

// NewBulkProducts starts a bulk writer in the transaction that ctx carries.
func (s *Store) NewBulkProducts(ctx context.Context) (*BulkProducts, error) {
	if !db.InTx(ctx) {
		return nil, fmt.Errorf("store: bulk products: needs a transaction")
	}
	return &BulkProducts{
		s:        s,
		ctx:      ctx,
		prodArgs: make([]any, 0, bulkProductRows*13),
		skuArgs:  make([]any, 0, bulkSKURows*16),
	}, nil
}

// Add buffers a product and its SKUs, assigning IDs where they have none, exactly as
// AddProduct would store them. The SKUs' ProductID and SupplierID are set from p.
func (b *BulkProducts) Add(p *catalog.Product, skus []*catalog.SKU) error {
	if b.closed {
		return fmt.Errorf("store: bulk products: add after close")
	}
	if p.ID == "" {
		p.ID = db.NewID()
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	var brand any
	if p.BrandID != "" {
		brand = p.BrandID
	}
	if b.suppliers == nil {
		b.suppliers = map[string]bool{}
	}
	b.suppliers[p.SupplierID] = true
	created, updated := db.Millis(p.CreatedAt), db.Millis(p.UpdatedAt)
	b.buf = appendValuesJSON(b.buf[:0], p.Attrs)
	b.prodArgs = append(b.prodArgs, p.ID, p.SupplierID, p.CategoryID, brand, p.Title, p.Name, p.Model, p.Status,
		string(b.buf), p.Description, p.SalesCount, created, updated)
	b.nProd++
	if b.nProd == bulkProductRows {
		if err := b.flushProducts(); err != nil {
			return err
		}
	}
	for _, k := range skus {
		if k.ID == "" {
			k.ID = db.NewID()
		}
		k.ProductID, k.SupplierID = p.ID, p.SupplierID
		if k.Status == "" {
			k.Status = "active"
		}
		b.buf = appendValuesJSON(b.buf[:0], k.Spec)
		spec := string(b.buf)
		b.buf = appendTiersJSON(b.buf[:0], k.Tiers)
		b.skuArgs = append(b.skuArgs, k.ID, k.ProductID, k.SupplierID, k.Code, spec, k.Price, string(b.buf),
			k.MOQ, k.Multiple, k.Unit, k.Stock, k.WeightG, k.VolumeCM3, k.Status, created, updated)
		b.nSKU++
		if b.nSKU == bulkSKURows {
			// SKUs reference their product: write buffered products first.
			if err := b.flushProducts(); err != nil {
				return err
			}
			if err := b.flushSKUs(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close writes whatever is buffered and releases the prepared statements.
func (b *BulkProducts) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	err := b.flushProducts()
	if err == nil {
		err = b.flushSKUs()
	}
	for id := range b.suppliers {
		if err == nil {
			err = b.s.Emit(b.ctx, TopicSupplier, id)
		}
	}
	for _, st := range []*sql.Stmt{b.prodStmt, b.skuStmt} {
		if st != nil {
			if e := st.Close(); err == nil && e != nil {
				err = fmt.Errorf("store: bulk products: close statement: %w", e)
			}
		}
	}
	return err
}

func (b *BulkProducts) flushProducts() error {
	if b.nProd == 0 {
		return nil
	}
	err := b.exec(&b.prodStmt, bulkProductCols, bulkProductRow, b.nProd, bulkProductRows, b.prodArgs)
	b.prodArgs, b.nProd = clearArgs(b.prodArgs), 0
	if err != nil {
		return fmt.Errorf("store: bulk add products: %w", err)
	}
	return nil
}

func (b *BulkProducts) flushSKUs() error {
	if b.nSKU == 0 {
		return nil
	}
	err := b.exec(&b.skuStmt, bulkSKUCols, bulkSKURow, b.nSKU, bulkSKURows, b.skuArgs)
	b.skuArgs, b.nSKU = clearArgs(b.skuArgs), 0
	if err != nil {
		return fmt.Errorf("store: bulk add skus: %w", err)
	}
	return nil
}

// exec runs one multi-row INSERT: a full batch through the statement prepared once, a
// short tail as a one-off statement.
func (b *BulkProducts) exec(stmt **sql.Stmt, head, row string, n, full int, args []any) error {
	if n == full {
		if *stmt == nil {
			st, err := b.s.DB.Prepare(b.ctx, multiRow(head, row, full))
			if err != nil {
				return err
			}
			*stmt = st
		}
		_, err := (*stmt).ExecContext(b.ctx, args...)
		return err
	}
	_, err := b.s.DB.Exec(b.ctx, multiRow(head, row, n), args...)
	return err
}

func multiRow(head, row string, n int) string {
	var sb strings.Builder
	sb.Grow(len(head) + n*(len(row)+2))
	sb.WriteString(head)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// clearArgs empties args for reuse, dropping references so buffered strings can be freed.
func clearArgs(args []any) []any {
	clear(args)
	return args[:0]
}

// appendValuesJSON appends vs as the same JSON that jsonText(valuesOrEmpty(vs)) writes,
// without reflection: a million SKUs spend measurable time in encoding/json otherwise.
func appendValuesJSON(b []byte, vs []catalog.Value) []byte {
	b = append(b, '[')
	for i := range vs {
		v := &vs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"c":`...)
		b = appendJSONString(b, v.Code)
		b = append(b, `,"t":`...)
		b = appendJSONString(b, v.Text)
		if v.Num != nil {
			b = append(b, `,"n":`...)
			b = appendJSONFloat(b, *v.Num)
		}
		if v.Max != nil {
			b = append(b, `,"x":`...)
			b = appendJSONFloat(b, *v.Max)
		}
		if v.Unit != "" {
			b = append(b, `,"u":`...)
			b = appendJSONString(b, v.Unit)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendTiersJSON appends ts as encoding/json would ("null" for nil, like jsonText).
func appendTiersJSON(b []byte, ts []catalog.Tier) []byte {
	if ts == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"q":`...)
		b = strconv.AppendInt(b, t.MinQty, 10)
		b = append(b, `,"p":`...)
		b = strconv.AppendInt(b, t.UnitPrice, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONFloat formats f the way encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		// encoding/json refuses these; store null rather than invalid JSON.
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s exactly as encoding/json does, HTML escaping included.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
