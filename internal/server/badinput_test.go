package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// badCase is one hostile request body for a route.
type badCase struct {
	name  string
	body  string
	field string // the field the 4xx must name; "" for the body as a whole
	odd   bool   // a well-formed body with an odd string: a 2xx is allowed, a 5xx is not
}

// oddStrings are strings no field should choke on: NUL, a right-to-left override, a lone
// surrogate (as a JSON escape), injection attempts and a very long line.
var oddStrings = []struct{ name, json string }{
	{"NUL", `"a\u0000b"`},
	{"RTL override", `"\u202etxt.exe"`},
	{"lone surrogate", `"\ud800"`},
	{"SQL injection", `"x' OR '1'='1'; DROP TABLE orders; --"`},
	{"script", `"<script>alert(1)</script>"`},
	{"template", `"{{.}}${7*7}%s%n"`},
	{"long", `"` + strings.Repeat("长", 20000) + `"`},
}

// badCases builds the hostile bodies for a request schema: malformed JSON, the wrong JSON
// type for the body and for each property, a 2 MiB body, and odd strings in each string
// property.
func badCases(schema map[string]any, schemas map[string]any) []badCase {
	cs := []badCase{
		{name: "malformed", body: `{"a":`},
		{name: "not JSON", body: `<xml/>`},
		{name: "array body", body: `[1,2]`},
		{name: "string body", body: `"x"`},
		{name: "number body", body: `42`},
		{name: "trailing data", body: `{} {}`},
		{name: "2 MiB", body: `{"pad":"` + strings.Repeat("a", 2<<20) + `"}`},
	}
	props, _ := schema["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		if r, ok := p["$ref"].(string); ok {
			p, _ = schemas[strings.TrimPrefix(r, "#/components/schemas/")].(map[string]any)
		}
		wrong := `12345`
		switch p["type"] {
		case "integer", "number":
			wrong = `"twelve"`
		case "boolean":
			wrong = `"yes"`
		case "array":
			wrong = `{"a":1}`
		case "object":
			wrong = `[1]`
		case "string":
			for _, s := range oddStrings {
				// A NUL is refused everywhere (PostgreSQL cannot store it); the rest
				// may be kept as sent.
				cs = append(cs, badCase{name: n + " " + s.name, body: fmt.Sprintf(`{%q:%s}`, n, s.json), field: n, odd: s.name != "NUL"})
			}
		}
		cs = append(cs, badCase{name: n + " wrong type", body: fmt.Sprintf(`{%q:%s}`, n, wrong), field: n})
	}
	return cs
}

