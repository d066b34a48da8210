package supplierops

import (
	"context"

	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// Certificate scans: the scanned document of a certificate or test report
// (a PDF or an image) is a file of the file store (package blob) that
// belongs to the certificate, owner type OwnerCertificate. A certificate may
// have several (a new scan after a surveillance audit, the pages of a
// report as images); voided ones stay listed for internal staff.

// OwnerCertificate is the owner type of a certificate's scans: the page and
// portal forms attach them, and so does POST /api/v1/files with
// owner_type=certificate and owner_id=<id>.
const OwnerCertificate = "certificate"

// ScanTypes are the types a scan may have, found from its content.
var ScanTypes = []blob.Type{blob.PDF, blob.JPEG, blob.PNG}

// RegisterFiles sets who may read and upload the scans of certificates:
// whoever may see the certificate reads them (a supplier user its own
// supplier's, never a voided certificate's); a user who may add a scan
// (canAddScan) may upload one straight onto the certificate. Call it while
// wiring the program.
func (s *Service) RegisterFiles(files *blob.Service) {
	files.RegisterOwner(OwnerCertificate, blob.OwnerRules{
		Read: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error {
				_, err := visibleCertificate(tx, a, id)
				return err
			})
		},
		Attach: func(ctx context.Context, a qms.Actor, _ string, id int64) error {
			return s.Store.View(ctx, func(tx *store.Tx) error { return canAddScan(tx, a, id) })
		},
	})
}

// visibleCertificate loads a certificate that a may see: not found for
// another supplier's, and for a supplier user also for a voided one.
func visibleCertificate(tx *store.Tx, a qms.Actor, id int64) (*supplier.Certificate, error) {
	c, err := tx.Certificate(id)
	if err != nil {
		return nil, err
	}
	if err := visible(a, c.SupplierID, "certificate"); err != nil {
		return nil, err
	}
	if external(a) && c.VoidedAt != nil {
		return nil, notFound("certificate")
	}
	return c, nil
}

// CanAddScan reports whether a may add a scan to c: internal staff who
// record certificates (qms.CanEditQualityRecords) while it is not voided; a
// supplier user to its own supplier's certificate while it awaits review,
// so that an accepted certificate never changes its evidence unseen.
func CanAddScan(a qms.Actor, c *supplier.Certificate) bool {
	switch {
	case c.VoidedAt != nil || !qms.CanSeeSupplier(a, c.SupplierID) || !qms.CanUploadFiles(a):
		return false
	case external(a):
		return a.Role == qms.RoleSupplier && c.Review == supplier.ReviewSubmitted
	}
	return qms.CanEditQualityRecords(a)
}

// canAddScan checks that a may add a scan to certificate id. Returns not
// found, conflict (voided) or forbidden with what to do instead.
func canAddScan(tx *store.Tx, a qms.Actor, id int64) error {
	c, err := visibleCertificate(tx, a, id)
	if err != nil {
		return err
	}
	if CanAddScan(a, c) {
		return nil
	}
	switch {
	case c.VoidedAt != nil:
		return qms.Errorf(qms.KindConflict, "This certificate is voided: it takes no new scans.")
	case external(a) && a.Role == qms.RoleSupplier:
		return qms.Errorf(qms.KindForbidden, "This certificate was reviewed already: submit the new document as a new certificate, which the buyer's quality team reviews.")
	}
	return forbidden("add scans to certificates")
}

// AddScan attaches a prepared upload (blob.Service.Prepare with ScanTypes)
// to a certificate as its scan, audited (the file's creation names its
// owner). Adding the same content twice keeps one file: the existing one
// is returned with created false. Requires CanAddScan. Returns not found,
// forbidden or conflict (voided).
func (s *Service) AddScan(ctx context.Context, certID int64, f *store.File) (created bool, err error) {
	a := actor(ctx)
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := canAddScan(tx, a, certID); err != nil {
			return err
		}
		var err error
		created, err = addScan(tx, certID, f)
		return err
	})
	return created, err
}

func addScan(tx *store.Tx, certID int64, f *store.File) (bool, error) {
	have, err := tx.FilesOf(OwnerCertificate, certID)
	if err != nil {
		return false, err
	}
	for _, h := range have {
		if h.SHA256 == f.SHA256 && h.VoidedAt == nil {
			*f = h
			return false, nil
		}
	}
	f.OwnerType, f.OwnerID = OwnerCertificate, certID
	return true, tx.CreateFile(f)
}

// Scans returns the scans of a certificate the actor may see, in upload
// order; voided ones only to internal staff. Returns not found.
func (s *Service) Scans(ctx context.Context, certID int64) ([]store.File, error) {
	a := actor(ctx)
	out := []store.File{}
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := visibleCertificate(tx, a, certID); err != nil {
			return err
		}
		files, err := tx.FilesOf(OwnerCertificate, certID)
		for _, f := range files {
			if f.VoidedAt == nil || qms.CanReadVoidedFiles(a) {
				out = append(out, f)
			}
		}
		return err
	})
	return out, err
}

// CreateCertificateWithScan records a certificate as CreateCertificate does
// and, when scan is not nil, attaches the prepared upload as its scan in
// the same transaction: both are written, or neither. Returns not found,
// forbidden, invalid or conflict.
func (s *Service) CreateCertificateWithScan(ctx context.Context, c *supplier.Certificate, scan *store.File) error {
	if scan == nil {
		return s.CreateCertificate(ctx, c)
	}
	a := actor(ctx)
	if err := visible(a, c.SupplierID, "supplier"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) && a.Role != qms.RoleSupplier {
		return forbidden("record certificates")
	}
	if !qms.CanUploadFiles(a) {
		return forbidden("upload files")
	}
	if external(a) {
		c.DocumentRef = ""
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateCertificate(c); err != nil {
			return err
		}
		_, err := addScan(tx, c.ID, scan)
		return err
	})
}
