package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.Migrate(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		ms, err := s.MigrationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Fatal("no migrations")
		}
		for _, m := range ms {
			if m.AppliedAt == nil {
				t.Errorf("migration %s not applied", m.Name)
			}
		}
	})
}

func TestAuditChainConcurrentWriters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := qms.WithActor(context.Background(), qms.Actor{UserID: 7, Name: "张伟 Trần Thị"})
		var wg sync.WaitGroup
		const writers, each = 8, 25
		errs := make(chan error, writers*each)
		for w := 0; w < writers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < each; i++ {
					errs <- s.Update(ctx, func(tx *store.Tx) error {
						return tx.Audit("test", int64(w*1000+i), qms.ActionCreate, nil, map[string]any{"w": w, "i": i, "name": "工厂"}, "")
					})
				}
			}(w)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != writers*each {
			t.Fatalf("verified %d events, want %d", n, writers*each)
		}
		evs, _, err := s.ListAudit(ctx, store.AuditFilter{EntityType: "test", EntityID: "1003"})
		if err != nil || len(evs) != 1 {
			t.Fatalf("ListAudit = %v, %v", evs, err)
		}
		if evs[0].ActorName != "张伟 Trần Thị" || !strings.Contains(string(evs[0].After), "工厂") {
			t.Errorf("event did not round-trip: %+v", evs[0])
		}
	})
}

func TestAuditEventsAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.Audit("test", 1, qms.ActionCreate, nil, map[string]int{"a": 1}, "")
		}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"UPDATE audit_events SET reason = 'x'", "DELETE FROM audit_events"} {
			err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(q); return err })
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: err = %v, want the append-only trigger to refuse", q, err)
			}
		}
	})
}
