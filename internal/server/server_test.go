package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// probe is a surface with routes that show what the middleware did.
type probe struct{}

func (probe) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /whoami", func(w http.ResponseWriter, r *http.Request) {
		a, ok := qms.ActorFrom(r.Context())
		if !ok {
			io.WriteString(w, "anonymous "+qms.RequestID(r.Context()))
			return
		}
		io.WriteString(w, a.Email+" "+qms.RequestID(r.Context()))
	})
	mux.HandleFunc("POST /write", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "written") })
	mux.HandleFunc("GET /panic", func(w http.ResponseWriter, r *http.Request) { panic("secret internal detail") })
}

func newHandler(t *testing.T, s *store.Store) (http.Handler, *auth.Service) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	a := &auth.Service{Store: s, Policy: auth.DefaultPolicy, Log: log}
	h, err := server.Handler(server.Options{Store: s, Auth: a, Log: log, Surfaces: []server.Surface{probe{}}})
	if err != nil {
		t.Fatal(err)
	}
	return h, a
}

func do(h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestMiddleware(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		h, a := newHandler(t, s)
		ctx := context.Background()

		if w := do(h, "GET", "/healthz", nil); w.Code != 200 || !strings.Contains(w.Body.String(), "ok") {
			t.Errorf("healthz: %d %q", w.Code, w.Body)
		}
		if w := do(h, "GET", "/readyz", nil); w.Code != 200 {
			t.Errorf("readyz: %d %q", w.Code, w.Body)
		}

		// Request ids: generated, or taken from the client, and echoed.
		w := do(h, "GET", "/whoami", map[string]string{"X-Request-Id": "abc-123"})
		if w.Header().Get("X-Request-Id") != "abc-123" || w.Body.String() != "anonymous abc-123" {
			t.Errorf("request id: %q %q", w.Header().Get("X-Request-Id"), w.Body)
		}
		if id := do(h, "GET", "/whoami", nil).Header().Get("X-Request-Id"); len(id) != 16 {
			t.Errorf("generated request id %q", id)
		}

		// Security headers on every response.
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if got := w.Header().Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		if !strings.Contains(w.Header().Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("CSP = %q", w.Header().Get("Content-Security-Policy"))
		}

		// A panic is a 500 that does not show its text.
		if w := do(h, "GET", "/panic", nil); w.Code != 500 || strings.Contains(w.Body.String(), "secret") {
			t.Errorf("panic: %d %q", w.Code, w.Body)
		}

		// Authentication: a session cookie and a token both give the actor.
		pw := "middleware password"
		hash, _ := auth.HashPassword(pw)
		u := &qms.User{Email: "mw@example.com", Name: "MW", Role: qms.RoleViewer}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(u, hash) }); err != nil {
			t.Fatal(err)
		}
		secret, _, err := a.Login(ctx, u.Email, pw, "127.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		cookie := auth.CookieName + "=" + secret
		if w := do(h, "GET", "/whoami", map[string]string{"Cookie": cookie}); !strings.HasPrefix(w.Body.String(), "mw@example.com ") {
			t.Errorf("cookie auth: %q", w.Body)
		}
		// An ended session's cookie is cleared.
		w = do(h, "GET", "/whoami", map[string]string{"Cookie": auth.CookieName + "=qmss_ended"})
		if !strings.HasPrefix(w.Body.String(), "anonymous") || !strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("ended session: %q, Set-Cookie %q", w.Body, w.Header().Get("Set-Cookie"))
		}

		// Cross-origin protection: a cross-site form post with the cookie is
		// refused; same-origin passes; a Bearer request is not a browser's.
		if w := do(h, "POST", "/write", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"}); w.Code != http.StatusForbidden {
			t.Errorf("cross-site POST: %d", w.Code)
		}
		if w := do(h, "POST", "/write", map[string]string{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"}); w.Code != 200 {
			t.Errorf("same-origin POST: %d", w.Code)
		}
		if w := do(h, "POST", "/write", map[string]string{"Authorization": "Bearer x", "Sec-Fetch-Site": "cross-site"}); w.Code != 200 {
			t.Errorf("Bearer POST: %d", w.Code)
		}
	})
}

func TestReadyzWhenTheDatabaseIsGone(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	h, _ := newHandler(t, s)
	s.Close()
	if w := do(h, "GET", "/readyz", nil); w.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with a closed database: %d", w.Code)
	}
	if w := do(h, "GET", "/healthz", nil); w.Code != 200 {
		t.Errorf("healthz with a closed database: %d", w.Code)
	}
}

func TestServeShutsDownGracefully(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "finished")
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, l, mux, time.Minute, slog.New(slog.DiscardHandler)) }()
	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + l.Addr().String() + "/slow")
		if err != nil {
			body <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body <- string(b)
	}()
	<-started
	cancel() // SIGTERM: stop accepting, finish the request in flight
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.DialTimeout("tcp", l.Addr().String(), time.Second)
		if err != nil {
			break // the listener is closed
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections 10 s after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if got := <-body; got != "finished" {
		t.Errorf("request in flight got %q", got)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
