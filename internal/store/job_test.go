package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// jobClock is a clock the test moves by hand.
type jobClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *jobClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *jobClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// eachJobStore runs fn on a fresh store of each dialect whose clock fn moves.
func eachJobStore(t *testing.T, fn func(t *testing.T, s *store.Store, clk *jobClock)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := &jobClock{now: time.Date(2026, 11, 27, 22, 0, 0, 0, time.UTC)}
			o := storetest.Options(t, d)
			o.Now = clk.Now
			s, err := store.Open(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s, clk)
		})
	}
}

func enqueue(t *testing.T, s *store.Store, j store.JobSpec) int64 {
	t.Helper()
	id, created, err := s.Enqueue(context.Background(), j)
	if err != nil || !created || id == 0 {
		t.Fatalf("Enqueue(%+v) = %d, %v, %v", j, id, created, err)
	}
	return id
}

func mustJob(t *testing.T, s *store.Store, id int64) *store.Job {
	t.Helper()
	j, err := s.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJobEnqueueClaimComplete(t *testing.T) {
	eachJobStore(t, func(t *testing.T, s *store.Store, clk *jobClock) {
		ctx := context.Background()
		now := clk.Now()
		payload := map[string]string{"supplier": "深圳市华强电子有限公司 / Công ty TNHH Việt Hưng"}
		a := enqueue(t, s, store.JobSpec{Kind: "report", Payload: payload})
		b := enqueue(t, s, store.JobSpec{Kind: "mail"})
		later := enqueue(t, s, store.JobSpec{Kind: "mail", RunAfter: now.Add(time.Hour)})

		got, err := s.ClaimJobs(ctx, "w1", 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != a || got[1].ID != b {
			t.Fatalf("claimed %+v; want jobs %d and %d, not the later %d", got, a, b, later)
		}
		j := got[0]
		if j.Status != store.JobRunning || j.Attempts != 1 || j.LockedBy != "w1" ||
			j.LockedUntil == nil || !j.LockedUntil.Equal(now.Add(time.Minute)) || j.MaxAttempts != store.DefaultMaxAttempts {
			t.Errorf("claimed job = %+v", j)
		}
		var p map[string]string
		if err := json.Unmarshal(j.Payload, &p); err != nil || p["supplier"] != payload["supplier"] {
			t.Errorf("payload = %s (%v); want %v", j.Payload, err, payload)
		}
		if string(got[1].Payload) != "{}" {
			t.Errorf("nil payload stored as %s; want {}", got[1].Payload)
		}
		if more, err := s.ClaimJobs(ctx, "w2", 10, time.Minute); err != nil || len(more) != 0 {
			t.Fatalf("second claim = %+v, %v; want nothing (leased or not yet due)", more, err)
		}

		clk.Add(time.Second)
		if err := s.CompleteJob(ctx, "w1", a); err != nil {
			t.Fatal(err)
		}
		done := mustJob(t, s, a)
		if done.Status != store.JobDone || done.FinishedAt == nil || !done.FinishedAt.Equal(clk.Now()) || done.LockedBy != "" || done.LockedUntil != nil {
			t.Errorf("completed job = %+v", done)
		}
		if err := s.CompleteJob(ctx, "w1", a); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("completing twice: %v; want conflict", err)
		}
		if err := s.CompleteJob(ctx, "w1", b); err != nil {
			t.Fatal(err)
		}

		clk.Add(time.Hour)
		got, err = s.ClaimJobs(ctx, "w2", 10, time.Minute)
		if err != nil || len(got) != 1 || got[0].ID != later {
			t.Fatalf("claim after an hour = %+v, %v; want job %d", got, err, later)
		}

		for _, c := range []struct {
			f    store.JobFilter
			want int
		}{
			{store.JobFilter{}, 3},
			{store.JobFilter{Kind: "mail"}, 2},
			{store.JobFilter{Status: store.JobRunning}, 1},
			{store.JobFilter{Status: store.JobDone}, 2},
			{store.JobFilter{Kind: "report", Status: store.JobDone}, 1},
			{store.JobFilter{Kind: "x' OR '1'='1"}, 0},
		} {
			n, err := s.CountJobs(ctx, c.f)
			if err != nil || n != c.want {
				t.Errorf("CountJobs(%+v) = %d, %v; want %d", c.f, n, err, c.want)
			}
			l, err := s.ListJobs(ctx, c.f)
			if err != nil || len(l) != c.want {
				t.Errorf("ListJobs(%+v) = %d jobs, %v; want %d", c.f, len(l), err, c.want)
			}
		}
		if l, _ := s.ListJobs(ctx, store.JobFilter{Limit: 1}); len(l) != 1 || l[0].ID != later {
			t.Errorf("ListJobs(limit 1) = %+v; want the newest, %d", l, later)
		}
		if _, err := s.Job(ctx, 999999); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("Job(unknown) = %v; want not found", err)
		}
		if _, _, err := s.Enqueue(ctx, store.JobSpec{Kind: " "}); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("Enqueue without kind = %v; want invalid", err)
		}

		clk.Add(31 * 24 * time.Hour)
		if n, err := s.DeleteFinishedJobs(ctx, clk.Now().Add(-30*24*time.Hour)); err != nil || n != 2 {
			t.Errorf("DeleteFinishedJobs = %d, %v; want the two done jobs", n, err)
		}
	})
}

