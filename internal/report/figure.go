package report

import "qms/internal/chart"

// Figure is a drawing that lays itself out at a size: a chart.Chart or a
// chart.Ishikawa.
type Figure interface {
	Layout(w, h, size float64) chart.Scene
}

// Figure adds a figure across the content width, height mm tall (80 when
// 0), drawn with PDF vector primitives from the same layout as its SVG.
func (d *Document) Figure(f Figure, height float64) {
	if height <= 0 {
		height = 80
	}
	d.ensure(height + 2)
	d.drawScene(f.Layout(contentW/ptMM, height/ptMM, chartFontSize), marginX, d.y)
	d.y += height + 3
}
