package buyer

import (
	"slices"
	"sort"
	"time"

	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Rule is one tier of a company's spend approval: an order worth more than Over, placed
// by a member holding any of AppliesTo, needs Approvals approvals from members in the
// approver set — the users named in ApproverIDs and anyone holding one of
// ApproverRoles. Tiers add up: an order over two thresholds passes both steps, lowest
// first (e.g. > ¥5,000 an approver, > ¥50,000 also the owner). With OwnerAlone, one
// owner's approval completes the step on its own ("two approvers, or the owner").
type Rule struct {
	ID            string
	OrgID         string
	Over          money.Fen
	AppliesTo     []identity.Role
	ApproverIDs   []string
	ApproverRoles []identity.Role
	Approvals     int
	OwnerAlone    bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Step is one approval an order must collect before it can be paid: Approvals distinct
// approvals from the users in ApproverIDs or holders of ApproverRoles, never from the
// person who placed the order (ExcludeUserID). With OwnerAlone an owner's approval
// completes it by itself.
type Step struct {
	RuleID        string
	Over          money.Fen
	ApproverIDs   []string
	ApproverRoles []identity.Role
	Approvals     int
	OwnerAlone    bool
	ExcludeUserID string
}

// CanApprove reports whether a member may give this step an approval.
func (s Step) CanApprove(m identity.Member) bool {
	if m.User.ID == s.ExcludeUserID || m.User.ID == "" {
		return false
	}
	if slices.Contains(s.ApproverIDs, m.User.ID) {
		return true
	}
	for _, r := range m.Roles {
		if slices.Contains(s.ApproverRoles, r) || (s.OwnerAlone && r == identity.Owner) {
			return true
		}
	}
	return false
}

// Satisfied reports whether the members who approved complete the step: enough
// distinct eligible approvers, or (OwnerAlone) one owner. Approvals by people who may
// not approve the step, and repeats, do not count.
func (s Step) Satisfied(approved []identity.Member) bool {
	seen := map[string]bool{}
	for _, m := range approved {
		if seen[m.User.ID] || !s.CanApprove(m) {
			continue
		}
		seen[m.User.ID] = true
		if s.OwnerAlone && slices.Contains(m.Roles, identity.Owner) {
			return true
		}
	}
	return len(seen) >= max(s.Approvals, 1)
}

// Required returns the approval steps an order of amount (fen) placed by requester
// needs under rules: one step for each rule whose threshold the amount exceeds
// (strictly) and whose AppliesTo names one of the requester's roles, lowest threshold
// first. No steps means the order needs no approval. It is pure, so checkout and the
// tests call it alike.
func Required(rules []Rule, amount money.Fen, requester identity.Member) []Step {
	var out []Step
	for _, r := range rules {
		if amount <= r.Over {
			continue
		}
		applies := false
		for _, role := range requester.Roles {
			if slices.Contains(r.AppliesTo, role) {
				applies = true
				break
			}
		}
		if !applies {
			continue
		}
		n := r.Approvals
		if n < 1 {
			n = 1
		}
		out = append(out, Step{RuleID: r.ID, Over: r.Over, ApproverIDs: slices.Clone(r.ApproverIDs),
			ApproverRoles: slices.Clone(r.ApproverRoles), Approvals: n, OwnerAlone: r.OwnerAlone, ExcludeUserID: requester.User.ID})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Over < out[j].Over })
	return out
}
