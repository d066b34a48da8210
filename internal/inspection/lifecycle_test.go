package inspection_test

import (
	"strings"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

func TestSpecValidationAndLifecycle(t *testing.T) {
	s := testSpec()
	if c, _ := s.Characteristic(1); c.Requirement() != "120 ± 0.5 mm" || !c.InTolerance(120.5) || c.InTolerance(120.51) || !c.Plausible(100) || c.Plausible(1200) {
		t.Errorf("length: %q", c.Requirement())
	}
	if c, _ := s.Characteristic(2); c.Requirement() != "380 – 420 g" || !c.InTolerance(380) || c.InTolerance(379.9) || !c.Plausible(790) || !c.Plausible(0.4) || c.Plausible(4000) {
		t.Errorf("weight: %q", c.Requirement())
	}
	maxOnly := inspection.Characteristic{Kind: inspection.CharDimensional, Name: "Flatness", Unit: "mm", Tolerance: inspection.Tolerance{Max: f64(0.1)}}
	minOnly := inspection.Characteristic{Kind: inspection.CharDimensional, Name: "Pull force", Unit: "N", Tolerance: inspection.Tolerance{Min: f64(10)}}
	if !maxOnly.Plausible(0.3) || maxOnly.Plausible(2) || !minOnly.Plausible(150) || minOnly.Plausible(5000) || maxOnly.Requirement() != "≤ 0.1 mm" || minOnly.Requirement() != "≥ 10 N" {
		t.Error("one-sided limits")
	}

	bad := []struct {
		name  string
		c     inspection.Characteristic
		field string
	}{
		{"no tolerance", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Nominal: f64(1), Unit: "mm"}, "characteristics.0.tolerance"},
		{"both forms", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Nominal: f64(1), Unit: "mm", Tolerance: inspection.Tolerance{Plus: f64(1), Minus: f64(1), Max: f64(3)}}, "characteristics.0.tolerance"},
		{"plus/minus without nominal", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Unit: "mm", Tolerance: inspection.Tolerance{Plus: f64(1), Minus: f64(1)}}, "characteristics.0.nominal"},
		{"negative deviation", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Nominal: f64(1), Unit: "mm", Tolerance: inspection.Tolerance{Plus: f64(1), Minus: f64(-1)}}, "characteristics.0.tolerance"},
		{"min above max", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Unit: "mm", Tolerance: inspection.Tolerance{Min: f64(3), Max: f64(1)}}, "characteristics.0.tolerance"},
		{"no unit", inspection.Characteristic{Kind: inspection.CharDimensional, Name: "L", Tolerance: inspection.Tolerance{Min: f64(1)}}, "characteristics.0.unit"},
		{"attribute without criterion", inspection.Characteristic{Kind: inspection.CharAttribute, Name: "Colour"}, "characteristics.0.criterion"},
		{"test without sampling", inspection.Characteristic{Kind: inspection.CharTest, Name: "Drop"}, "characteristics.0.test"},
		{"test with level and size", inspection.Characteristic{Kind: inspection.CharTest, Name: "Drop", Test: &inspection.TestSpec{Type: "drop", Level: sampling.LevelS1, SampleSize: 3, Re: 1}}, "characteristics.0.test.sample_size"},
		{"test Re not Ac+1", inspection.Characteristic{Kind: inspection.CharTest, Name: "Drop", Test: &inspection.TestSpec{Type: "drop", SampleSize: 3, Ac: 1, Re: 1}}, "characteristics.0.test.re"},
		{"kind", inspection.Characteristic{Kind: "visual", Name: "x"}, "characteristics.0.kind"},
	}
	for _, b := range bad {
		sp := &inspection.Spec{ProductID: 1, Characteristics: []inspection.Characteristic{b.c}}
		err := sp.Validate()
		wantKind(t, b.name, err, qms.KindInvalid)
		if qms.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: %v lacks %s", b.name, err, b.field)
		}
	}
	dup := &inspection.Spec{ProductID: 1, Characteristics: []inspection.Characteristic{
		{No: 3, Kind: inspection.CharAttribute, Name: "a", Criterion: "x"}, {No: 3, Kind: inspection.CharAttribute, Name: "b", Criterion: "y"}}}
	wantKind(t, "duplicate balloon", dup.Validate(), qms.KindInvalid)

	// Lifecycle: only a quality manager releases; only a draft with
	// characteristics; only a released revision is inspected against.
	draft := testSpec()
	draft.Status = inspection.SpecDraft
	wantKind(t, "inspector releases", inspection.CheckRelease(inspector, draft, &inspection.Release{}), qms.KindForbidden)
	if err := inspection.CheckRelease(qm, draft, &inspection.Release{Reason: "approved"}); err != nil {
		t.Fatal(err)
	}
	empty := &inspection.Spec{ProductID: 1, Status: inspection.SpecDraft}
	wantKind(t, "release empty", inspection.CheckRelease(qm, empty, &inspection.Release{}), qms.KindInvalid)
	for _, st := range []inspection.SpecStatus{inspection.SpecReleased, inspection.SpecSuperseded} {
		s := testSpec()
		s.Status = st
		wantKind(t, "release "+string(st), inspection.CheckRelease(qm, s, &inspection.Release{}), qms.KindConflict)
		wantKind(t, "edit "+string(st), inspection.CheckEditSpec(s), qms.KindConflict)
	}
	if err := inspection.CheckInspectable(testSpec(), 1); err != nil {
		t.Errorf("released: %v", err)
	}
	for _, st := range []inspection.SpecStatus{inspection.SpecDraft, inspection.SpecSuperseded} {
		s := testSpec()
		s.Status = st
		wantKind(t, "inspect "+string(st), inspection.CheckInspectable(s, 1), qms.KindInvalid)
	}
	wantKind(t, "inspect other product", inspection.CheckInspectable(testSpec(), 2), qms.KindInvalid)
}

