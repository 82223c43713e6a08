package web

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
)

type orgHomeData struct {
	Members  []identity.Member
	Cards    []catalog.ProductCard
	Products int64
}

func (h *Handler) buyerHome(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	members, err := h.Identity.Store.Members(r.Context(), p.Org.ID)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "buyer_home", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "buyer.title"), Area: "buyer", Nav: "home", Data: orgHomeData{Members: members}})
	return nil
}

func (h *Handler) orgMembers(area string) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := httpx.PrincipalFrom(r.Context())
		members, err := h.Identity.Store.Members(r.Context(), p.Org.ID)
		if err != nil {
			return err
		}
		h.render(w, r, http.StatusOK, "members", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.members"), Area: area, Nav: "members", Data: orgHomeData{Members: members}})
		return nil
	}
}

func (h *Handler) sellerHome(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	cards, total, err := h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: p.Org.ID, IncludeUnlisted: true, Limit: 10})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "seller_home", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "seller.title"), Area: "seller", Nav: "home", Data: orgHomeData{Cards: cards, Products: total}})
	return nil
}

func (h *Handler) sellerProducts(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	page, err := pageParam(r)
	if err != nil {
		return err
	}
	cards, total, err := h.Catalog.ProductCards(r.Context(), catalog.CardFilter{SupplierID: p.Org.ID, IncludeUnlisted: true, Limit: pageSize, Offset: (page - 1) * pageSize})
	if err != nil {
		return err
	}
	d := listData{Cards: cards, Total: total, Page: page}
	d.paginate("/seller/products?")
	h.render(w, r, http.StatusOK, "seller_products", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "nav.products"), Area: "seller", Nav: "products", Data: d})
	return nil
}
