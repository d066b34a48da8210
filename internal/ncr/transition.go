package ncr

import (
	"slices"
	"strings"

	"qms/internal/qms"
)

// Move is a step of the NCR lifecycle.
type Move string

const (
	MoveContain     Move = "contain"     // open -> contained: containment is done
	MoveDisposition Move = "disposition" // contained -> dispositioned: the disposition is decided
	MoveRevise      Move = "revise"      // dispositioned -> contained: the disposition is reopened, with a reason
	MoveVerify      Move = "verify"      // dispositioned -> verified: the disposition was carried out and checked
	MoveClose       Move = "close"       // verified -> closed
	MoveVoid        Move = "void"        // any active status -> voided, with a reason
)

// Transition is one allowed move: from which statuses, to which, and who
// may make it.
type Transition struct {
	Move   Move
	From   []Status
	To     Status
	Who    string               // who may, for people
	May    func(qms.Actor) bool // the permission rule
	Reason string               // what the required reason or note says; "" when none is required
	Guard  func(n *NCR) error   // what must hold besides; nil for nothing
	Label  string               // the move's name for people
}

// Transitions is the NCR lifecycle. Every move not listed is refused.
var Transitions = []Transition{
	{Move: MoveContain, From: []Status{StatusOpen}, To: StatusContained, Who: "quality staff", May: qms.CanEditQualityRecords,
		Guard: guardContain, Label: "Mark contained"},
	{Move: MoveDisposition, From: []Status{StatusContained}, To: StatusDispositioned, Who: "a quality manager", May: qms.CanApprove,
		Guard: guardDisposition, Label: "Decide disposition"},
	{Move: MoveRevise, From: []Status{StatusDispositioned}, To: StatusContained, Who: "a quality manager", May: qms.CanApprove,
		Reason: "say why the disposition is reopened", Label: "Revise disposition"},
	{Move: MoveVerify, From: []Status{StatusDispositioned}, To: StatusVerified, Who: "quality staff", May: qms.CanEditQualityRecords,
		Reason: "say how the disposition was carried out and checked (re-inspection, scrap record, return note ...)", Label: "Verify disposition"},
	{Move: MoveClose, From: []Status{StatusVerified}, To: StatusClosed, Who: "a quality manager", May: qms.CanApprove,
		Guard: guardClose, Label: "Close"},
	{Move: MoveVoid, From: []Status{StatusOpen, StatusContained, StatusDispositioned, StatusVerified}, To: StatusVoided,
		Who: "a quality manager", May: qms.CanApprove, Reason: "say why the NCR is voided", Label: "Void"},
}

// TransitionOf returns the transition of a move.
func TransitionOf(m Move) (Transition, bool) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.Move == m })
	if i < 0 {
		return Transition{}, false
	}
	return Transitions[i], true
}

// Moves returns the moves the lifecycle offers from status s (whoever may
// make them).
func Moves(s Status) []Move {
	var ms []Move
	for _, t := range Transitions {
		if slices.Contains(t.From, s) {
			ms = append(ms, t.Move)
		}
	}
	return ms
}

// CheckMove checks that actor a may make move m on the NCR (its
// containment actions loaded) with the given reason or note, and returns
// the status it leads to and the trimmed reason. The order of the checks:
// an unknown move is invalid; a role that may not make it is forbidden; a
// move the lifecycle does not allow from the current status is a
// conflict; a missing reason is invalid; then the move's own conditions
// (containment done, disposition decided and approved, no open actions)
// give conflict or invalid.
func CheckMove(a qms.Actor, n *NCR, m Move, reason string) (Status, string, error) {
	t, ok := TransitionOf(m)
	if !ok {
		return "", "", &qms.Error{Kind: qms.KindInvalid, Message: "Unknown step", Fields: map[string]string{"move": "must be one of " + names(moveNames())}}
	}
	if !t.May(a) {
		return "", "", qms.Errorf(qms.KindForbidden, "only %s may %s an NCR", t.Who, m)
	}
	if !slices.Contains(t.From, n.Status) {
		return "", "", qms.Errorf(qms.KindConflict, "%s is %s: it cannot %s%s", n.Number(), n.Status, m, offered(n.Status))
	}
	p := qms.Problems{}
	if t.Reason != "" {
		reason = checkReason(p, "reason", reason, t.Reason)
	} else {
		reason = strings.TrimSpace(reason)
		checkLong(p, "reason", reason, MaxReasonLen)
	}
	if err := p.Err(); err != nil {
		return "", "", err
	}
	if t.Guard != nil {
		if err := t.Guard(n); err != nil {
			return "", "", err
		}
	}
	return t.To, reason, nil
}

func moveNames() []Move {
	ms := make([]Move, len(Transitions))
	for i, t := range Transitions {
		ms[i] = t.Move
	}
	return ms
}

func offered(s Status) string {
	ms := Moves(s)
	if len(ms) == 0 {
		return " (it is final)"
	}
	return "; from " + string(s) + " it may " + strings.ReplaceAll(names(ms), ", ", " or ")
}

func guardContain(n *NCR) error {
	if len(n.Actions) == 0 {
		return qms.Errorf(qms.KindConflict, "%s has no containment action: record what was done to contain it (hold, quarantine, sort ...)", n.Number())
	}
	if open := OpenActions(n.Actions); len(open) > 0 {
		return qms.Errorf(qms.KindConflict, "%s has %d open containment action(s): complete or cancel them first (the first: %s, due %s)",
			n.Number(), len(open), open[0].Kind.Label(), open[0].DueOn)
	}
	if !slices.ContainsFunc(n.Actions, func(a Action) bool { return a.Status == ActionDone }) {
		return qms.Errorf(qms.KindConflict, "every containment action of %s was cancelled: at least one must be done", n.Number())
	}
	return nil
}

func guardDisposition(n *NCR) error {
	if err := CheckDisposition(slices.Clone(n.Disposition), n.QuantityAffected); err != nil {
		return err
	}
	if !MRBComplete(n) {
		return qms.Errorf(qms.KindConflict, "use as is and repair need the approval of the Material Review Board: two different people, one of them a quality manager; %s has %d",
			n.Number(), len(n.MRB))
	}
	return nil
}

func guardClose(n *NCR) error {
	if open := OpenActions(n.Actions); len(open) > 0 {
		return qms.Errorf(qms.KindConflict, "%s has %d open containment action(s): complete or cancel them before closing", n.Number(), len(open))
	}
	return nil
}
