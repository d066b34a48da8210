package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/ncrreport"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// ---- List with ageing ----

type capaListPage struct {
	layout
	Status, Kind, Supplier string
	Active, Overdue        bool
	Statuses               []capa.Status
	Suppliers              []supplier.Supplier
	Page                   *store.CAPAAgePage
	NextURL                string
	CanOpen                bool
	Errors                 map[string]string
}

func (*capaListPage) template() string { return "capa_list" }

// capaList lists CAPAs and supplier requests with their ageing, the
// longest open first: days open, the current stage and the days in it,
// overdue stages highlighted; optionally only the overdue ones.
func (u *UI) capaList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	v := r.URL.Query()
	p := &capaListPage{layout: layout{Title: "CAPAs"}, Status: v.Get("status"), Kind: v.Get("kind"), Supplier: v.Get("supplier"),
		Active: v.Get("active") != "0", Overdue: v.Get("overdue") == "1", Statuses: capa.Statuses, CanOpen: capa.CanOpen(a)}
	prob := qms.Problems{}
	f := store.CAPAAgeFilter{Status: capa.Status(p.Status), Kind: capa.Kind(p.Kind), Active: p.Active && p.Status == "", Overdue: p.Overdue,
		Limit: ncrsPerPage}
	if p.Status != "" && !f.Status.Valid() {
		prob.Add("status", "is not a CAPA status")
	}
	if p.Kind != "" && f.Kind != capa.KindInternal && f.Kind != capa.KindSupplier {
		prob.Add("kind", "must be internal or supplier")
	}
	f.SupplierID = formInt64(prob, p.Supplier, "supplier")
	f.Offset = int(formInt64(prob, v.Get("offset"), "offset"))
	var err error
	if _, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	status := http.StatusOK
	if err := prob.Err(); err != nil {
		p.Errors, status = qms.ErrorFields(err), http.StatusBadRequest
	} else {
		if p.Page, err = u.capas().ListAgeing(r.Context(), f); err != nil {
			return err
		}
		if p.Page.Next > 0 {
			q := url.Values{"offset": {strconv.Itoa(p.Page.Next)}}
			for k, s := range map[string]string{"status": p.Status, "kind": p.Kind, "supplier": p.Supplier} {
				if s != "" {
					q.Set(k, s)
				}
			}
			if !p.Active {
				q.Set("active", "0")
			}
			if p.Overdue {
				q.Set("overdue", "1")
			}
			p.NextURL = "/capas?" + q.Encode()
		}
	}
	u.render(w, r, status, p)
	return nil
}

// ---- Open ----

type capaForm struct {
	Kind, Type, Title, Severity, Supplier, Product, NCRs, Refs string
}

type capaNewPage struct {
	layout
	Form      capaForm
	Suppliers []supplier.Supplier
	Products  []inspection.Product
	Errors    map[string]string
	Problem   string
}

func (*capaNewPage) template() string { return "capa_new" }

func (u *UI) showCAPAForm(w http.ResponseWriter, r *http.Request, status int, p *capaNewPage) error {
	var err error
	if _, p.Suppliers, err = u.supplierNames(r); err != nil {
		return err
	}
	prods, err := u.insp().ListProducts(r.Context(), store.ProductFilter{Limit: store.MaxPageSize})
	if err != nil {
		return err
	}
	p.Products = prods.Items
	u.render(w, r, status, p)
	return nil
}

// capaNew shows the form to open a CAPA, prefilled from an NCR when one is
// named (?ncr=ID): its title, severity, supplier and product.
func (u *UI) capaNew(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	f := capaForm{Kind: string(capa.KindInternal), Type: string(capa.TypeCorrective), Severity: string(inspection.Major)}
	if s := r.URL.Query().Get("ncr"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return qms.Errorf(qms.KindNotFound, "There is no such NCR.")
		}
		d, err := u.ncrs().Get(r.Context(), id)
		if err != nil {
			return err
		}
		f.Title, f.Severity, f.NCRs = d.Title, string(d.Severity), s
		if d.SupplierID > 0 {
			f.Supplier, f.Kind = strconv.FormatInt(d.SupplierID, 10), string(capa.KindSupplier)
		}
		if d.ProductID > 0 {
			f.Product = strconv.FormatInt(d.ProductID, 10)
		}
	}
	return u.showCAPAForm(w, r, http.StatusOK, &capaNewPage{layout: layout{Title: "Open a CAPA"}, Form: f})
}

