// Package store keeps qms records in SQLite (embedded, the default) or
// PostgreSQL through database/sql with hand-written SQL. Queries are written
// once with ? placeholders and rebound for PostgreSQL. Every change goes
// through Store.Update, which writes the audit events of the change in the
// same transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/ncruces/go-sqlite3"
	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/unicode" // Unicode-aware lower(), upper() and LIKE, as on PostgreSQL

	"qms/internal/qms"
)

// Dialect names the database engine behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DBFile is the name of the SQLite database file in the data directory.
const DBFile = "qms.db"

// sqliteTimeFormat is how SQLite stores times: UTC, microseconds, sortable as
// text and understood by SQLite's date functions.
const sqliteTimeFormat = "2006-01-02 15:04:05.000000"

// Options say which database to open.
type Options struct {
	DataDir     string // SQLite: the directory of qms.db (created if missing)
	DatabaseURL string // PostgreSQL: a postgres:// URL; takes precedence over DataDir
	Logger      *slog.Logger
	Now         func() time.Time // the clock; time.Now when nil
	NoMigrate   bool             // open without applying migrations (qms migrate status)
}

// Store is the database of qms.
type Store struct {
	w       *sql.DB // writes; on SQLite a single connection
	r       *sql.DB // reads; on PostgreSQL the same pool as w
	dialect Dialect
	log     *slog.Logger
	now     func() time.Time
	path    string // the SQLite file, "" on PostgreSQL

	rebound sync.Map // query text -> PostgreSQL form

	jobWake jobSignal // wakes this process's job runners when jobs were enqueued
}

// Open opens the database described by o and applies pending migrations.
func Open(ctx context.Context, o Options) (*Store, error) {
	s := &Store{log: o.Logger, now: o.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if o.DatabaseURL != "" {
		err = s.openPostgres(ctx, o.DatabaseURL)
	} else {
		err = s.openSQLite(ctx, o.DataDir)
	}
	if err != nil {
		return nil, err
	}
	if !o.NoMigrate {
		if _, err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func (s *Store) openSQLite(ctx context.Context, dir string) error {
	if dir == "" {
		dir = "qms-data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	s.dialect = SQLite
	s.path = filepath.Join(dir, DBFile)
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)") // first, so that setting WAL waits too
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	q.Set("_timefmt", sqliteTimeFormat)
	dsn := "file:" + (&url.URL{Path: s.path}).EscapedPath() + "?" + q.Encode()
	var err error
	if s.w, err = driver.Open(dsn, unicode.Register); err != nil {
		return err
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetConnMaxIdleTime(0)
	ro := dsn + "&_pragma=query_only(1)"
	if s.r, err = driver.Open(ro, unicode.Register); err != nil {
		s.w.Close()
		return err
	}
	s.r.SetMaxOpenConns(8)
	if err := s.w.PingContext(ctx); err != nil {
		s.Close()
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	return nil
}

func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	s.dialect = Postgres
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("open PostgreSQL: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s.w, s.r = db, db
	return nil
}

// Dialect returns the database engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Path returns the SQLite database file, or "" on PostgreSQL.
func (s *Store) Path() string { return s.path }

// Now returns the current time as the store records it: UTC, microseconds.
func (s *Store) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close checkpoints the SQLite log and closes the database.
func (s *Store) Close() error {
	var errs []error
	if s.dialect == SQLite && s.w != nil {
		if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			errs = append(errs, err)
		}
	}
	if s.r != nil && s.r != s.w {
		errs = append(errs, s.r.Close())
	}
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// DB returns the write pool, for tests and tools that need raw access.
func (s *Store) DB() *sql.DB { return s.w }

// q returns query in the dialect's placeholder form.
func (s *Store) q(query string) string {
	if s.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	out := rebind(query)
	s.rebound.Store(query, out)
	return out
}

// rebind turns ? placeholders outside quotes into $1, $2 ...
func rebind(query string) string {
	var b strings.Builder
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// mapError translates driver errors into domain errors where one applies.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return qms.Errorf(qms.KindNotFound, "%s not found", what)
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.ExtendedCode() {
		case sqlite3.CONSTRAINT_UNIQUE, sqlite3.CONSTRAINT_PRIMARYKEY:
			return &qms.Error{Kind: qms.KindConflict, Message: what + " already exists", Err: err}
		}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return &qms.Error{Kind: qms.KindConflict, Message: what + " already exists", Err: err}
	}
	return err
}

// isBusy reports whether err is a transient lock conflict worth retrying:
// SQLite busy, or a PostgreSQL serialization failure or deadlock.
func isBusy(err error) bool {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.BUSY || se.Code() == sqlite3.LOCKED
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return false
}
