package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// rateStaff may set the per-category VAT rates.
var rateStaff = httpx.StaffRoles(identity.Admin, identity.OpsManager)

// registerInvoice adds invoices: the buyer's list and request (on the order page), the
// supplier's queue with the issue, reject and red-letter forms, the staff report with the
// per-category VAT rates, invoice files for those who may see the invoice, and the
// buyer's payments list.
func (h *Handler) registerInvoice(mux *http.ServeMux) {
	if h.Invoice == nil {
		return
	}
	h.route(mux, "GET /buyer/invoices", httpx.BuyerAny, h.invoiceList)
	h.route(mux, "GET /buyer/invoices/{id}", httpx.BuyerAny, h.invoiceView)
	h.route(mux, "POST /buyer/orders/{id}/invoice", httpx.BuyerAny, h.invoiceRequest)
	h.route(mux, "GET /seller/invoices", httpx.Seller, h.invoiceList)
	h.route(mux, "GET /seller/invoices/{id}", httpx.Seller, h.invoiceView)
	h.route(mux, "POST /seller/invoices/{id}/issue", httpx.Seller, h.invoiceIssue)
	h.route(mux, "POST /seller/invoices/{id}/reject", httpx.Seller, h.invoiceReject)
	h.route(mux, "GET /admin/invoices", httpx.StaffAny, h.invoiceReport)
	h.route(mux, "GET /admin/invoices/{id}", httpx.StaffAny, h.invoiceView)
	h.route(mux, "POST /admin/invoices/rates", rateStaff, h.invoiceRate)
	h.route(mux, "GET /invoices/{id}/files/{blob}", httpx.SignedIn, h.invoiceFile)
	if h.Payment != nil {
		h.route(mux, "GET /buyer/payments", httpx.BuyerAny, h.buyerPayments)
	}
}

// invoiceBase is the invoice pages' path in the caller's centre.
func invoiceBase(r *http.Request) (areaName, base string) {
	return pathArea(r, "/buyer/invoices", "/seller/invoices", "/admin/invoices")
}

type invoiceListData struct {
	Invoices  []invoice.Invoice
	Base      string
	OrderBase string
	Show      string
}

func (h *Handler) invoiceList(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	a, base := invoiceBase(r)
	show := r.URL.Query().Get("show")
	f := invoice.Filter{}
	switch show {
	case "requested":
		f.Color, f.State = invoice.Blue, invoice.Requested
	case "red":
		f.Color, f.State = invoice.Red, invoice.Requested
	case "issued":
		f.State = invoice.Issued
	default:
		show = ""
	}
	list, err := h.Invoice.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "invoice_list", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "invoice.nav"), Area: a, Nav: "invoices",
		Data: invoiceListData{Invoices: list, Base: base, OrderBase: strings.TrimSuffix(base, "invoices") + "orders", Show: show}})
	return nil
}

type invoiceViewData struct {
	Inv       *invoice.Invoice
	Base      string
	OrderBase string
	Original  *invoice.Invoice
	Related   []invoice.Invoice // the order's other invoices
	CanIssue  bool
	CanReject bool
	FullBank  bool // the supplier issuing a 专票 needs the account in full
	Full      []invoice.Line
	FullA     money.Fen // the full reversal's amounts, for a red task
	FullE     money.Fen
	FullT     money.Fen
	Today     string
}

// Capitals writes an amount in Chinese capitals.
func (invoiceViewData) Capitals(f money.Fen) string { return money.Capitals(f) }

// Bank shows the bank and account, the account masked unless the page is the supplier's.
func (d invoiceViewData) Bank() string {
	if d.FullBank {
		return d.Inv.BankAccount
	}
	i := strings.LastIndexByte(d.Inv.BankAccount, ' ')
	if i < 0 {
		return buyer.MaskAccount(d.Inv.BankAccount)
	}
	return d.Inv.BankAccount[:i+1] + buyer.MaskAccount(d.Inv.BankAccount[i+1:])
}

func (h *Handler) invoiceView(w http.ResponseWriter, r *http.Request) error {
	return h.invoicePage(w, r, http.StatusOK, nil)
}

func (h *Handler) invoicePage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	inv, err := h.Invoice.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	a, base := invoiceBase(r)
	_, obase := pathArea(r, "/buyer/orders", "/seller/orders", "/admin/orders")
	d := invoiceViewData{Inv: inv, Base: base, OrderBase: obase, Today: time.Now().In(order.Shanghai).Format("2006-01-02")}
	if inv.OriginalID != "" {
		d.Original, _ = h.Invoice.Get(r.Context(), p, inv.OriginalID)
	}
	if list, err := h.Invoice.OfOrder(r.Context(), p, inv.OrderID); err == nil {
		for _, x := range list {
			if x.ID != inv.ID {
				d.Related = append(d.Related, x)
			}
		}
	}
	if p.Is(identity.Supplier) && inv.State == invoice.Requested {
		d.CanIssue, d.CanReject, d.FullBank = true, inv.Color == invoice.Blue, true
		if inv.Color == invoice.Red {
			if full, err := h.Invoice.Expected(r.Context(), inv, invoice.RedFull); err == nil {
				d.Full = full
				d.FullA, d.FullE, d.FullT = invoice.Totals(full)
			}
		}
	}
	h.render(w, r, status, "invoice_detail", &Page{Title: inv.Number, Area: a, Nav: "invoices", Form: f, Data: d})
	return nil
}

func (h *Handler) invoiceRequest(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		_, err := h.Invoice.Request(r.Context(), httpx.PrincipalFrom(r.Context()), id, invoice.RequestInput{Kind: invoice.Kind(v.Get("kind")), Email: v.Get("email"), IdemKey: formKey(v.Get("token"))})
		return err
	}, "/buyer/orders/"+id+"#invoice")
}

