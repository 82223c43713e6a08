package rfq

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/order"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// LineInput is one requested item as typed.
type LineInput struct {
	Description string
	Spec        string
	Qty         int64
	Unit        string
}

// FileInput is an uploaded file.
type FileInput struct {
	Name string
	Data []byte
}

// RequestInput is what a buyer fills in to post a request.
type RequestInput struct {
	// Token makes creation idempotent (the form's one-time token or Idempotency-Key).
	Token       string
	Title       string
	Description string
	CategoryID  string
	Lines       []LineInput
	Files       []FileInput
	NeedBy      time.Time
	Deadline    time.Time
	Target      string // yuan, optional
	AddressID   string
	OpenToAll   bool
	Invite      []string // supplier names
	Publish     bool     // publish at once instead of keeping a draft
}

func badText(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f })
}

func text(v *errs.Validator, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		v.Add(field, "err.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "err.too_long", max)
	case badText(s):
		v.Add(field, "err.bad_chars")
	}
	return s
}

// fileError reports a refused upload under "files" (and "files.N"), whatever status the
// upload package gave it (413, 415…), so that it is shown with the form's other errors
// and nothing is written; it reports false for internal errors, left to the caller.
func fileError(v *errs.Validator, i int, err error) bool {
	e := errs.As(err)
	if e == nil || e.Code == errs.Internal {
		return false
	}
	if len(e.Fields) == 0 {
		v.Add("files", e.Msg.Key, e.Msg.Args...)
	}
	for _, f := range e.Fields {
		v.Add("files", f.Msg.Key, f.Msg.Args...)
		v.Add(fmt.Sprintf("files.%d", i), f.Msg.Key, f.Msg.Args...)
	}
	return true
}

// startOfDay is the start of t's day in Shanghai.
func startOfDay(t time.Time) time.Time {
	t = t.In(order.Shanghai)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, order.Shanghai)
}

func canRequest(p *identity.Principal) bool {
	return p.Is(identity.Buyer) && p.Has(identity.Owner, identity.Purchaser)
}

