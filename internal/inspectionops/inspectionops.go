// Package inspectionops holds the operations on products, spec revisions,
// the defect library, inspection plans, inspections (planning with its
// preview and gates, recording, submission, decision, amendments), their
// photos and the switching state that the web UI, the JSON API and the
// command line share.
//
// Each operation takes the actor from the context (qms.WithActor; the
// command line acts as qms.System), checks visibility and permission with
// the qms.Can* rules, and reads or changes the store, every change in one
// audited transaction. Supplier isolation lives here: a supplier user sees
// the inspections of its own supplier only, and an inspection of another
// supplier is "not found" (never "forbidden"), so that its id does not
// leak. The product catalogue (products, specs, plans, the defect library)
// is the buyer's: internal users only.
//
// The package must not import net/http, package web or package api.
package inspectionops

import (
	"context"

	"qms/internal/auth"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncrops"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs the inspection operations. Auth re-authenticates the
// signer of an electronic signature (releasing a spec revision, deciding
// on a first article inspection); without it those operations fail.
type Service struct {
	Store *store.Store
	Auth  *auth.Service
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

// internal returns forbidden unless a may see the buyer's internal records.
func internal(a qms.Actor, what string) error {
	if !qms.CanViewInternal(a) {
		return forbidden("see " + what)
	}
	return nil
}

// hidden maps a not-found error of the store to the package's message.
func hidden(err error, what string) error {
	if qms.ErrorKind(err) == qms.KindNotFound {
		return notFound(what)
	}
	return err
}

// ---- Products ----

// ListProducts returns one page of products. Requires qms.CanViewInternal.
func (s *Service) ListProducts(ctx context.Context, f store.ProductFilter) (*store.ProductPage, error) {
	if err := internal(actor(ctx), "products"); err != nil {
		return nil, err
	}
	var page *store.ProductPage
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		page, err = tx.ListProducts(f)
		return err
	})
	return page, err
}

// Product returns a product, voided or not. Requires qms.CanViewInternal.
// Returns not found.
func (s *Service) Product(ctx context.Context, id int64) (*inspection.Product, error) {
	if err := internal(actor(ctx), "products"); err != nil {
		return nil, err
	}
	var p *inspection.Product
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.Product(id)
		return err
	})
	return p, hidden(err, "product")
}

// CreateProduct creates a product. Requires qms.CanEditQualityRecords.
// Returns invalid or conflict (the SKU is taken).
func (s *Service) CreateProduct(ctx context.Context, p *inspection.Product) error {
	if !qms.CanEditQualityRecords(actor(ctx)) {
		return forbidden("create products")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateProduct(p) })
}

// UpdateProduct changes a product if version is still current. Requires
// qms.CanEditQualityRecords. Returns not found, invalid or conflict.
func (s *Service) UpdateProduct(ctx context.Context, p *inspection.Product, version int64, reason string) error {
	a := actor(ctx)
	if err := internal(a, "products"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("change products")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateProduct(p, version, reason) }), "product")
}

// VoidProduct voids a product with a reason. Requires qms.CanApprove.
// Returns not found, invalid or conflict.
func (s *Service) VoidProduct(ctx context.Context, id int64, reason string, version int64) (*inspection.Product, error) {
	a := actor(ctx)
	if err := internal(a, "products"); err != nil {
		return nil, err
	}
	if !qms.CanApprove(a) {
		return nil, forbidden("void products")
	}
	var p *inspection.Product
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.VoidProduct(id, reason, version); err != nil {
			return err
		}
		var err error
		p, err = tx.Product(id)
		return err
	})
	return p, hidden(err, "product")
}

// ---- Spec revisions ----

// Specs returns every revision of a product, newest first. Requires
// qms.CanViewInternal. Returns not found (no such product).
func (s *Service) Specs(ctx context.Context, productID int64) ([]inspection.Spec, error) {
	if err := internal(actor(ctx), "specs"); err != nil {
		return nil, err
	}
	var out []inspection.Spec
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Product(productID); err != nil {
			return err
		}
		var err error
		out, err = tx.Specs(productID)
		return err
	})
	return out, hidden(err, "product")
}

