package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
)

// Nonconformance reports: raising (also from a failed inspection, linked
// back to it), editing the report, the disposition and its Material Review
// Board approvals (electronic signatures, signature.go), the lifecycle
// moves, the cost of poor quality, containment actions, and the check the
// inspection decision makes before a lot with an open NCR is released.
// Every change is audited in its transaction and enqueues an ncr.event job
// for the notifications; nothing is deleted (an NCR is voided with a
// reason).

// Audit entity types and actions of NCRs.
const (
	entityNCR          = "ncr"
	entityNCRAction    = "ncr_action"
	actionDisposition  = "set_disposition"
	actionMRBApprove   = "mrb_approve"
	actionCost         = "cost"
	actionFinishAction = "finish"
)

const ncrColumns = `id, source, status, title, severity, supplier_id, site_id, product_id, spec_id, inspection_id, po_number, lot_ref,
	complaint_ref, audit_ref, requirement, found, detected_on, quantity_inspected, quantity_affected, cause_category, disposition, mrb,
	currency, cost_scrap, cost_rework, cost_sorting, cost_freight, cost_other, charged_back, status_reason, verification,
	contained_at, dispositioned_at, verified_at, closed_at, voided_at, created_by_id, created_by, created_at, updated_at, version`

func scanNCR(sc scanner, n *ncr.NCR) error {
	var sup, site, prod, spec, insp sql.NullInt64
	var disp, mrb string
	var contained, dispositioned, verified, closed, voided sql.NullTime
	if err := sc.Scan(&n.ID, &n.Source, &n.Status, &n.Title, &n.Severity, &sup, &site, &prod, &spec, &insp, &n.PONumber, &n.LotRef,
		&n.ComplaintRef, &n.AuditRef, &n.Requirement, &n.Found, dateDest{&n.DetectedOn}, &n.QuantityInspected, &n.QuantityAffected,
		&n.CauseCategory, &disp, &mrb, &n.Cost.Currency, &n.Cost.Scrap, &n.Cost.Rework, &n.Cost.Sorting, &n.Cost.Freight, &n.Cost.Other,
		&n.Cost.ChargedBack, &n.StatusReason, &n.Verification, &contained, &dispositioned, &verified, &closed, &voided,
		&n.CreatedByID, &n.CreatedBy, &n.CreatedAt, &n.UpdatedAt, &n.Version); err != nil {
		return err
	}
	n.SupplierID, n.SiteID, n.ProductID, n.SpecID, n.InspectionID = sup.Int64, site.Int64, prod.Int64, spec.Int64, insp.Int64
	n.ContainedAt, n.DispositionedAt, n.VerifiedAt = nullTime(contained), nullTime(dispositioned), nullTime(verified)
	n.ClosedAt, n.VoidedAt = nullTime(closed), nullTime(voided)
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	n.Disposition, n.MRB, n.Defects, n.Actions = []ncr.DispositionLine{}, []ncr.Approval{}, []ncr.Defect{}, []ncr.Action{}
	if err := json.Unmarshal([]byte(disp), &n.Disposition); err != nil {
		return fmt.Errorf("NCR %d disposition: %w", n.ID, err)
	}
	if err := json.Unmarshal([]byte(mrb), &n.MRB); err != nil {
		return fmt.Errorf("NCR %d MRB approvals: %w", n.ID, err)
	}
	return nil
}

// idArg is the query argument of an optional reference: NULL for 0.
func idArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// NCR returns an NCR with its defects and containment actions. Returns not
// found.
func (tx *Tx) NCR(id int64) (*ncr.NCR, error) { return tx.loadNCR(id, false) }

// ncrForUpdate reads an NCR and locks its row on PostgreSQL.
func (tx *Tx) ncrForUpdate(id int64) (*ncr.NCR, error) { return tx.loadNCR(id, true) }

func (tx *Tx) loadNCR(id int64, lock bool) (*ncr.NCR, error) {
	q := "SELECT " + ncrColumns + " FROM ncrs WHERE id = ?"
	if lock && tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var n ncr.NCR
	if err := scanNCR(tx.QueryRow(q, id), &n); err != nil {
		return nil, mapError(err, "NCR")
	}
	var err error
	if n.Defects, err = tx.ncrDefects(id); err != nil {
		return nil, err
	}
	if n.Actions, err = tx.NCRActions(id); err != nil {
		return nil, err
	}
	return &n, nil
}

