package supplier

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Service runs onboarding. Supplier-side methods act only on the caller's own
// organisation; review methods need merchant-recruitment, ops-manager or admin staff.
type Service struct {
	DB       *db.DB
	Store    Store
	Identity *identity.Service
	Audit    audit.Store
	// CategoryExists reports whether a category ID names an active category.
	CategoryExists func(ctx context.Context, id string) bool
	// Blobs keeps uploaded scans, written in the same transaction as the application.
	Blobs upload.Store
	// Notify leaves in-site messages for the supplier (nil sends none).
	Notify *notify.Service
	Now    func() time.Time
}

// reviewer reports whether p may review applications.
func reviewer(p *identity.Principal) bool {
	return p.Is(identity.Platform) && p.Has(identity.Admin, identity.MerchantRecruitment, identity.OpsManager)
}

// Apply opens an account for a company that wants to sell: a user, a supplier
// organisation in the applying state with the user as owner, and a draft application.
func (s *Service) Apply(ctx context.Context, in identity.RegisterInput) (*identity.User, *Application, error) {
	in.Kind = identity.Supplier
	var u *identity.User
	var a *Application
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var o *identity.Org
		var err error
		if u, o, err = s.Identity.Register(ctx, in); err != nil {
			return err
		}
		now := s.Now()
		a = &Application{OrgID: o.ID, ApplicantID: u.ID, State: Draft, CompanyName: o.Name, CreditCode: o.CreditCode,
			Checklist: map[string]bool{}, CreatedAt: now, UpdatedAt: now, Version: 1}
		if err := s.Store.CreateApplication(ctx, a); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: u.ID, ActorName: u.DisplayName, OrgID: o.ID, Action: "supplier.apply", ObjectType: "supplier_application", ObjectID: a.ID})
	})
	return u, a, err
}

// Mine returns the caller's own application.
func (s *Service) Mine(ctx context.Context, p *identity.Principal) (*Application, error) {
	if !p.Is(identity.Supplier) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return s.Store.ApplicationByOrg(ctx, p.Org.ID)
}

// Form is what the supplier fills in; fields are checked for form as they are saved and
// for completeness at submission.
type Form struct {
	CompanyName, CreditCode, LegalRep, LegalRepID, RegAddress, BusinessScope string
	ContactName, ContactMobile, ContactEmail, LicenceValidTo                 string
	Categories                                                               []string
	Brands                                                                   []Brand
	LicenceBlob                                                              string
	Version                                                                  int64
	// Files uploaded with the form: the licence scan, and brand documents by row.
	LicenceFile *File
	BrandFiles  map[int]*File
}

// File is an uploaded file as the form received it.
type File struct {
	Name string
	Data []byte
}

// storeFile validates and stores an uploaded scan (image or PDF) for the organisation;
// a refusal names field.
func (s *Service) storeFile(ctx context.Context, orgID, field string, f *File) (string, error) {
	b, err := upload.New(orgID, f.Name, f.Data, upload.ImagesAndPDF, upload.MaxDocumentBytes, s.Now())
	if err != nil {
		if e := errs.As(err); e != nil {
			for i := range e.Fields {
				e.Fields[i].Field = field
			}
		}
		return "", err
	}
	if err := s.Blobs.PutBlob(ctx, b); err != nil {
		return "", err
	}
	return b.ID, nil
}

const maxBrands = 20

var (
	dateRe      = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	trademarkRe = regexp.MustCompile(`^[0-9A-Za-z]{5,12}$`)
)

func text(v *errs.Validator, field, s string, min, max int, required bool) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		if required {
			v.Add(field, "err.required")
		}
	case n < min:
		v.Add(field, "err.too_short", min)
	case n > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || r == 0x7f }):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// date checks a YYYY-MM-DD date; future requires it to be after today (Asia/Shanghai).
