// Package account holds the operations on user accounts and API tokens that
// the web UI, the JSON API and the command line share: each checks the
// actor's permission, validates, and changes the store in one audited
// transaction. The actor comes from the context (qms.WithActor); the command
// line acts as qms.System.
package account

import (
	"context"
	"time"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
)

// Service performs account operations. Auth is needed only to check the
// current password in ChangeOwnPassword.
type Service struct {
	Store *store.Store
	Auth  *auth.Service
}

func actor(ctx context.Context) qms.Actor {
	a, ok := qms.ActorFrom(ctx)
	if !ok {
		return qms.Actor{} // no role: every permission check fails
	}
	return a
}

func forbidden(what string) error {
	return qms.Errorf(qms.KindForbidden, "your role may not %s", what)
}

// NewUser is the input of CreateUser. An empty Password means: generate one.
type NewUser struct {
	Email      string
	Name       string
	Role       qms.Role
	SupplierID *int64
	Password   string
}

// CreateUser creates a user and returns it with the password it was given
// (generated when none was supplied, to be shown once). Requires
// CanManageUsers. Returns invalid or conflict.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*qms.User, string, error) {
	if !qms.CanManageUsers(actor(ctx)) {
		return nil, "", forbidden("create users")
	}
	u := &qms.User{Email: in.Email, Name: in.Name, Role: in.Role, SupplierID: in.SupplierID}
	if err := u.Validate(); err != nil {
		return nil, "", err
	}
	pw := in.Password
	if pw == "" {
		pw = auth.NewPassword()
	}
	if err := qms.CheckPassword(pw); err != nil {
		return nil, "", err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return nil, "", err
	}
	err = s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(u, hash) })
	if err != nil {
		return nil, "", err
	}
	return u, pw, nil
}

// UserChange is the input of UpdateUser: the new values and the version the
// editor saw.
type UserChange struct {
	Email      string
	Name       string
	Role       qms.Role
	SupplierID *int64
	Version    int64
	Reason     string
}

// UpdateUser changes a user. Requires CanManageUsers. Returns not found,
// invalid, or conflict when the version is stale.
func (s *Service) UpdateUser(ctx context.Context, id int64, c UserChange) (*qms.User, error) {
	if !qms.CanManageUsers(actor(ctx)) {
		return nil, forbidden("change users")
	}
	u := &qms.User{ID: id, Email: c.Email, Name: c.Name, Role: c.Role, SupplierID: c.SupplierID}
	err := s.Store.Update(ctx, func(tx *store.Tx) error { return tx.UpdateUser(u, c.Version, c.Reason) })
	return u, err
}

// SetDisabled disables (ending sessions and revoking tokens) or re-enables a
// user. Requires CanManageUsers; nobody disables their own account.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool, reason string) (*qms.User, error) {
	a := actor(ctx)
	if !qms.CanManageUsers(a) {
		return nil, forbidden("disable users")
	}
	if disabled && a.UserID == id {
		return nil, qms.Errorf(qms.KindConflict, "you cannot disable your own account; ask another administrator")
	}
	var u *qms.User
	err := s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SetUserDisabled(id, disabled, reason); err != nil {
			return err
		}
		var err error
		u, err = tx.User(id)
		return err
	})
	return u, err
}

// ResetPassword sets a new password for a user (generated when pw is empty)
// and returns it, ending the user's sessions. Requires CanManageUsers; users
// change their own password with ChangeOwnPassword.
func (s *Service) ResetPassword(ctx context.Context, id int64, pw, reason string) (string, error) {
	if !qms.CanManageUsers(actor(ctx)) {
		return "", forbidden("reset passwords; change your own on your account page")
	}
	if pw == "" {
		pw = auth.NewPassword()
	}
	if err := qms.CheckPassword(pw); err != nil {
		return "", err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return "", err
	}
	return pw, s.Store.Update(ctx, func(tx *store.Tx) error { return tx.SetPassword(id, hash, reason) })
}

