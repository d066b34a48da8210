package sampling

import (
	"errors"
	"fmt"
)

// SwitchConfig fixes what does not change from lot to lot in one stream
// (one class of nonconformity of one supplier x product): the standard, the
// AQL and how the sample size is found. The rules follow
// tables/switching_rules.json; they apply to each class separately.
type SwitchConfig struct {
	Standard Standard `json:"standard"`
	Level    Level    `json:"level"`
	AQL      AQL      `json:"aql"`
	// Lot is the lot size used for every lot whose LotInput.Lot is 0.
	Lot int `json:"lot"`
}

// SwitchState is the state of a stream between lots. Its zero value is
// not valid; start with SwitchConfig.Start. It is a plain value that can be
// stored and restored.
type SwitchState struct {
	Severity Severity `json:"severity"`
	// Discontinued: acceptance inspection is stopped until the supplier has
	// acted and the responsible authority agrees (see Resume).
	Discontinued bool `json:"discontinued"`
	// Score is the ISO 2859-1:1999 switching score; kept on normal
	// inspection only, restarted at 0 on every entry to normal.
	Score int `json:"switching_score"`
	// NormalRecent holds the results of the last (up to) 5 lots on original
	// normal inspection since normal began, newest in bit 0 (1 = not
	// accepted); NormalCount counts them (capped at 5).
	NormalRecent uint8 `json:"normal_recent"`
	NormalCount  int   `json:"normal_count"`
	// NormalAcceptedRun counts consecutive accepted lots on original normal
	// inspection (Z1.4's "preceding 10 lots" condition).
	NormalAcceptedRun int `json:"normal_accepted_run"`
	// TightenedAcceptedRun counts consecutive accepted lots on tightened
	// inspection; TightenedNotAccepted the lots not accepted during the
	// current tightened period.
	TightenedAcceptedRun int `json:"tightened_accepted_run"`
	TightenedNotAccepted int `json:"tightened_not_accepted"`
	// Lots counts the lots recorded (original and resubmitted).
	Lots int `json:"lots"`
}

// LotInput is one inspected lot.
type LotInput struct {
	// Defects is the number of nonconforming units (or nonconformities)
	// found in the sample for this class.
	Defects int `json:"defects"`
	// Resubmitted marks a lot resubmitted after rejection; it is judged but
	// ignored by the switching rules.
	Resubmitted bool `json:"resubmitted,omitempty"`
	// Lot overrides the configured lot size for this lot (0: use config).
	Lot int `json:"lot,omitempty"`
	// ApproveReduced is the responsible authority's approval of reduced
	// inspection. For ISO 2859-1 it is needed with a switching score of at
	// least 30 and steady production. For Z1.4 it is needed with 10
	// consecutive accepted lots on normal inspection; by giving it the
	// caller also states that the Table VIII limit-number condition holds
	// or was waived by agreement (clause 8.5), because those limit numbers
	// are not public and are not checked here.
	ApproveReduced bool `json:"approve_reduced,omitempty"`
	// Irregular states that production is irregular or delayed (or other
	// conditions warrant normal inspection): it blocks normal -> reduced and
	// ends reduced inspection.
	Irregular bool `json:"irregular,omitempty"`
}

// LotOutcome is the judgement of one lot and the severity for the next.
type LotOutcome struct {
	LotIndex   int      `json:"lot_index"` // 1-based
	Severity   Severity `json:"severity"`  // severity this lot was inspected at
	SampleSize int      `json:"sample_size"`
	Ac         int      `json:"ac"`
	Re         int      `json:"re"`
	Defects    int      `json:"defects"`
	Accepted   bool     `json:"accepted"`
	// ReinstateNormal: Z1.4 reduced, Ac < d < Re (accepted, back to normal).
	ReinstateNormal bool `json:"reinstate_normal,omitempty"`
	Resubmitted     bool `json:"resubmitted"`
	// SwitchingScore is the ISO 2859-1 switching score after this lot (0
	// outside normal inspection and for Z1.4, which has none).
	SwitchingScore int      `json:"switching_score"`
	NextSeverity   Severity `json:"next_severity"`
	Discontinued   bool     `json:"discontinued"`
	// Reason says why the severity changes or inspection is discontinued
	// after this lot (empty when nothing changes).
	Reason string `json:"reason,omitempty"`
	Plan   Plan   `json:"-"`
}

