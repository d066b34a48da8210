package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
)

// SVG returns the chart as a standalone SVG image of width × height pixels
// (zero means 640 × 360) that also works inline in HTML: it scales through
// its viewBox, is an accessible image (role img, title and desc), styles
// with presentation attributes (allowed under a strict Content-Security-
// Policy) and CSS classes that a stylesheet may override.
func (c *Chart) SVG(width, height int) []byte {
	var b bytes.Buffer
	c.WriteSVG(&b, width, height) // bytes.Buffer writes do not fail
	return b.Bytes()
}

// WriteSVG writes the chart as SVG (see SVG) to w.
func (c *Chart) WriteSVG(w io.Writer, width, height int) error {
	if width <= 0 {
		width = 640
	}
	if height <= 0 {
		height = 360
	}
	sc := c.Layout(float64(width), float64(height), 12)
	id := c.ID
	if id == "" {
		h := fnv.New32a()
		fmt.Fprintf(h, "%s\x00%s\x00%d", c.Kind, c.Title, len(c.Series))
		for _, s := range c.Series {
			fmt.Fprintf(h, "%s%d", s.Name, len(s.Points))
		}
		id = fmt.Sprintf("chart-%08x", h.Sum32())
	}
	desc := c.Desc
	if desc == "" {
		desc = c.Summary()
	}
	kind := c.Kind
	if kind == "" {
		kind = "line"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12">`+"\n",
		esc(kind), width, height, width, height, esc(id), esc(id))
	title := c.Title
	if title == "" {
		title = "Chart"
	}
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", esc(id), esc(title), esc(id), esc(desc))
	for _, s := range sc.Shapes {
		writeShape(&b, s)
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func writeShape(b *bytes.Buffer, s Shape) {
	paint := func() {
		if s.Kind == ShapeText {
			fmt.Fprintf(b, ` fill="%s"`, s.Fill.Hex())
			return
		}
		if s.Fill != None {
			fmt.Fprintf(b, ` fill="%s"`, s.Fill.Hex())
		} else {
			b.WriteString(` fill="none"`)
		}
		if s.Stroke != None {
			fmt.Fprintf(b, ` stroke="%s" stroke-width="%s"`, s.Stroke.Hex(), num(s.Width))
			if s.Dash {
				fmt.Fprintf(b, ` stroke-dasharray="%s %s"`, num(s.Width*4), num(s.Width*3))
			}
		}
	}
	end := func() {
		if s.Tip != "" {
			fmt.Fprintf(b, "><title>%s</title></%s>\n", esc(s.Tip), tag(s.Kind))
		} else {
			b.WriteString("/>\n")
		}
	}
	switch s.Kind {
	case ShapeLine:
		fmt.Fprintf(b, `<line class="%s" x1="%s" y1="%s" x2="%s" y2="%s"`, esc(s.Class), num(s.Points[0].X), num(s.Points[0].Y), num(s.Points[1].X), num(s.Points[1].Y))
		paint()
		end()
	case ShapePath:
		var d strings.Builder
		for i, p := range s.Points {
			if i == 0 {
				d.WriteString("M")
			} else {
				d.WriteString(" L")
			}
			d.WriteString(num(p.X) + " " + num(p.Y))
		}
		fmt.Fprintf(b, `<path class="%s" d="%s" stroke-linejoin="round"`, esc(s.Class), d.String())
		paint()
		end()
	case ShapeRect:
		fmt.Fprintf(b, `<rect class="%s" x="%s" y="%s" width="%s" height="%s"`, esc(s.Class), num(s.X), num(s.Y), num(s.W), num(s.H))
		paint()
		end()
	case ShapeCircle:
		fmt.Fprintf(b, `<circle class="%s" cx="%s" cy="%s" r="%s"`, esc(s.Class), num(s.X), num(s.Y), num(s.R))
		paint()
		end()
	case ShapeText:
		fmt.Fprintf(b, `<text class="%s" x="%s" y="%s"`, esc(s.Class), num(s.X), num(s.Y))
		switch s.Anchor {
		case Middle:
			b.WriteString(` text-anchor="middle"`)
		case End:
			b.WriteString(` text-anchor="end"`)
		}
		if s.Size != 12 {
			fmt.Fprintf(b, ` font-size="%s"`, num(s.Size))
		}
		if s.Bold {
			b.WriteString(` font-weight="bold"`)
		}
		if s.Rotate {
			fmt.Fprintf(b, ` transform="rotate(-90 %s %s)"`, num(s.X), num(s.Y))
		}
		paint()
		fmt.Fprintf(b, ">%s</text>\n", esc(s.Text))
	}
}

func tag(k ShapeKind) string {
	switch k {
	case ShapeLine:
		return "line"
	case ShapePath:
		return "path"
	case ShapeRect:
		return "rect"
	case ShapeCircle:
		return "circle"
	}
	return "text"
}

// num formats a coordinate with at most two decimals.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

// esc escapes text for XML; invalid characters become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
