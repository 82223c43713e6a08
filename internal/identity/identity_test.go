package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clock is an injectable clock for timers.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(d *db.DB, c *clock) *identity.Service {
	st := store.New(d)
	s := identity.NewService(d, st, st, c.now)
	s.Params = servertest.CheapParams
	return s
}

func register(t *testing.T, s *identity.Service, login, company string) (*identity.User, *identity.Org) {
	t.Helper()
	u, o, err := s.Register(context.Background(), identity.RegisterInput{Login: login, Password: "pass-word-1", DisplayName: "张三", CompanyName: company})
	if err != nil {
		t.Fatalf("register %s: %v", login, err)
	}
	return u, o
}

func TestLoginWindowAndLockout(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
		s := newService(d, c)
		ctx := audit.WithMeta(context.Background(), audit.Meta{IP: "203.0.113.9"})
		register(t, s, "zhang@example.cn", "甲公司")
		for i := 0; i < identity.LoginFailsAccount; i++ {
			if _, err := s.Login(ctx, "ZHANG@example.cn ", "bad-pass-1"); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, err := s.Login(ctx, "zhang@example.cn", "pass-word-1"); !errs.Is(err, errs.RateLimited) {
			t.Fatalf("locked account: %v", err)
		}
		// The window passes: the right password works again, and resets the count.
		c.t = c.t.Add(identity.LoginWindow + time.Second)
		u, err := s.Login(ctx, "zhang@example.cn", "pass-word-1")
		if err != nil || u.LastLoginAt.IsZero() {
			t.Fatalf("after the window: %v", err)
		}
		entries, err := store.New(d).List(ctx, audit.Filter{Action: "login."})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
			if e.IP != "203.0.113.9" {
				t.Errorf("audit entry without the client address: %+v", e)
			}
			if strings.Contains(e.Detail, "zhang@example.cn") {
				t.Errorf("audit detail holds the full login: %q", e.Detail)
			}
		}
		if seen["login.failed"] != identity.LoginFailsAccount || seen["login.locked"] != 1 || seen["login.ok"] != 1 {
			t.Fatalf("audit: %v", seen)
		}
	})
}

func TestTokensExpireAndFollowMembership(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now()}
		s := newService(d, c)
		u, _ := register(t, s, "13800138000", "乙公司")
		p, err := s.Principal(ctx, u.ID, "")
		if err != nil || !p.Has(identity.Owner) || !p.Is(identity.Buyer) {
			t.Fatalf("principal: %+v %v", p, err)
		}
		tok, secret, err := s.CreateToken(ctx, p, "ERP", 24*time.Hour)
		if err != nil || !strings.HasPrefix(secret, identity.TokenPrefix) || !strings.HasPrefix(secret, tok.Prefix) {
			t.Fatalf("create: %v %q", err, secret)
		}
		got, err := s.Authenticate(ctx, secret)
		if err != nil || got.Org.ID != p.Org.ID || got.TokenID != tok.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if _, err := s.Authenticate(ctx, secret+"x"); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("tampered token: %v", err)
		}
		c.t = c.t.Add(25 * time.Hour)
		if _, err := s.Authenticate(ctx, secret); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("expired token: %v", err)
		}
		// A disabled user has no principal, by session or token.
		if err := s.Store.SetUserStatus(ctx, u.ID, identity.UserDisabled, c.t); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Principal(ctx, u.ID, ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("disabled user principal: %v", err)
		}
	})
}

func TestRegistrationIsAllOrNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(d, &clock{t: time.Now()})
		register(t, s, "li@example.cn", "丙公司")
		// Same credit code twice: the second registration's user must not remain.
		in := identity.RegisterInput{Login: "wang@example.cn", Password: "pass-word-1", DisplayName: "王", CompanyName: "丁公司", CreditCode: "91350100M000100Y43"}
		if _, _, err := s.Register(ctx, in); err != nil {
			t.Fatal(err)
		}
		in.Login = "zhao@example.cn"
		_, _, err := s.Register(ctx, in)
		if e := errs.As(err); e == nil || e.Code != errs.Conflict || e.Fields[0].Field != "credit_code" {
			t.Fatalf("duplicate credit code: %v", err)
		}
		if _, err := s.Store.UserByLogin(ctx, "zhao@example.cn"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("a failed registration left its user: %v", err)
		}
	})
}

