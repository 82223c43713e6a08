package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

var (
	_ channel.Store         = (*Store)(nil)
	_ channel.SettingsStore = (*Store)(nil)
)

const channelCols = `id, slug, title, intro, image_blob, on_home, sort, draft_modules, live_modules, published, published_at, created_at, updated_at, version`

func scanChannel(sc interface{ Scan(...any) error }) (*channel.Channel, error) {
	var c channel.Channel
	var draft, live string
	var published, created, updated int64
	if err := sc.Scan(&c.ID, &c.Slug, &c.Title, &c.Intro, &c.Image, &c.OnHome, &c.Sort, &draft, &live, &c.Published, &published, &created, &updated, &c.Version); err != nil {
		return nil, err
	}
	if err := fromJSON(draft, &c.Draft); err != nil {
		return nil, fmt.Errorf("store: channel %s draft: %w", c.ID, err)
	}
	if err := fromJSON(live, &c.Live); err != nil {
		return nil, fmt.Errorf("store: channel %s live: %w", c.ID, err)
	}
	c.PublishedAt, c.CreatedAt, c.UpdatedAt = db.Time(published), db.Time(created), db.Time(updated)
	return &c, nil
}

// Channels lists every channel by sort, then title.
func (s *Store) Channels(ctx context.Context) ([]channel.Channel, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+channelCols+` FROM channels ORDER BY sort, title, id`)
	if err != nil {
		return nil, fmt.Errorf("store: channels: %w", err)
	}
	defer rows.Close()
	var out []channel.Channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Channel returns a channel by ID.
func (s *Store) Channel(ctx context.Context, id string) (*channel.Channel, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.channel_not_found")
	}
	c, err := scanChannel(s.DB.QueryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.channel_not_found", "channel")
	}
	return c, nil
}

// ChannelBySlug returns a channel by its URL name.
func (s *Store) ChannelBySlug(ctx context.Context, slug string) (*channel.Channel, error) {
	c, err := scanChannel(s.DB.QueryRow(ctx, `SELECT `+channelCols+` FROM channels WHERE slug = ?`, slug))
	if err != nil {
		return nil, notFound(err, "err.channel_not_found", "channel by slug")
	}
	return c, nil
}

// SaveChannel inserts c (version 0) or updates it at its current version.
func (s *Store) SaveChannel(ctx context.Context, c *channel.Channel) error {
	draft, live := c.Draft, c.Live
	if draft == nil {
		draft = []channel.Module{}
	}
	if live == nil {
		live = []channel.Module{}
	}
	args := []any{c.Slug, c.Title, c.Intro, c.Image, c.OnHome, c.Sort, jsonText(draft), jsonText(live), c.Published,
		db.Millis(c.PublishedAt), db.Millis(c.UpdatedAt)}
	var err error
	if c.Version == 0 {
		_, err = s.DB.Exec(ctx, `INSERT INTO channels (slug, title, intro, image_blob, on_home, sort, draft_modules, live_modules, published,
			published_at, updated_at, id, created_at, version) VALUES (`+db.Placeholders(13)+`, 1)`, append(args, c.ID, db.Millis(c.CreatedAt))...)
		if err == nil {
			c.Version = 1
			return nil
		}
	} else {
		var res interface{ RowsAffected() (int64, error) }
		res, err = s.DB.Exec(ctx, `UPDATE channels SET slug = ?, title = ?, intro = ?, image_blob = ?, on_home = ?, sort = ?, draft_modules = ?,
			live_modules = ?, published = ?, published_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, append(args, c.ID, c.Version)...)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.Conflict, "err.stale_version")
			}
			c.Version++
			return nil
		}
	}
	if db.IsUniqueViolation(err) {
		e := errs.Field("slug", "err.channel_slug_taken")
		e.Code = errs.Conflict
		return e
	}
	return fmt.Errorf("store: save channel: %w", err)
}

const campaignCols = `id, name, kind, badge, starts_at, ends_at, created_at, updated_at, version`

func (s *Store) campaigns(ctx context.Context, where string, args ...any) ([]channel.Campaign, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+campaignCols+` FROM campaigns `+where+` ORDER BY starts_at DESC, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: campaigns: %w", err)
	}
	var out []channel.Campaign
	byID := map[string]int{}
	for rows.Next() {
		var c channel.Campaign
		var start, end, created, updated int64
		if err := rows.Scan(&c.ID, &c.Name, &c.Kind, &c.Badge, &start, &end, &created, &updated, &c.Version); err != nil {
			rows.Close()
			return nil, err
		}
		c.Start, c.End, c.CreatedAt, c.UpdatedAt = db.Time(start), db.Time(end), db.Time(created), db.Time(updated)
		byID[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]any, 0, len(out))
	for _, c := range out {
		ids = append(ids, c.ID)
	}
	prows, err := s.DB.Query(ctx, `SELECT campaign_id, product_id FROM campaign_products WHERE campaign_id IN (`+db.Placeholders(len(ids))+`)
		ORDER BY campaign_id, sort`, ids...)
	if err != nil {
		return nil, fmt.Errorf("store: campaign products: %w", err)
	}
	defer prows.Close()
	for prows.Next() {
		var cid, pid string
		if err := prows.Scan(&cid, &pid); err != nil {
			return nil, err
		}
		if i, ok := byID[cid]; ok {
			out[i].ProductIDs = append(out[i].ProductIDs, pid)
		}
	}
	return out, prows.Err()
}

// Campaigns lists every campaign, newest window first.
func (s *Store) Campaigns(ctx context.Context) ([]channel.Campaign, error) {
	return s.campaigns(ctx, "")
}

// Campaign returns a campaign with its products.
func (s *Store) Campaign(ctx context.Context, id string) (*channel.Campaign, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.campaign_not_found")
	}
	cs, err := s.campaigns(ctx, "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.E(errs.NotFound, "err.campaign_not_found")
	}
	return &cs[0], nil
}

