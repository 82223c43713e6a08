// Package store implements the domain packages' store interfaces in SQL, for SQLite and
// PostgreSQL alike. SQL is written by hand next to the method that runs it, with ?
// placeholders; package db rebinds them and carries the transaction in the context.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// Store is the SQL store. It is safe for concurrent use.
type Store struct {
	DB *db.DB
}

// New returns a store over d.
func New(d *db.DB) *Store { return &Store{DB: d} }

// notFound maps sql.ErrNoRows to a NotFound error with key, and wraps anything else.
func notFound(err error, key, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, key)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

// jsonText encodes v for a TEXT column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: encode %T: %v", v, err))
	}
	return string(b)
}

// fromJSON decodes a TEXT column into v.
func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// strings runs a query of one text column and returns its values in order.
func (s *Store) strings(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := s.DB.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
