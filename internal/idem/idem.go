// Package idem keeps Idempotency-Key records with Stripe's semantics: the first request
// with a key runs and its response is kept; a retry with the same key and the same request
// gets that response again; the same key with a different request is refused; a request
// still running with that key makes a concurrent one fail fast instead of running twice.
package idem

import (
	"context"
	"time"
)

// States of a record.
const (
	Running = "running"
	Done    = "done"
)

// Record is one key's state.
type Record struct {
	Scope       string
	Key         string
	RequestHash string
	State       string
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
	LockedUntil time.Time
}

// Store keeps records.
type Store interface {
	// Begin claims the key for a new run. It returns started=true when this caller must
	// run the request (a new key, or one whose earlier run died and whose lock expired);
	// otherwise it returns the existing record.
	Begin(ctx context.Context, scope, key, hash string, now time.Time, lock time.Duration) (rec *Record, started bool, err error)
	// Finish stores the response of a run.
	Finish(ctx context.Context, scope, key string, status int, contentType string, body []byte) error
	// Abandon forgets a run that failed on the server's side, so the key may be retried.
	Abandon(ctx context.Context, scope, key string) error
	// Purge drops records older than the cutoff.
	Purge(ctx context.Context, before time.Time) error
}

// Lock is how long a run holds its key before another may take it over.
const Lock = 60 * time.Second

// Retention is how long keys are remembered.
const Retention = 24 * time.Hour
