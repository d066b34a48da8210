package api_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/inspection"
	"qms/internal/inspectionops"
	"qms/internal/inspectionops/insptest"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// inspEnv is the API over the inspection fixture (insptest): products,
// specs, plans and inspections of suppliers A and B, a user of every role
// with an API token; "supplier" is A's supplier user, "supplierB" B's.
type inspEnv struct {
	t      *testing.T
	st     *store.Store
	h      http.Handler
	w      *insptest.World
	tokens map[string]string
}

func newInspEnv(t *testing.T, st *store.Store) *inspEnv {
	t.Helper()
	a := &auth.Service{Store: st, Policy: auth.DefaultPolicy, Log: discard()}
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 0)
	(&inspectionops.Service{Store: st}).RegisterFiles(files)
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: discard(), Surfaces: []server.Surface{api.New(st, a, discard()).WithFiles(files)}})
	if err != nil {
		t.Fatal(err)
	}
	e := &inspEnv{t: t, st: st, h: h, w: insptest.Build(t, st), tokens: map[string]string{}}
	acc := &account.Service{Store: st}
	users := map[string]*qms.User{"supplierB": e.w.B.User}
	for role, u := range e.w.Users {
		users[string(role)] = u
	}
	for name, u := range users {
		_, secret, err := acc.CreateToken(insptest.System, u.ID, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[name] = secret
	}
	return e
}

