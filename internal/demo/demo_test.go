package demo_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"qms/internal/auth"
	"qms/internal/demo"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var out bytes.Buffer
		if err := demo.Load(ctx, s, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), demo.Password) {
			t.Errorf("Load did not say how to sign in: %q", out.String())
		}
		n, err := s.CountUsers(ctx)
		if err != nil || n != len(demo.Users) {
			t.Fatalf("users = %d, %v; want %d", n, err, len(demo.Users))
		}
		// Every demo user can sign in with the documented password.
		svc := &auth.Service{Store: s, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
		for _, u := range demo.Users {
			if _, got, err := svc.Login(ctx, u.Email, demo.Password, "127.0.0.1", ""); err != nil || got.Name != u.Name {
				t.Errorf("sign in as %s: %v", u.Email, err)
			}
		}
		// Loading again changes nothing.
		if err := demo.Load(ctx, s, &out); err != nil {
			t.Fatal(err)
		}
		if n2, _ := s.CountUsers(ctx); n2 != n {
			t.Errorf("second Load: %d users, want %d", n2, n)
		}
		if _, err := s.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}
	})
}
