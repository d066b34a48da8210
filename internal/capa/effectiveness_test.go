package capa_test

import (
	"strings"
	"testing"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/qms"
)

// series builds inspections of 125 units from start, one every step days,
// with the given defective counts.
func series(start qms.Date, step int, defective ...int) []capa.Point {
	var ps []capa.Point
	for i, d := range defective {
		ps = append(ps, capa.Point{LotResultID: int64(100 + i), InspectionID: int64(10 + i), InspectedOn: start.AddDate(0, 0, i*step),
			Kind: inspection.KindPreShipment, Inspected: 125, Defective: d})
	}
	return ps
}

// TestEvaluate judges criteria over inspection series: pass, fail, and not
// enough data yet, with the evidence.
func TestEvaluate(t *testing.T) {
	start := qms.NewDate(2026, 4, 1)
	lots := func(m, k int) capa.Criterion {
		return capa.Criterion{SupplierID: 7, DefectCode: "FUN-01", MaxDefective: k, PerUnits: 1000, Inspections: m, StartOn: start}
	}
	days := func(d, k int) capa.Criterion {
		return capa.Criterion{SupplierID: 7, DefectCode: "FUN-01", MaxDefective: k, PerUnits: 1000, Days: d, StartOn: start}
	}
	cases := []struct {
		name      string
		c         capa.Criterion
		series    []capa.Point
		today     qms.Date
		outcome   capa.Outcome
		points    int
		inspected int64
		defective int64
		text      string
	}{
		// 5 x 125 = 625 units; at most 2 per 1,000 allows 1.25: 1 passes, 2 fails.
		{"5 inspections, 1 defective: pass", lots(5, 2), series(start, 7, 0, 1, 0, 0, 0), start.AddDate(0, 1, 0), capa.OutcomePass, 5, 625, 1, "1.60 per 1,000"},
		{"5 inspections, 2 defective: fail", lots(5, 2), series(start, 7, 0, 1, 0, 1, 0), start.AddDate(0, 1, 0), capa.OutcomeFail, 5, 625, 2, "3.20 per 1,000"},
		{"3 of 5 inspections: not enough data", lots(5, 2), series(start, 7, 0, 0, 0), start.AddDate(0, 1, 0), capa.OutcomePending, 3, 375, 0, "3 of 5 inspections"},
		{"no inspections yet", lots(5, 2), nil, start.AddDate(0, 1, 0), capa.OutcomePending, 0, 0, 0, "0 of 5"},
		{"only the first 5 count", lots(5, 2), series(start, 7, 0, 0, 0, 0, 0, 9, 9), start.AddDate(0, 2, 0), capa.OutcomePass, 5, 625, 0, "passed"},
		{"exactly at the limit passes", capa.Criterion{SupplierID: 7, MaxDefective: 8, PerUnits: 1000, Inspections: 1, StartOn: start},
			series(start, 1, 1), start, capa.OutcomePass, 1, 125, 1, "8.00 per 1,000"},
		{"zero allowed: the first recurrence fails at once", lots(5, 0), series(start, 7, 0, 1), start.AddDate(0, 0, 8), capa.OutcomeFail, 2, 250, 1, "recurred on 2026-04-08"},
		{"zero allowed, none yet: pending", lots(5, 0), series(start, 7, 0, 0), start.AddDate(0, 0, 8), capa.OutcomePending, 2, 250, 0, "2 of 5"},
		{"zero allowed, none in 5: pass", lots(5, 0), series(start, 7, 0, 0, 0, 0, 0), start.AddDate(0, 1, 0), capa.OutcomePass, 5, 625, 0, "passed"},
		{"90 days not over: pending", days(90, 2), series(start, 10, 0, 0, 0), start.AddDate(0, 0, 89), capa.OutcomePending, 3, 375, 0, "until 2026-06-29"},
		{"90 days over: pass", days(90, 2), series(start, 10, 0, 0, 0), start.AddDate(0, 0, 90), capa.OutcomePass, 3, 375, 0, "passed"},
		{"90 days over: fail", days(90, 2), series(start, 10, 1, 0, 0), start.AddDate(0, 0, 90), capa.OutcomeFail, 3, 375, 1, "failed"},
		{"inspections after the window do not count", days(30, 2), series(start, 20, 0, 0, 5), start.AddDate(0, 0, 60), capa.OutcomePass, 2, 250, 0, "passed"},
		{"90 days over without inspections", days(90, 2), nil, start.AddDate(0, 0, 100), capa.OutcomePending, 0, 0, 0, "proves nothing"},
		{"inspections before the start do not count", lots(2, 2), series(start.AddDate(0, 0, -14), 7, 5, 5, 0, 0), start.AddDate(0, 1, 0), capa.OutcomePass, 2, 250, 0, "passed"},
		{"m or d: d ends first", capa.Criterion{SupplierID: 7, MaxDefective: 2, PerUnits: 1000, Inspections: 10, Days: 30, StartOn: start},
			series(start, 10, 0, 0, 0, 0), start.AddDate(0, 0, 30), capa.OutcomePass, 3, 375, 0, "passed"},
		{"m or d: m ends first", capa.Criterion{SupplierID: 7, MaxDefective: 2, PerUnits: 1000, Inspections: 2, Days: 30, StartOn: start},
			series(start, 1, 0, 3, 0), start.AddDate(0, 0, 2), capa.OutcomeFail, 2, 250, 3, "failed"},
		{"m or d: neither yet", capa.Criterion{SupplierID: 7, MaxDefective: 2, PerUnits: 1000, Inspections: 5, Days: 30, StartOn: start},
			series(start, 1, 0), start.AddDate(0, 0, 2), capa.OutcomePending, 1, 125, 0, "1 of 5 inspections, until 2026-04-30"},
		{"no start yet", capa.Criterion{SupplierID: 7, MaxDefective: 2, Inspections: 5}, series(start, 7, 0, 0, 0, 0, 0), start, capa.OutcomePending, 0, 0, 0, "D6"},
		{"only the kinds asked for", capa.Criterion{SupplierID: 7, MaxDefective: 0, PerUnits: 1000, Inspections: 2, StartOn: start, Kinds: []inspection.Kind{inspection.KindIncoming}},
			func() []capa.Point {
				s := series(start, 1, 3, 0, 0)
				s[1].Kind, s[2].Kind = inspection.KindIncoming, inspection.KindIncoming
				return s
			}(), start.AddDate(0, 0, 5), capa.OutcomePass, 2, 250, 0, "passed"},
		{"per million", capa.Criterion{SupplierID: 7, MaxDefective: 5000, PerUnits: 1_000_000, Inspections: 2, StartOn: start},
			series(start, 1, 1, 0), start.AddDate(0, 0, 5), capa.OutcomePass, 2, 250, 1, "4000.00 per 1,000,000"},
	}
	for _, c := range cases {
		ev := capa.Evaluate(c.c, c.series, c.today)
		if ev.Outcome != c.outcome || len(ev.Points) != c.points || ev.Inspected != c.inspected || ev.Defective != c.defective ||
			!strings.Contains(ev.Message, c.text) || ev.EvaluatedOn != c.today {
			t.Errorf("%s: %s, %d points, %d/%d: %q", c.name, ev.Outcome, len(ev.Points), ev.Defective, ev.Inspected, ev.Message)
		}
		if ev.Final() != (c.outcome != capa.OutcomePending) {
			t.Errorf("%s: final %v", c.name, ev.Final())
		}
	}
	// The evidence is in date order whatever the order given, and names
	// the inspections.
	s := series(start, 3, 0, 1, 0)
	s[0], s[2] = s[2], s[0]
	ev := capa.Evaluate(lots(3, 5), s, start.AddDate(0, 1, 0))
	if ev.Points[0].InspectionID != 10 || ev.Points[2].InspectionID != 12 || ev.Points[1].Defective != 1 || !ev.Complete {
		t.Errorf("%+v", ev.Points)
	}
	if r := ev.Rate(1000); r < 2.66 || r > 2.67 {
		t.Errorf("rate %v", r)
	}
}

