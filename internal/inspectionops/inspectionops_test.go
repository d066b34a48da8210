package inspectionops_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// newOps returns the operations on st with an authentication service for
// electronic signatures.
func newOps(st *store.Store) *inspectionops.Service {
	return &inspectionops.Service{Store: st, Auth: &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}}
}

// as returns the context of user u.
func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

// count returns the number of rows of a table.
func count(t *testing.T, st *store.Store, table string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot counts what a failed operation must not have written.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	return fmt.Sprint(count(t, st, "audit_events"), count(t, st, "inspections"), count(t, st, "inspection_entries"), count(t, st, "files"),
		count(t, st, "inspection_amendments"))
}

func kindOf(err error) string {
	if err == nil {
		return "ok"
	}
	return qms.ErrorKind(err).String()
}

var roles = []string{"admin", "quality_manager", "inspector", "viewer", "auditor", "supplierA", "supplierB"}

// actors returns a context per role name: internal roles and the users of
// suppliers A and B.
func actors(w *insptest.World) map[string]context.Context {
	m := map[string]context.Context{"supplierA": as(w.A.User), "supplierB": as(w.B.User)}
	for _, r := range []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector, qms.RoleViewer, qms.RoleAuditor} {
		m[string(r)] = as(w.Users[r])
	}
	return m
}

// expect builds the expected outcome per role: every role not listed is
// forbidden.
func expect(kv ...string) map[string]string {
	m := map[string]string{}
	for _, r := range roles {
		m[r] = "forbidden"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		for _, r := range strings.Split(kv[i], ",") {
			m[r] = kv[i+1]
		}
	}
	return m
}

const (
	internalRoles = "admin,quality_manager,inspector,viewer,auditor"
	editors       = "admin,quality_manager,inspector"
	approvers     = "admin,quality_manager"
)

