package web

import (
	"context"
	"net/http"
	"net/url"
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

// TestSupplierApproval13485Web: in ISO 13485 mode the status form asks for
// the password, an approval without it or with a wrong one is refused on
// the page, and the signed approval shows its signature, matching.
func TestSupplierApproval13485Web(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		qm := sw.w.Users[qms.RoleQualityManager]
		ctx := qms.WithActor(context.Background(), qms.ActorOf(qm, "session"))
		ops := &supplierops.Service{Store: st}
		sup := &supplier.Supplier{Name: "Gamma Medical GmbH", Kind: supplier.KindManufacturer, Country: "de", Categories: []string{"electronics"}}
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
		page := supplierPath(sup.ID)
		c := sw.clients[string(qms.RoleQualityManager)]
		r := c.get(page)
		r.must(t, http.StatusOK, `id="status-form"`)
		if strings.Contains(r.body, `name="password"`) {
			t.Errorf("mode off: the status form asks for a password")
		}

		if err := st.Update(qms.WithActor(context.Background(), qms.System), func(tx *store.Tx) error {
			_, err := tx.SetISO13485Mode(true, 0, "medical devices")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		c.get(page).must(t, http.StatusOK, `name="password"`)
		v := strconv.FormatInt(s.Version, 10)
		c.post(page+"/status", url.Values{"version": {v}, "status": {"approved"}, "reason": {"audit passed"}}).redirectsTo(t, page)
		c.get(page).must(t, http.StatusOK, "enter your password again")
		c.post(page+"/status", url.Values{"version": {v}, "status": {"approved"}, "reason": {"audit passed"}, "password": {"not my password"}}).redirectsTo(t, page)
		c.get(page).must(t, http.StatusOK, "is not your password")
		if cur, err := ops.Supplier(ctx, sup.ID); err != nil || cur.Status != supplier.StatusUnderQualification {
			t.Fatalf("refused approvals changed the supplier: %+v, %v", cur, err)
		}
		c.post(page+"/status", url.Values{"version": {v}, "status": {"approved"}, "reason": {"audit passed"}, "password": {opstest.Password}}).redirectsTo(t, page)
		c.get(page).must(t, http.StatusOK, "Supplier approval", "matches the record")
	})
}
