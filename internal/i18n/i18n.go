// Package i18n translates message keys into the user's language. zh-CN is the primary
// language and the fallback; English is second. Messages live in embedded JSON files, one
// per language, with {0}, {1}… standing for arguments.
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

//go:embed locales/*.json
var files embed.FS

var catalogs = map[Lang]map[string]string{}

func init() {
	for _, l := range Langs {
		b, err := files.ReadFile("locales/" + string(l) + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", l, err))
		}
		catalogs[l] = m
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
