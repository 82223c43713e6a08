package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

var _ identity.Store = (*Store)(nil)

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUser inserts a user; a taken username, mobile or email is a Conflict naming it.
func (s *Store) CreateUser(ctx context.Context, u *identity.User) error {
	if u.ID == "" {
		u.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO users (id, username, mobile, email, display_name, password_hash, lang, status, created_at, updated_at, must_change_password)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, nullable(u.Username), nullable(u.Mobile), nullable(u.Email), u.DisplayName, u.PasswordHash, u.Lang, u.Status,
		db.Millis(u.CreatedAt), db.Millis(u.UpdatedAt), u.MustChangePassword)
	if db.IsUniqueViolation(err) {
		field := "login"
		msg := err.Error()
		switch {
		case strings.Contains(msg, "username"):
			field = "username"
		}
		e := errs.Field(field, "err.login_taken")
		e.Code = errs.Conflict
		return e
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

const userCols = `id, COALESCE(username, ''), COALESCE(mobile, ''), COALESCE(email, ''), display_name, password_hash, lang, status, created_at, updated_at, last_login_at, must_change_password`

func scanUser(row interface{ Scan(...any) error }) (*identity.User, error) {
	var u identity.User
	var c, up, ll int64
	if err := row.Scan(&u.ID, &u.Username, &u.Mobile, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Lang, &u.Status, &c, &up, &ll, &u.MustChangePassword); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt, u.LastLoginAt = db.Time(c), db.Time(up), db.Time(ll)
	return &u, nil
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id string) (*identity.User, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.user_not_found")
	}
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.user_not_found", "user by id")
	}
	return u, nil
}