// Spec returns a spec revision. Requires qms.CanViewInternal. Returns not
// found.
func (s *Service) Spec(ctx context.Context, id int64) (*inspection.Spec, error) {
	if err := internal(actor(ctx), "specs"); err != nil {
		return nil, err
	}
	var sp *inspection.Spec
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		sp, err = tx.Spec(id)
		return err
	})
	return sp, hidden(err, "spec revision")
}

// CreateSpec starts a draft revision of a product with the given content.
// Requires qms.CanEditQualityRecords. Returns invalid, not found or
// conflict (the product already has a draft, or is voided).
func (s *Service) CreateSpec(ctx context.Context, sp *inspection.Spec) error {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("write specs")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateSpec(sp) }), "product")
}

// DraftNextRevision starts the next draft revision of a product as a copy
// of its released (or latest) revision; without any revision it starts an
// empty draft. Requires qms.CanEditQualityRecords. Returns not found or
// conflict.
func (s *Service) DraftNextRevision(ctx context.Context, productID int64) (*inspection.Spec, error) {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return nil, err
	}
	if !qms.CanEditQualityRecords(a) {
		return nil, forbidden("write specs")
	}
	var sp *inspection.Spec
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		p, err := tx.Product(productID)
		if err != nil {
			return err
		}
		specs, err := tx.Specs(productID)
		if err != nil {
			return err
		}
		for _, x := range specs {
			if x.VoidedAt == nil {
				sp, err = tx.DraftNextRevision(productID)
				return err
			}
		}
		sp = &inspection.Spec{ProductID: productID, Title: p.Name}
		return tx.CreateSpec(sp)
	})
	return sp, hidden(err, "product")
}

// UpdateSpec changes a draft revision if version is still current.
// Requires qms.CanEditQualityRecords. Returns not found, invalid or
// conflict (released, superseded or voided; stale).
func (s *Service) UpdateSpec(ctx context.Context, sp *inspection.Spec, version int64, reason string) error {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("write specs")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateSpec(sp, version, reason) }), "spec revision")
}

// ReleaseSpec releases a draft revision, superseding the released one,
// with the releasing quality manager's electronic signature (meaning
// approved, over the revision's content and the release reason:
// store.Tx.SignSpecRelease) in the same transaction. The signer enters
// their password again: a wrong one is an invalid error on the field
// "password", counts toward sign-in throttling and writes nothing.
// Requires qms.CanApprove. Returns not found, forbidden, invalid, too many
// (throttled) or conflict.
func (s *Service) ReleaseSpec(ctx context.Context, id, version int64, r inspection.Release, password string) (*inspection.Spec, error) {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return nil, err
	}
	if !qms.CanApprove(a) {
		return nil, forbidden("release a spec: a quality manager does")
	}
	if err := ncrops.Reauthenticate(ctx, s.Auth, password); err != nil {
		return nil, err
	}
	var sp *inspection.Spec
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		sig, err := tx.SignSpecRelease(id, r, esign.MeaningApproved, "")
		if err != nil {
			return err
		}
		r.SignatureID = &sig.ID
		if err := tx.ReleaseSpec(id, version, r); err != nil {
			return err
		}
		sp, err = tx.Spec(id)
		return err
	})
	return sp, hidden(err, "spec revision")
}

// SpecSignatures returns the electronic signatures of a spec revision
// with whether each still matches the revision's content. Internal users
// only. Returns not found or forbidden.
func (s *Service) SpecSignatures(ctx context.Context, id int64) ([]esign.Check, error) {
	if err := internal(actor(ctx), "specs"); err != nil {
		return nil, err
	}
	var out []esign.Check
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Spec(id); err != nil {
			return err
		}
		var err error
		out, err = tx.CheckSignatures("spec", id)
		return err
	})
	return out, hidden(err, "spec revision")
}

// VoidSpec voids a draft revision with a reason. Requires
// qms.CanEditQualityRecords. Returns not found, invalid or conflict.
func (s *Service) VoidSpec(ctx context.Context, id int64, reason string, version int64) error {
	a := actor(ctx)
	if err := internal(a, "specs"); err != nil {
		return err
	}
	if !qms.CanEditQualityRecords(a) {
		return forbidden("void spec drafts")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.VoidSpec(id, reason, version) }), "spec revision")
}

