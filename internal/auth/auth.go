package auth

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"qms/internal/qms"
	"qms/internal/store"
)

// Policy holds the session and throttling settings.
type Policy struct {
	SessionIdle     time.Duration // a session unused this long ends
	SessionAbsolute time.Duration // a session ends this long after sign-in
	ThrottleWindow  time.Duration // failures are counted over this window
	MaxPerAccount   int           // failures per account in the window before refusing
	MaxPerAddress   int           // failures per client address in the window
	SecureCookie    bool          // set the Secure flag (behind HTTPS)
}

// DefaultPolicy is the policy when nothing is configured.
var DefaultPolicy = Policy{
	SessionIdle:     2 * time.Hour,
	SessionAbsolute: 12 * time.Hour,
	ThrottleWindow:  15 * time.Minute,
	MaxPerAccount:   5,
	MaxPerAddress:   50,
}

// Prefixes of the secrets qms hands out, so that leaked ones are recognisable.
const (
	SessionPrefix = "qmss_"
	TokenPrefix   = "qmst_"
	CookieName    = "qms_session"
)

// Service signs users in and authenticates requests.
type Service struct {
	Store  *store.Store
	Policy Policy
	Log    *slog.Logger
}

// Login checks an e-mail address and password and starts a session. It
// returns the session secret for the cookie. Throttling: after too many
// failures for the account or the address within the window it refuses with
// KindTooMany, without checking the password.
func (s *Service) Login(ctx context.Context, email, password, addr, userAgent string) (string, *qms.User, error) {
	email = qms.NormalizeEmail(email)
	u, err := s.Reauthenticate(ctx, email, password, addr)
	if err != nil {
		return "", nil, err
	}
	secret := NewSecret(SessionPrefix)
	err = s.Store.Update(ctx, func(tx *store.Tx) error {
		if err := tx.CreateSession(u.ID, HashSecret(secret), tx.Now.Add(s.Policy.SessionAbsolute), addr, userAgent); err != nil {
			return err
		}
		return tx.RecordLogin(u.ID)
	})
	if err != nil {
		return "", nil, err
	}
	s.Store.ClearLoginFailures(ctx, email)
	s.Log.Info("sign-in", "user_id", u.ID, "addr", addr)
	return secret, u, nil
}

// Reauthenticate checks a password under the same throttling as a sign-in,
// without starting a session: for changing one's own password and for
// electronic signatures. Returns too many, or unauthenticated.
func (s *Service) Reauthenticate(ctx context.Context, email, password, addr string) (*qms.User, error) {
	since := s.Store.Now().Add(-s.Policy.ThrottleWindow)
	byEmail, byAddr, err := s.Store.LoginFailures(ctx, email, addr, since)
	if err != nil {
		return nil, err
	}
	if byEmail >= s.Policy.MaxPerAccount || byAddr >= s.Policy.MaxPerAddress {
		return nil, qms.Errorf(qms.KindTooMany, "too many failed sign-in attempts; wait %d minutes and try again, or ask an administrator to reset your password", int(s.Policy.ThrottleWindow.Minutes()))
	}
	return s.CheckPassword(ctx, email, password, addr)
}

// CheckPassword verifies a user's password without throttling (callers use
// Login or Reauthenticate). A wrong password counts toward throttling.
// Returns unauthenticated with one message whether the account or the
// password is wrong.
func (s *Service) CheckPassword(ctx context.Context, email, password, addr string) (*qms.User, error) {
	var u *qms.User
	var hash string
	err := s.Store.View(ctx, func(tx *store.Tx) error {
		var err error
		u, hash, err = tx.UserByEmail(email)
		return err
	})
	if err != nil && qms.ErrorKind(err) != qms.KindNotFound {
		return nil, err
	}
	ok := VerifyPassword(hash, password) && err == nil
	if !ok || u.Disabled {
		if rerr := s.Store.RecordLoginFailure(ctx, email, addr); rerr != nil {
			return nil, rerr
		}
		s.Log.Warn("failed sign-in", "email", email, "addr", addr)
		return nil, qms.Errorf(qms.KindUnauthenticated, "the e-mail address or password is not correct, or the account is disabled")
	}
	return u, nil
}

// Logout ends the session with the given secret.
func (s *Service) Logout(ctx context.Context, secret string) error {
	return s.Store.DeleteSession(ctx, HashSecret(secret))
}

// Authenticate finds the actor of a request: a Bearer API token, or else the
// session cookie. It returns ok=false when the request carries neither, and
// an unauthenticated error when it carries one that is not valid.
func (s *Service) Authenticate(r *http.Request) (qms.Actor, bool, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return qms.Actor{}, false, qms.Errorf(qms.KindUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
		}
		u, err := s.Store.TokenUser(r.Context(), HashSecret(strings.TrimSpace(tok)))
		if err != nil {
			return qms.Actor{}, false, err
		}
		return qms.ActorOf(u, "token"), true, nil
	}
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return qms.Actor{}, false, nil
	}
	u, _, err := s.Store.SessionUser(r.Context(), HashSecret(c.Value), s.Policy.SessionIdle)
	if err != nil {
		return qms.Actor{}, false, err
	}
	return qms.ActorOf(u, "session"), true, nil
}

// SessionCookie returns the cookie that carries a session secret.
func (s *Service) SessionCookie(secret string) *http.Cookie {
	return &http.Cookie{
		Name:     CookieName,
		Value:    secret,
		Path:     "/",
		MaxAge:   int(s.Policy.SessionAbsolute.Seconds()),
		HttpOnly: true,
		Secure:   s.Policy.SecureCookie,
		SameSite: http.SameSiteLaxMode,
	}
}

// ClearCookie returns a cookie that removes the session cookie.
func (s *Service) ClearCookie() *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Policy.SecureCookie, SameSite: http.SameSiteLaxMode}
}

type addrKey struct{}

// WithClientAddr returns a context that carries the client's address, for
// code that throttles by address but sees no request.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, addrKey{}, addr)
}

// ClientAddrFrom returns the client address in ctx, or "".
func ClientAddrFrom(ctx context.Context) string {
	s, _ := ctx.Value(addrKey{}).(string)
	return s
}

// ClientAddr returns the address of the client without the port.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