func (e *inspEnv) do(method, path, who, body string) *response {
	e.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		r.Header.Set("Authorization", "Bearer "+e.tokens[who])
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

// upload posts a file in a multipart body.
func (e *inspEnv) upload(path, who string, fields map[string]string, name string, content []byte) *response {
	e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	r := httptest.NewRequest("POST", path, &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Authorization", "Bearer "+e.tokens[who])
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return &response{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
}

func (e *inspEnv) expand(s, who string) string {
	e.t.Helper()
	return e.w.Expand(e.t, e.st, s, who)
}

const specBody = `{"title":"Áo thun spec","characteristics":[{"no":1,"kind":"dimensional","name":"Chest width","nominal":520,"tolerance":{"plus":10,"minus":10},"unit":"mm"},` +
	`{"no":2,"kind":"attribute","name":"Colour","criterion":"navy as golden sample"},{"no":3,"kind":"test","name":"Colour fastness","test":{"type":"colour_fastness","sample_size":3,"ac":0,"re":1}}]}`

const planBody = `"standard":"iso2859-1","level":"II","classes":[{"class":"critical","zero_tolerance":true},{"class":"major","aql":2.5},{"class":"minor","aql":"4.0"}],` +
	`"stages":[{"kind":"pre_shipment"}],"inspectors":{"internal":true,"third_party":false}`

func lotBody(kind string, size int) string {
	return `{"kind":"` + kind + `","product_id":{PB},"supplier_id":{B},"site_id":{SiteB},"po_number":"PO-VN-{who}","lot_size":` + strconv.Itoa(size) +
		`,"produced":` + strconv.Itoa(size) + `,"packed":` + strconv.Itoa(size) + `,"inspector":{"agency":"QIMA","name":"Phạm Văn Nam"},"planned_on":"2026-03-02"}`
}

// inspectionMatrix is the role matrix of every product and inspection
// operation. Paths name supplier B's records; "supplier" is A's user, who
// must get 404 for each of B's inspections and 403 for the catalogue.
// Roles not listed get 403.
var inspectionMatrix = []access{
	{"GET", "/api/v1/products?q=ao&limit=5", "", roles(200, internalRoles...), `"sku":"TS-100-NVY"`},
	{"POST", "/api/v1/products", `{"sku":"API-{who}","name":"Ấm đun nước {who}","category":"garments","market":"eu"}`, roles(201, editors...), `"market":"EU"`},
	{"GET", "/api/v1/products/{PB}", "", roles(200, internalRoles...), `"category":"garments"`},
	{"PATCH", "/api/v1/products/{PB}", `{"customer":"Kunde {who}","version":{v:PB}}`, roles(200, editors...), `"customer":"Kunde `},
	{"POST", "/api/v1/products/{fresh-prod}/void", `{"reason":"never made","version":1}`, roles(200, approvers...), `"void_reason":"never made"`},
	{"GET", "/api/v1/products/{PB}/specs", "", roles(200, internalRoles...), `"status":"released"`},
	{"POST", "/api/v1/products/{fresh-prod}/specs", specBody, roles(201, editors...), `"status":"draft"`},
	{"POST", "/api/v1/products/{fresh-prod}/specs/next", "", roles(201, editors...), `"revision":1`},
	{"GET", "/api/v1/specs/{SB}", "", roles(200, internalRoles...), `"characteristics":[`},
	{"PUT", "/api/v1/specs/{fresh-draftB}", strings.TrimSuffix(specBody, "}") + `,"version":{v:fresh}}`, roles(200, editors...), `"Chest width"`},
	{"POST", "/api/v1/specs/{fresh-draftB}/release", `{"reason":"approved","version":{v:fresh},"password":"` + opstest.Password + `"}`, roles(200, approvers...), `"status":"released"`},
	{"GET", "/api/v1/specs/{SB}/signatures", "", roles(200, internalRoles...), `[`},
	{"POST", "/api/v1/specs/{fresh-draftB}/void", `{"reason":"wrong product","version":{v:fresh}}`, roles(200, editors...), `"void_reason":"wrong product"`},
	{"GET", "/api/v1/defect-codes?category=garments", "", roles(200, internalRoles...), `"code":"STI-01"`},
	{"POST", "/api/v1/defect-codes", `{"category":"garments","code":"hol-{who}","description":"Hole","class":"major"}`, roles(201, approvers...), `"code":"HOL-`},
	{"PATCH", "/api/v1/defect-codes/{fresh-code}", `{"class":"major","version":{v:fresh}}`, roles(200, approvers...), `"class":"major"`},
	{"POST", "/api/v1/defect-codes/{fresh-code}/void", `{"reason":"merged","version":{v:fresh}}`, roles(200, approvers...), `"void_reason":"merged"`},
	{"GET", "/api/v1/products/{PB}/plans", "", roles(200, internalRoles...), `"level":"II"`},
	{"POST", "/api/v1/plans", `{"product_id":{fresh-prod},` + planBody + `}`, roles(201, approvers...), `"aql":2.5`},
	{"GET", "/api/v1/plans/{PlanB}", "", roles(200, internalRoles...), `"counting":"defectives"`},
	{"PUT", "/api/v1/plans/{fresh-planB}", `{` + planBody + `,"notes":"by {who}","version":{v:fresh}}`, roles(200, approvers...), `"notes":"by `},
	{"POST", "/api/v1/plans/{fresh-planB}/void", `{"reason":"replaced","version":{v:fresh}}`, roles(200, approvers...), `"void_reason":"replaced"`},

	{"GET", "/api/v1/inspections?kind=pre_shipment&limit=5", "", with(roles(200, internalRoles...), "supplier", 200), `"items":[`},
	{"POST", "/api/v1/inspections/preview", lotBody("pre_shipment", 1200), roles(200, editors...), `"units_to_draw":80`},
	{"POST", "/api/v1/inspections", lotBody("in_process", 800), roles(201, editors...), `"status":"planned"`},
	{"GET", "/api/v1/inspections/{LotB}", "", with(roles(200, internalRoles...), "supplier", 404), `"current":{`},
	{"PATCH", "/api/v1/inspections/{LotB}", `{"remarks":"by {who}","version":{v:LotB}}`, with(roles(200, editors...), "supplier", 404), `"remarks":"by `},
	{"POST", "/api/v1/inspections/{fresh-lotB}/cancel", `{"reason":"lot not ready","version":{v:fresh}}`, with(roles(200, editors...), "supplier", 404), `"status":"cancelled"`},
	{"GET", "/api/v1/inspections/{LotB}/entries?after=0", "", with(roles(200, internalRoles...), "supplier", 404), `"kind":"units"`},
	{"POST", "/api/v1/inspections/{LotB}/entries", `{"key":"api-{who}-0001","kind":"remark","remark":{"text":"by {who}"}}`,
		with(roles(201, editors...), "supplier", 404), `"recorded_by"`},
	{"GET", "/api/v1/inspections/{LotB}/result", "", with(roles(200, internalRoles...), "supplier", 404), `"verdict":"incomplete"`},
	{"POST", "/api/v1/inspections/{fresh-completeB}/submit", `{"version":{v:fresh}}`, with(roles(200, editors...), "supplier", 404), `"verdict":"pass"`},
	{"POST", "/api/v1/inspections/{fresh-subB}/return", `{"reason":"photos missing","version":{v:fresh}}`, with(roles(200, approvers...), "supplier", 404), `"status":"in_progress"`},
	{"POST", "/api/v1/inspections/{fresh-subB}/decide", `{"kind":"release","version":{v:fresh}}`, with(roles(200, approvers...), "supplier", 404), `"status":"decided"`},
	{"GET", "/api/v1/inspections/{LotB}/amendments", "", with(roles(200, internalRoles...), "supplier", 404), `[`},
	{"GET", "/api/v1/inspections/{LotB}/signatures", "", with(roles(200, internalRoles...), "supplier", 404), `[`},
	{"POST", "/api/v1/inspections/{fresh-subB}/amendments", `{"text":"42 cartons, not 24","reason":"typo"}`, with(roles(201, editors...), "supplier", 404), `"reason":"typo"`},
	{"GET", "/api/v1/inspections/{LotB}/ncr-seed", "", with(roles(409, editors...), "supplier", 404), ""},
	{"GET", "/api/v1/inspections/{LotB}/photos", "", with(roles(200, internalRoles...), "supplier", 404), `[`},
	{"GET", "/api/v1/switching?supplier_id={B}", "", with(roles(200, internalRoles...), "supplier", 404), `[`},
	{"GET", "/api/v1/switching/history?supplier_id={B}&product_id={PB}&class=major", "", with(roles(200, internalRoles...), "supplier", 404), `[`},
	{"POST", "/api/v1/switching/resume", `{"supplier_id":{B},"product_id":{PB},"class":"major","reason":"8D closed"}`, with(roles(409, approvers...), "supplier", 404), ""},
	{"GET", "/api/v1/fai-gate?product_id={PB}&site_id={SiteB}&spec_id={SB}", "", roles(200, internalRoles...), `"allowed":true`},
}

func init() {
	for _, a := range inspectionMatrix {
		p, _, _ := strings.Cut(a.path, "?")
		p = insptest.Placeholder.ReplaceAllString(strings.TrimPrefix(p, "/api/v1"), "{id}")
		testedElsewhere[a.method+" "+p] = "TestInspectionRoleMatrix"
	}
	testedElsewhere["POST /inspections/{id}/photos"] = "TestInspectionPhotos"
}

// TestInspectionRoleMatrix runs every product and inspection operation as
// every role: the allowed roles succeed, the others get 403, A's supplier
// user gets 404 for every inspection of B, and nothing refused is
// written.
func TestInspectionRoleMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		order := []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"}
		for _, a := range inspectionMatrix {
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
					if r.status == 404 && (strings.Contains(string(r.body), "Hưng Thịnh") || strings.Contains(string(r.body), "TS-100")) {
						t.Errorf("a 404 names the other supplier's records: %s", r.body)
					}
				})
			}
		}
	})
}

