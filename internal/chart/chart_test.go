package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		fixed  bool
		want   []float64
	}{
		{0, 1, 6, true, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{0, 30, 5, false, []float64{0, 10, 20, 30}},
		{9.85, 10.12, 5, false, []float64{9.8, 9.9, 10, 10.1, 10.2}},
		{0, 0.1, 6, false, []float64{0, 0.02, 0.04, 0.06, 0.08, 0.1}},
		{-3, 7, 6, false, []float64{-4, -2, 0, 2, 4, 6, 8}},
		{5, 5, 5, false, []float64{4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6}},
		{0, 0, 5, false, []float64{-1, -0.5, 0, 0.5, 1}},
		{0.001, 0.0042, 5, false, []float64{0.001, 0.002, 0.003, 0.004, 0.005}},
		{1200, 98000, 5, false, []float64{0, 20000, 40000, 60000, 80000, 100000}},
	}
	for _, c := range cases {
		got, min, max, step := Ticks(c.lo, c.hi, c.n, c.fixed)
		if !slices.Equal(got, c.want) {
			t.Errorf("Ticks(%g, %g, %d, %v) = %v, want %v", c.lo, c.hi, c.n, c.fixed, got, c.want)
		}
		if min > c.lo || max < c.hi {
			t.Errorf("Ticks(%g, %g): range [%g, %g] does not cover the data", c.lo, c.hi, min, max)
		}
		if step <= 0 && c.lo != c.hi {
			t.Errorf("Ticks(%g, %g): step %g", c.lo, c.hi, step)
		}
	}
	// Non-finite input falls back to [0, 1] rather than looping or panicking.
	if got, _, _, _ := Ticks(math.NaN(), math.Inf(1), 5, false); len(got) == 0 || got[0] != 0 {
		t.Errorf("Ticks(NaN, Inf) = %v", got)
	}
}

func TestTickLabels(t *testing.T) {
	cases := []struct {
		v, step float64
		percent bool
		want    string
	}{
		{0.2, 0.2, false, "0.2"},
		{10, 0.1, false, "10.0"},
		{0.25, 0.25, false, "0.25"},
		{0.05, 0.01, true, "5%"},
		{0.025, 0.005, true, "2.5%"},
		{1, 0.2, true, "100%"},
		{20000, 20000, false, "20000"},
		{-0.0000001, 0.1, false, "0.0"},
	}
	for _, c := range cases {
		if got := tickLabel(c.v, c.step, c.percent); got != c.want {
			t.Errorf("tickLabel(%g, %g, %v) = %q, want %q", c.v, c.step, c.percent, got, c.want)
		}
	}
	for v, want := range map[float64]string{10.0049: "10", 9.92: "9.92", 0.012345: "0.01235", 1234.567: "1234.57", 3: "3", 1e-7: "1e-07"} {
		if got := FormatValue(v); got != want {
			t.Errorf("FormatValue(%g) = %q, want %q", v, got, want)
		}
	}
}

func TestParetoSortedAndCumulative(t *testing.T) {
	c := Pareto("NCRs by defect", []Item{{"Scratch", 12}, {"Burr 毛刺", 30}, {"Dent", 4}, {"Label", 8}, {"Colour", 4}, {"Broken", -2}})
	bars, cum := c.Series[0].Points, c.Series[1].Points
	for i := 1; i < len(bars); i++ {
		if bars[i].Y > bars[i-1].Y {
			t.Errorf("bars not sorted: %v then %v", bars[i-1], bars[i])
		}
		if cum[i].Y < cum[i-1].Y {
			t.Errorf("cumulative falls: %v then %v", cum[i-1], cum[i])
		}
	}
	wantOrder := []string{"Burr 毛刺", "Scratch", "Label", "Colour", "Dent", "Broken"}
	if !slices.Equal(c.X.Categories, wantOrder) {
		t.Errorf("order %v, want %v (ties by label)", c.X.Categories, wantOrder)
	}
	if last := cum[len(cum)-1].Y; last != 1 {
		t.Errorf("cumulative ends at %g, want 1", last)
	}
	if got, want := cum[0].Y, 30.0/58; math.Abs(got-want) > 1e-12 {
		t.Errorf("first cumulative share %g, want %g", got, want)
	}
	svg := string(c.SVG(0, 0))
	if !strings.Contains(svg, ">100%</text>") {
		t.Error("Pareto SVG has no 100% tick on the cumulative axis")
	}
	if !strings.Contains(svg, "Broken: 100%") {
		t.Error("Pareto SVG: the last cumulative point is not labelled 100%")
	}
	// The bars appear in sorted order from left to right.
	doc := parseSVG(t, c.SVG(0, 0))
	var xs []float64
	var tips []string
	for _, e := range doc.all() {
		if e.Name == "rect" && strings.HasPrefix(e.attr("class"), "bar ") {
			xs = append(xs, e.num(t, "x"))
			tips = append(tips, e.Title)
		}
	}
	if len(xs) != 6 || !slices.IsSorted(xs) || !strings.HasPrefix(tips[0], "Burr 毛刺: 30") {
		t.Errorf("bars at %v with tips %v", xs, tips)
	}
}

