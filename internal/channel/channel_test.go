package channel

import (
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/search"
)

func TestParseRules(t *testing.T) {
	r, err := ParseRules(`{"sales": 12, "campaign": 50}`)
	if err != nil || r.Sales != 12 || r.Campaign != 50 || r.Level != search.DefaultRules.Level {
		t.Errorf("partial rules: %+v %v", r, err)
	}
	for _, bad := range []string{`{"sales": 10,`, `{"sales": "x"}`, `{"bogus": 1}`, `{"penalty": 5}`, `{"sales": -1}`, `{} {}`, ``} {
		r, err := ParseRules(bad)
		if err == nil {
			t.Errorf("%q: no error", bad)
		}
		if r != search.DefaultRules {
			t.Errorf("%q: not the defaults: %+v", bad, r)
		}
	}
	for _, f := range RuleFields {
		if d := f.Default(); d < f.Min || d > f.Max {
			t.Errorf("default %s = %v outside its own range", f.Key, d)
		}
	}
}

func TestProductRefsAndSynonymTerms(t *testing.T) {
	got := ProductRefs("https://x.cn/p/0192ABCD-0000-7000-8000-000000000001?s=1\n0192abcd-0000-7000-8000-000000000002, /p/0192abcd-0000-7000-8000-000000000001/")
	if strings.Join(got, " ") != "0192abcd-0000-7000-8000-000000000001 0192abcd-0000-7000-8000-000000000002" {
		t.Errorf("refs: %q", got)
	}
	if got := SynonymTerms("螺丝、螺钉, Screw |螺丝"); strings.Join(got, "|") != "螺丝|螺钉|screw" {
		t.Errorf("terms: %q", got)
	}
}

func TestVisibleAndLinks(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, Shanghai)
	m := Module{Start: at, End: at.Add(time.Hour)}
	for _, c := range []struct {
		t    time.Time
		want bool
	}{{at.Add(-time.Second), false}, {at, true}, {at.Add(59 * time.Minute), true}, {at.Add(time.Hour), false}} {
		if m.Visible(c.t) != c.want {
			t.Errorf("visible at %v: want %v", c.t, c.want)
		}
	}
	if !(Module{}).Visible(at) {
		t.Error("an unscheduled module must show")
	}
	for link, ok := range map[string]bool{"/c/fasteners": true, "https://example.cn/a": true, "//evil.example": false, "javascript:alert(1)": false,
		"data:text/html,x": false, "/a b": false, "http://": false} {
		if safeLink(link) != ok {
			t.Errorf("safeLink(%q) = %v", link, !ok)
		}
	}
	if tm, ok := ParseLocal("2026-12-01T09:00"); !ok || !tm.Equal(time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseLocal: %v %v", tm, ok)
	}
	if _, ok := ParseLocal("2026-13-01T09:00"); ok {
		t.Error("month 13 accepted")
	}
}
