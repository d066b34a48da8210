package web

import (
	"net/http"
	"strconv"
	"strings"

	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
)

// The audit pages: the list of audits and findings, the yearly audit
// programme (lines by process, clause or supplier with their slots:
// planned, scheduled, done, overdue), planning an audit, the audit page
// where the team answers the checklist on a tablet (a grade, evidence and
// a camera photo per question), issuing the report, the report as a page
// and a PDF, the follow-up of findings (NCR, CAPA, due date, closing), and
// the checklist templates (shipped ones and users' copies). Every read and
// change goes through package qauditops. A supplier user sees only its own
// supplier's issued supplier audits (the list and the report); everything
// else is "not found" to it.

// registerQAudits adds the routes of the audit pages.
func (u *UI) registerQAudits(mux router) {
	mux.Handle("GET /audits", u.guard(signedIn, u.qauditList))
	mux.Handle("GET /audits/new", u.guard(qaudit.CanManage, u.qauditNew))
	mux.Handle("POST /audits", u.guard(qaudit.CanManage, u.qauditCreate))
	mux.Handle("GET /audits/{id}", u.guard(signedIn, u.qauditShow))
	mux.Handle("POST /audits/{id}/start", u.guard(qms.CanViewInternal, u.qauditStart))
	mux.Handle("POST /audits/{id}/complete", u.guard(qms.CanViewInternal, u.qauditComplete))
	mux.Handle("POST /audits/{id}/cancel", u.guard(qaudit.CanManage, u.qauditCancel))
	mux.Handle("POST /audits/{id}/questions/{line}", u.guardUpload(qms.CanViewInternal, u.qauditAnswer))
	mux.Handle("GET /audits/{id}/report", u.guard(signedIn, u.qauditReport))
	mux.Handle("GET /audits/{id}/report.pdf", u.guard(signedIn, u.qauditReportPDF))
	mux.Handle("POST /audit-findings/{id}/ncr", u.guard(qaudit.CanManage, u.qauditFindingNCR))
	mux.Handle("POST /audit-findings/{id}/capa", u.guard(qaudit.CanManage, u.qauditFindingCAPA))
	mux.Handle("POST /audit-findings/{id}/due", u.guard(qaudit.CanManage, u.qauditFindingDue))
	mux.Handle("POST /audit-findings/{id}/close", u.guard(qaudit.CanManage, u.qauditFindingClose))
	mux.Handle("GET /audit-programme", u.guard(qaudit.CanSeeProgramme, u.qauditProgramme))
	mux.Handle("POST /audit-programme", u.guard(qaudit.CanManage, u.qauditProgrammeCreate))
	mux.Handle("POST /audit-programme/{id}/items", u.guard(qaudit.CanManage, u.qauditItemAdd))
	mux.Handle("POST /audit-programme-items/{id}/remove", u.guard(qaudit.CanManage, u.qauditItemRemove))
	mux.Handle("GET /audit-templates", u.guard(qaudit.CanSeeProgramme, u.qauditTemplates))
	mux.Handle("POST /audit-templates", u.guard(qaudit.CanManage, u.qauditTemplateCopy))
	mux.Handle("GET /audit-templates/{key}", u.guard(qaudit.CanSeeProgramme, u.qauditTemplate))
	mux.Handle("POST /audit-templates/{key}", u.guard(qaudit.CanManage, u.qauditTemplateSave))
}

// qaudits returns the audit operations over the UI's store and files.
func (u *UI) qaudits() *qauditops.Service {
	return &qauditops.Service{Store: u.account.Store, Files: u.files}
}

// qaAudit is the path of an audit's page.
func qaAudit(id int64) string { return "/audits/" + strconv.FormatInt(id, 10) }

// qaDate reads a date field (empty is the zero date); a malformed one is a
// problem of the field.
func qaDate(p qms.Problems, r *http.Request, field string) qms.Date {
	v := strings.TrimSpace(r.Form.Get(field))
	if v == "" {
		return qms.Date{}
	}
	d, err := qms.ParseDate(v)
	if err != nil {
		p.Add(field, "is not a date such as 2026-03-31")
	}
	return d
}

// qaID reads an optional id field (empty is 0).
func qaID(p qms.Problems, r *http.Request, field string) int64 {
	v := strings.TrimSpace(r.Form.Get(field))
	if v == "" {
		return 0
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		p.Add(field, "is not an id")
	}
	return id
}
