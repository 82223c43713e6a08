package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/quotepdf"
	"github.com/zhuchao/zhuchao/internal/rfq"
)

// registerRFQ adds the buyer's requests for quotation (询价单: list, new, detail,
// comparison), the supplier's quote inbox (报价), the staff console's read-only list,
// attachments and the print-ready quote with its total in capitals.
func (h *Handler) registerRFQ(mux *http.ServeMux) {
	h.route(mux, "GET /buyer/rfqs", httpx.BuyerAny, h.rfqList)
	h.route(mux, "GET /buyer/rfqs/new", httpx.BuyerAny, h.rfqNew)
	h.route(mux, "POST /buyer/rfqs", httpx.BuyerAny, h.rfqCreate)
	h.route(mux, "GET /buyer/rfqs/{id}", httpx.BuyerAny, h.rfqView)
	h.route(mux, "GET /buyer/rfqs/{id}/compare", httpx.BuyerAny, h.rfqCompare)
	h.route(mux, "POST /buyer/rfqs/{id}/publish", httpx.BuyerAny, h.rfqPublish)
	h.route(mux, "POST /buyer/rfqs/{id}/cancel", httpx.BuyerAny, h.rfqCancel)
	h.route(mux, "POST /buyer/rfqs/{id}/accept", httpx.BuyerAny, h.rfqAccept)
	h.route(mux, "POST /buyer/rfqs/{id}/messages", httpx.BuyerAny, h.rfqSay)
	h.route(mux, "GET /seller/quotes", httpx.Seller, h.rfqList)
	h.route(mux, "GET /seller/quotes/{id}", httpx.Seller, h.rfqView)
	h.route(mux, "POST /seller/quotes/{id}", httpx.Seller, h.rfqQuote)
	h.route(mux, "POST /seller/quotes/{id}/withdraw", httpx.Seller, h.rfqWithdraw)
	h.route(mux, "POST /seller/quotes/{id}/messages", httpx.Seller, h.rfqSay)
	h.route(mux, "GET /admin/rfqs", httpx.StaffAny, h.rfqList)
	h.route(mux, "GET /admin/rfqs/{id}", httpx.StaffAny, h.rfqView)
	h.route(mux, "GET /rfqs/{id}/files/{blob}", httpx.SignedIn, h.rfqFile)
	h.route(mux, "GET /rfqs/{id}/quotes/{quote}/print", httpx.SignedIn, h.rfqPrint)
	h.route(mux, "GET /rfqs/{id}/quotes/{quote}/pdf", httpx.SignedIn, h.rfqPDF)
}

// rfqBase is the list a request page belongs to, by area.
func rfqBase(r *http.Request) (areaName, base string) {
	return pathArea(r, "/buyer/rfqs", "/seller/quotes", "/admin/rfqs")
}

func (h *Handler) rfqPage(w http.ResponseWriter, r *http.Request, status int, page string, f *Form, data any) error {
	a, _ := rfqBase(r)
	title := "rfq.nav.rfqs"
	if a == "seller" {
		title = "rfq.nav.quotes"
	}
	h.render(w, r, status, page, &Page{Title: i18n.T(httpx.LangFrom(r.Context()), title), Area: a, Nav: "rfqs", Form: f, Data: data})
	return nil
}

type rfqListData struct {
	Requests []rfq.Request
	States   []rfq.State
	State    rfq.State
	Base     string
}

var rfqStates = []rfq.State{rfq.Draft, rfq.Published, rfq.Closed, rfq.Awarded, rfq.Expired, rfq.Cancelled}

func (h *Handler) rfqList(w http.ResponseWriter, r *http.Request) error {
	_, base := rfqBase(r)
	state := rfq.State(r.URL.Query().Get("state"))
	valid := false
	for _, s := range rfqStates {
		valid = valid || s == state
	}
	if !valid {
		state = ""
	}
	list, err := h.RFQ.List(r.Context(), httpx.PrincipalFrom(r.Context()), state)
	if err != nil {
		return err
	}
	return h.rfqPage(w, r, http.StatusOK, "rfq_list", nil, rfqListData{Requests: list, States: rfqStates, State: state, Base: base})
}

// ---- new request ----

type rfqNewData struct {
	Addresses []buyer.Address
	Token     string
	Rows      []int // line rows in the form
	Rates     []money.Rate
}

const rfqFormRows = 8

func (h *Handler) rfqNew(w http.ResponseWriter, r *http.Request) error {
	return h.rfqNewPage(w, r, http.StatusOK, nil)
}

func (h *Handler) rfqNewPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	addrs, err := h.Buyer.Addresses(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	d := rfqNewData{Addresses: addrs, Token: db.NewID()}
	if f != nil && f.Values.Get("token") != "" {
		d.Token = f.Values.Get("token")
	}
	for i := 0; i < rfqFormRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	return h.rfqPage(w, r, status, "rfq_new", f, d)
}

