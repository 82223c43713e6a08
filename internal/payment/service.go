package payment

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/remit"
)

// CreateInput asks for a payment of orders of one checkout.
type CreateInput struct {
	OrderIDs []string
	Provider string
	// IdemKey makes creation idempotent per buyer company: the same key returns the
	// first payment.
	IdemKey string
}

func newNumber(now time.Time) (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1e8))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("PAY%s%08d", now.In(order.Shanghai).Format("20060102"), n.Int64()), nil
}

// Create starts a payment of the caller's orders (one checkout, all awaiting payment)
// with a provider. Bank transfers get a remittance code.
func (s *Service) Create(ctx context.Context, p *identity.Principal, in CreateInput) (*Payment, error) {
	if p == nil || !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	var v errs.Validator
	if len(in.OrderIDs) == 0 {
		v.Add("order_ids", "err.required")
	}
	if len(in.OrderIDs) > order.MaxCartItems {
		v.Add("order_ids", "err.too_long", order.MaxCartItems)
	}
	if len(in.IdemKey) > 255 {
		v.Add("idempotency_key", "err.too_long", 255)
	}
	pr, perr := s.Provider(in.Provider)
	if perr != nil {
		v.Add("provider", "payment.err.provider")
	} else if !pr.Configured() {
		v.Add("provider", "payment.err.not_configured")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Payment
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if in.IdemKey != "" {
			prior, err := s.Store.PaymentByIdem(ctx, p.Org.ID, in.IdemKey)
			if err == nil {
				out = prior
				return nil
			}
			if !errs.Is(err, errs.NotFound) {
				return err
			}
		}
		now := s.now()
		pay := &Payment{ID: db.NewID(), BuyerOrgID: p.Org.ID, UserID: p.User.ID, Provider: pr.Name(), State: Pending,
			IdemKey: in.IdemKey, CreatedAt: now, UpdatedAt: now}
		seen := map[string]bool{}
		for _, id := range in.OrderIDs {
			if seen[id] {
				continue
			}
			seen[id] = true
			o, err := s.Orders.Get(ctx, p, id)
			if err != nil {
				return err
			}
			if o.State != order.AwaitingPayment {
				return errs.E(errs.Conflict, "payment.err.not_payable", o.Number)
			}
			if o.Total <= 0 {
				return errs.Field("order_ids", "payment.err.zero")
			}
			if pay.CheckoutID == "" {
				pay.CheckoutID = o.CheckoutID
			} else if pay.CheckoutID != o.CheckoutID {
				return errs.Field("order_ids", "payment.err.one_checkout")
			}
			if pay.Deadline.IsZero() || o.PayDeadline.Before(pay.Deadline) {
				pay.Deadline = o.PayDeadline
			}
			pay.Amount += o.Total
			pay.Orders = append(pay.Orders, OrderPart{OrderID: o.ID, Number: o.Number, Amount: o.Total})
		}
		if pay.Amount <= 0 {
			return errs.Field("order_ids", "payment.err.zero")
		}
		var err error
		if pay.Number, err = newNumber(now); err != nil {
			return err
		}
		if pr.Name() == Bank {
			if pay.Remittance, err = remit.New(RemittancePrefix); err != nil {
				return err
			}
		}
		// The provider is not called here: a gateway call (WeChat Pay's Native 下单) must
		// not hold the transaction, and the single SQLite writer, for seconds. What the
		// buyer needs to pay is made after the commit, on each read (Instructions).
		if err := s.Store.PaymentInsert(ctx, pay); err != nil {
			return err
		}
		out = pay
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Payment(ctx, out.ID)
}

// Instructions returns what the buyer is shown to pay a pending payment before its
// deadline: a gateway's pay URL, made afresh each time (Alipay's is signed with the
// current timestamp; the trade stays the payment number), nothing for bank transfers,
// the sandbox or a payment no longer payable.
func (s *Service) Instructions(ctx context.Context, pay *Payment) (Instructions, error) {
	if pay.State != Pending || (!pay.Deadline.IsZero() && !s.now().Before(pay.Deadline)) {
		return Instructions{}, nil
	}
	pr, ok := s.Providers[pay.Provider]
	if !ok || !pr.Configured() {
		return Instructions{}, nil
	}
	return pr.Start(ctx, pay)
}

// Get returns a payment the caller may see: its buyer company's, or any for staff.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Payment, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	pay, err := s.Store.Payment(ctx, id)
	if err != nil {
		return nil, err
	}
	if staff(p) || (p.Is(identity.Buyer) && pay.BuyerOrgID == p.Org.ID) {
		return pay, nil
	}
	return nil, notFound()
}

