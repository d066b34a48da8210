package store

import (
	"database/sql"

	"qms/internal/evidence"
	"qms/internal/objective"
	"qms/internal/qms"
)

// The QMS settings (ISO 13485 mode) and what the clause evidence map reads:
// the number of records of each kind and the facts of the gap rules.

const entityQMSSettings = "qms_settings"

// QMSSettings is the QMS-wide configuration stored in the database.
type QMSSettings struct {
	ISO13485 bool  `json:"iso13485"`
	Version  int64 `json:"version"` // 0 while never changed
}

// QMSSettings returns the settings (ISO 13485 mode off until set).
func (tx *Tx) QMSSettings() (QMSSettings, error) {
	var s QMSSettings
	var mode int
	err := tx.QueryRow("SELECT iso13485, version FROM qms_settings WHERE id = 1").Scan(&mode, &s.Version)
	if err == sql.ErrNoRows {
		return QMSSettings{}, nil
	}
	s.ISO13485 = mode == 1
	return s, err
}

// ISO13485Mode reports whether ISO 13485 mode is on: complaint records
// are required, the ISO 13485 clauses and procedures are checked, and
// every approval must be electronically signed.
func (tx *Tx) ISO13485Mode() (bool, error) {
	s, err := tx.QMSSettings()
	return s.ISO13485, err
}

// SetISO13485Mode switches ISO 13485 mode if the settings are still at
// version expected (0: never changed), audited with the reason. The
// caller checks the permission (an administrator). Returns conflict.
func (tx *Tx) SetISO13485Mode(on bool, expected int64, reason string) (QMSSettings, error) {
	before, err := tx.QMSSettings()
	if err != nil {
		return before, err
	}
	if before.Version != expected {
		return before, qms.Errorf(qms.KindConflict, "The QMS settings were changed by someone else since you opened them; reload them and apply your change again")
	}
	if expected == 0 {
		_, err = tx.Exec("INSERT INTO qms_settings (id, iso13485, updated_at, version) VALUES (1, ?, ?, 1)", flag01(on), tx.Now)
		if err != nil {
			return before, mapError(err, "QMS settings")
		}
	} else {
		res, err := tx.Exec("UPDATE qms_settings SET iso13485 = ?, updated_at = ?, version = version + 1 WHERE id = 1 AND version = ?", flag01(on), tx.Now, expected)
		if err != nil {
			return before, err
		}
		if err := CheckVersion(res, "The QMS settings"); err != nil {
			return before, err
		}
	}
	after, err := tx.QMSSettings()
	if err != nil {
		return after, err
	}
	return after, tx.Audit(entityQMSSettings, 1, qms.ActionUpdate, before, after, reason)
}

// evidenceCount is how a kind of evidence is counted: a query over a
// table that may be missing (its module not installed).
type evidenceCount struct {
	kind  evidence.Kind
	table string
	query string
}

var evidenceCounts = []evidenceCount{
	{evidence.KindDocuments, "documents", "SELECT COUNT(*) FROM documents WHERE obsoleted_at IS NULL"},
	{evidence.KindProcesses, "processes", "SELECT COUNT(*) FROM processes WHERE voided_at IS NULL"},
	{evidence.KindRisks, "risks", "SELECT COUNT(*) FROM risks"},
	{evidence.KindAcknowledgements, "document_acknowledgements", "SELECT COUNT(*) FROM document_acknowledgements WHERE acknowledged_at IS NOT NULL"},
	{evidence.KindObjectives, "objectives", "SELECT COUNT(*) FROM objectives WHERE voided_at IS NULL"},
	{evidence.KindReviews, "management_reviews", "SELECT COUNT(*) FROM management_reviews WHERE voided_at IS NULL AND status = 'closed'"},
	{evidence.KindReviewActions, "review_actions", "SELECT COUNT(*) FROM review_actions"},
	{evidence.KindSuppliers, "suppliers", "SELECT COUNT(*) FROM suppliers WHERE voided_at IS NULL"},
	{evidence.KindCertificates, "certificates", "SELECT COUNT(*) FROM certificates WHERE voided_at IS NULL"},
	{evidence.KindSpecs, "specs", "SELECT COUNT(*) FROM specs"},
	{evidence.KindInspections, "inspections", "SELECT COUNT(*) FROM inspections"},
	{evidence.KindLotResults, "lot_result_months", "SELECT COALESCE(SUM(lots), 0) FROM lot_result_months WHERE scope = 'supplier'"},
	{evidence.KindNCRs, "ncrs", "SELECT COUNT(*) FROM ncrs WHERE status <> 'voided'"},
	{evidence.KindCAPAs, "capas", "SELECT COUNT(*) FROM capas"},
	{evidence.KindComplaints, "complaints", "SELECT COUNT(*) FROM complaints WHERE voided_at IS NULL"},
	{evidence.KindUsers, "users", "SELECT COUNT(*) FROM users"},
	{evidence.KindNotifications, "notification_events", "SELECT COUNT(*) FROM notification_events"},
	{evidence.KindSignatures, "signatures", "SELECT COUNT(*) FROM signatures"},
	{evidence.KindAuditTrail, "audit_head", "SELECT COALESCE(MAX(seq), 0) FROM audit_head"},
}

