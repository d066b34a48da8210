// Package insptest builds the inspection records that the tests of the
// inspection operations, pages and API share, on top of the supplier
// fixture (supplierops/opstest): for each of the suppliers A and B a
// product with a released spec of every kind of characteristic, a defect
// library, an inspection plan, an approved first article inspection at
// its site, and a pre-shipment inspection being recorded. It is for tests
// only.
package insptest

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/supplierops/opstest"
)

// Line is one supplier's production of one product, with its records.
type Line struct {
	opstest.Party
	Product *inspection.Product
	Spec    *inspection.Spec // released
	Plan    *inspection.Plan
	FAI     *inspection.Inspection // approved
	// Lot is a pre-shipment inspection of a lot of 500 being recorded (one
	// units entry), by the fixture's inspector.
	Lot *inspection.Inspection
}

// World is the fixture.
type World struct {
	*opstest.World
	PA, PB Line
	n      int
	last   int64 // the version of the last fresh record of Expand
}

// System is the context of the fixture's own changes: an administrator.
var System = qms.WithActor(context.Background(), qms.Actor{Name: "fixture", Role: qms.RoleAdmin, Via: "system"})

func ptr[T any](v T) *T { return &v }

// AQL parses an AQL and panics on a bad one.
func AQL(s string) sampling.AQL {
	a, err := sampling.ParseAQL(s)
	if err != nil {
		panic(err)
	}
	return a
}

// SpecOf returns a spec of the product with a characteristic of every kind:
// 1 length (dimensional, 120 ± 0.5 mm, critical), 2 weight (380-420 g), 3
// colour (attribute), 4 function test (S-2, Ac 0 Re 1), 5 export carton
// (packing), 6 shipping mark (marking).
func SpecOf(productID int64) *inspection.Spec {
	return &inspection.Spec{ProductID: productID, Title: "蓝牙音箱 spec", DrawingRef: "DWG-100 rev C", GoldenSampleRef: "GS-2026-014",
		Characteristics: []inspection.Characteristic{
			{Kind: inspection.CharDimensional, Name: "Length", Nominal: ptr(120.0), Tolerance: inspection.Tolerance{Plus: ptr(0.5), Minus: ptr(0.5)}, Unit: "mm", Critical: true, Method: "caliper"},
			{Kind: inspection.CharDimensional, Name: "Weight", Tolerance: inspection.Tolerance{Min: ptr(380.0), Max: ptr(420.0)}, Unit: "g"},
			{Kind: inspection.CharAttribute, Name: "Colour", Criterion: "Pantone 2945 C, as golden sample"},
			{Kind: inspection.CharTest, Name: "Function", Criterion: "pairs and plays 1 min", Test: &inspection.TestSpec{Type: "function", Level: sampling.LevelS2, Ac: 0, Re: 1}},
			{Kind: inspection.CharPacking, Name: "Export carton", Criterion: "5-ply, 12 pcs per carton"},
			{Kind: inspection.CharMarking, Name: "Shipping mark", Criterion: "main and side marks as artwork v3"},
		}}
}

// PlanOf is the usual plan: ISO 2859-1 level II, critical zero tolerance,
// major 2.5, minor 4.0, defective units counted.
func PlanOf(productID int64) *inspection.Plan {
	return &inspection.Plan{ProductID: productID, Standard: sampling.ISO2859, Level: sampling.LevelII,
		Classes: []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: AQL("2.5")},
			{Class: inspection.Minor, AQL: AQL("4.0")}},
		Stages:     []inspection.StageRule{{Kind: inspection.KindInProcess}, {Kind: inspection.KindPreShipment}, {Kind: inspection.KindContainerLoading}},
		Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true}}
}