func (u *UI) capaCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	pf := r.PostForm
	f := capaForm{Kind: pf.Get("kind"), Type: pf.Get("type"), Title: pf.Get("title"), Severity: pf.Get("severity"), Supplier: pf.Get("supplier"),
		Product: pf.Get("product"), NCRs: pf.Get("ncrs"), Refs: pf.Get("refs")}
	p := qms.Problems{}
	c := &capa.CAPA{Kind: capa.Kind(f.Kind), Type: capa.Type(f.Type), Title: f.Title, Severity: inspection.DefectClass(f.Severity),
		OwnerID: a.UserID, Owner: a.Name, Sources: []capa.Source{}}
	c.SupplierID = formInt64(p, f.Supplier, "supplier_id")
	c.ProductID = formInt64(p, f.Product, "product_id")
	for _, s := range strings.FieldsFunc(f.NCRs, func(r rune) bool { return r == ',' || r == ' ' }) {
		s = strings.TrimPrefix(strings.ToUpper(s), "NCR-")
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			p.Add("ncrs", "must be NCR numbers separated by commas")
			continue
		}
		c.Sources = append(c.Sources, capa.Source{Kind: capa.SourceNCR, NCRID: id})
	}
	for _, l := range formLines(f.Refs) {
		k, ref := lineCells(l, 2)[0], lineCells(l, 2)[1]
		c.Sources = append(c.Sources, capa.Source{Kind: capa.SourceKind(strings.ToLower(k)), Ref: ref})
	}
	err := p.Err()
	if err == nil {
		err = u.capas().Open(r.Context(), c)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.showCAPAForm(w, r, code, &capaNewPage{layout: layout{Title: "Open a CAPA"}, Form: f, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, capaPath(c.ID), "success", c.Number()+" opened.")
	return nil
}

// ---- The CAPA page as an 8D ----

type capaPage struct {
	layout
	D          *capaops.Detail
	C          *capa.CAPA
	Supplier   string
	Product    string
	Sources    []capaSourceLink
	Stages     []stageEditor
	StageDays  int
	Criterion  string
	Per        int
	Rate       string
	Moves      []moveButton
	CanReview  bool
	CanNote    bool
	CanUpload  bool
	CanClose   bool
	Fishbone   template.HTML // the Ishikawa SVG (package chart escapes its text)
	Portal     bool          // the supplier portal's view
	OpenThings []string
	Kinds      []inspection.Kind // for the criterion's inspection kinds
}

// capaSourceLink is a source of a CAPA for people, with its page.
type capaSourceLink struct{ Label, URL string }

func (*capaPage) template() string { return "capa" }

// capaPageOf builds the 8D page of a CAPA for actor a.
func (u *UI) capaPageOf(r *http.Request, a qms.Actor, id int64, portal bool) (*capaPage, error) {
	d, err := u.capas().Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	c := d.CAPA
	today := qms.DateOf(u.account.Store.Now())
	p := &capaPage{layout: layout{Title: c.Number() + " " + c.Title}, D: d, C: c, CanReview: capa.CanReview(a) && !portal,
		CanNote: capa.CanSeeNotes(a) && qms.CanEditQualityRecords(a) && !portal, Portal: portal,
		StageDays: store.Ageing(*c, "", today).StageDays, OpenThings: c.Report.OpenActions(), Kinds: inspection.Kinds}
	p.Stages = stageEditors(a, c, today, nil)
	if !portal {
		p.Supplier, p.Product = u.supplierName(r, c.SupplierID), u.productName(r, c.ProductID)
	} else {
		p.Supplier = u.ownSupplierName(r, a)
	}
	for _, s := range c.Sources {
		if s.Kind == capa.SourceNCR {
			p.Sources = append(p.Sources, capaSourceLink{Label: ncr.Number(s.NCRID), URL: ncrPath(s.NCRID)})
		} else {
			p.Sources = append(p.Sources, capaSourceLink{Label: strings.ReplaceAll(string(s.Kind), "_", " ") + " " + s.Ref})
		}
	}
	for i := range p.Stages {
		if portal {
			p.Stages[i].CanReview, p.Stages[i].CanDue = false, false
		}
		if capa.CheckEditStage(a, c, p.Stages[i].Stage) == nil {
			p.CanUpload = true
		}
	}
	if cr := c.Criterion; cr != nil {
		prod := ""
		if cr.ProductID > 0 {
			prod = p.Product
			if prod == "" {
				prod = "product " + strconv.FormatInt(cr.ProductID, 10)
			}
		}
		p.Criterion = cr.Describe(firstOf(p.Supplier, "the supplier"), prod)
		p.Per = cr.PerUnits
		if p.Per == 0 {
			p.Per = capa.DefaultPerUnits
		}
		if ev := c.Evaluation; ev != nil {
			p.Rate = strconv.FormatFloat(ev.Rate(p.Per), 'f', 2, 64)
		}
	}
	for _, m := range d.Moves {
		t, _ := capa.TransitionOf(m)
		if m == capa.MoveClose {
			p.CanClose = true
			continue
		}
		p.Moves = append(p.Moves, moveButton{Move: string(m), Label: t.Label, Reason: t.Reason})
	}
	if portal {
		p.Moves, p.CanClose = nil, false
	}
	fb := ncrreport.Fishbone("", &c.Report.D4.Ishikawa)
	p.Fishbone = template.HTML(fb.SVG(900, 420))
	return p, nil
}

func (u *UI) capaShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.capaPageOf(r, a, id, false)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// capaBack is where a CAPA form returns: the portal page for a supplier
// user, else the CAPA page.
func capaBack(a qms.Actor, id int64) string {
	if a.Role == qms.RoleSupplier {
		return scarPath(id)
	}
	return capaPath(id)
}

func stageOf(r *http.Request) (capa.Stage, error) {
	s := capa.Stage(strings.ToUpper(r.PathValue("stage")))
	if !s.Valid() {
		return "", qms.Errorf(qms.KindNotFound, "There is no such stage: D0 to D8.")
	}
	return s, nil
}

// capaStageSave saves a stage's content as a draft, and submits it for
// review when the submit button was pressed.
func (u *UI) capaStageSave(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := stageOf(r)
	if err != nil {
		return err
	}
	back := capaBack(a, id) + "#" + string(s)
	p := qms.Problems{}
	content := stageContent(s, r.PostForm, p)
	err = p.Err()
	var c *capa.CAPA
	if err == nil {
		c, err = u.capas().SaveStage(r.Context(), id, postedVersion(r), content)
	}
	msg := string(s) + " saved."
	if err == nil && r.PostForm.Get("submit") != "" {
		_, err = u.capas().SubmitStage(r.Context(), id, c.Version, s)
		msg = string(s) + " submitted for review."
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", msg)
	return nil
}

func (u *UI) capaStageReview(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := stageOf(r)
	if err != nil {
		return err
	}
	decision := capa.StageState(r.PostForm.Get("decision"))
	if _, err := u.capas().ReviewStage(r.Context(), id, postedVersion(r), s, decision, r.PostForm.Get("comment")); err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#"+string(s), err)
	}
	u.redirect(w, r, capaPath(id)+"#"+string(s), "success", string(s)+" "+string(decision)+".")
	return nil
}

func (u *UI) capaStageDue(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	s, err := stageOf(r)
	if err != nil {
		return err
	}
	p := qms.Problems{}
	due := lineDate(p, "due_on", strings.TrimSpace(r.PostForm.Get("due_on")))
	err = p.Err()
	if err == nil {
		_, err = u.capas().SetDue(r.Context(), id, postedVersion(r), s, due, r.PostForm.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#"+string(s), err)
	}
	u.redirect(w, r, capaPath(id)+"#"+string(s), "success", string(s)+" is now due on "+due.String()+".")
	return nil
}

// capaCriterion states the effectiveness criterion.
func (u *UI) capaCriterion(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pf := r.PostForm
	p := qms.Problems{}
	cr := capa.Criterion{DefectCode: pf.Get("defect_code"), Class: inspection.DefectClass(pf.Get("class"))}
	cr.SupplierID = formInt64(p, pf.Get("supplier_id"), "criterion.supplier_id")
	cr.ProductID = formInt64(p, pf.Get("product_id"), "criterion.product_id")
	cr.MaxDefective = int(formInt64(p, pf.Get("max_defective"), "criterion.max_defective"))
	cr.PerUnits = int(formInt64(p, pf.Get("per_units"), "criterion.per_units"))
	cr.Inspections = int(formInt64(p, pf.Get("inspections"), "criterion.inspections"))
	cr.Days = int(formInt64(p, pf.Get("days"), "criterion.days"))
	cr.StartOn = lineDate(p, "criterion.start_on", strings.TrimSpace(pf.Get("start_on")))
	for _, k := range pf["kinds"] {
		cr.Kinds = append(cr.Kinds, inspection.Kind(k))
	}
	err = p.Err()
	if err == nil {
		_, err = u.capas().SetCriterion(r.Context(), id, postedVersion(r), cr, pf.Get("reason"))
	}
	if err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#effectiveness", err)
	}
	u.redirect(w, r, capaPath(id)+"#effectiveness", "success", "Effectiveness criterion stated and evaluated.")
	return nil
}

func (u *UI) capaEvaluate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if _, err := u.capas().Evaluate(r.Context(), id); err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#effectiveness", err)
	}
	u.redirect(w, r, capaPath(id)+"#effectiveness", "success", "Evaluated with the inspections recorded so far.")
	return nil
}

