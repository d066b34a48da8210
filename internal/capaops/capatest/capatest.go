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
