// Package notify keeps in-site messages to organisations: every state change that
// concerns a company (an application decided, a credential expiring, a store taken down)
// leaves a message in its inbox. Messages are stored as message keys with arguments, so
// each reader sees them in their own language.
package notify

import (
	"context"
	"time"

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
}

// Service sends and lists messages.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Send leaves a message for an organisation; it joins the caller's transaction, so the
// message exists exactly when the change it reports does.
func (s *Service) Send(ctx context.Context, orgID, kind, key, link string, args ...string) error {
	if args == nil {
		args = []string{}
	}
	return s.Store.AddMessage(ctx, &Message{OrgID: orgID, Kind: kind, Key: key, Args: args, Link: link, CreatedAt: s.Now()})
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