// Build creates the fixture in st: the supplier fixture, then for A and B a
// line each. Fails the test on any error.
func Build(t testing.TB, st *store.Store) *World {
	t.Helper()
	w := &World{World: opstest.Build(t, st)}
	err := st.Update(System, func(tx *store.Tx) error {
		for _, d := range []inspection.DefectCode{
			{Category: "electronics", Code: "SCR-01", Description: "Scratch on housing > 2 mm", Class: inspection.Minor},
			{Category: "electronics", Code: "FUN-01", Description: "No sound", Class: inspection.Major},
			{Category: "electronics", Code: "SAF-01", Description: "Exposed live part", Class: inspection.Critical},
			{Category: "garments", Code: "STI-01", Description: "Broken stitch", Class: inspection.Major},
			{Category: "garments", Code: "STN-01", Description: "Stain < 1 cm", Class: inspection.Minor},
		} {
			if err := tx.CreateDefectCode(&d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insptest: defect library: %v", err)
	}
	w.PA = w.line(t, st, w.A, "BS-20-BLK", "Bluetooth speaker BS-20, black", "electronics")
	w.PB = w.line(t, st, w.B, "TS-100-NVY", "Áo thun cotton, xanh navy", "garments")
	return w
}

func (w *World) line(t testing.TB, st *store.Store, p opstest.Party, sku, name, category string) Line {
	t.Helper()
	l := Line{Party: p}
	err := st.Update(System, func(tx *store.Tx) error {
		l.Product = &inspection.Product{SKU: sku, Name: name, Category: category, Customer: "Müller Audio"}
		if err := tx.CreateProduct(l.Product); err != nil {
			return err
		}
		l.Spec = SpecOf(l.Product.ID)
		if err := tx.CreateSpec(l.Spec); err != nil {
			return err
		}
		if err := tx.ReleaseSpec(l.Spec.ID, l.Spec.Version, inspection.Release{Reason: "approved for mass production"}); err != nil {
			return err
		}
		var err error
		if l.Spec, err = tx.Spec(l.Spec.ID); err != nil {
			return err
		}
		l.Plan = PlanOf(l.Product.ID)
		return tx.CreatePlan(l.Plan)
	})
	if err != nil {
		t.Fatalf("insptest: line %s: %v", sku, err)
	}
	l.FAI = w.ApprovedFAI(t, st, l)
	l.Lot = w.Lot(t, st, l, inspection.KindPreShipment, 500)
	w.Record(t, st, l.Lot.ID, inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: 5}})
	l.Lot = w.Get(t, st, l.Lot.ID)
	return l
}

// Key returns a fresh idempotency key.
func (w *World) Key() string {
	w.n++
	return fmt.Sprintf("fixture-%06d", w.n)
}

// Inspector is the context of the fixture's inspector.
func (w *World) Inspector() context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(w.Users[qms.RoleInspector], "session"))
}

// Manager is the context of the fixture's quality manager.
func (w *World) Manager() context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(w.Users[qms.RoleQualityManager], "session"))
}

// New returns an inspection of kind k of a lot of the line, by the
// fixture's inspector, not yet planned.
func (w *World) New(l Line, k inspection.Kind, size int) *inspection.Inspection {
	id := w.Users[qms.RoleInspector].ID
	in := &inspection.Inspection{Kind: k, ProductID: l.Product.ID, SpecID: l.Spec.ID, SupplierID: l.Supplier.ID, SiteID: l.Site.ID,
		Lot:       inspection.Lot{PONumber: "PO-2026-0042", OrderQuantity: size, LotSize: size, Produced: size, Packed: size},
		Inspector: inspection.Inspector{UserID: &id}, PlannedOn: qms.NewDate(2026, 3, 2)}
	if k == inspection.KindFirstArticle {
		in.Lot = inspection.Lot{PONumber: "", LotSize: size, Produced: size}
		in.FAIPieces = 2
	}
	return in
}

// Lot plans an inspection of kind k of a lot of the line as the system.
func (w *World) Lot(t testing.TB, st *store.Store, l Line, k inspection.Kind, size int) *inspection.Inspection {
	t.Helper()
	in := w.New(l, k, size)
	if err := st.Update(System, func(tx *store.Tx) error { return tx.PlanInspection(in) }); err != nil {
		t.Fatalf("insptest: plan %s: %v", k, err)
	}
	return in
}

