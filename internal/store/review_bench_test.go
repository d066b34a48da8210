package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// fillQMS adds to a scale database (SQL straight into the tables, not
// audited) nNCRs NCRs over the last two years (2 % voided, the last 30
// days open) over the first 1,000 suppliers, nCAPAs CAPAs with their
// nine 8D stages (a fifth open with stages overdue, the rest closed),
// nDocs documents of 10 revisions each (2 KB of text), 20 processes, nAudits audits
// completed over the last two years (four in five internal, by process;
// the rest supplier audits) with three findings each, ten objectives over
// every metric, four closed management reviews with five actions each,
// and 2,000 complaints.
func fillQMS(b *testing.B, s *store.Store, nNCRs, nCAPAs, nDocs, nAudits int) {
	b.Helper()
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%v\n%.300s", err, q)
		}
	}
	exec("PRAGMA foreign_keys = OFF")
	defer exec("PRAGMA foreign_keys = ON")
	now := time.Now().UTC()
	ts := now.Format("2006-01-02 15:04:05.000000")
	today := qms.DateOf(now)
	exec("BEGIN")
	series := func(n int) string {
		return fmt.Sprintf("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) ", n)
	}
	exec(series(nNCRs)+`INSERT INTO ncrs (id, source, status, title, severity, supplier_id, found, detected_on, quantity_affected, created_at, updated_at)
		SELECT i, 'incoming_inspection', CASE WHEN i % 50 = 0 THEN 'voided' WHEN i * 730 / ? < 30 THEN 'open' ELSE 'closed' END, 'NCR',
		CASE i % 3 WHEN 0 THEN 'major' WHEN 1 THEN 'minor' ELSE 'critical' END, 1 + i % 1000, 'found',
		date(?, '-' || (i * 730 / ?) || ' days'), 1, ?, ? FROM c`, nNCRs, today.String(), nNCRs, ts, ts)
	exec(series(nCAPAs)+`INSERT INTO capas (id, kind, type, status, title, severity, supplier_id, owner_id, owner_name, opened_on, created_at, updated_at, closed_at)
		SELECT i, 'supplier', 'corrective', CASE WHEN i % 5 = 0 THEN 'open' ELSE 'closed' END, 'CAPA', 'major', 1 + i % 1000, 9000, 'Bench Owner',
		date(?, '-' || (i * 730 / ?) || ' days'), ?, ?, CASE WHEN i % 5 = 0 THEN NULL ELSE date(?, '-' || (i * 730 / ? - 40) || ' days') || ' 12:00:00.000000' END FROM c`,
		today.String(), nCAPAs, ts, ts, today.String(), nCAPAs)
	exec(`INSERT INTO capa_stages (capa_id, stage, due_on, state) SELECT c.id, s.stage, date(c.opened_on, '+' || s.days || ' days'),
		CASE WHEN c.status = 'closed' THEN 'accepted' ELSE 'open' END FROM capas c CROSS JOIN (SELECT 'D0' AS stage, 1 AS days UNION ALL SELECT 'D1', 2
		UNION ALL SELECT 'D2', 3 UNION ALL SELECT 'D3', 3 UNION ALL SELECT 'D4', 14 UNION ALL SELECT 'D5', 30 UNION ALL SELECT 'D6', 45 UNION ALL SELECT 'D7', 60
		UNION ALL SELECT 'D8', 60) s`)
	exec(`INSERT INTO users (id, email, name, role, created_at, updated_at) VALUES (9000, 'bench@example.com', 'Bench Owner', 'quality_manager', ?, ?)`, ts, ts)
	exec(`INSERT INTO signatures (id, record_type, entity_type, entity_id, meaning, signer_id, signer_name, signer_role, method, content_hash, signed_at)
		VALUES (1, 'document_approval', 'document_revision', 1, 'approved', 9000, 'Bench Owner', 'quality_manager', 'password', ?, ?)`, fmt.Sprintf("%064d", 0), ts)
	exec(series(nDocs)+`INSERT INTO documents (id, number, number_key, title, type, owner_id, owner_name, effective_revision_id, effective_revision,
		next_review_on, created_at, updated_at) SELECT i, 'SOP-' || i, 'sop-' || i, 'Procedure ' || i, CASE WHEN i % 3 = 0 THEN 'procedure' ELSE 'form' END,
		9000, 'Bench Owner', i * 10, 10, date(?, '+' || (i % 400 - 30) || ' days'), ?, ? FROM c`, today.String(), ts, ts)
	exec(series(nDocs*10)+`INSERT INTO document_revisions (id, document_id, revision, status, change_description, body, author_id, author_name,
		signature_id, effective_on, created_at, updated_at) SELECT i, (i - 1) / 10 + 1, (i - 1) % 10 + 1, CASE WHEN i % 10 = 0 THEN 'effective' ELSE 'superseded' END,
		'change', printf('%.2000c', 'x'), 9000, 'Bench Owner', 1, date(?, '-' || (i % 700) || ' days'), ?, ? FROM c`, today.String(), ts, ts)
	for p := 1; p <= 20; p++ {
		exec(`INSERT INTO processes (id, name, name_key, owner_id, owner_name, kpis, created_at, updated_at) VALUES (?, ?, ?, 9000, 'Bench Owner', 'KPI', ?, ?)`,
			p, fmt.Sprintf("Process %02d", p), fmt.Sprintf("process %02d", p), ts, ts)
	}
	for a := 1; a <= nAudits; a++ {
		day := today.AddDate(0, 0, -(a*730)/nAudits).String()
		typ, proc, sup := "internal", any(1+a%20), any(nil)
		if a%5 == 0 {
			typ, proc, sup = "supplier", nil, 1+a%1000
		}
		exec(`INSERT INTO audits (id, type, status, title, scope, criteria, template_key, template_name, process_id, supplier_id, lead_id, lead_name,
			planned_start, planned_end, started_on, completed_on, score, created_at, updated_at) VALUES (?, ?, 'completed', ?, 'scope', 'ISO 9001:2015', 'iso9001',
			'ISO 9001:2015', ?, ?, 9000, 'Bench Owner', ?, ?, ?, ?, 87.5, ?, ?)`, a, typ, fmt.Sprintf("Audit %d", a), proc, sup, day, day, day, day, ts, ts)
		for l, g := range []string{"minor", "observation", "ofi"} {
			status := "noted"
			if g == "minor" {
				status = []string{"open", "closed"}[a%2]
			}
			exec(`INSERT INTO audit_findings (audit_id, line, grade, clause, question, evidence, status, created_at, updated_at)
				VALUES (?, ?, ?, '8.4.1', 'Are suppliers evaluated?', 'No evaluation record for two suppliers', ?, ?, ?)`, a, l+1, g, status, ts, ts)
		}
	}
	metrics := objective.Metrics
	for i := 0; i < 10; i++ {
		m := metrics[i%len(metrics)]
		exec(`INSERT INTO objectives (title, metric, comparison, target, owner_name, period_from, period_to, created_at, updated_at)
			VALUES (?, ?, '>=', 90, 'Bench Owner', ?, ?, ?, ?)`, m.Label(), m, string(objective.MonthOf(today.AddDate(-1, 0, 0))), string(objective.MonthOf(today)), ts, ts)
	}
	for r := 1; r <= 4; r++ {
		held := today.AddDate(0, -3*r, 0)
		exec(`INSERT INTO management_reviews (id, title, held_on, period_from, period_to, status, attendees, decisions, pack, closed_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'closed', '[{"name":"Bench Owner","role":"QM"}]', '["Go on"]', '{}', ?, ?, ?)`,
			r, fmt.Sprintf("Review %d", r), held.String(), held.AddDate(0, -3, 0).String(), held.String(), ts, ts, ts)
		for k := 0; k < 5; k++ {
			exec(`INSERT INTO review_actions (review_id, description, owner_name, due_on, status, created_at, updated_at) VALUES (?, 'Action', 'Bench Owner', ?, ?, ?, ?)`,
				r, held.AddDate(0, 2, 0).String(), []string{"open", "done"}[k%2], ts, ts)
		}
	}
	for c := 1; c <= 2000; c++ {
		exec(`INSERT INTO complaints (received_on, customer, product_text, description, reportable, status, created_at, updated_at)
			VALUES (?, 'Customer', 'Product', 'Complaint text', ?, ?, ?, ?)`, today.AddDate(0, 0, -c%700).String(), c%10 == 0, []string{"open", "closed"}[c%2], ts, ts)
	}
	exec("COMMIT")
}

