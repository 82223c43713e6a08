package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/rfq"
	"github.com/zhuchao/zhuchao/internal/store"
)

// RFQExpireEvery is how often request deadlines and quote validity are looked at.
const RFQExpireEvery = time.Minute

// newRFQ wires the RFQ service: orders through the order service (same approval rules
// and numbering as checkout), addresses through the buyer service, supplier standing
// for the comparison.
func newRFQ(a *App, st *store.Store, now func() time.Time) *rfq.Service {
	return &rfq.Service{DB: a.DB, Store: st, Orders: a.Order, Addresses: a.Buyer, Blobs: st, Notify: a.Notify, Now: now,
		Standing: func(ctx context.Context, supplierID string) (int, bool, bool) {
			s, err := a.Standing.Of(ctx, supplierID, now())
			if err != nil {
				return 0, false, false
			}
			return s.Level, s.Badges.Zhu, s.Badges.Bao
		}}
}

// RegisterRFQJobs closes requests at their deadline and expires quotes past their
// validity every minute, from the job table (one node at a time; each move is
// conditional, so a repeated run changes nothing).
func (a *App) RegisterRFQJobs(ctx context.Context, r *jobs.Runner) {
	r.Register(rfq.ExpireJob, func(ctx context.Context, j jobs.Job) error {
		n, err := a.RFQ.ExpireDue(ctx, 500)
		if n > 0 {
			slog.InfoContext(ctx, "rfqs closed at their deadline", "rfqs", n)
		}
		if serr := r.Schedule(ctx, rfq.ExpireJob, "tick", nil, time.Now().Add(RFQExpireEvery)); serr != nil {
			return serr
		}
		if err != nil {
			slog.ErrorContext(ctx, "expire rfqs", "err", err)
		}
		return nil
	})
	if err := r.Schedule(ctx, rfq.ExpireJob, "tick", nil, time.Now().Add(30*time.Second)); err != nil {
		slog.ErrorContext(ctx, "schedule rfq expiry", "err", err)
	}
}
