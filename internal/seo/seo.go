// Package seo holds what search engines read of the storefront: titles and descriptions
// cut to Baidu's display lengths, canonical and robots decisions for list pages, JSON-LD
// (schema.org Product, Offer, Organization, BreadcrumbList), sitemaps streamed from
// pluggable sources, robots.txt, and the queue that pushes new and changed URLs to
// Baidu's link-submission API (普通收录). No HTTP server code and no SQL live here.
//
// Indexing decisions (what a demanding SEO would do on a 1M-product catalogue):
//   - Products have one URL, /p/{id}; every variant of it (?sku=, ?to=, ?s=) names
//     /p/{id} as canonical, and the SKU links on the page are rel="nofollow", so crawl
//     budget goes to products rather than to SKU × province combinations. The variants
//     are not blocked in robots.txt: a blocked URL cannot show its canonical, and
//     search results link to them.
//   - Category pages /c/{code} are the indexable list pages; page 2… canonicalise to
//     themselves (each page lists different products). A single filter or a sort on a
//     category canonicalises to the plain category. Two or more filters (deep facet
//     combinations) are "noindex,follow", and robots.txt disallows category URLs with
//     more than one parameter, which caps the crawlable facet space at one level.
//   - Search: a plain query that finds something (/search?q=… and nothing else) is a
//     landing page for its words, canonical to its trimmed query; the hot terms link to
//     these, and Baidu's long tail is where B2B buyers start. Anything narrower (filters,
//     sorts, pages) or empty is "noindex,follow", and robots.txt keeps crawlers off
//     search URLs with more than one parameter. They are never in the sitemaps.
//     /search?cat=x with nothing else names /c/x as canonical.
//   - Store pages /store/{id} are indexable; the in-store search (?q=) is noindex.
//   - Mobile: one responsive URL per page, so the head says applicable-device
//     "pc,mobile" and carries no mobile-agent tag (that tag points a PC page at a
//     separate mobile URL, which we do not have); Cache-Control no-transform and
//     no-siteapp keep Baidu from transcoding pages.
package seo

import (
	"strings"
	"unicode"
)

// Display limits in half-width units (a Chinese character counts two): Baidu shows
// about 30 Chinese characters of a title on PC and about 78 of a description.
const (
	TitleWidth       = 60
	DescriptionWidth = 156
)

// Robots values for the robots meta tag.
const (
	Index   = ""                 // the default: no tag
	NoIndex = "noindex,follow"   // keep out of the index, follow the links
	Private = "noindex,nofollow" // account and console pages
)

// Meta is what a page tells search engines in its head.
type Meta struct {
	Title       string // without the site name
	Description string
	Canonical   string // absolute URL; "" for none
	Robots      string // "" (index,follow), NoIndex or Private
	// JSONLD is a list of schema.org objects, marshalled into one script element.
	JSONLD []any
}

// width is the display width of s: East Asian wide characters count two.
func width(r rune) int {
	if r >= 0x1100 && (unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
		return 2
	}
	return 1
}

// Width is the display width of s in half-width units.
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += width(r)
	}
	return n
}

// Clip shortens s to at most max half-width units, ending with "…" when cut, and folds
// runs of white space (including newlines) into one space.
func Clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if Width(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		if n+width(r) > max-2 { // room for the ellipsis (a wide character)
			return strings.TrimRight(s[:i], " ,，、;；") + "…"
		}
		n += width(r)
	}
	return s
}

// Title joins parts with spaces, skipping empty ones and those already contained in the
// ones before (a structured title usually holds the brand and the product name).
func Title(parts ...string) string {
	var kept []string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		dup := false
		for j, q := range parts {
			q = strings.TrimSpace(q)
			if j != i && strings.Contains(q, p) && (q != p || j < i) {
				dup = true
			}
		}
		if !dup {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// FullTitle is the <title> text: title and " - " + site, with title clipped so that
// the whole fits TitleWidth (the site name is kept: it is the brand searchers know).
func FullTitle(title, site string) string {
	if title == "" {
		return site
	}
	suffix := " - " + site
	room := TitleWidth - Width(suffix)
	if room < 20 {
		room = 20
	}
	return Clip(title, room) + suffix
}

// WithTail joins main and tail with "_" (Baidu's usual separator for 产品名_店铺名)
// so that with the site suffix the whole fits TitleWidth: main is clipped to make room;
// a tail longer than a third of the room is left out.
func WithTail(main, tail, site string) string {
	room := TitleWidth - Width(" - "+site)
	if tail == "" || strings.Contains(main, tail) || Width(tail)*3 > room {
		return main
	}
	return Clip(main, room-Width(tail)-1) + "_" + tail
}

// Description clips free text to DescriptionWidth.
func Description(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.TrimRight(p, "。."))
		}
	}
	return Clip(strings.Join(out, "。"), DescriptionWidth)
}

// Abs makes path absolute against base ("https://www.example.cn", no trailing slash).
func Abs(base, path string) string {
	return strings.TrimRight(base, "/") + path
}
