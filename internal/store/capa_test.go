package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/esign"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// newUser creates a user and returns it.
func newUser(t *testing.T, s *store.Store, email, name string, role qms.Role, supplierID *int64) *qms.User {
	t.Helper()
	u := &qms.User{Email: email, Name: name, Role: role, SupplierID: supplierID}
	update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateUser(u, "") })
	return u
}

// actorCtx is the context of a signed-in user (with a supplier user's
// supplier).
func actorCtx(u *qms.User) context.Context {
	return qms.WithActor(context.Background(), qms.ActorOf(u, "session"))
}

// withCAPA runs fn on the current CAPA in a write transaction as ctx's
// actor and returns what fn returns.
func withCAPA(s *store.Store, ctx context.Context, id int64, fn func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error)) (*capa.CAPA, error) {
	var out *capa.CAPA
	err := s.Update(ctx, func(tx *store.Tx) error {
		c, err := tx.CAPA(id)
		if err != nil {
			return err
		}
		out, err = fn(tx, c)
		return err
	})
	return out, err
}

// doCAPA is withCAPA failing the test on error.
func doCAPA(t *testing.T, s *store.Store, ctx context.Context, id int64, fn func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error)) *capa.CAPA {
	t.Helper()
	c, err := withCAPA(s, ctx, id, fn)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer saves content as ctx's actor and submits its stage; the quality
// manager accepts it.
func answer(t *testing.T, s *store.Store, ctx context.Context, id int64, content capa.Content) *capa.CAPA {
	t.Helper()
	doCAPA(t, s, ctx, id, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(id, c.Version, content) })
	doCAPA(t, s, ctx, id, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
		return tx.SubmitCAPAStage(id, c.Version, content.Stage())
	})
	return doCAPA(t, s, qmCtx(), id, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
		return tx.ReviewCAPAStage(id, c.Version, content.Stage(), capa.StageAccepted, "")
	})
}

func report(today qms.Date) capa.Report {
	return capa.Report{
		D0: capa.Emergency{Symptom: "Speakers without sound", Response: "Lot on hold; 100 % function test"},
		D1: capa.Team{Leader: "张伟", Members: []capa.Member{{Name: "李娜", Function: "production"}}},
		D2: capa.Problem{What: "No sound", Where: "Line 2", When: "Week 9", HowMany: "8 of 125", HowDetected: "IQC function test"},
		D3: capa.Containment{Actions: []capa.InterimAction{{Description: "Sort stock at the factory", Owner: "李娜", DueOn: today, Done: true, DoneOn: today, Result: "37 rejects of 5,000"}},
			Verification: "Re-inspection of 200 sorted units: 0 defects"},
		D4: capa.RootCause{
			Occurrence: capa.WhyChain{Whys: []string{"Wire not soldered", "Iron too cold", "No temperature check"}, RootCause: "No daily iron temperature check"},
			Detection:  capa.WhyChain{Whys: []string{"Function test skipped when late"}, RootCause: "Test not mandatory in the control plan"},
			Ishikawa:   capa.Ishikawa{Effect: "No sound", Causes: []capa.Cause{{Category: ncr.CatMachine, Text: "Iron temperature drift"}}},
			Category:   ncr.CatMachine, Verification: "Reproduced at 280 °C"},
		D5: capa.Actions{Actions: []capa.PermanentAction{
			{Description: "Controlled irons, daily check sheet", Addresses: capa.LegOccurrence, Owner: "张伟", DueOn: today.AddDate(0, 0, 20)},
			{Description: "Mandatory 100 % function test", Addresses: capa.LegDetection, Owner: "李娜", DueOn: today.AddDate(0, 0, 20)}},
			Verification: "Pilot run of 500: 0 defects"},
		D6: capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: today, Evidence: "PO 7781, photos", Files: []int64{5}}, {Action: 2, DoneOn: today, Evidence: "Control plan rev D"}},
			ContainmentRemoved: true, Validation: "Two weeks: 0 defects at end of line"},
		D7: capa.Prevention{Summary: "All speaker lines", Changes: []capa.Change{{Kind: capa.ChangeWorkInstruction, Ref: "WI-SOL-003 rev 4", Description: "Daily check"}}},
		D8: capa.Recognition{Summary: "Effective after three clean lots", LessonsLearned: "Check irons daily"},
	}
}

