package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"qms/internal/cli"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// result is what one qms invocation did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// invoke runs the command line in-process with stdin and an empty environment
// (plus env, "NAME=value" pairs).
func invoke(t *testing.T, stdin string, args []string, env ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	code := cli.Run(context.Background(), args, &cli.Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
		Getenv: func(k string) string { return vars[k] },
	})
	return result{code, out.String(), errOut.String()}
}

// mustRun runs qms and fails the test unless it exits 0.
func mustRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := invoke(t, stdin, args)
	if r.code != 0 {
		t.Fatalf("qms %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// eachDB runs fn on a fresh database of each dialect; db is the flag that
// selects it (--data DIR or --db URL) and opts opens it directly.
func eachDB(t *testing.T, fn func(t *testing.T, db []string, opts store.Options)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			o := storetest.Options(t, d)
			db := []string{"--data", o.DataDir}
			if d == store.Postgres {
				db = []string{"--db", o.DatabaseURL}
			}
			fn(t, db, o)
		})
	}
}

// with returns args followed by the database flags.
func with(db []string, args ...string) []string { return append(args, db...) }

// openStore opens the database of a test directly (as an attacker or an
// inspector would), closed when the test ends.
func openStore(t *testing.T, o store.Options) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// emptyPostgresDB creates an empty (unmigrated) PostgreSQL database and
// returns its URL; it is dropped when the test ends.
func emptyPostgresDB(t *testing.T) string {
	t.Helper()
	base := storetest.RequirePostgres(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "qms_cli_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestHelpExplainsEveryFlag runs --help on every operator command and
// subcommand: it exits 0 and documents each flag the command takes.
func TestHelpExplainsEveryFlag(t *testing.T) {
	data := []string{"-data", "-db", "-log-level", "-log-format"}
	cases := []struct {
		args  []string
		flags []string
	}{
		{[]string{"migrate"}, data},
		{[]string{"migrate", "status"}, data},
		{[]string{"user", "create"}, append([]string{"-email", "-name", "-role", "-supplier"}, data...)},
		{[]string{"user", "list"}, append([]string{"-role", "-json"}, data...)},
		{[]string{"user", "disable"}, append([]string{"-email", "-reason"}, data...)},
		{[]string{"user", "enable"}, append([]string{"-email", "-reason"}, data...)},
		{[]string{"user", "reset-password"}, append([]string{"-email", "-reason"}, data...)},
		{[]string{"token", "create"}, append([]string{"-user", "-name", "-expires"}, data...)},
		{[]string{"token", "revoke"}, append([]string{"-id", "-reason"}, data...)},
		{[]string{"token", "list"}, append([]string{"-user", "-json"}, data...)},
		{[]string{"audit", "verify"}, append([]string{"-file"}, data...)},
		{[]string{"audit", "export"}, append([]string{"-out"}, data...)},
		{[]string{"backup"}, append([]string{"-out"}, data...)},
		{[]string{"config"}, []string{"-data", "-db", "-addr", "-demo", "-log-level", "-log-format", "-session-idle",
			"-session-max", "-secure-cookies", "-trusted-origins", "-shutdown-timeout", "-workers"}},
	}
	for _, c := range cases {
		r := invoke(t, "", append(c.args, "--help"))
		if r.code != 0 || !strings.HasPrefix(r.stdout, "Usage: qms "+strings.Join(c.args, " ")) {
			t.Errorf("qms %s --help: %v", strings.Join(c.args, " "), r)
			continue
		}
		if n := strings.Count(r.stdout, "Usage:"); n != 1 {
			t.Errorf("qms %s --help prints its usage %d times", strings.Join(c.args, " "), n)
		}
		lines := strings.Split(r.stdout, "\n")
		for _, f := range c.flags {
			found := false
			for i, l := range lines {
				fields := strings.Fields(l)
				if len(fields) > 0 && fields[0] == f && i+1 < len(lines) && len(strings.TrimSpace(lines[i+1])) > 10 {
					found = true
				}
			}
			if !found {
				t.Errorf("qms %s --help does not explain %s:\n%s", strings.Join(c.args, " "), f, r.stdout)
			}
		}
	}
	// Commands with subcommands list them.
	for cmd, subs := range map[string][]string{
		"user":  {"create", "list", "disable", "enable", "reset-password"},
		"token": {"create", "revoke", "list"},
		"audit": {"verify", "export"},
	} {
		r := invoke(t, "", []string{cmd, "--help"})
		for _, s := range subs {
			if r.code != 0 || !strings.Contains(r.stdout, "\n  "+s+" ") {
				t.Errorf("qms %s --help does not list %s: %v", cmd, s, r)
			}
		}
		if r := invoke(t, "", []string{cmd}); r.code != 2 {
			t.Errorf("qms %s without a subcommand: %v, want exit 2", cmd, r)
		}
		if r := invoke(t, "", []string{cmd, "frobnicate"}); r.code != 2 || !strings.Contains(r.stderr, "unknown subcommand") {
			t.Errorf("qms %s frobnicate: %v, want exit 2 naming the unknown subcommand", cmd, r)
		}
	}
	r := invoke(t, "", []string{"--help"})
	for _, cmd := range []string{"migrate", "user", "token", "audit", "backup", "config", "version", "serve"} {
		if !strings.Contains(r.stdout, "\n  "+cmd+" ") {
			t.Errorf("qms --help does not list %s:\n%s", cmd, r.stdout)
		}
	}
	if r := invoke(t, "", []string{"user", "list", "--bogus"}); r.code != 2 || !strings.Contains(r.stderr, "bogus") {
		t.Errorf("unknown flag: %v, want exit 2 naming it", r)
	}
}
