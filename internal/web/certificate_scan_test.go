package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplier"
	"qms/internal/supplierops"
	"qms/internal/supplierops/opstest"
)

// scanLimit is the upload limit of the scan tests' file store.
const scanLimit = 64 << 10

// newScanWeb is the supplier fixture's web app (and API) with a file store
// of at most scanLimit per file and the certificate file rules.
func newScanWeb(t *testing.T, st *store.Store) (*supplierWeb, *blob.Service) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, scanLimit)
	(&supplierops.Service{Store: st}).RegisterFiles(files)
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log,
		Surfaces: []server.Surface{New(st, a, log).WithFiles(files), api.New(st, a, log).WithFiles(files)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ap := &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}
	sw := &supplierWeb{app: ap, w: opstest.Build(t, st), clients: map[string]*client{}}
	for role, u := range sw.w.Users {
		sw.clients[string(role)] = ap.signedIn(u)
	}
	sw.clients["supplierB"] = ap.signedIn(sw.w.B.User)
	return sw, files
}

// postFile posts a multipart form with one file (field "scan") and fields.
func (c *client) postFile(path, name, ctype string, data []byte, fields ...string) response {
	c.ap.t.Helper()
	body, mt := multipartBody(c.ap.t, "scan", name, ctype, data, fields...)
	req, _ := http.NewRequest("POST", c.ap.srv.URL+path, body)
	req.Header.Set("Content-Type", mt)
	return c.do(req)
}

// addScan stores a scan of certificate certID as user u, through supplierops.
func addScan(t *testing.T, st *store.Store, files *blob.Service, u *qms.User, certID int64, name string, data []byte) *store.File {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
	f, err := files.Prepare(ctx, blob.Upload{Name: name, Body: bytes.NewReader(data), Allowed: supplierops.ScanTypes})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&supplierops.Service{Store: st}).AddScan(ctx, certID, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func (sw *supplierWeb) count(table string) int {
	var n int
	if err := sw.st.DB().QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		sw.t.Fatal(err)
	}
	return n
}

// TestCertificateScanRoutes runs the routes that take or serve scans as
// every role: who may upload gets 303, who may not 403, and A's supplier
// user gets 404 for every one of B's certificates and scans, by page and
// by file URL, on the web and on the API; a refused request writes
// nothing.
func TestCertificateScanRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw, files := newScanWeb(t, st)
		qm := sw.w.Users[qms.RoleQualityManager]
		scanB := addScan(t, st, files, qm, sw.w.B.Certificate.ID, "VN-B-9001 chứng nhận.jpg", testJPEG(t))
		scanA := addScan(t, st, files, qm, sw.w.A.Certificate.ID, "CN-A-9001 证书.pdf", []byte(testPDF))
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		bCert, bSup := id(sw.w.B.Certificate.ID), id(sw.w.B.Supplier.ID)
		type route struct {
			method, path string
			file         bool // a multipart post with a PDF scan
			ok           map[string]int
		}
		routes := []route{
			{"GET", "/files/" + id(scanB.ID), false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/files/" + id(scanB.ID) + "/thumb", false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/files/" + id(scanB.ID) + "?download=1", false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/api/v1/files/" + id(scanB.ID), false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/api/v1/certificates/" + bCert, false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/certificates/" + bCert, false, statuses(internalWeb, 200, "supplier", 404)},
			{"GET", "/portal/certificates/" + bCert, false, statuses(internalWeb, 303, "supplier", 404)},
			{"POST", "/certificates/" + bCert + "/scans", true, statuses(editorsWeb, 303, "viewer", 403, "auditor", 403, "supplier", 404)},
			{"POST", "/suppliers/" + bSup + "/certificates/new", true, statuses(editorsWeb, 303, "viewer", 403, "auditor", 403, "supplier", 404)},
			{"POST", "/portal/certificates/new", true, statuses("supplier", 303)},
		}
		for _, rt := range routes {
			for _, who := range []string{"supplier", "auditor", "viewer", "inspector", "quality_manager", "admin"} {
				t.Run(rt.method+" "+rt.path+" as "+who, func(t *testing.T) {
					sw.t = t
					want, ok := rt.ok[who]
					if !ok {
						want = http.StatusForbidden
					}
					c := sw.clients[who]
					before := sw.countEvents()
					var r response
					if rt.file {
						form := certFormValues(nil)
						form.Set("number", "SCAN-"+who)
						form.Set("site_ids", "")
						var fields []string
						for k, vs := range form {
							for _, v := range vs {
								fields = append(fields, k, sw.expand(v, who))
							}
						}
						r = c.postFile(rt.path, "scan by "+who+".pdf", "application/pdf", []byte(testPDF+"% "+who+"\n"), fields...)
					} else {
						r = c.get(rt.path)
					}
					if r.code != want {
						t.Fatalf("%s %s = %d, want %d (Location %q)\n%s", rt.method, rt.path, r.code, want, r.loc, clipBody(r.body))
					}
					if strings.Contains(r.loc, "/login") {
						t.Fatalf("redirected to sign in: %s", r.loc)
					}
					if r.code >= 400 && sw.countEvents() != before {
						t.Errorf("a refused request wrote")
					}
					if who == "supplier" && (strings.Contains(r.body, "Hưng Thịnh") || strings.Contains(r.body, "chứng nhận") ||
						r.hdr.Get("ETag") == `"`+scanB.SHA256+`"`) {
						t.Errorf("the supplier user sees supplier B's scan:\n%s", clipBody(r.body))
					}
				})
			}
		}
		sw.t = t

		// A's supplier user reads its own certificate's scan, and sees it
		// on its portal page and in the API.
		sup := sw.clients["supplier"]
		sup.get("/files/"+id(scanA.ID)).must(t, http.StatusOK, "%PDF-1.4")
		sup.get("/portal/certificates/"+id(sw.w.A.Certificate.ID)).must(t, http.StatusOK, `id="scan-list"`, "CN-A-9001 证书.pdf")
		sup.get("/api/v1/certificates/"+id(sw.w.A.Certificate.ID)).must(t, http.StatusOK, `"scans":[`, `"original_name":"CN-A-9001 证书.pdf"`)
		// B's supplier user does not reach A's scan.
		sw.clients["supplierB"].get("/files/"+id(scanA.ID)).must(t, http.StatusNotFound)
	})
}

