package supplierops

import (
	"context"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/supplier"
)

// The configuration of the supplier module: thresholds, accreditation
// bodies, product categories and certificate requirements. Internal users
// read it; administrators (qms.CanManageSettings) change it.

// view runs fn in a read transaction for an internal user.
func (s *Service) view(ctx context.Context, what string, fn func(tx *store.Tx) error) error {
	if !qms.CanViewInternal(actor(ctx)) {
		return forbidden("see " + what)
	}
	return s.Store.View(ctx, fn)
}

// configure runs fn in a write transaction for an administrator.
func (s *Service) configure(ctx context.Context, what string, fn func(tx *store.Tx) error) error {
	if !qms.CanManageSettings(actor(ctx)) {
		return forbidden(what)
	}
	return s.Store.Update(ctx, fn)
}

// Settings returns the thresholds of the certificate rules and the
// accreditation bodies. Requires qms.CanViewInternal.
func (s *Service) Settings(ctx context.Context) (*supplier.Settings, error) {
	var set *supplier.Settings
	err := s.view(ctx, "the supplier settings", func(tx *store.Tx) error {
		var err error
		set, err = tx.SupplierSettings()
		return err
	})
	return set, err
}

// UpdateSettings changes the thresholds. Requires qms.CanManageSettings.
// Returns invalid or conflict (stale version).
func (s *Service) UpdateSettings(ctx context.Context, set *supplier.Settings, version int64, reason string) error {
	return s.configure(ctx, "change the supplier settings", func(tx *store.Tx) error {
		return tx.UpdateSupplierSettings(set, version, reason)
	})
}

// AccreditationBodies returns the known accreditation bodies. Requires
// qms.CanViewInternal.
func (s *Service) AccreditationBodies(ctx context.Context) ([]supplier.AccreditationBody, error) {
	var out []supplier.AccreditationBody
	err := s.view(ctx, "accreditation bodies", func(tx *store.Tx) error {
		var err error
		out, err = tx.AccreditationBodies()
		return err
	})
	return nonNil(out), err
}

// CreateAccreditationBody adds an accreditation body. Requires
// qms.CanManageSettings. Returns invalid or conflict.
func (s *Service) CreateAccreditationBody(ctx context.Context, ab *supplier.AccreditationBody) error {
	return s.configure(ctx, "change the accreditation bodies", func(tx *store.Tx) error { return tx.CreateAccreditationBody(ab) })
}

// UpdateAccreditationBody changes an accreditation body (recognised or
// not). Requires qms.CanManageSettings. Returns not found, invalid or
// conflict.
func (s *Service) UpdateAccreditationBody(ctx context.Context, ab *supplier.AccreditationBody, version int64, reason string) error {
	return s.configure(ctx, "change the accreditation bodies", func(tx *store.Tx) error {
		return tx.UpdateAccreditationBody(ab, version, reason)
	})
}

// Categories returns the product categories, voided ones too. Requires
// qms.CanViewInternal.
func (s *Service) Categories(ctx context.Context) ([]supplier.Category, error) {
	var out []supplier.Category
	err := s.view(ctx, "product categories", func(tx *store.Tx) error {
		var err error
		out, err = tx.Categories()
		return err
	})
	return nonNil(out), err
}

// CreateCategory adds a product category. Requires qms.CanManageSettings.
func (s *Service) CreateCategory(ctx context.Context, c *supplier.Category) error {
	return s.configure(ctx, "change product categories", func(tx *store.Tx) error { return tx.CreateCategory(c) })
}

// UpdateCategory changes a category's name and keywords. Requires
// qms.CanManageSettings.
func (s *Service) UpdateCategory(ctx context.Context, c *supplier.Category, version int64, reason string) error {
	return s.configure(ctx, "change product categories", func(tx *store.Tx) error { return tx.UpdateCategory(c, version, reason) })
}

// VoidCategory voids a category. Requires qms.CanManageSettings.
func (s *Service) VoidCategory(ctx context.Context, id int64, reason string, version int64) error {
	return s.configure(ctx, "change product categories", func(tx *store.Tx) error { return tx.VoidCategory(id, reason, version) })
}

// Requirements returns the certificate requirements, voided ones too.
// Requires qms.CanViewInternal.
func (s *Service) Requirements(ctx context.Context) ([]supplier.Requirement, error) {
	var out []supplier.Requirement
	err := s.view(ctx, "certificate requirements", func(tx *store.Tx) error {
		var err error
		out, err = tx.Requirements()
		return err
	})
	return nonNil(out), err
}

// CreateRequirement adds a certificate requirement. Requires
// qms.CanManageSettings. Returns invalid or conflict.
func (s *Service) CreateRequirement(ctx context.Context, r *supplier.Requirement) error {
	return s.configure(ctx, "change certificate requirements", func(tx *store.Tx) error { return tx.CreateRequirement(r) })
}

// VoidRequirement ends a requirement. Requires qms.CanManageSettings.
func (s *Service) VoidRequirement(ctx context.Context, id int64, reason string, version int64) (*supplier.Requirement, error) {
	var r *supplier.Requirement
	err := s.configure(ctx, "change certificate requirements", func(tx *store.Tx) error {
		if err := tx.VoidRequirement(id, reason, version); err != nil {
			return err
		}
		var err error
		r, err = tx.Requirement(id)
		return err
	})
	return r, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
