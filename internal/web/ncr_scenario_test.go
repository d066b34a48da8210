package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/capa"
	"qms/internal/capaops/capatest"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestNCRPages opens every NCR and CAPA page as the quality manager,
// checks the roles that may not act, keeps supplier users to their own
// requests on every route (another supplier's request is "not found",
// never shown nor changed, the buyer's internal notes never shown), and
// refuses bad input without writing anything.
func TestNCRPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		srv := httptest.NewServer(inspHandler(t, st, t.TempDir()))
		t.Cleanup(srv.Close)
		ap := &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
		qm := ap.signedIn(w.Users[qms.RoleQualityManager])
		viewer := ap.signedIn(w.Users[qms.RoleViewer])
		supA, supB := ap.signedIn(w.A.User), ap.signedIn(w.B.User)

		na := w.NCR(t, w.PA)
		scarA := w.SCAR(t, w.PA, na.ID)
		nb := w.NCR(t, w.PB)
		scarB := w.SCAR(t, w.PB, nb.ID)
		if err := w.CAPAs.AddNote(w.As(qms.RoleQualityManager), &capa.Note{CAPAID: scarA.ID, Text: "buyer-only remark 内部"}); err != nil {
			t.Fatal(err)
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		ncrA, capaA, capaB := "/ncrs/"+id(na.ID), "/capas/"+id(scarA.ID), "/capas/"+id(scarB.ID)

		for path, want := range map[string]string{
			"/ncrs": na.Number(), "/ncrs?status=open&active=1": na.Number(), "/ncrs/new": `id="ncr-form"`, ncrA: `id="disposition"`,
			ncrA + "/report": "Nonconformance report", "/ncrs/pareto": "NCRs by defect code", "/ncrs/cost": "Totals per currency",
			"/capas": scarA.Number(), "/capas?overdue=1&kind=supplier": "0 in all", "/capas/new?ncr=" + id(na.ID): `value="supplier" selected`,
			capaA: `id="note-form"`, capaA + "/report": "8D report",
		} {
			qm.get(path).must(t, http.StatusOK, want)
		}
		if r := qm.get(ncrA + "/report.pdf"); r.code != http.StatusOK || r.hdr.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.body, "%PDF") {
			t.Errorf("NCR report PDF: %d %s", r.code, r.hdr.Get("Content-Type"))
		}
		qm.get("/ncrs?status=nonsense").must(t, http.StatusBadRequest)
		qm.get("/ncrs/999999").must(t, http.StatusNotFound)
		qm.get("/capas/999999").must(t, http.StatusNotFound)

		// A viewer sees, but may not raise.
		viewer.get("/ncrs").must(t, http.StatusOK)
		viewer.post("/ncrs", url.Values{"title": {"x"}}).must(t, http.StatusForbidden)
		viewer.post("/inspections/"+id(na.InspectionID)+"/ncr", nil).must(t, http.StatusForbidden)

		// Supplier users: no internal page, only their own requests.
		for _, p := range []string{"/ncrs", ncrA, ncrA + "/report", "/ncrs/pareto", "/ncrs/cost", "/capas", capaA, "/capas/new"} {
			supA.get(p).must(t, http.StatusForbidden)
		}
		supA.get("/portal/scars").must(t, http.StatusOK, scarA.Number())
		if r := supA.get("/portal/scars"); strings.Contains(r.body, scarB.Number()) {
			t.Error("supplier A's list shows supplier B's request")
		}
		r := supA.get("/portal/scars/" + id(scarA.ID))
		r.must(t, http.StatusOK, `id="form-D3"`)
		for _, not := range []string{"buyer-only remark", `id="form-D0"`, na.Number()} {
			if strings.Contains(r.body, not) {
				t.Errorf("supplier A's request page shows %q", not)
			}
		}
		supA.get(capaA+"/report").must(t, http.StatusOK, "8D report")
		if r := supA.get(capaA + "/report"); strings.Contains(r.body, "buyer-only remark") || strings.Contains(r.body, na.Number()) {
			t.Error("supplier A's 8D report shows the buyer's note or NCR")
		}
		before := ap.countEvents()
		for _, p := range []string{"/portal/scars/" + id(scarB.ID), capaB + "/report", capaB + "/report.pdf"} {
			supA.get(p).must(t, http.StatusNotFound)
		}
		supA.post(capaB+"/stages/D3", url.Values{"version": {id(scarB.Version)}, "verification": {"x"}}).must(t, http.StatusNotFound)
		supA.post(capaB+"/stages/D3/review", url.Values{"decision": {"accepted"}}).must(t, http.StatusForbidden)
		supB.post(capaA+"/stages/D3", url.Values{"version": {id(scarA.Version)}, "verification": {"x"}}).must(t, http.StatusNotFound)
		// The buyer writes D0; the supplier may not.
		supA.post(capaA+"/stages/D0", url.Values{"version": {id(scarA.Version)}, "symptom": {"x"}}).must(t, http.StatusForbidden)
		if after := ap.countEvents(); after != before {
			t.Errorf("refused requests wrote %d audit events", after-before)
		}
		// The supplier saves its own D3.
		supA.post(capaA+"/stages/D3", url.Values{"version": {id(w.GetCAPA(t, scarA.ID).Version)}, "verification": {"sorted 验证"}}).
			redirectsTo(t, "/portal/scars/"+id(scarA.ID)+"#D3")
		if got := w.GetCAPA(t, scarA.ID).Report.D3.Verification; got != "sorted 验证" {
			t.Errorf("D3 as saved: %q", got)
		}

		// Evidence: the supplier uploads a real PNG to its own request; a
		// file that is not what it claims, or an upload to another
		// supplier's request, is refused and stores nothing.
		upload := func(c *client, path, name, ctype string, data []byte) response {
			t.Helper()
			body, mt := multipartBody(t, "file", name, ctype, data)
			req, _ := http.NewRequest("POST", srv.URL+path, body)
			req.Header.Set("Content-Type", mt)
			return c.do(req)
		}
		evidence := func(id int64) int {
			t.Helper()
			var n int
			if err := st.View(context.Background(), func(tx *store.Tx) error {
				fs, err := tx.FilesOf("capa", id)
				n = len(fs)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return n
		}
		upload(supA, capaA+"/evidence", "sorting report.png", "image/png", pngBytes(t)).redirectsTo(t, "/portal/scars/"+id(scarA.ID)+"#evidence")
		upload(supA, capaA+"/evidence", "photo.jpg", "image/jpeg", []byte("MZ not a picture at all, an executable")).redirectsTo(t, "/portal/scars/"+id(scarA.ID)+"#evidence")
		if n := evidence(scarA.ID); n != 1 {
			t.Errorf("%d evidence files on A's request, want the one PNG", n)
		}
		upload(supA, capaB+"/evidence", "x.png", "image/png", pngBytes(t)).must(t, http.StatusNotFound)
		if n := evidence(scarB.ID); n != 0 {
			t.Errorf("supplier A stored %d files on B's request", n)
		}
		if r := supA.get("/portal/scars/" + id(scarA.ID)); !strings.Contains(r.body, "sorting report.png") {
			t.Error("the uploaded evidence is not listed on the request")
		}

		// The cause category, once known, is set on the report.
		qm.post(ncrA, url.Values{"version": {id(w.GetNCR(t, na.ID).Version)}, "title": {na.Title}, "severity": {"major"}, "found": {na.Found},
			"cause": {"machine"}, "affected": {id(int64(na.QuantityAffected))}, "inspected": {id(int64(na.QuantityInspected))}}).redirectsTo(t, ncrA)
		if got := w.GetNCR(t, na.ID); got.CauseCategory != "machine" || len(got.Defects) != len(na.Defects) || got.InspectionID != na.InspectionID {
			t.Errorf("after the edit: cause %q, %d defects, inspection %d", got.CauseCategory, len(got.Defects), got.InspectionID)
		}
		supA.post(ncrA, url.Values{"cause": {"man"}}).must(t, http.StatusForbidden)

		// Bad input writes nothing.
		ncrs := func() int {
			var n []struct{}
			err := st.View(context.Background(), func(tx *store.Tx) error {
				all, _, err := tx.ListNCRs(store.NCRFilter{Limit: 100})
				n = make([]struct{}, len(all))
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return len(n)
		}
		count := ncrs()
		qm.post("/ncrs", url.Values{"source": {"other"}, "title": {"No finding"}, "severity": {"major"}, "detected_on": {"2026-13-45"},
			"affected": {"0"}, "defects": {"X | y | fatal | many"}}).must(t, http.StatusBadRequest, "detected_on", "defects")
		if ncrs() != count {
			t.Error("an invalid NCR was written")
		}
		qm.post(ncrA+"/disposition", url.Values{"version": {id(w.GetNCR(t, na.ID).Version)}, "qty_scrap": {"1"}}).redirectsTo(t, ncrA+"#disposition")
		if d := w.GetNCR(t, na.ID).Disposition; len(d) != 0 {
			t.Errorf("a disposition not adding up was saved: %+v", d)
		}
		qm.post(ncrA+"/cost", url.Values{"version": {id(w.GetNCR(t, na.ID).Version)}, "currency": {"EUR"}, "scrap": {"12.345"}}).redirectsTo(t, ncrA+"#cost")
		if c := w.GetNCR(t, na.ID).Cost; !c.IsZero() {
			t.Errorf("a cost with too many decimals was saved: %+v", c)
		}
		qm.post(ncrA+"/cost", url.Values{"version": {id(w.GetNCR(t, na.ID).Version)}, "currency": {"eur"}, "scrap": {"1,250.5"}, "freight": {"80"}}).redirectsTo(t, ncrA+"#cost")
		if c := w.GetNCR(t, na.ID).Cost; c.Currency != "EUR" || c.Scrap != 125050 || c.Freight != 8000 {
			t.Errorf("cost as saved: %+v", c)
		}
	})
}