// TestCriterionValidate: what a criterion needs.
func TestCriterionValidate(t *testing.T) {
	c := capa.Criterion{SupplierID: 7, DefectCode: " fun-01 ", MaxDefective: 2, Inspections: 5}
	if err := c.Validate(); err != nil || c.DefectCode != "FUN-01" || c.PerUnits != 1000 || c.Measure() != capa.MeasureCode {
		t.Fatalf("%v %+v", err, c)
	}
	if got := c.Describe("深圳华强", "BS-20"); got != "Defect FUN-01 at 深圳华强 on BS-20: at most 2 defective units per 1,000 inspected over the next 5 inspections" {
		t.Errorf("%q", got)
	}
	cases := []struct {
		name  string
		c     capa.Criterion
		field string
	}{
		{"no supplier", capa.Criterion{MaxDefective: 1, Inspections: 5}, "criterion.supplier_id"},
		{"no window", capa.Criterion{SupplierID: 7, MaxDefective: 1}, "criterion.inspections"},
		{"code and class", capa.Criterion{SupplierID: 7, DefectCode: "X", Class: inspection.Major, Inspections: 5}, "criterion.class"},
		{"unknown class", capa.Criterion{SupplierID: 7, Class: "fatal", Inspections: 5}, "criterion.class"},
		{"more allowed than counted", capa.Criterion{SupplierID: 7, MaxDefective: 2000, Inspections: 5}, "criterion.max_defective"},
		{"negative", capa.Criterion{SupplierID: 7, MaxDefective: -1, Inspections: 5}, "criterion.max_defective"},
		{"too long a window", capa.Criterion{SupplierID: 7, Days: 1000}, "criterion.days"},
		{"unknown kind", capa.Criterion{SupplierID: 7, Inspections: 5, Kinds: []inspection.Kind{"audit"}}, "criterion.kinds"},
	}
	for _, x := range cases {
		if err := x.c.Validate(); qms.ErrorFields(err)[x.field] == "" {
			t.Errorf("%s: %v", x.name, err)
		}
	}
	// Who states it, and about which supplier.
	open := ready(capa.StatusOpen)
	good := capa.Criterion{SupplierID: supA, Class: inspection.Major, MaxDefective: 5, Days: 90}
	for _, a := range actors {
		cr := good
		err := capa.CheckSetCriterion(a, open, &cr)
		switch {
		case a.Role == qms.RoleSupplier && *a.SupplierID != supA:
			if qms.ErrorKind(err) != qms.KindNotFound {
				t.Errorf("%s: %v", a.Name, err)
			}
		case qms.CanApprove(a) != (err == nil):
			t.Errorf("%s: %v", a.Name, err)
		}
	}
	other := good
	other.SupplierID = supB
	if err := capa.CheckSetCriterion(qm, open, &other); qms.ErrorFields(err)["criterion.supplier_id"] == "" {
		t.Errorf("another supplier: %v", err)
	}
	if err := capa.CheckSetCriterion(qm, ready(capa.StatusClosed), &good); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("closed: %v", err)
	}
}