// BenchmarkQMSScale measures the clause evidence map and the management
// review input pack (last twelve months) on SQLite over the large data
// sets: QMS_BENCH_INSPECTIONS decided inspections (default 1,000,000),
// QMS_BENCH_NCRS NCRs (200,000), QMS_BENCH_CAPAS CAPAs (50,000)
// (storetest.FillScale, fillQMS), QMS_BENCH_DOCUMENTS documents of 10
// revisions (5,000), QMS_BENCH_AUDITS audits (2,000) and the rest of the
// quality system (fillQMS), each with its p50 and p95, beside a baseline from the same
// run: a count of the last twelve months' NCRs from its index. Set
// QMS_BENCH_SCALE=1 to run it (it fills a database of about 1 GB first).
//
//	QMS_BENCH_SCALE=1 go test ./internal/store/ -run '^$' -bench QMSScale -benchtime 20x -timeout 60m
func BenchmarkQMSScale(b *testing.B) {
	if os.Getenv("QMS_BENCH_SCALE") == "" {
		b.Skip("set QMS_BENCH_SCALE=1 to fill a database of 1,000,000 inspections, 200,000 NCRs, 50,000 CAPAs, 5,000 documents and 2,000 audits and measure")
	}
	s := storetest.Open(b, store.SQLite)
	began := time.Now()
	storetest.FillScale(b, s, storetest.Scale{Inspections: benchEnv("QMS_BENCH_INSPECTIONS", 1_000_000), EntriesEach: 2, Suppliers: 1000, SitesEach: 1,
		NewSuppliers: true, Products: 2000, Category: "qmsscale"})
	fillQMS(b, s, benchEnv("QMS_BENCH_NCRS", 200_000), benchEnv("QMS_BENCH_CAPAS", 50_000), benchEnv("QMS_BENCH_DOCUMENTS", 5000), benchEnv("QMS_BENCH_AUDITS", 2000))
	b.Logf("filled in %s", time.Since(began).Round(time.Second))
	ctx := context.Background()
	today := qms.DateOf(s.Now())
	run := func(name string, fn func(tx *store.Tx) (int, error)) {
		b.Run(name, func(b *testing.B) {
			var d []time.Duration
			n := 0
			for b.Loop() {
				t0 := time.Now()
				if err := s.View(ctx, func(tx *store.Tx) (err error) { n, err = fn(tx); return err }); err != nil {
					b.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			if n == 0 {
				b.Fatal("nothing measured")
			}
			b.ReportMetric(float64(n), "items")
			reportPercentiles(b, d)
		})
	}
	run("baseline_ncr_count_12_months", func(tx *store.Tx) (int, error) {
		var n int
		err := tx.QueryRow("SELECT COUNT(*) FROM ncrs WHERE detected_on >= ?", today.AddDate(-1, 0, 0).String()).Scan(&n)
		return n, err
	})
	run("evidence_map", func(tx *store.Tx) (int, error) {
		m, err := tx.EvidenceMap()
		return len(m.Rows) + len(m.Gaps), err
	})
	run("review_pack_12_months", func(tx *store.Tx) (int, error) {
		p, err := tx.ReviewPack(today.AddDate(-1, 0, 1), today, 0)
		if err != nil {
			return 0, err
		}
		return len(p.Suppliers) + len(p.Audits) + len(p.Objectives) + int(p.NCRs.Opened), nil
	})
}

// reportPercentiles reports the p50 and p95 of d (sorted in place).
func reportPercentiles(b *testing.B, d []time.Duration) {
	slices.Sort(d)
	q := func(p float64) float64 { return float64(d[int(p*float64(len(d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}
