// Package fees holds the platform's charges to suppliers: a platform fee, a commission per
// category and an advertising fee. All are zero by default (the plan's 平台使用费 0、类目佣金
// 0、广告宣传费 0); operations staff set rules with effective dates. Orders record the rule
// in force when they are placed.
package fees

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/audit"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Kinds of fee.
const (
	PlatformFee = "platform_fee" // a fixed monthly fee per store, in fen
	Commission  = "commission"   // a rate on each order line, per category
	AdFee       = "ad_fee"       // a fixed fee per promotion slot, in fen
)

// Kinds lists the fee kinds.
var Kinds = []string{PlatformFee, Commission, AdFee}

// Rule is one fee rule. CategoryID applies a commission to a category and its subtree;
// "" is the default for everything.
type Rule struct {
	ID            string
	Kind          string
	CategoryID    string
	RateBP        int64     // basis points of the amount (1 % = 100)
	FixedFen      money.Fen // a fixed amount
	EffectiveFrom time.Time
	Note          string
	CreatedBy     string
	CreatedAt     time.Time
}

// Store keeps rules.
type Store interface {
	AddFeeRule(ctx context.Context, r *Rule) error
	FeeRules(ctx context.Context) ([]Rule, error) // every rule, by kind, category, date
}

// Service manages fee rules.
type Service struct {
	DB    *db.DB
	Store Store
	Audit audit.Store
	Now   func() time.Time
}

// RuleInput is the form for a new rule.
type RuleInput struct {
	Kind, CategoryID, Rate, Fixed, EffectiveFrom, Note string
}

// AddRule records a new rule; only admins and ops managers may. The effective date may
// not lie in the past, so the fees of orders already placed never change.
func (s *Service) AddRule(ctx context.Context, p *identity.Principal, in RuleInput) (*Rule, error) {
	if !p.Is(identity.Platform) || !p.Has(identity.Admin, identity.OpsManager) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var v errs.Validator
	r := &Rule{Kind: in.Kind, CategoryID: strings.TrimSpace(in.CategoryID), CreatedBy: p.User.DisplayName}
	v.Check(slices.Contains(Kinds, in.Kind), "kind", "err.fee_kind")
	if r.CategoryID != "" && (in.Kind != Commission || !db.ValidID(r.CategoryID)) {
		v.Add("category_id", "err.fee_category")
	}
	if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(in.Rate), "%")); s != "" {
		// A percentage with up to two decimals, as basis points.
		bp, err := money.ParseYuan(s)
		if err != nil || bp > 10000 {
			v.Add("rate", "err.fee_rate")
		}
		r.RateBP = int64(bp)
	}
	if s := strings.TrimSpace(in.Fixed); s != "" {
		f, err := money.ParseYuan(s)
		if err != nil {
			v.Add("fixed", "err.amount_format")
		}
		r.FixedFen = f
	}
	now := s.Now()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	if loc == nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.EffectiveFrom), loc)
	if err != nil {
		v.Add("effective_from", "err.date_format")
	} else if y, m, d := now.In(loc).Date(); t.Before(time.Date(y, m, d, 0, 0, 0, 0, loc)) {
		v.Add("effective_from", "err.fee_past")
	}
	r.EffectiveFrom = t
	r.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(r.Note) > 200 {
		v.Add("note", "err.too_long", 200)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r.CreatedAt = now
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.AddFeeRule(ctx, r); err != nil {
			return err
		}
		return audit.Log(ctx, s.Audit, audit.Entry{ActorID: p.User.ID, ActorName: p.User.DisplayName, OrgID: p.Org.ID, Action: "fee.rule", ObjectType: "fee_rule", ObjectID: r.ID,
			Detail: r.Kind + " " + r.CategoryID + " " + money.Fen(r.RateBP).String() + "% " + r.FixedFen.String()})
	})
	return r, err
}

// Rules lists every rule.
func (s *Service) Rules(ctx context.Context) ([]Rule, error) { return s.Store.FeeRules(ctx) }

// InForce returns the rule of kind in force at t for a category path (ancestor IDs from
// the root, the category last): the most specific category's latest rule effective by t,
// else the default's; a zero rule when none applies.
func InForce(rules []Rule, kind string, categoryPath []string, t time.Time) Rule {
	best := Rule{Kind: kind}
	bestDepth := -1
	for _, r := range rules {
		if r.Kind != kind || r.EffectiveFrom.After(t) {
			continue
		}
		depth := -1
		if r.CategoryID == "" {
			depth = 0
		} else if i := slices.Index(categoryPath, r.CategoryID); i >= 0 {
			depth = i + 1
		}
		if depth < 0 {
			continue
		}
		if depth > bestDepth || (depth == bestDepth && !r.EffectiveFrom.Before(best.EffectiveFrom)) {
			best, bestDepth = r, depth
		}
	}
	return best
}

// Charge is what a rule charges on amount: the rate rounded half-up to the fen, plus the
// fixed part.
func (r Rule) Charge(amount money.Fen) money.Fen {
	return money.Fen((int64(amount)*r.RateBP+5000)/10000) + r.FixedFen
}
