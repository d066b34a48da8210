package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// countRows counts the rows of a table, opening the database directly.
func countRows(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSupplierImportExport(t *testing.T) {
	eachDB(t, func(t *testing.T, db []string, o store.Options) {
		st := openStore(t, o)
		w := opstest.Build(t, st)
		dir := t.TempDir()
		file := filepath.Join(dir, "suppliers.csv")
		good := "\xEF\xBB\xBFrecord,ref,supplier,name,name_latin,country,categories,address,address_latin,standard,number,certification_body,accreditation_body,scope,holder_name,sites,issue_date,expiry_date\n" +
			"supplier,S1,,บริษัท สยามพลาสติก จำกัด,Siam Plastic Co. Ltd.,TH,electronics,,,,,,,,,,,\n" +
			"site,F1,S1,โรงงาน 1,Siam Plastic Plant 1,TH,,ชลบุรี,Chonburi,,,,,,,,,\n" +
			"certificate,,S1,,,,,,,ISO 9001:2015,TH-77,Bureau Veritas,UKAS,Manufacture of electronic plastic parts,Siam Plastic Co. Ltd.,F1," +
			opstest.Day(-10).String() + "," + opstest.Day(700).String() + "\n" +
			"site,F2,Công ty Nhựa,Xưởng 2,,VN,,Bình Dương,,,,,,,,,,\n"
		if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
			t.Fatal(err)
		}
		suppliers := countRows(t, st, "suppliers")

		// A bad row: every problem is reported, exit 1, nothing written.
		r := invoke(t, "", with(db, "supplier", "import", "--file", file, "--dry-run"))
		if r.code != 1 || !strings.Contains(r.stdout, "row 5, column supplier") || !strings.Contains(r.stderr, "nothing was written") {
			t.Fatalf("dry run of a bad file: %v", r)
		}
		if strings.Contains(r.stderr, "\r") {
			t.Errorf("a progress bar on a stderr that is not a terminal: %q", r.stderr)
		}
		r = invoke(t, "", with(db, "supplier", "import", "--file", file))
		if r.code != 1 || countRows(t, st, "suppliers") != suppliers {
			t.Fatalf("an import with a bad row: %v", r)
		}

		// Fixed: the dry run writes nothing, the import writes everything.
		good = strings.Replace(good, "site,F2,Công ty Nhựa,", "site,F2,S1,", 1)
		if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
			t.Fatal(err)
		}
		r = mustRun(t, "", with(db, "supplier", "import", "--file", file, "--dry-run")...)
		if !strings.Contains(r.stdout, "an import would create 1 suppliers, 2 sites, 1 certificates") || countRows(t, st, "suppliers") != suppliers {
			t.Fatalf("dry run: %v", r)
		}
		r = mustRun(t, good, with(db, "supplier", "import", "--file", "-")...)
		if !strings.Contains(r.stdout, "imported 4 rows: created 1 suppliers, 2 sites, 1 certificates") || countRows(t, st, "suppliers") != suppliers+1 {
			t.Fatalf("import: %v", r)
		}

		// Export: every supplier, names intact, readable by import.
		out := filepath.Join(dir, "export.csv")
		r = mustRun(t, "", with(db, "supplier", "export", "--out", out)...)
		if !strings.Contains(r.stderr, "exported 3 suppliers") {
			t.Errorf("export: %v", r)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"\xEF\xBB\xBFrecord,", "บริษัท สยามพลาสติก จำกัด", "โรงงาน 1", "TH-77", w.A.Supplier.Name, "Công ty TNHH May Mặc Hưng Thịnh"} {
			if !bytes.Contains(data, []byte(s)) {
				t.Errorf("the export lacks %q", s)
			}
		}
		b, errs, err := supplierops.ParseCSV(bytes.NewReader(data))
		if err != nil || len(errs) > 0 || len(b.Suppliers) != 3 || len(b.Sites) != 4 || len(b.Certificates) != 3 {
			t.Errorf("the export does not parse as an import: %v %v %+v", err, errs, b)
		}
		if _, err := st.VerifyAudit(qms.WithActor(context.Background(), qms.System)); err != nil {
			t.Error(err)
		}
	})
}

func TestSupplierCommandUsage(t *testing.T) {
	r := invoke(t, "", []string{"supplier", "--help"})
	if r.code != 0 || !strings.Contains(r.stdout, "\n  import ") || !strings.Contains(r.stdout, "\n  export ") {
		t.Errorf("qms supplier --help: %v", r)
	}
	for _, c := range []struct {
		args  []string
		flags []string
	}{
		{[]string{"supplier", "import", "--help"}, []string{"-file", "-dry-run", "-data", "-db"}},
		{[]string{"supplier", "export", "--help"}, []string{"-out", "-data", "-db"}},
	} {
		r := invoke(t, "", c.args)
		for _, f := range c.flags {
			if r.code != 0 || !strings.Contains(r.stdout, "  "+f+" ") && !strings.Contains(r.stdout, "  "+f+"\n") {
				t.Errorf("%s does not explain %s: %v", strings.Join(c.args, " "), f, r)
			}
		}
	}
	if r := invoke(t, "", []string{"--help"}); !strings.Contains(r.stdout, "\n  supplier ") {
		t.Errorf("qms --help does not list supplier:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"supplier"}, {"supplier", "import"}, {"supplier", "export"}, {"supplier", "frobnicate"},
		{"supplier", "import", "--file", filepath.Join(t.TempDir(), "missing.csv")}} {
		if r := invoke(t, "", args); r.code != 2 {
			t.Errorf("qms %s: %v, want exit 2", strings.Join(args, " "), r)
		}
	}
}
