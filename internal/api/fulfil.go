package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/order"
)

// Fulfilment: shipping and tracking (supplier), receipt inspection (buyer), release
// (staff), the supplier's payable and statement, payout batches (staff) and the
// Kuaidi100 push.
func (a *API) addFulfilRoutes() {
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "order ID"}}
	a.add("GET", "/api/v1/orders/{id}/shipments", httpx.SignedIn, false, a.getFulfilment,
		Doc{ID: "getFulfilment", Summary: "An order's shipments with tracking, per-line shipped and accepted quantities, the inspection deadline and its settlement", Tag: "fulfilment", Response: "Fulfilment", Status: 200, Params: id})
	a.add("POST", "/api/v1/orders/{id}/shipments", httpx.Seller, true, a.shipOrder,
		Doc{ID: "shipOrder", Summary: "Ship a paid order, wholly (no lines) or in part; the order is shipped once every line is; parcel: carrier + waybill in the carrier's format; truck: plate + driver's mobile", Tag: "fulfilment", Request: "ShipmentInput", Response: "Shipment", Status: 201, Params: id})
	a.add("POST", "/api/v1/shipments/{id}/tracking", httpx.Seller, true, a.addTracking,
		Doc{ID: "addTracking", Summary: "Add a manual tracking update to one of the supplier's shipments", Tag: "fulfilment", Request: "TrackingInput", Response: "TrackingEvent", Status: 201,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "shipment ID"}}})
	a.add("POST", "/api/v1/orders/{id}/receipt", httpx.BuyerAny, false, a.confirmReceipt,
		Doc{ID: "confirmReceipt", Summary: "Confirm receipt (签收验货) of lines of a shipped order (no lines: all, in full); with every line confirmed the order is received and, without holds or problems, released", Tag: "fulfilment", Request: "ReceiptInput", Response: "Order", Status: 200, Params: id})
	a.add("POST", "/api/v1/orders/{id}/release", financeStaff, false, a.releaseOrder,
		Doc{ID: "releaseOrder", Summary: "Release a received order's escrow to the supplier less commission (staff); refused while held, and after it is settled", Tag: "fulfilment", Response: "Settlement", Status: 200, Params: id})
	a.add("GET", "/api/v1/payable", httpx.Seller, false, a.getPayable,
		Doc{ID: "getPayable", Summary: "The supplier's payable balance and the part being paid out", Tag: "fulfilment", Response: "Payable", Status: 200})
	a.add("GET", "/api/v1/statement", httpx.Seller, false, a.getStatement,
		Doc{ID: "getStatement", Summary: "The supplier's statement for a month: settled orders (gross, commission, net), payouts, opening and closing balance", Tag: "fulfilment", Response: "Statement", Status: 200,
			Params: []Param{{Name: "period", In: "query", Type: "string", Description: "2026-11 (Asia/Shanghai); the current month when absent"}}})
	a.add("PUT", "/api/v1/settlement-account", httpx.Seller, false, a.putAccount,
		Doc{ID: "putSettlementAccount", Summary: "Record the supplier's settlement bank account (owner)", Tag: "fulfilment", Request: "SettlementAccount", Response: "SettlementAccount", Status: 200})
	a.add("GET", "/api/v1/payouts/batches", financeStaff, false, a.listBatches,
		Doc{ID: "listPayoutBatches", Summary: "Payout batches, newest first, with their payouts (staff)", Tag: "fulfilment", Response: "PayoutBatchList", Status: 200})
	a.add("POST", "/api/v1/payouts/batches", financeStaff, true, a.createBatch,
		Doc{ID: "createPayoutBatch", Summary: "Make a payout batch: each supplier's available payable, held in the ledger until paid (staff)", Tag: "fulfilment", Response: "PayoutBatch", Status: 201})
	a.add("POST", "/api/v1/payouts/{id}/paid", financeStaff, false, a.payoutPaid,
		Doc{ID: "markPayoutPaid", Summary: "Record the bank's payment of a payout: payable → bank, exactly once (staff)", Tag: "fulfilment", Request: "PayoutPaidInput", Response: "Payout", Status: 200,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "payout ID"}}})
	a.add("POST", "/api/v1/payouts/{id}/failed", financeStaff, false, a.payoutFailed,
		Doc{ID: "markPayoutFailed", Summary: "Record that the bank did not make a payout, with the reason: the payout is cancelled and its ledger hold voided, so the next batch pays the supplier (staff)", Tag: "fulfilment", Request: "PayoutFailedInput", Response: "Payout", Status: 200,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "payout ID"}}})
	a.add("POST", "/api/v1/tracking/kuaidi100/{id}", httpx.Anyone, false, a.kuaidi100Push,
		Doc{ID: "kuaidi100Push", Summary: "Kuaidi100's tracking push (form-encoded param and sign = upper(MD5(param + salt))); unauthenticated, signature-verified, idempotent per event", Tag: "fulfilment", Status: 200,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "shipment ID"}}})
}

