package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// fillScale writes, straight into a SQLite database with SQL (benchmark
// data: not audited, foreign keys not checked on the filling connection),
// 200 suppliers with 2 sites each, 2,000 products, n decided inspections
// with one lot result each (the roll-up triggers fire as in production)
// spread over two years up to now, and perInspection defect entries per
// inspection.
func fillScale(b *testing.B, s *store.Store, n, perInspection int) {
	b.Helper()
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	exec("PRAGMA foreign_keys = OFF")
	defer exec("PRAGMA foreign_keys = ON")
	now := time.Now().UTC()
	ts := now.Format("2006-01-02 15:04:05")
	start := qms.DateOf(now).AddDate(-2, 0, 0).String()
	exec("INSERT INTO product_categories (code, name, created_at, updated_at) VALUES ('scale', 'Scale', ?, ?)", ts, ts)
	exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200)
		INSERT INTO suppliers (id, name, sort_key, search_text, kind, country, created_at, updated_at)
		SELECT i, 'Supplier ' || i, 'supplier ' || i, 'supplier ' || i, 'manufacturer', 'CN', ?, ? FROM c`, ts, ts)
	exec(`WITH RECURSIVE c(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM c WHERE i < 401)
		INSERT INTO sites (id, supplier_id, name, sort_key, country, created_at, updated_at) SELECT i, i / 2, 'Site ' || i, 'site ' || i, 'CN', ?, ? FROM c`, ts, ts)
	exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
		INSERT INTO products (id, sku, sku_key, name, search_text, category, created_at, updated_at)
		SELECT i, 'P' || i, 'P' || i, 'Product ' || i, 'product ' || i, 'scale', ?, ? FROM c`, ts, ts)
	exec(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000)
		INSERT INTO specs (id, product_id, revision, status, created_at, updated_at) SELECT i, i, 1, 'released', ?, ? FROM c`, ts, ts)
	const chunk = 100_000
	for lo := 1; lo <= n; lo += chunk {
		hi := min(n, lo+chunk-1)
		exec("BEGIN")
		// A pseudo-random but reproducible spread: supplier, product, kind,
		// day and counts from the inspection number.
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d),
			r AS (SELECT i, 1 + (i * 7919) %% 200 AS sup, 1 + (i * 104729) %% 2000 AS prod, (i * 31) %% 4 AS k, (i * 613) %% 730 AS d FROM c)
			INSERT INTO inspections (id, kind, status, product_id, spec_id, supplier_id, site_id, po_number, lot_size, produced, packed,
				inspector_name, planned_on, units_to_draw, verdict, decision, created_at, updated_at)
			SELECT i, CASE k WHEN 0 THEN 'incoming' WHEN 1 THEN 'in_process' WHEN 2 THEN 'pre_shipment' ELSE 'container_loading' END,
				'decided', prod, prod, sup, sup * 2 + i %% 2, 'PO-' || i, 3200, 3200, 3200, 'Inspector', date(?, '+' || d || ' days'), 125,
				CASE WHEN i %% 12 = 0 THEN 'fail' ELSE 'pass' END, CASE WHEN i %% 12 = 0 THEN 'reject' ELSE 'release' END, ?, ? FROM r`, lo, hi),
			start, ts, ts)
		exec(fmt.Sprintf(`INSERT INTO lot_results (inspection_id, source, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size,
				sample_size, major_defective, minor_defective, major_defects, minor_defects, defective_units, verdict, decision, rejected, resubmitted, created_at)
			SELECT id, 'internal', supplier_id, site_id, product_id, 'scale', kind, planned_on, 3200, 125, id %% 4, id %% 6, id %% 4 + id %% 2,
				id %% 6 + id %% 3, id %% 4 + id %% 6, verdict, decision, CASE WHEN verdict = 'fail' THEN 1 ELSE 0 END, CASE WHEN id %% 20 = 0 THEN 1 ELSE 0 END, ?
			FROM inspections WHERE id BETWEEN %d AND %d`, lo, hi), ts)
		if perInspection > 0 {
			exec(fmt.Sprintf(`WITH RECURSIVE e(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM e WHERE j < %d)
				INSERT INTO inspection_entries (inspection_id, client_key, kind, unit, class, code, payload, recorded_by, recorded_at)
				SELECT i.id, 'bench-' || e.j, 'defect', e.j, CASE WHEN e.j %% 3 = 0 THEN 'major' ELSE 'minor' END, 'D-' || (e.j %% 7),
					'{"unit":' || e.j || ',"code":"D-' || (e.j %% 7) || '","description":"Scratch on housing","class":"minor","location":"top cover"}',
					'Inspector', ? FROM inspections i, e WHERE i.id BETWEEN %d AND %d`, perInspection, lo, hi), ts)
		}
		exec("COMMIT")
	}
	exec("ANALYZE")
}