// TestPermissions runs every operation on supplier B's records as every
// role: internal roles by the qms.Can* rules, B's supplier user sees B's
// inspections but not the catalogue, and A's supplier user gets not found
// for every inspection of B.
func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		ctxs := actors(w)
		b := w.PB
		fresh := func() *inspection.Inspection { return w.Lot(t, st, b, inspection.KindPreShipment, 500) }
		submitted := func() *inspection.Inspection { return w.Submitted(t, st, b) }
		cases := []struct {
			name string
			want map[string]string
			run  func(ctx context.Context) error
		}{
			{"list products", expect(internalRoles, "ok"), func(ctx context.Context) error {
				_, err := ops.ListProducts(ctx, store.ProductFilter{})
				return err
			}},
			{"create product", expect(editors, "ok"), func(ctx context.Context) error {
				return ops.CreateProduct(ctx, &inspection.Product{SKU: "P-" + w.Key(), Name: "x", Category: "garments"})
			}},
			{"release spec", expect(approvers, "ok", "inspector", "forbidden"), func(ctx context.Context) error {
				pr := &inspection.Product{SKU: "R-" + w.Key(), Name: "x", Category: "garments"}
				if err := ops.CreateProduct(insptest.System, pr); err != nil {
					return err
				}
				sp := insptest.SpecOf(pr.ID)
				if err := ops.CreateSpec(insptest.System, sp); err != nil {
					return err
				}
				_, err := ops.ReleaseSpec(ctx, sp.ID, sp.Version, inspection.Release{Reason: "ok"}, opstest.Password)
				return err
			}},
			{"create defect code", expect(approvers, "ok"), func(ctx context.Context) error {
				return ops.CreateDefectCode(ctx, &inspection.DefectCode{Category: "garments", Code: "X-" + w.Key(), Description: "x", Class: inspection.Minor})
			}},
			{"list inspections", expect(internalRoles, "ok", "supplierA", "ok", "supplierB", "ok"), func(ctx context.Context) error {
				_, _, err := ops.ListInspections(ctx, store.InspectionSearch{})
				return err
			}},
			{"get inspection", expect(internalRoles, "ok", "supplierB", "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				_, err := ops.InspectionView(ctx, b.Lot.ID)
				return err
			}},
			{"entries", expect(internalRoles, "ok", "supplierB", "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				_, err := ops.Entries(ctx, b.Lot.ID, 0, 50)
				return err
			}},
			{"result", expect(internalRoles, "ok", "supplierB", "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				_, err := ops.Result(ctx, b.Lot.ID)
				return err
			}},
			{"plan inspection", expect(editors, "ok"), func(ctx context.Context) error {
				return ops.PlanInspection(ctx, w.New(b, inspection.KindInProcess, 300))
			}},
			{"preview", expect(editors, "ok"), func(ctx context.Context) error {
				_, err := ops.PreviewInspection(ctx, *w.New(b, inspection.KindPreShipment, 300))
				return err
			}},
			{"record", expect(editors, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				_, err := ops.RecordEntry(ctx, &inspection.Entry{InspectionID: b.Lot.ID, Key: w.Key(), Kind: inspection.EntryRemark,
					Remark: &inspection.RemarkEntry{Text: "ok"}})
				return err
			}},
			{"cancel", expect(editors, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				in := fresh()
				return ops.CancelInspection(ctx, in.ID, "called off", in.Version)
			}},
			{"submit", expect(editors, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				in := fresh()
				w.Complete(t, st, in)
				_, err := ops.Submit(ctx, in.ID, w.Get(t, st, in.ID).Version, inspection.Submission{})
				return err
			}},
			{"decide", expect(approvers, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				in := submitted()
				_, err := ops.Decide(ctx, in.ID, in.Version, inspection.Decision{Kind: inspection.DecideRelease}, "")
				return err
			}},
			{"return", expect(approvers, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				in := submitted()
				return ops.Return(ctx, in.ID, in.Version, "photos missing")
			}},
			{"amend", expect(editors, "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				in := submitted()
				return ops.Amend(ctx, &inspection.Amendment{InspectionID: in.ID, Text: "carton count was 42", Reason: "typo"})
			}},
			{"product switching", expect(internalRoles, "ok"), func(ctx context.Context) error {
				_, err := ops.ProductSwitching(ctx, b.Product.ID)
				return err
			}},
			{"supplier switching", expect(internalRoles, "ok", "supplierB", "ok", "supplierA", "not_found"), func(ctx context.Context) error {
				_, err := ops.SupplierSwitching(ctx, b.Supplier.ID)
				return err
			}},
		}
		for _, c := range cases {
			for _, r := range roles {
				if got := kindOf(c.run(ctxs[r])); got != c.want[r] {
					t.Errorf("%s as %s: %s, want %s", c.name, r, got, c.want[r])
				}
			}
		}
	})
}

// TestSupplierListIsolation checks that a supplier's user lists only its
// own supplier's inspections, even when it asks for another's.
func TestSupplierListIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		rows, _, err := ops.ListInspections(as(w.A.User), store.InspectionSearch{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Fatal("A's supplier user sees none of A's inspections")
		}
		for _, r := range rows {
			if r.SupplierID != w.A.Supplier.ID {
				t.Errorf("A's supplier user sees inspection %d of supplier %d", r.ID, r.SupplierID)
			}
		}
		rows, _, err = ops.ListInspections(as(w.A.User), store.InspectionSearch{InspectionFilter: store.InspectionFilter{SupplierID: w.B.Supplier.ID}})
		if err != nil || len(rows) != 0 {
			t.Errorf("A's supplier user asking for B's inspections: %d rows, %v", len(rows), err)
		}
		all, _, err := ops.ListInspections(as(w.Users[qms.RoleViewer]), store.InspectionSearch{})
		if err != nil || len(all) <= len(rows) {
			t.Errorf("a viewer sees %d inspections: %v", len(all), err)
		}
		// Filters: kind and planned dates.
		fais, _, err := ops.ListInspections(as(w.Users[qms.RoleViewer]), store.InspectionSearch{InspectionFilter: store.InspectionFilter{Kind: inspection.KindFirstArticle}})
		if err != nil || len(fais) != 2 {
			t.Errorf("first article inspections: %d, %v", len(fais), err)
		}
		none, _, err := ops.ListInspections(as(w.Users[qms.RoleViewer]), store.InspectionSearch{From: qms.NewDate(2026, 3, 3)})
		if err != nil || len(none) != 0 {
			t.Errorf("inspections planned from 2026-03-03: %d, %v", len(none), err)
		}
	})
}

