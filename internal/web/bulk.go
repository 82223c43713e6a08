package web

import (
	"bytes"
	"net/http"
	"net/url"

	"github.com/zhuchao/zhuchao/internal/bulk"
	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/httpx"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/sheet"
)

func (h *Handler) registerBulk(mux *http.ServeMux) {
	h.route(mux, "GET /seller/bulk", httpx.Seller, h.bulkPage)
	h.route(mux, "GET /seller/bulk/template", httpx.Seller, h.bulkTemplate)
	h.route(mux, "GET /seller/bulk/export", httpx.Seller, h.bulkExport)
	h.route(mux, "POST /seller/bulk/import", httpx.Seller, h.bulkImport)
}

type bulkData struct {
	Leaves   []catalog.Leaf
	Category string
	Result   *bulk.Result
	Problems []problemView
	Form     *Form
}

type problemView struct {
	Row     int
	Column  string
	Message string
}

func (h *Handler) bulkView(w http.ResponseWriter, r *http.Request, status int, d bulkData) error {
	leaves, err := h.CatalogEdit.Leaves(r.Context())
	if err != nil {
		return err
	}
	d.Leaves = leaves
	h.render(w, r, status, "seller_bulk", &Page{Title: i18n.T(httpx.LangFrom(r.Context()), "bulk.title"), Area: "seller", Nav: "bulk", Form: d.Form, Data: d})
	return nil
}

func (h *Handler) bulkPage(w http.ResponseWriter, r *http.Request) error {
	return h.bulkView(w, r, http.StatusOK, bulkData{Category: r.URL.Query().Get("category")})
}

func attachment(w http.ResponseWriter, name, ctype string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *Handler) bulkTemplate(w http.ResponseWriter, r *http.Request) error {
	cols, _, err := h.Bulk.Columns(r.Context(), r.URL.Query().Get("category"))
	if err != nil {
		return err
	}
	x, err := sheet.Template(cols, nil)
	if err != nil {
		return err
	}
	defer x.Close()
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		return err
	}
	attachment(w, "products-template.xlsx", xlsxType)
	w.Write(buf.Bytes())
	return nil
}

func (h *Handler) bulkExport(w http.ResponseWriter, r *http.Request) error {
	p := httpx.PrincipalFrom(r.Context())
	cat := r.URL.Query().Get("category")
	var buf bytes.Buffer
	if r.URL.Query().Get("format") == "csv" {
		err := h.Bulk.Export(r.Context(), p, cat, func(hd []string) (bulk.Sheet, error) {
			c, err := sheet.NewCSV(&buf, hd)
			return bulk.CSVSheet{CSV: c}, err
		})
		if err != nil {
			return err
		}
		attachment(w, "products.csv", "text/csv; charset=utf-8")
		w.Write(buf.Bytes())
		return nil
	}
	var x *sheet.XLSX
	err := h.Bulk.Export(r.Context(), p, cat, func(hd []string) (bulk.Sheet, error) {
		var err error
		x, err = sheet.NewXLSX("products", hd)
		return bulk.XLSXSheet{XLSX: x}, err
	})
	if err != nil {
		return err
	}
	defer x.Close()
	if _, err := x.WriteTo(&buf); err != nil {
		return err
	}
	attachment(w, "products.xlsx", xlsxType)
	w.Write(buf.Bytes())
	return nil
}

func (h *Handler) bulkImport(w http.ResponseWriter, r *http.Request) error {
	lang := httpx.LangFrom(r.Context())
	v, files, err := parseMultipart(w, r)
	if err != nil {
		return err
	}
	d := bulkData{Category: v.Get("category")}
	fh := files["file"]
	if fh == nil {
		d.Form = &Form{Values: v, Errors: map[string]string{"file": i18n.T(lang, "err.required")}, Error: i18n.T(lang, "err.form_has_errors")}
		return h.bulkView(w, r, http.StatusUnprocessableEntity, d)
	}
	data, err := readUpload(fh)
	if err != nil {
		return err
	}
	mode := bulk.AllOrNothing
	if v.Get("mode") == "valid_only" {
		mode = bulk.ValidOnly
	}
	rd, err := sheet.Open(fh.Filename, data)
	if err == nil {
		defer rd.Close()
		d.Result, err = h.Bulk.Import(r.Context(), httpx.PrincipalFrom(r.Context()), d.Category, rd, mode, v.Get("publish") == "1")
	}
	if err != nil {
		f, ok := formFromError(lang, v, err)
		if !ok {
			return err
		}
		d.Form = f
		return h.bulkView(w, r, httpx.Status(errs.CodeOf(err)), d)
	}
	for _, p := range d.Result.Report.Problems() {
		d.Problems = append(d.Problems, problemView{Row: p.Row, Column: p.Column, Message: i18n.Msg(lang, p.Message)})
		if len(d.Problems) == 500 {
			break
		}
	}
	status := http.StatusOK
	if d.Result.Report.Len() > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.bulkView(w, r, status, d)
}
