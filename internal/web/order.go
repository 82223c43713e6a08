package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// registerOrder adds the cart (采购车), checkout, the buyer's orders and approvals queue,
// the supplier's order list and the staff console's order list.
func (h *Handler) registerOrder(mux *http.ServeMux) {
	h.route(mux, "GET /buyer/cart", httpx.BuyerAny, h.cartView)
	h.route(mux, "POST /buyer/cart", httpx.BuyerAny, h.cartAdd)
	h.route(mux, "POST /buyer/cart/quick", httpx.BuyerAny, h.cartQuick)
	h.route(mux, "POST /buyer/cart/upload", httpx.BuyerAny, h.cartUpload)
	h.route(mux, "POST /buyer/cart/{sku}", httpx.BuyerAny, h.cartSet)
	h.route(mux, "POST /buyer/cart/{sku}/remove", httpx.BuyerAny, h.cartRemove)
	h.route(mux, "GET /buyer/checkout", httpx.BuyerAny, h.checkoutView)
	h.route(mux, "POST /buyer/checkout", httpx.BuyerAny, h.checkoutPlace)
	h.route(mux, "GET /buyer/orders", httpx.BuyerAny, h.ordersList)
	h.route(mux, "GET /buyer/orders/{id}", httpx.BuyerAny, h.orderView)
	h.route(mux, "POST /buyer/orders/{id}/cancel", httpx.BuyerAny, h.orderCancel)
	h.route(mux, "POST /buyer/orders/{id}/approve", httpx.BuyerAny, h.orderApprove)
	h.route(mux, "POST /buyer/orders/{id}/reject", httpx.BuyerAny, h.orderReject)
	h.route(mux, "GET /buyer/approve", httpx.BuyerAny, h.approvalQueue)
	h.route(mux, "GET /seller/orders", httpx.Seller, h.ordersList)
	h.route(mux, "GET /seller/orders/{id}", httpx.Seller, h.orderView)
	h.route(mux, "GET /admin/orders", httpx.StaffAny, h.ordersList)
	h.route(mux, "GET /admin/orders/{id}", httpx.StaffAny, h.orderView)
}

// pathArea names the centre a request is in, from its path, with the path of its list of
// things under each centre's own name (orders: /buyer/orders, /seller/orders, …).
func pathArea(r *http.Request, buyer, seller, admin string) (areaName, base string) {
	switch {
	case strings.HasPrefix(r.URL.Path, "/seller/"):
		return "seller", seller
	case strings.HasPrefix(r.URL.Path, "/admin/"):
		return "admin", admin
	}
	return "buyer", buyer
}

// area is the centre of an order page and its order list.
func area(r *http.Request) (areaName, base string) {
	return pathArea(r, "/buyer/orders", "/seller/orders", "/admin/orders")
}

func (h *Handler) orderPage(w http.ResponseWriter, r *http.Request, status int, page, nav string, f *Form, data any) error {
	a, _ := area(r)
	h.render(w, r, status, page, &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "order.nav."+nav), Area: a, Nav: nav, Form: f, Data: data})
	return nil
}

// ---- cart ----

type cartData struct {
	Cart      *order.Cart
	Addresses []buyer.Address
	Notes     map[string]string
	Token     string
	Errors    []string
	Problems  map[string]string // why a line cannot be checked out, by SKU ID
	// LineErrors are quick order's bad lines, in line order.
	LineErrors []string
}

func lineErrors(r *http.Request, f *Form) []string {
	if f == nil {
		return nil
	}
	type le struct {
		n   int
		msg string
	}
	var ls []le
	for k, msg := range f.Errors {
		if n, ok := strings.CutPrefix(k, "lines."); ok {
			i, _ := strconv.Atoi(n)
			ls = append(ls, le{i, msg})
		}
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].n < ls[j].n })
	lang := httpx.LangFrom(r.Context())
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, i18n.T(lang, "order.cart.line_error", l.n, l.msg))
	}
	if msg := f.Err("lines"); msg != "" {
		out = append(out, msg)
	}
	return out
}

func problems(r *http.Request, c *order.Cart) map[string]string {
	out := map[string]string{}
	lang := httpx.LangFrom(r.Context())
	for _, g := range c.Groups {
		for _, l := range g.Lines {
			if l.Problem != nil {
				out[l.SKUID] = i18n.Msg(lang, *l.Problem)
			}
		}
	}
	return out
}

func (h *Handler) cartView(w http.ResponseWriter, r *http.Request) error {
	return h.cartPage(w, r, http.StatusOK, nil)
}

