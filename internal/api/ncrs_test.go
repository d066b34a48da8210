package api_test

import (
	"context"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/capaops/capatest"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// ncrEnv is the API over the NCR and CAPA fixture (capatest): B's NCR and
// supplier request, a user of every role with an API token; "supplier" is
// A's supplier user, "supplierB" B's.
type ncrEnv struct {
	t      *testing.T
	st     *store.Store
	h      http.Handler
	w      *capatest.World
	tokens map[string]string
	nB     *ncr.NCR   // B's NCR, raised from a failed inspection
	cB     *capa.CAPA // B's supplier request, answering nB
	fresh  int64      // the version of the last fresh record
	action *ncr.Action
	failed int64 // a failed inspection of B without an NCR yet
}

func newNCREnv(t *testing.T, st *store.Store) *ncrEnv {
	t.Helper()
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: discard()}
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 0)
	(&inspectionops.Service{Store: st}).RegisterFiles(files)
	e := &ncrEnv{t: t, st: st, w: capatest.Build(t, st), tokens: map[string]string{}}
	e.w.CAPAs.RegisterFiles(files)
	e.h, err = server.Handler(server.Options{Store: st, Auth: a, Log: discard(), Surfaces: []server.Surface{api.New(st, a, discard()).WithFiles(files)}})
	if err != nil {
		t.Fatal(err)
	}
	acc := &account.Service{Store: st}
	users := map[string]*qms.User{"supplierB": e.w.B.User}
	for role, u := range e.w.Users {
		users[string(role)] = u
	}
	for name, u := range users {
		_, secret, err := acc.CreateToken(sysCtx(), u.ID, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = secret
	}
	e.nB = e.w.NCR(t, e.w.PB)
	e.cB = e.w.SCAR(t, e.w.PB, e.nB.ID)
	if err := e.w.CAPAs.AddNote(e.w.As(qms.RoleQualityManager), &capa.Note{CAPAID: e.cB.ID, Text: "INTERNAL-NOTE: their QA manager left"}); err != nil {
		t.Fatal(err)
	}
	return e
}

func sysCtx() context.Context {
	return qms.WithActor(context.Background(), qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})
}

