package order

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// ItemInput is a SKU and quantity to check out directly (a "buy now" or an API client
// that keeps its own cart).
type ItemInput struct {
	SKU string
	Qty int64
}

// CheckoutInput is everything a buyer chooses at checkout. Prices, totals, states and
// suppliers are never taken from the client: they come from the catalogue at the moment
// of checkout.
type CheckoutInput struct {
	// Token makes the checkout idempotent: a second checkout with the same token by the
	// same member returns the first one's orders. Forms carry a one-time token; the API
	// uses the Idempotency-Key. Empty means a new checkout every time.
	Token     string
	AddressID string
	// Notes are the buyer's notes to each supplier, by supplier ID.
	Notes map[string]string
	// Items, when set, are checked out instead of the cart's active items.
	Items []ItemInput
}

// Result is a checkout's outcome.
type Result struct {
	CheckoutID string
	Orders     []Order
	Replayed   bool // the token had been used: these are the first checkout's orders
}

// Fault points of checkout, in order, for tests that inject a failure after each write.
var FaultPoints = []string{"order.checkout.claimed", "order.checkout.reserved", "order.checkout.numbered", "order.checkout.orders", "order.checkout.events", "order.checkout.outbox", "order.checkout.cart"}

// MaxNote bounds a note to a supplier.
const MaxNote = 200