// Create records a request (a draft, or published when in.Publish) with its lines,
// files and invites in one transaction; the same token returns the first request.
func (s *Service) Create(ctx context.Context, p *identity.Principal, in RequestInput) (*Request, error) {
	if !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	if !canRequest(p) {
		return nil, errs.E(errs.Forbidden, "rfq.err.not_purchaser")
	}
	now := s.now()
	var v errs.Validator
	r := &Request{ID: db.NewID(), BuyerOrgID: p.Org.ID, BuyerName: p.Org.Name, BuyerUserID: p.User.ID, OpenToAll: in.OpenToAll, State: Draft, CreatedAt: now, UpdatedAt: now}
	r.Title = text(&v, "title", in.Title, MaxTitle, true)
	r.Description = text(&v, "description", in.Description, MaxText, false)
	if len(in.Token) > 255 {
		v.Add("token", "err.too_long", 255)
	}
	if !db.ValidID(in.CategoryID) {
		v.Add("category_id", "err.required")
	} else if zh, en, err := s.Store.RFQCategory(ctx, in.CategoryID); err != nil {
		if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		v.Add("category_id", "rfq.err.category_unknown")
	} else {
		r.CategoryID, r.CategoryName = in.CategoryID, zh+" / "+en
	}
	switch {
	case len(in.Lines) == 0:
		v.Add("lines", "rfq.err.no_lines")
	case len(in.Lines) > MaxLines:
		v.Add("lines", "rfq.err.too_many_lines", MaxLines)
	}
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines.%d.", i)
		line := Line{No: i + 1}
		line.Description = text(&v, f+"description", l.Description, MaxShort, true)
		line.Spec = text(&v, f+"spec", l.Spec, MaxShort, false)
		line.Unit = text(&v, f+"unit", l.Unit, 10, true)
		switch {
		case l.Qty <= 0:
			v.Add(f+"qty", "rfq.err.qty_positive")
		case l.Qty > MaxQty:
			v.Add(f+"qty", "rfq.err.qty_absurd", MaxQty)
		}
		line.Qty = l.Qty
		r.Lines = append(r.Lines, line)
	}
	today := startOfDay(now)
	switch {
	case in.Deadline.IsZero():
		v.Add("deadline", "err.required")
	case !in.Deadline.After(now):
		v.Add("deadline", "rfq.err.past")
	case in.Deadline.Sub(now) > MaxAhead:
		v.Add("deadline", "rfq.err.too_far")
	}
	switch {
	case in.NeedBy.IsZero():
		v.Add("need_by", "err.required")
	case in.NeedBy.Before(today):
		v.Add("need_by", "rfq.err.past")
	case in.NeedBy.Sub(now) > MaxAhead:
		v.Add("need_by", "rfq.err.too_far")
	case !in.Deadline.IsZero() && in.NeedBy.Before(startOfDay(in.Deadline)):
		v.Add("need_by", "rfq.err.need_before_deadline")
	}
	r.NeedBy, r.Deadline = in.NeedBy, in.Deadline
	if t := strings.TrimSpace(in.Target); t != "" {
		fen, err := money.ParseYuan(t)
		if err != nil {
			v.Add("target", "rfq.err.amount")
		}
		r.Target = fen
	}
	if len(in.Files) > MaxFiles {
		v.Add("files", "rfq.err.too_many_files", MaxFiles)
	}
	var blobs []*upload.Blob
	for i, f := range in.Files {
		b, err := upload.New(p.Org.ID, f.Name, f.Data, FileKinds, MaxFileBytes, now)
		if err != nil {
			if !fileError(&v, i, err) {
				return nil, err
			}
			continue
		}
		blobs = append(blobs, b)
		r.Files = append(r.Files, File{BlobID: b.ID, Name: b.DisplayName, Size: b.Size})
	}
	var names []string
	for _, n := range in.Invite {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) > MaxInvites {
		v.Add("invite", "rfq.err.too_many_invites", MaxInvites)
	} else if len(names) > 0 {
		found, err := s.Store.RFQSuppliers(ctx, names)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, n := range names {
			sp, ok := found[n]
			if !ok {
				v.Add("invite", "rfq.err.supplier_unknown", n)
				continue
			}
			if !seen[sp.ID] {
				seen[sp.ID] = true
				r.Invited = append(r.Invited, sp)
			}
		}
	}
	if !r.OpenToAll && len(names) == 0 {
		v.Add("invite", "rfq.err.no_suppliers")
	}
	if in.AddressID == "" {
		v.Add("address_id", "err.required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	addr, err := s.Addresses.Address(ctx, p, in.AddressID)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("address_id", "rfq.err.address_unknown")
		}
		return nil, err
	}
	r.Address = order.Address{Consignee: addr.Consignee, Mobile: addr.Mobile, DivisionCode: addr.DivisionCode, DivisionName: addr.DivisionName, Street: addr.Street, Postcode: addr.Postcode}
	token := in.Token
	if token == "" {
		token = db.NewID()
	}
	if in.Publish {
		r.State = Published
	}
	var id string
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		existing, err := s.Store.RFQByToken(ctx, p.Org.ID, p.User.ID, token)
		if err != nil {
			return err
		}
		if existing != "" {
			id = existing
			return nil
		}
		seq, err := s.Store.NextRFQNumber(ctx, now.In(order.Shanghai).Format("20060102"))
		if err != nil {
			return err
		}
		r.Number = Number(now.In(order.Shanghai).Format("20060102"), seq)
		for _, b := range blobs {
			if err := s.Blobs.PutBlob(ctx, b); err != nil {
				return err
			}
		}
		if err := s.Store.InsertRFQ(ctx, r, token); err != nil {
			return err
		}
		if r.State == Published {
			if err := s.announce(ctx, r); err != nil {
				return err
			}
		}
		id = r.ID
		return s.Store.Emit(ctx, Topic, r.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.RFQ(ctx, id)
}

// announce tells the invited suppliers about a published request.
func (s *Service) announce(ctx context.Context, r *Request) error {
	if s.Notify == nil {
		return nil
	}
	for _, sp := range r.Invited {
		if err := s.Notify.Send(ctx, sp.ID, "rfq", "rfq.msg.invited", "/seller/quotes/"+r.ID, r.BuyerName, r.Title); err != nil {
			return err
		}
	}
	return nil
}

