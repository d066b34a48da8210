package ncrops_test

import (
	"context"
	"testing"
	"time"

	"qms/internal/capaops/capatest"
	"qms/internal/esign"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestNCRThroughOperations runs an NCR from a failed inspection through
// containment, a disposition that must add up, the MRB's two signed
// approvals (password re-entry: a wrong one writes nothing and counts
// toward throttling; the first approver cannot approve again),
// verification and closure (refused while an action is open), and checks
// the signatures shown on the NCR.
func TestNCRThroughOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops := w.NCRs
		insp, qm, admin := w.As(qms.RoleInspector), w.As(qms.RoleQualityManager), w.As(qms.RoleAdmin)
		n := w.NCR(t, w.PA)
		if n.Status != ncr.StatusOpen || n.InspectionID == 0 || len(n.Defects) == 0 || n.QuantityAffected != 500 {
			t.Fatalf("raised NCR: %+v", n)
		}
		n = w.Contain(t, n.ID)

		// Quantities that do not add up: invalid, nothing written.
		events := w.AuditCount(t)
		_, err := ops.SetDisposition(insp, n.ID, n.Version, []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 300, Rationale: "cosmetic only"},
			{Kind: ncr.Scrap, Quantity: 100}}, "")
		capatest.WantKind(t, "disposition of 400 of 500", err, qms.KindInvalid)
		if f := qms.ErrorFields(err)["disposition"]; f == "" {
			t.Errorf("no field error on disposition: %v", err)
		}
		if got := w.AuditCount(t); got != events {
			t.Errorf("bad disposition wrote %d audit events", got-events)
		}

		n, err = ops.SetDisposition(insp, n.ID, n.Version, []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 400, Rationale: "cosmetic only, customer concession"},
			{Kind: ncr.Scrap, Quantity: 100}}, "MRB 2026-03")
		if err != nil {
			t.Fatalf("disposition: %v", err)
		}

		// A wrong password: invalid on "password", nothing written, a
		// login failure counted.
		qmUser := w.Users[qms.RoleQualityManager]
		before, _, _ := st.LoginFailures(context.Background(), qmUser.Email, "", time.Time{})
		events = w.AuditCount(t)
		_, _, err = ops.Approve(qm, n.ID, n.Version, "not my password", "approve")
		capatest.WantKind(t, "approve with a wrong password", err, qms.KindInvalid)
		if qms.ErrorFields(err)["password"] == "" {
			t.Errorf("wrong password: no field error on password: %v", err)
		}
		if got := w.AuditCount(t); got != events {
			t.Errorf("wrong password wrote %d audit events", got-events)
		}
		if after, _, _ := st.LoginFailures(context.Background(), qmUser.Email, "", time.Time{}); after != before+1 {
			t.Errorf("login failures %d -> %d: a wrong signing password must count toward throttling", before, after)
		}
		if cur := w.GetNCR(t, n.ID); len(cur.MRB) != 0 || cur.Version != n.Version {
			t.Errorf("wrong password changed the NCR: %+v", cur.MRB)
		}
		// No password at all.
		_, _, err = ops.Approve(qm, n.ID, n.Version, "", "")
		capatest.WantKind(t, "approve without a password", err, qms.KindInvalid)
		// A viewer may not approve (and is not asked for a password).
		_, _, err = ops.Approve(w.As(qms.RoleViewer), n.ID, n.Version, capatest.Password, "")
		capatest.WantKind(t, "viewer approves", err, qms.KindForbidden)

		n, sig, err := ops.Approve(qm, n.ID, n.Version, capatest.Password, "MRB meeting")
		if err != nil {
			t.Fatalf("first approval: %v", err)
		}
		if sig.SignerID != qmUser.ID || sig.Meaning != esign.MeaningApproved || sig.ContentHash == "" {
			t.Errorf("signature: %+v", sig)
		}
		// The second approver is not the first.
		events = w.AuditCount(t)
		_, _, err = ops.Approve(qm, n.ID, n.Version, capatest.Password, "again")
		capatest.WantKind(t, "the first approver approves again", err, qms.KindConflict)
		if got := w.AuditCount(t); got != events {
			t.Errorf("second approval by the first approver wrote %d audit events", got-events)
		}
		n, _, err = ops.Approve(insp, n.ID, n.Version, capatest.Password, "second approver")
		if err != nil {
			t.Fatalf("second approval: %v", err)
		}
		if len(n.MRB) != 2 || !ncr.MRBComplete(n) {
			t.Fatalf("MRB: %+v", n.MRB)
		}
		d, err := ops.Get(insp, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Signatures) != 2 || d.Signatures[0].Status != esign.StatusValid || d.Signatures[1].Status != esign.StatusValid {
			t.Errorf("signatures on the NCR: %+v", d.Signatures)
		}

		n, err = ops.Move(qm, n.ID, n.Version, ncr.MoveDisposition, "")
		if err != nil {
			t.Fatalf("disposition move: %v", err)
		}
		n, err = ops.Move(insp, n.ID, n.Version, ncr.MoveVerify, "400 released under concession C-12, 100 scrapped (scrap note 7781)")
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		n, err = ops.SetCost(insp, n.ID, n.Version, ncr.Cost{Currency: "eur", Scrap: 120000, Sorting: 35000, ChargedBack: 155000}, "")
		if err != nil || n.Cost.Currency != "EUR" {
			t.Fatalf("cost: %v %+v", err, n.Cost)
		}
		// Closing with an open action: conflict, nothing written.
		act := &ncr.Action{NCRID: n.ID, Kind: ncr.NotifyCustomer, OwnerName: "Sales", DueOn: opstest.Day(3)}
		if err := ops.AddAction(insp, act); err != nil {
			t.Fatal(err)
		}
		n = w.GetNCR(t, n.ID)
		events = w.AuditCount(t)
		_, err = ops.Move(qm, n.ID, n.Version, ncr.MoveClose, "")
		capatest.WantKind(t, "close with an open action", err, qms.KindConflict)
		if got := w.AuditCount(t); got != events {
			t.Errorf("refused close wrote %d audit events", got-events)
		}
		// The action belongs to this NCR only.
		other := w.NCR(t, w.PB)
		_, err = ops.FinishAction(insp, other.ID, act.ID, act.Version, ncr.ActionDone, "told")
		capatest.WantKind(t, "finish an action through another NCR", err, qms.KindNotFound)
		if _, err := ops.FinishAction(insp, n.ID, act.ID, act.Version, ncr.ActionDone, "customer told by mail"); err != nil {
			t.Fatal(err)
		}
		n, err = ops.Move(admin, n.ID, w.GetNCR(t, n.ID).Version, ncr.MoveClose, "")
		if err != nil || n.Status != ncr.StatusClosed {
			t.Fatalf("close: %v", err)
		}
		if n, err := st.VerifySignatures(context.Background()); err != nil || n != 2 {
			t.Errorf("VerifySignatures: %d, %v", n, err)
		}
	})
}

