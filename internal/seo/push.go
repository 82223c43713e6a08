package seo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

var (
	pushedURLs   = metrics.NewCounter(`zhuchao_seo_push_urls_total{result="pushed"}`)
	rejectedURLs = metrics.NewCounter(`zhuchao_seo_push_urls_total{result="rejected"}`)
	retriedURLs  = metrics.NewCounter(`zhuchao_seo_push_urls_total{result="retry"}`)
	quotaStops   = metrics.NewCounter(`zhuchao_seo_push_quota_exhausted_total`)
)

// Baidu's link submission (普通收录): POST text/plain, one URL a line, at most 2,000 a
// call, answered with how many were taken and how many more the site may send today.
const (
	BaiduEndpoint = "http://data.zz.baidu.com/urls"
	MaxPushBatch  = 2000
)

// PushResult is Baidu's answer to a submission.
type PushResult struct {
	Success     int      `json:"success"`
	Remain      int      `json:"remain"`
	NotSameSite []string `json:"not_same_site"`
	NotValid    []string `json:"not_valid"`
}

// Errors a PushClient returns, so the queue knows what to do with the batch.
var (
	// ErrQuota: the day's quota is used up; the batch waits for tomorrow.
	ErrQuota = errors.New("seo: push quota exhausted for today")
	// ErrRejected: the request itself was refused (bad token, wrong site); retrying the
	// same batch cannot help until the configuration changes.
	ErrRejected = errors.New("seo: push refused")
)

// PushClient submits URLs to a search engine.
type PushClient interface {
	Push(ctx context.Context, urls []string) (PushResult, error)
}

// Baidu is the PushClient for Baidu's link submission API.
type Baidu struct {
	Endpoint string // BaiduEndpoint unless a test overrides it
	Site     string // the site as verified in 百度搜索资源平台, e.g. https://www.example.cn
	Token    string
	HTTP     *http.Client
}

// Push sends one batch. Transport failures and 5xx answers are returned as plain
// errors (worth retrying); a used-up quota as ErrQuota; other refusals as ErrRejected.
func (b *Baidu) Push(ctx context.Context, urls []string) (PushResult, error) {
	var res PushResult
	if len(urls) == 0 || len(urls) > MaxPushBatch {
		return res, fmt.Errorf("seo: push batch of %d URLs (1 to %d)", len(urls), MaxPushBatch)
	}
	ep := b.Endpoint
	if ep == "" {
		ep = BaiduEndpoint
	}
	q := url.Values{"site": {b.Site}, "token": {b.Token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep+"?"+q.Encode(), strings.NewReader(strings.Join(urls, "\n")))
	if err != nil {
		return res, fmt.Errorf("seo: push: %w", err)
	}
	req.Header.Set("Content-Type", "text/plain")
	hc := b.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL carries the token: keep it out of logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return res, fmt.Errorf("seo: push: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return res, fmt.Errorf("seo: push: read answer: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &res); err != nil {
			return res, fmt.Errorf("seo: push: answer is not JSON: %w", err)
		}
		return res, nil
	}
	var e struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return res, fmt.Errorf("seo: push: %d %s", resp.StatusCode, e.Message)
	case strings.Contains(e.Message, "quota"):
		return res, fmt.Errorf("%w (%s)", ErrQuota, e.Message)
	default:
		return res, fmt.Errorf("%w: %d %s", ErrRejected, resp.StatusCode, e.Message)
	}
}

// Change is a catalogue change from the outbox: topic product, supplier or catalog and
// the ID of what changed.
type Change struct {
	Topic string
	ID    string
}

// Queued is a URL waiting in the push queue.
type Queued struct {
	URL      string
	Attempts int
}

// PushState is the queue's shared state: how far it has read the outbox and what it
// knows of today's quota.
type PushState struct {
	Cursor       int64     // last outbox sequence turned into URLs
	QuotaDay     string    // the day (Asia/Shanghai, 2006-01-02) Remain is for
	Remain       int       // URLs Baidu still takes on QuotaDay
	BlockedUntil time.Time // after a refusal (bad token), the queue rests until then
}