// EvidenceCounts counts the records of each kind of evidence; a kind whose
// table this database lacks is not Known.
func (tx *Tx) EvidenceCounts() (map[evidence.Kind]evidence.Count, error) {
	out := map[evidence.Kind]evidence.Count{}
	for _, c := range append(evidenceCounts, tx.auditEvidenceCounts()...) {
		ok, err := tx.hasTable(c.table)
		if err != nil {
			return nil, err
		}
		if !ok {
			out[c.kind] = evidence.Count{}
			continue
		}
		var n int64
		if err := tx.QueryRow(c.query).Scan(&n); err != nil {
			return nil, err
		}
		out[c.kind] = evidence.Count{N: n, Known: true}
	}
	return out, nil
}

// auditEvidenceCounts counts the internal and supplier audits completed.
func (tx *Tx) auditEvidenceCounts() []evidenceCount {
	return []evidenceCount{
		{evidence.KindInternalAudits, "audits", "SELECT COUNT(*) FROM audits WHERE type <> 'supplier' AND status IN ('completed','closed')"},
		{evidence.KindSupplierAudits, "audits", "SELECT COUNT(*) FROM audits WHERE type = 'supplier' AND status IN ('completed','closed')"},
	}
}

// EvidenceFacts gathers the facts of the gap rules on today's date.
func (tx *Tx) EvidenceFacts() (evidence.Facts, error) {
	f := evidence.Facts{Today: tx.today()}
	var err error
	if f.LastReview, err = tx.LastReviewHeld(f.Today, 0); err != nil {
		return f, err
	}
	if f.ApprovedExpired, err = tx.ApprovedSuppliersWithExpiredCertificates(); err != nil {
		return f, err
	}
	n, err := tx.OverdueCAPAs()
	if err != nil {
		return f, err
	}
	f.OverdueCAPAs = int(n)
	if n, err = tx.OverdueReviewActions(); err != nil {
		return f, err
	}
	f.OverdueReviewActions = int(n)
	results, err := tx.EvaluateObjectives(true)
	if err != nil {
		return f, err
	}
	for _, r := range results {
		if r.Status == objective.NotMet {
			f.ObjectivesNotMet = append(f.ObjectivesNotMet, r.Objective.Title)
		}
	}
	if err := tx.documentFacts(&f); err != nil {
		return f, err
	}
	return f, tx.processAuditFacts(&f)
}

