package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/capa"
	"qms/internal/capaops/capatest"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// ncrTab is one signed-in browser tab of the NCR browser test.
type ncrTab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

func (b *ncrTab) page() string {
	sctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	s, _ := chromedp.Run(sctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 2500)`))
	return s
}

func (b *ncrTab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.page())
	}
}

func (b *ncrTab) str(what, expr string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.page())
	}
	return s
}

// wait polls expr until it is true, across the page loads a form post
// causes (an evaluation during a navigation fails and is tried again).
func (b *ncrTab) wait(what, expr string) {
	b.t.Helper()
	var err error
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		sctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		var ok bool
		ok, err = chromedp.Run(sctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
	}
	b.t.Fatalf("%s: waiting for %s: %v\n%s", what, expr, err, b.page())
}

// open loads a page and waits for an element of it.
func (b *ncrTab) open(path, sel string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// fill sets form fields by selector, as typing would.
func (b *ncrTab) fill(fields map[string]string) {
	b.t.Helper()
	for sel, v := range fields {
		b.do("fill "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function(){var e=document.querySelector(%q); if(!e) throw new Error("no field "+%q); e.value=%q; e.dispatchEvent(new Event("input",{bubbles:true}));})()`, sel, sel, v)))
	}
}

// submit presses a button and waits for the page the server answers with.
func (b *ncrTab) submit(what, sel string) {
	b.t.Helper()
	b.do(what, chromedp.Evaluate[chromedp.Void](`window.__before = true`), chromedp.Click(chromedp.CSS(sel)))
	b.wait(what, `window.__before !== true && document.readyState === "complete"`)
}

// shot keeps a full-page screenshot when QMS_SCREENSHOT_DIR is set.
func (b *ncrTab) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("QMS_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatal(err)
	}
	f := filepath.Join(dir, name+".png")
	if err := os.WriteFile(f, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", f)
}

// flash returns the page's flash message ("" when none) with its kind.
func (b *ncrTab) flash() string {
	return b.str("flash", `(function(){var f=document.querySelector(".flash"); return f ? f.className + ": " + f.innerText : "";})()`)
}

func (b *ncrTab) wantFlash(what, kind, contains string) {
	b.t.Helper()
	f := b.flash()
	if !strings.Contains(f, "flash-"+kind) || !strings.Contains(f, contains) {
		b.t.Fatalf("%s: flash %q, want %s with %q\n%s", what, f, kind, contains, b.page())
	}
}

