package store

import (
	"qms/internal/process"
	"qms/internal/qms"
)

// The process register (ISO 9001 4.4, 5.3). Only a quality manager
// changes it (qms.CanApprove); every change is audited.

const entityProcess = "process"

const processColumns = `id, name, purpose, owner_id, owner_name, inputs, outputs, kpis, created_at, updated_at, voided_at, version`

func scanProcess(sc scanner, p *process.Process) error {
	if err := sc.Scan(&p.ID, &p.Name, &p.Purpose, &p.OwnerID, &p.OwnerName, &p.Inputs, &p.Outputs, &p.KPIs, &p.CreatedAt, &p.UpdatedAt,
		&p.VoidedAt, &p.Version); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return nil
}

// Process returns a process. Returns not found.
func (tx *Tx) Process(id int64) (*process.Process, error) {
	var p process.Process
	if err := scanProcess(tx.QueryRow("SELECT "+processColumns+" FROM processes WHERE id = ?", id), &p); err != nil {
		return nil, mapError(err, "process")
	}
	return &p, nil
}

// Processes returns the processes of the register by name (not voided).
func (tx *Tx) Processes() ([]process.Process, error) {
	return scanAllTx(tx, "SELECT "+processColumns+" FROM processes WHERE voided_at IS NULL ORDER BY name_key", nil, scanProcess)
}

// processOwner checks the owner of a process or risk: an active member of
// the quality staff. It returns the owner's name.
func (tx *Tx) staffName(field string, id int64) (string, error) {
	u, err := tx.User(id)
	switch {
	case qms.ErrorKind(err) == qms.KindNotFound:
		return "", &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{field: "is not a user"}}
	case err != nil:
		return "", err
	case u.Disabled || u.Role == qms.RoleSupplier:
		return "", &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid",
			Fields: map[string]string{field: "must be an active member of the quality staff"}}
	}
	return u.Name, nil
}

func canManageRegister(a qms.Actor) error {
	if !qms.CanApprove(a) {
		return qms.Errorf(qms.KindForbidden, "only a quality manager can change the process register and the risk register")
	}
	return nil
}

// CreateProcess adds a process to the register. Returns forbidden,
// invalid or conflict (a taken name).
func (tx *Tx) CreateProcess(p *process.Process) error {
	if err := canManageRegister(tx.Actor); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	var err error
	if p.OwnerName, err = tx.staffName("owner_id", p.OwnerID); err != nil {
		return err
	}
	p.ID, err = tx.Insert(`INSERT INTO processes (name, name_key, purpose, owner_id, owner_name, inputs, outputs, kpis, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Name, process.NameKey(p.Name), p.Purpose, p.OwnerID, p.OwnerName, p.Inputs, p.Outputs, p.KPIs,
		tx.Now, tx.Now)
	if err != nil {
		return mapError(err, "A process named "+p.Name)
	}
	saved, err := tx.Process(p.ID)
	if err != nil {
		return err
	}
	*p = *saved
	return tx.Audit(entityProcess, p.ID, qms.ActionCreate, nil, p, "")
}

// UpdateProcess changes a process if it is still at version expected.
// Returns forbidden, invalid, not found or conflict.
func (tx *Tx) UpdateProcess(p *process.Process, expected int64, reason string) error {
	if err := canManageRegister(tx.Actor); err != nil {
		return err
	}
	before, err := tx.Process(p.ID)
	if err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.OwnerName, err = tx.staffName("owner_id", p.OwnerID); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE processes SET name = ?, name_key = ?, purpose = ?, owner_id = ?, owner_name = ?, inputs = ?, outputs = ?, kpis = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`, p.Name, process.NameKey(p.Name), p.Purpose, p.OwnerID, p.OwnerName,
		p.Inputs, p.Outputs, p.KPIs, tx.Now, p.ID, expected)
	if err != nil {
		return mapError(err, "A process named "+p.Name)
	}
	if err := CheckVersion(res, "This process"); err != nil {
		return err
	}
	after, err := tx.Process(p.ID)
	if err != nil {
		return err
	}
	*p = *after
	return tx.Audit(entityProcess, p.ID, qms.ActionUpdate, before, after, reason)
}
