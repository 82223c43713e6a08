// Package quotepdf renders a quote (报价单) as a PDF: the lines, the VAT split, the total
// in figures and in capitals (大写), the terms and room for both sides' seals.
//
// Design choice: the Chinese text needs a CJK font embedded in the PDF. The library is
// signintech/gopdf (pure Go, kept up, writes only the glyphs a document uses into
// it, so a one-page quote stays small). The font is Droid Sans Fallback (Apache-2.0,
// from Debian's fonts-droid-fallback; FONT-LICENSE.txt) because it is one TrueType
// file with glyf outlines covering GB 2312 and far beyond, which gopdf can read; Noto
// Sans CJK is CFF inside a collection, which it cannot. It is embedded gzip-compressed
// (2.1 MB of binary) and inflated on first use only.
package quotepdf

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/signintech/gopdf"
)

//go:embed DroidSansFallbackFull.ttf.gz
var cjkGz []byte

//go:embed DejaVuSansCondensed.ttf.gz
var latinGz []byte

var (
	fontOnce         sync.Once
	cjkTTF, latinTTF []byte
	fontErr          error
)

func inflate(gz []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

func fonts() (cjk, latin []byte, err error) {
	fontOnce.Do(func() {
		if cjkTTF, fontErr = inflate(cjkGz); fontErr == nil {
			latinTTF, fontErr = inflate(latinGz)
		}
	})
	return cjkTTF, latinTTF, fontErr
}

// Line is one quoted line, formatted.
type Line struct {
	No, Description, Spec, Qty, Unit, UnitPrice, Amount string
}

// Quote is everything the document shows, already formatted (amounts with ¥, dates).
type Quote struct {
	Number, Date, ValidUntil    string
	Buyer, Supplier, Subject    string
	Lines                       []Line
	Excl, Tax, Rate, Total      string
	Capitals                    string
	LeadDays, NeedBy            string
	PaymentTerms, DeliveryTerms string
	Delivery, Notes             string
}

const (
	pageW, margin = 595.28, 40.0
	innerW        = pageW - 2*margin
	fontSize      = 9.5
	lineH         = 13.0
)

type doc struct {
	*gopdf.GoPdf
	size float64
	err  error
}

// family is the font a rune is set in: Latin letters, digits and punctuation below the
// CJK blocks in DejaVu, the rest in Droid Sans Fallback.
func family(r rune) string {
	if r < 0x2E80 {
		return "latin"
	}
	return "cjk"
}

// runs splits s into runs of one font family.
func runs(s string) (out [][2]string) {
	start, cur := 0, ""
	for i, r := range s {
		f := family(r)
		if f != cur && i > start {
			out = append(out, [2]string{cur, s[start:i]})
			start = i
		}
		cur = f
	}
	if start < len(s) {
		out = append(out, [2]string{cur, s[start:]})
	}
	return out
}

func (d *doc) setFont(f string) {
	if d.err == nil {
		d.err = d.SetFont(f, "", d.size)
	}
}

// width measures s in the current size.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range runs(s) {
		d.setFont(r[0])
		if d.err != nil {
			return 0
		}
		rw, err := d.MeasureTextWidth(r[1])
		if err != nil {
			d.err = err
			return 0
		}
		w += rw
	}
	return w
}

// text draws s at x, y, switching fonts by run.
func (d *doc) text(x, y float64, s string) {
	for _, r := range runs(s) {
		d.setFont(r[0])
		if d.err != nil {
			return
		}
		d.SetXY(x, y)
		if err := d.Cell(nil, r[1]); err != nil {
			d.err = err
			return
		}
		w, err := d.MeasureTextWidth(r[1])
		if err != nil {
			d.err = err
			return
		}
		x += w
	}
}

// wrap breaks s into lines no wider than w, at any character (CJK text has no spaces)
// and at line breaks.
func (d *doc) wrap(s string, w float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, r := range para {
			if line != "" && d.width(line+string(r)) > w {
				out = append(out, line)
				line = ""
			}
			line += string(r)
		}
		out = append(out, line)
	}
	return out
}

