package auditreport

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"strings"
	"testing"
	"time"

	"qms/internal/qaudit"
	"qms/internal/qms"
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

func jpegOf(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 90))
	for x := range 120 {
		for y := range 90 {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 2), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sample is an issued supplier audit of a Chinese factory: a major (with a
// photo, an NCR and a SCAR), a minor (closed), an observation, N/A.
func sample() Input {
	at := time.Date(2026, 3, 11, 9, 30, 0, 0, time.UTC)
	a := &qaudit.QualityAudit{ID: 12, Type: qaudit.TypeSupplier, Status: qaudit.StatusCompleted, Title: "东莞精密五金 re-audit 2026",
		Scope: "Plant 1: moulding, assembly, final inspection", Criteria: "Buyer's supplier requirements", TemplateName: "Factory technical audit",
		SupplierName: "东莞市精密五金有限公司", Auditee: "QA manager 王芳", Lead: "Nguyễn Thị Lan", Team: []qaudit.TeamMember{{ID: 3, Name: "Jörg Weiß"}},
		PlannedStart: qms.NewDate(2026, 3, 10), PlannedEnd: qms.NewDate(2026, 3, 11), StartedOn: qms.NewDate(2026, 3, 10),
		CompletedOn: qms.NewDate(2026, 3, 11), Summary: "Incoming control is weak (来料检验记录缺失); the rest works."}
	qs := []qaudit.Question{
		{Line: 1, Clause: "1.1", Section: "QMS", Text: "Valid ISO 9001 certificate?", Grade: qaudit.GradeConform, AnsweredBy: "Lan", AnsweredAt: &at},
		{Line: 2, Clause: "2.2", Section: "Incoming control", Text: "Is IQC performed and recorded?", Grade: qaudit.GradeMajor,
			Evidence: "No IQC records for resin lots in February", Photos: []int64{7}},
		{Line: 3, Clause: "2.3", Section: "Incoming control", Text: "Material certificates checked?", Grade: qaudit.GradeMinor, Evidence: "Lot R-118 unsigned"},
		{Line: 4, Clause: "3.1", Section: "Production control", Text: "Work instructions at the line?", Grade: qaudit.GradeObservation, Evidence: "Two copies faded"},
		{Line: 5, Clause: "10.1", Section: "Facility", Text: "ESD controls?", Grade: qaudit.GradeNA},
	}
	closed := at
	fs := []qaudit.AuditFinding{
		{ID: 31, Line: 2, Grade: qaudit.GradeMajor, Clause: "2.2", Question: qs[1].Text, Evidence: qs[1].Evidence, Status: qaudit.FindingOpen,
			DueOn: qms.NewDate(2026, 4, 10), NCRID: 44, CAPAID: 5},
		{ID: 32, Line: 3, Grade: qaudit.GradeMinor, Clause: "2.3", Question: qs[2].Text, Evidence: qs[2].Evidence, Status: qaudit.FindingClosed,
			DueOn: qms.NewDate(2026, 6, 9), ClosureNote: "Signed certificate received", ClosedAt: &closed},
		{ID: 33, Line: 4, Grade: qaudit.GradeObservation, Clause: "3.1", Question: qs[3].Text, Evidence: qs[3].Evidence, Status: qaudit.FindingNoted},
	}
	return Input{Audit: a, Questions: qs, Findings: fs, Files: map[int64]FileInfo{7: {Name: "iqc-shelf.jpg", Image: true}},
		Generated: time.Date(2026, 4, 20, 8, 0, 0, 0, time.UTC)}
}

func TestModel(t *testing.T) {
	r := Build(sample())
	// 4 applicable: 1 conform, 1 observation, 1 minor, 1 major: (4-1-3)/4 = 0.
	if r.Score != "0 %" || r.ScoreTone != ToneFail || r.Number != "AUD-00012" || r.Draft {
		t.Errorf("score %q tone %s number %s draft %v", r.Score, r.ScoreTone, r.Number, r.Draft)
	}
	if len(r.Sections) != 4 || r.Sections[1].Section != "Incoming control" || r.Sections[1].Major != 1 || r.Sections[1].Minor != 1 || r.Sections[1].Tone != ToneFail ||
		r.Sections[3].NA != 1 || r.Sections[3].Tone != TonePass {
		t.Errorf("sections %+v", r.Sections)
	}
	f := r.Findings[0]
	if f.Number != "AF-00031" || f.Links != "NCR-00044, SCAR-00005" || f.Status != "Overdue" || f.StatusTone != ToneFail {
		t.Errorf("major finding %+v", f)
	}
	if r.Findings[1].StatusTone != TonePass || r.Findings[2].Due != "—" {
		t.Errorf("findings %+v", r.Findings[1:])
	}
	if len(r.Photos) != 1 || r.Photos[0].Ref != "P1" || r.Questions[1].Photos[0] != "P1" || !strings.Contains(r.Photos[0].Caption, "iqc-shelf.jpg") {
		t.Errorf("photos %+v", r.Photos)
	}
	in := sample()
	in.HideNCRs = true
	if got := Build(in).Findings[0].Links; got != "SCAR-00005" {
		t.Errorf("supplier's links %q", got)
	}
	for _, tc := range []struct {
		s    qaudit.Score
		want string
	}{
		{qaudit.Score{HasScore: true, Percent: 92}, TonePass},
		{qaudit.Score{HasScore: true, Percent: 80}, TonePending},
		{qaudit.Score{HasScore: true, Percent: 95, Major: 1}, ToneFail},
		{qaudit.Score{HasScore: true, Percent: 60}, ToneFail},
		{qaudit.Score{}, TonePlain},
	} {
		if got := ScoreTone(tc.s); got != tc.want {
			t.Errorf("ScoreTone(%+v) = %s, want %s", tc.s, got, tc.want)
		}
	}
}

func TestPDF(t *testing.T) {
	pdftest.Require(t)
	fonts := testFonts(t)
	var b bytes.Buffer
	if err := WritePDF(&b, Build(sample()), fonts, map[int64][]byte{7: jpegOf(t)}); err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, b.Bytes())
	for _, want := range []string{"AUD-00012", "Supplier audit report", "东莞市精密五金有限公司", "来料检验记录缺失", "Nguyễn Thị Lan", "Jörg Weiß",
		"AF-00031", "NCR-00044", "SCAR-00005", "Major nonconformity", "No IQC records for resin lots", "P1", "Result by section", "Checklist"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if n := pdftest.Pages(t, b.Bytes()); n < 2 {
		t.Errorf("%d pages", n)
	}
	// The CJK title renders as ink on the first page (not empty boxes).
	imgs := pdftest.Render(t, b.Bytes(), 40)
	if ink := pdftest.Ink(imgs[0]); ink < 0.01 {
		t.Errorf("first page ink %v", ink)
	}
	// A draft says so.
	in := sample()
	in.Audit.Status, in.Audit.CompletedOn = qaudit.StatusInProgress, qms.Date{}
	var d bytes.Buffer
	if err := WritePDF(&d, Build(in), fonts, nil); err != nil {
		t.Fatal(err)
	}
	if dt := pdftest.Text(t, d.Bytes()); !strings.Contains(dt, "IN PROGRESS") || !strings.Contains(dt, "the report is not issued") {
		t.Error("the draft PDF does not say it is a draft")
	}
}
