package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/deposit"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
)

// DepositStaff record payments and move deposits.
var DepositStaff = httpx.StaffRoles(identity.OpsManager)

func (h *Handler) registerDeposit(mux *http.ServeMux) {
	h.route(mux, "GET /seller/deposit", httpx.Seller, h.sellerDeposit)
	h.route(mux, "POST /seller/deposit/refund", httpx.Seller, h.sellerRefund)
	h.route(mux, "GET /admin/deposits", DepositStaff, h.adminDeposits)
	h.route(mux, "GET /admin/deposits/{id}", DepositStaff, h.adminDeposit)
	h.route(mux, "POST /admin/deposits/{id}/{op}", DepositStaff, h.adminDepositOp)
}

type depositData struct {
	Org        *identity.Org
	Status     *deposit.Status
	Remittance string
	History    []ledger.Transaction
	Rows       []depositRow
	Op         string
}

type depositRow struct {
	Org    identity.Org
	Status *deposit.Status
}

// Amount is what a deposit transaction moved (its first posting's size).
func (d depositData) Amount(t ledger.Transaction) money.Fen {
	if len(t.Postings) == 0 {
		return 0
	}
	a := t.Postings[0].Amount
	if a < 0 {
		a = -a
	}
	return a
}

func (h *Handler) depositData(r *http.Request, orgID string, withCode bool, actor *identity.Principal) (depositData, error) {
	var d depositData
	var err error
	if d.Status, err = h.Deposit.Status(r.Context(), orgID); err != nil {
		return d, err
	}
	if d.History, err = h.Deposit.History(r.Context(), orgID, ledger.Page{Limit: 50}); err != nil {
		return d, err
	}
	if withCode {
		rem, err := h.Deposit.IssueRemittance(r.Context(), actor, orgID)
		if err != nil {
			return d, err
		}
		d.Remittance = rem.Code
	}
	return d, nil
}

func (h *Handler) sellerDeposit(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	if p.Org.Status != identity.OrgActive && p.Org.Status != identity.OrgSuspended {
		return errs.E(errs.Forbidden, "err.store_not_approved")
	}
	d, err := h.depositData(r, p.Org.ID, true, p)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "seller_deposit", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.deposit"), Area: "seller", Nav: "deposit", Data: d})
	return nil
}

func (h *Handler) sellerRefund(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	p := httpx.PrincipalFrom(r.Context())
	lang := httpx.LangFrom(r.Context())
	_, err = h.Deposit.RequestRefund(r.Context(), p, deposit.RefundRequest{SupplierID: p.Org.ID, Ref: "web-" + time.Now().Format("20060102"), Reason: v.Get("reason")})
	if err != nil {
		if e := errs.As(err); e != nil && e.Code != errs.Internal {
			h.flash(r, i18n.Msg(lang, e.Msg)+" "+fieldText(lang, e))
			http.Redirect(w, r, "/seller/deposit", http.StatusSeeOther)
			return nil
		}
		return err
	}
	h.flash(r, i18n.T(lang, "deposit.refund_requested"))
	http.Redirect(w, r, "/seller/deposit", http.StatusSeeOther)
	return nil
}

// fieldText joins an error's field messages for a flash line.
func fieldText(lang i18n.Lang, e *errs.Error) string {
	var parts []string
	for _, f := range e.Fields {
		parts = append(parts, i18n.Msg(lang, f.Msg))
	}
	return strings.Join(parts, " ")
}

func (h *Handler) adminDeposits(w http.ResponseWriter, r *http.Request) error {
	orgs, err := h.Identity.Store.Orgs(r.Context(), identity.Supplier, 500)
	if err != nil {
		return err
	}
	var d depositData
	for _, o := range orgs {
		if o.Status != identity.OrgActive && o.Status != identity.OrgSuspended {
			continue
		}
		st, err := h.Deposit.Status(r.Context(), o.ID)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, depositRow{Org: o, Status: st})
	}
	h.render(w, r, http.StatusOK, "admin_deposits", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.deposits"), Area: "admin", Nav: "deposits", Data: d})
	return nil
}

func (h *Handler) adminDepositPage(w http.ResponseWriter, r *http.Request, status int, f *Form, op string) error {
	id := r.PathValue("id")
	o, err := h.Identity.Store.OrgByID(r.Context(), id)
	if err != nil {
		return err
	}
	if o.Kind != identity.Supplier {
		return errs.E(errs.NotFound, "err.not_found")
	}
	d, err := h.depositData(r, id, true, httpx.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	d.Org, d.Op = o, op
	h.render(w, r, status, "admin_deposit", &Page{Title: o.Name, Area: "admin", Nav: "deposits", Form: f, Data: d})
	return nil
}

func (h *Handler) adminDeposit(w http.ResponseWriter, r *http.Request) error {
	return h.adminDepositPage(w, r, http.StatusOK, nil, "")
}

// amountField parses a yuan amount named field.
func amountField(v *errs.Validator, vals map[string][]string, field string) money.Fen {
	s := ""
	if x := vals[field]; len(x) > 0 {
		s = x[0]
	}
	f, err := money.ParseYuan(s)
	if err != nil {
		v.Add(field, "err.amount_format")
	}
	return f
}

func (h *Handler) adminDepositOp(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err != nil {
		return err
	}
	id, op := r.PathValue("id"), r.PathValue("op")
	p := httpx.PrincipalFrom(r.Context())
	lang := httpx.LangFrom(r.Context())
	var check errs.Validator
	ref := strings.TrimSpace(v.Get("ref"))
	switch op {
	case "pay":
		amt := amountField(&check, v, "amount")
		if err = check.Err(); err == nil {
			_, err = h.Deposit.RecordPayment(r.Context(), p, deposit.Payment{SupplierID: id, Amount: amt, Ref: ref, Remittance: v.Get("remittance"), BankDetails: v.Get("bank_details")})
		}
	case "freeze", "unfreeze":
		amt := amountField(&check, v, "amount")
		if err = check.Err(); err == nil {
			mv := deposit.Movement{SupplierID: id, Amount: amt, Ref: ref, Reason: v.Get("reason"), Dispute: v.Get("dispute")}
			if op == "freeze" {
				_, err = h.Deposit.Freeze(r.Context(), p, mv)
			} else {
				_, err = h.Deposit.Unfreeze(r.Context(), p, mv)
			}
		}
	case "deduct":
		amt := amountField(&check, v, "amount")
		if err = check.Err(); err == nil {
			_, err = h.Deposit.Deduct(r.Context(), p, deposit.Deduction{SupplierID: id, Amount: amt, Ref: ref, Reason: v.Get("reason"),
				Dispute: v.Get("dispute"), From: deposit.Source(v.Get("from")), To: deposit.Target(v.Get("to")), BuyerID: v.Get("buyer_id")})
		}
	case "exit":
		_, err = h.Deposit.MarkExit(r.Context(), p, id, time.Now())
	case "payout":
		_, err = h.Deposit.Refund(r.Context(), p, deposit.Payout{SupplierID: id, Ref: ref, BankDetails: v.Get("bank_details")})
	default:
		return errs.E(errs.NotFound, "err.page_not_found")
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		return h.adminDepositPage(w, r, httpx.Status(errs.CodeOf(err)), f, op)
	}
	h.flash(r, i18n.T(lang, "app.review_saved"))
	http.Redirect(w, r, "/admin/deposits/"+id, http.StatusSeeOther)
	return nil
}
