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

// fillLotResults writes n lot results spread over suppliers x 2 sites and
// products, over two years, straight into the table (benchmark data, not
// audited), and returns the ids of the first supplier and product.
func fillLotResults(tb testing.TB, s *store.Store, n, suppliers, products int) (supplierID, productID int64) {
	tb.Helper()
	ctx := context.Background()
	db := s.DB()
	now := time.Now().UTC().Format("2006-01-02 15:04:05")
	exec := func(q string, args ...any) {
		if s.Dialect() == store.Postgres {
			i := 0
			q = strings.NewReplacer().Replace(q)
			var b strings.Builder
			for _, c := range q {
				if c == '?' {
					i++
					b.WriteString("$" + strconv.Itoa(i))
					continue
				}
				b.WriteRune(c)
			}
			q = b.String()
		}
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			tb.Fatal(err)
		}
	}
	exec("INSERT INTO product_categories (code, name, created_at, updated_at) VALUES ('bench', 'Bench', ?, ?)", now, now)
	for i := 1; i <= suppliers; i++ {
		exec(`INSERT INTO suppliers (id, name, sort_key, search_text, kind, country, created_at, updated_at) VALUES (?, ?, ?, ?, 'manufacturer', 'CN', ?, ?)`,
			i, fmt.Sprint("S", i), fmt.Sprint("s", i), fmt.Sprint("s", i), now, now)
		for j := 0; j < 2; j++ {
			exec(`INSERT INTO sites (id, supplier_id, name, sort_key, country, created_at, updated_at) VALUES (?, ?, 'site', 'site', 'CN', ?, ?)`, i*2+j, i, now, now)
		}
	}
	for i := 1; i <= products; i++ {
		exec(`INSERT INTO products (id, sku, sku_key, name, search_text, category, created_at, updated_at) VALUES (?, ?, ?, 'p', 'p', 'bench', ?, ?)`,
			i, fmt.Sprint("P", i), fmt.Sprint("P", i), now, now)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"incoming", "in_process", "pre_shipment", "container_loading"}
	start := qms.NewDate(2025, 1, 1)
	const batch = 500
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for done := 0; done < n; {
		k := min(batch, n-done)
		var b strings.Builder
		b.WriteString(`INSERT INTO lot_results (source, agency, supplier_id, site_id, product_id, category, kind, inspected_on, lot_size, sample_size,
			critical_defective, major_defective, minor_defective, critical_defects, major_defects, minor_defects, defective_units, verdict, decision,
			rejected, resubmitted, created_at) VALUES `)
		for i := 0; i < k; i++ {
			sup := 1 + rng.IntN(suppliers)
			md, nd := rng.IntN(4), rng.IntN(6)
			rej := 0
			verdict := "pass"
			if rng.IntN(12) == 0 {
				rej, verdict = 1, "fail"
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "('third_party', 'QIMA', %d, %d, %d, 'bench', '%s', '%s', 3000, 125, 0, %d, %d, 0, %d, %d, %d, '%s', '', %d, %d, '%s')",
				sup, sup*2+rng.IntN(2), 1+rng.IntN(products), kinds[rng.IntN(len(kinds))], start.AddDate(0, 0, rng.IntN(730)),
				md, nd, md+rng.IntN(2), nd+rng.IntN(3), md+nd, verdict, rej, boolInt(rng.IntN(20) == 0), now)
		}
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			tb.Fatal(err)
		}
		done += k
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if s.Dialect() == store.SQLite {
		exec("ANALYZE")
	} else {
		exec("ANALYZE lot_results")
	}
	return 1, 1
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkRejectionRates measures the rejection-rate queries a supplier
// scorecard and a product page make (by kind over a year, by month over
// two years) over QMS_BENCH_LOTS lot results (default 100000; the
// performance target is 1,000,000) on SQLite, beside a bare count of the
// same supplier's rows through its index as the baseline.
//
//	QMS_BENCH_LOTS=1000000 go test ./internal/store/ -run '^$' -bench RejectionRates -benchtime 200x
func BenchmarkRejectionRates(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("QMS_BENCH_LOTS")); err == nil && v > 0 {
		n = v
	}
	s := storetest.Open(b, store.SQLite)
	sup, prod := fillLotResults(b, s, n, 200, 2000)
	ctx := context.Background()
	year := store.LotResultFilter{From: qms.NewDate(2026, 1, 1), To: qms.NewDate(2026, 12, 31)}
	for _, c := range []struct {
		name  string
		f     store.LotResultFilter
		group string
	}{
		{"supplier_by_kind_1y", store.LotResultFilter{SupplierID: sup, From: year.From, To: year.To}, store.GroupKind},
		{"supplier_by_month_2y", store.LotResultFilter{SupplierID: sup}, store.GroupMonth},
		{"product_by_kind_1y", store.LotResultFilter{ProductID: prod, From: year.From, To: year.To}, store.GroupKind},
		{"all_by_supplier_1y", year, store.GroupSupplier},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := s.View(ctx, func(tx *store.Tx) error { _, err := tx.RejectionRates(c.f, c.group); return err }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("baseline_count_supplier_rows", func(b *testing.B) {
		for b.Loop() {
			var k int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM lot_results WHERE supplier_id = ? AND voided_at IS NULL", sup).Scan(&k); err != nil {
				b.Fatal(err)
			}
		}
	})
}
