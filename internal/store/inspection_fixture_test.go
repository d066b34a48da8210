package store_test

import (
	"context"
	"fmt"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/supplier"
)

// inspFixture is a supplier with a site, a product with a released spec
// and a plan, and an inspector, ready for inspections.
type inspFixture struct {
	s         *store.Store
	sup       *supplier.Supplier
	site      *supplier.Site
	product   *inspection.Product
	spec      *inspection.Spec
	plan      *inspection.Plan
	inspector *qms.User
	n         int // entry keys issued
}

func valPtr[T any](v T) *T { return &v }

func mustAQL(s string) sampling.AQL {
	a, err := sampling.ParseAQL(s)
	if err != nil {
		panic(err)
	}
	return a
}

// speakerSpec is a spec with every kind of characteristic.
func speakerSpec(productID int64) *inspection.Spec {
	return &inspection.Spec{ProductID: productID, Title: "蓝牙音箱 BS-20 spec", DrawingRef: "DWG-BS20 rev C", GoldenSampleRef: "GS-2026-014",
		Characteristics: []inspection.Characteristic{
			{Kind: inspection.CharDimensional, Name: "Length", Nominal: valPtr(120.0), Tolerance: inspection.Tolerance{Plus: valPtr(0.5), Minus: valPtr(0.5)}, Unit: "mm", Critical: true, Method: "caliper"},
			{Kind: inspection.CharDimensional, Name: "Weight", Tolerance: inspection.Tolerance{Min: valPtr(380.0), Max: valPtr(420.0)}, Unit: "g"},
			{Kind: inspection.CharAttribute, Name: "Colour", Criterion: "Pantone 2945 C, as golden sample", ReferencePhotos: []int64{11, 12}},
			{Kind: inspection.CharTest, Name: "Function", Criterion: "pairs and plays 1 min", Test: &inspection.TestSpec{Type: "function", Level: sampling.LevelS2, Ac: 0, Re: 1}},
			{Kind: inspection.CharPacking, Name: "Export carton", Criterion: "5-ply, 12 pcs per carton"},
			{Kind: inspection.CharMarking, Name: "Shipping mark", Criterion: "main and side marks as artwork v3"},
		}}
}

func userCtx(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, Via: "session"})
}

func newInspFixture(t *testing.T, s *store.Store) *inspFixture {
	t.Helper()
	seedCategories(t, s)
	f := &inspFixture{s: s}
	f.sup = newSupplier(t, s, "深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "CN", "electronics")
	f.site = newSite(t, s, f.sup.ID, "华强一厂", "Huaqiang Plant 1", "深圳市宝安区", "electronics")
	f.inspector = &qms.User{Email: "hung@example.com", Name: "Trần Văn Hùng", Role: qms.RoleInspector}
	update(t, s, qmCtx(), func(tx *store.Tx) error {
		if err := tx.CreateUser(f.inspector, ""); err != nil {
			return err
		}
		f.product = &inspection.Product{SKU: "BS-20-BLK", Name: "Bluetooth speaker BS-20, black", Category: "electronics", Customer: "Müller Audio", Market: "eu"}
		if err := tx.CreateProduct(f.product); err != nil {
			return err
		}
		for _, d := range []inspection.DefectCode{
			{Category: "electronics", Code: "SCR-01", Description: "Scratch on housing > 2 mm", Class: inspection.Minor},
			{Category: "electronics", Code: "FUN-01", Description: "No sound", Class: inspection.Major},
			{Category: "electronics", Code: "SAF-01", Description: "Exposed live part", Class: inspection.Critical},
		} {
			if err := tx.CreateDefectCode(&d); err != nil {
				return err
			}
		}
		f.spec = speakerSpec(f.product.ID)
		if err := tx.CreateSpec(f.spec); err != nil {
			return err
		}
		if err := tx.ReleaseSpec(f.spec.ID, f.spec.Version, inspection.Release{Reason: "approved for mass production"}); err != nil {
			return err
		}
		f.plan = &inspection.Plan{ProductID: f.product.ID, Standard: sampling.ISO2859, Level: sampling.LevelII,
			Classes:    []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: mustAQL("2.5")}, {Class: inspection.Minor, AQL: mustAQL("4.0")}},
			Stages:     []inspection.StageRule{{Kind: inspection.KindInProcess}, {Kind: inspection.KindPreShipment}, {Kind: inspection.KindContainerLoading}},
			Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true}, ReducedApproved: true}
		return tx.CreatePlan(f.plan)
	})
	var err error
	view(t, s, func(tx *store.Tx) error { f.spec, err = tx.Spec(f.spec.ID); return err })
	return f
}

