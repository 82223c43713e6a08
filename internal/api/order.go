package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/order"
)

// The order core: the caller's cart, checkout into one order per supplier, the orders
// the caller's company (buyer or supplier) may see, cancellation and approvals.
func (a *API) addOrderRoutes() {
	b := httpx.BuyerAny
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "order ID"}}
	sku := []Param{{Name: "sku", In: "path", Type: "string", Required: true, Description: "SKU ID"}}
	a.add("GET", "/api/v1/cart", b, false, a.getCart,
		Doc{ID: "getCart", Summary: "The caller's cart (采购车) grouped by supplier, priced now, freight quoted to the address", Tag: "order", Response: "Cart", Status: 200,
			Params: []Param{{Name: "address_id", In: "query", Type: "string", Description: "delivery address for the freight quote; the default address when absent"}}})
	a.add("POST", "/api/v1/cart/items", b, true, a.addCartItem,
		Doc{ID: "addCartItem", Summary: "Add a SKU (ID, or a code only one supplier uses) with a quantity; a SKU already in the cart adds up", Tag: "order", Request: "CartItemInput", Response: "CartItemAdded", Status: 201})
	a.add("PUT", "/api/v1/cart/items/{sku}", b, false, a.setCartItem,
		Doc{ID: "setCartItem", Summary: "Change a cart line's quantity, or move it to or from saved for later", Tag: "order", Request: "CartItemUpdate", Response: "Cart", Status: 200, Params: sku})
	a.add("DELETE", "/api/v1/cart/items/{sku}", b, false, a.removeCartItem,
		Doc{ID: "removeCartItem", Summary: "Take a SKU out of the cart", Tag: "order", Status: 204, Params: sku})
	a.add("POST", "/api/v1/cart/quick", b, true, a.quickOrder,
		Doc{ID: "quickOrder", Summary: "Quick order: add pasted \"SKU码 数量\" lines (tab, space or comma separated), all or none; errors name lines.N", Tag: "order", Request: "QuickOrderInput", Response: "Cart", Status: 201})
	a.add("POST", "/api/v1/checkout", b, true, a.checkout,
		Doc{ID: "checkout", Summary: "Check out the cart (or the given items) into one order per supplier, stock reserved; prices, totals and suppliers come from the server", Tag: "order", Request: "CheckoutInput", Response: "CheckoutResult", Status: 201})
	a.add("GET", "/api/v1/orders", httpx.SignedIn, false, a.listOrders,
		Doc{ID: "listOrders", Summary: "Orders the caller's company placed (buyer) or received (supplier), newest first", Tag: "order", Response: "OrderList", Status: 200,
			Params: []Param{{Name: "state", In: "query", Type: "string", Description: "awaiting_approval, awaiting_payment, paid, shipped, received, settled or cancelled"},
				{Name: "limit", In: "query", Type: "integer", Description: "at most 200 (default 50)"}, {Name: "offset", In: "query", Type: "integer"}}})
	a.add("GET", "/api/v1/orders/{id}", httpx.SignedIn, false, a.getOrder,
		Doc{ID: "getOrder", Summary: "One order with its lines (VAT split), address and events", Tag: "order", Response: "Order", Status: 200, Params: id})
	a.add("POST", "/api/v1/orders/{id}/cancel", b, false, a.cancelOrder,
		Doc{ID: "cancelOrder", Summary: "Cancel an order before payment (owner or the member who placed it); the stock is released", Tag: "order", Request: "ReasonInput", Response: "Order", Status: 200, Params: id})
	a.add("GET", "/api/v1/approvals", b, false, a.listApprovals,
		Doc{ID: "listApprovals", Summary: "Orders awaiting an approval the caller may give", Tag: "order", Response: "OrderList", Status: 200})
	a.add("POST", "/api/v1/orders/{id}/approve", b, false, a.approveOrder,
		Doc{ID: "approveOrder", Summary: "Approve the order's current approval step; after the last one it awaits payment", Tag: "order", Response: "Order", Status: 200, Params: id})
	a.add("POST", "/api/v1/orders/{id}/reject", b, false, a.rejectOrder,
		Doc{ID: "rejectOrder", Summary: "Reject an order awaiting approval: it is cancelled and its stock released", Tag: "order", Request: "ReasonInput", Response: "Order", Status: 200, Params: id})
}

