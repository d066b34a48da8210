package pdfstamp

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"qms/internal/report"
	"qms/internal/report/pdftest"
)

// TestStamp: every page of a several-page PDF carries the stamp and keeps
// its text; bytes that are not a PDF give an error.
func TestStamp(t *testing.T) {
	pdftest.Require(t)
	fonts, err := report.LoadFonts("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p := report.New(report.Options{Fonts: fonts, Title: "Work instruction", Number: "WI-1", Generated: time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)})
	for range 120 {
		p.Paragraph("Check the seal of every carton before release.")
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	out, err := Stamp(buf.Bytes(), "SUPERSEDED – not for use")
	if err != nil {
		t.Fatal(err)
	}
	pages := pdftest.PageTexts(t, out)
	if len(pages) < 2 || len(pages) != pdftest.Pages(t, buf.Bytes()) {
		t.Fatalf("%d pages stamped, want all of %d (several)", len(pages), pdftest.Pages(t, buf.Bytes()))
	}
	for i, pg := range pages {
		if !strings.Contains(pg, "SUPERSEDED – not for use") || !strings.Contains(pg, "Check the seal") {
			t.Errorf("page %d: stamp or text missing:\n%s", i+1, pg)
		}
	}
	if _, err := Stamp([]byte("%PDF-1.7\nnot really a pdf"), "OBSOLETE – not for use"); err == nil {
		t.Error("a malformed PDF was stamped without error")
	}
}