func (e *ncrEnv) do(method, path, who, body string) *response {
	e.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

var ncrPlaceholder = regexp.MustCompile(`\{[a-zA-Z0-9:-]+\}`)

func (e *ncrEnv) freshNCR() *ncr.NCR {
	e.t.Helper()
	n := &ncr.NCR{Source: ncr.SourceSupplierAudit, Title: "Stitching audit finding", Severity: inspection.Minor, SupplierID: e.w.B.Supplier.ID,
		Found: "12 of 80 seams open", DetectedOn: opstest.Day(0), QuantityAffected: 100, AuditRef: "SA-2026-4"}
	if err := e.w.NCRs.Create(e.w.As(qms.RoleInspector), n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *ncrEnv) freshCAPA() *capa.CAPA {
	e.t.Helper()
	return e.w.SCAR(e.t, e.w.PB, e.freshNCR().ID)
}

// expand fills in a path or body: {who}, {B}, {NB} and {CB} (B's NCR and
// request), {v:NB}, {v:CB}, {PB}, {owner} (the quality manager's id),
// and fresh records for this one request whose version is {v:fresh}:
// {fresh-ncrB} (open), {fresh-containableB} (a done action),
// {fresh-containedB} (contained), {fresh-dispB} (a use-as-is disposition),
// {fresh-actionB} (an open action, {action} and {v:action}),
// {fresh-failedB} (a failed inspection without NCR; fresh only for who may
// raise one), {fresh-capaB} (B's request, open), {fresh-d3savedB},
// {fresh-d3subB} (D3 saved, submitted), {fresh-verifyingB} (under
// verification, D8 saved).
func (e *ncrEnv) expand(s, who string) string {
	e.t.Helper()
	w, t := e.w, e.t
	insp := w.As(qms.RoleInspector)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	r := capatest.Report(opstest.Day(0))
	return ncrPlaceholder.ReplaceAllStringFunc(s, func(p string) string {
		switch p {
		case "{who}":
			return who
		case "{B}":
			return id(w.B.Supplier.ID)
		case "{PB}":
			return id(w.PB.Product.ID)
		case "{NB}":
			return id(e.nB.ID)
		case "{CB}":
			return id(e.cB.ID)
		case "{v:NB}":
			return id(w.GetNCR(t, e.nB.ID).Version)
		case "{v:CB}":
			return id(w.GetCAPA(t, e.cB.ID).Version)
		case "{owner}":
			return id(w.Users[qms.RoleQualityManager].ID)
		case "{v:fresh}":
			return id(e.fresh)
		case "{action}":
			return id(e.action.ID)
		case "{v:action}":
			return id(e.action.Version)
		case "{fresh-ncrB}":
			n := e.freshNCR()
			e.fresh = n.Version
			return id(n.ID)
		case "{fresh-containableB}", "{fresh-containedB}", "{fresh-dispB}":
			n := e.freshNCR()
			act := &ncr.Action{NCRID: n.ID, Kind: ncr.HoldShipment, OwnerName: "Logistics", DueOn: opstest.Day(1)}
			if err := w.NCRs.AddAction(insp, act); err != nil {
				t.Fatal(err)
			}
			if _, err := w.NCRs.FinishAction(insp, n.ID, act.ID, act.Version, ncr.ActionDone, "held"); err != nil {
				t.Fatal(err)
			}
			n = w.GetNCR(t, n.ID)
			if p != "{fresh-containableB}" {
				var err error
				if n, err = w.NCRs.Move(insp, n.ID, n.Version, ncr.MoveContain, ""); err != nil {
					t.Fatal(err)
				}
			}
			if p == "{fresh-dispB}" {
				var err error
				if n, err = w.NCRs.SetDisposition(insp, n.ID, n.Version, []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 100, Rationale: "cosmetic"}}, ""); err != nil {
					t.Fatal(err)
				}
			}
			e.fresh = n.Version
			return id(n.ID)
		case "{fresh-actionB}":
			n := e.freshNCR()
			e.action = &ncr.Action{NCRID: n.ID, Kind: ncr.Sort100, OwnerName: "QC team", DueOn: opstest.Day(1)}
			if err := w.NCRs.AddAction(insp, e.action); err != nil {
				t.Fatal(err)
			}
			return id(n.ID)
		case "{fresh-failedB}":
			if e.failed == 0 || strings.Contains(" admin quality_manager inspector ", " "+who+" ") {
				e.failed = w.Failed(t, w.PB).ID
			}
			return id(e.failed)
		case "{fresh-capaB}":
			c := e.freshCAPA()
			e.fresh = c.Version
			return id(c.ID)
		case "{fresh-d3savedB}", "{fresh-d3subB}":
			c := e.freshCAPA()
			c, err := w.CAPAs.SaveStage(w.SupplierB(), c.ID, c.Version, &r.D3)
			if err != nil {
				t.Fatal(err)
			}
			if p == "{fresh-d3subB}" {
				if c, err = w.CAPAs.SubmitStage(w.SupplierB(), c.ID, c.Version, capa.D3); err != nil {
					t.Fatal(err)
				}
			}
			e.fresh = w.GetCAPA(t, c.ID).Version
			return id(c.ID)
		case "{fresh-verifyingB}":
			c := w.Verifying(t, w.SupplierB(), e.freshCAPA(), 0, nil)
			e.fresh = c.Version
			return id(c.ID)
		}
		t.Fatalf("unknown placeholder %s", p)
		return ""
	})
}

const ncrBody = `{"source":"supplier_audit","title":"Seams open {who}","severity":"minor","supplier_id":{B},"found":"12 of 80 seams open",` +
	`"audit_ref":"SA-{who}","quantity_affected":100`

