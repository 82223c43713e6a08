package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/search"
)

// Channel console access: ops managers (and admins) edit, analysts look.
var (
	ChannelViewers = httpx.StaffRoles(identity.OpsManager, identity.Analyst)
	ChannelEditors = httpx.StaffRoles(identity.OpsManager)
)

func (h *Handler) registerChannels(mux *http.ServeMux) {
	h.route(mux, "GET /ch/{slug}", httpx.Anyone, h.channelPage)
	h.route(mux, "GET /admin/channels", ChannelViewers, h.adminChannels)
	h.route(mux, "POST /admin/channels", ChannelEditors, h.adminChannelCreate)
	h.route(mux, "GET /admin/channels/{id}", ChannelViewers, h.adminChannel)
	h.route(mux, "GET /admin/channels/{id}/preview", ChannelViewers, h.adminChannelPreview)
	h.route(mux, "POST /admin/channels/{id}/settings", ChannelEditors, h.adminChannelSettings)
	h.route(mux, "POST /admin/channels/{id}/modules", ChannelEditors, h.adminChannelModules)
	h.route(mux, "POST /admin/channels/{id}/publish", ChannelEditors, h.adminChannelPublish(true))
	h.route(mux, "POST /admin/channels/{id}/unpublish", ChannelEditors, h.adminChannelPublish(false))
	h.route(mux, "GET /admin/campaigns/new", ChannelEditors, h.adminCampaignNew)
	h.route(mux, "POST /admin/campaigns", ChannelEditors, h.adminCampaignSave)
	h.route(mux, "GET /admin/campaigns/{id}", ChannelViewers, h.adminCampaign)
	h.route(mux, "POST /admin/campaigns/{id}", ChannelEditors, h.adminCampaignSave)
	h.route(mux, "POST /admin/campaigns/{id}/delete", ChannelEditors, h.adminCampaignDelete)
}

// --- what buyers see ---

// campaignView is a running campaign with the product cards it shows.
type campaignView struct {
	channel.Campaign
	Cards []catalog.ProductCard
}

// gridCell is one category of a category grid, with its children.
type gridCell struct {
	Cat      catalog.Category
	Children []catalog.Category
}

// Mono is the category's first character, shown as its tile's emblem.
func (g gridCell) Mono() string {
	for _, r := range g.Cat.NameZH {
		return string(r)
	}
	return ""
}

// chModuleView is a channel module with what it shows.
type chModuleView struct {
	channel.Module
	Cards    []catalog.ProductCard
	More     string // a shelf's link to the full search
	Grid     []gridCell
	Campaign *campaignView
	Terms    []string
	Paras    []string
}

type channelView struct {
	Channel *channel.Channel
	Modules []chModuleView
	Preview bool
}

// itemCards turns search results into product cards.
func itemCards(items []search.Item) []catalog.ProductCard {
	out := make([]catalog.ProductCard, 0, len(items))
	for _, it := range items {
		out = append(out, catalog.ProductCard{ID: it.ProductID, Title: it.Title, BrandName: it.BrandName, SupplierName: it.SupplierName,
			MinPrice: it.MinPrice, Unit: it.Unit, MOQ: it.MOQ, SKUCount: it.Matching})
	}
	return out
}

// pickedCards returns the listed products among ids, in the order given.
func (h *Handler) pickedCards(ctx context.Context, ids []string, n int) ([]catalog.ProductCard, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cards, _, err := h.Catalog.ProductCards(ctx, catalog.CardFilter{IDs: ids, Limit: len(ids)})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(cards, func(a, b int) bool { return slices.Index(ids, cards[a].ID) < slices.Index(ids, cards[b].ID) })
	if len(cards) > n {
		cards = cards[:n]
	}
	return cards, nil
}

// campaignCards returns a campaign's products as cards.
func (h *Handler) campaignCards(ctx context.Context, c channel.Campaign, n int) (*campaignView, error) {
	cards, err := h.pickedCards(ctx, c.ProductIDs, n)
	if err != nil {
		return nil, err
	}
	return &campaignView{Campaign: c, Cards: cards}, nil
}

