package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/seo"
)

//go:embed templates
var templateFS embed.FS

// Site is what every page shows of the site itself.
type Site struct {
	Name string
	// The platform's receiving account for corporate transfers.
	BankAccountName, BankName, BankAccount, BankCNAPS string
	ICP                                               string
	PSB                                               string
	PublicURL                                         string
	// BaiduVerification is the 百度搜索资源平台 site-verification code for the home page.
	BaiduVerification string
}

// Page is the data every template receives: the page's own data sits in Data.
type Page struct {
	Title      string
	Lang       i18n.Lang
	P          *identity.Principal
	Site       Site
	Area       string // "", "buyer", "seller", "admin"
	Nav        string // the active navigation item
	Categories []catalog.Category
	Query      string
	Path       string
	Flash      string
	Unread     int64 // the signed-in organisation's unread messages (the header's bell)
	Form       *Form
	Data       any
	// SEO is what the head tells search engines (seo.go); nil takes the defaults.
	SEO    *seo.Meta
	base   string // the site's absolute origin, for canonical links
	assets *Assets
}

// T translates a message key into the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// Asset returns an asset's hashed URL.
func (p *Page) Asset(name string) string { return p.assets.URL(name) }

// Can reports whether the caller holds any of the named roles in its organisation.
func (p *Page) Can(roles ...string) bool {
	for _, r := range roles {
		if p.P.Has(identity.Role(r)) {
			return true
		}
	}
	return false
}

// IsZH reports whether the page is in Chinese.
func (p *Page) IsZH() bool { return p.Lang == i18n.ZH }

// Roots returns the top-level categories.
func (p *Page) Roots() []catalog.Category {
	var out []catalog.Category
	for _, c := range p.Categories {
		if c.ParentID == "" {
			out = append(out, c)
		}
	}
	return out
}

// Children returns a category's direct children.
func (p *Page) Children(id string) []catalog.Category {
	var out []catalog.Category
	for _, c := range p.Categories {
		if c.ParentID == id {
			out = append(out, c)
		}
	}
	return out
}

// CatName is a category's name in the page's language.
func (p *Page) CatName(c catalog.Category) string {
	if p.Lang == i18n.EN && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameZH
}

// V returns the submitted value of a field when the page re-shows a form, else def.
func (p *Page) V(name, def string) string {
	if p.Form != nil && p.Form.Values != nil {
		return p.Form.Values.Get(name)
	}
	return def
}

// Checked reports whether value is chosen for a multi-value field: from the submitted
// form when the page re-shows one, else from stored.
func (p *Page) Checked(name, value string, stored []string) bool {
	list := stored
	if p.Form != nil && p.Form.Values != nil {
		list = p.Form.Values[name]
	}
	for _, s := range list {
		if s == value {
			return true
		}
	}
	return false
}

// Form carries submitted values and per-field errors back to a form.
type Form struct {
	Values url.Values
	Errors map[string]string
	Error  string // a message for the whole form
}

// Value returns a submitted value.
func (f *Form) Value(name string) string {
	if f == nil || f.Values == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Err returns the message for a field.
func (f *Form) Err(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// formFromError turns a domain error into form messages in lang; it reports false for
// errors that are not the user's to fix.
func formFromError(lang i18n.Lang, values url.Values, err error) (*Form, bool) {
	e := errs.As(err)
	if e == nil || e.Code == errs.Internal {
		return nil, false
	}
	f := &Form{Values: values, Errors: map[string]string{}}
	for _, fe := range e.Fields {
		if fe.Field == "" {
			f.Error = i18n.Msg(lang, fe.Msg)
			continue
		}
		f.Errors[fe.Field] = i18n.Msg(lang, fe.Msg)
	}
	if len(e.Fields) == 0 {
		f.Error = i18n.Msg(lang, e.Msg)
	} else if f.Error == "" {
		f.Error = i18n.T(lang, "err.form_has_errors")
	}
	return f, true
}

var funcs = template.FuncMap{
	// pct formats basis points as a percentage.
	"pct": func(v any) string { bp := toInt(v); return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) },
	// yuan formats fen as ¥1,234.50.
	"yuan": func(v any) string { return money.FormatYuan(money.Fen(toInt(v))) },
	// price formats a unit price in 0.0001 yuan, keeping at least two decimals.
	"price": priceText,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(shanghai).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(shanghai).Format("2006-01-02 15:04:05")
	},
	"num":     func(n int64) string { return groupDigits(n) },
	"role":    func(p *Page, r identity.Role) string { return p.T("role." + string(r)) },
	"orgkind": func(p *Page, k identity.OrgKind) string { return p.T("orgkind." + string(k)) },
	"chain":   func(c []string) string { return strings.Join(c, " > ") },
	"in":      func(v string, list []string) bool { return slices.Contains(list, v) },
	"int64":   func(n int) int64 { return int64(n) },
	"inc":     func(n int) int { return n + 1 },
	"join":    strings.Join,
}

