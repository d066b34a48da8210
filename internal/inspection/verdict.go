package inspection

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"qms/internal/sampling"
)

// Verdict is the result of an inspection, of a class or of a test.
type Verdict string

const (
	VerdictPass       Verdict = "pass"
	VerdictFail       Verdict = "fail"
	VerdictPending    Verdict = "pending"    // the inspector leaves the decision to the client (reported verdict only)
	VerdictIncomplete Verdict = "incomplete" // not everything needed for a verdict is recorded yet
)

// Label is the verdict's name for people.
func (v Verdict) Label() string {
	switch v {
	case VerdictPass:
		return "Pass"
	case VerdictFail:
		return "Fail"
	case VerdictPending:
		return "Pending"
	case VerdictIncomplete:
		return "Incomplete"
	}
	return string(v)
}

// ClassResult is the judgement of one defect class on the units counted
// for it: the first SampleSize units of the sample.
type ClassResult struct {
	Class          DefectClass         `json:"class"`
	AQL            sampling.AQL        `json:"aql"`
	ZeroTolerance  bool                `json:"zero_tolerance,omitempty"`
	Severity       sampling.Severity   `json:"severity"`
	CodeLetter     sampling.CodeLetter `json:"code_letter"`
	SampleSize     int                 `json:"sample_size"`
	Ac             int                 `json:"ac"`
	Re             int                 `json:"re"`
	FullInspection bool                `json:"full_inspection"`
	// UnitsInspected counts the units inspected among the first SampleSize.
	UnitsInspected int `json:"units_inspected"`
	// Defective counts the units among the first SampleSize whose most
	// serious defect is of this class; Defects counts this class's defects
	// on them.
	Defective int `json:"defective"`
	Defects   int `json:"defects"`
	// Found is what is compared with Ac and Re: Defective or Defects, by
	// the counting convention.
	Found int `json:"found"`
	// FoundBeyond is the same count on sample units beyond this class's
	// sample size: reported, not judged.
	FoundBeyond int     `json:"found_beyond,omitempty"`
	Verdict     Verdict `json:"verdict"`
	// ReinstateNormal: Z1.4 reduced inspection with Ac < found < Re. The
	// class is accepted, and normal inspection is reinstated.
	ReinstateNormal bool `json:"reinstate_normal,omitempty"`
}

// TestResult is the judgement of one on-site test.
type TestResult struct {
	No         int         `json:"no"`
	Name       string      `json:"name"`
	Type       string      `json:"type"`
	SampleSize int         `json:"sample_size"`
	Ac         int         `json:"ac"`
	Re         int         `json:"re"`
	Tested     int         `json:"tested"`
	Failed     int         `json:"failed"`
	Verdict    Verdict     `json:"verdict"` // pass, fail, incomplete; empty when not tested
	Results    []TestEntry `json:"results"`
}

// Reading is one measured value on a sample unit.
type Reading struct {
	Unit           int     `json:"unit"`
	Value          float64 `json:"value"`
	OutOfTolerance bool    `json:"out_of_tolerance"`
}

// MeasurementResult gathers the readings of one dimensional
// characteristic.
type MeasurementResult struct {
	No             int       `json:"no"`
	Name           string    `json:"name"`
	Critical       bool      `json:"critical,omitempty"`
	Requirement    string    `json:"requirement"`
	UnitOfMeasure  string    `json:"uom"`
	Readings       []Reading `json:"readings"`
	OutOfTolerance int       `json:"out_of_tolerance"`
}

// CheckResult is the latest result of one requirement or checklist item.
type CheckResult struct {
	Characteristic int           `json:"characteristic,omitempty"`
	Item           string        `json:"item,omitempty"`
	Name           string        `json:"name"`
	Requirement    string        `json:"requirement,omitempty"`
	Section        Section       `json:"section"`
	Result         SectionResult `json:"result"` // empty when not checked
	Note           string        `json:"note,omitempty"`
	Photos         []int64       `json:"photos,omitempty"`
}

