package identity

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// MemberInput adds a person to the caller's company: an existing account found by Login
// (username, mobile or email), or, with Create, a new account opened with that mobile or
// email and a generated initial password shown once to the owner.
type MemberInput struct {
	Login       string
	DisplayName string // for a new account
	Create      bool
	Roles       []Role
}

// checkRoles validates a set of roles for an organisation kind and de-duplicates it.
func checkRoles(v *errs.Validator, kind OrgKind, roles []Role) []Role {
	var out []Role
	for _, r := range roles {
		if !ValidRole(kind, r) {
			v.Add("roles", "err.role_unknown", string(r))
			continue
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		v.Add("roles", "err.roles_required")
	}
	return out
}

// canManageMembers: owners of buyer and supplier companies manage their members; the
// platform's staff are managed by admins elsewhere.
func canManageMembers(p *Principal) bool {
	return p != nil && (p.Is(Buyer) || p.Is(Supplier)) && p.Has(Owner)
}

// initialPassword makes a readable 12-character password with letters and digits.
func initialPassword() (string, error) {
	const letters = "abcdefghjkmnpqrstuvwxyz"
	const digits = "23456789"
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	out := make([]byte, 12)
	for i, x := range b {
		set := letters
		if i%4 == 3 {
			set = digits
		}
		out[i] = set[int(x)%len(set)]
	}
	return string(out), nil
}

// Added is what AddMember did: opened a new account (with its initial password, shown
// once; only its hash is kept) or invited an existing one.
type Added struct {
	User     *User
	Password string  // a new account's initial password
	Invite   *Invite // an existing account's invitation
}

// AddMember adds a person to the owner's company: a new account becomes a member with
// its roles at once; an existing account is invited and becomes one when it accepts.
func (s *Service) AddMember(ctx context.Context, actor *Principal, in MemberInput) (*Added, error) {
	if !canManageMembers(actor) {
		return nil, errs.E(errs.Forbidden, "err.owner_only")
	}
	var v errs.Validator
	login := strings.TrimSpace(in.Login)
	roles := checkRoles(&v, actor.Org.Kind, in.Roles)
	var nu *User
	password := ""
	if in.Create {
		nu = &User{Lang: actor.User.Lang, Status: UserActive, MustChangePassword: true}
		if m, ok := cn.NormalizeMobile(login); ok {
			nu.Mobile = m
		} else if strings.Contains(login, "@") && len(login) <= 254 {
			nu.Email = strings.ToLower(login)
			if !strings.Contains(nu.Email[strings.Index(nu.Email, "@")+1:], ".") {
				v.Add("login", "err.email_format")
			}
		} else {
			v.Add("login", "err.login_format")
		}
		nu.DisplayName = checkName(&v, "display_name", in.DisplayName, 1, 40)
	} else if login == "" {
		v.Add("login", "err.required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.Create {
		var err error
		if password, err = initialPassword(); err != nil {
			return nil, fmt.Errorf("identity: password: %w", err)
		}
		if nu.PasswordHash, err = s.HashPassword(password); err != nil {
			return nil, fmt.Errorf("identity: hash: %w", err)
		}
	}
	var u *User
	var invited *Invite
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.Now()
		if in.Create {
			nu.CreatedAt, nu.UpdatedAt = now, now
			if err := s.Store.CreateUser(ctx, nu); err != nil {
				return err
			}
			u = nu
		} else {
			found, err := s.Store.UserByLogin(ctx, NormalizeLogin(login))
			if errs.Is(err, errs.NotFound) {
				return errs.Field("login", "err.member_no_account")
			}
			if err != nil {
				return err
			}
			if found.Status != UserActive {
				return errs.Field("login", "err.member_no_account")
			}
			ms, err := s.Store.Memberships(ctx, found.ID)
			if err != nil {
				return err
			}
			for _, m := range ms {
				if m.Org.ID == actor.Org.ID {
					e := errs.Field("login", "err.member_exists")
					e.Code = errs.Conflict
					return e
				}
			}
			// An existing account joins only on its own word: it is invited.
			u = found
			invited, err = s.invite(ctx, actor, found, roles)
			return err
		}
		for _, r := range roles {
			if err := s.Store.AddRole(ctx, actor.Org.ID, u.ID, r, now); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
			Action: "member.add", ObjectType: "user", ObjectID: u.ID, Detail: fmt.Sprint(roles)})
	})
	if err != nil {
		return nil, err
	}
	u.PasswordHash = ""
	return &Added{User: u, Password: password, Invite: invited}, nil
}

// member returns one member of the organisation, or NotFound.
func (s *Service) member(ctx context.Context, orgID, userID string) (*Member, []Member, error) {
	list, err := s.Store.Members(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		if list[i].User.ID == userID {
			return &list[i], list, nil
		}
	}
	return nil, nil, errs.E(errs.NotFound, "err.not_found")
}

func owners(list []Member) int {
	n := 0
	for _, m := range list {
		if slices.Contains(m.Roles, Owner) {
			n++
		}
	}
	return n
}

// SetMemberRoles replaces a member's roles. The company keeps at least one owner.
func (s *Service) SetMemberRoles(ctx context.Context, actor *Principal, userID string, roles []Role) error {
	if !canManageMembers(actor) {
		return errs.E(errs.Forbidden, "err.owner_only")
	}
	var v errs.Validator
	roles = checkRoles(&v, actor.Org.Kind, roles)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.Now()
		if err := s.Store.LockOrg(ctx, actor.Org.ID, now); err != nil {
			return err
		}
		m, list, err := s.member(ctx, actor.Org.ID, userID)
		if err != nil {
			return err
		}
		if slices.Contains(m.Roles, Owner) && !slices.Contains(roles, Owner) && owners(list) <= 1 {
			return errs.Field("roles", "err.last_owner")
		}
		for _, r := range m.Roles {
			if !slices.Contains(roles, r) {
				if err := s.Store.RemoveRole(ctx, actor.Org.ID, userID, r); err != nil {
					return err
				}
			}
		}
		for _, r := range roles {
			if err := s.Store.AddRole(ctx, actor.Org.ID, userID, r, now); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
			Action: "member.roles", ObjectType: "user", ObjectID: userID, Detail: fmt.Sprintf("%v → %v", m.Roles, roles)})
	})
}

// RemoveMember takes a member out of the company (their account stays). The last owner
// cannot be removed.
func (s *Service) RemoveMember(ctx context.Context, actor *Principal, userID string) error {
	if !canManageMembers(actor) {
		return errs.E(errs.Forbidden, "err.owner_only")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.LockOrg(ctx, actor.Org.ID, s.Now()); err != nil {
			return err
		}
		m, list, err := s.member(ctx, actor.Org.ID, userID)
		if err != nil {
			return err
		}
		if slices.Contains(m.Roles, Owner) && owners(list) <= 1 {
			return errs.E(errs.Conflict, "err.last_owner")
		}
		for _, r := range m.Roles {
			if err := s.Store.RemoveRole(ctx, actor.Org.ID, userID, r); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actor.User.ID, ActorName: actor.User.DisplayName, OrgID: actor.Org.ID,
			Action: "member.remove", ObjectType: "user", ObjectID: userID, Detail: fmt.Sprint(m.Roles)})
	})
}

// Members lists the caller's company's members.
func (s *Service) Members(ctx context.Context, p *Principal) ([]Member, error) {
	return s.Store.Members(ctx, p.Org.ID)
}
