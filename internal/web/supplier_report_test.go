package web

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierreport"
)

// TestSupplierReportRoutes: the qualification report page, its PDF and the
// API's PDF as every role: internal users get them, A's supplier user gets
// 403 for A and 404 for B (and nothing of B anywhere); the page and the
// PDF hold the supplier's Chinese name and say honestly that no audits are
// recorded.
func TestSupplierReportRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw, _ := newScanWeb(t, st)
		a, b := strconv.FormatInt(sw.w.A.Supplier.ID, 10), strconv.FormatInt(sw.w.B.Supplier.ID, 10)
		for _, path := range []string{"/suppliers/{id}/report", "/suppliers/{id}/report.pdf", "/api/v1/suppliers/{id}/report.pdf"} {
			for _, who := range []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"} {
				c := sw.clients[who]
				for _, id := range []string{a, b} {
					p := strings.Replace(path, "{id}", id, 1)
					r := c.get(p)
					want := http.StatusOK
					if who == "supplier" {
						want = http.StatusNotFound
						if id == a {
							want = http.StatusForbidden
						}
					}
					if r.code != want {
						t.Fatalf("%s as %s = %d, want %d\n%s", p, who, r.code, want, clipBody(r.body))
					}
					if who == "supplier" && (strings.Contains(r.body, "Hưng Thịnh") || strings.Contains(r.body, "%PDF")) {
						t.Errorf("%s as the supplier user leaks the report", p)
					}
					if r.code == http.StatusOK && strings.HasSuffix(p, ".pdf") && (r.hdr.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF-")) {
						t.Errorf("%s: %s, not a PDF", p, r.hdr.Get("Content-Type"))
					}
				}
			}
		}
		qm := sw.clients["quality_manager"]
		qm.get("/suppliers/"+a).must(t, http.StatusOK, `href="/suppliers/`+a+`/report"`)
		page := qm.get("/suppliers/" + a + "/report")
		page.must(t, http.StatusOK, `id="supplier-report"`, "深圳精密五金有限公司", "CN-A-9001", "No audits recorded", "No lots inspected in the period",
			`id="report-history"`, "Prospect")
		if strings.Contains(page.body, "Hưng Thịnh") {
			t.Error("A's report shows supplier B")
		}
		pdftest.Require(t)
		pdf := qm.get("/suppliers/" + a + "/report.pdf?download=1")
		if !strings.Contains(pdf.hdr.Get("Content-Disposition"), "attachment") {
			t.Errorf("download: %q", pdf.hdr.Get("Content-Disposition"))
		}
		text := strings.Join(strings.Fields(pdftest.Text(t, []byte(pdf.body))), " ")
		for _, want := range []string{"Supplier qualification report", "Shenzhen Precision Hardware Co., Ltd.", "No audits recorded", "CN-A-9001"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	})
}

// supplierReportSample is a sample page of the qualification report for
// TestTemplatesRender, built from a supplier's detail with audits, lots,
// open issues and decisions.
func supplierReportSample(d *store.SupplierDetail) page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	score := 86.5
	in := supplierreport.Input{Detail: d, Generated: now, From: qms.NewDate(2025, 12, 1), To: qms.NewDate(2026, 11, 30),
		Products: map[int64]string{5: "控制板 PCB-7"}, LotsTotal: 40}
	if d.Supplier.VoidedAt == nil {
		in.Scorecard = sampleScorecard().SC
		in.History = []supplierreport.Change{{At: now, By: "QM <b>", Action: "status", From: supplier.StatusUnderQualification, To: supplier.StatusApproved, Reason: "audit passed"},
			{At: now, By: "fixture", Action: qms.ActionCreate, To: supplier.StatusProspect}, {At: now, By: "QM", Action: qms.ActionVoid}}
		in.Audits = []qaudit.Audit{{ID: 3, Type: qaudit.TypeSupplier, Status: qaudit.StatusClosed, Title: "Factory audit", Lead: "Lan", CompletedOn: qms.NewDate(2026, 10, 1), Score: &score},
			{ID: 4, Type: qaudit.TypeSupplier, Status: qaudit.StatusPlanned, Title: "Re-audit", PlannedStart: qms.NewDate(2027, 1, 10)}}
		in.Lots = []inspection.LotResult{{ProductID: 5, Kind: inspection.KindPreShipment, InspectedOn: qms.NewDate(2026, 11, 1), LotSize: 2000, SampleSize: 125,
			Verdict: inspection.VerdictFail, Rejected: true, Agency: "QIMA"}, {ProductID: 6, Kind: inspection.KindIncoming, Resubmitted: true, Verdict: inspection.VerdictPass}}
		in.NCRs = []ncr.NCR{{ID: 9, Title: "Connector cracked", Status: ncr.StatusOpen, Severity: inspection.Major}}
		in.CAPAs = []capa.CAPA{{ID: 2, Kind: capa.KindSupplier, Title: "SCAR connector", Status: capa.StatusOpen}}
	}
	return &supplierReportPage{layout: layout{Title: "Qualification report"}, R: supplierreport.Build(in), PDF: "/suppliers/7/report.pdf", Back: "/suppliers/7"}
}
