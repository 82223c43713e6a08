// Package freight holds suppliers' freight templates: charges by destination province,
// by weight or by piece, with a first unit and each additional unit, and free shipping
// above an order amount — and the quote a buyer sees for a destination and a quantity.
package freight

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Bases a template charges by.
const (
	ByWeight = "weight" // units are kilograms
	ByPiece  = "piece"  // units are pieces of the unit of sale
)

// Rule charges for a set of provinces: First units cost FirstFee, each further Add
// units (or part of them) cost AddFee. A rule with no provinces is the default.
type Rule struct {
	Provinces []string  `json:"provinces"`
	First     int64     `json:"first"`
	FirstFee  money.Fen `json:"first_fee"`
	Add       int64     `json:"add"`
	AddFee    money.Fen `json:"add_fee"`
}

// Template is a supplier's freight template.
type Template struct {
	ID         string
	SupplierID string
	Name       string
	Basis      string
	Rules      []Rule
	FreeAbove  money.Fen // 0 for never free
	Excluded   []string  // provinces not delivered to
	UpdatedAt  time.Time
}

// Quote is a freight charge.
type Quote struct {
	Fee       money.Fen
	Free      bool // the order amount reached FreeAbove
	Delivered bool // false when the province is excluded
}

// Quote prices delivering units (kilograms for ByWeight, rounded up; pieces for
// ByPiece) to province for an order worth amount.
func (t *Template) Quote(province string, units int64, amount money.Fen) Quote {
	if slices.Contains(t.Excluded, province) {
		return Quote{}
	}
	if t.FreeAbove > 0 && amount >= t.FreeAbove {
		return Quote{Free: true, Delivered: true}
	}
	var rule *Rule
	for i := range t.Rules {
		r := &t.Rules[i]
		if len(r.Provinces) == 0 && rule == nil {
			rule = r
		}
		if slices.Contains(r.Provinces, province) {
			rule = r
			break
		}
	}
	if rule == nil {
		return Quote{}
	}
	fee := rule.FirstFee
	if units > rule.First && rule.Add > 0 {
		over := units - rule.First
		extra := over / rule.Add
		if over%rule.Add != 0 {
			extra++
		}
		if rule.AddFee > 0 && extra > int64(money.MaxFen)/int64(rule.AddFee) {
			return Quote{Fee: money.MaxFen + 1, Delivered: true} // beyond any amount: refused as absurd
		}
		fee += money.Fen(extra) * rule.AddFee
	}
	return Quote{Fee: min(fee, money.MaxFen+1), Delivered: true}
}

// Store keeps templates.
type Store interface {
	SaveFreight(ctx context.Context, t *Template) error
	Freight(ctx context.Context, id string) (*Template, error)
	Freights(ctx context.Context, supplierID string) ([]Template, error)
	// AssignFreight sets a product's template ("" for none) if the product is the
	// supplier's; NotFound otherwise.
	AssignFreight(ctx context.Context, supplierID, productID, templateID string) error
	// ProductFreight returns a product's template ID ("" for none).
	ProductFreight(ctx context.Context, productID string) (string, error)
}

// Assign sets the freight template of one of the caller's products ("" for none).
func (s *Service) Assign(ctx context.Context, p *identity.Principal, productID, templateID string) error {
	if !p.Is(identity.Supplier) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if templateID != "" {
			t, err := s.Store.Freight(ctx, templateID)
			if err != nil || t.SupplierID != p.Org.ID {
				return errs.Field("freight", "err.not_found")
			}
		}
		if err := s.Store.AssignFreight(ctx, p.Org.ID, productID, templateID); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "freight.assign", ObjectType: "product", ObjectID: productID, Detail: templateID})
	})
}

// ForProduct returns a product's template, or nil when it has none.
func (s *Service) ForProduct(ctx context.Context, productID string) (*Template, error) {
	id, err := s.Store.ProductFreight(ctx, productID)
	if err != nil || id == "" {
		return nil, err
	}
	return s.Store.Freight(ctx, id)
}

