package store

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qaudit"
	"qms/internal/qms"
)

// Follow-up of audit findings: an open nonconformity raises an NCR
// (source internal or supplier audit) or a CAPA (a supplier corrective
// action request for a supplier audit) linked to it; its due date may be
// moved with a reason; it is closed with a verification note once its
// NCR and CAPA are closed, and the audit closes with its last open
// finding.

// openFinding reads a finding of a completed audit for a change by a
// manager (qaudit.CanManage) at the expected version.
func (tx *Tx) openFinding(id, expected int64, what string) (*qaudit.AuditFinding, *qaudit.QualityAudit, error) {
	if !qaudit.CanManage(tx.Actor) {
		return nil, nil, qaudit.Forbidden(what + ": a quality manager does")
	}
	f, err := tx.AuditFinding(id)
	if err != nil {
		return nil, nil, err
	}
	if f.Version != expected {
		return nil, nil, qms.Errorf(qms.KindConflict, "%s was changed by someone else since you opened it; reload it and apply your change again", f.Number())
	}
	if f.Status != qaudit.FindingOpen {
		return nil, nil, qms.Errorf(qms.KindConflict, "%s is %s; only open nonconformities are followed up", f.Number(), strings.ToLower(f.Status.Label()))
	}
	a, err := tx.QualityAudit(f.AuditID)
	if err != nil {
		return nil, nil, err
	}
	return f, a, nil
}

