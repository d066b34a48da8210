package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// failedLot books an incoming lot of 3000 (major AQL 2.5: Ac 7, Re 8 in
// 125) and submits it with majors defective units of FUN-01.
func (f *inspFixture) failedLot(t *testing.T, majors int) *inspection.Inspection {
	t.Helper()
	in := f.book(t, f.lot(inspection.KindIncoming, 3000))
	return f.lotWithMajors(t, in, majors)
}

func (f *inspFixture) raise(t *testing.T, ctx context.Context, inspectionID int64) *ncr.NCR {
	t.Helper()
	var n *ncr.NCR
	update(t, f.s, ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.RaiseNCRFromInspection(inspectionID)
		return err
	})
	return n
}

func getNCR(t *testing.T, s *store.Store, id int64) *ncr.NCR {
	t.Helper()
	var n *ncr.NCR
	view(t, s, func(tx *store.Tx) error {
		var err error
		n, err = tx.NCR(id)
		return err
	})
	return n
}

// moveNCR makes a move and fails the test on error.
func moveNCR(t *testing.T, s *store.Store, ctx context.Context, id int64, m ncr.Move, reason string) *ncr.NCR {
	t.Helper()
	n := getNCR(t, s, id)
	update(t, s, ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MoveNCR(id, n.Version, m, reason)
		return err
	})
	return n
}

// containNCR adds a quarantine action, completes it and marks the NCR
// contained.
func containNCR(t *testing.T, s *store.Store, ctx context.Context, id int64) *ncr.NCR {
	t.Helper()
	a := &ncr.Action{NCRID: id, Kind: ncr.Quarantine, OwnerName: "仓库 李伟", DueOn: qms.NewDate(2026, 3, 4)}
	update(t, s, ctx, func(tx *store.Tx) error { return tx.AddNCRAction(a) })
	update(t, s, ctx, func(tx *store.Tx) error {
		_, err := tx.FinishNCRAction(a.ID, a.Version, ncr.ActionDone, "moved to the MRB cage, tagged")
		return err
	})
	return moveNCR(t, s, ctx, id, ncr.MoveContain, "")
}

func setDisposition(s *store.Store, ctx context.Context, n *ncr.NCR, lines ...ncr.DispositionLine) (*ncr.NCR, error) {
	var out *ncr.NCR
	err := s.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SetNCRDisposition(n.ID, n.Version, lines, "")
		return err
	})
	return out, err
}

func approveMRB(s *store.Store, ctx context.Context, id int64) (*ncr.NCR, *esign.Signature, error) {
	var n *ncr.NCR
	var sig *esign.Signature
	err := s.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.NCR(id)
		if err != nil {
			return err
		}
		n, sig, err = tx.ApproveNCRDisposition(id, cur.Version, "MRB meeting 2026-03-03")
		return err
	})
	return n, sig, err
}

func decideErr(f *inspFixture, id int64, d inspection.Decision) error {
	return f.s.Update(qmCtx(), func(tx *store.Tx) error {
		in, err := tx.Inspection(id)
		if err != nil {
			return err
		}
		_, err = tx.DecideInspection(id, in.Version, d)
		return err
	})
}

// nothingWritten fails unless err has kind k and the NCR and the audit
// trail are as they were.
func nothingWritten(t *testing.T, s *store.Store, what string, err error, k qms.Kind, before *ncr.NCR, events int64) {
	t.Helper()
	wantKind(t, what, err, k)
	if after := getNCR(t, s, before.ID); after.Version != before.Version || after.Status != before.Status || len(after.MRB) != len(before.MRB) {
		t.Errorf("%s: the NCR changed: v%d %s", what, after.Version, after.Status)
	}
	if n := countAudit(t, s); n != events {
		t.Errorf("%s: %d audit events written", what, n-events)
	}
}

