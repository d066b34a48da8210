package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"qms/internal/store"
	"qms/internal/store/storetest"
)

// scenario is one request and what it must get.
type scenario struct {
	name   string
	method string
	path   string // expanded by env.expand
	who    string // a key of env.tokens, "cookie:KEY", or "" for none
	body   string // expanded by env.expand; "" for no body
	header []string
	status int
	want   []string // substrings of the response body
}

// bad credentials: every operation answers them with 401 and says why.
var badCredentials = map[string]string{
	"":         "Authentication is required",
	"revoked":  "was revoked",
	"expired":  "has expired",
	"disabled": "account of this API token is disabled",
}

// actors in the order the matrix runs them: admin last, so that its
// successful changes come after every refusal.
var actors = []string{"", "revoked", "expired", "disabled", "supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"}

// access says, for one operation, which roles succeed and what they see;
// every other role gets 403 and every bad credential 401.
type access struct {
	method, path, body string
	ok                 map[string]int // role -> success status
	want               string         // substring of a successful response
}

func all(status int) map[string]int {
	return map[string]int{"admin": status, "quality_manager": status, "inspector": status, "viewer": status, "auditor": status, "supplier": status}
}

var matrix = []access{
	{"GET", "/api/v1/me", "", all(200), `"email":"{who}@example.com"`},
	{"GET", "/api/v1/users", "", map[string]int{"admin": 200, "auditor": 200}, `"email":"subject@example.com"`},
	{"GET", "/api/v1/users?role=inspector&disabled=false&q=subj&limit=5", "", map[string]int{"admin": 200, "auditor": 200}, `"name":"Trần Thị Subject"`},
	{"GET", "/api/v1/users/{subject}", "", map[string]int{"admin": 200, "auditor": 200}, `"email":"subject@example.com"`},
	{"GET", "/api/v1/users/{me}", "", all(200), `"email":"{who}@example.com"`},
	{"POST", "/api/v1/users", `{"email":"new-{who}@example.com","name":"New by {who}","role":"viewer"}`, map[string]int{"admin": 201}, `"password":"`},
	{"PATCH", "/api/v1/users/{subject}", `{"name":"Renamed by {who}","version":{v:subject},"reason":"typo"}`, map[string]int{"admin": 200}, `"name":"Renamed by admin"`},
	{"POST", "/api/v1/users/{subject}/disable", `{"reason":"left the company"}`, map[string]int{"admin": 200}, `"disabled":true`},
	{"POST", "/api/v1/users/{subject}/enable", "", map[string]int{"admin": 200}, `"disabled":false`},
	{"POST", "/api/v1/users/{subject}/reset-password", `{}`, map[string]int{"admin": 200}, `"generated":true`},
	{"POST", "/api/v1/users/{me}/reset-password", `{"password":"` + testPassword + `","reason":"rotation"}`, map[string]int{"admin": 200}, `"generated":false`},
	{"POST", "/api/v1/me/password", `{"current_password":"` + testPassword + `","new_password":"` + testPassword + `"}`, all(204), ""},
	{"GET", "/api/v1/tokens", "", all(200), `"name":"{who} token"`},
	{"GET", "/api/v1/tokens?user_id={subject}", "", map[string]int{"admin": 200, "auditor": 200}, `"name":"subject token"`},
	{"POST", "/api/v1/tokens", `{"name":"script of {who}"}`, map[string]int{"admin": 201, "quality_manager": 201, "inspector": 201, "viewer": 201, "supplier": 201}, `"secret":"qmst_`},
	{"POST", "/api/v1/tokens", `{"name":"for the subject","user_id":{subject}}`, map[string]int{"admin": 201}, `"secret":"qmst_`},
	{"DELETE", "/api/v1/tokens/{token:{who}-spare}?reason=rotated", "", map[string]int{"admin": 204, "quality_manager": 204, "inspector": 204, "viewer": 204, "supplier": 204}, ""},
	{"DELETE", "/api/v1/tokens/{token:auditor-spare}", "", map[string]int{"admin": 204}, ""},
	{"GET", "/api/v1/audit", "", map[string]int{"admin": 200, "quality_manager": 200, "auditor": 200}, `"entity_type":"user"`},
}

