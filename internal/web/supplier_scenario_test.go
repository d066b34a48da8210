package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

// supplierWeb is the web app over the supplier fixture, with a signed-in
// client per role; "supplier" is A's supplier user.
type supplierWeb struct {
	*app
	w       *opstest.World
	clients map[string]*client
}

func newSupplierWeb(t *testing.T, st *store.Store) *supplierWeb {
	t.Helper()
	ap := newApp(t, st)
	sw := &supplierWeb{app: ap, w: opstest.Build(t, st), clients: map[string]*client{}}
	for role, u := range sw.w.Users {
		sw.clients[string(role)] = ap.signedIn(u)
	}
	return sw
}

func (sw *supplierWeb) expand(s, who string) string { return sw.w.Expand(sw.t, sw.st, s, who) }

// webAccess is one supplier route: who gets which status; every role not
// listed gets 403.
type webAccess struct {
	method, path string
	form         url.Values // values are expanded
	ok           map[string]int
	want         string // in the body of a 200
}

func statuses(kv ...any) map[string]int {
	m := map[string]int{}
	for i := 0; i+1 < len(kv); i += 2 {
		status := kv[i+1].(int)
		switch k := kv[i].(type) {
		case string:
			m[k] = status
		case []string:
			for _, r := range k {
				m[r] = status
			}
		}
	}
	return m
}

var (
	internalWeb = []string{"admin", "quality_manager", "inspector", "viewer", "auditor"}
	editorsWeb  = []string{"admin", "quality_manager", "inspector"}
	approveWeb  = []string{"admin", "quality_manager"}
)

func certFormValues(extra url.Values) url.Values {
	v := url.Values{"kind": {"management_system"}, "standard": {"ISO 14001:2015"}, "number": {"EMS-{who}"},
		"certification_body": {"Bureau Veritas"}, "accreditation_body": {"UKAS"}, "scope": {"Sewing of garments"},
		"holder_name": {"Công ty TNHH May Mặc Hưng Thịnh"}, "site_ids": {"{Bsite}"},
		"issue_date": {opstest.Day(-30).String()}, "expiry_date": {opstest.Day(900).String()}}
	for k, vs := range extra {
		v[k] = vs
	}
	return v
}

