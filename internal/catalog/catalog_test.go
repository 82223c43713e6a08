package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type clock struct{ t time.Time }

func (c *clock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

// env is a catalogue with a small tree (紧固件 › 螺栓 › 外六角螺栓, and 阀门 › 球阀 which
// needs review), two active suppliers, one applying supplier, ops and customer service.
type env struct {
	d                   *db.DB
	st                  *store.Store
	svc                 *catalog.Service
	ops, kefu           *identity.Principal
	supA, supB, pending *identity.Principal
	buyer               *identity.Principal
	root, bolts, hex    *catalog.CategoryInfo
	valves, ball        *catalog.CategoryInfo
	attrs               map[string]*catalog.Attribute
}

func principal(t *testing.T, st *store.Store, kind identity.OrgKind, name, status string, roles ...identity.Role) *identity.Principal {
	t.Helper()
	o := &identity.Org{Kind: kind, Name: name, Status: status, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateOrg(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	return &identity.Principal{User: identity.User{ID: db.NewID(), DisplayName: name + "的人"}, Org: *o, Roles: roles}
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	st := store.New(d)
	c := &clock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	e := &env{d: d, st: st, svc: &catalog.Service{DB: d, Store: st, Audit: st, Now: c.now}, attrs: map[string]*catalog.Attribute{}}
	e.ops = principal(t, st, identity.Platform, "筑巢平台", "active", identity.OpsManager)
	e.kefu = &identity.Principal{User: identity.User{ID: db.NewID(), DisplayName: "客服"}, Org: e.ops.Org, Roles: []identity.Role{identity.CustomerService}}
	e.supA = principal(t, st, identity.Supplier, "宁波固特紧固件有限公司", identity.OrgActive, identity.Owner)
	e.supB = principal(t, st, identity.Supplier, "无锡轴承有限公司", identity.OrgActive, identity.Owner)
	e.pending = principal(t, st, identity.Supplier, "申请中五金有限公司", identity.OrgApplying, identity.Owner)
	e.buyer = principal(t, st, identity.Buyer, "甲采购有限公司", identity.OrgActive, identity.Owner)
	// Supplier A has paid its deposit: its store is live, so its products show.
	if err := st.SetStoreLive(ctx, e.supA.Org.ID, true); err != nil {
		t.Fatal(err)
	}
	cat := must[*catalog.CategoryInfo](t)
	e.root = cat(e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{Code: "fasteners", NameZH: "紧固件", NameEN: "Fasteners"}))
	e.bolts = cat(e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{ParentID: e.root.ID, Code: "bolts", NameZH: "螺栓", NameEN: "Bolts"}))
	e.hex = cat(e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{ParentID: e.bolts.ID, Code: "hex-bolts", NameZH: "外六角螺栓", NameEN: "Hex bolts", Sort: "1"}))
	e.valves = cat(e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{Code: "valves", NameZH: "阀门", NameEN: "Valves", NeedsReview: true}))
	e.ball = cat(e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{ParentID: e.valves.ID, Code: "ball-valves", NameZH: "球阀", NameEN: "Ball valves"}))
	attr := must[*catalog.Attribute](t)
	add := func(c *catalog.CategoryInfo, in catalog.AttributeInput) {
		t.Helper()
		e.attrs[in.Code] = attr(e.svc.AddAttribute(ctx, e.ops, c.ID, in))
	}
	add(e.root, catalog.AttributeInput{Code: "origin", NameZH: "产地", NameEN: "Origin", Kind: "text", Filterable: true})
	add(e.bolts, catalog.AttributeInput{Code: "grade", NameZH: "性能等级", NameEN: "Grade", Kind: "enum", Options: []string{"4.8级", "8.8级", "10.9级"}, Required: true, Filterable: true})
	add(e.hex, catalog.AttributeInput{Code: "thread", NameZH: "螺纹规格", NameEN: "Thread", Kind: "enum", Options: []string{"M6", "M8", "M10"}, Required: true, Filterable: true, Sales: true})
	add(e.hex, catalog.AttributeInput{Code: "length", NameZH: "长度", NameEN: "Length", Kind: "number", Unit: "mm", Required: true, Filterable: true, Sales: true})
	add(e.hex, catalog.AttributeInput{Code: "coated", NameZH: "镀锌", NameEN: "Zinc plated", Kind: "bool"})
	add(e.hex, catalog.AttributeInput{Code: "temp", NameZH: "工作温度", NameEN: "Working temperature", Kind: "range", Unit: "°C"})
	add(e.hex, catalog.AttributeInput{Code: "weight", NameZH: "单重", NameEN: "Unit weight", Kind: "number", Unit: "g"})
	add(e.ball, catalog.AttributeInput{Code: "pn", NameZH: "公称压力", NameEN: "Nominal pressure", Kind: "number", Unit: "MPa", Required: true, Filterable: true})
	for _, b := range []string{"固特牢", "恒钜"} {
		if err := st.AddBrand(ctx, &catalog.Brand{Name: b}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func boltInput(cat string) catalog.ProductInput {
	return catalog.ProductInput{CategoryID: cat, Brand: "固特牢", Name: "外六角螺栓", Model: "GB/T 5782",
		Attrs: map[string]string{"grade": "8.8级", "origin": "浙江宁波", "coated": "是", "temp": "-20~120℃", "weight": "0.02kg"},
		SKUs: []catalog.SKUInput{
			{Code: "HB-M8-40", Spec: map[string]string{"thread": "M8", "length": "40"}, Unit: "千件", Stock: "500",
				Tiers: []catalog.TierInput{{Qty: "10", Price: "125.00"}, {Qty: "50", Price: "118.5"}, {Qty: "200", Price: "110"}}},
			{Code: "HB-M10-50", Spec: map[string]string{"thread": "M10", "length": "5cm"}, Unit: "千件", MOQ: "5", Multiple: "5", Stock: "80",
				WeightG: "32000", VolumeCM3: "4500",
				Tiers: []catalog.TierInput{{Qty: "5", Price: "210"}, {Qty: "100", Price: "198.8"}}},
			{Code: "HB-M10-60", Spec: map[string]string{"thread": "M10", "length": "60mm"}, Unit: "千件", Stock: "0",
				Tiers: []catalog.TierInput{{Qty: "1", Price: "¥230.0125"}}},
		}}
}

// fieldErr returns the message key recorded against field, or "".
func fieldErr(err error, field string) string {
	e := errs.As(err)
	if e == nil {
		return ""
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return f.Msg.Key
		}
	}
	return ""
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProductLifecycle(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		v, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != catalog.StatusOnSale || v.Version != 1 || len(v.SKUs) != 3 {
			t.Fatalf("created: status %s version %d skus %d", v.Status, v.Version, len(v.SKUs))
		}
		if v.Title != "固特牢 8.8级 外六角螺栓" {
			t.Fatalf("built title %q", v.Title)
		}
		attrs := map[string]catalog.Value{}
		for _, a := range v.Attrs {
			attrs[a.Code] = a
		}
		if a := attrs["weight"]; a.Num == nil || *a.Num != 20 || a.Text != "20g" {
			t.Fatalf("0.02kg stored as %+v", a)
		}
		if a := attrs["temp"]; a.Text != "-20~120°C" || *a.Num != -20 || *a.Max != 120 {
			t.Fatalf("range stored as %+v", a)
		}
		if attrs["coated"].Text != "是" {
			t.Fatalf("bool stored as %+v", attrs["coated"])
		}
		sku := map[string]catalog.SKU{}
		for _, k := range v.SKUs {
			sku[k.Code] = k
		}
		if k, l := sku["HB-M10-50"], spec(sku["HB-M10-50"], "length"); *l.Num != 50 || l.Text != "50mm" || k.MOQ != 5 || k.Multiple != 5 || k.Price != 2100000 ||
			k.WeightG != 32000 || k.VolumeCM3 != 4500 {
			t.Fatalf("M10 SKU: %+v", k)
		}
		if k := sku["HB-M8-40"]; k.MOQ != 10 || k.Multiple != 1 || len(k.Tiers) != 3 || k.Tiers[2].UnitPrice != 1100000 || k.WeightG != 0 || k.VolumeCM3 != 0 {
			t.Fatalf("M8 SKU: %+v", k)
		}
		if k := sku["HB-M10-60"]; k.Price != 2300125 {
			t.Fatalf("price with 4 decimals: %d", k.Price)
		}
		if len(v.Prices) != 3 || len(v.Events) != 1 || v.Events[0].To != catalog.StatusOnSale {
			t.Fatalf("history: %d prices, events %+v", len(v.Prices), v.Events)
		}
		// On sale: the storefront sees it.
		if _, err := e.st.ProductDetail(ctx, v.ID); err != nil {
			t.Fatalf("storefront: %v", err)
		}

		// Edit: a new tier on one SKU, one SKU dropped, one renamed (matched by ID).
		in := boltInput(e.hex.ID)
		in.Version = v.Version
		in.SKUs[0].Tiers = append(in.SKUs[0].Tiers, catalog.TierInput{Qty: "1000", Price: "99"})
		in.SKUs[1].ID, in.SKUs[1].Code = sku["HB-M10-50"].ID, "HB-M10-050"
		in.SKUs[1].VolumeCM3 = " 4800 "
		in.SKUs = in.SKUs[:2]
		v2, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false)
		if err != nil {
			t.Fatal(err)
		}
		if v2.Status != catalog.StatusOnSale || v2.Version != 2 || len(v2.SKUs) != 2 {
			t.Fatalf("after edit: %s v%d %d SKUs", v2.Status, v2.Version, len(v2.SKUs))
		}
		if k := byCode(v2.SKUs, "HB-M10-050"); k.ID != sku["HB-M10-50"].ID || k.VolumeCM3 != 4800 || k.WeightG != 32000 {
			t.Fatalf("rename by ID: %+v", v2.SKUs)
		}
		if len(v2.Prices) != 4 || v2.Prices[0].SKUCode != "HB-M8-40" || len(v2.Prices[0].Old) != 3 || len(v2.Prices[0].New) != 4 {
			t.Fatalf("price history after edit: %+v", v2.Prices)
		}
		// The stale form is refused.
		if _, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale version: %v", err)
		}
		// Dropped SKU code comes back on the same product: the retired SKU is revived.
		in.Version = v2.Version
		in.SKUs = append(in.SKUs, boltInput(e.hex.ID).SKUs[2])
		v3, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(v3.SKUs) != 3 || byCode(v3.SKUs, "HB-M10-60").ID != sku["HB-M10-60"].ID {
			t.Fatalf("revived SKU: %+v", v3.SKUs)
		}

		// Shelf switch, ban and unban.
		off, err := e.svc.SetOnSale(ctx, e.supA, v.ID, false)
		if err != nil || off.Status != catalog.StatusOffSale {
			t.Fatalf("off sale: %v %v", off, err)
		}
		if _, err := e.st.ProductDetail(ctx, v.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("off-sale product on the storefront: %v", err)
		}
		if _, err := e.svc.SetOnSale(ctx, e.supA, v.ID, false); !errs.Is(err, errs.Conflict) {
			t.Fatalf("off sale twice: %v", err)
		}
		if on, err := e.svc.SetOnSale(ctx, e.supA, v.ID, true); err != nil || on.Status != catalog.StatusOnSale {
			t.Fatalf("on sale: %v %v", on, err)
		}
		if _, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Ban, ""); fieldErr(err, "reason") != "err.required" {
			t.Fatalf("ban without reason: %v", err)
		}
		if _, err := e.svc.Moderate(ctx, e.supA, v.ID, catalog.Unban, ""); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("supplier unbans: %v", err)
		}
		if _, err := e.svc.Moderate(ctx, e.kefu, v.ID, catalog.Ban, "虚假参数"); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("customer service bans: %v", err)
		}
		b, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Ban, "虚假参数")
		if err != nil || b.Status != catalog.StatusBanned || b.StatusReason != "虚假参数" {
			t.Fatalf("ban: %+v %v", b, err)
		}
		if _, err := e.svc.SetOnSale(ctx, e.supA, v.ID, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("banned product put on sale: %v", err)
		}
		in.Version = b.Version
		if _, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("banned product published: %v", err)
		}
		if u, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Unban, ""); err != nil || u.Status != catalog.StatusOffSale || u.StatusReason != "" {
			t.Fatalf("unban: %+v %v", u, err)
		}
		got, err := e.svc.Product(ctx, e.supA, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		var trail []string
		for _, ev := range got.Events {
			trail = append(trail, ev.From+">"+ev.To)
		}
		if want := ">on_sale on_sale>off_sale off_sale>on_sale on_sale>banned banned>off_sale"; strings.Join(trail, " ") != want {
			t.Fatalf("events %q, want %q", strings.Join(trail, " "), want)
		}
		var audits int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE object_id = ? AND action LIKE 'catalog.product.%'`, v.ID).Scan(&audits)
		if audits != 7 {
			t.Fatalf("%d audit entries for the product", audits)
		}

		// A draft may be incomplete; publishing it needs the required attributes.
		draft := boltInput(e.hex.ID)
		delete(draft.Attrs, "grade")
		for i := range draft.SKUs {
			draft.SKUs[i].Code += "-D"
		}
		dv, err := e.svc.CreateProduct(ctx, e.supA, draft, false)
		if err != nil || dv.Status != catalog.StatusDraft {
			t.Fatalf("incomplete draft: %v %v", dv, err)
		}
		if _, err := e.svc.SetOnSale(ctx, e.supA, dv.ID, true); !errs.Is(err, errs.Conflict) || errs.As(err).Msg.Args[0] != "性能等级" {
			t.Fatalf("incomplete draft put on sale: %v", err)
		}
		list, total, err := e.svc.Products(ctx, e.supA, catalog.ProductFilter{Status: catalog.StatusDraft})
		if err != nil || total != 1 || list[0].ID != dv.ID || list[0].SKUs != 3 || list[0].MinPrice != 1250000 {
			t.Fatalf("draft list: %+v %d %v", list, total, err)
		}
	})
}

func TestReviewRule(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		in := catalog.ProductInput{CategoryID: e.ball.ID, Brand: "恒钜", Name: "不锈钢球阀", Attrs: map[string]string{"pn": "16bar"},
			SKUs: []catalog.SKUInput{{Code: "BV-DN25", Unit: "台", Tiers: []catalog.TierInput{{Qty: "1", Price: "180"}, {Qty: "10", Price: "165"}}}}}
		v, err := e.svc.CreateProduct(ctx, e.supA, in, true)
		if err != nil {
			t.Fatal(err)
		}
		if v.Status != catalog.StatusSubmitted || *v.Attrs[0].Num != 1.6 || v.Attrs[0].Text != "1.6MPa" {
			t.Fatalf("review category: %s %+v", v.Status, v.Attrs)
		}
		if _, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Reject, ""); fieldErr(err, "reason") != "err.required" {
			t.Fatalf("reject without reason: %v", err)
		}
		r, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Reject, "缺少材质说明")
		if err != nil || r.Status != catalog.StatusDraft || r.StatusReason != "缺少材质说明" {
			t.Fatalf("reject: %+v %v", r, err)
		}
		s, err := e.svc.SetOnSale(ctx, e.supA, v.ID, true)
		if err != nil || s.Status != catalog.StatusSubmitted {
			t.Fatalf("resubmit: %+v %v", s, err)
		}
		a, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Approve, "")
		if err != nil || a.Status != catalog.StatusOnSale {
			t.Fatalf("approve: %+v %v", a, err)
		}
		// A price change stays on sale; a content change goes back to review.
		in.Version = a.Version
		in.SKUs[0].Tiers[1].Price = "160"
		p1, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false)
		if err != nil || p1.Status != catalog.StatusOnSale {
			t.Fatalf("price edit: %+v %v", p1, err)
		}
		in.Version = p1.Version
		in.Description = "全新描述"
		p2, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false)
		if err != nil || p2.Status != catalog.StatusSubmitted {
			t.Fatalf("content edit: %+v %v", p2, err)
		}
		if _, err := e.svc.Moderate(ctx, e.ops, v.ID, catalog.Unban, ""); !errs.Is(err, errs.Conflict) {
			t.Fatalf("unban a product that is not banned: %v", err)
		}
	})
}

// TestBadInput: every bad input is named on its field and nothing is stored.
func TestBadInput(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		// Another product of the same supplier holds code HB-OTHER.
		other := boltInput(e.hex.ID)
		other.SKUs = other.SKUs[:1]
		other.SKUs[0].Code = "HB-OTHER"
		if _, err := e.svc.CreateProduct(ctx, e.supA, other, false); err != nil {
			t.Fatal(err)
		}
		// Supplier B may use the same code: codes are unique per supplier.
		if _, err := e.svc.CreateProduct(ctx, e.supB, other, false); err != nil {
			t.Fatalf("same code at another supplier: %v", err)
		}
		cases := []struct {
			name   string
			edit   func(in *catalog.ProductInput)
			field  string
			key    string
			create bool // create as a draft instead of publishing
		}{
			{"duplicate SKU codes", func(in *catalog.ProductInput) { in.SKUs[2].Code = "HB-M8-40" }, "skus[2].code", "err.sku_code_dup", false},
			{"code of another product", func(in *catalog.ProductInput) { in.SKUs[1].Code = "HB-OTHER" }, "skus[1].code", "err.sku_code_taken", false},
			{"bad code", func(in *catalog.ProductInput) { in.SKUs[0].Code = "HB M8" }, "skus[0].code", "err.sku_code_format", false},
			{"tiers out of order", func(in *catalog.ProductInput) { in.SKUs[0].Tiers[2].Qty = "50" }, "skus[0].tiers[2].qty", "err.tier_order", false},
			{"tier price rises", func(in *catalog.ProductInput) { in.SKUs[0].Tiers[1].Price = "126" }, "skus[0].tiers[1].price", "err.tier_price_rises", false},
			{"tier price with 5 decimals", func(in *catalog.ProductInput) { in.SKUs[0].Tiers[1].Price = "1.00001" }, "skus[0].tiers[1].price", "err.tier_price_precision", false},
			{"tier price zero", func(in *catalog.ProductInput) { in.SKUs[0].Tiers[0].Price = "0" }, "skus[0].tiers[0].price", "err.tier_price_zero", false},
			{"tier without price", func(in *catalog.ProductInput) { in.SKUs[0].Tiers[1].Price = "" }, "skus[0].tiers[1].price", "err.required", false},
			{"no tiers", func(in *catalog.ProductInput) { in.SKUs[0].Tiers = nil }, "skus[0].tiers", "err.tier_required", true},
			{"MOQ above first tier", func(in *catalog.ProductInput) { in.SKUs[0].MOQ = "20" }, "skus[0].moq", "err.sku_moq_above_tier", false},
			{"MOQ below first tier", func(in *catalog.ProductInput) { in.SKUs[0].MOQ = "2" }, "skus[0].moq", "err.sku_moq_below_tier", false},
			{"MOQ zero", func(in *catalog.ProductInput) { in.SKUs[0].MOQ = "0" }, "skus[0].moq", "err.sku_moq", false},
			{"MOQ not a multiple", func(in *catalog.ProductInput) { in.SKUs[1].Multiple = "3" }, "skus[1].moq", "err.sku_moq_multiple", false},
			{"multiple zero", func(in *catalog.ProductInput) { in.SKUs[1].Multiple = "0" }, "skus[1].multiple", "err.sku_multiple", false},
			{"negative stock", func(in *catalog.ProductInput) { in.SKUs[2].Stock = "-1" }, "skus[2].stock", "err.sku_stock", true},
			{"negative weight", func(in *catalog.ProductInput) { in.SKUs[1].WeightG = "-1" }, "skus[1].weight_g", "err.sku_weight", true},
			{"weight too large", func(in *catalog.ProductInput) { in.SKUs[1].WeightG = "1000000001" }, "skus[1].weight_g", "err.sku_weight", false},
			{"negative volume", func(in *catalog.ProductInput) { in.SKUs[1].VolumeCM3 = "-1" }, "skus[1].volume_cm3", "err.sku_volume", true},
			{"fractional volume", func(in *catalog.ProductInput) { in.SKUs[0].VolumeCM3 = "4.5" }, "skus[0].volume_cm3", "err.sku_volume", false},
			{"volume not a number", func(in *catalog.ProductInput) { in.SKUs[2].VolumeCM3 = "big" }, "skus[2].volume_cm3", "err.sku_volume", true},
			{"volume too large", func(in *catalog.ProductInput) { in.SKUs[1].VolumeCM3 = "1000000001" }, "skus[1].volume_cm3", "err.sku_volume", false},
			{"sale unit not in the list", func(in *catalog.ProductInput) { in.SKUs[0].Unit = "吨" }, "skus[0].unit", "err.sku_unit", false},
			{"wrong unit", func(in *catalog.ProductInput) { in.SKUs[0].Spec["length"] = "40kg" }, "skus[0].spec.length", "err.cat_unit_wrong", false},
			{"unknown unit", func(in *catalog.ProductInput) { in.SKUs[0].Spec["length"] = "40 furlong" }, "skus[0].spec.length", "err.cat_unit_unknown", false},
			{"not a number", func(in *catalog.ProductInput) { in.SKUs[0].Spec["length"] = "long" }, "skus[0].spec.length", "err.cat_value_number", true},
			{"enum value not in options", func(in *catalog.ProductInput) { in.Attrs["grade"] = "12.9级" }, "attr.grade", "err.cat_value_option", true},
			{"sales enum not in options", func(in *catalog.ProductInput) { in.SKUs[1].Spec["thread"] = "M12" }, "skus[1].spec.thread", "err.cat_value_option", false},
			{"missing required attribute", func(in *catalog.ProductInput) { delete(in.Attrs, "grade") }, "attr.grade", "err.product_attr_required", false},
			{"missing required sales attribute", func(in *catalog.ProductInput) { in.SKUs[1].Spec["length"] = " " }, "skus[1].spec.length", "err.product_attr_required", false},
			{"same spec twice", func(in *catalog.ProductInput) { in.SKUs[2].Spec["length"] = "5cm" }, "skus[2].spec", "err.sku_spec_dup", false},
			{"range reversed", func(in *catalog.ProductInput) { in.Attrs["temp"] = "120~-20" }, "attr.temp", "err.cat_value_range_order", true},
			{"bool nonsense", func(in *catalog.ProductInput) { in.Attrs["coated"] = "maybe" }, "attr.coated", "err.cat_value_bool", true},
			{"unknown brand", func(in *catalog.ProductInput) { in.Brand = "山寨牌" }, "brand", "err.product_brand_unknown", false},
			{"no name", func(in *catalog.ProductInput) { in.Name = "" }, "name", "err.required", true},
			{"no SKUs when publishing", func(in *catalog.ProductInput) { in.SKUs = nil }, "skus", "err.sku_required", false},
			{"not a leaf", func(in *catalog.ProductInput) { in.CategoryID = e.bolts.ID }, "category", "err.cat_not_leaf", false},
			{"unknown category", func(in *catalog.ProductInput) { in.CategoryID = db.NewID() }, "category", "err.cat_unknown", false},
		}
		products, skus, prices := count(t, d, "products"), count(t, d, "skus"), count(t, d, "sku_price_history")
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := boltInput(e.hex.ID)
				c.edit(&in)
				_, err := e.svc.CreateProduct(ctx, e.supA, in, !c.create)
				if got := fieldErr(err, c.field); got != c.key {
					t.Fatalf("%s: field %s has %q, want %q (err %v)", c.name, c.field, got, c.key, err)
				}
				if errs.CodeOf(err) != errs.Invalid {
					t.Fatalf("%s: code %s", c.name, errs.CodeOf(err))
				}
			})
		}
		if count(t, d, "products") != products || count(t, d, "skus") != skus || count(t, d, "sku_price_history") != prices {
			t.Fatal("a refused product left rows behind")
		}
		// The error names the row: the duplicate's message points at the first row.
		in := boltInput(e.hex.ID)
		in.SKUs[2].Code = "HB-M8-40"
		_, err := e.svc.CreateProduct(ctx, e.supA, in, true)
		for _, f := range errs.As(err).Fields {
			if f.Field == "skus[2].code" && (f.Msg.Args[0] != "HB-M8-40" || f.Msg.Args[1] != 1) {
				t.Fatalf("duplicate message args %v", f.Msg.Args)
			}
		}
	})
}

func TestTenancyAndRoles(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		v, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true)
		if err != nil {
			t.Fatal(err)
		}
		in := boltInput(e.hex.ID)
		in.Version = v.Version
		if _, err := e.svc.Product(ctx, e.supB, v.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("B reads A's product: %v", err)
		}
		if _, err := e.svc.UpdateProduct(ctx, e.supB, v.ID, in, false); !errs.Is(err, errs.NotFound) {
			t.Fatalf("B edits A's product: %v", err)
		}
		if _, err := e.svc.SetOnSale(ctx, e.supB, v.ID, false); !errs.Is(err, errs.NotFound) {
			t.Fatalf("B takes A's product off sale: %v", err)
		}
		if list, _, _ := e.svc.Products(ctx, e.supB, catalog.ProductFilter{}); len(list) != 0 {
			t.Fatalf("B lists A's products: %+v", list)
		}
		if _, err := e.svc.Product(ctx, e.supA, "not-an-id"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("malformed id: %v", err)
		}
		// An applying supplier cannot publish; a buyer cannot either.
		if _, err := e.svc.CreateProduct(ctx, e.pending, boltInput(e.hex.ID), false); !errs.Is(err, errs.Forbidden) || errs.As(err).Msg.Key != "err.product_supplier_inactive" {
			t.Fatalf("inactive supplier: %v", err)
		}
		if _, err := e.svc.CreateProduct(ctx, e.buyer, boltInput(e.hex.ID), false); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("buyer: %v", err)
		}
		// A supplier suspended after publishing can no longer change its products.
		if _, err := d.Exec(ctx, `UPDATE orgs SET status = 'suspended' WHERE id = ?`, e.supA.Org.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.UpdateProduct(ctx, e.supA, v.ID, in, false); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("suspended supplier edits: %v", err)
		}
		// Templates are for ops and admins.
		for _, p := range []*identity.Principal{e.kefu, e.supB, e.buyer} {
			if _, err := e.svc.CreateCategory(ctx, p, catalog.CategoryInput{Code: "x-cat", NameZH: "某类"}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s creates a category: %v", p.Org.Name, err)
			}
			if _, err := e.svc.AddAttribute(ctx, p, e.hex.ID, catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "text"}); !errs.Is(err, errs.Forbidden) {
				t.Fatalf("%s edits a template: %v", p.Org.Name, err)
			}
		}
		admin := &identity.Principal{User: identity.User{ID: db.NewID(), DisplayName: "管理员"}, Org: e.ops.Org, Roles: []identity.Role{identity.Admin}}
		if _, err := e.svc.CreateCategory(ctx, admin, catalog.CategoryInput{Code: "tools", NameZH: "工具"}); err != nil {
			t.Fatalf("admin creates a category: %v", err)
		}
	})
}

func TestTemplateChanges(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		if _, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true); err != nil {
			t.Fatal(err)
		}
		attr := func(code string) catalog.AttributeInput {
			a := e.attrs[code]
			return catalog.AttributeInput{Code: a.Code, NameZH: a.NameZH, NameEN: a.NameEN, Kind: string(a.Kind), Unit: a.Unit, Options: a.Options,
				Required: a.Required, Filterable: a.Filterable, Sales: a.Sales}
		}
		conflict := func(err error, key string, args ...any) {
			t.Helper()
			e := errs.As(err)
			if e == nil || e.Code != errs.Conflict || e.Msg.Key != key || fmt.Sprintf("%v", e.Msg.Args) != fmt.Sprintf("%v", args) {
				t.Fatalf("got %v, want conflict %s %v", err, key, args)
			}
		}
		// Values in use: no removal, no kind, unit, code or sales change, no removed option.
		conflict(e.svc.RemoveAttribute(ctx, e.ops, e.attrs["grade"].ID), "err.cat_attr_in_use", "性能等级")
		in := attr("length")
		in.Kind = "range"
		_, err := e.svc.UpdateAttribute(ctx, e.ops, e.attrs["length"].ID, in)
		conflict(err, "err.cat_attr_kind_in_use", "长度")
		in = attr("length")
		in.Unit = "cm"
		_, err = e.svc.UpdateAttribute(ctx, e.ops, e.attrs["length"].ID, in)
		conflict(err, "err.cat_attr_unit_in_use", "长度")
		in = attr("thread")
		in.Sales = false
		_, err = e.svc.UpdateAttribute(ctx, e.ops, e.attrs["thread"].ID, in)
		conflict(err, "err.cat_attr_sales_in_use", "螺纹规格")
		in = attr("grade")
		in.Code = "class"
		_, err = e.svc.UpdateAttribute(ctx, e.ops, e.attrs["grade"].ID, in)
		conflict(err, "err.cat_attr_code_in_use", "性能等级")
		in = attr("thread")
		in.Options = []string{"M6", "M10", "M12"}
		_, err = e.svc.UpdateAttribute(ctx, e.ops, e.attrs["thread"].ID, in)
		conflict(err, "err.cat_attr_option_in_use", "螺纹规格", "M8")
		// What no product uses may change; names and flags always may.
		in.Options = []string{"M8", "M10", "M12"} // M6 is unused
		in.NameZH, in.Required = "公称直径", false
		if a, err := e.svc.UpdateAttribute(ctx, e.ops, e.attrs["thread"].ID, in); err != nil || a.NameZH != "公称直径" || len(a.Options) != 3 {
			t.Fatalf("safe change: %+v %v", a, err)
		}
		in = attr("weight")
		in.Unit = "kg"
		_, err = e.svc.UpdateAttribute(ctx, e.ops, mustAttrID(t, d, "weight"), in)
		conflict(err, "err.cat_attr_unit_in_use", "单重")
		// An unused attribute can be removed.
		extra, err := e.svc.AddAttribute(ctx, e.ops, e.hex.ID, catalog.AttributeInput{Code: "finish", NameZH: "表面处理", Kind: "enum", Options: []string{"黑色", "镀锌"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.RemoveAttribute(ctx, e.ops, extra.ID); err != nil {
			t.Fatalf("remove unused: %v", err)
		}
		// Codes are unique along the path and in the subtree.
		_, err = e.svc.AddAttribute(ctx, e.ops, e.hex.ID, catalog.AttributeInput{Code: "origin", NameZH: "原产地", Kind: "text"})
		if fieldErr(err, "code") != "err.cat_attr_code_taken" {
			t.Fatalf("code of an ancestor's attribute: %v", err)
		}
		_, err = e.svc.AddAttribute(ctx, e.ops, e.root.ID, catalog.AttributeInput{Code: "length", NameZH: "长", Kind: "number", Unit: "mm"})
		if fieldErr(err, "code") != "err.cat_attr_code_taken" {
			t.Fatalf("code of a descendant's attribute: %v", err)
		}
		for _, c := range []struct {
			in    catalog.AttributeInput
			field string
			key   string
		}{
			{catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "enum"}, "options", "err.cat_options_required"},
			{catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "number", Unit: "furlong"}, "unit", "err.cat_unit_unknown"},
			{catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "colour"}, "kind", "err.cat_attr_kind"},
			{catalog.AttributeInput{Code: "9x", NameZH: "x", Kind: "text"}, "code", "err.cat_attr_code_format"},
			{catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "enum", Options: []string{"a", "A"}}, "options", "err.cat_option_dup"},
			{catalog.AttributeInput{Code: "x", NameZH: "x", Kind: "text", Sales: true}, "sales", "err.cat_attr_sales_kind"},
		} {
			if _, err := e.svc.AddAttribute(ctx, e.ops, e.hex.ID, c.in); fieldErr(err, c.field) != c.key {
				t.Fatalf("%+v: %v", c.in, err)
			}
		}
		// Units are normalised: 毫米 is mm.
		if a, err := e.svc.AddAttribute(ctx, e.ops, e.hex.ID, catalog.AttributeInput{Code: "head", NameZH: "头高", Kind: "number", Unit: "毫米"}); err != nil || a.Unit != "mm" {
			t.Fatalf("unit alias: %+v %v", a, err)
		}

		// Categories: no children under a category holding products; codes unique.
		if _, err := e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{ParentID: e.hex.ID, Code: "long-bolts", NameZH: "长螺栓"}); fieldErr(err, "parent_id") != "err.cat_parent_has_products" {
			t.Fatalf("child under products: %v", err)
		}
		if _, err := e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{Code: "bolts", NameZH: "重复"}); fieldErr(err, "code") != "err.cat_code_taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		if _, err := e.svc.CreateCategory(ctx, e.ops, catalog.CategoryInput{Code: "Bad Code", NameZH: "坏"}); fieldErr(err, "code") != "err.cat_code_format" {
			t.Fatalf("bad code: %v", err)
		}
		// Moving 外六角螺栓 under 阀门 would orphan origin and grade (inherited, in use).
		_, err = e.svc.MoveCategory(ctx, e.ops, e.hex.ID, e.valves.ID)
		conflict(err, "err.cat_move_orphans", "产地")
		if _, err := e.svc.MoveCategory(ctx, e.ops, e.bolts.ID, e.hex.ID); fieldErr(err, "parent_id") == "" {
			t.Fatalf("move into own subtree: %v", err)
		}
		// Moving 螺栓 (with its subtree) to the root keeps grade but loses origin, which
		// products use: refused. 阀门 has no products and moves.
		_, err = e.svc.MoveCategory(ctx, e.ops, e.bolts.ID, "")
		conflict(err, "err.cat_move_orphans", "产地")
		moved, err := e.svc.MoveCategory(ctx, e.ops, e.valves.ID, e.root.ID)
		if err != nil || moved.Path != "/fasteners/valves/" || moved.Depth != 1 {
			t.Fatalf("move: %+v %v", moved, err)
		}
		ball, err := e.st.CatalogCategory(ctx, e.ball.ID)
		if err != nil || ball.Path != "/fasteners/valves/ball-valves/" || ball.Depth != 2 {
			t.Fatalf("subtree after move: %+v %v", ball, err)
		}
		tmpl, _ := e.st.Template(ctx, ball.Path)
		if len(tmpl) != 2 || tmpl[0].Code != "origin" {
			t.Fatalf("ball valves now inherit origin: %+v", tmpl)
		}
		// Renaming a code rewrites the subtree's paths.
		r, err := e.svc.UpdateCategory(ctx, e.ops, e.valves.ID, catalog.CategoryInput{Code: "valve", NameZH: "阀门", NameEN: "Valves", NeedsReview: true})
		if err != nil || r.Path != "/fasteners/valve/" {
			t.Fatalf("rename: %+v %v", r, err)
		}
		if ball, _ = e.st.CatalogCategory(ctx, e.ball.ID); ball.Path != "/fasteners/valve/ball-valves/" {
			t.Fatalf("subtree after rename: %s", ball.Path)
		}
		if review, _ := e.st.CatalogPathNeedsReview(ctx, ball.Path); !review {
			t.Fatal("review flag not inherited")
		}
		// Disabling a subtree: no new products there; enabling needs an active parent.
		if err := e.svc.SetCategoryActive(ctx, e.ops, e.bolts.ID, false); err != nil {
			t.Fatal(err)
		}
		in2 := boltInput(e.hex.ID)
		for i := range in2.SKUs {
			in2.SKUs[i].Code += "-3"
		}
		if _, err := e.svc.CreateProduct(ctx, e.supA, in2, false); fieldErr(err, "category") != "err.cat_not_leaf" {
			t.Fatalf("product in a disabled category: %v", err)
		}
		if err := e.svc.SetCategoryActive(ctx, e.ops, e.hex.ID, true); !errs.Is(err, errs.Conflict) {
			t.Fatalf("enable under a disabled parent: %v", err)
		}
		if err := e.svc.SetCategoryActive(ctx, e.ops, e.bolts.ID, true); err != nil {
			t.Fatal(err)
		}
		leaves, err := e.svc.Leaves(ctx)
		if err != nil || len(leaves) != 2 || leaves[0].Code != "hex-bolts" || len(leaves[0].Trail) != 3 {
			t.Fatalf("leaves: %+v %v", leaves, err)
		}
		tree, err := e.svc.Tree(ctx, e.ops)
		if err != nil || len(tree) != 5 || tree[0].Code != "fasteners" || tree[1].Code != "bolts" || tree[2].Code != "hex-bolts" {
			t.Fatalf("tree: %+v %v", tree, err)
		}
	})
}

func mustAttrID(t *testing.T, d *db.DB, code string) string {
	t.Helper()
	var id string
	if err := d.QueryRow(context.Background(), `SELECT id FROM attributes WHERE code = ?`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAllOrNothing: a product with 3 SKUs where one is bad writes nothing, and a failure
// between the writes of a good one leaves nothing half-written.
func TestAllOrNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		tables := []string{"products", "skus", "sku_price_history", "product_events", "audit_log"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = count(t, d, tb)
		}
		in := boltInput(e.hex.ID)
		in.SKUs[2].Tiers[0].Qty = "x"
		if _, err := e.svc.CreateProduct(ctx, e.supA, in, true); fieldErr(err, "skus[2].tiers[0].qty") != "err.tier_qty" {
			t.Fatalf("bad third SKU: %v", err)
		}
		calls := 0
		d.Hook = func(ctx context.Context, point string) error {
			if point == "catalog.save.sku" {
				if calls++; calls == 3 {
					return errors.New("injected fault")
				}
			}
			return nil
		}
		if _, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true); err == nil || !strings.Contains(err.Error(), "injected") {
			t.Fatalf("fault not raised: %v", err)
		}
		d.Hook = nil
		for _, tb := range tables {
			if n := count(t, d, tb); n != before[tb] {
				t.Fatalf("%s: %d rows, want %d", tb, n, before[tb])
			}
		}
		if _, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true); err != nil {
			t.Fatalf("after the faults: %v", err)
		}
	})
}

func num(f float64) *float64 { return &f }

func spec(k catalog.SKU, code string) catalog.Value {
	for _, v := range k.Spec {
		if v.Code == code {
			return v
		}
	}
	return catalog.Value{}
}

func byCode(ks []catalog.SKU, code string) catalog.SKU {
	for _, k := range ks {
		if k.Code == code {
			return k
		}
	}
	return catalog.SKU{}
}

func TestParseValue(t *testing.T) {
	length := catalog.Attribute{Code: "l", Kind: catalog.Number, Unit: "mm"}
	press := catalog.Attribute{Code: "p", Kind: catalog.Range, Unit: "MPa"}
	count := catalog.Attribute{Code: "n", Kind: catalog.Number}
	grade := catalog.Attribute{Code: "g", Kind: catalog.Enum, Options: []string{"A2-70", "8.8级"}}
	for _, c := range []struct {
		a        catalog.Attribute
		in       string
		text     string
		num, max *float64
		err      string
	}{
		{length, "40", "40mm", num(40), nil, ""},
		{length, "４０ｍｍ", "40mm", num(40), nil, ""},
		{length, "1.2m", "1200mm", num(1200), nil, ""},
		{length, "0.1 cm", "1mm", num(1), nil, ""},
		{length, "12.5 毫米", "12.5mm", num(12.5), nil, ""},
		{length, "25μm", "0.025mm", num(0.025), nil, ""},
		{length, "40kg", "", nil, nil, "err.cat_unit_wrong"},
		{length, "1″", "", nil, nil, "err.cat_unit_wrong"},
		{length, "1e3", "", nil, nil, "err.cat_unit_unknown"},
		{length, "NaN", "", nil, nil, "err.cat_value_number"},
		{length, "1000000000000000", "", nil, nil, "err.cat_value_magnitude"},
		{length, "-0", "0mm", num(0), nil, ""},
		{count, "12", "12", num(12), nil, ""},
		{count, "12个", "", nil, nil, "err.cat_unit_none"},
		{press, "0-1.6", "0~1.6MPa", num(0), num(1.6), ""},
		{press, "0～16bar", "0~1.6MPa", num(0), num(1.6), ""},
		{press, "0.1MPa至1.6MPa", "0.1~1.6MPa", num(0.1), num(1.6), ""},
		{press, "-0.1-0.6", "-0.1~0.6MPa", num(-0.1), num(0.6), ""},
		{press, "1.6", "", nil, nil, "err.cat_value_range_format"},
		{press, "2~1", "", nil, nil, "err.cat_value_range_order"},
		{grade, "a2-70", "A2-70", nil, nil, ""},
		{grade, "8.8", "", nil, nil, "err.cat_value_option"},
		{catalog.Attribute{Code: "b", Kind: catalog.Bool}, "Yes", "是", nil, nil, ""},
		{catalog.Attribute{Code: "b", Kind: catalog.Bool}, "无", "否", nil, nil, ""},
		{catalog.Attribute{Code: "t", Kind: catalog.Text}, strings.Repeat("长", 201), "", nil, nil, "err.too_long"},
		{catalog.Attribute{Code: "t", Kind: catalog.Text}, "a\x00b", "", nil, nil, "err.bad_chars"},
	} {
		v, err := catalog.ParseValue(c.a, c.in)
		if c.err != "" {
			if e := errs.As(err); e == nil || e.Msg.Key != c.err {
				t.Errorf("ParseValue(%s, %q) = %+v, %v; want %s", c.a.Kind, c.in, v, err, c.err)
			}
			continue
		}
		eq := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
		if err != nil || v.Text != c.text || !eq(v.Num, c.num) || !eq(v.Max, c.max) || v.Unit != c.a.Unit {
			t.Errorf("ParseValue(%s, %q) = %+v (%v), %v; want %q", c.a.Kind, c.in, v, fmtNum(v.Num), err, c.text)
		}
	}
}

func fmtNum(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// FuzzParseValue: parameter parsing never panics, accepted numbers are finite and within
// bounds, and an accepted value's text parses back to the same value.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"40", "40mm", "４０ｍｍ", "1.2m", "0-10", "0~10bar", "-40~120℃", "-0.1-0.6", "1e5", "NaN", "Inf", "..", "-", "+5",
		".5", "5.", "0.000000001", "999999999999", "1,000", "是", "M8", "0.1MPa至1.6MPa", "\xff", "1--2", "3 - -1", "25.4\"", "20kg"} {
		f.Add(s)
	}
	attrs := []catalog.Attribute{
		{Code: "l", Kind: catalog.Number, Unit: "mm"},
		{Code: "n", Kind: catalog.Number},
		{Code: "p", Kind: catalog.Range, Unit: "MPa"},
		{Code: "t", Kind: catalog.Range, Unit: "°C"},
		{Code: "w", Kind: catalog.Number, Unit: "kg"},
		{Code: "e", Kind: catalog.Enum, Options: []string{"M8", "8.8级", "是"}},
		{Code: "b", Kind: catalog.Bool},
		{Code: "x", Kind: catalog.Text},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, a := range attrs {
			v, err := catalog.ParseValue(a, s)
			if err != nil {
				if e := errs.As(err); e == nil || e.Code != errs.Invalid {
					t.Fatalf("ParseValue(%s, %q): %v is not Invalid", a.Kind, s, err)
				}
				continue
			}
			if v.Code != a.Code || v.Text == "" {
				t.Fatalf("ParseValue(%s, %q) = %+v", a.Kind, s, v)
			}
			for _, p := range []*float64{v.Num, v.Max} {
				if p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0) || math.Abs(*p) > 1e12) {
					t.Fatalf("ParseValue(%s, %q) = %v out of bounds", a.Kind, s, *p)
				}
			}
			again, err := catalog.ParseValue(a, v.Text)
			if err != nil || again.Text != v.Text || fmtNum(again.Num) != fmtNum(v.Num) || fmtNum(again.Max) != fmtNum(v.Max) || again.Unit != v.Unit {
				t.Fatalf("ParseValue(%s, %q) = %+v; its text %q parses to %+v, %v", a.Kind, s, v, v.Text, again, err)
			}
		}
	})
}
