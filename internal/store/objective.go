package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"qms/internal/objective"
	"qms/internal/qms"
)

// Quality objectives (ISO 9001 6.2): the objective records, and the
// monthly samples of each metric computed live from the records they
// measure (lot results, CAPAs, NCRs, suppliers and certificates).

const entityObjective = "objective"

const objectiveColumns = `id, title, metric, comparison, target, owner_id, owner_name, period_from, period_to, notes, voided_at, void_reason,
	created_at, updated_at, version`

func scanObjective(sc scanner, o *objective.Objective) error {
	var voided sql.NullTime
	if err := sc.Scan(&o.ID, &o.Title, &o.Metric, &o.Comparison, &o.Target, &o.OwnerID, &o.Owner, &o.From, &o.To, &o.Notes, &voided, &o.VoidReason,
		&o.CreatedAt, &o.UpdatedAt, &o.Version); err != nil {
		return err
	}
	o.VoidedAt = nullTime(voided)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return nil
}

// Objective returns one objective. Returns not found.
func (tx *Tx) Objective(id int64) (*objective.Objective, error) {
	var o objective.Objective
	if err := scanObjective(tx.QueryRow("SELECT "+objectiveColumns+" FROM objectives WHERE id = ?", id), &o); err != nil {
		return nil, mapError(err, "objective")
	}
	return &o, nil
}

// Objectives returns the objectives not voided, the latest period first;
// with current, only those whose period includes the month of today.
func (tx *Tx) Objectives(current bool) ([]objective.Objective, error) {
	q := "SELECT " + objectiveColumns + " FROM objectives WHERE voided_at IS NULL"
	var args []any
	if current {
		m := string(objective.MonthOf(tx.today()))
		q += " AND period_from <= ? AND period_to >= ?"
		args = append(args, m, m)
	}
	return scanAllTx(tx, q+" ORDER BY period_to DESC, id", args, scanObjective)
}