// TestCertificateScanUpload: a quality manager adds a scan on the
// certificate page and with a new certificate; a supplier user submits a
// certificate with its scan through the portal (it stays submitted), adds
// a page to it while it awaits review, and may not change the evidence of
// a reviewed certificate; a file of the wrong type (by content) or over the
// size limit is refused with a clear message and nothing is written.
func TestCertificateScanUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw, _ := newScanWeb(t, st)
		qm := sw.clients["quality_manager"]
		A := sw.w.A
		certA := certificatePath(A.Certificate.ID)

		// On the certificate page.
		qm.get(certA).must(t, http.StatusOK, `id="scan-form"`, `id="no-scan"`)
		r := qm.postFile(certA+"/scans", "ISO 9001 证书 2026.pdf", "application/pdf", []byte(testPDF))
		r.redirectsTo(t, certA+"#scans")
		page := qm.get(certA)
		page.must(t, http.StatusOK, "Scan added: ISO 9001 证书 2026.pdf.", `id="scan-list"`, "ISO 9001 证书 2026.pdf", "PDF")
		again := qm.postFile(certA+"/scans", "copy.pdf", "application/pdf", []byte(testPDF))
		again.redirectsTo(t, certA+"#scans")
		qm.get(certA).must(t, http.StatusOK, "has this scan already")
		files, err := (&supplierops.Service{Store: st}).Scans(qms.WithActor(context.Background(), qms.System), A.Certificate.ID)
		if err != nil || len(files) != 1 || files[0].ContentType != "application/pdf" {
			t.Fatalf("scans = %+v, %v; want the one PDF", files, err)
		}

		// Bad input writes nothing and says what is wrong.
		for _, bad := range []struct {
			name, ctype string
			data        []byte
			says        string
		}{
			{"certificate.pdf", "application/pdf", []byte("Certificate no. CN-A-9001, valid until 2028\n"), "PDF"},
			{"scan.png", "image/png", []byte(testPDF), "PNG"},
			{"huge.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), scanLimit+10)...), "larger than 64 KiB"},
		} {
			before, n := sw.countEvents(), sw.count("files")
			r := qm.postFile(certA+"/scans", bad.name, bad.ctype, bad.data)
			r.redirectsTo(t, certA+"#scans")
			p := qm.get(certA)
			p.must(t, http.StatusOK, "flash-error", bad.says)
			if sw.countEvents() != before || sw.count("files") != n {
				t.Errorf("%s: a refused upload wrote", bad.name)
			}
		}
		before, certs := sw.countEvents(), sw.count("certificates")
		form := certFormValues(url2("number", "BAD-SCAN"))
		var fields []string
		for k, vs := range form {
			for _, v := range vs {
				fields = append(fields, k, sw.expand(v, "quality_manager"))
			}
		}
		newB := supplierPath(sw.w.B.Supplier.ID) + "/certificates/new"
		fr := qm.postFile(newB, "scan.pdf", "application/pdf", []byte("not a pdf at all"), fields...)
		if fr.code != http.StatusBadRequest && fr.code != http.StatusUnprocessableEntity {
			t.Fatalf("a new certificate with a bad scan: %d, want the form again\n%s", fr.code, clipBody(fr.body))
		}
		if !strings.Contains(fr.body, `id="certificate-form"`) || !strings.Contains(fr.body, "choose it again") {
			t.Errorf("the form does not come back with the problem:\n%s", clipBody(fr.body))
		}
		if sw.countEvents() != before || sw.count("certificates") != certs {
			t.Errorf("a new certificate with a bad scan wrote")
		}
		// A good one: the certificate and its scan in one go.
		ok := qm.postFile(newB, "EMS 14001.png", "image/png", pngBytes(t), fields...)
		if ok.code != http.StatusSeeOther || !strings.HasPrefix(ok.loc, "/certificates/") {
			t.Fatalf("new certificate with a scan: %d %q\n%s", ok.code, ok.loc, clipBody(ok.body))
		}
		qm.get(ok.loc).must(t, http.StatusOK, "EMS 14001.png", "PNG image", `/thumb"`)

		// The portal: a supplier user submits a certificate with its scan.
		sup := sw.clients["supplier"]
		sup.get("/portal/certificates/new").must(t, http.StatusOK, `enctype="multipart/form-data"`, `action="/portal/certificates/new"`, `name="scan"`)
		pf := certFormValues(url2("number", "P-SCAN-1"))
		pf.Set("holder_name", "深圳精密五金有限公司")
		pf.Del("site_ids")
		var pfields []string
		for k, vs := range pf {
			for _, v := range vs {
				pfields = append(pfields, k, sw.expand(v, "supplier"))
			}
		}
		sub := sup.postFile("/portal/certificates/new", "ISO 14001 证书.pdf", "application/pdf", []byte(testPDF+"%portal\n"), pfields...)
		if sub.code != http.StatusSeeOther || !strings.HasPrefix(sub.loc, "/portal/certificates/") {
			t.Fatalf("portal submission: %d %q\n%s", sub.code, sub.loc, clipBody(sub.body))
		}
		subID, _ := strconv.ParseInt(strings.TrimPrefix(sub.loc, "/portal/certificates/"), 10, 64)
		if d, err := (&supplierops.Service{Store: st}).Certificate(qms.WithActor(context.Background(), qms.System), subID); err != nil ||
			d.Certificate.Review != supplier.ReviewSubmitted {
			t.Fatalf("the portal's certificate: %+v, %v; want it submitted", d, err)
		}
		sup.get(sub.loc).must(t, http.StatusOK, "ISO 14001 证书.pdf", `id="scan-form"`, "Awaiting review")
		sup.postFile(certificatePath(subID)+"/scans", "page 2.jpg", "image/jpeg", testJPEG(t)).redirectsTo(t, sub.loc+"#scans")
		sup.get(sub.loc).must(t, http.StatusOK, "page 2.jpg")
		// A reviewed certificate's evidence stays as reviewed.
		if p := sup.get("/portal/certificates/" + strconv.FormatInt(A.Certificate.ID, 10)); strings.Contains(p.body, `id="scan-form"`) {
			t.Errorf("the portal offers a scan upload on an accepted certificate")
		}
		before = sw.countEvents()
		sup.postFile(certA+"/scans", "new.pdf", "application/pdf", []byte(testPDF+"%new\n")).must(t, http.StatusForbidden, "submit the new document as a new certificate")
		if sw.countEvents() != before {
			t.Errorf("a refused scan wrote")
		}
	})
}

