package store_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestRejectionRatesRollup stores lot results (some voided later) and
// checks that the monthly roll-up answers every query it takes exactly as
// RejectionRates does from the lots, and declines the ones it cannot
// answer.
func TestRejectionRatesRollup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		sup2 := newSupplier(t, s, "Công ty TNHH Điện tử Sao Mai", "", "VN", "electronics")
		site2 := newSite(t, s, sup2.ID, "Nhà máy Bắc Ninh", "", "KCN Quế Võ, Bắc Ninh", "electronics")
		toy := &inspection.Product{SKU: "TOY-9", Name: "Plush bear 30 cm", Category: "toys", Market: "US"}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateProduct(toy) })
		places := []struct{ sup, site int64 }{{f.sup.ID, f.site.ID}, {sup2.ID, site2.ID}}
		products := []int64{f.product.ID, toy.ID}
		kinds := []inspection.Kind{inspection.KindIncoming, inspection.KindInProcess, inspection.KindPreShipment}
		rng := rand.New(rand.NewPCG(8, 2026))
		var ids []int64
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			for i := 0; i < 60; i++ {
				pl := places[rng.IntN(len(places))]
				md, nd := rng.IntN(5), rng.IntN(7)
				v := []inspection.Verdict{inspection.VerdictPass, inspection.VerdictFail, inspection.VerdictPending}[rng.IntN(3)]
				r := inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "V-Trust", ExternalRef: fmt.Sprintf("VT-%04d", i),
					SupplierID: pl.sup, SiteID: pl.site, ProductID: products[rng.IntN(2)], Kind: kinds[rng.IntN(3)],
					InspectedOn: qms.NewDate(2025, 11, 1).AddDate(0, 0, rng.IntN(150)), LotSize: 3000, SampleSize: 125,
					MajorDefective: md, MinorDefective: nd, MajorDefects: md + rng.IntN(2), MinorDefects: nd, DefectiveUnits: md + nd,
					Verdict: v, Decision: inspection.DecideReject, Resubmitted: rng.IntN(5) == 0}
				if err := tx.InsertLotResult(&r); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			return nil
		})
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			for _, id := range ids[:5] {
				if err := tx.VoidLotResult(id, "imported twice"); err != nil {
					return err
				}
			}
			return nil
		})
		dec, jan, feb := qms.NewDate(2025, 12, 1), qms.NewDate(2026, 1, 31), qms.NewDate(2026, 2, 28)
		for _, q := range []struct {
			f     store.LotResultFilter
			group string
			used  bool
		}{
			{store.LotResultFilter{}, store.GroupTotal, true},
			{store.LotResultFilter{}, store.GroupSupplier, true},
			{store.LotResultFilter{From: dec, To: jan}, store.GroupSupplier, true},
			{store.LotResultFilter{IncludeResubmitted: true}, store.GroupProduct, true},
			{store.LotResultFilter{Kind: inspection.KindPreShipment, To: feb}, store.GroupProduct, true},
			{store.LotResultFilter{SupplierID: f.sup.ID}, store.GroupKind, true},
			{store.LotResultFilter{SupplierID: sup2.ID, From: dec}, store.GroupMonth, true},
			{store.LotResultFilter{ProductID: toy.ID, From: dec, To: feb}, store.GroupMonth, true},
			{store.LotResultFilter{ProductID: f.product.ID}, store.GroupKind, true},
			{store.LotResultFilter{SupplierID: f.sup.ID}, store.GroupProduct, false},
			{store.LotResultFilter{ProductID: toy.ID}, store.GroupSupplier, false},
			{store.LotResultFilter{From: qms.NewDate(2025, 12, 15)}, store.GroupSupplier, false},
			{store.LotResultFilter{To: qms.NewDate(2026, 1, 30)}, store.GroupSupplier, false},
			{store.LotResultFilter{SiteID: site2.ID}, store.GroupTotal, false},
			{store.LotResultFilter{Category: "toys"}, store.GroupKind, false},
			{store.LotResultFilter{}, store.GroupSite, false},
		} {
			view(t, s, func(tx *store.Tx) error {
				got, used, err := tx.RejectionRatesRollup(q.f, q.group)
				if err != nil {
					return err
				}
				if used != q.used {
					t.Errorf("%+v by %q: roll-up used = %v, want %v", q.f, q.group, used, q.used)
				}
				if !used {
					return nil
				}
				want, err := tx.RejectionRates(q.f, q.group)
				if err != nil {
					return err
				}
				if len(want) == 0 {
					t.Errorf("%+v by %q: the test data select no lots", q.f, q.group)
				}
				if !reflect.DeepEqual(want, got) {
					t.Errorf("%+v by %q: roll-up differs from the lots:\nlots    %+v\nroll-up %+v", q.f, q.group, want, got)
				}
				return nil
			})
		}
	})
}
