// Package jobs runs durable background jobs from the jobs table: a bounded
// pool of workers per instance that claims ready jobs under a lease, retries
// failed ones with back-off, and a scheduler that enqueues periodic jobs so
// that each period runs once however many instances there are. The table is
// the source of truth, so a restart or a crashed instance loses nothing: a
// job whose worker died is claimed again when its lease runs out.
//
// A job runs exactly once unless its instance dies (or stalls past its
// lease) during it; then it runs again, so handlers must be safe to repeat.
// Jobs are enqueued with store.Tx.Enqueue in the transaction of the change
// that causes them. This package does not handle HTTP.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

// Handler does the work of one job. An error is recorded and the job retried
// after a back-off until it has used its attempts; wrap the error with
// Permanent when retrying cannot help. ctx ends at the runner's Timeout, not
// when the runner stops: a stopping runner waits for its handlers.
type Handler func(ctx context.Context, j *store.Job) error

// Permanent marks err as not worth retrying: the job fails at once.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// abandonAfter is how long a handler that ignores its context's end may run
// on before the runner records a failure and frees the worker.
const abandonAfter = 5 * time.Second

// Runner claims and runs jobs. Set the fields and register handlers before
// Run.
type Runner struct {
	Poll    time.Duration // how often to look for ready jobs when not woken; default 1s
	Lease   time.Duration // how long a claim lasts; renewed every Lease/3 while the job runs; default 1m
	Timeout time.Duration // a handler's deadline; default 10m

	st       *store.Store
	log      *slog.Logger
	workers  int
	id       string
	handlers map[string]Handler
	periodic []*periodic
	running  atomic.Int64
}

// periodic is a job the scheduler enqueues once per period.
type periodic struct {
	kind    string
	every   time.Duration
	payload json.RawMessage
	last    atomic.Int64 // the start (Unix ns) of the last period enqueued
}

// NewRunner returns a runner with the given number of workers (at least 1)
// and a worker id unique to this process.
func NewRunner(st *store.Store, log *slog.Logger, workers int) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &Runner{
		Poll:     time.Second,
		Lease:    time.Minute,
		Timeout:  10 * time.Minute,
		st:       st,
		log:      log,
		workers:  max(workers, 1),
		id:       host + ":" + strconv.Itoa(os.Getpid()) + ":" + hex.EncodeToString(b),
		handlers: map[string]Handler{},
	}
}

// ID returns the worker id the runner claims jobs as (jobs.locked_by).
func (r *Runner) ID() string { return r.id }

// Handle registers the handler of a job kind, replacing any earlier one.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every makes the scheduler enqueue a job of kind once per interval, aligned
// to whole intervals of UTC time (an hourly job runs in each clock hour). Each
// period gets the unique key kind@start (RFC 3339), so with several instances
// it is enqueued, and runs, once. The current period is enqueued at start
// unless it already was; periods missed while no instance ran are not caught
// up. It panics for an interval under a second or a payload that cannot be
// encoded: both are programming mistakes.
func (r *Runner) Every(kind string, interval time.Duration, payload any) {
	if interval < time.Second {
		panic(fmt.Sprintf("jobs: Every(%q): interval %s is under a second", kind, interval))
	}
	p := json.RawMessage("{}")
	if payload != nil {
		b, err := json.Marshal(payload)
		if err != nil {
			panic(fmt.Sprintf("jobs: Every(%q): %v", kind, err))
		}
		p = b
	}
	r.periodic = append(r.periodic, &periodic{kind: kind, every: interval, payload: p})
}

// SlotKey returns the unique key of the period of a periodic job that starts
// at start.
func SlotKey(kind string, start time.Time) string {
	return kind + "@" + start.UTC().Format(time.RFC3339)
}

// Run runs jobs until ctx is cancelled. Then it stops claiming, waits for
// the jobs in flight (their contexts are not cancelled; they end at the
// Timeout) and returns.
func (r *Runner) Run(ctx context.Context) {
	r.log.Info("job runner started", "worker", r.id, "workers", r.workers)
	var wg sync.WaitGroup
	finished := make(chan struct{}, r.workers)
	free := r.workers
	leaseCtx, stopLeases := context.WithCancel(context.WithoutCancel(ctx))
	leasesDone := make(chan struct{})
	go func() { r.renewLeases(leaseCtx); close(leasesDone) }()
	defer func() {
		wg.Wait()
		stopLeases()
		<-leasesDone
		r.log.Info("job runner stopped", "worker", r.id)
	}()

	for {
		wake := r.st.JobsEnqueued() // before looking, so no enqueue is missed
		r.schedule(ctx)
		if free > 0 && ctx.Err() == nil {
			jobs, err := r.st.ClaimJobs(ctx, r.id, free, r.Lease)
			if err != nil && ctx.Err() == nil {
				r.log.Error("claim jobs", "worker", r.id, "err", err)
			}
			for i := range jobs {
				free--
				wg.Add(1)
				r.running.Add(1)
				go func(j *store.Job) {
					defer wg.Done()
					r.run(ctx, j)
					r.running.Add(-1)
					finished <- struct{}{}
				}(&jobs[i])
			}
		}
		timer := time.NewTimer(r.nextWait())
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-wake:
		case <-finished:
			free++
		case <-timer.C:
		}
		timer.Stop()
		for drained := false; !drained; {
			select {
			case <-finished:
				free++
			default:
				drained = true
			}
		}
	}
}