func (tx *Tx) ncrDefects(id int64) ([]ncr.Defect, error) {
	return scanAllTx(tx, "SELECT code, description, class, quantity, characteristic, photos FROM ncr_defects WHERE ncr_id = ? ORDER BY line",
		[]any{id}, func(sc scanner, d *ncr.Defect) error {
			var photos string
			if err := sc.Scan(&d.Code, &d.Description, &d.Class, &d.Quantity, &d.Characteristic, &photos); err != nil {
				return err
			}
			return json.Unmarshal([]byte(photos), &d.Photos)
		})
}

func (tx *Tx) writeNCRDefects(id int64, ds []ncr.Defect) error {
	if _, err := tx.Exec("DELETE FROM ncr_defects WHERE ncr_id = ?", id); err != nil {
		return err
	}
	for i, d := range ds {
		photos := d.Photos
		if photos == nil {
			photos = []int64{}
		}
		if _, err := tx.Exec(`INSERT INTO ncr_defects (ncr_id, line, code, description, class, quantity, characteristic, photos)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, d.Code, d.Description, d.Class, d.Quantity, d.Characteristic, encodeJSON(photos)); err != nil {
			return err
		}
	}
	return nil
}

// checkNCRRefs checks the records an NCR links: they exist, the site is
// the supplier's, the spec revision the product's, the inspection of that
// supplier, product and site.
func (tx *Tx) checkNCRRefs(n *ncr.NCR) error {
	p := qms.Problems{}
	if n.SupplierID > 0 {
		if _, err := tx.Supplier(n.SupplierID); err != nil {
			if err := invalidRef(p, "supplier_id", err); err != nil {
				return err
			}
		}
	}
	if n.SiteID > 0 {
		site, err := tx.Site(n.SiteID)
		if err := invalidRef(p, "site_id", err); err != nil {
			return err
		}
		if site != nil && site.SupplierID != n.SupplierID {
			p.Add("site_id", "is a site of another supplier")
		}
	}
	if n.ProductID > 0 {
		if _, err := tx.Product(n.ProductID); err != nil {
			if err := invalidRef(p, "product_id", err); err != nil {
				return err
			}
		}
	}
	if n.SpecID > 0 {
		spec, err := tx.Spec(n.SpecID)
		if err := invalidRef(p, "spec_id", err); err != nil {
			return err
		}
		if spec != nil && spec.ProductID != n.ProductID {
			p.Add("spec_id", "is a spec of another product")
		}
	}
	if n.InspectionID > 0 {
		in, err := tx.Inspection(n.InspectionID)
		if err := invalidRef(p, "inspection_id", err); err != nil {
			return err
		}
		if in != nil && (in.SupplierID != n.SupplierID || in.ProductID != n.ProductID || in.SiteID != n.SiteID) {
			p.Add("inspection_id", "is an inspection of another supplier, site or product")
		}
	}
	return p.Err()
}

// CreateNCR raises an NCR (ncr.CheckCreate: quality staff), audited, with
// its defects; it starts open, without disposition, approvals or cost.
// Returns forbidden, invalid (including unknown or mismatched links) or
// conflict (a second NCR for one inspection).
func (tx *Tx) CreateNCR(n *ncr.NCR) error {
	if err := ncr.CheckCreate(tx.Actor, n); err != nil {
		return err
	}
	if err := tx.checkNCRRefs(n); err != nil {
		return err
	}
	n.Status, n.Disposition, n.MRB, n.Cost, n.Actions = ncr.StatusOpen, []ncr.DispositionLine{}, []ncr.Approval{}, ncr.Cost{}, []ncr.Action{}
	n.StatusReason, n.Verification = "", ""
	n.ContainedAt, n.DispositionedAt, n.VerifiedAt, n.ClosedAt, n.VoidedAt = nil, nil, nil, nil, nil
	n.CreatedByID, n.CreatedBy, n.CreatedAt, n.UpdatedAt, n.Version = tx.Actor.UserID, tx.Actor.Name, tx.Now, tx.Now, 1
	id, err := tx.Insert(`INSERT INTO ncrs (source, status, title, severity, supplier_id, site_id, product_id, spec_id, inspection_id, po_number,
		lot_ref, complaint_ref, audit_ref, requirement, found, detected_on, quantity_inspected, quantity_affected, cause_category,
		created_by_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Source, n.Status, n.Title, n.Severity, idArg(n.SupplierID), idArg(n.SiteID), idArg(n.ProductID), idArg(n.SpecID), idArg(n.InspectionID),
		n.PONumber, n.LotRef, n.ComplaintRef, n.AuditRef, n.Requirement, n.Found, dateValue(n.DetectedOn), n.QuantityInspected,
		n.QuantityAffected, n.CauseCategory, n.CreatedByID, n.CreatedBy, n.CreatedAt, n.UpdatedAt)
	if err != nil {
		return mapError(err, "an NCR for this inspection")
	}
	n.ID = id
	if err := tx.writeNCRDefects(id, n.Defects); err != nil {
		return err
	}
	if err := tx.Audit(entityNCR, id, qms.ActionCreate, nil, n, ""); err != nil {
		return err
	}
	return tx.ncrEvent(ncr.EventRaised, n, "")
}

// RaiseNCRFromInspection raises the NCR of a failed (or pending) submitted
// or decided inspection from what it reports (inspection.SeedNCR,
// ncr.FromInspection: its data and defects) and links it back to the
// inspection, both audited. Returns forbidden, not found or conflict (the
// inspection passed, is not submitted, or has an NCR already).
func (tx *Tx) RaiseNCRFromInspection(inspectionID int64) (*ncr.NCR, error) {
	if !qms.CanEditQualityRecords(tx.Actor) {
		return nil, qms.Errorf(qms.KindForbidden, "your role may not raise NCRs")
	}
	seed, err := tx.NCRSeed(inspectionID)
	if err != nil {
		return nil, err
	}
	n := ncr.FromInspection(seed, tx.today())
	if err := tx.CreateNCR(n); err != nil {
		return nil, err
	}
	if err := tx.LinkNCR(inspectionID, n.ID); err != nil {
		return nil, err
	}
	return n, nil
}

// writeNCR stores every mutable column of n if its version is still
// expected, and bumps the version. what names the record in a conflict.
func (tx *Tx) writeNCR(n *ncr.NCR, expected int64) error {
	res, err := tx.Exec(`UPDATE ncrs SET source = ?, status = ?, title = ?, severity = ?, supplier_id = ?, site_id = ?, product_id = ?, spec_id = ?,
		inspection_id = ?, po_number = ?, lot_ref = ?, complaint_ref = ?, audit_ref = ?, requirement = ?, found = ?, detected_on = ?,
		quantity_inspected = ?, quantity_affected = ?, cause_category = ?, disposition = ?, mrb = ?, currency = ?, cost_scrap = ?, cost_rework = ?,
		cost_sorting = ?, cost_freight = ?, cost_other = ?, cost_total = ?, charged_back = ?, status_reason = ?, verification = ?, contained_at = ?,
		dispositioned_at = ?, verified_at = ?, closed_at = ?, voided_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		n.Source, n.Status, n.Title, n.Severity, idArg(n.SupplierID), idArg(n.SiteID), idArg(n.ProductID), idArg(n.SpecID), idArg(n.InspectionID),
		n.PONumber, n.LotRef, n.ComplaintRef, n.AuditRef, n.Requirement, n.Found, dateValue(n.DetectedOn), n.QuantityInspected, n.QuantityAffected,
		n.CauseCategory, encodeJSON(n.Disposition), encodeJSON(n.MRB), n.Cost.Currency, n.Cost.Scrap, n.Cost.Rework, n.Cost.Sorting, n.Cost.Freight,
		n.Cost.Other, n.Cost.Total(), n.Cost.ChargedBack, n.StatusReason, n.Verification, n.ContainedAt, n.DispositionedAt, n.VerifiedAt,
		n.ClosedAt, n.VoidedAt, tx.Now, n.ID, expected)
	if err != nil {
		return mapError(err, "an NCR for this inspection")
	}
	return CheckVersion(res, "This NCR")
}

// changeNCR applies change to the NCR (read and locked) if its version is
// still expected, stores it, and audits it with action and the reason
// change returns. change runs the domain check and mutates the NCR.
func (tx *Tx) changeNCR(id, expected int64, action string, change func(n *ncr.NCR) (string, error)) (*ncr.NCR, error) {
	before, err := tx.ncrForUpdate(id)
	if err != nil {
		return nil, err
	}
	n := cloneNCR(before)
	reason, err := change(n)
	if err != nil {
		return nil, err
	}
	if before.Version != expected {
		return nil, qms.Errorf(qms.KindConflict, "This NCR was changed by someone else since you opened it; reload it and apply your change again")
	}
	if err := tx.writeNCR(n, expected); err != nil {
		return nil, err
	}
	if !slices.EqualFunc(before.Defects, n.Defects, sameDefect) {
		if err := tx.writeNCRDefects(id, n.Defects); err != nil {
			return nil, err
		}
	}
	after, err := tx.NCR(id)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityNCR, id, action, before, after, reason)
}

func sameDefect(a, b ncr.Defect) bool {
	return a.Code == b.Code && a.Description == b.Description && a.Class == b.Class && a.Quantity == b.Quantity &&
		a.Characteristic == b.Characteristic && slices.Equal(a.Photos, b.Photos)
}

func cloneNCR(n *ncr.NCR) *ncr.NCR {
	c := *n
	c.Defects = slices.Clone(n.Defects)
	c.Disposition = slices.Clone(n.Disposition)
	c.MRB = slices.Clone(n.MRB)
	c.Actions = slices.Clone(n.Actions)
	return &c
}

// dispositionHash is the hash of what an MRB approval signs.
func dispositionHash(n *ncr.NCR) (string, error) {
	return esign.Hash(esign.NCRDisposition, esign.NCRDispositionContent(n))
}

// clearStaleApprovals drops the MRB approvals when what they signed
// changed between before and after: a changed report or disposition needs
// new approvals (the old signatures stay, no longer matching).
func clearStaleApprovals(before, after *ncr.NCR) error {
	if len(after.MRB) == 0 {
		return nil
	}
	h1, err := dispositionHash(before)
	if err != nil {
		return err
	}
	h2, err := dispositionHash(after)
	if err != nil {
		return err
	}
	if h1 != h2 {
		after.MRB = []ncr.Approval{}
	}
	return nil
}

// UpdateNCR changes the report of an open or contained NCR (ncr.CheckEdit:
// quality staff) if its version is still expected: links, requirement,
// finding, quantities, severity, defects, cause category. The source and
// the inspection link stay. A change of what the MRB approvals signed
// drops them. Audited with the reason. Returns forbidden, invalid, not
// found or conflict.
func (tx *Tx) UpdateNCR(n *ncr.NCR, expected int64, reason string) error {
	after, err := tx.changeNCR(n.ID, expected, qms.ActionUpdate, func(cur *ncr.NCR) (string, error) {
		if err := ncr.CheckEdit(tx.Actor, cur); err != nil {
			return "", err
		}
		in := *n
		in.Source, in.InspectionID = cur.Source, cur.InspectionID
		if err := in.Validate(); err != nil {
			return "", err
		}
		if err := tx.checkNCRRefs(&in); err != nil {
			return "", err
		}
		before := cloneNCR(cur)
		cur.Title, cur.Severity, cur.SupplierID, cur.SiteID, cur.ProductID, cur.SpecID = in.Title, in.Severity, in.SupplierID, in.SiteID, in.ProductID, in.SpecID
		cur.PONumber, cur.LotRef, cur.ComplaintRef, cur.AuditRef = in.PONumber, in.LotRef, in.ComplaintRef, in.AuditRef
		cur.Requirement, cur.Found, cur.DetectedOn = in.Requirement, in.Found, in.DetectedOn
		cur.QuantityInspected, cur.QuantityAffected, cur.Defects, cur.CauseCategory = in.QuantityInspected, in.QuantityAffected, in.Defects, in.CauseCategory
		return strings.TrimSpace(reason), clearStaleApprovals(before, cur)
	})
	if err != nil {
		return err
	}
	*n = *after
	return tx.ncrEvent(ncr.EventUpdated, after, "")
}

// SetNCRDisposition proposes the disposition lines of an open or contained
// NCR (ncr.CheckSetDisposition: quality staff; the quantities must add up
// to the affected quantity) if its version is still expected, audited.
// Changed lines drop the MRB approvals of the old ones. Returns forbidden,
// invalid, not found or conflict.
func (tx *Tx) SetNCRDisposition(id, expected int64, lines []ncr.DispositionLine, reason string) (*ncr.NCR, error) {
	lines = slices.Clone(lines)
	n, err := tx.changeNCR(id, expected, actionDisposition, func(cur *ncr.NCR) (string, error) {
		if err := ncr.CheckSetDisposition(tx.Actor, cur, lines); err != nil {
			return "", err
		}
		before := cloneNCR(cur)
		cur.Disposition = lines
		return strings.TrimSpace(reason), clearStaleApprovals(before, cur)
	})
	if err != nil {
		return nil, err
	}
	return n, tx.ncrEvent(ncr.EventDisposition, n, "")
}

// ApproveNCRDisposition adds the actor's Material Review Board approval to
// the NCR's current disposition if its version is still expected: an
// electronic signature meaning "approved" over the disposition's canonical
// content, stored and audited, and the approval recorded on the NCR
// (ncr.CheckMRBApproval: a use-as-is or repair disposition that adds up,
// two different approvers, one of them a quality manager). The caller has
// re-authenticated the actor with a password. Returns forbidden, invalid,
// not found or conflict.
func (tx *Tx) ApproveNCRDisposition(id, expected int64, comment string) (*ncr.NCR, *esign.Signature, error) {
	var sig *esign.Signature
	n, err := tx.changeNCR(id, expected, actionMRBApprove, func(cur *ncr.NCR) (string, error) {
		if err := ncr.CheckMRBApproval(tx.Actor, cur); err != nil {
			return "", err
		}
		var err error
		sig, err = tx.sign(esign.Request{RecordType: esign.NCRDisposition, EntityID: id, Meaning: esign.MeaningApproved, Comment: comment},
			esign.NCRDispositionContent(cur))
		if err != nil {
			return "", err
		}
		cur.MRB = append(cur.MRB, ncr.Approval{UserID: tx.Actor.UserID, Name: tx.Actor.Name, Role: tx.Actor.Role, SignatureID: sig.ID, At: tx.Now})
		return sig.Comment, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return n, sig, tx.ncrEvent(ncr.EventMRBApproved, n, "")
}

// MoveNCR makes a lifecycle move (ncr.CheckMove: contain, disposition,
// revise, verify, close, void; each with its role and conditions) if the
// NCR's version is still expected, audited with the reason (the
// verification note for verify). Returns invalid, forbidden, not found or
// conflict.
func (tx *Tx) MoveNCR(id, expected int64, m ncr.Move, reason string) (*ncr.NCR, error) {
	n, err := tx.changeNCR(id, expected, string(m), func(cur *ncr.NCR) (string, error) {
		to, r, err := ncr.CheckMove(tx.Actor, cur, m, reason)
		if err != nil {
			return "", err
		}
		now := tx.Now
		cur.Status = to
		switch m {
		case ncr.MoveContain:
			cur.ContainedAt = &now
		case ncr.MoveDisposition:
			cur.DispositionedAt = &now
		case ncr.MoveRevise:
			cur.DispositionedAt, cur.StatusReason = nil, r
		case ncr.MoveVerify:
			cur.VerifiedAt, cur.Verification = &now, r
		case ncr.MoveClose:
			cur.ClosedAt = &now
		case ncr.MoveVoid:
			cur.VoidedAt, cur.StatusReason = &now, r
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	return n, tx.ncrEvent(ncr.EventMoved, n, m)
}

// SetNCRCost records the cost of poor quality and the amount charged back
// (ncr.CheckCost: quality staff, until the NCR is closed or voided) if its
// version is still expected, audited. Returns forbidden, invalid, not
// found or conflict.
func (tx *Tx) SetNCRCost(id, expected int64, c ncr.Cost, reason string) (*ncr.NCR, error) {
	n, err := tx.changeNCR(id, expected, actionCost, func(cur *ncr.NCR) (string, error) {
		if err := ncr.CheckCost(tx.Actor, cur, &c); err != nil {
			return "", err
		}
		cur.Cost = c
		return strings.TrimSpace(reason), nil
	})
	if err != nil {
		return nil, err
	}
	return n, tx.ncrEvent(ncr.EventCostRecorded, n, "")
}

// ncrEvent enqueues the ncr.event job of a change.
func (tx *Tx) ncrEvent(t string, n *ncr.NCR, m ncr.Move) error {
	_, _, err := tx.Enqueue(JobSpec{Kind: ncr.JobEvent, Payload: ncr.NewEvent(t, n, m, tx.Actor.UserID, tx.Actor.Name)})
	return err
}

// ---- Containment actions ----

const ncrActionColumns = `id, ncr_id, kind, description, owner_user_id, owner_name, due_on, status, result, done_at, done_by_id, done_by,
	created_at, updated_at, version`

func scanNCRAction(sc scanner, a *ncr.Action) error {
	var owner sql.NullInt64
	var done sql.NullTime
	if err := sc.Scan(&a.ID, &a.NCRID, &a.Kind, &a.Description, &owner, &a.OwnerName, dateDest{&a.DueOn}, &a.Status, &a.Result,
		&done, &a.DoneByID, &a.DoneBy, &a.CreatedAt, &a.UpdatedAt, &a.Version); err != nil {
		return err
	}
	a.OwnerUserID, a.DoneAt = owner.Int64, nullTime(done)
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return nil
}

// NCRActions returns the containment actions of an NCR, oldest first.
func (tx *Tx) NCRActions(ncrID int64) ([]ncr.Action, error) {
	return scanAllTx(tx, "SELECT "+ncrActionColumns+" FROM ncr_actions WHERE ncr_id = ? ORDER BY id", []any{ncrID}, scanNCRAction)
}

// NCRAction returns one containment action. Returns not found.
func (tx *Tx) NCRAction(id int64) (*ncr.Action, error) {
	var a ncr.Action
	if err := scanNCRAction(tx.QueryRow("SELECT "+ncrActionColumns+" FROM ncr_actions WHERE id = ?", id), &a); err != nil {
		return nil, mapError(err, "containment action")
	}
	return &a, nil
}

// AddNCRAction adds a containment action to an NCR (ncr.CheckAddAction:
// quality staff, while the NCR is active), audited, and enqueues the job
// that reports it overdue the day after its due date. Returns forbidden,
// invalid, not found or conflict.
func (tx *Tx) AddNCRAction(a *ncr.Action) error {
	n, err := tx.ncrForUpdate(a.NCRID)
	if err != nil {
		return err
	}
	if err := ncr.CheckAddAction(tx.Actor, n, a); err != nil {
		return err
	}
	if a.OwnerUserID > 0 {
		if _, err := tx.User(a.OwnerUserID); err != nil {
			p := qms.Problems{}
			if err := invalidRef(p, "owner_user_id", err); err != nil {
				return err
			}
			return p.Err()
		}
	}
	a.Status, a.Result, a.DoneAt, a.DoneByID, a.DoneBy = ncr.ActionOpen, "", nil, 0, ""
	a.CreatedAt, a.UpdatedAt, a.Version = tx.Now, tx.Now, 1
	if a.ID, err = tx.Insert(`INSERT INTO ncr_actions (ncr_id, kind, description, owner_user_id, owner_name, due_on, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.NCRID, a.Kind, a.Description, idArg(a.OwnerUserID), a.OwnerName, dateValue(a.DueOn),
		a.Status, a.CreatedAt, a.UpdatedAt); err != nil {
		return err
	}
	if err := tx.Audit(entityNCRAction, a.ID, qms.ActionCreate, nil, a, ""); err != nil {
		return err
	}
	if _, _, err := tx.Enqueue(JobSpec{Kind: ncr.JobActionOverdue, UniqueKey: fmt.Sprintf("ncr:%d:action:%d:%s:overdue", a.NCRID, a.ID, a.DueOn),
		RunAfter: a.DueOn.AddDate(0, 0, 1).Time(), Payload: ncr.ActionJob{NCRID: a.NCRID, ActionID: a.ID, DueOn: a.DueOn}}); err != nil {
		return err
	}
	return tx.ncrEvent(ncr.EventActionAdded, n, "")
}

// FinishNCRAction marks a containment action done (result: what was done
// and how it was verified) or cancelled (result: why) if its version is
// still expected (ncr.CheckFinishAction: quality staff or its internal
// owner, on an active NCR), audited. Returns forbidden, invalid, not found
// or conflict.
func (tx *Tx) FinishNCRAction(id, expected int64, to ncr.ActionStatus, result string) (*ncr.Action, error) {
	before, err := tx.NCRAction(id)
	if err != nil {
		return nil, err
	}
	n, err := tx.ncrForUpdate(before.NCRID)
	if err != nil {
		return nil, err
	}
	if result, err = ncr.CheckFinishAction(tx.Actor, n, before, to, result); err != nil {
		return nil, err
	}
	res, err := tx.Exec(`UPDATE ncr_actions SET status = ?, result = ?, done_at = ?, done_by_id = ?, done_by = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, to, result, tx.Now, tx.Actor.UserID, tx.Actor.Name, tx.Now, id, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This containment action"); err != nil {
		return nil, err
	}
	after, err := tx.NCRAction(id)
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(entityNCRAction, id, actionFinishAction, before, after, result); err != nil {
		return nil, err
	}
	return after, tx.ncrEvent(ncr.EventActionDone, n, "")
}

// ---- Lists and the lot release check ----

// NCRFilter selects NCRs. Zero fields do not filter.
type NCRFilter struct {
	Status       ncr.Status
	Active       bool // only open, contained, dispositioned or verified
	SupplierID   int64
	ProductID    int64
	InspectionID int64
	Before       int64 // the cursor: only NCRs with a smaller id
	Limit        int   // at most MaxPageSize (default 50)
}

// ListNCRs returns NCRs matching f (without defects and actions), newest
// first, and the cursor of the next page (0 when none).
func (tx *Tx) ListNCRs(f NCRFilter) ([]ncr.NCR, int64, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Active {
		where = append(where, "status NOT IN ('closed', 'voided')")
	}
	if f.SupplierID > 0 {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.ProductID > 0 {
		add("product_id = ?", f.ProductID)
	}
	if f.InspectionID > 0 {
		add("inspection_id = ?", f.InspectionID)
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	q := "SELECT " + ncrColumns + " FROM ncrs"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, q+" ORDER BY id DESC LIMIT ?", append(args, limit+1), scanNCR)
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

// CheckLotRelease is the check the inspection decision makes before it
// releases a lot (a release, a concession or an approval): every NCR
// raised from the inspection, or from the inspection it re-inspects after
// rework (and so on back), must allow it (ncr.CheckLotRelease: not while
// open or contained; once dispositioned, only when some units are
// dispositioned to go on). Returns conflict naming the NCR.
func (tx *Tx) CheckLotRelease(in *inspection.Inspection) error {
	ids := []any{in.ID}
	for prev, n := in.ResubmissionOf, 0; prev != nil && n < 100; n++ {
		ids = append(ids, *prev)
		p, err := tx.Inspection(*prev)
		if err != nil {
			return err
		}
		prev = p.ResubmissionOf
	}
	ncrs, err := scanAllTx(tx, "SELECT "+ncrColumns+" FROM ncrs WHERE inspection_id IN ("+placeholders(len(ids))+") AND status NOT IN ('closed', 'voided') ORDER BY id",
		ids, scanNCR)
	if err != nil {
		return err
	}
	for i := range ncrs {
		if err := ncr.CheckLotRelease(&ncrs[i]); err != nil {
			return err
		}
	}
	return nil
}
