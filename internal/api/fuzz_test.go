package api_test

import (
	"strings"
	"testing"

	"qms/internal/store/storetest"
)

// fuzzEnvs opens one API per database for a fuzz test.
func fuzzEnvs(f *testing.F) []*env {
	var out []*env
	for _, d := range storetest.Dialects {
		out = append(out, newEnv(f, storetest.Open(f, d)))
	}
	return out
}

// check asserts what must hold for any input: no 5xx; a refusal is a
// problem document and writes nothing.
func check(t *testing.T, e *env, r *response, events, users int) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.status >= 400 {
		if p := r.problem(t); p.Status != r.status || p.Detail == "" {
			t.Fatalf("problem %+v for status %d", p, r.status)
		}
		if e2, u2 := e.counts(); e2 != events || u2 != users {
			t.Fatalf("status %d but wrote: audit events %d -> %d, users %d -> %d", r.status, events, e2, users, u2)
		}
	}
}

func fuzzBody(f *testing.F, method, path string, seeds []string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, e := range envs {
			e.t = t
			events, users := e.counts()
			r := e.do(method, e.expand(path, "admin"), "admin", body)
			check(t, e, r, events, users)
		}
	})
}

func FuzzCreateUser(f *testing.F) {
	fuzzBody(f, "POST", "/api/v1/users", []string{
		`{"email":"fuzz@example.com","name":"Fuzz","role":"viewer"}`,
		`{"email":"fuzz2@example.com","name":"苏州 Nguyễn","role":"supplier","supplier_id":3,"password":"long enough password"}`,
		`{"email":"fuzz3@example.com","name":"'; DROP TABLE users; --","role":"auditor"}`,
		`{"email":"viewer@example.com","name":"Dup","role":"viewer"}`,
		`{"email":"a@example.com","name":5,"role":"viewer"}`,
		`{"email":"a@example.com","name":"A","role":"viewer","x":1}`,
		`{"email":"a@example.com","name":"A\u0000","role":"viewer"}`,
		`{"email":"a@example.com","name":"A","role":"supplier","supplier_id":-1}`,
		`{"email":"a@example.com","name":"A","role":"supplier","supplier_id":1e400}`,
		"{\"email\":\"a@example.com\",\"name\":\"\xff\",\"role\":\"viewer\"}",
		`{"email":`, `[]`, `null`, `""`, `0`, ``, `{}`, `{"email":null}`,
		`{"email":"a@example.com","email":"b@example.com","name":"A","role":"viewer"}`,
		`{"email":"a@example.com","name":"` + strings.Repeat("x", 300) + `","role":"viewer"}`,
	})
}

func FuzzUpdateUser(f *testing.F) {
	fuzzBody(f, "PATCH", "/api/v1/users/{subject}", []string{
		`{"name":"Renamed","version":1}`,
		`{"name":"Renamed","version":999}`,
		`{"role":"supplier","supplier_id":4,"version":1,"reason":"moved to the factory"}`,
		`{"role":"supplier","version":1}`,
		`{"email":"admin@example.com","version":1}`,
		`{"version":1}`,
		`{"name":null,"version":null}`,
		`{"version":-1,"name":"A"}`,
		`{"version":1e30,"name":"A"}`,
		`{"version":1,"name":"A","reason":"a\u0007b"}`,
		`{"version":1,"name":"A","id":5}`,
		"{\"version\":1,\"name\":\"\xc3\x28\"}",
		`{"version":"1","name":"A"}`, `{`, `[1]`, `null`, ``,
	})
}

func fuzzQuery(f *testing.F, path string, seeds []string) {
	for _, s := range seeds {
		f.Add(s)
	}
	envs := fuzzEnvs(f)
	f.Fuzz(func(t *testing.T, query string) {
		for _, e := range envs {
			e.t = t
			events, users := e.counts()
			req := e.request("GET", path, "admin", nil)
			req.URL.RawQuery = query
			check(t, e, e.serve(req), events, users)
		}
	})
}

func FuzzListAudit(f *testing.F) {
	fuzzQuery(f, "/api/v1/audit", []string{
		"", "limit=1", "limit=200", "limit=201", "limit=-5", "limit=1e3", "limit=x",
		"entity_type=user&entity_id=1", "actor_id=1", "actor_id=0", "actor_id=99999999999999999999",
		"from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00%2B07:00", "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z",
		"from=0000-01-01T00:00:00Z", "to=9999-12-31T23:59:59.999999999Z", "from=yesterday",
		"cursor=MTA", "cursor=LTE", "cursor=%FF", "cursor='+OR+1=1--", "entity_type=%27%3B+DROP+TABLE+audit_events%3B--",
		"entity_type=工厂", "limit=1&limit=2", "unknown=1", "%zz", "&&&", "entity_id=" + strings.Repeat("9", 101),
	})
}

func FuzzListUsers(f *testing.F) {
	fuzzQuery(f, "/api/v1/users", []string{
		"", "q=subj", "q=%25", "q=_", "q=%5C", "q=苏州", "q=Nguy%E1%BB%85n", "q=%C3%28", "role=viewer", "role=root",
		"disabled=true", "disabled=false", "disabled=1", "limit=2&cursor=Mg", "cursor=", "cursor=AAAA",
		"q='%20OR%201=1%20--", "q=" + strings.Repeat("a", 201), "limit=0",
	})
}
