package fulfil

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// Tracker is a tracking service: it is asked to follow a parcel shipment and pushes
// its events back, verified by ParsePush. Without one, suppliers enter tracking by hand
// (the default; truck freight has no tracking service anyway).
type Tracker interface {
	// Name is the tracker's name in push URLs and event sources.
	Name() string
	// Subscribe asks the service to push the shipment's events. phone is the
	// consignee's mobile, which some carriers (SF) require.
	Subscribe(ctx context.Context, sh Shipment, phone string) error
	// ParsePush verifies a push for a shipment and returns its events.
	ParsePush(shipmentID string, form map[string]string) ([]TrackEvent, error)
}

// subscribe runs after the shipment's transaction committed; a failure is logged and
// tracking stays manual for that shipment.
func subscribe(ctx context.Context, t Tracker, sh Shipment, phone string) {
	if err := t.Subscribe(ctx, sh, phone); err != nil {
		slog.WarnContext(ctx, "tracking subscription failed", "tracker", t.Name(), "shipment", sh.ID, "err", err)
	}
}

// Push takes a tracking service's push for a shipment: verified by the tracker, then
// each event not seen before is stored. It returns how many were new. A push for an
// unknown tracker or shipment is a 404; a forged one is refused.
func (s *Service) Push(ctx context.Context, tracker, shipmentID string, form map[string]string) (int, error) {
	if s.Tracker == nil || s.Tracker.Name() != tracker || !db.ValidID(shipmentID) {
		return 0, notFound()
	}
	evs, err := s.Tracker.ParsePush(shipmentID, form)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.Store.Shipment(ctx, shipmentID)
		if err != nil {
			return err
		}
		now := s.now()
		for _, e := range evs {
			e.ID, e.ShipmentID, e.OrderID, e.Source, e.CreatedAt = db.NewID(), sh.ID, sh.OrderID, tracker, now
			e.Text = clip(strings.TrimSpace(e.Text), MaxTrackText)
			e.Place = clip(strings.TrimSpace(e.Place), 50)
			if e.Text == "" || e.At.IsZero() {
				continue
			}
			ok, err := s.Store.AddTracking(ctx, &e)
			if err != nil {
				return err
			}
			if ok {
				n++
			}
		}
		return nil
	})
	return n, err
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// errPush is a push that fails verification.
func errPush() error { return errs.E(errs.Forbidden, "ship.err.push") }
