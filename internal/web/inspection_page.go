package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
)

func nowUTC() time.Time { return time.Now().UTC() }

// photoView is a photo of the inspection as a page shows it.
type photoView struct {
	ID      int64
	Name    string
	Thumb   bool // an image with a thumbnail
	Caption string
}

type inspectionPage struct {
	layout
	V          *inspectionops.View
	R          *inspection.Result // the report as reported, or the running evaluation
	Title2     string
	Internal   bool
	CanRecord  bool
	CanSubmit  bool
	CanReturn  bool
	CanDecide  bool
	CanAmend   bool
	CanCancel  bool
	CanEdit    bool
	Decisions  []inspection.DecisionKind
	Photos     map[int64]photoView
	General    []photoView
	Sections   []inspection.SectionRow
	ReportURL  string
	Errors     map[string]string
	Problem    string
	DecideForm decideForm
}

// decideForm is the decision form as typed.
type decideForm struct {
	Kind, Reason, Conditions string
}

func (*inspectionPage) template() string { return "inspection" }

// Photo returns the view of a photo by file id (for templates).
func (p *inspectionPage) Photo(id int64) photoView {
	if v, ok := p.Photos[id]; ok {
		return v
	}
	return photoView{ID: id, Name: "file " + strconv.FormatInt(id, 10)}
}

func (u *UI) inspectionPageOf(r *http.Request, a qms.Actor, id int64) (*inspectionPage, error) {
	v, err := u.insp().InspectionView(r.Context(), id)
	if err != nil {
		return nil, err
	}
	in := v.Inspection
	st := in.Status
	editor := qms.CanEditQualityRecords(a)
	p := &inspectionPage{V: v, R: v.ReportedResult(), Internal: qms.CanViewInternal(a),
		CanRecord: editor && st.Recordable(), CanSubmit: editor && st.Recordable(), CanCancel: editor && st.Recordable(), CanEdit: editor && st.Recordable(),
		CanReturn: qms.CanApprove(a) && st == inspection.StatusSubmitted, CanDecide: qms.CanApprove(a) && st == inspection.StatusSubmitted,
		CanAmend:  editor && (st == inspection.StatusSubmitted || st == inspection.StatusDecided),
		Decisions: inspection.DecisionKinds(in.Kind), Photos: map[int64]photoView{}}
	p.Title = fmt.Sprintf("%s %d · %s", in.Kind.Label(), in.ID, v.Product.SKU)
	for _, f := range v.Photos {
		if f.VoidedAt != nil {
			continue
		}
		p.Photos[f.ID] = photoView{ID: f.ID, Name: f.Name, Thumb: f.ThumbSHA256 != ""}
	}
	for _, ph := range p.R.Photos {
		pv := p.Photo(ph.FileID)
		pv.Caption = ph.Caption
		p.General = append(p.General, pv)
	}
	if st == inspection.StatusSubmitted || st == inspection.StatusDecided {
		p.ReportURL = inspectionPath(id) + "/report.pdf"
	}
	return p, nil
}

// inspectionShow is an inspection's page: header, the snapshotted
// sampling plan per class, the tally and verdict, sections, tests,
// measurements, checks, defects with photos, and the forms that submit,
// decide, amend or cancel it.
func (u *UI) inspectionShow(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := u.inspectionPageOf(r, a, id)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, p)
	return nil
}

// actionFailedOn answers a failed form of the inspection page: a problem
// the user can fix is shown on the page with the form's errors; anything
// else is returned for fail to answer.
func (u *UI) actionFailedOn(w http.ResponseWriter, r *http.Request, a qms.Actor, id int64, err error, df decideForm) error {
	fields, msg, code, ok := formError(err)
	if !ok {
		return err
	}
	p, perr := u.inspectionPageOf(r, a, id)
	if perr != nil {
		return perr
	}
	p.Errors, p.Problem, p.DecideForm = fields, msg, df
	u.render(w, r, code, p)
	return nil
}

func (u *UI) inspectionSubmit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	sub := inspection.Submission{Pending: r.PostForm.Get("pending") != "", PendingReason: r.PostForm.Get("pending_reason")}
	in, err := u.insp().Submit(r.Context(), id, postedVersion(r), sub)
	if err != nil {
		return u.actionFailedOn(w, r, a, id, err, decideForm{})
	}
	u.redirect(w, r, inspectionPath(id), "success", "Report submitted: "+in.Verdict.Label()+".")
	return nil
}

