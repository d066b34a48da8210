package jobs

import (
	"context"
	"fmt"
	"time"

	"qms/internal/config"
	"qms/internal/store"
)

// KindCleanup is the foundation's periodic clean-up job.
const KindCleanup = "cleanup"

// How often the clean-up runs and what it keeps.
const (
	CleanupEvery      = time.Hour
	keepLoginFailures = 24 * time.Hour      // well beyond any throttling window
	keepDoneJobs      = 30 * 24 * time.Hour // failed jobs are kept for inspection
)

// RegisterFoundation registers the foundation's periodic jobs: an hourly
// clean-up that removes expired sessions, old login failures and jobs done
// more than 30 days ago.
func RegisterFoundation(r *Runner, st *store.Store, c config.Config) {
	idle := c.SessionIdle
	if idle <= 0 {
		idle = config.Default().SessionIdle
	}
	r.Handle(KindCleanup, func(ctx context.Context, j *store.Job) error {
		sessions, err := st.DeleteExpiredSessions(ctx, idle, keepLoginFailures)
		if err != nil {
			return fmt.Errorf("delete expired sessions: %w", err)
		}
		jobs, err := st.DeleteFinishedJobs(ctx, st.Now().Add(-keepDoneJobs))
		if err != nil {
			return err
		}
		r.log.Info("cleaned up", "expired_sessions", sessions, "finished_jobs", jobs)
		return nil
	})
	r.Every(KindCleanup, CleanupEvery, nil)
}
