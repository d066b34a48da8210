package resultops_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/resultops"
	"qms/internal/sampling"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// fixture is the supplier fixture with a product of A's category under an
// inspection plan (ISO 2859-1 level II, critical zero tolerance, major
// 2.5, minor 4.0), and a product of B's.
type fixture struct {
	st      *store.Store
	w       *opstest.World
	speaker *inspection.Product // electronics, with a plan
	shirt   *inspection.Product // garments, without a plan
}

func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, SupplierID: u.SupplierID, Via: "session"})
}

func newFixture(t *testing.T, st *store.Store) *fixture {
	t.Helper()
	f := &fixture{st: st, w: opstest.Build(t, st)}
	ctx := as(f.w.Users[qms.RoleQualityManager])
	aql := func(s string) sampling.AQL { a, _ := sampling.ParseAQL(s); return a }
	err := st.Update(ctx, func(tx *store.Tx) error {
		f.speaker = &inspection.Product{SKU: "BS-20-BLK", Name: "蓝牙音箱 BS-20", Category: "electronics", Market: "EU"}
		if err := tx.CreateProduct(f.speaker); err != nil {
			return err
		}
		f.shirt = &inspection.Product{SKU: "TS-100", Name: "Áo thun cotton", Category: "garments"}
		if err := tx.CreateProduct(f.shirt); err != nil {
			return err
		}
		return tx.CreatePlan(&inspection.Plan{ProductID: f.speaker.ID, Standard: sampling.ISO2859, Level: sampling.LevelII,
			Classes: []inspection.ClassAQL{{Class: inspection.Critical, ZeroTolerance: true}, {Class: inspection.Major, AQL: aql("2.5")},
				{Class: inspection.Minor, AQL: aql("4.0")}},
			Stages:     []inspection.StageRule{{Kind: inspection.KindPreShipment}},
			Inspectors: inspection.Inspectors{Internal: true, ThirdParty: true}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := f.st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const goodCSV = "\uFEFFagency,report_no,date,po_number,supplier,site,product,inspection_type,lot_size,sample_size,critical_defects,major_defects,minor_defects,verdict\n" +
	"QIMA,QM-1001,2026-02-03,PO-7,深圳精密五金有限公司,深圳精密五金有限公司,BS-20-BLK,PSI,3200,125,0,9,3,fail\n" +
	"V-Trust,VT-88,2026-02-10,PO-7,\"Shenzhen Precision Hardware Co., Ltd.\",{Asite},bs-20-blk,FRI,3200,125,0,8,2,fail\n" +
	"SGS,SGS-5,2026-02-17,PO-8,{A},{Asite},BS-20-BLK,DUPRO,1200,80,0,1,0,pass\n" +
	"Intertek,IT-9,2026-02-20,PO-9,Công ty TNHH May Mặc Hưng Thịnh,Công ty TNHH May Mặc Hưng Thịnh,TS-100,pre-shipment,500,50,0,0,4,pass\n" +
	"Bureau Veritas,BV-1,2026-02-21,PO-7,{A},{Asite},BS-20-BLK,PSI,3200,80,0,1,1,pass\n"

func expand(f *fixture, s string) string {
	return strings.NewReplacer("{A}", strconv.FormatInt(f.w.A.Supplier.ID, 10), "{Asite}", strconv.FormatInt(f.w.A.Site.ID, 10),
		"{B}", strconv.FormatInt(f.w.B.Supplier.ID, 10)).Replace(s)
}

func parse(t *testing.T, csv string) *resultops.Batch {
	t.Helper()
	b, err := resultops.ParseCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImport: a dry run checks every row against the database and writes
// nothing; a file with a bad row writes nothing and names every problem;
// a good file is stored all at once with its effect on the switching
// streams (two failed pre-shipment lots: tightened inspection; a sample
// the plan does not call for: not counted), and importing it again is
// refused row by row.
func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ops := &resultops.Service{Store: st}
		qm := as(f.w.Users[qms.RoleQualityManager])
		before := f.count(t, "lot_results")
		audit := f.count(t, "audit_events")

		rep, err := ops.Import(qm, parse(t, expand(f, goodCSV)), resultops.ImportOptions{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Errors) != 0 || rep.Committed || len(rep.Imported) != 5 || rep.Rows != 5 {
			t.Fatalf("dry run: %d errors %v, committed %v, %d imported of %d rows", len(rep.Errors), rep.Errors, rep.Committed, len(rep.Imported), rep.Rows)
		}
		if n := f.count(t, "lot_results"); n != before || f.count(t, "audit_events") != audit || f.count(t, "switching_events") != 0 {
			t.Fatalf("a dry run wrote: %d lot results", n)
		}

		bad := expand(f, goodCSV) + "QIMA,QM-1002,2026-13-01,PO-7,Nobody Ltd,x,NOPE,PSX,0,5,0,9,3,maybe\n" +
			"QIMA,QM-1003,2026-02-04,PO-7,{B},{Asite},BS-20-BLK,PSI,100,125,0,200,0,fail\n"
		rep, err = ops.Import(qm, parse(t, expand(f, bad)), resultops.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Committed || f.count(t, "lot_results") != before {
			t.Fatal("a file with bad rows was written")
		}
		want := map[string]bool{"7/date": false, "7/inspection_type": false, "7/verdict": false, "7/lot_size": false, "8/site": false}
		for _, e := range rep.Errors {
			want[strconv.Itoa(e.Row)+"/"+e.Column] = true
		}
		for k, seen := range want {
			if !seen {
				t.Errorf("no error for row/column %s in %v", k, rep.Errors)
			}
		}

		rep, err = ops.Import(qm, parse(t, expand(f, goodCSV)), resultops.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Committed || len(rep.Errors) != 0 || f.count(t, "lot_results") != before+5 {
			t.Fatalf("import: committed %v, errors %v", rep.Committed, rep.Errors)
		}
		first := rep.Imported[0]
		if lr := first.LotResult; lr.Source != inspection.SourceThirdParty || lr.Agency != "QIMA" || !lr.Rejected || lr.MajorDefective != 9 || lr.DefectiveUnits != 12 {
			t.Errorf("first lot result: %+v", lr)
		}
		if len(first.Switching.Events) != 2 { // major and minor; critical is zero tolerance
			t.Errorf("first result moved %d streams: %+v", len(first.Switching.Events), first.Switching)
		}
		if n := rep.Imported[2].Switching.Note; !strings.Contains(n, "only incoming and pre-shipment") {
			t.Errorf("DUPRO result: %q", n)
		}
		if n := rep.Imported[3].Switching.Note; !strings.Contains(n, "no inspection plan") {
			t.Errorf("result without a plan: %q", n)
		}
		last := rep.Imported[4].Switching.Events
		if len(last) != 2 || last[0].Action != inspection.StreamSkipped || !strings.Contains(last[0].Reason, "the agency inspected 80 units") {
			t.Errorf("a sample the plan does not call for: %+v", last)
		}
		var streams []inspection.Stream
		if err := st.View(qm, func(tx *store.Tx) error {
			var err error
			streams, err = tx.SwitchingStreams(f.w.A.Supplier.ID, f.speaker.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, s := range streams {
			if s.Class == inspection.Major && (s.State.Severity != sampling.Tightened || !strings.Contains(s.Reason, "third-party result")) {
				t.Errorf("major stream after two failed lots: %s, %q", s.State.Severity, s.Reason)
			}
			if strings.Contains(s.Reason, "inspection 0") {
				t.Errorf("stream reason names no record: %q", s.Reason)
			}
		}

		rep, err = ops.Import(qm, parse(t, expand(f, goodCSV)), resultops.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Committed || len(rep.Errors) != 5 || !strings.Contains(rep.Errors[0].Message, "already imported as lot result") {
			t.Errorf("second import: committed %v, errors %v", rep.Committed, rep.Errors)
		}

		// One result by the API's path: conflict on a duplicate, field errors on bad input.
		_, err = ops.Record(qm, resultops.ThirdParty{Agency: "QIMA", ReportNo: "QM-1001", Date: "2026-03-01", Supplier: expand(f, "{A}"),
			Site: expand(f, "{Asite}"), Product: "BS-20-BLK", Kind: "psi", LotSize: 100, SampleSize: 20, Verdict: "pass"})
		if qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("duplicate report: %v", err)
		}
		_, err = ops.Record(qm, resultops.ThirdParty{Agency: "QIMA", Date: "2026-03-01", Supplier: expand(f, "{A}"), Site: expand(f, "{Asite}"),
			Product: "BS-20-BLK", Kind: "psi", LotSize: 100, SampleSize: 20, MajorDefects: 30, Verdict: "fail"})
		if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)["defective_units"] == "" {
			t.Errorf("more defective units than inspected: %v %v", err, qms.ErrorFields(err))
		}
		// Roles: viewers and supplier users may not import.
		for _, r := range []qms.Role{qms.RoleViewer, qms.RoleAuditor, qms.RoleSupplier} {
			if _, err := ops.Import(as(f.w.Users[r]), parse(t, expand(f, goodCSV)), resultops.ImportOptions{DryRun: true}); qms.ErrorKind(err) != qms.KindForbidden {
				t.Errorf("%s import: %v", r, err)
			}
		}
	})
}

// TestRatesIsolation: rates, lists and lot results of a supplier user are
// its own supplier's only; another supplier's result is not found.
func TestRatesIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ops := &resultops.Service{Store: st}
		qm := as(f.w.Users[qms.RoleQualityManager])
		rep, err := ops.Import(qm, parse(t, expand(f, goodCSV)), resultops.ImportOptions{})
		if err != nil || !rep.Committed {
			t.Fatalf("import: %v %v", err, rep.Errors)
		}
		bResult := rep.Imported[3].LotResult.ID
		all, err := ops.Rates(qm, store.LotResultFilter{}, resultops.GroupSupplier)
		if err != nil || len(all) != 2 {
			t.Fatalf("all suppliers: %v %+v", err, all)
		}
		byLabel := map[string]resultops.Rate{}
		for _, r := range all {
			byLabel[r.Label] = r
		}
		a := byLabel[f.w.A.Supplier.DisplayName()]
		if a.Lots != 4 || a.Rejected != 2 || a.SampleUnits != 125+125+80+80 || a.PPM() != float64(12+10+1+2)*1e6/410 {
			t.Errorf("A's rate: %+v (PPM %v)", a, a.PPM())
		}
		sup := as(f.w.A.User)
		mine, err := ops.Rates(sup, store.LotResultFilter{}, resultops.GroupSupplier)
		if err != nil || len(mine) != 1 || mine[0].Key != strconv.FormatInt(f.w.A.Supplier.ID, 10) {
			t.Errorf("supplier user's rates: %v %+v", err, mine)
		}
		other, err := ops.Rates(sup, store.LotResultFilter{SupplierID: f.w.B.Supplier.ID}, resultops.GroupKind)
		if err != nil || len(other) != 0 {
			t.Errorf("supplier user asking for B's rates: %v %+v", err, other)
		}
		if _, err := ops.LotResult(sup, bResult); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("supplier user reading B's lot result: %v", err)
		}
		list, _, err := ops.LotResults(sup, store.LotResultFilter{}, 0, 50)
		if err != nil || len(list) != 4 {
			t.Errorf("supplier user's list: %v, %d results", err, len(list))
		}
		if _, err := ops.VoidLotResult(sup, rep.Imported[0].LotResult.ID, "no"); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("supplier user voiding its own result: %v", err)
		}
		if _, err := ops.VoidLotResult(qm, rep.Imported[0].LotResult.ID, "imported twice"); err != nil {
			t.Fatal(err)
		}
		after, _ := ops.Rates(qm, store.LotResultFilter{SupplierID: f.w.A.Supplier.ID}, resultops.GroupTotal)
		if len(after) != 1 || after[0].Lots != 3 {
			t.Errorf("after voiding: %+v", after)
		}
		if _, err := ops.Rates(qm, store.LotResultFilter{}, "colour"); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("unknown group: %v", err)
		}
	})
}

// TestReportFile: an agency's report uploaded first is attached to the
// lot result it came with, and read by whoever may see the result.
func TestReportFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		ops := &resultops.Service{Store: st}
		ins := as(f.w.Users[qms.RoleInspector])
		file := &store.File{SHA256: strings.Repeat("ab", 32), Size: 1234, ContentType: "application/pdf", Name: "QIMA-QM-2001.pdf"}
		if err := st.Update(ins, func(tx *store.Tx) error { return tx.CreateFile(file) }); err != nil {
			t.Fatal(err)
		}
		im, err := ops.Record(ins, resultops.ThirdParty{Agency: "QIMA", ReportNo: "QM-2001", Date: "2026-03-01", Supplier: expand(f, "{A}"),
			Site: expand(f, "{Asite}"), Product: "BS-20-BLK", Kind: "psi", LotSize: 3200, SampleSize: 125, MinorDefects: 2, Verdict: "pass",
			ReportFileID: file.ID})
		if err != nil {
			t.Fatal(err)
		}
		var got *store.File
		st.View(ins, func(tx *store.Tx) error { got, err = tx.File(file.ID); return err })
		if got.OwnerType != resultops.OwnerLotResult || got.OwnerID != im.LotResult.ID {
			t.Errorf("report file belongs to %s %d", got.OwnerType, got.OwnerID)
		}
		ctx := context.Background()
		if err := ops.ReadLotResultFile(ctx, qms.ActorOf(f.w.A.User, "session"), resultops.OwnerLotResult, im.LotResult.ID); err != nil {
			t.Errorf("A's supplier user reading A's report: %v", err)
		}
		if err := ops.ReadLotResultFile(ctx, qms.ActorOf(f.w.B.User, "session"), resultops.OwnerLotResult, im.LotResult.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("B's supplier user reading A's report: %v", err)
		}
		// A file already attached elsewhere is a problem of the row.
		_, err = ops.Record(ins, resultops.ThirdParty{Agency: "QIMA", ReportNo: "QM-2002", Date: "2026-03-02", Supplier: expand(f, "{A}"),
			Site: expand(f, "{Asite}"), Product: "BS-20-BLK", Kind: "psi", LotSize: 3200, SampleSize: 125, Verdict: "pass", ReportFileID: file.ID})
		if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)["report_file_id"] == "" {
			t.Errorf("a file of another result: %v %v", err, qms.ErrorFields(err))
		}
	})
}
