package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/jobs"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// clock is an injectable clock, safe for the runners' goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newRunner(d *db.DB, node string, c *clock) *jobs.Runner {
	r := jobs.NewRunner(store.New(d), node, c.Now)
	r.Backoff = time.Minute
	r.MaxBackoff = time.Hour
	r.MaxAttempts = 3
	r.Logger = slog.New(slog.DiscardHandler)
	return r
}

// MustRunDue runs the due jobs and checks how many ran.
func MustRunDue(tb testing.TB, r *jobs.Runner, want int) {
	tb.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		tb.Fatalf("RunDue: %v", err)
	}
	if n != want {
		tb.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

// MustOneJob returns the only job of (kind, key).
func MustOneJob(tb testing.TB, d *db.DB, kind, key string) jobs.Job {
	tb.Helper()
	js, err := store.New(d).JobsByKey(context.Background(), kind, key)
	if err != nil {
		tb.Fatal(err)
	}
	if len(js) != 1 {
		tb.Fatalf("%d jobs of (%s, %s), want 1: %+v", len(js), kind, key, js)
	}
	return js[0]
}

type remind struct {
	CredentialID string `json:"credential_id"`
	Days         int    `json:"days"`
}

func TestDueJobRunsOnce(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		var got []remind
		r.Register("credential.remind", func(ctx context.Context, j jobs.Job) error {
			var p remind
			if err := j.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			got = append(got, p)
			return nil
		})
		if err := r.Schedule(ctx, "credential.remind", "cred-1", remind{"cred-1", 30}, c.Now()); err != nil {
			t.Fatal(err)
		}
		MustRunDue(t, r, 1)
		MustRunDue(t, r, 0)
		c.Add(24 * time.Hour)
		MustRunDue(t, r, 0)
		if len(got) != 1 || got[0] != (remind{"cred-1", 30}) {
			t.Fatalf("handler saw %+v", got)
		}
		j := MustOneJob(t, d, "credential.remind", "cred-1")
		if j.State != jobs.Done || j.Attempts != 1 || j.LockedBy != "node-a" || !j.LockedUntil.IsZero() || j.LastError != "" {
			t.Fatalf("job after run: %+v", j)
		}
		if _, err := store.New(d).JobByID(ctx, "not-an-id"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("malformed id: %v", err)
		}
		if _, err := store.New(d).JobByID(ctx, db.NewID()); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing id: %v", err)
		}
	})
}

func TestFutureJobWaitsForItsTime(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		var ran atomic.Int32
		r.Register("order.auto_confirm", func(ctx context.Context, j jobs.Job) error { ran.Add(1); return nil })
		if err := r.Schedule(ctx, "order.auto_confirm", "PO20261124-000123", nil, c.Now().Add(10*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		MustRunDue(t, r, 0)
		c.Add(10*24*time.Hour - time.Millisecond)
		MustRunDue(t, r, 0)
		c.Add(time.Millisecond)
		MustRunDue(t, r, 1)
		if ran.Load() != 1 {
			t.Fatalf("ran %d times", ran.Load())
		}
	})
}

func TestUnregisteredKindsStayPending(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		c := newClock()
		r := newRunner(d, "node-a", c)
		r.Register("known", func(ctx context.Context, j jobs.Job) error { return nil })
		if err := r.Schedule(context.Background(), "from.a.newer.version", "k", nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		MustRunDue(t, r, 0)
		if j := MustOneJob(t, d, "from.a.newer.version", "k"); j.State != jobs.Pending {
			t.Fatalf("unknown kind taken: %+v", j)
		}
	})
}

