package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/zhuchao/zhuchao/internal/errs"
	"github.com/zhuchao/zhuchao/internal/identity"
	"github.com/zhuchao/zhuchao/internal/upload"
)

// Media kinds. Images make the product's gallery (the first is the cover); attachments
// are offered for download (datasheets, drawings). Both are public files: whoever sees
// the product may fetch them.
const (
	MediaImage      = "image"
	MediaAttachment = "attachment"
)

// Media limits.
const (
	MaxImages          = 8
	MaxAttachments     = 10
	MaxImageBytes      = upload.MaxImageBytes    // 10 MB
	MaxAttachmentBytes = upload.MaxDocumentBytes // 20 MB
	maxMediaTitle      = 100
)

// Media is one image or attachment of a product, with what pages show of its file.
type Media struct {
	ProductID   string
	BlobID      string
	Kind        string // MediaImage or MediaAttachment
	Sort        int64
	Title       string // the supplier's caption, or ""
	CreatedAt   time.Time
	DisplayName string // the file's sanitised name
	ContentType string
	Ext         string
	Size        int64
	Width       int // images, as stored
	Height      int
}

// Name is the caption, else the file's display name.
func (m Media) Name() string {
	if m.Title != "" {
		return m.Title
	}
	return m.DisplayName
}

// SizeText is the file size for people: "1.5 MB".
func (m Media) SizeText() string { return upload.FormatBytes(m.Size) }

// ViewSize is the size the view1200 variant of an image is shown at: the image scaled to
// fit 1200 pixels a side (never enlarged).
func (m Media) ViewSize() (int, int) { return fit(m.Width, m.Height, 1200) }

// ViewWidth and ViewHeight are ViewSize's sides, for templates.
func (m Media) ViewWidth() int  { w, _ := m.ViewSize(); return w }
func (m Media) ViewHeight() int { _, h := m.ViewSize(); return h }

// ThumbWidth and ThumbHeight are the thumb240 variant's sides.
func (m Media) ThumbWidth() int  { w, _ := fit(m.Width, m.Height, 240); return w }
func (m Media) ThumbHeight() int { _, h := fit(m.Width, m.Height, 240); return h }

func fit(w, h, side int) (int, int) {
	if w <= 0 || h <= 0 {
		return side, side
	}
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, h*side/w)
	}
	return max(1, w*side/h), side
}

// MediaList is a product's media in display order: images by sort (the cover first),
// then attachments by sort.
type MediaList []Media

// Images returns the images, the cover first.
func (l MediaList) Images() []Media { return l.of(MediaImage) }

// Attachments returns the attachments.
func (l MediaList) Attachments() []Media { return l.of(MediaAttachment) }

// Cover returns the cover image, or nil.
func (l MediaList) Cover() *Media {
	if im := l.Images(); len(im) > 0 {
		return &im[0]
	}
	return nil
}

// Others returns the images after the cover.
func (l MediaList) Others() []Media {
	if im := l.Images(); len(im) > 1 {
		return im[1:]
	}
	return nil
}

