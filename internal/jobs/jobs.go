// Package jobs runs durable background jobs (stub; being written).
package jobs

import (
	"context"
	"log/slog"

	"qms/internal/config"
	"qms/internal/store"
)

// Runner claims and runs jobs.
type Runner struct{}

// NewRunner returns a runner with the given number of workers.
func NewRunner(st *store.Store, log *slog.Logger, workers int) *Runner { return &Runner{} }

// Run runs jobs until ctx is cancelled, then waits for those in flight.
func (r *Runner) Run(ctx context.Context) { <-ctx.Done() }

// RegisterFoundation registers the foundation's periodic jobs.
func RegisterFoundation(r *Runner, st *store.Store, c config.Config) {}