// hotTerms returns up to n of the week's hot terms, or common searches while the log is
// still empty (a new site).
func (h *Handler) hotTerms(n int) []string {
	var out []string
	if h.Search != nil {
		for _, t := range h.Search.HotTerms() {
			out = append(out, t.Text)
		}
	}
	if len(out) == 0 {
		out = []string{"M8 螺栓", "6204-2RS", "DN50 球阀", "304不锈钢", "劳保手套", "断路器", "气管接头", "内六角螺钉"}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// paragraphs splits plain text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// channelModules resolves what each module shows: shelves through the search index,
// hand-picked products and campaign products by ID, category grids from the cached tree.
func (h *Handler) channelModules(ctx context.Context, ms []channel.Module, lang i18n.Lang, now time.Time) ([]chModuleView, error) {
	cats := h.categories(ctx)
	byID := map[string]catalog.Category{}
	for _, c := range cats {
		byID[c.ID] = c
	}
	var active []channel.Campaign
	var err error
	loaded := false
	var out []chModuleView
	for _, m := range ms {
		v := chModuleView{Module: m}
		switch m.Kind {
		case channel.Shelf:
			n := max(m.Count, 1)
			if len(m.ProductIDs) > 0 {
				if v.Cards, err = h.pickedCards(ctx, m.ProductIDs, n); err != nil {
					return nil, err
				}
				break
			}
			req := search.Request{Q: m.Query, Size: n, Lang: string(lang)}
			q := url.Values{}
			if m.Query != "" {
				q.Set("q", m.Query)
			}
			if c, ok := byID[m.Category]; ok {
				req.Category = c.Code
				q.Set("category", c.Code)
			}
			if h.Search != nil {
				v.Cards = itemCards(h.Search.Index.Search(req).Items)
			}
			v.More = "/search?" + q.Encode()
		case channel.Categories:
			for _, id := range m.CatIDs {
				c, ok := byID[id]
				if !ok {
					continue
				}
				cell := gridCell{Cat: c}
				for _, k := range cats {
					if k.ParentID == c.ID && len(cell.Children) < 6 {
						cell.Children = append(cell.Children, k)
					}
				}
				v.Grid = append(v.Grid, cell)
			}
		case channel.Slot:
			if !loaded {
				if active, err = h.Channels.Store.ActiveCampaigns(ctx, now); err != nil {
					return nil, err
				}
				loaded = true
			}
			for _, c := range active {
				if c.ID == m.CampaignID {
					if v.Campaign, err = h.campaignCards(ctx, c, max(m.Count, 1)); err != nil {
						return nil, err
					}
				}
			}
			if v.Campaign == nil {
				continue // not running now: the slot shows nothing
			}
		case channel.RichText:
			v.Paras = paragraphs(m.Text)
		case channel.HotTerms:
			v.Terms = h.hotTerms(max(m.Count, 1))
		}
		out = append(out, v)
	}
	return out, nil
}

// channelTTL is how long a channel page's resolved modules are reused: a publish, a
// schedule bound or a campaign window shows within that long.
const channelTTL = 15 * time.Second

type channelEntry struct {
	at time.Time
	v  channelView
}

// channelCache keeps resolved channel pages by slug and language.
type channelCache struct {
	mu sync.Mutex
	m  map[string]channelEntry
}

// forgetChannels drops this node's cached channel pages and home data after a change made
// here; other nodes catch up within their TTLs.
func (h *Handler) forgetChannels() {
	h.chC.mu.Lock()
	h.chC.m = nil
	h.chC.mu.Unlock()
	h.homeC.mu.Lock()
	h.homeC.data = nil
	h.homeC.mu.Unlock()
}

func (h *Handler) channelPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug, lang := r.PathValue("slug"), httpx.LangFrom(ctx)
	key := string(lang) + "/" + slug
	h.chC.mu.Lock()
	e, ok := h.chC.m[key]
	h.chC.mu.Unlock()
	if !ok || time.Since(e.at) > channelTTL {
		c, err := h.Channels.Public(ctx, slug)
		if err != nil {
			return err
		}
		e = channelEntry{at: time.Now(), v: channelView{Channel: c}}
		if e.v.Modules, err = h.channelModules(ctx, c.Live, lang, time.Now()); err != nil {
			return err
		}
		h.chC.mu.Lock()
		if h.chC.m == nil || len(h.chC.m) > 1000 {
			h.chC.m = map[string]channelEntry{}
		}
		h.chC.m[key] = e
		h.chC.mu.Unlock()
	}
	if e.v.Channel.Slug != slug {
		// One URL per channel page: /ch/Fasteners is /ch/fasteners.
		http.Redirect(w, r, "/ch/"+url.PathEscape(e.v.Channel.Slug), http.StatusMovedPermanently)
		return nil
	}
	pg := &Page{Title: e.v.Channel.Title, Data: e.v}
	h.fillPage(r, pg)
	pg.SEO = channelMeta(pg, e.v.Channel)
	h.render(w, r, http.StatusOK, "channel", pg)
	return nil
}

// --- the home page ---

// homeCache keeps what the home page shows for a short while, so a visit costs no
// database query: featured products, counts, channel entries and campaigns. Campaign
// windows are checked at each request against the cached list.
type homeCache struct {
	mu   sync.Mutex
	at   time.Time
	data *homeBase
}

// homeTTL is how long the home page's data is reused.
const homeTTL = 30 * time.Second

type homeBase struct {
	Cards     []catalog.ProductCard
	Products  int64
	SKUs      int64
	Entries   []channel.Channel
	Campaigns []campaignView // not yet ended when loaded
}

func (h *Handler) homeBase(ctx context.Context) (*homeBase, error) {
	h.homeC.mu.Lock()
	defer h.homeC.mu.Unlock()
	if h.homeC.data != nil && time.Since(h.homeC.at) < homeTTL {
		return h.homeC.data, nil
	}
	b := &homeBase{}
	var err error
	if b.Cards, _, err = h.Catalog.ProductCards(ctx, catalog.CardFilter{Limit: 20}); err != nil {
		return nil, err
	}
	if b.Products, b.SKUs, err = h.Catalog.Counts(ctx); err != nil {
		return nil, err
	}
	if h.Channels != nil {
		if b.Entries, err = h.Channels.HomeEntries(ctx); err != nil {
			return nil, err
		}
		// Running campaigns and those starting within the cache's lifetime.
		running, err := h.Channels.Store.ActiveCampaigns(ctx, time.Now())
		if err != nil {
			return nil, err
		}
		soon, err := h.Channels.Store.ActiveCampaigns(ctx, time.Now().Add(homeTTL))
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, c := range slices.Concat(running, soon) {
			if seen[c.ID] || len(b.Campaigns) >= 4 {
				continue
			}
			seen[c.ID] = true
			cv, err := h.campaignCards(ctx, c, 5)
			if err != nil {
				return nil, err
			}
			b.Campaigns = append(b.Campaigns, *cv)
		}
	}
	h.homeC.data, h.homeC.at = b, time.Now()
	return b, nil
}

type homeData struct {
	listData
	Products  int64
	SKUs      int64
	Entries   []channel.Channel
	Campaigns []campaignView
	HotTerms  []string
}

func (h *Handler) homeData(ctx context.Context) (*homeData, error) {
	b, err := h.homeBase(ctx)
	if err != nil {
		return nil, err
	}
	d := &homeData{listData: listData{Cards: b.Cards}, Products: b.Products, SKUs: b.SKUs, Entries: b.Entries, HotTerms: h.hotTerms(10)}
	now := time.Now()
	for _, c := range b.Campaigns {
		if c.Active(now) {
			d.Campaigns = append(d.Campaigns, c)
		}
	}
	return d, nil
}

// --- the console ---

type adminChannelsData struct {
	Channels  []channel.Channel
	Campaigns []channel.Campaign
	Now       time.Time
	Edit      bool
	Form      *Form
}

func (h *Handler) adminChannelsPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	d := adminChannelsData{Now: time.Now(), Edit: channel.CanEdit(p), Form: f}
	var err error
	if d.Channels, err = h.Channels.List(ctx, p); err != nil {
		return err
	}
	if d.Campaigns, err = h.Channels.Campaigns(ctx, p); err != nil {
		return err
	}
	h.render(w, r, status, "admin_channels", &Page{Title: i18n.T(httpx.LangFrom(ctx), "ch.nav"), Area: "admin", Nav: "channels", Data: d})
	return nil
}

