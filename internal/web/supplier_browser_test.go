package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// TestSupplierBrowser drives the supplier pages in headless chromium as a
// quality manager: create a supplier and a site, add a certificate with
// its scan (uploaded with the form, then a second page on the certificate's
// page), see its red flag, find approval blocked, record an override, approve, and find
// the supplier on the approved supplier list. Set QMS_SCREENSHOT_DIR to
// keep screenshots at tablet width (1024x768).
func TestSupplierBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveSupplierLoopback(t, st)
		opstest.Build(t, st) // categories, requirements (ISO 9001 for all, ISO 13485 for medical devices) and users
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
		shot := func(name string) {
			t.Helper()
			dir := os.Getenv("QMS_SCREENSHOT_DIR")
			if dir == "" {
				return
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, name+"-1024-"+string(st.Dialect())+".png")
			if err := os.WriteFile(f, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", f)
		}
		set := func(sel, value string) chromedp.Action[chromedp.Void] {
			return chromedp.SetValue(chromedp.CSS(sel), value)
		}
		// submit clicks a submit button and waits until the next page has loaded.
		submit := func(what, sel string) {
			t.Helper()
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.qmsOldPage = true`)); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			step(what, chromedp.Click(chromedp.CSS(sel)))
			for {
				loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.qmsOldPage !== true && document.readyState === "complete"`))
				if err == nil && loaded {
					return
				}
				if ctx.Err() != nil {
					t.Fatalf("%s: the next page did not load: %v", what, ctx.Err())
				}
				time.Sleep(20 * time.Millisecond)
			}
		}

		step("sign in", chromedp.EmulateViewport(1024, 768), signInAt(base, "/login", "quality_manager@example.com", opstest.Password),
			chromedp.WaitVisible(chromedp.CSS(`nav.sidebar a[href="/suppliers"]`)))

		step("open the supplier list", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/suppliers"]`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/suppliers/new"]`)))
		shot("suppliers")
		step("create a supplier", chromedp.Click(chromedp.CSS(`a[href="/suppliers/new"]`)),
			chromedp.WaitVisible(chromedp.ID("supplier-form")),
			set(`#supplier-form input[name="name"]`, "苏州精工医疗器械有限公司"),
			set(`#supplier-form input[name="name_latin"]`, "Suzhou Jinggong Medical Instruments Co., Ltd."),
			set(`#supplier-form input[name="country"]`, "CN"),
			chromedp.Click(chromedp.CSS(`#supplier-form input[name="categories"][value="medical_devices"]`)),
			chromedp.Click(chromedp.CSS(`#supplier-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("supplier-name")))
		if h := text("supplier heading", "#supplier-name"); h != "Suzhou Jinggong Medical Instruments Co., Ltd." {
			t.Errorf("supplier page heading %q", h)
		}

		step("add a site", chromedp.Click(chromedp.CSS(`a[href$="/sites/new"]`)),
			chromedp.WaitVisible(chromedp.ID("site-form")),
			set(`#site-form input[name="name"]`, "精工一厂"),
			set(`#site-form input[name="name_latin"]`, "Jinggong Plant 1"),
			set(`#site-form textarea[name="address"]`, "江苏省苏州市工业园区星湖街218号"),
			set(`#site-form textarea[name="address_latin"]`, "218 Xinghu Street, Suzhou Industrial Park, Jiangsu"),
			chromedp.Click(chromedp.CSS(`#site-form input[name="categories"][value="medical_devices"]`)),
			chromedp.Click(chromedp.CSS(`#site-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("site-table")))
		if s := text("site table", "#site-table"); !strings.Contains(s, "Jinggong Plant 1") {
			t.Errorf("the site is not listed: %q", s)
		}

		dir := t.TempDir()
		scanPDF, scanPNG := filepath.Join(dir, "ISO 13485 证书.pdf"), filepath.Join(dir, "page 2.png")
		if err := os.WriteFile(scanPDF, []byte(testPDF), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(scanPNG, pngBytes(t), 0o644); err != nil {
			t.Fatal(err)
		}
		issue := opstest.Day(-60).String()
		expiry := opstest.Day(1000).String()
		step("add a certificate", chromedp.Click(chromedp.ID("add-certificate")),
			chromedp.WaitVisible(chromedp.ID("certificate-form")),
			set(`#certificate-form input[name="standard"]`, "ISO 13485:2016"),
			set(`#certificate-form input[name="number"]`, "MD-2026-0419"),
			set(`#certificate-form input[name="certification_body"]`, "Global Certification Services Ltd"),
			set(`#certificate-form input[name="accreditation_body"]`, "IAC"),
			set(`#certificate-form textarea[name="scope"]`, "Manufacture of medical device instruments"),
			set(`#certificate-form input[name="holder_name"]`, "Suzhou Jinggong Medical Instruments Co., Ltd."),
			set(`#certificate-form textarea[name="holder_address"]`, "218 Xinghu Street, Suzhou Industrial Park, Jiangsu"),
			set(`#certificate-form input[name="issue_date"]`, issue),
			set(`#certificate-form input[name="expiry_date"]`, expiry),
			chromedp.Click(chromedp.CSS(`#certificate-form input[name="site_ids"]`)),
			chromedp.SetUploadFiles(chromedp.CSS(`#certificate-form input[name="scan"]`), []string{scanPDF}),
			chromedp.Click(chromedp.CSS(`#certificate-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.ID("red-flags")))
		if s := text("scans", "#scan-list"); !strings.Contains(s, "ISO 13485 证书.pdf") || !strings.Contains(s, "PDF") {
			t.Errorf("the certificate page does not list the scan uploaded with the form: %q", s)
		}
		step("upload a certificate scan",
			chromedp.SetUploadFiles(chromedp.CSS(`#scan-form input[name="scan"]`), []string{scanPNG}))
		submit("upload the scan", `#scan-form button[type="submit"]`)
		if s := text("scans", "#scan-list"); !strings.Contains(s, "page 2.png") || !strings.Contains(s, "PNG image") {
			t.Errorf("the certificate page does not list the uploaded scan: %q", s)
		}
		if _, err := chromedp.Run(ctx, chromedp.WaitVisible(chromedp.CSS(`#scan-list img[src$="/thumb"]`))); err != nil {
			t.Errorf("no thumbnail of the image scan: %v", err)
		}
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(async () => {
			const r = await fetch(document.querySelector('#scan-list a.scan-link').href);
			return r.ok && r.headers.get('Content-Type') === 'application/pdf' && (await r.text()).startsWith('%PDF-');
		})()`, chromedp.EvalAwaitPromise))
		if err != nil || !loaded {
			t.Errorf("the scan's link does not serve the PDF: %v", err)
		}
		flags := text("red flags", "#red-flags")
		if !strings.Contains(flags, "“IAC”") || !strings.Contains(flags, "not recognised") {
			t.Errorf("the certificate page does not explain the accreditation red flag:\n%s", flags)
		}
		if _, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#red-flags [data-code="accreditation_body_unrecognised"]`))); err != nil {
			t.Errorf("no accreditation red flag: %v", err)
		}
		shot("certificate")

		step("back to the supplier", chromedp.Click(chromedp.CSS(`.crumbs a[href^="/suppliers/"]`)),
			chromedp.WaitVisible(chromedp.ID("gate-summary")))
		if g := text("gate", "#gate-summary"); !strings.Contains(g, "Approval is blocked") {
			t.Errorf("the gate does not block approval without ISO 9001: %q", g)
		}
		step("start the qualification",
			set(`#status-form select[name="status"]`, "under_qualification"),
			set(`#status-form textarea[name="reason"]`, "Documents received; audit planned."))
		submit("change the status", `#status-form button[type="submit"]`)
		step("record an override of ISO 9001",
			set(`#override-form select[name="standard"]`, "ISO 9001"),
			set(`#override-form input[name="until"]`, opstest.Day(60).String()),
			set(`#override-form textarea[name="reason"]`, "ISO 9001 audit booked; ISO 13485 covers the quality system until then."))
		submit("record the override", `#override-form button[type="submit"]`)
		if g := text("gate", "#gate-summary"); !strings.Contains(g, "or waived") {
			t.Errorf("the override does not open the gate: %q", g)
		}
		step("approve",
			set(`#status-form select[name="status"]`, "approved"),
			set(`#status-form textarea[name="reason"]`, "Audit passed; override recorded for ISO 9001."))
		submit("approve", `#status-form button[type="submit"]`)
		if s := text("status", "#status"); !strings.Contains(s, "Approved") || !strings.Contains(s, "on the approved supplier list") {
			t.Errorf("the supplier is not approved: %q", s)
		}
		if h := text("history", "#history"); !strings.Contains(h, "Audit passed") {
			t.Errorf("the history lacks the approval: %q", h)
		}
		shot("supplier")

		step("open the approved supplier list", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/approved-suppliers"]`)),
			chromedp.WaitVisible(chromedp.ID("asl-table")))
		if s := text("approved list", "#asl-table"); !strings.Contains(s, "Suzhou Jinggong Medical Instruments Co., Ltd.") ||
			!strings.Contains(s, "苏州精工医疗器械有限公司") || !strings.Contains(s, "MD-2026-0419") {
			t.Errorf("the approved list lacks the supplier: %q", s)
		}
		shot("approved")
	})
}

// serveSupplierLoopback is serveLoopback with a file store for the
// certificate scans.
func serveSupplierLoopback(t *testing.T, st *store.Store) string {
	t.Helper()
	return serveWeb(t, st, true, (&supplierops.Service{Store: st}).RegisterFiles)
}
