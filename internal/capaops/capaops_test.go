package capaops_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"qms/internal/blob"
	"qms/internal/capa"
	"qms/internal/capaops"
	"qms/internal/capaops/capatest"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/inspectionops/insptest"
	"qms/internal/jobs"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func pngBytes(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		for y := range 30 {
			img.Set(x, y, color.RGBA{shade, uint8(x * 6), uint8(y * 8), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func count(t *testing.T, st *store.Store, q string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// upload prepares a file as ctx and attaches it to CAPA id as evidence.
func upload(ctx context.Context, files *blob.Service, ops *capaops.Service, id int64, name string, body []byte) (*store.File, error) {
	f, err := files.Prepare(ctx, blob.Upload{Name: name, Body: bytes.NewReader(body)})
	if err != nil {
		return nil, err
	}
	_, err = ops.AddEvidence(ctx, id, f)
	return f, err
}

// TestSCARThroughOperations runs a supplier corrective action request
// through the operations as the buyer and the supplier's user, with
// another supplier's user reaching for it at every step: it sees nothing
// (not found, like an id that does not exist), the supplier's own user
// sees its request without the buyer's internals and writes D3 to D7
// only, uploads evidence (a file that is not what it claims is refused),
// and the buyer closes it with a signature once two later inspections
// prove it (a wrong password writes nothing).
func TestSCARThroughOperations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops := w.CAPAs
		qm, a, b := w.As(qms.RoleQualityManager), w.SupplierA(), w.SupplierB()
		disk, err := blob.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		files := blob.NewService(st, disk, 1<<20)
		ops.RegisterFiles(files)

		n := w.NCR(t, w.PA)
		c := w.SCAR(t, w.PA, n.ID)
		cB := w.SCAR(t, w.PB, w.NCR(t, w.PB).ID)
		if err := ops.AddNote(qm, &capa.Note{CAPAID: c.ID, Stage: capa.D3, Text: "internal: their sort covered the factory only"}); err != nil {
			t.Fatal(err)
		}

		// Lists: each supplier its own requests only.
		rows, _, err := ops.List(a, store.CAPAFilter{})
		if err != nil || len(rows) != 1 || rows[0].ID != c.ID || len(rows[0].Sources) != 0 || rows[0].OwnerID != 0 {
			t.Fatalf("A's list: %+v %v", rows, err)
		}
		if rows[0].Current != capa.D0 || rows[0].Overdue == nil {
			t.Errorf("A's row ageing: %+v", rows[0])
		}
		if rows, _, err := ops.List(b, store.CAPAFilter{SupplierID: w.A.Supplier.ID}); err != nil || len(rows) != 0 {
			t.Errorf("B lists A's requests: %+v %v", rows, err)
		}
		if rows, _, err := ops.List(b, store.CAPAFilter{}); err != nil || len(rows) != 1 || rows[0].ID != cB.ID {
			t.Errorf("B's list: %+v %v", rows, err)
		}
		_, _, err = ops.List(b, store.CAPAFilter{NCRID: n.ID})
		capatest.WantKind(t, "B filters by NCR", err, qms.KindForbidden)
		if rows, _, err := ops.List(qm, store.CAPAFilter{NCRID: n.ID}); err != nil || len(rows) != 1 || rows[0].ID != c.ID {
			t.Errorf("buyer's list by NCR: %+v %v", rows, err)
		}

		// Reading: B finds nothing; A sees no notes, sources or signatures.
		_, errB := ops.Get(b, c.ID)
		_, errNone := ops.Get(qm, 999999)
		capatest.WantKind(t, "B reads A's request", errB, qms.KindNotFound)
		if qms.ErrorMessage(errB) != qms.ErrorMessage(errNone) {
			t.Errorf("not found differs: %q vs %q", qms.ErrorMessage(errB), qms.ErrorMessage(errNone))
		}
		d, err := ops.Get(a, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Notes) != 0 || len(d.CAPA.Sources) != 0 || d.CAPA.OwnerID != 0 || d.CAPA.CreatedBy != "" {
			t.Errorf("A sees the buyer's internals: %+v", d)
		}
		if d, err := ops.Get(qm, c.ID); err != nil || len(d.Notes) != 1 || len(d.CAPA.Sources) != 1 {
			t.Errorf("the buyer's view: %+v %v", d, err)
		}
		_, err = ops.Notes(a, c.ID)
		capatest.WantKind(t, "A reads internal notes", err, qms.KindForbidden)
		_, err = ops.Notes(b, c.ID)
		capatest.WantKind(t, "B reads A's notes", err, qms.KindNotFound)
		capatest.WantKind(t, "A writes a note", ops.AddNote(a, &capa.Note{CAPAID: c.ID, Text: "x"}), qms.KindForbidden)
		capatest.WantKind(t, "B writes a note on A's", ops.AddNote(b, &capa.Note{CAPAID: c.ID, Text: "x"}), qms.KindNotFound)

		// Writing: B cannot touch A's request; A writes D3 to D7 only.
		r := capatest.Report(qms.DateOf(st.Now()))
		events := w.AuditCount(t)
		_, err = ops.SaveStage(b, c.ID, c.Version, &r.D3)
		capatest.WantKind(t, "B answers A's request", err, qms.KindNotFound)
		_, err = ops.SubmitStage(b, c.ID, c.Version, capa.D3)
		capatest.WantKind(t, "B submits A's request", err, qms.KindNotFound)
		_, err = ops.SaveStage(a, c.ID, c.Version, &r.D2)
		capatest.WantKind(t, "A writes D2", err, qms.KindForbidden)
		_, err = ops.ReviewStage(a, c.ID, c.Version, capa.D3, capa.StageAccepted, "")
		capatest.WantKind(t, "A reviews", err, qms.KindForbidden)
		_, err = ops.SetDue(a, c.ID, c.Version, capa.D3, c.OpenedOn.AddDate(0, 0, 30), "more time")
		capatest.WantKind(t, "A moves a due date", err, qms.KindForbidden)
		_, err = ops.Move(b, c.ID, c.Version, capa.MoveCancel, "x")
		capatest.WantKind(t, "B cancels A's request", err, qms.KindNotFound)
		if got := w.AuditCount(t); got != events {
			t.Fatalf("refused changes wrote %d audit events", got-events)
		}

		// Evidence: a file that is not what it claims is refused; A's file
		// is A's; B neither uploads onto A's request nor reads A's file.
		_, err = upload(a, files, ops, c.ID, "photo.png", []byte("MZ\x90\x00 this is not a picture, it is a program"))
		capatest.WantKind(t, "a program named photo.png", err, qms.KindInvalid)
		_, err = upload(b, files, ops, c.ID, "b.png", pngBytes(t, 9))
		capatest.WantKind(t, "B uploads onto A's request", err, qms.KindNotFound)
		fa, err := upload(a, files, ops, c.ID, "soldering-iron-check.png", pngBytes(t, 1))
		if err != nil {
			t.Fatalf("A uploads evidence: %v", err)
		}
		fb, err := upload(b, files, ops, cB.ID, "stitching.png", pngBytes(t, 2))
		if err != nil {
			t.Fatalf("B uploads evidence: %v", err)
		}
		if _, err := files.File(a, fa.ID); err != nil {
			t.Errorf("A reads its evidence: %v", err)
		}
		_, err = files.File(b, fa.ID)
		capatest.WantKind(t, "B reads A's evidence", err, qms.KindNotFound)
		_, err = ops.Evidence(b, c.ID)
		capatest.WantKind(t, "B lists A's evidence", err, qms.KindNotFound)
		if ev, err := ops.Evidence(a, c.ID); err != nil || len(ev) != 1 || ev[0].ID != fa.ID {
			t.Errorf("A's evidence: %+v %v", ev, err)
		}
		// D6 may name only evidence of this request.
		bad := r.D6
		bad.Items = []capa.Implemented{{Action: 1, DoneOn: r.D6.Items[0].DoneOn, Evidence: "see photo", Files: []int64{fb.ID}}, r.D6.Items[1]}
		_, err = ops.SaveStage(a, c.ID, w.GetCAPA(t, c.ID).Version, &bad)
		capatest.WantKind(t, "D6 naming B's file", err, qms.KindInvalid)

		// D3 returned with a comment, then the whole 8D.
		c2, err := ops.SaveStage(a, c.ID, w.GetCAPA(t, c.ID).Version, &r.D3)
		if err != nil {
			t.Fatal(err)
		}
		if c2.OwnerID != 0 || len(c2.Sources) != 0 {
			t.Errorf("SaveStage answers the supplier with the buyer's internals: %+v", c2)
		}
		if _, err := ops.SubmitStage(a, c.ID, c2.Version, capa.D3); err != nil {
			t.Fatal(err)
		}
		_, err = ops.ReviewStage(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.D3, capa.StageReturned, "")
		capatest.WantKind(t, "return without a comment", err, qms.KindInvalid)
		if _, err := ops.ReviewStage(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.D3, capa.StageReturned, "Please also sort the stock in transit"); err != nil {
			t.Fatal(err)
		}
		r.D6.Items[0].Files = []int64{fa.ID}
		c = w.Verifying(t, a, c, 5, &r)
		if c.Stage(capa.D3).State != capa.StageAccepted || c.Status != capa.StatusVerifying {
			t.Fatalf("%+v", c.Stages)
		}

		// Closing: supplier users may not; a wrong password writes
		// nothing; the criterion must pass first.
		_, _, err = ops.Close(a, c.ID, c.Version, capa.CloseInput{}, capatest.Password, "")
		capatest.WantKind(t, "A closes", err, qms.KindForbidden)
		_, _, err = ops.Close(b, c.ID, c.Version, capa.CloseInput{}, capatest.Password, "")
		capatest.WantKind(t, "B closes A's request", err, qms.KindNotFound)
		events = w.AuditCount(t)
		_, _, err = ops.Close(qm, c.ID, c.Version, capa.CloseInput{}, "wrong password", "")
		capatest.WantKind(t, "close with a wrong password", err, qms.KindInvalid)
		if qms.ErrorFields(err)["password"] == "" {
			t.Errorf("wrong password: %v", err)
		}
		_, _, err = ops.Close(qm, c.ID, c.Version, capa.CloseInput{}, capatest.Password, "")
		capatest.WantKind(t, "close before the criterion passes", err, qms.KindConflict)
		if got := w.AuditCount(t); got != events || count(t, st, "SELECT COUNT(*) FROM signatures") != 0 {
			t.Fatalf("refused closes wrote %d audit events", got-events)
		}
		for range 2 {
			in := w.Submitted(t, st, w.PA)
			w.Decide(t, st, in.ID, inspection.Decision{Kind: inspection.DecideRelease})
		}
		if cur := w.GetCAPA(t, c.ID); cur.Evaluation == nil || cur.Evaluation.Outcome != capa.OutcomePass {
			t.Fatalf("evaluation after two clean lots: %+v", cur.Evaluation)
		}
		c, sig, err := ops.Close(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.CloseInput{}, capatest.Password, "effective")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != capa.StatusClosed || sig.RecordType != esign.CAPAClosure || c.Closure.SignatureID != sig.ID {
			t.Fatalf("%+v %+v", c, sig)
		}
		if d, err := ops.Get(qm, c.ID); err != nil || len(d.Signatures) != 1 || d.Signatures[0].Status != esign.StatusValid {
			t.Errorf("closure signature on the CAPA: %+v %v", d, err)
		}
		if d, err := ops.Get(a, c.ID); err != nil || len(d.Signatures) != 0 || d.CAPA.Closure == nil || d.CAPA.Closure.ByID != 0 {
			t.Errorf("A's view of the closure: %+v %v", d, err)
		}
	})
}

// TestCAPACloseWithOverride closes an internal CAPA whose criterion has
// not passed with a quality manager's signed override: a reason is
// required; an inspector may not close.
func TestCAPACloseWithOverride(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		ops := w.CAPAs
		qm, insp := w.As(qms.RoleQualityManager), w.As(qms.RoleInspector)
		n := w.NCR(t, w.PB)
		u := w.Users[qms.RoleQualityManager]
		c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "Broken stitches", Severity: inspection.Major,
			SupplierID: w.B.Supplier.ID, ProductID: w.PB.Product.ID, OwnerID: u.ID, Owner: u.Name,
			Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: n.ID}}}
		capatest.WantKind(t, "a supplier opens", ops.Open(w.SupplierB(), c), qms.KindForbidden)
		capatest.WantKind(t, "a viewer opens", ops.Open(w.As(qms.RoleViewer), c), qms.KindForbidden)
		if err := ops.Open(insp, c); err != nil {
			t.Fatal(err)
		}
		_, err := ops.Get(w.SupplierB(), c.ID)
		capatest.WantKind(t, "B reads an internal CAPA about B", err, qms.KindNotFound)
		c = w.Verifying(t, insp, c, 0, nil)
		_, _, err = ops.Close(insp, c.ID, c.Version, capa.CloseInput{Override: true, Reason: "x"}, capatest.Password, "")
		capatest.WantKind(t, "an inspector closes", err, qms.KindForbidden)
		_, _, err = ops.Close(qm, c.ID, c.Version, capa.CloseInput{Override: true}, capatest.Password, "")
		capatest.WantKind(t, "override without a reason", err, qms.KindInvalid)
		c, sig, err := ops.Close(qm, c.ID, c.Version, capa.CloseInput{Override: true, Reason: "product discontinued; no more lots"}, capatest.Password, "")
		if err != nil {
			t.Fatal(err)
		}
		if !c.Closure.Override || c.Closure.OverrideReason == "" || sig == nil || c.Closure.Outcome == capa.OutcomePass {
			t.Errorf("%+v", c.Closure)
		}
		if k, err := st.VerifySignatures(context.Background()); err != nil || k != 1 {
			t.Errorf("VerifySignatures %d %v", k, err)
		}
	})
}

