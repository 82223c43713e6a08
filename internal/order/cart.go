package order

import (
	"context"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// CartLine is a cart item priced now, with what changed since it was added.
type CartLine struct {
	CartItem
	UnitPrice    money.UnitPrice // the tier price for Qty now
	Amount       money.Fen
	PriceChanged bool // UnitPrice differs from the price when added
	StockShort   bool // less in stock now than Qty
	Problem      *errs.Msg
}

// Group is one supplier's part of a cart: it becomes one order at checkout.
type Group struct {
	SupplierID   string
	SupplierName string
	Lines        []CartLine
	Goods        money.Fen
	Freight      money.Fen
	FreeFreight  bool // a template's free-shipping threshold was reached
	Delivered    bool // false when a template does not deliver to the province
	Total        money.Fen
}

// Added is what adding to the cart answers: the line as it now stands and the cart's
// size, without pricing freight for the whole cart (Cart does that).
type Added struct {
	Line  CartLine  // the SKU's line at the tier price for its new quantity
	Count int       // active lines in the cart
	Goods money.Fen // the active lines at today's tier prices, before freight
}

// Cart is a member's cart as the cart page and API show it.
type Cart struct {
	Address   *buyer.Address // the address freight is quoted to; nil when the company has none
	Groups    []Group
	Saved     []CartLine // saved for later
	Goods     money.Fen
	Freight   money.Fen
	Total     money.Fen
	Count     int  // active lines
	Orderable bool // every active line can be checked out as it stands
}

// checkQty records why qty of k cannot be ordered, against field.
func checkQty(v *errs.Validator, field string, k SKU, qty int64, stock bool) {
	switch {
	case !k.OnSale:
		v.Add(field, "order.err.off_sale", k.Code)
	case qty <= 0:
		v.Add(field, "order.err.qty_positive")
	case qty > MaxQty:
		v.Add(field, "order.err.qty_absurd", int64(MaxQty))
	case qty < k.MOQ:
		v.Add(field, "order.err.below_moq", k.MOQ, k.Unit)
	case k.Multiple > 1 && qty%k.Multiple != 0:
		v.Add(field, "order.err.multiple", k.Multiple, k.Unit)
	case stock && qty > k.Stock:
		v.Add(field, "order.err.stock", k.Stock, k.Unit)
	}
}

// ParseQty reads a quantity as typed ("1000", "1,000", full-width digits); ok is false
// for anything that is not a whole number.
func ParseQty(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == ',' || r == '，' || unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
	if s == "" || len(s) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Cart returns the caller's cart priced now, freight quoted to addressID (the default
// address when "").
func (s *Service) Cart(ctx context.Context, p *identity.Principal, addressID string) (*Cart, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	items, err := s.Store.CartItems(ctx, p.Org.ID, p.User.ID)
	if err != nil {
		return nil, err
	}
	c := &Cart{Orderable: true}
	addrs, err := s.Buyers.Addresses(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	for i := range addrs {
		if addrs[i].ID == addressID || addressID == "" && (addrs[i].Default || c.Address == nil) {
			c.Address = &addrs[i]
		}
	}
	var active []CartItem
	for _, it := range items {
		if it.Saved {
			c.Saved = append(c.Saved, priceLine(it))
		} else {
			active = append(active, it)
		}
	}
	province := ""
	if c.Address != nil {
		province = Address{DivisionCode: c.Address.DivisionCode}.Province()
	}
	tmpls, err := s.Store.FreightTemplates(ctx, templateIDs(active))
	if err != nil {
		return nil, err
	}
	c.Groups = group(active, tmpls, province)
	for _, g := range c.Groups {
		c.Goods += g.Goods
		c.Freight += g.Freight
		c.Total += g.Total
		c.Count += len(g.Lines)
		if !g.Delivered {
			c.Orderable = false
		}
		for _, l := range g.Lines {
			if l.Problem != nil {
				c.Orderable = false
			}
		}
	}
	if c.Count == 0 || c.Address == nil {
		c.Orderable = false
	}
	return c, nil
}

func priceLine(it CartItem) CartLine {
	l := CartLine{CartItem: it, UnitPrice: it.SKU.UnitPriceFor(it.Qty)}
	amount, err := money.LineTotal(l.UnitPrice, it.Qty)
	l.Amount = amount
	l.PriceChanged = int64(l.UnitPrice) != it.AddedPrice
	l.StockShort = it.SKU.Stock < it.Qty
	var v errs.Validator
	checkQty(&v, "qty", it.SKU, it.Qty, true)
	if err != nil || amount > money.MaxFen {
		l.Amount = 0
		v.Add("qty", "order.err.amount_absurd")
	}
	if e := errs.As(v.Err()); e != nil {
		l.Problem = &e.Fields[0].Msg
	}
	return l
}

func templateIDs(items []CartItem) []string {
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		if id := it.SKU.FreightID; id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// group splits items by supplier (in the order first added), prices each line at its
// tier and quotes each supplier's freight: lines sharing a template are quoted together
// (kilograms rounded up for weight templates, pieces otherwise); lines without one ship
// at a price agreed per order (0 here).
func group(items []CartItem, tmpls map[string]*freight.Template, province string) []Group {
	var out []Group
	idx := map[string]int{}
	for _, it := range items {
		i, ok := idx[it.SKU.SupplierID]
		if !ok {
			i = len(out)
			idx[it.SKU.SupplierID] = i
			out = append(out, Group{SupplierID: it.SKU.SupplierID, SupplierName: it.SKU.SupplierName, Delivered: true})
		}
		l := priceLine(it)
		out[i].Lines = append(out[i].Lines, l)
		out[i].Goods += l.Amount
	}
	for gi := range out {
		g := &out[gi]
		type acc struct {
			grams, pieces int64
			amount        money.Fen
		}
		per := map[string]*acc{}
		var order []string
		for _, l := range g.Lines {
			id := l.SKU.FreightID
			if id == "" || tmpls[id] == nil {
				continue
			}
			a := per[id]
			if a == nil {
				a = &acc{}
				per[id] = a
				order = append(order, id)
			}
			a.grams = satAdd(a.grams, satMul(l.SKU.WeightG, l.Qty))
			a.pieces = satAdd(a.pieces, l.Qty)
			a.amount += l.Amount
		}
		for _, id := range order {
			t, a := tmpls[id], per[id]
			units := a.pieces
			if t.Basis == freight.ByWeight {
				units = (a.grams + 999) / 1000
			}
			q := t.Quote(province, units, a.amount)
			if !q.Delivered {
				g.Delivered = false
			}
			if q.Free {
				g.FreeFreight = true
			}
			g.Freight += q.Fee
		}
		g.Total = g.Goods + g.Freight
	}
	return out
}

// satAdd and satMul stop at the int64 bounds instead of wrapping: an absurd weight or
// quantity must quote an absurd freight (refused), never a negative one.
func satAdd(a, b int64) int64 {
	if s := a + b; (s > a) == (b > 0) {
		return s
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if p := a * b; p/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64) {
		return p
	}
	if (a > 0) == (b > 0) {
		return math.MaxInt64
	}
	return math.MinInt64
}

// resolve finds one SKU by ID or code for field; a code several suppliers use must be
// given as the SKU ID.
func (s *Service) resolve(ctx context.Context, v *errs.Validator, field, ref string) (SKU, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		v.Add(field, "err.required")
		return SKU{}, false
	}
	if db.ValidID(ref) {
		m, err := s.Store.OrderSKUs(ctx, []string{ref})
		if err == nil {
			if k, ok := m[ref]; ok {
				return k, true
			}
		}
	} else {
		m, err := s.Store.OrderSKUsByCode(ctx, []string{ref})
		if err == nil {
			switch ks := m[ref]; len(ks) {
			case 1:
				return ks[0], true
			case 0:
			default:
				v.Add(field, "order.err.sku_ambiguous", ref)
				return SKU{}, false
			}
		}
	}
	v.Add(field, "order.err.sku_unknown", ref)
	return SKU{}, false
}

// Add puts qty of a SKU (by ID or code) in the caller's cart; a SKU already there adds
// up. The quantity must meet the MOQ and multiple and be in stock.
func (s *Service) Add(ctx context.Context, p *identity.Principal, ref, qtyText string) (*Added, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	var v errs.Validator
	k, ok := s.resolve(ctx, &v, "sku", ref)
	qty, qok := ParseQty(qtyText)
	v.Check(qok, "qty", "order.err.qty_number")
	if !ok || !qok {
		return nil, v.Err()
	}
	var out *Added
	// A cart edit moves no money: it need not wait for the disk (see db.Relaxed).
	err := s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		items, err := s.Store.CartItems(ctx, p.Org.ID, p.User.ID)
		if err != nil {
			return err
		}
		var cur *CartItem
		for i := range items {
			if items[i].SKUID == k.ID {
				cur = &items[i]
			}
		}
		if cur == nil && len(items) >= MaxCartItems {
			return errs.Field("sku", "order.err.cart_full", MaxCartItems)
		}
		total := qty
		if cur != nil && qty > 0 {
			total += cur.Qty
		}
		checkQty(&v, "qty", k, total, true)
		if err := v.Err(); err != nil {
			return err
		}
		now := s.now()
		it := CartItem{SKUID: k.ID, Qty: total, AddedPrice: int64(k.UnitPriceFor(total)), AddedStock: k.Stock, AddedAt: now, UpdatedAt: now, SKU: k}
		if cur != nil {
			it.AddedAt = cur.AddedAt
		}
		l := priceLine(it)
		out = &Added{Line: l, Count: 1, Goods: l.Amount}
		for _, o := range items {
			if !o.Saved && o.SKUID != k.ID {
				out.Count++
				out.Goods += priceLine(o).Amount
			}
		}
		return s.Store.PutCartItem(ctx, p.Org.ID, p.User.ID, it)
	})
	return out, err
}

// SetQty changes the quantity of a SKU in the caller's cart; saved moves it to or from
// "saved for later" (nil leaves it).
func (s *Service) SetQty(ctx context.Context, p *identity.Principal, skuID, qtyText string, saved *bool) error {
	if err := buyerOnly(p); err != nil {
		return err
	}
	return s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		items, err := s.Store.CartItems(ctx, p.Org.ID, p.User.ID)
		if err != nil {
			return err
		}
		var cur *CartItem
		for i := range items {
			if items[i].SKUID == skuID {
				cur = &items[i]
			}
		}
		if cur == nil {
			return notFound()
		}
		it := *cur
		if qtyText != "" {
			qty, ok := ParseQty(qtyText)
			if !ok {
				return errs.Field("qty", "order.err.qty_number")
			}
			var v errs.Validator
			checkQty(&v, "qty", it.SKU, qty, true)
			if err := v.Err(); err != nil {
				return err
			}
			it.Qty = qty
			it.AddedPrice, it.AddedStock = int64(it.SKU.UnitPriceFor(qty)), it.SKU.Stock
		}
		if saved != nil {
			it.Saved = *saved
		}
		it.UpdatedAt = s.now()
		return s.Store.PutCartItem(ctx, p.Org.ID, p.User.ID, it)
	})
}

