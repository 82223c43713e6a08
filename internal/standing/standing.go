// Package standing holds a supplier's standing on the platform: its level, computed from
// rules; the 「筑」 and 「保」 badges; penalties (warning, listing restriction, deposit
// deduction, suspension) with the supplier's appeal and the platform's decision; rewards;
// and removal (清退), after which listings end and the deposit is refunded once the
// waiting period has passed.
package standing

import (
	"context"
	"time"

	"github.com/zhuchao/zhuchao/internal/money"
)

// Penalty kinds.
const (
	Warning     = "warning"     // 警告
	Restriction = "restriction" // 限制发布商品, until a date
	Deduction   = "deduction"   // 扣除保证金
	Suspension  = "suspension"  // 暂停销售, until a date
)

// PenaltyKinds lists the penalty kinds, mildest first.
var PenaltyKinds = []string{Warning, Restriction, Deduction, Suspension}

// Penalty states.
const (
	Active     = "active"
	Appealed   = "appealed"
	Upheld     = "upheld"     // the appeal was refused
	Overturned = "overturned" // the appeal succeeded: the penalty no longer counts
)

// Penalty is one penalty on a supplier.
type Penalty struct {
	ID           string
	OrgID        string
	Kind         string
	Reason       string
	Amount       money.Fen // for a deduction
	Until        time.Time // for a restriction or suspension; zero for none
	State        string
	CreatedBy    string
	CreatedAt    time.Time
	Appeal       string
	AppealedAt   time.Time
	DecidedBy    string
	DecidedAt    time.Time
	DecisionNote string
}

// Counts reports whether the penalty stands at t (not overturned, not past its date).
func (p Penalty) Counts(t time.Time) bool {
	if p.State == Overturned {
		return false
	}
	return p.Until.IsZero() || t.Before(p.Until)
}

// Reward kinds.
const (
	Commendation = "commendation" // 表彰
	Boost        = "boost"        // 搜索加权, until a date
)

// RewardKinds lists the reward kinds.
var RewardKinds = []string{Commendation, Boost}

// Reward is one reward to a supplier.
type Reward struct {
	ID        string
	OrgID     string
	Kind      string
	Reason    string
	Until     time.Time
	CreatedBy string
	CreatedAt time.Time
}

// Figures are what a level is computed from.
type Figures struct {
	Approved     bool
	PaidInFull   bool
	Since        time.Time // when the supplier was approved
	Orders       int64     // completed orders (from the trade loop)
	OnTimeBP     int64     // on-time shipping rate in basis points
	DisputeBP    int64     // dispute rate in basis points
	Penalties    int       // penalties standing now, warnings excluded
	CurrentCreds bool      // credentials verified and in force
}

// Level computes a supplier's level (0 for not approved, 1 to 5) at now:
//
//	L1 入驻    approved
//	L2 保证金  deposit paid in full and credentials current
//	L3 稳定    a year on the platform, no standing penalty
//	L4 优质    two years, ≥ 50 orders, ≥ 95 % shipped on time, ≤ 1 % disputed
//	L5 金牌    three years, ≥ 200 orders, ≥ 98 % on time, ≤ 0.5 % disputed
//
// Each level needs the ones below it.
func Level(f Figures, now time.Time) int {
	if !f.Approved {
		return 0
	}
	years := now.Sub(f.Since).Hours() / (24 * 365.25)
	switch {
	case !f.PaidInFull || !f.CurrentCreds:
		return 1
	case years < 1 || f.Penalties > 0:
		return 2
	case years < 2 || f.Orders < 50 || f.OnTimeBP < 9500 || f.DisputeBP > 100:
		return 3
	case years < 3 || f.Orders < 200 || f.OnTimeBP < 9800 || f.DisputeBP > 50:
		return 4
	}
	return 5
}

// Badges are the marks shown beside a supplier's name.
type Badges struct {
	Zhu bool // 「筑」: credentials verified and in force
	Bao bool // 「保」: deposit paid in full, trade assurance on
}

// Standing is what the supplier's profile shows.
type Standing struct {
	Level     int
	Badges    Badges
	Penalties []Penalty
	Rewards   []Reward
}

// Store keeps penalties and rewards.
type Store interface {
	AddPenalty(ctx context.Context, p *Penalty) error
	Penalty(ctx context.Context, id string) (*Penalty, error)
	// SavePenalty writes a penalty's appeal and decision fields if its state is still from.
	SavePenalty(ctx context.Context, p *Penalty, from string) error
	Penalties(ctx context.Context, orgID string) ([]Penalty, error)
	AddReward(ctx context.Context, r *Reward) error
	Rewards(ctx context.Context, orgID string) ([]Reward, error)
	// TakeAllOffSale takes every on-sale product of a supplier off sale.
	TakeAllOffSale(ctx context.Context, orgID string, at time.Time) (int64, error)
}
