package channel

import (
	"context"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Shanghai is the zone schedules and campaign windows are entered and shown in.
var Shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// LocalLayout is how the editors write a time (an HTML datetime-local value).
const LocalLayout = "2006-01-02T15:04"

// BoundaryJob is the job kind run when a campaign window opens or closes, so search
// re-ranks within the job runner's poll interval.
const BoundaryJob = "campaign.boundary"

// Upload is a picture sent with an editor.
type Upload struct {
	Name string
	Data []byte
}

// Service runs channel pages and campaigns. Ops managers and admins edit; analysts may
// look; everybody sees what is published.
type Service struct {
	DB    *db.DB
	Store Store
	Blobs upload.Store
	Audit audit.Store
	// CategoryExists reports whether a category ID names an active category.
	CategoryExists func(ctx context.Context, id string) bool
	// Schedule adds (or moves) a job of kind BoundaryJob with key to run at at, in the
	// transaction ctx carries. Nil: window bounds take effect at the next index rebuild.
	Schedule func(ctx context.Context, key string, at time.Time) error
	Now      func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CanEdit reports whether p may change channels and campaigns.
func CanEdit(p *identity.Principal) bool {
	return p.Is(identity.Platform) && p.Has(identity.Admin, identity.OpsManager)
}

// CanView reports whether p may see the console's channel and campaign pages.
func CanView(p *identity.Principal) bool {
	return CanEdit(p) || (p.Is(identity.Platform) && p.Has(identity.Analyst))
}

func editor(p *identity.Principal) error {
	if !CanEdit(p) {
		if CanView(p) {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
		return errs.E(errs.NotFound, "err.not_found")
	}
	return nil
}

func viewer(p *identity.Principal) error {
	if !CanView(p) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return nil
}

func text(v *errs.Validator, field, s string, min, max int) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field, "err.required")
	case n > 0 && n < min:
		v.Add(field, "err.too_short", min)
	case n > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// ParseLocal reads an editor time in Asia/Shanghai; "" is the zero time.
func ParseLocal(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{LocalLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// FormatLocal writes t as the editors show it.
func FormatLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Shanghai).Format(LocalLayout)
}

func (s *Service) log(ctx context.Context, p *identity.Principal, action, kind, id, detail string) error {
	return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: action, ObjectType: kind, ObjectID: id, Detail: detail})
}

// List returns every channel for the console.
func (s *Service) List(ctx context.Context, p *identity.Principal) ([]Channel, error) {
	if err := viewer(p); err != nil {
		return nil, err
	}
	return s.Store.Channels(ctx)
}

// Get returns a channel for the console.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Channel, error) {
	if err := viewer(p); err != nil {
		return nil, err
	}
	return s.Store.Channel(ctx, id)
}

