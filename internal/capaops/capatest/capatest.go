// Package capatest builds the NCR and CAPA records that the tests of the
// NCR and CAPA operations, pages and API share, on top of the inspection
// fixture (inspectionops/insptest): failed inspections, NCRs raised from
// them, and supplier corrective action requests addressed to supplier A
// and supplier B, with the services under test. It is for tests only.
package capatest

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"qms/internal/auth"
	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/inspection"
	"qms/internal/inspectionops/insptest"
	"qms/internal/ncr"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplierops/opstest"
)

// Password is every fixture user's password.
const Password = opstest.Password

// World is the fixture with the services.
type World struct {
	*insptest.World
	St    *store.Store
	Auth  *auth.Service
	NCRs  *ncrops.Service
	CAPAs *capaops.Service
}

// Build builds the inspection fixture and the services over st.
func Build(t testing.TB, st *store.Store) *World {
	t.Helper()
	w := &World{World: insptest.Build(t, st), St: st}
	w.Auth = &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}
	w.NCRs = &ncrops.Service{Store: st, Auth: w.Auth}
	w.CAPAs = &capaops.Service{Store: st, Auth: w.Auth}
	return w
}

// As returns the context of the fixture's internal user of role r (the
// supplier role: A's user).
func (w *World) As(r qms.Role) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(w.Users[r], "session"))
}

// SupplierA and SupplierB are the contexts of the two suppliers' users.
func (w *World) SupplierA() context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(w.A.User, "session"))
}

// SupplierB is the context of supplier B's user.
func (w *World) SupplierB() context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(w.B.User, "session"))
}

// Failed plans a pre-shipment inspection of 500 units of the line
// (sample 50, major Ac 3 Re 4), records it complete with 4 units of major
// defect (FUN-01 for A's electronics, STI-01 for B's garments) and submits
// it: failed.
func (w *World) Failed(t testing.TB, l insptest.Line) *inspection.Inspection {
	t.Helper()
	in := w.Lot(t, w.St, l, inspection.KindPreShipment, 500)
	w.Complete(t, w.St, in)
	code := "FUN-01"
	if l.Product.Category == "garments" {
		code = "STI-01"
	}
	for u := 1; u <= 4; u++ {
		w.Record(t, w.St, in.ID, inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: u, Code: code, Location: "front"}})
	}
	in = w.Submit(t, w.St, in.ID, inspection.Submission{})
	if in.Result == nil || in.Result.Verdict != inspection.VerdictFail {
		t.Fatalf("capatest: the inspection did not fail: %+v", in.Result)
	}
	return in
}

// NCR raises an NCR from a fresh failed inspection of the line as the
// inspector.
func (w *World) NCR(t testing.TB, l insptest.Line) *ncr.NCR {
	t.Helper()
	in := w.Failed(t, l)
	n, err := w.NCRs.RaiseFromInspection(w.As(qms.RoleInspector), in.ID)
	if err != nil {
		t.Fatalf("capatest: raise NCR: %v", err)
	}
	return n
}

// GetNCR reads an NCR as the system.
func (w *World) GetNCR(t testing.TB, id int64) *ncr.NCR {
	t.Helper()
	var n *ncr.NCR
	if err := w.St.View(insptest.System, func(tx *store.Tx) error {
		var err error
		n, err = tx.NCR(id)
		return err
	}); err != nil {
		t.Fatalf("capatest: NCR %d: %v", id, err)
	}
	return n
}

// Contain adds a quarantine action to the NCR, completes it and marks the
// NCR contained, as the inspector.
func (w *World) Contain(t testing.TB, id int64) *ncr.NCR {
	t.Helper()
	ctx := w.As(qms.RoleInspector)
	act := &ncr.Action{NCRID: id, Kind: ncr.Quarantine, OwnerName: "仓库 李伟", DueOn: opstest.Day(2)}
	if err := w.NCRs.AddAction(ctx, act); err != nil {
		t.Fatalf("capatest: add action: %v", err)
	}
	if _, err := w.NCRs.FinishAction(ctx, id, act.ID, act.Version, ncr.ActionDone, "moved to the MRB cage, tagged"); err != nil {
		t.Fatalf("capatest: finish action: %v", err)
	}
	n, err := w.NCRs.Move(ctx, id, w.GetNCR(t, id).Version, ncr.MoveContain, "")
	if err != nil {
		t.Fatalf("capatest: contain: %v", err)
	}
	return n
}

// SCAR opens a supplier corrective action request to the line's supplier
// answering the NCR, owned by the quality manager.
func (w *World) SCAR(t testing.TB, l insptest.Line, ncrID int64) *capa.CAPA {
	t.Helper()
	qm := w.Users[qms.RoleQualityManager]
	c := &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: fmt.Sprintf("Defects at %s", l.Product.SKU),
		Severity: inspection.Major, SupplierID: l.Supplier.ID, SiteID: l.Site.ID, ProductID: l.Product.ID, OwnerID: qm.ID, Owner: qm.Name,
		Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: ncrID}}}
	if err := w.CAPAs.Open(w.As(qms.RoleQualityManager), c); err != nil {
		t.Fatalf("capatest: open SCAR: %v", err)
	}
	return c
}

// GetCAPA reads a CAPA as the system.
func (w *World) GetCAPA(t testing.TB, id int64) *capa.CAPA {
	t.Helper()
	var c *capa.CAPA
	if err := w.St.View(insptest.System, func(tx *store.Tx) error {
		var err error
		c, err = tx.CAPA(id)
		return err
	}); err != nil {
		t.Fatalf("capatest: CAPA %d: %v", id, err)
	}
	return c
}