// rfqCreate posts a request from the multipart form: up to rfqFormRows line rows (empty
// rows skipped), files, invited supplier names one a line.
func (h *Handler) rfqCreate(w http.ResponseWriter, r *http.Request) error {
	v, _, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	in := rfq.RequestInput{Token: "form:" + v.Get("token"), Title: v.Get("title"), Description: v.Get("description"), CategoryID: v.Get("category_id"),
		NeedBy: rfq.ParseDay(v.Get("need_by")), Deadline: rfq.ParseMoment(v.Get("deadline")), Target: v.Get("target"), AddressID: v.Get("address_id"),
		OpenToAll: v.Get("open_to_all") == "1", Publish: v.Get("publish") == "1"}
	if v.Get("token") == "" {
		in.Token = ""
	}
	for _, n := range strings.Split(v.Get("invite"), "\n") {
		if n = strings.TrimSpace(n); n != "" {
			in.Invite = append(in.Invite, n)
		}
	}
	var rows []int // the form row of each line sent, for errors on lines.N
	for i := 0; i < rfqFormRows; i++ {
		k := strconv.Itoa(i)
		desc, qty := strings.TrimSpace(v.Get("desc."+k)), strings.TrimSpace(v.Get("qty."+k))
		if desc == "" && qty == "" && strings.TrimSpace(v.Get("spec."+k)) == "" {
			continue
		}
		n, perr := strconv.ParseInt(qty, 10, 64)
		if perr != nil {
			n = 0 // reported as not positive
		}
		in.Lines = append(in.Lines, rfq.LineInput{Description: desc, Spec: v.Get("spec." + k), Qty: n, Unit: v.Get("unit." + k)})
		rows = append(rows, i)
	}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Size == 0 {
				continue
			}
			data, err := readUpload(fh)
			if err != nil {
				return err
			}
			in.Files = append(in.Files, rfq.FileInput{Name: fh.Filename, Data: data})
		}
	}
	req, err := h.RFQ.Create(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		// lines.N names the N-th line sent; the form shows it on the row it came from.
		moved := map[string]string{}
		for key, msg := range f.Errors {
			if rest, ok := strings.CutPrefix(key, "lines."); ok {
				n, field, _ := strings.Cut(rest, ".")
				if i, err := strconv.Atoi(n); err == nil && i < len(rows) {
					key = "lines." + strconv.Itoa(rows[i]) + "." + field
				}
			}
			moved[key] = msg
		}
		f.Errors = moved
		return h.rfqNewPage(w, r, status, f)
	}
	return h.saved(w, r, "/buyer/rfqs/"+req.ID)
}

// ---- detail ----

type rfqData struct {
	*rfq.Detail
	Base      string
	Area      string
	Me        string // the caller's organisation
	Suppliers []rfq.Supplier
	Lines     []compareLine
	Best      int64 // the lowest submitted total
	Rates     []money.Rate
	Prices    []string // the supplier form's prices
	Shown     string   // the thread shown (buyer)
	Rate      string   // the supplier form's VAT rate
	TaxIncl   string   // "1" when the supplier form's prices include VAT
}

// compareLine is one requested line with each quote's price for it, in quote order.
type compareLine struct {
	rfq.Line
	Cells []compareCell
}

type compareCell struct {
	UnitPrice money.UnitPrice
	Amount    money.Fen
	Best      bool
}

// Live reports whether a quote counts in the comparison (submitted or accepted).
func (rfqData) Live(q rfq.Quote) bool { return q.State == rfq.Submitted || q.State == rfq.Accepted }

// IsBest reports whether a quote has the lowest total of the live quotes.
func (d rfqData) IsBest(q rfq.Quote) bool { return d.Live(q) && int64(q.Total) == d.Best }

// Capitals is the 大写 of an amount.
func (rfqData) Capitals(f money.Fen) string { return money.Capitals(f) }

// Thread is the request's messages with one supplier.
func (d rfqData) Thread(sup string) []rfq.Message { return d.Threads[sup] }

