package api

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// financeStaff may import statements, decide the review queue and approve refunds.
var financeStaff = httpx.StaffRoles(identity.Admin, identity.OpsManager)

// Payments into escrow: create and read payments, the sandbox's click, provider
// notifications (unauthenticated, signature-verified), bank statement import, the review
// queue and refunds of paid, unshipped orders.
func (a *API) addPaymentRoutes() {
	if a.Payment == nil {
		return
	}
	b := httpx.BuyerAny
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "payment ID"}}
	oid := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "order ID"}}
	rid := []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "receipt ID"}}
	a.add("POST", "/api/v1/payments", b, true, a.createPayment,
		Doc{ID: "createPayment", Summary: "Pay orders of one checkout with a provider (bank, sandbox, alipay, wechat); bank transfers get a remittance code for the transfer note, alipay a signed pay_url for the buyer's browser, wechat a qr_text (code_url) to show as a QR code", Tag: "payment", Request: "PaymentInput", Response: "Payment", Status: 201})
	a.add("GET", "/api/v1/payments", httpx.SignedIn, false, a.listPayments,
		Doc{ID: "listPayments", Summary: "The caller's company's payments (staff: everyone's), newest first", Tag: "payment", Response: "PaymentList", Status: 200})
	a.add("GET", "/api/v1/payments/{id}", httpx.SignedIn, false, a.getPayment,
		Doc{ID: "getPayment", Summary: "One payment: amount, orders, state, and for bank transfers the account and remittance code, for pending alipay payments the pay_url, for pending wechat payments the qr_text", Tag: "payment", Response: "Payment", Status: 200, Params: id})
	a.add("POST", "/api/v1/payments/sandbox/{id}", b, true, a.sandboxPay,
		Doc{ID: "sandboxPay", Summary: "沙箱支付(演示): complete a sandbox payment, as the buyer's click does (demo only)", Tag: "payment", Response: "Receipt", Status: 200, Params: id})
	a.add("POST", "/api/v1/payments/notify/{provider}", httpx.Anyone, false, a.notifyPayment,
		Doc{ID: "notifyPayment", Summary: "Provider notification (alipay: form-encoded, RSA2; wechat: API v3 JSON, Wechatpay-Signature, AEAD_AES_256_GCM); unauthenticated, signature-verified, idempotent by the provider's transaction ID", Tag: "payment", Status: 200,
			Params: []Param{{Name: "provider", In: "path", Type: "string", Required: true, Description: "alipay or wechat"}}})
	a.add("POST", "/api/v1/payments/statements", financeStaff, false, a.importStatement,
		Doc{ID: "importStatement", Summary: "Import a bank statement (body: the xlsx or CSV file, UTF-8 or GB18030); credits are matched on the remittance code, then amount and payer name, then payer; the rest goes to the review queue", Tag: "payment", Response: "StatementResult", Status: 200,
			Params: []Param{{Name: "filename", In: "query", Type: "string", Description: "the file's name, for the record"}}})
	a.add("GET", "/api/v1/payments/receipts", httpx.StaffAny, false, a.listReceipts,
		Doc{ID: "listReceipts", Summary: "The review queue: receipts in review or held", Tag: "payment", Response: "ReceiptList", Status: 200})
	a.add("POST", "/api/v1/payments/receipts/{id}/match", financeStaff, false, a.receiptOp("match"),
		Doc{ID: "matchReceipt", Summary: "Put a receipt into the escrow of a pending payment it pays exactly", Tag: "payment", Request: "ReceiptAction", Response: "Receipt", Status: 200, Params: rid})
	a.add("POST", "/api/v1/payments/receipts/{id}/return", financeStaff, false, a.receiptOp("return"),
		Doc{ID: "returnReceipt", Summary: "Send a receipt's money back to the payer", Tag: "payment", Request: "ReceiptAction", Response: "Receipt", Status: 200, Params: rid})
	a.add("POST", "/api/v1/payments/receipts/{id}/hold", financeStaff, false, a.receiptOp("hold"),
		Doc{ID: "holdReceipt", Summary: "Keep a receipt aside with a note", Tag: "payment", Request: "ReceiptAction", Response: "Receipt", Status: 200, Params: rid})
	a.add("POST", "/api/v1/orders/{id}/refund", b, true, a.requestRefund,
		Doc{ID: "requestRefund", Summary: "Ask to cancel a paid order that has not shipped and be refunded", Tag: "payment", Request: "ReasonInput", Response: "Refund", Status: 201, Params: oid})
	a.add("POST", "/api/v1/orders/{id}/refund/approve", httpx.SignedIn, true, a.approveRefund,
		Doc{ID: "approveRefund", Summary: "Approve the buyer's request (the order's supplier or staff): escrow goes back through the provider, the order is cancelled, exactly once", Tag: "payment", Response: "Refund", Status: 200, Params: oid})
	a.add("POST", "/api/v1/orders/{id}/refund/reject", httpx.SignedIn, false, a.rejectRefund,
		Doc{ID: "rejectRefund", Summary: "Reject the buyer's request; the order stays paid", Tag: "payment", Request: "ReasonInput", Response: "Refund", Status: 200, Params: oid})
}

