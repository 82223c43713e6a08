// Package httpx holds what the HTML and JSON edges share: the caller and language in the
// request context, the client address, request IDs, and the one mapping from error codes
// to HTTP status codes.
package httpx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Status maps an error code to its HTTP status.
func Status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.RateLimited:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

type ctxKey int

const (
	principalKey ctxKey = iota
	langKey
	requestIDKey
	timingKey
)

// WithPrincipal stores the caller in ctx.
func WithPrincipal(ctx context.Context, p *identity.Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFrom returns the caller, or nil for anonymous.
func PrincipalFrom(ctx context.Context) *identity.Principal {
	p, _ := ctx.Value(principalKey).(*identity.Principal)
	return p
}

// WithLang stores the user's language in ctx.
func WithLang(ctx context.Context, l i18n.Lang) context.Context {
	return context.WithValue(ctx, langKey, l)
}

// LangFrom returns the user's language (zh-CN by default).
func LangFrom(ctx context.Context) i18n.Lang {
	if l, ok := ctx.Value(langKey).(i18n.Lang); ok {
		return l
	}
	return i18n.ZH
}

// WithRequestID stores the request ID in ctx.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey, id)
}

// RequestID returns the request ID in ctx.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// ClientIP returns the client's address: the last X-Forwarded-For hop when behind a
// trusted proxy (the one the proxy itself appended), else the peer address.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Policy decides whether a caller may use a route. Each route names its policy once, where
// it is registered; queries then scope every object to the caller's organisation.
type Policy struct {
	Name  string
	Allow func(p *identity.Principal) bool
}

// Route policies.
var (
	Anyone    = Policy{"anyone", func(*identity.Principal) bool { return true }}
	SignedIn  = Policy{"signed-in", func(p *identity.Principal) bool { return p != nil }}
	BuyerAny  = Policy{"buyer", func(p *identity.Principal) bool { return p.Is(identity.Buyer) }}
	Seller    = Policy{"supplier", func(p *identity.Principal) bool { return p.Is(identity.Supplier) }}
	StaffAny  = Policy{"staff", func(p *identity.Principal) bool { return p.Is(identity.Platform) }}
	AdminOnly = Policy{"admin", func(p *identity.Principal) bool {
		return p.Is(identity.Platform) && p.Has(identity.Admin)
	}}
)

// StaffRoles allows platform staff holding any of roles (admins always).
func StaffRoles(roles ...identity.Role) Policy {
	return Policy{"staff:" + strings.Join(func() []string {
		s := make([]string, len(roles))
		for i, r := range roles {
			s[i] = string(r)
		}
		return s
	}(), ","), func(p *identity.Principal) bool {
		return p.Is(identity.Platform) && (p.Has(identity.Admin) || p.Has(roles...))
	}}
}

// Check returns nil when p may pass, else Unauthorized for anonymous callers or NotFound
// for signed-in callers of another kind (so areas do not reveal themselves).
func (pol Policy) Check(p *identity.Principal) error {
	if pol.Allow(p) {
		return nil
	}
	if p == nil {
		return errs.E(errs.Unauthorized, "err.login_required")
	}
	return errs.E(errs.Forbidden, "err.forbidden")
}

// Timing measures where a request's server time goes, for the Server-Timing header a
// page sends: the search's share and the rest (middleware, database, rendering).
type Timing struct {
	start  time.Time
	search atomic.Int64 // nanoseconds
}

// WithTiming starts the request's timing now.
func WithTiming(ctx context.Context) context.Context {
	return context.WithValue(ctx, timingKey, &Timing{start: time.Now()})
}

// AddSearchTime adds d to the request's search time.
func AddSearchTime(ctx context.Context, d time.Duration) {
	if t, _ := ctx.Value(timingKey).(*Timing); t != nil {
		t.search.Add(int64(d))
	}
}

// ServerTiming is the Server-Timing header value so far ("search;dur=0.31, app;dur=0.52",
// in milliseconds), or "" when the request is not timed.
func ServerTiming(ctx context.Context) string {
	t, _ := ctx.Value(timingKey).(*Timing)
	if t == nil {
		return ""
	}
	total := time.Since(t.start)
	s := time.Duration(t.search.Load())
	b := make([]byte, 0, 48)
	if s > 0 {
		b = append(b, "search;dur="...)
		b = strconv.AppendFloat(b, float64(s.Microseconds())/1000, 'f', 3, 64)
		b = append(b, ", "...)
	}
	b = append(b, "app;dur="...)
	b = strconv.AppendFloat(b, float64((total-s).Microseconds())/1000, 'f', 3, 64)
	return string(b)
}

// ClientGone reports whether err only says that the client went away (it closed the
// connection or gave up) while the request was being served: not a server failure.
func ClientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
