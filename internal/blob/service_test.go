package blob

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// fileEnv is a file service over a fresh database and disk store, with a
// user of every role and two supplier users of different suppliers.
type fileEnv struct {
	t     *testing.T
	st    *store.Store
	dir   string
	svc   *Service
	users map[string]*qms.User
}

func newFileEnv(t *testing.T, st *store.Store) *fileEnv {
	t.Helper()
	dir := t.TempDir()
	disk, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := &fileEnv{t: t, st: st, dir: dir, svc: NewService(st, disk, 0), users: map[string]*qms.User{}}
	ctx := qms.WithActor(context.Background(), qms.System)
	add := func(key string, role qms.Role, supplier int64) {
		u := &qms.User{Email: key + "@example.com", Name: "Test " + key, Role: role}
		if supplier != 0 {
			u.SupplierID = &supplier
		}
		if err := st.Update(ctx, func(tx *store.Tx) error { return tx.CreateUser(u, "") }); err != nil {
			t.Fatal(err)
		}
		e.users[key] = u
	}
	for _, r := range qms.Roles {
		if r != qms.RoleSupplier {
			add(string(r), r, 0)
		}
	}
	add("supplierA", qms.RoleSupplier, 1)
	add("supplierB", qms.RoleSupplier, 2)
	return e
}

