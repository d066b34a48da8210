package api_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"qms/internal/api"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestBadInput sends what the issue lists as bad input. Each gets a 4xx
// problem saying what is wrong, and nothing is written.
func TestBadInput(t *testing.T) {
	long := strings.Repeat("x", 201)
	huge := strings.Repeat("长", 100_000)
	oversize := `{"email":"big@example.com","name":"Big","role":"viewer","password":"` + strings.Repeat("p", api.MaxBodyBytes) + `"}`
	cases := []struct {
		name, method, path, who, body string
		status                        int
		loc                           string // location of the first error, if any
		detail                        string // substring of the detail
	}{
		{"malformed JSON", "POST", "/api/v1/users", "admin", `{"email":"a@example.com",`, 400, "body", "not valid JSON"},
		{"not JSON at all", "POST", "/api/v1/users", "admin", `email=a@example.com`, 400, "body", "not valid JSON"},
		{"trailing garbage", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"viewer"} x`, 400, "body", "not valid JSON"},
		{"empty body", "POST", "/api/v1/users", "admin", ``, 400, "", "needs a JSON body"},
		{"array instead of object", "POST", "/api/v1/users", "admin", `[{"email":"a@example.com"}]`, 422, "body", "expected object"},
		{"name is a number", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":5,"role":"viewer"}`, 422, "body.name", "expected string"},
		{"role is a boolean", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":true}`, 422, "body.role", "expected string"},
		{"supplier_id is a string", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"supplier","supplier_id":"7"}`, 422, "body.supplier_id", "expected integer"},
		{"version is a string", "PATCH", "/api/v1/users/{subject}", "admin", `{"name":"A","version":"1"}`, 422, "body.version", "expected integer"},
		{"version is fractional", "PATCH", "/api/v1/users/{subject}", "admin", `{"name":"A","version":1.5}`, 422, "body.version", "expected integer"},
		{"version overflows", "PATCH", "/api/v1/users/{subject}", "admin", `{"name":"A","version":1e30}`, 422, "body", "version"},
		{"version missing", "PATCH", "/api/v1/users/{subject}", "admin", `{"name":"A"}`, 422, "body.version", "body.version: is required"},
		{"nothing to change", "PATCH", "/api/v1/users/{subject}", "admin", `{"name":null,"version":1,"reason":"x"}`, 422, "body", "nothing to change"},
		{"expires_at is not a time", "POST", "/api/v1/tokens", "admin", `{"name":"t","expires_at":"tomorrow"}`, 422, "body.expires_at", "date-time"},
		{"expires_at in the past", "POST", "/api/v1/tokens", "admin", `{"name":"t","expires_at":"2001-01-01T00:00:00Z"}`, 422, "body.expires_at", "in the future"},
		{"unknown field", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"viewer","is_admin":true}`, 422, "body.is_admin", "unexpected property"},
		{"unknown field in a patch", "PATCH", "/api/v1/users/{subject}", "admin", `{"version":1,"password":"sneaky password"}`, 422, "body.password", "unexpected property"},
		{"unknown field in a reason body", "POST", "/api/v1/users/{subject}/disable", "admin", `{"why":"x"}`, 422, "body.why", "unexpected property"},
		{"unknown query parameter", "GET", "/api/v1/users?limt=5", "admin", ``, 422, "query.limt", "unknown query parameter"},
		{"oversize body", "POST", "/api/v1/users", "admin", oversize, 413, "", "too large"},
		{"no credentials", "POST", "/api/v1/users", "", `{"email":"a@example.com","name":"A","role":"viewer"}`, 401, "", "Authentication is required"},
		{"expired credentials", "POST", "/api/v1/users", "expired", `{"email":"a@example.com","name":"A","role":"viewer"}`, 401, "", "expired"},
		{"revoked credentials", "PATCH", "/api/v1/users/{subject}", "revoked", `{"name":"A","version":1}`, 401, "", "revoked"},
		{"another role's endpoint", "POST", "/api/v1/users", "inspector", `{"email":"a@example.com","name":"A","role":"admin"}`, 403, "", "may not create users"},
		{"another role's change", "PATCH", "/api/v1/users/{subject}", "quality_manager", `{"role":"admin","version":1}`, 403, "", "may not"},
		{"name too long", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"` + long + `","role":"viewer"}`, 422, "body.name", "<= 200"},
		{"name far too long", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"` + huge + `","role":"viewer"}`, 422, "body.name", "<= 200"},
		{"e-mail too long", "POST", "/api/v1/users", "admin", `{"email":"` + strings.Repeat("a", 250) + `@example.com","name":"A","role":"viewer"}`, 422, "body.email", "<= 254"},
		{"password too long", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"viewer","password":"` + strings.Repeat("密", 400) + `"}`, 422, "body.password", "at most 1024 bytes"},
		{"password too short", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"viewer","password":"short"}`, 422, "body.password", "at least 12"},
		{"reason too long", "POST", "/api/v1/users/{subject}/disable", "admin", `{"reason":"` + strings.Repeat("r", 1001) + `"}`, 422, "body.reason", "<= 1000"},
		{"query too long", "GET", "/api/v1/users?q=" + long, "admin", ``, 422, "query.q", "<= 200"},
		{"invalid UTF-8 in a body", "POST", "/api/v1/users", "admin", "{\"email\":\"a@example.com\",\"name\":\"Nguy\xe1\xbb\",\"role\":\"viewer\"}", 400, "body", "not valid UTF-8"},
		{"invalid UTF-8 in a query", "GET", "/api/v1/users?q=%C3%28", "admin", ``, 422, "query.q", "not valid UTF-8"},
		{"invalid UTF-8 in a query name", "GET", "/api/v1/audit?%FF=1", "admin", ``, 422, "query.\uFFFD", "not valid UTF-8"},
		{"invalid UTF-8 in a path", "GET", "/api/v1/users/%FF", "admin", ``, 422, "path.id", "invalid integer"},
		{"NUL in a name", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A\u0000B","role":"viewer"}`, 400, "body", "body.name contains a NUL"},
		{"NUL in a password", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"viewer","password":"twelve chars\u0000"}`, 400, "body", "body.password contains a NUL"},
		{"control character in a name", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A\u0007B","role":"viewer"}`, 422, "body.name", "control character"},
		{"NUL in a query", "GET", "/api/v1/users?q=a%00b", "admin", ``, 422, "query.q", "control character"},
		{"semicolon and bad byte in a query", "GET", "/api/v1/audit?entity_id=;%FF", "admin", ``, 422, "query.entity_id", "not valid UTF-8"},
		{"bad percent-encoding in a query", "GET", "/api/v1/audit?entity_id=%zz", "admin", ``, 422, "query.entity_id", "percent-encoded"},
		{"control character in a reason", "DELETE", "/api/v1/tokens/{token:admin}?reason=a%07b", "admin", ``, 422, "query.reason", "control character"},
		{"bad e-mail", "POST", "/api/v1/users", "admin", `{"email":"not an address","name":"A","role":"viewer"}`, 422, "body.email", "not an e-mail address"},
		{"unknown role", "POST", "/api/v1/users", "admin", `{"email":"a@example.com","name":"A","role":"root"}`, 422, "body.role", "expected value to be one of"},
		{"limit too large", "GET", "/api/v1/audit?limit=201", "admin", ``, 422, "query.limit", "<= 200"},
		{"limit zero", "GET", "/api/v1/users?limit=0", "admin", ``, 422, "query.limit", ">= 1"},
		{"limit not a number", "GET", "/api/v1/users?limit=ten", "admin", ``, 422, "query.limit", "invalid integer"},
		{"forged cursor", "GET", "/api/v1/audit?cursor=' OR 1=1 --", "admin", ``, 422, "query.cursor", "not a cursor"},
		{"from after to", "GET", "/api/v1/audit?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "admin", ``, 422, "query.to", "after from"},
		{"from not RFC 3339", "GET", "/api/v1/audit?from=01/02/2025", "admin", ``, 422, "query.from", "RFC 3339"},
		{"disabled filter not boolean", "GET", "/api/v1/users?disabled=maybe", "admin", ``, 422, "query.disabled", "one of"},
		{"id zero", "GET", "/api/v1/users/0", "admin", ``, 422, "path.id", ">= 1"},
		{"wrong content type", "POST", "/api/v1/users", "admin", `<user/>`, 415, "", ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				var body []byte
				var header []string
				if c.body != "" {
					body = []byte(c.body)
				}
				if c.name == "wrong content type" {
					header = []string{"Content-Type", "application/xml"}
				}
				events, users := e.counts()
				path := e.expand(c.path, c.who)
				if strings.Contains(path, " ") {
					path = strings.ReplaceAll(path, " ", "%20")
				}
				r := e.do(c.method, path, c.who, body, header...)
				if r.status != c.status {
					t.Fatalf("%s %s = %d, want %d: %.500s", c.method, c.path, r.status, c.status, r.body)
				}
				p := r.problem(t)
				if p.Status != c.status || !strings.Contains(p.Detail, c.detail) {
					t.Errorf("problem status %d detail %q; want %d and %q", p.Status, p.Detail, c.status, c.detail)
				}
				if c.loc != "" && !slices.Contains(p.locations(), c.loc) {
					t.Errorf("error locations %v lack %q: %s", p.locations(), c.loc, r.body)
				}
				if len(r.body) > 4096 {
					t.Errorf("the problem echoes too much: %d bytes", len(r.body))
				}
				if strings.Contains(string(r.body), "sneaky password") {
					t.Errorf("the problem echoes a password: %s", r.body)
				}
				if e2, u2 := e.counts(); e2 != events || u2 != users {
					t.Errorf("wrote: audit events %d -> %d, users %d -> %d", events, e2, users, u2)
				}
			})
		}
	})
}

