package blob

import (
	"bytes"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"

	xdraw "golang.org/x/image/draw"
)

// ThumbSize is the longest side of a thumbnail, in pixels.
const ThumbSize = 320

// thumbQuality is the JPEG quality of thumbnails.
const thumbQuality = 82

// Thumbnail renders the image of c, turned the right way up by its EXIF
// orientation and scaled to fit within max × max pixels (never enlarged),
// as a JPEG. Transparent areas become white.
func Thumbnail(c *Content, max int) ([]byte, error) {
	if c == nil || c.Image == nil {
		return nil, errors.New("thumbnail: no image")
	}
	src := c.Image
	sb := src.Bounds()
	w, h := fit(sb.Dx(), sb.Dy(), max)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	if sb.Dx() > 4*w || sb.Dy() > 4*h {
		// A fast first pass to twice the size, then a good kernel: much
		// cheaper than a large kernel over a big photo, and as sharp.
		mid := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
		xdraw.ApproxBiLinear.Scale(mid, mid.Bounds(), src, sb, draw.Src, nil)
		src, sb = mid, mid.Bounds()
	}
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, sb, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, orient(dst, c.Orientation), &jpeg.Options{Quality: thumbQuality}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fit scales w × h to fit within max × max, keeping the aspect ratio,
// never enlarging, and at least 1 × 1.
func fit(w, h, max int) (int, int) {
	if w <= max && h <= max {
		return w, h
	}
	if w >= h {
		return max, clamp1(int(int64(h) * int64(max) / int64(w)))
	}
	return clamp1(int(int64(w) * int64(max) / int64(h))), max
}

func clamp1(n int) int {
	if n < 1 {
		return 1
	}
	return n
}

// orient returns img turned by EXIF orientation o (1 to 8, as the camera
// recorded how the sensor was held), so that it displays upright.
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2: // mirrored left to right
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored top to bottom
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // turned a quarter clockwise to display
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // turned a quarter anticlockwise to display
				dx, dy = y, w-1-x
			}
			si := img.PixOffset(b.Min.X+x, b.Min.Y+y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], img.Pix[si:si+4])
		}
	}
	return dst
}
