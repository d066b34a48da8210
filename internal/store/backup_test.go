package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestBackupWhileWriting copies the SQLite database while another goroutine
// keeps writing audited changes, then opens the copy as a data directory of
// its own: its audit chain verifies and holds a prefix of the writes. On
// PostgreSQL Backup refuses and points to pg_dump.
func TestBackupWhileWriting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		out := filepath.Join(t.TempDir(), "backup.db")
		if s.Dialect() == store.Postgres {
			if err := s.Backup(ctx, out); !errors.Is(err, store.ErrBackupPostgres) {
				t.Fatalf("Backup on PostgreSQL = %v, want ErrBackupPostgres", err)
			}
			return
		}
		write := func(i int) error {
			return s.Update(ctx, func(tx *store.Tx) error {
				return tx.Audit("test", int64(i), qms.ActionCreate, nil, map[string]any{"i": i, "名": "苏州精密"}, "")
			})
		}
		for i := 1; i <= 20; i++ {
			if err := write(i); err != nil {
				t.Fatal(err)
			}
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var writeErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 21; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := write(i); err != nil {
					writeErr = err
					return
				}
			}
		}()
		err := s.Backup(ctx, out)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if writeErr != nil {
			t.Fatalf("write during backup: %v", writeErr)
		}
		if err := s.Backup(ctx, out); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("second Backup to the same file = %v, want a refusal", err)
		}
		leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*partial*"))
		if len(leftovers) > 0 {
			t.Errorf("temporary files left behind: %v", leftovers)
		}

		restored := t.TempDir()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(restored, store.DBFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := store.Open(ctx, store.Options{DataDir: restored})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		n, err := r.VerifyAudit(ctx)
		if err != nil {
			t.Fatalf("restored audit chain: %v", err)
		}
		if n < 20 {
			t.Fatalf("restored copy has %d events, want at least the 20 written before the backup", n)
		}
		evs, _, err := r.ListAudit(ctx, store.AuditFilter{EntityType: "test", EntityID: "7"})
		if err != nil || len(evs) != 1 || !strings.Contains(string(evs[0].After), "苏州精密") {
			t.Fatalf("restored event 7 = %v, %v", evs, err)
		}
	})
}
