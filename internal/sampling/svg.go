package sampling

import (
	"bytes"
	"fmt"
	"html"
	"math"
)

// SVGMark is a quality marked on an OC curve (for example the AQL or the
// consumer's risk point).
type SVGMark struct {
	P     float64
	Label string
}

// SVGOptions configure OCCurveSVG. Zero sizes mean 640 x 400.
type SVGOptions struct {
	Title         string
	Width, Height int
	Marks         []SVGMark
}

// OCCurveSVG draws Pa against p for points sorted by p, as a standalone
// SVG image, with a dashed line and a dot at each mark.
func OCCurveSVG(curve []OCPoint, opt SVGOptions) []byte {
	w, h := opt.Width, opt.Height
	if w <= 0 {
		w = 640
	}
	if h <= 0 {
		h = 400
	}
	const left, right, top, bottom = 60.0, 20.0, 36.0, 46.0
	pw, ph := float64(w)-left-right, float64(h)-top-bottom
	pmax := 0.0
	for _, o := range curve {
		pmax = math.Max(pmax, o.P)
	}
	for _, m := range opt.Marks {
		pmax = math.Max(pmax, m.P)
	}
	if pmax <= 0 {
		pmax = 1
	}
	x := func(p float64) float64 { return left + pw*p/pmax }
	y := func(pa float64) float64 { return top + ph*(1-pa) }
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	if opt.Title != "" {
		fmt.Fprintf(&b, `<text x="%g" y="20" font-size="14">%s</text>`+"\n", left, html.EscapeString(opt.Title))
	}
	// Axes and grid.
	for i := 0; i <= 10; i++ {
		pa := float64(i) / 10
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, y(pa), left+pw, y(pa))
		if i%2 == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%.1f</text>`+"\n", left-6, y(pa)+4, pa)
		}
	}
	for i := 0; i <= 5; i++ {
		p := pmax * float64(i) / 5
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%.4g</text>`+"\n", x(p), top+ph+16, p)
	}
	fmt.Fprintf(&b, `<path d="M%.1f %.1f V%.1f H%.1f" fill="none" stroke="black"/>`+"\n", left, top, top+ph, left+pw)
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">quality p</text>`+"\n", left+pw/2, h-8)
	fmt.Fprintf(&b, `<text x="14" y="%.1f" transform="rotate(-90 14 %.1f)" text-anchor="middle">probability of acceptance Pa</text>`+"\n", top+ph/2, top+ph/2)
	// Curve.
	if len(curve) > 0 {
		b.WriteString(`<path fill="none" stroke="#1f5fbf" stroke-width="2" d="`)
		for i, o := range curve {
			cmd := 'L'
			if i == 0 {
				cmd = 'M'
			}
			fmt.Fprintf(&b, "%c%.1f %.1f ", cmd, x(o.P), y(o.Pa))
		}
		b.WriteString("\"/>\n")
	}
	// Marks, with Pa interpolated on the curve.
	for _, m := range opt.Marks {
		pa := interpolatePa(curve, m.P)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", x(m.P), top, x(m.P), top+ph)
		if !math.IsNaN(pa) {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#c33"/>`+"\n", x(m.P), y(pa))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#c33">%s</text>`+"\n", x(m.P)+4, top+12, html.EscapeString(m.Label))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// interpolatePa returns Pa at p by linear interpolation of the curve, or NaN
// outside it.
func interpolatePa(curve []OCPoint, p float64) float64 {
	for i := 1; i < len(curve); i++ {
		a, c := curve[i-1], curve[i]
		if p >= a.P && p <= c.P {
			if c.P == a.P {
				return a.Pa
			}
			return a.Pa + (c.Pa-a.Pa)*(p-a.P)/(c.P-a.P)
		}
	}
	return math.NaN()
}
