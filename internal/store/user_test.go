package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func createUser(t *testing.T, s *store.Store, email, name string, role qms.Role) *qms.User {
	t.Helper()
	u := &qms.User{Email: email, Name: name, Role: role}
	if role == qms.RoleSupplier {
		id := int64(1)
		u.SupplierID = &id
	}
	if err := s.Update(context.Background(), func(tx *store.Tx) error { return tx.CreateUser(u, "hash") }); err != nil {
		t.Fatal(err)
	}
	return u
}

func auditCount(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := qms.WithActor(context.Background(), qms.Actor{UserID: 99, Name: "admin"})
		u := createUser(t, s, "Zhang.Wei@Example.com", "张伟 '; DROP TABLE users; --", qms.RoleInspector)
		if u.ID == 0 || u.Email != "zhang.wei@example.com" || u.Version != 1 {
			t.Fatalf("created %+v", u)
		}
		var got *qms.User
		var hash string
		if err := s.View(ctx, func(tx *store.Tx) error {
			var err error
			got, hash, err = tx.UserByEmail("ZHANG.WEI@example.com ")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got.Name != "张伟 '; DROP TABLE users; --" || hash != "hash" || got.CreatedAt.Location() != time.UTC {
			t.Errorf("round trip: %+v %q", got, hash)
		}

		// A duplicate e-mail is a conflict and writes nothing.
		before := auditCount(t, s)
		err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateUser(&qms.User{Email: "zhang.wei@example.com", Name: "x", Role: qms.RoleViewer}, "h")
		})
		if qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("duplicate e-mail: %v", err)
		}
		if auditCount(t, s) != before {
			t.Error("a refused create wrote an audit event")
		}

		// Optimistic concurrency: the second writer with the old version loses.
		a := &qms.User{ID: u.ID, Email: u.Email, Name: "Trần Văn Hùng", Role: qms.RoleQualityManager}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateUser(a, 1, "promotion") }); err != nil {
			t.Fatal(err)
		}
		b := &qms.User{ID: u.ID, Email: u.Email, Name: "stale", Role: qms.RoleViewer}
		err = s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateUser(b, 1, "") })
		if qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("stale update: %v", err)
		}
		if a.Version != 2 || a.Name != "Trần Văn Hùng" {
			t.Errorf("after update: %+v", a)
		}
		evs, _, err := s.ListAudit(ctx, store.AuditFilter{EntityType: "user", EntityID: "1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Action != qms.ActionUpdate || evs[0].Reason != "promotion" ||
			!strings.Contains(string(evs[0].Before), "张伟") || !strings.Contains(string(evs[0].After), "Trần Văn Hùng") ||
			evs[0].ActorID != 99 {
			t.Errorf("audit of update: %+v", evs)
		}

		// Listing with a filter, LIKE meta-characters taken literally.
		createUser(t, s, "percent@example.com", "100% sure", qms.RoleViewer)
		createUser(t, s, "other@example.com", "Other", qms.RoleViewer)
		// Case-insensitive search beyond ASCII, the same on both databases.
		createUser(t, s, "dang@example.com", "ĐẶNG Thị Ørsted", qms.RoleViewer)
		if list, _, err := s.ListUsers(ctx, store.UserFilter{Query: "đặng thị ø"}); err != nil || len(list) != 1 {
			t.Errorf("ListUsers(đặng thị ø) = %v, %v; want the user named ĐẶNG Thị Ørsted", list, err)
		}
		list, _, err := s.ListUsers(ctx, store.UserFilter{Query: "%"})
		if err != nil || len(list) != 1 || list[0].Email != "percent@example.com" {
			t.Errorf("ListUsers(%%) = %v, %v", list, err)
		}
		page, next, err := s.ListUsers(ctx, store.UserFilter{Limit: 2})
		if err != nil || len(page) != 2 || next == 0 {
			t.Fatalf("page 1: %v %d %v", page, next, err)
		}
		page2, next2, err := s.ListUsers(ctx, store.UserFilter{Limit: 2, After: next})
		if err != nil || len(page2) != 2 || next2 != 0 {
			t.Fatalf("page 2: %v %d %v", page2, next2, err)
		}
		if n, err := s.VerifyAudit(ctx); err != nil || n != 5 {
			t.Errorf("VerifyAudit = %d, %v", n, err)
		}
	})
}

func TestSessionsAndTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := createUser(t, s, "qm@example.com", "QM", qms.RoleQualityManager)
		if err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateSession(u.ID, "sess-hash", tx.Now.Add(time.Hour), "127.0.0.1", "test")
		}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.SessionUser(ctx, "sess-hash", time.Hour)
		if err != nil || got.ID != u.ID {
			t.Fatalf("SessionUser = %v, %v", got, err)
		}
		if _, _, err := s.SessionUser(ctx, "nope", time.Hour); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("unknown session: %v", err)
		}

		tok := &store.Token{UserID: u.ID, Name: "ERP 导入", Prefix: "qmst_abc"}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(tok, "tok-hash") }); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenUser(ctx, "tok-hash"); err != nil || got.ID != u.ID {
			t.Fatalf("TokenUser = %v, %v", got, err)
		}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(&store.Token{UserID: u.ID}, "h2") }); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("token without name: %v", err)
		}

		// Disabling the user ends the session and revokes the token.
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SetUserDisabled(u.ID, true, "left the company") }); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionUser(ctx, "sess-hash", time.Hour); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("session of a disabled user: %v", err)
		}
		if _, err := s.TokenUser(ctx, "tok-hash"); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("token of a disabled user: %v", err)
		}
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.RevokeToken(tok.ID, "") }); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("revoking a revoked token: %v", err)
		}
	})
}

func TestSessionTimeouts(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
			o := storetest.Options(t, d)
			o.Now = func() time.Time { return now }
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			u := createUser(t, s, "i@example.com", "I", qms.RoleInspector)
			if err := s.Update(ctx, func(tx *store.Tx) error {
				return tx.CreateSession(u.ID, "h", tx.Now.Add(3*time.Hour), "", "")
			}); err != nil {
				t.Fatal(err)
			}
			for _, step := range []struct {
				advance time.Duration
				live    bool
			}{
				{50 * time.Minute, true},  // within idle
				{50 * time.Minute, true},  // idle window was extended by the last use
				{61 * time.Minute, false}, // idle too long
			} {
				now = now.Add(step.advance)
				_, _, err := s.SessionUser(ctx, "h", time.Hour)
				if (err == nil) != step.live {
					t.Fatalf("after %v: err = %v, want live=%v", step.advance, err, step.live)
				}
			}
			// The absolute limit ends a session that is used all the time.
			now = time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
			if err := s.Update(ctx, func(tx *store.Tx) error {
				return tx.CreateSession(u.ID, "h2", tx.Now.Add(90*time.Minute), "", "")
			}); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ {
				now = now.Add(40 * time.Minute)
				_, _, err := s.SessionUser(ctx, "h2", time.Hour)
				if live := i < 2; (err == nil) != live {
					t.Fatalf("use %d: err = %v, want live=%v", i, err, live)
				}
			}
		})
	}
}

func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		since := s.Now().Add(-time.Minute)
		for i := 0; i < 3; i++ {
			if err := s.RecordLoginFailure(ctx, "A@example.com", "10.0.0.1"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordLoginFailure(ctx, "b@example.com", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordLoginFailure(ctx, "bad \xff utf8", "10.0.0.2"); err != nil {
			t.Fatal(err)
		}
		byEmail, byAddr, err := s.LoginFailures(ctx, "a@example.com", "10.0.0.1", since)
		if err != nil || byEmail != 3 || byAddr != 4 {
			t.Errorf("LoginFailures = %d, %d, %v; want 3, 4", byEmail, byAddr, err)
		}
		if err := s.ClearLoginFailures(ctx, "a@example.com"); err != nil {
			t.Fatal(err)
		}
		byEmail, _, _ = s.LoginFailures(ctx, "a@example.com", "10.0.0.1", since)
		if byEmail != 0 {
			t.Errorf("after clear: %d", byEmail)
		}
	})
}
