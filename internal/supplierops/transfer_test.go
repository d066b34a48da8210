package supplierops_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// goodFile is an import with suppliers in Chinese, Vietnamese, Thai and
// German, their sites and certificates, with a byte order mark.
func goodFile() string {
	issue, expiry := opstest.Day(-100).String(), opstest.Day(900).String()
	return "\xEF\xBB\xBF" + `record,ref,supplier,name,name_latin,kind,country,address,address_latin,categories,contact_name,contact_email,standard,number,certification_body,accreditation_body,scope,holder_name,sites,issue_date,expiry_date
supplier,S1,,东莞市恒通塑胶制品有限公司,Dongguan Hengtong Plastic Products Co.; Ltd.,manufacturer,CN,广东省东莞市长安镇,,electronics,王伟 | Li Na,wang@hengtong.cn | li@hengtong.cn,,,,,,,,,
supplier,S2,,Công ty TNHH May Mặc Hưng Thịnh,,manufacturer,VN,"Lô C3, KCN Tân Bình",,garments,,,,,,,,,,,
supplier,S3,,บริษัท สยามพลาสติก จำกัด,Siam Plastic Co. Ltd.,trading_company,TH,,,,,,,,,,,,,,
site,F1,S1,恒通一厂,Hengtong Plant 1,,CN,广东省东莞市长安镇乌沙工业区,"Wusha Industrial Zone, Chang'an, Dongguan",electronics,,,,,,,,,,,
site,F2,S2,"Xưởng may Hưng Thịnh, Bình Dương",,,VN,"KCN VSIP, Bình Dương",,garments,,,,,,,,,,,
certificate,,S1,,,,,,,,,,ISO 9001:2015,CN-HT-1,SGS-CSTC Standards Technical Services,CNAS,"Manufacture of electronic plastic parts
(injection moulding)",Dongguan Hengtong Plastic Products Co. Ltd.,F1,` + issue + `,` + expiry + `
certificate,,S2,,,,,,,,,,ISO 9001:2015,VN-HT-2,Bureau Veritas,UKAS,Sewing of garments,Công ty TNHH May Mặc Hưng Thịnh,F2,` + issue + `,` + expiry + `
`
}

func TestImportDryRunAndCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.Users[qms.RoleQualityManager])
		events := countEvents(t, st)

		var calls []int
		rep, err := ops.Import(ctx, strings.NewReader(goodFile()), supplierops.ImportOptions{DryRun: true,
			Progress: func(done, total int) { calls = append(calls, done*1000+total) }})
		must(t, "dry run", err)
		if len(rep.Errors) > 0 || rep.Committed || rep.Suppliers != 3 || rep.Sites != 2 || rep.Certificates != 2 || rep.Rows != 7 {
			t.Fatalf("dry run report %+v", rep)
		}
		if !slices.Equal(calls, []int{1007, 2007, 3007, 4007, 5007, 6007, 7007}) {
			t.Errorf("progress calls %v", calls)
		}
		if countEvents(t, st) != events {
			t.Fatal("the dry run wrote")
		}
		page, _ := ops.ListSuppliers(ctx, store.SupplierFilter{})
		if page.Total != 2 {
			t.Fatalf("the dry run created suppliers: %d", page.Total)
		}

		rep, err = ops.Import(ctx, strings.NewReader(goodFile()), supplierops.ImportOptions{})
		must(t, "import", err)
		if !rep.Committed || len(rep.Errors) > 0 || rep.Suppliers != 3 {
			t.Fatalf("import report %+v", rep)
		}
		page, _ = ops.ListSuppliers(ctx, store.SupplierFilter{Query: "hung thinh"})
		if page.Total != 2 { // the fixture's B and the imported one
			t.Errorf("search after import: %d", page.Total)
		}
		page, _ = ops.ListSuppliers(ctx, store.SupplierFilter{Query: "恒通"})
		if len(page.Items) != 1 || page.Items[0].Name != "东莞市恒通塑胶制品有限公司" || len(page.Items[0].Contacts) != 2 ||
			page.Items[0].Contacts[1].Email != "li@hengtong.cn" {
			t.Fatalf("imported supplier: %+v", page.Items)
		}
		d, err := ops.SupplierDetail(ctx, page.Items[0].ID)
		must(t, "detail", err)
		if len(d.Sites) != 1 || len(d.Certificates) != 1 || !d.Certificates[0].Certificate.Covers(d.Sites[0].ID) ||
			!strings.Contains(d.Certificates[0].Certificate.Scope, "\n(injection moulding)") {
			t.Errorf("imported records: sites %+v, certificates %+v", d.Sites, d.Certificates)
		}
		if _, err := st.VerifyAudit(ctx); err != nil {
			t.Error(err)
		}

		// All or nothing: the good rows with one bad row write nothing.
		events = countEvents(t, st)
		bad := goodFile() + "supplier,S9,,Bad Country GmbH,,manufacturer,Germany,,,,,,,,,,,,,,\n"
		rep, err = ops.Import(ctx, strings.NewReader(bad), supplierops.ImportOptions{})
		must(t, "import with one bad row", err)
		if rep.Committed || countEvents(t, st) != events || len(rep.Errors) != 1 || rep.Errors[0].Row != 9 || rep.Errors[0].Column != "country" {
			t.Fatalf("an import with one bad row: %+v", rep)
		}
		page, _ = ops.ListSuppliers(ctx, store.SupplierFilter{})
		if page.Total != 5 {
			t.Errorf("%d suppliers after a refused import, want 5", page.Total)
		}
	})
}