// CartItemInput is the body of POST /cart/items.
type CartItemInput struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// CartItemUpdate is the body of PUT /cart/items/{sku}.
type CartItemUpdate struct {
	Qty   *int64 `json:"qty"`
	Saved *bool  `json:"saved"`
}

// QuickOrderInput is the body of POST /cart/quick.
type QuickOrderInput struct {
	Lines string `json:"lines"`
}

// CheckoutItem is a SKU and quantity to check out directly.
type CheckoutItem struct {
	SKU string `json:"sku"`
	Qty int64  `json:"qty"`
}

// CheckoutInput is the body of POST /checkout. Nothing else is accepted: a price,
// total, status or supplier sent by a client is refused as an unknown field.
type CheckoutInput struct {
	AddressID string            `json:"address_id"`
	Notes     map[string]string `json:"notes,omitempty"`
	Items     []CheckoutItem    `json:"items,omitempty"`
}

// ReasonInput is an optional reason.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// CartLine is a cart line as the API shows it. Prices are strings in yuan (unit prices
// to 4 decimals); *_fen fields are integers.
type CartLine struct {
	SKUID        string `json:"sku_id"`
	Code         string `json:"code"`
	Title        string `json:"title"`
	Spec         string `json:"spec"`
	Unit         string `json:"unit"`
	Qty          int64  `json:"qty"`
	MOQ          int64  `json:"moq"`
	Multiple     int64  `json:"multiple"`
	Stock        int64  `json:"stock"`
	UnitPrice    string `json:"unit_price"`
	AddedPrice   string `json:"added_price"`
	AmountFen    int64  `json:"amount_fen"`
	PriceChanged bool   `json:"price_changed"`
	StockShort   bool   `json:"stock_short"`
	Problem      string `json:"problem,omitempty"`
}

// CartGroup is one supplier's part of the cart.
type CartGroup struct {
	SupplierID   string     `json:"supplier_id"`
	SupplierName string     `json:"supplier_name"`
	Lines        []CartLine `json:"lines"`
	GoodsFen     int64      `json:"goods_fen"`
	FreightFen   int64      `json:"freight_fen"`
	FreeFreight  bool       `json:"free_freight"`
	Delivered    bool       `json:"delivered"`
	TotalFen     int64      `json:"total_fen"`
}

// CartItemAdded answers POST /cart/items: the line as it now stands and the cart's size
// (GET /cart prices the whole cart with freight).
type CartItemAdded struct {
	Line     CartLine `json:"line"`
	Count    int      `json:"count"`
	GoodsFen int64    `json:"goods_fen"`
}

// Cart is the caller's cart.
type Cart struct {
	AddressID  string      `json:"address_id"`
	Groups     []CartGroup `json:"groups"`
	Saved      []CartLine  `json:"saved"`
	GoodsFen   int64       `json:"goods_fen"`
	FreightFen int64       `json:"freight_fen"`
	TotalFen   int64       `json:"total_fen"`
	Orderable  bool        `json:"orderable"`
}

func (a *API) cartLine(r *http.Request, l order.CartLine) CartLine {
	out := CartLine{SKUID: l.SKUID, Code: l.SKU.Code, Title: l.SKU.Title, Spec: l.SKU.Spec, Unit: l.SKU.Unit, Qty: l.Qty, MOQ: l.SKU.MOQ, Multiple: l.SKU.Multiple,
		Stock: l.SKU.Stock, UnitPrice: l.UnitPrice.String(), AddedPrice: unitPrice(l.AddedPrice), AmountFen: int64(l.Amount), PriceChanged: l.PriceChanged, StockShort: l.StockShort}
	if l.Problem != nil {
		out.Problem = msg(r, *l.Problem)
	}
	return out
}

func (a *API) cartBody(r *http.Request) (*Cart, error) {
	c, err := a.Order.Cart(r.Context(), caller(r), r.URL.Query().Get("address_id"))
	if err != nil {
		return nil, err
	}
	out := &Cart{Groups: []CartGroup{}, Saved: []CartLine{}, GoodsFen: int64(c.Goods), FreightFen: int64(c.Freight), TotalFen: int64(c.Total), Orderable: c.Orderable}
	if c.Address != nil {
		out.AddressID = c.Address.ID
	}
	for _, g := range c.Groups {
		cg := CartGroup{SupplierID: g.SupplierID, SupplierName: g.SupplierName, Lines: []CartLine{}, GoodsFen: int64(g.Goods), FreightFen: int64(g.Freight),
			FreeFreight: g.FreeFreight, Delivered: g.Delivered, TotalFen: int64(g.Total)}
		for _, l := range g.Lines {
			cg.Lines = append(cg.Lines, a.cartLine(r, l))
		}
		out.Groups = append(out.Groups, cg)
	}
	for _, l := range c.Saved {
		out.Saved = append(out.Saved, a.cartLine(r, l))
	}
	return out, nil
}

