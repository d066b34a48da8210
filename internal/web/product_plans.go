package web

import (
	"net/http"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
	"qms/internal/supplier"
)

// planClassRow is one defect class of the plan form: not judged, zero
// tolerance, or an AQL.
type planClassRow struct {
	Class inspection.DefectClass
	Value string // "", "zero" or an AQL such as "2.5"
}

// planStageRow is one inspection kind of the plan form.
type planStageRow struct {
	Kind      inspection.Kind
	Label     string
	Required  bool
	Produced  string
	MinPacked string
}

type planFormPage struct {
	layout
	Product    *inspection.Product
	Plan       *inspection.Plan // nil for a new plan
	Supplier   *supplier.Supplier
	Standard   string
	Level      string
	Counting   string
	Classes    []planClassRow
	Stages     []planStageRow
	Reduced    bool
	Internal   bool
	ThirdParty bool
	Agencies   string
	Notes      string
	Reason     string
	Version    int64
	AQLs       []string
	Levels     []sampling.Level
	CanEdit    bool
	Errors     map[string]string
	Problem    string
}

func (*planFormPage) template() string { return "plan_form" }

var aqlChoices = strings.Split(sampling.ValidAQLs(), ", ")

func planFormOf(pl *inspection.Plan) *planFormPage {
	p := &planFormPage{Standard: pl.Standard.String(), Counting: string(pl.Counting), Reduced: pl.ReducedApproved,
		Internal: pl.Inspectors.Internal, ThirdParty: pl.Inspectors.ThirdParty, Agencies: strings.Join(pl.Inspectors.Agencies, ", "), Notes: pl.Notes}
	if pl.Level != 0 {
		p.Level = pl.Level.String()
	}
	for _, c := range inspection.Classes {
		row := planClassRow{Class: c}
		if x, ok := pl.Class(c); ok {
			row.Value = x.AQL.String()
			if x.ZeroTolerance {
				row.Value = "zero"
			}
		}
		p.Classes = append(p.Classes, row)
	}
	for _, k := range inspection.Kinds {
		if k == inspection.KindFirstArticle {
			continue
		}
		st, ok := pl.Stage(k)
		row := planStageRow{Kind: k, Label: k.Label(), Required: ok}
		if st.AtProducedPercent != 0 {
			row.Produced = strconv.Itoa(st.AtProducedPercent)
		}
		if st.MinPackedPercent != 0 {
			row.MinPacked = strconv.Itoa(st.MinPackedPercent)
		}
		p.Stages = append(p.Stages, row)
	}
	return p
}

// defaultPlan is what a new plan starts from: ISO 2859-1 level II,
// critical zero tolerance, major 2.5, minor 4.0, pre-shipment required.
func defaultPlan() *inspection.Plan {
	major, _ := sampling.ParseAQL("2.5")
	minor, _ := sampling.ParseAQL("4.0")
	return &inspection.Plan{Standard: sampling.ISO2859, Level: sampling.LevelII, Counting: inspection.CountDefectives,
		Classes: []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: major}, {Class: inspection.Minor, AQL: minor}},
		Stages:  []inspection.StageRule{inspection.DefaultStage(inspection.KindPreShipment)}, Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true}}
}

// postedPlan reads the plan form into a plan and the form as typed.
func postedPlan(r *http.Request) (*inspection.Plan, *planFormPage, qms.Problems) {
	f := r.PostForm
	pr := qms.Problems{}
	pl := &inspection.Plan{Counting: inspection.Counting(f.Get("counting")), ReducedApproved: f.Get("reduced") != "", Notes: f.Get("notes"),
		Inspectors: inspection.Inspectors{Internal: f.Get("internal") != "", ThirdParty: f.Get("third_party") != ""}}
	var err error
	if pl.Standard, err = sampling.ParseStandard(f.Get("standard")); err != nil {
		pr.Add("standard", "must be ISO 2859-1 or ANSI/ASQ Z1.4")
	}
	if pl.Level, err = sampling.ParseLevel(f.Get("level")); err != nil {
		pr.Add("level", "must be S-1, S-2, S-3, S-4, I, II or III")
	}
	for _, c := range inspection.Classes {
		switch v := f.Get("class." + string(c)); v {
		case "":
		case "zero":
			pl.Classes = append(pl.Classes, inspection.ClassAQL{Class: c, ZeroTolerance: true})
		default:
			a, err := sampling.ParseAQL(v)
			if err != nil {
				pr.Add("classes", c.Label()+": "+err.Error())
				continue
			}
			pl.Classes = append(pl.Classes, inspection.ClassAQL{Class: c, AQL: a})
		}
	}
	for _, k := range inspection.Kinds {
		if f.Get("stage."+string(k)) == "" {
			continue
		}
		st := inspection.StageRule{Kind: k}
		if v := strings.TrimSpace(f.Get("produced." + string(k))); v != "" {
			st.AtProducedPercent, _ = strconv.Atoi(v)
		}
		if v := strings.TrimSpace(f.Get("packed." + string(k))); v != "" {
			st.MinPackedPercent, _ = strconv.Atoi(v)
		}
		pl.Stages = append(pl.Stages, st)
	}
	for _, a := range strings.Split(f.Get("agencies"), ",") {
		if a = strings.TrimSpace(a); a != "" {
			pl.Inspectors.Agencies = append(pl.Inspectors.Agencies, a)
		}
	}
	form := planFormOf(pl)
	form.Standard, form.Level, form.Agencies = f.Get("standard"), f.Get("level"), f.Get("agencies")
	for i, row := range form.Classes {
		form.Classes[i].Value = f.Get("class." + string(row.Class))
	}
	return pl, form, pr
}

