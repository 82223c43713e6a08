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
			"schemas": schemas(),
		},
	}
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
		"CategoryList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Category")}}},
		"Token": obj{"type": "object", "required": []string{"id", "name", "prefix", "created_at", "revoked"}, "properties": obj{
			"id": str, "name": str, "prefix": str, "created_at": ts, "expires_at": tsNull, "last_used_at": tsNull,
			"revoked": obj{"type": "boolean"}, "secret": obj{"type": "string", "description": "only in the creation response"},
		}},
		"TokenList": obj{"type": "object", "required": []string{"items"}, "properties": obj{"items": obj{"type": "array", "items": ref("Token")}}},
		"CreateTokenRequest": obj{"type": "object", "required": []string{"name"}, "additionalProperties": false, "properties": obj{
			"name":     obj{"type": "string", "minLength": 1, "maxLength": 60},
			"ttl_days": obj{"type": "integer", "minimum": 0, "maximum": 3650, "description": "0 for no expiry"},
		}},
	}
}
