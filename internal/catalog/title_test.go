package catalog_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/catalog"
)

func vals(texts ...string) []catalog.Value {
	var out []catalog.Value
	for i, t := range texts {
		out = append(out, catalog.Value{Code: string(rune('a' + i)), Text: t})
	}
	return out
}

func TestBuildTitle(t *testing.T) {
	for _, c := range []struct {
		brand string
		hot   []string
		attrs []catalog.Value
		name  string
		want  string
	}{
		{"固特牢", nil, vals("M8×40", "8.8级", "镀锌"), "外六角螺栓", "固特牢 M8×40 8.8级 镀锌 外六角螺栓"},
		{"固特牢", []string{"高强度", "国标"}, vals("8.8级"), "外六角螺栓", "固特牢 高强度 国标 8.8级 外六角螺栓"},
		// Hot terms beyond MaxHotTerms, repeats and words inside the name are left out.
		{"恒钜", []string{"球阀", "不锈钢", "不锈钢", "304", "DN25", "高压"}, vals("304", "是", "DN25", ""), "不锈钢球阀", "恒钜 304 DN25 高压 不锈钢球阀"},
		// No brand: the title starts with what there is.
		{"", nil, vals("6205-2RS"), "深沟球轴承", "6205-2RS 深沟球轴承"},
		{"  ", nil, nil, "  深沟球轴承 ", "深沟球轴承"},
	} {
		if got := catalog.BuildTitle(c.brand, c.hot, c.attrs, c.name); got != c.want {
			t.Errorf("BuildTitle(%q, %q, …, %q) = %q, want %q", c.brand, c.hot, c.name, got, c.want)
		}
	}
	// Too long: attribute words go first, then hot terms; brand and name stay.
	long := vals(strings.Repeat("长", 20), strings.Repeat("宽", 20), strings.Repeat("高", 20))
	got := catalog.BuildTitle("固特牢", []string{strings.Repeat("热", 15)}, long, "外六角螺栓")
	if utf8.RuneCountInString(got) > catalog.TitleMaxRunes || !strings.HasPrefix(got, "固特牢 ") || !strings.HasSuffix(got, " 外六角螺栓") {
		t.Fatalf("long title %q (%d)", got, utf8.RuneCountInString(got))
	}
	if !strings.Contains(got, strings.Repeat("长", 20)) || strings.Contains(got, "宽") {
		t.Fatalf("long title dropped the wrong words: %q", got)
	}
	// A built title passes the checker (with attribute words present).
	title := catalog.BuildTitle("固特牢", []string{"高强度"}, vals("M8", "8.8级"), "外六角螺栓")
	if issues := catalog.CheckTitle(title, "固特牢", "外六角螺栓", []string{"高强度"}); len(issues) != 0 {
		t.Fatalf("built title %q has issues %+v", title, issues)
	}
}

func codes(is []catalog.TitleIssue) string {
	var out []string
	for _, i := range is {
		s := i.Code
		if i.Arg != "" {
			s += ":" + i.Arg
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestCheckTitle(t *testing.T) {
	hot := []string{"高强度", "国标", "现货", "包邮", "厂家直销"}
	for _, c := range []struct {
		title, brand, name string
		hot                []string
		want               string
	}{
		{"固特牢 M8×40 8.8级 外六角螺栓", "固特牢", "外六角螺栓", nil, ""},
		{"固特牢 高强度 M8 外六角螺栓", "固特牢", "外六角螺栓", hot, ""},
		{"M8×40 8.8级 外六角螺栓", "固特牢", "外六角螺栓", nil, "no_brand:固特牢"},
		{"固特牢 M8×40 8.8级", "固特牢", "外六角螺栓", nil, "no_name:外六角螺栓"},
		{"固特牢 外六角螺栓", "固特牢", "外六角螺栓", nil, "no_attrs"},
		{"固特牢 高强度 国标 外六角螺栓", "固特牢", "外六角螺栓", hot, "no_attrs"},
		{"固特牢外六角螺栓", "固特牢", "外六角螺栓", nil, "no_attrs"},
		// Case and full width do not hide a brand.
		{"ＳＫＦ 6205 深沟球轴承", "skf", "深沟球轴承", nil, ""},
		{"固特牢 M8 螺栓 螺栓 外六角螺栓", "固特牢", "外六角螺栓", nil, "repeated:螺栓"},
		{"固特牢 M8 外六角螺栓外六角螺栓", "固特牢", "外六角螺栓", nil, "repeated:外六角螺栓"},
		{"固特牢 高强度 国标 现货 包邮 M8 外六角螺栓", "固特牢", "外六角螺栓", hot, "too_many_hot:4"},
		{"固特牢 M8 高强度 外六角螺栓 高强度", "固特牢", "外六角螺栓", hot, "repeated:高强度"},
		{"固特牢 " + strings.Repeat("长", 60) + " 外六角螺栓", "固特牢", "外六角螺栓", nil, "too_long:70"},
		{"", "", "", nil, "no_brand no_name no_attrs"},
		{"M8 外六角螺栓", "", "外六角螺栓", nil, "no_brand"},
	} {
		if got := codes(catalog.CheckTitle(c.title, c.brand, c.name, c.hot)); got != c.want {
			t.Errorf("CheckTitle(%q) = %q, want %q", c.title, got, c.want)
		}
	}
	if k := (catalog.TitleIssue{Code: catalog.TitleRepeated}).Key(); k != "product.edit.title_repeated" {
		t.Fatalf("key %s", k)
	}
}
