package chart

import (
	"fmt"
	"math"
	"strings"
	"unicode"
)

// Color is an opaque RGB colour.
type Color struct{ R, G, B uint8 }

// Hex returns the colour as #rrggbb.
func (c Color) Hex() string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Colours shared by both renderers.
var (
	None    = Color{}
	Ink     = Color{0x22, 0x22, 0x22}
	Muted   = Color{0x66, 0x66, 0x66}
	Grid    = Color{0xe2, 0xe2, 0xe2}
	Red     = Color{0xc6, 0x28, 0x28}
	Green   = Color{0x2e, 0x7d, 0x32}
	Amber   = Color{0xb2, 0x6a, 0x00}
	palette = []Color{{0x1f, 0x5f, 0xbf}, {0xe0, 0x7b, 0x12}, {0x5e, 0x35, 0xb1}, {0x00, 0x89, 0x7b}, {0x8d, 0x6e, 0x63}}
)

// SeriesColor is the colour of the i-th series.
func SeriesColor(i int) Color { return palette[i%len(palette)] }

// ShapeKind is what a Shape draws.
type ShapeKind int

// Shape kinds.
const (
	ShapeLine   ShapeKind = iota // Points[0] to Points[1]
	ShapePath                    // an open polyline through Points
	ShapeRect                    // X, Y (top left), W, H
	ShapeCircle                  // centre X, Y, radius R
	ShapeText                    // Text at X, Y (baseline), Anchor; Rotate turns it -90° about X, Y
)

// Anchor aligns text horizontally on its X.
type Anchor int

// Text anchors.
const (
	Start Anchor = iota
	Middle
	End
)

// XY is a position in scene units, Y downwards.
type XY struct{ X, Y float64 }

// Shape is one drawing primitive with its resolved style.
type Shape struct {
	Kind  ShapeKind
	Class string // CSS classes in SVG, for example "series s0" or "ref limit"
	// Points of a line or path.
	Points []XY
	// Box of a rect, centre of a circle, anchor point of a text.
	X, Y, W, H, R float64
	Text          string
	Anchor        Anchor
	Rotate        bool
	Size          float64 // font size
	Bold          bool
	// Tip is a tooltip (SVG <title>) for a data point or bar.
	Tip string
	// Stroke and Fill: the zero Color (None) means no stroke or no fill.
	// Text uses Fill.
	Stroke, Fill Color
	Width        float64 // stroke width
	Dash         bool
}

// Scene is a chart laid out at a size: what a renderer draws, in order.
type Scene struct {
	W, H   float64
	Shapes []Shape
}

// TextWidth estimates the width of s at a font size: an average for
// proportional Latin text and a full em for wide (CJK) characters. Layout
// only needs it to leave room for labels.
func TextWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case wide(r):
			w += 1.0
		case unicode.IsUpper(r) || unicode.IsDigit(r):
			w += 0.64
		case r == ' ' || r == '.' || r == ',' || r == 'i' || r == 'l':
			w += 0.32
		default:
			w += 0.56
		}
	}
	return w * size
}

func wide(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef)
}

type scale struct {
	min, max, lo, hi float64 // data range -> pixel range
}

