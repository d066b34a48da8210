package inspection_test

import (
	"fmt"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

var (
	qm        = qms.Actor{UserID: 2, Name: "Lena Vogel", Role: qms.RoleQualityManager, Via: "session"}
	inspector = qms.Actor{UserID: 3, Name: "Trần Văn Hùng", Role: qms.RoleInspector, Via: "session"}
	viewer    = qms.Actor{UserID: 4, Name: "Viewer", Role: qms.RoleViewer, Via: "session"}
)

func f64(v float64) *float64 { return &v }

// testSpec is a released spec with every kind of characteristic.
func testSpec() *inspection.Spec {
	s := &inspection.Spec{ID: 7, ProductID: 1, Revision: 2, Title: "Bluetooth speaker BS-20", Status: inspection.SpecReleased,
		Characteristics: []inspection.Characteristic{
			{No: 1, Kind: inspection.CharDimensional, Name: "Length", Nominal: f64(120), Tolerance: inspection.Tolerance{Plus: f64(0.5), Minus: f64(0.5)}, Unit: "mm", Critical: true},
			{No: 2, Kind: inspection.CharDimensional, Name: "Weight", Tolerance: inspection.Tolerance{Min: f64(380), Max: f64(420)}, Unit: "g"},
			{No: 3, Kind: inspection.CharAttribute, Name: "Colour", Criterion: "Pantone 2945 C as golden sample"},
			{No: 4, Kind: inspection.CharTest, Name: "Function", Criterion: "pairs and plays", Test: &inspection.TestSpec{Type: "function", Level: sampling.LevelS2, Ac: 0, Re: 1}},
			{No: 5, Kind: inspection.CharTest, Name: "Drop", Test: &inspection.TestSpec{Type: "drop", SampleSize: 2, Ac: 0, Re: 1}},
			{No: 6, Kind: inspection.CharPacking, Name: "Carton", Criterion: "5-ply export carton, 12 pcs"},
			{No: 7, Kind: inspection.CharMarking, Name: "Shipping mark", Criterion: "main and side marks as artwork v3"},
		}}
	if err := s.Validate(); err != nil {
		panic(err)
	}
	return s
}

type classes = []inspection.ClassAQL

func aql(s string) sampling.AQL {
	a, err := sampling.ParseAQL(s)
	if err != nil {
		panic(err)
	}
	return a
}

// stdClasses: critical zero tolerance, major 2.5, minor 4.0.
func stdClasses() classes {
	return classes{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: aql("2.5")}, {Class: inspection.Minor, AQL: aql("4.0")}}
}

// newInspection plans an inspection of kind k with the given lot, classes
// and counting at the given severities.
func newInspection(t *testing.T, k inspection.Kind, lot int, cs classes, counting inspection.Counting, sev map[inspection.DefectClass]sampling.Severity, std sampling.Standard) *inspection.Inspection {
	t.Helper()
	spec := testSpec()
	in := &inspection.Inspection{ID: 100, Kind: k, Status: inspection.StatusInProgress, ProductID: 1, SpecID: spec.ID, SupplierID: 10, SiteID: 20,
		Lot: inspection.Lot{PONumber: "PO-1", LotSize: lot, Produced: lot, Packed: lot}, Stage: inspection.DefaultStage(k)}
	if k.Sampled() {
		var tests []inspection.Characteristic
		for _, c := range spec.Characteristics {
			if c.Kind == inspection.CharTest {
				tests = append(tests, c)
			}
		}
		sp, err := inspection.PlanSampling(inspection.SamplingInput{Standard: std, Level: sampling.LevelII, Classes: cs, Counting: counting, Lot: lot, Severity: sev, Tests: tests})
		if err != nil {
			t.Fatal(err)
		}
		in.Sampling = sp
	}
	return in
}

// recorder builds entries with increasing ids.
type recorder struct {
	in *inspection.Inspection
	es []inspection.Entry
	id int64
}

func (r *recorder) add(e inspection.Entry) *inspection.Entry {
	r.id++
	e.ID, e.InspectionID, e.Key = r.id, r.in.ID, fmt.Sprintf("key-%06d", r.id)
	e.RecordedAt = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := e.Validate(inspection.EntryContext{Inspection: r.in, Spec: testSpec(), Library: library(), Target: r.find(e)}); err != nil {
		panic(fmt.Sprintf("entry %+v: %v", e, err))
	}
	r.es = append(r.es, e)
	return &r.es[len(r.es)-1]
}

func (r *recorder) find(e inspection.Entry) *inspection.Entry {
	if e.Void == nil {
		return nil
	}
	for i := range r.es {
		if r.es[i].ID == e.Void.EntryID {
			return &r.es[i]
		}
	}
	return nil
}

func (r *recorder) units(from, to int) {
	r.add(inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: from, To: to}})
}

func (r *recorder) defect(unit int, c inspection.DefectClass) *inspection.Entry {
	return r.add(inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: unit, Description: "scratch", Class: c}})
}

func (r *recorder) section(s inspection.Section, res inspection.SectionResult) {
	r.add(inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: s, Result: res}})
}

func (r *recorder) test(no, unit int, pass bool) {
	r.add(inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: no, Unit: unit, Pass: pass}})
}

func (r *recorder) check(no int, res inspection.SectionResult) {
	r.add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: no, Result: res}})
}

func (r *recorder) measure(no, unit int, v float64) *inspection.Entry {
	return r.add(inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &inspection.MeasurementEntry{Characteristic: no, Unit: unit, Value: v}})
}

// complete records everything but the AQL classes as conform: the
// sections the inspector sets, the checks, all test units passing and one
// in-tolerance reading per dimension.
func (r *recorder) complete() {
	for _, s := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking} {
		r.section(s, inspection.Conform)
	}
	for _, no := range []int{3, 6, 7} {
		r.check(no, inspection.Conform)
	}
	for _, tp := range r.in.Sampling.Tests {
		for u := 1; u <= tp.SampleSize; u++ {
			r.test(tp.No, u, true)
		}
	}
	r.measure(1, 1, 120.1)
	r.measure(2, 1, 401)
}

func (r *recorder) eval() *inspection.Result { return inspection.Evaluate(r.in, testSpec(), r.es) }

func library() []inspection.DefectCode {
	return []inspection.DefectCode{
		{ID: 1, Category: "electronics", Code: "SCR-01", Description: "Scratch on housing", Class: inspection.Minor},
		{ID: 2, Category: "electronics", Code: "FUN-01", Description: "No sound", Class: inspection.Major},
		{ID: 3, Category: "electronics", Code: "SAF-01", Description: "Exposed live part", Class: inspection.Critical},
	}
}

func wantKind(t *testing.T, what string, err error, k qms.Kind) {
	t.Helper()
	if err == nil || qms.ErrorKind(err) != k {
		t.Fatalf("%s: %v, want %v", what, err, k)
	}
}