// own loads a request of the caller's buyer company; anything else is not found.
func (s *Service) own(ctx context.Context, p *identity.Principal, id string) (*Request, error) {
	if !p.Is(identity.Buyer) || !db.ValidID(id) {
		return nil, notFound()
	}
	r, err := s.Store.RFQ(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.BuyerOrgID != p.Org.ID {
		return nil, notFound()
	}
	return r, nil
}

// visible loads a request the caller may see: its buyer company, a supplier it is
// addressed to (not drafts), or platform staff.
func (s *Service) visible(ctx context.Context, p *identity.Principal, id string) (*Request, error) {
	if p == nil || !db.ValidID(id) {
		return nil, notFound()
	}
	switch {
	case p.Is(identity.Buyer):
		return s.own(ctx, p, id)
	case p.Is(identity.Supplier):
		ok, err := s.Store.SupplierSees(ctx, id, p.Org.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound()
		}
		r, err := s.Store.RFQ(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.State == Draft {
			return nil, notFound()
		}
		supplierView(r, p.Org.ID, "")
		return r, nil
	case p.Is(identity.Platform):
		return s.Store.RFQ(ctx, id)
	}
	return nil, notFound()
}

// supplierView strips from a request what a supplier must not see: the buyer's target
// price, the other suppliers invited, the street address and contact (the order carries
// them once a quote is accepted) and other suppliers' files. myQuote is the supplier's
// quote ID when known ("" keeps only the request's own files and, in visible, is
// resolved by File's own check).
func supplierView(r *Request, supplierID, myQuote string) {
	r.Target = 0
	r.Invited = nil
	r.Address.Street, r.Address.Consignee, r.Address.Mobile, r.Address.Postcode = "", "", "", ""
	files := r.Files[:0:0]
	for _, f := range r.Files {
		if f.QuoteID == "" || (myQuote != "" && f.QuoteID == myQuote) {
			files = append(files, f)
		}
	}
	r.Files = files
}

// Detail is a request as its viewer sees it: the buyer sees every quote and thread,
// a supplier only its own quote and thread, staff everything, read only.
type Detail struct {
	Request  *Request
	Quotes   []Quote // the buyer's and staff's view; a supplier's own quote only
	Mine     *Quote  // a supplier's own quote, nil if none
	Threads  map[string][]Message
	CanQuote bool // a supplier may quote or revise now
}

// Get returns a request for its viewer.
func (s *Service) Get(ctx context.Context, p *identity.Principal, id string) (*Detail, error) {
	r, err := s.visible(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Request: r, Threads: map[string][]Message{}}
	if p.Is(identity.Supplier) {
		q, err := s.Store.QuoteBySupplier(ctx, id, p.Org.ID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		if err == nil {
			d.Mine = q
			d.Quotes = []Quote{*q}
			full, err := s.Store.RFQ(ctx, id)
			if err != nil {
				return nil, err
			}
			r.Files = full.Files
			supplierView(r, p.Org.ID, q.ID)
		}
		msgs, err := s.Store.RFQMessages(ctx, id, p.Org.ID)
		if err != nil {
			return nil, err
		}
		d.Threads[p.Org.ID] = msgs
		d.CanQuote = r.State == Published && s.now().Before(r.Deadline)
		return d, nil
	}
	qs, err := s.Store.Quotes(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range qs {
		s.standing(ctx, &qs[i].Supplier)
	}
	d.Quotes = qs
	msgs, err := s.Store.RFQMessages(ctx, id, "")
	if err != nil {
		return nil, err
	}
	for _, m := range msgs {
		d.Threads[m.SupplierID] = append(d.Threads[m.SupplierID], m)
	}
	return d, nil
}

func (s *Service) standing(ctx context.Context, sp *Supplier) {
	if s.Standing != nil {
		sp.Level, sp.Zhu, sp.Bao = s.Standing(ctx, sp.ID)
	}
}

// List lists requests for the caller: its company's (buyers), its inbox (suppliers) or
// every request (staff).
func (s *Service) List(ctx context.Context, p *identity.Principal, state State) ([]Request, error) {
	f := Filter{State: state, Limit: 200}
	switch {
	case p.Is(identity.Buyer):
		f.BuyerOrgID = p.Org.ID
	case p.Is(identity.Supplier):
		f.SupplierID = p.Org.ID
	case p.Is(identity.Platform):
	default:
		return nil, notFound()
	}
	list, err := s.Store.RFQs(ctx, f)
	if err != nil {
		return nil, err
	}
	if p.Is(identity.Supplier) {
		for i := range list {
			supplierView(&list[i], p.Org.ID, "")
		}
	}
	return list, nil
}

// Publish publishes a draft.
func (s *Service) Publish(ctx context.Context, p *identity.Principal, id string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.own(ctx, p, id)
		if err != nil {
			return err
		}
		if !canRequest(p) {
			return errs.E(errs.Forbidden, "rfq.err.not_purchaser")
		}
		if r.State != Draft {
			return errs.E(errs.Conflict, "rfq.err.state", string(r.State))
		}
		if !r.Deadline.After(s.now()) {
			return errs.Field("deadline", "rfq.err.past")
		}
		ok, err := s.Store.SetRFQState(ctx, id, Draft, Published, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.changed")
		}
		if err := s.announce(ctx, r); err != nil {
			return err
		}
		return s.Store.Emit(ctx, Topic, id)
	})
}

// Cancel cancels a request not yet awarded; its quotes are not chosen.
func (s *Service) Cancel(ctx context.Context, p *identity.Principal, id string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.own(ctx, p, id)
		if err != nil {
			return err
		}
		if !canRequest(p) {
			return errs.E(errs.Forbidden, "rfq.err.not_purchaser")
		}
		switch r.State {
		case Draft, Published, Closed:
		default:
			return errs.E(errs.Conflict, "rfq.err.state", string(r.State))
		}
		ok, err := s.Store.SetRFQState(ctx, id, r.State, Cancelled, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.changed")
		}
		others, err := s.Store.RejectOtherQuotes(ctx, id, "", s.now())
		if err != nil {
			return err
		}
		for _, sup := range others {
			if s.Notify != nil {
				if err := s.Notify.Send(ctx, sup, "rfq", "rfq.msg.cancelled", "/seller/quotes/"+id, r.Title); err != nil {
					return err
				}
			}
		}
		return s.Store.Emit(ctx, Topic, id)
	})
}

