package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/fulfil"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

// registerFulfil adds shipping and tracking (supplier), receipt inspection (buyer),
// release (staff), payouts and statements (supplier and staff) and the settlement report.
func (h *Handler) registerFulfil(mux *http.ServeMux) {
	h.route(mux, "POST /seller/orders/{id}/ship", httpx.Seller, h.shipOrder)
	h.route(mux, "POST /seller/orders/{id}/track/{shipment}", httpx.Seller, h.trackShipment)
	h.route(mux, "POST /buyer/orders/{id}/receive", httpx.BuyerAny, h.receiveOrder)
	h.route(mux, "POST /admin/orders/{id}/release", financeStaff, h.releaseOrder)
	h.route(mux, "GET /seller/payouts", httpx.Seller, h.sellerPayouts)
	h.route(mux, "POST /seller/payouts/account", httpx.Seller, h.sellerAccount)
	h.route(mux, "GET /seller/payouts/statement", httpx.Seller, h.statementDownload)
	h.route(mux, "GET /admin/payouts", financeStaff, h.adminPayouts)
	h.route(mux, "POST /admin/payouts/batches", financeStaff, h.createBatch)
	h.route(mux, "POST /admin/payouts/{id}/paid", financeStaff, h.payoutPaid)
	h.route(mux, "POST /admin/payouts/{id}/failed", financeStaff, h.payoutFailed)
	h.route(mux, "GET /admin/settlements", financeStaff, h.adminSettlements)
}

// ---- the order page's fulfilment section ----

type shipLineView struct {
	order.Line
	Shipped   int64
	Remaining int64
	Receipt   *fulfil.ReceiptLine
}

type orderShipView struct {
	View       *fulfil.View
	Lines      []shipLineView
	Partly     bool
	CanShip    bool
	CanTrack   bool
	CanConfirm bool
	CanRelease bool
	Carriers   []string
	TruckKinds []string
	Buyer      bool
}

// orderShip builds the fulfilment section of an order page.
func (h *Handler) orderShip(r *http.Request, p *identity.Principal, o *order.Order) *orderShipView {
	if h.Fulfil == nil {
		return nil
	}
	_, v, err := h.Fulfil.View(r.Context(), p, o.ID)
	if err != nil {
		return nil
	}
	sv := &orderShipView{View: v, Partly: v.Partly(o), Carriers: fulfil.ParcelCarriers, TruckKinds: fulfil.TruckKinds, Buyer: p.Is(identity.Buyer)}
	for _, l := range o.Lines {
		lv := shipLineView{Line: l, Shipped: v.Shipped[l.No], Remaining: v.Remaining(l)}
		if rl, ok := v.Receipt[l.No]; ok {
			lv.Receipt = &rl
		}
		sv.Lines = append(sv.Lines, lv)
	}
	seller := p.Is(identity.Supplier) && strings.HasPrefix(r.URL.Path, "/seller/")
	sv.CanShip = seller && o.State == order.Paid
	sv.CanTrack = seller && len(v.Shipments) > 0 && o.State != order.Settled && o.State != order.Cancelled
	sv.CanConfirm = p.Is(identity.Buyer) && o.State == order.Shipped
	sv.CanRelease = financeStaff.Check(p) == nil && o.State == order.Received && v.Holds == 0
	if len(v.Shipments) == 0 && o.State != order.Paid {
		return nil
	}
	return sv
}

func (h *Handler) shipOrder(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		in := fulfil.ShipInput{Mode: fulfil.Mode(v.Get("mode")), Carrier: v.Get("carrier"), CarrierName: v.Get("carrier_name"), Waybill: v.Get("waybill"),
			Plate: v.Get("plate"), DriverPhone: v.Get("driver_phone"), Note: v.Get("note"), Lines: map[int]int64{}}
		var bad errs.Validator
		for k := range v {
			no, ok := strings.CutPrefix(k, "qty.")
			if !ok {
				continue
			}
			n, err := strconv.Atoi(no)
			s := strings.TrimSpace(v.Get(k))
			if err != nil || s == "" {
				continue
			}
			q, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				bad.Add("lines."+no, "ship.err.qty")
				continue
			}
			in.Lines[n] = q
		}
		if err := bad.Err(); err != nil {
			return err
		}
		// All quantities left blank ships everything not yet shipped; zeros ship nothing
		// of that line.
		_, err := h.Fulfil.Ship(r.Context(), httpx.PrincipalFrom(r.Context()), id, in)
		return err
	}, "/seller/orders/"+id)
}

