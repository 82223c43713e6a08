package store

import (
	"context"
	"database/sql"
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

// UnreadCount counts an organisation's unread messages.
func (s *Store) UnreadCount(ctx context.Context, orgID string) (int64, error) {
	var n int64
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM messages WHERE org_id = ? AND read_at = 0`, orgID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unread: %w", err)
	}
	return n, nil
}

var _ notify.DeliveryStore = (*Store)(nil)

// Recipients lists an organisation's active members with their preference for kind.
func (s *Store) Recipients(ctx context.Context, orgID, kind string) ([]notify.Recipient, error) {
	rows, err := s.DB.Query(ctx, `SELECT DISTINCT u.id, COALESCE(u.email, ''), COALESCE(u.mobile, ''), u.lang, p.email, p.sms
		FROM memberships m JOIN users u ON u.id = m.user_id
		LEFT JOIN notify_prefs p ON p.user_id = u.id AND p.kind = ?
		WHERE m.org_id = ? AND u.status = 'active' ORDER BY u.id`, kind, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: recipients: %w", err)
	}
	defer rows.Close()
	var out []notify.Recipient
	for rows.Next() {
		var r notify.Recipient
		var email, sms sql.NullBool
		if err := rows.Scan(&r.UserID, &r.Email, &r.Mobile, &r.Lang, &email, &sms); err != nil {
			return nil, err
		}
		if email.Valid {
			r.Pref = &notify.Pref{Email: email.Bool, SMS: sms.Bool}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Prefs returns a user's stored preferences by kind.
func (s *Store) Prefs(ctx context.Context, userID string) (map[string]notify.Pref, error) {
	rows, err := s.DB.Query(ctx, `SELECT kind, email, sms FROM notify_prefs WHERE user_id = ?`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: prefs: %w", err)
	}
	defer rows.Close()
	out := map[string]notify.Pref{}
	for rows.Next() {
		var k string
		var p notify.Pref
		if err := rows.Scan(&k, &p.Email, &p.SMS); err != nil {
			return nil, err
		}
		out[k] = p
	}
	return out, rows.Err()
}

// SetPref stores one preference.
func (s *Store) SetPref(ctx context.Context, userID, kind string, p notify.Pref) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO notify_prefs (user_id, kind, email, sms) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email, sms = excluded.sms`, userID, kind, p.Email, p.SMS)
	if err != nil {
		return fmt.Errorf("store: set pref: %w", err)
	}
	return nil
}

// AddDelivery records a delivery.
func (s *Store) AddDelivery(ctx context.Context, d *notify.Delivery) error {
	_, err := s.DB.Exec(ctx, `INSERT INTO notify_deliveries (id, message_id, org_id, user_id, channel, address, subject, body, state, attempts, last_error, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, d.ID, d.MessageID, d.OrgID, d.UserID, d.Channel, d.Address, d.Subject, d.Body, d.State, d.Attempts, d.LastError,
		db.Millis(d.CreatedAt), db.Millis(d.SentAt))
	if err != nil {
		return fmt.Errorf("store: add delivery: %w", err)
	}
	return nil
}

const deliveryCols = `SELECT id, message_id, org_id, user_id, channel, address, subject, body, state, attempts, last_error, created_at, sent_at FROM notify_deliveries`

func scanDelivery(r rowScanner) (*notify.Delivery, error) {
	var d notify.Delivery
	var created, sent int64
	if err := r.Scan(&d.ID, &d.MessageID, &d.OrgID, &d.UserID, &d.Channel, &d.Address, &d.Subject, &d.Body, &d.State, &d.Attempts, &d.LastError, &created, &sent); err != nil {
		return nil, err
	}
	d.CreatedAt, d.SentAt = db.Time(created), db.Time(sent)
	return &d, nil
}

// Delivery returns one delivery.
func (s *Store) Delivery(ctx context.Context, id string) (*notify.Delivery, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	d, err := scanDelivery(s.DB.QueryRow(ctx, deliveryCols+` WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "delivery")
	}
	return d, nil
}

// SetDelivery records an attempt's outcome.
func (s *Store) SetDelivery(ctx context.Context, id, state, lastError string, attempts int, sentAt time.Time) error {
	_, err := s.DB.Exec(ctx, `UPDATE notify_deliveries SET state = ?, last_error = ?, attempts = ?, sent_at = ? WHERE id = ?`, state, lastError, attempts, db.Millis(sentAt), id)
	if err != nil {
		return fmt.Errorf("store: set delivery: %w", err)
	}
	return nil
}

// Deliveries lists the newest deliveries.
func (s *Store) Deliveries(ctx context.Context, limit int) ([]notify.Delivery, error) {
	rows, err := s.DB.Query(ctx, deliveryCols+fmt.Sprintf(` ORDER BY created_at DESC, id DESC LIMIT %d`, limit))
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []notify.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}
