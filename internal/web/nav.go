package web

import (
	"strings"

	"qms/internal/qms"
)

// navEntry is one item of the main navigation. Modules add theirs here, in
// the order they should appear, each with the rule that decides who sees it.
type navEntry struct {
	Label string
	Path  string
	Allow func(qms.Actor) bool
}

// navigation is the one list of navigation items of the web interface.
var navigation = []navEntry{
	{"Dashboard", "/", qms.CanViewInternal},
	{"Supplier portal", "/portal", isExternal},
	// Modules go here as they arrive: suppliers, inspections, NCR/CAPA, documents.
	{"Suppliers", "/suppliers", qms.CanViewInternal},
	{"Expiring certificates", "/certificates/expiring", qms.CanViewInternal},
	{"Approved suppliers", "/approved-suppliers", qms.CanViewInternal},
	{"Supplier settings", "/settings/suppliers", qms.CanManageSettings},
	{"Products", "/products", qms.CanViewInternal},
	{"Inspections", "/inspections", signedIn},
	{"Rejection rates", "/rates", signedIn},
	{"Sampling plan", "/sampling", qms.CanViewInternal},
	{"NCRs", "/ncrs", qms.CanViewInternal},
	{"CAPAs", "/capas", qms.CanViewInternal},
	{"NCR Pareto", "/ncrs/pareto", qms.CanViewInternal},
	{"Cost of poor quality", "/ncrs/cost", qms.CanViewInternal},
	{"Corrective action requests", "/portal/scars", isExternal},
	{"Documents", "/documents", qms.CanViewInternal},
	{"Processes", "/processes", qms.CanViewInternal},
	{"Risks", "/risks", qms.CanViewInternal},
	{"Audits", "/audits", signedIn},
	{"Quality objectives", "/objectives", qms.CanViewInternal},
	{"Management reviews", "/reviews", qms.CanViewInternal},
	{"Complaints", "/complaints", qms.CanViewInternal},
	{"Evidence map", "/evidence", qms.CanViewInternal},
	{"Users", "/users", qms.CanListUsers},
	{"Webhooks", "/webhooks", qms.CanManageWebhooks},
	{"Audit log", "/audit", qms.CanViewAuditLog},
	{"My account", "/account", signedIn},
}

// navLink is a navigation item as a page shows it.
type navLink struct {
	Label   string
	Path    string
	Current bool
}

// navFor returns the navigation items a may see, marking the one for path.
func navFor(a qms.Actor, current string) []navLink {
	var out []navLink
	for _, e := range navigation {
		if !e.Allow(a) {
			continue
		}
		cur := current == e.Path || e.Path != "/" && strings.HasPrefix(current, e.Path+"/")
		out = append(out, navLink{Label: e.Label, Path: e.Path, Current: cur})
	}
	return out
}

// quickLink is a shortcut on the dashboard.
type quickLink struct {
	Label       string
	Path        string
	Description string
	Allow       func(qms.Actor) bool
}

// quickLinks are the dashboard's shortcuts, each shown to those allowed.
var quickLinks = []quickLink{
	{"New user", "/users/new", "Invite a colleague or a supplier's quality contact.", qms.CanManageUsers},
	{"Suppliers", "/suppliers", "Factories, their certificates, red flags and qualification.", qms.CanViewInternal},
	{"Expiring certificates", "/certificates/expiring", "Certificates to renew, and those already expired.", qms.CanViewInternal},
	{"Users", "/users", "Accounts, roles and who is disabled.", qms.CanListUsers},
	{"Audit log", "/audit", "Every change: who, when, what, before and after.", qms.CanViewAuditLog},
	{"My account", "/account", "Your details, password and API tokens.", signedIn},
}

// moduleCard is a module's tile on the dashboard. The modules (suppliers,
// inspections, NCR/CAPA, documents) add theirs to moduleCards as they
// arrive; the dashboard shows a note instead while there are none.
type moduleCard struct {
	Title       string
	Path        string
	Description string
	Allow       func(qms.Actor) bool
}

var moduleCards []moduleCard

func signedIn(a qms.Actor) bool { return a.Role.Valid() }

// isExternal: a supplier's user, who sees only the supplier portal.
func isExternal(a qms.Actor) bool { return a.Role.Valid() && !qms.CanViewInternal(a) }

// home is where a signed-in actor starts.
func home(a qms.Actor) string {
	if qms.CanViewInternal(a) {
		return "/"
	}
	return "/portal"
}
