package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

// channelVersion reads a channel's version for the next form post.
func channelVersion(t *testing.T, e *servertest.Env, id string) string {
	t.Helper()
	c, err := e.Store.Channel(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(c.Version, 10)
}

// addAnalyst gives the fixture an analyst (推广及数据分析组) and returns a client.
func addAnalyst(t *testing.T, e *servertest.Env) *servertest.Client {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	u := &identity.User{Username: "analyst", DisplayName: "analyst", PasswordHash: e.Users["ops"].PasswordHash, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
	if err := e.Store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := e.Store.AddRole(ctx, e.Orgs["platform"].ID, u.ID, identity.Analyst, now); err != nil {
		t.Fatal(err)
	}
	e.Users["analyst"] = u
	return e.Login("analyst")
}

func TestChannelConsoleAndPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ops := e.Login("ops")
		// Buyers and suppliers do not see the console; anonymous visitors sign in first.
		for _, who := range []string{"buyera", "supplierx"} {
			if res := e.Login(who).Get("/admin/channels"); res.StatusCode != 404 {
				t.Errorf("%s on /admin/channels: %d", who, res.StatusCode)
			}
		}
		if res := e.NewClient().Get("/admin/channels"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("anonymous: %d", res.StatusCode)
		}
		if res := e.Login("buyera").PostForm("/admin/channels", url.Values{"slug": {"x1"}, "title": {"偷偷建的频道"}}); res.StatusCode != 404 {
			t.Errorf("buyer creating a channel: %d", res.StatusCode)
		}
		// Per-field validation, in the user's language.
		res := ops.PostForm("/admin/channels", url.Values{"slug": {"Bad Slug!"}, "title": {"紧"}, "sort": {"x"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, "只能用小写字母") || !strings.Contains(res.Body, "至少 2 个字") || !strings.Contains(res.Body, "排序须为") {
			t.Fatalf("bad channel: %d %s", res.StatusCode, res.Body)
		}
		res = ops.PostForm("/admin/channels", url.Values{"slug": {"fasteners"}, "title": {"紧固件频道"}, "intro": {"螺栓螺母一站采购"}})
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create: %d %s", res.StatusCode, res.Body)
		}
		id := strings.TrimPrefix(res.Header.Get("Location"), "/admin/channels/")
		if res := ops.PostForm("/admin/channels", url.Values{"slug": {"fasteners"}, "title": {"另一个"}}); res.StatusCode != 409 || !strings.Contains(res.Body, "已被其他频道使用") {
			t.Errorf("duplicate slug: %d", res.StatusCode)
		}
		// Not published yet: buyers get 404; publishing without modules is refused.
		if res := e.NewClient().Get("/ch/fasteners"); res.StatusCode != 404 {
			t.Errorf("unpublished page: %d", res.StatusCode)
		}
		if res := ops.PostForm("/admin/channels/"+id+"/publish", url.Values{"version": {"1"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "至少需要一个模块") {
			t.Errorf("publishing an empty channel: %d", res.StatusCode)
		}
		// Modules: a shelf by search words, text with markup (escaped), a hot-terms strip.
		form := url.Values{"version": {"1"}, "new_kind": {"shelf"}, "then": {"save"}}
		if res := ops.PostForm("/admin/channels/"+id+"/modules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("add shelf: %d %s", res.StatusCode, res.Body)
		}
		c, _ := e.Store.Channel(t.Context(), id)
		shelfID := c.Draft[0].ID
		form = url.Values{"version": {channelVersion(t, e, id)},
			"modules[0].id": {shelfID}, "modules[0].kind": {"shelf"}, "modules[0].title": {"外六角螺栓"}, "modules[0].query": {"螺栓"}, "modules[0].count": {"99"},
			"modules[1].kind": {"richtext"}, "modules[1].title": {"选购指南"}, "modules[1].text": {"<script>alert(1)</script>\n\n第二段"},
			"modules[2].kind": {"hotterms"}, "modules[2].title": {"热搜"}, "modules[2].start": {"2026-13-01T09:00"},
			"modules[3].kind": {"banner"}, "modules[3].title": {"横幅"}, "modules[3].link": {"javascript:alert(1)"},
			"then": {"publish"}}
		res = ops.PostForm("/admin/channels/"+id+"/modules", form)
		if res.StatusCode != 422 || !strings.Contains(res.Body, "展示数量须为 1 到 24") || !strings.Contains(res.Body, "时间格式应为") || !strings.Contains(res.Body, "链接须为站内路径") {
			t.Fatalf("module validation: %d %s", res.StatusCode, res.Body)
		}
		form.Set("modules[0].count", "4")
		form.Set("modules[2].start", "")
		form.Set("modules[3].link", "/c/fasteners")
		// A banner without its picture and alt text saves as a draft but does not publish.
		res = ops.PostForm("/admin/channels/"+id+"/modules", form)
		if res.StatusCode != 422 || !strings.Contains(res.Body, "横幅需要一张图片") {
			t.Fatalf("publishing an incomplete banner: %d %s", res.StatusCode, res.Body)
		}
		form.Set("version", channelVersion(t, e, id))
		form.Set("modules[3].delete", "1")
		if res := ops.PostForm("/admin/channels/"+id+"/modules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
		}
		pub := e.NewClient().Get("/ch/fasteners")
		if pub.StatusCode != 200 || !strings.Contains(pub.Body, "supplierX 外六角螺栓 M8") || !strings.Contains(pub.Body, "第二段") {
			t.Fatalf("public page: %d %s", pub.StatusCode, pub.Body)
		}
		if strings.Contains(pub.Body, "<script>alert(1)") || !strings.Contains(pub.Body, "&lt;script&gt;") {
			t.Error("rich text must be escaped")
		}
		// The API reads a published channel.
		if res := e.NewClient().Get("/api/v1/channels/fasteners"); res.StatusCode != 200 || !strings.Contains(res.Body, `"slug":"fasteners"`) || !strings.Contains(res.Body, `"kind":"shelf"`) {
			t.Errorf("api: %d %s", res.StatusCode, res.Body)
		}
		// Analysts may look but not change.
		an := addAnalyst(t, e)
		if res := an.Get("/admin/channels/" + id); res.StatusCode != 200 {
			t.Errorf("analyst view: %d", res.StatusCode)
		}
		if res := an.PostForm("/admin/channels/"+id+"/unpublish", url.Values{"version": {channelVersion(t, e, id)}}); res.StatusCode != 404 {
			t.Errorf("analyst unpublish: %d", res.StatusCode)
		}
		// Settings: the home-page entry needs a picture; with one, the home page lists it.
		res = ops.PostForm("/admin/channels/"+id+"/settings", url.Values{"version": {channelVersion(t, e, id)}, "slug": {"fasteners"}, "title": {"紧固件频道"}, "on_home": {"1"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, "需要先上传入口图片") {
			t.Fatalf("entry without picture: %d", res.StatusCode)
		}
		body, ctype := servertest.Multipart(url.Values{"version": {channelVersion(t, e, id)}, "slug": {"fasteners"}, "title": {"紧固件频道"}, "intro": {"螺栓螺母一站采购"}, "on_home": {"1"}, "sort": {"5"}},
			map[string]struct {
				Name string
				Data []byte
			}{"picture_file": {"entry.png", servertest.PNG()}})
		if res := ops.Do("POST", "/admin/channels/"+id+"/settings", ctype, body); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("settings: %d %s", res.StatusCode, res.Body)
		}
		home := e.NewClient().Get("/")
		if home.StatusCode != 200 || !strings.Contains(home.Body, `href="/ch/fasteners"`) || !strings.Contains(home.Body, "紧固件频道") {
			t.Fatalf("home page lacks the channel entry: %d", home.StatusCode)
		}
		if !strings.Contains(home.Body, `class="hotterms"`) {
			t.Error("home page lacks hot terms")
		}
		// Unpublished, the page is gone for buyers.
		if res := ops.PostForm("/admin/channels/"+id+"/unpublish", url.Values{"version": {channelVersion(t, e, id)}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("unpublish: %d", res.StatusCode)
		}
		if res := e.NewClient().Get("/ch/fasteners"); res.StatusCode != 404 {
			t.Errorf("unpublished: %d", res.StatusCode)
		}
		if res := e.NewClient().Get("/api/v1/channels/fasteners"); res.StatusCode != 404 {
			t.Errorf("api unpublished: %d", res.StatusCode)
		}
	})
}

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func TestChannelSchedulesAndCampaigns(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := t.Context()
		clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, channel.Shanghai)}
		// A second wiring over the same database, on the test clock.
		a := app.New(d, clk.Now)
		ops, err := e.Identity.Principal(ctx, e.Users["ops"].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		sup, err := e.Identity.Principal(ctx, e.Users["supplierx"].ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Channels.Create(ctx, sup, channel.Settings{Slug: "sneaky", Title: "供应商频道"}); err == nil {
			t.Error("a supplier created a channel")
		}
		x, y := e.Products["supplierX"], e.Products["supplierY"]
		// Campaign validation names fields.
		_, err = a.Channels.SaveCampaign(ctx, ops, channel.CampaignInput{Name: "双", Kind: "nope", Badge: "限时特价", Start: "2026-12-02T09:00", End: "2026-12-01T09:00", Products: "not-an-id"})
		for _, f := range []string{"name", "kind", "end", "products"} {
			if !fieldErr(err, f) {
				t.Errorf("campaign validation: no error on %s (%v)", f, err)
			}
		}
		camp, err := a.Channels.SaveCampaign(ctx, ops, channel.CampaignInput{Name: "Y轴承限时特价", Kind: channel.FlashSale, Badge: "限时特价",
			Start: "2026-12-01T13:00", End: "2026-12-01T15:00", Products: "/p/" + y})
		if err != nil {
			t.Fatal(err)
		}
		// Jobs wait at both bounds, so ranking follows the window without a write then.
		for _, key := range []string{camp.ID + ":start", camp.ID + ":end"} {
			js, err := e.Store.JobsByKey(ctx, channel.BoundaryJob, key)
			if err != nil || len(js) != 1 {
				t.Fatalf("boundary job %s: %v %d", key, err, len(js))
			}
		}
		// A channel whose modules have windows: a morning banner-less text, and the slot.
		c, err := a.Channels.Create(ctx, ops, channel.Settings{Slug: "deals", Title: "今日特价"})
		if err != nil {
			t.Fatal(err)
		}
		ms := []channel.Module{
			{Kind: channel.RichText, Title: "早场", Text: "早场说明", StartIn: "2026-12-01T08:00", EndIn: "2026-12-01T10:00"},
			{Kind: channel.Slot, Title: "限时特价", CampaignID: camp.ID, Count: 4},
			{Kind: channel.RichText, Title: "常驻", Text: "常驻说明"},
		}
		if c, err = a.Channels.SaveDraft(ctx, ops, c.ID, ms, c.Version, nil); err != nil {
			t.Fatal(err)
		}
		if _, err = a.Channels.Publish(ctx, ops, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		titles := func() []string {
			pc, err := a.Channels.Public(ctx, "deals")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, m := range pc.Live {
				out = append(out, m.Title)
			}
			return out
		}
		if got := strings.Join(titles(), ","); got != "早场,限时特价,常驻" {
			t.Errorf("09:00 modules: %s", got)
		}
		clk.t = time.Date(2026, 12, 1, 10, 0, 0, 0, channel.Shanghai) // the morning text's end is exclusive
		if got := strings.Join(titles(), ","); got != "限时特价,常驻" {
			t.Errorf("10:00 modules: %s", got)
		}
		// Campaigns are active in their window only, with no write at the boundary.
		active := func() int {
			cs, err := a.Channels.Active(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}
		clk.t = time.Date(2026, 12, 1, 12, 59, 0, 0, channel.Shanghai)
		if active() != 0 {
			t.Error("campaign active before its start")
		}
		clk.t = time.Date(2026, 12, 1, 13, 0, 0, 0, channel.Shanghai)
		if active() != 1 {
			t.Error("campaign not active at its start")
		}
		clk.t = time.Date(2026, 12, 1, 15, 0, 0, 0, channel.Shanghai)
		if active() != 0 {
			t.Error("campaign still active at its end")
		}

		// Ranking: the index on the test clock puts the campaign's product first during the
		// window and drops the boost after it, re-ranking when the boundary job announces it.
		first := func() string {
			res := a.Search.Index.Search(search.Request{Q: "外六角螺栓"})
			if len(res.Items) != 2 {
				t.Fatalf("search: %d items", len(res.Items))
			}
			return res.Items[0].ProductID
		}
		// The fixture's two products differ only by supplier; take the baseline order.
		clk.t = time.Date(2026, 12, 1, 9, 0, 0, 0, channel.Shanghai)
		if err := a.Search.Build(ctx); err != nil {
			t.Fatal(err)
		}
		base := first()
		other := x
		if base == x {
			other = y
		}
		// Put the product that ranks second into a campaign running now.
		camp2, err := a.Channels.SaveCampaign(ctx, ops, channel.CampaignInput{Name: "新品首发", Kind: channel.NewArrival, Badge: "新品",
			Start: "2026-12-01T09:30", End: "2026-12-01T11:00", Products: other})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if first() != base {
			t.Error("a campaign that has not started boosted its product")
		}
		clk.t = time.Date(2026, 12, 1, 9, 30, 0, 0, channel.Shanghai)
		if err := a.Channels.Boundary(ctx); err != nil { // what the job does at the start
			t.Fatal(err)
		}
		if err := a.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if first() != other {
			t.Error("the campaign's product is not first during the campaign")
		}
		clk.t = time.Date(2026, 12, 1, 11, 0, 0, 0, channel.Shanghai)
		if err := a.Channels.Boundary(ctx); err != nil {
			t.Fatal(err)
		}
		if err := a.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if first() != base {
			t.Error("the boost outlived the campaign")
		}
		// With the campaign weight at zero the campaign does not reorder.
		clk.t = time.Date(2026, 12, 1, 10, 0, 0, 0, channel.Shanghai)
		vals := map[string]string{}
		for _, f := range channel.RuleFields {
			vals[f.Key] = fmtFloat(f.Default())
		}
		vals["campaign"] = "0"
		if _, err := a.SearchRules.SaveRules(ctx, ops, vals); err != nil {
			t.Fatal(err)
		}
		if err := a.Search.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		if first() != base {
			t.Error("a zero campaign weight still boosts")
		}
		// Deleting the campaign removes it.
		if err := a.Channels.DeleteCampaign(ctx, ops, camp2.ID, camp2.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Channels.CampaignFor(ctx, ops, camp2.ID); err == nil {
			t.Error("deleted campaign still there")
		}
	})
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// fieldErr reports whether err is a validation error naming field.
func fieldErr(err error, field string) bool {
	e := errs.As(err)
	if e == nil {
		return false
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func TestSearchRulesPage(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ops := e.Login("ops")
		// Only ops managers and admins; analysts and other staff get 404.
		an := addAnalyst(t, e)
		for _, c := range []*servertest.Client{an, e.Login("kefu"), e.Login("supplierx"), e.Login("buyera")} {
			if res := c.Get("/admin/search/rules"); res.StatusCode != 404 {
				t.Errorf("rules page for a non-ops user: %d", res.StatusCode)
			}
		}
		res := ops.Get("/admin/search")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `href="/admin/search/rules"`) {
			t.Fatalf("analytics page lacks the link to the rules: %d", res.StatusCode)
		}
		res = ops.Get("/admin/search/rules")
		if res.StatusCode != 200 || !strings.Contains(res.Body, `name="campaign"`) || !strings.Contains(res.Body, "使用默认值") {
			t.Fatalf("rules page: %d", res.StatusCode)
		}
		// Every field is checked and named.
		form := url.Values{}
		for _, f := range channel.RuleFields {
			form.Set(f.Key, fmtFloat(f.Default()))
		}
		form.Set("sales", "abc")
		form.Set("penalty", "40")
		form.Set("level", "")
		form.Set("campaign", "NaN")
		res = ops.PostForm("/admin/search/rules", form)
		if res.StatusCode != 422 || strings.Count(res.Body, `class="fielderr"`) != 4 || !strings.Contains(res.Body, "须在 -1000 到 0 之间") || !strings.Contains(res.Body, "请填写数字") {
			t.Fatalf("rules validation: %d %s", res.StatusCode, res.Body)
		}
		var before string
		d.QueryRow(t.Context(), `SELECT COUNT(*) FROM settings WHERE key = 'search.rules'`).Scan(&before)
		if before != "0" {
			t.Fatal("invalid rules were stored")
		}
		form.Set("sales", "12.5")
		form.Set("penalty", "-80")
		form.Set("level", "4")
		form.Set("campaign", "55")
		if res := ops.PostForm("/admin/search/rules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save rules: %d %s", res.StatusCode, res.Body)
		}
		r, err := e.App.SearchRules.State(t.Context(), principal(t, e, "ops"))
		if err != nil || r.Rules.Campaign != 55 || r.Rules.Sales != 12.5 || r.Rules.Penalty != -80 {
			t.Fatalf("stored rules: %+v %v", r, err)
		}
		// Broken JSON in the setting is shown, not silently replaced.
		if _, err := d.Exec(t.Context(), `UPDATE settings SET value = '{"sales": 10,' WHERE key = 'search.rules'`); err != nil {
			t.Fatal(err)
		}
		res = ops.Get("/admin/search/rules")
		if res.StatusCode != 200 || !strings.Contains(res.Body, "已保存的排序规则无法使用") {
			t.Fatalf("broken rules not shown: %d", res.StatusCode)
		}
		if _, err := d.Exec(t.Context(), `UPDATE settings SET value = '{"sales": 10, "bogus": 1}' WHERE key = 'search.rules'`); err != nil {
			t.Fatal(err)
		}
		if res := ops.Get("/admin/search/rules"); !strings.Contains(res.Body, "bogus") {
			t.Error("an unknown field in the rules is not shown")
		}
		if res := ops.PostForm("/admin/search/rules/reset", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("reset: %d", res.StatusCode)
		}
		if r, _ := e.App.SearchRules.State(t.Context(), principal(t, e, "ops")); r.Broken != "" || r.Rules != search.DefaultRules {
			t.Errorf("after reset: %+v", r)
		}
		// Synonyms: one word is refused; a group is added, previewed and deleted.
		if res := ops.PostForm("/admin/search/synonyms", url.Values{"terms": {"六角"}}); res.StatusCode != 422 || !strings.Contains(res.Body, "至少两个词") {
			t.Errorf("one-word group: %d", res.StatusCode)
		}
		res = ops.PostForm("/admin/search/synonyms", url.Values{"terms": {"六角螺丝、外六角螺栓"}})
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/admin/search/rules?q=") {
			t.Fatalf("add synonyms: %d %s", res.StatusCode, res.Body)
		}
		e.Reindex()
		res = ops.Get("/admin/search/rules?q=" + url.QueryEscape("六角螺丝"))
		if res.StatusCode != 200 || !strings.Contains(res.Body, "六角螺丝 = 外六角螺栓") || !strings.Contains(res.Body, "supplierX 外六角螺栓 M8") {
			t.Fatalf("preview after synonyms: %d %s", res.StatusCode, res.Body)
		}
		groups, err := e.Store.SynonymGroups(t.Context())
		if err != nil || len(groups) != 1 {
			t.Fatalf("groups: %v %d", err, len(groups))
		}
		if res := ops.PostForm("/admin/search/synonyms/"+groups[0].ID+"/delete", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete synonyms: %d", res.StatusCode)
		}
		if groups, _ := e.Store.SynonymGroups(t.Context()); len(groups) != 0 {
			t.Error("group not deleted")
		}
		if res := ops.Get("/admin/search/rules?q=" + strings.Repeat("长", 200)); res.StatusCode != 422 {
			t.Errorf("long preview query: %d", res.StatusCode)
		}
	})
}

func principal(t *testing.T, e *servertest.Env, user string) *identity.Principal {
	t.Helper()
	p, err := e.Identity.Principal(t.Context(), e.Users[user].ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCampaignSlotsOnPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		ctx := t.Context()
		ops := principal(t, e, "ops")
		now := time.Now()
		in := func(name, badge string, from, to time.Duration, product string) *channel.Campaign {
			c, err := e.App.Channels.SaveCampaign(ctx, ops, channel.CampaignInput{Name: name, Kind: channel.FlashSale, Badge: badge,
				Start: channel.FormatLocal(now.Add(from)), End: channel.FormatLocal(now.Add(to)), Products: product})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		running := in("轴承限时特价", "特价中", -time.Hour, time.Hour, e.Products["supplierY"])
		ended := in("上周特价", "已过期", -72*time.Hour, -48*time.Hour, e.Products["supplierX"])
		c, err := e.App.Channels.Create(ctx, ops, channel.Settings{Slug: "deals", Title: "特价频道"})
		if err != nil {
			t.Fatal(err)
		}
		ms := []channel.Module{{Kind: channel.Slot, Title: "正在特价", CampaignID: running.ID}, {Kind: channel.Slot, Title: "过期活动", CampaignID: ended.ID}}
		if c, err = e.App.Channels.SaveDraft(ctx, ops, c.ID, ms, c.Version, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Channels.Publish(ctx, ops, c.ID, c.Version); err != nil {
			t.Fatal(err)
		}
		page := e.NewClient().Get("/ch/deals")
		if page.StatusCode != 200 || !strings.Contains(page.Body, "特价中") || !strings.Contains(page.Body, "supplierY 外六角螺栓 M8") {
			t.Fatalf("running campaign slot: %d", page.StatusCode)
		}
		if strings.Contains(page.Body, "过期活动") || strings.Contains(page.Body, "已过期") {
			t.Error("an ended campaign's slot still shows")
		}
		home := e.NewClient().Get("/")
		if !strings.Contains(home.Body, "轴承限时特价") || strings.Contains(home.Body, "上周特价") {
			t.Error("home page campaigns: want the running one only")
		}
		// A stale version is refused, not silently overwritten.
		if _, err := e.App.Channels.SaveCampaign(ctx, ops, channel.CampaignInput{ID: running.ID, Version: running.Version - 1, Name: "改名", Kind: channel.FlashSale,
			Badge: "特价", Start: channel.FormatLocal(now), End: channel.FormatLocal(now.Add(time.Hour)), Products: e.Products["supplierY"]}); !errs.Is(err, errs.Conflict) {
			t.Errorf("stale campaign version: %v", err)
		}
		// The console lists both with their state; an analyst may open a campaign.
		list := e.Login("ops").Get("/admin/channels")
		if !strings.Contains(list.Body, "进行中") || !strings.Contains(list.Body, "已结束") {
			t.Error("console campaign states")
		}
		if res := addAnalyst(t, e).Get("/admin/campaigns/" + running.ID); res.StatusCode != 200 {
			t.Errorf("analyst campaign view: %d", res.StatusCode)
		}
		// The campaign form validates by field.
		res := e.Login("ops").PostForm("/admin/campaigns", url.Values{"name": {"新品"}, "kind": {"new"}, "badge": {"新"}, "start": {"明天"}, "end": {""}, "products": {"x"}})
		if res.StatusCode != 422 || !strings.Contains(res.Body, "时间格式应为") || !strings.Contains(res.Body, "至少 2 个字") || !strings.Contains(res.Body, "不存在或未在售") {
			t.Errorf("campaign form: %d %s", res.StatusCode, res.Body)
		}
	})
}
