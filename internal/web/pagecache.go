package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/search"
)

// The storefront's list pages (home, search, category, store) are the same for every
// anonymous visitor who asks for the same URL in the same language, until the search
// index changes. Popular searches repeat all day, so such pages are kept rendered for a
// short while: a repeat costs a map lookup instead of a search and a template run. The
// search is still logged on every view; the log ID in the result links (click
// attribution) is filled in per view.
const (
	pageCacheTTL     = 30 * time.Second
	pageCacheEntries = 1024      // at most 128 MiB of pages, typically a tenth of that
	pageCacheMaxBody = 128 << 10 // bigger pages are rendered each time
)

// logIDMark stands for the search log ID inside a kept page (log IDs are hex).
var logIDMark = []byte("zzzzzzzzzzzzzzzz")

type cachedPage struct {
	gen  uint64
	at   time.Time
	lang i18n.Lang
	body []byte
	log  *search.LogEntry // the search to log on each view, if the page ran one
}

// cacheSlot collects, during one request, what the page cache keeps of it.
type cacheSlot struct {
	body []byte
	lang i18n.Lang
	log  *search.LogEntry
}

type cacheSlotKey struct{}

func slotFrom(ctx context.Context) *cacheSlot {
	s, _ := ctx.Value(cacheSlotKey{}).(*cacheSlot)
	return s
}

func newPageCache() *lru.Cache[string, *cachedPage] {
	c, err := lru.New[string, *cachedPage](pageCacheEntries)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return c
}

// cached serves fn's page from the page cache when the request may share one.
func (h *Handler) cached(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		key, ok := h.pageCacheKey(r)
		if !ok {
			return fn(w, r)
		}
		gen := h.Search.Index.Generation()
		// A hard reload (Cache-Control: no-cache) renders afresh and refreshes the page kept.
		fresh := strings.Contains(r.Header.Get("Cache-Control"), "no-cache")
		if e, hit := h.pages.Get(key); hit && !fresh && e.gen == gen && time.Since(e.at) < pageCacheTTL {
			body := e.body
			if e.log != nil {
				le := *e.log
				le.ID, le.At = search.NewLogID(), time.Now()
				h.Search.Record(le)
				body = bytes.ReplaceAll(body, logIDMark, []byte(le.ID))
			}
			writeHTML(w, r, http.StatusOK, e.lang, body)
			return nil
		}
		slot := &cacheSlot{}
		if err := fn(w, r.WithContext(context.WithValue(r.Context(), cacheSlotKey{}, slot))); err != nil {
			return err
		}
		if slot.body == nil || len(slot.body) > pageCacheMaxBody {
			return nil
		}
		e := &cachedPage{gen: gen, at: time.Now(), lang: slot.lang, body: slot.body, log: slot.log}
		if e.log != nil {
			e.body = bytes.ReplaceAll(e.body, []byte(e.log.ID), logIDMark)
		}
		h.pages.Add(key, e)
		return nil
	}
}

// pageCacheKey says whether r may be served a kept page, and under which key: only GETs
// from anonymous visitors with nothing waiting for them in their session.
func (h *Handler) pageCacheKey(r *http.Request) (string, bool) {
	if r.Method != http.MethodGet || h.Search == nil || h.pages == nil || httpx.PrincipalFrom(r.Context()) != nil {
		return "", false
	}
	if h.sessions != nil && h.sessions.Exists(r.Context(), "flash") {
		return "", false
	}
	key := string(httpx.LangFrom(r.Context())) + "|" + r.Header.Get("HX-Request") + "|" + r.URL.RequestURI()
	if h.site.PublicURL == "" {
		// Links on the page then follow the request's host: a page asked for under one
		// host must never be served to another.
		key = r.Host + "|" + key
	}
	return key, true
}

// writeHTML sends a rendered page.
func writeHTML(w http.ResponseWriter, r *http.Request, status int, lang i18n.Lang, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if httpx.PrincipalFrom(r.Context()) == nil {
		// Anonymous pages may be kept for the back button (bfcache), never by proxies as is.
		w.Header().Set("Cache-Control", "no-cache, no-transform")
	} else {
		w.Header().Set("Cache-Control", "private, no-store, no-transform")
	}
	w.Header().Set("Content-Language", string(lang))
	// One URL serves Chinese or English by cookie (Vary: Cookie comes with the session)
	// or by Accept-Language.
	w.Header().Add("Vary", "Accept-Language")
	if st := httpx.ServerTiming(r.Context()); st != "" {
		w.Header().Set("Server-Timing", st)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
