package web

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestSamplingBrowser drives the sampling plan page in headless chromium:
// open it from the navigation, fill in the lot, see n, Ac and Re per class
// and the OC curves, change an AQL and see the plan follow (htmx), type an
// AQL that is not a preferred value and read the message, then open the
// plan card and print it to a one-page PDF without the navigation. Set
// QMS_SCREENSHOT_DIR to keep screenshots at 1024x768 and at phone width.
func TestSamplingBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveLoopback(t, st)
		u := &qms.User{Email: "lan.inspector@example.vn", Name: "Nguyễn Thị Lan", Role: qms.RoleInspector}
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error { return tx.CreateUser(u, hash) }); err != nil {
			t.Fatal(err)
		}
		_, ctx := newTab(t, browserCtx, 60*time.Second)
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(ctx, actions...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		eval := func(expr string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
			if err != nil {
				t.Fatalf("evaluate %s: %v", expr, err)
			}
			return s
		}
		shot := func(name string, w, h int64) {
			t.Helper()
			dir := os.Getenv("QMS_SCREENSHOT_DIR")
			if dir == "" {
				return
			}
			step("resize for "+name, chromedp.EmulateViewport(w, h))
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, name+"-"+strconv.FormatInt(w, 10)+"x"+strconv.FormatInt(h, 10)+"-"+string(st.Dialect())+".png")
			if err := os.WriteFile(f, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", f)
			step("restore the viewport", chromedp.EmulateViewport(1024, 768))
		}
		// follow presses a button or link by its id, after marking the page it
		// leaves, so that fresh finds elements only on the page it opens. (A
		// click at the element's position could land on the sticky top bar
		// when the page is scrolled to the plan.)
		follow := func(id string) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.left = "1"; document.getElementById("`+id+`").click()`)(ctx, t)
				return err
			})
		}
		fresh := func(id string) chromedp.Action[chromedp.Void] {
			return chromedp.WaitVisible(chromedp.CSS(`html:not([data-left]) #` + id))
		}
		// loaded waits until the page that a click opened has loaded.
		loaded := chromedp.Poll[chromedp.Void](`document.readyState === "complete"`)
		// rows reads the plan table: class -> "n Ac/Re".
		rows := func() map[string]string {
			t.Helper()
			var m map[string]string
			js := `JSON.stringify(Object.fromEntries([...document.querySelectorAll("#plan-table tbody tr")].map(r =>
				[r.dataset.class, r.querySelector(".n").textContent + " " + r.querySelector(".ac").textContent + "/" + r.querySelector(".re").textContent])))`
			if err := json.Unmarshal([]byte(eval(js)), &m); err != nil {
				t.Fatal(err)
			}
			return m
		}

		step("sign in", chromedp.EmulateViewport(1024, 768), signInAt(base, "/login", u.Email, testPassword),
			chromedp.WaitVisible(chromedp.CSS(`nav.sidebar a[href="/sampling"]`)))
		step("open the sampling page from the navigation", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/sampling"]`)),
			chromedp.WaitVisible(chromedp.ID("s-lot")), chromedp.WaitVisible(chromedp.ID("plan-placeholder")), loaded)
		step("fill in the lot and show the plan", chromedp.SendKeys(chromedp.ID("s-lot"), "3000"),
			follow("show-plan"), fresh("plan-table"), loaded)
		want := map[string]string{"critical": "200 0/1", "major": "125 7/8", "minor": "125 10/11"}
		if got := rows(); !equalMaps(got, want) {
			t.Errorf("plan table %v, want %v", got, want)
		}
		if got := eval(`document.getElementById("units-to-draw").textContent + " " + document.getElementById("code-letter").textContent`); got != "200 K" {
			t.Errorf("units to draw and code letter: %q", got)
		}
		// The OC curves are drawn: one per class, each with a curve of real size and two marks.
		if got := eval(`String([...document.querySelectorAll(".oc-svg svg")].filter(s =>
				s.getBoundingClientRect().width > 250 && s.querySelector("path[stroke='#1f5fbf']").getBBox().width > 100 &&
				s.querySelectorAll("circle").length === 2).length)`); got != "3" {
			t.Errorf("%s OC curves drawn with both marks, want 3", got)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "lot=3000") {
			t.Errorf("the address does not hold the plan: %s", loc)
		}
		shot("sampling", 1024, 768)
		shot("sampling", 390, 844)

		// Changing an AQL updates the plan in place (htmx) and the address.
		step("change the major AQL", chromedp.SetValue(chromedp.ID("s-aql-1"), "1.0"))
		eval(`document.getElementById("s-aql-1").dispatchEvent(new Event("change", {bubbles: true})), ""`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#plan-table tr[data-class="major"] .ac')?.textContent === "3"`)); err != nil {
			t.Fatalf("the plan did not follow the new AQL: %v (rows %v)", err, rows())
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "aql=1.0") {
			t.Errorf("the address did not follow the change: %s", loc)
		}

		// An AQL that is not a preferred value: the message lists the valid ones
		// (in place; the plain submission is TestSamplingPage's).
		step("type an AQL that is not preferred", chromedp.SetValue(chromedp.ID("s-aql-1"), "2.4"))
		eval(`document.getElementById("s-aql-1").dispatchEvent(new Event("change", {bubbles: true})), ""`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.getElementById("s-error-1") && !!document.getElementById("plan-problems") && !document.getElementById("plan-table")`)); err != nil {
			t.Fatalf("the message did not appear in place: %v", err)
		}
		if msg := eval(`document.getElementById("s-error-1").textContent`); !strings.Contains(msg, "2.4 is not one of the preferred AQLs") ||
			!strings.Contains(msg, "0.010, 0.015") || !strings.Contains(msg, "650, 1000") {
			t.Errorf("message %q", msg)
		}
		shot("sampling-error", 1024, 768)

		// The plan card: a Print button (script), and one printed page without the navigation.
		step("back to a valid plan", chromedp.SetValue(chromedp.ID("s-aql-1"), "2.5"))
		eval(`document.getElementById("s-aql-1").dispatchEvent(new Event("change", {bubbles: true})), ""`)
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('#plan-table tr[data-class="major"] .ac')?.textContent === "7"`)); err != nil {
			t.Fatalf("the plan did not come back: %v", err)
		}
		step("open the plan card", follow("print-card"), fresh("plan-card"), loaded, chromedp.WaitVisible(chromedp.CSS(`button[data-print]`)))
		shot("sampling-card", 1024, 768)
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatalf("print the card: %v", err)
		}
		checkCardPDF(t, pdf, "critical", "major", "minor")
		// Larger plans still print on one page: six classes, and Z1.4 multiple plans of three.
		for i, q := range []string{
			"lot=50000&level=III&class=critical&aql=0.065&class=major&aql=1.0&class=minor&aql=2.5&class=cosmetic&aql=4.0&class=packaging&aql=6.5&class=labels&aql=&rule=aql&rule=aql&rule=aql&rule=aql&rule=aql&rule=zero",
			"lot=5000&standard=z1.4&scheme=multiple&class=critical&aql=0.40&class=major&aql=2.5&class=minor&aql=4.0",
		} {
			step("open the card "+q, chromedp.Navigate(base+"/sampling/card?"+q), chromedp.WaitVisible(chromedp.ID("plan-card")), loaded)
			pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
			if err != nil {
				t.Fatalf("print the card: %v", err)
			}
			checkCardPDF(t, pdf, "critical", "major", "minor")
			if dir := os.Getenv("QMS_SCREENSHOT_DIR"); dir != "" {
				if err := os.WriteFile(filepath.Join(dir, "sampling-card-"+strconv.Itoa(i)+"-"+string(st.Dialect())+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		shot("sampling-card-multiple", 1024, 768)
	})
}

// checkCardPDF checks the printed plan card with poppler: one page, the
// plan on it, and neither the navigation nor the screen-only buttons.
func checkCardPDF(t *testing.T, pdf []byte, classes ...string) {
	t.Helper()
	info, err1 := exec.LookPath("pdfinfo")
	text, err2 := exec.LookPath("pdftotext")
	if err1 != nil || err2 != nil {
		msg := "pdfinfo and pdftotext (apt-get install poppler-utils) are needed to check the printed plan card"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Log(msg)
		return
	}
	run := func(bin string, args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		return string(out)
	}
	if meta := run(info, "-"); !regexp.MustCompile(`(?m)^Pages:\s+1$`).MatchString(meta) {
		t.Errorf("the plan card does not print on one page:\n%s", meta)
	}
	got := run(text, "-layout", "-", "-")
	for _, s := range append([]string{"Sampling plan card", "how to judge", "Sign-off"}, classes...) {
		if !strings.Contains(strings.ToLower(got), strings.ToLower(s)) {
			t.Errorf("the printed card lacks %q:\n%s", s, got)
		}
	}
	for _, s := range []string{"Audit log", "My account", "Back to the plan", "Sign out"} {
		if strings.Contains(got, s) {
			t.Errorf("the printed card shows %q:\n%s", s, got)
		}
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
