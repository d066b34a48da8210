// Package api is the JSON API of qms under /api/v1, built with huma v2: the
// operations are declared with Go types, and the OpenAPI 3.1 document served
// at /api/v1/openapi.json is generated from those types, so it cannot drift
// from the code (testdata/openapi.json is its golden copy).
//
// Handlers are thin: they call package account (or, for later modules, the
// package that owns the records), which checks permissions and writes the
// audit trail. Errors become RFC 9457 problems (application/problem+json)
// through one table (errors.go). Authentication happens before the API: the
// server middleware puts the qms.Actor of a session or Bearer token into the
// request context, and every operation refuses a request without one.
//
// To add a resource: write <resource>.go with a registerX method that calls
// Handle once per operation, and call it from routes. The package must not
// import package web or run SQL itself.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/report"
	"qms/internal/store"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// Version is the version of the API contract in the OpenAPI document (not
// the version of the binary).
const Version = "1.0.0"

// MaxBodyBytes is the largest request body an operation accepts; a larger
// one gets 413.
const MaxBodyBytes = 1 << 20

// API is the JSON surface.
type API struct {
	store    *store.Store
	auth     *auth.Service
	log      *slog.Logger
	accounts *account.Service
	huma     huma.API
	files    *blob.Service // stored files; set with WithFiles (files.go)
	fonts    *report.Fonts // fonts of PDF reports; set with WithFonts (inspection_reports.go)
	client   string        // client name on inspection reports; set with WithReportClient
}

// New returns the API over the given store and authentication service.
func New(st *store.Store, a *auth.Service, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &API{store: st, auth: a, log: log, accounts: &account.Service{Store: st, Auth: a}}
}

// Register adds the API routes under Prefix to mux.
func (a *API) Register(mux *http.ServeMux) {
	a.huma = humago.NewWithPrefix(mux, Prefix, config())
	a.huma.UseMiddleware(a.requireActor, a.checkQueryText)
	a.routes()
	mux.Handle(Prefix+"/", fallback(mux))
}

// routes registers every operation, one resource per file.
func (a *API) routes() {
	a.registerMe()
	a.registerUsers()
	a.registerTokens()
	a.registerAudit()
	a.registerSuppliers()
	a.registerCertificates()
	a.registerSupplierReports()
	a.registerSampling()
	a.registerFiles()
	a.registerNotifications()
	a.registerWebhooks()
	a.registerProducts()
	a.registerInspections()
	a.registerInspectionReports()
	a.registerLotResults()
	a.registerDocuments()
	a.registerProcesses()
	a.registerRisks()
	a.registerObjectives()
	a.registerNCRs()
	a.registerNCRViews()
	a.registerQAudits()
}

// config is the huma configuration: OpenAPI 3.1 at /openapi.json (and
// .yaml), no docs page (it would load scripts from a CDN), no $schema links
// in responses, unknown query parameters rejected, strict JSON.
func config() huma.Config {
	c := huma.DefaultConfig("qms API", Version)
	c.Info.Description = "The JSON API of qms, a quality management system. " +
		"Authenticate with an API token (`Authorization: Bearer qmst_...`, created in the web UI, " +
		"with `qms token create` or POST /tokens) or, from the browser, the session cookie. " +
		"Errors are RFC 9457 problem documents (application/problem+json) whose `errors` list says " +
		"which field is wrong (`location`, e.g. `body.email` or `query.limit`) and why. " +
		"Lists are paged: pass `limit` (at most 200) and the `next_cursor` of the previous page as `cursor`."
	c.Tags = []*huma.Tag{
		{Name: "Current user", Description: "Who the credentials belong to and what they may do."},
		{Name: "Users", Description: "User accounts and roles. Every change is written to the audit trail."},
		{Name: "API tokens", Description: "Bearer tokens for scripts and integrations."},
		{Name: "Audit trail", Description: "The append-only, hash-chained record of every change."},
	}
	c.DocsPath = ""
	c.SchemasPath = ""
	c.CreateHooks = nil // the default hook adds $schema fields and Link headers to responses
	c.RejectUnknownQueryParameters = true
	c.Formats = map[string]huma.Format{"application/json": jsonFormat, "json": jsonFormat}
	c.Transformers = []huma.Transformer{tidyProblem}
	c.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token: `Authorization: Bearer qmst_...`."},
		"session": {Type: "apiKey", In: "cookie", Name: auth.CookieName,
			Description: "The session cookie of a signed-in browser. Writes must come from the same origin."},
	}
	c.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	return c
}

// Handle registers an operation whose handler returns domain errors: they
// become problem responses through Problem, so no handler needs to map them
// itself. It documents the error statuses every operation may return and
// applies the body size limit.
func Handle[I, O any](a *API, op huma.Operation, fn func(context.Context, *I) (*O, error)) {
	op.MaxBodyBytes = MaxBodyBytes + 1 // huma refuses a body that reaches the limit
	op.Errors = append([]int{http.StatusUnauthorized, http.StatusForbidden}, op.Errors...)
	if _, ok := reflect.TypeFor[I]().FieldByName("Body"); ok {
		op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
	}
	huma.Register(a.huma, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := fn(ctx, in)
		if err != nil {
			return nil, a.Problem(ctx, err)
		}
		return out, nil
	})
}

// Actor returns the authenticated actor of the request. Operations run only
// for authenticated requests (requireActor), so it is always set there.
func Actor(ctx context.Context) qms.Actor {
	a, _ := qms.ActorFrom(ctx)
	return a
}