func TestPlanValidation(t *testing.T) {
	pl := &inspection.Plan{ProductID: 1, Standard: sampling.ISO2859, Level: sampling.LevelII,
		Classes:    classes{{Class: minor, AQL: aql("4.0")}, {Class: crit, ZeroTolerance: true}, {Class: major, AQL: aql("2.5")}},
		Stages:     []inspection.StageRule{{Kind: inspection.KindPreShipment}, {Kind: inspection.KindInProcess}},
		Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true, Agencies: []string{"QIMA", "qima", " V-Trust "}}}
	if err := pl.Validate(); err != nil {
		t.Fatal(err)
	}
	if pl.Classes[0].Class != crit || pl.Classes[2].Class != minor || pl.Counting != inspection.CountDefectives {
		t.Errorf("classes %+v counting %s", pl.Classes, pl.Counting)
	}
	if st, ok := pl.Stage(inspection.KindPreShipment); !ok || st.AtProducedPercent != 100 || st.MinPackedPercent != 80 {
		t.Errorf("pre-shipment %+v", st)
	}
	if st, _ := pl.Stage(inspection.KindInProcess); st.AtProducedPercent != 20 || pl.Stages[0].Kind != inspection.KindInProcess {
		t.Errorf("stages %+v", pl.Stages)
	}
	if len(pl.Inspectors.Agencies) != 2 {
		t.Errorf("agencies %q", pl.Inspectors.Agencies)
	}
	uid := int64(3)
	for _, c := range []struct {
		x  inspection.Inspector
		ok bool
	}{
		{inspection.Inspector{UserID: &uid, Name: "Hùng"}, true},
		{inspection.Inspector{Agency: "QIMA", Name: "Li Wei"}, true},
		{inspection.Inspector{Agency: "SGS", Name: "Chen"}, false},
	} {
		if ok, why := pl.Inspectors.Allows(c.x); ok != c.ok {
			t.Errorf("%+v: %v %s", c.x, ok, why)
		}
	}
	bad := []struct {
		name  string
		edit  func(p *inspection.Plan)
		field string
	}{
		{"no classes", func(p *inspection.Plan) { p.Classes = nil }, "classes"},
		{"AQL above 10 counting defectives", func(p *inspection.Plan) { p.Classes = classes{{Class: minor, AQL: aql("15")}} }, "classes.0.aql"},
		{"zero tolerance with AQL", func(p *inspection.Plan) { p.Classes = classes{{Class: crit, AQL: aql("0.1"), ZeroTolerance: true}} }, "classes.0.aql"},
		{"class twice", func(p *inspection.Plan) {
			p.Classes = classes{{Class: major, AQL: aql("1.0")}, {Class: major, AQL: aql("2.5")}}
		}, "classes.1.class"},
		{"standard", func(p *inspection.Plan) { p.Standard = 0 }, "standard"},
		{"level", func(p *inspection.Plan) { p.Level = 0 }, "level"},
		{"nobody inspects", func(p *inspection.Plan) { p.Inspectors = inspection.Inspectors{} }, "inspectors"},
		{"pre-shipment before 100 %", func(p *inspection.Plan) {
			p.Stages = []inspection.StageRule{{Kind: inspection.KindPreShipment, AtProducedPercent: 90}}
		}, "stages.0.at_produced_percent"},
		{"FAI as a stage", func(p *inspection.Plan) { p.Stages = []inspection.StageRule{{Kind: inspection.KindFirstArticle}} }, "stages.0.kind"},
	}
	for _, b := range bad {
		p := *pl
		b.edit(&p)
		err := p.Validate()
		wantKind(t, b.name, err, qms.KindInvalid)
		if qms.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: %v lacks %s", b.name, err, b.field)
		}
	}
}

