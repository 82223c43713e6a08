package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/standing"
	"github.com/zhuchao/zhuchao/internal/store"
)

// RulesKey is the settings key holding the ranking rules as JSON.
const RulesKey = channel.RulesKey

// searchSource feeds the search index from the store, adding each supplier's standing
// (level, badges, penalties, boosts) from the standing service.
type searchSource struct {
	st       *store.Store
	standing *standing.Service
	now      func() time.Time
}

func (s searchSource) Categories(ctx context.Context) ([]catalog.Category, error) {
	return s.st.Categories(ctx)
}

func (s searchSource) Attributes(ctx context.Context) ([]catalog.Attribute, error) {
	return s.st.SearchAttributes(ctx)
}

func (s searchSource) Suppliers(ctx context.Context) ([]search.Supplier, error) {
	sups, err := s.st.SearchSuppliers(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for i := range sups {
		sd, err := s.standing.Of(ctx, sups[i].ID, now)
		if err != nil {
			return nil, err
		}
		sups[i].Level, sups[i].Zhu, sups[i].Bao = sd.Level, sd.Badges.Zhu, sd.Badges.Bao
		for _, p := range sd.Penalties {
			if p.Kind != standing.Warning && p.Counts(now) {
				sups[i].Penalised = true
			}
		}
		for _, r := range sd.Rewards {
			if r.Kind == standing.Boost && (r.Until.IsZero() || now.Before(r.Until)) {
				sups[i].Boosted = true
			}
		}
	}
	return sups, nil
}

func (s searchSource) Products(ctx context.Context, supplierID, productID string, fn func(*search.Product) error) error {
	// Products in a running campaign rank higher; the set is read once per call.
	inCampaign, err := s.st.CampaignProductsAt(ctx, s.now())
	if err != nil {
		return err
	}
	return s.st.SearchProducts(ctx, supplierID, productID, func(p *search.Product) error {
		p.InCampaign = inCampaign[p.ID]
		return fn(p)
	})
}

func (s searchSource) Synonyms(ctx context.Context) ([][]string, error) {
	return s.st.SearchSynonyms(ctx)
}

func (s searchSource) Rules(ctx context.Context) (search.Rules, error) {
	v, ok, err := s.st.Setting(ctx, RulesKey)
	if err != nil || !ok {
		return search.DefaultRules, err
	}
	r, err := channel.ParseRules(v)
	if err != nil {
		// Search keeps working on the defaults; the rules page shows the problem.
		slog.ErrorContext(ctx, "ranking rules unusable, using the defaults", "err", err)
		return search.DefaultRules, nil
	}
	return r, nil
}

func (s searchSource) Events(ctx context.Context, after int64, limit int) ([]search.Event, error) {
	evs, err := s.st.OutboxAfter(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]search.Event, len(evs))
	for i, e := range evs {
		out[i] = search.Event{Seq: e.Seq, Topic: e.Topic, Aggregate: e.Aggregate, At: e.At}
	}
	return out, nil
}

func (s searchSource) Last(ctx context.Context) (int64, error) { return s.st.OutboxLast(ctx) }
