package api

import (
	"context"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// After-sales cases (售后), disputes (纠纷) and arbitration (仲裁). Steps that may move
// money honour Idempotency-Key; out-of-order or repeated steps answer 409.
func (a *API) addAftersaleRoutes() {
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "case ID"}}
	did := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "dispute ID"}}
	open := []Param{{Name: "open", In: "query", Type: "boolean", Description: "only open ones"}}
	arb := httpx.StaffRoles(identity.CustomerService, identity.OpsManager)
	a.add("GET", "/api/v1/aftersale/cases", httpx.SignedIn, false, a.listCases,
		Doc{ID: "listCases", Summary: "After-sales cases: the company's (buyer or supplier) or all (staff), open ones first", Tag: "aftersale", Response: "CaseList", Status: 200, Params: open})
	a.add("POST", "/api/v1/aftersale/cases", httpx.BuyerAny, true, a.createCase,
		Doc{ID: "createCase", Summary: "Open a case on a line of a shipped or received order: return+refund, exchange or refund-only, with photos (base64); the supplier answers within 3 days or it escalates", Tag: "aftersale", Request: "CaseInput", Response: "Case", Status: 201})
	a.add("GET", "/api/v1/aftersale/cases/{id}", httpx.SignedIn, false, a.getCase,
		Doc{ID: "getCase", Summary: "A case with its timeline and files", Tag: "aftersale", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/answer", httpx.Seller, true, a.answerCase,
		Doc{ID: "answerCase", Summary: "The supplier's answer: agree (refund-only is refunded at once; returns need return_address), refuse with reason, or offer a partial amount_fen", Tag: "aftersale", Request: "CaseAnswerInput", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/accept-offer", httpx.BuyerAny, true, a.caseStep(func(s *aftersale.Service) caseFn { return s.AcceptOffer }),
		Doc{ID: "acceptCaseOffer", Summary: "Accept the supplier's partial offer", Tag: "aftersale", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/decline-offer", httpx.BuyerAny, false, a.caseStep(func(s *aftersale.Service) caseFn { return s.DeclineOffer }),
		Doc{ID: "declineCaseOffer", Summary: "Decline the partial offer: the platform decides in a dispute", Tag: "aftersale", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/return", httpx.BuyerAny, false, a.shipCase(false),
		Doc{ID: "shipCaseReturn", Summary: "Record the return shipment (carrier and waybill)", Tag: "aftersale", Request: "WaybillInput", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/confirm-return", httpx.Seller, true, a.caseStep(func(s *aftersale.Service) caseFn { return s.ConfirmReturn }),
		Doc{ID: "confirmCaseReturn", Summary: "The supplier confirms the goods came back: a return is refunded, an exchange waits for the replacement", Tag: "aftersale", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/reship", httpx.Seller, false, a.shipCase(true),
		Doc{ID: "reshipCase", Summary: "Record the replacement shipment of an exchange", Tag: "aftersale", Request: "WaybillInput", Response: "Case", Status: 200, Params: id})
	a.add("POST", "/api/v1/aftersale/cases/{id}/cancel", httpx.BuyerAny, false, a.caseStep(func(s *aftersale.Service) caseFn { return s.Cancel }),
		Doc{ID: "cancelCase", Summary: "Withdraw a case before the goods were sent back", Tag: "aftersale", Response: "Case", Status: 200, Params: id})
	a.add("GET", "/api/v1/aftersale/refunds", httpx.SignedIn, false, a.listAftersaleRefunds,
		Doc{ID: "listAftersaleRefunds", Summary: "Refunds from escrow made by cases and disputes (staff: all; companies: their own)", Tag: "aftersale", Response: "AftersaleRefundList", Status: 200})

	a.add("GET", "/api/v1/disputes", httpx.SignedIn, false, a.listDisputes,
		Doc{ID: "listDisputes", Summary: "Disputes: the company's or (staff) the queue, open and most overdue first", Tag: "aftersale", Response: "DisputeList", Status: 200, Params: open})
	a.add("POST", "/api/v1/disputes", httpx.SignedIn, true, a.createDispute,
		Doc{ID: "createDispute", Summary: "Open a dispute on an order (buyer or supplier): shipped, received, or settled within 15 days", Tag: "aftersale", Request: "DisputeInput", Response: "Dispute", Status: 201})
	a.add("GET", "/api/v1/disputes/{id}", httpx.SignedIn, false, a.getDispute,
		Doc{ID: "getDispute", Summary: "A dispute with its timeline and evidence", Tag: "aftersale", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/evidence", httpx.SignedIn, false, a.disputeEvidence,
		Doc{ID: "addDisputeEvidence", Summary: "Add a statement and files to the timeline", Tag: "aftersale", Request: "EvidenceInput", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/mediate", arb, false, a.mediateDispute,
		Doc{ID: "mediateDispute", Summary: "Customer service's message to both parties", Tag: "aftersale", Request: "MediateInput", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/propose", arb, false, a.proposeDispute,
		Doc{ID: "proposeDispute", Summary: "Propose a settlement (a refund of amount_fen) both parties must accept", Tag: "aftersale", Request: "ProposeInput", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/accept", httpx.SignedIn, true, a.acceptDispute,
		Doc{ID: "acceptDisputeProposal", Summary: "A party accepts the proposed settlement; with both, it is carried out", Tag: "aftersale", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/arbitrate", arb, true, a.arbitrateDispute,
		Doc{ID: "arbitrateDispute", Summary: "Decide: refund_fen from escrow, deduct_fen from the supplier's deposit to the buyer, or neither (release)", Tag: "aftersale", Request: "ArbitrateInput", Response: "Dispute", Status: 200, Params: did})
	a.add("POST", "/api/v1/disputes/{id}/withdraw", httpx.SignedIn, false, a.withdrawDispute,
		Doc{ID: "withdrawDispute", Summary: "The opener withdraws its dispute", Tag: "aftersale", Response: "Dispute", Status: 200, Params: did})
}

// EvidenceFile is a file sent inline (base64).
type EvidenceFile struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

func evidence(in []EvidenceFile) []aftersale.FileInput {
	var out []aftersale.FileInput
	for _, f := range in {
		out = append(out, aftersale.FileInput{Name: f.Name, Data: f.Data})
	}
	return out
}

// CaseInput is the body of POST /aftersale/cases.
type CaseInput struct {
	OrderID   string         `json:"order_id"`
	LineNo    int            `json:"line_no"`
	Kind      string         `json:"kind"`
	Reason    string         `json:"reason"`
	Detail    string         `json:"detail"`
	Qty       int64          `json:"qty"`
	AmountFen int64          `json:"amount_fen"`
	Photos    []EvidenceFile `json:"photos"`
}

// CaseAnswerInput is the body of POST /aftersale/cases/{id}/answer.
type CaseAnswerInput struct {
	Action        string `json:"action"`
	ReturnAddress string `json:"return_address"`
	Reason        string `json:"reason"`
	AmountFen     int64  `json:"amount_fen"`
}

// WaybillInput is a carrier and waybill.
type WaybillInput struct {
	Carrier string `json:"carrier"`
	Waybill string `json:"waybill"`
}

// DisputeInput is the body of POST /disputes.
type DisputeInput struct {
	OrderID   string         `json:"order_id"`
	Claim     string         `json:"claim"`
	AmountFen int64          `json:"amount_fen"`
	Files     []EvidenceFile `json:"files"`
}

// EvidenceInput is the body of POST /disputes/{id}/evidence.
type EvidenceInput struct {
	Text  string         `json:"text"`
	Files []EvidenceFile `json:"files"`
}

// MediateInput is the body of POST /disputes/{id}/mediate.
type MediateInput struct {
	Message string `json:"message"`
}

// ProposeInput is the body of POST /disputes/{id}/propose.
type ProposeInput struct {
	AmountFen int64  `json:"amount_fen"`
	Note      string `json:"note"`
}

// ArbitrateInput is the body of POST /disputes/{id}/arbitrate.
type ArbitrateInput struct {
	RefundFen int64  `json:"refund_fen"`
	DeductFen int64  `json:"deduct_fen"`
	Decision  string `json:"decision"`
}

// TimelineEvent is one step of a case or dispute.
type TimelineEvent struct {
	Action    string          `json:"action"`
	From      string          `json:"from,omitempty"`
	To        string          `json:"to,omitempty"`
	Side      string          `json:"side"`
	ActorName string          `json:"actor_name,omitempty"`
	Note      string          `json:"note,omitempty"`
	AmountFen int64           `json:"amount_fen,omitempty"`
	At        time.Time       `json:"at"`
	Files     []AftersaleFile `json:"files,omitempty"`
}

// AftersaleFile is an evidence file.
type AftersaleFile struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
	Side string `json:"side"`
}

// Case is an after-sales case.
type Case struct {
	ID            string          `json:"id"`
	Number        string          `json:"number"`
	OrderID       string          `json:"order_id"`
	OrderNumber   string          `json:"order_number"`
	LineNo        int             `json:"line_no"`
	LineTitle     string          `json:"line_title"`
	BuyerName     string          `json:"buyer_name"`
	SupplierName  string          `json:"supplier_name"`
	Kind          string          `json:"kind"`
	Reason        string          `json:"reason"`
	Detail        string          `json:"detail,omitempty"`
	Qty           int64           `json:"qty"`
	AmountFen     int64           `json:"amount_fen"`
	OfferFen      int64           `json:"offer_fen,omitempty"`
	RefundedFen   int64           `json:"refunded_fen"`
	State         string          `json:"state"`
	AnswerBy      *time.Time      `json:"answer_by,omitempty"`
	Overdue       bool            `json:"overdue"`
	RefuseReason  string          `json:"refuse_reason,omitempty"`
	ReturnAddress string          `json:"return_address,omitempty"`
	ReturnCarrier string          `json:"return_carrier,omitempty"`
	ReturnWaybill string          `json:"return_waybill,omitempty"`
	ReshipCarrier string          `json:"reship_carrier,omitempty"`
	ReshipWaybill string          `json:"reship_waybill,omitempty"`
	DisputeID     string          `json:"dispute_id,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	Timeline      []TimelineEvent `json:"timeline,omitempty"`
}

// Dispute is a dispute.
type Dispute struct {
	ID               string          `json:"id"`
	Number           string          `json:"number"`
	OrderID          string          `json:"order_id"`
	OrderNumber      string          `json:"order_number"`
	CaseID           string          `json:"case_id,omitempty"`
	BuyerName        string          `json:"buyer_name"`
	SupplierName     string          `json:"supplier_name"`
	OpenedBy         string          `json:"opened_by"`
	Claim            string          `json:"claim"`
	AmountFen        int64           `json:"amount_fen"`
	State            string          `json:"state"`
	WaitingOn        string          `json:"waiting_on,omitempty"`
	AnswerBy         *time.Time      `json:"answer_by,omitempty"`
	Overdue          bool            `json:"overdue"`
	ProposalFen      int64           `json:"proposal_fen,omitempty"`
	ProposalNote     string          `json:"proposal_note,omitempty"`
	BuyerAccepted    bool            `json:"buyer_accepted"`
	SupplierAccepted bool            `json:"supplier_accepted"`
	RefundFen        int64           `json:"refund_fen"`
	DeductFen        int64           `json:"deduct_fen"`
	Decision         string          `json:"decision,omitempty"`
	CreatedAt        time.Time       `json:"created_at"`
	Timeline         []TimelineEvent `json:"timeline,omitempty"`
}

// AftersaleRefund is a refund from escrow.
type AftersaleRefund struct {
	ID          string    `json:"id"`
	OrderID     string    `json:"order_id"`
	OrderNumber string    `json:"order_number"`
	CaseID      string    `json:"case_id,omitempty"`
	DisputeID   string    `json:"dispute_id,omitempty"`
	BuyerName   string    `json:"buyer_name"`
	AmountFen   int64     `json:"amount_fen"`
	Provider    string    `json:"provider"`
	ProviderRef string    `json:"provider_ref"`
	CreatedAt   time.Time `json:"created_at"`
}

func timeline(evs []aftersale.Event) []TimelineEvent {
	var out []TimelineEvent
	for _, e := range evs {
		te := TimelineEvent{Action: e.Action, From: e.From, To: e.To, Side: string(e.Side), ActorName: e.ActorName, Note: e.Note, AmountFen: int64(e.Amount), At: e.At}
		for _, f := range e.Files {
			te.Files = append(te.Files, AftersaleFile{ID: f.BlobID, Name: f.Name, Size: f.Size, Side: string(f.Side)})
		}
		out = append(out, te)
	}
	return out
}

func caseBody(c *aftersale.Case, now time.Time) Case {
	return Case{ID: c.ID, Number: c.Number, OrderID: c.OrderID, OrderNumber: c.OrderNumber, LineNo: c.LineNo, LineTitle: c.LineTitle,
		BuyerName: c.BuyerName, SupplierName: c.SupplierName, Kind: string(c.Kind), Reason: c.Reason, Detail: c.Detail, Qty: c.Qty,
		AmountFen: int64(c.Amount), OfferFen: int64(c.Offer), RefundedFen: int64(c.Refunded), State: string(c.State), AnswerBy: timePtr(c.AnswerBy),
		Overdue: c.Overdue(now), RefuseReason: c.RefuseReason, ReturnAddress: c.ReturnAddress, ReturnCarrier: c.ReturnCarrier, ReturnWaybill: c.ReturnWaybill,
		ReshipCarrier: c.ReshipCarrier, ReshipWaybill: c.ReshipWaybill, DisputeID: c.DisputeID, CreatedAt: c.CreatedAt, Timeline: timeline(c.Events)}
}

func disputeBody(d *aftersale.Dispute, now time.Time) Dispute {
	return Dispute{ID: d.ID, Number: d.Number, OrderID: d.OrderID, OrderNumber: d.OrderNumber, CaseID: d.CaseID, BuyerName: d.BuyerName,
		SupplierName: d.SupplierName, OpenedBy: string(d.OpenedBy), Claim: d.Claim, AmountFen: int64(d.Amount), State: string(d.State),
		WaitingOn: string(d.WaitingOn), AnswerBy: timePtr(d.AnswerBy), Overdue: d.Overdue(now), ProposalFen: int64(d.Proposal), ProposalNote: d.ProposalNote,
		BuyerAccepted: d.BuyerAccepted, SupplierAccepted: d.SupplierAccepted, RefundFen: int64(d.Refund), DeductFen: int64(d.Deduct),
		Decision: d.Decision, CreatedAt: d.CreatedAt, Timeline: timeline(d.Events)}
}

func (a *API) now() time.Time {
	if a.Aftersale != nil && a.Aftersale.Now != nil {
		return a.Aftersale.Now()
	}
	return time.Now()
}

func (a *API) writeCase(w http.ResponseWriter, status int, c *aftersale.Case) error {
	WriteJSON(w, status, caseBody(c, a.now()))
	return nil
}

func (a *API) writeDispute(w http.ResponseWriter, status int, d *aftersale.Dispute) error {
	WriteJSON(w, status, disputeBody(d, a.now()))
	return nil
}

func (a *API) listCases(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Aftersale.List(r.Context(), caller(r), r.URL.Query().Get("open") == "true")
	if err != nil {
		return err
	}
	out := struct {
		Items []Case `json:"items"`
	}{Items: []Case{}}
	for i := range list {
		out.Items = append(out.Items, caseBody(&list[i], a.now()))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) createCase(w http.ResponseWriter, r *http.Request) error {
	var in CaseInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.Aftersale.Open(r.Context(), caller(r), aftersale.OpenInput{OrderID: in.OrderID, LineNo: in.LineNo, Kind: aftersale.Kind(in.Kind),
		Reason: in.Reason, Detail: in.Detail, Qty: in.Qty, Amount: money.Fen(in.AmountFen), Photos: evidence(in.Photos), IdemKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		return err
	}
	return a.writeCase(w, http.StatusCreated, c)
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request) error {
	c, err := a.Aftersale.Get(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeCase(w, http.StatusOK, c)
}

func (a *API) answerCase(w http.ResponseWriter, r *http.Request) error {
	var in CaseAnswerInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	c, err := a.Aftersale.Answer(r.Context(), caller(r), r.PathValue("id"), aftersale.AnswerInput{Action: in.Action, ReturnAddress: in.ReturnAddress,
		Reason: in.Reason, Amount: money.Fen(in.AmountFen)})
	if err != nil {
		return err
	}
	return a.writeCase(w, http.StatusOK, c)
}

type caseFn = func(ctx context.Context, p *identity.Principal, id string) (*aftersale.Case, error)

func (a *API) caseStep(pick func(*aftersale.Service) caseFn) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := pick(a.Aftersale)(r.Context(), caller(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		return a.writeCase(w, http.StatusOK, c)
	}
}

func (a *API) shipCase(reship bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in WaybillInput
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		fn := a.Aftersale.ShipReturn
		if reship {
			fn = a.Aftersale.Reship
		}
		c, err := fn(r.Context(), caller(r), r.PathValue("id"), in.Carrier, in.Waybill)
		if err != nil {
			return err
		}
		return a.writeCase(w, http.StatusOK, c)
	}
}

func (a *API) listAftersaleRefunds(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Aftersale.Refunds(r.Context(), caller(r), 0)
	if err != nil {
		return err
	}
	out := struct {
		Items []AftersaleRefund `json:"items"`
	}{Items: []AftersaleRefund{}}
	for _, x := range list {
		out.Items = append(out.Items, AftersaleRefund{ID: x.ID, OrderID: x.OrderID, OrderNumber: x.OrderNumber, CaseID: x.CaseID, DisputeID: x.DisputeID,
			BuyerName: x.BuyerName, AmountFen: int64(x.Amount), Provider: x.Provider, ProviderRef: x.ProviderRef, CreatedAt: x.CreatedAt})
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listDisputes(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Aftersale.Disputes(r.Context(), caller(r), r.URL.Query().Get("open") == "true")
	if err != nil {
		return err
	}
	out := struct {
		Items []Dispute `json:"items"`
	}{Items: []Dispute{}}
	for i := range list {
		out.Items = append(out.Items, disputeBody(&list[i], a.now()))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) createDispute(w http.ResponseWriter, r *http.Request) error {
	var in DisputeInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Aftersale.OpenDispute(r.Context(), caller(r), aftersale.DisputeInput{OrderID: in.OrderID, Claim: in.Claim, Amount: money.Fen(in.AmountFen),
		Files: evidence(in.Files), IdemKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusCreated, d)
}

func (a *API) getDispute(w http.ResponseWriter, r *http.Request) error {
	d, err := a.Aftersale.GetDispute(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) disputeEvidence(w http.ResponseWriter, r *http.Request) error {
	var in EvidenceInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Aftersale.AddEvidence(r.Context(), caller(r), r.PathValue("id"), in.Text, evidence(in.Files))
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) mediateDispute(w http.ResponseWriter, r *http.Request) error {
	var in MediateInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Aftersale.Mediate(r.Context(), caller(r), r.PathValue("id"), in.Message)
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) proposeDispute(w http.ResponseWriter, r *http.Request) error {
	var in ProposeInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Aftersale.Propose(r.Context(), caller(r), r.PathValue("id"), money.Fen(in.AmountFen), in.Note)
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) acceptDispute(w http.ResponseWriter, r *http.Request) error {
	d, err := a.Aftersale.AcceptProposal(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) arbitrateDispute(w http.ResponseWriter, r *http.Request) error {
	var in ArbitrateInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	d, err := a.Aftersale.Arbitrate(r.Context(), caller(r), r.PathValue("id"), aftersale.Outcome{Refund: money.Fen(in.RefundFen), Deduct: money.Fen(in.DeductFen), Decision: in.Decision})
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func (a *API) withdrawDispute(w http.ResponseWriter, r *http.Request) error {
	d, err := a.Aftersale.Withdraw(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeDispute(w, http.StatusOK, d)
}

func aftersaleSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	ts := obj{"type": "string", "format": "date-time"}
	fen := obj{"type": "integer", "description": "fen (0.01 yuan)"}
	file := obj{"type": "object", "additionalProperties": false, "required": []string{"name", "data"}, "properties": obj{"name": str, "data": obj{"type": "string", "contentEncoding": "base64"}}}
	files := obj{"type": "array", "items": file, "maxItems": aftersale.MaxFiles}
	event := obj{"type": "object", "properties": obj{"action": str, "from": str, "to": str, "side": obj{"type": "string", "enum": []string{"buyer", "supplier", "staff", "system"}},
		"actor_name": str, "note": str, "amount_fen": fen, "at": ts,
		"files": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"id": str, "name": str, "size": integer, "side": str}}}}}
	timelineArr := obj{"type": "array", "items": event, "description": "every step, kept forever"}
	return obj{
		"CaseInput": obj{"type": "object", "additionalProperties": false, "required": []string{"order_id", "line_no", "kind", "reason", "qty"}, "properties": obj{
			"order_id": str, "line_no": integer, "kind": obj{"type": "string", "enum": []string{"return_refund", "exchange", "refund_only"}},
			"reason": obj{"type": "string", "enum": aftersale.Reasons}, "detail": obj{"type": "string", "description": "required with reason other"},
			"qty": integer, "amount_fen": obj{"type": "integer", "description": "refund asked for: at most the line's amount less other claims; 0 for an exchange"},
			"photos": files}},
		"CaseAnswerInput": obj{"type": "object", "additionalProperties": false, "required": []string{"action"}, "properties": obj{
			"action": obj{"type": "string", "enum": []string{"agree", "refuse", "offer"}}, "return_address": str, "reason": str, "amount_fen": fen}},
		"WaybillInput": obj{"type": "object", "additionalProperties": false, "required": []string{"carrier", "waybill"}, "properties": obj{"carrier": str, "waybill": str}},
		"Case": obj{"type": "object", "required": []string{"id", "number", "state"}, "properties": obj{"id": str, "number": str, "order_id": str, "order_number": str,
			"line_no": integer, "line_title": str, "buyer_name": str, "supplier_name": str, "kind": str, "reason": str, "detail": str, "qty": integer,
			"amount_fen": fen, "offer_fen": fen, "refunded_fen": fen,
			"state":     obj{"type": "string", "enum": []string{"requested", "offered", "agreed", "returning", "returned", "in_dispute", "refunded", "exchanged", "refused", "cancelled", "escalated"}},
			"answer_by": ts, "overdue": boolean, "refuse_reason": str, "return_address": str, "return_carrier": str, "return_waybill": str,
			"reship_carrier": str, "reship_waybill": str, "dispute_id": str, "created_at": ts, "timeline": timelineArr}},
		"CaseList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Case")}}},
		"DisputeInput": obj{"type": "object", "additionalProperties": false, "required": []string{"order_id", "claim"}, "properties": obj{
			"order_id": str, "claim": str, "amount_fen": fen, "files": files}},
		"EvidenceInput":  obj{"type": "object", "additionalProperties": false, "properties": obj{"text": str, "files": files}},
		"MediateInput":   obj{"type": "object", "additionalProperties": false, "required": []string{"message"}, "properties": obj{"message": str}},
		"ProposeInput":   obj{"type": "object", "additionalProperties": false, "required": []string{"note"}, "properties": obj{"amount_fen": fen, "note": str}},
		"ArbitrateInput": obj{"type": "object", "additionalProperties": false, "required": []string{"decision"}, "properties": obj{"refund_fen": fen, "deduct_fen": fen, "decision": str}},
		"Dispute": obj{"type": "object", "required": []string{"id", "number", "state"}, "properties": obj{"id": str, "number": str, "order_id": str, "order_number": str,
			"case_id": str, "buyer_name": str, "supplier_name": str, "opened_by": obj{"type": "string", "enum": []string{"buyer", "supplier", "system"}},
			"claim": str, "amount_fen": fen, "state": obj{"type": "string", "enum": []string{"open", "mediating", "proposed", "resolved", "arbitrated", "withdrawn"}},
			"waiting_on": str, "answer_by": ts, "overdue": boolean, "proposal_fen": fen, "proposal_note": str, "buyer_accepted": boolean, "supplier_accepted": boolean,
			"refund_fen": fen, "deduct_fen": fen, "decision": str, "created_at": ts, "timeline": timelineArr}},
		"DisputeList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Dispute")}}},
		"AftersaleRefundList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
			"id": str, "order_id": str, "order_number": str, "case_id": str, "dispute_id": str, "buyer_name": str, "amount_fen": fen, "provider": str, "provider_ref": str, "created_at": ts}}}}},
	}
}