func TestStaffAndPasswordReset(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(d, &clock{t: time.Now()})
		admin, err := s.CreateStaff(ctx, nil, identity.StaffInput{Username: "Root", DisplayName: "管理员", Password: "admin-pass-1", Roles: []identity.Role{identity.Admin}})
		if err != nil || admin.Username != "root" {
			t.Fatalf("create admin: %v", err)
		}
		ap, _ := s.Principal(ctx, admin.ID, "")
		ops, err := s.CreateStaff(ctx, ap, identity.StaffInput{Username: "ops", DisplayName: "运营", Password: "ops-pass-12", Roles: []identity.Role{identity.OpsManager}})
		if err != nil {
			t.Fatal(err)
		}
		op, _ := s.Principal(ctx, ops.ID, "")
		if _, err := s.CreateStaff(ctx, op, identity.StaffInput{Username: "x1", DisplayName: "x", Password: "xx-pass-12", Roles: []identity.Role{identity.Admin}}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("ops creates staff: %v", err)
		}
		if _, err := s.ResetPassword(ctx, op, "root", "new-pass-123"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("ops resets admin: %v", err)
		}
		_, err = s.CreateStaff(ctx, ap, identity.StaffInput{Username: "9bad", DisplayName: "", Password: "short", Roles: []identity.Role{"owner"}})
		e := errs.As(err)
		if e == nil || len(e.Fields) != 4 {
			t.Fatalf("bad staff input: %v", err)
		}
		if _, err := s.ResetPassword(ctx, ap, "ops", "fresh-pass-9"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "ops", "fresh-pass-9"); err != nil {
			t.Fatalf("login with reset password: %v", err)
		}
	})
}

// FuzzRegisterValidate: any input is accepted or refused with field errors — never a
// panic, never an error that is not the user's.
func FuzzRegisterValidate(f *testing.F) {
	f.Add("13800138000", "pass-word-1", "张三", "甲公司", "91350100M000100Y43")
	f.Add("a@b.c", "", "<script>", "\x00", "９１３５０１００Ｍ０００１００Ｙ４３")
	f.Add("+86 138-0013-8000", "12345678", "' OR 1=1 --", "🏭", "91110000802100433B")
	f.Fuzz(func(t *testing.T, login, pw, name, company, code string) {
		err := identity.RegisterInput{Login: login, Password: pw, DisplayName: name, CompanyName: company, CreditCode: code}.Validate()
		if err == nil {
			return
		}
		e := errs.As(err)
		if e == nil || e.Code != errs.Invalid || len(e.Fields) == 0 {
			t.Fatalf("validation error %v is not a field error", err)
		}
	})
}

// TestTokenCacheFollowsChanges: an API token's principal is cached, yet on this node a
// revocation, a role change, a disabled user and a new password take effect on the next
// call, and a change the cache cannot hear of (straight in the database, as another
// node would make it) within TokenCacheTTL.
func TestTokenCacheFollowsChanges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := &clock{t: time.Now()}
		s := newService(d, c)
		u, _ := register(t, s, "owner@example.cn", "丙公司")
		owner, err := s.Principal(ctx, u.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		added, err := s.AddMember(ctx, owner, identity.MemberInput{Login: "clerk@example.cn", DisplayName: "李四", Create: true, Roles: []identity.Role{identity.Purchaser}})
		if err != nil || added.Password == "" {
			t.Fatalf("add member: %v", err)
		}
		clerk := added.User
		cp, err := s.Principal(ctx, clerk.ID, owner.Org.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, secret, err := s.CreateToken(ctx, cp, "ERP", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		auth := func() (*identity.Principal, error) { t.Helper(); return s.Authenticate(ctx, secret) }
		if p, err := auth(); err != nil || !p.Has(identity.Purchaser) || p.Has(identity.Finance) {
			t.Fatalf("first call: %+v, %v", p, err)
		}
		if err := s.SetMemberRoles(ctx, owner, clerk.ID, []identity.Role{identity.Finance}); err != nil {
			t.Fatal(err)
		}
		if p, err := auth(); err != nil || p.Has(identity.Purchaser) || !p.Has(identity.Finance) {
			t.Fatalf("after the role change: %v, %v", p.Roles, err)
		}
		// Straight in the database: the cache keeps the old name until its TTL runs out.
		if _, err := d.Exec(ctx, `UPDATE users SET display_name = ? WHERE id = ?`, "王五", clerk.ID); err != nil {
			t.Fatal(err)
		}
		if p, err := auth(); err != nil || p.User.DisplayName != "李四" {
			t.Fatalf("cached principal: %+v, %v", p, err)
		}
		c.t = c.t.Add(identity.TokenCacheTTL)
		if p, err := auth(); err != nil || p.User.DisplayName != "王五" {
			t.Fatalf("after the TTL: %+v, %v", p, err)
		}
		if err := s.Store.SetUserStatus(ctx, clerk.ID, identity.UserDisabled, c.t); err != nil {
			t.Fatal(err)
		}
		if _, err := auth(); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("disabled user's token: %v", err)
		}
		if err := s.Store.SetUserStatus(ctx, clerk.ID, identity.UserActive, c.t); err != nil {
			t.Fatal(err)
		}
		toks, err := s.Tokens(ctx, cp)
		if err != nil || len(toks) != 1 {
			t.Fatalf("tokens: %v, %v", toks, err)
		}
		if _, err := auth(); err != nil {
			t.Fatalf("enabled again: %v", err)
		}
		if err := s.RevokeToken(ctx, cp, toks[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := auth(); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
	})
}
