package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/rfq"
)

// drawingPDF stands in for a customer's drawing: a valid one-page PDF.
var drawingPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

// seedRFQs gives buyer1's company two requests for quotation through the same service
// the pages use: an open one (non-standard flanges) with three competing quotes from
// suppliers of its category, and an awarded one whose accepted quote became an order.
func seedRFQs(ctx context.Context, a *app.App) error {
	u, err := a.Store.UserByLogin(ctx, "buyer1")
	if err != nil {
		return err
	}
	owner, err := a.Identity.Principal(ctx, u.ID, "")
	if err != nil {
		return err
	}
	addrs, err := a.Store.Addresses(ctx, owner.Org.ID)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("no address: %v", err)
	}
	// The root category where the demo's login suppliers (supplier1–3) sell most, and
	// three of its suppliers, those first.
	login := []any{supplierNames[0], supplierNames[1], supplierNames[2]}
	var catID string
	err = a.DB.QueryRow(ctx, `SELECT r.id FROM categories r JOIN categories c ON substr(c.path, 1, length(r.path)) = r.path JOIN products p ON p.category_id = c.id
		JOIN orgs o ON o.id = p.supplier_id WHERE r.parent_id IS NULL AND o.status = 'active' AND o.store_live = TRUE
		GROUP BY r.id ORDER BY COUNT(DISTINCT CASE WHEN o.name IN (?, ?, ?) THEN o.id END) DESC, COUNT(DISTINCT p.supplier_id) DESC, r.id LIMIT 1`, login...).Scan(&catID)
	if err != nil {
		return fmt.Errorf("rfq category: %w", err)
	}
	rows, err := a.DB.Query(ctx, `SELECT DISTINCT o.id, o.name, CASE WHEN o.name IN (?, ?, ?) THEN 0 ELSE 1 END FROM categories r JOIN categories c ON substr(c.path, 1, length(r.path)) = r.path
		JOIN products p ON p.category_id = c.id JOIN orgs o ON o.id = p.supplier_id
		WHERE r.id = ? AND o.status = 'active' AND o.store_live = TRUE ORDER BY 3, 2 LIMIT 3`, append(login, catID)...)
	if err != nil {
		return err
	}
	var sups []*identity.Principal
	var names []string
	for rows.Next() {
		var id, name string
		var rank int
		if err := rows.Scan(&id, &name, &rank); err != nil {
			rows.Close()
			return err
		}
		names = append(names, name)
		sups = append(sups, &identity.Principal{Org: identity.Org{ID: id, Name: name, Kind: identity.Supplier}})
	}
	rows.Close()
	if len(sups) < 3 {
		return fmt.Errorf("only %d suppliers in the rfq category", len(sups))
	}
	for i, s := range sups {
		p, err := ownerOf(ctx, a, s.Org.ID)
		if err != nil {
			return err
		}
		sups[i] = p
	}
	now := time.Now()
	open, err := a.RFQ.Create(ctx, owner, rfq.RequestInput{Token: "demo-open",
		Title: "非标法兰盘及配套紧固件加工", Description: "按附图加工，表面热镀锌，随货附材质证明与出厂检验报告。\n分两批交货亦可。",
		CategoryID: catID, OpenToAll: true, Invite: names, Publish: true, AddressID: addrs[0].ID, Target: "42000",
		Files:  []rfq.FileInput{{Name: "法兰盘图纸-DN100.pdf", Data: drawingPDF}},
		NeedBy: now.Add(30 * 24 * time.Hour), Deadline: now.Add(5 * 24 * time.Hour),
		Lines: []rfq.LineInput{{Description: "法兰盘 DN100 PN16", Spec: "Q235B 热镀锌 GB/T 9124", Qty: 120, Unit: "件"},
			{Description: "六角头螺栓 M16×70", Spec: "8.8级 热镀锌 GB/T 5782", Qty: 2000, Unit: "套"},
			{Description: "缠绕垫片 DN100", Spec: "304+石墨", Qty: 240, Unit: "片"}},
	})
	if err != nil {
		return fmt.Errorf("open rfq: %w", err)
	}
	quotes := []rfq.QuoteInput{
		{Prices: []string{"238", "2.35", "18.6"}, TaxIncluded: true, LeadDays: 15, PaymentTerms: "款到发货", DeliveryTerms: "送货上门，含运费", Notes: "可提供第三方检测报告。"},
		{Prices: []string{"215.5", "2.6", "16.8"}, TaxIncluded: true, LeadDays: 25, PaymentTerms: "30% 预付，发货前付清", DeliveryTerms: "物流到付"},
		{Prices: []string{"205", "2.1", "15"}, TaxIncluded: false, LeadDays: 20, PaymentTerms: "平台担保交易", DeliveryTerms: "德邦物流，含运费", Notes: "不含税价，开 13% 专票。"},
	}
	for i, q := range quotes {
		q.TaxRate, q.ValidUntil = money.VAT13, now.Add(20*24*time.Hour)
		if _, err := a.RFQ.SubmitQuote(ctx, sups[i], open.ID, q); err != nil {
			return fmt.Errorf("quote %d: %w", i, err)
		}
	}
	if err := a.RFQ.Say(ctx, owner, open.ID, sups[1].Org.ID, "交期能否压缩到 20 天？"); err != nil {
		return err
	}
	if err := a.RFQ.Say(ctx, sups[1], open.ID, "", "可以，需预付 50%。"); err != nil {
		return err
	}
	won, err := a.RFQ.Create(ctx, owner, rfq.RequestInput{Token: "demo-awarded",
		Title: "定制不锈钢U型螺栓", CategoryID: catID, Invite: names[:2], Publish: true, AddressID: addrs[0].ID,
		NeedBy: now.Add(20 * 24 * time.Hour), Deadline: now.Add(3 * 24 * time.Hour),
		Lines: []rfq.LineInput{{Description: "U型螺栓 M12 内宽 89mm", Spec: "SUS304", Qty: 500, Unit: "套"}},
	})
	if err != nil {
		return fmt.Errorf("awarded rfq: %w", err)
	}
	var chosen *rfq.Quote
	for i, price := range []string{"6.8", "7.2"} {
		q, err := a.RFQ.SubmitQuote(ctx, sups[i], won.ID, rfq.QuoteInput{Prices: []string{price}, TaxIncluded: true, TaxRate: money.VAT13, LeadDays: 10 + i*5,
			ValidUntil: now.Add(15 * 24 * time.Hour), PaymentTerms: "平台担保交易", DeliveryTerms: "包邮"})
		if err != nil {
			return fmt.Errorf("awarded quote: %w", err)
		}
		if i == 0 {
			chosen = q
		}
	}
	if _, err := a.RFQ.Accept(ctx, owner, won.ID, chosen.ID); err != nil {
		return fmt.Errorf("accept: %w", err)
	}
	return nil
}
