package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zhuchao/zhuchao/internal/aftersale"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/ledger"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
)

// registerAftersale adds after-sales and disputes: the buyer centre's 售后/退款 list, the
// 申请售后 form from an order line, case and dispute pages with evidence upload and the
// timeline; the supplier centre's 售后 list with answer forms and the 3-day deadline; the
// staff console's disputes queue (overdue first), mediation and arbitration forms and the
// refunds report. Every form works without JavaScript.
func (h *Handler) registerAftersale(mux *http.ServeMux) {
	h.route(mux, "GET /buyer/aftersale", httpx.BuyerAny, h.afterList)
	h.route(mux, "POST /buyer/aftersale", httpx.BuyerAny, h.afterCreate)
	h.route(mux, "GET /buyer/orders/{id}/aftersale", httpx.BuyerAny, h.afterNew)
	h.route(mux, "GET /buyer/aftersale/{id}", httpx.BuyerAny, h.afterView)
	h.route(mux, "POST /buyer/aftersale/{id}/{action}", httpx.BuyerAny, h.afterAct)
	h.route(mux, "GET /seller/aftersale", httpx.Seller, h.afterList)
	h.route(mux, "GET /seller/aftersale/{id}", httpx.Seller, h.afterView)
	h.route(mux, "POST /seller/aftersale/{id}/{action}", httpx.Seller, h.afterAct)
	h.route(mux, "GET /admin/aftersale", httpx.StaffAny, h.afterList)
	h.route(mux, "GET /admin/aftersale/{id}", httpx.StaffAny, h.afterView)
	h.route(mux, "GET /admin/refunds", httpx.StaffAny, h.afterRefunds)

	h.route(mux, "GET /buyer/orders/{id}/dispute", httpx.BuyerAny, h.disputeNew)
	h.route(mux, "GET /seller/orders/{id}/dispute", httpx.Seller, h.disputeNew)
	h.route(mux, "POST /buyer/disputes", httpx.BuyerAny, h.disputeCreate)
	h.route(mux, "POST /seller/disputes", httpx.Seller, h.disputeCreate)
	h.route(mux, "GET /buyer/disputes/{id}", httpx.BuyerAny, h.disputeView)
	h.route(mux, "GET /seller/disputes/{id}", httpx.Seller, h.disputeView)
	h.route(mux, "GET /admin/disputes", httpx.StaffAny, h.disputeQueue)
	h.route(mux, "GET /admin/disputes/{id}", httpx.StaffAny, h.disputeView)
	h.route(mux, "POST /buyer/disputes/{id}/{action}", httpx.BuyerAny, h.disputeAct)
	h.route(mux, "POST /seller/disputes/{id}/{action}", httpx.Seller, h.disputeAct)
	h.route(mux, "POST /admin/disputes/{id}/{action}", httpx.StaffAny, h.disputeAct)

	h.route(mux, "GET /aftersale/files/{kind}/{id}/{blob}", httpx.SignedIn, h.afterFile)
}

// afterBase is the list a case page belongs to.
func afterBase(r *http.Request) (areaName, base string) {
	return pathArea(r, "/buyer/aftersale", "/seller/aftersale", "/admin/aftersale")
}

func disputeBase(r *http.Request) string {
	_, b := pathArea(r, "/buyer/disputes", "/seller/disputes", "/admin/disputes")
	return b
}

func (h *Handler) afterPage(w http.ResponseWriter, r *http.Request, status int, page, nav string, f *Form, data any) error {
	a, _ := afterBase(r)
	h.render(w, r, status, page, &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "aftersale.nav."+nav), Area: a, Nav: nav, Form: f, Data: data})
	return nil
}

func (h *Handler) now() time.Time {
	if h.Aftersale != nil && h.Aftersale.Now != nil {
		return h.Aftersale.Now()
	}
	return time.Now()
}

// ---- lists ----

type afterListData struct {
	Cases    []aftersale.Case
	Disputes []aftersale.Dispute
	Base     string
	DBase    string
	Open     bool
	Now      time.Time
}

func (h *Handler) afterList(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	open := r.URL.Query().Get("open") == "1"
	cases, err := h.Aftersale.List(r.Context(), p, open)
	if err != nil {
		return err
	}
	d := afterListData{Cases: cases, Open: open, Now: h.now(), DBase: disputeBase(r)}
	_, d.Base = afterBase(r)
	if !p.Is(identity.Platform) {
		if d.Disputes, err = h.Aftersale.Disputes(r.Context(), p, open); err != nil {
			return err
		}
	}
	return h.afterPage(w, r, http.StatusOK, "aftersale_list", "aftersale", nil, d)
}

