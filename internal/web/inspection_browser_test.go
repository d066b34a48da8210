package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"qms/internal/inspection"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestInspectionBrowser drives the inspection pages in headless chromium
// as an inspector on a tablet would: plan a pre-shipment inspection (the
// sampling plan shows before saving), open the recording page, record
// defects on several units (one with a photo from the camera input) and a
// measurement that turns red as it is typed, lose the connection and
// record more (a photo too), see the entries wait, reload the page while
// offline (the service worker answers from its copy) and record one more,
// get the connection back and see the queue drain with every entry stored
// exactly once, submit,
// and download the PDF report. Set QMS_SCREENSHOT_DIR to keep screenshots
// of the recording page at 1024x768 and 768x1024.
func TestInspectionBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)
	photos := []string{writePNG(t, "IMG_0001.png", color.RGBA{200, 30, 30, 255}), writePNG(t, "IMG_0002.png", color.RGBA{30, 30, 200, 255})}

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		base, down := serveInspectionsDown(t, st)
		u := w.Users[qms.RoleQualityManager]

		tab, ctx := newTab(t, browserCtx, 90*time.Second)
		var mu sync.Mutex
		var jsErrors []string
		if err := chromedp.Do(ctx); err != nil {
			t.Fatal(err)
		}
		go func() {
			for m, err := range chromedp.Console(ctx) {
				if err != nil {
					return
				}
				if m.Type == chromedp.ConsoleException || (m.Type == chromedp.ConsoleError && !strings.Contains(m.Text, "Failed to load resource") &&
					!strings.Contains(m.Text, "ERR_INTERNET_DISCONNECTED")) {
					mu.Lock()
					jsErrors = append(jsErrors, string(m.Type)+": "+m.Text)
					mu.Unlock()
				}
			}
		}()
		// page says where the browser is and what it shows, for a failure.
		page := func() string {
			sctx, cancel := context.WithTimeout(tab, 5*time.Second)
			defer cancel()
			s, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 3000)`))
			return s
		}
		step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := chromedp.Do(sctx, actions...); err != nil {
				t.Fatalf("%s: %v\n%s", what, err, page())
			}
		}
		str := func(what, expr string, opts ...chromedp.EvaluateOption) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, opts...))
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return s
		}
		wait := func(what, expr string) {
			t.Helper()
			if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
				t.Fatalf("%s: waiting for %s: %v\n%s", what, expr, err, page())
			}
		}
		shot := func(name string, wd, ht int64) {
			t.Helper()
			dir := os.Getenv("QMS_SCREENSHOT_DIR")
			if dir == "" {
				return
			}
			step("resize for "+name, chromedp.EmulateViewport(wd, ht))
			png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, fmt.Sprintf("%s-%dx%d-%s.png", name, wd, ht, st.Dialect()))
			if err := os.WriteFile(f, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", f)
			step("restore the viewport", chromedp.EmulateViewport(1024, 768))
		}
		// choose selects an option and tells the page, as a tap would.
		choose := func(sel, value string) chromedp.Action[chromedp.Void] {
			return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function(){var s=document.querySelector(%q);s.value=%q;s.dispatchEvent(new Event("change",{bubbles:true}));})()`, sel, value))
		}
		entries := func(kind inspection.EntryKind, id int64) []inspection.Entry {
			t.Helper()
			var out []inspection.Entry
			if err := st.View(context.Background(), func(tx *store.Tx) error {
				all, err := tx.Entries(id)
				for _, e := range all {
					if e.Kind == kind {
						out = append(out, e)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return out
		}

		step("sign in", chromedp.EmulateViewport(1024, 768), signInAt(base, "/login", u.Email, opstest.Password),
			chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)))

		// Plan: the product, supplier and site are chosen; the lot is typed; the plan shows before saving.
		q := fmt.Sprintf("/inspections/new?kind=pre_shipment&product=%d&supplier=%d&site=%d", w.PA.Product.ID, w.A.Supplier.ID, w.A.Site.ID)
		step("open the planning page", chromedp.Navigate(base+q), chromedp.WaitVisible(chromedp.ID("inspection-form")))
		step("type the lot",
			chromedp.SendKeys(chromedp.ID("f-po"), "PO-浏览器-7"),
			chromedp.SendKeys(chromedp.ID("f-produced"), "500"),
			chromedp.SendKeys(chromedp.ID("f-packed"), "450"),
			chromedp.SendKeys(chromedp.ID("f-lot"), "500"),
			chromedp.Click(chromedp.ID("show-plan")),
			chromedp.WaitVisible(chromedp.ID("class-plan")))
		if plan := str("plan", `document.getElementById("class-plan").innerText`); !strings.Contains(plan, "Major") || !strings.Contains(plan, "50") {
			t.Fatalf("the preview lacks the plan: %s", plan)
		}
		step("plan it", chromedp.Click(chromedp.ID("plan-submit")), chromedp.WaitVisible(chromedp.ID("record-link")))
		loc := str("location", `location.pathname`)
		id, err := strconv.ParseInt(strings.TrimPrefix(loc, "/inspections/"), 10, 64)
		if err != nil {
			t.Fatalf("not on the inspection page: %s", loc)
		}

		step("open the recording page", chromedp.Click(chromedp.ID("record-link")), chromedp.WaitVisible(chromedp.ID("rec")))
		wait("the page is online", `document.getElementById("conn").dataset.state === "online"`)
		drained := `document.getElementById("queue").dataset.n === "0" && document.getElementById("conn").dataset.state === "online"`

		// Unit 1: a scratch, with a photo from the camera.
		step("unit 1: a scratch with a photo",
			choose("#d-code", "SCR-01"),
			chromedp.SendKeys(chromedp.ID("d-loc"), "顶盖 top cover"),
			chromedp.SetUploadFiles(chromedp.ID("d-photo"), photos[:1]))
		wait("the photo preview", `document.querySelectorAll("#d-previews img").length === 1`)
		step("add it", chromedp.Click(chromedp.ID("d-add")))
		wait("unit 1 sent", drained+` && document.querySelectorAll("#unit-defects li:not(.pending)").length === 1`)
		wait("the photo shows", `document.querySelector("#unit-defects li img") !== null`)

		// Unit 2: no sound (major); unit 3 is fine.
		step("unit 2: no sound", chromedp.Click(chromedp.CSS(`.unit[data-unit="2"]`)), choose("#d-code", "FUN-01"), chromedp.Click(chromedp.ID("d-add")))
		wait("unit 2 sent", drained)
		step("unit 2 done, unit 3 fine", chromedp.Click(chromedp.ID("unit-ok")), chromedp.Click(chromedp.ID("unit-ok")))
		wait("units sent", drained+` && document.getElementById("unit").value === "4"`)
		if state := str("unit 2", `document.querySelector('.unit[data-unit="2"]').dataset.state`); state != "major" {
			t.Errorf("unit 2 shows %q, want major", state)
		}

		// A measurement out of tolerance turns red as it is typed.
		step("measurements", chromedp.Click(chromedp.ID("tab-meas")),
			chromedp.SendKeys(chromedp.CSS(`#meas-table input[data-unit="1"][data-char="1"]`), "120.9"))
		if cls := str("cell", `document.querySelector('#meas-table input[data-unit="1"][data-char="1"]').className`); !strings.Contains(cls, "oot") {
			t.Errorf("120.9 for 120 ± 0.5 is not marked as it is typed: class %q", cls)
		}
		step("leave the cell", chromedp.Click(chromedp.ID("tab-units")))
		wait("the reading is sent", drained)
		// An absurd reading passes no check here but the server's: it comes back refused, with why.
		step("an absurd reading", chromedp.Click(chromedp.ID("tab-meas")),
			chromedp.SendKeys(chromedp.CSS(`#meas-table input[data-unit="3"][data-char="1"]`), "12000"),
			chromedp.Click(chromedp.ID("tab-units")))
		wait("the server refuses it", `document.querySelectorAll("#rejected-list li").length === 1 && document.getElementById("queue").dataset.n === "0"`)
		if why := str("why", `document.querySelector("#rejected-list .meta").textContent`); !strings.Contains(why, "cannot be a reading") {
			t.Errorf("the refusal says %q", why)
		}
		// Clicked in one script: the list is re-rendered as the queue and the
		// poll update, which can replace the button between a lookup and a click.
		step("discard it", chromedp.Evaluate[chromedp.Void](`document.querySelector("#rejected-list button").click()`))
		wait("discarded", `document.querySelectorAll("#rejected-list li").length === 0`)
		shot("inspection-record", 1024, 768)
		shot("inspection-record", 768, 1024)

		// The connection drops.
		offline := func(off bool) {
			t.Helper()
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				t.Fatal(err)
			}
			conds := []*network.Conditions{}
			if off {
				conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
			}
			if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds}); err != nil {
				t.Fatal(err)
			}
			if _, err := chromedp.Call(ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
				t.Fatal(err)
			}
		}
		// The service worker keeps the page and the static files for opening it offline.
		wait("the page is kept for offline use", `document.getElementById("rec").dataset.offlineReady === "1"`)
		offline(true)
		wait("offline shows", `document.getElementById("conn").dataset.state === "offline"`)
		before := len(entries(inspection.EntryDefect, id))
		step("unit 4 offline: a scratch with a photo",
			chromedp.Click(chromedp.CSS(`.unit[data-unit="4"]`)),
			choose("#d-code", "SCR-01"),
			chromedp.SetUploadFiles(chromedp.ID("d-photo"), photos[1:]))
		wait("the offline photo preview", `document.querySelectorAll("#d-previews img").length === 1`)
		step("add it", chromedp.Click(chromedp.ID("d-add")))
		step("unit 5 offline: a defect not in the library",
			chromedp.Click(chromedp.CSS(`.unit[data-unit="5"]`)),
			chromedp.SendKeys(chromedp.ID("d-desc"), "Loose thread"),
			chromedp.Click(chromedp.CSS(`#d-class button[data-class="minor"]`)),
			chromedp.Click(chromedp.ID("d-add")))
		step("a reading offline", chromedp.Click(chromedp.ID("tab-meas")),
			chromedp.SendKeys(chromedp.CSS(`#meas-table input[data-unit="2"][data-char="2"]`), "401"),
			chromedp.Click(chromedp.ID("tab-units")))
		wait("three entries wait", `document.getElementById("queue").textContent.indexOf("3 entries waiting to be sent") === 0`)
		if state := str("unit 4", `document.querySelector('.unit[data-unit="4"]').className`); !strings.Contains(state, "pending") {
			t.Errorf("unit 4 is not shown as waiting: %q", state)
		}
		if got := len(entries(inspection.EntryDefect, id)); got != before {
			t.Fatalf("entries reached the server while offline: %d, before %d", got, before)
		}
		shot("inspection-record-offline", 1024, 768)

		// Opened again without a connection (the server unreachable as
		// well): the service worker answers from its copy of the page, the
		// waiting entries are still there, and recording goes on.
		down.Store(true)
		step("reload offline", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("rec")))
		wait("the page opened offline from the service worker", `navigator.serviceWorker.controller !== null && document.getElementById("conn").dataset.state === "offline"`)
		wait("the entries still wait", `document.getElementById("queue").textContent.indexOf("3 entries waiting to be sent") === 0`)
		step("unit 6 after the offline reload: a scratch",
			chromedp.Click(chromedp.CSS(`.unit[data-unit="6"]`)),
			choose("#d-code", "SCR-01"),
			chromedp.Click(chromedp.ID("d-add")))
		wait("four entries wait", `document.getElementById("queue").textContent.indexOf("4 entries waiting to be sent") === 0`)
		down.Store(false)

		// The connection returns: the queue drains.
		offline(false)
		wait("the queue drains", drained+` && document.querySelectorAll("#all-defects li.pending").length === 0`)
		// Send again by hand: nothing more is stored.
		step("send now", chromedp.Click(chromedp.ID("sync-now")))
		wait("still drained", drained)

		defects := entries(inspection.EntryDefect, id)
		perUnit := map[int]int{}
		for _, e := range defects {
			perUnit[e.Defect.Unit]++
		}
		if len(defects) != 5 || perUnit[1] != 1 || perUnit[2] != 1 || perUnit[4] != 1 || perUnit[5] != 1 || perUnit[6] != 1 {
			t.Errorf("defects stored per unit: %v (want units 1, 2, 4, 5, 6 once each)", perUnit)
		}
		for _, e := range defects {
			d := e.Defect
			if (d.Unit == 1 || d.Unit == 4) && len(d.Photos) != 1 {
				t.Errorf("the defect on unit %d has photos %v", d.Unit, d.Photos)
			}
			if d.Unit == 5 && (d.Code != "" || d.Description != "Loose thread" || d.Class != inspection.Minor) {
				t.Errorf("the defect described offline on unit 5: %+v", d)
			}
			if d.Unit == 1 && d.Location != "顶盖 top cover" {
				t.Errorf("location of unit 1's defect: %q", d.Location)
			}
		}
		if n := len(entries(inspection.EntryMeasurement, id)); n != 2 {
			t.Errorf("%d measurements stored, want 2", n)
		}
		var files []store.File
		if err := st.View(context.Background(), func(tx *store.Tx) error {
			files, err = tx.FilesOf("inspection", id)
			return err
		}); err != nil || len(files) != 2 {
			t.Errorf("%d photos stored (%v), want 2", len(files), err)
		}

		// An entry whose answer was lost (still queued in the browser, already
		// stored) is sent again after a reload: it is stored once.
		var resent inspection.Entry
		for _, e := range defects {
			if e.Defect.Unit == 2 {
				resent = e
			}
		}
		queued := fmt.Sprintf(`new Promise(function (ok, fail) {
			var r = indexedDB.open("qms-recording", 1);
			r.onerror = function () { fail(r.error); };
			r.onsuccess = function () {
				var t = r.result.transaction("queue", "readwrite");
				t.objectStore("queue").put({key: %[1]q, inspection: %[2]d, seq: 1, photos: [], error: "",
					entry: {key: %[1]q, kind: "defect", defect: {unit: 2, code: "FUN-01"}}});
				t.oncomplete = function () { ok("queued"); };
				t.onerror = function () { fail(t.error); };
			};
		})`, resent.Key, id)
		if got := str("queue a lost answer", queued, chromedp.EvalAwaitPromise); got != "queued" {
			t.Fatalf("queue: %s", got)
		}
		step("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("rec")))
		wait("the resend drains", drained)
		if n := len(entries(inspection.EntryDefect, id)); n != 5 {
			t.Errorf("after the resend %d defects are stored, want 5", n)
		}

		// Finish the lot (every unit, section, check and test), submit, download the report.
		w.Complete(t, st, w.Get(t, st, id))
		step("open the inspection page", chromedp.Navigate(fmt.Sprintf("%s/inspections/%d", base, id)), chromedp.WaitVisible(chromedp.ID("submit-form")))
		step("submit", chromedp.Click(chromedp.ID("submit-report")), chromedp.WaitVisible(chromedp.ID("report-link")))
		if v := str("verdict", `document.querySelector("h1 .vd") ? document.querySelector("h1 .vd").textContent : ""`); v != "Pass" {
			t.Errorf("verdict %q, want Pass: %s", v, str("reasons", `(document.getElementById("reasons") || document.body).innerText`))
		}
		pdf := str("download the report", fmt.Sprintf(`fetch("/inspections/%d/report.pdf").then(function(r){
			return r.arrayBuffer().then(function(b){ var s = String.fromCharCode.apply(null, new Uint8Array(b.slice(0, 5)));
			return r.status + " " + r.headers.get("Content-Type") + " " + s + " " + b.byteLength; }); })`, id), chromedp.EvalAwaitPromise)
		parts := strings.Fields(pdf)
		if len(parts) < 4 || parts[0] != "200" || parts[1] != "application/pdf" || parts[2] != "%PDF-" {
			t.Errorf("the PDF report: %s", pdf)
		} else if n, _ := strconv.Atoi(parts[3]); n < 2000 {
			t.Errorf("the PDF report is only %d bytes", n)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(jsErrors) > 0 {
			t.Errorf("the page logged errors:\n%s", strings.Join(jsErrors, "\n"))
		}
	})
}

// writePNG writes a small photo and returns its path.
func writePNG(t *testing.T, name string, c color.Color) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// serveInspections serves the web and API surfaces with a file store on a
// loopback port until the test ends and returns the base URL.
func serveInspections(t *testing.T, st *store.Store) string {
	t.Helper()
	base, _ := serveInspectionsDown(t, st)
	return base
}

// serveInspectionsDown is serveInspections with a switch: while down is
// set, every request is dropped without an answer, as by a lost network.
func serveInspectionsDown(t *testing.T, st *store.Store) (base string, down *atomic.Bool) {
	t.Helper()
	down = &atomic.Bool{}
	h := inspHandler(t, st, t.TempDir())
	return serveHandler(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			panic(http.ErrAbortHandler) // the connection is closed without an answer
		}
		h.ServeHTTP(w, r)
	})), down
}
