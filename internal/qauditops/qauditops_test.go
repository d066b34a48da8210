package qauditops_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"qms/internal/blob"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for x := range 32 {
		img.Set(x, x%24, color.RGBA{200, uint8(x * 7), 40, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func wantKind(t *testing.T, what string, err error, k qms.Kind) {
	t.Helper()
	if qms.ErrorKind(err) != k {
		t.Errorf("%s: kind %v, want %v: %v", what, qms.ErrorKind(err), k, err)
	}
}

// TestSupplierAuditThroughOperations runs a supplier audit of supplier A
// through the operations: the answer photo is checked (a file that is not
// an image is refused, nothing written), supplier users see nothing while
// it runs, A's user sees its issued report without the buyer's NCR link,
// B's user sees nothing of it, and internal audits stay hidden from
// suppliers.
func TestSupplierAuditThroughOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files := blob.NewService(st, disk, 1<<20)
		ops := &qauditops.Service{Store: st, Files: files}
		ops.RegisterFiles(files)
		qm, auditor, inspector := as(w.Users[qms.RoleQualityManager]), as(w.Users[qms.RoleAuditor]), as(w.Users[qms.RoleInspector])
		supA, supB := as(w.A.User), as(w.B.User)

		a := &qaudit.QualityAudit{Type: qaudit.TypeSupplier, Title: "Factory audit", Scope: "Plant", TemplateKey: qaudit.KeyFactory,
			SupplierID: w.A.Supplier.ID, LeadID: w.Users[qms.RoleAuditor].ID, Team: []qaudit.TeamMember{{ID: w.Users[qms.RoleInspector].ID}},
			PlannedStart: opstest.Day(0)}
		wantKind(t, "supplier plans", ops.Plan(supA, a), qms.KindNotFound)
		if err := ops.Plan(qm, a); err != nil {
			t.Fatal(err)
		}
		internal := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "9001 internal", Scope: "All", TemplateKey: qaudit.KeyISO9001,
			LeadID: w.Users[qms.RoleAuditor].ID, PlannedStart: opstest.Day(0)}
		if err := ops.Plan(qm, internal); err != nil {
			t.Fatal(err)
		}
		if _, err := ops.Start(auditor, a.ID, a.Version); err != nil {
			t.Fatal(err)
		}
		_, err = ops.Get(supA, a.ID)
		wantKind(t, "supplier reads its running audit", err, qms.KindNotFound)

		// A photo that is not what it claims: refused, nothing written.
		// Photos are taken by team members who upload files (not the
		// read-only auditor role).
		_, err = ops.Answer(auditor, a.ID, 1, qaudit.Answer{Grade: qaudit.GradeConform}, &blob.Upload{Name: "a.png", Body: bytes.NewReader(pngBytes(t))})
		wantKind(t, "auditor role uploads", err, qms.KindForbidden)
		_, err = ops.Answer(inspector, a.ID, 1, qaudit.Answer{Grade: qaudit.GradeConform},
			&blob.Upload{Name: "gauge.jpg", ContentType: "image/jpeg", Body: bytes.NewReader([]byte("%PDF-1.4 not a photo"))})
		wantKind(t, "a PDF named .jpg", err, qms.KindInvalid)
		v, _ := ops.Get(qm, a.ID)
		if v.Questions[0].Grade != "" || len(v.Questions[0].Photos) != 0 {
			t.Fatalf("refused answer written: %+v", v.Questions[0])
		}
		q, err := ops.Answer(inspector, a.ID, 2, qaudit.Answer{Grade: qaudit.GradeMajor, Evidence: "No IQC records for February"},
			&blob.Upload{Name: "iqc-shelf.png", Body: bytes.NewReader(pngBytes(t))})
		if err != nil || len(q.Photos) != 1 {
			t.Fatalf("answer with photo: %+v %v", q, err)
		}
		// A second answer without photos keeps the photo taken.
		if q, err = ops.Answer(auditor, a.ID, 2, qaudit.Answer{Grade: qaudit.GradeMajor, Evidence: "No IQC records for February or March"}, nil); err != nil || len(q.Photos) != 1 {
			t.Fatalf("re-answer: %+v %v", q, err)
		}
		for _, qq := range v.Questions {
			if qq.Line == 2 {
				continue
			}
			if _, err := ops.Answer(auditor, a.ID, qq.Line, qaudit.Answer{Grade: qaudit.GradeConform}, nil); err != nil {
				t.Fatal(err)
			}
		}
		v, _ = ops.Get(qm, a.ID)
		if _, err := ops.Complete(auditor, a.ID, v.Audit.Version, "Incoming control needs work."); err != nil {
			t.Fatal(err)
		}
		v, _ = ops.Get(qm, a.ID)
		if _, err := ops.RaiseNCR(qm, v.Findings[0].ID, v.Findings[0].Version); err != nil {
			t.Fatal(err)
		}

		// Supplier A sees its issued report, without the NCR; B nothing.
		va, err := ops.Get(supA, a.ID)
		if err != nil || va.Findings[0].NCRID != 0 || va.CanConduct || va.CanManage || len(va.Questions) != len(v.Questions) {
			t.Fatalf("A's view: %+v %v", va, err)
		}
		photo := va.Questions[1].Photos[0]
		f, err := files.File(supA, photo)
		if err != nil || f.OwnerID != a.ID {
			t.Errorf("A reads the photo of its audit: %v", err)
		}
		_, err = files.File(supB, photo)
		wantKind(t, "B reads A's audit photo", err, qms.KindNotFound)
		_, err = ops.Get(supB, a.ID)
		wantKind(t, "B reads A's audit", err, qms.KindNotFound)
		_, err = ops.Get(supA, internal.ID)
		wantKind(t, "A reads an internal audit", err, qms.KindNotFound)
		rows, _, err := ops.List(supA, qauditops.Filter{})
		if err != nil || len(rows) != 1 || rows[0].ID != a.ID {
			t.Errorf("A's list %+v %v", rows, err)
		}
		if rows, _, err := ops.List(supB, qauditops.Filter{SupplierID: w.A.Supplier.ID}); err != nil || len(rows) != 0 {
			t.Errorf("B's list %+v %v", rows, err)
		}
		_, err = ops.Programmes(supA)
		wantKind(t, "supplier reads programmes", err, qms.KindNotFound)
		_, err = ops.Findings(supA, store.FindingFilter{})
		wantKind(t, "supplier lists findings", err, qms.KindNotFound)
	})
}

