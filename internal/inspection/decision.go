package inspection

import (
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// DecisionKind is what the buyer decides after the report.
type DecisionKind string

const (
	DecideRelease    DecisionKind = "release"            // ship as is
	DecideConcession DecisionKind = "release_concession" // ship although it fails, on conditions (a discount, a deviation)
	DecideRework     DecisionKind = "rework"             // sort or rework, then re-inspect (a linked resubmitted inspection)
	DecideReject     DecisionKind = "reject"             // do not accept the lot (first article: not approved)

	DecideApprove            DecisionKind = "approve"             // first article approved: mass production may go on
	DecideApproveConditional DecisionKind = "approve_conditional" // first article approved with a deviation and conditions
)

// DecisionKinds returns the decisions open to an inspection of kind k.
func DecisionKinds(k Kind) []DecisionKind {
	if k == KindFirstArticle {
		return []DecisionKind{DecideApprove, DecideApproveConditional, DecideReject}
	}
	return []DecisionKind{DecideRelease, DecideConcession, DecideRework, DecideReject}
}

// Label is the decision's name for people.
func (d DecisionKind) Label() string {
	switch d {
	case DecideRelease:
		return "Released"
	case DecideConcession:
		return "Released under concession"
	case DecideRework:
		return "Rework and re-inspect"
	case DecideReject:
		return "Rejected"
	case DecideApprove:
		return "Approved"
	case DecideApproveConditional:
		return "Approved with conditions"
	}
	return string(d)
}

// Accepts reports whether the decision lets the lot (or the first article)
// go on: release, concession, approval.
func (d DecisionKind) Accepts() bool {
	return d == DecideRelease || d == DecideConcession || d == DecideApprove || d == DecideApproveConditional
}

// Decision is the decision on a submitted inspection.
type Decision struct {
	Kind       DecisionKind `json:"kind"`
	Reason     string       `json:"reason,omitempty"`
	Conditions string       `json:"conditions,omitempty"` // concession or conditional approval: what is agreed
	// ReinspectionID is the resubmitted inspection a rework decision
	// created.
	ReinspectionID *int64 `json:"reinspection_id,omitempty"`
	// SignatureID is the electronic signature of the decision (issue 6).
	SignatureID *int64    `json:"signature_id,omitempty"`
	ByID        int64     `json:"by_id"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// CheckDecision checks that actor a may take decision d on inspection in:
// a quality manager (qms.CanApprove), on a submitted inspection, with a
// decision open to its kind. A failed lot cannot simply be released (use a
// concession); an approval of a first article needs a passing FAI (use a
// conditional approval otherwise). Concessions and conditional approvals
// need a reason and conditions; rework, rejection and releasing a pending
// lot need a reason. Returns forbidden, conflict or invalid.
func CheckDecision(a qms.Actor, in *Inspection, d *Decision) error {
	if !qms.CanApprove(a) {
		return forbidden("decide on inspections: a quality manager does")
	}
	if in.Status != StatusSubmitted {
		return qms.Errorf(qms.KindConflict, "inspection %d is %s: only a submitted inspection is decided", in.ID, in.Status)
	}
	p := qms.Problems{}
	d.Reason, d.Conditions = strings.TrimSpace(d.Reason), strings.TrimSpace(d.Conditions)
	checkLongText(p, "reason", d.Reason, MaxReasonLen)
	checkLongText(p, "conditions", d.Conditions, MaxTextLen)
	if !slices.Contains(DecisionKinds(in.Kind), d.Kind) {
		names := make([]string, 0, 4)
		for _, k := range DecisionKinds(in.Kind) {
			names = append(names, string(k))
		}
		p.Add("kind", "must be one of "+strings.Join(names, ", "))
		return p.Err()
	}
	needReason := func(what string) {
		if d.Reason == "" {
			p.Add("reason", "is required: "+what)
		}
	}
	switch d.Kind {
	case DecideRelease:
		switch in.Verdict {
		case VerdictFail:
			return qms.Errorf(qms.KindConflict, "inspection %d failed: release it under a concession with a reason and conditions, send it to rework, or reject it", in.ID)
		case VerdictPending:
			needReason("the inspector left this lot pending; say why it may ship")
		}
	case DecideConcession, DecideApproveConditional:
		needReason("say why it is accepted although it does not conform")
		if d.Conditions == "" {
			p.Add("conditions", "is required: what is agreed (deviation, discount, sorting at destination ...)")
		}
	case DecideApprove:
		if in.Verdict != VerdictPass {
			return qms.Errorf(qms.KindConflict, "first article inspection %d did not pass: approve it with conditions, or reject it", in.ID)
		}
	case DecideRework:
		needReason("say what is reworked or sorted before re-inspection")
	case DecideReject:
		needReason("say why it is rejected")
	}
	if d.Kind != DecideConcession && d.Kind != DecideApproveConditional && d.Conditions != "" {
		p.Add("conditions", "only a concession or a conditional approval has conditions")
	}
	return p.Err()
}
