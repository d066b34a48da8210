package account_test

import (
	"context"
	"log/slog"
	"testing"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestPasswords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a := &auth.Service{Store: s, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
		svc := &account.Service{Store: s, Auth: a}
		admin := qms.WithActor(context.Background(), qms.System)
		u, _, err := svc.CreateUser(admin, account.NewUser{Email: "li@example.cn", Name: "李娜", Role: qms.RoleInspector, Password: "first password 1"})
		if err != nil {
			t.Fatal(err)
		}
		self := qms.WithActor(context.Background(), qms.ActorOf(u, "session"))

		// Users do not reset their own password without the current one.
		if _, err := svc.ResetPassword(self, u.ID, "second password 2", ""); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("self reset: %v, want forbidden", err)
		}
		err = svc.ChangeOwnPassword(self, "wrong password", "second password 2", "192.0.2.1")
		if qms.ErrorFields(err)["current_password"] == "" {
			t.Errorf("wrong current password: %v", err)
		}
		if err := svc.ChangeOwnPassword(self, "first password 1", "short", "192.0.2.1"); qms.ErrorFields(err)["new_password"] == "" {
			t.Errorf("short new password: %v", err)
		}
		if err := svc.ChangeOwnPassword(self, "first password 1", "second password 2", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Login(context.Background(), "li@example.cn", "second password 2", "192.0.2.1", ""); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		// Wrong current passwords are throttled like sign-ins.
		for i := 0; i < a.Policy.MaxPerAccount; i++ {
			svc.ChangeOwnPassword(self, "wrong password", "third password 3", "192.0.2.1")
		}
		if err := svc.ChangeOwnPassword(self, "second password 2", "third password 3", "192.0.2.1"); qms.ErrorKind(err) != qms.KindTooMany {
			t.Errorf("after repeated wrong passwords: %v, want too many", err)
		}
		// An admin resets it; the generated password works.
		pw, err := svc.ResetPassword(admin, u.ID, "", "forgotten")
		if err != nil || len(pw) < qms.MinPassword {
			t.Fatalf("admin reset: %q %v", pw, err)
		}
		if _, err := s.VerifyAudit(context.Background()); err != nil {
			t.Error(err)
		}
	})
}

func TestOperationsCheckPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc := &account.Service{Store: s}
		viewer := qms.WithActor(context.Background(), qms.Actor{UserID: 42, Role: qms.RoleViewer})
		anonymous := context.Background()
		for name, ctx := range map[string]context.Context{"viewer": viewer, "anonymous": anonymous} {
			if _, _, err := svc.CreateUser(ctx, account.NewUser{Email: "x@example.com", Name: "x", Role: qms.RoleAdmin}); qms.ErrorKind(err) != qms.KindForbidden {
				t.Errorf("%s CreateUser: %v", name, err)
			}
			if _, _, err := svc.ListUsers(ctx, store.UserFilter{}); qms.ErrorKind(err) != qms.KindForbidden {
				t.Errorf("%s ListUsers: %v", name, err)
			}
			if _, _, err := svc.ListAudit(ctx, store.AuditFilter{}); qms.ErrorKind(err) != qms.KindForbidden {
				t.Errorf("%s ListAudit: %v", name, err)
			}
		}
		if n, _ := s.CountUsers(context.Background()); n != 0 {
			t.Errorf("refused operations wrote %d users", n)
		}
	})
}