// TestImportReportsEveryError: a file with a problem in many rows gets one
// error per problem, with row and column, and writes nothing.
func TestImportReportsEveryError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.Users[qms.RoleAdmin])
		issue := opstest.Day(-100).String()
		file := `record;ref;supplier;name;name_latin;country;categories;contact_name;contact_email;standard;number;certification_body;accreditation_body;scope;holder_name;sites;issue_date;expiry_date
supplier;S1;;深圳一号;;CN;;;;;;;;;;;;
supplier;S2;;Good GmbH;;DE;toys;;;;;;;;;;;
supplier;S2;;Twin GmbH;;DE;;;;;;;;;;;;
supplier;S3;;Okay GmbH;;XXX;;Hans;not-an-email;;;;;;;;;
site;F1;S1;Plant;;CN;;;;;;;;;;;;
site;F2;S9;Plant;;CN;;;;;;;;;;;;
certificate;;S4;;;;;;;ISO 9001:2015;X-1;SGS;UKAS;Manufacture;Holder;F1;` + issue + `;2019-01-01
certificate;;` + itoa(int(w.A.Supplier.ID)) + `;;;;;;;ISO 9999;X-2;SGS;UKAS;Manufacture;Holder;;` + issue + `;31.02.2027
certificate;;` + itoa(int(w.A.Supplier.ID)) + `;;;;;;;ISO 9001:2015;` + w.A.Certificate.Number + `;SGS United Kingdom Ltd;UKAS;Manufacture of electronics;Holder;;` + issue + `;2028-01-01
wrong;;;;;;;;;;;;;;;;;
`
		events := countEvents(t, st)
		rep, err := ops.Import(ctx, strings.NewReader(file), supplierops.ImportOptions{})
		must(t, "import", err)
		if rep.Committed || countEvents(t, st) != events {
			t.Fatal("an import with errors wrote")
		}
		want := []supplierops.RowError{
			{Row: 2, Column: "name_latin"},    // Chinese name without a Latin one
			{Row: 3, Column: "categories"},    // unknown category
			{Row: 4, Column: "ref"},           // duplicate ref
			{Row: 5, Column: "contact_email"}, // bad e-mail
			{Row: 5, Column: "country"},       // bad country
			{Row: 6, Column: "supplier"},      // its supplier has problems
			{Row: 7, Column: "supplier"},      // unknown supplier ref
			{Row: 8, Column: "supplier"},      // unknown supplier ref
			{Row: 9, Column: "expiry_date"},   // not a date
			{Row: 10, Column: "number"},       // duplicate number for the same body
			{Row: 11, Column: "record"},       // unknown record kind
		}
		for _, e := range want {
			if !slices.ContainsFunc(rep.Errors, func(g supplierops.RowError) bool {
				return g.Row == e.Row && g.Column == e.Column && g.Message != ""
			}) {
				t.Errorf("no error for row %d, column %s", e.Row, e.Column)
			}
		}
		if t.Failed() {
			for _, e := range rep.Errors {
				t.Log(e)
			}
		}
	})
}

