package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// supEnv is the API over the supplier fixture (opstest): suppliers A and B
// with their records, a user of every role with an API token, the
// supplier user belonging to A.
type supEnv struct {
	t      testing.TB
	st     *store.Store
	h      http.Handler
	w      *opstest.World
	tokens map[string]string // by role name
	sys    context.Context
}

func newSupEnv(t testing.TB, st *store.Store) *supEnv {
	t.Helper()
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: discard()}
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: discard(), Surfaces: []server.Surface{api.New(st, a, discard())}})
	if err != nil {
		t.Fatal(err)
	}
	e := &supEnv{t: t, st: st, h: h, w: opstest.Build(t, st), tokens: map[string]string{},
		sys: qms.WithActor(context.Background(), qms.Actor{Name: "test", Role: qms.RoleAdmin, Via: "system"})}
	acc := &account.Service{Store: st}
	for role, u := range e.w.Users {
		_, secret, err := acc.CreateToken(e.sys, u.ID, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[string(role)] = secret
	}
	return e
}

func (e *supEnv) do(method, path, who, body string) *response {
	e.t.Helper()
	var r *http.Request
	if body != "" {
		r = httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// expand fills in a path or body (opstest.World.Expand).
func (e *supEnv) expand(s, who string) string {
	e.t.Helper()
	return e.w.Expand(e.t, e.st, s, who)
}

var internalRoles = []string{"admin", "quality_manager", "inspector", "viewer", "auditor"}

func roles(status int, names ...string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[n] = status
	}
	return m
}

func with(m map[string]int, role string, status int) map[string]int {
	m[role] = status
	return m
}

var (
	editors   = []string{"admin", "quality_manager", "inspector"}
	approvers = []string{"admin", "quality_manager"}
)

// supplierMatrix is the role matrix of every supplier operation. The
// supplier user belongs to A; every path names B's records, so it must get
// 404 wherever the record is another supplier's. Roles not listed get 403.
var supplierMatrix = []access{
	{"GET", "/api/v1/suppliers?q=h&sort=-name&limit=5", "", with(roles(200, internalRoles...), "supplier", 200), `"items":[`},
	{"POST", "/api/v1/suppliers", `{"name":"บริษัท {who} จำกัด","name_latin":"{who} Co., Ltd.","kind":"manufacturer","country":"TH"}`,
		roles(201, editors...), `"status":"prospect"`},
	{"GET", "/api/v1/suppliers/{B}", "", with(roles(200, internalRoles...), "supplier", 404), `"red_flags":[`},
	{"PATCH", "/api/v1/suppliers/{B}", `{"notes":"changed by {who}","version":{v:B}}`, with(roles(200, editors...), "supplier", 404), `"notes":"changed by `},
	{"POST", "/api/v1/suppliers/{B}/status", `{"status":"{next:B}","reason":"test by {who}","version":{v:B}}`,
		with(roles(200, approvers...), "supplier", 404), `"status_reason":"test by `},
	{"POST", "/api/v1/suppliers/{fresh-supplier}/void", `{"reason":"duplicate","version":1}`, with(roles(200, approvers...), "supplier", 404), `"voided_at"`},
	{"GET", "/api/v1/suppliers/{B}/qualification?market=EU", "", with(roles(200, internalRoles...), "supplier", 404), `"allowed":`},
	{"GET", "/api/v1/suppliers/{B}/history", "", with(roles(200, internalRoles...), "supplier", 404), `"action":"create"`},
	{"GET", "/api/v1/suppliers/{B}/report.pdf", "", with(roles(200, internalRoles...), "supplier", 404), "%PDF-"},
	{"GET", "/api/v1/suppliers/{B}/overrides", "", with(roles(200, internalRoles...), "supplier", 404), `"standard":"ISO 13485"`},
	{"POST", "/api/v1/suppliers/{B}/overrides", `{"standard":"ISO 13485","reason":"audit by {who} booked","until":"` + opstest.Day(20).String() + `"}`,
		with(roles(201, approvers...), "supplier", 404), `"active":true`},
	{"POST", "/api/v1/overrides/{fresh-over}/void", `{"reason":"certificate arrived"}`, with(roles(200, approvers...), "supplier", 404), `"void_reason":"certificate arrived"`},

	{"GET", "/api/v1/sites?supplier_id={B}", "", with(roles(200, internalRoles...), "supplier", 404), `"capacity":"40,000 pcs/month"`},
	{"POST", "/api/v1/sites", `{"supplier_id":{B},"name":"Xưởng {who}","address":"KCN Tân Bình","country":"VN"}`,
		with(roles(201, editors...), "supplier", 404), `"name":"Xưởng `},
	{"GET", "/api/v1/sites/{Bsite}", "", with(roles(200, internalRoles...), "supplier", 404), `"address_latin":"Lot C3`},
	{"PATCH", "/api/v1/sites/{Bsite}", `{"capacity":"set by {who}","version":{v:Bsite}}`, with(roles(200, editors...), "supplier", 404), `"capacity":"set by `},
	{"POST", "/api/v1/sites/{fresh-site}/void", `{"reason":"closed","version":1}`, with(roles(200, approvers...), "supplier", 404), `"void_reason":"closed"`},

	{"GET", "/api/v1/certificates?supplier_id={B}", "", with(roles(200, internalRoles...), "supplier", 404), `"number":"VN-B-9001"`},
	{"POST", "/api/v1/certificates", `{"supplier_id":{B},"kind":"management_system","standard":"ISO 14001:2015","number":"EMS-{who}","certification_body":"Bureau Veritas",` +
		`"accreditation_body":"UKAS","scope":"Sewing of garments","holder_name":"Công ty TNHH May Mặc Hưng Thịnh","site_ids":[{Bsite}],"issue_date":"` +
		opstest.Day(-30).String() + `","expiry_date":"` + opstest.Day(900).String() + `"}`, with(roles(201, editors...), "supplier", 404), `"number":"EMS-`},
	{"GET", "/api/v1/certificates/expiring?within=3000", "", with(roles(200, internalRoles...), "supplier", 200), `"items":[`},
	{"GET", "/api/v1/certificates/{Bcert}", "", with(roles(200, internalRoles...), "supplier", 404), `"verifications":[`},
	{"PATCH", "/api/v1/certificates/{Bcert}", `{"scope":"Sewing of garments, checked by {who}","version":{v:Bcert}}`,
		with(roles(200, editors...), "supplier", 404), `checked by `},
	{"POST", "/api/v1/certificates/{fresh-submitted}/review", `{"review":"accepted","note":"checked","version":1}`,
		with(roles(200, approvers...), "supplier", 404), `"review":"accepted"`},
	{"POST", "/api/v1/certificates/{fresh-cert}/void", `{"reason":"entered twice","version":1}`, with(roles(200, approvers...), "supplier", 404), `"void_reason":"entered twice"`},
	{"GET", "/api/v1/certificates/{Bcert}/verifications", "", with(roles(200, internalRoles...), "supplier", 404), `"method":"iaf_certsearch"`},
	{"POST", "/api/v1/certificates/{Bcert}/verifications", `{"method":"cb_website","checked_on":"` + opstest.Day(0).String() + `","result":"verified_valid","note":"by {who}"}`,
		with(roles(201, editors...), "supplier", 404), `"result":"verified_valid"`},
	{"GET", "/api/v1/verifications/{Bver}", "", with(roles(200, internalRoles...), "supplier", 404), `"checked_by":"fixture"`},
	{"POST", "/api/v1/verifications/{fresh-ver}/void", `{"reason":"wrong certificate"}`, with(roles(200, approvers...), "supplier", 404), `"void_reason":"wrong certificate"`},

	{"GET", "/api/v1/approved-suppliers?category=garments", "", roles(200, internalRoles...), `"items":[`},
	{"GET", "/api/v1/supplier-settings", "", roles(200, internalRoles...), `"expiry_warning_days":90`},
	{"PUT", "/api/v1/supplier-settings", `{"expiry_warning_days":90,"max_validity_years":3,"surveillance_months":12,"verification_max_age_months":12,"version":{v:settings},"reason":"by {who}"}`,
		roles(200, "admin"), `"expiry_warning_days":90`},
	{"GET", "/api/v1/accreditation-bodies", "", roles(200, internalRoles...), `"code":"CNAS"`},
	{"POST", "/api/v1/accreditation-bodies", `{"code":"AB-{who}","name":"Test body","recognised":false}`, roles(201, "admin"), `"code":"AB-admin"`},
	{"PUT", "/api/v1/accreditation-bodies/{UKAS}", `{"code":"UKAS","name":"United Kingdom Accreditation Service","country":"GB","recognised":true,"version":{v:UKAS}}`,
		roles(200, "admin"), `"code":"UKAS"`},
	{"GET", "/api/v1/product-categories", "", roles(200, internalRoles...), `"code":"garments"`},
	{"POST", "/api/v1/product-categories", `{"code":"toys_{who}","name":"Toys","keywords":["toy","玩具"]}`, roles(201, "admin"), `"玩具"`},
	{"PUT", "/api/v1/product-categories/{fresh-cat}", `{"name":"Renamed","keywords":["x"],"version":1}`, roles(200, "admin"), `"name":"Renamed"`},
	{"GET", "/api/v1/requirements", "", roles(200, internalRoles...), `"standard":"ISO 13485"`},
	{"POST", "/api/v1/requirements", `{"standard":"ISO 14001","market":"{who}"}`, roles(201, "admin"), `"market":"ADMIN"`},
	{"POST", "/api/v1/requirements/{fresh-req}/void", `{"reason":"no longer required","version":1}`, roles(200, "admin"), `"void_reason":"no longer required"`},
}

func init() {
	for _, a := range supplierMatrix {
		p, _, _ := strings.Cut(a.path, "?")
		p = opstest.Placeholder.ReplaceAllString(strings.TrimPrefix(p, "/api/v1"), "{id}")
		testedElsewhere[a.method+" "+p] = "TestSupplierRoleMatrix"
	}
}

// TestSupplierRoleMatrix runs every supplier operation as every role:
// the allowed roles succeed, the others get 403, the supplier user gets 404
// for every record of another supplier, and nothing refused is written.
func TestSupplierRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		order := append(slices.Clone([]string{"supplier", "auditor", "viewer", "inspector"}), "quality_manager", "admin")
		for _, a := range supplierMatrix {
			for _, who := range order {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					e.t = t
					want, ok := a.ok[who]
					if !ok {
						want = 403
					}
					path, body := e.expand(a.path, who), ""
					if a.body != "" {
						body = e.expand(a.body, who)
					}
					before := countEvents(t, st)
					r := e.do(a.method, path, who, body)
					if r.status != want {
						t.Fatalf("%s %s = %d, want %d: %s", a.method, path, r.status, want, r.body)
					}
					if r.status < 300 && a.want != "" && !strings.Contains(string(r.body), a.want) {
						t.Errorf("response lacks %s: %s", a.want, r.body)
					}
					if r.status >= 400 {
						if p := r.problem(t); p.Status != r.status || p.Detail == "" {
							t.Errorf("problem %+v", p)
						}
						if after := countEvents(t, st); after != before {
							t.Errorf("a refused request wrote %d audit events", after-before)
						}
					}
					if r.status == 404 && strings.Contains(string(r.body), "Hưng Thịnh") {
						t.Errorf("a 404 names the other supplier: %s", r.body)
					}
				})
			}
		}
	})
}

