package document

import (
	"fmt"
	"slices"
	"strings"

	"qms/internal/qms"
)

// Action is a step of the revision workflow.
type Action string

const (
	ActionEdit      Action = "edit"      // draft -> draft: change the text, file, change description or reviewers
	ActionSubmit    Action = "submit"    // draft -> in review, with named reviewers
	ActionReview    Action = "review"    // in review -> in review: a named reviewer records their review
	ActionReturn    Action = "return"    // in review -> draft: back to the author for changes
	ActionApprove   Action = "approve"   // in review -> approved: signed by a quality manager who is not the author
	ActionSchedule  Action = "schedule"  // approved -> approved: effective from a future date
	ActionEffective Action = "effective" // approved -> effective: in force from its date; the previous one is superseded
	ActionSupersede Action = "supersede" // effective -> superseded: a newer revision became effective
	ActionObsolete  Action = "obsolete"  // approved or effective -> obsolete: withdrawn with a reason
)

// Transition is one allowed step.
type Transition struct {
	Action Action
	From   []Status
	To     Status
}

// Transitions is the revision workflow. Every step not listed is refused.
var Transitions = []Transition{
	{ActionEdit, []Status{StatusDraft}, StatusDraft},
	{ActionSubmit, []Status{StatusDraft}, StatusInReview},
	{ActionReview, []Status{StatusInReview}, StatusInReview},
	{ActionReturn, []Status{StatusInReview}, StatusDraft},
	{ActionApprove, []Status{StatusInReview}, StatusApproved},
	{ActionSchedule, []Status{StatusApproved}, StatusApproved},
	{ActionEffective, []Status{StatusApproved}, StatusEffective},
	{ActionSupersede, []Status{StatusEffective}, StatusSuperseded},
	{ActionObsolete, []Status{StatusApproved, StatusEffective}, StatusObsolete},
}

// Actions lists every action.
var Actions = []Action{ActionEdit, ActionSubmit, ActionReview, ActionReturn, ActionApprove, ActionSchedule, ActionEffective,
	ActionSupersede, ActionObsolete}

// Next returns the status action a leads to from status s, or a conflict
// error saying why the step is not possible.
func Next(a Action, s Status) (Status, error) {
	i := slices.IndexFunc(Transitions, func(t Transition) bool { return t.Action == a })
	if i < 0 {
		return "", qms.Errorf(qms.KindInvalid, "%q is not a step of the document workflow", a)
	}
	t := Transitions[i]
	if !slices.Contains(t.From, s) {
		var from []string
		for _, f := range t.From {
			from = append(from, strings.ToLower(f.Label()))
		}
		return "", qms.Errorf(qms.KindConflict, "this revision is %s: only a revision that is %s can be %s",
			strings.ToLower(s.Label()), strings.Join(from, " or "), pastTense(a))
	}
	return t.To, nil
}

func pastTense(a Action) string {
	switch a {
	case ActionEdit:
		return "changed"
	case ActionSubmit:
		return "submitted for review"
	case ActionReview:
		return "reviewed"
	case ActionReturn:
		return "returned to its author"
	case ActionApprove:
		return "approved"
	case ActionSchedule:
		return "scheduled"
	case ActionEffective:
		return "made effective"
	case ActionSupersede:
		return "superseded"
	case ActionObsolete:
		return "made obsolete"
	}
	return string(a)
}

// CanEdit reports whether actor a may write documents and draft revisions.
func CanEdit(a qms.Actor) bool { return qms.CanEditQualityRecords(a) }

// CanApprove reports whether actor a may approve, schedule and withdraw
// revisions: a quality manager (or an administrator).
func CanApprove(a qms.Actor) bool { return qms.CanApprove(a) }

// CheckEdit checks that a may change draft r (its content or reviewers).
// Returns forbidden or conflict.
func CheckEdit(a qms.Actor, r *Revision) error {
	if !CanEdit(a) {
		return qms.Errorf(qms.KindForbidden, "your role may not change documents")
	}
	_, err := Next(ActionEdit, r.Status)
	return err
}

// CheckReviewers checks the named reviewers of a revision by its author:
// at least one, at most MaxReviewers, each once, and never the author.
func CheckReviewers(authorID int64, reviewers []int64) error {
	p := qms.Problems{}
	switch {
	case len(reviewers) == 0:
		p.Add("reviewers", "name at least one reviewer")
	case len(reviewers) > MaxReviewers:
		p.Add("reviewers", fmt.Sprintf("name at most %d reviewers", MaxReviewers))
	}
	seen := map[int64]bool{}
	for _, id := range reviewers {
		switch {
		case id <= 0:
			p.Add("reviewers", "must be users")
		case id == authorID:
			p.Add("reviewers", "the author cannot review their own revision: name someone else")
		case seen[id]:
			p.Add("reviewers", "name each reviewer once")
		}
		seen[id] = true
	}
	return p.Err()
}

