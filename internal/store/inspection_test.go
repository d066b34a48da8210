package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

func TestProductsAndDefectLibrary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		ctx := qmCtx()
		// SKUs are unique ignoring case; the category must exist.
		err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateProduct(&inspection.Product{SKU: "bs-20-blk", Name: "dup", Category: "electronics"})
		})
		wantKind(t, "duplicate SKU", err, qms.KindConflict)
		err = s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateProduct(&inspection.Product{SKU: "X-1", Name: "x", Category: "furniture"})
		})
		wantKind(t, "unknown category", err, qms.KindInvalid)
		if qms.ErrorFields(err)["category"] == "" {
			t.Errorf("%v", err)
		}
		view(t, s, func(tx *store.Tx) error {
			p, err := tx.ProductBySKU(" Bs-20-Blk ")
			if err != nil || p.ID != f.product.ID || p.Customer != "Müller Audio" || p.Market != "EU" {
				t.Errorf("%+v %v", p, err)
			}
			page, err := tx.ListProducts(store.ProductFilter{Query: "muller"})
			if err != nil || page.Total != 1 || page.Items[0].SKU != "BS-20-BLK" {
				t.Errorf("search: %+v %v", page, err)
			}
			codes, err := tx.DefectCodes("Electronics", false)
			if err != nil || len(codes) != 3 || codes[0].Code != "FUN-01" {
				t.Errorf("library %+v %v", codes, err)
			}
			return nil
		})
		update(t, s, ctx, func(tx *store.Tx) error {
			p := *f.product
			p.Name = "Bluetooth-Lautsprecher BS-20, schwarz"
			if err := tx.UpdateProduct(&p, f.product.Version, "German name"); err != nil {
				return err
			}
			if err := tx.UpdateProduct(&p, f.product.Version, "stale"); qms.ErrorKind(err) != qms.KindConflict {
				t.Errorf("stale update: %v", err)
			}
			codes, _ := tx.DefectCodes("electronics", false)
			d := codes[0]
			d.Class = inspection.Critical
			if err := tx.UpdateDefectCode(&d, d.Version, "no sound can mean a short"); err != nil {
				return err
			}
			return tx.VoidDefectCode(codes[1].ID, "merged into SCR-02", codes[1].Version)
		})
		err = s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateDefectCode(&inspection.DefectCode{Category: "electronics", Code: "fun-01", Description: "dup", Class: inspection.Major})
		})
		wantKind(t, "duplicate code", err, qms.KindConflict)
		view(t, s, func(tx *store.Tx) error {
			codes, _ := tx.DefectCodes("electronics", false)
			all, _ := tx.DefectCodes("electronics", true)
			if len(codes) != 2 || len(all) != 3 || codes[0].Class != inspection.Critical {
				t.Errorf("%+v / %d", codes, len(all))
			}
			return nil
		})
		if evs := auditOf(t, s, "product", f.product.ID); len(evs) != 2 || evs[0].Reason != "German name" {
			t.Errorf("product audit %+v", evs)
		}
		checkAudit(t, s)
	})
}

func TestSpecRevisionLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		rev1 := f.spec
		if rev1.Revision != 1 || rev1.Status != inspection.SpecReleased || rev1.ReleasedBy != qmActor.Name || rev1.SignatureID != nil {
			t.Fatalf("%+v", rev1)
		}
		// A released revision never changes.
		err := s.Update(qmCtx(), func(tx *store.Tx) error {
			sp := *rev1
			sp.Title = "changed"
			return tx.UpdateSpec(&sp, rev1.Version, "x")
		})
		wantKind(t, "edit released", err, qms.KindConflict)
		wantKind(t, "void released", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.VoidSpec(rev1.ID, "x", rev1.Version) }), qms.KindConflict)

		// The next revision starts as a copy; only one draft at a time.
		var rev2 *inspection.Spec
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			rev2, err = tx.DraftNextRevision(f.product.ID)
			return err
		})
		if rev2.Revision != 2 || rev2.Status != inspection.SpecDraft || len(rev2.Characteristics) != len(rev1.Characteristics) {
			t.Fatalf("%+v", rev2)
		}
		_, err = func() (*inspection.Spec, error) {
			var sp *inspection.Spec
			err := s.Update(qmCtx(), func(tx *store.Tx) error {
				var err error
				sp, err = tx.DraftNextRevision(f.product.ID)
				return err
			})
			return sp, err
		}()
		wantKind(t, "second draft", err, qms.KindConflict)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			rev2.Characteristics[0].Tolerance = inspection.Tolerance{Plus: valPtr(0.3), Minus: valPtr(0.3)}
			return tx.UpdateSpec(rev2, rev2.Version, "tighter length after FAI")
		})
		// Only a released revision is inspected against.
		in := f.lot(inspection.KindIncoming, 3000)
		in.SpecID = rev2.ID
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(in) })
		wantKind(t, "inspect a draft", err, qms.KindInvalid)
		if qms.ErrorFields(err)["spec_id"] == "" {
			t.Errorf("%v", err)
		}
		// An inspector may not release.
		err = s.Update(userCtx(f.inspector), func(tx *store.Tx) error { return tx.ReleaseSpec(rev2.ID, rev2.Version, inspection.Release{}) })
		wantKind(t, "inspector releases", err, qms.KindForbidden)
		sig := int64(77)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.ReleaseSpec(rev2.ID, rev2.Version, inspection.Release{Reason: "ECO-12", SignatureID: &sig})
		})
		view(t, s, func(tx *store.Tx) error {
			old, _ := tx.Spec(rev1.ID)
			cur, _ := tx.ReleasedSpec(f.product.ID)
			all, _ := tx.Specs(f.product.ID)
			if old.Status != inspection.SpecSuperseded || old.SupersededBy == nil || *old.SupersededBy != rev2.ID || old.SupersededAt == nil {
				t.Errorf("rev 1 %+v", old)
			}
			if cur.ID != rev2.ID || cur.SignatureID == nil || *cur.SignatureID != 77 || len(all) != 2 || all[0].Revision != 2 {
				t.Errorf("released %+v, all %d", cur, len(all))
			}
			if c, _ := cur.Characteristic(1); c.Requirement() != "120 ± 0.3 mm" {
				t.Errorf("rev 2 length %q", c.Requirement())
			}
			return nil
		})
		in.SpecID = rev1.ID
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(in) })
		wantKind(t, "inspect a superseded revision", err, qms.KindInvalid)
		// A draft is voided; its number is not reused.
		var rev3 *inspection.Spec
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			if rev3, err = tx.DraftNextRevision(f.product.ID); err != nil {
				return err
			}
			return tx.VoidSpec(rev3.ID, "started by mistake", rev3.Version)
		})
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			rev4, err := tx.DraftNextRevision(f.product.ID)
			if err == nil && rev4.Revision != 4 {
				t.Errorf("revision %d after a voided 3", rev4.Revision)
			}
			return err
		})
		evs := auditOf(t, s, "spec", rev1.ID)
		if len(evs) != 3 || evs[0].Action != "supersede" || evs[1].Action != "release" {
			t.Errorf("rev 1 audit: %d events, newest %s", len(evs), evs[0].Action)
		}
		checkAudit(t, s)
	})
}

func TestInspectionBookingAndBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		if in.Status != inspection.StatusPlanned || in.Sampling == nil || in.Sampling.UnitsToDraw != 125 || in.PlanID == nil || *in.PlanID != f.plan.ID ||
			in.Inspector.Name != f.inspector.Name || len(in.Sampling.Tests) != 1 {
			t.Fatalf("%+v", in)
		}
		got := f.get(t, in.ID)
		if got.Sampling.Classes[1].Ac != 7 || got.Sampling.Classes[1].Re != 8 || got.Sampling.Classes[1].Severity != sampling.Normal || string(got.Sampling.Engine) == "" {
			t.Errorf("snapshot %+v", got.Sampling.Classes)
		}
		view(t, s, func(tx *store.Tx) error {
			rows, err := tx.ClassPlans(in.ID)
			if err != nil || len(rows) != 3 || rows[0].Class != inspection.Critical || rows[1].CodeLetter != "K" || rows[1].SampleSize != 125 ||
				rows[1].Ac != 7 || rows[2].Re != 11 || rows[0].AQL != "0" || !rows[0].ZeroTolerance || rows[1].Severity != "normal" {
				t.Errorf("class plans %+v %v", rows, err)
			}
			return err
		})

		// Bad input: clear errors, nothing written.
		n, audits := rowCount(t, s, "inspections"), countAudit(t, s)
		bad := []struct {
			name  string
			edit  func(in *inspection.Inspection)
			kind  qms.Kind
			field string
		}{
			{"lot size zero", func(in *inspection.Inspection) { in.Lot.LotSize, in.Lot.Produced, in.Lot.Packed = 0, 0, 0 }, qms.KindInvalid, "lot_size"},
			{"lot size negative", func(in *inspection.Inspection) { in.Lot.LotSize = -3 }, qms.KindInvalid, "lot_size"},
			{"lot smaller than presented", func(in *inspection.Inspection) { in.Lot.LotSize = 2000 }, qms.KindInvalid, "lot_size"},
			{"lot of one unit for sampling", func(in *inspection.Inspection) { in.Lot = inspection.Lot{PONumber: "PO-1", LotSize: 1} }, qms.KindInvalid, "lot_size"},
			{"unknown product", func(in *inspection.Inspection) { in.ProductID = 9999 }, qms.KindInvalid, "product_id"},
			{"site of another supplier", func(in *inspection.Inspection) {
				other := newSupplier(t, s, "Công ty TNHH Điện tử Sao Mai", "", "VN")
				in.SiteID = newSite(t, s, other.ID, "Nhà máy 1", "", "Bắc Ninh").ID
			}, qms.KindInvalid, "site_id"},
			{"an auditor as inspector", func(in *inspection.Inspection) {
				u := &qms.User{Email: "aud@example.com", Name: "Auditor", Role: qms.RoleAuditor}
				update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateUser(u, "") })
				in.Inspector.UserID = &u.ID
			}, qms.KindInvalid, "inspector.user_id"},
			{"a re-inspection booked by hand", func(in *inspection.Inspection) { in.ResubmissionOf = &in.ProductID }, qms.KindInvalid, "resubmission_of"},
		}
		for _, b := range bad {
			x := f.lot(inspection.KindIncoming, 3000)
			b.edit(x)
			n, audits = rowCount(t, s, "inspections"), countAudit(t, s)
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(x) })
			wantKind(t, b.name, err, b.kind)
			if b.field != "" && qms.ErrorFields(err)[b.field] == "" {
				t.Errorf("%s: %v lacks %s", b.name, err, b.field)
			}
			if rowCount(t, s, "inspections") != n || countAudit(t, s) != audits {
				t.Errorf("%s: something was written", b.name)
			}
		}

		// Who may inspect: a plan for internal staff only refuses an agency.
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			p, _ := tx.Plan(f.plan.ID)
			p.Inspectors = inspection.Inspectors{Internal: true}
			return tx.UpdatePlan(p, p.Version, "own inspectors only")
		})
		x := f.lot(inspection.KindIncoming, 3000)
		x.Inspector = inspection.Inspector{Agency: "QIMA", Name: "Li Wei"}
		err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(x) })
		wantKind(t, "agency under an internal plan", err, qms.KindInvalid)

		// A supplier x product plan takes precedence over the product's.
		sp := &inspection.Plan{ProductID: f.product.ID, SupplierID: &f.sup.ID, Standard: sampling.Z14, Level: sampling.LevelI,
			Classes:    []inspection.ClassAQL{{Class: inspection.Major, AQL: mustAQL("1.5")}},
			Inspectors: inspection.Inspectors{Internal: true}}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreatePlan(sp) })
		y := f.book(t, f.lot(inspection.KindIncoming, 3000))
		if *y.PlanID != sp.ID || y.Sampling.Standard != sampling.Z14 || y.Sampling.CodeLetter != 'H' || len(y.Sampling.Classes) != 1 {
			t.Errorf("supplier plan not used: %+v", y.Sampling)
		}
		dup := &inspection.Plan{ProductID: f.product.ID, SupplierID: &f.sup.ID, Standard: sampling.Z14, Level: sampling.LevelI,
			Classes: []inspection.ClassAQL{{Class: inspection.Major, AQL: mustAQL("1.5")}}, Inspectors: inspection.Inspectors{Internal: true}}
		wantKind(t, "second plan for one scope", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.CreatePlan(dup) }), qms.KindConflict)

		// Header edits: optimistic concurrency; the lot size re-plans the
		// sampling while nothing is recorded, and is fixed afterwards.
		cur := f.get(t, in.ID)
		cur.Lot = inspection.Lot{PONumber: "PO-2026-0042", OrderQuantity: 3000, LotSize: 500, Produced: 500, Packed: 450}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateInspection(cur, cur.Version, "partial shipment") })
		if cur.Sampling.UnitsToDraw != 50 || cur.Sampling.CodeLetter != 'H' {
			t.Errorf("re-planned sampling %+v", cur.Sampling)
		}
		view(t, s, func(tx *store.Tx) error {
			rows, _ := tx.ClassPlans(in.ID)
			if rows[1].SampleSize != 50 || rows[1].CodeLetter != "H" {
				t.Errorf("class plans not updated: %+v", rows)
			}
			return nil
		})
		stale := *cur
		stale.Remarks = "stale"
		wantKind(t, "stale header", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateInspection(&stale, stale.Version-1, "") }), qms.KindConflict)
		f.record(t, in.ID, unitsDone(1, 10))
		cur = f.get(t, in.ID)
		if cur.Status != inspection.StatusInProgress || cur.StartedAt == nil {
			t.Errorf("not started: %s", cur.Status)
		}
		cur.Lot.LotSize = 600
		wantKind(t, "lot size after recording", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateInspection(cur, cur.Version, "") }), qms.KindConflict)

		// Cancelling needs a reason; a cancelled inspection takes no entries.
		wantKind(t, "cancel without reason", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.CancelInspection(y.ID, " ", y.Version) }), qms.KindInvalid)
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CancelInspection(y.ID, "PO cancelled by the customer", y.Version) })
		_, err = f.tryRecord(y.ID, unitsDone(1, 5))
		wantKind(t, "record into a cancelled inspection", err, qms.KindConflict)
		checkAudit(t, s)
	})
}

