package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/storefront"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

// The supplier-side and onboarding operations of the API.
func (a *API) addSupplierRoutes() {
	reviewers := httpx.StaffRoles(identity.MerchantRecruitment, identity.OpsManager)
	a.add("GET", "/api/v1/supplier/application", httpx.Seller, false, a.getApplication,
		Doc{ID: "getApplication", Summary: "The caller's supplier application", Tag: "onboarding", Response: "Application", Status: 200})
	a.add("PUT", "/api/v1/supplier/application", httpx.Seller, false, a.saveApplication,
		Doc{ID: "saveApplication", Summary: "Save the application as a draft (file references must be the caller's own uploads)", Tag: "onboarding", Request: "ApplicationInput", Response: "Application", Status: 200})
	a.add("POST", "/api/v1/supplier/application/submit", httpx.Seller, true, a.submitApplication,
		Doc{ID: "submitApplication", Summary: "Submit the application for review, accepting the supplier agreement", Tag: "onboarding", Request: "ApplicationInput", Response: "Application", Status: 200})
	a.add("GET", "/api/v1/supplier/deposit", httpx.Seller, false, a.getDeposit,
		Doc{ID: "getDeposit", Summary: "The caller's deposit (保证金): required, held, frozen, remittance code", Tag: "deposit", Response: "Deposit", Status: 200})
	a.add("GET", "/api/v1/admin/applications", reviewers, false, a.listApplications,
		Doc{ID: "listApplications", Summary: "The review queue (submitted and under review), or ?state=", Tag: "onboarding", Response: "ApplicationList", Status: 200,
			Params: []Param{{Name: "state", In: "query", Type: "string", Description: "draft, submitted, under_review, returned, approved, rejected, or all"}}})
	a.add("POST", "/api/v1/admin/applications/{id}/review", reviewers, false, a.reviewApplication,
		Doc{ID: "reviewApplication", Summary: "Record the checklist and an outcome (start, approve, return, reject)", Tag: "onboarding", Request: "ReviewInput", Response: "Application", Status: 200,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "application ID"}}})
	a.add("GET", "/api/v1/stores/{id}", httpx.Anyone, false, a.getStore,
		Doc{ID: "getStore", Summary: "A live store: profile, modules and business-licence information", Tag: "stores", Response: "Store", Status: 200,
			Params: []Param{{Name: "id", In: "path", Type: "string", Required: true, Description: "supplier organisation ID"}}})
	a.add("GET", "/api/v1/messages", httpx.SignedIn, false, a.listMessages,
		Doc{ID: "listMessages", Summary: "The caller's organisation's in-site messages, newest first", Tag: "messages", Response: "MessageList", Status: 200})
}

// ApplicationFields are what a supplier fills in, shown and accepted alike.
type ApplicationFields struct {
	CompanyName    string           `json:"company_name"`
	CreditCode     string           `json:"credit_code"`
	LegalRep       string           `json:"legal_rep"`
	LegalRepID     string           `json:"legal_rep_id"`
	RegAddress     string           `json:"reg_address"`
	BusinessScope  string           `json:"business_scope"`
	ContactName    string           `json:"contact_name"`
	ContactMobile  string           `json:"contact_mobile"`
	ContactEmail   string           `json:"contact_email"`
	LicenceValidTo string           `json:"licence_valid_to"`
	LicenceFile    string           `json:"licence_file"`
	Categories     []string         `json:"categories"`
	Brands         []supplier.Brand `json:"brands"`
}

// Application is a supplier application as the API shows it.
type Application struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	State   string `json:"state"`
	Version int64  `json:"version"`
	ApplicationFields
	Checklist   map[string]bool `json:"checklist"`
	SubmittedAt *time.Time      `json:"submitted_at"`
	VerifiedAt  *time.Time      `json:"verified_at"`
}

func applicationOut(x *supplier.Application) Application {
	out := Application{ID: x.ID, OrgID: x.OrgID, State: x.State, Version: x.Version, ApplicationFields: ApplicationFields{
		CompanyName: x.CompanyName, CreditCode: x.CreditCode, LegalRep: x.LegalRep, LegalRepID: x.LegalRepID, RegAddress: x.RegAddress,
		BusinessScope: x.BusinessScope, ContactName: x.ContactName, ContactMobile: x.ContactMobile, ContactEmail: x.ContactEmail,
		LicenceValidTo: x.LicenceValidTo, LicenceFile: x.LicenceBlob, Categories: x.Categories, Brands: x.Brands},
		Checklist: x.Checklist, SubmittedAt: timePtr(x.SubmittedAt), VerifiedAt: timePtr(x.VerifiedAt)}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	if out.Brands == nil {
		out.Brands = []supplier.Brand{}
	}
	return out
}

// ApplicationInput is the body of PUT and submit.
type ApplicationInput struct {
	Version int64 `json:"version"`
	ApplicationFields
	AgreeTerms bool `json:"agree_terms"`
}

