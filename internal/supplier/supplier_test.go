package supplier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/notify"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/supplier"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

type env struct {
	svc      *supplier.Service
	ids      *identity.Service
	st       *store.Store
	category string
	staff    *identity.Principal
}

func setup(t *testing.T, d *db.DB) *env {
	ctx := context.Background()
	st := store.New(d)
	now := func() time.Time { return time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) }
	ids := identity.NewService(d, st, st, now)
	ids.Params = servertest.CheapParams
	cat := &catalog.Category{Code: "fasteners", NameZH: "紧固件", NameEN: "Fasteners", Path: "/fasteners/"}
	if err := st.AddCategory(ctx, cat); err != nil {
		t.Fatal(err)
	}
	u, err := ids.CreateStaff(ctx, nil, identity.StaffInput{Username: "zhaoshang", DisplayName: "李招商", Password: "pass-word-1", Roles: []identity.Role{identity.MerchantRecruitment}})
	if err != nil {
		t.Fatal(err)
	}
	staff, _ := ids.Principal(ctx, u.ID, "")
	svc := &supplier.Service{DB: d, Store: st, Identity: ids, Audit: st, CategoryExists: st.CategoryExists, Blobs: st, Now: now,
		Notify: &notify.Service{Store: st, Now: now}}
	return &env{svc: svc, ids: ids, st: st, category: cat.ID, staff: staff}
}

func (e *env) apply(t *testing.T, login string) *identity.Principal {
	t.Helper()
	u, a, err := e.svc.Apply(context.Background(), identity.RegisterInput{Login: login, Password: "pass-word-1", DisplayName: "王经理", CompanyName: "宁波测试紧固件有限公司"})
	if err != nil {
		t.Fatal(err)
	}
	if a.State != supplier.Draft {
		t.Fatalf("state %s", a.State)
	}
	p, err := e.ids.Principal(context.Background(), u.ID, "")
	if err != nil || p.Org.Status != identity.OrgApplying {
		t.Fatalf("applicant principal: %+v %v", p, err)
	}
	return p
}

func (e *env) complete(version int64) supplier.Form {
	return supplier.Form{
		CompanyName: "宁波测试紧固件有限公司", CreditCode: "91350100M000100Y43", LegalRep: "王大力", LegalRepID: "11010519491231002X",
		RegAddress: "浙江省宁波市北仑区新碶街道 1 号", BusinessScope: "紧固件制造、销售", ContactName: "王经理", ContactMobile: "13900001111",
		LicenceValidTo: "", Categories: []string{e.category},
		LicenceFile: &supplier.File{Name: "营业执照.png", Data: servertest.PNG()},
		BrandFiles:  map[int]*supplier.File{0: {Name: "商标证.pdf", Data: servertest.PDF()}, 1: {Name: "授权书.png", Data: servertest.PNG()}},
		Brands: []supplier.Brand{
			{Name: "固特牢", Kind: supplier.Trademark, TrademarkNo: "12345678", Holder: "宁波测试紧固件有限公司", ValidTo: "2030-01-01"},
			{Name: "恒钜", Kind: supplier.Authorisation, Grantor: "恒钜经销公司", Scope: "华东区紧固件", Chain: []string{"恒钜集团", "恒钜经销公司"}, ValidTo: "2027-06-30"},
		},
		Version: version,
	}
}

