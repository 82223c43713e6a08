package app

import (
	"time"

	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/store"
)

// newInvoice wires invoices: orders through the order service (tenant checks), the tax
// profile through the buyer service, files in the blob store. Checkout reads each
// product's VAT rate from its category, and every refund of the cancellation path tells
// the invoice service in its own transaction (the after-sales refunds must call
// a.Invoice.Refunded the same way).
func newInvoice(a *App, st *store.Store, now func() time.Time) *invoice.Service {
	inv := &invoice.Service{DB: a.DB, Store: st, Orders: a.Order, Profiles: a.Buyer, Blobs: st, Notify: a.Notify, RateStore: st, Audit: st, Now: now}
	a.Order.TaxRates = st.ProductVATRates
	a.Payment.OnRefund = inv.Refunded
	return inv
}
