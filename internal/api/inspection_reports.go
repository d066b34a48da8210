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
)

// The inspection report as a PDF, laid out like an inspection agency's
// (package inspectionreport), built through resultops: whoever may see
// the inspection may download its report; another supplier's is 404.

// WithFonts gives the API the fonts of PDF reports (report.LoadFonts) and
// returns a.
func (a *API) WithFonts(f *report.Fonts) *API {
	a.fonts = f
	return a
}

// WithReportClient sets the client or company name printed on inspection
// reports (the report-client setting) and returns a.
func (a *API) WithReportClient(name string) *API {
	a.client = name
	return a
}

type reportInput struct {
	ID       int64 `path:"id" minimum:"1" doc:"The id of the inspection."`
	Download bool  `query:"download" doc:"Ask the browser to save the file (Content-Disposition: attachment)."`
}

func (a *API) registerInspectionReports() {
	Handle(a, huma.Operation{OperationID: "get-inspection-report-pdf", Method: http.MethodGet, Path: "/inspections/{id}/report.pdf",
		Tags: []string{"Inspections"}, Errors: []int{http.StatusNotFound},
		Summary: "The inspection report as a PDF",
		Description: "An A4 report laid out like an inspection agency's: summary with the overall verdict and the section table, order and quantity, " +
			"sampling plan and result per class against Ac/Re, defects with photos, measurements with readings out of tolerance marked, tests, " +
			"packing and marking, container loading, photos, remarks, decision, amendments and signatures. Before submission it is a draft of the " +
			"running tally. Chinese text needs the CJK font (QMS_PDF_CJK_FONT). Whoever may see the inspection; another supplier's is 404.",
		Responses: map[string]*huma.Response{"200": {Description: "The PDF.", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", ContentEncoding: "binary"}}}}},
	}, a.inspectionReportPDF)
}

func (a *API) inspectionReportPDF(ctx context.Context, in *reportInput) (*huma.StreamResponse, error) {
	fonts := a.fonts
	if fonts == nil {
		var err error
		if fonts, err = report.LoadFonts("", a.log); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := a.results().InspectionReportPDF(ctx, &buf, in.ID, a.files, fonts, a.client, time.Now().UTC()); err != nil {
		return nil, err
	}
	name := "inspection-report-" + strconv.FormatInt(in.ID, 10) + ".pdf"
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
