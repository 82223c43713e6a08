package order

import (
	"context"
	"strings"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// QuotedInput is an order agreed outside the catalogue, from an accepted quote (package
// rfq): the supplier, the delivery address and lines priced at the quoted terms.
type QuotedInput struct {
	// Token makes placing idempotent, as at checkout: the same token by the same member
	// returns the first order (package rfq uses "rfq:" + the quote ID).
	Token        string
	SupplierID   string
	SupplierName string
	Address      Address
	Note         string
	// Lines are non-catalogue lines: SKUID and ProductID must be empty, Amount must be
	// UnitPrice × Qty rounded half-up, TaxRate a valid rate.
	Lines []Line
}

// PlaceQuoted places one order at quoted terms for the caller's company, with the same
// invariants as Checkout: one transaction (it joins the caller's), an order number,
// the company's spend approval rules applied to the total (awaiting_approval, or
// awaiting_payment with the payment deadline), the "place" event and the outbox entry.
// Its lines have no SKU, so no stock is reserved (nor released on cancellation).
func (s *Service) PlaceQuoted(ctx context.Context, p *identity.Principal, in QuotedInput) (*Order, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	if in.Token == "" || len(in.Token) > 255 || !db.ValidID(in.SupplierID) || len(in.Lines) == 0 || len(in.Lines) > MaxCartItems {
		return nil, errs.E(errs.Invalid, "err.invalid")
	}
	var goods money.Fen
	for i, l := range in.Lines {
		amount, err := money.LineTotal(l.UnitPrice, l.Qty)
		if l.SKUID != "" || l.ProductID != "" || l.Qty <= 0 || l.Qty > MaxQty || err != nil || amount != l.Amount || l.TaxRate.Validate() != nil || strings.TrimSpace(l.Title) == "" {
			return nil, errs.E(errs.Invalid, "err.invalid")
		}
		in.Lines[i].No = i + 1
		goods += amount
	}
	if goods > money.MaxFen {
		return nil, errs.E(errs.Invalid, "err.invalid")
	}
	rules, err := s.Buyers.ApprovalRules(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	var out *Order
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		c := &Checkout{ID: db.NewID(), OrgID: p.Org.ID, UserID: p.User.ID, Token: in.Token, CreatedAt: now}
		existing, err := s.Store.ClaimCheckout(ctx, c)
		if err != nil {
			return err
		}
		if existing != "" {
			orders, err := s.Store.OrdersByCheckout(ctx, existing)
			if err != nil {
				return err
			}
			if len(orders) != 1 {
				return errs.E(errs.Conflict, "order.err.changed")
			}
			out = &orders[0]
			return nil
		}
		day := now.In(Shanghai).Format("20060102")
		seq, err := s.Store.NextOrderNumbers(ctx, day, 1)
		if err != nil {
			return err
		}
		o := &Order{ID: db.NewID(), Number: Number(day, seq), CheckoutID: c.ID, BuyerOrgID: p.Org.ID, BuyerName: p.Org.Name, BuyerUserID: p.User.ID,
			SupplierID: in.SupplierID, SupplierName: in.SupplierName, Goods: goods, Total: goods, Address: in.Address, Note: in.Note,
			CreatedAt: now, UpdatedAt: now, Lines: in.Lines}
		o.Steps = buyer.Required(rules, o.Total, member(p))
		if len(o.Steps) > 0 {
			o.State = AwaitingApproval
			o.PayDeadline = now.Add(s.approveWithin())
		} else {
			o.State = AwaitingPayment
			o.PayDeadline = now.Add(s.payWithin())
		}
		if err := s.Store.InsertOrders(ctx, []*Order{o}); err != nil {
			return err
		}
		ev := Event{OrderID: o.ID, Action: "place", To: o.State, ActorID: p.User.ID, ActorName: p.User.DisplayName, Note: in.Note, At: now}
		if err := s.Store.AddEvents(ctx, []Event{ev}); err != nil {
			return err
		}
		if o.State == AwaitingApproval {
			if err := s.told(ctx, o, AwaitingApproval, "place", "", o.PayDeadline); err != nil {
				return err
			}
		}
		if err := s.Store.Emit(ctx, Topic, o.ID); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