// List lists the caller's company's payments, or (staff) everyone's.
func (s *Service) List(ctx context.Context, p *identity.Principal, state State, limit int) ([]Payment, error) {
	f := Filter{State: state, Limit: limit}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	switch {
	case staff(p):
	case p != nil && p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	default:
		return nil, notFound()
	}
	return s.Store.Payments(ctx, f)
}

// OfOrder lists the payments of an order the caller may see.
func (s *Service) OfOrder(ctx context.Context, p *identity.Principal, orderID string) ([]Payment, error) {
	if _, err := s.Orders.Get(ctx, p, orderID); err != nil {
		return nil, err
	}
	return s.Store.PaymentsOfOrder(ctx, orderID)
}

// CompleteSandbox pays a sandbox payment, as the buyer's click on 「沙箱支付(演示)」 does.
func (s *Service) CompleteSandbox(ctx context.Context, p *identity.Principal, id string) (*Receipt, error) {
	pay, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if pay.Provider != Sandbox {
		return nil, errs.Field("provider", "payment.err.provider")
	}
	return s.Receive(ctx, Receipt{Provider: Sandbox, ProviderTxn: "SBX-" + pay.ID, PaymentID: pay.ID, Amount: pay.Amount, PayerName: pay.BuyerName})
}

// Notify handles a provider's notification: verified, then received once; a replay is
// recognised by the provider's transaction id and changes nothing.
func (s *Service) Notify(ctx context.Context, provider string, headers map[string]string, body []byte) (*Receipt, error) {
	pr, ok := s.Providers[provider]
	if !ok {
		return nil, notFound()
	}
	n, err := pr.Verify(headers, body)
	if err != nil {
		return nil, err
	}
	if !n.Success {
		return nil, nil
	}
	var v errs.Validator
	v.Check(n.ProviderTxn != "" && len(n.ProviderTxn) <= 64, "transaction_id", "payment.err.notification")
	v.Check(n.Amount > 0 && n.Amount <= money.MaxFen, "amount", "payment.err.notification")
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := Receipt{Provider: provider, ProviderTxn: n.ProviderTxn, Amount: n.Amount, Memo: n.PaymentNumber}
	if len(n.PaymentNumber) <= 64 {
		if pay, err := s.Store.PaymentByNumber(ctx, n.PaymentNumber); err == nil {
			r.PaymentID = pay.ID
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	return s.Receive(ctx, r)
}

// FaultAfterCapture is the fault point between the escrow posting and the order moves.
const FaultAfterCapture = "payment.after_capture"

// Receive records money that came in and puts it where it belongs, in one transaction:
// into the escrow of the orders of the payment it pays in full (the orders become paid),
// or into suspense and the review queue. A receipt seen before is returned marked
// Replayed and nothing changes.
func (s *Service) Receive(ctx context.Context, in Receipt) (*Receipt, error) {
	var out *Receipt
	err := s.retry(ctx, func(ctx context.Context) error {
		r := in
		prior, err := s.Store.ReceiptByTxn(ctx, r.Provider, r.ProviderTxn)
		if err == nil {
			prior.Replayed = true
			out = prior
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		r.ID, r.CreatedAt = db.NewID(), s.now()
		var pay *Payment
		if r.PaymentID != "" {
			if pay, err = s.Store.Payment(ctx, r.PaymentID); err != nil {
				return err
			}
		}
		var orders []*order.Order
		r.State, r.Reason = Review, ReasonUnknown
		if pay != nil {
			r.Reason, orders, err = s.fits(ctx, pay, r.Amount)
			if err != nil {
				return err
			}
			if r.Reason == "" {
				r.State = Matched
			}
		}
		ok, err := s.Store.ReceiptInsert(ctx, &r)
		if err != nil {
			return err
		}
		if !ok { // a concurrent delivery of the same notification won
			prior, err := s.Store.ReceiptByTxn(ctx, r.Provider, r.ProviderTxn)
			if err != nil {
				return err
			}
			prior.Replayed = true
			out = prior
			return nil
		}
		if r.State == Matched {
			err = s.capture(ctx, pay, orders, &r, KindCapture, ledger.BankClearing)
		} else {
			_, err = s.Ledger.Post(ctx, ledger.Transaction{Kind: KindSuspense, Ref: r.ID, Subject: "receipt:" + r.ID,
				Memo: r.Provider + " " + r.ProviderTxn, Postings: ledger.Pair(ledger.BankClearing, ledger.Suspense(r.ID), r.Amount)})
		}
		if err != nil {
			return err
		}
		out = &r
		return nil
	})
	return out, err
}

// retry runs fn in a transaction, once more when an order changed under it (the
// deadline sweep cancelled it between our read and our write): the second run sees the
// new state and sends the money to review instead.
func (s *Service) retry(ctx context.Context, fn func(ctx context.Context) error) error {
	err := s.DB.WithTx(ctx, fn)
	if err != nil && errs.Is(err, errs.Conflict) && !db.InTx(ctx) {
		if e := errs.As(err); e != nil && e.Msg.Key == "order.err.changed" {
			err = s.DB.WithTx(ctx, fn)
		}
	}
	return err
}

// fits says why amount cannot pay pay in full now ("" when it can) and returns the
// payment's orders.
func (s *Service) fits(ctx context.Context, pay *Payment, amount money.Fen) (string, []*order.Order, error) {
	if pay.State != Pending {
		for _, part := range pay.Orders {
			o, err := s.Orders.Store.Order(ctx, part.OrderID)
			if err != nil {
				return "", nil, err
			}
			if o.State == order.Cancelled && pay.State == Closed {
				return ReasonCancelled, nil, nil
			}
		}
		return ReasonDuplicate, nil, nil
	}
	var orders []*order.Order
	for _, part := range pay.Orders {
		o, err := s.Orders.Store.Order(ctx, part.OrderID)
		if err != nil {
			return "", nil, err
		}
		if o.State != order.AwaitingPayment {
			if o.State == order.Cancelled {
				return ReasonCancelled, nil, nil
			}
			return ReasonDuplicate, nil, nil
		}
		orders = append(orders, o)
	}
	switch {
	case amount < pay.Amount:
		return ReasonPartial, nil, nil
	case amount > pay.Amount:
		return ReasonOver, nil, nil
	}
	return "", orders, nil
}

// capture moves a payment's money from source (bank:clearing, or a receipt's suspense
// account) into the escrow of each order, and the orders to paid, the payment to paid,
// with the buyer's and suppliers' messages: all in the caller's transaction.
func (s *Service) capture(ctx context.Context, pay *Payment, orders []*order.Order, r *Receipt, kind, source string) error {
	ok, err := s.Store.PaymentSetState(ctx, pay.ID, Pending, PaidS, r.ID, s.now())
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "order.err.changed")
	}
	t := ledger.Transaction{Kind: kind, Ref: pay.ID, Subject: "payment:" + pay.ID, Memo: pay.Number + " " + r.Provider + " " + r.ProviderTxn}
	t.Postings = append(t.Postings, ledger.Posting{Account: source, Amount: pay.Amount})
	for _, part := range pay.Orders {
		t.Postings = append(t.Postings, ledger.Posting{Account: ledger.Escrow(part.OrderID), Amount: -part.Amount})
	}
	if _, err := s.Ledger.Post(ctx, t); err != nil {
		return err
	}
	if err := s.DB.Fault(ctx, FaultAfterCapture); err != nil {
		return err
	}
	if err := s.Orders.MarkPaid(ctx, orders, pay.Number); err != nil {
		return err
	}
	if s.Messages != nil {
		if err := s.Messages.Send(ctx, pay.BuyerOrgID, "payment", "payment.msg.paid", "/buyer/payments/"+pay.ID, pay.Number, pay.Amount.String()); err != nil {
			return err
		}
		for _, o := range orders {
			if err := s.Messages.Send(ctx, o.SupplierID, "order", "payment.msg.to_ship", "/seller/orders/"+o.ID, o.Number); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 500 {
		return "", errs.Field("note", "err.too_long", 500)
	}
	return note, nil
}

// CloseStale closes pending payments none of whose orders awaits payment any more (the
// deadline sweep cancelled them, or another payment paid them), so the buyer no longer
// sees them as payable; money arriving for one later goes to the review queue. The
// deadline job runs it after cancelling orders.
func (s *Service) CloseStale(ctx context.Context) (int64, error) {
	return s.Store.PaymentsCloseStale(ctx, s.now())
}
