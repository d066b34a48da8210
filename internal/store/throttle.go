package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// RecordLoginFailure remembers a failed sign-in for throttling. It is kept in
// the database so that every instance counts the same failures.
func (s *Store) RecordLoginFailure(ctx context.Context, email, addr string) error {
	if len(email) > 254 {
		email = email[:254]
	}
	_, err := s.w.ExecContext(ctx, s.q("INSERT INTO login_failures (email, remote_addr, at) VALUES (?, ?, ?)"),
		toValidUTF8(strings.ToLower(strings.TrimSpace(email))), addr, s.Now())
	return err
}

// LoginFailures counts the failures since the given time for the account and
// for the address.
func (s *Store) LoginFailures(ctx context.Context, email, addr string, since time.Time) (byEmail, byAddr int, err error) {
	err = s.r.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = ? AND at >= ?),
		(SELECT COUNT(*) FROM login_failures WHERE remote_addr = ? AND at >= ?)`),
		toValidUTF8(strings.ToLower(strings.TrimSpace(email))), since.UTC(), addr, since.UTC()).Scan(&byEmail, &byAddr)
	return byEmail, byAddr, err
}

// ClearLoginFailures forgets an account's failures after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, email string) error {
	_, err := s.w.ExecContext(ctx, s.q("DELETE FROM login_failures WHERE email = ?"), strings.ToLower(strings.TrimSpace(email)))
	return err
}

// toValidUTF8 replaces invalid bytes: PostgreSQL refuses them in TEXT.
func toValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
