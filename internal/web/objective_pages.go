package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/objective"
	"qms/internal/qms"
)

// objectiveForm is the objective form as typed.
type objectiveForm struct {
	Title, Metric, Comparison, Target, Owner, From, To, Notes, Reason string
	Version                                                           int64
}

func objectiveFormOf(o *objective.Objective) objectiveForm {
	return objectiveForm{Title: o.Title, Metric: string(o.Metric), Comparison: string(o.Comparison),
		Target: strconv.FormatFloat(o.Target, 'f', -1, 64), Owner: o.Owner, From: string(o.From), To: string(o.To), Notes: o.Notes, Version: o.Version}
}

func postedObjectiveForm(r *http.Request) objectiveForm {
	f := r.PostForm
	return objectiveForm{Title: f.Get("title"), Metric: f.Get("metric"), Comparison: f.Get("comparison"), Target: strings.TrimSpace(f.Get("target")),
		Owner: f.Get("owner"), From: strings.TrimSpace(f.Get("period_from")), To: strings.TrimSpace(f.Get("period_to")), Notes: f.Get("notes"),
		Reason: f.Get("reason"), Version: postedVersion(r)}
}

// objective turns the form into an objective, with the problems of the
// fields that are not numbers.
func (f objectiveForm) objective(p qms.Problems, ownerID int64) *objective.Objective {
	o := &objective.Objective{Title: f.Title, Metric: objective.Metric(f.Metric), Comparison: objective.Comparison(f.Comparison),
		Owner: f.Owner, OwnerID: ownerID, From: objective.Month(f.From), To: objective.Month(f.To), Notes: f.Notes}
	if t := formFloat(p, f.Target, "target"); t != nil {
		o.Target = *t
	} else if f.Target == "" {
		p.Add("target", "is required: the value to reach, e.g. 97")
	}
	return o
}

// objectiveRow is an objective evaluated, as the pages show it.
type objectiveRow struct {
	objective.Result
	Chart template.HTML
}

func objectiveRows(rs []objective.Result, w, h int) []objectiveRow {
	out := make([]objectiveRow, len(rs))
	for i, r := range rs {
		out[i] = objectiveRow{Result: r, Chart: template.HTML(r.Chart().SVG(w, h))} // package chart escapes its text
	}
	return out
}

type objectivesPage struct {
	layout
	Rows    []objectiveRow
	Metrics []objective.Metric
	Form    objectiveForm
	Errors  map[string]string
	Problem string
	CanEdit bool
}

func (*objectivesPage) template() string { return "objectives" }

func (u *UI) objectivesPage(w http.ResponseWriter, r *http.Request, a qms.Actor, code int, form objectiveForm, errs map[string]string, problem string) error {
	rs, err := u.qmsOps().Objectives(r.Context(), false)
	if err != nil {
		return err
	}
	u.render(w, r, code, &objectivesPage{layout: layout{Title: "Quality objectives"}, Rows: objectiveRows(rs, 360, 150), Metrics: objective.Metrics,
		Form: form, Errors: errs, Problem: problem, CanEdit: qms.CanManageQMS(a)})
	return nil
}

func (u *UI) objectiveList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	m := objective.MonthOf(qms.DateOf(time.Now().UTC()))
	year := string(m)[:4]
	return u.objectivesPage(w, r, a, http.StatusOK, objectiveForm{Metric: string(objective.LotAcceptance), Comparison: string(objective.AtLeast),
		Owner: a.Name, From: year + "-01", To: year + "-12"}, nil, "")
}

func (u *UI) objectiveCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := postedObjectiveForm(r)
	p := qms.Problems{}
	o := f.objective(p, 0)
	err := p.Err()
	if err == nil {
		err = u.qmsOps().CreateObjective(r.Context(), o)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.objectivesPage(w, r, a, code, f, fields, msg)
	}
	u.redirect(w, r, "/objectives/"+strconv.FormatInt(o.ID, 10), "success", "Objective set: "+o.Title)
	return nil
}

type objectivePage struct {
	layout
	Row     objectiveRow
	Metrics []objective.Metric
	Form    objectiveForm
	Errors  map[string]string
	Problem string
	CanEdit bool
}

func (*objectivePage) template() string { return "objective" }

func (u *UI) showObjective(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, code int, edit func(p *objectivePage)) error {
	res, err := u.qmsOps().Objective(r.Context(), id)
	if err != nil {
		return err
	}
	p := &objectivePage{layout: layout{Title: res.Objective.Title}, Row: objectiveRows([]objective.Result{*res}, 760, 280)[0], Metrics: objective.Metrics,
		Form: objectiveFormOf(&res.Objective), CanEdit: qms.CanManageQMS(a) && res.Objective.VoidedAt == nil}
	if edit != nil {
		edit(p)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) objectiveShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return u.showObjective(w, r, a, id, http.StatusOK, nil)
}

func (u *UI) objectiveUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := postedObjectiveForm(r)
	p := qms.Problems{}
	o := f.objective(p, 0)
	o.ID = id
	if err = p.Err(); err == nil {
		err = u.qmsOps().UpdateObjective(r.Context(), o, f.Version, f.Reason)
	}
	if err != nil {
		fields, msg, code, ok := formError(mergeProblems(p, err))
		if !ok {
			return err
		}
		return u.showObjective(w, r, a, id, code, func(pg *objectivePage) { pg.Form, pg.Errors, pg.Problem = f, fields, msg })
	}
	u.redirect(w, r, "/objectives/"+strconv.FormatInt(id, 10), "success", "Objective saved.")
	return nil
}

func (u *UI) objectiveVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.qmsOps().VoidObjective(r.Context(), id, postedVersion(r), r.PostForm.Get("reason")); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showObjective(w, r, a, id, code, func(pg *objectivePage) { pg.Errors, pg.Problem = fields, msg })
	}
	u.redirect(w, r, "/objectives", "success", "Objective voided.")
	return nil
}
