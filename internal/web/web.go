// Package web serves Zhuchao's server-rendered pages: the storefront shell, sign-in and
// registration, the buyer centre, the supplier centre (卖家中心) and the staff console
// (运营后台). Each route names its access policy once where it is registered.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/bulk"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/freight"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
	"github.com/zhuchao/zhuchao/internal/rfq"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/seo"
	"github.com/zhuchao/zhuchao/internal/standing"
	"github.com/zhuchao/zhuchao/internal/storefront"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// Catalog is what the pages read of the catalogue.
type Catalog interface {
	catalog.Reader
	ProductCards(ctx context.Context, f catalog.CardFilter) ([]catalog.ProductCard, int64, error)
	ProductDetail(ctx context.Context, id string) (*catalog.Detail, error)
}

// Stats is what the staff console counts.
type Stats interface {
	PlatformStats(ctx context.Context) (map[string]int64, error)
}

// Deps are the handler's collaborators, wired in cmd.
type Deps struct {
	Identity *identity.Service
	Catalog  Catalog
	Audit    audit.Store
	Stats    Stats
	Supplier *supplier.Service
	Stores   *storefront.Service
	Fees     *fees.Service
	Files    Files
	Notify   *notify.Service
	Deposit  *deposit.Service
	Standing *standing.Service
	Bulk     *bulk.Service
	Freight  *freight.Service
	Buyer    *buyer.Service
	Order    *order.Service
	Payment  *payment.Service
	RFQ      *rfq.Service
	Fulfil   *fulfil.Service
	Invoice  *invoice.Service
	Sessions *scs.SessionManager
	Site     Site

	// CatalogEdit edits categories, parameter templates and products.
	CatalogEdit *catalog.Service
	// Search answers the search box, the category pages and the store search.
	Search *search.Service
	// SearchStats summarises the search log for ops.
	SearchStats SearchStats
	// Sitemaps lists the public pages for /sitemap.xml.
	Sitemaps *seo.Sitemaps
	// Channels runs channel pages and campaigns; SearchRules the ranking rules and synonyms.
	Channels    *channel.Service
	SearchRules *channel.Rules
	// Aftersale runs after-sales cases, disputes and arbitration.
	Aftersale *aftersale.Service
}

// Handler serves the pages.
type Handler struct {
	Deps
	sessions *scs.SessionManager
	site     Site
	tmpl     *Templates
	assets   *Assets

	pages *lru.Cache[string, *cachedPage]

	catMu   sync.Mutex
	catAt   time.Time
	catList []catalog.Category

	homeC        homeCache    // channel.go
	chC          channelCache // channel.go
	relatedCache relatedCache // seo.go

	routes []Route // every route, for tests that walk them all
}

// New parses the templates and indexes the assets.
func New(d Deps) (*Handler, error) {
	t, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	a, err := loadAssets()
	if err != nil {
		return nil, err
	}
	return &Handler{Deps: d, sessions: d.Sessions, site: d.Site, tmpl: t, assets: a, pages: newPageCache()}, nil
}

// Route is a page or form route: its pattern ("POST /buyer/orders/{id}/cancel") and the
// name of its access policy.
type Route struct{ Pattern, Policy string }

// Routes lists the routes that go through route, in registration order, so tests can
// walk every page and form.
func (h *Handler) Routes() []Route { return append([]Route(nil), h.routes...) }

// AssetURL returns an asset's hashed URL (for other edges that link to assets).
func (h *Handler) AssetURL(name string) string { return h.assets.URL(name) }

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route registers pattern behind policy: the one place access to the route is decided.
func (h *Handler) route(mux *http.ServeMux, pattern string, pol httpx.Policy, fn handlerFunc) {
	h.routes = append(h.routes, Route{Pattern: pattern, Policy: pol.Name})
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := pol.Check(httpx.PrincipalFrom(r.Context())); err != nil {
			if errs.Is(err, errs.Forbidden) {
				// Another area's pages do not reveal themselves.
				err = errs.E(errs.NotFound, "err.not_found")
			}
			h.fail(w, r, err)
			return
		}
		if p := httpx.PrincipalFrom(r.Context()); p != nil && p.User.MustChangePassword && !beforePasswordChange[pattern] {
			// A password someone else chose is replaced before anything else.
			h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "account.must_change_password"))
			http.Redirect(w, r, "/account#password", http.StatusSeeOther)
			return
		}
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// beforePasswordChange are the routes open to someone who must first replace a password
// chosen by someone else.
var beforePasswordChange = map[string]bool{"GET /account": true, "POST /account/password": true, "POST /logout": true}

