package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/auth"
	"qms/internal/qms"
)

// Me is the current user, how they authenticated, and what they may do.
type Me struct {
	User        User        `json:"user"`
	Via         string      `json:"via" enum:"session,token" doc:"How the request was authenticated."`
	Permissions Permissions `json:"permissions"`
}

// Permissions are the answers of the domain's permission rules for the
// current user, so that clients can show only what the user may do.
type Permissions struct {
	ManageUsers        bool `json:"manage_users" doc:"Create, change and disable users."`
	ListUsers          bool `json:"list_users" doc:"See all user accounts."`
	ViewAuditLog       bool `json:"view_audit_log" doc:"Read the audit trail."`
	ManageOwnTokens    bool `json:"manage_own_tokens" doc:"Create and revoke their own API tokens."`
	ViewInternal       bool `json:"view_internal" doc:"See the buyer's internal records (everyone but supplier users)."`
	EditQualityRecords bool `json:"edit_quality_records" doc:"Create and change quality records."`
	Approve            bool `json:"approve" doc:"Approve, release and disposition."`
}

type meOutput struct {
	Body Me
}

// ChangePasswordRequest is the body of POST /me/password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password" minLength:"1" maxLength:"1024" doc:"The password the user signs in with now."`
	NewPassword     string `json:"new_password" minLength:"12" maxLength:"1024" doc:"At least 12 characters."`
}

type changePasswordInput struct {
	Body *ChangePasswordRequest
}

func (a *API) registerMe() {
	Handle(a, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/me", Tags: []string{"Current user"},
		Summary: "Get the current user", Description: "The user the request is authenticated as, and what they may do."}, a.getMe)
	Handle(a, huma.Operation{OperationID: "change-my-password", Method: http.MethodPost, Path: "/me/password", Tags: []string{"Current user"},
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusTooManyRequests},
		Summary:     "Change my password",
		Description: "Checks the current password under the same throttling as a sign-in, then sets the new one and ends all of the user's sessions (API tokens stay valid)."},
		a.changeMyPassword)
}

func (a *API) changeMyPassword(ctx context.Context, in *changePasswordInput) (*struct{}, error) {
	if in.Body == nil {
		return nil, Invalid("body", "is required")
	}
	err := a.accounts.ChangeOwnPassword(ctx, in.Body.CurrentPassword, in.Body.NewPassword, auth.ClientAddrFrom(ctx))
	if err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}

func (a *API) getMe(ctx context.Context, _ *struct{}) (*meOutput, error) {
	act := Actor(ctx)
	u, err := a.accounts.User(ctx, act.UserID)
	if err != nil {
		return nil, err
	}
	return &meOutput{Body: Me{User: userOut(u), Via: act.Via, Permissions: Permissions{
		ManageUsers:        qms.CanManageUsers(act),
		ListUsers:          qms.CanListUsers(act),
		ViewAuditLog:       qms.CanViewAuditLog(act),
		ManageOwnTokens:    qms.CanManageTokens(act, act.UserID),
		ViewInternal:       qms.CanViewInternal(act),
		EditQualityRecords: qms.CanEditQualityRecords(act),
		Approve:            qms.CanApprove(act),
	}}}, nil
}
