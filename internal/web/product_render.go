package web

import (
	"html"
	"html/template"
	"net/url"
	"strings"
)

// SKURows renders the table of every variant: a product may have dozens, and
// html/template's reflective escaping made this table half the page's render time. Every
// value is escaped for its context, as the template would.
func (pd productData) SKURows(p *Page) template.HTML {
	d := pd.D
	wv := pd.WeightOrVolume()
	var b strings.Builder
	b.Grow(len(d.SKUs) * 600)
	pid := url.PathEscape(d.Product.ID)
	for _, k := range d.SKUs {
		if pd.SKU != nil && k.ID == pd.SKU.ID {
			b.WriteString(`<tr class="on" aria-current="true">`)
		} else {
			b.WriteString(`<tr>`)
		}
		b.WriteString("\n<td class=\"mono\"><a href=\"/p/")
		b.WriteString(pid)
		b.WriteString(`?sku=`)
		b.WriteString(url.QueryEscape(k.ID))
		b.WriteString(`#buy" rel="nofollow">`)
		b.WriteString(html.EscapeString(k.Code))
		b.WriteString("</a></td>\n<td>")
		for i, v := range k.Spec {
			if i > 0 {
				b.WriteString(` · `)
			}
			b.WriteString(html.EscapeString(v.Text))
		}
		b.WriteString("</td>\n<td>")
		unit := html.EscapeString(k.Unit)
		for _, t := range k.Tiers {
			b.WriteString(`<span class="tier">≥`)
			b.WriteString(groupDigits(t.MinQty))
			b.WriteString(`: <b>`)
			b.WriteString(priceText(t.UnitPrice))
			b.WriteString(`</b>/`)
			b.WriteString(unit)
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n<td class=\"num\">")
		b.WriteString(groupDigits(k.MOQ))
		b.WriteByte(' ')
		b.WriteString(unit)
		b.WriteString("</td>\n<td class=\"num\">")
		b.WriteString(groupDigits(k.Multiple))
		b.WriteString("</td>\n<td class=\"num\">")
		if k.Stock != 0 {
			b.WriteString(groupDigits(k.Stock))
		} else {
			b.WriteString(`<span class="out">`)
			b.WriteString(html.EscapeString(p.T("product.out_of_stock")))
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n")
		if wv {
			b.WriteString(`<td class="num wv">`)
			if k.WeightG != 0 {
				b.WriteString(`<span class="weight">`)
				b.WriteString(groupDigits(k.WeightG))
				b.WriteString(` g</span>`)
			}
			if k.WeightG != 0 && k.VolumeCM3 != 0 {
				b.WriteString(` · `)
			}
			if k.VolumeCM3 != 0 {
				b.WriteString(`<span class="volume">`)
				b.WriteString(groupDigits(k.VolumeCM3))
				b.WriteString(` cm³</span>`)
			}
			if k.WeightG != 0 || k.VolumeCM3 != 0 {
				b.WriteString(` <small>/`)
				b.WriteString(unit)
				b.WriteString(`</small>`)
			}
			b.WriteString("</td>\n")
		}
		b.WriteString("</tr>\n")
	}
	return template.HTML(b.String())
}

// WeightOrVolume reports whether any variant states its weight or volume (the table's
// last column).
func (pd productData) WeightOrVolume() bool {
	for _, k := range pd.D.SKUs {
		if k.WeightG != 0 || k.VolumeCM3 != 0 {
			return true
		}
	}
	return false
}

// LoginNext is where signing in from the buy box returns to: this product, this variant.
func (pd productData) LoginNext() string {
	u := "/p/" + url.PathEscape(pd.D.Product.ID)
	if pd.SKU != nil {
		u += "?sku=" + url.QueryEscape(pd.SKU.ID)
	}
	return u
}
