package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// Login throttling: failures allowed per window, per account and per client address.
const (
	LoginWindow       = 15 * time.Minute
	LoginFailsAccount = 5
	LoginFailsIP      = 30
)

// Service runs identity's use cases. Every method that changes state does it in one
// transaction together with its audit record.
type Service struct {
	DB     *db.DB
	Store  Store
	Audit  audit.Store
	Now    func() time.Time
	Params *argon2id.Params // nil for argon2id's recommended defaults
	dummy  string
	tokens tokenCache
}

// NewService wires a service; now may be nil for the wall clock.
func NewService(d *db.DB, st Store, au audit.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{DB: d, Store: st, Audit: au, Now: now}
}

func (s *Service) params() *argon2id.Params {
	if s.Params != nil {
		return s.Params
	}
	return argon2id.DefaultParams
}

// HashPassword hashes a password with argon2id.
func (s *Service) HashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, s.params())
}

var usernameRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// NormalizeLogin lower-cases and trims a login name, and normalises a mobile number.
func NormalizeLogin(login string) string {
	login = strings.TrimSpace(login)
	if m, ok := cn.NormalizeMobile(login); ok {
		return m
	}
	return strings.ToLower(login)
}

// checkPassword validates a new password's strength.
func checkPassword(v *errs.Validator, field, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < 8:
		v.Add(field, "err.password_short", 8)
	case n > 72:
		v.Add(field, "err.password_long", 72)
	case !strings.ContainsAny(pw, "0123456789") || strings.IndexFunc(pw, func(r rune) bool { return r < '0' || r > '9' }) < 0:
		v.Add(field, "err.password_weak")
	}
}

func checkName(v *errs.Validator, field, s string, min, max int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		v.Add(field, "err.required")
	case n < min:
		v.Add(field, "err.too_short", min)
	case n > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '<' || r == '>' }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// RegisterInput is what a new company fills in to open an account.
type RegisterInput struct {
	Kind        OrgKind // Buyer (default) or Supplier (an applicant until approved)
	Login       string  // mobile or email
	Password    string
	DisplayName string
	CompanyName string
	CreditCode  string // optional at registration; checked when given
	Lang        string
}

// build checks the input and returns the user and organisation it describes.
func (in RegisterInput) build() (*User, *Org, error) {
	var v errs.Validator
	u := &User{Lang: in.Lang, Status: UserActive}
	login := strings.TrimSpace(in.Login)
	if login == "" {
		v.Add("login", "err.required")
	} else if m, ok := cn.NormalizeMobile(login); ok {
		u.Mobile = m
	} else if strings.Contains(login, "@") {
		addr, err := mail.ParseAddress(login)
		if err != nil || addr.Address != login || len(login) > 254 {
			v.Add("login", "err.email_format")
		} else {
			u.Email = strings.ToLower(login)
		}
	} else {
		v.Add("login", "err.login_format")
	}
	checkPassword(&v, "password", in.Password)
	u.DisplayName = checkName(&v, "display_name", in.DisplayName, 1, 40)
	o := &Org{Kind: Buyer, Status: "active"}
	if in.Kind == Supplier {
		o.Kind, o.Status = Supplier, OrgApplying
	}
	o.Name = checkName(&v, "company_name", in.CompanyName, 2, 100)
	if strings.TrimSpace(in.CreditCode) != "" {
		code := cn.NormalizeCreditCode(in.CreditCode)
		if err := cn.ValidCreditCode(code); err != nil {
			v.Add("credit_code", "err.credit_code")
		}
		o.CreditCode = code
	}
	return u, o, v.Err()
}

// Validate checks the input without writing anything, so a form can report its own
// fields' errors together with these.
func (in RegisterInput) Validate() error {
	_, _, err := in.build()
	return err
}