func TestInspectionValidation(t *testing.T) {
	uid := int64(3)
	ok := func() *inspection.Inspection {
		return &inspection.Inspection{Kind: inspection.KindPreShipment, ProductID: 1, SpecID: 2, SupplierID: 3, SiteID: 4,
			Lot:       inspection.Lot{PONumber: " PO-2026-001 ", OrderQuantity: 5000, LotSize: 3000, Produced: 3000, Packed: 2500},
			Inspector: inspection.Inspector{UserID: &uid}}
	}
	if in := ok(); in.Validate() != nil || in.Lot.PONumber != "PO-2026-001" {
		t.Fatalf("%v %q", in.Validate(), in.Lot.PONumber)
	}
	bad := []struct {
		name  string
		edit  func(in *inspection.Inspection)
		field string
	}{
		{"lot zero", func(in *inspection.Inspection) { in.Lot.LotSize = 0 }, "lot_size"},
		{"lot negative", func(in *inspection.Inspection) { in.Lot.LotSize = -5 }, "lot_size"},
		{"lot smaller than presented", func(in *inspection.Inspection) { in.Lot.LotSize = 2000 }, "lot_size"},
		{"lot larger than ordered", func(in *inspection.Inspection) { in.Lot.OrderQuantity = 1000; in.Lot.Produced, in.Lot.Packed = 0, 0 }, "lot_size"},
		{"packed more than produced", func(in *inspection.Inspection) { in.Lot.Packed = 3001 }, "packed"},
		{"negative produced", func(in *inspection.Inspection) { in.Lot.Produced, in.Lot.Packed = -1, 0 }, "produced"},
		{"no PO", func(in *inspection.Inspection) { in.Lot.PONumber = " " }, "po_number"},
		{"no inspector", func(in *inspection.Inspection) { in.Inspector = inspection.Inspector{} }, "inspector.user_id"},
		{"agency without inspector name", func(in *inspection.Inspection) { in.Inspector = inspection.Inspector{Agency: "QIMA"} }, "inspector.name"},
		{"kind", func(in *inspection.Inspection) { in.Kind = "audit" }, "kind"},
		{"FAI pieces on a PSI", func(in *inspection.Inspection) { in.FAIPieces = 3 }, "fai_pieces"},
	}
	for _, b := range bad {
		in := ok()
		b.edit(in)
		err := in.Validate()
		wantKind(t, b.name, err, qms.KindInvalid)
		if qms.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: %v lacks %s", b.name, err, b.field)
		}
	}
}