// TestSCARFlow: a supplier corrective action request answered by the
// supplier's user, reviewed stage by stage by the buyer (a return with a
// comment, internal notes kept apart), verified, proven effective by the
// inspections that follow, and closed with a signature.
func TestSCARFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		today := qms.DateOf(s.Now())
		factory := newUser(t, s, "qa@huaqiang.example", "华强 QA 陈静", qms.RoleSupplier, &f.sup.ID)
		other := newSupplier(t, s, "Other Co", "", "VN", "electronics")
		otherUser := newUser(t, s, "qa@other.example", "Nguyễn Văn An", qms.RoleSupplier, &other.ID)
		fctx, octx := actorCtx(factory), actorCtx(otherUser)

		in := f.failedLot(t, 8)
		n := f.raise(t, qmCtx(), in.ID)
		c := &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "No sound on BS-20", Severity: inspection.Major, SupplierID: f.sup.ID,
			ProductID: f.product.ID, OwnerID: qmActor.UserID, Owner: qmActor.Name, Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: n.ID}},
			Criterion: &capa.Criterion{DefectCode: "fun-01", ProductID: f.product.ID, MaxDefective: 3, Inspections: 3}}
		wantKind(t, "a supplier opens", s.Update(fctx, func(tx *store.Tx) error { return tx.OpenCAPA(c) }), qms.KindForbidden)
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
		if c.ID == 0 || c.Status != capa.StatusOpen || c.OpenedOn != today || len(c.Stages) != 9 || c.Stage(capa.D4).DueOn != today.AddDate(0, 0, 14) ||
			c.Criterion == nil || c.Criterion.SupplierID != f.sup.ID || c.Criterion.DefectCode != "FUN-01" || c.Criterion.StartOn != (qms.Date{}) ||
			len(c.Sources) != 1 || c.Sources[0].NCRID != n.ID {
			t.Fatalf("%+v", c)
		}
		var jobs int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM jobs WHERE kind = '" + capa.JobStageOverdue + "'").Scan(&jobs); err != nil || jobs != 9 {
			t.Errorf("overdue jobs: %d %v", jobs, err)
		}
		view(t, s, func(tx *store.Tx) error {
			list, _, err := tx.ListCAPAs(store.CAPAFilter{NCRID: n.ID})
			if err != nil || len(list) != 1 || list[0].ID != c.ID {
				t.Errorf("CAPAs of the NCR: %+v %v", list, err)
			}
			return nil
		})

		r := report(today)
		// Another supplier's user reaches for the request: not found,
		// nothing written.
		events := countAudit(t, s)
		_, err := withCAPA(s, octx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D3) })
		wantKind(t, "another supplier's user", err, qms.KindNotFound)
		// The supplier writes D3 to D7, not the problem description.
		_, err = withCAPA(s, fctx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D2) })
		wantKind(t, "the supplier writes D2", err, qms.KindForbidden)
		// An incomplete stage is not submitted.
		_, err = withCAPA(s, fctx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.SubmitCAPAStage(c.ID, c.Version, capa.D3)
		})
		wantKind(t, "submit an empty D3", err, qms.KindInvalid)
		if countAudit(t, s) != events {
			t.Fatal("refused changes were written")
		}

		// D3 by the supplier: returned once with a comment, then accepted.
		doCAPA(t, s, fctx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D3) })
		doCAPA(t, s, fctx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.SubmitCAPAStage(c.ID, c.Version, capa.D3)
		})
		_, err = withCAPA(s, fctx, c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.ReviewCAPAStage(c.ID, c.Version, capa.D3, capa.StageAccepted, "")
		})
		wantKind(t, "the supplier accepts its own stage", err, qms.KindForbidden)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.AddCAPANote(&capa.Note{CAPAID: c.ID, Stage: capa.D3, Text: "Their sort covered the factory only; stock in our DC is unsorted"})
		})
		c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.ReviewCAPAStage(c.ID, c.Version, capa.D3, capa.StageReturned, "Please also sort the stock in transit")
		})
		if st := c.Stage(capa.D3); st.State != capa.StageReturned || st.Comment != "Please also sort the stock in transit" || st.SubmittedBy != factory.Name {
			t.Fatalf("%+v", st)
		}
		r.D3.Actions = append(r.D3.Actions, capa.InterimAction{Description: "Sort stock in transit", Owner: "陈静", DueOn: today, Done: true, DoneOn: today})
		c = answer(t, s, fctx, c.ID, &r.D3)
		view(t, s, func(tx *store.Tx) error {
			revs, err := tx.CAPAReviews(c.ID)
			if err != nil || len(revs) != 2 || revs[0].Decision != capa.StageReturned || revs[1].Decision != capa.StageAccepted {
				t.Errorf("reviews %+v %v", revs, err)
			}
			notes, err := tx.CAPANotes(c.ID)
			if err != nil || len(notes) != 1 || notes[0].By != qmActor.Name {
				t.Errorf("notes %+v %v", notes, err)
			}
			return nil
		})
		wantKind(t, "a supplier writes a note", s.Update(fctx, func(tx *store.Tx) error {
			return tx.AddCAPANote(&capa.Note{CAPAID: c.ID, Text: "x"})
		}), qms.KindForbidden)

		for _, x := range []capa.Content{&r.D0, &r.D1, &r.D2} {
			c = answer(t, s, qmCtx(), c.ID, x)
		}
		for _, x := range []capa.Content{&r.D4, &r.D5, &r.D6, &r.D7} {
			c = answer(t, s, fctx, c.ID, x)
		}
		if c.Criterion.StartOn != today || c.Evaluation == nil || c.Evaluation.Outcome != capa.OutcomePending {
			t.Fatalf("accepting D6 starts the window: %+v %+v", c.Criterion, c.Evaluation)
		}
		c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveVerify, "")
		})
		if c.Status != capa.StatusVerifying {
			t.Fatalf("%s", c.Status)
		}
		// D8 is written, but the criterion has no data yet.
		c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D8) })
		events = countAudit(t, s)
		_, _, err = closeCAPA(s, qmCtx(), c.ID, capa.CloseInput{})
		wantKind(t, "close before the criterion passes", err, qms.KindConflict)
		if !strings.Contains(err.Error(), "0 of 3 inspections") || countAudit(t, s) != events || rowCount(t, s, "signatures") != 0 {
			t.Fatalf("%v", err)
		}

		// Three later inspections, one FUN-01 unit among 375: 2.67 per
		// 1,000, within 3. Each decision evaluates the criterion.
		for i, d := range []int{0, 1, 0} {
			lot := f.book(t, f.lot(inspection.KindIncoming, 3000))
			f.lotWithMajors(t, lot, d)
			f.decide(t, lot.ID, inspection.Decision{Kind: inspection.DecideRelease})
			c = getCAPA(t, s, c.ID)
			want := capa.OutcomePending
			if i == 2 {
				want = capa.OutcomePass
			}
			if c.Evaluation == nil || c.Evaluation.Outcome != want || len(c.Evaluation.Points) != i+1 {
				t.Fatalf("after lot %d: %+v", i+1, c.Evaluation)
			}
		}
		ev := c.Evaluation
		if ev.Inspected != 375 || ev.Defective != 1 || !ev.Complete || ev.Points[1].Defective != 1 || ev.Points[1].InspectionID == 0 {
			t.Errorf("%+v", ev)
		}
		c, sig, err := closeCAPA(s, qmCtx(), c.ID, capa.CloseInput{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != capa.StatusClosed || c.Closure == nil || c.Closure.SignatureID != sig.ID || c.Closure.Override || c.Closure.Outcome != capa.OutcomePass ||
			!c.Stage(capa.D8).Done() || c.ClosedAt == nil || sig.RecordType != esign.CAPAClosure {
			t.Fatalf("%+v %+v", c, sig)
		}
		view(t, s, func(tx *store.Tx) error {
			chk, err := tx.CheckSignature(sig.ID)
			if err != nil || !chk.Matches {
				t.Errorf("closure signature %+v %v", chk, err)
			}
			return nil
		})
		var state string
		if err := s.DB().QueryRow("SELECT crit_state FROM capas WHERE id = " + fmt.Sprint(c.ID)).Scan(&state); err != nil || state != "" {
			t.Errorf("crit_state of a closed CAPA %q %v", state, err)
		}
		// A closed CAPA changes no more.
		_, err = withCAPA(s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D8) })
		wantKind(t, "edit a closed CAPA", err, qms.KindConflict)
		checkAudit(t, s)
		if k, err := s.VerifySignatures(context.Background()); err != nil || k != 1 {
			t.Errorf("%d %v", k, err)
		}
		// The supplier's view hides the buyer's internals.
		v := capa.SupplierView(c)
		if len(v.Sources) != 0 || v.OwnerID != 0 {
			t.Errorf("%+v", v)
		}
	})
}