// Record records an entry as the fixture's inspector; a missing key is
// generated.
func (w *World) Record(t testing.TB, st *store.Store, id int64, e inspection.Entry) *inspection.Entry {
	t.Helper()
	if e.Key == "" {
		e.Key = w.Key()
	}
	e.InspectionID = id
	if err := st.Update(w.Inspector(), func(tx *store.Tx) error { _, err := tx.RecordEntry(&e); return err }); err != nil {
		t.Fatalf("insptest: record %s: %v", e.Kind, err)
	}
	return &e
}

// Get reads an inspection.
func (w *World) Get(t testing.TB, st *store.Store, id int64) *inspection.Inspection {
	t.Helper()
	var in *inspection.Inspection
	if err := st.View(context.Background(), func(tx *store.Tx) error {
		var err error
		in, err = tx.Inspection(id)
		return err
	}); err != nil {
		t.Fatalf("insptest: get inspection %d: %v", id, err)
	}
	return in
}

// ApprovedFAI plans, records (every characteristic passing), submits and
// approves a first article inspection of the line's product at its site.
func (w *World) ApprovedFAI(t testing.TB, st *store.Store, l Line) *inspection.Inspection {
	t.Helper()
	in := w.Lot(t, st, l, inspection.KindFirstArticle, 10)
	for _, c := range l.Spec.Characteristics {
		f := &inspection.FAIEntry{Characteristic: c.No, Gauge: "caliper 0.01 mm"}
		if c.Kind == inspection.CharDimensional {
			lo, hi := c.Limits()
			f.Values = []float64{(*lo + *hi) / 2, (*lo + *hi) / 2}
		} else {
			f.Pass, f.Result = ptr(true), "as required"
		}
		w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: f})
	}
	w.Submit(t, st, in.ID, inspection.Submission{})
	return w.Decide(t, st, in.ID, inspection.Decision{Kind: inspection.DecideApprove})
}

// Complete records everything but defects as conform for a sampled
// inspection: all sample units inspected, the sections, the checks, the
// tests and one reading per dimension.
func (w *World) Complete(t testing.TB, st *store.Store, in *inspection.Inspection) {
	t.Helper()
	w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: in.Sampling.UnitsToDraw}})
	for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking} {
		w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.Conform}})
	}
	for _, no := range []int{3, 5, 6} {
		w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: no, Result: inspection.Conform}})
	}
	for _, tp := range in.Sampling.Tests {
		for u := 1; u <= tp.SampleSize; u++ {
			w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: tp.No, Unit: u, Pass: true}})
		}
	}
	w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 120.2}})
	w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 2, Value: 401}})
}

// Submit submits as the inspector.
func (w *World) Submit(t testing.TB, st *store.Store, id int64, sub inspection.Submission) *inspection.Inspection {
	t.Helper()
	in := w.Get(t, st, id)
	if err := st.Update(w.Inspector(), func(tx *store.Tx) error {
		var err error
		in, err = tx.SubmitInspection(id, in.Version, sub)
		return err
	}); err != nil {
		t.Fatalf("insptest: submit %d: %v", id, err)
	}
	return in
}

// Decide decides as the quality manager.
func (w *World) Decide(t testing.TB, st *store.Store, id int64, d inspection.Decision) *inspection.Inspection {
	t.Helper()
	in := w.Get(t, st, id)
	if err := st.Update(w.Manager(), func(tx *store.Tx) error {
		var err error
		in, err = tx.DecideInspection(id, in.Version, d)
		return err
	}); err != nil {
		t.Fatalf("insptest: decide %d: %v", id, err)
	}
	return in
}

// Submitted returns a fresh pre-shipment inspection of the line, complete
// and submitted (passing).
func (w *World) Submitted(t testing.TB, st *store.Store, l Line) *inspection.Inspection {
	t.Helper()
	in := w.Lot(t, st, l, inspection.KindPreShipment, 500)
	w.Complete(t, st, in)
	return w.Submit(t, st, in.ID, inspection.Submission{})
}

// Placeholder matches the placeholders of Expand.
var Placeholder = regexp.MustCompile(`\{[a-zA-Z:-]+\}`)

