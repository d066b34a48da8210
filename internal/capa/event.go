package capa

import "fmt"

// Event types of CAPAs: the notify event types their JobEvent jobs
// publish.
const (
	EventOpened          = "capa.opened"
	EventStageSaved      = "capa.stage_saved"
	EventStageSubmitted  = "capa.stage_submitted"
	EventStageAccepted   = "capa.stage_accepted"
	EventStageReturned   = "capa.stage_returned"
	EventDueChanged      = "capa.due_changed"
	EventCriterionSet    = "capa.criterion_set"
	EventEffectiveness   = "capa.effectiveness" // an evaluation reached pass or fail
	EventVerifying       = "capa.verifying"
	EventClosed          = "capa.closed"
	EventReopened        = "capa.reopened"
	EventCancelled       = "capa.cancelled"
	EventStageDueSoon    = "capa.stage_due_soon"
	EventStageOverdue    = "capa.stage_overdue"
	EventStageEscalation = "capa.stage_escalated"
)

// Event is the payload of a JobEvent job: what happened to a CAPA, for the
// notifications and webhooks of that change.
type Event struct {
	Type     string  `json:"type"`
	CAPAID   int64   `json:"capa_id"`
	Number   string  `json:"number"`
	Kind     Kind    `json:"kind"`
	Supplier int64   `json:"supplier_id,omitempty"`
	Status   Status  `json:"status"`
	Stage    Stage   `json:"stage,omitempty"`
	Outcome  Outcome `json:"outcome,omitempty"`
	// Comment is what the supplier may read (a review comment); internal
	// notes and reasons are never put here for a supplier request.
	Comment string `json:"comment,omitempty"`
	ByID    int64  `json:"by_id"`
	By      string `json:"by"`
}

// NewEvent returns the event of type t about c by the named actor.
func NewEvent(t string, c *CAPA, st Stage, comment string, byID int64, by string) Event {
	e := Event{Type: t, CAPAID: c.ID, Number: c.Number(), Kind: c.Kind, Supplier: c.SupplierID, Status: c.Status, Stage: st,
		Comment: comment, ByID: byID, By: by}
	if c.Evaluation != nil {
		e.Outcome = c.Evaluation.Outcome
	}
	return e
}

// ForSupplier reports whether the supplier's users are told of the event:
// events of a supplier request that concern what they see and answer.
func (e Event) ForSupplier() bool {
	if e.Kind != KindSupplier {
		return false
	}
	switch e.Type {
	case EventOpened, EventStageAccepted, EventStageReturned, EventDueChanged, EventClosed, EventReopened, EventCancelled,
		EventStageDueSoon, EventStageOverdue, EventStageEscalation:
		return true
	}
	return false
}

// Subject is the event's one-line title for people.
func (e Event) Subject() string {
	switch e.Type {
	case EventOpened:
		return fmt.Sprintf("%s opened", e.Number)
	case EventStageSaved:
		return fmt.Sprintf("%s: %s saved by %s", e.Number, e.Stage, e.By)
	case EventStageSubmitted:
		return fmt.Sprintf("%s: %s submitted for review by %s", e.Number, e.Stage, e.By)
	case EventStageAccepted:
		return fmt.Sprintf("%s: %s accepted", e.Number, e.Stage)
	case EventStageReturned:
		return fmt.Sprintf("%s: %s returned with a comment", e.Number, e.Stage)
	case EventDueChanged:
		return fmt.Sprintf("%s: the due date of %s moved", e.Number, e.Stage)
	case EventCriterionSet:
		return fmt.Sprintf("%s: effectiveness criterion stated", e.Number)
	case EventEffectiveness:
		return fmt.Sprintf("%s: effectiveness criterion %s", e.Number, e.Outcome)
	case EventVerifying:
		return fmt.Sprintf("%s: actions implemented; effectiveness being verified", e.Number)
	case EventClosed:
		return fmt.Sprintf("%s closed", e.Number)
	case EventReopened:
		return fmt.Sprintf("%s reopened: not effective", e.Number)
	case EventCancelled:
		return fmt.Sprintf("%s cancelled", e.Number)
	case EventStageDueSoon:
		return fmt.Sprintf("%s: %s is due soon", e.Number, e.Stage)
	case EventStageOverdue:
		return fmt.Sprintf("%s: %s is overdue", e.Number, e.Stage)
	case EventStageEscalation:
		return fmt.Sprintf("%s: %s is overdue and escalated", e.Number, e.Stage)
	}
	return e.Number + ": " + e.Type
}
