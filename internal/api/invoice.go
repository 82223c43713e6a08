package api

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/invoice"
)

// Invoices: the buyer's request per order, the supplier's record of the issued (or
// red-letter) invoice with its files, rejection, and the staff report.
func (a *API) addInvoiceRoutes() {
	if a.Invoice == nil {
		return
	}
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "invoice ID"}}
	a.add("GET", "/api/v1/invoices", httpx.SignedIn, false, a.listInvoices,
		Doc{ID: "listInvoices", Summary: "The caller's company's invoices (buyer or supplier; staff: everyone's), newest first", Tag: "invoice", Response: "InvoiceList", Status: 200,
			Params: []Param{{Name: "state", In: "query", Type: "string", Description: "requested, issued, rejected, cancelled, reversed"},
				{Name: "color", In: "query", Type: "string", Description: "blue or red (red-letter reversals)"}}})
	a.add("POST", "/api/v1/orders/{id}/invoices", httpx.BuyerAny, true, a.requestInvoice,
		Doc{ID: "requestInvoice", Summary: "Request a 专票 (special) or 普票 (normal) for a paid order from the company's tax profile; lines with 含税/不含税/税额 are computed by the server", Tag: "invoice", Request: "InvoiceRequest", Response: "Invoice", Status: 201,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "order ID"}}})
	a.add("GET", "/api/v1/invoices/report", httpx.StaffAny, false, a.invoiceReport,
		Doc{ID: "invoiceReport", Summary: "Staff: invoices by color and state, overdue requests and pending red-letter reversals", Tag: "invoice", Response: "InvoiceReport", Status: 200})
	a.add("GET", "/api/v1/invoices/{id}", httpx.SignedIn, false, a.getInvoice,
		Doc{ID: "getInvoice", Summary: "One invoice with its lines and files", Tag: "invoice", Response: "Invoice", Status: 200, Params: id})
	a.add("POST", "/api/v1/invoices/{id}/issue", httpx.Seller, true, a.issueInvoice,
		Doc{ID: "issueInvoice", Summary: "Supplier: record the issued invoice (or the red-letter invoice of a reversal task): number, code, date and amounts, which must equal the request's to the fen", Tag: "invoice", Request: "InvoiceIssue", Response: "Invoice", Status: 200, Params: id})
	a.add("POST", "/api/v1/invoices/{id}/reject", httpx.Seller, false, a.rejectInvoice,
		Doc{ID: "rejectInvoice", Summary: "Supplier: reject a request with a reason; the buyer may fix its profile and ask again", Tag: "invoice", Request: "ReasonInput", Response: "Invoice", Status: 200, Params: id})
	a.add("POST", "/api/v1/invoices/{id}/files", httpx.Seller, false, a.invoiceFile,
		Doc{ID: "uploadInvoiceFile", Summary: "Supplier: attach a file (body: PDF, OFD or the 数电票 XML) to an invoice being issued; returns the file's blob ID to pass in file_ids", Tag: "invoice", Response: "InvoiceFileRef", Status: 201,
			Params: append(id, Param{Name: "filename", In: "query", Type: "string", Description: "the file's name"})})
}

// InvoiceRequest is the body of POST /orders/{id}/invoices.
type InvoiceRequest struct {
	Kind  string `json:"kind"`
	Email string `json:"email,omitempty"`
}

// InvoiceIssue is the body of POST /invoices/{id}/issue. Amounts are yuan strings
// ("1130.00", negative for red-letter invoices).
type InvoiceIssue struct {
	Number   string   `json:"number"`
	Code     string   `json:"code,omitempty"`
	IssuedOn string   `json:"issued_on"`
	Amount   string   `json:"amount"`
	Excl     string   `json:"excl"`
	Tax      string   `json:"tax"`
	Mode     string   `json:"mode,omitempty"`
	FileIDs  []string `json:"file_ids,omitempty"`
}

// InvoiceLine is one invoice line.
type InvoiceLine struct {
	No        int    `json:"no"`
	Name      string `json:"name"`
	Spec      string `json:"spec,omitempty"`
	Unit      string `json:"unit,omitempty"`
	Qty       int64  `json:"qty,omitempty"`
	AmountFen int64  `json:"amount_fen"`
	Rate      string `json:"rate"`
	ExclFen   int64  `json:"excl_fen"`
	TaxFen    int64  `json:"tax_fen"`
	Freight   bool   `json:"freight,omitempty"`
	OrderLine int    `json:"order_line,omitempty"`
}

