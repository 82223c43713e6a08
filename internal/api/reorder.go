package api

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/order"
)

// addReorderRoutes: buy an order again (再来一单) and put a requisition list into the
// cart. Both add what can be bought now and name the lines that could not go in.
func (a *API) addReorderRoutes() {
	b := httpx.BuyerAny
	id := []Param{{Name: "id", In: "path", Type: "string", Required: true}}
	a.add("POST", "/api/v1/orders/{id}/reorder", b, true, a.reorder,
		Doc{ID: "reorderOrder", Summary: "Buy an order again: its catalogue lines go into the cart at their quantities, priced now; lines that cannot be bought now are skipped and named", Tag: "order", Response: "AddedToCart", Status: 201, Params: id})
	a.add("POST", "/api/v1/buyer/requisition-lists/{id}/cart", b, true, a.listToCart,
		Doc{ID: "requisitionListToCart", Summary: "Put a requisition list into the cart at its quantities; lines that cannot be bought now are skipped and named", Tag: "buyer", Response: "AddedToCart", Status: 201, Params: id})
}

// AddedToCart is what a re-order or a list put into the cart, and the cart after.
type AddedToCart struct {
	LinesAdded int               `json:"lines_added"`
	Skipped    map[string]string `json:"skipped"`
	Cart       *Cart             `json:"cart"`
}

func (a *API) reorder(w http.ResponseWriter, r *http.Request) error {
	added, err := a.Order.Reorder(r.Context(), caller(r), r.PathValue("id"))
	return a.writeAdded(w, r, added, err)
}

func (a *API) listToCart(w http.ResponseWriter, r *http.Request) error {
	l, err := a.Buyer.List(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	added, err := a.Order.AddList(r.Context(), caller(r), l.Items)
	return a.writeAdded(w, r, added, err)
}

func (a *API) writeAdded(w http.ResponseWriter, r *http.Request, added *order.AddedLines, err error) error {
	if err != nil {
		return err
	}
	c, err := a.cartBody(r)
	if err != nil {
		return err
	}
	lang := httpx.LangFrom(r.Context())
	out := AddedToCart{LinesAdded: added.Lines, Skipped: map[string]string{}, Cart: c}
	for _, f := range added.Skipped {
		out.Skipped[f.Field] = i18n.Msg(lang, f.Msg)
	}
	WriteJSON(w, http.StatusCreated, out)
	return nil
}

func reorderSchemas() obj {
	return obj{
		"AddedToCart": obj{"type": "object", "required": []string{"lines_added", "skipped", "cart"}, "properties": obj{
			"lines_added": obj{"type": "integer"},
			"skipped":     obj{"type": "object", "additionalProperties": obj{"type": "string"}, "description": "lines.N (N: the order's line number, or the list's row from 1) → why it was not added"},
			"cart":        ref("Cart"),
		}},
	}
}
