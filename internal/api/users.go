package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/account"
	"qms/internal/qms"
	"qms/internal/store"
)

// Role is a user's role; its schema lists qms.Roles, so the document
// follows the domain.
type Role string

// Schema implements huma.SchemaProvider.
func (Role) Schema(huma.Registry) *huma.Schema {
	s := &huma.Schema{Type: huma.TypeString, Description: "The role, which decides what the user may do."}
	for _, r := range qms.Roles {
		s.Enum = append(s.Enum, string(r))
	}
	return s
}

// User is a user account as the API shows it.
type User struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email" doc:"The e-mail address, lower-case; also the sign-in name."`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	SupplierID *int64     `json:"supplier_id,omitempty" doc:"The supplier a supplier user belongs to; absent for other roles."`
	Disabled   bool       `json:"disabled" doc:"A disabled user cannot sign in and their API tokens are revoked."`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	LastLogin  *time.Time `json:"last_login,omitempty" doc:"The last sign-in to the web UI, if any."`
	Version    int64      `json:"version" doc:"Increases with every change; send it back with PATCH."`
}

func userOut(u *qms.User) User {
	return User{ID: u.ID, Email: u.Email, Name: u.Name, Role: Role(u.Role), SupplierID: u.SupplierID, Disabled: u.Disabled,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, LastLogin: u.LastLogin, Version: u.Version}
}

// MaxReasonLen is the longest reason accepted for a change.
const MaxReasonLen = 1000

// checkReason reports a reason that holds control characters other than
// tabs and line breaks (its length and UTF-8 are checked before).
func checkReason(location, reason string) error {
	for _, r := range reason {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return Invalid(location, "contains a control character")
		}
	}
	return nil
}

// UserID is the path parameter of the operations on one user.
type UserID struct {
	ID int64 `path:"id" minimum:"1" doc:"The id of the user."`
}

type userOutput struct {
	Body User
}

type listUsersInput struct {
	Q        string `query:"q" maxLength:"200" doc:"Part of the name or e-mail address (case-insensitive)."`
	Role     Role   `query:"role"`
	Disabled string `query:"disabled" enum:"true,false" doc:"Only disabled (true) or only active (false) users."`
	PageParams
}

type listUsersOutput struct {
	Body Page[User]
}

// CreateUserRequest is the body of POST /users.
type CreateUserRequest struct {
	Email      string `json:"email" maxLength:"254" doc:"The e-mail address; must not be used by another user."`
	Name       string `json:"name" maxLength:"200" doc:"The name shown in the UI and the audit trail."`
	Role       Role   `json:"role"`
	SupplierID *int64 `json:"supplier_id,omitempty" minimum:"1" doc:"Required for, and only allowed for, the supplier role."`
	Password   string `json:"password,omitempty" doc:"At least 12 characters. Omit it to have one generated and returned once."`
}

type createUserInput struct {
	Body CreateUserRequest
}

// CreateUserResponse is the answer to POST /users.
type CreateUserResponse struct {
	User     User   `json:"user"`
	Password string `json:"password,omitempty" doc:"The generated password, shown this once; absent when the request gave one."`
}

type createUserOutput struct {
	Location string `header:"Location"`
	Body     CreateUserResponse
}

// UpdateUserRequest is the body of PATCH /users/{id}: the fields to
// change (absent or null: unchanged), and the version the change is based on.
type UpdateUserRequest struct {
	Email      *string `json:"email,omitempty" maxLength:"254"`
	Name       *string `json:"name,omitempty" maxLength:"200"`
	Role       *Role   `json:"role,omitempty" doc:"Changing the role away from supplier clears supplier_id."`
	SupplierID *int64  `json:"supplier_id,omitempty" minimum:"1"`
	Version    int64   `json:"version" minimum:"1" doc:"The version of the user the change is based on; a stale version gets 409."`
	Reason     string  `json:"reason,omitempty" maxLength:"1000" doc:"Why, for the audit trail."`
}

type updateUserInput struct {
	UserID
	Body UpdateUserRequest
}

// ReasonRequest is an optional body that gives the reason for a change.
type ReasonRequest struct {
	Reason string `json:"reason,omitempty" maxLength:"1000" doc:"Why, for the audit trail."`
}

type setDisabledInput struct {
	UserID
	Body *ReasonRequest
}

// ResetPasswordRequest is the body of POST /users/{id}/reset-password.
type ResetPasswordRequest struct {
	Password string `json:"password,omitempty" doc:"The new password, at least 12 characters. Omit it to have one generated."`
	Reason   string `json:"reason,omitempty" maxLength:"1000" doc:"Why, for the audit trail."`
}

type resetPasswordInput struct {
	UserID
	Body *ResetPasswordRequest
}

// ResetPasswordResponse is the answer to a password reset.
type ResetPasswordResponse struct {
	Generated bool   `json:"generated" doc:"Whether qms generated the password."`
	Password  string `json:"password,omitempty" doc:"The generated password, shown this once."`
}

type resetPasswordOutput struct {
	Body ResetPasswordResponse
}

