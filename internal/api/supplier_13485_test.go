package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// TestSupplierApproval13485API: in ISO 13485 mode POST
// /suppliers/{id}/status to approved needs the password (422 on
// "password" without it or with a wrong one, nothing changed) and signs.
func TestSupplierApproval13485API(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		ctx := qms.WithActor(e.sys, qms.ActorOf(e.w.Users[qms.RoleQualityManager], "session"))
		ops := &supplierops.Service{Store: st}
		sup := &supplier.Supplier{Name: "Delta Medical GmbH", Kind: supplier.KindManufacturer, Country: "de", Categories: []string{"electronics"}}
		if err := ops.CreateSupplier(ctx, sup); err != nil {
			t.Fatal(err)
		}
		if err := ops.CreateOverride(ctx, &supplier.Override{SupplierID: sup.ID, Standard: "ISO 9001",
			Reason: "certificate in renewal; audit report seen", Until: opstest.Day(30)}); err != nil {
			t.Fatal(err)
		}
		s, err := ops.SetStatus(ctx, sup.ID, supplier.StatusUnderQualification, "documents requested", sup.Version)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Update(e.sys, func(tx *store.Tx) error {
			_, err := tx.SetISO13485Mode(true, 0, "medical devices")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/suppliers/" + strconv.FormatInt(sup.ID, 10) + "/status"
		body := func(pw string) string {
			b, _ := json.Marshal(map[string]any{"status": "approved", "reason": "audit passed", "version": s.Version, "password": pw})
			return string(b)
		}
		for _, pw := range []string{"", "not my password"} {
			r := e.do(http.MethodPost, path, "quality_manager", body(pw))
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "password") {
				t.Errorf("password %q: %d %s", pw, r.status, r.body)
			}
		}
		if cur, err := ops.Supplier(ctx, sup.ID); err != nil || cur.Version != s.Version {
			t.Fatalf("refused approvals changed the supplier: %+v, %v", cur, err)
		}
		r := e.do(http.MethodPost, path, "quality_manager", body(opstest.Password))
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"status":"approved"`) {
			t.Fatalf("approve with the password: %d %s", r.status, r.body)
		}
		checks, err := ops.ApprovalSignatures(ctx, sup.ID)
		if err != nil || len(checks) != 1 || !checks[0].Matches {
			t.Errorf("signatures: %+v, %v", checks, err)
		}
	})
}
