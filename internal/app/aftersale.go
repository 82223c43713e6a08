package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/store"
)

// AftersaleEscalateEvery is how often unanswered after-sales cases are looked for.
const AftersaleEscalateEvery = time.Minute

// newAftersale wires after-sales and disputes: orders for visibility and the order's row
// lock, payments for the original provider's refund, the ledger, and the deposit for
// compensation.
func newAftersale(a *App, st *store.Store, now func() time.Time) *aftersale.Service {
	return &aftersale.Service{DB: a.DB, Store: st, Orders: a.Order, Payments: a.Payment, Ledger: a.Ledger, Deposit: a.Deposit,
		Notify: a.Notify, Blobs: st, Now: now}
}

// RegisterAftersaleJobs escalates cases the supplier left unanswered past their
// deadline to disputes, every minute, from the job table (one node at a time; each
// escalation is conditional on the case still awaiting the answer).
func (a *App) RegisterAftersaleJobs(ctx context.Context, r *jobs.Runner) {
	r.Register(aftersale.EscalateJob, func(ctx context.Context, j jobs.Job) error {
		n, err := a.Aftersale.EscalateOverdue(ctx, 500)
		if n > 0 {
			slog.InfoContext(ctx, "after-sales cases escalated", "cases", n)
		}
		if serr := r.Schedule(ctx, aftersale.EscalateJob, "tick", nil, time.Now().Add(AftersaleEscalateEvery)); serr != nil {
			return serr
		}
		if err != nil {
			slog.ErrorContext(ctx, "escalate after-sales cases", "err", err)
		}
		return nil
	})
	if err := r.Schedule(ctx, aftersale.EscalateJob, "tick", nil, time.Now().Add(30*time.Second)); err != nil {
		slog.ErrorContext(ctx, "schedule after-sales escalation", "err", err)
	}
}
