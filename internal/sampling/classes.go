package sampling

import (
	"errors"
	"fmt"
)

// ClassSpec is one class of nonconformity of an inspection with its AQL, or
// a buyer's zero-tolerance class (ZeroTolerance with no AQL).
type ClassSpec struct {
	Name          string `json:"name"`
	AQL           AQL    `json:"aql"`
	ZeroTolerance bool   `json:"zero_tolerance,omitempty"`
}

// Request asks for the plans of all classes of one inspection.
type Request struct {
	Standard Standard    `json:"standard"`
	Severity Severity    `json:"severity"`
	Level    Level       `json:"level"`
	Lot      int         `json:"lot"`
	Classes  []ClassSpec `json:"classes"`
	// LargestLetter re-resolves every class from the largest code letter
	// reached by any class (see PlanClasses).
	LargestLetter bool `json:"largest_letter,omitempty"`
}

// ZeroToleranceRule labels a buyer's zero-tolerance class.
const ZeroToleranceRule = "buyer rule: zero tolerance (Ac 0, Re 1 on all units drawn); not an ISO 2859-1 or Z1.4 plan"

// ClassPlan is the plan of one class. The class is judged on the first
// SampleSize units of the units drawn.
type ClassPlan struct {
	Name            string     `json:"name"`
	AQL             AQL        `json:"aql"`
	FinalCodeLetter CodeLetter `json:"final_code_letter"`
	SampleSize      int        `json:"sample_size"`
	Ac              int        `json:"ac"`
	Re              int        `json:"re"`
	FullInspection  bool       `json:"full_inspection"`
	Arrows          []Arrow    `json:"arrows"`
	// BuyerRule is set (to ZeroToleranceRule) for a zero-tolerance class.
	BuyerRule string `json:"buyer_rule,omitempty"`
	// Plan is the full single sampling plan (for a zero-tolerance class:
	// AQL 0, Ac 0, Re 1 on the units drawn).
	Plan Plan `json:"-"`
}

// Inspection is the sampling plan of one lot for all its classes.
type Inspection struct {
	Standard   Standard   `json:"standard"`
	Severity   Severity   `json:"severity"`
	Level      Level      `json:"level"`
	Lot        int        `json:"lot"`
	CodeLetter CodeLetter `json:"code_letter"`
	// UnitsToDraw is the largest sample size of all classes.
	UnitsToDraw int         `json:"units_to_draw"`
	Classes     []ClassPlan `json:"classes"`
	// LargestLetterRounds lists, in largest-letter mode, the starting code
	// letter of each round (Table I's letter first).
	LargestLetterRounds []CodeLetter `json:"largest_letter_rounds,omitempty"`
}

// PlanClasses resolves every class of an inspection.
//
// Each class with an AQL is resolved on its own from Table I's code letter
// and may end at its own row and sample size. UnitsToDraw is the largest
// sample size; each class counts the nonconformities of the first
// SampleSize units.
//
// Largest-letter mode (Request.LargestLetter) implements the option of
// using the code letter with the largest sample size for all classes. The
// rule applied: take the largest final code letter reached by any class,
// re-resolve every class starting from that row (arrows are followed again,
// so a class may move up or down from it), and repeat until the largest
// final letter no longer changes. The last round is used; each class's
// Arrows start from that round's letter (Plan.CodeLetter). This
// terminates: the class that set the largest letter has a plan in that row,
// so the largest letter never decreases. Classes whose column points up
// from that row keep their smaller sample; no Ac/Re is invented.
//
// A zero-tolerance class is a buyer rule, not a table plan: Ac 0, Re 1 on
// all UnitsToDraw units (Table I's sample size if it is the only class).
func PlanClasses(req Request) (Inspection, error) {
	if len(req.Classes) == 0 {
		return Inspection{}, errors.New("no class given")
	}
	letter, err := CodeLetterFor(req.Lot, req.Level)
	if err != nil {
		return Inspection{}, err
	}
	if req.Standard != ISO2859 && req.Standard != Z14 {
		return Inspection{}, errors.New("sampling: invalid standard")
	}
	if !req.Severity.valid() {
		return Inspection{}, errors.New("sampling: invalid severity")
	}
	seen := make(map[string]bool, len(req.Classes))
	for _, c := range req.Classes {
		switch {
		case c.Name == "":
			return Inspection{}, errors.New("a class has no name")
		case seen[c.Name]:
			return Inspection{}, fmt.Errorf("class %q is given twice", c.Name)
		case c.ZeroTolerance && c.AQL != 0:
			return Inspection{}, fmt.Errorf("class %q: a zero-tolerance class has no AQL", c.Name)
		case !c.ZeroTolerance && !c.AQL.valid():
			return Inspection{}, fmt.Errorf("class %q: no AQL; valid values are %s", c.Name, ValidAQLs())
		}
		seen[c.Name] = true
	}
	out := Inspection{
		Standard: req.Standard, Severity: req.Severity, Level: req.Level,
		Lot: req.Lot, CodeLetter: letter,
		Classes: make([]ClassPlan, len(req.Classes)),
	}
	plans := make([]Plan, len(req.Classes))
	resolveFrom := func(start CodeLetter) (CodeLetter, error) {
		var largest CodeLetter
		for i, c := range req.Classes {
			if c.ZeroTolerance {
				continue
			}
			p, err := Lookup(req.Standard, req.Severity, start, c.AQL)
			if err != nil {
				return 0, fmt.Errorf("class %q: %w", c.Name, err)
			}
			plans[i] = p.ForLot(req.Lot)
			if largest == 0 || p.FinalCodeLetter.index() > largest.index() {
				largest = p.FinalCodeLetter
			}
		}
		return largest, nil
	}
	largest, err := resolveFrom(letter)
	if err != nil {
		return Inspection{}, err
	}
	if req.LargestLetter && largest != 0 {
		out.LargestLetterRounds = []CodeLetter{letter}
		for start := letter; largest != start; {
			start = largest
			out.LargestLetterRounds = append(out.LargestLetterRounds, start)
			if largest, err = resolveFrom(start); err != nil {
				return Inspection{}, err
			}
		}
	}
	// Units to draw: the largest sample of the AQL classes.
	drawLetter := letter
	units := 0
	for i, c := range req.Classes {
		if !c.ZeroTolerance && plans[i].SampleSize > units {
			units, drawLetter = plans[i].SampleSize, plans[i].FinalCodeLetter
		}
	}
	if units == 0 { // zero-tolerance classes only
		units = SampleSizeOf(letter, req.Severity)
		if units >= req.Lot {
			units = req.Lot
		}
	}
	for i, c := range req.Classes {
		p := plans[i]
		cp := ClassPlan{Name: c.Name, AQL: c.AQL}
		if c.ZeroTolerance {
			p = Plan{
				Standard: req.Standard, Severity: req.Severity,
				CodeLetter: letter, FinalCodeLetter: drawLetter,
				TableSampleSize: units, SampleSize: units, Ac: 0, Re: 1,
				FullInspection: units == req.Lot,
			}
			cp.BuyerRule = ZeroToleranceRule
		}
		cp.Plan = p
		cp.FinalCodeLetter = p.FinalCodeLetter
		cp.SampleSize, cp.Ac, cp.Re, cp.FullInspection = p.SampleSize, p.Ac, p.Re, p.FullInspection
		cp.Arrows = []Arrow{}
		if !c.ZeroTolerance {
			cp.Arrows = p.Arrows()
		}
		out.Classes[i] = cp
	}
	out.UnitsToDraw = units
	return out, nil
}
