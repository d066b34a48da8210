package capa

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// Criterion is how later inspections prove a CAPA effective: "defect code X
// (or class C, or any defect) at supplier S (on product P): at most
// MaxDefective defective units per PerUnits inspected over the next
// Inspections inspections or Days days". The window starts on StartOn:
// set by the quality manager, or the day D6 (implementation) is accepted.
// With both Inspections and Days, the window ends at whichever comes
// first.
//
// Inspections are the supplier's lot results (decided inspections of qms
// and imported third-party results) of the product, not voided, that are
// not re-inspections of a reworked lot, optionally of the given kinds. A
// defect-code criterion counts only inspections of qms (imported results
// carry no defect codes): the units with at least one defect of the code
// against the units inspected.
type Criterion struct {
	SupplierID   int64                  `json:"supplier_id"`
	ProductID    int64                  `json:"product_id,omitempty"`  // 0: every product of the supplier
	DefectCode   string                 `json:"defect_code,omitempty"` // a code of the defect library
	Class        inspection.DefectClass `json:"class,omitempty"`       // or the units of a class; neither: any defective unit
	MaxDefective int                    `json:"max_defective"`         // k
	PerUnits     int                    `json:"per_units"`             // per this many units inspected (1,000 by default)
	Inspections  int                    `json:"inspections,omitempty"` // m: the next m inspections
	Days         int                    `json:"days,omitempty"`        // d: the next d days
	Kinds        []inspection.Kind      `json:"kinds,omitempty"`       // only these inspection kinds; none: every kind
	StartOn      qms.Date               `json:"start_on,omitzero"`
}

// Measures of a criterion.
const (
	MeasureCode  = "defect_code"
	MeasureClass = "class"
	MeasureAny   = "any"
)

// Measure says what the criterion counts: a defect code, a class, or any
// defective unit.
func (c *Criterion) Measure() string {
	switch {
	case c.DefectCode != "":
		return MeasureCode
	case c.Class != "":
		return MeasureClass
	}
	return MeasureAny
}

// Limits of criteria.
const (
	DefaultPerUnits = 1000
	MaxPerUnits     = 1_000_000
	MaxWindowLots   = 1000
	MaxWindowDays   = 730
)

// Validate normalises and checks the criterion. Returns an invalid error.
func (c *Criterion) Validate() error {
	p := qms.Problems{}
	if c.SupplierID <= 0 {
		p.Add("criterion.supplier_id", "is required: the supplier whose later inspections prove the CAPA")
	}
	if c.ProductID < 0 {
		p.Add("criterion.product_id", "is not an id")
	}
	c.DefectCode = inspection.NormalizeDefectCode(c.DefectCode)
	qms.CheckText(p, "criterion.defect_code", c.DefectCode, inspection.MaxDefectCodeLen)
	switch {
	case c.DefectCode != "" && c.Class != "":
		p.Add("criterion.class", "give a defect code or a class, not both")
	case c.Class != "" && !c.Class.Valid():
		p.Add("criterion.class", "must be critical, major or minor")
	}
	if c.PerUnits == 0 {
		c.PerUnits = DefaultPerUnits
	}
	if c.PerUnits < 1 || c.PerUnits > MaxPerUnits {
		p.Add("criterion.per_units", fmt.Sprintf("must be from 1 to %d units", MaxPerUnits))
	}
	if c.MaxDefective < 0 || c.MaxDefective > c.PerUnits {
		p.Add("criterion.max_defective", "must be from 0 to the units it is counted per")
	}
	if c.Inspections < 0 || c.Inspections > MaxWindowLots {
		p.Add("criterion.inspections", fmt.Sprintf("must be from 0 to %d", MaxWindowLots))
	}
	if c.Days < 0 || c.Days > MaxWindowDays {
		p.Add("criterion.days", fmt.Sprintf("must be from 0 to %d", MaxWindowDays))
	}
	if c.Inspections == 0 && c.Days == 0 {
		p.Add("criterion.inspections", "give the window: a number of inspections, a number of days, or both")
	}
	seen := map[inspection.Kind]bool{}
	for _, k := range c.Kinds {
		if !k.Valid() {
			p.Add("criterion.kinds", "must be inspection kinds")
		}
		if seen[k] {
			p.Add("criterion.kinds", fmt.Sprintf("%s is given twice", k))
		}
		seen[k] = true
	}
	return p.Err()
}