func (u *UI) inspectionReturn(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.insp().Return(r.Context(), id, postedVersion(r), r.PostForm.Get("reason")); err != nil {
		return u.actionFailedOn(w, r, a, id, err, decideForm{})
	}
	u.redirect(w, r, inspectionPath(id), "success", "Returned to the inspector for correction.")
	return nil
}

func (u *UI) inspectionDecide(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := decideForm{Kind: r.PostForm.Get("kind"), Reason: r.PostForm.Get("reason"), Conditions: r.PostForm.Get("conditions")}
	in, err := u.insp().Decide(r.Context(), id, postedVersion(r), inspection.Decision{Kind: inspection.DecisionKind(f.Kind), Reason: f.Reason, Conditions: f.Conditions},
		r.PostForm.Get("password"))
	if err != nil {
		return u.actionFailedOn(w, r, a, id, err, f)
	}
	msg := "Decision recorded: " + in.Decision.Kind.Label() + "."
	if re := in.Decision.ReinspectionID; re != nil {
		msg += fmt.Sprintf(" Re-inspection %d is planned for the reworked lot.", *re)
	}
	u.redirect(w, r, inspectionPath(id), "success", msg)
	return nil
}

func (u *UI) inspectionAmend(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	am := &inspection.Amendment{InspectionID: id, Text: r.PostForm.Get("text"), Reason: r.PostForm.Get("reason")}
	if err := u.insp().Amend(r.Context(), am); err != nil {
		return u.actionFailedOn(w, r, a, id, err, decideForm{})
	}
	u.redirect(w, r, inspectionPath(id)+"#amendments", "success", "Amendment recorded.")
	return nil
}

func (u *UI) inspectionCancel(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := u.insp().CancelInspection(r.Context(), id, r.PostForm.Get("reason"), postedVersion(r)); err != nil {
		return u.actionFailedOn(w, r, a, id, err, decideForm{})
	}
	u.redirect(w, r, inspectionPath(id), "success", "The inspection is cancelled.")
	return nil
}