// Register creates a user, their company and the user's owner role, all or nothing. It
// joins the caller's transaction, so onboarding can add its own rows atomically.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*User, *Org, error) {
	u, o, err := in.build()
	if err != nil {
		return nil, nil, err
	}
	if u.Lang != "en" {
		u.Lang = "zh-CN"
	}
	hash, err := s.HashPassword(in.Password)
	if err != nil {
		return nil, nil, fmt.Errorf("identity: hash: %w", err)
	}
	u.PasswordHash = hash
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.Now()
		u.CreatedAt, u.UpdatedAt, o.CreatedAt, o.UpdatedAt = now, now, now, now
		if err := s.Store.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := s.Store.CreateOrg(ctx, o); err != nil {
			return err
		}
		if err := s.Store.AddRole(ctx, o.ID, u.ID, Owner, now); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: u.ID, ActorName: u.DisplayName, OrgID: o.ID, Action: "user.register", ObjectType: "org", ObjectID: o.ID})
	})
	if err != nil {
		return nil, nil, err
	}
	return u, o, nil
}

// Login checks a password. Failures are throttled per account and per client address,
// and every attempt is audited.
func (s *Service) Login(ctx context.Context, login, password string) (*User, error) {
	login = NormalizeLogin(login)
	var v errs.Validator
	v.Check(login != "", "login", "err.required")
	v.Check(password != "", "password", "err.required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if len(login) > 254 || len(password) > 1024 {
		return nil, errs.E(errs.Unauthorized, "err.login_failed")
	}
	now := s.Now()
	acctKey := "login:acct:" + login
	ip := audit.MetaFrom(ctx).IP
	ipKey := "login:ip:" + ip
	if n, err := s.Store.Hits(ctx, acctKey, LoginWindow, now, false); err != nil {
		return nil, err
	} else if n >= LoginFailsAccount {
		s.logSecurity(ctx, "login.locked", "", login)
		return nil, errs.E(errs.RateLimited, "err.login_locked", int(LoginWindow.Minutes()))
	}
	if n, err := s.Store.Hits(ctx, ipKey, LoginWindow, now, false); err != nil {
		return nil, err
	} else if n >= LoginFailsIP {
		s.logSecurity(ctx, "login.ip_throttled", "", ip)
		return nil, errs.E(errs.RateLimited, "err.login_locked", int(LoginWindow.Minutes()))
	}
	u, err := s.Store.UserByLogin(ctx, login)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	ok := false
	if u != nil {
		ok, err = argon2id.ComparePasswordAndHash(password, u.PasswordHash)
		if err != nil {
			return nil, fmt.Errorf("identity: compare: %w", err)
		}
	} else {
		// Spend the same time on unknown accounts as on known ones.
		if s.dummy == "" {
			s.dummy, _ = s.HashPassword("zhuchao-timing-equaliser")
		}
		_, _ = argon2id.ComparePasswordAndHash(password, s.dummy)
	}
	if !ok || u.Status != UserActive {
		if err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			if _, err := s.Store.Hits(ctx, acctKey, LoginWindow, now, true); err != nil {
				return err
			}
			if _, err := s.Store.Hits(ctx, ipKey, LoginWindow, now, true); err != nil {
				return err
			}
			e := audit.Entry{Action: "login.failed", Detail: maskLogin(login)}
			if u != nil {
				e.ActorID, e.ActorName = u.ID, u.DisplayName
				if u.Status != UserActive {
					e.Action = "login.disabled"
				}
			}
			return audit.Log(ctx, s.Audit, e)
		}); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Unauthorized, "err.login_failed")
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.ResetHits(ctx, acctKey); err != nil {
			return err
		}
		if err := s.Store.TouchLogin(ctx, u.ID, now); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: u.ID, ActorName: u.DisplayName, Action: "login.ok"})
	})
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = now
	return u, nil
}

func (s *Service) logSecurity(ctx context.Context, action, actorID, detail string) {
	_ = s.DB.WithTx(ctx, func(ctx context.Context) error {
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: actorID, Action: action, Detail: maskLogin(detail)})
	})
}

// maskLogin keeps enough of a login to recognise it without writing it out in full.
func maskLogin(s string) string {
	if m, ok := cn.NormalizeMobile(s); ok {
		return cn.MaskMobile(m)
	}
	r := []rune(s)
	if len(r) <= 4 {
		return s
	}
	return string(r[:3]) + strings.Repeat("*", min(len(r)-3, 8))
}

