package sampling

import (
	"encoding/json"
	"strings"
	"testing"
)

func classSummary(in Inspection) string {
	var parts []string
	for _, c := range in.Classes {
		parts = append(parts, c.Name+":"+planString(c.Plan))
	}
	return strings.Join(parts, " ")
}

func TestPlanClassesSeparate(t *testing.T) {
	// Lot 3000, level II: K. Critical 0.065 -> L n=200 0/1 (K points down),
	// major 2.5 -> K 7/8, minor 4.0 -> K 10/11. Units to draw: 200.
	in, err := PlanClasses(Request{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 3000, Classes: []ClassSpec{
		{Name: "critical", AQL: mustAQL(t, "0.065")}, {Name: "major", AQL: mustAQL(t, "2.5")}, {Name: "minor", AQL: mustAQL(t, "4.0")}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := classSummary(in), "critical:L n=200 0/1 major:K n=125 7/8 minor:K n=125 10/11"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if in.UnitsToDraw != 200 || in.CodeLetter != 'K' {
		t.Errorf("units %d letter %s", in.UnitsToDraw, in.CodeLetter)
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"standard", "severity", "level", "lot", "code_letter", "units_to_draw", "classes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	c0 := m["classes"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "aql", "final_code_letter", "sample_size", "ac", "re", "full_inspection", "arrows"} {
		if _, ok := c0[k]; !ok {
			t.Errorf("class JSON lacks %q: %s", k, b)
		}
	}
	if c0["aql"] != 0.065 || c0["final_code_letter"] != "L" || c0["arrows"].([]any)[0] != "K↓L" {
		t.Errorf("class JSON %v", c0)
	}
}

// The largest-letter cascade from K (lot 3000, level II) with AQLs 0.10,
// 0.15 and 0.25 in ISO normal inspection, checked cell by cell against
// master_single_normal_iso1999.csv:
//
//	round 1 from K: 0.10 K 0/1 (n=125); 0.15 K^ -> J 0/1 (80); 0.25 Kv -> L 1/2 (200)
//	round 2 from L: 0.10 L^ -> K 0/1 (125); 0.15 Lv -> M 1/2 (315); 0.25 L 1/2 (200)
//	round 3 from M: 0.10 Mv -> N 1/2 (500); 0.15 M 1/2 (315); 0.25 M 2/3 (315)
//	round 4 from N: 0.10 N 1/2; 0.15 N 2/3; 0.25 N 3/4, all n=500: stable.
func TestLargestLetterCascade(t *testing.T) {
	req := Request{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 3000, Classes: []ClassSpec{
		{Name: "a", AQL: mustAQL(t, "0.10")}, {Name: "b", AQL: mustAQL(t, "0.15")}, {Name: "c", AQL: mustAQL(t, "0.25")}}}
	in, err := PlanClasses(req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := classSummary(in), "a:K n=125 0/1 b:J n=80 0/1 c:L n=200 1/2"; got != want {
		t.Errorf("separate: got %s, want %s", got, want)
	}
	if in.UnitsToDraw != 200 || in.LargestLetterRounds != nil {
		t.Errorf("separate: units %d rounds %v", in.UnitsToDraw, in.LargestLetterRounds)
	}
	req.LargestLetter = true
	in, err = PlanClasses(req)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := classSummary(in), "a:N n=500 1/2 b:N n=500 2/3 c:N n=500 3/4"; got != want {
		t.Errorf("largest letter: got %s, want %s", got, want)
	}
	if got := string(mustJSON(t, in.LargestLetterRounds)); got != `["K","L","M","N"]` {
		t.Errorf("rounds %s", got)
	}
	if in.UnitsToDraw != 500 {
		t.Errorf("units %d", in.UnitsToDraw)
	}
	// The last round starts at N, where every class has a plan: no arrows.
	for _, c := range in.Classes {
		if len(c.Arrows) != 0 || c.Plan.CodeLetter != 'N' {
			t.Errorf("class %s: start %s arrows %v", c.Name, c.Plan.CodeLetter, c.Arrows)
		}
	}
	// Cross-check each round against the raw table.
	rows := rawCSV(t, "master_single_normal_iso1999.csv")
	for _, step := range []struct{ from, aql, want string }{
		{"K", "0.10", "K 0/1"}, {"K", "0.15", "J 0/1"}, {"K", "0.25", "L 1/2"},
		{"L", "0.10", "K 0/1"}, {"L", "0.15", "M 1/2"}, {"L", "0.25", "L 1/2"},
		{"M", "0.10", "N 1/2"}, {"M", "0.15", "M 1/2"}, {"M", "0.25", "M 2/3"},
		{"N", "0.10", "N 1/2"}, {"N", "0.15", "N 2/3"}, {"N", "0.25", "N 3/4"}} {
		final, _, acre, ok := refResolve(rows, step.from, mustAQL(t, step.aql).col())
		if !ok || final+" "+acre != step.want {
			t.Errorf("reference %s at %s: %s %s", step.from, step.aql, final, acre)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestZeroToleranceClass(t *testing.T) {
	in, err := PlanClasses(Request{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 3000, Classes: []ClassSpec{
		{Name: "critical", ZeroTolerance: true}, {Name: "major", AQL: mustAQL(t, "2.5")}, {Name: "minor", AQL: mustAQL(t, "4.0")}}})
	if err != nil {
		t.Fatal(err)
	}
	c := in.Classes[0]
	if c.SampleSize != 125 || c.Ac != 0 || c.Re != 1 || c.BuyerRule != ZeroToleranceRule || c.AQL != 0 || c.FinalCodeLetter != 'K' {
		t.Errorf("zero tolerance: %+v", c)
	}
	if !strings.Contains(string(mustJSON(t, c)), `"buyer_rule":"buyer rule: zero tolerance`) {
		t.Errorf("JSON %s", mustJSON(t, c))
	}
	if strings.Contains(string(mustJSON(t, in.Classes[1])), "buyer_rule") {
		t.Error("AQL class labelled as buyer rule")
	}
	// Alone it uses Table I's sample size, capped at the lot.
	in, err = PlanClasses(Request{Standard: Z14, Severity: Normal, Level: LevelII, Lot: 3000, Classes: []ClassSpec{{Name: "critical", ZeroTolerance: true}}})
	if err != nil || in.UnitsToDraw != 125 {
		t.Errorf("alone: %+v %v", in, err)
	}
	in, err = PlanClasses(Request{Standard: Z14, Severity: Normal, Level: LevelII, Lot: 12, Classes: []ClassSpec{{Name: "critical", ZeroTolerance: true}}})
	if err != nil || in.UnitsToDraw != 3 || in.Classes[0].FullInspection {
		t.Errorf("lot 12 (B, n=3): %+v %v", in, err)
	}
	in, err = PlanClasses(Request{Standard: Z14, Severity: Normal, Level: LevelII, Lot: 2, Classes: []ClassSpec{{Name: "critical", ZeroTolerance: true}}})
	if err != nil || in.UnitsToDraw != 2 || !in.Classes[0].FullInspection {
		t.Errorf("lot 2: %+v %v", in, err)
	}
}

func TestPlanClassesFullInspectionAndErrors(t *testing.T) {
	in, err := PlanClasses(Request{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 6, Classes: []ClassSpec{{Name: "default", AQL: mustAQL(t, "1.0")}}})
	if err != nil || in.UnitsToDraw != 6 || !in.Classes[0].FullInspection {
		t.Errorf("lot 6: %+v %v", in, err)
	}
	bad := []Request{
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 100},
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 100, Classes: []ClassSpec{{Name: "a", AQL: 3}, {Name: "a", AQL: 4}}},
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 100, Classes: []ClassSpec{{Name: "", AQL: 3}}},
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 100, Classes: []ClassSpec{{Name: "a"}}},
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 100, Classes: []ClassSpec{{Name: "a", AQL: 3, ZeroTolerance: true}}},
		{Standard: ISO2859, Severity: Normal, Level: LevelII, Lot: 1, Classes: []ClassSpec{{Name: "a", AQL: 3}}},
		{Standard: Z14, Severity: Reduced, Level: LevelIII, Lot: 1000, Classes: []ClassSpec{{Name: "a", AQL: mustAQL(t, "1000")}}},
	}
	for i, r := range bad {
		if _, err := PlanClasses(r); err == nil {
			t.Errorf("request %d accepted", i)
		}
	}
}
