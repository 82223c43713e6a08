package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// financeStaff may import statements, decide the review queue and approve refunds.
var financeStaff = httpx.StaffRoles(identity.Admin, identity.OpsManager)

// registerPayment adds paying orders (去付款: bank transfer, sandbox, gateways), the
// buyer's cancellation-and-refund request, its approval by the supplier or staff, and the
// staff console's payments: statement import, review queue, refunds and reconciliation.
func (h *Handler) registerPayment(mux *http.ServeMux) {
	if h.Payment == nil {
		return
	}
	h.route(mux, "GET /buyer/orders/{id}/pay", httpx.BuyerAny, h.payChoose)
	h.route(mux, "POST /buyer/payments", httpx.BuyerAny, h.payCreate)
	h.route(mux, "GET /buyer/payments/{id}", httpx.BuyerAny, h.payView)
	h.route(mux, "POST /buyer/payments/{id}/sandbox", httpx.BuyerAny, h.paySandbox)
	h.route(mux, "POST /buyer/orders/{id}/refund", httpx.BuyerAny, h.refundRequest)
	h.route(mux, "POST /seller/orders/{id}/refund/{op}", httpx.Seller, h.refundDecide)
	h.route(mux, "POST /admin/orders/{id}/refund/{op}", financeStaff, h.refundDecide)
	h.route(mux, "GET /admin/payments", httpx.StaffAny, h.adminPayments)
	h.route(mux, "POST /admin/payments/import", financeStaff, h.adminStatementImport)
	h.route(mux, "POST /admin/payments/receipts/{id}/{op}", financeStaff, h.adminReceiptOp)
}

// ---- the order page's payment box ----

// orderPayView is what the order page shows about paying and refunding.
type orderPayView struct {
	CanPay        bool
	Payments      []payment.Payment
	Refund        *payment.Refund
	CanRequest    bool // the buyer may ask to cancel and be refunded
	CanDecide     bool // the supplier or staff may approve or reject the request
	DecideBase    string
	SandboxLabels bool
}

func (h *Handler) orderPay(r *http.Request, p *identity.Principal, o *order.Order) *orderPayView {
	if h.Payment == nil {
		return nil
	}
	v := &orderPayView{CanPay: o.State == order.AwaitingPayment && p.Is(identity.Buyer)}
	v.Payments, _ = h.Payment.OfOrder(r.Context(), p, o.ID)
	if rf, err := h.Payment.RefundOf(r.Context(), p, o.ID); err == nil {
		v.Refund = rf
	}
	v.CanRequest = p.Is(identity.Buyer) && o.State == order.Paid && (v.Refund == nil || v.Refund.State == payment.RefundRejected)
	if v.CanRequest {
		if shipped, err := h.Payment.Shipped(r.Context(), o.ID); err != nil || shipped {
			v.CanRequest = false
		}
	}
	if o.State == order.Paid && v.Refund != nil && v.Refund.State == payment.RefundRequested {
		switch {
		case p.Is(identity.Supplier):
			v.CanDecide, v.DecideBase = true, "/seller/orders/"+o.ID+"/refund/"
		case financeStaff.Check(p) == nil:
			v.CanDecide, v.DecideBase = true, "/admin/orders/"+o.ID+"/refund/"
		}
	}
	return v
}

// ---- choosing a method ----

type payMethod struct {
	Name       string
	Configured bool
}

type payChooseData struct {
	Order   *order.Order
	Orders  []order.Order // the payable orders of the same checkout
	Methods []payMethod
	Token   string
}

func (h *Handler) methods() []payMethod {
	var out []payMethod
	for _, n := range []string{payment.Bank, payment.Alipay, payment.WeChat, payment.Sandbox} {
		if pr, ok := h.Payment.Providers[n]; ok {
			out = append(out, payMethod{Name: n, Configured: pr.Configured()})
		} else if n != payment.Sandbox {
			out = append(out, payMethod{Name: n})
		}
	}
	return out
}

func (h *Handler) payChoose(w http.ResponseWriter, r *http.Request) error {
	return h.payChoosePage(w, r, http.StatusOK, nil)
}

func (h *Handler) payChoosePage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	o, err := h.Order.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := payChooseData{Order: o, Methods: h.methods(), Token: db.NewID()}
	list, err := h.Order.List(r.Context(), p, order.AwaitingPayment, 200, 0)
	if err != nil {
		return err
	}
	for _, x := range list {
		if x.CheckoutID == o.CheckoutID {
			d.Orders = append(d.Orders, x)
		}
	}
	h.render(w, r, status, "payment_choose", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "payment.pay"), Area: "buyer", Nav: "orders", Form: f, Data: d})
	return nil
}

func (h *Handler) payCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalFrom(r.Context())
	pay, err := h.Payment.Create(r.Context(), p, payment.CreateInput{OrderIDs: v["order"], Provider: v.Get("provider"), IdemKey: formKey(v.Get("token"))})
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		if len(v["order"]) == 0 {
			return errs.E(errs.Invalid, "payment.err.no_orders")
		}
		r.SetPathValue("id", v["order"][0])
		return h.payChoosePage(w, r, status, f)
	}
	http.Redirect(w, r, "/buyer/payments/"+pay.ID, http.StatusSeeOther)
	return nil
}

