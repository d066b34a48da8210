package auth_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse 电池 staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with the configured parameters", h)
	}
	if !auth.VerifyPassword(h, "correct horse 电池 staple") {
		t.Error("the right password does not verify")
	}
	for _, bad := range []string{"correct horse 电池 stapl", "", "CORRECT HORSE 电池 STAPLE"} {
		if auth.VerifyPassword(h, bad) {
			t.Errorf("wrong password %q verifies", bad)
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=19456,t=2,p=1$", "$bcrypt$x", "$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA"} {
		if auth.VerifyPassword(bad, "x") {
			t.Errorf("malformed hash %q verifies", bad)
		}
	}
	h2, _ := auth.HashPassword("correct horse 电池 staple")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func newService(t *testing.T, s *store.Store) *auth.Service {
	t.Helper()
	return &auth.Service{Store: s, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
}

func addUser(t *testing.T, s *store.Store, email, pw string) *qms.User {
	t.Helper()
	h, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	u := &qms.User{Email: email, Name: "Lê Văn Tám", Role: qms.RoleInspector}
	if err := s.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(u, h) }); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLoginAndAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		u := addUser(t, s, "tam@example.vn", "a long enough password")

		secret, got, err := svc.Login(ctx, " TAM@example.vn", "a long enough password", "192.0.2.1", "test")
		if err != nil || got.ID != u.ID || !strings.HasPrefix(secret, auth.SessionPrefix) {
			t.Fatalf("Login = %q, %v, %v", secret, got, err)
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(svc.SessionCookie(secret))
		a, ok, err := svc.Authenticate(r)
		if err != nil || !ok || a.UserID != u.ID || a.Via != "session" {
			t.Fatalf("Authenticate(cookie) = %+v, %v, %v", a, ok, err)
		}
		if err := svc.Logout(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := svc.Authenticate(r); ok || qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("after logout: ok=%v err=%v", ok, err)
		}

		// No credentials at all is not an error.
		if _, ok, err := svc.Authenticate(httptest.NewRequest("GET", "/", nil)); ok || err != nil {
			t.Errorf("anonymous: ok=%v err=%v", ok, err)
		}
		// A malformed Authorization header is.
		r = httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Basic abc")
		if _, _, err := svc.Authenticate(r); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("Basic auth: %v", err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		addUser(t, s, "qc@example.com", "the right password")
		for i := 0; i < svc.Policy.MaxPerAccount; i++ {
			_, _, err := svc.Login(ctx, "qc@example.com", "wrong password!", "198.51.100.7", "")
			if qms.ErrorKind(err) != qms.KindUnauthenticated {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Now even the right password is refused for this account ...
		_, _, err := svc.Login(ctx, "qc@example.com", "the right password", "203.0.113.9", "")
		if qms.ErrorKind(err) != qms.KindTooMany {
			t.Fatalf("after %d failures: %v, want too many", svc.Policy.MaxPerAccount, err)
		}
		// ... and an unknown account counts too, with the same message as a wrong password.
		_, _, err = svc.Login(ctx, "nobody@example.com", "whatever password", "203.0.113.9", "")
		if qms.ErrorKind(err) != qms.KindUnauthenticated || !strings.Contains(qms.ErrorMessage(err), "not correct") {
			t.Errorf("unknown account: %v", err)
		}
		// Per address: many accounts from one address.
		svc.Policy.MaxPerAddress = 3
		for i := 0; i < 3; i++ {
			svc.Login(ctx, "x"+string(rune('a'+i))+"@example.com", "wrong password!", "192.0.2.50", "")
		}
		if _, _, err := svc.Login(ctx, "qc2@example.com", "whatever password", "192.0.2.50", ""); qms.ErrorKind(err) != qms.KindTooMany {
			t.Errorf("per-address throttle: %v", err)
		}
	})
}

func TestTokenAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		svc := newService(t, s)
		u := addUser(t, s, "api@example.com", "a long enough password")
		secret := auth.NewSecret(auth.TokenPrefix)
		tok := &store.Token{UserID: u.ID, Name: "ci", Prefix: secret[:11]}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(tok, auth.HashSecret(secret)) }); err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("GET", "/api/v1/me", nil)
		r.Header.Set("Authorization", "Bearer "+secret)
		a, ok, err := svc.Authenticate(r)
		if err != nil || !ok || a.UserID != u.ID || a.Via != "token" {
			t.Fatalf("Authenticate(token) = %+v, %v, %v", a, ok, err)
		}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeToken(tok.ID, "leaked") }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Authenticate(r); !strings.Contains(qms.ErrorMessage(err), "revoked") {
			t.Errorf("revoked token: %v", err)
		}
	})
}