func date(v *errs.Validator, field, s string, future bool, now time.Time, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "err.required")
		}
		return ""
	}
	t, err := time.ParseInLocation("2006-01-02", s, shanghai)
	if !dateRe.MatchString(s) || err != nil {
		v.Add(field, "err.date_format")
		return s
	}
	if future && !t.After(now.In(shanghai)) {
		v.Add(field, "err.date_expired", s)
	}
	return s
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// apply checks d and copies it into a. With complete, every required field must be
// present (submission); without, only what is filled in is checked (saving a draft).
func (s *Service) apply(ctx context.Context, a *Application, d Form, complete bool) error {
	var v errs.Validator
	now := s.Now()
	a.CompanyName = text(&v, "company_name", d.CompanyName, 2, 100, true)
	if code := cn.NormalizeCreditCode(d.CreditCode); code != "" {
		if err := cn.ValidCreditCode(code); err != nil {
			v.Add("credit_code", "err.credit_code")
		}
		a.CreditCode = code
	} else {
		a.CreditCode = ""
		if complete {
			v.Add("credit_code", "err.required")
		}
	}
	a.LegalRep = text(&v, "legal_rep", d.LegalRep, 2, 30, complete)
	if id := cn.NormalizeResidentID(d.LegalRepID); id != "" && !strings.Contains(id, "*") {
		if err := cn.ValidResidentIDAt(id, now); err != nil {
			v.Add("legal_rep_id", "err.resident_id")
		} else {
			a.LegalRepID = cn.MaskResidentID(id)
		}
	} else if id == "" {
		a.LegalRepID = ""
	}
	a.RegAddress = text(&v, "reg_address", d.RegAddress, 5, 200, complete)
	a.BusinessScope = text(&v, "business_scope", d.BusinessScope, 4, 2000, complete)
	a.ContactName = text(&v, "contact_name", d.ContactName, 1, 30, complete)
	a.ContactMobile = ""
	if m := strings.TrimSpace(d.ContactMobile); m != "" {
		if nm, ok := cn.NormalizeMobile(m); ok {
			a.ContactMobile = nm
		} else {
			v.Add("contact_mobile", "err.mobile_format")
		}
	} else if complete {
		v.Add("contact_mobile", "err.required")
	}
	a.ContactEmail = ""
	if e := strings.TrimSpace(d.ContactEmail); e != "" {
		if addr, err := mail.ParseAddress(e); err != nil || addr.Address != e || len(e) > 254 {
			v.Add("contact_email", "err.email_format")
		} else {
			a.ContactEmail = strings.ToLower(e)
		}
	}
	a.LicenceValidTo = date(&v, "licence_valid_to", d.LicenceValidTo, true, now, false)
	a.Categories = nil
	seen := map[string]bool{}
	for _, c := range d.Categories {
		if seen[c] {
			continue
		}
		seen[c] = true
		if !db.ValidID(c) || (s.CategoryExists != nil && !s.CategoryExists(ctx, c)) {
			v.Add("categories", "err.category_unknown")
			continue
		}
		a.Categories = append(a.Categories, c)
	}
	if complete && len(a.Categories) == 0 {
		v.Add("categories", "err.choose_one")
	}
	if len(d.Brands) > maxBrands {
		v.Add("brands", "err.too_many", maxBrands)
	}
	a.Brands = nil
	for i, b := range d.Brands {
		if i >= maxBrands {
			break
		}
		f := func(name string) string { return fmt.Sprintf("brands[%d].%s", i, name) }
		if strings.TrimSpace(b.Name) == "" && strings.TrimSpace(b.TrademarkNo+b.Holder+b.Grantor+b.Scope+b.ValidTo) == "" && len(b.Chain) == 0 {
			continue // an empty row on the form
		}
		var nb Brand
		nb.Name = text(&v, f("name"), b.Name, 1, 40, true)
		nb.Kind = b.Kind
		switch b.Kind {
		case Trademark:
			nb.TrademarkNo = strings.TrimSpace(b.TrademarkNo)
			if nb.TrademarkNo == "" {
				if complete {
					v.Add(f("tm_no"), "err.required")
				}
			} else if !trademarkRe.MatchString(nb.TrademarkNo) {
				v.Add(f("tm_no"), "err.trademark_no")
			}
			nb.Holder = text(&v, f("holder"), b.Holder, 2, 100, complete)
		case Authorisation:
			nb.Grantor = text(&v, f("grantor"), b.Grantor, 2, 100, complete)
			nb.Scope = text(&v, f("scope"), b.Scope, 2, 200, complete)
			for j, c := range b.Chain {
				if c = text(&v, f("chain"), c, 2, 100, false); c != "" {
					nb.Chain = append(nb.Chain, c)
				}
				if j > 8 {
					v.Add(f("chain"), "err.too_many", 8)
					break
				}
			}
			if complete && len(nb.Chain) == 0 {
				v.Add(f("chain"), "err.required")
			} else if len(nb.Chain) > 0 && nb.Grantor != "" && nb.Chain[len(nb.Chain)-1] != nb.Grantor {
				v.Add(f("chain"), "err.chain_end")
			}
		default:
			v.Add(f("kind"), "err.brand_kind")
		}
		nb.ValidTo = date(&v, f("valid_to"), b.ValidTo, true, now, complete)
		nb.DocBlob = strings.TrimSpace(b.DocBlob)
		if complete && nb.DocBlob == "" {
			v.Add(f("doc"), "err.upload_required")
		}
		a.Brands = append(a.Brands, nb)
	}
	if complete && len(a.Brands) == 0 {
		v.Add("brands", "err.brand_required")
	}
	a.LicenceBlob = strings.TrimSpace(d.LicenceBlob)
	if complete && a.LicenceBlob == "" {
		v.Add("licence", "err.upload_required")
	}
	return v.Err()
}