// Describe says the criterion in words, with the supplier and product as
// given (names or numbers).
func (c *Criterion) Describe(supplier, product string) string {
	var b strings.Builder
	switch c.Measure() {
	case MeasureCode:
		fmt.Fprintf(&b, "Defect %s", c.DefectCode)
	case MeasureClass:
		fmt.Fprintf(&b, "%s defects", strings.ToUpper(string(c.Class[:1]))+string(c.Class[1:]))
	default:
		b.WriteString("Defective units")
	}
	fmt.Fprintf(&b, " at %s", supplier)
	if product != "" {
		fmt.Fprintf(&b, " on %s", product)
	}
	fmt.Fprintf(&b, ": at most %d defective units per %s inspected over ", c.MaxDefective, groupDigits(c.PerUnits))
	switch {
	case c.Inspections > 0 && c.Days > 0:
		fmt.Fprintf(&b, "the next %d inspections or %d days, whichever ends first", c.Inspections, c.Days)
	case c.Inspections > 0:
		fmt.Fprintf(&b, "the next %d inspections", c.Inspections)
	default:
		fmt.Fprintf(&b, "the next %d days", c.Days)
	}
	if !c.StartOn.IsZero() {
		fmt.Fprintf(&b, " from %s", c.StartOn)
	}
	return b.String()
}

