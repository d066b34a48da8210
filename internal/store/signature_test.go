package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func checkSig(t *testing.T, s *store.Store, id int64) esign.Check {
	t.Helper()
	var c esign.Check
	view(t, s, func(tx *store.Tx) error {
		var err error
		c, err = tx.CheckSignature(id)
		return err
	})
	return c
}

// TestSpecReleaseSignature: the release of a spec revision is signed over
// its content and reason; releasing and later superseding it keep the
// signature matching; a change of the content breaks it.
func TestSpecReleaseSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		var draft *inspection.Spec
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			draft, err = tx.DraftNextRevision(f.product.ID)
			return err
		})
		rel := inspection.Release{Reason: " drop test added for the EU retailer "}
		wantKind(t, "an inspector signs a release", s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			_, err := tx.SignSpecRelease(draft.ID, rel, esign.MeaningApproved, "")
			return err
		}), qms.KindForbidden)
		err := s.Update(qmCtx(), func(tx *store.Tx) error {
			_, err := tx.SignSpecRelease(draft.ID, rel, "agreed", "")
			return err
		})
		if qms.ErrorFields(err)["meaning"] == "" || rowCount(t, s, "signatures") != 0 {
			t.Errorf("an unknown meaning: %v", err)
		}
		var sig *esign.Signature
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			if sig, err = tx.SignSpecRelease(draft.ID, rel, esign.MeaningApproved, "signed at the design review"); err != nil {
				return err
			}
			rel.SignatureID = &sig.ID
			return tx.ReleaseSpec(draft.ID, draft.Version, rel)
		})
		var got *inspection.Spec
		view(t, s, func(tx *store.Tx) error { var err error; got, err = tx.Spec(draft.ID); return err })
		if got.SignatureID == nil || *got.SignatureID != sig.ID || got.Status != inspection.SpecReleased || sig.EntityType != "spec" {
			t.Fatalf("%+v %+v", got, sig)
		}
		if c := checkSig(t, s, sig.ID); !c.Matches {
			t.Fatalf("after the release: %+v", c)
		}
		// A later revision supersedes it: still the content signed.
		var next *inspection.Spec
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			if next, err = tx.DraftNextRevision(f.product.ID); err != nil {
				return err
			}
			return tx.ReleaseSpec(next.ID, next.Version, inspection.Release{Reason: "rev 3"})
		})
		if c := checkSig(t, s, sig.ID); !c.Matches {
			t.Errorf("after superseding: %+v", c)
		}
		// Released revisions never change through qms; a change behind its
		// back breaks the signature.
		if _, err := s.DB().Exec("UPDATE specs SET notes = 'tolerance relaxed' WHERE id = " + fmt.Sprint(draft.ID)); err != nil {
			t.Fatal(err)
		}
		if c := checkSig(t, s, sig.ID); c.Matches || c.Status != esign.StatusChanged {
			t.Errorf("after tampering: %+v", c)
		}
		checkAudit(t, s)
		if n, err := s.VerifySignatures(context.Background()); err != nil || n != 1 {
			t.Errorf("%d %v", n, err)
		}
		evs := auditOf(t, s, "signature", sig.ID)
		if len(evs) != 1 || evs[0].Action != "sign" || !strings.Contains(string(evs[0].After), sig.ContentHash) {
			t.Errorf("%+v", evs)
		}
	})
}

// TestFAIApprovalSignature: the decision on a first article inspection is
// signed over its result and the decision, stored with the decision, and
// still matches afterwards.
func TestFAIApprovalSignature(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		fai := f.book(t, f.lot(inspection.KindFirstArticle, 5))
		yes := true
		es := []inspection.Entry{
			{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 1, Values: []float64{120}}},
			{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: 2, Values: []float64{400}}},
		}
		for no := 3; no <= 6; no++ {
			es = append(es, inspection.Entry{Kind: inspection.EntryFAI, FAI: &inspection.FAIEntry{Characteristic: no, Pass: &yes}})
		}
		f.recordAll(t, fai.ID, es...)
		f.submit(t, fai.ID, inspection.Submission{})
		d := inspection.Decision{Kind: inspection.DecideApprove, Reason: "  all characteristics conform  "}
		wantKind(t, "sign a decision the actor may not take", s.Update(userCtx(f.inspector), func(tx *store.Tx) error {
			_, err := tx.SignFAIDecision(fai.ID, d, esign.MeaningApproved, "")
			return err
		}), qms.KindForbidden)
		var sig *esign.Signature
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			var err error
			if sig, err = tx.SignFAIDecision(fai.ID, d, esign.MeaningApproved, ""); err != nil {
				return err
			}
			d.SignatureID = &sig.ID
			in, err := tx.Inspection(fai.ID)
			if err != nil {
				return err
			}
			_, err = tx.DecideInspection(fai.ID, in.Version, d)
			return err
		})
		got := f.get(t, fai.ID)
		if got.Decision == nil || got.Decision.SignatureID == nil || *got.Decision.SignatureID != sig.ID || sig.EntityType != "inspection" {
			t.Fatalf("%+v", got.Decision)
		}
		if c := checkSig(t, s, sig.ID); !c.Matches {
			t.Fatalf("%+v", c)
		}
		// An amendment is beside the report: the signature still matches.
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.AmendInspection(&inspection.Amendment{InspectionID: fai.ID, Text: "Gauge serial corrected", Reason: "typo"})
		})
		if c := checkSig(t, s, sig.ID); !c.Matches {
			t.Errorf("after an amendment: %+v", c)
		}
		// Only first article inspections are signed here.
		lot := f.failedLot(t, 8)
		wantKind(t, "sign an incoming lot", s.Update(qmCtx(), func(tx *store.Tx) error {
			_, err := tx.SignFAIDecision(lot.ID, inspection.Decision{Kind: inspection.DecideReject, Reason: "x"}, esign.MeaningApproved, "")
			return err
		}), qms.KindConflict)
		checkAudit(t, s)
	})
}
