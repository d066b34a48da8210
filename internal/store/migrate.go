package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one schema change, numbered the same in both dialects.
type Migration struct {
	Version   int
	Name      string
	Checksum  string
	AppliedAt *time.Time // nil when pending
}

// migrationLockKey is the PostgreSQL advisory lock that serialises
// migrations across instances starting at once.
const migrationLockKey = 7_231_002_901

func (s *Store) migrations() ([]Migration, map[int]string, error) {
	dir := path.Join("migrations", string(s.dialect))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, nil, err
	}
	var ms []Migration
	body := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, nil, fmt.Errorf("migration file %s: name must start with a number and _", name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), Checksum: hex.EncodeToString(sum[:])})
		body[v] = string(b)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, body, nil
}

// MigrationStatus lists every known migration with when it was applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]Migration, error) {
	ms, _, err := s.migrations()
	if err != nil {
		return nil, err
	}
	applied, err := s.applied(ctx, s.w)
	if err != nil {
		return nil, err
	}
	for i := range ms {
		if a, ok := applied[ms[i].Version]; ok {
			t := a.AppliedAt
			ms[i].AppliedAt = t
		}
	}
	return ms, nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

func (s *Store) applied(ctx context.Context, db queryer) (map[int]Migration, error) {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	rows, err := db.QueryContext(ctx, "SELECT version, name, checksum, applied_at FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]Migration{}
	for rows.Next() {
		var m Migration
		var at string
		if err := rows.Scan(&m.Version, &m.Name, &m.Checksum, &at); err != nil {
			return nil, err
		}
		t, _ := time.Parse(time.RFC3339Nano, at)
		m.AppliedAt = &t
		out[m.Version] = m
	}
	return out, rows.Err()
}

// Migrate applies pending migrations, each in its own transaction, and
// returns how many it applied. On PostgreSQL an advisory lock makes
// concurrent instances wait for each other; on SQLite the single writer
// connection does. It refuses a database changed by a newer qms, or whose
// applied migrations differ from the ones built in.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, body, err := s.migrations()
	if err != nil {
		return 0, err
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if s.dialect == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return 0, fmt.Errorf("take migration lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
	}
	applied, err := s.applied(ctx, conn)
	if err != nil {
		return 0, err
	}
	known := map[int]bool{}
	for _, m := range ms {
		known[m.Version] = true
		if a, ok := applied[m.Version]; ok && a.Checksum != m.Checksum {
			return 0, fmt.Errorf("migration %s differs from the one applied to this database; migrations must never change once released", m.Name)
		}
	}
	for v, a := range applied {
		if !known[v] {
			return 0, fmt.Errorf("the database has migration %s, which this qms does not know: it was changed by a newer version of qms; upgrade qms", a.Name)
		}
	}
	n := 0
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return n, err
		}
		if _, err := tx.ExecContext(ctx, body[m.Version]); err != nil {
			tx.Rollback()
			return n, fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)"),
			m.Version, m.Name, m.Checksum, s.Now().Format(time.RFC3339Nano)); err != nil {
			tx.Rollback()
			return n, err
		}
		if err := tx.Commit(); err != nil {
			return n, err
		}
		s.log.Info("applied migration", "migration", m.Name)
		n++
	}
	return n, nil
}
