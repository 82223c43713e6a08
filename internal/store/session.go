package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
)

// Sessions keeps web sessions in the database so that any node can serve any request. It
// implements scs.CtxStore.
type Sessions struct{ DB *db.DB }

// FindCtx returns a session's data if it exists and has not expired.
func (s Sessions) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.DB.QueryRow(ctx, `SELECT data FROM sessions WHERE token = ? AND expiry > ?`, token, db.Millis(time.Now())).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx saves a session.
func (s Sessions) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, db.Millis(expiry))
	return err
}

// DeleteCtx removes a session.
func (s Sessions) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// Find implements scs.Store.
func (s Sessions) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (s Sessions) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (s Sessions) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// Sweep deletes expired sessions; any node may run it.
func (s Sessions) Sweep(ctx context.Context) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, db.Millis(time.Now()))
	return err
}