// TestJobsHandled runs every NCR and CAPA job kind the store enqueued for
// a supplier request through its handler: each publishes its
// notification, a reminder is published once however often its job runs,
// and a job whose stage was accepted or whose due date moved tells
// nothing.
func TestJobsHandled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		qm := w.As(qms.RoleQualityManager)
		n := w.Contain(t, w.NCR(t, w.PA).ID)
		c := w.SCAR(t, w.PA, n.ID)
		if _, err := w.CAPAs.SetDue(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.D5, c.OpenedOn.AddDate(0, 0, 45), "supplier holiday"); err != nil {
			t.Fatal(err)
		}
		r := capatest.Report(c.OpenedOn)
		w.Answer(t, qm, c.ID, &r.D0)

		handlers := capaops.Handlers(st)
		kinds := []string{"ncr.event", "ncr.action_overdue", "capa.event", "capa.stage_reminder", "capa.stage_overdue", "capa.stage_escalate"}
		ran := map[string]int{}
		for _, kind := range kinds {
			h := handlers[kind]
			if h == nil {
				t.Fatalf("no handler for %s", kind)
			}
			jobs, err := st.ListJobs(context.Background(), store.JobFilter{Kind: kind, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for i := range jobs {
				if err := h(context.Background(), &jobs[i]); err != nil {
					t.Fatalf("%s job %d: %v", kind, jobs[i].ID, err)
				}
				ran[kind]++
			}
		}
		for _, kind := range kinds {
			if ran[kind] == 0 {
				t.Errorf("no %s job was enqueued", kind)
			}
		}
		// Each kind published its events.
		for typ, min := range map[string]int{"ncr.raised": 1, "ncr.action_overdue": 0, "capa.opened": 1, "capa.stage_accepted": 1,
			"capa.stage_due_soon": 1, "capa.stage_overdue": 1, "capa.stage_escalated": 1} {
			if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE type = '"+typ+"'"); got < min {
				t.Errorf("%s: %d events", typ, got)
			}
		}
		// The action was done before it was due: no overdue notice.
		if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE type = 'ncr.action_overdue'"); got != 0 {
			t.Errorf("overdue notice for a done action: %d", got)
		}
		// D0 was accepted: its reminder tells nothing; D5 moved: the old
		// date's jobs tell nothing, the new date's do.
		if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE type = 'capa.stage_overdue' AND subject LIKE '%D0%'"); got != 0 {
			t.Errorf("overdue notice for an accepted stage: %d", got)
		}
		newDue := c.OpenedOn.AddDate(0, 0, 45).String()
		if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE type = 'capa.stage_overdue' AND event_key LIKE '%:D5:%'"); got != 1 {
			t.Errorf("D5 overdue notices: %d, want 1 (for %s only)", got, newDue)
		}
		if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE event_key LIKE '%:D5:"+newDue+":overdue'"); got != 1 {
			t.Errorf("D5 overdue notice for the new date: %d", got)
		}
		// Run every reminder again: nothing new is published.
		before := count(t, st, "SELECT COUNT(*) FROM notification_events")
		notes := count(t, st, "SELECT COUNT(*) FROM notifications")
		jobs, err := st.ListJobs(context.Background(), store.JobFilter{Kind: "capa.stage_reminder", Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for i := range jobs {
			if err := handlers["capa.stage_reminder"](context.Background(), &jobs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if count(t, st, "SELECT COUNT(*) FROM notification_events") != before || count(t, st, "SELECT COUNT(*) FROM notifications") != notes {
			t.Error("a reminder was published twice")
		}
		// The supplier's users hear of the stages they answer; the
		// buyer's internal events do not reach them.
		aUser := fmt.Sprint(w.A.User.ID)
		if got := count(t, st, `SELECT COUNT(*) FROM notifications nt JOIN notification_events e ON e.id = nt.event_id
			WHERE nt.user_id = `+aUser+` AND e.type = 'scar.stage_due_soon' AND e.subject LIKE '%D3%' AND e.link = '/portal/scars/`+fmt.Sprint(c.ID)+`'`); got != 1 {
			t.Errorf("A's user reminders of D3: %d", got)
		}
		if got := count(t, st, `SELECT COUNT(*) FROM notifications nt JOIN notification_events e ON e.id = nt.event_id
			WHERE nt.user_id = `+aUser+` AND e.type NOT LIKE 'scar.%'`); got != 0 {
			t.Errorf("A's user told of internal events: %d", got)
		}
		if got := count(t, st, `SELECT COUNT(*) FROM notifications WHERE user_id = `+fmt.Sprint(w.B.User.ID)); got != 0 {
			t.Errorf("B's user told of A's request: %d", got)
		}
		// The daily evaluation runs.
		if err := handlers[capaops.KindEvaluateDue](insptest.System, &store.Job{Kind: capaops.KindEvaluateDue}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(capaops.Link(c.ID), "/capas/") {
			t.Error(capaops.Link(c.ID))
		}
	})
}

// TestRegisteredJobsRun runs a job runner with RegisterJobs: the NCR and
// CAPA events of a raised NCR and an opened request, and the day's
// criteria evaluation the scheduler enqueues, all run to done (none fails
// as an unknown kind).
func TestRegisteredJobsRun(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		n := w.NCR(t, w.PA)
		w.SCAR(t, w.PA, n.ID)
		r := jobs.NewRunner(st, nil, 2)
		r.Poll = 20 * time.Millisecond
		capaops.RegisterJobs(r, st)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		kinds := []string{"ncr.event", "capa.event", capaops.KindEvaluateDue}
		deadline := time.Now().Add(2 * time.Minute) // a bound on waiting, not a timing assertion
		for {
			pending := 0
			for _, k := range kinds {
				js, err := st.ListJobs(context.Background(), store.JobFilter{Kind: k, Limit: 500})
				if err != nil {
					t.Fatal(err)
				}
				if len(js) == 0 {
					pending++
				}
				for _, j := range js {
					switch j.Status {
					case store.JobFailed:
						t.Fatalf("%s job %d failed: %s", k, j.ID, j.LastError)
					case store.JobDone:
					default:
						if j.LastError != "" {
							t.Fatalf("%s job %d: %s", k, j.ID, j.LastError)
						}
						pending++
					}
				}
			}
			if pending == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d jobs still pending", pending)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := count(t, st, "SELECT COUNT(*) FROM notification_events WHERE type IN ('ncr.raised', 'capa.opened', 'scar.opened')"); got != 3 {
			t.Errorf("published events: %d, want ncr.raised, capa.opened and scar.opened", got)
		}
	})
}

