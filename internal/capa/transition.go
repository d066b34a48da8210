package capa

import (
	"fmt"
	"slices"
	"strings"

	"qms/internal/qms"
)

// Move is a step of the CAPA lifecycle.
type Move string

const (
	MoveVerify Move = "verify" // open -> verifying: D0 to D7 accepted; effectiveness is now being proven
	MoveClose  Move = "close"  // verifying -> closed: signed; the criterion passed, or a signed override with a reason
	MoveReopen Move = "reopen" // verifying -> open: not effective; back to the root cause, with a reason
	MoveCancel Move = "cancel" // open or verifying -> cancelled, with a reason
)

// Transition is one allowed move: from which statuses, to which, and who
// may make it.
type Transition struct {
	Move   Move
	From   []Status
	To     Status
	Who    string               // who may, for people
	May    func(qms.Actor) bool // the permission rule
	Reason string               // what the required reason says; "" when none is required
	Label  string
}

// Transitions is the CAPA lifecycle. Every move not listed is refused.
// Stage reviews (accept, return) are not moves: see CheckReviewStage.
var Transitions = []Transition{
	{Move: MoveVerify, From: []Status{StatusOpen}, To: StatusVerifying, Who: "a quality manager", May: CanReview, Label: "Verify effectiveness"},
	{Move: MoveClose, From: []Status{StatusVerifying}, To: StatusClosed, Who: "a quality manager", May: CanReview, Label: "Close"},
	{Move: MoveReopen, From: []Status{StatusVerifying}, To: StatusOpen, Who: "a quality manager", May: CanReview,
		Reason: "say why the actions are not effective", Label: "Reopen"},
	{Move: MoveCancel, From: []Status{StatusOpen, StatusVerifying}, To: StatusCancelled, Who: "a quality manager", May: CanReview,
		Reason: "say why the CAPA is cancelled", Label: "Cancel"},
}

// TransitionOf returns the transition of a move.
func TransitionOf(m Move) (Transition, bool) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.Move == m })
	if i < 0 {
		return Transition{}, false
	}
	return Transitions[i], true
}

// Moves returns the moves the lifecycle offers from status s.
func Moves(s Status) []Move {
	var ms []Move
	for _, t := range Transitions {
		if slices.Contains(t.From, s) {
			ms = append(ms, t.Move)
		}
	}
	return ms
}

// CloseInput is what closing a CAPA takes besides the signature: an
// override of the effectiveness criterion with its reason, when the
// criterion has not passed.
type CloseInput struct {
	Override bool   `json:"override,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// CheckMove checks that actor a may make move m on the CAPA, and returns
// the status it leads to and the trimmed reason. For MoveClose, in says
// whether a quality manager overrides the criterion (with a reason). The
// order of the checks: unknown move (invalid), not visible (not found),
// role (forbidden), lifecycle (conflict), missing reason (invalid), then
// the move's conditions:
//   - verify: D0 to D7 accepted, no open actions, a criterion stated;
//   - close: D8 complete, no open actions, and the criterion passed — or
//     an override with a reason;
//
// Returns invalid, not found, forbidden or conflict.
func CheckMove(a qms.Actor, c *CAPA, m Move, reason string, in CloseInput) (Status, string, error) {
	t, ok := TransitionOf(m)
	if !ok {
		return "", "", &qms.Error{Kind: qms.KindInvalid, Message: "Unknown step", Fields: map[string]string{"move": "must be verify, close, reopen or cancel"}}
	}
	if !CanSee(a, c) {
		return "", "", notFound(c)
	}
	if !t.May(a) {
		return "", "", qms.Errorf(qms.KindForbidden, "only %s may %s a CAPA", t.Who, m)
	}
	if !slices.Contains(t.From, c.Status) {
		return "", "", qms.Errorf(qms.KindConflict, "%s is %s: it cannot %s%s", c.Number(), c.Status, m, offered(c.Status))
	}
	p := qms.Problems{}
	switch {
	case t.Reason != "":
		reason = checkReason(p, "reason", reason, t.Reason)
	case m == MoveClose && in.Override:
		reason = checkReason(p, "reason", in.Reason, "say why the CAPA is closed although its effectiveness criterion has not passed")
	default:
		reason = strings.TrimSpace(reason)
		checkLong(p, "reason", reason, MaxReasonLen)
	}
	if m != MoveClose && in.Override {
		p.Add("override", "applies to closing only")
	}
	if err := p.Err(); err != nil {
		return "", "", err
	}
	switch m {
	case MoveVerify:
		for _, s := range Stages[:8] {
			if r := c.Stage(s); !r.Done() {
				return "", "", qms.Errorf(qms.KindConflict, "%s (%s) of %s is %s: D0 to D7 must be accepted first", s, s.Title(), c.Number(), r.State)
			}
		}
		if err := noOpenActions(c); err != nil {
			return "", "", err
		}
		if c.Criterion == nil {
			return "", "", qms.Errorf(qms.KindConflict, "%s states no effectiveness criterion: a quality manager states how later inspections will prove it", c.Number())
		}
	case MoveClose:
		r := c.Report
		if err := CheckContent(&r, &r.D8, true); err != nil {
			return "", "", err
		}
		if err := noOpenActions(c); err != nil {
			return "", "", err
		}
		if !in.Override {
			if c.Evaluation == nil || c.Evaluation.Outcome != OutcomePass {
				msg := "it has not been evaluated yet"
				if c.Evaluation != nil {
					msg = c.Evaluation.Message
				}
				return "", "", qms.Errorf(qms.KindConflict, "%s cannot close until its effectiveness criterion passes (%s); a quality manager may close it with a signed override and a reason", c.Number(), msg)
			}
		}
	}
	return t.To, reason, nil
}

func noOpenActions(c *CAPA) error {
	if open := c.Report.OpenActions(); len(open) > 0 {
		return qms.Errorf(qms.KindConflict, "%s has %d open action(s): %s", c.Number(), len(open), strings.Join(open, "; "))
	}
	return nil
}

func offered(s Status) string {
	ms := Moves(s)
	if len(ms) == 0 {
		return " (it is final)"
	}
	return "; from " + string(s) + " it may " + strings.ReplaceAll(names(ms), ", ", " or ")
}

// Open fills a new CAPA (after Validate): open, the 8D stages with their
// due dates from the opening date and the settings, an empty report.
func Open(c *CAPA, s Settings) {
	c.Status = StatusOpen
	c.Stages = make([]StageRecord, len(Stages))
	for i, st := range Stages {
		c.Stages[i] = StageRecord{Stage: st, State: StageOpen, DueOn: c.OpenedOn.AddDate(0, 0, s.Days(st))}
	}
	c.Report = Report{}
	c.Evaluation, c.Closure = nil, nil
}

// Reopen sends a CAPA under verification back to the root cause (after
// CheckMove): D4 to D7 are returned with the reason as the comment, D8 is
// open again, and the effectiveness window restarts when D6 is accepted
// again.
func Reopen(c *CAPA, reason string) {
	for _, s := range []Stage{D4, D5, D6, D7} {
		r := c.Stage(s)
		r.State, r.Comment = StageReturned, fmt.Sprintf("Reopened: %s", reason)
		c.setStage(r)
	}
	r := c.Stage(D8)
	r.State = StageOpen
	c.setStage(r)
	c.Evaluation = nil
	if c.Criterion != nil {
		c.Criterion.StartOn = qms.Date{}
	}
}