// Logout records the end of a session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil {
		return nil
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "logout"})
	})
}

// Principal returns the caller acting for orgID, or for their first organisation when
// orgID is "" or no longer theirs. A disabled user has no principal.
func (s *Service) Principal(ctx context.Context, userID, orgID string) (*Principal, error) {
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Status != UserActive {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	ms, err := s.Store.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, errs.E(errs.Forbidden, "err.no_org")
	}
	m := ms[0]
	for _, x := range ms {
		if x.Org.ID == orgID {
			m = x
		}
	}
	return &Principal{User: *u, Org: m.Org, Roles: m.Roles}, nil
}

// Memberships lists the organisations a user belongs to.
func (s *Service) Memberships(ctx context.Context, userID string) ([]Membership, error) {
	return s.Store.Memberships(ctx, userID)
}

// ChangePassword lets a signed-in user change their own password.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	var v errs.Validator
	ok, err := argon2id.ComparePasswordAndHash(current, p.User.PasswordHash)
	if err != nil {
		return fmt.Errorf("identity: compare: %w", err)
	}
	v.Check(ok, "current_password", "err.password_wrong")
	checkPassword(&v, "new_password", next)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := s.HashPassword(next)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetPassword(ctx, p.User.ID, hash, s.Now()); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "password.change", ObjectType: "user", ObjectID: p.User.ID})
	})
}

// StaffInput creates a platform staff account.
type StaffInput struct {
	Username    string
	DisplayName string
	Password    string
	Roles       []Role
}

// CreateStaff creates a platform staff user in the platform organisation. actor is nil
// when run from the command line.
func (s *Service) CreateStaff(ctx context.Context, actor *Principal, in StaffInput) (*User, error) {
	if actor != nil && !actor.Has(Admin) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var v errs.Validator
	username := strings.ToLower(strings.TrimSpace(in.Username))
	v.Check(usernameRe.MatchString(username), "username", "err.username_format")
	name := checkName(&v, "display_name", in.DisplayName, 1, 40)
	checkPassword(&v, "password", in.Password)
	if len(in.Roles) == 0 {
		v.Add("roles", "err.required")
	}
	for _, r := range in.Roles {
		v.Check(ValidRole(Platform, r), "roles", "err.role_unknown", string(r))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hash, err := s.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	// An admin chose this password; the bootstrap command's user chose their own.
	u := &User{Username: username, DisplayName: name, PasswordHash: hash, Lang: "zh-CN", Status: UserActive, MustChangePassword: actor != nil}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		plat, err := s.PlatformOrg(ctx)
		if err != nil {
			return err
		}
		now := s.Now()
		u.CreatedAt, u.UpdatedAt = now, now
		if err := s.Store.CreateUser(ctx, u); err != nil {
			return err
		}
		for _, r := range in.Roles {
			if err := s.Store.AddRole(ctx, plat.ID, u.ID, r, now); err != nil {
				return err
			}
		}
		e := audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: u.ID, OrgID: plat.ID, Detail: fmt.Sprint(in.Roles)}
		if actor != nil {
			e.ActorID, e.ActorName = actor.User.ID, actor.User.DisplayName
		} else {
			e.ActorName = "cli"
		}
		return audit.Log(ctx, s.Audit, e)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// PlatformOrg returns the operator's organisation, creating it on first use.
func (s *Service) PlatformOrg(ctx context.Context) (*Org, error) {
	orgs, err := s.Store.Orgs(ctx, Platform, 1)
	if err != nil {
		return nil, err
	}
	if len(orgs) > 0 {
		return &orgs[0], nil
	}
	o := &Org{Kind: Platform, Name: "筑巢平台", Status: "active", CreatedAt: s.Now(), UpdatedAt: s.Now()}
	if err := s.Store.CreateOrg(ctx, o); err != nil {
		return nil, err
	}
	return o, nil
}

// ResetPassword sets a new password for a platform staff user. Only admins may do it from
// the console; the command line (actor nil) may always.
func (s *Service) ResetPassword(ctx context.Context, actor *Principal, login, password string) (*User, error) {
	if actor != nil && !actor.Has(Admin) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var v errs.Validator
	checkPassword(&v, "password", password)
	if err := v.Err(); err != nil {
		return nil, err
	}
	u, err := s.Store.UserByLogin(ctx, NormalizeLogin(login))
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("login", "err.user_not_found")
		}
		return nil, err
	}
	hash, err := s.HashPassword(password)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.SetPassword(ctx, u.ID, hash, s.Now()); err != nil {
			return err
		}
		if err := s.Store.ResetHits(ctx, "login:acct:"+NormalizeLogin(login)); err != nil {
			return err
		}
		e := audit.Entry{Action: "password.reset", ObjectType: "user", ObjectID: u.ID, Detail: maskLogin(login)}
		if actor != nil {
			e.ActorID, e.ActorName, e.OrgID = actor.User.ID, actor.User.DisplayName, actor.Org.ID
		} else {
			e.ActorName = "cli"
		}
		return audit.Log(ctx, s.Audit, e)
	})
	return u, err
}

