package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
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

// inspWeb is the web app (and the API, which the recording page uses)
// with the file store over the inspection fixture, with a signed-in client
// per role; "supplier" is A's supplier user, "supplierB" B's.
type inspWeb struct {
	*app
	w       *insptest.World
	clients map[string]*client
}

// inspHandler is the real handler with the web and API surfaces and a file
// store in dir.
func inspHandler(t *testing.T, st *store.Store, dir string) http.Handler {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	disk, err := blob.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 0)
	(&inspectionops.Service{Store: st}).RegisterFiles(files)
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log,
		Surfaces: []server.Surface{New(st, a, log).WithFiles(files).WithReportClient("Müller Audio GmbH"), api.New(st, a, log).WithFiles(files)}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newInspWeb(t *testing.T, st *store.Store) *inspWeb {
	t.Helper()
	srv := httptest.NewServer(inspHandler(t, st, t.TempDir()))
	t.Cleanup(srv.Close)
	ap := &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
	iw := &inspWeb{app: ap, w: insptest.Build(t, st), clients: map[string]*client{}}
	for role, u := range iw.w.Users {
		iw.clients[string(role)] = ap.signedIn(u)
	}
	iw.clients["supplierB"] = ap.signedIn(iw.w.B.User)
	return iw
}

func (iw *inspWeb) expand(s, who string) string { return iw.w.Expand(iw.t, iw.st, s, who) }

func (iw *inspWeb) countEvents() int {
	var n int
	if err := iw.st.DB().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil {
		iw.t.Fatal(err)
	}
	return n
}

