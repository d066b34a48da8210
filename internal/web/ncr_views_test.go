package web

import (
	"html"
	"net/http"
	"net/http/httptest"
	"testing"

	"qms/internal/account"
	"qms/internal/capaops/capatest"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRViewPages: the Pareto and cost of poor quality pages show the
// NCRs the test raises (one total per currency) through the operations,
// which refuse a period ending before it starts or longer than ten years
// with a field error (400); supplier users are forbidden.
func TestNCRViewPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		srv := httptest.NewServer(inspHandler(t, st, t.TempDir()))
		t.Cleanup(srv.Close)
		ap := &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
		viewer := ap.signedIn(w.Users[qms.RoleViewer])
		na, nb := w.NCR(t, w.PA), w.NCR(t, w.PB)
		insp := w.As(qms.RoleInspector)
		if _, err := w.NCRs.SetCost(insp, na.ID, na.Version, ncr.Cost{Currency: "EUR", Scrap: 12050, Freight: 800}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.NCRs.SetCost(insp, nb.ID, nb.Version, ncr.Cost{Currency: "USD", Rework: 30000}, ""); err != nil {
			t.Fatal(err)
		}
		period := "?from=" + na.DetectedOn.AddDate(0, 0, -1).String() + "&to=" + na.DetectedOn.AddDate(0, 0, 1).String()
		viewer.get("/ncrs/pareto"+period).must(t, http.StatusOK, html.EscapeString(w.A.Supplier.Name), html.EscapeString(w.B.Supplier.Name))
		viewer.get("/ncrs/cost"+period).must(t, http.StatusOK, "128.50 EUR", "300.00 USD")

		for _, p := range []string{"/ncrs/pareto", "/ncrs/cost"} {
			viewer.get(p+"?from=2026-05-01&to=2026-04-30").must(t, http.StatusBadRequest, "must not be before from")
			viewer.get(p+"?from=2000-01-01&to=2026-01-01").must(t, http.StatusBadRequest, "at most ten years")
			ap.signedIn(w.A.User).get(p).must(t, http.StatusForbidden)
		}
	})
}
