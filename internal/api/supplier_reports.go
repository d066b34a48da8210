package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/blob"
	"qms/internal/report"
	"qms/internal/supplierreport"
)

// The supplier qualification report as a PDF (package supplierreport):
// internal users only; a supplier user gets 403 for its own supplier and
// 404 for any other. Its figures are in the API already (the supplier, its
// certificates with red flags, the scorecard), so only the printed report
// is served here.

type supplierReportInput struct {
	ID       int64 `path:"id" minimum:"1" doc:"The id of the supplier."`
	Download bool  `query:"download" doc:"Ask the browser to save the file (Content-Disposition: attachment)."`
}

func (a *API) registerSupplierReports() {
	Handle(a, huma.Operation{OperationID: "get-supplier-qualification-report-pdf", Method: http.MethodGet, Path: "/suppliers/{id}/report.pdf",
		Tags: []string{"Suppliers"}, Errors: []int{http.StatusForbidden, http.StatusNotFound},
		Summary: "The supplier qualification report as a PDF",
		Description: "An A4 report: the recommendation (the supplier's status) with who decided it and why; identity and factory sites; " +
			"certificates with their derived status, verification and red flags in plain words, and the certificate requirements; audits; " +
			"inspection history of the last twelve months with the rejection rate per inspection type, the scorecard's tier, lot acceptance rate " +
			"and PPM; open NCRs and corrective actions; the history of status decisions. Chinese text needs the CJK font (QMS_PDF_CJK_FONT). " +
			"Internal users only: it is the buyer's assessment. A supplier user gets 403 for its own supplier and 404 for any other.",
		Responses: map[string]*huma.Response{"200": {Description: "The PDF.", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}}}},
	}, a.supplierReportPDF)
}

func (a *API) supplierReportPDF(ctx context.Context, in *supplierReportInput) (*huma.StreamResponse, error) {
	rep, err := supplierreport.Load(ctx, a.store, in.ID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	fonts := a.fonts
	if fonts == nil {
		if fonts, err = report.LoadFonts("", a.log); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := supplierreport.WritePDF(&buf, rep, fonts); err != nil {
		return nil, err
	}
	name := "supplier-qualification-" + strconv.FormatInt(in.ID, 10) + ".pdf"
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		disposition := "inline"
		if in.Download {
			disposition = "attachment"
		}
		hctx.SetHeader("Content-Type", "application/pdf")
		hctx.SetHeader("Content-Disposition", blob.ContentDisposition(disposition, name))
		hctx.SetHeader("Cache-Control", "private, no-store")
		hctx.SetHeader("Content-Length", strconv.Itoa(buf.Len()))
		hctx.SetStatus(http.StatusOK)
		hctx.BodyWriter().Write(buf.Bytes())
	}}, nil
}
