// Package app wires Zhuchao's services over one database: the one place that knows how
// stores, domain services and the edges fit together. The binary, the demo and the test
// server all build the same graph from here.
package app

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/api"
	"github.com/zhuchao/zhuchao/internal/bulk"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/rfq"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/seo"
	"github.com/zhuchao/zhuchao/internal/server"
	"github.com/zhuchao/zhuchao/internal/standing"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/storefront"
	"github.com/zhuchao/zhuchao/internal/supplier"
	"github.com/zhuchao/zhuchao/internal/web"
)

// App holds the wired services.
type App struct {
	DB       *db.DB
	Store    *store.Store
	Identity *identity.Service
	Notify   *notify.Service
	Supplier *supplier.Service
	Stores   *storefront.Service
	Fees     *fees.Service
	Ledger   *ledger.Service
	Deposit  *deposit.Service
	Standing *standing.Service
	Freight  *freight.Service
	Buyer    *buyer.Service
	Order    *order.Service
	Payment  *payment.Service
	RFQ      *rfq.Service
	// Fulfil ships, inspects, releases escrow and pays suppliers out.
	Fulfil  *fulfil.Service
	Invoice *invoice.Service
	// Aftersale runs after-sales cases, disputes and arbitration.
	Aftersale *aftersale.Service

	// CatalogEdit edits categories, parameter templates and products.
	CatalogEdit *catalog.Service
	// Bulk imports and exports products as spreadsheets.
	Bulk *bulk.Service
	// Search is the in-process catalogue index, kept current from the outbox.
	Search *search.Service
	// Channels runs channel pages and campaigns; SearchRules the ranking rules and synonyms.
	Channels    *channel.Service
	SearchRules *channel.Rules
}

// New wires the services over d; now is the clock (time.Now in production).
func New(d *db.DB, now func() time.Time) *App {
	st := store.New(d)
	a := &App{DB: d, Store: st}
	a.Identity = identity.NewService(d, st, st, now)
	a.Notify = newNotify(a, st, now)
	a.Supplier = &supplier.Service{DB: d, Store: st, Identity: a.Identity, Audit: st, CategoryExists: st.CategoryExists, Blobs: st, Notify: a.Notify, Now: now}
	a.Stores = &storefront.Service{DB: d, Store: st, Orgs: st, OwnsProduct: st.OwnsProduct, CategoryExists: st.CategoryExists, Blobs: st, Audit: st, Now: now}
	a.Fees = &fees.Service{DB: d, Store: st, Audit: st, Now: now}
	a.Ledger = ledger.NewService(d, st, now)
	a.Deposit = deposit.NewService(d, st, a.Ledger, st, now)
	// A store is live while its deposit is paid in full and the supplier has not exited.
	a.Deposit.OnStatus = func(ctx context.Context, s *deposit.Status) error {
		return st.SetStoreLive(ctx, s.SupplierID, s.PaidInFull && s.ExitedAt.IsZero())
	}
	a.Standing = &standing.Service{DB: d, Store: st, Orgs: st, Supplier: st, Deposit: a.Deposit, Notify: a.Notify, Audit: st, SetStoreLive: st.SetStoreLive, Now: now}
	a.CatalogEdit = &catalog.Service{DB: d, Store: st, Audit: st, Now: now, MediaStore: st, Blobs: st,
		Restricted: func(ctx context.Context, supplierID string) (bool, error) {
			return a.Standing.Restricted(ctx, supplierID, now())
		}}
	a.Bulk = &bulk.Service{DB: d, Catalog: a.CatalogEdit}
	a.Freight = &freight.Service{DB: d, Store: st, Audit: st, Now: now}
	a.Buyer = &buyer.Service{DB: d, Store: st, Audit: st, Now: now}
	a.Order = &order.Service{DB: d, Store: st, Buyers: st, Now: now, Messages: a.Notify}
	a.Payment = a.newPayment(now)
	a.RFQ = newRFQ(a, st, now)
	a.Fulfil = a.newFulfil(now)
	a.Invoice = newInvoice(a, st, now)
	a.Aftersale = newAftersale(a, st, now)
	seg, err := search.SharedSegmenter()
	if err != nil {
		panic("app: the embedded segmentation dictionary does not load: " + err.Error())
	}
	a.Search = &search.Service{Index: search.NewIndex(seg), Source: searchSource{st: st, standing: a.Standing, now: now}, Log: st, Now: now}
	a.Channels = &channel.Service{DB: d, Store: st, Blobs: st, Audit: st, CategoryExists: st.CategoryExists, Now: now,
		Schedule: func(ctx context.Context, key string, at time.Time) error {
			return jobs.NewRunner(st, "", now).Schedule(ctx, channel.BoundaryJob, key, nil, at)
		}}
	a.SearchRules = &channel.Rules{DB: d, Settings: st, Audit: st, Now: now}
	a.CatalogEdit.HotTerms = func(ctx context.Context) []string {
		var out []string
		for _, t := range a.Search.HotTerms() {
			out = append(out, t.Text)
		}
		return out
	}
	return a
}

// Server builds the HTTP edge for cfg.
func (a *App) Server(cfg config.Config, site web.Site, version string) (*server.Server, error) {
	sessions := server.NewSessions(store.Sessions{DB: a.DB}, cfg)
	a.Order.PayWithin = cfg.PayWithin
	a.Order.ApproveWithin = cfg.ApproveWithin
	a.ConfigureFulfil(cfg)
	a.ConfigureNotify(cfg)
	if err := a.ConfigurePayments(cfg); err != nil {
		return nil, err
	}
	wh, err := web.New(web.Deps{
		Identity: a.Identity, Catalog: a.Store, Audit: a.Store, Stats: a.Store, Sessions: sessions, Supplier: a.Supplier,
		Stores: a.Stores, Files: a.Store, Notify: a.Notify, Fees: a.Fees, Deposit: a.Deposit, Standing: a.Standing, Bulk: a.Bulk, Freight: a.Freight, Buyer: a.Buyer, Order: a.Order, Payment: a.Payment, RFQ: a.RFQ, Fulfil: a.Fulfil, Invoice: a.Invoice, Aftersale: a.Aftersale, Site: site,
		CatalogEdit: a.CatalogEdit, Search: a.Search, SearchStats: a.Store,
		Sitemaps: &seo.Sitemaps{Sources: a.Store.SitemapSources()},
		Channels: a.Channels, SearchRules: a.SearchRules,
	})
	if err != nil {
		return nil, err
	}
	s := &server.Server{
		Config: cfg, DB: a.DB, Identity: a.Identity, Sessions: sessions, Web: wh, Version: version,
		API: api.New(api.Deps{Identity: a.Identity, Catalog: a.Store, Idempotency: a.Store, Supplier: a.Supplier, Deposit: a.Deposit, Stores: a.Stores, Notify: a.Notify, CatalogEdit: a.CatalogEdit, Search: a.Search, Channels: a.Channels, Buyer: a.Buyer, Order: a.Order, Payment: a.Payment, RFQ: a.RFQ, Fulfil: a.Fulfil, Invoice: a.Invoice, Aftersale: a.Aftersale}),
	}
	s.Build()
	return s, nil
}
