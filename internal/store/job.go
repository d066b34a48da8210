package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"qms/internal/qms"
)

// Job statuses. A job is queued until a worker claims it (running, with a
// lease), then done, or queued again with a back-off after a failed attempt,
// or failed for good once it has used its attempts.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Retry back-off: the n-th failed attempt waits a random time between half
// and all of JobRetryBase·2ⁿ⁻¹, at most JobRetryMax.
const (
	JobRetryBase       = 10 * time.Second
	JobRetryMax        = time.Hour
	DefaultMaxAttempts = 5
)

// Job is a unit of background work in the jobs table, the source of truth
// that survives restarts.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Payload     json.RawMessage `json:"payload"`
	UniqueKey   string          `json:"unique_key,omitempty"`
	Status      string          `json:"status"`
	RunAfter    time.Time       `json:"run_after"`
	Attempts    int             `json:"attempts"` // claims so far, including the running one
	MaxAttempts int             `json:"max_attempts"`
	LastError   string          `json:"last_error,omitempty"`
	LockedBy    string          `json:"locked_by,omitempty"`
	LockedUntil *time.Time      `json:"locked_until,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	FinishedAt  *time.Time      `json:"finished_at,omitempty"`
}

// JobSpec describes a job to enqueue.
type JobSpec struct {
	Kind        string
	Payload     any       // encoded as JSON; nil means {}
	UniqueKey   string    // when set, at most one job with this key ever exists
	RunAfter    time.Time // not before; zero means now
	MaxAttempts int       // zero means DefaultMaxAttempts
}

const jobColumns = "id, kind, payload, unique_key, status, run_after, attempts, max_attempts, last_error, locked_by, locked_until, created_at, updated_at, finished_at"

func scanJob(sc interface{ Scan(...any) error }, j *Job) error {
	var payload string
	var key sql.NullString
	var locked, finished sql.NullTime
	if err := sc.Scan(&j.ID, &j.Kind, &payload, &key, &j.Status, &j.RunAfter, &j.Attempts, &j.MaxAttempts,
		&j.LastError, &j.LockedBy, &locked, &j.CreatedAt, &j.UpdatedAt, &finished); err != nil {
		return err
	}
	j.Payload = json.RawMessage(payload)
	j.UniqueKey = key.String
	j.RunAfter, j.CreatedAt, j.UpdatedAt = j.RunAfter.UTC(), j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	j.LockedUntil, j.FinishedAt = nullTime(locked), nullTime(finished)
	return nil
}

// Enqueue adds a job that becomes visible when the transaction commits, so a
// record change and the work it causes are stored together or not at all.
// With a UniqueKey that some job (in any status) already has, nothing is
// added and created is false. Returns invalid for a missing kind or a
// payload that cannot be encoded.
func (tx *Tx) Enqueue(j JobSpec) (id int64, created bool, err error) {
	if strings.TrimSpace(j.Kind) == "" {
		return 0, false, qms.Errorf(qms.KindInvalid, "a job needs a kind")
	}
	payload := []byte("{}")
	if j.Payload != nil {
		if payload, err = json.Marshal(j.Payload); err != nil {
			return 0, false, qms.Errorf(qms.KindInvalid, "job %s: cannot encode payload: %v", j.Kind, err)
		}
	}
	runAfter := tx.Now
	if !j.RunAfter.IsZero() {
		runAfter = j.RunAfter.UTC()
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	var key any
	if j.UniqueKey != "" {
		key = j.UniqueKey
	}
	err = tx.QueryRow(`INSERT INTO jobs (kind, payload, unique_key, status, run_after, max_attempts, created_at, updated_at)
		VALUES (?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		j.Kind, string(payload), key, runAfter, j.MaxAttempts, tx.Now, tx.Now).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("enqueue job %s: %w", j.Kind, err)
	}
	tx.enqueued = true
	return id, true, nil
}

// Enqueue adds a job in a transaction of its own; see Tx.Enqueue.
func (s *Store) Enqueue(ctx context.Context, j JobSpec) (id int64, created bool, err error) {
	err = s.Update(ctx, func(tx *Tx) error {
		id, created, err = tx.Enqueue(j)
		return err
	})
	return id, created, err
}

