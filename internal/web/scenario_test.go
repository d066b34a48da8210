package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const testPassword = "correct horse battery staple"

// app is the real handler (server middleware and the web surface) on a test
// server over one store.
type app struct {
	t   *testing.T
	st  *store.Store
	srv *httptest.Server
	acc *account.Service
}

func newApp(t *testing.T, st *store.Store) *app {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{New(st, a, log)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
}

// user creates a user with testPassword, as the system.
func (ap *app) user(role qms.Role, email, name string) *qms.User {
	ap.t.Helper()
	in := account.NewUser{Email: email, Name: name, Role: role, Password: testPassword}
	if role == qms.RoleSupplier {
		sid := int64(1)
		in.SupplierID = &sid
	}
	u, _, err := ap.acc.CreateUser(qms.WithActor(context.Background(), qms.System), in)
	if err != nil {
		ap.t.Fatalf("create %s user: %v", role, err)
	}
	return u
}

// client is a browser: it keeps cookies and does not follow redirects.
type client struct {
	ap *app
	c  *http.Client
}

func (ap *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{ap: ap, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	code int
	loc  string
	body string
	hdr  http.Header
}

func (c *client) do(req *http.Request) response {
	c.ap.t.Helper()
	res, err := c.c.Do(req)
	if err != nil {
		c.ap.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{code: res.StatusCode, loc: res.Header.Get("Location"), body: string(b), hdr: res.Header}
}

func (c *client) get(path string) response {
	c.ap.t.Helper()
	req, _ := http.NewRequest("GET", c.ap.srv.URL+path, nil)
	return c.do(req)
}

// post submits a form; extra holds header name/value pairs.
func (c *client) post(path string, form url.Values, extra ...string) response {
	c.ap.t.Helper()
	req, _ := http.NewRequest("POST", c.ap.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	return c.do(req)
}

func (c *client) login(email, password string) response {
	c.ap.t.Helper()
	return c.post("/login", url.Values{"email": {email}, "password": {password}})
}

// signedIn returns a client signed in as u.
func (ap *app) signedIn(u *qms.User) *client {
	ap.t.Helper()
	c := ap.client()
	if r := c.login(u.Email, testPassword); r.code != http.StatusSeeOther {
		ap.t.Fatalf("sign in as %s: status %d\n%s", u.Email, r.code, r.body)
	}
	return c
}

func (r response) must(t *testing.T, code int, contains ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status %d, want %d (Location %q)\n%s", r.code, code, r.loc, r.body)
	}
	for _, s := range contains {
		if !strings.Contains(r.body, s) {
			t.Fatalf("the page does not contain %q:\n%s", s, r.body)
		}
	}
}

func (r response) redirectsTo(t *testing.T, loc string) {
	t.Helper()
	if r.code != http.StatusSeeOther || r.loc != loc {
		t.Fatalf("got status %d to %q, want 303 to %q\n%s", r.code, r.loc, loc, r.body)
	}
}

func (ap *app) countUsers() int {
	ap.t.Helper()
	n, err := ap.st.CountUsers(context.Background())
	if err != nil {
		ap.t.Fatal(err)
	}
	return n
}

func (ap *app) countEvents() int {
	ap.t.Helper()
	n := 0
	if _, _, err := ap.st.WalkAudit(context.Background(), func(*qms.AuditEvent) error { n++; return nil }); err != nil {
		ap.t.Fatal(err)
	}
	return n
}

func TestLogin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		c := ap.client()

		c.get("/").redirectsTo(t, "/login?next=%2F")
		c.get("/audit?entity_type=user").redirectsTo(t, "/login?next=%2Faudit%3Fentity_type%3Duser")
		c.get("/login?next=/audit").must(t, http.StatusOK, `name="next" value="/audit"`, `name="password"`)

		r := c.post("/login", url.Values{"email": {admin.Email}, "password": {"wrong password!"}, "next": {"/audit"}})
		r.must(t, http.StatusUnauthorized, `id="login-error"`, "password is not correct", `value="ada@example.com"`, `name="next" value="/audit"`)

		c.post("/login", url.Values{"email": {" ADA@example.com "}, "password": {testPassword}, "next": {"/audit"}}).redirectsTo(t, "/audit")
		c.get("/").must(t, http.StatusOK, "Welcome, Ada Admin", "Administrator")
		// Signed in, the sign-in page sends the user on.
		c.get("/login").redirectsTo(t, "/")

		// next never leads to another site.
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
			ap.client().post("/login", url.Values{"email": {admin.Email}, "password": {testPassword}, "next": {next}}).redirectsTo(t, "/")
		}
	})
}