func (h *Handler) cartPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	c, err := h.Order.Cart(r.Context(), p, r.URL.Query().Get("address_id"))
	if err != nil {
		return err
	}
	addrs, err := h.Buyer.Addresses(r.Context(), p)
	if err != nil {
		return err
	}
	return h.orderPage(w, r, status, "buyer_cart", "cart", f, cartData{Cart: c, Addresses: addrs, Problems: problems(r, c), LineErrors: lineErrors(r, f)})
}

// cartAction runs fn on a posted form and goes back to the cart, or shows the cart with
// the errors.
func (h *Handler) cartAction(w http.ResponseWriter, r *http.Request, fn func(v url.Values) error) error {
	v, err := parseForm(w, r)
	if err == nil {
		err = fn(v)
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.cartPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/cart")
}

// cartAdd takes sku (ID or code) and qty: any form on the site (the product page's
// "加入采购车") may post here.
func (h *Handler) cartAdd(w http.ResponseWriter, r *http.Request) error {
	return h.cartAction(w, r, func(v url.Values) error {
		_, err := h.Order.Add(r.Context(), httpx.PrincipalFrom(r.Context()), v.Get("sku"), v.Get("qty"))
		return err
	})
}

func (h *Handler) cartQuick(w http.ResponseWriter, r *http.Request) error {
	return h.cartAction(w, r, func(v url.Values) error {
		_, err := h.Order.QuickOrder(r.Context(), httpx.PrincipalFrom(r.Context()), v.Get("lines"))
		return err
	})
}

// cartUpload is quick order from a spreadsheet (.xlsx or CSV, columns SKU码 and 数量).
func (h *Handler) cartUpload(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err == nil {
		if fh := files["file"]; fh == nil {
			err = errs.Field("file", "err.required")
		} else {
			var data []byte
			if data, err = readUpload(fh); err == nil {
				var rd *sheet.Reader
				if rd, err = sheet.Open(fh.Filename, data); err == nil {
					defer rd.Close()
					_, err = h.Order.QuickOrderSheet(r.Context(), httpx.PrincipalFrom(r.Context()), rd)
				}
			}
		}
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.cartPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/cart")
}

func (h *Handler) cartSet(w http.ResponseWriter, r *http.Request) error {
	return h.cartAction(w, r, func(v url.Values) error {
		var saved *bool
		switch v.Get("saved") {
		case "1":
			t := true
			saved = &t
		case "0":
			f := false
			saved = &f
		}
		return h.Order.SetQty(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("sku"), v.Get("qty"), saved)
	})
}

func (h *Handler) cartRemove(w http.ResponseWriter, r *http.Request) error {
	return h.cartAction(w, r, func(url.Values) error {
		return h.Order.Remove(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("sku"))
	})
}

// ---- checkout ----

func (h *Handler) checkoutView(w http.ResponseWriter, r *http.Request) error {
	return h.checkoutPage(w, r, http.StatusOK, nil, r.URL.Query().Get("address_id"))
}

func (h *Handler) checkoutPage(w http.ResponseWriter, r *http.Request, status int, f *Form, addressID string) error {
	p := httpx.PrincipalFrom(r.Context())
	c, err := h.Order.Cart(r.Context(), p, addressID)
	if err != nil {
		return err
	}
	addrs, err := h.Buyer.Addresses(r.Context(), p)
	if err != nil {
		return err
	}
	d := cartData{Cart: c, Addresses: addrs, Notes: map[string]string{}, Token: db.NewID()}
	if f != nil {
		for _, msg := range f.Errors {
			d.Errors = append(d.Errors, msg)
		}
		for _, g := range c.Groups {
			d.Notes[g.SupplierID] = f.Value("note." + g.SupplierID)
		}
	}
	return h.orderPage(w, r, status, "buyer_checkout", "cart", f, d)
}

// checkoutPlace places the orders. The form's one-time token makes a double submission
// find the orders the first one placed instead of placing them again. Only the address
// and the notes are read from the form: prices, totals and suppliers come from the server.
func (h *Handler) checkoutPlace(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalFrom(r.Context())
	in := order.CheckoutInput{Token: "form:" + v.Get("token"), AddressID: v.Get("address_id"), Notes: map[string]string{}}
	if v.Get("token") == "" {
		in.Token = ""
	}
	for k := range v {
		if sup, ok := strings.CutPrefix(k, "note."); ok && db.ValidID(sup) {
			in.Notes[sup] = v.Get(k)
		}
	}
	res, err := h.Order.Checkout(r.Context(), p, in)
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.checkoutPage(w, r, status, f, in.AddressID)
	}
	lang := httpx.LangFrom(r.Context())
	h.flash(r, i18n.T(lang, "order.placed", len(res.Orders)))
	if len(res.Orders) == 1 {
		http.Redirect(w, r, "/buyer/orders/"+res.Orders[0].ID, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/buyer/orders", http.StatusSeeOther)
	return nil
}

// ---- orders ----

type ordersData struct {
	Orders []order.Order
	States []order.State
	State  order.State
	Base   string
	Offset int
	Next   int
	More   bool
}

const ordersPerPage = 50

func (h *Handler) ordersList(w http.ResponseWriter, r *http.Request) error {
	_, base := area(r)
	state := order.State(r.URL.Query().Get("state"))
	if state != "" && !state.Valid() {
		state = ""
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	if offset < 0 {
		offset = 0
	}
	list, err := h.Order.List(r.Context(), httpx.PrincipalFrom(r.Context()), state, ordersPerPage+1, offset)
	if err != nil {
		return err
	}
	d := ordersData{Orders: list, States: order.States, State: state, Base: base, Offset: offset}
	if len(list) > ordersPerPage {
		d.Orders, d.More, d.Next = list[:ordersPerPage], true, offset+ordersPerPage
	}
	return h.orderPage(w, r, http.StatusOK, "order_list", "orders", nil, d)
}

type orderLineView struct {
	order.Line
	Excl, Tax int64
}

type orderData struct {
	Order      *order.Order
	Lines      []orderLineView
	Base       string
	CanCancel  bool
	CanDecide  bool
	ExclTotal  int64
	TaxTotal   int64
	StepStatus []stepView
	Pay        *orderPayView     // paying and refunding (payment.go)
	Ship       *orderShipView    // shipping, tracking, receipt, release (fulfil.go)
	Invoice    *orderInvoiceView // invoices (invoice.go)
	After      *orderAfterView   // after-sales and disputes (aftersale.go)
}

type stepView struct {
	No        int
	Over      int64
	Approvals int
	Given     int
}

func (h *Handler) orderView(w http.ResponseWriter, r *http.Request) error {
	return h.orderDetail(w, r, http.StatusOK, nil)
}

func (h *Handler) orderDetail(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	o, err := h.Order.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	_, base := area(r)
	d := orderData{Order: o, Base: base, CanCancel: order.CanCancel(p, o), CanDecide: order.CanDecide(p, o)}
	d.Pay = h.orderPay(r, p, o)
	d.Ship = h.orderShip(r, p, o)
	d.Invoice = h.orderInvoice(r, p, o)
	d.After = h.orderAfter(r, p, o)
	for _, l := range o.Lines {
		excl, tax := l.Tax()
		d.Lines = append(d.Lines, orderLineView{Line: l, Excl: int64(excl), Tax: int64(tax)})
		d.ExclTotal += int64(excl)
		d.TaxTotal += int64(tax)
	}
	for i, st := range o.Steps {
		sv := stepView{No: i + 1, Over: int64(st.Over), Approvals: st.Approvals}
		for _, a := range o.Approvals {
			if a.Step == i {
				sv.Given++
			}
		}
		d.StepStatus = append(d.StepStatus, sv)
	}
	return h.orderPage(w, r, status, "order_detail", "orders", f, d)
}

func (h *Handler) orderAction(w http.ResponseWriter, r *http.Request, fn func(v url.Values) error, back string) error {
	v, err := parseForm(w, r)
	if err == nil {
		err = fn(v)
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.orderDetail(w, r, status, f)
	}
	return h.saved(w, r, back)
}

func (h *Handler) orderCancel(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		_, err := h.Order.Cancel(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("reason"))
		return err
	}, "/buyer/orders/"+id)
}

func (h *Handler) orderApprove(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(url.Values) error {
		_, err := h.Order.Approve(r.Context(), httpx.PrincipalFrom(r.Context()), id)
		return err
	}, "/buyer/orders/"+id)
}

func (h *Handler) orderReject(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		_, err := h.Order.Reject(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("reason"))
		return err
	}, "/buyer/orders/"+id)
}

func (h *Handler) approvalQueue(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Order.Approvals(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	return h.orderPage(w, r, http.StatusOK, "order_list", "approve", nil, ordersData{Orders: list, Base: "/buyer/orders"})
}
