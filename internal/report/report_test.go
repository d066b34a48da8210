package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"qms/internal/report/pdftest"
)

func isCI() bool { return os.Getenv("CI") == "true" }

// TestInspectionReport builds a multi-page inspection report and checks its
// text (every string exactly, whatever its script), its page count, the
// header row of the long table on every page it continues on, the page
// footers, and that no rendered page is blank.
func TestInspectionReport(t *testing.T) {
	pdftest.Require(t)
	fs := testFonts(t, nil)
	d := sampleReport(t, fs, 60, 8)
	pdf := render(t, d)

	pages := pdftest.Pages(t, pdf)
	if pages != d.Page() || pages < 3 {
		t.Fatalf("pdfinfo counts %d pages; the document made %d (want at least 3)", pages, d.Page())
	}
	text := pdftest.Text(t, pdf)
	for _, want := range []string{
		"深圳精密五金有限公司",
		"Nguyễn Văn Minh",
		"Müller",
		"Jürgen Müller",
		"Ø 10 ± 0.05",
		"Shaft Ø 10 ± 0.05 mm, Ra ≤ 0.8 µm",
		"25 °C ≥ 20 °C",
		"Mixed text: 深圳精密 Co., Ltd. Ø 10 ± 0.05.",
		"Công ty TNHH Cơ khí Hà Nội",
		"Trần Thị Hương",
		"王建国",
		"Pre-shipment inspection report",
		"Report No. QMS-PSI-2025-0042",
		"Overall result",
		"OC curve n = 80, Ac = 2",
		"AQL 1.0%",
		"Burr 毛刺",
		"Photo 8: burr on edge 毛刺, Müller",
		"Signed electronically: reviewed and",
		"PENDING",
	} {
		if !strings.Contains(text, norm.NFC.String(want)) {
			t.Errorf("extracted text lacks %q", want)
		}
	}
	for i := 1; i <= 60; i++ {
		if !strings.Contains(text, fmt.Sprintf("Outer diameter at section %d", i)) {
			t.Errorf("table row %d missing", i)
		}
	}

	perPage := pdftest.PageTexts(t, pdf)
	if len(perPage) != pages {
		t.Fatalf("%d page texts for %d pages", len(perPage), pages)
	}
	tablePages := 0
	for i, p := range perPage {
		for _, want := range []string{
			fmt.Sprintf("Page %d of %d", i+1, pages),
			"Controlled copy",
			"Generated 2025-03-14 09:26 UTC",
			"Pre-shipment inspection report",
			"FAIL", // the status badge
		} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
		if strings.Contains(p, "Outer diameter at section") {
			tablePages++
			if !strings.Contains(p, "Point of measure") {
				t.Errorf("page %d continues the measurements table without its header row", i+1)
			}
		}
	}
	if tablePages < 2 {
		t.Errorf("the measurements table spans %d pages; the test needs it to span at least 2", tablePages)
	}

	imgs := pdftest.Render(t, pdf, 50)
	if len(imgs) != pages {
		t.Fatalf("pdftoppm rendered %d pages of %d", len(imgs), pages)
	}
	for i, img := range imgs {
		// The body, between header and footer, must carry content.
		if ink := pdftest.InkIn(img, 0.11, 0.94); ink < 0.02 {
			t.Errorf("page %d body is nearly blank: %.3f of pixels inked", i+1, ink)
		}
		if ink := pdftest.InkIn(img, 0, 0.1); ink < 0.01 {
			t.Errorf("page %d header is nearly blank: %.3f of pixels inked", i+1, ink)
		}
	}
	if dir := os.Getenv("REPORT_PNG_DIR"); dir != "" { // for looking at the layout
		pdftest.Save(t, pdftest.Render(t, pdf, 70), dir, "inspection")
	}
}