func (h *Handler) disputeQueue(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	open := r.URL.Query().Get("all") != "1"
	list, err := h.Aftersale.Disputes(r.Context(), p, open)
	if err != nil {
		return err
	}
	return h.afterPage(w, r, http.StatusOK, "dispute_queue", "disputes", nil, afterListData{Disputes: list, Open: open, Now: h.now(), DBase: "/admin/disputes"})
}

type refundsData struct {
	Refunds []aftersale.Refund
	Total   money.Fen
}

func (h *Handler) afterRefunds(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Aftersale.Refunds(r.Context(), httpx.PrincipalFrom(r.Context()), 500)
	if err != nil {
		return err
	}
	d := refundsData{Refunds: list}
	for _, x := range list {
		d.Total += x.Amount
	}
	return h.afterPage(w, r, http.StatusOK, "aftersale_refunds", "refunds", nil, d)
}

// ---- a new case ----

type afterNewData struct {
	Order   *order.Order
	Line    order.Line
	Kinds   []aftersale.Kind
	Reasons []string
	Token   string
}

func (h *Handler) afterNew(w http.ResponseWriter, r *http.Request) error {
	return h.afterNewPage(w, r, http.StatusOK, r.PathValue("id"), r.URL.Query().Get("line"), nil)
}

func (h *Handler) afterNewPage(w http.ResponseWriter, r *http.Request, status int, orderID, line string, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	o, err := h.Order.Get(r.Context(), p, orderID)
	if err != nil {
		return err
	}
	no, _ := strconv.Atoi(line)
	d := afterNewData{Order: o, Kinds: aftersale.Kinds, Reasons: aftersale.Reasons, Token: db.NewID()}
	found := false
	for _, l := range o.Lines {
		if l.No == no {
			d.Line, found = l, true
		}
	}
	if !found {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return h.afterPage(w, r, status, "aftersale_new", "aftersale", f, d)
}

// yuanField reads a yuan amount from a form field; a bad one is an error on the field.
func yuanField(v url.Values, field string) (money.Fen, error) {
	s := strings.TrimSpace(v.Get(field))
	if s == "" {
		return 0, nil
	}
	f, err := money.ParseYuan(s)
	if err != nil {
		return 0, errs.Field(field, "aftersale.err.amount_format")
	}
	return f, nil
}

// formFiles reads the uploaded files of a multipart field.
func formFiles(r *http.Request, field string) ([]aftersale.FileInput, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []aftersale.FileInput
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Size == 0 {
			continue
		}
		data, err := readUpload(fh)
		if err != nil {
			return nil, err
		}
		out = append(out, aftersale.FileInput{Name: fh.Filename, Data: data})
	}
	return out, nil
}

func (h *Handler) afterCreate(w http.ResponseWriter, r *http.Request) error {
	v, _, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	c, err := func() (*aftersale.Case, error) {
		amount, err := yuanField(v, "amount")
		if err != nil {
			return nil, err
		}
		qty, perr := strconv.ParseInt(strings.TrimSpace(v.Get("qty")), 10, 64)
		if perr != nil {
			return nil, errs.Field("qty", "aftersale.err.qty_positive")
		}
		line, _ := strconv.Atoi(v.Get("line"))
		photos, err := formFiles(r, "photos")
		if err != nil {
			return nil, err
		}
		in := aftersale.OpenInput{OrderID: v.Get("order_id"), LineNo: line, Kind: aftersale.Kind(v.Get("kind")), Reason: v.Get("reason"),
			Detail: v.Get("detail"), Qty: qty, Amount: amount, Photos: photos}
		if t := v.Get("token"); t != "" {
			in.IdemKey = "form:" + t
		}
		return h.Aftersale.Open(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	}()
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.afterNewPage(w, r, status, v.Get("order_id"), v.Get("line"), f)
	}
	return h.saved(w, r, "/buyer/aftersale/"+c.ID)
}

// ---- a case ----

type afterCaseData struct {
	Case  *aftersale.Case
	Base  string
	DBase string
	Now   time.Time
	Side  string
}

// Late reports whether the supplier's answer is overdue.
func (d afterCaseData) Late() bool { return d.Case.Overdue(d.Now) }