func TestControlHighlightsOutOfLimits(t *testing.T) {
	vals := []float64{10.01, 10.12, 9.97, 9.85, 10.0}
	c := Control("X̄ chart", []string{"1", "2", "3", "4", "5"}, vals, Limits{CL: 10, UCL: 10.09, LCL: 9.91})
	var out []string
	for _, p := range c.Highlighted() {
		out = append(out, p.Label)
	}
	if !slices.Equal(out, []string{"2", "4"}) {
		t.Errorf("highlighted %v, want [2 4]", out)
	}
	var roles []string
	for _, r := range c.Refs {
		roles = append(roles, r.Label)
	}
	if !slices.Equal(roles, []string{"UCL 10.09", "CL 10", "LCL 9.91"}) {
		t.Errorf("reference lines %v", roles)
	}
	doc := parseSVG(t, c.SVG(0, 0))
	n := 0
	for _, e := range doc.all() {
		if e.Name == "circle" && strings.Contains(e.attr("class"), " out") {
			n++
			if e.attr("fill") != Red.Hex() {
				t.Errorf("out-of-control point drawn %s", e.attr("fill"))
			}
		}
	}
	if n != 2 {
		t.Errorf("%d highlighted circles, want 2", n)
	}
	// A missing LCL draws no line.
	c = Control("p chart", nil, []float64{0.01, 0.02}, Limits{CL: 0.015, UCL: 0.04, LCL: math.NaN()})
	if len(c.Refs) != 2 {
		t.Errorf("refs %v, want UCL and CL only", c.Refs)
	}
}

func TestOCCurveMarkers(t *testing.T) {
	curve := []Point{{X: 0, Y: 1}, {X: 0.01, Y: 0.95}, {X: 0.05, Y: 0.3}, {X: 0.1, Y: 0.02}}
	c := OCCurve("OC n=80 Ac=2", curve, []OCMark{{P: 0.01, Label: "AQL 1%"}, {P: 0.03, Label: "LQ"}, {P: 0.5, Label: "off the curve"}})
	if len(c.Markers) != 2 {
		t.Fatalf("markers %v", c.Markers)
	}
	if c.Markers[0].Y != 0.95 || math.Abs(c.Markers[1].Y-0.625) > 1e-12 {
		t.Errorf("marker Pa %g, %g; want 0.95 and 0.625 (interpolated)", c.Markers[0].Y, c.Markers[1].Y)
	}
	if len(c.Refs) != 1 || !c.Refs[0].Vertical || c.Refs[0].Value != 0.5 {
		t.Errorf("a mark outside the curve should be a vertical line: %v", c.Refs)
	}
	doc := parseSVG(t, c.SVG(0, 0))
	var labels, ticks []string
	markers := 0
	for _, e := range doc.all() {
		switch {
		case e.Name == "text" && e.attr("class") == "marker-label":
			labels = append(labels, e.Text)
		case e.Name == "text" && e.attr("class") == "tick":
			ticks = append(ticks, e.Text)
		case e.Name == "circle" && e.attr("class") == "marker":
			markers++
		}
	}
	if !slices.Equal(labels, []string{"AQL 1%", "LQ"}) || markers != 2 {
		t.Errorf("marker labels %v, %d marker circles", labels, markers)
	}
	for _, want := range []string{"0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "0%", "10%"} {
		if !slices.Contains(ticks, want) {
			t.Errorf("tick %q missing from %v", want, ticks)
		}
	}
}

