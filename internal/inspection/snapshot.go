package inspection

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"qms/internal/qms"
	"qms/internal/sampling"
)

// ClassPlan is the plan of one defect class as snapshotted on an
// inspection: the class is judged on its first SampleSize units against Ac
// and Re.
type ClassPlan struct {
	Class         DefectClass       `json:"class"`
	AQL           sampling.AQL      `json:"aql"`
	ZeroTolerance bool              `json:"zero_tolerance,omitempty"`
	Severity      sampling.Severity `json:"severity"`
	// SeverityReason says why the severity is in force (the switching
	// stream's last change), for the report.
	SeverityReason string `json:"severity_reason,omitempty"`
	// CodeLetter is the final code letter: the row n, Ac and Re come from.
	CodeLetter     sampling.CodeLetter `json:"code_letter"`
	SampleSize     int                 `json:"sample_size"`
	Ac             int                 `json:"ac"`
	Re             int                 `json:"re"`
	FullInspection bool                `json:"full_inspection"`
	Arrows         []string            `json:"arrows,omitempty"` // e.g. "K↓L", as the engine reports them
}

// TestPlan is the sampling of one on-site test as snapshotted.
type TestPlan struct {
	No             int                 `json:"no"` // the characteristic's balloon number
	Name           string              `json:"name"`
	Type           string              `json:"type"`
	Level          sampling.Level      `json:"level,omitempty"`
	CodeLetter     sampling.CodeLetter `json:"code_letter,omitempty"`
	SampleSize     int                 `json:"sample_size"`
	Ac             int                 `json:"ac"`
	Re             int                 `json:"re"`
	FullInspection bool                `json:"full_inspection"`
}

// Sampling is the sampling plan of an inspection, fixed when the inspection
// is planned: nothing recomputes it later.
type Sampling struct {
	Standard sampling.Standard `json:"standard"`
	Level    sampling.Level    `json:"level"`
	Lot      int               `json:"lot"`
	// CodeLetter is Table I's code letter for the lot and level.
	CodeLetter      sampling.CodeLetter `json:"code_letter"`
	Counting        Counting            `json:"counting"`
	ReducedApproved bool                `json:"reduced_approved,omitempty"`
	// UnitsToDraw is the number of units sampled: the largest sample size
	// of all classes. Sample units are numbered 1..UnitsToDraw.
	UnitsToDraw int         `json:"units_to_draw"`
	Classes     []ClassPlan `json:"classes"`
	Tests       []TestPlan  `json:"tests"`
	// Engine holds the sampling engine's answers (sampling.Inspection, one
	// per severity in force) exactly as it gave them.
	Engine json.RawMessage `json:"engine"`
}

// SamplingInput is what a sampling plan is made from.
type SamplingInput struct {
	Standard        sampling.Standard
	Level           sampling.Level
	Classes         []ClassAQL
	Counting        Counting
	ReducedApproved bool
	Lot             int
	// Severity is the severity in force per class (from the switching
	// stream of supplier x product x class); a missing class is normal.
	Severity map[DefectClass]sampling.Severity
	// SeverityReason says why, per class.
	SeverityReason map[DefectClass]string
	// Tests are the on-site test characteristics of the spec.
	Tests []Characteristic
}

