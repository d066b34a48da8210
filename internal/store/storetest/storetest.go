// Package storetest opens throwaway qms databases for tests: a SQLite file in
// a temporary directory, and a fresh PostgreSQL database cloned from a
// migrated template. Each runs the same test against both.
//
// PostgreSQL comes from QMS_TEST_POSTGRES_URL (test.sh starts a throwaway
// cluster and sets it). When it is unset, Main starts a cluster itself from
// Debian's postgresql-15 binaries if they are installed. Without PostgreSQL
// the PostgreSQL half of each test is skipped with a message saying what to
// install, except under CI=true, where it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"qms/internal/store"
)

// EnvURL names the variable that points the tests at a PostgreSQL server.
const EnvURL = "QMS_TEST_POSTGRES_URL"

// PGBin is where Debian installs the PostgreSQL 15 server binaries.
const PGBin = "/usr/lib/postgresql/15/bin"

// Dialects are the databases every storage test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// Main runs the tests of a package, starting a PostgreSQL cluster first when
// none is configured and the binaries exist, and stopping it afterwards.
// Use it from TestMain: func TestMain(m *testing.M) { storetest.Main(m) }.
func Main(m *testing.M) {
	var stop func()
	if os.Getenv(EnvURL) == "" {
		if _, err := os.Stat(filepath.Join(PGBin, "initdb")); err == nil {
			u, s, err := StartCluster()
			if err != nil {
				fmt.Fprintln(os.Stderr, "storetest: cannot start PostgreSQL:", err)
			} else {
				os.Setenv(EnvURL, u)
				stop = s
			}
		}
	}
	code := m.Run()
	if stop != nil {
		stop()
	}
	os.Exit(code)
}

// Each runs fn as a subtest on a fresh SQLite database and on a fresh
// PostgreSQL database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated store of dialect d, closed when the test ends.
func Open(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	o := Options(t, d)
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("open %s store: %v", d, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Options returns the options of a fresh, empty database of dialect d: a new
// temporary directory for SQLite, a new migrated database for PostgreSQL.
func Options(t testing.TB, d store.Dialect) store.Options {
	t.Helper()
	if d == store.SQLite {
		return store.Options{DataDir: t.TempDir()}
	}
	return store.Options{DatabaseURL: NewPostgresDB(t)}
}

// RequirePostgres returns the server URL, or skips the test (fails under
// CI=true) when there is no PostgreSQL.
func RequirePostgres(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		msg := "PostgreSQL is not available: install postgresql-15 (apt-get install postgresql-15) or set " + EnvURL + "; ./test.sh does both"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

var (
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
	tmplMu   sync.Mutex // CREATE DATABASE ... TEMPLATE needs the template idle
)

// NewPostgresDB creates a database cloned from a migrated template and drops
// it when the test ends. It returns its URL.
func NewPostgresDB(t testing.TB) string {
	t.Helper()
	base := RequirePostgres(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tmplOnce.Do(func() { tmplName, tmplErr = makeTemplate(base, admin) })
	if tmplErr != nil {
		t.Fatalf("prepare PostgreSQL template: %v", tmplErr)
	}
	name := "qms_test_" + randHex(6)
	tmplMu.Lock()
	_, err = admin.Exec(fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmplName))
	tmplMu.Unlock()
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return withDB(base, name)
}

func makeTemplate(base string, admin *sql.DB) (string, error) {
	name := "qms_tmpl_" + randHex(6)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		return "", err
	}
	s, err := store.Open(context.Background(), store.Options{DatabaseURL: withDB(base, name)})
	if err != nil {
		return "", err
	}
	return name, s.Close()
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// StartCluster starts a throwaway PostgreSQL cluster on a free loopback port
// (as the postgres user when running as root) and returns its URL and a
// function that stops it and removes its files.
func StartCluster() (string, func(), error) {
	dir, err := os.MkdirTemp("", "qms-pg-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	var cred *syscall.Credential
	if os.Getuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			cleanup()
			return "", nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(PGBin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		cleanup()
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cleanup()
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", port, dir)
	if err := run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		cleanup()
		return "", nil, err
	}
	stop := func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		cleanup()
	}
	u := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		db, _ := sql.Open("pgx", u)
		err := db.Ping()
		db.Close()
		if err == nil {
			return u, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