// CheckSubmit checks that a may submit draft r for review: the revision
// has content, a change description and named reviewers. Returns
// forbidden, conflict or invalid.
func CheckSubmit(a qms.Actor, r *Revision) error {
	if !CanEdit(a) {
		return qms.Errorf(qms.KindForbidden, "your role may not submit documents for review")
	}
	if _, err := Next(ActionSubmit, r.Status); err != nil {
		return err
	}
	p := qms.Problems{}
	if !r.HasContent() {
		p.Add("body", "write the text or attach the file before submitting for review")
	}
	if strings.TrimSpace(r.ChangeDescription) == "" {
		p.Add("change_description", "is required: say what this revision changes")
	}
	ids := make([]int64, len(r.Reviewers))
	for i, rv := range r.Reviewers {
		ids[i] = rv.UserID
	}
	if err := CheckReviewers(r.AuthorID, ids); err != nil {
		for k, v := range qms.ErrorFields(err) {
			p.Add(k, v)
		}
	}
	return p.Err()
}

// CheckReview checks that a may record review decision d on r: a named
// reviewer of a revision in review; a request for changes says what.
// Returns forbidden, conflict or invalid.
func CheckReview(a qms.Actor, r *Revision, d ReviewDecision, comment string) error {
	if _, err := Next(ActionReview, r.Status); err != nil {
		return err
	}
	if !slices.ContainsFunc(r.Reviewers, func(rv Reviewer) bool { return rv.UserID == a.UserID }) || a.UserID <= 0 {
		return qms.Errorf(qms.KindForbidden, "only the reviewers named on this revision can record a review")
	}
	p := qms.Problems{}
	switch d {
	case ReviewApproved:
	case ReviewChanges:
		if strings.TrimSpace(comment) == "" {
			p.Add("comment", "say which changes are needed")
		}
	default:
		p.Add("decision", "must be approved or changes_requested")
	}
	checkMultiline(p, "comment", comment, MaxCommentLen)
	return p.Err()
}

// CheckReturn checks that a may send r in review back to draft: its
// author or a quality manager. Returns forbidden or conflict.
func CheckReturn(a qms.Actor, r *Revision) error {
	if !(CanEdit(a) && a.UserID == r.AuthorID) && !CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only the author or a quality manager can return a revision to draft")
	}
	_, err := Next(ActionReturn, r.Status)
	return err
}

// CheckApprove checks that a may approve r: a quality manager who is not
// the author (the author alone cannot approve their own revision), once
// every named reviewer has reviewed it and none asks for changes. Returns
// forbidden, conflict or invalid.
func CheckApprove(a qms.Actor, r *Revision) error {
	if !CanApprove(a) || a.UserID <= 0 {
		return qms.Errorf(qms.KindForbidden, "only a quality manager can approve a document revision")
	}
	if _, err := Next(ActionApprove, r.Status); err != nil {
		return err
	}
	if a.UserID == r.AuthorID {
		return qms.Errorf(qms.KindForbidden, "the author of a revision cannot approve it alone: another quality manager must approve it")
	}
	if len(r.Reviewers) == 0 {
		return qms.Errorf(qms.KindConflict, "this revision has no reviewers: return it to draft and name them")
	}
	var pending, changes []string
	for _, rv := range r.Reviewers {
		switch rv.Decision {
		case ReviewApproved:
		case ReviewChanges:
			changes = append(changes, rv.Name)
		default:
			pending = append(pending, rv.Name)
		}
	}
	if len(changes) > 0 {
		return qms.Errorf(qms.KindConflict, "%s asked for changes: return the revision to its author first", strings.Join(changes, ", "))
	}
	if len(pending) > 0 {
		return qms.Errorf(qms.KindConflict, "%s has not reviewed this revision yet", strings.Join(pending, ", "))
	}
	return nil
}

// CheckEffective checks that a may make approved revision r effective
// from date on: a quality manager (or qms itself when the date comes),
// and never before the day it was approved. It returns the action it
// amounts to on day today: ActionEffective when on has come, else
// ActionSchedule. Returns forbidden, conflict or invalid.
func CheckEffective(a qms.Actor, r *Revision, on, today qms.Date) (Action, error) {
	if !CanApprove(a) {
		return "", qms.Errorf(qms.KindForbidden, "only a quality manager can make a document revision effective")
	}
	if _, err := Next(ActionEffective, r.Status); err != nil {
		return "", err
	}
	if on.IsZero() {
		return "", &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
			Fields: map[string]string{"effective_on": "is required: the date from which the revision is in force"}}
	}
	if r.ApprovedAt != nil {
		approved := qms.DateOf(r.ApprovedAt.UTC())
		if on.Before(approved) {
			return "", &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
				Fields: map[string]string{"effective_on": fmt.Sprintf("cannot be before the approval on %s: choose %s or later", approved, approved)}}
		}
	}
	if on.After(today) {
		return ActionSchedule, nil
	}
	return ActionEffective, nil
}

// CheckObsolete checks that a may withdraw r with reason. Returns
// forbidden, conflict or invalid.
func CheckObsolete(a qms.Actor, r *Revision, reason string) error {
	if !CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager can make a document obsolete")
	}
	if _, err := Next(ActionObsolete, r.Status); err != nil {
		return err
	}
	p := qms.Problems{}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		p.Add("reason", "is required: say why the document is withdrawn")
	}
	checkMultiline(p, "reason", reason, MaxObsoleteReason)
	return p.Err()
}

// NextReview is the date of the next periodic review of a document whose
// revision became effective (or was reviewed) on from.
func NextReview(from qms.Date, months int) qms.Date {
	if months <= 0 {
		months = DefaultReview
	}
	return from.AddDate(0, months, 0)
}