func (h *Handler) invoiceIssue(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err == nil {
		in := invoice.IssueInput{Number: v.Get("number"), Code: v.Get("code"), IssuedOn: v.Get("issued_on"), Amount: v.Get("amount"), Excl: v.Get("excl"), Tax: v.Get("tax"), Mode: v.Get("mode")}
		for _, k := range []string{"file", "file2", "file3"} {
			if fh := files[k]; fh != nil {
				data, rerr := readUpload(fh)
				if rerr != nil {
					err = rerr
					break
				}
				in.Files = append(in.Files, invoice.FileInput{Name: fh.Filename, Data: data})
			}
		}
		if err == nil {
			_, err = h.Invoice.Issue(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), in)
		}
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.invoicePage(w, r, status, f)
	}
	return h.saved(w, r, "/seller/invoices/"+r.PathValue("id"))
}

func (h *Handler) invoiceReject(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		_, err = h.Invoice.Reject(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("reason"))
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.invoicePage(w, r, status, f)
	}
	return h.saved(w, r, "/seller/invoices/"+r.PathValue("id"))
}

func (h *Handler) invoiceFile(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Invoice.File(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), r.PathValue("blob"))
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, max-age=3600")
	hdr.Set("Content-Type", b.ContentType)
	hdr.Set("Content-Disposition", b.Disposition())
	hdr.Set("Content-Length", strconv.Itoa(len(b.Data)))
	_, _ = w.Write(b.Data)
	return nil
}

// ---- staff ----

type invoiceReportData struct {
	Report  *invoice.Report
	Rates   []invoice.CategoryRate
	Choices []money.Rate
	CanSet  bool
}

// Count reads one color.state count.
func (d invoiceReportData) Count(key string) int64 { return d.Report.Counts[key] }

// RateValue shows a category's own rate for the select, or "" when it inherits.
func (d invoiceReportData) RateValue(r int64) string {
	if r < 0 {
		return ""
	}
	return strconv.FormatInt(r, 10)
}

func (h *Handler) invoiceReport(w http.ResponseWriter, r *http.Request) error {
	return h.invoiceReportPage(w, r, http.StatusOK, nil)
}

func (h *Handler) invoiceReportPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	rep, err := h.Invoice.Report(r.Context(), p)
	if err != nil {
		return err
	}
	d := invoiceReportData{Report: rep, CanSet: rateStaff.Check(p) == nil,
		Choices: []money.Rate{money.VAT13, money.VAT9, money.VAT6, money.VAT3, money.VAT1, money.VAT0}}
	if all, err := h.Invoice.Rates(r.Context(), p); err == nil {
		for _, c := range all {
			if c.Depth <= 1 {
				d.Rates = append(d.Rates, c)
			}
		}
	}
	h.render(w, r, status, "admin_invoices", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "invoice.nav"), Area: "admin", Nav: "invoices", Form: f, Data: d})
	return nil
}

func (h *Handler) invoiceRate(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		err = h.Invoice.SetRate(r.Context(), httpx.PrincipalFrom(r.Context()), v.Get("category"), v.Get("rate"))
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.invoiceReportPage(w, r, status, f)
	}
	return h.saved(w, r, "/admin/invoices#rates")
}

// ---- the order page's invoice box ----

// orderInvoiceView is what the order page shows about invoices.
type orderInvoiceView struct {
	Invoices   []invoice.Invoice
	CanRequest bool
	Base       string
	Token      string
	Profile    *buyer.Profile
}

func (h *Handler) orderInvoice(r *http.Request, p *identity.Principal, o *order.Order) *orderInvoiceView {
	if h.Invoice == nil {
		return nil
	}
	v := &orderInvoiceView{}
	_, v.Base = pathArea(r, "/buyer/invoices", "/seller/invoices", "/admin/invoices")
	v.Invoices, _ = h.Invoice.OfOrder(r.Context(), p, o.ID)
	paid := o.State == order.Paid || o.State == order.Shipped || o.State == order.Received || o.State == order.Settled
	if p.Is(identity.Buyer) && paid {
		v.CanRequest = true
		for _, x := range v.Invoices {
			if x.Color == invoice.Blue && (x.State == invoice.Requested || x.State == invoice.Issued) {
				v.CanRequest = false
			}
		}
		if v.CanRequest && h.Buyer != nil {
			v.Profile, _ = h.Buyer.Profile(r.Context(), p)
			v.Token = db.NewID()
		}
	}
	if len(v.Invoices) == 0 && !v.CanRequest {
		return nil
	}
	return v
}

// ---- the buyer's payments ----

type buyerPaymentsData struct {
	Payments []paymentRow
	Site     Site
}

type paymentRow struct {
	ID, Number, Provider, State, Remittance string
	Amount                                  money.Fen
	Orders                                  []string
	CreatedAt, Deadline, PaidAt             time.Time
}

func (h *Handler) buyerPayments(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	list, err := h.Payment.List(r.Context(), p, "", 200)
	if err != nil {
		return err
	}
	d := buyerPaymentsData{Site: h.site}
	for _, x := range list {
		row := paymentRow{ID: x.ID, Number: x.Number, Provider: x.Provider, State: string(x.State), Remittance: x.Remittance, Amount: x.Amount,
			CreatedAt: x.CreatedAt, Deadline: x.Deadline, PaidAt: x.PaidAt}
		for _, o := range x.Orders {
			row.Orders = append(row.Orders, o.Number)
		}
		d.Payments = append(d.Payments, row)
	}
	h.render(w, r, http.StatusOK, "buyer_payments", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "payment.list.title"), Area: "buyer", Nav: "payments", Data: d})
	return nil
}
