package inspectionreport

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"qms/internal/inspection"
	"qms/internal/report"
	"qms/internal/report/pdftest"
)

func testFonts(t testing.TB) *report.Fonts {
	t.Helper()
	fs, err := report.LoadFonts(os.Getenv("QMS_PDF_CJK_FONT"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fs.CJKFont() == "" {
		msg := "no CJK TrueType font found: install fonts-lxgw-wenkai"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return fs
}

func render(t testing.TB, r *Report, photos map[int64][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WritePDF(&b, r, testFonts(t), photos); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestModel checks the report model of the sample inspection against the
// inspection's own numbers.
func TestModel(t *testing.T) {
	s := newSample(t, 12)
	r := Build(s.in)
	res := s.in.Inspection.Result
	if r.Number != "PSI-000042" || r.Title != "Pre-shipment inspection report" || r.Status != "Decided" || r.Draft {
		t.Errorf("header: %q %q %q draft=%v", r.Number, r.Title, r.Status, r.Draft)
	}
	if res.Verdict != inspection.VerdictFail || r.Verdict != "FAIL" || r.VerdictTone != ToneFail {
		t.Fatalf("verdict %s / %s; reasons %v", res.Verdict, r.Verdict, res.Reasons)
	}
	if len(r.Defects) != len(res.Defects) || len(r.Defects) != 12 {
		t.Errorf("%d defect lines for %d defects", len(r.Defects), len(res.Defects))
	}
	if len(r.Sections) != len(inspection.SectionsFor(inspection.KindPreShipment)) {
		t.Errorf("%d section lines", len(r.Sections))
	}
	for _, sl := range r.Sections {
		want := map[inspection.Section]string{inspection.SecMarking: "Not conform", inspection.SecTests: "Not conform",
			inspection.SecMeasurements: "Not conform", inspection.SecWorkmanship: "Not conform", inspection.SecQuantity: "Conform"}[sl.Section]
		if want != "" && sl.Result != want {
			t.Errorf("section %s: %s, want %s", sl.Section, sl.Result, want)
		}
	}
	for _, c := range r.Classes {
		cr, _ := res.Class(map[string]inspection.DefectClass{"Critical": inspection.Critical, "Major": inspection.Major, "Minor": inspection.Minor}[c.Class])
		if c.Found != cr.Found || c.Ac != cr.Ac || c.Re != cr.Re || c.SampleSize != cr.SampleSize {
			t.Errorf("class %s: %+v vs result %+v", c.Class, c, cr)
		}
	}
	outs := 0
	for _, m := range r.Measure {
		for _, rd := range m.Readings {
			if rd.Out {
				outs++
			}
		}
	}
	if outs != 2 { // 120.7 and 119.4 against 120 ± 0.5
		t.Errorf("%d readings marked out of tolerance, want 2", outs)
	}
	// Every photo is numbered once, in report order, defect photos first.
	seen := map[int64]bool{}
	for i, p := range r.Photos {
		if seen[p.FileID] {
			t.Errorf("photo %d listed twice", p.FileID)
		}
		seen[p.FileID] = true
		if want := "P" + strconv.Itoa(i+1); p.Ref != want {
			t.Errorf("photo %d has ref %s", i, p.Ref)
		}
	}
	if len(r.DefectPhotos())+len(r.GeneralPhotos()) != len(r.Photos) || len(r.GeneralPhotos()) != 4 {
		t.Errorf("%d defect and %d general photos of %d", len(r.DefectPhotos()), len(r.GeneralPhotos()), len(r.Photos))
	}
	if len(r.Amendments) != 1 || len(r.Decision) == 0 || r.Decision[0].Value != "Released under concession" {
		t.Errorf("amendments %v decision %v", r.Amendments, r.Decision)
	}
	if !strings.Contains(r.Footer, "amended") {
		t.Errorf("footer %q does not say the report was amended", r.Footer)
	}
}

// TestPDF renders the sample report and checks its text (every key string,
// Chinese and Vietnamese exactly), its page count and that no page is
// blank.
func TestPDF(t *testing.T) {
	pdftest.Require(t)
	s := newSample(t, 12)
	r := Build(s.in)
	pdf := render(t, r, s.photos)

	pages := pdftest.Pages(t, pdf)
	if pages < 4 || pages > 8 {
		t.Errorf("%d pages; the sample report should take 4 to 8", pages)
	}
	text := pdftest.Text(t, pdf)
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{
		"Pre-shipment inspection report", "Report No. PSI-000042", "Overall inspection result", "FAIL",
		"深圳市华强电子有限公司", "Shenzhen Huaqiang Electronics Co., Ltd.", "Nhà máy Bắc Ninh", "Lô 12, KCN Quế Võ, Bắc Ninh, Việt Nam",
		"Nguyễn Văn Minh", "王芳 (Wang Fang)", "Müller Audio GmbH", "蓝牙音箱 BS-20", "PO-2026-0042", "BS-20-BLK",
		"Summary of results", "Quantity", "Product conformity", "Packing", "Marking and labelling", "Workmanship (AQL)",
		"On-site tests", "Measurements", "Not conform", "Conform",
		"Order and quantity", "3,200 pcs", "2,880 pcs (90 %)", "267",
		"Sampling plan and result per class", "ISO 2859-1:1999", "Code letter", "Critical", "Major", "Minor", "2.5", "4.0", "zero tolerance",
		"Defects found", "划痕 Scratch on housing > 2 mm", "top cover 顶盖", "Kiểm tra lại toàn", "No sound from left driver",
		"Defect summary", "120 ± 0.5 mm", "4: 120.7 ✗", "6: 119.4 ✗", "380 – 420 g",
		"Function test", "no Bluetooth pairing", "Export carton", "side mark lacks",
		"Photos of findings", "Shipping marks 唛头", "Remarks", "Factory confirmed the sound defect; 工厂将全检。", "Nhà máy đã xác nhận lỗi âm thanh.",
		"Golden sample GS-2026-014 was at the factory.",
		"Decision", "Released under concession", "100 % function test at the factory, 5 % discount",
		"Amendments", "Unit 52 was re-tested by the factory", "Factory's sorting report",
		"Signatures", "Inspector", "Factory representative", "Quality manager (decision)", "Decided electronically: Released under", "Decision: Released under concession by 王芳 (Wang Fang) on 2026-03-13",
		"Generated 2026-03-14 09:26 UTC",
	} {
		if !strings.Contains(text, norm.NFC.String(want)) && !strings.Contains(flat, norm.NFC.String(want)) {
			t.Errorf("extracted text lacks %q", want)
		}
	}
	for _, d := range r.Defects {
		for _, p := range d.Photos {
			if !strings.Contains(text, p+" – Defect") {
				t.Errorf("photo %s of defect %d has no caption in the PDF", p, d.No)
			}
		}
	}
	imgs := pdftest.Render(t, pdf, 40)
	if len(imgs) != pages {
		t.Fatalf("pdftoppm rendered %d pages of %d", len(imgs), pages)
	}
	for i, img := range imgs {
		if ink := pdftest.InkIn(img, 0.11, 0.94); ink < 0.02 {
			t.Errorf("page %d body is nearly blank: %.3f of pixels inked", i+1, ink)
		}
	}
	if dir := os.Getenv("REPORT_PNG_DIR"); dir != "" { // for looking at the layout
		pdftest.Save(t, pdftest.Render(t, pdf, 70), dir, "inspection")
	}
}

// TestDraftAndFAI: a report before submission is a draft with a
// watermark; a first article report lists every characteristic.
func TestDraftAndFAI(t *testing.T) {
	pdftest.Require(t)
	s := newSample(t, 0)
	x := s.in.Inspection
	x.Status, x.Decision, x.SubmittedAt, x.Verdict = inspection.StatusInProgress, nil, nil, ""
	s.in.Result, x.Result, s.in.Amendments = inspection.Evaluate(x, s.in.Spec, s.entries[:5]), nil, nil
	r := Build(s.in)
	if !r.Draft || r.Verdict != "FAIL" && r.Verdict != "INCOMPLETE" {
		t.Errorf("draft %v verdict %s", r.Draft, r.Verdict)
	}
	text := pdftest.Text(t, render(t, r, nil))
	for _, want := range []string{"DRAFT", "Not submitted yet", "Awaiting the decision", "(not available)"} {
		if !strings.Contains(text, want) {
			t.Errorf("draft report lacks %q", want)
		}
	}

	fai := newSample(t, 0)
	f := fai.in.Inspection
	f.Kind, f.Sampling, f.FAIPieces, f.Status = inspection.KindFirstArticle, nil, 3, inspection.StatusSubmitted
	f.Decision = nil
	pass := true
	f.Result = &inspection.Result{Verdict: inspection.VerdictPass}
	for _, c := range fai.in.Spec.Characteristics {
		row := inspection.FAIRow{No: c.No, Name: c.Name, Kind: c.Kind, Requirement: c.Requirement(), Pass: &pass, Gauge: "Mitutoyo 500-196"}
		if c.Kind == inspection.CharDimensional {
			row.Values, row.UnitOfMeasure = []float64{120.1, 119.9, 120.2}, c.Unit
		}
		f.Result.FAI = append(f.Result.FAI, row)
	}
	f.Verdict = inspection.VerdictPass
	r = Build(fai.in)
	if r.Title != "First article inspection report" || len(r.FAI) != len(fai.in.Spec.Characteristics) {
		t.Fatalf("title %q, %d FAI lines", r.Title, len(r.FAI))
	}
	text = pdftest.Text(t, render(t, r, nil))
	for _, want := range []string{"FAI-000042", "First article results", "120.1; 119.9; 120.2 mm", "Mitutoyo", "PASS"} {
		if !strings.Contains(text, want) {
			t.Errorf("FAI report lacks %q", want)
		}
	}
}