func getCAPA(t *testing.T, s *store.Store, id int64) *capa.CAPA {
	t.Helper()
	var c *capa.CAPA
	view(t, s, func(tx *store.Tx) error {
		var err error
		c, err = tx.CAPA(id)
		return err
	})
	return c
}

func closeCAPA(s *store.Store, ctx context.Context, id int64, in capa.CloseInput) (*capa.CAPA, *esign.Signature, error) {
	var sig *esign.Signature
	c, err := withCAPA(s, ctx, id, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
		var out *capa.CAPA
		var err error
		out, sig, err = tx.CloseCAPA(id, c.Version, in, "closure reviewed with the supplier")
		return out, err
	})
	return c, sig, err
}

// TestCAPAOverrideReopenCancel: a quality manager closes with a signed
// override and a reason; reopening sends D4 to D7 back; cancelling needs a
// reason.
func TestCAPAOverrideReopenCancel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		today := qms.DateOf(s.Now())
		open := func() *capa.CAPA {
			c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypePreventive, Title: "Solder iron control", Severity: inspection.Minor,
				SupplierID: f.sup.ID, OwnerID: qmActor.UserID, Owner: qmActor.Name,
				Criterion: &capa.Criterion{Class: inspection.Major, MaxDefective: 0, Days: 90}}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
			r := report(today)
			for _, x := range []capa.Content{&r.D0, &r.D1, &r.D2, &r.D3, &r.D4, &r.D5, &r.D6, &r.D7} {
				c = answer(t, s, userCtx(f.inspector), c.ID, x)
			}
			c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
				return tx.MoveCAPA(c.ID, c.Version, capa.MoveVerify, "")
			})
			return doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) { return tx.SaveCAPAStage(c.ID, c.Version, &r.D8) })
		}
		c := open()
		if c.Evaluation == nil || c.Evaluation.Outcome != capa.OutcomePending {
			t.Fatalf("%+v", c.Evaluation)
		}
		_, _, err := closeCAPA(s, userCtx(f.inspector), c.ID, capa.CloseInput{Override: true, Reason: "x"})
		wantKind(t, "an inspector overrides", err, qms.KindForbidden)
		_, _, err = closeCAPA(s, qmCtx(), c.ID, capa.CloseInput{Override: true})
		wantKind(t, "override without a reason", err, qms.KindInvalid)
		c, sig, err := closeCAPA(s, qmCtx(), c.ID, capa.CloseInput{Override: true, Reason: "Product discontinued; no lots will follow"})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Closure.Override || c.Closure.OverrideReason == "" || c.Closure.Outcome != capa.OutcomePending || sig.SignerID != qmActor.UserID {
			t.Fatalf("%+v", c.Closure)
		}
		if evs := auditOf(t, s, "capa", c.ID); evs[0].Action != "close" || evs[0].Reason != "Product discontinued; no lots will follow" {
			t.Errorf("%+v", evs[0])
		}
		// Tampering with the closed record breaks the closure signature.
		if _, err := s.DB().Exec("UPDATE capa_stages SET content = '{\"summary\":\"edited later\"}' WHERE stage = 'D8' AND capa_id = " + fmt.Sprint(c.ID)); err != nil {
			t.Fatal(err)
		}
		view(t, s, func(tx *store.Tx) error {
			chk, err := tx.CheckSignature(sig.ID)
			if err != nil || chk.Matches || chk.Status != esign.StatusChanged {
				t.Errorf("%+v %v", chk, err)
			}
			return nil
		})

		// Reopen: back to the root cause, the window restarts.
		c = open()
		_, err = withCAPA(s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveReopen, " ")
		})
		wantKind(t, "reopen without a reason", err, qms.KindInvalid)
		c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveReopen, "A major defect recurred in week 14")
		})
		if c.Status != capa.StatusOpen || c.Stage(capa.D4).State != capa.StageReturned || c.Stage(capa.D3).State != capa.StageAccepted ||
			!c.Criterion.StartOn.IsZero() || c.Evaluation != nil || c.StatusReason == "" {
			t.Fatalf("%+v", c)
		}
		var state string
		if err := s.DB().QueryRow("SELECT crit_state FROM capas WHERE id = " + fmt.Sprint(c.ID)).Scan(&state); err != nil || state != "waiting" {
			t.Errorf("crit_state %q %v", state, err)
		}
		_, err = withCAPA(s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveClose, "")
		})
		wantKind(t, "close through MoveCAPA", err, qms.KindInvalid)
		c = doCAPA(t, s, qmCtx(), c.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.MoveCAPA(c.ID, c.Version, capa.MoveCancel, "Superseded by CAPA for all speaker lines")
		})
		if c.Status != capa.StatusCancelled || c.CancelledAt == nil {
			t.Fatalf("%+v", c)
		}
		// Due dates move with a reason, by a quality manager.
		c2 := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypePreventive, Title: "x", Severity: inspection.Minor, OwnerID: 2, Owner: "Lena Vogel"}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c2) })
		_, err = withCAPA(s, userCtx(f.inspector), c2.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.SetCAPADue(c.ID, c.Version, capa.D4, today.AddDate(0, 0, 30), "waiting for lab results")
		})
		wantKind(t, "an inspector moves a due date", err, qms.KindForbidden)
		c2 = doCAPA(t, s, qmCtx(), c2.ID, func(tx *store.Tx, c *capa.CAPA) (*capa.CAPA, error) {
			return tx.SetCAPADue(c.ID, c.Version, capa.D4, today.AddDate(0, 0, 30), "waiting for lab results")
		})
		if c2.Stage(capa.D4).DueOn != today.AddDate(0, 0, 30) {
			t.Errorf("%+v", c2.Stage(capa.D4))
		}
		var k int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM jobs WHERE unique_key LIKE '" + fmt.Sprintf("capa:%d:D4:%%:overdue", c2.ID) + "'").Scan(&k); err != nil || k != 2 {
			t.Errorf("overdue jobs of D4: %d %v", k, err)
		}
		checkAudit(t, s)
	})
}