func (h *Handler) adminChannels(w http.ResponseWriter, r *http.Request) error {
	return h.adminChannelsPage(w, r, http.StatusOK, nil)
}

func channelSettings(v url.Values) channel.Settings {
	return channel.Settings{Slug: v.Get("slug"), Title: v.Get("title"), Intro: v.Get("intro"), OnHome: v.Get("on_home") == "1",
		Sort: v.Get("sort"), Version: version(v), DropPicture: v.Get("drop_picture") == "1"}
}

func (h *Handler) adminChannelCreate(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	in := channelSettings(v)
	c, err := h.Channels.Create(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.adminChannelsPage(w, r, httpx.Status(errs.CodeOf(err)), f)
	}
	h.forgetChannels()
	h.flash(r, i18n.T(lang, "app.saved"))
	http.Redirect(w, r, "/admin/channels/"+c.ID, http.StatusSeeOther)
	return nil
}

type adminChannelData struct {
	Channel   *channel.Channel
	Edit      bool
	Kinds     []string
	Cats      []catalog.Category
	Campaigns []channel.Campaign
	SetForm   *Form
	ModForm   *Form
	Now       time.Time
}

func (h *Handler) adminChannelPage(w http.ResponseWriter, r *http.Request, status int, d adminChannelData) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	if d.Channel == nil {
		c, err := h.Channels.Get(ctx, p, r.PathValue("id"))
		if err != nil {
			return err
		}
		d.Channel = c
	}
	d.Edit, d.Kinds, d.Now = channel.CanEdit(p), channel.Kinds, time.Now()
	for _, c := range h.categories(ctx) {
		if c.Depth <= 1 {
			d.Cats = append(d.Cats, c)
		}
	}
	var err error
	if d.Campaigns, err = h.Channels.Campaigns(ctx, p); err != nil {
		return err
	}
	h.render(w, r, status, "admin_channel", &Page{Title: d.Channel.Title, Area: "admin", Nav: "channels", Data: d})
	return nil
}

