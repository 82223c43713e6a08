package demo

import (
	"context"
	"fmt"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// seedAftersale shows after-sales and arbitration on buyer1's sandbox-paid orders: one
// with a refund-only case the supplier agreed (refunded from escrow), one in a dispute
// the supplier has answered, awaiting customer service's mediation, and one arbitrated
// with a partial refund and compensation from the supplier's deposit.
//
// The orders are put into shipped or received by a direct state change with its event,
// standing in for fulfilment (built on its own branch); with fulfilment merged this is
// where its ship and receive calls belong.
func seedAftersale(ctx context.Context, a *app.App) error {
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
	kefu, err := principal("kefu")
	if err != nil {
		return err
	}
	admin, err := principal("admin")
	if err != nil {
		return err
	}
	addrs, err := a.Store.Addresses(ctx, owner.Org.ID)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("no address: %v", err)
	}
	// SKUs of live suppliers whose deposit is held in full, one per supplier.
	rows, err := a.DB.Query(ctx, `SELECT k.id, k.supplier_id, k.moq, k.multiple FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		JOIN ledger_balances b ON b.account = 'deposit:held:' || CAST(k.supplier_id AS TEXT)
		WHERE p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE AND k.stock >= 1000 AND k.price BETWEEN 20000 AND 2000000
		AND b.balance >= 100000 ORDER BY k.id LIMIT 300`)
	if err != nil {
		return err
	}
	type pick struct {
		sku, supplier string
		moq, multiple int64
	}
	var picks []pick
	seen := map[string]bool{}
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.sku, &p.supplier, &p.moq, &p.multiple); err != nil {
			rows.Close()
			return err
		}
		if !seen[p.supplier] {
			seen[p.supplier] = true
			picks = append(picks, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(picks) < 3 {
		return fmt.Errorf("only %d suppliers for after-sales", len(picks))
	}
	svc := *a.Payment
	svc.Providers = map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}
	as := *a.Aftersale
	as.Payments = &svc
	supplierOf := func(orgID string) (*identity.Principal, error) {
		var uid string
		if err := a.DB.QueryRow(ctx, `SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner' ORDER BY user_id LIMIT 1`, orgID).Scan(&uid); err != nil {
			return nil, err
		}
		return a.Identity.Principal(ctx, uid, orgID)
	}
	shipped := 0
	// place buys the pick's minimum ×10, pays it with the sandbox and moves it to state.
	place := func(p pick, state order.State) (*order.Order, error) {
		m := max(p.multiple, 1)
		qty := (max(p.moq, 1) + m - 1) / m * m * 10
		res, err := a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addrs[0].ID, Items: []order.ItemInput{{SKU: p.sku, Qty: qty}}})
		if err != nil {
			return nil, err
		}
		o := res.Orders[0]
		pay, err := svc.Create(ctx, owner, payment.CreateInput{OrderIDs: []string{o.ID}, Provider: payment.Sandbox})
		if err != nil {
			return nil, err
		}
		if _, err := svc.CompleteSandbox(ctx, owner, pay.ID); err != nil {
			return nil, err
		}
		// Shipped by the supplier (ZTO), and for received orders inspected by the buyer
		// with a problem noted, so the release waits for the after-sales case.
		sup, err := supplierOf(p.supplier)
		if err != nil {
			return nil, err
		}
		shipped++
		bill := fmt.Sprintf("7750000%05d", shipped)
		if _, err := a.Fulfil.Ship(ctx, sup, o.ID, fulfil.ShipInput{Mode: fulfil.Parcel, Carrier: fulfil.ZTO, Waybill: bill}); err != nil {
			return nil, err
		}
		if state == order.Received {
			if _, err := a.Fulfil.Confirm(ctx, owner, o.ID, []fulfil.ConfirmLine{{LineNo: 1, Accepted: qty, Problem: "部分货物与描述不符，待售后处理"}}); err != nil {
				return nil, err
			}
		}
		return a.Store.Order(ctx, o.ID)
	}

	// 1. Refund-only, agreed by the supplier: refunded from escrow.
	o, err := place(picks[0], order.Received)
	if err != nil {
		return fmt.Errorf("order 1: %w", err)
	}
	l := o.Lines[0]
	c, err := as.Open(ctx, owner, aftersale.OpenInput{OrderID: o.ID, LineNo: l.No, Kind: aftersale.RefundOnly, Reason: "short",
		Detail: "到货少 1 箱，外箱有拆封痕迹", Qty: max(l.Qty/10, 1), Amount: max(l.Amount/10, 1)})
	if err != nil {
		return fmt.Errorf("case 1: %w", err)
	}
	sup, err := supplierOf(o.SupplierID)
	if err != nil {
		return err
	}
	if _, err := as.Answer(ctx, sup, c.ID, aftersale.AnswerInput{Action: "agree"}); err != nil {
		return fmt.Errorf("case 1 agree: %w", err)
	}
	// A return awaiting the supplier's answer on the same order.
	if _, err := as.Open(ctx, owner, aftersale.OpenInput{OrderID: o.ID, LineNo: l.No, Kind: aftersale.ReturnRefund, Reason: "quality",
		Detail: "部分螺栓螺纹不完整，无法旋合", Qty: max(l.Qty/10, 1), Amount: max(l.Amount/10, 1)}); err != nil {
		return fmt.Errorf("case 1b: %w", err)
	}

	// 2. A dispute the supplier answered, awaiting mediation.
	o, err = place(picks[1], order.Shipped)
	if err != nil {
		return fmt.Errorf("order 2: %w", err)
	}
	d, err := as.OpenDispute(ctx, owner, aftersale.DisputeInput{OrderID: o.ID, Claim: "物流显示已签收，但我司仓库未收到货物，要求全额退款。", Amount: o.Total})
	if err != nil {
		return fmt.Errorf("dispute 2: %w", err)
	}
	if sup, err = supplierOf(o.SupplierID); err != nil {
		return err
	}
	if _, err := as.AddEvidence(ctx, sup, d.ID, "已按地址发货，物流签收人为前台，请平台核实签收记录。", nil); err != nil {
		return fmt.Errorf("dispute 2 evidence: %w", err)
	}

	// 3. Arbitrated: a partial refund from escrow and compensation from the deposit.
	o, err = place(picks[2], order.Received)
	if err != nil {
		return fmt.Errorf("order 3: %w", err)
	}
	d, err = as.OpenDispute(ctx, owner, aftersale.DisputeInput{OrderID: o.ID, Claim: "产品材质与详情页标注的 304 不锈钢不符，检测为 201。", Amount: o.Total})
	if err != nil {
		return fmt.Errorf("dispute 3: %w", err)
	}
	if _, err := as.Mediate(ctx, kefu, d.ID, "请商家提供材质证明；请买家提供第三方检测报告。"); err != nil {
		return fmt.Errorf("dispute 3 mediate: %w", err)
	}
	bal, err := a.Ledger.Balance(ctx, ledger.Escrow(o.ID))
	if err != nil {
		return err
	}
	refund := bal.Balance / 2
	deduct := min(money.Fen(50_000), refund)
	if _, err := as.Arbitrate(ctx, admin, d.ID, aftersale.Outcome{Refund: refund, Deduct: deduct,
		Decision: "检测报告证实材质不符：退还一半货款，并从商家保证金赔付买家 ¥" + deduct.String() + "。"}); err != nil {
		return fmt.Errorf("dispute 3 arbitrate: %w", err)
	}
	return nil
}
