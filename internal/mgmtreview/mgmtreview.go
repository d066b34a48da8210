// Package mgmtreview provides management reviews (ISO 9001:2015 9.3, ISO
// 13485:2016 5.6): the review record (period reviewed, date held,
// attendees, the inputs people type: customer feedback, resources,
// improvement opportunities; decisions), the actions it decides with
// owners and due dates, tracked until done, and the input pack: the
// inputs of 9.3.2 generated from the live data, frozen in the review when
// it is closed so that history is never recomputed.
//
// The package is pure: the store gathers the pack's numbers. It must not
// import database/sql, net/http or internal/store.
package mgmtreview

import (
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
)

// Status is the state of a review: a draft is prepared and held; a closed
// review has its pack frozen and its record final (actions are still
// tracked).
type Status string

const (
	Draft  Status = "draft"
	Closed Status = "closed"
)

// Limits of the text fields.
const (
	MaxTitleLen     = 200
	MaxTextLen      = 20000
	MaxAttendees    = 50
	MaxDecisions    = 100
	MaxDecisionLen  = 2000
	MaxActionLen    = 2000
	MaxOwnerNameLen = 200
)

// Attendee is a person at the review.
type Attendee struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Review is a management review.
type Review struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	HeldOn       qms.Date   `json:"held_on"`
	From         qms.Date   `json:"period_from"`
	To           qms.Date   `json:"period_to"`
	Status       Status     `json:"status"`
	Attendees    []Attendee `json:"attendees"`
	Resources    string     `json:"resources"`
	Feedback     string     `json:"feedback"`
	Improvements string     `json:"improvements"`
	Decisions    []string   `json:"decisions"`
	Pack         *Pack      `json:"pack,omitempty"` // frozen at closing
	ClosedAt     *time.Time `json:"closed_at,omitempty"`
	ClosedBy     string     `json:"closed_by,omitempty"`
	VoidedAt     *time.Time `json:"voided_at,omitempty"`
	VoidReason   string     `json:"void_reason,omitempty"`
	CreatedByID  int64      `json:"created_by_id"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Version      int64      `json:"version"`
}

// Number is the review's number for people.
func (r *Review) Number() string { return Number(r.ID) }

// Number is the number of the review with the given id.
func Number(id int64) string { return fmt.Sprintf("MR-%04d", id) }

// Validate trims and checks what people type: a title, the date held, a
// period reviewed that ends on or before it (a review looks back) and
// spans at most three years, attendees with names, decisions as short
// lines. Returns invalid with the fields at fault.
func (r *Review) Validate() error {
	p := qms.Problems{}
	r.Title = strings.TrimSpace(r.Title)
	qms.CheckText(p, "title", r.Title, MaxTitleLen)
	if r.Title == "" {
		p.Add("title", "is required, e.g. \"Management review 2026\"")
	}
	if r.HeldOn.IsZero() {
		p.Add("held_on", "is required: the date the review is (or was) held")
	}
	switch {
	case r.From.IsZero():
		p.Add("period_from", "is required: the first day of the period the review looks back on")
	case r.To.IsZero():
		p.Add("period_to", "is required: the last day of the period the review looks back on")
	case r.To.Before(r.From):
		p.Add("period_to", "must not be before the start of the period")
	case r.From.AddDate(3, 0, 0).Before(r.To):
		p.Add("period_to", "is too far: a review looks back on at most three years")
	case !r.HeldOn.IsZero() && r.HeldOn.Before(r.To):
		p.Add("period_to", "must not be after the date the review is held: a review looks back")
	}
	for f, s := range map[string]*string{"resources": &r.Resources, "feedback": &r.Feedback, "improvements": &r.Improvements} {
		*s = strings.TrimSpace(*s)
		qms.CheckText(p, f, *s, MaxTextLen)
	}
	if len(r.Attendees) > MaxAttendees {
		p.Add("attendees", fmt.Sprintf("are too many: at most %d", MaxAttendees))
	}
	att := r.Attendees[:0:0]
	for i, a := range r.Attendees {
		a.Name, a.Role = strings.TrimSpace(a.Name), strings.TrimSpace(a.Role)
		if a.Name == "" && a.Role == "" {
			continue
		}
		f := fmt.Sprintf("attendees.%d.", i)
		qms.CheckText(p, f+"name", a.Name, MaxOwnerNameLen)
		qms.CheckText(p, f+"role", a.Role, MaxOwnerNameLen)
		if a.Name == "" {
			p.Add(f+"name", "is required: who attended")
		}
		att = append(att, a)
	}
	r.Attendees = att
	if len(r.Decisions) > MaxDecisions {
		p.Add("decisions", fmt.Sprintf("are too many: at most %d", MaxDecisions))
	}
	dec := []string{}
	for i, d := range r.Decisions {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		qms.CheckText(p, fmt.Sprintf("decisions.%d", i), d, MaxDecisionLen)
		dec = append(dec, d)
	}
	r.Decisions = dec
	return p.Err()
}

// CheckClose says whether a review may be closed: a draft, not voided,
// held (not in the future), with its attendees and at least one decision
// (9.3.3 requires the outputs to be recorded). Returns conflict or invalid.
func CheckClose(r *Review, today qms.Date) error {
	if r.VoidedAt != nil {
		return qms.Errorf(qms.KindConflict, "This management review is voided and can no longer be changed")
	}
	if r.Status != Draft {
		return qms.Errorf(qms.KindConflict, "This management review is closed already")
	}
	p := qms.Problems{}
	if today.Before(r.HeldOn) {
		p.Add("held_on", "is in the future: close the review once it has been held")
	}
	if len(r.Attendees) == 0 {
		p.Add("attendees", "are required: record who attended before closing the review")
	}
	if len(r.Decisions) == 0 {
		p.Add("decisions", "are required: record the decisions (outputs, 9.3.3) before closing the review")
	}
	return p.Err()
}

// ActionStatus is the state of a review action.
type ActionStatus string

const (
	ActionOpen      ActionStatus = "open"
	ActionDone      ActionStatus = "done"
	ActionCancelled ActionStatus = "cancelled"
)

// Action is an action a review decided, tracked until done.
type Action struct {
	ID          int64        `json:"id"`
	ReviewID    int64        `json:"review_id"`
	Description string       `json:"description"`
	OwnerID     int64        `json:"owner_id"`
	Owner       string       `json:"owner"`
	DueOn       qms.Date     `json:"due_on"`
	Status      ActionStatus `json:"status"`
	Result      string       `json:"result"`
	DoneAt      *time.Time   `json:"done_at,omitempty"`
	DoneBy      string       `json:"done_by,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int64        `json:"version"`
}