// ErrDiscontinued is returned for a lot recorded while inspection is
// discontinued; SwitchState.Resume restarts it at tightened inspection.
var ErrDiscontinued = errors.New("acceptance inspection is discontinued (5 lots not accepted during one tightened period); it resumes at tightened inspection once the supplier has acted and the responsible authority agrees")

func (c SwitchConfig) validate() error {
	if err := checkArgs(c.Standard, Normal, c.AQL); err != nil {
		return err
	}
	if !c.Level.valid() {
		return errors.New("sampling: invalid inspection level")
	}
	return nil
}

// Start returns the state at the start of a series: normal inspection
// (use StartAt for another severity designated by the responsible
// authority).
func (c SwitchConfig) Start() SwitchState { return SwitchState{Severity: Normal} }

// StartAt returns the starting state at a designated severity.
func (c SwitchConfig) StartAt(sev Severity) SwitchState { return SwitchState{Severity: sev} }

// Resume ends a discontinuation: inspection resumes at tightened, as if
// tightened inspection had just been invoked.
func (st SwitchState) Resume() SwitchState {
	return SwitchState{Severity: Tightened, Lots: st.Lots}
}

// Plan returns the single sampling plan in force for the next lot.
func (c SwitchConfig) Plan(st SwitchState, lot int) (Plan, error) {
	if err := c.validate(); err != nil {
		return Plan{}, err
	}
	if lot == 0 {
		lot = c.Lot
	}
	return SinglePlan(c.Standard, st.Severity, c.Level, lot, c.AQL)
}

// Next judges one lot under the state st and returns the outcome and the
// state for the next lot. The rules (tables/switching_rules.json):
//   - only lots on original inspection count; resubmitted lots are judged
//     with the plan in force and change nothing;
//   - normal -> tightened when 2 of the last 5 or fewer lots on original
//     normal inspection were not accepted;
//   - tightened -> normal after 5 consecutive accepted lots;
//   - discontinuation when 5 lots were not accepted during one tightened
//     period (ISO 2859-1:1999 and Z1.4-2003/2008);
//   - normal -> reduced: ISO 2859-1 with switching score >= 30, steady
//     production and approval; Z1.4 with 10 consecutive accepted lots on
//     normal, steady production and approval (see LotInput.ApproveReduced);
//   - reduced -> normal when a lot is not accepted, when Z1.4's Ac < d < Re
//     accepts it, or when production is irregular;
//   - the ISO switching score, on normal inspection: for a plan with
//     Ac >= 2, +3 if the lot would also have been accepted with the next
//     tighter AQL in the same row (d <= that column's Ac), else reset to 0;
//     for Ac 0 or 1, +2 if accepted, else 0. It restarts at 0 on every
//     entry to normal inspection.
//
// A switch takes effect from the next lot.
func (c SwitchConfig) Next(st SwitchState, in LotInput) (LotOutcome, SwitchState, error) {
	if err := c.validate(); err != nil {
		return LotOutcome{}, st, err
	}
	if !st.Severity.valid() {
		return LotOutcome{}, st, errors.New("sampling: invalid switching state (start with SwitchConfig.Start)")
	}
	if st.Discontinued {
		return LotOutcome{}, st, ErrDiscontinued
	}
	if in.Defects < 0 {
		return LotOutcome{}, st, fmt.Errorf("negative count %d", in.Defects)
	}
	lot := in.Lot
	if lot == 0 {
		lot = c.Lot
	}
	plan, err := SinglePlan(c.Standard, st.Severity, c.Level, lot, c.AQL)
	if err != nil {
		return LotOutcome{}, st, err
	}
	if in.Defects > plan.SampleSize {
		return LotOutcome{}, st, fmt.Errorf("%d nonconforming units in a sample of %d", in.Defects, plan.SampleSize)
	}
	dec := plan.Decide(in.Defects)
	st.Lots++
	out := LotOutcome{
		LotIndex: st.Lots, Severity: st.Severity, SampleSize: plan.SampleSize,
		Ac: plan.Ac, Re: plan.Re, Defects: in.Defects, Accepted: dec.Accepted(),
		ReinstateNormal: dec == AcceptReinstateNormal,
		Resubmitted:     in.Resubmitted, Plan: plan,
	}
	next := st
	if !in.Resubmitted {
		next = c.advance(st, in, plan, dec, &out)
	}
	out.NextSeverity = next.Severity
	out.Discontinued = next.Discontinued
	if in.Resubmitted && st.Severity == Normal && c.Standard == ISO2859 {
		out.SwitchingScore = st.Score
	}
	return out, next, nil
}