// ClaimJobs leases up to n ready jobs to worker until now+lease and marks
// them running, counting an attempt. Ready means queued with run_after
// reached, or running with an expired lease (its worker died). A job whose
// lease expired after its last attempt is failed instead. On PostgreSQL
// concurrent claimers skip each other's rows (FOR UPDATE SKIP LOCKED); on
// SQLite the single writer serialises claims. The jobs come oldest first.
func (s *Store) ClaimJobs(ctx context.Context, worker string, n int, lease time.Duration) ([]Job, error) {
	if n <= 0 {
		return nil, nil
	}
	var jobs []Job
	err := s.Update(ctx, func(tx *Tx) error {
		jobs = jobs[:0]
		if _, err := tx.Exec(`UPDATE jobs SET status = 'failed', locked_by = '', locked_until = NULL, updated_at = ?, finished_at = ?,
			last_error = 'its worker stopped during the last attempt (lease expired); ' || last_error
			WHERE status = 'running' AND locked_until <= ? AND attempts >= max_attempts`, tx.Now, tx.Now, tx.Now); err != nil {
			return fmt.Errorf("fail abandoned jobs: %w", err)
		}
		pick := `SELECT id FROM jobs
			WHERE (status = 'queued' AND run_after <= ?) OR (status = 'running' AND locked_until <= ?)
			ORDER BY run_after, id LIMIT ?`
		if tx.Dialect() == Postgres {
			pick += " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.Query(`UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?, updated_at = ?
			WHERE id IN (`+pick+`) RETURNING `+jobColumns,
			worker, tx.Now.Add(lease), tx.Now, tx.Now, tx.Now, n)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var j Job
			if err := scanJob(rows, &j); err != nil {
				return err
			}
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err // rolled back: nothing was claimed
	}
	sort.Slice(jobs, func(a, b int) bool {
		if !jobs[a].RunAfter.Equal(jobs[b].RunAfter) {
			return jobs[a].RunAfter.Before(jobs[b].RunAfter)
		}
		return jobs[a].ID < jobs[b].ID
	})
	return jobs, nil
}

// ExtendJobLeases renews until now+lease the leases of the jobs worker is
// running, so that live work is not taken for abandoned. It returns how many
// leases it renewed.
func (s *Store) ExtendJobLeases(ctx context.Context, worker string, lease time.Duration) (int64, error) {
	now := s.Now()
	res, err := s.w.ExecContext(ctx, s.q("UPDATE jobs SET locked_until = ? WHERE status = 'running' AND locked_by = ?"), now.Add(lease), worker)
	if err != nil {
		return 0, fmt.Errorf("extend job leases: %w", err)
	}
	return res.RowsAffected()
}

// CompleteJob marks a job done. Returns conflict when worker no longer holds
// the job (its lease expired and another worker took it).
func (s *Store) CompleteJob(ctx context.Context, worker string, id int64) error {
	return s.Update(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE jobs SET status = 'done', locked_by = '', locked_until = NULL, updated_at = ?, finished_at = ?
			WHERE id = ? AND status = 'running' AND locked_by = ?`, tx.Now, tx.Now, id, worker)
		if err != nil {
			return fmt.Errorf("complete job %d: %w", id, err)
		}
		return leaseHeld(res, id, worker)
	})
}

