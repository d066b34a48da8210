package inspection_test

import (
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

const (
	crit  = inspection.Critical
	major = inspection.Major
	minor = inspection.Minor
)

func TestPlanSamplingSnapshot(t *testing.T) {
	// Lot 3000 at level II: code letter K, n 125; major 2.5 -> 7/8, minor
	// 4.0 -> 10/11; critical zero tolerance on all 125 units.
	in := newInspection(t, inspection.KindPreShipment, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	sp := in.Sampling
	if sp.CodeLetter != 'K' || sp.UnitsToDraw != 125 {
		t.Fatalf("letter %s, units %d", sp.CodeLetter, sp.UnitsToDraw)
	}
	want := map[inspection.DefectClass][3]int{crit: {125, 0, 1}, major: {125, 7, 8}, minor: {125, 10, 11}}
	for _, cp := range sp.Classes {
		if w := want[cp.Class]; [3]int{cp.SampleSize, cp.Ac, cp.Re} != w || cp.Severity != sampling.Normal {
			t.Errorf("%s: n %d Ac %d Re %d %s, want %v normal", cp.Class, cp.SampleSize, cp.Ac, cp.Re, cp.Severity, w)
		}
	}
	if len(sp.Classes) != 3 || sp.Classes[0].Class != crit || !sp.Classes[0].ZeroTolerance {
		t.Errorf("classes %+v", sp.Classes)
	}
	// Tests: function at S-2 (lot 3000 -> D, 8 units), drop fixed 2.
	if len(sp.Tests) != 2 || sp.Tests[0].SampleSize != 8 || sp.Tests[0].CodeLetter != 'D' || sp.Tests[1].SampleSize != 2 {
		t.Errorf("tests %+v", sp.Tests)
	}
	if len(sp.Engine) == 0 {
		t.Error("the engine's answer is not kept")
	}

	// Each class equals the engine's own plan at its severity; classes at
	// different severities are planned apart; zero tolerance covers all
	// units drawn.
	sev := map[inspection.DefectClass]sampling.Severity{major: sampling.Tightened, minor: sampling.Reduced}
	in = newInspection(t, inspection.KindIncoming, 3000, stdClasses(), inspection.CountDefectives, sev, sampling.ISO2859)
	for _, cp := range in.Sampling.Classes {
		if cp.ZeroTolerance {
			if cp.SampleSize != in.Sampling.UnitsToDraw || cp.Ac != 0 || cp.Re != 1 {
				t.Errorf("zero tolerance %+v, units %d", cp, in.Sampling.UnitsToDraw)
			}
			continue
		}
		p, err := sampling.SinglePlan(sampling.ISO2859, sev[cp.Class], sampling.LevelII, 3000, cp.AQL)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Severity != sev[cp.Class] || cp.SampleSize != p.SampleSize || cp.Ac != p.Ac || cp.Re != p.Re || cp.CodeLetter != p.FinalCodeLetter {
			t.Errorf("%s: %+v, engine %+v", cp.Class, cp, p)
		}
	}

	// Bad lots are refused with the field named.
	for _, lot := range []int{1, 0} {
		_, err := inspection.PlanSampling(inspection.SamplingInput{Standard: sampling.ISO2859, Level: sampling.LevelII, Classes: stdClasses(), Lot: lot})
		wantKind(t, "tiny lot", err, qms.KindInvalid)
		if qms.ErrorFields(err)["lot_size"] == "" {
			t.Errorf("lot %d: %v", lot, err)
		}
	}
}

func TestVerdictTable(t *testing.T) {
	type want struct {
		verdict inspection.Verdict
		found   map[inspection.DefectClass]int
		class   map[inspection.DefectClass]inspection.Verdict
		reason  string // a substring of one of the reasons
	}
	cases := []struct {
		name     string
		lot      int
		classes  classes
		counting inspection.Counting
		kind     inspection.Kind
		setup    func(r *recorder)
		want     want
	}{
		{name: "no defects, every unit inspected", setup: func(r *recorder) { r.units(1, 125); r.complete() },
			want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{crit: 0, major: 0, minor: 0}}},
		{name: "two major defective units pass (domain worked example)", setup: func(r *recorder) {
			r.units(1, 125)
			r.defect(5, major)
			r.defect(9, major)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 2}, class: map[inspection.DefectClass]inspection.Verdict{major: inspection.VerdictPass}}},
		{name: "one critical defect fails regardless", setup: func(r *recorder) {
			r.units(1, 125)
			r.defect(3, crit)
			r.complete()
		}, want: want{verdict: inspection.VerdictFail, found: map[inspection.DefectClass]int{crit: 1}, class: map[inspection.DefectClass]inspection.Verdict{crit: inspection.VerdictFail, major: inspection.VerdictPass}, reason: "Critical: 1"}},
		{name: "defectives: a unit counts once, in its most serious class", setup: func(r *recorder) {
			r.units(1, 125)
			r.defect(1, major)
			r.defect(1, minor)
			r.defect(1, minor)
			r.defect(2, minor)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 1, minor: 1}}},
		{name: "defects: every defect counts in its class", counting: inspection.CountDefects, setup: func(r *recorder) {
			r.units(1, 125)
			r.defect(1, major)
			r.defect(1, minor)
			r.defect(1, minor)
			r.defect(2, minor)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 1, minor: 3}}},
		{name: "major at Ac passes", setup: func(r *recorder) {
			r.units(1, 125)
			for u := 1; u <= 7; u++ {
				r.defect(u*10, major)
			}
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 7}}},
		{name: "major at Re fails", setup: func(r *recorder) {
			r.units(1, 125)
			for u := 1; u <= 8; u++ {
				r.defect(u*10, major)
			}
			r.complete()
		}, want: want{verdict: inspection.VerdictFail, found: map[inspection.DefectClass]int{major: 8}, class: map[inspection.DefectClass]inspection.Verdict{major: inspection.VerdictFail, minor: inspection.VerdictPass}, reason: "Major: 8 nonconforming units found in 125 units, Re 8"}},
		{name: "11 minor defects on 4 units fail when counting defects", counting: inspection.CountDefects, setup: func(r *recorder) {
			r.units(1, 125)
			for i := 0; i < 11; i++ {
				r.defect(1+i%4, minor)
			}
			r.complete()
		}, want: want{verdict: inspection.VerdictFail, found: map[inspection.DefectClass]int{minor: 11}, reason: "11 defects"}},
		{name: "the same 11 minor defects pass when counting defective units", setup: func(r *recorder) {
			r.units(1, 125)
			for i := 0; i < 11; i++ {
				r.defect(1+i%4, minor)
			}
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{minor: 4}}},
		{name: "Re reached before all units are inspected fails at once", setup: func(r *recorder) {
			r.units(1, 50)
			for u := 1; u <= 8; u++ {
				r.defect(u, major)
			}
		}, want: want{verdict: inspection.VerdictFail, class: map[inspection.DefectClass]inspection.Verdict{major: inspection.VerdictFail, minor: inspection.VerdictIncomplete, crit: inspection.VerdictIncomplete}}},
		{name: "not every unit inspected is incomplete", setup: func(r *recorder) { r.units(1, 100); r.complete() },
			want: want{verdict: inspection.VerdictIncomplete, class: map[inspection.DefectClass]inspection.Verdict{major: inspection.VerdictIncomplete}, reason: "Major: 100 of 125 units inspected"}},
		{name: "a defect marks its unit inspected", setup: func(r *recorder) {
			r.units(1, 124)
			r.defect(125, minor)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{minor: 1}}},
		{name: "a voided defect does not count", setup: func(r *recorder) {
			r.units(1, 125)
			var last *inspection.Entry
			for u := 1; u <= 8; u++ {
				last = r.defect(u, major)
			}
			r.add(inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: last.ID, Reason: "unit 8 was the golden sample"}})
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 7}}},
		{name: "a section not conform fails the inspection", setup: func(r *recorder) {
			r.units(1, 125)
			r.complete()
			r.section(inspection.SecPacking, inspection.NotConform)
		}, want: want{verdict: inspection.VerdictFail, class: map[inspection.DefectClass]inspection.Verdict{major: inspection.VerdictPass}, reason: "Packing: not conform"}},
		{name: "sections not assessed leave it incomplete", setup: func(r *recorder) { r.units(1, 125) },
			want: want{verdict: inspection.VerdictIncomplete, reason: "Quantity: not assessed"}},
		{name: "a reading out of tolerance fails measurements although the inspector said conform", setup: func(r *recorder) {
			r.units(1, 125)
			r.complete()
			r.section(inspection.SecMeasurements, inspection.Conform)
			r.measure(1, 2, 120.6)
		}, want: want{verdict: inspection.VerdictFail, reason: "Measurements: not conform"}},
		{name: "a corrected reading replaces the earlier one", setup: func(r *recorder) {
			r.units(1, 125)
			r.complete()
			r.measure(1, 2, 126.0)
			r.measure(1, 2, 120.5) // exactly at the upper limit
		}, want: want{verdict: inspection.VerdictPass}},
		{name: "a failed zero-tolerance test fails", setup: func(r *recorder) {
			r.units(1, 125)
			r.complete()
			r.test(5, 2, false)
		}, want: want{verdict: inspection.VerdictFail, reason: "Test Drop: 1 of 2 units failed, Re 1"}},
		{name: "a started test must be finished", setup: func(r *recorder) {
			r.units(1, 125)
			for _, s := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking, inspection.SecTests, inspection.SecMeasurements} {
				r.section(s, inspection.Conform)
			}
			r.test(4, 1, true)
		}, want: want{verdict: inspection.VerdictIncomplete, reason: "Test Function: 1 of 8 units tested"}},
		{name: "a critical defect fails when the plan judges no critical class",
			classes: classes{{Class: major, AQL: aql("2.5")}, {Class: minor, AQL: aql("4.0")}}, setup: func(r *recorder) {
				r.units(1, 125)
				r.defect(1, crit)
				r.complete()
			}, want: want{verdict: inspection.VerdictFail, reason: "the plan accepts none"}},
		{name: "pre-shipment below 80 % packed: quantity not conform", kind: inspection.KindPreShipment, setup: func(r *recorder) {
			r.in.Lot.Packed = 2000
			r.units(1, 125)
			r.complete()
		}, want: want{verdict: inspection.VerdictFail, reason: "Quantity: not conform"}},
		{name: "in-process inspections do not need 80 % packed", kind: inspection.KindInProcess, setup: func(r *recorder) {
			r.in.Lot.Packed, r.in.Lot.Produced = 0, 600
			r.units(1, 125)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass}},
		{name: "classes with different sample sizes: a defect beyond a class's n is not judged",
			classes: classes{{Class: crit, AQL: aql("0.065")}, {Class: major, AQL: aql("2.5")}}, setup: func(r *recorder) {
				r.units(1, 200)
				r.defect(150, major)
				r.complete()
			}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{major: 0, crit: 0}}},
		{name: "100 % inspection of a small lot", lot: 4, setup: func(r *recorder) {
			r.units(1, 4)
			r.defect(4, minor)
			r.complete()
		}, want: want{verdict: inspection.VerdictPass, found: map[inspection.DefectClass]int{minor: 0, major: 0}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lot, cs, counting, kind := c.lot, c.classes, c.counting, c.kind
			if lot == 0 {
				lot = 3000
			}
			if cs == nil {
				cs = stdClasses()
			}
			if counting == "" {
				counting = inspection.CountDefectives
			}
			if kind == "" {
				kind = inspection.KindIncoming
			}
			in := newInspection(t, kind, lot, cs, counting, nil, sampling.ISO2859)
			r := &recorder{in: in}
			c.setup(r)
			res := r.eval()
			if res.Verdict != c.want.verdict {
				t.Fatalf("verdict %s (%v), want %s", res.Verdict, res.Reasons, c.want.verdict)
			}
			for cl, n := range c.want.found {
				cr, ok := res.Class(cl)
				if !ok || cr.Found != n {
					t.Errorf("%s found %d (%+v), want %d", cl, cr.Found, cr, n)
				}
			}
			for cl, v := range c.want.class {
				if cr, _ := res.Class(cl); cr.Verdict != v {
					t.Errorf("%s verdict %s, want %s", cl, cr.Verdict, v)
				}
			}
			if c.want.reason != "" && !strings.Contains(strings.Join(res.Reasons, "|"), c.want.reason) {
				t.Errorf("reasons %q lack %q", res.Reasons, c.want.reason)
			}
		})
	}
}