func TestLoginThrottled(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		u := ap.user(qms.RoleInspector, "ivan@example.com", "Ivan Inspector")
		c := ap.client()
		for i := 0; i < auth.DefaultPolicy.MaxPerAccount; i++ {
			c.login(u.Email, "not the password").must(t, http.StatusUnauthorized)
		}
		// Now even the right password is refused, with the reason.
		c.login(u.Email, testPassword).must(t, http.StatusTooManyRequests, `id="login-error"`, "too many failed sign-in attempts")
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		c := ap.signedIn(ap.user(qms.RoleViewer, "vic@example.com", "Vic Viewer"))
		u, _ := url.Parse(ap.srv.URL)
		session := c.c.Jar.Cookies(u)
		c.get("/").must(t, http.StatusOK, "Welcome, Vic Viewer")

		c.post("/logout", nil).redirectsTo(t, "/login")
		c.get("/login").must(t, http.StatusOK, "You have signed out.")
		c.get("/").redirectsTo(t, "/login?next=%2F")

		// The old session cookie no longer works: the session is gone.
		old := ap.client()
		old.c.Jar.SetCookies(u, session)
		old.get("/account").redirectsTo(t, "/login?next=%2Faccount")
		old.get("/login").must(t, http.StatusOK, "Your session has ended")
	})
}

// TestCrossSitePost checks that a form posted from another site is refused
// and writes nothing, even with a valid session cookie.
func TestCrossSitePost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		c := ap.signedIn(admin)
		users, events := ap.countUsers(), ap.countEvents()
		form := url.Values{"email": {"mallory@example.com"}, "name": {"Mallory"}, "role": {"admin"}, "password": {testPassword}}
		r := c.post("/users", form, "Sec-Fetch-Site", "cross-site")
		if r.code != http.StatusForbidden {
			t.Fatalf("cross-site POST /users: status %d, want 403", r.code)
		}
		r = c.post("/users", form, "Origin", "https://evil.example")
		if r.code != http.StatusForbidden {
			t.Fatalf("POST /users from another origin: status %d, want 403", r.code)
		}
		r = c.post("/logout", nil, "Sec-Fetch-Site", "cross-site")
		if r.code != http.StatusForbidden {
			t.Fatalf("cross-site POST /logout: status %d, want 403", r.code)
		}
		if ap.countUsers() != users || ap.countEvents() != events {
			t.Fatalf("a refused cross-site request wrote to the database")
		}
		// The same form from the site itself works.
		c.post("/users", form, "Sec-Fetch-Site", "same-origin").must(t, http.StatusSeeOther)
		if ap.countUsers() != users+1 {
			t.Fatalf("the same-origin request did not create the user")
		}
	})
}