// PushStore keeps the push queue. Methods are safe to call from several nodes at once.
type PushStore interface {
	// PushState returns the state, creating it at the outbox's current end the first
	// time (the sitemaps already cover what existed before the push was turned on).
	PushState(ctx context.Context, now time.Time) (PushState, error)
	// SavePushQuota records the quota as last seen, and BlockedUntil.
	SavePushQuota(ctx context.Context, st PushState) error
	// Changes returns up to limit changes after the cursor and the sequence of the last.
	Changes(ctx context.Context, after int64, limit int) ([]Change, int64, error)
	// ListedPaths maps changes to the paths of pages that are public now (a product on
	// sale in a live store, a live store, an active category); others are dropped.
	ListedPaths(ctx context.Context, cs []Change) ([]string, error)
	// EnqueuePush queues urls (again) as due at now and moves the cursor forward to
	// cursor, in one transaction.
	EnqueuePush(ctx context.Context, urls []string, cursor int64, now time.Time) error
	// ClaimPush takes up to limit due URLs for this caller until now+lease.
	ClaimPush(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]Queued, error)
	// PushDone removes the claim's URLs that are still under it (a URL queued again
	// while it was in flight stays queued).
	PushDone(ctx context.Context, claim string) error
	// PushLater puts the claim's URLs back at at; failed counts an attempt and records
	// why, and a URL reaching maxAttempts is marked failed for good.
	PushLater(ctx context.Context, claim string, at time.Time, failed bool, reason string, maxAttempts int) error
	// PushRejected marks URLs of the claim the engine refused (not valid, not the same
	// site) with reason; they leave the claim.
	PushRejected(ctx context.Context, claim string, urls []string, reason string) error
}

// Pusher moves changed URLs from the outbox into a durable queue and pushes them to a
// search engine in batches, within the daily quota, retrying failures with backoff.
type Pusher struct {
	Store  PushStore
	Client PushClient
	Base   string // absolute public URL, no trailing slash
	Now    func() time.Time
	// Batch is the most URLs a call carries (MaxPushBatch when 0).
	Batch int
	// MaxAttempts before a URL is given up (10 when 0).
	MaxAttempts int
	// Backoff is the first retry delay (1 minute when 0); it doubles up to 6 hours.
	Backoff time.Duration
	// Lease is how long a claimed batch is reserved (5 minutes when 0).
	Lease time.Duration
	// Claim names this node's claims.
	Claim string
	Log   *slog.Logger
}

// Report is what one Run did.
type Report struct {
	Queued   int
	Pushed   int
	Rejected int
	Retried  int
	Calls    int
	Quota    bool // stopped because the day's quota is used
}

func (p *Pusher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Pusher) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

func (p *Pusher) batch() int {
	if p.Batch <= 0 || p.Batch > MaxPushBatch {
		return MaxPushBatch
	}
	return p.Batch
}

// randHex names one claim, so that a claim left by a crashed run is never mistaken
// for a new one.
func randHex() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Day is the quota day of t: Baidu's quota resets at midnight Beijing time.
func Day(t time.Time) string { return t.In(shanghai).Format("2006-01-02") }

// nextDay is the start of the day after t in Beijing time.
func nextDay(t time.Time) time.Time {
	y, m, d := t.In(shanghai).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, shanghai)
}

