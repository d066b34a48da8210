package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/supplierreport"
)

// The supplier qualification report, as a page and as a PDF (package
// supplierreport): internal users only; a supplier user gets 403 for its
// own supplier and 404 for any other.

// registerSupplierReports adds the routes of the qualification report.
func (u *UI) registerSupplierReports(mux router) {
	mux.Handle("GET /suppliers/{id}/report", u.guard(signedIn, u.supplierReport))
	mux.Handle("GET /suppliers/{id}/report.pdf", u.guard(signedIn, u.supplierReportPDF))
}

type supplierReportPage struct {
	layout
	R    *supplierreport.Report
	PDF  string
	Back string
}

func (*supplierReportPage) template() string { return "supplier_report" }

func (u *UI) supplierReport(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := supplierreport.Load(r.Context(), u.account.Store, id, time.Now().UTC())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, &supplierReportPage{layout: layout{Title: rep.Title + " · " + rep.Subtitle}, R: rep,
		PDF: supplierPath(id) + "/report.pdf", Back: supplierPath(id)})
	return nil
}

func (u *UI) supplierReportPDF(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := supplierreport.Load(r.Context(), u.account.Store, id, time.Now().UTC())
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
	if err := supplierreport.WritePDF(&buf, rep, fonts); err != nil {
		return err
	}
	disposition := "inline"
	if v := r.URL.Query().Get("download"); v == "1" || v == "true" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", blob.ContentDisposition(disposition, "supplier-qualification-"+strconv.FormatInt(id, 10)+".pdf"))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = buf.WriteTo(w)
	return err
}