// PaymentInput is the body of POST /payments.
type PaymentInput struct {
	OrderIDs []string `json:"order_ids"`
	Provider string   `json:"provider"`
}

// BankInstructions is where a bank transfer goes.
type BankInstructions struct {
	AccountName string `json:"account_name"`
	Bank        string `json:"bank"`
	Account     string `json:"account"`
	CNAPS       string `json:"cnaps"`
	Remittance  string `json:"remittance_code"`
}

// PaymentOrder is an order a payment covers.
type PaymentOrder struct {
	OrderID   string `json:"order_id"`
	Number    string `json:"number"`
	AmountFen int64  `json:"amount_fen"`
}

// Payment is a payment as the API shows it.
type Payment struct {
	ID        string            `json:"id"`
	Number    string            `json:"number"`
	Provider  string            `json:"provider"`
	Sandbox   bool              `json:"sandbox"`
	State     string            `json:"state"`
	AmountFen int64             `json:"amount_fen"`
	Orders    []PaymentOrder    `json:"orders"`
	Deadline  time.Time         `json:"deadline"`
	CreatedAt time.Time         `json:"created_at"`
	PaidAt    *time.Time        `json:"paid_at,omitempty"`
	Bank      *BankInstructions `json:"bank,omitempty"`
	PayURL    string            `json:"pay_url,omitempty"` // a gateway's pay page (Alipay), pending payments only
	QRText    string            `json:"qr_text,omitempty"` // what the buyer's QR code says (WeChat Pay's code_url), pending payments only
}

// Receipt is money received, as the API shows it.
type Receipt struct {
	ID           string    `json:"id"`
	Provider     string    `json:"provider"`
	ProviderTxn  string    `json:"provider_txn"`
	PaymentID    string    `json:"payment_id,omitempty"`
	AmountFen    int64     `json:"amount_fen"`
	PayerName    string    `json:"payer_name,omitempty"`
	PayerAccount string    `json:"payer_account,omitempty"`
	Memo         string    `json:"memo,omitempty"`
	State        string    `json:"state"`
	Reason       string    `json:"reason,omitempty"`
	Note         string    `json:"note,omitempty"`
	Replayed     bool      `json:"replayed"`
	CreatedAt    time.Time `json:"created_at"`
}

// ReceiptAction is the body of a review action.
type ReceiptAction struct {
	PaymentID string `json:"payment_id,omitempty"`
	Note      string `json:"note,omitempty"`
}

// Refund is a cancellation refund as the API shows it.
type Refund struct {
	ID          string `json:"id"`
	OrderID     string `json:"order_id"`
	PaymentID   string `json:"payment_id"`
	AmountFen   int64  `json:"amount_fen"`
	State       string `json:"state"`
	Reason      string `json:"reason,omitempty"`
	ProviderRef string `json:"provider_ref,omitempty"`
}

// StatementProblem is one unreadable statement row.
type StatementProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// StatementResult is what an import did.
type StatementResult struct {
	Rows     int                `json:"rows"`
	Matched  int                `json:"matched"`
	Review   int                `json:"review"`
	Replayed int                `json:"replayed"`
	Rejected int                `json:"rejected"`
	Receipts []Receipt          `json:"receipts"`
	Problems []StatementProblem `json:"problems"`
}

func (a *API) paymentBody(p *payment.Payment) Payment {
	out := Payment{ID: p.ID, Number: p.Number, Provider: p.Provider, Sandbox: p.Provider == payment.Sandbox, State: string(p.State), AmountFen: int64(p.Amount),
		Orders: []PaymentOrder{}, Deadline: p.Deadline, CreatedAt: p.CreatedAt}
	for _, o := range p.Orders {
		out.Orders = append(out.Orders, PaymentOrder{OrderID: o.OrderID, Number: o.Number, AmountFen: int64(o.Amount)})
	}
	if !p.PaidAt.IsZero() {
		t := p.PaidAt
		out.PaidAt = &t
	}
	if p.Provider == payment.Bank {
		if bp, ok := a.Payment.Providers[payment.Bank].(payment.BankProvider); ok {
			out.Bank = &BankInstructions{AccountName: bp.Account.Name, Bank: bp.Account.Bank, Account: bp.Account.Number, CNAPS: bp.Account.CNAPS, Remittance: p.Remittance}
		}
	}
	return out
}

