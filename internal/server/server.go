// Package server assembles the HTTP server of qms: the HTML surface
// (package web) and the JSON API (package api) on one mux, behind the
// middleware every request passes (request id, structured log, panic
// recovery, security headers, cross-origin protection, authentication), and
// runs it with a graceful shutdown.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
)

// Surface is a set of routes (the web UI, the API) registered on the mux.
type Surface interface {
	Register(mux *http.ServeMux)
}

// Options configure the handler.
type Options struct {
	Store          *store.Store
	Auth           *auth.Service
	Log            *slog.Logger
	TrustedOrigins []string
	Surfaces       []Surface
}

// Handler returns the root handler of qms.
func Handler(o Options) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := o.Store.Ping(ctx); err != nil {
			o.Log.Error("readiness check failed", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unreachable")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	for _, s := range o.Surfaces {
		s.Register(mux)
	}
	cop := http.NewCrossOriginProtection()
	for _, origin := range o.TrustedOrigins {
		if err := cop.AddTrustedOrigin(origin); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", origin, err)
		}
	}
	var h http.Handler = mux
	h = authenticate(o.Auth, o.Log, h)
	h = csrf(cop, h)
	h = securityHeaders(h)
	h = recoverPanics(o.Log, h)
	h = logRequests(o.Log, h)
	return h, nil
}

// csrf applies cross-origin protection to requests that a browser may send
// with the session cookie. Requests that carry a Bearer token cannot be
// forged by another site (browsers do not attach it), so they pass.
func csrf(cop *http.CrossOriginProtection, next http.Handler) http.Handler {
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// authenticate puts the actor of a valid session or token into the request
// context. An invalid token is left for the surface to reject; an ended
// session's cookie is cleared.
func authenticate(a *auth.Service, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor, ok, err := a.Authenticate(r)
		switch {
		case ok:
			r = r.WithContext(qms.WithActor(r.Context(), actor))
			if rec, _ := w.(*recorder); rec != nil {
				rec.userID = actor.UserID
			}
		case err != nil && qms.ErrorKind(err) == qms.KindUnauthenticated:
			if r.Header.Get("Authorization") == "" {
				http.SetCookie(w, a.ClearCookie())
			} else {
				r = r.WithContext(withAuthError(r.Context(), err))
			}
		case err != nil:
			log.Error("authenticate", "err", err, "request_id", qms.RequestID(r.Context()))
			http.Error(w, "Service temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type authErrKey struct{}

func withAuthError(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, authErrKey{}, err)
}

// AuthError returns why the request's credentials were refused, if they were.
func AuthError(ctx context.Context) error {
	err, _ := ctx.Value(authErrKey{}).(error)
	return err
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "panic", p, "request_id", qms.RequestID(r.Context()), "path", r.URL.Path)
				http.Error(w, "Internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// recorder remembers the status and size of a response for the log.
type recorder struct {
	http.ResponseWriter
	status int
	size   int
	userID int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.size += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests gives each request an id (X-Request-Id, echoed back) and logs
// it once it is done.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(auth.WithClientAddr(qms.WithRequestID(r.Context(), id), auth.ClientAddr(r))))
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || len(r.URL.Path) > 8 && r.URL.Path[:8] == "/static/" {
			level = slog.LevelDebug
		}
		log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "bytes", rec.size, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"user_id", rec.userID, "addr", auth.ClientAddr(r))
	})
}

// Serve serves h on l until ctx is cancelled, then stops accepting, waits up
// to timeout for requests in flight, and returns.
func Serve(ctx context.Context, l net.Listener, h http.Handler, timeout time.Duration, log *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: no new requests; waiting for those in flight", "timeout", timeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
	}
	if e := <-errc; e != nil && !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	return err
}
