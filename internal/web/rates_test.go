package web

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/inspectionops/insptest"
	"qms/internal/inspectionreport"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// resultSamplePages are the report and rates pages for the template test.
func resultSamplePages() []page {
	r := &inspectionreport.Report{Number: "PSI-000042", Title: "Pre-shipment inspection report", Subtitle: "PSI · PO 1 · 深圳精密", Status: "Decided",
		Verdict: "FAIL", VerdictTone: inspectionreport.ToneFail, VerdictNote: "Not accepted", Reasons: []string{"Major: 8 found, Re 8"},
		Header:   []inspectionreport.Field{{Label: "Inspector", Value: "Nguyễn Văn Minh"}, {Label: "Factory", Value: "Nhà máy\nLô 12"}},
		Sections: []inspectionreport.SectionLine{{Label: "Workmanship (AQL)", Result: "Not conform", Tone: "fail"}},
		Sampling: []inspectionreport.Field{{Label: "Code letter", Value: "K"}},
		Classes:  []inspectionreport.ClassLine{{Class: "Major", AQL: "2.5", SampleSize: 125, Ac: 7, Re: 8, Found: 8, Result: "FAIL", Tone: "fail", Note: "normal"}},
		Defects:  []inspectionreport.DefectLine{{No: 1, Unit: 3, Code: "SCR-01", Description: "划痕 <b>", Class: "Minor", Tone: "pending", Photos: []string{"P1"}}},
		Summary:  []inspectionreport.DefectCount{{Code: "SCR-01", Minor: 1}, {Code: "FUN-01", Major: 2}},
		Measure: []inspectionreport.MeasurementLine{{No: 1, Name: "Length", Requirement: "120 ± 0.5 mm",
			Readings: []inspectionreport.Reading{{Unit: 1, Value: "120.7", Out: true}, {Unit: 2, Value: "120"}}, Out: 1, Result: "Not conform", Tone: "fail"}},
		Tests:      []inspectionreport.TestLine{{No: 4, Name: "Function", SampleSize: 8, Re: 1, Tested: 8, Failed: 1, Result: "FAIL", Tone: "fail"}},
		Checks:     []inspectionreport.CheckGroup{{Label: "Packing", Lines: []inspectionreport.CheckLine{{No: 5, Name: "Carton", Result: "Conform", Tone: "pass"}}}},
		Container:  []inspectionreport.Field{{Label: "Container no.", Value: "CSQU3054383"}},
		FAI:        []inspectionreport.FAILine{{No: 1, Name: "Length", Values: "120.1 mm", Result: "Pass", Tone: "pass"}},
		Photos:     []inspectionreport.Photo{{Ref: "P1", FileID: 9, Caption: "P1 – Defect 1", Image: true}, {Ref: "P2", FileID: 10, Caption: "P2", Missing: true}},
		Remarks:    []inspectionreport.Remark{{Text: "ok", By: "X", At: "2026-03-12"}},
		Decision:   []inspectionreport.Field{{Label: "Decision", Value: "Released under concession", Tone: "pending"}},
		Amendments: []inspectionreport.Amendment{{Text: "typo", Reason: "r", By: "王芳", At: "2026-03-14"}},
		Signatures: []inspectionreport.Signature{{Role: "Inspector", Name: "Nguyễn Văn Minh"}},
	}
	rows := rateRows([]resultops.Rate{{Label: "深圳精密"}, {Label: "Sao Mai"}}, resultops.GroupSupplier)
	rows[0].Lots, rows[0].Rejected = 10, 2
	return []page{
		&inspectionReportPage{layout: layout{Title: "Report"}, R: r, PDF: "/inspections/42/report.pdf", Back: "/inspections/42"},
		&inspectionReportPage{layout: layout{Title: "Report"}, R: &inspectionreport.Report{Draft: true, Status: "Draft", Verdict: "INCOMPLETE"}},
		&ratesPage{layout: layout{Title: "Rejection rates"}, Query: ratesQuery{Group: "supplier"}, Groups: rateGroups, Rows: rows, Total: &rows[0],
			Chart: trendChart("t", nil, qmsDate(2026, 1), qmsDate(2026, 12))},
		&ratesPage{layout: layout{Title: "Rejection rates"}, Errors: map[string]string{"from": "bad"}},
		&ratesPanel{What: "supplier", More: "/rates", Kinds: rows, Total: &rows[0]},
		&ratesPanel{What: "product"},
	}
}

