package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/document"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestDocumentFileStamp: the uploaded PDF of a superseded revision comes
// back through its page's link stamped on every page; the revision in
// force (revision 2) comes back byte for byte as uploaded; a draft's PDF is marked as
// not in force; a PDF that cannot be read is refused, not served unmarked.
func TestDocumentFileStamp(t *testing.T) {
	pdftest.Require(t)
	fonts, err := report.LoadFonts("", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p := report.New(report.Options{Fonts: fonts, Title: "Carton check", Number: "WI-7", Generated: time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)})
	for range 120 {
		p.Paragraph("Check the seal of every carton before release.")
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap, _ := newFileApp(t, st)
		author := ap.user(qms.RoleQualityManager, "anna@example.com", "Anna Author")
		ca := ap.signedIn(author)
		create := func(number, name string, data []byte) string {
			form := url.Values{"number": {number}, "title": {"Carton check"}, "type": {"work_instruction"}, "change_description": {"First issue"},
				"owner_id": {strconv.FormatInt(author.ID, 10)}}
			r := postForm(ca, "/documents", form, name, data)
			if r.code != http.StatusSeeOther {
				t.Fatalf("create %s: %d %s", number, r.code, r.body)
			}
			return strings.TrimSuffix(r.loc, "?rev=1")
		}
		approver := ap.user(qms.RoleQualityManager, "paul@example.com", "Paul Approver")
		reviewer := ap.user(qms.RoleViewer, "rita@example.com", "Rita Reviewer")
		cp, cr := ap.signedIn(approver), ap.signedIn(reviewer)
		// inForce takes the latest revision of doc through review, approval
		// and into force, as TestDocumentPages does.
		inForce := func(doc string) {
			latest := func() document.Revision {
				var r document.Revision
				if err := st.View(context.Background(), func(tx *store.Tx) error {
					id, _ := strconv.ParseInt(strings.TrimPrefix(doc, "/documents/"), 10, 64)
					revs, err := tx.Revisions(id)
					if err == nil {
						r = revs[0]
					}
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return r
			}
			r := latest()
			rev, back := "/revisions/"+strconv.FormatInt(r.ID, 10), doc+"?rev="+strconv.Itoa(r.Revision)
			ca.post(rev+"/submit", url.Values{"version": {strconv.FormatInt(latest().Version, 10)}, "reviewers": {strconv.FormatInt(reviewer.ID, 10)}}).redirectsTo(t, back)
			cr.post(rev+"/review", url.Values{"decision": {"approved"}}).redirectsTo(t, back)
			cp.post(rev+"/approve", url.Values{"version": {strconv.FormatInt(latest().Version, 10)}, "password": {testPassword}}).redirectsTo(t, back)
			cp.post(rev+"/effective", url.Values{"version": {strconv.FormatInt(latest().Version, 10)}, "effective_on": {qms.DateOf(st.Now()).String()}}).redirectsTo(t, doc)
		}
		old, draft := create("WI-001", "wi-001.pdf", pdf), create("WI-002", "wi-002.pdf", pdf)
		inForce(old)
		postForm(ca, old+"/revisions", url.Values{"change_description": {"New seal"}}, "wi-001-rev2.pdf", pdf).redirectsTo(t, old+"?rev=2")
		inForce(old) // revision 1 is superseded

		ca.get(old+"?rev=1").must(t, http.StatusOK, `href="`+old+`/file?rev=1"`, "SUPERSEDED")
		for _, c := range []struct{ doc, mark string }{{old, "SUPERSEDED – not for use"}, {draft, "DRAFT – not in force"}} {
			r := ca.get(c.doc + "/file?rev=1")
			r.must(t, http.StatusOK, "%PDF-")
			pages := pdftest.PageTexts(t, []byte(r.body))
			if want := pdftest.Pages(t, pdf); len(pages) != want || want < 2 {
				t.Fatalf("%s: %d pages, want %d (several)", c.doc, len(pages), want)
			}
			for i, pg := range pages {
				if !strings.Contains(pg, c.mark) || !strings.Contains(pg, "Check the seal") {
					t.Errorf("%s page %d: mark %q or text missing:\n%s", c.doc, i+1, c.mark, pg)
				}
			}
		}
		r := ca.get(old + "/file?rev=2")
		r.must(t, http.StatusOK)
		if !bytes.Equal([]byte(r.body), pdf) {
			t.Errorf("the revision in force was not served as uploaded (%d bytes, want %d)", len(r.body), len(pdf))
		}

		broken := create("WI-004", "wi-004.pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"))
		ca.get(broken+"/file?rev=1").must(t, http.StatusConflict, "could not be read to mark it")
	})
}