// Settings is the channel form: everything but the modules.
type Settings struct {
	Slug, Title, Intro string
	OnHome             bool
	Sort               string
	Version            int64
	Picture            *Upload // a new entry picture, or nil to keep the current one
	DropPicture        bool
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,39}$`)

// Create adds an unpublished channel.
func (s *Service) Create(ctx context.Context, p *identity.Principal, in Settings) (*Channel, error) {
	if err := editor(p); err != nil {
		return nil, err
	}
	c := &Channel{ID: db.NewID(), CreatedAt: s.now()}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.settings(ctx, p, c, in); err != nil {
			return err
		}
		return s.log(ctx, p, "channel.create", "channel", c.ID, c.Slug)
	})
	return c, err
}

// SaveSettings changes a channel's slug, title, introduction, home-page entry and order.
func (s *Service) SaveSettings(ctx context.Context, p *identity.Principal, id string, in Settings) (*Channel, error) {
	if err := editor(p); err != nil {
		return nil, err
	}
	var c *Channel
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.current(ctx, id, in.Version); err != nil {
			return err
		}
		if err := s.settings(ctx, p, c, in); err != nil {
			return err
		}
		return s.log(ctx, p, "channel.settings", "channel", c.ID, c.Slug)
	})
	return c, err
}

func (s *Service) settings(ctx context.Context, p *identity.Principal, c *Channel, in Settings) error {
	var v errs.Validator
	slug := strings.ToLower(strings.TrimSpace(in.Slug))
	if slug == "" {
		v.Add("slug", "err.required")
	} else if !slugRe.MatchString(slug) || strings.HasSuffix(slug, "-") {
		v.Add("slug", "err.channel_slug")
	}
	c.Slug = slug
	c.Title = text(&v, "title", in.Title, 2, 30)
	c.Intro = text(&v, "intro", in.Intro, 0, 200)
	c.OnHome = in.OnHome
	if strings.TrimSpace(in.Sort) == "" {
		c.Sort = 0
	} else if n, err := strconv.Atoi(strings.TrimSpace(in.Sort)); err != nil || n < 0 || n > 999 {
		v.Add("sort", "err.channel_sort")
	} else {
		c.Sort = n
	}
	if in.Picture != nil {
		id, err := s.picture(ctx, p, in.Picture, "picture")
		if !v.Merge(err) && err != nil {
			return err
		}
		c.Image = id
	} else if in.DropPicture {
		c.Image = ""
	}
	if c.OnHome && c.Image == "" {
		v.Add("picture", "err.channel_entry_picture")
	}
	if err := v.Err(); err != nil {
		return err
	}
	c.UpdatedAt = s.now()
	return s.Store.SaveChannel(ctx, c)
}

// current loads a channel for an edit made against version: a newer one is a Conflict.
func (s *Service) current(ctx context.Context, id string, version int64) (*Channel, error) {
	c, err := s.Store.Channel(ctx, id)
	if err != nil {
		return nil, err
	}
	if version != c.Version {
		return nil, errs.E(errs.Conflict, "err.stale_version")
	}
	return c, nil
}

// SaveDraft replaces a channel's draft modules, checked; the live page is unchanged until
// Publish. pictures maps module indexes to uploaded banner pictures.
func (s *Service) SaveDraft(ctx context.Context, p *identity.Principal, id string, modules []Module, version int64, pictures map[int]*Upload) (*Channel, error) {
	if err := editor(p); err != nil {
		return nil, err
	}
	var c *Channel
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.current(ctx, id, version); err != nil {
			return err
		}
		// A kept picture must be one this channel already shows; a new one is stored now.
		known := map[string]bool{}
		for _, m := range slices.Concat(c.Draft, c.Live) {
			known[m.Image] = true
		}
		var v errs.Validator
		for i := range modules {
			if !known[modules[i].Image] {
				modules[i].Image = ""
			}
			up := pictures[i]
			if up == nil || modules[i].Kind != Banner {
				continue
			}
			id, err := s.picture(ctx, p, up, "modules["+strconv.Itoa(i)+"].image")
			if v.Merge(err) {
				continue
			}
			if err != nil {
				return err
			}
			modules[i].Image = id
		}
		out, err := s.check(ctx, modules)
		v.Merge(err)
		if err := v.Err(); err != nil {
			return err
		}
		c.Draft, c.UpdatedAt = out, s.now()
		if err := s.Store.SaveChannel(ctx, c); err != nil {
			return err
		}
		return s.log(ctx, p, "channel.draft", "channel", c.ID, c.Slug)
	})
	return c, err
}

func (s *Service) check(ctx context.Context, modules []Module) ([]Module, error) {
	var v errs.Validator
	if len(modules) > MaxModules {
		v.Add("modules", "err.too_many", MaxModules)
	}
	var out []Module
	for i, m := range modules {
		if i >= MaxModules {
			break
		}
		f := func(name string) string { return "modules[" + strconv.Itoa(i) + "]." + name }
		if !slices.Contains(Kinds, m.Kind) {
			v.Add(f("kind"), "err.module_kind")
			continue
		}
		n := Module{ID: m.ID, Kind: m.Kind, Image: m.Image}
		if !db.ValidID(n.ID) {
			n.ID = db.NewID()
		}
		n.Title = text(&v, f("title"), m.Title, 1, 40)
		count := func(def int) int {
			switch {
			case m.Count == 0:
				return def
			case m.Count < 1 || m.Count > MaxShelf:
				v.Add(f("count"), "err.channel_count", MaxShelf)
			}
			return m.Count
		}
		switch m.Kind {
		case Banner:
			n.Alt = text(&v, f("alt"), m.Alt, 0, 80)
			n.Link = strings.TrimSpace(m.Link)
			if n.Link != "" && !safeLink(n.Link) {
				v.Add(f("link"), "err.channel_link")
			}
		case Shelf:
			n.Query = text(&v, f("query"), m.Query, 0, 100)
			n.Category = strings.TrimSpace(m.Category)
			n.Count = count(DefaultShelf)
			for _, id := range m.ProductIDs {
				if id = strings.ToLower(strings.TrimSpace(id)); id != "" && !slices.Contains(n.ProductIDs, id) {
					n.ProductIDs = append(n.ProductIDs, id)
				}
			}
			switch {
			case len(n.ProductIDs) > MaxShelf:
				v.Add(f("products"), "err.too_many", MaxShelf)
			case len(n.ProductIDs) > 0:
				listed, err := s.Store.ListedProducts(ctx, n.ProductIDs)
				if err != nil {
					return nil, err
				}
				for _, id := range n.ProductIDs {
					if !listed[id] {
						v.Add(f("products"), "err.channel_product_unknown", id)
						break
					}
				}
			}
			if n.Category != "" && (!db.ValidID(n.Category) || (s.CategoryExists != nil && !s.CategoryExists(ctx, n.Category))) {
				v.Add(f("category"), "err.category_unknown")
			}
		case Categories:
			for _, id := range m.CatIDs {
				if id == "" || slices.Contains(n.CatIDs, id) {
					continue
				}
				if !db.ValidID(id) || (s.CategoryExists != nil && !s.CategoryExists(ctx, id)) {
					v.Add(f("categories"), "err.category_unknown")
					break
				}
				n.CatIDs = append(n.CatIDs, id)
			}
			if len(n.CatIDs) > MaxGrid {
				v.Add(f("categories"), "err.too_many", MaxGrid)
			}
		case Slot:
			n.CampaignID = m.CampaignID
			n.Count = count(DefaultShelf)
			if n.CampaignID == "" {
				// chosen before publishing
			} else if !db.ValidID(n.CampaignID) {
				v.Add(f("campaign"), "err.campaign_unknown")
			} else if _, err := s.Store.Campaign(ctx, n.CampaignID); errs.Is(err, errs.NotFound) {
				v.Add(f("campaign"), "err.campaign_unknown")
			} else if err != nil {
				return nil, err
			}
		case RichText:
			n.Text = text(&v, f("text"), m.Text, 1, 5000)
		case HotTerms:
			n.Count = count(10)
		}
		// The editor sends times as typed; code (the demo, tests) may set them directly.
		n.Start, n.End = m.Start, m.End
		if m.StartIn != "" {
			t, ok := ParseLocal(m.StartIn)
			v.Check(ok, f("start"), "err.channel_time")
			n.Start = t
		}
		if m.EndIn != "" {
			t, ok := ParseLocal(m.EndIn)
			v.Check(ok, f("end"), "err.channel_time")
			n.End = t
		}
		if !n.Start.IsZero() && !n.End.IsZero() && !n.End.After(n.Start) {
			v.Add(f("end"), "err.channel_window")
		}
		out = append(out, n)
	}
	return out, v.Err()
}

// incomplete names what a draft still lacks before it can be published: a banner's
// picture and alt text, a shelf's source, a grid's categories, a slot's campaign.
func incomplete(ms []Module) error {
	var v errs.Validator
	if len(ms) == 0 {
		v.Add("modules", "err.channel_empty")
	}
	for i, m := range ms {
		f := func(name string) string { return "modules[" + strconv.Itoa(i) + "]." + name }
		switch m.Kind {
		case Banner:
			v.Check(m.Image != "", f("image"), "err.channel_banner_picture")
			v.Check(utf8.RuneCountInString(m.Alt) >= 2, f("alt"), "err.channel_alt")
		case Shelf:
			v.Check(len(m.ProductIDs) > 0 || m.Query != "" || m.Category != "", f("query"), "err.channel_shelf_source")
		case Categories:
			v.Check(len(m.CatIDs) > 0, f("categories"), "err.choose_one")
		case Slot:
			v.Check(m.CampaignID != "", f("campaign"), "err.required")
		}
	}
	return v.Err()
}

// safeLink accepts a site path ("/c/fasteners") or an absolute http(s) URL.
func safeLink(s string) bool {
	if len(s) > 500 || strings.ContainsAny(s, " \t\r\n\\") {
		return false
	}
	if strings.HasPrefix(s, "/") {
		return !strings.HasPrefix(s, "//")
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// Publish makes the draft the live page and lists the channel.
func (s *Service) Publish(ctx context.Context, p *identity.Principal, id string, version int64) (*Channel, error) {
	return s.publish(ctx, p, id, version, true)
}

// Unpublish takes the channel off the site (its page answers 404); the live modules are
// kept for a later Publish.
func (s *Service) Unpublish(ctx context.Context, p *identity.Principal, id string, version int64) (*Channel, error) {
	return s.publish(ctx, p, id, version, false)
}

func (s *Service) publish(ctx context.Context, p *identity.Principal, id string, version int64, on bool) (*Channel, error) {
	if err := editor(p); err != nil {
		return nil, err
	}
	var c *Channel
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.current(ctx, id, version); err != nil {
			return err
		}
		now := s.now()
		action := "channel.unpublish"
		if on {
			if err := incomplete(c.Draft); err != nil {
				return err
			}
			c.Live, c.PublishedAt, action = slices.Clone(c.Draft), now, "channel.publish"
		}
		c.Published, c.UpdatedAt = on, now
		if err := s.Store.SaveChannel(ctx, c); err != nil {
			return err
		}
		return s.log(ctx, p, action, "channel", c.ID, c.Slug)
	})
	return c, err
}

// Public returns a published channel with the live modules that show now. An unknown or
// unpublished channel is not found.
func (s *Service) Public(ctx context.Context, slug string) (*Channel, error) {
	slug = strings.ToLower(slug)
	if !slugRe.MatchString(slug) {
		return nil, errs.E(errs.NotFound, "err.channel_not_found")
	}
	c, err := s.Store.ChannelBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if !c.Published {
		return nil, errs.E(errs.NotFound, "err.channel_not_found")
	}
	c.Live = Showing(c.Live, s.now())
	c.Draft = nil
	return c, nil
}

// Showing returns the modules of ms that show at t.
func Showing(ms []Module, t time.Time) []Module {
	var out []Module
	for _, m := range ms {
		if m.Visible(t) {
			out = append(out, m)
		}
	}
	return out
}

// HomeEntries returns the published channels marked for the home page, in order.
func (s *Service) HomeEntries(ctx context.Context) ([]Channel, error) {
	all, err := s.Store.Channels(ctx)
	if err != nil {
		return nil, err
	}
	var out []Channel
	for _, c := range all {
		if c.Published && c.OnHome {
			c.Draft, c.Live = nil, nil
			out = append(out, c)
		}
	}
	return out, nil
}

// picture stores an uploaded picture (public: buyers see it); a refusal names field.
func (s *Service) picture(ctx context.Context, p *identity.Principal, up *Upload, field string) (string, error) {
	b, err := upload.New(p.Org.ID, up.Name, up.Data, upload.Images, upload.MaxImageBytes, s.now())
	if err != nil {
		if e := errs.As(err); e != nil && e.Code != errs.Internal {
			out := &errs.Error{Code: errs.Invalid, Msg: errs.Msg{Key: "err.invalid"}}
			for _, f := range e.Fields {
				out.Fields = append(out.Fields, errs.FieldError{Field: field, Msg: f.Msg})
			}
			return "", out
		}
		return "", err
	}
	b.Public = true
	if err := s.Blobs.PutBlob(ctx, b); err != nil {
		return "", err
	}
	return b.ID, nil
}
