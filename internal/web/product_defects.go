package web

import (
	"net/http"
	"net/url"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/supplier"
)

type defectsPage struct {
	layout
	Category   string
	Categories []supplier.Category
	Codes      []inspection.DefectCode
	Classes    []inspection.DefectClass
	CanEdit    bool
	Form       inspection.DefectCode
	Errors     map[string]string
	Problem    string
}

func (*defectsPage) template() string { return "defects" }

func defectsPath(category string) string {
	return "/defects?" + url.Values{"category": {category}}.Encode()
}

// defectList is the defect library of a product category: codes, their
// descriptions and default classes; a quality manager adds, changes and
// withdraws codes.
func (u *UI) defectList(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	return u.defectPage(w, r, a, http.StatusOK, r.URL.Query().Get("category"), nil)
}

func (u *UI) defectPage(w http.ResponseWriter, r *http.Request, a qms.Actor, status int, category string, form *defectsPage) error {
	p := &defectsPage{layout: layout{Title: "Defect library"}, Classes: inspection.Classes, CanEdit: qms.CanApprove(a),
		Form: inspection.DefectCode{Class: inspection.Major}}
	if form != nil {
		p.Form, p.Errors, p.Problem = form.Form, form.Errors, form.Problem
	}
	var err error
	if p.Categories, err = u.ops().Categories(r.Context()); err != nil {
		return err
	}
	p.Category = supplier.NormalizeCode(category)
	if p.Category == "" && len(p.Categories) > 0 {
		p.Category = p.Categories[0].Code
	}
	if p.Category != "" {
		if p.Codes, err = u.insp().DefectCodes(r.Context(), p.Category, true); err != nil {
			return err
		}
	}
	u.render(w, r, status, p)
	return nil
}

func (u *UI) defectCreate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	f := r.PostForm
	d := &inspection.DefectCode{Category: f.Get("category"), Code: f.Get("code"), Description: f.Get("description"), Class: inspection.DefectClass(f.Get("class"))}
	if err := u.insp().CreateDefectCode(r.Context(), d); err != nil {
		fields, msg, code, ok := formError(err)
		if !ok {
			return err
		}
		return u.defectPage(w, r, a, code, d.Category, &defectsPage{Form: *d, Errors: fields, Problem: msg})
	}
	u.redirect(w, r, defectsPath(d.Category), "success", "Defect code "+d.Code+" added.")
	return nil
}

func (u *UI) defectUpdate(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().DefectCode(r.Context(), id)
	if err != nil {
		return err
	}
	d := *cur
	d.Description, d.Class = r.PostForm.Get("description"), inspection.DefectClass(r.PostForm.Get("class"))
	if err := u.insp().UpdateDefectCode(r.Context(), &d, postedVersion(r), strings.TrimSpace(r.PostForm.Get("reason"))); err != nil {
		return u.actionFailed(w, r, defectsPath(cur.Category), err)
	}
	u.redirect(w, r, defectsPath(cur.Category), "success", "Defect code "+d.Code+" saved.")
	return nil
}

func (u *UI) defectVoid(w http.ResponseWriter, r *http.Request, a qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cur, err := u.insp().DefectCode(r.Context(), id)
	if err != nil {
		return err
	}
	if err := u.insp().VoidDefectCode(r.Context(), id, r.PostForm.Get("reason"), postedVersion(r)); err != nil {
		return u.actionFailed(w, r, defectsPath(cur.Category), err)
	}
	u.redirect(w, r, defectsPath(cur.Category), "success", "Defect code "+cur.Code+" withdrawn; defects recorded with it keep it.")
	return nil
}