// TestNCRBrowser drives the NCR and supplier corrective action flow in
// headless chromium, with three people in their own browser contexts:
// the quality manager raises an NCR from a failed inspection, contains it,
// splits the disposition (a split that does not add up is refused), signs
// the MRB approval with the password (a wrong one is refused, nothing
// written), the inspector signs as second approver, the disposition is
// decided; the manager opens a supplier corrective action request from the
// NCR, states the effectiveness criterion and writes D0 to D2; the
// supplier's user answers D3 to D7 in the portal without seeing the
// buyer's internal note; the manager accepts each stage, moves the request
// to verification, and once two later inspections (recorded through the
// store) prove it, closes it with a signature.
func TestNCRBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1280, 900)

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		failed := w.Failed(t, w.PA)
		base := serveInspections(t, st)
		today := qms.DateOf(st.Now()).String()

		signIn := func(u *qms.User) *ncrTab {
			_, ctx := newTab(t, browserCtx, 150*time.Second)
			if err := chromedp.Do(ctx); err != nil { // the tab lives as long as ctx, not the first step's context
				t.Fatal(err)
			}
			b := &ncrTab{t: t, ctx: ctx, base: base}
			b.do("sign in as "+u.Email, chromedp.EmulateViewport(1280, 900), signInAt(base, "/login", u.Email, capatest.Password),
				chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)))
			return b
		}
		qm := signIn(w.Users[qms.RoleQualityManager])
		getNCR := func(id int64) *ncr.NCR { return w.GetNCR(t, id) }

		// Raise the NCR from the failed inspection in one click.
		qm.open("/inspections/"+strconv.FormatInt(failed.ID, 10), "#raise-ncr")
		qm.submit("raise the NCR", "#raise-ncr")
		qm.wantFlash("raise", "success", "raised from inspection")
		loc := qm.str("location", `location.pathname`)
		ncrID, err := strconv.ParseInt(strings.TrimPrefix(loc, "/ncrs/"), 10, 64)
		if err != nil {
			t.Fatalf("not on an NCR page: %s", loc)
		}
		n := getNCR(ncrID)
		if n.InspectionID != failed.ID || len(n.Defects) == 0 || n.Defects[0].Code != "FUN-01" {
			t.Fatalf("the NCR does not copy the inspection: %+v", n)
		}
		affected := n.QuantityAffected

		// Contain it: a quarantine action with an owner and a due date, done.
		qm.fill(map[string]string{`#action-form select[name="kind"]`: "quarantine", `#action-form input[name="owner"]`: "仓库 李伟",
			`#action-form input[name="due_on"]`: today, `#action-form input[name="description"]`: "MRB cage"})
		qm.submit("add the containment action", `#action-form button[type="submit"]`)
		qm.fill(map[string]string{`#containment input[name="result"]`: "tagged and caged"})
		qm.submit("complete the action", `#containment button[value="done"]`)
		qm.submit("mark contained", "#move-contain")
		qm.wantFlash("contain", "success", "contained")

		// A split that does not add up is refused and writes nothing.
		qm.fill(map[string]string{`input[name="qty_rework"]`: strconv.Itoa(affected), `input[name="qty_use_as_is"]`: "10"})
		qm.submit("save a split that does not add up", "#save-disposition")
		qm.wantFlash("split", "error", "")
		if n := getNCR(ncrID); len(n.Disposition) != 0 {
			t.Fatalf("a disposition that does not add up was saved: %+v", n.Disposition)
		}
		qm.fill(map[string]string{`input[name="qty_rework"]`: strconv.Itoa(affected - 10), `input[name="qty_use_as_is"]`: "10",
			`input[name="why_use_as_is"]`: "cosmetic only, concession CN-12 客户让步"})
		qm.submit("save the split", "#save-disposition")
		qm.wantFlash("split", "success", "Disposition saved")
		if got := qm.str("sum", `document.getElementById("disp-sum").innerText`); got != strconv.Itoa(affected) {
			t.Fatalf("dispositioned %s of %d", got, affected)
		}

		// MRB: a wrong password is refused and counts for nothing; then the
		// manager signs; the inspector signs as the second approver.
		qm.fill(map[string]string{`#approve-form input[name="password"]`: "not-my-password"})
		qm.submit("sign with a wrong password", "#approve-submit")
		qm.wantFlash("wrong password", "error", "")
		if n := getNCR(ncrID); len(n.MRB) != 0 {
			t.Fatalf("a wrong password wrote an approval: %+v", n.MRB)
		}
		qm.fill(map[string]string{`#approve-form input[name="password"]`: capatest.Password})
		qm.submit("sign the MRB approval", "#approve-submit")
		qm.wantFlash("sign", "success", "Signed: Approved")
		if qm.str("approve form", `document.getElementById("approve-form") ? "shown" : "gone"`) != "gone" {
			t.Error("the first approver is offered to approve again")
		}
		insp := signIn(w.Users[qms.RoleInspector])
		insp.open("/ncrs/"+strconv.FormatInt(ncrID, 10), "#approve-form")
		insp.fill(map[string]string{`#approve-form input[name="password"]`: capatest.Password})
		insp.submit("second MRB approval", "#approve-submit")
		insp.wantFlash("second approval", "success", "Signed: Approved")
		sigs := insp.str("signatures", `Array.from(document.querySelectorAll("#disposition .sig")).map(e => e.innerText).join("\n")`)
		if strings.Count(sigs, "Approved") != 2 || !strings.Contains(sigs, w.Users[qms.RoleInspector].Name) || !strings.Contains(sigs, "SHA-256") {
			t.Fatalf("signature manifestations: %q", sigs)
		}
		insp.shot("ncr-" + string(st.Dialect()))
		qm.open("/ncrs/"+strconv.FormatInt(ncrID, 10), "#move-disposition")
		qm.submit("decide the disposition", "#move-disposition")
		qm.wantFlash("decide", "success", "dispositioned")

		// The supplier corrective action request, from the NCR.
		qm.submit("open a CAPA from the NCR", "#open-capa")
		if kind := qm.str("kind", `document.querySelector('#capa-form select[name="kind"]').value`); kind != "supplier" {
			t.Fatalf("a request from an NCR with a supplier is not proposed as a supplier request: %s", kind)
		}
		qm.submit("open the request", "#open-capa-submit")
		qm.wantFlash("open", "success", "SCAR-")
		loc = qm.str("location", `location.pathname`)
		capaID, err := strconv.ParseInt(strings.TrimPrefix(loc, "/capas/"), 10, 64)
		if err != nil {
			t.Fatalf("not on a CAPA page: %s", loc)
		}
		capaPathS := "/capas/" + strconv.FormatInt(capaID, 10)
		// The criterion: no FUN-01 in the next two during-production inspections.
		qm.fill(map[string]string{`#criterion-form input[name="defect_code"]`: "FUN-01", `#criterion-form input[name="max_defective"]`: "0",
			`#criterion-form input[name="inspections"]`: "2"})
		qm.do("choose the inspection kind", chromedp.Evaluate[chromedp.Void](`document.querySelector('#criterion-form select[name="kinds"] option[value="in_process"]').selected = true`))
		qm.submit("state the criterion", "#criterion-submit")
		qm.wantFlash("criterion", "success", "criterion stated")
		qm.fill(map[string]string{`#note-form textarea[name="text"]`: "Internal only: the supplier's price talks 内部备注"})
		qm.submit("add an internal note", `#note-form button[type="submit"]`)

		answer := func(b *ncrTab, stage string, fields map[string]string) {
			t.Helper()
			f := map[string]string{}
			for k, v := range fields {
				f["#form-"+stage+" [name=\""+k+"\"]"] = v
			}
			b.fill(f)
			b.submit("submit "+stage, "#submit-"+stage)
			b.wantFlash(stage, "success", stage+" submitted")
		}
		accept := func(stage string) {
			t.Helper()
			qm.open(capaPathS, "#accept-"+stage)
			qm.submit("accept "+stage, "#accept-"+stage)
			qm.wantFlash("accept "+stage, "success", stage+" accepted")
		}
		answer(qm, "D0", map[string]string{"symptom": "Speakers without sound", "response": "Lot on hold"})
		accept("D0")
		answer(qm, "D1", map[string]string{"leader": "陈静", "members": "陈静 | supplier QA\nLena | buyer SQE"})
		accept("D1")
		answer(qm, "D2", map[string]string{"what": "No sound", "where": "PSI", "when": "this week", "how_many": "4 of 50", "how_detected": "function test"})
		accept("D2")

		// The supplier's user answers D3 to D7 in the portal.
		sup := signIn(w.A.User)
		sup.open("/portal/scars", "#scar-table")
		sup.submit("open the request", "#scar-table a")
		if body := sup.str("page", `document.body.innerText`); strings.Contains(body, "内部备注") || strings.Contains(body, "Internal notes") {
			t.Fatal("the supplier sees the buyer's internal note")
		}
		if sup.str("D0 form", `document.getElementById("form-D0") ? "form" : "none"`) != "none" {
			t.Fatal("the supplier is offered to write D0")
		}
		answer(sup, "D3", map[string]string{"actions": "Sort stock at the factory | 李娜 | " + today + " | " + today + " | 37 rejects of 5,000",
			"verification": "Re-inspection of 200 sorted units: 0 defects"})
		answer(sup, "D4", map[string]string{"occ_whys": "Wire not soldered\nIron too cold\nNo temperature check", "occ_root": "No daily iron temperature check",
			"det_whys": "Function test skipped when late", "det_root": "Test not mandatory in the control plan", "effect": "No sound 无声",
			"cause_machine": "Iron temperature drift | tip worn; no check | confirmed", "cause_man": "New operator | | ruled out",
			"category": "machine", "verification": "Reproduced at 280 °C"})
		answer(sup, "D5", map[string]string{"actions": "Controlled irons, daily check sheet | occurrence | 张伟 | " + today + "\nMandatory 100 % function test | detection | 李娜 | " + today,
			"verification": "Pilot run of 500: 0 defects"})
		sup.do("confirm containment removed", chromedp.Evaluate[chromedp.Void](`document.querySelector('#form-D6 [name="containment_removed"]').checked = true`))
		answer(sup, "D6", map[string]string{"items": "1 | " + today + " | check sheets posted\n2 | " + today + " | control plan rev D", "validation": "Two weeks: 0 defects"})
		answer(sup, "D7", map[string]string{"summary": "All speaker lines", "changes": "work_instruction | WI-SOL-003 rev 4 | daily check"})

		sup.shot("portal-scar-" + string(st.Dialect()))
		// The buyer accepts each stage; the Ishikawa shows the supplier's causes.
		qm.open(capaPathS, "#fishbone")
		if fb := qm.str("fishbone", `document.querySelector("#fishbone svg").textContent`); !strings.Contains(fb, "Iron temperature drift") || !strings.Contains(fb, "Measurement") {
			t.Fatalf("the fishbone lacks the causes or a category: %q", fb)
		}
		for _, s := range []string{"D3", "D4", "D5", "D6", "D7"} {
			accept(s)
		}
		qm.submit("move to verification", "#move-verify")
		qm.wantFlash("verify", "success", "verifying")
		qm.fill(map[string]string{`#form-D8 [name="summary"]`: "Effective after two clean lots"})
		qm.submit("save D8", `#form-D8 button[name="save"]`)

		// Two later inspections without the defect, recorded and released
		// through the store.
		for range 2 {
			in := w.Lot(t, st, w.PA, inspection.KindInProcess, 500)
			w.Complete(t, st, in)
			w.Submit(t, st, in.ID, inspection.Submission{})
			w.Decide(t, st, in.ID, inspection.Decision{Kind: inspection.DecideRelease})
		}
		qm.open(capaPathS, "#evaluate")
		qm.submit("evaluate", "#evaluate")
		if ev := qm.str("evaluation", `document.getElementById("evaluation").innerText`); !strings.Contains(ev, "pass") {
			t.Fatalf("the criterion did not pass after two clean inspections: %s", ev)
		}
		if rows := qm.str("evidence", `String(document.querySelectorAll("#evidence-table tbody tr").length)`); rows != "2" {
			t.Errorf("%s evidence rows, want the 2 inspections", rows)
		}
		qm.fill(map[string]string{`#close-form input[name="password"]`: capatest.Password, `#close-form input[name="comment"]`: "8D complete"})
		qm.submit("close and sign", "#close-submit")
		qm.wantFlash("close", "success", "Closed and signed")
		c := w.GetCAPA(t, capaID)
		if c.Status != capa.StatusClosed || c.Closure == nil || c.Closure.SignatureID == 0 || c.Closure.Override || c.Evaluation.Outcome != capa.OutcomePass {
			t.Fatalf("the request did not close on the evidence: %+v %+v", c.Closure, c.Evaluation)
		}
		if c.Stage(capa.D4).SubmittedBy != w.A.User.Name || len(c.Report.D4.Ishikawa.Causes) != 2 {
			t.Errorf("D4 as answered: by %q, %d causes", c.Stage(capa.D4).SubmittedBy, len(c.Report.D4.Ishikawa.Causes))
		}
		qm.shot("capa-" + string(st.Dialect()))
		qm.open("/capas?active=0", "#capa-table")
		qm.shot("capa-list-" + string(st.Dialect()))
		// The 8D report shows it, as HTML and PDF.
		qm.open(capaPathS+"/report", "#report-pdf")
		if body := qm.str("report", `document.body.innerText`); !strings.Contains(body, "Electronic signatures") || !strings.Contains(body, "No daily iron temperature check") {
			t.Errorf("the 8D report lacks the signature or the root cause")
		}
	})
}
