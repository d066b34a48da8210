package store_test

import (
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestCheckedEntry checks an entry in a read transaction and writes it in
// a later one (what inspectionops does to keep the single writer short),
// with the inspection changing in between: started by another recorder,
// the same key stored meanwhile, submitted.
func TestCheckedEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		check := func(e *inspection.Entry) *inspection.Inspection {
			t.Helper()
			e.InspectionID = in.ID
			var checked *inspection.Inspection
			view(t, s, func(tx *store.Tx) error {
				var err error
				if checked, err = tx.RecordingInspection(in.ID); err != nil {
					return err
				}
				stored, err := tx.CheckEntry(checked, e)
				if stored {
					t.Errorf("entry %s reported stored", e.Key)
				}
				return err
			})
			return checked
		}
		write := func(e *inspection.Entry, checked *inspection.Inspection) (bool, error) {
			var created bool
			err := s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
				var err error
				created, err = tx.RecordCheckedEntry(e, checked)
				return err
			})
			return created, err
		}

		// Checked while planned; another entry starts the inspection first.
		a := defectAt(1, "SCR-01", "")
		a.Key = f.key()
		checkedA := check(&a)
		f.record(t, in.ID, defectAt(2, "SCR-01", ""))
		if created, err := write(&a, checkedA); err != nil || !created || a.ID == 0 {
			t.Fatalf("after start: created %v, %v", created, err)
		}
		starts := 0
		for _, ev := range auditOf(t, s, "inspection", in.ID) {
			if ev.Action == "start" {
				starts++
			}
		}
		if cur := f.get(t, in.ID); cur.Status != inspection.StatusInProgress || starts != 1 {
			t.Errorf("status %s, %d start events", cur.Status, starts)
		}

		// The same key stored meanwhile: same content answers with the
		// stored entry, other content is a conflict.
		b := defectAt(3, "SCR-01", "")
		b.Key = f.key()
		checkedB := check(&b)
		c := defectAt(4, "SCR-01", "")
		c.Key = b.Key
		checkedC := check(&c)
		stored := f.record(t, in.ID, b)
		b2 := b
		if created, err := write(&b2, checkedB); err != nil || created || b2.ID != stored.ID {
			t.Errorf("same key, same content: created %v, id %d want %d, %v", created, b2.ID, stored.ID, err)
		}
		_, err := write(&c, checkedC)
		wantKind(t, "same key, other content", err, qms.KindConflict)

		// Submitted between the check and the write: refused, nothing written.
		d := defectAt(5, "SCR-01", "")
		d.Key = f.key()
		checkedD := check(&d)
		f.completeLot(t, in)
		f.submit(t, in.ID, inspection.Submission{})
		entries, audits := rowCount(t, s, "inspection_entries"), countAudit(t, s)
		_, err = write(&d, checkedD)
		wantKind(t, "submitted meanwhile", err, qms.KindConflict)
		if rowCount(t, s, "inspection_entries") != entries || countAudit(t, s) != audits {
			t.Error("a refused entry wrote something")
		}
		// The recording cache serves the inspection as it is now.
		view(t, s, func(tx *store.Tx) error {
			got, err := tx.RecordingInspection(in.ID)
			if err == nil && (got.Status != inspection.StatusSubmitted || got.Version != f.get(t, in.ID).Version) {
				t.Errorf("recording cache: status %s version %d", got.Status, got.Version)
			}
			return err
		})
		checkAudit(t, s)
	})
}