// QuoteInput is a supplier's quote as typed. Prices are per unit in yuan (up to four
// decimals), in the order of the request's lines.
type QuoteInput struct {
	Prices        []string
	TaxIncluded   bool
	TaxRate       money.Rate
	LeadDays      int
	ValidUntil    time.Time
	PaymentTerms  string
	DeliveryTerms string
	Notes         string
	Files         []FileInput
	// Version is the version being revised (0 for a first quote), so two people revising
	// at once cannot overwrite each other silently.
	Version int
}

// ValidRates are the VAT rates a quote may state.
var ValidRates = []money.Rate{money.VAT13, money.VAT9, money.VAT6, money.VAT3, money.VAT1, money.VAT0}

// SubmitQuote records the caller's quote on a request, or revises it (a new version,
// the old ones kept), before the deadline.
func (s *Service) SubmitQuote(ctx context.Context, p *identity.Principal, rfqID string, in QuoteInput) (*Quote, error) {
	if !p.Is(identity.Supplier) {
		return nil, notFound()
	}
	now := s.now()
	var out *Quote
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.visible(ctx, p, rfqID)
		if err != nil {
			return err
		}
		if r.State != Published || !now.Before(r.Deadline) {
			return errs.E(errs.Conflict, "rfq.err.closed")
		}
		var v errs.Validator
		q := &Quote{ID: db.NewID(), RFQID: r.ID, Supplier: Supplier{ID: p.Org.ID, Name: p.Org.Name}, Version: 1, State: Submitted,
			TaxIncluded: in.TaxIncluded, TaxRate: in.TaxRate, LeadDays: in.LeadDays, ValidUntil: in.ValidUntil, CreatedBy: p.User.DisplayName, CreatedAt: now, UpdatedAt: now}
		old, err := s.Store.QuoteBySupplier(ctx, r.ID, p.Org.ID)
		switch {
		case err == nil:
			if old.State != Submitted && old.State != Withdrawn {
				return errs.E(errs.Conflict, "rfq.err.quote_state", string(old.State))
			}
			if in.Version != old.Version {
				return errs.E(errs.Conflict, "rfq.err.quote_changed")
			}
			q.ID, q.Version, q.CreatedAt = old.ID, old.Version+1, old.CreatedAt
		case errs.Is(err, errs.NotFound):
		default:
			return err
		}
		if len(in.Prices) != len(r.Lines) {
			v.Add("prices", "rfq.err.prices_count", len(r.Lines))
		}
		valid := false
		for _, rt := range ValidRates {
			valid = valid || rt == in.TaxRate
		}
		if !valid {
			v.Add("tax_rate", "rfq.err.tax_rate")
		}
		for i, l := range r.Lines {
			if i >= len(in.Prices) {
				break
			}
			f := fmt.Sprintf("prices.%d", i)
			price, err := money.ParseUnitPrice(in.Prices[i])
			if err != nil {
				v.Add(f, "rfq.err.price")
				continue
			}
			incl := price
			if !in.TaxIncluded {
				incl = inclusive(price, in.TaxRate)
			}
			amount, err := money.LineTotal(incl, l.Qty)
			if err != nil || amount > money.MaxFen {
				v.Add(f, "rfq.err.price")
				continue
			}
			q.Lines = append(q.Lines, QuoteLine{No: l.No, UnitPrice: price, Amount: amount})
			q.Total += amount
		}
		if q.Total > money.MaxFen {
			v.Add("prices", "rfq.err.price")
		}
		if in.LeadDays < 1 || in.LeadDays > MaxLeadDays {
			v.Add("lead_days", "rfq.err.lead_days", MaxLeadDays)
		}
		switch {
		case in.ValidUntil.IsZero():
			v.Add("valid_until", "err.required")
		case !in.ValidUntil.After(now):
			v.Add("valid_until", "rfq.err.past")
		case in.ValidUntil.Sub(now) > MaxAhead:
			v.Add("valid_until", "rfq.err.too_far")
		}
		q.PaymentTerms = text(&v, "payment_terms", in.PaymentTerms, MaxShort, false)
		q.DeliveryTerms = text(&v, "delivery_terms", in.DeliveryTerms, MaxShort, false)
		q.Notes = text(&v, "notes", in.Notes, MaxText, false)
		if len(in.Files) > MaxFiles {
			v.Add("files", "rfq.err.too_many_files", MaxFiles)
		}
		var blobs []*upload.Blob
		for i, f := range in.Files {
			b, err := upload.New(p.Org.ID, f.Name, f.Data, FileKinds, MaxFileBytes, now)
			if err != nil {
				if !fileError(&v, i, err) {
					return err
				}
				continue
			}
			blobs = append(blobs, b)
			q.Files = append(q.Files, File{BlobID: b.ID, QuoteID: q.ID, Name: b.DisplayName, Size: b.Size})
		}
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := s.Store.SaveQuote(ctx, q)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.quote_changed")
		}
		for _, b := range blobs {
			if err := s.Blobs.PutBlob(ctx, b); err != nil {
				return err
			}
		}
		if err := s.Store.AddRFQFiles(ctx, r.ID, q.Files); err != nil {
			return err
		}
		if s.Notify != nil {
			if err := s.Notify.Send(ctx, r.BuyerOrgID, "rfq", "rfq.msg.quoted", "/buyer/rfqs/"+r.ID, p.Org.Name, r.Title); err != nil {
				return err
			}
		}
		if err := s.Store.Emit(ctx, Topic, r.ID); err != nil {
			return err
		}
		out = q
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// inclusive turns a price excluding VAT into the tax-inclusive price, rounded half-up
// to the 0.0001 yuan.
func inclusive(p money.UnitPrice, r money.Rate) money.UnitPrice {
	n := int64(p)*(10000+int64(r)) + 5000
	return money.UnitPrice(n / 10000)
}

