package notify_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// flakyEmail fails its first n sends.
type flakyEmail struct {
	mu   sync.Mutex
	fail int
	sent []string
}

func (f *flakyEmail) Name() string { return "smtp" }

func (f *flakyEmail) SendEmail(ctx context.Context, to, subject, body string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("451 try again later")
	}
	f.sent = append(f.sent, to+": "+body)
	return nil
}

func (f *flakyEmail) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.sent) }

// TestDeliveryRetryThroughJobs: a message records deliveries (email for everyone with
// an address, SMS only for kinds that default to it or that the user chose) in the
// caller's transaction; nothing is sent until the job runs; a failing send is retried
// with backoff and then succeeds; preferences turn channels off.
func TestDeliveryRetryThroughJobs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		runner := jobs.NewRunner(st, "test", clock)
		runner.Backoff = time.Minute
		email := &flakyEmail{fail: 2}
		svc := &notify.Service{Store: st, Now: clock, DB: d, Deliveries: st, Email: email, BaseURL: "https://zhuchao.example",
			Schedule: runner.Schedule}
		runner.Register(notify.DeliverJob, func(ctx context.Context, j jobs.Job) error {
			var p struct{ ID string }
			if err := j.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			return svc.Deliver(ctx, p.ID, j.Attempts, j.MaxAttempts)
		})
		var org identity.Org
		var u1, u2 identity.User
		err := d.WithTx(ctx, func(ctx context.Context) error {
			org = identity.Org{Kind: identity.Buyer, Name: "采购公司", Status: identity.OrgActive, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateOrg(ctx, &org); err != nil {
				return err
			}
			u1 = identity.User{Username: "u1", Email: "u1@example.com", Mobile: "13800138001", DisplayName: "甲", Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
			u2 = identity.User{Username: "u2", Mobile: "13800138002", DisplayName: "乙", Lang: "en", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
			for _, u := range []*identity.User{&u1, &u2} {
				if err := st.CreateUser(ctx, u); err != nil {
					return err
				}
				if err := st.AddRole(ctx, org.ID, u.ID, identity.Owner, now); err != nil {
					return err
				}
			}
			// The business change and its message in one transaction.
			return svc.Send(ctx, org.ID, "shipment", "invoice.msg.issued", "/buyer/orders/x", "PO20261124-000001", "26330000000000000001")
		})
		if err != nil {
			t.Fatal(err)
		}
		if email.count() != 0 {
			t.Fatal("email sent inside the business transaction")
		}
		list, _ := st.Deliveries(ctx, 10)
		// shipment: email (u1 only has an address) + SMS for both by default.
		if len(list) != 3 {
			t.Fatalf("deliveries %+v", list)
		}
		for i := 0; i < 2; i++ {
			if _, err := runner.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(10 * time.Minute) // past the backoff
		}
		if email.count() != 0 {
			t.Fatalf("sent despite failures: %d", email.count())
		}
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if email.count() != 1 {
			t.Fatalf("sent %d after the retries", email.count())
		}
		list, _ = st.Deliveries(ctx, 10)
		states := map[string]int{}
		for _, dl := range list {
			states[dl.Channel+"."+dl.State]++
			if dl.Channel == notify.ByEmail && (dl.Attempts != 3 || dl.SentAt.IsZero()) {
				t.Fatalf("email delivery %+v", dl)
			}
		}
		if states["email.sent"] != 1 || states["sms.logged"] != 2 {
			t.Fatalf("delivery states %v", states)
		}
		// A user's preference turns SMS off for the kind; invoice messages do not go by SMS.
		p1 := &identity.Principal{User: u1, Org: org, Roles: []identity.Role{identity.Owner}}
		if err := svc.SetPreferences(ctx, p1, []string{"invoice"}, nil); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPreferences(ctx, p1, []string{"nonsense"}, nil); err == nil {
			t.Fatal("unknown kind accepted")
		}
		if err := d.WithTx(ctx, func(ctx context.Context) error {
			return svc.Send(ctx, org.ID, "invoice", "invoice.msg.issued", "/buyer/orders/x", "PO20261124-000002", "26330000000000000002")
		}); err != nil {
			t.Fatal(err)
		}
		list, _ = st.Deliveries(ctx, 10)
		if len(list) != 4 || list[0].Channel != notify.ByEmail || list[0].UserID != u1.ID {
			t.Fatalf("after preferences: %+v", list[0])
		}
		if _, err := runner.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if email.count() != 2 {
			t.Fatalf("second email not sent: %d", email.count())
		}
	})
}
