package store_test

import (
	"context"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

var (
	fileSum  = strings.Repeat("ab", 32)
	thumbSum = strings.Repeat("cd", 32)
)

// as returns a context acting as u.
func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

func createFile(t *testing.T, s *store.Store, ctx context.Context, f *store.File) *store.File {
	t.Helper()
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateFile(f) }); err != nil {
		t.Fatal(err)
	}
	return f
}

func readFile(t *testing.T, s *store.Store, id int64) *store.File {
	t.Helper()
	var f *store.File
	if err := s.View(context.Background(), func(tx *store.Tx) (err error) { f, err = tx.File(id); return err }); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		insp := createUser(t, s, "ines@example.com", "Inès Inspector", qms.RoleInspector)
		ctx := as(insp)
		events := auditCount(t, s)

		name := "检验报告 Nhà máy Bình Dương.jpg"
		f := createFile(t, s, ctx, &store.File{SHA256: fileSum, Size: 12345, ContentType: "image/jpeg", Name: name,
			Width: 3000, Height: 4000, ThumbSHA256: thumbSum, OwnerType: "inspection", OwnerID: 9})
		if f.ID == 0 || f.UploadedBy != insp.ID || f.Version != 1 || f.CreatedAt.IsZero() {
			t.Fatalf("created %+v", f)
		}
		got := readFile(t, s, f.ID)
		if got.Name != name || got.SHA256 != fileSum || got.ThumbSHA256 != thumbSum || got.Width != 3000 || got.Height != 4000 ||
			got.OwnerType != "inspection" || got.OwnerID != 9 || got.UploadedBy != insp.ID || !got.CreatedAt.Equal(f.CreatedAt) {
			t.Fatalf("read back %+v, created %+v", got, f)
		}
		if n := auditCount(t, s); n != events+1 {
			t.Fatalf("audit events %d -> %d", events, n)
		}
		ev := lastAudit(t, s)
		if ev.EntityType != "file" || ev.Action != qms.ActionCreate || ev.ActorID != insp.ID || !strings.Contains(string(ev.After), "检验报告") {
			t.Errorf("audit event %+v", ev)
		}

		// A second upload of the same content is its own record; unattached.
		pdf := createFile(t, s, ctx, &store.File{SHA256: fileSum, Size: 12345, ContentType: "application/pdf", Name: "copy.pdf"})
		var list []store.File
		err := s.View(ctx, func(tx *store.Tx) (err error) { list, err = tx.FilesOf("inspection", 9); return err })
		if err != nil || len(list) != 1 || list[0].ID != f.ID {
			t.Fatalf("FilesOf = %v, %v", list, err)
		}
		if pdf.Attached() || pdf.OwnerID != 0 {
			t.Errorf("unattached file %+v", pdf)
		}

		// A file uploaded by the system has no uploader.
		sys := createFile(t, s, qms.WithActor(context.Background(), qms.System), &store.File{SHA256: fileSum, Size: 1, ContentType: "image/png", Name: "demo.png"})
		if readFile(t, s, sys.ID).UploadedBy != 0 {
			t.Error("a system upload has an uploader")
		}

		if err := s.View(ctx, func(tx *store.Tx) error { _, err := tx.File(999999); return err }); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("missing file: %v", err)
		}
	})
}

func TestFileValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := as(createUser(t, s, "q@example.com", "Quinn", qms.RoleQualityManager))
		events := auditCount(t, s)
		ok := store.File{SHA256: fileSum, Size: 1, ContentType: "image/png", Name: "a.png"}
		for field, mutate := range map[string]func(f *store.File){
			"sha256":        func(f *store.File) { f.SHA256 = "../../etc/passwd" },
			"thumb_sha256":  func(f *store.File) { f.ThumbSHA256 = strings.ToUpper(thumbSum) },
			"size":          func(f *store.File) { f.Size = 0 },
			"content_type":  func(f *store.File) { f.ContentType = "" },
			"original_name": func(f *store.File) { f.Name = strings.Repeat("名", store.MaxFileNameLen+1) },
			"owner_type":    func(f *store.File) { f.OwnerType = "Robert'); DROP TABLE files;--"; f.OwnerID = 1 },
			"owner_id":      func(f *store.File) { f.OwnerType = "certificate" },
		} {
			f := ok
			mutate(&f)
			err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateFile(&f) })
			if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)[field] == "" {
				t.Errorf("%s: %v", field, err)
			}
		}
		f := ok
		f.OwnerID = 5 // an id without a type
		if err := s.Update(ctx, func(tx *store.Tx) error { return tx.CreateFile(&f) }); qms.ErrorFields(err)["owner_type"] == "" {
			t.Errorf("owner id without a type: %v", err)
		}
		if n := auditCount(t, s); n != events {
			t.Errorf("refused files wrote %d audit events", n-events)
		}
	})
}

func TestAttachFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		alice := createUser(t, s, "alice@factory-a.example", "Alice (supplier)", qms.RoleSupplier)
		bob := createUser(t, s, "bob@factory-b.example", "Bob (supplier)", qms.RoleSupplier)
		qm := createUser(t, s, "qm@example.com", "Quinn QM", qms.RoleQualityManager)
		upload := func(ctx context.Context) *store.File {
			return createFile(t, s, ctx, &store.File{SHA256: fileSum, Size: 10, ContentType: "application/pdf", Name: "cert.pdf"})
		}
		attach := func(ctx context.Context, id int64, typ string, owner int64) (*store.File, error) {
			var f *store.File
			err := s.Update(ctx, func(tx *store.Tx) (err error) { f, err = tx.AttachFile(id, typ, owner); return err })
			return f, err
		}

		mine := upload(as(alice))
		// Another supplier user cannot claim it by its id.
		if _, err := attach(as(bob), mine.ID, "certificate", 3); qms.ErrorKind(err) != qms.KindNotFound {
			t.Fatalf("bob attached alice's upload: %v", err)
		}
		events := auditCount(t, s)
		f, err := attach(as(alice), mine.ID, "certificate", 3)
		if err != nil || f.OwnerType != "certificate" || f.OwnerID != 3 || f.Version != 2 {
			t.Fatalf("attach = %+v, %v", f, err)
		}
		if n := auditCount(t, s); n != events+1 || lastAudit(t, s).Action != qms.ActionUpdate {
			t.Errorf("attaching wrote %d audit events", n-events)
		}
		// Again to the same record: nothing changes.
		if f, err := attach(as(alice), mine.ID, "certificate", 3); err != nil || f.Version != 2 {
			t.Errorf("attach again = %+v, %v", f, err)
		}
		// Never to another record.
		if _, err := attach(as(qm), mine.ID, "certificate", 4); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("moved to another record: %v", err)
		}
		// Internal staff may attach anyone's upload.
		theirs := upload(as(bob))
		if _, err := attach(as(qm), theirs.ID, "inspection", 8); err != nil {
			t.Errorf("quality manager attaching: %v", err)
		}
		if _, err := attach(as(qm), upload(as(qm)).ID, "", 0); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("attach without an owner: %v", err)
		}
	})
}

func TestVoidFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		qm := createUser(t, s, "qm@example.com", "Quinn QM", qms.RoleQualityManager)
		ctx := as(qm)
		f := createFile(t, s, ctx, &store.File{SHA256: fileSum, Size: 10, ContentType: "image/png", Name: "wrong supplier.png"})
		void := func(reason string, version int64) (*store.File, error) {
			var out *store.File
			err := s.Update(ctx, func(tx *store.Tx) (err error) { out, err = tx.VoidFile(f.ID, reason, version); return err })
			return out, err
		}
		if _, err := void("  ", 1); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("void without a reason: %v", err)
		}
		if _, err := void("uploaded to the wrong supplier", 7); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("stale version: %v", err)
		}
		events := auditCount(t, s)
		v, err := void("上传错了供应商", 1)
		if err != nil || v.VoidedAt == nil || v.VoidReason != "上传错了供应商" || v.Version != 2 {
			t.Fatalf("void = %+v, %v", v, err)
		}
		ev := lastAudit(t, s)
		if auditCount(t, s) != events+1 || ev.Action != qms.ActionVoid || ev.Reason != "上传错了供应商" {
			t.Errorf("void audit event %+v", ev)
		}
		if _, err := void("again", 2); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("void twice: %v", err)
		}
		// Still there, marked void.
		if got := readFile(t, s, f.ID); got.VoidedAt == nil || got.SHA256 != fileSum {
			t.Errorf("after void: %+v", got)
		}
	})
}

func lastAudit(t *testing.T, s *store.Store) qms.AuditEvent {
	t.Helper()
	var last qms.AuditEvent
	if _, _, err := s.WalkAudit(context.Background(), func(e *qms.AuditEvent) error { last = *e; return nil }); err != nil {
		t.Fatal(err)
	}
	return last
}
