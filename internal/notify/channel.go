package notify

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Email sends one email. Implementations: LogEmail (the default: nothing leaves the
// server, the delivery record shows what would have gone) and SMTP.
type Email interface {
	SendEmail(ctx context.Context, to, subject, body string) error
	// Name is recorded with the delivery ("log", "smtp").
	Name() string
}

// SMS sends one text message. Only LogSMS exists: Aliyun and Tencent Cloud SMS adapters
// (templates approved in advance, signature 【筑巢】) are not built.
type SMS interface {
	SendSMS(ctx context.Context, mobile, text string) error
	Name() string
}

// LogEmail writes emails to the log instead of sending them.
type LogEmail struct{}

// SendEmail logs the email.
func (LogEmail) SendEmail(ctx context.Context, to, subject, body string) error {
	slog.InfoContext(ctx, "email (log only)", "to", to, "subject", subject, "body", body)
	return nil
}

// Name is "log".
func (LogEmail) Name() string { return "log" }

// LogSMS writes text messages to the log instead of sending them.
type LogSMS struct{}

// SendSMS logs the message.
func (LogSMS) SendSMS(ctx context.Context, mobile, text string) error {
	slog.InfoContext(ctx, "sms (log only)", "to", mobile, "text", text)
	return nil
}

// Name is "log".
func (LogSMS) Name() string { return "log" }

// Channels.
const (
	ByEmail = "email"
	BySMS   = "sms"
)

// Delivery states: pending until the job ran; sent by a real channel, logged by a
// log-only one; failed after the last attempt.
const (
	DeliveryPending = "pending"
	DeliverySent    = "sent"
	DeliveryLogged  = "logged"
	DeliveryFailed  = "failed"
)

// DeliverJob is the job kind that sends one delivery (key: the delivery's ID).
const DeliverJob = "notify.deliver"

// Kind is a kind of message people choose channels for, with its defaults.
type Kind struct {
	Name  string
	Email bool // default
	SMS   bool // default
}

// Kinds are the message kinds on the preferences page, with their defaults: in-site
// messages always; email for everything; SMS only where a delay costs money — payment
// due, shipped, disputes. Other parts of the trade loop send "payment_due", "shipment"
// and "dispute" messages under these kinds.
var Kinds = []Kind{
	{"order", true, false},
	{"payment", true, false},
	{"payment_due", true, true},
	{"shipment", true, true},
	{"aftersale", true, false},
	{"dispute", true, true},
	{"invoice", true, false},
	{"rfq", true, false},
	{"application", true, false},
	{"credential", true, false},
	{"store", true, false},
	{"penalty", true, false},
	{"reward", true, false},
}

// KindDefault returns a kind's defaults (email yes, SMS no for kinds not listed).
func KindDefault(name string) Kind {
	for _, k := range Kinds {
		if k.Name == name {
			return k
		}
	}
	return Kind{Name: name, Email: true}
}

// Pref is one user's choice for one kind.
type Pref struct {
	Email bool
	SMS   bool
}

// Recipient is a member of an organisation with where they can be reached and, when
// they chose, their preference for the kind at hand.
type Recipient struct {
	UserID string
	Email  string
	Mobile string
	Lang   string
	Pref   *Pref // nil: the kind's default
}

// Delivery is one email or SMS to one user.
type Delivery struct {
	ID        string
	MessageID string
	OrgID     string
	UserID    string
	Channel   string
	Address   string
	Subject   string
	Body      string
	State     string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// DeliveryStore keeps preferences and deliveries. Methods join the caller's transaction.
type DeliveryStore interface {
	// Recipients lists the active members of an organisation with their preference for
	// kind.
	Recipients(ctx context.Context, orgID, kind string) ([]Recipient, error)
	Prefs(ctx context.Context, userID string) (map[string]Pref, error)
	SetPref(ctx context.Context, userID, kind string, p Pref) error
	AddDelivery(ctx context.Context, d *Delivery) error
	Delivery(ctx context.Context, id string) (*Delivery, error)
	// SetDelivery records an attempt's outcome.
	SetDelivery(ctx context.Context, id, state, lastError string, attempts int, sentAt time.Time) error
	Deliveries(ctx context.Context, limit int) ([]Delivery, error)
}

// Scheduler schedules a job in the caller's transaction (jobs.Runner.Schedule).
type Scheduler func(ctx context.Context, kind, key string, payload any, runAt time.Time) error

// enqueue records the email and SMS deliveries a message asks for, with their jobs, in
// the caller's transaction; sending happens later, outside it.
func (s *Service) enqueue(ctx context.Context, m *Message) error {
	if s.Deliveries == nil || s.Schedule == nil {
		return nil
	}
	rs, err := s.Deliveries.Recipients(ctx, m.OrgID, m.Kind)
	if err != nil {
		return err
	}
	def := KindDefault(m.Kind)
	for _, r := range rs {
		want := Pref{Email: def.Email, SMS: def.SMS}
		if r.Pref != nil {
			want = *r.Pref
		}
		lang := i18n.ZH
		if r.Lang == string(i18n.EN) {
			lang = i18n.EN
		}
		text := Text(lang, *m)
		var ds []*Delivery
		if want.Email && r.Email != "" {
			body := text
			if m.Link != "" {
				body += "\n\n" + s.BaseURL + m.Link
			}
			ds = append(ds, &Delivery{Channel: ByEmail, Address: r.Email, Subject: i18n.T(lang, "notify.email_subject", i18n.T(lang, "notify.kind."+m.Kind)), Body: body})
		}
		if want.SMS && r.Mobile != "" {
			ds = append(ds, &Delivery{Channel: BySMS, Address: r.Mobile, Body: i18n.T(lang, "notify.sms_sign") + text})
		}
		for _, d := range ds {
			d.ID, d.MessageID, d.OrgID, d.UserID, d.State, d.CreatedAt = db.NewID(), m.ID, m.OrgID, r.UserID, DeliveryPending, m.CreatedAt
			if err := s.Deliveries.AddDelivery(ctx, d); err != nil {
				return err
			}
			if err := s.Schedule(ctx, DeliverJob, d.ID, map[string]string{"id": d.ID}, m.CreatedAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// Deliver sends one delivery through its channel: the job handler. A delivery already
// sent is left alone (jobs run at least once); a failure is recorded and returned, so the
// job is retried with backoff, and the last attempt marks the delivery failed.
func (s *Service) Deliver(ctx context.Context, id string, attempt, maxAttempts int) error {
	d, err := s.Deliveries.Delivery(ctx, id)
	if err != nil {
		return err
	}
	if d.State != DeliveryPending {
		return nil
	}
	var name string
	switch d.Channel {
	case ByEmail:
		ch := s.Email
		if ch == nil {
			ch = LogEmail{}
		}
		name, err = ch.Name(), ch.SendEmail(ctx, d.Address, d.Subject, d.Body)
	case BySMS:
		ch := s.SMS
		if ch == nil {
			ch = LogSMS{}
		}
		name, err = ch.Name(), ch.SendSMS(ctx, d.Address, d.Body)
	default:
		return errs.E(errs.Invalid, "err.invalid")
	}
	now := s.Now()
	if err != nil {
		state := DeliveryPending
		if attempt >= maxAttempts {
			state = DeliveryFailed
		}
		msg := err.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if serr := s.Deliveries.SetDelivery(ctx, id, state, msg, attempt, time.Time{}); serr != nil {
			return serr
		}
		return fmt.Errorf("notify: deliver %s by %s: %w", id, name, err)
	}
	state := DeliverySent
	if name == "log" {
		state = DeliveryLogged
	}
	return s.Deliveries.SetDelivery(ctx, id, state, "", attempt, now)
}

// PrefView is one kind on the preferences page.
type PrefView struct {
	Kind  string
	Email bool
	SMS   bool
}

// Preferences returns the caller's choices for every kind, defaults filled in.
func (s *Service) Preferences(ctx context.Context, p *identity.Principal) ([]PrefView, error) {
	if p == nil || p.User.ID == "" || s.Deliveries == nil {
		return nil, errs.E(errs.Unauthorized, "err.login_required")
	}
	got, err := s.Deliveries.Prefs(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]PrefView, 0, len(Kinds))
	for _, k := range Kinds {
		v := PrefView{Kind: k.Name, Email: k.Email, SMS: k.SMS}
		if pr, ok := got[k.Name]; ok {
			v.Email, v.SMS = pr.Email, pr.SMS
		}
		out = append(out, v)
	}
	return out, nil
}

// SetPreferences stores the caller's choices: the kinds listed in email and sms are on,
// every other kind off for that channel. Unknown kinds are refused by name.
func (s *Service) SetPreferences(ctx context.Context, p *identity.Principal, email, sms []string) error {
	if p == nil || p.User.ID == "" || s.Deliveries == nil {
		return errs.E(errs.Unauthorized, "err.login_required")
	}
	known := func(k string) bool { return slices.ContainsFunc(Kinds, func(x Kind) bool { return x.Name == k }) }
	for _, k := range append(append([]string{}, email...), sms...) {
		if !known(k) {
			return errs.Field("kind", "notify.err.kind")
		}
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, k := range Kinds {
			if err := s.Deliveries.SetPref(ctx, p.User.ID, k.Name, Pref{Email: slices.Contains(email, k.Name), SMS: slices.Contains(sms, k.Name)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecentDeliveries lists the latest deliveries for staff: what was (or would have been)
// sent.
func (s *Service) RecentDeliveries(ctx context.Context, p *identity.Principal) ([]Delivery, error) {
	if p == nil || !p.Is(identity.Platform) || len(p.Roles) == 0 || s.Deliveries == nil {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return s.Deliveries.Deliveries(ctx, 200)
}
