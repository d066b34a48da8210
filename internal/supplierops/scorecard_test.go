package supplierops_test

import (
	"context"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// TestScorecardAccess: internal users see every supplier's and site's
// scorecard; a supplier user its own only (another's is not found); a bad
// period is invalid; only administrators change the thresholds.
func TestScorecardAccess(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		sys := qms.WithActor(context.Background(), qms.System)
		// One rejected pre-shipment lot of A this month: 1 of 125 units defective.
		must(t, "lot", st.Update(sys, func(tx *store.Tx) error {
			p := &inspection.Product{SKU: "SC-1", Name: "Hinge", Category: "electronics"}
			if err := tx.CreateProduct(p); err != nil {
				return err
			}
			return tx.InsertLotResult(&inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", ExternalRef: "QIMA-1",
				SupplierID: w.A.Supplier.ID, SiteID: w.A.Site.ID, ProductID: p.ID, Kind: inspection.KindPreShipment, InspectedOn: opstest.Day(0),
				LotSize: 1000, SampleSize: 125, MajorDefective: 1, MajorDefects: 1, DefectiveUnits: 1, Verdict: inspection.VerdictFail,
				Decision: inspection.DecideReject})
		}))
		for _, r := range []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor} {
			u, ok := w.Users[r]
			if !ok {
				continue
			}
			sc, err := ops.SupplierScorecard(as(u), w.A.Supplier.ID, qms.Date{}, qms.Date{})
			must(t, string(r)+" A", err)
			if sc.Lots != 1 || sc.Rejected != 1 || sc.PPM != 8000 || sc.Tier != scorecard.TierC || len(sc.Months) != 12 {
				t.Errorf("%s: %+v", r, sc)
			}
			_, err = ops.SiteScorecard(as(u), w.B.Site.ID, qms.Date{}, qms.Date{})
			must(t, string(r)+" B's site", err)
		}
		a := as(w.A.User)
		sc, err := ops.SupplierScorecard(a, w.A.Supplier.ID, opstest.Day(-30), opstest.Day(0))
		must(t, "A's own", err)
		if sc.Lots != 1 {
			t.Errorf("A's own: %+v", sc)
		}
		site, err := ops.SiteScorecard(a, w.A.Site.ID, qms.Date{}, qms.Date{})
		must(t, "A's own site", err)
		if site.Lots != 1 || site.SiteID != w.A.Site.ID {
			t.Errorf("A's site: %+v", site)
		}
		_, err = ops.SupplierScorecard(a, w.B.Supplier.ID, qms.Date{}, qms.Date{})
		wantKind(t, "A's user, B's scorecard", err, qms.KindNotFound)
		_, err = ops.SiteScorecard(a, w.B.Site.ID, qms.Date{}, qms.Date{})
		wantKind(t, "A's user, B's site", err, qms.KindNotFound)
		_, err = ops.SupplierScorecard(as(w.Users[qms.RoleViewer]), 99999, qms.Date{}, qms.Date{})
		wantKind(t, "unknown supplier", err, qms.KindNotFound)
		_, err = ops.SupplierScorecard(as(w.Users[qms.RoleViewer]), w.A.Supplier.ID, opstest.Day(0), opstest.Day(-1))
		wantKind(t, "to before from", err, qms.KindInvalid)

		_, err = ops.ScorecardSettings(a)
		wantKind(t, "supplier user reads thresholds", err, qms.KindForbidden)
		th, err := ops.ScorecardSettings(as(w.Users[qms.RoleViewer]))
		must(t, "viewer reads thresholds", err)
		next := *th
		next.B.MinAcceptanceBP = 0
		next.B.MaxPPM = 10000
		wantKind(t, "quality manager changes thresholds",
			ops.UpdateScorecardSettings(as(w.Users[qms.RoleQualityManager]), &next, th.Version, "looser"), qms.KindForbidden)
		must(t, "admin changes thresholds", ops.UpdateScorecardSettings(as(w.Users[qms.RoleAdmin]), &next, th.Version, "looser B"))
		sc, err = ops.SupplierScorecard(a, w.A.Supplier.ID, qms.Date{}, qms.Date{})
		must(t, "after", err)
		if sc.Tier != scorecard.TierB {
			t.Errorf("with the looser B: %q %v", sc.Tier, sc.Reasons)
		}
	})
}
