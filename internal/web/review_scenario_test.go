package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestQualitySystemPages: a quality manager sets an objective, records a
// complaint, prepares a management review, adds an action, closes it and
// downloads its PDF; the evidence map shows the gaps and gives the audit
// pack; an administrator switches ISO 13485 mode; a viewer reads but may
// not change; a supplier user gets none of the pages; bad input is
// refused with the fields named and writes nothing.
func TestQualitySystemPages(t *testing.T) {
	pdftest.Require(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		qm, viewer, admin, sup := sw.clients["quality_manager"], sw.clients["viewer"], sw.clients["admin"], sw.clients["supplier"]
		today := time.Now().UTC().Format("2006-01-02")
		year := today[:4]

		for _, path := range []string{"/objectives", "/reviews", "/complaints", "/evidence"} {
			sup.get(path).must(t, http.StatusForbidden)
			viewer.get(path).must(t, http.StatusOK)
		}
		viewer.post("/objectives", url.Values{"title": {"x"}}).must(t, http.StatusForbidden)

		events := sw.countEvents()
		qm.post("/objectives", url.Values{"title": {"Lot acceptance"}, "metric": {"lot_acceptance"}, "comparison": {">="}, "target": {"abc"},
			"owner": {"Lena"}, "period_from": {year + "-01"}, "period_to": {year + "-12"}}).must(t, http.StatusBadRequest, "must be a number")
		qm.post("/objectives", url.Values{"title": {""}, "metric": {"lot_acceptance"}, "comparison": {">="}, "target": {"97"},
			"owner": {"Lena"}, "period_from": {year + "-12"}, "period_to": {year + "-01"}}).must(t, http.StatusBadRequest, "is required", "must not be before")
		if n := sw.countEvents(); n != events {
			t.Fatalf("bad input wrote %d events", n-events)
		}
		r := qm.post("/objectives", url.Values{"title": {"Lot acceptance ≥ 97 %"}, "metric": {"lot_acceptance"}, "comparison": {">="}, "target": {"97"},
			"owner": {"Lena Vogel"}, "period_from": {year + "-01"}, "period_to": {year + "-12"}})
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/objectives/") {
			t.Fatalf("create objective: %d %s\n%s", r.code, r.loc, r.body)
		}
		viewer.get(r.loc).must(t, http.StatusOK, "Lot acceptance ≥ 97 %", "no data", "<svg")
		viewer.get("/objectives").must(t, http.StatusOK, "Lot acceptance ≥ 97 %", `data-status="no_data"`)

		qm.post("/complaints", url.Values{"received_on": {today}, "customer": {""}, "description": {"x"}, "product_text": {"BS-20"}}).
			must(t, http.StatusBadRequest, "who complained")
		r = qm.post("/complaints", url.Values{"received_on": {today}, "customer": {"Müller Audio GmbH"}, "description": {"Knistern bei voller Lautstärke"},
			"product_text": {"BS-20"}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("create complaint: %d\n%s", r.code, r.body)
		}
		viewer.get(r.loc).must(t, http.StatusOK, "CMP-00001", "Knistern bei voller Lautstärke")

		r = qm.post("/reviews", url.Values{"title": {"Management review " + year}, "held_on": {today}, "period_from": {year + "-01-01"}, "period_to": {today}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("create review: %d\n%s", r.code, r.body)
		}
		review := r.loc
		page := qm.get(review)
		page.must(t, http.StatusOK, "Inputs (9.3.2)", "1 complaints received", "Lot acceptance ≥ 97 %")
		version := firstVersion(t, page.body)
		qm.post(review+"/close", url.Values{"version": {version}}).must(t, http.StatusBadRequest, "record who attended")
		qm.post(review+"/actions", url.Values{"description": {"Audit the two weakest suppliers"}, "owner": {""}, "due_on": {today}}).
			must(t, http.StatusBadRequest, "who is responsible")
		qm.post(review+"/actions", url.Values{"description": {"Audit the two weakest suppliers"}, "owner": {"Lena Vogel"}, "due_on": {today}}).
			redirectsTo(t, review+"#actions")
		qm.post(review, url.Values{"version": {version}, "title": {"Management review " + year}, "held_on": {today}, "period_from": {year + "-01-01"},
			"period_to": {today}, "attendees": {"Lena Vogel, Quality manager\n王芳, 总经理"}, "decisions": {"Keep the objectives\nAudit supplier A"}}).
			redirectsTo(t, review)
		page = qm.get(review)
		qm.post(review+"/close", url.Values{"version": {firstVersion(t, page.body)}}).redirectsTo(t, review)
		viewer.get(review).must(t, http.StatusOK, "closed", "王芳", "Audit supplier A", "Audit the two weakest suppliers")
		pdf := viewer.get(review + "/review.pdf")
		pdf.must(t, http.StatusOK)
		if text := pdftest.Text(t, []byte(pdf.body)); !strings.Contains(text, "王芳") || !strings.Contains(text, "Audit supplier A") {
			t.Errorf("review PDF text lacks the attendee or the decision:\n%s", text)
		}

		ev := viewer.get("/evidence")
		ev.must(t, http.StatusOK, `data-clause="9.3"`, `data-clause="10.3"`)
		if strings.Contains(ev.body, "Download the audit pack") {
			t.Error("a viewer is offered the audit pack")
		}
		viewer.post("/evidence/pack", url.Values{"from": {year + "-01-01"}, "to": {today}}).must(t, http.StatusForbidden)
		qm.post("/evidence/pack", url.Values{"from": {today}, "to": {year + "-01-01"}}).must(t, http.StatusBadRequest, "must not be before")
		zr := qm.post("/evidence/pack", url.Values{"from": {year + "-01-01"}, "to": {today}})
		zr.must(t, http.StatusOK)
		z, err := zip.NewReader(bytes.NewReader([]byte(zr.body)), int64(len(zr.body)))
		if err != nil {
			t.Fatalf("audit pack is not a ZIP: %v", err)
		}
		names := map[string]bool{}
		for _, f := range z.File {
			names[f.Name] = true
		}
		for _, n := range []string{"manifest.json", "evidence-map.html", "audit-trail.jsonl", "management-reviews/MR-0001.pdf"} {
			if !names[n] {
				t.Errorf("the pack lacks %s: %v", n, names)
			}
		}

		qm.post("/settings/qms", url.Values{"iso13485": {"1"}, "version": {"0"}, "reason": {"x"}}).must(t, http.StatusForbidden)
		admin.post("/settings/qms", url.Values{"iso13485": {"1"}, "version": {"0"}, "reason": {""}}).must(t, http.StatusBadRequest, "say why")
		admin.post("/settings/qms", url.Values{"iso13485": {"1"}, "version": {"0"}, "reason": {"We make medical devices from now on"}}).redirectsTo(t, "/evidence")
		viewer.get("/evidence").must(t, http.StatusOK, "ISO 13485:2016", `id="procedures"`, "Complaint handling", `data-clause="8.2.2"`)
	})
}

// firstVersion finds the first hidden version field of a page.
func firstVersion(t *testing.T, body string) string {
	t.Helper()
	const marker = `name="version" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatal("no version field on the page")
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
