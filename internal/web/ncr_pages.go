package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

const ncrsPerPage = 50

// ---- List ----

type ncrListPage struct {
	layout
	Status, Supplier string
	Active           bool
	Statuses         []ncr.Status
	Suppliers        []supplier.Supplier
	Names            map[int64]string
	NCRs             []ncr.NCR
	NextURL          string
	CanRaise         bool
	Errors           map[string]string
}

func (*ncrListPage) template() string { return "ncr_list" }

// ncrList lists NCRs, newest first, filtered by status (or only active
// ones) and supplier.
func (u *UI) ncrList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	v := r.URL.Query()
	p := &ncrListPage{layout: layout{Title: "Nonconformance reports"}, Status: v.Get("status"), Supplier: v.Get("supplier"),
		Active: v.Get("active") == "1", Statuses: ncr.Statuses, CanRaise: qms.CanEditQualityRecords(a)}
	prob := qms.Problems{}
	f := store.NCRFilter{Status: ncr.Status(p.Status), Active: p.Active, Limit: ncrsPerPage}
	if p.Status != "" && !f.Status.Valid() {
		prob.Add("status", "is not an NCR status")
	}
	f.SupplierID = formInt64(prob, p.Supplier, "supplier")
	if b := v.Get("before"); b != "" {
		f.Before, _ = strconv.ParseInt(b, 10, 64)
	}
	var err error
	if p.Names, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	status := http.StatusOK
	if err := prob.Err(); err != nil {
		p.Errors, status = qms.ErrorFields(err), http.StatusBadRequest
	} else {
		var next int64
		if p.NCRs, next, err = u.ncrs().List(r.Context(), f); err != nil {
			return err
		}
		if next > 0 {
			q := url.Values{"before": {strconv.FormatInt(next, 10)}}
			for k, s := range map[string]string{"status": p.Status, "supplier": p.Supplier} {
				if s != "" {
					q.Set(k, s)
				}
			}
			if p.Active {
				q.Set("active", "1")
			}
			p.NextURL = "/ncrs?" + q.Encode()
		}
	}
	u.render(w, r, status, p)
	return nil
}

// ---- New ----

// ncrForm is the new-NCR form as typed.
type ncrForm struct {
	Source, Title, Severity, Supplier, Product, PO, Lot, Complaint, Audit string
	Requirement, Found, DetectedOn, Inspected, Affected, Cause, Defects   string
}

type ncrNewPage struct {
	layout
	Form       ncrForm
	Sources    []ncr.Source
	Categories []ncr.Category
	Suppliers  []supplier.Supplier
	Products   []inspection.Product
	Errors     map[string]string
	Problem    string
}

func (*ncrNewPage) template() string { return "ncr_new" }

func (u *UI) showNCRForm(w http.ResponseWriter, r *http.Request, status int, p *ncrNewPage) error {
	var err error
	if _, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	prods, err := u.insp().ListProducts(r.Context(), store.ProductFilter{Limit: store.MaxPageSize})
	if err != nil {
		return err
	}
	p.Products, p.Sources, p.Categories = prods.Items, ncr.Sources, ncr.Categories
	u.render(w, r, status, p)
	return nil
}

func (u *UI) ncrNew(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	today := qms.DateOf(u.account.Store.Now())
	return u.showNCRForm(w, r, http.StatusOK, &ncrNewPage{layout: layout{Title: "Raise an NCR"},
		Form: ncrForm{Source: string(ncr.SourceIncoming), Severity: string(inspection.Major), DetectedOn: today.String(), Supplier: r.URL.Query().Get("supplier")}})
}

// parseDefects reads defect lines "code | description | class | units".
func parseDefects(p qms.Problems, s string) []ncr.Defect {
	out := []ncr.Defect{}
	for i, l := range formLines(s) {
		c := lineCells(l, 4)
		d := ncr.Defect{Code: c[0], Description: c[1], Class: inspection.DefectClass(strings.ToLower(c[2]))}
		if c[3] != "" {
			n, err := strconv.Atoi(c[3])
			if err != nil {
				p.Add("defects", "line "+strconv.Itoa(i+1)+": the units must be a whole number")
			}
			d.Quantity = n
		}
		out = append(out, d)
	}
	return out
}