// TestNCRFromFailedInspection runs an NCR through its whole life: raised
// from a failed inspection (its data and defects copied, linked back), the
// lot blocked from release while it is open, containment, a disposition
// that must add up, the MRB's two signed approvals, release under
// concession as the disposition allows, verification, cost and closure.
func TestNCRFromFailedInspection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.failedLot(t, 8)
		insp := userCtx(f.inspector)
		n := f.raise(t, insp, in.ID)
		if n.Source != ncr.SourceIncoming || n.InspectionID != in.ID || n.SupplierID != f.sup.ID || n.SiteID != f.site.ID || n.ProductID != f.product.ID ||
			n.SpecID != f.spec.ID || n.PONumber != "PO-2026-0042" || n.QuantityAffected != 3000 || n.QuantityInspected != 125 || n.Status != ncr.StatusOpen ||
			n.Severity != inspection.Major || n.CreatedBy != f.inspector.Name {
			t.Fatalf("%+v", n)
		}
		if len(n.Defects) != 1 || n.Defects[0].Code != "FUN-01" || n.Defects[0].Quantity != 8 || !strings.Contains(n.Requirement, "accept at most 7 in a sample of 125") {
			t.Errorf("defects %+v, requirement %q", n.Defects, n.Requirement)
		}
		if got := f.get(t, in.ID); got.NCRID == nil || *got.NCRID != n.ID {
			t.Errorf("inspection's NCR link %v", got.NCRID)
		}
		wantKind(t, "a second NCR", s.Update(insp, func(tx *store.Tx) error { _, err := tx.RaiseNCRFromInspection(in.ID); return err }), qms.KindConflict)
		wantKind(t, "a viewer raises", s.Update(userCtx(&qms.User{ID: 40, Name: "Buyer", Role: qms.RoleViewer}), func(tx *store.Tx) error {
			_, err := tx.RaiseNCRFromInspection(in.ID)
			return err
		}), qms.KindForbidden)

		// While the NCR is open the lot is not released.
		concession := inspection.Decision{Kind: inspection.DecideConcession, Reason: "cosmetic only", Conditions: "5 % discount"}
		err := decideErr(f, in.ID, concession)
		wantKind(t, "concession with the NCR open", err, qms.KindConflict)
		if !strings.Contains(err.Error(), n.Number()) {
			t.Errorf("%v", err)
		}
		if f.get(t, in.ID).Status != inspection.StatusSubmitted {
			t.Fatal("the refused decision was written")
		}

		// Containment: an open action blocks it.
		act := &ncr.Action{NCRID: n.ID, Kind: ncr.HoldShipment, OwnerUserID: f.inspector.ID, OwnerName: f.inspector.Name, DueOn: qms.NewDate(2026, 3, 3)}
		update(t, s, insp, func(tx *store.Tx) error { return tx.AddNCRAction(act) })
		n = getNCR(t, s, n.ID)
		events := countAudit(t, s)
		_, err = func() (*ncr.NCR, error) {
			var out *ncr.NCR
			err := s.Update(insp, func(tx *store.Tx) error {
				var e error
				out, e = tx.MoveNCR(n.ID, n.Version, ncr.MoveContain, "")
				return e
			})
			return out, err
		}()
		nothingWritten(t, s, "contain with an open action", err, qms.KindConflict, n, events)
		update(t, s, insp, func(tx *store.Tx) error {
			_, err := tx.FinishNCRAction(act.ID, act.Version, ncr.ActionDone, "held at the factory; shipment booking cancelled")
			return err
		})
		n = moveNCR(t, s, insp, n.ID, ncr.MoveContain, "")
		if n.Status != ncr.StatusContained || n.ContainedAt == nil || n.Actions[0].Status != ncr.ActionDone || n.Actions[0].DoneBy != f.inspector.Name {
			t.Fatalf("%+v", n)
		}

		// A disposition that does not add up is refused; nothing is written.
		events = countAudit(t, s)
		_, err = setDisposition(s, insp, n, ncr.DispositionLine{Kind: ncr.UseAsIs, Quantity: 2900, Rationale: "cosmetic"}, ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 99})
		nothingWritten(t, s, "quantities that do not add up", err, qms.KindInvalid, n, events)
		if !strings.Contains(qms.ErrorFields(err)["disposition"], "2999 units, 1 fewer than the 3000") {
			t.Errorf("%v", err)
		}
		n, err = setDisposition(s, insp, n, ncr.DispositionLine{Kind: ncr.UseAsIs, Quantity: 2900, Rationale: "no sound is a solder fault on 8 units; the rest test good"},
			ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 100})
		if err != nil {
			t.Fatal(err)
		}
		// Use as is needs the MRB: not yet.
		events = countAudit(t, s)
		_, err = func() (*ncr.NCR, error) {
			var out *ncr.NCR
			err := s.Update(qmCtx(), func(tx *store.Tx) error {
				var e error
				out, e = tx.MoveNCR(n.ID, n.Version, ncr.MoveDisposition, "")
				return e
			})
			return out, err
		}()
		nothingWritten(t, s, "disposition without the MRB", err, qms.KindConflict, n, events)

		// The MRB: a quality manager and a second, different person.
		n, sig1, err := approveMRB(s, qmCtx(), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.MRB) != 1 || n.MRB[0].SignatureID != sig1.ID || sig1.SignerName != qmActor.Name || sig1.Meaning != esign.MeaningApproved ||
			sig1.RecordType != esign.NCRDisposition || sig1.EntityID != n.ID || len(sig1.ContentHash) != 64 {
			t.Fatalf("%+v %+v", n.MRB, sig1)
		}
		events = countAudit(t, s)
		_, _, err = approveMRB(s, qmCtx(), n.ID)
		nothingWritten(t, s, "the same approver twice", err, qms.KindConflict, n, events)
		_, _, err = approveMRB(s, userCtx(&qms.User{ID: 41, Name: "Auditor", Role: qms.RoleAuditor}), n.ID)
		nothingWritten(t, s, "an auditor approves", err, qms.KindForbidden, n, events)
		n, sig2, err := approveMRB(s, insp, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.MRB) != 2 || n.MRB[1].UserID != f.inspector.ID || sig2.ID == sig1.ID || sig2.ContentHash != sig1.ContentHash {
			t.Fatalf("%+v %+v %+v", n.MRB, sig1, sig2)
		}
		wantKind(t, "an inspector dispositions", s.Update(insp, func(tx *store.Tx) error {
			_, err := tx.MoveNCR(n.ID, n.Version, ncr.MoveDisposition, "")
			return err
		}), qms.KindForbidden)
		n = moveNCR(t, s, qmCtx(), n.ID, ncr.MoveDisposition, "")
		if n.Status != ncr.StatusDispositioned || n.DispositionedAt == nil {
			t.Fatalf("%+v", n)
		}
		// The report no longer changes.
		wantKind(t, "edit after the disposition", s.Update(insp, func(tx *store.Tx) error {
			x := *n
			x.Found = "changed"
			return tx.UpdateNCR(&x, n.Version, "")
		}), qms.KindConflict)

		// Now the disposition allows the release under concession.
		if err := decideErr(f, in.ID, concession); err != nil {
			t.Fatalf("concession after the disposition: %v", err)
		}

		n = moveNCR(t, s, insp, n.ID, ncr.MoveVerify, "100 scrapped under witness; 2,900 released with the concession")
		update(t, s, insp, func(tx *store.Tx) error {
			var err error
			n, err = tx.SetNCRCost(n.ID, n.Version, ncr.Cost{Currency: "usd", Scrap: 125000, Sorting: 30000, Freight: 0, ChargedBack: 155000}, "debit note DN-88")
			return err
		})
		if n.Cost.Currency != "USD" || n.Cost.Total() != 155000 {
			t.Errorf("%+v", n.Cost)
		}
		n = moveNCR(t, s, qmCtx(), n.ID, ncr.MoveClose, "")
		if n.Status != ncr.StatusClosed || n.ClosedAt == nil || n.Verification == "" {
			t.Fatalf("%+v", n)
		}
		var total int64
		if err := s.DB().QueryRow("SELECT cost_total FROM ncrs WHERE id = " + fmt.Sprint(n.ID)).Scan(&total); err != nil || total != 155000 {
			t.Errorf("cost_total %d %v", total, err)
		}
		wantKind(t, "cost after closing", s.Update(insp, func(tx *store.Tx) error {
			_, err := tx.SetNCRCost(n.ID, n.Version, ncr.Cost{}, "")
			return err
		}), qms.KindConflict)

		// The signatures still match the disposition they approved.
		view(t, s, func(tx *store.Tx) error {
			checks, err := tx.CheckSignatures("ncr", n.ID)
			if err != nil {
				return err
			}
			if len(checks) != 2 || !checks[0].Matches || !checks[1].Matches || checks[0].Status != esign.StatusValid {
				t.Errorf("%+v", checks)
			}
			list, next, err := tx.ListNCRs(store.NCRFilter{SupplierID: f.sup.ID})
			if err != nil || len(list) != 1 || next != 0 || list[0].ID != n.ID || len(list[0].Disposition) != 2 {
				t.Errorf("list %+v %v", list, err)
			}
			if active, _, _ := tx.ListNCRs(store.NCRFilter{Active: true}); len(active) != 0 {
				t.Errorf("active %+v", active)
			}
			return nil
		})
		// Events: raised, action added and finished, contained, disposition
		// proposed, two approvals, dispositioned, verified, cost, closed.
		for kind, want := range map[string]int{ncr.JobEvent: 11, ncr.JobActionOverdue: 1} {
			var got int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM jobs WHERE kind = '" + kind + "'").Scan(&got); err != nil || got != want {
				t.Errorf("%s jobs: %d, want %d (%v)", kind, got, want, err)
			}
		}
		evs := auditOf(t, s, "ncr", n.ID)
		if evs[0].Action != "close" || evs[len(evs)-1].Action != "create" {
			t.Errorf("audit %s ... %s", evs[0].Action, evs[len(evs)-1].Action)
		}
		checkAudit(t, s)
		if k, err := s.VerifySignatures(context.Background()); err != nil || k != 2 {
			t.Errorf("signatures %d %v", k, err)
		}
	})
}