func TestJobEnqueueUnique(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		spec := store.JobSpec{Kind: "cleanup", UniqueKey: "cleanup@2026-11-27T22:00:00Z"}
		id := enqueue(t, s, spec)
		if _, err := s.ClaimJobs(ctx, "w", 1, time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteJob(ctx, "w", id); err != nil {
			t.Fatal(err)
		}
		again, created, err := s.Enqueue(ctx, spec)
		if err != nil || created || again != 0 {
			t.Errorf("second Enqueue of the key = %d, %v, %v; want 0, false, nil", again, created, err)
		}
		enqueue(t, s, store.JobSpec{Kind: "cleanup"}) // no key: never a conflict
		enqueue(t, s, store.JobSpec{Kind: "cleanup"})
		if n, _ := s.CountJobs(ctx, store.JobFilter{}); n != 3 {
			t.Errorf("%d jobs; want 3", n)
		}
	})
}

func TestJobEnqueueCommitsWithTheTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		wake := s.JobsEnqueued()
		boom := errors.New("boom")
		err := s.Update(ctx, func(tx *store.Tx) error {
			if _, _, err := tx.Enqueue(store.JobSpec{Kind: "mail"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update = %v", err)
		}
		if n, err := s.CountJobs(ctx, store.JobFilter{}); err != nil || n != 0 {
			t.Errorf("after rollback %d jobs (%v); want 0", n, err)
		}
		select {
		case <-wake:
			t.Error("a rolled-back enqueue woke the runners")
		default:
		}

		u := &qms.User{Email: "li.na@example.com", Name: "李娜", Role: qms.RoleInspector}
		if err := s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(u, "hash"); err != nil {
				return err
			}
			_, _, err := tx.Enqueue(store.JobSpec{Kind: "welcome", Payload: map[string]int64{"user": u.ID}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		select {
		case <-wake:
		default:
			t.Error("a committed enqueue did not wake the runners")
		}
		l, err := s.ListJobs(ctx, store.JobFilter{Kind: "welcome"})
		if err != nil || len(l) != 1 || !strings.Contains(string(l[0].Payload), "user") {
			t.Errorf("jobs = %+v, %v", l, err)
		}
	})
}

func TestJobRetriesWithBackoffThenFails(t *testing.T) {
	eachJobStore(t, func(t *testing.T, s *store.Store, clk *jobClock) {
		ctx := context.Background()
		id := enqueue(t, s, store.JobSpec{Kind: "flaky", MaxAttempts: 3})
		for attempt := 1; attempt <= 3; attempt++ {
			got, err := s.ClaimJobs(ctx, "w", 5, time.Minute)
			if err != nil || len(got) != 1 || got[0].ID != id || got[0].Attempts != attempt {
				t.Fatalf("attempt %d: claim = %+v, %v", attempt, got, err)
			}
			msg := "supplier portal timed out 供应商"
			status, err := s.FailJob(ctx, "w", id, msg, false)
			if err != nil {
				t.Fatal(err)
			}
			j := mustJob(t, s, id)
			if j.LastError != msg || j.LockedBy != "" || j.LockedUntil != nil {
				t.Errorf("attempt %d: job after failure = %+v", attempt, j)
			}
			if attempt == 3 {
				if status != store.JobFailed || j.Status != store.JobFailed || j.FinishedAt == nil {
					t.Fatalf("after the last attempt: status %s, job %+v; want failed", status, j)
				}
				break
			}
			full := store.JobRetryBase << (attempt - 1)
			wait := j.RunAfter.Sub(clk.Now())
			if status != store.JobQueued || j.Status != store.JobQueued || wait < full/2 || wait > full {
				t.Fatalf("attempt %d: status %s, retry in %s; want queued, in [%s, %s]", attempt, status, wait, full/2, full)
			}
			if early, err := s.ClaimJobs(ctx, "w", 5, time.Minute); err != nil || len(early) != 0 {
				t.Fatalf("claim during back-off = %+v, %v; want nothing", early, err)
			}
			clk.Add(wait)
		}
		clk.Add(24 * time.Hour)
		if got, err := s.ClaimJobs(ctx, "w", 5, time.Minute); err != nil || len(got) != 0 {
			t.Errorf("claim of a failed job = %+v, %v; want nothing", got, err)
		}

		final := enqueue(t, s, store.JobSpec{Kind: "bad-input"})
		if _, err := s.ClaimJobs(ctx, "w", 5, time.Minute); err != nil {
			t.Fatal(err)
		}
		if status, err := s.FailJob(ctx, "w", final, "payload is not valid", true); err != nil || status != store.JobFailed {
			t.Errorf("final FailJob = %s, %v; want failed at the first attempt", status, err)
		}
		if _, err := s.FailJob(ctx, "w", final, "again", false); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("failing a job not held = %v; want conflict", err)
		}
	})
}

func TestJobBackoff(t *testing.T) {
	for attempt := -1; attempt <= 70; attempt++ {
		full := store.JobRetryMax
		if attempt <= 1 {
			full = store.JobRetryBase
		} else if attempt < 20 {
			full = min(store.JobRetryBase<<(attempt-1), store.JobRetryMax)
		}
		for range 20 {
			if d := store.JobBackoff(attempt); d < full/2 || d > full {
				t.Fatalf("JobBackoff(%d) = %s; want in [%s, %s]", attempt, d, full/2, full)
			}
		}
	}
}

func TestJobLeaseExpiry(t *testing.T) {
	eachJobStore(t, func(t *testing.T, s *store.Store, clk *jobClock) {
		ctx := context.Background()
		id := enqueue(t, s, store.JobSpec{Kind: "report"})
		if got, err := s.ClaimJobs(ctx, "crashed", 1, time.Minute); err != nil || len(got) != 1 {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		// The live worker keeps its lease by renewing it.
		clk.Add(50 * time.Second)
		if n, err := s.ExtendJobLeases(ctx, "crashed", time.Minute); err != nil || n != 1 {
			t.Fatalf("ExtendJobLeases = %d, %v", n, err)
		}
		clk.Add(50 * time.Second)
		if got, err := s.ClaimJobs(ctx, "other", 1, time.Minute); err != nil || len(got) != 0 {
			t.Fatalf("claim of a renewed lease = %+v, %v; want nothing", got, err)
		}
		// Then its process dies: no more renewals; the lease runs out.
		clk.Add(61 * time.Second)
		got, err := s.ClaimJobs(ctx, "other", 1, time.Minute)
		if err != nil || len(got) != 1 || got[0].ID != id || got[0].LockedBy != "other" || got[0].Attempts != 2 {
			t.Fatalf("claim after lease expiry = %+v, %v; want job %d, attempt 2", got, err, id)
		}
		if err := s.CompleteJob(ctx, "crashed", id); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("the old worker completing = %v; want conflict", err)
		}
		if err := s.CompleteJob(ctx, "other", id); err != nil {
			t.Fatal(err)
		}

		// A job whose last attempt was abandoned is failed, not run again.
		last := enqueue(t, s, store.JobSpec{Kind: "report", MaxAttempts: 1})
		if got, err := s.ClaimJobs(ctx, "crashed", 1, time.Minute); err != nil || len(got) != 1 {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		clk.Add(2 * time.Minute)
		if got, err := s.ClaimJobs(ctx, "other", 1, time.Minute); err != nil || len(got) != 0 {
			t.Fatalf("claim of an abandoned last attempt = %+v, %v; want nothing", got, err)
		}
		j := mustJob(t, s, last)
		if j.Status != store.JobFailed || !strings.Contains(j.LastError, "lease expired") || j.FinishedAt == nil {
			t.Errorf("abandoned last attempt = %+v; want failed with the reason", j)
		}
	})
}

func TestJobClaimsDoNotOverlap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 200
		if err := s.Update(ctx, func(tx *store.Tx) error {
			for range n {
				if _, _, err := tx.Enqueue(store.JobSpec{Kind: "k"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimJobs(ctx, "w"+string(rune('a'+w)), 7, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Errorf("%d distinct jobs claimed; want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("job %d claimed %d times", id, c)
			}
		}
	})
}
