package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/seo"
)

// Listed pages: a product on sale in a live store of an active supplier (what
// ProductDetail shows), a live store that is not taken down, an active category.
const (
	listedProducts = `products p JOIN orgs o ON o.id = p.supplier_id
		WHERE p.status = 'on_sale' AND o.status = 'active' AND o.store_live = TRUE`
	listedStores = `orgs o LEFT JOIN stores s ON s.org_id = o.id
		WHERE o.kind = 'supplier' AND o.status = 'active' AND o.store_live = TRUE AND COALESCE(s.taken_down, FALSE) = FALSE`
)

// SitemapSources lists the storefront's pages for the sitemaps: products, stores and
// categories. Channel pages join as one more seo.Source.
func (s *Store) SitemapSources() []seo.Source {
	return []seo.Source{sitemapProducts{s}, sitemapStores{s}, sitemapCategories{s}, sitemapChannels{s}}
}

// pages groups rows numbered in a stable order into files of per and returns each
// file's latest modification: the query yields (row number from 0, modified millis).
func (s *Store) pages(ctx context.Context, what, numbered string, per int) ([]time.Time, error) {
	rows, err := s.DB.Query(ctx, `SELECT page, MAX(modified) FROM (SELECT rn / CAST(? AS BIGINT) AS page, modified FROM (`+numbered+`) t) u GROUP BY page ORDER BY page`, per)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap %s: %w", what, err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var page, mod int64
		if err := rows.Scan(&page, &mod); err != nil {
			return nil, err
		}
		out = append(out, db.Time(mod))
	}
	return out, rows.Err()
}

func (s *Store) entries(ctx context.Context, what, query string, args []any, prefix string, fn func(seo.Entry) error) error {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: sitemap %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var mod int64
		if err := rows.Scan(&key, &mod); err != nil {
			return err
		}
		if err := fn(seo.Entry{Path: prefix + key, LastMod: db.Time(mod)}); err != nil {
			return err
		}
	}
	return rows.Err()
}

type sitemapProducts struct{ s *Store }

func (sitemapProducts) Name() string { return "products" }

func (x sitemapProducts) Pages(ctx context.Context, per int) ([]time.Time, error) {
	return x.s.pages(ctx, "products", `SELECT ROW_NUMBER() OVER (ORDER BY p.id) - 1 AS rn, p.updated_at AS modified FROM `+listedProducts, per)
}

func (x sitemapProducts) Entries(ctx context.Context, page, per int, fn func(seo.Entry) error) error {
	return x.s.entries(ctx, "products", `SELECT CAST(p.id AS TEXT), p.updated_at FROM `+listedProducts+` ORDER BY p.id LIMIT ? OFFSET ?`,
		[]any{per, page * per}, "/p/", fn)
}

type sitemapStores struct{ s *Store }

func (sitemapStores) Name() string { return "stores" }

const storeModified = `CASE WHEN COALESCE(s.updated_at, 0) > o.updated_at THEN s.updated_at ELSE o.updated_at END`

func (x sitemapStores) Pages(ctx context.Context, per int) ([]time.Time, error) {
	return x.s.pages(ctx, "stores", `SELECT ROW_NUMBER() OVER (ORDER BY o.id) - 1 AS rn, `+storeModified+` AS modified FROM `+listedStores, per)
}

func (x sitemapStores) Entries(ctx context.Context, page, per int, fn func(seo.Entry) error) error {
	return x.s.entries(ctx, "stores", `SELECT CAST(o.id AS TEXT), `+storeModified+` FROM `+listedStores+` ORDER BY o.id LIMIT ? OFFSET ?`,
		[]any{per, page * per}, "/store/", fn)
}

// sitemapCategories lists active categories; a category's lastmod is its newest listed
// product's (its own creation when it has none), which is when its page last changed.
type sitemapCategories struct{ s *Store }

func (sitemapCategories) Name() string { return "categories" }

const categoryModified = `SELECT c.code AS code, c.path AS path, c.created_at AS created, COALESCE(m.modified, 0) AS modified FROM categories c
	LEFT JOIN (SELECT p.category_id, MAX(p.updated_at) AS modified FROM ` + listedProducts + ` GROUP BY p.category_id) m ON m.category_id = c.id
	WHERE c.status = 'active' ORDER BY c.path`

