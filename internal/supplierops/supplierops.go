// Package supplierops holds the operations on suppliers, factory sites,
// certificates, verifications, overrides, requirements and the supplier
// settings that the web UI, the JSON API and the command line share, and
// the CSV import and export of suppliers, sites and certificates.
//
// Each operation takes the actor from the context (qms.WithActor; the
// command line acts as qms.System), checks visibility and permission with
// the qms.Can* rules, and reads or changes the store, every change in one
// audited transaction. Supplier isolation lives here: a supplier user sees
// only its own supplier, and a record of another supplier is "not found"
// (never "forbidden"), so that its id does not leak. Records a supplier
// user may see are redacted of the buyer's internal assessment (red flags,
// verification records, override reasons).
//
// The package must not import net/http, package web or package api.
package supplierops

import (
	"context"
	"strings"

	"qms/internal/auth"
	"qms/internal/esign"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Service performs the supplier operations.
type Service struct {
	Store *store.Store
	// Auth re-authenticates the approver of a supplier in ISO 13485 mode
	// (an electronic signature); without it such approvals are refused.
	Auth *auth.Service
}

func actor(ctx context.Context) qms.Actor {
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		return qms.Actor{} // no role: every permission check fails
	}
	return a
}

func forbidden(what string) error {
	return qms.Errorf(qms.KindForbidden, "your role may not %s", what)
}

// notFound is the answer for a record that does not exist or that the actor
// may not see: the two are indistinguishable.
func notFound(what string) error { return qms.Errorf(qms.KindNotFound, "%s not found", what) }

// visible returns not found unless a may see the records of the supplier.
func visible(a qms.Actor, supplierID int64, what string) error {
	if !qms.CanSeeSupplier(a, supplierID) {
		return notFound(what)
	}
	return nil
}

// external reports whether a is a supplier's user, who gets redacted records.
func external(a qms.Actor) bool { return !qms.CanViewInternal(a) }

// ---- Suppliers ----

// ListSuppliers returns one page of suppliers. A supplier user's list holds
// its own supplier only. Requires a signed-in actor.
func (s *Service) ListSuppliers(ctx context.Context, f store.SupplierFilter) (*store.SupplierPage, error) {
	a := actor(ctx)
	if !a.Role.Valid() {
		return nil, forbidden("see suppliers")
	}
	var page *store.SupplierPage
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if external(a) {
			page = &store.SupplierPage{}
			if a.SupplierID == nil || f.Offset > 0 {
				return nil
			}
			sup, err := tx.Supplier(*a.SupplierID)
			if qms.ErrorKind(err) == qms.KindNotFound {
				return nil
			}
			if err != nil {
				return err
			}
			if sup.VoidedAt == nil {
				sup.Notes = ""
				page.Items, page.Total = []supplier.Supplier{*sup}, 1
			}
			return nil
		}
		var err error
		page, err = tx.ListSuppliers(f)
		return err
	})
	return page, err
}

// StatusCounts returns how many suppliers (not voided) are in each status.
// Requires qms.CanViewInternal.
func (s *Service) StatusCounts(ctx context.Context) (map[supplier.Status]int, error) {
	if !qms.CanViewInternal(actor(ctx)) {
		return nil, forbidden("see the supplier list")
	}
	var out map[supplier.Status]int
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.SupplierStatusCounts()
		return err
	})
	return out, err
}

// Supplier returns a supplier the actor may see. Returns not found.
func (s *Service) Supplier(ctx context.Context, id int64) (*supplier.Supplier, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	var sup *supplier.Supplier
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		sup, err = tx.Supplier(id)
		return err
	})
	if err == nil && external(a) {
		if sup.VoidedAt != nil {
			return nil, notFound("supplier")
		}
		sup.Notes = ""
	}
	return sup, err
}