// Checkout turns the caller's cart (or in.Items) into one order per supplier, in one
// transaction: the orders and their lines, the stock reservations, the order numbers,
// the events and outbox entries, and the cart's emptying all happen or none does.
func (s *Service) Checkout(ctx context.Context, p *identity.Principal, in CheckoutInput) (*Result, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	var v errs.Validator
	if in.AddressID == "" {
		v.Add("address_id", "err.required")
	}
	notes := map[string]string{}
	for sup, n := range in.Notes {
		n = strings.TrimSpace(n)
		field := "note." + sup
		switch {
		case utf8.RuneCountInString(n) > MaxNote:
			v.Add(field, "err.too_long", MaxNote)
		case strings.ContainsFunc(n, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }):
			v.Add(field, "err.bad_chars")
		}
		notes[sup] = n
	}
	if len(in.Items) > MaxCartItems {
		v.Add("items", "order.err.cart_full", MaxCartItems)
	}
	if len(in.Token) > 255 {
		v.Add("token", "err.too_long", 255)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	addr, err := s.Buyers.Address(ctx, p.Org.ID, in.AddressID)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("address_id", "order.err.address_unknown")
		}
		return nil, err
	}
	rules, err := s.Buyers.ApprovalRules(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	token := in.Token
	if token == "" {
		token = db.NewID()
	}
	var res *Result
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		res = nil
		var v errs.Validator
		now := s.now()
		c := &Checkout{ID: db.NewID(), OrgID: p.Org.ID, UserID: p.User.ID, Token: token, CreatedAt: now}
		existing, err := s.Store.ClaimCheckout(ctx, c)
		if err != nil {
			return err
		}
		if existing != "" {
			orders, err := s.Store.OrdersByCheckout(ctx, existing)
			if err != nil {
				return err
			}
			res = &Result{CheckoutID: existing, Orders: orders, Replayed: true}
			return nil
		}
		if err := s.DB.Fault(ctx, FaultPoints[0]); err != nil {
			return err
		}
		// What is checked out: the given items, or the cart's active items.
		fromCart := len(in.Items) == 0
		var items []CartItem
		if fromCart {
			cart, err := s.Store.CartItems(ctx, p.Org.ID, p.User.ID)
			if err != nil {
				return err
			}
			for _, it := range cart {
				if !it.Saved {
					items = append(items, it)
				}
			}
			if len(items) == 0 {
				return errs.Field("items", "order.err.cart_empty")
			}
		} else {
			ids := make([]string, 0, len(in.Items))
			for _, it := range in.Items {
				if db.ValidID(it.SKU) {
					ids = append(ids, it.SKU)
				}
			}
			skus, err := s.Store.OrderSKUs(ctx, ids)
			if err != nil {
				return err
			}
			seen := map[string]bool{}
			for i, it := range in.Items {
				field := fmt.Sprintf("items.%d", i)
				k, ok := skus[it.SKU]
				switch {
				case !ok:
					v.Add(field, "order.err.sku_unknown", it.SKU)
					continue
				case seen[k.ID]:
					v.Add(field, "order.err.sku_twice", k.Code)
					continue
				}
				seen[k.ID] = true
				items = append(items, CartItem{SKUID: k.ID, Qty: it.Qty, SKU: k})
			}
		}
		for i, it := range items {
			field := fmt.Sprintf("items.%d", i)
			if fromCart {
				field = "qty." + it.SKUID
			}
			checkQty(&v, field, it.SKU, it.Qty, false)
		}
		if err := v.Err(); err != nil {
			return err
		}
		tmpls, err := s.Store.FreightTemplates(ctx, templateIDs(items))
		if err != nil {
			return err
		}
		shipTo := Address{Consignee: addr.Consignee, Mobile: addr.Mobile, DivisionCode: addr.DivisionCode, DivisionName: addr.DivisionName, Street: addr.Street, Postcode: addr.Postcode}
		groups := group(items, tmpls, shipTo.Province())
		for _, g := range groups {
			if !g.Delivered {
				return errs.Field("address_id", "order.err.not_delivered", g.SupplierName)
			}
			for _, l := range g.Lines {
				if l.Problem != nil {
					return errs.Field("qty."+l.SKUID, l.Problem.Key, l.Problem.Args...)
				}
			}
			// A total beyond what money can hold is a typing mistake, never an order.
			if g.Total < 0 || g.Total > money.MaxFen {
				return errs.Field("items", "order.err.amount_absurd")
			}
			// An order must cost at least a fen: ¥0.0032 × 1 rounds to nothing to pay.
			if g.Total == 0 {
				return errs.Field("items", "order.err.amount_zero", g.SupplierName)
			}
		}
		// Reserve stock, SKUs in ID order so concurrent checkouts lock rows in the same
		// order (no deadlocks on PostgreSQL).
		byID := append([]CartItem(nil), items...)
		sort.Slice(byID, func(i, j int) bool { return byID[i].SKUID < byID[j].SKUID })
		for _, it := range byID {
			ok, err := s.Store.ReserveStock(ctx, it.SKUID, it.Qty)
			if err != nil {
				return err
			}
			if !ok {
				return errs.Field("qty."+it.SKUID, "order.err.stock_gone", it.SKU.Code)
			}
		}
		if err := s.DB.Fault(ctx, FaultPoints[1]); err != nil {
			return err
		}
		day := now.In(Shanghai).Format("20060102")
		first, err := s.Store.NextOrderNumbers(ctx, day, len(groups))
		if err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultPoints[2]); err != nil {
			return err
		}
		rates := map[string]money.Rate{}
		if s.TaxRates != nil {
			pids := make([]string, 0, len(items))
			for _, it := range items {
				pids = append(pids, it.SKU.ProductID)
			}
			if rates, err = s.TaxRates(ctx, pids); err != nil {
				return err
			}
		}
		rateOf := func(productID string) money.Rate {
			if r, ok := rates[productID]; ok {
				return r
			}
			return s.taxRate()
		}
		orders := make([]*Order, 0, len(groups))
		var evs []Event
		for i, g := range groups {
			o := &Order{ID: db.NewID(), Number: Number(day, first+int64(i)), CheckoutID: c.ID, BuyerOrgID: p.Org.ID, BuyerName: p.Org.Name, BuyerUserID: p.User.ID,
				SupplierID: g.SupplierID, SupplierName: g.SupplierName, Goods: g.Goods, Freight: g.Freight, Total: g.Total,
				Address: shipTo, Note: notes[g.SupplierID], CreatedAt: now, UpdatedAt: now}
			for n, l := range g.Lines {
				o.Lines = append(o.Lines, Line{No: n + 1, SKUID: l.SKUID, ProductID: l.SKU.ProductID, SKUCode: l.SKU.Code, Title: l.SKU.Title, Spec: l.SKU.Spec,
					Unit: l.SKU.Unit, Qty: l.Qty, UnitPrice: l.UnitPrice, Amount: l.Amount, TaxRate: rateOf(l.SKU.ProductID)})
			}
			o.Steps = buyer.Required(rules, o.Total, member(p))
			if len(o.Steps) > 0 {
				o.State = AwaitingApproval
				o.PayDeadline = now.Add(s.approveWithin())
			} else {
				o.State = AwaitingPayment
				o.PayDeadline = now.Add(s.payWithin())
			}
			orders = append(orders, o)
			evs = append(evs, Event{OrderID: o.ID, Action: "place", To: o.State, ActorID: p.User.ID, ActorName: p.User.DisplayName, At: now})
		}
		if err := s.Store.InsertOrders(ctx, orders); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, FaultPoints[3]); err != nil {
			return err
		}
		if err := s.Store.AddEvents(ctx, evs); err != nil {
			return err
		}
		for _, o := range orders {
			if o.State == AwaitingApproval {
				if err := s.told(ctx, o, AwaitingApproval, "place", "", o.PayDeadline); err != nil {
					return err
				}
			}
		}
		if err := s.DB.Fault(ctx, FaultPoints[4]); err != nil {
			return err
		}
		for _, o := range orders {
			if err := s.Store.Emit(ctx, Topic, o.ID); err != nil {
				return err
			}
		}
		if err := s.DB.Fault(ctx, FaultPoints[5]); err != nil {
			return err
		}
		if fromCart {
			ids := make([]string, len(items))
			for i, it := range items {
				ids[i] = it.SKUID
			}
			if err := s.Store.RemoveCartItems(ctx, p.Org.ID, p.User.ID, ids); err != nil {
				return err
			}
		}
		if err := s.DB.Fault(ctx, FaultPoints[6]); err != nil {
			return err
		}
		res = &Result{CheckoutID: c.ID}
		for _, o := range orders {
			res.Orders = append(res.Orders, *o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Number formats an order number: PO, the Shanghai date, a dash and the day's sequence
// in at least six digits (PO20261124-000123).
func Number(day string, seq int64) string { return fmt.Sprintf("PO%s-%06d", day, seq) }

// Totals sums a checkout's orders.
func Totals(orders []Order) (total money.Fen) {
	for _, o := range orders {
		total += o.Total
	}
	return total
}
