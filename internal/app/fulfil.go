package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/jobs"
)

// FulfilSweepEvery is how often receipts past their inspection window are confirmed and
// due releases made.
const FulfilSweepEvery = time.Minute

func (a *App) newFulfil(now func() time.Time) *fulfil.Service {
	return &fulfil.Service{DB: a.DB, Store: a.Store, Orders: a.Order, Ledger: a.Ledger, Messages: a.Notify, Audit: a.Store, Now: now}
}

// ConfigureFulfil sets the inspection window and, when configured, Kuaidi100 tracking.
func (a *App) ConfigureFulfil(cfg config.Config) {
	a.Fulfil.InspectDays = cfg.InspectDays
	if cfg.Kuaidi100Key == "" || cfg.Kuaidi100Customer == "" {
		a.Fulfil.Tracker = nil
		return
	}
	client := &http.Client{Timeout: 20 * time.Second}
	a.Fulfil.Tracker = &fulfil.Kuaidi100{Customer: cfg.Kuaidi100Customer, Key: cfg.Kuaidi100Key, Now: a.Fulfil.Now,
		CallbackBase: strings.TrimRight(cfg.PublicURL, "/") + "/api/v1/tracking/kuaidi100/",
		Post: func(ctx context.Context, endpoint string, form url.Values) ([]byte, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return nil, fmt.Errorf("kuaidi100: HTTP %d", res.StatusCode)
			}
			return io.ReadAll(io.LimitReader(res.Body, 1<<20))
		}}
}

// RegisterFulfilJobs runs the fulfilment sweep from the job table every minute:
// confirming receipt past the inspection window (orders with holds wait) and releasing
// received orders whose hold was lifted or whose problem grace ended. Every step is
// conditional on the order's state, so a repeated run changes nothing more.
func (a *App) RegisterFulfilJobs(ctx context.Context, r *jobs.Runner) {
	r.Register(fulfil.SweepJob, func(ctx context.Context, j jobs.Job) error {
		c, rel, err := a.Fulfil.Sweep(ctx)
		if c > 0 || rel > 0 {
			slog.InfoContext(ctx, "fulfilment sweep", "auto_confirmed", c, "released", rel)
		}
		if serr := r.Schedule(ctx, fulfil.SweepJob, "tick", nil, time.Now().Add(FulfilSweepEvery)); serr != nil {
			return serr
		}
		if err != nil {
			slog.ErrorContext(ctx, "fulfilment sweep", "err", err)
		}
		return nil
	})
	if err := r.Schedule(ctx, fulfil.SweepJob, "tick", nil, time.Now().Add(45*time.Second)); err != nil {
		slog.ErrorContext(ctx, "schedule fulfilment sweep", "err", err)
	}
}