// SaveDraft saves what the supplier filled in so far.
func (s *Service) SaveDraft(ctx context.Context, p *identity.Principal, d Form) (*Application, error) {
	return s.edit(ctx, p, d, false)
}

// Submit checks the application is complete, records the agreement's acceptance and puts
// it in the review queue.
func (s *Service) Submit(ctx context.Context, p *identity.Principal, d Form, agreed bool) (*Application, error) {
	if !agreed {
		return nil, errs.Field("agree", "err.agree_required")
	}
	return s.edit(ctx, p, d, true)
}

func (s *Service) edit(ctx context.Context, p *identity.Principal, d Form, submit bool) (*Application, error) {
	var a *Application
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.Mine(ctx, p); err != nil {
			return err
		}
		if !Editable(a.State) {
			return errs.E(errs.Conflict, "err.application_locked")
		}
		if d.Version != a.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		// Uploaded files are stored in this transaction: if anything fails, none stay.
		var v errs.Validator
		if d.LicenceFile != nil {
			id, err := s.storeFile(ctx, p.Org.ID, "licence", d.LicenceFile)
			if !v.Merge(err) && err != nil {
				return err
			}
			d.LicenceBlob = id
		}
		for i, f := range d.BrandFiles {
			if i < 0 || i >= len(d.Brands) {
				continue
			}
			id, err := s.storeFile(ctx, p.Org.ID, fmt.Sprintf("brands[%d].doc", i), f)
			if !v.Merge(err) && err != nil {
				return err
			}
			d.Brands[i].DocBlob = id
		}
		// A file reference kept from an earlier save must be this organisation's own.
		known := map[string]bool{a.LicenceBlob: true}
		for _, b := range a.Brands {
			known[b.DocBlob] = true
		}
		own := func(id string) bool {
			if id == "" || known[id] {
				return true
			}
			owner, _, err := s.Blobs.BlobOwner(ctx, id)
			return err == nil && owner == p.Org.ID
		}
		if d.LicenceFile == nil && !own(d.LicenceBlob) {
			d.LicenceBlob = ""
		}
		for i := range d.Brands {
			if d.BrandFiles[i] == nil && !own(d.Brands[i].DocBlob) {
				d.Brands[i].DocBlob = ""
			}
		}
		if err := s.apply(ctx, a, d, submit); err != nil {
			v.Merge(err)
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.Now()
		a.UpdatedAt = now
		action := "supplier.application.save"
		if submit {
			from := a.State
			a.State, a.SubmittedAt = Submitted, now
			a.AgreementVer, a.AgreementAt, a.AgreementIP = AgreementVersion, now, audit.MetaFrom(ctx).IP
			action = "supplier.application.submit"
			if err := s.Store.AddDecision(ctx, &Decision{ApplicationID: a.ID, At: now, ActorID: p.User.ID, ActorName: p.User.DisplayName, From: from, To: Submitted, Checklist: a.Checklist}); err != nil {
				return err
			}
		}
		if err := s.Store.SaveApplication(ctx, a); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: action, ObjectType: "supplier_application", ObjectID: a.ID})
	})
	return a, err
}

// Queue lists applications for review.
func (s *Service) Queue(ctx context.Context, p *identity.Principal, f Filter) ([]Application, int64, error) {
	if !reviewer(p) {
		return nil, 0, errs.E(errs.Forbidden, "err.forbidden")
	}
	return s.Store.Applications(ctx, f)
}

// Get returns an application with its decisions, for a reviewer.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Application, []Decision, error) {
	if !reviewer(p) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	a, err := s.Store.Application(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ds, err := s.Store.Decisions(ctx, a.ID)
	return a, ds, err
}