// documentFacts reads the documents past their review date and the
// overdue acknowledgements, when the document module's tables exist.
func (tx *Tx) documentFacts(f *evidence.Facts) error {
	ok, err := tx.hasTable("document_acknowledgements")
	if err != nil || !ok {
		return err
	}
	f.DocumentsKnown, f.ProceduresKnown = true, true
	rows, err := tx.Query(`SELECT number FROM documents WHERE obsoleted_at IS NULL AND effective_revision > 0 AND next_review_on IS NOT NULL
		AND next_review_on < ? ORDER BY next_review_on, number`, f.Today.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		f.DocumentsPastReview = append(f.DocumentsPastReview, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.QueryRow(`SELECT COUNT(*) FROM document_acknowledgements WHERE acknowledged_at IS NULL AND due_on < ?`, f.Today.String()).
		Scan(&f.OverdueAcknowledgements)
}

// processAuditFacts reads each process of the register (not voided) with
// the date its last internal audit was completed.
func (tx *Tx) processAuditFacts(f *evidence.Facts) error {
	ok, err := tx.hasTable("audits")
	if err != nil || !ok {
		return err
	}
	if ok, err = tx.hasTable("processes"); err != nil || !ok {
		return err
	}
	f.ProcessesKnown = true
	rows, err := tx.Query(`SELECT p.name, (SELECT MAX(a.completed_on) FROM audits a WHERE a.process_id = p.id AND a.type <> 'supplier'
		AND a.status IN ('completed','closed')) FROM processes p WHERE p.voided_at IS NULL ORDER BY p.name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var pa evidence.ProcessAudit
		if err := rows.Scan(&pa.Name, dateDest{&pa.LastAudit}); err != nil {
			return err
		}
		f.Processes = append(f.Processes, pa)
	}
	return rows.Err()
}

// AuditsCompleted returns the ids of up to limit audits completed in
// from..to, the latest first: the audit reports an audit pack holds.
func (tx *Tx) AuditsCompleted(from, to qms.Date, limit int) ([]int64, error) {
	ok, err := tx.hasTable("audits")
	if err != nil || !ok || limit <= 0 {
		return []int64{}, err
	}
	return scanAllTx(tx, `SELECT id FROM audits WHERE status IN ('completed','closed') AND completed_on >= ? AND completed_on <= ?
		ORDER BY completed_on DESC, id DESC LIMIT ?`, []any{from.String(), to.String(), limit}, func(sc scanner, id *int64) error { return sc.Scan(id) })
}

// ProcedureDocs returns the procedure documents (type procedure or quality
// manual, not obsolete) for the ISO 13485 procedure check; none when the
// document module's tables are missing.
func (tx *Tx) ProcedureDocs() ([]evidence.ProcedureDoc, error) {
	ok, err := tx.hasTable("documents")
	if err != nil || !ok {
		return nil, err
	}
	return scanAllTx(tx, `SELECT id, number, title FROM documents WHERE type IN ('procedure','quality_manual') AND obsoleted_at IS NULL ORDER BY number_key`,
		nil, func(sc scanner, d *evidence.ProcedureDoc) error { return sc.Scan(&d.ID, &d.Number, &d.Title) })
}

// EvidenceMap builds the clause evidence map on today's date.
func (tx *Tx) EvidenceMap() (evidence.Map, error) {
	mode, err := tx.ISO13485Mode()
	if err != nil {
		return evidence.Map{}, err
	}
	counts, err := tx.EvidenceCounts()
	if err != nil {
		return evidence.Map{}, err
	}
	facts, err := tx.EvidenceFacts()
	if err != nil {
		return evidence.Map{}, err
	}
	var docs []evidence.ProcedureDoc
	if mode {
		if docs, err = tx.ProcedureDocs(); err != nil {
			return evidence.Map{}, err
		}
	}
	return evidence.Build(facts.Today, mode, counts, facts, docs), nil
}

// InspectionsDecided returns the ids of up to limit inspections with a
// lot result (not voided) inspected in from..to, the latest first: the
// inspection reports an audit pack holds.
func (tx *Tx) InspectionsDecided(from, to qms.Date, limit int) ([]int64, error) {
	if limit <= 0 {
		return []int64{}, nil
	}
	return scanAllTx(tx, `SELECT inspection_id FROM lot_results WHERE inspection_id IS NOT NULL AND voided_at IS NULL AND inspected_on >= ?
		AND inspected_on <= ? ORDER BY inspected_on DESC, id DESC LIMIT ?`, []any{from.String(), to.String(), limit},
		func(sc scanner, id *int64) error { return sc.Scan(id) })
}
