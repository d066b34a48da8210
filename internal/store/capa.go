package store

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/qms"
)

// CAPAs in 8D form: opening (with due dates per stage from the settings
// and the reminder, overdue and escalation jobs), the header, stage
// content, submission and review (with the review history), internal
// notes, due dates, the effectiveness criterion and its evaluation as lot
// results arrive, and the lifecycle moves including the signed closure.
// Every change is audited in its transaction and enqueues a capa.event job
// for the notifications. Updating an evaluation that stays pending is
// derived data: it is stored without an audit event and without a new
// version; a change of outcome is audited.

// Audit entity types and actions of CAPAs.
const (
	entityCAPA         = "capa"
	entityCAPANote     = "capa_note"
	entityCAPASettings = "capa_settings"
	actionSaveStage    = "save_stage"
	actionSubmitStage  = "submit_stage"
	actionReviewStage  = "review_stage"
	actionDueDate      = "due_date"
	actionCriterion    = "criterion"
	actionEvaluate     = "evaluate"
)

// ---- Settings ----

// CAPASettings returns the due-date settings (the defaults until an
// administrator changes them).
func (tx *Tx) CAPASettings() (capa.Settings, error) {
	var raw string
	var s capa.Settings
	var at time.Time
	var version int64
	err := tx.QueryRow("SELECT settings, updated_at, version FROM capa_settings WHERE id = 1").Scan(&raw, &at, &version)
	if err == sql.ErrNoRows {
		return capa.DefaultSettings(), nil
	}
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return s, fmt.Errorf("CAPA settings: %w", err)
	}
	s.UpdatedAt, s.Version = at.UTC(), version
	return s, s.Validate()
}