func (a *API) getCart(w http.ResponseWriter, r *http.Request) error {
	c, err := a.cartBody(r)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) addCartItem(w http.ResponseWriter, r *http.Request) error {
	var in CartItemInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	added, err := a.Order.Add(r.Context(), caller(r), in.SKU, strconv.FormatInt(in.Qty, 10))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, CartItemAdded{Line: a.cartLine(r, added.Line), Count: added.Count, GoodsFen: int64(added.Goods)})
	return nil
}

func (a *API) setCartItem(w http.ResponseWriter, r *http.Request) error {
	var in CartItemUpdate
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	qty := ""
	if in.Qty != nil {
		qty = strconv.FormatInt(*in.Qty, 10)
	}
	if err := a.Order.SetQty(r.Context(), caller(r), r.PathValue("sku"), qty, in.Saved); err != nil {
		return err
	}
	return a.getCart(w, r)
}

func (a *API) removeCartItem(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, a.Order.Remove(r.Context(), caller(r), r.PathValue("sku")))
}

func (a *API) quickOrder(w http.ResponseWriter, r *http.Request) error {
	var in QuickOrderInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if _, err := a.Order.QuickOrder(r.Context(), caller(r), in.Lines); err != nil {
		return err
	}
	c, err := a.cartBody(r)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, c)
	return nil
}

// CheckoutResult is what a checkout placed.
type CheckoutResult struct {
	CheckoutID string  `json:"checkout_id"`
	Orders     []Order `json:"orders"`
	TotalFen   int64   `json:"total_fen"`
}

func (a *API) checkout(w http.ResponseWriter, r *http.Request) error {
	var in CheckoutInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	ci := order.CheckoutInput{AddressID: in.AddressID, Notes: in.Notes}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		ci.Token = "api:" + key
	}
	for _, it := range in.Items {
		ci.Items = append(ci.Items, order.ItemInput{SKU: it.SKU, Qty: it.Qty})
	}
	res, err := a.Order.Checkout(r.Context(), caller(r), ci)
	if err != nil {
		return err
	}
	out := CheckoutResult{CheckoutID: res.CheckoutID, Orders: []Order{}, TotalFen: int64(order.Totals(res.Orders))}
	for i := range res.Orders {
		out.Orders = append(out.Orders, orderBody(&res.Orders[i]))
	}
	WriteJSON(w, http.StatusCreated, out)
	return nil
}

