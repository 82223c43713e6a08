package servertest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/url"
)

// PNG returns a small valid PNG, as a scanned document would be.
func PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// PDF returns a small valid one-page PDF.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}

// Multipart encodes fields and files (field name → file name and content) as a
// multipart/form-data body and returns it with its content type.
func Multipart(fields url.Values, files map[string]struct {
	Name string
	Data []byte
}) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for field, f := range files {
		fw, _ := w.CreateFormFile(field, f.Name)
		_, _ = fw.Write(f.Data)
	}
	_ = w.Close()
	return b.String(), w.FormDataContentType()
}