func (h *Handler) adminChannel(w http.ResponseWriter, r *http.Request) error {
	return h.adminChannelPage(w, r, http.StatusOK, adminChannelData{})
}

func (h *Handler) adminChannelPreview(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Channels.Get(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	// ?at=2026-12-01T09:00 previews the page as it will show then (schedules, campaigns).
	at := time.Now()
	if s := r.URL.Query().Get("at"); s != "" {
		t, ok := channel.ParseLocal(s)
		if !ok || t.IsZero() {
			return errs.Field("at", "err.channel_time")
		}
		at = t
	}
	v := channelView{Channel: c, Preview: true}
	if v.Modules, err = h.channelModules(r.Context(), channel.Showing(c.Draft, at), httpx.LangFrom(r.Context()), at); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "channel", &Page{Title: c.Title, Data: v})
	return nil
}

func (h *Handler) adminChannelSettings(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	in := channelSettings(v)
	if fh := files["picture_file"]; fh != nil {
		data, err := readUpload(fh)
		if err != nil {
			return err
		}
		in.Picture = &channel.Upload{Name: fh.Filename, Data: data}
	}
	id := r.PathValue("id")
	if _, err := h.Channels.SaveSettings(r.Context(), httpx.PrincipalFrom(r.Context()), id, in); err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		cur, err2 := h.Channels.Get(r.Context(), httpx.PrincipalFrom(r.Context()), id)
		if err2 != nil {
			return err2
		}
		// Re-show what was typed.
		cur.Slug, cur.Title, cur.Intro, cur.OnHome = in.Slug, in.Title, in.Intro, in.OnHome
		if n, err := strconv.Atoi(strings.TrimSpace(in.Sort)); err == nil {
			cur.Sort = n
		}
		return h.adminChannelPage(w, r, httpx.Status(errs.CodeOf(err)), adminChannelData{Channel: cur, SetForm: f})
	}
	h.forgetChannels()
	h.flash(r, i18n.T(lang, "app.saved"))
	http.Redirect(w, r, "/admin/channels/"+id, http.StatusSeeOther)
	return nil
}

