package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/rfq"
)

// RFQs (询价): buyers post requests and accept a quote (it becomes an order), suppliers
// quote, revise and withdraw, both talk in a private thread; staff read.
func (a *API) addRFQRoutes() {
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "request ID"}}
	a.add("GET", "/api/v1/rfqs", httpx.SignedIn, false, a.listRFQs,
		Doc{ID: "listRFQs", Summary: "Requests for quotation: the company's own (buyer), those addressed to the caller (supplier: invited or open in its categories) or all (staff)", Tag: "rfq", Response: "RFQList", Status: 200,
			Params: []Param{{Name: "state", In: "query", Type: "string", Description: "draft, published, closed, expired, awarded or cancelled"}}})
	a.add("POST", "/api/v1/rfqs", httpx.BuyerAny, true, a.createRFQ,
		Doc{ID: "createRFQ", Summary: "Post a request for quotation (draft, or published with publish: true); files as base64", Tag: "rfq", Request: "RFQInput", Response: "RFQ", Status: 201})
	a.add("GET", "/api/v1/rfqs/{id}", httpx.SignedIn, false, a.getRFQ,
		Doc{ID: "getRFQ", Summary: "A request with its quotes and threads as the caller may see them (a supplier sees only its own quote and thread)", Tag: "rfq", Response: "RFQ", Status: 200, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/publish", httpx.BuyerAny, false, a.publishRFQ,
		Doc{ID: "publishRFQ", Summary: "Publish a draft request", Tag: "rfq", Response: "RFQ", Status: 200, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/cancel", httpx.BuyerAny, false, a.cancelRFQ,
		Doc{ID: "cancelRFQ", Summary: "Cancel a request not yet awarded; its quotes are not chosen", Tag: "rfq", Response: "RFQ", Status: 200, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/quote", httpx.Seller, true, a.quoteRFQ,
		Doc{ID: "quoteRFQ", Summary: "Quote on a request, or revise the quote (version: the one revised) before the deadline; every version is kept", Tag: "rfq", Request: "QuoteInput", Response: "Quote", Status: 201, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/withdraw", httpx.Seller, false, a.withdrawQuote,
		Doc{ID: "withdrawQuote", Summary: "Withdraw the caller's quote before the deadline", Tag: "rfq", Response: "RFQ", Status: 200, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/accept", httpx.BuyerAny, true, a.acceptQuote,
		Doc{ID: "acceptQuote", Summary: "Accept one quote: it becomes an order at the quoted terms (awaiting approval or payment), other quotes are not chosen", Tag: "rfq", Request: "AcceptInput", Response: "Order", Status: 201, Params: id})
	a.add("POST", "/api/v1/rfqs/{id}/messages", httpx.SignedIn, false, a.sayRFQ,
		Doc{ID: "postRFQMessage", Summary: "Write in the request's thread with one supplier (the buyer names supplier_id; a supplier writes in its own)", Tag: "rfq", Request: "RFQMessageInput", Response: "RFQ", Status: 201, Params: id})
}

// RFQFileInput is a file sent inline.
type RFQFileInput struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// RFQLineInput is one requested item.
type RFQLineInput struct {
	Description string `json:"description"`
	Spec        string `json:"spec"`
	Qty         int64  `json:"qty"`
	Unit        string `json:"unit"`
}

// RFQInput is the body of POST /rfqs.
type RFQInput struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	CategoryID  string         `json:"category_id"`
	Lines       []RFQLineInput `json:"lines"`
	Files       []RFQFileInput `json:"files"`
	NeedBy      string         `json:"need_by"`
	Deadline    string         `json:"deadline"`
	Target      string         `json:"target"`
	AddressID   string         `json:"address_id"`
	OpenToAll   bool           `json:"open_to_all"`
	Invite      []string       `json:"invite"`
	Publish     bool           `json:"publish"`
}

// QuoteInput is the body of POST /rfqs/{id}/quote.
type QuoteInput struct {
	Prices        []string       `json:"prices"`
	TaxIncluded   bool           `json:"tax_included"`
	TaxRate       int64          `json:"tax_rate"`
	LeadDays      int            `json:"lead_days"`
	ValidUntil    string         `json:"valid_until"`
	PaymentTerms  string         `json:"payment_terms"`
	DeliveryTerms string         `json:"delivery_terms"`
	Notes         string         `json:"notes"`
	Files         []RFQFileInput `json:"files"`
	Version       int            `json:"version"`
}

// AcceptInput is the body of POST /rfqs/{id}/accept.
type AcceptInput struct {
	QuoteID string `json:"quote_id"`
}

// RFQMessageInput is the body of POST /rfqs/{id}/messages.
type RFQMessageInput struct {
	SupplierID string `json:"supplier_id"`
	Body       string `json:"body"`
}

// RFQ is a request as the caller sees it.
type RFQ struct {
	ID           string              `json:"id"`
	Number       string              `json:"number"`
	BuyerName    string              `json:"buyer_name"`
	Title        string              `json:"title"`
	Description  string              `json:"description"`
	CategoryID   string              `json:"category_id"`
	CategoryName string              `json:"category_name"`
	OpenToAll    bool                `json:"open_to_all"`
	State        string              `json:"state"`
	NeedBy       string              `json:"need_by"`
	Deadline     time.Time           `json:"deadline"`
	TargetFen    int64               `json:"target_fen"`
	Province     string              `json:"delivery_division"`
	QuoteCount   int                 `json:"quote_count"`
	QuoteID      string              `json:"quote_id,omitempty"`
	OrderID      string              `json:"order_id,omitempty"`
	Lines        []RFQLine           `json:"lines,omitempty"`
	Files        []RFQFile           `json:"files,omitempty"`
	Invited      []string            `json:"invited,omitempty"`
	Quotes       []Quote             `json:"quotes,omitempty"`
	Threads      map[string][]RFQMsg `json:"threads,omitempty"`
	CreatedAt    time.Time           `json:"created_at"`
}

// RFQLine is a requested item.
type RFQLine struct {
	No          int    `json:"no"`
	Description string `json:"description"`
	Spec        string `json:"spec"`
	Qty         int64  `json:"qty"`
	Unit        string `json:"unit"`
}

// RFQFile is an attachment; its bytes are at /rfqs/{id}/files/{blob} on the site.
type RFQFile struct {
	ID      string `json:"id"`
	QuoteID string `json:"quote_id,omitempty"`
	Name    string `json:"name"`
	Size    int64  `json:"size"`
	URL     string `json:"url"`
}

// Quote is a supplier's quote.
type Quote struct {
	ID            string      `json:"id"`
	SupplierID    string      `json:"supplier_id"`
	SupplierName  string      `json:"supplier_name"`
	Level         int         `json:"supplier_level"`
	Zhu           bool        `json:"zhu"`
	Bao           bool        `json:"bao"`
	Version       int         `json:"version"`
	State         string      `json:"state"`
	Lines         []QuoteLine `json:"lines"`
	TaxIncluded   bool        `json:"tax_included"`
	TaxRate       int64       `json:"tax_rate"`
	TotalFen      int64       `json:"total_fen"`
	TotalCapitals string      `json:"total_capitals"`
	LeadDays      int         `json:"lead_days"`
	ValidUntil    time.Time   `json:"valid_until"`
	PaymentTerms  string      `json:"payment_terms"`
	DeliveryTerms string      `json:"delivery_terms"`
	Notes         string      `json:"notes"`
	Versions      []int       `json:"versions"`
	PDFURL        string      `json:"pdf_url"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// QuoteLine is one line's price.
type QuoteLine struct {
	No        int    `json:"no"`
	UnitPrice string `json:"unit_price"`
	AmountFen int64  `json:"amount_fen"`
}

// RFQMsg is a thread message.
type RFQMsg struct {
	Author string    `json:"author"`
	Mine   bool      `json:"mine"`
	Body   string    `json:"body"`
	At     time.Time `json:"at"`
}

// RFQList is a list of requests.
type RFQList struct {
	Items []RFQ `json:"items"`
}

func rfqBody(r *rfq.Request) RFQ {
	out := RFQ{ID: r.ID, Number: r.Number, BuyerName: r.BuyerName, Title: r.Title, Description: r.Description, CategoryID: r.CategoryID, CategoryName: r.CategoryName,
		OpenToAll: r.OpenToAll, State: string(r.State), NeedBy: r.NeedBy.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02"), Deadline: r.Deadline, TargetFen: int64(r.Target),
		Province: r.Address.DivisionName, QuoteCount: r.QuoteCount, QuoteID: r.QuoteID, OrderID: r.OrderID, CreatedAt: r.CreatedAt}
	for _, l := range r.Lines {
		out.Lines = append(out.Lines, RFQLine{No: l.No, Description: l.Description, Spec: l.Spec, Qty: l.Qty, Unit: l.Unit})
	}
	for _, f := range r.Files {
		out.Files = append(out.Files, RFQFile{ID: f.BlobID, QuoteID: f.QuoteID, Name: f.Name, Size: f.Size, URL: "/rfqs/" + r.ID + "/files/" + f.BlobID})
	}
	for _, s := range r.Invited {
		out.Invited = append(out.Invited, s.Name)
	}
	return out
}

func quoteBody(q *rfq.Quote) Quote {
	out := Quote{ID: q.ID, SupplierID: q.Supplier.ID, SupplierName: q.Supplier.Name, Level: q.Supplier.Level, Zhu: q.Supplier.Zhu, Bao: q.Supplier.Bao,
		Version: q.Version, State: string(q.State), TaxIncluded: q.TaxIncluded, TaxRate: int64(q.TaxRate), TotalFen: int64(q.Total), TotalCapitals: money.Capitals(q.Total),
		LeadDays: q.LeadDays, ValidUntil: q.ValidUntil, PaymentTerms: q.PaymentTerms, DeliveryTerms: q.DeliveryTerms, Notes: q.Notes, UpdatedAt: q.UpdatedAt, Versions: []int{},
		PDFURL: "/rfqs/" + q.RFQID + "/quotes/" + q.ID + "/pdf"}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, QuoteLine{No: l.No, UnitPrice: l.UnitPrice.String(), AmountFen: int64(l.Amount)})
	}
	for _, v := range q.Versions {
		out.Versions = append(out.Versions, v.Version)
	}
	return out
}

func (a *API) writeRFQ(w http.ResponseWriter, r *http.Request, status int, id string) error {
	d, err := a.RFQ.Get(r.Context(), caller(r), id)
	if err != nil {
		return err
	}
	out := rfqBody(d.Request)
	for i := range d.Quotes {
		out.Quotes = append(out.Quotes, quoteBody(&d.Quotes[i]))
	}
	me := caller(r).Org.ID
	for sup, msgs := range d.Threads {
		if out.Threads == nil {
			out.Threads = map[string][]RFQMsg{}
		}
		for _, m := range msgs {
			out.Threads[sup] = append(out.Threads[sup], RFQMsg{Author: m.AuthorName, Mine: m.AuthorOrgID == me, Body: m.Body, At: m.At})
		}
	}
	WriteJSON(w, status, out)
	return nil
}

func (a *API) listRFQs(w http.ResponseWriter, r *http.Request) error {
	list, err := a.RFQ.List(r.Context(), caller(r), rfq.State(r.URL.Query().Get("state")))
	if err != nil {
		return err
	}
	out := RFQList{Items: []RFQ{}}
	for i := range list {
		out.Items = append(out.Items, rfqBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func files(in []RFQFileInput) []rfq.FileInput {
	var out []rfq.FileInput
	for _, f := range in {
		out = append(out, rfq.FileInput{Name: f.Name, Data: f.Data})
	}
	return out
}

func (a *API) createRFQ(w http.ResponseWriter, r *http.Request) error {
	var in RFQInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	ri := rfq.RequestInput{Title: in.Title, Description: in.Description, CategoryID: in.CategoryID, Files: files(in.Files), NeedBy: rfq.ParseDay(in.NeedBy),
		Deadline: rfq.ParseMoment(in.Deadline), Target: in.Target, AddressID: in.AddressID, OpenToAll: in.OpenToAll, Invite: in.Invite, Publish: in.Publish}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		ri.Token = "api:" + key
	}
	for _, l := range in.Lines {
		ri.Lines = append(ri.Lines, rfq.LineInput{Description: l.Description, Spec: l.Spec, Qty: l.Qty, Unit: l.Unit})
	}
	req, err := a.RFQ.Create(r.Context(), caller(r), ri)
	if err != nil {
		return err
	}
	return a.writeRFQ(w, r, http.StatusCreated, req.ID)
}

func (a *API) getRFQ(w http.ResponseWriter, r *http.Request) error {
	return a.writeRFQ(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) publishRFQ(w http.ResponseWriter, r *http.Request) error {
	if err := a.RFQ.Publish(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	return a.writeRFQ(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) cancelRFQ(w http.ResponseWriter, r *http.Request) error {
	if err := a.RFQ.Cancel(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	return a.writeRFQ(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) quoteRFQ(w http.ResponseWriter, r *http.Request) error {
	var in QuoteInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	q, err := a.RFQ.SubmitQuote(r.Context(), caller(r), r.PathValue("id"), rfq.QuoteInput{Prices: in.Prices, TaxIncluded: in.TaxIncluded, TaxRate: money.Rate(in.TaxRate),
		LeadDays: in.LeadDays, ValidUntil: rfq.ParseMoment(in.ValidUntil), PaymentTerms: in.PaymentTerms, DeliveryTerms: in.DeliveryTerms, Notes: in.Notes,
		Files: files(in.Files), Version: in.Version})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, quoteBody(q))
	return nil
}

func (a *API) withdrawQuote(w http.ResponseWriter, r *http.Request) error {
	if err := a.RFQ.Withdraw(r.Context(), caller(r), r.PathValue("id")); err != nil {
		return err
	}
	return a.writeRFQ(w, r, http.StatusOK, r.PathValue("id"))
}

func (a *API) acceptQuote(w http.ResponseWriter, r *http.Request) error {
	var in AcceptInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	o, err := a.RFQ.Accept(r.Context(), caller(r), r.PathValue("id"), in.QuoteID)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, orderBody(o))
	return nil
}

func (a *API) sayRFQ(w http.ResponseWriter, r *http.Request) error {
	var in RFQMessageInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	if err := a.RFQ.Say(r.Context(), caller(r), r.PathValue("id"), in.SupplierID, in.Body); err != nil {
		return err
	}
	return a.writeRFQ(w, r, http.StatusCreated, r.PathValue("id"))
}

func rfqSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	ts := obj{"type": "string", "format": "date-time"}
	file := obj{"type": "object", "additionalProperties": false, "required": []string{"name", "data"}, "properties": obj{"name": str, "data": obj{"type": "string", "contentEncoding": "base64"}}}
	states := obj{"type": "string", "enum": []string{"draft", "published", "closed", "expired", "awarded", "cancelled"}}
	quote := obj{"type": "object", "properties": obj{"id": str, "supplier_id": str, "supplier_name": str, "supplier_level": integer, "zhu": boolean, "bao": boolean,
		"version": integer, "state": obj{"type": "string", "enum": []string{"submitted", "withdrawn", "accepted", "not_chosen", "expired"}},
		"lines":        obj{"type": "array", "items": obj{"type": "object", "properties": obj{"no": integer, "unit_price": obj{"type": "string", "description": "yuan, 4 decimals, as quoted (see tax_included)"}, "amount_fen": integer}}},
		"tax_included": boolean, "tax_rate": obj{"type": "integer", "description": "basis points: 1300 = 13 %"}, "total_fen": obj{"type": "integer", "description": "tax included"},
		"total_capitals": obj{"type": "string", "description": "the total in Chinese capitals (大写)"}, "lead_days": integer, "valid_until": ts,
		"payment_terms": str, "delivery_terms": str, "notes": str, "versions": obj{"type": "array", "items": integer}, "updated_at": ts,
		"pdf_url": obj{"type": "string", "description": "the quote as a PDF (报价单, total in capitals), for the buyer, staff and the quoting supplier"}}}
	return obj{
		"RFQInput": obj{"type": "object", "additionalProperties": false, "required": []string{"title", "category_id", "lines", "need_by", "deadline", "address_id"}, "properties": obj{
			"title": str, "description": str, "category_id": str,
			"lines": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false, "required": []string{"description", "qty", "unit"},
				"properties": obj{"description": str, "spec": str, "qty": integer, "unit": str}}},
			"files":       obj{"type": "array", "items": file, "description": "PDF, DWG, DXF, STEP or images, content-checked"},
			"need_by":     obj{"type": "string", "format": "date"},
			"deadline":    obj{"type": "string", "description": "quote deadline: RFC 3339, or a date (end of that day, Shanghai)"},
			"target":      obj{"type": "string", "description": "optional target total in yuan"},
			"address_id":  str,
			"open_to_all": obj{"type": "boolean", "description": "every supplier of the category may quote"},
			"invite":      obj{"type": "array", "items": str, "description": "supplier names"},
			"publish":     boolean}},
		"QuoteInput": obj{"type": "object", "additionalProperties": false, "required": []string{"prices", "tax_rate", "lead_days", "valid_until"}, "properties": obj{
			"prices":       obj{"type": "array", "items": str, "description": "unit price per request line, yuan with up to 4 decimals"},
			"tax_included": boolean, "tax_rate": obj{"type": "integer", "enum": []int{1300, 900, 600, 300, 100, 0}}, "lead_days": integer,
			"valid_until": str, "payment_terms": str, "delivery_terms": str, "notes": str, "files": obj{"type": "array", "items": file},
			"version": obj{"type": "integer", "description": "the version revised (0 for a first quote)"}}},
		"AcceptInput":     obj{"type": "object", "additionalProperties": false, "required": []string{"quote_id"}, "properties": obj{"quote_id": str}},
		"RFQMessageInput": obj{"type": "object", "additionalProperties": false, "required": []string{"body"}, "properties": obj{"supplier_id": str, "body": str}},
		"Quote":           quote,
		"RFQ": obj{"type": "object", "required": []string{"id", "number", "state"}, "properties": obj{"id": str, "number": str, "buyer_name": str, "title": str, "description": str,
			"category_id": str, "category_name": str, "open_to_all": boolean, "state": states, "need_by": obj{"type": "string", "format": "date"}, "deadline": ts,
			"target_fen": integer, "delivery_division": str, "quote_count": integer, "quote_id": str, "order_id": str,
			"lines":   obj{"type": "array", "items": obj{"type": "object", "properties": obj{"no": integer, "description": str, "spec": str, "qty": integer, "unit": str}}},
			"files":   obj{"type": "array", "items": obj{"type": "object", "properties": obj{"id": str, "quote_id": str, "name": str, "size": integer, "url": str}}},
			"invited": obj{"type": "array", "items": str}, "quotes": obj{"type": "array", "items": ref("Quote")},
			"threads": obj{"type": "object", "description": "messages by supplier ID", "additionalProperties": obj{"type": "array", "items": obj{"type": "object",
				"properties": obj{"author": str, "mine": boolean, "body": str, "at": ts}}}},
			"created_at": ts}},
		"RFQList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("RFQ")}}},
	}
}
