package supplierops_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"qms/internal/auth"
	"qms/internal/esign"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

func auditCount(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var n int64
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// qualifiedSupplier creates a supplier under qualification whose approval
// gate is open (ISO 9001 waived by an override).
func qualifiedSupplier(t *testing.T, ops *supplierops.Service, ctx context.Context, name string) *supplier.Supplier {
	t.Helper()
	sup := &supplier.Supplier{Name: name, Kind: supplier.KindManufacturer, Country: "de", Categories: []string{"electronics"}}
	must(t, "create", ops.CreateSupplier(ctx, sup))
	must(t, "override", ops.CreateOverride(ctx, &supplier.Override{SupplierID: sup.ID, Standard: "ISO 9001",
		Reason: "certificate in renewal; audit report seen", Until: opstest.Day(30)}))
	s, err := ops.SetStatus(ctx, sup.ID, supplier.StatusUnderQualification, "documents requested", sup.Version)
	must(t, "qualify", err)
	return s
}

// TestSupplierApproval13485: in ISO 13485 mode approving a supplier needs
// the approver's password (missing or wrong: refused on "password",
// nothing written, a wrong one counted toward throttling) and is signed
// over the supplier's approval content; out of the mode it is not.
func TestSupplierApproval13485(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &supplierops.Service{Store: st, Auth: &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: slog.New(slog.DiscardHandler)}}
		qmUser := w.Users[qms.RoleQualityManager]
		ctx := as(qmUser)

		// Mode off: approval as before, no signature, password optional.
		off := qualifiedSupplier(t, ops, ctx, "Alpha Präzision GmbH")
		if need, err := ops.ApprovalNeedsSignature(ctx); err != nil || need {
			t.Fatalf("mode off: needs signature %v, %v", need, err)
		}
		s, err := ops.SetStatus(ctx, off.ID, supplier.StatusApproved, "audit passed", off.Version)
		must(t, "approve with the mode off", err)
		if s.Status != supplier.StatusApproved {
			t.Errorf("mode off: status %s", s.Status)
		}
		var sigs []esign.Signature
		must(t, "signatures", st.View(ctx, func(tx *store.Tx) error {
			sigs, err = tx.Signatures("supplier", off.ID)
			return err
		}))
		if len(sigs) != 0 {
			t.Errorf("mode off: %d signatures, want none", len(sigs))
		}

		sys := qms.WithActor(context.Background(), qms.System)
		must(t, "mode on", st.Update(sys, func(tx *store.Tx) error {
			_, err := tx.SetISO13485Mode(true, 0, "medical devices")
			return err
		}))
		if need, err := ops.ApprovalNeedsSignature(ctx); err != nil || !need {
			t.Fatalf("mode on: needs signature %v, %v", need, err)
		}
		sup := qualifiedSupplier(t, ops, ctx, "Beta Medizintechnik GmbH")

		// No password: refused on "password", nothing written.
		events := auditCount(t, st)
		_, err = ops.SetStatusSigned(ctx, sup.ID, supplier.StatusApproved, "audit passed", sup.Version, "")
		wantKind(t, "approve without a password", err, qms.KindInvalid)
		if qms.ErrorFields(err)["password"] == "" {
			t.Errorf("no password: no field error on password: %v", err)
		}
		if got := auditCount(t, st); got != events {
			t.Errorf("no password wrote %d audit events", got-events)
		}

		// A wrong password: refused, nothing written, a failure counted.
		before, _, _ := st.LoginFailures(context.Background(), qmUser.Email, "", time.Time{})
		_, err = ops.SetStatusSigned(ctx, sup.ID, supplier.StatusApproved, "audit passed", sup.Version, "not my password")
		wantKind(t, "approve with a wrong password", err, qms.KindInvalid)
		if qms.ErrorFields(err)["password"] == "" {
			t.Errorf("wrong password: no field error on password: %v", err)
		}
		if got := auditCount(t, st); got != events {
			t.Errorf("wrong password wrote %d audit events", got-events)
		}
		if after, _, _ := st.LoginFailures(context.Background(), qmUser.Email, "", time.Time{}); after != before+1 {
			t.Errorf("login failures %d -> %d: a wrong signing password must count toward throttling", before, after)
		}
		cur, err := ops.Supplier(ctx, sup.ID)
		must(t, "supplier", err)
		if cur.Status != supplier.StatusUnderQualification || cur.Version != sup.Version {
			t.Errorf("refused approvals changed the supplier: %s v%d", cur.Status, cur.Version)
		}

		// The right password: approved and signed, the signature matching.
		s, err = ops.SetStatusSigned(ctx, sup.ID, supplier.StatusConditionallyApproved, "audit passed with conditions", cur.Version, opstest.Password)
		must(t, "approve with the password", err)
		if s.Status != supplier.StatusConditionallyApproved {
			t.Errorf("status %s", s.Status)
		}
		var checks []esign.Check
		must(t, "signatures", st.View(ctx, func(tx *store.Tx) error {
			if sigs, err = tx.Signatures("supplier", sup.ID); err != nil {
				return err
			}
			checks, err = tx.CheckSignatures("supplier", sup.ID)
			return err
		}))
		if len(sigs) != 1 || sigs[0].RecordType != esign.SupplierApproval || sigs[0].Meaning != esign.MeaningApproved ||
			sigs[0].SignerID != qmUser.ID || sigs[0].Comment != "audit passed with conditions" {
			t.Fatalf("signatures: %+v", sigs)
		}
		if len(checks) != 1 || !checks[0].Matches {
			t.Errorf("signature check: %+v", checks)
		}
		if n, err := st.VerifySignatures(ctx); err != nil || n < 1 {
			t.Errorf("VerifySignatures: %d, %v", n, err)
		}

		// A later change to the approved content: no longer matching.
		s.Notes = "unchanged content"
		s.Name = "Beta Medizintechnik AG"
		must(t, "rename", ops.UpdateSupplier(ctx, s, s.Version, "renamed"))
		must(t, "check", st.View(ctx, func(tx *store.Tx) error {
			checks, err = tx.CheckSignatures("supplier", sup.ID)
			return err
		}))
		if len(checks) != 1 || checks[0].Matches {
			t.Errorf("signature still matches after a rename: %+v", checks)
		}
	})
}