func TestEntryValidation(t *testing.T) {
	in := newInspection(t, inspection.KindPreShipment, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	in.ID = 100
	ctx := inspection.EntryContext{Inspection: in, Spec: testSpec(), Library: library()}
	check := func(name string, e inspection.Entry, field string) *inspection.Entry {
		t.Helper()
		if e.Key == "" {
			e.Key = "8b1f0f9e-3c1d-4b5a-9f1e-000000000001"
		}
		err := e.Validate(ctx)
		if field == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			return &e
		}
		wantKind(t, name, err, qms.KindInvalid)
		if qms.ErrorFields(err)[field] == "" {
			t.Errorf("%s: %v lacks %s", name, err, field)
		}
		return &e
	}
	def := func(d inspection.DefectEntry) inspection.Entry {
		return inspection.Entry{Kind: inspection.EntryDefect, Defect: &d}
	}
	e := check("library code gives the class", def(inspection.DefectEntry{Unit: 3, Code: " scr-01 ", Location: "top"}), "")
	if e.Defect.Class != minor || e.Defect.Code != "SCR-01" || e.Defect.Description != "Scratch on housing" {
		t.Errorf("%+v", e.Defect)
	}
	e = check("inspector raises the class", def(inspection.DefectEntry{Unit: 3, Code: "SCR-01", Class: major}), "")
	if e.Defect.Class != major {
		t.Errorf("%+v", e.Defect)
	}
	check("unit beyond the sample", def(inspection.DefectEntry{Unit: 126, Description: "x", Class: minor}), "defect.unit")
	check("unit 0", def(inspection.DefectEntry{Unit: 0, Description: "x", Class: minor}), "defect.unit")
	check("unknown code", def(inspection.DefectEntry{Unit: 1, Code: "XYZ"}), "defect.code")
	check("no code, no description", def(inspection.DefectEntry{Unit: 1, Class: minor}), "defect.description")
	check("bad class", def(inspection.DefectEntry{Unit: 1, Description: "x", Class: "cosmetic"}), "defect.class")
	check("bad photo", def(inspection.DefectEntry{Unit: 1, Description: "x", Class: minor, Photos: []int64{0}}), "defect.photos")
	check("bad key", inspection.Entry{Key: "short", Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: 1, Description: "x", Class: minor}}, "key")
	check("two payloads", inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: 1}, Remark: &inspection.RemarkEntry{Text: "x"}}, "defect")
	check("payload of another kind", inspection.Entry{Kind: inspection.EntryDefect, Remark: &inspection.RemarkEntry{Text: "x"}}, "defect")

	meas := func(m inspection.MeasurementEntry) inspection.Entry {
		return inspection.Entry{Kind: inspection.EntryMeasurement, Measurement: &m}
	}
	e = check("reading out of tolerance", meas(inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 121, UnitOfMeasure: "MM"}), "")
	if !e.Measurement.OutOfTolerance || e.Measurement.UnitOfMeasure != "mm" {
		t.Errorf("%+v", e.Measurement)
	}
	e = check("unit of measure defaults", meas(inspection.MeasurementEntry{Unit: 1, Characteristic: 2, Value: 400}), "")
	if e.Measurement.OutOfTolerance || e.Measurement.UnitOfMeasure != "g" {
		t.Errorf("%+v", e.Measurement)
	}
	check("wrong unit", meas(inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 12, UnitOfMeasure: "cm"}), "measurement.uom")
	check("absurd value", meas(inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 120000}), "measurement.value")
	check("not a dimension", meas(inspection.MeasurementEntry{Unit: 1, Characteristic: 3, Value: 1}), "measurement.characteristic")
	check("unit beyond sample", meas(inspection.MeasurementEntry{Unit: 200, Characteristic: 1, Value: 120}), "measurement.unit")

	check("test unit within the test's sample", inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 4, Unit: 8, Pass: true}}, "")
	check("test unit beyond the test's sample", inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 4, Unit: 9, Pass: true}}, "test.unit")
	check("not a test", inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 1, Unit: 1}}, "test.characteristic")
	check("check of a packing requirement", inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 6, Result: inspection.NotConform}}, "")
	check("check of a dimension", inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: 1, Result: inspection.Conform}}, "check.characteristic")
	check("container item outside a container check", inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: "floor", Result: inspection.Conform}}, "check.item")
	check("section result", inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: inspection.SecPacking, Result: "ok"}}, "section.result")
	check("section of another report", inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: inspection.SecContainer, Result: inspection.Conform}}, "section.section")
	check("cartons opened beyond counted", inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 10, Opened: 16}}, "cartons.opened")
	check("units range", inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 10, To: 5}}, "units.to")
	check("units beyond", inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: 126}}, "units.to")
	check("FAI entry in a PSI", inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{120}}}, "kind")
	check("container in a PSI", inspection.Entry{Kind: inspection.EntryContainer, Container: &inspection.ContainerEntry{ContainerNo: "CSQU3054383", SealNo: "1"}}, "kind")
	check("void of nothing", inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: 5, Reason: "typo"}}, "void.entry_id")
	target := &inspection.Entry{ID: 5, InspectionID: 100, Kind: inspection.EntryDefect}
	ctx.Target = target
	check("void", inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: 5, Reason: "typo"}}, "")
	check("void without reason", inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: 5}}, "void.reason")
	ctx.TargetVoided = true
	check("void twice", inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: 5, Reason: "typo"}}, "void.entry_id")
}

