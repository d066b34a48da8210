package chart

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strings"
	"unicode"
)

// Ishikawa is a cause-and-effect (fishbone) diagram: the effect in the
// head on the right, a spine, and one bone per category (the 6M: man,
// machine, method, material, measurement, environment) with its causes
// written along it. Every bone is drawn, with or without causes. Like a
// Chart it lays out into a Scene that the SVG renderer (SVG, WriteSVG) and
// internal/report draw alike.
type Ishikawa struct {
	// ID prefixes the ids of the SVG title and description; derived from
	// the title and effect when empty.
	ID     string
	Title  string
	Effect string
	// Bones are drawn left to right, the first half above the spine, the
	// rest below.
	Bones []Bone
}

// Bone is one category of causes.
type Bone struct {
	Label  string
	Causes []Cause
}

// Cause is one possible cause on a bone, with its sub-causes.
type Cause struct {
	Text string
	Sub  []string
	// Check says whether data confirmed the cause, ruled it out, or has
	// not checked it yet.
	Check CauseCheck
}

// CauseCheck is what the data said about a cause.
type CauseCheck int

// Cause checks.
const (
	Unchecked CauseCheck = iota
	Confirmed            // drawn bold green with a tick
	RuledOut             // drawn grey with a cross
)

// boldFactor is how much wider bold text is than TextWidth's estimate.
const boldFactor = 1.12

// ishikawaLine is one line of text of a bone.
type ishikawaLine struct {
	text  string
	class string
	col   Color
	bold  bool
	sub   bool
	first bool // the first line of a cause, which gets the twig
}

// Layout places the diagram in a w × h scene with text of the given font
// size (pixels for SVG, points for PDF). Text that does not fit is wrapped,
// and the causes that still do not fit on a bone are summarised as "+N
// more".
func (d *Ishikawa) Layout(w, h, size float64) Scene {
	sc := Scene{W: w, H: h}
	add := func(s Shape) { sc.Shapes = append(sc.Shapes, s) }
	pad := size
	line := size * 1.3
	small := size * 0.9
	top := pad
	if d.Title != "" {
		add(Shape{Kind: ShapeText, Class: "title", Text: d.Title, X: pad, Y: top + size, Size: size * 1.15, Bold: true, Fill: Ink})
		top += line * 1.4
	}
	bottom := h - pad

	// The head: the effect, wrapped in a box at the right end of the spine.
	headW := math.Min(math.Max(w*0.2, size*8), size*14)
	headX := w - pad - headW
	spineY := top + (bottom-top)/2
	effect := d.Effect
	if strings.TrimSpace(effect) == "" {
		effect = "Effect"
	}
	maxHead := max(1, int((bottom-top)*0.7/line))
	head := wrapText(effect, (headW-size*1.6)/boldFactor, size, maxHead)
	headH := float64(len(head))*line + size*0.8
	add(Shape{Kind: ShapeRect, Class: "head", X: headX, Y: spineY - headH/2, W: headW, H: headH, Stroke: Ink, Fill: Color{0xfd, 0xec, 0xea}, Width: size / 8})
	for i, l := range head {
		y := spineY - headH/2 + size*0.4 + line*float64(i) + size
		add(Shape{Kind: ShapeText, Class: "effect", Text: l, X: headX + headW/2, Y: y, Anchor: Middle, Size: size, Bold: true, Fill: Ink})
	}
	// The spine, with an arrow head at the effect.
	x0 := pad
	add(Shape{Kind: ShapeLine, Class: "spine", Points: []XY{{x0, spineY}, {headX, spineY}}, Stroke: Ink, Width: size / 5})
	add(Shape{Kind: ShapePath, Class: "spine", Points: []XY{{headX - size*0.7, spineY - size*0.45}, {headX, spineY}, {headX - size*0.7, spineY + size*0.45}}, Stroke: Ink, Width: size / 5})

	nTop := (len(d.Bones) + 1) / 2
	nBottom := len(d.Bones) - nTop
	cols := max(nTop, nBottom, 1)
	colW := (headX - size - x0) / float64(cols)
	labelH := line + size*0.3
	for i, b := range d.Bones {
		above := i < nTop
		col := i
		if !above {
			col = i - nTop
		}
		left := x0 + colW*float64(col)
		tipX := left + colW*0.6 // the bone's outer end, under its label
		spineX := left + colW*0.95
		var labelY, boneEnd, zoneFrom, zoneTo float64
		if above {
			labelY = top
			boneEnd = top + labelH
			zoneFrom, zoneTo = boneEnd+size*0.3, spineY-size*0.6
		} else {
			labelY = bottom - labelH
			boneEnd = labelY
			zoneFrom, zoneTo = spineY+size*0.6, boneEnd-size*0.3
		}
		labelW := math.Min(colW*0.8-size, TextWidth(b.Label, size)*boldFactor+size*1.2)
		add(Shape{Kind: ShapeRect, Class: "category", X: tipX - labelW/2, Y: labelY, W: labelW, H: labelH, Stroke: SeriesColor(0), Fill: Color{0xe8, 0xf0, 0xfb}, Width: size / 10})
		add(Shape{Kind: ShapeText, Class: "category-label", Text: ellipsize(b.Label, (labelW-size*0.6)/boldFactor, size), X: tipX, Y: labelY + labelH/2 + size*0.35, Anchor: Middle, Size: size, Bold: true, Fill: Ink})
		add(Shape{Kind: ShapeLine, Class: "bone", Points: []XY{{tipX, boneEnd}, {spineX, spineY}}, Stroke: SeriesColor(0), Width: size / 7})

		// The bone's x at a height y.
		boneX := func(y float64) float64 { return tipX + (spineX-tipX)*(y-boneEnd)/(spineY-boneEnd) }
		// The narrowest room for text left of the bone within the zone.
		room := math.Min(boneX(zoneFrom), boneX(zoneTo)) - left - size*0.9
		var lines []ishikawaLine
		for _, c := range b.Causes {
			t, class, colr, bold := c.Text, "cause", Ink, false
			switch c.Check {
			case Confirmed:
				t, class, colr, bold = "✓ "+t, "cause confirmed", Green, true
			case RuledOut:
				t, class, colr = "✗ "+t, "cause ruled-out", Muted
			}
			w := room
			if bold {
				w /= boldFactor
			}
			for k, l := range wrapText(t, w, size, 4) {
				lines = append(lines, ishikawaLine{text: l, class: class, col: colr, bold: bold, first: k == 0})
			}
			for _, s := range c.Sub {
				for _, l := range wrapText("– "+s, room-size, small, 2) {
					lines = append(lines, ishikawaLine{text: l, class: "sub-cause", col: Muted, sub: true})
				}
			}
		}
		fit := max(0, int((zoneTo-zoneFrom)/line))
		if len(lines) > fit && fit > 0 {
			more := 0
			for _, l := range lines[fit-1:] {
				if !l.sub {
					more++
				}
			}
			lines = append(lines[:fit-1], ishikawaLine{text: fmt.Sprintf("+%d more", max(more, 1)), class: "more", col: Muted})
		} else if fit == 0 {
			lines = nil
		}
		// Lines are written from the zone's start, a twig to the bone
		// under each cause.
		for j, l := range lines {
			y := zoneFrom + line*float64(j) + size
			bx := boneX(y - size*0.35)
			sz := size
			x := bx - size*0.5
			if l.sub {
				sz = small
				x -= size
			} else if l.first {
				add(Shape{Kind: ShapeLine, Class: "twig", Points: []XY{{bx - size*0.45, y - size*0.35}, {bx, y - size*0.35}}, Stroke: Muted, Width: size / 12})
			}
			add(Shape{Kind: ShapeText, Class: l.class, Text: l.text, X: x, Y: y, Anchor: End, Size: sz, Bold: l.bold, Fill: l.col})
		}
	}
	return sc
}

