package sampling

import (
	"errors"
	"fmt"
)

// LotError reports a lot size outside Table I (below 2).
type LotError struct{ Lot int }

func (e *LotError) Error() string {
	return fmt.Sprintf("lot size %d is below Table I's first range (2 to 8); a lot must have at least 2 units", e.Lot)
}

// CodeLetterFor returns the sample size code letter of Table I for a lot
// size and inspection level.
func CodeLetterFor(lot int, level Level) (CodeLetter, error) {
	if !level.valid() {
		return 0, fmt.Errorf("sampling: invalid inspection level %d", uint8(level))
	}
	if lot < 2 {
		return 0, &LotError{Lot: lot}
	}
	t := tables()
	for i := range t.table1 {
		r := &t.table1[i]
		if r.max == 0 || lot <= r.max {
			return letterAt(int(r.letters[level-1])), nil
		}
	}
	panic("unreachable: Table I's last range is open")
}

// LotRange returns the Table I lot-size range containing lot (max 0 for the
// open-ended last range).
func LotRange(lot int) (min, max int, err error) {
	if lot < 2 {
		return 0, 0, &LotError{Lot: lot}
	}
	t := tables()
	for i := range t.table1 {
		r := &t.table1[i]
		if r.max == 0 || lot <= r.max {
			return r.min, r.max, nil
		}
	}
	panic("unreachable")
}

// SampleSizeOf returns the table sample size of a code letter for a
// severity (reduced inspection has its own column), or 0 if the letter has
// no row at that severity (S exists only in tightened inspection).
func SampleSizeOf(c CodeLetter, sev Severity) int {
	i := c.index()
	if i < 0 || !sev.valid() {
		return 0
	}
	t := tables()
	switch {
	case sev == Reduced:
		return int(t.nReduced[i])
	case c == 'S' && sev != Tightened:
		return 0
	}
	return int(t.nNormal[i])
}

// Plan is a single sampling plan resolved from a master table.
type Plan struct {
	Standard Standard `json:"standard"`
	Severity Severity `json:"severity"`
	AQL      AQL      `json:"aql"`
	// CodeLetter is the letter the lookup started from (Table I's letter).
	CodeLetter CodeLetter `json:"code_letter"`
	// FinalCodeLetter is the row where the arrows end; n, Ac and Re all
	// come from that row.
	FinalCodeLetter CodeLetter `json:"final_code_letter"`
	// TableSampleSize is n as printed in the final row.
	TableSampleSize int `json:"table_sample_size"`
	// SampleSize is the number of units to inspect: TableSampleSize, or the
	// lot size when FullInspection.
	SampleSize int `json:"sample_size"`
	// Ac is the acceptance number: the lot is accepted if d <= Ac.
	Ac int `json:"ac"`
	// Re is the rejection number: the lot is rejected if d >= Re. In Z1.4
	// reduced plans Re may exceed Ac+1; Ac < d < Re accepts the lot but
	// reinstates normal inspection.
	Re int `json:"re"`
	// FullInspection is true when n >= lot size: inspect every unit.
	FullInspection bool `json:"full_inspection"`
}

// Arrow is one arrow followed in a master table, from one row to the next.
type Arrow struct {
	From, To CodeLetter
}

// Down reports whether the arrow points down the table (larger samples).
func (a Arrow) Down() bool { return a.To.index() > a.From.index() }

// String renders the arrow as "A↓B" or "R↑Q".
func (a Arrow) String() string {
	if a.Down() {
		return a.From.String() + "↓" + a.To.String()
	}
	return a.From.String() + "↑" + a.To.String()
}

// MarshalText renders the arrow as in String.
func (a Arrow) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Arrows returns the arrows followed from CodeLetter to FinalCodeLetter,
// one per row step (empty if the starting cell held the plan).
func (p Plan) Arrows() []Arrow {
	i, j := p.CodeLetter.index(), p.FinalCodeLetter.index()
	if i < 0 || j < 0 || i == j {
		return []Arrow{}
	}
	step := 1
	if j < i {
		step = -1
	}
	out := make([]Arrow, 0, abs(j-i))
	for k := i; k != j; k += step {
		out = append(out, Arrow{From: letterAt(k), To: letterAt(k + step)})
	}
	return out
}

