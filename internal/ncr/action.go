package ncr

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/qms"
)

// ActionKind is a kind of containment action. The set is closed.
type ActionKind string

const (
	HoldShipment   ActionKind = "hold_shipment"   // stop the lot from shipping
	Sort100        ActionKind = "sort"            // 100 % sort or screen
	Quarantine     ActionKind = "quarantine"      // move to a segregated, non-issuable location
	BlockStock     ActionKind = "block_stock"     // block in ERP/WMS, check in-transit and customer stock
	NotifyCustomer ActionKind = "notify_customer" // tell the customer or the next process
	Recall         ActionKind = "recall"          // retrieve delivered units
	OtherAction    ActionKind = "other"
)

// ActionKinds lists every containment action kind.
var ActionKinds = []ActionKind{HoldShipment, Sort100, Quarantine, BlockStock, NotifyCustomer, Recall, OtherAction}

// Valid reports whether k is one of ActionKinds.
func (k ActionKind) Valid() bool { return slices.Contains(ActionKinds, k) }

// Label is the kind's name for people.
func (k ActionKind) Label() string {
	switch k {
	case HoldShipment:
		return "Hold shipment"
	case Sort100:
		return "Sort 100 %"
	case Quarantine:
		return "Quarantine"
	case BlockStock:
		return "Block stock"
	case NotifyCustomer:
		return "Notify customer"
	case Recall:
		return "Recall"
	case OtherAction:
		return "Other"
	}
	return string(k)
}

// ActionStatus is where a containment action stands.
type ActionStatus string

const (
	ActionOpen      ActionStatus = "open"
	ActionDone      ActionStatus = "done"
	ActionCancelled ActionStatus = "cancelled"
)

// Action is a containment action of an NCR, with an owner and a due date.
type Action struct {
	ID          int64        `json:"id"`
	NCRID       int64        `json:"ncr_id"`
	Kind        ActionKind   `json:"kind"`
	Description string       `json:"description"`
	OwnerUserID int64        `json:"owner_user_id,omitempty"` // an internal user, or 0 for someone outside qms
	OwnerName   string       `json:"owner_name"`
	DueOn       qms.Date     `json:"due_on"`
	Status      ActionStatus `json:"status"`
	// Result says what was done and how it was verified (done), or why it
	// was cancelled.
	Result    string     `json:"result,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	DoneByID  int64      `json:"done_by_id,omitempty"`
	DoneBy    string     `json:"done_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Version   int64      `json:"version"`
}

// Overdue reports whether the action is still open after its due date.
func (a *Action) Overdue(today qms.Date) bool { return a.Status == ActionOpen && today.After(a.DueOn) }

// Validate trims and checks a new action: kind, description (required
// for other), owner and due date. Returns an invalid error.
func (a *Action) Validate() error {
	p := qms.Problems{}
	if !a.Kind.Valid() {
		p.Add("kind", "must be one of "+names(ActionKinds))
	}
	a.Description, a.OwnerName = strings.TrimSpace(a.Description), strings.TrimSpace(a.OwnerName)
	checkLong(p, "description", a.Description, MaxShortText)
	if a.Description == "" && a.Kind == OtherAction {
		p.Add("description", "is required: what is done")
	}
	qms.CheckText(p, "owner_name", a.OwnerName, MaxTitleLen)
	if a.OwnerName == "" {
		p.Add("owner_name", "is required: who does it")
	}
	if a.OwnerUserID < 0 {
		p.Add("owner_user_id", "is not a user id")
	}
	if a.DueOn.IsZero() {
		p.Add("due_on", "is required")
	}
	return p.Err()
}

// OpenActions returns the actions still open.
func OpenActions(as []Action) []Action {
	var out []Action
	for _, a := range as {
		if a.Status == ActionOpen {
			out = append(out, a)
		}
	}
	return out
}

// CheckAddAction checks that actor a may add the containment action to
// the NCR (quality staff, while it is not closed or voided) and validates
// it. Returns forbidden, conflict or invalid.
func CheckAddAction(a qms.Actor, n *NCR, act *Action) error {
	if !qms.CanEditQualityRecords(a) {
		return forbidden("add containment actions")
	}
	if !n.Status.Active() {
		return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", n.Number(), n.Status)
	}
	if len(n.Actions) >= MaxActions {
		return qms.Errorf(qms.KindConflict, "%s has %d containment actions, the most it may have", n.Number(), MaxActions)
	}
	return act.Validate()
}

// CheckFinishAction checks that actor a may mark the action done (with
// what was done and how it was verified) or cancelled (with a reason):
// quality staff, or its internal owner; on an NCR not closed or voided;
// only an open action. Returns the trimmed result, or forbidden, conflict
// or invalid.
func CheckFinishAction(a qms.Actor, n *NCR, act *Action, to ActionStatus, result string) (string, error) {
	owner := act.OwnerUserID > 0 && act.OwnerUserID == a.UserID && qms.CanViewInternal(a)
	if !qms.CanEditQualityRecords(a) && !owner {
		return "", forbidden("complete containment actions of others")
	}
	if !n.Status.Active() {
		return "", qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", n.Number(), n.Status)
	}
	if act.Status != ActionOpen {
		return "", qms.Errorf(qms.KindConflict, "the containment action is %s already", act.Status)
	}
	p := qms.Problems{}
	switch to {
	case ActionDone:
		result = checkReason(p, "result", result, "say what was done and how it was verified")
	case ActionCancelled:
		result = checkReason(p, "result", result, "say why the action is cancelled")
	default:
		p.Add("status", fmt.Sprintf("must be %s or %s", ActionDone, ActionCancelled))
	}
	return result, p.Err()
}
