// Package jobs runs timed work — auto-confirm receipt, dispute escalation, campaign end,
// credential expiry reminders — from a table in the database rather than from timers in
// one process, so the work survives restarts and runs once across nodes.
//
// A job is scheduled with Schedule, in the same transaction as the change that needs it
// when the context carries one. Any node's Runner claims due jobs with a lease (on
// PostgreSQL FOR UPDATE SKIP LOCKED, on SQLite a conditional UPDATE under the single
// writer), runs their handler, and marks them done; a failing handler is retried with
// exponential backoff up to the job's max_attempts and then marked failed with its error.
// A node that dies mid-job leaves a lease that runs out, after which another node takes
// the job over. Delivery is therefore at least once: a handler must be idempotent (check
// the state it is about to change, as every workflow step does anyway).
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/zhuchao/zhuchao/internal/errs"
)

// State is where a job is in its life.
type State string

// The states of a job. Pending jobs wait for run_at; running ones are leased by a node;
// done, failed and cancelled are final.
const (
	Pending   State = "pending"
	Running   State = "running"
	Done      State = "done"
	Failed    State = "failed"
	Cancelled State = "cancelled"
)

// Defaults for a Runner's zero fields.
const (
	DefaultLease       = 5 * time.Minute
	DefaultBatch       = 8
	DefaultMaxAttempts = 5
	DefaultBackoff     = 30 * time.Second
	DefaultMaxBackoff  = 6 * time.Hour
	// MaxKeyLen bounds a job's unique key.
	MaxKeyLen = 200
	// maxErrorLen bounds the error text kept on a job.
	maxErrorLen = 2000
)

// Job is one unit of timed work as stored.
type Job struct {
	ID   string
	Kind string
	// Key, when set, makes the job unique among pending jobs of its kind: scheduling the
	// same (Kind, Key) again reschedules the pending job instead of adding another.
	Key         string
	Payload     json.RawMessage
	RunAt       time.Time
	State       State
	Attempts    int // attempts started so far, counted when claimed
	MaxAttempts int
	LockedBy    string // the node holding (or that last held) the lease
	LockedUntil time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Decode unmarshals the job's payload into v.
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Payload, v); err != nil {
		return fmt.Errorf("jobs: decode %s payload: %w", j.Kind, err)
	}
	return nil
}

// Handler runs one job. A nil error marks the job done; an error schedules a retry, or
// fails the job after its last attempt. Errors that retrying cannot fix fail it at once:
// those wrapped with Permanent, and domain refusals (an *errs.Error whose code is not
// Internal, Conflict or RateLimited). A panic counts as an error. ctx ends when the
// lease is about to run out or the runner stops.
type Handler func(ctx context.Context, j Job) error