// History returns the decisions on the supplier's own application.
func (s *Service) History(ctx context.Context, p *identity.Principal) ([]Decision, error) {
	a, err := s.Mine(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Store.Decisions(ctx, a.ID)
}

// Review outcomes.
const (
	Start   = "start"   // take a submitted application into review
	Approve = "approve" //
	Reject  = "reject"
	Return  = "return" // send back for more information
)

// ReviewInput is one reviewer step: the checklist as ticked, and optionally an outcome.
type ReviewInput struct {
	Checklist map[string]bool
	Outcome   string // "", Start, Approve, Reject, Return
	Reason    string
	Version   int64
}

// Review records a reviewer's checklist and outcome. Approval needs every checklist item
// ticked; rejection and return need a reason the supplier will read. Approval activates
// the supplier organisation under the verified name and credit code.
func (s *Service) Review(ctx context.Context, p *identity.Principal, id string, in ReviewInput) (*Application, error) {
	if !reviewer(p) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var a *Application
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.Store.Application(ctx, id); err != nil {
			return err
		}
		if in.Version != a.Version {
			return errs.E(errs.Conflict, "err.stale_version")
		}
		var v errs.Validator
		check := map[string]bool{}
		for k, ok := range in.Checklist {
			if !ValidItem(k) {
				v.Add("checklist", "err.checklist_item", k)
			} else if ok {
				check[k] = true
			}
		}
		reason := text(&v, "reason", in.Reason, 2, 1000, in.Outcome == Reject || in.Outcome == Return)
		if err := v.Err(); err != nil {
			return err
		}
		from, to := a.State, a.State
		switch in.Outcome {
		case "":
			if from != UnderReview {
				return errs.E(errs.Conflict, "err.review_state", from)
			}
		case Start:
			if from != Submitted {
				return errs.E(errs.Conflict, "err.review_state", from)
			}
			to, a.ReviewerID = UnderReview, p.User.ID
		case Approve, Reject, Return:
			if from != UnderReview {
				return errs.E(errs.Conflict, "err.review_state", from)
			}
			to = map[string]string{Approve: Approved, Reject: Rejected, Return: Returned}[in.Outcome]
			if in.Outcome == Approve && !ChecklistComplete(check) {
				return errs.Field("checklist", "err.checklist_incomplete")
			}
		default:
			return errs.Field("outcome", "err.outcome_unknown")
		}
		now := s.Now()
		a.Checklist, a.State, a.UpdatedAt = check, to, now
		if to == Approved || to == Rejected {
			a.DecidedAt = now
		}
		if to == Approved {
			a.VerifiedAt = now
		}
		if err := s.Store.SaveApplication(ctx, a); err != nil {
			return err
		}
		if err := s.Store.AddDecision(ctx, &Decision{ApplicationID: a.ID, At: now, ActorID: p.User.ID, ActorName: p.User.DisplayName, From: from, To: to, Reason: reason, Checklist: check}); err != nil {
			return err
		}
		if to != from {
			if err := s.send(ctx, a.OrgID, "application", "msg.application_"+to, "/seller/application", reason); err != nil {
				return err
			}
		}
		switch to {
		case Approved:
			if err := s.Store.SetOrgStatus(ctx, a.OrgID, identity.OrgActive, a.CompanyName, a.CreditCode, now); err != nil {
				return err
			}
		case Rejected:
			if err := s.Store.SetOrgStatus(ctx, a.OrgID, identity.OrgRejected, "", "", now); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "supplier.review." + map[string]string{"": "checklist"}[in.Outcome] + in.Outcome,
			ObjectType: "supplier_application", ObjectID: a.ID, Detail: from + "→" + to})
	})
	return a, err
}

func (s *Service) send(ctx context.Context, orgID, kind, key, link string, args ...string) error {
	if s.Notify == nil {
		return nil
	}
	return s.Notify.Send(ctx, orgID, kind, key, link, args...)
}

// Credential lifecycle thresholds.
const (
	RemindEarly   = 30 * 24 * time.Hour  // first reminder before a credential expires
	RemindLate    = 7 * 24 * time.Hour   // last reminder
	ReverifyEvery = 183 * 24 * time.Hour // 电子商务法 art. 27: at least every 6 months
	ReverifyGrace = 30 * 24 * time.Hour  // selling stops when re-verification is this late
)

// SweepResult counts what a credential sweep did.
type SweepResult struct {
	Reminders, Suspended, BrandsStopped int
	ProductsOffSale                     int64
}