// TestInspectionSupplierOwn: a supplier's user reads its own supplier's
// inspections (list, detail, entries, result, photos, switching) and
// records nothing; the list holds no other supplier's inspection.
func TestInspectionSupplierOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		id := strconv.FormatInt(e.w.PB.Lot.ID, 10)
		for _, p := range []string{"/api/v1/inspections/" + id, "/api/v1/inspections/" + id + "/entries", "/api/v1/inspections/" + id + "/result",
			"/api/v1/inspections/" + id + "/photos", "/api/v1/switching?supplier_id=" + strconv.FormatInt(e.w.B.Supplier.ID, 10)} {
			if r := e.do("GET", p, "supplierB", ""); r.status != 200 {
				t.Errorf("B's supplier user: GET %s = %d: %s", p, r.status, r.body)
			}
		}
		r := e.do("GET", "/api/v1/inspections?limit=200", "supplierB", "")
		var page struct {
			Items []struct {
				SupplierID int64 `json:"supplier_id"`
			} `json:"items"`
		}
		r.decode(t, &page)
		if len(page.Items) == 0 {
			t.Fatal("B's supplier user sees no inspection of B")
		}
		for _, it := range page.Items {
			if it.SupplierID != e.w.B.Supplier.ID {
				t.Errorf("B's supplier user sees an inspection of supplier %d", it.SupplierID)
			}
		}
		if r := e.do("POST", "/api/v1/inspections/"+id+"/entries", "supplierB", `{"key":"supplier-0001","kind":"remark","remark":{"text":"x"}}`); r.status != 403 {
			t.Errorf("B's supplier user recorded an entry: %d", r.status)
		}
	})
}

