package store_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestRejectionRates stores a varied set of third-party lot results and
// checks every grouping and filter of RejectionRates against a plain
// computation over the same results.
func TestRejectionRates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		sup2 := newSupplier(t, s, "Công ty TNHH Điện tử Sao Mai", "", "VN", "electronics")
		site2 := newSite(t, s, sup2.ID, "Nhà máy Bắc Ninh", "", "KCN Quế Võ, Bắc Ninh", "electronics")
		site3 := newSite(t, s, f.sup.ID, "华强二厂", "Huaqiang Plant 2", "东莞市", "electronics")
		toy := &inspection.Product{SKU: "TOY-7", Name: "Plush bear 30 cm", Category: "toys", Market: "US"}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateProduct(toy) })
		places := []struct{ sup, site int64 }{{f.sup.ID, f.site.ID}, {f.sup.ID, site3.ID}, {sup2.ID, site2.ID}}
		products := []*inspection.Product{f.product, toy}
		kinds := []inspection.Kind{inspection.KindIncoming, inspection.KindInProcess, inspection.KindPreShipment}
		rng := rand.New(rand.NewPCG(5, 2026))
		var all []inspection.LotResult
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			for i := 0; i < 80; i++ {
				pl, p := places[rng.IntN(len(places))], products[rng.IntN(len(products))]
				lot := 50 + rng.IntN(5000)
				sample := min(lot, []int{8, 32, 80, 125, 200}[rng.IntN(5)])
				cd, md, nd := rng.IntN(2), rng.IntN(6), rng.IntN(9)
				if cd+md+nd > sample {
					cd, md, nd = 0, 0, 0
				}
				v := []inspection.Verdict{inspection.VerdictPass, inspection.VerdictFail, inspection.VerdictPending}[rng.IntN(3)]
				d := []inspection.DecisionKind{inspection.DecideRelease, inspection.DecideConcession, inspection.DecideRework, inspection.DecideReject}[rng.IntN(4)]
				r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", ExternalRef: fmt.Sprintf("QIMA-%05d", i),
					SupplierID: pl.sup, SiteID: pl.site, ProductID: p.ID, Kind: kinds[rng.IntN(len(kinds))],
					InspectedOn: qms.NewDate(2025, 10, 1).AddDate(0, 0, rng.IntN(200)), LotSize: lot, SampleSize: sample,
					CriticalDefective: cd, MajorDefective: md, MinorDefective: nd, CriticalDefects: cd, MajorDefects: md + rng.IntN(3), MinorDefects: nd + rng.IntN(4),
					DefectiveUnits: cd + md + nd, Verdict: v, Decision: d, Resubmitted: rng.IntN(6) == 0}
				if err := tx.InsertLotResult(&r); err != nil {
					return err
				}
				all = append(all, r)
			}
			return nil
		})
		// A voided import no longer counts; an inspection's result cannot be voided.
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.VoidLotResult(all[0].ID, "duplicate import of QIMA-00000") })
		all = all[1:]

		type query struct {
			f     store.LotResultFilter
			group string
		}
		mid := qms.NewDate(2026, 1, 15)
		queries := []query{
			{store.LotResultFilter{}, store.GroupTotal},
			{store.LotResultFilter{IncludeResubmitted: true}, store.GroupKind},
			{store.LotResultFilter{SupplierID: f.sup.ID}, store.GroupKind},
			{store.LotResultFilter{SupplierID: f.sup.ID, From: mid}, store.GroupMonth},
			{store.LotResultFilter{ProductID: f.product.ID, From: qms.NewDate(2025, 11, 1), To: mid}, store.GroupMonth},
			{store.LotResultFilter{SiteID: site3.ID, Kind: inspection.KindPreShipment}, store.GroupTotal},
			{store.LotResultFilter{Category: "Toys"}, store.GroupSupplier},
			{store.LotResultFilter{From: mid, To: mid}, store.GroupSite},
			{store.LotResultFilter{Kind: inspection.KindIncoming}, store.GroupProduct},
			{store.LotResultFilter{}, store.GroupCategory},
		}
		for _, q := range queries {
			want := expectedRates(all, q.f, q.group, f.product.ID)
			var got []inspection.Rate
			view(t, s, func(tx *store.Tx) error {
				var err error
				got, err = tx.RejectionRates(q.f, q.group)
				return err
			})
			if !slices.Equal(got, want) {
				t.Errorf("%+v by %q:\n got %+v\nwant %+v", q.f, q.group, got, want)
			}
		}
		view(t, s, func(tx *store.Tx) error {
			_, err := tx.RejectionRates(store.LotResultFilter{}, "week")
			wantKind(t, "unknown group", err, qms.KindInvalid)
			if s.Dialect() == store.SQLite {
				for _, c := range []struct {
					f     store.LotResultFilter
					index string
				}{
					{store.LotResultFilter{SupplierID: f.sup.ID, From: mid}, "lot_results_supplier"},
					{store.LotResultFilter{ProductID: f.product.ID}, "lot_results_product"},
					{store.LotResultFilter{SiteID: site2.ID, From: mid}, "lot_results_site"},
				} {
					plan, err := tx.RejectionRatesPlan(c.f, store.GroupKind)
					if err != nil || !strings.Contains(plan, "COVERING INDEX "+c.index) {
						t.Errorf("plan for %+v does not use the covering index %s: %s %v", c.f, c.index, plan, err)
					}
				}
			}
			return nil
		})

		// Bad imports: clear errors, nothing written.
		n, audits := rowCount(t, s, "lot_results"), countAudit(t, s)
		base := func() inspection.LotResult {
			return inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "V-Trust", SupplierID: f.sup.ID, SiteID: f.site.ID, ProductID: f.product.ID,
				Kind: inspection.KindPreShipment, InspectedOn: mid, LotSize: 1000, SampleSize: 80, DefectiveUnits: 2, MinorDefective: 2, MinorDefects: 2, Verdict: inspection.VerdictPass}
		}
		for _, b := range []struct {
			name  string
			edit  func(r *inspection.LotResult)
			field string
		}{
			{"more defective units than inspected", func(r *inspection.LotResult) { r.DefectiveUnits, r.MinorDefective, r.MinorDefects = 81, 81, 81 }, "defective_units"},
			{"site of another supplier", func(r *inspection.LotResult) { r.SiteID = site2.ID }, "site_id"},
			{"unknown product", func(r *inspection.LotResult) { r.ProductID = 99999 }, "product_id"},
			{"sample larger than the lot", func(r *inspection.LotResult) { r.LotSize = 50 }, "sample_size"},
		} {
			r := base()
			b.edit(&r)
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.InsertLotResult(&r) })
			wantKind(t, b.name, err, qms.KindInvalid)
			if qms.ErrorFields(err)[b.field] == "" {
				t.Errorf("%s: %v lacks %s", b.name, err, b.field)
			}
		}
		if rowCount(t, s, "lot_results") != n || countAudit(t, s) != audits {
			t.Error("a bad import wrote something")
		}
		checkAudit(t, s)
	})
}

