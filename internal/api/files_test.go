package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"

	"qms/internal/account"
	"qms/internal/api"
	"qms/internal/blob"
	"qms/internal/qms"
	"qms/internal/server"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// The file operations take multipart bodies and answer with raw content,
// so their role matrix is here rather than in the JSON scenario matrix.
func init() {
	for _, op := range []string{"POST /files", "GET /files/{id}", "GET /files/{id}/thumb", "POST /files/{id}/void"} {
		testedElsewhere[op] = "TestFileOperations"
	}
}

// certificates of the file tests: id -> supplier. The env's supplier user
// belongs to supplier 7; "supplier2" to supplier 8.
var testCerts = map[int64]int64{10: 7, 20: 8}

func certAccess(_ context.Context, a qms.Actor, _ string, id int64) error {
	if sup, ok := testCerts[id]; !ok || !qms.CanSeeSupplier(a, sup) {
		return qms.Errorf(qms.KindNotFound, "Certificate not found")
	}
	return nil
}

// fileEnv is newEnv with a file service (limit 256 KiB) and a second
// supplier user.
func fileEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	e := newEnv(t, st)
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	files := blob.NewService(st, disk, 256<<10)
	files.RegisterOwner("certificate", blob.OwnerRules{Read: certAccess,
		Attach: func(ctx context.Context, a qms.Actor, typ string, id int64) error {
			if err := certAccess(ctx, a, typ, id); err != nil {
				return err
			}
			if a.Role != qms.RoleSupplier && !qms.CanEditQualityRecords(a) {
				return qms.Errorf(qms.KindForbidden, "Your role may not add certificate scans")
			}
			return nil
		}})
	e.h, err = server.Handler(server.Options{Store: st, Auth: e.auth, Log: discard(),
		Surfaces: []server.Surface{api.New(st, e.auth, discard()).WithFiles(files)}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := qms.WithActor(context.Background(), qms.System)
	acc := &account.Service{Store: st}
	sup := int64(8)
	u, _, err := acc.CreateUser(ctx, account.NewUser{Email: "supplier2@example.com", Name: "Second Supplier", Role: qms.RoleSupplier, SupplierID: &sup, Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := acc.CreateToken(ctx, u.ID, "supplier2 token", nil)
	if err != nil {
		t.Fatal(err)
	}
	e.users["supplier2"], e.tokens["supplier2"] = u, secret
	return e
}

type part struct {
	field, filename, ctype string
	data                   []byte
}

// form builds a multipart body; a part without a file name is a plain field.
func form(t testing.TB, parts ...part) ([]byte, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		params := map[string]string{"name": p.field}
		if p.filename != "" {
			params["filename"] = p.filename
		}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", params))
		if p.ctype != "" {
			h.Set("Content-Type", p.ctype)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

func photoJPEG(t testing.TB) []byte {
	img := image.NewGray(image.Rect(0, 0, 480, 360))
	for i := range img.Pix {
		img.Pix[i] = byte(i / 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const scanPDF = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

type fileJSON struct {
	ID           int64  `json:"id"`
	SHA256       string `json:"sha256"`
	ContentType  string `json:"content_type"`
	Name         string `json:"original_name"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnail_url"`
	OwnerType    string `json:"owner_type"`
	OwnerID      int64  `json:"owner_id"`
	UploadedBy   int64  `json:"uploaded_by"`
	Version      int64  `json:"version"`
	VoidedAt     string `json:"voided_at"`
}

func (e *env) upload(who string, parts ...part) (*response, fileJSON) {
	e.t.Helper()
	body, ctype := form(e.t, parts...)
	r := e.do("POST", "/api/v1/files", who, body, "Content-Type", ctype)
	var f fileJSON
	if r.status == http.StatusCreated {
		r.decode(e.t, &f)
	}
	return r, f
}

func (e *env) mustUpload(who string, parts ...part) fileJSON {
	e.t.Helper()
	r, f := e.upload(who, parts...)
	if r.status != http.StatusCreated {
		e.t.Fatalf("upload as %s: %d %s", who, r.status, r.body)
	}
	return f
}

func (e *env) fileCount() int {
	e.t.Helper()
	var n int
	if err := e.st.View(context.Background(), func(tx *store.Tx) error {
		return tx.QueryRow("SELECT COUNT(*) FROM files").Scan(&n)
	}); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// TestFileOperations is the role matrix of the file operations: every
// actor, every operation, on files of the env's supplier (certificate 10),
// of another supplier (certificate 20) and unattached ones.
func TestFileOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := fileEnv(t, st)
		photo := photoJPEG(t)
		certA := e.mustUpload("supplier", part{"owner_type", "", "", []byte("certificate")}, part{"owner_id", "", "", []byte("10")},
			part{"file", "证书 扫描.jpg", "image/jpeg", photo})
		certB := e.mustUpload("supplier2", part{"file", "ISO 9001.pdf", "application/pdf", []byte(scanPDF)},
			part{"owner_type", "", "", []byte("certificate")}, part{"owner_id", "", "", []byte("20")})
		if certA.OwnerType != "certificate" || certA.OwnerID != 10 || certB.OwnerID != 20 || certA.ThumbnailURL == "" || certB.ThumbnailURL != "" {
			t.Fatalf("attached uploads %+v %+v", certA, certB)
		}
		path := func(f fileJSON, suffix string) string { return f.URL + suffix }
		internal := []string{"admin", "quality_manager", "inspector", "viewer", "auditor"}
		with := func(extra ...string) []string { return append(append([]string{}, internal...), extra...) }

		for _, who := range append(actors, "supplier2") {
			// Upload.
			r, f := e.upload(who, part{"file", "photo " + who + ".jpg", "image/jpeg", photo})
			okUpload := who == "admin" || who == "quality_manager" || who == "inspector" || strings.HasPrefix(who, "supplier")
			switch {
			case badCredentials[who] != "" || who == "":
				wantStatus(t, r, "upload as "+who, http.StatusUnauthorized)
			case okUpload:
				wantStatus(t, r, "upload as "+who, http.StatusCreated)
				if f.UploadedBy != e.users[who].ID || f.OwnerType != "" || r.header.Get("Location") != f.URL {
					t.Errorf("upload as %s: %+v, Location %q", who, f, r.header.Get("Location"))
				}
			default:
				wantStatus(t, r, "upload as "+who, http.StatusForbidden)
			}
			// Download and thumbnail.
			for _, tc := range []struct {
				f       fileJSON
				suffix  string
				allowed []string
			}{
				{certA, "", with("supplier")},
				{certA, "/thumb", with("supplier")},
				{certB, "", with("supplier2")},
			} {
				r := e.do("GET", path(tc.f, tc.suffix), who, nil)
				name := "GET " + tc.f.Name + tc.suffix + " as " + who
				switch {
				case badCredentials[who] != "" || who == "":
					wantStatus(t, r, name, http.StatusUnauthorized)
				case contains(tc.allowed, who):
					wantStatus(t, r, name, http.StatusOK)
				default:
					wantStatus(t, r, name, http.StatusNotFound)
					if p := r.problem(t); p.Detail != "File not found" {
						t.Errorf("%s: %q", name, p.Detail)
					}
				}
			}
			// Void a fresh unattached upload of the admin's.
			fresh := e.mustUpload("admin", part{"file", "wrong.pdf", "", []byte(scanPDF)})
			r = e.do("POST", path(fresh, "/void"), who, []byte(`{"reason":"uploaded by mistake","version":1}`))
			name := "void as " + who
			switch {
			case badCredentials[who] != "" || who == "":
				wantStatus(t, r, name, http.StatusUnauthorized)
			case who == "admin" || who == "quality_manager":
				wantStatus(t, r, name, http.StatusOK)
			case strings.HasPrefix(who, "supplier"):
				wantStatus(t, r, name, http.StatusNotFound) // not theirs to see
			default:
				wantStatus(t, r, name, http.StatusForbidden)
			}
		}
	})
}

func wantStatus(t *testing.T, r *response, name string, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s = %d, want %d: %.300s", name, r.status, status, r.body)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestFileDownloadHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := fileEnv(t, st)
		photo := photoJPEG(t)
		name := "Nhà máy Bình Dương – 检验 (1).jpg"
		f := e.mustUpload("inspector", part{"file", name, "image/jpeg", photo})
		if f.Name != name || f.Width != 480 || f.Height != 360 || f.ContentType != "image/jpeg" {
			t.Fatalf("uploaded %+v", f)
		}
		r := e.do("GET", f.URL, "viewer", nil)
		wantStatus(t, r, "download", http.StatusOK)
		if !bytes.Equal(r.body, photo) {
			t.Fatal("the download differs from the upload")
		}
		h := r.header
		if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("ETag") != `"`+f.SHA256+`"` ||
			h.Get("Content-Length") != strconv.Itoa(len(photo)) {
			t.Errorf("headers %v", h)
		}
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		if err != nil || disp != "inline" || params["filename"] != name {
			t.Errorf("Content-Disposition %q: %v", h.Get("Content-Disposition"), err)
		}
		r = e.do("GET", f.URL+"?download=true", "viewer", nil)
		if d := r.header.Get("Content-Disposition"); !strings.HasPrefix(d, "attachment; ") {
			t.Errorf("download=true: %q", d)
		}
		r = e.do("GET", f.URL, "viewer", nil, "If-None-Match", `"`+f.SHA256+`"`)
		wantStatus(t, r, "If-None-Match", http.StatusNotModified)
		r = e.do("GET", f.URL, "viewer", nil, "Range", "bytes=2-5")
		if r.status != http.StatusPartialContent || !bytes.Equal(r.body, photo[2:6]) {
			t.Errorf("Range: %d %q", r.status, r.body)
		}
		r = e.do("GET", f.ThumbnailURL, "viewer", nil)
		wantStatus(t, r, "thumbnail", http.StatusOK)
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(r.body)); err != nil || cfg.Width != 320 || cfg.Height != 240 {
			t.Errorf("thumbnail %+v: %v", cfg, err)
		}
		pdf := e.mustUpload("inspector", part{"file", "report", "", []byte(scanPDF)})
		if pdf.Name != "report.pdf" || pdf.ThumbnailURL != "" {
			t.Errorf("PDF %+v", pdf)
		}
		r = e.do("GET", pdf.URL+"/thumb", "viewer", nil)
		wantStatus(t, r, "thumbnail of a PDF", http.StatusNotFound)
		r = e.do("GET", "/api/v1/files/999999", "admin", nil)
		wantStatus(t, r, "missing file", http.StatusNotFound)
		r = e.do("GET", f.URL+"?size=large", "admin", nil)
		wantStatus(t, r, "unknown query parameter", http.StatusUnprocessableEntity)
	})
}

func TestFileUploadBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := fileEnv(t, st)
		photo := photoJPEG(t)
		events, _ := e.counts()
		files := e.fileCount()
		for _, tc := range []struct {
			name     string
			who      string
			parts    []part
			status   int
			location string
			detail   string
		}{
			{"HTML renamed .jpg", "inspector", []part{{"file", "photo.jpg", "image/jpeg", []byte("<!DOCTYPE html><script>alert(1)</script>")}},
				422, "body.file", "an HTML document"},
			{"PNG signature, then garbage", "inspector", []part{{"file", "x.png", "", []byte("\x89PNG\r\n\x1a\ngarbage")}},
				422, "body.file", "damaged or incomplete"},
			{"JPEG declared as PDF", "inspector", []part{{"file", "x", "application/pdf", photo}}, 422, "body.file", "sent as application/pdf"},
			{"over the limit", "inspector", []part{{"file", "big.pdf", "", append([]byte(scanPDF), make([]byte, 300<<10)...)}},
				422, "body.file", "larger than 256 KiB"},
			{"body far over the limit", "inspector", []part{{"file", "huge.pdf", "", make([]byte, 2<<20)}}, 422, "body.file", "larger than 256 KiB"},
			{"no file", "inspector", []part{{"owner_type", "", "", []byte("certificate")}}, 422, "body.file", "is required"},
			{"two files", "inspector", []part{{"file", "a.jpg", "", photo}, {"file", "b.jpg", "", photo}}, 422, "body.file", "more than one file"},
			{"unknown field", "inspector", []part{{"comment", "", "", []byte("hi")}, {"file", "a.jpg", "", photo}}, 422, "body", "unknown field"},
			{"owner id without type", "inspector", []part{{"owner_id", "", "", []byte("10")}, {"file", "a.jpg", "", photo}}, 422, "body.owner_type", ""},
			{"owner id not a number", "inspector", []part{{"owner_type", "", "", []byte("certificate")}, {"owner_id", "", "", []byte("10 OR 1=1")}}, 422, "body.owner_id", ""},
			{"owner type without upload rule", "inspector", []part{{"owner_type", "", "", []byte("ncr")}, {"owner_id", "", "", []byte("3")}, {"file", "a.jpg", "", photo}},
				422, "body.owner_type", ""},
			{"owner field with a control character", "inspector", []part{{"owner_type", "", "", []byte("cert\x00ificate")}}, 422, "body.owner_type", "control character"},
			{"another supplier's certificate", "supplier", []part{{"owner_type", "", "", []byte("certificate")}, {"owner_id", "", "", []byte("20")}, {"file", "a.jpg", "", photo}},
				404, "", "Certificate not found"},
			{"the owner after the file", "supplier", []part{{"file", "a.jpg", "", photo}, {"owner_type", "", "", []byte("certificate")}, {"owner_id", "", "", []byte("20")}},
				404, "", "Certificate not found"},
			{"read-only role onto a certificate", "viewer", []part{{"owner_type", "", "", []byte("certificate")}, {"owner_id", "", "", []byte("10")}, {"file", "a.jpg", "", photo}},
				403, "", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.t = t
				r, _ := e.upload(tc.who, tc.parts...)
				wantStatus(t, r, tc.name, tc.status)
				p := r.problem(t)
				if tc.location != "" && !contains(p.locations(), tc.location) {
					t.Errorf("locations %v, want %s: %s", p.locations(), tc.location, r.body)
				}
				if !strings.Contains(p.Detail, tc.detail) {
					t.Errorf("detail %q lacks %q", p.Detail, tc.detail)
				}
			})
		}
		e.t = t
		r := e.do("POST", "/api/v1/files", "inspector", []byte(`{"file":"x"}`))
		wantStatus(t, r, "JSON body", http.StatusUnprocessableEntity)
		r = e.do("POST", "/api/v1/files", "inspector", []byte("--x\r\n"), "Content-Type", "multipart/form-data; boundary=x")
		wantStatus(t, r, "broken multipart", http.StatusUnprocessableEntity)
		if ev, _ := e.counts(); ev != events || e.fileCount() != files {
			t.Errorf("refused uploads wrote: events %d -> %d, files %d -> %d", events, ev, files, e.fileCount())
		}
	})
}

func TestVoidFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := fileEnv(t, st)
		f := e.mustUpload("supplier", part{"owner_type", "", "", []byte("certificate")}, part{"owner_id", "", "", []byte("10")},
			part{"file", "scan.pdf", "", []byte(scanPDF)})
		void := f.URL + "/void"
		for body, status := range map[string]int{
			`{"version":1}`:                        422,
			`{"reason":"","version":1}`:            422,
			`{"reason":"wrong","version":5}`:       409,
			`{"reason":"x\u0007","version":1}`:     422,
			`{"reason":"wrong","version":1,"x":1}`: 422,
		} {
			r := e.do("POST", void, "quality_manager", []byte(body))
			wantStatus(t, r, body, status)
		}
		r := e.do("POST", void, "quality_manager", []byte(`{"reason":"扫描件属于另一家工厂","version":1}`))
		wantStatus(t, r, "void", http.StatusOK)
		var out fileJSON
		r.decode(t, &out)
		if out.VoidedAt == "" || out.Version != 2 {
			t.Errorf("voided %+v", out)
		}
		wantStatus(t, e.do("POST", void, "quality_manager", []byte(`{"reason":"again","version":2}`)), "void twice", http.StatusConflict)
		wantStatus(t, e.do("GET", f.URL, "supplier", nil), "supplier reads its voided file", http.StatusNotFound)
		wantStatus(t, e.do("GET", f.URL, "auditor", nil), "auditor reads a voided file", http.StatusOK)
		var events []struct {
			Action string `json:"action"`
			Reason string `json:"reason"`
		}
		r = e.do("GET", "/api/v1/audit?entity_type=file&entity_id="+strconv.FormatInt(f.ID, 10), "admin", nil)
		var page struct {
			Items json.RawMessage `json:"items"`
		}
		r.decode(t, &page)
		if err := json.Unmarshal(page.Items, &events); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(events); !strings.Contains(got, "void 扫描件属于另一家工厂") || !strings.Contains(got, "create") {
			t.Errorf("audit trail of the file: %s", got)
		}
	})
}
