package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/auth"
	"qms/internal/mgmtreview"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestReviewBrowser drives the management review in headless chromium:
// a quality manager prepares a review, which generates its input pack from
// the live data (a complaint recorded before shows in it), records the
// attendees and decisions, adds an action, closes the review (freezing the
// pack) and downloads its PDF.
func TestReviewBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveDocuments(t, st)
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		qm := &qms.User{Email: "wang@example.com", Name: "王芳 Wang Fang", Role: qms.RoleQualityManager}
		if err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error { return tx.CreateUser(qm, hash) }); err != nil {
			t.Fatal(err)
		}
		tab, ctx := newTab(t, browserCtx, 5*time.Minute)
		if err := chromedp.Do(ctx); err != nil { // the tab lives as long as ctx, not as one step's context
			t.Fatal(err)
		}
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			sctx, cancel := context.WithTimeout(ctx, 90*time.Second)
			defer cancel()
			if err := chromedp.Do(sctx, actions...); err != nil {
				pctx, pcancel := context.WithTimeout(tab, 10*time.Second)
				defer pcancel()
				page, _ := chromedp.Run(pctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 3000)`))
				t.Fatalf("%s: %v\n%s", what, err, page)
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
		step("sign in", signInAt(base, "/login?next=/complaints", qm.Email, testPassword),
			chromedp.WaitVisible(chromedp.ID("complaint-form")))
		step("record a complaint", chromedp.SetValue(chromedp.CSS(`#complaint-form input[name="customer"]`), "Müller Audio GmbH"),
			chromedp.SetValue(chromedp.CSS(`#complaint-form input[name="product_text"]`), "BS-20"),
			chromedp.SetValue(chromedp.CSS(`#complaint-form textarea[name="description"]`), "Two speakers without sound"),
			chromedp.Click(chromedp.CSS(`#complaint-form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(".flash-success")))

		// Prepare the review: the pack is generated from the live data.
		step("generate the management review pack", chromedp.Navigate(base+"/reviews"), chromedp.WaitVisible(chromedp.ID("review-new")),
			chromedp.Click(chromedp.ID("review-generate")), chromedp.WaitVisible(chromedp.ID("review-pack")))
		if c := text("pack complaints", "#pack-complaints"); !strings.Contains(c, "1 complaints received") {
			t.Errorf("complaints in the pack: %q", c)
		}
		reviewURL, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		step("record attendees and decisions", chromedp.SetValue(chromedp.CSS(`#review-form textarea[name="attendees"]`), "王芳 Wang Fang, Quality manager\nAnna Schmidt, Managing director"),
			chromedp.SetValue(chromedp.CSS(`#review-form textarea[name="decisions"]`), "Audit the weakest supplier before the peak season"),
			chromedp.Click(chromedp.ID("review-save")),
			// The page before the save had a flash too: wait for the new one.
			chromedp.WaitVisible(chromedp.Search(`//div[contains(@class, "flash-success")][contains(., "Review record saved")]`)))
		step("add an action", chromedp.SetValue(chromedp.CSS(`#action-new input[name="description"]`), "Plan the supplier audit"),
			chromedp.Click(chromedp.ID("action-add")), chromedp.WaitVisible(chromedp.ID("action-table")))
		step("close the review", chromedp.Submit(chromedp.ID("review-close")), chromedp.WaitVisible(chromedp.ID("review-decisions")))
		if d := text("decisions", "#review-decisions"); !strings.Contains(d, "Audit the weakest supplier") {
			t.Errorf("decisions after closing: %q", d)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("review-pdf").href).then(async r =>
			r.status + " " + r.headers.get("content-type") + " " + new TextDecoder().decode((await r.arrayBuffer()).slice(0, 5)))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		if got != "200 application/pdf %PDF-" {
			t.Errorf("review PDF from %s: %q", reviewURL, got)
		}
		err = st.View(context.Background(), func(tx *store.Tx) error {
			rs, err := tx.Reviews()
			if err == nil && (len(rs) != 1 || rs[0].Status != mgmtreview.Closed || len(rs[0].Attendees) != 2) {
				t.Errorf("reviews: %+v", rs)
			}
			if err != nil {
				return err
			}
			r, err := tx.Review(rs[0].ID)
			if err == nil && (r.Pack == nil || r.Pack.Complaints.Received != 1) {
				t.Errorf("frozen pack: %+v", r.Pack)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
