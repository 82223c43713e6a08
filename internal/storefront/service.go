package storefront

import (
	"context"
	"regexp"
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

// Limits of a store's homepage.
const (
	MaxModules  = 20
	MaxFeatured = 12
)

// Service runs stores. Suppliers change only their own store; staff may take a store or
// a module down with a reason.
type Service struct {
	DB    *db.DB
	Store StoreStore
	Orgs  interface {
		OrgByID(ctx context.Context, id string) (*identity.Org, error)
	}
	// OwnsProduct reports whether product id is the supplier's own and on sale.
	OwnsProduct func(ctx context.Context, supplierID, productID string) bool
	// CategoryExists reports whether a category ID names an active category.
	CategoryExists func(ctx context.Context, id string) bool
	// Blobs keeps banner pictures, stored in the same transaction as the draft.
	Blobs upload.Store
	Audit audit.Store
	Now   func() time.Time
}

func seller(p *identity.Principal) error {
	if !p.Is(identity.Supplier) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	if p.Org.Status != identity.OrgActive {
		return errs.E(errs.Forbidden, "err.store_not_approved")
	}
	return nil
}

// Mine returns the caller's store, or a new one named after the company.
func (s *Service) Mine(ctx context.Context, p *identity.Principal) (*Store, error) {
	if err := seller(p); err != nil {
		return nil, err
	}
	st, err := s.Store.Store(ctx, p.Org.ID)
	if errs.Is(err, errs.NotFound) {
		return &Store{OrgID: p.Org.ID, Name: p.Org.Name}, nil
	}
	return st, err
}

// ProfileInput is the store profile form.
type ProfileInput struct {
	Name, Intro, Capability, Certificates, Phone, QQ string
	Version                                          int64
	Logo                                             *Upload // a new logo, or nil to keep the current one
}

var (
	phoneRe = regexp.MustCompile(`^[0-9+\- ]{7,20}$`)
	qqRe    = regexp.MustCompile(`^[1-9][0-9]{4,11}$`)
)

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

// SaveProfile changes the store's profile.
func (s *Service) SaveProfile(ctx context.Context, p *identity.Principal, in ProfileInput) (*Store, error) {
	var st *Store
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if st, err = s.Mine(ctx, p); err != nil {
			return err
		}
		if in.Version != st.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		var v errs.Validator
		st.Name = text(&v, "name", in.Name, 2, 40)
		st.Intro = text(&v, "intro", in.Intro, 0, 2000)
		st.Capability = text(&v, "capability", in.Capability, 0, 4000)
		st.Certificates = text(&v, "certificates", in.Certificates, 0, 1000)
		st.Phone = strings.TrimSpace(in.Phone)
		if st.Phone != "" && !phoneRe.MatchString(st.Phone) {
			v.Add("phone", "err.phone_format")
		}
		st.QQ = strings.TrimSpace(in.QQ)
		if st.QQ != "" && !qqRe.MatchString(st.QQ) {
			v.Add("qq", "err.qq_format")
		}
		if err := v.Err(); err != nil {
			return err
		}
		if in.Logo != nil {
			id, err := s.picture(ctx, p.Org.ID, in.Logo, "logo")
			if err != nil {
				return err
			}
			st.LogoBlob = id
		}
		st.UpdatedAt = s.Now()
		if err := s.Store.SaveStore(ctx, st); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "store.profile", ObjectType: "store", ObjectID: p.Org.ID})
	})
	return st, err
}

// SaveDraft replaces the draft homepage with modules, checked; the live page is unchanged
// until Publish.
// pictures maps module indexes to uploaded banner pictures (nil for none).
func (s *Service) SaveDraft(ctx context.Context, p *identity.Principal, modules []Module, version int64, pictures map[int]*Upload) (*Store, error) {
	var st *Store
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if st, err = s.Mine(ctx, p); err != nil {
			return err
		}
		if version != st.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		// A kept picture must be one this store already shows; a new one is stored now.
		known := map[string]bool{}
		for _, m := range append(append([]Module(nil), st.Draft...), st.Live...) {
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
			id, err := s.picture(ctx, p.Org.ID, up, "modules["+strconv.Itoa(i)+"].image")
			if v.Merge(err) {
				continue
			}
			if err != nil {
				return err
			}
			modules[i].Image = id
		}
		out, err := s.check(ctx, p.Org.ID, modules)
		if err != nil {
			v.Merge(err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		st.Draft, st.UpdatedAt = out, s.Now()
		if err := s.Store.SaveStore(ctx, st); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "store.draft", ObjectType: "store", ObjectID: p.Org.ID})
	})
	return st, err
}

