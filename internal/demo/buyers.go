package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// seedBuyer gives buyer1's company a full tax profile, three delivery addresses, the
// two-tier approval rules (caigou1 needs shenpi1 above ¥5,000, the owner as well above
// ¥50,000) and a requisition list, through the same services the pages use.
func seedBuyer(ctx context.Context, a *app.App) error {
	principal := func(login string) (*identity.Principal, error) {
		u, err := a.Store.UserByLogin(ctx, login)
		if err != nil {
			return nil, err
		}
		return a.Identity.Principal(ctx, u.ID, "")
	}
	owner, err := principal("buyer1")
	if err != nil {
		return err
	}
	shenpi, err := a.Store.UserByLogin(ctx, "shenpi1")
	if err != nil {
		return err
	}
	pr, err := a.Buyer.Profile(ctx, owner)
	if err != nil {
		return err
	}
	_, err = a.Buyer.SaveProfile(ctx, owner, buyer.ProfileInput{Name: pr.Name, CreditCode: pr.CreditCode, InvoiceTitle: pr.Name,
		RegAddress: "江苏省苏州市虎丘区金山路 188 号", RegPhone: "0512-6865 2288", BankName: "中国工商银行苏州高新技术产业开发区支行",
		BankAccount: "1102 0211 0900 0188 626", InvoiceType: buyer.InvoiceSpecial})
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	for _, in := range []buyer.AddressInput{
		{Label: "总部", Consignee: "王建国", Mobile: "13862018826", DivisionCode: "320505", Street: "金山路 188 号 A 栋 3 楼 采购部", Postcode: "215011", Default: true},
		{Label: "一号工厂", Consignee: "陈立", Mobile: "13912765503", DivisionCode: "320506", Street: "木渎镇金枫南路 1258 号 仓库收货口", Postcode: "215101"},
		{Label: "东莞分厂", Consignee: "黄志强", Mobile: "13729450017", DivisionCode: "441900", Street: "长安镇锦厦社区振安中路 66 号"},
	} {
		if _, err := a.Buyer.SaveAddress(ctx, owner, "", in); err != nil {
			return fmt.Errorf("address: %w", err)
		}
	}
	for _, in := range []buyer.RuleInput{
		{Over: "5000", AppliesTo: []string{"purchaser"}, ApproverIDs: []string{shenpi.ID}, Approvals: "1"},
		{Over: "50000", AppliesTo: []string{"purchaser"}, ApproverRoles: []string{"owner"}, Approvals: "1"},
	} {
		if _, err := a.Buyer.SaveRule(ctx, owner, "", in); err != nil {
			return fmt.Errorf("rule: %w", err)
		}
	}
	caigou, err := principal("caigou1")
	if err != nil {
		return err
	}
	l, err := a.Buyer.SaveList(ctx, caigou, "", buyer.ListInput{Name: "月度生产备件", Note: "每月初补货"})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	// Four SKUs of different products, from the best sellers of live stores.
	rows, err := a.DB.Query(ctx, `SELECT k.id, k.product_id, k.moq, k.multiple FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		WHERE p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE ORDER BY p.sales_count DESC, k.id LIMIT 400`)
	if err != nil {
		return err
	}
	type pick struct {
		id, product   string
		moq, multiple int64
	}
	var picks []pick
	seen := map[string]bool{}
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.id, &p.product, &p.moq, &p.multiple); err != nil {
			rows.Close()
			return err
		}
		if !seen[p.product] && len(picks) < 4 {
			seen[p.product] = true
			picks = append(picks, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for i, p := range picks {
		m := max(p.multiple, 1)
		qty := (max(p.moq, 1) + m - 1) / m * m * int64(i+1)
		if err := a.Buyer.AddItem(ctx, caigou, l.ID, buyer.ItemInput{SKU: p.id, Qty: strconv.FormatInt(qty, 10)}); err != nil {
			return fmt.Errorf("list item: %w", err)
		}
	}
	return nil
}
