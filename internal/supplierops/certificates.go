package supplierops

import (
	"context"
	"encoding/json"
	"strconv"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// statusIn returns the status field of a supplier's audited JSON, or "".
func statusIn(b json.RawMessage) supplier.Status {
	var v struct {
		Status supplier.Status `json:"status"`
	}
	if len(b) == 0 || json.Unmarshal(b, &v) != nil {
		return ""
	}
	return v.Status
}

// ---- Certificates ----

// Certificate returns a certificate with its verifications, derived status,
// covered sites and red flags today. A supplier user gets its own
// certificate without verifications and red flags. Returns not found.
func (s *Service) Certificate(ctx context.Context, id int64) (*store.CertificateDetail, error) {
	a := actor(ctx)
	var d *store.CertificateDetail
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		c, err := tx.Certificate(id)
		if err != nil {
			return err
		}
		if err := visible(a, c.SupplierID, "certificate"); err != nil {
			return err
		}
		d, err = tx.CertificateDetail(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if external(a) {
		if d.Certificate.VoidedAt != nil {
			return nil, notFound("certificate")
		}
		redactView(&d.CertificateView)
		d.Flags = nil
		d.Supplier.Notes = ""
	}
	return d, nil
}

// ListCertificates returns one page of certificates, newest first. A
// supplier user's list holds its own supplier's only. Returns not found
// for a supplier the actor may not see.
func (s *Service) ListCertificates(ctx context.Context, f store.CertificateFilter) (*store.CertificatePage, error) {
	a := actor(ctx)
	if !a.Role.Valid() {
		return nil, forbidden("see certificates")
	}
	if external(a) {
		if a.SupplierID == nil {
			return &store.CertificatePage{}, nil
		}
		if f.SupplierID != 0 && f.SupplierID != *a.SupplierID {
			return nil, notFound("supplier")
		}
		f.SupplierID, f.IncludeVoided = *a.SupplierID, false
	}
	var page *store.CertificatePage
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		page, err = tx.ListCertificates(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if external(a) {
		for i := range page.Items {
			redactView(&page.Items[i])
		}
	}
	return page, nil
}

// CreateCertificate records a certificate or test report of a supplier. An
// internal user needs qms.CanEditQualityRecords (a quality manager's entry
// is accepted at once); a supplier user may submit one for its own
// supplier, which waits for review. Returns not found, invalid or conflict.
func (s *Service) CreateCertificate(ctx context.Context, c *supplier.Certificate) error {
	a := actor(ctx)
	if err := visible(a, c.SupplierID, "supplier"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) && a.Role != qms.RoleSupplier {
		return forbidden("record certificates")
	}
	if external(a) {
		c.DocumentRef = "" // a scan is uploaded through the file store, not named
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateCertificate(c) })
}

// UpdateCertificate changes a certificate. Requires
// qms.CanEditQualityRecords; a change by anyone but a quality manager sends
// it back to review. Returns not found, invalid or conflict.
func (s *Service) UpdateCertificate(ctx context.Context, c *supplier.Certificate, version int64, reason string) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.Certificate(c.ID)
		if err != nil {
			return err
		}
		if err := visible(a, cur.SupplierID, "certificate"); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("change certificates")
		}
		return tx.UpdateCertificate(c, version, reason)
	})
}

// ReviewCertificate accepts or rejects a submitted certificate with a note.
// Requires qms.CanApprove. Returns not found, invalid or conflict.
func (s *Service) ReviewCertificate(ctx context.Context, id int64, to supplier.Review, note string, version int64) (*supplier.Certificate, error) {
	return s.changeCertificate(ctx, id, qms.CanApprove, "review certificates", func(tx *store.Tx) error {
		return tx.ReviewCertificate(id, to, note, version)
	})
}

// VoidCertificate voids a certificate with a reason. Requires qms.CanApprove.
func (s *Service) VoidCertificate(ctx context.Context, id int64, reason string, version int64) (*supplier.Certificate, error) {
	return s.changeCertificate(ctx, id, qms.CanApprove, "void certificates", func(tx *store.Tx) error {
		return tx.VoidCertificate(id, reason, version)
	})
}

func (s *Service) changeCertificate(ctx context.Context, id int64, allow func(qms.Actor) bool, what string, change func(tx *store.Tx) error) (*supplier.Certificate, error) {
	a := actor(ctx)
	var c *supplier.Certificate
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.Certificate(id)
		if err != nil {
			return err
		}
		if err := visible(a, cur.SupplierID, "certificate"); err != nil {
			return err
		}
		if !allow(a) {
			return forbidden(what)
		}
		if err := change(tx); err != nil {
			return err
		}
		c, err = tx.Certificate(id)
		return err
	})
	return c, err
}

// ---- Verifications ----

// verificationOwner loads a verification and the supplier of its
// certificate.
func verificationOwner(tx *store.Tx, id int64) (*supplier.Verification, int64, error) {
	v, err := tx.Verification(id)
	if err != nil {
		return nil, 0, err
	}
	c, err := tx.Certificate(v.CertificateID)
	if err != nil {
		return nil, 0, err
	}
	return v, c.SupplierID, nil
}

// Verification returns a verification record. Requires
// qms.CanViewInternal; not found for a supplier the actor may not see.
func (s *Service) Verification(ctx context.Context, id int64) (*supplier.Verification, error) {
	a := actor(ctx)
	var v *supplier.Verification
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var owner int64
		var err error
		v, owner, err = verificationOwner(tx, id)
		if err != nil {
			return err
		}
		if err := visible(a, owner, "verification"); err != nil {
			return err
		}
		if !qms.CanViewInternal(a) {
			return forbidden("see verification records")
		}
		return nil
	})
	return v, err
}