// supplierRoutes lists every supplier page and form post. Paths name
// supplier B's records, so A's supplier user must get 404 for each, and
// only its own rows on the pages it may open.
var supplierRoutes = []webAccess{
	{"GET", "/suppliers?q=h&sort=-name", nil, statuses(internalWeb, 200, "supplier", 303), `id="supplier-table"`},
	{"GET", "/suppliers.csv?status=prospect", nil, statuses(internalWeb, 200, "supplier", 200), "record,ref,supplier"},
	{"GET", "/suppliers/new", nil, statuses(editorsWeb, 200), `id="supplier-form"`},
	{"POST", "/suppliers", url.Values{"name": {"Xưởng {who}"}, "kind": {"manufacturer"}, "country": {"VN"}}, statuses(editorsWeb, 303), ""},
	{"GET", "/suppliers/import", nil, statuses(approveWeb, 200), `id="import-form"`},
	{"GET", "/suppliers/{B}", nil, statuses(internalWeb, 200, "supplier", 404), `id="gate-checks"`},
	{"GET", "/suppliers/{B}/edit", nil, statuses(editorsWeb, 200, "supplier", 404), `id="supplier-form"`},
	{"GET", "/suppliers/{B}/report", nil, statuses(internalWeb, 200, "supplier", 404), `id="supplier-report"`},
	{"GET", "/suppliers/{B}/report.pdf", nil, statuses(internalWeb, 200, "supplier", 404), "%PDF-"},
	{"POST", "/suppliers/{B}", url.Values{"name": {"Công ty TNHH May Mặc Hưng Thịnh"}, "kind": {"manufacturer"}, "country": {"VN"},
		"categories": {"garments"}, "notes": {"by {who}"}, "version": {"{v:B}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/suppliers/{B}/status", url.Values{"status": {"{next:B}"}, "reason": {"test by {who}"}, "version": {"{v:B}"}},
		statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/suppliers/{B}/overrides", url.Values{"standard": {"ISO 13485"}, "until": {opstest.Day(20).String()}, "reason": {"audit booked"}},
		statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/suppliers/{fresh-supplier}/void", url.Values{"reason": {"duplicate"}, "version": {"1"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/sites/{fresh-site}/void", url.Values{"reason": {"closed"}, "version": {"1"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/overrides/{fresh-over}/void", url.Values{"reason": {"certificate arrived"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"GET", "/suppliers/{B}/sites/new", nil, statuses(editorsWeb, 200, "supplier", 404), `id="site-form"`},
	{"POST", "/suppliers/{B}/sites", url.Values{"name": {"Xưởng {who}"}, "address": {"KCN Tân Bình"}, "country": {"VN"}},
		statuses(editorsWeb, 303, "supplier", 404), ""},
	{"GET", "/sites/{Bsite}/edit", nil, statuses(editorsWeb, 200, "supplier", 404), `id="site-form"`},
	{"POST", "/sites/{Bsite}", url.Values{"name": {"Công ty TNHH May Mặc Hưng Thịnh"}, "address": {"Lô C3, KCN Tân Bình, TP. Hồ Chí Minh"},
		"address_latin": {"Lot C3, Tan Binh Industrial Park, Ho Chi Minh City"}, "country": {"VN"}, "categories": {"garments"},
		"capacity": {"by {who}"}, "version": {"{v:Bsite}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"GET", "/suppliers/{B}/certificates/new", nil, statuses(editorsWeb, 200, "supplier", 404), `id="certificate-form"`},
	{"POST", "/suppliers/{B}/certificates", certFormValues(nil), statuses(editorsWeb, 303, "supplier", 404), ""},
	{"GET", "/certificates/expiring?within=3000", nil, statuses(internalWeb, 200, "supplier", 303), `id="expiring-table"`},
	{"GET", "/certificates/{Bcert}", nil, statuses(internalWeb, 200, "supplier", 404), `id="red-flags"`},
	{"GET", "/certificates/{Bcert}/edit", nil, statuses(editorsWeb, 200, "supplier", 404), `id="certificate-form"`},
	{"POST", "/certificates/{Bcert}", certFormValues(url.Values{"standard": {"ISO 9001:2015"}, "number": {"VN-B-9001"},
		"certification_body": {"SGS United Kingdom Ltd"}, "scope": {"Manufacture of garments, by {who}"},
		"issue_date": {opstest.Day(-300).String()}, "expiry_date": {opstest.Day(800).String()}, "version": {"{v:Bcert}"}}),
		statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/certificates/{fresh-submitted}/review", url.Values{"review": {"accepted"}, "note": {"ok"}, "version": {"1"}},
		statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/certificates/{fresh-cert}/void", url.Values{"reason": {"twice"}, "version": {"1"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/certificates/{Bcert}/verifications", url.Values{"method": {"cb_website"}, "checked_on": {opstest.Day(0).String()},
		"result": {"verified_valid"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/verifications/{fresh-ver}/void", url.Values{"reason": {"wrong"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"GET", "/approved-suppliers?category=garments", nil, statuses(internalWeb, 200), "Approved supplier list"},
	{"GET", "/approved-suppliers.csv", nil, statuses(internalWeb, 200), "supplier_id,supplier"},
	{"GET", "/settings/suppliers", nil, statuses("admin", 200), `id="ab-table"`},
	{"POST", "/settings/suppliers", url.Values{"expiry_warning_days": {"90"}, "max_validity_years": {"3"}, "surveillance_months": {"12"},
		"verification_max_age_months": {"12"}, "version": {"{v:settings}"}}, statuses("admin", 303), ""},
	{"POST", "/settings/categories", url.Values{"code": {"web_{who}"}, "name": {"Web"}, "keywords": {"a; b"}}, statuses("admin", 303), ""},
	{"POST", "/settings/categories/{fresh-cat}", url.Values{"name": {"Renamed"}, "keywords": {"x"}, "version": {"1"}}, statuses("admin", 303), ""},
	{"POST", "/settings/accreditation-bodies", url.Values{"code": {"WEB-{who}"}, "name": {"Test"}, "recognised": {"0"}}, statuses("admin", 303), ""},
	{"POST", "/settings/accreditation-bodies/{UKAS}", url.Values{"code": {"UKAS"}, "name": {"United Kingdom Accreditation Service"},
		"country": {"GB"}, "recognised": {"1"}, "version": {"{v:UKAS}"}}, statuses("admin", 303), ""},
	{"POST", "/settings/requirements", url.Values{"standard": {"ISO 14001"}, "market": {"{who}"}}, statuses("admin", 303), ""},
	{"POST", "/settings/requirements/{fresh-req}/void", url.Values{"reason": {"no longer"}, "version": {"1"}}, statuses("admin", 303), ""},
	{"GET", "/suppliers/{B}/scorecard", nil, statuses(internalWeb, 200, "supplier", 404), `id="scorecard"`},
	{"GET", "/sites/{Bsite}/scorecard?from=2026-01-01&to=2026-03-31", nil, statuses(internalWeb, 200, "supplier", 404), `id="scorecard"`},
	{"POST", "/settings/scorecards", url.Values{"a_min_acceptance": {"98"}, "a_max_ppm": {"1000"}, "a_max_overdue_capas": {"0"},
		"a_certificates_required": {"1"}, "b_min_acceptance": {"95"}, "b_max_ppm": {"5000"}, "b_max_overdue_capas": {"1"}, "min_lots": {"1"},
		"reason": {"by {who}"}, "version": {"1"}}, statuses("admin", 303), ""},
	{"GET", "/portal", nil, statuses(internalWeb, 303, "supplier", 200), `id="portal-certificates"`},
	{"GET", "/portal/certificates/new", nil, statuses("supplier", 200), `id="certificate-form"`},
	{"POST", "/portal/certificates", certFormValues(url.Values{"holder_name": {"深圳精密五金有限公司"}, "site_ids": nil, "number": {"P-{who}"}}),
		statuses("supplier", 303), ""},
	{"GET", "/portal/certificates/{Bcert}", nil, statuses(internalWeb, 303, "supplier", 404), ""},
}

// TestSupplierRoutesPerRole runs every supplier route as every role: the
// allowed roles succeed, others get 403, A's supplier user gets 404 for
// each of B's records, and a refused request writes nothing.
func TestSupplierRoutesPerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		for _, a := range supplierRoutes {
			for _, who := range []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"} {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					sw.t = t
					want, ok := a.ok[who]
					if !ok {
						want = http.StatusForbidden
					}
					c := sw.clients[who]
					path := sw.expand(a.path, who)
					before := sw.countEvents()
					var r response
					if a.method == "GET" {
						r = c.get(path)
					} else {
						form := url.Values{}
						for k, vs := range a.form {
							for _, v := range vs {
								form.Add(k, sw.expand(v, who))
							}
						}
						r = c.post(path, form)
					}
					if r.code != want {
						t.Fatalf("%s %s = %d, want %d (Location %q)\n%s", a.method, path, r.code, want, r.loc, clipBody(r.body))
					}
					if r.code == http.StatusSeeOther && a.method == "POST" && strings.Contains(r.loc, "/login") {
						t.Fatalf("redirected to sign in: %s", r.loc)
					}
					if r.code == 200 && a.want != "" && !strings.Contains(r.body, a.want) {
						t.Errorf("the page lacks %s", a.want)
					}
					if r.code >= 400 && sw.countEvents() != before {
						t.Errorf("a refused request wrote")
					}
					if who == "supplier" && (strings.Contains(r.body, "Hưng Thịnh") || strings.Contains(r.body, sw.w.B.Certificate.Number)) {
						t.Errorf("the supplier user sees supplier B:\n%s", clipBody(r.body))
					}
				})
			}
		}
	})
}

// TestSupplierRoutesCovered keeps supplierRoutes in step with the routes
// registerSuppliers adds.
func TestSupplierRoutesCovered(t *testing.T) {
	mux := &recordingMux{}
	(&UI{}).registerSuppliers(mux)
	for _, pattern := range mux.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		covered := false
		for _, a := range supplierRoutes {
			p, _, _ := strings.Cut(a.path, "?")
			if a.method == method && opstest.Placeholder.ReplaceAllString(p, "{id}") == path {
				covered = true
			}
		}
		if !covered && pattern != "POST /suppliers/import" { // multipart: TestSupplierImportUpload
			t.Errorf("%s is not in supplierRoutes", pattern)
		}
	}
}

type recordingMux struct{ patterns []string }

var (
	regexpSite    = regexp.MustCompile(`href="/sites/(\d+)/edit"`)
	regexpVersion = regexp.MustCompile(`id="status-form">\s*<input type="hidden" name="version" value="(\d+)">`)
)

func (m *recordingMux) Handle(pattern string, _ http.Handler) {
	m.patterns = append(m.patterns, pattern)
}

func clipBody(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

// TestSupplierUserPages: the supplier user's portal, CSV export and
// certificate pages hold its own supplier only, without the buyer's
// assessment; a submitted certificate awaits review.
func TestSupplierUserPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		c := sw.clients["supplier"]
		A := sw.w.A
		p := c.get("/portal")
		p.must(t, http.StatusOK, "Shenzhen Precision Hardware Co., Ltd.", A.Certificate.Number, `id="portal-needed"`)
		for _, leak := range []string{"Hưng Thịnh", "internal", "Red flags", `href="/suppliers`} {
			if strings.Contains(p.body, leak) {
				t.Errorf("the portal shows %q", leak)
			}
		}
		csv := c.get("/suppliers.csv")
		csv.must(t, http.StatusOK, "深圳精密五金有限公司", A.Certificate.Number)
		if strings.Contains(csv.body, "Hưng Thịnh") || strings.Contains(csv.body, "internal") {
			t.Errorf("the supplier's CSV holds another supplier or internal notes:\n%s", csv.body)
		}
		own := c.get("/portal/certificates/" + strconv.FormatInt(A.Certificate.ID, 10))
		own.must(t, http.StatusOK, A.Certificate.Number, "no scan yet")
		if strings.Contains(own.body, "IAF CertSearch") || strings.Contains(own.body, "verification-form") {
			t.Errorf("the supplier sees verification records:\n%s", clipBody(own.body))
		}
		c.get("/suppliers/"+strconv.FormatInt(A.Supplier.ID, 10)).redirectsTo(t, "/portal")
		c.get("/sites/"+strconv.FormatInt(A.Site.ID, 10)+"/edit").must(t, http.StatusForbidden)

		r := c.post("/portal/certificates", certFormValues(url.Values{"holder_name": {"深圳精密五金有限公司"}, "number": {"NEW-1"},
			"site_ids": {strconv.FormatInt(A.Site.ID, 10)}}))
		if r.code != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/portal/certificates/") {
			t.Fatalf("submit: %d %s\n%s", r.code, r.loc, clipBody(r.body))
		}
		c.get(r.loc).must(t, http.StatusOK, "Awaiting review", "NEW-1")
		// Bad input comes back on the form, nothing written.
		before := sw.countEvents()
		bad := c.post("/portal/certificates", certFormValues(url.Values{"number": {"NEW-2"}, "site_ids": nil,
			"expiry_date": {opstest.Day(-60).String()}, "standard": {"ISO 9999"}}))
		bad.must(t, http.StatusBadRequest, "is not after the issue date", "is not a known standard")
		if sw.countEvents() != before {
			t.Error("a refused submission wrote")
		}
	})
}

// TestSupplierImportUpload: the upload form checks a file without writing,
// reports every row error, and imports a good file.
func TestSupplierImportUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		upload := func(who, file string, dry bool) response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", "suppliers.csv")
			fw.Write([]byte(file))
			if dry {
				mw.WriteField("dry_run", "1")
			}
			mw.Close()
			req, _ := http.NewRequest("POST", sw.srv.URL+"/suppliers/import", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return sw.clients[who].do(req)
		}
		file := "\xEF\xBB\xBFrecord,ref,supplier,name,name_latin,country,categories,address,address_latin\n" +
			"supplier,S1,,บริษัท สยามพลาสติก จำกัด,Siam Plastic Co. Ltd.,TH,electronics,,\n" +
			"site,F1,S1,โรงงาน 1,Siam Plastic Plant 1,TH,,ชลบุรี,Chonburi\n"
		upload("inspector", file, true).must(t, http.StatusForbidden)
		before := sw.countEvents()
		upload("quality_manager", file, true).must(t, http.StatusOK, "ready to import", "1 supplier")
		if sw.countEvents() != before {
			t.Fatal("the check wrote")
		}
		bad := file + "supplier,S2,,深圳,,CN,,,\nsite,F2,S9,x,,CN,,y,\n"
		r := upload("quality_manager", bad, false)
		r.must(t, http.StatusUnprocessableEntity, "nothing was written", `id="import-errors"`, "name_latin", "<td class=\"num\">5</td>")
		if sw.countEvents() != before {
			t.Fatal("an import with errors wrote")
		}
		upload("admin", file, false).must(t, http.StatusOK, "were created")
		sw.clients["viewer"].get("/suppliers?q="+url.QueryEscape("สยาม")).must(t, http.StatusOK, "Siam Plastic Co. Ltd.", "บริษัท สยามพลาสติก จำกัด")
		upload("admin", "", false).must(t, http.StatusUnprocessableEntity, "the file is empty")
	})
}

