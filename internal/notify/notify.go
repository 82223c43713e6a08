// Package notify keeps in-site messages to organisations: every state change that
// concerns a company (an application decided, a credential expiring, a store taken down)
// leaves a message in its inbox. Messages are stored as message keys with arguments, so
// each reader sees them in their own language.
package notify

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Message is one in-site message.
type Message struct {
	ID        string
	OrgID     string
	Kind      string // e.g. "credential", "application", "store"
	Key       string // message key
	Args      []string
	Link      string // a path on this site
	CreatedAt time.Time
	ReadAt    time.Time
}

// Store keeps messages.
type Store interface {
	AddMessage(ctx context.Context, m *Message) error
	Messages(ctx context.Context, orgID string, limit int) ([]Message, int64, error) // newest first, with the unread count
	MarkRead(ctx context.Context, orgID, id string, at time.Time) error
	// UnreadCount counts an organisation's unread messages (the header's bell).
	UnreadCount(ctx context.Context, orgID string) (int64, error)
}

// Service sends and lists messages.
type Service struct {
	Store Store
	Now   func() time.Time
	// DB runs the preference changes' transaction.
	DB *db.DB
	// Deliveries and Schedule turn on email and SMS: each message is also recorded as a
	// delivery per member who wants it, with a job that sends it later (nil: in-site
	// messages only).
	Deliveries DeliveryStore
	Schedule   Scheduler
	// Email and SMS are the channels (LogEmail and LogSMS when nil).
	Email Email
	SMS   SMS
	// BaseURL prefixes links in emails (the site's public URL).
	BaseURL string
}

// Send leaves a message for an organisation; it joins the caller's transaction, so the
// message exists exactly when the change it reports does. Emails and SMS the members
// asked for are recorded in the same transaction and sent afterwards by the job runner.
func (s *Service) Send(ctx context.Context, orgID, kind, key, link string, args ...string) error {
	if args == nil {
		args = []string{}
	}
	m := &Message{OrgID: orgID, Kind: kind, Key: key, Args: args, Link: link, CreatedAt: s.Now()}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return err
	}
	return s.enqueue(ctx, m)
}

// Unread counts the caller's organisation's unread messages; 0 for anonymous callers.
func (s *Service) Unread(ctx context.Context, p *identity.Principal) int64 {
	if p == nil || p.Org.ID == "" {
		return 0
	}
	n, err := s.Store.UnreadCount(ctx, p.Org.ID)
	if err != nil {
		return 0
	}
	return n
}

// Inbox lists the caller's organisation's messages.
func (s *Service) Inbox(ctx context.Context, p *identity.Principal) ([]Message, int64, error) {
	if p == nil {
		return nil, 0, errs.E(errs.Unauthorized, "err.login_required")
	}
	return s.Store.Messages(ctx, p.Org.ID, 100)
}

// Read marks one of the caller's organisation's messages read; another's is not found.
func (s *Service) Read(ctx context.Context, p *identity.Principal, id string) error {
	return s.Store.MarkRead(ctx, p.Org.ID, id, s.Now())
}

// Text renders a message in lang.
func Text(lang i18n.Lang, m Message) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
	}
	return i18n.T(lang, m.Key, args...)
}