// InclusivePrice is a quote line's unit price including VAT, the price the order takes.
func (q *Quote) InclusivePrice(l QuoteLine) money.UnitPrice {
	if q.TaxIncluded {
		return l.UnitPrice
	}
	return inclusive(l.UnitPrice, q.TaxRate)
}

// Withdraw withdraws the caller's quote before the deadline.
func (s *Service) Withdraw(ctx context.Context, p *identity.Principal, rfqID string) error {
	if !p.Is(identity.Supplier) {
		return notFound()
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.visible(ctx, p, rfqID)
		if err != nil {
			return err
		}
		q, err := s.Store.QuoteBySupplier(ctx, r.ID, p.Org.ID)
		if err != nil {
			return err
		}
		if r.State != Published || !s.now().Before(r.Deadline) {
			return errs.E(errs.Conflict, "rfq.err.closed")
		}
		if q.State != Submitted {
			return errs.E(errs.Conflict, "rfq.err.quote_state", string(q.State))
		}
		ok, err := s.Store.SetQuoteState(ctx, q.ID, Submitted, Withdrawn, s.now())
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.quote_changed")
		}
		return s.Store.Emit(ctx, Topic, r.ID)
	})
}

// Accept accepts one quote of the caller's request: the request becomes awarded, the
// quote accepted, the other quotes not chosen (and told so), and an order is placed at
// the quoted terms through package order, all in one transaction. The order goes
// through the company's approval rules like any checkout.
func (s *Service) Accept(ctx context.Context, p *identity.Principal, rfqID, quoteID string) (*order.Order, error) {
	if !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	var out *order.Order
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.own(ctx, p, rfqID)
		if err != nil {
			return err
		}
		if !canRequest(p) {
			return errs.E(errs.Forbidden, "rfq.err.not_purchaser")
		}
		if !db.ValidID(quoteID) {
			return notFound()
		}
		q, err := s.Store.Quote(ctx, quoteID)
		if err != nil {
			return err
		}
		if q.RFQID != r.ID {
			return notFound()
		}
		if r.State != Published && r.State != Closed {
			return errs.E(errs.Conflict, "rfq.err.state", string(r.State))
		}
		now := s.now()
		if q.State == Submitted && !now.Before(q.ValidUntil) {
			q.State = QuoteExpired
		}
		if q.State != Submitted {
			return errs.E(errs.Conflict, "rfq.err.quote_state", string(q.State))
		}
		ok, err := s.Store.SetQuoteState(ctx, q.ID, Submitted, Accepted, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.quote_changed")
		}
		in := order.QuotedInput{Token: "rfq:" + q.ID, SupplierID: q.Supplier.ID, SupplierName: q.Supplier.Name, Address: r.Address,
			Note: r.Number + " " + r.Title}
		if utf8.RuneCountInString(in.Note) > order.MaxNote {
			in.Note = string([]rune(in.Note)[:order.MaxNote])
		}
		for i, l := range r.Lines {
			ql := q.Lines[i]
			title := l.Description
			in.Lines = append(in.Lines, order.Line{SKUCode: r.Number + "-" + fmt.Sprint(l.No), Title: title, Spec: l.Spec, Unit: l.Unit, Qty: l.Qty,
				UnitPrice: q.InclusivePrice(ql), Amount: ql.Amount, TaxRate: q.TaxRate})
		}
		o, err := s.Orders.PlaceQuoted(ctx, p, in)
		if err != nil {
			return err
		}
		ok, err = s.Store.AwardRFQ(ctx, r.ID, r.State, q.ID, o.ID, now)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "rfq.err.changed")
		}
		others, err := s.Store.RejectOtherQuotes(ctx, r.ID, q.ID, now)
		if err != nil {
			return err
		}
		if s.Notify != nil {
			if err := s.Notify.Send(ctx, q.Supplier.ID, "rfq", "rfq.msg.accepted", "/seller/quotes/"+r.ID, r.BuyerName, r.Title, o.Number); err != nil {
				return err
			}
			for _, sup := range others {
				if err := s.Notify.Send(ctx, sup, "rfq", "rfq.msg.not_chosen", "/seller/quotes/"+r.ID, r.Title); err != nil {
					return err
				}
			}
		}
		if err := s.Store.Emit(ctx, Topic, r.ID); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Say posts a message in a request's thread with one supplier: the buyer names the
