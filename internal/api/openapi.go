package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/zhuchao/zhuchao/internal/httpx"
)

// Version is the API document's version.
const Version = "1.0.0"

var (
	specOnce sync.Once
	specJSON []byte
)

func (a *API) openapi(w http.ResponseWriter, r *http.Request) {
	specOnce.Do(func() {
		b, err := json.MarshalIndent(a.Spec(), "", "  ")
		if err != nil {
			panic(err)
		}
		specJSON = b
	})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(specJSON)
}

type obj = map[string]any

// Spec builds the OpenAPI 3.1 document from the registered routes, so the document and
// the routes cannot drift apart.
func (a *API) Spec() obj {
	paths := obj{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		op := obj{"operationId": rt.Doc.ID, "summary": rt.Doc.Summary, "tags": []string{rt.Doc.Tag}}
		var params []obj
		for _, p := range rt.Doc.Params {
			params = append(params, obj{"name": p.Name, "in": p.In, "required": p.Required || p.In == "path", "description": p.Description, "schema": obj{"type": p.Type}})
		}
		if rt.Idempotent {
			params = append(params, obj{"$ref": "#/components/parameters/IdempotencyKey"})
		}
		params = append(params, obj{"$ref": "#/components/parameters/AcceptLanguage"})
		op["parameters"] = params
		if rt.Doc.Request != "" {
			op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": ref(rt.Doc.Request)}}}
		}
		resps := obj{}
		ok := obj{"description": http.StatusText(rt.Doc.Status)}
		if rt.Doc.Response != "" {
			ok["content"] = obj{"application/json": obj{"schema": ref(rt.Doc.Response)}}
		}
		resps[itoa(rt.Doc.Status)] = ok
		errResp := func(desc string) obj {
			return obj{"description": desc, "content": obj{"application/json": obj{"schema": ref("Error")}}}
		}
		if rt.Doc.Request != "" {
			resps["413"] = errResp("Body too large")
			resps["415"] = errResp("Not JSON")
			resps["422"] = errResp("Invalid input; fields name each problem")
		}
		if rt.Policy.Name != httpx.Anyone.Name {
			resps["401"] = errResp("Not authenticated")
			resps["403"] = errResp("Not allowed")
			op["security"] = []obj{{"bearerAuth": []string{}}, {"sessionCookie": []string{}}}
		} else {
			op["security"] = []obj{{}}
		}
		if strings.Contains(rt.Path, "{") {
			resps["404"] = errResp("Not found, or another organisation's")
		}
		if rt.Idempotent {
			resps["409"] = errResp("A request with this Idempotency-Key is still running")
		}
		resps["500"] = errResp("Server error; details are logged, not returned")
		op["responses"] = resps
		item[strings.ToLower(rt.Method)] = op
	}
	return obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":       "Zhuchao API",
			"version":     Version,
			"description": "The JSON API of Zhuchao (筑巢), the open-source industrial B2B marketplace. Authenticate with an API token (Authorization: Bearer zct_…) created in 账户与安全. Every object is scoped to the token's organisation: another organisation's object answers 404.",
		},
		"servers": []obj{{"url": "/"}},
		"paths":   paths,
		"components": obj{
			"securitySchemes": obj{
				"bearerAuth":    obj{"type": "http", "scheme": "bearer", "description": "API token zct_…"},
				"sessionCookie": obj{"type": "apiKey", "in": "cookie", "name": "zc_session"},
			},
			"parameters": obj{
				"IdempotencyKey": obj{"name": "Idempotency-Key", "in": "header", "required": false, "schema": obj{"type": "string", "minLength": 1, "maxLength": 255},
					"description": "Retries with the same key and body replay the first response; the same key with another body is refused (422); a concurrent request with the key gets 409."},
				"AcceptLanguage": obj{"name": "Accept-Language", "in": "header", "required": false, "schema": obj{"type": "string"}, "description": "zh-CN (default) or en, for messages"},
			},
			"schemas": merged(schemas(), buyerSchemas(), orderSchemas(), paymentSchemas(), rfqSchemas(),
				reorderSchemas(),
				inviteSchemas(),
				fulfilSchemas(),
				invoiceSchemas(),
				notifySchemas(),
				aftersaleSchemas(),
			),
		},
	}
}