func TestContainerNumbers(t *testing.T) {
	for _, s := range []string{"CSQU3054383", "MSKU9070323"} {
		if msg := inspection.CheckContainerNumber(s); msg != "" {
			t.Errorf("%s: %s", s, msg)
		}
	}
	for _, s := range []string{"CSQU3054384", "CSQU305438", "1SQU3054383", "CSQUA054383", ""} {
		if inspection.CheckContainerNumber(s) == "" {
			t.Errorf("%s accepted", s)
		}
	}
}

func TestContainerLoadingCheck(t *testing.T) {
	in := newInspection(t, inspection.KindContainerLoading, 3000, nil, "", nil, sampling.ISO2859)
	r := &recorder{in: in}
	r.add(inspection.Entry{Kind: inspection.EntryContainer, Container: &inspection.ContainerEntry{ContainerNo: "csqu 305438 3", SealNo: "EU1234567", Type: "40' HC"}})
	r.add(inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 250, Opened: 16}})
	for _, item := range inspection.ContainerItems {
		r.add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: item, Result: inspection.Conform}})
	}
	r.check(6, inspection.Conform)
	r.check(7, inspection.Conform)
	res := r.eval()
	if res.Verdict != inspection.VerdictPass || res.Container == nil || res.Container.ContainerNo != "CSQU3054383" {
		t.Fatalf("%s %v %+v", res.Verdict, res.Reasons, res.Container)
	}
	// Cartons counted against the packing list; a damp floor.
	r.add(inspection.Entry{Kind: inspection.EntryCartons, Cartons: &inspection.CartonsEntry{PackingList: 250, Counted: 248, Opened: 16}})
	r.add(inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Item: "moisture", Result: inspection.NotConform, Note: "wet floor boards"}})
	res = r.eval()
	if res.Verdict != inspection.VerdictFail || !strings.Contains(strings.Join(res.Reasons, "|"), "Quantity") || !strings.Contains(strings.Join(res.Reasons, "|"), "Container condition") {
		t.Errorf("%s %v", res.Verdict, res.Reasons)
	}
}