// TestCAPAWithOpenActions: a CAPA whose containment action is still open
// does not move to verification (and so cannot close); nothing is
// written.
func TestCAPAWithOpenActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := capatest.Build(t, st)
		qm := w.As(qms.RoleQualityManager)
		c := w.SCAR(t, w.PA, w.NCR(t, w.PA).ID)
		r := capatest.Report(c.OpenedOn)
		r.D3.Actions = append(r.D3.Actions, capa.InterimAction{Description: "Recall stock from the Rotterdam DC", Owner: "Logistics", DueOn: c.OpenedOn.AddDate(0, 0, 5)})
		if _, err := w.CAPAs.SetCriterion(qm, c.ID, c.Version, capa.Criterion{MaxDefective: 1, PerUnits: 1000, Inspections: 2}, ""); err != nil {
			t.Fatal(err)
		}
		for _, x := range []capa.Content{&r.D0, &r.D1, &r.D2} {
			w.Answer(t, qm, c.ID, x)
		}
		for _, x := range []capa.Content{&r.D3, &r.D4, &r.D5, &r.D6, &r.D7} {
			w.Answer(t, w.SupplierA(), c.ID, x)
		}
		events := w.AuditCount(t)
		_, err := w.CAPAs.Move(qm, c.ID, w.GetCAPA(t, c.ID).Version, capa.MoveVerify, "")
		capatest.WantKind(t, "verify with an open containment action", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "Rotterdam") || w.AuditCount(t) != events {
			t.Errorf("%v; %d audit events written", err, w.AuditCount(t)-events)
		}
	})
}