func TestApplicationWorkflow(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		p := e.apply(t, "13800001111")
		// A draft saves with what is filled in; submission needs everything.
		a, err := e.svc.SaveDraft(ctx, p, supplier.Form{CompanyName: "宁波测试紧固件有限公司", Version: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Submit(ctx, p, supplier.Form{CompanyName: "宁波测试紧固件有限公司", Version: a.Version}, true)
		fields := map[string]bool{}
		if ee := errs.As(err); ee != nil {
			for _, f := range ee.Fields {
				fields[f.Field] = true
			}
		}
		for _, f := range []string{"credit_code", "legal_rep", "reg_address", "business_scope", "contact_name", "contact_mobile", "categories", "brands", "licence"} {
			if !fields[f] {
				t.Errorf("incomplete submission does not name %s: %v", f, err)
			}
		}
		// An executable posing as the licence scan is refused and nothing is stored.
		exe := e.complete(a.Version)
		exe.LicenceFile = &supplier.File{Name: "licence.jpg", Data: append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)}
		_, err = e.svc.Submit(ctx, p, exe, true)
		if ee := errs.As(err); ee == nil || ee.Fields[0].Field != "licence" {
			t.Fatalf("executable licence: %v", err)
		}
		var blobs int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM blobs`).Scan(&blobs)
		if blobs != 0 {
			t.Fatalf("a refused submission stored %d files", blobs)
		}
		// A file reference to another organisation's upload is not taken.
		stolen := e.complete(a.Version)
		stolen.LicenceFile, stolen.LicenceBlob = nil, "01900000-0000-7000-8000-000000000001"
		if _, err := e.svc.Submit(ctx, p, stolen, true); !errs.Is(err, errs.Invalid) {
			t.Fatalf("foreign file reference: %v", err)
		}
		// A wrong credit code, an expired authorisation and a broken chain are named.
		bad := e.complete(a.Version)
		bad.CreditCode = "91350100M000100Y44"
		bad.Brands[1].ValidTo = "2026-01-01"
		bad.Brands[1].Chain = []string{"恒钜集团", "别人"}
		_, err = e.svc.Submit(ctx, p, bad, true)
		ee := errs.As(err)
		if ee == nil || len(ee.Fields) != 3 {
			t.Fatalf("bad submission: %v", err)
		}
		if _, err := e.svc.Submit(ctx, p, e.complete(a.Version), false); !errs.Is(err, errs.Invalid) {
			t.Fatalf("submission without the agreement: %v", err)
		}
		a, err = e.svc.Submit(ctx, p, e.complete(a.Version), true)
		if err != nil {
			t.Fatal(err)
		}
		if a.State != supplier.Submitted || a.AgreementVer != supplier.AgreementVersion || !strings.Contains(a.LegalRepID, "*") {
			t.Fatalf("submitted: %+v", a)
		}
		// Locked while in review.
		if _, err := e.svc.SaveDraft(ctx, p, e.complete(a.Version)); !errs.Is(err, errs.Conflict) {
			t.Fatalf("edit after submission: %v", err)
		}
		// The supplier cannot review; staff can, in order.
		if _, err := e.svc.Review(ctx, p, a.ID, supplier.ReviewInput{Outcome: supplier.Start, Version: a.Version}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("supplier reviews itself: %v", err)
		}
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Version: a.Version}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("approve before review: %v", err)
		}
		a, err = e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Start, Version: a.Version})
		if err != nil || a.State != supplier.UnderReview {
			t.Fatalf("start review: %v", err)
		}
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Return, Version: a.Version}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("return without a reason: %v", err)
		}
		a, err = e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Return, Reason: "请补充品牌授权书原件扫描", Version: a.Version})
		if err != nil || a.State != supplier.Returned {
			t.Fatalf("return: %v", err)
		}
		a, err = e.svc.Submit(ctx, p, e.complete(a.Version), true)
		if err != nil {
			t.Fatalf("resubmit: %v", err)
		}
		a, _ = e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Start, Version: a.Version})
		half := map[string]bool{supplier.ChecklistItems[0]: true}
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Checklist: half, Version: a.Version}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("approve with an incomplete checklist: %v", err)
		}
		all := map[string]bool{}
		for _, k := range supplier.ChecklistItems {
			all[k] = true
		}
		// A stale version (another reviewer saved in between) is refused.
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Checklist: all, Version: a.Version - 1}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("stale review: %v", err)
		}
		a, err = e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Checklist: all, Version: a.Version})
		if err != nil || a.State != supplier.Approved {
			t.Fatalf("approve: %v", err)
		}
		o, _ := e.st.OrgByID(ctx, a.OrgID)
		if o.Status != identity.OrgActive || o.CreditCode != "91350100M000100Y43" {
			t.Fatalf("approved org: %+v", o)
		}
		hist, _ := e.svc.History(ctx, p)
		var steps []string
		for _, h := range hist {
			steps = append(steps, h.To)
		}
		if got := strings.Join(steps, ","); got != "submitted,under_review,returned,submitted,under_review,approved" {
			t.Fatalf("history %s", got)
		}
		// Approving twice is refused.
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Checklist: all, Version: a.Version}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("approve twice: %v", err)
		}
	})
}

func TestApplicationsAreTheirOwn(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		p1 := e.apply(t, "13800001111")
		p2 := e.apply(t, "13800002222")
		a1, _ := e.svc.Mine(ctx, p1)
		a2, _ := e.svc.Mine(ctx, p2)
		if a1.ID == a2.ID || a1.OrgID != p1.Org.ID {
			t.Fatal("applications are shared")
		}
		if _, _, err := e.svc.Get(ctx, p1, a2.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("supplier reads another's application: %v", err)
		}
		if _, err := e.svc.Review(ctx, p2, a1.ID, supplier.ReviewInput{}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("supplier reviews another's application: %v", err)
		}
	})
}

func TestCredentialSweep(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		p := e.apply(t, "13800003333")
		f := e.complete(1)
		f.LicenceValidTo = "2027-03-01"
		f.Brands[1].ValidTo = "2026-12-20"
		a, err := e.svc.Submit(ctx, p, f, true)
		if err != nil {
			t.Fatal(err)
		}
		a, _ = e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Start, Version: a.Version})
		all := map[string]bool{}
		for _, k := range supplier.ChecklistItems {
			all[k] = true
		}
		if _, err := e.svc.Review(ctx, e.staff, a.ID, supplier.ReviewInput{Outcome: supplier.Approve, Checklist: all, Version: a.Version}); err != nil {
			t.Fatal(err)
		}
		at := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t.Add(4 * time.Hour) }
		run := func(day string) supplier.SweepResult {
			t.Helper()
			r, err := e.svc.SweepCredentials(ctx, at(day))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := run("2026-11-25"); r.Reminders != 1 { // the authorisation ends within 30 days
			t.Fatalf("first sweep: %+v", r)
		}
		if r := run("2026-11-26"); r.Reminders != 0 { // reminders go once
			t.Fatalf("repeat sweep: %+v", r)
		}
		if r := run("2026-12-15"); r.Reminders != 1 { // the 7-day reminder
			t.Fatalf("7-day sweep: %+v", r)
		}
		if r := run("2026-12-22"); r.BrandsStopped != 1 || r.Suspended != 0 {
			t.Fatalf("expired brand: %+v", r)
		}
		if r := run("2026-12-23"); r.BrandsStopped != 0 {
			t.Fatalf("brand stopped twice: %+v", r)
		}
		// The licence lapses: the supplier is suspended, once.
		if r := run("2027-03-03"); r.Suspended != 1 {
			t.Fatalf("expired licence: %+v", r)
		}
		o, _ := e.st.OrgByID(ctx, p.Org.ID)
		if o.Status != identity.OrgSuspended {
			t.Fatalf("org status %s", o.Status)
		}
		if r := run("2027-03-04"); r.Suspended != 0 {
			t.Fatalf("suspended twice: %+v", r)
		}
		msgs, unread, err := (&notify.Service{Store: e.st, Now: time.Now}).Inbox(ctx, p)
		if err != nil || unread < 5 {
			t.Fatalf("messages: %d unread, %v", unread, err)
		}
		keys := map[string]int{}
		for _, m := range msgs {
			keys[m.Key]++
		}
		if keys["msg.credential_expiring"] != 2 || keys["msg.brand_stopped"] != 1 || keys["msg.suspended_credentials"] != 1 || keys["msg.application_approved"] != 1 {
			t.Fatalf("message keys %v", keys)
		}
	})
}
