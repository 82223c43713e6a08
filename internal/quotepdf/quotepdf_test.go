package quotepdf_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/quotepdf"
)

// TestRender makes a quote with a long, wrapping line and checks it is a PDF that embeds
// the font subset (the text is in glyph IDs, so it is not searchable as bytes).
func TestRender(t *testing.T) {
	q := quotepdf.Quote{Number: "RFQ20261124-000001-v2", Date: "2026-11-24", ValidUntil: "2026-12-24", Buyer: "苏州恒远精密机械有限公司", Supplier: "宁波固特紧固件有限公司",
		Subject: "非标法兰盘", Excl: "¥8,849.56", Tax: "¥1,150.44", Rate: "13%", Total: "¥10,000.00", Capitals: "壹万元整", LeadDays: "15", NeedBy: "2026-12-30",
		PaymentTerms: "款到发货", DeliveryTerms: "送货上门", Delivery: "江苏省苏州市虎丘区", Notes: "随货附材质证明。"}
	for i := 0; i < 40; i++ {
		q.Lines = append(q.Lines, quotepdf.Line{No: "1", Description: strings.Repeat("法兰盘 DN100 PN16 ", 4), Spec: "Q235B 热镀锌", Qty: "120", Unit: "件", UnitPrice: "¥83.3333", Amount: "¥10,000.00"})
	}
	b, err := quotepdf.Render(q)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) || !bytes.Contains(b, []byte("FontFile2")) || !bytes.Contains(b, []byte("/Count 2")) && !bytes.Contains(b, []byte("/Count 3")) {
		t.Fatalf("not a multi-page PDF with an embedded font (%d bytes)", len(b))
	}
	if len(b) > 600<<10 {
		t.Errorf("PDF is %d bytes: the font is not subset", len(b))
	}
}