// supplier, a supplier always writes in its own thread.
func (s *Service) Say(ctx context.Context, p *identity.Principal, rfqID, supplierID, body string) error {
	if p == nil || p.Is(identity.Platform) {
		return notFound()
	}
	var v errs.Validator
	body = text(&v, "body", body, MaxMessage, true)
	if err := v.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.visible(ctx, p, rfqID)
		if err != nil {
			return err
		}
		if p.Is(identity.Supplier) {
			supplierID = p.Org.ID
		} else {
			if !db.ValidID(supplierID) {
				return errs.Field("supplier_id", "err.required")
			}
			ok, err := s.Store.SupplierSees(ctx, r.ID, supplierID)
			if err != nil {
				return err
			}
			if !ok {
				return errs.Field("supplier_id", "rfq.err.supplier_unknown", supplierID)
			}
		}
		m := &Message{SupplierID: supplierID, AuthorOrgID: p.Org.ID, AuthorName: p.User.DisplayName + " · " + p.Org.Name, Body: body, At: s.now()}
		if err := s.Store.AddRFQMessage(ctx, r.ID, m); err != nil {
			return err
		}
		if s.Notify != nil {
			to, link := supplierID, "/seller/quotes/"+r.ID
			if p.Is(identity.Supplier) {
				to, link = r.BuyerOrgID, "/buyer/rfqs/"+r.ID
			}
			return s.Notify.Send(ctx, to, "rfq", "rfq.msg.message", link, p.Org.Name, r.Title)
		}
		return nil
	})
}