// TestInspectionBadInput sends the bad input the issue names: each gets a
// problem naming the field, and nothing is written.
func TestInspectionBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		decided := e.w.Decide(t, st, e.w.Submitted(t, st, e.w.PB).ID, inspection.Decision{Kind: inspection.DecideRelease})
		draft := e.expand("{fresh-draftB}", "x")
		lot := strconv.FormatInt(e.w.PB.Lot.ID, 10)
		entry := func(payload string) string {
			return `{"key":"bad-` + strconv.Itoa(len(payload)) + `-key","kind":` + payload + `}`
		}
		plan := func(lotJSON string) string {
			return e.expand(`{"kind":"pre_shipment","product_id":{PB},"supplier_id":{B},"site_id":{SiteB},"po_number":"PO-1",`+lotJSON+
				`,"inspector":{"agency":"QIMA","name":"Nam"}}`, "x")
		}
		cases := []struct {
			name, method, path, body string
			status                   int
			location                 string
		}{
			{"lot size zero", "POST", "/api/v1/inspections", plan(`"lot_size":0`), 422, "body.lot_size"},
			{"lot size negative", "POST", "/api/v1/inspections", plan(`"lot_size":-3`), 422, "body.lot_size"},
			{"lot smaller than presented", "POST", "/api/v1/inspections", plan(`"lot_size":100,"produced":150,"packed":100`), 422, "body.lot_size"},
			{"unreleased spec", "POST", "/api/v1/inspections", plan(`"lot_size":100,"spec_id":` + draft), 422, "body.spec_id"},
			{"unknown field", "POST", "/api/v1/inspections", plan(`"lot_size":100,"sample_size":5`), 422, "body.sample_size"},
			{"unit beyond the sample size", "POST", "/api/v1/inspections/" + lot + "/entries",
				entry(`"defect","defect":{"unit":51,"code":"STI-01"}`), 422, "body.defect.unit"},
			{"more units inspected than drawn", "POST", "/api/v1/inspections/" + lot + "/entries",
				entry(`"units","units":{"from":1,"to":500}`), 422, "body.units.to"},
			{"measurement in the wrong unit", "POST", "/api/v1/inspections/" + lot + "/entries",
				entry(`"measurement","measurement":{"unit":1,"characteristic":1,"value":12,"uom":"cm"}`), 422, "body.measurement.uom"},
			{"absurd measurement", "POST", "/api/v1/inspections/" + lot + "/entries",
				entry(`"measurement","measurement":{"unit":1,"characteristic":1,"value":-99999}`), 422, "body.measurement.value"},
			{"two payloads", "POST", "/api/v1/inspections/" + lot + "/entries",
				entry(`"remark","remark":{"text":"x"},"units":{"from":1,"to":2}`), 422, "body.remark"},
			{"recording into a decided inspection", "POST", "/api/v1/inspections/" + strconv.FormatInt(decided.ID, 10) + "/entries",
				entry(`"remark","remark":{"text":"late"}`), 409, ""},
			{"editing a decided inspection", "PATCH", "/api/v1/inspections/" + strconv.FormatInt(decided.ID, 10),
				`{"remarks":"changed","version":` + strconv.FormatInt(decided.Version, 10) + `}`, 409, ""},
			{"stale version", "PATCH", "/api/v1/inspections/" + lot, `{"remarks":"stale","version":1}`, 409, ""},
			{"decision on an unsubmitted inspection", "POST", "/api/v1/inspections/" + lot + "/decide", `{"kind":"release","version":9}`, 409, ""},
			{"spec release with a wrong password", "POST", "/api/v1/specs/" + draft + "/release", `{"reason":"ok","version":1,"password":"not it"}`, 422, "password"},
			{"spec release without a password", "POST", "/api/v1/specs/" + draft + "/release", `{"reason":"ok","version":1}`, 422, "password"},
			{"concession without conditions", "POST", "/api/v1/inspections/" + strconv.FormatInt(e.w.Submitted(t, st, e.w.PB).ID, 10) + "/decide",
				`{"kind":"release_concession","reason":"customer agreed","version":99}`, 422, "body.conditions"},
			{"AQL that is not preferred", "POST", "/api/v1/plans", e.expand(`{"product_id":{fresh-prod},"standard":"iso2859-1","level":"II","classes":[{"class":"major","aql":2.7}],`+
				`"stages":[],"inspectors":{"internal":true,"third_party":false}}`, "x"), 422, "aql"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				before := countEvents(t, st)
				r := e.do(c.method, c.path, "quality_manager", c.body)
				if r.status != c.status {
					t.Fatalf("%s %s = %d, want %d: %s", c.method, c.path, r.status, c.status, r.body)
				}
				p := r.problem(t)
				named := false
				for _, d := range p.Errors {
					named = named || strings.Contains(d.Location, c.location)
				}
				if c.location != "" && !named {
					t.Errorf("the problem does not name %s: %s", c.location, r.body)
				}
				if p.Detail == "" {
					t.Errorf("no detail: %s", r.body)
				}
				if after := countEvents(t, st); after != before {
					t.Errorf("a refused request wrote %d audit events", after-before)
				}
			})
		}
	})
}

