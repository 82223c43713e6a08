// Package i18n translates message keys into the user's language. zh-CN is the primary
// language and the fallback; English is second. Messages live in embedded JSON files under
// locales/<lang>/, one file per area of the product (core.json, supplier.json…), merged at
// start; {0}, {1}… stand for arguments. A key defined twice is a start-up error.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
)

// Lang is a supported language tag.
type Lang string

// The supported languages, the first being the default.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// Langs lists the supported languages, default first.
var Langs = []Lang{ZH, EN}

//go:embed locales
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		dir := "locales/" + string(l)
		entries, err := files.ReadDir(dir)
		if err != nil {
			panic(err)
		}
		all := map[string]string{}
		for _, e := range entries {
			b, err := files.ReadFile(dir + "/" + e.Name())
			if err != nil {
				panic(err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				panic(fmt.Sprintf("i18n: %s/%s: %v", l, e.Name(), err))
			}
			for k, v := range m {
				if _, dup := all[k]; dup {
					panic(fmt.Sprintf("i18n: %s: key %q defined twice", l, k))
				}
				all[k] = v
			}
		}
		catalogs[l] = all
	}
}

// Parse returns the supported language named by s (a cookie value or an Accept-Language
// header), or ZH.
func Parse(s string) Lang {
	for _, part := range strings.Split(s, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "":
			continue
		case strings.HasPrefix(tag, "zh"):
			return ZH
		case strings.HasPrefix(tag, "en"):
			return EN
		}
	}
	return ZH
}

// T translates key into lang, substituting args for {0}, {1}…; an unknown key falls back
// to zh-CN and then to the key itself.
func T(lang Lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs[ZH][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	for i, a := range args {
		if m, ok := a.(errs.Msg); ok {
			a = T(lang, m.Key, m.Args...)
		}
		s = strings.ReplaceAll(s, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return s
}

// Msg translates a message.
func Msg(lang Lang, m errs.Msg) string { return T(lang, m.Key, m.Args...) }

// Has reports whether key exists in lang's catalogue.
func Has(lang Lang, key string) bool { _, ok := catalogs[lang][key]; return ok }

// Keys lists lang's keys, sorted.
func Keys(lang Lang) []string {
	out := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
