package fulfil

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/order"
)

// View is an order's fulfilment as its pages and the API show it.
type View struct {
	Shipments []Shipment
	Shipped   map[int]int64 // per line, shipped so far
	Receipt   map[int]ReceiptLine
	Progress  *Progress // nil before the first shipment
	Holds     int64
	Settled   *Settlement
}

// Partly reports whether some but not all of the order is shipped (部分发货).
func (v *View) Partly(o *order.Order) bool {
	if o.State != order.Paid || len(v.Shipments) == 0 {
		return false
	}
	return true
}

// Remaining is what is left to ship of a line.
func (v *View) Remaining(l order.Line) int64 { return l.Qty - v.Shipped[l.No] }

// supplierOnly refuses an order loaded for p to anyone but its supplier, as a 404.
func supplierOnly(p *identity.Principal, o *order.Order) (*order.Order, error) {
	if !p.Is(identity.Supplier) || o.SupplierID != p.Org.ID {
		return nil, notFound()
	}
	return o, nil
}

// buyerOnly refuses an order loaded for p to anyone but its buyer company, as a 404.
func buyerOnly(p *identity.Principal, o *order.Order) (*order.Order, error) {
	if !p.Is(identity.Buyer) || o.BuyerOrgID != p.Org.ID {
		return nil, notFound()
	}
	return o, nil
}

// View returns an order's fulfilment for anyone who may see the order.
func (s *Service) View(ctx context.Context, p *identity.Principal, orderID string) (*order.Order, *View, error) {
	o, err := s.Orders.Get(ctx, p, orderID)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.view(ctx, o.ID)
	return o, v, err
}

