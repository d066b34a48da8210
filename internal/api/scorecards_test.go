package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"qms/internal/inspection"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestScorecardAPI: GET /suppliers/{id}/scorecard and /sites/{id}/scorecard
// answer the numbers of lot results the test writes, for every internal
// role; a supplier user gets its own and 404 for another's; a bad period
// is 400.
func TestScorecardAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		err := st.Update(e.sys, func(tx *store.Tx) error {
			p := &inspection.Product{SKU: "SC-API", Name: "Hinge", Category: "garments"}
			if err := tx.CreateProduct(p); err != nil {
				return err
			}
			// B: two incoming lots this month, one rejected; 2 of 400 units defective.
			for i, du := range []int{2, 0} {
				r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "V-Trust", ExternalRef: "VT-" + strconv.Itoa(i),
					SupplierID: e.w.B.Supplier.ID, SiteID: e.w.B.Site.ID, ProductID: p.ID, Kind: inspection.KindIncoming, InspectedOn: opstest.Day(0),
					LotSize: 2000, SampleSize: 200, MinorDefective: du, MinorDefects: du, DefectiveUnits: du,
					Verdict: inspection.VerdictPass, Decision: inspection.DecideRelease}
				if du > 0 {
					r.Verdict, r.Decision = inspection.VerdictFail, inspection.DecideReject
				}
				if err := tx.InsertLotResult(&r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b, bsite := strconv.FormatInt(e.w.B.Supplier.ID, 10), strconv.FormatInt(e.w.B.Site.ID, 10)
		for _, who := range internalRoles {
			for _, path := range []string{"/api/v1/suppliers/" + b + "/scorecard", "/api/v1/sites/" + bsite + "/scorecard"} {
				r := e.do("GET", path, who, "")
				if r.status != http.StatusOK {
					t.Fatalf("%s %s: %d %s", who, path, r.status, r.body)
				}
				var sc scorecard.Scorecard
				r.decode(t, &sc)
				if sc.Lots != 2 || sc.Rejected != 1 || sc.AcceptanceRate != 0.5 || sc.PPM != 5000 || sc.Defects.Minor != 2 ||
					len(sc.Months) != 12 || len(sc.ByKind) != 1 || sc.ByKind[0].Kind != inspection.KindIncoming || sc.Tier != scorecard.TierC {
					t.Errorf("%s %s: %s", who, path, r.body)
				}
			}
		}
		r := e.do("GET", "/api/v1/suppliers/"+b+"/scorecard?from="+opstest.Day(-400).String()+"&to="+opstest.Day(-200).String(), "viewer", "")
		var sc scorecard.Scorecard
		r.decode(t, &sc)
		if r.status != http.StatusOK || sc.Lots != 0 || sc.Tier != scorecard.TierUnrated || sc.LatestAudit != nil {
			t.Errorf("an empty period: %d %s", r.status, r.body)
		}
		for path, want := range map[string]int{
			"/api/v1/suppliers/" + b + "/scorecard":                                        http.StatusNotFound,
			"/api/v1/sites/" + bsite + "/scorecard":                                        http.StatusNotFound,
			"/api/v1/suppliers/" + strconv.FormatInt(e.w.A.Supplier.ID, 10) + "/scorecard": http.StatusOK,
			"/api/v1/sites/" + strconv.FormatInt(e.w.A.Site.ID, 10) + "/scorecard":         http.StatusOK,
		} {
			if r := e.do("GET", path, "supplier", ""); r.status != want {
				t.Errorf("supplier user %s: %d, want %d", path, r.status, want)
			}
		}
		for _, q := range []string{"?from=2026-13-01", "?from=2026-03-01&to=2026-02-01", "?from=2000-01-01&to=2026-01-01"} {
			if r := e.do("GET", "/api/v1/suppliers/"+b+"/scorecard"+q, "viewer", ""); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", q, r.status, r.body)
			}
		}
		if r := e.do("GET", "/api/v1/suppliers/999999/scorecard", "viewer", ""); r.status != http.StatusNotFound {
			t.Errorf("unknown supplier: %d", r.status)
		}
	})
}