// ErrLeaseLost is returned by the store when a job's lease was taken over by another
// node (or the job was otherwise settled) before this node could record the outcome.
var ErrLeaseLost = errors.New("jobs: lease lost")

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the job fails at once, without further attempts: for a
// payload that cannot be decoded, or an object that no longer exists.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// Store persists jobs. Methods join the transaction in ctx when there is one.
type Store interface {
	// InsertJob adds a pending job (assigning j.ID when empty). When j.Key is set and a
	// pending job of the same kind and key exists, that job is rescheduled with j's
	// payload, run time and max attempts instead, and j.ID is set to its ID.
	InsertJob(ctx context.Context, j *Job) error
	// CancelJobs cancels the pending jobs of kind with key and returns how many.
	CancelJobs(ctx context.Context, kind, key string, now time.Time) (int, error)
	// ClaimJobs leases up to limit jobs of the given kinds to node until now+lease: pending
	// jobs due at now, and running jobs whose lease ran out. Each claim counts an attempt.
	ClaimJobs(ctx context.Context, node string, kinds []string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// FinishJob marks a claimed job done. The claim is fenced by j.LockedBy and
	// j.Attempts: a claim taken over since returns ErrLeaseLost.
	FinishJob(ctx context.Context, j *Job, now time.Time) error
	// RetryJob puts a claimed job back to pending at runAt with lastErr (or cancels it
	// when a newer pending job with the same key was scheduled meanwhile). Fenced as
	// FinishJob.
	RetryJob(ctx context.Context, j *Job, runAt time.Time, lastErr string, now time.Time) error
	// FailJob marks a claimed job failed for good with lastErr. Fenced as FinishJob.
	FailJob(ctx context.Context, j *Job, lastErr string, now time.Time) error
	// JobByID returns a job; a missing or malformed ID is NotFound.
	JobByID(ctx context.Context, id string) (*Job, error)
	// JobsByKey lists the jobs of kind with key in every state, oldest first.
	JobsByKey(ctx context.Context, kind, key string) ([]Job, error)
	// PurgeJobs deletes done and cancelled jobs last updated before before.
	PurgeJobs(ctx context.Context, before time.Time) (int, error)
}

// Runner schedules jobs and runs the due ones of the kinds registered with it. Set the
// fields before the first Register, Schedule or RunDue; zero values take the defaults.
type Runner struct {
	Store Store
	// Node identifies this process in leases (locked_by); see NodeID.
	Node string
	// Now is the clock; tests advance it instead of sleeping.
	Now func() time.Time
	// Lease is how long a claim lasts; a handler's context ends a little before it.
	Lease time.Duration
	// Batch is how many jobs are claimed, and run concurrently, at a time.
	Batch int
	// MaxAttempts is given to newly scheduled jobs.
	MaxAttempts int
	// Backoff is the delay before the first retry; it doubles per attempt up to MaxBackoff.
	Backoff    time.Duration
	MaxBackoff time.Duration
	Logger     *slog.Logger

	mu       sync.RWMutex
	handlers map[string]Handler
}

// NewRunner returns a runner over st for node (NodeID() when empty) with clock now
// (the wall clock when nil).
func NewRunner(st Store, node string, now func() time.Time) *Runner {
	if node == "" {
		node = NodeID()
	}
	if now == nil {
		now = time.Now
	}
	return &Runner{Store: st, Node: node, Now: now}
}

// NodeID returns an identifier for this process: host name, process ID and a random
// suffix, so that two processes on one host, or a restarted one, never share leases.
func NodeID() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "node"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Register sets the handler for kind. Only registered kinds are claimed by this runner,
// so nodes running different versions never take jobs they cannot run.
func (r *Runner) Register(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Register needs a kind and a handler")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	if _, dup := r.handlers[kind]; dup {
		panic("jobs: kind " + kind + " registered twice")
	}
	r.handlers[kind] = h
}

// Schedule adds a job of kind to run at runAt (now when zero) with payload encoded as
// JSON. With a non-empty key, at most one job of (kind, key) is pending: scheduling it
// again moves that job to the new run time and payload. When ctx carries a transaction
// the job is written in it, so it exists exactly when the change that needs it commits.
func (r *Runner) Schedule(ctx context.Context, kind, key string, payload any, runAt time.Time) error {
	if kind == "" {
		return errors.New("jobs: schedule: empty kind")
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("jobs: schedule %s: key longer than %d bytes", kind, MaxKeyLen)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("jobs: schedule %s: encode payload: %w", kind, err)
	}
	now := r.now()
	if runAt.IsZero() {
		runAt = now
	}
	j := &Job{Kind: kind, Key: key, Payload: b, RunAt: runAt, State: Pending, MaxAttempts: r.maxAttempts(), CreatedAt: now, UpdatedAt: now}
	if err := r.Store.InsertJob(ctx, j); err != nil {
		return fmt.Errorf("jobs: schedule %s: %w", kind, err)
	}
	return nil
}

// Cancel cancels the pending job of (kind, key), if any; a job already running is left
// to finish (its handler should check the state it acts on).
func (r *Runner) Cancel(ctx context.Context, kind, key string) error {
	if key == "" {
		return errors.New("jobs: cancel: empty key")
	}
	if _, err := r.Store.CancelJobs(ctx, kind, key, r.now()); err != nil {
		return fmt.Errorf("jobs: cancel %s: %w", kind, err)
	}
	return nil
}

