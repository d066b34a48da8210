package capa

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"qms/internal/qms"
)

// Permission and isolation rules of CAPAs. The store applies the role
// rules; the operations of the surfaces apply CanSee first, answering "not
// found" for a CAPA the actor may not see, so that a supplier user cannot
// even learn that another supplier's request exists.

// CanSee: internal staff see every CAPA; a supplier user sees only the
// supplier requests addressed to its own supplier.
func CanSee(a qms.Actor, c *CAPA) bool {
	if a.Role == qms.RoleSupplier {
		return c.Kind == KindSupplier && qms.CanSeeSupplier(a, c.SupplierID)
	}
	return qms.CanViewInternal(a)
}

// CanSeeNotes: internal notes are for the buyer's staff only.
func CanSeeNotes(a qms.Actor) bool { return qms.CanViewInternal(a) }

// CanOpen: open CAPAs and supplier requests (quality staff).
func CanOpen(a qms.Actor) bool { return qms.CanEditQualityRecords(a) }

// CanWriteStage: write stage s of c. Quality staff write every stage
// (for a supplier request they may enter the supplier's answers on its
// behalf); a supplier user writes D3 to D7 of its own supplier's
// requests.
func CanWriteStage(a qms.Actor, c *CAPA, s Stage) bool {
	if a.Role == qms.RoleSupplier {
		return c.Kind == KindSupplier && qms.CanSeeSupplier(a, c.SupplierID) && s.SupplierAnswers()
	}
	return qms.CanEditQualityRecords(a)
}

// CanReview: accept or return submitted stages, set due dates and the
// effectiveness criterion, and move the CAPA (quality manager).
func CanReview(a qms.Actor) bool { return qms.CanApprove(a) }

// notFound is the answer for a CAPA the actor may not see.
func notFound(c *CAPA) error { return qms.Errorf(qms.KindNotFound, "CAPA %d not found", c.ID) }

// CheckView checks that actor a may see the CAPA. Returns not found.
func CheckView(a qms.Actor, c *CAPA) error {
	if !CanSee(a, c) {
		return notFound(c)
	}
	return nil
}

// CheckEditStage checks that actor a may write stage s of the CAPA now:
// one the actor may see and write, while the CAPA is open (D8 also while
// verifying), and while the stage is open or returned (a submitted stage
// waits for its review; an accepted one is final until the CAPA is
// reopened). Returns invalid, not found, forbidden or conflict.
func CheckEditStage(a qms.Actor, c *CAPA, s Stage) error {
	if !s.Valid() {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Unknown stage", Fields: map[string]string{"stage": "must be D0 to D8"}}
	}
	if !CanSee(a, c) {
		return notFound(c)
	}
	if !CanWriteStage(a, c, s) {
		if a.Role == qms.RoleSupplier {
			return qms.Errorf(qms.KindForbidden, "the buyer writes %s (%s); the supplier answers D3 to D7", s, s.Title())
		}
		return forbidden("write CAPAs")
	}
	switch {
	case s == D8 && !c.Status.Active():
		return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", c.Number(), c.Status)
	case s != D8 && c.Status != StatusOpen:
		if c.Status == StatusVerifying {
			return qms.Errorf(qms.KindConflict, "%s is being verified: D0 to D7 are accepted; a quality manager may reopen it", c.Number())
		}
		return qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", c.Number(), c.Status)
	}
	switch c.Stage(s).State {
	case StageSubmitted:
		return qms.Errorf(qms.KindConflict, "%s of %s is submitted and awaits its review", s, c.Number())
	case StageAccepted:
		return qms.Errorf(qms.KindConflict, "%s of %s is accepted and can no longer change", s, c.Number())
	}
	return nil
}

// CheckSaveStage checks that actor a may save content as the draft of its
// stage and checks the content's fields (not yet its completeness).
// Returns invalid, not found, forbidden or conflict.
func CheckSaveStage(a qms.Actor, c *CAPA, content Content) error {
	if content == nil {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Unknown stage", Fields: map[string]string{"stage": "must be D0 to D8"}}
	}
	if err := CheckEditStage(a, c, content.Stage()); err != nil {
		return err
	}
	return CheckContent(&c.Report, content, false)
}

// CheckSubmitStage checks that actor a may submit stage s for review with
// its saved content complete. D8 is not submitted: closing the CAPA
// completes it. Returns invalid, not found, forbidden or conflict.
func CheckSubmitStage(a qms.Actor, c *CAPA, s Stage) error {
	if err := CheckEditStage(a, c, s); err != nil {
		return err
	}
	if s == D8 {
		return qms.Errorf(qms.KindConflict, "D8 is not submitted: a quality manager completes it by closing %s", c.Number())
	}
	r := c.Report // a copy: checking trims
	if err := CheckContent(&r, r.Content(s), true); err != nil {
		var e *qms.Error
		if errors.As(err, &e) {
			e.Message = fmt.Sprintf("%s is not complete yet", s)
		}
		return err
	}
	return nil
}

