package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a running API over a store with one user of every role, each
// with an API token, plus tokens that no longer work.
type env struct {
	t      testing.TB
	st     *store.Store
	auth   *auth.Service
	h      http.Handler
	users  map[string]*qms.User // by role name, plus "subject" (an inspector for changes) and "disabled"
	tokens map[string]string    // by the same names, plus "revoked" and "expired"
	ids    map[string]int64     // ids of tokens by the same names
}

const testPassword = "correct horse battery"

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.System)
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: discard()}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: discard(),
		Surfaces: []server.Surface{api.New(st, a, discard())}})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, auth: a, h: h, users: map[string]*qms.User{}, tokens: map[string]string{}, ids: map[string]int64{}}
	acc := &account.Service{Store: st}
	supplier := int64(7)
	add := func(key string, role qms.Role, name string) {
		in := account.NewUser{Email: key + "@example.com", Name: name, Role: role, Password: testPassword}
		if role == qms.RoleSupplier {
			in.SupplierID = &supplier
		}
		u, _, err := acc.CreateUser(ctx, in)
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
		e.users[key] = u
		tok, secret, err := acc.CreateToken(ctx, u.ID, key+" token", nil)
		if err != nil {
			t.Fatalf("token for %s: %v", key, err)
		}
		e.tokens[key], e.ids[key] = secret, tok.ID
		spare, _, err := acc.CreateToken(ctx, u.ID, key+" spare token", nil)
		if err != nil {
			t.Fatalf("spare token for %s: %v", key, err)
		}
		e.ids[key+"-spare"] = spare.ID
	}
	for _, r := range qms.Roles {
		add(string(r), r, "Test "+r.Label())
	}
	add("subject", qms.RoleInspector, "Trần Thị Subject")
	add("disabled", qms.RoleViewer, "Disabled Viewer")

	admin := e.users["admin"].ID
	revoked, secret, err := acc.CreateToken(ctx, admin, "revoked token", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.RevokeToken(ctx, revoked.ID, "test"); err != nil {
		t.Fatal(err)
	}
	e.tokens["revoked"], e.ids["revoked"] = secret, revoked.ID
	soon := st.Now().Add(time.Hour)
	expired, secret, err := acc.CreateToken(ctx, admin, "expiring token", &soon)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["expired"], e.ids["expired"] = secret, expired.ID
	// Disabling revokes the user's tokens; un-revoke one so that the refusal
	// comes from the disabled account itself.
	if _, err := acc.SetDisabled(ctx, e.users["disabled"].ID, true, "left"); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec("UPDATE api_tokens SET expires_at = ? WHERE id = ?", st.Now().Add(-time.Minute), expired.ID); err != nil {
			return err
		}
		_, err := tx.Exec("UPDATE api_tokens SET revoked_at = NULL WHERE id = ?", e.ids["disabled"])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) problem(t testing.TB) problem {
	t.Helper()
	var p problem
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json; body %s", ct, r.body)
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body: %v: %s", err, r.body)
	}
	return p
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

type problem struct {
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Message  string `json:"message"`
		Location string `json:"location"`
		Value    any    `json:"value"`
	} `json:"errors"`
}

func (p problem) locations() []string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Location)
	}
	return out
}

// do sends a request authenticated as who ("" for none; a key of e.tokens
// for its Bearer token; "cookie:KEY" for a signed-in session of that user).
func (e *env) do(method, path, who string, body []byte, header ...string) *response {
	e.t.Helper()
	return e.serve(e.request(method, path, who, body, header...))
}

// request builds a request as do sends it.
func (e *env) request(method, path, who string, body []byte, header ...string) *http.Request {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	switch {
	case who == "":
	case strings.HasPrefix(who, "cookie:"):
		secret, _, err := e.auth.Login(context.Background(), strings.TrimPrefix(who, "cookie:")+"@example.com", testPassword, "192.0.2.1", "test")
		if err != nil {
			e.t.Fatalf("login: %v", err)
		}
		r.AddCookie(e.auth.SessionCookie(secret))
	default:
		tok, ok := e.tokens[who]
		if !ok {
			e.t.Fatalf("no token %q", who)
		}
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	return r
}

// serve runs a request through the whole handler.
func (e *env) serve(r *http.Request) *response {
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// counts returns the number of audit events and of users.
func (e *env) counts() (events, users int) {
	e.t.Helper()
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&events); err != nil {
			return err
		}
		return tx.QueryRow("SELECT COUNT(*) FROM users").Scan(&users)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return events, users
}

// expand fills in a path or body for a request by who: {me} is who's user
// id and {who} who's name; {KEY} is the id of that user, {v:KEY} its current
// version, and {token:KEY} the id of that token.
func (e *env) expand(s, who string) string {
	e.t.Helper()
	who = strings.TrimPrefix(who, "cookie:")
	if u, ok := e.users[who]; ok {
		s = strings.ReplaceAll(s, "{me}", strconv.FormatInt(u.ID, 10))
	}
	s = strings.ReplaceAll(s, "{who}", who)
	for k, u := range e.users {
		s = strings.ReplaceAll(s, "{"+k+"}", strconv.FormatInt(u.ID, 10))
		if strings.Contains(s, "{v:"+k+"}") {
			var v int64
			err := e.st.View(context.Background(), func(tx *store.Tx) error {
				cur, err := tx.User(u.ID)
				v = cur.Version
				return err
			})
			if err != nil {
				e.t.Fatal(err)
			}
			s = strings.ReplaceAll(s, "{v:"+k+"}", strconv.FormatInt(v, 10))
		}
	}
	for k, id := range e.ids {
		s = strings.ReplaceAll(s, "{token:"+k+"}", strconv.FormatInt(id, 10))
	}
	return s
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
