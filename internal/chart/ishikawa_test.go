package chart

import (
	"strings"
	"testing"
)

func sixM() *Ishikawa {
	return &Ishikawa{
		Title:  "Root cause of burrs <CAPA-00007>",
		Effect: "Burr on housing edge 外壳毛刺 & sharp corners",
		Bones: []Bone{
			{Label: "Man (people)", Causes: []Cause{{Text: "New operator on night shift", Check: RuledOut}}},
			{Label: "Machine", Causes: []Cause{{Text: "Worn trimming die", Sub: []string{"No die-life counter", "Regrind every 80k shots"}, Check: Confirmed}}},
			{Label: "Method"},
			{Label: "Material", Causes: []Cause{{Text: "Resin lot 2024-117 with high melt flow index that makes the flash thicker than usual"}}},
			{Label: "Measurement", Causes: []Cause{{Text: "Edge check by touch only"}}},
			{Label: "Environment", Causes: []Cause{{Text: "车间温度高"}}},
		},
	}
}

func TestIshikawaSVGDrawsEveryCategory(t *testing.T) {
	d := sixM()
	doc := parseSVG(t, d.SVG(0, 0))
	if doc.Name != "svg" || doc.attr("role") != "img" || !strings.Contains(doc.attr("class"), "chart-ishikawa") {
		t.Fatalf("root %s role=%q class=%q", doc.Name, doc.attr("role"), doc.attr("class"))
	}
	var labels, causes, confirmed, ruledOut, effect []string
	bones, spines := 0, 0
	for _, e := range doc.all() {
		switch {
		case e.Name == "text" && e.attr("class") == "category-label":
			labels = append(labels, e.Text)
		case e.Name == "text" && strings.HasPrefix(e.attr("class"), "cause"):
			causes = append(causes, e.Text)
			if strings.Contains(e.attr("class"), "confirmed") {
				confirmed = append(confirmed, e.Text)
			}
			if strings.Contains(e.attr("class"), "ruled-out") {
				ruledOut = append(ruledOut, e.Text)
			}
		case e.Name == "text" && e.attr("class") == "effect":
			effect = append(effect, e.Text)
		case e.Name == "line" && e.attr("class") == "bone":
			bones++
		case e.Name == "line" && e.attr("class") == "spine":
			spines++
		}
	}
	want := []string{"Man (people)", "Machine", "Method", "Material", "Measurement", "Environment"}
	if strings.Join(labels, "|") != strings.Join(want, "|") {
		t.Errorf("category labels %q, want %q", labels, want)
	}
	if bones != 6 || spines != 1 {
		t.Errorf("%d bones and %d spines, want 6 and 1", bones, spines)
	}
	if got := strings.Join(confirmed, " "); !strings.HasPrefix(got, "✓ Worn trimming") || strings.Count(got, "✓") != 1 {
		t.Errorf("confirmed causes %q", confirmed)
	}
	if got := strings.Join(ruledOut, " "); got != "✗ New operator on night shift" {
		t.Errorf("ruled-out causes %q", ruledOut)
	}
	all := strings.Join(causes, " ")
	for _, c := range []string{"车间温度高", "Edge check by touch only"} {
		if !strings.Contains(all, c) {
			t.Errorf("cause %q not drawn in %q", c, causes)
		}
	}
	// The long material cause wraps onto more than one line, none empty.
	if !strings.Contains(all, "Resin lot") || len(causes) < 6 {
		t.Errorf("causes %q", causes)
	}
	for _, c := range causes {
		if strings.TrimSpace(c) == "" {
			t.Errorf("empty cause line in %q", causes)
		}
	}
	// The effect (with & and CJK) is in the head, escaped in the source.
	if got := strings.Join(effect, ""); !strings.Contains(got, "外壳毛刺") || !strings.Contains(got, "&") {
		t.Errorf("effect lines %q", effect)
	}
	raw := string(d.SVG(0, 0))
	if !strings.Contains(raw, "&amp; sharp") || !strings.Contains(raw, "&lt;CAPA-00007&gt;") || strings.Contains(raw, "<CAPA") {
		t.Error("text is not escaped in the SVG source")
	}
	// Sub-causes are drawn, and the description names every category.
	subs := 0
	var desc string
	for _, e := range doc.all() {
		if e.Name == "text" && e.attr("class") == "sub-cause" {
			subs++
		}
		if e.Name == "desc" {
			desc = e.Text
		}
	}
	if subs < 2 {
		t.Errorf("%d sub-cause lines, want 2", subs)
	}
	for _, l := range want {
		if !strings.Contains(desc, l+":") {
			t.Errorf("description %q does not name %s", desc, l)
		}
	}
}

func TestIshikawaShapesStayInside(t *testing.T) {
	d := sixM()
	for i := range 30 {
		d.Bones[2].Causes = append(d.Bones[2].Causes, Cause{Text: strings.Repeat("cause ", i%5+1)})
	}
	for _, size := range []struct{ w, h float64 }{{900, 420}, {500, 260}, {1400, 700}} {
		sc := d.Layout(size.w, size.h, 12)
		more := false
		for _, s := range sc.Shapes {
			var xs, ys []float64
			switch s.Kind {
			case ShapeRect:
				xs, ys = []float64{s.X, s.X + s.W}, []float64{s.Y, s.Y + s.H}
			case ShapeLine, ShapePath:
				for _, p := range s.Points {
					xs, ys = append(xs, p.X), append(ys, p.Y)
				}
			case ShapeText:
				x0 := s.X
				switch s.Anchor {
				case End:
					x0 -= TextWidth(s.Text, s.Size)
				case Middle:
					x0 -= TextWidth(s.Text, s.Size) / 2
				}
				xs, ys = []float64{x0, x0 + TextWidth(s.Text, s.Size)}, []float64{s.Y - s.Size, s.Y}
				more = more || s.Class == "more"
			}
			for _, x := range xs {
				if x < -0.5 || x > size.w+0.5 {
					t.Errorf("%gx%g: %s %q at x %g outside", size.w, size.h, s.Class, s.Text, x)
				}
			}
			for _, y := range ys {
				if y < -0.5 || y > size.h+0.5 {
					t.Errorf("%gx%g: %s %q at y %g outside", size.w, size.h, s.Class, s.Text, y)
				}
			}
		}
		if !more {
			t.Errorf("%gx%g: 31 causes on one bone fit without a \"+N more\" line", size.w, size.h)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		s     string
		width float64
		max   int
	}{
		{"a short text", 500, 3},
		{"Worn trimming die on the second cavity of the mould", 80, 10},
		{"车间温度高导致树脂流动性变化", 40, 10},
		{"Supercalifragilisticexpialidocious", 50, 10},
		{"one two three four five six seven eight nine ten", 40, 2},
	} {
		lines := wrapText(c.s, c.width, 12, c.max)
		if len(lines) == 0 || len(lines) > c.max {
			t.Errorf("wrapText(%q, %g) = %q", c.s, c.width, lines)
		}
		for _, l := range lines {
			if l == "" || (TextWidth(l, 12) > c.width && len([]rune(l)) > 1) {
				t.Errorf("wrapText(%q, %g): line %q (width %g)", c.s, c.width, l, TextWidth(l, 12))
			}
		}
		joined := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
		if len(lines) < c.max && joined != strings.ReplaceAll(c.s, " ", "") {
			t.Errorf("wrapText(%q, %g) lost text: %q", c.s, c.width, lines)
		}
	}
	if got := wrapText("one two three four five six seven eight nine ten", 40, 12, 2); !strings.HasSuffix(got[1], "…") {
		t.Errorf("truncated text has no ellipsis: %q", got)
	}
}