func TestBookingGates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		// The supplier approval gate: ISO 9001 is required and missing.
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.CreateRequirement(&supplier.Requirement{Standard: "ISO 9001"})
		})
		err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(f.lot(inspection.KindIncoming, 3000)) })
		wantKind(t, "supplier gate", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "ISO 9001") {
			t.Errorf("%v", err)
		}
		override := inspection.GateOverride{Gate: inspection.GateSupplier, Reason: "ISO 9001 audit next week; first lot urgent"}
		err = s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			return tx.PlanInspection(f.lot(inspection.KindIncoming, 3000), override)
		})
		wantKind(t, "an inspector overrides", err, qms.KindForbidden)
		in := f.book(t, f.lot(inspection.KindIncoming, 3000), override)
		if len(in.GateOverrides) != 1 || in.GateOverrides[0].By != qmActor.Name || !strings.Contains(in.GateOverrides[0].Blocked, "ISO 9001") {
			t.Errorf("override not recorded: %+v", in.GateOverrides)
		}
		// Waived by the supplier module's own override, the gate passes.
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.CreateOverride(&supplier.Override{SupplierID: f.sup.ID, Standard: "ISO 9001", Reason: "certificate renewal in progress",
				Until: qms.DateOf(tx.Now).AddDate(0, 1, 0)})
		})

		// The first-article gate: no pre-shipment inspection before an FAI
		// of this product, site and revision is approved.
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(f.lot(inspection.KindPreShipment, 3000)) })
		wantKind(t, "FAI gate", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "first article") {
			t.Errorf("%v", err)
		}
		psi := f.book(t, f.lot(inspection.KindPreShipment, 3000), inspection.GateOverride{Gate: inspection.GateFAI, Reason: "FAI report at the lab, approved by phone"})
		if len(psi.GateOverrides) != 1 || psi.GateOverrides[0].Gate != inspection.GateFAI {
			t.Errorf("%+v", psi.GateOverrides)
		}

		fai := f.lot(inspection.KindFirstArticle, 5)
		fai.FAIPieces = 3
		f.book(t, fai)
		if fai.Sampling != nil {
			t.Errorf("an FAI has no AQL sampling")
		}
		yes := true
		f.record(t, fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{120.1, 119.9, 120.3}, Gauge: "CAL-07"}})
		// Not every characteristic has a result: it cannot be submitted.
		cur := f.get(t, fai.ID)
		err = s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			_, err := tx.SubmitInspection(fai.ID, cur.Version, inspection.Submission{})
			return err
		})
		wantKind(t, "submit an incomplete FAI", err, qms.KindConflict)
		_, err = f.tryRecord(fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 2, Values: []float64{0.4}, UnitOfMeasure: "kg"}})
		wantKind(t, "FAI reading in the wrong unit", err, qms.KindInvalid)
		f.record(t, fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 2, Values: []float64{399, 402, 405}}})
		for no := 3; no <= 6; no++ {
			f.record(t, fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: no, Pass: &yes, Result: "as golden sample"}})
		}
		got := f.submit(t, fai.ID, inspection.Submission{})
		if got.Verdict != inspection.VerdictPass || len(got.Result.FAI) != 6 || got.Result.FAI[0].No != 1 || got.Result.FAI[0].Gauge != "CAL-07" {
			t.Fatalf("%s %+v", got.Verdict, got.Result)
		}
		err = s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			_, err := tx.DecideInspection(fai.ID, got.Version, inspection.Decision{Kind: inspection.DecideApprove})
			return err
		})
		wantKind(t, "an inspector approves an FAI", err, qms.KindForbidden)
		f.decide(t, fai.ID, inspection.Decision{Kind: inspection.DecideApprove})
		view(t, s, func(tx *store.Tx) error {
			g, err := tx.FAIGate(f.product.ID, f.site.ID, f.spec.ID)
			if err != nil || !g.Allowed || g.FAIID != fai.ID {
				t.Errorf("%+v %v", g, err)
			}
			return err
		})
		f.book(t, f.lot(inspection.KindPreShipment, 3000))

		// A new site needs its own FAI; so does a new spec revision.
		site2 := newSite(t, s, f.sup.ID, "华强二厂", "Huaqiang Plant 2", "东莞市", "electronics")
		x := f.lot(inspection.KindPreShipment, 3000)
		x.SiteID = site2.ID
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(x) })
		wantKind(t, "new site", err, qms.KindConflict)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			rev2, err := tx.DraftNextRevision(f.product.ID)
			if err != nil {
				return err
			}
			return tx.ReleaseSpec(rev2.ID, rev2.Version, inspection.Release{Reason: "new artwork"})
		})
		var rev2 *inspection.Spec
		view(t, s, func(tx *store.Tx) error {
			var err error
			rev2, err = tx.ReleasedSpec(f.product.ID)
			return err
		})
		x = f.lot(inspection.KindPreShipment, 3000)
		x.SpecID = rev2.ID
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(x) })
		wantKind(t, "new spec revision", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "revision 2") {
			t.Errorf("%v", err)
		}
		checkAudit(t, s)
	})
}