// InvoiceFile is a file of an issued invoice.
type InvoiceFile struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// Invoice is an invoice as the API shows it.
type Invoice struct {
	ID           string        `json:"id"`
	Number       string        `json:"number"`
	OrderID      string        `json:"order_id"`
	OrderNumber  string        `json:"order_number"`
	Supplier     string        `json:"supplier"`
	Color        string        `json:"color"`
	Kind         string        `json:"kind"`
	State        string        `json:"state"`
	OriginalID   string        `json:"original_id,omitempty"`
	Title        string        `json:"title"`
	TaxID        string        `json:"tax_id,omitempty"`
	AddressPhone string        `json:"address_phone,omitempty"`
	BankAccount  string        `json:"bank_account,omitempty"`
	AmountFen    int64         `json:"amount_fen"`
	ExclFen      int64         `json:"excl_fen"`
	TaxFen       int64         `json:"tax_fen"`
	Lines        []InvoiceLine `json:"lines"`
	RedPending   bool          `json:"red_pending"`
	ReversedFen  int64         `json:"reversed_fen,omitempty"`
	RefundFen    int64         `json:"refund_fen,omitempty"`
	RedMode      string        `json:"red_mode,omitempty"`
	InvoiceNo    string        `json:"invoice_no,omitempty"`
	InvoiceCode  string        `json:"invoice_code,omitempty"`
	IssuedOn     string        `json:"issued_on,omitempty"`
	Reason       string        `json:"reason,omitempty"`
	Files        []InvoiceFile `json:"files"`
	CreatedAt    time.Time     `json:"created_at"`
}

func invoiceBody(inv *invoice.Invoice) Invoice {
	out := Invoice{ID: inv.ID, Number: inv.Number, OrderID: inv.OrderID, OrderNumber: inv.OrderNumber, Supplier: inv.SupplierName, Color: string(inv.Color),
		Kind: string(inv.Kind), State: string(inv.State), OriginalID: inv.OriginalID, Title: inv.Title, TaxID: inv.TaxID, AddressPhone: inv.AddressPhone,
		BankAccount: inv.BankAccount, AmountFen: int64(inv.Amount), ExclFen: int64(inv.Excl), TaxFen: int64(inv.Tax), RedPending: inv.RedPending,
		ReversedFen: int64(inv.Reversed), RefundFen: int64(inv.RefundAmount), RedMode: inv.RedMode, InvoiceNo: inv.No, InvoiceCode: inv.Code,
		IssuedOn: inv.IssuedOn, Reason: inv.Reason, Lines: []InvoiceLine{}, Files: []InvoiceFile{}, CreatedAt: inv.CreatedAt}
	for _, l := range inv.Lines {
		out.Lines = append(out.Lines, InvoiceLine{No: l.No, Name: l.Name, Spec: l.Spec, Unit: l.Unit, Qty: l.Qty, AmountFen: int64(l.Amount), Rate: l.Rate.String(),
			ExclFen: int64(l.Excl), TaxFen: int64(l.Tax), Freight: l.Freight, OrderLine: l.OrderLine})
	}
	for _, f := range inv.Files {
		out.Files = append(out.Files, InvoiceFile{ID: f.BlobID, Kind: f.Kind, Name: f.Name, URL: "/invoices/" + inv.ID + "/files/" + f.BlobID})
	}
	return out
}

func (a *API) listInvoices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := invoice.Filter{State: invoice.State(q.Get("state"))}
	switch c := q.Get("color"); c {
	case "", "blue", "red":
		f.Color = invoice.Color(c)
	default:
		return errs.Field("color", "invoice.err.state")
	}
	list, err := a.Invoice.List(r.Context(), caller(r), f)
	if err != nil {
		return err
	}
	out := struct {
		Items []Invoice `json:"items"`
	}{Items: []Invoice{}}
	for i := range list {
		out.Items = append(out.Items, invoiceBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) requestInvoice(w http.ResponseWriter, r *http.Request) error {
	var in InvoiceRequest
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	ri := invoice.RequestInput{Kind: invoice.Kind(in.Kind), Email: in.Email}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		ri.IdemKey = "api:" + key
	}
	inv, err := a.Invoice.Request(r.Context(), caller(r), r.PathValue("id"), ri)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, invoiceBody(inv))
	return nil
}

func (a *API) getInvoice(w http.ResponseWriter, r *http.Request) error {
	inv, err := a.Invoice.Get(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, invoiceBody(inv))
	return nil
}

func (a *API) issueInvoice(w http.ResponseWriter, r *http.Request) error {
	var in InvoiceIssue
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	inv, err := a.Invoice.Issue(r.Context(), caller(r), r.PathValue("id"), invoice.IssueInput{Number: in.Number, Code: in.Code, IssuedOn: in.IssuedOn,
		Amount: in.Amount, Excl: in.Excl, Tax: in.Tax, Mode: in.Mode, FileIDs: in.FileIDs})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, invoiceBody(inv))
	return nil
}