// TestTwoRunnersRace: two nodes race over the same due jobs; each job runs exactly once.
func TestTwoRunnersRace(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		const n = 50
		var mu sync.Mutex
		runs := map[string][]string{} // key -> nodes that ran it
		mk := func(node string) *jobs.Runner {
			r := newRunner(d, node, c)
			r.Batch = 3
			r.Register("campaign.end", func(ctx context.Context, j jobs.Job) error {
				time.Sleep(time.Millisecond) // let the other node interleave
				mu.Lock()
				runs[j.Key] = append(runs[j.Key], node)
				mu.Unlock()
				return nil
			})
			return r
		}
		a, b := mk("node-a"), mk("node-b")
		for i := 0; i < n; i++ {
			if err := a.Schedule(ctx, "campaign.end", fmt.Sprintf("c%02d", i), i, c.Now().Add(-time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		start := make(chan struct{})
		counts := make([]int, 2)
		var wg sync.WaitGroup
		for i, r := range []*jobs.Runner{a, b} {
			wg.Go(func() {
				<-start
				got, err := r.RunDue(ctx)
				if err != nil {
					t.Errorf("%s: %v", r.Node, err)
				}
				counts[i] = got
			})
		}
		close(start)
		wg.Wait()
		if counts[0]+counts[1] != n {
			t.Fatalf("ran %d + %d jobs, want %d", counts[0], counts[1], n)
		}
		for i := 0; i < n; i++ {
			key := fmt.Sprintf("c%02d", i)
			if len(runs[key]) != 1 {
				t.Errorf("%s ran %d times: %v", key, len(runs[key]), runs[key])
			}
			if j := MustOneJob(t, d, "campaign.end", key); j.State != jobs.Done || j.Attempts != 1 {
				t.Errorf("%s: %+v", key, j)
			}
		}
		t.Logf("node-a ran %d, node-b ran %d", counts[0], counts[1])
	})
}

func TestFailingJobBacksOffThenFails(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c) // 3 attempts, backoff 1m doubling
		var ran atomic.Int32
		r.Register("dispute.escalate", func(ctx context.Context, j jobs.Job) error {
			ran.Add(1)
			return fmt.Errorf("sms gateway: timeout %d", j.Attempts)
		})
		if err := r.Schedule(ctx, "dispute.escalate", "D1", nil, c.Now()); err != nil {
			t.Fatal(err)
		}
		t0 := c.Now()
		MustRunDue(t, r, 1)
		j := MustOneJob(t, d, "dispute.escalate", "D1")
		if j.State != jobs.Pending || j.Attempts != 1 || !j.RunAt.Equal(t0.Add(time.Minute)) || j.LastError != "sms gateway: timeout 1" {
			t.Fatalf("after attempt 1: %+v", j)
		}
		c.Add(time.Minute - time.Millisecond)
		MustRunDue(t, r, 0)
		c.Add(time.Millisecond)
		MustRunDue(t, r, 1)
		j = MustOneJob(t, d, "dispute.escalate", "D1")
		if j.State != jobs.Pending || j.Attempts != 2 || !j.RunAt.Equal(c.Now().Add(2*time.Minute)) {
			t.Fatalf("after attempt 2: %+v", j)
		}
		c.Add(2*time.Minute - time.Millisecond)
		MustRunDue(t, r, 0)
		c.Add(time.Millisecond)
		MustRunDue(t, r, 1)
		j = MustOneJob(t, d, "dispute.escalate", "D1")
		if j.State != jobs.Failed || j.Attempts != 3 || j.LastError != "sms gateway: timeout 3" {
			t.Fatalf("after the last attempt: %+v", j)
		}
		c.Add(24 * time.Hour)
		MustRunDue(t, r, 0)
		if ran.Load() != 3 {
			t.Fatalf("ran %d times, want 3", ran.Load())
		}
	})
}

func TestBackoffDoublesToCap(t *testing.T) {
	r := jobs.NewRunner(nil, "n", nil)
	r.Backoff, r.MaxBackoff = time.Minute, 10*time.Minute
	want := []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute, 10 * time.Minute}
	for i, w := range want {
		if got := r.BackoffFor(i + 1); got != w {
			t.Errorf("BackoffFor(%d) = %v, want %v", i+1, got, w)
		}
	}
	if got := r.BackoffFor(1000); got != 10*time.Minute {
		t.Errorf("BackoffFor(1000) = %v", got)
	}
}

func TestPermanentErrorsAndPanics(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		r.Register("permanent", func(ctx context.Context, j jobs.Job) error {
			return jobs.Permanent(errors.New("payload names no order"))
		})
		r.Register("refused", func(ctx context.Context, j jobs.Job) error {
			return errs.E(errs.NotFound, "err.not_found")
		})
		r.Register("panics", func(ctx context.Context, j jobs.Job) error {
			panic("handler bug")
		})
		for _, k := range []string{"permanent", "refused", "panics"} {
			if err := r.Schedule(ctx, k, "x", nil, c.Now()); err != nil {
				t.Fatal(err)
			}
		}
		MustRunDue(t, r, 3)
		if j := MustOneJob(t, d, "permanent", "x"); j.State != jobs.Failed || j.Attempts != 1 || j.LastError != "payload names no order" {
			t.Errorf("permanent: %+v", j)
		}
		if j := MustOneJob(t, d, "refused", "x"); j.State != jobs.Failed || j.Attempts != 1 {
			t.Errorf("domain refusal: %+v", j)
		}
		if j := MustOneJob(t, d, "panics", "x"); j.State != jobs.Pending || !strings.HasPrefix(j.LastError, "panic: handler bug") {
			t.Errorf("panic: %+v", j)
		}
	})
}

