// Package tradetest makes the people and companies that the trade-loop packages' tests
// (payment, fulfilment, after-sales, invoices) all need: buyer companies with an owner
// and a delivery address, live suppliers with an owner, SKUs on sale, and platform staff.
// Each function writes in the caller's transaction when ctx carries one.
package tradetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/store"
)

// user makes an active account.
func user(ctx context.Context, st *store.Store, username, name string, now time.Time) (*identity.User, error) {
	u := &identity.User{Username: username, DisplayName: name, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
	return u, st.CreateUser(ctx, u)
}

// Buyer makes buyer company n (采购公司n) with its owner buyer<n> and a delivery address
// in Hangzhou, and returns the owner's principal and the address ID.
func Buyer(ctx context.Context, st *store.Store, n int, now time.Time) (*identity.Principal, string, error) {
	o := &identity.Org{Kind: identity.Buyer, Name: fmt.Sprintf("采购公司%d", n), Status: identity.OrgActive, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateOrg(ctx, o); err != nil {
		return nil, "", err
	}
	u, err := user(ctx, st, fmt.Sprintf("buyer%d", n), fmt.Sprintf("采购%d", n), now)
	if err != nil {
		return nil, "", err
	}
	if err := st.AddRole(ctx, o.ID, u.ID, identity.Owner, now); err != nil {
		return nil, "", err
	}
	a := &buyer.Address{OrgID: o.ID, Consignee: "张三", Mobile: "13800138000", DivisionCode: "330106", DivisionName: "浙江省杭州市西湖区", Street: "文三路1号", CreatedAt: now, UpdatedAt: now}
	if err := st.SaveAddress(ctx, a); err != nil {
		return nil, "", err
	}
	return &identity.Principal{User: *u, Org: *o, Roles: []identity.Role{identity.Owner}}, a.ID, nil
}

// Supplier makes supplier i (供应商i), its store live, with its owner sup<i>.
func Supplier(ctx context.Context, st *store.Store, i int, now time.Time) (*identity.Principal, error) {
	o := &identity.Org{Kind: identity.Supplier, Name: fmt.Sprintf("供应商%d", i), Status: identity.OrgActive, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateOrg(ctx, o); err != nil {
		return nil, err
	}
	if _, err := st.DB.Exec(ctx, `UPDATE orgs SET store_live = TRUE WHERE id = ?`, o.ID); err != nil {
		return nil, err
	}
	u, err := user(ctx, st, fmt.Sprintf("sup%d", i), "供应商员工", now)
	if err != nil {
		return nil, err
	}
	return &identity.Principal{User: *u, Org: *o, Roles: []identity.Role{identity.Owner}}, nil
}

// SKU puts a product with one SKU on sale for supplierID in categoryID: MOQ 1, any
// multiple, a million in stock, 500 g a piece.
func SKU(ctx context.Context, st *store.Store, supplierID, categoryID, title, code string, price int64) (*catalog.SKU, error) {
	p := &catalog.Product{SupplierID: supplierID, CategoryID: categoryID, Title: title, Name: title, Status: catalog.StatusOnSale}
	k := &catalog.SKU{Code: code, Price: price, MOQ: 1, Multiple: 1, Unit: "件", Stock: 1_000_000, WeightG: 500}
	return k, st.AddProduct(ctx, p, []*catalog.SKU{k})
}

// Platform makes the platform organisation.
func Platform(ctx context.Context, st *store.Store, now time.Time) (*identity.Org, error) {
	po := &identity.Org{Kind: identity.Platform, Name: "筑巢平台", Status: identity.OrgActive, CreatedAt: now, UpdatedAt: now}
	return po, st.CreateOrg(ctx, po)
}

// Staff makes a platform staff member of po with one role.
func Staff(ctx context.Context, st *store.Store, po *identity.Org, username, name string, role identity.Role, now time.Time) (*identity.Principal, error) {
	u, err := user(ctx, st, username, name, now)
	if err != nil {
		return nil, err
	}
	return &identity.Principal{User: *u, Org: *po, Roles: []identity.Role{role}}, nil
}

// Suppliers makes suppliers 0 … n-1, each with one SKU (外六角螺栓 i, code SKU-i) at
// price in categoryID.
func Suppliers(ctx context.Context, st *store.Store, categoryID string, n int, price int64, now time.Time) ([]*identity.Principal, []*catalog.SKU, error) {
	var sups []*identity.Principal
	var skus []*catalog.SKU
	for i := 0; i < n; i++ {
		sp, err := Supplier(ctx, st, i, now)
		if err != nil {
			return nil, nil, err
		}
		k, err := SKU(ctx, st, sp.Org.ID, categoryID, fmt.Sprintf("外六角螺栓 %d", i), fmt.Sprintf("SKU-%d", i), price)
		if err != nil {
			return nil, nil, err
		}
		sups, skus = append(sups, sp), append(skus, k)
	}
	return sups, skus, nil
}

// Buyers makes n buyer companies in one transaction, numbered on from *seq, and returns
// their owners and addresses.
func Buyers(d *db.DB, st *store.Store, seq *int, n int, now time.Time) ([]*identity.Principal, []string, error) {
	var ps []*identity.Principal
	var addrs []string
	err := d.WithTx(context.Background(), func(ctx context.Context) error {
		for i := 0; i < n; i++ {
			*seq++
			p, addr, err := Buyer(ctx, st, *seq, now)
			if err != nil {
				return err
			}
			ps, addrs = append(ps, p), append(addrs, addr)
		}
		return nil
	})
	return ps, addrs, err
}

// Clock is a settable clock for services' Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// WantCode fails the test unless err carries code.
func WantCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if err == nil || !errs.Is(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
}

// WantField fails the test unless err names field among its field errors.
func WantField(t testing.TB, err error, field string) {
	t.Helper()
	e := errs.As(err)
	if e == nil {
		t.Fatalf("want an error on %s, got %v", field, err)
	}
	for _, fe := range e.Fields {
		if fe.Field == field {
			return
		}
	}
	t.Fatalf("want an error on %s, got %+v", field, e)
}