func TestFirstArticle(t *testing.T) {
	in := newInspection(t, inspection.KindFirstArticle, 5, nil, "", nil, sampling.ISO2859)
	in.FAIPieces = 3
	r := &recorder{in: in}
	yes, no := true, false
	fai := func(f inspection.FAIEntry) *inspection.Entry {
		return r.add(inspection.Entry{Kind: inspection.EntryFAI, FAI: &f})
	}
	fai(inspection.FAIEntry{Characteristic: 1, Values: []float64{120.1, 119.8, 120.4}, Gauge: "caliper CAL-07"})
	res := r.eval()
	if res.Verdict != inspection.VerdictIncomplete || len(res.FAI) != 7 || res.FAI[0].Pass == nil || !*res.FAI[0].Pass || res.FAI[1].Pass != nil {
		t.Fatalf("%s %+v", res.Verdict, res.FAI)
	}
	if _, err := inspection.CheckSubmit(inspector, in, res, &inspection.Submission{}); qms.ErrorKind(err) != qms.KindConflict || !strings.Contains(err.Error(), "Characteristic 2") {
		t.Errorf("incomplete FAI submitted: %v", err)
	}
	fai(inspection.FAIEntry{Characteristic: 2, Values: []float64{401}})
	for no := 3; no <= 7; no++ {
		fai(inspection.FAIEntry{Characteristic: no, Pass: &yes, Result: "as golden sample"})
	}
	res = r.eval()
	if res.Verdict != inspection.VerdictPass {
		t.Fatalf("%s %v", res.Verdict, res.Reasons)
	}
	if v, err := inspection.CheckSubmit(inspector, in, res, &inspection.Submission{}); err != nil || v != inspection.VerdictPass {
		t.Errorf("%s %v", v, err)
	}
	_, err := inspection.CheckSubmit(inspector, in, res, &inspection.Submission{Pending: true, PendingReason: "x"})
	wantKind(t, "FAI pending", err, qms.KindInvalid)
	fai(inspection.FAIEntry{Characteristic: 6, Pass: &no, Result: "3-ply carton"})
	if res = r.eval(); res.Verdict != inspection.VerdictFail {
		t.Errorf("%s", res.Verdict)
	}
	// A dimensional pass/fail is computed; contradicting it is refused.
	e := inspection.Entry{Key: "fai-key-0001", Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{125}, Pass: &yes}}
	wantKind(t, "contradicting pass", e.Validate(inspection.EntryContext{Inspection: in, Spec: testSpec()}), qms.KindInvalid)
	e = inspection.Entry{Key: "fai-key-0002", Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{1, 2, 3, 4}}}
	wantKind(t, "more values than pieces", e.Validate(inspection.EntryContext{Inspection: in, Spec: testSpec()}), qms.KindInvalid)
}

func TestFAIGate(t *testing.T) {
	today := qms.NewDate(2026, 3, 1)
	approved := inspection.FAIRecord{InspectionID: 1, SiteID: 20, SpecID: 7, SpecRevision: 2, Decision: inspection.DecideApprove, DecidedOn: qms.NewDate(2025, 6, 1)}
	cases := []struct {
		name string
		fais []inspection.FAIRecord
		last qms.Date
		now  qms.Date
		code string
	}{
		{"approved", []inspection.FAIRecord{approved}, qms.Date{}, today, inspection.FAIApproved},
		{"conditionally approved counts", []inspection.FAIRecord{{InspectionID: 2, SiteID: 20, SpecID: 7, Decision: inspection.DecideApproveConditional, DecidedOn: today}}, qms.Date{}, today, inspection.FAIApproved},
		{"none", nil, qms.Date{}, today, inspection.FAINone},
		{"rejected", []inspection.FAIRecord{{InspectionID: 3, SiteID: 20, SpecID: 7, Decision: inspection.DecideReject, DecidedOn: today}}, qms.Date{}, today, inspection.FAIRejected},
		{"new spec revision", []inspection.FAIRecord{{InspectionID: 4, SiteID: 20, SpecID: 6, SpecRevision: 1, Decision: inspection.DecideApprove, DecidedOn: today}}, qms.Date{}, today, inspection.FAIOtherRevision},
		{"new site", []inspection.FAIRecord{{InspectionID: 5, SiteID: 21, SpecID: 7, Decision: inspection.DecideApprove, DecidedOn: today}}, qms.Date{}, today, inspection.FAIOtherSite},
		{"two years without production", []inspection.FAIRecord{approved}, qms.NewDate(2025, 9, 1), qms.NewDate(2027, 9, 2), inspection.FAILapsed},
		{"exactly two years is still allowed", []inspection.FAIRecord{approved}, qms.NewDate(2025, 9, 1), qms.NewDate(2027, 9, 1), inspection.FAIApproved},
		{"production keeps it alive", []inspection.FAIRecord{approved}, qms.NewDate(2026, 12, 1), qms.NewDate(2028, 1, 1), inspection.FAIApproved},
		{"a later approval after a rejection", []inspection.FAIRecord{{InspectionID: 3, SiteID: 20, SpecID: 7, Decision: inspection.DecideReject, DecidedOn: qms.NewDate(2025, 5, 1)}, approved}, qms.Date{}, today, inspection.FAIApproved},
	}
	for _, c := range cases {
		r := inspection.FAIGate(inspection.FAIGateInput{SiteID: 20, SpecID: 7, SpecRevision: 2, FAIs: c.fais, LastProduction: c.last, Today: c.now})
		if r.Code != c.code || r.Allowed != (c.code == inspection.FAIApproved) {
			t.Errorf("%s: %+v, want %s", c.name, r, c.code)
		}
		if r.Allowed {
			if r.Err() != nil {
				t.Errorf("%s: %v", c.name, r.Err())
			}
		} else {
			wantKind(t, c.name, r.Err(), qms.KindConflict)
		}
	}
}

