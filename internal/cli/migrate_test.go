package cli_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMigrateCommands(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			var db []string
			if d == store.Postgres {
				db = []string{"--db", emptyPostgresDB(t)}
			} else {
				dir := filepath.Join(t.TempDir(), "data")
				db = []string{"--data", dir}
				// status never creates a database where there is none.
				if r := invoke(t, "", with(db, "migrate", "status")); r.code != 1 || !strings.Contains(r.stderr, "no qms database") {
					t.Fatalf("migrate status without a database: %v", r)
				}
			}
			if d == store.Postgres {
				r := mustRun(t, "", with(db, "migrate", "status")...)
				if !regexp.MustCompile(`(?m)^0001 +0001_foundation +pending$`).MatchString(r.stdout) || !strings.Contains(r.stdout, "0 applied, ") {
					t.Fatalf("migrate status of an empty database: %v", r)
				}
			}
			r := mustRun(t, "", with(db, "migrate")...)
			if !regexp.MustCompile(`^applied [1-9][0-9]* migration\(s\); the database is now at \d{4}_\w+\n$`).MatchString(r.stdout) {
				t.Errorf("migrate: %v", r)
			}
			r = mustRun(t, "", with(db, "migrate", "up")...)
			if !strings.HasPrefix(r.stdout, "no pending migrations") {
				t.Errorf("migrate up again: %v", r)
			}
			r = mustRun(t, "", with(db, "migrate", "status")...)
			if !regexp.MustCompile(`(?m)^0001 +0001_foundation +applied \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(r.stdout) ||
				!strings.HasSuffix(r.stdout, " applied, 0 pending\n") || strings.Contains(r.stdout, "pending\n0") {
				t.Errorf("migrate status: %v", r)
			}
			if r := invoke(t, "", with(db, "migrate", "sideways")); r.code != 2 {
				t.Errorf("migrate sideways: %v, want exit 2", r)
			}
		})
	}
}