// Overdue reports whether the action is open past its due date.
func (a *Action) Overdue(today qms.Date) bool { return a.Status == ActionOpen && a.DueOn.Before(today) }

// Validate trims and checks a new action: what to do, who owns it and
// when it is due. Returns invalid.
func (a *Action) Validate() error {
	p := qms.Problems{}
	a.Description, a.Owner = strings.TrimSpace(a.Description), strings.TrimSpace(a.Owner)
	qms.CheckText(p, "description", a.Description, MaxActionLen)
	if a.Description == "" {
		p.Add("description", "is required: what is to be done")
	}
	qms.CheckText(p, "owner", a.Owner, MaxOwnerNameLen)
	if a.Owner == "" {
		p.Add("owner", "is required: who is responsible for the action")
	}
	if a.DueOn.IsZero() {
		p.Add("due_on", "is required: when the action is due")
	}
	return p.Err()
}

// Finish checks and applies the end of an open action: done with the
// result achieved, or cancelled with the reason. Returns conflict (not
// open) or invalid (no result, an unknown status).
func Finish(a *Action, to ActionStatus, result string) error {
	if a.Status != ActionOpen {
		return qms.Errorf(qms.KindConflict, "This action is %s already", a.Status)
	}
	result = strings.TrimSpace(result)
	p := qms.Problems{}
	switch to {
	case ActionDone:
		if result == "" {
			p.Add("result", "is required: what was done")
		}
	case ActionCancelled:
		if result == "" {
			p.Add("result", "is required: why the action is cancelled")
		}
	default:
		p.Add("status", "must be done or cancelled")
	}
	qms.CheckText(p, "result", result, MaxActionLen)
	if err := p.Err(); err != nil {
		return err
	}
	a.Status, a.Result = to, result
	return nil
}
