package store_test

import (
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// recordAll records entries in one transaction as the inspector.
func (f *inspFixture) recordAll(t *testing.T, id int64, es ...inspection.Entry) {
	t.Helper()
	update(t, f.s, userCtx(f.inspector), func(tx *store.Tx) error {
		for _, e := range es {
			e.InspectionID, e.Key = id, f.key()
			if _, err := tx.RecordEntry(&e); err != nil {
				return err
			}
		}
		return nil
	})
}

// lotWithMajors records a whole incoming lot with d major defective units
// and submits it.
func (f *inspFixture) lotWithMajors(t *testing.T, in *inspection.Inspection, d int) *inspection.Inspection {
	t.Helper()
	es := []inspection.Entry{unitsDone(1, in.Sampling.UnitsToDraw)}
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking, inspection.SecTests, inspection.SecMeasurements} {
		es = append(es, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.NotApplicable}})
	}
	for _, no := range []int{3, 5, 6} {
		es = append(es, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: no, Result: inspection.Conform}})
	}
	for u := 1; u <= d; u++ {
		es = append(es, defectAt(u, "FUN-01", ""))
	}
	f.recordAll(t, in.ID, es...)
	return f.submit(t, in.ID, inspection.Submission{})
}

// TestSwitchingAcrossInspections runs a series of incoming lots through
// booking, recording, submission and decision, sending every failed lot to
// rework and deciding its re-inspection too. Each new lot is planned at
// the severity the sampling engine's own state machine gives when it is
// fed the original lots' counts directly, the stored state equals the
// engine's after every decision, and resubmitted lots are recorded as
// ignored.
func TestSwitchingAcrossInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		cfg := sampling.SwitchConfig{Standard: sampling.ISO2859, Level: sampling.LevelII, AQL: mustAQL("2.5")}
		engine := cfg.Start()
		// Major defective units per original lot (n 125, Ac 7, Re 8 on
		// normal): two failures within five lots -> tightened; five accepted
		// -> normal; a clean run of ten (switching score 30, reduced
		// approved in the plan) -> reduced; a rejection -> normal.
		series := []int{1, 9, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0}
		severities := map[sampling.Severity]int{}
		originals, resubmissions := 0, 0
		for i, d := range series {
			in := f.book(t, f.lot(inspection.KindIncoming, 3000))
			cp, _ := in.Sampling.Class(inspection.Major)
			if cp.Severity != engine.Severity {
				t.Fatalf("lot %d planned at %s, the engine is at %s", i, cp.Severity, engine.Severity)
			}
			severities[cp.Severity]++
			d = min(d, cp.SampleSize)
			sub := f.lotWithMajors(t, in, d)
			out, next, err := cfg.Next(engine, sampling.LotInput{Defects: d, Lot: 3000, ApproveReduced: true})
			if err != nil {
				t.Fatal(err)
			}
			engine = next
			mj, _ := sub.Result.Class(inspection.Major)
			if (mj.Verdict == inspection.VerdictPass) != out.Accepted {
				t.Fatalf("lot %d: verdict %s, engine accepted %v", i, mj.Verdict, out.Accepted)
			}
			originals++
			if sub.Verdict == inspection.VerdictFail {
				dec := f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideRework, Reason: "sort all units for no sound"})
				re := f.get(t, *dec.Decision.ReinspectionID)
				f.lotWithMajors(t, re, 0)
				f.decide(t, re.ID, inspection.Decision{Kind: inspection.DecideRelease})
				resubmissions++
			} else {
				f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideRelease})
			}
			var st *inspection.Stream
			view(t, s, func(tx *store.Tx) error {
				sts, err := tx.SwitchingStreams(f.sup.ID, f.product.ID)
				if err == nil {
					st = &sts[0]
				}
				return err
			})
			if st.Class != inspection.Major || st.State != engine {
				t.Fatalf("lot %d: stored %+v, engine %+v", i, st.State, engine)
			}
			if out.Reason != "" && st.Reason == "" {
				t.Errorf("lot %d: why the severity changed is not kept", i)
			}
		}
		if severities[sampling.Tightened] == 0 || severities[sampling.Reduced] == 0 {
			t.Errorf("severities planned %v: the series should reach tightened and reduced", severities)
		}
		view(t, s, func(tx *store.Tx) error {
			evs, err := tx.SwitchingHistory(f.sup.ID, f.product.ID, inspection.Major, 200)
			if err != nil {
				return err
			}
			n := map[inspection.StreamAction]int{}
			for _, ev := range evs {
				n[ev.Action]++
			}
			if n[inspection.StreamApplied] != originals || n[inspection.StreamIgnored] != resubmissions || len(evs) != originals+resubmissions {
				t.Errorf("history %v, want %d applied and %d ignored", n, originals, resubmissions)
			}
			if evs[0].Outcome == nil || evs[len(evs)-1].SeverityBefore != sampling.Normal {
				t.Errorf("newest %+v", evs[0])
			}
			rates, err := tx.RejectionRates(store.LotResultFilter{SupplierID: f.sup.ID}, store.GroupTotal)
			if err != nil || len(rates) != 1 || rates[0].Lots != originals || rates[0].Rejected != resubmissions {
				t.Errorf("first-time rates %+v %v", rates, err)
			}
			all, _ := tx.RejectionRates(store.LotResultFilter{SupplierID: f.sup.ID, IncludeResubmitted: true}, store.GroupTotal)
			if all[0].Lots != originals+resubmissions {
				t.Errorf("with resubmissions %+v", all)
			}
			return nil
		})
		checkAudit(t, s)
	})
}

// TestSwitchingDiscontinuedAndResumed: five lots not accepted in one
// tightened period discontinue acceptance inspection; booking is refused
// until a quality manager resumes it at tightened inspection.
func TestSwitchingDiscontinuedAndResumed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		for i := 0; i < 7; i++ { // 2 failures -> tightened, then 5 more -> discontinued
			in := f.book(t, f.lot(inspection.KindIncoming, 3000))
			f.lotWithMajors(t, in, 20)
			f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideReject, Reason: "no sound"})
		}
		err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(f.lot(inspection.KindIncoming, 3000)) })
		wantKind(t, "booking while discontinued", err, qms.KindConflict)
		wantKind(t, "an inspector resumes", s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			return tx.ResumeSwitching(f.sup.ID, f.product.ID, inspection.Major, "8D accepted")
		}), qms.KindForbidden)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.ResumeSwitching(f.sup.ID, f.product.ID, inspection.Major, "8D D7 verified: new speaker supplier")
		})
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		if cp, _ := in.Sampling.Class(inspection.Major); cp.Severity != sampling.Tightened || cp.SeverityReason == "" {
			t.Errorf("%+v", cp)
		}
		checkAudit(t, s)
	})
}
