package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestFAILapse: two years without production at a site require a new
// first article inspection; production (a lot result of the product at the
// site) keeps the approval alive. The store's clock is moved.
func TestFAILapse(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var mu sync.Mutex
			now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
			setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
			o := storetest.Options(t, d)
			o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			f := newInspFixture(t, s)
			fai := f.lot(inspection.KindFirstArticle, 5)
			f.book(t, fai)
			yes := true
			es := []inspection.Entry{
				{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{120}}},
				{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 2, Values: []float64{400}}},
			}
			for no := 3; no <= 6; no++ {
				es = append(es, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: no, Pass: &yes}})
			}
			f.recordAll(t, fai.ID, es...)
			f.submit(t, fai.ID, inspection.Submission{})
			f.decide(t, fai.ID, inspection.Decision{Kind: inspection.DecideApproveConditional, Reason: "carton print faint", Conditions: "new artwork from lot 2"})
			gate := func() inspection.FAIGateResult {
				var g inspection.FAIGateResult
				view(t, s, func(tx *store.Tx) error {
					var err error
					g, err = tx.FAIGate(f.product.ID, f.site.ID, f.spec.ID)
					return err
				})
				return g
			}
			if g := gate(); !g.Allowed {
				t.Fatalf("%+v", g)
			}
			setNow(time.Date(2028, 3, 3, 8, 0, 0, 0, time.UTC))
			if g := gate(); g.Allowed || g.Code != inspection.FAILapsed {
				t.Fatalf("after two years: %+v", g)
			}
			err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(f.lot(inspection.KindPreShipment, 3000)) })
			wantKind(t, "pre-shipment after a lapse", err, qms.KindConflict)
			if !strings.Contains(err.Error(), "years") {
				t.Errorf("%v", err)
			}
			update(t, s, qmCtx(), func(tx *store.Tx) error {
				return tx.InsertLotResult(&inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "SGS", SupplierID: f.sup.ID, SiteID: f.site.ID,
					ProductID: f.product.ID, Kind: inspection.KindPreShipment, InspectedOn: qms.NewDate(2027, 6, 1), LotSize: 2000, SampleSize: 125,
					Verdict: inspection.VerdictPass, Decision: inspection.DecideRelease})
			})
			if g := gate(); !g.Allowed {
				t.Errorf("production in 2027 keeps the FAI alive: %+v", g)
			}
			setNow(time.Date(2029, 6, 2, 8, 0, 0, 0, time.UTC))
			if g := gate(); g.Allowed {
				t.Errorf("two years after the last production: %+v", g)
			}
			checkAudit(t, s)
		})
	}
}

func TestContainerLoadingCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		clc := f.book(t, f.lot(inspection.KindContainerLoading, 3000))
		if clc.Sampling != nil {
			t.Fatal("a container loading check draws no AQL sample")
		}
		_, err := f.tryRecord(clc.ID, inspection.Entry{Kind: inspection.EntryContainer, Container: &inspection.ContainerEntry{ContainerNo: "CSQU3054384", SealNo: "EU778"}})
		wantKind(t, "container number with a wrong check digit", err, qms.KindInvalid)
		_, err = f.tryRecord(clc.ID, defectAt(1, "SCR-01", ""))
		wantKind(t, "a defect on a container check", err, qms.KindInvalid)
		es := []inspection.Entry{
			{Kind: inspection.EntryContainer, Container: &inspection.ContainerEntry{ContainerNo: "csqu 305438 3", SealNo: "EU778", Type: "40' HC"}},
			{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 250, Opened: 16}},
			{Kind: inspection.EntryPhoto, Photo: &inspection.PhotoEntry{FileID: 501, Caption: "container doors with seal", Section: inspection.SecContainer}},
			{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 5, Result: inspection.Conform}},
			{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 6, Result: inspection.Conform}},
		}
		for _, item := range inspection.ContainerItems {
			es = append(es, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: item, Result: inspection.Conform}})
		}
		f.recordAll(t, clc.ID, es...)
		got := f.submit(t, clc.ID, inspection.Submission{})
		if got.Verdict != inspection.VerdictPass || got.Result.Container.ContainerNo != "CSQU3054383" || len(got.Result.Photos) != 1 {
			t.Fatalf("%s %v %+v", got.Verdict, got.Result.Reasons, got.Result.Container)
		}
		f.decide(t, clc.ID, inspection.Decision{Kind: inspection.DecideRelease})
		view(t, s, func(tx *store.Tx) error {
			rates, err := tx.RejectionRates(store.LotResultFilter{ProductID: f.product.ID}, store.GroupKind)
			if err != nil || len(rates) != 1 || rates[0].Key != "container_loading" || rates[0].Lots != 1 || rates[0].SampleUnits != 0 {
				t.Errorf("%+v %v", rates, err)
			}
			return err
		})

		// Cartons short of the packing list and a wet floor fail the check.
		clc2 := f.book(t, f.lot(inspection.KindContainerLoading, 3000))
		es[1] = inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 246, Opened: 16}}
		es = append(es, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: "moisture", Result: inspection.NotConform, Note: "wet floor boards"}})
		f.recordAll(t, clc2.ID, es...)
		got = f.submit(t, clc2.ID, inspection.Submission{})
		if got.Verdict != inspection.VerdictFail || len(got.Result.Reasons) != 2 {
			t.Errorf("%s %v", got.Verdict, got.Result.Reasons)
		}
		checkAudit(t, s)
	})
}