// PlanSampling asks the sampling engine for the plan of every class at the
// severity in force for it, and sizes the on-site tests.
//
// Classes at the same severity are planned together (sampling.PlanClasses);
// UnitsToDraw is the largest sample of all classes. A zero-tolerance class
// (Ac 0, Re 1) is judged on all units drawn: it is planned with the
// severity group that draws the most units. Returns invalid when the
// engine has no plan (a lot below 2 units, a table cell that is not
// established).
func PlanSampling(in SamplingInput) (*Sampling, error) {
	if in.Lot < 2 {
		return nil, &qms.Error{Kind: qms.KindInvalid, Message: "A sampled inspection needs a lot of at least 2 units",
			Fields: map[string]string{"lot_size": fmt.Sprintf("is %d: sampling tables start at 2 units", in.Lot)}}
	}
	letter, err := sampling.CodeLetterFor(in.Lot, in.Level)
	if err != nil {
		return nil, invalidSampling(err)
	}
	sev := func(c DefectClass) sampling.Severity {
		if s, ok := in.Severity[c]; ok && s != 0 {
			return s
		}
		return sampling.Normal
	}
	order := []sampling.Severity{sampling.Normal, sampling.Tightened, sampling.Reduced}
	groups := map[sampling.Severity][]sampling.ClassSpec{}
	var zero []sampling.ClassSpec
	classes := slices.Clone(in.Classes)
	slices.SortFunc(classes, func(a, b ClassAQL) int { return b.Class.Rank() - a.Class.Rank() })
	for _, c := range classes {
		spec := sampling.ClassSpec{Name: string(c.Class), AQL: c.AQL, ZeroTolerance: c.ZeroTolerance}
		if c.ZeroTolerance {
			zero = append(zero, spec)
			continue
		}
		groups[sev(c.Class)] = append(groups[sev(c.Class)], spec)
	}
	if len(groups) == 0 && len(zero) == 0 {
		return nil, &qms.Error{Kind: qms.KindInvalid, Message: "The plan judges no defect class",
			Fields: map[string]string{"classes": "give the AQL of at least one class"}}
	}
	results := map[sampling.Severity]sampling.Inspection{}
	plan := func(s sampling.Severity, cs []sampling.ClassSpec) error {
		r, err := sampling.PlanClasses(sampling.Request{Standard: in.Standard, Severity: s, Level: in.Level, Lot: in.Lot, Classes: cs})
		if err != nil {
			return invalidSampling(err)
		}
		results[s] = r
		return nil
	}
	var widest sampling.Severity // the group that draws the most units
	for _, s := range order {
		if cs := groups[s]; len(cs) > 0 {
			if err := plan(s, cs); err != nil {
				return nil, err
			}
			if widest == 0 || results[s].UnitsToDraw > results[widest].UnitsToDraw {
				widest = s
			}
		}
	}
	if len(zero) > 0 {
		if widest == 0 {
			widest = sampling.Normal
		}
		if err := plan(widest, append(groups[widest], zero...)); err != nil {
			return nil, err
		}
	}
	out := &Sampling{
		Standard: in.Standard, Level: in.Level, Lot: in.Lot, CodeLetter: letter,
		Counting: in.Counting, ReducedApproved: in.ReducedApproved,
		Classes: []ClassPlan{}, Tests: []TestPlan{},
	}
	var engine []sampling.Inspection
	for _, s := range order {
		r, ok := results[s]
		if !ok {
			continue
		}
		engine = append(engine, r)
		out.UnitsToDraw = max(out.UnitsToDraw, r.UnitsToDraw)
		for _, cp := range r.Classes {
			c := DefectClass(cp.Name)
			arrows := make([]string, len(cp.Arrows))
			for i, a := range cp.Arrows {
				arrows[i] = a.String()
			}
			out.Classes = append(out.Classes, ClassPlan{
				Class: c, AQL: cp.AQL, ZeroTolerance: cp.BuyerRule != "", Severity: s, SeverityReason: in.SeverityReason[c],
				CodeLetter: cp.FinalCodeLetter, SampleSize: cp.SampleSize, Ac: cp.Ac, Re: cp.Re,
				FullInspection: cp.FullInspection, Arrows: arrows,
			})
		}
	}
	slices.SortFunc(out.Classes, func(a, b ClassPlan) int { return b.Class.Rank() - a.Class.Rank() })
	if out.Engine, err = json.Marshal(engine); err != nil {
		return nil, err
	}
	for _, c := range in.Tests {
		if c.Kind != CharTest || c.Test == nil {
			continue
		}
		tp, err := planTest(c, in.Lot)
		if err != nil {
			return nil, err
		}
		out.Tests = append(out.Tests, tp)
	}
	return out, nil
}

// planTest sizes an on-site test: Table I at its level (normal
// inspection's sample size) or its fixed size, never more than the lot.
func planTest(c Characteristic, lot int) (TestPlan, error) {
	t := c.Test
	tp := TestPlan{No: c.No, Name: c.Name, Type: t.Type, Level: t.Level, SampleSize: t.SampleSize, Ac: t.Ac, Re: t.Re}
	if t.Level != 0 {
		letter, err := sampling.CodeLetterFor(lot, t.Level)
		if err != nil {
			return TestPlan{}, invalidSampling(err)
		}
		tp.CodeLetter, tp.SampleSize = letter, sampling.SampleSizeOf(letter, sampling.Normal)
	}
	if tp.SampleSize >= lot {
		tp.SampleSize, tp.FullInspection = lot, true
	}
	return tp, nil
}

func invalidSampling(err error) error {
	field := "classes"
	var le *sampling.LotError
	if errors.As(err, &le) {
		field = "lot_size"
	}
	return &qms.Error{Kind: qms.KindInvalid, Message: "The sampling engine has no plan for this inspection: " + err.Error(),
		Fields: map[string]string{field: err.Error()}, Err: err}
}

// Class returns the snapshotted plan of class c.
func (s *Sampling) Class(c DefectClass) (ClassPlan, bool) {
	for _, x := range s.Classes {
		if x.Class == c {
			return x, true
		}
	}
	return ClassPlan{}, false
}

// Test returns the snapshotted plan of the test with balloon number no.
func (s *Sampling) Test(no int) (TestPlan, bool) {
	for _, x := range s.Tests {
		if x.No == no {
			return x, true
		}
	}
	return TestPlan{}, false
}
