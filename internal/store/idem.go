package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/idem"
)

var _ idem.Store = (*Store)(nil)

// Begin claims an idempotency key; see idem.Store.
func (s *Store) Begin(ctx context.Context, scope, key, hash string, now time.Time, lock time.Duration) (*idem.Record, bool, error) {
	var rec *idem.Record
	started := false
	// A claim lost to a power failure is a request that never ran: it need not wait for
	// the disk (the run's own commit makes it durable; see db.Relaxed).
	err := s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		res, err := s.DB.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, state, created_at, locked_until)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO NOTHING`,
			scope, key, hash, idem.Running, db.Millis(now), db.Millis(now.Add(lock)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			started = true
			return nil
		}
		r := idem.Record{Scope: scope, Key: key}
		var status, created, locked int64
		var body []byte
		err = s.DB.QueryRow(ctx, `SELECT request_hash, state, response_status, response_type, response_body, created_at, locked_until
			FROM idempotency_keys WHERE scope = ? AND key = ?`, scope, key).Scan(&r.RequestHash, &r.State, &status, &r.ContentType, &body, &created, &locked)
		if err != nil {
			return err
		}
		r.Status, r.Body, r.CreatedAt, r.LockedUntil = int(status), body, db.Time(created), db.Time(locked)
		if r.State == idem.Running && r.RequestHash == hash && now.After(r.LockedUntil) {
			// The earlier run died without finishing: take the key over, once.
			res, err := s.DB.Exec(ctx, `UPDATE idempotency_keys SET locked_until = ? WHERE scope = ? AND key = ? AND state = ? AND locked_until = ?`,
				db.Millis(now.Add(lock)), scope, key, idem.Running, locked)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				started = true
				return nil
			}
		}
		rec = &r
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("store: idempotency begin: %w", err)
	}
	return rec, started, nil
}

// Finish stores a run's response.
func (s *Store) Finish(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
	_, err := s.DB.Exec(ctx, `UPDATE idempotency_keys SET state = ?, response_status = ?, response_type = ?, response_body = ?, locked_until = 0
		WHERE scope = ? AND key = ?`, idem.Done, status, contentType, body, scope, key)
	if err != nil {
		return fmt.Errorf("store: idempotency finish: %w", err)
	}
	return nil
}

// Abandon forgets a run that failed on the server's side.
func (s *Store) Abandon(ctx context.Context, scope, key string) error {
	return s.DB.WithTx(db.Relaxed(ctx), func(ctx context.Context) error {
		_, err := s.DB.Exec(ctx, `DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = ?`, scope, key, idem.Running)
		return err
	})
}

// Purge drops old records.
func (s *Store) Purge(ctx context.Context, before time.Time) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, db.Millis(before))
	return err
}