// scoreAfter applies the ISO 2859-1:1999 switching score update.
func scoreAfter(score int, p Plan, d int, dec Decision) int {
	if p.Ac >= 2 {
		if ta := tighterAc(p); ta >= 0 && d <= ta {
			return score + 3
		}
		return 0
	}
	if dec.Accepted() {
		return score + 2
	}
	return 0
}

// advance applies the switching rules after a lot on original inspection.
func (c SwitchConfig) advance(st SwitchState, in LotInput, p Plan, dec Decision, out *LotOutcome) SwitchState {
	accepted := dec.Accepted()
	switch st.Severity {
	case Normal:
		st.NormalRecent <<= 1
		if !accepted {
			st.NormalRecent |= 1
		}
		st.NormalRecent &= 0x1f
		st.NormalCount = min(st.NormalCount+1, 5)
		if accepted {
			st.NormalAcceptedRun++
		} else {
			st.NormalAcceptedRun = 0
		}
		if c.Standard == ISO2859 {
			st.Score = scoreAfter(st.Score, p, in.Defects, dec)
			out.SwitchingScore = st.Score
		}
		if popcount5(st.NormalRecent) >= 2 {
			out.Reason = "2 lots not accepted within 5 or fewer consecutive lots on normal inspection"
			return SwitchState{Severity: Tightened, Lots: st.Lots}
		}
		var ready bool
		switch c.Standard {
		case ISO2859:
			ready = st.Score >= 30
		case Z14:
			ready = st.NormalAcceptedRun >= 10
		}
		if ready && !in.Irregular && in.ApproveReduced {
			if c.Standard == ISO2859 {
				out.Reason = fmt.Sprintf("switching score %d >= 30, steady production, approved", st.Score)
			} else {
				out.Reason = fmt.Sprintf("%d consecutive lots accepted on normal inspection, steady production, approved (limit numbers not checked)", st.NormalAcceptedRun)
			}
			return SwitchState{Severity: Reduced, Lots: st.Lots}
		}
		return st
	case Tightened:
		if accepted {
			st.TightenedAcceptedRun++
		} else {
			st.TightenedAcceptedRun = 0
			st.TightenedNotAccepted++
		}
		if st.TightenedNotAccepted >= 5 {
			out.Reason = "5 lots not accepted during this tightened period"
			st.Discontinued = true
			return st
		}
		if st.TightenedAcceptedRun >= 5 {
			out.Reason = "5 consecutive lots accepted on tightened inspection"
			return SwitchState{Severity: Normal, Lots: st.Lots}
		}
		return st
	case Reduced:
		switch {
		case !accepted:
			out.Reason = "lot not accepted on reduced inspection"
		case dec == AcceptReinstateNormal:
			out.Reason = "lot accepted with Ac < d < Re on reduced inspection"
		case in.Irregular:
			out.Reason = "production irregular or delayed"
		default:
			return st
		}
		return SwitchState{Severity: Normal, Lots: st.Lots}
	}
	return st
}

func popcount5(b uint8) int {
	n := 0
	for i := 0; i < 5; i++ {
		n += int(b>>i) & 1
	}
	return n
}
