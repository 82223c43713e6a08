package store

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/jobs"
)

var _ jobs.Store = (*Store)(nil)

const jobCols = `id, kind, unique_key, payload, run_at, state, attempts, max_attempts, locked_by, locked_until, last_error, created_at, updated_at`

func scanJob(row interface{ Scan(...any) error }) (jobs.Job, error) {
	var j jobs.Job
	var payload, state string
	var runAt, lockedUntil, created, updated, attempts, maxAttempts int64
	if err := row.Scan(&j.ID, &j.Kind, &j.Key, &payload, &runAt, &state, &attempts, &maxAttempts, &j.LockedBy, &lockedUntil, &j.LastError, &created, &updated); err != nil {
		return j, err
	}
	j.Payload, j.State = []byte(payload), jobs.State(state)
	j.Attempts, j.MaxAttempts = int(attempts), int(maxAttempts)
	j.RunAt, j.LockedUntil, j.CreatedAt, j.UpdatedAt = db.Time(runAt), db.Time(lockedUntil), db.Time(created), db.Time(updated)
	return j, nil
}

// InsertJob adds a pending job, or reschedules the pending one with the same kind and
// key; see jobs.Store.
func (s *Store) InsertJob(ctx context.Context, j *jobs.Job) error {
	if j.ID == "" {
		j.ID = db.NewID()
	}
	payload := string(j.Payload)
	if payload == "" {
		payload = "null"
	}
	// The conflict target names the partial unique index jobs_pending_key; a job without
	// a key never conflicts.
	const q = `INSERT INTO jobs (id, kind, unique_key, payload, run_at, state, attempts, max_attempts, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
		ON CONFLICT (kind, unique_key) WHERE state = 'pending' AND unique_key <> ''
		DO UPDATE SET payload = excluded.payload, run_at = excluded.run_at, max_attempts = excluded.max_attempts,
			attempts = 0, last_error = '', updated_at = excluded.updated_at
		RETURNING id`
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		return s.DB.QueryRow(ctx, q, j.ID, j.Kind, j.Key, payload, db.Millis(j.RunAt), j.MaxAttempts,
			db.Millis(j.CreatedAt), db.Millis(j.UpdatedAt)).Scan(&j.ID)
	})
	if err != nil {
		return fmt.Errorf("store: insert job: %w", err)
	}
	j.State = jobs.Pending
	return nil
}

// CancelJobs cancels pending jobs of kind with key.
func (s *Store) CancelJobs(ctx context.Context, kind, key string, now time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `UPDATE jobs SET state = 'cancelled', updated_at = ?
		WHERE kind = ? AND unique_key = ? AND unique_key <> '' AND state = 'pending'`, db.Millis(now), kind, key)
	if err != nil {
		return 0, fmt.Errorf("store: cancel jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ClaimJobs leases due jobs to node. On PostgreSQL the candidate rows are locked with
// FOR UPDATE SKIP LOCKED, so concurrent claimers take disjoint sets without waiting; on
// SQLite the one UPDATE runs under the single writer, which serialises claimers.
func (s *Store) ClaimJobs(ctx context.Context, node string, kinds []string, now time.Time, lease time.Duration, limit int) ([]jobs.Job, error) {
	if len(kinds) == 0 || limit <= 0 {
		return nil, nil
	}
	due := `SELECT id FROM jobs
			WHERE ((state = 'pending' AND run_at <= ?) OR (state = 'running' AND locked_until <= ?))
				AND kind IN (` + db.Placeholders(len(kinds)) + `)
			ORDER BY run_at, id
			LIMIT ?`
	// On PostgreSQL ARRAY(…) evaluates the locking subquery exactly once (an InitPlan),
	// whatever plan the UPDATE gets.
	where := `id IN (` + due + `)`
	if s.DB.Engine == db.Postgres {
		where = `id = ANY(ARRAY(` + due + ` FOR UPDATE SKIP LOCKED))`
	}
	q := `UPDATE jobs SET state = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1, updated_at = ?
		WHERE ` + where + `
		RETURNING ` + jobCols
	ms := db.Millis(now)
	args := []any{node, db.Millis(now.Add(lease)), ms, ms, ms}
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, limit)
	var out []jobs.Job
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		out = out[:0]
		rows, err := s.DB.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim jobs: %w", err)
	}
	return out, nil
}

// settleJob runs an UPDATE fenced by the claim (state running, same node, same attempt);
// no row touched means the lease was lost.
func (s *Store) settleJob(ctx context.Context, j *jobs.Job, set string, args ...any) error {
	args = append(args, j.ID, j.LockedBy, j.Attempts)
	res, err := s.DB.Exec(ctx, `UPDATE jobs SET `+set+` WHERE id = ? AND state = 'running' AND locked_by = ? AND attempts = ?`, args...)
	if err != nil {
		return fmt.Errorf("store: settle job: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return jobs.ErrLeaseLost
	}
	return nil
}

// FinishJob marks a claimed job done.
func (s *Store) FinishJob(ctx context.Context, j *jobs.Job, now time.Time) error {
	return s.settleJob(ctx, j, `state = 'done', locked_until = 0, last_error = '', updated_at = ?`, db.Millis(now))
}

// RetryJob puts a claimed job back to pending at runAt. If a newer pending job with the
// same key was scheduled while this one ran, this one is cancelled instead: the newer
// schedule wins, and the unique index allows only one pending job per key.
func (s *Store) RetryJob(ctx context.Context, j *jobs.Job, runAt time.Time, lastErr string, now time.Time) error {
	return s.settleJob(ctx, j, `state = CASE WHEN unique_key <> '' AND EXISTS (
			SELECT 1 FROM jobs p WHERE p.kind = jobs.kind AND p.unique_key = jobs.unique_key AND p.state = 'pending' AND p.unique_key <> ''
		) THEN 'cancelled' ELSE 'pending' END,
		run_at = ?, locked_until = 0, last_error = ?, updated_at = ?`, db.Millis(runAt), lastErr, db.Millis(now))
}

// FailJob marks a claimed job failed.
func (s *Store) FailJob(ctx context.Context, j *jobs.Job, lastErr string, now time.Time) error {
	return s.settleJob(ctx, j, `state = 'failed', locked_until = 0, last_error = ?, updated_at = ?`, lastErr, db.Millis(now))
}

// JobByID returns a job.
func (s *Store) JobByID(ctx context.Context, id string) (*jobs.Job, error) {
	if !db.ValidID(id) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	j, err := scanJob(s.DB.QueryRow(ctx, `SELECT `+jobCols+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "err.not_found", "job by id")
	}
	return &j, nil
}

// JobsByKey lists the jobs of kind with key, oldest first.
func (s *Store) JobsByKey(ctx context.Context, kind, key string) ([]jobs.Job, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+jobCols+` FROM jobs WHERE kind = ? AND unique_key = ? ORDER BY created_at, id`, kind, key)
	if err != nil {
		return nil, fmt.Errorf("store: jobs by key: %w", err)
	}
	defer rows.Close()
	var out []jobs.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// PurgeJobs deletes settled jobs (done, cancelled) last updated before before.
func (s *Store) PurgeJobs(ctx context.Context, before time.Time) (int, error) {
	res, err := s.DB.Exec(ctx, `DELETE FROM jobs WHERE state IN ('done', 'cancelled') AND updated_at < ?`, db.Millis(before))
	if err != nil {
		return 0, fmt.Errorf("store: purge jobs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