// BenchmarkRejectionRatesScale measures the rejection-rate queries of the
// supplier and product pages, the rates page's rankings and the API's
// filters through resultops (as the pages and the API run them: the
// monthly roll-up where the filter allows, the lot results' covering
// indexes otherwise) over QMS_BENCH_INSPECTIONS decided inspections (one
// lot result each) and ten defect entries per inspection on SQLite, with
// the p95 of each, beside a bare indexed count of one supplier's lot
// results as the baseline. Set QMS_BENCH_SCALE=1 to run it (it fills a
// database of several GB first).
//
//	QMS_BENCH_SCALE=1 QMS_BENCH_INSPECTIONS=1000000 go test ./internal/store/ -run '^$' -bench RejectionRatesScale -benchtime 200x -timeout 60m
func BenchmarkRejectionRatesScale(b *testing.B) {
	if os.Getenv("QMS_BENCH_SCALE") == "" {
		b.Skip("set QMS_BENCH_SCALE=1 to fill a database of a million inspections and ten million defect entries and measure")
	}
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("QMS_BENCH_INSPECTIONS")); err == nil && v > 0 {
		n = v
	}
	s := storetest.Open(b, store.SQLite)
	began := time.Now()
	fillScale(b, s, n, 10)
	var lots, entries int
	s.DB().QueryRow("SELECT COUNT(*) FROM lot_results").Scan(&lots)
	s.DB().QueryRow("SELECT COUNT(*) FROM inspection_entries").Scan(&entries)
	b.Logf("filled %d inspections and lot results, %d defect entries in %s", lots, entries, time.Since(began).Round(time.Second))

	ctx := qms.WithActor(context.Background(), qms.Actor{UserID: 1, Name: "bench", Role: qms.RoleQualityManager, Via: "session"})
	ops := &resultops.Service{Store: s}
	today := qms.DateOf(time.Now().UTC())
	y1, y2 := store.LotResultFilter{}, store.LotResultFilter{}
	y1.From, y1.To = store.WholeMonths(today.AddDate(0, -11, 0), today)
	y2.From, y2.To = store.WholeMonths(today.AddDate(-2, 0, 0), today)
	with := func(f store.LotResultFilter, set func(*store.LotResultFilter)) store.LotResultFilter {
		set(&f)
		return f
	}
	cases := []struct {
		name  string
		f     store.LotResultFilter
		group string
	}{
		{"supplier_by_kind_12m", with(y1, func(f *store.LotResultFilter) { f.SupplierID = 17 }), resultops.GroupKind},
		{"supplier_by_month_24m", with(y2, func(f *store.LotResultFilter) { f.SupplierID = 17 }), resultops.GroupMonth},
		{"supplier_total_12m", with(y1, func(f *store.LotResultFilter) { f.SupplierID = 17 }), resultops.GroupTotal},
		{"product_by_kind_12m", with(y1, func(f *store.LotResultFilter) { f.ProductID = 1234 }), resultops.GroupKind},
		{"product_by_month_24m", with(y2, func(f *store.LotResultFilter) { f.ProductID = 1234 }), resultops.GroupMonth},
		{"product_by_supplier_12m", with(y1, func(f *store.LotResultFilter) { f.ProductID = 1234 }), resultops.GroupSupplier},
		{"supplier_by_product_12m", with(y1, func(f *store.LotResultFilter) { f.SupplierID = 17 }), resultops.GroupProduct},
		{"supplier_days_by_kind", with(y1, func(f *store.LotResultFilter) { f.SupplierID = 17; f.From = f.From.AddDate(0, 0, 9) }), resultops.GroupKind},
		{"site_by_month_12m", with(y1, func(f *store.LotResultFilter) { f.SiteID = 34 }), resultops.GroupMonth},
		{"all_suppliers_ranked_12m", y1, resultops.GroupSupplier},
		{"all_products_ranked_12m", y1, resultops.GroupProduct},
		{"all_by_month_24m", y2, resultops.GroupMonth},
	}
	report := func(b *testing.B, d []time.Duration) {
		slices.Sort(d)
		q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
		b.ReportMetric(q(0.5), "p50-ms")
		b.ReportMetric(q(0.95), "p95-ms")
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var d []time.Duration
			for b.Loop() {
				t0 := time.Now()
				rates, err := ops.Rates(ctx, c.f, c.group)
				if err != nil {
					b.Fatal(err)
				}
				if len(rates) == 0 {
					b.Fatal("no rates")
				}
				d = append(d, time.Since(t0))
			}
			report(b, d)
		})
	}
	b.Run("baseline_count_supplier_rows", func(b *testing.B) {
		var d []time.Duration
		for b.Loop() {
			t0 := time.Now()
			var k int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM lot_results WHERE supplier_id = ? AND voided_at IS NULL", 17).Scan(&k); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(t0))
		}
		report(b, d)
	})
}
