package objective

import (
	"math"
	"testing"

	"qms/internal/qms"
)

func TestEvaluate(t *testing.T) {
	rate := Objective{Title: "Acceptance", Metric: LotAcceptance, Comparison: AtLeast, Target: 97, From: "2026-01", To: "2026-03"}
	count := Objective{Title: "NCRs", Metric: NCRCount, Comparison: AtMost, Target: 5, From: "2026-01", To: "2026-02"}
	cases := []struct {
		name    string
		o       Objective
		samples []Sample
		value   float64
		status  Status
		points  int // months with data
	}{
		{"rate pooled over months", rate, []Sample{{"2026-01", 95, 100}, {"2026-02", 290, 300}}, 96.25, NotMet, 2},
		{"rate exactly at target", rate, []Sample{{"2026-03", 97, 100}}, 97, Met, 1},
		{"samples outside the period ignored", rate, []Sample{{"2025-12", 0, 100}, {"2026-01", 98, 100}}, 98, Met, 1},
		{"no data", rate, nil, 0, NoData, 0},
		{"month with zero lots is no data", rate, []Sample{{"2026-01", 0, 0}}, 0, NoData, 0},
		{"count at most", count, []Sample{{"2026-01", 3, 1}, {"2026-02", 2, 1}}, 5, Met, 2},
		{"count over", count, []Sample{{"2026-01", 3, 1}, {"2026-02", 3, 1}}, 6, NotMet, 2},
	}
	for _, c := range cases {
		r := Evaluate(c.o, c.samples)
		if r.Status != c.status || math.Abs(r.Value-c.value) > 1e-9 {
			t.Errorf("%s: %v %s, want %v %s", c.name, r.Value, r.Status, c.value, c.status)
		}
		n := 0
		for _, p := range r.Trend {
			if p.HasData {
				n++
			}
		}
		if n != c.points || len(r.Trend) != len(Months(c.o.From, c.o.To)) {
			t.Errorf("%s: %d points of %d, want %d", c.name, n, len(r.Trend), c.points)
		}
	}
}

func TestValidate(t *testing.T) {
	good := func() Objective {
		return Objective{Title: " Acceptance ", Metric: LotAcceptance, Comparison: AtLeast, Target: 97, Owner: "Lena", From: "2026-01", To: "2026-12"}
	}
	o := good()
	if err := o.Validate(); err != nil || o.Title != "Acceptance" {
		t.Fatalf("%v %q", err, o.Title)
	}
	for name, tc := range map[string]struct {
		change func(*Objective)
		field  string
	}{
		"metric":       {func(o *Objective) { o.Metric = "x" }, "metric"},
		"comparison":   {func(o *Objective) { o.Comparison = ">" }, "comparison"},
		"percent":      {func(o *Objective) { o.Target = 100.5 }, "target"},
		"NaN":          {func(o *Objective) { o.Target = math.NaN() }, "target"},
		"count":        {func(o *Objective) { o.Metric = NCRCount; o.Target = -1 }, "target"},
		"owner":        {func(o *Objective) { o.Owner = "" }, "owner"},
		"bad month":    {func(o *Objective) { o.From = "2026-1" }, "period_from"},
		"reversed":     {func(o *Objective) { o.From, o.To = o.To, o.From }, "period_to"},
		"eleven years": {func(o *Objective) { o.To = "2036-12" }, "period_to"},
	} {
		o := good()
		tc.change(&o)
		err := o.Validate()
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if _, ok := fieldsOf(err)[tc.field]; !ok {
			t.Errorf("%s: %v, want a problem with %s", name, err, tc.field)
		}
	}
	if Format(LotAcceptance, 96.25) != "96.3 %" || Format(NCRCount, 4) != "4" || good().TargetText() != "≥ 97 %" {
		t.Errorf("format: %q %q %q", Format(LotAcceptance, 96.25), Format(NCRCount, 4), good().TargetText())
	}
}

func fieldsOf(err error) map[string]string { return qms.ErrorFields(err) }