// TestBadInput checks that every kind of bad input the issue names gets a
// clear error naming the field, and that nothing is written.
func TestBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		insp, qm := w.Inspector(), w.Manager()
		a := w.PA
		lot := func(mut func(in *inspection.Inspection)) *inspection.Inspection {
			in := w.New(a, inspection.KindPreShipment, 500)
			mut(in)
			return in
		}
		draft := &inspection.Spec{}
		if err := ops.CreateSpec(insptest.System, func() *inspection.Spec { draft = insptest.SpecOf(a.Product.ID); return draft }()); err != nil {
			t.Fatal(err)
		}
		decided := w.Decide(t, st, w.Submitted(t, st, a).ID, inspection.Decision{Kind: inspection.DecideRelease})
		entry := func(e inspection.Entry) *inspection.Entry {
			e.InspectionID, e.Key = a.Lot.ID, w.Key()
			return &e
		}
		cases := []struct {
			name  string
			kind  qms.Kind
			field string // a field the error must name, or a phrase of its message
			run   func() error
		}{
			{"lot size zero", qms.KindInvalid, "lot_size", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) { in.Lot = inspection.Lot{PONumber: "PO-1", LotSize: 0} }))
			}},
			{"lot size negative", qms.KindInvalid, "lot_size", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) { in.Lot = inspection.Lot{PONumber: "PO-1", LotSize: -5} }))
			}},
			{"lot smaller than presented", qms.KindInvalid, "lot_size", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) {
					in.Lot = inspection.Lot{PONumber: "PO-1", LotSize: 100, Produced: 120, Packed: 100}
				}))
			}},
			{"more packed than produced", qms.KindInvalid, "packed", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) {
					in.Lot = inspection.Lot{PONumber: "PO-1", LotSize: 100, Produced: 80, Packed: 90}
				}))
			}},
			{"unreleased spec revision", qms.KindInvalid, "spec_id", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) { in.SpecID = draft.ID }))
			}},
			{"preview of an unreleased spec revision", qms.KindInvalid, "spec_id", func() error {
				_, err := ops.PreviewInspection(insp, *lot(func(in *inspection.Inspection) { in.SpecID = draft.ID }))
				return err
			}},
			{"site of another supplier", qms.KindInvalid, "site_id", func() error {
				return ops.PlanInspection(insp, lot(func(in *inspection.Inspection) { in.SiteID = w.PB.Site.ID }))
			}},
			{"sample unit beyond the sample size", qms.KindInvalid, "defect.unit", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryDefect,
					Defect: &inspection.DefectEntry{Unit: 51, Code: "SCR-01"}}))
				return err
			}},
			{"units beyond the sample size", qms.KindInvalid, "units.to", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryUnits, Units: &inspection.UnitsEntry{From: 1, To: 80}}))
				return err
			}},
			{"unit zero", qms.KindInvalid, "defect.unit", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: 0, Code: "SCR-01"}}))
				return err
			}},
			{"more test units than the test sample", qms.KindInvalid, "test.unit", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryTest, Test: &inspection.TestEntry{Characteristic: 4, Unit: 99, Pass: true}}))
				return err
			}},
			{"measurement in the wrong unit", qms.KindInvalid, "measurement.uom", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryMeasurement,
					Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 12.02, UnitOfMeasure: "cm"}}))
				return err
			}},
			{"absurd measurement", qms.KindInvalid, "measurement.value", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryMeasurement,
					Measurement: &inspection.MeasurementEntry{Unit: 1, Characteristic: 1, Value: 120000}}))
				return err
			}},
			{"unknown defect code", qms.KindInvalid, "defect.code", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: 1, Code: "STI-01"}}))
				return err
			}},
			{"bad idempotency key", qms.KindInvalid, "key", func() error {
				e := entry(inspection.Entry{Kind: inspection.EntryRemark, Remark: &inspection.RemarkEntry{Text: "x"}})
				e.Key = "short"
				_, err := ops.RecordEntry(insp, e)
				return err
			}},
			{"photo of another inspection", qms.KindInvalid, "photos", func() error {
				_, err := ops.RecordEntry(insp, entry(inspection.Entry{Kind: inspection.EntryDefect,
					Defect: &inspection.DefectEntry{Unit: 1, Code: "SCR-01", Photos: []int64{999999}}}))
				return err
			}},
			{"recording into a decided inspection", qms.KindConflict, "amendment", func() error {
				_, err := ops.RecordEntry(insp, &inspection.Entry{InspectionID: decided.ID, Key: w.Key(), Kind: inspection.EntryRemark,
					Remark: &inspection.RemarkEntry{Text: "late note"}})
				return err
			}},
			{"editing a decided inspection's header", qms.KindConflict, "amendment", func() error {
				in := *decided
				in.Lot.Packed = 10
				return ops.UpdateInspection(insp, &in, decided.Version, "fix")
			}},
			{"deciding a decided inspection", qms.KindConflict, "decided", func() error {
				_, err := ops.Decide(qm, decided.ID, decided.Version, inspection.Decision{Kind: inspection.DecideReject, Reason: "changed my mind"}, "")
				return err
			}},
			{"amendment without a reason", qms.KindInvalid, "reason", func() error {
				return ops.Amend(insp, &inspection.Amendment{InspectionID: decided.ID, Text: "carton count 42"})
			}},
			{"submitting an incomplete inspection", qms.KindConflict, "incomplete", func() error {
				_, err := ops.Submit(insp, a.Lot.ID, w.Get(t, st, a.Lot.ID).Version, inspection.Submission{})
				return err
			}},
			{"stale version", qms.KindConflict, "changed by someone else", func() error {
				in := w.Get(t, st, a.Lot.ID)
				in.Remarks = "stale"
				return ops.UpdateInspection(insp, in, in.Version-1, "")
			}},
		}
		for _, c := range cases {
			before := snapshot(t, st)
			err := c.run()
			if qms.ErrorKind(err) != c.kind {
				t.Errorf("%s: %v (%s), want %s", c.name, err, kindOf(err), c.kind)
				continue
			}
			msg := qms.ErrorMessage(err)
			if _, ok := qms.ErrorFields(err)[c.field]; !ok && !strings.Contains(msg, c.field) {
				t.Errorf("%s: the error names neither field nor phrase %q: %s %v", c.name, c.field, msg, qms.ErrorFields(err))
			}
			if after := snapshot(t, st); after != before {
				t.Errorf("%s: something was written: rows %s -> %s", c.name, before, after)
			}
		}
	})
}