// formChannelModules reads the module editor: rows reordered by their order field, minus
// deleted ones, plus a new module of the chosen kind.
func formChannelModules(v url.Values, lang i18n.Lang) []channel.Module {
	type row struct {
		m    channel.Module
		sort int
	}
	var rows []row
	for i := 0; i < channel.MaxModules+1; i++ {
		k := func(name string) string { return fmt.Sprintf("modules[%d].%s", i, name) }
		if _, ok := v[k("kind")]; !ok {
			break
		}
		if v.Get(k("delete")) == "1" {
			continue
		}
		sortN, err := strconv.Atoi(strings.TrimSpace(v.Get(k("sort"))))
		if err != nil {
			sortN = i
		}
		m := channel.Module{ID: v.Get(k("id")), Kind: v.Get(k("kind")), Title: v.Get(k("title")), Text: v.Get(k("text")), Image: v.Get(k("image")),
			Link: v.Get(k("link")), Alt: v.Get(k("alt")), Query: v.Get(k("query")), Category: v.Get(k("category")),
			ProductIDs: channel.ProductRefs(v.Get(k("products"))), CatIDs: v[k("categories")], CampaignID: v.Get(k("campaign")),
			StartIn: v.Get(k("start")), EndIn: v.Get(k("end"))}
		if c := strings.TrimSpace(v.Get(k("count"))); c != "" {
			if n, err := strconv.Atoi(c); err == nil {
				m.Count = n
			} else {
				m.Count = -1 // refused by the check, by field
			}
		}
		rows = append(rows, row{m, sortN})
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].sort < rows[b].sort })
	var out []channel.Module
	for _, r := range rows {
		out = append(out, r.m)
	}
	if kind := v.Get("new_kind"); kind != "" {
		out = append(out, channel.Module{Kind: kind, Title: i18n.T(lang, "ch.kind."+kind)})
	}
	return out
}

func (h *Handler) adminChannelModules(w http.ResponseWriter, r *http.Request) error {
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := httpx.LangFrom(ctx)
	p := httpx.PrincipalFrom(ctx)
	id := r.PathValue("id")
	ms := formChannelModules(v, lang)
	// Pictures follow their module's ID (rows may have been reordered).
	pictures := map[int]*channel.Upload{}
	for field, fh := range files {
		var i int
		if _, err := fmt.Sscanf(field, "modules[%d].image_file", &i); err != nil {
			continue
		}
		mid := v.Get(fmt.Sprintf("modules[%d].id", i))
		for j, m := range ms {
			if m.ID == mid && mid != "" {
				data, err := readUpload(fh)
				if err != nil {
					return err
				}
				pictures[j] = &channel.Upload{Name: fh.Filename, Data: data}
			}
		}
	}
	c, err := h.Channels.SaveDraft(ctx, p, id, ms, version(v), pictures)
	saved := err == nil
	if saved && v.Get("then") == "publish" {
		_, err = h.Channels.Publish(ctx, p, id, c.Version)
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		cur, err2 := h.Channels.Get(ctx, p, id)
		if err2 != nil {
			return err2
		}
		if !saved {
			cur.Draft = ms // re-show what was typed
		}
		return h.adminChannelPage(w, r, httpx.Status(errs.CodeOf(err)), adminChannelData{Channel: cur, ModForm: f})
	}
	h.forgetChannels()
	if v.Get("then") == "publish" {
		h.flash(r, i18n.T(lang, "ch.published"))
	} else {
		h.flash(r, i18n.T(lang, "app.saved"))
	}
	http.Redirect(w, r, "/admin/channels/"+id, http.StatusSeeOther)
	return nil
}

