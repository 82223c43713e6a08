package api

import (
	"net/http"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/search"
)

func (a *API) addSearchRoutes() {
	if a.Search == nil {
		return
	}
	q := func(name, typ, desc string) Param {
		return Param{Name: name, In: "query", Type: typ, Description: desc}
	}
	a.add("GET", "/api/v1/search", httpx.Anyone, false, a.search,
		Doc{ID: "search", Summary: "Search the catalogue with facets. Words and specs (M8x30, 6204-2RS, DN50, 0.75kW) in q; parameter filters as a.<code>=value (repeatable) and n.<code>=lo-hi, with codes from the facets' keys", Tag: "search", Response: "SearchResult", Status: 200,
			Params: []Param{
				q("q", "string", "words and specs, at most 100 characters"),
				q("cat", "string", "category code"),
				q("brand", "string", "brand name; repeat for any of several"),
				q("supplier", "string", "supplier ID; repeat for any of several"),
				q("level", "integer", "lowest supplier level, 1–5"),
				q("badge", "string", "bao, zhu or stock; repeat for all of several"),
				q("price", "string", "unit price range in yuan, lo-hi (either side may be empty)"),
				q("sort", "string", "sales, price_asc, price_desc or newest; empty for relevance"),
				q("page", "integer", "page number from 1 to 100; 20 products a page"),
			}})
}

// SearchItem is one result of the search API.
type SearchItem struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Brand        string          `json:"brand"`
	CategoryID   string          `json:"category_id"`
	SupplierID   string          `json:"supplier_id"`
	SupplierName string          `json:"supplier_name"`
	Level        int             `json:"supplier_level"`
	Bao          bool            `json:"bao"`
	Zhu          bool            `json:"zhu"`
	SKUID        string          `json:"sku_id"`
	SKUCode      string          `json:"sku_code"`
	Spec         []catalog.Value `json:"spec"`
	Price        string          `json:"price"`
	MinPrice     string          `json:"min_price"`
	Unit         string          `json:"unit"`
	MOQ          int64           `json:"moq"`
	Stock        int64           `json:"stock"`
	Matching     int             `json:"matching_variants"`
}

func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	req, err := search.FromQuery(r.URL.Query())
	if err != nil {
		return err
	}
	req.Lang = string(httpx.LangFrom(r.Context()))
	res := a.Search.Index.Search(req)
	if req.Q != "" || req.Category != "" {
		a.Search.Record(search.LogEntry{ID: search.NewLogID(), At: time.Now(), Q: req.Q, Norm: search.Normalize(req.Q), Category: req.Category,
			Sort: req.Sort, Page: req.Page, Total: res.Total, Took: res.Took, Source: "api"})
	}
	items := make([]SearchItem, 0, len(res.Items))
	for _, it := range res.Items {
		spec := it.Spec
		if spec == nil {
			spec = []catalog.Value{}
		}
		items = append(items, SearchItem{ID: it.ProductID, Title: it.Title, Brand: it.BrandName, CategoryID: it.CategoryID, SupplierID: it.SupplierID,
			SupplierName: it.SupplierName, Level: it.Level, Bao: it.Bao, Zhu: it.Zhu, SKUID: it.SKUID, SKUCode: it.SKUCode, Spec: spec,
			Price: money.UnitPrice(it.Price).String(), MinPrice: money.UnitPrice(it.MinPrice).String(), Unit: it.Unit, MOQ: it.MOQ, Stock: it.Stock, Matching: it.Matching})
	}
	type value struct {
		Value    string `json:"value"`
		Label    string `json:"label"`
		Count    int    `json:"count"`
		Selected bool   `json:"selected"`
	}
	type facet struct {
		Key    string  `json:"key"`
		Name   string  `json:"name"`
		Kind   string  `json:"kind"`
		Unit   string  `json:"unit"`
		Values []value `json:"values"`
	}
	facets := make([]facet, 0, len(res.Facets))
	for _, f := range res.Facets {
		ff := facet{Key: f.Key, Name: f.Name, Kind: f.Kind, Unit: f.Unit, Values: make([]value, 0, len(f.Values))}
		for _, v := range f.Values {
			ff.Values = append(ff.Values, value{v.Value, v.Label, v.Count, v.Selected})
		}
		facets = append(facets, ff)
	}
	understood := make([]map[string]string, 0, len(res.Understood))
	for _, u := range res.Understood {
		understood = append(understood, map[string]string{"code": u.Code, "name": u.Name, "value": u.Value, "text": u.Text})
	}
	dropped := res.Dropped
	if dropped == nil {
		dropped = []string{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"total": res.Total, "variants": res.Variants, "page": res.Page, "pages": res.Pages, "items": items, "facets": facets,
		"understood": understood, "dropped": dropped, "did_you_mean": res.DidYouMean, "took_us": res.Took.Microseconds(),
	})
	return nil
}
