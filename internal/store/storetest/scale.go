package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

// Scale is a data set of decided inspections for benchmarks (FillScale).
type Scale struct {
	Inspections int // decided inspections, one lot result each
	EntriesEach int // defect entries per inspection
	// Suppliers are spread over, each with SitesEach sites: supplier
	// FirstSupplier+k has the sites FirstSite+k*SitesEach onwards.
	// NewSuppliers creates them (from the next free ids where the first
	// ids are 0); otherwise they exist.
	Suppliers     int
	SitesEach     int
	NewSuppliers  bool
	FirstSupplier int64
	FirstSite     int64
	Products      int    // products (each with a released spec) created and spread over
	Category      string // the products' category; created when NewSuppliers
}

// FillScale writes, straight into a SQLite database with SQL (benchmark
// data: not audited, foreign keys not checked on the filling connection),
// the set sc describes: Inspections decided inspections spread over two
// years up to now, a lot result each (the roll-up triggers fire as in
// production), one in twelve failed and rejected, one in twenty a
// re-inspection, with EntriesEach defect entries each; supplier, site,
// product, kind, day and counts are a reproducible function of the
// inspection number. Chunks of 100,000 inspections are one transaction
// each.
func FillScale(tb testing.TB, s *store.Store, sc Scale) {
	tb.Helper()
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	exec := func(q string, args ...any) {
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			tb.Fatalf("%v\n%s", err, q)
		}
	}
	next := func(table string) int64 {
		var n int64
		if err := conn.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+table).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		return n
	}
	exec("PRAGMA foreign_keys = OFF")
	defer exec("PRAGMA foreign_keys = ON")
	now := time.Now().UTC()
	ts := now.Format("2006-01-02 15:04:05")
	start := qms.DateOf(now).AddDate(-2, 0, 0).String()
	cat := sc.Category
	if sc.NewSuppliers {
		exec("INSERT INTO product_categories (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)", cat, cat, ts, ts)
		if sc.FirstSupplier == 0 {
			sc.FirstSupplier = next("suppliers")
		}
		if sc.FirstSite == 0 {
			sc.FirstSite = next("sites")
		}
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d)
			INSERT INTO suppliers (id, name, sort_key, search_text, kind, country, created_at, updated_at)
			SELECT i, 'Supplier ' || i, 'supplier ' || i, 'supplier ' || i, 'manufacturer', 'CN', ?, ? FROM c`,
			sc.FirstSupplier, sc.FirstSupplier+int64(sc.Suppliers)-1), ts, ts)
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < %d)
			INSERT INTO sites (id, supplier_id, name, sort_key, country, created_at, updated_at)
			SELECT %d + i, %d + i / %d, 'Site ' || (%d + i), 'site ' || (%d + i), 'CN', ?, ? FROM c`,
			sc.Suppliers*sc.SitesEach-1, sc.FirstSite, sc.FirstSupplier, sc.SitesEach, sc.FirstSite, sc.FirstSite), ts, ts)
	}
	firstProduct, firstSpec, firstInspection := next("products"), next("specs"), next("inspections")
	exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < %d)
		INSERT INTO products (id, sku, sku_key, name, search_text, category, created_at, updated_at)
		SELECT %d + i, 'P' || (%d + i), 'P' || (%d + i), 'Product ' || i, 'product ' || i, ?, ?, ? FROM c`,
		sc.Products-1, firstProduct, firstProduct, firstProduct), cat, ts, ts)
	exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < %d)
		INSERT INTO specs (id, product_id, revision, status, created_at, updated_at) SELECT %d + i, %d + i, 1, 'released', ?, ? FROM c`,
		sc.Products-1, firstSpec, firstProduct), ts, ts)
	const chunk = 100_000
	for lo := 0; lo < sc.Inspections; lo += chunk {
		hi := min(sc.Inspections, lo+chunk) - 1
		exec("BEGIN")
		exec(fmt.Sprintf(`WITH RECURSIVE c(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM c WHERE i < %d),
			r AS (SELECT i, (i * 7919) %% %d AS sup, (i * 104729) %% %d AS prod, (i * 31) %% 4 AS k, (i * 613) %% 730 AS d FROM c)
			INSERT INTO inspections (id, kind, status, product_id, spec_id, supplier_id, site_id, po_number, lot_size, produced, packed,
				inspector_name, planned_on, units_to_draw, verdict, decision, created_at, updated_at)
			SELECT %d + i, CASE k WHEN 0 THEN 'incoming' WHEN 1 THEN 'in_process' WHEN 2 THEN 'pre_shipment' ELSE 'container_loading' END,
				'decided', %d + prod, %d + prod, %d + sup, %d + sup * %d + i %% %d, 'PO-' || i, 3200, 3200, 3200, 'Inspector',
				date(?, '+' || d || ' days'), 125, CASE WHEN i %% 12 = 0 THEN 'fail' ELSE 'pass' END,
				CASE WHEN i %% 12 = 0 THEN 'reject' ELSE 'release' END, ?, ? FROM r`,
			lo+1, hi+1, sc.Suppliers, sc.Products, firstInspection-1, firstProduct, firstSpec, sc.FirstSupplier, sc.FirstSite, sc.SitesEach, sc.SitesEach),
			start, ts, ts)
		exec(fmt.Sprintf(`INSERT INTO lot_results (inspection_id, source, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size,
				sample_size, major_defective, minor_defective, major_defects, minor_defects, defective_units, verdict, decision, rejected, resubmitted, created_at)
			SELECT id, 'internal', supplier_id, site_id, product_id, ?, kind, planned_on, 3200, 125, id %% 4, id %% 6, id %% 4 + id %% 2,
				id %% 6 + id %% 3, id %% 4 + id %% 6, verdict, decision, CASE WHEN verdict = 'fail' THEN 1 ELSE 0 END, CASE WHEN id %% 20 = 0 THEN 1 ELSE 0 END, ?
			FROM inspections WHERE id BETWEEN %d AND %d`, firstInspection+int64(lo), firstInspection+int64(hi)), cat, ts)
		if sc.EntriesEach > 0 {
			exec(fmt.Sprintf(`WITH RECURSIVE e(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM e WHERE j < %d)
				INSERT INTO inspection_entries (inspection_id, client_key, kind, unit, class, code, payload, recorded_by, recorded_at)
				SELECT i.id, 'bench-' || e.j, 'defect', e.j, CASE WHEN e.j %% 3 = 0 THEN 'major' ELSE 'minor' END, 'D-' || (e.j %% 7),
					'{"unit":' || e.j || ',"code":"D-' || (e.j %% 7) || '","description":"Scratch on housing","class":"minor","location":"top cover"}',
					'Inspector', ? FROM inspections i, e WHERE i.id BETWEEN %d AND %d`, sc.EntriesEach, firstInspection+int64(lo), firstInspection+int64(hi)), ts)
		}
		exec("COMMIT")
	}
	exec("ANALYZE")
}
