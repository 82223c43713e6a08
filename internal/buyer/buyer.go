// Package buyer holds what a buyer company keeps on the platform before it orders: its
// invoice and tax profile, delivery addresses filed under GB/T 2260 divisions, spend
// approval rules (and the pure function that turns them into approval steps for an
// order) and requisition lists (采购清单) shared among its members. Members and roles
// themselves live in package identity.
package buyer

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Invoice types a buyer asks for by default.
const (
	InvoiceSpecial = "special" // 增值税专用发票 专票
	InvoiceNormal  = "normal"  // 普通发票 普票
)

// Profile is a buyer company's name, credit code and the tax details printed on its
// invoices.
type Profile struct {
	OrgID        string
	Name         string
	CreditCode   string
	InvoiceTitle string // 发票抬头
	TaxID        string // 纳税人识别号
	RegAddress   string // 注册地址
	RegPhone     string // 注册电话
	BankName     string // 开户行
	BankAccount  string // 银行账号
	InvoiceType  string
	UpdatedAt    time.Time
	UpdatedBy    string
}

// Address is a delivery address of a buyer company.
type Address struct {
	ID           string
	OrgID        string
	Label        string
	Consignee    string
	Mobile       string
	DivisionCode string // GB/T 2260 county-level code
	DivisionName string // the full division name when saved (省市区县)
	Street       string
	Postcode     string
	Default      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// List is a requisition list (采购清单): SKUs and quantities a company orders again and
// again, shared among its members.
type List struct {
	ID        string
	OrgID     string
	Name      string
	Note      string
	CreatedBy string
	CreatedAt time.Time
	UpdatedAt time.Time
	ItemCount int
	Items     []Item
}

// Item is one SKU on a list.
type Item struct {
	SKUID   string
	Qty     int64
	Note    string
	AddedAt time.Time
	SKU     SKU
}

// SKU is what a requisition list shows and checks of a catalogue SKU.
type SKU struct {
	ID           string
	Code         string
	ProductID    string
	Title        string
	SupplierID   string
	SupplierName string
	Unit         string
	Price        int64 // first-tier unit price, 0.0001 yuan
	MOQ          int64
	Multiple     int64
	Stock        int64
	OnSale       bool // the product is on sale, the SKU active and the store live
}

// Store persists buyer companies' data. Every method taking an orgID sees only that
// organisation's rows: another's is NotFound.
type Store interface {
	OrgByID(ctx context.Context, id string) (*identity.Org, error)
	Members(ctx context.Context, orgID string) ([]identity.Member, error)
	UpdateOrgIdentity(ctx context.Context, orgID, name, creditCode string, at time.Time) error

	BuyerProfile(ctx context.Context, orgID string) (*Profile, error)
	SaveBuyerProfile(ctx context.Context, p *Profile) error

	Addresses(ctx context.Context, orgID string) ([]Address, error)
	Address(ctx context.Context, orgID, id string) (*Address, error)
	SaveAddress(ctx context.Context, a *Address) error
	DeleteAddress(ctx context.Context, orgID, id string) error
	// SetDefaultAddress makes id the only default address ("" for none).
	SetDefaultAddress(ctx context.Context, orgID, id string) error

	ApprovalRules(ctx context.Context, orgID string) ([]Rule, error)
	ApprovalRule(ctx context.Context, orgID, id string) (*Rule, error)
	SaveApprovalRule(ctx context.Context, r *Rule) error
	DeleteApprovalRule(ctx context.Context, orgID, id string) error

	RequisitionLists(ctx context.Context, orgID string) ([]List, error)
	RequisitionList(ctx context.Context, orgID, id string) (*List, error)
	SaveRequisitionList(ctx context.Context, l *List) error
	DeleteRequisitionList(ctx context.Context, orgID, id string) error
	// SetRequisitionItem sets a SKU's quantity and note on a list, adding it when absent.
	SetRequisitionItem(ctx context.Context, listID string, it Item) error
	RemoveRequisitionItem(ctx context.Context, listID, skuID string) error
	TouchRequisitionList(ctx context.Context, orgID, id string, at time.Time) error
	// SKUsByRef finds SKUs by ID or by code (a code may match several suppliers' SKUs).
	SKUsByRef(ctx context.Context, ref string) ([]SKU, error)
}

// Service runs the buyer company use cases; each change is one transaction with its
// audit record.
type Service struct {
	DB    *db.DB
	Store Store
	Audit audit.Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// buyerOnly refuses callers who do not act for a buyer company.
func buyerOnly(p *identity.Principal) error {
	if !p.Is(identity.Buyer) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return nil
}

// allow refuses a buyer member holding none of roles.
func allow(p *identity.Principal, key string, roles ...identity.Role) error {
	if err := buyerOnly(p); err != nil {
		return err
	}
	if !p.Has(roles...) {
		return errs.E(errs.Forbidden, key)
	}
	return nil
}

func (s *Service) log(ctx context.Context, p *identity.Principal, action, objType, objID, detail string) error {
	return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID,
		Action: action, ObjectType: objType, ObjectID: objID, Detail: detail})
}

// text trims s and checks its length (min 0 = optional) and characters.
func text(v *errs.Validator, field, s string, min, max int) string {
	s = strings.TrimSpace(s)
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		v.Add(field, "err.required")
	case n > 0 && n < min:
		v.Add(field, "err.too_short", min)
	case n > max:
		v.Add(field, "err.too_long", max)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '<' || r == '>' }):
		v.Add(field, "err.bad_chars")
	}
	return s
}
