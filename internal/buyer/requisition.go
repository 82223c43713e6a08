package buyer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
)

// Limits of requisition lists.
const (
	MaxLists     = 100
	MaxListItems = 500
	MaxQty       = 10_000_000
)

// ListInput names a list.
type ListInput struct{ Name, Note string }

// ItemInput adds a SKU, by ID or code, to a list.
type ItemInput struct {
	SKU  string // SKU ID or SKU code
	Qty  string
	Note string
}

// Lists returns the caller's company's lists, most recently changed first.
func (s *Service) Lists(ctx context.Context, p *identity.Principal) ([]List, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.RequisitionLists(ctx, p.Org.ID)
}

// List returns one of the caller's company's lists with its items.
func (s *Service) List(ctx context.Context, p *identity.Principal, id string) (*List, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	return s.Store.RequisitionList(ctx, p.Org.ID, id)
}

// SaveList creates (id "") or renames a list. Every member may: lists are shared.
func (s *Service) SaveList(ctx context.Context, p *identity.Principal, id string, in ListInput) (*List, error) {
	if err := buyerOnly(p); err != nil {
		return nil, err
	}
	var v errs.Validator
	l := &List{ID: id, OrgID: p.Org.ID}
	l.Name = text(&v, "name", in.Name, 1, 40)
	l.Note = text(&v, "note", in.Note, 0, 200)
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.now()
		if id == "" {
			all, err := s.Store.RequisitionLists(ctx, p.Org.ID)
			if err != nil {
				return err
			}
			if len(all) >= MaxLists {
				return errs.E(errs.Conflict, "err.list_limit", MaxLists)
			}
			l.CreatedAt, l.CreatedBy = now, p.User.DisplayName
		} else {
			cur, err := s.Store.RequisitionList(ctx, p.Org.ID, id)
			if err != nil {
				return err
			}
			l.CreatedAt, l.CreatedBy = cur.CreatedAt, cur.CreatedBy
		}
		l.UpdatedAt = now
		if err := s.Store.SaveRequisitionList(ctx, l); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.list.save", "requisition_list", l.ID, l.Name)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// DeleteList removes a list and its items.
func (s *Service) DeleteList(ctx context.Context, p *identity.Principal, id string) error {
	if _, err := s.List(ctx, p, id); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.DeleteRequisitionList(ctx, p.Org.ID, id); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.list.delete", "requisition_list", id, "")
	})
}

// checkQty checks a quantity against a SKU's ordering rules, naming what is wrong.
func checkQty(v *errs.Validator, field string, k SKU, qty int64) {
	switch {
	case qty < k.MOQ:
		v.Add(field, "err.qty_below_moq", k.MOQ, k.Unit)
	case k.Multiple > 1 && qty%k.Multiple != 0:
		v.Add(field, "err.qty_multiple", k.Multiple, k.Unit)
	}
}

func parseQty(s string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil && n > 0 && n <= MaxQty
}

// resolve finds the one on-sale SKU a reference names, reporting problems on field.
func (s *Service) resolve(ctx context.Context, v *errs.Validator, field, ref string) (SKU, bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		v.Add(field, "err.required")
		return SKU{}, false
	}
	if len(ref) > 64 {
		v.Add(field, "err.sku_unknown", ref[:64])
		return SKU{}, false
	}
	found, err := s.Store.SKUsByRef(ctx, ref)
	if err != nil {
		v.Add(field, "err.sku_unknown", ref)
		return SKU{}, false
	}
	switch {
	case len(found) == 0:
		v.Add(field, "err.sku_unknown", ref)
	case len(found) > 1:
		v.Add(field, "err.sku_ambiguous", ref, len(found))
	case !found[0].OnSale:
		v.Add(field, "err.sku_off_sale", ref)
	default:
		return found[0], true
	}
	return SKU{}, false
}

// addItems adds resolved lines to a list in one transaction: quantities of a SKU
// already there are added up and checked again.
func (s *Service) addItems(ctx context.Context, p *identity.Principal, listID string, lines []Item, fields []string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		l, err := s.Store.RequisitionList(ctx, p.Org.ID, listID)
		if err != nil {
			return err
		}
		have := map[string]Item{}
		for _, it := range l.Items {
			have[it.SKUID] = it
		}
		var v errs.Validator
		now := s.now()
		for i, it := range lines {
			cur, ok := have[it.SKUID]
			if ok {
				it.Qty += cur.Qty
				if it.Note == "" {
					it.Note = cur.Note
				}
				it.AddedAt = cur.AddedAt
			} else {
				it.AddedAt = now
			}
			if it.Qty > MaxQty {
				v.Add(fields[i], "err.qty_format", MaxQty)
				continue
			}
			checkQty(&v, fields[i], it.SKU, it.Qty)
			have[it.SKUID] = it
		}
		if len(have) > MaxListItems {
			v.Add(fields[0], "err.list_items_limit", MaxListItems)
		}
		if err := v.Err(); err != nil {
			return err
		}
		for _, it := range lines {
			if err := s.Store.SetRequisitionItem(ctx, listID, have[it.SKUID]); err != nil {
				return err
			}
		}
		if err := s.Store.TouchRequisitionList(ctx, p.Org.ID, listID, now); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.list.add", "requisition_list", listID, fmt.Sprintf("%d lines", len(lines)))
	})
}