// lot returns an inspection of kind k of a lot, by the fixture's inspector.
func (f *inspFixture) lot(k inspection.Kind, size int) *inspection.Inspection {
	return &inspection.Inspection{Kind: k, ProductID: f.product.ID, SpecID: f.spec.ID, SupplierID: f.sup.ID, SiteID: f.site.ID,
		Lot:       inspection.Lot{PONumber: "PO-2026-0042", OrderQuantity: size, LotSize: size, Produced: size, Packed: size},
		Inspector: inspection.Inspector{UserID: &f.inspector.ID}, PlannedOn: qms.NewDate(2026, 3, 2)}
}

// book plans an inspection as the quality manager.
func (f *inspFixture) book(t *testing.T, in *inspection.Inspection, overrides ...inspection.GateOverride) *inspection.Inspection {
	t.Helper()
	update(t, f.s, qmCtx(), func(tx *store.Tx) error { return tx.PlanInspection(in, overrides...) })
	return in
}

func (f *inspFixture) key() string {
	f.n++
	return fmt.Sprintf("tablet-a-%06d", f.n)
}

// record records an entry as the inspector and fails the test on error.
func (f *inspFixture) record(t *testing.T, id int64, e inspection.Entry) *inspection.Entry {
	t.Helper()
	if e.Key == "" {
		e.Key = f.key()
	}
	e.InspectionID = id
	update(t, f.s, userCtx(f.inspector), func(tx *store.Tx) error { _, err := tx.RecordEntry(&e); return err })
	return &e
}

// tryRecord records an entry and returns the error.
func (f *inspFixture) tryRecord(id int64, e inspection.Entry) (bool, error) {
	if e.Key == "" {
		e.Key = f.key()
	}
	e.InspectionID = id
	var created bool
	err := f.s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
		var err error
		created, err = tx.RecordEntry(&e)
		return err
	})
	return created, err
}

func defectAt(unit int, code string, c inspection.DefectClass) inspection.Entry {
	return inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: unit, Code: code, Class: c, Location: "top cover"}}
}

func unitsDone(from, to int) inspection.Entry {
	return inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: from, To: to}}
}

// completeLot records everything but defects as conform: all sample units
// inspected, sections, checks, the function test, one reading per
// dimension.
func (f *inspFixture) completeLot(t *testing.T, in *inspection.Inspection) {
	t.Helper()
	f.record(t, in.ID, unitsDone(1, in.Sampling.UnitsToDraw))
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking} {
		f.record(t, in.ID, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.Conform}})
	}
	for _, no := range []int{3, 5, 6} {
		f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: no, Result: inspection.Conform}})
	}
	for _, tp := range in.Sampling.Tests {
		for u := 1; u <= tp.SampleSize; u++ {
			f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: tp.No, Unit: u, Pass: true}})
		}
	}
	f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 120.2}})
	f.record(t, in.ID, inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 2, Value: 401}})
}

func (f *inspFixture) get(t *testing.T, id int64) *inspection.Inspection {
	t.Helper()
	var in *inspection.Inspection
	view(t, f.s, func(tx *store.Tx) error {
		var err error
		in, err = tx.Inspection(id)
		return err
	})
	return in
}

// submit submits as the inspector and returns the inspection.
func (f *inspFixture) submit(t *testing.T, id int64, sub inspection.Submission) *inspection.Inspection {
	t.Helper()
	in := f.get(t, id)
	update(t, f.s, userCtx(f.inspector), func(tx *store.Tx) error {
		var err error
		in, err = tx.SubmitInspection(id, in.Version, sub)
		return err
	})
	return in
}

// decide decides as the quality manager and returns the inspection.
func (f *inspFixture) decide(t *testing.T, id int64, d inspection.Decision) *inspection.Inspection {
	t.Helper()
	in := f.get(t, id)
	update(t, f.s, qmCtx(), func(tx *store.Tx) error {
		var err error
		in, err = tx.DecideInspection(id, in.Version, d)
		return err
	})
	return in
}

// count returns the number of rows of a table.
func rowCount(t *testing.T, s *store.Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
