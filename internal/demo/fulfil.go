package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/fees"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// seedFulfilment gives supplier1 and buyer1 orders past payment, through the same
// services the pages use: one shipped in two parts (truck, then SF) with tracking, one
// received with a problem noted (its release waits), three settled, a payout batch
// paid to supplier1's settlement account and a statement with rows. The demo charges a
// 1.5 % commission (a default rule, labelled as the demo's) so settlements show one.
func seedFulfilment(ctx context.Context, a *app.App) error {
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
	sup, err := principal("supplier1")
	if err != nil {
		return err
	}
	staff, err := principal("admin")
	if err != nil {
		return err
	}
	now := time.Now()
	if err := a.Store.AddFeeRule(ctx, &fees.Rule{Kind: fees.Commission, RateBP: 150, EffectiveFrom: now.Add(-time.Hour),
		Note: "演示：默认类目佣金 1.5%", CreatedBy: "demo", CreatedAt: now}); err != nil {
		return err
	}
	addrs, err := a.Store.Addresses(ctx, owner.Org.ID)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("no address: %v", err)
	}
	var sku string
	var moq, multiple int64
	err = a.DB.QueryRow(ctx, `SELECT k.id, k.moq, k.multiple FROM skus k JOIN products p ON p.id = k.product_id
		WHERE k.supplier_id = ? AND p.status = 'on_sale' AND k.status = 'active' ORDER BY k.stock DESC, k.id LIMIT 1`, sup.Org.ID).Scan(&sku, &moq, &multiple)
	if err != nil {
		return fmt.Errorf("a SKU of supplier1: %w", err)
	}
	step := max(multiple, 1)
	qty := (max(moq, 1) + step - 1) / step * step
	svc := *a.Payment
	svc.Providers = map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}
	paid := func(n int64) (*order.Order, error) {
		res, err := a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addrs[0].ID, Items: []order.ItemInput{{SKU: sku, Qty: qty * n}}})
		if err != nil {
			return nil, err
		}
		p, err := svc.Create(ctx, owner, payment.CreateInput{OrderIDs: []string{res.Orders[0].ID}, Provider: payment.Sandbox})
		if err != nil {
			return nil, err
		}
		if _, err := svc.CompleteSandbox(ctx, owner, p.ID); err != nil {
			return nil, err
		}
		return &res.Orders[0], nil
	}
	sf := func(bill string) fulfil.ShipInput {
		return fulfil.ShipInput{Mode: fulfil.Parcel, Carrier: fulfil.SF, Waybill: bill}
	}
	settle := func(n int64, bill string) error {
		o, err := paid(n)
		if err != nil {
			return err
		}
		if _, err := a.Fulfil.Ship(ctx, sup, o.ID, sf(bill)); err != nil {
			return err
		}
		_, err = a.Fulfil.Confirm(ctx, owner, o.ID, nil)
		return err
	}
	// Settled twice, then paid out.
	if err := settle(3, "SF1400000000001"); err != nil {
		return fmt.Errorf("settled order: %w", err)
	}
	if err := settle(2, "SF1400000000002"); err != nil {
		return fmt.Errorf("settled order: %w", err)
	}
	if _, err := a.Fulfil.SetAccount(ctx, sup, fulfil.Account{Name: sup.Org.Name, Bank: "中国工商银行宁波分行(演示)", Number: "3901000000000001234", CNAPS: "102332000011"}); err != nil {
		return fmt.Errorf("settlement account: %w", err)
	}
	b, err := a.Fulfil.CreateBatch(ctx, staff)
	if err != nil {
		return fmt.Errorf("payout batch: %w", err)
	}
	for _, po := range b.Payouts {
		if _, err := a.Fulfil.MarkPaid(ctx, staff, po.ID, "DEMO-ICBC-0001"); err != nil {
			return fmt.Errorf("payout paid: %w", err)
		}
	}
	// Settled after the payout: still payable.
	if err := settle(4, "SF1400000000003"); err != nil {
		return fmt.Errorf("settled order: %w", err)
	}
	// Received with a problem noted: the release waits a day.
	o, err := paid(1)
	if err != nil {
		return err
	}
	if _, err := a.Fulfil.Ship(ctx, sup, o.ID, fulfil.ShipInput{Mode: fulfil.Parcel, Carrier: fulfil.Deppon, Waybill: "DPK140000000004"}); err != nil {
		return err
	}
	if _, err := a.Fulfil.Confirm(ctx, owner, o.ID, []fulfil.ConfirmLine{{LineNo: 1, Accepted: qty - step, Problem: "外包装破损，少数件螺纹磕伤"}}); err != nil {
		return fmt.Errorf("received order: %w", err)
	}
	// Shipped in two parts — a part load by truck, the rest by SF — with tracking.
	o, err = paid(2)
	if err != nil {
		return err
	}
	part := fulfil.ShipInput{Mode: fulfil.Truck, Carrier: fulfil.LTL, CarrierName: "宁波顺达物流", Plate: "浙B3K721", DriverPhone: "13905740000", Lines: map[int]int64{1: qty}}
	sh1, err := a.Fulfil.Ship(ctx, sup, o.ID, part)
	if err != nil {
		return fmt.Errorf("truck shipment: %w", err)
	}
	sh2, err := a.Fulfil.Ship(ctx, sup, o.ID, sf("SF1400000000005"))
	if err != nil {
		return fmt.Errorf("parcel shipment: %w", err)
	}
	at := func(d time.Duration) string { return now.Add(-d).In(order.Shanghai).Format("2006-01-02 15:04") }
	for _, u := range []struct {
		sh          *fulfil.Shipment
		at          string
		place, text string
	}{
		{sh1, at(5 * time.Hour), "宁波市北仑区", "已装车发车，预计次日到达"},
		{sh1, at(time.Hour), "杭州市萧山区", "途经杭州中转场"},
		{sh2, at(3 * time.Hour), "宁波市", "顺丰速运 已收取快件"},
		{sh2, at(30 * time.Minute), "苏州市", "快件到达【苏州工业园区营业点】，正在派送"},
	} {
		if _, err := a.Fulfil.AddTracking(ctx, sup, u.sh.ID, fulfil.TrackInput{At: u.at, Place: u.place, Text: u.text}); err != nil {
			return fmt.Errorf("tracking: %w", err)
		}
	}
	return nil
}