func (in ApplicationInput) form() supplier.Form {
	return supplier.Form{CompanyName: in.CompanyName, CreditCode: in.CreditCode, LegalRep: in.LegalRep, LegalRepID: in.LegalRepID,
		RegAddress: in.RegAddress, BusinessScope: in.BusinessScope, ContactName: in.ContactName, ContactMobile: in.ContactMobile,
		ContactEmail: in.ContactEmail, LicenceValidTo: in.LicenceValidTo, LicenceBlob: in.LicenceFile, Categories: in.Categories,
		Brands: in.Brands, Version: in.Version}
}

func (a *API) getApplication(w http.ResponseWriter, r *http.Request) error {
	x, err := a.Supplier.Mine(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, applicationOut(x))
	return nil
}

func (a *API) saveApplication(w http.ResponseWriter, r *http.Request) error {
	var in ApplicationInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Supplier.SaveDraft(r.Context(), httpx.PrincipalFrom(r.Context()), in.form())
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, applicationOut(x))
	return nil
}

func (a *API) submitApplication(w http.ResponseWriter, r *http.Request) error {
	var in ApplicationInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Supplier.Submit(r.Context(), httpx.PrincipalFrom(r.Context()), in.form(), in.AgreeTerms)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, applicationOut(x))
	return nil
}

// Deposit is a supplier's deposit as the API shows it; amounts in fen.
type Deposit struct {
	Required   money.Fen  `json:"required_fen"`
	Held       money.Fen  `json:"held_fen"`
	Frozen     money.Fen  `json:"frozen_fen"`
	Shortfall  money.Fen  `json:"shortfall_fen"`
	PaidInFull bool       `json:"paid_in_full"`
	Remittance string     `json:"remittance_code"`
	ExitedAt   *time.Time `json:"exited_at"`
}

func (a *API) getDeposit(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	if p.Org.Status != identity.OrgActive && p.Org.Status != identity.OrgSuspended {
		return errs.E(errs.Forbidden, "err.store_not_approved")
	}
	st, err := a.Deposit.Status(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	rem, err := a.Deposit.IssueRemittance(r.Context(), p, p.Org.ID)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, depositOut(st, rem))
	return nil
}

func depositOut(st *deposit.Status, rem *deposit.Remittance) Deposit {
	return Deposit{Required: st.Required, Held: st.Held, Frozen: st.Frozen, Shortfall: st.Shortfall(), PaidInFull: st.PaidInFull, Remittance: rem.Code, ExitedAt: timePtr(st.ExitedAt)}
}

func (a *API) listApplications(w http.ResponseWriter, r *http.Request) error {
	f := supplier.Filter{Limit: 200}
	switch s := r.URL.Query().Get("state"); s {
	case "":
		f.States = []string{supplier.Submitted, supplier.UnderReview}
	case "all":
	default:
		ok := false
		for _, x := range supplier.States {
			ok = ok || x == s
		}
		if !ok {
			return errs.Field("state", "err.state_unknown")
		}
		f.States = []string{s}
	}
	apps, total, err := a.Supplier.Queue(r.Context(), httpx.PrincipalFrom(r.Context()), f)
	if err != nil {
		return err
	}
	out := make([]Application, 0, len(apps))
	for i := range apps {
		out = append(out, applicationOut(&apps[i]))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"total": total, "items": out})
	return nil
}

// ReviewInput is the body of a review step.
type ReviewInput struct {
	Version   int64           `json:"version"`
	Checklist map[string]bool `json:"checklist"`
	Outcome   string          `json:"outcome"`
	Reason    string          `json:"reason"`
}

func (a *API) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	var in ReviewInput
	if err := Decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.Supplier.Review(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"),
		supplier.ReviewInput{Checklist: in.Checklist, Outcome: in.Outcome, Reason: in.Reason, Version: in.Version})
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, applicationOut(x))
	return nil
}

// Store is a live store as the API shows it.
type Store struct {
	ID           string              `json:"id"`
	Name         string              `json:"name"`
	Intro        string              `json:"intro"`
	Capability   string              `json:"capability"`
	Certificates string              `json:"certificates"`
	Phone        string              `json:"phone"`
	QQ           string              `json:"qq"`
	Modules      []storefront.Module `json:"modules"`
	Licence      storefront.Licence  `json:"licence"`
}

func (a *API) getStore(w http.ResponseWriter, r *http.Request) error {
	st, lic, err := a.Stores.Public(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	mods := st.Live
	if mods == nil {
		mods = []storefront.Module{}
	}
	WriteJSON(w, http.StatusOK, Store{ID: st.OrgID, Name: st.Name, Intro: st.Intro, Capability: st.Capability, Certificates: st.Certificates,
		Phone: st.Phone, QQ: st.QQ, Modules: mods, Licence: *lic})
	return nil
}

// Message is an in-site message as the API shows it, in the caller's language.
type Message struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Text      string     `json:"text"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func (a *API) listMessages(w http.ResponseWriter, r *http.Request) error {
	ms, unread, err := a.Notify.Inbox(r.Context(), httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	out := make([]Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, Message{ID: m.ID, Kind: m.Kind, Text: notify.Text(lang, m), Link: m.Link, CreatedAt: m.CreatedAt, ReadAt: timePtr(m.ReadAt)})
	}
	WriteJSON(w, http.StatusOK, map[string]any{"unread": unread, "items": out})
	return nil
}