// ChangeOwnPassword replaces the signed-in user's password after checking
// the current one under sign-in throttling, and ends all their sessions.
// Returns invalid (the field current_password names a wrong password), too
// many, or unauthenticated when there is no signed-in user.
func (s *Service) ChangeOwnPassword(ctx context.Context, current, pw, addr string) error {
	a := actor(ctx)
	if a.UserID == 0 {
		return qms.Errorf(qms.KindUnauthenticated, "sign in to change your password")
	}
	if err := qms.CheckPassword(pw); err != nil {
		return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"new_password": qms.ErrorFields(err)["password"]}}
	}
	if _, err := s.Auth.Reauthenticate(ctx, a.Email, current, addr); err != nil {
		if qms.ErrorKind(err) == qms.KindUnauthenticated {
			return &qms.Error{Kind: qms.KindInvalid, Message: "Some fields are not valid", Fields: map[string]string{"current_password": "is not your current password"}}
		}
		return err
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx *store.Tx) error { return tx.SetPassword(a.UserID, hash, "changed own password") })
}

// UserByEmail returns a user by e-mail address. Requires CanListUsers.
func (s *Service) UserByEmail(ctx context.Context, email string) (*qms.User, error) {
	if !qms.CanListUsers(actor(ctx)) {
		return nil, forbidden("see users")
	}
	var u *qms.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, _, err = tx.UserByEmail(email)
		return err
	})
	return u, err
}

// User returns a user by id. Requires CanListUsers, or being that user.
func (s *Service) User(ctx context.Context, id int64) (*qms.User, error) {
	if a := actor(ctx); !qms.CanListUsers(a) && a.UserID != id {
		return nil, forbidden("see other users")
	}
	var u *qms.User
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, err = tx.User(id)
		return err
	})
	return u, err
}

// ListUsers lists users. Requires CanListUsers.
func (s *Service) ListUsers(ctx context.Context, f store.UserFilter) ([]qms.User, int64, error) {
	if !qms.CanListUsers(actor(ctx)) {
		return nil, 0, forbidden("see users")
	}
	return s.Store.ListUsers(ctx, f)
}

// CreateToken creates an API token for a user and returns it with its secret,
// which is shown once and never stored. Requires CanManageTokens.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string, expires *time.Time) (*store.Token, string, error) {
	if !qms.CanManageTokens(actor(ctx), userID) {
		return nil, "", forbidden("create API tokens for this user")
	}
	secret := auth.NewSecret(auth.TokenPrefix)
	t := &store.Token{UserID: userID, Name: name, Prefix: secret[:len(auth.TokenPrefix)+6], ExpiresAt: expires}
	err := s.Store.Update(ctx, func(tx *store.Tx) error { return tx.CreateToken(t, auth.HashSecret(secret)) })
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes an API token. Requires CanManageTokens for its owner.
func (s *Service) RevokeToken(ctx context.Context, id int64, reason string) error {
	return s.Store.Update(ctx, func(tx *store.Tx) error {
		t, err := tx.Token(id)
		if err != nil {
			return err
		}
		if !qms.CanManageTokens(actor(ctx), t.UserID) {
			return forbidden("revoke this API token")
		}
		return tx.RevokeToken(id, reason)
	})
}

// ListTokens lists a user's tokens (all users' for userID 0, admins only).
func (s *Service) ListTokens(ctx context.Context, userID int64) ([]store.Token, error) {
	a := actor(ctx)
	if userID == 0 && !qms.CanManageUsers(a) || userID != 0 && !qms.CanManageTokens(a, userID) && !qms.CanListUsers(a) {
		return nil, forbidden("see these API tokens")
	}
	return s.Store.ListTokens(ctx, userID)
}

// ListAudit lists audit events. Requires CanViewAuditLog.
func (s *Service) ListAudit(ctx context.Context, f store.AuditFilter) ([]qms.AuditEvent, int64, error) {
	if !qms.CanViewAuditLog(actor(ctx)) {
		return nil, 0, forbidden("see the audit trail")
	}
	return s.Store.ListAudit(ctx, f)
}
