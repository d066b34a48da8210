// Package api is the JSON API of qms under /api/v1 (stub; being written).
package api

import (
	"log/slog"
	"net/http"

	"qms/internal/auth"
	"qms/internal/store"
)

// API is the JSON surface.
type API struct {
	store *store.Store
	auth  *auth.Service
	log   *slog.Logger
}

// New returns the API.
func New(st *store.Store, a *auth.Service, log *slog.Logger) *API { return &API{st, a, log} }

// Register adds the API routes to mux.
func (a *API) Register(mux *http.ServeMux) {}