// TestDeterministicOutput: the same input gives the same bytes. (Photos of
// equal pixel width are the exception: fpdf writes them in map order.)
func TestDeterministicOutput(t *testing.T) {
	fs := testFonts(t, nil)
	a := render(t, sampleReport(t, fs, 10, 0))
	b := render(t, sampleReport(t, fs, 10, 0))
	if !bytes.Equal(a, b) {
		t.Error("the same report rendered twice differs")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20250314092600")) {
		t.Error("creation date is not the generation time passed in")
	}
}

// TestWithoutCJKFont: CJK text prints as visible placeholders, the other
// text is intact, and one warning is logged however many documents use the
// fonts.
func TestWithoutCJKFont(t *testing.T) {
	pdftest.Require(t)
	var logs bytes.Buffer
	fs := newFonts(slog.New(slog.NewTextHandler(&logs, nil)))
	var text string
	for range 2 {
		d := New(Options{Fonts: fs, Title: "Supplier 深圳精密", Generated: generated})
		d.Paragraph("深圳精密五金有限公司 Co., Ltd. Müller Ø 10 ± 0.05")
		d.Table(Table{Columns: []Column{{Header: "名称"}}, Rows: [][]Cell{Row("王建国")}})
		text = pdftest.Text(t, render(t, d))
	}
	if strings.Contains(text, "深") || !strings.Contains(text, "□□□□□□□□□□ Co., Ltd. Müller Ø 10 ± 0.05") {
		t.Errorf("CJK text not replaced by placeholders or Latin text damaged:\n%s", text)
	}
	if !strings.Contains(text, "□□□") {
		t.Error("table cell lost its placeholders")
	}
	if n := strings.Count(logs.String(), "QMS_PDF_CJK_FONT"); n != 1 {
		t.Errorf("%d warnings naming QMS_PDF_CJK_FONT, want 1:\n%s", n, logs.String())
	}
	if fs.CJKFont() != "" {
		t.Errorf("CJKFont() = %q without a CJK font", fs.CJKFont())
	}
}

func TestCheckFontFile(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A table directory naming the given tables.
	sfntHeader := func(version string, tables ...string) []byte {
		b := []byte(version)
		b = append(b, 0, byte(len(tables)), 0, 0, 0, 0, 0, 0)
		for _, tag := range tables {
			b = append(b, tag...)
			b = append(b, make([]byte, 12)...)
		}
		return b
	}
	cases := []struct {
		name string
		data []byte
		want string // in the error; "" for no error
	}{
		{"DejaVuSans.ttf", dejaVuSans, ""},
		{"NotoSansCJK.otf", sfntHeader("OTTO", "CFF ", "cmap", "hmtx"), "CFF"},
		{"NotoSansCJK.ttc", append([]byte("ttcf"), make([]byte, 40)...), "collection (.ttc)"},
		{"web.woff", append([]byte("wOFF"), make([]byte, 40)...), "WOFF"},
		{"noglyf.ttf", sfntHeader("\x00\x01\x00\x00", "cmap", "hmtx"), "glyf, loca"},
		{"readme.txt", []byte("this is not a font at all"), "not a TrueType font"},
		{"short.ttf", []byte("ab"), "too short"},
	}
	for _, c := range cases {
		p := file(c.name, c.data)
		err := CheckFontFile(p)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one naming the file and %q", c.name, err, c.want)
		}
		if _, err := LoadFonts(p, nil); err == nil {
			t.Errorf("LoadFonts(%s) accepted it", c.name)
		}
	}
	if _, err := LoadFonts(filepath.Join(dir, "missing.ttf"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFonts(missing file) = %v", err)
	}
	// A TrueType file given by path is used for CJK text.
	fs, err := LoadFonts(file("custom.ttf", dejaVuSans), nil)
	if err != nil || fs.CJKFont() != filepath.Join(dir, "custom.ttf") {
		t.Errorf("LoadFonts(custom.ttf) = %v, CJK font %q", err, fs.CJKFont())
	}
}