// inspectionEntry records one entry posted by a form (first article
// results, remarks, and the recording page without JavaScript). The form
// carries its own key, so a form posted twice records once.
func (u *UI) inspectionEntry(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	p := qms.Problems{}
	e := &inspection.Entry{InspectionID: id, Key: f.Get("key"), Kind: inspection.EntryKind(f.Get("kind"))}
	back := localPath(f.Get("next"), inspectionPath(id))
	switch e.Kind {
	case inspection.EntryFAI:
		fe := &inspection.FAIEntry{Characteristic: postedInt(p, r, "characteristic"), Result: f.Get("result"), Gauge: f.Get("gauge"), Note: f.Get("note"),
			UnitOfMeasure: f.Get("uom")}
		for i, s := range f["value"] {
			if v := formFloat(p, s, fmt.Sprintf("fai.values.%d", i)); v != nil {
				fe.Values = append(fe.Values, *v)
			}
		}
		switch f.Get("pass") {
		case "yes":
			fe.Pass = ptrTo(true)
		case "no":
			fe.Pass = ptrTo(false)
		}
		e.FAI = fe
	case inspection.EntryRemark:
		e.Remark = &inspection.RemarkEntry{Text: f.Get("text")}
	case inspection.EntrySection:
		e.Section = &inspection.SectionEntry{Section: inspection.Section(f.Get("section")), Result: inspection.SectionResult(f.Get("result")), Note: f.Get("note")}
	case inspection.EntryVoid:
		e.Void = &inspection.VoidEntry{EntryID: int64(postedInt(p, r, "entry_id")), Reason: f.Get("reason")}
	default:
		p.Add("kind", "is not recorded from this form")
	}
	err = p.Err()
	if err == nil {
		_, err = u.insp().RecordEntry(r.Context(), e)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Recorded.")
	return nil
}

func ptrTo[T any](v T) *T { return &v }

// inspectionPhoto adds a photo (with a caption) to an inspection from a
// form, and records it as a general photo of the report.
func (u *UI) inspectionPhoto(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	back := localPath(r.PostForm.Get("next"), inspectionPath(id))
	f, ok, err := u.formFile(r, "file", []blob.Type{blob.JPEG, blob.PNG})
	if err == nil && !ok {
		err = &qms.Error{Kind: qms.KindInvalid, Message: "Choose a photo first", Fields: map[string]string{"file": "is required"}}
	}
	if err == nil {
		_, err = u.insp().AddPhoto(r.Context(), id, f)
	}
	if err == nil {
		e := &inspection.Entry{InspectionID: id, Key: "photo-" + f.SHA256[:40], Kind: inspection.EntryPhoto,
			Photo: &inspection.PhotoEntry{FileID: f.ID, Caption: strings.TrimSpace(r.PostForm.Get("caption")), Section: inspection.Section(r.PostForm.Get("section"))}}
		_, err = u.insp().RecordEntry(r.Context(), e)
	}
	if err != nil {
		return u.actionFailed(w, r, back, err)
	}
	u.redirect(w, r, back, "success", "Photo added.")
	return nil
}

// ---- Header ----

type inspectionEditPage struct {
	layout
	V       *inspectionops.View
	Form    planForm
	People  []inspectionops.Person
	Version int64
	Reason  string
	Errors  map[string]string
	Problem string
}

func (*inspectionEditPage) template() string { return "inspection_edit" }

func headerForm(in *inspection.Inspection) planForm {
	f := planForm{PO: in.Lot.PONumber, LotSize: strconv.Itoa(in.Lot.LotSize), Produced: strconv.Itoa(in.Lot.Produced), Packed: strconv.Itoa(in.Lot.Packed),
		Remarks: in.Remarks, Agency: in.Inspector.Agency, AgencyInspector: in.Inspector.Name}
	if in.Lot.OrderQuantity > 0 {
		f.OrderQty = strconv.Itoa(in.Lot.OrderQuantity)
	}
	if !in.PlannedOn.IsZero() {
		f.PlannedOn = in.PlannedOn.String()
	}
	if in.FAIPieces > 0 {
		f.FAIPieces = strconv.Itoa(in.FAIPieces)
	}
	switch {
	case in.Inspector.Agency != "":
		f.Inspector = "agency"
	case in.Inspector.UserID != nil:
		f.Inspector = strconv.FormatInt(*in.Inspector.UserID, 10)
	}
	return f
}

func (u *UI) inspectionEditPage(w http.ResponseWriter, r *http.Request, a qms.Actor, status int, id int64, p *inspectionEditPage) error {
	v, err := u.insp().InspectionView(r.Context(), id)
	if err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return qms.Errorf(qms.KindForbidden, "Your role (%s) may not change inspections.", a.Role.Label())
	}
	if err := inspection.CheckEditHeader(v.Inspection); err != nil {
		return err
	}
	if p.People, err = u.insp().Inspectors(r.Context()); err != nil {
		return err
	}
	p.V = v
	p.Title = fmt.Sprintf("Edit inspection %d", id)
	u.render(w, r, status, p)
	return nil
}

func (u *UI) inspectionEdit(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, err := u.insp().Inspection(r.Context(), id)
	if err != nil {
		return err
	}
	return u.inspectionEditPage(w, r, a, http.StatusOK, id, &inspectionEditPage{Form: headerForm(in), Version: in.Version})
}

func (u *UI) inspectionUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().Inspection(r.Context(), id)
	if err != nil {
		return err
	}
	f := planFormFrom(r.PostForm)
	f.Kind, f.Product = string(cur.Kind), strconv.FormatInt(cur.ProductID, 10)
	f.Supplier, f.Site = strconv.FormatInt(cur.SupplierID, 10), strconv.FormatInt(cur.SiteID, 10)
	next, pr := f.inspection(map[int64]int64{cur.ProductID: cur.SpecID}, a)
	next.ID = id
	reason := r.PostForm.Get("reason")
	err = pr.Err()
	if err == nil {
		err = u.insp().UpdateInspection(r.Context(), next, postedVersion(r), reason)
	}
	if err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.inspectionEditPage(w, r, a, code, id, &inspectionEditPage{Form: f, Version: postedVersion(r), Reason: reason, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, inspectionPath(id), "success", "Inspection saved.")
	return nil
}
