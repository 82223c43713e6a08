package invoice

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/money"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// RequestInput is the buyer's invoice request.
type RequestInput struct {
	Kind    Kind
	Email   string // optional: where to send the file
	IdemKey string
}

// Request asks the order's supplier for an invoice of kind, with the company's tax
// profile as it is now. It is refused (Conflict) before the order is paid, while a live
// request or issued invoice exists, or when refunds left nothing to invoice; a 专票
// without the full tax profile is refused naming each missing field.
func (s *Service) Request(ctx context.Context, p *identity.Principal, orderID string, in RequestInput) (*Invoice, error) {
	if p == nil || !p.Is(identity.Buyer) {
		return nil, notFound()
	}
	o, err := s.Orders.Get(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	var v errs.Validator
	if in.Kind != Special && in.Kind != Normal {
		v.Add("kind", "invoice.err.kind")
	}
	in.Email = strings.TrimSpace(in.Email)
	if in.Email != "" && (len(in.Email) > 200 || !strings.Contains(in.Email, "@") || strings.ContainsAny(in.Email, " \r\n<>")) {
		v.Add("email", "err.email_format")
	}
	if len(in.IdemKey) > 255 {
		v.Add("idempotency_key", "err.too_long", 255)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	pr, err := s.Profiles.Profile(ctx, p)
	if err != nil {
		return nil, err
	}
	title := strings.TrimSpace(pr.InvoiceTitle)
	if title == "" {
		title = pr.Name
	}
	check := func(ok bool, field, what string) {
		if !ok {
			v.Add(field, "invoice.err.missing_"+what)
		}
	}
	check(title != "", "invoice_title", "title")
	if in.Kind == Special {
		check(pr.TaxID != "", "tax_id", "tax_id")
		check(pr.RegAddress != "" && pr.RegPhone != "", "reg_address", "address_phone")
		check(pr.BankName != "" && pr.BankAccount != "", "bank_account", "bank")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Invoice
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if in.IdemKey != "" {
			prior, err := s.Store.InvoiceByIdem(ctx, p.Org.ID, in.IdemKey)
			if err == nil {
				out = prior
				return nil
			}
			if !errs.Is(err, errs.NotFound) {
				return err
			}
		}
		now := s.now()
		if err := s.Store.LockOrder(ctx, o.ID, now); err != nil {
			return err
		}
		o, err := s.Store.Order(ctx, o.ID)
		if err != nil {
			return err
		}
		if !paidState(o.State) {
			return errs.E(errs.Conflict, "invoice.err.not_paid")
		}
		live, err := s.Store.Invoices(ctx, Filter{OrderID: o.ID, Color: Blue})
		if err != nil {
			return err
		}
		for _, x := range live {
			if x.State == Requested || x.State == Issued {
				return errs.E(errs.Conflict, "invoice.err.exists")
			}
		}
		refunds, err := s.Store.InvoiceRefunds(ctx, o.ID)
		if err != nil {
			return err
		}
		lines, err := afterRefunds(Basis(o), refunds)
		if err != nil {
			return fmt.Errorf("invoice: refunds of order %s: %w", o.Number, err)
		}
		if len(lines) == 0 {
			return errs.E(errs.Conflict, "invoice.err.nothing")
		}
		inv := &Invoice{ID: db.NewID(), OrderID: o.ID, OrderNumber: o.Number, BuyerOrgID: o.BuyerOrgID, SupplierID: o.SupplierID, SupplierName: o.SupplierName,
			Color: Blue, Kind: in.Kind, State: Requested, Title: title, TaxID: pr.TaxID, Email: in.Email,
			Lines: Renumber(lines), CreatedBy: p.User.ID, IdemKey: in.IdemKey, CreatedAt: now, UpdatedAt: now}
		if pr.RegAddress != "" || pr.RegPhone != "" {
			inv.AddressPhone = strings.TrimSpace(pr.RegAddress + " " + pr.RegPhone)
		}
		if pr.BankName != "" || pr.BankAccount != "" {
			inv.BankAccount = strings.TrimSpace(pr.BankName + " " + pr.BankAccount)
		}
		inv.Amount, inv.Excl, inv.Tax = Totals(inv.Lines)
		if err := s.insert(ctx, inv); err != nil {
			return err
		}
		out = inv
		return s.send(ctx, o.SupplierID, "invoice.msg.requested", "/seller/invoices/"+inv.ID, o.Number, inv.Amount.String())
	})
	return out, err
}

// afterRefunds returns an order's invoice lines less its refunds: a line's refund comes
// out of that line (SpreadLine), in the order they were made; what order-level refunds
// took is then spread over what is left, pro rata. Lines at zero are dropped.
func afterRefunds(basis []Line, refunds []RefundNote) ([]Line, error) {
	lines := basis
	var whole money.Fen
	for _, r := range refunds {
		if r.Line == 0 {
			whole += r.Amount
			continue
		}
		left := sum(lines)
		if left <= 0 {
			return nil, nil
		}
		taken, err := SpreadLine(lines, r.Line, min(r.Amount, left))
		if err != nil {
			return nil, err
		}
		lines = Less(lines, taken)
	}
	left := sum(lines) - whole
	if left <= 0 {
		return nil, nil
	}
	if whole == 0 {
		return lines, nil
	}
	return Spread(lines, left)
}

// insert numbers and stores a new invoice.
func (s *Service) insert(ctx context.Context, inv *Invoice) error {
	n, err := s.Store.InvoiceCount(ctx, inv.OrderID)
	if err != nil {
		return err
	}
	inv.Number = fmt.Sprintf("FP%s-%d", strings.TrimPrefix(inv.OrderNumber, "PO"), n+1)
	return s.Store.InvoiceInsert(ctx, inv)
}

// FileInput is an uploaded invoice file.
type FileInput struct {
	Name string
	Data []byte
}

// IssueInput is the supplier's record of an issued invoice: what the tax system gave it.
// Amounts are in yuan as typed ("1130.00"; red invoices negative, "-113.00").
type IssueInput struct {
	Number   string
	Code     string
	IssuedOn string
	Amount   string
	Excl     string
	Tax      string
	Mode     string // red invoices: partial (default) or full
	Files    []FileInput
	// FileIDs are files uploaded beforehand with Upload (the API's way).
	FileIDs []string
}

// MaxFiles bounds the files of one invoice; MaxFileBytes one file.
const (
	MaxFiles     = 5
	MaxFileBytes = 10 << 20
)

// FileKinds are the kinds accepted as invoice files: PDF, OFD (a ZIP package) and the
// 数电票's XML.
var FileKinds = upload.Kinds{upload.PDF, upload.ZIP, upload.XML}

// parseSigned reads a yuan amount that may be negative.
func parseSigned(field, s string) (money.Fen, error) {
	s = strings.TrimSpace(s)
	neg := false
	if t, ok := strings.CutPrefix(s, "-"); ok {
		s, neg = t, true
	} else if t, ok := strings.CutPrefix(s, "−"); ok {
		s, neg = t, true
	}
	f, err := money.ParseYuan(s)
	if err != nil {
		if s == "" {
			return 0, errs.Field(field, "err.required")
		}
		return 0, errs.Field(field, "invoice.err.amount_format")
	}
	if neg {
		f = -f
	}
	return f, nil
}

// checkFiles validates invoice files with the upload rules and builds their blobs.
func (s *Service) checkFiles(ownerOrgID string, files []FileInput) ([]*upload.Blob, error) {
	if len(files) > MaxFiles {
		return nil, errs.Field("file", "err.too_many", MaxFiles)
	}
	var out []*upload.Blob
	for _, f := range files {
		b, err := upload.New(ownerOrgID, f.Name, f.Data, FileKinds, MaxFileBytes, s.now())
		if err != nil {
			return nil, err
		}
		if b.Kind == upload.ZIP && b.Ext != ".ofd" {
			return nil, errs.Field("file", "invoice.err.file_kind")
		}
		out = append(out, b)
	}
	return out, nil
}

func fileKind(b *upload.Blob) string {
	switch b.Ext {
	case ".ofd":
		return "ofd"
	case ".xml":
		return "xml"
	}
	return "pdf"
}

// supplierInvoice loads an invoice of the caller's supplier company; anyone else's is
// NotFound.
func (s *Service) supplierInvoice(ctx context.Context, p *identity.Principal, id string) (*Invoice, error) {
	if p == nil || !p.Is(identity.Supplier) || !db.ValidID(id) {
		return nil, notFound()
	}
	inv, err := s.Store.Invoice(ctx, id)
	if err != nil {
		return nil, err
	}
	if inv.SupplierID != p.Org.ID {
		return nil, notFound()
	}
	return inv, nil
}

// Expected returns what an invoice must say when it is issued: its lines and totals. For
// a red-letter task in full mode that is the negation of everything the blue invoice
// still stands for (without this task); otherwise the request's own lines.
func (s *Service) Expected(ctx context.Context, inv *Invoice, mode string) ([]Line, error) {
	if inv.Color == Blue || mode != RedFull {
		return inv.Lines, nil
	}
	_, net, err := s.blueNet(ctx, inv.OriginalID, inv.ID)
	if err != nil {
		return nil, err
	}
	return Negate(net), nil
}

// blueNet loads a blue invoice and its lines less every red invoice against it (issued
// or still to record), leaving out the red invoice skipID.
func (s *Service) blueNet(ctx context.Context, blueID, skipID string) (*Invoice, []Line, error) {
	blue, err := s.Store.Invoice(ctx, blueID)
	if err != nil {
		return nil, nil, err
	}
	reds, err := s.Store.Invoices(ctx, Filter{OrderID: blue.OrderID, Color: Red})
	if err != nil {
		return nil, nil, err
	}
	var rl [][]Line
	for _, r := range reds {
		if r.OriginalID == blue.ID && r.ID != skipID && r.State != Cancelled {
			rl = append(rl, r.Lines)
		}
	}
	return blue, Net(blue.Lines, rl...), nil
}

// Issue records the invoice the supplier issued for a request, or the red-letter invoice
// for a reversal task. The number and code are checked (数电票 or legacy), the date must
// lie between the order's placing and today, and the three amounts must equal the
// request's to the fen (each mismatch named); files go through the upload rules (a file
// ID named twice is attached once). Only a requested invoice can be issued, once: a
// second issue is a Conflict.
func (s *Service) Issue(ctx context.Context, p *identity.Principal, id string, in IssueInput) (*Invoice, error) {
	inv, err := s.supplierInvoice(ctx, p, id)
	if err != nil {
		return nil, err
	}
	o, err := s.Store.Order(ctx, inv.OrderID)
	if err != nil {
		return nil, err
	}
	var v errs.Validator
	mode := ""
	if inv.Color == Red {
		mode = in.Mode
		if mode == "" {
			mode = RedPartial
		}
		if mode != RedPartial && mode != RedFull {
			v.Add("mode", "invoice.err.mode")
		}
	}
	day, err := ParseDate(in.IssuedOn, s.now(), o.CreatedAt)
	v.Merge(err)
	no, code, err := CheckNumber(in.Number, in.Code, day)
	v.Merge(err)
	amount, err := parseSigned("amount", in.Amount)
	v.Merge(err)
	excl, err := parseSigned("excl", in.Excl)
	v.Merge(err)
	tax, err := parseSigned("tax", in.Tax)
	v.Merge(err)
	blobs, err := s.checkFiles(p.Org.ID, in.Files)
	v.Merge(err)
	var uploaded []File
	// A file named twice is attached once.
	fileIDs := make([]string, 0, len(in.FileIDs))
	seen := make(map[string]bool, len(in.FileIDs))
	for _, fid := range in.FileIDs {
		if !seen[fid] {
			seen[fid] = true
			fileIDs = append(fileIDs, fid)
		}
	}
	if len(in.Files)+len(fileIDs) > MaxFiles {
		v.Add("file_ids", "err.too_many", MaxFiles)
	}
	for _, fid := range fileIDs {
		b, err := s.Blobs.Blob(ctx, fid)
		if err != nil || b.OwnerOrgID != p.Org.ID || !FileKinds.Has(b.Kind) {
			v.Add("file_ids", "err.not_found")
			continue
		}
		uploaded = append(uploaded, File{BlobID: b.ID, Kind: fileKind(b), Name: b.DisplayName})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Invoice
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		if err := s.Store.LockOrder(ctx, inv.OrderID, now); err != nil {
			return err
		}
		inv, err := s.Store.Invoice(ctx, inv.ID)
		if err != nil {
			return err
		}
		if inv.State != Requested {
			return errs.E(errs.Conflict, "invoice.err.not_requested")
		}
		lines, err := s.Expected(ctx, inv, mode)
		if err != nil {
			return err
		}
		wa, we, wt := Totals(lines)
		if amount != wa {
			v.Add("amount", "invoice.err.amount_mismatch", wa.String())
		}
		if excl != we {
			v.Add("excl", "invoice.err.amount_mismatch", we.String())
		}
		if tax != wt {
			v.Add("tax", "invoice.err.amount_mismatch", wt.String())
		}
		if err := v.Err(); err != nil {
			return err
		}
		task := inv.Lines // a red-letter task's own reversal, before a full one replaces it
		inv.Lines = lines
		inv.Amount, inv.Excl, inv.Tax = wa, we, wt
		inv.State, inv.No, inv.Code, inv.IssuedOn, inv.IssuedAt, inv.IssuedBy, inv.UpdatedAt = Issued, no, code, day.Format("2006-01-02"), now, p.User.ID, now
		inv.RedMode = mode
		ok, err := s.Store.InvoiceUpdate(ctx, inv, Requested)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "invoice.err.not_requested")
		}
		for _, b := range blobs {
			if err := s.Blobs.PutBlob(ctx, b); err != nil {
				return err
			}
			if err := s.Store.InvoiceAddFile(ctx, inv.ID, File{BlobID: b.ID, Kind: fileKind(b), Name: b.DisplayName, CreatedAt: now}); err != nil {
				return err
			}
		}
		for _, f := range uploaded {
			f.CreatedAt = now
			if err := s.Store.InvoiceAddFile(ctx, inv.ID, f); err != nil {
				return err
			}
		}
		if inv.Color == Red {
			if err := s.afterRed(ctx, inv, mode, task); err != nil {
				return err
			}
			out = inv
			return s.send(ctx, inv.BuyerOrgID, "invoice.msg.red_issued", "/buyer/invoices/"+inv.ID, inv.OrderNumber, inv.No)
		}
		out = inv
		return s.send(ctx, inv.BuyerOrgID, "invoice.msg.issued", "/buyer/invoices/"+inv.ID, inv.OrderNumber, inv.No)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Invoice(ctx, out.ID)
}

