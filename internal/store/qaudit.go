package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"qms/internal/qaudit"
	"qms/internal/qms"
)

// Quality audits: the checklist templates users make (the shipped ones are
// embedded in qaudit), audits planned with their checklist copied from a
// template, answered question by question, completed with the report (the
// score and the findings), and the findings followed up until closed,
// which closes the audit. Permissions are checked here with the qaudit
// rules; the auditor-independence rule is checked when an audit is planned
// or its team changes. Every change is audited in its transaction. The
// programme is in qaudit_programme.go, the links to NCRs and CAPAs in
// qaudit_finding.go.

// Audit entity types and actions of quality audits.
const (
	entityQAudit         = "audit"
	entityAuditFinding   = "audit_finding"
	entityAuditTemplate  = "audit_template"
	entityAuditProgramme = "audit_programme"
	actionAnswer         = "answer"
	actionRaiseNCR       = "raise_ncr"
	actionRaiseCAPA      = "raise_capa"
	actionAddItem        = "add_item"
	actionRemoveItem     = "remove_item"
)

// OwnerAudit is the owner type of an audit's photos (blob files).
const OwnerAudit = "audit"

// ---- Templates ----

const auditTemplateColumns = "id, name, standard, description, questions, voided_at, created_by, created_at, updated_at, version"

func scanAuditTemplate(sc scanner, t *qaudit.Template) error {
	var qs string
	var voided sql.NullTime
	if err := sc.Scan(&t.ID, &t.Name, &t.Standard, &t.Description, &qs, &voided, &t.CreatedBy, &t.CreatedAt, &t.UpdatedAt, &t.Version); err != nil {
		return err
	}
	t.Key, t.CreatedAt, t.UpdatedAt = qaudit.CustomKey(t.ID), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	if voided.Valid {
		v := voided.Time.UTC()
		t.VoidedAt = &v
	}
	return json.Unmarshal([]byte(qs), &t.Questions)
}

// AuditTemplates returns the templates to audit with: the shipped ones
// (the ISO 13485 checklist only in ISO 13485 mode), then the users' own
// (not voided), oldest first.
func (tx *Tx) AuditTemplates() ([]qaudit.Template, error) {
	custom, err := scanAllTx(tx, "SELECT "+auditTemplateColumns+" FROM audit_templates WHERE voided_at IS NULL ORDER BY id", nil, scanAuditTemplate)
	if err != nil {
		return nil, err
	}
	mode, err := tx.ISO13485Mode()
	if err != nil {
		return nil, err
	}
	var out []qaudit.Template
	for _, t := range qaudit.Builtins() {
		if t.Key != qaudit.KeyISO13485 || mode {
			out = append(out, t)
		}
	}
	return append(out, custom...), nil
}

// AuditTemplate returns the template with the given key: a shipped one or
// a user's (custom-<id>, voided or not). Returns not found.
func (tx *Tx) AuditTemplate(key string) (*qaudit.Template, error) {
	if t, ok := qaudit.Builtin(key); ok {
		return &t, nil
	}
	id, ok := qaudit.ParseCustomKey(key)
	if !ok {
		return nil, qms.Errorf(qms.KindNotFound, "Checklist template %q not found", key)
	}
	var t qaudit.Template
	err := scanAuditTemplate(tx.QueryRow("SELECT "+auditTemplateColumns+" FROM audit_templates WHERE id = ?", id), &t)
	if err != nil {
		return nil, mapError(err, "Checklist template "+key)
	}
	return &t, nil
}

