package web

import (
	"net/http"
	"strconv"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Files serves uploads to those who may read them: public files to anyone, others to
// their owner organisation and platform staff; anyone else gets a 404.
type Files interface {
	upload.Store
}

func (h *Handler) registerFiles(mux *http.ServeMux) {
	h.route(mux, "GET /files/{id}", httpx.Anyone, h.file)
	h.route(mux, "GET /files/{id}/{variant}", httpx.Anyone, h.file)
}

func (h *Handler) file(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	owner, public, err := h.Files.BlobOwner(r.Context(), id)
	if err != nil {
		return err
	}
	if !upload.CanRead(httpx.PrincipalFrom(r.Context()), owner, public) {
		return errs.E(errs.NotFound, "err.not_found")
	}
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if public {
		hdr.Set("Cache-Control", "public, max-age=86400")
	} else {
		hdr.Set("Cache-Control", "private, max-age=3600")
	}
	if v := r.PathValue("variant"); v != "" {
		vr, err := h.Files.BlobVariant(r.Context(), id, v)
		if err != nil {
			return err
		}
		hdr.Set("Content-Type", vr.ContentType)
		hdr.Set("Content-Disposition", "inline")
		hdr.Set("Content-Length", strconv.Itoa(len(vr.Data)))
		w.Write(vr.Data)
		return nil
	}
	b, err := h.Files.Blob(r.Context(), id)
	if err != nil {
		return err
	}
	hdr.Set("Content-Type", b.ContentType)
	hdr.Set("Content-Disposition", b.Disposition())
	hdr.Set("Content-Length", strconv.Itoa(len(b.Data)))
	w.Write(b.Data)
	return nil
}
