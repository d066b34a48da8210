package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

// benchPhotos makes n distinct 1600 × 1200 JPEGs with sensor-like noise,
// about the size of phone photos scaled for a report.
func benchPhotos(b *testing.B, n int) []Image {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]Image, n)
	for i := range out {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		for y := 0; y < 1200; y++ {
			for x := 0; x < 1600; x++ {
				nz := uint8(rng.IntN(24))
				img.SetRGBA(x, y, color.RGBA{uint8(x/8+i*5) + nz, uint8(y/6) + nz, uint8((x+y)/16) + nz, 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
			b.Fatal(err)
		}
		out[i] = Image{Data: buf.Bytes(), Caption: fmt.Sprintf("Photo %d: carton 毛刺 close-up, Ø 10 ± 0.05", i+1)}
	}
	return out
}

// photoReport is the benchmark report: a summary, a 40-row table and the
// photos in a 2-column grid.
func photoReport(b *testing.B, fs *Fonts, photos []Image, w io.Writer) {
	d := sampleReportHead(fs)
	d.Heading("Photos")
	d.Photos(photos, 2)
	if err := d.Write(w); err != nil {
		b.Fatal(err)
	}
}

func sampleReportHead(fs *Fonts) *Document {
	d := New(Options{Fonts: fs, Title: "Pre-shipment inspection report", Number: "QMS-PSI-2025-0042",
		Subtitle: "深圳精密五金有限公司", Status: Badge{Text: "PASS", Tone: Pass}, Footer: "Controlled copy", Generated: generated})
	d.Result("Overall result", "PASS", Pass, "")
	d.KeyValues([]Field{{Label: "Supplier", Value: "深圳精密五金有限公司"}, {Label: "Inspector", Value: "Nguyễn Văn Minh"}}, 2)
	t := Table{Columns: []Column{{Header: "#"}, {Header: "Point", Width: 3}, {Header: "Spec", Width: 2}, {Header: "Result"}}}
	for i := range 40 {
		t.Rows = append(t.Rows, append(Row(fmt.Sprint(i+1), "Outer diameter", "Ø 10 ± 0.05"), Verdict("PASS")))
	}
	d.Table(t)
	return d
}

// BenchmarkReport40Photos renders a report with 40 photos.
func BenchmarkReport40Photos(b *testing.B) {
	fs := testFonts(b, nil)
	photos := benchPhotos(b, 40)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		photoReport(b, fs, photos, &buf)
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
}

// BenchmarkReportNoPhotos is the baseline: the same report without photos.
func BenchmarkReportNoPhotos(b *testing.B) {
	fs := testFonts(b, nil)
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		photoReport(b, fs, nil, &buf)
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
}

// BenchmarkRawFpdf40Photos is the baseline of fpdf alone: the same 40 JPEGs
// placed two per row with core-font (Latin-only) captions, no layout layer.
func BenchmarkRawFpdf40Photos(b *testing.B) {
	photos := benchPhotos(b, 40)
	var size int
	for b.Loop() {
		p := fpdf.New("P", "mm", "A4", "")
		p.SetFont("Helvetica", "", 8)
		p.SetAutoPageBreak(false, 0)
		for i, ph := range photos {
			if i%6 == 0 {
				p.AddPage()
			}
			x, y := 15+float64(i%2)*92, 20+float64(i%6/2)*85
			name := fmt.Sprint("p", i)
			p.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(ph.Data))
			p.ImageOptions(name, x, y, 88, 66, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
			p.Text(x, y+70, fmt.Sprintf("Photo %d: carton close-up", i+1))
		}
		var buf bytes.Buffer
		if err := p.Output(&buf); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
}

// BenchmarkReportFreshFonts is the first report of a process: the fonts are
// loaded (the 15 MB CJK font read from the page cache and parsed) each time.
func BenchmarkReportFreshFonts(b *testing.B) {
	testFonts(b, nil)
	for b.Loop() {
		fs, err := LoadFonts("", nil)
		if err != nil {
			b.Fatal(err)
		}
		photoReport(b, fs, nil, io.Discard)
	}
}
