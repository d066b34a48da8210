package web

import (
	"fmt"
	"net/http"
	"strconv"

	"qms/internal/documentops"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
)

// processListPage is the process register.
type processListPage struct {
	layout
	Processes []process.Process
	CanCreate bool
}

func (*processListPage) template() string { return "processes" }

func (u *UI) processList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	ps, err := u.docs().Processes(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &processListPage{layout: layout{Title: "Processes"}, Processes: ps, CanCreate: qms.CanApprove(a)})
	return nil
}

// processPage is one process with its documents and risks, and the form
// that creates or changes it.
type processPage struct {
	layout
	View    *documentops.ProcessView
	Form    process.Process
	Version int64
	Staff   []qms.User
	CanEdit bool
	Errors  map[string]string
	Problem string
}

func (*processPage) template() string { return "process" }

func (u *UI) processPageOf(r *http.Request, a qms.Actor, id int64) (*processPage, error) {
	p := &processPage{layout: layout{Title: "New process"}, CanEdit: qms.CanApprove(a)}
	var err error
	if id > 0 {
		if p.View, err = u.docs().Process(r.Context(), id); err != nil {
			return nil, err
		}
		p.Title, p.Form, p.Version = p.View.Process.Name, *p.View.Process, p.View.Process.Version
	}
	if p.CanEdit {
		if p.Staff, err = u.docs().Staff(r.Context()); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func postedProcess(r *http.Request) process.Process {
	p := process.Process{Name: r.Form.Get("name"), Purpose: r.Form.Get("purpose"), Inputs: r.Form.Get("inputs"), Outputs: r.Form.Get("outputs"),
		KPIs: r.Form.Get("kpis")}
	p.OwnerID, _ = strconv.ParseInt(r.Form.Get("owner_id"), 10, 64)
	return p
}

func (u *UI) processNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p, err := u.processPageOf(r, a, 0)
	if err != nil {
		return err
	}
	p.Form.OwnerID = a.UserID
	u.render(w, r, http.StatusOK, p)
	return nil
}

func (u *UI) processShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.processPageOf(r, a, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func (u *UI) processCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	pr := postedProcess(r)
	if err := u.docs().CreateProcess(r.Context(), &pr); err != nil {
		return u.processFailed(w, r, a, 0, pr, err)
	}
	u.redirect(w, r, "/processes/"+strconv.FormatInt(pr.ID, 10), "success", fmt.Sprintf("Process %s added to the register.", pr.Name))
	return nil
}

func (u *UI) processUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := postedProcess(r)
	pr.ID = id
	if err := u.docs().UpdateProcess(r.Context(), &pr, postedVersion(r), r.Form.Get("reason")); err != nil {
		return u.processFailed(w, r, a, id, pr, err)
	}
	u.redirect(w, r, "/processes/"+strconv.FormatInt(id, 10), "success", "Process saved.")
	return nil
}

func (u *UI) processFailed(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, form process.Process, err error) error {
	fields, msg, code, ok := formError(err)
	if !ok {
		return err
	}
	p, perr := u.processPageOf(r, a, id)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors, p.Problem = form, fields, msg
	if id > 0 {
		p.Version = postedVersion(r)
	}
	u.render(w, r, code, p)
	return nil
}

// riskListPage is the register of risks and opportunities.
type riskListPage struct {
	layout
	Risks     []process.Risk
	CanCreate bool
	Today     qms.Date
}

func (*riskListPage) template() string { return "risks" }

func (u *UI) riskList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	rs, err := u.docs().Risks(r.Context(), store.RiskFilter{Open: r.URL.Query().Get("all") == ""})
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &riskListPage{layout: layout{Title: "Risks and opportunities"}, Risks: rs, CanCreate: qms.CanApprove(a),
		Today: qms.DateOf(u.account.Store.Now())})
	return nil
}

// riskPage is one risk with its actions, and the form that creates or
// changes it.
type riskPage struct {
	layout
	Risk      *process.Risk
	Form      process.Risk
	Version   int64
	Staff     []qms.User
	Processes []process.Process
	Suppliers []supplierOption
	CanEdit   bool
	Scale     []int
	Today     qms.Date
	Errors    map[string]string
	Problem   string
}

type supplierOption struct {
	ID   int64
	Name string
}

func (*riskPage) template() string { return "risk" }

// ProcessIs and SupplierIs tell the form what is linked.
func (p *riskPage) ProcessIs(id int64) bool {
	return p.Form.ProcessID != nil && *p.Form.ProcessID == id
}
func (p *riskPage) SupplierIs(id int64) bool {
	return p.Form.SupplierID != nil && *p.Form.SupplierID == id
}

