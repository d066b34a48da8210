package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplierops/opstest"
)

// TestInspectionImport imports agency results from CSV and JSON: a dry
// run reports every row's problem and writes nothing; a clean file is
// written whole.
func TestInspectionImport(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		st := openStore(t, o)
		w := opstest.Build(t, st)
		ctx := qms.WithActor(t.Context(), qms.System)
		if err := st.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateProduct(&inspection.Product{SKU: "BS-20-BLK", Name: "蓝牙音箱 BS-20", Category: "electronics"})
		}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := st.DB().QueryRow("SELECT COUNT(*) FROM lot_results").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		dir := t.TempDir()
		site := strconv.FormatInt(w.A.Site.ID, 10)
		good := "agency,report_no,date,supplier,site,product,inspection_type,lot_size,sample_size,critical_defects,major_defects,minor_defects,verdict\n" +
			"QIMA,QM-1,2026-02-03,深圳精密五金有限公司," + site + ",BS-20-BLK,PSI,3200,125,0,2,3,pass\n" +
			"V-Trust,VT-2,2026-02-05,\"Shenzhen Precision Hardware Co., Ltd.\"," + site + ",BS-20-BLK,DUPRO,1200,80,0,0,1,pass\n"
		bad := good + "SGS,S-3,2026-02-30,Nobody,1,NOPE,PSI,10,20,0,0,0,maybe\n"
		csvFile := filepath.Join(dir, "results.csv")
		if err := os.WriteFile(csvFile, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		r := invoke(t, "", with(db, "inspection", "import", "--file", csvFile, "--dry-run"))
		if r.code != 1 || !strings.Contains(r.stdout, "row 4, column date") || !strings.Contains(r.stdout, "row 4, column supplier") ||
			!strings.Contains(r.stderr, "nothing was written") || count() != 0 {
			t.Fatalf("dry run of a bad file: %v", r)
		}
		if err := os.WriteFile(csvFile, []byte(good), 0o600); err != nil {
			t.Fatal(err)
		}
		r = mustRun(t, "", with(db, "inspection", "import", "--file", csvFile, "--dry-run")...)
		if !strings.Contains(r.stdout, "dry run: 2 results checked") || count() != 0 {
			t.Fatalf("dry run: %v", r)
		}
		r = mustRun(t, "", with(db, "inspection", "import", "--file", csvFile)...)
		if !strings.Contains(r.stdout, "imported 2 results") || count() != 2 {
			t.Fatalf("import: %v", r)
		}
		json := `[{"agency": "Intertek", "report_no": "IT-4", "date": "2026-02-09", "supplier": ` + strconv.FormatInt(w.A.Supplier.ID, 10) +
			`, "site": ` + site + `, "product": "BS-20-BLK", "inspection_type": "IQC", "lot_size": 500, "sample_size": 50, "verdict": "pass"}]`
		r = mustRun(t, json, with(db, "inspection", "import", "--file", "-")...)
		if !strings.Contains(r.stdout, "imported 1 results") || count() != 3 {
			t.Fatalf("JSON import: %v", r)
		}
		if r := invoke(t, "", with(db, "inspection", "import")); r.code != 2 {
			t.Errorf("no --file: %v", r)
		}
	})
}