// TestExpiredLeaseIsTakenOver: a node claims a job and dies; when the lease runs out
// another node runs it, and the dead node's late report is refused.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		st := store.New(d)
		b := newRunner(d, "node-b", c)
		b.Lease = 5 * time.Minute
		var ran atomic.Int32
		b.Register("receipt.confirm", func(ctx context.Context, j jobs.Job) error { ran.Add(1); return nil })
		if err := b.Schedule(ctx, "receipt.confirm", "O1", nil, c.Now()); err != nil {
			t.Fatal(err)
		}
		claimed, err := st.ClaimJobs(ctx, "node-dead", []string{"receipt.confirm"}, c.Now(), 5*time.Minute, 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("dead node's claim: %v %+v", err, claimed)
		}
		MustRunDue(t, b, 0) // leased
		c.Add(5*time.Minute - time.Millisecond)
		MustRunDue(t, b, 0)
		c.Add(time.Millisecond)
		MustRunDue(t, b, 1)
		j := MustOneJob(t, d, "receipt.confirm", "O1")
		if j.State != jobs.Done || j.LockedBy != "node-b" || j.Attempts != 2 || ran.Load() != 1 {
			t.Fatalf("after take-over: %+v (ran %d)", j, ran.Load())
		}
		// The dead node wakes up and reports: its claim is fenced off.
		if err := st.FinishJob(ctx, &claimed[0], c.Now()); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("late finish: %v", err)
		}
		if err := st.FailJob(ctx, &claimed[0], "late", c.Now()); !errors.Is(err, jobs.ErrLeaseLost) {
			t.Fatalf("late fail: %v", err)
		}
		if j := MustOneJob(t, d, "receipt.confirm", "O1"); j.State != jobs.Done {
			t.Fatalf("late report changed the job: %+v", j)
		}
	})
}

// TestLeaseExpiredOnLastAttempt: a job whose node keeps dying is failed, not run forever.
func TestLeaseExpiredOnLastAttempt(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		st := store.New(d)
		r := newRunner(d, "node-b", c)
		r.MaxAttempts = 1
		var ran atomic.Int32
		r.Register("k", func(ctx context.Context, j jobs.Job) error { ran.Add(1); return nil })
		if err := r.Schedule(ctx, "k", "x", nil, c.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimJobs(ctx, "node-dead", []string{"k"}, c.Now(), time.Minute, 1); err != nil {
			t.Fatal(err)
		}
		c.Add(time.Hour)
		MustRunDue(t, r, 1)
		j := MustOneJob(t, d, "k", "x")
		if j.State != jobs.Failed || ran.Load() != 0 || !strings.Contains(j.LastError, "lease ran out") {
			t.Fatalf("job: %+v (ran %d)", j, ran.Load())
		}
	})
}

