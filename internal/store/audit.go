package store

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
)

var _ audit.Store = (*Store)(nil)

// Record appends an audit entry.
func (s *Store) Record(ctx context.Context, e *audit.Entry) error {
	ua := e.UserAgent
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, org_id, action, object_type, object_id, ip, user_agent, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.Millis(e.At), e.ActorID, e.ActorName, e.OrgID, e.Action, e.ObjectType, e.ObjectID, e.IP, ua, e.RequestID, e.Detail)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// List returns audit entries newest first.
func (s *Store) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT seq, at, actor_id, actor_name, org_id, action, object_type, object_id, ip, user_agent, request_id, detail FROM audit_log WHERE 1 = 1`
	var args []any
	if f.Action != "" {
		q += ` AND action LIKE ? ESCAPE '\'`
		args = append(args, db.Like(f.Action)+"%")
	}
	if f.ActorID != "" {
		q += ` AND actor_id = ?`
		args = append(args, f.ActorID)
	}
	if f.Before > 0 {
		q += ` AND seq < ?`
		args = append(args, f.Before)
	}
	q += ` ORDER BY seq DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.DB.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit list: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.OrgID, &e.Action, &e.ObjectType, &e.ObjectID, &e.IP, &e.UserAgent, &e.RequestID, &e.Detail); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
