package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/order"
)

// OrderExpireEvery is how often unpaid orders past their deadline are looked for.
const OrderExpireEvery = time.Minute

// RegisterOrderJobs runs the payment-deadline sweep from the job table every minute: the
// job's lease makes one node at a time run it, and each cancellation is conditional on
// the order still awaiting payment, so a repeated run changes nothing.
func (a *App) RegisterOrderJobs(ctx context.Context, r *jobs.Runner) {
	r.Register(order.ExpireJob, func(ctx context.Context, j jobs.Job) error {
		n, err := a.Order.ExpireUnpaid(ctx, 500)
		if n > 0 {
			slog.InfoContext(ctx, "unpaid orders cancelled", "orders", n)
		}
		if m, rerr := a.Order.RemindUnpaid(ctx, 500); rerr != nil {
			slog.ErrorContext(ctx, "remind unpaid orders", "err", rerr)
		} else if m > 0 {
			slog.InfoContext(ctx, "buyers reminded to pay", "orders", m)
		}
		if _, cerr := a.Payment.CloseStale(ctx); cerr != nil {
			slog.ErrorContext(ctx, "close stale payments", "err", cerr)
		}
		if serr := r.Schedule(ctx, order.ExpireJob, "tick", nil, time.Now().Add(OrderExpireEvery)); serr != nil {
			return serr
		}
		if err != nil {
			slog.ErrorContext(ctx, "expire unpaid orders", "err", err)
		}
		return nil
	})
	if err := r.Schedule(ctx, order.ExpireJob, "tick", nil, time.Now().Add(30*time.Second)); err != nil {
		slog.ErrorContext(ctx, "schedule unpaid order expiry", "err", err)
	}
}