// TestTextRoundTrips stores SQL meta-characters, Chinese and Vietnamese
// text (composed and decomposed) and reads back exactly the same bytes.
func TestTextRoundTrips(t *testing.T) {
	viet := "Nguyễn Thị Minh Khai"
	names := []string{
		"'; DROP TABLE users; --",
		`Robert"); DELETE FROM audit_events; -- \ % _`,
		"苏州精密制造有限公司 质量部 张伟",
		viet,
		norm.NFD.String(viet),
		"Công ty TNHH Cơ khí Chính xác Việt Nam 越南",
		"Müller & Søn — Ø 10 ± 0.05 ≤ 0.8 µm",
		strings.Repeat("工", 200), // the longest name, in runes
	}
	if norm.NFD.String(viet) == viet {
		t.Fatal("the decomposed form must differ")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for i, name := range names {
			events, users := e.counts()
			body, _ := json.Marshal(map[string]any{"email": "text" + string(rune('a'+i)) + "@example.com", "name": name, "role": "viewer"})
			r := e.do("POST", "/api/v1/users", "admin", body)
			if r.status != 201 {
				t.Fatalf("create %q = %d: %s", name, r.status, r.body)
			}
			var created api.CreateUserResponse
			r.decode(t, &created)
			if created.User.Name != name {
				t.Errorf("created name %q, want %q", created.User.Name, name)
			}
			if e2, u2 := e.counts(); e2 != events+1 || u2 != users+1 {
				t.Errorf("create wrote events %d -> %d, users %d -> %d; want one each", events, e2, users, u2)
			}
			var got api.User
			r = e.do("GET", "/api/v1/users/"+itoa(created.User.ID), "admin", nil)
			r.decode(t, &got)
			if !bytes.Equal([]byte(got.Name), []byte(name)) {
				t.Errorf("read back %q, want %q", got.Name, name)
			}
			// The audit trail holds the same text.
			var audit api.Page[api.AuditEvent]
			e.do("GET", "/api/v1/audit?entity_type=user&entity_id="+itoa(created.User.ID), "auditor", nil).decode(t, &audit)
			if len(audit.Items) != 1 {
				t.Fatalf("audit events for the user: %d", len(audit.Items))
			}
			after, _ := json.Marshal(audit.Items[0].After)
			var rec struct{ Name string }
			json.Unmarshal(after, &rec)
			if rec.Name != name {
				t.Errorf("audited name %q, want %q", rec.Name, name)
			}
			// The name is found by itself, and the search does not treat
			// its characters as SQL or LIKE syntax. (Not for names with
			// non-ASCII capitals: SQLite's LOWER folds only ASCII, so the
			// store cannot find "Ø" on SQLite yet.)
			if strings.ToLower(name) != asciiLower(name) {
				continue
			}
			var page api.Page[api.User]
			r = e.do("GET", "/api/v1/users?q="+url.QueryEscape(name), "admin", nil)
			if r.status != 200 {
				t.Fatalf("search %q = %d: %s", name, r.status, r.body)
			}
			r.decode(t, &page)
			if len(page.Items) != 1 || page.Items[0].ID != created.User.ID {
				t.Errorf("search for %q found %d users, want just #%d", name, len(page.Items), created.User.ID)
			}
		}
		// The wildcards of LIKE match only themselves.
		var page api.Page[api.User]
		e.do("GET", "/api/v1/users?q="+url.QueryEscape("%"), "admin", nil).decode(t, &page)
		if len(page.Items) != 1 {
			t.Errorf("q=%% found %d users, want the one whose name holds %%", len(page.Items))
		}
		if _, users := e.counts(); users < len(names) {
			t.Errorf("users table has %d rows", users)
		}
	})
}

