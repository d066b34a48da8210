package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"

	"qms/internal/config"
	"qms/internal/store"
)

// dataFlags registers the settings every data command takes (--data, --db,
// logging) and returns a function that resolves the configuration after
// parsing.
func dataFlags(fs *flag.FlagSet, env *Env, names []string) func() (config.Config, error) {
	vals := config.Bind(fs, names)
	return func() (config.Config, error) {
		c, err := config.Resolve(fs, vals, env.Getenv)
		if err != nil {
			return c, usagef("%v", err)
		}
		return c, nil
	}
}

// newLogger returns the logger the configuration asks for, writing to w.
func newLogger(c config.Config, w io.Writer) *slog.Logger {
	o := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// openStore opens (and migrates) the database the configuration names.
func openStore(ctx context.Context, c config.Config, log *slog.Logger) (*store.Store, error) {
	return store.Open(ctx, store.Options{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL, Logger: log})
}
