package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
	"qms/internal/sampling"
)

// Inspection plans per product, or per supplier x product. An inspection
// keeps the plan's id and version and a snapshot of its sampling; a plan
// change never reaches inspections already planned.

const planColumns = "id, product_id, supplier_id, standard, level, counting, classes, stages, inspectors, reduced_approved, notes, voided_at, void_reason, created_at, updated_at, version"

func scanPlan(sc scanner, p *inspection.Plan) error {
	var sup sql.NullInt64
	var std, level, classes, stages, inspectors string
	var voided sql.NullTime
	if err := sc.Scan(&p.ID, &p.ProductID, &sup, &std, &level, &p.Counting, &classes, &stages, &inspectors, &p.ReducedApproved, &p.Notes,
		&voided, &p.VoidReason, &p.CreatedAt, &p.UpdatedAt, &p.Version); err != nil {
		return err
	}
	p.SupplierID, p.VoidedAt = nullID(sup), nullTime(voided)
	if err := p.Standard.UnmarshalText([]byte(std)); err != nil {
		return fmt.Errorf("plan %d: %w", p.ID, err)
	}
	if err := p.Level.UnmarshalText([]byte(level)); err != nil {
		return fmt.Errorf("plan %d: %w", p.ID, err)
	}
	for _, f := range []struct {
		s string
		v any
	}{{classes, &p.Classes}, {stages, &p.Stages}, {inspectors, &p.Inspectors}} {
		if err := json.Unmarshal([]byte(f.s), f.v); err != nil {
			return fmt.Errorf("plan %d: %w", p.ID, err)
		}
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return nil
}

// validatePlan validates p and checks that its product, supplier and named
// users exist (users must be internal staff who record inspections).
func (tx *Tx) validatePlan(p *inspection.Plan) error {
	pr, err := problemsOf(p.Validate())
	if err != nil {
		return err
	}
	if p.ProductID > 0 {
		if _, err := tx.activeProduct(p.ProductID); err != nil {
			if qms.ErrorKind(err) == qms.KindInternal {
				return err
			}
			pr.Add("product_id", qms.ErrorMessage(err))
		}
	}
	if p.SupplierID != nil && *p.SupplierID > 0 {
		sup, err := tx.Supplier(*p.SupplierID)
		switch {
		case qms.ErrorKind(err) == qms.KindNotFound:
			pr.Add("supplier_id", "supplier not found")
		case err != nil:
			return err
		case sup.VoidedAt != nil:
			pr.Add("supplier_id", "this supplier is voided")
		}
	}
	for _, id := range p.Inspectors.UserIDs {
		if msg, err := tx.inspectorProblem(id); err != nil {
			return err
		} else if msg != "" {
			pr.Add("inspectors.user_ids", fmt.Sprintf("user %d: %s", id, msg))
		}
	}
	return pr.Err()
}

// inspectorProblem says why user id cannot inspect ("" when it can).
func (tx *Tx) inspectorProblem(id int64) (string, error) {
	u, err := tx.User(id)
	switch {
	case qms.ErrorKind(err) == qms.KindNotFound:
		return "no such user", nil
	case err != nil:
		return "", err
	case u.Disabled:
		return "the account is disabled", nil
	case !qms.CanEditQualityRecords(qms.Actor{Role: u.Role}):
		return "a " + u.Role.Label() + " does not record inspections", nil
	}
	return "", nil
}

func planConflict(err error) error {
	if err = mapError(err, "inspection plan"); qms.ErrorKind(err) == qms.KindConflict {
		return &qms.Error{Kind: qms.KindConflict, Message: "this product (and supplier) already has an inspection plan: change it, or void it first", Err: err}
	}
	return err
}

func levelText(l sampling.Level) string {
	b, _ := l.MarshalText()
	return string(b)
}

// CreatePlan validates and inserts an inspection plan, audited. Returns
// invalid, or conflict when the product (or supplier x product) already
// has a plan in use.
func (tx *Tx) CreatePlan(p *inspection.Plan) error {
	if err := tx.validatePlan(p); err != nil {
		return err
	}
	id, err := tx.Insert(`INSERT INTO inspection_plans (product_id, supplier_id, standard, level, counting, classes, stages, inspectors, reduced_approved,
		notes, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		p.ProductID, p.SupplierID, p.Standard.String(), levelText(p.Level), p.Counting, encodeJSON(p.Classes), encodeJSON(p.Stages),
		encodeJSON(p.Inspectors), p.ReducedApproved, p.Notes, tx.Now, tx.Now)
	if err != nil {
		return planConflict(err)
	}
	p.ID, p.CreatedAt, p.UpdatedAt, p.Version, p.VoidedAt, p.VoidReason = id, tx.Now, tx.Now, 1, nil, ""
	return tx.Audit(entityPlan, id, qms.ActionCreate, nil, p, "")
}

// Plan returns an inspection plan. Returns not found.
func (tx *Tx) Plan(id int64) (*inspection.Plan, error) {
	var p inspection.Plan
	if err := scanPlan(tx.QueryRow("SELECT "+planColumns+" FROM inspection_plans WHERE id = ?", id), &p); err != nil {
		return nil, mapError(err, "inspection plan")
	}
	return &p, nil
}

// Plans returns the plans in use for a product: the product's own and the
// per-supplier ones.
func (tx *Tx) Plans(productID int64) ([]inspection.Plan, error) {
	return scanAllTx(tx, "SELECT "+planColumns+" FROM inspection_plans WHERE product_id = ? AND voided_at IS NULL ORDER BY COALESCE(supplier_id, 0), id",
		[]any{productID}, scanPlan)
}

// PlanFor returns the plan that applies to a supplier's production of a
// product: the supplier x product plan, or else the product's. Returns not
// found when there is none.
func (tx *Tx) PlanFor(productID, supplierID int64) (*inspection.Plan, error) {
	var p inspection.Plan
	err := scanPlan(tx.QueryRow("SELECT "+planColumns+` FROM inspection_plans WHERE product_id = ? AND voided_at IS NULL
		AND (supplier_id = ? OR supplier_id IS NULL) ORDER BY CASE WHEN supplier_id IS NULL THEN 1 ELSE 0 END LIMIT 1`, productID, supplierID), &p)
	if err != nil {
		return nil, mapError(err, "inspection plan for this product")
	}
	return &p, nil
}

// UpdatePlan changes a plan (not its product or supplier) if its version
// is still expected, audited. Inspections already planned keep their
// snapshot. Returns not found, invalid or conflict.
func (tx *Tx) UpdatePlan(p *inspection.Plan, expected int64, reason string) error {
	before, err := tx.Plan(p.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This inspection plan")
	}
	p.ProductID, p.SupplierID = before.ProductID, before.SupplierID
	if err := tx.validatePlan(p); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE inspection_plans SET standard = ?, level = ?, counting = ?, classes = ?, stages = ?, inspectors = ?, reduced_approved = ?,
		notes = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		p.Standard.String(), levelText(p.Level), p.Counting, encodeJSON(p.Classes), encodeJSON(p.Stages), encodeJSON(p.Inspectors), p.ReducedApproved,
		p.Notes, tx.Now, p.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This inspection plan"); err != nil {
		return err
	}
	after, err := tx.Plan(p.ID)
	if err != nil {
		return err
	}
	*p = *after
	return tx.Audit(entityPlan, p.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidPlan voids a plan with a reason, audited. Returns invalid, not found
// or conflict.
func (tx *Tx) VoidPlan(id int64, reason string, expected int64) error {
	return voidRecord(tx, "inspection_plans", entityPlan, "This inspection plan", id, expected, reason, tx.Plan,
		func(r *inspection.Plan) bool { return r.VoidedAt != nil })
}
