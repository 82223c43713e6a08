package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/invoice"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/payment"
)

// seedInvoices gives the demo logins email addresses (so messages also leave log-only
// emails in 邮件与短信) and runs invoices through the same services the pages use, on
// four sandbox-paid orders of buyer1's company from supplier1: a 专票 issued as a fully
// digital invoice with its XML, a 普票 waiting in supplier1's queue, a request rejected
// for a wrong title, and a 专票 issued and then reversed with a red-letter invoice after
// the order was cancelled and refunded.
func seedInvoices(ctx context.Context, a *app.App) error {
	for _, login := range []string{"buyer1", "caiwu1", "supplier1", "buyer2"} {
		if _, err := a.DB.Exec(ctx, `UPDATE users SET email = ? WHERE username = ? AND email IS NULL`, login+"@demo.zhuchao.example", login); err != nil {
			return err
		}
	}
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
	addrs, err := a.Store.Addresses(ctx, owner.Org.ID)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("no address: %v", err)
	}
	var sku string
	var moq, multiple int64
	err = a.DB.QueryRow(ctx, `SELECT k.id, k.moq, k.multiple FROM skus k JOIN products p ON p.id = k.product_id
		WHERE k.supplier_id = ? AND p.status = 'on_sale' AND k.status = 'active' AND k.stock >= 1000 ORDER BY k.price DESC, k.id LIMIT 1`, sup.Org.ID).Scan(&sku, &moq, &multiple)
	if err != nil {
		return fmt.Errorf("a SKU of supplier1: %w", err)
	}
	m := max(multiple, 1)
	qty := (max(moq, 1) + m - 1) / m * m
	svc := *a.Payment
	svc.Providers = map[string]payment.Provider{payment.Sandbox: payment.SandboxProvider{}}
	paid := func(n int64) (string, error) {
		res, err := a.Order.Checkout(ctx, owner, order.CheckoutInput{AddressID: addrs[0].ID, Items: []order.ItemInput{{SKU: sku, Qty: qty * n}}})
		if err != nil {
			return "", err
		}
		p, err := svc.Create(ctx, owner, payment.CreateInput{OrderIDs: []string{res.Orders[0].ID}, Provider: payment.Sandbox})
		if err != nil {
			return "", err
		}
		if _, err := svc.CompleteSandbox(ctx, owner, p.ID); err != nil {
			return "", err
		}
		return res.Orders[0].ID, nil
	}
	today := time.Now().In(order.Shanghai)
	seq := 0
	issue := func(inv *invoice.Invoice, files []invoice.FileInput) error {
		seq++
		no := today.Format("06") + fmt.Sprintf("3205%014d", 20000+seq)
		_, err := a.Invoice.Issue(ctx, sup, inv.ID, invoice.IssueInput{Number: no, IssuedOn: today.Format("2006-01-02"),
			Amount: inv.Amount.String(), Excl: inv.Excl.String(), Tax: inv.Tax.String(), Files: files})
		return err
	}
	// 1. A 专票, issued with the fully digital invoice's XML.
	o1, err := paid(2)
	if err != nil {
		return fmt.Errorf("order: %w", err)
	}
	inv, err := a.Invoice.Request(ctx, owner, o1, invoice.RequestInput{Kind: invoice.Special, Email: "caiwu1@demo.zhuchao.example"})
	if err != nil {
		return fmt.Errorf("request: %w", err)
	}
	if err := issue(inv, []invoice.FileInput{{Name: "数电发票.xml", Data: invoiceXML(inv, today)}}); err != nil {
		return fmt.Errorf("issue: %w", err)
	}
	// 2. A 普票 waiting to be issued.
	o2, err := paid(1)
	if err != nil {
		return err
	}
	if _, err := a.Invoice.Request(ctx, owner, o2, invoice.RequestInput{Kind: invoice.Normal}); err != nil {
		return fmt.Errorf("request: %w", err)
	}
	// 3. A request rejected by the supplier.
	o3, err := paid(1)
	if err != nil {
		return err
	}
	inv3, err := a.Invoice.Request(ctx, owner, o3, invoice.RequestInput{Kind: invoice.Special})
	if err != nil {
		return err
	}
	if _, err := a.Invoice.Reject(ctx, sup, inv3.ID, "请确认开票抬头与付款账户名称一致后重新申请"); err != nil {
		return err
	}
	// 4. Issued, then the order is cancelled and refunded: the red-letter reversal.
	o4, err := paid(3)
	if err != nil {
		return err
	}
	inv4, err := a.Invoice.Request(ctx, owner, o4, invoice.RequestInput{Kind: invoice.Special})
	if err != nil {
		return err
	}
	if err := issue(inv4, nil); err != nil {
		return err
	}
	if _, err := svc.RequestRefund(ctx, owner, o4, "设备改型，取消本单"); err != nil {
		return fmt.Errorf("refund request: %w", err)
	}
	if _, err := svc.ApproveRefund(ctx, sup, o4); err != nil {
		return fmt.Errorf("refund: %w", err)
	}
	reds, err := a.Invoice.List(ctx, sup, invoice.Filter{OrderID: o4, Color: invoice.Red, State: invoice.Requested})
	if err != nil || len(reds) != 1 {
		return fmt.Errorf("red-letter task: %d %v", len(reds), err)
	}
	return issue(&reds[0], nil)
}

// invoiceXML is a small stand-in for a 数电票's XML: the fields a buyer's accounting
// system reads. It is demo data, not the tax bureau's schema.
func invoiceXML(inv *invoice.Invoice, day time.Time) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<EInvoice>\n")
	fmt.Fprintf(&b, "  <Header><IssueDate>%s</IssueDate><InvoiceType>%s</InvoiceType><Demo>true</Demo></Header>\n", day.Format("2006-01-02"), map[invoice.Kind]string{invoice.Special: "增值税专用发票", invoice.Normal: "普通发票"}[inv.Kind])
	fmt.Fprintf(&b, "  <Buyer><Name>%s</Name><TaxID>%s</TaxID></Buyer>\n", xmlText(inv.Title), xmlText(inv.TaxID))
	fmt.Fprintf(&b, "  <Seller><Name>%s</Name></Seller>\n  <Items>\n", xmlText(inv.SupplierName))
	for _, l := range inv.Lines {
		fmt.Fprintf(&b, "    <Item><Name>%s</Name><Spec>%s</Spec><Amount>%s</Amount><TaxRate>%s</TaxRate><Tax>%s</Tax></Item>\n", xmlText(l.Name), xmlText(l.Spec), l.Excl, l.Rate, l.Tax)
	}
	fmt.Fprintf(&b, "  </Items>\n  <Total><Excl>%s</Excl><Tax>%s</Tax><Incl>%s</Incl></Total>\n</EInvoice>\n", inv.Excl, inv.Tax, inv.Amount)
	return []byte(b.String())
}

func xmlText(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}
