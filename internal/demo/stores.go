package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/storefront"
)

// seedStores decorates the first suppliers' stores: a profile, a banner, their best
// sellers, a category block and a brand story, published.
func seedStores(ctx context.Context, d *db.DB, st *store.Store, supplierIDs []string, base time.Time) error {
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	return d.WithTx(ctx, func(ctx context.Context) error {
		for i, id := range supplierIDs {
			if i >= 12 {
				break
			}
			o, err := st.OrgByID(ctx, id)
			if err != nil {
				return err
			}
			best, _, err := st.ProductCards(ctx, catalog.CardFilter{SupplierID: id, Limit: 6})
			if err != nil {
				return err
			}
			var featured []string
			for _, c := range best {
				featured = append(featured, c.ID)
			}
			modules := []storefront.Module{
				{ID: db.NewID(), Kind: storefront.Banner, Title: "源头工厂 · 现货直供", Text: "全规格现货,当天发货;非标件可来图定制,48 小时内报价。"},
			}
			if len(featured) > 0 {
				modules = append(modules, storefront.Module{ID: db.NewID(), Kind: storefront.Featured, Title: "热卖推荐", ProductIDs: featured})
			}
			if len(best) > 0 {
				for _, c := range cats {
					if c.Code == best[0].CategoryCode {
						modules = append(modules, storefront.Module{ID: db.NewID(), Kind: storefront.Categories, Title: c.NameZH, Category: c.ID})
					}
				}
			}
			modules = append(modules, storefront.Module{ID: db.NewID(), Kind: storefront.BrandStory, Title: "关于我们",
				Text: fmt.Sprintf("%s成立于 %d 年,专注工业品制造与分销。\n\n拥有完整的生产与检测体系,产品出厂逐批检验,提供材质证明与检测报告。", o.Name, 1998+i)})
			at := base.Add(time.Duration(30+i) * 24 * time.Hour)
			s := &storefront.Store{OrgID: id, Name: o.Name, Intro: "工业品源头供应商,支持对公转账、增值税专用发票。",
				Capability:   fmt.Sprintf("厂房面积 %d 平方米,自动化生产线 %d 条,年产能稳定。", 8000+i*1500, 6+i%5),
				Certificates: "ISO 9001:2015 质量管理体系认证\nISO 14001:2015 环境管理体系认证", Phone: fmt.Sprintf("0574-8%07d", 6000000+i*37),
				QQ: fmt.Sprint(800100200 + i*7), Draft: modules, Live: modules, PublishedAt: at, UpdatedAt: at}
			if err := st.SaveStore(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
}
