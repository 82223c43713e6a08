// Package supplier holds supplier onboarding (入驻): the application with the company's
// credentials and the brands it wants to sell, the review by merchant-recruitment staff
// with a checklist and a recorded decision at every step, and the supplier agreement.
package supplier

import (
	"context"
	"slices"
	"time"
)

// Application states.
const (
	Draft       = "draft"
	Submitted   = "submitted"
	UnderReview = "under_review"
	Approved    = "approved"
	Rejected    = "rejected"
	Returned    = "returned" // sent back for more information; the supplier edits and resubmits
)

// States lists every state in workflow order.
var States = []string{Draft, Submitted, UnderReview, Returned, Approved, Rejected}

// Editable reports whether the supplier may change an application in state. An approved
// application is edited to renew credentials: resubmitted, it is reviewed again while the
// store keeps selling.
func Editable(state string) bool { return state == Draft || state == Returned || state == Approved }

// Brand kinds: the supplier owns the trademark, or sells under a brand authorisation.
const (
	Trademark     = "trademark"     // 商标注册证
	Authorisation = "authorisation" // 品牌授权书
)

// Brand is one brand the supplier applies to sell, with its proof.
type Brand struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Trademark certificate.
	TrademarkNo string `json:"tm_no,omitempty"`
	Holder      string `json:"holder,omitempty"`
	// Brand authorisation letter.
	Grantor string   `json:"grantor,omitempty"`
	Scope   string   `json:"scope,omitempty"`
	Chain   []string `json:"chain,omitempty"` // from the trademark owner down to the grantor
	// Validity of the certificate or authorisation, YYYY-MM-DD.
	ValidTo string `json:"valid_to"`
	// Scan of the certificate or letter (an upload ID).
	DocBlob string `json:"doc,omitempty"`
}

// Application is a company's request to sell on the platform.
type Application struct {
	ID             string
	OrgID          string
	ApplicantID    string
	State          string
	CompanyName    string
	CreditCode     string
	LegalRep       string
	LegalRepID     string // masked resident ID of the legal representative (PIPL: minimised)
	RegAddress     string
	BusinessScope  string
	ContactName    string
	ContactMobile  string
	ContactEmail   string
	LicenceValidTo string // YYYY-MM-DD, "" for 长期 (no expiry)
	Categories     []string
	Brands         []Brand
	LicenceBlob    string // upload ID of the business licence scan
	Checklist      map[string]bool
	ReviewerID     string
	AgreementVer   string
	AgreementAt    time.Time
	AgreementIP    string
	SubmittedAt    time.Time
	DecidedAt      time.Time
	VerifiedAt     time.Time // last approval: credentials are re-verified at least every 6 months
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64 // optimistic concurrency: a save must carry the version it read
}

// Decision is one recorded step of the review.
type Decision struct {
	Seq           int64
	ApplicationID string
	At            time.Time
	ActorID       string
	ActorName     string
	From, To      string
	Reason        string
	Checklist     map[string]bool
}

// ChecklistItems are what a reviewer verifies before approving, in order.
var ChecklistItems = []string{
	"licence_authentic",   // 营业执照真实有效,与公示系统一致
	"credit_code_matches", // 统一社会信用代码与执照一致
	"legal_rep_matches",   // 法定代表人与执照一致
	"scope_covers",        // 经营范围覆盖申请类目
	"brands_valid",        // 商标注册证/授权书真实且在有效期内
	"authorisation_chain", // 授权链完整至商标权利人
	"contact_verified",    // 联系人电话回访确认
}

// ChecklistComplete reports whether every item is ticked.
func ChecklistComplete(c map[string]bool) bool {
	for _, k := range ChecklistItems {
		if !c[k] {
			return false
		}
	}
	return true
}

// ValidItem reports whether k is a checklist item.
func ValidItem(k string) bool { return slices.Contains(ChecklistItems, k) }

// AgreementVersion is the supplier agreement in force; acceptance records it.
const AgreementVersion = "2026-11"

// Filter selects applications for the review queue.
type Filter struct {
	States []string
	Limit  int
	Offset int
}

// Store persists applications and decisions.
type Store interface {
	CreateApplication(ctx context.Context, a *Application) error
	Application(ctx context.Context, id string) (*Application, error)
	ApplicationByOrg(ctx context.Context, orgID string) (*Application, error)
	// SaveApplication writes a, refusing with Conflict when the stored version is not
	// a.Version; on success a.Version is incremented.
	SaveApplication(ctx context.Context, a *Application) error
	Applications(ctx context.Context, f Filter) ([]Application, int64, error)
	AddDecision(ctx context.Context, d *Decision) error
	Decisions(ctx context.Context, applicationID string) ([]Decision, error)
	// SetOrgStatus changes the supplier organisation's status (and name and credit code
	// on approval).
	SetOrgStatus(ctx context.Context, orgID, status, name, creditCode string, at time.Time) error
	// AddNotice records a credential notice once; false when it was already sent.
	AddNotice(ctx context.Context, orgID, credential, notice string, at time.Time) (bool, error)
	// TakeBrandOffSale takes a supplier's products of a brand off sale.
	TakeBrandOffSale(ctx context.Context, orgID, brand string, at time.Time) (int64, error)
}
