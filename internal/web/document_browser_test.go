package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/auth"
	"qms/internal/document"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestDocumentBrowser drives the document pages in headless chromium:
// a quality manager writes a procedure and names a reviewer, the
// reviewer records her review, another quality manager approves it with
// his password (the electronic signature shows on the page) and makes it
// effective, and an inspector acknowledges it from the document list.
func TestDocumentBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveDocuments(t, st)
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]*qms.User{}
		for _, u := range []*qms.User{{Email: "anna@example.com", Name: "Anna Author", Role: qms.RoleQualityManager},
			{Email: "paul@example.com", Name: "Paul Approver", Role: qms.RoleQualityManager},
			{Email: "rita@example.com", Name: "Rita Reviewer", Role: qms.RoleViewer},
			{Email: "ivo@example.com", Name: "Nguyễn Văn Ivo", Role: qms.RoleInspector}} {
			if err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error { return tx.CreateUser(u, hash) }); err != nil {
				t.Fatal(err)
			}
			users[u.Email] = u
		}
		_, ctx := newTab(t, browserCtx, 90*time.Second)
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		text := func(what string, sel string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return s
		}
		signIn := func(email, next string) {
			t.Helper()
			step("sign in as "+email, signInAt(base, "/login?next="+next, email, testPassword),
				chromedp.WaitVisible(chromedp.ID("sign-out")))
		}
		signOut := func() {
			t.Helper()
			step("sign out", chromedp.Click(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
		}

		// The author writes the procedure and names the reviewer.
		signIn("anna@example.com", "/documents/new")
		step("write the procedure", chromedp.WaitVisible(chromedp.ID("document-form")),
			chromedp.SendKeys(chromedp.CSS(`input[name="number"]`), "SOP-8.5-02"),
			chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Identification and traceability"),
			chromedp.Click(chromedp.CSS(`input[name="ack_roles"][value="inspector"]`)),
			chromedp.SendKeys(chromedp.ID("doc-body"), "# Purpose\n\nEvery carton carries the PO number and the lot code.\n"),
			chromedp.Click(chromedp.ID("create-document")),
			chromedp.WaitVisible(chromedp.ID("submit-form")))
		docURL, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		docPath := strings.TrimPrefix(docURL, base)
		if b := text("draft banner", "#doc-banner"); !strings.Contains(b, "DRAFT") {
			t.Errorf("banner of the draft: %q", b)
		}
		step("submit for review", chromedp.Click(chromedp.CSS(`input[data-reviewer="rita@example.com"]`)),
			chromedp.Click(chromedp.ID("submit-review")), chromedp.WaitVisible(chromedp.ID("reviews")))
		signOut()

		// The reviewer records her review.
		signIn("rita@example.com", docPath)
		step("record the review", chromedp.WaitVisible(chromedp.ID("review-form")),
			chromedp.SendKeys(chromedp.CSS(`#review-form input[name="comment"]`), "Clear."),
			chromedp.Click(chromedp.ID("record-review")), chromedp.WaitVisible(chromedp.CSS(`li[data-review="approved"]`)))
		signOut()

		// Another quality manager approves it with his password and makes it effective.
		signIn("paul@example.com", docPath)
		step("approve and sign", chromedp.WaitVisible(chromedp.ID("approve-form")),
			chromedp.SendKeys(chromedp.ID("approve-password"), testPassword),
			chromedp.Click(chromedp.ID("approve-sign")), chromedp.WaitVisible(chromedp.ID("effective-form")))
		if sig := text("signature", "[data-signature]"); !strings.Contains(sig, "Approved — Paul Approver") || !strings.Contains(sig, "valid") {
			t.Errorf("signature manifestation: %q", sig)
		}
		step("make effective", chromedp.Click(chromedp.ID("make-effective")), chromedp.WaitNotPresent(chromedp.ID("doc-banner")))
		if h := text("revision heading", "#revision h2"); !strings.Contains(h, "Effective") {
			t.Errorf("revision heading after making it effective: %q", h)
		}
		signOut()

		// The inspector acknowledges it from the document list.
		signIn("ivo@example.com", "/documents")
		step("see it to read", chromedp.WaitVisible(chromedp.ID("to-read")))
		if row := text("to read", "#to-read"); !strings.Contains(row, "SOP-8.5-02") {
			t.Fatalf("to read: %q", row)
		}
		step("acknowledge", chromedp.Click(chromedp.CSS(`#to-read button[data-ack]`)), chromedp.WaitVisible(chromedp.CSS(".flash-success")),
			chromedp.WaitNotPresent(chromedp.ID("to-read")))
		if msg := text("flash", ".flash-success"); !strings.Contains(msg, "read and understood") {
			t.Errorf("flash: %q", msg)
		}
		err = st.View(context.Background(), func(tx *store.Tx) error {
			acks, err := tx.Acknowledgements(store.AckFilter{UserID: users["ivo@example.com"].ID})
			if err == nil && (len(acks) != 1 || acks[0].AcknowledgedAt == nil || acks[0].DocumentNumber != "SOP-8.5-02") {
				t.Errorf("acknowledgements of the inspector: %+v", acks)
			}
			if err != nil {
				return err
			}
			checks, err := tx.CheckSignatures("document_revision", acks[0].RevisionID)
			if err == nil && (len(checks) != 1 || checks[0].Signature.SignerID != users["paul@example.com"].ID) {
				t.Errorf("approval signatures: %+v", checks)
			}
			rev, err := tx.Revision(acks[0].RevisionID)
			if err == nil && rev.Status != document.StatusEffective {
				t.Errorf("revision status %s", rev.Status)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// serveDocuments serves the web surface with a file store on a loopback
// port until the test ends and returns its base URL.
func serveDocuments(t *testing.T, st *store.Store) string {
	t.Helper()
	return serveWeb(t, st, true)
}
