// Package web is the HTML surface of qms: server-rendered pages
// (html/template, embedded and parsed once at start), static files under
// content-hash URLs, sign-in and sign-out, user administration, the user's
// own account and API tokens, the audit log and the error pages.
//
// Handlers are thin. Every read and change goes through package account,
// which checks the actor's permission; each page also checks its view
// permission with the qms.Can* rules before doing anything. Cross-site
// form posts are refused by the server's cross-origin protection, so forms
// carry no CSRF tokens. The package must not import database drivers or
// package api.
package web

import (
	"html/template"
	"log/slog"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/report"
	"qms/internal/store"
)

// UI is the server-rendered web interface.
type UI struct {
	auth    *auth.Service
	account *account.Service
	log     *slog.Logger
	assets  *assets
	pages   map[string]*template.Template
	files   *blob.Service // stored files; set with WithFiles (file.go)
	fonts   *report.Fonts // fonts of PDF reports; set with WithFonts (inspection_report.go)
	client  string        // client name on inspection reports; set with WithReportClient
}

// New returns the web interface. It parses the embedded templates and hashes
// the static files, and panics if a template does not parse: that is a bug
// that must stop the program at start, not show up on a page.
func New(st *store.Store, a *auth.Service, log *slog.Logger) *UI {
	as := mustLoadAssets()
	return &UI{
		auth:    a,
		account: &account.Service{Store: st, Auth: a},
		log:     log,
		assets:  as,
		pages:   mustParseTemplates(as),
	}
}
