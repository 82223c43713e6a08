package upload

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/zhuchao/zhuchao/internal/errs"
)

func TestInvoiceXMLAndOFD(t *testing.T) {
	invoiceKinds := Kinds{PDF, ZIP, XML}
	good := []byte("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EInvoice><Header><EIid>26330000000000000001</EIid></Header></EInvoice>")
	d, err := Validate("发票.xml", good, invoiceKinds, 1<<20)
	if err != nil || d.Kind != XML || d.Ext != ".xml" {
		t.Fatalf("invoice XML: %+v %v", d, err)
	}
	// XML where it was not asked for is still refused as markup.
	if _, err := Validate("a.xml", good, Documents, 1<<20); !errs.Is(err, errs.Unsupported) {
		t.Fatalf("XML outside invoice fields: %v", err)
	}
	for name, bad := range map[string]string{
		"dtd":       `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>`,
		"svg":       `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"xhtml ns":  `<a xmlns="http://www.w3.org/1999/xhtml"><b/></a>`,
		"script":    `<a><script>alert(1)</script></a>`,
		"pi":        `<?xml version="1.0"?><?xml-stylesheet href="x"?><a/>`,
		"two roots": `<a/><b/>`,
		"broken":    `<a><b></a>`,
		"gbk":       `<?xml version="1.0" encoding="GBK"?><a/>`,
	} {
		if _, err := Validate("x.xml", []byte(bad), invoiceKinds, 1<<20); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"OFD.xml", "Doc_0/Document.xml"} {
		w, _ := zw.Create(n)
		w.Write([]byte("<ofd:OFD/>"))
	}
	zw.Close()
	d, err = Validate("发票.ofd", buf.Bytes(), invoiceKinds, 1<<20)
	if err != nil || d.Ext != ".ofd" || d.ContentType != "application/ofd" {
		t.Fatalf("OFD: %+v %v", d, err)
	}
}
