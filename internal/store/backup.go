package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// ErrBackupPostgres is returned by Backup on PostgreSQL, whose databases are
// copied with pg_dump.
var ErrBackupPostgres = errors.New("backup copies the embedded SQLite database; back up PostgreSQL with pg_dump")

// Backup writes a consistent copy of the SQLite database to the file out
// while the database stays in use (VACUUM INTO reads one snapshot; writers
// carry on). The copy is written beside out under a temporary name, checked,
// synced, and only then given its name, so out is either complete or absent.
// Backup refuses to overwrite an existing file. It returns ErrBackupPostgres
// on PostgreSQL.
func (s *Store) Backup(ctx context.Context, out string) error {
	if s.dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name (backups are never overwritten)", out)
	}
	dir := filepath.Dir(out)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(out)+".partial-*")
	if err != nil {
		return fmt.Errorf("create backup file: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	os.Remove(tmpName) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmpName)

	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", tmpName); err != nil {
		return fmt.Errorf("copy database: %w", err)
	}
	if err := quickCheck(ctx, tmpName); err != nil {
		return err
	}
	if err := syncFile(tmpName); err != nil {
		return err
	}
	// Link fails if out appeared in the meantime: never overwrite.
	if err := os.Link(tmpName, out); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists; choose a new file name (backups are never overwritten)", out)
		}
		return fmt.Errorf("name backup file: %w", err)
	}
	return syncFile(dir)
}

// quickCheck opens the SQLite file at path read-only and runs PRAGMA
// quick_check on it.
func quickCheck(ctx context.Context, path string) error {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro"
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check backup: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the backup copy failed its integrity check: %s", strings.Join(problems, "; "))
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