// TestBodyLimitBoundary: a body of exactly MaxBodyBytes is read; one byte
// more is refused.
func TestBodyLimitBoundary(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		body := []byte(`{"name":"padded token"}`)
		pad := bytes.Repeat([]byte(" "), api.MaxBodyBytes-len(body))
		exact := append(append([]byte{}, body...), pad...)
		if r := e.do("POST", "/api/v1/tokens", "admin", exact); r.status != 201 {
			t.Errorf("body of %d bytes = %d: %s", len(exact), r.status, r.body)
		}
		events, _ := e.counts()
		if r := e.do("POST", "/api/v1/tokens", "admin", append(exact, ' ')); r.status != 413 {
			t.Errorf("body of %d bytes = %d: %s", len(exact)+1, r.status, r.body)
		}
		if e2, _ := e.counts(); e2 != events {
			t.Errorf("the refused body wrote %d audit events", e2-events)
		}
	})
}

// TestStaleVersion sends two changes based on the same version at once:
// one wins, the other gets 409 and writes nothing.
func TestStaleVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		id := itoa(e.users["subject"].ID)
		version := e.users["subject"].Version
		events, _ := e.counts()
		var wg sync.WaitGroup
		results := make([]*response, 2)
		for i, name := range []string{"阮氏 First", "Second 第二"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body, _ := json.Marshal(map[string]any{"name": name, "version": version})
				results[i] = e.do("PATCH", "/api/v1/users/"+id, "admin", body)
			}()
		}
		wg.Wait()
		statuses := []int{results[0].status, results[1].status}
		slices.Sort(statuses)
		if !slices.Equal(statuses, []int{200, 409}) {
			t.Fatalf("statuses %v, want one 200 and one 409: %s %s", statuses, results[0].body, results[1].body)
		}
		for _, r := range results {
			if r.status == 409 && !strings.Contains(r.problem(t).Detail, "changed by someone else") {
				t.Errorf("409 detail: %s", r.body)
			}
		}
		if e2, _ := e.counts(); e2 != events+1 {
			t.Errorf("audit events %d -> %d, want one more", events, e2)
		}
		// Sequentially, the same stale version is refused again.
		body, _ := json.Marshal(map[string]any{"name": "Third", "version": version})
		if r := e.do("PATCH", "/api/v1/users/"+id, "admin", body); r.status != 409 {
			t.Errorf("stale PATCH = %d: %s", r.status, r.body)
		}
	})
}

