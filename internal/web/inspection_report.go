package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"qms/internal/blob"
	"qms/internal/inspectionreport"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/resultops"
)

// The inspection report, as a page and as a PDF: whoever may see the
// inspection (resultops over inspectionops: another supplier's is "not
// found" to a supplier user) sees its report, laid out like an inspection
// agency's (package inspectionreport). Before submission it is a draft of
// the running tally.

// WithFonts gives the UI the fonts of PDF reports (report.LoadFonts) and
// returns u.
func (u *UI) WithFonts(f *report.Fonts) *UI {
	u.fonts = f
	return u
}

// WithReportClient sets the client or company name printed on inspection
// reports (the report-client setting) and returns u.
func (u *UI) WithReportClient(name string) *UI {
	u.client = name
	return u
}

// registerResults adds the routes of the inspection report, the rejection
// rates page and its panel for the supplier and product pages.
func (u *UI) registerResults(mux router) {
	mux.Handle("GET /inspections/{id}/report", u.guard(signedIn, u.inspectionReport))
	mux.Handle("GET /inspections/{id}/report.pdf", u.guard(signedIn, u.inspectionReportPDF))
	mux.Handle("GET /rates", u.guard(signedIn, u.ratesPage))
	mux.Handle("GET /rates/panel", u.guard(signedIn, u.ratesPanel))
}

func (u *UI) results() *resultops.Service { return &resultops.Service{Store: u.account.Store} }

type inspectionReportPage struct {
	layout
	R   *inspectionreport.Report
	PDF string
	// Back is the inspection's page.
	Back string
}

func (*inspectionReportPage) template() string { return "inspection_report" }

func (u *UI) inspectionReport(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := u.results().InspectionReport(r.Context(), id, u.client, time.Now().UTC())
	if err != nil {
		return err
	}
	base := "/inspections/" + strconv.FormatInt(id, 10)
	u.render(w, r, http.StatusOK, &inspectionReportPage{layout: layout{Title: rep.Title + " " + rep.Number}, R: rep,
		PDF: base + "/report.pdf", Back: base})
	return nil
}

func (u *UI) inspectionReportPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	fonts := u.fonts
	if fonts == nil {
		if fonts, err = report.LoadFonts("", u.log); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := u.results().InspectionReportPDF(r.Context(), &buf, id, u.files, fonts, u.client, time.Now().UTC()); err != nil {
		return err
	}
	disposition := "inline"
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition(disposition, "inspection-report-"+strconv.FormatInt(id, 10)+".pdf"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}