// TestBadInputEverywhere is RELIABILITY 14: every write route of the JSON API, walked from
// the OpenAPI document, gets malformed JSON, wrong types, a 2 MiB body, odd Unicode and
// injection strings, as a buyer, a supplier and a staff member. Never a 5xx; a refusal
// is a 4xx that names the field (or the body); a refused request stores nothing.
func TestBadInputEverywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("walks every write route: skipped in -short")
	}
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		var spec struct {
			Paths      map[string]map[string]map[string]any `json:"paths"`
			Components struct {
				Schemas map[string]any `json:"schemas"`
			} `json:"components"`
		}
		res := e.NewClient().Get("/api/v1/openapi.json")
		if err := json.Unmarshal([]byte(res.Body), &spec); err != nil {
			t.Fatal(err)
		}
		tables := tableNames(t, d)
		callers := []struct {
			name string
			c    *servertest.Client
		}{{"buyer", e.Login("buyera")}, {"supplier", e.Login("supplierx")}, {"staff", e.Login("admin")}}
		param := regexp.MustCompile(`\{[^}]+\}`)
		paths := make([]string, 0, len(spec.Paths))
		for p := range spec.Paths {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		routes, requests := 0, 0
		for _, path := range paths {
			for method, op := range spec.Paths[path] {
				method = strings.ToUpper(method)
				if method == http.MethodGet || method == http.MethodHead {
					continue
				}
				routes++
				var schema map[string]any
				if rb, ok := op["requestBody"].(map[string]any); ok {
					ref, _ := rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["$ref"].(string)
					schema, _ = spec.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
				}
				cases := badCases(schema, spec.Components.Schemas)
				if schema == nil {
					cases = cases[:1] // no body expected: garbage must not matter
				}
				// Path parameters: an ID that exists nowhere, and a hostile one.
				for _, id := range []string{db.NewID(), "..%2F..%2Fetc%2Fpasswd"} {
					url := param.ReplaceAllString(path, id)
					for _, who := range callers {
						before := rowCounts(t, d, tables)
						stored := false
						for _, c := range cases {
							requests++
							res := who.c.Do(method, url, "application/json", c.body)
							where := fmt.Sprintf("%s %s as %s, %s", method, url, who.name, c.name)
							switch {
							case res.StatusCode >= 500:
								t.Errorf("%s: %d %s", where, res.StatusCode, clip(res.Body))
							case res.StatusCode < 400:
								if !c.odd && schema != nil {
									t.Errorf("%s: accepted with %d %s", where, res.StatusCode, clip(res.Body))
								}
								stored = true
							case (res.StatusCode == 400 || res.StatusCode == 422) && c.field != "" && !c.odd:
								if !strings.Contains(res.Body, `"`+c.field) {
									t.Errorf("%s: %d does not name %q: %s", where, res.StatusCode, c.field, clip(res.Body))
								}
							}
							if res.StatusCode >= 400 && !strings.HasPrefix(strings.TrimSpace(res.Body), `{"error"`) {
								t.Errorf("%s: %d without a JSON error: %s", where, res.StatusCode, clip(res.Body))
							}
						}
						if !stored {
							if after := rowCounts(t, d, tables); after != before {
								t.Errorf("%s %s as %s: refused requests changed the rows: %s", method, url, who.name, diffCounts(before, after))
							}
						}
					}
				}
			}
		}
		if routes < 40 {
			t.Fatalf("only %d write routes in the OpenAPI document", routes)
		}
		t.Logf("%d write routes, %d requests", routes, requests)
	})
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// tableNames lists the application's tables.
func tableNames(t *testing.T, d *db.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if d.Engine == db.Postgres {
		q = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`
	}
	rows, err := d.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		// Sessions and request logs change on every request, refused or not.
		if n == "sessions" || strings.HasSuffix(n, "_log") && n != "audit_log" || strings.Contains(n, "fts") {
			continue
		}
		out = append(out, n)
	}
	return out
}

// rowCounts returns "table=n …" for tables, in one statement.
func rowCounts(t *testing.T, d *db.DB, tables []string) string {
	t.Helper()
	parts := make([]string, len(tables))
	for i, n := range tables {
		parts[i] = fmt.Sprintf(`SELECT '%s' AS t, COUNT(*) AS n FROM %s`, n, n)
	}
	rows, err := d.Query(context.Background(), strings.Join(parts, " UNION ALL "))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var n string
		var c int64
		if err := rows.Scan(&n, &c); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s=%d ", n, c)
	}
	return b.String()
}

func diffCounts(before, after string) string {
	b, a := strings.Fields(before), strings.Fields(after)
	var out []string
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			out = append(out, b[i]+" → "+a[i])
		}
	}
	return strings.Join(out, ", ")
}

// TestOddStringsInValidBodies: odd strings inside otherwise valid bodies, where they reach
// the database. Each is refused with a 4xx naming the field, or kept exactly as sent.
func TestOddStringsInValidBodies(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		b := e.Login("buyera")
		for _, field := range []string{"label", "consignee", "street"} {
			for _, s := range oddStrings {
				body := map[string]any{"label": "总部", "consignee": "王建国", "mobile": "13862018826", "division_code": "320505", "street": "金山路 188 号", "postcode": "215011"}
				raw, _ := json.Marshal(body)
				// The odd value goes in as the JSON text itself (a lone surrogate cannot be
				// marshalled from a Go string).
				var m map[string]json.RawMessage
				_ = json.Unmarshal(raw, &m)
				m[field] = json.RawMessage(s.json)
				raw, _ = json.Marshal(m)
				res := b.JSON("POST", "/api/v1/buyer/addresses", string(raw))
				where := fmt.Sprintf("address %s = %s", field, s.name)
				switch {
				case res.StatusCode >= 500:
					t.Errorf("%s: %d %s", where, res.StatusCode, clip(res.Body))
				case res.StatusCode >= 400:
					if !strings.Contains(res.Body, `"`+field+`"`) {
						t.Errorf("%s: %d does not name the field: %s", where, res.StatusCode, clip(res.Body))
					}
				default:
					var want string
					_ = json.Unmarshal([]byte(s.json), &want)
					var got map[string]any
					_ = json.Unmarshal([]byte(res.Body), &got)
					id, _ := got["id"].(string)
					again := b.Get("/api/v1/buyer/addresses/" + id)
					var stored map[string]any
					_ = json.Unmarshal([]byte(again.Body), &stored)
					if stored[field] != strings.TrimSpace(want) && stored[field] != want {
						t.Errorf("%s: kept as %q", where, clip(fmt.Sprint(stored[field])))
					}
					b.Do("DELETE", "/api/v1/buyer/addresses/"+id, "", "")
				}
			}
		}
	})
}