// OrderLine is an order line with its VAT split.
type OrderLine struct {
	No        int    `json:"no"`
	SKUID     string `json:"sku_id"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Spec      string `json:"spec"`
	Unit      string `json:"unit"`
	Qty       int64  `json:"qty"`
	UnitPrice string `json:"unit_price"`
	AmountFen int64  `json:"amount_fen"`
	TaxRate   string `json:"tax_rate"`
	ExclFen   int64  `json:"excl_tax_fen"`
	TaxFen    int64  `json:"tax_fen"`
}

// OrderEvent is one recorded step.
type OrderEvent struct {
	Action string    `json:"action"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Actor  string    `json:"actor"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// Order is an order as the API shows it.
type Order struct {
	ID           string       `json:"id"`
	Number       string       `json:"number"`
	State        string       `json:"state"`
	BuyerOrgID   string       `json:"buyer_org_id"`
	BuyerName    string       `json:"buyer_name"`
	SupplierID   string       `json:"supplier_id"`
	SupplierName string       `json:"supplier_name"`
	GoodsFen     int64        `json:"goods_fen"`
	FreightFen   int64        `json:"freight_fen"`
	TotalFen     int64        `json:"total_fen"`
	Consignee    string       `json:"consignee"`
	Mobile       string       `json:"mobile"`
	DivisionCode string       `json:"division_code"`
	Address      string       `json:"address"`
	Note         string       `json:"note"`
	PayDeadline  *time.Time   `json:"pay_deadline"`
	ApproveBy    *time.Time   `json:"approval_deadline"`
	CreatedAt    time.Time    `json:"created_at"`
	Lines        []OrderLine  `json:"lines,omitempty"`
	Events       []OrderEvent `json:"events,omitempty"`
}

func orderBody(o *order.Order) Order {
	out := Order{ID: o.ID, Number: o.Number, State: string(o.State), BuyerOrgID: o.BuyerOrgID, BuyerName: o.BuyerName, SupplierID: o.SupplierID, SupplierName: o.SupplierName,
		GoodsFen: int64(o.Goods), FreightFen: int64(o.Freight), TotalFen: int64(o.Total), Consignee: o.Address.Consignee, Mobile: o.Address.Mobile,
		DivisionCode: o.Address.DivisionCode, Address: o.Address.DivisionName + o.Address.Street, Note: o.Note, CreatedAt: o.CreatedAt}
	if !o.PayDeadline.IsZero() {
		// One column holds the current step's deadline: approval, then payment.
		t := o.PayDeadline
		if o.State == order.AwaitingApproval {
			out.ApproveBy = &t
		} else {
			out.PayDeadline = &t
		}
	}
	for _, l := range o.Lines {
		excl, tax := l.Tax()
		out.Lines = append(out.Lines, OrderLine{No: l.No, SKUID: l.SKUID, Code: l.SKUCode, Title: l.Title, Spec: l.Spec, Unit: l.Unit, Qty: l.Qty,
			UnitPrice: l.UnitPrice.String(), AmountFen: int64(l.Amount), TaxRate: l.TaxRate.String(), ExclFen: int64(excl), TaxFen: int64(tax)})
	}
	for _, e := range o.Events {
		out.Events = append(out.Events, OrderEvent{Action: e.Action, From: string(e.From), To: string(e.To), Actor: e.ActorName, Note: e.Note, At: e.At})
	}
	return out
}

func (a *API) listOrders(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	offset, _ := strconv.Atoi(q.Get("offset"))
	list, err := a.Order.List(r.Context(), caller(r), order.State(q.Get("state")), limit, offset)
	if err != nil {
		return err
	}
	writeOrders(w, list)
	return nil
}

// writeOrders answers a list of orders.
func writeOrders(w http.ResponseWriter, list []order.Order) {
	out := make([]Order, 0, len(list))
	for i := range list {
		out = append(out, orderBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Order.Get(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, orderBody(o))
	return nil
}

func (a *API) reason(w http.ResponseWriter, r *http.Request) (string, error) {
	if r.ContentLength == 0 {
		return "", nil
	}
	var in ReasonInput
	if err := Decode(w, r, &in); err != nil {
		return "", err
	}
	return in.Reason, nil
}

func (a *API) cancelOrder(w http.ResponseWriter, r *http.Request) error {
	reason, err := a.reason(w, r)
	if err != nil {
		return err
	}
	o, err := a.Order.Cancel(r.Context(), caller(r), r.PathValue("id"), reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, orderBody(o))
	return nil
}

func (a *API) listApprovals(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Order.Approvals(r.Context(), caller(r))
	if err != nil {
		return err
	}
	writeOrders(w, list)
	return nil
}

func (a *API) approveOrder(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Order.Approve(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, orderBody(o))
	return nil
}

func (a *API) rejectOrder(w http.ResponseWriter, r *http.Request) error {
	reason, err := a.reason(w, r)
	if err != nil {
		return err
	}
	o, err := a.Order.Reject(r.Context(), caller(r), r.PathValue("id"), reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, orderBody(o))
	return nil
}

func unitPrice(p int64) string { return order.SKU{Price: p}.UnitPriceFor(0).String() }

func msg(r *http.Request, m errs.Msg) string { return i18n.Msg(httpx.LangFrom(r.Context()), m) }

func orderSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	ts := obj{"type": "string", "format": "date-time"}
	list := func(item string) obj {
		return obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref(item)}}}
	}
	cartLine := obj{"type": "object", "properties": obj{"sku_id": str, "code": str, "title": str, "spec": str, "unit": str, "qty": integer, "moq": integer,
		"multiple": integer, "stock": integer, "unit_price": obj{"type": "string", "description": "yuan, 4 decimals, the tier price for qty now"},
		"added_price": obj{"type": "string", "description": "the unit price when the line was added or last changed"}, "amount_fen": integer,
		"price_changed": boolean, "stock_short": boolean, "problem": obj{"type": "string", "description": "why the line cannot be checked out as it stands"}}}
	states := obj{"type": "string", "enum": []string{"awaiting_approval", "awaiting_payment", "paid", "shipped", "received", "settled", "cancelled"}}
	return obj{
		"CartItemInput":  obj{"type": "object", "additionalProperties": false, "required": []string{"sku", "qty"}, "properties": obj{"sku": obj{"type": "string", "description": "SKU ID, or a code only one supplier uses"}, "qty": integer}},
		"CartItemUpdate": obj{"type": "object", "additionalProperties": false, "properties": obj{"qty": integer, "saved": obj{"type": "boolean", "description": "saved for later"}}},
		"QuickOrderInput": obj{"type": "object", "additionalProperties": false, "required": []string{"lines"}, "properties": obj{
			"lines": obj{"type": "string", "description": "one \"SKU码 数量\" per line, tab, space or comma separated"}}},
		"CartLine": cartLine,
		"CartGroup": obj{"type": "object", "properties": obj{"supplier_id": str, "supplier_name": str, "lines": obj{"type": "array", "items": ref("CartLine")},
			"goods_fen": integer, "freight_fen": integer, "free_freight": boolean, "delivered": boolean, "total_fen": integer}},
		"CartItemAdded": obj{"type": "object", "required": []string{"line", "count", "goods_fen"}, "properties": obj{"line": ref("CartLine"),
			"count":     obj{"type": "integer", "description": "active lines in the cart"},
			"goods_fen": obj{"type": "integer", "description": "the active lines at today's tier prices, before freight (GET /cart quotes freight)"}}},
		"Cart": obj{"type": "object", "required": []string{"groups", "saved", "total_fen", "orderable"}, "properties": obj{"address_id": str,
			"groups": obj{"type": "array", "items": ref("CartGroup")}, "saved": obj{"type": "array", "items": ref("CartLine")},
			"goods_fen": integer, "freight_fen": integer, "total_fen": integer, "orderable": boolean}},
		"CheckoutInput": obj{"type": "object", "additionalProperties": false, "required": []string{"address_id"}, "properties": obj{
			"address_id": obj{"type": "string", "description": "one of the company's delivery addresses"},
			"notes":      obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "a note to each supplier, by supplier ID"},
			"items": obj{"type": "array", "description": "check these out instead of the cart", "items": obj{"type": "object", "additionalProperties": false,
				"required": []string{"sku", "qty"}, "properties": obj{"sku": obj{"type": "string", "description": "SKU ID"}, "qty": integer}}}}},
		"CheckoutResult": obj{"type": "object", "required": []string{"checkout_id", "orders", "total_fen"}, "properties": obj{"checkout_id": str,
			"orders": obj{"type": "array", "items": ref("Order")}, "total_fen": integer}},
		"ReasonInput": obj{"type": "object", "additionalProperties": false, "properties": obj{"reason": str}},
		"Order": obj{"type": "object", "required": []string{"id", "number", "state", "supplier_id", "total_fen"}, "properties": obj{
			"id": str, "number": obj{"type": "string", "description": "PO + Shanghai date + - + the day's sequence"}, "state": states,
			"buyer_org_id": str, "buyer_name": str, "supplier_id": str, "supplier_name": str, "goods_fen": integer, "freight_fen": integer, "total_fen": integer,
			"consignee": str, "mobile": str, "division_code": str, "address": str, "note": str,
			"pay_deadline": obj{"type": []string{"string", "null"}, "format": "date-time"}, "created_at": ts,
			"approval_deadline": obj{"type": []string{"string", "null"}, "format": "date-time", "description": "awaiting approval: when the order is cancelled unless approved (--approve-within)"},
			"lines": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"no": integer, "sku_id": str, "code": str, "title": str, "spec": str,
				"unit": str, "qty": integer, "unit_price": str, "amount_fen": obj{"type": "integer", "description": "含税"}, "tax_rate": str,
				"excl_tax_fen": obj{"type": "integer", "description": "不含税"}, "tax_fen": obj{"type": "integer", "description": "税额"}}}},
			"events": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"action": str, "from": str, "to": str, "actor": str, "note": str, "at": ts}}}}},
		"OrderList": list("Order"),
	}
}