// File returns an attachment of a request the caller may see: the request's own files
// for everyone who sees it; a quote's files for the buyer, staff and the quoting
// supplier only.
func (s *Service) File(ctx context.Context, p *identity.Principal, rfqID, blobID string) (*upload.Blob, error) {
	d, err := s.Get(ctx, p, rfqID)
	if err != nil {
		return nil, err
	}
	// d.Request.Files holds only what the caller may see (supplierView).
	for _, f := range d.Request.Files {
		if f.BlobID == blobID {
			return s.Blobs.Blob(ctx, blobID)
		}
	}
	return nil, notFound()
}

// ExpireJob is the job kind that closes requests at their deadline and expires quotes
// past their validity.
const ExpireJob = "rfq.expire"

// ExpireDue closes published requests whose deadline passed (closed when they have
// quotes, expired when none) and marks quotes past their validity expired. Each request
// moves in its own transaction and only from published, so running it twice or on two
// nodes changes nothing more. It returns how many requests it moved.
func (s *Service) ExpireDue(ctx context.Context, limit int) (int, error) {
	now := s.now()
	ids, err := s.Store.DueRFQs(ctx, now, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.DB.WithTx(ctx, func(ctx context.Context) error {
			r, err := s.Store.RFQ(ctx, id)
			if err != nil {
				return err
			}
			if r.State != Published || r.Deadline.After(now) {
				return nil
			}
			qs, err := s.Store.Quotes(ctx, id)
			if err != nil {
				return err
			}
			to := Expired
			for _, q := range qs {
				if q.State == Submitted {
					to = Closed
				}
			}
			ok, err := s.Store.SetRFQState(ctx, id, Published, to, now)
			if err != nil || !ok {
				return err
			}
			n++
			if s.Notify != nil {
				if err := s.Notify.Send(ctx, r.BuyerOrgID, "rfq", "rfq.msg."+string(to), "/buyer/rfqs/"+id, r.Title); err != nil {
					return err
				}
			}
			return s.Store.Emit(ctx, Topic, id)
		})
		if err != nil {
			return n, err
		}
	}
	if _, err := s.Store.ExpireQuotes(ctx, now); err != nil {
		return n, err
	}
	return n, nil
}