func (e *fileEnv) as(key string) context.Context {
	u, ok := e.users[key]
	if !ok {
		e.t.Fatalf("no user %s", key)
	}
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

// certificates of the test: certificate id -> supplier id.
var certSupplier = map[int64]int64{10: 1, 20: 2}

// certRule lets internal staff and the certificate's own supplier in.
func certRule(_ context.Context, a qms.Actor, _ string, id int64) error {
	sup, ok := certSupplier[id]
	if !ok || !qms.CanSeeSupplier(a, sup) {
		return qms.Errorf(qms.KindNotFound, "Certificate not found")
	}
	return nil
}

func (e *fileEnv) registerCertificates() {
	e.svc.RegisterOwner("certificate", OwnerRules{Read: certRule, Attach: func(ctx context.Context, a qms.Actor, typ string, id int64) error {
		if err := certRule(ctx, a, typ, id); err != nil {
			return err
		}
		if a.Role != qms.RoleSupplier && !qms.CanEditQualityRecords(a) {
			return qms.Errorf(qms.KindForbidden, "Your role may not add scans")
		}
		return nil
	}})
}

func (e *fileEnv) upload(who string, data []byte, name, ownerType string, ownerID int64) (*store.File, error) {
	return e.svc.Upload(e.as(who), Upload{Name: name, Body: bytes.NewReader(data)}, ownerType, ownerID)
}

func (e *fileEnv) mustUpload(who string, data []byte, name, ownerType string, ownerID int64) *store.File {
	e.t.Helper()
	f, err := e.upload(who, data, name, ownerType, ownerID)
	if err != nil {
		e.t.Fatalf("upload %s as %s: %v", name, who, err)
	}
	return f
}

// counts returns the number of file rows, audit events and blobs on disk.
func (e *fileEnv) counts() (files, events, blobs int) {
	e.t.Helper()
	err := e.st.View(context.Background(), func(tx *store.Tx) error {
		if err := tx.QueryRow("SELECT COUNT(*) FROM files").Scan(&files); err != nil {
			return err
		}
		return tx.QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&events)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	filepath.WalkDir(filepath.Join(e.dir, "files"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(filepath.Dir(p)) != "tmp" {
			blobs++
		}
		return nil
	})
	return files, events, blobs
}

func TestUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newFileEnv(t, st)
		photo := jpegOf(t, marked(900, 600), 6, binary.LittleEndian)
		f := e.mustUpload("inspector", photo, "缺陷 划痕 #3.jpg", "", 0)
		if f.ID == 0 || f.ContentType != "image/jpeg" || f.Width != 600 || f.Height != 900 || f.Size != int64(len(photo)) ||
			f.SHA256 != sumOf(photo) || f.ThumbSHA256 == "" || f.Name != "缺陷 划痕 #3.jpg" || f.UploadedBy != e.users["inspector"].ID {
			t.Fatalf("uploaded %+v", f)
		}
		// The thumbnail is its own blob: an upright JPEG of at most 320 px.
		obj, err := e.svc.Open(context.Background(), f, true)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(obj)
		obj.Close()
		if err != nil || format != "jpeg" || cfg.Width != 213 || cfg.Height != 320 {
			t.Fatalf("thumbnail %s %d × %d: %v", format, cfg.Width, cfg.Height, err)
		}
		obj, err = e.svc.Open(context.Background(), f, false)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(obj)
		obj.Close()
		if !bytes.Equal(b, photo) {
			t.Fatal("the stored content differs from the upload")
		}

		// The same photo again: a second record, no second blob.
		files, events, blobs := e.counts()
		g := e.mustUpload("quality_manager", photo, "again.jpg", "", 0)
		if g.ID == f.ID || g.SHA256 != f.SHA256 {
			t.Fatalf("second upload %+v", g)
		}
		if f2, ev2, b2 := e.counts(); f2 != files+1 || ev2 != events+1 || b2 != blobs {
			t.Errorf("second upload: files %d -> %d, events %d -> %d, blobs %d -> %d", files, f2, events, ev2, blobs, b2)
		}

		// A PDF gets no thumbnail; a name without an extension gets one.
		pdf := e.mustUpload("supplierA", pdfDoc(), "ISO 9001 证书", "", 0)
		if pdf.ContentType != "application/pdf" || pdf.ThumbSHA256 != "" || pdf.Width != 0 || pdf.Name != "ISO 9001 证书.pdf" {
			t.Errorf("PDF %+v", pdf)
		}
		if _, err := e.svc.Open(context.Background(), pdf, true); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("thumbnail of a PDF: %v", err)
		}

		// Refusals write nothing: no row, no audit event, no blob.
		files, events, blobs = e.counts()
		for _, tc := range []struct {
			who, name string
			data      []byte
			kind      qms.Kind
		}{
			{"viewer", "a.png", pngOf(t, marked(10, 10)), qms.KindForbidden},
			{"auditor", "a.png", pngOf(t, marked(10, 10)), qms.KindForbidden},
			{"inspector", "photo.jpg", []byte(htmlPage), qms.KindInvalid},
			{"inspector", "cut.jpg", photo[:len(photo)/2], qms.KindInvalid},
			{"inspector", "bomb.png", hugePNG(80000, 80000), qms.KindInvalid},
		} {
			if _, err := e.upload(tc.who, tc.data, tc.name, "", 0); qms.ErrorKind(err) != tc.kind {
				t.Errorf("%s uploading %s: %v, want %s", tc.who, tc.name, err, tc.kind)
			}
		}
		if _, err := e.svc.Upload(context.Background(), Upload{Name: "x.png", Body: bytes.NewReader(photo)}, "", 0); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("upload without an actor: %v", err)
		}
		small := NewService(st, e.svc.Blobs(), 1024)
		if _, err := small.Upload(e.as("inspector"), Upload{Name: "big.jpg", Body: bytes.NewReader(photo)}, "", 0); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("over the limit: %v", err)
		}
		if f2, ev2, b2 := e.counts(); f2 != files || ev2 != events || b2 != blobs {
			t.Errorf("refused uploads wrote: files %d -> %d, events %d -> %d, blobs %d -> %d", files, f2, events, ev2, blobs, b2)
		}
		if left, _ := os.ReadDir(filepath.Join(e.dir, "files", "tmp")); len(left) != 0 {
			t.Errorf("spooled uploads left behind: %v", left)
		}
	})
}

func TestUploadOntoARecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newFileEnv(t, st)
		scan := pdfDoc()
		// Until the module registers its rules, nobody uploads onto its records.
		if _, err := e.upload("supplierA", scan, "c.pdf", "certificate", 10); qms.ErrorFields(err)["owner_type"] == "" {
			t.Fatalf("unregistered owner type: %v", err)
		}
		e.registerCertificates()
		f := e.mustUpload("supplierA", scan, "c.pdf", "certificate", 10)
		if f.OwnerType != "certificate" || f.OwnerID != 10 {
			t.Fatalf("attached %+v", f)
		}
		e.mustUpload("quality_manager", scan, "c.pdf", "certificate", 20)
		for _, tc := range []struct {
			who  string
			id   int64
			kind qms.Kind
		}{
			{"supplierA", 20, qms.KindNotFound},  // another supplier's certificate
			{"supplierB", 10, qms.KindNotFound},  // the same the other way round
			{"viewer", 10, qms.KindForbidden},    // read-only
			{"inspector", 999, qms.KindNotFound}, // no such certificate
		} {
			if _, err := e.upload(tc.who, scan, "c.pdf", "certificate", tc.id); qms.ErrorKind(err) != tc.kind {
				t.Errorf("%s onto certificate %d: %v, want %s", tc.who, tc.id, err, tc.kind)
			}
		}
	})
}

func TestReadPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newFileEnv(t, st)
		e.registerCertificates()
		png := pngOf(t, marked(30, 30))
		certA := e.mustUpload("supplierA", png, "a.png", "certificate", 10)
		certB := e.mustUpload("supplierB", png, "b.png", "certificate", 20)
		looseA := e.mustUpload("supplierA", png, "loose.png", "", 0)
		looseInsp := e.mustUpload("inspector", png, "mine.png", "", 0)
		// A record type no module has registered yet: internal staff only.
		var ncr *store.File
		err := st.Update(e.as("inspector"), func(tx *store.Tx) error {
			ncr = &store.File{SHA256: certA.SHA256, Size: certA.Size, ContentType: "image/png", Name: "ncr.png", OwnerType: "ncr", OwnerID: 5}
			return tx.CreateFile(ncr)
		})
		if err != nil {
			t.Fatal(err)
		}
		internal := []string{"admin", "quality_manager", "inspector", "viewer", "auditor"}
		can := map[*store.File][]string{
			certA:     append([]string{"supplierA"}, internal...),
			certB:     append([]string{"supplierB"}, internal...),
			looseA:    append([]string{"supplierA"}, internal...),
			looseInsp: internal,
			ncr:       internal,
		}
		for f, allowed := range can {
			for who := range e.users {
				got, err := e.svc.File(e.as(who), f.ID)
				want := slices.Contains(allowed, who)
				switch {
				case want && (err != nil || got.ID != f.ID):
					t.Errorf("%s reading %s: %v", who, f.Name, err)
				case !want && (qms.ErrorKind(err) != qms.KindNotFound || qms.ErrorMessage(err) != "File not found"):
					t.Errorf("%s reading %s: %v, want not found", who, f.Name, err)
				}
			}
		}
		if _, err := e.svc.File(e.as("admin"), 999999); qms.ErrorMessage(err) != "File not found" {
			t.Errorf("a missing file: %v", err)
		}
		if _, err := e.svc.File(context.Background(), certA.ID); qms.ErrorKind(err) != qms.KindUnauthenticated {
			t.Errorf("no actor: %v", err)
		}

		// Voiding: quality managers only; the supplier loses access, staff keep it.
		if _, err := e.svc.Void(e.as("inspector"), certA.ID, "wrong file", 1); qms.ErrorKind(err) != qms.KindForbidden {
			t.Errorf("inspector voiding: %v", err)
		}
		if _, err := e.svc.Void(e.as("supplierB"), certA.ID, "wrong file", 1); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("another supplier voiding: %v", err)
		}
		v, err := e.svc.Void(e.as("quality_manager"), certA.ID, "scan of another factory's certificate", 1)
		if err != nil || v.VoidedAt == nil {
			t.Fatalf("void: %+v, %v", v, err)
		}
		if _, err := e.svc.File(e.as("supplierA"), certA.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("supplier reading its voided file: %v", err)
		}
		if _, err := e.svc.File(e.as("auditor"), certA.ID); err != nil {
			t.Errorf("auditor reading a voided file: %v", err)
		}
	})
}

// TestUploadToS3 runs an upload through the service onto the S3 store.
func TestUploadToS3(t *testing.T) {
	s3, err := NewS3(context.Background(), fakeS3(t))
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t, store.SQLite)
	e := newFileEnv(t, st)
	svc := NewService(st, s3, 0)
	photo := jpegOf(t, marked(400, 200), 8, binary.BigEndian)
	f, err := svc.Upload(e.as("inspector"), Upload{Name: "Ảnh lỗi.jpg", ContentType: "image/jpeg", Body: bytes.NewReader(photo)}, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 200 || f.Height != 400 || f.Name != "Ảnh lỗi.jpg" {
		t.Errorf("uploaded %+v", f)
	}
	for _, thumb := range []bool{false, true} {
		obj, err := svc.Open(context.Background(), f, thumb)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(obj)
		obj.Close()
		if sumOf(b) != map[bool]string{false: f.SHA256, true: f.ThumbSHA256}[thumb] {
			t.Errorf("thumb=%v: the content read back has another hash", thumb)
		}
	}
}
