package store_test

import (
	"testing"

	"qms/internal/capa"
	"qms/internal/complaint"
	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/store"
)

// TestComplaints: complaints with their links, refused input writes
// nothing, closing needs a CAPA or the reason why none is needed, and a
// CAPA's complaint reference must name a recorded complaint (any
// reference in ISO 13485 mode).
func TestComplaints(t *testing.T) {
	eachQMS(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		good := func() *complaint.Complaint {
			return &complaint.Complaint{ReceivedOn: qms.NewDate(2026, 3, 2), Customer: "Müller Audio GmbH", CustomerRef: "RMA-7781",
				ProductID: f.product.ID, Description: "Zwei Lautsprecher ohne Ton", Reportable: false}
		}
		events := countAudit(t, s)
		for name, change := range map[string]func(c *complaint.Complaint){
			"no customer":            func(c *complaint.Complaint) { c.Customer = "" },
			"future":                 func(c *complaint.Complaint) { c.ReceivedOn = qms.NewDate(2026, 4, 1) },
			"no product":             func(c *complaint.Complaint) { c.ProductID = 0 },
			"unknown product":        func(c *complaint.Complaint) { c.ProductID = 9999 },
			"unknown NCR":            func(c *complaint.Complaint) { c.NCRID = 9999 },
			"unknown CAPA":           func(c *complaint.Complaint) { c.CAPAID = 9999 },
			"reportable, no why":     func(c *complaint.Complaint) { c.Reportable = true },
			"no description":         func(c *complaint.Complaint) { c.Description = "  " },
			"control chars customer": func(c *complaint.Complaint) { c.Customer = "A\x00B" },
		} {
			c := good()
			change(c)
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.CreateComplaint(c) })
			if qms.ErrorKind(err) != qms.KindInvalid || len(qms.ErrorFields(err)) == 0 {
				t.Errorf("%s: %v, want invalid with fields", name, err)
			}
		}
		if n := countAudit(t, s); n != events {
			t.Errorf("bad input wrote %d audit events", n-events)
		}
		c := good()
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateComplaint(c) })
		if c.Number() != "CMP-00001" || c.Status != complaint.Open {
			t.Fatalf("created %s %s", c.Number(), c.Status)
		}
		_, err := closeComplaint(s, c.ID, c.Version)
		if qms.ErrorFields(err)["no_capa_reason"] == "" {
			t.Errorf("close without CAPA or reason: %v", err)
		}

		newCAPA := func(ref string) (*capa.CAPA, error) {
			k := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "Speakers without sound", Severity: inspection.Major,
				OwnerID: 2, Owner: "Lena Vogel", Sources: []capa.Source{{Kind: capa.SourceComplaint, Ref: ref}}}
			return k, s.Update(qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(k) })
		}
		if _, err := newCAPA("CMP-00077"); qms.ErrorFields(err)["sources.0.ref"] == "" {
			t.Errorf("CAPA naming a complaint that does not exist: %v", err)
		}
		if _, err := newCAPA("RMA-7781"); err != nil {
			t.Errorf("CAPA naming a customer reference outside ISO 13485 mode: %v", err)
		}
		k, err := newCAPA("cmp-1")
		if err != nil {
			t.Fatalf("CAPA naming the complaint: %v", err)
		}
		update(t, s, qmCtx(), func(tx *store.Tx) error { _, err := tx.SetISO13485Mode(true, 0, "medical devices"); return err })
		if _, err := newCAPA("RMA-7781"); qms.ErrorFields(err)["sources.0.ref"] == "" {
			t.Errorf("CAPA naming a customer reference in ISO 13485 mode: %v", err)
		}
		if _, err := newCAPA(c.Number()); err != nil {
			t.Errorf("CAPA naming the complaint in ISO 13485 mode: %v", err)
		}

		c.CAPAID = k.ID
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateComplaint(c, c.Version, "CAPA opened") })
		closed, err := closeComplaint(s, c.ID, c.Version)
		if err != nil || closed.Status != complaint.Closed || closed.CAPAID != k.ID {
			t.Fatalf("close: %+v %v", closed, err)
		}
		_, err = closeComplaint(s, c.ID, closed.Version)
		wantKind(t, "close twice", err, qms.KindConflict)
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateComplaint(closed, closed.Version, "") })
		wantKind(t, "update closed", err, qms.KindConflict)

		var list []complaint.Complaint
		view(t, s, func(tx *store.Tx) error {
			var err error
			list, _, err = tx.Complaints(store.ComplaintFilter{})
			return err
		})
		if len(list) != 1 || list[0].Customer != "Müller Audio GmbH" || list[0].Description != "Zwei Lautsprecher ohne Ton" {
			t.Errorf("list: %+v", list)
		}
	})
}

func closeComplaint(s *store.Store, id, version int64) (*complaint.Complaint, error) {
	var c *complaint.Complaint
	err := s.Update(qmCtx(), func(tx *store.Tx) error {
		var err error
		c, err = tx.CloseComplaint(id, version)
		return err
	})
	return c, err
}
