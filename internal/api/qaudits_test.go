package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestAuditsOverAPI runs a supplier audit over the API: planned by the
// quality manager (a viewer may not; an auditor owning nothing is fine),
// hidden from the supplier while it runs, a major without evidence refused
// (422, nothing written), answered, issued, an NCR raised from its major
// finding; A's supplier user reads the issued audit without the NCR link,
// B's user gets 404, and neither reaches findings or the programme.
func TestAuditsOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: discard()}
		w := opstest.Build(t, st)
		h, err := server.Handler(server.Options{Store: st, Auth: a, Log: discard(), Surfaces: []server.Surface{api.New(st, a, discard())}})
		if err != nil {
			t.Fatal(err)
		}
		tokens := map[string]string{}
		acc := &account.Service{Store: st}
		for name, u := range map[string]*qms.User{"qm": w.Users[qms.RoleQualityManager], "auditor": w.Users[qms.RoleAuditor],
			"viewer": w.Users[qms.RoleViewer], "supA": w.A.User, "supB": w.B.User} {
			_, secret, err := acc.CreateToken(sysCtx(), u.ID, "test", nil)
			if err != nil {
				t.Fatal(err)
			}
			tokens[name] = secret
		}
		do := func(method, path, who, body string) *response {
			t.Helper()
			r := httptest.NewRequest(method, "/api/v1"+path, strings.NewReader(body))
			if body != "" {
				r.Header.Set("Content-Type", "application/json")
			}
			r.Header.Set("Authorization", "Bearer "+tokens[who])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return &response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		}
		want := func(what string, r *response, status int) {
			t.Helper()
			if r.status != status {
				t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
			}
		}
		plan := fmt.Sprintf(`{"type":"supplier","title":"Factory audit 2026","scope":"Plant 1","template_key":"factory-technical","supplier_id":%d,"lead_id":%d,"planned_start":"%s"}`,
			w.A.Supplier.ID, w.Users[qms.RoleAuditor].ID, opstest.Day(0))
		want("viewer plans", do("POST", "/audits", "viewer", plan), http.StatusForbidden)
		want("supplier plans", do("POST", "/audits", "supA", plan), http.StatusNotFound)
		r := do("POST", "/audits", "qm", plan)
		want("plan", r, http.StatusCreated)
		var au qaudit.QualityAudit
		json.Unmarshal(r.body, &au)
		if au.Status != qaudit.StatusPlanned || au.Criteria == "" || !strings.HasSuffix(r.header.Get("Location"), fmt.Sprintf("/audits/%d", au.ID)) {
			t.Fatalf("planned %+v", au)
		}
		path := fmt.Sprintf("/audits/%d", au.ID)
		want("supplier reads a planned audit", do("GET", path, "supA", ""), http.StatusNotFound)
		r = do("POST", path+"/start", "auditor", fmt.Sprintf(`{"version":%d}`, au.Version))
		want("start", r, http.StatusOK)

		r = do("PUT", path+"/questions/2", "auditor", `{"grade":"major"}`)
		want("major without evidence", r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.body), "evidence") {
			t.Errorf("problem does not name the evidence: %s", r.body)
		}
		var v qauditops.AuditView
		json.Unmarshal(do("GET", path, "qm", "").body, &v)
		if v.Questions[1].Grade != "" {
			t.Fatal("the refused answer was written")
		}
		for _, q := range v.Questions {
			body := `{"grade":"conform"}`
			if q.Line == 2 {
				body = `{"grade":"major","evidence":"No IQC records for February; 3 of 5 resin lots"}`
			}
			want(fmt.Sprintf("answer %d", q.Line), do("PUT", fmt.Sprintf("%s/questions/%d", path, q.Line), "auditor", body), http.StatusOK)
		}
		json.Unmarshal(do("GET", path, "qm", "").body, &v)
		r = do("POST", path+"/complete", "auditor", fmt.Sprintf(`{"version":%d,"summary":"Incoming control is weak."}`, v.Audit.Version))
		want("complete", r, http.StatusOK)
		json.Unmarshal(do("GET", path, "qm", "").body, &v)
		if v.Audit.Status != qaudit.StatusCompleted || v.Audit.Score == nil || len(v.Findings) != 1 || v.Findings[0].Status != qaudit.FindingOpen {
			t.Fatalf("issued %+v findings %+v", v.Audit, v.Findings)
		}
		f := v.Findings[0]
		want("auditor raises an NCR", do("POST", fmt.Sprintf("/audit-findings/%d/ncr", f.ID), "auditor", fmt.Sprintf(`{"version":%d}`, f.Version)), http.StatusForbidden)
		want("raise NCR", do("POST", fmt.Sprintf("/audit-findings/%d/ncr", f.ID), "qm", fmt.Sprintf(`{"version":%d}`, f.Version)), http.StatusCreated)

		r = do("GET", path, "supA", "")
		want("A reads its issued audit", r, http.StatusOK)
		var va qauditops.AuditView
		json.Unmarshal(r.body, &va)
		if va.Findings[0].NCRID != 0 || strings.Contains(string(r.body), `"ncr_id"`) {
			t.Errorf("A sees the NCR link: %s", r.body)
		}
		want("B reads A's audit", do("GET", path, "supB", ""), http.StatusNotFound)
		r = do("GET", "/audits", "supB", "")
		want("B lists", r, http.StatusOK)
		if strings.Contains(string(r.body), "Factory audit 2026") {
			t.Error("B's list shows A's audit")
		}
		want("A lists findings", do("GET", "/audit-findings", "supA", ""), http.StatusNotFound)
		want("A reads the programme", do("GET", "/audit-programmes/2026", "supA", ""), http.StatusNotFound)
		want("A reads the checklists", do("GET", "/audit-templates", "supA", ""), http.StatusNotFound)

		r = do("GET", "/audit-templates/iso9001-2015", "viewer", "")
		want("checklist", r, http.StatusOK)
		var tpl qaudit.Template
		json.Unmarshal(r.body, &tpl)
		if len(tpl.Questions) < 80 {
			t.Errorf("ISO 9001 checklist of %d questions", len(tpl.Questions))
		}
		want("edit a shipped checklist", do("PUT", "/audit-templates/iso9001-2015", "qm", `{"name":"x","standard":"y","questions":[{"clause":"1","section":"s","text":"q?"}],"version":1}`), http.StatusConflict)
		want("programme", do("POST", "/audit-programmes", "qm", `{"year":2026}`), http.StatusCreated)
		want("programme twice", do("POST", "/audit-programmes", "qm", `{"year":2026}`), http.StatusConflict)
	})
}
