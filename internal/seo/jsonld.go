package seo

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/money"
)

// Obj is one schema.org object as JSON-LD: a map so that absent properties stay absent.
type Obj = map[string]any

const schemaOrg = "https://schema.org"

// Availability values.
const (
	InStock    = "https://schema.org/InStock"
	OutOfStock = "https://schema.org/OutOfStock"
)

// maxOffers bounds the per-SKU offers listed inside an AggregateOffer: enough for the
// engines, without a product of 300 variants weighing 100 KB of JSON.
const maxOffers = 20

// Crumb is one step of a breadcrumb trail.
type Crumb struct {
	Name string
	URL  string // absolute
}

// Breadcrumbs is a BreadcrumbList of the trail, positions from 1.
func Breadcrumbs(trail []Crumb) Obj {
	items := make([]Obj, 0, len(trail))
	for i, c := range trail {
		items = append(items, Obj{"@type": "ListItem", "position": i + 1, "name": c.Name, "item": c.URL})
	}
	return Obj{"@context": schemaOrg, "@type": "BreadcrumbList", "itemListElement": items}
}

// Site is the marketplace as an Organization with its site search (WebSite's
// SearchAction is what engines use for a sitelinks search box).
func Site(name, base string) []any {
	return []any{
		Obj{"@context": schemaOrg, "@type": "Organization", "name": name, "url": base + "/"},
		Obj{"@context": schemaOrg, "@type": "WebSite", "name": name, "url": base + "/",
			"potentialAction": Obj{"@type": "SearchAction", "target": base + "/search?q={search_term_string}", "query-input": "required name=search_term_string"}},
	}
}

// Supplier is a supplier as an Organization, for its store page.
type Supplier struct {
	Name       string
	URL        string // the store page, absolute
	Logo       string // absolute, optional
	LegalName  string // from the business licence
	CreditCode string // 统一社会信用代码 (schema.org taxID)
	Address    string
	Phone      string
	Intro      string
}

// Organization is the supplier as schema.org Organization.
func Organization(s Supplier) Obj {
	o := Obj{"@context": schemaOrg, "@type": "Organization", "name": s.Name, "url": s.URL}
	set := func(k, v string) {
		if v != "" {
			o[k] = v
		}
	}
	set("logo", s.Logo)
	set("legalName", s.LegalName)
	set("taxID", s.CreditCode)
	set("telephone", s.Phone)
	set("description", Clip(s.Intro, DescriptionWidth))
	if s.Address != "" {
		o["address"] = Obj{"@type": "PostalAddress", "streetAddress": s.Address, "addressCountry": "CN"}
	}
	return o
}

// ProductInput is what the Product object is built from.
type ProductInput struct {
	Detail   *catalog.Detail
	URL      string            // canonical, absolute
	Images   []string          // absolute
	Names    map[string]string // attribute code → display name
	Category string            // the category trail as text: "紧固件 > 螺栓"
	Seller   Obj               // the supplier as a small Organization
	// SKU, when set, is the variant the page shows chosen.
	SKU string
}

// Yuan formats a unit price (0.0001 yuan) as a JSON-LD price: a plain decimal string.
func Yuan(p int64) string { return money.UnitPrice(p).String() }

