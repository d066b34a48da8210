// Package report renders A4 PDF reports laid out like a professional
// inspection agency's: a header on every page (logo, title, report number,
// status badge), a footer (free text such as "Controlled copy", the time the
// report was generated, page x of y), headings, wrapped paragraphs,
// key-value blocks, tables whose header row repeats after a page break,
// coloured verdict cells, images and photo grids with captions, signature
// blocks and charts from internal/chart.
//
// Text of any script prints: DejaVu Sans (embedded) draws Latin,
// Vietnamese, German and symbols, a configurable CJK TrueType font draws
// Chinese, Japanese and Korean, and each run of text takes the font that
// covers it, so "深圳精密 Co., Ltd. Ø 10 ± 0.05" prints whole.
//
// Rendering is pure: data in, PDF out to an io.Writer. The package reads no
// clock (the caller passes the generation time) and no files except the
// CJK font LoadFonts finds; it must not import database/sql, internal/store
// or net/http. Tests check PDFs with the helpers of report/pdftest.
package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"

	"qms/internal/chart"
)

// Page geometry of A4 portrait, in millimetres.
const (
	pageW      = 210.0
	pageH      = 297.0
	marginX    = 15.0
	headerTop  = 10.0
	headerLine = 28.0 // rule under the header
	bodyTop    = 32.0
	bodyBottom = 281.0
	footerLine = 284.0
	contentW   = pageW - 2*marginX
)

// Font sizes in points.
const (
	sizeTitle   = 13.0
	sizeHeading = 11.5
	sizeSub     = 10.0
	sizeBody    = 9.0
	sizeTable   = 8.5
	sizeSmall   = 7.5
)

// Colours of text and rules.
var (
	colInk    = chart.Ink
	colMuted  = chart.Color{R: 0x5f, G: 0x66, B: 0x70}
	colAccent = chart.Color{R: 0x1d, G: 0x3d, B: 0x6e}
	colRule   = chart.Color{R: 0xc3, G: 0xc9, B: 0xd2}
	colHead   = chart.Color{R: 0xe7, G: 0xec, B: 0xf3}
	colLabel  = chart.Color{R: 0xf3, G: 0xf5, B: 0xf8}
	colZebra  = chart.Color{R: 0xfa, G: 0xfb, B: 0xfc}
	colWhite  = chart.Color{R: 0xff, G: 0xff, B: 0xff}
)

// Tone colours a verdict: a cell, a badge or a result box.
type Tone int

// Tones.
const (
	Plain   Tone = iota
	Pass         // green: pass, conform, approved
	Fail         // red: fail, not conform, rejected
	Pending      // amber: pending, on hold
	Info         // blue: draft, in progress, information
)

// solid is the strong colour of a tone (badges, result boxes, text).
func (t Tone) solid() chart.Color {
	switch t {
	case Pass:
		return chart.Color{R: 0x2e, G: 0x7d, B: 0x32}
	case Fail:
		return chart.Color{R: 0xc6, G: 0x28, B: 0x28}
	case Pending:
		return chart.Color{R: 0xa8, G: 0x62, B: 0x00}
	case Info:
		return chart.Color{R: 0x1f, G: 0x4e, B: 0x8c}
	}
	return chart.Color{R: 0x55, G: 0x5b, B: 0x65}
}

// tint is the light background of a tone (table cells).
func (t Tone) tint() chart.Color {
	switch t {
	case Pass:
		return chart.Color{R: 0xe2, G: 0xf2, B: 0xe3}
	case Fail:
		return chart.Color{R: 0xfb, G: 0xe0, B: 0xe0}
	case Pending:
		return chart.Color{R: 0xff, G: 0xef, B: 0xcc}
	case Info:
		return chart.Color{R: 0xe3, G: 0xec, B: 0xf8}
	}
	return colWhite
}

// VerdictTone returns the tone of a verdict word: Pass for pass, passed,
// conform, accepted, approved, OK; Fail for fail, failed, not conform,
// nonconforming, rejected; Pending for pending, on hold, hold; Plain
// otherwise (N/A included). Case and spaces do not matter.
func VerdictTone(verdict string) Tone {
	v := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(verdict, "_", " "))), " ")
	switch v {
	case "pass", "passed", "conform", "conforming", "accepted", "accept", "approved", "ok", "released", "valid", "verified":
		return Pass
	case "fail", "failed", "not conform", "non conform", "nonconform", "nonconforming", "non-conforming", "rejected", "reject", "invalid", "expired":
		return Fail
	case "pending", "on hold", "hold", "pending review", "waiting":
		return Pending
	}
	return Plain
}

// Badge is the status shown at the top right of every page.
type Badge struct {
	Text string
	Tone Tone
}