func TestDecisions(t *testing.T) {
	in := newInspection(t, inspection.KindPreShipment, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	in.Status = inspection.StatusSubmitted
	cases := []struct {
		verdict inspection.Verdict
		d       inspection.Decision
		actor   qms.Actor
		kind    qms.Kind
	}{
		{inspection.VerdictPass, inspection.Decision{Kind: inspection.DecideRelease}, qm, 0},
		{inspection.VerdictPass, inspection.Decision{Kind: inspection.DecideRelease}, inspector, qms.KindForbidden},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideRelease}, qm, qms.KindConflict},
		{inspection.VerdictPending, inspection.Decision{Kind: inspection.DecideRelease}, qm, qms.KindInvalid},
		{inspection.VerdictPending, inspection.Decision{Kind: inspection.DecideRelease, Reason: "client accepts the drop test result"}, qm, 0},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideConcession, Reason: "minor cosmetic"}, qm, qms.KindInvalid},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideConcession, Reason: "minor cosmetic", Conditions: "5 % discount"}, qm, 0},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideRework}, qm, qms.KindInvalid},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideRework, Reason: "100 % sorting of scratches"}, qm, 0},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideReject, Reason: "critical defect"}, qm, 0},
		{inspection.VerdictFail, inspection.Decision{Kind: inspection.DecideApprove}, qm, qms.KindInvalid},
		{inspection.VerdictPass, inspection.Decision{Kind: inspection.DecideRelease, Conditions: "x"}, qm, qms.KindInvalid},
	}
	for i, c := range cases {
		in.Verdict = c.verdict
		err := inspection.CheckDecision(c.actor, in, &c.d)
		if c.kind == 0 {
			if err != nil {
				t.Errorf("%d %s %s: %v", i, c.verdict, c.d.Kind, err)
			}
			continue
		}
		wantKind(t, string(c.d.Kind)+" on "+string(c.verdict), err, c.kind)
	}
	in.Status = inspection.StatusDecided
	wantKind(t, "decide twice", inspection.CheckDecision(qm, in, &inspection.Decision{Kind: inspection.DecideReject, Reason: "x"}), qms.KindConflict)

	fai := &inspection.Inspection{ID: 5, Kind: inspection.KindFirstArticle, Status: inspection.StatusSubmitted, Verdict: inspection.VerdictFail}
	wantKind(t, "approve a failed FAI", inspection.CheckDecision(qm, fai, &inspection.Decision{Kind: inspection.DecideApprove}), qms.KindConflict)
	if err := inspection.CheckDecision(qm, fai, &inspection.Decision{Kind: inspection.DecideApproveConditional, Reason: "carton deviation", Conditions: "5-ply from lot 2"}); err != nil {
		t.Error(err)
	}
	wantKind(t, "release an FAI", inspection.CheckDecision(qm, fai, &inspection.Decision{Kind: inspection.DecideRelease}), qms.KindInvalid)
}

