package i18n_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/i18n"
)

// TestCataloguesComplete: both languages have the same keys, no empty message, and every
// key the templates and the Go code name exists.
func TestCataloguesComplete(t *testing.T) {
	zh, en := i18n.Keys(i18n.ZH), i18n.Keys(i18n.EN)
	if strings.Join(zh, ",") != strings.Join(en, ",") {
		t.Fatalf("zh-CN and en catalogues differ")
	}
	for _, k := range zh {
		if i18n.T(i18n.ZH, k) == "" || i18n.T(i18n.EN, k) == "" {
			t.Errorf("empty message %s", k)
		}
	}
	tmplKey := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	goKey := regexp.MustCompile(`"((?:err|account|staff|register|login|nav|role|orgkind)\.[a-z0-9_]+)"`)
	used := map[string]string{}
	filepath.Walk("..", func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		var re *regexp.Regexp
		switch {
		case strings.HasSuffix(p, ".html"):
			re = tmplKey
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			re = goKey
		default:
			return nil
		}
		b, _ := os.ReadFile(p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use; is the walk broken?", len(used))
	}
	for k, p := range used {
		// Audit action names share the dotted form but are not messages.
		if strings.HasPrefix(k, "login.") && !strings.HasPrefix(k, "login.title") && !strings.HasPrefix(k, "login.submit") && !strings.HasPrefix(k, "login.no_account") {
			continue
		}
		if !i18n.Has(i18n.ZH, k) {
			t.Errorf("%s uses %q, missing from the catalogues", p, k)
		}
	}
}

func TestParseAndSubstitute(t *testing.T) {
	cases := map[string]i18n.Lang{"": i18n.ZH, "en-US,en;q=0.9": i18n.EN, "zh-TW": i18n.ZH, "fr, en;q=0.5": i18n.EN, "de": i18n.ZH}
	for in, want := range cases {
		if got := i18n.Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
	if got := i18n.T(i18n.EN, "err.too_long", 40); got != "At most 40 characters." {
		t.Errorf("substitution: %q", got)
	}
	if got := i18n.T(i18n.EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
}