// Product is the schema.org Product with an Offer (one SKU) or an AggregateOffer over
// every SKU's tier prices, in CNY, with availability from stock.
func Product(in ProductInput) Obj {
	d := in.Detail
	p := Obj{"@context": schemaOrg, "@type": "Product", "name": d.Product.Title, "url": in.URL}
	if d.Brand.Name != "" {
		p["brand"] = Obj{"@type": "Brand", "name": d.Brand.Name}
	}
	if d.Product.Model != "" {
		p["model"] = d.Product.Model
		p["mpn"] = d.Product.Model
	}
	if in.Category != "" {
		p["category"] = in.Category
	}
	if desc := Description(d.Product.Description); desc != "" {
		p["description"] = desc
	}
	if len(in.Images) > 0 {
		p["image"] = in.Images
	}
	var props []Obj
	for _, a := range d.Product.Attrs {
		name := in.Names[a.Code]
		if name == "" || a.Text == "" {
			continue
		}
		props = append(props, Obj{"@type": "PropertyValue", "name": name, "value": a.Text})
	}
	if len(props) > 0 {
		p["additionalProperty"] = props
	}
	if len(d.SKUs) == 0 {
		return p
	}
	var offers []Obj
	low, high := int64(-1), int64(0)
	inStock := 0
	for i, k := range d.SKUs {
		for _, t := range k.Tiers {
			if low < 0 || t.UnitPrice < low {
				low = t.UnitPrice
			}
			high = max(high, t.UnitPrice)
		}
		if len(k.Tiers) == 0 {
			if low < 0 || k.Price < low {
				low = k.Price
			}
			high = max(high, k.Price)
		}
		if k.Stock >= k.MOQ && k.Stock > 0 {
			inStock++
		}
		if i < maxOffers {
			offers = append(offers, offer(k, in.URL, len(d.SKUs) == 1))
		}
	}
	if len(d.SKUs) == 1 {
		p["sku"] = d.SKUs[0].Code
		if in.Seller != nil {
			offers[0]["seller"] = in.Seller
		}
		p["offers"] = offers[0]
		return p
	}
	if in.SKU != "" {
		for _, k := range d.SKUs {
			if k.ID == in.SKU {
				p["sku"] = k.Code
			}
		}
	}
	avail := OutOfStock
	if inStock > 0 {
		avail = InStock
	}
	agg := Obj{"@type": "AggregateOffer", "priceCurrency": "CNY", "lowPrice": Yuan(low), "highPrice": Yuan(high),
		"offerCount": len(d.SKUs), "availability": avail, "offers": offers}
	if in.Seller != nil {
		agg["seller"] = in.Seller
	}
	p["offers"] = agg
	return p
}

// offer is one SKU as an Offer: the first-tier price and the MOQ as the eligible
// quantity; alone (full) it also carries the tiers as unit price specifications.
func offer(k catalog.SKU, url string, full bool) Obj {
	avail := OutOfStock
	if k.Stock > 0 && k.Stock >= k.MOQ {
		avail = InStock
	}
	price := k.Price
	if len(k.Tiers) > 0 {
		price = k.Tiers[0].UnitPrice
	}
	o := Obj{"@type": "Offer", "sku": k.Code, "url": url + "?sku=" + k.ID, "priceCurrency": "CNY", "price": Yuan(price), "availability": avail}
	if k.MOQ > 0 {
		o["eligibleQuantity"] = Obj{"@type": "QuantitativeValue", "minValue": k.MOQ, "unitText": k.Unit}
	}
	if full {
		o["url"] = url
	}
	if full && len(k.Tiers) > 1 {
		specs := make([]Obj, 0, len(k.Tiers))
		for _, t := range k.Tiers {
			specs = append(specs, Obj{"@type": "UnitPriceSpecification", "price": Yuan(t.UnitPrice), "priceCurrency": "CNY",
				"eligibleQuantity": Obj{"@type": "QuantitativeValue", "minValue": t.MinQty, "unitText": k.Unit}})
		}
		o["priceSpecification"] = specs
	}
	if len(k.Spec) > 0 {
		var parts []string
		for _, v := range k.Spec {
			parts = append(parts, v.Text)
		}
		o["name"] = strings.Join(parts, " ")
	}
	return o
}

// Marshal encodes objects as the body of a <script type="application/ld+json"> element:
// one object, or an array of several. encoding/json escapes <, > and & (and U+2028,
// U+2029), so the text can never close the element or open a comment.
func Marshal(objs []any) (string, error) {
	var v any = objs
	if len(objs) == 1 {
		v = objs[0]
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("seo: json-ld: %w", err)
	}
	return string(b), nil
}
