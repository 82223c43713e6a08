// Package identity holds users, organisations, memberships with roles, API tokens and the
// rules for signing in: who the caller is (a Principal) and what each role may do.
package identity

import (
	"context"
	"slices"
	"time"
)

// OrgKind is the kind of an organisation.
type OrgKind string

// The three kinds of organisation.
const (
	Platform OrgKind = "platform" // the operator
	Supplier OrgKind = "supplier" // factories and brand distributors
	Buyer    OrgKind = "buyer"    // purchasing companies
)

// Role is a member's role inside an organisation.
type Role string

// Platform roles.
const (
	Admin               Role = "admin"
	OpsManager          Role = "ops_manager"          // 运营经理
	MerchantRecruitment Role = "merchant_recruitment" // 招商组
	Analyst             Role = "analyst"              // 推广及数据分析组
	CustomerService     Role = "customer_service"     // 客服组
)

// Supplier and buyer roles.
const (
	Owner     Role = "owner"
	Staff     Role = "staff"     // supplier staff
	Purchaser Role = "purchaser" // 采购员
	Approver  Role = "approver"
	Finance   Role = "finance"
)

// RolesFor lists the roles an organisation of kind may grant.
func RolesFor(kind OrgKind) []Role {
	switch kind {
	case Platform:
		return []Role{Admin, OpsManager, MerchantRecruitment, Analyst, CustomerService}
	case Supplier:
		return []Role{Owner, Staff}
	case Buyer:
		return []Role{Owner, Purchaser, Approver, Finance}
	}
	return nil
}

// ValidRole reports whether kind may grant role.
func ValidRole(kind OrgKind, role Role) bool { return slices.Contains(RolesFor(kind), role) }

// User statuses.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// User is a person who signs in. Any of Username, Mobile and Email identifies them.
type User struct {
	ID           string
	Username     string
	Mobile       string
	Email        string
	DisplayName  string
	PasswordHash string
	Lang         string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time
	// MustChangePassword: the password was chosen by someone else (an owner's new member,
	// an admin's new staff account); its owner must replace it before anything else.
	MustChangePassword bool
}

// Organisation statuses. A supplier is an applicant until its application is approved.
const (
	OrgActive    = "active"
	OrgApplying  = "applying"
	OrgRejected  = "rejected"
	OrgSuspended = "suspended" // selling stopped: expired credentials or a penalty
)

// Org is an organisation: the platform, a supplier company or a buyer company.
type Org struct {
	ID         string
	Kind       OrgKind
	Name       string
	CreditCode string
	Status     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Membership is a user's place in one organisation.
type Membership struct {
	Org   Org
	Roles []Role
}

// Member is a user as seen from their organisation's member list.
type Member struct {
	User  User
	Roles []Role
}

// Principal is the caller of a request: a user acting for one organisation with the roles
// they hold there. A nil *Principal is anonymous.
type Principal struct {
	User  User
	Org   Org
	Roles []Role
	// TokenID is set when the caller authenticated with an API token.
	TokenID string
}

// Has reports whether the principal holds any of roles in its organisation.
func (p *Principal) Has(roles ...Role) bool {
	if p == nil {
		return false
	}
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// Is reports whether the principal acts for an organisation of kind.
func (p *Principal) Is(kind OrgKind) bool { return p != nil && p.Org.Kind == kind }

// Token is an API token. The secret is shown once at creation; only its hash is kept.
type Token struct {
	ID         string
	OrgID      string
	UserID     string
	Name       string
	Prefix     string // the first characters, to recognise a token in lists
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Store persists identity. Methods taking an orgID only see that organisation's rows.
type Store interface {
	InviteStore
	CreateUser(ctx context.Context, u *User) error
	UserByID(ctx context.Context, id string) (*User, error)
	UserByLogin(ctx context.Context, login string) (*User, error)
	SetPassword(ctx context.Context, userID, hash string, at time.Time) error
	SetUserStatus(ctx context.Context, userID, status string, at time.Time) error
	TouchLogin(ctx context.Context, userID string, at time.Time) error

	CreateOrg(ctx context.Context, o *Org) error
	OrgByID(ctx context.Context, id string) (*Org, error)
	Orgs(ctx context.Context, kind OrgKind, limit int) ([]Org, error)
	AddRole(ctx context.Context, orgID, userID string, role Role, at time.Time) error
	Memberships(ctx context.Context, userID string) ([]Membership, error)
	Members(ctx context.Context, orgID string) ([]Member, error)
	// RemoveRole withdraws one role; withdrawing a role not held is a no-op.
	RemoveRole(ctx context.Context, orgID, userID string, role Role) error
	// LockOrg takes the organisation's row lock for the rest of the transaction, so
	// checks such as "never the last owner" hold under concurrency.
	LockOrg(ctx context.Context, orgID string, at time.Time) error

	CreateToken(ctx context.Context, t *Token, hash string) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	Tokens(ctx context.Context, orgID, userID string) ([]Token, error)
	RevokeToken(ctx context.Context, orgID, userID, id string, at time.Time) error
	TouchToken(ctx context.Context, id string, at time.Time) error

	// Hits counts an attempt against key in a fixed window and returns the count so far.
	Hits(ctx context.Context, key string, window time.Duration, now time.Time, add bool) (int64, error)
	ResetHits(ctx context.Context, key string) error
}
