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
// ProductDetail shows), a live store that is not taken down, an active category. The
// product filter is written as IN so both engines answer it from products_supplier.
const (
	listedProducts = `products p WHERE p.status = 'on_sale'
		AND p.supplier_id IN (SELECT o.id FROM orgs o WHERE o.status = 'active' AND o.store_live = TRUE)`
	listedStores = `orgs o LEFT JOIN stores s ON s.org_id = o.id
		WHERE o.kind = 'supplier' AND o.status = 'active' AND o.store_live = TRUE AND COALESCE(s.taken_down, FALSE) = FALSE`
)

// SitemapSources lists the storefront's pages for the sitemaps: products, stores and
// categories. Channel pages join as one more seo.Source.
func (s *Store) SitemapSources() []seo.Source {
	return []seo.Source{sitemapProducts{s}, sitemapStores{s}, sitemapCategories{s}, sitemapChannels{s}}
}

// split reads (key, modified) rows in key order, once, and cuts them into files of per.
func (s *Store) split(ctx context.Context, what, query string, per int) ([]seo.File, error) {
	rows, err := s.DB.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap %s: %w", what, err)
	}
	defer rows.Close()
	var out []seo.File
	last, n := "", 0
	for rows.Next() {
		var key string
		var mod int64
		if err := rows.Scan(&key, &mod); err != nil {
			return nil, err
		}
		if n%per == 0 {
			out = append(out, seo.File{After: last})
		}
		if t := db.Time(mod); t.After(out[len(out)-1].LastMod) {
			out[len(out)-1].LastMod = t
		}
		last = key
		n++
	}
	return out, rows.Err()
}

// entries streams up to per (key, modified) rows after f.After as entries under prefix.
func (s *Store) entries(ctx context.Context, what, from, key, modified string, f seo.File, per int, prefix string, fn func(seo.Entry) error) error {
	q := `SELECT CAST(` + key + ` AS TEXT), ` + modified + ` FROM ` + from
	args := []any{}
	if f.After != "" {
		q += ` AND ` + key + ` > ?`
		args = append(args, f.After)
	}
	q += ` ORDER BY ` + key + ` LIMIT ?`
	args = append(args, per)
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: sitemap %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var mod int64
		if err := rows.Scan(&k, &mod); err != nil {
			return err
		}
		if err := fn(seo.Entry{Path: prefix + k, LastMod: db.Time(mod)}); err != nil {
			return err
		}
	}
	return rows.Err()
}

type sitemapProducts struct{ s *Store }

func (sitemapProducts) Name() string { return "products" }

func (x sitemapProducts) Files(ctx context.Context, per int) ([]seo.File, error) {
	return x.s.split(ctx, "products", `SELECT CAST(p.id AS TEXT), p.updated_at FROM `+listedProducts+` ORDER BY p.id`, per)
}

func (x sitemapProducts) Entries(ctx context.Context, f seo.File, per int, fn func(seo.Entry) error) error {
	if f.After != "" && !db.ValidID(f.After) {
		return fmt.Errorf("store: sitemap products: bad key %q", f.After)
	}
	return x.s.entries(ctx, "products", listedProducts, "p.id", "p.updated_at", f, per, "/p/", fn)
}

type sitemapStores struct{ s *Store }

func (sitemapStores) Name() string { return "stores" }

const storeModified = `CASE WHEN COALESCE(s.updated_at, 0) > o.updated_at THEN s.updated_at ELSE o.updated_at END`

func (x sitemapStores) Files(ctx context.Context, per int) ([]seo.File, error) {
	return x.s.split(ctx, "stores", `SELECT CAST(o.id AS TEXT), `+storeModified+` FROM `+listedStores+` ORDER BY o.id`, per)
}

func (x sitemapStores) Entries(ctx context.Context, f seo.File, per int, fn func(seo.Entry) error) error {
	if f.After != "" && !db.ValidID(f.After) {
		return fmt.Errorf("store: sitemap stores: bad key %q", f.After)
	}
	return x.s.entries(ctx, "stores", listedStores, "o.id", storeModified, f, per, "/store/", fn)
}

// sitemapCategories lists active categories by path; a category's lastmod is its
// subtree's newest listed product's (its own creation when it has none), which is when
// its page last changed.
type sitemapCategories struct{ s *Store }

func (sitemapCategories) Name() string { return "categories" }

const categoryModified = `SELECT c.code, c.path, c.created_at, COALESCE(m.modified, 0) FROM categories c
	LEFT JOIN (SELECT p.category_id, MAX(p.updated_at) AS modified FROM ` + listedProducts + ` GROUP BY p.category_id) m ON m.category_id = c.id
	WHERE c.status = 'active' ORDER BY c.path`

type categoryMod struct {
	code, path string
	mod        int64
}

// categoryMods returns the active categories in path order with their lastmod.
func (x sitemapCategories) categoryMods(ctx context.Context) ([]categoryMod, error) {
	rows, err := x.s.DB.Query(ctx, categoryModified)
	if err != nil {
		return nil, fmt.Errorf("store: sitemap categories: %w", err)
	}
	defer rows.Close()
	var cats []categoryMod
	for rows.Next() {
		var c categoryMod
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
	return cats, nil
}

func (x sitemapCategories) Files(ctx context.Context, per int) ([]seo.File, error) {
	cats, err := x.categoryMods(ctx)
	if err != nil {
		return nil, err
	}
	var out []seo.File
	for i, c := range cats {
		if i%per == 0 {
			after := ""
			if i > 0 {
				after = cats[i-1].path
			}
			out = append(out, seo.File{After: after})
		}
		if t := db.Time(c.mod); t.After(out[len(out)-1].LastMod) {
			out[len(out)-1].LastMod = t
		}
	}
	return out, nil
}

func (x sitemapCategories) Entries(ctx context.Context, f seo.File, per int, fn func(seo.Entry) error) error {
	cats, err := x.categoryMods(ctx)
	if err != nil {
		return err
	}
	n := 0
	for _, c := range cats {
		if c.path <= f.After || n == per {
			continue
		}
		n++
		if err := fn(seo.Entry{Path: "/c/" + c.code, LastMod: db.Time(c.mod)}); err != nil {
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
		rows, err := s.DB.Query(ctx, fmt.Sprintf(query, db.Placeholders(len(ids[topic]))), ids[topic]...)
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
		_, err := s.DB.Exec(ctx, `UPDATE seo_push SET state = 'rejected', claim = '', last_error = ? WHERE claim = ? AND url IN (`+db.Placeholders(n)+`)`, args...)
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

// sitemapChannels lists the published channel pages (频道页) by slug.
type sitemapChannels struct{ s *Store }

func (sitemapChannels) Name() string { return "channels" }

func (x sitemapChannels) Files(ctx context.Context, per int) ([]seo.File, error) {
	return x.s.split(ctx, "channels", `SELECT slug, updated_at FROM channels WHERE published ORDER BY slug`, per)
}

func (x sitemapChannels) Entries(ctx context.Context, f seo.File, per int, fn func(seo.Entry) error) error {
	return x.s.entries(ctx, "channels", `channels WHERE published`, "slug", "updated_at", f, per, "/ch/", fn)
}