func (l MediaList) of(kind string) []Media {
	var out []Media
	for _, m := range l {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// MediaStore keeps product media. Its methods join the transaction in ctx.
type MediaStore interface {
	// CatalogMedia returns a product's media in display order: images, then
	// attachments, each by sort then creation.
	CatalogMedia(ctx context.Context, productID string) ([]Media, error)
	// CatalogAddMedia inserts a media row for a stored blob.
	CatalogAddMedia(ctx context.Context, m *Media) error
	// CatalogRemoveMedia deletes a media row and its blob; NotFound when the product
	// has no such media.
	CatalogRemoveMedia(ctx context.Context, productID, blobID string) error
	// CatalogSetMediaSort sets one media row's sort.
	CatalogSetMediaSort(ctx context.Context, productID, blobID string, sort int64) error
}

// ownProduct loads a product for a media change: the caller must be an active supplier
// and the product its own; anyone else's product is NotFound.
func (s *Service) ownProduct(ctx context.Context, p *identity.Principal, productID string) (*ProductView, error) {
	if err := s.activeSupplier(ctx, p); err != nil {
		return nil, err
	}
	v, err := s.Store.CatalogProduct(ctx, productID)
	if err != nil {
		return nil, err
	}
	if v.SupplierID != p.Org.ID {
		return nil, errs.E(errs.NotFound, "err.product_not_found")
	}
	return v, nil
}

// AddMedia stores an uploaded file as a product image or attachment, for the product's
// own supplier only (another's product is NotFound). Images are JPEG/PNG/WebP/GIF up to
// 10 MB, at most MaxImages; attachments are PDF, DWG, DXF, STEP or ZIP up to 20 MB, at
// most MaxAttachments. Refusals name the field "image" or "attachment". The file is
// stored public, and the blob and the media row are written in one transaction.
func (s *Service) AddMedia(ctx context.Context, p *identity.Principal, productID, kind, name string, data []byte, title string) error {
	var allowed upload.Kinds
	var limit int64
	var most int
	switch kind {
	case MediaImage:
		allowed, limit, most = upload.Images, MaxImageBytes, MaxImages
	case MediaAttachment:
		allowed, limit, most = upload.Drawings, MaxAttachmentBytes, MaxAttachments
	default:
		return errs.Field("kind", "err.media_kind")
	}
	title = strings.TrimSpace(title)
	switch {
	case utf8.RuneCountInString(title) > maxMediaTitle:
		return errs.Field("title", "err.too_long", maxMediaTitle)
	case !utf8.ValidString(title) || strings.ContainsFunc(title, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return errs.Field("title", "err.bad_chars")
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.ownProduct(ctx, p, productID); err != nil {
			return err
		}
		cur, err := s.MediaStore.CatalogMedia(ctx, productID)
		if err != nil {
			return err
		}
		var n int
		var next int64
		for _, m := range cur {
			if m.Kind == kind {
				n++
				next = max(next, m.Sort+1)
			}
		}
		if n >= most {
			e := errs.Field(kind, "err.media_too_many", most)
			e.Code = errs.Conflict
			return e
		}
		now := s.now()
		b, err := upload.New(p.Org.ID, name, data, allowed, limit, now)
		if err != nil {
			if e := errs.As(err); e != nil {
				for i := range e.Fields {
					e.Fields[i].Field = kind
				}
			}
			return err
		}
		b.Public = true
		if err := s.Blobs.PutBlob(ctx, b); err != nil {
			return err
		}
		if err := s.DB.Fault(ctx, "catalog.media.row"); err != nil {
			return err
		}
		m := &Media{ProductID: productID, BlobID: b.ID, Kind: kind, Sort: next, Title: title, CreatedAt: now}
		if err := s.MediaStore.CatalogAddMedia(ctx, m); err != nil {
			return err
		}
		return s.log(ctx, p, "product.media_add", "product", productID, fmt.Sprintf("%s %s %s (%d bytes)", kind, b.ID, b.DisplayName, b.Size))
	})
}

// RemoveMedia deletes one of the product's media and its file, for the product's own
// supplier only; anything else is NotFound.
func (s *Service) RemoveMedia(ctx context.Context, p *identity.Principal, productID, blobID string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.ownProduct(ctx, p, productID); err != nil {
			return err
		}
		if err := s.MediaStore.CatalogRemoveMedia(ctx, productID, blobID); err != nil {
			return err
		}
		return s.log(ctx, p, "product.media_remove", "product", productID, blobID)
	})
}

// SetCover makes one of the product's images its cover: it moves to the front and the
// others keep their order. Only the product's own supplier may; anything else, and an
// attachment, is NotFound.
func (s *Service) SetCover(ctx context.Context, p *identity.Principal, productID, blobID string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.ownProduct(ctx, p, productID); err != nil {
			return err
		}
		all, err := s.MediaStore.CatalogMedia(ctx, productID)
		if err != nil {
			return err
		}
		images := MediaList(all).Images()
		order := make([]Media, 0, len(images))
		for _, m := range images {
			if m.BlobID == blobID {
				order = append([]Media{m}, order...)
			} else {
				order = append(order, m)
			}
		}
		if len(order) == 0 || order[0].BlobID != blobID {
			return errs.E(errs.NotFound, "err.not_found")
		}
		for i, m := range order {
			if m.Sort == int64(i) {
				continue
			}
			if err := s.MediaStore.CatalogSetMediaSort(ctx, productID, m.BlobID, int64(i)); err != nil {
				return err
			}
		}
		return s.log(ctx, p, "product.media_cover", "product", productID, blobID)
	})
}

// Media returns a product's media in display order (images, the cover first, then
// attachments). The files are public, as the product page shows them.
func (s *Service) Media(ctx context.Context, productID string) ([]Media, error) {
	return s.MediaStore.CatalogMedia(ctx, productID)
}
