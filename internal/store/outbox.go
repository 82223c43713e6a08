package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
)

// Outbox topics: what changed, for the search index on every node and other readers.
const (
	TopicProduct  = "product"  // aggregate: product ID
	TopicSupplier = "supplier" // aggregate: supplier org ID (standing, store, status)
	TopicCatalog  = "catalog"  // aggregate: category ID (tree or template changed)
	TopicRules    = "rules"    // aggregate: settings key (ranking rules, synonyms)
)

// OutboxEvent is one row of the outbox.
type OutboxEvent struct {
	Seq       int64
	Topic     string
	Aggregate string
	At        time.Time
}

// Emit records a change in the transaction ctx carries (or on its own), so readers see
// it exactly when the change commits.
func (s *Store) Emit(ctx context.Context, topic, aggregate string) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO outbox (topic, aggregate_id, created_at) VALUES (?, ?, ?)`,
		topic, aggregate, db.Millis(time.Now()))
	if err != nil {
		return fmt.Errorf("store: outbox %s: %w", topic, err)
	}
	return nil
}

// OutboxAfter returns up to limit events after seq, in order.
func (s *Store) OutboxAfter(ctx context.Context, seq int64, limit int) ([]OutboxEvent, error) {
	rows, err := s.DB.Query(ctx, `SELECT seq, topic, aggregate_id, created_at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var at int64
		if err := rows.Scan(&e.Seq, &e.Topic, &e.Aggregate, &at); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// OutboxLast returns the highest sequence number written so far (0 for none).
func (s *Store) OutboxLast(ctx context.Context) (int64, error) {
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM outbox`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: outbox last: %w", err)
	}
	return n, nil
}

// OutboxPrune deletes events older than before; readers that fell that far behind
// rebuild from the tables instead.
func (s *Store) OutboxPrune(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM outbox WHERE created_at < ?`, db.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("store: outbox prune: %w", err)
	}
	return res.RowsAffected()
}