// ActiveCampaigns returns the campaigns whose window holds t.
func (s *Store) ActiveCampaigns(ctx context.Context, t time.Time) ([]channel.Campaign, error) {
	ms := db.Millis(t)
	return s.campaigns(ctx, "WHERE starts_at <= ? AND ends_at > ?", ms, ms)
}

// CampaignProductsAt returns the products in a campaign whose window holds t.
func (s *Store) CampaignProductsAt(ctx context.Context, t time.Time) (map[string]bool, error) {
	ms := db.Millis(t)
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT cp.product_id FROM campaign_products cp JOIN campaigns c ON c.id = cp.campaign_id
		WHERE c.starts_at <= ? AND c.ends_at > ?`, ms, ms)
	if err != nil {
		return nil, fmt.Errorf("store: campaign products at: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// SaveCampaign inserts c (version 0) or updates it at its current version, replacing
// its products.
func (s *Store) SaveCampaign(ctx context.Context, c *channel.Campaign) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		args := []any{c.Name, c.Kind, c.Badge, db.Millis(c.Start), db.Millis(c.End), db.Millis(c.UpdatedAt)}
		if c.Version == 0 {
			if _, err := s.DB.Exec(ctx, `INSERT INTO campaigns (name, kind, badge, starts_at, ends_at, updated_at, id, created_at, version)
				VALUES (`+db.Placeholders(8)+`, 1)`, append(args, c.ID, db.Millis(c.CreatedAt))...); err != nil {
				return fmt.Errorf("store: create campaign: %w", err)
			}
			c.Version = 1
		} else {
			res, err := s.DB.Exec(ctx, `UPDATE campaigns SET name = ?, kind = ?, badge = ?, starts_at = ?, ends_at = ?, updated_at = ?,
				version = version + 1 WHERE id = ? AND version = ?`, append(args, c.ID, c.Version)...)
			if err != nil {
				return fmt.Errorf("store: save campaign: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.Conflict, "err.stale_version")
			}
			c.Version++
			if _, err := s.DB.Exec(ctx, `DELETE FROM campaign_products WHERE campaign_id = ?`, c.ID); err != nil {
				return fmt.Errorf("store: campaign products: %w", err)
			}
		}
		for i, pid := range c.ProductIDs {
			if _, err := s.DB.Exec(ctx, `INSERT INTO campaign_products (campaign_id, product_id, sort) VALUES (?, ?, ?)`, c.ID, pid, i); err != nil {
				return fmt.Errorf("store: campaign product: %w", err)
			}
		}
		return nil
	})
}

// DeleteCampaign removes a campaign and its product list.
func (s *Store) DeleteCampaign(ctx context.Context, id string) error {
	if !db.ValidID(id) {
		return errs.E(errs.NotFound, "err.campaign_not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.DB.Exec(ctx, `DELETE FROM campaign_products WHERE campaign_id = ?`, id); err != nil {
			return fmt.Errorf("store: delete campaign products: %w", err)
		}
		res, err := s.DB.Exec(ctx, `DELETE FROM campaigns WHERE id = ?`, id)
		if err != nil {
			return fmt.Errorf("store: delete campaign: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "err.campaign_not_found")
		}
		return nil
	})
}

// CampaignsChanged announces a change of campaign membership or window (topic rules:
// standing scores decide document order, so the index rebuilds to re-rank).
func (s *Store) CampaignsChanged(ctx context.Context) error {
	return s.Emit(ctx, TopicRules, "campaigns")
}

// ListedProducts returns which of ids are products on sale.
func (s *Store) ListedProducts(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	var args []any
	for _, id := range ids {
		if db.ValidID(id) {
			args = append(args, id)
		}
	}
	for len(args) > 0 {
		n := min(len(args), 200)
		rows, err := s.DB.Query(ctx, `SELECT id FROM products WHERE status = 'on_sale' AND id IN (`+db.Placeholders(n)+`)`, args[:n]...)
		if err != nil {
			return nil, fmt.Errorf("store: listed products: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[strings.ToLower(id)] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		args = args[n:]
	}
	return out, nil
}

// SynonymGroups lists the synonym groups ops entered, oldest first.
func (s *Store) SynonymGroups(ctx context.Context) ([]channel.SynonymGroup, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, terms, created_by, created_at FROM search_synonyms ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: synonym groups: %w", err)
	}
	defer rows.Close()
	var out []channel.SynonymGroup
	for rows.Next() {
		var g channel.SynonymGroup
		var terms string
		var at int64
		if err := rows.Scan(&g.ID, &terms, &g.CreatedBy, &at); err != nil {
			return nil, err
		}
		g.Terms, g.CreatedAt = strings.Split(terms, "|"), db.Time(at)
		out = append(out, g)
	}
	return out, rows.Err()
}
