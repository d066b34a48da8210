package sampling

import (
	"errors"
	"fmt"
)

// Decision is the outcome of judging a sample.
type Decision uint8

// Decisions on a sample.
const (
	Accept Decision = iota + 1
	Reject
	// AcceptReinstateNormal: Z1.4 reduced inspection with Ac < d < Re; the
	// lot is accepted and normal inspection is reinstated from the next lot.
	AcceptReinstateNormal
	// DrawNext: double or multiple sampling, neither Ac nor Re reached; draw
	// the next sample.
	DrawNext
)

var decisionNames = [...]string{Accept: "accept", Reject: "reject", AcceptReinstateNormal: "accept_reinstate_normal", DrawNext: "draw_next_sample"}

// String returns "accept", "reject", "accept_reinstate_normal" or
// "draw_next_sample".
func (d Decision) String() string {
	if d >= Accept && d <= DrawNext {
		return decisionNames[d]
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// MarshalText encodes the decision as in String.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Accepted reports whether the lot is accepted.
func (d Decision) Accepted() bool { return d == Accept || d == AcceptReinstateNormal }

// Stage is one sample of a sampling scheme. Ac and Re are cumulative over
// all samples so far; Ac -1 means acceptance is not possible at this stage.
type Stage struct {
	N  int `json:"sample_size"`
	Ac int `json:"ac"`
	Re int `json:"re"`
}

// Scheme is a single (one stage), double (two) or multiple sampling scheme.
// At each stage the cumulative count d is compared with the stage's numbers:
// d <= Ac accepts, d >= Re rejects, otherwise the next sample is drawn; at
// the last stage Ac < d < Re (Z1.4 reduced gaps) accepts the lot.
type Scheme struct {
	Stages []Stage `json:"stages"`
}

// Single returns the one-stage scheme (n, Ac = c, Re = c+1).
func Single(n, c int) Scheme { return Scheme{Stages: []Stage{{N: n, Ac: c, Re: c + 1}}} }

// Validate checks that the scheme can be applied.
func (s Scheme) Validate() error {
	if len(s.Stages) == 0 {
		return errors.New("a scheme needs at least one stage")
	}
	for i, st := range s.Stages {
		switch {
		case st.N < 1:
			return fmt.Errorf("stage %d: sample size %d must be at least 1", i+1, st.N)
		case st.Ac < -1:
			return fmt.Errorf("stage %d: Ac %d must be at least -1 (no acceptance)", i+1, st.Ac)
		case st.Re <= st.Ac || st.Re < 1:
			return fmt.Errorf("stage %d: Re %d must exceed Ac %d", i+1, st.Re, st.Ac)
		case i > 0 && (st.Ac < s.Stages[i-1].Ac || st.Re < s.Stages[i-1].Re):
			return fmt.Errorf("stage %d: cumulative Ac and Re may not decrease", i+1)
		}
	}
	return nil
}

// TotalN is the sum of all stage sample sizes.
func (s Scheme) TotalN() int {
	t := 0
	for _, st := range s.Stages {
		t += st.N
	}
	return t
}

// StageDecision is the decision after one sample of a scheme.
type StageDecision struct {
	Stage                int      `json:"stage"`
	CumulativeSampleSize int      `json:"cumulative_sample_size"`
	Cumulative           int      `json:"cumulative_count"`
	Decision             Decision `json:"decision"`
}

// Decide judges the samples drawn so far; found[i] is the count in sample
// i+1 (not cumulative). It returns the decision after the last sample given.
// It is an error to give more samples than stages, a negative count, or a
// sample after one that already decided.
func (s Scheme) Decide(found []int) (StageDecision, error) {
	if err := s.Validate(); err != nil {
		return StageDecision{}, err
	}
	if len(found) == 0 {
		return StageDecision{}, errors.New("no sample result given")
	}
	if len(found) > len(s.Stages) {
		return StageDecision{}, fmt.Errorf("%d sample results given, the scheme has %d stages", len(found), len(s.Stages))
	}
	var d StageDecision
	for i, f := range found {
		if f < 0 {
			return StageDecision{}, fmt.Errorf("sample %d: negative count %d", i+1, f)
		}
		if i > 0 && d.Decision != DrawNext {
			return StageDecision{}, fmt.Errorf("sample %d given after the decision %s at sample %d", i+1, d.Decision, i)
		}
		st := s.Stages[i]
		d.Stage = i + 1
		d.Cumulative += f
		d.CumulativeSampleSize += st.N
		switch {
		case d.Cumulative <= st.Ac:
			d.Decision = Accept
		case d.Cumulative >= st.Re:
			d.Decision = Reject
		case i == len(s.Stages)-1:
			d.Decision = AcceptReinstateNormal
		default:
			d.Decision = DrawNext
		}
	}
	return d, nil
}

// ErrISOSequentialNotPublic is returned for ISO 2859-1 double and multiple
// plans.
var ErrISOSequentialNotPublic = errors.New("ISO 2859-1:1999 double and multiple sampling plans are not publicly available and are not included (they differ from Z1.4's); use single sampling, or the z1.4 standard for double and multiple plans")

// SequentialPlan is a Z1.4 double or multiple sampling plan from the tables.
type SequentialPlan struct {
	Standard   Standard   `json:"standard"`
	Severity   Severity   `json:"severity"`
	AQL        AQL        `json:"aql"`
	CodeLetter CodeLetter `json:"code_letter"`
	// Kind is "double", "multiple", or "single" when the table refers to
	// the single sampling plan (its '*' cells: there is no double or
	// multiple plan with Ac 0).
	Kind string `json:"kind"`
	// FinalCodeLetter is the row of the plan, identified by its sample size.
	FinalCodeLetter CodeLetter `json:"final_code_letter"`
	Stages          []Stage    `json:"stages"`
	// Note explains a referral (multiple -> double -> single).
	Note string `json:"note,omitempty"`
}

// Scheme returns the plan's stages as a scheme.
func (p SequentialPlan) Scheme() Scheme { return Scheme{Stages: p.Stages} }

// DoublePlan returns the Z1.4 double sampling plan at a code letter and
// AQL, or the single plan where the table says to use it. For ISO 2859-1 it
// returns ErrISOSequentialNotPublic.
func DoublePlan(std Standard, sev Severity, letter CodeLetter, aql AQL) (SequentialPlan, error) {
	return sequentialPlan(std, sev, letter, aql, 2, "")
}

// MultiplePlan returns the Z1.4 seven-stage multiple sampling plan, or the
// double or single plan where the table refers to it. For ISO 2859-1 it
// returns ErrISOSequentialNotPublic. The multiple plans come from a single
// public transcription (lower confidence, see tables/SOURCES.md).
func MultiplePlan(std Standard, sev Severity, letter CodeLetter, aql AQL) (SequentialPlan, error) {
	return sequentialPlan(std, sev, letter, aql, 7, "")
}

func sequentialPlan(std Standard, sev Severity, letter CodeLetter, aql AQL, stages int, note string) (SequentialPlan, error) {
	if err := checkArgs(std, sev, aql); err != nil {
		return SequentialPlan{}, err
	}
	if std == ISO2859 {
		return SequentialPlan{}, ErrISOSequentialNotPublic
	}
	li := letter.index()
	if li < 0 || letter == 'S' {
		return SequentialPlan{}, fmt.Errorf("sampling: code letter %q has no double or multiple row", byte(letter))
	}
	t := tables()
	c := &t.double[sev][li][aql.col()]
	kind := "double"
	if stages == 7 {
		c, kind = &t.multiple[sev][li][aql.col()], "multiple"
	}
	out := SequentialPlan{Standard: std, Severity: sev, AQL: aql, CodeLetter: letter}
	switch c.kind {
	case seqUseSingle:
		p, err := Lookup(std, sev, letter, aql)
		if err != nil {
			return SequentialPlan{}, err
		}
		out.Kind, out.FinalCodeLetter = "single", p.FinalCodeLetter
		out.Stages = []Stage{{N: p.TableSampleSize, Ac: p.Ac, Re: p.Re}}
		out.Note = joinNote(note, fmt.Sprintf("the %s sampling table refers to the single sampling plan here", kind))
		return out, nil
	case seqUseDouble:
		return sequentialPlan(std, sev, letter, aql, 2, "the multiple sampling table refers to the double sampling plan here")
	case seqBad:
		return SequentialPlan{}, &TableError{std, sev, letter, aql, fmt.Sprintf("the %s plan in the reference data is inconsistent (%s); it is not used", kind, c.badNote)}
	case seqPlan:
	default:
		return SequentialPlan{}, &TableError{std, sev, letter, aql, "no " + kind + " plan in the reference data"}
	}
	out.Kind, out.Note = kind, note
	out.FinalCodeLetter = sequentialLetter(sev, int(c.n), stages)
	out.Stages = make([]Stage, c.stages)
	for i := range out.Stages {
		out.Stages[i] = Stage{N: int(c.n), Ac: int(c.ac[i]), Re: int(c.re[i])}
	}
	return out, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// sequentialLetter identifies the row of a double or multiple plan from its
// per-sample size: in the Z1.4 tables the double sample size of letter L is
// the single sample size of the letter before L, and the multiple one that
// of three letters before (same severity column). Several letters of the
// reduced column share n = 2; the largest one is the row that exists.
func sequentialLetter(sev Severity, n, stages int) CodeLetter {
	back := 1
	if stages == 7 {
		back = 3
	}
	for i := numLetters - 1; i >= back; i-- {
		if SampleSizeOf(letterAt(i), sev) > 0 && SampleSizeOf(letterAt(i-back), sev) == n {
			return letterAt(i)
		}
	}
	return 0
}