// ShipmentLine is a line and quantity in a shipment.
type ShipmentLine struct {
	LineNo int   `json:"line_no"`
	Qty    int64 `json:"qty"`
}

// ShipmentInput is the body of POST /orders/{id}/shipments.
type ShipmentInput struct {
	Mode        string         `json:"mode"`
	Carrier     string         `json:"carrier"`
	CarrierName string         `json:"carrier_name,omitempty"`
	Waybill     string         `json:"waybill,omitempty"`
	Plate       string         `json:"plate,omitempty"`
	DriverPhone string         `json:"driver_phone,omitempty"`
	Note        string         `json:"note,omitempty"`
	Lines       []ShipmentLine `json:"lines,omitempty"`
}

// TrackingInput is the body of POST /shipments/{id}/tracking.
type TrackingInput struct {
	At    string `json:"at,omitempty"`
	Place string `json:"place,omitempty"`
	Text  string `json:"text"`
}

// ReceiptLineInput is one line of a receipt confirmation.
type ReceiptLineInput struct {
	LineNo   int    `json:"line_no"`
	Accepted int64  `json:"accepted"`
	Problem  string `json:"problem,omitempty"`
}

// ReceiptInput is the body of POST /orders/{id}/receipt.
type ReceiptInput struct {
	Lines []ReceiptLineInput `json:"lines,omitempty"`
}

// PayoutPaidInput is the body of POST /payouts/{id}/paid.
type PayoutPaidInput struct {
	BankRef string `json:"bank_ref"`
}

// PayoutFailedInput is the body of POST /payouts/{id}/failed.
type PayoutFailedInput struct {
	Reason string `json:"reason"`
}

// AccountBody is a settlement account.
type AccountBody struct {
	Name   string `json:"name"`
	Bank   string `json:"bank"`
	Number string `json:"number"`
	CNAPS  string `json:"cnaps,omitempty"`
}

// TrackingEvent is one tracking update.
type TrackingEvent struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Place  string    `json:"place,omitempty"`
	Text   string    `json:"text"`
	Source string    `json:"source"`
}

// Shipment is one dispatch.
type Shipment struct {
	ID          string          `json:"id"`
	OrderID     string          `json:"order_id"`
	Seq         int             `json:"seq"`
	Mode        string          `json:"mode"`
	Carrier     string          `json:"carrier"`
	CarrierName string          `json:"carrier_name,omitempty"`
	Waybill     string          `json:"waybill,omitempty"`
	Plate       string          `json:"plate,omitempty"`
	DriverPhone string          `json:"driver_phone,omitempty"`
	Note        string          `json:"note,omitempty"`
	Lines       []ShipmentLine  `json:"lines"`
	Events      []TrackingEvent `json:"events"`
	CreatedAt   time.Time       `json:"created_at"`
}

