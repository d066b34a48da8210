package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/server"
	"qms/internal/store"
)

// chromiumPath is where Debian installs chromium.
const chromiumPath = "/usr/bin/chromium"

// startBrowser starts headless chromium with a window of width x height
// and returns its context; the browser stops when the test ends. Without
// chromium the test fails under CI=true and skips otherwise.
func startBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
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
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browserCtx
}

// newTab opens a tab in a browser context of its own (no cookies shared
// with other tabs) and returns it with a context that ends after timeout;
// both are cancelled when the test ends.
func newTab(t *testing.T, browserCtx context.Context, timeout time.Duration) (tab, ctx context.Context) {
	t.Helper()
	tab, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(tab, timeout)
	t.Cleanup(cancel)
	return tab, ctx
}

// openSignIn opens the sign-in page at path (e.g. "/login?next=/documents")
// and waits for its form.
func openSignIn(base, path string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
}

// submitSignIn fills in the open sign-in form and submits it.
func submitSignIn(email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type="submit"]`)))
}

// signInAt opens the sign-in page at path and signs in.
func signInAt(base, path, email, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(openSignIn(base, path), submitSignIn(email, password))
}

// serveWeb serves the web surface on a loopback port until the test ends
// and returns its base URL. With files it has a file store on disk, and
// each register adds a module's file rules to it.
func serveWeb(t *testing.T, st *store.Store, files bool, register ...func(*blob.Service)) string {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	web := New(st, a, log)
	if files {
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fs := blob.NewService(st, disk, 0)
		for _, r := range register {
			r(fs)
		}
		web = web.WithFiles(fs)
	}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{web}})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandler(t, h)
}

// serveHandler serves h on a loopback port until the test ends and returns
// its base URL.
func serveHandler(t *testing.T, h http.Handler) string {
	t.Helper()
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