// TestIdempotentResend records an entry, sends it again with the same key
// (a tablet whose answer was lost), and then reuses the key for other
// content.
func TestIdempotentResend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		e := func() *inspection.Entry {
			return &inspection.Entry{InspectionID: w.PA.Lot.ID, Key: "tablet-7f3a9c1e-0001", Kind: inspection.EntryDefect,
				Defect: &inspection.DefectEntry{Unit: 3, Code: "scr-01", Location: "左侧面 left side", Note: "2.5 mm"}}
		}
		first := e()
		created, err := ops.RecordEntry(w.Inspector(), first)
		if err != nil || !created {
			t.Fatalf("first: %v, created %v", err, created)
		}
		before := snapshot(t, st)
		again := e()
		created, err = ops.RecordEntry(w.Inspector(), again)
		if err != nil || created || again.ID != first.ID {
			t.Fatalf("resend: %v, created %v, id %d (first %d)", err, created, again.ID, first.ID)
		}
		if after := snapshot(t, st); after != before {
			t.Errorf("the resend wrote something: %s -> %s", before, after)
		}
		if again.Defect.Class != inspection.Minor || again.Defect.Code != "SCR-01" {
			t.Errorf("the resend did not return the stored entry: %+v", again.Defect)
		}
		other := e()
		other.Defect.Unit = 4
		if _, err := ops.RecordEntry(w.Inspector(), other); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("a key reused for other content: %v", err)
		}
	})
}

