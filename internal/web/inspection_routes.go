package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// The product and inspection pages: products, spec revisions with their
// characteristic editor, the defect library, inspection plans, the
// inspection list, planning with the preview and the gates, the inspection
// page with submission, decision and amendments, the tablet recording page
// (static/inspection.js, which records through the JSON API and keeps
// working offline), first article results, and the switching panel of the
// supplier page. Every read and change goes through package
// inspectionops: a supplier user gets "not found" for another supplier's
// inspection on every page.

// registerInspections adds the routes of the product and inspection pages.
// Pages about one inspection take any signed-in user and leave the
// decision to inspectionops.
func (u *UI) registerInspections(mux router) {
	mux.Handle("GET /products", u.guard(qms.CanViewInternal, u.productList))
	mux.Handle("GET /products/new", u.guard(qms.CanEditQualityRecords, u.productNew))
	mux.Handle("POST /products", u.guard(qms.CanEditQualityRecords, u.productCreate))
	mux.Handle("GET /products/{id}", u.guard(qms.CanViewInternal, u.productShow))
	mux.Handle("GET /products/{id}/edit", u.guard(qms.CanEditQualityRecords, u.productEdit))
	mux.Handle("POST /products/{id}", u.guard(qms.CanEditQualityRecords, u.productUpdate))
	mux.Handle("POST /products/{id}/void", u.guard(qms.CanApprove, u.productVoid))
	mux.Handle("POST /products/{id}/specs", u.guard(qms.CanEditQualityRecords, u.specDraft))
	mux.Handle("GET /products/{id}/plans/new", u.guard(qms.CanApprove, u.planNew))
	mux.Handle("POST /products/{id}/plans", u.guard(qms.CanApprove, u.planCreate))

	mux.Handle("GET /specs/{id}", u.guard(qms.CanViewInternal, u.specShow))
	mux.Handle("POST /specs/{id}", u.guard(qms.CanEditQualityRecords, u.specSave))
	mux.Handle("POST /specs/{id}/release", u.guard(qms.CanApprove, u.specRelease))
	mux.Handle("POST /specs/{id}/photos", u.guardUpload(qms.CanEditQualityRecords, u.specPhoto))
	mux.Handle("GET /inspections/sw.js", http.HandlerFunc(u.inspectionServiceWorker))
	mux.Handle("POST /specs/{id}/void", u.guard(qms.CanEditQualityRecords, u.specVoid))

	mux.Handle("GET /plans/{id}", u.guard(qms.CanViewInternal, u.planEdit))
	mux.Handle("POST /plans/{id}", u.guard(qms.CanApprove, u.planUpdate))
	mux.Handle("POST /plans/{id}/void", u.guard(qms.CanApprove, u.planVoid))

	mux.Handle("GET /defects", u.guard(qms.CanViewInternal, u.defectList))
	mux.Handle("POST /defects", u.guard(qms.CanApprove, u.defectCreate))
	mux.Handle("POST /defects/{id}", u.guard(qms.CanApprove, u.defectUpdate))
	mux.Handle("POST /defects/{id}/void", u.guard(qms.CanApprove, u.defectVoid))

	mux.Handle("GET /inspections", u.guard(signedIn, u.inspectionList))
	mux.Handle("GET /inspections/new", u.guard(qms.CanEditQualityRecords, u.inspectionNew))
	mux.Handle("POST /inspections", u.guard(qms.CanEditQualityRecords, u.inspectionCreate))
	mux.Handle("GET /inspections/{id}", u.guard(signedIn, u.inspectionShow))
	mux.Handle("GET /inspections/{id}/record", u.guard(signedIn, u.inspectionRecord))
	mux.Handle("GET /inspections/{id}/edit", u.guard(signedIn, u.inspectionEdit))
	mux.Handle("POST /inspections/{id}", u.guard(signedIn, u.inspectionUpdate))
	mux.Handle("POST /inspections/{id}/entries", u.guard(signedIn, u.inspectionEntry))
	mux.Handle("POST /inspections/{id}/photos", u.guardUpload(signedIn, u.inspectionPhoto))
	mux.Handle("POST /inspections/{id}/submit", u.guard(signedIn, u.inspectionSubmit))
	mux.Handle("POST /inspections/{id}/return", u.guard(signedIn, u.inspectionReturn))
	mux.Handle("POST /inspections/{id}/decide", u.guard(signedIn, u.inspectionDecide))
	mux.Handle("POST /inspections/{id}/amend", u.guard(signedIn, u.inspectionAmend))
	mux.Handle("POST /inspections/{id}/cancel", u.guard(signedIn, u.inspectionCancel))

	mux.Handle("GET /suppliers/{id}/switching", u.guard(signedIn, u.supplierSwitchingPanel))
	mux.Handle("POST /switching/resume", u.guard(qms.CanApprove, u.switchingResume))
}

// insp returns the inspection operations over the UI's store.
func (u *UI) insp() *inspectionops.Service {
	return &inspectionops.Service{Store: u.account.Store, Auth: u.auth}
}

func productPath(id int64) string    { return "/products/" + strconv.FormatInt(id, 10) }
func specPath(id int64) string       { return "/specs/" + strconv.FormatInt(id, 10) }
func inspectionPath(id int64) string { return "/inspections/" + strconv.FormatInt(id, 10) }

// newKey returns a random idempotency key for an entry a form records: a
// form posted twice (a double tap, a resend) records once.
func newKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "web-" + hex.EncodeToString(b)
}

// postedInt reads a whole number field; empty is 0. A value that is not a
// whole number is a field problem.
func postedInt(p qms.Problems, r *http.Request, field string) int {
	s := strings.TrimSpace(r.PostForm.Get(field))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
	if err != nil {
		p.Add(field, "must be a whole number")
	}
	return n
}

// formInt64 reads an id field; empty is 0.
func formInt64(p qms.Problems, v string, field string) int64 {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		p.Add(field, "must be chosen from the list")
	}
	return n
}

// formFloat reads a number field (a decimal comma is accepted); empty is
// nil.
func formFloat(p qms.Problems, v, field string) *float64 {
	v = strings.TrimSpace(strings.ReplaceAll(v, ",", "."))
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		p.Add(field, "must be a number")
		return nil
	}
	return &f
}

// numText renders an optional number for a form field.
func numText(v *float64) string {
	if v == nil {
		return ""
	}
	return inspection.FormatNumber(*v)
}

// kindOption is an inspection kind as a choice.
type kindOption struct {
	Value inspection.Kind
	Label string
}

func kindOptions() []kindOption {
	out := make([]kindOption, 0, len(inspection.Kinds))
	for _, k := range inspection.Kinds {
		out = append(out, kindOption{k, k.Label()})
	}
	return out
}

// inspLevels are the inspection levels, general first.
var inspLevels = []sampling.Level{sampling.LevelI, sampling.LevelII, sampling.LevelIII, sampling.LevelS1, sampling.LevelS2, sampling.LevelS3, sampling.LevelS4}

// renderFragment writes the "content" template of a page without the
// layout: a part of a page that another page loads (htmx).
func (u *UI) renderFragment(w http.ResponseWriter, r *http.Request, p page) {
	t, ok := u.pages[p.template()]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = errNoTemplate(p.template())
	} else {
		err = t.ExecuteTemplate(&buf, "content", p)
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if err != nil {
		u.log.Error("render fragment", "template", p.template(), "err", err, "request_id", qms.RequestID(r.Context()))
		http.Error(w, "An internal error occurred.", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}
