package demo

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
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
	return nil
}
