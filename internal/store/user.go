package store

import (
	"context"
	"database/sql"
	"strings"

	"qms/internal/qms"
)

const userColumns = "id, email, name, role, supplier_id, disabled_at, last_login_at, created_at, updated_at, version"

// scanUser scans userColumns, then any extra columns into extra.
func scanUser(sc scanner, u *qms.User, extra ...any) error {
	var supplier sql.NullInt64
	var disabled, last sql.NullTime
	dest := append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &supplier, &disabled, &last, &u.CreatedAt, &u.UpdatedAt, &u.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	u.SupplierID = nil
	if supplier.Valid {
		u.SupplierID = &supplier.Int64
	}
	u.Disabled = disabled.Valid
	u.LastLogin = nil
	if last.Valid {
		t := last.Time.UTC()
		u.LastLogin = &t
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return nil
}

// CreateUser validates u and inserts it with the given password hash, audited.
// Returns an invalid error for bad fields and a conflict when the e-mail
// address is taken.
func (tx *Tx) CreateUser(u *qms.User, passwordHash string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt, u.Version = tx.Now, tx.Now, 1
	id, err := tx.Insert(`INSERT INTO users (email, name, role, supplier_id, password_hash, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1)`, u.Email, u.Name, u.Role, u.SupplierID, passwordHash, tx.Now, tx.Now)
	if err != nil {
		err = mapError(err, "a user with e-mail "+u.Email)
		if qms.ErrorKind(err) == qms.KindConflict {
			return &qms.Error{Kind: qms.KindConflict, Message: "a user with this e-mail address already exists",
				Fields: map[string]string{"email": "is already used by another user"}}
		}
		return err
	}
	u.ID = id
	return tx.Audit("user", id, qms.ActionCreate, nil, u, "")
}

// User returns the user with the given id. Returns not found.
func (tx *Tx) User(id int64) (*qms.User, error) {
	var u qms.User
	err := scanUser(tx.QueryRow("SELECT "+userColumns+" FROM users WHERE id = ?", id), &u)
	return &u, mapError(err, "user")
}

// UserByEmail returns the user with the given e-mail address and the
// password hash. Returns not found.
func (tx *Tx) UserByEmail(email string) (*qms.User, string, error) {
	var u qms.User
	var hash string
	row := tx.QueryRow("SELECT "+userColumns+", password_hash FROM users WHERE email = ?", qms.NormalizeEmail(email))
	err := scanUser(row, &u, &hash)
	return &u, hash, mapError(err, "user")
}

// UpdateUser changes name, role and supplier of a user if its version is
// still expected, audited with the reason. Returns not found, invalid or a
// conflict on a stale version.
func (tx *Tx) UpdateUser(u *qms.User, expected int64, reason string) error {
	before, err := tx.User(u.ID)
	if err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(`UPDATE users SET email = ?, name = ?, role = ?, supplier_id = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, u.Email, u.Name, u.Role, u.SupplierID, tx.Now, u.ID, expected)
	if err != nil {
		return mapError(err, "a user with e-mail "+u.Email)
	}
	if err := CheckVersion(res, "This user"); err != nil {
		return err
	}
	after, err := tx.User(u.ID)
	if err != nil {
		return err
	}
	*u = *after
	return tx.Audit("user", u.ID, qms.ActionUpdate, before, after, reason)
}

// SetUserDisabled disables or re-enables a user, ending their sessions and
// revoking their tokens when disabling, audited.
func (tx *Tx) SetUserDisabled(id int64, disabled bool, reason string) error {
	before, err := tx.User(id)
	if err != nil {
		return err
	}
	var at any
	if disabled {
		at = tx.Now
	}
	if _, err := tx.Exec("UPDATE users SET disabled_at = ?, updated_at = ?, version = version + 1 WHERE id = ?", at, tx.Now, id); err != nil {
		return err
	}
	if disabled {
		if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", tx.Now, id); err != nil {
			return err
		}
	}
	after, err := tx.User(id)
	if err != nil {
		return err
	}
	return tx.Audit("user", id, qms.ActionUpdate, before, after, reason)
}

// SetPassword replaces a user's password hash and ends their sessions,
// audited without the hash.
func (tx *Tx) SetPassword(id int64, passwordHash, reason string) error {
	res, err := tx.Exec("UPDATE users SET password_hash = ?, updated_at = ?, version = version + 1 WHERE id = ?", passwordHash, tx.Now, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return qms.Errorf(qms.KindNotFound, "user not found")
	}
	if _, err := tx.Exec("DELETE FROM sessions WHERE user_id = ?", id); err != nil {
		return err
	}
	return tx.Audit("user", id, qms.ActionUpdate, nil, map[string]any{"password": "changed"}, reason)
}

// RecordLogin sets the user's last login time (not audited: not a record change).
func (tx *Tx) RecordLogin(id int64) error {
	_, err := tx.Exec("UPDATE users SET last_login_at = ? WHERE id = ?", tx.Now, id)
	return err
}

// UserFilter selects users. Zero fields do not filter.
type UserFilter struct {
	Query    string // part of the name or e-mail
	Role     qms.Role
	After    int64 // cursor: users with id > After
	Limit    int
	Disabled *bool
}

// ListUsers returns users by id and the cursor of the next page (0 if none).
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]qms.User, int64, error) {
	var where []string
	var args []any
	if f.Query != "" {
		where = append(where, "(LOWER(name) LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')")
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		args = append(args, like, like)
	}
	if f.Role != "" {
		where, args = append(where, "role = ?"), append(args, f.Role)
	}
	if f.Disabled != nil {
		if *f.Disabled {
			where = append(where, "disabled_at IS NOT NULL")
		} else {
			where = append(where, "disabled_at IS NULL")
		}
	}
	if f.After > 0 {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	q := "SELECT " + userColumns + " FROM users"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return listPage(ctx, s, q+" ORDER BY id LIMIT ?", args, f.Limit,
		func(sc scanner, u *qms.User) error { return scanUser(sc, u) },
		func(u *qms.User) int64 { return u.ID })
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CountUsers returns the number of users.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n)
	return n, err
}