func (u *UI) planFormPage(w http.ResponseWriter, r *http.Request, a qms.Actor, status int, p *planFormPage, productID int64, supplierID *int64) error {
	ctx := r.Context()
	var err error
	if p.Product, err = u.insp().Product(ctx, productID); err != nil {
		return err
	}
	if supplierID != nil {
		if p.Supplier, err = u.ops().Supplier(ctx, *supplierID); err != nil {
			return err
		}
	}
	p.AQLs, p.Levels, p.CanEdit = aqlChoices, inspLevels, qms.CanApprove(a)
	p.Title = "Inspection plan · " + p.Product.SKU
	if p.Supplier != nil {
		p.Title += " · " + p.Supplier.DisplayName()
	}
	u.render(w, r, status, p)
	return nil
}

// planNew is the form of a new plan for a product (?supplier_id=: for one
// supplier's production of it).
func (u *UI) planNew(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var sup *int64
	if v, err := strconv.ParseInt(r.URL.Query().Get("supplier_id"), 10, 64); err == nil && v > 0 {
		sup = &v
	}
	return u.planFormPage(w, r, a, http.StatusOK, planFormOf(defaultPlan()), id, sup)
}

func (u *UI) planCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pl, form, pr := postedPlan(r)
	pl.ProductID = id
	if v, err := strconv.ParseInt(r.PostForm.Get("supplier_id"), 10, 64); err == nil && v > 0 {
		pl.SupplierID = &v
	}
	err = pr.Err()
	if err == nil {
		err = u.insp().CreatePlan(r.Context(), pl)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		form.Errors, form.Problem = fields, msg
		return u.planFormPage(w, r, a, code, form, id, pl.SupplierID)
	}
	u.redirect(w, r, productPath(id)+"#plans", "success", "Inspection plan saved.")
	return nil
}

// planEdit shows a plan; a quality manager changes it here.
func (u *UI) planEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pl, err := u.insp().Plan(r.Context(), id)
	if err != nil {
		return err
	}
	p := planFormOf(pl)
	p.Plan, p.Version = pl, pl.Version
	return u.planFormPage(w, r, a, http.StatusOK, p, pl.ProductID, pl.SupplierID)
}

func (u *UI) planUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().Plan(r.Context(), id)
	if err != nil {
		return err
	}
	pl, form, pr := postedPlan(r)
	pl.ID = id
	form.Plan, form.Version, form.Reason = cur, postedVersion(r), r.PostForm.Get("reason")
	err = pr.Err()
	if err == nil {
		err = u.insp().UpdatePlan(r.Context(), pl, postedVersion(r), form.Reason)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		form.Errors, form.Problem = fields, msg
		return u.planFormPage(w, r, a, code, form, cur.ProductID, cur.SupplierID)
	}
	u.redirect(w, r, productPath(cur.ProductID)+"#plans", "success", "Inspection plan saved; inspections already planned keep their sampling.")
	return nil
}

func (u *UI) planVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().Plan(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.insp().VoidPlan(r.Context(), id, r.PostForm.Get("reason"), postedVersion(r)); err != nil {
		return u.actionFailed(w, r, "/plans/"+strconv.FormatInt(id, 10), err)
	}
	u.redirect(w, r, productPath(cur.ProductID)+"#plans", "success", "Inspection plan voided.")
	return nil
}
