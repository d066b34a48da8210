package inspection_test

import (
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// lotWith plans a lot of the major class at the stream's severity and
// records found major defective units on it.
func lotWith(t *testing.T, id int64, st *inspection.Stream, std sampling.Standard, reduced bool, found int, resubmitted bool) (*inspection.Inspection, inspection.ClassResult) {
	t.Helper()
	cfg := sampling.SwitchConfig{Standard: std, Level: sampling.LevelII, AQL: aql("2.5")}
	sev, reason, err := inspection.SeverityInForce(st, cfg, resubmitted)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := inspection.PlanSampling(inspection.SamplingInput{Standard: std, Level: sampling.LevelII, Classes: classes{{Class: major, AQL: aql("2.5")}},
		Counting: inspection.CountDefectives, ReducedApproved: reduced, Lot: 3000,
		Severity: map[inspection.DefectClass]sampling.Severity{major: sev}, SeverityReason: map[inspection.DefectClass]string{major: reason}})
	if err != nil {
		t.Fatal(err)
	}
	in := &inspection.Inspection{ID: id, Kind: inspection.KindPreShipment, SupplierID: 10, ProductID: 1, Sampling: sp}
	if resubmitted {
		prev := id - 1
		in.ResubmissionOf = &prev
	}
	r := &recorder{in: in}
	r.units(1, sp.UnitsToDraw)
	for u := 1; u <= found; u++ {
		r.defect(u, major)
	}
	cr, _ := inspection.Evaluate(in, testSpec(), r.es).Class(major)
	return in, cr
}

// TestSwitchingFollowsTheEngine runs a series of lots, with resubmissions
// in between, through the streams and through the sampling engine's state
// machine directly (original lots only): the states agree after every lot,
// and every lot is planned at the engine's severity.
func TestSwitchingFollowsTheEngine(t *testing.T) {
	// Defects per original lot: failures send normal to tightened, five
	// accepted lots return it, a long clean run reaches reduced (approved),
	// and a reject on reduced goes back to normal.
	series := []int{0, 9, 1, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 9, 9}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, std := range []sampling.Standard{sampling.ISO2859, sampling.Z14} {
		t.Run(std.String(), func(t *testing.T) {
			cfg := sampling.SwitchConfig{Standard: std, Level: sampling.LevelII, AQL: aql("2.5")}
			engine := cfg.Start()
			var st *inspection.Stream
			id := int64(0)
			seen := map[sampling.Severity]bool{}
			for i, d := range series {
				id++
				in, cr := lotWith(t, id, st, std, true, d, false)
				cp, _ := in.Sampling.Class(major)
				if cp.Severity != engine.Severity {
					t.Fatalf("lot %d planned at %s, engine at %s", i, cp.Severity, engine.Severity)
				}
				seen[cp.Severity] = true
				next, evs, err := inspection.Advance(st, in, cr, qm, now)
				if err != nil {
					t.Fatal(err)
				}
				out, engineNext, err := cfg.Next(engine, sampling.LotInput{Defects: d, Lot: 3000, ApproveReduced: true})
				if err != nil {
					t.Fatal(err)
				}
				engine = engineNext
				last := evs[len(evs)-1]
				if last.Action != inspection.StreamApplied || last.Outcome == nil || last.Outcome.Accepted != out.Accepted || next.State != engine {
					t.Fatalf("lot %d (%d found): stream %+v event %+v, engine %+v", i, d, next.State, last, engine)
				}
				if out.Reason != "" && next.Reason == "" {
					t.Errorf("lot %d: no reason kept for %q", i, out.Reason)
				}
				st = &next
				// A resubmission after every failed lot: judged, ignored.
				if !out.Accepted {
					id++
					rin, rcr := lotWith(t, id, st, std, true, 0, true)
					rnext, revs, err := inspection.Advance(st, rin, rcr, qm, now)
					if err != nil {
						t.Fatal(err)
					}
					if len(revs) != 1 || revs[0].Action != inspection.StreamIgnored || rnext.State != st.State {
						t.Fatalf("resubmission changed the stream: %+v", revs)
					}
					st = &rnext
				}
			}
			if !seen[sampling.Tightened] || !seen[sampling.Reduced] {
				t.Errorf("severities seen %v: the series should reach tightened and reduced", seen)
			}
		})
	}
}

func TestSwitchingEdges(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	std := sampling.ISO2859
	// Without approval of reduced inspection a clean run stays at normal.
	var st *inspection.Stream
	for i := int64(1); i <= 40; i++ {
		in, cr := lotWith(t, i, st, std, false, 0, false)
		next, _, err := inspection.Advance(st, in, cr, qm, now)
		if err != nil {
			t.Fatal(err)
		}
		st = &next
	}
	if st.State.Severity != sampling.Normal || st.State.Score < 30 {
		t.Fatalf("%+v", st.State)
	}

	// A lot planned at normal but decided after the stream moved to
	// tightened is recorded as skipped and changes nothing.
	stale, staleCR := lotWith(t, 100, nil, std, false, 9, false)
	moved := *st
	moved.State = sampling.SwitchState{Severity: sampling.Tightened, Lots: 3}
	next, evs, err := inspection.Advance(&moved, stale, staleCR, qm, now)
	if err != nil || len(evs) != 1 || evs[0].Action != inspection.StreamSkipped || next.State != moved.State {
		t.Fatalf("%+v %v", evs, err)
	}

	// A new AQL starts a new series at normal.
	cfg2 := sampling.SwitchConfig{Standard: std, Level: sampling.LevelII, AQL: aql("1.5")}
	if sev, _, _ := inspection.SeverityInForce(&moved, cfg2, false); sev != sampling.Normal {
		t.Errorf("new series at %s", sev)
	}
	sp, _ := inspection.PlanSampling(inspection.SamplingInput{Standard: std, Level: sampling.LevelII, Classes: classes{{Class: major, AQL: aql("1.5")}}, Lot: 3000, Counting: inspection.CountDefectives})
	in := &inspection.Inspection{ID: 101, Kind: inspection.KindPreShipment, SupplierID: 10, ProductID: 1, Sampling: sp}
	cr, _ := inspection.Evaluate(in, testSpec(), nil).Class(major)
	next, evs, err = inspection.Advance(&moved, in, cr, qm, now)
	if err != nil || len(evs) != 2 || evs[0].Action != inspection.StreamRestarted || evs[1].Action != inspection.StreamApplied || next.Config.AQL != aql("1.5") {
		t.Fatalf("%+v %v", evs, err)
	}

	// Discontinuation blocks new lots until a quality manager resumes at
	// tightened inspection.
	disc := moved
	disc.State = sampling.SwitchState{Severity: sampling.Tightened, Discontinued: true, TightenedNotAccepted: 5}
	cfg := sampling.SwitchConfig{Standard: std, Level: sampling.LevelII, AQL: aql("2.5")}
	_, _, err = inspection.SeverityInForce(&disc, cfg, false)
	wantKind(t, "plan while discontinued", err, qms.KindConflict)
	if _, _, err := inspection.SeverityInForce(&disc, cfg, true); err != nil {
		t.Errorf("a resubmission is still planned: %v", err)
	}
	_, err = inspection.CheckResume(inspector, &disc, "8D closed")
	wantKind(t, "inspector resumes", err, qms.KindForbidden)
	_, err = inspection.CheckResume(qm, &moved, "x")
	wantKind(t, "resume a running stream", err, qms.KindConflict)
	reason, err := inspection.CheckResume(qm, &disc, " 8D closed, new moulds ")
	if err != nil {
		t.Fatal(err)
	}
	res, ev := inspection.Resume(disc, reason, qm, now)
	if res.State.Discontinued || res.State.Severity != sampling.Tightened || ev.Action != inspection.StreamResumed {
		t.Errorf("%+v %+v", res.State, ev)
	}
}