// TestInspectionRecordingOverAPI records entries as a tablet would: an
// entry resent after a lost answer gets 200 with the same id, a key reused
// for other content gets 409, two recorders at once lose nothing, and the
// running result follows.
func TestInspectionRecordingOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		path := "/api/v1/inspections/" + strconv.FormatInt(e.w.PB.Lot.ID, 10)
		body := `{"key":"0b6f2c1e-6f0a-4a43-9d43-2f8d6a9e0001","kind":"defect","defect":{"unit":7,"code":"sti-01","location":"đường may vai","note":"2 cm"}}`
		first := e.do("POST", path+"/entries", "inspector", body)
		if first.status != 201 || first.header.Get("Location") == "" {
			t.Fatalf("first = %d: %s", first.status, first.body)
		}
		var a, b inspection.Entry
		first.decode(t, &a)
		again := e.do("POST", path+"/entries", "inspector", body)
		if again.status != 200 {
			t.Fatalf("resend = %d: %s", again.status, again.body)
		}
		again.decode(t, &b)
		if a.ID != b.ID || b.Defect.Class != inspection.Major || b.Defect.Location != "đường may vai" {
			t.Errorf("resend returned %+v, first %+v", b, a)
		}
		if r := e.do("POST", path+"/entries", "inspector", strings.Replace(body, `"unit":7`, `"unit":8`, 1)); r.status != 409 {
			t.Errorf("a key reused for other content = %d: %s", r.status, r.body)
		}
		var wg sync.WaitGroup
		for _, who := range []string{"inspector", "quality_manager"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range 8 {
					unit := 10 + n
					if who == "quality_manager" {
						unit += 20
					}
					b := `{"key":"` + who + `-` + strconv.Itoa(n) + `-tablet","kind":"defect","defect":{"unit":` + strconv.Itoa(unit) + `,"code":"STN-01"}}`
					for range 2 { // every entry is sent twice
						r := httptest.NewRecorder()
						req := httptest.NewRequest("POST", path+"/entries", strings.NewReader(b))
						req.Header.Set("Content-Type", "application/json")
						req.Header.Set("Authorization", "Bearer "+e.tokens[who])
						e.h.ServeHTTP(r, req)
						if r.Code != 201 && r.Code != 200 {
							t.Errorf("%s: %d %s", who, r.Code, r.Body)
						}
					}
				}
			}()
		}
		wg.Wait()
		var res inspection.Result
		r := e.do("GET", path+"/result", "viewer", "")
		r.decode(t, &res)
		minor, _ := res.Class(inspection.Minor)
		major, _ := res.Class(inspection.Major)
		if minor.Found != 16 || major.Found != 1 || minor.Verdict != inspection.VerdictFail {
			t.Errorf("minor found %d (%s), major found %d; want 16 (fail), 1", minor.Found, minor.Verdict, major.Found)
		}
		var page struct {
			Items      []inspection.Entry `json:"items"`
			NextCursor string             `json:"next_cursor"`
		}
		r = e.do("GET", path+"/entries?after="+strconv.FormatInt(a.ID, 10)+"&limit=200", "viewer", "")
		r.decode(t, &page)
		if len(page.Items) != 16 {
			t.Errorf("%d entries after the first defect, want 16", len(page.Items))
		}
	})
}

