package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"qms/internal/inspection"
	"qms/internal/qms"
)

// Spec revisions of products: draft -> released (by a quality manager)
// -> superseded when the next revision is released. Characteristics are
// kept as JSON on the revision: a released revision never changes, and an
// inspection pins the revision it is run against.

// Audit actions of specs.
const (
	actionRelease   = "release"
	actionSupersede = "supersede"
)

const specColumns = `id, product_id, revision, title, drawing_ref, golden_sample_ref, notes, characteristics, status, released_at, released_by_id,
	released_by, release_reason, signature_id, superseded_at, superseded_by, voided_at, void_reason, created_at, updated_at, version`

func scanSpec(sc scanner, s *inspection.Spec) error {
	var chars string
	var released, superseded, voided sql.NullTime
	var sig, by sql.NullInt64
	if err := sc.Scan(&s.ID, &s.ProductID, &s.Revision, &s.Title, &s.DrawingRef, &s.GoldenSampleRef, &s.Notes, &chars, &s.Status, &released,
		&s.ReleasedByID, &s.ReleasedBy, &s.ReleaseReason, &sig, &superseded, &by, &voided, &s.VoidReason, &s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
		return err
	}
	s.Characteristics = []inspection.Characteristic{}
	if err := json.Unmarshal([]byte(chars), &s.Characteristics); err != nil {
		return fmt.Errorf("spec %d characteristics: %w", s.ID, err)
	}
	s.ReleasedAt, s.SupersededAt, s.VoidedAt = nullTime(released), nullTime(superseded), nullTime(voided)
	s.SignatureID, s.SupersededBy = nullID(sig), nullID(by)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return nil
}

