package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// Effectiveness benchmark data: suppliers with 5 products each, one
// decided inspection of qms per lot (with its lot result and 0 to 3 coded
// defect entries) spread over 2024 and 2025, and CAPAs of which a tenth
// are still collecting evidence (their criteria pending, started in the
// last two months), the rest closed. The clock of the store is 2026-01-01.
const (
	benchSuppliers       = 200
	benchProductsPerSupp = 5
	benchCodes           = 20
)

var benchNow = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func benchEnv(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// fillEffectiveness writes the benchmark data straight into the tables
// (not audited) and returns the supplier x product pairs.
func fillEffectiveness(tb testing.TB, s *store.Store, inspections, capas int) [][2]int64 {
	tb.Helper()
	ctx := context.Background()
	db := s.DB()
	now := benchNow.Format("2006-01-02 15:04:05.000000")
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	exec := func(q string, args ...any) {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("%v: %.200s", err, q)
		}
	}
	exec("INSERT INTO product_categories (code, name, created_at, updated_at) VALUES ('bench', 'Bench', ?, ?)", now, now)
	var pairs [][2]int64
	for i := 1; i <= benchSuppliers; i++ {
		exec(`INSERT INTO suppliers (id, name, sort_key, search_text, kind, country, created_at, updated_at) VALUES (?, ?, ?, ?, 'manufacturer', 'CN', ?, ?)`,
			i, fmt.Sprint("S", i), fmt.Sprint("s", i), fmt.Sprint("s", i), now, now)
		exec(`INSERT INTO sites (id, supplier_id, name, sort_key, country, created_at, updated_at) VALUES (?, ?, 'site', 'site', 'CN', ?, ?)`, i, i, now, now)
		for j := 0; j < benchProductsPerSupp; j++ {
			p := (i-1)*benchProductsPerSupp + j + 1
			exec(`INSERT INTO products (id, sku, sku_key, name, search_text, category, created_at, updated_at) VALUES (?, ?, ?, 'p', 'p', 'bench', ?, ?)`,
				p, fmt.Sprint("P", p), fmt.Sprint("P", p), now, now)
			exec(`INSERT INTO specs (id, product_id, revision, status, characteristics, created_at, updated_at) VALUES (?, ?, 1, 'released', '[]', ?, ?)`, p, p, now, now)
			pairs = append(pairs, [2]int64{int64(i), int64(p)})
		}
	}
	rng := rand.New(rand.NewPCG(6, 9))
	start := qms.NewDate(2024, 1, 1)
	const batch = 400
	var ib, lb, eb strings.Builder
	flush := func() {
		for _, b := range []*strings.Builder{&ib, &lb, &eb} {
			if b.Len() > 0 {
				exec(b.String())
				b.Reset()
			}
		}
	}
	entries := 0
	for i := 1; i <= inspections; i++ {
		pr := pairs[rng.IntN(len(pairs))]
		kind := []string{"incoming", "pre_shipment"}[rng.IntN(2)]
		on := start.AddDate(0, 0, (i-1)*731/inspections) // in id order over two years
		if ib.Len() == 0 {
			ib.WriteString(`INSERT INTO inspections (id, kind, status, product_id, spec_id, supplier_id, site_id, lot_size, verdict, created_at, updated_at) VALUES `)
			lb.WriteString(`INSERT INTO lot_results (inspection_id, source, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size, sample_size,
				major_defective, minor_defective, major_defects, minor_defects, defective_units, verdict, decision, rejected, resubmitted, created_at) VALUES `)
		} else {
			ib.WriteString(", ")
			lb.WriteString(", ")
		}
		fmt.Fprintf(&ib, "(%d, '%s', 'decided', %d, %d, %d, %d, 3000, 'pass', '%s', '%s')", i, kind, pr[1], pr[1], pr[0], pr[0], now, now)
		nd := rng.IntN(4)
		units := map[int]bool{}
		for k := 0; k < nd; k++ {
			u := 1 + rng.IntN(125)
			units[u] = true
			if eb.Len() == 0 {
				eb.WriteString(`INSERT INTO inspection_entries (inspection_id, client_key, kind, unit, class, code, payload, recorded_at) VALUES `)
			} else {
				eb.WriteString(", ")
			}
			fmt.Fprintf(&eb, "(%d, 'k%d', 'defect', %d, 'major', 'C%02d', '{}', '%s')", i, k, u, 1+rng.IntN(benchCodes), now)
			entries++
		}
		fmt.Fprintf(&lb, "(%d, 'internal', %d, %d, %d, 'bench', '%s', '%s', 3000, 125, %d, 0, %d, 0, %d, 'pass', 'release', 0, %d, '%s')",
			i, pr[0], pr[0], pr[1], kind, on, len(units), nd, len(units), boolInt(rng.IntN(30) == 0), now)
		if i%batch == 0 {
			flush()
		}
	}
	flush()
	// CAPAs: a tenth pending (a third each by defect code, by class and any
	// defect; a fifth of them about every product of the supplier), the
	// rest closed.
	var cb strings.Builder
	for i := 1; i <= capas; i++ {
		pr := pairs[rng.IntN(len(pairs))]
		if cb.Len() == 0 {
			cb.WriteString(`INSERT INTO capas (id, kind, type, status, title, severity, supplier_id, owner_id, owner_name, opened_on, crit_supplier_id,
				crit_product_id, crit_code, crit_class, crit_max, crit_per, crit_lots, crit_days, crit_start_on, crit_state, created_at, updated_at) VALUES `)
		} else {
			cb.WriteString(", ")
		}
		status, state := "closed", ""
		if i%10 == 0 {
			status, state = "verifying", "pending"
		}
		product := pr[1]
		if rng.IntN(5) == 0 {
			product = 0
		}
		code, class, lots, days := "", "", 0, 0
		switch rng.IntN(3) {
		case 0:
			code = fmt.Sprintf("C%02d", 1+rng.IntN(benchCodes))
		case 1:
			class = "major"
		}
		if rng.IntN(2) == 0 {
			lots = 100
		} else {
			days = 90
		}
		startOn := qms.NewDate(2025, 12, 31).AddDate(0, 0, -rng.IntN(60))
		fmt.Fprintf(&cb, "(%d, 'supplier', 'corrective', '%s', 'CAPA', 'major', %d, 2, 'QM', '%s', %d, %d, '%s', '%s', %d, 1000, %d, %d, '%s', '%s', '%s', '%s')",
			i, status, pr[0], startOn.AddDate(0, 0, -30), pr[0], product, code, class, 5+rng.IntN(20), lots, days, startOn, state, now, now)
		if i%batch == 0 {
			exec(cb.String())
			cb.Reset()
		}
	}
	if cb.Len() > 0 {
		exec(cb.String())
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec("ANALYZE"); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("%d inspections with %d defect entries, %d CAPAs (%d pending criteria)", inspections, entries, capas, capas/10)
	return pairs
}

// BenchmarkEffectiveness measures the evaluation of the open (pending)
// effectiveness criteria on SQLite over QMS_BENCH_INSPECTIONS inspections
// (default 100,000; the target is 1,000,000) and QMS_BENCH_CAPAS CAPAs
// (default 5,000; the target 50,000). after_new_inspection is what a
// decided inspection costs: one write transaction that inserts a lot
// result for a random supplier x product and evaluates the pending
// criteria about it (EvaluateCriteriaFor), storing the changed
// evaluations; baseline_insert_only is the same transaction with the
// insert only. daily_due_sweep is the daily job (EvaluateDueCriteria),
// which finds the pending criteria whose days window has ended among all
// pending ones. all_pending re-evaluates every pending criterion
// (EvaluatePendingCriteria, the repair after voided or late results). The
// without_indexes runs repeat the first three after dropping the three
// indexes migration 0009 designed for them (capas_criteria_pending,
// lot_results_effectiveness, inspection_entries_defect_code), so the same
// code runs on the indexes that existed before.
//
//	QMS_BENCH_INSPECTIONS=1000000 QMS_BENCH_CAPAS=50000 go test ./internal/store/ -run '^$' -bench Effectiveness -benchtime 20x -timeout 60m
func BenchmarkEffectiveness(b *testing.B) {
	n := benchEnv("QMS_BENCH_INSPECTIONS", 100_000)
	nc := benchEnv("QMS_BENCH_CAPAS", 5_000)
	o := storetest.Options(b, store.SQLite)
	o.Now = func() time.Time { return benchNow }
	s, err := store.Open(context.Background(), o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	t0 := time.Now()
	pairs := fillEffectiveness(b, s, n, nc)
	b.Logf("filled in %s", time.Since(t0).Round(time.Second))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 1))
	insert := func(tx *store.Tx, pr [2]int64) error {
		_, err := tx.Exec(`INSERT INTO lot_results (source, agency, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size, sample_size,
			major_defective, defective_units, major_defects, verdict, decision, rejected, created_at) VALUES ('third_party', 'QIMA', ?, ?, ?, 'bench',
			'pre_shipment', '2025-12-31', 3000, 125, 0, 0, 0, 'pass', 'release', 0, ?)`, pr[0], pr[0], pr[1], tx.Now)
		return err
	}
	// Warm up: every pending criterion evaluated once, as the daily job
	// leaves them.
	if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.EvaluatePendingCriteria(); return err }); err != nil {
		b.Fatal(err)
	}
	var pending int
	s.DB().QueryRow("SELECT COUNT(*) FROM capas WHERE crit_state = 'pending'").Scan(&pending)
	b.Logf("%d criteria pending after the first sweep", pending)
	run := func(prefix string) {
		b.Run(prefix+"after_new_inspection", func(b *testing.B) {
			evaluated := 0
			for b.Loop() {
				pr := pairs[rng.IntN(len(pairs))]
				if err := s.Update(ctx, func(tx *store.Tx) error {
					if err := insert(tx, pr); err != nil {
						return err
					}
					k, err := tx.EvaluateCriteriaFor(pr[0], pr[1])
					evaluated += k
					return err
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(evaluated)/float64(b.N), "changed/op")
		})
		b.Run(prefix+"baseline_insert_only", func(b *testing.B) {
			for b.Loop() {
				pr := pairs[rng.IntN(len(pairs))]
				if err := s.Update(ctx, func(tx *store.Tx) error { return insert(tx, pr) }); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(prefix+"daily_due_sweep", func(b *testing.B) {
			for b.Loop() {
				if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.EvaluateDueCriteria(); return err }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	run("")
	b.Run("all_pending", func(b *testing.B) {
		for b.Loop() {
			if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.EvaluatePendingCriteria(); return err }); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, ix := range []string{"capas_criteria_pending", "lot_results_effectiveness", "inspection_entries_defect_code"} {
		if _, err := s.DB().Exec("DROP INDEX " + ix); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.DB().Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	run("without_indexes/")
}
