package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/notify"
)

var _ notify.Store = (*Store)(nil)

// AddMessage stores a message.
func (s *Store) AddMessage(ctx context.Context, m *notify.Message) error {
	if m.ID == "" {
		m.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO messages (id, org_id, kind, msg_key, args, link, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.OrgID, m.Kind, m.Key, jsonText(m.Args), m.Link, db.Millis(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	return nil
}

// Messages lists an organisation's newest messages and counts the unread ones.
func (s *Store) Messages(ctx context.Context, orgID string, limit int) ([]notify.Message, int64, error) {
	var unread int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE org_id = ? AND read_at = 0`, orgID).Scan(&unread); err != nil {
		return nil, 0, fmt.Errorf("store: unread: %w", err)
	}
	rows, err := s.DB.Query(ctx, `SELECT id, org_id, kind, msg_key, args, link, created_at, read_at FROM messages WHERE org_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, orgID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: messages: %w", err)
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		var args string
		var c, r int64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.Kind, &m.Key, &args, &m.Link, &c, &r); err != nil {
			return nil, 0, err
		}
		if err := fromJSON(args, &m.Args); err != nil {
			return nil, 0, err
		}
		m.CreatedAt, m.ReadAt = db.Time(c), db.Time(r)
		out = append(out, m)
	}
	return out, unread, rows.Err()
}

// MarkRead marks a message of the organisation read.
func (s *Store) MarkRead(ctx context.Context, orgID, id string, at time.Time) error {
	if !db.ValidID(id) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.execOne(ctx, "err.not_found", `UPDATE messages SET read_at = CASE WHEN read_at = 0 THEN ? ELSE read_at END WHERE id = ? AND org_id = ?`, db.Millis(at), id, orgID)
}
