package demo_test

import (
	"bytes"
	"context"
	"testing"

	"qms/internal/demo"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
)

// TestDemoSuppliers: the demo holds suppliers in several scripts, the
// supplier user belongs to a real demo supplier, and the certificates
// cover every status and the main red flags.
func TestDemoSuppliers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if err := demo.Load(ctx, st, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		ops := &supplierops.Service{Store: st}
		qm := qms.WithActor(ctx, qms.Actor{Name: "test", Role: qms.RoleQualityManager, Via: "session"})

		var u *qms.User
		err := st.View(ctx, func(tx *store.Tx) error {
			var err error
			u, _, err = tx.UserByEmail("supplier@demo.qms")
			return err
		})
		if err != nil || u.SupplierID == nil {
			t.Fatalf("supplier user: %+v %v", u, err)
		}
		own, err := ops.Supplier(qm, *u.SupplierID)
		if err != nil || own.Name != demo.PortalSupplier {
			t.Fatalf("the supplier user belongs to %+v (%v), want %s", own, err, demo.PortalSupplier)
		}

		page, err := ops.ListSuppliers(qm, store.SupplierFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		statuses := map[supplier.Status]bool{}
		validity := map[string]bool{}
		flags := map[string]bool{}
		reviews := map[supplier.Review]bool{}
		overrides := 0
		for _, s := range page.Items {
			statuses[s.Status] = true
			d, err := ops.SupplierDetail(qm, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			overrides += len(d.Overrides)
			for _, c := range d.Certificates {
				validity[c.Status.Validity.Code] = true
				reviews[c.Certificate.Review] = true
				for _, f := range d.Flags[c.Certificate.ID] {
					flags[f.Code] = true
				}
			}
		}
		for _, s := range []supplier.Status{supplier.StatusApproved, supplier.StatusConditionallyApproved, supplier.StatusProbation,
			supplier.StatusUnderQualification, supplier.StatusProspect, supplier.StatusDisqualified} {
			if !statuses[s] {
				t.Errorf("no demo supplier is %s", s)
			}
		}
		for _, c := range []string{supplier.CodeValid, supplier.CodeExpiring, supplier.CodeExpired, supplier.CodeSuspended} {
			if !validity[c] {
				t.Errorf("no demo certificate is %s", c)
			}
		}
		for _, f := range []string{supplier.FlagMarkedSuspicious, supplier.FlagUnrecognisedAB, supplier.FlagValidityTooLong,
			supplier.FlagNumberUsedByOther, supplier.FlagScopeTradingOnly, supplier.FlagSurveillanceOverdue} {
			if !flags[f] {
				t.Errorf("no demo certificate raises %s", f)
			}
		}
		if !reviews[supplier.ReviewSubmitted] || overrides == 0 {
			t.Errorf("submitted certificates %v, overrides %d", reviews[supplier.ReviewSubmitted], overrides)
		}
		asl, _, err := ops.ApprovedList(qm, "", 0, 50)
		if err != nil || len(asl) < 3 {
			t.Errorf("approved list: %d entries, %v", len(asl), err)
		}
	})
}
