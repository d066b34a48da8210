package sampling

import "qms/internal/chart"

// OCChart returns the chart of an OC curve (Pa against p, points sorted by
// p) with a marker on the curve at each mark. Under the Poisson model p is
// nonconformities per unit; otherwise the fraction nonconforming, shown as
// per cent.
func OCChart(title string, curve []OCPoint, m Model, marks []chart.OCMark) *chart.Chart {
	pts := make([]chart.Point, len(curve))
	for i, o := range curve {
		pts[i] = chart.Point{X: o.P, Y: o.Pa}
	}
	c := chart.OCCurve(title, pts, marks)
	if m == Poisson {
		c.X.Percent = false
		c.X.Label = "Process quality p (nonconformities per unit)"
	}
	return c
}