// afterRed updates the blue invoice a red one reversed: the 待红冲 flag stays while other
// tasks remain; a full reversal marks it reversed and requests a new blue invoice for
// what is left (the refund's own task already took the refunded part out). task holds
// the task's lines as the refund made them (the reversal of the refunded part).
func (s *Service) afterRed(ctx context.Context, red *Invoice, mode string, task []Line) error {
	blue, err := s.Store.Invoice(ctx, red.OriginalID)
	if err != nil {
		return err
	}
	reds, err := s.Store.Invoices(ctx, Filter{OrderID: blue.OrderID, Color: Red})
	if err != nil {
		return err
	}
	pending := false
	for _, r := range reds {
		if r.OriginalID == blue.ID && r.ID != red.ID && r.State == Requested {
			pending = true
		}
	}
	at := s.now()
	blue.RedPending = pending
	blue.Reversed += -red.Amount
	blue.UpdatedAt = at
	if mode != RedFull {
		if !pending && blue.Reversed >= blue.Amount {
			// Reversed to nothing: the blue invoice no longer stands for any amount.
			blue.State = Reversed
		}
		ok, err := s.Store.InvoiceUpdate(ctx, blue, Issued)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "invoice.err.not_issued")
		}
		return nil
	}
	if pending {
		return errs.Field("mode", "invoice.err.full_pending")
	}
	// What the blue invoice stood for, less the refund this task was for: the new blue.
	_, net, err := s.blueNet(ctx, blue.ID, red.ID)
	if err != nil {
		return err
	}
	rest, err := s.partialLines(net, task, red.RefundAmount)
	if err != nil {
		return err
	}
	blue.State = Reversed
	ok, err := s.Store.InvoiceUpdate(ctx, blue, Issued)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "invoice.err.not_issued")
	}
	if len(rest) == 0 {
		return nil
	}
	nb := &Invoice{ID: db.NewID(), OrderID: blue.OrderID, OrderNumber: blue.OrderNumber, BuyerOrgID: blue.BuyerOrgID, SupplierID: blue.SupplierID, SupplierName: blue.SupplierName,
		Color: Blue, Kind: blue.Kind, State: Requested, OriginalID: blue.ID, Title: blue.Title, TaxID: blue.TaxID, AddressPhone: blue.AddressPhone,
		BankAccount: blue.BankAccount, Email: blue.Email, Lines: Renumber(rest), CreatedBy: red.IssuedBy, CreatedAt: at, UpdatedAt: at}
	nb.Amount, nb.Excl, nb.Tax = Totals(nb.Lines)
	if err := s.insert(ctx, nb); err != nil {
		return err
	}
	return s.send(ctx, nb.SupplierID, "invoice.msg.requested", "/seller/invoices/"+nb.ID, nb.OrderNumber, nb.Amount.String())
}