// clockStore opens a store whose clock the test sets.
func clockStore(t *testing.T, d store.Dialect, start time.Time) (*store.Store, func(time.Time)) {
	t.Helper()
	var mu sync.Mutex
	now := start
	o := storetest.Options(t, d)
	o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
}

// TestEffectivenessSeries: the series a criterion is judged on counts only
// the supplier's and product's lot results in the window, not voided, not
// re-inspections, of the kinds asked; a defect code counts the distinct
// units with a defect of that code that was not voided, in inspections of
// qms only. Evaluations follow the lot results as they arrive, and a days
// window completes with time.
func TestEffectivenessSeries(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			s, setNow := clockStore(t, d, time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
			f := newInspFixture(t, s)
			p2 := &inspection.Product{SKU: "BS-30", Name: "Speaker BS-30", Category: "electronics"}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateProduct(p2) })
			start := qms.NewDate(2026, 4, 1)

			classCAPA := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypePreventive, Title: "Major defects BS-20", Severity: inspection.Major,
				SupplierID: f.sup.ID, OwnerID: 2, Owner: "Lena Vogel",
				Criterion: &capa.Criterion{ProductID: f.product.ID, Class: inspection.Major, MaxDefective: 10, Days: 30, StartOn: start}}
			codeCAPA := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypePreventive, Title: "FUN-01", Severity: inspection.Major,
				SupplierID: f.sup.ID, OwnerID: 2, Owner: "Lena Vogel",
				Criterion: &capa.Criterion{DefectCode: "FUN-01", MaxDefective: 5, Inspections: 2, StartOn: start}}
			update(t, s, qmCtx(), func(tx *store.Tx) error {
				if err := tx.OpenCAPA(classCAPA); err != nil {
					return err
				}
				return tx.OpenCAPA(codeCAPA)
			})
			if classCAPA.Evaluation == nil || classCAPA.Evaluation.Outcome != capa.OutcomePending {
				t.Fatalf("%+v", classCAPA.Evaluation)
			}
			third := func(product int64, on qms.Date, sample, major int, resubmitted bool) *inspection.LotResult {
				r := &inspection.LotResult{Source: inspection.SourceThirdParty, Agency: "QIMA", SupplierID: f.sup.ID, SiteID: f.site.ID, ProductID: product,
					Kind: inspection.KindPreShipment, InspectedOn: on, LotSize: 3000, SampleSize: sample, MajorDefective: major, MajorDefects: major,
					DefectiveUnits: major, Verdict: inspection.VerdictPass, Decision: inspection.DecideRelease, Resubmitted: resubmitted}
				update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.InsertLotResult(r) })
				return r
			}
			a := third(f.product.ID, start.AddDate(0, 0, 1), 200, 1, false)
			third(p2.ID, start.AddDate(0, 0, 2), 200, 50, false)             // another product
			third(f.product.ID, start.AddDate(0, 0, -2), 200, 50, false)     // before the start
			third(f.product.ID, start.AddDate(0, 0, 3), 200, 50, true)       // a re-inspection
			e := third(f.product.ID, start.AddDate(0, 0, 19), 125, 2, false) // voided below
			third(f.product.ID, start.AddDate(0, 0, 35), 200, 50, false)     // after the window
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.VoidLotResult(e.ID, "duplicate of QIMA report 7781") })

			var pts []capa.Point
			view(t, s, func(tx *store.Tx) error {
				var err error
				pts, err = tx.EffectivenessSeries(*getCAPA(t, s, classCAPA.ID).Criterion)
				return err
			})
			if len(pts) != 1 || pts[0].LotResultID != a.ID || pts[0].Inspected != 200 || pts[0].Defective != 1 || pts[0].InspectionID != 0 {
				t.Fatalf("%+v", pts)
			}
			// The evaluation followed the results as they arrived (the
			// voided one counted until the next evaluation).
			c := getCAPA(t, s, classCAPA.ID)
			if c.Evaluation.Outcome != capa.OutcomePending || len(c.Evaluation.Points) != 2 {
				t.Fatalf("%+v", c.Evaluation)
			}
			// The window completes with time: the daily job. On the last
			// day of the window it is not due yet.
			var changed int
			due := func() {
				update(t, s, qmCtx(), func(tx *store.Tx) error {
					var err error
					changed, err = tx.EvaluateDueCriteria()
					return err
				})
			}
			setNow(time.Date(2026, 4, 30, 23, 0, 0, 0, time.UTC))
			if due(); changed != 0 || getCAPA(t, s, classCAPA.ID).Evaluation.Outcome != capa.OutcomePending {
				t.Fatalf("due on the last day: %d", changed)
			}
			setNow(time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC))
			due()
			c = getCAPA(t, s, classCAPA.ID)
			// The class criterion passes (dropping the voided result); the
			// code criterion has no days window and is not looked at.
			if changed != 1 || c.Evaluation.Outcome != capa.OutcomePass || len(c.Evaluation.Points) != 1 || c.Evaluation.Defective != 1 || c.Version != classCAPA.Version {
				t.Fatalf("%d %+v v%d", changed, c.Evaluation, c.Version)
			}
			if evs := auditOf(t, s, "capa", c.ID); evs[0].Action != "evaluate" || !strings.Contains(evs[0].Reason, "pass") {
				t.Errorf("%+v", evs[0])
			}

			// The code criterion: real inspections only; distinct units; a
			// voided defect entry does not count.
			lot := f.book(t, f.lot(inspection.KindIncoming, 3000))
			es := []inspection.Entry{unitsDone(1, lot.Sampling.UnitsToDraw)}
			for _, sec := range []inspection.Section{inspection.SecQuantity, inspection.SecProductConformity, inspection.SecPacking, inspection.SecMarking, inspection.SecTests, inspection.SecMeasurements} {
				es = append(es, inspection.Entry{Kind: inspection.EntrySection, Section: &inspection.SectionEntry{Section: sec, Result: inspection.NotApplicable}})
			}
			for _, no := range []int{3, 5, 6} {
				es = append(es, inspection.Entry{Kind: inspection.EntryCheck, Check: &inspection.CheckEntry{Characteristic: no, Result: inspection.Conform}})
			}
			es = append(es, defectAt(1, "FUN-01", ""), defectAt(2, "FUN-01", ""), defectAt(2, "FUN-01", ""), defectAt(4, "SCR-01", ""))
			f.recordAll(t, lot.ID, es...)
			wrong := f.record(t, lot.ID, defectAt(3, "FUN-01", ""))
			f.record(t, lot.ID, inspection.Entry{Kind: inspection.EntryVoid, Void: &inspection.VoidEntry{EntryID: wrong.ID, Reason: "unit 3 was the golden sample"}})
			f.submit(t, lot.ID, inspection.Submission{})
			f.decide(t, lot.ID, inspection.Decision{Kind: inspection.DecideRelease})
			third(f.product.ID, qms.NewDate(2026, 5, 1), 200, 50, false) // no defect codes: not counted
			c = getCAPA(t, s, codeCAPA.ID)
			if c.Evaluation.Outcome != capa.OutcomePending || len(c.Evaluation.Points) != 1 || c.Evaluation.Points[0].Defective != 2 ||
				c.Evaluation.Points[0].InspectionID != lot.ID || c.Evaluation.Points[0].Inspected != 125 {
				t.Fatalf("%+v", c.Evaluation)
			}
			lot2 := f.book(t, f.lot(inspection.KindIncoming, 3000))
			f.lotWithMajors(t, lot2, 0)
			f.decide(t, lot2.ID, inspection.Decision{Kind: inspection.DecideRelease})
			c = getCAPA(t, s, codeCAPA.ID)
			// 2 in 250 units is 8 per 1,000, above 5.
			if c.Evaluation.Outcome != capa.OutcomeFail || c.Evaluation.Inspected != 250 || c.Evaluation.Defective != 2 {
				t.Fatalf("%+v", c.Evaluation)
			}
			var events int
			if err := s.DB().QueryRow("SELECT COUNT(*) FROM jobs WHERE kind = '" + capa.JobEvent + "' AND payload LIKE '%capa.effectiveness%'").Scan(&events); err != nil || events != 2 {
				t.Errorf("effectiveness events: %d %v", events, err)
			}
			// Final outcomes are not evaluated again.
			update(t, s, qmCtx(), func(tx *store.Tx) error {
				var err error
				changed, err = tx.EvaluatePendingCriteria()
				return err
			})
			if changed != 0 {
				t.Errorf("%d re-evaluated", changed)
			}
			checkAudit(t, s)
		})
	}
}