// TestExportImportRoundTrip: an export imported into another database
// exports the same rows (with new refs), names in every script intact.
func TestExportImportRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st}
		ctx := as(w.Users[qms.RoleAdmin])
		if _, err := ops.Import(ctx, strings.NewReader(goodFile()), supplierops.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		n, err := ops.Export(ctx, &first, store.SupplierFilter{})
		must(t, "export", err)
		if n != 5 || !bytes.HasPrefix(first.Bytes(), []byte("\xEF\xBB\xBF")) {
			t.Fatalf("exported %d suppliers; BOM %v", n, bytes.HasPrefix(first.Bytes(), []byte("\xEF\xBB\xBF")))
		}

		other := storetest.Open(t, st.Dialect())
		w2 := opstest.Build(t, other) // the same categories and requirements
		ops2 := &supplierops.Service{Store: other}
		ctx2 := as(w2.Users[qms.RoleAdmin])
		// Drop the fixture's own certificates (their numbers exist in the
		// other database already) by importing only the new suppliers' rows.
		var kept bytes.Buffer
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(first.Bytes(), []byte("\xEF\xBB\xBF"))))
		rows, err := r.ReadAll()
		must(t, "read export", err)
		cw := csv.NewWriter(&kept)
		fixture := map[string]bool{}
		for _, p := range []opstest.Party{w.A, w.B} {
			fixture["supplier-"+itoa(int(p.Supplier.ID))] = true
		}
		for i, row := range rows {
			if i == 0 || !fixture[row[1]] && !fixture[row[2]] {
				cw.Write(row)
			}
		}
		cw.Flush()
		rep, err := ops2.Import(ctx2, bytes.NewReader(kept.Bytes()), supplierops.ImportOptions{})
		must(t, "import the export", err)
		if !rep.Committed {
			t.Fatalf("round trip refused: %+v", rep.Errors)
		}
		if rep.Suppliers != 3 || rep.Sites != 2 || rep.Certificates != 2 {
			t.Errorf("round trip imported %+v", rep)
		}
		var second bytes.Buffer
		if _, err := ops2.Export(ctx2, &second, store.SupplierFilter{Query: "恒通"}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"东莞市恒通塑胶制品有限公司", "恒通一厂", "王伟 | Li Na", "(injection moulding)", "CNAS"} {
			if !strings.Contains(second.String(), s) {
				t.Errorf("the second export lacks %q:\n%s", s, second.String())
			}
		}
		var thai bytes.Buffer
		if _, err := ops2.Export(ctx2, &thai, store.SupplierFilter{Query: "สยาม"}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(thai.String(), "บริษัท สยามพลาสติก จำกัด") {
			t.Errorf("Thai name lost:\n%s", thai.String())
		}
	})
}

func TestParseCSVForm(t *testing.T) {
	cases := []struct {
		name, file string
		want       string // substring of the first error, "" for none
	}{
		{"empty", "", "the file is empty"},
		{"bom only", "\xEF\xBB\xBF", "the file is empty"},
		{"no record column", "ref,name\nS1,x\n", `column "record" is required`},
		{"unknown column", "record,colour\n", "is not a column"},
		{"duplicate column", "record,name,Name\n", "appears twice"},
		{"bad quote", "record,name\nsupplier,a\"b\n", "quotation mark"},
		{"too many values", "record,name\nsupplier,a,b\n", "has 3 values"},
		{"invalid utf-8", "record,ref,name\nsupplier,S1,\xff\xfe\n", "not valid UTF-8"},
		{"bad date", "record,supplier,issue_date\ncertificate,1,2026-13-01\n", "is not a date"},
		{"supplier without ref", "record,name\nsupplier,a\n", "is required for a supplier"},
		{"site of unknown supplier", "record,supplier,name\nsite,S7,x\n", "is not the ref of a supplier row"},
		{"semicolons and blank lines", "record;ref;name\r\nsupplier;S1;Ä\r\n\r\n;;\r\n", ""},
	}
	for _, tc := range cases {
		b, errs, err := supplierops.ParseCSV(strings.NewReader(tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		switch {
		case tc.want == "" && len(errs) > 0:
			t.Errorf("%s: unexpected errors %v", tc.name, errs)
		case tc.want != "" && (len(errs) == 0 || !strings.Contains(errs[0].Message, tc.want)):
			t.Errorf("%s: errors %v, want %q", tc.name, errs, tc.want)
		}
		if tc.want == "" && (b.Rows != 1 || b.Suppliers[0].Supplier.Name != "Ä") {
			t.Errorf("%s: parsed %+v", tc.name, b)
		}
	}
}

// FuzzParseCSV: the parser never panics or hangs, reports problems with a
// row inside the file, and keeps every value it accepts valid UTF-8.
func FuzzParseCSV(f *testing.F) {
	f.Add(goodFile())
	f.Add("record;ref;name\nsupplier;S1;Ä\n")
	f.Add("record,supplier,sites,issue_date\ncertificate,S1,F1;F2,2026/01/31\n")
	f.Add("record,name\nsupplier,\"a\nb\"\"c\"\n")
	f.Add("\xEF\xBB\xBFrecord\n\xff\n")
	f.Fuzz(func(t *testing.T, file string) {
		b, errs, err := supplierops.ParseCSV(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		rows := strings.Count(file, "\n") + strings.Count(file, "\r") + 2
		for _, e := range errs {
			if e.Row < 1 || e.Row > rows || e.Message == "" {
				t.Fatalf("error %+v outside the file's %d rows", e, rows)
			}
		}
		for _, s := range b.Suppliers {
			if !utfOK(s.Supplier.Name, s.Supplier.NameLatin, s.Supplier.Address, s.Ref) {
				t.Fatalf("invalid UTF-8 accepted: %+v", s)
			}
		}
		for _, c := range b.Certificates {
			if !utfOK(c.Certificate.Scope, c.Certificate.Number, c.SupplierRef) {
				t.Fatalf("invalid UTF-8 accepted: %+v", c)
			}
		}
	})
}

func utfOK(ss ...string) bool {
	for _, s := range ss {
		if strings.ToValidUTF8(s, "") != s {
			return false
		}
	}
	return true
}