// Left is the time left to answer, rounded to hours.
func (d afterCaseData) Left() string {
	left := d.Case.AnswerBy.Sub(d.Now)
	if left < 0 {
		return "0"
	}
	return strconv.Itoa(int(left.Hours()))
}

func (h *Handler) afterView(w http.ResponseWriter, r *http.Request) error {
	return h.afterCase(w, r, http.StatusOK, nil)
}

func (h *Handler) afterCase(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	c, err := h.Aftersale.Get(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	a, base := afterBase(r)
	return h.afterPage(w, r, status, "aftersale_case", "aftersale", f, afterCaseData{Case: c, Base: base, DBase: disputeBase(r), Now: h.now(), Side: a})
}

func (h *Handler) afterAct(w http.ResponseWriter, r *http.Request) error {
	id, action := r.PathValue("id"), r.PathValue("action")
	p := httpx.PrincipalFrom(r.Context())
	v, err := parseForm(w, r)
	if err == nil {
		err = func() error {
			var err error
			switch action {
			case "answer":
				amount, ferr := yuanField(v, "amount")
				if ferr != nil {
					return ferr
				}
				_, err = h.Aftersale.Answer(r.Context(), p, id, aftersale.AnswerInput{Action: v.Get("action"), ReturnAddress: v.Get("return_address"), Reason: v.Get("reason"), Amount: amount})
			case "accept-offer":
				_, err = h.Aftersale.AcceptOffer(r.Context(), p, id)
			case "decline-offer":
				_, err = h.Aftersale.DeclineOffer(r.Context(), p, id)
			case "return":
				_, err = h.Aftersale.ShipReturn(r.Context(), p, id, v.Get("carrier"), v.Get("waybill"))
			case "confirm-return":
				_, err = h.Aftersale.ConfirmReturn(r.Context(), p, id)
			case "reship":
				_, err = h.Aftersale.Reship(r.Context(), p, id, v.Get("carrier"), v.Get("waybill"))
			case "cancel":
				_, err = h.Aftersale.Cancel(r.Context(), p, id)
			default:
				return errs.E(errs.NotFound, "err.not_found")
			}
			return err
		}()
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.afterCase(w, r, status, f)
	}
	_, base := afterBase(r)
	return h.saved(w, r, base+"/"+id)
}

// ---- disputes ----

type disputeNewData struct {
	Order *order.Order
	Base  string
	Token string
}

func (h *Handler) disputeNew(w http.ResponseWriter, r *http.Request) error {
	return h.disputeNewPage(w, r, http.StatusOK, r.PathValue("id"), nil)
}

func (h *Handler) disputeNewPage(w http.ResponseWriter, r *http.Request, status int, orderID string, f *Form) error {
	o, err := h.Order.Get(r.Context(), httpx.PrincipalFrom(r.Context()), orderID)
	if err != nil {
		return err
	}
	return h.afterPage(w, r, status, "dispute_new", "aftersale", f, disputeNewData{Order: o, Base: disputeBase(r), Token: db.NewID()})
}

func (h *Handler) disputeCreate(w http.ResponseWriter, r *http.Request) error {
	v, _, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	d, err := func() (*aftersale.Dispute, error) {
		amount, err := yuanField(v, "amount")
		if err != nil {
			return nil, err
		}
		files, err := formFiles(r, "files")
		if err != nil {
			return nil, err
		}
		in := aftersale.DisputeInput{OrderID: v.Get("order_id"), Claim: v.Get("claim"), Amount: amount, Files: files}
		if t := v.Get("token"); t != "" {
			in.IdemKey = "form:" + t
		}
		return h.Aftersale.OpenDispute(r.Context(), httpx.PrincipalFrom(r.Context()), in)
	}()
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.disputeNewPage(w, r, status, v.Get("order_id"), f)
	}
	return h.saved(w, r, disputeBase(r)+"/"+d.ID)
}

type disputeData struct {
	Dispute      *aftersale.Dispute
	Base         string
	CBase        string
	Now          time.Time
	Side         string // buyer, seller, admin
	CanArbitrate bool
	Escrow       money.Fen
	Deposit      money.Fen // the supplier's held deposit (staff)
}

// Mine reports whether the caller's side accepted the proposal already.
func (d disputeData) Accepted() bool {
	if d.Side == "buyer" {
		return d.Dispute.BuyerAccepted
	}
	return d.Dispute.SupplierAccepted
}

// Opener reports whether the caller's side opened the dispute.
func (d disputeData) Opener() bool {
	return (d.Side == "buyer" && d.Dispute.OpenedBy == aftersale.BuyerSide) || (d.Side == "seller" && d.Dispute.OpenedBy == aftersale.SupplierSide)
}

