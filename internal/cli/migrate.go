package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"qms/internal/config"
	"qms/internal/store"
)

const migrateHelp = `migrate [up|status] [--data DIR | --db URL]

  up       apply the pending schema migrations (the default); qms serve
           also applies them at start, under a lock on PostgreSQL
  status   list every migration with the time it was applied, or pending`

func runMigrate(ctx context.Context, env *Env, args []string) error {
	sub, help := "up", migrateHelp
	if len(args) > 0 {
		switch args[0] {
		case "up":
			sub, help, args = "up", "migrate up [--data DIR | --db URL]\n\nApplies the pending schema migrations and says how many.", args[1:]
		case "status":
			sub, help, args = "status", "migrate status [--data DIR | --db URL]\n\nLists every migration with the time it was applied, or pending. Changes nothing.", args[1:]
		}
	}
	fs := newFlags(env, "migrate "+sub, help)
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	if sub == "status" {
		st, err := openExisting(ctx, c, env)
		if err != nil {
			return err
		}
		defer st.Close()
		ms, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tNAME\tSTATUS")
		pending := 0
		for _, m := range ms {
			status := "pending"
			if m.AppliedAt != nil {
				status = "applied " + m.AppliedAt.UTC().Format(time.RFC3339)
			} else {
				pending++
			}
			fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, status)
		}
		tw.Flush()
		fmt.Fprintf(env.Stdout, "%d applied, %d pending\n", len(ms)-pending, pending)
		return nil
	}
	st, err := store.Open(ctx, storeOptions(c, env, true))
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	ms, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	latest := "none"
	if len(ms) > 0 {
		latest = ms[len(ms)-1].Name
	}
	if n == 0 {
		fmt.Fprintf(env.Stdout, "no pending migrations; the database is up to date (%s)\n", latest)
	} else {
		fmt.Fprintf(env.Stdout, "applied %d migration(s); the database is now at %s\n", n, latest)
	}
	return nil
}

// storeOptions returns the store options for c, logging to env.Stderr.
func storeOptions(c config.Config, env *Env, noMigrate bool) store.Options {
	return store.Options{DataDir: c.DataDir, DatabaseURL: c.DatabaseURL, Logger: newLogger(c, env.Stderr), NoMigrate: noMigrate}
}

// openExisting opens the database c names without migrating it, for commands
// that inspect or copy a database and must neither change it nor create an
// empty one where the operator mistyped the data directory.
func openExisting(ctx context.Context, c config.Config, env *Env) (*store.Store, error) {
	if c.DatabaseURL == "" {
		path := filepath.Join(c.DataDir, store.DBFile)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no qms database at %s: check --data (or QMS_DATA_DIR), or create one with qms migrate or qms serve", path)
		}
	}
	return store.Open(ctx, storeOptions(c, env, true))
}