// SettlementBody is an order's release.
type SettlementBody struct {
	OrderID       string    `json:"order_id"`
	Number        string    `json:"number"`
	GrossFen      int64     `json:"gross_fen"`
	CommissionFen int64     `json:"commission_fen"`
	NetFen        int64     `json:"net_fen"`
	SettledAt     time.Time `json:"settled_at"`
}

// FulfilmentLine is a line's shipped and accepted quantities.
type FulfilmentLine struct {
	LineNo   int    `json:"line_no"`
	Qty      int64  `json:"qty"`
	Shipped  int64  `json:"shipped"`
	Accepted *int64 `json:"accepted,omitempty"`
	Problem  string `json:"problem,omitempty"`
	Auto     bool   `json:"auto,omitempty"`
}

// Fulfilment is GET /orders/{id}/shipments.
type Fulfilment struct {
	OrderID       string           `json:"order_id"`
	State         string           `json:"state"`
	PartlyShipped bool             `json:"partly_shipped"`
	Shipments     []Shipment       `json:"shipments"`
	Lines         []FulfilmentLine `json:"lines"`
	InspectUntil  *time.Time       `json:"inspect_until,omitempty"`
	ReleaseAfter  *time.Time       `json:"release_after,omitempty"`
	Holds         int64            `json:"holds"`
	Settlement    *SettlementBody  `json:"settlement,omitempty"`
}

func shipmentBody(sh *fulfil.Shipment) Shipment {
	out := Shipment{ID: sh.ID, OrderID: sh.OrderID, Seq: sh.Seq, Mode: string(sh.Mode), Carrier: sh.Carrier, CarrierName: sh.CarrierName, Waybill: sh.Waybill,
		Plate: sh.Plate, DriverPhone: sh.DriverPhone, Note: sh.Note, CreatedAt: sh.CreatedAt, Lines: []ShipmentLine{}, Events: []TrackingEvent{}}
	for _, l := range sh.Lines {
		out.Lines = append(out.Lines, ShipmentLine{LineNo: l.LineNo, Qty: l.Qty})
	}
	for _, e := range sh.Events {
		out.Events = append(out.Events, trackingBody(&e))
	}
	return out
}

func trackingBody(e *fulfil.TrackEvent) TrackingEvent {
	return TrackingEvent{ID: e.ID, At: e.At, Place: e.Place, Text: e.Text, Source: e.Source}
}

func settlementBody(s *fulfil.Settlement) *SettlementBody {
	return &SettlementBody{OrderID: s.OrderID, Number: s.Number, GrossFen: int64(s.Gross), CommissionFen: int64(s.Commission), NetFen: int64(s.Net), SettledAt: s.SettledAt}
}

