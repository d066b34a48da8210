package demo_test

import (
	"bytes"
	"context"
	"testing"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/demo"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestLoadNCRs loads the NCR demo over the inspection demo and checks what
// it promises: NCRs in every state with costs, an 8D in progress, a CAPA
// closed with a signature on a passed criterion, a supplier request with
// the supplier's answers and a returned stage; loading again changes
// nothing.
func TestLoadNCRs(t *testing.T) {
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
		if err := demo.LoadNCRs(ctx, st, files, &out); err != nil {
			t.Fatal(err)
		}
		sys := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
		var ncrs []ncr.NCR
		var capas []capa.CAPA
		var copq []store.COPQRow
		full := map[int64]*capa.CAPA{}
		if err := st.View(sys, func(tx *store.Tx) (err error) {
			if ncrs, _, err = tx.ListNCRs(store.NCRFilter{Limit: 100}); err != nil {
				return err
			}
			if capas, _, err = tx.ListCAPAs(store.CAPAFilter{Limit: 100}); err != nil {
				return err
			}
			for _, c := range capas {
				if full[c.ID], err = tx.CAPA(c.ID); err != nil {
					return err
				}
			}
			copq, err = tx.CostOfPoorQuality(store.NCRViewFilter{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		states := map[ncr.Status]int{}
		fromInspection := 0
		for _, n := range ncrs {
			states[n.Status]++
			if n.InspectionID > 0 {
				fromInspection++
			}
		}
		for _, s := range ncr.Statuses {
			if states[s] == 0 {
				t.Errorf("no %s NCR", s)
			}
		}
		if fromInspection != 2 {
			t.Errorf("%d NCRs raised from inspections, want 2", fromInspection)
		}
		if curs := store.COPQTotals(copq); len(curs) != 3 {
			t.Errorf("costs in %d currencies, want 3: %+v", len(curs), curs)
		}
		var closed, inProgress, scar bool
		for _, c := range full {
			switch {
			case c.Status == capa.StatusClosed:
				closed = c.Closure != nil && c.Closure.SignatureID > 0 && !c.Closure.Override && c.Evaluation != nil && c.Evaluation.Outcome == capa.OutcomePass &&
					len(c.Evaluation.Points) == 2
			case c.Kind == capa.KindSupplier:
				scar = c.Stage(capa.D3).Done() && c.Stage(capa.D4).State == capa.StageSubmitted && c.Stage(capa.D4).SubmittedBy == "陈静 (Chen Jing), 深圳精密五金有限公司" &&
					len(c.Report.D4.Ishikawa.Causes) == 5
			case c.Kind == capa.KindInternal && c.Status == capa.StatusOpen:
				inProgress = c.CurrentStage() == capa.D3 && len(c.Report.D4.Ishikawa.Causes) == 6
			}
		}
		if !closed || !inProgress || !scar {
			t.Errorf("closed and proven %v, 8D in progress %v, supplier request answered %v", closed, inProgress, scar)
		}
		before := len(ncrs)
		if err := demo.LoadNCRs(ctx, st, files, &out); err != nil {
			t.Fatal(err)
		}
		if err := st.View(sys, func(tx *store.Tx) (err error) { ncrs, _, err = tx.ListNCRs(store.NCRFilter{Limit: 100}); return err }); err != nil || len(ncrs) != before {
			t.Errorf("loading again: %d NCRs, want %d (%v)", len(ncrs), before, err)
		}
	})
}
