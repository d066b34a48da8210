package inspectionreport

import (
	"strings"
	"testing"
	"time"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/report/pdftest"
)

// TestClientAndSignature: the configured client name heads every page and
// the report's fields; a first article approval's electronic signature
// prints as its manifestation, matching or no longer matching.
func TestClientAndSignature(t *testing.T) {
	s := newSample(t, 0)
	x := s.in.Inspection
	x.Kind, x.Sampling, x.FAIPieces = inspection.KindFirstArticle, nil, 3
	pass := true
	x.Result = &inspection.Result{Verdict: inspection.VerdictPass}
	for _, c := range s.in.Spec.Characteristics {
		x.Result.FAI = append(x.Result.FAI, inspection.FAIRow{No: c.No, Name: c.Name, Kind: c.Kind, Requirement: c.Requirement(), Pass: &pass})
	}
	x.Verdict, s.in.Result = inspection.VerdictPass, x.Result
	sigID := int64(7)
	at := time.Date(2026, 3, 13, 8, 30, 0, 0, time.UTC)
	x.Decision = &inspection.Decision{Kind: inspection.DecideApprove, By: "王芳 (Wang Fang)", At: at, SignatureID: &sigID}
	sig := esign.Signature{ID: sigID, RecordType: esign.FAIApproval, EntityType: "inspection", EntityID: x.ID, Meaning: esign.MeaningApproved,
		SignerName: "王芳 (Wang Fang)", SignerRole: qms.RoleQualityManager, Method: esign.MethodPassword, ContentHash: strings.Repeat("ab", 32), SignedAt: at}
	s.in.Signatures = []esign.Check{{Signature: sig, CurrentHash: sig.ContentHash, Matches: true, Status: esign.StatusValid}}

	r := Build(s.in)
	if r.Client != "Müller Audio GmbH" || r.Header[0].Label != "Client" || r.Header[0].Value != "Müller Audio GmbH" {
		t.Errorf("client: %q, first field %+v", r.Client, r.Header[0])
	}
	decision := func(r *Report) string {
		var b strings.Builder
		for _, f := range r.Decision {
			b.WriteString(f.Label + ": " + f.Value + "\n")
		}
		return b.String()
	}
	if d := decision(r); !strings.Contains(d, "Electronic signature: Approved by 王芳 (Wang Fang) (quality manager), 2026-03-13 08:30 UTC — First article approval, SHA-256 abababababababab… — matches the record") {
		t.Errorf("decision fields:\n%s", d)
	}
	if qm := r.Signatures[2]; qm.Meaning != "Signed electronically (approved): Approved" {
		t.Errorf("quality manager's box: %+v", qm)
	}

	s.in.Signatures[0].Matches, s.in.Signatures[0].Status, s.in.Signatures[0].CurrentHash = false, esign.StatusChanged, strings.Repeat("cd", 32)
	changed := Build(s.in)
	if d := decision(changed); !strings.Contains(d, "no longer matches: the record changed after signing") {
		t.Errorf("changed record's decision fields:\n%s", d)
	}
	if qm := changed.Signatures[2]; !strings.Contains(qm.Meaning, "no longer matches") {
		t.Errorf("changed record's quality manager box: %+v", qm)
	}

	s.in.Client = ""
	if none := Build(s.in); none.Client != "" || none.Header[0].Label == "Client" {
		t.Errorf("no client configured: %q, first field %+v", none.Client, none.Header[0])
	}

	pdftest.Require(t)
	pdfBytes := render(t, r, nil)
	text := pdftest.Text(t, pdfBytes)
	flat := strings.Join(strings.Fields(text), " ")
	pages := pdftest.Pages(t, pdfBytes)
	if n := strings.Count(flat, "First article inspection report for Müller Audio GmbH"); n < pages {
		t.Errorf("the client heads %d of %d pages", n, pages)
	}
	for _, want := range []string{"Client Müller Audio GmbH", "Electronic signature", "matches the record", "Signed electronically (approved)"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
}