// Verifications returns the verification records of a certificate, oldest
// first. Requires qms.CanViewInternal.
func (s *Service) Verifications(ctx context.Context, certID int64) ([]supplier.Verification, error) {
	a := actor(ctx)
	var vs []supplier.Verification
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		c, err := tx.Certificate(certID)
		if err != nil {
			return err
		}
		if err := visible(a, c.SupplierID, "certificate"); err != nil {
			return err
		}
		if !qms.CanViewInternal(a) {
			return forbidden("see verification records")
		}
		vs, err = tx.Verifications(certID)
		return err
	})
	if vs == nil && err == nil {
		vs = []supplier.Verification{}
	}
	return vs, err
}

// AddVerification records a check of a certificate by the actor. Requires
// qms.CanEditQualityRecords. Returns not found, invalid or conflict.
func (s *Service) AddVerification(ctx context.Context, v *supplier.Verification) error {
	a := actor(ctx)
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.Certificate(v.CertificateID)
		if err != nil {
			return err
		}
		if err := visible(a, c.SupplierID, "certificate"); err != nil {
			return err
		}
		if !qms.CanEditQualityRecords(a) {
			return forbidden("record verifications")
		}
		return tx.AddVerification(v)
	})
}

// VoidVerification voids a wrong verification record with a reason.
// Requires qms.CanApprove. Returns the certificate's id.
func (s *Service) VoidVerification(ctx context.Context, id int64, reason string) (*supplier.Verification, error) {
	a := actor(ctx)
	var v *supplier.Verification
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		_, owner, err := verificationOwner(tx, id)
		if err != nil {
			return err
		}
		if err := visible(a, owner, "verification"); err != nil {
			return err
		}
		if !qms.CanApprove(a) {
			return forbidden("void verifications")
		}
		if err := tx.VoidVerification(id, reason); err != nil {
			return err
		}
		v, err = tx.Verification(id)
		return err
	})
	return v, err
}

// ---- Lists ----

// Expiring returns the certificates expiring within f.Within days (the
// configured warning period when 0) and every expired one. A supplier
// user's list holds its own supplier's only.
func (s *Service) Expiring(ctx context.Context, f store.ExpiringFilter) (*store.ExpiringPage, error) {
	a := actor(ctx)
	if !a.Role.Valid() {
		return nil, forbidden("see certificates")
	}
	if external(a) {
		if a.SupplierID == nil {
			return &store.ExpiringPage{}, nil
		}
		if f.SupplierID != 0 && f.SupplierID != *a.SupplierID {
			return nil, notFound("supplier")
		}
		f.SupplierID = *a.SupplierID
	}
	var page *store.ExpiringPage
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		page, err = tx.ExpiringCertificates(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if external(a) {
		for i := range page.Items {
			redactView(&page.Items[i])
		}
	}
	return page, nil
}

// ApprovedList returns one page of the approved supplier list for a
// product category ("" for all). Requires qms.CanViewInternal.
func (s *Service) ApprovedList(ctx context.Context, category string, offset, limit int) ([]store.ASLEntry, int64, error) {
	if !qms.CanViewInternal(actor(ctx)) {
		return nil, 0, forbidden("see the approved supplier list")
	}
	var out []store.ASLEntry
	var next int64
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, next, err = tx.ApprovedSuppliers(category, offset, limit)
		return err
	})
	return out, next, err
}

// ---- Overrides ----

// Overrides returns the overrides of a supplier, newest first. Requires
// qms.CanViewInternal; not found for a supplier the actor may not see.
func (s *Service) Overrides(ctx context.Context, supplierID int64) ([]supplier.Override, error) {
	a := actor(ctx)
	if err := visible(a, supplierID, "supplier"); err != nil {
		return nil, err
	}
	if !qms.CanViewInternal(a) {
		return nil, forbidden("see overrides")
	}
	var out []supplier.Override
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Supplier(supplierID); err != nil {
			return err
		}
		var err error
		out, err = tx.Overrides(supplierID)
		return err
	})
	if out == nil && err == nil {
		out = []supplier.Override{}
	}
	return out, err
}

// CreateOverride records a quality manager's override of a certificate
// requirement until an end date. Requires qms.CanApprove. Returns not
// found, invalid or conflict.
func (s *Service) CreateOverride(ctx context.Context, o *supplier.Override) error {
	a := actor(ctx)
	if err := visible(a, o.SupplierID, "supplier"); err != nil {
		return err
	}
	if !qms.CanApprove(a) {
		return forbidden("override certificate requirements")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateOverride(o) })
}

// VoidOverride ends an override early with a reason. Requires qms.CanApprove.
func (s *Service) VoidOverride(ctx context.Context, id int64, reason string) (*supplier.Override, error) {
	a := actor(ctx)
	var o *supplier.Override
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		cur, err := tx.Override(id)
		if err != nil {
			return err
		}
		if err := visible(a, cur.SupplierID, "override"); err != nil {
			return err
		}
		if !qms.CanApprove(a) {
			return forbidden("end overrides")
		}
		if err := tx.VoidOverride(id, reason); err != nil {
			return err
		}
		o, err = tx.Override(id)
		return err
	})
	return o, err
}