// TestDailyFindingReminders: an open nonconformity is reminded of once
// when due within a week and reported once when overdue, to the quality
// managers and the lead auditor; findings due later are left alone.
func TestDailyFindingReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		ops := &qauditops.Service{Store: st}
		qm, auditor := as(w.Users[qms.RoleQualityManager]), as(w.Users[qms.RoleAuditor])
		a := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Calibration", Scope: "Gauges", TemplateKey: qaudit.KeyFactory,
			LeadID: w.Users[qms.RoleAuditor].ID, PlannedStart: opstest.Day(0)}
		if err := ops.Plan(qm, a); err != nil {
			t.Fatal(err)
		}
		started, err := ops.Start(auditor, a.ID, a.Version)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := ops.Get(qm, a.ID)
		for _, q := range v.Questions {
			ans := qaudit.Answer{Grade: qaudit.GradeConform}
			if q.Line == 1 {
				ans = qaudit.Answer{Grade: qaudit.GradeMinor, Evidence: "Gauge G-3 overdue"}
			}
			if _, err := ops.Answer(auditor, a.ID, q.Line, ans, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := ops.Complete(auditor, a.ID, started.Version, "ok"); err != nil {
			t.Fatal(err)
		}
		events := func(typ string) int {
			t.Helper()
			var n int
			q := "SELECT COUNT(*) FROM notification_events WHERE type = ?"
			if st.Dialect() == store.Postgres {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if err := st.DB().QueryRow(q, typ).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n, err := qauditops.Daily(context.Background(), st); err != nil || n != 0 {
			t.Fatalf("a finding due in 90 days: %d published, %v", n, err)
		}
		v, _ = ops.Get(qm, a.ID)
		f := v.Findings[0]
		if _, err := ops.SetDue(qm, f.ID, f.Version, opstest.Day(3), "agreed with the lab"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := qauditops.Daily(context.Background(), st); err != nil {
				t.Fatal(err)
			}
		}
		if events(qauditops.EventFindingDueSoon) != 1 || events(qauditops.EventFindingOverdue) != 0 {
			t.Fatalf("due soon: %d reminders, %d overdue", events(qauditops.EventFindingDueSoon), events(qauditops.EventFindingOverdue))
		}
		q := "UPDATE audit_findings SET due_on = ? WHERE id = ?"
		if st.Dialect() == store.Postgres {
			q = "UPDATE audit_findings SET due_on = $1 WHERE id = $2"
		}
		if _, err := st.DB().Exec(q, opstest.Day(-2).String(), f.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := qauditops.Daily(context.Background(), st); err != nil || n != 1 || events(qauditops.EventFindingOverdue) != 1 {
			t.Fatalf("overdue: %d published, %v", n, err)
		}
		var users int
		if err := st.DB().QueryRow("SELECT COUNT(DISTINCT user_id) FROM notifications").Scan(&users); err != nil || users < 2 {
			t.Errorf("%d users told (the quality manager and the lead auditor): %v", users, err)
		}
	})
}
