package buyer

import (
	"reflect"
	"testing"

	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

func member(id string, roles ...identity.Role) identity.Member {
	return identity.Member{User: identity.User{ID: id}, Roles: roles}
}

func TestRequired(t *testing.T) {
	purchasers := []identity.Role{identity.Purchaser}
	tier1 := Rule{ID: "r1", Over: 500_000, AppliesTo: purchasers, ApproverIDs: []string{"shenpi"}, Approvals: 1}
	tier2 := Rule{ID: "r2", Over: 5_000_000, AppliesTo: purchasers, ApproverRoles: []identity.Role{identity.Owner}, Approvals: 1}
	everyone := Rule{ID: "r3", Over: 10_000_000, AppliesTo: []identity.Role{identity.Purchaser, identity.Approver, identity.Finance, identity.Owner},
		ApproverRoles: []identity.Role{identity.Approver}, Approvals: 2}
	rules := []Rule{tier2, tier1, everyone} // stored order does not matter
	caigou := member("caigou", identity.Purchaser)
	owner := member("owner", identity.Owner)
	both := member("shenpi", identity.Purchaser, identity.Approver)
	tests := []struct {
		name   string
		rules  []Rule
		amount money.Fen
		who    identity.Member
		want   []string // rule IDs in step order
	}{
		{"no rules", nil, 99_999_999, caigou, nil},
		{"below the first tier", rules, 100_000, caigou, nil},
		{"exactly the threshold needs nothing", rules, 500_000, caigou, nil},
		{"one fen over", rules, 500_001, caigou, []string{"r1"}},
		{"between tiers", rules, 4_999_999, caigou, []string{"r1"}},
		{"exactly the second threshold", rules, 5_000_000, caigou, []string{"r1"}},
		{"over both tiers, lowest first", rules, 5_000_001, caigou, []string{"r1", "r2"}},
		{"over every tier", rules, 20_000_000, caigou, []string{"r1", "r2", "r3"}},
		{"the owner is not a purchaser", rules, 6_000_000, owner, nil},
		{"a rule for everyone catches the owner", rules, 20_000_000, owner, []string{"r3"}},
		{"zero amount", rules, 0, caigou, nil},
		{"a member with several roles", rules, 600_000, both, []string{"r1"}},
		{"a member without roles", rules, 20_000_000, member("x"), nil},
		{"threshold zero means every order", []Rule{{ID: "z", Over: 0, AppliesTo: purchasers, Approvals: 1}}, 1, caigou, []string{"z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := Required(tc.rules, tc.amount, tc.who)
			var got []string
			for _, s := range steps {
				got = append(got, s.RuleID)
				if s.ExcludeUserID != tc.who.User.ID {
					t.Errorf("step %s lets the requester approve their own order", s.RuleID)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Required(%d) = %v, want %v", tc.amount, got, tc.want)
			}
		})
	}
	// The steps carry the approver sets and counts.
	steps := Required(rules, 20_000_000, caigou)
	if steps[0].Approvals != 1 || steps[2].Approvals != 2 || !reflect.DeepEqual(steps[0].ApproverIDs, []string{"shenpi"}) {
		t.Fatalf("steps: %+v", steps)
	}
	// A step's approvers: named users and role holders, never the requester.
	s := steps[0]
	if !s.CanApprove(member("shenpi")) || s.CanApprove(member("someone", identity.Finance)) || s.CanApprove(caigou) {
		t.Error("named approver step")
	}
	if !steps[1].CanApprove(owner) || steps[1].CanApprove(member("shenpi", identity.Approver)) {
		t.Error("owner step")
	}
	// A requester who is an approver cannot approve their own order.
	self := Required(rules, 20_000_000, both)
	if self[2].CanApprove(both) || !self[2].CanApprove(member("other", identity.Approver)) {
		t.Error("self-approval allowed")
	}
	// Approvals below one count as one.
	if got := Required([]Rule{{Over: 1, AppliesTo: purchasers}}, 2, caigou); got[0].Approvals != 1 {
		t.Errorf("approvals: %d", got[0].Approvals)
	}
	// The rules given are not changed.
	steps[0].ApproverIDs[0] = "changed"
	if tier1.ApproverIDs[0] != "shenpi" || rules[1].ApproverIDs[0] != "shenpi" {
		t.Error("Required shares slices with its rules")
	}
}

func TestStepSatisfied(t *testing.T) {
	caigou := member("caigou", identity.Purchaser)
	a1, a2 := member("a1", identity.Approver), member("a2", identity.Approver)
	owner := member("owner", identity.Owner)
	fin := member("fin", identity.Finance)
	twoOrOwner := Rule{ID: "t", Over: 5_000_000, AppliesTo: []identity.Role{identity.Purchaser}, ApproverRoles: []identity.Role{identity.Approver}, Approvals: 2, OwnerAlone: true}
	two := twoOrOwner
	two.OwnerAlone = false
	named := Rule{ID: "n", Over: 500_000, AppliesTo: []identity.Role{identity.Purchaser}, ApproverIDs: []string{"a1"}, Approvals: 1}
	selfApprover := member("a2", identity.Purchaser, identity.Approver)
	tests := []struct {
		name     string
		rule     Rule
		who      identity.Member
		approved []identity.Member
		want     bool
	}{
		{"nobody yet", twoOrOwner, caigou, nil, false},
		{"one of two", twoOrOwner, caigou, []identity.Member{a1}, false},
		{"two approvers", twoOrOwner, caigou, []identity.Member{a1, a2}, true},
		{"the same approver twice", twoOrOwner, caigou, []identity.Member{a1, a1}, false},
		{"the owner alone", twoOrOwner, caigou, []identity.Member{owner}, true},
		{"the owner does not count without OwnerAlone", two, caigou, []identity.Member{owner, a1}, false},
		{"finance is not an approver here", twoOrOwner, caigou, []identity.Member{fin, a1}, false},
		{"the requester's own approval does not count", twoOrOwner, selfApprover, []identity.Member{selfApprover, a1}, false},
		{"named approver", named, caigou, []identity.Member{a1}, true},
		{"an approver not named", named, caigou, []identity.Member{a2}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			steps := Required([]Rule{tc.rule}, 9_000_000, tc.who)
			if len(steps) != 1 {
				t.Fatalf("steps: %v", steps)
			}
			if got := steps[0].Satisfied(tc.approved); got != tc.want {
				t.Fatalf("Satisfied = %v, want %v", got, tc.want)
			}
		})
	}
}