func receiptBody(r *payment.Receipt) Receipt {
	return Receipt{ID: r.ID, Provider: r.Provider, ProviderTxn: r.ProviderTxn, PaymentID: r.PaymentID, AmountFen: int64(r.Amount), PayerName: r.PayerName,
		PayerAccount: r.PayerAccount, Memo: r.Memo, State: string(r.State), Reason: r.Reason, Note: r.Note, Replayed: r.Replayed, CreatedAt: r.CreatedAt}
}

func refundBody(r *payment.Refund) Refund {
	return Refund{ID: r.ID, OrderID: r.OrderID, PaymentID: r.PaymentID, AmountFen: int64(r.Amount), State: string(r.State), Reason: r.Reason, ProviderRef: r.ProviderRef}
}

func (a *API) createPayment(w http.ResponseWriter, r *http.Request) error {
	var in PaymentInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	ci := payment.CreateInput{OrderIDs: in.OrderIDs, Provider: in.Provider}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		ci.IdemKey = "api:" + key
	}
	p, err := a.Payment.Create(r.Context(), caller(r), ci)
	if err != nil {
		return err
	}
	body, err := a.paymentWithURL(r, p)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, body)
	return nil
}

// paymentWithURL is paymentBody with the gateway's pay URL for a pending payment.
func (a *API) paymentWithURL(r *http.Request, p *payment.Payment) (Payment, error) {
	out := a.paymentBody(p)
	in, err := a.Payment.Instructions(r.Context(), p)
	if err != nil {
		if p.Provider != payment.WeChat {
			return out, err
		}
		// WeChat Pay is called on the reader's behalf: when it cannot be reached or
		// refuses, the payment is still answered, without qr_text; reading it again
		// asks WeChat Pay again.
		slog.WarnContext(r.Context(), "wechat pay code_url", "payment", p.Number, "err", err)
		return out, nil
	}
	out.PayURL, out.QRText = in.URL, in.QRText
	return out, nil
}

func (a *API) listPayments(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Payment.List(r.Context(), caller(r), "", 100)
	if err != nil {
		return err
	}
	out := struct {
		Items []Payment `json:"items"`
	}{Items: []Payment{}}
	for i := range list {
		out.Items = append(out.Items, a.paymentBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getPayment(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Payment.Get(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := a.paymentWithURL(r, p)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, body)
	return nil
}

func (a *API) sandboxPay(w http.ResponseWriter, r *http.Request) error {
	rc, err := a.Payment.CompleteSandbox(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, receiptBody(rc))
	return nil
}

// maxNotification bounds a provider notification.
const maxNotification = 64 << 10

func (a *API) notifyPayment(w http.ResponseWriter, r *http.Request) error {
	provider := r.PathValue("provider")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxNotification))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, "err.body_too_large")
		}
		return errs.E(errs.Invalid, "payment.err.notification")
	}
	h := map[string]string{}
	for k := range r.Header {
		h[k] = r.Header.Get(k)
	}
	if _, err := a.Payment.Notify(r.Context(), provider, h, body); err != nil {
		return err
	}
	// Each provider's acknowledgement: Alipay wants the word success, WeChat Pay a 2xx.
	if provider == payment.Alipay {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("success"))
		return nil
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) importStatement(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, payment.MaxStatementBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return errs.E(errs.TooLarge, "err.body_too_large")
		}
		return errs.E(errs.Invalid, "err.form_malformed")
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		name = "statement"
	}
	res, err := a.Payment.ImportStatement(r.Context(), caller(r), name, body)
	if err != nil {
		return err
	}
	im := res.Import
	out := StatementResult{Rows: im.Rows, Matched: im.Matched, Review: im.Review, Replayed: im.Replayed, Rejected: im.Rejected, Receipts: []Receipt{}, Problems: []StatementProblem{}}
	for i := range res.Receipts {
		out.Receipts = append(out.Receipts, receiptBody(&res.Receipts[i]))
	}
	for _, p := range res.Problems {
		out.Problems = append(out.Problems, StatementProblem{Row: p.Row, Column: p.Column, Message: msg(r, p.Message)})
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listReceipts(w http.ResponseWriter, r *http.Request) error {
	list, err := a.Payment.Queue(r.Context(), caller(r))
	if err != nil {
		return err
	}
	out := struct {
		Items []Receipt `json:"items"`
	}{Items: []Receipt{}}
	for i := range list {
		out.Items = append(out.Items, receiptBody(&list[i]))
	}
	WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) receiptOp(op string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in ReceiptAction
		if err := Decode(w, r, &in); err != nil {
			return err
		}
		var rc *payment.Receipt
		var err error
		p, id := caller(r), r.PathValue("id")
		switch op {
		case "match":
			rc, err = a.Payment.Match(r.Context(), p, id, in.PaymentID, in.Note)
		case "return":
			rc, err = a.Payment.Return(r.Context(), p, id, in.Note)
		default:
			rc, err = a.Payment.Hold(r.Context(), p, id, in.Note)
		}
		if err != nil {
			return err
		}
		WriteJSON(w, http.StatusOK, receiptBody(rc))
		return nil
	}
}