// AddItem adds a SKU (by ID or code) with a quantity to a list. The SKU must be on
// sale and the quantity respect its MOQ and multiple.
func (s *Service) AddItem(ctx context.Context, p *identity.Principal, listID string, in ItemInput) error {
	if _, err := s.List(ctx, p, listID); err != nil {
		return err
	}
	var v errs.Validator
	k, ok := s.resolve(ctx, &v, "sku", in.SKU)
	qty, qok := parseQty(in.Qty)
	if !qok {
		v.Add("qty", "err.qty_format", MaxQty)
	} else if ok {
		checkQty(&v, "qty", k, qty)
	}
	note := text(&v, "note", in.Note, 0, 100)
	if err := v.Err(); err != nil {
		return err
	}
	return s.addItems(ctx, p, listID, []Item{{SKUID: k.ID, Qty: qty, Note: note, SKU: k}}, []string{"qty"})
}

// ImportLines adds pasted "SKU码 数量 [备注]" lines (spaces, tabs or commas between, as
// Excel pastes them) to a list, all or nothing. Each problem names its line as
// "lines.N" (1-based).
func (s *Service) ImportLines(ctx context.Context, p *identity.Principal, listID, pasted string) (int, error) {
	if _, err := s.List(ctx, p, listID); err != nil {
		return 0, err
	}
	var v errs.Validator
	var items []Item
	var fields []string
	n := 0
	for i, line := range strings.Split(pasted, "\n") {
		parts := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == '，' })
		if len(parts) == 0 {
			continue
		}
		n++
		field := fmt.Sprintf("lines.%d", i+1)
		if n > MaxListItems {
			v.Add("lines", "err.list_items_limit", MaxListItems)
			break
		}
		if len(parts) < 2 {
			v.Add(field, "err.line_format")
			continue
		}
		k, ok := s.resolve(ctx, &v, field, parts[0])
		qty, qok := parseQty(parts[1])
		if !qok {
			v.Add(field, "err.qty_format", MaxQty)
			continue
		}
		if !ok {
			continue
		}
		checkQty(&v, field, k, qty)
		note := strings.Join(parts[2:], " ")
		if len([]rune(note)) > 100 {
			note = string([]rune(note)[:100])
		}
		// The same SKU twice in one paste adds up.
		if j := indexSKU(items, k.ID); j >= 0 {
			items[j].Qty += qty
			continue
		}
		items = append(items, Item{SKUID: k.ID, Qty: qty, Note: note, SKU: k})
		fields = append(fields, field)
	}
	if n == 0 {
		v.Add("lines", "err.required")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	if err := s.addItems(ctx, p, listID, items, fields); err != nil {
		return 0, err
	}
	return len(items), nil
}

func indexSKU(items []Item, id string) int {
	for i, it := range items {
		if it.SKUID == id {
			return i
		}
	}
	return -1
}

// SetItemQty changes a SKU's quantity on a list (checked against MOQ and multiple).
func (s *Service) SetItemQty(ctx context.Context, p *identity.Principal, listID, skuID, qtyText, note string) error {
	l, err := s.List(ctx, p, listID)
	if err != nil {
		return err
	}
	i := indexSKU(l.Items, skuID)
	if i < 0 {
		return errs.E(errs.NotFound, "err.not_found")
	}
	it := l.Items[i]
	var v errs.Validator
	qty, ok := parseQty(qtyText)
	if !ok {
		v.Add("qty", "err.qty_format", MaxQty)
	} else {
		checkQty(&v, "qty", it.SKU, qty)
	}
	it.Note = text(&v, "note", note, 0, 100)
	if err := v.Err(); err != nil {
		return err
	}
	it.Qty = qty
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.Store.RequisitionList(ctx, p.Org.ID, listID); err != nil {
			return err
		}
		if err := s.Store.SetRequisitionItem(ctx, listID, it); err != nil {
			return err
		}
		if err := s.Store.TouchRequisitionList(ctx, p.Org.ID, listID, s.now()); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.list.qty", "requisition_list", listID, skuID)
	})
}

// RemoveItem takes a SKU off a list.
func (s *Service) RemoveItem(ctx context.Context, p *identity.Principal, listID, skuID string) error {
	l, err := s.List(ctx, p, listID)
	if err != nil {
		return err
	}
	if indexSKU(l.Items, skuID) < 0 {
		return errs.E(errs.NotFound, "err.not_found")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.RemoveRequisitionItem(ctx, listID, skuID); err != nil {
			return err
		}
		if err := s.Store.TouchRequisitionList(ctx, p.Org.ID, listID, s.now()); err != nil {
			return err
		}
		return s.log(ctx, p, "buyer.list.remove", "requisition_list", listID, skuID)
	})
}