// CreateAuditTemplate stores a user's checklist template (qaudit.CanManage),
// for example a copy of a shipped one with questions changed, audited.
// Returns forbidden or invalid.
func (tx *Tx) CreateAuditTemplate(t *qaudit.Template) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("make checklist templates")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	var err error
	t.ID, err = tx.Insert(`INSERT INTO audit_templates (name, standard, description, questions, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.Name, t.Standard, t.Description, encodeJSON(t.Questions), tx.Actor.Name, tx.Now, tx.Now)
	if err != nil {
		return err
	}
	t.Key, t.Builtin, t.CreatedBy, t.CreatedAt, t.UpdatedAt, t.Version, t.VoidedAt = qaudit.CustomKey(t.ID), false, tx.Actor.Name, tx.Now, tx.Now, 1, nil
	return tx.Audit(entityAuditTemplate, t.ID, qms.ActionCreate, nil, t, "")
}

// CopyAuditTemplate makes a user's template from the template with key,
// named name (the source's name with "(copy)" when empty). Returns
// forbidden, not found or invalid.
func (tx *Tx) CopyAuditTemplate(key, name string) (*qaudit.Template, error) {
	src, err := tx.AuditTemplate(key)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = src.Name + " (copy)"
	}
	t := &qaudit.Template{Name: name, Standard: src.Standard, Description: src.Description, Questions: src.Questions}
	return t, tx.CreateAuditTemplate(t)
}

// UpdateAuditTemplate changes a user's template if its version is still
// expected, audited with the reason. Audits planned with it keep their
// copy of the questions. Returns forbidden, not found, invalid or
// conflict (stale, voided or a shipped template).
func (tx *Tx) UpdateAuditTemplate(t *qaudit.Template, expected int64, reason string) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("change checklist templates")
	}
	if _, ok := qaudit.Builtin(t.Key); ok {
		return qms.Errorf(qms.KindConflict, "The checklists shipped with qms cannot be changed; copy it and change the copy")
	}
	before, err := tx.AuditTemplate(qaudit.CustomKey(t.ID))
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This checklist template")
	}
	if err := t.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE audit_templates SET name = ?, standard = ?, description = ?, questions = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, t.Name, t.Standard, t.Description, encodeJSON(t.Questions), tx.Now, t.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This checklist template"); err != nil {
		return err
	}
	after, err := tx.AuditTemplate(qaudit.CustomKey(t.ID))
	if err != nil {
		return err
	}
	*t = *after
	return tx.Audit(entityAuditTemplate, t.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidAuditTemplate withdraws a user's template with a reason, audited.
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) VoidAuditTemplate(id, expected int64, reason string) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("withdraw checklist templates")
	}
	return voidRecord(tx, "audit_templates", entityAuditTemplate, "This checklist template", id, expected, reason,
		func(id int64) (*qaudit.Template, error) { return tx.AuditTemplate(qaudit.CustomKey(id)) },
		func(t *qaudit.Template) bool { return t.VoidedAt != nil })
}

// ---- Audits: reading ----

const qauditColumns = `a.id, a.programme_item_id, a.type, a.status, a.title, a.scope, a.criteria, a.template_key, a.template_name,
	a.process_id, a.process_name, a.supplier_id, a.site_id, COALESCE(s.name, ''), a.auditee, a.lead_id, a.lead_name, a.team,
	a.planned_start, a.planned_end, a.started_on, a.completed_on, a.summary, a.score, a.status_reason, a.closed_at,
	a.created_by_id, a.created_by, a.created_at, a.updated_at, a.version`

const qauditFrom = " FROM audits a LEFT JOIN suppliers s ON s.id = a.supplier_id"

func scanQAudit(sc scanner, a *qaudit.QualityAudit) error {
	var item, proc, sup, site sql.NullInt64
	var team string
	var score sql.NullFloat64
	var closed sql.NullTime
	if err := sc.Scan(&a.ID, &item, &a.Type, &a.Status, &a.Title, &a.Scope, &a.Criteria, &a.TemplateKey, &a.TemplateName,
		&proc, &a.ProcessName, &sup, &site, &a.SupplierName, &a.Auditee, &a.LeadID, &a.Lead, &team,
		dateDest{&a.PlannedStart}, dateDest{&a.PlannedEnd}, dateDest{&a.StartedOn}, dateDest{&a.CompletedOn}, &a.Summary, &score,
		&a.StatusReason, &closed, &a.CreatedByID, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt, &a.Version); err != nil {
		return err
	}
	a.ProgrammeItemID, a.ProcessID, a.SupplierID, a.SiteID = item.Int64, proc.Int64, sup.Int64, site.Int64
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.Score, a.ClosedAt = nil, nil
	if score.Valid {
		v := score.Float64
		a.Score = &v
	}
	if closed.Valid {
		v := closed.Time.UTC()
		a.ClosedAt = &v
	}
	a.Team = []qaudit.TeamMember{}
	return json.Unmarshal([]byte(team), &a.Team)
}

// QualityAudit returns the audit with the given id (without its questions
// and findings). Returns not found. The caller checks qaudit.CanSee.
func (tx *Tx) QualityAudit(id int64) (*qaudit.QualityAudit, error) {
	var a qaudit.QualityAudit
	if err := scanQAudit(tx.QueryRow("SELECT "+qauditColumns+qauditFrom+" WHERE a.id = ?", id), &a); err != nil {
		if err == sql.ErrNoRows {
			return nil, qaudit.NotFound(id)
		}
		return nil, err
	}
	return &a, nil
}

// AuditQuestions returns the checklist of an audit with its answers, in
// order.
func (tx *Tx) AuditQuestions(auditID int64) ([]qaudit.Question, error) {
	return scanAllTx(tx, `SELECT line, clause, section, text, guidance, grade, evidence, photos, answered_by_id, answered_by, answered_at
		FROM audit_questions WHERE audit_id = ? ORDER BY line`, []any{auditID}, scanQuestion)
}

func scanQuestion(sc scanner, q *qaudit.Question) error {
	var photos string
	var at sql.NullTime
	if err := sc.Scan(&q.Line, &q.Clause, &q.Section, &q.Text, &q.Guidance, &q.Grade, &q.Evidence, &photos, &q.AnsweredByID, &q.AnsweredBy, &at); err != nil {
		return err
	}
	if at.Valid {
		v := at.Time.UTC()
		q.AnsweredAt = &v
	}
	q.Photos = []int64{}
	return json.Unmarshal([]byte(photos), &q.Photos)
}

// QualityAuditFilter selects audits.
type QualityAuditFilter struct {
	Status     qaudit.Status
	Type       qaudit.Type
	SupplierID int64
	ProcessID  int64
	Open       bool  // planned, in progress or completed (not closed or cancelled)
	Done       bool  // completed or closed (the report is issued)
	Before     int64 // cursor: ids below
	Limit      int   // at most MaxPageSize (default 50)
}

// ListQualityAudits returns audits matching f, newest first, and the cursor of the
// next page (0 when none). The operations layer filters by what the actor
// may see (qaudit.CanSee): for a supplier user it sets Type, SupplierID
// and Done.
func (tx *Tx) ListQualityAudits(f QualityAuditFilter) ([]qaudit.QualityAudit, int64, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.Status != "" {
		add("a.status = ?", f.Status)
	}
	if f.Type != "" {
		add("a.type = ?", f.Type)
	}
	if f.SupplierID > 0 {
		add("a.supplier_id = ?", f.SupplierID)
	}
	if f.ProcessID > 0 {
		add("a.process_id = ?", f.ProcessID)
	}
	if f.Open {
		where = append(where, "a.status IN ('planned', 'in_progress', 'completed')")
	}
	if f.Done {
		where = append(where, "a.status IN ('completed', 'closed')")
	}
	if f.Before > 0 {
		add("a.id < ?", f.Before)
	}
	q := "SELECT " + qauditColumns + qauditFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, q+" ORDER BY a.id DESC LIMIT ?", append(args, limit+1), scanQAudit)
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

// LatestSupplierAudit returns the latest supplier audit of a supplier whose
// report is issued (completed or closed), by completion date: the audit
// score of the supplier scorecard. Returns nil and no error when the
// supplier has none.
func (tx *Tx) LatestSupplierAudit(supplierID int64) (*qaudit.QualityAudit, error) {
	var a qaudit.QualityAudit
	err := scanQAudit(tx.QueryRow("SELECT "+qauditColumns+qauditFrom+` WHERE a.supplier_id = ? AND a.type = 'supplier'
		AND a.status IN ('completed', 'closed') ORDER BY a.completed_on DESC, a.id DESC LIMIT 1`, supplierID), &a)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// ---- Audits: planning ----

// checkAuditRefs checks the records an audit names and fills the names it
// keeps: the template (its name and, without criteria, its standard), the
// supplier and site, the programme line, the lead auditor and the team
// (existing, enabled users who may audit: never a supplier user), and
// applies the independence rule against the audited process's owner.
func (tx *Tx) checkAuditRefs(a *qaudit.QualityAudit) (*qaudit.Template, error) {
	p := qms.Problems{}
	tpl, err := tx.AuditTemplate(a.TemplateKey)
	if err := invalidRef(p, "template_key", err); err != nil {
		return nil, err
	}
	if tpl != nil {
		a.TemplateName = tpl.Name
		if tpl.VoidedAt != nil {
			p.Add("template_key", "is a withdrawn checklist template")
		}
	}
	if a.SupplierID > 0 {
		if _, err := tx.Supplier(a.SupplierID); err != nil {
			if err := invalidRef(p, "supplier_id", err); err != nil {
				return nil, err
			}
		}
	}
	if a.SiteID > 0 {
		site, err := tx.Site(a.SiteID)
		if err := invalidRef(p, "site_id", err); err != nil {
			return nil, err
		}
		if site != nil && site.SupplierID != a.SupplierID {
			p.Add("site_id", "is a site of another supplier")
		}
	}
	if a.ProgrammeItemID > 0 {
		var sup sql.NullInt64
		err := tx.QueryRow("SELECT supplier_id FROM audit_programme_items WHERE id = ? AND removed_at IS NULL", a.ProgrammeItemID).Scan(&sup)
		if err := invalidRef(p, "programme_item_id", mapError(err, "Programme line")); err != nil {
			return nil, err
		}
		if err == nil && sup.Valid && sup.Int64 != a.SupplierID {
			p.Add("programme_item_id", "plans an audit of another supplier")
		}
	}
	auditor := func(field string, id int64) string {
		u, err := tx.User(id)
		if err != nil {
			if err := invalidRef(p, field, err); err != nil {
				p.Add(field, "could not be read")
			}
			return ""
		}
		switch {
		case u.Disabled:
			p.Add(field, u.Name+" is disabled")
		case !qaudit.CanBeAuditor(u.Role):
			p.Add(field, u.Name+" is a "+strings.ToLower(u.Role.Label())+" user and may not audit: choose a quality manager, auditor or inspector")
		}
		return u.Name
	}
	if a.LeadID > 0 {
		a.Lead = auditor("lead_id", a.LeadID)
	}
	for i := range a.Team {
		a.Team[i].Name = auditor(fmt.Sprintf("team.%d", i), a.Team[i].ID)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var owner int64
	var ownerName string
	if a.ProcessID > 0 {
		var name string
		err := tx.QueryRow("SELECT name, owner_id, owner_name FROM processes WHERE id = ?", a.ProcessID).Scan(&name, &owner, &ownerName)
		if err := invalidRef(p, "process_id", mapError(err, "Process")); err != nil {
			return nil, err
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		a.ProcessName = name
	}
	return tpl, a.CheckIndependence(owner, ownerName)
}

// PlanAudit plans an audit (qaudit.CanManage) with its checklist copied
// from its template, audited. Returns forbidden or invalid (including
// unknown records, a supplier user on the team, and an auditor who owns
// the audited process).
func (tx *Tx) PlanAudit(a *qaudit.QualityAudit) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("plan audits: a quality manager does")
	}
	if a.TemplateKey == "" {
		return qms.Problems{"template_key": "is required: the checklist to audit with"}.Err()
	}
	tpl, err := tx.AuditTemplate(a.TemplateKey)
	if err == nil && strings.TrimSpace(a.Criteria) == "" {
		a.Criteria = tpl.Standard
	}
	p, verr := problemsOf(a.Validate())
	if verr != nil {
		return verr
	}
	if err := invalidRef(p, "template_key", err); err != nil {
		return err
	}
	if a.TemplateKey == qaudit.KeyISO13485 {
		if mode, err := tx.ISO13485Mode(); err != nil {
			return err
		} else if !mode {
			p.Add("template_key", "is the ISO 13485 checklist, offered in ISO 13485 mode only: an administrator turns the mode on in the settings")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if tpl, err = tx.checkAuditRefs(a); err != nil {
		return err
	}
	a.Status, a.StartedOn, a.CompletedOn, a.Summary, a.Score, a.StatusReason, a.ClosedAt = qaudit.StatusPlanned, qms.Date{}, qms.Date{}, "", nil, "", nil
	a.CreatedByID, a.CreatedBy, a.CreatedAt, a.UpdatedAt, a.Version = tx.Actor.UserID, tx.Actor.Name, tx.Now, tx.Now, 1
	a.ID, err = tx.Insert(`INSERT INTO audits (programme_item_id, type, status, title, scope, criteria, template_key, template_name, process_id,
		process_name, supplier_id, site_id, auditee, lead_id, lead_name, team, planned_start, planned_end, created_by_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		idArg(a.ProgrammeItemID), a.Type, a.Status, a.Title, a.Scope, a.Criteria, a.TemplateKey, a.TemplateName, idArg(a.ProcessID),
		a.ProcessName, idArg(a.SupplierID), idArg(a.SiteID), a.Auditee, a.LeadID, a.Lead, encodeJSON(a.Team),
		dateValue(a.PlannedStart), dateValue(a.PlannedEnd), a.CreatedByID, a.CreatedBy, a.CreatedAt, a.UpdatedAt)
	if err != nil {
		return err
	}
	for _, q := range tpl.Checklist() {
		if _, err := tx.Exec(`INSERT INTO audit_questions (audit_id, line, clause, section, text, guidance) VALUES (?, ?, ?, ?, ?, ?)`,
			a.ID, q.Line, q.Clause, q.Section, q.Text, q.Guidance); err != nil {
			return err
		}
	}
	after, err := tx.QualityAudit(a.ID)
	if err != nil {
		return err
	}
	*a = *after
	return tx.Audit(entityQAudit, a.ID, qms.ActionCreate, nil, a, "")
}

