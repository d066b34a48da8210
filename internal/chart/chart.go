// Package chart provides one chart model (series of points on axes with nice
// ticks, reference lines and labelled markers), builders for the charts qms
// draws (OC curve, trend, bar, Pareto, control chart), a renderer-neutral
// layout (Scene) and an SVG renderer. internal/report draws the same Scene
// into PDFs. The package is pure: no I/O beyond the io.Writer it is given,
// and it imports only the standard library.
package chart

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Point is one data point. On a categorical axis X is the category index.
type Point struct {
	X, Y float64
	// Label names the point in tooltips and text summaries (optional).
	Label string
	// Highlight marks a notable point, such as one out of control.
	Highlight bool
}

// SeriesKind says how a series is drawn.
type SeriesKind int

// Series kinds.
const (
	Line SeriesKind = iota // a polyline; non-finite Y values leave a gap
	Bars                   // one bar per point, from zero
	Dots                   // points only
)

// Series is a named set of points.
type Series struct {
	Name   string
	Kind   SeriesKind
	Points []Point
	// Y2 plots the series against the secondary (right) axis.
	Y2 bool
	// Marks draws a dot at every point of a line.
	Marks bool
}

// Axis describes one axis. Its range comes from the data unless Fixed.
type Axis struct {
	Label string
	// Min and Max are the range when Fixed is set.
	Min, Max float64
	Fixed    bool
	// Percent shows values (fractions) as per cent: 0.25 is "25%".
	Percent bool
	// Categories makes the axis categorical (X only): point X values are
	// indexes into it, drawn at the middle of equal bands.
	Categories []string
}

// RefLine is a straight reference line across the plot, such as a centre
// line, a control limit or a target.
type RefLine struct {
	Value float64
	Label string
	// Vertical draws the line at X = Value instead of Y = Value.
	Vertical bool
	// Y2 measures Value on the secondary axis.
	Y2 bool
	// Role picks the style: RoleCentre, RoleLimit, RoleTarget (the default).
	Role Role
}

// Role is the meaning of a reference line, which decides how it looks.
type Role int

// Reference line roles.
const (
	RoleTarget Role = iota // dashed grey
	RoleCentre             // solid green
	RoleLimit              // dashed red
)

// Marker is a labelled point, such as the AQL point on an OC curve.
type Marker struct {
	X, Y  float64
	Label string
	// Guides draws dashed lines from the point to both axes.
	Guides bool
}

// Chart is the model both renderers draw.
type Chart struct {
	// Kind names the kind of chart ("line", "bar", "pareto", "control",
	// "oc"); the SVG root gets the class chart-<Kind>.
	Kind string
	// ID prefixes the ids of the SVG title and description (for
	// aria-labelledby); derived from the kind, title and series when
	// empty. Set it when one page shows two charts alike in those.
	ID      string
	Title   string
	Desc    string // text alternative; a summary is generated when empty
	X, Y    Axis
	Y2      *Axis // secondary axis on the right, for series with Y2 set
	Series  []Series
	Refs    []RefLine
	Markers []Marker
}

// OCMark marks a quality level on an OC curve, such as the AQL or the
// limiting quality at the consumer's risk.
type OCMark struct {
	P     float64
	Label string
}

// OCCurve charts the probability of acceptance Pa (Y) against process
// quality p (X) for points sorted by X, with a marker on the curve at every
// mark (Pa interpolated) and guide lines to both axes. The X axis shows p as
// per cent (set c.X.Percent = false for nonconformities per unit).
func OCCurve(title string, curve []Point, marks []OCMark) *Chart {
	c := &Chart{
		Kind:   "oc",
		Title:  title,
		X:      Axis{Label: "Process quality p (nonconforming)", Percent: true},
		Y:      Axis{Label: "Probability of acceptance Pa", Min: 0, Max: 1, Fixed: true},
		Series: []Series{{Name: "Pa", Kind: Line, Points: curve}},
	}
	for _, m := range marks {
		pa := Interpolate(curve, m.P)
		if math.IsNaN(pa) {
			c.Refs = append(c.Refs, RefLine{Value: m.P, Label: m.Label, Vertical: true})
			continue
		}
		c.Markers = append(c.Markers, Marker{X: m.P, Y: pa, Label: m.Label, Guides: true})
	}
	return c
}

// Interpolate returns Y at x by linear interpolation between points sorted
// by X, or NaN when x is outside them.
func Interpolate(points []Point, x float64) float64 {
	for i := 1; i < len(points); i++ {
		a, b := points[i-1], points[i]
		if x >= a.X && x <= b.X {
			if b.X == a.X {
				return a.Y
			}
			return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)
		}
	}
	if len(points) == 1 && points[0].X == x {
		return points[0].Y
	}
	return math.NaN()
}