func (u *UI) capaNote(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	n := &capa.Note{CAPAID: id, Stage: capa.Stage(r.PostForm.Get("stage")), Text: r.PostForm.Get("text")}
	if err := u.capas().AddNote(r.Context(), n); err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#notes", err)
	}
	u.redirect(w, r, capaPath(id)+"#notes", "success", "Internal note added.")
	return nil
}

func (u *UI) capaMove(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := u.capas().Move(r.Context(), id, postedVersion(r), capa.Move(r.PostForm.Get("move")), r.PostForm.Get("reason"))
	if err != nil {
		return u.actionFailed(w, r, capaPath(id), err)
	}
	u.redirect(w, r, capaPath(id), "success", c.Number()+" is now "+string(c.Status)+".")
	return nil
}

// capaClose closes the CAPA with an electronic signature (the password
// entered again); a quality manager may override a criterion that did not
// pass, with a reason.
func (u *UI) capaClose(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in := capa.CloseInput{Override: r.PostForm.Get("override") != "", Reason: r.PostForm.Get("override_reason")}
	_, sig, err := u.capas().Close(r.Context(), id, postedVersion(r), in, r.PostForm.Get("password"), r.PostForm.Get("comment"))
	if err != nil {
		return u.actionFailed(w, r, capaPath(id)+"#close", err)
	}
	u.redirect(w, r, capaPath(id), "success", "Closed and signed: "+sig.Manifestation())
	return nil
}

