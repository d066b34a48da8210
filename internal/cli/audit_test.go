package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

// seedAudited makes audited changes through the command line and returns
// the number of audit events they wrote (5).
func seedAudited(t *testing.T, db []string) int {
	t.Helper()
	mustRun(t, "", with(db, "user", "create", "--email", "wang@example.com", "--name", "王芳 <QA & Co>", "--role", "quality_manager")...)
	mustRun(t, "", with(db, "user", "create", "--email", "minh@example.vn", "--name", "Phạm Văn Minh", "--role", "inspector")...)
	mustRun(t, "", with(db, "user", "disable", "--email", "minh@example.vn", "--reason", "contract ended; \"quoted\" & <escaped>")...)
	mustRun(t, "", with(db, "token", "create", "--user", "wang@example.com", "--name", "ERP 导入")...)
	mustRun(t, "", with(db, "user", "create", "--email", "auditor@example.com", "--name", "Audit Or", "--role", "auditor")...)
	return 5
}

// attack opens the database directly, disables the append-only triggers as
// an attacker with database access would, and runs the statements.
func attack(t *testing.T, o store.Options, stmts ...string) {
	t.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	if st.Dialect() == store.Postgres {
		stmts = append([]string{"ALTER TABLE audit_events DISABLE TRIGGER USER"}, stmts...)
	} else {
		stmts = append([]string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"}, stmts...)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// forge appends an event with a correct hash linked to the last event, as
// an attacker who knows the hashing scheme would, without updating the head.
func forge(t *testing.T, o store.Options, seq int64) {
	t.Helper()
	st := openStore(t, o)
	var prev string
	if err := st.DB().QueryRow(rebind(st, "SELECT hash FROM audit_events WHERE seq = ?"), seq-1).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	e := qms.AuditEvent{Seq: seq, Time: time.Now().UTC().Truncate(time.Microsecond), ActorName: "system",
		EntityType: "user", EntityID: "99", Action: qms.ActionCreate, After: json.RawMessage(`{"email":"backdoor@example.com","role":"admin"}`),
		PrevHash: prev}
	e.Hash = e.ComputeHash()
	attack(t, o, "SELECT 1")
	_, err := st.DB().Exec(rebind(st, `INSERT INTO audit_events
		(seq, time, actor_id, actor_name, entity_type, entity_id, action, before, after, reason, request_id, prev_hash, hash)
		VALUES (?, ?, 0, ?, ?, ?, ?, NULL, ?, '', '', ?, ?)`),
		e.Seq, e.Time, e.ActorName, e.EntityType, e.EntityID, e.Action, string(e.After), e.PrevHash, e.Hash)
	if err != nil {
		t.Fatal(err)
	}
}

func rebind(st *store.Store, q string) string {
	if st.Dialect() != store.Postgres {
		return q
	}
	for n := 1; strings.Contains(q, "?"); n++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", n), 1)
	}
	return q
}

// TestAuditTamper changes, deletes and inserts audit rows directly in each
// database, each attack on a fresh one: qms audit verify exits 1 and names
// the event.
func TestAuditTamper(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, o store.Options, n int)
		seq    int
		reason string
	}{
		{"change content", func(t *testing.T, o store.Options, n int) {
			attack(t, o, "UPDATE audit_events SET reason = 'nothing happened' WHERE seq = 3")
		}, 3, "altered"},
		{"change actor of first", func(t *testing.T, o store.Options, n int) {
			attack(t, o, "UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 1")
		}, 1, "altered"},
		{"delete in the middle", func(t *testing.T, o store.Options, n int) {
			attack(t, o, "DELETE FROM audit_events WHERE seq = 2")
		}, 2, "removed"},
		{"delete the last", func(t *testing.T, o store.Options, n int) {
			attack(t, o, fmt.Sprintf("DELETE FROM audit_events WHERE seq = %d", n))
		}, 5, "removed"},
		{"insert a forged event", func(t *testing.T, o store.Options, n int) {
			forge(t, o, int64(n+1))
		}, 6, "inserted"},
		{"replace with a rehashed copy", func(t *testing.T, o store.Options, n int) {
			// The attacker rewrites event 3 and its hash: event 3 is
			// self-consistent again, so the chain breaks at event 4,
			// whose link to event 3 no longer matches.
			st := openStore(t, o)
			var e qms.AuditEvent
			e.Seq = 3
			if err := st.DB().QueryRow(rebind(st, "SELECT prev_hash FROM audit_events WHERE seq = ?"), 3).Scan(&e.PrevHash); err != nil {
				t.Fatal(err)
			}
			evs, _, err := st.ListAudit(context.Background(), store.AuditFilter{Before: 4, Limit: 1})
			if err != nil || len(evs) != 1 {
				t.Fatal(evs, err)
			}
			e = evs[0]
			e.Reason = "rewritten"
			attack(t, o, fmt.Sprintf("UPDATE audit_events SET reason = 'rewritten', hash = '%s' WHERE seq = 3", e.ComputeHash()))
		}, 4, "before this event"},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			eachDB(t, func(t *testing.T, db []string, o store.Options) {
				n := seedAudited(t, db)
				r := mustRun(t, "", with(db, "audit", "verify")...)
				if !strings.HasPrefix(r.stdout, fmt.Sprintf("%d events verified", n)) {
					t.Fatalf("untampered chain: %v", r)
				}
				c.tamper(t, o, n)
				r = invoke(t, "", with(db, "audit", "verify"))
				want := fmt.Sprintf("broken at event %d:", c.seq)
				if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, c.reason) {
					t.Errorf("after %s: %v\nwant exit 1 with %q and %q", c.name, r, want, c.reason)
				}
				if r.stdout != "" {
					t.Errorf("a failed verify printed %q on stdout", r.stdout)
				}
			})
		})
	}
}

