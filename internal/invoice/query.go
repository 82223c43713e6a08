package invoice

import (
	"context"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Get returns an invoice the caller may see: its buyer company's, its supplier's, or any
// for staff. For anyone else it does not exist.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Invoice, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	inv, err := s.Store.Invoice(ctx, id)
	if err != nil {
		return nil, err
	}
	if !visible(p, inv) {
		return nil, notFound()
	}
	return inv, nil
}

// List lists the invoices the caller may see, newest first, scoped to its company.
func (s *Service) List(ctx context.Context, p *identity.Principal, f Filter) ([]Invoice, error) {
	if f.State != "" && !validState(f.State) {
		return nil, errs.Field("state", "invoice.err.state")
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	f.BuyerOrgID, f.SupplierID = "", ""
	switch {
	case p == nil:
		return nil, notFound()
	case p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case staff(p):
	default:
		return nil, notFound()
	}
	return s.Store.Invoices(ctx, f)
}

func validState(st State) bool {
	for _, x := range States {
		if x == st {
			return true
		}
	}
	return false
}

// OfOrder lists the invoices of an order the caller may see, oldest first.
func (s *Service) OfOrder(ctx context.Context, p *identity.Principal, orderID string) ([]Invoice, error) {
	if _, err := s.Orders.Get(ctx, p, orderID); err != nil {
		return nil, err
	}
	list, err := s.Store.Invoices(ctx, Filter{OrderID: orderID})
	if err != nil {
		return nil, err
	}
	// newest first from the store; the order page reads them in order.
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, nil
}

// Report is the staff's view: counts by color and state, requests waiting longer than
// OverdueAfter, and red-letter tasks not yet recorded.
func (s *Service) Report(ctx context.Context, p *identity.Principal) (*Report, error) {
	if !staff(p) {
		return nil, notFound()
	}
	counts, err := s.Store.InvoiceCounts(ctx)
	if err != nil {
		return nil, err
	}
	r := &Report{Counts: counts}
	if r.Overdue, err = s.Store.Invoices(ctx, Filter{Color: Blue, State: Requested, Before: s.now().Add(-OverdueAfter), Limit: 200}); err != nil {
		return nil, err
	}
	if r.RedPending, err = s.Store.Invoices(ctx, Filter{Color: Red, State: Requested, Limit: 200}); err != nil {
		return nil, err
	}
	return r, nil
}

// File returns one file of an invoice the caller may see; files of other invoices, and
// invoices the caller may not see, do not exist.
func (s *Service) File(ctx context.Context, p *identity.Principal, id, blobID string) (*upload.Blob, error) {
	inv, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	for _, f := range inv.Files {
		if f.BlobID == blobID {
			return s.Blobs.Blob(ctx, blobID)
		}
	}
	return nil, notFound()
}