// partialLines returns net less the refund's task lines (the reversal the refund made,
// of its own line for an after-sales case): the lines a blue invoice stands for after a
// refund. Should net no longer cover them, the refund is spread over net instead.
func (s *Service) partialLines(net, task []Line, refund money.Fen) ([]Line, error) {
	if len(task) > 0 {
		rest := Net(net, task)
		ok := sum(rest) == sum(net)+sum(task) // every task line matched a line of net
		for _, l := range rest {
			ok = ok && l.Amount > 0
		}
		if ok {
			return rest, nil
		}
	}
	total, _, _ := Totals(net)
	if refund > total {
		refund = total
	}
	red, err := Spread(net, -refund)
	if err != nil {
		return nil, err
	}
	return Net(net, red), nil
}

// Reject refuses a request with a reason the buyer sees; the buyer may fix its profile
// and ask again. Red-letter tasks cannot be rejected.
func (s *Service) Reject(ctx context.Context, p *identity.Principal, id, reason string) (*Invoice, error) {
	inv, err := s.supplierInvoice(ctx, p, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Field("reason", "err.required")
	case utf8.RuneCountInString(reason) > 500:
		return nil, errs.Field("reason", "err.too_long", 500)
	}
	if inv.Color == Red {
		return nil, errs.E(errs.Conflict, "invoice.err.red_reject")
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		inv.State, inv.Reason, inv.UpdatedAt = Rejected, reason, now
		ok, err := s.Store.InvoiceUpdate(ctx, inv, Requested)
		if err != nil {
			return err
		}
		if !ok {
			return errs.E(errs.Conflict, "invoice.err.not_requested")
		}
		return s.send(ctx, inv.BuyerOrgID, "invoice.msg.rejected", "/buyer/invoices/"+inv.ID, inv.OrderNumber, reason)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// Refunded tells the invoice module that amount of an order's money went back to the
// buyer, under a reference unique per refund (a refund's ID). It joins the caller's
// transaction — call it in the transaction that records the refund — and is idempotent
// by (order, ref). A request not yet issued shrinks to what is left (or is cancelled at
// zero); an issued invoice is marked 待红冲 and gets a red-letter task for the refunded
// amount. A refund of one order line (line > 0: an after-sales case's line) comes out of
// that line, at its own VAT rate (SpreadLine); an order-level refund (line 0: a
// cancellation, a dispute) is spread over the remaining lines pro rata.
func (s *Service) Refunded(ctx context.Context, orderID, ref string, line int, amount money.Fen) error {
	if amount <= 0 || amount > money.MaxFen {
		return errs.Field("amount", "invoice.err.amount_format")
	}
	if ref == "" || len(ref) > 200 {
		return errs.Field("ref", "err.required")
	}
	if line < 0 {
		return errs.Field("line", "err.not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		// The order's row serialises this with a supplier issuing the invoice meanwhile.
		if err := s.Store.LockOrder(ctx, orderID, now); err != nil {
			return err
		}
		fresh, err := s.Store.InvoiceRefundAdd(ctx, orderID, ref, line, amount, now)
		if err != nil || !fresh {
			return err
		}
		blues, err := s.Store.Invoices(ctx, Filter{OrderID: orderID, Color: Blue})
		if err != nil {
			return err
		}
		for i := range blues {
			inv := &blues[i]
			switch inv.State {
			case Requested:
				return s.shrink(ctx, inv, line, amount)
			case Issued:
				return s.redTask(ctx, inv, ref, line, amount)
			}
		}
		return nil
	})
}

// shrink takes a refund out of a request not yet issued: a line's refund out of that
// line, an order-level one by re-spreading the lines over what is left; it is cancelled
// when nothing is.
func (s *Service) shrink(ctx context.Context, inv *Invoice, line int, refund money.Fen) error {
	at := s.now()
	left := inv.Amount - refund
	if left <= 0 {
		inv.State, inv.Reason, inv.UpdatedAt = Cancelled, "refunded", at
	} else {
		var lines []Line
		var err error
		if line > 0 {
			var taken []Line
			if taken, err = SpreadLine(inv.Lines, line, refund); err == nil {
				lines = Less(inv.Lines, taken)
			}
		} else {
			lines, err = Spread(inv.Lines, left)
		}
		if err != nil {
			return err
		}
		inv.Lines = Renumber(lines)
		inv.Amount, inv.Excl, inv.Tax = Totals(inv.Lines)
		inv.UpdatedAt = at
	}
	ok, err := s.Store.InvoiceUpdate(ctx, inv, Requested)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "invoice.err.not_requested")
	}
	return nil
}

