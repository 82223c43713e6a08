// Package api serves the JSON API under /api/v1: token or session authentication, one
// error shape ({"error":{"code","message","fields"}}), strict JSON decoding, Stripe-style
// Idempotency-Key handling for creating requests, and the OpenAPI 3.1 document that tests
// hold against the real routes.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
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
	"github.com/zhuchao/zhuchao/internal/storefront"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// Deps are the API's collaborators, wired in cmd.
type Deps struct {
	Identity    *identity.Service
	Catalog     catalog.Reader
	Idempotency IdempotencyStore
	Supplier    *supplier.Service
	Deposit     *deposit.Service
	Stores      *storefront.Service
	Notify      *notify.Service
	CatalogEdit *catalog.Service
	Search      *search.Service
	Channels    *channel.Service
	Buyer       *buyer.Service
	Order       *order.Service
	Payment     *payment.Service
	RFQ         *rfq.Service
	Fulfil      *fulfil.Service
	Invoice     *invoice.Service
	Aftersale   *aftersale.Service
}

// API serves /api/v1.
type API struct {
	Deps
	// IdempotencyLock is how long a run holds its Idempotency-Key before a retry may take
	// it over (the run's node may have died): idem.Lock when 0.
	IdempotencyLock time.Duration
	routes          []Route
}

// Route is one API operation: the pattern, who may call it, and whether it takes an
// Idempotency-Key. The OpenAPI document lists exactly these.
type Route struct {
	Method     string
	Path       string // ServeMux pattern path, e.g. /api/v1/tokens/{id}
	Policy     httpx.Policy
	Idempotent bool // honours Idempotency-Key
	Doc        Doc
	handler    func(w http.ResponseWriter, r *http.Request) error
}

// Doc describes an operation for the OpenAPI document.
type Doc struct {
	ID       string // operationId
	Summary  string
	Tag      string
	Request  string  // component schema name of the body, "" for none
	Response string  // component schema name of the success body, "" for none
	Status   int     // success status
	Params   []Param // query and path parameters
}

// Param is a documented parameter.
type Param struct {
	Name, In, Type, Description string
	Required                    bool
}

// New builds the API.
func New(d Deps) *API {
	a := &API{Deps: d}
	a.add("GET", "/api/v1/me", httpx.SignedIn, false, a.me,
		Doc{ID: "getMe", Summary: "The caller: user, organisation and roles", Tag: "identity", Response: "Me", Status: 200})
	a.add("GET", "/api/v1/categories", httpx.Anyone, false, a.categories,
		Doc{ID: "listCategories", Summary: "The category tree", Tag: "catalog", Response: "CategoryList", Status: 200})
	a.add("GET", "/api/v1/tokens", httpx.SignedIn, false, a.listTokens,
		Doc{ID: "listTokens", Summary: "The caller's API tokens in this organisation", Tag: "identity", Response: "TokenList", Status: 200})
	a.add("POST", "/api/v1/tokens", httpx.SignedIn, true, a.createToken,
		Doc{ID: "createToken", Summary: "Create an API token; the secret is returned once", Tag: "identity", Request: "CreateTokenRequest", Response: "Token", Status: 201})
	a.add("DELETE", "/api/v1/tokens/{id}", httpx.SignedIn, false, a.revokeToken,
		Doc{ID: "revokeToken", Summary: "Revoke one of the caller's tokens", Tag: "identity", Status: 204,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "token ID"}}})
	a.addSupplierRoutes()
	a.addCatalogRoutes()
	a.addSearchRoutes()
	a.addChannelRoutes()
	a.addBuyerRoutes()
	a.addOrderRoutes()
	a.addReorderRoutes()
	a.addInviteRoutes()
	a.addPaymentRoutes()
	a.addRFQRoutes()
	a.addFulfilRoutes()
	a.addInvoiceRoutes()
	a.addNotifyRoutes()
	a.addAftersaleRoutes()
	return a
}

func (a *API) add(method, path string, pol httpx.Policy, idem bool, h func(http.ResponseWriter, *http.Request) error, doc Doc) {
	a.routes = append(a.routes, Route{Method: method, Path: path, Policy: pol, Idempotent: idem, Doc: doc, handler: h})
}