// wrapText breaks s into lines no wider than width at a font size, at
// spaces or beside wide (CJK) characters, at most maxLines lines (the last
// ends with an ellipsis when text is left over).
func wrapText(s string, width, size float64, maxLines int) []string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || maxLines <= 0 {
		return nil
	}
	// lastBreak is where cur may be cut: before a space, or before or
	// after a wide rune.
	lastBreak := func(cur []rune) int {
		for i := len(cur) - 1; i > 0; i-- {
			if cur[i] == ' ' || wide(cur[i]) || wide(cur[i-1]) {
				return i
			}
		}
		return 0
	}
	var lines []string
	var cur []rune
	for _, r := range s {
		cur = append(cur, r)
		for len(cur) > 1 && TextWidth(string(cur), size) > width {
			cut := lastBreak(cur)
			if cut == 0 {
				cut = len(cur) - 1
			}
			lines = append(lines, strings.TrimRightFunc(string(cur[:cut]), unicode.IsSpace))
			cur = []rune(strings.TrimLeftFunc(string(cur[cut:]), unicode.IsSpace))
		}
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	if len(lines) > maxLines {
		rest := strings.Join(lines[maxLines-1:], " ")
		lines = append(lines[:maxLines-1], ellipsize(rest, width, size))
	}
	return lines
}

// ellipsize shortens s with an ellipsis to fit width at a font size.
func ellipsize(s string, width, size float64) string {
	if TextWidth(s, size) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && TextWidth(string(r)+"…", size) > width {
		r = r[:len(r)-1]
	}
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
}

// Summary is the diagram as text, for the SVG description and screen
// readers: the effect, then each category with its causes.
func (d *Ishikawa) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Cause-and-effect diagram of %q.", d.Effect)
	for _, bone := range d.Bones {
		fmt.Fprintf(&b, " %s: ", bone.Label)
		if len(bone.Causes) == 0 {
			b.WriteString("no causes.")
			continue
		}
		for i, c := range bone.Causes {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(c.Text)
			switch c.Check {
			case Confirmed:
				b.WriteString(" (confirmed)")
			case RuledOut:
				b.WriteString(" (ruled out)")
			}
			if len(c.Sub) > 0 {
				b.WriteString(" (" + strings.Join(c.Sub, ", ") + ")")
			}
		}
		b.WriteString(".")
	}
	return b.String()
}

// SVG returns the diagram as a standalone SVG image of width × height
// pixels (zero means 900 × 420), accessible and styled like a chart's.
func (d *Ishikawa) SVG(width, height int) []byte {
	var b bytes.Buffer
	d.WriteSVG(&b, width, height) // bytes.Buffer writes do not fail
	return b.Bytes()
}

// WriteSVG writes the diagram as SVG (see SVG) to w.
func (d *Ishikawa) WriteSVG(w io.Writer, width, height int) error {
	if width <= 0 {
		width = 900
	}
	if height <= 0 {
		height = 420
	}
	sc := d.Layout(float64(width), float64(height), 12)
	id := d.ID
	if id == "" {
		h := fnv.New32a()
		fmt.Fprintf(h, "ishikawa\x00%s\x00%s\x00%d", d.Title, d.Effect, len(d.Bones))
		id = fmt.Sprintf("ishikawa-%08x", h.Sum32())
	}
	title := d.Title
	if title == "" {
		title = "Cause-and-effect diagram"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-ishikawa" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">`+"\n",
		width, height, width, height, esc(id), esc(id))
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", esc(id), esc(title), esc(id), esc(d.Summary()))
	for _, s := range sc.Shapes {
		writeShape(&b, s)
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}
