package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/api"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// TestOpenAPIMatchesRoutes holds the served document against the routes the mux really
// serves: every documented operation resolves to exactly its pattern, every path
// parameter is declared, every $ref resolves, and nothing is served undocumented.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := api.New(api.Deps{})
	mux := http.NewServeMux()
	a.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	info := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] == "" {
		t.Fatal("info lacks title or version")
	}
	// Every $ref resolves.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if resolve(doc, ref) == nil {
					t.Errorf("unresolved $ref %s", ref)
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)

	paramRe := regexp.MustCompile(`\{([a-z_]+)\}`)
	var documented []string
	ids := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, raw := range item.(map[string]any) {
			op := raw.(map[string]any)
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: missing or duplicate operationId %q", method, path, id)
			}
			ids[id] = true
			if _, ok := op["responses"].(map[string]any); !ok {
				t.Errorf("%s %s: no responses", method, path)
			}
			declared := map[string]bool{}
			for _, p := range op["parameters"].([]any) {
				pm := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					pm = resolve(doc, ref).(map[string]any)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
					if pm["required"] != true {
						t.Errorf("%s %s: path parameter %v not required", method, path, pm["name"])
					}
				}
			}
			concrete := path
			for _, m := range paramRe.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s undeclared", method, path, m[1])
				}
				concrete = strings.Replace(concrete, m[0], "01900000-0000-7000-8000-000000000000", 1)
			}
			M := strings.ToUpper(method)
			_, pattern := mux.Handler(httptest.NewRequest(M, concrete, nil))
			if pattern != M+" "+path {
				t.Errorf("documented %s %s is served by %q", M, path, pattern)
			}
			documented = append(documented, M+" "+path)
		}
	}
	var served []string
	for _, rt := range a.Routes() {
		served = append(served, rt.Method+" "+rt.Path)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Errorf("documented:\n%s\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
}

// TestOpenAPISKUFields holds the documented SKU properties, in and out, to the JSON the
// API really reads and writes: a field added to one (volume_cm3 beside weight_g) must be
// added to the other.
func TestOpenAPISKUFields(t *testing.T) {
	a := api.New(api.Deps{})
	mux := http.NewServeMux()
	a.Register(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	tags := func(v any) []string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			out = append(out, strings.Split(rt.Field(i).Tag.Get("json"), ",")[0])
		}
		sort.Strings(out)
		return out
	}
	for _, c := range []struct {
		ref  string
		want []string
	}{
		{"#/components/schemas/ProductInput/properties/skus/items/properties", tags(api.SKUInput{})},
		{"#/components/schemas/Product/properties/skus/items/properties", tags(api.SKU{})},
	} {
		props, ok := resolve(doc, c.ref).(map[string]any)
		if !ok {
			t.Fatalf("%s: not found", c.ref)
		}
		var got []string
		for k := range props {
			got = append(got, k)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s documents %v, the JSON has %v", c.ref, got, c.want)
		}
		if !slices.Contains(got, "volume_cm3") || !slices.Contains(got, "weight_g") {
			t.Errorf("%s lacks weight_g or volume_cm3: %v", c.ref, got)
		}
	}
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

type sample struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Tags  []string
}

// FuzzDecode: any body decodes or fails as the user's error with a 4xx code — never a
// panic, never an internal error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x","count":1}`, `{"name":`, `[]`, `{"count":"1"}`, `{"nope":1}`, `{} {}`, "\x00", `{"name":"\ud800"}`, `{"count":1e400}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		var v sample
		err := api.Decode(httptest.NewRecorder(), r, &v)
		if err != nil {
			switch errs.CodeOf(err) {
			case errs.Invalid, errs.TooLarge, errs.Unsupported:
			default:
				t.Fatalf("decode error %v has code %s", err, errs.CodeOf(err))
			}
		}
	})
}