// priceText formats a unit price in 0.0001 yuan, keeping at least two decimals.
func priceText(p int64) string {
	s := fmt.Sprintf("%d.%04d", p/10000, abs(p%10000))
	s = strings.TrimRight(s, "0")
	if i := strings.IndexByte(s, '.'); len(s)-i < 3 {
		s += strings.Repeat("0", 3-(len(s)-i))
	}
	return "¥" + s
}

var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// toInt reads any integer kind (int64, money.Fen…) for the template functions.
func toInt(v any) int64 {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint())
	}
	panic(fmt.Sprintf("web: %T is not an integer", v))
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func groupDigits(n int64) string {
	s := fmt.Sprint(abs(n))
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Templates holds one parsed template set per page, each joined with the layout and the
// partials, parsed once at start.
type Templates struct {
	pages map[string]*template.Template
}

func loadTemplates() (*Templates, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	t := &Templates{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templateFS, "templates/pages", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		c, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := c.ParseFS(templateFS, p); err != nil {
			return fmt.Errorf("web: parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/pages/"), ".html")
		t.pages[name] = c
		return nil
	})
	return t, err
}

// render writes a page with status, buffering so a template error never sends half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *Page) {
	t, ok := h.tmpl.pages[name]
	if !ok {
		panic("web: unknown page " + name)
	}
	h.fillPage(r, pg)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		slog.ErrorContext(r.Context(), "render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if slot := slotFrom(r.Context()); slot != nil && status == http.StatusOK {
		slot.body, slot.lang = buf.Bytes(), pg.Lang
	}
	writeHTML(w, r, status, pg.Lang, buf.Bytes())
}

func (h *Handler) fillPage(r *http.Request, pg *Page) {
	pg.Lang = httpx.LangFrom(r.Context())
	pg.P = httpx.PrincipalFrom(r.Context())
	pg.Site = h.site
	pg.assets = h.assets
	pg.Path = r.URL.Path
	pg.base = h.baseURL(r)
	if pg.Categories == nil {
		pg.Categories = h.categories(r.Context())
	}
	if pg.P != nil && h.Notify != nil {
		pg.Unread = h.Notify.Unread(r.Context(), pg.P)
	}
	if pg.Flash == "" && h.sessions != nil {
		pg.Flash = h.sessions.PopString(r.Context(), "flash")
	}
}

// fail renders an error page for err: user errors with their message, anything else as a
// generic 500 that is logged with the request ID.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := errs.CodeOf(err)
	status := httpx.Status(code)
	lang := httpx.LangFrom(r.Context())
	if code == errs.Unauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	msg := i18n.T(lang, "err.internal")
	if code == errs.Internal && httpx.ClientGone(r, err) {
		slog.InfoContext(r.Context(), "client went away", "path", r.URL.Path) // not a server failure
	} else if code == errs.Internal {
		slog.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
	} else if e := errs.As(err); e != nil {
		msg = i18n.Msg(lang, e.Msg)
	}
	h.render(w, r, status, "error", &Page{Title: fmt.Sprint(status), Data: errorPage{Status: status, Message: msg, RequestID: httpx.RequestID(r.Context())}})
}

type errorPage struct {
	Status    int
	Message   string
	RequestID string
}
