package web

import (
	"net/http"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/order"
)

// registerReorder: 再来一单 from an order and 全部加入采购车 from a requisition list. Both
// bring into the cart what can be bought now and say which lines stayed out and why.
func (h *Handler) registerReorder(mux *http.ServeMux) {
	h.route(mux, "POST /buyer/orders/{id}/reorder", httpx.BuyerAny, h.orderReorder)
	h.route(mux, "POST /buyer/lists/{id}/cart", httpx.BuyerAny, h.buyerListToCart)
}

func (h *Handler) orderReorder(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	a, err := h.Order.Reorder(r.Context(), httpx.PrincipalFrom(r.Context()), id)
	return h.addedToCart(w, r, a, err, "/buyer/orders/"+id)
}

func (h *Handler) buyerListToCart(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	id := r.PathValue("id")
	l, err := h.Buyer.List(r.Context(), p, id)
	if err != nil {
		return err
	}
	a, err := h.Order.AddList(r.Context(), p, l.Items)
	return h.addedToCart(w, r, a, err, "/buyer/lists/"+id)
}

// addedToCart goes to the cart with what went in and what did not, or back to from with
// the reason nothing could.
func (h *Handler) addedToCart(w http.ResponseWriter, r *http.Request, a *order.AddedLines, err error, from string) error {
	lang := httpx.LangFrom(r.Context())
	if err != nil {
		e := errs.As(err)
		if e == nil || e.Code == errs.Internal || e.Code == errs.NotFound || e.Code == errs.Forbidden {
			return err
		}
		h.flash(r, errorText(lang, e))
		http.Redirect(w, r, from, http.StatusSeeOther)
		return nil
	}
	h.flash(r, addedText(lang, a))
	http.Redirect(w, r, "/buyer/cart", http.StatusSeeOther)
	return nil
}

// errorText is an error's message and its fields' messages in one line.
func errorText(lang i18n.Lang, e *errs.Error) string {
	if len(e.Fields) == 0 {
		return i18n.Msg(lang, e.Msg)
	}
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = i18n.Msg(lang, f.Msg)
	}
	return strings.Join(msgs, " ")
}

func addedText(lang i18n.Lang, a *order.AddedLines) string {
	s := i18n.T(lang, "order.reorder.added", a.Lines)
	if len(a.Skipped) > 0 {
		s += " " + i18n.T(lang, "order.reorder.skipped", len(a.Skipped), errorText(lang, &errs.Error{Fields: a.Skipped}))
	}
	return s
}