type payViewData struct {
	Payment *payment.Payment
	Site    Site
	PayURL  string // a gateway's pay page (Alipay) while the payment is pending
	QRText  string // what the buyer scans (WeChat Pay's code_url) while the payment is pending
	// QRUnavailable is set when WeChat Pay could not give a code_url just now.
	QRUnavailable bool
}

// QR is QRText as an inline SVG QR code, "" when there is nothing to scan.
func (d payViewData) QR(p *Page) template.HTML {
	if d.QRText == "" {
		return ""
	}
	svg, err := qrSVG(d.QRText, p.T("payment.wechat.qr_alt"))
	if err != nil {
		return ""
	}
	return svg
}

func (h *Handler) payView(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	pay, err := h.Payment.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	in, err := h.Payment.Instructions(r.Context(), pay)
	unavailable := false
	if err != nil {
		if pay.Provider != payment.WeChat {
			return err
		}
		// WeChat Pay is called on the page's behalf: if it cannot be reached or refuses,
		// the page still shows the payment and asks the buyer to refresh.
		slog.WarnContext(r.Context(), "wechat pay code_url", "payment", pay.Number, "err", err)
		unavailable = true
	}
	h.render(w, r, http.StatusOK, "payment_view", &Page{Title: pay.Number, Area: "buyer", Nav: "orders",
		Data: payViewData{Payment: pay, Site: h.site, PayURL: in.URL, QRText: in.QRText, QRUnavailable: unavailable}})
	return nil
}

func (h *Handler) paySandbox(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, err := h.Payment.CompleteSandbox(r.Context(), httpx.PrincipalFrom(r.Context()), id); err != nil {
		return err
	}
	return h.saved(w, r, "/buyer/payments/"+id)
}

// ---- refunds ----

func (h *Handler) refundRequest(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		_, err := h.Payment.RequestRefund(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("reason"))
		return err
	}, "/buyer/orders/"+id)
}

func (h *Handler) refundDecide(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, base := area(r)
	return h.orderAction(w, r, func(v url.Values) error {
		p := httpx.PrincipalFrom(r.Context())
		var err error
		switch r.PathValue("op") {
		case "approve":
			_, err = h.Payment.ApproveRefund(r.Context(), p, id)
		case "reject":
			_, err = h.Payment.RejectRefund(r.Context(), p, id, v.Get("note"))
		default:
			err = errs.E(errs.NotFound, "err.page_not_found")
		}
		return err
	}, base+"/"+id)
}

// ---- staff console ----

type adminPaymentsData struct {
	Queue     []payment.Receipt
	Receipts  []payment.Receipt
	Payments  []payment.Payment
	Refunds   []payment.Refund
	Reconcile *payment.Reconciliation
	Import    *payment.StatementResult
	Problems  []problemView
}

func (h *Handler) adminPayments(w http.ResponseWriter, r *http.Request) error {
	return h.adminPaymentsPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) adminPaymentsPage(w http.ResponseWriter, r *http.Request, status int, f *Form, im *payment.StatementResult) error {
	p := httpx.PrincipalFrom(r.Context())
	ctx := r.Context()
	var d adminPaymentsData
	var err error
	if d.Queue, err = h.Payment.Queue(ctx, p); err != nil {
		return err
	}
	if d.Receipts, err = h.Payment.Receipts(ctx, p); err != nil {
		return err
	}
	if d.Payments, err = h.Payment.List(ctx, p, "", 100); err != nil {
		return err
	}
	if d.Refunds, err = h.Payment.Refunds(ctx, p, ""); err != nil {
		return err
	}
	if d.Reconcile, err = h.Payment.Reconcile(ctx); err != nil {
		return err
	}
	lang := httpx.LangFrom(ctx)
	if im != nil {
		d.Import = im
		for _, pr := range im.Problems {
			d.Problems = append(d.Problems, problemView{Row: pr.Row, Column: pr.Column, Message: i18n.T(lang, pr.Message.Key, pr.Message.Args...)})
		}
	}
	h.render(w, r, status, "admin_payments", &Page{Title: i18n.T(lang, "payment.nav"), Area: "admin", Nav: "payments", Form: f, Data: d})
	return nil
}

func (h *Handler) adminStatementImport(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	var res *payment.StatementResult
	if err == nil {
		if fh := files["file"]; fh == nil {
			err = errs.Field(sheet.FileField, "err.required")
		} else {
			var data []byte
			if data, err = readUpload(fh); err == nil {
				res, err = h.Payment.ImportStatement(r.Context(), httpx.PrincipalFrom(r.Context()), fh.Filename, data)
			}
		}
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.adminPaymentsPage(w, r, status, f, nil)
	}
	return h.adminPaymentsPage(w, r, http.StatusOK, nil, res)
}

func (h *Handler) adminReceiptOp(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalFrom(r.Context())
	id := r.PathValue("id")
	switch r.PathValue("op") {
	case "match":
		_, err = h.Payment.Match(r.Context(), p, id, v.Get("payment_id"), v.Get("note"))
	case "return":
		_, err = h.Payment.Return(r.Context(), p, id, v.Get("note"))
	case "hold":
		_, err = h.Payment.Hold(r.Context(), p, id, v.Get("note"))
	default:
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.adminPaymentsPage(w, r, status, f, nil)
	}
	return h.saved(w, r, "/admin/payments")
}

// formKey makes a form's one-time token an idempotency key of its own namespace.
func formKey(token string) string {
	if token == "" {
		return ""
	}
	return "form:" + token
}
