package catalog_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/zhuchao/zhuchao/internal/catalog"
	"github.com/zhuchao/zhuchao/internal/db"
	"github.com/zhuchao/zhuchao/internal/db/dbtest"
	"github.com/zhuchao/zhuchao/internal/errs"
)

// pngOf returns a small valid PNG whose pixels depend on seed (so each is distinct).
func pngOf(w, h int, seed uint8) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{seed, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

const datasheet = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" +
	"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
	"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n"

// TestMedia: a supplier adds images and a datasheet to its product; a disguised
// executable, a ninth image and another supplier's attempts are refused and store
// nothing; the cover can be chosen; a removed file is gone.
func TestMedia(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d)
		e.svc.MediaStore, e.svc.Blobs = e.st, e.st
		v, err := e.svc.CreateProduct(ctx, e.supA, boltInput(e.hex.ID), true)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "螺栓正面.png", pngOf(400, 300, 1), ""); err != nil {
			t.Fatalf("image: %v", err)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaAttachment, "../规格书.pdf", []byte(datasheet), "规格书 2026"); err != nil {
			t.Fatalf("datasheet: %v", err)
		}
		ms, err := e.svc.Media(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].Kind != catalog.MediaImage || ms[1].Kind != catalog.MediaAttachment {
			t.Fatalf("media: %+v", ms)
		}
		if ms[0].Width != 400 || ms[0].Height != 300 || ms[0].ContentType != "image/png" {
			t.Fatalf("image media: %+v", ms[0])
		}
		if a := ms[1]; a.DisplayName != "规格书.pdf" || a.Title != "规格书 2026" || a.Size != int64(len(datasheet)) || a.Name() != "规格书 2026" {
			t.Fatalf("attachment media: %+v", a)
		}
		for _, m := range ms {
			owner, public, err := e.st.BlobOwner(ctx, m.BlobID)
			if err != nil || !public || owner != e.supA.Org.ID {
				t.Fatalf("blob %s: owner %s public %v err %v", m.BlobID, owner, public, err)
			}
		}
		if _, err := e.st.BlobVariant(ctx, ms[0].BlobID, "view1200"); err != nil {
			t.Fatalf("image variant: %v", err)
		}

		blobs, rows := count(t, d, "blobs"), count(t, d, "product_media")
		unchanged := func(what string) {
			t.Helper()
			if b, r := count(t, d, "blobs"), count(t, d, "product_media"); b != blobs || r != rows {
				t.Fatalf("%s stored something: blobs %d→%d, media %d→%d", what, blobs, b, rows, r)
			}
		}
		// An ELF binary named .jpg is refused on the image field.
		elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...)
		err = e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "photo.jpg", elf, "")
		if fieldErr(err, "image") != "err.upload_type" || !errs.Is(err, errs.Unsupported) {
			t.Fatalf("ELF as image: %v", err)
		}
		unchanged("ELF")
		// A PDF is no image, and a photo is no attachment (documents and drawings only).
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "a.png", []byte(datasheet), ""); fieldErr(err, "image") != "err.upload_type" {
			t.Fatalf("PDF as image: %v", err)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaAttachment, "a.pdf", pngOf(10, 10, 9), ""); fieldErr(err, "attachment") != "err.upload_type" {
			t.Fatalf("PNG as attachment: %v", err)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "big.png", make([]byte, catalog.MaxImageBytes+1), ""); fieldErr(err, "image") != "err.upload_too_large" {
			t.Fatalf("11 MB image: %v", err)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, "video", "a.png", pngOf(10, 10, 9), ""); fieldErr(err, "kind") != "err.media_kind" {
			t.Fatalf("unknown kind: %v", err)
		}
		unchanged("refused uploads")

		// Another supplier, ops and a buyer cannot add, remove or reorder.
		if err := e.svc.AddMedia(ctx, e.supB, v.ID, catalog.MediaImage, "x.png", pngOf(10, 10, 2), ""); !errs.Is(err, errs.NotFound) {
			t.Fatalf("supplier B adds: %v", err)
		}
		if err := e.svc.RemoveMedia(ctx, e.supB, v.ID, ms[0].BlobID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("supplier B removes: %v", err)
		}
		if err := e.svc.SetCover(ctx, e.supB, v.ID, ms[0].BlobID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("supplier B reorders: %v", err)
		}
		if err := e.svc.AddMedia(ctx, e.ops, v.ID, catalog.MediaImage, "x.png", pngOf(10, 10, 2), ""); err == nil {
			t.Fatal("ops adds media")
		}
		if err := e.svc.AddMedia(ctx, e.buyer, v.ID, catalog.MediaImage, "x.png", pngOf(10, 10, 2), ""); err == nil {
			t.Fatal("a buyer adds media")
		}
		unchanged("others")

		// The blob and the row go together: a failure before the row leaves no blob.
		d.Hook = func(ctx context.Context, point string) error {
			if point == "catalog.media.row" {
				return errors.New("injected fault")
			}
			return nil
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "x.png", pngOf(10, 10, 3), ""); err == nil || !strings.Contains(err.Error(), "injected") {
			t.Fatalf("fault not raised: %v", err)
		}
		d.Hook = nil
		unchanged("a failed transaction")

		// Up to eight images; the ninth is refused.
		for i := 2; i <= catalog.MaxImages; i++ {
			if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "p.png", pngOf(20+i, 20, uint8(i)), ""); err != nil {
				t.Fatalf("image %d: %v", i, err)
			}
		}
		blobs, rows = count(t, d, "blobs"), count(t, d, "product_media")
		err = e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "p9.png", pngOf(50, 20, 99), "")
		if fieldErr(err, "image") != "err.media_too_many" || !errs.Is(err, errs.Conflict) {
			t.Fatalf("ninth image: %v", err)
		}
		unchanged("the ninth image")

		// The cover: the fourth image moves to the front, the others keep their order.
		ms, _ = e.svc.Media(ctx, v.ID)
		images := catalog.MediaList(ms).Images()
		if len(images) != catalog.MaxImages {
			t.Fatalf("%d images", len(images))
		}
		want := []string{images[3].BlobID, images[0].BlobID, images[1].BlobID, images[2].BlobID}
		if err := e.svc.SetCover(ctx, e.supA, v.ID, images[3].BlobID); err != nil {
			t.Fatal(err)
		}
		ms, _ = e.svc.Media(ctx, v.ID)
		l := catalog.MediaList(ms)
		for i, id := range want {
			if l.Images()[i].BlobID != id {
				t.Fatalf("order after cover: position %d is %s, want %s", i, l.Images()[i].BlobID, id)
			}
		}
		if l.Cover().BlobID != want[0] || len(l.Others()) != catalog.MaxImages-1 || len(l.Attachments()) != 1 {
			t.Fatalf("list after cover: %+v", l)
		}
		// An attachment cannot be the cover.
		if err := e.svc.SetCover(ctx, e.supA, v.ID, l.Attachments()[0].BlobID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("attachment as cover: %v", err)
		}

		// Removing: the row and the file are gone, and there is room for another image.
		gone := l.Cover().BlobID
		if err := e.svc.RemoveMedia(ctx, e.supA, v.ID, gone); err != nil {
			t.Fatal(err)
		}
		if _, err := e.st.Blob(ctx, gone); !errs.Is(err, errs.NotFound) {
			t.Fatalf("removed blob: %v", err)
		}
		if err := e.svc.RemoveMedia(ctx, e.supA, v.ID, gone); !errs.Is(err, errs.NotFound) {
			t.Fatalf("removed twice: %v", err)
		}
		ms, _ = e.svc.Media(ctx, v.ID)
		if l := catalog.MediaList(ms); l.Cover().BlobID != want[1] || len(l.Images()) != catalog.MaxImages-1 {
			t.Fatalf("after removing the cover: %+v", l)
		}
		if err := e.svc.AddMedia(ctx, e.supA, v.ID, catalog.MediaImage, "p9.png", pngOf(50, 20, 99), ""); err != nil {
			t.Fatalf("image after a removal: %v", err)
		}
	})
}