// categoryMods returns the active categories in path order with their lastmod, a
// parent's being the newest of its subtree.
func (x sitemapCategories) categoryMods(ctx context.Context) ([]seo.Entry, error) {
	rows, err := x.s.DB.Query(ctx, categoryModified)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap categories: %w", err)
	}
	defer rows.Close()
	type cat struct {
		code, path string
		mod        int64
	}
	var cats []cat
	for rows.Next() {
		var c cat
		var created int64
		if err := rows.Scan(&c.code, &c.path, &created, &c.mod); err != nil {
			return nil, err
		}
		c.mod = max(c.mod, created)
		cats = append(cats, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Paths sort parents before children: walk backwards to lift each subtree's newest.
	byPath := make(map[string]int, len(cats))
	for i, c := range cats {
		byPath[c.path] = i
	}
	for i := len(cats) - 1; i >= 0; i-- {
		p := strings.TrimSuffix(cats[i].path, "/")
		if j := strings.LastIndexByte(p, '/'); j >= 0 {
			if k, ok := byPath[p[:j+1]]; ok {
				cats[k].mod = max(cats[k].mod, cats[i].mod)
			}
		}
	}
	out := make([]seo.Entry, len(cats))
	for i, c := range cats {
		out[i] = seo.Entry{Path: "/c/" + c.code, LastMod: db.Time(c.mod)}
	}
	return out, nil
}

func (x sitemapCategories) Pages(ctx context.Context, per int) ([]time.Time, error) {
	es, err := x.categoryMods(ctx)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for i, e := range es {
		if i%per == 0 {
			out = append(out, time.Time{})
		}
		if e.LastMod.After(out[len(out)-1]) {
			out[len(out)-1] = e.LastMod
		}
	}
	return out, nil
}

func (x sitemapCategories) Entries(ctx context.Context, page, per int, fn func(seo.Entry) error) error {
	es, err := x.categoryMods(ctx)
	if err != nil {
		return err
	}
	for i := page * per; i < len(es) && i < (page+1)*per; i++ {
		if err := fn(es[i]); err != nil {
			return err
		}
	}
	return nil
}

// ---- Baidu push queue (seo.PushStore) ----

// PushState returns the push state, starting at the outbox's end the first time.
func (s *Store) PushState(ctx context.Context, now time.Time) (seo.PushState, error) {
	var st seo.PushState
	var blocked int64
	q := `SELECT cursor_seq, quota_day, remain, blocked_until FROM seo_push_state WHERE id = 1`
	err := s.DB.QueryRow(ctx, q).Scan(&st.Cursor, &st.QuotaDay, &st.Remain, &blocked)
	if errors.Is(err, sql.ErrNoRows) {
		var last int64
		if last, err = s.OutboxLast(ctx); err != nil {
			return st, err
		}
		if _, err := s.DB.Exec(ctx, `INSERT INTO seo_push_state (id, cursor_seq, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`, last, db.Millis(now)); err != nil {
			return st, fmt.Errorf("store: push state: %w", err)
		}
		err = s.DB.QueryRow(ctx, q).Scan(&st.Cursor, &st.QuotaDay, &st.Remain, &blocked)
	}
	if err != nil {
		return st, fmt.Errorf("store: push state: %w", err)
	}
	if blocked > 0 {
		st.BlockedUntil = db.Time(blocked)
	}
	return st, nil
}

// SavePushQuota records the quota as last seen and BlockedUntil.
func (s *Store) SavePushQuota(ctx context.Context, st seo.PushState) error {
	var blocked int64
	if !st.BlockedUntil.IsZero() {
		blocked = db.Millis(st.BlockedUntil)
	}
	_, err := s.DB.Exec(ctx, `UPDATE seo_push_state SET quota_day = ?, remain = ?, blocked_until = ?, updated_at = ? WHERE id = 1`,
		st.QuotaDay, st.Remain, blocked, db.Millis(time.Now()))
	if err != nil {
		return fmt.Errorf("store: push quota: %w", err)
	}
	return nil
}

// Changes returns catalogue changes (products, suppliers, categories) after seq.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]seo.Change, int64, error) {
	evs, err := s.OutboxAfter(ctx, after, limit)
	if err != nil || len(evs) == 0 {
		return nil, after, err
	}
	var out []seo.Change
	for _, e := range evs {
		switch e.Topic {
		case TopicProduct, TopicSupplier, TopicCatalog:
			out = append(out, seo.Change{Topic: e.Topic, ID: e.Aggregate})
		}
	}
	if out == nil {
		out = []seo.Change{} // events were read: the cursor still moves
	}
	return out, evs[len(evs)-1].Seq, nil
}