func TestSVGWellFormedAndAccessible(t *testing.T) {
	nan := math.NaN()
	charts := map[string]*Chart{
		"oc":      OCCurve("OC", []Point{{X: 0, Y: 1}, {X: 0.1, Y: 0}}, nil),
		"trend":   Trend("Rejection rate <by month> & \"site\"", []string{"2025-01", "2025-02", "2025-03"}, Series{Name: "深圳精密", Points: Values([]float64{0.1, nan, 0.3})}, Series{Name: "Hà Nội", Points: Values([]float64{0.2, 0.2, 0.1})}),
		"bar":     Bar("Bar", []string{"a", "b"}, []float64{-3, 5}),
		"pareto":  Pareto("Empty pareto", nil),
		"control": Control("Control", nil, nil, Limits{CL: 1, UCL: 2, LCL: 0}),
		"bad":     Bar("Control chars \x01 and invalid \xff UTF-8", []string{"\x02"}, []float64{math.Inf(1)}),
	}
	for name, c := range charts {
		svg := c.SVG(480, 300)
		doc := parseSVG(t, svg)
		if doc.Name != "svg" || doc.attr("role") != "img" || doc.attr("viewBox") != "0 0 480 300" {
			t.Errorf("%s: root %s role=%q viewBox=%q", name, doc.Name, doc.attr("role"), doc.attr("viewBox"))
		}
		ids := strings.Fields(doc.attr("aria-labelledby"))
		if len(ids) != 2 || len(doc.Children) < 2 || doc.Children[0].Name != "title" || doc.Children[0].attr("id") != ids[0] ||
			doc.Children[1].Name != "desc" || doc.Children[1].attr("id") != ids[1] || doc.Children[1].Text == "" {
			t.Errorf("%s: title/desc not first or not referenced by aria-labelledby %v", name, ids)
		}
		if !strings.Contains(doc.attr("class"), "chart chart-") {
			t.Errorf("%s: root class %q", name, doc.attr("class"))
		}
		if bytes.Contains(svg, []byte("NaN")) || bytes.Contains(svg, []byte("Inf")) {
			t.Errorf("%s: SVG contains NaN or Inf coordinates", name)
		}
	}
	if !strings.Contains(string(charts["trend"].SVG(0, 0)), "Rejection rate &lt;by month&gt; &amp; &#34;site&#34;") {
		t.Error("title not escaped")
	}
	for _, name := range []string{"pareto", "control"} {
		if !strings.Contains(string(charts[name].SVG(0, 0)), ">No data</text>") {
			t.Errorf("%s without data does not say so", name)
		}
	}
	// A trend with a missing month draws two pieces of line, not one
	// through the gap.
	gap := Trend("Gap", []string{"1", "2", "3", "4", "5"}, Series{Name: "a", Points: Values([]float64{1, 2, nan, 3, 4})})
	paths := 0
	for _, e := range parseSVG(t, gap.SVG(0, 0)).all() {
		if e.Name == "path" && e.attr("class") == "line s0" {
			paths++
		}
	}
	if paths != 2 {
		t.Errorf("%d lines for a series with one gap, want 2", paths)
	}
}

func TestLayoutFitsScene(t *testing.T) {
	c := Pareto("Defects", []Item{{"A very long defect description that is wide", 3}, {"B", 2}})
	for _, size := range []struct{ w, h, font float64 }{{640, 360, 12}, {200, 120, 12}, {482, 198, 7.5}} {
		sc := c.Layout(size.w, size.h, size.font)
		for _, s := range sc.Shapes {
			for _, v := range []float64{s.X, s.Y, s.W, s.H, s.R} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%v: shape %+v has a non-finite coordinate", size, s)
				}
			}
			if s.Kind == ShapeRect && s.Class != "bg" && (s.Y < 0 || s.Y+s.H > size.h+0.01) {
				t.Errorf("%v: %s outside the scene: y %g h %g", size, s.Class, s.Y, s.H)
			}
		}
	}
}

// element is a decoded XML element.
type element struct {
	Name     string
	Attrs    []xml.Attr
	Text     string
	Title    string // text of a <title> child
	Children []*element
}

func (e *element) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (e *element) num(t *testing.T, name string) float64 {
	t.Helper()
	var v float64
	if _, err := fmt.Sscan(e.attr(name), &v); err != nil {
		t.Fatalf("%s=%q: %v", name, e.attr(name), err)
	}
	return v
}

func (e *element) all() []*element {
	out := []*element{e}
	for _, c := range e.Children {
		out = append(out, c.all()...)
	}
	return out
}

// parseSVG decodes svg with encoding/xml, failing on malformed XML.
func parseSVG(t *testing.T, svg []byte) *element {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var stack []*element
	var root *element
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{Name: tok.Name.Local, Attrs: tok.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, e)
			} else if root == nil {
				root = e
			} else {
				t.Fatal("SVG has more than one root element")
			}
			stack = append(stack, e)
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if e.Name == "title" && len(stack) > 0 {
				stack[len(stack)-1].Title = e.Text
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(tok)
			}
		}
	}
	if root == nil {
		t.Fatal("empty SVG")
	}
	return root
}