// Decide returns the decision for d nonconforming items (or
// nonconformities) found in the sample.
func (p Plan) Decide(d int) Decision {
	switch {
	case d <= p.Ac:
		return Accept
	case d >= p.Re:
		return Reject
	}
	return AcceptReinstateNormal
}

// Scheme returns the plan as a one-stage scheme for operating
// characteristics, with SampleSize units (the lot under 100 % inspection).
func (p Plan) Scheme() Scheme {
	return Scheme{Stages: []Stage{{N: p.SampleSize, Ac: p.Ac, Re: p.Re}}}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TableError reports a master-table cell that gives no plan.
type TableError struct {
	Standard   Standard
	Severity   Severity
	CodeLetter CodeLetter
	AQL        AQL
	Reason     string
}

func (e *TableError) Error() string {
	return fmt.Sprintf("%s %s inspection, code letter %s, AQL %s: %s",
		e.Standard.Title(), e.Severity, e.CodeLetter, e.AQL, e.Reason)
}

func checkArgs(std Standard, sev Severity, aql AQL) error {
	if std != ISO2859 && std != Z14 {
		return errors.New("sampling: invalid standard")
	}
	if !sev.valid() {
		return errors.New("sampling: invalid severity")
	}
	if !aql.valid() {
		return fmt.Errorf("sampling: no AQL given; valid values are %s", ValidAQLs())
	}
	return nil
}

// Lookup resolves the single sampling plan at a code letter and AQL of a
// master table, following its arrows. The result does not depend on a lot
// size (SampleSize = TableSampleSize, FullInspection false). It does not
// allocate unless it fails.
func Lookup(std Standard, sev Severity, letter CodeLetter, aql AQL) (Plan, error) {
	if err := checkArgs(std, sev, aql); err != nil {
		return Plan{}, err
	}
	li := letter.index()
	if li < 0 {
		return Plan{}, fmt.Errorf("sampling: invalid code letter %q", byte(letter))
	}
	t := tables()
	tab := &t.single[std][sev]
	r := tab.res[li][aql.col()]
	switch r.kind {
	case cellPlan:
	case cellUnknown:
		return Plan{}, &TableError{std, sev, letter, aql, "this cell is not established in the reference data (the public transcriptions disagree or lack it); no plan is given rather than a guessed one"}
	default:
		if tab.n[li] == 0 {
			return Plan{}, &TableError{std, sev, letter, aql, "this code letter has no row in this table"}
		}
		return Plan{}, &TableError{std, sev, letter, aql, "the table has no plan at this AQL for this code letter"}
	}
	n := int(tab.n[r.final])
	return Plan{
		Standard: std, Severity: sev, AQL: aql,
		CodeLetter: letter, FinalCodeLetter: letterAt(int(r.final)),
		TableSampleSize: n, SampleSize: n,
		Ac: int(r.ac), Re: int(r.re),
	}, nil
}

// SinglePlan returns the single sampling plan for a lot: the code letter of
// Table I, the master table cell with its arrows followed, and 100 %
// inspection (SampleSize = lot, FullInspection) when n >= lot. It does not
// allocate unless it fails.
func SinglePlan(std Standard, sev Severity, level Level, lot int, aql AQL) (Plan, error) {
	letter, err := CodeLetterFor(lot, level)
	if err != nil {
		return Plan{}, err
	}
	p, err := Lookup(std, sev, letter, aql)
	if err != nil {
		return Plan{}, err
	}
	return p.ForLot(lot), nil
}

// ForLot applies the lot size: when the table sample size is at least the
// lot size, every unit is inspected (SampleSize = lot, FullInspection).
func (p Plan) ForLot(lot int) Plan {
	p.SampleSize = p.TableSampleSize
	p.FullInspection = false
	if lot > 0 && p.TableSampleSize >= lot {
		p.SampleSize = lot
		p.FullInspection = true
	}
	return p
}

// tighterAc returns the Ac of the plan one AQL column to the left in the
// plan's final row, or -1 if that cell is not a plan.
func tighterAc(p Plan) int {
	return int(tables().single[p.Standard][p.Severity].res[p.CodeLetter.index()][p.AQL.col()].tighterAc)
}