// UpdateCAPASettings changes the due-date settings (capa.CheckSettings: an
// administrator) if their version is still expected (0 while they are the
// defaults), audited. They apply to CAPAs opened afterwards. Returns
// forbidden, invalid or conflict.
func (tx *Tx) UpdateCAPASettings(s *capa.Settings, expected int64, reason string) error {
	if err := capa.CheckSettings(tx.Actor, s); err != nil {
		return err
	}
	before, err := tx.CAPASettings()
	if err != nil {
		return err
	}
	if before.Version != expected {
		return qms.Errorf(qms.KindConflict, "The CAPA settings were changed by someone else since you opened them; reload them and apply your change again")
	}
	body := encodeJSON(map[string]any{"due_days": s.DueDays, "remind_days": s.RemindDays, "escalate_days": s.EscalateDays})
	if expected == 0 {
		_, err = tx.Exec("INSERT INTO capa_settings (id, settings, updated_at, version) VALUES (1, ?, ?, 1)", body, tx.Now)
		if err != nil {
			return mapError(err, "CAPA settings")
		}
	} else {
		res, err := tx.Exec("UPDATE capa_settings SET settings = ?, updated_at = ?, version = version + 1 WHERE id = 1 AND version = ?", body, tx.Now, expected)
		if err != nil {
			return err
		}
		if err := CheckVersion(res, "The CAPA settings"); err != nil {
			return err
		}
	}
	after, err := tx.CAPASettings()
	if err != nil {
		return err
	}
	*s = after
	return tx.Audit(entityCAPASettings, 1, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// ---- Reading ----

const capaColumns = `id, kind, type, status, title, severity, supplier_id, site_id, product_id, owner_id, owner_name, opened_on,
	crit_supplier_id, crit_product_id, crit_code, crit_class, crit_max, crit_per, crit_lots, crit_days, crit_kinds, crit_start_on,
	evaluation, closure, status_reason, created_by_id, created_by, created_at, updated_at, closed_at, cancelled_at, version`

func scanCAPA(sc scanner, c *capa.CAPA) error {
	var sup, site, prod, critSup sql.NullInt64
	var cr capa.Criterion
	var kinds string
	var eval, closure sql.NullString
	var closed, cancelled sql.NullTime
	if err := sc.Scan(&c.ID, &c.Kind, &c.Type, &c.Status, &c.Title, &c.Severity, &sup, &site, &prod, &c.OwnerID, &c.Owner, dateDest{&c.OpenedOn},
		&critSup, &cr.ProductID, &cr.DefectCode, &cr.Class, &cr.MaxDefective, &cr.PerUnits, &cr.Inspections, &cr.Days, &kinds, dateDest{&cr.StartOn},
		&eval, &closure, &c.StatusReason, &c.CreatedByID, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &closed, &cancelled, &c.Version); err != nil {
		return err
	}
	c.SupplierID, c.SiteID, c.ProductID = sup.Int64, site.Int64, prod.Int64
	c.ClosedAt, c.CancelledAt = nullTime(closed), nullTime(cancelled)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Criterion, c.Evaluation, c.Closure = nil, nil, nil
	if critSup.Valid {
		cr.SupplierID = critSup.Int64
		if err := json.Unmarshal([]byte(kinds), &cr.Kinds); err != nil {
			return fmt.Errorf("CAPA %d criterion kinds: %w", c.ID, err)
		}
		c.Criterion = &cr
	}
	if eval.Valid {
		c.Evaluation = &capa.Evaluation{}
		if err := json.Unmarshal([]byte(eval.String), c.Evaluation); err != nil {
			return fmt.Errorf("CAPA %d evaluation: %w", c.ID, err)
		}
	}
	if closure.Valid {
		c.Closure = &capa.Closure{}
		if err := json.Unmarshal([]byte(closure.String), c.Closure); err != nil {
			return fmt.Errorf("CAPA %d closure: %w", c.ID, err)
		}
	}
	return nil
}

// CAPA returns a CAPA with its sources, stages and report. Returns not
// found.
func (tx *Tx) CAPA(id int64) (*capa.CAPA, error) { return tx.loadCAPA(id, false) }

func (tx *Tx) capaForUpdate(id int64) (*capa.CAPA, error) { return tx.loadCAPA(id, true) }

func (tx *Tx) loadCAPA(id int64, lock bool) (*capa.CAPA, error) {
	q := "SELECT " + capaColumns + " FROM capas WHERE id = ?"
	if lock && tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	var c capa.CAPA
	if err := scanCAPA(tx.QueryRow(q, id), &c); err != nil {
		return nil, mapError(err, "CAPA")
	}
	var err error
	c.Sources, err = scanAllTx(tx, "SELECT kind, ncr_id, ref FROM capa_sources WHERE capa_id = ? ORDER BY line", []any{id},
		func(sc scanner, s *capa.Source) error {
			var n sql.NullInt64
			err := sc.Scan(&s.Kind, &n, &s.Ref)
			s.NCRID = n.Int64
			return err
		})
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(`SELECT stage, due_on, state, content, submitted_at, submitted_by_id, submitted_by, reviewed_at, reviewed_by_id, reviewed_by,
		comment FROM capa_stages WHERE capa_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	recs := map[capa.Stage]capa.StageRecord{}
	for rows.Next() {
		var r capa.StageRecord
		var content string
		var submitted, reviewed sql.NullTime
		if err := rows.Scan(&r.Stage, dateDest{&r.DueOn}, &r.State, &content, &submitted, &r.SubmittedByID, &r.SubmittedBy, &reviewed,
			&r.ReviewedByID, &r.ReviewedBy, &r.Comment); err != nil {
			return nil, err
		}
		r.SubmittedAt, r.ReviewedAt = nullTime(submitted), nullTime(reviewed)
		if x := c.Report.Content(r.Stage); x != nil {
			if err := json.Unmarshal([]byte(content), x); err != nil {
				return nil, fmt.Errorf("CAPA %d %s: %w", id, r.Stage, err)
			}
		}
		recs[r.Stage] = r
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c.Stages = make([]capa.StageRecord, 0, len(capa.Stages))
	for _, s := range capa.Stages {
		r, ok := recs[s]
		if !ok {
			r = capa.StageRecord{Stage: s, State: capa.StageOpen}
		}
		c.Stages = append(c.Stages, r)
	}
	return &c, nil
}

// CAPAFilter selects CAPAs. Zero fields do not filter.
type CAPAFilter struct {
	Status     capa.Status
	Active     bool // only open or verifying
	Kind       capa.Kind
	SupplierID int64
	NCRID      int64 // CAPAs answering this NCR
	Before     int64 // the cursor: only CAPAs with a smaller id
	Limit      int   // at most MaxPageSize (default 50)
}

// ListCAPAs returns CAPAs matching f (headers only: no sources, stages or
// report), newest first, and the cursor of the next page (0 when none).
// The operations layer filters by what the actor may see (capa.CanSee);
// for a supplier user it sets Kind and SupplierID.
func (tx *Tx) ListCAPAs(f CAPAFilter) ([]capa.CAPA, int64, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.Status != "" {
		add("status = ?", f.Status)
	}
	if f.Active {
		where = append(where, "status IN ('open', 'verifying')")
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.SupplierID > 0 {
		add("supplier_id = ?", f.SupplierID)
	}
	if f.NCRID > 0 {
		add("id IN (SELECT capa_id FROM capa_sources WHERE ncr_id = ?)", f.NCRID)
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	q := "SELECT " + capaColumns + " FROM capas"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := clampLimit(f.Limit)
	items, err := scanAllTx(tx, q+" ORDER BY id DESC LIMIT ?", append(args, limit+1), scanCAPA)
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

// CAPAReviews returns the review history of a CAPA's stages, oldest first.
func (tx *Tx) CAPAReviews(capaID int64) ([]capa.Review, error) {
	return scanAllTx(tx, "SELECT id, capa_id, stage, decision, comment, by_id, by_name, created_at FROM capa_reviews WHERE capa_id = ? ORDER BY id",
		[]any{capaID}, func(sc scanner, r *capa.Review) error {
			err := sc.Scan(&r.ID, &r.CAPAID, &r.Stage, &r.Decision, &r.Comment, &r.ByID, &r.By, &r.At)
			r.At = r.At.UTC()
			return err
		})
}

// CAPANotes returns the buyer's internal notes on a CAPA, oldest first.
// Never show them to a supplier user (capa.CanSeeNotes).
func (tx *Tx) CAPANotes(capaID int64) ([]capa.Note, error) {
	return scanAllTx(tx, "SELECT id, capa_id, stage, text, by_id, by_name, created_at FROM capa_notes WHERE capa_id = ? ORDER BY id",
		[]any{capaID}, func(sc scanner, n *capa.Note) error {
			err := sc.Scan(&n.ID, &n.CAPAID, &n.Stage, &n.Text, &n.ByID, &n.By, &n.At)
			n.At = n.At.UTC()
			return err
		})
}

// ---- Writing ----

// checkCAPARefs checks the records a CAPA names: supplier, site (the
// supplier's), product, the NCRs it answers (existing, and about the
// CAPA's supplier when both name one) and the complaints it answers
// (checkComplaintSource).
func (tx *Tx) checkCAPARefs(c *capa.CAPA) error {
	p := qms.Problems{}
	if c.SupplierID > 0 {
		if _, err := tx.Supplier(c.SupplierID); err != nil {
			if err := invalidRef(p, "supplier_id", err); err != nil {
				return err
			}
		}
	}
	if c.SiteID > 0 {
		site, err := tx.Site(c.SiteID)
		if err := invalidRef(p, "site_id", err); err != nil {
			return err
		}
		if site != nil && site.SupplierID != c.SupplierID {
			p.Add("site_id", "is a site of another supplier")
		}
	}
	if c.ProductID > 0 {
		if _, err := tx.Product(c.ProductID); err != nil {
			if err := invalidRef(p, "product_id", err); err != nil {
				return err
			}
		}
	}
	for i, s := range c.Sources {
		if s.Kind == capa.SourceAuditFinding {
			if err := tx.checkFindingRef(p, fmt.Sprintf("sources.%d.ref", i), s.Ref, c.SupplierID); err != nil {
				return err
			}
		}
		if s.Kind == capa.SourceComplaint {
			if err := tx.checkComplaintSource(p, fmt.Sprintf("sources.%d.ref", i), s.Ref); err != nil {
				return err
			}
			continue
		}
		if s.Kind != capa.SourceNCR {
			continue
		}
		f := fmt.Sprintf("sources.%d.ncr_id", i)
		var sup sql.NullInt64
		err := tx.QueryRow("SELECT supplier_id FROM ncrs WHERE id = ?", s.NCRID).Scan(&sup)
		if err := invalidRef(p, f, mapError(err, "NCR")); err != nil {
			return err
		}
		if err == nil && c.SupplierID > 0 && sup.Valid && sup.Int64 != c.SupplierID {
			p.Add(f, "is an NCR about another supplier")
		}
	}
	return p.Err()
}

// OpenCAPA opens a CAPA or supplier corrective action request
// (capa.CanOpen: quality staff): validated, its stages due from the
// opening date by the settings, its sources linked, audited, with the
// due-date jobs and the opened event enqueued. A criterion given now is
// stored too (and waits for its start). Returns forbidden or invalid.
func (tx *Tx) OpenCAPA(c *capa.CAPA) error {
	if !capa.CanOpen(tx.Actor) {
		return qms.Errorf(qms.KindForbidden, "your role may not open CAPAs")
	}
	if c.OpenedOn.IsZero() {
		c.OpenedOn = tx.today()
	}
	p, err := problemsOf(c.Validate())
	if err != nil {
		return err
	}
	if c.Criterion != nil {
		if c.SupplierID != 0 && c.Criterion.SupplierID == 0 {
			c.Criterion.SupplierID = c.SupplierID
		}
		cp, err := problemsOf(c.Criterion.Validate())
		if err != nil {
			return err
		}
		for k, v := range cp {
			p.Add(k, v)
		}
		if c.SupplierID != 0 && c.Criterion.SupplierID != c.SupplierID {
			p.Add("criterion.supplier_id", "must be the supplier of the CAPA")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := tx.checkCAPARefs(c); err != nil {
		return err
	}
	settings, err := tx.CAPASettings()
	if err != nil {
		return err
	}
	capa.Open(c, settings)
	if err := tx.evaluateInto(c); err != nil {
		return err
	}
	c.CreatedByID, c.CreatedBy, c.CreatedAt, c.UpdatedAt, c.Version = tx.Actor.UserID, tx.Actor.Name, tx.Now, tx.Now, 1
	c.StatusReason, c.ClosedAt, c.CancelledAt = "", nil, nil
	if c.ID, err = tx.Insert(`INSERT INTO capas (kind, type, status, title, severity, supplier_id, site_id, product_id, owner_id, owner_name, opened_on,
		created_by_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Kind, c.Type, c.Status, c.Title, c.Severity, idArg(c.SupplierID), idArg(c.SiteID), idArg(c.ProductID), c.OwnerID, c.Owner,
		dateValue(c.OpenedOn), c.CreatedByID, c.CreatedBy, c.CreatedAt, c.UpdatedAt); err != nil {
		return err
	}
	for _, r := range c.Stages {
		if _, err := tx.Exec(`INSERT INTO capa_stages (capa_id, stage, due_on, state, content) VALUES (?, ?, ?, ?, ?)`,
			c.ID, r.Stage, dateValue(r.DueOn), r.State, encodeJSON(c.Report.Content(r.Stage))); err != nil {
			return err
		}
	}
	if err := tx.writeCAPASources(c); err != nil {
		return err
	}
	if err := tx.writeCAPA(c, 1, false); err != nil { // the criterion columns
		return err
	}
	after, err := tx.CAPA(c.ID)
	if err != nil {
		return err
	}
	*c = *after
	if err := tx.Audit(entityCAPA, c.ID, qms.ActionCreate, nil, c, ""); err != nil {
		return err
	}
	if err := tx.scheduleStageJobs(c, settings); err != nil {
		return err
	}
	return tx.capaEvent(capa.EventOpened, c, "", "")
}

func (tx *Tx) writeCAPASources(c *capa.CAPA) error {
	if _, err := tx.Exec("DELETE FROM capa_sources WHERE capa_id = ?", c.ID); err != nil {
		return err
	}
	for i, s := range c.Sources {
		if _, err := tx.Exec("INSERT INTO capa_sources (capa_id, line, kind, ncr_id, ref) VALUES (?, ?, ?, ?, ?)",
			c.ID, i+1, s.Kind, idArg(s.NCRID), s.Ref); err != nil {
			return err
		}
	}
	return nil
}

// critState is the crit_state column of a CAPA: ” without a criterion or
// once the CAPA is no longer active, 'waiting' before the window starts,
// else the outcome of the evaluation ('pending' until there is one).
func critState(c *capa.CAPA) string {
	switch {
	case c.Criterion == nil || !c.Status.Active():
		return ""
	case c.Criterion.StartOn.IsZero():
		return "waiting"
	case c.Evaluation == nil:
		return string(capa.OutcomePending)
	}
	return string(c.Evaluation.Outcome)
}

// writeCAPA stores the header, criterion, evaluation, closure and every
// stage of c if its version is still expected; bump says whether the
// version goes up (a change by a person) or not (an evaluation).
func (tx *Tx) writeCAPA(c *capa.CAPA, expected int64, bump bool) error {
	var critSup, critStart any
	critProduct, critCode, critClass, critMax, critPer, critLots, critDays, critKinds := int64(0), "", "", 0, capa.DefaultPerUnits, 0, 0, "[]"
	if cr := c.Criterion; cr != nil {
		critSup, critStart = cr.SupplierID, dateValue(cr.StartOn)
		critProduct, critCode, critClass, critMax, critPer, critLots, critDays = cr.ProductID, cr.DefectCode, string(cr.Class), cr.MaxDefective,
			cr.PerUnits, cr.Inspections, cr.Days
		if cr.Kinds != nil {
			critKinds = encodeJSON(cr.Kinds)
		}
	}
	var eval, closure any
	if c.Evaluation != nil {
		eval = encodeJSON(c.Evaluation)
	}
	if c.Closure != nil {
		closure = encodeJSON(c.Closure)
	}
	root := ""
	if c.Stage(capa.D4).Done() || c.Report.D4.Category != "" {
		root = string(c.Report.D4.Category)
	}
	inc := 0
	if bump {
		inc = 1
	}
	res, err := tx.Exec(`UPDATE capas SET status = ?, title = ?, severity = ?, site_id = ?, product_id = ?, owner_id = ?, owner_name = ?,
		root_cause_category = ?, crit_supplier_id = ?, crit_product_id = ?, crit_code = ?, crit_class = ?, crit_max = ?, crit_per = ?, crit_lots = ?,
		crit_days = ?, crit_kinds = ?, crit_start_on = ?, crit_state = ?, evaluation = ?, evaluated_at = ?, closure = ?, status_reason = ?,
		updated_at = ?, closed_at = ?, cancelled_at = ?, version = version + ? WHERE id = ? AND version = ?`,
		c.Status, c.Title, c.Severity, idArg(c.SiteID), idArg(c.ProductID), c.OwnerID, c.Owner, root, critSup, critProduct, critCode, critClass,
		critMax, critPer, critLots, critDays, critKinds, critStart, critState(c), eval, tx.Now, closure, c.StatusReason, tx.Now, c.ClosedAt,
		c.CancelledAt, inc, c.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This CAPA"); err != nil {
		return err
	}
	for _, r := range c.Stages {
		if _, err := tx.Exec(`UPDATE capa_stages SET due_on = ?, state = ?, content = ?, submitted_at = ?, submitted_by_id = ?, submitted_by = ?,
			reviewed_at = ?, reviewed_by_id = ?, reviewed_by = ?, comment = ? WHERE capa_id = ? AND stage = ?`,
			dateValue(r.DueOn), r.State, encodeJSON(c.Report.Content(r.Stage)), r.SubmittedAt, r.SubmittedByID, r.SubmittedBy, r.ReviewedAt,
			r.ReviewedByID, r.ReviewedBy, r.Comment, c.ID, r.Stage); err != nil {
			return err
		}
	}
	return nil
}

// changeCAPA applies change to the CAPA (read and locked) if its version
// is still expected, re-evaluates its criterion, stores it with a new
// version, and audits it with action and the reason change returns.
// change runs the domain check and mutates the CAPA.
func (tx *Tx) changeCAPA(id, expected int64, action string, change func(c *capa.CAPA) (reason string, err error)) (*capa.CAPA, error) {
	before, err := tx.capaForUpdate(id)
	if err != nil {
		return nil, err
	}
	c := cloneCAPA(before)
	reason, err := change(c)
	if err != nil {
		return nil, err
	}
	if before.Version != expected {
		return nil, qms.Errorf(qms.KindConflict, "This CAPA was changed by someone else since you opened it; reload it and apply your change again")
	}
	if c.Status.Active() {
		if err := tx.evaluateInto(c); err != nil {
			return nil, err
		}
	}
	if err := tx.writeCAPA(c, expected, true); err != nil {
		return nil, err
	}
	after, err := tx.CAPA(id)
	if err != nil {
		return nil, err
	}
	if err := tx.Audit(entityCAPA, id, action, before, after, reason); err != nil {
		return nil, err
	}
	if after.Evaluation != nil && after.Evaluation.Final() && (before.Evaluation == nil || before.Evaluation.Outcome != after.Evaluation.Outcome) {
		return after, tx.capaEvent(capa.EventEffectiveness, after, "", "")
	}
	return after, nil
}

func cloneCAPA(c *capa.CAPA) *capa.CAPA {
	x := *c
	x.Sources = slices.Clone(c.Sources)
	x.Stages = slices.Clone(c.Stages)
	// The report holds slices: a JSON round trip copies it deeply.
	b, _ := json.Marshal(c.Report)
	x.Report = capa.Report{}
	json.Unmarshal(b, &x.Report)
	if c.Criterion != nil {
		cr := *c.Criterion
		cr.Kinds = slices.Clone(c.Criterion.Kinds)
		x.Criterion = &cr
	}
	if c.Evaluation != nil {
		ev := *c.Evaluation
		ev.Points = slices.Clone(c.Evaluation.Points)
		x.Evaluation = &ev
	}
	if c.Closure != nil {
		cl := *c.Closure
		x.Closure = &cl
	}
	return &x
}

// UpdateCAPA changes the header of an active CAPA (quality staff) if its
// version is still expected: title, severity, site, product, owner and
// sources. Kind, type and supplier stay as opened (a supplier request
// never moves to another supplier). Audited with the reason. Returns
// forbidden, invalid, not found or conflict.
func (tx *Tx) UpdateCAPA(c *capa.CAPA, expected int64, reason string) error {
	after, err := tx.changeCAPA(c.ID, expected, qms.ActionUpdate, func(cur *capa.CAPA) (string, error) {
		if !capa.CanSee(tx.Actor, cur) {
			return "", qms.Errorf(qms.KindNotFound, "CAPA not found")
		}
		if !capa.CanOpen(tx.Actor) {
			return "", qms.Errorf(qms.KindForbidden, "your role may not change CAPAs")
		}
		if !cur.Status.Active() {
			return "", qms.Errorf(qms.KindConflict, "%s is %s and can no longer change", cur.Number(), cur.Status)
		}
		in := *c
		in.Kind, in.Type, in.SupplierID, in.OpenedOn = cur.Kind, cur.Type, cur.SupplierID, cur.OpenedOn
		if err := in.Validate(); err != nil {
			return "", err
		}
		if err := tx.checkCAPARefs(&in); err != nil {
			return "", err
		}
		cur.Title, cur.Severity, cur.SiteID, cur.ProductID, cur.OwnerID, cur.Owner, cur.Sources = in.Title, in.Severity, in.SiteID, in.ProductID,
			in.OwnerID, in.Owner, in.Sources
		return strings.TrimSpace(reason), tx.writeCAPASources(cur)
	})
	if err != nil {
		return err
	}
	*c = *after
	return nil
}

// SaveCAPAStage saves the content of one stage as a draft
// (capa.CheckSaveStage: quality staff, or the supplier's user for D3 to D7
// of its own request; the stage open or returned) if the CAPA's version is
// still expected, audited. Returns invalid, not found, forbidden or
// conflict.
func (tx *Tx) SaveCAPAStage(id, expected int64, content capa.Content) (*capa.CAPA, error) {
	c, err := tx.changeCAPA(id, expected, actionSaveStage, func(cur *capa.CAPA) (string, error) {
		if err := capa.CheckSaveStage(tx.Actor, cur, content); err != nil {
			return "", err
		}
		capa.SaveStage(cur, content)
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return c, tx.capaEvent(capa.EventStageSaved, c, content.Stage(), "")
}

// SubmitCAPAStage submits a stage for review with its saved content
// complete (capa.CheckSubmitStage) if the CAPA's version is still
// expected, audited. Returns invalid, not found, forbidden or conflict.
func (tx *Tx) SubmitCAPAStage(id, expected int64, s capa.Stage) (*capa.CAPA, error) {
	c, err := tx.changeCAPA(id, expected, actionSubmitStage, func(cur *capa.CAPA) (string, error) {
		if err := capa.CheckSubmitStage(tx.Actor, cur, s); err != nil {
			return "", err
		}
		capa.SubmitStage(cur, s, tx.Actor, tx.Now)
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return c, tx.capaEvent(capa.EventStageSubmitted, c, s, "")
}

// ReviewCAPAStage accepts or returns a submitted stage with a comment the
// supplier sees (capa.CheckReviewStage: the buyer's quality manager) if
// the CAPA's version is still expected, audited and kept in the review
// history. Accepting D6 starts the effectiveness window (when the
// criterion has no start yet) and evaluates it. Returns invalid, not
// found, forbidden or conflict.
func (tx *Tx) ReviewCAPAStage(id, expected int64, s capa.Stage, decision capa.StageState, comment string) (*capa.CAPA, error) {
	c, err := tx.changeCAPA(id, expected, actionReviewStage, func(cur *capa.CAPA) (string, error) {
		var err error
		if comment, err = capa.CheckReviewStage(tx.Actor, cur, s, decision, comment); err != nil {
			return "", err
		}
		capa.ReviewStage(cur, s, decision, comment, tx.Actor, tx.Now)
		_, err = tx.Insert(`INSERT INTO capa_reviews (capa_id, stage, decision, comment, by_id, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, s, decision, comment, tx.Actor.UserID, tx.Actor.Name, tx.Now)
		return comment, err
	})
	if err != nil {
		return nil, err
	}
	t := capa.EventStageAccepted
	if decision == capa.StageReturned {
		t = capa.EventStageReturned
	}
	return c, tx.capaEvent(t, c, s, comment)
}

// SetCAPADue moves the due date of a stage not yet accepted
// (capa.CheckSetDue: a quality manager, with a reason) if the CAPA's
// version is still expected, audited, and schedules the reminder, overdue
// and escalation jobs of the new date (those of the old one find it moved
// and do nothing). Returns invalid, not found, forbidden or conflict.
func (tx *Tx) SetCAPADue(id, expected int64, s capa.Stage, due qms.Date, reason string) (*capa.CAPA, error) {
	c, err := tx.changeCAPA(id, expected, actionDueDate, func(cur *capa.CAPA) (string, error) {
		r, err := capa.CheckSetDue(tx.Actor, cur, s, due, reason)
		if err != nil {
			return "", err
		}
		capa.SetDue(cur, s, due)
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	settings, err := tx.CAPASettings()
	if err != nil {
		return nil, err
	}
	if err := tx.scheduleStageJobs(c, settings); err != nil {
		return nil, err
	}
	return c, tx.capaEvent(capa.EventDueChanged, c, s, "")
}

// SetCAPACriterion states the effectiveness criterion of an active CAPA
// (capa.CheckSetCriterion: a quality manager) if its version is still
// expected, discards the evaluation so far and evaluates it anew, audited
// with the reason. Without a start date, the window starts when D6 is
// accepted (or today, if it already is). Returns invalid, not found,
// forbidden or conflict.
func (tx *Tx) SetCAPACriterion(id, expected int64, cr capa.Criterion, reason string) (*capa.CAPA, error) {
	c, err := tx.changeCAPA(id, expected, actionCriterion, func(cur *capa.CAPA) (string, error) {
		if cur.SupplierID != 0 && cr.SupplierID == 0 {
			cr.SupplierID = cur.SupplierID
		}
		if err := capa.CheckSetCriterion(tx.Actor, cur, &cr); err != nil {
			return "", err
		}
		if cr.StartOn.IsZero() && cur.Stage(capa.D6).Done() {
			cr.StartOn = tx.today()
		}
		cur.Criterion, cur.Evaluation = &cr, nil
		return strings.TrimSpace(reason), nil
	})
	if err != nil {
		return nil, err
	}
	return c, tx.capaEvent(capa.EventCriterionSet, c, "", "")
}

// AddCAPANote adds an internal note of the buyer's staff (capa.CheckNote),
// audited. Notes are never shown to supplier users. Returns invalid, not
// found or forbidden.
func (tx *Tx) AddCAPANote(n *capa.Note) error {
	c, err := tx.CAPA(n.CAPAID)
	if err != nil {
		return err
	}
	if err := capa.CheckNote(tx.Actor, c, n); err != nil {
		return err
	}
	n.ByID, n.By, n.At = tx.Actor.UserID, tx.Actor.Name, tx.Now
	if n.ID, err = tx.Insert("INSERT INTO capa_notes (capa_id, stage, text, by_id, by_name, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		n.CAPAID, n.Stage, n.Text, n.ByID, n.By, n.At); err != nil {
		return err
	}
	return tx.Audit(entityCAPANote, n.ID, qms.ActionCreate, nil, n, "")
}

// MoveCAPA makes a lifecycle move other than closing (capa.CheckMove:
// verify, reopen, cancel; a quality manager) if the CAPA's version is
// still expected, audited with the reason. Reopening returns D4 to D7 with
// the reason and restarts the effectiveness window. Returns invalid, not
// found, forbidden or conflict; closing goes through CloseCAPA.
func (tx *Tx) MoveCAPA(id, expected int64, m capa.Move, reason string) (*capa.CAPA, error) {
	if m == capa.MoveClose {
		return nil, qms.Errorf(qms.KindInvalid, "a CAPA is closed with an electronic signature: use the close step")
	}
	c, err := tx.changeCAPA(id, expected, string(m), func(cur *capa.CAPA) (string, error) {
		to, r, err := capa.CheckMove(tx.Actor, cur, m, reason, capa.CloseInput{})
		if err != nil {
			return "", err
		}
		switch m {
		case capa.MoveReopen:
			capa.Reopen(cur, r)
		case capa.MoveCancel:
			now := tx.Now
			cur.CancelledAt = &now
		}
		cur.Status = to
		if r != "" {
			cur.StatusReason = r
		}
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	if m == capa.MoveReopen {
		settings, err := tx.CAPASettings()
		if err != nil {
			return nil, err
		}
		if err := tx.scheduleStageJobs(c, settings); err != nil {
			return nil, err
		}
	}
	t := map[capa.Move]string{capa.MoveVerify: capa.EventVerifying, capa.MoveReopen: capa.EventReopened, capa.MoveCancel: capa.EventCancelled}[m]
	return c, tx.capaEvent(t, c, "", "")
}

// CloseCAPA closes a CAPA under verification if its version is still
// expected: its criterion is evaluated now, capa.CheckMove allows the
// close (a quality manager; D8 complete; no open actions; the criterion
// passed, or an override with a reason), and the actor signs the closure
// (an electronic signature meaning "approved" over esign.CAPAClosureContent,
// which includes the override and its reason). D8 is accepted, the
// closure recorded, audited. The caller has re-authenticated the actor
// with a password. Returns invalid, not found, forbidden or conflict.
func (tx *Tx) CloseCAPA(id, expected int64, in capa.CloseInput, comment string) (*capa.CAPA, *esign.Signature, error) {
	var sig *esign.Signature
	c, err := tx.changeCAPA(id, expected, string(capa.MoveClose), func(cur *capa.CAPA) (string, error) {
		if cur.Status.Active() {
			if err := tx.evaluateInto(cur); err != nil {
				return "", err
			}
		}
		to, r, err := capa.CheckMove(tx.Actor, cur, capa.MoveClose, "", in)
		if err != nil {
			return "", err
		}
		outcome := capa.OutcomePending
		if cur.Evaluation != nil {
			outcome = cur.Evaluation.Outcome
		}
		cur.Closure = &capa.Closure{Outcome: outcome, Override: in.Override, OverrideReason: r}
		if !in.Override {
			cur.Closure.OverrideReason = ""
		}
		sig, err = tx.sign(esign.Request{RecordType: esign.CAPAClosure, EntityID: id, Meaning: esign.MeaningApproved, Comment: comment},
			esign.CAPAClosureContent(cur))
		if err != nil {
			return "", err
		}
		now := tx.Now
		cur.Closure.SignatureID, cur.Closure.ByID, cur.Closure.By, cur.Closure.At = sig.ID, tx.Actor.UserID, tx.Actor.Name, now
		capa.ReviewStage(cur, capa.D8, capa.StageAccepted, "", tx.Actor, now)
		cur.Status, cur.ClosedAt = to, &now
		return cur.Closure.OverrideReason, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return c, sig, tx.capaEvent(capa.EventClosed, c, "", "")
}

// scheduleStageJobs enqueues the reminder, overdue and escalation jobs of
// every stage of c not yet accepted (already enqueued ones are kept).
func (tx *Tx) scheduleStageJobs(c *capa.CAPA, s capa.Settings) error {
	for _, j := range capa.StageJobs(c, s, tx.Now) {
		if _, _, err := tx.Enqueue(JobSpec{Kind: j.Kind, UniqueKey: j.Key, RunAfter: j.RunAfter, Payload: j.Payload}); err != nil {
			return err
		}
	}
	return nil
}

// capaEvent enqueues the capa.event job of a change.
func (tx *Tx) capaEvent(t string, c *capa.CAPA, s capa.Stage, comment string) error {
	if t == "" {
		return nil
	}
	_, _, err := tx.Enqueue(JobSpec{Kind: capa.JobEvent, Payload: capa.NewEvent(t, c, s, comment, tx.Actor.UserID, tx.Actor.Name)})
	return err
}

// ---- Effectiveness ----

// EffectivenessSeries returns the series a criterion is judged on, from its
// start: the supplier's (and product's) lot results, not voided, not
// re-inspections of reworked lots, of the criterion's kinds, in date order,
// limited to its window; each with the units inspected and the units
// defective by the criterion's measure (for a defect code, the distinct
// sample units with a defect of that code that was not voided, counted in
// the inspection's entries; only inspections of qms count). Read through
// lot_results_effectiveness and inspection_entries_defect_code.
func (tx *Tx) EffectivenessSeries(cr capa.Criterion) ([]capa.Point, error) { return tx.series(cr, nil) }

// stmtCache keeps the statements of one transaction's evaluations: a few
// query shapes serve every criterion, and preparing (planning) them again
// for each would cost more than running them.
type stmtCache map[string]*sql.Stmt

func (c stmtCache) close() {
	for _, st := range c {
		st.Close()
	}
}

// series runs the series query of a criterion, through stmts when given.
func (tx *Tx) series(cr capa.Criterion, stmts stmtCache) ([]capa.Point, error) {
	if cr.StartOn.IsZero() {
		return []capa.Point{}, nil
	}
	var args []any
	measure := "lr.defective_units"
	switch cr.Measure() {
	case capa.MeasureClass:
		measure = map[inspection.DefectClass]string{inspection.Critical: "lr.critical_defective", inspection.Major: "lr.major_defective",
			inspection.Minor: "lr.minor_defective"}[cr.Class]
	case capa.MeasureCode:
		measure = `(SELECT COUNT(DISTINCT e.unit) FROM inspection_entries e WHERE e.inspection_id = lr.inspection_id AND e.kind = 'defect'
			AND e.code = ? AND NOT EXISTS (SELECT 1 FROM inspection_entries v WHERE v.voids = e.id))`
		args = append(args, cr.DefectCode)
	}
	q := "SELECT lr.id, lr.inspection_id, lr.inspected_on, lr.kind, lr.sample_size, " + measure +
		" FROM lot_results lr WHERE lr.supplier_id = ? AND lr.inspected_on >= ? AND lr.voided_at IS NULL AND lr.resubmitted = 0"
	args = append(args, cr.SupplierID, dateValue(cr.StartOn))
	if cr.ProductID > 0 {
		q += " AND lr.product_id = ?"
		args = append(args, cr.ProductID)
	}
	if cr.Days > 0 {
		q += " AND lr.inspected_on < ?"
		args = append(args, dateValue(cr.StartOn.AddDate(0, 0, cr.Days)))
	}
	if cr.Measure() == capa.MeasureCode {
		q += " AND lr.source = 'internal'"
	}
	if len(cr.Kinds) > 0 {
		q += " AND lr.kind IN (" + placeholders(len(cr.Kinds)) + ")"
		for _, k := range cr.Kinds {
			args = append(args, k)
		}
	}
	q += " ORDER BY lr.inspected_on, lr.id"
	if cr.Inspections > 0 {
		q += " LIMIT ?"
		args = append(args, cr.Inspections)
	}
	var rows *sql.Rows
	var err error
	if stmts == nil {
		rows, err = tx.Query(q, args...)
	} else {
		st, ok := stmts[q]
		if !ok {
			if st, err = tx.tx.PrepareContext(tx.ctx, tx.s.q(q)); err != nil {
				return nil, err
			}
			stmts[q] = st
		}
		rows, err = st.QueryContext(tx.ctx, args...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []capa.Point{}
	for rows.Next() {
		var p capa.Point
		var insp sql.NullInt64
		if err := rows.Scan(&p.LotResultID, &insp, dateDest{&p.InspectedOn}, &p.Kind, &p.Inspected, &p.Defective); err != nil {
			return nil, err
		}
		p.InspectionID = insp.Int64
		out = append(out, p)
	}
	return out, rows.Err()
}

// evaluateInto evaluates c's criterion today into c.Evaluation (nil
// before the window starts).
func (tx *Tx) evaluateInto(c *capa.CAPA) error { return tx.evaluateWith(c, nil) }

func (tx *Tx) evaluateWith(c *capa.CAPA, stmts stmtCache) error {
	if c.Criterion == nil || c.Criterion.StartOn.IsZero() {
		c.Evaluation = nil
		return nil
	}
	series, err := tx.series(*c.Criterion, stmts)
	if err != nil {
		return err
	}
	ev := capa.Evaluate(*c.Criterion, series, tx.today())
	c.Evaluation = &ev
	return nil
}

// sameEvidence reports whether two evaluations say the same (the date of
// evaluation aside).
func sameEvidence(a, b *capa.Evaluation) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Outcome == b.Outcome && a.Complete == b.Complete && a.Inspected == b.Inspected && a.Defective == b.Defective &&
		slices.Equal(a.Points, b.Points) && a.Message == b.Message
}

// EvaluateCAPA evaluates an active CAPA's criterion now and stores the
// evaluation when it changed (see storeEvaluation). Returns not found.
func (tx *Tx) EvaluateCAPA(id int64) (*capa.CAPA, error) {
	c, err := tx.capaForUpdate(id)
	if err != nil {
		return nil, err
	}
	if _, err := tx.reevaluate(c, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// reevaluate evaluates c (an active CAPA with a started criterion) and,
// when the evaluation says something new, stores it without a new version;
// a new outcome (pass or fail) is audited and published. It reports
// whether it stored anything.
func (tx *Tx) reevaluate(c *capa.CAPA, stmts stmtCache) (bool, error) {
	if !c.Status.Active() || c.Criterion == nil || c.Criterion.StartOn.IsZero() {
		return false, nil
	}
	before := c.Evaluation
	if err := tx.evaluateWith(c, stmts); err != nil {
		return false, err
	}
	if sameEvidence(before, c.Evaluation) {
		return false, nil
	}
	var critSt any = critState(c)
	if _, err := tx.Exec("UPDATE capas SET evaluation = ?, evaluated_at = ?, crit_state = ? WHERE id = ?",
		encodeJSON(c.Evaluation), tx.Now, critSt, c.ID); err != nil {
		return false, err
	}
	if before != nil && before.Outcome == c.Evaluation.Outcome {
		return true, nil
	}
	if c.Evaluation.Outcome == capa.OutcomePending {
		return true, nil
	}
	if err := tx.Audit(entityCAPA, c.ID, actionEvaluate, map[string]any{"evaluation": before}, map[string]any{"evaluation": c.Evaluation},
		"effectiveness "+string(c.Evaluation.Outcome)+": "+c.Evaluation.Message); err != nil {
		return false, err
	}
	return true, tx.capaEvent(capa.EventEffectiveness, c, "", "")
}

// EvaluateCriteriaFor evaluates the pending effectiveness criteria about a
// supplier and product (the criteria of that product and those of every
// product of the supplier), as a new lot result of theirs arrives; found
// through the partial index capas_criteria_pending, so the cost follows
// the number of matching criteria, not the number of CAPAs. It returns how
// many evaluations changed.
func (tx *Tx) EvaluateCriteriaFor(supplierID, productID int64) (int, error) {
	return tx.evaluatePending("crit_supplier_id = ? AND crit_product_id IN (?, 0)", supplierID, productID)
}

// EvaluateDueCriteria evaluates the pending effectiveness criteria whose
// days window has ended by today: the only evaluations that time alone
// changes (a new inspection changes the others, through
// EvaluateCriteriaFor). Run it daily. It returns how many evaluations
// changed.
func (tx *Tx) EvaluateDueCriteria() (int, error) {
	end := "date(crit_start_on, '+' || crit_days || ' days')"
	if tx.Dialect() == Postgres {
		end = "crit_start_on + crit_days"
	}
	return tx.evaluatePending("crit_days > 0 AND "+end+" <= ?", dateValue(tx.today()))
}

// EvaluatePendingCriteria evaluates every pending effectiveness criterion
// again: after lot results were voided or imported late with earlier
// dates, which EvaluateCriteriaFor and EvaluateDueCriteria do not see. It
// returns how many evaluations changed.
func (tx *Tx) EvaluatePendingCriteria() (int, error) { return tx.evaluatePending("1 = 1") }

func (tx *Tx) evaluatePending(cond string, args ...any) (int, error) {
	q := "SELECT " + capaColumns + " FROM capas WHERE crit_state = 'pending' AND " + cond + " ORDER BY id"
	if tx.Dialect() == Postgres {
		q += " FOR UPDATE"
	}
	cs, err := scanAllTx(tx, q, args, scanCAPA)
	if err != nil {
		return 0, err
	}
	stmts := stmtCache{}
	defer stmts.close()
	n := 0
	for i := range cs {
		changed, err := tx.reevaluate(&cs[i], stmts)
		if err != nil {
			return n, fmt.Errorf("evaluate CAPA %d: %w", cs[i].ID, err)
		}
		if changed {
			n++
		}
	}
	return n, nil
}

// CAPAStages returns the stage records of a CAPA (due dates, states,
// reviews; not the content), D0 to D8: what a list needs for the ageing.
func (tx *Tx) CAPAStages(capaID int64) ([]capa.StageRecord, error) {
	recs, err := scanAllTx(tx, `SELECT stage, due_on, state, submitted_at, submitted_by_id, submitted_by, reviewed_at, reviewed_by_id, reviewed_by,
		comment FROM capa_stages WHERE capa_id = ?`, []any{capaID}, func(sc scanner, r *capa.StageRecord) error {
		var submitted, reviewed sql.NullTime
		if err := sc.Scan(&r.Stage, dateDest{&r.DueOn}, &r.State, &submitted, &r.SubmittedByID, &r.SubmittedBy, &reviewed,
			&r.ReviewedByID, &r.ReviewedBy, &r.Comment); err != nil {
			return err
		}
		r.SubmittedAt, r.ReviewedAt = nullTime(submitted), nullTime(reviewed)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]capa.StageRecord, 0, len(capa.Stages))
	for _, s := range capa.Stages {
		i := slices.IndexFunc(recs, func(r capa.StageRecord) bool { return r.Stage == s })
		if i < 0 {
			out = append(out, capa.StageRecord{Stage: s, State: capa.StageOpen})
			continue
		}
		out = append(out, recs[i])
	}
	return out, nil
}

// SupplierUserIDs returns the ids of the enabled users of a supplier: the
// recipients of what a supplier corrective action request tells them.
func (tx *Tx) SupplierUserIDs(supplierID int64) ([]int64, error) {
	return scanAllTx(tx, "SELECT id FROM users WHERE role = ? AND supplier_id = ? AND disabled_at IS NULL ORDER BY id",
		[]any{string(qms.RoleSupplier), supplierID}, func(sc scanner, id *int64) error { return sc.Scan(id) })
}