// inspectionRoutes lists every product and inspection page and form
// post. Paths name supplier B's records: A's supplier user must get 404
// for each of B's inspections, and 403 for the buyer's catalogue.
var inspectionRoutes = []webAccess{
	{"GET", "/products?q=ao", nil, statuses(internalWeb, 200), `id="product-table"`},
	{"GET", "/products/new", nil, statuses(editorsWeb, 200), `id="product-form"`},
	{"POST", "/products", url.Values{"sku": {"WEB-{who}"}, "name": {"Ấm {who}"}, "category": {"garments"}}, statuses(editorsWeb, 303), ""},
	{"GET", "/products/{PB}", nil, statuses(internalWeb, 200), `id="spec-table"`},
	{"GET", "/products/{PB}/edit", nil, statuses(editorsWeb, 200), `id="product-form"`},
	{"POST", "/products/{PB}", url.Values{"sku": {"TS-100-NVY"}, "name": {"Áo thun cotton, xanh navy"}, "category": {"garments"},
		"customer": {"by {who}"}, "version": {"{v:PB}"}}, statuses(editorsWeb, 303), ""},
	{"POST", "/products/{fresh-prod}/void", url.Values{"reason": {"never made"}, "version": {"1"}}, statuses(approveWeb, 303), ""},
	{"POST", "/products/{fresh-prod}/specs", nil, statuses(editorsWeb, 303), ""},
	{"GET", "/products/{PB}/plans/new", nil, statuses(approveWeb, 200), `id="plan-form"`},
	{"POST", "/products/{fresh-prod}/plans", url.Values{"standard": {"iso2859-1"}, "level": {"II"}, "counting": {"defectives"}, "class.critical": {"zero"},
		"class.major": {"2.5"}, "class.minor": {"4.0"}, "stage.pre_shipment": {"1"}, "internal": {"1"}}, statuses(approveWeb, 303), ""},
	{"GET", "/specs/{SB}", nil, statuses(internalWeb, 200), `id="char-table"`},
	{"POST", "/specs/{fresh-draftB}", url.Values{"title": {"by {who}"}, "rows": {"1"}, "c.0.no": {"1"}, "c.0.kind": {"dimensional"}, "c.0.name": {"Length"},
		"c.0.nominal": {"120"}, "c.0.plus": {"0.5"}, "c.0.minus": {"0.5"}, "c.0.unit": {"mm"}, "version": {"{v:fresh}"}}, statuses(editorsWeb, 303), ""},
	{"POST", "/specs/{fresh-draftB}/release", url.Values{"reason": {"ok"}, "version": {"{v:fresh}"}, "password": {opstest.Password}}, statuses(approveWeb, 303), ""},
	{"POST", "/specs/{fresh-draftB}/void", url.Values{"reason": {"wrong"}, "version": {"{v:fresh}"}}, statuses(editorsWeb, 303), ""},
	{"GET", "/plans/{PlanB}", nil, statuses(internalWeb, 200), `id="plan-form"`},
	{"POST", "/plans/{fresh-planB}", url.Values{"standard": {"iso2859-1"}, "level": {"I"}, "class.major": {"1.0"}, "stage.pre_shipment": {"1"},
		"internal": {"1"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303), ""},
	{"POST", "/plans/{fresh-planB}/void", url.Values{"reason": {"replaced"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303), ""},
	{"GET", "/defects?category=garments", nil, statuses(internalWeb, 200), `id="defect-table"`},
	{"POST", "/defects", url.Values{"category": {"garments"}, "code": {"W-{who}"}, "description": {"Hole"}, "class": {"major"}}, statuses(approveWeb, 303), ""},
	{"POST", "/defects/{fresh-code}", url.Values{"description": {"Renamed"}, "class": {"major"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303), ""},
	{"POST", "/defects/{fresh-code}/void", url.Values{"reason": {"merged"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303), ""},

	{"GET", "/inspections?kind=pre_shipment", nil, statuses(internalWeb, 200, "supplier", 200), `id="inspection-table"`},
	{"GET", "/inspections/new?kind=pre_shipment&product={PB}&supplier={B}&site={SiteB}&lot_size=1200", nil, statuses(editorsWeb, 200), `id="class-plan"`},
	{"POST", "/inspections", url.Values{"kind": {"in_process"}, "product": {"{PB}"}, "supplier": {"{B}"}, "site": {"{SiteB}"}, "po": {"PO-{who}"},
		"lot_size": {"800"}, "produced": {"300"}, "inspector": {"agency"}, "agency": {"QIMA"}, "agency_inspector": {"Nam"}}, statuses(editorsWeb, 303), ""},
	{"GET", "/inspections/{LotB}", nil, statuses(internalWeb, 200, "supplier", 404), `id="class-plan"`},
	{"GET", "/inspections/{LotB}/record", nil, statuses(internalWeb, 200, "supplier", 404), `id="rec"`},
	{"GET", "/inspections/{LotB}/edit", nil, statuses(editorsWeb, 200, "supplier", 404), `id="inspection-edit"`},
	{"POST", "/inspections/{LotB}", url.Values{"po": {"PO-2026-0042"}, "order_qty": {"500"}, "lot_size": {"500"}, "produced": {"500"}, "packed": {"500"},
		"inspector": {"{inspector}"}, "remarks": {"by {who}"}, "version": {"{v:LotB}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{LotB}/entries", url.Values{"kind": {"remark"}, "text": {"by {who}"}, "key": {"web-remark-{who}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{fresh-completeB}/submit", url.Values{"version": {"{v:fresh}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{fresh-subB}/return", url.Values{"reason": {"photos missing"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{fresh-subB}/decide", url.Values{"kind": {"release"}, "version": {"{v:fresh}"}}, statuses(approveWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{fresh-subB}/amend", url.Values{"text": {"42 cartons"}, "reason": {"typo"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"POST", "/inspections/{fresh-lotB}/cancel", url.Values{"reason": {"lot not ready"}, "version": {"{v:fresh}"}}, statuses(editorsWeb, 303, "supplier", 404), ""},
	{"GET", "/suppliers/{B}/switching", nil, statuses(internalWeb, 200, "supplier", 404), `id="supplier-switching"`},
	{"POST", "/switching/resume", url.Values{"supplier_id": {"{B}"}, "product_id": {"{PB}"}, "class": {"major"}, "reason": {"8D closed"}}, statuses(approveWeb, 303), ""},
}

// TestInspectionRoutesPerRole runs every product and inspection route as
// every role: the allowed roles succeed, others get 403, A's supplier user
// gets 404 for each of B's inspections, and a refused request writes
// nothing.
func TestInspectionRoutesPerRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		for _, a := range inspectionRoutes {
			for _, who := range []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"} {
				t.Run(a.method+" "+a.path+" as "+who, func(t *testing.T) {
					iw.t = t
					want, ok := a.ok[who]
					if !ok {
						want = http.StatusForbidden
					}
					c := iw.clients[who]
					path := iw.expand(a.path, who)
					before := iw.countEvents()
					var r response
					if a.method == "GET" {
						r = c.get(path)
					} else {
						form := url.Values{}
						for k, vs := range a.form {
							for _, v := range vs {
								v = strings.ReplaceAll(v, "{inspector}", strconv.FormatInt(iw.w.Users[qms.RoleInspector].ID, 10))
								form.Add(k, iw.expand(v, who))
							}
						}
						r = c.post(path, form)
					}
					if r.code != want {
						t.Fatalf("%s %s = %d, want %d (Location %q)\n%s", a.method, path, r.code, want, r.loc, clipBody(r.body))
					}
					if r.code == http.StatusSeeOther && strings.Contains(r.loc, "/login") {
						t.Fatalf("redirected to sign in: %s", r.loc)
					}
					if r.code == 200 && a.want != "" && !strings.Contains(r.body, a.want) {
						t.Errorf("the page lacks %s:\n%s", a.want, clipBody(r.body))
					}
					if r.code >= 400 && iw.countEvents() != before {
						t.Errorf("a refused request wrote")
					}
					if who == "supplier" && (strings.Contains(r.body, "Hưng Thịnh") || strings.Contains(r.body, "TS-100-NVY")) {
						t.Errorf("A's supplier user sees supplier B's records:\n%s", clipBody(r.body))
					}
				})
			}
		}
	})
}

// TestInspectionRoutesCovered keeps inspectionRoutes in step with the
// routes registerInspections adds (the photo upload has its own test).
func TestInspectionRoutesCovered(t *testing.T) {
	mux := &recordingMux{}
	(&UI{}).registerInspections(mux)
	for _, pattern := range mux.patterns {
		method, path, _ := strings.Cut(pattern, " ")
		if pattern == "POST /inspections/{id}/photos" || pattern == "POST /specs/{id}/photos" || pattern == "GET /inspections/sw.js" {
			continue
		}
		covered := false
		for _, a := range inspectionRoutes {
			p, _, _ := strings.Cut(a.path, "?")
			p = insptest.Placeholder.ReplaceAllString(p, "{id}")
			covered = covered || a.method == method && p == path
		}
		if !covered {
			t.Errorf("%s is not in inspectionRoutes", pattern)
		}
	}
}

// TestInspectionSupplierOwnPages: B's supplier user opens its own
// inspections (list, page, recording page read-only) but records nothing,
// and sees no gate override reason.
func TestInspectionSupplierOwnPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		c := iw.clients["supplierB"]
		id := strconv.FormatInt(iw.w.PB.Lot.ID, 10)
		r := c.get("/inspections")
		r.must(t, 200, "TS-100-NVY")
		if strings.Contains(r.body, "BS-20-BLK") {
			t.Error("B's supplier user lists A's inspection")
		}
		c.get("/inspections/"+id).must(t, 200, `id="class-plan"`)
		if r := c.get("/inspections/" + id); strings.Contains(r.body, `id="submit-form"`) || strings.Contains(r.body, `id="record-link"`) {
			t.Error("B's supplier user is offered to record or submit")
		}
		r = c.get("/inspections/" + id + "/record")
		r.must(t, 200, `id="read-only"`)
		before := iw.countEvents()
		c.post("/inspections/"+id+"/entries", url.Values{"kind": {"remark"}, "text": {"x"}, "key": {"supplier-remark"}}).must(t, 403)
		if iw.countEvents() != before {
			t.Error("the refused entry was written")
		}
	})
}

// TestInspectionBadInputPages plans inspections with bad lots and edits a
// decided inspection from the forms: clear errors, nothing written.
func TestInspectionBadInputPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		c := iw.clients["quality_manager"]
		base := url.Values{"kind": {"pre_shipment"}, "product": {strconv.FormatInt(iw.w.PA.Product.ID, 10)}, "supplier": {strconv.FormatInt(iw.w.A.Supplier.ID, 10)},
			"site": {strconv.FormatInt(iw.w.A.Site.ID, 10)}, "po": {"PO-1"}}
		with := func(kv ...string) url.Values {
			v := url.Values{}
			for k, vs := range base {
				v[k] = vs
			}
			for i := 0; i+1 < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}
		decided := iw.w.Decide(t, st, iw.w.Submitted(t, st, iw.w.PA).ID, inspection.Decision{Kind: inspection.DecideRelease})
		did := strconv.FormatInt(decided.ID, 10)
		cases := []struct {
			name, path string
			form       url.Values
			code       int
			msg        string
		}{
			{"lot size zero", "/inspections", with("lot_size", "0"), 400, "must be at least 1 unit"},
			{"lot size negative", "/inspections", with("lot_size", "-20"), 400, "must be at least 1 unit"},
			{"lot smaller than presented", "/inspections", with("lot_size", "100", "produced", "150", "packed", "100"), 400, "smaller than the 150 units presented"},
			{"lot not a number", "/inspections", with("lot_size", "lots"), 400, "must be a whole number"},
			{"editing a decided inspection", "/inspections/" + did, url.Values{"po": {"PO-X"}, "lot_size": {"500"}, "version": {strconv.FormatInt(decided.Version, 10)}}, 409, "amendment"},
			{"an entry into a decided inspection", "/inspections/" + did + "/entries", url.Values{"kind": {"remark"}, "text": {"late"}, "key": {"late-remark-1"}}, 303, "is decided and can no longer be edited"},
			{"deciding twice", "/inspections/" + did + "/decide", url.Values{"kind": {"reject"}, "reason": {"x"}, "version": {strconv.FormatInt(decided.Version, 10)}}, 409, "only a submitted inspection is decided"},
		}
		for _, x := range cases {
			t.Run(x.name, func(t *testing.T) {
				before := iw.countEvents()
				r := c.post(x.path, x.form)
				if r.code == http.StatusSeeOther { // back to the page, with the message
					r.code, r.body = http.StatusSeeOther, c.get(r.loc).body
				}
				if r.code != x.code || !strings.Contains(r.body, x.msg) {
					t.Fatalf("%s = %d (want %d), lacks %q:\n%s", x.path, r.code, x.code, x.msg, clipBody(r.body))
				}
				if iw.countEvents() != before {
					t.Error("a refused form wrote")
				}
			})
		}
	})
}

// TestInspectionWebFlow plans an inspection with the preview, records a
// defect through the API the recording page uses, submits, and decides
// rework: the re-inspection is linked, and the product and supplier pages
// show the switching state with why.
func TestInspectionWebFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		qm := iw.clients["quality_manager"]
		a := iw.w.PA
		q := url.Values{"kind": {"pre_shipment"}, "product": {strconv.FormatInt(a.Product.ID, 10)}, "supplier": {strconv.FormatInt(a.Supplier.ID, 10)},
			"site": {strconv.FormatInt(a.Site.ID, 10)}, "po": {"PO-8812"}, "lot_size": {"3000"}, "produced": {"3000"}, "packed": {"2800"}}
		r := qm.get("/inspections/new?" + q.Encode())
		r.must(t, 200, `id="class-plan"`, "code letter K", `id="fai-gate"`)
		if !strings.Contains(r.body, `<td class="num">125</td><td class="num">7</td><td class="num">8</td>`) {
			t.Errorf("the preview lacks the major plan n 125, Ac 7, Re 8:\n%s", clipBody(r.body[strings.Index(r.body, "class-plan"):]))
		}
		r = qm.post("/inspections", q)
		if r.code != 303 {
			t.Fatalf("plan = %d\n%s", r.code, clipBody(r.body))
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.loc, "/inspections/"), 10, 64)
		in := iw.w.Get(t, st, id)
		iw.w.Complete(t, st, in)
		for u := 1; u <= 8; u++ {
			iw.w.Record(t, st, id, inspection.Entry{Kind: inspection.EntryDefect, Defect: &inspection.DefectEntry{Unit: u, Code: "FUN-01"}})
		}
		page := qm.get("/inspections/" + strconv.FormatInt(id, 10))
		page.must(t, 200, `id="submit-form"`, "tally-fail")
		in = iw.w.Get(t, st, id)
		qm.post("/inspections/"+strconv.FormatInt(id, 10)+"/submit", url.Values{"version": {strconv.FormatInt(in.Version, 10)}}).redirectsTo(t, "/inspections/"+strconv.FormatInt(id, 10))
		in = iw.w.Get(t, st, id)
		if in.Verdict != inspection.VerdictFail {
			t.Fatalf("verdict %s", in.Verdict)
		}
		page = qm.get("/inspections/" + strconv.FormatInt(id, 10))
		page.must(t, 200, `id="decide-form"`, `id="raise-ncr"`, `action="/inspections/`+strconv.FormatInt(id, 10)+`/ncr"`)
		qm.post("/inspections/"+strconv.FormatInt(id, 10)+"/decide", url.Values{"kind": {"rework"}, "reason": {"sort all units"},
			"version": {strconv.FormatInt(in.Version, 10)}}).redirectsTo(t, "/inspections/"+strconv.FormatInt(id, 10))
		in = iw.w.Get(t, st, id)
		if in.Decision == nil || in.Decision.ReinspectionID == nil {
			t.Fatalf("no re-inspection: %+v", in.Decision)
		}
		re := strconv.FormatInt(*in.Decision.ReinspectionID, 10)
		qm.get("/inspections/"+strconv.FormatInt(id, 10)).must(t, 200, `href="/inspections/`+re+`"`, "Rework and re-inspect")
		qm.get("/inspections/"+re).must(t, 200, "Re-inspects", "ignored by the switching rules")
		prod := qm.get("/products/" + strconv.FormatInt(a.Product.ID, 10))
		prod.must(t, 200, `id="switching"`, "lot not accepted at normal inspection")
		qm.get("/suppliers/"+strconv.FormatInt(a.Supplier.ID, 10)+"/switching").must(t, 200, "BS-20-BLK", "lot not accepted")
		qm.get("/suppliers/"+strconv.FormatInt(a.Supplier.ID, 10)).must(t, 200, `hx-get="/suppliers/`+strconv.FormatInt(a.Supplier.ID, 10)+`/switching"`)
	})
}

