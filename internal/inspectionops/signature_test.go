package inspectionops_test

import (
	"strconv"
	"testing"
	"time"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// TestSignatures checks the electronic signatures at the signature points
// of the inspection module: releasing a spec revision and deciding on a
// first article inspection need the signer's password again; a wrong or
// missing one is refused with an error on the password, writes nothing
// and counts toward sign-in throttling; the right one signs in the same
// transaction as the release or decision, and the signature shows as
// matching the record.
func TestSignatures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := insptest.Build(t, st)
		ops := newOps(st)
		qm := w.Manager()
		email := w.Users[qms.RoleQualityManager].Email
		state := func() string { return snapshot(t, st) + " " + strconv.Itoa(count(t, st, "signatures")) }
		failures := func() int {
			t.Helper()
			n, _, err := st.LoginFailures(qm, email, "", st.Now().Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		refused := func(what string, err error, before string, failed int) {
			t.Helper()
			if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)["password"] == "" {
				t.Errorf("%s: %v, want invalid on password", what, err)
			}
			if got := state(); got != before {
				t.Errorf("%s wrote something: %s, was %s", what, got, before)
			}
			if got := failures(); got != failed {
				t.Errorf("%s: %d sign-in failures, want %d", what, got, failed)
			}
		}

		// Spec release.
		sp := insptest.SpecOf(w.PA.Product.ID)
		if err := ops.CreateSpec(insptest.System, sp); err != nil {
			t.Fatal(err)
		}
		before := state()
		_, err := ops.ReleaseSpec(qm, sp.ID, sp.Version, inspection.Release{Reason: "golden sample approved"}, "")
		refused("release without a password", err, before, 0)
		_, err = ops.ReleaseSpec(qm, sp.ID, sp.Version, inspection.Release{Reason: "golden sample approved"}, "not my password")
		refused("release with a wrong password", err, before, 1)
		if cur, err := ops.Spec(qm, sp.ID); err != nil || cur.Status != inspection.SpecDraft {
			t.Fatalf("after refused releases: %v, %v", cur, err)
		}
		rel, err := ops.ReleaseSpec(qm, sp.ID, sp.Version, inspection.Release{Reason: "golden sample approved"}, opstest.Password)
		if err != nil || rel.Status != inspection.SpecReleased || rel.SignatureID == nil {
			t.Fatalf("release: %+v, %v", rel, err)
		}
		sigs, err := ops.SpecSignatures(qm, sp.ID)
		if err != nil || len(sigs) != 1 {
			t.Fatalf("spec signatures: %v, %v", sigs, err)
		}
		if s := sigs[0]; !s.Matches || s.Signature.ID != *rel.SignatureID || s.Signature.Meaning != esign.MeaningApproved ||
			s.Signature.RecordType != esign.SpecRelease || s.Signature.SignerName != w.Users[qms.RoleQualityManager].Name {
			t.Errorf("spec signature %+v", s)
		}
		if _, err := ops.SpecSignatures(as(w.A.User), sp.ID); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("a supplier's user reads spec signatures: %v", err)
		}

		// First article decision.
		fai := w.Lot(t, st, w.PB, inspection.KindFirstArticle, 10)
		for _, c := range w.PB.Spec.Characteristics {
			f := &inspection.FAIEntry{Characteristic: c.No, Gauge: "caliper"}
			if c.Kind == inspection.CharDimensional {
				lo, hi := c.Limits()
				f.Values = []float64{(*lo + *hi) / 2}
			} else {
				pass := true
				f.Pass, f.Result = &pass, "as required"
			}
			w.Record(t, st, fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: f})
		}
		sub := w.Submit(t, st, fai.ID, inspection.Submission{})
		before = state()
		_, err = ops.Decide(qm, fai.ID, sub.Version, inspection.Decision{Kind: inspection.DecideApprove}, "wrong")
		refused("FAI approval with a wrong password", err, before, 2)
		got, err := ops.Decide(qm, fai.ID, sub.Version, inspection.Decision{Kind: inspection.DecideApprove}, opstest.Password)
		if err != nil || got.Status != inspection.StatusDecided || got.Decision.SignatureID == nil {
			t.Fatalf("FAI approval: %+v, %v", got, err)
		}
		v, err := ops.InspectionView(qm, fai.ID)
		if err != nil || len(v.Signatures) != 1 {
			t.Fatalf("FAI view signatures: %v, %v", v, err)
		}
		if s := v.Signatures[0]; !s.Matches || s.Signature.ID != *got.Decision.SignatureID || s.Signature.Meaning != esign.MeaningApproved ||
			s.Signature.RecordType != esign.FAIApproval {
			t.Errorf("FAI signature %+v", s)
		}
		if sigs, err := ops.Signatures(as(w.B.User), fai.ID); err != nil || len(sigs) != 1 {
			t.Errorf("supplier B reads its FAI's signature: %v, %v", sigs, err)
		}
		if _, err := ops.Signatures(as(w.A.User), fai.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("supplier A reads B's FAI signatures: %v", err)
		}

		// Other inspections are decided without a signature.
		lot := w.Submitted(t, st, w.PB)
		if d, err := ops.Decide(qm, lot.ID, lot.Version, inspection.Decision{Kind: inspection.DecideRelease}, ""); err != nil || d.Decision.SignatureID != nil {
			t.Errorf("pre-shipment release: %v, %v", d, err)
		}

		// Throttled after too many wrong passwords: too many, nothing written.
		sp2 := insptest.SpecOf(w.PB.Product.ID)
		if err := ops.CreateSpec(insptest.System, sp2); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			ops.ReleaseSpec(qm, sp2.ID, sp2.Version, inspection.Release{}, "wrong again")
		}
		if _, err := ops.ReleaseSpec(qm, sp2.ID, sp2.Version, inspection.Release{}, opstest.Password); qms.ErrorKind(err) != qms.KindTooMany {
			t.Errorf("after repeated wrong passwords: %v, want too many", err)
		}
		if n, err := st.VerifySignatures(qm); err != nil || n != 2 {
			t.Errorf("verify signatures: %d, %v", n, err)
		}
	})
}
