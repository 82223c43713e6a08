package order

import (
	"context"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/buyer"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// AddedLines is what a re-order or a requisition list put into the cart: how many lines went
// in, and the lines that could not go in as they stand (off sale, short of stock, below a
// changed MOQ…), each as a field error lines.N naming its reason.
type AddedLines struct {
	Lines   int
	Skipped []errs.FieldError
}

// AddWhatFits adds lines to the caller's cart like quick order, except that a line that
// cannot be ordered now is skipped and reported instead of refusing them all: a re-order
// or a standing list should bring in what can still be bought. It refuses only when no
// line fits at all.
func (s *Service) AddWhatFits(ctx context.Context, p *identity.Principal, lines []QuickLine) (*AddedLines, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	n, err := s.addQuick(ctx, p, lines, &errs.Validator{})
	if err == nil {
		return &AddedLines{Lines: n}, nil
	}
	e := errs.As(err)
	if e == nil || e.Code != errs.Invalid {
		return nil, err
	}
	bad := map[int]bool{}
	for _, f := range e.Fields {
		if f.Field == "lines" { // the cart is full, or no lines: nothing is per line
			return nil, err
		}
		bad[lineNo(f.Field)] = true
	}
	var rest []QuickLine
	for _, l := range lines {
		if !bad[l.Line] {
			rest = append(rest, l)
		}
	}
	if len(rest) == 0 {
		return nil, err
	}
	// The skipped lines changed nothing; the rest were each found fine on their own.
	// Adding them again can still fail if the catalogue changed in between, and then
	// the whole answer is that error.
	if n, err = s.addQuick(ctx, p, rest, &errs.Validator{}); err != nil {
		return nil, err
	}
	return &AddedLines{Lines: n, Skipped: e.Fields}, nil
}

// Reorder (再来一单) puts the catalogue lines of one of the company's orders back into
// the caller's cart at their ordered quantities, priced and checked now. Quoted lines
// without a SKU cannot be re-ordered and are skipped; another company's order is a 404.
func (s *Service) Reorder(ctx context.Context, p *identity.Principal, orderID string) (*AddedLines, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	o, err := s.Get(ctx, p, orderID)
	if err != nil {
		return nil, err
	}
	if o.BuyerOrgID != p.Org.ID {
		return nil, notFound()
	}
	var lines []QuickLine
	var quoted []errs.FieldError
	for _, l := range o.Lines {
		if l.SKUID == "" {
			quoted = append(quoted, errs.FieldError{Field: "lines." + strconv.Itoa(l.No), Msg: errs.Msg{Key: "order.err.reorder_quoted", Args: []any{l.Title}}})
			continue
		}
		lines = append(lines, QuickLine{Line: l.No, Code: l.SKUID, Qty: l.Qty})
	}
	if len(lines) == 0 {
		return nil, errs.Field("lines", "order.err.reorder_none")
	}
	a, err := s.AddWhatFits(ctx, p, lines)
	if err != nil {
		return nil, err
	}
	a.Skipped = append(a.Skipped, quoted...)
	return a, nil
}

// AddList puts a requisition list's items into the caller's cart at the list's
// quantities, what fits like AddWhatFits; lines.N counts the list's rows from 1.
func (s *Service) AddList(ctx context.Context, p *identity.Principal, items []buyer.Item) (*AddedLines, error) {
	if len(items) == 0 {
		return nil, errs.Field("lines", "order.err.list_empty")
	}
	lines := make([]QuickLine, len(items))
	for i, it := range items {
		lines[i] = QuickLine{Line: i + 1, Code: it.SKUID, Qty: it.Qty}
	}
	return s.AddWhatFits(ctx, p, lines)
}