// TestLotReleaseFollowsDisposition: a lot whose NCR scraps or returns every
// unit is never released, nor is its re-inspection after rework; revising
// the disposition to rework lets the re-inspection release it.
func TestLotReleaseFollowsDisposition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.failedLot(t, 9)
		n := f.raise(t, qmCtx(), in.ID)
		n = containNCR(t, s, qmCtx(), n.ID)
		n, err := setDisposition(s, qmCtx(), n, ncr.DispositionLine{Kind: ncr.ReturnToSupplier, Quantity: 3000})
		if err != nil {
			t.Fatal(err)
		}
		n = moveNCR(t, s, qmCtx(), n.ID, ncr.MoveDisposition, "")
		err = decideErr(f, in.ID, inspection.Decision{Kind: inspection.DecideConcession, Reason: "x", Conditions: "y"})
		wantKind(t, "concession of a returned lot", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "scrap or return") {
			t.Errorf("%v", err)
		}
		// Rework is not a release: it books the re-inspection.
		got := f.decide(t, in.ID, inspection.Decision{Kind: inspection.DecideRework, Reason: "sort and re-solder"})
		re := f.get(t, *got.Decision.ReinspectionID)
		f.lotWithMajors(t, re, 0)
		wantKind(t, "release of the re-inspection", decideErr(f, re.ID, inspection.Decision{Kind: inspection.DecideRelease}), qms.KindConflict)
		n = moveNCR(t, s, qmCtx(), n.ID, ncr.MoveRevise, "supplier reworks on site instead of taking the lot back")
		if n.Status != ncr.StatusContained || n.StatusReason == "" || n.DispositionedAt != nil {
			t.Fatalf("%+v", n)
		}
		n, err = setDisposition(s, qmCtx(), n, ncr.DispositionLine{Kind: ncr.Rework, Quantity: 3000})
		if err != nil {
			t.Fatal(err)
		}
		moveNCR(t, s, qmCtx(), n.ID, ncr.MoveDisposition, "")
		if err := decideErr(f, re.ID, inspection.Decision{Kind: inspection.DecideRelease}); err != nil {
			t.Fatalf("release after rework: %v", err)
		}
		// A voided NCR does not block: another failed lot.
		in2 := f.failedLot(t, 8)
		n2 := f.raise(t, qmCtx(), in2.ID)
		moveNCR(t, s, qmCtx(), n2.ID, ncr.MoveVoid, "raised on the wrong inspection")
		if err := decideErr(f, in2.ID, inspection.Decision{Kind: inspection.DecideConcession, Reason: "x", Conditions: "y"}); err != nil {
			t.Errorf("voided NCR blocks: %v", err)
		}
		// A lot without an NCR is decided as before.
		in3 := f.failedLot(t, 8)
		if err := decideErr(f, in3.ID, inspection.Decision{Kind: inspection.DecideConcession, Reason: "x", Conditions: "y"}); err != nil {
			t.Errorf("no NCR: %v", err)
		}
		checkAudit(t, s)
	})
}

