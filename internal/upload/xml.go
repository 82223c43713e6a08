package upload

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
)

// looksXML reports whether b starts (after a BOM and white space) like an XML document.
func looksXML(b []byte) bool {
	text := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")), " \t\r\n")
	return bytes.HasPrefix(text, []byte("<?xml")) || (len(text) > 1 && text[0] == '<' && (text[1] == '_' || text[1] >= 'A' && text[1] <= 'Z' || text[1] >= 'a' && text[1] <= 'z'))
}

// xmlRefused are element names and namespaces a browser would render or run.
var xmlRefused = []string{"html", "svg", "script", "iframe", "object", "embed", "body", "http://www.w3.org/1999/xhtml", "http://www.w3.org/2000/svg"}

// checkXML accepts a well-formed UTF-8 XML document without a DTD (no entity tricks),
// without processing instructions other than the declaration, and without HTML or SVG.
func checkXML(b []byte) error {
	bad := func(why string) error {
		return fileErr(errs.Unsupported, "err.upload_type", "XML").Wrap(errors.New("upload: xml: " + why))
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return bad("not UTF-8 text")
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fileErr(errs.Invalid, "err.upload_corrupt").Wrap(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return bad("directive (DTD)")
		case xml.ProcInst:
			if t.Target != "xml" {
				return bad("processing instruction " + t.Target)
			}
			if enc := strings.ToLower(string(t.Inst)); strings.Contains(enc, "encoding") && !strings.Contains(enc, "utf-8") {
				return bad("encoding other than UTF-8")
			}
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
			for _, n := range append([]string{t.Name.Local, t.Name.Space}, attrValues(t.Attr)...) {
				for _, r := range xmlRefused {
					if strings.EqualFold(n, r) {
						return bad("markup " + r)
					}
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if depth != 0 || roots != 1 {
		return fileErr(errs.Invalid, "err.upload_corrupt").Wrap(errors.New("upload: xml: not one root element"))
	}
	return nil
}

func attrValues(as []xml.Attr) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
			out = append(out, a.Value)
		}
	}
	return out
}
