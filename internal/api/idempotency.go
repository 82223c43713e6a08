package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/idem"
)

// IdempotencyStore keeps Idempotency-Key records.
type IdempotencyStore = idem.Store

// idempotent wraps a creating route with Idempotency-Key handling. Requests without the
// header run normally.
func (a *API) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			next.ServeHTTP(w, r)
			return
		}
		if !validKey(key) {
			WriteError(w, r, errs.Field("Idempotency-Key", "err.idempotency_key"))
			return
		}
		p := httpx.PrincipalFrom(r.Context())
		if p == nil {
			WriteError(w, r, errs.E(errs.Unauthorized, "err.login_required"))
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				WriteError(w, r, errs.E(errs.TooLarge, "err.body_too_large"))
				return
			}
			WriteError(w, r, errs.E(errs.Invalid, "err.json_malformed", "unreadable"))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
		h.Write(body)
		hash := hex.EncodeToString(h.Sum(nil))
		scope := p.Org.ID + ":" + p.User.ID
		ctx := r.Context()
		lock := a.IdempotencyLock
		if lock <= 0 {
			lock = idem.Lock
		}
		rec, started, err := a.Idempotency.Begin(ctx, scope, key, hash, time.Now(), lock)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if !started {
			switch {
			case rec.RequestHash != hash:
				e := errs.E(errs.Invalid, "err.idempotency_mismatch")
				WriteError(w, r, e)
			case rec.State != idem.Done:
				WriteError(w, r, errs.E(errs.Conflict, "err.idempotency_in_flight"))
			default:
				w.Header().Set("Content-Type", rec.ContentType)
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(rec.Status)
				w.Write(rec.Body)
			}
			return
		}
		rw := &recorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				_ = a.Idempotency.Abandon(context.WithoutCancel(ctx), scope, key)
				panic(p)
			}
		}()
		next.ServeHTTP(rw, r)
		if rw.status >= 500 {
			// A server-side failure is not an answer to keep: the client may retry.
			_ = a.Idempotency.Abandon(context.WithoutCancel(ctx), scope, key)
			return
		}
		// The answer is kept even when the client has gone: its retry must find it.
		if err := a.Idempotency.Finish(context.WithoutCancel(ctx), scope, key, rw.status, rw.Header().Get("Content-Type"), withoutSecrets(rw.buf.Bytes())); err != nil {
			// The response has been sent; the record stays locked until its lock expires.
			slog.ErrorContext(ctx, "idempotency: keep response", "key", key, "err", err)
		}
	})
}

// secretFields are shown once, in the response that creates them, and never kept: a
// replay of that request answers without them (the record, not the secret).
var secretFields = []string{"secret", "initial_password"}

// withoutSecrets returns body with the secret fields of a JSON object removed; any other
// body is kept byte for byte, so replays stay identical.
func withoutSecrets(body []byte) []byte {
	if !bytes.HasPrefix(bytes.TrimSpace(body), []byte("{")) {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	found := false
	for _, f := range secretFields {
		if _, ok := m[f]; ok {
			delete(m, f)
			found = true
		}
	}
	if !found {
		return body
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return append(out, '\n')
}

func validKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// recorder passes a response through while keeping a copy for replays.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.buf.Write(b)
	return r.ResponseWriter.Write(b)
}
