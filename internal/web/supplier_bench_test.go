package web

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
)

// TestSupplierPageLatency measures, over HTTP through the real middleware
// on SQLite, the supplier list (filtered, sorted, paged), a supplier page
// with its scorecard, the supplier and site scorecard pages and the
// expiring-certificates view with 10,000 suppliers, 30,000 sites, 50,000
// certificates and 1,000,000 inspections with their lot results
// (QMS_BENCH_INSPECTIONS, default 1000000), beside baselines measured in
// the same run: a bare "SELECT ... LIMIT 50" on the suppliers table, a bare
// indexed count of one supplier's lot results, and the same pages on the
// small test fixture. It takes a few minutes, so it runs only with
// QMS_BENCH_SUPPLIERS=1:
//
//	QMS_BENCH_SUPPLIERS=1 go test ./internal/web/ -run TestSupplierPageLatency -v -timeout 30m
func TestSupplierPageLatency(t *testing.T) {
	if os.Getenv("QMS_BENCH_SUPPLIERS") != "1" {
		t.Skip("set QMS_BENCH_SUPPLIERS=1 to run the supplier page benchmark")
	}
	const rounds = 200
	rng := rand.New(rand.NewPCG(1, 2))
	small := storetest.Open(t, store.SQLite)
	big := storetest.Open(t, store.SQLite)
	sw := newSupplierWeb(t, small)
	bw := newSupplierWeb(t, big)
	var firstSupplier, firstSite int64
	if err := big.DB().QueryRow("SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM suppliers), (SELECT COALESCE(MAX(id), 0) + 1 FROM sites)").Scan(
		&firstSupplier, &firstSite); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	n := bulkSuppliers(t, big, 10000, 3, 5)
	t.Logf("bulk load: %d suppliers, %d sites, %d certificates, %d verifications in %v", n[0], n[1], n[2], n[3], time.Since(start).Round(time.Millisecond))
	inspections := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("QMS_BENCH_INSPECTIONS")); err == nil && v >= 0 {
		inspections = v
	}
	start = time.Now()
	storetest.FillScale(t, big, storetest.Scale{Inspections: inspections, Suppliers: 10000, SitesEach: 3, FirstSupplier: firstSupplier,
		FirstSite: firstSite, Products: 2000, Category: "electronics"})
	var lots int
	if err := big.DB().QueryRow("SELECT COUNT(*) FROM lot_results").Scan(&lots); err != nil {
		t.Fatal(err)
	}
	t.Logf("inspections: %d inspections and lot results over two years in %v", lots, time.Since(start).Round(time.Millisecond))
	randomSupplier := func() int64 { return firstSupplier + int64(rng.IntN(10000)) }
	randomSite := func() int64 { return firstSite + int64(rng.IntN(30000)) }
	today := qms.DateOf(time.Now().UTC())
	y2from, y2to := store.WholeMonths(today.AddDate(0, -23, 0), today)
	days := "?from=" + today.AddDate(0, -6, -3).String() + "&to=" + today.String()

	// The baseline: the bare query behind the first page of the list.
	bare := func(db *sql.DB) func() error {
		return func() error {
			rows, err := db.Query("SELECT id, name, name_latin, country, status FROM suppliers WHERE voided_at IS NULL ORDER BY sort_key, id LIMIT 50")
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var a, b, c, d string
				if err := rows.Scan(&id, &a, &b, &c, &d); err != nil {
					return err
				}
			}
			return rows.Err()
		}
	}
	get := func(c *client, path func() string) func() error {
		return func() error {
			p := path()
			r := c.get(p)
			if r.code != http.StatusOK {
				return fmt.Errorf("GET %s = %d", p, r.code)
			}
			return nil
		}
	}
	fixed := func(p string) func() string { return func() string { return p } }
	lists := []string{
		"/suppliers?country=CN&category=electronics&sort=-updated&page=3",
		"/suppliers?q=precision&status=approved&sort=name",
		"/suppliers?q=" + "%E7%B2%BE%E5%AF%86" + "&sort=country&page=2", // 精密
		"/suppliers?category=garments&sort=-name&page=10",
		"/suppliers?status=under_qualification&country=VN",
	}
	k := 0
	listPath := func() string { k++; return lists[k%len(lists)] }
	// required marks the pages of the issue's aim: p95 under 200 ms.
	cases := []struct {
		name     string
		run      func() error
		required bool
	}{
		{"baseline: bare SELECT ... LIMIT 50 (10,000 suppliers)", bare(big.DB()), false},
		{"baseline: supplier list, small fixture", get(sw.clients["viewer"], fixed("/suppliers?sort=-updated")), false},
		{"baseline: supplier page, small fixture", get(sw.clients["viewer"], fixed(supplierPath(sw.w.A.Supplier.ID))), false},
		{"baseline: expiring view, small fixture", get(sw.clients["viewer"], fixed("/certificates/expiring")), false},
		{"baseline: bare indexed count of one supplier's lot results", func() error {
			var k int
			return big.DB().QueryRow("SELECT COUNT(*) FROM lot_results WHERE supplier_id = ? AND voided_at IS NULL", randomSupplier()).Scan(&k)
		}, false},
		{"baseline: supplier scorecard page, small fixture", get(sw.clients["viewer"], fixed(supplierPath(sw.w.A.Supplier.ID)+"/scorecard")), false},
		{"supplier list, filtered, sorted, paged", get(bw.clients["viewer"], listPath), true},
		{"supplier page with its scorecard (3 sites, 5 certificates, last 12 months)", get(bw.clients["viewer"], func() string {
			return supplierPath(randomSupplier())
		}), true},
		{"supplier scorecard page, 24 whole months (monthly roll-up)", get(bw.clients["viewer"], func() string {
			return supplierPath(randomSupplier()) + "/scorecard?from=" + y2from.String() + "&to=" + y2to.String()
		}), true},
		{"supplier scorecard page, 6 months from a mid-month day (lot results)", get(bw.clients["viewer"], func() string {
			return supplierPath(randomSupplier()) + "/scorecard" + days
		}), true},
		{"site scorecard page, last 12 months (lot results by site)", get(bw.clients["viewer"], func() string {
			return "/sites/" + strconv.FormatInt(randomSite(), 10) + "/scorecard"
		}), true},
		{"expiring certificates (90 days + expired), page 1", get(bw.clients["viewer"], fixed("/certificates/expiring")), true},
		{"expiring certificates, page 20", get(bw.clients["viewer"], fixed("/certificates/expiring?page=20")), true},
		{"approved supplier list, one category (50 suppliers with sites and certificates)", get(bw.clients["viewer"], fixed("/approved-suppliers?category=electronics")), false},
	}
	var report strings.Builder
	fmt.Fprintf(&report, "| what | requests | p50 | p95 | p99 | max |\n|---|---|---|---|---|---|\n")
	for _, c := range cases {
		for range 10 { // warm-up
			if err := c.run(); err != nil {
				t.Fatal(err)
			}
		}
		d := make([]time.Duration, rounds)
		for i := range d {
			s := time.Now()
			if err := c.run(); err != nil {
				t.Fatal(err)
			}
			d[i] = time.Since(s)
		}
		slices.Sort(d)
		q := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))].Round(10 * time.Microsecond) }
		fmt.Fprintf(&report, "| %s | %d | %v | %v | %v | %v |\n", c.name, rounds, q(.5), q(.95), q(.99), d[len(d)-1].Round(10*time.Microsecond))
		if c.required && q(.95) > 200*time.Millisecond {
			t.Errorf("%s: p95 %v is over 200 ms", c.name, q(.95))
		}
	}
	t.Log("\n" + report.String())
	if f := os.Getenv("QMS_BENCH_OUT"); f != "" {
		if err := os.WriteFile(f, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// bulkSuppliers inserts suppliers with sites, certificates (each covering
// one site) and a verification per certificate with multi-row INSERTs in
// one transaction, bypassing the audit trail (this is test data, not
// records). It returns the counts.
func bulkSuppliers(t testing.TB, st *store.Store, suppliers, sitesEach, certsEach int) [4]int {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	now := time.Now().UTC()
	today := qms.DateOf(now)
	countries := []string{"CN", "CN", "CN", "CN", "CN", "VN", "VN", "TH", "DE", "IT", "IN", "TR"}
	cats := []string{"electronics", "garments", "medical_devices"}
	statuses := []supplier.Status{supplier.StatusApproved, supplier.StatusApproved, supplier.StatusApproved, supplier.StatusProspect,
		supplier.StatusUnderQualification, supplier.StatusConditionallyApproved, supplier.StatusProbation, supplier.StatusDisqualified}
	cn := []string{"深圳", "东莞", "宁波", "苏州", "佛山", "厦门"}
	words := []string{"精密", "电子", "五金", "塑胶", "服装", "医疗器械"}
	latinCity := []string{"Shenzhen", "Dongguan", "Ningbo", "Suzhou", "Foshan", "Xiamen"}
	latinWord := []string{"Precision", "Electronics", "Hardware", "Plastics", "Garments", "Medical"}
	stds := []string{"ISO 9001", "ISO 14001", "ISO 13485", "ISO 45001", "IATF 16949"}
	var counts [4]int
	err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error {
		var firstSupplier, firstSite, firstCert int64
		if err := tx.QueryRow("SELECT COALESCE(MAX(id), 0) FROM suppliers").Scan(&firstSupplier); err != nil {
			return err
		}
		if err := tx.QueryRow("SELECT COALESCE(MAX(id), 0) FROM sites").Scan(&firstSite); err != nil {
			return err
		}
		if err := tx.QueryRow("SELECT COALESCE(MAX(id), 0) FROM certificates").Scan(&firstCert); err != nil {
			return err
		}
		batch := func(table, cols string, rows [][]any) error {
			if len(rows) == 0 {
				return nil
			}
			n := len(rows[0])
			for i := 0; i < len(rows); i += 500 {
				chunk := rows[i:min(i+500, len(rows))]
				var sb strings.Builder
				args := make([]any, 0, len(chunk)*n)
				sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
				for j, r := range chunk {
					if j > 0 {
						sb.WriteString(", ")
					}
					sb.WriteString("(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")")
					args = append(args, r...)
				}
				if _, err := tx.Exec(sb.String(), args...); err != nil {
					return fmt.Errorf("%s: %w", table, err)
				}
			}
			return nil
		}
		var sups, supCats, sites, siteCats, certs, certSites, vers [][]any
		siteID, certID := firstSite, firstCert
		for i := range suppliers {
			id := firstSupplier + int64(i) + 1
			c := rng.IntN(len(cn))
			w := rng.IntN(len(words))
			name := fmt.Sprintf("%s%s%s有限公司%d", cn[c], words[w], words[(w+1)%len(words)], i)
			latin := fmt.Sprintf("%s %s %s Co., Ltd. %d", latinCity[c], latinWord[w], latinWord[(w+1)%len(words)], i)
			country := countries[rng.IntN(len(countries))]
			if country == "VN" {
				name, latin = fmt.Sprintf("Công ty TNHH %s Hưng Thịnh %d", latinWord[w], i), ""
			}
			updated := now.Add(-time.Duration(rng.IntN(1000)) * time.Hour)
			sups = append(sups, []any{id, name, latin, supplier.SortKey(name, latin), supplier.SearchText(name, latin), "manufacturer", country,
				"Industrial Zone " + strconv.Itoa(i), "[]", "", statuses[rng.IntN(len(statuses))], updated, updated, 1})
			cat := cats[rng.IntN(len(cats))]
			supCats = append(supCats, []any{id, cat})
			var mySites []int64
			for s := range sitesEach {
				siteID++
				mySites = append(mySites, siteID)
				sites = append(sites, []any{siteID, id, fmt.Sprintf("%s 工厂 %d", name, s), fmt.Sprintf("Plant %d", s),
					supplier.SortKey("", fmt.Sprintf("Plant %d", s)), "地址", fmt.Sprintf("Lot %d, Industrial Zone", s), country, "[]", updated, updated, 1})
				siteCats = append(siteCats, []any{siteID, cat})
			}
			for k := range certsEach {
				certID++
				issue := today.AddDate(0, 0, -rng.IntN(900))
				expiry := issue.AddDate(3, 0, 0)
				if rng.IntN(5) == 0 {
					expiry = today.AddDate(0, 0, rng.IntN(200)-100) // around today: expiring or expired
				}
				if !expiry.After(issue) {
					issue = expiry.AddDate(-3, 0, 0)
				}
				std := stds[k%len(stds)]
				number := fmt.Sprintf("C%d-%d", id, k)
				c := supplier.Certificate{Number: number, CertificationBody: "SGS"}
				certs = append(certs, []any{certID, id, "management_system", std, supplier.StandardKey(std), "2015", number, c.NumberKey(), "SGS",
					c.BodyKey(), "CNAS", "Manufacture of electronic parts", latin + name, "", issue.String(), expiry.String(), "accepted", updated, updated, 1})
				certSites = append(certSites, []any{certID, mySites[k%len(mySites)]})
				vers = append(vers, []any{certID, "cnca", today.AddDate(0, 0, -rng.IntN(500)).String(), "verified_valid", updated})
			}
		}
		steps := []struct {
			table, cols string
			rows        [][]any
		}{
			{"suppliers", "id, name, name_latin, sort_key, search_text, kind, country, address, contacts, notes, status, created_at, updated_at, version", sups},
			{"supplier_categories", "supplier_id, category", supCats},
			{"sites", "id, supplier_id, name, name_latin, sort_key, address, address_latin, country, contacts, created_at, updated_at, version", sites},
			{"site_categories", "site_id, category", siteCats},
			{"certificates", "id, supplier_id, kind, standard, standard_key, standard_version, number, number_key, certification_body, cb_key, " +
				"accreditation_body, scope, holder_name, holder_address, issue_date, expiry_date, review, created_at, updated_at, version", certs},
			{"certificate_sites", "certificate_id, site_id", certSites},
			{"certificate_verifications", "certificate_id, method, checked_on, result, created_at", vers},
		}
		for _, s := range steps {
			if err := batch(s.table, s.cols, s.rows); err != nil {
				return err
			}
		}
		counts = [4]int{len(sups), len(sites), len(certs), len(vers)}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return counts
}