// Routes lists the API's operations.
func (a *API) Routes() []Route { return a.routes }

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes {
		rt := rt
		var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := rt.Policy.Check(httpx.PrincipalFrom(r.Context())); err != nil {
				WriteError(w, r, err)
				return
			}
			if p := httpx.PrincipalFrom(r.Context()); p != nil && p.User.MustChangePassword && rt.Path != "/api/v1/me" {
				WriteError(w, r, errs.E(errs.Forbidden, "err.password_change_required"))
				return
			}
			if err := rt.handler(w, r); err != nil {
				WriteError(w, r, err)
			}
		})
		if rt.Idempotent {
			h = a.idempotent(h)
		}
		mux.Handle(rt.Method+" "+rt.Path, h)
	}
	mux.HandleFunc("GET /api/v1/openapi.json", a.openapi)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, errs.E(errs.NotFound, "err.not_found"))
	})
}

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// noContent answers 204 when the operation err reports succeeded, or hands err on.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// WriteError writes err in the API's error shape, in the caller's language. Internal
// errors are logged and reported without their text.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	lang := httpx.LangFrom(r.Context())
	code := errs.CodeOf(err)
	d := errorDetail{Code: string(code), RequestID: httpx.RequestID(r.Context())}
	if e := errs.As(err); e != nil && code != errs.Internal {
		d.Message = i18n.Msg(lang, e.Msg)
		if len(e.Fields) > 0 {
			d.Fields = map[string]string{}
			for _, f := range e.Fields {
				d.Fields[f.Field] = i18n.Msg(lang, f.Msg)
			}
		}
	} else {
		if httpx.ClientGone(r, err) {
			slog.InfoContext(r.Context(), "client went away", "path", r.URL.Path) // not a server failure
		} else {
			slog.ErrorContext(r.Context(), "api request failed", "path", r.URL.Path, "err", err)
		}
		d.Message = i18n.T(lang, "err.internal")
	}
	if code == errs.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zhuchao"`)
	}
	WriteJSON(w, httpx.Status(code), errorBody{Error: d})
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		slog.Error("api: encode response", "err", err)
		http.Error(w, `{"error":{"code":"internal","message":"encode"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// MaxBody bounds a JSON request body.
const MaxBody = 1 << 20

// Decode reads a JSON body into v strictly: the content type must be JSON, unknown
// fields and trailing data are refused, and every problem names the field.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return errs.E(errs.Unsupported, "err.unsupported_media")
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		return decodeError(err)
	}
	// A NUL is refused everywhere, naming the field: PostgreSQL cannot store it in
	// text, and no field of the API has a use for it.
	if bytes.Contains(raw, []byte(`\u0000`)) {
		if field, ok := nulField(raw); ok {
			return errs.Field(field, "err.bad_chars")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "err.json_malformed", "trailing data")
	}
	return nil
}

// nulField finds the first string (or object key) of a JSON body that holds a NUL and
// names it as a field path ("lines.3.note"; "body" for the body itself).
func nulField(raw []byte) (string, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "", false // malformed: the decoder says so
	}
	join := func(path, k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	var walk func(v any, path string) (string, bool)
	walk = func(v any, path string) (string, bool) {
		switch x := v.(type) {
		case string:
			return path, strings.ContainsRune(x, 0)
		case []any:
			for i, e := range x {
				if p, ok := walk(e, join(path, strconv.Itoa(i))); ok {
					return p, true
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if strings.ContainsRune(k, 0) {
					return join(path, k), true
				}
				if p, ok := walk(x[k], join(path, k)); ok {
					return p, true
				}
			}
		}
		return "", false
	}
	p, ok := walk(v, "")
	if p == "" {
		p = "body"
	}
	return p, ok
}

func decodeError(err error) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return errs.E(errs.TooLarge, "err.body_too_large")
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "err.json_malformed", "empty body")
	case errors.As(err, &se):
		return errs.E(errs.Invalid, "err.json_malformed", fmt.Sprintf("offset %d", se.Offset))
	case errors.As(err, &te):
		// The path as the client wrote it: without the Go names of embedded structs
		// (ApplicationFields.reg_address is reg_address).
		var path []string
		for _, p := range strings.Split(te.Field, ".") {
			if p != "" && !unicode.IsUpper(rune(p[0])) {
				path = append(path, p)
			}
		}
		field := strings.Join(path, ".")
		if field == "" {
			field = "body"
		}
		return errs.Field(field, "err.json_field_type", te.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errs.Field(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "err.json_unknown_field")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "err.json_malformed", "unexpected end")
	}
	return errs.E(errs.Invalid, "err.json_malformed", "unreadable")
}