func TestRecordingSubmitDecide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		// Idempotent resend: the same key stores one entry.
		e := defectAt(5, "scr-01", "")
		e.Key = "0f8fad5b-d9cb-469f-a165-70867728950e"
		e.Defect.Photos = []int64{901, 902}
		created, err := f.tryRecord(in.ID, e)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		entries, audits := rowCount(t, s, "inspection_entries"), countAudit(t, s)
		created, err = f.tryRecord(in.ID, e)
		if err != nil || created || rowCount(t, s, "inspection_entries") != entries || countAudit(t, s) != audits {
			t.Fatalf("resend: created %v, %v", created, err)
		}
		other := defectAt(6, "SCR-01", "")
		other.Key = e.Key
		_, err = f.tryRecord(in.ID, other)
		wantKind(t, "key reused for other content", err, qms.KindConflict)

		// Bad recording input: clear errors, nothing written.
		for _, b := range []struct {
			name  string
			e     inspection.Entry
			field string
		}{
			{"unit beyond the sample size", defectAt(126, "SCR-01", ""), "defect.unit"},
			{"code not in the library", defectAt(3, "XYZ-99", ""), "defect.code"},
			{"wrong unit", inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 12, UnitOfMeasure: "cm"}}, "measurement.uom"},
			{"absurd value", inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 1200}}, "measurement.value"},
			{"test unit beyond the test sample", inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 4, Unit: 9, Pass: true}}, "test.unit"},
			{"units beyond the sample", unitsDone(1, 200), "units.to"},
		} {
			_, err := f.tryRecord(in.ID, b.e)
			wantKind(t, b.name, err, qms.KindInvalid)
			if qms.ErrorFields(err)[b.field] == "" {
				t.Errorf("%s: %v lacks %s", b.name, err, b.field)
			}
		}
		if rowCount(t, s, "inspection_entries") != entries || countAudit(t, s) != audits {
			t.Error("bad input wrote something")
		}

		// Record the lot: 8 major defective units fail the major class.
		f.completeLot(t, in)
		var majors []*inspection.Entry
		for u := 10; u < 18; u++ {
			majors = append(majors, f.record(t, in.ID, defectAt(u, "FUN-01", "")))
		}
		var res *inspection.Result
		view(t, s, func(tx *store.Tx) error {
			var err error
			res, err = tx.InspectionResult(in.ID)
			return err
		})
		if mj, _ := res.Class(inspection.Major); res.Verdict != inspection.VerdictFail || mj.Found != 8 || mj.Re != 8 {
			t.Fatalf("%s %+v", res.Verdict, mj)
		}
		// One was the golden sample: void it; the lot now passes.
		f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: majors[7].ID, Reason: "unit 17 was the golden sample"}})
		_, err = f.tryRecord(in.ID, inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: majors[7].ID, Reason: "again"}})
		wantKind(t, "void twice", err, qms.KindInvalid)
		view(t, s, func(tx *store.Tx) error {
			var err error
			res, err = tx.InspectionResult(in.ID)
			return err
		})
		if mj, _ := res.Class(inspection.Major); res.Verdict != inspection.VerdictPass || mj.Found != 7 || len(res.Defects) != 8 || res.Defects[0].Photos[1] != 902 {
			t.Fatalf("%s %v %+v", res.Verdict, res.Reasons, mj)
		}

		// The append-only trigger refuses changes to entries.
		if _, err := s.DB().Exec("UPDATE inspection_entries SET payload = '{}' WHERE id = ?", majors[0].ID); err == nil {
			t.Error("an entry was updated in place")
		}
		if _, err := s.DB().Exec("DELETE FROM inspection_entries WHERE id = ?", majors[0].ID); err == nil {
			t.Error("an entry was deleted")
		}

		got := f.submit(t, in.ID, inspection.Submission{})
		if got.Status != inspection.StatusSubmitted || got.Verdict != inspection.VerdictPass || got.Result == nil || got.SubmittedBy != f.inspector.Name {
			t.Fatalf("%+v", got)
		}
		// After submission nothing more is recorded, but a resend of a
		// stored entry is still answered.
		_, err = f.tryRecord(in.ID, defectAt(40, "SCR-01", ""))
		wantKind(t, "record after submission", err, qms.KindConflict)
		if created, err := f.tryRecord(in.ID, e); err != nil || created {
			t.Errorf("resend after submission: %v %v", created, err)
		}
		// A quality manager returns it; the inspector corrects and resubmits.
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.ReturnInspection(in.ID, got.Version, "add the carton count") })
		f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 250, Opened: 16}})
		got = f.submit(t, in.ID, inspection.Submission{})
		if got.Result.Cartons == nil || got.Result.Cartons.Opened != 16 {
			t.Errorf("%+v", got.Result.Cartons)
		}
		got = f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideRelease})
		if got.Status != inspection.StatusDecided || got.Decision.Kind != inspection.DecideRelease || got.Decision.By != qmActor.Name {
			t.Fatalf("%+v", got.Decision)
		}
		// A decided inspection is never edited, only amended.
		_, err = f.tryRecord(in.ID, defectAt(40, "SCR-01", ""))
		wantKind(t, "record into a decided inspection", err, qms.KindConflict)
		got.Remarks = "edited"
		wantKind(t, "edit a decided inspection", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateInspection(got, got.Version, "") }), qms.KindConflict)
		wantKind(t, "decide twice", s.Update(qmCtx(), func(tx *store.Tx) error {
			_, err := tx.DecideInspection(in.ID, got.Version, inspection.Decision{Kind: inspection.DecideReject, Reason: "x"})
			return err
		}), qms.KindConflict)
		wantKind(t, "amend without reason", s.Update(qmCtx(), func(tx *store.Tx) error {
			return tx.AmendInspection(&inspection.Amendment{InspectionID: in.ID, Text: "PO number is PO-2026-0043"})
		}), qms.KindInvalid)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.AmendInspection(&inspection.Amendment{InspectionID: in.ID, Text: "PO number is PO-2026-0043", Reason: "typo in the booking"})
		})
		view(t, s, func(tx *store.Tx) error {
			ams, err := tx.Amendments(in.ID)
			if err != nil || len(ams) != 1 || ams[0].By != qmActor.Name {
				t.Errorf("%+v %v", ams, err)
			}
			after, _ := tx.Inspection(in.ID)
			if after.Lot.PONumber != "PO-2026-0042" || after.Version != got.Version {
				t.Errorf("the amendment changed the record: %+v", after.Lot)
			}
			lrs, _, err := tx.LotResults(store.LotResultFilter{ProductID: f.product.ID}, 0, 10)
			if err != nil || len(lrs) != 1 || lrs[0].SampleSize != 125 || lrs[0].MajorDefective != 7 || lrs[0].MinorDefective != 1 ||
				lrs[0].DefectiveUnits != 8 || lrs[0].Rejected || lrs[0].Category != "electronics" || *lrs[0].InspectionID != in.ID {
				t.Errorf("lot result %+v %v", lrs, err)
			}
			_, err = tx.NCRSeed(in.ID)
			wantKind(t, "NCR from a passed inspection", err, qms.KindConflict)
			return nil
		})
		checkAudit(t, s)
	})
}