// run runs one claimed job and records the outcome.
func (r *Runner) run(ctx context.Context, j *store.Job) {
	log := r.log.With("job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "worker", r.id)
	start := time.Now()
	var err error
	if h := r.handlers[j.Kind]; h != nil {
		err = r.call(ctx, h, j, log)
	} else {
		err = fmt.Errorf("no handler for job kind %q in this qms instance (is another instance running a different version?)", j.Kind)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err == nil {
		if err := r.st.CompleteJob(rctx, r.id, j.ID); err != nil {
			log.Warn("job ran but could not be marked done", "err", err)
			return
		}
		log.Debug("job done", "ms", time.Since(start).Milliseconds())
		return
	}
	status, ferr := r.st.FailJob(rctx, r.id, j.ID, err.Error(), errors.As(err, new(permanentError)))
	switch {
	case ferr != nil:
		log.Warn("job failed and the failure could not be recorded", "err", err, "record_err", ferr)
	case status == store.JobFailed:
		log.Error("job failed for good", "err", err, "ms", time.Since(start).Milliseconds())
	default:
		log.Warn("job failed; will retry", "err", err, "ms", time.Since(start).Milliseconds())
	}
}

// call runs h under the job timeout, as qms.System with the request id
// job-<id>, turning a panic into an error and giving up on a handler that
// ignores the end of its context.
func (r *Runner) call(ctx context.Context, h Handler, j *store.Job, log *slog.Logger) error {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.Timeout)
	defer cancel()
	hctx = qms.WithRequestID(qms.WithActor(hctx, qms.System), "job-"+strconv.FormatInt(j.ID, 10))
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("job handler panicked", "panic", p, "stack", string(debug.Stack()))
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- h(hctx, j)
	}()
	result := func(err error) error {
		if err != nil && errors.Is(hctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("timed out after %s: %w", r.Timeout, err)
		}
		return err
	}
	select {
	case err := <-done:
		return result(err)
	case <-hctx.Done():
	}
	grace := time.NewTimer(abandonAfter)
	defer grace.Stop()
	select {
	case err := <-done:
		return result(err)
	case <-grace.C:
		return fmt.Errorf("timed out after %s and did not stop; abandoned while still running", r.Timeout)
	}
}

// renewLeases keeps the leases of this runner's jobs from running out while
// they run, until ctx ends.
func (r *Runner) renewLeases(ctx context.Context) {
	t := time.NewTicker(max(r.Lease/3, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if r.running.Load() == 0 {
			continue
		}
		if _, err := r.st.ExtendJobLeases(ctx, r.id, r.Lease); err != nil && ctx.Err() == nil {
			r.log.Error("renew job leases", "worker", r.id, "err", err)
		}
	}
}

// schedule enqueues the current period of each periodic job not yet
// enqueued by this runner; the unique key makes other instances' attempts
// no-ops.
func (r *Runner) schedule(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	now := r.st.Now()
	for _, p := range r.periodic {
		slot := now.Truncate(p.every)
		if p.last.Load() == slot.UnixNano() {
			continue
		}
		_, created, err := r.st.Enqueue(ctx, store.JobSpec{Kind: p.kind, Payload: p.payload, UniqueKey: SlotKey(p.kind, slot), RunAfter: slot})
		if err != nil {
			if ctx.Err() == nil {
				r.log.Error("schedule periodic job", "kind", p.kind, "err", err)
			}
			continue
		}
		if created {
			r.log.Debug("scheduled periodic job", "kind", p.kind, "period", slot)
		}
		p.last.Store(slot.UnixNano())
	}
}

// nextWait is how long to sleep when nothing wakes the runner: the poll
// interval, or less when a periodic job's next period starts sooner.
func (r *Runner) nextWait() time.Duration {
	d := r.Poll
	if len(r.periodic) == 0 {
		return d
	}
	now := r.st.Now()
	for _, p := range r.periodic {
		next := now.Truncate(p.every).Add(p.every)
		d = min(d, next.Sub(now)+time.Millisecond)
	}
	return max(d, time.Millisecond)
}