// SupplierDetail returns a supplier with its sites, certificates, red
// flags, overrides and approval gate today. A supplier user gets its own
// supplier without red flags and override reasons. Returns not found.
func (s *Service) SupplierDetail(ctx context.Context, id int64) (*store.SupplierDetail, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	var d *store.SupplierDetail
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.SupplierDetail(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if external(a) {
		if d.Supplier.VoidedAt != nil {
			return nil, notFound("supplier")
		}
		redactSupplier(d)
	}
	return d, nil
}

// redactSupplier removes the buyer's internal assessment from a supplier's
// detail for its supplier user: red flags, overrides and their reasons,
// verification records and voided sites.
func redactSupplier(d *store.SupplierDetail) {
	d.Flags = map[int64][]supplier.Finding{}
	d.Overrides = nil
	d.Supplier.Notes = ""
	var sites []supplier.Site
	for _, st := range d.Sites {
		if st.VoidedAt == nil {
			st.Notes = ""
			sites = append(sites, st)
		}
	}
	d.Sites = sites
	for i := range d.Certificates {
		redactView(&d.Certificates[i])
	}
	for i := range d.Gate.Checks {
		c := &d.Gate.Checks[i]
		if c.Override != nil {
			c.Override = nil
			if k := strings.Index(c.Message, " Waived until"); k >= 0 {
				c.Message = c.Message[:k]
			}
		}
	}
}

// redactView removes the verification records of a certificate and what
// they say from its status.
func redactView(v *store.CertificateView) {
	v.Verifications = []supplier.Verification{}
	v.Status.Verification = supplier.Finding{}
}

// StatusChange is one change of a supplier's status, from the audit trail.
type StatusChange struct {
	qms.AuditEvent
	From, To supplier.Status
}

// StatusHistory returns the status changes of a supplier, newest first
// (at most 200), with its creation last. Requires qms.CanViewInternal; not
// found for a supplier that does not exist.
func (s *Service) StatusHistory(ctx context.Context, id int64) ([]StatusChange, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	if !qms.CanViewInternal(a) {
		return nil, forbidden("see the status history")
	}
	if _, err := s.Supplier(ctx, id); err != nil {
		return nil, err
	}
	events, _, err := s.Store.ListAudit(ctx, store.AuditFilter{EntityType: "supplier", EntityID: itoa(id), Limit: store.MaxPageSize})
	if err != nil {
		return nil, err
	}
	var out []StatusChange
	for _, e := range events {
		if e.Action != "status" && e.Action != qms.ActionCreate && e.Action != qms.ActionVoid {
			continue
		}
		out = append(out, StatusChange{AuditEvent: e, From: statusIn(e.Before), To: statusIn(e.After)})
	}
	return out, nil
}

// CreateSupplier creates a supplier (a prospect). Requires
// qms.CanEditQualityRecords. Returns invalid.
func (s *Service) CreateSupplier(ctx context.Context, sup *supplier.Supplier) error {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return forbidden("create suppliers")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateSupplier(sup) })
}

// UpdateSupplier changes a supplier's identity, contacts, categories and
// notes. Requires qms.CanEditQualityRecords. Returns not found, invalid, or
// conflict (stale version, voided).
func (s *Service) UpdateSupplier(ctx context.Context, sup *supplier.Supplier, version int64, reason string) error {
	a := actor(ctx)
	if err := visible(a, sup.ID, "supplier"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("change suppliers")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSupplier(sup, version, reason) })
}

// SetStatus moves a supplier through its lifecycle with a reason; approving
// must pass the approval gate. Requires qms.CanApprove. Returns not found,
// invalid, or conflict (a move the lifecycle refuses, a blocked gate, a
// stale version). It is SetStatusSigned without a password.
func (s *Service) SetStatus(ctx context.Context, id int64, to supplier.Status, reason string, version int64) (*supplier.Supplier, error) {
	return s.SetStatusSigned(ctx, id, to, reason, version, "")
}

// SetStatusSigned is SetStatus with the approver's password. In ISO 13485
// mode a move to approved or conditionally approved is an electronic
// signature: the password is required and checked (ncrops.Reauthenticate:
// a wrong one is an invalid error on "password", counted toward sign-in
// throttling) before anything is written, and the approval is signed
// (meaning approved) in the same transaction. Out of ISO 13485 mode the
// password is ignored and nothing is signed.
func (s *Service) SetStatusSigned(ctx context.Context, id int64, to supplier.Status, reason string, version int64, password string) (*supplier.Supplier, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	if !qms.CanApprove(a) {
		return nil, forbidden("change a supplier's status")
	}
	sign := false
	if supplier.NeedsGate(to) {
		if err := s.Store.View(ctx, func(tx *store.Tx) error {
			var err error
			sign, err = tx.ISO13485Mode()
			return err
		}); err != nil {
			return nil, err
		}
	}
	if sign {
		if err := ncrops.Reauthenticate(ctx, s.Auth, password); err != nil {
			return nil, err
		}
	}
	var sup *supplier.Supplier
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetSupplierStatus(id, to, reason, version); err != nil {
			return err
		}
		if supplier.NeedsGate(to) && !sign {
			// Read again in the writing transaction: an approval never
			// goes unsigned because the mode was switched on meanwhile.
			if on, err := tx.ISO13485Mode(); err != nil {
				return err
			} else if on {
				return qms.Errorf(qms.KindConflict, "ISO 13485 mode was switched on meanwhile: approve again with your password to sign")
			}
		}
		if sign {
			if _, err := tx.SignSupplierApproval(id, esign.MeaningApproved, reason); err != nil {
				return err
			}
		}
		var err error
		sup, err = tx.Supplier(id)
		return err
	})
	return sup, err
}

