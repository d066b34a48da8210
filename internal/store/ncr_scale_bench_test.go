package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// fillNCRScale writes the NCR/CAPA scale data set into s (SQLite, with SQL
// straight into the tables: benchmark data, not audited): nInspections
// decided inspections with a lot result and two defect entries each over
// 1,000 suppliers and 2,000 products (storetest.FillScale; each supplier
// delivers two products), then nNCRs NCRs over the last two years and
// nCAPAs CAPAs with their nine 8D stages, in transactions of 50,000 rows.
//
// Distributions: an NCR's supplier x product is drawn with a skew (the
// busiest tenth of the pairs has about a third of the NCRs); it has one to
// three defect lines whose codes DC-001 to DC-200 are Zipf-like
// (P(k) ~ 1/k); 2 % are voided, NCRs of the last 30 days are open,
// contained or dispositioned, older ones mostly closed; cause categories
// over the 6M with a skew; four in five have a cost. Of the CAPAs 30 % are
// active: a tenth of all (nCAPAs/10) verifying with an effectiveness
// criterion still pending (about one of the supplier's products, or all
// of them for one in five; by defect code, by class or any defect; over
// 100 inspections or 90 days), and a fifth open, opened in the last 120
// days with 0 to 8 stages accepted; 5 % cancelled, the rest closed. Stage
// due dates follow capa.DefaultDueDays from the opening. It returns the
// supplier x product pairs that have lot results, each with a site of
// the supplier.
func fillNCRScale(b *testing.B, s *store.Store, nInspections, nNCRs, nCAPAs int) [][3]int64 {
	b.Helper()
	storetest.FillScale(b, s, storetest.Scale{Inspections: nInspections, EntriesEach: 2, Suppliers: 1000, SitesEach: 1, NewSuppliers: true,
		Products: 2000, Category: "ncrscale"})
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
	// The pairs numbered 1..n; a site per supplier.
	exec(`CREATE TEMP TABLE bench_pairs AS SELECT ROW_NUMBER() OVER (ORDER BY supplier_id, product_id) AS n, supplier_id, product_id, site_id
		FROM (SELECT supplier_id, product_id, MIN(site_id) AS site_id FROM lot_results GROUP BY supplier_id, product_id)`)
	var pairs [][3]int64
	rows, err := conn.QueryContext(ctx, "SELECT supplier_id, product_id, site_id FROM bench_pairs ORDER BY n")
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var p [3]int64
		if err := rows.Scan(&p[0], &p[1], &p[2]); err != nil {
			b.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	np := len(pairs)
	ts := time.Now().UTC().Format("2006-01-02 15:04:05.000000") // as the store writes times
	// u(k) is a reproducible uniform number in [0, 1) of i, a different
	// sequence for each k.
	mult := []int64{2654435761, 2246822519, 3266489917, 668265263, 374761393, 1181783497, 3812015801, 2869860233, 1103515245, 2147483629}
	u := func(k int) string { return fmt.Sprintf("(((i * %d + %d) %% 1000003) / 1000003.0)", mult[k], k) }
	const chunk = 50_000
	for lo := 1; lo <= nNCRs; lo += chunk {
		hi := min(nNCRs, lo+chunk-1)
		exec("BEGIN")
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d),
			r AS (SELECT i, 1 + CAST(%d * %s * %s AS INTEGER) AS pn, CAST(730 * %s AS INTEGER) AS age, %s AS cu FROM c)
			INSERT INTO ncrs (id, source, status, title, severity, supplier_id, site_id, product_id, found, detected_on, quantity_inspected,
				quantity_affected, cause_category, currency, cost_scrap, cost_rework, cost_sorting, cost_freight, cost_other, cost_total,
				charged_back, created_at, updated_at)
			SELECT i, CASE i %% 8 WHEN 0 THEN 'customer_complaint' WHEN 1 THEN 'in_process_inspection' WHEN 2 THEN 'pre_shipment_inspection'
					WHEN 3 THEN 'pre_shipment_inspection' ELSE 'incoming_inspection' END,
				CASE WHEN i %% 50 = 0 THEN 'voided' WHEN age < 30 THEN (CASE i %% 3 WHEN 0 THEN 'open' WHEN 1 THEN 'contained' ELSE 'dispositioned' END)
					WHEN i %% 10 = 1 THEN 'verified' ELSE 'closed' END,
				'NCR ' || i, CASE WHEN i %% 20 = 0 THEN 'critical' WHEN i %% 3 = 0 THEN 'major' ELSE 'minor' END,
				p.supplier_id, p.site_id, p.product_id, 'Found out of specification', date('now', '-' || age || ' days'), 125, 1 + i %% 200,
				CASE WHEN age < 30 THEN '' ELSE (CASE CAST(cu * 10 AS INTEGER) WHEN 0 THEN 'machine' WHEN 1 THEN 'machine' WHEN 2 THEN 'machine'
					WHEN 3 THEN 'method' WHEN 4 THEN 'method' WHEN 5 THEN 'man' WHEN 6 THEN 'material' WHEN 7 THEN 'material'
					WHEN 8 THEN 'measurement' ELSE 'environment' END) END,
				CASE WHEN i %% 5 = 0 THEN '' WHEN i %% 17 = 0 THEN 'EUR' ELSE 'USD' END,
				CASE WHEN i %% 5 = 0 THEN 0 ELSE i %% 9000 END, CASE WHEN i %% 5 = 0 THEN 0 ELSE i %% 4000 END,
				CASE WHEN i %% 5 = 0 THEN 0 ELSE i %% 2500 END, 0, 0,
				CASE WHEN i %% 5 = 0 THEN 0 ELSE i %% 9000 + i %% 4000 + i %% 2500 END,
				CASE WHEN i %% 5 = 0 THEN 0 ELSE i %% 3000 END, ?, ?
			FROM r JOIN bench_pairs p ON p.n = r.pn`, lo, hi, np, u(1), u(2), u(3), u(4)), ts, ts)
		// One to three defect lines with Zipf-like codes: k = floor(201^u).
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d),
			l(line) AS (VALUES (1), (2), (3)),
			r AS (SELECT i, line, MIN(200, CAST(exp(ln(201) * ((((i * 3 + line) * 1597334677) %% 1000003) / 1000003.0)) AS INTEGER)) AS k
				FROM c JOIN l ON l.line <= 1 + i %% 3)
			INSERT OR IGNORE INTO ncr_defects (ncr_id, line, code, description, class, quantity)
			SELECT i, line, printf('DC-%%03d', k), 'Defect ' || k, CASE WHEN k %% 4 = 0 THEN 'major' ELSE 'minor' END, 1 + (i + line) %% 50 FROM r`,
			lo, hi))
		exec("COMMIT")
	}
	for lo := 1; lo <= nCAPAs; lo += chunk {
		hi := min(nCAPAs, lo+chunk-1)
		exec("BEGIN")
		// Active: i%10 = 0 verifying (criterion pending), 1 and 2 open;
		// cancelled: i%20 = 9; the rest closed.
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d),
			r AS (SELECT i, 1 + CAST(%d * %s * %s AS INTEGER) AS pn,
				CASE WHEN i %% 10 = 0 THEN 'verifying' WHEN i %% 10 IN (1, 2) THEN 'open' WHEN i %% 20 = 9 THEN 'cancelled' ELSE 'closed' END AS st,
				CASE WHEN i %% 10 IN (0, 1, 2) THEN CAST(120 * %s AS INTEGER) ELSE 100 + CAST(630 * %s AS INTEGER) END AS age,
				CAST(60 * %s AS INTEGER) AS since FROM c)
			INSERT INTO capas (id, kind, type, status, title, severity, supplier_id, site_id, product_id, owner_id, owner_name, opened_on,
				crit_supplier_id, crit_product_id, crit_code, crit_class, crit_max, crit_per, crit_lots, crit_days, crit_start_on, crit_state,
				created_at, updated_at, closed_at, cancelled_at)
			SELECT i, CASE WHEN i %% 7 = 3 AND st <> 'verifying' THEN 'internal' ELSE 'supplier' END, 'corrective', st, 'CAPA ' || i,
				CASE WHEN i %% 3 = 0 THEN 'major' ELSE 'minor' END, p.supplier_id, p.site_id, p.product_id, 2 + i %% 20, 'Owner ' || (i %% 20),
				date('now', '-' || age || ' days'),
				CASE WHEN st = 'verifying' THEN p.supplier_id END, CASE WHEN i %% 50 = 0 THEN 0 ELSE p.product_id END,
				CASE WHEN st = 'verifying' AND i %% 3 = 0 THEN 'D-' || (1 + i %% 2) ELSE '' END,
				CASE WHEN st = 'verifying' AND i %% 3 = 1 THEN 'major' ELSE '' END,
				5 + i %% 20, 1000, CASE WHEN i %% 20 = 0 THEN 100 ELSE 0 END, CASE WHEN i %% 20 = 10 THEN 90 ELSE 0 END,
				CASE WHEN st = 'verifying' THEN date('now', '-' || since || ' days') END, CASE WHEN st = 'verifying' THEN 'pending' ELSE '' END,
				?, ?, CASE WHEN st = 'closed' THEN strftime('%%Y-%%m-%%d %%H:%%M:%%S.000000', 'now', '-' || (age - 60 - i %% 40) || ' days') END,
				CASE WHEN st = 'cancelled' THEN strftime('%%Y-%%m-%%d %%H:%%M:%%S.000000', 'now', '-' || (age - 10) || ' days') END
			FROM r JOIN bench_pairs p ON p.n = r.pn`, lo, hi, np, u(5), u(6), u(7), u(8), u(9)), ts, ts)
		// Nine stages each, due after capa.DefaultDueDays; closed and
		// cancelled CAPAs have all accepted, verifying ones D0 to D7, open
		// ones the first i%9, the current one submitted for every third.
		exec(fmt.Sprintf(`WITH s(stage, k, days) AS (VALUES ('D0', 0, 1), ('D1', 1, 1), ('D2', 2, 1), ('D3', 3, 2), ('D4', 4, 14), ('D5', 5, 30),
				('D6', 6, 30), ('D7', 7, 60), ('D8', 8, 90)),
			r AS (SELECT id, opened_on, CASE status WHEN 'open' THEN id %% 9 WHEN 'verifying' THEN 8 ELSE 9 END AS done FROM capas WHERE id BETWEEN %d AND %d)
			INSERT INTO capa_stages (capa_id, stage, due_on, state, content, reviewed_at)
			SELECT r.id, s.stage, date(r.opened_on, '+' || s.days || ' days'),
				CASE WHEN s.k < r.done THEN 'accepted' WHEN s.k = r.done AND r.id %% 3 = 0 THEN 'submitted' ELSE 'open' END,
				CASE WHEN s.k < r.done THEN '{"text":"done"}' ELSE '{}' END,
				CASE WHEN s.k < r.done THEN strftime('%%Y-%%m-%%d 10:00:00.000000', r.opened_on, '+' || (s.days - 1 + r.id %% 3) || ' days') END
			FROM r, s`, lo, hi))
		exec("COMMIT")
	}
	exec("ANALYZE")
	return pairs
}

// pct reports the p50 and p95 of d (sorted in place) as metrics.
func pct(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}

// BenchmarkNCRScale measures the NCR and CAPA views and the evaluation of
// effectiveness criteria on SQLite over QMS_BENCH_NCRS NCRs (default
// 200,000), QMS_BENCH_CAPAS CAPAs (default 50,000, 5,000 of them with a
// pending criterion) and QMS_BENCH_INSPECTIONS decided inspections
// (default 1,000,000) (fillNCRScale), each with its p50 and p95, beside
// two baselines from the same run: fifty CAPA rows by primary key, and a
// count of the last twelve months' NCRs from its index. The views run as
// the pages run them: the CAPA list with ageing (first page of the active
// CAPAs, the overdue ones, one busy supplier's active ones, a page
// half-way down the list of all CAPAs), the three
// Paretos and the cost of poor quality over the last twelve months.
// eval_after_new_inspection is the write transaction of a new lot result
// for a random supplier x product with EvaluateCriteriaFor (the criteria
// it bears on judged, changed evaluations stored), beside
// baseline_insert_only, the same transaction without the evaluation.
// The without_0019 runs repeat the views after dropping the indexes of
// migration 0019 (and restoring ncrs_detected, which it replaced). Set
// QMS_BENCH_SCALE=1 to run it (it fills a database of about 1 GB first).
//
//	QMS_BENCH_SCALE=1 go test ./internal/store/ -run '^$' -bench NCRScale -benchtime 100x -timeout 60m
func BenchmarkNCRScale(b *testing.B) {
	if os.Getenv("QMS_BENCH_SCALE") == "" {
		b.Skip("set QMS_BENCH_SCALE=1 to fill a database of 1,000,000 inspections, 200,000 NCRs and 50,000 CAPAs and measure")
	}
	n := benchEnv("QMS_BENCH_INSPECTIONS", 1_000_000)
	nn := benchEnv("QMS_BENCH_NCRS", 200_000)
	nc := benchEnv("QMS_BENCH_CAPAS", 50_000)
	s := storetest.Open(b, store.SQLite)
	began := time.Now()
	pairs := fillNCRScale(b, s, n, nn, nc)
	db := s.DB()
	count := func(q string) int {
		var k int
		if err := db.QueryRow(q).Scan(&k); err != nil {
			b.Fatal(err)
		}
		return k
	}
	b.Logf("filled in %s: %d lot results, %d defect entries, %d NCRs (%d defect lines), %d CAPAs (%d active, %d stages, %d criteria pending), %d supplier x product pairs",
		time.Since(began).Round(time.Second), count("SELECT COUNT(*) FROM lot_results"), count("SELECT COUNT(*) FROM inspection_entries"),
		count("SELECT COUNT(*) FROM ncrs"), count("SELECT COUNT(*) FROM ncr_defects"), count("SELECT COUNT(*) FROM capas"),
		count("SELECT COUNT(*) FROM capas WHERE status IN ('open', 'verifying')"), count("SELECT COUNT(*) FROM capa_stages"),
		count("SELECT COUNT(*) FROM capas WHERE crit_state = 'pending'"), len(pairs))
	b.Logf("defect lines: top code %.1f %%, top 10 codes %.1f %%; NCRs of the busiest 10 %% of pairs %.1f %%",
		100*float64(count("SELECT COUNT(*) FROM ncr_defects GROUP BY code ORDER BY 1 DESC LIMIT 1"))/float64(count("SELECT COUNT(*) FROM ncr_defects")),
		100*float64(count("SELECT SUM(k) FROM (SELECT COUNT(*) AS k FROM ncr_defects GROUP BY code ORDER BY 1 DESC LIMIT 10)"))/float64(count("SELECT COUNT(*) FROM ncr_defects")),
		100*float64(count(fmt.Sprintf("SELECT SUM(k) FROM (SELECT COUNT(*) AS k FROM ncrs GROUP BY supplier_id, product_id ORDER BY 1 DESC LIMIT %d)", len(pairs)/10)))/float64(count("SELECT COUNT(*) FROM ncrs")))
	ctx := context.Background()
	busy := int64(count("SELECT supplier_id FROM capas WHERE status IN ('open', 'verifying') GROUP BY supplier_id ORDER BY COUNT(*) DESC LIMIT 1"))
	today := qms.DateOf(s.Now())
	var y1 store.NCRViewFilter // the pages' default period: the last 12 whole months
	y1.From, y1.To = store.WholeMonths(today.AddDate(0, -11, 0), today)
	view := func(name string, fn func(tx *store.Tx) (int, error)) {
		b.Run(name, func(b *testing.B) {
			var d []time.Duration
			rows := 0
			for b.Loop() {
				t0 := time.Now()
				if err := s.View(ctx, func(tx *store.Tx) (err error) { rows, err = fn(tx); return err }); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			if rows == 0 {
				b.Fatal("no rows")
			}
			b.ReportMetric(float64(rows), "rows")
			pct(b, d)
		})
	}
	ageing := func(f store.CAPAAgeFilter) func(tx *store.Tx) (int, error) {
		return func(tx *store.Tx) (int, error) {
			f.Limit = 50
			p, err := tx.ListCAPAAgeing(f)
			if err != nil {
				return 0, err
			}
			return len(p.Items), nil
		}
	}
	var first, overdue *store.CAPAAgePage
	if err := s.View(ctx, func(tx *store.Tx) (err error) {
		if first, err = tx.ListCAPAAgeing(store.CAPAAgeFilter{Active: true}); err != nil {
			return err
		}
		overdue, err = tx.ListCAPAAgeing(store.CAPAAgeFilter{Overdue: true})
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.Logf("active CAPAs: %d, overdue: %d; busiest supplier %d", first.Total, overdue.Total, busy)
	views := func(prefix string) {
		view(prefix+"baseline_capas_50_by_id", func(tx *store.Tx) (int, error) {
			rows, err := tx.Query("SELECT id, status, title, opened_on, supplier_id FROM capas ORDER BY id LIMIT 50")
			if err != nil {
				return 0, err
			}
			defer rows.Close()
			k := 0
			for rows.Next() {
				var id int64
				var st, title, on string
				var sup *int64
				if err := rows.Scan(&id, &st, &title, &on, &sup); err != nil {
					return 0, err
				}
				k++
			}
			return k, rows.Err()
		})
		view(prefix+"baseline_count_ncrs_12m", func(tx *store.Tx) (int, error) {
			var k int
			err := tx.QueryRow("SELECT COUNT(*) FROM ncrs WHERE detected_on BETWEEN ? AND ?", y1.From.String(), y1.To.String()).Scan(&k)
			return k, err
		})
		view(prefix+"capa_ageing_first_page", ageing(store.CAPAAgeFilter{Active: true}))
		view(prefix+"capa_ageing_overdue", ageing(store.CAPAAgeFilter{Overdue: true}))
		view(prefix+"capa_ageing_supplier", ageing(store.CAPAAgeFilter{Active: true, SupplierID: busy}))
		view(prefix+"capa_ageing_all_deep_page", ageing(store.CAPAAgeFilter{Offset: nc / 2}))
		paretos := []struct {
			name string
			fn   func(tx *store.Tx, f store.NCRViewFilter) ([]store.ParetoCount, error)
		}{
			{"pareto_defect_12m", (*store.Tx).NCRParetoByDefect},
			{"pareto_supplier_12m", (*store.Tx).NCRParetoBySupplier},
			{"pareto_cause_12m", (*store.Tx).NCRParetoByCause},
		}
		// Each view from the monthly roll-ups (migration 0020) and, as its
		// baseline, from the NCRs (Raw).
		raw := y1
		raw.Raw = true
		for _, p := range paretos {
			for _, v := range []struct {
				suffix string
				f      store.NCRViewFilter
			}{{"", y1}, {"_raw", raw}} {
				view(prefix+p.name+v.suffix, func(tx *store.Tx) (int, error) {
					c, err := p.fn(tx, v.f)
					return len(c), err
				})
			}
		}
		view(prefix+"copq_12m", func(tx *store.Tx) (int, error) {
			r, err := tx.CostOfPoorQuality(y1)
			return len(r), err
		})
		view(prefix+"copq_12m_raw", func(tx *store.Tx) (int, error) {
			r, err := tx.CostOfPoorQuality(raw)
			return len(r), err
		})
	}
	// The roll-ups, filled by their triggers as the NCRs and lines went in,
	// must equal their recomputation from the NCRs.
	t0 := time.Now()
	if err := s.View(ctx, func(tx *store.Tx) error {
		diffs, err := tx.CheckNCRRollup()
		if len(diffs) > 0 {
			b.Fatalf("%d roll-up rows differ from the NCRs, first %s", len(diffs), diffs[0])
		}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	b.Logf("roll-ups checked against the NCRs in %s: ncr_months %d rows, ncr_defect_months %d, ncr_defect_labels %d, ncr_cost_months %d",
		time.Since(t0).Round(time.Millisecond), count("SELECT COUNT(*) FROM ncr_months"), count("SELECT COUNT(*) FROM ncr_defect_months"),
		count("SELECT COUNT(*) FROM ncr_defect_labels"), count("SELECT COUNT(*) FROM ncr_cost_months"))
	views("")

	// Effectiveness: every pending criterion evaluated once first, as the
	// daily job leaves them.
	t0 = time.Now()
	if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.EvaluatePendingCriteria(); return err }); err != nil {
		b.Fatal(err)
	}
	b.Logf("first sweep of %d criteria in %s; %d still pending", nc/10, time.Since(t0).Round(time.Millisecond),
		count("SELECT COUNT(*) FROM capas WHERE crit_state = 'pending'"))
	rng := rand.New(rand.NewPCG(6, 1))
	insert := func(tx *store.Tx, pr [3]int64) error {
		_, err := tx.Exec(`INSERT INTO lot_results (source, agency, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size, sample_size,
			major_defective, defective_units, major_defects, verdict, decision, rejected, created_at) VALUES ('third_party', 'QIMA', ?, ?, ?, 'ncrscale',
			'pre_shipment', ?, 3200, 125, 0, 0, 0, 'pass', 'release', 0, ?)`, pr[0], pr[2], pr[1], today.String(), tx.Now)
		return err
	}
	write := func(name string, evaluate bool) {
		b.Run(name, func(b *testing.B) {
			var d []time.Duration
			criteria, changed := 0, 0
			for b.Loop() {
				pr := pairs[rng.IntN(len(pairs))]
				if evaluate {
					var k int
					db.QueryRow("SELECT COUNT(*) FROM capas WHERE crit_state = 'pending' AND crit_supplier_id = ? AND crit_product_id IN (0, ?)", pr[0], pr[1]).Scan(&k)
					criteria += k
				}
				t0 := time.Now()
				if err := s.Update(ctx, func(tx *store.Tx) error {
					if err := insert(tx, pr); err != nil || !evaluate {
						return err
					}
					k, err := tx.EvaluateCriteriaFor(pr[0], pr[1])
					changed += k
					return err
				}); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			if evaluate {
				b.ReportMetric(float64(criteria)/float64(b.N), "criteria/op")
				b.ReportMetric(float64(changed)/float64(b.N), "changed/op")
			}
			pct(b, d)
		})
	}
	write("baseline_insert_only", false)
	write("eval_after_new_inspection", true)
	// What the roll-up triggers cost an NCR write: a change of its title
	// (no roll-up trigger fires) against a move to the month before (its
	// counts, costs and defect lines move in all four roll-ups).
	ncrWrite := func(name, q string) {
		b.Run(name, func(b *testing.B) {
			var d []time.Duration
			for b.Loop() {
				id := 1 + rng.IntN(nn)
				t0 := time.Now()
				if err := s.Update(ctx, func(tx *store.Tx) error { _, err := tx.Exec(q, id); return err }); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			pct(b, d)
		})
	}
	ncrWrite("baseline_ncr_title", "UPDATE ncrs SET title = title || '.' WHERE id = ?")
	ncrWrite("ncr_move_month", "UPDATE ncrs SET detected_on = date(detected_on, '-1 month') WHERE id = ?")
	if err := s.View(ctx, func(tx *store.Tx) error {
		diffs, err := tx.CheckNCRRollup()
		if len(diffs) > 0 {
			b.Fatalf("after the moves %d roll-up rows differ from the NCRs, first %s", len(diffs), diffs[0])
		}
		return err
	}); err != nil {
		b.Fatal(err)
	}
	// The views again on the indexes before migration 0019 (the defect
	// Pareto keeps its 0019-era query).
	for _, q := range []string{"DROP INDEX ncrs_views", "DROP INDEX ncr_defects_pareto", "DROP INDEX capa_stages_open", "DROP INDEX capas_opened",
		"CREATE INDEX ncrs_detected ON ncrs (detected_on, status)", "ANALYZE"} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	views("without_0019/")
}
