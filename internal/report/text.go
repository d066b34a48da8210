package report

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"qms/internal/chart"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

const placeholder = '□' // U+25A1, printed for characters no font covers

// glyph is one character resolved to the font that draws it. A nil face
// marks a hard line break ('\n'); characters that draw nothing are dropped.
type glyph struct {
	r rune
	f *face
	w float64 // advance in em
}

type glyphKey struct {
	r    rune
	bold bool
}

// style is how a run of text looks.
type style struct {
	size  float64 // pt
	bold  bool
	color chart.Color
}

// glyphs resolves the characters of s (normalised to NFC, so that
// decomposed Vietnamese accents print as the precomposed letters DejaVu has)
// to fonts: DejaVu Sans when it covers the character, else the CJK font,
// else a visible placeholder.
func (d *Document) glyphs(s string, bold bool) []glyph {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	out := make([]glyph, 0, len(s))
	for _, r := range s {
		g, ok := d.resolve(r, bold)
		if ok {
			out = append(out, g)
		}
	}
	return out
}

func (d *Document) resolve(r rune, bold bool) (glyph, bool) {
	switch r {
	case '\n':
		return glyph{r: '\n'}, true
	case '\t':
		r = ' '
	case '\r':
		return glyph{}, false
	}
	key := glyphKey{r, bold}
	if g, ok := d.glyphCache[key]; ok {
		return g, g.f != nil
	}
	fs := d.fonts
	order := []*face{fs.sans, fs.cjk}
	if bold {
		order = []*face{fs.sansBold, fs.cjkBold, fs.cjk, fs.sans}
	}
	g := glyph{r: r}
	for _, f := range order {
		if f == nil {
			continue
		}
		if w, ok := f.advance(&d.sfntBuf, r); ok {
			g.f, g.w = f, w
			break
		}
	}
	if g.f == nil && !unicode.IsControl(r) && !unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		fs.warnMissingGlyphs(r)
		base := fs.sans
		if bold {
			base = fs.sansBold
		}
		w, _ := base.advance(&d.sfntBuf, placeholder)
		g = glyph{r: placeholder, f: base, w: w}
	}
	d.glyphCache[key] = g
	return g, g.f != nil
}

// wide reports whether r is a CJK character, which lines may break
// before and after.
func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

// noBreakBefore are characters that must not start a line.
const noBreakBefore = "，。、；：？！）」』】〉》・ー.,;:!?)]}%"

// noBreakAfter are characters that must not end a line.
const noBreakAfter = "（「『【〈《([{"

func width(gs []glyph, size float64) float64 {
	w := 0.0
	for _, g := range gs {
		w += g.w
	}
	return w * size * ptMM
}

func trimSpaces(gs []glyph) []glyph {
	for len(gs) > 0 && gs[len(gs)-1].r == ' ' {
		gs = gs[:len(gs)-1]
	}
	return gs
}

// wrap breaks glyphs into lines no wider than w mm at size pt: at spaces,
// after hyphens and slashes, around CJK characters, at '\n', and inside a
// word only when the word alone is wider than a line. It returns at least
// one (possibly empty) line.
func wrap(gs []glyph, size, w float64) [][]glyph {
	var lines [][]glyph
	var line []glyph
	lw := 0.0
	flush := func() {
		lines = append(lines, trimSpaces(line))
		line, lw = nil, 0
	}
	for start := 0; start < len(gs); {
		if gs[start].f == nil { // hard break
			flush()
			start++
			continue
		}
		end := start + 1
		for end < len(gs) && !breakBetween(gs[end-1], gs[end]) {
			end++
		}
		tok := gs[start:end]
		start = end
		tw, trimmed := width(tok, size), width(trimSpaces(tok), size)
		if lw+trimmed <= w+1e-9 {
			line = append(line, tok...)
			lw += tw
			continue
		}
		if len(trimSpaces(line)) > 0 {
			flush()
		}
		if trimmed <= w+1e-9 {
			line = append(line, tok...)
			lw = tw
			continue
		}
		// A word wider than the line: break between characters.
		for _, g := range tok {
			gw := g.w * size * ptMM
			if lw+gw > w+1e-9 && len(line) > 0 && g.r != ' ' {
				flush()
			}
			line = append(line, g)
			lw += gw
		}
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// breakBetween reports whether a line may break between a and b.
func breakBetween(a, b glyph) bool {
	switch {
	case b.f == nil || a.f == nil:
		return true
	case strings.ContainsRune(noBreakBefore, b.r) || strings.ContainsRune(noBreakAfter, a.r):
		return false
	case a.r == ' ' && b.r != ' ':
		return true
	case a.r == '-' || a.r == '/' || a.r == '‐':
		return unicode.IsLetter(b.r)
	case wide(a.r) || wide(b.r):
		return b.r != ' '
	}
	return false
}

// setFont selects f at size in the PDF, adding the font on first use.
func (d *Document) setFont(f *face, size float64) {
	if d.curFace == f && d.curSize == size {
		return
	}
	styleStr := ""
	if f.bold {
		styleStr = "B"
	}
	if !d.added[f] {
		if err := f.load(); err != nil {
			d.fail(err)
			return
		}
		d.pdf.AddUTF8FontFromBytes(f.name, styleStr, f.data)
		d.added[f] = true
	}
	d.pdf.SetFont(f.name, styleStr, size)
	d.curFace, d.curSize = f, size
}

// drawLine draws one line of glyphs with its baseline at y, starting at x.
func (d *Document) drawLine(gs []glyph, x, y float64, st style) {
	d.pdf.SetTextColor(int(st.color.R), int(st.color.G), int(st.color.B))
	var run []rune
	var runFace *face
	runX := x
	emit := func() {
		if len(run) > 0 && runFace != nil {
			d.setFont(runFace, st.size)
			d.pdf.Text(runX, y, string(run))
		}
		run = run[:0]
	}
	for _, g := range gs {
		if g.f != runFace {
			emit()
			runFace, runX = g.f, x
		}
		run = append(run, g.r)
		x += g.w * st.size * ptMM
	}
	emit()
}

// lineHeight is the distance between baselines at size pt.
func lineHeight(size float64) float64 { return size * ptMM * 1.3 }

// ascent is the distance from the top of a line box to its baseline.
func ascent(size float64) float64 { return size * ptMM * 1.0 }

// Align is the horizontal alignment of text in a box.
type Align int

// Alignments.
const (
	Left Align = iota
	Center
	Right
)

// textBox draws text wrapped into the box of width w at x, starting with
// the top of the first line at y, and returns the height used.
func (d *Document) textBox(s string, x, y, w float64, st style, align Align) float64 {
	lines := wrap(d.glyphs(s, st.bold), st.size, w)
	lh := lineHeight(st.size)
	for i, l := range lines {
		lx := x
		switch align {
		case Center:
			lx = x + (w-width(l, st.size))/2
		case Right:
			lx = x + w - width(l, st.size)
		}
		d.drawLine(l, lx, y+float64(i)*lh+ascent(st.size), st)
	}
	return float64(len(lines)) * lh
}

// measure returns the height textBox would use.
func (d *Document) measure(s string, w float64, st style) float64 {
	return float64(len(wrap(d.glyphs(s, st.bold), st.size, w))) * lineHeight(st.size)
}

// textWidth is the width of s on one line.
func (d *Document) textWidth(s string, st style) float64 {
	return width(d.glyphs(s, st.bold), st.size)
}