// CheckReviewStage checks that actor a may accept or return stage s of the
// CAPA (decision StageAccepted or StageReturned) with the comment the
// supplier will see (required to return). Returns the trimmed comment, or
// invalid, not found, forbidden or conflict.
func CheckReviewStage(a qms.Actor, c *CAPA, s Stage, decision StageState, comment string) (string, error) {
	if !s.Valid() || s == D8 {
		return "", &qms.Error{Kind: qms.KindInvalid, Message: "Unknown stage", Fields: map[string]string{"stage": "must be D0 to D7"}}
	}
	if !CanSee(a, c) {
		return "", notFound(c)
	}
	if !CanReview(a) {
		return "", forbidden("review CAPA stages: the buyer's quality manager does")
	}
	if c.Status != StatusOpen {
		return "", qms.Errorf(qms.KindConflict, "%s is %s: stages are reviewed while it is open", c.Number(), c.Status)
	}
	if st := c.Stage(s).State; st != StageSubmitted {
		return "", qms.Errorf(qms.KindConflict, "%s of %s is %s: only a submitted stage is reviewed", s, c.Number(), st)
	}
	p := qms.Problems{}
	switch decision {
	case StageAccepted:
		comment = trimCheck(p, "comment", comment, MaxCommentLen)
	case StageReturned:
		comment = trimCheck(p, "comment", comment, MaxCommentLen)
		if comment == "" {
			p.Add("comment", "is required: say what must change")
		}
	default:
		p.Add("decision", "must be accepted or returned")
	}
	return comment, p.Err()
}

// CheckNote checks an internal note by actor a on the CAPA (optionally on
// one stage): quality staff only. Returns the trimmed text, or invalid,
// not found or forbidden.
func CheckNote(a qms.Actor, c *CAPA, n *Note) error {
	if !CanSee(a, c) {
		return notFound(c)
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("write internal notes")
	}
	p := qms.Problems{}
	if n.Stage != "" && !n.Stage.Valid() {
		p.Add("stage", "must be D0 to D8, or empty for the whole CAPA")
	}
	n.Text = trimCheck(p, "text", n.Text, MaxTextLen)
	if n.Text == "" {
		p.Add("text", "is required")
	}
	return p.Err()
}

// CheckSetDue checks that actor a may move the due date of stage s (a
// quality manager, with a reason, on an active CAPA, for a stage not yet
// accepted). Returns the trimmed reason, or invalid, not found, forbidden
// or conflict.
func CheckSetDue(a qms.Actor, c *CAPA, s Stage, due qms.Date, reason string) (string, error) {
	if !s.Valid() {
		return "", &qms.Error{Kind: qms.KindInvalid, Message: "Unknown stage", Fields: map[string]string{"stage": "must be D0 to D8"}}
	}
	if !CanSee(a, c) {
		return "", notFound(c)
	}
	if !CanReview(a) {
		return "", forbidden("change due dates: a quality manager does")
	}
	if !c.Status.Active() {
		return "", qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", c.Number(), c.Status)
	}
	if c.Stage(s).Done() {
		return "", qms.Errorf(qms.KindConflict, "%s of %s is accepted: it has no due date to move", s, c.Number())
	}
	p := qms.Problems{}
	if due.IsZero() {
		p.Add("due_on", "is required")
	} else if due.Before(c.OpenedOn) {
		p.Add("due_on", "is before the CAPA was opened")
	}
	reason = checkReason(p, "reason", reason, "say why the due date moves")
	return reason, p.Err()
}

// SaveStage puts content into the CAPA's report (after CheckSaveStage). A
// returned stage stays returned until it is submitted again.
func SaveStage(c *CAPA, content Content) { c.Report.Set(content) }

// SubmitStage marks stage s submitted by actor a at now (after
// CheckSubmitStage).
func SubmitStage(c *CAPA, s Stage, a qms.Actor, now time.Time) {
	r := c.Stage(s)
	r.State, r.SubmittedAt, r.SubmittedByID, r.SubmittedBy = StageSubmitted, &now, a.UserID, a.Name
	c.setStage(r)
}

// ReviewStage records the review of stage s by actor a at now (after
// CheckReviewStage). Accepting D6 starts the effectiveness window today
// when the criterion has no start yet: effectiveness counts from the
// implementation.
func ReviewStage(c *CAPA, s Stage, decision StageState, comment string, a qms.Actor, now time.Time) {
	r := c.Stage(s)
	r.State, r.ReviewedAt, r.ReviewedByID, r.ReviewedBy, r.Comment = decision, &now, a.UserID, a.Name, comment
	c.setStage(r)
	if s == D6 && decision == StageAccepted && c.Criterion != nil && c.Criterion.StartOn.IsZero() {
		c.Criterion.StartOn = qms.DateOf(now)
		c.Evaluation = nil
	}
}

// SetDue moves the due date of stage s.
func SetDue(c *CAPA, s Stage, due qms.Date) {
	r := c.Stage(s)
	r.DueOn = due
	c.setStage(r)
}

func trimCheck(p qms.Problems, field, s string, max int) string {
	s = strings.TrimSpace(s)
	checkLong(p, field, s, max)
	return s
}