func (u *UI) ncrCreate(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	pf := r.PostForm
	f := ncrForm{Source: pf.Get("source"), Title: pf.Get("title"), Severity: pf.Get("severity"), Supplier: pf.Get("supplier"), Product: pf.Get("product"),
		PO: pf.Get("po"), Lot: pf.Get("lot"), Complaint: pf.Get("complaint"), Audit: pf.Get("audit"), Requirement: pf.Get("requirement"),
		Found: pf.Get("found"), DetectedOn: pf.Get("detected_on"), Inspected: pf.Get("inspected"), Affected: pf.Get("affected"),
		Cause: pf.Get("cause"), Defects: pf.Get("defects")}
	p := qms.Problems{}
	n := &ncr.NCR{Source: ncr.Source(f.Source), Title: f.Title, Severity: inspection.DefectClass(f.Severity), PONumber: f.PO, LotRef: f.Lot,
		ComplaintRef: f.Complaint, AuditRef: f.Audit, Requirement: f.Requirement, Found: f.Found, CauseCategory: ncr.Category(f.Cause)}
	n.SupplierID = formInt64(p, f.Supplier, "supplier_id")
	n.ProductID = formInt64(p, f.Product, "product_id")
	n.QuantityInspected = int(formInt64(p, f.Inspected, "quantity_inspected"))
	n.QuantityAffected = int(formInt64(p, f.Affected, "quantity_affected"))
	if d, err := qms.ParseDate(strings.TrimSpace(f.DetectedOn)); err == nil {
		n.DetectedOn = d
	} else {
		p.Add("detected_on", "must be a date such as 2026-03-31")
	}
	n.Defects = parseDefects(p, f.Defects)
	err := p.Err()
	if err == nil {
		err = u.ncrs().Create(r.Context(), n)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showNCRForm(w, r, code, &ncrNewPage{layout: layout{Title: "Raise an NCR"}, Form: f, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, ncrPath(n.ID), "success", n.Number()+" raised.")
	return nil
}

// ncrRaise raises the NCR of a failed inspection in one click and opens it.
func (u *UI) ncrRaise(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n, err := u.ncrs().RaiseFromInspection(r.Context(), id)
	if err != nil {
		return u.actionFailed(w, r, inspectionPath(id), err)
	}
	u.redirect(w, r, ncrPath(n.ID), "success", n.Number()+" raised from inspection "+strconv.FormatInt(id, 10)+": its data and defects are copied.")
	return nil
}

// ---- The NCR page ----

type ncrPage struct {
	layout
	D           *ncrops.Detail
	Supplier    string
	Product     string
	Disposed    int  // units dispositioned
	NeedsMRB    bool // the disposition needs the MRB's approval
	Approved    bool // it has both approvals
	Kinds       []ncr.DispositionKind
	ActionKinds []ncr.ActionKind
	Moves       []moveButton
	CanEdit     bool
	CanApprove  bool
	CanMRB      bool // may add an MRB approval now (quality staff who have not approved yet)
	CanReport   bool // may change the report itself now (open or contained)
	Categories  []ncr.Category
	Today       qms.Date
	Money       map[string]string
	CostFields  []costField
}

// costField is one amount of the cost form.
type costField struct{ Name, Label string }

// costFields are the amounts of the cost form, in order.
var costFields = []costField{{"scrap", "Scrap"}, {"rework", "Rework"}, {"sorting", "Sorting"}, {"freight", "Freight"}, {"other", "Other"},
	{"charged_back", "Charged back to the supplier"}}

// moveButton is a lifecycle move offered on a page.
type moveButton struct {
	Move, Label, Reason string
}

func (*ncrPage) template() string { return "ncr" }

func (u *UI) ncrShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.ncrs().Get(r.Context(), id)
	if err != nil {
		return err
	}
	n := &d.NCR
	p := &ncrPage{layout: layout{Title: n.Number() + " " + n.Title}, D: d, Supplier: u.supplierName(r, n.SupplierID), Product: u.productName(r, n.ProductID),
		CostFields: costFields, NeedsMRB: ncr.NeedsMRB(n.Disposition), Approved: len(n.MRB) >= ncr.MaxMRBApprover, Kinds: ncr.DispositionKinds, ActionKinds: ncr.ActionKinds,
		CanEdit: qms.CanEditQualityRecords(a) && n.Status.Active(), CanApprove: qms.CanApprove(a), Today: qms.DateOf(u.account.Store.Now())}
	for _, l := range n.Disposition {
		p.Disposed += l.Quantity
	}
	p.CanReport, p.Categories = ncr.CheckEdit(a, n) == nil, ncr.Categories
	p.CanMRB = ncr.CanMRBApprove(a) && !p.Approved && (n.Status == ncr.StatusOpen || n.Status == ncr.StatusContained)
	for _, ap := range n.MRB {
		if ap.UserID == a.UserID {
			p.CanMRB = false
		}
	}
	for _, m := range d.Moves {
		t, _ := ncr.TransitionOf(m)
		p.Moves = append(p.Moves, moveButton{Move: string(m), Label: t.Label, Reason: t.Reason})
	}
	c := n.Cost
	p.Money = map[string]string{"scrap": ncrMoney(c.Scrap, c.Currency), "rework": ncrMoney(c.Rework, c.Currency), "sorting": ncrMoney(c.Sorting, c.Currency),
		"freight": ncrMoney(c.Freight, c.Currency), "other": ncrMoney(c.Other, c.Currency), "charged_back": ncrMoney(c.ChargedBack, c.Currency),
		"total": ncr.FormatMoney(c.Total(), c.Currency)}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// ncrMoney writes minor units as a decimal amount for a form field ("" for
// zero).
func ncrMoney(v int64, cur string) string {
	if v == 0 {
		return ""
	}
	return strings.ReplaceAll(strings.TrimSuffix(ncr.FormatMoney(v, cur), " "+cur), ",", "")
}

// parseNCRMoney reads a decimal amount ("1234.5") into minor units of cur.
func parseNCRMoney(p qms.Problems, field, s, cur string) int64 {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0
	}
	digits := ncr.CurrencyDigits(cur)
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > digits {
		p.Add(field, "has more decimals than "+cur+" has")
		return 0
	}
	frac += strings.Repeat("0", digits-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || v < 0 {
		p.Add(field, "must be an amount such as 1250.00")
		return 0
	}
	return v
}

// ncrUpdate changes the report itself while the NCR is open or contained:
// title, severity, requirement and finding, PO and lot, quantities and the
// cause category (known once the root cause is found, for the Pareto by
// cause). Links and defects stay as raised.
func (u *UI) ncrUpdate(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := u.ncrs().Get(r.Context(), id)
	if err != nil {
		return err
	}
	n, pf, p := d.NCR, r.PostForm, qms.Problems{}
	n.Title, n.Severity, n.Requirement, n.Found = pf.Get("title"), inspection.DefectClass(pf.Get("severity")), pf.Get("requirement"), pf.Get("found")
	n.PONumber, n.LotRef, n.CauseCategory = pf.Get("po"), pf.Get("lot"), ncr.Category(pf.Get("cause"))
	n.QuantityInspected = int(formInt64(p, pf.Get("inspected"), "quantity_inspected"))
	n.QuantityAffected = int(formInt64(p, pf.Get("affected"), "quantity_affected"))
	err = p.Err()
	if err == nil {
		err = u.ncrs().Update(r.Context(), &n, postedVersion(r), pf.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id)+"#edit", err)
	}
	u.redirect(w, r, ncrPath(id), "success", n.Number()+" updated.")
	return nil
}

func (u *UI) ncrActionAdd(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pf := r.PostForm
	act := &ncr.Action{NCRID: id, Kind: ncr.ActionKind(pf.Get("kind")), Description: pf.Get("description"), OwnerName: pf.Get("owner")}
	p := qms.Problems{}
	if d, err := qms.ParseDate(strings.TrimSpace(pf.Get("due_on"))); err == nil {
		act.DueOn = d
	} else {
		p.Add("due_on", "must be a date such as 2026-03-31")
	}
	err = p.Err()
	if err == nil {
		err = u.ncrs().AddAction(r.Context(), act)
	}
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id), err)
	}
	u.redirect(w, r, ncrPath(id)+"#containment", "success", "Containment action added.")
	return nil
}

