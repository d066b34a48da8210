package store

import (
	"strings"

	"qms/internal/process"
	"qms/internal/qms"
)

// The register of risks and opportunities (ISO 9001 6.1) with the actions
// that treat them. Only a quality manager changes it; every change is
// audited.

const (
	entityRisk       = "risk"
	entityRiskAction = "risk_action"
	actionDone       = "done"
)

const riskColumns = `k.id, k.kind, k.title, k.description, k.process_id, COALESCE(p.name, ''), k.supplier_id, COALESCE(s.name, ''), k.likelihood,
	k.severity, k.score, k.level, k.treatment, k.owner_id, k.owner_name, k.review_on, k.status, k.created_at, k.updated_at, k.version`

const riskFrom = ` FROM risks k LEFT JOIN processes p ON p.id = k.process_id LEFT JOIN suppliers s ON s.id = k.supplier_id`

func scanRisk(sc scanner, r *process.Risk) error {
	if err := sc.Scan(&r.ID, &r.Kind, &r.Title, &r.Description, &r.ProcessID, &r.ProcessName, &r.SupplierID, &r.SupplierName, &r.Likelihood,
		&r.Severity, &r.Score, &r.Level, &r.Treatment, &r.OwnerID, &r.OwnerName, dateDest{&r.ReviewOn}, &r.Status, &r.CreatedAt, &r.UpdatedAt,
		&r.Version); err != nil {
		return err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.Actions = []process.RiskAction{}
	return nil
}

const riskActionColumns = `id, risk_id, description, owner_id, owner_name, due_on, status, done_at, created_at, version`

func scanRiskAction(sc scanner, a *process.RiskAction) error {
	if err := sc.Scan(&a.ID, &a.RiskID, &a.Description, &a.OwnerID, &a.OwnerName, dateDest{&a.DueOn}, &a.Status, &a.DoneAt, &a.CreatedAt,
		&a.Version); err != nil {
		return err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return nil
}

// Risk returns a risk with its actions. Returns not found.
func (tx *Tx) Risk(id int64) (*process.Risk, error) {
	var r process.Risk
	if err := scanRisk(tx.QueryRow("SELECT "+riskColumns+riskFrom+" WHERE k.id = ?", id), &r); err != nil {
		return nil, mapError(err, "risk")
	}
	var err error
	r.Actions, err = scanAllTx(tx, "SELECT "+riskActionColumns+" FROM risk_actions WHERE risk_id = ? ORDER BY due_on, id", []any{id}, scanRiskAction)
	return &r, err
}

// RiskFilter selects risks.
type RiskFilter struct {
	ProcessID  int64
	SupplierID int64
	Open       bool // only open ones
}

// Risks returns the risks matching f, highest score first, without their
// actions.
func (tx *Tx) Risks(f RiskFilter) ([]process.Risk, error) {
	var where []string
	var args []any
	if f.ProcessID > 0 {
		where, args = append(where, "k.process_id = ?"), append(args, f.ProcessID)
	}
	if f.SupplierID > 0 {
		where, args = append(where, "k.supplier_id = ?"), append(args, f.SupplierID)
	}
	if f.Open {
		where = append(where, "k.status = 'open'")
	}
	q := "SELECT " + riskColumns + riskFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return scanAllTx(tx, q+" ORDER BY k.status DESC, k.score DESC, k.review_on, k.id", args, scanRisk)
}

func (tx *Tx) checkRiskRefs(r *process.Risk) error {
	var err error
	if r.OwnerName, err = tx.staffName("owner_id", r.OwnerID); err != nil {
		return err
	}
	if r.ProcessID != nil {
		if _, err := tx.Process(*r.ProcessID); qms.ErrorKind(err) == qms.KindNotFound {
			return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"process_id": "is not a process of the register"}}
		} else if err != nil {
			return err
		}
	}
	if r.SupplierID != nil {
		var n int
		if err := tx.QueryRow("SELECT COUNT(*) FROM suppliers WHERE id = ?", *r.SupplierID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"supplier_id": "is not a supplier"}}
		}
	}
	return nil
}