// RunDue claims the jobs due now, runs them and records each outcome, batch after batch
// until none is due. It returns how many jobs it ran. A handler's failure is recorded on
// its job, not returned; the error is for claiming or recording failures.
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	kinds := r.kinds()
	if len(kinds) == 0 {
		return 0, nil
	}
	total := 0
	// Bounded, so a handler that keeps scheduling due work cannot hold the loop forever.
	for round := 0; round < 1000; round++ {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		claimed, err := r.Store.ClaimJobs(ctx, r.Node, kinds, r.now(), r.lease(), r.batch())
		if err != nil {
			return total, fmt.Errorf("jobs: claim: %w", err)
		}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errl []error
		)
		for _, j := range claimed {
			wg.Go(func() {
				if err := r.run(ctx, j); err != nil {
					mu.Lock()
					errl = append(errl, err)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		total += len(claimed)
		if err := errors.Join(errl...); err != nil {
			return total, err
		}
		if len(claimed) < r.batch() {
			break
		}
	}
	return total, nil
}

// Start runs RunDue at once and then every interval until ctx ends; it blocks, so call
// it in its own goroutine. Errors are logged and the loop goes on.
func (r *Runner) Start(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
			r.log().ErrorContext(ctx, "jobs: run due", "node", r.Node, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Purge deletes done and cancelled jobs older than age; failed jobs stay for staff to
// look at.
func (r *Runner) Purge(ctx context.Context, age time.Duration) (int, error) {
	n, err := r.Store.PurgeJobs(ctx, r.now().Add(-age))
	if err != nil {
		return n, fmt.Errorf("jobs: purge: %w", err)
	}
	return n, nil
}

// BackoffFor returns the delay before the retry that follows attempt n (1-based):
// Backoff·2^(n−1), at most MaxBackoff.
func (r *Runner) BackoffFor(n int) time.Duration {
	d, limit := r.Backoff, r.MaxBackoff
	if d <= 0 {
		d = DefaultBackoff
	}
	if limit <= 0 {
		limit = DefaultMaxBackoff
	}
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// run runs one claimed job and records the outcome; the error is a recording failure.
func (r *Runner) run(ctx context.Context, j Job) error {
	// Record outcomes even when ctx has just ended (the runner is stopping): the handler
	// already ran, and leaving the job leased would only delay its retry by a lease.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var err error
	if j.Attempts > j.MaxAttempts {
		// The lease ran out during the last allowed attempt: the node running it died.
		msg := "the lease ran out during the last attempt (its node stopped)"
		if j.LastError != "" {
			msg += "; last error: " + j.LastError
		}
		err = r.Store.FailJob(rctx, &j, truncate(msg), r.now())
		return r.recorded(ctx, j, Failed, err)
	}
	h := r.handler(j.Kind)
	var herr error
	if h == nil {
		herr = Permanent(fmt.Errorf("no handler for kind %q", j.Kind))
	} else {
		lease := r.lease()
		hctx, hcancel := context.WithTimeout(ctx, lease-lease/10)
		herr = call(hctx, h, j)
		hcancel()
	}
	now := r.now()
	var p permanent
	switch {
	case herr == nil:
		err = r.Store.FinishJob(rctx, &j, now)
		return r.recorded(ctx, j, Done, err)
	case errors.As(herr, &p) || j.Attempts >= j.MaxAttempts:
		r.log().WarnContext(ctx, "jobs: failed", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "err", herr)
		err = r.Store.FailJob(rctx, &j, truncate(herr.Error()), now)
		return r.recorded(ctx, j, Failed, err)
	default:
		at := now.Add(r.BackoffFor(j.Attempts))
		r.log().InfoContext(ctx, "jobs: retry", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "at", at, "err", herr)
		err = r.Store.RetryJob(rctx, &j, at, truncate(herr.Error()), now)
		return r.recorded(ctx, j, Pending, err)
	}
}

// recorded turns a recording error into RunDue's error; a lost lease is only logged, as
// the node that took the job over records its outcome.
func (r *Runner) recorded(ctx context.Context, j Job, to State, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrLeaseLost) {
		r.log().WarnContext(ctx, "jobs: lease lost before recording", "kind", j.Kind, "id", j.ID, "state", to)
		return nil
	}
	return fmt.Errorf("jobs: record %s %s as %s: %w", j.Kind, j.ID, to, err)
}

// call runs h, turning a panic into an error so one bad job cannot stop the node.
func call(ctx context.Context, h Handler, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	err = h(ctx, j)
	if e := errs.As(err); e != nil && e.Code != errs.Internal && e.Code != errs.Conflict && e.Code != errs.RateLimited {
		// A domain refusal (not found, invalid, forbidden…) will not change on retry.
		return Permanent(err)
	}
	return err
}

func (r *Runner) handler(kind string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind]
}

func (r *Runner) kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *Runner) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

func (r *Runner) lease() time.Duration {
	if r.Lease <= 0 {
		return DefaultLease
	}
	return r.Lease
}

func (r *Runner) batch() int {
	if r.Batch <= 0 {
		return DefaultBatch
	}
	return r.Batch
}

func (r *Runner) maxAttempts() int {
	if r.MaxAttempts <= 0 {
		return DefaultMaxAttempts
	}
	return r.MaxAttempts
}

func (r *Runner) log() *slog.Logger {
	if r.Logger == nil {
		return slog.Default()
	}
	return r.Logger
}

func truncate(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	// Cut on a rune boundary.
	i := maxErrorLen
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