func qmsDate(y int, m time.Month) qms.Date { return qms.NewDate(y, m, 1) }

// TestResultPages: the report page and PDF to whoever may see the
// inspection (another supplier's is 404 to a supplier user); the rates page
// and panel, a supplier user's showing its own supplier only.
func TestResultPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		w := insptest.Build(t, st)
		qm := qms.WithActor(context.Background(), qms.ActorOf(w.Users[qms.RoleQualityManager], "session"))
		ops := &resultops.Service{Store: st}
		for _, l := range []insptest.Line{w.PA, w.PB} {
			_, err := ops.Record(qm, resultops.ThirdParty{Agency: "QIMA", ReportNo: "Q-" + l.Product.SKU, Date: "2026-02-03",
				Supplier: strconv.FormatInt(l.Supplier.ID, 10), Site: strconv.FormatInt(l.Site.ID, 10), Product: l.Product.SKU,
				Kind: "PSI", LotSize: 3200, SampleSize: 125, MajorDefects: 9, Verdict: "fail"})
			if err != nil {
				t.Fatal(err)
			}
		}
		viewer, supA, supB := ap.signedIn(w.Users[qms.RoleViewer]), ap.signedIn(w.A.User), ap.signedIn(w.B.User)
		lotB := "/inspections/" + strconv.FormatInt(w.PB.Lot.ID, 10)

		viewer.get(lotB+"/report").must(t, 200, `id="inspection-report"`, "Overall inspection result", "TS-100-NVY", "DRAFT", "Áo thun cotton")
		supB.get(lotB+"/report").must(t, 200, `id="inspection-report"`)
		supA.get(lotB+"/report").must(t, 404)
		r := viewer.get(lotB + "/report.pdf")
		if r.code != 200 || r.hdr.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-") {
			t.Errorf("report.pdf: %d %s", r.code, r.hdr.Get("Content-Type"))
		}
		supA.get(lotB+"/report.pdf").must(t, 404)
		viewer.get("/inspections/999999/report").must(t, 404)

		page := viewer.get("/rates?group=supplier&from=2026-01-01&to=2026-12-31")
		page.must(t, 200, `id="rates-table"`, `id="rates-trend"`, "<svg", w.A.Supplier.DisplayName(), w.B.Supplier.DisplayName(), "50.0 %")
		mine := supA.get("/rates?group=supplier&from=2026-01-01&to=2026-12-31")
		mine.must(t, 200, w.A.Supplier.DisplayName())
		if strings.Contains(mine.body, w.B.Supplier.DisplayName()) {
			t.Error("supplier A's rates page shows supplier B")
		}
		viewer.get("/rates?from=2026-13-01").must(t, 400, "must be a date")
		viewer.get("/rates?group=colour").must(t, 400)

		b := strconv.FormatInt(w.B.Supplier.ID, 10)
		viewer.get("/rates/panel?supplier_id="+b).must(t, 200, `id="rates-panel"`, "Pre-shipment inspection")
		panel := supA.get("/rates/panel?supplier_id=" + b)
		panel.must(t, 200, "No lots inspected")
		viewer.get("/rates/panel?product_id="+strconv.FormatInt(w.PA.Product.ID, 10)).must(t, 200, `id="rates-panel"`)
		viewer.get("/rates/panel").must(t, 404)
	})
}
