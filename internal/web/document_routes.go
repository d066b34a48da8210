package web

import (
	"net/http"
	"strconv"
	"strings"

	"qms/internal/blob"
	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/qms"
)

// The quality system's own pages: controlled documents (list and search,
// a document with its revision in force and its history, drafting with
// Markdown text or a file, review by the named reviewers, approval signed
// with the approver's password, effective dates, the diff between
// revisions, read-and-understood acknowledgements), the process register
// and the register of risks and opportunities. Every read and change goes
// through package documentops; supplier users may open none of them.

// registerDocuments adds the routes of the document, process and risk
// pages.
func (u *UI) registerDocuments(mux router) {
	mux.Handle("GET /documents", u.guard(qms.CanViewInternal, u.documentList))
	mux.Handle("GET /documents/new", u.guard(qms.CanEditQualityRecords, u.documentNew))
	mux.Handle("POST /documents", u.guardUpload(qms.CanEditQualityRecords, u.documentCreate))
	mux.Handle("GET /documents/{id}", u.guard(qms.CanViewInternal, u.documentShow))
	mux.Handle("GET /documents/{id}/diff", u.guard(qms.CanViewInternal, u.documentDiff))
	mux.Handle("GET /documents/{id}/pdf", u.guard(qms.CanViewInternal, u.documentPDF))
	mux.Handle("GET /documents/{id}/file", u.guard(qms.CanViewInternal, u.documentFile))
	mux.Handle("GET /documents/{id}/edit", u.guard(qms.CanEditQualityRecords, u.documentEdit))
	mux.Handle("POST /documents/{id}", u.guard(qms.CanEditQualityRecords, u.documentUpdate))
	mux.Handle("POST /documents/{id}/revisions", u.guardUpload(qms.CanEditQualityRecords, u.revisionCreate))
	mux.Handle("POST /documents/{id}/periodic-review", u.guard(qms.CanViewInternal, u.documentPeriodicReview))
	mux.Handle("POST /revisions/{id}", u.guardUpload(qms.CanEditQualityRecords, u.revisionSave))
	mux.Handle("POST /revisions/{id}/submit", u.guard(qms.CanEditQualityRecords, u.revisionSubmit()))
	mux.Handle("POST /revisions/{id}/review", u.guard(qms.CanViewInternal, u.revisionReview()))
	mux.Handle("POST /revisions/{id}/return", u.guard(qms.CanViewInternal, u.revisionReturn()))
	mux.Handle("POST /revisions/{id}/approve", u.guard(qms.CanApprove, u.revisionApprove()))
	mux.Handle("POST /revisions/{id}/effective", u.guard(qms.CanApprove, u.revisionEffective))
	mux.Handle("POST /revisions/{id}/obsolete", u.guard(qms.CanApprove, u.revisionObsolete()))
	mux.Handle("POST /acknowledgements/{id}", u.guard(qms.CanViewInternal, u.acknowledge))
	mux.Handle("GET /training", u.guard(qms.CanViewInternal, u.trainingList))

	mux.Handle("GET /processes", u.guard(qms.CanViewInternal, u.processList))
	mux.Handle("GET /processes/new", u.guard(qms.CanApprove, u.processNew))
	mux.Handle("POST /processes", u.guard(qms.CanApprove, u.processCreate))
	mux.Handle("GET /processes/{id}", u.guard(qms.CanViewInternal, u.processShow))
	mux.Handle("POST /processes/{id}", u.guard(qms.CanApprove, u.processUpdate))

	mux.Handle("GET /risks", u.guard(qms.CanViewInternal, u.riskList))
	mux.Handle("GET /risks/new", u.guard(qms.CanApprove, u.riskNew))
	mux.Handle("POST /risks", u.guard(qms.CanApprove, u.riskCreate))
	mux.Handle("GET /risks/{id}", u.guard(qms.CanViewInternal, u.riskShow))
	mux.Handle("POST /risks/{id}", u.guard(qms.CanApprove, u.riskUpdate))
	mux.Handle("POST /risks/{id}/actions", u.guard(qms.CanApprove, u.riskActionAdd))
	mux.Handle("POST /risk-actions/{id}/done", u.guard(qms.CanViewInternal, u.riskActionDone))
}

// docs returns the document operations over the UI's store.
func (u *UI) docs() *documentops.Service {
	return &documentops.Service{Store: u.account.Store, Auth: u.auth}
}

// documentFileTypes are the files a revision may hold.
var documentFileTypes = []blob.Type{blob.PDF, blob.DOCX, blob.JPEG, blob.PNG}

func documentPath(id int64) string { return documentops.DocumentPath(id) }

func revisionPath(docID int64, rev int) string {
	return documentPath(docID) + "?rev=" + strconv.Itoa(rev)
}

// formIDs reads a multi-valued field of ids.
func formIDs(r *http.Request, field string) []int64 {
	var out []int64
	for _, s := range r.Form[field] {
		if id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	return out
}

// formDate reads a date field; a malformed one is a problem under field.
func formDate(r *http.Request, p qms.Problems, field string) qms.Date {
	d, err := qms.ParseDate(strings.TrimSpace(r.Form.Get(field)))
	if err != nil {
		p.Add(field, "must be a date such as 2026-12-31")
	}
	return d
}

func docInt(r *http.Request, field string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.Form.Get(field)))
	return n
}

func formRoles(r *http.Request, field string) []qms.Role {
	var out []qms.Role
	for _, s := range r.Form[field] {
		out = append(out, qms.Role(s))
	}
	return out
}

// statusClass is the CSS class of a revision status badge.
func statusClass(s document.Status) string { return "doc-st doc-" + string(s) }
