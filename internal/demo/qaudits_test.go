package demo_test

import (
	"bytes"
	"context"
	"testing"

	"qms/internal/demo"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestLoadAudits loads the audit demo over the demo users, suppliers and
// process register: this year's programme with lines by risk, a closed
// internal audit, an internal audit with a minor nonconformity followed by
// a CAPA, a supplier audit of the portal supplier with its major finding
// followed by an NCR and a SCAR (which the supplier's user sees), and a
// planned audit; loading again changes nothing.
func TestLoadAudits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadDocuments(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadAudits(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		sys := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
		count := func() (audits []qaudit.QualityAudit, findings []qaudit.AuditFinding, items int) {
			err := st.View(sys, func(tx *store.Tx) error {
				var err error
				if audits, _, err = tx.ListQualityAudits(store.QualityAuditFilter{Limit: 50}); err != nil {
					return err
				}
				if findings, err = tx.ListAuditFindings(store.FindingFilter{Limit: 50}); err != nil {
					return err
				}
				pg, err := tx.AuditProgramme(qms.DateOf(st.Now()).Year())
				if err != nil {
					return err
				}
				items = len(pg.Items)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		audits, findings, items := count()
		status := map[qaudit.Status]int{}
		var supplierAudit *qaudit.QualityAudit
		for i, a := range audits {
			status[a.Status]++
			if a.Type == qaudit.TypeSupplier {
				supplierAudit = &audits[i]
			}
		}
		if len(audits) != 4 || status[qaudit.StatusClosed] != 1 || status[qaudit.StatusCompleted] != 2 || status[qaudit.StatusPlanned] != 1 || items < 5 {
			t.Fatalf("audits by status %v, %d programme lines", status, items)
		}
		var linkedNCR, linkedCAPA, closed int
		for _, f := range findings {
			if f.NCRID != 0 {
				linkedNCR++
			}
			if f.CAPAID != 0 {
				linkedCAPA++
			}
			if f.Status == qaudit.FindingClosed {
				closed++
			}
		}
		if linkedNCR != 1 || linkedCAPA != 2 || closed != 1 || len(findings) != 6 {
			t.Errorf("%d findings: %d with an NCR, %d with a CAPA, %d closed", len(findings), linkedNCR, linkedCAPA, closed)
		}
		if supplierAudit == nil || supplierAudit.Score == nil || *supplierAudit.Score >= 100 {
			t.Fatalf("supplier audit %+v", supplierAudit)
		}
		var sup *qms.User
		st.View(sys, func(tx *store.Tx) error { sup, _, _ = tx.UserByEmail("supplier@demo.qms"); return nil })
		if !qaudit.CanSee(qms.ActorOf(sup, "session"), supplierAudit) {
			t.Error("the portal supplier's user does not see its audit")
		}
		out.Reset()
		if err := demo.LoadAudits(ctx, st, &out); err != nil {
			t.Fatal(err)
		}
		if again, _, _ := count(); len(again) != len(audits) {
			t.Errorf("loading again: %d audits, was %d", len(again), len(audits))
		}
	})
}