// SweepCredentials checks every approved supplier's credentials at now: it reminds
// before the business licence or a brand's certificate or authorisation expires and when
// re-verification falls due; an expired licence, or re-verification overdue past the
// grace period, suspends the supplier; an expired brand credential takes that brand's
// products off sale. Each reminder and each action happens once; running it again is
// harmless, so it may run on any node at any time.
func (s *Service) SweepCredentials(ctx context.Context, now time.Time) (SweepResult, error) {
	var res SweepResult
	for offset := 0; ; offset += 200 {
		apps, _, err := s.Store.Applications(ctx, Filter{States: []string{Approved}, Limit: 200, Offset: offset})
		if err != nil {
			return res, err
		}
		for i := range apps {
			if err := s.DB.WithTx(ctx, func(ctx context.Context) error { return s.sweepOne(ctx, &apps[i], now, &res) }); err != nil {
				return res, err
			}
		}
		if len(apps) < 200 {
			return res, nil
		}
	}
}

func (s *Service) sweepOne(ctx context.Context, a *Application, now time.Time, res *SweepResult) error {
	// notice sends a message the first time a (credential, notice) pair is seen.
	notice := func(credential, kind, key string, args ...string) (bool, error) {
		first, err := s.Store.AddNotice(ctx, a.OrgID, credential, kind, now)
		if err != nil || !first {
			return false, err
		}
		return true, s.send(ctx, a.OrgID, "credential", key, "/seller/application", args...)
	}
	remind := func(credential, name string, due time.Time) (expired bool, err error) {
		left := due.Sub(now)
		switch {
		case left <= 0:
			return true, nil
		case left <= RemindLate:
			if sent, err := notice(credential, "7d", "msg.credential_expiring", name, due.In(shanghai).Format("2006-01-02")); err != nil {
				return false, err
			} else if sent {
				res.Reminders++
			}
		case left <= RemindEarly:
			if sent, err := notice(credential, "30d", "msg.credential_expiring", name, due.In(shanghai).Format("2006-01-02")); err != nil {
				return false, err
			} else if sent {
				res.Reminders++
			}
		}
		return false, nil
	}
	suspend := false
	if a.LicenceValidTo != "" {
		if due, err := time.ParseInLocation("2006-01-02", a.LicenceValidTo, shanghai); err == nil {
			expired, err := remind("licence:"+a.LicenceValidTo, "营业执照", due.Add(24*time.Hour))
			if err != nil {
				return err
			}
			suspend = suspend || expired
		}
	}
	if !a.VerifiedAt.IsZero() {
		due := a.VerifiedAt.Add(ReverifyEvery)
		key := "reverify:" + a.VerifiedAt.In(shanghai).Format("2006-01-02")
		if _, err := remind(key, "资质复核", due); err != nil {
			return err
		}
		if now.After(due.Add(ReverifyGrace)) {
			suspend = true
		}
	}
	for _, b := range a.Brands {
		due, err := time.ParseInLocation("2006-01-02", b.ValidTo, shanghai)
		if err != nil {
			continue
		}
		credential := "brand:" + b.Name + ":" + b.ValidTo
		expired, err := remind(credential, b.Name, due.Add(24*time.Hour))
		if err != nil {
			return err
		}
		if !expired {
			continue
		}
		if first, err := s.Store.AddNotice(ctx, a.OrgID, credential, "expired", now); err != nil {
			return err
		} else if first {
			n, err := s.Store.TakeBrandOffSale(ctx, a.OrgID, b.Name, now)
			if err != nil {
				return err
			}
			res.BrandsStopped++
			res.ProductsOffSale += n
			if err := s.send(ctx, a.OrgID, "credential", "msg.brand_stopped", "/seller/application", b.Name); err != nil {
				return err
			}
			if err := audit.Log(ctx, s.Audit, audit.Entry{ActorName: "system", OrgID: a.OrgID, Action: "supplier.brand_stopped", ObjectType: "org", ObjectID: a.OrgID, Detail: b.Name}); err != nil {
				return err
			}
		}
	}
	if !suspend {
		return nil
	}
	o, err := s.Identity.Store.OrgByID(ctx, a.OrgID)
	if err != nil {
		return err
	}
	if o.Status != identity.OrgActive {
		return nil
	}
	if err := s.Store.SetOrgStatus(ctx, a.OrgID, identity.OrgSuspended, "", "", now); err != nil {
		return err
	}
	res.Suspended++
	if err := s.send(ctx, a.OrgID, "credential", "msg.suspended_credentials", "/seller/application"); err != nil {
		return err
	}
	return audit.Log(ctx, s.Audit, audit.Entry{ActorName: "system", OrgID: a.OrgID, Action: "supplier.suspended", ObjectType: "org", ObjectID: a.OrgID, Detail: "credentials"})
}