// ApprovalSignatures returns the electronic signatures of a supplier's
// approvals, each checked against the supplier's current content. Internal
// users only: a supplier user gets not found.
func (s *Service) ApprovalSignatures(ctx context.Context, id int64) ([]esign.Check, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	if external(a) {
		return nil, notFound("supplier")
	}
	var checks []esign.Check
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		checks, err = tx.CheckSignatures(esign.SupplierApproval.EntityType(), id)
		return err
	})
	return checks, err
}

// ApprovalNeedsSignature reports whether approving a supplier needs the
// approver's password now (ISO 13485 mode is on).
func (s *Service) ApprovalNeedsSignature(ctx context.Context) (bool, error) {
	var on bool
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		on, err = tx.ISO13485Mode()
		return err
	})
	return on, err
}

// VoidSupplier voids a supplier with a reason. Requires qms.CanApprove.
func (s *Service) VoidSupplier(ctx context.Context, id int64, reason string, version int64) (*supplier.Supplier, error) {
	a := actor(ctx)
	if err := visible(a, id, "supplier"); err != nil {
		return nil, err
	}
	if !qms.CanApprove(a) {
		return nil, forbidden("void suppliers")
	}
	var sup *supplier.Supplier
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.VoidSupplier(id, reason, version); err != nil {
			return err
		}
		var err error
		sup, err = tx.Supplier(id)
		return err
	})
	return sup, err
}

// Gate answers the approval gate of a supplier (optionally one site, some
// categories and markets) today. A supplier user sees its own gate without
// override reasons. Returns not found.
func (s *Service) Gate(ctx context.Context, supplierID, siteID int64, categories, markets []string) (supplier.GateResult, error) {
	a := actor(ctx)
	if err := visible(a, supplierID, "supplier"); err != nil {
		return supplier.GateResult{}, err
	}
	var g supplier.GateResult
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		g, err = tx.SupplierGate(supplierID, siteID, categories, markets)
		return err
	})
	if err != nil {
		return g, err
	}
	if external(a) {
		d := &store.SupplierDetail{Gate: g}
		redactSupplier(d)
		g = d.Gate
	}
	return g, nil
}

// ---- Sites ----

// Site returns a site the actor may see. Returns not found.
func (s *Service) Site(ctx context.Context, id int64) (*supplier.Site, error) {
	a := actor(ctx)
	var site *supplier.Site
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		site, err = tx.Site(id)
		if err != nil {
			return err
		}
		return visible(a, site.SupplierID, "site")
	})
	if err != nil {
		return nil, err
	}
	if external(a) {
		if site.VoidedAt != nil {
			return nil, notFound("site")
		}
		site.Notes = ""
	}
	return site, nil
}

// Sites returns the sites of a supplier the actor may see, voided ones too
// for internal users. Returns not found.
func (s *Service) Sites(ctx context.Context, supplierID int64) ([]supplier.Site, error) {
	d, err := s.SupplierDetail(ctx, supplierID)
	if err != nil {
		return nil, err
	}
	return d.Sites, nil
}

// CreateSite adds a factory site to a supplier. Requires
// qms.CanEditQualityRecords. Returns not found, invalid or conflict.
func (s *Service) CreateSite(ctx context.Context, site *supplier.Site) error {
	a := actor(ctx)
	if err := visible(a, site.SupplierID, "supplier"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("add sites")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateSite(site) })
}

// UpdateSite changes a site. Requires qms.CanEditQualityRecords. Returns
// not found, invalid or conflict.
func (s *Service) UpdateSite(ctx context.Context, site *supplier.Site, version int64, reason string) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.Site(site.ID)
		if err != nil {
			return err
		}
		if err := visible(a, cur.SupplierID, "site"); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("change sites")
		}
		return tx.UpdateSite(site, version, reason)
	})
}

// VoidSite voids a site with a reason. Requires qms.CanApprove.
func (s *Service) VoidSite(ctx context.Context, id int64, reason string, version int64) (*supplier.Site, error) {
	a := actor(ctx)
	var site *supplier.Site
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.Site(id)
		if err != nil {
			return err
		}
		if err := visible(a, cur.SupplierID, "site"); err != nil {
			return err
		}
		if !qms.CanApprove(a) {
			return forbidden("void sites")
		}
		if err := tx.VoidSite(id, reason, version); err != nil {
			return err
		}
		site, err = tx.Site(id)
		return err
	})
	return site, err
}
