package api_test

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRViewsOverAPI: the Paretos and the cost of poor quality over the
// API give the numbers the store views give for NCRs the test raises and
// costs it records (two currencies, never added); a bad grouping, a
// period ending before it starts, an absurd or over-long period and a bad
// date are 422 naming the query parameter.
func TestNCRViewsOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newNCREnv(t, st)
		w := e.w
		insp := w.As(qms.RoleInspector)
		na, nb := w.NCR(t, w.PA), w.GetNCR(t, e.nB.ID)
		if _, err := w.NCRs.SetCost(insp, na.ID, na.Version, ncr.Cost{Currency: "EUR", Scrap: 12050, Freight: 800, ChargedBack: 500}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.NCRs.SetCost(insp, nb.ID, nb.Version, ncr.Cost{Currency: "USD", Rework: 30000, Other: 7}, ""); err != nil {
			t.Fatal(err)
		}
		f := store.NCRViewFilter{From: na.DetectedOn.AddDate(0, 0, -3), To: na.DetectedOn.AddDate(0, 0, 3)}
		period := "from=" + f.From.String() + "&to=" + f.To.String()

		var want = map[string][]store.ParetoCount{}
		var rows []store.COPQRow
		err := st.View(context.Background(), func(tx *store.Tx) (err error) {
			if want["defect_code"], err = tx.NCRParetoByDefect(f); err != nil {
				return err
			}
			if want["supplier"], err = tx.NCRParetoBySupplier(f); err != nil {
				return err
			}
			if want["cause"], err = tx.NCRParetoByCause(f); err != nil {
				return err
			}
			rows, err = tx.CostOfPoorQuality(f)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(want["supplier"]) != 2 || len(rows) != 2 {
			t.Fatalf("store views over the test's NCRs: %+v, %+v", want["supplier"], rows)
		}
		for by, counts := range want {
			r := e.do("GET", "/api/v1/ncrs/pareto?by="+by+"&"+period, "viewer", "")
			var got struct {
				By, From, To string
				Items        []store.ParetoCount
			}
			r.decode(t, &got)
			if r.status != 200 || got.By != by || got.From != f.From.String() || got.To != f.To.String() || !reflect.DeepEqual(got.Items, counts) {
				t.Errorf("Pareto by %s over the API: %d %s; the store says %+v", by, r.status, r.body, counts)
			}
		}

		r := e.do("GET", "/api/v1/ncrs/cost?"+period, "auditor", "")
		var got struct {
			Rows, Totals []map[string]any
		}
		r.decode(t, &got)
		if r.status != 200 {
			t.Fatalf("cost: %d %s", r.status, r.body)
		}
		asJSON := func(rs []store.COPQRow) []map[string]any {
			out := []map[string]any{}
			for _, x := range rs {
				m := map[string]any{"currency": x.Currency, "ncrs": x.NCRs, "scrap": x.Scrap, "rework": x.Rework, "sorting": x.Sorting,
					"freight": x.Freight, "other": x.Other, "total": x.Total(), "charged_back": x.ChargedBack}
				if x.Month != "" {
					m["supplier_id"], m["supplier"], m["month"] = x.SupplierID, x.Supplier, x.Month
				}
				b, _ := json.Marshal(m)
				var back map[string]any
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				out = append(out, back)
			}
			return out
		}
		if !reflect.DeepEqual(got.Rows, asJSON(rows)) {
			t.Errorf("cost rows over the API %v; the store says %v", got.Rows, asJSON(rows))
		}
		totals := store.COPQTotals(rows)
		if len(totals) != 2 || !reflect.DeepEqual(got.Totals, asJSON(totals)) {
			t.Errorf("cost totals over the API %v; the store says %v", got.Totals, asJSON(totals))
		}
		if eur := got.Totals[0]; eur["currency"] != "EUR" || eur["total"] != float64(12850) || eur["charged_back"] != float64(500) {
			t.Errorf("EUR total: %v", eur)
		}
		// Filtered by supplier: B's NCRs only.
		r = e.do("GET", "/api/v1/ncrs/cost?"+period+"&supplier_id="+strconv.FormatInt(w.B.Supplier.ID, 10), "viewer", "")
		r.decode(t, &got)
		if len(got.Totals) != 1 || got.Totals[0]["currency"] != "USD" || got.Totals[0]["total"] != float64(30007) {
			t.Errorf("B's cost: %s", r.body)
		}

		// Bad input: 422 naming the parameter.
		for _, c := range []struct{ path, at string }{
			{"/api/v1/ncrs/pareto?by=month", "query.by"},
			{"/api/v1/ncrs/pareto", "query.by"},
			{"/api/v1/ncrs/pareto?by=supplier&from=2026-05-01&to=2026-04-30", "query.to"},
			{"/api/v1/ncrs/cost?from=2026-05-01&to=2026-04-30", "query.to"},
			{"/api/v1/ncrs/pareto?by=cause&from=2000-01-01&to=2026-01-01", "query.to"},
			{"/api/v1/ncrs/cost?from=2000-01-01&to=2026-01-01", "query.to"},
			{"/api/v1/ncrs/cost?from=0999-01-01", "query.from"},
			{"/api/v1/ncrs/cost?from=2026-02-30", "query.from"},
			{"/api/v1/ncrs/pareto?by=supplier&to=yesterday", "query.to"},
		} {
			r := e.do("GET", c.path, "quality_manager", "")
			if r.status != 422 {
				t.Errorf("%s = %d, want 422: %s", c.path, r.status, r.body)
				continue
			}
			if p := r.problem(t); !slices.Contains(p.locations(), c.at) || p.Detail == "" {
				t.Errorf("%s: problem %+v does not name %s", c.path, p, c.at)
			}
		}
	})
}
