package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/seo"
)

// SEOPushJob is the job kind that feeds changed URLs to Baidu's link submission.
const SEOPushJob = "seo.push"

// SEOPushEvery is how often the push queue is worked.
const SEOPushEvery = time.Minute

// SEOPusher returns the Baidu link pusher for cfg, or nil when no token is configured
// (the push is off).
func (a *App) SEOPusher(cfg config.Config, node string, now func() time.Time) *seo.Pusher {
	if cfg.BaiduPushToken == "" {
		return nil
	}
	site := cfg.BaiduPushSite
	if site == "" {
		site = cfg.PublicURL
	}
	return &seo.Pusher{
		Store:  a.Store,
		Client: &seo.Baidu{Endpoint: cfg.BaiduPushEndpoint, Site: site, Token: cfg.BaiduPushToken, HTTP: &http.Client{Timeout: 30 * time.Second}},
		Base:   cfg.PublicURL,
		Now:    now,
		Claim:  node,
	}
}

// RegisterSEOPush runs the pusher from the job table every minute when it is on: the
// job's lease makes one node at a time work the queue.
func (a *App) RegisterSEOPush(ctx context.Context, r *jobs.Runner, cfg config.Config) {
	p := a.SEOPusher(cfg, r.Node, time.Now)
	if p == nil {
		return
	}
	r.Register(SEOPushJob, func(ctx context.Context, j jobs.Job) error {
		rep, err := p.Run(ctx)
		if rep.Calls > 0 || rep.Queued > 0 {
			slog.InfoContext(ctx, "baidu push", "queued", rep.Queued, "pushed", rep.Pushed, "rejected", rep.Rejected, "retried", rep.Retried, "quota_used_up", rep.Quota)
		}
		if serr := r.Schedule(ctx, SEOPushJob, "tick", nil, time.Now().Add(SEOPushEvery)); serr != nil {
			return serr
		}
		// The next tick is scheduled either way; a failure is logged, not retried twice.
		if err != nil {
			slog.ErrorContext(ctx, "baidu push", "err", err)
		}
		return nil
	})
	if err := r.Schedule(ctx, SEOPushJob, "tick", nil, time.Now().Add(10*time.Second)); err != nil {
		slog.ErrorContext(ctx, "schedule baidu push", "err", err)
	}
}