// TestNCRChangeInvalidatesApprovals: changing what the MRB approved drops
// the approvals; their signatures stay, no longer matching; signatures can
// be neither changed nor deleted.
func TestNCRChangeInvalidatesApprovals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		in := f.failedLot(t, 8)
		n := f.raise(t, qmCtx(), in.ID)
		n, err := setDisposition(s, qmCtx(), n, ncr.DispositionLine{Kind: ncr.Repair, Quantity: 3000, Rationale: "re-solder speaker wire"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := approveMRB(s, qmCtx(), n.ID); err != nil {
			t.Fatal(err)
		}
		n, _, err = approveMRB(s, userCtx(f.inspector), n.ID)
		if err != nil || len(n.MRB) != 2 {
			t.Fatal(err)
		}
		// Re-proposing the same lines keeps the approvals.
		if n, err = setDisposition(s, qmCtx(), n, ncr.DispositionLine{Kind: ncr.Repair, Quantity: 3000, Rationale: "re-solder speaker wire"}); err != nil || len(n.MRB) != 2 {
			t.Fatalf("same lines: %v %d", err, len(n.MRB))
		}
		// Changing the finding (still open) drops them.
		x := *n
		x.Found += " Also 2 units with a cracked grille."
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateNCR(&x, n.Version, "grille cracks found at sorting") })
		n = getNCR(t, s, n.ID)
		if len(n.MRB) != 0 || !strings.Contains(n.Found, "cracked grille") {
			t.Fatalf("%+v", n)
		}
		var checks []esign.Check
		view(t, s, func(tx *store.Tx) error {
			var err error
			checks, err = tx.CheckSignatures("ncr", n.ID)
			return err
		})
		if len(checks) != 2 || checks[0].Matches || checks[1].Matches || checks[0].Status != esign.StatusChanged {
			t.Fatalf("%+v", checks)
		}
		// Changing the disposition after new approvals drops them too.
		if _, _, err := approveMRB(s, qmCtx(), n.ID); err != nil {
			t.Fatal(err)
		}
		n = getNCR(t, s, n.ID)
		n, err = setDisposition(s, qmCtx(), n, ncr.DispositionLine{Kind: ncr.Repair, Quantity: 2000, Rationale: "re-solder"}, ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 1000})
		if err != nil || len(n.MRB) != 0 {
			t.Fatalf("%v %+v", err, n.MRB)
		}
		// Append-only: the database refuses to change or delete a signature.
		for _, q := range []string{"UPDATE signatures SET content_hash = '" + strings.Repeat("0", 64) + "'", "DELETE FROM signatures"} {
			if _, err := s.DB().Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		var k int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM signatures").Scan(&k); err != nil || k != 3 {
			t.Errorf("%d signatures", k)
		}
		checkAudit(t, s)
		if k, err := s.VerifySignatures(context.Background()); err != nil || k != 3 {
			t.Errorf("verify signatures: %d %v", k, err)
		}
	})
}