func (s *Service) check(ctx context.Context, orgID string, modules []Module) ([]Module, error) {
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
		kindOK := false
		for _, k := range Kinds {
			kindOK = kindOK || k == m.Kind
		}
		if !kindOK {
			v.Add(f("kind"), "err.module_kind")
			continue
		}
		n := Module{ID: m.ID, Kind: m.Kind, Image: m.Image}
		if !db.ValidID(n.ID) {
			n.ID = db.NewID()
		}
		n.Title = text(&v, f("title"), m.Title, 1, 40)
		switch m.Kind {
		case Banner:
			n.Text = text(&v, f("text"), m.Text, 0, 200)
		case RichText, BrandStory:
			n.Text = text(&v, f("text"), m.Text, 1, 5000)
		case Featured:
			if len(m.ProductIDs) == 0 {
				v.Add(f("products"), "err.choose_one")
			}
			if len(m.ProductIDs) > MaxFeatured {
				v.Add(f("products"), "err.too_many", MaxFeatured)
			}
			for _, id := range m.ProductIDs {
				if !db.ValidID(id) || (s.OwnsProduct != nil && !s.OwnsProduct(ctx, orgID, id)) {
					v.Add(f("products"), "err.product_not_yours")
					break
				}
				n.ProductIDs = append(n.ProductIDs, id)
			}
		case Categories:
			if !db.ValidID(m.Category) || (s.CategoryExists != nil && !s.CategoryExists(ctx, m.Category)) {
				v.Add(f("category"), "err.category_unknown")
			}
			n.Category = m.Category
		}
		out = append(out, n)
	}
	return out, v.Err()
}

// Publish makes the draft the live homepage. Modules staff took down stay down.
func (s *Service) Publish(ctx context.Context, p *identity.Principal, version int64) (*Store, error) {
	var st *Store
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if st, err = s.Mine(ctx, p); err != nil {
			return err
		}
		if version != st.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		down := map[string]Module{}
		for _, m := range st.Live {
			if m.TakenDown {
				down[m.ID] = m
			}
		}
		st.Live = nil
		for _, m := range st.Draft {
			if d, ok := down[m.ID]; ok {
				m.TakenDown, m.Reason = true, d.Reason
			}
			st.Live = append(st.Live, m)
		}
		now := s.Now()
		st.PublishedAt, st.UpdatedAt = now, now
		if err := s.Store.SaveStore(ctx, st); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "store.publish", ObjectType: "store", ObjectID: p.Org.ID})
	})
	return st, err
}

// TakeDown hides a whole store (moduleID "") or one module, with a reason the supplier
// sees; restore reverses it.
func (s *Service) TakeDown(ctx context.Context, p *identity.Principal, orgID, moduleID, reason string, restore bool) error {
	if !p.Is(identity.Platform) || !p.Has(identity.Admin, identity.OpsManager) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	var v errs.Validator
	reason = text(&v, "reason", reason, map[bool]int{false: 2, true: 0}[restore], 500)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		st, err := s.Store.Store(ctx, orgID)
		if err != nil {
			return err
		}
		if moduleID == "" {
			st.TakenDown, st.TakedownReason = !restore, reason
		} else {
			found := false
			for i := range st.Live {
				if st.Live[i].ID == moduleID {
					st.Live[i].TakenDown, st.Live[i].Reason, found = !restore, reason, true
				}
			}
			if !found {
				return errs.E(errs.NotFound, "err.not_found")
			}
		}
		st.UpdatedAt = s.Now()
		if err := s.Store.SaveStore(ctx, st); err != nil {
			return err
		}
		action := "store.takedown"
		if restore {
			action = "store.restore"
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: action, ObjectType: "store", ObjectID: orgID, Detail: moduleID + " " + reason})
	})
}

// Public returns a store as buyers see it: its profile, live modules that are not taken
// down, and the licence information. Stores of suppliers that are not active, and stores
// taken down, are not found.
func (s *Service) Public(ctx context.Context, orgID string) (*Store, *Licence, error) {
	o, err := s.Orgs.OrgByID(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	if o.Kind != identity.Supplier || o.Status != identity.OrgActive {
		return nil, nil, errs.E(errs.NotFound, "err.store_not_found")
	}
	if live, err := s.Store.StoreLive(ctx, orgID); err != nil {
		return nil, nil, err
	} else if !live {
		return nil, nil, errs.E(errs.NotFound, "err.store_not_found")
	}
	st, err := s.Store.Store(ctx, orgID)
	if errs.Is(err, errs.NotFound) {
		st, err = &Store{OrgID: orgID, Name: o.Name}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if st.TakenDown {
		return nil, nil, errs.E(errs.NotFound, "err.store_not_found")
	}
	var live []Module
	for _, m := range st.Live {
		if !m.TakenDown {
			live = append(live, m)
		}
	}
	st.Live = live
	lic, err := s.Store.Licence(ctx, orgID)
	if err != nil {
		return nil, nil, err
	}
	return st, lic, nil
}

// picture stores an uploaded store picture (public: buyers see it); a refusal names field.
func (s *Service) picture(ctx context.Context, orgID string, up *Upload, field string) (string, error) {
	b, err := upload.New(orgID, up.Name, up.Data, upload.Images, upload.MaxImageBytes, s.Now())
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
