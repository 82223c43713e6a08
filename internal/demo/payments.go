package demo

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// seedPayments pays some of buyer1's orders through the same services the pages use:
// one with the sandbox (沙箱支付(演示)), one by corporate transfer matched from an imported
// bank statement, one sandbox-paid order refunded on the buyer's request, and one
// transfer short by ¥100 left in the staff review queue.
func seedPayments(ctx context.Context, a *app.App, owner *identity.Principal, addr string, items []order.ItemInput) error {
	svc := *a.Payment
	svc.Providers = map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}, payment.Bank: payment.BankProvider{Account: payment.BankAccount{Number: "demo"}}}
	u, err := a.Store.UserByLogin(ctx, "admin")
	if err != nil {
		return err
	}
	staff, err := a.Identity.Principal(ctx, u.ID, "")
	if err != nil {
		return err
	}
	pay := func(it order.ItemInput, provider string) (*payment.Payment, error) {
		res, err := a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addr, Items: []order.ItemInput{it}})
		if err != nil {
			return nil, err
		}
		return svc.Create(ctx, owner, payment.CreateInput{OrderIDs: []string{res.Orders[0].ID}, Provider: provider})
	}
	// Paid with the sandbox.
	p, err := pay(items[0], payment.Sandbox)
	if err != nil {
		return fmt.Errorf("sandbox payment: %w", err)
	}
	if _, err := svc.CompleteSandbox(ctx, owner, p.ID); err != nil {
		return fmt.Errorf("sandbox pay: %w", err)
	}
	// Paid with the sandbox, then cancelled and refunded before shipping.
	p, err = pay(items[1], payment.Sandbox)
	if err != nil {
		return fmt.Errorf("refund payment: %w", err)
	}
	if _, err := svc.CompleteSandbox(ctx, owner, p.ID); err != nil {
		return err
	}
	if _, err := svc.RequestRefund(ctx, owner, p.Orders[0].OrderID, "项目延期，取消采购"); err != nil {
		return fmt.Errorf("refund request: %w", err)
	}
	if _, err := svc.ApproveRefund(ctx, staff, p.Orders[0].OrderID); err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	// Two corporate transfers: one in full with its code, one ¥100 short.
	full, err := pay(items[2], payment.Bank)
	if err != nil {
		return fmt.Errorf("bank payment: %w", err)
	}
	short, err := pay(items[0], payment.Bank)
	if err != nil {
		return fmt.Errorf("bank payment: %w", err)
	}
	csv := "交易日期,对方户名,对方账号,借方金额,贷方金额,摘要,交易流水号\n" +
		fmt.Sprintf("2026-11-24,%s,6222021001122334455,,%s,网银转账 %s 货款,DEMO0001\n", owner.Org.Name, full.Amount, full.Remittance) +
		fmt.Sprintf("2026-11-24,%s,6222021001122334455,,%s,货款 %s,DEMO0002\n", owner.Org.Name, short.Amount-min(10000, short.Amount/2), short.Remittance) +
		"2026-11-24,筑巢平台,,35.00,,跨行手续费,DEMO0003\n"
	if _, err := svc.ImportStatement(ctx, staff, "demo-statement.csv", []byte(csv)); err != nil {
		return fmt.Errorf("statement: %w", err)
	}
	return nil
}