func TestWrap(t *testing.T) {
	d := New(Options{Fonts: newFonts(slog.New(slog.DiscardHandler)), Generated: generated})
	cases := []struct {
		text  string
		width float64
		lines int // -1: more than one
	}{
		{"", 50, 1},
		{"short", 50, 1},
		{"one two three four five six seven eight nine ten eleven twelve", 40, -1},
		{"first\nsecond\n\nfourth", 100, 4},
		{"Supercalifragilisticexpialidocious-and-even-longer-without-spaces", 20, -1},
		{"深圳精密五金有限公司深圳精密五金有限公司深圳精密五金有限公司", 30, -1},
	}
	for _, c := range cases {
		gs := d.glyphs(c.text, false)
		lines := wrap(gs, 9, c.width)
		if c.lines > 0 && len(lines) != c.lines {
			t.Errorf("%q in %g mm: %d lines, want %d", c.text, c.width, len(lines), c.lines)
		}
		if c.lines < 0 && len(lines) < 2 {
			t.Errorf("%q in %g mm: %d lines, want several", c.text, c.width, len(lines))
		}
		var joined strings.Builder
		for i, l := range lines {
			if w := width(l, 9); w > c.width+1e-6 {
				t.Errorf("%q: line %d is %.2f mm wide in %g mm", c.text, i, w, c.width)
			}
			for _, g := range l {
				joined.WriteRune(g.r)
			}
		}
		// Only spaces and newlines are lost at breaks.
		strip := strings.NewReplacer(" ", "", "\n", "")
		if strip.Replace(joined.String()) != strip.Replace(c.text) && !strings.ContainsRune(joined.String(), placeholder) {
			t.Errorf("%q wrapped to %q", c.text, joined.String())
		}
	}
	// No line starts with closing punctuation.
	for _, l := range wrap(d.glyphs("质量，质量，质量，质量，质量，质量，质量，质量。", false), 9, 12) {
		if len(l) > 0 && strings.ContainsRune(noBreakBefore, l[0].r) {
			t.Errorf("line starts with %q", l[0].r)
		}
	}
	// Decomposed Vietnamese is printed composed.
	if gs := d.glyphs("Nguye\u0302\u0303n", false); len(gs) != 6 || gs[4].r != 'ễ' {
		t.Errorf("decomposed text resolved to %v", gs)
	}
}

func TestImagesAndErrors(t *testing.T) {
	pdftest.Require(t)
	var logs bytes.Buffer
	fs := newFonts(slog.New(slog.NewTextHandler(&logs, nil)))
	// A 16-bit PNG, which fpdf cannot embed as it is.
	img16 := image.NewNRGBA64(image.Rect(0, 0, 40, 30))
	for y := range 30 {
		for x := range 40 {
			img16.SetNRGBA64(x, y, color.NRGBA64{uint16(x * 1600), 0x8000, uint16(y * 2000), 0xffff})
		}
	}
	var png16 bytes.Buffer
	if err := png.Encode(&png16, img16); err != nil {
		t.Fatal(err)
	}
	d := New(Options{Fonts: fs, Title: "Images", Generated: generated, Logo: []byte("not an image")})
	d.Image(Image{Data: png16.Bytes(), Caption: "16-bit PNG"}, 40)
	d.Photos([]Image{{Data: []byte{0xff, 0xd8, 0xff, 0, 1, 2}, Caption: "broken JPEG"}, {Data: photo(t, 64, 48, 1), Caption: "good"}}, 2)
	pdf := render(t, d)
	text := pdftest.Text(t, pdf)
	// An unreadable logo is left out of the header; a photo gets a placeholder.
	if n := strings.Count(text, "[image could not be read]"); n != 1 {
		t.Errorf("%d placeholders for 1 unreadable photo:\n%s", n, text)
	}
	for _, want := range []string{"16-bit PNG", "broken JPEG", "good"} {
		if !strings.Contains(text, want) {
			t.Errorf("caption %q missing", want)
		}
	}
	if n := strings.Count(logs.String(), "image could not be read"); n != 2 {
		t.Errorf("%d warnings for 2 unreadable images (logo and photo):\n%s", n, logs.String())
	}

	// A row with more cells than columns is an error; nothing is written.
	d = New(Options{Fonts: fs, Generated: generated})
	d.Table(Table{Columns: []Column{{Header: "A"}}, Rows: [][]Cell{Row("1"), Row("2", "3")}})
	var out bytes.Buffer
	if err := d.Write(&out); err == nil || !strings.Contains(err.Error(), "row 2") || out.Len() != 0 {
		t.Errorf("Write = %v with %d bytes, want an error naming row 2 and nothing written", err, out.Len())
	}
	if err := New(Options{Generated: generated}).Write(&out); err == nil {
		t.Error("a document without fonts wrote a PDF")
	}
}

