// Package server composes the HTTP edge: the pages, the JSON API and the operations
// endpoints behind one middleware chain (request IDs, logs, panics, security headers,
// metrics, sessions, the caller and their language), and runs it with graceful shutdown.
package server

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/alexedwards/scs/v2"
	"github.com/klauspost/compress/gzhttp"

	"github.com/zhuchao/zhuchao/internal/api"
	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/web"
)

// Server is the assembled HTTP edge.
type Server struct {
	Config   config.Config
	DB       *db.DB
	Identity *identity.Service
	Sessions *scs.SessionManager
	Web      *web.Handler
	API      *api.API
	Version  string
	mux      *http.ServeMux
	handler  http.Handler
}

// NewSessions returns the session manager: database-backed, so any node serves any
// request; HttpOnly, SameSite=Lax, Secure behind https.
func NewSessions(store scs.Store, cfg config.Config) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Lifetime = cfg.SessionLifetime
	sm.IdleTimeout = 0
	sm.Cookie.Name = "zc_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies()
	sm.Cookie.Path = "/"
	return sm
}

// Build registers the routes and the middleware chain.
func (s *Server) Build() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		metrics.WritePrometheus(w, true)
	})
	// robots.txt and the sitemaps are the web edge's (internal/web/seo.go).
	s.API.Register(mux)
	s.Web.Register(mux)
	s.mux = mux

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errs.E(errs.Forbidden, "err.cross_origin"))
	}))
	var h http.Handler = mux
	h = s.identify(h)
	h = s.Sessions.LoadAndSave(h)
	h = cop.Handler(h)
	h = s.language(h)
	h = securityHeaders(h, s.Config.SecureCookies())
	h = compress(h)
	h = s.observe(h)
	s.handler = h
	return h
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.DB.Ping(ctx); err != nil {
		slog.ErrorContext(r.Context(), "healthz", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `{"status":"unavailable","database":%q}`+"\n", string(s.DB.Engine))
		return
	}
	fmt.Fprintf(w, `{"status":"ok","database":%q,"version":%q}`+"\n", string(s.DB.Engine), s.Version)
}

// fail answers an error in the edge's format: JSON under /api/, a page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		api.WriteError(w, r, err)
		return
	}
	lang := httpx.LangFrom(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	code := errs.CodeOf(err)
	w.WriteHeader(httpx.Status(code))
	if e := errs.As(err); e != nil && code != errs.Internal {
		fmt.Fprintln(w, i18n.Msg(lang, e.Msg))
		return
	}
	fmt.Fprintln(w, i18n.T(lang, "err.internal"))
}

// identify resolves the caller from a bearer token or the session, once per request.
func (s *Server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var p *identity.Principal
		if authz := r.Header.Get("Authorization"); authz != "" {
			secret, ok := strings.CutPrefix(authz, "Bearer ")
			if !ok {
				s.fail(w, r, errs.E(errs.Unauthorized, "err.token_invalid"))
				return
			}
			var err error
			if p, err = s.Identity.Authenticate(ctx, strings.TrimSpace(secret)); err != nil {
				s.fail(w, r, err)
				return
			}
		} else if uid := s.Sessions.GetString(ctx, web.SessionUser); uid != "" {
			var err error
			p, err = s.Identity.Principal(ctx, uid, s.Sessions.GetString(ctx, web.SessionOrg))
			if err != nil {
				if errs.CodeOf(err) == errs.Internal {
					s.fail(w, r, err)
					return
				}
				// The user was disabled or removed: the session ends.
				_ = s.Sessions.Destroy(ctx)
				p = nil
			}
		}
		if p != nil {
			ctx = httpx.WithPrincipal(ctx, p)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// language picks the user's language: the lang cookie, then Accept-Language, then zh-CN.
func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := i18n.ZH
		if c, err := r.Cookie("lang"); err == nil {
			l = i18n.Parse(c.Value)
		} else if al := r.Header.Get("Accept-Language"); al != "" {
			l = i18n.Parse(al)
		}
		next.ServeHTTP(w, r.WithContext(httpx.WithLang(r.Context(), l)))
	})
}

func securityHeaders(next http.Handler, tls bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if tls {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an ID, logs it as JSON, counts it, and turns a panic into a
// logged 500 instead of a dropped connection.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 || strings.ContainsAny(id, "\r\n\"") {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		ip := httpx.ClientIP(r, s.Config.TrustProxy)
		ctx := httpx.WithRequestID(httpx.WithTiming(r.Context()), id)
		ctx = audit.WithMeta(ctx, audit.Meta{IP: ip, UserAgent: r.UserAgent(), RequestID: id})
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				slog.ErrorContext(ctx, "panic", "request_id", id, "path", r.URL.Path, "panic", fmt.Sprint(p))
				if sw.status == 0 {
					s.fail(sw, r.WithContext(ctx), errors.New("panic"))
				}
			}
			d := time.Since(start)
			route := s.routeLabel(r)
			metrics.GetOrCreateHistogram(fmt.Sprintf(`zhuchao_http_request_duration_seconds{route=%q}`, route)).Update(d.Seconds())
			metrics.GetOrCreateCounter(fmt.Sprintf(`zhuchao_http_requests_total{route=%q,code="%d"}`, route, sw.status)).Inc()
			level := slog.LevelInfo
			if sw.status >= 500 {
				level = slog.LevelError
			}
			slog.Log(ctx, level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status,
				"bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000, "ip", ip)
		}()
		next.ServeHTTP(sw, r.WithContext(ctx))
	})
}

// routeLabel is the request's route pattern, so metrics do not grow per URL.
func (s *Server) routeLabel(r *http.Request) string {
	if _, p := s.mux.Handler(r); p != "" {
		return p
	}
	return "unmatched"
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler returns the built handler chain.
func (s *Server) Handler() http.Handler {
	if s.handler == nil {
		s.Build()
	}
	return s.handler
}

// Run serves on ln until ctx ends, then drains in-flight requests within the timeout.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if s.handler == nil {
		s.Build()
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go s.sweep(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down", "grace", s.Config.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.Config.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(sctx)
}

// sweep deletes expired sessions and idempotency keys now and then; any node may.
func (s *Server) sweep(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if st, ok := s.Sessions.Store.(interface{ Sweep(context.Context) error }); ok {
				if err := st.Sweep(ctx); err != nil {
					slog.Warn("sweep sessions", "err", err)
				}
			}
			if s.API.Idempotency != nil {
				if err := s.API.Idempotency.Purge(ctx, time.Now().Add(-24*time.Hour)); err != nil {
					slog.Warn("sweep idempotency keys", "err", err)
				}
			}
		}
	}
}

// compress gzips (or zstd-compresses, for browsers that ask) text responses over 1 KiB:
// pages, CSS, JS, JSON and XML.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.CompressionLevel(gzip.DefaultCompression))
	if err != nil {
		panic(err) // the options are constants
	}
	return wrap(next)
}
