package store

import (
	"database/sql"
	"strings"

	"qms/internal/qaudit"
	"qms/internal/qms"
)

// The audit programme (ISO 19011 §5): one per year, its lines (a process,
// clause or supplier with its risk), and, when read, each line's slots
// (the audits its risk calls for) with their status from the audits that
// carry the line out.

const programmeColumns = "id, year, title, objectives, created_at, updated_at, version"

func scanProgramme(sc scanner, p *qaudit.Programme) error {
	err := sc.Scan(&p.ID, &p.Year, &p.Title, &p.Objectives, &p.CreatedAt, &p.UpdatedAt, &p.Version)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return err
}

const itemColumns = "id, programme_id, subject, process_id, supplier_id, clause, name, risk, audit_type, template_key, notes"

func scanItem(sc scanner, it *qaudit.ProgrammeItem) error {
	var proc, sup sql.NullInt64
	err := sc.Scan(&it.ID, &it.ProgrammeID, &it.Subject, &proc, &sup, &it.Clause, &it.Name, &it.Risk, &it.AuditType, &it.TemplateKey, &it.Notes)
	it.ProcessID, it.SupplierID = proc.Int64, sup.Int64
	return err
}

// AuditProgrammes returns every programme (headers only), latest year
// first.
func (tx *Tx) AuditProgrammes() ([]qaudit.Programme, error) {
	return scanAllTx(tx, "SELECT "+programmeColumns+" FROM audit_programmes ORDER BY year DESC", nil, scanProgramme)
}

// AuditProgramme returns the programme of year with its lines (not
// removed) and their slots on the transaction's day. Returns not found.
func (tx *Tx) AuditProgramme(year int) (*qaudit.Programme, error) {
	var p qaudit.Programme
	if err := scanProgramme(tx.QueryRow("SELECT "+programmeColumns+" FROM audit_programmes WHERE year = ?", year), &p); err != nil {
		return nil, mapError(err, "The audit programme of this year")
	}
	items, err := scanAllTx(tx, "SELECT "+itemColumns+" FROM audit_programme_items WHERE programme_id = ? AND removed_at IS NULL ORDER BY id",
		[]any{p.ID}, scanItem)
	if err != nil {
		return nil, err
	}
	refs := map[int64][]qaudit.AuditRef{}
	type row struct {
		item int64
		ref  qaudit.AuditRef
	}
	rows, err := scanAllTx(tx, `SELECT a.programme_item_id, a.id, a.planned_start, a.status FROM audits a
		JOIN audit_programme_items i ON i.id = a.programme_item_id WHERE i.programme_id = ?`, []any{p.ID},
		func(sc scanner, r *row) error {
			return sc.Scan(&r.item, &r.ref.ID, dateDest{&r.ref.PlannedStart}, &r.ref.Status)
		})
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		refs[r.item] = append(refs[r.item], r.ref)
	}
	today := tx.today()
	for i := range items {
		items[i].Slots = qaudit.Schedule(p.Year, items[i].Risk, refs[items[i].ID], today)
	}
	p.Items = items
	return &p, nil
}

// CreateAuditProgramme creates the programme of a year (qaudit.CanManage),
// audited. Returns forbidden, invalid or conflict (the year has one).
func (tx *Tx) CreateAuditProgramme(p *qaudit.Programme) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("plan audit programmes: a quality manager does")
	}
	if err := p.Validate(); err != nil {
		return err
	}
	id, err := tx.Insert("INSERT INTO audit_programmes (year, title, objectives, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		p.Year, p.Title, p.Objectives, tx.Now, tx.Now)
	if err != nil {
		return mapError(err, "An audit programme for this year")
	}
	p.ID, p.Items, p.CreatedAt, p.UpdatedAt, p.Version = id, []qaudit.ProgrammeItem{}, tx.Now, tx.Now, 1
	return tx.Audit(entityAuditProgramme, id, qms.ActionCreate, nil, p, "")
}

// AddProgrammeItem adds a line to a programme (qaudit.CanManage): the
// supplier and template must exist; the name is filled from the supplier
// or clause when empty. Audited on the programme. Returns forbidden,
// not found (the programme) or invalid.
func (tx *Tx) AddProgrammeItem(it *qaudit.ProgrammeItem) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("plan audit programmes: a quality manager does")
	}
	var year int
	if err := tx.QueryRow("SELECT year FROM audit_programmes WHERE id = ?", it.ProgrammeID).Scan(&year); err != nil {
		return mapError(err, "Audit programme")
	}
	p, err := problemsOf(it.Validate())
	if err != nil {
		return err
	}
	if it.SupplierID > 0 {
		s, err := tx.Supplier(it.SupplierID)
		if err := invalidRef(p, "supplier_id", err); err != nil {
			return err
		}
		if s != nil && it.Name == "" {
			it.Name = s.DisplayName()
		}
	}
	if it.TemplateKey != "" {
		if _, err := tx.AuditTemplate(it.TemplateKey); err != nil {
			if err := invalidRef(p, "template_key", err); err != nil {
				return err
			}
		}
	}
	if it.Name == "" && it.Clause != "" {
		it.Name = "Clause " + it.Clause
	}
	if err := p.Err(); err != nil {
		return err
	}
	it.ID, err = tx.Insert(`INSERT INTO audit_programme_items (programme_id, subject, process_id, supplier_id, clause, name, risk, audit_type, template_key, notes)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ProgrammeID, it.Subject, idArg(it.ProcessID), idArg(it.SupplierID), it.Clause, it.Name, it.Risk,
		it.AuditType, it.TemplateKey, it.Notes)
	if err != nil {
		return err
	}
	return tx.Audit(entityAuditProgramme, it.ProgrammeID, actionAddItem, nil, it, "")
}

// RemoveProgrammeItem takes a line off its programme with a reason
// (qaudit.CanManage), audited; audits already planned for it keep their
// link. Returns forbidden, not found or invalid.
func (tx *Tx) RemoveProgrammeItem(id int64, reason string) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("plan audit programmes: a quality manager does")
	}
	var it qaudit.ProgrammeItem
	if err := scanItem(tx.QueryRow("SELECT "+itemColumns+" FROM audit_programme_items WHERE id = ? AND removed_at IS NULL", id), &it); err != nil {
		return mapError(err, "Programme line")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return qms.Problems{"reason": "is required: say why the line leaves the programme"}.Err()
	}
	if _, err := tx.Exec("UPDATE audit_programme_items SET removed_at = ? WHERE id = ?", tx.Now, id); err != nil {
		return err
	}
	return tx.Audit(entityAuditProgramme, it.ProgrammeID, actionRemoveItem, it, nil, reason)
}