func TestVerdictDetails(t *testing.T) {
	// Units beyond a class's sample are reported, not judged.
	in := newInspection(t, inspection.KindIncoming, 3000, classes{{Class: crit, AQL: aql("0.065")}, {Class: major, AQL: aql("2.5")}}, inspection.CountDefectives, nil, sampling.ISO2859)
	r := &recorder{in: in}
	r.units(1, 200)
	r.defect(150, major)
	r.defect(10, minor)
	res := r.eval()
	if res.SampleSize != 200 || res.UnitsInspected != 200 || res.DefectiveUnits != 2 || res.DefectsTotal != 2 {
		t.Errorf("sample %d inspected %d defective %d defects %d", res.SampleSize, res.UnitsInspected, res.DefectiveUnits, res.DefectsTotal)
	}
	if cr, _ := res.Class(major); cr.SampleSize != 125 || cr.FoundBeyond != 1 || cr.UnitsInspected != 125 {
		t.Errorf("major %+v", cr)
	}
	if cr, _ := res.Class(crit); cr.SampleSize != 200 {
		t.Errorf("critical %+v", cr)
	}

	// 100 % inspection is flagged per class.
	in = newInspection(t, inspection.KindIncoming, 4, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	if in.Sampling.UnitsToDraw != 4 {
		t.Fatalf("units %d", in.Sampling.UnitsToDraw)
	}
	full := 0
	for _, cp := range in.Sampling.Classes {
		if cp.FullInspection {
			full++
			if cp.SampleSize != 4 {
				t.Errorf("%+v", cp)
			}
		}
	}
	if full == 0 {
		t.Errorf("no class inspects 100 %%: %+v", in.Sampling.Classes)
	}

	// Measurements: the grid per characteristic with out-of-tolerance
	// readings counted.
	in = newInspection(t, inspection.KindIncoming, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	r = &recorder{in: in}
	r.measure(1, 3, 119.4)
	r.measure(1, 1, 120)
	r.measure(2, 1, 421)
	res = r.eval()
	if m := res.Measurements[0]; len(m.Readings) != 2 || m.Readings[0].Unit != 1 || m.OutOfTolerance != 1 || !m.Readings[1].OutOfTolerance {
		t.Errorf("length %+v", m)
	}
	if m := res.Measurements[1]; m.OutOfTolerance != 1 || m.Requirement != "380 – 420 g" {
		t.Errorf("weight %+v", m)
	}
}

// TestClassVerdictMatchesEngine: with every unit inspected, a class passes
// exactly when the engine accepts the count, over standards, severities,
// lot sizes and AQLs, and a Z1.4 reduced count between Ac and Re passes and
// reinstates normal inspection.
func TestClassVerdictMatchesEngine(t *testing.T) {
	gaps := 0
	for _, std := range []sampling.Standard{sampling.ISO2859, sampling.Z14} {
		for _, sev := range []sampling.Severity{sampling.Normal, sampling.Tightened, sampling.Reduced} {
			for _, lot := range []int{5, 40, 300, 3000, 40000} {
				for _, a := range []string{"0.65", "1.5", "2.5", "4.0", "6.5"} {
					cs := classes{{Class: major, AQL: aql(a)}}
					p, err := sampling.SinglePlan(std, sev, sampling.LevelII, lot, aql(a))
					if err != nil {
						continue // a cell the reference data does not establish
					}
					in := newInspection(t, inspection.KindIncoming, lot, cs, inspection.CountDefectives, map[inspection.DefectClass]sampling.Severity{major: sev}, std)
					for found := 0; found <= min(p.SampleSize, p.Re+1); found++ {
						r := &recorder{in: in}
						r.units(1, in.Sampling.UnitsToDraw)
						for u := 1; u <= found; u++ {
							r.defect(u, major)
						}
						cr, _ := r.eval().Class(major)
						dec := p.Decide(found)
						if (cr.Verdict == inspection.VerdictPass) != dec.Accepted() || cr.ReinstateNormal != (dec == sampling.AcceptReinstateNormal) {
							t.Fatalf("%s %s lot %d AQL %s found %d: %s reinstate %v, engine %s", std, sev, lot, a, found, cr.Verdict, cr.ReinstateNormal, dec)
						}
						if cr.ReinstateNormal {
							gaps++
						}
					}
				}
			}
		}
	}
	if gaps == 0 {
		t.Error("no Z1.4 reduced plan with Ac < d < Re was exercised")
	}
}

func TestSubmitVerdicts(t *testing.T) {
	in := newInspection(t, inspection.KindIncoming, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	res := func(v inspection.Verdict) *inspection.Result {
		return &inspection.Result{Verdict: v, Reasons: []string{"Major: 40 of 125 units inspected"}}
	}
	cases := []struct {
		name  string
		actor qms.Actor
		res   inspection.Verdict
		sub   inspection.Submission
		want  inspection.Verdict
		kind  qms.Kind
	}{
		{"pass", inspector, inspection.VerdictPass, inspection.Submission{}, inspection.VerdictPass, 0},
		{"fail", inspector, inspection.VerdictFail, inspection.Submission{}, inspection.VerdictFail, 0},
		{"fail left pending for the client", inspector, inspection.VerdictFail, inspection.Submission{Pending: true, PendingReason: "drop test failed on 1 carton; client to decide"}, inspection.VerdictPending, 0},
		{"incomplete left pending", inspector, inspection.VerdictIncomplete, inspection.Submission{Pending: true, PendingReason: "lot only 60 % produced"}, inspection.VerdictPending, 0},
		{"incomplete", inspector, inspection.VerdictIncomplete, inspection.Submission{}, "", qms.KindConflict},
		{"pending without reason", inspector, inspection.VerdictPass, inspection.Submission{Pending: true}, "", qms.KindInvalid},
		{"reason without pending", inspector, inspection.VerdictPass, inspection.Submission{PendingReason: "x"}, "", qms.KindInvalid},
		{"viewer", viewer, inspection.VerdictPass, inspection.Submission{}, "", qms.KindForbidden},
	}
	for _, c := range cases {
		v, err := inspection.CheckSubmit(c.actor, in, res(c.res), &c.sub)
		if c.kind != 0 {
			wantKind(t, c.name, err, c.kind)
			continue
		}
		if err != nil || v != c.want {
			t.Errorf("%s: %s, %v; want %s", c.name, v, err, c.want)
		}
	}
	for _, st := range []inspection.Status{inspection.StatusSubmitted, inspection.StatusDecided, inspection.StatusCancelled} {
		in.Status = st
		_, err := inspection.CheckSubmit(inspector, in, res(inspection.VerdictPass), &inspection.Submission{})
		wantKind(t, "submit "+string(st), err, qms.KindConflict)
	}
}