// TestPagesPerRole opens every page as every role.
func TestPagesPerRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		users := map[qms.Role]*qms.User{}
		for _, r := range qms.Roles {
			users[r] = ap.user(r, string(r)+"@example.com", "User "+string(r))
		}
		other := "/users/" + strconv.FormatInt(users[qms.RoleViewer].ID, 10)
		const ok, forbidden = http.StatusOK, http.StatusForbidden
		type want map[string]int // path -> status; a string status means a redirect
		cases := map[qms.Role]want{
			qms.RoleAdmin:          {"/": ok, "/portal": 303, "/users": ok, "/users/new": ok, other: ok, "/account": ok, "/audit": ok},
			qms.RoleQualityManager: {"/": ok, "/portal": 303, "/users": forbidden, "/users/new": forbidden, other: forbidden, "/account": ok, "/audit": ok},
			qms.RoleInspector:      {"/": ok, "/portal": 303, "/users": forbidden, "/users/new": forbidden, other: forbidden, "/account": ok, "/audit": forbidden},
			qms.RoleViewer:         {"/": ok, "/portal": 303, "/users": forbidden, "/users/new": forbidden, other: forbidden, "/account": ok, "/audit": forbidden},
			qms.RoleAuditor:        {"/": ok, "/portal": 303, "/users": ok, "/users/new": forbidden, other: ok, "/account": ok, "/audit": ok},
			qms.RoleSupplier:       {"/": 303, "/portal": ok, "/users": forbidden, "/users/new": forbidden, other: forbidden, "/account": ok, "/audit": forbidden},
		}
		for _, role := range qms.Roles {
			c := ap.signedIn(users[role])
			for path, code := range cases[role] {
				r := c.get(path)
				if r.code != code {
					t.Errorf("%s GET %s: status %d, want %d", role, path, r.code, code)
					continue
				}
				switch code {
				case forbidden:
					if !strings.Contains(r.body, "You do not have access") || !strings.Contains(r.body, r.hdr.Get("X-Request-Id")) {
						t.Errorf("%s GET %s: the 403 page lacks its message or the request id:\n%s", role, path, r.body)
					}
				case 303:
					want := "/"
					if role == qms.RoleSupplier {
						want = "/portal"
					}
					if r.loc != want {
						t.Errorf("%s GET %s: redirect to %q, want %q", role, path, r.loc, want)
					}
				}
			}
			// The navigation offers only what the role may open.
			home := c.get(map[bool]string{true: "/portal", false: "/"}[role == qms.RoleSupplier])
			for path, code := range cases[role] {
				if path == other || path == "/users/new" {
					continue
				}
				link := `href="` + path + `"`
				if inNav := strings.Contains(navHTML(home.body), link); inNav != (code == ok) {
					t.Errorf("%s: navigation link to %s shown=%v, but the page answers %d", role, path, inNav, code)
				}
			}
			// Write pages are as closed as the read pages.
			if role != qms.RoleAdmin {
				r := c.post("/users", url.Values{"email": {"x@example.com"}, "name": {"X"}, "role": {"viewer"}})
				if r.code != forbidden {
					t.Errorf("%s POST /users: status %d, want 403", role, r.code)
				}
			}
		}
		// Auditors see users read-only.
		r := ap.signedIn(users[qms.RoleAuditor]).get(other)
		if strings.Contains(r.body, `action="`+other+`"`) || strings.Contains(r.body, "/disable") {
			t.Errorf("an auditor's user page offers forms that change the user")
		}
		// Without a session every page leads to the sign-in page.
		anon := ap.client()
		for _, path := range []string{"/", "/portal", "/users", "/users/new", other, "/account", "/audit"} {
			anon.get(path).redirectsTo(t, "/login?next="+url.QueryEscape(path))
		}
		anon.post("/users", url.Values{"name": {"x"}}).redirectsTo(t, "/login")
	})
}

var navRE = regexp.MustCompile(`(?s)<nav class="sidebar".*?</nav>`)

func navHTML(page string) string { return navRE.FindString(page) }

func TestErrorPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		c := ap.signedIn(ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin"))
		r := c.get("/no/such/page")
		r.must(t, http.StatusNotFound, "Page not found", r.hdr.Get("X-Request-Id"), `id="sign-out"`)
		c.get("/users/999999").must(t, http.StatusNotFound)
		c.get("/users/abc").must(t, http.StatusNotFound)
		ap.client().get("/nothing-here").must(t, http.StatusNotFound, "Page not found", "Sign in")
		c.get("/users?role=wizard").must(t, http.StatusBadRequest, "This request is not valid")
	})
}

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// TestUserEditConflict checks optimistic concurrency on the user form: an
// edit based on a stale version gets the conflict message and changes
// nothing.
func TestUserEditConflict(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		c := ap.signedIn(ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin"))
		target := ap.user(qms.RoleViewer, "vic@example.com", "Vic Viewer")
		path := "/users/" + strconv.FormatInt(target.ID, 10)
		m := versionRE.FindStringSubmatch(c.get(path).body)
		if m == nil {
			t.Fatal("the user form has no version field")
		}
		// Someone else saves first.
		ctx := qms.WithActor(context.Background(), qms.System)
		if _, err := ap.acc.UpdateUser(ctx, target.ID, account.UserChange{Email: target.Email, Name: "Victoria Viewer",
			Role: qms.RoleViewer, Version: target.Version}); err != nil {
			t.Fatal(err)
		}
		form := url.Values{"version": {m[1]}, "email": {target.Email}, "name": {"Vic the Stale"}, "role": {"inspector"}, "reason": {"promotion"}}
		c.post(path, form).must(t, http.StatusConflict, `id="form-problem"`, "changed by someone else", "Reload the current version", `value="Vic the Stale"`)
		got, _ := ap.acc.User(ctx, target.ID)
		if got.Name != "Victoria Viewer" || got.Role != qms.RoleViewer {
			t.Fatalf("a stale edit changed the user: %+v", got)
		}
		// With the current version the same edit goes through.
		m = versionRE.FindStringSubmatch(c.get(path).body)
		form.Set("version", m[1])
		c.post(path, form).redirectsTo(t, path)
		c.get(path).must(t, http.StatusOK, "Changes saved.", `value="Vic the Stale"`)
		// Invalid input re-renders the form with the field's message.
		form.Set("email", "not-an-address")
		c.post(path, form).must(t, http.StatusBadRequest, "is not an e-mail address")
	})
}

