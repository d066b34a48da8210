package supplierreport_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
	"qms/internal/supplierreport"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

// world is the supplier fixture with A approved by its quality manager, a
// certificate of A with an unrecognised accreditation body, three lots of
// A in the last months (one rejected) and an open NCR of A.
func world(t *testing.T, st *store.Store) *opstest.World {
	t.Helper()
	w := opstest.Build(t, st)
	qm := as(w.Users[qms.RoleQualityManager])
	ops := &supplierops.Service{Store: st}
	A := w.A
	if _, err := ops.SetStatus(qm, A.Supplier.ID, supplier.StatusUnderQualification, "Documents received; audit booked.", A.Supplier.Version); err != nil {
		t.Fatal(err)
	}
	sup, err := ops.SetStatus(qm, A.Supplier.ID, supplier.StatusApproved, "Factory audit passed; ISO 9001 verified on CertSearch.", A.Supplier.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	A.Supplier = sup
	today := opstest.Day(0)
	c := &supplier.Certificate{SupplierID: A.Supplier.ID, Kind: supplier.KindManagementSystem, Standard: "ISO 14001:2015", Number: "EMS-深圳-77",
		CertificationBody: "Global Certification Services Ltd", AccreditationBody: "IAC", Scope: "Manufacture of electronic assemblies",
		HolderName: "深圳精密五金有限公司", SiteIDs: []int64{A.Site.ID}, IssueDate: today.AddDate(0, -2, 0), ExpiryDate: today.AddDate(2, 0, 0)}
	if err := ops.CreateCertificate(qm, c); err != nil {
		t.Fatal(err)
	}
	err = st.Update(qm, func(tx *store.Tx) error {
		p := &inspection.Product{SKU: "PCB-7", Name: "控制板 PCB-7 controller board", Category: "electronics"}
		if err := tx.CreateProduct(p); err != nil {
			return err
		}
		for i, rej := range []bool{false, true, false} {
			r := &inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", SupplierID: A.Supplier.ID, SiteID: A.Site.ID,
				ProductID: p.ID, Kind: inspection.KindPreShipment, InspectedOn: today.AddDate(0, 0, -10*(i+1)), PONumber: "PO-88" + string(rune('1'+i)),
				LotSize: 2000, SampleSize: 125, Verdict: inspection.VerdictPass}
			if rej {
				r.Verdict, r.Rejected, r.DefectiveUnits, r.MajorDefective, r.MajorDefects = inspection.VerdictFail, true, 6, 6, 7
			}
			if err := tx.InsertLotResult(r); err != nil {
				return err
			}
		}
		return tx.CreateNCR(&ncr.NCR{Source: ncr.SourceComplaint, ComplaintRef: "RMA-7781", Title: "Customer return: connector cracked",
			Severity: inspection.Major, SupplierID: A.Supplier.ID, Found: "3 returns in week 12", DetectedOn: today.AddDate(0, 0, -5), QuantityAffected: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestReportModel: the report holds the supplier's identity and sites,
// its certificates with status and red flags in plain words, "no audits"
// when none are recorded, the lots and rejection rate with the scorecard's
// tier, the open NCR, and the approval with who decided it and why; and
// nothing of another supplier.
func TestReportModel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := world(t, st)
		qmUser := w.Users[qms.RoleQualityManager]
		r, err := supplierreport.Load(as(w.Users[qms.RoleViewer]), st, w.A.Supplier.ID, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != "Approved" || r.RecommendationTone != supplierreport.TonePass || !strings.Contains(r.DecidedBy, qmUser.Name) ||
			!strings.Contains(r.DecisionReason, "Factory audit passed") {
			t.Errorf("recommendation: %q %q by %q: %q", r.Status, r.Recommendation, r.DecidedBy, r.DecisionReason)
		}
		if len(r.History) != 3 || !strings.Contains(r.History[0].Change, "Approved") || r.History[0].By != qmUser.Name ||
			!strings.Contains(r.History[2].Change, "Recorded") {
			t.Errorf("history: %+v", r.History)
		}
		if len(r.Sites) != 1 || r.Sites[0].Name != "深圳精密五金有限公司" || !strings.Contains(r.Sites[0].Address, "深圳市宝安区") {
			t.Errorf("sites: %+v", r.Sites)
		}
		var ems *supplierreport.CertLine
		for i := range r.Certificates {
			if r.Certificates[i].Number == "EMS-深圳-77" {
				ems = &r.Certificates[i]
			}
		}
		if ems == nil || len(r.Certificates) != 2 {
			t.Fatalf("certificates: %+v", r.Certificates)
		}
		found := false
		for _, f := range ems.Flags {
			found = found || strings.Contains(f.Message, "“IAC”") && strings.Contains(f.Message, "not recognised")
		}
		if !found || ems.Validity == "" || ems.Verification == "" || !strings.Contains(ems.Sites, "Shenzhen Precision Hardware") {
			t.Errorf("the certificate line lacks its status or red flag in words: %+v", ems)
		}
		if len(r.Audits) != 0 {
			t.Errorf("audits: %+v, want none (none recorded)", r.Audits)
		}
		// A planned factory audit is listed as planned, with its lead.
		planned := &qaudit.Audit{Type: qaudit.TypeSupplier, Title: "Factory audit 2027", Scope: "SMT, assembly, final inspection",
			TemplateKey: qaudit.KeyFactory, SupplierID: w.A.Supplier.ID, SiteID: w.A.Site.ID, Auditee: "QA manager",
			LeadID: w.Users[qms.RoleAuditor].ID, PlannedStart: opstest.Day(20), PlannedEnd: opstest.Day(21)}
		if err := st.Update(as(qmUser), func(tx *store.Tx) error { return tx.PlanAudit(planned) }); err != nil {
			t.Fatal(err)
		}
		r2, err := supplierreport.Load(as(qmUser), st, w.A.Supplier.ID, time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		if len(r2.Audits) != 1 || r2.Audits[0].Title != "Factory audit 2027" || !strings.Contains(r2.Audits[0].Date, "(planned)") ||
			r2.Audits[0].Lead != w.Users[qms.RoleAuditor].Name || r2.Audits[0].Score != "" {
			t.Errorf("audits: %+v, want the planned factory audit", r2.Audits)
		}
		if r.Tier == "" || len(r.Lots) != 3 || len(r.Rates) != 1 || r.Rates[0].Lots != "3" || r.Rates[0].Rejected != "1" ||
			r.Rates[0].RejectionRate != "33.3 %" {
			t.Errorf("performance: tier %q, lots %+v, rates %+v", r.Tier, r.Lots, r.Rates)
		}
		want := map[string]string{"Lots inspected": "3", "Lot acceptance rate": "66.7 %", "PPM (defective units per million)": "16000"}
		for _, f := range r.Scorecard {
			if v, ok := want[f.Label]; ok {
				if f.Value != v {
					t.Errorf("%s = %q, want %q", f.Label, f.Value, v)
				}
				delete(want, f.Label)
			}
		}
		if len(want) != 0 {
			t.Errorf("scorecard summary lacks %v: %+v", want, r.Scorecard)
		}
		if len(r.NCRs) != 1 || r.NCRs[0].Title != "Customer return: connector cracked" || len(r.CAPAs) != 0 {
			t.Errorf("open issues: %+v %+v", r.NCRs, r.CAPAs)
		}
		if !slicesContain(r.Attention, "Open: 1 NCR and 0 corrective actions") {
			t.Errorf("attention: %q", r.Attention)
		}
		if s := strings.Join(flatten(r), "\n"); strings.Contains(s, "Hưng Thịnh") || strings.Contains(s, w.B.Certificate.Number) {
			t.Errorf("the report of A holds supplier B")
		}
	})
}

// TestReportPermission: internal users read any supplier's report; a
// supplier user may not read its own (forbidden) and never learns of
// another's (not found); an unknown supplier is not found.
func TestReportPermission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		now := time.Now().UTC()
		for _, role := range []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor} {
			if _, err := supplierreport.Load(as(w.Users[role]), st, w.B.Supplier.ID, now); err != nil {
				t.Errorf("%s: %v", role, err)
			}
		}
		for _, c := range []struct {
			who  *qms.User
			id   int64
			kind qms.Kind
		}{
			{w.A.User, w.A.Supplier.ID, qms.KindForbidden},
			{w.A.User, w.B.Supplier.ID, qms.KindNotFound},
			{w.B.User, w.A.Supplier.ID, qms.KindNotFound},
			{w.Users[qms.RoleViewer], 99999, qms.KindNotFound},
		} {
			_, err := supplierreport.Load(as(c.who), st, c.id, now)
			if qms.ErrorKind(err) != c.kind {
				t.Errorf("%s reading supplier %d: %v, want %v", c.who.Email, c.id, err, c.kind)
			}
		}
		if _, err := supplierreport.Load(context.Background(), st, w.A.Supplier.ID, now); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("no actor: %v", err)
		}
	})
}