func pngImage(t *testing.T, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 16, 12))
	for x := range 16 {
		for y := range 12 {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestInspectionPhotos uploads photos to an inspection: the same photo
// twice gives one file (200 the second time), a defect refers to it, the
// generic upload with owner inspection works too, other suppliers get
// 404, roles that may not record 403, and a file that is not an image 422.
func TestInspectionPhotos(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		id := strconv.FormatInt(e.w.PB.Lot.ID, 10)
		photo := pngImage(t, color.RGBA{180, 20, 20, 255})
		r := e.upload("/api/v1/inspections/"+id+"/photos", "inspector", nil, "IMG_0001.png", photo)
		if r.status != 201 {
			t.Fatalf("upload = %d: %s", r.status, r.body)
		}
		var f, g api.File
		r.decode(t, &f)
		r = e.upload("/api/v1/inspections/"+id+"/photos", "inspector", nil, "IMG_0001.png", photo)
		if r.status != 200 {
			t.Fatalf("upload again = %d: %s", r.status, r.body)
		}
		r.decode(t, &g)
		if f.ID != g.ID || f.OwnerType != "inspection" {
			t.Errorf("the same photo twice: %+v and %+v", f, g)
		}
		body := `{"key":"photo-defect-0001","kind":"defect","defect":{"unit":3,"code":"STI-01","photos":[` + strconv.FormatInt(f.ID, 10) + `]}}`
		if r := e.do("POST", "/api/v1/inspections/"+id+"/entries", "inspector", body); r.status != 201 {
			t.Errorf("defect with the photo = %d: %s", r.status, r.body)
		}
		if r := e.upload("/api/v1/files", "inspector", map[string]string{"owner_type": "inspection", "owner_id": id}, "carton.png",
			pngImage(t, color.RGBA{20, 20, 180, 255})); r.status != 201 {
			t.Errorf("generic upload onto the inspection = %d: %s", r.status, r.body)
		}
		for who, want := range map[string]int{"supplier": 404, "viewer": 403, "auditor": 403, "supplierB": 403} {
			if r := e.upload("/api/v1/inspections/"+id+"/photos", who, nil, "x.png", pngImage(t, color.RGBA{1, 2, 3, 255})); r.status != want {
				t.Errorf("upload as %s = %d, want %d: %s", who, r.status, want, r.body)
			}
		}
		if r := e.upload("/api/v1/inspections/"+id+"/photos", "inspector", nil, "photo.jpg", []byte("MZ not an image at all")); r.status != 422 {
			t.Errorf("a file that is not an image = %d: %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/files/"+strconv.FormatInt(f.ID, 10), "supplierB", ""); r.status != 200 {
			t.Errorf("B's supplier user reads B's inspection photo: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/files/"+strconv.FormatInt(f.ID, 10), "supplier", ""); r.status != 404 {
			t.Errorf("A's supplier user reads B's inspection photo: %d", r.status)
		}
		r = e.do("GET", "/api/v1/inspections/"+id+"/photos", "viewer", "")
		var list []api.File
		r.decode(t, &list)
		if len(list) != 2 {
			t.Errorf("%d photos listed, want 2", len(list))
		}
	})
}

// TestFAISignatureOverAPI decides on a first article inspection with the
// password in the body: a wrong one is 422 on the password and writes
// nothing; the right one signs the approval, and the inspection's
// signatures show it matching.
func TestFAISignatureOverAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newInspEnv(t, st)
		fai := e.w.Lot(t, st, e.w.PB, inspection.KindFirstArticle, 10)
		for _, c := range e.w.PB.Spec.Characteristics {
			f := &inspection.FAIEntry{Characteristic: c.No, Gauge: "caliper"}
			if c.Kind == inspection.CharDimensional {
				lo, hi := c.Limits()
				f.Values = []float64{(*lo + *hi) / 2}
			} else {
				pass := true
				f.Pass, f.Result = &pass, "as required"
			}
			e.w.Record(t, st, fai.ID, inspection.Entry{Kind: inspection.EntryFAI, FAI: f})
		}
		sub := e.w.Submit(t, st, fai.ID, inspection.Submission{})
		path := "/api/v1/inspections/" + strconv.FormatInt(fai.ID, 10)
		body := func(password string) string {
			return `{"kind":"approve","version":` + strconv.FormatInt(sub.Version, 10) + `,"password":"` + password + `"}`
		}
		before := countEvents(t, st)
		r := e.do("POST", path+"/decide", "quality_manager", body("wrong password"))
		if r.status != 422 || !strings.Contains(string(r.body), "password") || countEvents(t, st) != before {
			t.Fatalf("wrong password: %d %s", r.status, r.body)
		}
		r = e.do("POST", path+"/decide", "quality_manager", body(opstest.Password))
		if r.status != 200 || !strings.Contains(string(r.body), `"signature_id":`) {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		r = e.do("GET", path+"/signatures", "supplierB", "")
		if r.status != 200 || !strings.Contains(string(r.body), `"matches":true`) || !strings.Contains(string(r.body), `"meaning":"approved"`) {
			t.Errorf("signatures: %d %s", r.status, r.body)
		}
		if r = e.do("GET", path+"/signatures", "supplier", ""); r.status != 404 {
			t.Errorf("another supplier reads the signatures: %d", r.status)
		}
	})
}