// TestConcurrentRecorders has two inspectors record into the same
// inspection at once, each resending some entries: every entry is stored
// once and the tally counts them all.
func TestConcurrentRecorders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		second := &qms.User{Email: "second@example.com", Name: "Lê Thị Thu", Role: qms.RoleInspector}
		if err := st.Update(insptest.System, func(tx *store.Tx) error { return tx.CreateUser(second, "") }); err != nil {
			t.Fatal(err)
		}
		id := w.PA.Lot.ID
		before := count(t, st, "inspection_entries")
		const per = 12
		var wg sync.WaitGroup
		errs := make(chan error, 4*per)
		for i, ctx := range []context.Context{w.Inspector(), as(second)} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range per {
					// Inspector 0 records minor defects on units 1..12, inspector 1 on units 13..24.
					e := func() *inspection.Entry {
						return &inspection.Entry{InspectionID: id, Key: fmt.Sprintf("tablet-%d-%04d", i, n), Kind: inspection.EntryDefect,
							Defect: &inspection.DefectEntry{Unit: i*per + n + 1, Code: "SCR-01"}}
					}
					if _, err := ops.RecordEntry(ctx, e()); err != nil {
						errs <- err
					}
					if n%3 == 0 { // a resend after a dropped answer
						if created, err := ops.RecordEntry(ctx, e()); err != nil || created {
							errs <- fmt.Errorf("resend: %v, created %v", err, created)
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got := count(t, st, "inspection_entries") - before; got != 2*per {
			t.Errorf("%d entries stored, want %d", got, 2*per)
		}
		res, err := ops.Result(w.Inspector(), id)
		if err != nil {
			t.Fatal(err)
		}
		minor, _ := res.Class(inspection.Minor)
		if minor.Found != 2*per || minor.Verdict != inspection.VerdictFail {
			t.Errorf("minor: found %d, verdict %s; want %d, fail", minor.Found, minor.Verdict, 2*per)
		}
	})
}

