package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"qms/internal/config"
)

const backupHelp = `backup --out FILE [--data DIR | --db URL]

Writes a consistent copy of the embedded SQLite database to FILE while qms
keeps running (a snapshot taken with VACUUM INTO, integrity-checked). FILE
must not exist yet.

To restore: stop qms; in the data directory move qms.db aside and delete
qms.db-wal and qms.db-shm if present; copy the backup there as qms.db; start
qms; then check it with qms audit verify --data DIR.

On PostgreSQL (--db or QMS_DATABASE_URL) use pg_dump instead; the command
prints the exact pg_dump and pg_restore commands.`

func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "backup", backupHelp)
	out := fs.String("out", "", "file to write the copy to (required; never overwritten)")
	resolve := dataFlags(fs, env, config.Storage)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	c, err := resolve()
	if err != nil {
		return err
	}
	if c.DatabaseURL != "" {
		return &ExitError{Code: 1, Msg: pgDumpAdvice(c.DatabaseURL, *out)}
	}
	st, err := openExisting(ctx, c, env)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, *out); err != nil {
		return err
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(env.Stdout, "backed up %s to %s\n", st.Path(), abs)
	return nil
}

// pgDumpAdvice says how to back up and restore a PostgreSQL database.
func pgDumpAdvice(url, out string) string {
	u := config.Redact(url)
	msg := fmt.Sprintf("qms backup copies the embedded SQLite database; this configuration uses PostgreSQL, "+
		"which is backed up with pg_dump (it takes a consistent snapshot while qms runs):\n"+
		"  pg_dump --format=custom --file=%s '%s'\n"+
		"restore into a new, empty database with:\n"+
		"  pg_restore --no-owner --exit-on-error --dbname='%s' %s", out, u, u, out)
	if u != url {
		msg += "\n(put the password where it says REDACTED, or keep it in ~/.pgpass)"
	}
	return msg
}