func countEvents(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSupplierUserSeesOnlyItsOwn: every list a supplier user can read
// holds its own supplier's rows only; its own records come without the
// buyer's assessment; it may submit a certificate, which awaits review.
func TestSupplierUserSeesOnlyItsOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		A, B := e.w.A, e.w.B
		lists := []string{"/api/v1/suppliers", "/api/v1/suppliers?include_voided=true", "/api/v1/certificates",
			"/api/v1/certificates/expiring?within=3000", "/api/v1/sites?supplier_id=" + strconv.FormatInt(A.Supplier.ID, 10)}
		for _, path := range lists {
			r := e.do("GET", path, "supplier", "")
			if r.status != 200 {
				t.Fatalf("GET %s = %d: %s", path, r.status, r.body)
			}
			body := string(r.body)
			if strings.Contains(body, "Hưng Thịnh") || strings.Contains(body, B.Certificate.Number) || !strings.Contains(body, "Shenzhen") {
				t.Errorf("GET %s shows another supplier's rows or not its own: %s", path, body)
			}
			if strings.Contains(body, "internal") || strings.Contains(body, `"red_flags"`) || strings.Contains(body, `"verifications"`) {
				t.Errorf("GET %s shows the buyer's assessment: %s", path, body)
			}
		}
		r := e.do("GET", "/api/v1/suppliers/"+strconv.FormatInt(A.Supplier.ID, 10), "supplier", "")
		if r.status != 200 || strings.Contains(string(r.body), "internal") || strings.Contains(string(r.body), `"red_flags"`) {
			t.Errorf("own supplier: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/api/v1/verifications/"+strconv.FormatInt(A.Verification.ID, 10), "supplier", "")
		if r.status != 403 {
			t.Errorf("own verification = %d, want 403", r.status)
		}
		body := `{"supplier_id":` + strconv.FormatInt(A.Supplier.ID, 10) + `,"kind":"management_system","standard":"ISO 14001:2015","number":"EMS-1",` +
			`"certification_body":"TÜV SÜD","accreditation_body":"DAkkS","scope":"Manufacture of electronic parts","holder_name":"深圳精密五金有限公司",` +
			`"site_ids":[` + strconv.FormatInt(A.Site.ID, 10) + `],"issue_date":"` + opstest.Day(-5).String() + `","expiry_date":"` + opstest.Day(1000).String() + `"}`
		r = e.do("POST", "/api/v1/certificates", "supplier", body)
		if r.status != 201 || !strings.Contains(string(r.body), `"review":"submitted"`) || !strings.Contains(string(r.body), `"holder_name":"深圳精密五金有限公司"`) {
			t.Fatalf("submit a certificate: %d %s", r.status, r.body)
		}
		var c api.Certificate
		r.decode(t, &c)
		r = e.do("PATCH", "/api/v1/certificates/"+strconv.FormatInt(c.ID, 10), "supplier", `{"number":"EMS-2","version":1}`)
		if r.status != 403 {
			t.Errorf("a supplier user changed its certificate: %d", r.status)
		}
		// The quality manager reviews it.
		r = e.do("POST", "/api/v1/certificates/"+strconv.FormatInt(c.ID, 10)+"/review", "quality_manager", `{"review":"rejected","note":"scan unreadable","version":1}`)
		if r.status != 200 || !strings.Contains(string(r.body), `"review_note":"scan unreadable"`) {
			t.Errorf("review: %d %s", r.status, r.body)
		}
	})
}