// Service manages a supplier's own templates.
type Service struct {
	DB    *db.DB
	Store Store
	Audit audit.Store
	Now   func() time.Time
}

// RuleInput is one rule as a form gives it; amounts in yuan.
type RuleInput struct {
	Provinces                    []string
	First, FirstFee, Add, AddFee string
}

// Input is a template as a form gives it.
type Input struct {
	Name, Basis, FreeAbove string
	Rules                  []RuleInput
	Excluded               []string
}

func positive(v *errs.Validator, field, s string, zeroOK bool) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || (!zeroOK && n == 0) || n > 1_000_000 {
		v.Add(field, "err.freight_qty")
	}
	return n
}

func fee(v *errs.Validator, field, s string) money.Fen {
	if strings.TrimSpace(s) == "" {
		return 0
	}
	f, err := money.ParseYuan(s)
	if err != nil {
		v.Add(field, "err.amount_format")
	}
	return f
}

func provinces(v *errs.Validator, field string, codes []string) []string {
	var out []string
	for _, c := range codes {
		if ProvinceName(c) == "" {
			v.Add(field, "err.province_unknown", c)
			continue
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Save creates (id "") or replaces one of the caller's templates.
func (s *Service) Save(ctx context.Context, p *identity.Principal, id string, in Input) (*Template, error) {
	if !p.Is(identity.Supplier) || p.Org.Status != identity.OrgActive {
		return nil, errs.E(errs.Forbidden, "err.store_not_approved")
	}
	var v errs.Validator
	t := &Template{ID: id, SupplierID: p.Org.ID, Basis: in.Basis}
	t.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(t.Name); n == 0 {
		v.Add("name", "err.required")
	} else if n > 40 {
		v.Add("name", "err.too_long", 40)
	}
	v.Check(in.Basis == ByWeight || in.Basis == ByPiece, "basis", "err.freight_basis")
	t.FreeAbove = fee(&v, "free_above", in.FreeAbove)
	t.Excluded = provinces(&v, "excluded", in.Excluded)
	seen := map[string]bool{}
	defaults := 0
	for i, r := range in.Rules {
		f := func(n string) string { return "rules[" + strconv.Itoa(i) + "]." + n }
		if strings.TrimSpace(r.First+r.FirstFee+r.Add+r.AddFee) == "" && len(r.Provinces) == 0 {
			continue // an empty row of the form
		}
		rule := Rule{Provinces: provinces(&v, f("provinces"), r.Provinces)}
		rule.First = positive(&v, f("first"), r.First, false)
		rule.FirstFee = fee(&v, f("first_fee"), r.FirstFee)
		rule.Add = positive(&v, f("add"), r.Add, true)
		rule.AddFee = fee(&v, f("add_fee"), r.AddFee)
		if len(rule.Provinces) == 0 {
			defaults++
		}
		for _, c := range rule.Provinces {
			if seen[c] {
				v.Add(f("provinces"), "err.province_twice", ProvinceName(c))
			}
			seen[c] = true
		}
		t.Rules = append(t.Rules, rule)
	}
	if defaults != 1 {
		v.Add("rules", "err.freight_default")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if id != "" {
			cur, err := s.Store.Freight(ctx, id)
			if err != nil || cur.SupplierID != p.Org.ID {
				return errs.E(errs.NotFound, "err.not_found")
			}
		}
		t.UpdatedAt = s.Now()
		if err := s.Store.SaveFreight(ctx, t); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "freight.save", ObjectType: "freight_template", ObjectID: t.ID})
	})
	return t, err
}

// Mine lists the caller's templates.
func (s *Service) Mine(ctx context.Context, p *identity.Principal) ([]Template, error) {
	if !p.Is(identity.Supplier) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return s.Store.Freights(ctx, p.Org.ID)
}

// Get returns one of the caller's templates; another's is not found.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Template, error) {
	t, err := s.Store.Freight(ctx, id)
	if err != nil || !p.Is(identity.Supplier) || t.SupplierID != p.Org.ID {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return t, nil
}