// Expand fills in a path or body of a test request: the supplier fixture's
// placeholders (opstest.World.Expand) and the inspection ones: {PA}, {PB}
// (products) and {v:PB}, {SB} (B's released spec), {PlanB}, {LotB} (B's
// inspection being recorded) and {v:LotB} its version, {SiteB}, {FAIB},
// and fresh records made for this one request, whose version is then
// {v:fresh}: {fresh-lotB} (a planned inspection of B), {fresh-completeB}
// (recorded in full, not submitted), {fresh-subB} (submitted, passing),
// {fresh-prod} (a product of B's category), {fresh-draftB} (a draft spec
// of a fresh product), {fresh-planB} (a supplier x product plan for B),
// {fresh-code} (a defect code of garments). Fails the test on any error.
func (w *World) Expand(t testing.TB, st *store.Store, s, who string) string {
	t.Helper()
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	return Placeholder.ReplaceAllStringFunc(s, func(p string) string {
		switch p {
		case "{PA}":
			return id(w.PA.Product.ID)
		case "{PB}":
			return id(w.PB.Product.ID)
		case "{SB}":
			return id(w.PB.Spec.ID)
		case "{PlanB}":
			return id(w.PB.Plan.ID)
		case "{LotB}":
			return id(w.PB.Lot.ID)
		case "{v:LotB}":
			return id(w.Get(t, st, w.PB.Lot.ID).Version)
		case "{v:PB}":
			var v int64
			if err := st.View(context.Background(), func(tx *store.Tx) error {
				p, err := tx.Product(w.PB.Product.ID)
				if err == nil {
					v = p.Version
				}
				return err
			}); err != nil {
				t.Fatalf("insptest: expand %s: %v", p, err)
			}
			return id(v)
		case "{SiteB}":
			return id(w.PB.Site.ID)
		case "{FAIB}":
			return id(w.PB.FAI.ID)
		case "{fresh-lotB}":
			in := w.Lot(t, st, w.PB, inspection.KindPreShipment, 500)
			w.last = in.Version
			return id(in.ID)
		case "{fresh-completeB}":
			in := w.Lot(t, st, w.PB, inspection.KindPreShipment, 500)
			w.Complete(t, st, in)
			w.last = w.Get(t, st, in.ID).Version
			return id(in.ID)
		case "{fresh-subB}":
			in := w.Submitted(t, st, w.PB)
			w.last = in.Version
			return id(in.ID)
		case "{v:fresh}":
			return id(w.last)
		case "{fresh-draftB}", "{fresh-planB}", "{fresh-code}", "{fresh-prod}":
			var out int64
			w.n++
			err := st.Update(System, func(tx *store.Tx) error {
				switch p {
				case "{fresh-draftB}":
					pr := &inspection.Product{SKU: "FRESH-" + strconv.Itoa(w.n), Name: "Fresh " + strconv.Itoa(w.n), Category: "garments"}
					if err := tx.CreateProduct(pr); err != nil {
						return err
					}
					sp := SpecOf(pr.ID)
					err := tx.CreateSpec(sp)
					out, w.last = sp.ID, sp.Version
					return err
				case "{fresh-planB}":
					pr := &inspection.Product{SKU: "FRESHP-" + strconv.Itoa(w.n), Name: "Fresh " + strconv.Itoa(w.n), Category: "garments"}
					if err := tx.CreateProduct(pr); err != nil {
						return err
					}
					pl := PlanOf(pr.ID)
					pl.SupplierID = &w.PB.Supplier.ID
					err := tx.CreatePlan(pl)
					out, w.last = pl.ID, pl.Version
					return err
				case "{fresh-prod}":
					pr := &inspection.Product{SKU: "FRESHX-" + strconv.Itoa(w.n), Name: "Fresh " + strconv.Itoa(w.n), Category: "garments"}
					err := tx.CreateProduct(pr)
					out, w.last = pr.ID, pr.Version
					return err
				default:
					d := &inspection.DefectCode{Category: "garments", Code: "FR-" + strconv.Itoa(w.n), Description: "Fresh", Class: inspection.Minor}
					err := tx.CreateDefectCode(d)
					out, w.last = d.ID, d.Version
					return err
				}
			})
			if err != nil {
				t.Fatalf("insptest: expand %s: %v", p, err)
			}
			return id(out)
		}
		return w.World.Expand(t, st, p, who)
	})
}