func (h *Handler) rfqData(r *http.Request) (*rfqData, error) {
	p := httpx.PrincipalFrom(r.Context())
	det, err := h.RFQ.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	a, base := rfqBase(r)
	d := &rfqData{Detail: det, Base: base, Area: a, Me: p.Org.ID, Rates: rfq.ValidRates, Shown: r.URL.Query().Get("thread")}
	seen := map[string]bool{}
	for _, q := range det.Quotes {
		if !seen[q.Supplier.ID] {
			seen[q.Supplier.ID] = true
			d.Suppliers = append(d.Suppliers, q.Supplier)
		}
	}
	for _, s := range det.Request.Invited {
		if !seen[s.ID] {
			seen[s.ID] = true
			d.Suppliers = append(d.Suppliers, s)
		}
	}
	for _, q := range det.Quotes {
		if d.Live(q) && (d.Best == 0 || int64(q.Total) < d.Best) {
			d.Best = int64(q.Total)
		}
	}
	for i, l := range det.Request.Lines {
		cl := compareLine{Line: l}
		var best money.Fen = -1
		for _, q := range det.Quotes {
			if i < len(q.Lines) && d.Live(q) && (best < 0 || q.Lines[i].Amount < best) {
				best = q.Lines[i].Amount
			}
		}
		for _, q := range det.Quotes {
			c := compareCell{}
			if i < len(q.Lines) {
				c = compareCell{UnitPrice: q.Lines[i].UnitPrice, Amount: q.Lines[i].Amount, Best: d.Live(q) && q.Lines[i].Amount == best}
			}
			cl.Cells = append(cl.Cells, c)
		}
		d.Lines = append(d.Lines, cl)
	}
	d.Rate, d.TaxIncl = "1300", "1"
	if det.Mine != nil {
		d.Rate = strconv.FormatInt(int64(det.Mine.TaxRate), 10)
		if !det.Mine.TaxIncluded {
			d.TaxIncl = ""
		}
		for _, l := range det.Mine.Lines {
			d.Prices = append(d.Prices, strings.TrimPrefix(priceText(int64(l.UnitPrice)), "¥"))
		}
	}
	return d, nil
}

func (h *Handler) rfqView(w http.ResponseWriter, r *http.Request) error {
	return h.rfqDetail(w, r, http.StatusOK, nil)
}

func (h *Handler) rfqDetail(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	d, err := h.rfqData(r)
	if err != nil {
		return err
	}
	if f != nil && f.Values != nil {
		d.Prices = f.Values["price"]
	}
	page := "rfq_detail"
	if d.Area == "seller" {
		page = "rfq_quote"
	}
	return h.rfqPage(w, r, status, page, f, d)
}

func (h *Handler) rfqCompare(w http.ResponseWriter, r *http.Request) error {
	d, err := h.rfqData(r)
	if err != nil {
		return err
	}
	return h.rfqPage(w, r, http.StatusOK, "rfq_compare", nil, d)
}

// rfqAction runs fn on a posted form and goes to back, or shows the request with the
// errors.
func (h *Handler) rfqAction(w http.ResponseWriter, r *http.Request, back string, fn func(v url.Values) error) error {
	v, err := parseForm(w, r)
	if err == nil {
		err = fn(v)
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.rfqDetail(w, r, status, f)
	}
	return h.saved(w, r, back)
}

func (h *Handler) rfqPublish(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.rfqAction(w, r, "/buyer/rfqs/"+id, func(url.Values) error {
		return h.RFQ.Publish(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	})
}

func (h *Handler) rfqCancel(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.rfqAction(w, r, "/buyer/rfqs/"+id, func(url.Values) error {
		return h.RFQ.Cancel(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	})
}

func (h *Handler) rfqAccept(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	o, err := h.RFQ.Accept(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("quote_id"))
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.rfqDetail(w, r, status, f)
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "rfq.accepted", o.Number))
	http.Redirect(w, r, "/buyer/orders/"+o.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) rfqSay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	_, base := rfqBase(r)
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	back := base + "/" + id
	if s := v.Get("supplier_id"); db.ValidID(s) {
		back += "?thread=" + s + "#thread"
	}
	if err := h.RFQ.Say(r.Context(), httpx.PrincipalFrom(r.Context()), id, v.Get("supplier_id"), v.Get("body")); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.rfqDetail(w, r, status, f)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// rfqQuote submits or revises the supplier's quote from the multipart form.
func (h *Handler) rfqQuote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v, _, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	rate, _ := strconv.ParseInt(v.Get("tax_rate"), 10, 64)
	lead, _ := strconv.Atoi(strings.TrimSpace(v.Get("lead_days")))
	ver, _ := strconv.Atoi(v.Get("version"))
	in := rfq.QuoteInput{Prices: v["price"], TaxIncluded: v.Get("tax_included") == "1", TaxRate: money.Rate(rate), LeadDays: lead,
		ValidUntil: rfq.ParseMoment(v.Get("valid_until")), PaymentTerms: v.Get("payment_terms"), DeliveryTerms: v.Get("delivery_terms"), Notes: v.Get("notes"), Version: ver}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["files"] {
			if fh.Size == 0 {
				continue
			}
			data, err := readUpload(fh)
			if err != nil {
				return err
			}
			in.Files = append(in.Files, rfq.FileInput{Name: fh.Filename, Data: data})
		}
	}
	if _, err := h.RFQ.SubmitQuote(r.Context(), httpx.PrincipalFrom(r.Context()), id, in); err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.rfqDetail(w, r, status, f)
	}
	return h.saved(w, r, "/seller/quotes/"+id)
}