// TestLongCell: a row taller than a page is split between its lines, with
// the header row on each page, and every line printed once.
func TestLongCellAndWatermark(t *testing.T) {
	pdftest.Require(t)
	fs := testFonts(t, nil)
	var long []string
	for i := 1; i <= 150; i++ {
		long = append(long, fmt.Sprintf("remark line %03d 备注", i))
	}
	build := func(watermark string) []byte {
		d := New(Options{Fonts: fs, Title: "Procedure QP-07 rev. B", Watermark: watermark, Footer: "SUPERSEDED – not for use", Status: Badge{Text: "OBSOLETE", Tone: Plain}, Generated: generated})
		d.Table(Table{Columns: []Column{{Header: "No.", Width: 1}, {Header: "Remarks", Width: 6}}, Rows: [][]Cell{Row("1", strings.Join(long, "\n")), Row("2", "after")}})
		return render(t, d)
	}
	pdf := build("SUPERSEDED")
	pages := pdftest.PageTexts(t, pdf)
	if len(pages) < 2 {
		t.Fatalf("%d pages; the long cell should need several", len(pages))
	}
	all := strings.Join(pages, "\n")
	for i := 1; i <= 150; i++ {
		if n := strings.Count(all, fmt.Sprintf("remark line %03d 备注", i)); n != 1 {
			t.Errorf("line %d printed %d times", i, n)
		}
	}
	for i, p := range pages {
		for _, want := range []string{"Remarks", "SUPERSEDED – not for use", "OBSOLETE"} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
	}
	// pdftotext leaves diagonal text out, so compare pixels: the watermark
	// darkens the middle of every page, over the table's white cells.
	with, without := pdftest.Render(t, pdf, 50), pdftest.Render(t, build(""), 50)
	if len(with) != len(without) {
		t.Fatalf("%d pages with the watermark, %d without", len(with), len(without))
	}
	for i := range with {
		a, b := pdftest.InkIn(with[i], 0.35, 0.65), pdftest.InkIn(without[i], 0.35, 0.65)
		if a < b+0.02 {
			t.Errorf("page %d: middle inked %.3f with the watermark, %.3f without", i+1, a, b)
		}
	}
}

func TestVerdictTone(t *testing.T) {
	for v, want := range map[string]Tone{
		"PASS": Pass, "Passed": Pass, "conform": Pass, " Approved ": Pass,
		"FAIL": Fail, "Not conform": Fail, "NOT_CONFORM": Fail, "rejected": Fail,
		"PENDING": Pending, "On hold": Pending, "on  hold": Pending,
		"N/A": Plain, "": Plain, "draft": Plain,
	} {
		if got := VerdictTone(v); got != want {
			t.Errorf("VerdictTone(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestConcurrentDocuments renders documents sharing one Fonts at once (run
// with -race).
func TestConcurrentDocuments(t *testing.T) {
	fs := testFonts(t, nil)
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			d := New(Options{Fonts: fs, Title: fmt.Sprintf("Report %d 报告", i), Generated: generated})
			d.Paragraph("深圳精密五金有限公司 Nguyễn Văn Minh Ø 10 ± 0.05")
			d.Signatures([]Signature{{Role: "检验员", Name: "王建国"}})
			errs <- d.Write(io.Discard)
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	d := New(Options{Fonts: fs, Generated: generated})
	if err := d.Write(io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := d.Write(io.Discard); err == nil {
		t.Error("a document was written twice")
	}
}
