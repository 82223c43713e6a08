package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/standing"
)

// unpaidSuppliers are the last suppliers of the list: approved, but their deposit is not
// (fully) paid, so their stores are not live yet.
const unpaidSuppliers = 3

// seedDeposits pays the suppliers' deposits by corporate transfer through the deposit
// service, as finance would record them: most in full, one in a dispute with part of it
// frozen, the last few not (fully) paid.
func seedDeposits(ctx context.Context, a *app.App, supplierIDs []string) error {
	plat, err := a.Identity.PlatformOrg(ctx)
	if err != nil {
		return err
	}
	members, err := a.Store.Members(ctx, plat.ID)
	if err != nil {
		return err
	}
	var admin *identity.Principal
	for _, m := range members {
		if m.User.Username == "admin" {
			if admin, err = a.Identity.Principal(ctx, m.User.ID, plat.ID); err != nil {
				return err
			}
		}
	}
	if admin == nil {
		return fmt.Errorf("demo: no admin")
	}
	for i, id := range supplierIDs {
		code, err := a.Deposit.IssueRemittance(ctx, admin, id)
		if err != nil {
			return err
		}
		amount := deposit.DefaultRequired
		switch {
		case i == len(supplierIDs)-1:
			continue // nothing paid yet
		case i >= len(supplierIDs)-unpaidSuppliers:
			amount = 500_000 // a first instalment of ¥5,000
		}
		pay := deposit.Payment{SupplierID: id, Amount: money.Fen(amount), Ref: fmt.Sprintf("DEMO-BANK-%04d", i+1), Remittance: code.Code,
			BankDetails: "中国工商银行 对公账户 ****" + fmt.Sprintf("%04d", 1000+i*37)}
		if _, err := a.Deposit.RecordPayment(ctx, admin, pay); err != nil {
			return err
		}
		if i == 4 {
			mv := deposit.Movement{SupplierID: id, Amount: 300_000, Ref: "DEMO-DISPUTE-1", Reason: "买家投诉到货规格不符,仲裁期间冻结", Dispute: "demo-dispute-1"}
			if _, err := a.Deposit.Freeze(ctx, admin, mv); err != nil {
				return err
			}
		}
	}
	// Standing in every state: a warning, a suspension under appeal, a removal.
	n := len(supplierIDs)
	if n < 8 {
		return nil
	}
	if _, err := a.Standing.Penalize(ctx, admin, supplierIDs[3], standing.PenaltyInput{Kind: standing.Warning, Reason: "发货超时 3 次,予以警告"}); err != nil {
		return err
	}
	pen, err := a.Standing.Penalize(ctx, admin, supplierIDs[n-5], standing.PenaltyInput{Kind: standing.Suspension, Reason: "以次充好,暂停销售待整改"})
	if err != nil {
		return err
	}
	owner, err := ownerOf(ctx, a, supplierIDs[n-5])
	if err != nil {
		return err
	}
	if err := a.Standing.Appeal(ctx, owner, pen.ID, "已更换原材料供应商并提交第三方检测报告,申请恢复销售。"); err != nil {
		return err
	}
	if _, err := a.Standing.Reward(ctx, admin, supplierIDs[0], standing.Commendation, "年度优质供应商", time.Time{}); err != nil {
		return err
	}
	return a.Standing.Remove(ctx, admin, supplierIDs[n-4], "多次严重违规,予以清退")
}

// ownerOf returns the principal of a supplier's owner.
func ownerOf(ctx context.Context, a *app.App, orgID string) (*identity.Principal, error) {
	ms, err := a.Store.Members(ctx, orgID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		for _, r := range m.Roles {
			if r == identity.Owner {
				return a.Identity.Principal(ctx, m.User.ID, orgID)
			}
		}
	}
	return nil, fmt.Errorf("demo: no owner for %s", orgID)
}
