package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestBrowser drives the real handler on a loopback port with headless
// chromium: sign in, see the dashboard, search users (htmx), open the audit
// log and find the user's creation, sign out and land on the sign-in page.
// Set QMS_SCREENSHOT_DIR to keep a screenshot of the dashboard at tablet
// width (1024x768).
func TestBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveLoopback(t, st)
		u := &qms.User{Email: "mai.nguyen@example.vn", Name: "Mai Nguyen", Role: qms.RoleAdmin}
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		err = st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error {
			if err := tx.CreateUser(u, hash); err != nil {
				return err
			}
			u.Name = "Nguyễn Thị Mai 阮氏梅"
			return tx.UpdateUser(u, u.Version, "full name as in the passport")
		})
		if err != nil {
			t.Fatal(err)
		}

		// A browser context of its own: no cookies shared with the other database's run.
		_, ctx := newTab(t, browserCtx, 60*time.Second)
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		run := func(what string, a chromedp.Action[string]) string {
			t.Helper()
			s, err := chromedp.Run(ctx, a)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return s
		}
		// shot keeps a screenshot of the page when QMS_SCREENSHOT_DIR is set.
		shot := func(name string) {
			t.Helper()
			dir := os.Getenv("QMS_SCREENSHOT_DIR")
			if dir == "" {
				return
			}
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, name+"-1024x768-"+string(st.Dialect())+".png")
			if err := os.WriteFile(f, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", f)
		}
		eval := func(expr string) bool {
			t.Helper()
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err != nil {
				t.Fatalf("evaluate %s: %v", expr, err)
			}
			return ok
		}

		step("open the start page", chromedp.EmulateViewport(1024, 768), chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
		if loc := run("location", chromedp.Location()); loc != base+"/login?next=%2F" {
			t.Fatalf("not sent to the sign-in page: %s", loc)
		}
		step("sign in", submitSignIn(u.Email, testPassword),
			chromedp.WaitVisible(chromedp.ID("modules-placeholder")))
		if h1 := run("heading", chromedp.Text(chromedp.CSS("h1"))); h1 != "Welcome, "+u.Name {
			t.Errorf("dashboard heading %q", h1)
		}
		if !eval(`getComputedStyle(document.body).display === "grid" && typeof htmx === "object"`) {
			t.Error("the stylesheet or htmx did not load (content security policy?)")
		}
		shot("dashboard")

		// The users page searches as one types (htmx), keeping the URL in step.
		step("open the users page", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/users"]`)),
			chromedp.WaitVisible(chromedp.ID("user-table")))
		step("search users without a match", chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "阮氏X"),
			chromedp.WaitVisible(chromedp.CSS(`#user-results .placeholder`)), chromedp.WaitNotPresent(chromedp.ID("user-table")))
		if loc := run("location", chromedp.Location()); !strings.Contains(loc, "q=%E9%98%AE%E6%B0%8FX") {
			t.Errorf("the search did not update the address: %s", loc)
		}
		step("search users with a match", chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), kb.Backspace),
			chromedp.WaitVisible(chromedp.ID("user-table")))
		if row := run("user row", chromedp.Text(chromedp.CSS("#user-table tbody"))); !strings.Contains(row, u.Name) {
			t.Errorf("the search did not find %q: %q", u.Name, row)
		}
		shot("users")

		step("open the audit log from the navigation",
			chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/audit"]`)),
			chromedp.WaitVisible(chromedp.ID("audit-events")))
		events := run("audit events", chromedp.Text(chromedp.ID("audit-events")))
		id := strconv.FormatInt(u.ID, 10)
		if !strings.Contains(events, "create") || !strings.Contains(events, "user #"+id) || !strings.Contains(events, "Mai Nguyen") ||
			!strings.Contains(events, u.Name) || !strings.Contains(events, "full name as in the passport") {
			t.Errorf("the audit log does not show the creation of user %s:\n%s", id, events)
		}
		shot("audit")

		step("sign out",
			chromedp.Click(chromedp.ID("sign-out")),
			chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
		if loc := run("location", chromedp.Location()); loc != base+"/login" {
			t.Errorf("after signing out the browser is at %s", loc)
		}
		if msg := run("flash", chromedp.Text(chromedp.CSS(".flash"))); msg != "You have signed out." {
			t.Errorf("flash after sign-out: %q", msg)
		}
		shot("signed-out")
		step("the session is gone", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS(`input[name="password"]`)))
	})
}

// serveLoopback serves the web surface on a loopback port until the test
// ends and returns its base URL.
func serveLoopback(t *testing.T, st *store.Store) string {
	t.Helper()
	return serveWeb(t, st, false)
}