// TestSupplierAPIBadInput: the bad input of the issue gets 422 or 409 with
// the field named, and writes nothing.
func TestSupplierAPIBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newSupEnv(t, st)
		A := e.w.A
		sid := strconv.FormatInt(A.Supplier.ID, 10)
		cert := func(edit string) string {
			base := map[string]any{"supplier_id": A.Supplier.ID, "kind": "management_system", "standard": "ISO 9001:2015", "number": "N-1",
				"certification_body": "SGS", "accreditation_body": "UKAS", "scope": "Manufacture of electronic parts",
				"holder_name": "Shenzhen Precision Hardware Co., Ltd.", "issue_date": opstest.Day(-10).String(), "expiry_date": opstest.Day(700).String()}
			var over map[string]any
			if err := json.Unmarshal([]byte(edit), &over); err != nil {
				t.Fatal(err)
			}
			for k, v := range over {
				base[k] = v
			}
			b, _ := json.Marshal(base)
			return string(b)
		}
		cases := []struct {
			name, method, path, body string
			status                   int
			location                 string
		}{
			{"expiry before issue", "POST", "/api/v1/certificates", cert(`{"expiry_date":"` + opstest.Day(-20).String() + `"}`), 422, "body.expiry_date"},
			{"far past", "POST", "/api/v1/certificates", cert(`{"issue_date":"1901-01-01"}`), 422, "body.issue_date"},
			{"far future", "POST", "/api/v1/certificates", cert(`{"expiry_date":"2999-12-31"}`), 422, "body.expiry_date"},
			{"not a date", "POST", "/api/v1/certificates", cert(`{"issue_date":"31.12.2025"}`), 422, "body.issue_date"},
			{"unknown standard", "POST", "/api/v1/certificates", cert(`{"standard":"ISO 9999:2015"}`), 422, "body.standard"},
			{"unknown edition", "POST", "/api/v1/certificates", cert(`{"standard":"ISO 9001:2019"}`), 422, "body.standard"},
			{"duplicate number", "POST", "/api/v1/certificates", cert(`{"number":"` + A.Certificate.Number + `","certification_body":"SGS UNITED KINGDOM LTD."}`), 409, "body.number"},
			{"another supplier's site", "POST", "/api/v1/certificates", cert(`{"site_ids":[` + strconv.FormatInt(e.w.B.Site.ID, 10) + `]}`), 422, "body.site_ids"},
			{"Chinese name without Latin", "POST", "/api/v1/suppliers", `{"name":"东莞市恒通塑胶制品有限公司","kind":"manufacturer","country":"CN"}`, 422, "body.name_latin"},
			{"bad country", "POST", "/api/v1/suppliers", `{"name":"Müller GmbH","kind":"manufacturer","country":"D1"}`, 422, "body.country"},
			{"unknown category", "POST", "/api/v1/suppliers", `{"name":"Müller GmbH","kind":"manufacturer","country":"DE","categories":["rockets"]}`, 422, "body.categories"},
			{"stale version", "PATCH", "/api/v1/suppliers/" + sid, `{"notes":"x","version":99}`, 409, ""},
			{"unknown field", "POST", "/api/v1/suppliers", `{"name":"X","kind":"manufacturer","country":"DE","colour":"red"}`, 422, "body.colour"},
			{"approve a prospect", "POST", "/api/v1/suppliers/" + sid + "/status", `{"status":"approved","reason":"x","version":` + strconv.FormatInt(A.Supplier.Version, 10) + `}`, 409, ""},
			{"override too long", "POST", "/api/v1/suppliers/" + sid + "/overrides", `{"standard":"ISO 9001","reason":"x","until":"` + opstest.Day(400).String() + `"}`, 422, "body.until"},
			{"review of a reviewed certificate", "POST", "/api/v1/certificates/" + strconv.FormatInt(A.Certificate.ID, 10) + "/review", `{"review":"rejected","version":1}`, 409, ""},
			{"verification in the future", "POST", "/api/v1/certificates/" + strconv.FormatInt(A.Certificate.ID, 10) + "/verifications",
				`{"method":"cnca","checked_on":"` + opstest.Day(3).String() + `","result":"verified_valid"}`, 422, "body.checked_on"},
		}
		for _, tc := range cases {
			before := countEvents(t, st)
			r := e.do(tc.method, tc.path, "quality_manager", tc.body)
			if r.status != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.name, r.status, tc.status, r.body)
				continue
			}
			p := r.problem(t)
			if tc.location != "" && !slices.Contains(p.locations(), tc.location) {
				t.Errorf("%s: locations %v, want %s: %s", tc.name, p.locations(), tc.location, r.body)
			}
			if countEvents(t, st) != before {
				t.Errorf("%s: a refused request wrote", tc.name)
			}
		}
		// Names in Chinese, Vietnamese and Thai round-trip exactly.
		for _, name := range []string{"东莞市恒通塑胶制品有限公司", "Công ty Cổ phần Nhựa Bình Minh", "บริษัท ไทยอิเล็กทรอนิกส์ จำกัด"} {
			body, _ := json.Marshal(map[string]any{"name": name, "name_latin": "Round Trip Co., Ltd.", "kind": "manufacturer", "country": "VN"})
			r := e.do("POST", "/api/v1/suppliers", "quality_manager", string(body))
			if r.status != 201 {
				t.Fatalf("create %s: %d %s", name, r.status, r.body)
			}
			var s api.Supplier
			r.decode(t, &s)
			r = e.do("GET", "/api/v1/suppliers/"+strconv.FormatInt(s.ID, 10), "viewer", "")
			var got api.SupplierDetail
			r.decode(t, &got)
			if got.Name != name {
				t.Errorf("name %q came back as %q", name, got.Name)
			}
		}
		// Paging: cursors walk the list without repeats.
		seen := map[int64]bool{}
		cursor := ""
		for range 10 {
			r := e.do("GET", "/api/v1/suppliers?limit=2&cursor="+cursor, "viewer", "")
			var page api.SupplierPage
			r.decode(t, &page)
			for _, s := range page.Items {
				if seen[s.ID] {
					t.Fatalf("supplier %d on two pages", s.ID)
				}
				seen[s.ID] = true
			}
			if cursor = page.NextCursor; cursor == "" {
				if len(seen) != page.Total {
					t.Errorf("paged through %d suppliers of %d", len(seen), page.Total)
				}
				break
			}
		}
	})
}