func (u *UI) ncrActionFinish(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	actionID, err := strconv.ParseInt(r.PathValue("action"), 10, 64)
	if err != nil || actionID <= 0 {
		return qms.Errorf(qms.KindNotFound, "There is no such action.")
	}
	to := ncr.ActionStatus(r.PostForm.Get("to"))
	if _, err := u.ncrs().FinishAction(r.Context(), id, actionID, postedVersion(r), to, r.PostForm.Get("result")); err != nil {
		return u.actionFailed(w, r, ncrPath(id), err)
	}
	u.redirect(w, r, ncrPath(id)+"#containment", "success", "Action "+string(to)+".")
	return nil
}

// ncrDisposition saves the disposition split: one quantity (and rationale)
// per disposition kind; the quantities must add up to the affected
// quantity.
func (u *UI) ncrDisposition(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	var ls []ncr.DispositionLine
	for _, k := range ncr.DispositionKinds {
		q := strings.TrimSpace(r.PostForm.Get("qty_" + string(k)))
		if q == "" || q == "0" {
			continue
		}
		n, err := strconv.Atoi(q)
		if err != nil {
			p.Add("qty_"+string(k), "must be a whole number of units")
			continue
		}
		ls = append(ls, ncr.DispositionLine{Kind: k, Quantity: n, Rationale: r.PostForm.Get("why_" + string(k))})
	}
	err = p.Err()
	if err == nil {
		_, err = u.ncrs().SetDisposition(r.Context(), id, postedVersion(r), ls, r.PostForm.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id)+"#disposition", err)
	}
	u.redirect(w, r, ncrPath(id)+"#disposition", "success", "Disposition saved.")
	return nil
}