// SectionRow is one row of the report's section table: the inspector's
// result, the result derived from the data, and the stricter of the two.
type SectionRow struct {
	Section  Section       `json:"section"`
	Result   SectionResult `json:"result"`
	Recorded SectionResult `json:"recorded,omitempty"`
	Derived  SectionResult `json:"derived,omitempty"`
	Note     string        `json:"note,omitempty"`
}

// DefectRow is a recorded defect in the defect list.
type DefectRow struct {
	EntryID int64 `json:"entry_id"`
	DefectEntry
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// FAIRow is the first-article result of one characteristic of the spec
// (Pass nil: no result yet).
type FAIRow struct {
	No            int       `json:"no"` // balloon number
	Name          string    `json:"name"`
	Kind          CharKind  `json:"kind"`
	Critical      bool      `json:"critical,omitempty"`
	Requirement   string    `json:"requirement"`
	Values        []float64 `json:"values,omitempty"`
	UnitOfMeasure string    `json:"uom,omitempty"`
	Result        string    `json:"result,omitempty"`
	Gauge         string    `json:"gauge,omitempty"`
	Pass          *bool     `json:"pass"`
	Note          string    `json:"note,omitempty"`
	Photos        []int64   `json:"photos,omitempty"`
}

// RemarkRow is a remark with its author.
type RemarkRow struct {
	Text       string    `json:"text"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Result is the evaluation of an inspection's recorded entries against its
// sampling snapshot and spec: the running tally while recording, and the
// report's content once submitted.
type Result struct {
	// Verdict is the computed verdict: pass, fail or incomplete.
	Verdict Verdict `json:"verdict"`
	// Reasons explain a fail or what is missing for a verdict.
	Reasons []string `json:"reasons"`
	// SampleSize is the number of units drawn (UnitsToDraw).
	SampleSize     int `json:"sample_size"`
	UnitsInspected int `json:"units_inspected"`
	// DefectiveUnits counts the sample units with any defect; DefectsTotal
	// all defects on the sample units.
	DefectiveUnits int                 `json:"defective_units"`
	DefectsTotal   int                 `json:"defects_total"`
	Classes        []ClassResult       `json:"classes"`
	Tests          []TestResult        `json:"tests"`
	Measurements   []MeasurementResult `json:"measurements"`
	Checks         []CheckResult       `json:"checks"`
	Sections       []SectionRow        `json:"sections"`
	Defects        []DefectRow         `json:"defects"`
	FAI            []FAIRow            `json:"fai,omitempty"`
	Cartons        *CartonsEntry       `json:"cartons,omitempty"`
	Container      *ContainerEntry     `json:"container,omitempty"`
	Photos         []PhotoEntry        `json:"photos"`
	Remarks        []RemarkRow         `json:"remarks"`
}

// Class returns the result of class c.
func (r *Result) Class(c DefectClass) (ClassResult, bool) {
	for _, x := range r.Classes {
		if x.Class == c {
			return x, true
		}
	}
	return ClassResult{}, false
}

// latestKey returns the key under which a later entry replaces an earlier
// one, or "" for entries that add up (units, defects, photos, remarks).
func latestKey(e *Entry) string {
	switch e.Kind {
	case EntryMeasurement:
		return fmt.Sprintf("m/%d/%d", e.Measurement.Characteristic, e.Measurement.Unit)
	case EntryTest:
		return fmt.Sprintf("t/%d/%d", e.Test.Characteristic, e.Test.Unit)
	case EntryCheck:
		return fmt.Sprintf("c/%d/%s", e.Check.Characteristic, e.Check.Item)
	case EntrySection:
		return "s/" + string(e.Section.Section)
	case EntryCartons, EntryContainer:
		return string(e.Kind)
	case EntryFAI:
		return fmt.Sprintf("f/%d", e.FAI.Characteristic)
	}
	return ""
}

// LiveEntries returns the entries in force, in recording order: voids and
// the entries they void are dropped, and of entries that replace each other
// (a measurement of the same characteristic and unit, a section, the
// carton count ...) only the latest is kept.
func LiveEntries(entries []Entry) []Entry {
	es := slices.Clone(entries)
	slices.SortFunc(es, func(a, b Entry) int { return cmp.Compare(a.ID, b.ID) })
	voided := map[int64]bool{}
	for _, e := range es {
		if e.Kind == EntryVoid && e.Void != nil {
			voided[e.Void.EntryID] = true
		}
	}
	last := map[string]int64{}
	for _, e := range es {
		if e.Kind != EntryVoid && !voided[e.ID] {
			if k := latestKey(&e); k != "" {
				last[k] = e.ID
			}
		}
	}
	out := es[:0]
	for _, e := range es {
		if e.Kind == EntryVoid || voided[e.ID] {
			continue
		}
		if k := latestKey(&e); k != "" && last[k] != e.ID {
			continue
		}
		out = append(out, e)
	}
	return out
}

// Evaluate judges an inspection from its recorded entries: per class
// against Ac/Re on the first n units counted for that class (defective
// units by their most serious defect, or every defect, by the counting
// convention), the on-site tests, the measurements, the checks and the
// sections, and the overall verdict.
//
// Rules:
//   - a class fails when found >= Re (even before all its units are
//     inspected); it passes when found < Re and all its units are inspected
//     (Ac < found < Re on Z1.4 reduced inspection passes and reinstates
//     normal inspection); otherwise it is incomplete;
//   - a unit counts as inspected when a units entry covers it or a defect
//     is recorded on it;
//   - a critical defect on a sample unit fails the inspection when the
//     plan judges no critical class: critical defects are never accepted
//     unjudged;
//   - a started test fails at Re failures and passes when all its units
//     are tested with at most Ac failures;
//   - each section's result is the stricter of the inspector's and the
//     one derived from the data (workmanship from the classes, tests,
//     measurements out of tolerance, checks of the spec's requirements,
//     pre-shipment quantity against the plan's produced and packed
//     percentages, container cartons counted against the packing list);
//   - the inspection fails when a class or a test fails or a section does
//     not conform; it is incomplete while a class or a started test is
//     incomplete or a section is not assessed; otherwise it passes;
//   - a first article inspection passes when every characteristic of the
//     spec has a passing result, fails when one fails, and is incomplete
//     while one has no result.
func Evaluate(in *Inspection, spec *Spec, entries []Entry) *Result {
	r := &Result{Reasons: []string{}, Classes: []ClassResult{}, Tests: []TestResult{}, Measurements: []MeasurementResult{},
		Checks: []CheckResult{}, Sections: []SectionRow{}, Defects: []DefectRow{}, Photos: []PhotoEntry{}, Remarks: []RemarkRow{}}
	live := LiveEntries(entries)
	recorded := map[Section]SectionEntry{}
	checks := map[string]CheckEntry{}
	fai := map[int]FAIEntry{}
	for _, e := range live {
		switch e.Kind {
		case EntryDefect:
			r.Defects = append(r.Defects, DefectRow{EntryID: e.ID, DefectEntry: *e.Defect, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt})
		case EntrySection:
			recorded[e.Section.Section] = *e.Section
		case EntryCheck:
			checks[fmt.Sprintf("%d/%s", e.Check.Characteristic, e.Check.Item)] = *e.Check
		case EntryCartons:
			c := *e.Cartons
			r.Cartons = &c
		case EntryContainer:
			c := *e.Container
			r.Container = &c
		case EntryPhoto:
			r.Photos = append(r.Photos, *e.Photo)
		case EntryRemark:
			r.Remarks = append(r.Remarks, RemarkRow{Text: e.Remark.Text, RecordedBy: e.RecordedBy, RecordedAt: e.RecordedAt})
		case EntryFAI:
			fai[e.FAI.Characteristic] = *e.FAI
		}
	}
	slices.SortStableFunc(r.Defects, func(a, b DefectRow) int { return cmp.Compare(a.Unit, b.Unit) })
	if in.Kind == KindFirstArticle {
		evaluateFAI(r, spec, fai)
		return r
	}
	derived := map[Section]SectionResult{}
	var fails, missing []string
	if in.Kind.Sampled() && in.Sampling != nil {
		f, m := evaluateSample(r, in, spec, live, derived)
		fails, missing = append(fails, f...), append(missing, m...)
	}
	evaluateChecks(r, in, spec, checks, derived)
	evaluateQuantity(in, r, derived)
	for _, s := range SectionsFor(in.Kind) {
		row := SectionRow{Section: s, Recorded: recorded[s].Result, Derived: derived[s], Note: recorded[s].Note}
		row.Result = stricter(row.Recorded, row.Derived)
		r.Sections = append(r.Sections, row)
		switch row.Result {
		case NotConform:
			fails = append(fails, s.Label()+": not conform")
		case "":
			missing = append(missing, s.Label()+": not assessed")
		}
	}
	switch {
	case len(fails) > 0:
		r.Verdict, r.Reasons = VerdictFail, fails
	case len(missing) > 0:
		r.Verdict, r.Reasons = VerdictIncomplete, missing
	default:
		r.Verdict = VerdictPass
	}
	return r
}

// evaluateSample judges the classes, tests and measurements of a sampled
// inspection and derives the workmanship, tests and measurements sections.
func evaluateSample(r *Result, in *Inspection, spec *Spec, live []Entry, derived map[Section]SectionResult) (fails, missing []string) {
	sp := in.Sampling
	n := sp.UnitsToDraw
	r.SampleSize = n
	inspected := make([]bool, n+1)
	worst := make([]int, n+1)            // rank of the most serious defect per unit
	defects := make([][3]int, n+1)       // defects per unit and class rank-1
	tests := map[int]map[int]TestEntry{} // test no -> unit -> latest result
	meas := map[int][]Reading{}
	for _, e := range live {
		switch e.Kind {
		case EntryUnits:
			for u := max(e.Units.From, 1); u <= min(e.Units.To, n); u++ {
				inspected[u] = true
			}
		case EntryDefect:
			d := e.Defect
			if d.Unit < 1 || d.Unit > n || !d.Class.Valid() {
				continue
			}
			inspected[d.Unit] = true
			worst[d.Unit] = max(worst[d.Unit], d.Class.Rank())
			defects[d.Unit][d.Class.Rank()-1]++
		case EntryTest:
			if tests[e.Test.Characteristic] == nil {
				tests[e.Test.Characteristic] = map[int]TestEntry{}
			}
			tests[e.Test.Characteristic][e.Test.Unit] = *e.Test
		case EntryMeasurement:
			m := e.Measurement
			meas[m.Characteristic] = append(meas[m.Characteristic], Reading{Unit: m.Unit, Value: m.Value, OutOfTolerance: m.OutOfTolerance})
		}
	}
	for u := 1; u <= n; u++ {
		if inspected[u] {
			r.UnitsInspected++
		}
		if worst[u] > 0 {
			r.DefectiveUnits++
		}
		r.DefectsTotal += defects[u][0] + defects[u][1] + defects[u][2]
	}
	// Classes.
	allPass, anyFail := len(sp.Classes) > 0, false
	for _, cp := range sp.Classes {
		cr := ClassResult{Class: cp.Class, AQL: cp.AQL, ZeroTolerance: cp.ZeroTolerance, Severity: cp.Severity, CodeLetter: cp.CodeLetter,
			SampleSize: cp.SampleSize, Ac: cp.Ac, Re: cp.Re, FullInspection: cp.FullInspection}
		rank := cp.Class.Rank()
		for u := 1; u <= n; u++ {
			def, cnt := 0, defects[u][rank-1]
			if worst[u] == rank {
				def = 1
			}
			found := def
			if sp.Counting == CountDefects {
				found = cnt
			}
			if u <= cp.SampleSize {
				cr.Defective += def
				cr.Defects += cnt
				cr.Found += found
				if inspected[u] {
					cr.UnitsInspected++
				}
			} else {
				cr.FoundBeyond += found
			}
		}
		dec := sampling.Plan{Ac: cp.Ac, Re: cp.Re}.Decide(cr.Found)
		what := "nonconforming units"
		if sp.Counting == CountDefects {
			what = "defects"
		}
		switch {
		case dec == sampling.Reject:
			cr.Verdict = VerdictFail
			fails = append(fails, fmt.Sprintf("%s: %d %s found in %d units, Re %d", cp.Class.Label(), cr.Found, what, cp.SampleSize, cp.Re))
		case cr.UnitsInspected < cp.SampleSize:
			cr.Verdict = VerdictIncomplete
			missing = append(missing, fmt.Sprintf("%s: %d of %d units inspected", cp.Class.Label(), cr.UnitsInspected, cp.SampleSize))
		default:
			cr.Verdict = VerdictPass
			cr.ReinstateNormal = dec == sampling.AcceptReinstateNormal
		}
		allPass = allPass && cr.Verdict == VerdictPass
		anyFail = anyFail || cr.Verdict == VerdictFail
		r.Classes = append(r.Classes, cr)
	}
	if _, judged := sp.Class(Critical); !judged {
		crit := 0
		for u := 1; u <= n; u++ {
			crit += defects[u][Critical.Rank()-1]
		}
		if crit > 0 {
			anyFail = true
			fails = append(fails, fmt.Sprintf("Critical: %d critical defects found, and the plan accepts none", crit))
		}
	}
	switch {
	case anyFail:
		derived[SecWorkmanship] = NotConform
	case allPass:
		derived[SecWorkmanship] = Conform
	}
	// Tests.
	if len(sp.Tests) == 0 {
		derived[SecTests] = NotApplicable
	}
	testsPass, testsFail := len(sp.Tests) > 0, false
	for _, tp := range sp.Tests {
		tr := TestResult{No: tp.No, Name: tp.Name, Type: tp.Type, SampleSize: tp.SampleSize, Ac: tp.Ac, Re: tp.Re, Results: []TestEntry{}}
		for u := 1; u <= tp.SampleSize; u++ {
			te, ok := tests[tp.No][u]
			if !ok {
				continue
			}
			tr.Tested++
			if !te.Pass {
				tr.Failed++
			}
			tr.Results = append(tr.Results, te)
		}
		switch {
		case tr.Failed >= tp.Re:
			tr.Verdict = VerdictFail
			fails = append(fails, fmt.Sprintf("Test %s: %d of %d units failed, Re %d", tp.Name, tr.Failed, tr.Tested, tp.Re))
		case tr.Tested >= tp.SampleSize:
			tr.Verdict = VerdictPass
		case tr.Tested > 0:
			tr.Verdict = VerdictIncomplete
			missing = append(missing, fmt.Sprintf("Test %s: %d of %d units tested", tp.Name, tr.Tested, tp.SampleSize))
		}
		testsPass = testsPass && tr.Verdict == VerdictPass
		testsFail = testsFail || tr.Verdict == VerdictFail
		r.Tests = append(r.Tests, tr)
	}
	switch {
	case testsFail:
		derived[SecTests] = NotConform
	case testsPass:
		derived[SecTests] = Conform
	}
	// Measurements.
	if !spec.Has(CharDimensional) {
		derived[SecMeasurements] = NotApplicable
	}
	anyReading, anyOut := false, false
	for _, c := range spec.Characteristics {
		if c.Kind != CharDimensional {
			continue
		}
		mr := MeasurementResult{No: c.No, Name: c.Name, Critical: c.Critical, Requirement: c.Requirement(), UnitOfMeasure: c.Unit, Readings: meas[c.No]}
		if mr.Readings == nil {
			mr.Readings = []Reading{}
		}
		slices.SortFunc(mr.Readings, func(a, b Reading) int { return cmp.Compare(a.Unit, b.Unit) })
		for _, rd := range mr.Readings {
			anyReading = true
			if rd.OutOfTolerance {
				mr.OutOfTolerance++
				anyOut = true
			}
		}
		r.Measurements = append(r.Measurements, mr)
	}
	switch {
	case anyOut:
		derived[SecMeasurements] = NotConform
	case anyReading:
		derived[SecMeasurements] = Conform
	}
	return fails, missing
}

// checkSection maps a characteristic kind to the section its checks
// belong to.
func checkSection(k CharKind) Section {
	switch k {
	case CharPacking:
		return SecPacking
	case CharMarking:
		return SecMarking
	}
	return SecProductConformity
}

// evaluateChecks lists the checks of the spec's attribute, packing and
// marking requirements (and the container checklist) and derives their
// sections: not conform when one does not conform, conform (or not
// applicable) when all are checked.
func evaluateChecks(r *Result, in *Inspection, spec *Spec, checks map[string]CheckEntry, derived map[Section]SectionResult) {
	type tally struct{ total, checked, nc, na int }
	per := map[Section]*tally{}
	add := func(cr CheckResult) {
		t := per[cr.Section]
		if t == nil {
			t = &tally{}
			per[cr.Section] = t
		}
		t.total++
		if cr.Result != "" {
			t.checked++
		}
		switch cr.Result {
		case NotConform:
			t.nc++
		case NotApplicable:
			t.na++
		}
		r.Checks = append(r.Checks, cr)
	}
	sections := SectionsFor(in.Kind)
	for _, c := range spec.Characteristics {
		if c.Kind != CharAttribute && c.Kind != CharPacking && c.Kind != CharMarking {
			continue
		}
		s := checkSection(c.Kind)
		if !slices.Contains(sections, s) {
			continue
		}
		ck := checks[fmt.Sprintf("%d/", c.No)]
		add(CheckResult{Characteristic: c.No, Name: c.Name, Requirement: c.Requirement(), Section: s, Result: ck.Result, Note: ck.Note, Photos: ck.Photos})
	}
	if in.Kind == KindContainerLoading {
		for _, item := range ContainerItems {
			ck := checks["0/"+item]
			add(CheckResult{Item: item, Name: item, Section: SecContainer, Result: ck.Result, Note: ck.Note, Photos: ck.Photos})
		}
	}
	for s, t := range per {
		switch {
		case t.nc > 0:
			derived[s] = NotConform
		case t.checked == t.total && t.na == t.total:
			derived[s] = NotApplicable
		case t.checked == t.total:
			derived[s] = Conform
		}
	}
}

// evaluateQuantity derives the quantity section: a pre-shipment inspection
// needs the plan's share produced and packed; a container loading check
// needs the cartons counted to match the packing list.
func evaluateQuantity(in *Inspection, r *Result, derived map[Section]SectionResult) {
	switch in.Kind {
	case KindPreShipment:
		l, st := in.Lot, in.Stage
		if PercentOf(l.Produced, l.LotSize) < st.AtProducedPercent || PercentOf(l.Packed, l.LotSize) < st.MinPackedPercent {
			derived[SecQuantity] = NotConform
		} else {
			derived[SecQuantity] = Conform
		}
	case KindContainerLoading:
		if c := r.Cartons; c != nil && c.PackingList > 0 {
			if c.Counted != c.PackingList {
				derived[SecQuantity] = NotConform
			} else {
				derived[SecQuantity] = Conform
			}
		}
	}
}

// evaluateFAI lists a result row for every characteristic of the spec.
func evaluateFAI(r *Result, spec *Spec, fai map[int]FAIEntry) {
	r.FAI = []FAIRow{}
	var fails, missing []string
	for _, c := range spec.Characteristics {
		row := FAIRow{No: c.No, Name: c.Name, Kind: c.Kind, Critical: c.Critical, Requirement: c.Requirement()}
		if f, ok := fai[c.No]; ok {
			row.Values, row.UnitOfMeasure, row.Result, row.Gauge = f.Values, f.UnitOfMeasure, f.Result, f.Gauge
			row.Pass, row.Note, row.Photos = f.Pass, f.Note, f.Photos
		}
		switch {
		case row.Pass == nil:
			missing = append(missing, fmt.Sprintf("Characteristic %d (%s): no result", c.No, c.Name))
		case !*row.Pass:
			fails = append(fails, fmt.Sprintf("Characteristic %d (%s): does not meet %s", c.No, c.Name, row.Requirement))
		}
		r.FAI = append(r.FAI, row)
	}
	switch {
	case len(missing) > 0:
		// An FAI is complete only with a result for every characteristic,
		// even when one already fails.
		r.Verdict, r.Reasons = VerdictIncomplete, append(missing, fails...)
	case len(fails) > 0:
		r.Verdict, r.Reasons = VerdictFail, fails
	default:
		r.Verdict = VerdictPass
	}
}
