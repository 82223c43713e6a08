package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
)

// seedOrders places a few orders for buyer1's company through the same checkout the
// pages use — two awaiting payment (placed by the owner), one above caigou1's approval
// threshold awaiting shenpi1, one cancelled — and leaves three SKUs from different
// suppliers in caigou1's cart.
func seedOrders(ctx context.Context, a *app.App) error {
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
	caigou, err := principal("caigou1")
	if err != nil {
		return err
	}
	addrs, err := a.Store.Addresses(ctx, owner.Org.ID)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("no address: %v", err)
	}
	addr := addrs[0].ID
	// One well-stocked SKU per supplier, dearest first.
	rows, err := a.DB.Query(ctx, `SELECT k.id, k.supplier_id, k.price, k.moq, k.multiple, k.stock FROM skus k JOIN products p ON p.id = k.product_id JOIN orgs o ON o.id = k.supplier_id
		WHERE p.status = 'on_sale' AND k.status = 'active' AND o.status = 'active' AND o.store_live = TRUE AND k.stock >= 100 ORDER BY k.price DESC, k.id LIMIT 400`)
	if err != nil {
		return err
	}
	type pick struct {
		id, supplier                string
		price, moq, multiple, stock int64
	}
	var picks []pick
	seen := map[string]bool{}
	for rows.Next() {
		var p pick
		if err := rows.Scan(&p.id, &p.supplier, &p.price, &p.moq, &p.multiple, &p.stock); err != nil {
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
	if len(picks) < 4 {
		return fmt.Errorf("only %d suppliers with stock", len(picks))
	}
	minQty := func(p pick) int64 {
		m := max(p.multiple, 1)
		return (max(p.moq, 1) + m - 1) / m * m
	}
	item := func(p pick, qty int64) order.ItemInput { return order.ItemInput{SKU: p.id, Qty: qty} }
	// Two orders awaiting payment: the owner's orders need no approval.
	if _, err := a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addr, Items: []order.ItemInput{item(picks[1], minQty(picks[1])), item(picks[2], minQty(picks[2]))},
		Notes: map[string]string{picks[1].supplier: "请随货附合格证"}}); err != nil {
		return fmt.Errorf("orders awaiting payment: %w", err)
	}
	// Above ¥5,000 by caigou1: awaits shenpi1's approval.
	big := picks[0]
	qty := minQty(big)
	for qty*big.price/100 <= 600000 && qty+max(big.multiple, 1) <= big.stock {
		qty += max(big.multiple, 1)
	}
	res, err := a.Order.Checkout(ctx, caigou, order.CheckoutInput{AddressID: addr, Items: []order.ItemInput{item(big, qty)}})
	if err != nil {
		return fmt.Errorf("order awaiting approval: %w", err)
	}
	_ = res
	// One cancelled by the owner.
	res, err = a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addr, Items: []order.ItemInput{item(picks[3], minQty(picks[3]))}})
	if err != nil {
		return fmt.Errorf("order to cancel: %w", err)
	}
	if _, err := a.Order.Cancel(ctx, owner, res.Orders[0].ID, "型号选错，重新下单"); err != nil {
		return fmt.Errorf("cancel: %w", err)
	}
	// caigou1's cart: three suppliers' SKUs.
	for _, p := range picks[1:4] {
		if _, err := a.Order.Add(ctx, caigou, p.id, strconv.FormatInt(minQty(p), 10)); err != nil {
			return fmt.Errorf("cart: %w", err)
		}
	}
	var items []order.ItemInput
	for _, p := range picks[1:4] {
		items = append(items, item(p, minQty(p)))
	}
	return seedPayments(ctx, a, owner, addr, items)
}
