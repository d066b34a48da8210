package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"

	"codeberg.org/go-pdf/fpdf"

	"qms/internal/chart"
)

// Image is a JPEG or PNG picture with an optional caption.
type Image struct {
	Data    []byte
	Caption string
}

// imageRef is an image registered in the PDF (once, however often drawn).
type imageRef struct {
	name string
	typ  string // JPG or PNG
	w, h float64
	ok   bool
	err  error
}

// image registers data in the PDF. An image that cannot be read gives a
// ref that is not ok: it is drawn as a placeholder box saying so.
func (d *Document) image(data []byte) *imageRef {
	if len(data) == 0 {
		return &imageRef{err: errors.New("empty image")}
	}
	key := fmt.Sprintf("%p/%d", &data[0], len(data))
	if r, ok := d.images[key]; ok {
		return r
	}
	r := &imageRef{name: fmt.Sprintf("img%d", len(d.images)+1)}
	d.images[key] = r
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		r.typ = "JPG"
		var cfg image.Config
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
		if err == nil {
			r.w, r.h = float64(cfg.Width), float64(cfg.Height)
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		r.typ = "PNG"
		data, err = pdfPNG(data)
		if err == nil {
			var cfg image.Config
			cfg, err = png.DecodeConfig(bytes.NewReader(data))
			r.w, r.h = float64(cfg.Width), float64(cfg.Height)
		}
	default:
		err = errors.New("not a JPEG or PNG image")
	}
	if err == nil && (r.w < 1 || r.h < 1) {
		err = errors.New("image has no pixels")
	}
	if err != nil {
		r.err = err
		d.fonts.log.Warn("PDF report: image could not be read; a placeholder is printed", "error", err)
		return r
	}
	d.pdf.RegisterImageOptionsReader(r.name, fpdf.ImageOptions{ImageType: r.typ}, bytes.NewReader(data))
	if err := d.pdf.Error(); err != nil {
		d.fail(fmt.Errorf("report: image: %w", err))
		return r
	}
	r.ok = true
	return r
}

// pdfPNG returns PNG data fpdf can embed: PNGs that are interlaced or have
// 16 bits per channel are decoded and encoded again as 8-bit.
func pdfPNG(data []byte) ([]byte, error) {
	// IHDR: signature (8), length (4), "IHDR" (4), width, height (8),
	// bit depth (1), colour type, compression, filter, interlace.
	if len(data) < 33 || string(data[12:16]) != "IHDR" {
		return nil, errors.New("not a valid PNG image")
	}
	depth, interlace := data[24], data[28]
	if depth <= 8 && interlace == 0 {
		return data, nil
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	rgba := image.NewNRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, rgba); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fit scales w × h to fit in maxW × maxH, keeping the aspect ratio.
func fit(w, h, maxW, maxH float64) (float64, float64) {
	s := min(maxW/w, maxH/h)
	return w * s, h * s
}

// drawImage draws a registered image, or a placeholder box when it could
// not be read.
func (d *Document) drawImage(r *imageRef, x, y, w, h float64) {
	if r.ok {
		d.pdf.ImageOptions(r.name, x, y, w, h, false, fpdf.ImageOptions{ImageType: r.typ}, 0, "")
		return
	}
	d.setFill(chart.Color{R: 0xee, G: 0xee, B: 0xee})
	d.setDraw(colRule)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Rect(x, y, w, h, "FD")
	st := style{size: sizeSmall, color: colMuted}
	d.textBox("[image could not be read]", x+1, y+h/2-lineHeight(st.size)/2, w-2, st, Center)
}

// Image adds a picture centred across the content width, at most maxHeight
// mm tall (100 when 0), with its caption below.
func (d *Document) Image(img Image, maxHeight float64) {
	if maxHeight <= 0 {
		maxHeight = 100
	}
	r := d.image(img.Data)
	w, h := contentW*0.6, maxHeight*0.5
	if r.ok {
		w, h = fit(r.w, r.h, contentW, min(maxHeight, bodyBottom-bodyTop-12))
	}
	capSt := style{size: sizeSmall, color: colMuted}
	capH := 0.0
	if img.Caption != "" {
		capH = d.measure(img.Caption, contentW, capSt) + 1
	}
	d.ensure(h + capH + 2)
	d.drawImage(r, marginX+(contentW-w)/2, d.y, w, h)
	d.y += h + 1
	if img.Caption != "" {
		d.y += d.textBox(img.Caption, marginX, d.y, contentW, capSt, Center)
	}
	d.y += 3
}

// Photos adds pictures in a grid of columns (2 or 3; 2 when 0) with
// captions under each; a row of photos never splits across pages.
func (d *Document) Photos(photos []Image, columns int) {
	if columns <= 0 {
		columns = 2
	}
	columns = max(1, min(columns, 4))
	const gap = 4.0
	cellW := (contentW - gap*float64(columns-1)) / float64(columns)
	frameH := cellW * 0.75
	capSt := style{size: sizeSmall, color: colInk}
	for i := 0; i < len(photos); i += columns {
		row := photos[i:min(i+columns, len(photos))]
		capH := 0.0
		for _, ph := range row {
			if ph.Caption != "" {
				capH = max(capH, d.measure(ph.Caption, cellW, capSt)+1)
			}
		}
		d.ensure(frameH + capH + gap)
		for j, ph := range row {
			x := marginX + float64(j)*(cellW+gap)
			r := d.image(ph.Data)
			d.setDraw(colRule)
			d.pdf.SetLineWidth(0.2)
			d.setFill(colLabel)
			d.pdf.Rect(x, d.y, cellW, frameH, "FD")
			if r.ok {
				w, h := fit(r.w, r.h, cellW-1, frameH-1)
				d.drawImage(r, x+(cellW-w)/2, d.y+(frameH-h)/2, w, h)
			} else {
				d.drawImage(r, x, d.y, cellW, frameH)
			}
			if ph.Caption != "" {
				d.textBox(ph.Caption, x, d.y+frameH+1, cellW, capSt, Center)
			}
		}
		d.y += frameH + capH + gap
	}
}