// TestCAPABadInput: refused CAPAs write nothing.
func TestCAPABadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		other := newSupplier(t, s, "Other Co", "", "DE", "electronics")
		in := f.failedLot(t, 8)
		n := f.raise(t, qmCtx(), in.ID)
		events := countAudit(t, s)
		base := func() *capa.CAPA {
			return &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "No sound", Severity: inspection.Major, SupplierID: f.sup.ID,
				OwnerID: 2, Owner: "Lena Vogel", Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: n.ID}}}
		}
		cases := []struct {
			name   string
			change func(c *capa.CAPA)
			field  string
		}{
			{"an NCR of another supplier", func(c *capa.CAPA) { c.SupplierID = other.ID }, "sources.0.ncr_id"},
			{"an unknown NCR", func(c *capa.CAPA) { c.Sources[0].NCRID = 99999 }, "sources.0.ncr_id"},
			{"no supplier", func(c *capa.CAPA) { c.SupplierID = 0 }, "supplier_id"},
			{"a criterion on another supplier", func(c *capa.CAPA) {
				c.Criterion = &capa.Criterion{SupplierID: other.ID, MaxDefective: 1, Inspections: 3}
			}, "criterion.supplier_id"},
			{"a criterion without window", func(c *capa.CAPA) { c.Criterion = &capa.Criterion{MaxDefective: 1} }, "criterion.inspections"},
			{"an unknown site", func(c *capa.CAPA) { c.SiteID = 99999 }, "site_id"},
		}
		for _, x := range cases {
			c := base()
			x.change(c)
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
			if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)[x.field] == "" {
				t.Errorf("%s: %v", x.name, err)
			}
		}
		if rowCount(t, s, "capas") != 0 || rowCount(t, s, "capa_stages") != 0 || countAudit(t, s) != events {
			t.Fatal("refused CAPAs were written")
		}
		c := base()
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
		_, err := withCAPA(s, qmCtx(), c.ID, func(tx *store.Tx, x *capa.CAPA) (*capa.CAPA, error) {
			return tx.SaveCAPAStage(x.ID, x.Version-1, &capa.Emergency{})
		})
		wantKind(t, "a stale version", err, qms.KindConflict)
		_, err = withCAPA(s, qmCtx(), c.ID, func(tx *store.Tx, x *capa.CAPA) (*capa.CAPA, error) {
			return tx.SetCAPACriterion(x.ID, x.Version, capa.Criterion{SupplierID: other.ID, MaxDefective: 1, Days: 30}, "")
		})
		wantKind(t, "criterion on another supplier", err, qms.KindInvalid)
		c.Title = "Changed"
		c.SupplierID = other.ID // ignored: a request never moves to another supplier
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateCAPA(c, c.Version, "clearer title") })
		if c.Title != "Changed" || c.SupplierID != f.sup.ID {
			t.Errorf("%+v", c)
		}
		checkAudit(t, s)
	})
}