// AuditCount is the number of audit events: a failed change writes none.
func (w *World) AuditCount(t testing.TB) int64 {
	t.Helper()
	var n int64
	if err := w.St.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// WantKind fails the test unless err has kind k.
func WantKind(t testing.TB, what string, err error, k qms.Kind) {
	t.Helper()
	if qms.ErrorKind(err) != k || err == nil {
		t.Fatalf("%s: got %v (kind %v), want kind %v", what, err, qms.ErrorKind(err), k)
	}
}

// Report returns a complete 8D report for a CAPA opened on today (no
// evidence files).
func Report(today qms.Date) capa.Report {
	return capa.Report{
		D0: capa.Emergency{Symptom: "Speakers without sound", Response: "Lot on hold; 100 % function test"},
		D1: capa.Team{Leader: "张伟", Members: []capa.Member{{Name: "李娜", Function: "production"}}},
		D2: capa.Problem{What: "No sound", Where: "Line 2", When: "Week 9", HowMany: "4 of 50", HowDetected: "PSI function test"},
		D3: capa.Containment{Actions: []capa.InterimAction{{Description: "Sort stock at the factory", Owner: "李娜", DueOn: today, Done: true, DoneOn: today, Result: "37 rejects of 5,000"}},
			Verification: "Re-inspection of 200 sorted units: 0 defects"},
		D4: capa.RootCause{
			Occurrence: capa.WhyChain{Whys: []string{"Wire not soldered", "Iron too cold", "No temperature check"}, RootCause: "No daily iron temperature check"},
			Detection:  capa.WhyChain{Whys: []string{"Function test skipped when late"}, RootCause: "Test not mandatory in the control plan"},
			Ishikawa:   capa.Ishikawa{Effect: "No sound", Causes: []capa.Cause{{Category: ncr.CatMachine, Text: "Iron temperature drift"}}},
			Category:   ncr.CatMachine, Verification: "Reproduced at 280 °C"},
		D5: capa.Actions{Actions: []capa.PermanentAction{
			{Description: "Controlled irons, daily check sheet", Addresses: capa.LegOccurrence, Owner: "张伟", DueOn: today.AddDate(0, 0, 20)},
			{Description: "Mandatory 100 % function test", Addresses: capa.LegDetection, Owner: "李娜", DueOn: today.AddDate(0, 0, 20)}},
			Verification: "Pilot run of 500: 0 defects"},
		D6: capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: today, Evidence: "PO 7781, photos"}, {Action: 2, DoneOn: today, Evidence: "Control plan rev D"}},
			ContainmentRemoved: true, Validation: "Two weeks: 0 defects at end of line"},
		D7: capa.Prevention{Summary: "All speaker lines", Changes: []capa.Change{{Kind: capa.ChangeWorkInstruction, Ref: "WI-SOL-003 rev 4", Description: "Daily check"}}},
		D8: capa.Recognition{Summary: "Effective after three clean lots", LessonsLearned: "Check irons daily"},
	}
}

// Answer saves and submits a stage as ctx and accepts it as the quality
// manager.
func (w *World) Answer(t testing.TB, ctx context.Context, id int64, content capa.Content) *capa.CAPA {
	t.Helper()
	c, err := w.CAPAs.SaveStage(ctx, id, w.GetCAPA(t, id).Version, content)
	if err != nil {
		t.Fatalf("capatest: save %s: %v", content.Stage(), err)
	}
	if c, err = w.CAPAs.SubmitStage(ctx, id, c.Version, content.Stage()); err != nil {
		t.Fatalf("capatest: submit %s: %v", content.Stage(), err)
	}
	if c, err = w.CAPAs.ReviewStage(w.As(qms.RoleQualityManager), id, w.GetCAPA(t, id).Version, content.Stage(), capa.StageAccepted, ""); err != nil {
		t.Fatalf("capatest: accept %s: %v", content.Stage(), err)
	}
	return c
}

// Verifying answers D0 to D7 of a supplier request (the buyer D0 to D2,
// supplier ctx D3 to D7), states a criterion (at most k defective units
// of the line's supplier per 1,000 over the next 2 inspections), moves it
// to verification and saves D8. r is the report (nil: Report of today).
func (w *World) Verifying(t testing.TB, supplier context.Context, c *capa.CAPA, k int, r *capa.Report) *capa.CAPA {
	t.Helper()
	qm := w.As(qms.RoleQualityManager)
	if r == nil {
		def := Report(qms.DateOf(w.St.Now()))
		r = &def
	}
	cr := capa.Criterion{SupplierID: c.SupplierID, ProductID: c.ProductID, MaxDefective: k, PerUnits: 1000, Inspections: 2}
	if _, err := w.CAPAs.SetCriterion(qm, c.ID, w.GetCAPA(t, c.ID).Version, cr, "two clean lots"); err != nil {
		t.Fatalf("capatest: criterion: %v", err)
	}
	for _, x := range []capa.Content{&r.D0, &r.D1, &r.D2} {
		w.Answer(t, qm, c.ID, x)
	}
	for _, x := range []capa.Content{&r.D3, &r.D4, &r.D5, &r.D6, &r.D7} {
		w.Answer(t, supplier, c.ID, x)
	}
	c, err := w.CAPAs.Move(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.MoveVerify, "")
	if err != nil {
		t.Fatalf("capatest: verify: %v", err)
	}
	if c, err = w.CAPAs.SaveStage(qm, c.ID, c.Version, &r.D8); err != nil {
		t.Fatalf("capatest: D8: %v", err)
	}
	return c
}