// capaEvidence uploads an evidence file (PDF, JPEG or PNG) to a CAPA.
func (u *UI) capaEvidence(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := capaBack(a, id) + "#evidence"
	f, ok, err := u.formFile(r, "file", []blob.Type{blob.PDF, blob.JPEG, blob.PNG})
	if err == nil && !ok {
		err = &qms.Error{Kind: qms.KindInvalid, Message: "Choose a file first", Fields: map[string]string{"file": "is required"}}
	}
	if err == nil {
		_, err = u.capas().AddEvidence(r.Context(), id, f)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Evidence "+f.Name+" uploaded as file "+strconv.FormatInt(f.ID, 10)+": name it in D6.")
	return nil
}

// ---- Supplier portal ----

type scarListPage struct {
	layout
	Page *store.CAPAAgePage
}

func (*scarListPage) template() string { return "portal_scar_list" }

// scarList lists a supplier user's corrective action requests.
func (u *UI) scarList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	if qms.CanViewInternal(a) {
		http.Redirect(w, r, "/capas?kind=supplier", http.StatusSeeOther)
		return nil
	}
	page, err := u.capas().ListAgeing(r.Context(), store.CAPAAgeFilter{Limit: store.MaxPageSize})
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &scarListPage{layout: layout{Title: "Corrective action requests"}, Page: page})
	return nil
}

// scarShow is a supplier user's page of one request: D0 to D2 and D8 as
// the buyer wrote them, D3 to D7 to answer, the buyer's comments, the
// evidence files and the effectiveness evidence; never internal notes.
func (u *UI) scarShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if qms.CanViewInternal(a) {
		http.Redirect(w, r, capaPath(id), http.StatusSeeOther)
		return nil
	}
	p, err := u.capaPageOf(r, a, id, true)
	if err != nil {
		return err
	}
	p.D.Notes = nil
	u.render(w, r, http.StatusOK, p)
	return nil
}

// ownSupplierName is the name of a supplier user's own supplier.
func (u *UI) ownSupplierName(r *http.Request, a qms.Actor) string {
	s, err := u.ownSupplier(r, a)
	if err != nil {
		return ""
	}
	return s.DisplayName()
}