func (s scale) at(v float64) float64 {
	if s.max == s.min {
		return (s.lo + s.hi) / 2
	}
	return s.lo + (v-s.min)/(s.max-s.min)*(s.hi-s.lo)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// axisRange collects the data range an axis must show.
type axisRange struct {
	lo, hi float64
	any    bool
}

func (r *axisRange) add(v float64) {
	if !finite(v) {
		return
	}
	if !r.any {
		r.lo, r.hi, r.any = v, v, true
		return
	}
	r.lo, r.hi = math.Min(r.lo, v), math.Max(r.hi, v)
}

type axisPlan struct {
	ticks      []float64
	min, max   float64
	step       float64
	labels     []string
	labelWidth float64
}

func planAxis(a *Axis, r axisRange, n int, size float64) axisPlan {
	var p axisPlan
	switch {
	case a.Fixed:
		p.ticks, p.min, p.max, p.step = Ticks(a.Min, a.Max, n, true)
	case r.any:
		p.ticks, p.min, p.max, p.step = Ticks(r.lo, r.hi, n, false)
	default:
		p.ticks, p.min, p.max, p.step = Ticks(0, 1, n, false)
	}
	for _, t := range p.ticks {
		l := tickLabel(t, p.step, a.Percent)
		p.labels = append(p.labels, l)
		p.labelWidth = math.Max(p.labelWidth, TextWidth(l, size))
	}
	return p
}

// Layout places the chart in a w × h scene with text of the given font
// size (all in the renderer's units: pixels for SVG, points for PDF).
func (c *Chart) Layout(w, h, size float64) Scene {
	sc := Scene{W: w, H: h}
	add := func(s Shape) { sc.Shapes = append(sc.Shapes, s) }
	text := func(class, t string, x, y float64, anchor Anchor, col Color) Shape {
		return Shape{Kind: ShapeText, Class: class, Text: t, X: x, Y: y, Anchor: anchor, Size: size, Fill: col}
	}
	pad := size * 0.8
	line := size * 1.4
	cat := len(c.X.Categories) > 0

	// Ranges from the data, reference lines and markers.
	var xr, yr, y2r axisRange
	hasBars := false
	for _, s := range c.Series {
		r := &yr
		if s.Y2 {
			r = &y2r
		}
		for _, p := range s.Points {
			if !finite(p.Y) || !finite(p.X) {
				continue
			}
			xr.add(p.X)
			r.add(p.Y)
		}
		if s.Kind == Bars && !s.Y2 {
			hasBars = true
		}
	}
	if hasBars {
		yr.add(0)
		if yr.hi > 0 {
			yr.add(yr.hi * 1.08) // headroom for the value above the highest bar
		}
	}
	for _, ref := range c.Refs {
		switch {
		case ref.Vertical:
			xr.add(ref.Value)
		case ref.Y2:
			y2r.add(ref.Value)
		default:
			yr.add(ref.Value)
		}
	}
	for _, m := range c.Markers {
		xr.add(m.X)
		yr.add(m.Y)
	}
	data := false
	for _, s := range c.Series {
		for _, p := range s.Points {
			if finite(p.X) && finite(p.Y) {
				data = true
			}
		}
	}

	// Vertical budget: title, legend, plot, tick labels, axis label.
	top := pad
	if c.Title != "" {
		top += line * 1.15
	}
	legend := c.legend()
	if len(legend) > 0 {
		top += line
	}
	top += size * 0.5 // room for the top tick label
	bottom := pad + line
	if c.X.Label != "" {
		bottom += line
	}
	nY := int(math.Max(3, math.Min(8, (h-top-bottom)/(size*3))))
	yp := planAxis(&c.Y, yr, nY, size)
	left := pad + yp.labelWidth + size*0.6
	if c.Y.Label != "" {
		left += line
	}
	right := pad + size
	// Without a secondary axis, labels of horizontal reference lines go in
	// the right margin, clear of the data.
	refsOutside := false
	if c.Y2 == nil {
		for _, ref := range c.Refs {
			if !ref.Vertical && ref.Label != "" {
				refsOutside = true
				right = math.Max(right, pad+TextWidth(ref.Label, size)+size*0.4)
			}
		}
	}
	var y2p axisPlan
	if c.Y2 != nil {
		y2p = planAxis(c.Y2, y2r, nY, size)
		right = pad + y2p.labelWidth + size*0.6
		if c.Y2.Label != "" {
			right += line
		}
	}
	px0, px1 := left, w-right
	py0, py1 := top, h-bottom
	if px1-px0 < size*4 {
		px1 = px0 + size*4
	}
	if py1-py0 < size*3 {
		py1 = py0 + size*3
	}
	ys := scale{yp.min, yp.max, py1, py0}
	y2s := scale{y2p.min, y2p.max, py1, py0}

	// X scale: bands for categories, nice ticks for numbers.
	var xs scale
	var xp axisPlan
	band := 0.0
	if cat {
		n := float64(len(c.X.Categories))
		band = (px1 - px0) / n
		xs = scale{-0.5, n - 0.5, px0, px1}
	} else {
		nX := int(math.Max(3, math.Min(10, (px1-px0)/(size*6))))
		xp = planAxis(&c.X, xr, nX, size)
		xs = scale{xp.min, xp.max, px0, px1}
	}

	// Background, title and legend.
	add(Shape{Kind: ShapeRect, Class: "bg", X: 0, Y: 0, W: w, H: h, Fill: Color{0xff, 0xff, 0xff}})
	if c.Title != "" {
		t := text("title", c.Title, pad, pad+size*1.1, Start, Ink)
		t.Size, t.Bold = size*1.15, true
		add(t)
	}
	if len(legend) > 0 {
		x := pad
		ly := top - size*0.5 - line*0.35
		for _, it := range legend {
			if it.bar {
				add(Shape{Kind: ShapeRect, Class: "legend-key " + it.class, X: x, Y: ly - size*0.7, W: size * 0.9, H: size * 0.7, Fill: it.color})
			} else {
				add(Shape{Kind: ShapeLine, Class: "legend-key " + it.class, Points: []XY{{x, ly - size*0.35}, {x + size*0.9, ly - size*0.35}}, Stroke: it.color, Width: size * 0.16})
			}
			add(text("legend", it.name, x+size*1.3, ly, Start, Ink))
			x += size*2.3 + TextWidth(it.name, size)
		}
	}

	// Grid and Y tick labels.
	for i, t := range yp.ticks {
		y := ys.at(t)
		add(Shape{Kind: ShapeLine, Class: "grid", Points: []XY{{px0, y}, {px1, y}}, Stroke: Grid, Width: size * 0.06})
		add(text("tick", yp.labels[i], px0-size*0.4, y+size*0.35, End, Muted))
	}
	if c.Y2 != nil {
		for i, t := range y2p.ticks {
			add(text("tick y2", y2p.labels[i], px1+size*0.4, y2s.at(t)+size*0.35, Start, Muted))
		}
	}
	// X ticks.
	if cat {
		every := 1
		widest := 0.0
		for _, l := range c.X.Categories {
			widest = math.Max(widest, TextWidth(l, size))
		}
		if widest+size*0.5 > band {
			every = int(math.Ceil((widest + size*0.5) / band))
		}
		for i, l := range c.X.Categories {
			if i%every != 0 {
				continue
			}
			x := xs.at(float64(i))
			add(Shape{Kind: ShapeLine, Class: "tick-mark", Points: []XY{{x, py1}, {x, py1 + size*0.3}}, Stroke: Muted, Width: size * 0.06})
			add(text("tick", l, x, py1+size*1.25, Middle, Muted))
		}
	} else {
		for i, t := range xp.ticks {
			x := xs.at(t)
			add(Shape{Kind: ShapeLine, Class: "grid", Points: []XY{{x, py0}, {x, py1}}, Stroke: Grid, Width: size * 0.06})
			add(text("tick", xp.labels[i], x, py1+size*1.25, Middle, Muted))
		}
	}
	// Axis lines and labels.
	add(Shape{Kind: ShapeLine, Class: "axis", Points: []XY{{px0, py0}, {px0, py1}}, Stroke: Muted, Width: size * 0.08})
	add(Shape{Kind: ShapeLine, Class: "axis", Points: []XY{{px0, py1}, {px1, py1}}, Stroke: Muted, Width: size * 0.08})
	if c.Y2 != nil {
		add(Shape{Kind: ShapeLine, Class: "axis", Points: []XY{{px1, py0}, {px1, py1}}, Stroke: Muted, Width: size * 0.08})
	}
	if c.X.Label != "" {
		add(text("axis-label", c.X.Label, (px0+px1)/2, h-pad, Middle, Ink))
	}
	if c.Y.Label != "" {
		t := text("axis-label", c.Y.Label, pad+size, (py0+py1)/2, Middle, Ink)
		t.Rotate = true
		add(t)
	}
	if c.Y2 != nil && c.Y2.Label != "" {
		t := text("axis-label", c.Y2.Label, w-pad, (py0+py1)/2, Middle, Ink)
		t.Rotate = true
		add(t)
	}
	if !data {
		add(text("empty", "No data", (px0+px1)/2, (py0+py1)/2, Middle, Muted))
	}

	// Series: bars first, then lines and dots on top.
	nBars := 0
	for _, s := range c.Series {
		if s.Kind == Bars {
			nBars++
		}
	}
	bi := 0
	for si, s := range c.Series {
		if s.Kind != Bars {
			continue
		}
		col := SeriesColor(si)
		yscale := ys
		if s.Y2 {
			yscale = y2s
		}
		bw := (px1 - px0) / 20
		if cat {
			bw = band * 0.7 / float64(nBars)
		}
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			x := xs.at(p.X) - bw*float64(nBars)/2 + bw*float64(bi)
			y0, y1 := yscale.at(0), yscale.at(p.Y)
			class := fmt.Sprintf("bar s%d", si)
			fill := col
			if p.Highlight {
				class += " out"
				fill = Red
			}
			add(Shape{Kind: ShapeRect, Class: class, X: x, Y: math.Min(y0, y1), W: bw, H: math.Abs(y1 - y0), Fill: fill, Tip: c.tip(p, s.Y2)})
			if nBars == 1 && bw >= TextWidth(FormatValue(p.Y), size*0.85) {
				t := text("value", FormatValue(p.Y), x+bw/2, math.Min(y0, y1)-size*0.3, Middle, Ink)
				t.Size = size * 0.85
				add(t)
			}
		}
		bi++
	}
	for si, s := range c.Series {
		if s.Kind == Bars {
			continue
		}
		col := SeriesColor(si)
		yscale := ys
		if s.Y2 {
			yscale = y2s
		}
		if s.Kind == Line {
			var seg []XY
			flush := func() {
				if len(seg) > 1 {
					add(Shape{Kind: ShapePath, Class: fmt.Sprintf("line s%d", si), Points: seg, Stroke: col, Width: size * 0.16})
				}
				seg = nil
			}
			for _, p := range s.Points {
				if !finite(p.X) || !finite(p.Y) {
					flush()
					continue
				}
				seg = append(seg, XY{xs.at(p.X), yscale.at(p.Y)})
			}
			flush()
		}
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			if s.Kind == Dots || s.Marks || p.Highlight {
				class, fill, r := fmt.Sprintf("dot s%d", si), col, size*0.25
				if p.Highlight {
					class, fill, r = class+" out", Red, size*0.4
				}
				add(Shape{Kind: ShapeCircle, Class: class, X: xs.at(p.X), Y: yscale.at(p.Y), R: r, Fill: fill, Tip: c.tip(p, s.Y2)})
			}
		}
	}

	// Reference lines, labelled at their right (or top) end.
	for _, ref := range c.Refs {
		col, dash, class := Muted, true, "ref target"
		switch ref.Role {
		case RoleCentre:
			col, dash, class = Green, false, "ref centre"
		case RoleLimit:
			col, dash, class = Red, true, "ref limit"
		}
		if ref.Vertical {
			x := xs.at(ref.Value)
			add(Shape{Kind: ShapeLine, Class: class, Points: []XY{{x, py0}, {x, py1}}, Stroke: col, Width: size * 0.1, Dash: dash})
			if ref.Label != "" {
				add(text("ref-label", ref.Label, x+size*0.3, py0+size, Start, col))
			}
			continue
		}
		yscale := ys
		if ref.Y2 {
			yscale = y2s
		}
		y := yscale.at(ref.Value)
		add(Shape{Kind: ShapeLine, Class: class, Points: []XY{{px0, y}, {px1, y}}, Stroke: col, Width: size * 0.1, Dash: dash})
		switch {
		case ref.Label == "":
		case refsOutside:
			add(text("ref-label", ref.Label, px1+size*0.4, y+size*0.35, Start, col))
		default:
			add(text("ref-label", ref.Label, px1-size*0.3, y-size*0.3, End, col))
		}
	}

	// Markers with guides to the axes and a label up and to the right.
	for _, m := range c.Markers {
		if !finite(m.X) || !finite(m.Y) {
			continue
		}
		x, y := xs.at(m.X), ys.at(m.Y)
		if m.Guides {
			add(Shape{Kind: ShapeLine, Class: "guide", Points: []XY{{x, y}, {x, py1}}, Stroke: Red, Width: size * 0.08, Dash: true})
			add(Shape{Kind: ShapeLine, Class: "guide", Points: []XY{{px0, y}, {x, y}}, Stroke: Red, Width: size * 0.08, Dash: true})
		}
		add(Shape{Kind: ShapeCircle, Class: "marker", X: x, Y: y, R: size * 0.35, Fill: Red,
			Tip: fmt.Sprintf("%s: %s, %s", m.Label, c.valueText(&c.X, m.X), c.valueText(&c.Y, m.Y))})
		if m.Label != "" {
			lx, anchor := x+size*0.6, Start
			if lx+TextWidth(m.Label, size) > px1 {
				lx, anchor = x-size*0.6, End
			}
			add(text("marker-label", m.Label, lx, y-size*0.5, anchor, Red))
		}
	}
	return sc
}