// UpdateAuditPlan changes a planned or running audit's plan (title, scope,
// criteria, auditee, lead auditor, team, dates; not its type, checklist or
// supplier) if its version is still expected, audited with the reason.
// Returns forbidden, not found, invalid (including the independence rule)
// or conflict.
func (tx *Tx) UpdateAuditPlan(in *qaudit.QualityAudit, expected int64, reason string) error {
	if !qaudit.CanManage(tx.Actor) {
		return qaudit.Forbidden("change audit plans: a quality manager does")
	}
	before, err := tx.QualityAudit(in.ID)
	if err != nil {
		return err
	}
	if before.Status != qaudit.StatusPlanned && before.Status != qaudit.StatusInProgress {
		return qms.Errorf(qms.KindConflict, "%s is %s; its plan can no longer change", before.Number(), strings.ToLower(before.Status.Label()))
	}
	cur := *before
	cur.Title, cur.Scope, cur.Criteria, cur.Auditee, cur.LeadID, cur.Team = in.Title, in.Scope, in.Criteria, in.Auditee, in.LeadID, in.Team
	cur.PlannedStart, cur.PlannedEnd, cur.ProcessID, cur.ProcessName = in.PlannedStart, in.PlannedEnd, in.ProcessID, in.ProcessName
	if err := cur.Validate(); err != nil {
		return err
	}
	if _, err := tx.checkAuditRefs(&cur); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE audits SET title = ?, scope = ?, criteria = ?, auditee = ?, lead_id = ?, lead_name = ?, team = ?, planned_start = ?,
		planned_end = ?, process_id = ?, process_name = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		cur.Title, cur.Scope, cur.Criteria, cur.Auditee, cur.LeadID, cur.Lead, encodeJSON(cur.Team), dateValue(cur.PlannedStart),
		dateValue(cur.PlannedEnd), idArg(cur.ProcessID), cur.ProcessName, tx.Now, cur.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, before.Number()); err != nil {
		return err
	}
	after, err := tx.QualityAudit(cur.ID)
	if err != nil {
		return err
	}
	*in = *after
	return tx.Audit(entityQAudit, cur.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ---- Audits: conducting ----

// setAuditStatus writes the audit's status and the fields that go with it
// if its version is still expected, audited.
func (tx *Tx) setAuditStatus(before *qaudit.QualityAudit, expected int64, to qaudit.Status, action, reason string, set func(a *qaudit.QualityAudit)) (*qaudit.QualityAudit, error) {
	cur := *before
	cur.Status = to
	if set != nil {
		set(&cur)
	}
	var score any
	if cur.Score != nil {
		score = *cur.Score
	}
	res, err := tx.Exec(`UPDATE audits SET status = ?, started_on = ?, completed_on = ?, summary = ?, score = ?, status_reason = ?, closed_at = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		cur.Status, dateValue(cur.StartedOn), dateValue(cur.CompletedOn), cur.Summary, score, cur.StatusReason, cur.ClosedAt, tx.Now, cur.ID, expected)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, before.Number()); err != nil {
		return nil, err
	}
	after, err := tx.QualityAudit(cur.ID)
	if err != nil {
		return nil, err
	}
	return after, tx.Audit(entityQAudit, cur.ID, action, before, after, reason)
}

// StartAudit starts a planned audit (qaudit.CanConduct: its team or a
// manager) if its version is still expected, audited. Returns not found,
// forbidden or conflict.
func (tx *Tx) StartAudit(id, expected int64) (*qaudit.QualityAudit, error) {
	a, err := tx.conductable(id, "start audits")
	if err != nil {
		return nil, err
	}
	to, err := qaudit.Next(a.Status, qaudit.MoveStart)
	if err != nil {
		return nil, err
	}
	return tx.setAuditStatus(a, expected, to, string(qaudit.MoveStart), "", func(a *qaudit.QualityAudit) { a.StartedOn = tx.today() })
}

// CancelAudit cancels a planned or running audit with a reason
// (qaudit.CanManage), audited. Returns forbidden, not found, invalid (no
// reason) or conflict.
func (tx *Tx) CancelAudit(id, expected int64, reason string) (*qaudit.QualityAudit, error) {
	if !qaudit.CanManage(tx.Actor) {
		return nil, qaudit.Forbidden("cancel audits: a quality manager does")
	}
	a, err := tx.QualityAudit(id)
	if err != nil {
		return nil, err
	}
	to, err := qaudit.Next(a.Status, qaudit.MoveCancel)
	if err != nil {
		return nil, err
	}
	p := qms.Problems{}
	reason = strings.TrimSpace(reason)
	qms.CheckText(p, "reason", reason, qaudit.MaxReasonLen)
	if reason == "" {
		p.Add("reason", "is required: say why the audit is cancelled")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return tx.setAuditStatus(a, expected, to, string(qaudit.MoveCancel), reason, func(a *qaudit.QualityAudit) { a.StatusReason = reason })
}

// conductable reads an audit the actor may see and conduct.
func (tx *Tx) conductable(id int64, what string) (*qaudit.QualityAudit, error) {
	a, err := tx.QualityAudit(id)
	if err != nil {
		return nil, err
	}
	if !qaudit.CanSee(tx.Actor, a) {
		return nil, qaudit.NotFound(id)
	}
	if !qaudit.CanConduct(tx.Actor, a) {
		return nil, qaudit.Forbidden(what + ": the lead auditor, the audit team or a quality manager does")
	}
	return a, nil
}

// AnswerAuditQuestion records the answer to question line of a running
// audit (qaudit.CanConduct), audited. Answers carry no version: auditors
// of one team answer different questions at once, and the latest answer to
// a question wins. Photos must be files already uploaded. Returns not
// found, forbidden, invalid (a nonconformity without evidence) or conflict
// (the audit is not in progress).
func (tx *Tx) AnswerAuditQuestion(auditID int64, line int, ans qaudit.Answer) (*qaudit.Question, error) {
	a, err := tx.conductable(auditID, "answer audit questions")
	if err != nil {
		return nil, err
	}
	if a.Status != qaudit.StatusInProgress {
		if a.Status == qaudit.StatusPlanned {
			return nil, qms.Errorf(qms.KindConflict, "%s is planned: start it before answering its questions", a.Number())
		}
		return nil, qms.Errorf(qms.KindConflict, "%s is %s: its answers can no longer change", a.Number(), strings.ToLower(a.Status.Label()))
	}
	if err := ans.Validate(); err != nil {
		return nil, err
	}
	for _, id := range ans.Photos {
		f, err := tx.File(id)
		if err != nil && qms.ErrorKind(err) != qms.KindNotFound {
			return nil, err
		}
		if err != nil || f.OwnerType != OwnerAudit || f.OwnerID != auditID {
			return nil, qms.Problems{"photos": fmt.Sprintf("file %d is not a photo of %s; upload it onto the audit first", id, a.Number())}.Err()
		}
	}
	var before qaudit.Question
	err = scanQuestion(tx.QueryRow(`SELECT line, clause, section, text, guidance, grade, evidence, photos, answered_by_id, answered_by, answered_at
		FROM audit_questions WHERE audit_id = ? AND line = ?`, auditID, line), &before)
	if err == sql.ErrNoRows {
		return nil, qms.Errorf(qms.KindNotFound, "%s has no question %d", a.Number(), line)
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(`UPDATE audit_questions SET grade = ?, evidence = ?, photos = ?, answered_by_id = ?, answered_by = ?, answered_at = ?
		WHERE audit_id = ? AND line = ?`, ans.Grade, ans.Evidence, encodeJSON(ans.Photos), tx.Actor.UserID, tx.Actor.Name, tx.Now, auditID, line); err != nil {
		return nil, err
	}
	after := before
	after.Grade, after.Evidence, after.Photos, after.AnsweredByID, after.AnsweredBy = ans.Grade, ans.Evidence, ans.Photos, tx.Actor.UserID, tx.Actor.Name
	now := tx.Now
	after.AnsweredAt = &now
	type change struct {
		Line     int          `json:"line"`
		Clause   string       `json:"clause"`
		Grade    qaudit.Grade `json:"grade"`
		Evidence string       `json:"evidence"`
		Photos   []int64      `json:"photos"`
	}
	var b any
	if before.Grade != "" {
		b = change{before.Line, before.Clause, before.Grade, before.Evidence, before.Photos}
	}
	return &after, tx.Audit(entityQAudit, auditID, actionAnswer, b, change{after.Line, after.Clause, after.Grade, after.Evidence, after.Photos}, "")
}

// CompleteAudit issues the report of a running audit (qaudit.CanConduct)
// if its version is still expected: every question answered, the summary
// written, the score computed and the findings raised (open
// nonconformities with due dates, noted observations and opportunities
// for improvement), all audited. An audit without open findings closes at
// once. Returns not found, forbidden, invalid or conflict.
func (tx *Tx) CompleteAudit(id, expected int64, summary string) (*qaudit.QualityAudit, error) {
	a, err := tx.conductable(id, "issue audit reports")
	if err != nil {
		return nil, err
	}
	to, err := qaudit.Next(a.Status, qaudit.MoveComplete)
	if err != nil {
		return nil, err
	}
	qs, err := tx.AuditQuestions(id)
	if err != nil {
		return nil, err
	}
	if err := qaudit.CheckComplete(qs, summary); err != nil {
		return nil, err
	}
	score := qaudit.ScoreOf(qs)
	today := tx.today()
	after, err := tx.setAuditStatus(a, expected, to, string(qaudit.MoveComplete), "", func(a *qaudit.QualityAudit) {
		a.CompletedOn, a.Summary = today, strings.TrimSpace(summary)
		if score.HasScore {
			v := score.Percent
			a.Score = &v
		}
	})
	if err != nil {
		return nil, err
	}
	findings := qaudit.FindingsOf(qs, today)
	for i := range findings {
		f := &findings[i]
		f.AuditID, f.CreatedAt, f.UpdatedAt, f.Version = id, tx.Now, tx.Now, 1
		f.ID, err = tx.Insert(`INSERT INTO audit_findings (audit_id, line, grade, clause, question, evidence, status, due_on, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, f.Line, f.Grade, f.Clause, f.Question, f.Evidence, f.Status, dateValue(f.DueOn), tx.Now, tx.Now)
		if err != nil {
			return nil, err
		}
		f.AuditType, f.SupplierID = after.Type, after.SupplierID
		if err := tx.Audit(entityAuditFinding, f.ID, qms.ActionCreate, nil, f, ""); err != nil {
			return nil, err
		}
	}
	if qaudit.AllClosed(findings) {
		return tx.closeAudit(after)
	}
	return after, nil
}

// closeAudit closes a completed audit whose findings are all closed.
func (tx *Tx) closeAudit(a *qaudit.QualityAudit) (*qaudit.QualityAudit, error) {
	to, err := qaudit.Next(a.Status, qaudit.MoveClose)
	if err != nil {
		return nil, err
	}
	now := tx.Now
	return tx.setAuditStatus(a, a.Version, to, string(qaudit.MoveClose), "", func(a *qaudit.QualityAudit) { a.ClosedAt = &now })
}

// ---- Findings: reading ----

const findingColumns = `f.id, f.audit_id, f.line, f.grade, f.clause, f.question, f.evidence, f.status, f.due_on, f.ncr_id, f.capa_id,
	f.closure_note, f.closed_by_id, f.closed_by, f.closed_at, f.created_at, f.updated_at, f.version, a.type, a.supplier_id`

const findingFrom = " FROM audit_findings f JOIN audits a ON a.id = f.audit_id"

func scanFinding(sc scanner, f *qaudit.AuditFinding) error {
	var ncrID, capaID, sup sql.NullInt64
	var closed sql.NullTime
	if err := sc.Scan(&f.ID, &f.AuditID, &f.Line, &f.Grade, &f.Clause, &f.Question, &f.Evidence, &f.Status, dateDest{&f.DueOn}, &ncrID, &capaID,
		&f.ClosureNote, &f.ClosedByID, &f.ClosedBy, &closed, &f.CreatedAt, &f.UpdatedAt, &f.Version, &f.AuditType, &sup); err != nil {
		return err
	}
	f.NCRID, f.CAPAID, f.SupplierID = ncrID.Int64, capaID.Int64, sup.Int64
	f.CreatedAt, f.UpdatedAt, f.ClosedAt = f.CreatedAt.UTC(), f.UpdatedAt.UTC(), nil
	if closed.Valid {
		v := closed.Time.UTC()
		f.ClosedAt = &v
	}
	return nil
}

// AuditFindings returns the findings of an audit in checklist order.
func (tx *Tx) AuditFindings(auditID int64) ([]qaudit.AuditFinding, error) {
	return scanAllTx(tx, "SELECT "+findingColumns+findingFrom+" WHERE f.audit_id = ? ORDER BY f.line", []any{auditID}, scanFinding)
}

// AuditFinding returns the finding with the given id. Returns not found.
func (tx *Tx) AuditFinding(id int64) (*qaudit.AuditFinding, error) {
	var f qaudit.AuditFinding
	if err := scanFinding(tx.QueryRow("SELECT "+findingColumns+findingFrom+" WHERE f.id = ?", id), &f); err != nil {
		return nil, mapError(err, "Audit finding "+qaudit.FindingNumber(id))
	}
	return &f, nil
}

// FindingFilter selects findings across audits.
type FindingFilter struct {
	Status     qaudit.FindingStatus
	SupplierID int64
	Overdue    bool // open and past their due date on the transaction's day
	Limit      int
}

// ListAuditFindings returns findings across audits matching f, the ones
// due first (then newest).
func (tx *Tx) ListAuditFindings(f FindingFilter) ([]qaudit.AuditFinding, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "f.status = ?"), append(args, f.Status)
	}
	if f.SupplierID > 0 {
		where, args = append(where, "a.supplier_id = ?"), append(args, f.SupplierID)
	}
	if f.Overdue {
		where, args = append(where, "f.status = 'open' AND f.due_on < ?"), append(args, dateValue(tx.today()))
	}
	q := "SELECT " + findingColumns + findingFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return scanAllTx(tx, q+" ORDER BY f.due_on IS NULL, f.due_on, f.id DESC LIMIT ?", append(args, clampLimit(f.Limit)), scanFinding)
}
