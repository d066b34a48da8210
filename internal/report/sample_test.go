package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"math"
	"testing"
	"time"

	"qms/internal/chart"
)

// generated is the fixed clock of the tests.
var generated = time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)

// testFonts loads the fonts with the CJK font of the machine (LXGW WenKai
// from fonts-lxgw-wenkai); without one the test fails under CI and skips
// otherwise.
func testFonts(t testing.TB, log *slog.Logger) *Fonts {
	t.Helper()
	fs, err := LoadFonts("", log)
	if err != nil {
		t.Fatal(err)
	}
	if fs.CJKFont() == "" {
		msg := "no CJK TrueType font found: install fonts-lxgw-wenkai"
		if isCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return fs
}

// photo makes a w × h JPEG: a gradient with a dark disc, different per seed.
func photo(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := float64(w)*(0.3+0.1*float64(seed%4)), float64(h)/2, float64(h)/4
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{uint8(40 + 180*x/w), uint8(90 + seed*37%120), uint8(200 - 150*y/h), 255}
			if math.Hypot(float64(x)-cx, float64(y)-cy) < r {
				c = color.RGBA{30, 30, 40, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// logo makes a small PNG with transparency.
func logo(t testing.TB) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 120; x++ {
			if (x/12+y/12)%2 == 0 || x < 8 {
				img.SetNRGBA(x, y, color.NRGBA{0x1d, 0x3d, 0x6e, 255})
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ocCurve() []chart.Point {
	var pts []chart.Point
	for i := 0; i <= 50; i++ {
		p := float64(i) / 500
		pa := 0.0
		for k := 0; k <= 2; k++ {
			c := 1.0
			for j := 0; j < k; j++ {
				c = c * float64(80-j) / float64(j+1)
			}
			pa += c * math.Pow(p, float64(k)) * math.Pow(1-p, float64(80-k))
		}
		pts = append(pts, chart.Point{X: p, Y: pa})
	}
	return pts
}

// sampleReport builds an inspection report with every kind of block:
// mixed-script text, a table of rows long enough to span pages, photos, a
// chart and signatures.
func sampleReport(t testing.TB, fs *Fonts, rows, photos int) *Document {
	t.Helper()
	d := New(Options{
		Fonts:     fs,
		Title:     "Pre-shipment inspection report",
		Subtitle:  "PSI · PO 4500012345 · 深圳精密五金有限公司",
		Number:    "QMS-PSI-2025-0042",
		Status:    Badge{Text: "FAIL", Tone: Fail},
		Logo:      logo(t),
		Footer:    "Controlled copy",
		Generated: generated,
		Author:    "Nguyễn Văn Minh",
	})
	d.Result("Overall result", "FAIL", Fail, "Major defects found exceed the acceptance number (Ac 5, found 7). Shipment on hold pending the client's decision.")
	d.Heading("1. Order and supplier")
	d.KeyValues([]Field{
		{Label: "Supplier", Value: "深圳精密五金有限公司 (Shenzhen Precision Hardware Co., Ltd.)"},
		{Label: "Factory", Value: "Công ty TNHH Cơ khí Hà Nội, Lô 12, KCN Thăng Long"},
		{Label: "Inspector", Value: "Nguyễn Văn Minh"},
		{Label: "Client contact", Value: "Jürgen Müller"},
		{Label: "Service date", Value: "2025-03-12"},
		{Label: "Item", Value: "Shaft Ø 10 ± 0.05 mm, Ra ≤ 0.8 µm"},
		{Label: "Lot size", Value: "3,200 pcs"},
		{Label: "Result", Value: "FAIL", Tone: Fail},
	}, 2)
	d.Heading("2. Sampling plan and result")
	d.Paragraph("ISO 2859-1, general inspection level II, normal inspection, single sampling. Code letter L, sample size 200. Temperature during measurement 25 °C ≥ 20 °C. Mixed text: 深圳精密 Co., Ltd. Ø 10 ± 0.05.")
	d.Table(Table{
		Columns: []Column{{Header: "Class", Width: 2}, {Header: "AQL", Width: 1, Align: Right}, {Header: "Ac", Width: 1, Align: Right}, {Header: "Re", Width: 1, Align: Right}, {Header: "Found", Width: 1, Align: Right}, {Header: "Result", Width: 1.5, Align: Center}},
		Rows: [][]Cell{
			append(Row("Critical", "0", "0", "1", "0"), Verdict("PASS")),
			append(Row("Major", "2.5", "10", "11", "7"), Verdict("PASS")),
			append(Row("Minor", "4.0", "14", "15", "15"), Verdict("FAIL")),
			append(Row("Special: labels", "–", "–", "–", "–"), Verdict("PENDING")),
		},
	})
	d.Chart(chart.OCCurve("OC curve n = 80, Ac = 2", ocCurve(), []chart.OCMark{{P: 0.01, Label: "AQL 1.0%"}, {P: 0.065, Label: "LQ β = 10%"}}), 70)
	d.Heading("3. Measurements")
	tab := Table{Columns: []Column{{Header: "#", Width: 0.5, Align: Right}, {Header: "Point of measure", Width: 3}, {Header: "Spec", Width: 2}, {Header: "Reading", Width: 1.2, Align: Right}, {Header: "Result", Width: 1.2, Align: Center}}}
	for i := 1; i <= rows; i++ {
		res := "PASS"
		if i%7 == 0 {
			res = "FAIL"
		}
		name := fmt.Sprintf("Outer diameter at section %d", i)
		if i%5 == 0 {
			name += " (measured with the calibrated micrometer 三丰 No. 293-240, two readings averaged after the part reached room temperature)"
		}
		tab.Rows = append(tab.Rows, append(Row(fmt.Sprint(i), name, "Ø 10 ± 0.05", fmt.Sprintf("%.3f", 10+float64(i%9-4)/100)), Verdict(res)))
	}
	d.Table(tab)
	if photos > 0 {
		d.Heading("4. Photos")
		var ps []Image
		for i := range photos {
			ps = append(ps, Image{Data: photo(t, 320, 240, i), Caption: fmt.Sprintf("Photo %d: burr on edge 毛刺, Müller", i+1)})
		}
		d.Photos(ps, 3)
	}
	d.Heading("5. Defect trend")
	d.Chart(chart.Pareto("Defects by code", []chart.Item{{Label: "Burr 毛刺", Value: 30}, {Label: "Scratch", Value: 12}, {Label: "Dent", Value: 4}, {Label: "Wrong label", Value: 8}}), 70)
	d.Heading("6. Remarks")
	d.Paragraph("Golden sample not available at the factory; the client's approved photo (rev. C) was used instead. Factory comment: \"We will rework the burrs and ask for re-inspection.\" — Trần Thị Hương, QA manager.")
	d.Heading("7. Signatures")
	d.Signatures([]Signature{
		{Role: "Inspector", Name: "Nguyễn Văn Minh", Date: "2025-03-12", Meaning: "Inspected on site"},
		{Role: "Factory representative", Name: "王建国", Date: "2025-03-12", Meaning: "Acknowledged the draft result"},
		{Role: "Reviewed by", Name: "Jürgen Müller", Date: "2025-03-13", Meaning: "Signed electronically: reviewed and approved"},
	})
	return d
}

func render(t testing.TB, d *Document) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
