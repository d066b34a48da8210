package store

import (
	"context"
	"database/sql"
	"time"

	"qms/internal/qms"
)

// Token is an API token. The secret is shown once at creation; the database
// keeps only its SHA-256 and a short prefix to recognise it by.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

const tokenColumns = "id, user_id, name, prefix, created_at, expires_at, last_used_at, revoked_at"

func scanToken(sc scanner, t *Token) error {
	var exp, used, rev sql.NullTime
	if err := sc.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &exp, &used, &rev); err != nil {
		return err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.ExpiresAt, t.LastUsedAt, t.RevokedAt = nullTime(exp), nullTime(used), nullTime(rev)
	return nil
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// CreateToken stores a new token for a user, audited. Returns invalid for a
// bad name and not found for an unknown user.
func (tx *Tx) CreateToken(t *Token, tokenHash string) error {
	p := qms.Problems{}
	qms.CheckText(p, "name", t.Name, 100)
	if t.Name == "" {
		p.Add("name", "is required: say what the token is for, for example \"ERP import\"")
	}
	if t.ExpiresAt != nil && !t.ExpiresAt.After(tx.Now) {
		p.Add("expires_at", "must be in the future")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := tx.User(t.UserID); err != nil {
		return err
	}
	t.CreatedAt = tx.Now
	id, err := tx.Insert(`INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.UserID, t.Name, t.Prefix, tokenHash, tx.Now, t.ExpiresAt)
	if err != nil {
		return err
	}
	t.ID = id
	return tx.Audit("api_token", id, qms.ActionCreate, nil, t, "")
}

// Token returns a token by id. Returns not found.
func (tx *Tx) Token(id int64) (*Token, error) {
	var t Token
	err := scanToken(tx.QueryRow("SELECT "+tokenColumns+" FROM api_tokens WHERE id = ?", id), &t)
	return &t, mapError(err, "API token")
}

// RevokeToken revokes a token, audited. Revoking twice is a conflict.
func (tx *Tx) RevokeToken(id int64, reason string) error {
	before, err := tx.Token(id)
	if err != nil {
		return err
	}
	if before.RevokedAt != nil {
		return qms.Errorf(qms.KindConflict, "this API token was already revoked")
	}
	if _, err := tx.Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", tx.Now, id); err != nil {
		return err
	}
	after, err := tx.Token(id)
	if err != nil {
		return err
	}
	return tx.Audit("api_token", id, qms.ActionVoid, before, after, reason)
}

// TokenUser returns the user of a live token (not revoked, not expired, user
// not disabled) and records its use at most once a minute. Returns
// unauthenticated otherwise.
func (s *Store) TokenUser(ctx context.Context, tokenHash string) (*qms.User, error) {
	var u qms.User
	var id int64
	var exp, rev, used sql.NullTime
	row := s.r.QueryRowContext(ctx, s.q(`SELECT u.id, u.email, u.name, u.role, u.supplier_id, u.disabled_at, u.last_login_at, u.created_at, u.updated_at, u.version,
		t.id, t.expires_at, t.revoked_at, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`), tokenHash)
	err := scanUser(row, &u, &id, &exp, &rev, &used)
	now := s.Now()
	switch {
	case err == sql.ErrNoRows:
		return nil, qms.Errorf(qms.KindUnauthenticated, "the API token is not valid")
	case err != nil:
		return nil, err
	case rev.Valid:
		return nil, qms.Errorf(qms.KindUnauthenticated, "the API token was revoked")
	case exp.Valid && !now.Before(exp.Time):
		return nil, qms.Errorf(qms.KindUnauthenticated, "the API token has expired")
	case u.Disabled:
		return nil, qms.Errorf(qms.KindUnauthenticated, "the account of this API token is disabled")
	}
	if !used.Valid || now.Sub(used.Time) > time.Minute {
		if _, err := s.w.ExecContext(ctx, s.q("UPDATE api_tokens SET last_used_at = ? WHERE id = ?"), now, id); err != nil {
			return nil, err
		}
	}
	return &u, nil
}

// ListTokens returns a user's tokens, newest first (all users' when userID is 0).
func (s *Store) ListTokens(ctx context.Context, userID int64) ([]Token, error) {
	q, args := "SELECT "+tokenColumns+" FROM api_tokens", []any{}
	if userID != 0 {
		q, args = q+" WHERE user_id = ?", append(args, userID)
	}
	return listAll(ctx, s, q+" ORDER BY id DESC", args, scanToken)
}