// TestPreview checks that the preview shows the sampling the planning
// snapshots, and the gates that block with what may override them.
func TestPreview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		in := w.New(w.PA, inspection.KindPreShipment, 3000)
		pv, err := ops.PreviewInspection(w.Inspector(), *in)
		if err != nil {
			t.Fatal(err)
		}
		if len(pv.Blocked) != 0 || pv.FAIGate == nil || !pv.FAIGate.Allowed {
			t.Fatalf("blocked %v, FAI gate %+v", pv.Blocked, pv.FAIGate)
		}
		if err := ops.PlanInspection(w.Inspector(), in); err != nil {
			t.Fatal(err)
		}
		if got, want := fmt.Sprint(in.Sampling.Classes), fmt.Sprint(pv.Sampling.Classes); got != want {
			t.Errorf("planned %s, previewed %s", got, want)
		}
		major, _ := in.Sampling.Class(inspection.Major)
		if major.SampleSize != 125 || major.Ac != 7 || major.Re != 8 {
			t.Errorf("3000 pcs level II major 2.5: %+v, want n 125 Ac 7 Re 8", major)
		}

		// A new site has neither a certificate nor an approved FAI: both gates
		// block; a quality manager overrides them with a reason.
		var site *supplier.Site
		if err := st.Update(insptest.System, func(tx *store.Tx) error {
			site = &supplier.Site{SupplierID: w.A.Supplier.ID, Name: "二厂", NameLatin: "Plant 2", Address: "东莞", AddressLatin: "Dongguan", Country: "CN", Categories: []string{"electronics"}}
			return tx.CreateSite(site)
		}); err != nil {
			t.Fatal(err)
		}
		in = w.New(w.PA, inspection.KindPreShipment, 3000)
		in.SiteID = site.ID
		if pv, err = ops.PreviewInspection(w.Inspector(), *in); err != nil {
			t.Fatal(err)
		}
		if pv.FAIGate == nil || pv.FAIGate.Allowed || fmt.Sprint(pv.Gates) != "[supplier fai]" {
			t.Fatalf("FAI gate at a new site: %+v, gates %v", pv.FAIGate, pv.Gates)
		}
		before := snapshot(t, st)
		if err := ops.PlanInspection(w.Inspector(), in); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("planned past the FAI gate: %v", err)
		}
		o := inspection.GateOverride{Gate: inspection.GateFAI, Reason: "FAI of plant 2 booked for next week; same tooling"}
		cert := inspection.GateOverride{Gate: inspection.GateSupplier, Reason: "plant 2 is in the scope of the audit next month"}
		if err := ops.PlanInspection(w.Manager(), in, o); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("planned past the supplier gate with the FAI override only: %v", err)
		}
		if err := ops.PlanInspection(w.Inspector(), in, o, cert); qms.ErrorKind(err) != qms.KindForbidden {
			t.Fatalf("an inspector overrode the FAI gate: %v", err)
		}
		if after := snapshot(t, st); after != before {
			t.Errorf("refused plans wrote something: %s -> %s", before, after)
		}
		if err := ops.PlanInspection(w.Manager(), in, o, cert); err != nil {
			t.Fatalf("override: %v", err)
		}
		if len(in.GateOverrides) != 2 || in.GateOverrides[0].Blocked == "" {
			t.Errorf("the override is not recorded: %+v", in.GateOverrides)
		}
		// A supplier's user does not see why the gate was overridden.
		seen, err := ops.Inspection(as(w.A.User), in.ID)
		if err != nil || len(seen.GateOverrides) != 2 || seen.GateOverrides[0].Reason != "" || seen.GateOverrides[1].Blocked != "" {
			t.Errorf("A's supplier user sees the override: %+v, %v", seen.GateOverrides, err)
		}
	})
}