// TestUnicodeRoundTrip creates users with Chinese and Vietnamese names
// through the form and finds them exactly as typed; invalid UTF-8 is
// refused and writes nothing.
func TestUnicodeRoundTrip(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		c := ap.signedIn(ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin"))
		for _, name := range []string{"张伟", "深圳市精密五金制品有限公司 质量部", "Nguyễn Thị Minh Khai", "Đặng Văn Lâm"} {
			email := "u" + strconv.Itoa(len(name)) + "@example.cn"
			r := c.post("/users", url.Values{"email": {email}, "name": {name}, "role": {"viewer"}, "password": {testPassword}})
			if r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/users/") {
				t.Fatalf("create %q: status %d\n%s", name, r.code, r.body)
			}
			c.get(r.loc).must(t, http.StatusOK, "<h1>"+name+"</h1>", `value="`+name+`"`)
			id, _ := strconv.ParseInt(strings.TrimPrefix(r.loc, "/users/"), 10, 64)
			got, err := ap.acc.User(qms.WithActor(context.Background(), qms.System), id)
			if err != nil || got.Name != name {
				t.Fatalf("stored name %q, want %q (%v)", got.Name, name, err)
			}
			// Search by a part without capitals: SQLite's LOWER folds only ASCII.
			part := string([]rune(name)[1:2])
			c.get("/users?q="+url.QueryEscape(part)).must(t, http.StatusOK, name)
		}
		users, events := ap.countUsers(), ap.countEvents()
		r := c.post("/users", url.Values{"email": {"bad@example.com"}, "name": {"Nguy\xe1n"}, "role": {"viewer"}})
		r.must(t, http.StatusBadRequest, "not valid UTF-8")
		c.get("/users?q=%ff").must(t, http.StatusBadRequest, "not valid UTF-8")
		if ap.countUsers() != users || ap.countEvents() != events {
			t.Fatal("invalid UTF-8 input wrote to the database")
		}
	})
}

var passwordRE = regexp.MustCompile(`<code id="secret-value">([^<]+)</code>`)

func TestUserAdministration(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		c := ap.signedIn(admin)

		// A user created without a password gets a generated one, shown once.
		r := c.post("/users", url.Values{"email": {"sam@example.com"}, "name": {"Sam Supplier"}, "role": {"supplier"}, "supplier_id": {"12"}})
		r.must(t, http.StatusCreated, "User Sam Supplier created.", "shown only now")
		m := passwordRE.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatal("no generated password on the page")
		}
		sam := ap.client()
		sam.login("sam@example.com", m[1]).redirectsTo(t, "/portal")
		sam.get("/portal").must(t, http.StatusOK, `id="portal-placeholder"`, "Sam Supplier")

		// Field errors come back on the form.
		c.post("/users", url.Values{"email": {"sam@example.com"}, "name": {""}, "role": {"viewer"}}).
			must(t, http.StatusBadRequest, "is required")
		c.post("/users", url.Values{"email": {"sam@example.com"}, "name": {"Sam Two"}, "role": {"viewer"}}).
			must(t, http.StatusConflict, "is already used by another user")
		c.post("/users", url.Values{"email": {"s3@example.com"}, "name": {"S"}, "role": {"supplier"}, "supplier_id": {"x"}}).
			must(t, http.StatusBadRequest, "must be the number of a supplier")

		// Disable ends the session; enable lets them back in.
		u, _ := ap.acc.UserByEmail(qms.WithActor(context.Background(), qms.System), "sam@example.com")
		path := "/users/" + strconv.FormatInt(u.ID, 10)
		c.post(path+"/disable", url.Values{"reason": {"left the company"}}).redirectsTo(t, path)
		c.get(path).must(t, http.StatusOK, "is disabled", "badge-off")
		sam.get("/portal").redirectsTo(t, "/login?next=%2Fportal")
		ap.client().login("sam@example.com", m[1]).must(t, http.StatusUnauthorized)
		c.post(path+"/enable", url.Values{"reason": {"back"}}).redirectsTo(t, path)
		c.get(path).must(t, http.StatusOK, "can sign in again")

		// A password reset shows the new password once; the old one stops working.
		r = c.post(path+"/password", url.Values{"reason": {"forgotten"}})
		r.must(t, http.StatusOK, "The new password of Sam Supplier")
		m2 := passwordRE.FindStringSubmatch(r.body)
		if m2 == nil || m2[1] == m[1] {
			t.Fatal("no new password on the page")
		}
		ap.client().login("sam@example.com", m[1]).must(t, http.StatusUnauthorized)
		ap.client().login("sam@example.com", m2[1]).redirectsTo(t, "/portal")
		if strings.Contains(c.get(path).body, m2[1]) {
			t.Fatal("the generated password is shown again")
		}

		// Administrators cannot disable themselves.
		self := "/users/" + strconv.FormatInt(admin.ID, 10)
		c.post(self+"/disable", url.Values{}).redirectsTo(t, self)
		c.get(self).must(t, http.StatusOK, "flash-error", "cannot disable your own account")

		// The reasons are in the audit trail.
		c.get("/audit?entity_type=user&entity_id="+strconv.FormatInt(u.ID, 10)).must(t, http.StatusOK, "left the company", "forgotten")
	})
}

func TestAccountPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		ins := ap.user(qms.RoleInspector, "ivan@example.com", "Ivan Inspector")
		c := ap.signedIn(ins)
		c.get("/account").must(t, http.StatusOK, "ivan@example.com", "Inspector", "Create token")

		// Tokens: the secret is shown once and works as a Bearer token.
		r := c.post("/account/tokens", url.Values{"name": {"tablet sync"}, "expires": {"2999-12-31"}})
		r.must(t, http.StatusCreated, "tablet sync", "shown only now")
		m := passwordRE.FindStringSubmatch(r.body)
		if m == nil || !strings.HasPrefix(m[1], auth.TokenPrefix) {
			t.Fatal("no token secret on the page")
		}
		bearer := func() int {
			req, _ := http.NewRequest("GET", ap.srv.URL+"/account", nil)
			req.Header.Set("Authorization", "Bearer "+m[1])
			return ap.client().do(req).code
		}
		if code := bearer(); code != http.StatusOK {
			t.Fatalf("the new token does not work: %d", code)
		}
		if strings.Contains(c.get("/account").body, m[1]) {
			t.Fatal("the token secret is shown again")
		}
		c.post("/account/tokens", url.Values{"name": {""}}).must(t, http.StatusBadRequest, "is required")
		c.post("/account/tokens", url.Values{"name": {"x"}, "expires": {"soon"}}).must(t, http.StatusBadRequest, "must be a date")

		tokens, _ := ap.acc.ListTokens(qms.WithActor(context.Background(), qms.ActorOf(ins, "session")), ins.ID)
		rev := "/tokens/" + strconv.FormatInt(tokens[0].ID, 10) + "/revoke"
		c.post(rev, url.Values{"next": {"/account"}}).redirectsTo(t, "/account")
		c.get("/account").must(t, http.StatusOK, "The API token was revoked.", "revoked")
		if code := bearer(); code == http.StatusOK {
			t.Fatal("a revoked token still works")
		}
		c.post(rev, url.Values{"next": {"https://evil.example/"}}).redirectsTo(t, "/account")

		// Another user's token cannot be revoked.
		other := ap.user(qms.RoleViewer, "vic@example.com", "Vic Viewer")
		tok, _, err := ap.acc.CreateToken(qms.WithActor(context.Background(), qms.System), other.ID, "vic's", nil)
		if err != nil {
			t.Fatal(err)
		}
		c.post("/tokens/"+strconv.FormatInt(tok.ID, 10)+"/revoke", nil).must(t, http.StatusForbidden)

		// Password: the current one is checked, the new one must be confirmed.
		pw := url.Values{"current_password": {"wrong password!!"}, "new_password": {"a brand new passphrase"}, "confirm_password": {"a brand new passphrase"}}
		c.post("/account/password", pw).must(t, http.StatusBadRequest, "is not your current password")
		pw.Set("current_password", testPassword)
		pw.Set("confirm_password", "something else")
		c.post("/account/password", pw).must(t, http.StatusBadRequest, "does not match")
		pw.Set("confirm_password", "a brand new passphrase")
		c.post("/account/password", pw).redirectsTo(t, "/account")
		c.get("/account").must(t, http.StatusOK, "Your password has been changed.")
		ap.client().login(ins.Email, testPassword).must(t, http.StatusUnauthorized)
		ap.client().login(ins.Email, "a brand new passphrase").redirectsTo(t, "/")

		// An auditor has no token form.
		aud := ap.signedIn(ap.user(qms.RoleAuditor, "aud@example.com", "Aud Auditor"))
		if body := aud.get("/account").body; strings.Contains(body, "Create token") {
			t.Fatal("an auditor is offered API tokens")
		}
		aud.post("/account/tokens", url.Values{"name": {"x"}}).must(t, http.StatusForbidden)
	})
}

func TestAuditPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		admin := ap.user(qms.RoleAdmin, "ada@example.com", "Ada Admin")
		qm := ap.user(qms.RoleQualityManager, "quinn@example.com", "Quinn 质量经理")
		c := ap.signedIn(admin)
		path := "/users/" + strconv.FormatInt(qm.ID, 10)
		m := versionRE.FindStringSubmatch(c.get(path).body)
		c.post(path, url.Values{"version": {m[1]}, "email": {qm.Email}, "name": {"Quinn Nguyễn"}, "role": {"quality_manager"}, "reason": {"name corrected"}}).redirectsTo(t, path)

		all := c.get("/audit")
		all.must(t, http.StatusOK, "user #"+strconv.FormatInt(qm.ID, 10), "Quinn 质量经理", "Quinn Nguyễn", "name corrected", "diff-changed")
		if !strings.Contains(all.body, `href="`+path+`"`) {
			t.Error("the event does not link to the user's page")
		}
		// Filters: entity, user, dates.
		byType := c.get("/audit?entity_type=api_token")
		if strings.Contains(byType.body, "Quinn") {
			t.Error("the record type filter shows other records")
		}
		byActor := c.get("/audit?actor=" + strconv.FormatInt(admin.ID, 10))
		byActor.must(t, http.StatusOK, "name corrected")
		if strings.Contains(byActor.body, "action-create") {
			t.Error("the user filter shows the system's events")
		}
		today := st.Now().Format("2006-01-02")
		c.get("/audit?from="+today+"&to="+today).must(t, http.StatusOK, "name corrected")
		if body := c.get("/audit?to=2000-01-01").body; strings.Contains(body, "name corrected") {
			t.Error("the date filter shows later events")
		}
		c.get("/audit?from=yesterday").must(t, http.StatusBadRequest, "must be a date")
		c.get("/audit?from=2026-02-02&to=2026-02-01").must(t, http.StatusBadRequest, "must not be before")
		c.get("/audit?actor=bob").must(t, http.StatusBadRequest, "must be the number of a user")

		// Cursor pagination: more events than a page.
		ctx := qms.WithActor(context.Background(), qms.System)
		for i := 0; i < eventsPerPage+5; i++ {
			if _, _, err := ap.acc.CreateToken(ctx, admin.ID, "t"+strconv.Itoa(i), nil); err != nil {
				t.Fatal(err)
			}
		}
		first := c.get("/audit?entity_type=api_token")
		if n := strings.Count(first.body, `class="event"`); n != eventsPerPage {
			t.Fatalf("first page has %d events, want %d", n, eventsPerPage)
		}
		next := regexp.MustCompile(`href="(/audit\?[^"]*before=\d+[^"]*)"`).FindStringSubmatch(first.body)
		if next == nil {
			t.Fatal("no link to older events")
		}
		second := c.get(strings.ReplaceAll(next[1], "&amp;", "&"))
		if n := strings.Count(second.body, `class="event"`); n != 5 {
			t.Fatalf("second page has %d events, want 5", n)
		}
		if !strings.Contains(second.body, "← Newest") || strings.Contains(second.body, "Older events") {
			t.Error("the last page links wrongly")
		}
	})
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap := newApp(t, st)
		c := ap.client()
		page := c.get("/login").body
		css := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{16}\.css)"`).FindStringSubmatch(page)
		if css == nil {
			t.Fatalf("the page links no hashed stylesheet:\n%s", page)
		}
		r := c.get(css[1])
		r.must(t, http.StatusOK, ".sidebar")
		if cc := r.hdr.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", cc)
		}
		if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("Content-Type %q", ct)
		}
		c.get("/static/app.css").must(t, http.StatusNotFound)
		c.get("/static/app.0000000000000000.css").must(t, http.StatusNotFound)
	})
}