// merged joins component schema sets.
func merged(sets ...obj) obj {
	out := obj{}
	for _, s := range sets {
		for k, v := range s {
			if _, dup := out[k]; dup {
				panic("api: two schemas named " + k) // one would hide the other
			}
			out[k] = v
		}
	}
	return out
}

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func schemas() obj {
	str := obj{"type": "string"}
	ts := obj{"type": "string", "format": "date-time"}
	tsNull := obj{"type": []string{"string", "null"}, "format": "date-time"}
	return obj{
		"Error": obj{"type": "object", "required": []string{"error"}, "properties": obj{
			"error": obj{"type": "object", "required": []string{"code", "message"}, "properties": obj{
				"code":       obj{"type": "string", "enum": []string{"invalid", "not_found", "conflict", "forbidden", "unauthorized", "rate_limited", "too_large", "unsupported", "internal"}},
				"message":    str,
				"fields":     obj{"type": "object", "additionalProperties": str, "description": "field name → what is wrong with it"},
				"request_id": str,
			}},
		}},
		"Me": obj{"type": "object", "required": []string{"user_id", "display_name", "org_id", "org_name", "org_kind", "roles"}, "properties": obj{
			"user_id": str, "display_name": str, "org_id": str, "org_name": str,
			"org_kind": obj{"type": "string", "enum": []string{"platform", "supplier", "buyer"}},
			"roles":    obj{"type": "array", "items": str},
		}},
		"Category": obj{"type": "object", "required": []string{"id", "code", "name_zh", "name_en", "depth", "path"}, "properties": obj{
			"id": str, "parent_id": str, "code": str, "name_zh": str, "name_en": str, "depth": obj{"type": "integer"}, "path": str,
		}},
		"Channel": obj{"type": "object", "required": []string{"id", "slug", "title", "modules"}, "properties": obj{
			"id": str, "slug": str, "title": str, "intro": str, "published_at": ts,
			"modules": obj{"type": "array", "items": obj{"type": "object", "required": []string{"id", "kind", "title"}, "properties": obj{
				"id": str, "kind": obj{"type": "string", "enum": []string{"banner", "shelf", "categories", "campaign", "richtext", "hotterms"}}, "title": str,
				"text": str, "image": str, "link": str, "alt": str, "query": str, "category_id": str, "count": obj{"type": "integer"},
				"products": obj{"type": "array", "items": str}, "categories": obj{"type": "array", "items": str}, "start": ts, "end": ts,
				"campaign": obj{"type": "object", "properties": obj{"id": str, "name": str, "kind": str, "badge": str, "start": ts, "end": ts, "products": obj{"type": "array", "items": str}}},
			}}},
		}},
		"CategoryList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Category")}}},
		"Token": obj{"type": "object", "required": []string{"id", "name", "prefix", "created_at", "revoked"}, "properties": obj{
			"id": str, "name": str, "prefix": str, "created_at": ts, "expires_at": tsNull, "last_used_at": tsNull,
			"revoked": obj{"type": "boolean"}, "secret": obj{"type": "string", "description": "only in the creation response"},
		}},
		"TokenList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Token")}}},
		"Brand": obj{"type": "object", "required": []string{"name", "kind", "valid_to"}, "properties": obj{
			"name": str, "kind": obj{"type": "string", "enum": []string{"trademark", "authorisation"}},
			"tm_no": str, "holder": str, "grantor": str, "scope": str, "chain": obj{"type": "array", "items": str},
			"valid_to": obj{"type": "string", "format": "date"}, "doc": obj{"type": "string", "description": "upload ID of the certificate or letter"},
		}},
		"Application": obj{"type": "object", "required": []string{"id", "org_id", "state", "version"}, "properties": obj{
			"id": str, "org_id": str, "state": obj{"type": "string", "enum": []string{"draft", "submitted", "under_review", "returned", "approved", "rejected"}},
			"version":      obj{"type": "integer", "description": "send it back with changes: a stale version is refused (409)"},
			"company_name": str, "credit_code": str, "legal_rep": str, "legal_rep_id": obj{"type": "string", "description": "masked"},
			"reg_address": str, "business_scope": str, "contact_name": str, "contact_mobile": str, "contact_email": str,
			"licence_valid_to": str, "licence_file": str, "categories": obj{"type": "array", "items": str}, "brands": obj{"type": "array", "items": ref("Brand")},
			"checklist": obj{"type": "object", "additionalProperties": obj{"type": "boolean"}}, "submitted_at": tsNull, "verified_at": tsNull,
		}},
		"ApplicationList": obj{"type": "object", "required": []string{"total", "items"}, "properties": obj{"total": obj{"type": "integer"}, "items": obj{"type": "array", "items": ref("Application")}}},
		"ApplicationInput": obj{"type": "object", "additionalProperties": false, "required": []string{"version"}, "properties": obj{
			"version": obj{"type": "integer"}, "company_name": str, "credit_code": obj{"type": "string", "description": "统一社会信用代码, checked with its check character"},
			"legal_rep": str, "legal_rep_id": str, "reg_address": str, "business_scope": str, "contact_name": str, "contact_mobile": str, "contact_email": str,
			"licence_valid_to": obj{"type": "string", "description": "YYYY-MM-DD, empty for no expiry"}, "licence_file": obj{"type": "string", "description": "an upload ID of the caller's organisation"},
			"categories": obj{"type": "array", "items": str}, "brands": obj{"type": "array", "items": ref("Brand")},
			"agree_terms": obj{"type": "boolean", "description": "submission only: accept the supplier agreement"},
		}},
		"ReviewInput": obj{"type": "object", "additionalProperties": false, "required": []string{"version"}, "properties": obj{
			"version": obj{"type": "integer"}, "checklist": obj{"type": "object", "additionalProperties": obj{"type": "boolean"}},
			"outcome": obj{"type": "string", "enum": []string{"", "start", "approve", "return", "reject"}}, "reason": str,
		}},
		"Deposit": obj{"type": "object", "required": []string{"required_fen", "held_fen", "frozen_fen", "shortfall_fen", "paid_in_full", "remittance_code"}, "properties": obj{
			"required_fen": obj{"type": "integer"}, "held_fen": obj{"type": "integer"}, "frozen_fen": obj{"type": "integer"}, "shortfall_fen": obj{"type": "integer"},
			"paid_in_full": obj{"type": "boolean"}, "remittance_code": obj{"type": "string", "description": "write it in the transfer note"}, "exited_at": tsNull,
		}},
		"Store": obj{"type": "object", "required": []string{"id", "name", "modules", "licence"}, "properties": obj{
			"id": str, "name": str, "intro": str, "capability": str, "certificates": str, "phone": str, "qq": str,
			"modules": obj{"type": "array", "items": obj{"type": "object"}},
			"licence": obj{"type": "object", "description": "business-licence information (电子商务法 art. 15)"},
		}},
		"MessageList": obj{"type": "object", "required": []string{"unread", "items"}, "properties": obj{"unread": obj{"type": "integer"}, "items": obj{"type": "array", "items": obj{
			"type": "object", "properties": obj{"id": str, "kind": str, "text": str, "link": str, "created_at": ts, "read_at": tsNull},
		}}}},
		"CreateTokenRequest": obj{"type": "object", "required": []string{"name"}, "additionalProperties": false, "properties": obj{
			"name":     obj{"type": "string", "minLength": 1, "maxLength": 60},
			"ttl_days": obj{"type": "integer", "minimum": 0, "maximum": 3650, "description": "0 for no expiry"},
		}},
		"CategoryTemplate": obj{"type": "object", "required": []string{"category", "attributes"}, "properties": obj{
			"category": ref("Category"),
			"attributes": obj{"type": "array", "description": "the leaf's own attributes and its ancestors'", "items": obj{
				"type": "object", "required": []string{"code", "name_zh", "name_en", "kind", "unit", "options", "required", "filterable", "sales"}, "properties": obj{
					"code": str, "name_zh": str, "name_en": str,
					"kind":     obj{"type": "string", "enum": []string{"enum", "number", "range", "text", "bool"}},
					"unit":     obj{"type": "string", "description": "for number and range: mm, kg, MPa…; values may carry another unit of the same quantity"},
					"options":  obj{"type": "array", "items": str, "description": "the allowed values of an enum"},
					"required": obj{"type": "boolean", "description": "needed before the product goes on sale"}, "filterable": obj{"type": "boolean"},
					"sales": obj{"type": "boolean", "description": "a sales attribute: given per SKU in spec, not in attrs"},
				}}},
		}},
		"SearchResult": obj{"type": "object", "required": []string{"total", "variants", "page", "pages", "items", "facets", "understood", "dropped", "did_you_mean", "took_us"}, "properties": obj{
			"total": obj{"type": "integer", "description": "matching products"}, "variants": obj{"type": "integer", "description": "matching SKUs"},
			"page": obj{"type": "integer"}, "pages": obj{"type": "integer"},
			"items": obj{"type": "array", "items": obj{"type": "object", "required": []string{"id", "title", "sku_id", "price", "unit", "moq"}, "properties": obj{
				"id": str, "title": str, "brand": str, "category_id": str, "supplier_id": str, "supplier_name": str,
				"supplier_level": obj{"type": "integer"}, "bao": obj{"type": "boolean"}, "zhu": obj{"type": "boolean"},
				"sku_id": str, "sku_code": str, "spec": obj{"type": "array", "items": obj{"type": "object"}, "description": "the matching variant's sales-attribute values"},
				"price": obj{"type": "string", "description": "the variant's first-tier unit price in yuan"}, "min_price": obj{"type": "string", "description": "lowest unit price among the product's matching variants"},
				"unit": str, "moq": obj{"type": "integer"}, "stock": obj{"type": "integer"}, "matching_variants": obj{"type": "integer"},
			}}},
			"facets": obj{"type": "array", "items": obj{"type": "object", "required": []string{"key", "name", "kind", "values"}, "properties": obj{
				"key":  obj{"type": "string", "description": "the query parameter the values go in: category → cat, a.<code>, n.<code>, brand, supplier, level, badge, price"},
				"name": str, "kind": obj{"type": "string", "enum": []string{"category", "list", "numeric", "price"}}, "unit": str,
				"values": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"value": str, "label": str, "count": obj{"type": "integer"}, "selected": obj{"type": "boolean"}}}},
			}}},
			"understood":   obj{"type": "array", "items": obj{"type": "object", "properties": obj{"code": str, "name": str, "value": str, "text": str}}, "description": "specs in q read as parameter filters"},
			"dropped":      obj{"type": "array", "items": str, "description": "query words left out because nothing matched them all"},
			"did_you_mean": str, "took_us": obj{"type": "integer"},
		}},
		"ProductList": obj{"type": "object", "required": []string{"total", "page", "pages", "items"}, "properties": obj{
			"total": obj{"type": "integer"}, "page": obj{"type": "integer"}, "pages": obj{"type": "integer"},
			"items": obj{"type": "array", "items": obj{"type": "object", "required": []string{"id", "title", "status", "category_id", "skus", "min_price", "updated_at"}, "properties": obj{
				"id": str, "title": str, "status": ref("ProductStatus"), "status_reason": str, "category_id": str, "category_name_zh": str, "category_name_en": str,
				"skus": obj{"type": "integer"}, "min_price": obj{"type": "string", "description": "lowest unit price in yuan"}, "updated_at": ts,
			}}},
		}},
		"ProductStatus": obj{"type": "string", "enum": []string{"draft", "submitted", "on_sale", "off_sale", "banned"}},
		"ProductInput": obj{"type": "object", "additionalProperties": false, "required": []string{"category_id", "name", "skus"},
			"description": "Numbers are strings, as the product form sends them, so prices are never floats. Errors name fields as the catalogue does: category, brand, name, attr.{code}, skus, skus[i].code, skus[i].spec.{code}, skus[i].moq, skus[i].tiers[j].qty, skus[i].tiers[j].price…",
			"properties": obj{
				"version":     obj{"type": "integer", "description": "updates: the version the product was read at; a stale version is refused (409)"},
				"category_id": obj{"type": "string", "description": "a leaf category; errors name it category"},
				"brand":       obj{"type": "string", "description": "an existing brand's name, or empty"},
				"name":        str, "model": str,
				"title":       obj{"type": "string", "description": "empty builds one from brand, attributes and name"},
				"description": str,
				"attrs":       obj{"type": "object", "additionalProperties": str, "description": "common parameters by template code, e.g. {\"grade\": \"8.8级\"}"},
				"skus": obj{"type": "array", "description": "blank rows are skipped, indexes kept", "items": obj{"type": "object", "additionalProperties": false, "properties": obj{
					"id":         obj{"type": "string", "description": "updates: the SKU edited (rows also match by code)"},
					"code":       str,
					"spec":       obj{"type": "object", "additionalProperties": str, "description": "sales-attribute values by template code"},
					"unit":       obj{"type": "string", "description": "unit of sale: 件, 盒, 千件, 米…"},
					"moq":        obj{"type": "string", "description": "whole number; empty takes the first tier's quantity"},
					"multiple":   obj{"type": "string", "description": "whole number; empty is 1"},
					"stock":      obj{"type": "string", "description": "whole number"},
					"weight_g":   obj{"type": "string", "description": "whole number of grams"},
					"volume_cm3": obj{"type": "string", "description": "whole number of cubic centimetres"},
					"tiers": obj{"type": "array", "description": "quantities rising, prices never rising", "items": obj{"type": "object", "additionalProperties": false, "properties": obj{
						"qty": obj{"type": "string", "description": "from this many units on"}, "price": obj{"type": "string", "description": "yuan a unit, up to four decimals, e.g. \"0.0125\""},
					}}},
				}}},
				"publish": obj{"type": "boolean", "description": "put it on sale (or to review); it must then be complete"},
			}},
		"Product": obj{"type": "object", "required": []string{"id", "category_id", "name", "title", "status", "version", "attrs", "skus"}, "properties": obj{
			"id": str, "supplier_id": str, "category_id": str, "category_name_zh": str, "category_name_en": str, "brand": str, "name": str, "model": str,
			"title": str, "description": str, "status": ref("ProductStatus"), "status_reason": obj{"type": "string", "description": "why it is banned or was sent back"},
			"version": obj{"type": "integer", "description": "send it back with an update"},
			"attrs":   obj{"type": "object", "additionalProperties": str},
			"skus": obj{"type": "array", "items": obj{"type": "object", "required": []string{"id", "code", "spec", "unit", "moq", "multiple", "stock", "price", "tiers"}, "properties": obj{
				"id": str, "code": str, "spec": obj{"type": "object", "additionalProperties": str}, "unit": str,
				"moq": obj{"type": "integer"}, "multiple": obj{"type": "integer"}, "stock": obj{"type": "integer"}, "weight_g": obj{"type": "integer"},
				"volume_cm3": obj{"type": "integer", "description": "cubic centimetres"},
				"price":      obj{"type": "string", "description": "first-tier unit price in yuan"},
				"tiers":      obj{"type": "array", "items": obj{"type": "object", "required": []string{"qty", "price"}, "properties": obj{"qty": obj{"type": "integer"}, "price": obj{"type": "string", "description": "yuan a unit"}}}},
			}}},
			"created_at": ts, "updated_at": ts,
		}},
		"ModerateInput": obj{"type": "object", "additionalProperties": false, "required": []string{"action"}, "properties": obj{
			"action": obj{"type": "string", "enum": []string{"approve", "reject", "ban", "unban"}},
			"reason": obj{"type": "string", "description": "required to reject or ban; shown to the supplier"},
		}},
	}
}