func (a *API) getFulfilment(w http.ResponseWriter, r *http.Request) error {
	o, v, err := a.Fulfil.View(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := Fulfilment{OrderID: o.ID, State: string(o.State), PartlyShipped: v.Partly(o), Holds: v.Holds, Shipments: []Shipment{}, Lines: []FulfilmentLine{}}
	for i := range v.Shipments {
		out.Shipments = append(out.Shipments, shipmentBody(&v.Shipments[i]))
	}
	for _, l := range o.Lines {
		fl := FulfilmentLine{LineNo: l.No, Qty: l.Qty, Shipped: v.Shipped[l.No]}
		if rl, ok := v.Receipt[l.No]; ok {
			acc := rl.Accepted
			fl.Accepted, fl.Problem, fl.Auto = &acc, rl.Problem, rl.Auto
		}
		out.Lines = append(out.Lines, fl)
	}
	if p := v.Progress; p != nil {
		if o.State == order.Shipped && !p.InspectUntil.IsZero() {
			out.InspectUntil = timePtr(p.InspectUntil)
		}
		if o.State == order.Received && !p.ReleaseAfter.IsZero() {
			out.ReleaseAfter = timePtr(p.ReleaseAfter)
		}
	}
	if v.Settled != nil {
		out.Settlement = settlementBody(v.Settled)
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) shipOrder(w http.ResponseWriter, r *http.Request) error {
	var in ShipmentInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	si := fulfil.ShipInput{Mode: fulfil.Mode(in.Mode), Carrier: in.Carrier, CarrierName: in.CarrierName, Waybill: in.Waybill, Plate: in.Plate,
		DriverPhone: in.DriverPhone, Note: in.Note, Lines: map[int]int64{}}
	for _, l := range in.Lines {
		if _, dup := si.Lines[l.LineNo]; dup {
			return errs.Field("lines", "ship.err.no_line")
		}
		si.Lines[l.LineNo] = l.Qty
	}
	sh, err := a.Fulfil.Ship(r.Context(), caller(r), r.PathValue("id"), si)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, shipmentBody(sh))
	return nil
}

func (a *API) addTracking(w http.ResponseWriter, r *http.Request) error {
	var in TrackingInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	e, err := a.Fulfil.AddTracking(r.Context(), caller(r), r.PathValue("id"), fulfil.TrackInput{At: in.At, Place: in.Place, Text: in.Text})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, trackingBody(e))
	return nil
}

func (a *API) confirmReceipt(w http.ResponseWriter, r *http.Request) error {
	var in ReceiptInput
	if r.ContentLength != 0 {
		if err := Decode(w, r, &in); err != nil {
			return err
		}
	}
	var lines []fulfil.ConfirmLine
	for _, l := range in.Lines {
		lines = append(lines, fulfil.ConfirmLine{LineNo: l.LineNo, Accepted: l.Accepted, Problem: l.Problem})
	}
	o, err := a.Fulfil.Confirm(r.Context(), caller(r), r.PathValue("id"), lines)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, orderBody(o))
	return nil
}

func (a *API) releaseOrder(w http.ResponseWriter, r *http.Request) error {
	s, err := a.Fulfil.Release(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, settlementBody(s))
	return nil
}

func (a *API) getPayable(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Fulfil.PayableOf(r.Context(), caller(r))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, map[string]any{"supplier_id": p.SupplierID, "balance_fen": int64(p.Balance), "pending_fen": int64(p.Pending)})
	return nil
}

