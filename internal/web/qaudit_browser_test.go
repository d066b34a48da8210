package web

import (
	"context"
	"fmt"
	"image/color"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"qms/internal/auth"
	"qms/internal/process"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestQAuditBrowser runs an internal audit with a finding in headless
// chromium: the quality manager plans an audit of her own process and is
// refused as lead auditor (nobody audits their own process), then plans it
// with an auditor and an inspector on the team; the inspector starts it on
// a tablet-sized window, grades a question major without evidence and is
// refused, grades it again with evidence and a camera photo, answers the
// rest and issues the report; the quality manager sees the open finding,
// raises an NCR from it, and opens the report and its PDF.
func TestQAuditBrowser(t *testing.T) {
	browserCtx := startBrowser(t, 1024, 768)
	photo := writePNG(t, "IMG_2041.png", color.RGBA{180, 40, 40, 255})

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		base := serveQAudits(t, st)
		hash, err := auth.HashPassword(testPassword)
		if err != nil {
			t.Fatal(err)
		}
		qm := &qms.User{Email: "lena@example.com", Name: "Lena Vogel", Role: qms.RoleQualityManager}
		lead := &qms.User{Email: "lan@example.vn", Name: "Trần Thị Lan", Role: qms.RoleAuditor}
		insp := &qms.User{Email: "joerg@example.com", Name: "Jörg Weiß", Role: qms.RoleInspector}
		proc := &process.Process{Name: "Purchasing", Purpose: "Buy from approved factories"}
		tpl := &qaudit.Template{Name: "Purchasing spot check", Standard: "ISO 9001:2015 8.4", Questions: []qaudit.TemplateQuestion{
			{Clause: "8.4.1", Section: "Control of external providers", Text: "Are suppliers evaluated and re-evaluated against criteria?", Guidance: "Supplier evaluations"},
			{Clause: "8.4.2", Section: "Type and extent of control", Text: "Are inspection levels set per supplier and product?"},
			{Clause: "8.4.3", Section: "Information for external providers", Text: "Do purchase orders state the quality requirements?"},
		}}
		sys := qms.WithActor(context.Background(), qms.System)
		err = st.Update(sys, func(tx *store.Tx) error {
			for _, u := range []*qms.User{qm, lead, insp} {
				if err := tx.CreateUser(u, hash); err != nil {
					return err
				}
			}
			proc.OwnerID = qm.ID
			if err := tx.CreateProcess(proc); err != nil {
				return err
			}
			return tx.CreateAuditTemplate(tpl)
		})
		if err != nil {
			t.Fatal(err)
		}

		tab, ctx := newTab(t, browserCtx, 120*time.Second)
		if err := chromedp.Do(ctx); err != nil { // the tab lives as long as ctx
			t.Fatal(err)
		}
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
		text := func(what, sel string) string {
			t.Helper()
			s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
			if err != nil {
				t.Fatalf("%s: %v\n%s", what, err, page())
			}
			return s
		}
		signIn := func(u *qms.User) {
			t.Helper()
			step("open the sign-in page as "+u.Name, openSignIn(base, "/login"))
			step("sign in as "+u.Name, submitSignIn(u.Email, testPassword),
				chromedp.WaitVisible(chromedp.ID("sign-out")))
		}
		signOut := func() {
			t.Helper()
			step("sign out", chromedp.Click(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }

		// The quality manager plans an audit of her own process.
		signIn(qm)
		step("open the audits", chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/audits"]`)), chromedp.WaitVisible(chromedp.ID("plan-audit")))
		step("open the plan form", chromedp.Click(chromedp.ID("plan-audit")), chromedp.WaitVisible(chromedp.ID("audit-form")))
		step("fill in the plan",
			chromedp.SetValue(chromedp.CSS(`#audit-form select[name="type"]`), "internal"),
			chromedp.SendKeys(chromedp.CSS(`#audit-form input[name="title"]`), "Purchasing 2026 — 采购"),
			chromedp.SendKeys(chromedp.CSS(`#audit-form textarea[name="scope"]`), "Supplier evaluation and purchase orders, Jan–Jun"),
			chromedp.SetValue(chromedp.CSS(`#audit-form select[name="template_key"]`), tpl.Key),
			chromedp.SetValue(chromedp.CSS(`#audit-form select[name="process_id"]`), id(proc.ID)),
			chromedp.SetValue(chromedp.CSS(`#audit-form select[name="lead_id"]`), id(qm.ID)),
			chromedp.SetValue(chromedp.CSS(`#audit-form input[name="planned_start"]`), "2026-03-02"),
			chromedp.Click(chromedp.ID("plan-submit")),
			chromedp.WaitVisible(chromedp.ID("form-problem")))
		if msg := text("independence", "#audit-form"); !strings.Contains(msg, "Lena Vogel owns Purchasing: nobody audits their own process") {
			t.Fatalf("no independence error on the form:\n%s", page())
		}
		if n := qaRows(t, st, "audits"); n != 0 {
			t.Fatalf("%d audits written by a refused plan", n)
		}
		step("choose an independent lead and team",
			chromedp.SetValue(chromedp.CSS(`#audit-form select[name="lead_id"]`), id(lead.ID)),
			chromedp.Click(chromedp.CSS(`#audit-form input[name="team"][value="`+id(insp.ID)+`"]`)),
			chromedp.Click(chromedp.ID("plan-submit")),
			chromedp.WaitVisible(chromedp.ID("audit-progress")))
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		auditID, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
		if err != nil {
			t.Fatalf("not on the audit page: %s", loc)
		}
		if p := text("progress", "#audit-progress"); !strings.HasPrefix(p, "0 of 3 answered") {
			t.Errorf("progress %q", p)
		}
		signOut()

		// The inspector on the team runs it.
		signIn(insp)
		step("open the audit", chromedp.Navigate(base+qaAudit(auditID)), chromedp.WaitVisible(chromedp.ID("audit-start")))
		step("start", chromedp.Click(chromedp.ID("audit-start")), chromedp.WaitVisible(chromedp.ID("q-1")))
		step("grade major without evidence",
			chromedp.Click(chromedp.CSS(`#q-1 input[name="grade"][value="major"]`)),
			chromedp.Click(chromedp.CSS(`#q-1 button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#q-1.refused .flash-error`)))
		if msg := text("refusal", "#q-1 .flash-error"); !strings.Contains(msg, "is required for a nonconformity") {
			t.Errorf("refusal %q", msg)
		}
		if n := qaRows(t, st, "files"); n != 0 {
			t.Errorf("%d files stored by a refused answer", n)
		}
		step("grade major with evidence and a photo",
			chromedp.Click(chromedp.CSS(`#q-1 input[name="grade"][value="major"]`)),
			chromedp.SendKeys(chromedp.CSS(`#q-1 textarea[name="evidence"]`), "No re-evaluation of 深圳 suppliers since 2024; 4 of 6 files sampled"),
			chromedp.SetUploadFiles(chromedp.CSS(`#q-1 input[name="photo"]`), []string{photo}),
			chromedp.Click(chromedp.CSS(`#q-1 button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#q-1.answered.nc .qa-photos img`)))
		for line, grade := range map[int]string{2: "conform", 3: "na"} {
			step(fmt.Sprintf("answer %d", line),
				chromedp.Click(chromedp.CSS(fmt.Sprintf(`#q-%d input[name="grade"][value="%s"]`, line, grade))),
				chromedp.Click(chromedp.CSS(fmt.Sprintf(`#q-%d button[type="submit"]`, line))),
				chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#q-%d.answered`, line))))
		}
		step("issue the report",
			chromedp.SendKeys(chromedp.ID("audit-summary"), "Supplier re-evaluation has lapsed; purchase orders are fine."),
			chromedp.Click(chromedp.ID("audit-complete")),
			chromedp.WaitVisible(chromedp.ID("findings")))
		signOut()

		// The quality manager follows the finding up.
		signIn(qm)
		step("open the audit", chromedp.Navigate(base+qaAudit(auditID)), chromedp.WaitVisible(chromedp.ID("findings")))
		var fs []qaudit.AuditFinding
		if err := st.View(sys, func(tx *store.Tx) (err error) { fs, err = tx.AuditFindings(auditID); return err }); err != nil || len(fs) != 1 {
			t.Fatalf("findings %+v %v", fs, err)
		}
		f := fs[0]
		if s := text("finding", "#finding-"+id(f.ID)); !strings.Contains(s, f.Number()) || !strings.Contains(s, "Major nonconformity") || !strings.Contains(s, "Open") {
			t.Errorf("finding card %q", s)
		}
		step("raise an NCR", chromedp.Click(chromedp.ID("finding-"+id(f.ID)+"-ncr")), chromedp.WaitVisible(chromedp.CSS(".flash-success")))
		if s := text("flash", ".flash-success"); !strings.Contains(s, "NCR-") || !strings.Contains(s, f.Number()) {
			t.Errorf("flash %q", s)
		}
		st.View(sys, func(tx *store.Tx) (err error) { fs, err = tx.AuditFindings(auditID); return err })
		if fs[0].NCRID == 0 {
			t.Fatal("the finding has no NCR")
		}
		step("open the report", chromedp.Click(chromedp.ID("audit-report")), chromedp.WaitVisible(chromedp.ID("report-findings")))
		if s := text("score", "#report-score"); !strings.Contains(s, "0 %") {
			t.Errorf("score box %q (two applicable questions, one major)", s)
		}
		ct, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("report-pdf").href).then(r => r.status + " " + r.headers.get("Content-Type"))`,
			chromedp.EvalAwaitPromise))
		if err != nil || ct != "200 application/pdf" {
			t.Errorf("report PDF: %q %v", ct, err)
		}
	})
}

// serveQAudits serves the web surface with a file store and the audit
// photo rules on a loopback port until the test ends.
func serveQAudits(t *testing.T, st *store.Store) string {
	t.Helper()
	return serveWeb(t, st, true, (&qauditops.Service{Store: st}).RegisterFiles)
}

// qaRows counts the rows of a table.
func qaRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
