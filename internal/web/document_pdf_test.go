package web

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"qms/internal/document"
	"qms/internal/documentops"
	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/report/pdftest"
)

// TestRevisionPDF: the PDF of a superseded revision says SUPERSEDED on
// every page; the one in force carries its text and approval signature
// and no such mark.
func TestRevisionPDF(t *testing.T) {
	pdftest.Require(t)
	fonts, err := report.LoadFonts("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)
	body := "# Purpose\n\nNonconforming product is held.\n\n## Steps\n\n" + strings.Repeat("- Tag the lot, record the NCR and tell the factory.\n", 90)
	d := &document.Document{ID: 1, Number: "SOP-8.7-01", Title: "Control of nonconforming output", Type: document.TypeProcedure, OwnerName: "Wang Fang"}
	sig := esign.Signature{RecordType: esign.DocumentApproval, Meaning: esign.MeaningApproved, SignerName: "Paul Approver",
		SignerRole: qms.RoleQualityManager, SignedAt: now}
	for _, c := range []struct {
		status document.Status
		marked bool
	}{{document.StatusSuperseded, true}, {document.StatusObsolete, true}, {document.StatusEffective, false}} {
		rev := &document.Revision{Revision: 2, Status: c.status, ChangeDescription: "Hold tags", Body: body, AuthorName: "Anna",
			EffectiveOn: qms.NewDate(2026, 5, 1)}
		v := &documentops.DocumentView{Document: d, Shown: rev, Signatures: []esign.Check{esign.CheckAgainst(sig, "")}}
		var buf bytes.Buffer
		if err := writeRevisionPDF(&buf, fonts, v, now); err != nil {
			t.Fatal(err)
		}
		pages := pdftest.PageTexts(t, buf.Bytes())
		if len(pages) < 2 {
			t.Fatalf("%s: %d pages, want several", c.status, len(pages))
		}
		mark := strings.ToUpper(c.status.Label())
		for i, p := range pages {
			if got := strings.Contains(p, mark+" – not for use"); got != c.marked {
				t.Errorf("%s, page %d: marked %v, want %v:\n%s", c.status, i+1, got, c.marked, p)
			}
		}
		all := strings.Join(pages, "\n")
		if !strings.Contains(all, "Nonconforming product is held.") || !strings.Contains(all, "Paul Approver") {
			t.Errorf("%s: text or signature missing:\n%s", c.status, all)
		}
	}
}