func (h *Handler) disputeView(w http.ResponseWriter, r *http.Request) error {
	return h.disputePage(w, r, http.StatusOK, nil)
}

func (h *Handler) disputePage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	dp, err := h.Aftersale.GetDispute(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	a, cbase := afterBase(r)
	d := disputeData{Dispute: dp, Base: disputeBase(r), CBase: cbase, Now: h.now(), Side: a, CanArbitrate: aftersale.CanArbitrate(p)}
	if d.CanArbitrate {
		if b, err := h.Aftersale.Ledger.Balance(r.Context(), ledger.Escrow(dp.OrderID)); err == nil {
			d.Escrow = b.Available()
		}
		if h.Deposit != nil {
			if st, err := h.Deposit.Status(r.Context(), dp.SupplierID); err == nil {
				d.Deposit = st.Held
			}
		}
	}
	h.render(w, r, status, "dispute_detail", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "aftersale.nav.disputes"), Area: a, Nav: "disputes", Form: f, Data: d})
	return nil
}

func (h *Handler) disputeAct(w http.ResponseWriter, r *http.Request) error {
	id, action := r.PathValue("id"), r.PathValue("action")
	p := httpx.PrincipalFrom(r.Context())
	v, _, err := parseMultipart(w, r)
	if err == nil {
		err = func() error {
			var err error
			switch action {
			case "evidence":
				files, ferr := formFiles(r, "files")
				if ferr != nil {
					return ferr
				}
				_, err = h.Aftersale.AddEvidence(r.Context(), p, id, v.Get("text"), files)
			case "accept":
				_, err = h.Aftersale.AcceptProposal(r.Context(), p, id)
			case "withdraw":
				_, err = h.Aftersale.Withdraw(r.Context(), p, id)
			case "mediate":
				_, err = h.Aftersale.Mediate(r.Context(), p, id, v.Get("message"))
			case "propose":
				amount, ferr := yuanField(v, "amount")
				if ferr != nil {
					return ferr
				}
				_, err = h.Aftersale.Propose(r.Context(), p, id, amount, v.Get("note"))
			case "arbitrate":
				refund, ferr := yuanField(v, "refund")
				if ferr != nil {
					return ferr
				}
				deduct, ferr := yuanField(v, "deduct")
				if ferr != nil {
					return ferr
				}
				_, err = h.Aftersale.Arbitrate(r.Context(), p, id, aftersale.Outcome{Refund: refund, Deduct: deduct, Decision: v.Get("decision")})
			default:
				return errs.E(errs.NotFound, "err.not_found")
			}
			return err
		}()
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.disputePage(w, r, status, f)
	}
	return h.saved(w, r, disputeBase(r)+"/"+id)
}

// afterFile serves an evidence file to those who may see its case or dispute.
func (h *Handler) afterFile(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Aftersale.File(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("kind"), r.PathValue("id"), r.PathValue("blob"))
	if err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, max-age=3600")
	hdr.Set("Content-Type", b.ContentType)
	hdr.Set("Content-Disposition", b.Disposition())
	hdr.Set("Content-Length", strconv.Itoa(len(b.Data)))
	w.Write(b.Data)
	return nil
}

// orderAfterView is what an order page shows of after-sales: whether cases and disputes
// may be opened, and the order's cases.
type orderAfterView struct {
	CanCase    bool
	CanDispute bool
	DBase      string
	Cases      []aftersale.Case
	Refunded   money.Fen
}

// orderAfter reads the after-sales part of an order page.
func (h *Handler) orderAfter(r *http.Request, p *identity.Principal, o *order.Order) *orderAfterView {
	if h.Aftersale == nil {
		return nil
	}
	v := &orderAfterView{DBase: disputeBase(r)}
	v.CanCase = p.Is(identity.Buyer) && (o.State == order.Shipped || o.State == order.Received)
	v.CanDispute = (p.Is(identity.Buyer) || p.Is(identity.Supplier)) && (o.State == order.Shipped || o.State == order.Received || o.State == order.Settled)
	v.Cases, _ = h.Aftersale.OfOrder(r.Context(), p, o.ID)
	v.Refunded, _ = h.Aftersale.RefundedOf(r.Context(), p, o.ID)
	if !v.CanCase && !v.CanDispute && len(v.Cases) == 0 && v.Refunded == 0 {
		return nil
	}
	return v
}