func TestPendingReworkAndNCR(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		f.completeLot(t, in)
		f.record(t, in.ID, defectAt(3, "SAF-01", ""))
		// The inspector leaves the critical finding to the client.
		wantKind(t, "pending without reason", s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			cur, _ := tx.Inspection(in.ID)
			_, err := tx.SubmitInspection(in.ID, cur.Version, inspection.Submission{Pending: true})
			return err
		}), qms.KindInvalid)
		got := f.submit(t, in.ID, inspection.Submission{Pending: true, PendingReason: "exposed contact on 1 unit; client engineering to judge"})
		if got.Verdict != inspection.VerdictPending || got.ComputedVerdict != inspection.VerdictFail {
			t.Fatalf("%s / %s", got.Verdict, got.ComputedVerdict)
		}
		var seed *inspection.NCRSeed
		view(t, s, func(tx *store.Tx) error {
			var err error
			seed, err = tx.NCRSeed(in.ID)
			return err
		})
		if len(seed.FailedClasses) != 1 || seed.FailedClasses[0].Class != inspection.Critical || !strings.Contains(seed.Description, "client engineering") {
			t.Errorf("%+v", seed)
		}
		got = f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideRework, Reason: "100 % sorting with hi-pot"})
		if got.Decision.ReinspectionID == nil {
			t.Fatal("no re-inspection")
		}
		update(t, s, userCtx(f.inspector), func(tx *store.Tx) error { return tx.LinkNCR(in.ID, 31) })
		re := f.get(t, *got.Decision.ReinspectionID)
		if re.ResubmissionOf == nil || *re.ResubmissionOf != in.ID || re.Status != inspection.StatusPlanned || re.Sampling == nil ||
			re.Lot != got.Lot || re.SpecID != got.SpecID {
			t.Fatalf("%+v", re)
		}
		view(t, s, func(tx *store.Tx) error {
			after, _ := tx.Inspection(in.ID)
			if after.NCRID == nil || *after.NCRID != 31 {
				t.Errorf("NCR link %v", after.NCRID)
			}
			lr, _, _ := tx.LotResults(store.LotResultFilter{ProductID: f.product.ID}, 0, 10)
			if len(lr) != 1 || !lr[0].Rejected || lr[0].Verdict != inspection.VerdictPending || lr[0].Decision != inspection.DecideRework || lr[0].CriticalDefective != 1 {
				t.Errorf("%+v", lr)
			}
			// The critical class has no stream (zero tolerance); major and
			// minor counted an accepted lot.
			sts, _ := tx.SwitchingStreams(f.sup.ID, f.product.ID)
			if len(sts) != 2 || sts[0].Class != inspection.Major || sts[0].State.Lots != 1 {
				t.Errorf("%+v", sts)
			}
			return nil
		})
		wantKind(t, "second NCR", s.Update(userCtx(f.inspector), func(tx *store.Tx) error { return tx.LinkNCR(in.ID, 32) }), qms.KindConflict)
		checkAudit(t, s)
	})
}

