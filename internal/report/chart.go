package report

import (
	"qms/internal/chart"
)

// chartFontSize is the size of chart text in points.
const chartFontSize = 7.5

// Chart adds a chart across the content width, height mm tall (80 when
// 0), drawn with PDF vector primitives from the same layout as its SVG.
func (d *Document) Chart(c *chart.Chart, height float64) {
	if height <= 0 {
		height = 80
	}
	d.ensure(height + 2)
	d.drawScene(c.Layout(contentW/ptMM, height/ptMM, chartFontSize), marginX, d.y)
	d.y += height + 3
}

// drawScene draws a scene laid out in points with its top left at x0, y0 mm.
func (d *Document) drawScene(sc chart.Scene, x0, y0 float64) {
	p := d.pdf
	X := func(u float64) float64 { return x0 + u*ptMM }
	Y := func(u float64) float64 { return y0 + u*ptMM }
	stroke := func(s chart.Shape) {
		d.setDraw(s.Stroke)
		p.SetLineWidth(s.Width * ptMM)
		if s.Dash {
			p.SetDashPattern([]float64{s.Width * 4 * ptMM, s.Width * 3 * ptMM}, 0)
		}
	}
	undash := func(s chart.Shape) {
		if s.Dash {
			p.SetDashPattern(nil, 0)
		}
	}
	for _, s := range sc.Shapes {
		switch s.Kind {
		case chart.ShapeRect:
			styleStr := ""
			if s.Fill != chart.None {
				d.setFill(s.Fill)
				styleStr += "F"
			}
			if s.Stroke != chart.None {
				stroke(s)
				styleStr += "D"
			}
			if styleStr != "" {
				p.Rect(X(s.X), Y(s.Y), s.W*ptMM, s.H*ptMM, styleStr)
			}
			undash(s)
		case chart.ShapeLine:
			stroke(s)
			p.Line(X(s.Points[0].X), Y(s.Points[0].Y), X(s.Points[1].X), Y(s.Points[1].Y))
			undash(s)
		case chart.ShapePath:
			stroke(s)
			p.SetLineJoinStyle("round")
			for i, pt := range s.Points {
				if i == 0 {
					p.MoveTo(X(pt.X), Y(pt.Y))
				} else {
					p.LineTo(X(pt.X), Y(pt.Y))
				}
			}
			p.DrawPath("D")
			p.SetLineJoinStyle("miter")
			undash(s)
		case chart.ShapeCircle:
			d.setFill(s.Fill)
			p.Circle(X(s.X), Y(s.Y), s.R*ptMM, "F")
		case chart.ShapeText:
			st := style{size: s.Size, bold: s.Bold, color: s.Fill}
			gs := d.glyphs(s.Text, s.Bold)
			w := width(gs, st.size)
			dx := 0.0
			switch s.Anchor {
			case chart.Middle:
				dx = -w / 2
			case chart.End:
				dx = -w
			}
			if s.Rotate {
				p.TransformBegin()
				p.TransformRotate(90, X(s.X), Y(s.Y))
				d.drawLine(gs, X(s.X)+dx, Y(s.Y), st)
				p.TransformEnd()
				d.curFace = nil // Q restored the font in force before q
				continue
			}
			d.drawLine(gs, X(s.X)+dx, Y(s.Y), st)
		}
	}
}