func (a *API) requestRefund(w http.ResponseWriter, r *http.Request) error {
	var in ReasonInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	rf, err := a.Payment.RequestRefund(r.Context(), caller(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusCreated, refundBody(rf))
	return nil
}

func (a *API) approveRefund(w http.ResponseWriter, r *http.Request) error {
	rf, err := a.Payment.ApproveRefund(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, refundBody(rf))
	return nil
}

func (a *API) rejectRefund(w http.ResponseWriter, r *http.Request) error {
	var in ReasonInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	rf, err := a.Payment.RejectRefund(r.Context(), caller(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, refundBody(rf))
	return nil
}

func paymentSchemas() obj {
	str := obj{"type": "string"}
	integer := obj{"type": "integer"}
	boolean := obj{"type": "boolean"}
	ts := obj{"type": "string", "format": "date-time"}
	receipt := obj{"type": "object", "properties": obj{"id": str, "provider": str, "provider_txn": str, "payment_id": str, "amount_fen": integer, "payer_name": str,
		"payer_account": str, "memo": str, "state": obj{"type": "string", "enum": []string{"matched", "review", "held", "returned"}},
		"reason": obj{"type": "string", "enum": []string{"partial", "over", "duplicate", "unknown", "order_cancelled"}}, "note": str, "replayed": boolean, "created_at": ts}}
	return obj{
		"PaymentInput": obj{"type": "object", "additionalProperties": false, "required": []string{"order_ids", "provider"}, "properties": obj{
			"order_ids": obj{"type": "array", "items": str, "description": "orders of one checkout, awaiting payment"},
			"provider":  obj{"type": "string", "enum": []string{"bank", "sandbox", "alipay", "wechat"}}}},
		"Payment": obj{"type": "object", "required": []string{"id", "number", "provider", "state", "amount_fen", "orders"}, "properties": obj{
			"id": str, "number": str, "provider": str, "sandbox": obj{"type": "boolean", "description": "沙箱支付(演示): no real money"},
			"state": obj{"type": "string", "enum": []string{"pending", "paid", "closed"}}, "amount_fen": integer,
			"orders":   obj{"type": "array", "items": obj{"type": "object", "properties": obj{"order_id": str, "number": str, "amount_fen": integer}}},
			"deadline": ts, "created_at": ts, "paid_at": ts,
			"pay_url": obj{"type": "string", "description": "pending gateway payments (alipay): the signed pay page to send the buyer's browser to, made afresh on each read"},
			"qr_text": obj{"type": "string", "description": "pending wechat payments: WeChat Pay's code_url (weixin://…, valid two hours) for the buyer to scan as a QR code; cached a few minutes per payment; empty when WeChat Pay could not be reached — read the payment again"},
			"bank":    obj{"type": "object", "properties": obj{"account_name": str, "bank": str, "account": str, "cnaps": str, "remittance_code": str}}}},
		"PaymentList":   obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Payment")}}},
		"Receipt":       receipt,
		"ReceiptList":   obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Receipt")}}},
		"ReceiptAction": obj{"type": "object", "additionalProperties": false, "properties": obj{"payment_id": str, "note": str}},
		"Refund": obj{"type": "object", "properties": obj{"id": str, "order_id": str, "payment_id": str, "amount_fen": integer,
			"state": obj{"type": "string", "enum": []string{"requested", "refunded", "rejected"}}, "reason": str, "provider_ref": str}},
		"StatementResult": obj{"type": "object", "properties": obj{"rows": integer, "matched": integer, "review": integer, "replayed": integer, "rejected": integer,
			"receipts": obj{"type": "array", "items": ref("Receipt")},
			"problems": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"row": integer, "column": str, "message": str}}}}},
	}
}