// row draws one table row: each cell's text wrapped to its width, all cells as tall as
// the tallest; right aligns the cells whose index is true. A row that does not fit
// starts a new page.
func (d *doc) row(widths []float64, texts []string, right map[int]bool) {
	if d.err != nil {
		return
	}
	wrapped := make([][]string, len(texts))
	h := lineH
	for i, t := range texts {
		wrapped[i] = d.wrap(t, widths[i]-6)
		if hh := float64(len(wrapped[i]))*lineH + 4; hh > h {
			h = hh
		}
	}
	if d.GetY()+h > 842-margin {
		d.AddPage()
		d.SetY(margin)
	}
	y, x := d.GetY(), margin
	for i, w := range widths {
		d.RectFromUpperLeftWithStyle(x, y, w, h, "D")
		for j, l := range wrapped[i] {
			tx := x + 3
			if right[i] {
				tx = x + w - 3 - d.width(l)
			}
			d.text(tx, y+2+float64(j)*lineH, l)
		}
		x += w
	}
	d.SetXY(margin, y+h)
}

// Render writes the quote as a one- or more-page A4 PDF.
func Render(q Quote) ([]byte, error) {
	cjk, latin, err := fonts()
	if err != nil {
		return nil, fmt.Errorf("quotepdf: font: %w", err)
	}
	d := &doc{GoPdf: &gopdf.GoPdf{}, size: fontSize}
	d.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	d.SetInfo(gopdf.PdfInfo{Title: "报价单 " + q.Number, Author: q.Supplier, Creator: "Zhuchao"})
	if err := d.AddTTFFontData("cjk", cjk); err != nil {
		return nil, fmt.Errorf("quotepdf: font: %w", err)
	}
	if err := d.AddTTFFontData("latin", latin); err != nil {
		return nil, fmt.Errorf("quotepdf: font: %w", err)
	}
	d.AddPage()
	d.SetLineWidth(0.6)
	d.size = 20
	d.text((pageW-d.width("报 价 单"))/2, margin, "报 价 单")
	d.size = fontSize
	y := margin + 34
	d.text(margin, y, "报价单号: "+q.Number)
	d.text(margin+innerW/2, y, "致: "+q.Buyer)
	d.text(margin, y+lineH, "报价日期: "+q.Date)
	d.text(margin+innerW/2, y+lineH, "报价方: "+q.Supplier)
	d.text(margin, y+2*lineH, "有效期至: "+q.ValidUntil)
	d.text(margin+innerW/2, y+2*lineH, "询价: "+q.Subject)
	d.SetXY(margin, y+3*lineH+8)
	widths := []float64{24, 140, 120, 50, 32, 74, innerW - 24 - 140 - 120 - 50 - 32 - 74}
	right := map[int]bool{3: true, 5: true, 6: true}
	d.row(widths, []string{"#", "物品描述", "规格/材质", "数量", "单位", "含税单价", "含税金额"}, nil)
	for _, l := range q.Lines {
		d.row(widths, []string{l.No, l.Description, l.Spec, l.Qty, l.Unit, l.UnitPrice, l.Amount}, right)
	}
	w2 := []float64{innerW - 130, 130}
	d.row(w2, []string{"不含税金额 / 税额（" + q.Rate + "）", q.Excl + " / " + q.Tax}, map[int]bool{1: true})
	d.row(w2, []string{"含税合计", q.Total}, map[int]bool{1: true})
	d.row([]float64{130, innerW - 130}, []string{"合计人民币（大写）", q.Capitals}, nil)
	d.SetY(d.GetY() + 10)
	w4 := []float64{80, innerW/2 - 80, 80, innerW/2 - 80}
	d.row(w4, []string{"交期（天）", q.LeadDays, "需求日期", q.NeedBy}, nil)
	d.row(w4, []string{"付款条款", q.PaymentTerms, "交货条款", q.DeliveryTerms}, nil)
	d.row([]float64{80, innerW - 80}, []string{"收货地区", q.Delivery}, nil)
	if strings.TrimSpace(q.Notes) != "" {
		d.row([]float64{80, innerW - 80}, []string{"备注", q.Notes}, nil)
	}
	y = d.GetY() + 12
	d.text(margin, y, "本报价在有效期内有效；经采购方在筑巢平台接受后，按上述条款生成订单。")
	y += 50
	if y > 842-margin-20 {
		d.AddPage()
		y = margin + 40
	}
	if d.err == nil {
		d.Line(margin, y, margin+innerW*0.45, y)
		d.Line(margin+innerW*0.55, y, margin+innerW, y)
	}
	d.text(margin, y+4, "采购方（盖章）")
	d.text(margin+innerW*0.55, y+4, "报价方（盖章）")
	if d.err != nil {
		return nil, fmt.Errorf("quotepdf: %w", d.err)
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("quotepdf: write: %w", err)
	}
	return buf.Bytes(), nil
}