// FailJob records a failed attempt with its error. The job is queued again
// after a back-off (see JobRetryBase) unless it has used its attempts or
// final is set; then it is failed for good with the error kept. It returns
// the job's new status. Returns conflict when worker no longer holds the job.
func (s *Store) FailJob(ctx context.Context, worker string, id int64, msg string, final bool) (status string, err error) {
	if len(msg) > 4000 {
		msg = msg[:4000]
	}
	msg = toValidUTF8(msg)
	err = s.Update(ctx, func(tx *Tx) error {
		var attempts, maxAttempts int
		err := tx.QueryRow("SELECT attempts, max_attempts FROM jobs WHERE id = ? AND status = 'running' AND locked_by = ?", id, worker).
			Scan(&attempts, &maxAttempts)
		if err == sql.ErrNoRows {
			return lostLease(id, worker)
		}
		if err != nil {
			return fmt.Errorf("fail job %d: %w", id, err)
		}
		var res sql.Result
		if final || attempts >= maxAttempts {
			status = JobFailed
			res, err = tx.Exec(`UPDATE jobs SET status = 'failed', last_error = ?, locked_by = '', locked_until = NULL, updated_at = ?, finished_at = ?
				WHERE id = ? AND status = 'running' AND locked_by = ?`, msg, tx.Now, tx.Now, id, worker)
		} else {
			status = JobQueued
			res, err = tx.Exec(`UPDATE jobs SET status = 'queued', last_error = ?, run_after = ?, locked_by = '', locked_until = NULL, updated_at = ?
				WHERE id = ? AND status = 'running' AND locked_by = ?`, msg, tx.Now.Add(JobBackoff(attempts)), tx.Now, id, worker)
		}
		if err != nil {
			return fmt.Errorf("fail job %d: %w", id, err)
		}
		return leaseHeld(res, id, worker)
	})
	return status, err
}

// JobBackoff returns how long to wait after the attempt-th failed attempt:
// exponential from JobRetryBase, capped at JobRetryMax, with jitter (between
// half and all of it) so that jobs that failed together do not retry
// together.
func JobBackoff(attempt int) time.Duration {
	d := JobRetryMax
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 20 {
		d = min(JobRetryBase<<(attempt-1), JobRetryMax)
	}
	return d/2 + rand.N(d/2+1)
}

func leaseHeld(res sql.Result, id int64, worker string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return lostLease(id, worker)
	}
	return nil
}

func lostLease(id int64, worker string) error {
	return qms.Errorf(qms.KindConflict, "job %d is no longer held by worker %s (its lease expired)", id, worker)
}

// JobFilter selects jobs for ListJobs and CountJobs; empty fields match all.
type JobFilter struct {
	Kind   string
	Status string
	Limit  int // ListJobs: at most this many, newest first; 0 means 100
}

func (f JobFilter) where() (string, []any) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// ListJobs returns jobs matching f, newest first.
func (s *Store) ListJobs(ctx context.Context, f JobFilter) ([]Job, error) {
	where, args := f.where()
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.r.QueryContext(ctx, s.q("SELECT "+jobColumns+" FROM jobs"+where+" ORDER BY id DESC LIMIT ?"), append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := scanJob(rows, &j); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// CountJobs counts the jobs matching f.
func (s *Store) CountJobs(ctx context.Context, f JobFilter) (int, error) {
	where, args := f.where()
	var n int
	err := s.r.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM jobs"+where), args...).Scan(&n)
	return n, err
}

// Job returns a job by id. Returns not found.
func (s *Store) Job(ctx context.Context, id int64) (*Job, error) {
	var j Job
	err := scanJob(s.r.QueryRowContext(ctx, s.q("SELECT "+jobColumns+" FROM jobs WHERE id = ?"), id), &j)
	if err != nil {
		return nil, mapError(err, "job")
	}
	return &j, nil
}

// DeleteFinishedJobs removes jobs that were done before the given time;
// failed jobs stay for inspection. It returns how many it removed.
func (s *Store) DeleteFinishedJobs(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q("DELETE FROM jobs WHERE status = 'done' AND finished_at < ?"), before.UTC())
	if err != nil {
		return 0, fmt.Errorf("delete finished jobs: %w", err)
	}
	return res.RowsAffected()
}

// JobsEnqueued returns a channel that is closed when a transaction of this
// Store that enqueued jobs commits. Take it before looking for work so that
// no wake-up is missed; take a new one after each wake-up.
func (s *Store) JobsEnqueued() <-chan struct{} { return s.jobWake.wait() }

// jobSignal is a broadcast: notify closes the channel every waiter holds.
// The zero value is ready to use.
type jobSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

func (g *jobSignal) wait() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch == nil {
		g.ch = make(chan struct{})
	}
	return g.ch
}

func (g *jobSignal) notify() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ch != nil {
		close(g.ch)
		g.ch = nil
	}
}