// ncrCAPAMatrix is the role matrix of every NCR and CAPA operation. Paths
// name supplier B's records: A's supplier user ("supplier") must get 404
// for each (403 where the role may not do it at all, for any record); B's
// ("supplierB") reaches its own request. Roles not listed get 403.
var ncrCAPAMatrix = []access{
	{"GET", "/api/v1/ncrs?supplier_id={B}&active=true", "", roles(200, internalRoles...), `"items":[`},
	{"POST", "/api/v1/ncrs", ncrBody + `}`, roles(201, editors...), `"status":"open"`},
	{"POST", "/api/v1/inspections/{fresh-failedB}/ncr", "", roles(201, editors...), `"source":"pre_shipment_inspection"`},
	{"GET", "/api/v1/ncrs/{NB}", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 404), `"signatures":[`},
	{"PUT", "/api/v1/ncrs/{fresh-ncrB}", ncrBody + `,"lot_ref":"L-{who}","version":{v:fresh}}`, with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"lot_ref":"L-`},
	{"POST", "/api/v1/ncrs/{fresh-ncrB}/actions", `{"kind":"quarantine","owner_name":"仓库 {who}","due_on":"2027-01-10"}`,
		with(with(roles(201, editors...), "supplier", 404), "supplierB", 404), `"status":"open"`},
	{"POST", "/api/v1/ncrs/{fresh-actionB}/actions/{action}/finish", `{"status":"done","result":"sorted by {who}","version":{v:action}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"status":"done"`},
	{"PUT", "/api/v1/ncrs/{fresh-containedB}/disposition", `{"lines":[{"kind":"rework","quantity":60},{"kind":"scrap","quantity":40}],"version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"kind":"rework"`},
	{"POST", "/api/v1/ncrs/{fresh-dispB}/approve", `{"password":"` + opstest.Password + `","comment":"MRB {who}","version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"meaning":"approved"`},
	{"PUT", "/api/v1/ncrs/{fresh-ncrB}/cost", `{"currency":"EUR","scrap":12000,"charged_back":12000,"version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"charged_back":12000`},
	{"POST", "/api/v1/ncrs/{fresh-containableB}/move", `{"move":"contain","version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 404), `"status":"contained"`},
	{"POST", "/api/v1/ncrs/{fresh-ncrB}/void", `{"reason":"raised twice","version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 404), `"status":"voided"`},
	{"GET", "/api/v1/ncrs/pareto?by=defect_code&from=2020-01-01&to=2029-12-31", "", roles(200, internalRoles...), `"items":[`},
	{"GET", "/api/v1/ncrs/cost?supplier_id={B}", "", roles(200, internalRoles...), `"totals":[`},

	{"GET", "/api/v1/capas?active=true", "", with(with(roles(200, internalRoles...), "supplier", 200), "supplierB", 200), `"items":[`},
	{"POST", "/api/v1/capas", `{"kind":"supplier","type":"corrective","title":"Seams {who}","severity":"major","supplier_id":{B},"owner_id":{owner},` +
		`"sources":[{"kind":"ncr","ncr_id":{NB}}]}`, roles(201, editors...), `"kind":"supplier"`},
	{"GET", "/api/v1/capas/{CB}", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 200), `"reviews":[`},
	{"PUT", "/api/v1/capas/{fresh-capaB}", `{"title":"Seams by {who}","severity":"major","owner_id":{owner},"sources":[{"kind":"ncr","ncr_id":{NB}}],"version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 403), `"title":"Seams by `},
	{"PUT", "/api/v1/capas/{fresh-capaB}/stages/D3", `{"version":{v:fresh},"d3":{"actions":[{"description":"sort by {who}","owner":"QC","due_on":"2027-01-10"}]}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 200), `"sort by `},
	{"POST", "/api/v1/capas/{fresh-d3savedB}/stages/D3/submit", `{"version":{v:fresh}}`,
		with(with(roles(200, editors...), "supplier", 404), "supplierB", 200), `"state":"submitted"`},
	{"POST", "/api/v1/capas/{fresh-d3subB}/stages/D3/review", `{"decision":"returned","comment":"sort the stock in transit too","version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 403), `"state":"returned"`},
	{"PUT", "/api/v1/capas/{fresh-capaB}/stages/D4/due", `{"due_on":"2027-03-01","reason":"factory holiday","version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 403), `"due_on":"2027-03-01"`},
	{"PUT", "/api/v1/capas/{fresh-capaB}/criterion", `{"criterion":{"supplier_id":{B},"max_defective":2,"per_units":1000,"inspections":3},"version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 403), `"max_defective":2`},
	{"GET", "/api/v1/capas/{CB}/notes", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 403), `INTERNAL-NOTE`},
	{"POST", "/api/v1/capas/{CB}/notes", `{"text":"note by {who}"}`, with(with(roles(201, editors...), "supplier", 404), "supplierB", 403), `"note by `},
	{"GET", "/api/v1/capas/{CB}/evidence", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 200), `[`},
	{"POST", "/api/v1/capas/{fresh-capaB}/move", `{"move":"cancel","reason":"duplicate","version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 403), `"status":"cancelled"`},
	{"POST", "/api/v1/capas/{fresh-verifyingB}/close", `{"password":"` + opstest.Password + `","override":true,"reason":"product discontinued","version":{v:fresh}}`,
		with(with(roles(200, approvers...), "supplier", 404), "supplierB", 403), `"record_type":"capa_closure"`},
}

func init() {
	for _, a := range ncrCAPAMatrix {
		p, _, _ := strings.Cut(a.path, "?")
		p = ncrPlaceholder.ReplaceAllStringFunc(strings.TrimPrefix(p, "/api/v1"), func(s string) string {
			if s == "{action}" {
				return "{action_id}"
			}
			return "{id}"
		})
		p = strings.NewReplacer("/D3", "/{stage}", "/D4", "/{stage}").Replace(p)
		testedElsewhere[a.method+" "+p] = "TestNCRCAPAIsolationMatrix"
	}
}

// TestNCRCAPAIsolationMatrix runs every NCR and CAPA operation as every
// role and as both suppliers' users: the allowed roles succeed, the
// others get 403; A's supplier user gets 404 for every NCR and for B's
// request (never B's data in the answer); nothing refused is written.
func TestNCRCAPAIsolationMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newNCREnv(t, st)
		order := []string{"supplier", "supplierB", "auditor", "viewer", "inspector", "quality_manager", "admin"}
		for _, a := range ncrCAPAMatrix {
			for _, who := range order {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					e.t = t
					want, ok := a.ok[who]
					if !ok {
						want = 403
					}
					path, body := e.expand(a.path, who), ""
					if a.body != "" {
						body = e.expand(a.body, who)
					}
					before := countEvents(t, st)
					r := e.do(a.method, path, who, body)
					if r.status != want {
						t.Fatalf("%s %s = %d, want %d: %s", a.method, path, r.status, want, r.body)
					}
					if r.status < 300 && a.want != "" && !strings.Contains(string(r.body), a.want) {
						t.Errorf("response lacks %s: %s", a.want, r.body)
					}
					if r.status >= 400 {
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v", p)
						}
						if after := countEvents(t, st); after != before {
							t.Errorf("a refused request wrote %d audit events", after-before)
						}
					}
					if strings.HasPrefix(who, "supplier") && r.status < 300 && (strings.Contains(string(r.body), "INTERNAL-NOTE") ||
						strings.Contains(string(r.body), `"sources":[{`) || strings.Contains(string(r.body), `"ncr_id"`)) {
						t.Errorf("a supplier user sees the buyer's internals: %s", r.body)
					}
					if r.status == 404 && (strings.Contains(string(r.body), "Hưng Thịnh") || strings.Contains(string(r.body), "TS-100")) {
						t.Errorf("a 404 names the other supplier's records: %s", r.body)
					}
				})
			}
		}
	})
}

// TestSCAROverAPI: B's supplier user lists its own request without the
// buyer's internals, uploads evidence (a disguised file refused; A's user
// can neither upload onto B's request nor read B's evidence), answers D3
// and gets a returned stage's comment; wrong signing passwords are 422,
// nothing written; a changed NCR shows its MRB signature no longer
// matching, and the signatures and the audit chain still verify.
func TestSCAROverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newNCREnv(t, st)
		cid := strconv.FormatInt(e.cB.ID, 10)
		r := e.do("GET", "/api/v1/capas", "supplierB", "")
		var page struct {
			Items []struct {
				ID         int64  `json:"id"`
				SupplierID int64  `json:"supplier_id"`
				Number     string `json:"number"`
				AgeDays    *int   `json:"age_days"`
			} `json:"items"`
		}
		r.decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != e.cB.ID || page.Items[0].AgeDays == nil {
			t.Fatalf("B's list: %s", r.body)
		}
		if r := e.do("GET", "/api/v1/capas", "supplier", ""); strings.Contains(string(r.body), `"id":`+cid+`,`) {
			t.Errorf("A's user lists B's request: %s", r.body)
		}
		if r := e.do("GET", "/api/v1/capas/"+cid, "supplierB", ""); r.status != 200 || strings.Contains(string(r.body), "INTERNAL-NOTE") ||
			!strings.Contains(string(r.body), `"notes":[]`) || !strings.Contains(string(r.body), `"sources":[]`) {
			t.Errorf("B reads its request: %d %s", r.status, r.body)
		}

		// Evidence.
		fields := map[string]string{"owner_type": "capa", "owner_id": cid}
		up := func(who, name string, content []byte) *response {
			ie := &inspEnv{t: t, st: st, h: e.h, tokens: e.tokens}
			return ie.upload("/api/v1/files", who, fields, name, content)
		}
		before := countEvents(t, st)
		if r := up("supplierB", "evidence.jpg", []byte("#!/bin/sh\nrm -rf /\n")); r.status != 422 {
			t.Errorf("a script named evidence.jpg: %d %s", r.status, r.body)
		}
		if r := up("supplier", "a.png", pngImage(t, color.RGBA{200, 30, 30, 255})); r.status != 404 {
			t.Errorf("A uploads onto B's request: %d %s", r.status, r.body)
		}
		if countEvents(t, st) != before {
			t.Error("refused uploads wrote audit events")
		}
		r = up("supplierB", "iron-check.png", pngImage(t, color.RGBA{200, 30, 30, 255}))
		if r.status != 201 {
			t.Fatalf("B uploads evidence: %d %s", r.status, r.body)
		}
		var f struct {
			ID int64 `json:"id"`
		}
		r.decode(t, &f)
		fid := strconv.FormatInt(f.ID, 10)
		if r := e.do("GET", "/api/v1/files/"+fid, "supplier", ""); r.status != 404 {
			t.Errorf("A reads B's evidence: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/files/"+fid, "supplierB", ""); r.status != 200 {
			t.Errorf("B reads its evidence: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/capas/"+cid+"/evidence", "supplierB", ""); !strings.Contains(string(r.body), `"id":`+fid) {
			t.Errorf("evidence list: %s", r.body)
		}

		// D3 with the evidence, submitted, returned with a comment.
		v := e.w.GetCAPA(t, e.cB.ID).Version
		body := fmt.Sprintf(`{"version":%d,"d3":{"actions":[{"description":"Sort stock","owner":"QC","due_on":"2027-01-10","done":true,"done_on":"2027-01-09","result":"3 rejects"}],"verification":"re-inspected 200"}}`, v)
		if r := e.do("PUT", "/api/v1/capas/"+cid+"/stages/D4", "supplierB", body); r.status != 422 {
			t.Errorf("D3 content on the D4 route: %d %s", r.status, r.body)
		}
		if r := e.do("PUT", "/api/v1/capas/"+cid+"/stages/D3", "supplierB", body); r.status != 200 {
			t.Fatalf("save D3: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/api/v1/capas/"+cid+"/stages/D3/submit", "supplierB", fmt.Sprintf(`{"version":%d}`, v+1)); r.status != 200 {
			t.Fatalf("submit D3: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/api/v1/capas/"+cid+"/stages/D3/review", "quality_manager",
			fmt.Sprintf(`{"decision":"returned","comment":"Sort the stock in transit too","version":%d}`, v+2)); r.status != 200 {
			t.Fatalf("return D3: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/capas/"+cid, "supplierB", ""); !strings.Contains(string(r.body), "Sort the stock in transit too") {
			t.Errorf("B does not see the review comment: %s", r.body)
		}

		// Signatures: a wrong password is 422 and writes nothing.
		w := e.w
		insp := w.As(qms.RoleInspector)
		n := w.Contain(t, w.NCR(t, w.PA).ID)
		n, err := w.NCRs.SetDisposition(insp, n.ID, n.Version, []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 500, Rationale: "cosmetic"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		nid := strconv.FormatInt(n.ID, 10)
		before = countEvents(t, st)
		r = e.do("POST", "/api/v1/ncrs/"+nid+"/approve", "quality_manager", fmt.Sprintf(`{"password":"wrong","version":%d}`, n.Version))
		if r.status != 422 || !strings.Contains(string(r.body), "body.password") || countEvents(t, st) != before {
			t.Fatalf("wrong password: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/ncrs/"+nid+"/approve", "quality_manager", fmt.Sprintf(`{"password":%q,"version":%d}`, opstest.Password, n.Version))
		if r.status != 200 {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/ncrs/"+nid+"/approve", "quality_manager", fmt.Sprintf(`{"password":%q,"version":%d}`, opstest.Password, n.Version+1))
		if r.status != 409 {
			t.Errorf("the first approver approves again: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/api/v1/ncrs/"+nid, "viewer", "")
		if !strings.Contains(string(r.body), `"status":"`+esign.StatusValid+`"`) {
			t.Errorf("signature not valid on the NCR: %s", r.body)
		}
		// The report changes (the approval is dropped): the signature no
		// longer matches.
		cur := w.GetNCR(t, n.ID)
		r = e.do("PUT", "/api/v1/ncrs/"+nid, "inspector", fmt.Sprintf(`{"source":"pre_shipment_inspection","title":%q,"severity":"major","supplier_id":%d,"site_id":%d,"product_id":%d,`+
			`"found":"more units found","quantity_affected":450,"detected_on":%q,"version":%d,"reason":"re-count"}`,
			cur.Title, cur.SupplierID, cur.SiteID, cur.ProductID, cur.DetectedOn, cur.Version))
		if r.status != 200 {
			t.Fatalf("update: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/api/v1/ncrs/"+nid, "viewer", "")
		if !strings.Contains(string(r.body), `"status":"`+esign.StatusChanged+`"`) || !strings.Contains(string(r.body), `"mrb":[]`) {
			t.Errorf("signature after the change: %s", r.body)
		}
		if k, err := st.VerifySignatures(context.Background()); err != nil || k != 1 {
			t.Errorf("VerifySignatures: %d %v", k, err)
		}
		if _, err := st.VerifyAudit(context.Background()); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}
	})
}

// TestNCRAPIBadInput sends the bad input the issue names through the API:
// quantities that do not add up, closing with open actions, a supplier
// user reaching for another supplier's request; each is a problem naming
// what is wrong, and nothing is written.
func TestNCRAPIBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newNCREnv(t, st)
		w := e.w
		n := w.Contain(t, e.nB.ID)
		nid := strconv.FormatInt(n.ID, 10)
		for _, c := range []struct {
			name, method, path, who, body string
			status                        int
			want                          string
		}{
			{"quantities not adding up", "PUT", "/api/v1/ncrs/" + nid + "/disposition", "inspector",
				fmt.Sprintf(`{"lines":[{"kind":"scrap","quantity":100},{"kind":"rework","quantity":300}],"version":%d}`, n.Version), 422, "400 units, 100 fewer than the 500"},
			{"a disposition twice", "PUT", "/api/v1/ncrs/" + nid + "/disposition", "inspector",
				fmt.Sprintf(`{"lines":[{"kind":"scrap","quantity":250},{"kind":"scrap","quantity":250}],"version":%d}`, n.Version), 422, "given twice"},
			{"use as is without rationale", "PUT", "/api/v1/ncrs/" + nid + "/disposition", "inspector",
				fmt.Sprintf(`{"lines":[{"kind":"use_as_is","quantity":500}],"version":%d}`, n.Version), 422, "rationale"},
			{"a stale version", "PUT", "/api/v1/ncrs/" + nid + "/disposition", "inspector",
				fmt.Sprintf(`{"lines":[{"kind":"scrap","quantity":500}],"version":%d}`, n.Version-1), 409, "changed by someone else"},
			{"an unknown move", "POST", "/api/v1/ncrs/" + nid + "/move", "quality_manager", fmt.Sprintf(`{"move":"teleport","version":%d}`, n.Version), 422, "move"},
			{"void without a reason", "POST", "/api/v1/ncrs/" + nid + "/void", "quality_manager", fmt.Sprintf(`{"reason":"","version":%d}`, n.Version), 422, "reason"},
			{"a negative cost", "PUT", "/api/v1/ncrs/" + nid + "/cost", "inspector", fmt.Sprintf(`{"currency":"EUR","scrap":-5,"version":%d}`, n.Version), 422, "scrap"},
			{"an NCR of a passed inspection", "POST", "/api/v1/inspections/" + strconv.FormatInt(w.Submitted(t, st, w.PB).ID, 10) + "/ncr", "inspector", "", 409, ""},
			{"B reaches for A's request", "GET", "/api/v1/capas/" + strconv.FormatInt(w.SCAR(t, w.PA, w.NCR(t, w.PA).ID).ID, 10), "supplierB", "", 404, "not found"},
			{"D8 submitted", "POST", "/api/v1/capas/" + strconv.FormatInt(e.cB.ID, 10) + "/stages/D8/submit", "quality_manager",
				fmt.Sprintf(`{"version":%d}`, w.GetCAPA(t, e.cB.ID).Version), 409, "closing"},
			{"close an open CAPA", "POST", "/api/v1/capas/" + strconv.FormatInt(e.cB.ID, 10) + "/close", "quality_manager",
				fmt.Sprintf(`{"password":%q,"version":%d}`, opstest.Password, w.GetCAPA(t, e.cB.ID).Version), 409, "cannot close"},
		} {
			before := countEvents(t, st)
			r := e.do(c.method, c.path, c.who, c.body)
			if r.status != c.status || !strings.Contains(string(r.body), c.want) {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
			}
			if countEvents(t, st) != before {
				t.Errorf("%s: wrote audit events", c.name)
			}
		}
		// Closing an NCR with an open action.
		nn := w.Contain(t, w.NCR(t, w.PA).ID)
		insp, qm := w.As(qms.RoleInspector), w.As(qms.RoleQualityManager)
		nn, err := w.NCRs.SetDisposition(insp, nn.ID, nn.Version, []ncr.DispositionLine{{Kind: ncr.Scrap, Quantity: 500}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if nn, err = w.NCRs.Move(qm, nn.ID, nn.Version, ncr.MoveDisposition, ""); err != nil {
			t.Fatal(err)
		}
		if nn, err = w.NCRs.Move(insp, nn.ID, nn.Version, ncr.MoveVerify, "scrap note 12"); err != nil {
			t.Fatal(err)
		}
		if err := w.NCRs.AddAction(insp, &ncr.Action{NCRID: nn.ID, Kind: ncr.NotifyCustomer, OwnerName: "Sales", DueOn: opstest.Day(2)}); err != nil {
			t.Fatal(err)
		}
		before := countEvents(t, st)
		r := e.do("POST", "/api/v1/ncrs/"+strconv.FormatInt(nn.ID, 10)+"/move", "quality_manager",
			fmt.Sprintf(`{"move":"close","version":%d}`, w.GetNCR(t, nn.ID).Version))
		if r.status != 409 || !strings.Contains(string(r.body), "open containment action") || countEvents(t, st) != before {
			t.Errorf("close with an open action: %d %s", r.status, r.body)
		}
	})
}
