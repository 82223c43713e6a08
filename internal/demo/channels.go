package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/channel"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// banner draws a w×h picture: a diagonal gradient between two colours with light
// stripes, standing in for the artwork ops would upload.
func banner(w, h int, from, to color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			c := color.RGBA{uint8(float64(from.R)*(1-t) + float64(to.R)*t), uint8(float64(from.G)*(1-t) + float64(to.G)*t),
				uint8(float64(from.B)*(1-t) + float64(to.B)*t), 255}
			if (x-y+4000)%120 < 6 {
				c.R, c.G, c.B = c.R/2+120, c.G/2+120, c.B/2+120
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// seedChannels publishes three channel pages (紧固件频道, 劳保节, 轴承品牌周) with running
// campaigns, so the home page has channel entries and campaigns on first run. The
// campaigns' windows are set around the time of generation.
func seedChannels(ctx context.Context, d *db.DB, st *store.Store, platformID string) error {
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	byCode := map[string]catalog.Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	now := time.Now()
	day := 24 * time.Hour
	picture := func(ctx context.Context, w, h int, from, to color.RGBA, name string) (string, error) {
		b, err := upload.New(platformID, name, banner(w, h, from, to), upload.Images, upload.MaxImageBytes, now)
		if err != nil {
			return "", err
		}
		b.Public = true
		return b.ID, st.PutBlob(ctx, b)
	}
	products := func(ctx context.Context, code string, n int) ([]string, error) {
		c, ok := byCode[code]
		if !ok {
			return nil, nil
		}
		cards, _, err := st.ProductCards(ctx, catalog.CardFilter{CategoryPath: c.Path, Limit: n})
		var ids []string
		for _, k := range cards {
			ids = append(ids, k.ID)
		}
		return ids, err
	}
	idsOf := func(codes ...string) []string {
		var out []string
		for _, c := range codes {
			if k, ok := byCode[c]; ok {
				out = append(out, k.ID)
			}
		}
		return out
	}
	type spec struct {
		slug, title, intro string
		from, to           color.RGBA
		camp               channel.Campaign
		campCat            string
		modules            func(campID, bannerID string) []channel.Module
	}
	specs := []spec{
		{slug: "fasteners", title: "紧固件频道", intro: "螺栓、螺钉、螺母、垫圈全规格现货,GB/T 标准件一站采购。",
			from: color.RGBA{11, 78, 162, 255}, to: color.RGBA{29, 111, 214, 255}, campCat: "fasteners",
			camp: channel.Campaign{Name: "紧固件限时特价", Kind: channel.FlashSale, Badge: "限时特价", Start: now.Add(-day), End: now.Add(14 * day)},
			modules: func(campID, bannerID string) []channel.Module {
				return []channel.Module{
					{Kind: channel.Banner, Title: "8.8级高强度螺栓 源头工厂直供", Image: bannerID, Alt: "紧固件频道:8.8级高强度螺栓源头工厂直供", Link: "/c/fasteners"},
					{Kind: channel.Slot, Title: "限时特价", CampaignID: campID, Count: 8},
					{Kind: channel.Categories, Title: "按类目选购", CatIDs: idsOf("bolts", "screws", "nuts", "washers")},
					{Kind: channel.Shelf, Title: "8.8级 外六角螺栓", Query: "外六角螺栓 8.8级", Count: 8},
					{Kind: channel.Shelf, Title: "不锈钢紧固件", Query: "304不锈钢", Category: first(idsOf("fasteners")), Count: 8},
					{Kind: channel.HotTerms, Title: "大家都在搜", Count: 10},
					{Kind: channel.RichText, Title: "选购指南", Text: "性能等级:8.8级及以上为高强度螺栓,用于钢结构和设备连接;4.8级用于一般连接。\n\n表面处理:镀锌防锈性价比高;达克罗耐盐雾更好;不锈钢(304/316)用于潮湿和腐蚀环境。\n\n非标件可来图定制,询价 48 小时内回复。"},
				}
			}},
		{slug: "ppe-festival", title: "劳保节", intro: "手套、安全帽、安全鞋、防尘口罩,班组批量采购享阶梯价。",
			from: color.RGBA{224, 78, 0, 255}, to: color.RGBA{255, 150, 40, 255}, campCat: "ppe",
			camp: channel.Campaign{Name: "劳保节 清库存团购", Kind: channel.Clearance, Badge: "劳保节", Start: now.Add(-2 * day), End: now.Add(10 * day)},
			modules: func(campID, bannerID string) []channel.Module {
				return []channel.Module{
					{Kind: channel.Banner, Title: "劳保节:班组批量采购 阶梯价更低", Image: bannerID, Alt: "劳保节:手套、安全帽、安全鞋批量采购", Link: "/c/ppe"},
					{Kind: channel.Slot, Title: "劳保节 清库存团购", CampaignID: campID, Count: 12},
					{Kind: channel.Categories, Title: "劳保品类", CatIDs: idsOf("work-gloves", "safety-helmets", "safety-shoes", "respirators")},
					{Kind: channel.Shelf, Title: "防护手套", Category: first(idsOf("work-gloves")), Count: 8},
					{Kind: channel.RichText, Title: "活动说明", Text: "活动期间所列商品按团购价供应,数量有限,售完即止。\n\n支持对公转账和增值税专用发票;「保」交易保障,签收验货后再放款给供应商。"},
				}
			}},
		{slug: "bearing-brand-week", title: "轴承品牌周", intro: "GB/T 276 深沟球轴承、圆锥滚子轴承,品牌授权,规格齐全。",
			from: color.RGBA{7, 58, 122, 255}, to: color.RGBA{0, 140, 120, 255}, campCat: "bearings",
			camp: channel.Campaign{Name: "轴承品牌周", Kind: channel.BrandWeek, Badge: "品牌周", Start: now.Add(-day), End: now.Add(6 * day)},
			modules: func(campID, bannerID string) []channel.Module {
				return []channel.Module{
					{Kind: channel.Banner, Title: "轴承品牌周 授权品牌 正品保障", Image: bannerID, Alt: "轴承品牌周:授权品牌正品保障", Link: "/c/bearings"},
					{Kind: channel.Slot, Title: "品牌周特惠", CampaignID: campID, Count: 8},
					{Kind: channel.Shelf, Title: "6204 系列", Query: "6204", Count: 8},
					{Kind: channel.Categories, Title: "轴承类目", CatIDs: idsOf("deep-groove-ball-bearings", "tapered-roller-bearings")},
					{Kind: channel.HotTerms, Title: "热搜", Count: 8},
				}
			}},
	}
	return d.WithTx(ctx, func(ctx context.Context) error {
		for i, s := range specs {
			if _, ok := byCode[s.campCat]; !ok {
				continue // a catalogue without this branch
			}
			ids, err := products(ctx, s.campCat, 16)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				continue
			}
			c := s.camp
			c.ID, c.ProductIDs, c.CreatedAt, c.UpdatedAt = db.NewID(), ids, now, now
			if err := st.SaveCampaign(ctx, &c); err != nil {
				return err
			}
			wide, err := picture(ctx, 1200, 360, s.from, s.to, s.slug+"-banner.png")
			if err != nil {
				return err
			}
			entry, err := picture(ctx, 480, 270, s.from, s.to, s.slug+"-entry.png")
			if err != nil {
				return err
			}
			ms := s.modules(c.ID, wide)
			for j := range ms {
				ms[j].ID = db.NewID()
			}
			ch := &channel.Channel{ID: db.NewID(), Slug: s.slug, Title: s.title, Intro: s.intro, Image: entry, OnHome: true, Sort: (i + 1) * 10,
				Draft: ms, Live: ms, Published: true, PublishedAt: now, CreatedAt: now, UpdatedAt: now}
			if err := st.SaveChannel(ctx, ch); err != nil {
				return fmt.Errorf("channel %s: %w", s.slug, err)
			}
		}
		return nil
	})
}

func first(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}