// expectedRates computes RejectionRates plainly over rs.
func expectedRates(rs []inspection.LotResult, f store.LotResultFilter, group string, electronicsProduct int64) []inspection.Rate {
	by := map[string]*inspection.Rate{}
	for _, r := range rs {
		switch {
		case f.SupplierID != 0 && r.SupplierID != f.SupplierID, f.SiteID != 0 && r.SiteID != f.SiteID,
			f.ProductID != 0 && r.ProductID != f.ProductID, f.Kind != "" && r.Kind != f.Kind,
			!f.From.IsZero() && r.InspectedOn.Before(f.From), !f.To.IsZero() && r.InspectedOn.After(f.To),
			!f.IncludeResubmitted && r.Resubmitted, f.Category != "" && r.Category != strings.ToLower(f.Category):
			continue
		}
		var k string
		switch group {
		case store.GroupKind:
			k = string(r.Kind)
		case store.GroupMonth:
			k = r.InspectedOn.String()[:7]
		case store.GroupSupplier:
			k = fmt.Sprint(r.SupplierID)
		case store.GroupSite:
			k = fmt.Sprint(r.SiteID)
		case store.GroupProduct:
			k = fmt.Sprint(r.ProductID)
		case store.GroupCategory:
			k = r.Category
		}
		x := by[k]
		if x == nil {
			x = &inspection.Rate{Key: k}
			by[k] = x
		}
		x.Lots++
		if inspection.IsRejected(r.Verdict, r.Decision) {
			x.Rejected++
		}
		x.SampleUnits += int64(r.SampleSize)
		x.DefectiveUnits += int64(r.DefectiveUnits)
		x.CriticalDefects += int64(r.CriticalDefects)
		x.MajorDefects += int64(r.MajorDefects)
		x.MinorDefects += int64(r.MinorDefects)
	}
	out := []inspection.Rate{}
	for _, x := range by {
		out = append(out, *x)
	}
	// Ids sort as numbers in SQL; they have the same number of digits here.
	slices.SortFunc(out, func(a, b inspection.Rate) int { return strings.Compare(a.Key, b.Key) })
	_ = electronicsProduct
	return out
}
