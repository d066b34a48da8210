package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"qms/internal/store"
)

// Token is an API token as the API shows it; its secret is never shown
// again after creation.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id" doc:"The user the token acts as."`
	Name       string     `json:"name" doc:"What the token is for."`
	Prefix     string     `json:"prefix" doc:"The first characters of the secret, to recognise it."`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty" doc:"Updated at most once a minute."`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

func tokenOut(t *store.Token) Token {
	return Token{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt,
		ExpiresAt: t.ExpiresAt, LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

type listTokensInput struct {
	UserID int64 `query:"user_id" minimum:"1" doc:"Whose tokens to list; default: your own. Other users' tokens: admins and auditors only."`
}

type listTokensOutput struct {
	Body Page[Token]
}

// CreateTokenRequest is the body of POST /tokens.
type CreateTokenRequest struct {
	Name      string     `json:"name" maxLength:"100" doc:"What the token is for, e.g. \"ERP import\"."`
	UserID    int64      `json:"user_id,omitempty" minimum:"1" doc:"The user the token acts as; default: you. Admins only for other users."`
	ExpiresAt *time.Time `json:"expires_at,omitempty" doc:"When the token stops working (RFC 3339); default: never."`
}

type createTokenInput struct {
	Body CreateTokenRequest
}

// CreateTokenResponse is the answer to POST /tokens.
type CreateTokenResponse struct {
	Token  Token  `json:"token"`
	Secret string `json:"secret" doc:"The token to send as \"Authorization: Bearer <secret>\". Shown this once; qms keeps only its hash."`
}

type createTokenOutput struct {
	Body CreateTokenResponse
}

type revokeTokenInput struct {
	ID     int64  `path:"id" minimum:"1" doc:"The id of the token."`
	Reason string `query:"reason" maxLength:"1000" doc:"Why, for the audit trail."`
}

func (a *API) registerTokens() {
	tags := []string{"API tokens"}
	Handle(a, huma.Operation{OperationID: "list-tokens", Method: http.MethodGet, Path: "/tokens", Tags: tags,
		Summary: "List API tokens", Description: "Newest first, on one page (a user has few tokens)."}, a.listTokens)
	Handle(a, huma.Operation{OperationID: "create-token", Method: http.MethodPost, Path: "/tokens", Tags: tags,
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusNotFound},
		Summary: "Create an API token", Description: "For yourself (not auditors or suppliers), or for anyone as an admin. The secret is returned once."}, a.createToken)
	Handle(a, huma.Operation{OperationID: "revoke-token", Method: http.MethodDelete, Path: "/tokens/{id}", Tags: tags,
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound, http.StatusConflict},
		Summary: "Revoke an API token", Description: "Your own, or anyone's as an admin. The token stops working at once."}, a.revokeToken)
}

func (a *API) listTokens(ctx context.Context, in *listTokensInput) (*listTokensOutput, error) {
	uid := in.UserID
	if uid == 0 {
		uid = Actor(ctx).UserID
	}
	ts, err := a.accounts.ListTokens(ctx, uid)
	if err != nil {
		return nil, err
	}
	items := make([]Token, len(ts))
	for i := range ts {
		items[i] = tokenOut(&ts[i])
	}
	return &listTokensOutput{Body: NewPage(items, 0)}, nil
}

func (a *API) createToken(ctx context.Context, in *createTokenInput) (*createTokenOutput, error) {
	b := in.Body
	uid := b.UserID
	if uid == 0 {
		uid = Actor(ctx).UserID
	}
	t, secret, err := a.accounts.CreateToken(ctx, uid, b.Name, b.ExpiresAt)
	if err != nil {
		return nil, err
	}
	return &createTokenOutput{Body: CreateTokenResponse{Token: tokenOut(t), Secret: secret}}, nil
}

func (a *API) revokeToken(ctx context.Context, in *revokeTokenInput) (*struct{}, error) {
	if err := checkReason("query.reason", in.Reason); err != nil {
		return nil, err
	}
	if err := a.accounts.RevokeToken(ctx, in.ID, in.Reason); err != nil {
		return nil, err
	}
	return &struct{}{}, nil
}