func TestLotResultValidation(t *testing.T) {
	ok := func() inspection.LotResult {
		return inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", SupplierID: 1, SiteID: 2, ProductID: 3, Category: "electronics",
			Kind: inspection.KindPreShipment, InspectedOn: qms.NewDate(2026, 3, 1), LotSize: 3000, SampleSize: 125,
			MajorDefective: 3, MinorDefective: 4, MajorDefects: 3, MinorDefects: 9, DefectiveUnits: 7, Verdict: inspection.VerdictPass}
	}
	r := ok()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		edit  func(r *inspection.LotResult)
		field string
	}{
		{"more defective than inspected", func(r *inspection.LotResult) { r.DefectiveUnits, r.SampleSize = 130, 125 }, "defective_units"},
		{"sample larger than lot", func(r *inspection.LotResult) { r.LotSize = 100 }, "sample_size"},
		{"classes exceed defective units", func(r *inspection.LotResult) { r.DefectiveUnits = 5 }, "defective_units"},
		{"fewer defects than defectives", func(r *inspection.LotResult) { r.MinorDefects = 2 }, "minor_defects"},
		{"negative", func(r *inspection.LotResult) { r.CriticalDefects = -1 }, "critical_defects"},
		{"no lot", func(r *inspection.LotResult) { r.LotSize = 0 }, "lot_size"},
		{"third party without agency", func(r *inspection.LotResult) { r.Agency = "" }, "agency"},
		{"verdict", func(r *inspection.LotResult) { r.Verdict = "ok" }, "verdict"},
	}
	for _, b := range bad {
		r := ok()
		b.edit(&r)
		err := r.Validate()
		wantKind(t, b.name, err, qms.KindInvalid)
		if qms.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: %v lacks %s", b.name, err, b.field)
		}
	}
	for _, c := range []struct {
		v    inspection.Verdict
		d    inspection.DecisionKind
		want bool
	}{
		{inspection.VerdictPass, inspection.DecideRelease, false}, {inspection.VerdictFail, inspection.DecideConcession, true},
		{inspection.VerdictPending, inspection.DecideRelease, false}, {inspection.VerdictPending, inspection.DecideRework, true},
		{inspection.VerdictPass, inspection.DecideReject, false},
	} {
		if got := inspection.IsRejected(c.v, c.d); got != c.want {
			t.Errorf("%s %s: %v", c.v, c.d, got)
		}
	}
	rate := inspection.Rate{Lots: 4, Rejected: 1, SampleUnits: 500, DefectiveUnits: 5}
	if rate.RejectionRate() != 0.25 || rate.AcceptanceRate() != 0.75 || rate.PPM() != 10000 {
		t.Errorf("%v %v %v", rate.RejectionRate(), rate.AcceptanceRate(), rate.PPM())
	}
}

func TestSeedNCR(t *testing.T) {
	in := newInspection(t, inspection.KindPreShipment, 3000, stdClasses(), inspection.CountDefectives, nil, sampling.ISO2859)
	r := &recorder{in: in}
	r.units(1, 125)
	r.defect(7, crit)
	r.complete()
	in.Result, in.Status, in.Verdict = r.eval(), inspection.StatusSubmitted, inspection.VerdictFail
	s, err := inspection.SeedNCR(in)
	if err != nil || len(s.FailedClasses) != 1 || s.FailedClasses[0].Class != crit || len(s.Defects) != 1 || !strings.Contains(s.Description, "Critical") {
		t.Fatalf("%+v %v", s, err)
	}
	if err := inspection.CheckLinkNCR(qm, in, 9); err != nil {
		t.Error(err)
	}
	id := int64(9)
	in.NCRID = &id
	_, err = inspection.SeedNCR(in)
	wantKind(t, "second NCR", err, qms.KindConflict)
	in.NCRID, in.Verdict = nil, inspection.VerdictPass
	_, err = inspection.SeedNCR(in)
	wantKind(t, "NCR of a pass", err, qms.KindConflict)
	_ = time.Now
}