// TestPagination walks lists page by page through next_cursor.
func TestPagination(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		for _, list := range []struct {
			path string
			key  func(json.RawMessage) int64
		}{
			{"/api/v1/users", func(b json.RawMessage) int64 { var u api.User; json.Unmarshal(b, &u); return u.ID }},
			{"/api/v1/audit", func(b json.RawMessage) int64 { var a api.AuditEvent; json.Unmarshal(b, &a); return a.Seq }},
		} {
			var whole api.Page[json.RawMessage]
			e.do("GET", list.path+"?limit=200", "admin", nil).decode(t, &whole)
			if whole.NextCursor != "" || len(whole.Items) < 5 {
				t.Fatalf("%s: %d items in one page, cursor %q", list.path, len(whole.Items), whole.NextCursor)
			}
			var walked []int64
			cursor, pages := "", 0
			for {
				var page api.Page[json.RawMessage]
				r := e.do("GET", list.path+"?limit=2&cursor="+url.QueryEscape(cursor), "admin", nil)
				if r.status != 200 {
					t.Fatalf("%s page %d: %d %s", list.path, pages, r.status, r.body)
				}
				r.decode(t, &page)
				pages++
				if len(page.Items) > 2 {
					t.Fatalf("%s: page of %d items with limit 2", list.path, len(page.Items))
				}
				for _, it := range page.Items {
					walked = append(walked, list.key(it))
				}
				if page.NextCursor == "" {
					break
				}
				cursor = page.NextCursor
			}
			var want []int64
			for _, it := range whole.Items {
				want = append(want, list.key(it))
			}
			if !slices.Equal(walked, want) {
				t.Errorf("%s walked %v, want %v", list.path, walked, want)
			}
			if pages != (len(want)+1)/2 && pages != len(want)/2+1 {
				t.Errorf("%s: %d pages for %d items", list.path, pages, len(want))
			}
		}
		// An empty list is [] rather than null.
		r := e.do("GET", "/api/v1/audit?entity_type=nothing", "admin", nil)
		if !strings.Contains(string(r.body), `"items":[]`) {
			t.Errorf("empty page: %s", r.body)
		}
	})
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
