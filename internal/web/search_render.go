package web

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"
)

// The facet column and the result rows are the search page's hottest loops: a page has
// hundreds of links, and html/template's reflective escaping costs about a millisecond
// for them. They are written out here instead, every value escaped for its context.

// FacetsHTML renders the facet column.
func (v *searchView) FacetsHTML(p *Page) template.HTML {
	var b strings.Builder
	b.Grow(8 << 10)
	for _, f := range v.Facets {
		b.WriteString(`<section class="facet"><h2>`)
		b.WriteString(html.EscapeString(f.Name))
		if f.Unit != "" && f.Kind != "price" {
			b.WriteString(` <small>(`)
			b.WriteString(html.EscapeString(f.Unit))
			b.WriteString(`)</small>`)
		}
		b.WriteString("</h2>\n<ul>")
		for _, l := range f.Links[:min(12, len(f.Links))] {
			b.WriteString(`<li>`)
			facetAnchor(&b, l)
			b.WriteString(`</li>`)
		}
		b.WriteString("</ul>\n")
		if f.More > 0 {
			b.WriteString(`<details><summary>`)
			b.WriteString(html.EscapeString(p.T("search.more", f.More)))
			b.WriteString(`</summary><ul>`)
			for _, l := range f.Links[min(12, len(f.Links)):] {
				b.WriteString(`<li>`)
				facetAnchor(&b, l)
				b.WriteString(`</li>`)
			}
			b.WriteString(`</ul></details>`)
		}
		b.WriteString("</section>\n")
	}
	return template.HTML(b.String())
}

// facetAnchor writes one choice; the count sits inside the link, so the link is the
// whole line rather than colour-only text within it.
func facetAnchor(b *strings.Builder, l facetLink) {
	b.WriteString(`<a href="`)
	b.WriteString(html.EscapeString(safeHref(l.Href)))
	b.WriteString(`"`)
	if l.Selected {
		b.WriteString(` class="on" aria-current="true"`)
	}
	if strings.IndexByte(l.Href, '?') >= 0 {
		b.WriteString(` rel="nofollow"`) // filtered lists are not pages to index; subcategories are
	}
	b.WriteByte('>')
	b.WriteString(html.EscapeString(l.Label))
	b.WriteString(` <small>`)
	b.WriteString(groupDigits(int64(l.Count)))
	b.WriteString(`</small></a>`)
}

// RowsHTML renders the result rows.
func (v *searchView) RowsHTML(p *Page) template.HTML {
	var b strings.Builder
	b.Grow(len(v.Res.Items) * 900)
	for _, it := range v.Res.Items {
		b.WriteString("<tr>\n<td><a href=\"/p/")
		b.WriteString(url.PathEscape(it.ProductID))
		b.WriteString(`?sku=`)
		b.WriteString(url.QueryEscape(it.SKUID))
		b.WriteString(`&amp;s=`)
		b.WriteString(url.QueryEscape(v.LogID))
		b.WriteByte('-')
		b.WriteString(strconv.Itoa(it.Position))
		b.WriteString(`" hx-boost="false">`)
		b.WriteString(html.EscapeString(it.Title))
		b.WriteString(`</a>`)
		if it.BrandName != "" {
			b.WriteString(` <small class="muted">`)
			b.WriteString(html.EscapeString(it.BrandName))
			b.WriteString(`</small>`)
		}
		b.WriteString("</td>\n<td class=\"spec\">")
		for _, s := range it.Spec {
			b.WriteString(`<span>`)
			b.WriteString(html.EscapeString(s.Text))
			b.WriteString(`</span> `)
		}
		b.WriteString(`<small class="muted">`)
		b.WriteString(html.EscapeString(it.SKUCode))
		b.WriteString(`</small>`)
		if it.Matching > 1 {
			b.WriteString(` <small>`)
			b.WriteString(html.EscapeString(p.T("search.matching", it.Matching)))
			b.WriteString(`</small>`)
		}
		b.WriteString("</td>\n<td>")
		b.WriteString(html.EscapeString(it.SupplierName))
		b.WriteString(` <span class="lv">L`)
		b.WriteString(strconv.Itoa(it.Level))
		b.WriteString(`</span>`)
		if it.Bao {
			b.WriteString(`<span class="badge bao" title="`)
			b.WriteString(html.EscapeString(p.T("search.badge_bao")))
			b.WriteString(`">保</span>`)
		}
		if it.Zhu {
			b.WriteString(`<span class="badge zhu" title="`)
			b.WriteString(html.EscapeString(p.T("search.badge_zhu")))
			b.WriteString(`">筑</span>`)
		}
		b.WriteString("</td>\n<td class=\"num price\">")
		b.WriteString(priceText(it.Price))
		b.WriteString(`<small>/`)
		b.WriteString(html.EscapeString(it.Unit))
		b.WriteString(`</small>`)
		if it.MinPrice < it.Price {
			b.WriteString(`<br><small>`)
			b.WriteString(html.EscapeString(p.T("search.from", priceText(it.MinPrice))))
			b.WriteString(`</small>`)
		}
		b.WriteString("</td>\n<td class=\"num\">")
		b.WriteString(groupDigits(it.MOQ))
		b.WriteString("</td>\n<td class=\"num\">")
		if it.Stock > 0 {
			b.WriteString(groupDigits(it.Stock))
		} else {
			b.WriteString(`<span class="muted">`)
			b.WriteString(html.EscapeString(p.T("search.no_stock")))
			b.WriteString(`</span>`)
		}
		b.WriteString("</td>\n</tr>\n")
	}
	return template.HTML(b.String())
}

// safeHref keeps a link on this site: the pages only build links that start with one
// slash.
func safeHref(h string) string {
	if strings.HasPrefix(h, "/") && !strings.HasPrefix(h, "//") {
		return h
	}
	return "#"
}
