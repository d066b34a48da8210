package api_test

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// supFuzzEnvs opens the supplier fixture's API on each database.
func supFuzzEnvs(f *testing.F) []*supEnv {
	var out []*supEnv
	for _, d := range storetest.Dialects {
		out = append(out, newSupEnv(f, storetest.Open(f, d)))
	}
	return out
}

// supCheck asserts what must hold for any input: no 5xx; a refusal is a
// problem document and writes nothing.
func supCheck(t *testing.T, e *supEnv, r *response, before int) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if r.status >= 400 {
		if p := r.problem(t); p.Status != r.status || p.Detail == "" {
			t.Fatalf("problem %+v for status %d", p, r.status)
		}
		if countEvents(t, e.st) != before {
			t.Fatalf("status %d but wrote", r.status)
		}
	}
}

func FuzzListSuppliers(f *testing.F) {
	for _, s := range []string{"", "q=深圳", "q=hung+thinh", "q=%25", "q=_", "q=%5C", "q=%C3%28", "status=approved", "status=root",
		"country=cn", "country=C", "category=electronics", "category=%27%3B--", "sort=-name", "sort=up", "include_voided=true",
		"limit=2&cursor=Mg", "cursor=LTE", "cursor=%FF", "q=" + strings.Repeat("x", 301), "limit=0", "limit=1e3", "&&&", "%zz"} {
		f.Add(s)
	}
	envs := supFuzzEnvs(f)
	f.Fuzz(func(t *testing.T, query string) {
		for _, e := range envs {
			e.t = t
			for _, who := range []string{"viewer", "supplier"} {
				before := countEvents(t, e.st)
				r := httptest.NewRequest("GET", "/api/v1/suppliers", nil)
				r.URL.RawQuery = query
				r.Header.Set("Authorization", "Bearer "+e.tokens[who])
				w := httptest.NewRecorder()
				e.h.ServeHTTP(w, r)
				res := &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
				supCheck(t, e, res, before)
				if who == "supplier" && strings.Contains(string(res.body), "Hưng Thịnh") {
					t.Fatalf("the supplier user sees supplier B: %s", res.body)
				}
			}
		}
	})
}

func FuzzCreateCertificate(f *testing.F) {
	day := func(n int) string { return opstest.Day(n).String() }
	for _, s := range []string{
		`{"supplier_id":1,"kind":"management_system","standard":"ISO 9001:2015","number":"F-1","certification_body":"SGS","accreditation_body":"UKAS","scope":"Manufacture of electronics","holder_name":"深圳精密","issue_date":"` + day(-5) + `","expiry_date":"` + day(500) + `"}`,
		`{"supplier_id":1,"kind":"product_test","standard":"EN 71-1","number":"T-1","certification_body":"Intertek","holder_name":"X","issue_date":"` + day(-5) + `"}`,
		`{"supplier_id":2,"kind":"social_audit","standard":"amfori BSCI","number":"B","certification_body":"QIMA","holder_name":"X","issue_date":"` + day(-5) + `","site_ids":[1,2,-3]}`,
		`{"supplier_id":1,"kind":"management_system","standard":"ISO 9001:2015","number":"CN-A-9001","certification_body":"sgs united kingdom ltd","scope":"x","holder_name":"x","issue_date":"` + day(-5) + `","expiry_date":"` + day(5) + `"}`,
		`{"supplier_id":1,"kind":"management_system","standard":"ISO 9001:2015","number":"F-2","certification_body":"SGS","scope":"x","holder_name":"x","issue_date":"0001-01-01","expiry_date":"9999-12-31"}`,
		`{"supplier_id":1,"kind":"management_system","standard":":","number":"\u0000","certification_body":"SGS","holder_name":"x","issue_date":"2026-02-30"}`,
		`{"supplier_id":99999999999999999999}`, `{"supplier_id":1,"site_ids":"1"}`, `{`, `[]`, `null`, ``,
		"{\"supplier_id\":1,\"number\":\"\xff\"}",
	} {
		f.Add(s)
	}
	envs := supFuzzEnvs(f)
	f.Fuzz(func(t *testing.T, body string) {
		for _, e := range envs {
			e.t = t
			for _, who := range []string{"quality_manager", "supplier"} {
				before := countEvents(t, e.st)
				r := e.do("POST", "/api/v1/certificates", who, body)
				supCheck(t, e, r, before)
				if who == "supplier" && r.status == 201 && !strings.Contains(string(r.body), `"supplier_id":`+strconv.FormatInt(e.w.A.Supplier.ID, 10)) {
					t.Fatalf("the supplier user recorded a certificate for another supplier: %s", r.body)
				}
			}
		}
	})
}