// UserByLogin finds a user by username, mobile or email (already normalised).
func (s *Store) UserByLogin(ctx context.Context, login string) (*identity.User, error) {
	u, err := scanUser(s.DB.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ? OR mobile = ? OR email = ? LIMIT 1`, login, login, login))
	if err != nil {
		return nil, notFound(err, "err.user_not_found", "user by login")
	}
	return u, nil
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, userID, hash string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	return s.execOne(ctx, "err.user_not_found", `UPDATE users SET password_hash = ?, updated_at = ?, must_change_password = FALSE WHERE id = ?`, hash, db.Millis(at), userID)
}

// SetUserStatus enables or disables a user.
func (s *Store) SetUserStatus(ctx context.Context, userID, status string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	return s.execOne(ctx, "err.user_not_found", `UPDATE users SET status = ?, updated_at = ? WHERE id = ?`, status, db.Millis(at), userID)
}

// TouchLogin records a successful login time.
func (s *Store) TouchLogin(ctx context.Context, userID string, at time.Time) error {
	return s.execOne(ctx, "err.user_not_found", `UPDATE users SET last_login_at = ? WHERE id = ?`, db.Millis(at), userID)
}

// execOne runs an UPDATE that must touch exactly one row; none is NotFound with key.
func (s *Store) execOne(ctx context.Context, key, q string, args ...any) error {
	res, err := s.DB.Exec(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, key)
	}
	return nil
}

// CreateOrg inserts an organisation.
func (s *Store) CreateOrg(ctx context.Context, o *identity.Org) error {
	if o.ID == "" {
		o.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO orgs (id, kind, name, credit_code, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		o.ID, string(o.Kind), o.Name, nullable(o.CreditCode), o.Status, db.Millis(o.CreatedAt), db.Millis(o.UpdatedAt))
	if db.IsUniqueViolation(err) {
		e := errs.Field("credit_code", "err.credit_code_taken")
		e.Code = errs.Conflict
		return e
	}
	if err != nil {
		return fmt.Errorf("store: create org: %w", err)
	}
	return nil
}

const orgCols = `o.id, o.kind, o.name, COALESCE(o.credit_code, ''), o.status, o.created_at, o.updated_at`

func scanOrg(dst *identity.Org, kind *string, c, u *int64) []any {
	return []any{&dst.ID, kind, &dst.Name, &dst.CreditCode, &dst.Status, c, u}
}

// OrgByID returns an organisation.
func (s *Store) OrgByID(ctx context.Context, id string) (*identity.Org, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	var o identity.Org
	var kind string
	var c, u int64
	if err := s.DB.QueryRow(ctx, `SELECT `+orgCols+` FROM orgs o WHERE o.id = ?`, id).Scan(scanOrg(&o, &kind, &c, &u)...); err != nil {
		return nil, notFound(err, "err.not_found", "org by id")
	}
	o.Kind, o.CreatedAt, o.UpdatedAt = identity.OrgKind(kind), db.Time(c), db.Time(u)
	return &o, nil
}

// Orgs lists organisations of a kind, oldest first.
func (s *Store) Orgs(ctx context.Context, kind identity.OrgKind, limit int) ([]identity.Org, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+orgCols+` FROM orgs o WHERE o.kind = ? ORDER BY o.created_at, o.id LIMIT ?`, string(kind), limit)
	if err != nil {
		return nil, fmt.Errorf("store: orgs: %w", err)
	}
	defer rows.Close()
	var out []identity.Org
	for rows.Next() {
		var o identity.Org
		var k string
		var c, u int64
		if err := rows.Scan(scanOrg(&o, &k, &c, &u)...); err != nil {
			return nil, err
		}
		o.Kind, o.CreatedAt, o.UpdatedAt = identity.OrgKind(k), db.Time(c), db.Time(u)
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddRole grants a role; granting one already held is a no-op.
func (s *Store) AddRole(ctx context.Context, orgID, userID string, role identity.Role, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	_, err := s.DB.Exec(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		orgID, userID, string(role), db.Millis(at))
	if err != nil {
		return fmt.Errorf("store: add role: %w", err)
	}
	return nil
}

// Memberships lists a user's organisations with their roles, platform first.
func (s *Store) Memberships(ctx context.Context, userID string) ([]identity.Membership, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+orgCols+`, m.role FROM memberships m JOIN orgs o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY CASE o.kind WHEN 'platform' THEN 0 WHEN 'supplier' THEN 1 ELSE 2 END, o.created_at, o.id, m.role`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	defer rows.Close()
	var out []identity.Membership
	for rows.Next() {
		var o identity.Org
		var k, role string
		var c, u int64
		if err := rows.Scan(append(scanOrg(&o, &k, &c, &u), &role)...); err != nil {
			return nil, err
		}
		o.Kind, o.CreatedAt, o.UpdatedAt = identity.OrgKind(k), db.Time(c), db.Time(u)
		if n := len(out); n > 0 && out[n-1].Org.ID == o.ID {
			out[n-1].Roles = append(out[n-1].Roles, identity.Role(role))
			continue
		}
		out = append(out, identity.Membership{Org: o, Roles: []identity.Role{identity.Role(role)}})
	}
	return out, rows.Err()
}

// Members lists an organisation's users with their roles.
func (s *Store) Members(ctx context.Context, orgID string) ([]identity.Member, error) {
	rows, err := s.DB.Query(ctx, `SELECT u.id, COALESCE(u.username, ''), COALESCE(u.mobile, ''), COALESCE(u.email, ''), u.display_name, u.password_hash, u.lang, u.status, u.created_at, u.updated_at, u.last_login_at, m.role
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY u.created_at, u.id, m.role`, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	defer rows.Close()
	var out []identity.Member
	for rows.Next() {
		var u identity.User
		var c, up, ll int64
		var role string
		if err := rows.Scan(&u.ID, &u.Username, &u.Mobile, &u.Email, &u.DisplayName, &u.PasswordHash, &u.Lang, &u.Status, &c, &up, &ll, &role); err != nil {
			return nil, err
		}
		u.CreatedAt, u.UpdatedAt, u.LastLoginAt = db.Time(c), db.Time(up), db.Time(ll)
		u.PasswordHash = ""
		if n := len(out); n > 0 && out[n-1].User.ID == u.ID {
			out[n-1].Roles = append(out[n-1].Roles, identity.Role(role))
			continue
		}
		out = append(out, identity.Member{User: u, Roles: []identity.Role{identity.Role(role)}})
	}
	return out, rows.Err()
}

// CreateToken stores a token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, t *identity.Token, hash string) error {
	if t.ID == "" {
		t.ID = db.NewID()
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.OrgID, t.UserID, t.Name, t.Prefix, hash, db.Millis(t.CreatedAt), db.Millis(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

const tokenCols = `id, org_id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*identity.Token, error) {
	var t identity.Token
	var c, e, l, r int64
	if err := row.Scan(&t.ID, &t.OrgID, &t.UserID, &t.Name, &t.Prefix, &c, &e, &l, &r); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = db.Time(c), db.Time(e), db.Time(l), db.Time(r)
	return &t, nil
}

// TokenByHash finds a token by its secret's hash.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*identity.Token, error) {
	t, err := scanToken(s.DB.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash))
	if err != nil {
		return nil, notFound(err, "err.token_invalid", "token by hash")
	}
	return t, nil
}

