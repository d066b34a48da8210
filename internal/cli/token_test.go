package cli_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/auth"
	"qms/internal/store"
)

func TestTokenCommands(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		ctx := context.Background()
		mustRun(t, "", with(db, "user", "create", "--email", "erp@example.com", "--name", "ERP 接口", "--role", "inspector")...)
		st := openStore(t, o)

		// Only the token on stdout, so TOKEN=$(qms token create ...) works.
		before := time.Now()
		r := mustRun(t, "", with(db, "token", "create", "--user", "erp@example.com", "--name", "ERP import", "--expires", "90d")...)
		tok := strings.TrimSuffix(r.stdout, "\n")
		if !strings.HasPrefix(tok, auth.TokenPrefix) || strings.ContainsAny(tok, " \n") || !strings.Contains(r.stderr, "shown only this once") {
			t.Fatalf("token create: %v", r)
		}
		u, err := st.TokenUser(ctx, auth.HashSecret(tok))
		if err != nil || u.Email != "erp@example.com" {
			t.Fatalf("the new token authenticates as %v, %v", u, err)
		}
		dated := strings.TrimSpace(mustRun(t, "", with(db, "token", "create", "--user", "erp@example.com", "--name", "dated", "--expires", "2031-03-04")...).stdout)
		mustRun(t, "", with(db, "token", "create", "--user", "erp@example.com", "--name", "forever")...)

		r = mustRun(t, "", with(db, "token", "list", "--user", "erp@example.com", "--json")...)
		var tokens []store.Token
		if err := json.Unmarshal([]byte(r.stdout), &tokens); err != nil || len(tokens) != 3 {
			t.Fatalf("token list --json: %v, %v", err, r)
		}
		byName := map[string]store.Token{}
		for _, tk := range tokens {
			byName[tk.Name] = tk
		}
		if e := byName["ERP import"].ExpiresAt; e == nil || e.Before(before.AddDate(0, 0, 90).Add(-time.Second)) || e.After(time.Now().AddDate(0, 0, 90)) {
			t.Errorf("--expires 90d gave %v", e)
		}
		if e := byName["dated"].ExpiresAt; e == nil || !e.Equal(time.Date(2031, 3, 4, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("--expires 2031-03-04 gave %v", e)
		}
		if byName["forever"].ExpiresAt != nil {
			t.Errorf("no --expires gave %v", byName["forever"].ExpiresAt)
		}
		if strings.Contains(r.stdout, tok) || strings.Contains(r.stdout, dated) {
			t.Error("token list shows a secret")
		}

		// Revoke: the token stops working and the list says so.
		id := byName["ERP import"].ID
		mustRun(t, "", with(db, "token", "revoke", "--id", strconv.FormatInt(id, 10), "--reason", "rotated")...)
		if _, err := st.TokenUser(ctx, auth.HashSecret(tok)); err == nil {
			t.Error("a revoked token still authenticates")
		}
		r = mustRun(t, "", with(db, "token", "list")...)
		if strings.Count(r.stdout, "erp@example.com") != 3 || strings.Count(r.stdout, "revoked") != 1 || strings.Count(r.stdout, "active") != 2 {
			t.Errorf("token list: %v", r)
		}
		if r := invoke(t, "", with(db, "token", "revoke", "--id", strconv.FormatInt(id, 10))); r.code != 1 || !strings.Contains(r.stderr, "already revoked") {
			t.Errorf("second revoke: %v", r)
		}

		// Bad input.
		for _, c := range []struct {
			args []string
			code int
			want string
		}{
			{[]string{"token", "create", "--user", "erp@example.com"}, 2, "--name"},
			{[]string{"token", "create", "--user", "erp@example.com", "--name", "x", "--expires", "soon"}, 2, "--expires"},
			{[]string{"token", "create", "--user", "erp@example.com", "--name", "x", "--expires", "0d"}, 2, "--expires"},
			{[]string{"token", "create", "--user", "erp@example.com", "--name", "x", "--expires", "2001-01-01"}, 2, "future"},
			{[]string{"token", "create", "--user", "nobody@example.com", "--name", "x"}, 1, "not found"},
			{[]string{"token", "revoke"}, 2, "--id"},
			{[]string{"token", "revoke", "--id", "999"}, 1, "not found"},
		} {
			r := invoke(t, "", with(db, c.args...))
			if r.code != c.code || !strings.Contains(r.stderr, c.want) {
				t.Errorf("qms %s: %v; want exit %d mentioning %q", strings.Join(c.args, " "), r, c.code, c.want)
			}
		}
	})
}
