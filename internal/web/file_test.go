package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/auth"
	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// fileApp is the web surface with a file service whose certificate rule
// lets a supplier see the certificates of its own supplier (certificate
// 10 is supplier 1's, 20 supplier 2's), plus a test page that takes an
// upload through guardUpload and formFile.
func newFileApp(t *testing.T, st *store.Store) (*app, *blob.Service) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	a := &auth.Service{Store: st, Log: log, Policy: auth.DefaultPolicy}
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 64<<10)
	owners := map[int64]int64{10: 1, 20: 2}
	files.RegisterOwner("certificate", blob.OwnerRules{Read: func(_ context.Context, a qms.Actor, _ string, id int64) error {
		if sup, ok := owners[id]; !ok || !qms.CanSeeSupplier(a, sup) {
			return qms.Errorf(qms.KindNotFound, "Certificate not found")
		}
		return nil
	}})
	ui := New(st, a, log).WithFiles(files)
	h, err := server.Handler(server.Options{Store: st, Auth: a, Log: log, Surfaces: []server.Surface{ui, uploadPage{ui}}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &app{t: t, st: st, srv: srv, acc: &account.Service{Store: st}}, files
}

// uploadPage is a module page as a test sees it: it stores the file of
// the field "scan" and answers with the new file's id.
type uploadPage struct{ u *UI }

func (p uploadPage) Register(mux *http.ServeMux) {
	mux.Handle("POST /test/upload", p.u.guardUpload(qms.CanUploadFiles, func(w http.ResponseWriter, r *http.Request, _ qms.Actor) error {
		f, ok, err := p.u.formFile(r, "scan", nil)
		if err != nil {
			return err
		}
		if !ok {
			return qms.Errorf(qms.KindInvalid, "No file was chosen.")
		}
		f.OwnerType, f.OwnerID = "certificate", 10
		if err := p.u.files.Create(r.Context(), f); err != nil {
			return err
		}
		fmt.Fprintf(w, "file %d note=%s", f.ID, r.FormValue("note"))
		return nil
	}))
}

func supplierUser(t *testing.T, ap *app, email string, supplier int64) *qms.User {
	t.Helper()
	u, _, err := ap.acc.CreateUser(qms.WithActor(context.Background(), qms.System),
		account.NewUser{Email: email, Name: "Supplier " + email, Role: qms.RoleSupplier, SupplierID: &supplier, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func testJPEG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(0, 0, color.White)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// store saves a file as who, attached to the given record.
func storeFile(t *testing.T, files *blob.Service, u *qms.User, data []byte, name, ownerType string, ownerID int64) *store.File {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
	f, err := files.Prepare(ctx, blob.Upload{Name: name, Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	f.OwnerType, f.OwnerID = ownerType, ownerID
	if err := files.Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFileDownload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap, files := newFileApp(t, st)
		insp := ap.user(qms.RoleInspector, "ines@example.com", "Inès Inspector")
		supA := supplierUser(t, ap, "qa@factory-a.example", 1)
		supB := supplierUser(t, ap, "qa@factory-b.example", 2)
		photo := testJPEG(t)
		name := "检验报告 缺陷 #1.jpg"
		certA := storeFile(t, files, supA, photo, name, "certificate", 10)
		certB := storeFile(t, files, supB, []byte(testPDF), "B 证书.pdf", "certificate", 20)
		ncr := storeFile(t, files, insp, photo, "ncr.jpg", "ncr", 3) // no rule registered: staff only
		url := func(f *store.File, suffix string) string { return "/files/" + strconv.FormatInt(f.ID, 10) + suffix }

		ap.client().get(url(certA, "")).redirectsTo(t, "/login?next=%2Ffiles%2F"+strconv.FormatInt(certA.ID, 10))

		c := ap.signedIn(insp)
		r := c.get(url(certA, ""))
		r.must(t, http.StatusOK)
		if r.body != string(photo) {
			t.Fatal("the download differs from the upload")
		}
		h := r.hdr
		if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("ETag") != `"`+certA.SHA256+`"` || h.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("headers %v", h)
		}
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		if err != nil || disp != "inline" || params["filename"] != name {
			t.Errorf("Content-Disposition %q: %s %q, %v", h.Get("Content-Disposition"), disp, params["filename"], err)
		}
		if !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''%E6%A3%80") {
			t.Errorf("Content-Disposition without filename*: %q", h.Get("Content-Disposition"))
		}

		// Revalidation with the ETag, ranges and downloads.
		req, _ := http.NewRequest("GET", ap.srv.URL+url(certA, ""), nil)
		req.Header.Set("If-None-Match", `"`+certA.SHA256+`"`)
		if r := c.do(req); r.code != http.StatusNotModified || r.body != "" {
			t.Errorf("If-None-Match: %d", r.code)
		}
		req, _ = http.NewRequest("GET", ap.srv.URL+url(certA, ""), nil)
		req.Header.Set("Range", "bytes=0-9")
		if r := c.do(req); r.code != http.StatusPartialContent || r.body != string(photo[:10]) {
			t.Errorf("Range: %d, %d bytes", r.code, len(r.body))
		}
		if d := c.get(url(certA, "?download=1")).hdr.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment;") {
			t.Errorf("download: %q", d)
		}

		// The thumbnail; a PDF has none.
		r = c.get(url(certA, "/thumb"))
		r.must(t, http.StatusOK)
		if r.hdr.Get("Content-Type") != "image/jpeg" || r.hdr.Get("ETag") != `"`+certA.ThumbSHA256+`"` ||
			!strings.Contains(r.hdr.Get("Content-Disposition"), "-thumb.jpg") {
			t.Errorf("thumbnail headers %v", r.hdr)
		}
		c.get(url(certB, "/thumb")).must(t, http.StatusNotFound, "no thumbnail")
		c.get(url(certB, "")).must(t, http.StatusOK, "%PDF-1.4")
		c.get(url(ncr, "")).must(t, http.StatusOK)

		// A supplier reaches its own supplier's files and nothing else, by any id.
		a := ap.signedIn(supA)
		a.get(url(certA, "")).must(t, http.StatusOK)
		a.get(url(certA, "/thumb")).must(t, http.StatusOK)
		for _, path := range []string{url(certB, ""), url(certB, "/thumb"), url(ncr, ""), url(ncr, "/thumb"), "/files/999999", "/files/abc", "/files/-1"} {
			r := a.get(path)
			r.must(t, http.StatusNotFound)
			if strings.Contains(r.body, "%PDF") || r.hdr.Get("ETag") != "" || strings.Contains(r.hdr.Get("Content-Type"), "image") {
				t.Errorf("%s leaked content to another supplier: %v", path, r.hdr)
			}
		}
		ap.signedIn(supB).get(url(certB, "")).must(t, http.StatusOK)
		ap.signedIn(supB).get(url(certA, "")).must(t, http.StatusNotFound, "File not found")
	})
}

// multipartBody builds a form with the file in field and the given fields.
func multipartBody(t *testing.T, field, filename, ctype string, data []byte, fields ...string) (*bytes.Buffer, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if field != "" {
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{mime.FormatMediaType("form-data", map[string]string{"name": field, "filename": filename})}
		h["Content-Type"] = []string{ctype}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func TestFileUploadForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ap, _ := newFileApp(t, st)
		insp := ap.user(qms.RoleInspector, "ines@example.com", "Inès Inspector")
		viewer := ap.user(qms.RoleViewer, "vic@example.com", "Vic Viewer")
		c := ap.signedIn(insp)
		post := func(c *client, body *bytes.Buffer, ctype string) response {
			req, _ := http.NewRequest("POST", ap.srv.URL+"/test/upload", body)
			req.Header.Set("Content-Type", ctype)
			return c.do(req)
		}

		name := "Biên bản kiểm tra 检验.jpg"
		body, ctype := multipartBody(t, "scan", name, "image/jpeg", testJPEG(t), "note", "lô hàng 3")
		r := post(c, body, ctype)
		r.must(t, http.StatusOK, "note=lô hàng 3")
		var id int64
		fmt.Sscanf(r.body, "file %d", &id)
		got := c.get("/files/" + strconv.FormatInt(id, 10))
		got.must(t, http.StatusOK)
		if _, params, _ := mime.ParseMediaType(got.hdr.Get("Content-Disposition")); params["filename"] != name {
			t.Errorf("name round trip: %q", params["filename"])
		}

		events := ap.countEvents()
		for _, tc := range []struct {
			name   string
			c      *client
			body   func() (*bytes.Buffer, string)
			status int
			want   string
		}{
			{"HTML renamed .jpg", c, func() (*bytes.Buffer, string) {
				return multipartBody(t, "scan", "photo.jpg", "image/jpeg", []byte("<!doctype html><script>alert(1)</script>"))
			}, 400, "an HTML document"},
			{"over the limit", c, func() (*bytes.Buffer, string) {
				return multipartBody(t, "scan", "big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), make([]byte, 70<<10)...))
			}, 400, "larger than 64 KiB"},
			{"far over the limit", c, func() (*bytes.Buffer, string) {
				return multipartBody(t, "scan", "huge.pdf", "application/pdf", make([]byte, 3<<20))
			}, 400, "larger than 64 KiB"},
			{"no file chosen", c, func() (*bytes.Buffer, string) { return multipartBody(t, "scan", "", "application/octet-stream", nil) }, 400, "No file was chosen"},
			{"not multipart", c, func() (*bytes.Buffer, string) {
				return bytes.NewBufferString("scan=x"), "application/x-www-form-urlencoded"
			}, 400, "multipart/form-data"},
			{"read-only role", ap.signedIn(viewer), func() (*bytes.Buffer, string) {
				return multipartBody(t, "scan", "a.jpg", "image/jpeg", testJPEG(t))
			}, 403, "may not open this page"},
		} {
			body, ctype := tc.body()
			r := post(tc.c, body, ctype)
			r.must(t, tc.status, tc.want)
		}
		if n := ap.countEvents(); n != events {
			t.Errorf("refused uploads wrote %d audit events", n-events)
		}
	})
}
