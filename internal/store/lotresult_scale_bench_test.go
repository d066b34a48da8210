package store_test

import (
	"context"
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

// fillScale fills s with 200 suppliers with 2 sites each (ids 1 to 200;
// sites 2 to 401, supplier k's are 2k and 2k+1), 2,000 products,
// n decided inspections with a lot result each over two years and
// perInspection defect entries per inspection (storetest.FillScale).
func fillScale(b *testing.B, s *store.Store, n, perInspection int) {
	b.Helper()
	storetest.FillScale(b, s, storetest.Scale{Inspections: n, EntriesEach: perInspection, Suppliers: 200, SitesEach: 2, NewSuppliers: true,
		FirstSupplier: 1, FirstSite: 2, Products: 2000, Category: "scale"})
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