// TestAuditExportVerifiesOffline exports an intact chain, verifies the file
// without a database, and checks that each kind of tampering with the file
// is caught and named.
func TestAuditExportVerifiesOffline(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		n := seedAudited(t, db)
		dir := t.TempDir()
		file := filepath.Join(dir, "audit.jsonl")
		r := mustRun(t, "", with(db, "audit", "export", "--out", file)...)
		if !strings.HasPrefix(r.stdout, fmt.Sprintf("exported %d events to %s", n, file)) {
			t.Errorf("export: %v", r)
		}
		if r := invoke(t, "", with(db, "audit", "export", "--out", file)); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
			t.Errorf("export over an existing file: %v", r)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(lines) != n+1 || !strings.HasPrefix(lines[n], `{"head":{"seq":5,`) {
			t.Fatalf("export has %d lines, want %d events and a head record:\n%s", len(lines), n, b)
		}
		// The export holds each event exactly as stored, and text as is.
		st := openStore(t, o)
		stored, _, err := st.ListAudit(context.Background(), store.AuditFilter{Limit: n})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range stored {
			var got qms.AuditEvent
			if err := json.Unmarshal([]byte(lines[e.Seq-1]), &got); err != nil {
				t.Fatal(err)
			}
			if string(got.After) != string(e.After) || got.Reason != e.Reason || got.Hash != e.Hash || !got.Time.Equal(e.Time) {
				t.Errorf("exported event %d differs from the stored one:\n%s\n%+v", e.Seq, lines[e.Seq-1], e)
			}
		}
		if !strings.Contains(lines[2], `contract ended; \"quoted\" & <escaped>`) {
			t.Errorf("export escapes text: %s", lines[2])
		}
		// Offline: no database flags at all.
		r = mustRun(t, "", "audit", "verify", "--file", file)
		dbOut := mustRun(t, "", with(db, "audit", "verify")...)
		// The database check adds a line on electronic signatures.
		chainLine, _, _ := strings.Cut(dbOut.stdout, "\n")
		if !strings.Contains(dbOut.stdout, "0 electronic signatures match their audit events") {
			t.Errorf("database verify does not report the signatures: %v", dbOut)
		}
		dbOut.stdout = chainLine + "\n"
		if !strings.HasPrefix(r.stdout, fmt.Sprintf("%d events verified", n)) || r.stdout != dbOut.stdout {
			t.Errorf("offline verify: %v\ndatabase verify: %v", r, dbOut)
		}
		// Export to stdout verifies from stdin.
		piped := mustRun(t, "", with(db, "audit", "export", "--out", "-")...)
		if r := mustRun(t, piped.stdout, "audit", "verify", "--file", "-"); r.stdout != dbOut.stdout {
			t.Errorf("verify --file - of export --out -: %v", r)
		}

		event := func(i int) qms.AuditEvent {
			var e qms.AuditEvent
			if err := json.Unmarshal([]byte(lines[i-1]), &e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		forged := event(n)
		forged.Seq, forged.PrevHash, forged.After = int64(n+1), forged.Hash, json.RawMessage(`{"forged":true}`)
		forged.Hash = forged.ComputeHash()
		forgedLine, _ := json.Marshal(forged)

		join := func(ls ...string) string { return strings.Join(ls, "") }
		cases := []struct {
			name, content string
			seq           int
			reason        string
		}{
			{"changed content", join(append(append([]string{}, lines[:2]...), append([]string{strings.Replace(lines[2], "contract ended", "nothing", 1)}, lines[3:]...)...)...), 3, "altered"},
			{"deleted in the middle", join(append(append([]string{}, lines[:1]...), lines[2:]...)...), 2, "removed"},
			{"deleted the last event", join(append(append([]string{}, lines[:n-1]...), lines[n])...), n, "removed"},
			{"inserted a forged event", join(append(append([]string{}, lines[:n]...), string(forgedLine)+"\n", lines[n])...), n + 1, "inserted"},
			{"cut short (no head)", join(lines[:n]...), n + 1, "truncated"},
			{"line after the head", join(append(append([]string{}, lines...), "\n"+string(forgedLine)+"\n")...), n + 1, "after the head"},
		}
		for _, c := range cases {
			f := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".jsonl")
			if err := os.WriteFile(f, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			r := invoke(t, "", []string{"audit", "verify", "--file", f})
			want := fmt.Sprintf("broken at event %d:", c.seq)
			if r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, c.reason) {
				t.Errorf("%s: %v\nwant exit 1 with %q and %q", c.name, r, want, c.reason)
			}
		}
		bad := filepath.Join(dir, "garbage.jsonl")
		os.WriteFile(bad, []byte(lines[0]+"{not json\n"+lines[n]), 0o600)
		if r := invoke(t, "", []string{"audit", "verify", "--file", bad}); r.code != 1 || !strings.Contains(r.stderr, "line 2") {
			t.Errorf("malformed line: %v", r)
		}
		unknown := filepath.Join(dir, "unknown-field.jsonl")
		os.WriteFile(unknown, []byte(strings.Replace(lines[0], `{"seq":1,`, `{"seq":1,"note":"x",`, 1)), 0o600)
		if r := invoke(t, "", []string{"audit", "verify", "--file", unknown}); r.code != 1 || !strings.Contains(r.stderr, "line 1") {
			t.Errorf("unknown field: %v", r)
		}
	})
}

// TestAuditVerifyWhileWriting verifies the chain again and again while
// other goroutines append to it: a consistent snapshot never reports a
// break.
func TestAuditVerifyWhileWriting(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		st := openStore(t, o)
		ctx := context.Background()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					err := st.Update(ctx, func(tx *store.Tx) error {
						return tx.Audit("test", int64(w*100000+i), qms.ActionCreate, nil, map[string]int{"i": i}, "")
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}(w)
		}
		for i := 0; i < 15; i++ {
			if r := invoke(t, "", with(db, "audit", "verify")); r.code != 0 {
				t.Errorf("verify during writes: %v", r)
				break
			}
		}
		close(stop)
		wg.Wait()
		mustRun(t, "", with(db, "audit", "verify")...)
	})
}