func (h *Handler) trackShipment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		_, err := h.Fulfil.AddTracking(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("shipment"),
			fulfil.TrackInput{At: v.Get("at"), Place: v.Get("place"), Text: v.Get("text")})
		return err
	}, "/seller/orders/"+id+"#shipping")
}

func (h *Handler) receiveOrder(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(v url.Values) error {
		var lines []fulfil.ConfirmLine
		var bad errs.Validator
		for _, no := range v["confirm"] {
			n, err := strconv.Atoi(no)
			if err != nil {
				continue
			}
			q, err := strconv.ParseInt(strings.TrimSpace(v.Get("accepted."+no)), 10, 64)
			if err != nil {
				bad.Add("lines."+no+".accepted", "ship.err.qty")
				continue
			}
			lines = append(lines, fulfil.ConfirmLine{LineNo: n, Accepted: q, Problem: v.Get("problem." + no)})
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if len(lines) == 0 {
			return errs.Field("lines", "ship.err.nothing_confirm")
		}
		_, err := h.Fulfil.Confirm(r.Context(), httpx.PrincipalFrom(r.Context()), id, lines)
		return err
	}, "/buyer/orders/"+id)
}

func (h *Handler) releaseOrder(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return h.orderAction(w, r, func(url.Values) error {
		_, err := h.Fulfil.Release(r.Context(), httpx.PrincipalFrom(r.Context()), id)
		return err
	}, "/admin/orders/"+id)
}

// ---- supplier payouts and statements ----

type sellerPayoutsData struct {
	Payable   fulfil.Payable
	Account   *fulfil.Account
	Statement *fulfil.Statement
	Payouts   []fulfil.Payout
	Period    string
	CanEdit   bool
}

func (h *Handler) sellerPayouts(w http.ResponseWriter, r *http.Request) error {
	return h.sellerPayoutsPage(w, r, http.StatusOK, nil)
}

func (h *Handler) sellerPayoutsPage(w http.ResponseWriter, r *http.Request, status int, f *Form) error {
	p := httpx.PrincipalFrom(r.Context())
	ctx := r.Context()
	d := sellerPayoutsData{Period: r.URL.Query().Get("period"), CanEdit: p.Has(identity.Owner)}
	var err error
	if d.Payable, err = h.Fulfil.PayableOf(ctx, p); err != nil {
		return err
	}
	if d.Account, err = h.Fulfil.AccountOf(ctx, p); err != nil && !errs.Is(err, errs.NotFound) {
		return err
	}
	if d.Statement, err = h.Fulfil.StatementOf(ctx, p, "", d.Period); err != nil {
		if !errs.Is(err, errs.Invalid) {
			return err
		}
		d.Period = ""
		if d.Statement, err = h.Fulfil.StatementOf(ctx, p, "", ""); err != nil {
			return err
		}
	}
	d.Period = d.Statement.Period
	h.render(w, r, status, "seller_payouts", &Page{Title: i18n.T(httpx.LangFrom(ctx), "ship.nav.payouts"), Area: "seller", Nav: "payouts", Form: f, Data: d})
	return nil
}

func (h *Handler) sellerAccount(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		_, err = h.Fulfil.SetAccount(r.Context(), httpx.PrincipalFrom(r.Context()), fulfil.Account{Name: v.Get("name"), Bank: v.Get("bank"), Number: v.Get("number"), CNAPS: v.Get("cnaps")})
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.sellerPayoutsPage(w, r, status, f)
	}
	return h.saved(w, r, "/seller/payouts")
}

