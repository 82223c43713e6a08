package buyer

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Limits of an approval rule.
const (
	MaxRules     = 20
	MaxApprovals = 5
	MaxOver      = money.Fen(100_000_000_000) // ¥1,000,000,000
)

// ApproverRoles are the roles a rule may name as approvers.
var ApproverRoles = []identity.Role{identity.Owner, identity.Approver, identity.Finance}

// RuleInput is a rule as a form or the API gives it; Over in yuan.
type RuleInput struct {
	Over          string
	AppliesTo     []string
	ApproverIDs   []string
	ApproverRoles []string
	Approvals     string
	OwnerAlone    bool // one owner's approval completes the step by itself
}

// Rules lists the caller's company's approval rules by threshold; any member may read
// them.
func (s *Service) Rules(ctx context.Context, p *identity.Principal) ([]Rule, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.ApprovalRules(ctx, p.Org.ID)
}

// Rule returns one of the caller's company's rules.
func (s *Service) Rule(ctx context.Context, p *identity.Principal, id string) (*Rule, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.ApprovalRule(ctx, p.Org.ID, id)
}

// buildRule checks a rule against the company's members: named approvers must be
// members holding the owner or approver role, and the approver set must be able to give
// the approvals asked for.
func buildRule(in RuleInput, members []identity.Member) (*Rule, error) {
	var v errs.Validator
	r := &Rule{}
	over, err := money.ParseYuan(in.Over)
	switch {
	case strings.TrimSpace(in.Over) == "":
		v.Add("over", "err.required")
	case err != nil:
		v.Add("over", "err.amount_format")
	case over < 0 || over > MaxOver:
		v.Add("over", "err.rule_over_range", MaxOver.String())
	}
	r.Over = over
	for _, a := range in.AppliesTo {
		role := identity.Role(a)
		if !identity.ValidRole(identity.Buyer, role) {
			v.Add("applies_to", "err.role_unknown", a)
		} else if !slices.Contains(r.AppliesTo, role) {
			r.AppliesTo = append(r.AppliesTo, role)
		}
	}
	if len(in.AppliesTo) == 0 {
		v.Add("applies_to", "err.rule_applies_to")
	}
	for _, a := range in.ApproverRoles {
		role := identity.Role(a)
		if !slices.Contains(ApproverRoles, role) {
			v.Add("approver_roles", "err.role_unknown", a)
		} else if !slices.Contains(r.ApproverRoles, role) {
			r.ApproverRoles = append(r.ApproverRoles, role)
		}
	}
	eligible := map[string]bool{} // members who could approve under this rule
	for _, id := range in.ApproverIDs {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(r.ApproverIDs, id) {
			continue
		}
		i := slices.IndexFunc(members, func(m identity.Member) bool { return m.User.ID == id })
		if i < 0 {
			v.Add("approver_ids", "err.rule_approver_member")
			continue
		}
		if !slices.Contains(members[i].Roles, identity.Approver) && !slices.Contains(members[i].Roles, identity.Owner) {
			v.Add("approver_ids", "err.rule_approver_role", members[i].User.DisplayName)
			continue
		}
		r.ApproverIDs = append(r.ApproverIDs, id)
		eligible[id] = true
	}
	if len(r.ApproverIDs) == 0 && len(r.ApproverRoles) == 0 && !v.Has("approver_ids") && !v.Has("approver_roles") {
		v.Add("approver_ids", "err.rule_no_approver")
	}
	n, err := strconv.Atoi(strings.TrimSpace(in.Approvals))
	if strings.TrimSpace(in.Approvals) == "" {
		n, err = 1, nil
	}
	if err != nil || n < 1 || n > MaxApprovals {
		v.Add("approvals", "err.rule_approvals", MaxApprovals)
	}
	r.Approvals = n
	r.OwnerAlone = in.OwnerAlone
	for _, m := range members {
		for _, role := range m.Roles {
			if slices.Contains(r.ApproverRoles, role) {
				eligible[m.User.ID] = true
			}
		}
	}
	if !v.Has("approvals") && len(eligible) > 0 && n > len(eligible) {
		v.Add("approvals", "err.rule_approvals_more", len(eligible))
	}
	return r, v.Err()
}

// SaveRule creates (id "") or changes an approval rule. Only owners may.
func (s *Service) SaveRule(ctx context.Context, p *identity.Principal, id string, in RuleInput) (*Rule, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	if id != "" {
		if _, err := s.Store.ApprovalRule(ctx, p.Org.ID, id); err != nil {
			return nil, err
		}
	}
	if err := allow(p, "err.rules_owner", identity.Owner); err != nil {
		return nil, err
	}
	members, err := s.Store.Members(ctx, p.Org.ID)
	if err != nil {
		return nil, err
	}
	r, err := buildRule(in, members)
	if err != nil {
		return nil, err
	}
	r.ID, r.OrgID = id, p.Org.ID
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		list, err := s.Store.ApprovalRules(ctx, p.Org.ID)
		if err != nil {
			return err
		}
		now := s.now()
		r.CreatedAt = now
		for _, x := range list {
			if x.ID == id {
				r.CreatedAt = x.CreatedAt
				continue
			}
			if x.Over == r.Over && overlaps(x.AppliesTo, r.AppliesTo) {
				return errs.Field("over", "err.rule_same_threshold", x.Over.String())
			}
		}
		if id == "" && len(list) >= MaxRules {
			return errs.E(errs.Conflict, "err.rule_limit", MaxRules)
		}
		r.UpdatedAt = now
		if err := s.Store.SaveApprovalRule(ctx, r); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.rule.save", "approval_rule", r.ID, fmt.Sprintf("over %s, %v, %d of %v %v, owner alone %t", r.Over, r.AppliesTo, r.Approvals, r.ApproverIDs, r.ApproverRoles, r.OwnerAlone))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

func overlaps(a, b []identity.Role) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// DeleteRule removes an approval rule. Only owners may.
func (s *Service) DeleteRule(ctx context.Context, p *identity.Principal, id string) error {
	if _, err := s.Rule(ctx, p, id); err != nil {
		return err
	}
	if err := allow(p, "err.rules_owner", identity.Owner); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.DeleteApprovalRule(ctx, p.Org.ID, id); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.rule.delete", "approval_rule", id, "")
	})
}

// Preview answers "what would this order need?" for a member of the caller's company
// (the caller when memberID is ""): the steps Required gives under the stored rules.
func (s *Service) Preview(ctx context.Context, p *identity.Principal, amountYuan, memberID string) ([]Step, *identity.Member, error) {
	if err := buyerOnly(p); err != nil {
		return nil, nil, err
	}
	var v errs.Validator
	amount, err := money.ParseYuan(amountYuan)
	if err != nil || amount < 0 || amount > MaxOver {
		v.Add("amount", "err.amount_format")
	}
	if memberID == "" {
		memberID = p.User.ID
	}
	members, err := s.Store.Members(ctx, p.Org.ID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(members, func(m identity.Member) bool { return m.User.ID == memberID })
	if i < 0 {
		v.Add("member", "err.rule_approver_member")
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	steps, err := s.StepsFor(ctx, p.Org.ID, amount, members[i])
	return steps, &members[i], err
}

// StepsFor is Required over the company's stored rules, for the member placing an
// order: what checkout asks before an order may be paid.
func (s *Service) StepsFor(ctx context.Context, orgID string, amount money.Fen, requester identity.Member) ([]Step, error) {
	rules, err := s.Store.ApprovalRules(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return Required(rules, amount, requester), nil
}
