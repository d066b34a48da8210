package supplier

import (
	"slices"
	"strings"

	"qms/internal/qms"
)

// Status is where a supplier stands in qualification. The set is closed.
type Status string

const (
	StatusProspect              Status = "prospect"               // known, not yet assessed
	StatusUnderQualification    Status = "under_qualification"    // certificates, audit, samples in progress
	StatusApproved              Status = "approved"               // on the approved supplier list
	StatusConditionallyApproved Status = "conditionally_approved" // approved with conditions or a limited scope
	StatusProbation             Status = "probation"              // still approved, under watch after poor performance
	StatusDisqualified          Status = "disqualified"           // may not be used
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{StatusProspect, StatusUnderQualification, StatusApproved, StatusConditionallyApproved, StatusProbation, StatusDisqualified}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Label is the status's name for people.
func (s Status) Label() string {
	switch s {
	case StatusProspect:
		return "Prospect"
	case StatusUnderQualification:
		return "Under qualification"
	case StatusApproved:
		return "Approved"
	case StatusConditionallyApproved:
		return "Conditionally approved"
	case StatusProbation:
		return "Probation"
	case StatusDisqualified:
		return "Disqualified"
	}
	return string(s)
}

// OnApprovedList reports whether a supplier in this status may be used and
// appears on the approved supplier list: approved, conditionally approved,
// or approved but on probation.
func (s Status) OnApprovedList() bool {
	return s == StatusApproved || s == StatusConditionallyApproved || s == StatusProbation
}

// Transitions is the supplier lifecycle: from each status, the statuses a
// quality manager may move a supplier to. Every other move is refused.
var Transitions = map[Status][]Status{
	StatusProspect:              {StatusUnderQualification, StatusDisqualified},
	StatusUnderQualification:    {StatusApproved, StatusConditionallyApproved, StatusProspect, StatusDisqualified},
	StatusApproved:              {StatusConditionallyApproved, StatusProbation, StatusUnderQualification, StatusDisqualified},
	StatusConditionallyApproved: {StatusApproved, StatusProbation, StatusUnderQualification, StatusDisqualified},
	StatusProbation:             {StatusApproved, StatusConditionallyApproved, StatusUnderQualification, StatusDisqualified},
	StatusDisqualified:          {StatusUnderQualification, StatusProspect},
}

// CanTransition reports whether the lifecycle allows moving from one status
// to another.
func CanTransition(from, to Status) bool { return slices.Contains(Transitions[from], to) }

// NeedsGate reports whether moving to status to approves the supplier, so
// that the approval gate (required certificates) must pass first.
func NeedsGate(to Status) bool { return to == StatusApproved || to == StatusConditionallyApproved }

// MaxReasonLen bounds the reasons given for changes.
const MaxReasonLen = 2000

// CheckTransition checks that actor a may move a supplier from one status to
// another with the given reason. Returns forbidden unless qms.CanApprove(a),
// invalid without a reason, and a conflict when the lifecycle does not allow
// the move. The approval gate is checked separately (ApprovalGate).
func CheckTransition(a qms.Actor, from, to Status, reason string) error {
	if !qms.CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager or an administrator may change a supplier's status")
	}
	if !to.Valid() {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Unknown status", Fields: map[string]string{"status": "must be one of " + statusNames(Statuses)}}
	}
	p := qms.Problems{}
	reason = strings.TrimSpace(reason)
	qms.CheckText(p, "reason", reason, MaxReasonLen)
	if reason == "" {
		p.Add("reason", "is required: say why the status changes")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if from == to {
		return qms.Errorf(qms.KindConflict, "the supplier is already %s", strings.ToLower(to.Label()))
	}
	if !CanTransition(from, to) {
		return qms.Errorf(qms.KindConflict, "a supplier cannot go from %s to %s; from %s it may go to: %s",
			strings.ToLower(from.Label()), strings.ToLower(to.Label()), strings.ToLower(from.Label()), labels(Transitions[from]))
	}
	return nil
}

func statusNames(ss []Status) string {
	n := make([]string, len(ss))
	for i, s := range ss {
		n[i] = string(s)
	}
	return strings.Join(n, ", ")
}

func labels(ss []Status) string {
	n := make([]string, len(ss))
	for i, s := range ss {
		n[i] = strings.ToLower(s.Label())
	}
	return strings.Join(n, ", ")
}
