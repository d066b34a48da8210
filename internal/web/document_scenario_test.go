package web

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"qms/internal/document"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestDocumentPages: a procedure is written, reviewed, approved with a
// signature (refused for the author alone and for a wrong password), made
// effective (refused before its approval) and acknowledged by a reader;
// its second revision supersedes it, marked on its page, with a diff;
// supplier users may open none of the pages.
func TestDocumentPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap, _ := newFileApp(t, st)
		author := ap.user(qms.RoleQualityManager, "anna@example.com", "Anna Author")
		approver := ap.user(qms.RoleQualityManager, "paul@example.com", "Paul Approver")
		reviewer := ap.user(qms.RoleViewer, "rita@example.com", "Rita Reviewer")
		reader := ap.user(qms.RoleInspector, "ivo@example.com", "Ivo Inspector")
		sup := ap.user(qms.RoleSupplier, "sam@example.com", "Sam Supplier")
		ca, cp, cr, ci := ap.signedIn(author), ap.signedIn(approver), ap.signedIn(reviewer), ap.signedIn(reader)

		ap.signedIn(sup).get("/documents").must(t, http.StatusForbidden)
		ca.get("/documents/new").must(t, http.StatusOK, `id="document-form"`)
		form := url.Values{"number": {"SOP-004"}, "title": {"Control of nonconforming output"}, "type": {"procedure"},
			"change_description": {"First issue"}, "body": {"# Purpose\n\nNonconforming product is identified <b>and</b> held.\n"},
			"ack_roles": {"inspector"}, "review_months": {"12"}, "ack_days": {"14"}}
		// No owner: the form comes back with the message, nothing written.
		postForm(ca, "/documents", form, "", nil).must(t, http.StatusBadRequest, "choose the person responsible")
		form.Set("owner_id", strconv.FormatInt(author.ID, 10))
		// A file that is not what it claims: refused, nothing written.
		bad := url.Values{"number": {"FRM-001"}, "title": {"Hold tag"}, "type": {"form"}, "change_description": {"First issue"},
			"owner_id": {strconv.FormatInt(author.ID, 10)}}
		postForm(ca, "/documents", bad, "hold-tag.pdf", []byte("<html><script>alert(1)</script></html>")).
			must(t, http.StatusBadRequest, "is an HTML document, which is not accepted here")
		if n := countRows(t, st, "documents"); n != 0 {
			t.Fatalf("%d documents written by refused forms", n)
		}
		postForm(ca, "/documents", bad, "hold-tag.docx", docxBytes(t)).redirectsTo(t, "/documents/1?rev=1")
		ca.get("/documents/1?rev=1").must(t, http.StatusOK, "Open hold-tag.docx")
		r := postForm(ca, "/documents", form, "", nil)
		if r.code != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		doc := r.loc[:len(r.loc)-len("?rev=1")]
		page := ca.get(doc + "?rev=1")
		page.must(t, http.StatusOK, "DRAFT", "&lt;b&gt;and&lt;/b&gt;", `id="submit-form"`)
		revID := regexp.MustCompile(`action="/revisions/(\d+)/submit"`).FindStringSubmatch(page.body)[1]
		rev := "/revisions/" + revID
		version := func(*client) string {
			var v int64
			if err := st.View(context.Background(), func(tx *store.Tx) error {
				id, _ := strconv.ParseInt(revID, 10, 64)
				r, err := tx.Revision(id)
				if err == nil {
					v = r.Version
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(v, 10)
		}
		ca.post(rev+"/submit", url.Values{"version": {version(ca)}, "reviewers": {strconv.FormatInt(reviewer.ID, 10)}}).redirectsTo(t, doc+"?rev=1")
		cr.post(rev+"/review", url.Values{"decision": {"approved"}, "comment": {"clear"}}).redirectsTo(t, doc+"?rev=1")
		cr.get(doc+"?rev=1").must(t, http.StatusOK, "Reviewed: agrees")

		// The author alone cannot approve; a wrong password signs nothing.
		ca.get(doc+"?rev=1").must(t, http.StatusOK)
		v := version(cp)
		ca.post(rev+"/approve", url.Values{"version": {v}, "password": {testPassword}}).must(t, http.StatusForbidden, "cannot approve it alone")
		cp.post(rev+"/approve", url.Values{"version": {v}, "password": {"not my password"}}).redirectsTo(t, doc+"?rev=1")
		cp.get(doc+"?rev=1").must(t, http.StatusOK, "is not your password")
		cp.post(rev+"/approve", url.Values{"version": {v}, "password": {testPassword}, "comment": {"ok"}}).redirectsTo(t, doc+"?rev=1")
		cp.get(doc+"?rev=1").must(t, http.StatusOK, "Approved — Paul Approver", "Document approval", "valid", `id="effective-form"`)

		// Not before the approval; then today.
		today := qms.DateOf(st.Now())
		v = version(cp)
		cp.post(rev+"/effective", url.Values{"version": {v}, "effective_on": {today.AddDate(0, 0, -3).String()}}).redirectsTo(t, doc+"?rev=1")
		cp.get(doc+"?rev=1").must(t, http.StatusOK, "cannot be before the approval")
		cp.post(rev+"/effective", url.Values{"version": {v}, "effective_on": {today.String()}}).redirectsTo(t, doc)

		// The reader sees it in force and acknowledges it from the list.
		ci.get(doc).must(t, http.StatusOK, `id="acknowledge"`, "Nonconforming product is identified")
		list := ci.get("/documents")
		list.must(t, http.StatusOK, `id="to-read"`, "SOP-004")
		ackID := regexp.MustCompile(`data-ack="(\d+)"`).FindStringSubmatch(list.body)[1]
		cr.post("/acknowledgements/"+ackID, url.Values{"back": {"/documents"}}).must(t, http.StatusNotFound) // not theirs
		ci.post("/acknowledgements/"+ackID, url.Values{"back": {"/documents"}}).redirectsTo(t, "/documents")
		ci.get("/training").must(t, http.StatusOK, "SOP-004")
		if r := ci.get(doc); regexp.MustCompile(`id="acknowledge"`).MatchString(r.body) {
			t.Error("still asked to acknowledge")
		}

		// Revision 2 supersedes revision 1: marked on its page; a diff.
		postForm(ca, doc+"/revisions", url.Values{"change_description": {"Hold tags added"}}, "", nil).redirectsTo(t, doc+"?rev=2")
		var r2 *document.Revision
		if err := st.View(context.Background(), func(tx *store.Tx) error {
			id, _ := strconv.ParseInt(doc[len("/documents/"):], 10, 64)
			revs, err := tx.Revisions(id)
			if err == nil {
				r2 = &revs[0]
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		rev2 := "/revisions/" + strconv.FormatInt(r2.ID, 10)
		postForm(ca, rev2, url.Values{"version": {strconv.FormatInt(r2.Version, 10)}, "change_description": {"Hold tags added"},
			"body": {r2.Body + "\nEvery held lot gets a red hold tag.\n"}}, "", nil).redirectsTo(t, doc+"?rev=2")
		ca.post(rev2+"/submit", url.Values{"version": {strconv.FormatInt(r2.Version+1, 10)}, "reviewers": {strconv.FormatInt(reviewer.ID, 10)}}).
			redirectsTo(t, doc+"?rev=2")
		cr.post(rev2+"/review", url.Values{"decision": {"approved"}}).redirectsTo(t, doc+"?rev=2")
		cp.post(rev2+"/approve", url.Values{"version": {strconv.FormatInt(r2.Version+3, 10)}, "password": {testPassword}}).redirectsTo(t, doc+"?rev=2")
		cp.post(rev2+"/effective", url.Values{"version": {strconv.FormatInt(r2.Version+4, 10)}, "effective_on": {today.String()}}).redirectsTo(t, doc)
		ci.get(doc+"?rev=1").must(t, http.StatusOK, `id="doc-banner"`, "SUPERSEDED")
		ci.get(doc+"/pdf?rev=1").must(t, http.StatusOK, "%PDF-")
		ca.get(doc+"/edit").must(t, http.StatusOK, "The number does not change")
		ca.post(doc, url.Values{"version": {"1"}, "title": {"Control of nonconforming output"}, "type": {"procedure"},
			"owner_id": {strconv.FormatInt(author.ID, 10)}}).
			must(t, http.StatusConflict, "changed by someone else")
		var dv int64
		if err := st.View(context.Background(), func(tx *store.Tx) error {
			id, _ := strconv.ParseInt(doc[len("/documents/"):], 10, 64)
			d, err := tx.Document(id)
			if err == nil {
				dv = d.Version
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ca.post(doc, url.Values{"version": {strconv.FormatInt(dv, 10)}, "title": {"Control of nonconforming output"}, "type": {"procedure"}}).
			must(t, http.StatusBadRequest, "choose the person responsible")
		ca.post(doc, url.Values{"version": {strconv.FormatInt(dv, 10)}, "title": {"Nonconforming output"}, "type": {"procedure"},
			"owner_id": {strconv.FormatInt(approver.ID, 10)}, "ack_roles": {"inspector"}, "reason": {"owner changed"}}).redirectsTo(t, doc)
		ci.get(doc).must(t, http.StatusOK, "Nonconforming output", "owner Paul Approver")
		ci.get(doc).must(t, http.StatusOK, "hold tag", `data-diff="2"`)
		diff := regexp.MustCompile(`href="(/documents/\d+/diff\?from=\d+&amp;to=\d+)"`).FindStringSubmatch(ci.get(doc).body)[1]
		ci.get(regexp.MustCompile(`&amp;`).ReplaceAllString(diff, "&")).must(t, http.StatusOK, "1 lines added, 0 removed", "Every held lot gets a red hold tag.")
	})
}

// postForm posts a multipart form with the fields of form and, when name
// is set, data as the file of the field "file".
func postForm(c *client, path string, form url.Values, name string, data []byte) response {
	c.ap.t.Helper()
	var fields []string
	for k, vs := range form {
		for _, v := range vs {
			fields = append(fields, k, v)
		}
	}
	field := ""
	if name != "" {
		field = "file"
	}
	body, ctype := multipartBody(c.ap.t, field, name, "application/octet-stream", data, fields...)
	req, _ := http.NewRequest("POST", c.ap.srv.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

// docxBytes is a minimal Word document.
func docxBytes(t *testing.T) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("<?xml version=\"1.0\"?><x/>"))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