func (a *API) registerUsers() {
	tags := []string{"Users"}
	Handle(a, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/users", Tags: tags,
		Summary: "List users", Description: "Users by id. Admins and auditors only."}, a.listUsers)
	Handle(a, huma.Operation{OperationID: "create-user", Method: http.MethodPost, Path: "/users", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict},
		Summary: "Create a user", Description: "Admins only. Returns the generated password once when none was given."}, a.createUser)
	Handle(a, huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: "/users/{id}", Tags: tags,
		Errors:  []int{http.StatusNotFound},
		Summary: "Get a user", Description: "Admins and auditors see every user; everyone sees themselves."}, a.getUser)
	Handle(a, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{id}", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusConflict},
		Summary: "Change a user", Description: "Admins only. Send only the fields to change, with the version you read; 409 when someone changed the user since."}, a.updateUser)
	Handle(a, huma.Operation{OperationID: "disable-user", Method: http.MethodPost, Path: "/users/{id}/disable", Tags: tags,
		Errors:  []int{http.StatusNotFound, http.StatusConflict},
		Summary: "Disable a user", Description: "Admins only. Ends the user's sessions and revokes their API tokens. Nobody disables their own account."}, a.disableUser)
	Handle(a, huma.Operation{OperationID: "enable-user", Method: http.MethodPost, Path: "/users/{id}/enable", Tags: tags,
		Errors:  []int{http.StatusNotFound},
		Summary: "Enable a user", Description: "Admins only. Revoked API tokens stay revoked."}, a.enableUser)
	Handle(a, huma.Operation{OperationID: "reset-user-password", Method: http.MethodPost, Path: "/users/{id}/reset-password", Tags: tags,
		Errors:  []int{http.StatusNotFound},
		Summary: "Set a new password", Description: "Admins only (users change their own with POST /me/password). Ends the user's sessions. Returns the password once when it was generated."}, a.resetPassword)
}

func (a *API) listUsers(ctx context.Context, in *listUsersInput) (*listUsersOutput, error) {
	after, err := in.After()
	if err != nil {
		return nil, err
	}
	f := store.UserFilter{Query: strings.TrimSpace(in.Q), Role: qms.Role(in.Role), After: after, Limit: in.PageLimit()}
	if in.Disabled != "" {
		d := in.Disabled == "true"
		f.Disabled = &d
	}
	users, next, err := a.accounts.ListUsers(ctx, f)
	if err != nil {
		return nil, err
	}
	items := make([]User, len(users))
	for i := range users {
		items[i] = userOut(&users[i])
	}
	return &listUsersOutput{Body: NewPage(items, next)}, nil
}

func (a *API) createUser(ctx context.Context, in *createUserInput) (*createUserOutput, error) {
	b := in.Body
	u, pw, err := a.accounts.CreateUser(ctx, account.NewUser{Email: b.Email, Name: b.Name, Role: qms.Role(b.Role), SupplierID: b.SupplierID, Password: b.Password})
	if err != nil {
		return nil, err
	}
	out := &createUserOutput{Location: Prefix + "/users/" + strconv.FormatInt(u.ID, 10)}
	out.Body.User = userOut(u)
	if b.Password == "" {
		out.Body.Password = pw
	}
	return out, nil
}

func (a *API) getUser(ctx context.Context, in *UserID) (*userOutput, error) {
	u, err := a.accounts.User(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: userOut(u)}, nil
}

func (a *API) updateUser(ctx context.Context, in *updateUserInput) (*userOutput, error) {
	b := in.Body
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	cur, err := a.accounts.User(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if b.Email == nil && b.Name == nil && b.Role == nil && b.SupplierID == nil {
		return nil, Invalid("body", "names nothing to change: give at least one of email, name, role, supplier_id")
	}
	c := account.UserChange{Email: cur.Email, Name: cur.Name, Role: cur.Role, SupplierID: cur.SupplierID, Version: b.Version, Reason: b.Reason}
	if b.Email != nil {
		c.Email = *b.Email
	}
	if b.Name != nil {
		c.Name = *b.Name
	}
	if b.Role != nil {
		c.Role = qms.Role(*b.Role)
		if c.Role != qms.RoleSupplier {
			c.SupplierID = nil
		}
	}
	if b.SupplierID != nil {
		c.SupplierID = b.SupplierID
	}
	u, err := a.accounts.UpdateUser(ctx, in.ID, c)
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: userOut(u)}, nil
}

func (a *API) disableUser(ctx context.Context, in *setDisabledInput) (*userOutput, error) {
	return a.setDisabled(ctx, in, true)
}

func (a *API) enableUser(ctx context.Context, in *setDisabledInput) (*userOutput, error) {
	return a.setDisabled(ctx, in, false)
}

func (a *API) setDisabled(ctx context.Context, in *setDisabledInput, disabled bool) (*userOutput, error) {
	var reason string
	if in.Body != nil {
		reason = in.Body.Reason
	}
	if err := checkReason("body.reason", reason); err != nil {
		return nil, err
	}
	u, err := a.accounts.SetDisabled(ctx, in.ID, disabled, reason)
	if err != nil {
		return nil, err
	}
	return &userOutput{Body: userOut(u)}, nil
}

func (a *API) resetPassword(ctx context.Context, in *resetPasswordInput) (*resetPasswordOutput, error) {
	var b ResetPasswordRequest
	if in.Body != nil {
		b = *in.Body
	}
	if err := checkReason("body.reason", b.Reason); err != nil {
		return nil, err
	}
	pw, err := a.accounts.ResetPassword(ctx, in.ID, b.Password, b.Reason)
	if err != nil {
		return nil, err
	}
	out := &resetPasswordOutput{}
	if b.Password == "" {
		out.Body = ResetPasswordResponse{Generated: true, Password: pw}
	}
	return out, nil
}