func (u *UI) riskPageOf(r *http.Request, a qms.Actor, id int64) (*riskPage, error) {
	ctx := r.Context()
	p := &riskPage{layout: layout{Title: "New risk or opportunity"}, CanEdit: qms.CanApprove(a), Scale: []int{1, 2, 3, 4, 5},
		Today: qms.DateOf(u.account.Store.Now())}
	var err error
	if id > 0 {
		if p.Risk, err = u.docs().Risk(ctx, id); err != nil {
			return nil, err
		}
		p.Title, p.Form, p.Version = p.Risk.Title, *p.Risk, p.Risk.Version
	}
	if p.CanEdit {
		if p.Staff, err = u.docs().Staff(ctx); err != nil {
			return nil, err
		}
		if p.Processes, err = u.docs().Processes(ctx); err != nil {
			return nil, err
		}
		sups, err := u.docs().Suppliers(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range sups {
			p.Suppliers = append(p.Suppliers, supplierOption{s.ID, s.Name})
		}
	}
	return p, nil
}

func postedRisk(r *http.Request, pr qms.Problems) process.Risk {
	k := process.Risk{Kind: process.Kind(r.Form.Get("kind")), Title: r.Form.Get("title"), Description: r.Form.Get("description"),
		Treatment: r.Form.Get("treatment"), Likelihood: docInt(r, "likelihood"), Severity: docInt(r, "severity"),
		Status: process.RiskStatus(r.Form.Get("status")), ReviewOn: formDate(r, pr, "review_on")}
	k.OwnerID, _ = strconv.ParseInt(r.Form.Get("owner_id"), 10, 64)
	if id, err := strconv.ParseInt(r.Form.Get("process_id"), 10, 64); err == nil && id > 0 {
		k.ProcessID = &id
	}
	if id, err := strconv.ParseInt(r.Form.Get("supplier_id"), 10, 64); err == nil && id > 0 {
		k.SupplierID = &id
	}
	return k
}

func (u *UI) riskNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	p, err := u.riskPageOf(r, a, 0)
	if err != nil {
		return err
	}
	p.Form = process.Risk{Kind: process.KindRisk, OwnerID: a.UserID, Likelihood: 3, Severity: 3, ReviewOn: p.Today.AddDate(0, 6, 0)}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func (u *UI) riskShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.riskPageOf(r, a, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

func (u *UI) riskCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	pr := qms.Problems{}
	k := postedRisk(r, pr)
	err := pr.Err()
	if err == nil {
		err = u.docs().CreateRisk(r.Context(), &k)
	}
	if err != nil {
		return u.riskFailed(w, r, a, 0, k, err)
	}
	u.redirect(w, r, documentops.RiskPath(k.ID), "success", fmt.Sprintf("Added with score %d (%s).", k.Score, k.Level))
	return nil
}

func (u *UI) riskUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := qms.Problems{}
	k := postedRisk(r, pr)
	k.ID = id
	err = pr.Err()
	if err == nil {
		err = u.docs().UpdateRisk(r.Context(), &k, postedVersion(r), r.Form.Get("reason"))
	}
	if err != nil {
		return u.riskFailed(w, r, a, id, k, err)
	}
	u.redirect(w, r, documentops.RiskPath(id), "success", fmt.Sprintf("Saved: score %d (%s).", k.Score, k.Level))
	return nil
}

func (u *UI) riskFailed(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, form process.Risk, err error) error {
	fields, msg, code, ok := formError(err)
	if !ok {
		return err
	}
	p, perr := u.riskPageOf(r, a, id)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors, p.Problem = form, fields, msg
	if id > 0 {
		p.Version = postedVersion(r)
	}
	u.render(w, r, code, p)
	return nil
}

func (u *UI) riskActionAdd(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := qms.Problems{}
	act := process.RiskAction{RiskID: id, Description: r.Form.Get("description"), DueOn: formDate(r, pr, "due_on")}
	act.OwnerID, _ = strconv.ParseInt(r.Form.Get("owner_id"), 10, 64)
	err = pr.Err()
	if err == nil {
		err = u.docs().AddRiskAction(r.Context(), &act)
	}
	if err != nil {
		return u.actionFailed(w, r, documentops.RiskPath(id), err)
	}
	u.redirect(w, r, documentops.RiskPath(id), "success", "Action added.")
	return nil
}

func (u *UI) riskActionDone(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := localPath(r.Form.Get("back"), "/risks")
	if _, err := u.docs().CompleteRiskAction(r.Context(), id, r.Form.Get("note")); err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Action done.")
	return nil
}