func (a *API) getStatement(w http.ResponseWriter, r *http.Request) error {
	st, err := a.Fulfil.StatementOf(r.Context(), caller(r), "", r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	rows := []*SettlementBody{}
	for i := range st.Settlements {
		rows = append(rows, settlementBody(&st.Settlements[i]))
	}
	pays := []PayoutBody{}
	for i := range st.Payouts {
		pays = append(pays, payoutBody(&st.Payouts[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"period": st.Period, "opening_fen": int64(st.Opening), "closing_fen": int64(st.Closing),
		"gross_fen": int64(st.Gross), "commission_fen": int64(st.Commission), "net_fen": int64(st.Net), "paid_out_fen": int64(st.PaidOut),
		"settlements": rows, "payouts": pays})
	return nil
}

func (a *API) putAccount(w http.ResponseWriter, r *http.Request) error {
	var in AccountBody
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	acct, err := a.Fulfil.SetAccount(r.Context(), caller(r), fulfil.Account{Name: in.Name, Bank: in.Bank, Number: in.Number, CNAPS: in.CNAPS})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, AccountBody{Name: acct.Name, Bank: acct.Bank, Number: acct.Masked(), CNAPS: acct.CNAPS})
	return nil
}

// PayoutBody is one payout.
type PayoutBody struct {
	ID            string     `json:"id"`
	BatchNumber   string     `json:"batch_number"`
	SupplierID    string     `json:"supplier_id"`
	SupplierName  string     `json:"supplier_name"`
	AmountFen     int64      `json:"amount_fen"`
	AccountName   string     `json:"account_name"`
	Bank          string     `json:"bank"`
	AccountMasked string     `json:"account"`
	State         string     `json:"state"`
	BankRef       string     `json:"bank_ref,omitempty"`
	PaidAt        *time.Time `json:"paid_at,omitempty"`
	FailReason    string     `json:"fail_reason,omitempty"`
	FailedAt      *time.Time `json:"failed_at,omitempty"`
}

func payoutBody(p *fulfil.Payout) PayoutBody {
	out := PayoutBody{ID: p.ID, BatchNumber: p.BatchNumber, SupplierID: p.SupplierID, SupplierName: p.SupplierName, AmountFen: int64(p.Amount),
		AccountName: p.Account.Name, Bank: p.Account.Bank, AccountMasked: p.Account.Masked(), State: string(p.State), BankRef: p.BankRef}
	if !p.PaidAt.IsZero() {
		out.PaidAt = timePtr(p.PaidAt)
	}
	if !p.FailedAt.IsZero() {
		out.FailReason, out.FailedAt = p.FailReason, timePtr(p.FailedAt)
	}
	return out
}

func batchBody(b *fulfil.Batch) map[string]any {
	ps := []PayoutBody{}
	for i := range b.Payouts {
		ps = append(ps, payoutBody(&b.Payouts[i]))
	}
	skipped := b.Skipped
	if skipped == nil {
		skipped = []string{}
	}
	return map[string]any{"id": b.ID, "number": b.Number, "created_at": b.CreatedAt, "payouts": ps, "skipped": skipped}
}

func (a *API) listBatches(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Fulfil.Batches(r.Context(), caller(r))
	if err != nil {
		return err
	}
	items := []map[string]any{}
	for i := range list {
		items = append(items, batchBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (a *API) createBatch(w http.ResponseWriter, r *http.Request) error {
	b, err := a.Fulfil.CreateBatch(r.Context(), caller(r))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, batchBody(b))
	return nil
}

func (a *API) payoutPaid(w http.ResponseWriter, r *http.Request) error {
	var in PayoutPaidInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.Fulfil.MarkPaid(r.Context(), caller(r), r.PathValue("id"), in.BankRef)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, payoutBody(p))
	return nil
}

func (a *API) payoutFailed(w http.ResponseWriter, r *http.Request) error {
	var in PayoutFailedInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	p, err := a.Fulfil.MarkFailed(r.Context(), caller(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, payoutBody(p))
	return nil
}

// kuaidi100Push answers Kuaidi100 as its documentation asks: {"result":true,
// "returnCode":"200","message":"成功"} once the push is stored (or was before).
func (a *API) kuaidi100Push(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxNotification)
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "ship.err.push")
	}
	form := map[string]string{"param": r.PostForm.Get("param"), "sign": r.PostForm.Get("sign")}
	if _, err := a.Fulfil.Push(r.Context(), fulfil.SourceKuaidi100, r.PathValue("id"), form); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	return json.NewEncoder(w).Encode(map[string]any{"result": true, "returnCode": "200", "message": "成功"})
}

func fulfilSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	ts := obj{"type": "string", "format": "date-time"}
	line := obj{"type": "object", "additionalProperties": false, "required": []string{"line_no", "qty"}, "properties": obj{"line_no": integer, "qty": integer}}
	event := obj{"type": "object", "properties": obj{"id": str, "at": ts, "place": str, "text": str, "source": obj{"type": "string", "enum": []string{"manual", "kuaidi100"}}}}
	settlement := obj{"type": "object", "properties": obj{"order_id": str, "number": str, "gross_fen": integer, "commission_fen": integer, "net_fen": integer, "settled_at": ts}}
	payout := obj{"type": "object", "properties": obj{"id": str, "batch_number": str, "supplier_id": str, "supplier_name": str, "amount_fen": integer,
		"account_name": str, "bank": str, "account": obj{"type": "string", "description": "masked"}, "state": obj{"type": "string", "enum": []string{"pending", "paid", "cancelled"}}, "bank_ref": str, "paid_at": ts,
		"fail_reason": obj{"type": "string", "description": "why the bank did not pay it (cancelled)"}, "failed_at": ts}}
	batch := obj{"type": "object", "properties": obj{"id": str, "number": str, "created_at": ts, "payouts": obj{"type": "array", "items": ref("Payout")},
		"skipped": obj{"type": "array", "items": str, "description": "suppliers with a payable but no settlement account"}}}
	return obj{
		"ShipmentInput": obj{"type": "object", "additionalProperties": false, "required": []string{"mode", "carrier"}, "properties": obj{
			"mode": obj{"type": "string", "enum": []string{"parcel", "truck"}}, "carrier": obj{"type": "string", "enum": []string{"sf", "deppon", "jd", "zto", "other", "ftl", "ltl"}},
			"carrier_name": str, "waybill": str, "plate": str, "driver_phone": str, "note": str, "lines": obj{"type": "array", "items": line}}},
		"Shipment": obj{"type": "object", "properties": obj{"id": str, "order_id": str, "seq": integer, "mode": str, "carrier": str, "carrier_name": str, "waybill": str,
			"plate": str, "driver_phone": str, "note": str, "lines": obj{"type": "array", "items": line}, "events": obj{"type": "array", "items": ref("TrackingEvent")}, "created_at": ts}},
		"TrackingInput": obj{"type": "object", "additionalProperties": false, "required": []string{"text"}, "properties": obj{"at": obj{"type": "string", "description": "2026-11-24 15:04, Asia/Shanghai"}, "place": str, "text": str}},
		"TrackingEvent": event,
		"ReceiptInput": obj{"type": "object", "additionalProperties": false, "properties": obj{"lines": obj{"type": "array", "items": obj{"type": "object", "additionalProperties": false,
			"required": []string{"line_no", "accepted"}, "properties": obj{"line_no": integer, "accepted": integer, "problem": str}}}}},
		"Fulfilment": obj{"type": "object", "properties": obj{"order_id": str, "state": str, "partly_shipped": obj{"type": "boolean"}, "shipments": obj{"type": "array", "items": ref("Shipment")},
			"lines":         obj{"type": "array", "items": obj{"type": "object", "properties": obj{"line_no": integer, "qty": integer, "shipped": integer, "accepted": integer, "problem": str, "auto": obj{"type": "boolean"}}}},
			"inspect_until": ts, "release_after": ts, "holds": integer, "settlement": ref("Settlement")}},
		"Settlement":        settlement,
		"Payable":           obj{"type": "object", "properties": obj{"supplier_id": str, "balance_fen": integer, "pending_fen": integer}},
		"Statement":         obj{"type": "object", "properties": obj{"period": str, "opening_fen": integer, "closing_fen": integer, "gross_fen": integer, "commission_fen": integer, "net_fen": integer, "paid_out_fen": integer, "settlements": obj{"type": "array", "items": ref("Settlement")}, "payouts": obj{"type": "array", "items": ref("Payout")}}},
		"SettlementAccount": obj{"type": "object", "additionalProperties": false, "required": []string{"name", "bank", "number"}, "properties": obj{"name": str, "bank": str, "number": str, "cnaps": str}},
		"Payout":            payout,
		"PayoutBatch":       batch,
		"PayoutBatchList":   obj{"type": "object", "properties": obj{"items": obj{"type": "array", "items": ref("PayoutBatch")}}},
		"PayoutPaidInput":   obj{"type": "object", "additionalProperties": false, "required": []string{"bank_ref"}, "properties": obj{"bank_ref": str}},
		"PayoutFailedInput": obj{"type": "object", "additionalProperties": false, "required": []string{"reason"}, "properties": obj{"reason": str}},
	}
}