// CreateObjective validates and stores a new objective, audited. Returns
// invalid.
func (tx *Tx) CreateObjective(o *objective.Objective) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt, o.Version, o.VoidedAt, o.VoidReason = tx.Now, tx.Now, 1, nil, ""
	var err error
	if o.ID, err = tx.Insert(`INSERT INTO objectives (title, metric, comparison, target, owner_id, owner_name, period_from, period_to, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.Title, o.Metric, o.Comparison, o.Target, o.OwnerID, o.Owner, o.From, o.To, o.Notes, tx.Now, tx.Now); err != nil {
		return err
	}
	return tx.Audit(entityObjective, o.ID, qms.ActionCreate, nil, o, "")
}

// UpdateObjective changes an objective if it is still at version
// expected, audited. Returns invalid, not found or conflict.
func (tx *Tx) UpdateObjective(o *objective.Objective, expected int64, reason string) error {
	before, err := tx.Objective(o.ID)
	if err != nil {
		return err
	}
	if before.VoidedAt != nil {
		return alreadyVoided("This objective")
	}
	if err := o.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE objectives SET title = ?, metric = ?, comparison = ?, target = ?, owner_id = ?, owner_name = ?, period_from = ?,
		period_to = ?, notes = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		o.Title, o.Metric, o.Comparison, o.Target, o.OwnerID, o.Owner, o.From, o.To, o.Notes, tx.Now, o.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This objective"); err != nil {
		return err
	}
	after, err := tx.Objective(o.ID)
	if err != nil {
		return err
	}
	*o = *after
	return tx.Audit(entityObjective, o.ID, qms.ActionUpdate, before, after, strings.TrimSpace(reason))
}

// VoidObjective voids an objective with a reason. Returns invalid, not
// found or conflict.
func (tx *Tx) VoidObjective(id, expected int64, reason string) error {
	return voidRecord(tx, "objectives", entityObjective, "This objective", id, expected, reason, tx.Objective,
		func(o *objective.Objective) bool { return o.VoidedAt != nil })
}

// EvaluateObjective computes an objective over its period from the data.
func (tx *Tx) EvaluateObjective(o objective.Objective) (objective.Result, error) {
	samples, err := tx.ObjectiveSamples(o.Metric, o.From, o.To)
	if err != nil {
		return objective.Result{}, err
	}
	return objective.Evaluate(o, samples), nil
}

// EvaluateObjectives evaluates the objectives (not voided; current: those
// of this month), each metric's samples read once.
func (tx *Tx) EvaluateObjectives(current bool) ([]objective.Result, error) {
	objs, err := tx.Objectives(current)
	if err != nil {
		return nil, err
	}
	out := make([]objective.Result, 0, len(objs))
	for _, o := range objs {
		r, err := tx.EvaluateObjective(o)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// ObjectiveSamples returns the monthly samples of metric over the months
// from..to (a snapshot metric: one sample for the month of today).
func (tx *Tx) ObjectiveSamples(m objective.Metric, from, to objective.Month) ([]objective.Sample, error) {
	switch m {
	case objective.LotAcceptance, objective.InspectionRejection:
		return tx.lotSamples(m, from, to)
	case objective.CAPAOnTime:
		return tx.capaOnTimeSamples(from, to)
	case objective.NCRCount:
		return tx.ncrCountSamples(from, to)
	case objective.ApprovedExpiredCertificates:
		names, err := tx.ApprovedSuppliersWithExpiredCertificates()
		if err != nil {
			return nil, err
		}
		return []objective.Sample{{Month: objective.MonthOf(tx.today()), Num: float64(len(names)), Den: 1}}, nil
	}
	return nil, qms.Errorf(qms.KindInvalid, "unknown metric %q", m)
}

// lotSamples reads the monthly roll-up of lot results (per supplier, so
// that every lot counts once): first submissions accepted out of first
// submissions (first articles left out), or lots rejected out of all lots.
func (tx *Tx) lotSamples(m objective.Metric, from, to objective.Month) ([]objective.Sample, error) {
	num := "SUM(lots) - SUM(rejected)"
	where := " AND resubmitted = 0 AND kind <> 'first_article'"
	if m == objective.InspectionRejection {
		num, where = "SUM(rejected)", ""
	}
	rows, err := tx.Query(`SELECT month, `+num+`, SUM(lots) FROM lot_result_months WHERE scope = 'supplier' AND month >= ? AND month <= ?`+where+
		` GROUP BY month ORDER BY month`, string(from), string(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []objective.Sample
	for rows.Next() {
		var s objective.Sample
		var n, d int64
		if err := rows.Scan(&s.Month, &n, &d); err != nil {
			return nil, err
		}
		s.Num, s.Den = float64(n), float64(d)
		out = append(out, s)
	}
	return out, rows.Err()
}

// capaOnTimeSamples counts the CAPAs closed in each month and those closed
// on or before the due date of their last stage.
func (tx *Tx) capaOnTimeSamples(from, to objective.Month) ([]objective.Sample, error) {
	start, end := from.First().Time(), to.Next().First().Time()
	rows, err := tx.Query(`SELECT c.closed_at, (SELECT MAX(s.due_on) FROM capa_stages s WHERE s.capa_id = c.id)
		FROM capas c WHERE c.status = 'closed' AND c.closed_at >= ? AND c.closed_at < ?`, start, end)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[objective.Month]*objective.Sample{}
	var order []objective.Month
	for rows.Next() {
		var closed time.Time
		var due qms.Date
		if err := rows.Scan(&closed, dateDest{&due}); err != nil {
			return nil, err
		}
		m := objective.MonthOf(qms.DateOf(closed))
		s := by[m]
		if s == nil {
			s = &objective.Sample{Month: m}
			by[m] = s
			order = append(order, m)
		}
		s.Den++
		if due.IsZero() || !due.Before(qms.DateOf(closed)) {
			s.Num++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]objective.Sample, 0, len(order))
	for _, m := range order {
		out = append(out, *by[m])
	}
	return out, nil
}

// ncrCountSamples counts the NCRs (not voided) detected in each month.
func (tx *Tx) ncrCountSamples(from, to objective.Month) ([]objective.Sample, error) {
	rows, err := tx.Query(`SELECT detected_on, COUNT(*) FROM ncrs WHERE detected_on >= ? AND detected_on < ? AND status <> 'voided'
		GROUP BY detected_on`, from.First().String(), to.Next().First().String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	by := map[objective.Month]float64{}
	for rows.Next() {
		var d qms.Date
		var n int64
		if err := rows.Scan(dateDest{&d}, &n); err != nil {
			return nil, err
		}
		by[objective.MonthOf(d)] += float64(n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []objective.Sample
	for _, m := range objective.Months(from, to) {
		// A month without NCRs counts zero: the count is known.
		out = append(out, objective.Sample{Month: m, Num: by[m], Den: 1})
	}
	return out, nil
}

// ApprovedSuppliersWithExpiredCertificates returns the names of the
// approved (or conditionally approved) suppliers, not voided, holding a
// certificate of a standard whose latest accepted certificate (not voided)
// expired before today: expired and not renewed.
func (tx *Tx) ApprovedSuppliersWithExpiredCertificates() ([]string, error) {
	rows, err := tx.Query(`SELECT s.name FROM suppliers s WHERE s.status IN ('approved','conditionally_approved') AND s.voided_at IS NULL
		AND EXISTS (SELECT 1 FROM certificates c WHERE c.supplier_id = s.id AND c.voided_at IS NULL AND c.review = 'accepted'
			AND c.expiry_date IS NOT NULL GROUP BY c.standard_key HAVING MAX(c.expiry_date) < ?)
		ORDER BY s.sort_key, s.id`, tx.today().String())
	if err != nil {
		return nil, fmt.Errorf("approved suppliers with expired certificates: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
