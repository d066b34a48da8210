// Package web is the HTML surface of qms (stub; being written).
package web

import (
	"log/slog"
	"net/http"

	"qms/internal/auth"
	"qms/internal/store"
)

// UI is the server-rendered web interface.
type UI struct {
	store *store.Store
	auth  *auth.Service
	log   *slog.Logger
}

// New returns the web interface.
func New(st *store.Store, a *auth.Service, log *slog.Logger) *UI { return &UI{st, a, log} }

// Register adds the routes of the web interface to mux.
func (u *UI) Register(mux *http.ServeMux) {}
