// Package demo builds the demo marketplace: the platform's staff, suppliers and buyer
// companies with their people, and a generated industrial catalogue. Everything is
// deterministic for a given seed, so two demo databases built alike are alike.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/app"

	"github.com/zhuchao/zhuchao/internal/cn"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Password is every demo login's password.
const Password = "zhuchao-demo"

// Login is a demo login printed at start and listed in the README.
type Login struct {
	Username string
	Role     string
	Org      string
}

// Options size the demo.
type Options struct {
	SKUs int
	Seed int64
}

// Result says what was built.
type Result struct {
	Catalog CatalogStats
}

const seededKey = "demo.seeded"

// Seeded reports whether the database already holds a demo.
func Seeded(ctx context.Context, d *db.DB) (bool, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT COUNT(*) FROM settings WHERE key = ?`, seededKey).Scan(&n)
	return n > 0, err
}

var supplierNames = []string{
	"宁波固特紧固件有限公司", "浙江恒力轴承制造有限公司", "上海精工刀具有限公司", "温州正泰通电气有限公司", "无锡亚德气动元件有限公司",
	"河北永年标准件厂", "山东瓦力轴承股份有限公司", "江苏安盾劳保用品有限公司", "广东宏达阀门管件有限公司", "苏州锐刃精密工具有限公司",
	"天津联众五金制品有限公司", "东莞捷驰电气设备有限公司", "常州华纳传动件有限公司", "台州金盾安全防护用品有限公司", "佛山顺通管业有限公司",
	"杭州力拓气动科技有限公司", "青岛海昌紧固件有限公司", "成都蜀工五金机电有限公司", "厦门新锐工业品贸易有限公司", "武汉楚天机电设备有限公司",
	"昆山精密螺丝有限公司", "大连东方轴承经销有限公司", "沈阳北方电器成套有限公司", "长沙湘工刀具有限公司", "郑州中原劳保有限公司",
	"合肥徽通阀门有限公司", "西安秦川机电配件有限公司", "南京金陵标准件有限公司", "济南泉城液压气动有限公司", "重庆山城五金交电有限公司",
}

var buyerNames = []string{
	"苏州恒远精密机械有限公司", "深圳宏图自动化设备有限公司", "青岛海湾化工装备有限公司", "成都天府智能制造有限公司", "武汉光谷电子科技有限公司",
	"宁波北仑模具有限公司", "天津滨海物流设备有限公司", "佛山顺德家电配件有限公司", "长春一汽配套件有限公司", "厦门海沧船舶修造有限公司",
}

// regions are GB/T 2260 county codes for generated credit codes.
var regions = []string{"330206", "330481", "310115", "330382", "320214", "130429", "370102", "320583", "440606", "320505",
	"120116", "441900", "320411", "331002", "440604", "330110", "370211", "510107", "350206", "420106"}

// creditCode builds a valid 统一社会信用代码 for a company (登记管理部门 9, 类别 1).
func creditCode(r *rand.Rand, i int) string {
	const set = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	b := []byte("91" + regions[i%len(regions)])
	for len(b) < 17 {
		b = append(b, set[r.IntN(len(set))])
	}
	code, err := cn.MakeCreditCode(string(b))
	if err != nil {
		panic(err)
	}
	return code
}

// Seed builds the demo into an empty, migrated database.
func Seed(ctx context.Context, a *app.App, opt Options) (*Result, error) {
	d := a.DB
	if opt.SKUs <= 0 {
		opt.SKUs = 20000
	}
	st, ids := a.Store, a.Identity
	hash, err := ids.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(uint64(opt.Seed), 0x5a4843))
	res := &Result{}
	base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var supplierIDs []string
	var owners []*identity.User
	var reviewer *identity.User
	var platformID string
	err = d.WithTx(ctx, func(ctx context.Context) error {
		n := 0
		user := func(username, name, mobile string) (*identity.User, error) {
			n++
			u := &identity.User{Username: username, Mobile: mobile, DisplayName: name, PasswordHash: hash, Lang: "zh-CN", Status: identity.UserActive,
				CreatedAt: base.Add(time.Duration(n) * time.Hour), UpdatedAt: base}
			return u, st.CreateUser(ctx, u)
		}
		org := func(kind identity.OrgKind, name, code string, i int) (*identity.Org, error) {
			o := &identity.Org{Kind: kind, Name: name, CreditCode: code, Status: "active", CreatedAt: base.Add(time.Duration(i) * 24 * time.Hour), UpdatedAt: base}
			return o, st.CreateOrg(ctx, o)
		}
		plat, err := org(identity.Platform, "筑巢平台", "", 0)
		if err != nil {
			return err
		}
		platformID = plat.ID
		staff := []struct {
			user, name string
			role       identity.Role
		}{
			{"admin", "系统管理员", identity.Admin}, {"ops", "王运营", identity.OpsManager}, {"zhaoshang", "李招商", identity.MerchantRecruitment},
			{"analyst", "赵分析", identity.Analyst}, {"kefu", "陈客服", identity.CustomerService},
		}
		for _, s := range staff {
			u, err := user(s.user, s.name, "")
			if err != nil {
				return err
			}
			if err := st.AddRole(ctx, plat.ID, u.ID, s.role, base); err != nil {
				return err
			}
			if s.role == identity.MerchantRecruitment {
				reviewer = u
			}
		}
		for i, name := range supplierNames {
			o, err := org(identity.Supplier, name, creditCode(r, i), i+1)
			if err != nil {
				return err
			}
			supplierIDs = append(supplierIDs, o.ID)
			owner, err := user(fmt.Sprintf("supplier%d", i+1), string([]rune(name)[:2])+"经理", fmt.Sprintf("139%08d", 10000000+i*7919))
			if err != nil {
				return err
			}
			if err := st.AddRole(ctx, o.ID, owner.ID, identity.Owner, base); err != nil {
				return err
			}
			owners = append(owners, owner)
			if i < 3 {
				staffU, err := user(fmt.Sprintf("supplier%d-staff", i+1), "店铺客服", "")
				if err != nil {
					return err
				}
				if err := st.AddRole(ctx, o.ID, staffU.ID, identity.Staff, base); err != nil {
					return err
				}
			}
		}
		for i, name := range buyerNames {
			o, err := org(identity.Buyer, name, creditCode(r, i+7), i+40)
			if err != nil {
				return err
			}
			owner, err := user(fmt.Sprintf("buyer%d", i+1), "采购负责人", fmt.Sprintf("138%08d", 20000000+i*6007))
			if err != nil {
				return err
			}
			if err := st.AddRole(ctx, o.ID, owner.ID, identity.Owner, base); err != nil {
				return err
			}
			if i == 0 {
				for _, m := range []struct {
					user, name string
					role       identity.Role
				}{{"caigou1", "张采购", identity.Purchaser}, {"shenpi1", "刘审批", identity.Approver}, {"caiwu1", "周财务", identity.Finance}} {
					u, err := user(m.user, m.name, "")
					if err != nil {
						return err
					}
					if err := st.AddRole(ctx, o.ID, u.ID, m.role, base); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("demo: seed people: %w", err)
	}
	specs := make([]int, len(supplierNames))
	for i, name := range supplierNames {
		specs[i] = SpecialityOf(name)
	}
	stats, err := GenerateCatalog(ctx, d, st, CatalogOptions{SKUs: opt.SKUs, Seed: opt.Seed, SupplierIDs: supplierIDs, Specialities: specs})
	if err != nil {
		return nil, fmt.Errorf("demo: catalogue: %w", err)
	}
	res.Catalog = stats
	if err := seedApplications(ctx, d, st, r, hash, supplierIDs, owners, reviewer, base); err != nil {
		return nil, fmt.Errorf("demo: applications: %w", err)
	}
	if err := seedStores(ctx, d, st, supplierIDs, base); err != nil {
		return nil, fmt.Errorf("demo: stores: %w", err)
	}
	if err := seedDeposits(ctx, a, supplierIDs); err != nil {
		return nil, fmt.Errorf("demo: deposits: %w", err)
	}
	if err := seedChannels(ctx, d, st, platformID); err != nil {
		return nil, fmt.Errorf("demo: channels: %w", err)
	}
	if err := seedBuyer(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: buyer company: %w", err)
	}
	if err := seedOrders(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: orders: %w", err)
	}
	if err := seedRFQs(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: rfqs: %w", err)
	}
	if err := seedFulfilment(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: fulfilment: %w", err)
	}
	if err := seedInvoices(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: invoices: %w", err)
	}
	if err := seedAftersale(ctx, a); err != nil {
		return nil, fmt.Errorf("demo: after-sales: %w", err)
	}
	_, err = d.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)`, seededKey,
		fmt.Sprintf(`{"skus":%d,"seed":%d}`, opt.SKUs, opt.Seed), db.Millis(time.Now()))
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Logins lists the demo logins worth printing (there are more suppliers and buyers).
func Logins() []Login {
	return []Login{
		{"admin", "admin", "筑巢平台"}, {"ops", "ops_manager", "筑巢平台"}, {"zhaoshang", "merchant_recruitment", "筑巢平台"},
		{"analyst", "analyst", "筑巢平台"}, {"kefu", "customer_service", "筑巢平台"},
		{"supplier1", "owner", supplierNames[0]}, {"supplier2", "owner", supplierNames[1]}, {"supplier3", "owner", supplierNames[2]},
		{"applicant1", "owner (submitted)", applicants[0].name}, {"applicant4", "owner (returned)", applicants[3].name},
		{"buyer1", "owner", buyerNames[0]}, {"buyer2", "owner", buyerNames[1]},
		{"caigou1", "purchaser", buyerNames[0]}, {"shenpi1", "approver", buyerNames[0]}, {"caiwu1", "finance", buyerNames[0]},
	}
}

// SpecialityOf reads the product group a company makes from its name (a 紧固件 factory
// sells fasteners), or -1 for a general trader.
func SpecialityOf(name string) int {
	for _, k := range []struct {
		group int
		words []string
	}{
		{gFasteners, []string{"紧固件", "标准件", "螺丝"}},
		{gBearings, []string{"轴承", "传动"}},
		{gValves, []string{"阀门", "管业", "管件"}},
		{gPPE, []string{"劳保", "安全防护"}},
		{gTools, []string{"刀具", "工具"}},
		{gElectrical, []string{"电气", "电器"}},
		{gPneumatic, []string{"气动", "液压"}},
	} {
		for _, w := range k.words {
			if strings.Contains(name, w) {
				return k.group
			}
		}
	}
	return -1
}
