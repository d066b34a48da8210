package store

import (
	"database/sql"
	"strings"

	"qms/internal/complaint"
	"qms/internal/qms"
)

// Customer complaints (ISO 13485 8.2.2) with their links to an NCR and a
// CAPA. A CAPA answering a complaint names it by number (capa.Source of
// kind complaint); checkCAPARefs checks that number.

const entityComplaint = "complaint"

func complaintNumber(id int64) string { return complaint.Number(id) }

const complaintColumns = `id, received_on, customer, customer_ref, product_id, product_text, description, reportable, reportability, ncr_id, capa_id,
	no_capa_reason, status, closed_at, voided_at, void_reason, created_by_id, created_by, created_at, updated_at, version`

func scanComplaint(sc scanner, c *complaint.Complaint) error {
	var prod, ncrID, capaID sql.NullInt64
	var rep int
	var closed, voided sql.NullTime
	if err := sc.Scan(&c.ID, dateDest{&c.ReceivedOn}, &c.Customer, &c.CustomerRef, &prod, &c.ProductText, &c.Description, &rep, &c.Reportability,
		&ncrID, &capaID, &c.NoCAPAReason, &c.Status, &closed, &voided, &c.VoidReason, &c.CreatedByID, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt,
		&c.Version); err != nil {
		return err
	}
	c.ProductID, c.NCRID, c.CAPAID, c.Reportable = prod.Int64, ncrID.Int64, capaID.Int64, rep == 1
	c.ClosedAt, c.VoidedAt = nullTime(closed), nullTime(voided)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return nil
}

// Complaint returns one complaint. Returns not found.
func (tx *Tx) Complaint(id int64) (*complaint.Complaint, error) {
	var c complaint.Complaint
	if err := scanComplaint(tx.QueryRow("SELECT "+complaintColumns+" FROM complaints WHERE id = ?", id), &c); err != nil {
		return nil, mapError(err, "complaint")
	}
	return &c, nil
}

// ComplaintFilter selects complaints.
type ComplaintFilter struct {
	Status   complaint.Status // "" for all
	Before   int64            // cursor: ids below
	Limit    int
	ShowVoid bool
}

