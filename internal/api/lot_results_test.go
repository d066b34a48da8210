package api_test

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"qms/internal/store"
	"qms/internal/store/storetest"
)

func init() {
	for _, op := range []string{"GET /lot-results", "POST /lot-results", "POST /lot-results/import", "GET /lot-results/{id}",
		"POST /lot-results/{id}/void", "GET /rejection-rates"} {
		testedElsewhere[op] = "TestLotResultsAPI"
	}
	testedElsewhere["GET /inspections/{id}/report.pdf"] = "TestInspectionReportPDF"
}

// TestLotResultsAPI: agencies' results one by one and in batches (dry run,
// problems by row, all or nothing), the list and one result, voiding, and
// the rejection rates, each by role, with supplier isolation (a supplier
// user sees its own supplier's results and rates; another's is 404).
func TestLotResultsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		result := func(sup, site int64, sku, ref string) string {
			return `{"agency":"QIMA","report_no":"` + ref + `","date":"2026-02-03","supplier":"` + id(sup) + `","site":"` + id(site) +
				`","product":"` + sku + `","inspection_type":"PSI","lot_size":3200,"sample_size":125,"major_defects":9,"minor_defects":3,"verdict":"fail"}`
		}
		a, b := e.w.PA, e.w.PB
		for who, want := range map[string]int{"viewer": 403, "auditor": 403, "supplier": 403, "inspector": 201} {
			r := e.do("POST", "/api/v1/lot-results", who, result(a.Supplier.ID, a.Site.ID, a.Product.SKU, "Q-"+who))
			if r.status != want {
				t.Errorf("%s POST /lot-results = %d: %s", who, r.status, r.body)
			}
		}
		r := e.do("POST", "/api/v1/lot-results", "quality_manager", result(a.Supplier.ID, a.Site.ID, a.Product.SKU, "Q-inspector"))
		if r.status != 409 {
			t.Errorf("the same report again = %d: %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/lot-results", "quality_manager", result(b.Supplier.ID, a.Site.ID, b.Product.SKU, "Q-x"))
		if r.status != 422 || !strings.Contains(string(r.body), "body.site") {
			t.Errorf("a site of another supplier = %d: %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/lot-results", "quality_manager", result(b.Supplier.ID, b.Site.ID, b.Product.SKU, "Q-B1"))
		if r.status != 201 || !strings.Contains(string(r.body), `"switching":[`) {
			t.Fatalf("B's result = %d: %s", r.status, r.body)
		}
		var created struct {
			LotResult struct{ ID int64 } `json:"lot_result"`
		}
		r.decode(t, &created)
		bID := id(created.LotResult.ID)

		csv := "agency,report_no,date,supplier,site,product,inspection_type,lot_size,sample_size,major_defects,verdict\n" +
			"SGS,S-1," + "2026-02-10," + id(a.Supplier.ID) + "," + id(a.Site.ID) + "," + a.Product.SKU + ",IQC,500,50,1,pass\n" +
			"SGS,S-2,2026-02-31,nobody,1,NOPE,PSX,0,5,0,maybe\n"
		body, _ := json.Marshal(map[string]any{"dry_run": true, "csv": csv})
		r = e.do("POST", "/api/v1/lot-results/import", "inspector", string(body))
		var rep struct {
			Rows      int
			Committed bool
			Errors    []struct {
				Row    int
				Column string
			}
		}
		r.decode(t, &rep)
		if r.status != 200 || rep.Committed || rep.Rows != 2 || len(rep.Errors) < 5 {
			t.Errorf("dry run of a bad batch = %d: %s", r.status, r.body)
		}
		body, _ = json.Marshal(map[string]any{"results": []json.RawMessage{json.RawMessage(result(a.Supplier.ID, a.Site.ID, a.Product.SKU, "V-1")),
			json.RawMessage(result(a.Supplier.ID, a.Site.ID, a.Product.SKU, "V-2"))}})
		if r = e.do("POST", "/api/v1/lot-results/import", "supplier", string(body)); r.status != 403 {
			t.Errorf("supplier import = %d", r.status)
		}
		r = e.do("POST", "/api/v1/lot-results/import", "quality_manager", string(body))
		if r.status != 200 || !strings.Contains(string(r.body), `"committed":true`) {
			t.Errorf("batch import = %d: %s", r.status, r.body)
		}
		if r = e.do("POST", "/api/v1/lot-results/import", "quality_manager", `{"csv":"a","results":[{}]}`); r.status != 422 {
			t.Errorf("csv and results = %d", r.status)
		}

		// Reading, by role.
		for who, want := range map[string]int{"viewer": 200, "auditor": 200, "supplier": 404, "supplierB": 200} {
			if r := e.do("GET", "/api/v1/lot-results/"+bID, who, ""); r.status != want {
				t.Errorf("%s GET B's result = %d", who, r.status)
			}
		}
		r = e.do("GET", "/api/v1/lot-results?limit=200", "supplier", "")
		if r.status != 200 || strings.Contains(string(r.body), `"supplier_id":`+id(b.Supplier.ID)+`,`) || !strings.Contains(string(r.body), `"supplier_id":`+id(a.Supplier.ID)) {
			t.Errorf("supplier's list = %d: %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/lot-results?from=2026-03-01&to=2026-02-01", "viewer", ""); r.status != 422 {
			t.Errorf("to before from = %d", r.status)
		}

		// Rates.
		rates := func(who, query string) (int, []map[string]any) {
			r := e.do("GET", "/api/v1/rejection-rates?"+query, who, "")
			var out struct{ Rates []map[string]any }
			if r.status == 200 {
				r.decode(t, &out)
			}
			return r.status, out.Rates
		}
		if s, rs := rates("viewer", "group=supplier"); s != 200 || len(rs) != 2 {
			t.Errorf("viewer's rates by supplier = %d %v", s, rs)
		}
		if s, rs := rates("supplier", "group=supplier"); s != 200 || len(rs) != 1 || rs[0]["key"] != id(a.Supplier.ID) {
			t.Errorf("supplier's rates by supplier = %d %v", s, rs)
		}
		if s, rs := rates("supplier", "group=kind&supplier_id="+id(b.Supplier.ID)); s != 200 || len(rs) != 0 {
			t.Errorf("supplier asking for B's rates = %d %v", s, rs)
		}
		if s, rs := rates("quality_manager", "group=month&product_id="+id(a.Product.ID)+"&from=2026-01-01&to=2026-10-31"); s != 200 || len(rs) != 1 ||
			rs[0]["key"] != "2026-02" || rs[0]["rejection_rate"].(float64) <= 0 || rs[0]["ppm"].(float64) <= 0 {
			t.Errorf("product by month = %d %v", s, rs)
		}
		if s, _ := rates("viewer", "group=colour"); s != 422 {
			t.Errorf("unknown group = %d", s)
		}

		// Voiding.
		for who, want := range map[string]int{"inspector": 403, "supplierB": 403, "supplier": 404, "quality_manager": 200} {
			if r := e.do("POST", "/api/v1/lot-results/"+bID+"/void", who, `{"reason":"duplicate of Q-B0"}`); r.status != want {
				t.Errorf("%s void = %d: %s", who, r.status, r.body)
			}
		}
	})
}

// TestInspectionReportPDF: the report of an inspection as a PDF to whoever
// may see the inspection; another supplier's is 404.
func TestInspectionReportPDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		path := "/api/v1/inspections/" + strconv.FormatInt(e.w.PB.Lot.ID, 10) + "/report.pdf"
		for who, want := range map[string]int{"viewer": 200, "auditor": 200, "supplierB": 200, "supplier": 404, "": 401} {
			r := e.do("GET", path, who, "")
			if r.status != want {
				t.Errorf("%q GET report.pdf = %d: %.200s", who, r.status, r.body)
				continue
			}
			if want == 200 && (r.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(r.body, []byte("%PDF-"))) {
				t.Errorf("%s: %s, %.20q", who, r.header.Get("Content-Type"), r.body)
			}
		}
		if r := e.do("GET", "/api/v1/inspections/999999/report.pdf", "viewer", ""); r.status != 404 {
			t.Errorf("no such inspection = %d", r.status)
		}
	})
}