// TestSupplierApprovalFlow: a quality manager records a supplier, a site
// and a certificate through the forms, sees the gate block approval and a
// red flag, records an override, approves, and finds the supplier on the
// approved list and in its CSV.
func TestSupplierApprovalFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw := newSupplierWeb(t, st)
		qm := sw.clients["quality_manager"]
		r := qm.post("/suppliers", url.Values{"name": {"Müller Feinmechanik GmbH"}, "kind": {"manufacturer"}, "country": {"de"},
			"categories": {"medical_devices"}, "contact_name": {"Jörg Müller", ""}, "contact_email": {"qa@mueller.example.de", ""}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", r.code, clipBody(r.body))
		}
		sup := r.loc
		id := strings.TrimPrefix(sup, "/suppliers/")
		qm.post(sup+"/sites", url.Values{"name": {"Werk Tuttlingen"}, "address": {"Industriestraße 5, 78532 Tuttlingen"}, "country": {"DE"},
			"categories": {"medical_devices"}}).redirectsTo(t, sup+"#sites")
		page := qm.get(sup)
		m := regexpSite.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no site on the page:\n%s", clipBody(page.body))
		}
		r = qm.post(sup+"/certificates", url.Values{"kind": {"management_system"}, "standard": {"ISO 13485:2016"}, "number": {"MD-77"},
			"certification_body": {"TÜV SÜD Product Service"}, "accreditation_body": {"i-NAF"}, "scope": {"Design and manufacture of medical device instruments"},
			"holder_name": {"Müller Feinmechanik GmbH"}, "site_ids": {m[1]}, "issue_date": {opstest.Day(-100).String()}, "expiry_date": {opstest.Day(1500).String()}})
		if r.code != http.StatusSeeOther {
			t.Fatalf("certificate: %d\n%s", r.code, clipBody(r.body))
		}
		qm.get(r.loc).must(t, http.StatusOK, `data-code="accreditation_body_unrecognised"`, `data-code="validity_too_long"`, "Never verified")
		v := qm.get(sup)
		v.must(t, http.StatusOK, "Approval is blocked", "ISO 9001")
		version := regexpVersion.FindStringSubmatch(v.body)[1]
		qm.post(sup+"/status", url.Values{"status": {"under_qualification"}, "reason": {"documents received"}, "version": {version}}).redirectsTo(t, sup)
		version = regexpVersion.FindStringSubmatch(qm.get(sup).body)[1]
		qm.post(sup+"/status", url.Values{"status": {"approved"}, "reason": {"audit passed"}, "version": {version}}).redirectsTo(t, sup)
		qm.get(sup).must(t, http.StatusOK, "Blocked by certificate requirements", "Under qualification")
		qm.post(sup+"/overrides", url.Values{"standard": {"ISO 9001"}, "until": {opstest.Day(90).String()},
			"reason": {"ISO 9001 audit on 2026-12-03; ISO 13485 covers the quality system"}}).redirectsTo(t, sup+"#qualification")
		v = qm.get(sup)
		v.must(t, http.StatusOK, "Every required certificate is in place or waived", "Overrides in force")
		version = regexpVersion.FindStringSubmatch(v.body)[1]
		qm.post(sup+"/status", url.Values{"status": {"approved"}, "reason": {"audit passed"}, "version": {version}}).redirectsTo(t, sup)
		qm.get(sup).must(t, http.StatusOK, "st-approved", "audit passed", "on the approved supplier list")
		qm.get("/approved-suppliers?category=medical_devices").must(t, http.StatusOK, "Müller Feinmechanik GmbH", "MD-77")
		csv := qm.get("/approved-suppliers.csv?category=medical_devices")
		csv.must(t, http.StatusOK, id+",Müller Feinmechanik GmbH", "ISO 13485:2016,MD-77")
		if ct := csv.hdr.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if _, err := st.VerifyAudit(qms.WithActor(t.Context(), qms.System)); err != nil {
			t.Error(err)
		}
	})
}