func groupDigits(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Point is one inspection of the series a criterion is judged on.
type Point struct {
	LotResultID  int64           `json:"lot_result_id"`
	InspectionID int64           `json:"inspection_id,omitempty"` // 0 for an imported third-party result
	InspectedOn  qms.Date        `json:"inspected_on"`
	Kind         inspection.Kind `json:"kind"`
	Inspected    int             `json:"inspected"` // units inspected (the sample)
	Defective    int             `json:"defective"` // of them, defective by the criterion's measure
}

// Outcome is the verdict of an evaluation.
type Outcome string

const (
	OutcomePending Outcome = "pending" // not enough data yet
	OutcomePass    Outcome = "pass"
	OutcomeFail    Outcome = "fail"
)

// Evaluation is the judgement of a criterion with its evidence: the
// inspections in the window, the units inspected and defective, and
// whether the window is complete.
type Evaluation struct {
	Outcome     Outcome  `json:"outcome"`
	Message     string   `json:"message"`
	Points      []Point  `json:"points"`
	Inspected   int64    `json:"inspected"`
	Defective   int64    `json:"defective"`
	WindowStart qms.Date `json:"window_start,omitzero"`
	WindowEnd   qms.Date `json:"window_end,omitzero"` // the last day of a days window
	Complete    bool     `json:"complete"`
	EvaluatedOn qms.Date `json:"evaluated_on"`
}

// Rate is the defective units per perUnits inspected (0 without units),
// for display only: the verdict compares integers.
func (e *Evaluation) Rate(perUnits int) float64 {
	if e.Inspected == 0 {
		return 0
	}
	return float64(e.Defective) * float64(perUnits) / float64(e.Inspected)
}

// Evaluate judges criterion c over a series of inspections on today:
//   - before the window starts (no start date yet): pending;
//   - the window holds the inspections from StartOn on, in date order (then
//     lot result id), up to Inspections of them and before StartOn+Days;
//   - a criterion of zero defectives fails as soon as one appears;
//   - an incomplete window (fewer inspections than asked, days not yet
//     passed) is pending, as is a complete one without units inspected;
//   - otherwise it passes when defective x PerUnits <= MaxDefective x
//     inspected (integers: no rounding), and fails otherwise.
//
// Series points before StartOn, and of other kinds when Kinds is given,
// are ignored, so the series may be given unfiltered.
func Evaluate(c Criterion, series []Point, today qms.Date) Evaluation {
	ev := Evaluation{Outcome: OutcomePending, Points: []Point{}, EvaluatedOn: today, WindowStart: c.StartOn}
	per := c.PerUnits
	if per == 0 {
		per = DefaultPerUnits
	}
	if c.StartOn.IsZero() {
		ev.Message = "the window starts when the implementation (D6) is accepted"
		return ev
	}
	pts := slices.Clone(series)
	slices.SortFunc(pts, func(a, b Point) int {
		return cmp.Or(a.InspectedOn.Compare(b.InspectedOn), cmp.Compare(a.LotResultID, b.LotResultID))
	})
	var end qms.Date // exclusive
	if c.Days > 0 {
		end = c.StartOn.AddDate(0, 0, c.Days)
		ev.WindowEnd = end.AddDate(0, 0, -1)
	}
	for _, p := range pts {
		if p.InspectedOn.Before(c.StartOn) || len(c.Kinds) > 0 && !slices.Contains(c.Kinds, p.Kind) {
			continue
		}
		if c.Days > 0 && !p.InspectedOn.Before(end) || c.Inspections > 0 && len(ev.Points) == c.Inspections {
			break
		}
		ev.Points = append(ev.Points, p)
		ev.Inspected += int64(p.Inspected)
		ev.Defective += int64(p.Defective)
	}
	ev.Complete = c.Inspections > 0 && len(ev.Points) == c.Inspections || c.Days > 0 && !today.Before(end)
	found := fmt.Sprintf("%d defective in %d units inspected over %d inspection(s)", ev.Defective, ev.Inspected, len(ev.Points))
	switch {
	case c.MaxDefective == 0 && ev.Defective > 0:
		i := slices.IndexFunc(ev.Points, func(p Point) bool { return p.Defective > 0 })
		ev.Outcome = OutcomeFail
		ev.Message = fmt.Sprintf("the defect recurred on %s (%d defective units): zero were allowed", ev.Points[i].InspectedOn, ev.Points[i].Defective)
	case !ev.Complete:
		switch {
		case c.Inspections > 0 && c.Days > 0:
			ev.Message = fmt.Sprintf("not enough data yet: %d of %d inspections, until %s; %s so far", len(ev.Points), c.Inspections, ev.WindowEnd, found)
		case c.Inspections > 0:
			ev.Message = fmt.Sprintf("not enough data yet: %d of %d inspections; %s so far", len(ev.Points), c.Inspections, found)
		default:
			ev.Message = fmt.Sprintf("not enough data yet: the window runs until %s; %s so far", ev.WindowEnd, found)
		}
	case ev.Inspected == 0:
		ev.Message = "no units were inspected in the window: it proves nothing; restate the criterion, or close with a signed override"
	case ev.Defective*int64(per) <= int64(c.MaxDefective)*ev.Inspected:
		ev.Outcome = OutcomePass
		ev.Message = fmt.Sprintf("passed: %s (%.2f per %s; at most %d allowed)", found, ev.Rate(per), groupDigits(per), c.MaxDefective)
	default:
		ev.Outcome = OutcomeFail
		ev.Message = fmt.Sprintf("failed: %s (%.2f per %s; at most %d allowed)", found, ev.Rate(per), groupDigits(per), c.MaxDefective)
	}
	return ev
}

// Final reports whether an evaluation no longer changes as inspections
// arrive: a pass or fail (the window is complete, or zero defectives were
// allowed and one appeared).
func (e *Evaluation) Final() bool { return e != nil && e.Outcome != OutcomePending }

// CheckSetCriterion checks that actor a may state the CAPA's effectiveness
// criterion (a quality manager, on an active CAPA; for a CAPA about a
// supplier, the criterion is about that supplier) and validates it.
// Stating it anew discards the evaluation so far. Returns invalid, not
// found, forbidden or conflict.
func CheckSetCriterion(a qms.Actor, c *CAPA, cr *Criterion) error {
	if !CanSee(a, c) {
		return notFound(c)
	}
	if !CanReview(a) {
		return forbidden("state effectiveness criteria: a quality manager does")
	}
	if !c.Status.Active() {
		return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", c.Number(), c.Status)
	}
	if err := cr.Validate(); err != nil {
		return err
	}
	if c.SupplierID != 0 && cr.SupplierID != c.SupplierID {
		return &qms.Error{Kind: qms.KindInvalid, Message: "The criterion is about another supplier",
			Fields: map[string]string{"criterion.supplier_id": "must be the supplier of the CAPA"}}
	}
	return nil
}