// ---- The defect library ----

// DefectCodes returns the defect library of a product category by code.
// Requires qms.CanViewInternal.
func (s *Service) DefectCodes(ctx context.Context, category string, includeVoided bool) ([]inspection.DefectCode, error) {
	if err := internal(actor(ctx), "the defect library"); err != nil {
		return nil, err
	}
	var out []inspection.DefectCode
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.DefectCodes(category, includeVoided)
		return err
	})
	return out, err
}

// DefectCode returns one entry of the library. Requires
// qms.CanViewInternal. Returns not found.
func (s *Service) DefectCode(ctx context.Context, id int64) (*inspection.DefectCode, error) {
	if err := internal(actor(ctx), "the defect library"); err != nil {
		return nil, err
	}
	var d *inspection.DefectCode
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = tx.DefectCode(id)
		return err
	})
	return d, hidden(err, "defect code")
}

// CreateDefectCode adds a code to a category's library. Requires
// qms.CanApprove (the library sets the default classes). Returns invalid
// or conflict.
func (s *Service) CreateDefectCode(ctx context.Context, d *inspection.DefectCode) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("change the defect library: a quality manager does")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateDefectCode(d) })
}

// UpdateDefectCode changes a library entry's description and default
// class. Requires qms.CanApprove. Returns not found, invalid or conflict.
func (s *Service) UpdateDefectCode(ctx context.Context, d *inspection.DefectCode, version int64, reason string) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("change the defect library: a quality manager does")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateDefectCode(d, version, reason) }), "defect code")
}

// VoidDefectCode withdraws a code from the library. Requires
// qms.CanApprove. Returns not found, invalid or conflict.
func (s *Service) VoidDefectCode(ctx context.Context, id int64, reason string, version int64) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("change the defect library: a quality manager does")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.VoidDefectCode(id, reason, version) }), "defect code")
}

// ---- Inspection plans ----

// Plans returns the plans in use for a product (its own and those per
// supplier). Requires qms.CanViewInternal. Returns not found.
func (s *Service) Plans(ctx context.Context, productID int64) ([]inspection.Plan, error) {
	if err := internal(actor(ctx), "inspection plans"); err != nil {
		return nil, err
	}
	var out []inspection.Plan
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		if _, err := tx.Product(productID); err != nil {
			return err
		}
		var err error
		out, err = tx.Plans(productID)
		return err
	})
	return out, hidden(err, "product")
}

// Plan returns an inspection plan. Requires qms.CanViewInternal. Returns
// not found.
func (s *Service) Plan(ctx context.Context, id int64) (*inspection.Plan, error) {
	if err := internal(actor(ctx), "inspection plans"); err != nil {
		return nil, err
	}
	var p *inspection.Plan
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		p, err = tx.Plan(id)
		return err
	})
	return p, hidden(err, "inspection plan")
}

// CreatePlan creates the inspection plan of a product, or of one
// supplier's production of it. Requires qms.CanApprove. Returns invalid or
// conflict (the product, or supplier x product, already has one).
func (s *Service) CreatePlan(ctx context.Context, p *inspection.Plan) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("set inspection plans: a quality manager does")
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreatePlan(p) })
}

// UpdatePlan changes a plan if version is still current; inspections
// already planned keep their snapshot. Requires qms.CanApprove. Returns not
// found, invalid or conflict.
func (s *Service) UpdatePlan(ctx context.Context, p *inspection.Plan, version int64, reason string) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("set inspection plans: a quality manager does")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdatePlan(p, version, reason) }), "inspection plan")
}

// VoidPlan voids a plan with a reason. Requires qms.CanApprove. Returns
// not found, invalid or conflict.
func (s *Service) VoidPlan(ctx context.Context, id int64, reason string, version int64) error {
	if !qms.CanApprove(actor(ctx)) {
		return forbidden("set inspection plans: a quality manager does")
	}
	return hidden(s.Store.Update(ctx, func(tx *store.Tx) error { return tx.VoidPlan(id, reason, version) }), "inspection plan")
}
