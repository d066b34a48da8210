package qmsops_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"qms/internal/audit"
	"qms/internal/complaint"
	"qms/internal/mgmtreview"
	"qms/internal/objective"
	"qms/internal/qms"
	"qms/internal/qmsops"
	"qms/internal/report"
	"qms/internal/report/pdftest"
	"qms/internal/store"
	"qms/internal/store/storetest"
	"qms/internal/supplierops/opstest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func as(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.Actor{UserID: u.ID, Name: u.Name, Role: u.Role, SupplierID: u.SupplierID, Via: "session"})
}

func today() qms.Date { return qms.DateOf(time.Now().UTC()) }

func goodObjective() *objective.Objective {
	m := objective.MonthOf(today())
	return &objective.Objective{Title: "Lot acceptance", Metric: objective.LotAcceptance, Comparison: objective.AtLeast, Target: 97,
		Owner: "Lena Vogel", From: m, To: m}
}

// TestPermissions: internal users read, quality managers and
// administrators change, inspectors record complaints, only an
// administrator switches ISO 13485 mode, supplier users get nothing.
func TestPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		svc := &qmsops.Service{Store: st}
		qm, viewer, insp, admin, sup := as(w.Users[qms.RoleQualityManager]), as(w.Users[qms.RoleViewer]), as(w.Users[qms.RoleInspector]),
			as(w.Users[qms.RoleAdmin]), as(w.A.User)
		want := func(what string, err error, k qms.Kind) {
			t.Helper()
			if qms.ErrorKind(err) != k || (k != 0 && err == nil) {
				t.Errorf("%s: %v, want %v", what, err, k)
			}
		}
		o := goodObjective()
		want("viewer sets an objective", svc.CreateObjective(viewer, goodObjective()), qms.KindForbidden)
		want("inspector sets an objective", svc.CreateObjective(insp, goodObjective()), qms.KindForbidden)
		if err := svc.CreateObjective(qm, o); err != nil {
			t.Fatal(err)
		}
		if rs, err := svc.Objectives(viewer, true); err != nil || len(rs) != 1 || rs[0].Status != objective.NoData {
			t.Errorf("viewer reads objectives: %+v %v", rs, err)
		}
		_, err := svc.Objectives(sup, false)
		want("supplier reads objectives", err, qms.KindForbidden)
		_, err = svc.Objective(sup, o.ID)
		want("supplier reads an objective", err, qms.KindForbidden)
		_, err = svc.EvidenceMap(sup)
		want("supplier reads the evidence map", err, qms.KindForbidden)
		_, err = svc.Reviews(sup)
		want("supplier reads reviews", err, qms.KindForbidden)

		c := &complaint.Complaint{ReceivedOn: today(), Customer: "Müller Audio", ProductText: "BS-20", Description: "No sound"}
		want("viewer records a complaint", svc.CreateComplaint(viewer, c), qms.KindForbidden)
		want("supplier records a complaint", svc.CreateComplaint(sup, c), qms.KindForbidden)
		if err := svc.CreateComplaint(insp, c); err != nil {
			t.Fatalf("inspector records a complaint: %v", err)
		}
		_, err = svc.CloseComplaint(insp, c.ID, c.Version)
		want("inspector closes a complaint", err, qms.KindForbidden)

		r := &mgmtreview.Review{Title: "MR", HeldOn: today(), From: today().AddDate(0, -3, 0), To: today()}
		want("viewer prepares a review", svc.CreateReview(viewer, r), qms.KindForbidden)
		if err := svc.CreateReview(qm, r); err != nil {
			t.Fatal(err)
		}
		_, err = svc.SetISO13485Mode(qm, true, 0, "medical devices")
		want("quality manager switches the mode", err, qms.KindForbidden)
		_, err = svc.SetISO13485Mode(admin, true, 0, " ")
		want("mode without reason", err, qms.KindInvalid)
		set, err := svc.SetISO13485Mode(admin, true, 0, "medical devices")
		if err != nil || !set.ISO13485 {
			t.Fatalf("admin switches the mode: %+v %v", set, err)
		}
		var buf bytes.Buffer
		_, err = svc.AuditPack(viewer, &buf, qmsops.PackOptions{From: today().AddDate(-1, 0, 0), To: today()})
		want("viewer makes an audit pack", err, qms.KindForbidden)
		_, err = svc.AuditPack(qm, &buf, qmsops.PackOptions{From: today(), To: today().AddDate(0, 0, -1), Fonts: &report.Fonts{}})
		want("audit pack with a reversed period", err, qms.KindInvalid)
	})
}