// placeholders returns "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// ListedPaths maps changes to the public pages they touched, dropping what is not
// public (a product taken off sale is not pushed; Baidu finds it gone when it comes).
func (s *Store) ListedPaths(ctx context.Context, cs []seo.Change) ([]string, error) {
	ids := map[string][]any{}
	seen := map[string]bool{}
	for _, c := range cs {
		if !db.ValidID(c.ID) || seen[c.Topic+c.ID] {
			continue
		}
		seen[c.Topic+c.ID] = true
		ids[c.Topic] = append(ids[c.Topic], c.ID)
	}
	var out []string
	run := func(topic, query, prefix string) error {
		if len(ids[topic]) == 0 {
			return nil
		}
		rows, err := s.DB.Query(ctx, fmt.Sprintf(query, placeholders(len(ids[topic]))), ids[topic]...)
		if err != nil {
			return fmt.Errorf("store: listed %s: %w", topic, err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			out = append(out, prefix+k)
		}
		return rows.Err()
	}
	if err := run(TopicProduct, `SELECT CAST(p.id AS TEXT) FROM `+listedProducts+` AND p.id IN (%s) ORDER BY p.id`, "/p/"); err != nil {
		return nil, err
	}
	if err := run(TopicSupplier, `SELECT CAST(o.id AS TEXT) FROM `+listedStores+` AND o.id IN (%s) ORDER BY o.id`, "/store/"); err != nil {
		return nil, err
	}
	if err := run(TopicCatalog, `SELECT code FROM categories WHERE status = 'active' AND id IN (%s) ORDER BY code`, "/c/"); err != nil {
		return nil, err
	}
	return out, nil
}

// EnqueuePush queues urls as due at now (again, when already queued: a URL in flight
// keeps its lease but leaves its claim, so it is pushed once more after) and moves the
// cursor to cursor, in one transaction.
func (s *Store) EnqueuePush(ctx context.Context, urls []string, cursor int64, now time.Time) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		ms := db.Millis(now)
		for _, u := range urls {
			_, err := s.DB.Exec(ctx, `INSERT INTO seo_push (url, state, next_at, claim, attempts, last_error, queued_at) VALUES (?, 'pending', ?, '', 0, '', ?)
				ON CONFLICT (url) DO UPDATE SET state = 'pending', claim = '', attempts = 0, last_error = '', queued_at = excluded.queued_at,
					next_at = CASE WHEN seo_push.claim <> '' THEN seo_push.next_at ELSE excluded.next_at END`, u, ms, ms)
			if err != nil {
				return fmt.Errorf("store: enqueue push: %w", err)
			}
		}
		if _, err := s.DB.Exec(ctx, `UPDATE seo_push_state SET cursor_seq = ?, updated_at = ? WHERE id = 1 AND cursor_seq < ?`, cursor, ms, cursor); err != nil {
			return fmt.Errorf("store: push cursor: %w", err)
		}
		return nil
	})
}

// ClaimPush leases up to limit due URLs to claim until now+lease.
func (s *Store) ClaimPush(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]seo.Queued, error) {
	ms := db.Millis(now)
	_, err := s.DB.Exec(ctx, `UPDATE seo_push SET claim = ?, next_at = ? WHERE state = 'pending' AND next_at <= ? AND url IN (
		SELECT url FROM seo_push WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, url LIMIT ?)`, claim, db.Millis(now.Add(lease)), ms, ms, limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim push: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT url, attempts FROM seo_push WHERE claim = ? ORDER BY url`, claim)
	if err != nil {
		return nil, fmt.Errorf("store: claim push: %w", err)
	}
	defer rows.Close()
	var out []seo.Queued
	for rows.Next() {
		var q seo.Queued
		if err := rows.Scan(&q.URL, &q.Attempts); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// PushDone removes the claim's URLs.
func (s *Store) PushDone(ctx context.Context, claim string) error {
	if _, err := s.DB.Exec(ctx, `DELETE FROM seo_push WHERE claim = ?`, claim); err != nil {
		return fmt.Errorf("store: push done: %w", err)
	}
	return nil
}

// PushLater puts the claim's URLs back at at, counting a failed attempt when failed.
func (s *Store) PushLater(ctx context.Context, claim string, at time.Time, failed bool, reason string, maxAttempts int) error {
	var err error
	if failed {
		_, err = s.DB.Exec(ctx, `UPDATE seo_push SET claim = '', next_at = ?, attempts = attempts + 1, last_error = ?,
			state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'pending' END WHERE claim = ?`, db.Millis(at), reason, maxAttempts, claim)
	} else {
		_, err = s.DB.Exec(ctx, `UPDATE seo_push SET claim = '', next_at = ? WHERE claim = ?`, db.Millis(at), claim)
	}
	if err != nil {
		return fmt.Errorf("store: push later: %w", err)
	}
	return nil
}

// PushRejected marks urls of the claim as refused by the engine.
func (s *Store) PushRejected(ctx context.Context, claim string, urls []string, reason string) error {
	for len(urls) > 0 {
		n := min(len(urls), 500)
		args := []any{reason, claim}
		for _, u := range urls[:n] {
			args = append(args, u)
		}
		_, err := s.DB.Exec(ctx, `UPDATE seo_push SET state = 'rejected', claim = '', last_error = ? WHERE claim = ? AND url IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: push rejected: %w", err)
		}
		urls = urls[n:]
	}
	return nil
}

// PushCounts counts the queue's URLs by state, for ops and tests.
func (s *Store) PushCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.DB.Query(ctx, `SELECT state, COUNT(*) FROM seo_push GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: push counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// sitemapChannels lists the published channel pages (频道页).
type sitemapChannels struct{ s *Store }

func (sitemapChannels) Name() string { return "channels" }

func (x sitemapChannels) Pages(ctx context.Context, per int) ([]time.Time, error) {
	return x.s.pages(ctx, "channels", `SELECT ROW_NUMBER() OVER (ORDER BY slug) - 1 AS rn, updated_at AS modified FROM channels WHERE published`, per)
}

func (x sitemapChannels) Entries(ctx context.Context, page, per int, fn func(seo.Entry) error) error {
	return x.s.entries(ctx, "channels", `SELECT slug, updated_at FROM channels WHERE published ORDER BY slug LIMIT ? OFFSET ?`,
		[]any{per, page * per}, "/ch/", fn)
}
