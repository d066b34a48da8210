package cli_test

import (
	"strings"
	"testing"

	"qms/internal/config"
)

func TestConfig(t *testing.T) {
	// value and source of each setting in the output of qms config
	parse := func(t *testing.T, out string) map[string][2]string {
		t.Helper()
		got := map[string][2]string{}
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			f := strings.Fields(l)
			if len(f) < 3 {
				t.Fatalf("line %q", l)
			}
			got[f[0]] = [2]string{strings.Join(f[2:len(f)-1], " "), f[len(f)-1]}
		}
		return got
	}
	r := mustRun(t, "", "config")
	got := parse(t, r.stdout)
	if len(got) != len(config.All()) {
		t.Errorf("qms config prints %d settings, want all %d:\n%s", len(got), len(config.All()), r.stdout)
	}
	for name, want := range map[string][2]string{
		"data":    {"./qms-data", "(default)"},
		"addr":    {"localhost:8080", "(default)"},
		"workers": {"2", "(default)"},
	} {
		if got[name] != want {
			t.Errorf("default %s = %v, want %v", name, got[name], want)
		}
	}
	if !strings.Contains(r.stdout, "QMS_DATA_DIR") || !strings.Contains(r.stdout, "QMS_SESSION_IDLE") {
		t.Errorf("qms config does not name the environment variables:\n%s", r.stdout)
	}

	// Flags beat the environment, which beats the defaults; passwords are redacted.
	r = invoke(t, "", []string{"config", "--addr", ":9090", "--workers", "8"},
		"QMS_ADDR=0.0.0.0:80", "QMS_LOG_LEVEL=debug", "QMS_DATABASE_URL=postgres://qms:hunter2@db.example.com:5432/qms")
	if r.code != 0 || strings.Contains(r.stdout, "hunter2") {
		t.Fatalf("qms config with flags and environment: %v", r)
	}
	got = parse(t, r.stdout)
	for name, want := range map[string][2]string{
		"addr":      {":9090", "(flag)"},
		"workers":   {"8", "(flag)"},
		"log-level": {"debug", "(env)"},
		"db":        {"postgres://qms:REDACTED@db.example.com:5432/qms", "(env)"},
		"data":      {"./qms-data", "(default)"},
	} {
		if got[name] != want {
			t.Errorf("%s = %v, want %v", name, got[name], want)
		}
	}
	r = invoke(t, "", []string{"config", "--db", "postgres://qms:hunter2@db/qms"})
	if r.code != 0 || strings.Contains(r.stdout, "hunter2") || !strings.Contains(r.stdout, "REDACTED") {
		t.Errorf("--db password not redacted: %v", r)
	}

	// A bad value exits 2 naming the setting, and never echoes a password.
	for _, c := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"config", "--workers", "0"}, nil, "--workers"},
		{[]string{"config"}, []string{"QMS_WORKERS=many"}, "QMS_WORKERS"},
		{[]string{"config", "--addr", "nonsense"}, nil, "--addr"},
		{[]string{"config", "--session-idle", "3h", "--session-max", "1h"}, nil, "--session-idle"},
		{[]string{"config"}, []string{"QMS_DATABASE_URL=mysql://root:hunter2@x/db"}, "QMS_DATABASE_URL"},
		{[]string{"config", "--log-level", "loud"}, nil, "--log-level"},
	} {
		r := invoke(t, "", c.args, c.env...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "hunter2") {
			t.Errorf("qms %v %v: %v; want exit 2 naming %s", c.env, c.args, r, c.want)
		}
	}
	// Data commands reject bad settings the same way.
	if r := invoke(t, "", []string{"user", "list"}, "QMS_LOG_FORMAT=xml"); r.code != 2 || !strings.Contains(r.stderr, "QMS_LOG_FORMAT") {
		t.Errorf("user list with a bad QMS_LOG_FORMAT: %v", r)
	}
}