// TestNCRSignatureNoLongerMatches revises an approved disposition and
// changes the report: the MRB signatures stay, marked no longer matching,
// and the signatures and the audit chain still verify.
func TestNCRSignatureNoLongerMatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops := w.NCRs
		insp, qm := w.As(qms.RoleInspector), w.As(qms.RoleQualityManager)
		n := w.Contain(t, w.NCR(t, w.PA).ID)
		n, err := ops.SetDisposition(insp, n.ID, n.Version, []ncr.DispositionLine{{Kind: ncr.Repair, Quantity: 500, Rationale: "re-solder, functional test 100 %"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if n, _, err = ops.Approve(qm, n.ID, n.Version, capatest.Password, ""); err != nil {
			t.Fatal(err)
		}
		if n, _, err = ops.Approve(insp, n.ID, n.Version, capatest.Password, ""); err != nil {
			t.Fatal(err)
		}
		if n, err = ops.Move(qm, n.ID, n.Version, ncr.MoveDisposition, ""); err != nil {
			t.Fatal(err)
		}
		if n, err = ops.Move(qm, n.ID, n.Version, ncr.MoveRevise, "supplier offers replacement"); err != nil {
			t.Fatal(err)
		}
		n.Found += " Also 3 units with loose knobs."
		if err := ops.Update(insp, n, n.Version, "more found on re-check"); err != nil {
			t.Fatal(err)
		}
		d, err := ops.Get(insp, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Signatures) != 2 {
			t.Fatalf("signatures: %d", len(d.Signatures))
		}
		for _, c := range d.Signatures {
			if c.Matches || c.Status != esign.StatusChanged {
				t.Errorf("signature %d after the change: %s", c.Signature.ID, c.Status)
			}
		}
		if len(d.MRB) != 0 {
			t.Errorf("approvals kept after the change: %+v", d.MRB)
		}
		if n, err := st.VerifySignatures(context.Background()); err != nil || n != 2 {
			t.Errorf("VerifySignatures: %d, %v", n, err)
		}
		if _, err := st.VerifyAudit(context.Background()); err != nil {
			t.Errorf("VerifyAudit: %v", err)
		}
	})
}