// scenarios expands the matrix into one scenario per operation and actor,
// then adds the cases that do not fit it.
func scenarios() []scenario {
	var out []scenario
	for _, a := range matrix {
		for _, who := range actors {
			sc := scenario{method: a.method, path: a.path, who: who, body: a.body}
			name := who
			if name == "" {
				name = "none"
			}
			sc.name = a.method + " " + a.path + " as " + name
			switch status, ok := a.ok[who]; {
			case badCredentials[who] != "" || who == "":
				sc.status, sc.want = 401, []string{badCredentials[who]}
			case ok:
				sc.status = status
				if a.want != "" {
					sc.want = []string{a.want}
				}
			default:
				sc.status, sc.want = 403, []string{"Your role may not"}
			}
			out = append(out, sc)
		}
	}
	return append(out, []scenario{
		{name: "session cookie reads", method: "GET", path: "/api/v1/me", who: "cookie:viewer",
			status: 200, want: []string{`"via":"session"`, `"manage_users":false`}},
		{name: "session cookie write from the same origin", method: "POST", path: "/api/v1/users", who: "cookie:admin",
			body: `{"email":"same-origin@example.com","name":"Same Origin","role":"viewer"}`, header: []string{"Sec-Fetch-Site", "same-origin"},
			status: 201, want: []string{`"email":"same-origin@example.com"`}},
		{name: "session cookie write from another site", method: "POST", path: "/api/v1/users", who: "cookie:admin",
			body: `{"email":"cross-site@example.com","name":"Cross Site","role":"viewer"}`, header: []string{"Sec-Fetch-Site", "cross-site"},
			status: 403},
		{name: "bearer write with a cross-site header", method: "POST", path: "/api/v1/tokens", who: "admin",
			body: `{"name":"from a script"}`, header: []string{"Sec-Fetch-Site", "cross-site"}, status: 201},
		{name: "malformed Authorization header", method: "GET", path: "/api/v1/me", header: []string{"Authorization", "Basic YWRtaW46YWRtaW4="},
			status: 401, want: []string{`Bearer <token>`}},
		{name: "unknown token", method: "GET", path: "/api/v1/me", header: []string{"Authorization", "Bearer qmst_nosuchtoken"},
			status: 401, want: []string{"not valid"}},
		{name: "user that does not exist", method: "GET", path: "/api/v1/users/999999", who: "admin", status: 404, want: []string{"User not found"}},
		{name: "token that does not exist", method: "DELETE", path: "/api/v1/tokens/999999", who: "admin", status: 404, want: []string{"not found"}},
		{name: "revoking a revoked token", method: "DELETE", path: "/api/v1/tokens/{token:revoked}", who: "admin", status: 409, want: []string{"already revoked"}},
		{name: "disabling yourself", method: "POST", path: "/api/v1/users/{admin}/disable", who: "admin", status: 409, want: []string{"your own account"}},
		{name: "duplicate e-mail", method: "POST", path: "/api/v1/users", who: "admin",
			body: `{"email":"VIEWER@example.com","name":"Twin","role":"viewer"}`, status: 409, want: []string{`"location":"body.email"`}},
		{name: "another user's token", method: "DELETE", path: "/api/v1/tokens/{token:admin}", who: "inspector", status: 403, want: []string{"Your role may not"}},
		{name: "supplier without supplier_id", method: "POST", path: "/api/v1/users", who: "admin",
			body: `{"email":"factory@example.com","name":"Factory QA","role":"supplier"}`, status: 422, want: []string{`"location":"body.supplier_id"`}},
		{name: "supplier user", method: "POST", path: "/api/v1/users", who: "admin",
			body:   `{"email":"factory@example.com","name":"苏州精密 QA","role":"supplier","supplier_id":12,"password":"a long enough password"}`,
			status: 201, want: []string{`"supplier_id":12`, `"name":"苏州精密 QA"`}},
		{name: "role changed away from supplier clears supplier_id", method: "PATCH", path: "/api/v1/users/{supplier}", who: "admin",
			body: `{"role":"viewer","version":{v:supplier}}`, status: 200, want: []string{`"role":"viewer"`}},
		{name: "unknown path", method: "GET", path: "/api/v1/nothing-here", who: "admin", status: 404, want: []string{"no API operation"}},
		{name: "wrong method", method: "PUT", path: "/api/v1/users/{subject}", who: "admin", status: 405, want: []string{"use GET, PATCH"}},
		{name: "OpenAPI document needs no credentials", method: "GET", path: "/api/v1/openapi.json", status: 200, want: []string{`"openapi":"3.1.0"`}},
		{name: "no docs page", method: "GET", path: "/api/v1/docs", status: 404},
	}...)
}

