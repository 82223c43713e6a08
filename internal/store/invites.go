package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

const inviteCols = `i.id, i.org_id, o.name, i.user_id, u.display_name, i.roles, i.invited_by, b.display_name, i.state, i.created_at, i.decided_at
	FROM member_invites i JOIN orgs o ON o.id = i.org_id JOIN users u ON u.id = i.user_id JOIN users b ON b.id = i.invited_by`

func scanInvite(sc interface{ Scan(...any) error }) (*identity.Invite, error) {
	var in identity.Invite
	var roles, state string
	var c, d int64
	if err := sc.Scan(&in.ID, &in.OrgID, &in.OrgName, &in.UserID, &in.UserName, &roles, &in.InvitedBy, &in.InviterName, &state, &c, &d); err != nil {
		return nil, err
	}
	for _, r := range strings.Split(roles, ",") {
		if r != "" {
			in.Roles = append(in.Roles, identity.Role(r))
		}
	}
	in.State, in.CreatedAt = identity.InviteState(state), db.Time(c)
	if d > 0 {
		in.DecidedAt = db.Time(d)
	}
	return &in, nil
}

func (s *Store) CreateInvite(ctx context.Context, in *identity.Invite) error {
	in.ID = db.NewID()
	roles := make([]string, len(in.Roles))
	for i, r := range in.Roles {
		roles[i] = string(r)
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO member_invites (id, org_id, user_id, roles, invited_by, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		in.ID, in.OrgID, in.UserID, strings.Join(roles, ","), in.InvitedBy, string(in.State), db.Millis(in.CreatedAt))
	if db.IsUniqueViolation(err) {
		e := errs.Field("login", "err.invite_pending")
		e.Code = errs.Conflict
		return e
	}
	if err != nil {
		return fmt.Errorf("store: create invite: %w", err)
	}
	return nil
}

func (s *Store) Invite(ctx context.Context, id string) (*identity.Invite, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	in, err := scanInvite(s.DB.QueryRow(ctx, `SELECT `+inviteCols+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "invite")
	}
	return in, nil
}

func (s *Store) Invites(ctx context.Context, orgID, userID string) ([]identity.Invite, error) {
	q, arg := `SELECT `+inviteCols+` WHERE i.state = 'pending' AND i.org_id = ? ORDER BY i.created_at DESC`, orgID
	if userID != "" {
		q, arg = `SELECT `+inviteCols+` WHERE i.state = 'pending' AND i.user_id = ? ORDER BY i.created_at DESC`, userID
	}
	rows, err := s.DB.Query(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("store: invites: %w", err)
	}
	defer rows.Close()
	var out []identity.Invite
	for rows.Next() {
		in, err := scanInvite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *in)
	}
	return out, rows.Err()
}

func (s *Store) DecideInvite(ctx context.Context, id string, state identity.InviteState, at time.Time) (bool, error) {
	res, err := s.DB.Exec(ctx, `UPDATE member_invites SET state = ?, decided_at = ? WHERE id = ? AND state = 'pending'`, string(state), db.Millis(at), id)
	if err != nil {
		return false, fmt.Errorf("store: decide invite: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
