package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

var _ order.Store = (*Store)(nil)

// orderSKUCols reads a SKU for the cart and checkout; OnSale needs the product on sale,
// the SKU active and the supplier active with a live store.
const orderSKUCols = `k.id, k.code, k.product_id, p.title, k.spec, k.supplier_id, o.name, k.unit, k.price, k.tiers, k.moq, k.multiple, k.stock,
	k.weight_g, p.freight_template_id, (p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE)`

const orderSKUFrom = ` FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id`

type orderSKURow struct {
	spec, tiers string
}

func (r *orderSKURow) dest(k *order.SKU) []any {
	return []any{&k.ID, &k.Code, &k.ProductID, &k.Title, &r.spec, &k.SupplierID, &k.SupplierName, &k.Unit, &k.Price, &r.tiers,
		&k.MOQ, &k.Multiple, &k.Stock, &k.WeightG, &k.FreightID, &k.OnSale}
}

func (r *orderSKURow) finish(k *order.SKU) error {
	var spec []catalog.Value
	if err := fromJSON(r.spec, &spec); err != nil {
		return err
	}
	parts := make([]string, 0, len(spec))
	for _, v := range spec {
		parts = append(parts, v.Text)
	}
	k.Spec = strings.Join(parts, " ")
	return fromJSON(r.tiers, &k.Tiers)
}

