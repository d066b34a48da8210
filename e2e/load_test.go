package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/store"
)

// TestLoad measures audited writes over HTTP against the real binary and a
// bare insert loop on the same database in the same run, plus start-up time
// and idle memory. It runs only with QMS_LOADTEST=1 (see BENCHMARKS.md):
//
//	QMS_LOADTEST=1 ./test.sh -run TestLoad -v ./e2e/
func TestLoad(t *testing.T) {
	if os.Getenv("QMS_LOADTEST") != "1" {
		t.Skip("set QMS_LOADTEST=1 to run the load test")
	}
	var report strings.Builder
	eachTarget(t, func(t *testing.T, tg target) {
		fmt.Fprintf(&report, "| database | clients | audited writes/s over HTTP | p50 | p95 | p99 | bare inserts/s | ratio |\n|---|---|---|---|---|---|---|---|\n")
		createAdmin(t, tg)
		tok, errOut, code := qmsCmd(t, "", append([]string{"token", "create", "--user", "admin@e2e.test", "--name", "load"}, tg...)...)
		if code != 0 {
			t.Fatalf("token create: %s", errOut)
		}
		tok = strings.TrimSpace(tok)
		in := start(t, tg)
		for _, run := range []struct{ clients, n int }{{1, 2000}, {16, 8000}} {
			clients, n := run.clients, run.n
			writes, lat := auditedWrites(t, in.url, tok, clients, n)
			bare := bareInserts(t, tg, clients, n)
			fmt.Fprintf(&report, "| %s | %d | %.0f | %s | %s | %s | %.0f | %.2f |\n", dialectOf(tg), clients, writes,
				pct(lat, 50), pct(lat, 95), pct(lat, 99), bare, writes/bare)
		}
		rss := rssMB(t, in.cmd.Process.Pid)
		in.cmd.Process.Kill()
		<-in.done
		// Start-up on the existing database, five times.
		var starts []time.Duration
		for i := 0; i < 5; i++ {
			t0 := time.Now()
			s := start(t, tg)
			starts = append(starts, time.Since(t0))
			if i == 4 {
				time.Sleep(2 * time.Second)
				fmt.Fprintf(&report, "\n%s: start-up to ready on the existing database (median of 5, process start included): %s; RSS idle after the load: %.1f MB; RSS idle after a fresh start: %.1f MB\n\n",
					dialectOf(tg), median(starts).Round(time.Millisecond), rss, rssMB(t, s.cmd.Process.Pid))
			}
			s.cmd.Process.Kill()
			<-s.done
		}
	})
	t.Logf("\n%s", report.String())
	if out := os.Getenv("QMS_LOADTEST_OUT"); out != "" {
		os.WriteFile(out, []byte(report.String()), 0o644)
	}
}

func dialectOf(tg target) store.Dialect {
	if tg[0] == "--db" {
		return store.Postgres
	}
	return store.SQLite
}

// auditedWrites renames users through PATCH /api/v1/users/{id}: each client
// owns a user and sends its current version, so every write is an audited
// update (read, update, audit event in the chain, commit).
func auditedWrites(t *testing.T, base, tok string, clients, total int) (float64, []time.Duration) {
	c := &http.Client{Transport: &bearer{tok, &http.Transport{MaxIdleConnsPerHost: clients}}, Timeout: 30 * time.Second}
	ids := make([]int64, clients)
	vers := make([]int64, clients)
	for i := range ids {
		var r struct {
			User userJSON `json:"user"`
		}
		email := fmt.Sprintf("load-%d-%d@e2e.test", clients, i)
		if code, err := doJSON(c, "POST", base+"/api/v1/users", map[string]any{"email": email, "name": "load", "role": "viewer", "password": "a long enough password"}, &r); err != nil || code != 201 {
			t.Fatalf("create load user: %d %v", code, err)
		}
		ids[i], vers[i] = r.User.ID, r.User.Version
	}
	lat := make([]time.Duration, total)
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < total; i += clients {
				var u userJSON
				s := time.Now()
				code, err := doJSON(c, "PATCH", fmt.Sprintf("%s/api/v1/users/%d", base, ids[w]),
					map[string]any{"name": "写入 " + strconv.Itoa(i), "version": vers[w]}, &u)
				lat[i] = time.Since(s)
				if err != nil || code != 200 {
					t.Errorf("patch: %d %v", code, err)
					return
				}
				vers[w] = u.Version
			}
		}(w)
	}
	wg.Wait()
	return float64(total) / time.Since(t0).Seconds(), lat
}

type bearer struct {
	tok string
	rt  http.RoundTripper
}

func (b *bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.tok)
	return b.rt.RoundTrip(r)
}

// bareInserts is the baseline: single-row insert transactions on the same
// database through the store's own connection settings, no HTTP, no audit.
func bareInserts(t *testing.T, tg target, clients, total int) float64 {
	o := store.Options{DataDir: tg[1]}
	if tg[0] == "--db" {
		o = store.Options{DatabaseURL: tg[1]}
	}
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := s.DB()
	db.Exec("CREATE TABLE IF NOT EXISTS bench_bare (id BIGINT PRIMARY KEY, name TEXT NOT NULL, at TEXT NOT NULL)")
	db.Exec("DELETE FROM bench_bare")
	ins := "INSERT INTO bench_bare (id, name, at) VALUES (?, ?, ?)"
	if s.Dialect() == store.Postgres {
		ins = "INSERT INTO bench_bare (id, name, at) VALUES ($1, $2, $3)"
	}
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < total; i += clients {
				tx, err := db.Begin()
				if err == nil {
					_, err = tx.Exec(ins, i, "写入 "+strconv.Itoa(i), time.Now().UTC().Format(time.RFC3339Nano))
				}
				if err == nil {
					err = tx.Commit()
				}
				if err != nil {
					t.Errorf("bare insert: %v", err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	return float64(total) / time.Since(t0).Seconds()
}

func pct(d []time.Duration, p int) string {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100].Round(10 * time.Microsecond).String()
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func rssMB(t *testing.T, pid int) float64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}