// TestInspectionPhotoForm adds a photo from the inspection page's form: a
// photo entry is recorded; a file that is not an image is refused.
func TestInspectionPhotoForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		id := strconv.FormatInt(iw.w.PB.Lot.ID, 10)
		post := func(who string, content []byte) response {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			mw.WriteField("caption", "shipping marks")
			fw, _ := mw.CreateFormFile("file", "marks.png")
			fw.Write(content)
			mw.Close()
			req, _ := http.NewRequest("POST", iw.srv.URL+"/inspections/"+id+"/photos", &b)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			return iw.clients[who].do(req)
		}
		img := image.NewRGBA(image.Rect(0, 0, 10, 10))
		img.Set(1, 1, color.RGBA{255, 0, 0, 255})
		var pngb bytes.Buffer
		png.Encode(&pngb, img)
		post("inspector", pngb.Bytes()).redirectsTo(t, "/inspections/"+id)
		post("supplier", pngb.Bytes()).must(t, 404)
		post("viewer", pngb.Bytes()).must(t, 403)
		r := post("inspector", []byte("%PDF-not really"))
		if r.code != 303 {
			t.Fatalf("bad file = %d", r.code)
		}
		page := iw.clients["inspector"].get("/inspections/" + id)
		page.must(t, 200, `id="photos"`, "shipping marks")
		if strings.Count(page.body, `class="thumb"`)+strings.Count(page.body, `<figure>`) != 1 {
			t.Errorf("one photo expected on the page")
		}
	})
}

