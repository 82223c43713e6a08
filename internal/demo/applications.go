package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/store"
	sup "github.com/zhuchao/zhuchao/internal/supplier"
)

// applicants are companies whose applications sit in every state of the review.
var applicants = []struct {
	name, state, reason string
}{
	{"温州瓯江阀门有限公司", sup.Submitted, ""},
	{"泰州恒通链条有限公司", sup.Submitted, ""},
	{"嘉兴力创气动元件有限公司", sup.UnderReview, ""},
	{"邯郸永固标准件有限公司", sup.Returned, "品牌授权书已过期,请上传新的授权书并补全授权链至商标权利人。"},
	{"深圳速达电子商行", sup.Rejected, "经营范围不含工业品销售,且无法提供品牌授权。"},
	{"绍兴越工劳保用品有限公司", sup.Draft, ""},
}

// seedApplications records the approved applications of the demo's suppliers and adds
// applicants in every other state, each with its decision history.
func seedApplications(ctx context.Context, d *db.DB, st *store.Store, r *rand.Rand, hash string, supplierIDs []string, owners []*identity.User, reviewer *identity.User, base time.Time) error {
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	var roots []string
	for _, c := range cats {
		if c.ParentID == "" {
			roots = append(roots, c.ID)
		}
	}
	brands, err := st.Brands(ctx)
	if err != nil {
		return err
	}
	all := map[string]bool{}
	for _, k := range sup.ChecklistItems {
		all[k] = true
	}
	return d.WithTx(ctx, func(ctx context.Context) error {
		mk := func(orgID, applicantID, name, code string, i int, state, reason string) error {
			at := base.Add(time.Duration(i) * 24 * time.Hour)
			b := brands[r.IntN(len(brands))]
			a := &sup.Application{OrgID: orgID, ApplicantID: applicantID, State: state, CompanyName: name, CreditCode: code,
				LegalRep: []string{"王建国", "李卫东", "张国强", "陈志明", "刘海涛"}[i%5], LegalRepID: "330***********12" + fmt.Sprint(i%10) + "X",
				RegAddress: "浙江省宁波市北仑区大港工业城 " + fmt.Sprint(10+i) + " 号", BusinessScope: "紧固件、轴承、五金工具、机电设备的制造与销售",
				ContactName: "业务经理", ContactMobile: fmt.Sprintf("137%08d", 30000000+i*977), Categories: []string{roots[i%len(roots)]},
				Brands:      []sup.Brand{{Name: b.Name, Kind: sup.Trademark, TrademarkNo: fmt.Sprint(20000000 + i*131), Holder: name, ValidTo: "2031-12-31", DocBlob: "demo"}},
				LicenceBlob: "demo", Checklist: map[string]bool{}, CreatedAt: at, UpdatedAt: at, Version: 1}
			if state != sup.Draft {
				a.SubmittedAt, a.AgreementVer, a.AgreementAt, a.AgreementIP = at.Add(time.Hour), sup.AgreementVersion, at.Add(time.Hour), "127.0.0.1"
			}
			steps := map[string][]string{
				sup.Submitted: {sup.Submitted}, sup.UnderReview: {sup.Submitted, sup.UnderReview},
				sup.Returned: {sup.Submitted, sup.UnderReview, sup.Returned},
				sup.Rejected: {sup.Submitted, sup.UnderReview, sup.Rejected},
				sup.Approved: {sup.Submitted, sup.UnderReview, sup.Approved},
			}[state]
			if state == sup.Approved {
				a.Checklist, a.ReviewerID, a.DecidedAt = all, reviewer.ID, at.Add(50*time.Hour)
			}
			if state == sup.Rejected {
				a.DecidedAt = at.Add(50 * time.Hour)
			}
			if err := st.CreateApplication(ctx, a); err != nil {
				return err
			}
			from := sup.Draft
			for j, to := range steps {
				dec := &sup.Decision{ApplicationID: a.ID, At: at.Add(time.Duration(1+24*j) * time.Hour), ActorID: reviewer.ID, ActorName: reviewer.DisplayName, From: from, To: to}
				if to == sup.Submitted {
					dec.ActorID, dec.ActorName = applicantID, "申请人"
				}
				if j == len(steps)-1 && (to == sup.Returned || to == sup.Rejected) {
					dec.Reason = reason
				}
				if to == sup.Approved {
					dec.Checklist = all
				}
				if err := st.AddDecision(ctx, dec); err != nil {
					return err
				}
				from = to
			}
			return nil
		}
		for i, id := range supplierIDs {
			o, err := st.OrgByID(ctx, id)
			if err != nil {
				return err
			}
			if err := mk(id, owners[i].ID, o.Name, o.CreditCode, i, sup.Approved, ""); err != nil {
				return err
			}
		}
		for i, ap := range applicants {
			status := identity.OrgApplying
			if ap.state == sup.Rejected {
				status = identity.OrgRejected
			}
			now := base.Add(time.Duration(200+i) * 24 * time.Hour)
			o := &identity.Org{Kind: identity.Supplier, Name: ap.name, CreditCode: creditCode(r, 40+i), Status: status, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateOrg(ctx, o); err != nil {
				return err
			}
			u := &identity.User{Username: fmt.Sprintf("applicant%d", i+1), DisplayName: "入驻联系人", PasswordHash: hash, Lang: "zh-CN", Status: identity.UserActive, CreatedAt: now, UpdatedAt: now}
			if err := st.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := st.AddRole(ctx, o.ID, u.ID, identity.Owner, now); err != nil {
				return err
			}
			if err := mk(o.ID, u.ID, ap.name, o.CreditCode, 200+i, ap.state, ap.reason); err != nil {
				return err
			}
		}
		return nil
	})
}
