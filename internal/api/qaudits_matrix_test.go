package api_test

import (
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// mxEnv is newSupEnv with a token for B's supplier user ("supplierB")
// beside A's ("supplier").
type mxEnv struct {
	*supEnv
	tpl  string // a three-question custom checklist
	year int    // the last programme year used
}

func newMxEnv(t *testing.T, st *store.Store) *mxEnv {
	t.Helper()
	e := &mxEnv{supEnv: newSupEnv(t, st), year: 2100}
	_, secret, err := (&account.Service{Store: st}).CreateToken(e.sys, e.w.B.User.ID, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["supplierB"] = secret
	tpl := &qaudit.Template{Name: "Short factory audit", Standard: "Buyer's factory requirements", Questions: []qaudit.TemplateQuestion{
		{Clause: "F1", Section: "Incoming control", Text: "Are resin lots checked on arrival?"},
		{Clause: "F2", Section: "Calibration", Text: "Are gauges calibrated?"},
		{Clause: "F3", Section: "Storage", Text: "Is nonconforming stock segregated?"}}}
	e.update(t, func(tx *store.Tx) error { return tx.CreateAuditTemplate(tpl) })
	e.tpl = tpl.Key
	return e
}

// mxWho are the callers of a matrix, refusals first: no credentials, B's
// supplier user, A's supplier user, then the internal roles.
var mxWho = []string{"none", "supplierB", "supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"}

// run sends one request as who; "none" sends no credentials.
func (e *mxEnv) run(method, path, who, body string) *response {
	if who == "none" {
		who = ""
	}
	return e.do(method, path, who, body)
}

func (e *mxEnv) update(t *testing.T, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := e.st.Update(e.sys, fn); err != nil {
		t.Fatal(err)
	}
}

// Audit titles say what A's supplier user may see: only "Issued".
const (
	issuedTitle  = "Issued audit of A"
	runningTitle = "Running audit of A"
)

func (e *mxEnv) planBody(title string) string {
	return `{"type":"supplier","title":"` + title + `","scope":"Plant 1, moulding","template_key":"` + e.tpl + `","supplier_id":` + id(e.w.A.Supplier.ID) +
		`,"lead_id":` + id(e.w.Users[qms.RoleAuditor].ID) + `,"planned_start":"` + opstest.Day(1).String() + `"`
}

// planned plans a supplier audit of A led by the auditor (nobody else on
// the team).
func (e *mxEnv) planned(t *testing.T) *qaudit.QualityAudit { return e.plannedAs(t, runningTitle) }

func (e *mxEnv) plannedAs(t *testing.T, title string) *qaudit.QualityAudit {
	au := &qaudit.QualityAudit{Type: qaudit.TypeSupplier, Title: title, Scope: "Plant 1, moulding", TemplateKey: e.tpl,
		SupplierID: e.w.A.Supplier.ID, LeadID: e.w.Users[qms.RoleAuditor].ID, PlannedStart: opstest.Day(1)}
	e.update(t, func(tx *store.Tx) error { return tx.PlanAudit(au) })
	return au
}

func (e *mxEnv) started(t *testing.T) *qaudit.QualityAudit { return e.startedAs(t, runningTitle) }

func (e *mxEnv) startedAs(t *testing.T, title string) *qaudit.QualityAudit {
	au := e.plannedAs(t, title)
	e.update(t, func(tx *store.Tx) (err error) { au, err = tx.StartAudit(au.ID, au.Version); return err })
	return au
}

// answered starts an audit and answers every question: the first a minor
// nonconformity, the others conform.
func (e *mxEnv) answered(t *testing.T) *qaudit.QualityAudit { return e.answeredAs(t, runningTitle) }

func (e *mxEnv) answeredAs(t *testing.T, title string) *qaudit.QualityAudit {
	au := e.startedAs(t, title)
	e.update(t, func(tx *store.Tx) error {
		for line := 1; line <= 3; line++ {
			ans := qaudit.Answer{Grade: qaudit.GradeConform, Photos: []int64{}}
			if line == 1 {
				ans = qaudit.Answer{Grade: qaudit.GradeMinor, Evidence: "Two resin lots without an incoming check", Photos: []int64{}}
			}
			if _, err := tx.AnswerAuditQuestion(au.ID, line, ans); err != nil {
				return err
			}
		}
		var err error
		au, err = tx.QualityAudit(au.ID)
		return err
	})
	return au
}

// issued returns an audit of A whose report is issued, with one open
// minor finding.
func (e *mxEnv) issued(t *testing.T) (*qaudit.QualityAudit, qaudit.AuditFinding) {
	au := e.answeredAs(t, issuedTitle)
	var f []qaudit.AuditFinding
	e.update(t, func(tx *store.Tx) error {
		var err error
		if au, err = tx.CompleteAudit(au.ID, au.Version, "Incoming control needs work."); err != nil {
			return err
		}
		f, err = tx.AuditFindings(au.ID)
		return err
	})
	if len(f) != 1 || f[0].Status != qaudit.FindingOpen {
		t.Fatalf("issued audit findings %+v", f)
	}
	return au, f[0]
}

func (e *mxEnv) programme(t *testing.T) *qaudit.Programme {
	e.year++
	p := &qaudit.Programme{Year: e.year, Title: "Programme " + strconv.Itoa(e.year)}
	e.update(t, func(tx *store.Tx) error { return tx.CreateAuditProgramme(p) })
	return p
}

func (e *mxEnv) itemBody() string {
	return `{"subject":"supplier","supplier_id":` + id(e.w.A.Supplier.ID) + `,"risk":"high","audit_type":"supplier","template_key":"` + e.tpl + `"}`
}

// auditAccess is one audit operation: setup makes a fresh record and
// returns the path (under /api/v1) and body; the callers in ok get that
// status; every other internal role 403, a supplier user 404 (audits,
// findings, checklists and the programme are hidden from suppliers, not
// refused), no credentials 401.
type auditAccess struct {
	method, path string
	setup        func(t *testing.T, e *mxEnv) (path, body string)
	ok           map[string]int
	want         string
}

var (
	auditManagers = func(status int) map[string]int { return roles(status, "admin", "quality_manager") }
	// auditConductors: the lead auditor (the auditor user) and managers;
	// the inspector may conduct audits but is not on this one's team.
	auditConductors = func(status int) map[string]int { return roles(status, "admin", "quality_manager", "auditor") }
	auditPath       = func(au *qaudit.QualityAudit, rest string) string { return "/audits/" + id(au.ID) + rest }
	ver             = func(v int64) string { return `"version":` + id(v) }
)

var auditMatrix = []auditAccess{
	{"GET", "/audits", func(t *testing.T, e *mxEnv) (string, string) {
		e.issued(t)
		e.planned(t)
		return "/audits?type=supplier", ""
	}, with(with(roles(200, internalRoles...), "supplier", 200), "supplierB", 200), `"items"`},
	{"POST", "/audits", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audits", e.planBody(runningTitle) + "}"
	}, auditManagers(201), `"status":"planned"`},
	{"GET", "/audits/{id}", func(t *testing.T, e *mxEnv) (string, string) {
		au, _ := e.issued(t)
		return auditPath(au, ""), ""
	}, with(roles(200, internalRoles...), "supplier", 200), `"findings":[{`},
	{"GET", "/audits/{id}", func(t *testing.T, e *mxEnv) (string, string) {
		return auditPath(e.started(t), ""), ""
	}, roles(200, internalRoles...), `"questions":[`},
	{"PUT", "/audits/{id}", func(t *testing.T, e *mxEnv) (string, string) {
		au := e.planned(t)
		return auditPath(au, ""), e.planBody(runningTitle+" (moved)") + `,"criteria":"Buyer's factory requirements",` + ver(au.Version) + `,"reason":"plant closed that week"}`
	}, auditManagers(200), `(moved)`},
	{"POST", "/audits/{id}/start", func(t *testing.T, e *mxEnv) (string, string) {
		au := e.planned(t)
		return auditPath(au, "/start"), "{" + ver(au.Version) + "}"
	}, auditConductors(200), `"status":"in_progress"`},
	{"POST", "/audits/{id}/cancel", func(t *testing.T, e *mxEnv) (string, string) {
		au := e.planned(t)
		return auditPath(au, "/cancel"), "{" + ver(au.Version) + `,"reason":"supplier delisted"}`
	}, auditManagers(200), `"status":"cancelled"`},
	{"POST", "/audits/{id}/complete", func(t *testing.T, e *mxEnv) (string, string) {
		au := e.answered(t)
		return auditPath(au, "/complete"), "{" + ver(au.Version) + `,"summary":"Incoming control needs work."}`
	}, auditConductors(200), `"status":"completed"`},
	{"PUT", "/audits/{id}/questions/{line}", func(t *testing.T, e *mxEnv) (string, string) {
		return auditPath(e.started(t), "/questions/2"), `{"grade":"conform"}`
	}, auditConductors(200), `"grade":"conform"`},
	{"GET", "/audits/{id}/report.pdf", func(t *testing.T, e *mxEnv) (string, string) {
		au, _ := e.issued(t)
		return auditPath(au, "/report.pdf"), ""
	}, with(roles(200, internalRoles...), "supplier", 200), `%PDF-`},
	{"GET", "/audit-findings", func(t *testing.T, e *mxEnv) (string, string) {
		e.issued(t)
		return "/audit-findings?status=open", ""
	}, roles(200, internalRoles...), `"grade":"minor"`},
	{"POST", "/audit-findings/{id}/ncr", func(t *testing.T, e *mxEnv) (string, string) {
		_, f := e.issued(t)
		return "/audit-findings/" + id(f.ID) + "/ncr", "{" + ver(f.Version) + "}"
	}, auditManagers(201), `"source":"supplier_audit"`},
	{"POST", "/audit-findings/{id}/capa", func(t *testing.T, e *mxEnv) (string, string) {
		_, f := e.issued(t)
		return "/audit-findings/" + id(f.ID) + "/capa", "{" + ver(f.Version) + `,"owner_id":` + id(e.w.Users[qms.RoleQualityManager].ID) + "}"
	}, auditManagers(201), `"kind":"supplier"`},
	{"POST", "/audit-findings/{id}/due", func(t *testing.T, e *mxEnv) (string, string) {
		_, f := e.issued(t)
		return "/audit-findings/" + id(f.ID) + "/due", "{" + ver(f.Version) + `,"due_on":"` + opstest.Day(60).String() + `","reason":"factory holiday"}`
	}, auditManagers(200), `"due_on":"` + opstest.Day(60).String() + `"`},
	{"POST", "/audit-findings/{id}/close", func(t *testing.T, e *mxEnv) (string, string) {
		_, f := e.issued(t)
		return "/audit-findings/" + id(f.ID) + "/close", "{" + ver(f.Version) + `,"note":"Incoming check records seen for March"}`
	}, auditManagers(200), `"status":"closed"`},
	{"GET", "/audit-templates", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audit-templates", ""
	}, roles(200, internalRoles...), `"key":"factory-technical"`},
	{"POST", "/audit-templates", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audit-templates", `{"copy_of":"factory-technical","name":"Our factory audit"}`
	}, auditManagers(201), `"key":"custom-`},
	{"GET", "/audit-templates/{key}", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audit-templates/" + e.tpl, ""
	}, roles(200, internalRoles...), `"Are gauges calibrated?"`},
	{"PUT", "/audit-templates/{key}", func(t *testing.T, e *mxEnv) (string, string) {
		tpl := &qaudit.Template{Name: "Draft checklist", Standard: "Buyer's requirements", Questions: []qaudit.TemplateQuestion{{Clause: "1", Section: "S", Text: "Q?"}}}
		e.update(t, func(tx *store.Tx) error { return tx.CreateAuditTemplate(tpl) })
		return "/audit-templates/" + tpl.Key, `{"name":"Renamed checklist","standard":"Buyer's requirements","questions":[{"clause":"1","section":"S","text":"Q?"}],` +
			ver(tpl.Version) + `,"reason":"clearer name"}`
	}, auditManagers(200), `"Renamed checklist"`},
	{"POST", "/audit-programmes", func(t *testing.T, e *mxEnv) (string, string) {
		e.year++
		return "/audit-programmes", `{"year":` + strconv.Itoa(e.year) + `,"title":"Supplier audits"}`
	}, auditManagers(201), `"title":"Supplier audits"`},
	{"GET", "/audit-programmes/{year}", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audit-programmes/" + strconv.Itoa(e.programme(t).Year), ""
	}, roles(200, internalRoles...), `"year":`},
	{"POST", "/audit-programmes/{id}/items", func(t *testing.T, e *mxEnv) (string, string) {
		return "/audit-programmes/" + id(e.programme(t).ID) + "/items", e.itemBody()
	}, auditManagers(201), `"risk":"high"`},
	{"POST", "/audit-programme-items/{id}/remove", func(t *testing.T, e *mxEnv) (string, string) {
		p := e.programme(t)
		it := &qaudit.ProgrammeItem{ProgrammeID: p.ID, Subject: qaudit.SubjectSupplier, SupplierID: e.w.A.Supplier.ID, Risk: qaudit.RiskHigh,
			AuditType: qaudit.TypeSupplier, TemplateKey: e.tpl}
		e.update(t, func(tx *store.Tx) error { return tx.AddProgrammeItem(it) })
		return "/audit-programme-items/" + id(it.ID) + "/remove", `{"reason":"supplier delisted"}`
	}, auditManagers(204), ""},
}