// TestConcurrentRecorders: two inspectors record into one inspection at
// once, each resending some entries as a tablet does after a dropped
// connection; every entry is stored exactly once and the tally counts them
// all.
func TestConcurrentRecorders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		second := &qms.User{Email: "li@example.com", Name: "李伟", Role: qms.RoleInspector}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateUser(second, "") })
		in := f.book(t, f.lot(inspection.KindIncoming, 3000))
		const perInspector = 30
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for i, u := range []*qms.User{f.inspector, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := userCtx(u)
				for n := 0; n < perInspector; n++ {
					e := defectAt(1+i*60+n, "SCR-01", "")
					e.InspectionID, e.Key = in.ID, fmt.Sprintf("tablet-%d-%04d", u.ID, n)
					for attempt := 0; attempt < 1+n%3; attempt++ { // some entries are sent twice or three times
						x := e
						if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.RecordEntry(&x); return err }); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var res *inspection.Result
		view(t, s, func(tx *store.Tx) error {
			var err error
			res, err = tx.InspectionResult(in.ID)
			return err
		})
		if n := rowCount(t, s, "inspection_entries"); n != 2*perInspector || len(res.Defects) != 2*perInspector {
			t.Fatalf("%d entries, %d defects; want %d", n, len(res.Defects), 2*perInspector)
		}
		if mn, _ := res.Class(inspection.Minor); mn.Found != 2*perInspector || res.Verdict != inspection.VerdictFail {
			t.Errorf("minor %+v", mn)
		}
		cur := f.get(t, in.ID)
		if cur.Status != inspection.StatusInProgress || cur.Version != 2 {
			t.Errorf("status %s version %d: started once", cur.Status, cur.Version)
		}
		starts := 0
		for _, ev := range auditOf(t, s, "inspection", in.ID) {
			if ev.Action == "start" {
				starts++
			}
		}
		if starts != 1 {
			t.Errorf("%d start events", starts)
		}
		// Optimistic concurrency on the header: of two edits from the same
		// version, the second is refused.
		a, b := *cur, *cur
		a.Remarks, b.Remarks = "factory QA present", "power cut 10:00-10:30"
		update(t, s, userCtx(f.inspector), func(tx *store.Tx) error { return tx.UpdateInspection(&a, cur.Version, "") })
		wantKind(t, "second header edit", s.Update(userCtx(second), func(tx *store.Tx) error { return tx.UpdateInspection(&b, cur.Version, "") }), qms.KindConflict)
		checkAudit(t, s)
	})
}

var _ = context.Background