// Register adds every page route to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("GET /assets/{name}", h.assets)
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, h.assets.URL("favicon.svg"), http.StatusMovedPermanently)
	})
	h.route(mux, "GET /{$}", httpx.Anyone, h.cached(h.home))
	h.route(mux, "GET /c/{code}", httpx.Anyone, h.cached(h.category))
	h.route(mux, "GET /p/{id}", httpx.Anyone, h.product)
	h.route(mux, "GET /search", httpx.Anyone, h.cached(h.search))
	h.route(mux, "GET /search/suggest", httpx.Anyone, h.suggest)
	h.route(mux, "GET /login", httpx.Anyone, h.loginForm)
	h.route(mux, "POST /login", httpx.Anyone, h.login)
	h.route(mux, "POST /logout", httpx.Anyone, h.logout)
	h.route(mux, "GET /register", httpx.Anyone, h.registerForm)
	h.route(mux, "POST /register", httpx.Anyone, h.register)
	h.route(mux, "POST /lang", httpx.Anyone, h.setLang)
	h.route(mux, "GET /account", httpx.SignedIn, h.account)
	h.route(mux, "POST /account/password", httpx.SignedIn, h.changePassword)
	h.route(mux, "POST /account/tokens", httpx.SignedIn, h.createToken)
	h.route(mux, "POST /account/tokens/{id}/revoke", httpx.SignedIn, h.revokeToken)
	h.route(mux, "POST /account/org", httpx.SignedIn, h.switchOrg)
	h.route(mux, "POST /account/invites/{id}/accept", httpx.SignedIn, h.answerInvite(true))
	h.route(mux, "POST /account/invites/{id}/decline", httpx.SignedIn, h.answerInvite(false))
	h.route(mux, "GET /home", httpx.SignedIn, h.areaHome)

	h.route(mux, "GET /buyer/{$}", httpx.BuyerAny, h.buyerHome)

	h.route(mux, "GET /seller/{$}", httpx.Seller, h.sellerHome)
	h.route(mux, "GET /seller/products", httpx.Seller, h.sellerProducts)
	h.route(mux, "GET /seller/members", httpx.Seller, h.orgMembers("seller"))

	h.route(mux, "GET /admin/{$}", httpx.StaffAny, h.adminHome)
	h.route(mux, "GET /admin/orgs/{kind}", httpx.StaffAny, h.adminOrgs)
	h.route(mux, "GET /admin/staff", httpx.AdminOnly, h.adminStaff)
	h.route(mux, "POST /admin/staff", httpx.AdminOnly, h.adminCreateStaff)
	h.route(mux, "POST /admin/staff/reset", httpx.AdminOnly, h.adminResetPassword)
	h.route(mux, "GET /admin/audit", httpx.AdminOnly, h.adminAudit)

	h.registerSupplier(mux)
	h.registerCatalogEdit(mux)
	h.registerCatalogMedia(mux)
	h.registerStorefront(mux)
	h.registerFees(mux)
	h.registerSearchAdmin(mux)
	h.registerFiles(mux)
	h.registerMessages(mux)
	h.registerDeposit(mux)
	h.registerStanding(mux)
	h.registerBulk(mux)
	h.registerFreight(mux)
	h.registerSEO(mux)
	h.registerChannels(mux)
	h.registerSearchRules(mux)
	h.registerBuyer(mux)
	h.registerOrder(mux)
	h.registerPayment(mux)
	h.registerRFQ(mux)
	h.registerReorder(mux)
	h.registerFulfil(mux)
	h.registerInvoice(mux)
	h.registerNotify(mux)
	h.registerAftersale(mux)

	// Anything else is a friendly 404.
	h.route(mux, "/", httpx.Anyone, func(w http.ResponseWriter, r *http.Request) error {
		return errs.E(errs.NotFound, "err.page_not_found")
	})
}

// categories returns the category tree, cached for a few seconds.
func (h *Handler) categories(ctx context.Context) []catalog.Category {
	h.catMu.Lock()
	defer h.catMu.Unlock()
	if time.Since(h.catAt) < 30*time.Second && h.catList != nil {
		return h.catList
	}
	list, err := h.Catalog.Categories(ctx)
	if err != nil {
		slog.ErrorContext(ctx, "load categories", "err", err)
		return h.catList
	}
	h.catList, h.catAt = list, time.Now()
	return list
}