func init() {
	for _, a := range auditMatrix {
		testedElsewhere[a.method+" "+a.path] = "TestAuditRoleMatrix"
	}
}

// TestAuditRoleMatrix runs every audit operation on a fresh record as
// every caller: quality managers plan and follow up, the lead auditor (and
// managers) conduct the audit while an inspector off the team may not,
// internal users read; A's supplier user reads only A's issued supplier
// audits (list, audit, report), B's user gets 404 for them, and both get
// 404 for everything else; without credentials 401. A refused request is
// problem+json and writes nothing; a supplier user never sees an audit
// it may not read.
func TestAuditRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMxEnv(t, st)
		for _, a := range auditMatrix {
			for _, who := range mxWho {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					e.t = t
					path, body := a.setup(t, e)
					want, ok := a.ok[who]
					switch {
					case ok:
					case who == "none":
						want = 401
					case strings.HasPrefix(who, "supplier"):
						want = 404
					default:
						want = 403
					}
					before := countEvents(t, st)
					r := e.run(a.method, "/api/v1"+path, who, body)
					if r.status != want {
						t.Fatalf("%s %s = %d, want %d: %s", a.method, path, r.status, want, r.body)
					}
					if r.status < 300 && a.want != "" && !strings.Contains(string(r.body), a.want) {
						t.Errorf("response lacks %s: %.300s", a.want, r.body)
					}
					if r.status >= 400 {
						if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
							t.Errorf("Content-Type %q", ct)
						}
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v", p)
						}
						if after := countEvents(t, st); after != before {
							t.Errorf("a refused request wrote %d audit events", after-before)
						}
					}
					if who == "supplierB" && strings.Contains(string(r.body), "audit of A") ||
						who == "supplier" && (strings.Contains(string(r.body), runningTitle) || strings.Contains(string(r.body), `"ncr_id"`)) {
						t.Errorf("%s sees an audit it may not: %.300s", who, r.body)
					}
				})
			}
		}
	})
}
