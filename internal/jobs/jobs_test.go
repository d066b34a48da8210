package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/config"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// clock is a clock the test moves by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 22, 0, 30, 0, time.UTC)} }

// openStores opens n stores of dialect d on one database (the same data
// directory, or the same PostgreSQL database), all on clk.
func openStores(t *testing.T, d store.Dialect, clk *clock, n int) []*store.Store {
	t.Helper()
	o := storetest.Options(t, d)
	o.Now = clk.Now
	var out []*store.Store
	for range n {
		s, err := store.Open(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

// each runs fn on one fresh store of each dialect with a hand-moved clock.
func each(t *testing.T, fn func(t *testing.T, s *store.Store, clk *clock)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := newClock()
			fn(t, openStores(t, d, clk, 1)[0], clk)
		})
	}
}

func newRunner(s *store.Store, workers int) *Runner {
	r := NewRunner(s, nil, workers)
	r.Poll = 5 * time.Millisecond
	return r
}

// start runs r until the test ends and returns a function that stops it and
// waits for Run to return.
func start(t *testing.T, r *Runner) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after its context was cancelled")
		}
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds, failing the test after a generous
// timeout (a wait for completion, not a timing assertion).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func enqueue(t *testing.T, s *store.Store, spec store.JobSpec) int64 {
	t.Helper()
	id, created, err := s.Enqueue(context.Background(), spec)
	if err != nil || !created {
		t.Fatalf("Enqueue(%+v) = %v, %v", spec, created, err)
	}
	return id
}

func job(t *testing.T, s *store.Store, id int64) *store.Job {
	t.Helper()
	j, err := s.Job(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func statusIs(t *testing.T, s *store.Store, id int64, status string) func() bool {
	return func() bool { return job(t, s, id).Status == status }
}

func TestRunnerRunsJobs(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		r := newRunner(s, 2)
		r.Poll = time.Hour // only the start and the in-process wake-up find work
		var mu sync.Mutex
		var got []string
		var actors []string
		r.Handle("greet", func(ctx context.Context, j *store.Job) error {
			a, _ := qms.ActorFrom(ctx)
			mu.Lock()
			defer mu.Unlock()
			got = append(got, string(j.Payload))
			actors = append(actors, a.Name+" "+qms.RequestID(ctx))
			return nil
		})
		first := enqueue(t, s, store.JobSpec{Kind: "greet", Payload: map[string]string{"name": "陈静"}})
		start(t, r)
		waitFor(t, "the job enqueued before start", statusIs(t, s, first, store.JobDone))

		var second int64
		if err := s.Update(context.Background(), func(tx *store.Tx) error {
			var err error
			second, _, err = tx.Enqueue(store.JobSpec{Kind: "greet", Payload: map[string]string{"name": "Nguyễn Thị Hoa"}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the job enqueued while running", statusIs(t, s, second, store.JobDone))

		mu.Lock()
		defer mu.Unlock()
		want := []string{`{"name":"陈静"}`, `{"name":"Nguyễn Thị Hoa"}`}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("handled payloads %q; want %q", got, want)
		}
		if actors[0] != fmt.Sprintf("system job-%d", first) {
			t.Errorf("handler ran as %q; want the system actor and request id job-%d", actors[0], first)
		}
		if j := job(t, s, second); j.Attempts != 1 || j.LastError != "" {
			t.Errorf("job = %+v; want done at the first attempt", j)
		}
	})
}

func TestRunnerRetriesWithBackoffThenFails(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		r := newRunner(s, 1)
		var mu sync.Mutex
		calls := map[string]int{}
		r.Handle("flaky", func(ctx context.Context, j *store.Job) error {
			mu.Lock()
			calls["flaky"]++
			mu.Unlock()
			return errors.New("ERP did not answer")
		})
		r.Handle("invalid", func(ctx context.Context, j *store.Job) error {
			mu.Lock()
			calls["invalid"]++
			mu.Unlock()
			return Permanent(errors.New("supplier 42 does not exist"))
		})
		flaky := enqueue(t, s, store.JobSpec{Kind: "flaky", MaxAttempts: 3})
		invalid := enqueue(t, s, store.JobSpec{Kind: "invalid"})
		start(t, r)
		for attempt := 1; attempt < 3; attempt++ {
			waitFor(t, fmt.Sprintf("failed attempt %d", attempt), func() bool {
				j := job(t, s, flaky)
				return j.Status == store.JobQueued && j.Attempts == attempt
			})
			j := job(t, s, flaky)
			full := store.JobRetryBase << (attempt - 1)
			if wait := j.RunAfter.Sub(clk.Now()); wait < full/2 || wait > full || j.LastError != "ERP did not answer" {
				t.Fatalf("after attempt %d: retry in %s, last error %q; want in [%s, %s]", attempt, wait, j.LastError, full/2, full)
			}
			clk.Add(full) // the back-off passes
		}
		waitFor(t, "the final failure", statusIs(t, s, flaky, store.JobFailed))
		waitFor(t, "the permanent failure", statusIs(t, s, invalid, store.JobFailed))
		if j := job(t, s, flaky); j.Attempts != 3 || j.LastError != "ERP did not answer" || j.FinishedAt == nil {
			t.Errorf("failed job = %+v", j)
		}
		if j := job(t, s, invalid); j.Attempts != 1 || j.LastError != "supplier 42 does not exist" {
			t.Errorf("permanently failed job = %+v; want failed at the first attempt", j)
		}
		clk.Add(24 * time.Hour)
		later := enqueue(t, s, store.JobSpec{Kind: "invalid"}) // a job after them: the failed ones are not run again
		waitFor(t, "a later job", statusIs(t, s, later, store.JobFailed))
		mu.Lock()
		defer mu.Unlock()
		if calls["flaky"] != 3 || calls["invalid"] != 2 {
			t.Errorf("handler calls %v; want flaky 3, invalid 2", calls)
		}
	})
}

func TestRunnerRecordsPanicsUnknownKindsAndTimeouts(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		r := newRunner(s, 2)
		r.Timeout = 20 * time.Millisecond
		r.Handle("panics", func(ctx context.Context, j *store.Job) error { panic("nil map in report 7") })
		r.Handle("slow", func(ctx context.Context, j *store.Job) error {
			<-ctx.Done()
			return ctx.Err()
		})
		r.Handle("fine", func(ctx context.Context, j *store.Job) error { return nil })
		panics := enqueue(t, s, store.JobSpec{Kind: "panics", MaxAttempts: 1})
		unknown := enqueue(t, s, store.JobSpec{Kind: "from.a.newer.version", MaxAttempts: 1})
		slow := enqueue(t, s, store.JobSpec{Kind: "slow", MaxAttempts: 1})
		start(t, r)
		for _, c := range []struct {
			id   int64
			want string
		}{
			{panics, "panic: nil map in report 7"},
			{unknown, `no handler for job kind "from.a.newer.version"`},
			{slow, "timed out after 20ms: context deadline exceeded"},
		} {
			waitFor(t, fmt.Sprintf("job %d to fail", c.id), statusIs(t, s, c.id, store.JobFailed))
			if j := job(t, s, c.id); !strings.Contains(j.LastError, c.want) {
				t.Errorf("job %s: last error %q; want it to say %q", j.Kind, j.LastError, c.want)
			}
		}
		fine := enqueue(t, s, store.JobSpec{Kind: "fine"})
		waitFor(t, "a job after the panic", statusIs(t, s, fine, store.JobDone))
	})
}