// TestReportPDF: the PDF holds every section, the Chinese and Vietnamese
// names as text, the red flag and "no audits recorded", and renders with
// ink on every page.
func TestReportPDF(t *testing.T) {
	pdftest.Require(t)
	fonts, err := report.LoadFonts(os.Getenv("QMS_PDF_CJK_FONT"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fonts.CJKFont() == "" {
		msg := "no CJK TrueType font found: install fonts-lxgw-wenkai"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	st := storetest.Open(t, store.SQLite)
	w := world(t, st)
	r, err := supplierreport.Load(as(w.Users[qms.RoleQualityManager]), st, w.A.Supplier.ID, time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := supplierreport.WritePDF(&buf, r, fonts); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, buf.Bytes())
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"Supplier qualification report", r.Number, "深圳精密五金有限公司", "Shenzhen Precision Hardware Co., Ltd.",
		"控制板 PCB-7", "EMS-深圳-77", "not recognised", "No audits recorded", "Recommendation", "APPROVED", "Factory audit passed",
		"Customer return: connector cracked", "66.7 %", "Lot acceptance", "Decisions", "Open issues", "Certificate requirements"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Hưng Thịnh") {
		t.Error("the PDF of A holds supplier B")
	}
	pages := pdftest.Render(t, buf.Bytes(), 40)
	if len(pages) < 2 {
		t.Errorf("%d pages, want at least 2", len(pages))
	}
	for i, img := range pages {
		if pdftest.Ink(img) == 0 {
			t.Errorf("page %d is blank", i+1)
		}
	}
}

func slicesContain(ss []string, sub string) bool {
	for _, s := range ss {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// flatten lists the report's strings.
func flatten(r *supplierreport.Report) []string {
	out := []string{r.Subtitle, r.Recommendation, r.DecisionReason}
	for _, f := range r.Identity {
		out = append(out, f.Value)
	}
	for _, s := range r.Sites {
		out = append(out, s.Name, s.NameLatin, s.Address)
	}
	for _, c := range r.Certificates {
		out = append(out, c.Number, c.Sites)
		for _, f := range c.Flags {
			out = append(out, f.Message)
		}
	}
	for _, l := range r.Lots {
		out = append(out, l.Product, l.PO)
	}
	for _, n := range r.NCRs {
		out = append(out, n.Title)
	}
	return out
}