func TestScenarios(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, sc := range scenarios() {
			t.Run(sc.name, func(t *testing.T) {
				e.t = t
				path := e.expand(sc.path, sc.who)
				path = e.expand(path, sc.who) // {token:{who}-spare}
				var body []byte
				if sc.body != "" {
					body = []byte(e.expand(sc.body, sc.who))
				}
				events, users := e.counts()
				r := e.do(sc.method, path, sc.who, body, sc.header...)
				if r.status != sc.status {
					t.Fatalf("%s %s = %d, want %d: %s", sc.method, path, r.status, sc.status, r.body)
				}
				for _, w := range sc.want {
					if w = e.expand(w, sc.who); !strings.Contains(string(r.body), w) {
						t.Errorf("response lacks %s: %s", w, r.body)
					}
				}
				if r.status >= 400 {
					if strings.HasPrefix(path, "/api/") && sc.status != 403 || r.header.Get("Content-Type") == "application/problem+json" {
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v does not match status %d or lacks a detail", p, r.status)
						}
					}
					if r.status == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
						t.Errorf("401 without a Bearer challenge: %q", r.header.Get("WWW-Authenticate"))
					}
					if e2, u2 := e.counts(); e2 != events || u2 != users {
						t.Errorf("a refused request wrote: audit events %d -> %d, users %d -> %d", events, e2, users, u2)
					}
				}
				if ct := r.header.Get("Content-Type"); r.status < 300 && r.status != 204 && !strings.HasSuffix(ct, "json") {
					t.Errorf("Content-Type = %q", ct)
				}
			})
		}
	})
}

// testedElsewhere names operations ("METHOD /path" as in the OpenAPI
// document) whose role matrix is in another test, for example because they
// take multipart bodies; the value names that test.
var testedElsewhere = map[string]string{}

// TestScenarioMatrixCoversEveryOperation keeps the matrix in step with the
// operations in the OpenAPI document.
func TestScenarioMatrixCoversEveryOperation(t *testing.T) {
	doc := openAPIDoc(t)
	for path, ops := range doc.Paths {
		for method := range ops {
			if testedElsewhere[strings.ToUpper(method)+" "+path] != "" {
				continue
			}
			covered := slices.ContainsFunc(matrix, func(a access) bool {
				p, _, _ := strings.Cut(a.path, "?")
				p = strings.NewReplacer("{subject}", "{id}", "{me}", "{id}", "{token:{who}-spare}", "{id}", "{token:auditor-spare}", "{id}").Replace(p)
				return strings.EqualFold(a.method, method) && p == "/api/v1"+path
			})
			if !covered {
				t.Errorf("%s %s is not in the role matrix", strings.ToUpper(method), path)
			}
		}
	}
}
