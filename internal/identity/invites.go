package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// Invite is an owner's offer of membership to an existing account. Nobody is put into a
// company without their word: the person accepts or declines it signed in as themselves,
// and the owner may withdraw it while it waits.
type Invite struct {
	ID          string
	OrgID       string
	OrgName     string
	UserID      string
	UserName    string // the invited person's display name
	Roles       []Role
	InvitedBy   string
	InviterName string
	State       InviteState
	CreatedAt   time.Time
	DecidedAt   time.Time
}

// InviteState is where an invitation stands.
type InviteState string

// The invitation states.
const (
	InvitePending  InviteState = "pending"
	InviteAccepted InviteState = "accepted"
	InviteDeclined InviteState = "declined"
	InviteRevoked  InviteState = "revoked"
)

// InviteStore keeps invitations.
type InviteStore interface {
	// CreateInvite stores a pending invitation; a pending one for the same company and
	// person already there is a Conflict.
	CreateInvite(ctx context.Context, in *Invite) error
	Invite(ctx context.Context, id string) (*Invite, error)
	// Invites lists pending invitations of a company (orgID) or to a person (userID).
	Invites(ctx context.Context, orgID, userID string) ([]Invite, error)
	// DecideInvite moves a pending invitation to state; false when it was no longer
	// pending.
	DecideInvite(ctx context.Context, id string, state InviteState, at time.Time) (bool, error)
}

// invite offers membership with roles of the actor's company to an existing account, in
// the caller's transaction.
func (s *Service) invite(ctx context.Context, actor *Principal, u *User, roles []Role) (*Invite, error) {
	in := &Invite{OrgID: actor.Org.ID, OrgName: actor.Org.Name, UserID: u.ID, UserName: u.DisplayName, Roles: roles,
		InvitedBy: actor.User.ID, InviterName: actor.User.DisplayName, State: InvitePending, CreatedAt: s.Now()}
	if err := s.Store.CreateInvite(ctx, in); err != nil {
		return nil, err
	}
	if err := audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
		Action: "member.invite", ObjectType: "user", ObjectID: u.ID, Detail: fmt.Sprint(roles)}); err != nil {
		return nil, err
	}
	return in, nil
}

// PendingInvites lists the company's invitations waiting for an answer (owners only).
func (s *Service) PendingInvites(ctx context.Context, p *Principal) ([]Invite, error) {
	if !canManageMembers(p) {
		return nil, errs.E(errs.Forbidden, "err.owner_only")
	}
	return s.Store.Invites(ctx, p.Org.ID, "")
}

// MyInvites lists the invitations waiting for the signed-in person's answer.
func (s *Service) MyInvites(ctx context.Context, p *Principal) ([]Invite, error) {
	if p == nil {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	return s.Store.Invites(ctx, "", p.User.ID)
}

// AnswerInvite accepts or declines an invitation to the signed-in person; accepting
// gives them the roles offered. Another person's invitation is a 404; an answered or
// withdrawn one is a Conflict and changes nothing.
func (s *Service) AnswerInvite(ctx context.Context, p *Principal, id string, accept bool) (*Invite, error) {
	if p == nil {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	var in *Invite
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if in, err = s.Store.Invite(ctx, id); err != nil {
			return err
		}
		if in.UserID != p.User.ID {
			return errs.E(errs.NotFound, "err.not_found")
		}
		to := InviteDeclined
		if accept {
			to = InviteAccepted
		}
		now := s.Now()
		ok, err := s.Store.DecideInvite(ctx, id, to, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "err.invite_answered")
		}
		in.State, in.DecidedAt = to, now
		if accept {
			for _, r := range in.Roles {
				if err := s.Store.AddRole(ctx, in.OrgID, p.User.ID, r, now); err != nil {
					return err
				}
			}
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: in.OrgID,
			Action: "member.invite." + string(to), ObjectType: "invite", ObjectID: id})
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// RevokeInvite withdraws a pending invitation of the owner's company.
func (s *Service) RevokeInvite(ctx context.Context, p *Principal, id string) error {
	if !canManageMembers(p) {
		return errs.E(errs.Forbidden, "err.owner_only")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		in, err := s.Store.Invite(ctx, id)
		if err != nil {
			return err
		}
		if in.OrgID != p.Org.ID {
			return errs.E(errs.NotFound, "err.not_found")
		}
		ok, err := s.Store.DecideInvite(ctx, id, InviteRevoked, s.Now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "err.invite_answered")
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID,
			Action: "member.invite.revoke", ObjectType: "invite", ObjectID: id})
	})
}
