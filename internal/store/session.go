package store

import (
	"context"
	"database/sql"
	"time"

	"qms/internal/qms"
)

// Session is a signed-in browser. The cookie holds a random token; the
// database keeps only its SHA-256, so several instances share sessions.
type Session struct {
	ID         int64
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time // the absolute end
}

// CreateSession stores a new session for the user.
func (tx *Tx) CreateSession(userID int64, tokenHash string, expires time.Time, addr, userAgent string) error {
	if len(userAgent) > 500 {
		userAgent = userAgent[:500]
	}
	_, err := tx.Exec(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, remote_addr, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, tokenHash, userID, tx.Now, tx.Now, expires.UTC(), addr, toValidUTF8(userAgent))
	return err
}

// SessionUser returns the user of a live session: not past its absolute end,
// used within idle, and its user not disabled. It extends the idle window at
// most once a minute. Returns unauthenticated otherwise.
func (s *Store) SessionUser(ctx context.Context, tokenHash string, idle time.Duration) (*qms.User, *Session, error) {
	var u qms.User
	var ss Session
	row := s.r.QueryRowContext(ctx, s.q(`SELECT u.id, u.email, u.name, u.role, u.supplier_id, u.disabled_at, u.last_login_at, u.created_at, u.updated_at, u.version,
		s.id, s.created_at, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`), tokenHash)
	err := scanUser(row, &u, &ss.ID, &ss.CreatedAt, &ss.LastSeenAt, &ss.ExpiresAt)
	if err == sql.ErrNoRows {
		return nil, nil, qms.Errorf(qms.KindUnauthenticated, "your session has ended; please sign in again")
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	ss.UserID = u.ID
	if u.Disabled || !now.Before(ss.ExpiresAt) || now.Sub(ss.LastSeenAt) > idle {
		s.w.ExecContext(ctx, s.q("DELETE FROM sessions WHERE id = ?"), ss.ID)
		return nil, nil, qms.Errorf(qms.KindUnauthenticated, "your session has ended; please sign in again")
	}
	if now.Sub(ss.LastSeenAt) > time.Minute {
		if _, err := s.w.ExecContext(ctx, s.q("UPDATE sessions SET last_seen_at = ? WHERE id = ?"), now, ss.ID); err != nil {
			return nil, nil, err
		}
		ss.LastSeenAt = now
	}
	return &u, &ss, nil
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := s.w.ExecContext(ctx, s.q("DELETE FROM sessions WHERE token_hash = ?"), tokenHash)
	return err
}

// DeleteExpiredSessions removes sessions past their absolute end or idle for
// longer than idle, and login failures older than keep. It returns how many
// sessions it removed.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idle, keep time.Duration) (int64, error) {
	now := s.Now()
	res, err := s.w.ExecContext(ctx, s.q("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?"), now, now.Add(-idle))
	if err != nil {
		return 0, err
	}
	if _, err := s.w.ExecContext(ctx, s.q("DELETE FROM login_failures WHERE at < ?"), now.Add(-keep)); err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
