package ncr

import (
	"fmt"

	"qms/internal/qms"
)

// Job kinds the store enqueues for NCRs, in the transaction of the change
// that causes them. Their handlers (registered by the operations layer)
// publish notifications.
const (
	JobEvent         = "ncr.event"          // the NCR changed (Event)
	JobActionOverdue = "ncr.action_overdue" // a containment action passed its due date (ActionJob)
)

// Event types of NCRs: the notify event types their JobEvent jobs
// publish.
const (
	EventRaised       = "ncr.raised"
	EventUpdated      = "ncr.updated"
	EventDisposition  = "ncr.disposition_proposed"
	EventMRBApproved  = "ncr.mrb_approved"
	EventMoved        = "ncr.status_changed"
	EventActionAdded  = "ncr.action_added"
	EventActionDone   = "ncr.action_finished"
	EventCostRecorded = "ncr.cost_recorded"
)

// Event is the payload of a JobEvent job.
type Event struct {
	Type       string `json:"type"`
	NCRID      int64  `json:"ncr_id"`
	Number     string `json:"number"`
	Status     Status `json:"status"`
	Move       Move   `json:"move,omitempty"`
	SupplierID int64  `json:"supplier_id,omitempty"`
	ByID       int64  `json:"by_id"`
	By         string `json:"by"`
}

// NewEvent returns the event of type t about n by the named actor.
func NewEvent(t string, n *NCR, m Move, byID int64, by string) Event {
	return Event{Type: t, NCRID: n.ID, Number: n.Number(), Status: n.Status, Move: m, SupplierID: n.SupplierID, ByID: byID, By: by}
}

// Subject is the event's one-line title for people.
func (e Event) Subject() string {
	switch e.Type {
	case EventRaised:
		return fmt.Sprintf("%s raised", e.Number)
	case EventDisposition:
		return fmt.Sprintf("%s: disposition proposed", e.Number)
	case EventMRBApproved:
		return fmt.Sprintf("%s: disposition approved by %s for the MRB", e.Number, e.By)
	case EventMoved:
		return fmt.Sprintf("%s is %s", e.Number, e.Status)
	case EventActionAdded:
		return fmt.Sprintf("%s: containment action added", e.Number)
	case EventActionDone:
		return fmt.Sprintf("%s: containment action finished", e.Number)
	case EventCostRecorded:
		return fmt.Sprintf("%s: cost of poor quality recorded", e.Number)
	}
	return fmt.Sprintf("%s updated", e.Number)
}

// ActionJob is the payload of a JobActionOverdue job. It still applies
// when it runs if the action is open and still due on DueOn.
type ActionJob struct {
	NCRID    int64    `json:"ncr_id"`
	ActionID int64    `json:"action_id"`
	DueOn    qms.Date `json:"due_on"`
}