// writeFinding stores a changed finding at its version, audited.
func (tx *Tx) writeFinding(before, f *qaudit.AuditFinding, action, reason string) error {
	res, err := tx.Exec(`UPDATE audit_findings SET status = ?, due_on = ?, ncr_id = ?, capa_id = ?, closure_note = ?, closed_by_id = ?, closed_by = ?,
		closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		f.Status, dateValue(f.DueOn), idArg(f.NCRID), idArg(f.CAPAID), f.ClosureNote, f.ClosedByID, f.ClosedBy, f.ClosedAt, tx.Now, f.ID, before.Version)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, f.Number()); err != nil {
		return err
	}
	after, err := tx.AuditFinding(f.ID)
	if err != nil {
		return err
	}
	*f = *after
	return tx.Audit(entityAuditFinding, f.ID, action, before, after, reason)
}

// findingTitle is the title of an NCR or CAPA raised from a finding.
func findingTitle(f *qaudit.AuditFinding, a *qaudit.QualityAudit) string {
	t := fmt.Sprintf("%s (%s, %s): %s", f.Number(), a.Number(), f.Clause, f.Question)
	if utf8.RuneCountInString(t) > ncr.MaxTitleLen {
		r := []rune(t)
		t = string(r[:ncr.MaxTitleLen-1]) + "…"
	}
	return t
}

func findingSeverity(g qaudit.Grade) inspection.DefectClass {
	if g == qaudit.GradeMajor {
		return inspection.Major
	}
	return inspection.Minor
}

// RaiseFindingNCR raises an NCR from an open nonconformity (a manager;
// the NCR's own rules apply too) at the finding's expected version: source
// internal or supplier audit, the audit's supplier and site, the clause
// and question as the requirement, the evidence as what was found, linked
// both ways (the NCR's audit reference, the finding's NCR), audited.
// Returns forbidden, not found or conflict (the finding is not open or has
// an active NCR already).
func (tx *Tx) RaiseFindingNCR(findingID, expected int64) (*ncr.NCR, error) {
	f, a, err := tx.openFinding(findingID, expected, "raise NCRs from findings")
	if err != nil {
		return nil, err
	}
	if f.NCRID != 0 {
		if cur, err := tx.NCR(f.NCRID); err != nil || cur.Status != ncr.StatusVoided {
			return nil, qms.Errorf(qms.KindConflict, "%s has %s already", f.Number(), ncr.Number(f.NCRID))
		}
	}
	n := &ncr.NCR{Source: ncr.SourceInternalAudit, Title: findingTitle(f, a), Severity: findingSeverity(f.Grade),
		SupplierID: a.SupplierID, SiteID: a.SiteID, AuditRef: a.Number() + " " + f.Number(),
		Requirement: a.Criteria + " " + f.Clause + ": " + f.Question, Found: f.Evidence, DetectedOn: a.CompletedOn, QuantityAffected: 1}
	if a.Type == qaudit.TypeSupplier {
		n.Source = ncr.SourceSupplierAudit
	}
	if n.DetectedOn.IsZero() {
		n.DetectedOn = tx.today()
	}
	if err := tx.CreateNCR(n); err != nil {
		return nil, err
	}
	before := *f
	f.NCRID = n.ID
	return n, tx.writeFinding(&before, f, actionRaiseNCR, "")
}

// RaiseFindingCAPA opens a corrective action for an open nonconformity (a
// manager; the CAPA's own rules apply too) at the finding's expected
// version: a supplier corrective action request to the audited supplier
// for a supplier audit, an internal CAPA otherwise, owned by ownerID,
// answering the finding (source audit_finding, its number), linked back,
// audited. Returns forbidden, not found, invalid (no owner) or conflict.
func (tx *Tx) RaiseFindingCAPA(findingID, expected, ownerID int64) (*capa.CAPA, error) {
	f, a, err := tx.openFinding(findingID, expected, "open CAPAs from findings")
	if err != nil {
		return nil, err
	}
	if f.CAPAID != 0 {
		if cur, err := tx.CAPA(f.CAPAID); err != nil || cur.Status != capa.StatusCancelled {
			return nil, qms.Errorf(qms.KindConflict, "%s has a CAPA already (id %d)", f.Number(), f.CAPAID)
		}
	}
	owner, err := tx.User(ownerID)
	if err != nil || ownerID <= 0 {
		return nil, qms.Problems{"owner_id": "is required: the buyer's person responsible for the corrective action"}.Err()
	}
	if owner.Role == qms.RoleSupplier || owner.Disabled {
		return nil, qms.Problems{"owner_id": owner.Name + " cannot own a CAPA: choose a member of your own staff"}.Err()
	}
	c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: findingTitle(f, a), Severity: findingSeverity(f.Grade),
		OwnerID: owner.ID, Owner: owner.Name, Sources: []capa.Source{{Kind: capa.SourceAuditFinding, Ref: f.Number()}}}
	if a.Type == qaudit.TypeSupplier {
		c.Kind, c.SupplierID, c.SiteID = capa.KindSupplier, a.SupplierID, a.SiteID
	}
	if f.NCRID != 0 {
		c.Sources = append(c.Sources, capa.Source{Kind: capa.SourceNCR, NCRID: f.NCRID})
	}
	if err := tx.OpenCAPA(c); err != nil {
		return nil, err
	}
	before := *f
	f.CAPAID = c.ID
	return c, tx.writeFinding(&before, f, actionRaiseCAPA, "")
}

// SetFindingDue moves the due date of an open nonconformity with a reason
// (a manager), audited. Returns forbidden, not found, invalid or conflict.
func (tx *Tx) SetFindingDue(findingID, expected int64, due qms.Date, reason string) (*qaudit.AuditFinding, error) {
	f, _, err := tx.openFinding(findingID, expected, "move due dates of findings")
	if err != nil {
		return nil, err
	}
	p := qms.Problems{}
	reason = strings.TrimSpace(reason)
	qms.CheckText(p, "reason", reason, qaudit.MaxReasonLen)
	if reason == "" {
		p.Add("reason", "is required: say why the due date moves")
	}
	if due.IsZero() {
		p.Add("due_on", "is required")
	} else if due.Before(tx.today()) {
		p.Add("due_on", "is in the past")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	before := *f
	f.DueOn = due
	return f, tx.writeFinding(&before, f, actionDueDate, reason)
}

// CloseFinding closes an open nonconformity with the note saying how its
// correction and corrective action were verified (a manager), audited:
// its NCR and CAPA must be closed (a voided NCR or cancelled CAPA does not
// count), a major one needs one of them. When it was the audit's last
// open finding, the audit closes too. Returns forbidden, not found,
// invalid or conflict.
func (tx *Tx) CloseFinding(findingID, expected int64, note string) (*qaudit.AuditFinding, error) {
	f, a, err := tx.openFinding(findingID, expected, "close findings")
	if err != nil {
		return nil, err
	}
	check := *f
	var stillOpen []string
	if f.NCRID != 0 {
		n, err := tx.NCR(f.NCRID)
		if err != nil {
			return nil, err
		}
		switch {
		case n.Status == ncr.StatusVoided:
			check.NCRID = 0
		case n.Status != ncr.StatusClosed:
			stillOpen = append(stillOpen, n.Number())
		}
	}
	if f.CAPAID != 0 {
		c, err := tx.CAPA(f.CAPAID)
		if err != nil {
			return nil, err
		}
		switch {
		case c.Status == capa.StatusCancelled:
			check.CAPAID = 0
		case c.Status != capa.StatusClosed:
			stillOpen = append(stillOpen, c.Number())
		}
	}
	if err := qaudit.CheckCloseFinding(&check, note, stillOpen); err != nil {
		return nil, err
	}
	before := *f
	now := tx.Now
	f.Status, f.ClosureNote, f.ClosedByID, f.ClosedBy, f.ClosedAt = qaudit.FindingClosed, strings.TrimSpace(note), tx.Actor.UserID, tx.Actor.Name, &now
	if err := tx.writeFinding(&before, f, "close", ""); err != nil {
		return nil, err
	}
	all, err := tx.AuditFindings(a.ID)
	if err != nil {
		return nil, err
	}
	if a.Status == qaudit.StatusCompleted && qaudit.AllClosed(all) {
		if _, err := tx.closeAudit(a); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// checkFindingRef checks a CAPA source that names an audit finding by its
// number (AF-00042): the finding exists and, when the CAPA names a
// supplier, is from an audit of that supplier. Other references (an
// external auditor's finding number) are kept as given.
func (tx *Tx) checkFindingRef(p qms.Problems, field, ref string, supplierID int64) error {
	id, ok := qaudit.ParseFindingNumber(ref)
	if !ok {
		return nil
	}
	f, err := tx.AuditFinding(id)
	if err := invalidRef(p, field, err); err != nil {
		return err
	}
	if f != nil && supplierID > 0 && f.SupplierID != 0 && f.SupplierID != supplierID {
		p.Add(field, "is a finding of an audit of another supplier")
	}
	return nil
}
