package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/server/servertest"
)

type upFile = struct {
	Name string
	Data []byte
}

// postMedia posts one file of kind through the edit page's upload form.
func postMedia(c *servertest.Client, productID, kind, name string, data []byte, title string) *servertest.Response {
	body, ct := servertest.Multipart(url.Values{"kind": {kind}, "title": {title}}, map[string]upFile{kind: {Name: name, Data: data}})
	return c.Do("POST", "/seller/catalog/"+productID+"/media", ct, body)
}

var thumbRe = regexp.MustCompile(`/files/([0-9a-f-]{36})/thumb240`)

// TestMediaThroughPages: supplierx adds an image and a PDF datasheet to its product
// through the edit page; the public product page shows the gallery and the download;
// anyone can fetch the image; a disguised executable and a ninth image are refused on
// the image field and store nothing; suppliery can neither add nor remove; the cover
// can be changed.
func TestMediaThroughPages(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		e := servertest.Start(t, d)
		pid := e.Products["supplierX"]
		x := e.Login("supplierx")

		res := x.Get("/seller/catalog/" + pid)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `enctype="multipart/form-data"`) || !strings.Contains(res.Body, `action="/seller/catalog/`+pid+`/media"`) {
			t.Fatalf("edit page media section: %d %s", res.StatusCode, res.Body)
		}
		if res := postMedia(x, pid, "image", "正面.png", servertest.PNG(), ""); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload image: %d %s", res.StatusCode, res.Body)
		}
		if res := postMedia(x, pid, "attachment", "datasheet.pdf", servertest.PDF(), "产品规格书"); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("upload datasheet: %d %s", res.StatusCode, res.Body)
		}
		res = x.Get("/seller/catalog/" + pid)
		m := thumbRe.FindStringSubmatch(res.Body)
		if m == nil || !strings.Contains(res.Body, "产品规格书") {
			t.Fatalf("edit page lists no media: %s", res.Body)
		}
		img := m[1]

		// The product page: the cover at display size, the datasheet as a download.
		anon := e.NewClient()
		res = anon.Get("/p/" + pid)
		if res.StatusCode != 200 || !strings.Contains(res.Body, `src="/files/`+img+`/view1200"`) || !strings.Contains(res.Body, `alt="supplierX 外六角螺栓 M8"`) {
			t.Fatalf("product page gallery: %d %s", res.StatusCode, res.Body)
		}
		if !strings.Contains(res.Body, "产品规格书") || !strings.Contains(res.Body, "datasheet.pdf") || !regexp.MustCompile(`href="/files/[0-9a-f-]{36}" download`).MatchString(res.Body) {
			t.Fatalf("product page attachments: %s", res.Body)
		}
		// Anyone can fetch the public image and its variants.
		for _, path := range []string{"/files/" + img, "/files/" + img + "/view1200", "/files/" + img + "/thumb240"} {
			if res := anon.Get(path); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") || !strings.HasPrefix(res.Header.Get("Cache-Control"), "public") {
				t.Fatalf("GET %s anonymously: %d %v", path, res.StatusCode, res.Header)
			}
		}

		blobs := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM blobs`)
		rows := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM product_media`)
		unchanged := func(what string) {
			t.Helper()
			if b, r := scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM blobs`), scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM product_media`); b != blobs || r != rows {
				t.Fatalf("%s stored something: blobs %s→%s, media %s→%s", what, blobs, b, rows, r)
			}
		}
		// An ELF binary named .jpg is refused on the image field.
		elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...)
		res = postMedia(x, pid, "image", "photo.jpg", elf, "")
		if res.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(res.Body, `data-field="image"`) || !strings.Contains(res.Body, `href="#image"`) {
			t.Fatalf("ELF as image: %d %s", res.StatusCode, res.Body)
		}
		unchanged("ELF")

		// suppliery can neither add to nor change supplierx's product.
		y := e.Login("suppliery")
		if res := postMedia(y, pid, "image", "y.png", servertest.PNG(), ""); res.StatusCode != http.StatusNotFound {
			t.Fatalf("suppliery adds: %d", res.StatusCode)
		}
		for _, op := range []string{"remove", "cover"} {
			if res := y.PostForm("/seller/catalog/"+pid+"/media/"+img+"/"+op, url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Fatalf("suppliery %s: %d", op, res.StatusCode)
			}
		}
		if res := anon.PostForm("/seller/catalog/"+pid+"/media/"+img+"/remove", url.Values{}); res.StatusCode == http.StatusSeeOther && strings.Contains(res.Header.Get("Location"), "/seller/catalog/") {
			t.Fatalf("anonymous remove: %d", res.StatusCode)
		}
		unchanged("suppliery")

		// Eight images at most: the ninth is refused on the image field.
		for i := 2; i <= 8; i++ {
			if res := postMedia(x, pid, "image", fmt.Sprintf("p%d.png", i), servertest.PNG(), ""); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("image %d: %d %s", i, res.StatusCode, res.Body)
			}
		}
		blobs = scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM blobs`)
		rows = scalar(t, d, `SELECT CAST(COUNT(*) AS TEXT) FROM product_media`)
		res = postMedia(x, pid, "image", "p9.png", servertest.PNG(), "")
		if res.StatusCode != http.StatusConflict || !strings.Contains(res.Body, `data-field="image"`) {
			t.Fatalf("ninth image: %d %s", res.StatusCode, res.Body)
		}
		unchanged("the ninth image")

		// Make the last image the cover: the product page shows it large.
		res = x.Get("/seller/catalog/" + pid)
		all := thumbRe.FindAllStringSubmatch(res.Body, -1)
		if len(all) != 8 || all[0][1] != img {
			t.Fatalf("edit page thumbnails: %d", len(all))
		}
		last := all[7][1]
		if res := x.PostForm("/seller/catalog/"+pid+"/media/"+last+"/cover", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("set cover: %d %s", res.StatusCode, res.Body)
		}
		res = anon.Get("/p/" + pid)
		if !strings.Contains(res.Body, `src="/files/`+last+`/view1200"`) || !strings.Contains(res.Body, `src="/files/`+img+`/thumb240"`) || strings.Contains(res.Body, `src="/files/`+last+`/thumb240"`) {
			t.Fatalf("product page after the cover change: %s", res.Body)
		}

		// Removing an image takes its file away.
		if res := x.PostForm("/seller/catalog/"+pid+"/media/"+img+"/remove", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d %s", res.StatusCode, res.Body)
		}
		if res := anon.Get("/files/" + img); res.StatusCode != http.StatusNotFound {
			t.Fatalf("removed image still served: %d", res.StatusCode)
		}
		if res := anon.Get("/p/" + pid); strings.Contains(res.Body, img) {
			t.Fatal("removed image still on the product page")
		}
	})
}
