package channel

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// CampaignInput is the campaign form; times as typed (Asia/Shanghai).
type CampaignInput struct {
	ID         string // "" for a new campaign
	Name       string
	Kind       string
	Badge      string
	Start, End string
	// Products: product IDs or product page links (/p/{id}), one a line or separated by
	// spaces or commas.
	Products string
	Version  int64
}

// Campaigns lists every campaign for the console.
func (s *Service) Campaigns(ctx context.Context, p *identity.Principal) ([]Campaign, error) {
	if err := viewer(p); err != nil {
		return nil, err
	}
	return s.Store.Campaigns(ctx)
}

// CampaignFor returns a campaign for the console.
func (s *Service) CampaignFor(ctx context.Context, p *identity.Principal, id string) (*Campaign, error) {
	if err := viewer(p); err != nil {
		return nil, err
	}
	return s.Store.Campaign(ctx, id)
}

// ProductRefs reads product IDs from what ops typed or pasted.
func ProductRefs(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == ' ' || r == ',' || r == '，' || r == '\t' || r == '、'
	}) {
		if i := strings.LastIndex(f, "/p/"); i >= 0 {
			f = f[i+3:]
		}
		f = strings.ToLower(strings.TrimRight(strings.SplitN(f, "?", 2)[0], "/"))
		if f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// SaveCampaign creates or changes a campaign. Membership changes are announced on the
// outbox in the same transaction, and jobs are scheduled at the window's bounds, so
// search ranking follows the campaign without anyone writing at the boundary.
func (s *Service) SaveCampaign(ctx context.Context, p *identity.Principal, in CampaignInput) (*Campaign, error) {
	if err := editor(p); err != nil {
		return nil, err
	}
	var c *Campaign
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if in.ID == "" {
			c = &Campaign{ID: db.NewID(), CreatedAt: s.now()}
		} else {
			var err error
			if c, err = s.Store.Campaign(ctx, in.ID); err != nil {
				return err
			}
			if in.Version != c.Version {
				return errs.E(errs.Conflict, "err.stale_version")
			}
		}
		var v errs.Validator
		c.Name = text(&v, "name", in.Name, 2, 40)
		c.Kind = in.Kind
		v.Check(slices.Contains(CampaignKinds, c.Kind), "kind", "err.campaign_kind")
		c.Badge = text(&v, "badge", in.Badge, 2, 8)
		var ok bool
		if strings.TrimSpace(in.Start) == "" {
			v.Add("start", "err.required")
		} else if c.Start, ok = ParseLocal(in.Start); !ok {
			v.Add("start", "err.channel_time")
		}
		if strings.TrimSpace(in.End) == "" {
			v.Add("end", "err.required")
		} else if c.End, ok = ParseLocal(in.End); !ok {
			v.Add("end", "err.channel_time")
		}
		if !v.Has("start") && !v.Has("end") {
			switch {
			case !c.End.After(c.Start):
				v.Add("end", "err.channel_window")
			case c.End.Sub(c.Start) > 366*24*time.Hour:
				v.Add("end", "err.campaign_too_long")
			}
		}
		ids := ProductRefs(in.Products)
		switch {
		case len(ids) == 0:
			v.Add("products", "err.choose_one")
		case len(ids) > MaxCampaignProducts:
			v.Add("products", "err.too_many", MaxCampaignProducts)
		default:
			for _, id := range ids {
				if !db.ValidID(id) {
					v.Add("products", "err.channel_product_unknown", id)
					break
				}
			}
			if !v.Has("products") {
				listed, err := s.Store.ListedProducts(ctx, ids)
				if err != nil {
					return err
				}
				for _, id := range ids {
					if !listed[id] {
						v.Add("products", "err.channel_product_unknown", id)
						break
					}
				}
			}
		}
		c.ProductIDs = ids
		if err := v.Err(); err != nil {
			return err
		}
		c.UpdatedAt = s.now()
		if err := s.Store.SaveCampaign(ctx, c); err != nil {
			return err
		}
		if err := s.changed(ctx, c); err != nil {
			return err
		}
		return s.log(ctx, p, "campaign.save", "campaign", c.ID, c.Name)
	})
	return c, err
}

// changed re-ranks search now (the products or window may have changed) and at the
// window's bounds still ahead.
func (s *Service) changed(ctx context.Context, c *Campaign) error {
	if err := s.Store.CampaignsChanged(ctx); err != nil {
		return err
	}
	if s.Schedule == nil {
		return nil
	}
	now := s.now()
	for _, b := range []struct {
		key string
		at  time.Time
	}{{c.ID + ":start", c.Start}, {c.ID + ":end", c.End}} {
		if b.at.After(now) {
			if err := s.Schedule(ctx, b.key, b.at); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteCampaign removes a campaign; slots showing it show nothing.
func (s *Service) DeleteCampaign(ctx context.Context, p *identity.Principal, id string, version int64) error {
	if err := editor(p); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.Store.Campaign(ctx, id)
		if err != nil {
			return err
		}
		if version != c.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		if err := s.Store.DeleteCampaign(ctx, id); err != nil {
			return err
		}
		if err := s.Store.CampaignsChanged(ctx); err != nil {
			return err
		}
		return s.log(ctx, p, "campaign.delete", "campaign", c.ID, c.Name)
	})
}

// Active returns the campaigns running now (public: campaign slots and the home page).
func (s *Service) Active(ctx context.Context) ([]Campaign, error) {
	return s.Store.ActiveCampaigns(ctx, s.now())
}

// Boundary is the BoundaryJob handler: a window opened or closed, so every node's index
// re-ranks. Running it twice costs a second rebuild, nothing more.
func (s *Service) Boundary(ctx context.Context) error {
	return s.Store.CampaignsChanged(ctx)
}