// statementDownload writes the statement as .xlsx, or CSV (UTF-8 with BOM) with
// ?format=csv: one row per settled order and per payout, then the balances.
func (h *Handler) statementDownload(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	st, err := h.Fulfil.StatementOf(r.Context(), p, "", r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	t := func(k string) string { return i18n.T(lang, k) }
	headers := []string{t("ship.st.date"), t("ship.st.kind"), t("ship.st.ref"), t("ship.st.gross"), t("ship.st.commission"), t("ship.st.net"), t("ship.st.paid_out")}
	var rows [][]string
	rows = append(rows, []string{st.From.Format("2006-01-02"), t("ship.st.opening"), "", "", "", st.Opening.String(), ""})
	for _, x := range st.Settlements {
		rows = append(rows, []string{x.SettledAt.In(order.Shanghai).Format("2006-01-02 15:04"), t("ship.st.settled"), x.Number, x.Gross.String(), x.Commission.String(), x.Net.String(), ""})
	}
	for _, po := range st.Payouts {
		rows = append(rows, []string{po.PaidAt.In(order.Shanghai).Format("2006-01-02 15:04"), t("ship.st.payout"), po.BatchNumber + " " + po.BankRef, "", "", "", po.Amount.String()})
	}
	rows = append(rows, []string{st.To.AddDate(0, 0, -1).Format("2006-01-02"), t("ship.st.closing"), "", st.Gross.String(), st.Commission.String(), st.Closing.String(), st.PaidOut.String()})
	name := "statement-" + st.Period
	var buf bytes.Buffer
	if r.URL.Query().Get("format") == "csv" {
		if err := sheet.WriteCSV(&buf, headers, rows); err != nil {
			return err
		}
		attachment(w, name+".csv", "text/csv; charset=utf-8")
		w.Write(buf.Bytes())
		return nil
	}
	x, err := sheet.NewXLSX(st.Period, headers)
	if err != nil {
		return err
	}
	defer x.Close()
	if err := x.Text(2); err != nil {
		return err
	}
	for _, row := range rows {
		cells := make([]any, len(row))
		for i, c := range row {
			cells[i] = c
		}
		if err := x.Append(cells...); err != nil {
			return err
		}
	}
	if _, err := x.WriteTo(&buf); err != nil {
		return err
	}
	attachment(w, name+".xlsx", xlsxType)
	w.Write(buf.Bytes())
	return nil
}

// ---- staff: payouts and the settlement report ----

type adminPayoutsData struct {
	Payables []fulfil.Payable
	Batches  []fulfil.Batch
	Skipped  []string
}

func (h *Handler) adminPayouts(w http.ResponseWriter, r *http.Request) error {
	return h.adminPayoutsPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) adminPayoutsPage(w http.ResponseWriter, r *http.Request, status int, f *Form, skipped []string) error {
	p := httpx.PrincipalFrom(r.Context())
	d := adminPayoutsData{Skipped: skipped}
	var err error
	if d.Payables, err = h.Fulfil.Payables(r.Context(), p); err != nil {
		return err
	}
	if d.Batches, err = h.Fulfil.Batches(r.Context(), p); err != nil {
		return err
	}
	h.render(w, r, status, "admin_payouts", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "ship.nav.admin_payouts"), Area: "admin", Nav: "payouts", Form: f, Data: d})
	return nil
}

func (h *Handler) createBatch(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	var b *fulfil.Batch
	if err == nil {
		b, err = h.Fulfil.CreateBatch(r.Context(), httpx.PrincipalFrom(r.Context()))
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.adminPayoutsPage(w, r, status, f, nil)
	}
	lang := httpx.LangFrom(r.Context())
	msg := i18n.T(lang, "ship.batch_made", b.Number, len(b.Payouts))
	if len(b.Skipped) > 0 {
		msg += " " + i18n.T(lang, "ship.batch_skipped", strings.Join(b.Skipped, "、"))
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/admin/payouts", http.StatusSeeOther)
	return nil
}

func (h *Handler) payoutPaid(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		_, err = h.Fulfil.MarkPaid(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("bank_ref"))
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.adminPayoutsPage(w, r, status, f, nil)
	}
	return h.saved(w, r, "/admin/payouts")
}

func (h *Handler) payoutFailed(w http.ResponseWriter, r *http.Request) error {
	v, err := parseForm(w, r)
	if err == nil {
		_, err = h.Fulfil.MarkFailed(r.Context(), httpx.PrincipalFrom(r.Context()), r.PathValue("id"), v.Get("reason"))
	}
	if err != nil {
		f, status, err := userFormError(r, v, err)
		if err != nil {
			return err
		}
		return h.adminPayoutsPage(w, r, status, f, nil)
	}
	return h.saved(w, r, "/admin/payouts")
}

type settlementsData struct {
	Period      string
	Settlements []fulfil.Settlement
	Gross       int64
	Commission  int64
	Net         int64
	Rec         *fulfil.Reconciliation
}

func (h *Handler) adminSettlements(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	list, period, err := h.Fulfil.Settlements(r.Context(), p, r.URL.Query().Get("period"))
	if err != nil {
		return err
	}
	d := settlementsData{Period: period, Settlements: list}
	for _, s := range list {
		d.Gross += int64(s.Gross)
		d.Commission += int64(s.Commission)
		d.Net += int64(s.Net)
	}
	if d.Rec, err = h.Fulfil.Reconcile(r.Context()); err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "admin_settlements", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "ship.nav.settlements"), Area: "admin", Nav: "settlements", Data: d})
	return nil
}