// Tokens lists one user's tokens in one organisation, newest first.
func (s *Store) Tokens(ctx context.Context, orgID, userID string) ([]identity.Token, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE org_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC`, orgID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var out []identity.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token of that user in that organisation; any other is NotFound.
func (s *Store) RevokeToken(ctx context.Context, orgID, userID, id string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	return s.execOne(ctx, "err.not_found", `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND org_id = ? AND user_id = ? AND revoked_at = 0`,
		db.Millis(at), id, orgID, userID)
}

// TouchToken records a token's use.
func (s *Store) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.DB.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, db.Millis(at), id)
	return err
}

// Hits counts attempts against key in a fixed window starting at the first attempt. With
// add it records one more attempt; without, it only reads.
func (s *Store) Hits(ctx context.Context, key string, window time.Duration, now time.Time, add bool) (int64, error) {
	cutoff := db.Millis(now.Add(-window))
	if !add {
		var n, start int64
		err := s.DB.QueryRow(ctx, `SELECT hits, window_start FROM rate_limits WHERE key = ?`, key).Scan(&n, &start)
		if err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 0, nil
			}
			return 0, fmt.Errorf("store: hits: %w", err)
		}
		if start < cutoff {
			return 0, nil
		}
		return n, nil
	}
	var n int64
	err := s.DB.QueryRow(ctx, `INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start < ? THEN 1 ELSE rate_limits.hits + 1 END,
			window_start = CASE WHEN rate_limits.window_start < ? THEN excluded.window_start ELSE rate_limits.window_start END
		RETURNING hits`, key, db.Millis(now), cutoff, cutoff).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: hit: %w", err)
	}
	return n, nil
}

// ResetHits forgets the attempts against key.
func (s *Store) ResetHits(ctx context.Context, key string) error {
	_, err := s.DB.Exec(ctx, `DELETE FROM rate_limits WHERE key = ?`, key)
	return err
}

// RemoveRole withdraws a role; withdrawing one not held is a no-op.
func (s *Store) RemoveRole(ctx context.Context, orgID, userID string, role identity.Role) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	if _, err := s.DB.Exec(ctx, `DELETE FROM memberships WHERE org_id = ? AND user_id = ? AND role = ?`, orgID, userID, string(role)); err != nil {
		return fmt.Errorf("store: remove role: %w", err)
	}
	return nil
}

// LockOrg touches the organisation's row, which holds its lock (PostgreSQL) until the
// transaction ends; SQLite's writer is already alone.
func (s *Store) LockOrg(ctx context.Context, orgID string, at time.Time) error {
	defer s.DB.Changed(ctx, identity.Generation) // after the write: the token cache drops its principals
	return s.execOne(ctx, "err.not_found", `UPDATE orgs SET updated_at = ? WHERE id = ?`, db.Millis(at), orgID)
}
