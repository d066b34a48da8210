package resultops

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCSV(t *testing.T) {
	csv := "agency;report_no;date;supplier;site;product;inspection_type;lot_size;sample_size;critical_defects;major_defects;minor_defects;major_defective;verdict;resubmitted\n" +
		"QIMA;Q-1;2026-01-05;Công ty TNHH Sao Mai;Nhà máy 1;BS-20;Final Random Inspection;\"12,000\";315;0;6;4;5;Failed;yes\n" +
		"\n" +
		"QIMA;Q-2;05/01/2026;7;3;#4;PSI;-5;x;0;0;0;;maybe;perhaps\n"
	b, err := ParseCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if b.Read != 2 || len(b.Rows) != 2 || b.Rows[0].Invalid || !b.Rows[1].Invalid {
		t.Fatalf("read %d, %d rows: %v", b.Read, len(b.Rows), b.Errors)
	}
	r := b.Rows[0].Result
	if r.Supplier != "Công ty TNHH Sao Mai" || r.LotSize != 12000 || r.SampleSize != 315 || *r.MajorDefective != 5 || r.MinorDefective != nil || !r.Resubmitted {
		t.Errorf("row 2: %+v", r)
	}
	lr := r.lotResult(1, 2, 3)
	if lr.Kind != "pre_shipment" || lr.Verdict != "fail" || lr.MajorDefective != 5 || lr.MinorDefective != 4 || lr.DefectiveUnits != 9 || lr.InspectedOn.String() != "2026-01-05" {
		t.Errorf("lot result: %+v", lr)
	}
	got := map[string]bool{}
	for _, e := range b.Errors {
		if e.Row != 4 {
			t.Errorf("error in row %d: %v", e.Row, e)
		}
		got[e.Column] = true
	}
	for _, c := range []string{"date", "lot_size", "sample_size", "verdict", "resubmitted"} {
		if !got[c] {
			t.Errorf("no error for column %s: %v", c, b.Errors)
		}
	}

	for _, bad := range []string{"", "agency,colour\nx,y\n", "agency,agency\n", "agency,date\n\"QIMA,2026\n"} {
		b, err := ParseCSV(strings.NewReader(bad))
		if err != nil || len(b.Errors) == 0 || len(b.Rows) > 0 && !b.Rows[0].Invalid {
			t.Errorf("%q: %v %+v", bad, err, b)
		}
	}
}

func TestParseJSON(t *testing.T) {
	b, err := ParseJSON(strings.NewReader(`{"results": [
		{"agency": "V-Trust", "date": "2026-02-01", "supplier": 5, "site": "Xưởng 2", "product": 12, "inspection_type": "DUPRO",
		 "lot_size": 800, "sample_size": 80, "minor_defects": 3, "verdict": "pass"},
		{"agency": "V-Trust", "date": "2026-02-01", "supplier": "A", "site": "B", "product": "C", "inspection_type": "PSI",
		 "lot_size": 800, "sample_size": 80, "verdict": "pass", "colour": "red"},
		{"agency": "", "date": "", "supplier": "", "site": "", "product": "", "inspection_type": "", "lot_size": 0, "sample_size": 0, "verdict": ""}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	if b.Read != 3 || len(b.Rows) != 2 || b.Rows[0].Invalid || !b.Rows[1].Invalid || b.Rows[0].Result.Supplier != "5" || b.Rows[0].Result.Product != "#12" {
		t.Fatalf("%+v", b)
	}
	rows := map[int]int{}
	for _, e := range b.Errors {
		rows[e.Row]++
	}
	if rows[2] != 1 || rows[3] < 8 {
		t.Errorf("errors per row %v: %v", rows, b.Errors)
	}
	if b, _ := ParseJSON(strings.NewReader(`{"a": 1}`)); len(b.Errors) != 1 || b.Errors[0].Row != 0 {
		t.Errorf("not an import: %+v", b)
	}
}

// checkBatch checks what every parse must give: rows that passed their own
// checks, row errors with a message, valid UTF-8.
func checkBatch(t *testing.T, b *Batch) {
	for _, r := range b.Rows {
		if r.Invalid {
			continue
		}
		if r.Result.LotSize < 1 || r.Result.SampleSize < 0 {
			t.Fatalf("row %d passed with lot %d sample %d", r.Row, r.Result.LotSize, r.Result.SampleSize)
		}
		if _, ok := ParseKind(r.Result.Kind); !ok {
			t.Fatalf("row %d passed with type %q", r.Row, r.Result.Kind)
		}
	}
	for _, e := range b.Errors {
		if e.Message == "" || !utf8.ValidString(e.Message) || !utf8.ValidString(e.Column) {
			t.Fatalf("bad error %+v", e)
		}
	}
	if len(b.Rows) > b.Read {
		t.Fatalf("%d rows of %d read", len(b.Rows), b.Read)
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("agency,date,supplier,site,product,inspection_type,lot_size,sample_size,verdict\nQIMA,2026-01-05,1,2,BS,PSI,100,20,pass\n")
	f.Add("agency;date;supplier;site;product;inspection_type;lot_size;sample_size;verdict;major_defective\nQ;2026-01-05;深圳;Nhà máy;#3;dupro;1,000;80;fail;3\n")
	f.Add("\uFEFFagency,date\n\"a\"\"b\",x\n")
	f.Add("agency,date,supplier,site,product,inspection_type,lot_size,sample_size,verdict\n\xff,2026-01-05,1,2,BS,PSI,100,20,pass\n")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseCSV(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		checkBatch(t, b)
	})
}

func FuzzParseJSON(f *testing.F) {
	f.Add(`[{"agency":"QIMA","date":"2026-01-05","supplier":1,"site":"2","product":"BS","inspection_type":"PSI","lot_size":100,"sample_size":20,"verdict":"pass"}]`)
	f.Add(`{"results":[{"agency":"Q","supplier":-1}]}`)
	f.Add(`[1, "x", null, {}]`)
	f.Add(`{"results": null}`)
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseJSON(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		checkBatch(t, b)
	})
}
