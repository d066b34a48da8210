package chart

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestTopItemsFoldsTheTail(t *testing.T) {
	items := []Item{{"S1", 5}, {"S2", 40}, {"S3", 1}, {"S4", 12}, {"S5", 7}, {"S6", 3}}
	top := TopItems(items, 3, "Other")
	want := []Item{{"S2", 40}, {"S4", 12}, {"S5", 7}, {"Other", 9}}
	if !slices.Equal(top, want) {
		t.Errorf("TopItems = %v, want %v", top, want)
	}
	if got := TopItems(items, 10, "Other"); !slices.Equal(got, items) {
		t.Errorf("fewer items than n: %v", got)
	}
	if items[0].Label != "S1" {
		t.Error("TopItems reordered its argument")
	}
	// The Pareto of the folded items sorts its bars, and reaches 100 %.
	c := Pareto("NCRs by supplier", top)
	bars, cum := c.Series[0].Points, c.Series[1].Points
	for i := 1; i < len(bars); i++ {
		if bars[i].Y > bars[i-1].Y {
			t.Errorf("bars not sorted: %v", bars)
		}
	}
	if cum[len(cum)-1].Y != 1 || math.Abs(cum[0].Y-40.0/68) > 1e-12 {
		t.Errorf("cumulative %v", cum)
	}
	// Labels are escaped in the SVG.
	c = Pareto("Defects <by code>", []Item{{"A&B", 3}, {"<script>", 1}})
	doc := parseSVG(t, c.SVG(0, 0))
	var texts []string
	for _, e := range doc.all() {
		if e.Name == "text" {
			texts = append(texts, e.Text)
		}
	}
	if all := strings.Join(texts, "|"); !strings.Contains(all, "A&B") || !strings.Contains(all, "<script>") {
		t.Errorf("labels %q", texts)
	}
	if raw := string(c.SVG(0, 0)); strings.Contains(raw, "<script>") {
		t.Error("label not escaped")
	}
}