// Remove takes a SKU out of the caller's cart.
func (s *Service) Remove(ctx context.Context, p *identity.Principal, skuID string) error {
	if err := buyerOnly(p); err != nil {
		return err
	}
	if !db.ValidID(skuID) {
		return notFound()
	}
	return s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		return s.Store.RemoveCartItems(ctx, p.Org.ID, p.User.ID, []string{skuID})
	})
}

// QuickLine is one parsed quick-order line.
type QuickLine struct {
	Line int
	Code string
	Qty  int64
}

// splitQuick cuts a pasted line into fields at tabs, spaces (also the ideographic space)
// and commas (also the full-width comma).
func splitQuick(line string) []string {
	return strings.FieldsFunc(line, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || unicode.IsSpace(r)
	})
}

// QuickOrder adds pasted "SKU码 数量" lines to the caller's cart, all or nothing: when any
// line is bad, nothing is added and every bad line is reported as field lines.N (N from
// 1). Blank lines are skipped. It returns how many lines were added.
func (s *Service) QuickOrder(ctx context.Context, p *identity.Principal, pasted string) (int, error) {
	if err := buyerOnly(p); err != nil {
		return 0, err
	}
	var v errs.Validator
	lines := ParseQuick(pasted, &v)
	return s.addQuick(ctx, p, lines, &v)
}

