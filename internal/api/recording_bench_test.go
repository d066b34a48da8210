package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// BenchmarkRecordDefect measures recording a defect over HTTP through the
// real handler (server middleware with Bearer authentication and the
// request log, the API, inspectionops, the audited append-only entry) on
// SQLite with 16 inspectors recording at once, two on each of 8
// pre-shipment inspections, each request a new defect with its own
// idempotency key; and as the baseline a bare loop of single-row
// BEGIN; INSERT; COMMIT transactions on the same database with 16
// concurrent clients. It reports the latency percentiles and throughput.
//
//	QMS_BENCH_RECORDING=1 go test ./internal/api/ -run '^$' -bench RecordDefect -benchtime 1x
func BenchmarkRecordDefect(b *testing.B) {
	if os.Getenv("QMS_BENCH_RECORDING") == "" {
		b.Skip("set QMS_BENCH_RECORDING=1 to run the recording load")
	}
	const clients, perClient = 16, 250
	st := storetest.Open(b, store.SQLite)
	w := insptest.Build(b, st)
	log := slog.New(slog.NewTextHandler(io.Discard, nil)) // the product's default request logging, discarded
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: log}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{api.New(st, a, log)}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	acc := &account.Service{Store: st}
	var lots []int64
	for range clients / 2 {
		lots = append(lots, w.Lot(b, st, w.PA, inspection.KindPreShipment, 3200).ID)
	}
	tokens := make([]string, clients)
	for i := range tokens {
		u, _, err := acc.CreateUser(insptest.System, account.NewUser{Email: fmt.Sprintf("bench-%02d@example.com", i), Name: fmt.Sprintf("Thanh Tra %02d", i),
			Role: qms.RoleInspector, Password: "correct horse battery staple"})
		if err != nil {
			b.Fatal(err)
		}
		if _, tokens[i], err = acc.CreateToken(insptest.System, u.ID, "bench", nil); err != nil {
			b.Fatal(err)
		}
	}
	percentiles := func(d []time.Duration) string {
		slices.Sort(d)
		q := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))].Round(10 * time.Microsecond) }
		return fmt.Sprintf("p50 %v p95 %v p99 %v", q(0.5), q(0.95), q(0.99))
	}
	// cpu is the CPU time this process has used (user and system): the
	// work per request, which the other processes on the machine do not
	// change the way they change latencies.
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var cpuPerOp time.Duration
	run := func(do func(client, i int) error) ([]time.Duration, time.Duration) {
		var mu sync.Mutex
		var all []time.Duration
		var wg sync.WaitGroup
		cpu0 := cpu()
		defer func() { cpuPerOp = (cpu() - cpu0) / (clients * perClient) }()
		start := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				own := make([]time.Duration, 0, perClient)
				for i := range perClient {
					t0 := time.Now()
					if err := do(c, i); err != nil {
						b.Error(err)
						return
					}
					own = append(own, time.Since(t0))
				}
				mu.Lock()
				all = append(all, own...)
				mu.Unlock()
			}()
		}
		wg.Wait()
		return all, time.Since(start)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	for b.Loop() {
		d, took := run(func(c, i int) error {
			body := fmt.Sprintf(`{"key":"bench-%02d-%06d-%d","kind":"defect","defect":{"unit":%d,"code":"SCR-01","class":"minor","location":"top cover 顶盖","note":"client %d"}}`,
				c, i, time.Now().UnixNano(), 1+(i*7+c)%125, c)
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/inspections/"+strconv.FormatInt(lots[c/2], 10)+"/entries", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tokens[c])
			req.Header.Set("Content-Type", "application/json")
			res, err := hc.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusCreated {
				return fmt.Errorf("status %d", res.StatusCode)
			}
			return nil
		})
		b.Logf("record a defect over HTTP, %d inspectors: %d requests in %v, %.0f/s, %s, CPU %v per request", clients, len(d), took.Round(time.Millisecond),
			float64(len(d))/took.Seconds(), percentiles(d), cpuPerOp.Round(time.Microsecond))
		slices.Sort(d)
		b.ReportMetric(float64(d[int(0.95*float64(len(d)-1))].Microseconds())/1000, "p95-ms")

		// The same defects without HTTP: through inspectionops as the API
		// calls it (checked in a read transaction, then inserted), and the
		// way session 1 recorded them (all of it in one write transaction:
		// the inspection read for visibility, then store.Tx.RecordEntry).
		ops := &inspectionops.Service{Store: st}
		defect := func(c, i int, tag string) *inspection.Entry {
			return &inspection.Entry{InspectionID: lots[c/2], Key: fmt.Sprintf("%s-%02d-%06d-%d", tag, c, i, time.Now().UnixNano()), Kind: inspection.EntryDefect,
				Defect: &inspection.DefectEntry{Unit: 1 + (i*7+c)%125, Code: "SCR-01", Class: inspection.Minor, Location: "top cover 顶盖", Note: fmt.Sprintf("client %d", c)}}
		}
		inspectorCtx := w.Inspector()
		d, took = run(func(c, i int) error {
			_, err := ops.RecordEntry(inspectorCtx, defect(c, i, "ops"))
			return err
		})
		b.Logf("record a defect in process (inspectionops), %d inspectors: %d in %v, %.0f/s, %s, CPU %v per request", clients, len(d), took.Round(time.Millisecond),
			float64(len(d))/took.Seconds(), percentiles(d), cpuPerOp.Round(time.Microsecond))
		d, took = run(func(c, i int) error {
			return st.Update(inspectorCtx, func(tx *store.Tx) error {
				if _, err := tx.Inspection(lots[c/2]); err != nil {
					return err
				}
				_, err := tx.RecordEntry(defect(c, i, "one-tx"))
				return err
			})
		})
		b.Logf("record a defect in process, checked and inserted in one write transaction (session 1's shape), %d inspectors: %d in %v, %.0f/s, %s, CPU %v per request", clients, len(d), took.Round(time.Millisecond),
			float64(len(d))/took.Seconds(), percentiles(d), cpuPerOp.Round(time.Microsecond))

		if _, err := st.DB().Exec("CREATE TABLE IF NOT EXISTS bench_inserts (id INTEGER PRIMARY KEY, client INTEGER, payload TEXT)"); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		d, took = run(func(c, i int) error {
			tx, err := st.DB().BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if _, err := tx.Exec("INSERT INTO bench_inserts (client, payload) VALUES (?, ?)", c, `{"unit":1,"code":"SCR-01"}`); err != nil {
				tx.Rollback()
				return err
			}
			return tx.Commit()
		})
		b.Logf("baseline bare insert transactions, %d clients: %d in %v, %.0f/s, %s, CPU %v per request", clients, len(d), took.Round(time.Millisecond),
			float64(len(d))/took.Seconds(), percentiles(d), cpuPerOp.Round(time.Microsecond))
	}
}
