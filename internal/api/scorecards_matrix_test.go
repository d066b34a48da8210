package api_test

import (
	"strings"
	"testing"

	"qms/internal/store"
	"qms/internal/store/storetest"
)

// scorecardMatrix: each scorecard of A and of B; internal users read any
// supplier's and site's, a supplier user its own supplier's only (404 for
// the other's), no credentials 401.
var scorecardMatrix = []access{
	{"GET", "/api/v1/suppliers/{A}/scorecard", "", with(with(roles(200, internalRoles...), "supplier", 200), "supplierB", 404), `"tier":`},
	{"GET", "/api/v1/sites/{SiteA}/scorecard", "", with(with(roles(200, internalRoles...), "supplier", 200), "supplierB", 404), `"tier":`},
	{"GET", "/api/v1/suppliers/{B}/scorecard?from=2026-01-01&to=2026-12-31", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 200), `"tier":`},
	{"GET", "/api/v1/sites/{SiteB}/scorecard", "", with(with(roles(200, internalRoles...), "supplier", 404), "supplierB", 200), `"tier":`},
}

func init() {
	testedElsewhere["GET /suppliers/{id}/scorecard"] = "TestScorecardRoleMatrix"
	testedElsewhere["GET /sites/{id}/scorecard"] = "TestScorecardRoleMatrix"
}

// TestScorecardRoleMatrix reads every scorecard as every caller: internal
// users any, each supplier user its own supplier's and sites' (the
// other's is 404 and does not name it), no credentials 401; a refusal is
// problem+json and writes nothing.
func TestScorecardRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newMxEnv(t, st)
		ids := strings.NewReplacer("{A}", id(e.w.A.Supplier.ID), "{SiteA}", id(e.w.A.Site.ID), "{B}", id(e.w.B.Supplier.ID), "{SiteB}", id(e.w.B.Site.ID))
		for _, a := range scorecardMatrix {
			for _, who := range mxWho {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					e.t = t
					want, ok := a.ok[who]
					if !ok {
						want = 401
					}
					path := ids.Replace(a.path)
					before := countEvents(t, st)
					r := e.run(a.method, path, who, "")
					if r.status != want {
						t.Fatalf("%s %s = %d, want %d: %s", a.method, path, r.status, want, r.body)
					}
					if r.status < 300 && !strings.Contains(string(r.body), a.want) {
						t.Errorf("response lacks %s: %.300s", a.want, r.body)
					}
					if r.status >= 400 {
						if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
							t.Errorf("Content-Type %q", ct)
						}
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v", p)
						}
						if after := countEvents(t, st); after != before {
							t.Errorf("a refused request wrote %d audit events", after-before)
						}
						for _, name := range []string{e.w.A.Supplier.Name, e.w.B.Supplier.Name, e.w.A.Site.Name, e.w.B.Site.Name} {
							if strings.Contains(string(r.body), name) {
								t.Errorf("a refusal names %s: %s", name, r.body)
							}
						}
					}
				})
			}
		}
	})
}
