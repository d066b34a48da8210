package web

import (
	"net/http"
	"strings"

	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/report"
)

// The quality system's own pages (issue 7 part C): quality objectives,
// management reviews with their actions and PDF, customer complaints and
// the clause evidence map with the audit pack and the ISO 13485 mode.
// Every read and change goes through package qmsops; supplier users get
// none of these pages.

// registerQualitySystem adds the routes of those pages.
func (u *UI) registerQualitySystem(mux router) {
	mux.Handle("GET /objectives", u.guard(qms.CanViewInternal, u.objectiveList))
	mux.Handle("POST /objectives", u.guard(qms.CanManageQMS, u.objectiveCreate))
	mux.Handle("GET /objectives/{id}", u.guard(qms.CanViewInternal, u.objectiveShow))
	mux.Handle("POST /objectives/{id}", u.guard(qms.CanManageQMS, u.objectiveUpdate))
	mux.Handle("POST /objectives/{id}/void", u.guard(qms.CanManageQMS, u.objectiveVoid))

	mux.Handle("GET /reviews", u.guard(qms.CanViewInternal, u.reviewList))
	mux.Handle("POST /reviews", u.guard(qms.CanManageQMS, u.reviewCreate))
	mux.Handle("GET /reviews/{id}", u.guard(qms.CanViewInternal, u.reviewShow))
	mux.Handle("POST /reviews/{id}", u.guard(qms.CanManageQMS, u.reviewUpdate))
	mux.Handle("POST /reviews/{id}/close", u.guard(qms.CanManageQMS, u.reviewClose))
	mux.Handle("POST /reviews/{id}/actions", u.guard(qms.CanManageQMS, u.reviewActionAdd))
	mux.Handle("POST /review-actions/{id}/finish", u.guard(qms.CanManageQMS, u.reviewActionFinish))
	mux.Handle("GET /reviews/{id}/review.pdf", u.guard(qms.CanViewInternal, u.reviewPDF))

	mux.Handle("GET /complaints", u.guard(qms.CanViewInternal, u.complaintList))
	mux.Handle("POST /complaints", u.guard(qms.CanEditQualityRecords, u.complaintCreate))
	mux.Handle("GET /complaints/{id}", u.guard(qms.CanViewInternal, u.complaintShow))
	mux.Handle("POST /complaints/{id}", u.guard(qms.CanManageQMS, u.complaintUpdate))
	mux.Handle("POST /complaints/{id}/close", u.guard(qms.CanManageQMS, u.complaintClose))

	mux.Handle("GET /evidence", u.guard(qms.CanViewInternal, u.evidenceMap))
	mux.Handle("POST /evidence/pack", u.guard(qms.CanViewAuditLog, u.evidencePack))
	mux.Handle("POST /settings/qms", u.guard(qms.CanManageSettings, u.qmsSettingsUpdate))
}

// qmsOps returns the quality system operations over the UI's store.
func (u *UI) qmsOps() *qmsops.Service { return &qmsops.Service{Store: u.account.Store} }

// reportFonts returns the fonts of PDF reports, loading the defaults when
// the server set none.
func (u *UI) reportFonts() (*report.Fonts, error) {
	if u.fonts != nil {
		return u.fonts, nil
	}
	return report.LoadFonts("", u.log)
}

// reviewFormDate reads a date field ("" is the zero date), recording a problem.
func reviewFormDate(r *http.Request, p qms.Problems, field string) qms.Date {
	s := strings.TrimSpace(r.Form.Get(field))
	if s == "" {
		return qms.Date{}
	}
	d, err := qms.ParseDate(s)
	if err != nil {
		p.Add(field, "must be a date such as 2026-03-31")
	}
	return d
}

// mergeProblems adds the problems of the form to those of the operation.
func mergeProblems(p qms.Problems, err error) error {
	if len(p) == 0 {
		return err
	}
	for k, v := range qms.ErrorFields(err) {
		if _, ok := p[k]; !ok {
			p[k] = v
		}
	}
	return p.Err()
}