func (h *Handler) rfqWithdraw(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.rfqAction(w, r, "/seller/quotes/"+id, func(url.Values) error {
		return h.RFQ.Withdraw(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	})
}

// rfqFile serves an attachment to those who may see it (never another tenant).
func (h *Handler) rfqFile(w http.ResponseWriter, r *http.Request) error {
	b, err := h.RFQ.File(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), r.PathValue("blob"))
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
	w.Write(b.Data)
	return nil
}

type rfqPrintData struct {
	Request  *rfq.Request
	Quote    *rfq.Quote
	Lines    []printLine
	Excl     money.Fen
	Tax      money.Fen
	Capitals string
}

type printLine struct {
	rfq.Line
	UnitPrice money.UnitPrice // tax included
	Amount    money.Fen
}

// rfqPrintData gathers a quote for its document; the buyer, staff and the quoting
// supplier may open it, anyone else gets a 404.
func (h *Handler) rfqPrintData(r *http.Request) (*rfqPrintData, error) {
	p := httpx.PrincipalFrom(r.Context())
	det, err := h.RFQ.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	var q *rfq.Quote
	for i := range det.Quotes {
		if det.Quotes[i].ID == r.PathValue("quote") {
			q = &det.Quotes[i]
		}
	}
	if q == nil {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	d := &rfqPrintData{Request: det.Request, Quote: q, Capitals: money.Capitals(q.Total)}
	for i, l := range det.Request.Lines {
		if i < len(q.Lines) {
			d.Lines = append(d.Lines, printLine{Line: l, UnitPrice: q.InclusivePrice(q.Lines[i]), Amount: q.Lines[i].Amount})
		}
	}
	// 不含税 and 税额 per line, rounded per line as invoices do, then summed.
	for _, l := range d.Lines {
		excl, tax := money.SplitTax(l.Amount, q.TaxRate)
		d.Excl, d.Tax = d.Excl+excl, d.Tax+tax
	}
	return d, nil
}

// rfqPDF is the quote as a PDF (package quotepdf), the total in capitals.
func (h *Handler) rfqPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := h.rfqPrintData(r)
	if err != nil {
		return err
	}
	q, req := d.Quote, d.Request
	day := func(t time.Time) string { return t.In(shanghai).Format("2006-01-02") }
	doc := quotepdf.Quote{Number: fmt.Sprintf("%s-v%d", req.Number, q.Version), Date: day(q.UpdatedAt), ValidUntil: day(q.ValidUntil),
		Buyer: req.BuyerName, Supplier: q.Supplier.Name, Subject: req.Title, Excl: money.FormatYuan(d.Excl), Tax: money.FormatYuan(d.Tax),
		Rate: q.TaxRate.String(), Total: money.FormatYuan(q.Total), Capitals: d.Capitals, LeadDays: strconv.Itoa(q.LeadDays), NeedBy: day(req.NeedBy),
		PaymentTerms: q.PaymentTerms, DeliveryTerms: q.DeliveryTerms, Delivery: req.Address.DivisionName, Notes: q.Notes}
	for _, l := range d.Lines {
		doc.Lines = append(doc.Lines, quotepdf.Line{No: strconv.Itoa(l.No), Description: l.Description, Spec: l.Spec, Qty: groupDigits(l.Qty), Unit: l.Unit,
			UnitPrice: "¥" + l.UnitPrice.String(), Amount: money.FormatYuan(l.Amount)})
	}
	b, err := quotepdf.Render(doc)
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/pdf")
	hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "报价单-" + req.Number + "-" + q.Supplier.Name + ".pdf"}))
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	return nil
}

// rfqPrint is the quote as a print-ready page (A4, print CSS, no JavaScript), beside
// the PDF: the total is in figures and in capitals (大写).
func (h *Handler) rfqPrint(w http.ResponseWriter, r *http.Request) error {
	d, err := h.rfqPrintData(r)
	if err != nil {
		return err
	}
	pg := &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "rfq.print.title"), Data: d}
	h.fillPage(r, pg)
	var buf bytes.Buffer
	// The page is its own document (template "print"), without the site's layout.
	if err := h.tmpl.pages["rfq_print"].ExecuteTemplate(&buf, "print", pg); err != nil {
		return fmt.Errorf("web: render quote print: %w", err)
	}
	w.Header().Set("Cache-Control", "private, no-store")
	writeHTML(w, r, http.StatusOK, pg.Lang, buf.Bytes())
	return nil
}