// backoff is the delay after the n-th failed attempt.
func (p *Pusher) backoff(n int) time.Duration {
	d := p.Backoff
	if d <= 0 {
		d = time.Minute
	}
	for i := 1; i < n && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

// Ingest turns outbox changes after the cursor into queued URLs.
func (p *Pusher) Ingest(ctx context.Context) (int, error) {
	st, err := p.Store.PushState(ctx, p.now())
	if err != nil {
		return 0, err
	}
	total := 0
	cursor := st.Cursor
	for range 20 { // bounded per run; the rest waits for the next
		cs, last, err := p.Store.Changes(ctx, cursor, 1000)
		if err != nil {
			return total, err
		}
		if len(cs) == 0 {
			break
		}
		paths, err := p.Store.ListedPaths(ctx, cs)
		if err != nil {
			return total, err
		}
		urls := make([]string, 0, len(paths))
		for _, path := range paths {
			urls = append(urls, Abs(p.Base, path))
		}
		if err := p.Store.EnqueuePush(ctx, urls, last, p.now()); err != nil {
			return total, err
		}
		total += len(urls)
		cursor = last
	}
	return total, nil
}

// Run ingests new changes and pushes due URLs until the queue has none due, the
// quota is used, or a few batches have gone (the next run continues).
func (p *Pusher) Run(ctx context.Context) (Report, error) {
	var rep Report
	n, err := p.Ingest(ctx)
	rep.Queued = n
	if err != nil {
		return rep, err
	}
	maxAttempts := p.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 10
	}
	lease := p.Lease
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	for range 10 {
		now := p.now()
		st, err := p.Store.PushState(ctx, now)
		if err != nil {
			return rep, err
		}
		if now.Before(st.BlockedUntil) {
			return rep, nil
		}
		limit := p.batch()
		if st.QuotaDay == Day(now) {
			if st.Remain <= 0 {
				rep.Quota = true
				return rep, nil
			}
			limit = min(limit, st.Remain)
		}
		claim := p.Claim + "-" + randHex()
		claimed, err := p.Store.ClaimPush(ctx, claim, now, lease, limit)
		if err != nil || len(claimed) == 0 {
			return rep, err
		}
		urls := make([]string, len(claimed))
		for i, q := range claimed {
			urls[i] = q.URL
		}
		rep.Calls++
		res, perr := p.Client.Push(ctx, urls)
		switch {
		case errors.Is(perr, ErrQuota):
			rep.Quota = true
			quotaStops.Inc()
			p.log().WarnContext(ctx, "baidu push: quota used up for today", "waiting", len(urls))
			if err := p.Store.PushLater(ctx, claim, nextDay(now), false, "", maxAttempts); err != nil {
				return rep, err
			}
			return rep, p.Store.SavePushQuota(ctx, PushState{QuotaDay: Day(now), Remain: 0})
		case errors.Is(perr, ErrRejected):
			p.log().ErrorContext(ctx, "baidu push refused: check --baidu-push-token and --baidu-push-site", "err", perr)
			if err := p.Store.PushLater(ctx, claim, now.Add(time.Hour), false, "", maxAttempts); err != nil {
				return rep, err
			}
			return rep, p.Store.SavePushQuota(ctx, PushState{QuotaDay: st.QuotaDay, Remain: st.Remain, BlockedUntil: now.Add(time.Hour)})
		case perr != nil:
			rep.Retried += len(urls)
			retriedURLs.Add(len(urls))
			p.log().WarnContext(ctx, "baidu push failed; will retry", "err", perr, "urls", len(urls))
			at := now.Add(p.backoff(claimed[0].Attempts + 1))
			return rep, p.Store.PushLater(ctx, claim, at, true, Clip(perr.Error(), 500), maxAttempts)
		}
		bad := map[string]string{}
		for _, u := range res.NotValid {
			bad[u] = "not_valid"
		}
		for _, u := range res.NotSameSite {
			bad[u] = "not_same_site"
		}
		ok := 0
		var notValid, notSame []string
		for _, u := range urls {
			switch bad[u] {
			case "not_valid":
				notValid = append(notValid, u)
			case "not_same_site":
				notSame = append(notSame, u)
			default:
				ok++
			}
		}
		if len(notValid)+len(notSame) > 0 {
			p.log().WarnContext(ctx, "baidu push: URLs refused", "not_valid", len(notValid), "not_same_site", len(notSame))
		}
		if err := p.Store.PushRejected(ctx, claim, notValid, "not_valid"); err != nil {
			return rep, err
		}
		if err := p.Store.PushRejected(ctx, claim, notSame, "not_same_site"); err != nil {
			return rep, err
		}
		if err := p.Store.PushDone(ctx, claim); err != nil {
			return rep, err
		}
		rep.Pushed += ok
		rep.Rejected += len(notValid) + len(notSame)
		pushedURLs.Add(ok)
		rejectedURLs.Add(len(notValid) + len(notSame))
		if err := p.Store.SavePushQuota(ctx, PushState{QuotaDay: Day(now), Remain: res.Remain}); err != nil {
			return rep, err
		}
		if res.Remain <= 0 {
			rep.Quota = true
			return rep, nil
		}
	}
	return rep, nil
}