// Options describe a document. Fonts is required.
type Options struct {
	Fonts *Fonts
	// Title, Subtitle (for example inspection type and PO) and Number (the
	// report number) head every page.
	Title, Subtitle, Number string
	// Status is the badge at the top right (for example PASS or DRAFT).
	Status Badge
	// Logo is an optional JPEG or PNG drawn at the top left.
	Logo []byte
	// Footer is printed at the bottom left of every page, for example
	// "Controlled copy" or "SUPERSEDED – not for use".
	Footer string
	// Watermark, when set, is printed large and light across every page,
	// for example "DRAFT" or "SUPERSEDED".
	Watermark string
	// Generated is when the report was generated (the caller's clock): it
	// is printed in the footer, formatted in its own location, and is the
	// PDF's creation date. When zero nothing is printed and fpdf dates the
	// PDF when it is written.
	Generated time.Time
	// Author and Subject go into the PDF's metadata.
	Author, Subject string
}

// Document is a report being built. Add blocks in reading order, then call
// Write once. A Document is not safe for concurrent use. Errors (a bad
// image, a table row with too many cells) are kept and returned by Write.
type Document struct {
	opt    Options
	fonts  *Fonts
	pdf    *fpdf.Fpdf
	y      float64 // top of the next block on the current page
	err    error
	done   bool // written
	logo   *imageRef
	images map[string]*imageRef

	// Text state.
	sfntBuf    sfnt.Buffer
	glyphCache map[glyphKey]glyph
	added      map[*face]bool
	curFace    *face
	curSize    float64
}

// New starts a document with its first page.
func New(opt Options) *Document {
	d := &Document{
		opt:        opt,
		fonts:      opt.Fonts,
		images:     map[string]*imageRef{},
		glyphCache: map[glyphKey]glyph{},
		added:      map[*face]bool{},
	}
	if d.fonts == nil {
		d.fonts = newFonts(nil) // to lay out without failing; Write returns the error
		d.fail(errors.New("report: Options.Fonts is nil"))
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: pageW, Ht: pageH}})
	d.pdf = p
	p.SetMargins(marginX, bodyTop, marginX)
	p.SetAutoPageBreak(false, 0)
	p.SetCatalogSort(true)
	p.SetCreationDate(opt.Generated)
	p.SetModificationDate(opt.Generated)
	p.SetProducer("qms", true)
	p.SetCreator("qms", true)
	p.SetTitle(strings.TrimSpace(opt.Title+" "+opt.Number), true)
	if opt.Author != "" {
		p.SetAuthor(opt.Author, true)
	}
	if opt.Subject != "" {
		p.SetSubject(opt.Subject, true)
	}
	if len(opt.Logo) > 0 {
		d.logo = d.image(opt.Logo)
	}
	p.SetHeaderFuncMode(d.header, false)
	d.newPage()
	return d
}

func (d *Document) fail(err error) {
	if d.err == nil && err != nil {
		d.err = err
	}
}

// newPage starts a page; the header is drawn by fpdf's header callback.
func (d *Document) newPage() {
	d.curFace = nil
	d.pdf.AddPage()
	d.curFace = nil
	d.y = bodyTop
}

// PageBreak starts a new page.
func (d *Document) PageBreak() { d.newPage() }

// ensure starts a new page unless h mm fit below the cursor. It reports
// whether it broke the page.
func (d *Document) ensure(h float64) bool {
	if d.y+h <= bodyBottom || d.y == bodyTop {
		return false
	}
	d.newPage()
	return true
}

// Space adds vertical space of h mm (none at the top of a page).
func (d *Document) Space(h float64) {
	if d.y > bodyTop {
		d.y += h
	}
}

// Page returns the number of the current page (from 1).
func (d *Document) Page() int { return d.pdf.PageNo() }

func (d *Document) setFill(c chart.Color) { d.pdf.SetFillColor(int(c.R), int(c.G), int(c.B)) }
func (d *Document) setDraw(c chart.Color) { d.pdf.SetDrawColor(int(c.R), int(c.G), int(c.B)) }

