package app

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/config"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/store"
)

// newNotify wires in-site messages with email and SMS deliveries: every message records
// the deliveries its organisation's members asked for, with a job each, in the
// transaction of the change; the job runner sends them afterwards. Log-only channels
// until ConfigureNotify sets SMTP.
func newNotify(a *App, st *store.Store, now func() time.Time) *notify.Service {
	return &notify.Service{Store: st, Now: now, DB: a.DB, Deliveries: st,
		Schedule: func(ctx context.Context, kind, key string, payload any, at time.Time) error {
			return jobs.NewRunner(st, "", now).Schedule(ctx, kind, key, payload, at)
		}}
}

// ConfigureNotify sets the email channel from cfg: SMTP when --smtp-addr is given, else
// the log-only channel. SMS stays log-only (no SMS provider adapter is built).
func (a *App) ConfigureNotify(cfg config.Config) {
	a.Notify.BaseURL = cfg.PublicURL
	if cfg.SMTPAddr != "" {
		a.Notify.Email = notify.SMTP{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUser, Password: cfg.SMTPPassword}
	}
}

// RegisterNotifyJobs sends deliveries from the job table: retried with the runner's
// backoff, marked failed after the last attempt.
func (a *App) RegisterNotifyJobs(r *jobs.Runner) {
	r.Register(notify.DeliverJob, func(ctx context.Context, j jobs.Job) error {
		var p struct{ ID string }
		if err := j.Decode(&p); err != nil {
			return jobs.Permanent(err)
		}
		return a.Notify.Deliver(ctx, p.ID, j.Attempts, j.MaxAttempts)
	})
}