// TestInspectionFAIPages records first article results from the forms of
// the recording page: the FAI cannot be submitted before every
// characteristic has a result; an inspector may not approve it; a quality
// manager approves it.
func TestInspectionFAIPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		iw := newInspWeb(t, st)
		fai := iw.w.Lot(t, st, iw.w.PB, inspection.KindFirstArticle, 10)
		id := strconv.FormatInt(fai.ID, 10)
		insp, qm := iw.clients["inspector"], iw.clients["quality_manager"]
		insp.get("/inspections/"+id+"/record").must(t, 200, `id="fai-table"`, "No result")
		save := func(no int, form url.Values) {
			t.Helper()
			form.Set("kind", "fai")
			form.Set("characteristic", strconv.Itoa(no))
			form.Set("key", "fai-form-"+id+"-"+strconv.Itoa(no))
			form.Set("next", "/inspections/"+id+"/record")
			r := insp.post("/inspections/"+id+"/entries", form)
			if r.code != 303 || r.loc != "/inspections/"+id+"/record" {
				t.Fatalf("save %d = %d %s", no, r.code, r.loc)
			}
		}
		save(1, url.Values{"value": {"120.1", "119,9"}, "gauge": {"caliper 0.01 mm"}})
		version := func() string { return strconv.FormatInt(iw.w.Get(t, st, fai.ID).Version, 10) }
		r := insp.post("/inspections/"+id+"/submit", url.Values{"version": {version()}})
		r.must(t, 409, "Every characteristic of the spec needs a result")
		save(2, url.Values{"value": {"401", "399"}})
		for no := 3; no <= 6; no++ {
			save(no, url.Values{"pass": {"yes"}, "result": {"as golden sample"}})
		}
		page := insp.get("/inspections/" + id + "/record")
		if strings.Contains(page.body, "No result") || strings.Count(page.body, `<span class="vd vd-pass">Pass</span>`) != 6 {
			t.Fatalf("not every characteristic passes:\n%s", clipBody(page.body[strings.Index(page.body, "fai-table"):]))
		}
		insp.post("/inspections/"+id+"/submit", url.Values{"version": {version()}}).redirectsTo(t, "/inspections/"+id)
		insp.post("/inspections/"+id+"/decide", url.Values{"kind": {"approve"}, "version": {version()}}).must(t, 403)
		qm.get("/inspections/"+id).must(t, 200, `value="approve"`, `value="approve_conditional"`)
		qm.get("/inspections/"+id).must(t, 200, `name="password"`, "Sign and record decision")
		qm.post("/inspections/"+id+"/decide", url.Values{"kind": {"approve"}, "version": {version()}, "password": {"not my password"}}).
			must(t, 400, "the password is not correct")
		qm.post("/inspections/"+id+"/decide", url.Values{"kind": {"approve"}, "version": {version()}, "password": {opstest.Password}}).redirectsTo(t, "/inspections/"+id)
		qm.get("/inspections/"+id).must(t, 200, "Decision: Approved", "data-signature=", "First article approval", "matches the record")
		qm.get("/inspections/"+id+"/report").must(t, 200, `id="report-client">for Müller Audio GmbH`, "Electronic signature", "Approved by", "matches the record",
			"Signed electronically (approved)")
	})
}