// TestNCRBadInput: refused input writes nothing.
func TestNCRBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		other := newSupplier(t, s, "Other Co", "", "DE", "electronics")
		otherSite := newSite(t, s, other.ID, "Werk 2", "", "Berlin", "electronics")
		events := countAudit(t, s)
		good := func() *ncr.NCR {
			return &ncr.NCR{Source: ncr.SourceComplaint, ComplaintRef: "RMA-7781", Title: "Customer return: no sound", Severity: inspection.Major,
				SupplierID: f.sup.ID, SiteID: f.site.ID, ProductID: f.product.ID, SpecID: f.spec.ID, Found: "3 returns in week 12",
				DetectedOn: qms.NewDate(2026, 3, 20), QuantityAffected: 3}
		}
		cases := []struct {
			name   string
			ctx    context.Context
			change func(n *ncr.NCR)
			kind   qms.Kind
			field  string
		}{
			{"a viewer raises", userCtx(&qms.User{ID: 40, Name: "Buyer", Role: qms.RoleViewer}), func(n *ncr.NCR) {}, qms.KindForbidden, ""},
			{"no quantity", qmCtx(), func(n *ncr.NCR) { n.QuantityAffected = 0 }, qms.KindInvalid, "quantity_affected"},
			{"site of another supplier", qmCtx(), func(n *ncr.NCR) { n.SiteID = otherSite.ID }, qms.KindInvalid, "site_id"},
			{"unknown product", qmCtx(), func(n *ncr.NCR) { n.ProductID, n.SpecID = 9999, 0 }, qms.KindInvalid, "product_id"},
			{"inspection on a complaint", qmCtx(), func(n *ncr.NCR) { n.InspectionID = 1 }, qms.KindInvalid, "inspection_id"},
			{"no complaint reference", qmCtx(), func(n *ncr.NCR) { n.ComplaintRef = "" }, qms.KindInvalid, "complaint_ref"},
		}
		for _, c := range cases {
			n := good()
			c.change(n)
			err := s.Update(c.ctx, func(tx *store.Tx) error { return tx.CreateNCR(n) })
			wantKind(t, c.name, err, c.kind)
			if c.field != "" && qms.ErrorFields(err)[c.field] == "" {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if rowCount(t, s, "ncrs") != 0 || countAudit(t, s) != events {
			t.Fatal("refused NCRs were written")
		}
		n := good()
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateNCR(n) })
		if n.ID == 0 || n.Status != ncr.StatusOpen || n.Number() == "" {
			t.Fatalf("%+v", n)
		}
		// A stale version is a conflict.
		_, err := setDisposition(s, qmCtx(), &ncr.NCR{ID: n.ID, Version: n.Version + 5}, ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 3})
		wantKind(t, "stale version", err, qms.KindConflict)
		_, err = setDisposition(s, qmCtx(), &ncr.NCR{ID: 99999, Version: 1}, ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 3})
		wantKind(t, "unknown NCR", err, qms.KindNotFound)
		// Bad actions.
		for name, a := range map[string]*ncr.Action{
			"no owner":      {NCRID: n.ID, Kind: ncr.Sort100, DueOn: qms.NewDate(2026, 3, 21)},
			"unknown owner": {NCRID: n.ID, Kind: ncr.Sort100, OwnerUserID: 9999, OwnerName: "X", DueOn: qms.NewDate(2026, 3, 21)},
			"unknown kind":  {NCRID: n.ID, Kind: "pray", OwnerName: "X", DueOn: qms.NewDate(2026, 3, 21)},
		} {
			wantKind(t, name, s.Update(qmCtx(), func(tx *store.Tx) error { return tx.AddNCRAction(a) }), qms.KindInvalid)
		}
		if rowCount(t, s, "ncr_actions") != 0 {
			t.Error("refused actions were written")
		}
		checkAudit(t, s)
	})
}
