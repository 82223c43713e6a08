package upload

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // registers GIF for image.Decode
	"image/jpeg"
	_ "image/png" // registers PNG for image.Decode
	"math"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP for image.Decode

	"github.com/zhuchao/zhuchao/internal/errs"
)

// JPEGQuality is the quality of re-encoded variants: small files, no visible artefacts
// on product photos.
const JPEGQuality = 82

// formatKind maps image.DecodeConfig's format names to kinds.
var formatKind = map[string]Kind{"jpeg": JPEG, "png": PNG, "gif": GIF, "webp": WebP}

// imageConfig reads an image's header, checks its dimensions and returns them as
// displayed (EXIF orientations 5–8 swap width and height).
func imageConfig(kind Kind, data []byte) (int, int, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, fileErr(errs.Invalid, "err.upload_corrupt").Wrap(fmt.Errorf("upload: image header: %w", err))
	}
	if formatKind[format] != kind {
		return 0, 0, fileErr(errs.Invalid, "err.upload_corrupt").Wrap(fmt.Errorf("upload: %s content decodes as %s", kind, format))
	}
	if err := checkDims(cfg.Width, cfg.Height); err != nil {
		return 0, 0, err
	}
	w, h := cfg.Width, cfg.Height
	if kind == JPEG && exifOrientation(data) >= 5 {
		w, h = h, w
	}
	return w, h, nil
}

// checkDims refuses empty and absurd dimensions (decompression bombs).
func checkDims(w, h int) error {
	if w <= 0 || h <= 0 {
		return fileErr(errs.Invalid, "err.upload_corrupt").Wrap(fmt.Errorf("upload: image is %d×%d", w, h))
	}
	if w > MaxSide || h > MaxSide || int64(w)*int64(h) > MaxPixels {
		return fileErr(errs.Invalid, "err.upload_dimensions", MaxPixels/1_000_000, MaxSide).Wrap(fmt.Errorf("upload: image is %d×%d", w, h))
	}
	return nil
}

// decoded is a decoded image with the EXIF orientation to apply.
type decoded struct {
	img         image.Image
	orientation int
}

// decode checks an image's header and then decodes it.
func decode(data []byte) (decoded, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return decoded{}, fileErr(errs.Invalid, "err.upload_corrupt").Wrap(fmt.Errorf("upload: image header: %w", err))
	}
	kind, ok := formatKind[format]
	if !ok {
		return decoded{}, fileErr(errs.Unsupported, "err.upload_type", Images.String()).Wrap(errors.New("upload: image format " + format))
	}
	if err := checkDims(cfg.Width, cfg.Height); err != nil {
		return decoded{}, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return decoded{}, fileErr(errs.Invalid, "err.upload_corrupt").Wrap(fmt.Errorf("upload: decode %s: %w", kind, err))
	}
	d := decoded{img: img, orientation: 1}
	if kind == JPEG {
		d.orientation = exifOrientation(data)
	}
	return d, nil
}

// Thumbnail decodes a JPEG, PNG, WebP or GIF (its first frame), scales it to fit within
// maxSide×maxSide (never enlarging) with Catmull-Rom filtering, turns it upright by its
// EXIF orientation, flattens transparency onto white and re-encodes it as JPEG. The
// result carries no metadata (no EXIF, so no GPS position) and nothing of the original
// file's bytes.
func Thumbnail(data []byte, maxSide int) ([]byte, error) {
	d, err := decode(data)
	if err != nil {
		return nil, err
	}
	v, err := variant(d, VariantSpec{MaxSide: maxSide})
	if err != nil {
		return nil, err
	}
	return v.Data, nil
}

// variant renders one JPEG variant of a decoded image.
func variant(d decoded, vs VariantSpec) (Variant, error) {
	img := orient(scale(d.img, vs.MaxSide), d.orientation)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: JPEGQuality}); err != nil {
		return Variant{}, fmt.Errorf("upload: encode %s: %w", vs.Name, err)
	}
	return Variant{Name: vs.Name, ContentType: "image/jpeg", Width: img.Rect.Dx(), Height: img.Rect.Dy(), Data: buf.Bytes()}, nil
}

// scale draws src onto a white canvas that fits within maxSide (no limit when ≤ 0),
// keeping the aspect ratio.
func scale(src image.Image, maxSide int) *image.RGBA {
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	dw, dh := w, h
	if maxSide > 0 && (w > maxSide || h > maxSide) {
		if w >= h {
			dw, dh = maxSide, max(1, int(math.Round(float64(h)*float64(maxSide)/float64(w))))
		} else {
			dw, dh = max(1, int(math.Round(float64(w)*float64(maxSide)/float64(h)))), maxSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
	if dw == w && dh == h {
		draw.Draw(dst, dst.Rect, src, sb.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Rect, src, sb, draw.Over, nil)
	}
	return dst
}

// orient applies an EXIF orientation (1–8) to an image whose bounds start at 0,0.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs 90° clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs 90° counter-clockwise
				dx, dy = y, w-1-x
			}
			si, di := src.PixOffset(x, y), dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// exifOrientation returns the orientation tag (1–8) of a JPEG's EXIF block, or 1. It
// reads only the segments before the image data, with every offset bounds-checked.
func exifOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte
			i++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8): // no length
			i += 2
			continue
		case marker == 0xDA || marker == 0xD9: // image data or end: no EXIF after this
			return 1
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		if seg := b[i+4 : i+2+n]; marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := uint64(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > uint64(len(t)) {
		return 1
	}
	n := int(bo.Uint16(t[off:]))
	p := int(off) + 2
	for k := 0; k < n && p+12 <= len(t); k, p = k+1, p+12 {
		if bo.Uint16(t[p:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[p+2:]) != 3 { // SHORT
			return 1
		}
		if v := int(bo.Uint16(t[p+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}