// Trend charts one or more series over periods (for example months) on a
// categorical X axis. A series' point X is the index of its period; use NaN
// for a period without a value.
func Trend(title string, periods []string, series ...Series) *Chart {
	for i := range series {
		if series[i].Kind == Line && len(periods) <= 36 {
			series[i].Marks = true
		}
	}
	return &Chart{Kind: "line", Title: title, X: Axis{Categories: periods}, Series: series}
}

// Values returns the points (i, v) for values indexed like categories.
func Values(v []float64) []Point {
	pts := make([]Point, len(v))
	for i, y := range v {
		pts[i] = Point{X: float64(i), Y: y}
	}
	return pts
}

// Bar charts one value per label.
func Bar(title string, labels []string, values []float64) *Chart {
	return &Chart{Kind: "bar", Title: title, X: Axis{Categories: labels},
		Series: []Series{{Name: title, Kind: Bars, Points: Values(values)}}}
}

// Item is one category of a Pareto chart.
type Item struct {
	Label string
	Value float64
}

// Pareto charts items as bars sorted from the largest (ties by label), with
// the cumulative share as a line on a 0-100 % secondary axis and a reference
// line at 80 %. Negative and non-finite values count as zero.
func Pareto(title string, items []Item) *Chart {
	items = slices.Clone(items)
	total := 0.0
	for i := range items {
		if !(items[i].Value > 0) || math.IsInf(items[i].Value, 0) {
			items[i].Value = 0
		}
		total += items[i].Value
	}
	slices.SortStableFunc(items, func(a, b Item) int {
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.Label, b.Label)
	})
	labels := make([]string, len(items))
	bars := make([]Point, len(items))
	cum := make([]Point, len(items))
	run := 0.0
	for i, it := range items {
		labels[i] = it.Label
		bars[i] = Point{X: float64(i), Y: it.Value, Label: it.Label}
		run += it.Value
		share := 0.0
		if total > 0 {
			share = run / total
		}
		if i == len(items)-1 && total > 0 {
			share = 1 // exactly 100 % despite rounding
		}
		cum[i] = Point{X: float64(i), Y: share, Label: it.Label}
	}
	return &Chart{
		Kind:  "pareto",
		Title: title,
		X:     Axis{Categories: labels},
		Y:     Axis{Label: "Count"},
		Y2:    &Axis{Label: "Cumulative", Min: 0, Max: 1, Fixed: true, Percent: true},
		Series: []Series{
			{Name: "Count", Kind: Bars, Points: bars},
			{Name: "Cumulative %", Kind: Line, Points: cum, Y2: true, Marks: true},
		},
		Refs: []RefLine{{Value: 0.8, Label: "80%", Y2: true}},
	}
}

// Limits are the lines of a control chart. NaN leaves a limit out (for
// example an LCL below zero that does not apply).
type Limits struct {
	CL, UCL, LCL float64
}

// Control charts values in order (labels name the subgroups) with the
// centre line and control limits (subgroups are numbered from 1 when labels
// is empty); points beyond a limit are highlighted
// (points already highlighted by the caller, for example by a run rule, stay
// highlighted).
func Control(title string, labels []string, values []float64, lim Limits) *Chart {
	if len(labels) == 0 {
		for i := range values {
			labels = append(labels, strconv.Itoa(i+1))
		}
	}
	pts := Values(values)
	for i := range pts {
		if i < len(labels) {
			pts[i].Label = labels[i]
		}
		y := pts[i].Y
		if y > lim.UCL || y < lim.LCL {
			pts[i].Highlight = true
		}
	}
	c := &Chart{Kind: "control", Title: title, X: Axis{Categories: labels},
		Series: []Series{{Name: "Value", Kind: Line, Points: pts, Marks: true}}}
	for _, r := range []struct {
		v    float64
		name string
		role Role
	}{{lim.UCL, "UCL", RoleLimit}, {lim.CL, "CL", RoleCentre}, {lim.LCL, "LCL", RoleLimit}} {
		if !math.IsNaN(r.v) && !math.IsInf(r.v, 0) {
			c.Refs = append(c.Refs, RefLine{Value: r.v, Label: fmt.Sprintf("%s %s", r.name, FormatValue(r.v)), Role: r.role})
		}
	}
	return c
}

// Highlighted returns the points of all series that are highlighted.
func (c *Chart) Highlighted() []Point {
	var out []Point
	for _, s := range c.Series {
		for _, p := range s.Points {
			if p.Highlight {
				out = append(out, p)
			}
		}
	}
	return out
}
