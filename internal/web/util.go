package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/zhuchao/zhuchao/internal/errs"
)

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// maxFormBytes bounds every form body.
const maxFormBytes = 64 << 10

// parseForm reads a urlencoded form within maxFormBytes.
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	return parseFormLimit(w, r, maxFormBytes)
}

// parseFormLimit reads a urlencoded form with a size limit; a body too large or
// malformed is the user's error, never a 500.
func parseFormLimit(w http.ResponseWriter, r *http.Request, limit int64) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errs.E(errs.TooLarge, "err.body_too_large")
		}
		return nil, errs.E(errs.Invalid, "err.form_malformed")
	}
	return r.PostForm, checkValues(r.PostForm)
}

// checkValues refuses a form with text no field needs, naming the field.
func checkValues(v url.Values) error {
	for k, vs := range v {
		for _, s := range vs {
			if !validText(s) {
				return errs.Field(k, "err.bad_chars")
			}
		}
	}
	return nil
}

// validText refuses invalid UTF-8 and NUL bytes, which no form field needs.
func validText(s string) bool {
	return !strings.ContainsRune(s, 0) && strings.ToValidUTF8(s, "\uFFFD") == s
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return ""
	}
	return next
}

// startSession signs a user in for an organisation in a fresh session token.
func (h *Handler) startSession(r *http.Request, userID, orgID string) error {
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), SessionUser, userID)
	h.sessions.Put(r.Context(), SessionOrg, orgID)
	return nil
}

func (h *Handler) flash(r *http.Request, msg string) {
	h.sessions.Put(r.Context(), "flash", msg)
}

// maxUploadBytes bounds a multipart form with files.
const maxUploadBytes = 64 << 20

// parseMultipart reads a multipart form with files, within maxUploadBytes; it also
// accepts a plain urlencoded form. Files are returned by field name.
func parseMultipart(w http.ResponseWriter, r *http.Request) (url.Values, map[string]*multipart.FileHeader, error) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		v, err := parseForm(w, r)
		return v, nil, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, errs.E(errs.TooLarge, "err.body_too_large")
		}
		return nil, nil, errs.E(errs.Invalid, "err.form_malformed")
	}
	v := url.Values(r.MultipartForm.Value)
	if err := checkValues(v); err != nil {
		return nil, nil, err
	}
	files := map[string]*multipart.FileHeader{}
	for k, fhs := range r.MultipartForm.File {
		if len(fhs) > 0 && fhs[0].Size > 0 {
			files[k] = fhs[0]
		}
	}
	return v, files, nil
}

// readUpload reads an uploaded file whole (its size is already bounded by the form).
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, errs.E(errs.Invalid, "err.form_malformed")
	}
	defer f.Close()
	return io.ReadAll(f)
}