// CreateRisk adds a risk or opportunity to the register. Returns
// forbidden or invalid.
func (tx *Tx) CreateRisk(r *process.Risk) error {
	if err := canManageRegister(tx.Actor); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := tx.checkRiskRefs(r); err != nil {
		return err
	}
	var err error
	r.ID, err = tx.Insert(`INSERT INTO risks (kind, title, description, process_id, supplier_id, likelihood, severity, score, level, treatment,
		owner_id, owner_name, review_on, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Kind, r.Title, r.Description, r.ProcessID, r.SupplierID, r.Likelihood, r.Severity, r.Score, r.Level, r.Treatment, r.OwnerID, r.OwnerName,
		dateValue(r.ReviewOn), r.Status, tx.Now, tx.Now)
	if err != nil {
		return err
	}
	saved, err := tx.Risk(r.ID)
	if err != nil {
		return err
	}
	*r = *saved
	return tx.Audit(entityRisk, r.ID, qms.ActionCreate, nil, r, "")
}

// UpdateRisk changes a risk (its assessment, owner, links, review date or
// status) if it is still at version expected. Returns forbidden, invalid,
// not found or conflict.
func (tx *Tx) UpdateRisk(r *process.Risk, expected int64, reason string) error {
	if err := canManageRegister(tx.Actor); err != nil {
		return err
	}
	before, err := tx.Risk(r.ID)
	if err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if err := tx.checkRiskRefs(r); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE risks SET kind = ?, title = ?, description = ?, process_id = ?, supplier_id = ?, likelihood = ?, severity = ?, score = ?,
		level = ?, treatment = ?, owner_id = ?, owner_name = ?, review_on = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		r.Kind, r.Title, r.Description, r.ProcessID, r.SupplierID, r.Likelihood, r.Severity, r.Score, r.Level, r.Treatment, r.OwnerID, r.OwnerName,
		dateValue(r.ReviewOn), r.Status, tx.Now, r.ID, expected)
	if err != nil {
		return err
	}
	if err := CheckVersion(res, "This risk"); err != nil {
		return err
	}
	after, err := tx.Risk(r.ID)
	if err != nil {
		return err
	}
	*r = *after
	return tx.Audit(entityRisk, r.ID, qms.ActionUpdate, before, after, reason)
}

// AddRiskAction adds an action to a risk. Returns forbidden, invalid or
// not found.
func (tx *Tx) AddRiskAction(a *process.RiskAction) error {
	if err := canManageRegister(tx.Actor); err != nil {
		return err
	}
	if _, err := tx.Risk(a.RiskID); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	var err error
	if a.OwnerName, err = tx.staffName("owner_id", a.OwnerID); err != nil {
		return err
	}
	a.Status = process.ActionOpen
	if a.ID, err = tx.Insert(`INSERT INTO risk_actions (risk_id, description, owner_id, owner_name, due_on, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.RiskID, a.Description, a.OwnerID, a.OwnerName, dateValue(a.DueOn), a.Status, tx.Now, tx.Now); err != nil {
		return err
	}
	a.CreatedAt, a.Version = tx.Now.UTC(), 1
	return tx.Audit(entityRiskAction, a.ID, qms.ActionCreate, nil, a, "")
}

// CompleteRiskAction marks an open action done: by its owner or a quality
// manager. Returns forbidden, not found or conflict.
func (tx *Tx) CompleteRiskAction(id int64, note string) (*process.RiskAction, error) {
	var a process.RiskAction
	if err := scanRiskAction(tx.QueryRow("SELECT "+riskActionColumns+" FROM risk_actions WHERE id = ?", id), &a); err != nil {
		return nil, mapError(err, "action")
	}
	if !qms.CanApprove(tx.Actor) && tx.Actor.UserID != a.OwnerID {
		return nil, qms.Errorf(qms.KindForbidden, "only the action's owner or a quality manager can mark it done")
	}
	if a.Status != process.ActionOpen {
		return nil, qms.Errorf(qms.KindConflict, "this action is done already")
	}
	before := a
	res, err := tx.Exec("UPDATE risk_actions SET status = 'done', done_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?",
		tx.Now, tx.Now, id, a.Version)
	if err != nil {
		return nil, err
	}
	if err := CheckVersion(res, "This action"); err != nil {
		return nil, err
	}
	now := tx.Now.UTC()
	a.Status, a.DoneAt, a.Version = process.ActionDone, &now, a.Version+1
	return &a, tx.Audit(entityRiskAction, id, actionDone, before, a, strings.TrimSpace(note))
}

// RisksDueForReview returns the open risks whose review date is on or
// before day by, the earliest first.
func (tx *Tx) RisksDueForReview(by qms.Date) ([]process.Risk, error) {
	return scanAllTx(tx, "SELECT "+riskColumns+riskFrom+" WHERE k.status = 'open' AND k.review_on <= ? ORDER BY k.review_on, k.id",
		[]any{dateValue(by)}, scanRisk)
}