func TestUniqueKeyKeepsOnePendingJob(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		var mu sync.Mutex // a batch runs concurrently
		var got []int
		r.Register("credential.remind", func(ctx context.Context, j jobs.Job) error {
			var p remind
			if err := j.Decode(&p); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			got = append(got, p.Days)
			return nil
		})
		t0 := c.Now()
		if err := r.Schedule(ctx, "credential.remind", "cred-9", remind{"cred-9", 30}, t0.Add(24*time.Hour)); err != nil {
			t.Fatal(err)
		}
		// The credential was renewed: schedule again; the pending job moves.
		if err := r.Schedule(ctx, "credential.remind", "cred-9", remind{"cred-9", 7}, t0.Add(48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		j := MustOneJob(t, d, "credential.remind", "cred-9")
		if j.State != jobs.Pending || !j.RunAt.Equal(t0.Add(48*time.Hour)) {
			t.Fatalf("rescheduled job: %+v", j)
		}
		c.Add(24 * time.Hour)
		MustRunDue(t, r, 0)
		c.Add(24 * time.Hour)
		MustRunDue(t, r, 1)
		if len(got) != 1 || got[0] != 7 {
			t.Fatalf("ran with %v, want [7]", got)
		}
		// Once done, the key may be scheduled again; Cancel cancels only pending jobs.
		if err := r.Schedule(ctx, "credential.remind", "cred-9", remind{"cred-9", 1}, c.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := r.Cancel(ctx, "credential.remind", "cred-9"); err != nil {
			t.Fatal(err)
		}
		js, err := store.New(d).JobsByKey(ctx, "credential.remind", "cred-9")
		if err != nil || len(js) != 2 || js[0].State != jobs.Done || js[1].State != jobs.Cancelled {
			t.Fatalf("after cancel: %v %+v", err, js)
		}
		c.Add(2 * time.Hour)
		MustRunDue(t, r, 0)
		// Without a key, every Schedule adds a job.
		for i := 0; i < 3; i++ {
			if err := r.Schedule(ctx, "credential.remind", "", remind{"", i}, c.Now()); err != nil {
				t.Fatal(err)
			}
		}
		MustRunDue(t, r, 3)
	})
}

// TestRetryYieldsToNewerSchedule: a job rescheduled while it runs and then fails does not
// come back beside the newer one.
func TestRetryYieldsToNewerSchedule(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		first := true
		r.Register("k", func(ctx context.Context, j jobs.Job) error {
			if first {
				first = false
				if err := r.Schedule(ctx, "k", "same", "newer", c.Now().Add(time.Hour)); err != nil {
					return err
				}
				return errors.New("transient")
			}
			return nil
		})
		if err := r.Schedule(ctx, "k", "same", "older", c.Now()); err != nil {
			t.Fatal(err)
		}
		MustRunDue(t, r, 1)
		js, err := store.New(d).JobsByKey(ctx, "k", "same")
		if err != nil || len(js) != 2 || js[0].State != jobs.Cancelled || js[1].State != jobs.Pending || string(js[1].Payload) != `"newer"` {
			t.Fatalf("jobs: %v %+v", err, js)
		}
	})
}

func TestScheduleJoinsTransaction(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		rollback := errors.New("order creation failed")
		err := d.WithTx(ctx, func(ctx context.Context) error {
			if err := r.Schedule(ctx, "order.cancel_unpaid", "PO1", nil, c.Now().Add(time.Hour)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("WithTx: %v", err)
		}
		js, err := store.New(d).JobsByKey(ctx, "order.cancel_unpaid", "PO1")
		if err != nil || len(js) != 0 {
			t.Fatalf("rolled back schedule left %v %+v", err, js)
		}
		err = d.WithTx(ctx, func(ctx context.Context) error {
			return r.Schedule(ctx, "order.cancel_unpaid", "PO1", nil, c.Now().Add(time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		MustOneJob(t, d, "order.cancel_unpaid", "PO1")
	})
}

func TestPurgeKeepsFailedJobs(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := newClock()
		r := newRunner(d, "node-a", c)
		r.Register("ok", func(ctx context.Context, j jobs.Job) error { return nil })
		r.Register("bad", func(ctx context.Context, j jobs.Job) error { return jobs.Permanent(errors.New("no")) })
		for _, k := range []string{"ok", "bad"} {
			if err := r.Schedule(ctx, k, "x", nil, c.Now()); err != nil {
				t.Fatal(err)
			}
		}
		MustRunDue(t, r, 2)
		c.Add(31 * 24 * time.Hour)
		if n, err := r.Purge(ctx, 30*24*time.Hour); err != nil || n != 1 {
			t.Fatalf("purge: %d %v", n, err)
		}
		MustOneJob(t, d, "bad", "x")
	})
}

// TestStartRunsUntilCancelled uses the wall clock: Start picks up a job scheduled while
// it runs, and returns when its context ends.
func TestStartRunsUntilCancelled(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		r := jobs.NewRunner(store.New(d), "", nil)
		r.Logger = slog.New(slog.DiscardHandler)
		done := make(chan string, 1)
		r.Register("ping", func(ctx context.Context, j jobs.Job) error { done <- j.Key; return nil })
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() { r.Start(ctx, 10*time.Millisecond); close(stopped) }()
		if err := r.Schedule(context.Background(), "ping", "p1", nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		select {
		case k := <-done:
			if k != "p1" {
				t.Fatalf("ran %q", k)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Start did not run the due job")
		}
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Start did not return after cancel")
		}
		if r.Node == "" || !strings.Contains(r.Node, "-") {
			t.Fatalf("node id %q", r.Node)
		}
	})
}
