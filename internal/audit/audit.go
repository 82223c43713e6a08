// Package audit records who did what, when and from where: every staff action and every
// security event (logins, failures, lockouts, password resets, token changes). Entries are
// append-only and kept (电子商务法 art. 31, 网络安全法 art. 21).
package audit

import (
	"context"
	"time"
)

// Entry is one audit record.
type Entry struct {
	Seq        int64
	At         time.Time
	ActorID    string // user ID, "" for anonymous or the system
	ActorName  string
	OrgID      string // the organisation the actor acted for
	Action     string // dotted verb: "login.ok", "login.failed", "user.create"…
	ObjectType string
	ObjectID   string
	IP         string
	UserAgent  string
	RequestID  string
	Detail     string // short, already-masked detail; never secrets
}

// Filter selects entries for the audit viewer.
type Filter struct {
	Action  string // prefix match ("login." for every login event)
	ActorID string
	Before  int64 // Seq to page backwards from; 0 for the newest
	Limit   int
}

// Store keeps audit entries.
type Store interface {
	Record(ctx context.Context, e *Entry) error
	List(ctx context.Context, f Filter) ([]Entry, error)
}

type metaKey struct{}

// Meta is the request context an entry takes its where-from fields from.
type Meta struct {
	IP        string
	UserAgent string
	RequestID string
}

// WithMeta stores request metadata in ctx for entries recorded further down.
func WithMeta(ctx context.Context, m Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// MetaFrom returns the request metadata in ctx.
func MetaFrom(ctx context.Context) Meta {
	m, _ := ctx.Value(metaKey{}).(Meta)
	return m
}

// Log records e, filling time and request metadata from ctx. It runs in the caller's
// transaction when there is one, so an audited change and its record commit together.
func Log(ctx context.Context, s Store, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	m := MetaFrom(ctx)
	if e.IP == "" {
		e.IP = m.IP
	}
	if e.UserAgent == "" {
		e.UserAgent = m.UserAgent
	}
	if e.RequestID == "" {
		e.RequestID = m.RequestID
	}
	return s.Record(ctx, &e)
}
