package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestBackupAndRestore backs up while another connection keeps writing (as
// a running server would), restores the copy into a new data directory, and
// checks that the audit chain verifies and the data is there. On PostgreSQL
// qms backup refuses and prints pg_dump and pg_restore commands; the test
// runs exactly those and verifies the restored database the same way.
func TestBackupAndRestore(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		ctx := qms.WithActor(context.Background(), qms.System)
		seedAudited(t, db)
		out := filepath.Join(t.TempDir(), "qms-backup.db")

		// The "server": audited writes on its own connection until the copy
		// is taken; the backup starts once some are done.
		st := openStore(t, o)
		stop, started, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		written := 0
		go func() {
			defer close(done)
			for ; ; written++ {
				select {
				case <-stop:
					return
				default:
				}
				if written == 20 {
					close(started)
				}
				err := st.Update(ctx, func(tx *store.Tx) error {
					return tx.Audit("note", int64(written), qms.ActionCreate, nil, map[string]any{"n": written, "text": "苏州 <工厂>"}, "")
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		select {
		case <-started:
		case <-done:
			t.Fatal("the writer stopped before the backup started")
		}
		var restored []string
		r := invoke(t, "", with(db, "backup", "--out", out))
		if o.DatabaseURL != "" {
			want := fmt.Sprintf("pg_dump --format=custom --file=%s '%s'", out, o.DatabaseURL)
			if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "pg_restore") {
				t.Fatalf("backup on PostgreSQL: %v\nwant exit 1 and %q", r, want)
			}
			runPG(t, "pg_dump", "--format=custom", "--file="+out, o.DatabaseURL)
		} else if r.code != 0 || !strings.Contains(r.stdout, "backed up") {
			t.Fatalf("backup: %v", r)
		}
		close(stop)
		<-done

		ro := store.Options{}
		if o.DatabaseURL != "" {
			ro.DatabaseURL = emptyPostgresDB(t)
			runPG(t, "pg_restore", "--no-owner", "--exit-on-error", "--dbname="+ro.DatabaseURL, out)
			restored = []string{"--db", ro.DatabaseURL}
		} else {
			ro.DataDir = t.TempDir()
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(ro.DataDir, store.DBFile), b, 0o600); err != nil {
				t.Fatal(err)
			}
			restored = []string{"--data", ro.DataDir}
			if r := invoke(t, "", with(db, "backup", "--out", out)); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
				t.Errorf("backup over an existing file: %v", r)
			}
		}

		r = mustRun(t, "", with(restored, "audit", "verify")...)
		if !strings.Contains(r.stdout, "events verified") {
			t.Errorf("audit verify of the restored copy: %v", r)
		}
		r = mustRun(t, "", with(restored, "user", "list", "--json")...)
		var users []qms.User
		if err := json.Unmarshal([]byte(r.stdout), &users); err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, u := range users {
			have[u.Email] = true
		}
		for _, e := range []string{"wang@example.com", "minh@example.vn", "auditor@example.com"} {
			if !have[e] {
				t.Errorf("restored copy lacks %s, written before the backup", e)
			}
		}
		if len(users) != 3 {
			t.Errorf("restored copy has %d users, want 3", len(users))
		}
		// The copy is a snapshot: it holds the first n concurrent writes.
		rs := openStore(t, ro)
		var notes []qms.AuditEvent
		for before := int64(0); ; {
			page, next, err := rs.ListAudit(ctx, store.AuditFilter{EntityType: "note", Limit: store.MaxPageSize, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			notes = append(notes, page...)
			if next == 0 {
				break
			}
			before = next
		}
		n := len(notes)
		for i, e := range notes { // newest first
			if e.EntityID != strconv.Itoa(n-1-i) {
				t.Fatalf("restored notes are not a prefix of the writes: %d of %d is note %s", i, n, e.EntityID)
			}
		}
		if n < 20 || n > written {
			t.Errorf("restored copy holds %d of %d concurrent writes, want at least the 20 before the backup started", n, written)
		}
		t.Logf("%d concurrent writes, %d of them in the backup", written, n)
	})
}

func TestBackupUsage(t *testing.T) {
	if r := invoke(t, "", []string{"backup", "--data", t.TempDir()}); r.code != 2 || !strings.Contains(r.stderr, "--out") {
		t.Errorf("backup without --out: %v", r)
	}
	missing := filepath.Join(t.TempDir(), "typo")
	if r := invoke(t, "", []string{"backup", "--data", missing, "--out", filepath.Join(t.TempDir(), "b.db")}); r.code != 1 || !strings.Contains(r.stderr, "no qms database") {
		t.Errorf("backup of a missing data directory: %v", r)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("backup created the data directory it was pointed at by mistake")
	}
	r := invoke(t, "", []string{"backup", "--out", "x.dump"}, "QMS_DATABASE_URL=postgres://qms:s3cret@db.example.com/qms")
	if r.code != 1 || strings.Contains(r.stderr, "s3cret") || !strings.Contains(r.stderr, "pg_dump --format=custom --file=x.dump 'postgres://qms:REDACTED@db.example.com/qms'") {
		t.Errorf("backup on PostgreSQL with a password in the URL: %v", r)
	}
}

// runPG runs a PostgreSQL client program, preferring the version of the
// test cluster.
func runPG(t *testing.T, name string, args ...string) {
	t.Helper()
	bin := filepath.Join(storetest.PGBin, name)
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath(name); err != nil {
			msg := name + " is not installed: apt-get install postgresql-client-15"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
