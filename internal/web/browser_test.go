package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
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
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// chromiumPath is where Debian installs chromium.
const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the real handler on a loopback port with headless
// chromium: sign in, see the dashboard, search users (htmx), open the audit
// log and find the user's creation, sign out and land on the sign-in page.
// Set QMS_SCREENSHOT_DIR to keep a screenshot of the dashboard at tablet
// width (1024x768).
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		msg := "chromium is not installed at " + chromiumPath + " (apt-get install chromium); the browser test needs it"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1024, 768))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

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
		tab, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		defer cancelTab()
		ctx, cancel := context.WithTimeout(tab, 60*time.Second)
		defer cancel()
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
		step("sign in",
			chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), u.Email),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), testPassword),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)),
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

// serveLoopback serves the real handler on a loopback port until the test
// ends and returns its base URL.
func serveLoopback(t *testing.T, st *store.Store) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{New(st, a, log)}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + l.Addr().String()
}