type legendItem struct {
	name, class string
	color       Color
	bar         bool
}

// legend lists the named series when there is more than one.
func (c *Chart) legend() []legendItem {
	if len(c.Series) < 2 {
		return nil
	}
	var out []legendItem
	for i, s := range c.Series {
		if s.Name == "" {
			continue
		}
		out = append(out, legendItem{name: s.Name, class: fmt.Sprintf("s%d", i), color: SeriesColor(i), bar: s.Kind == Bars})
	}
	return out
}

// valueText formats v as the axis shows it.
func (c *Chart) valueText(a *Axis, v float64) string {
	if len(a.Categories) > 0 {
		if i := int(v); float64(i) == v && i >= 0 && i < len(a.Categories) {
			return a.Categories[i]
		}
	}
	if a.Percent {
		return FormatValue(v*100) + "%"
	}
	return FormatValue(v)
}

func (c *Chart) tip(p Point, y2 bool) string {
	ya := &c.Y
	if y2 && c.Y2 != nil {
		ya = c.Y2
	}
	x := p.Label
	if x == "" {
		x = c.valueText(&c.X, p.X)
	}
	return x + ": " + c.valueText(ya, p.Y)
}

// Summary is a plain-text description of the chart for readers who cannot
// see it: kind, series and their ranges, reference lines and markers.
func (c *Chart) Summary() string {
	var b strings.Builder
	kind := c.Kind
	if kind == "" {
		kind = "chart"
	}
	fmt.Fprintf(&b, "%s chart", strings.ToUpper(kind[:1])+kind[1:])
	if c.Title != "" {
		fmt.Fprintf(&b, ": %s", c.Title)
	}
	b.WriteString(".")
	for _, s := range c.Series {
		n := 0
		var r axisRange
		for _, p := range s.Points {
			if finite(p.Y) {
				n++
				r.add(p.Y)
			}
		}
		name := s.Name
		if name == "" {
			name = "values"
		}
		ya := &c.Y
		if s.Y2 && c.Y2 != nil {
			ya = c.Y2
		}
		if n == 0 {
			fmt.Fprintf(&b, " %s: no data.", name)
			continue
		}
		fmt.Fprintf(&b, " %s: %d points from %s to %s.", name, n, c.valueText(ya, r.lo), c.valueText(ya, r.hi))
	}
	for _, ref := range c.Refs {
		if ref.Label != "" {
			fmt.Fprintf(&b, " Line %s.", ref.Label)
		}
	}
	for _, m := range c.Markers {
		fmt.Fprintf(&b, " %s at %s, %s.", m.Label, c.valueText(&c.X, m.X), c.valueText(&c.Y, m.Y))
	}
	if n := len(c.Highlighted()); n > 0 {
		fmt.Fprintf(&b, " %d highlighted points.", n)
	}
	return b.String()
}
