package store

import (
	"database/sql"
	"strconv"

	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qaudit"
	"qms/internal/qms"
)

// The input pack of a management review (ISO 9001 9.3.2), generated from
// the live data. Sections about documents, processes, risks and audits read
// the tables of those modules when this installation has them.

// hasTable reports whether the database has the table (a module's
// migration applied).
func (tx *Tx) hasTable(name string) (bool, error) {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if tx.Dialect() == Postgres {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	var n int
	err := tx.QueryRow(q, name).Scan(&n)
	return n > 0, err
}

// packLimit caps the lines of a list section of the pack.
const packLimit = 200

// ReviewPack generates the input pack for the period from..to; skip is the
// review being prepared (left out of "previous reviews").
func (tx *Tx) ReviewPack(from, to qms.Date, skip int64) (*mgmtreview.Pack, error) {
	p := &mgmtreview.Pack{GeneratedAt: tx.Now, From: from, To: to}
	var err error
	if p.LastReview, err = tx.LastReviewHeld(to, skip); err != nil {
		return nil, err
	}
	since := from
	if !p.LastReview.IsZero() && p.LastReview.After(since) {
		since = p.LastReview
	}
	steps := []func() error{
		func() error { return tx.packPreviousActions(p, skip) },
		func() error { return tx.packChanges(p, since) },
		func() error { return tx.packComplaints(p) },
		func() error { return tx.packObjectives(p) },
		func() error { return tx.packProcesses(p) },
		func() error { return tx.packNCRs(p) },
		func() error { return tx.packCAPAs(p) },
		func() error { return tx.packMonitoring(p) },
		func() error { return tx.packAudits(p) },
		func() error { return tx.packSuppliers(p) },
		func() error { return tx.packRisks(p) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (tx *Tx) packPreviousActions(p *mgmtreview.Pack, skip int64) error {
	rows, err := tx.Query(`SELECT r.id, a.description, a.owner_name, a.due_on, a.status, a.result FROM review_actions a
		JOIN management_reviews r ON r.id = a.review_id
		WHERE r.voided_at IS NULL AND r.id <> ? AND r.held_on <= ? AND (a.status = 'open' OR a.done_at >= ?)
		ORDER BY a.due_on, a.id LIMIT ?`, skip, p.To.String(), p.From.Time(), packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	today := tx.today()
	p.PreviousActions = []mgmtreview.ActionLine{}
	for rows.Next() {
		var id int64
		var l mgmtreview.ActionLine
		if err := rows.Scan(&id, &l.Description, &l.Owner, dateDest{&l.DueOn}, &l.Status, &l.Result); err != nil {
			return err
		}
		l.Review = mgmtreview.Number(id)
		l.Overdue = l.Status == mgmtreview.ActionOpen && l.DueOn.Before(today)
		p.PreviousActions = append(p.PreviousActions, l)
	}
	return rows.Err()
}

func (tx *Tx) packChanges(p *mgmtreview.Pack, since qms.Date) error {
	p.Changes = []mgmtreview.ChangeLine{}
	ok, err := tx.hasTable("document_revisions")
	if err != nil || !ok {
		return err
	}
	p.ChangesKnown = true
	rows, err := tx.Query(`SELECT d.number, d.title, r.revision, r.effective_on, r.change_description FROM document_revisions r
		JOIN documents d ON d.id = r.document_id
		WHERE r.status IN ('effective','superseded','obsolete') AND r.effective_on IS NOT NULL AND r.effective_on > ? AND r.effective_on <= ?
		ORDER BY r.effective_on, d.number LIMIT ?`, since.String(), p.To.String(), packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l mgmtreview.ChangeLine
		var rev int64
		if err := rows.Scan(&l.Number, &l.Title, &rev, dateDest{&l.EffectiveOn}, &l.Change); err != nil {
			return err
		}
		l.Revision = strconv.FormatInt(rev, 10)
		p.Changes = append(p.Changes, l)
	}
	return rows.Err()
}

func (tx *Tx) packComplaints(p *mgmtreview.Pack) error {
	c := &p.Complaints
	if err := tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(reportable), 0), COALESCE(SUM(CASE WHEN capa_id IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM complaints WHERE voided_at IS NULL AND received_on >= ? AND received_on <= ?`, p.From.String(), p.To.String()).
		Scan(&c.Received, &c.Reportable, &c.WithCAPA); err != nil {
		return err
	}
	if err := tx.QueryRow(`SELECT COUNT(*) FROM complaints WHERE voided_at IS NULL AND status = 'open'`).Scan(&c.Open); err != nil {
		return err
	}
	rows, err := tx.Query(`SELECT id, received_on, customer, description, reportable, status FROM complaints
		WHERE voided_at IS NULL AND received_on >= ? AND received_on <= ? ORDER BY received_on DESC, id DESC LIMIT ?`,
		p.From.String(), p.To.String(), packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	c.Lines = []mgmtreview.ComplaintLine{}
	for rows.Next() {
		var id int64
		var rep int
		var l mgmtreview.ComplaintLine
		if err := rows.Scan(&id, dateDest{&l.ReceivedOn}, &l.Customer, &l.Summary, &rep, &l.Status); err != nil {
			return err
		}
		l.Number, l.Reportable, l.Summary = complaintNumber(id), rep == 1, clip(l.Summary, 160)
		c.Lines = append(c.Lines, l)
	}
	return rows.Err()
}

func (tx *Tx) packObjectives(p *mgmtreview.Pack) error {
	objs, err := scanAllTx(tx, "SELECT "+objectiveColumns+` FROM objectives WHERE voided_at IS NULL AND period_from <= ? AND period_to >= ?
		ORDER BY period_to DESC, id`, []any{string(objective.MonthOf(p.To)), string(objective.MonthOf(p.From))}, scanObjective)
	if err != nil {
		return err
	}
	p.Objectives = []mgmtreview.ObjectiveLine{}
	for _, o := range objs {
		r, err := tx.EvaluateObjective(o)
		if err != nil {
			return err
		}
		p.Objectives = append(p.Objectives, mgmtreview.ObjectiveLine{Title: o.Title, Owner: o.Owner, Period: string(o.From) + " – " + string(o.To),
			Target: o.TargetText(), Value: r.ValueText(), Status: string(r.Status)})
	}
	return nil
}

func (tx *Tx) packProcesses(p *mgmtreview.Pack) error {
	p.Processes = []mgmtreview.ProcessLine{}
	ok, err := tx.hasTable("processes")
	if err != nil || !ok {
		return err
	}
	p.ProcessesKnown = true
	rows, err := tx.Query(`SELECT pr.name, pr.owner_name, pr.kpis, (SELECT COUNT(*) FROM risks r WHERE r.process_id = pr.id AND r.status = 'open')
		FROM processes pr WHERE pr.voided_at IS NULL ORDER BY pr.name LIMIT ?`, packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l mgmtreview.ProcessLine
		if err := rows.Scan(&l.Name, &l.Owner, &l.KPIs, &l.Risks); err != nil {
			return err
		}
		p.Processes = append(p.Processes, l)
	}
	return rows.Err()
}

func (tx *Tx) packNCRs(p *mgmtreview.Pack) error {
	n := &p.NCRs
	n.BySeverity, n.BySource = map[string]int64{}, map[string]int64{}
	rows, err := tx.Query(`SELECT severity, source, COUNT(*) FROM ncrs WHERE status <> 'voided' AND detected_on >= ? AND detected_on <= ?
		GROUP BY severity, source`, p.From.String(), p.To.String())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sev, src string
		var c int64
		if err := rows.Scan(&sev, &src, &c); err != nil {
			return err
		}
		n.Opened += c
		n.BySeverity[sev] += c
		n.BySource[src] += c
	}
	if err := rows.Err(); err != nil {
		return err
	}
	end := p.To.AddDate(0, 0, 1).Time()
	if err := tx.QueryRow(`SELECT COUNT(*) FROM ncrs WHERE status = 'closed' AND closed_at >= ? AND closed_at < ?`, p.From.Time(), end).
		Scan(&n.Closed); err != nil {
		return err
	}
	return tx.QueryRow(`SELECT COUNT(*) FROM ncrs WHERE status NOT IN ('closed','voided')`).Scan(&n.OpenNow)
}

func (tx *Tx) packCAPAs(p *mgmtreview.Pack) error {
	c := &p.CAPAs
	if err := tx.QueryRow(`SELECT COUNT(*) FROM capas WHERE status <> 'cancelled' AND opened_on >= ? AND opened_on <= ?`,
		p.From.String(), p.To.String()).Scan(&c.Opened); err != nil {
		return err
	}
	samples, err := tx.capaOnTimeSamples(objective.MonthOf(p.From), objective.MonthOf(p.To))
	if err != nil {
		return err
	}
	for _, s := range samples {
		c.Closed += int64(s.Den)
		c.ClosedOnTime += int64(s.Num)
	}
	if err := tx.QueryRow(`SELECT COUNT(*) FROM capas WHERE status IN ('open','verifying')`).Scan(&c.OpenNow); err != nil {
		return err
	}
	c.OverdueNow, err = tx.OverdueCAPAs()
	return err
}

// OverdueCAPAs counts the active CAPAs with a stage not yet accepted past
// its due date.
func (tx *Tx) OverdueCAPAs() (int64, error) {
	var n int64
	// due_on || '' keeps SQLite on the stages of each CAPA (its primary
	// key) instead of the due-date index, which at 50,000 CAPAs reads
	// every overdue stage for each active CAPA (72 s instead of 34 ms).
	err := tx.QueryRow(`SELECT COUNT(*) FROM capas c WHERE c.status IN ('open','verifying') AND EXISTS (SELECT 1 FROM capa_stages s
		WHERE s.capa_id = c.id AND s.state <> 'accepted' AND s.due_on || '' < ?)`, tx.today().String()).Scan(&n)
	return n, err
}

func (tx *Tx) packMonitoring(p *mgmtreview.Pack) error {
	rows, err := tx.Query(`SELECT kind, SUM(lots), SUM(rejected) FROM lot_result_months WHERE scope = 'supplier' AND month >= ? AND month <= ?
		GROUP BY kind ORDER BY kind`, string(objective.MonthOf(p.From)), string(objective.MonthOf(p.To)))
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Monitoring = []mgmtreview.RateLine{}
	for rows.Next() {
		var l mgmtreview.RateLine
		if err := rows.Scan(&l.Kind, &l.Lots, &l.Rejected); err != nil {
			return err
		}
		p.Monitoring = append(p.Monitoring, l)
	}
	return rows.Err()
}

func (tx *Tx) packSuppliers(p *mgmtreview.Pack) error {
	rows, err := tx.Query(`SELECT s.name, s.status, m.lots, m.rejected,
		(SELECT COUNT(*) FROM ncrs n WHERE n.supplier_id = s.id AND n.status <> 'voided' AND n.detected_on >= ? AND n.detected_on <= ?)
		FROM (SELECT owner_id, SUM(lots) AS lots, SUM(rejected) AS rejected FROM lot_result_months
			WHERE scope = 'supplier' AND month >= ? AND month <= ? AND resubmitted = 0 GROUP BY owner_id) m
		JOIN suppliers s ON s.id = m.owner_id ORDER BY m.lots DESC, s.sort_key LIMIT ?`,
		p.From.String(), p.To.String(), string(objective.MonthOf(p.From)), string(objective.MonthOf(p.To)), packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	p.Suppliers = []mgmtreview.SupplierLine{}
	for rows.Next() {
		var l mgmtreview.SupplierLine
		if err := rows.Scan(&l.Name, &l.Status, &l.Lots, &l.Rejected, &l.NCRs); err != nil {
			return err
		}
		p.Suppliers = append(p.Suppliers, l)
	}
	return rows.Err()
}

func (tx *Tx) packRisks(p *mgmtreview.Pack) error {
	p.Risks = []mgmtreview.RiskLine{}
	ok, err := tx.hasTable("risks")
	if err != nil || !ok {
		return err
	}
	p.RisksKnown = true
	rows, err := tx.Query(`SELECT title, kind, level, owner_name, review_on FROM risks WHERE status = 'open' ORDER BY score DESC, id LIMIT ?`, packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l mgmtreview.RiskLine
		var review qms.Date
		if err := rows.Scan(&l.Title, &l.Kind, &l.Level, &l.Owner, dateDest{&review}); err != nil {
			return err
		}
		l.ReviewOn = review.String()
		p.Risks = append(p.Risks, l)
	}
	return rows.Err()
}

// packAudits lists the audits completed in the period with their
// findings (all, and those still open).
func (tx *Tx) packAudits(p *mgmtreview.Pack) error {
	p.Audits = []mgmtreview.AuditLine{}
	ok, err := tx.hasTable("audits")
	if err != nil || !ok {
		return err
	}
	p.AuditsKnown = true
	rows, err := tx.Query(`SELECT a.id, a.title, a.type, a.completed_on, a.status, a.score,
		(SELECT COUNT(*) FROM audit_findings f WHERE f.audit_id = a.id),
		(SELECT COUNT(*) FROM audit_findings f WHERE f.audit_id = a.id AND f.status = 'open')
		FROM audits a WHERE a.status IN ('completed','closed') AND a.completed_on >= ? AND a.completed_on <= ?
		ORDER BY a.completed_on, a.id LIMIT ?`, p.From.String(), p.To.String(), packLimit)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var l mgmtreview.AuditLine
		var id int64
		var score sql.NullFloat64
		if err := rows.Scan(&id, &l.Title, &l.Kind, dateDest{&l.Date}, &l.Status, &score, &l.Findings, &l.OpenFindings); err != nil {
			return err
		}
		l.Number = qaudit.Number(id)
		if score.Valid {
			l.Score = strconv.FormatFloat(score.Float64, 'f', 1, 64) + " %"
		}
		p.Audits = append(p.Audits, l)
	}
	return rows.Err()
}

// clip shortens s to at most n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