// TestNCRPermissions checks each operation per role: supplier users see no
// NCR at all (an id is not found, a list forbidden), read-only roles read
// but do not write, quality staff write.
func TestNCRPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops := w.NCRs
		n := w.NCR(t, w.PA)
		in := w.Failed(t, w.PB)
		for _, tc := range []struct {
			role         qms.Role
			ctx          context.Context
			read, write  qms.Kind // the kind of error; -1: none
			list, create qms.Kind
		}{
			{qms.RoleAdmin, w.As(qms.RoleAdmin), -1, -1, -1, -1},
			{qms.RoleQualityManager, w.As(qms.RoleQualityManager), -1, -1, -1, -1},
			{qms.RoleInspector, w.As(qms.RoleInspector), -1, -1, -1, -1},
			{qms.RoleViewer, w.As(qms.RoleViewer), -1, qms.KindForbidden, -1, qms.KindForbidden},
			{qms.RoleAuditor, w.As(qms.RoleAuditor), -1, qms.KindForbidden, -1, qms.KindForbidden},
			{"supplier A", w.SupplierA(), qms.KindNotFound, qms.KindNotFound, qms.KindForbidden, qms.KindForbidden},
			{"supplier B", w.SupplierB(), qms.KindNotFound, qms.KindNotFound, qms.KindForbidden, qms.KindForbidden},
		} {
			check := func(what string, err error, want qms.Kind) {
				t.Helper()
				if want < 0 {
					if err != nil {
						t.Errorf("%s %s: %v", tc.role, what, err)
					}
					return
				}
				if err == nil || qms.ErrorKind(err) != want {
					t.Errorf("%s %s: got %v, want kind %v", tc.role, what, err, want)
				}
			}
			_, err := ops.Get(tc.ctx, n.ID)
			check("get", err, tc.read)
			_, _, err = ops.List(tc.ctx, store.NCRFilter{})
			check("list", err, tc.list)
			cur := w.GetNCR(t, n.ID)
			act := &ncr.Action{NCRID: n.ID, Kind: ncr.HoldShipment, OwnerName: "Logistics", DueOn: opstest.Day(1)}
			check("add action", ops.AddAction(tc.ctx, act), tc.write)
			cur = w.GetNCR(t, n.ID)
			_, err = ops.SetCost(tc.ctx, n.ID, cur.Version, ncr.Cost{Currency: "USD", Freight: 100}, "")
			check("cost", err, tc.write)
			if tc.create < 0 {
				continue // one NCR per inspection: raised by the first role only
			}
			_, err = ops.RaiseFromInspection(tc.ctx, in.ID)
			check("raise from inspection", err, tc.create)
			err = ops.Create(tc.ctx, &ncr.NCR{Source: ncr.SourceOther, Title: "x", Severity: "minor", Found: "y", DetectedOn: opstest.Day(0), QuantityAffected: 1})
			check("create", err, tc.create)
		}
		// A supplier user's not-found is the same as for an id that does
		// not exist.
		_, err1 := ops.Get(w.SupplierA(), n.ID)
		_, err2 := ops.Get(w.As(qms.RoleAdmin), 999999)
		if qms.ErrorMessage(err1) != qms.ErrorMessage(err2) {
			t.Errorf("not found differs: %q vs %q", qms.ErrorMessage(err1), qms.ErrorMessage(err2))
		}
	})
}