func sum(lines []Line) money.Fen {
	a, _, _ := Totals(lines)
	return a
}

// redTask marks an issued blue invoice 待红冲 and creates the red-letter task.
func (s *Service) redTask(ctx context.Context, blue *Invoice, ref string, line int, amount money.Fen) error {
	_, net, err := s.blueNet(ctx, blue.ID, "")
	if err != nil {
		return err
	}
	left := sum(net)
	if left <= 0 {
		return nil
	}
	amount = min(amount, left)
	lines, err := SpreadLine(net, line, -amount)
	if err != nil {
		return err
	}
	at := s.now()
	red := &Invoice{ID: db.NewID(), OrderID: blue.OrderID, OrderNumber: blue.OrderNumber, BuyerOrgID: blue.BuyerOrgID, SupplierID: blue.SupplierID, SupplierName: blue.SupplierName,
		Color: Red, Kind: blue.Kind, State: Requested, OriginalID: blue.ID, Title: blue.Title, TaxID: blue.TaxID, AddressPhone: blue.AddressPhone,
		BankAccount: blue.BankAccount, Email: blue.Email, Lines: lines, RefundAmount: amount, RefundRef: ref, CreatedAt: at, UpdatedAt: at}
	red.Amount, red.Excl, red.Tax = Totals(red.Lines)
	if err := s.insert(ctx, red); err != nil {
		return err
	}
	blue.RedPending, blue.UpdatedAt = true, at
	ok, err := s.Store.InvoiceUpdate(ctx, blue, Issued)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "invoice.err.not_issued")
	}
	return s.send(ctx, blue.SupplierID, "invoice.msg.red_required", "/seller/invoices/"+red.ID, blue.OrderNumber, amount.String())
}

// Upload stores a file for one of the supplier's invoices: attached at once when the
// invoice is issued already, otherwise kept for Issue's FileIDs.
func (s *Service) Upload(ctx context.Context, p *identity.Principal, id string, in FileInput) (*File, error) {
	inv, err := s.supplierInvoice(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if inv.State != Requested && inv.State != Issued {
		return nil, errs.E(errs.Conflict, "invoice.err.not_requested")
	}
	blobs, err := s.checkFiles(p.Org.ID, []FileInput{in})
	if err != nil {
		return nil, err
	}
	b := blobs[0]
	f := &File{BlobID: b.ID, Kind: fileKind(b), Name: b.DisplayName, CreatedAt: s.now()}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Blobs.PutBlob(ctx, b); err != nil {
			return err
		}
		if inv.State == Issued {
			if len(inv.Files) >= MaxFiles {
				return errs.Field("file", "err.too_many", MaxFiles)
			}
			return s.Store.InvoiceAddFile(ctx, inv.ID, *f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