func (a *API) rejectInvoice(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	inv, err := a.Invoice.Reject(r.Context(), caller(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, invoiceBody(inv))
	return nil
}

func (a *API) invoiceFile(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, invoice.MaxFileBytes+1))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, "err.body_too_large")
		}
		return errs.E(errs.Invalid, "err.form_malformed")
	}
	f, err := a.Invoice.Upload(r.Context(), caller(r), r.PathValue("id"), invoice.FileInput{Name: r.URL.Query().Get("filename"), Data: body})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		Name string `json:"name"`
	}{f.BlobID, f.Kind, f.Name})
	return nil
}

func (a *API) invoiceReport(w http.ResponseWriter, r *http.Request) error {
	rep, err := a.Invoice.Report(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := struct {
		Counts     map[string]int64 `json:"counts"`
		Overdue    []Invoice        `json:"overdue"`
		RedPending []Invoice        `json:"red_pending"`
	}{Counts: rep.Counts, Overdue: []Invoice{}, RedPending: []Invoice{}}
	for i := range rep.Overdue {
		out.Overdue = append(out.Overdue, invoiceBody(&rep.Overdue[i]))
	}
	for i := range rep.RedPending {
		out.RedPending = append(out.RedPending, invoiceBody(&rep.RedPending[i]))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func invoiceSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	line := obj{"type": "object", "properties": obj{"no": integer, "name": str, "spec": str, "unit": str, "qty": integer,
		"amount_fen": obj{"type": "integer", "description": "含税"}, "rate": str, "excl_fen": obj{"type": "integer", "description": "不含税"},
		"tax_fen": obj{"type": "integer", "description": "税额"}, "freight": boolean,
		"order_line": obj{"type": "integer", "description": "the order line this line invoices (absent for freight); a red line names the line it reverses"}}}
	states := obj{"type": "string", "enum": []string{"requested", "issued", "rejected", "cancelled", "reversed"}}
	return obj{
		"InvoiceRequest": obj{"type": "object", "additionalProperties": false, "required": []string{"kind"}, "properties": obj{
			"kind": obj{"type": "string", "enum": []string{"special", "normal"}, "description": "special: 专票 (needs the full tax profile); normal: 普票"}, "email": str}},
		"InvoiceIssue": obj{"type": "object", "additionalProperties": false, "required": []string{"number", "issued_on", "amount", "excl", "tax"}, "properties": obj{
			"number": obj{"type": "string", "description": "20 digits (数电票) or 8 digits with code"}, "code": obj{"type": "string", "description": "legacy invoices: 10 or 12 digits"},
			"issued_on": obj{"type": "string", "format": "date"}, "amount": obj{"type": "string", "description": "含税 in yuan, negative on red-letter invoices"},
			"excl": str, "tax": str, "mode": obj{"type": "string", "enum": []string{"partial", "full"}, "description": "red-letter reversals only"},
			"file_ids": obj{"type": "array", "items": str, "description": "files uploaded with uploadInvoiceFile"}}},
		"InvoiceFileRef": obj{"type": "object", "properties": obj{"id": str, "kind": str, "name": str}},
		"Invoice": obj{"type": "object", "required": []string{"id", "number", "order_id", "color", "kind", "state", "amount_fen", "lines", "files"}, "properties": obj{
			"id": str, "number": str, "order_id": str, "order_number": str, "supplier": str, "color": obj{"type": "string", "enum": []string{"blue", "red"}},
			"kind": obj{"type": "string", "enum": []string{"special", "normal"}}, "state": states, "original_id": str, "title": str, "tax_id": str,
			"address_phone": str, "bank_account": str, "amount_fen": integer, "excl_fen": integer, "tax_fen": integer, "lines": obj{"type": "array", "items": line},
			"red_pending": obj{"type": "boolean", "description": "待红冲: a refund requires a red-letter reversal"}, "reversed_fen": integer, "refund_fen": integer,
			"red_mode": str, "invoice_no": str, "invoice_code": str, "issued_on": str, "reason": str,
			"files":      obj{"type": "array", "items": obj{"type": "object", "properties": obj{"id": str, "kind": str, "name": str, "url": str}}},
			"created_at": obj{"type": "string", "format": "date-time"}}},
		"InvoiceList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Invoice")}}},
		"InvoiceReport": obj{"type": "object", "properties": obj{"counts": obj{"type": "object", "additionalProperties": integer},
			"overdue": obj{"type": "array", "items": ref("Invoice")}, "red_pending": obj{"type": "array", "items": ref("Invoice")}}},
	}
}
