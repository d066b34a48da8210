package demo_test

import (
	"bytes"
	"context"
	"testing"

	"qms/internal/demo"
	"qms/internal/document"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestLoadDocuments loads the quality system demo over the demo users and
// suppliers: a quality manual with three revisions (two superseded), the
// quality policy, procedures in force with revisions in progress, every
// approval signed and matching, acknowledgements assigned (one done), the
// process register and risks; loading again changes nothing.
func TestLoadDocuments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadDocuments(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		sys := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
		check := func() {
			err := st.View(sys, func(tx *store.Tx) error {
				rows, _, err := tx.ListDocuments(store.DocumentFilter{Limit: 50})
				if err != nil {
					return err
				}
				types := map[document.Type]bool{}
				var manual, policy *store.DocumentRow
				inProgress := 0
				for i, r := range rows {
					types[r.Type] = true
					switch r.Number {
					case "QM-001":
						manual = &rows[i]
					case "POL-001":
						policy = &rows[i]
					}
					if r.LatestStatus == document.StatusDraft || r.LatestStatus == document.StatusInReview {
						inProgress++
					}
				}
				if len(rows) < 8 || len(types) != len(document.Types) || manual == nil || policy == nil || inProgress < 3 {
					t.Fatalf("%d documents, types %v, in progress %d", len(rows), types, inProgress)
				}
				revs, err := tx.Revisions(manual.ID)
				if err != nil {
					return err
				}
				if len(revs) != 3 || revs[0].Status != document.StatusEffective || revs[1].Status != document.StatusSuperseded ||
					revs[2].Status != document.StatusSuperseded || manual.EffectiveRevision != 3 {
					t.Errorf("quality manual revisions: %+v", revs)
				}
				checks, err := tx.CheckSignatures("document_revision", revs[0].ID)
				if err != nil || len(checks) != 1 || !checks[0].Matches {
					t.Errorf("approval signature of the manual: %+v %v", checks, err)
				}
				acks, err := tx.Acknowledgements(store.AckFilter{DocumentID: policy.ID, Limit: 50})
				if err != nil {
					return err
				}
				done := 0
				for _, a := range acks {
					if a.AcknowledgedAt != nil {
						done++
					}
				}
				if len(acks) < 4 || done != 1 {
					t.Errorf("policy acknowledgements: %d, %d done", len(acks), done)
				}
				procs, err := tx.Processes()
				if err != nil {
					return err
				}
				risks, err := tx.Risks(store.RiskFilter{})
				if len(procs) != 5 || len(risks) != 5 {
					t.Errorf("%d processes, %d risks", len(procs), len(risks))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		check()
		if err := demo.LoadDocuments(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		check()
	})
}