func TestRunnerReclaimsAfterLeaseExpiry(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		id := enqueue(t, s, store.JobSpec{Kind: "report"})
		// A process claims the job and dies without finishing it.
		if got, err := s.ClaimJobs(ctx, "dead-instance", 1, time.Minute); err != nil || len(got) != 1 {
			t.Fatalf("claim = %+v, %v", got, err)
		}
		r := newRunner(s, 1)
		var mu sync.Mutex
		var attempts []int
		r.Handle("report", func(ctx context.Context, j *store.Job) error {
			mu.Lock()
			defer mu.Unlock()
			attempts = append(attempts, j.Attempts)
			return nil
		})
		start(t, r)
		clk.Add(2 * time.Minute)
		waitFor(t, "the abandoned job to be run again", statusIs(t, s, id, store.JobDone))
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(attempts) != "[2]" {
			t.Errorf("handler saw attempts %v; want one run, the second attempt", attempts)
		}
	})
}

func TestRunnerShutdownFinishesJobsInFlight(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		r := newRunner(s, 1)
		started := make(chan struct{})
		release := make(chan struct{})
		ctxErr := make(chan error, 1)
		r.Handle("long", func(ctx context.Context, j *store.Job) error {
			close(started)
			<-release
			ctxErr <- ctx.Err()
			return nil
		})
		id := enqueue(t, s, store.JobSpec{Kind: "long"})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		select {
		case <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("the job did not start")
		}
		cancel()
		after := enqueue(t, s, store.JobSpec{Kind: "long"}) // must not be claimed by a stopping runner
		select {
		case <-done:
			t.Fatal("Run returned while a job was running")
		default:
		}
		close(release)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not return after its job finished")
		}
		if err := <-ctxErr; err != nil {
			t.Errorf("the handler's context ended with the runner: %v", err)
		}
		if j := job(t, s, id); j.Status != store.JobDone {
			t.Errorf("in-flight job = %s; want done", j.Status)
		}
		if j := job(t, s, after); j.Status != store.JobQueued || j.Attempts != 0 {
			t.Errorf("job enqueued during shutdown = %s, %d attempts; want queued for the next start", j.Status, j.Attempts)
		}
	})
}

