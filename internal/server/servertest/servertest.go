// Package servertest starts the whole HTTP edge over a fresh test database with a small
// fixture of organisations and people, and gives tests a cookie-keeping client per user.
package servertest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/deposit"

	"github.com/zhuchao/zhuchao/internal/app"

	"github.com/alexedwards/argon2id"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/server"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/web"
)

// Password is every fixture user's password.
const Password = "test-pass-123"

// Env is a running test server with its fixture.
type Env struct {
	T        testing.TB
	DB       *db.DB
	App      *app.App
	Store    *store.Store
	Identity *identity.Service
	Server   *httptest.Server
	Site     *server.Server            // the handlers behind Server, for tests that walk every route
	Orgs     map[string]*identity.Org  // by fixture name: platform, buyerA, buyerB, supplierX, supplierY
	Users    map[string]*identity.User // by username
	Products map[string]string         // fixture product IDs by supplier fixture name
}

// CheapParams keeps password hashing fast in tests; production uses argon2id's defaults.
var CheapParams = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// Reindex applies pending catalogue changes to the search index, as the running
// server's outbox poller would within a fraction of a second.
func (e *Env) Reindex() {
	e.T.Helper()
	if err := e.App.Search.Sync(context.Background()); err != nil {
		e.T.Fatal(err)
	}
}

// Start builds the server over d with the fixture.
func Start(t testing.TB, d *db.DB) *Env {
	t.Helper()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx := context.Background()
	a := app.New(d, time.Now)
	a.Identity.Params = CheapParams
	st, ids := a.Store, a.Identity
	e := &Env{T: t, DB: d, App: a, Store: st, Identity: ids, Orgs: map[string]*identity.Org{}, Users: map[string]*identity.User{}, Products: map[string]string{}}
	e.fixture(ctx)
	a.Search.EnableLog()
	if err := a.Search.Build(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.LogLevel = "error"
	s, err := a.Server(cfg, web.Site{Name: "筑巢测试", ICP: "京ICP备00000000号-1"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	e.Site = s
	e.Server = httptest.NewServer(s.Handler())
	t.Cleanup(e.Server.Close)
	return e
}

func (e *Env) fixture(ctx context.Context) {
	t := e.T
	hash, err := argon2id.CreateHash(Password, CheapParams)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err = e.DB.WithTx(ctx, func(ctx context.Context) error {
		org := func(key string, kind identity.OrgKind, name string) error {
			o := &identity.Org{Kind: kind, Name: name, Status: "active", CreatedAt: now, UpdatedAt: now}
			e.Orgs[key] = o
			return e.Store.CreateOrg(ctx, o)
		}
		user := func(username, org string, roles ...identity.Role) error {
			u := &identity.User{Username: username, DisplayName: username, PasswordHash: hash, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
			if err := e.Store.CreateUser(ctx, u); err != nil {
				return err
			}
			e.Users[username] = u
			for _, r := range roles {
				if err := e.Store.AddRole(ctx, e.Orgs[org].ID, u.ID, r, now); err != nil {
					return err
				}
			}
			return nil
		}
		steps := []func() error{
			func() error { return org("platform", identity.Platform, "筑巢平台") },
			func() error { return org("buyerA", identity.Buyer, "甲采购有限公司") },
			func() error { return org("buyerB", identity.Buyer, "乙采购有限公司") },
			func() error { return org("supplierX", identity.Supplier, "X紧固件有限公司") },
			func() error { return org("supplierY", identity.Supplier, "Y轴承有限公司") },
			func() error { return user("admin", "platform", identity.Admin) },
			func() error { return user("ops", "platform", identity.OpsManager) },
			func() error { return user("kefu", "platform", identity.CustomerService) },
			func() error { return user("buyera", "buyerA", identity.Owner) },
			func() error { return user("buyerb", "buyerB", identity.Owner) },
			func() error { return user("caigoua", "buyerA", identity.Purchaser) },
			func() error { return user("supplierx", "supplierX", identity.Owner) },
			func() error { return user("suppliery", "supplierY", identity.Owner) },
		}
		for _, s := range steps {
			if err := s(); err != nil {
				return err
			}
		}
		cat := &catalog.Category{Code: "fasteners", NameZH: "紧固件", NameEN: "Fasteners", Depth: 0, Path: "/fasteners/"}
		if err := e.Store.AddCategory(ctx, cat); err != nil {
			return err
		}
		if err := e.Store.AddAttribute(ctx, &catalog.Attribute{CategoryID: cat.ID, Code: "thread", NameZH: "螺纹规格", NameEN: "Thread", Kind: catalog.Enum, Filterable: true, Sales: true}); err != nil {
			return err
		}
		for _, sup := range []string{"supplierX", "supplierY"} {
			p := &catalog.Product{SupplierID: e.Orgs[sup].ID, CategoryID: cat.ID, Title: sup + " 外六角螺栓 M8", Name: "外六角螺栓", Status: catalog.StatusOnSale,
				Attrs: []catalog.Value{{Code: "thread", Text: "M8"}}}
			k := &catalog.SKU{Code: "BOLT-M8", Price: 1500, Tiers: []catalog.Tier{{MinQty: 100, UnitPrice: 1500}, {MinQty: 1000, UnitPrice: 1200}}, MOQ: 100, Multiple: 100, Unit: "件", Stock: 5000}
			if err := e.Store.AddProduct(ctx, p, []*catalog.SKU{k}); err != nil {
				return err
			}
			e.Products[sup] = p.ID
		}
		return nil
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	// Both suppliers have paid their deposits, so their stores are live.
	admin, err := e.Identity.Principal(ctx, e.Users["admin"].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, sup := range []string{"supplierX", "supplierY"} {
		if _, err := e.App.Deposit.RecordPayment(ctx, admin, deposit.Payment{SupplierID: e.Orgs[sup].ID, Amount: deposit.DefaultRequired, Ref: "fixture-" + sup, BankDetails: "fixture"}); err != nil {
			t.Fatalf("fixture deposit: %v", err)
		}
	}
}

// Client is a browser-like client: it keeps cookies and does not follow redirects.
type Client struct {
	*http.Client
	env  *Env
	Lang string
}

// NewClient returns an anonymous client.
func (e *Env) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{env: e, Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Login returns a client signed in as username; it fails the test otherwise.
func (e *Env) Login(username string) *Client {
	e.T.Helper()
	c := e.NewClient()
	res := c.PostForm("/login", url.Values{"login": {username}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d: %s", username, res.StatusCode, res.Body)
	}
	return c
}

// Response is a read response.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

// Do sends a request with optional headers (pairs of name, value).
func (c *Client) Do(method, path, contentType, body string, headers ...string) *Response {
	c.env.T.Helper()
	req, err := http.NewRequest(method, c.env.Server.URL+path, strings.NewReader(body))
	if err != nil {
		c.env.T.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := c.Client.Do(req)
	if err != nil {
		c.env.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string, headers ...string) *Response {
	return c.Do("GET", path, "", "", headers...)
}

// PostForm posts a form.
func (c *Client) PostForm(path string, v url.Values, headers ...string) *Response {
	return c.Do("POST", path, "application/x-www-form-urlencoded", v.Encode(), headers...)
}

// JSON sends a JSON body.
func (c *Client) JSON(method, path, body string, headers ...string) *Response {
	return c.Do(method, path, "application/json", body, headers...)
}
