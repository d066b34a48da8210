#!/usr/bin/env bash
# Runs every test of qms: formatting and vet, unit tests, storage tests on
# SQLite and on a throwaway PostgreSQL 15 cluster, the end-to-end tests of the
# real binary, browser tests (headless chromium) and PDF checks (poppler).
# Extra arguments go to `go test` (for example: ./test.sh -run Audit ./internal/store/).
set -euo pipefail
cd "$(dirname "$0")"

echo "== gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change these files:"; echo "$unformatted"; exit 1
fi
go vet ./...

# A throwaway PostgreSQL cluster for the storage tests, unless one is given.
pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT
PGBIN=/usr/lib/postgresql/15/bin
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ -z "${QMS_TEST_POSTGRES_URL:-}" ] && [ -x "$PGBIN/initdb" ]; then
  echo "== starting a throwaway PostgreSQL cluster"
  pgdir=$(mktemp -d /tmp/qms-pgtest.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  as_pg "$PGBIN/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" start >/dev/null
  export QMS_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
fi

echo "== go test"
if [ $# -gt 0 ]; then
  go test -count=1 "$@"
else
  go test -count=1 -timeout 20m ./...
fi