// ncrApprove records an MRB approval, signed with the password entered
// again.
func (u *UI) ncrApprove(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	_, sig, err := u.ncrs().Approve(r.Context(), id, postedVersion(r), r.PostForm.Get("password"), r.PostForm.Get("comment"))
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id)+"#disposition", err)
	}
	u.redirect(w, r, ncrPath(id)+"#disposition", "success", "Signed: "+sig.Manifestation())
	return nil
}

func (u *UI) ncrCost(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pf := r.PostForm
	cur := strings.ToUpper(strings.TrimSpace(pf.Get("currency")))
	p := qms.Problems{}
	c := ncr.Cost{Currency: cur, Scrap: parseNCRMoney(p, "cost.scrap", pf.Get("scrap"), cur), Rework: parseNCRMoney(p, "cost.rework", pf.Get("rework"), cur),
		Sorting: parseNCRMoney(p, "cost.sorting", pf.Get("sorting"), cur), Freight: parseNCRMoney(p, "cost.freight", pf.Get("freight"), cur),
		Other: parseNCRMoney(p, "cost.other", pf.Get("other"), cur), ChargedBack: parseNCRMoney(p, "cost.charged_back", pf.Get("charged_back"), cur)}
	err = p.Err()
	if err == nil {
		_, err = u.ncrs().SetCost(r.Context(), id, postedVersion(r), c, pf.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id)+"#cost", err)
	}
	u.redirect(w, r, ncrPath(id)+"#cost", "success", "Cost recorded.")
	return nil
}

func (u *UI) ncrMove(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m := ncr.Move(r.PostForm.Get("move"))
	n, err := u.ncrs().Move(r.Context(), id, postedVersion(r), m, r.PostForm.Get("reason"))
	if err != nil {
		return u.actionFailed(w, r, ncrPath(id), err)
	}
	u.redirect(w, r, ncrPath(id), "success", n.Number()+" is now "+strings.ToLower(n.Status.Label())+".")
	return nil
}