func (h *Handler) adminChannelPublish(on bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		v, err := parseForm(w, r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		lang := httpx.LangFrom(ctx)
		id := r.PathValue("id")
		p := httpx.PrincipalFrom(ctx)
		msg := "ch.unpublished"
		if on {
			msg = "ch.published"
			_, err = h.Channels.Publish(ctx, p, id, version(v))
		} else {
			_, err = h.Channels.Unpublish(ctx, p, id, version(v))
		}
		if err != nil {
			f, ok := formFromError(lang, v, err)
			if !ok {
				return err
			}
			return h.adminChannelPage(w, r, httpx.Status(errs.CodeOf(err)), adminChannelData{ModForm: f})
		}
		h.forgetChannels()
		h.flash(r, i18n.T(lang, msg))
		back := "/admin/channels/" + id
		if v.Get("back") == "list" {
			back = "/admin/channels"
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
}

type adminCampaignData struct {
	Campaign *channel.Campaign
	Cards    []catalog.ProductCard
	Kinds    []string
	Edit     bool
	Form     *Form
	Now      time.Time
}

func (h *Handler) adminCampaignPage(w http.ResponseWriter, r *http.Request, status int, d adminCampaignData) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	d.Kinds, d.Edit, d.Now = channel.CampaignKinds, channel.CanEdit(p), time.Now()
	if d.Campaign == nil {
		d.Campaign = &channel.Campaign{}
	}
	if len(d.Campaign.ProductIDs) > 0 {
		cards, err := h.pickedCards(ctx, d.Campaign.ProductIDs, channel.MaxCampaignProducts)
		if err != nil {
			return err
		}
		d.Cards = cards
	}
	title := d.Campaign.Name
	if title == "" {
		title = i18n.T(httpx.LangFrom(ctx), "camp.new")
	}
	h.render(w, r, status, "admin_campaign", &Page{Title: title, Area: "admin", Nav: "channels", Data: d, Form: d.Form})
	return nil
}

func (h *Handler) adminCampaignNew(w http.ResponseWriter, r *http.Request) error {
	return h.adminCampaignPage(w, r, http.StatusOK, adminCampaignData{})
}

func (h *Handler) adminCampaign(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Channels.CampaignFor(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.adminCampaignPage(w, r, http.StatusOK, adminCampaignData{Campaign: c})
}

func (h *Handler) adminCampaignSave(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := httpx.LangFrom(ctx)
	in := channel.CampaignInput{ID: r.PathValue("id"), Name: v.Get("name"), Kind: v.Get("kind"), Badge: v.Get("badge"),
		Start: v.Get("start"), End: v.Get("end"), Products: v.Get("products"), Version: version(v)}
	c, err := h.Channels.SaveCampaign(ctx, httpx.PrincipalFrom(ctx), in)
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		cur := &channel.Campaign{ID: in.ID, Version: in.Version}
		return h.adminCampaignPage(w, r, httpx.Status(errs.CodeOf(err)), adminCampaignData{Campaign: cur, Form: f})
	}
	h.forgetChannels()
	h.flash(r, i18n.T(lang, "camp.saved"))
	http.Redirect(w, r, "/admin/campaigns/"+c.ID, http.StatusSeeOther)
	return nil
}

func (h *Handler) adminCampaignDelete(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := h.Channels.DeleteCampaign(ctx, httpx.PrincipalFrom(ctx), r.PathValue("id"), version(v)); err != nil {
		return err
	}
	h.forgetChannels()
	h.flash(r, i18n.T(httpx.LangFrom(ctx), "camp.deleted"))
	http.Redirect(w, r, "/admin/channels", http.StatusSeeOther)
	return nil
}

// StartText is the campaign's start as the form shows it.
func (d adminCampaignData) StartText() string { return channel.FormatLocal(d.Campaign.Start) }

// EndText is the campaign's end as the form shows it.
func (d adminCampaignData) EndText() string { return channel.FormatLocal(d.Campaign.End) }
