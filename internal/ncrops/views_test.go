package ncrops_test

import (
	"context"
	"reflect"
	"testing"

	"qms/internal/capaops/capatest"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRViewsThroughOperations: the Paretos and the cost of poor quality
// through the operations equal the store views over the NCRs the test
// raises (costs in two currencies stay apart); supplier users and callers
// without an actor are forbidden; a bad grouping or period is invalid,
// naming the field.
func TestNCRViewsThroughOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops, insp, viewer := w.NCRs, w.As(qms.RoleInspector), w.As(qms.RoleViewer)
		na, nb, nb2 := w.NCR(t, w.PA), w.NCR(t, w.PB), w.NCR(t, w.PB)
		if _, err := ops.SetCost(insp, na.ID, na.Version, ncr.Cost{Currency: "EUR", Scrap: 12050, Freight: 800}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.SetCost(insp, nb.ID, nb.Version, ncr.Cost{Currency: "USD", Rework: 30000, ChargedBack: 10000}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.SetCost(insp, nb2.ID, nb2.Version, ncr.Cost{Currency: "USD", Sorting: 5000}, ""); err != nil {
			t.Fatal(err)
		}
		f := store.NCRViewFilter{From: na.DetectedOn.AddDate(0, 0, -1), To: na.DetectedOn.AddDate(0, 0, 1)}

		var byDefect, bySupplier, byCause []store.ParetoCount
		var rows []store.COPQRow
		err := st.View(context.Background(), func(tx *store.Tx) (err error) {
			if byDefect, err = tx.NCRParetoByDefect(f); err != nil {
				return err
			}
			if bySupplier, err = tx.NCRParetoBySupplier(f); err != nil {
				return err
			}
			if byCause, err = tx.NCRParetoByCause(f); err != nil {
				return err
			}
			rows, err = tx.CostOfPoorQuality(f)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(bySupplier) != 2 || bySupplier[0].NCRs != 2 || bySupplier[1].NCRs != 1 || len(byDefect) == 0 {
			t.Fatalf("store views over the test's NCRs: by supplier %+v, by defect %+v", bySupplier, byDefect)
		}
		want := map[ncrops.ParetoBy][]store.ParetoCount{ncrops.ByDefectCode: byDefect, ncrops.BySupplier: bySupplier, ncrops.ByCause: byCause}
		for by, counts := range want {
			got, err := ops.Pareto(viewer, by, f)
			if err != nil || !reflect.DeepEqual(got, counts) {
				t.Errorf("Pareto by %s = %+v, %v; the store says %+v", by, got, err, counts)
			}
		}
		all, err := ops.Paretos(viewer, f)
		if err != nil || !reflect.DeepEqual(all, want) {
			t.Errorf("Paretos = %+v, %v; want %+v", all, err, want)
		}
		c, err := ops.CostOfPoorQuality(viewer, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(c.Rows, rows) {
			t.Errorf("COPQ rows %+v; the store says %+v", c.Rows, rows)
		}
		if len(c.Totals) != 2 || c.Totals[0].Currency != "EUR" || c.Totals[0].Total() != 12850 ||
			c.Totals[1].Currency != "USD" || c.Totals[1].Total() != 35000 || c.Totals[1].ChargedBack != 10000 || c.Totals[1].NCRs != 2 {
			t.Errorf("COPQ totals per currency: %+v", c.Totals)
		}
		// A period before the NCRs: nothing.
		early := store.NCRViewFilter{From: qms.NewDate(2001, 1, 1), To: qms.NewDate(2001, 12, 31)}
		if got, err := ops.Pareto(viewer, ncrops.BySupplier, early); err != nil || len(got) != 0 {
			t.Errorf("Pareto of 2001 = %+v, %v", got, err)
		}

		// Supplier users and no actor: forbidden.
		for name, ctx := range map[string]context.Context{"supplier A": w.SupplierA(), "supplier B": w.SupplierB(), "no actor": context.Background()} {
			_, err := ops.Pareto(ctx, ncrops.BySupplier, f)
			capatest.WantKind(t, "Pareto as "+name, err, qms.KindForbidden)
			_, err = ops.Paretos(ctx, f)
			capatest.WantKind(t, "Paretos as "+name, err, qms.KindForbidden)
			_, err = ops.CostOfPoorQuality(ctx, f)
			capatest.WantKind(t, "COPQ as "+name, err, qms.KindForbidden)
		}

		// Bad input: invalid, naming the field.
		_, err = ops.Pareto(viewer, "month", f)
		capatest.WantKind(t, "Pareto by month", err, qms.KindInvalid)
		if qms.ErrorFields(err)["by"] == "" {
			t.Errorf("bad grouping: no field error on by: %v", err)
		}
		for _, c := range []struct {
			field string
			f     store.NCRViewFilter
		}{
			{"to", store.NCRViewFilter{From: qms.NewDate(2026, 5, 1), To: qms.NewDate(2026, 4, 30)}}, // from after to
			{"from", store.NCRViewFilter{From: qms.NewDate(1200, 1, 1), To: qms.NewDate(2026, 4, 30)}},
			{"to", store.NCRViewFilter{From: qms.NewDate(2000, 1, 1), To: qms.NewDate(2026, 1, 1)}}, // over ten years
			{"supplier_id", store.NCRViewFilter{SupplierID: -1}},
		} {
			_, err := ops.Pareto(viewer, ncrops.ByCause, c.f)
			capatest.WantKind(t, "Pareto over a bad "+c.field, err, qms.KindInvalid)
			_, err2 := ops.CostOfPoorQuality(viewer, c.f)
			capatest.WantKind(t, "COPQ over a bad "+c.field, err2, qms.KindInvalid)
			if qms.ErrorFields(err)[c.field] == "" || qms.ErrorFields(err2)[c.field] == "" {
				t.Errorf("%+v: no field error on %s: %v; %v", c.f, c.field, err, err2)
			}
		}
	})
}