// nullID returns a pointer to the value, or nil for NULL.
func nullID(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

// activeProduct returns a product that is not voided. Returns not found or
// conflict.
func (tx *Tx) activeProduct(id int64) (*inspection.Product, error) {
	p, err := tx.Product(id)
	if err != nil {
		return nil, err
	}
	if p.VoidedAt != nil {
		return nil, alreadyVoided("This product")
	}
	return p, nil
}

// CreateSpec validates and inserts a draft spec revision of a product,
// numbered after its latest revision, audited. Returns invalid, not found
// (no such product), or conflict (the product is voided, or already has an
// open draft).
func (tx *Tx) CreateSpec(s *inspection.Spec) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if _, err := tx.activeProduct(s.ProductID); err != nil {
		return err
	}
	var last int
	if err := tx.QueryRow("SELECT COALESCE(MAX(revision), 0) FROM specs WHERE product_id = ?", s.ProductID).Scan(&last); err != nil {
		return err
	}
	s.Revision, s.Status = last+1, inspection.SpecDraft
	id, err := tx.Insert(`INSERT INTO specs (product_id, revision, title, drawing_ref, golden_sample_ref, notes, characteristics, status, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, s.ProductID, s.Revision, s.Title, s.DrawingRef, s.GoldenSampleRef, s.Notes,
		encodeJSON(s.Characteristics), s.Status, tx.Now, tx.Now)
	if err != nil {
		if err = mapError(err, "spec"); qms.ErrorKind(err) == qms.KindConflict {
			return &qms.Error{Kind: qms.KindConflict, Message: "this product already has a draft spec revision: change that draft, or void it first", Err: err}
		}
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt, s.Version = id, tx.Now, tx.Now, 1
	s.ReleasedAt, s.ReleasedByID, s.ReleasedBy, s.ReleaseReason, s.SignatureID = nil, 0, "", "", nil
	s.SupersededAt, s.SupersededBy, s.VoidedAt, s.VoidReason = nil, nil, nil, ""
	return tx.Audit(entitySpec, id, qms.ActionCreate, nil, s, "")
}

// DraftNextRevision starts the next draft revision of a product as a copy
// of its released revision (or, without one, of its latest revision).
// Returns not found (no product or no revision to copy) or conflict (see
// CreateSpec).
func (tx *Tx) DraftNextRevision(productID int64) (*inspection.Spec, error) {
	var src inspection.Spec
	err := scanSpec(tx.QueryRow("SELECT "+specColumns+` FROM specs WHERE product_id = ? AND voided_at IS NULL
		ORDER BY CASE WHEN status = 'released' THEN 0 ELSE 1 END, revision DESC LIMIT 1`, productID), &src)
	if err != nil {
		return nil, mapError(err, "spec revision to copy")
	}
	s := &inspection.Spec{ProductID: productID, Title: src.Title, DrawingRef: src.DrawingRef, GoldenSampleRef: src.GoldenSampleRef,
		Notes: src.Notes, Characteristics: src.Characteristics}
	if err := tx.CreateSpec(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Spec returns a spec revision. Returns not found.
func (tx *Tx) Spec(id int64) (*inspection.Spec, error) {
	var s inspection.Spec
	if err := scanSpec(tx.QueryRow("SELECT "+specColumns+" FROM specs WHERE id = ?", id), &s); err != nil {
		return nil, mapError(err, "spec revision")
	}
	return &s, nil
}

// Specs returns every revision of a product, newest first.
func (tx *Tx) Specs(productID int64) ([]inspection.Spec, error) {
	return scanAllTx(tx, "SELECT "+specColumns+" FROM specs WHERE product_id = ? ORDER BY revision DESC", []any{productID}, scanSpec)
}

// ReleasedSpec returns the released revision of a product. Returns not
// found when it has none.
func (tx *Tx) ReleasedSpec(productID int64) (*inspection.Spec, error) {
	var s inspection.Spec
	if err := scanSpec(tx.QueryRow("SELECT "+specColumns+" FROM specs WHERE product_id = ? AND status = 'released'", productID), &s); err != nil {
		return nil, mapError(err, "released spec revision")
	}
	return &s, nil
}

// UpdateSpec changes a draft revision if its version is still expected,
// audited. Returns not found, invalid, or conflict (not a draft, stale).
func (tx *Tx) UpdateSpec(s *inspection.Spec, expected int64, reason string) error {
	before, err := tx.Spec(s.ID)
	if err != nil {
		return err
	}
	if err := inspection.CheckEditSpec(before); err != nil {
		return err
	}
	s.ProductID = before.ProductID
	if err := s.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE specs SET title = ?, drawing_ref = ?, golden_sample_ref = ?, notes = ?, characteristics = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'`,
		s.Title, s.DrawingRef, s.GoldenSampleRef, s.Notes, encodeJSON(s.Characteristics), tx.Now, s.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This spec revision"); err != nil {
		return err
	}
	after, err := tx.Spec(s.ID)
	if err != nil {
		return err
	}
	*s = *after
	return tx.Audit(entitySpec, s.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ReleaseSpec releases a draft revision: the actor must be a quality
// manager (inspection.CheckRelease), and the product's released revision,
// if any, is superseded by it in the same transaction, both audited.
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) ReleaseSpec(id int64, expected int64, r inspection.Release) error {
	before, err := tx.Spec(id)
	if err != nil {
		return err
	}
	if err := inspection.CheckRelease(tx.Actor, before, &r); err != nil {
		return err
	}
	if before.Version != expected {
		return qms.Errorf(qms.KindConflict, "This spec revision was changed by someone else since you opened it; reload it and apply your change again")
	}
	if _, err := tx.activeProduct(before.ProductID); err != nil {
		return err
	}
	if old, err := tx.ReleasedSpec(before.ProductID); err == nil {
		if _, err := tx.Exec(`UPDATE specs SET status = 'superseded', superseded_at = ?, superseded_by = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND status = 'released'`, tx.Now, id, tx.Now, old.ID); err != nil {
			return err
		}
		after, err := tx.Spec(old.ID)
		if err != nil {
			return err
		}
		if err := tx.Audit(entitySpec, old.ID, actionSupersede, old, after, fmt.Sprintf("superseded by revision %d", before.Revision)); err != nil {
			return err
		}
	} else if qms.ErrorKind(err) != qms.KindNotFound {
		return err
	}
	res, err := tx.Exec(`UPDATE specs SET status = 'released', released_at = ?, released_by_id = ?, released_by = ?, release_reason = ?, signature_id = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status = 'draft'`,
		tx.Now, tx.Actor.UserID, tx.Actor.Name, r.Reason, r.SignatureID, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This spec revision"); err != nil {
		return err
	}
	after, err := tx.Spec(id)
	if err != nil {
		return err
	}
	return tx.Audit(entitySpec, id, actionRelease, before, after, r.Reason)
}

// VoidSpec voids a draft revision with a reason, audited (released and
// superseded revisions are records of what was inspected and stay).
// Returns invalid, not found or conflict.
func (tx *Tx) VoidSpec(id int64, reason string, expected int64) error {
	reason, err := requireReason(reason)
	if err != nil {
		return err
	}
	before, err := tx.Spec(id)
	if err != nil {
		return err
	}
	if err := inspection.CheckEditSpec(before); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE specs SET voided_at = ?, void_reason = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, reason, tx.Now, id, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This spec revision"); err != nil {
		return err
	}
	after, err := tx.Spec(id)
	if err != nil {
		return err
	}
	return tx.Audit(entitySpec, id, qms.ActionVoid, before, after, reason)
}
