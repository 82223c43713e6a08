package web

import (
	"net/http"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
)

// registerCatalogMedia adds the supplier's product image and attachment routes. The
// media section itself is part of the product edit page (/seller/catalog/{id}).
func (h *Handler) registerCatalogMedia(mux *http.ServeMux) {
	h.route(mux, "POST /seller/catalog/{id}/media", httpx.Seller, h.catalogMediaAdd)
	h.route(mux, "POST /seller/catalog/{id}/media/{blob}/remove", httpx.Seller, h.catalogMediaRemove)
	h.route(mux, "POST /seller/catalog/{id}/media/{blob}/cover", httpx.Seller, h.catalogMediaCover)
}

// productMedia loads a product's media for a page.
func (h *Handler) productMedia(r *http.Request, productID string) (catalog.MediaList, error) {
	if h.CatalogEdit == nil || h.CatalogEdit.MediaStore == nil {
		return nil, nil
	}
	return h.CatalogEdit.Media(r.Context(), productID)
}

// catalogMediaAdd stores an uploaded image or attachment (the file comes in the field
// named by kind: "image" or "attachment"). A refusal re-shows the edit page with the
// message on that field.
func (h *Handler) catalogMediaAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := httpx.PrincipalFrom(ctx)
	lang := httpx.LangFrom(ctx)
	id := r.PathValue("id")
	// The product must be the caller's before the body is read.
	view, err := h.CatalogEdit.Product(ctx, p, id)
	if err != nil {
		return err
	}
	if view.SupplierID != p.Org.ID {
		return errs.E(errs.NotFound, "err.product_not_found")
	}
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	kind := v.Get("kind")
	switch fh := files[kind]; {
	case kind != catalog.MediaImage && kind != catalog.MediaAttachment:
		err = errs.Field("kind", "err.media_kind")
	case fh == nil:
		err = errs.Field(kind, "err.media_file_required")
	default:
		var data []byte
		if data, err = readUpload(fh); err != nil {
			return err
		}
		err = h.CatalogEdit.AddMedia(ctx, p, id, kind, fh.Filename, data, v.Get("title"))
	}
	if err != nil {
		form, ok := formFromError(lang, v, err)
		if !ok || errs.Is(err, errs.NotFound) {
			return err
		}
		f := productFormFromView(view)
		f.pad(blankSKURows)
		return h.productPage(w, r, httpx.Status(errs.CodeOf(err)), view, f, form)
	}
	h.flash(r, i18n.T(lang, "media.added_"+kind))
	http.Redirect(w, r, "/seller/catalog/"+id+"#media", http.StatusSeeOther)
	return nil
}

func (h *Handler) catalogMediaRemove(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.CatalogEdit.RemoveMedia(r.Context(), httpx.PrincipalFrom(r.Context()), id, r.PathValue("blob")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "media.removed"))
	http.Redirect(w, r, "/seller/catalog/"+id+"#media", http.StatusSeeOther)
	return nil
}

func (h *Handler) catalogMediaCover(w http.ResponseWriter, r *http.Request) error {
	if _, err := parseForm(w, r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.CatalogEdit.SetCover(r.Context(), httpx.PrincipalFrom(r.Context()), id, r.PathValue("blob")); err != nil {
		return err
	}
	h.flash(r, i18n.T(httpx.LangFrom(r.Context()), "media.cover_set"))
	http.Redirect(w, r, "/seller/catalog/"+id+"#media", http.StatusSeeOther)
	return nil
}