// TokenPrefix starts every API token, so leaked tokens are easy to recognise and scan for.
const TokenPrefix = "zct_"

// CreateToken issues an API token for the principal's organisation and returns the secret,
// which is shown once.
func (s *Service) CreateToken(ctx context.Context, p *Principal, name string, ttl time.Duration) (*Token, string, error) {
	var v errs.Validator
	name = checkName(&v, "name", name, 1, 60)
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	secret := TokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	now := s.Now()
	t := &Token{OrgID: p.Org.ID, UserID: p.User.ID, Name: name, Prefix: secret[:len(TokenPrefix)+6], CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateToken(ctx, t, hashToken(secret)); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "token.create", ObjectType: "api_token", ObjectID: t.ID, Detail: t.Prefix})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// Tokens lists the principal's own tokens in its organisation.
func (s *Service) Tokens(ctx context.Context, p *Principal) ([]Token, error) {
	return s.Store.Tokens(ctx, p.Org.ID, p.User.ID)
}

// RevokeToken revokes one of the principal's tokens; another's token is not found.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id string) error {
	if !db.ValidID(id) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.RevokeToken(ctx, p.Org.ID, p.User.ID, id, s.Now()); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "token.revoke", ObjectType: "api_token", ObjectID: id})
	})
}

// Authenticate resolves an API token to its principal: the token's user acting for the
// token's organisation with the roles they hold there now.
func (s *Service) Authenticate(ctx context.Context, secret string) (*Principal, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > 100 {
		return nil, errs.E(errs.Unauthorized, "err.token_invalid")
	}
	hash := hashToken(secret)
	now := s.Now()
	gen := s.DB.Generation(Generation) // read before the rows: a change after it misses
	t, p, ok := s.tokens.get(hash, gen, now)
	if !ok {
		var err error
		t, err = s.Store.TokenByHash(ctx, hash)
		if err != nil {
			if errs.Is(err, errs.NotFound) {
				return nil, errs.E(errs.Unauthorized, "err.token_invalid")
			}
			return nil, err
		}
		if t.RevokedAt.IsZero() {
			p, err = s.Principal(ctx, t.UserID, t.OrgID)
			if err != nil || p.Org.ID != t.OrgID {
				return nil, errs.E(errs.Unauthorized, "err.token_invalid")
			}
			s.tokens.put(hash, t, p, gen, now)
		}
	}
	if !t.RevokedAt.IsZero() || (!t.ExpiresAt.IsZero() && now.After(t.ExpiresAt)) {
		return nil, errs.E(errs.Unauthorized, "err.token_invalid")
	}
	p.TokenID = t.ID
	if now.Sub(t.LastUsedAt) > time.Minute {
		_ = s.Store.TouchToken(ctx, t.ID, now)
		s.tokens.touched(hash, now)
	}
	return p, nil
}

func hashToken(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
