package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/blob"
	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/qmsops"
)

// reviewForm is a management review's record as typed: attendees one per
// line as "name, role", decisions one per line.
type reviewForm struct {
	Title, HeldOn, From, To, Attendees, Feedback, Resources, Improvements, Decisions string
	Version                                                                          int64
}

func reviewFormOf(r *mgmtreview.Review) reviewForm {
	var att []string
	for _, a := range r.Attendees {
		att = append(att, strings.TrimSuffix(a.Name+", "+a.Role, ", "))
	}
	return reviewForm{Title: r.Title, HeldOn: r.HeldOn.String(), From: r.From.String(), To: r.To.String(), Attendees: strings.Join(att, "\n"),
		Feedback: r.Feedback, Resources: r.Resources, Improvements: r.Improvements, Decisions: strings.Join(r.Decisions, "\n"), Version: r.Version}
}

func postedReviewForm(r *http.Request) reviewForm {
	f := r.PostForm
	return reviewForm{Title: f.Get("title"), HeldOn: f.Get("held_on"), From: f.Get("period_from"), To: f.Get("period_to"), Attendees: f.Get("attendees"),
		Feedback: f.Get("feedback"), Resources: f.Get("resources"), Improvements: f.Get("improvements"), Decisions: f.Get("decisions"),
		Version: postedVersion(r)}
}

func (f reviewForm) review(r *http.Request, p qms.Problems) *mgmtreview.Review {
	rv := &mgmtreview.Review{Title: f.Title, HeldOn: reviewFormDate(r, p, "held_on"), From: reviewFormDate(r, p, "period_from"),
		To: reviewFormDate(r, p, "period_to"), Feedback: f.Feedback, Resources: f.Resources, Improvements: f.Improvements,
		Attendees: []mgmtreview.Attendee{}, Decisions: []string{}}
	for _, line := range strings.Split(f.Attendees, "\n") {
		name, role, _ := strings.Cut(line, ",")
		if strings.TrimSpace(line) != "" {
			rv.Attendees = append(rv.Attendees, mgmtreview.Attendee{Name: name, Role: role})
		}
	}
	for _, line := range strings.Split(f.Decisions, "\n") {
		if strings.TrimSpace(line) != "" {
			rv.Decisions = append(rv.Decisions, line)
		}
	}
	return rv
}

type reviewsPage struct {
	layout
	Reviews []mgmtreview.Review
	Form    reviewForm
	Errors  map[string]string
	Problem string
	CanEdit bool
}

func (*reviewsPage) template() string { return "reviews" }

func (u *UI) reviewsPage(w http.ResponseWriter, r *http.Request, a qms.Actor, code int, f reviewForm, errs map[string]string, problem string) error {
	list, err := u.qmsOps().Reviews(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, code, &reviewsPage{layout: layout{Title: "Management reviews"}, Reviews: list, Form: f, Errors: errs, Problem: problem,
		CanEdit: qms.CanManageQMS(a)})
	return nil
}

func (u *UI) reviewList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	today := qms.DateOf(time.Now().UTC())
	return u.reviewsPage(w, r, a, http.StatusOK, reviewForm{Title: "Management review " + strconv.Itoa(today.Year()), HeldOn: today.String(),
		From: today.AddDate(-1, 0, 1).String(), To: today.String()}, nil, "")
}

func (u *UI) reviewCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := postedReviewForm(r)
	p := qms.Problems{}
	rv := f.review(r, p)
	err := p.Err()
	if err == nil {
		err = u.qmsOps().CreateReview(r.Context(), rv)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.reviewsPage(w, r, a, code, f, fields, msg)
	}
	u.redirect(w, r, reviewPath(rv.ID), "success", "Management review "+rv.Number()+" prepared: its input pack is generated from the live data below.")
	return nil
}

func reviewPath(id int64) string { return "/reviews/" + strconv.FormatInt(id, 10) }

// actionForm is a new action as typed.
type actionForm struct{ Description, Owner, DueOn string }

type reviewPage struct {
	layout
	*qmsops.ReviewDetail
	Form    reviewForm
	Action  actionForm
	Errors  map[string]string
	Problem string
	CanEdit bool
	Draft   bool
	PDF     string
	Overdue map[int64]bool
}

func (*reviewPage) template() string { return "review" }

func (u *UI) showReview(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, code int, edit func(p *reviewPage)) error {
	d, err := u.qmsOps().Review(r.Context(), id)
	if err != nil {
		return err
	}
	p := &reviewPage{layout: layout{Title: d.Review.Number() + " " + d.Review.Title}, ReviewDetail: d, Form: reviewFormOf(d.Review),
		Action: actionForm{Owner: a.Name, DueOn: d.Today.AddDate(0, 3, 0).String()}, CanEdit: qms.CanManageQMS(a) && d.Review.VoidedAt == nil,
		Draft: d.Review.Status == mgmtreview.Draft, PDF: reviewPath(id) + "/review.pdf", Overdue: map[int64]bool{}}
	for _, act := range d.Actions {
		p.Overdue[act.ID] = act.Overdue(d.Today)
	}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) reviewShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return u.showReview(w, r, a, id, http.StatusOK, nil)
}

func (u *UI) reviewUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := postedReviewForm(r)
	p := qms.Problems{}
	rv := f.review(r, p)
	rv.ID = id
	if err = p.Err(); err == nil {
		err = u.qmsOps().UpdateReview(r.Context(), rv, f.Version)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.showReview(w, r, a, id, code, func(pg *reviewPage) { pg.Form, pg.Errors, pg.Problem = f, fields, msg })
	}
	u.redirect(w, r, reviewPath(id), "success", "Review record saved.")
	return nil
}

func (u *UI) reviewClose(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.qmsOps().CloseReview(r.Context(), id, postedVersion(r)); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showReview(w, r, a, id, code, func(pg *reviewPage) { pg.Errors, pg.Problem = fields, msg })
	}
	u.redirect(w, r, reviewPath(id), "success", "Review closed: its input pack is frozen as generated now.")
	return nil
}

func (u *UI) reviewActionAdd(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := actionForm{Description: r.PostForm.Get("description"), Owner: r.PostForm.Get("owner"), DueOn: r.PostForm.Get("due_on")}
	p := qms.Problems{}
	act := &mgmtreview.Action{ReviewID: id, Description: f.Description, Owner: f.Owner, DueOn: reviewFormDate(r, p, "due_on")}
	if err = p.Err(); err == nil {
		err = u.qmsOps().AddAction(r.Context(), act)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.showReview(w, r, a, id, code, func(pg *reviewPage) { pg.Action, pg.Errors, pg.Problem = f, fields, msg })
	}
	u.redirect(w, r, reviewPath(id)+"#actions", "success", "Action added.")
	return nil
}

func (u *UI) reviewActionFinish(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	reviewID := formInt64(qms.Problems{}, r.PostForm.Get("review_id"), "review_id")
	act, err := u.qmsOps().FinishAction(r.Context(), id, postedVersion(r), mgmtreview.ActionStatus(r.PostForm.Get("status")), r.PostForm.Get("result"))
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok || reviewID == 0 {
			return err
		}
		return u.showReview(w, r, a, reviewID, code, func(pg *reviewPage) { pg.Errors, pg.Problem = fields, msg })
	}
	u.redirect(w, r, reviewPath(act.ReviewID)+"#actions", "success", "Action "+string(act.Status)+".")
	return nil
}

func (u *UI) reviewPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fonts, err := u.reportFonts()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := u.qmsOps().ReviewPDF(r.Context(), &buf, id, fonts, time.Now().UTC()); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition("inline", mgmtreview.Number(id)+".pdf"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}