// TestCAPASettings: the due-date settings are the defaults until an
// administrator changes them; new CAPAs follow.
func TestCAPASettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var st capa.Settings
		view(t, s, func(tx *store.Tx) error { var err error; st, err = tx.CAPASettings(); return err })
		if st.Version != 0 || st.Days(capa.D3) != 2 || st.Days(capa.D4) != 14 {
			t.Fatalf("%+v", st)
		}
		st.DueDays[capa.D3], st.DueDays[capa.D4] = 1, 7
		wantKind(t, "a quality manager changes settings", s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateCAPASettings(&st, 0, "") }), qms.KindForbidden)
		admin := qms.WithActor(context.Background(), qms.System)
		update(t, s, admin, func(tx *store.Tx) error { return tx.UpdateCAPASettings(&st, 0, "customer requires D4 in 7 days") })
		if st.Version != 1 || st.Days(capa.D4) != 7 {
			t.Fatalf("%+v", st)
		}
		wantKind(t, "stale settings", s.Update(admin, func(tx *store.Tx) error { return tx.UpdateCAPASettings(&st, 0, "") }), qms.KindConflict)
		bad := st
		bad.DueDays = map[capa.Stage]int{capa.D5: 1}
		wantKind(t, "D5 before D4", s.Update(admin, func(tx *store.Tx) error { return tx.UpdateCAPASettings(&bad, 1, "") }), qms.KindInvalid)
		c := &capa.CAPA{Kind: capa.KindInternal, Type: capa.TypePreventive, Title: "x", Severity: inspection.Minor, OwnerID: 2, Owner: "Lena Vogel"}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.OpenCAPA(c) })
		if c.Stage(capa.D4).DueOn != c.OpenedOn.AddDate(0, 0, 7) || c.Stage(capa.D3).DueOn != c.OpenedOn.AddDate(0, 0, 1) {
			t.Errorf("%+v", c.Stages)
		}
		checkAudit(t, s)
	})
}
