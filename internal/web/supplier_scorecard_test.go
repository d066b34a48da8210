package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/scorecard"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestScorecardPages: the supplier page shows the scorecard of the last
// twelve months with its numbers and trend; the supplier and site
// scorecard pages take a period and refuse a bad one; a supplier user
// sees its own scorecard and not another's; administrators change the
// tier thresholds and the tier follows.
func TestScorecardPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		w := sw.w
		sys := qms.WithActor(context.Background(), qms.System)
		// A: 4 pre-shipment lots this month, 1 rejected; 3 of 500 units defective (6,000 PPM).
		err := st.Update(sys, func(tx *store.Tx) error {
			p := &inspection.Product{SKU: "SC-WEB", Name: "Hinge", Category: "electronics"}
			if err := tx.CreateProduct(p); err != nil {
				return err
			}
			for i := range 4 {
				r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", ExternalRef: "QIMA-W" + strconv.Itoa(i),
					SupplierID: w.A.Supplier.ID, SiteID: w.A.Site.ID, ProductID: p.ID, Kind: inspection.KindPreShipment, InspectedOn: opstest.Day(0),
					LotSize: 1000, SampleSize: 125, Verdict: inspection.VerdictPass, Decision: inspection.DecideRelease}
				if i == 0 {
					r.MajorDefective, r.MajorDefects, r.DefectiveUnits, r.Verdict, r.Decision = 3, 4, 3, inspection.VerdictFail, inspection.DecideReject
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
		a := strconv.FormatInt(w.A.Supplier.ID, 10)
		viewer := sw.clients["viewer"]
		page := viewer.get("/suppliers/" + a)
		page.must(t, http.StatusOK, `id="scorecard"`, `data-metric="lots">4<`, `data-metric="acceptance">75.0 %<`, `data-metric="ppm">6000<`,
			"Tier C", "Lot acceptance 75 % is below tier B", `id="scorecard-trend"`, "<svg", "/sites/"+strconv.FormatInt(w.A.Site.ID, 10)+"/scorecard?from=")

		from, to := opstest.Day(-40).String(), opstest.Day(0).String()
		viewer.get("/suppliers/"+a+"/scorecard?from="+from+"&to="+to).must(t, http.StatusOK, `value="`+from+`"`, `data-metric="lots">4<`)
		viewer.get("/suppliers/"+a+"/scorecard?from="+to+"&to="+from).must(t, http.StatusBadRequest, "is before from")
		viewer.get("/suppliers/"+a+"/scorecard?from=yesterday").must(t, http.StatusBadRequest, "must be a date")
		site := viewer.get("/sites/" + strconv.FormatInt(w.A.Site.ID, 10) + "/scorecard")
		site.must(t, http.StatusOK, `data-metric="lots">4<`, "Scorecard of")
		// B has no lots: not rated, no chart.
		b := viewer.get("/suppliers/" + strconv.FormatInt(w.B.Supplier.ID, 10) + "/scorecard")
		b.must(t, http.StatusOK, "Not rated", `id="scorecard-empty"`)
		if strings.Contains(b.body, `id="scorecard-trend"`) {
			t.Error("a chart without lots")
		}

		supA := sw.clients["supplier"]
		supA.get("/suppliers/"+a+"/scorecard").must(t, http.StatusOK, `data-metric="lots">4<`)
		supA.get("/suppliers/"+strconv.FormatInt(w.B.Supplier.ID, 10)+"/scorecard").must(t, http.StatusNotFound)
		supA.get("/sites/"+strconv.FormatInt(w.B.Site.ID, 10)+"/scorecard").must(t, http.StatusNotFound)

		// The tier thresholds on the supplier settings page.
		admin := sw.clients["admin"]
		admin.get("/settings/suppliers").must(t, http.StatusOK, `id="tier-form"`, `name="a_min_acceptance" value="98"`)
		form := url.Values{"version": {"1"}, "a_min_acceptance": {"70"}, "a_max_ppm": {"10000"}, "a_max_overdue_capas": {"0"},
			"b_min_acceptance": {"60"}, "b_max_ppm": {"20000"}, "b_max_overdue_capas": {"1"}, "min_lots": {"1"}, "reason": {"trial"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("b_min_acceptance", "75.555")
		admin.post("/settings/scorecards", bad).must(t, http.StatusBadRequest, "must be a percentage")
		sw.clients["quality_manager"].post("/settings/scorecards", form).must(t, http.StatusForbidden)
		admin.post("/settings/scorecards", form).redirectsTo(t, "/settings/suppliers#tiers")
		// 75 % and 6,000 PPM now meet A; ISO 9001 is in force at A's site.
		viewer.get("/suppliers/"+a).must(t, http.StatusOK, "Tier A")
		admin.post("/settings/scorecards", form).must(t, http.StatusConflict, "changed by someone else")
	})
}

// sampleScorecard is a scorecard view with every part, for the template
// tests (supplierSamplePages).
func sampleScorecard() *scorecardView {
	from, to := qms.NewDate(2026, 1, 1), qms.NewDate(2026, 3, 31)
	f := scorecard.Facts{SupplierID: 1, From: from, To: to, Today: to,
		ByKind: []inspection.Rate{{Key: "pre_shipment", Lots: 4, Rejected: 1, SampleUnits: 500, DefectiveUnits: 3, MajorDefects: 4}},
		ByMonth: []inspection.Rate{{Key: "2026-01", Lots: 3, Rejected: 1, SampleUnits: 375, DefectiveUnits: 3},
			{Key: "2026-03", Lots: 1, SampleUnits: 125}},
		NCRs: scorecard.Counts{Open: 2, Overdue: 1}, CAPAs: scorecard.Counts{Open: 1, Overdue: 1},
		LatestAudit: &scorecard.Audit{ID: 3, Date: from, Score: 86}}
	sc := scorecard.Compute(f, scorecard.DefaultThresholds())
	sc.Sites = []scorecard.SiteRef{{ID: 11, Name: "<script>alert(1)</script>"}}
	return newScorecardView(&sc)
}

func sampleTiers() *tierForm {
	th := scorecard.DefaultThresholds()
	return &tierForm{Thresholds: &th, AMin: "98", BMin: "95"}
}