func url2(k, v string) map[string][]string { return map[string][]string{k: {v}} }

// pngBytes is a small PNG image.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// certificateScanSample is a sample certificate page with scans (one
// voided) and the upload form, for TestTemplatesRender.
func certificateScanSample(d *store.CertificateDetail) page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	files := []store.File{{ID: 5, Name: "证书 <b>.pdf", ContentType: "application/pdf", Size: 340_000, CreatedAt: now},
		{ID: 6, Name: "page 2.jpg", ContentType: "image/jpeg", Size: 2_100_000, ThumbSHA256: strings.Repeat("a", 64), CreatedAt: now, VoidedAt: &now, VoidReason: "blurred"}}
	return &certificatePage{layout: layout{Title: "ISO 9001"}, D: d, Scans: scanViews(files), CanAddScan: true}
}

// TestCertificateScanAPI: a scan uploaded through POST /api/v1/files with
// owner_type=certificate: a quality manager onto any certificate, A's
// supplier user onto its own certificate while it awaits review, never
// onto an accepted one (403) nor onto B's (404); a viewer may not upload;
// the certificate's JSON lists the scan; refusals write nothing.
func TestCertificateScanAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sw, _ := newScanWeb(t, st)
		sub := &supplier.Certificate{SupplierID: sw.w.A.Supplier.ID, Kind: supplier.KindProductTest, Standard: "EN 71-3", Number: "TR-2026-88",
			CertificationBody: "SGS-CSTC", HolderName: "深圳精密五金有限公司", IssueDate: opstest.Day(-20)}
		if err := (&supplierops.Service{Store: st}).CreateCertificate(qms.WithActor(context.Background(), qms.ActorOf(sw.w.A.User, "session")), sub); err != nil {
			t.Fatal(err)
		}
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		upload := func(who string, cert int64, data []byte) response {
			t.Helper()
			body, mt := multipartBody(t, "file", "scan "+who+".pdf", "application/pdf", data, "owner_type", "certificate", "owner_id", id(cert))
			req, _ := http.NewRequest("POST", sw.srv.URL+"/api/v1/files", body)
			req.Header.Set("Content-Type", mt)
			return sw.clients[who].do(req)
		}
		for _, c := range []struct {
			who  string
			cert int64
			want int
		}{
			{"quality_manager", sw.w.B.Certificate.ID, http.StatusCreated},
			{"inspector", sw.w.A.Certificate.ID, http.StatusCreated},
			{"supplier", sub.ID, http.StatusCreated},
			{"supplier", sw.w.A.Certificate.ID, http.StatusForbidden},
			{"supplier", sw.w.B.Certificate.ID, http.StatusNotFound},
			{"viewer", sw.w.A.Certificate.ID, http.StatusForbidden},
		} {
			before := sw.countEvents()
			r := upload(c.who, c.cert, []byte(testPDF+"% "+c.who+id(c.cert)+"\n"))
			if r.code != c.want {
				t.Fatalf("%s uploading onto certificate %d: %d, want %d\n%s", c.who, c.cert, r.code, c.want, clipBody(r.body))
			}
			if r.code >= 400 && sw.countEvents() != before {
				t.Errorf("%s onto %d: a refused upload wrote", c.who, c.cert)
			}
		}
		before := sw.countEvents()
		if r := upload("quality_manager", sw.w.A.Certificate.ID, []byte("GIF89a not a pdf")); r.code != http.StatusUnprocessableEntity || sw.countEvents() != before {
			t.Errorf("a disguised file: %d, events %d -> %d\n%s", r.code, before, sw.countEvents(), clipBody(r.body))
		}
		sw.clients["supplier"].get("/api/v1/certificates/"+id(sub.ID)).must(t, http.StatusOK, `"original_name":"scan supplier.pdf"`, `"review":"submitted"`)
		sw.clients["quality_manager"].get("/api/v1/certificates/"+id(sw.w.B.Certificate.ID)).must(t, http.StatusOK, `"original_name":"scan quality_manager.pdf"`)
	})
}