// header draws the watermark, logo, title, subtitle, number and badge.
func (d *Document) header() {
	p := d.pdf
	d.curFace = nil
	x := marginX
	if d.logo != nil && d.logo.ok {
		w, h := fit(d.logo.w, d.logo.h, 32, 14)
		d.drawImage(d.logo, x, headerTop+(14-h)/2, w, h)
		x += w + 4
	}
	badgeW := 0.0
	if d.opt.Status.Text != "" {
		st := style{size: 9, bold: true, color: colWhite}
		tw := d.textWidth(d.opt.Status.Text, st)
		badgeW = tw + 8
		bx, by := pageW-marginX-badgeW, headerTop+2
		d.setFill(d.opt.Status.Tone.solid())
		p.RoundedRect(bx, by, badgeW, 8, 1.5, "1234", "F")
		d.textBox(d.opt.Status.Text, bx, by+(8-lineHeight(st.size))/2+0.3, badgeW, st, Center)
	}
	tw := pageW - marginX - x - badgeW - 4
	st := style{size: sizeTitle, bold: true, color: colAccent}
	if w := d.textWidth(d.opt.Title, st); w > tw {
		st.size = max(9, st.size*tw/w)
	}
	// A title too long for one line at 9 pt takes two, the second cut
	// with an ellipsis if need be.
	lines := wrap(d.glyphs(d.opt.Title, true), st.size, tw)
	if len(lines) > 2 {
		lines = [][]glyph{lines[0], d.ellipsize(lines[1], st, tw)}
	}
	titleH := 0.0
	for i, l := range lines {
		d.drawLine(l, x, headerTop+float64(i)*lineHeight(st.size)+ascent(st.size)+0.5, st)
		titleH += lineHeight(st.size)
	}
	var sub []string
	if d.opt.Number != "" {
		sub = append(sub, "Report No. "+d.opt.Number)
	}
	if d.opt.Subtitle != "" {
		sub = append(sub, d.opt.Subtitle)
	}
	if len(sub) > 0 {
		sst := style{size: 8.5, color: colMuted}
		l := wrap(d.glyphs(strings.Join(sub, "  ·  "), false), sst.size, tw)
		if len(l) > 1 {
			l[0] = d.ellipsize(l[0], sst, tw)
		}
		d.drawLine(l[0], x, headerTop+titleH+1.5+ascent(sst.size), sst)
	}
	d.setDraw(colAccent)
	p.SetLineWidth(0.5)
	p.Line(marginX, headerLine, pageW-marginX, headerLine)
}

// ellipsize shortens a line that is followed by more text so that it
// ends in "…" within w mm.
func (d *Document) ellipsize(l []glyph, st style, w float64) []glyph {
	ell, _ := d.resolve('…', st.bold)
	l = slices.Clone(l)
	for len(l) > 0 && width(l, st.size)+width([]glyph{ell}, st.size) > w {
		l = l[:len(l)-1]
	}
	return append(trimSpaces(l), ell)
}

// footers draws the footer of every page once the page count is known.
func (d *Document) footers() {
	p := d.pdf
	n := p.PageCount()
	gen := ""
	if !d.opt.Generated.IsZero() {
		gen = "Generated " + d.opt.Generated.Format("2006-01-02 15:04 MST")
	}
	for i := 1; i <= n; i++ {
		p.SetPage(i)
		d.curFace = nil
		d.setDraw(colRule)
		p.SetLineWidth(0.3)
		p.Line(marginX, footerLine, pageW-marginX, footerLine)
		y := footerLine + 1.5
		third := contentW / 3
		if d.opt.Footer != "" {
			d.textBox(d.opt.Footer, marginX, y, third+20, style{size: sizeSmall, bold: true, color: colInk}, Left)
		}
		if gen != "" {
			d.textBox(gen, marginX+third, y, third, style{size: sizeSmall, color: colMuted}, Center)
		}
		d.textBox(fmt.Sprintf("Page %d of %d", i, n), pageW-marginX-third, y, third, style{size: sizeSmall, color: colMuted}, Right)
		d.watermark()
	}
}

// watermark prints Options.Watermark large, diagonal and translucent over
// the page, so that it shows over tables and photos too.
func (d *Document) watermark() {
	if d.opt.Watermark == "" {
		return
	}
	p := d.pdf
	st := style{size: 64, bold: true, color: chart.Color{R: 0x9a, G: 0x9a, B: 0x9a}}
	gs := d.glyphs(d.opt.Watermark, true)
	if w := width(gs, st.size); w > 240 {
		st.size *= 240 / w
	}
	w := width(gs, st.size)
	p.SetAlpha(0.22, "Normal")
	p.TransformBegin()
	p.TransformRotate(54.7, pageW/2, pageH/2) // along the diagonal
	d.drawLine(gs, pageW/2-w/2, pageH/2+st.size*ptMM*0.35, st)
	p.TransformEnd()
	p.SetAlpha(1, "Normal")
	d.curFace = nil // Q restored the font in force before q
}

// Write finishes the document and writes the PDF to w; call it once. It
// returns the first error met while building the document, if any, and
// nothing is written then. The same input gives the same bytes, except
// that fpdf writes photos of equal pixel width in map order.
func (d *Document) Write(w io.Writer) error {
	if d.err != nil {
		return d.err
	}
	if d.done {
		return errors.New("report: document already written")
	}
	d.done = true
	d.footers()
	if d.err != nil {
		return d.err
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("report: write PDF: %w", err)
	}
	return nil
}