// Complaints returns one page of complaints, the latest first, and the
// cursor of the next page (0: none).
func (tx *Tx) Complaints(f ComplaintFilter) ([]complaint.Complaint, int64, error) {
	where, args := []string{"1 = 1"}, []any{}
	if !f.ShowVoid {
		where = append(where, "voided_at IS NULL")
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, "SELECT "+complaintColumns+" FROM complaints WHERE "+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT ?",
		append(args, limit+1), scanComplaint)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// checkComplaintRefs checks the product, NCR and CAPA a complaint names.
func (tx *Tx) checkComplaintRefs(c *complaint.Complaint) error {
	p := qms.Problems{}
	for _, ref := range []struct {
		field, table, what string
		id                 int64
	}{{"product_id", "products", "product", c.ProductID}, {"ncr_id", "ncrs", "NCR", c.NCRID}, {"capa_id", "capas", "CAPA", c.CAPAID}} {
		if ref.id == 0 {
			continue
		}
		var id int64
		err := tx.QueryRow("SELECT id FROM "+ref.table+" WHERE id = ?", ref.id).Scan(&id)
		if err := invalidRef(p, ref.field, mapError(err, ref.what)); err != nil {
			return err
		}
	}
	return p.Err()
}

// CreateComplaint validates and stores an open complaint, audited.
// Returns invalid.
func (tx *Tx) CreateComplaint(c *complaint.Complaint) error {
	if err := c.Validate(tx.today()); err != nil {
		return err
	}
	if err := tx.checkComplaintRefs(c); err != nil {
		return err
	}
	c.Status, c.ClosedAt, c.VoidedAt, c.VoidReason = complaint.Open, nil, nil, ""
	c.CreatedByID, c.CreatedBy, c.CreatedAt, c.UpdatedAt, c.Version = tx.Actor.UserID, tx.Actor.Name, tx.Now, tx.Now, 1
	var err error
	if c.ID, err = tx.Insert(`INSERT INTO complaints (received_on, customer, customer_ref, product_id, product_text, description, reportable, reportability,
		ncr_id, capa_id, no_capa_reason, status, created_by_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		dateValue(c.ReceivedOn), c.Customer, c.CustomerRef, idArg(c.ProductID), c.ProductText, c.Description, flag01(c.Reportable), c.Reportability,
		idArg(c.NCRID), idArg(c.CAPAID), c.NoCAPAReason, c.Status, c.CreatedByID, c.CreatedBy, tx.Now, tx.Now); err != nil {
		return err
	}
	return tx.Audit(entityComplaint, c.ID, qms.ActionCreate, nil, c, "")
}

// UpdateComplaint changes an open complaint if it is still at version
// expected, audited. Returns invalid, not found or conflict.
func (tx *Tx) UpdateComplaint(c *complaint.Complaint, expected int64, reason string) error {
	before, err := tx.Complaint(c.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This complaint")
	}
	if before.Status != complaint.Open {
		return qms.Errorf(qms.KindConflict, "This complaint is closed and can no longer be changed")
	}
	if err := c.Validate(tx.today()); err != nil {
		return err
	}
	if err := tx.checkComplaintRefs(c); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE complaints SET received_on = ?, customer = ?, customer_ref = ?, product_id = ?, product_text = ?, description = ?,
		reportable = ?, reportability = ?, ncr_id = ?, capa_id = ?, no_capa_reason = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		dateValue(c.ReceivedOn), c.Customer, c.CustomerRef, idArg(c.ProductID), c.ProductText, c.Description, flag01(c.Reportable), c.Reportability,
		idArg(c.NCRID), idArg(c.CAPAID), c.NoCAPAReason, tx.Now, c.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This complaint"); err != nil {
		return err
	}
	after, err := tx.Complaint(c.ID)
	if err != nil {
		return err
	}
	*c = *after
	return tx.Audit(entityComplaint, c.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// CloseComplaint closes an open complaint that has a CAPA or the reason
// why none is needed (complaint.CheckClose), audited. Returns not found,
// invalid or conflict.
func (tx *Tx) CloseComplaint(id, expected int64) (*complaint.Complaint, error) {
	before, err := tx.Complaint(id)
	if err != nil {
		return nil, err
	}
	if err := complaint.CheckClose(before); err != nil {
		return nil, err
	}
	res, err := tx.Exec(`UPDATE complaints SET status = 'closed', closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		tx.Now, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This complaint"); err != nil {
		return nil, err
	}
	after, err := tx.Complaint(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityComplaint, id, actionClose, before, after, "")
}

// VoidComplaint voids a complaint with a reason. Returns invalid, not
// found or conflict.
func (tx *Tx) VoidComplaint(id, expected int64, reason string) error {
	return voidRecord(tx, "complaints", entityComplaint, "This complaint", id, expected, reason, tx.Complaint,
		func(c *complaint.Complaint) bool { return c.VoidedAt != nil })
}

// checkComplaintSource checks the complaint reference of a CAPA source:
// a complaint number (CMP-00012) must name a recorded complaint, not
// voided; in ISO 13485 mode every complaint reference must be such a
// number (complaints are records there), otherwise a customer's own
// reference (an RMA number) is accepted as it is.
func (tx *Tx) checkComplaintSource(p qms.Problems, field, ref string) error {
	id, ok := complaint.ParseNumber(ref)
	if !ok {
		mode, err := tx.ISO13485Mode()
		if err != nil {
			return err
		}
		if mode {
			p.Add(field, "must be the number of a recorded complaint, such as CMP-00012 (ISO 13485 mode)")
		}
		return nil
	}
	c, err := tx.Complaint(id)
	if qms.ErrorKind(err) == qms.KindNotFound || err == nil && c.VoidedAt != nil {
		p.Add(field, "names no recorded complaint: "+complaint.Number(id)+" does not exist or is voided")
		return nil
	}
	return err
}

func flag01(b bool) int {
	if b {
		return 1
	}
	return 0
}
