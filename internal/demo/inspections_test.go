package demo_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"qms/internal/blob"
	"qms/internal/demo"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestLoadInspections loads the inspection demo over the demo users and
// suppliers and checks that it has every kind and outcome the demo
// promises, photos on defects, agency results for the rates, a report for
// every inspection, and that loading again changes nothing.
func TestLoadInspections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files := blob.NewService(st, disk, 0)
		if err := demo.LoadInspections(ctx, st, files, &out); err != nil {
			t.Fatal(err)
		}
		sys := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
		var all []inspection.Inspection
		if err := st.View(sys, func(tx *store.Tx) error {
			var err error
			all, _, err = tx.ListInspections(store.InspectionFilter{Limit: 200})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		kinds, statuses, verdicts, decisions := map[inspection.Kind]int{}, map[inspection.Status]int{}, map[inspection.Verdict]int{}, map[inspection.DecisionKind]int{}
		resubmitted := 0
		for _, in := range all {
			kinds[in.Kind]++
			statuses[in.Status]++
			verdicts[in.Verdict]++
			if in.Decision != nil {
				decisions[in.Decision.Kind]++
			}
			if in.Resubmitted() {
				resubmitted++
			}
		}
		for _, k := range inspection.Kinds {
			if kinds[k] == 0 {
				t.Errorf("no %s inspection", k)
			}
		}
		for _, s := range []inspection.Status{inspection.StatusPlanned, inspection.StatusInProgress, inspection.StatusSubmitted, inspection.StatusDecided} {
			if statuses[s] == 0 {
				t.Errorf("no %s inspection", s)
			}
		}
		for _, v := range []inspection.Verdict{inspection.VerdictPass, inspection.VerdictFail, inspection.VerdictPending} {
			if verdicts[v] == 0 {
				t.Errorf("no inspection with verdict %s", v)
			}
		}
		for _, d := range []inspection.DecisionKind{inspection.DecideRelease, inspection.DecideRework, inspection.DecideReject, inspection.DecideApprove} {
			if decisions[d] == 0 {
				t.Errorf("no inspection decided %s", d)
			}
		}
		if resubmitted == 0 {
			t.Error("no resubmitted inspection")
		}
		var photos, lots int
		st.DB().QueryRow("SELECT COUNT(*) FROM files WHERE owner_type = 'inspection'").Scan(&photos)
		st.DB().QueryRow("SELECT COUNT(*) FROM lot_results WHERE source = 'third_party'").Scan(&lots)
		if photos < 15 || lots < 30 {
			t.Errorf("%d photos, %d agency results", photos, lots)
		}
		// Every inspection has a report; a decided one with defects shows their photos.
		ops := &resultops.Service{Store: st}
		withPhotos := 0
		for _, in := range all {
			r, err := ops.InspectionReport(sys, in.ID, "", time.Now())
			if err != nil {
				t.Fatalf("report of inspection %d: %v", in.ID, err)
			}
			for _, p := range r.Photos {
				if p.Image && !p.General {
					withPhotos++
					break
				}
			}
		}
		if withPhotos < 3 {
			t.Errorf("%d reports with defect photos", withPhotos)
		}
		rates, err := ops.Rates(sys, store.LotResultFilter{}, resultops.GroupMonth)
		if err != nil || len(rates) < 10 {
			t.Errorf("rates by month: %v, %d months", err, len(rates))
		}
		// Loading again changes nothing.
		if err := demo.LoadInspections(ctx, st, files, &out); err != nil {
			t.Fatal(err)
		}
		var n int
		st.DB().QueryRow("SELECT COUNT(*) FROM inspections").Scan(&n)
		if n != len(all) {
			t.Errorf("second load: %d inspections, want %d", n, len(all))
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}
