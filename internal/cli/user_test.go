package cli_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
)

// signIn reports whether email and password are accepted.
func signIn(t *testing.T, st *store.Store, email, pw string) bool {
	t.Helper()
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
	_, err := a.CheckPassword(context.Background(), email, pw, "192.0.2.1")
	return err == nil
}

var passwordLine = regexp.MustCompile(`(?m)^password: (\S+)$`)

func TestUserCommands(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		// Password from stdin: not printed.
		r := mustRun(t, "correct horse battery 马\n", with(db, "user", "create", "--email", "Li.Wei@Example.com", "--name", "李伟", "--role", "quality_manager")...)
		if !strings.Contains(r.stdout, "created user 1: 李伟 <li.wei@example.com>, role quality_manager") || passwordLine.MatchString(r.stdout) {
			t.Errorf("create with stdin password: %v", r)
		}
		// No stdin: a generated password, printed once.
		r = mustRun(t, "", with(db, "user", "create", "--email", "thu@example.vn", "--name", "Nguyễn Thị Thu", "--role", "supplier", "--supplier", "7")...)
		m := passwordLine.FindStringSubmatch(r.stdout)
		if m == nil || !strings.Contains(r.stderr, "shown only once") {
			t.Fatalf("create with generated password: %v", r)
		}
		generated := m[1]
		st := openStore(t, o)
		if !signIn(t, st, "li.wei@example.com", "correct horse battery 马") {
			t.Error("the password read from stdin does not sign in")
		}
		if !signIn(t, st, "thu@example.vn", generated) {
			t.Error("the generated password does not sign in")
		}

		// Bad input: usage errors (exit 2) that say what is wrong; nothing written.
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"user", "create", "--email", "x@example.com", "--name", "X"}, "--role"},
			{[]string{"user", "create", "--email", "not-an-address", "--name", "X", "--role", "viewer"}, "email"},
			{[]string{"user", "create", "--email", "x@example.com", "--name", "X", "--role", "boss"}, "role"},
			{[]string{"user", "create", "--email", "x@example.com", "--name", "X", "--role", "supplier"}, "supplier"},
			{[]string{"user", "list", "--role", "boss"}, "--role"},
		} {
			r := invoke(t, "long enough password\n", with(db, c.args...))
			if r.code != 2 || !strings.Contains(r.stderr, c.want) {
				t.Errorf("qms %s: %v; want exit 2 mentioning %q", strings.Join(c.args, " "), r, c.want)
			}
		}
		if r := invoke(t, "short\n", with(db, "user", "create", "--email", "x@example.com", "--name", "X", "--role", "viewer")); r.code != 2 || !strings.Contains(r.stderr, "12 characters") {
			t.Errorf("short password: %v", r)
		}
		if r := invoke(t, "", with(db, "user", "create", "--email", "LI.WEI@example.com", "--name", "Again", "--role", "viewer")); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
			t.Errorf("duplicate e-mail: %v, want exit 1 saying it exists", r)
		}

		// List: table, role filter, JSON.
		r = mustRun(t, "", with(db, "user", "list")...)
		if !strings.Contains(r.stdout, "li.wei@example.com") || !strings.Contains(r.stdout, "Nguyễn Thị Thu") || strings.Count(r.stdout, "\n") != 3 {
			t.Errorf("user list: %v", r)
		}
		r = mustRun(t, "", with(db, "user", "list", "--role", "supplier", "--json")...)
		var users []qms.User
		if err := json.Unmarshal([]byte(r.stdout), &users); err != nil || len(users) != 1 || users[0].Email != "thu@example.vn" ||
			users[0].SupplierID == nil || *users[0].SupplierID != 7 {
			t.Errorf("user list --role supplier --json = %+v, %v\n%v", users, err, r)
		}

		// Disable signs out and revokes tokens; enable restores sign-in.
		tok := strings.TrimSpace(mustRun(t, "", with(db, "token", "create", "--user", "thu@example.vn", "--name", "ERP")...).stdout)
		mustRun(t, "", with(db, "user", "disable", "--email", "thu@example.vn", "--reason", "left the supplier")...)
		if signIn(t, st, "thu@example.vn", generated) {
			t.Error("a disabled user can still sign in")
		}
		if _, err := st.TokenUser(context.Background(), auth.HashSecret(tok)); err == nil {
			t.Error("the token of a disabled user still works")
		}
		r = mustRun(t, "", with(db, "user", "list", "--json")...)
		if !strings.Contains(r.stdout, `"disabled": true`) {
			t.Errorf("user list after disable: %v", r)
		}
		mustRun(t, "", with(db, "user", "enable", "--email", "thu@example.vn")...)
		if !signIn(t, st, "thu@example.vn", generated) {
			t.Error("an enabled user cannot sign in")
		}
		if r := invoke(t, "", with(db, "user", "disable", "--email", "nobody@example.com")); r.code != 1 || !strings.Contains(r.stderr, "not found") {
			t.Errorf("disable unknown user: %v", r)
		}

		// Reset password: from stdin, then generated.
		r = mustRun(t, "a brand new passphrase\r\n", with(db, "user", "reset-password", "--email", "li.wei@example.com", "--reason", "forgotten")...)
		if passwordLine.MatchString(r.stdout) || !signIn(t, st, "li.wei@example.com", "a brand new passphrase") ||
			signIn(t, st, "li.wei@example.com", "correct horse battery 马") {
			t.Errorf("reset-password from stdin: %v", r)
		}
		r = mustRun(t, "", with(db, "user", "reset-password", "--email", "li.wei@example.com")...)
		m = passwordLine.FindStringSubmatch(r.stdout)
		if m == nil || !signIn(t, st, "li.wei@example.com", m[1]) {
			t.Errorf("reset-password generated: %v", r)
		}

		// Every change above is in the audit trail, attributed to the system.
		evs, _, err := st.ListAudit(context.Background(), store.AuditFilter{EntityType: "user", EntityID: "2", Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		reasons := map[string]bool{}
		for _, e := range evs {
			if e.ActorName != qms.System.Name {
				t.Errorf("event %d attributed to %q, want the system", e.Seq, e.ActorName)
			}
			reasons[e.Reason] = true
		}
		if len(evs) != 3 || !reasons["left the supplier"] {
			t.Errorf("audit events of user 2 = %+v, want create, disable (with reason), enable", evs)
		}
	})
}