func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := newClock()
			stores := openStores(t, d, clk, 2)
			var mu sync.Mutex
			ran := map[int64][]string{}
			var runners []*Runner
			for _, s := range stores {
				r := newRunner(s, 3)
				r.Handle("count", func(ctx context.Context, j *store.Job) error {
					mu.Lock()
					defer mu.Unlock()
					ran[j.ID] = append(ran[j.ID], r.ID())
					return nil
				})
				runners = append(runners, r)
				start(t, r)
			}
			const n = 300
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			ids := make(chan int64, n)
			for i, s := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; k < n/2; k += 10 { // batches of 10 in one transaction
						err := s.Update(context.Background(), func(tx *store.Tx) error {
							for b := range 10 {
								id, _, err := tx.Enqueue(store.JobSpec{Kind: "count", Payload: map[string]int{"from": i, "n": k + b}})
								if err != nil {
									return err
								}
								ids <- id
							}
							return nil
						})
						if err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			close(ids)
			for err := range errs {
				t.Fatal(err)
			}
			waitFor(t, "all jobs to be done", func() bool {
				c, err := stores[0].CountJobs(context.Background(), store.JobFilter{Status: store.JobDone})
				return err == nil && c == n
			})
			mu.Lock()
			defer mu.Unlock()
			byRunner := map[string]int{}
			enqueued := 0
			for id := range ids {
				enqueued++
				if len(ran[id]) != 1 {
					t.Errorf("job %d ran %d times (%v); want once", id, len(ran[id]), ran[id])
				}
				for _, w := range ran[id] {
					byRunner[w]++
				}
			}
			if enqueued != n || len(ran) != n {
				t.Errorf("%d jobs enqueued, %d ran; want %d", enqueued, len(ran), n)
			}
			t.Logf("jobs per runner: %v", byRunner)
		})
	}
}

func TestSchedulerEnqueuesEachPeriodOnce(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			clk := newClock()
			stores := openStores(t, d, clk, 2)
			var mu sync.Mutex
			ran := map[string]int{}
			var runners []*Runner
			for _, s := range stores {
				r := newRunner(s, 2)
				r.Handle("tick", func(ctx context.Context, j *store.Job) error {
					mu.Lock()
					defer mu.Unlock()
					ran[j.UniqueKey]++
					return nil
				})
				r.Every("tick", time.Minute, map[string]string{"site": "Bình Dương"})
				runners = append(runners, r)
				start(t, r)
			}
			const periods = 5
			var keys []string
			for p := range periods {
				slot := clk.Now().Truncate(time.Minute)
				key := SlotKey("tick", slot)
				keys = append(keys, key)
				waitFor(t, "both schedulers to reach "+key, func() bool {
					for _, r := range runners {
						if r.periodic[0].last.Load() != slot.UnixNano() {
							return false
						}
					}
					return true
				})
				waitFor(t, "the job of "+key, func() bool {
					l, err := stores[p%2].ListJobs(context.Background(), store.JobFilter{Kind: "tick", Status: store.JobDone})
					return err == nil && len(l) == p+1
				})
				if p < periods-1 { // no clock move after the last period: a sixth would be due
					clk.Add(time.Minute)
				}
			}
			l, err := stores[0].ListJobs(context.Background(), store.JobFilter{Kind: "tick"})
			if err != nil {
				t.Fatal(err)
			}
			if len(l) != periods {
				t.Fatalf("%d tick jobs; want %d", len(l), periods)
			}
			if keys[0] != "tick@2026-11-27T22:00:00Z" {
				t.Errorf("first period key %q", keys[0])
			}
			mu.Lock()
			defer mu.Unlock()
			for _, k := range keys {
				if ran[k] != 1 {
					t.Errorf("period %s ran %d times; want once", k, ran[k])
				}
			}
			if len(ran) != periods {
				t.Errorf("ran %v; want exactly the %d periods", ran, periods)
			}
			if string(l[0].Payload) != `{"site":"Bình Dương"}` {
				t.Errorf("payload %s", l[0].Payload)
			}
		})
	}
}

func TestFoundationCleanup(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		u := &qms.User{Email: "wang.fang@example.com", Name: "王芳", Role: qms.RoleInspector}
		if err := s.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateUser(u, "hash"); err != nil {
				return err
			}
			if err := tx.CreateSession(u.ID, "expired", tx.Now.Add(time.Hour), "", ""); err != nil {
				return err
			}
			return tx.CreateSession(u.ID, "live", tx.Now.Add(24*time.Hour), "", "")
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordLoginFailure(ctx, "wang.fang@example.com", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		clk.Add(2 * 24 * time.Hour)
		if err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateSession(u.ID, "fresh", tx.Now.Add(time.Hour), "", "")
		}); err != nil {
			t.Fatal(err)
		}
		r := newRunner(s, 1)
		c := config.Default()
		RegisterFoundation(r, s, c)
		start(t, r)
		waitFor(t, "the clean-up job", func() bool {
			n, err := s.CountJobs(ctx, store.JobFilter{Kind: KindCleanup, Status: store.JobDone})
			return err == nil && n == 1
		})
		var sessions, failures int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM sessions").Scan(&sessions); err != nil {
			t.Fatal(err)
		}
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM login_failures").Scan(&failures); err != nil {
			t.Fatal(err)
		}
		if sessions != 1 || failures != 0 {
			t.Errorf("after clean-up: %d sessions, %d login failures; want only the fresh session", sessions, failures)
		}
	})
}