// ParseQuick reads pasted "SKU码 数量" lines: the well-formed ones are returned, each bad
// one is recorded in v as lines.N (N from 1); blank lines are skipped.
func ParseQuick(pasted string, v *errs.Validator) []QuickLine {
	var lines []QuickLine
	for i, raw := range strings.Split(strings.ReplaceAll(pasted, "\r\n", "\n"), "\n") {
		f := splitQuick(raw)
		if len(f) == 0 {
			continue
		}
		field := "lines." + strconv.Itoa(i+1)
		if len(f) != 2 {
			v.Add(field, "order.err.quick_format")
			continue
		}
		qty, ok := ParseQty(f[1])
		if !ok {
			v.Add(field, "order.err.qty_number")
			continue
		}
		lines = append(lines, QuickLine{Line: i + 1, Code: f[0], Qty: qty})
	}
	return lines
}

// quickColumns are the columns of a quick-order spreadsheet.
var quickColumns = []sheet.Column{
	{Key: "sku", Header: "SKU码", Aliases: []string{"SKU", "SKU code", "商品编码", "编码", "货号"}, Required: true, Text: true},
	{Key: "qty", Header: "数量", Aliases: []string{"Qty", "Quantity", "采购数量"}, Required: true},
}

// QuickOrderSheet adds the rows of an uploaded spreadsheet (.xlsx or CSV with the columns
// SKU码 and 数量) to the caller's cart, all or nothing like QuickOrder; bad rows are
// reported as lines.N with N the row number Excel shows.
func (s *Service) QuickOrderSheet(ctx context.Context, p *identity.Principal, rd *sheet.Reader) (int, error) {
	if err := buyerOnly(p); err != nil {
		return 0, err
	}
	m, err := sheet.Map(rd.Header(), quickColumns)
	if err != nil {
		return 0, err
	}
	var v errs.Validator
	var lines []QuickLine
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		field := "lines." + strconv.Itoa(row.Number)
		for _, pb := range row.Problems {
			v.Add(field, pb.Message.Key, pb.Message.Args...)
		}
		code, qtyText := strings.TrimSpace(row.Get(m, "sku")), row.Get(m, "qty")
		switch qty, ok := ParseQty(qtyText); {
		case v.Has(field):
		case code == "":
			v.Add(field, "order.err.quick_format")
		case !ok:
			v.Add(field, "order.err.qty_number")
		default:
			lines = append(lines, QuickLine{Line: row.Number, Code: code, Qty: qty})
		}
		if len(lines) > MaxCartItems {
			return 0, errs.Field("lines", "order.err.cart_full", MaxCartItems)
		}
	}
	return s.addQuick(ctx, p, lines, &v)
}