func validIDs(ids []string) []any {
	out := make([]any, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if db.ValidID(id) && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// OrderSKUs reads SKUs by ID in one query.
func (s *Store) OrderSKUs(ctx context.Context, ids []string) (map[string]order.SKU, error) {
	out := map[string]order.SKU{}
	args := validIDs(ids)
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT `+orderSKUCols+orderSKUFrom+` WHERE k.id IN (`+db.Placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: order skus: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k order.SKU
		var r orderSKURow
		if err := rows.Scan(r.dest(&k)...); err != nil {
			return nil, err
		}
		if err := r.finish(&k); err != nil {
			return nil, err
		}
		out[k.ID] = k
	}
	return out, rows.Err()
}

// OrderSKUsByCode reads SKUs by code across suppliers in one query.
func (s *Store) OrderSKUsByCode(ctx context.Context, codes []string) (map[string][]order.SKU, error) {
	out := map[string][]order.SKU{}
	var args []any
	seen := map[string]bool{}
	for _, c := range codes {
		if c != "" && !seen[c] {
			seen[c] = true
			args = append(args, c)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT `+orderSKUCols+orderSKUFrom+` WHERE k.code IN (`+db.Placeholders(len(args))+`) ORDER BY k.supplier_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: order skus by code: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k order.SKU
		var r orderSKURow
		if err := rows.Scan(r.dest(&k)...); err != nil {
			return nil, err
		}
		if err := r.finish(&k); err != nil {
			return nil, err
		}
		out[k.Code] = append(out[k.Code], k)
	}
	return out, rows.Err()
}

// FreightTemplates reads freight templates by ID in one query.
func (s *Store) FreightTemplates(ctx context.Context, ids []string) (map[string]*freight.Template, error) {
	out := map[string]*freight.Template{}
	args := validIDs(ids)
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT `+freightCols+` FROM freight_templates WHERE id IN (`+db.Placeholders(len(args))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: freight templates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanFreight(rows)
		if err != nil {
			return nil, err
		}
		out[t.ID] = t
	}
	return out, rows.Err()
}

// CartItems returns a member's cart in the order items were added.
func (s *Store) CartItems(ctx context.Context, orgID, userID string) ([]order.CartItem, error) {
	if !db.ValidID(orgID) || !db.ValidID(userID) {
		return nil, nil
	}
	rows, err := s.DB.Query(ctx, `SELECT c.qty, c.saved, c.added_price, c.added_stock, c.added_at, c.updated_at, `+orderSKUCols+`
		FROM cart_items c JOIN skus k ON k.id = c.sku_id JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		WHERE c.org_id = ? AND c.user_id = ? ORDER BY c.added_at, c.sku_id`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: cart: %w", err)
	}
	defer rows.Close()
	var out []order.CartItem
	for rows.Next() {
		var it order.CartItem
		var r orderSKURow
		var added, updated int64
		if err := rows.Scan(append([]any{&it.Qty, &it.Saved, &it.AddedPrice, &it.AddedStock, &added, &updated}, r.dest(&it.SKU)...)...); err != nil {
			return nil, err
		}
		if err := r.finish(&it.SKU); err != nil {
			return nil, err
		}
		it.SKUID, it.AddedAt, it.UpdatedAt = it.SKU.ID, db.Time(added), db.Time(updated)
		out = append(out, it)
	}
	return out, rows.Err()
}

// PutCartItem inserts or replaces a cart item.
func (s *Store) PutCartItem(ctx context.Context, orgID, userID string, it order.CartItem) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO cart_items (org_id, user_id, sku_id, qty, saved, added_price, added_stock, added_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, user_id, sku_id) DO UPDATE SET qty = excluded.qty, saved = excluded.saved, added_price = excluded.added_price,
			added_stock = excluded.added_stock, updated_at = excluded.updated_at`,
		orgID, userID, it.SKUID, it.Qty, it.Saved, it.AddedPrice, it.AddedStock, db.Millis(it.AddedAt), db.Millis(it.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: put cart item: %w", err)
	}
	return nil
}

// RemoveCartItems removes SKUs from a member's cart (all when skuIDs is nil).
func (s *Store) RemoveCartItems(ctx context.Context, orgID, userID string, skuIDs []string) error {
	if !db.ValidID(orgID) || !db.ValidID(userID) {
		return nil
	}
	q := `DELETE FROM cart_items WHERE org_id = ? AND user_id = ?`
	args := []any{orgID, userID}
	if skuIDs != nil {
		ids := validIDs(skuIDs)
		if len(ids) == 0 {
			return nil
		}
		q += ` AND sku_id IN (` + db.Placeholders(len(ids)) + `)`
		args = append(args, ids...)
	}
	if _, err := s.DB.Exec(ctx, q, args...); err != nil {
		return fmt.Errorf("store: remove cart items: %w", err)
	}
	return nil
}

// ClaimCheckout records a checkout or returns the one already holding its token.
func (s *Store) ClaimCheckout(ctx context.Context, c *order.Checkout) (string, error) {
	res, err := s.DB.Exec(ctx, `INSERT INTO checkouts (id, org_id, user_id, token, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (org_id, user_id, token) DO NOTHING`, c.ID, c.OrgID, c.UserID, c.Token, db.Millis(c.CreatedAt))
	if err != nil {
		return "", fmt.Errorf("store: claim checkout: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return "", nil
	}
	var id string
	err = s.DB.QueryRow(ctx, `SELECT id FROM checkouts WHERE org_id = ? AND user_id = ? AND token = ?`, c.OrgID, c.UserID, c.Token).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("store: claimed checkout: %w", err)
	}
	return id, nil
}

// ReserveStock takes qty from a SKU's stock only if that much is there. The condition is
// in the UPDATE itself, so two checkouts can never both take the last unit: on SQLite
// writers are serialised, on PostgreSQL the second UPDATE waits for the first's row lock
// and then re-checks the condition against the committed stock.
func (s *Store) ReserveStock(ctx context.Context, skuID string, qty int64) (bool, error) {
	ok := false
	err := s.DB.WithTx(ctx, func(ctx context.Context) error { // a write: joins the checkout's transaction
		var left, moq int64
		var product string
		err := s.DB.QueryRow(ctx, `UPDATE skus SET stock = stock - ? WHERE id = ? AND stock >= ? RETURNING stock, moq, CAST(product_id AS TEXT)`,
			qty, skuID, qty).Scan(&left, &moq, &product)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: reserve stock: %w", err)
		}
		ok = true
		return s.stockCrossed(ctx, product, left+qty, left, moq)
	})
	return ok, err
}

// ReleaseStock gives reserved stock back.
func (s *Store) ReleaseStock(ctx context.Context, skuID string, qty int64) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		var now, moq int64
		var product string
		err := s.DB.QueryRow(ctx, `UPDATE skus SET stock = stock + ? WHERE id = ? RETURNING stock, moq, CAST(product_id AS TEXT)`,
			qty, skuID).Scan(&now, &moq, &product)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: release stock: %w", err)
		}
		return s.stockCrossed(ctx, product, now-qty, now, moq)
	})
}

// stockCrossed tells the search index, through the outbox and in the caller's
// transaction, when a SKU's stock runs out or comes back (crosses zero or its MOQ): that
// is when it enters or leaves "in stock". Smaller moves are not worth a reload of the
// product on every checkout.
func (s *Store) stockCrossed(ctx context.Context, product string, before, after, moq int64) error {
	if (before > 0) == (after > 0) && (before >= moq) == (after >= moq) {
		return nil
	}
	return s.Emit(ctx, "product", product)
}

// NextOrderNumbers reserves n numbers of a day's sequence in one statement: the day's row
// is created by the first checkout of the day and incremented by the others, in the
// transaction, so numbers are unique on both engines under any concurrency (the row lock
// holds until commit on PostgreSQL; SQLite serialises writers).
func (s *Store) NextOrderNumbers(ctx context.Context, day string, n int) (int64, error) {
	var last int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error { // a write: joins the checkout's transaction
		return s.DB.QueryRow(ctx, `INSERT INTO order_seq (day, last) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET last = order_seq.last + excluded.last RETURNING last`, day, n).Scan(&last)
	})
	if err != nil {
		return 0, fmt.Errorf("store: order seq: %w", err)
	}
	return last - int64(n) + 1, nil
}

// InsertOrders writes orders and, in one statement, all their lines.
func (s *Store) InsertOrders(ctx context.Context, orders []*order.Order) error {
	var lineArgs []any
	nLines := 0
	for _, o := range orders {
		_, err := s.DB.Exec(ctx, `INSERT INTO orders (id, number, checkout_id, buyer_org_id, buyer_user_id, supplier_id, state, goods_fen, freight_fen, total_fen,
			consignee, mobile, division_code, division_name, street, postcode, note, approval_steps, pay_deadline, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Number, o.CheckoutID, o.BuyerOrgID, o.BuyerUserID, o.SupplierID, string(o.State), int64(o.Goods), int64(o.Freight), int64(o.Total),
			o.Address.Consignee, o.Address.Mobile, o.Address.DivisionCode, o.Address.DivisionName, o.Address.Street, o.Address.Postcode, o.Note,
			jsonText(o.Steps), db.Millis(o.PayDeadline), db.Millis(o.CreatedAt), db.Millis(o.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: insert order: %w", err)
		}
		for _, l := range o.Lines {
			lineArgs = append(lineArgs, o.ID, l.No, nullID(l.SKUID), nullID(l.ProductID), l.SKUCode, l.Title, l.Spec, l.Unit, l.Qty, int64(l.UnitPrice), int64(l.Amount), int64(l.TaxRate))
			nLines++
		}
	}
	if nLines == 0 {
		return nil
	}
	vals := strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", nLines)
	_, err := s.DB.Exec(ctx, `INSERT INTO order_lines (order_id, line_no, sku_id, product_id, sku_code, title, spec, unit, qty, unit_price, amount_fen, tax_rate) VALUES `+
		strings.TrimSuffix(vals, ", "), lineArgs...)
	if err != nil {
		return fmt.Errorf("store: insert order lines: %w", err)
	}
	return nil
}

// AddEvents records order events in one statement.
func (s *Store) AddEvents(ctx context.Context, evs []order.Event) error {
	if len(evs) == 0 {
		return nil
	}
	var args []any
	for _, e := range evs {
		args = append(args, e.OrderID, e.Action, string(e.From), string(e.To), e.ActorID, e.ActorName, e.Note, db.Millis(e.At))
	}
	vals := strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(evs))
	_, err := s.DB.Exec(ctx, `INSERT INTO order_events (order_id, action, from_state, to_state, actor_id, actor_name, note, created_at) VALUES `+
		strings.TrimSuffix(vals, ", "), args...)
	if err != nil {
		return fmt.Errorf("store: order events: %w", err)
	}
	return nil
}

// SetState moves an order only if it is still in from.
func (s *Store) SetState(ctx context.Context, id string, from, to order.State, payDeadline, at time.Time) (bool, error) {
	q := `UPDATE orders SET state = ?, updated_at = ? WHERE id = ? AND state = ?`
	args := []any{string(to), db.Millis(at), id, string(from)}
	if !payDeadline.IsZero() {
		q = `UPDATE orders SET state = ?, updated_at = ?, pay_deadline = ? WHERE id = ? AND state = ?`
		args = []any{string(to), db.Millis(at), db.Millis(payDeadline), id, string(from)}
	}
	res, err := s.DB.Exec(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("store: order state: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AddApproval records an approval; the same member approving the same step twice is a
// conflict.
// LockOrder touches an order's row, which holds its lock (PostgreSQL) until the
// transaction ends, so decisions on one order happen one after another; SQLite's writer
// is already alone.
func (s *Store) LockOrder(ctx context.Context, id string, at time.Time) error {
	if !db.ValidID(id) { // PostgreSQL would refuse the text as a uuid
		return errs.E(errs.NotFound, "err.not_found")
	}
	if _, err := s.DB.Exec(ctx, `UPDATE orders SET updated_at = ? WHERE id = ?`, db.Millis(at), id); err != nil {
		return fmt.Errorf("store: lock order: %w", err)
	}
	return nil
}

func (s *Store) AddApproval(ctx context.Context, orderID string, a order.Approval) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO order_approvals (order_id, step, user_id, owner, created_at) VALUES (?, ?, ?, ?, ?)`, orderID, a.Step, a.UserID, a.Owner, db.Millis(a.At))
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "order.err.approved_already")
	}
	if err != nil {
		return fmt.Errorf("store: order approval: %w", err)
	}
	return nil
}

const orderCols = `r.id, r.number, r.checkout_id, r.buyer_org_id, b.name, r.buyer_user_id, r.supplier_id, sp.name, r.state, r.goods_fen, r.freight_fen, r.total_fen,
	r.consignee, r.mobile, r.division_code, r.division_name, r.street, r.postcode, r.note, r.approval_steps, r.pay_deadline, r.created_at, r.updated_at`

const orderFrom = ` FROM orders r JOIN orgs b ON b.id = r.buyer_org_id JOIN orgs sp ON sp.id = r.supplier_id`

func scanOrder(row interface{ Scan(...any) error }) (*order.Order, error) {
	var o order.Order
	var state, steps string
	var goods, fr, total, deadline, created, updated int64
	err := row.Scan(&o.ID, &o.Number, &o.CheckoutID, &o.BuyerOrgID, &o.BuyerName, &o.BuyerUserID, &o.SupplierID, &o.SupplierName, &state, &goods, &fr, &total,
		&o.Address.Consignee, &o.Address.Mobile, &o.Address.DivisionCode, &o.Address.DivisionName, &o.Address.Street, &o.Address.Postcode, &o.Note,
		&steps, &deadline, &created, &updated)
	if err != nil {
		return nil, err
	}
	if err := fromJSON(steps, &o.Steps); err != nil {
		return nil, err
	}
	o.State, o.Goods, o.Freight, o.Total = order.State(state), money.Fen(goods), money.Fen(fr), money.Fen(total)
	o.PayDeadline, o.CreatedAt, o.UpdatedAt = db.Time(deadline), db.Time(created), db.Time(updated)
	return &o, nil
}

// Order returns an order with its lines, approvals and events.
func (s *Store) Order(ctx context.Context, id string) (*order.Order, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	o, err := scanOrder(s.DB.QueryRow(ctx, `SELECT `+orderCols+orderFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "order")
	}
	list := []order.Order{*o}
	if err := s.orderLines(ctx, list); err != nil {
		return nil, err
	}
	*o = list[0]
	rows, err := s.DB.Query(ctx, `SELECT step, user_id, owner, created_at FROM order_approvals WHERE order_id = ? ORDER BY created_at, step`, id)
	if err != nil {
		return nil, fmt.Errorf("store: order approvals: %w", err)
	}
	for rows.Next() {
		var a order.Approval
		var at int64
		if err := rows.Scan(&a.Step, &a.UserID, &a.Owner, &at); err != nil {
			rows.Close()
			return nil, err
		}
		a.At = db.Time(at)
		o.Approvals = append(o.Approvals, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.Query(ctx, `SELECT id, action, from_state, to_state, actor_id, actor_name, note, created_at FROM order_events WHERE order_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: order events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e := order.Event{OrderID: id}
		var from, to string
		var at int64
		if err := rows.Scan(&e.ID, &e.Action, &from, &to, &e.ActorID, &e.ActorName, &e.Note, &at); err != nil {
			return nil, err
		}
		e.From, e.To, e.At = order.State(from), order.State(to), db.Time(at)
		o.Events = append(o.Events, e)
	}
	return o, rows.Err()
}

// orderLines fills the lines of orders in one query.
func (s *Store) orderLines(ctx context.Context, orders []order.Order) error {
	if len(orders) == 0 {
		return nil
	}
	idx := map[string]int{}
	args := make([]any, len(orders))
	for i, o := range orders {
		idx[o.ID] = i
		args[i] = o.ID
	}
	rows, err := s.DB.Query(ctx, `SELECT order_id, line_no, COALESCE(CAST(sku_id AS TEXT), ''), COALESCE(CAST(product_id AS TEXT), ''), sku_code, title, spec, unit, qty, unit_price, amount_fen, tax_rate
		FROM order_lines WHERE order_id IN (`+db.Placeholders(len(args))+`) ORDER BY order_id, line_no`, args...)
	if err != nil {
		return fmt.Errorf("store: order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l order.Line
		var oid string
		var price, amount, rate int64
		if err := rows.Scan(&oid, &l.No, &l.SKUID, &l.ProductID, &l.SKUCode, &l.Title, &l.Spec, &l.Unit, &l.Qty, &price, &amount, &rate); err != nil {
			return err
		}
		l.UnitPrice, l.Amount, l.TaxRate = money.UnitPrice(price), money.Fen(amount), money.Rate(rate)
		o := &orders[idx[oid]]
		o.Lines = append(o.Lines, l)
	}
	return rows.Err()
}

func (s *Store) queryOrders(ctx context.Context, where string, args ...any) ([]order.Order, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+orderCols+orderFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: orders: %w", err)
	}
	defer rows.Close()
	var out []order.Order
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// Orders lists orders newest first, without lines.
func (s *Store) Orders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	var conds []string
	var args []any
	if f.BuyerOrgID != "" {
		if !db.ValidID(f.BuyerOrgID) {
			return nil, nil
		}
		conds, args = append(conds, "r.buyer_org_id = ?"), append(args, f.BuyerOrgID)
	}
	if f.SupplierID != "" {
		if !db.ValidID(f.SupplierID) {
			return nil, nil
		}
		conds, args = append(conds, "r.supplier_id = ?"), append(args, f.SupplierID)
	}
	if f.State != "" {
		conds, args = append(conds, "r.state = ?"), append(args, string(f.State))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	return s.queryOrders(ctx, where+` ORDER BY r.created_at DESC, r.number DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
}

// OrdersByCheckout returns a checkout's orders with their lines, by number.
func (s *Store) OrdersByCheckout(ctx context.Context, checkoutID string) ([]order.Order, error) {
	out, err := s.queryOrders(ctx, ` WHERE r.checkout_id = ? ORDER BY r.number`, checkoutID)
	if err != nil {
		return nil, err
	}
	return out, s.orderLines(ctx, out)
}

// DueReminders returns orders awaiting payment whose deadline falls in (now, by] and whose
// buyer was not reminded yet.
func (s *Store) DueReminders(ctx context.Context, now, by time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due reminders", `SELECT id FROM orders WHERE state = ? AND pay_deadline > ? AND pay_deadline <= ? AND reminded_at = 0 ORDER BY pay_deadline LIMIT ?`,
		string(order.AwaitingPayment), db.Millis(now), db.Millis(by), limit)
}

// MarkReminded records the reminder of an order; false when it was already reminded.
func (s *Store) MarkReminded(ctx context.Context, id string, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE orders SET reminded_at = ? WHERE id = ? AND reminded_at = 0`, db.Millis(at), id)
	if err != nil {
		return false, fmt.Errorf("store: mark reminded: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// DueUnpaid returns orders awaiting approval or payment whose step's deadline passed, oldest deadline first.
func (s *Store) DueUnpaid(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return s.strings(ctx, "due unpaid", `SELECT id FROM orders WHERE state IN (?, ?) AND pay_deadline > 0 AND pay_deadline <= ? ORDER BY pay_deadline LIMIT ?`,
		string(order.AwaitingPayment), string(order.AwaitingApproval), db.Millis(now), limit)
}
