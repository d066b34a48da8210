package api_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func init() {
	for _, op := range []string{"GET /documents", "POST /documents", "GET /documents/{id}", "PUT /documents/{id}", "POST /documents/{id}/revisions", "GET /documents/{id}/diff",
		"GET /revisions/{id}", "PUT /revisions/{id}", "POST /revisions/{id}/submit", "POST /revisions/{id}/review", "POST /revisions/{id}/return",
		"POST /revisions/{id}/approve", "POST /revisions/{id}/effective", "POST /revisions/{id}/obsolete", "GET /acknowledgements",
		"POST /acknowledgements/{id}", "GET /processes", "POST /processes", "GET /processes/{id}", "PUT /processes/{id}", "GET /risks",
		"POST /risks", "GET /risks/{id}", "PUT /risks/{id}", "POST /risks/{id}/actions", "POST /risk-actions/{id}/done"} {
		testedElsewhere[op] = "TestDocumentAPI"
	}
}

// TestDocumentAPI: a procedure through the workflow over the API, with the
// refusals of the brief (no owner, the author approving alone, a wrong
// password, an effective date before the approval), acknowledgements,
// the diff, the process and risk registers, and who may do what.
func TestDocumentAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		qm, insp, viewer := e.users["quality_manager"], e.users["inspector"], e.users["viewer"]
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		var out map[string]any
		must := func(who, method, path, body string, want int, contains ...string) map[string]any {
			t.Helper()
			r := e.do(method, path, who, []byte(body))
			if r.status != want {
				t.Fatalf("%s %s %s = %d, want %d: %s", who, method, path, r.status, want, r.body)
			}
			for _, c := range contains {
				if !strings.Contains(string(r.body), c) {
					t.Fatalf("%s %s: response lacks %s: %s", method, path, c, r.body)
				}
			}
			out = nil
			json.Unmarshal(r.body, &out)
			return out
		}
		num := func(m map[string]any, k string) string { return strconv.FormatFloat(m[k].(float64), 'f', -1, 64) }

		must("supplier", "GET", "/api/v1/documents", "", 403)
		must("viewer", "POST", "/api/v1/documents", `{"number":"SOP-1","title":"x","type":"procedure","owner_id":1,"change_description":"x"}`, 403)
		must("quality_manager", "POST", "/api/v1/documents", `{"number":"SOP-1","title":"Purchasing","type":"procedure","change_description":"First issue"}`,
			422, "owner_id")
		var n int
		if err := st.View(t.Context(), func(tx *store.Tx) error { return tx.QueryRow("SELECT COUNT(*) FROM documents").Scan(&n) }); err != nil || n != 0 {
			t.Fatalf("%d documents after a refused create (%v)", n, err)
		}
		d := must("quality_manager", "POST", "/api/v1/documents", `{"number":"SOP-1","title":"Purchasing","type":"procedure","owner_id":`+id(qm.ID)+
			`,"ack_roles":["inspector"],"change_description":"First issue","body":"# Purchasing\nSuppliers are approved first."}`, 201, `"status":"draft"`)
		doc := d["document"].(map[string]any)
		rev := d["revisions"].([]any)[0].(map[string]any)
		docID, revID := num(doc, "id"), num(rev, "id")
		r := must("quality_manager", "POST", "/api/v1/revisions/"+revID+"/submit", `{"version":`+num(rev, "version")+`,"reviewers":[`+id(viewer.ID)+`]}`,
			200, `"status":"in_review"`)
		must("inspector", "POST", "/api/v1/revisions/"+revID+"/review", `{"decision":"approved"}`, 403)
		r = must("viewer", "POST", "/api/v1/revisions/"+revID+"/review", `{"decision":"approved","comment":"fine"}`, 200, `"decision":"approved"`)
		must("quality_manager", "POST", "/api/v1/revisions/"+revID+"/approve", `{"version":`+num(r, "version")+`,"password":"`+testPassword+`"}`,
			403, "cannot approve it alone")
		must("admin", "POST", "/api/v1/revisions/"+revID+"/approve", `{"version":`+num(r, "version")+`,"password":"nope nope nope"}`, 422, "password")
		r = must("admin", "POST", "/api/v1/revisions/"+revID+"/approve", `{"version":`+num(r, "version")+`,"password":"`+testPassword+`"}`,
			200, `"status":"approved"`, `"signature_id"`)
		today := qms.DateOf(st.Now())
		must("admin", "POST", "/api/v1/revisions/"+revID+"/effective", `{"version":`+num(r, "version")+`,"effective_on":"`+today.AddDate(0, 0, -1).String()+`"}`,
			422, "cannot be before the approval")
		must("admin", "POST", "/api/v1/revisions/"+revID+"/effective", `{"version":`+num(r, "version")+`,"effective_on":"`+today.String()+`"}`,
			200, `"status":"effective"`)
		acks := e.do("GET", "/api/v1/acknowledgements?open=true", "inspector", nil)
		var list []map[string]any
		if err := json.Unmarshal(acks.body, &list); err != nil || len(list) != 1 || list[0]["user_id"].(float64) != float64(insp.ID) {
			t.Fatalf("inspector's acknowledgements: %s", acks.body)
		}
		must("viewer", "POST", "/api/v1/acknowledgements/"+num(list[0], "id"), "", 404)
		must("inspector", "POST", "/api/v1/acknowledgements/"+num(list[0], "id"), "", 200, `"acknowledged_at"`)

		r2 := must("quality_manager", "POST", "/api/v1/documents/"+docID+"/revisions", `{"change_description":"Second source"}`, 201, `"revision":2`)
		r2 = must("quality_manager", "PUT", "/api/v1/revisions/"+num(r2, "id"), `{"version":`+num(r2, "version")+
			`,"change_description":"Second source","body":"# Purchasing\nSuppliers are approved first.\nCritical parts have a second source."}`, 200)
		must("viewer", "GET", "/api/v1/documents/"+docID+"/diff?from="+revID+"&to="+num(r2, "id"), "", 200, `"added":1`, `"removed":0`)
		must("supplier", "GET", "/api/v1/documents/"+docID, "", 403)
		cur := must("viewer", "GET", "/api/v1/documents/"+docID, "", 200)["document"].(map[string]any)
		must("quality_manager", "PUT", "/api/v1/documents/"+docID, `{"title":"Purchasing and supplier approval","type":"procedure","version":`+
			num(cur, "version")+`}`, 422, "owner_id")
		must("quality_manager", "PUT", "/api/v1/documents/"+docID, `{"title":"Purchasing and supplier approval","type":"procedure","owner_id":`+id(qm.ID)+
			`,"ack_roles":["inspector"],"version":`+num(cur, "version")+`,"reason":"wider scope"}`, 200, `"title":"Purchasing and supplier approval"`, `"number":"SOP-1"`)
		must("viewer", "GET", "/api/v1/documents?q=suppliers+ARE+approved", "", 200, `"number":"SOP-1"`)

		// Processes and risks.
		must("inspector", "POST", "/api/v1/processes", `{"name":"Purchasing","owner_id":`+id(qm.ID)+`}`, 403)
		p := must("quality_manager", "POST", "/api/v1/processes", `{"name":"Purchasing","owner_id":`+id(qm.ID)+`,"kpis":"on-time delivery"}`, 201)
		must("quality_manager", "POST", "/api/v1/risks", `{"title":"Single source","likelihood":6,"severity":2,"owner_id":`+id(qm.ID)+
			`,"review_on":"2027-01-31"}`, 422, "likelihood")
		k := must("quality_manager", "POST", "/api/v1/risks", `{"title":"Single source","likelihood":4,"severity":4,"owner_id":`+id(qm.ID)+
			`,"review_on":"2027-01-31","process_id":`+num(p, "id")+`}`, 201, `"score":16`, `"level":"high"`)
		a := must("quality_manager", "POST", "/api/v1/risks/"+num(k, "id")+"/actions", `{"description":"Qualify a second source","owner_id":`+id(insp.ID)+
			`,"due_on":"2026-12-31"}`, 201)
		must("viewer", "POST", "/api/v1/risk-actions/"+num(a, "id")+"/done", `{}`, 403)
		must("inspector", "POST", "/api/v1/risk-actions/"+num(a, "id")+"/done", `{"note":"approved"}`, 200, `"status":"done"`)
		must("viewer", "GET", "/api/v1/processes/"+num(p, "id"), "", 200, `"title":"Single source"`)
		must("supplier", "GET", "/api/v1/risks", "", 403)
		_ = out
	})
}
