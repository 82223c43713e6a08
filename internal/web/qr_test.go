package web

import (
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"rsc.io/qr"
)

// TestQRSVG checks the QR code is a well-formed, self-contained SVG: one rect and one
// path of exactly the code's black modules inside a four-module quiet zone, an escaped
// title, and nothing that loads or runs anything.
func TestQRSVG(t *testing.T) {
	text := "weixin://wxpay/bizpayurl?pr=abc123XYZ"
	svg, err := qrSVG(text, `微信支付二维码 <&>`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	c, _ := qr.Encode(text, qr.M)
	black := 0
	for y := 0; y < c.Size; y++ {
		for x := 0; x < c.Size; x++ {
			if c.Black(x, y) {
				black++
			}
		}
	}
	n := c.Size + 8
	if !strings.HasPrefix(s, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(s, fmt.Sprintf(`viewBox="0 0 %d %d"`, n, n)) ||
		strings.Count(s, "h1v1h-1z") != black || black == 0 || !strings.Contains(s, "M4 4h1v1h-1z") {
		t.Fatalf("svg %d modules of %d: %.200s", strings.Count(s, "h1v1h-1z"), black, s)
	}
	for _, bad := range []string{"href", "<script", "<image", "url(", "@import", "<&>"} {
		if strings.Contains(strings.ReplaceAll(s, "http://www.w3.org/2000/svg", ""), bad) {
			t.Fatalf("svg contains %q", bad)
		}
	}
	if strings.Contains(s, " on") {
		t.Fatal("event handler attribute")
	}
	if strings.Contains(strings.ReplaceAll(s, `xmlns="http://www.w3.org/2000/svg"`, ""), "://") {
		t.Fatal("external reference")
	}
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed XML: %v", err)
			}
			break
		}
	}
	if _, err := qrSVG(strings.Repeat("x", 5000), "t"); err == nil {
		t.Fatal("text too long for a QR code encoded")
	}
}