// addQuick adds parsed quick-order lines, or none when v or any line has an error.
func (s *Service) addQuick(ctx context.Context, p *identity.Principal, lines []QuickLine, v *errs.Validator) (int, error) {
	if len(lines) == 0 && v.Err() == nil {
		return 0, errs.Field("lines", "err.required")
	}
	if len(lines) > MaxCartItems {
		return 0, errs.Field("lines", "order.err.cart_full", MaxCartItems)
	}
	n := 0
	err := s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		var codes, ids []string
		for _, l := range lines {
			if db.ValidID(l.Code) {
				ids = append(ids, l.Code)
			} else {
				codes = append(codes, l.Code)
			}
		}
		byCode, err := s.Store.OrderSKUsByCode(ctx, codes)
		if err != nil {
			return err
		}
		byID, err := s.Store.OrderSKUs(ctx, ids)
		if err != nil {
			return err
		}
		items, err := s.Store.CartItems(ctx, p.Org.ID, p.User.ID)
		if err != nil {
			return err
		}
		cart := map[string]CartItem{}
		for _, it := range items {
			cart[it.SKUID] = it
		}
		now := s.now()
		var put []CartItem
		for _, l := range lines {
			field := "lines." + strconv.Itoa(l.Line)
			var k SKU
			if kk, ok := byID[l.Code]; ok {
				k = kk
			} else if ks := byCode[l.Code]; len(ks) == 1 {
				k = ks[0]
			} else if len(ks) > 1 {
				v.Add(field, "order.err.sku_ambiguous", l.Code)
				continue
			} else {
				v.Add(field, "order.err.sku_unknown", l.Code)
				continue
			}
			it, had := cart[k.ID]
			total := l.Qty
			if had && l.Qty > 0 {
				total += it.Qty
			}
			checkQty(v, field, k, total, true)
			if v.Has(field) {
				continue
			}
			if !had {
				it = CartItem{SKUID: k.ID, AddedAt: now}
			}
			it.Qty, it.Saved, it.AddedPrice, it.AddedStock, it.UpdatedAt, it.SKU = total, false, int64(k.UnitPriceFor(total)), k.Stock, now, k
			cart[k.ID] = it
			put = append(put, it)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if len(cart) > MaxCartItems {
			return errs.Field("lines", "order.err.cart_full", MaxCartItems)
		}
		for _, it := range put {
			if err := s.Store.PutCartItem(ctx, p.Org.ID, p.User.ID, it); err != nil {
				return err
			}
		}
		n = len(put)
		return nil
	})
	if err != nil {
		// Field errors in line order, whichever pass found them.
		if e := errs.As(err); e != nil && e.Code == errs.Invalid {
			sort.SliceStable(e.Fields, func(i, j int) bool { return lineNo(e.Fields[i].Field) < lineNo(e.Fields[j].Field) })
		}
		return 0, err
	}
	return n, nil
}

func lineNo(field string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(field, "lines."))
	return n
}
