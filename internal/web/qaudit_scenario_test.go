package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestQAuditPages checks the audit pages as every kind of user: supplier
// A's user lists and reads its issued supplier audit (the report, without
// the buyer's NCR link) and nothing else; supplier B's user gets 404 for
// it, its report and its PDF; a viewer reads but may not plan; a plan with
// bad input is refused with the reasons and writes nothing; the
// programme and checklist pages render for internal users.
func TestQAuditPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
		a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files := blob.NewService(st, disk, 0)
		ops := &qauditops.Service{Store: st, Files: files}
		ops.RegisterFiles(files)
		h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{New(st, a, log).WithFiles(files)}})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		ap := &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
		as := func(u *qms.User) context.Context {
			return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
		}
		qmU, audU := w.Users[qms.RoleQualityManager], w.Users[qms.RoleAuditor]

		// A's issued supplier audit with an NCR, and an internal audit.
		sa := &qaudit.QualityAudit{Type: qaudit.TypeSupplier, Title: "Factory audit of A", Scope: "Plant", TemplateKey: qaudit.KeyFactory,
			SupplierID: w.A.Supplier.ID, LeadID: audU.ID, PlannedStart: opstest.Day(0)}
		if err := ops.Plan(as(qmU), sa); err != nil {
			t.Fatal(err)
		}
		started, err := ops.Start(as(audU), sa.ID, sa.Version)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := ops.Get(as(audU), sa.ID)
		for _, q := range v.Questions {
			ans := qaudit.Answer{Grade: qaudit.GradeConform}
			if q.Line == 1 {
				ans = qaudit.Answer{Grade: qaudit.GradeMajor, Evidence: "Certificate expired 2026-01-31"}
			}
			if _, err := ops.Answer(as(audU), sa.ID, q.Line, ans, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ops.Complete(as(audU), sa.ID, started.Version, "Certificate lapsed."); err != nil {
			t.Fatal(err)
		}
		v, _ = ops.Get(as(qmU), sa.ID)
		n, err := ops.RaiseNCR(as(qmU), v.Findings[0].ID, v.Findings[0].Version)
		if err != nil {
			t.Fatal(err)
		}
		ia := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Internal audit of purchasing", Scope: "8.4", TemplateKey: qaudit.KeyISO9001,
			LeadID: audU.ID, PlannedStart: opstest.Day(3)}
		if err := ops.Plan(as(qmU), ia); err != nil {
			t.Fatal(err)
		}
		sPath, iPath := qaAudit(sa.ID), qaAudit(ia.ID)

		supA, supB := ap.signedIn(w.A.User), ap.signedIn(w.B.User)
		supA.get("/audits").must(t, http.StatusOK, "Factory audit of A")
		if r := supA.get("/audits"); strings.Contains(r.body, "Internal audit of purchasing") || strings.Contains(r.body, "open-findings") {
			t.Error("A's list shows an internal audit or the findings")
		}
		supA.get(sPath).redirectsTo(t, sPath+"/report")
		r := supA.get(sPath + "/report")
		r.must(t, http.StatusOK, sa.Number(), "Major nonconformity", "Certificate expired")
		if strings.Contains(r.body, n.Number()) {
			t.Errorf("A's report shows the buyer's %s", n.Number())
		}
		supA.get(iPath).must(t, http.StatusNotFound)
		supA.get(iPath+"/report").must(t, http.StatusNotFound)
		supB.get(sPath).must(t, http.StatusNotFound)
		supB.get(sPath+"/report").must(t, http.StatusNotFound)
		supB.get(sPath+"/report.pdf").must(t, http.StatusNotFound)
		if r := supB.get("/audits"); strings.Contains(r.body, "Factory audit of A") {
			t.Error("B's list shows A's audit")
		}
		if r := supA.get("/audit-programme"); r.code != http.StatusForbidden {
			t.Errorf("A opens the programme: %d", r.code)
		}

		viewer := ap.signedIn(w.Users[qms.RoleViewer])
		viewer.get(sPath).must(t, http.StatusOK, sa.Number(), "Open", `href="/ncrs/`+fmt.Sprint(n.ID)+`">`+n.Number())
		viewer.get(sPath+"/report").must(t, http.StatusOK, n.Number())
		if r := viewer.post("/audits", url.Values{"title": {"x"}}); r.code != http.StatusForbidden {
			t.Errorf("viewer plans: %d", r.code)
		}

		qm := ap.signedIn(qmU)
		before := qaRows(t, st, "audits")
		qm.post("/audits", url.Values{"type": {"supplier"}, "title": {"No scope"}, "template_key": {qaudit.KeyFactory},
			"lead_id": {fmt.Sprint(w.A.User.ID)}, "supplier_id": {fmt.Sprint(w.A.Supplier.ID)}, "planned_start": {"2026-13-01"}}).
			must(t, http.StatusBadRequest, "id=\"form-problem\"", "is required: the processes, sites, products and period", "is not a date")
		qm.post("/audits", url.Values{"type": {"supplier"}, "title": {"Supplier on the team"}, "scope": {"x"}, "template_key": {qaudit.KeyFactory},
			"lead_id": {fmt.Sprint(w.A.User.ID)}, "supplier_id": {fmt.Sprint(w.A.Supplier.ID)}, "planned_start": {"2026-03-01"}}).
			must(t, http.StatusBadRequest, "may not audit")
		if after := qaRows(t, st, "audits"); after != before {
			t.Errorf("refused plans wrote %d audits", after-before)
		}
		qm.get("/audits").must(t, http.StatusOK, "Internal audit of purchasing", "open-findings", v.Findings[0].Number())
		qm.get("/audit-programme?year=2026").must(t, http.StatusOK, "programme-form")
		qm.post("/audit-programme", url.Values{"year": {"2026"}}).redirectsTo(t, "/audit-programme?year=2026")
		if r := qm.get("/audit-templates"); !strings.Contains(r.body, "Factory technical audit") || strings.Contains(r.body, "ISO 13485:2016 internal audit") {
			t.Error("the checklists without ISO 13485 mode: the factory checklist missing or the ISO 13485 one shown")
		}
		if err := st.Update(as(qmU), func(tx *store.Tx) error { _, err := tx.SetISO13485Mode(true, 0, "medical devices"); return err }); err != nil {
			t.Fatal(err)
		}
		qm.get("/audit-templates").must(t, http.StatusOK, "ISO 9001:2015 internal audit", "Factory technical audit", "ISO 13485:2016 internal audit")
		qm.get("/audit-templates/"+qaudit.KeyISO9001).must(t, http.StatusOK, "10.3", "Continual improvement")
		r = qm.post("/audit-templates", url.Values{"key": {qaudit.KeyFactory}, "name": {"Factory audit — plastics"}})
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/audit-templates/custom-") {
			t.Fatalf("copy: %d %s", r.code, r.loc)
		}
		qm.get(r.loc).must(t, http.StatusOK, "template-form", "Factory audit — plastics")
		qm.post(r.loc, url.Values{"name": {"Factory audit — plastics"}, "standard": {"x"}, "questions": {"1.1 | only two parts"}, "version": {"1"}}).
			must(t, http.StatusBadRequest, "write clause | section | question")
	})
}
