package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
)

// Setting returns a stored setting; ok is false when it was never set.
func (s *Store) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.DB.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return value, true, nil
}

// SetSetting stores a setting and announces the change on the outbox (topic rules),
// so every node's search index picks it up.
func (s *Store) SetSetting(ctx context.Context, key, value string, at time.Time) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, db.Millis(at))
	if err != nil {
		return fmt.Errorf("store: set setting %s: %w", key, err)
	}
	return s.Emit(ctx, TopicRules, key)
}

// AddSynonyms stores a synonym group (terms joined by "|").
func (s *Store) AddSynonyms(ctx context.Context, terms, by string, at time.Time) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO search_synonyms (id, terms, created_by, created_at) VALUES (?, ?, ?, ?)`, db.NewID(), terms, by, db.Millis(at))
	if err != nil {
		return fmt.Errorf("store: add synonyms: %w", err)
	}
	return s.Emit(ctx, TopicRules, "synonyms")
}

// DeleteSynonyms removes a synonym group.
func (s *Store) DeleteSynonyms(ctx context.Context, id string) error {
	if !db.ValidID(id) {
		return nil
	}
	if _, err := s.DB.Exec(ctx, `DELETE FROM search_synonyms WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete synonyms: %w", err)
	}
	return s.Emit(ctx, TopicRules, "synonyms")
}