// pngBytes is a small PNG image.
func pngBytes(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := range 8 {
		for y := range 8 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPhotos adds photos to an inspection: the same content twice gives
// one file; a defect refers to it; supplier B's user reads it and A's does
// not; an unattached upload of the inspector is attached by the entry that
// uses it; a decided inspection takes no photos.
func TestPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		files := blob.NewService(st, mustDisk(t), 0)
		ops.RegisterFiles(files)
		b := w.PB
		prepare := func(ctx context.Context, c color.Color) *store.File {
			f, err := files.Prepare(ctx, blob.Upload{Name: "defect.png", Body: bytes.NewReader(pngBytes(t, c))})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		f := prepare(w.Inspector(), color.RGBA{200, 0, 0, 255})
		created, err := ops.AddPhoto(w.Inspector(), b.Lot.ID, f)
		if err != nil || !created {
			t.Fatalf("add photo: %v, %v", err, created)
		}
		again := prepare(w.Inspector(), color.RGBA{200, 0, 0, 255})
		if created, err := ops.AddPhoto(w.Inspector(), b.Lot.ID, again); err != nil || created || again.ID != f.ID {
			t.Fatalf("the same photo again: %v, created %v, id %d want %d", err, created, again.ID, f.ID)
		}
		if _, err := ops.RecordEntry(w.Inspector(), &inspection.Entry{InspectionID: b.Lot.ID, Key: w.Key(), Kind: inspection.EntryDefect,
			Defect: &inspection.DefectEntry{Unit: 2, Code: "STI-01", Photos: []int64{f.ID}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := files.File(as(w.B.User), f.ID); err != nil {
			t.Errorf("B's supplier user cannot read B's inspection photo: %v", err)
		}
		if _, err := files.File(as(w.A.User), f.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("A's supplier user reads B's inspection photo: %v", err)
		}
		if err := files.CheckAttach(as(w.A.User), inspectionops.OwnerInspection, b.Lot.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("A's supplier user may upload onto B's inspection: %v", err)
		}
		if err := files.CheckAttach(as(w.Users[qms.RoleViewer]), inspectionops.OwnerInspection, b.Lot.ID); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("a viewer may upload onto an inspection: %v", err)
		}
		// An unattached upload is attached by the entry that uses it.
		loose := prepare(w.Inspector(), color.RGBA{0, 0, 200, 255})
		if err := files.Create(w.Inspector(), loose); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.RecordEntry(w.Inspector(), &inspection.Entry{InspectionID: b.Lot.ID, Key: w.Key(), Kind: inspection.EntryPhoto,
			Photo: &inspection.PhotoEntry{FileID: loose.ID, Caption: "shipping marks"}}); err != nil {
			t.Fatal(err)
		}
		photos, err := ops.Photos(as(w.B.User), b.Lot.ID)
		if err != nil || len(photos) != 2 {
			t.Fatalf("photos of the inspection: %d, %v", len(photos), err)
		}
		decided := w.Decide(t, st, w.Submitted(t, st, b).ID, inspection.Decision{Kind: inspection.DecideRelease})
		late := prepare(w.Inspector(), color.RGBA{9, 9, 9, 255})
		if _, err := ops.AddPhoto(w.Inspector(), decided.ID, late); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("a photo added to a decided inspection: %v", err)
		}
	})
}

func mustDisk(t *testing.T) *blob.Disk {
	t.Helper()
	d, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestReworkAndSwitching decides a failed lot for rework: the linked
// re-inspection is booked, the view shows the link, and the product's
// switching rows say why the severity is what it is.
func TestReworkAndSwitching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		in := w.Lot(t, st, w.PA, inspection.KindPreShipment, 500)
		w.Complete(t, st, in)
		for u := 1; u <= 4; u++ {
			w.Record(t, st, in.ID, inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: u, Code: "FUN-01"}})
		}
		sub := w.Submit(t, st, in.ID, inspection.Submission{})
		if sub.Verdict != inspection.VerdictFail {
			t.Fatalf("verdict %s", sub.Verdict)
		}
		seed, err := ops.NCRSeed(w.Inspector(), in.ID)
		if err != nil || !strings.Contains(seed.Description, "Major") {
			t.Errorf("NCR seed: %+v, %v", seed, err)
		}
		if _, err := ops.Decide(w.Manager(), in.ID, sub.Version, inspection.Decision{Kind: inspection.DecideRelease}, ""); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("a failed lot released without a concession: %v", err)
		}
		d, err := ops.Decide(w.Manager(), in.ID, sub.Version, inspection.Decision{Kind: inspection.DecideRework, Reason: "sort all units for no-sound"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Decision.ReinspectionID == nil {
			t.Fatal("no re-inspection")
		}
		v, err := ops.InspectionView(w.Inspector(), in.ID)
		if err != nil || len(v.Reinspections) != 1 || v.Reinspections[0] != *d.Decision.ReinspectionID {
			t.Errorf("reinspections %v, %v", v.Reinspections, err)
		}
		re, err := ops.Inspection(w.Inspector(), *d.Decision.ReinspectionID)
		if err != nil || re.ResubmissionOf == nil || *re.ResubmissionOf != in.ID {
			t.Errorf("re-inspection %+v, %v", re, err)
		}
		rows, err := ops.ProductSwitching(w.Manager(), w.PA.Product.ID)
		if err != nil || len(rows) == 0 {
			t.Fatalf("switching rows: %v, %v", rows, err)
		}
		for _, r := range rows {
			if r.Reason == "" || r.SupplierName == "" {
				t.Errorf("a switching row without why or supplier: %+v", r)
			}
		}
		if _, err := ops.SupplierSwitching(as(w.A.User), w.A.Supplier.ID); err != nil {
			t.Errorf("A's supplier user's own switching state: %v", err)
		}
		if err := ops.ResumeSwitching(w.Manager(), w.A.Supplier.ID, w.PA.Product.ID, inspection.Major, "supplier acted"); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("resuming a stream that is not discontinued: %v", err)
		}
	})
}