// TestAuditPack: the pack holds the evidence map, the review's PDF and the
// audit trail; every manifest hash matches its file; the trail verifies
// offline, and fails once one byte of it is changed.
func TestAuditPack(t *testing.T) {
	pdftest.Require(t)
	fonts, err := report.LoadFonts("", nil)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := opstest.Build(t, st)
		svc := &qmsops.Service{Store: st}
		qm := as(w.Users[qms.RoleQualityManager])
		if err := svc.CreateObjective(qm, goodObjective()); err != nil {
			t.Fatal(err)
		}
		r := &mgmtreview.Review{Title: "Management review 2026", HeldOn: today(), From: today().AddDate(0, -6, 0), To: today(),
			Attendees: []mgmtreview.Attendee{{Name: "Lena Vogel", Role: "Quality manager"}, {Name: "王芳", Role: "总经理"}},
			Decisions: []string{"Audit supplier A again"}}
		if err := svc.CreateReview(qm, r); err != nil {
			t.Fatal(err)
		}
		if err := svc.AddAction(qm, &mgmtreview.Action{ReviewID: r.ID, Description: "Schedule the audit", Owner: "Lena Vogel", DueOn: today().AddDate(0, 1, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CloseReview(qm, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		man, err := svc.AuditPack(as(w.Users[qms.RoleAuditor]), &buf, qmsops.PackOptions{From: today().AddDate(-1, 0, 0), To: today(),
			MaxInspections: 10, Fonts: fonts, Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var got qmsops.Manifest
		if err := json.Unmarshal(files[qmsops.ManifestName], &got); err != nil {
			t.Fatalf("manifest: %v", err)
		}
		if len(got.Files) != len(files)-1 || len(got.Files) != len(man.Files) {
			t.Errorf("manifest lists %d files, the zip holds %d besides it", len(got.Files), len(files)-1)
		}
		for _, f := range got.Files {
			h := sha256.Sum256(files[f.Name])
			if hex.EncodeToString(h[:]) != f.SHA256 || len(files[f.Name]) != f.Bytes {
				t.Errorf("%s: hash or size does not match the manifest", f.Name)
			}
		}
		for _, name := range []string{"evidence-map.html", "evidence-map.json", "management-reviews/MR-0001.pdf", qmsops.AuditTrailName} {
			if len(files[name]) == 0 {
				t.Errorf("%s missing from the pack", name)
			}
		}
		if html := string(files["evidence-map.html"]); !strings.Contains(html, "Management review") || !strings.Contains(html, "Control of nonconforming outputs") {
			t.Errorf("evidence map HTML lacks the clauses")
		}
		text := pdftest.Text(t, files["management-reviews/MR-0001.pdf"])
		for _, s := range []string{"Management review 2026", "王芳", "Audit supplier A again", "Schedule the audit", "Quality objectives"} {
			if !strings.Contains(text, s) {
				t.Errorf("review PDF lacks %q", s)
			}
		}
		trail := files[qmsops.AuditTrailName]
		sum, err := audit.Verify(bytes.NewReader(trail))
		if err != nil || sum.Head != got.AuditHead || sum.Events == 0 {
			t.Fatalf("offline verification: %+v %v (manifest head %+v)", sum, err, got.AuditHead)
		}
		i := bytes.Index(trail, []byte("Schedule the audit"))
		if i < 0 {
			t.Fatal("the trail does not hold the action")
		}
		tampered := bytes.Clone(trail)
		tampered[i] = 's'
		if _, err := audit.Verify(bytes.NewReader(tampered)); err == nil {
			t.Error("a trail with one byte changed verifies")
		}
		h := sha256.Sum256(tampered)
		for _, f := range got.Files {
			if f.Name == qmsops.AuditTrailName && f.SHA256 == hex.EncodeToString(h[:]) {
				t.Error("the manifest hash matches the tampered trail")
			}
		}
	})
}