func (s *Service) view(ctx context.Context, orderID string) (*View, error) {
	v := &View{Shipped: map[int]int64{}, Receipt: map[int]ReceiptLine{}}
	var err error
	if v.Shipments, err = s.Store.Shipments(ctx, orderID); err != nil {
		return nil, err
	}
	for _, sh := range v.Shipments {
		for _, l := range sh.Lines {
			v.Shipped[l.LineNo] += l.Qty
		}
	}
	rls, err := s.Store.ReceiptLines(ctx, orderID)
	if err != nil {
		return nil, err
	}
	for _, r := range rls {
		v.Receipt[r.LineNo] = r
	}
	if v.Progress, err = s.Store.Progress(ctx, orderID); errs.Is(err, errs.NotFound) {
		v.Progress, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if v.Holds, err = s.Store.OrderHolds(ctx, orderID); err != nil {
		return nil, err
	}
	if v.Settled, err = s.Store.Settlement(ctx, orderID); errs.Is(err, errs.NotFound) {
		v.Settled, err = nil, nil
	}
	return v, err
}

// Ship records a shipment of a paid order by its supplier: the lines and quantities
// given (everything not yet shipped when none are), never more than ordered. When every
// line is fully shipped the order becomes shipped and its inspection window starts.
// Shipping an unpaid, cancelled or already shipped order, or one whose buyer's refund
// request awaits a decision, is a Conflict; another supplier's order is a 404; nothing
// is written on any refusal.
func (s *Service) Ship(ctx context.Context, p *identity.Principal, orderID string, in ShipInput) (*Shipment, error) {
	var v errs.Validator
	in.check(&v)
	for no, q := range in.Lines {
		if q < 0 || q > order.MaxQty {
			v.Add("lines."+strconv.Itoa(no), "ship.err.qty")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Shipment
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Orders.Locked(ctx, p, orderID)
		if err == nil {
			o, err = supplierOnly(p, o)
		}
		if err != nil {
			return err
		}
		if o.State != order.Paid {
			return errs.E(errs.Conflict, "order.err.transition", string(o.State), string(order.Shipped))
		}
		// The buyer asked to cancel and get the money back: that is decided first.
		pending, err := s.Store.RefundRequested(ctx, o.ID)
		if err != nil {
			return err
		}
		if pending {
			return errs.E(errs.Conflict, "ship.err.refund_pending")
		}
		fv, err := s.view(ctx, o.ID)
		if err != nil {
			return err
		}
		now := s.now()
		sh := &Shipment{ID: db.NewID(), OrderID: o.ID, SupplierID: o.SupplierID, Seq: len(fv.Shipments) + 1, Mode: in.Mode, Carrier: in.Carrier,
			CarrierName: in.CarrierName, Waybill: in.Waybill, Plate: in.Plate, DriverPhone: in.DriverPhone, Note: in.Note,
			CreatedBy: p.User.DisplayName, CreatedAt: now}
		var lv errs.Validator
		known := map[int]bool{}
		done := true
		for _, l := range o.Lines {
			known[l.No] = true
			rem := fv.Remaining(l)
			q, asked := in.Lines[l.No]
			if len(in.Lines) == 0 {
				q = rem
			}
			switch {
			case asked && q > rem:
				lv.Add("lines."+strconv.Itoa(l.No), "ship.err.over", rem)
				continue
			case q > 0:
				sh.Lines = append(sh.Lines, ShipLine{LineNo: l.No, Qty: q})
			}
			if q < rem {
				done = false
			}
		}
		for no := range in.Lines {
			if !known[no] {
				lv.Add("lines."+strconv.Itoa(no), "ship.err.no_line")
			}
		}
		if err := lv.Err(); err != nil {
			return err
		}
		if len(sh.Lines) == 0 {
			return errs.Field("lines", "ship.err.nothing")
		}
		if err := s.Store.InsertShipment(ctx, sh); err != nil {
			return err
		}
		pr := fv.Progress
		if pr == nil {
			pr = &Progress{OrderID: o.ID, SupplierID: o.SupplierID}
		}
		label := shipmentLabel(sh)
		if done {
			pr.ShippedAt = now
			pr.InspectUntil = now.Add(time.Duration(s.inspectDays()) * 24 * time.Hour)
			if err := s.Orders.Advance(ctx, p, o, order.Shipped, "ship", label); err != nil {
				return err
			}
			if err := s.send(ctx, o.BuyerOrgID, "ship.msg.shipped", "/buyer/orders/"+o.ID, o.Number, label); err != nil {
				return err
			}
		} else {
			if err := s.Orders.Note(ctx, p, o, "ship_part", label); err != nil {
				return err
			}
			if err := s.send(ctx, o.BuyerOrgID, "ship.msg.part_shipped", "/buyer/orders/"+o.ID, o.Number, label); err != nil {
				return err
			}
		}
		if err := s.Store.PutProgress(ctx, pr); err != nil {
			return err
		}
		if s.Tracker != nil && sh.Mode == Parcel {
			// Subscribing is a request to the tracking service: it happens after the
			// commit, and a failure leaves tracking manual (logged by the tracker).
			t, phone := s.Tracker, o.Address.Mobile
			cp := *sh
			db.AfterCommit(ctx, func() { go subscribe(context.WithoutCancel(ctx), t, cp, phone) })
		}
		out = sh
		return nil
	})
	return out, err
}

// carrierNames are the carriers' names as order events and messages record them.
var carrierNames = map[string]string{SF: "顺丰速运", Deppon: "德邦", JD: "京东物流", ZTO: "中通快递", FTL: "整车", LTL: "零担"}

// shipmentLabel is a shipment's one-line description for events and messages.
func shipmentLabel(sh *Shipment) string {
	name := carrierNames[sh.Carrier]
	if sh.Mode == Truck && sh.CarrierName != "" {
		name += " " + sh.CarrierName
	} else if sh.CarrierName != "" {
		name = sh.CarrierName
	}
	if sh.Mode == Truck {
		return strings.TrimSpace(fmt.Sprintf("%s %s %s", name, sh.Plate, sh.Waybill))
	}
	return name + " " + sh.Waybill
}

// MaxTrackText bounds a tracking event's text.
const MaxTrackText = 200

// TrackInput is a manual tracking update.
type TrackInput struct {
	At    string // "2006-01-02 15:04" in Asia/Shanghai; empty for now
	Place string
	Text  string
}

// AddTracking records a manual tracking update by the order's supplier.
func (s *Service) AddTracking(ctx context.Context, p *identity.Principal, shipmentID string, in TrackInput) (*TrackEvent, error) {
	var v errs.Validator
	now := s.now()
	at := now
	if t := strings.TrimSpace(in.At); t != "" {
		var err error
		at, err = time.ParseInLocation("2006-01-02 15:04", strings.Replace(t, "T", " ", 1), order.Shanghai)
		if err != nil {
			v.Add("at", "ship.err.time")
		} else if at.After(now.Add(5 * time.Minute)) {
			v.Add("at", "ship.err.future")
		}
	}
	in.Place, in.Text = strings.TrimSpace(in.Place), strings.TrimSpace(in.Text)
	v.Check(utf8.RuneCountInString(in.Place) <= 50, "place", "err.too_long", 50)
	if in.Text == "" {
		v.Add("text", "err.required")
	} else if utf8.RuneCountInString(in.Text) > MaxTrackText {
		v.Add("text", "err.too_long", MaxTrackText)
	}
	if strings.ContainsFunc(in.Text+in.Place, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		v.Add("text", "err.bad_chars")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *TrackEvent
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if !db.ValidID(shipmentID) {
			return notFound()
		}
		sh, err := s.Store.Shipment(ctx, shipmentID)
		if err != nil {
			return err
		}
		o, err := s.Orders.Get(ctx, p, sh.OrderID)
		if err == nil {
			o, err = supplierOnly(p, o)
		}
		if err != nil {
			return err
		}
		if o.State == order.Cancelled || o.State == order.Settled {
			return errs.E(errs.Conflict, "ship.err.track_closed")
		}
		e := &TrackEvent{ID: db.NewID(), ShipmentID: sh.ID, OrderID: sh.OrderID, At: at.Truncate(time.Minute), Place: in.Place, Text: in.Text,
			Source: SourceManual, CreatedBy: p.User.DisplayName, CreatedAt: now}
		ok, err := s.Store.AddTracking(ctx, e)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "ship.err.track_dup")
		}
		out = e
		return nil
	})
	return out, err
}
