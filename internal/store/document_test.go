package store_test

import (
	"testing"

	"qms/internal/document"
	"qms/internal/esign"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// TestDocumentWorkflow: a procedure goes from draft through review and a
// signed approval to effective; its second revision supersedes the
// first; acknowledgements are assigned to the role it names and tracked;
// bad input (no owner, approval by the author, an effective date before
// the approval) writes nothing.
func TestDocumentWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		author := newUser(t, s, "author@example.com", "Anna Author", qms.RoleQualityManager, nil)
		approver := newUser(t, s, "approver@example.com", "Paul Approver", qms.RoleQualityManager, nil)
		reviewer := newUser(t, s, "reviewer@example.com", "Rita Reviewer", qms.RoleViewer, nil)
		reader := newUser(t, s, "reader@example.com", "Ivo Inspector", qms.RoleInspector, nil)
		ctxA, ctxP, ctxR, ctxI := actorCtx(author), actorCtx(approver), actorCtx(reviewer), actorCtx(reader)

		// A document without an owner is refused, nothing written.
		err := s.Update(ctxA, func(tx *store.Tx) error {
			return tx.CreateDocument(&document.Document{Number: "SOP-001", Title: "Control of documents", Type: document.TypeProcedure},
				&document.Revision{ChangeDescription: "First issue", Body: "# Purpose"})
		})
		if qms.ErrorFields(err)["owner_id"] == "" || rowCount(t, s, "documents") != 0 || rowCount(t, s, "document_revisions") != 0 {
			t.Fatalf("document without an owner: %v", err)
		}

		var proc process.Process
		update(t, s, ctxP, func(tx *store.Tx) error {
			proc = process.Process{Name: "Document control", OwnerID: approver.ID, Inputs: "change requests", KPIs: "reviews on time"}
			return tx.CreateProcess(&proc)
		})
		d := document.Document{Number: "SOP-001", Title: "Control of documents", Type: document.TypeProcedure, OwnerID: author.ID,
			ProcessID: &proc.ID, AckRoles: []qms.Role{qms.RoleInspector}}
		r1 := document.Revision{ChangeDescription: "First issue", Body: "# Purpose\n\nDocuments are approved before use.\n"}
		update(t, s, ctxA, func(tx *store.Tx) error { return tx.CreateDocument(&d, &r1) })
		if r1.Status != document.StatusDraft || r1.Revision != 1 || r1.AuthorID != author.ID || d.ProcessName != "Document control" {
			t.Fatalf("created %+v %+v", d, r1)
		}
		wantKind(t, "a second SOP-001", s.Update(ctxA, func(tx *store.Tx) error {
			return tx.CreateDocument(&document.Document{Number: "sop-001", Title: "x", Type: document.TypeForm, OwnerID: author.ID},
				&document.Revision{ChangeDescription: "x"})
		}), qms.KindConflict)

		var rev *document.Revision
		wantKind(t, "approve a draft", s.Update(ctxP, func(tx *store.Tx) error {
			_, err := tx.ApproveRevision(r1.ID, r1.Version, "")
			return err
		}), qms.KindConflict)
		err = s.Update(ctxA, func(tx *store.Tx) error {
			_, err := tx.SubmitRevision(r1.ID, r1.Version, []int64{author.ID})
			return err
		})
		if qms.ErrorFields(err)["reviewers"] == "" {
			t.Errorf("the author as reviewer: %v", err)
		}
		update(t, s, ctxA, func(tx *store.Tx) (err error) {
			rev, err = tx.SubmitRevision(r1.ID, r1.Version, []int64{reviewer.ID})
			return err
		})
		if rev.Status != document.StatusInReview || len(rev.Reviewers) != 1 || rev.Reviewers[0].Decision != document.ReviewPending {
			t.Fatalf("submitted: %+v", rev)
		}
		wantKind(t, "approval before the review", s.Update(ctxP, func(tx *store.Tx) error {
			_, err := tx.ApproveRevision(rev.ID, rev.Version, "")
			return err
		}), qms.KindConflict)
		wantKind(t, "review by someone not named", s.Update(ctxI, func(tx *store.Tx) error {
			_, err := tx.RecordReview(rev.ID, document.ReviewApproved, "")
			return err
		}), qms.KindForbidden)
		update(t, s, ctxR, func(tx *store.Tx) (err error) {
			rev, err = tx.RecordReview(rev.ID, document.ReviewApproved, "reads well")
			return err
		})
		// The author alone cannot approve.
		sigs := rowCount(t, s, "signatures")
		wantKind(t, "approval by the author", s.Update(ctxA, func(tx *store.Tx) error {
			_, err := tx.ApproveRevision(rev.ID, rev.Version, "")
			return err
		}), qms.KindForbidden)
		if rowCount(t, s, "signatures") != sigs {
			t.Error("a refused approval wrote a signature")
		}
		update(t, s, ctxP, func(tx *store.Tx) (err error) {
			rev, err = tx.ApproveRevision(rev.ID, rev.Version, "approved at the QMS meeting")
			return err
		})
		if rev.Status != document.StatusApproved || rev.SignatureID == nil || rev.ApprovedBy != "Paul Approver" {
			t.Fatalf("approved: %+v", rev)
		}
		if c := checkSig(t, s, *rev.SignatureID); !c.Matches || c.Signature.RecordType != esign.DocumentApproval {
			t.Errorf("approval signature: %+v", c)
		}
		// An effective date before the approval is refused, nothing written.
		var today qms.Date
		view(t, s, func(tx *store.Tx) error { today = qms.DateOf(tx.Now); return nil })
		err = s.Update(ctxP, func(tx *store.Tx) error {
			_, err := tx.MakeEffective(rev.ID, rev.Version, today.AddDate(0, 0, -1))
			return err
		})
		if qms.ErrorFields(err)["effective_on"] == "" {
			t.Errorf("effective before approval: %v", err)
		}
		view(t, s, func(tx *store.Tx) (err error) {
			got, err := tx.Revision(rev.ID)
			if err == nil && (got.Status != document.StatusApproved || !got.EffectiveOn.IsZero()) {
				t.Errorf("after a refused date: %+v", got)
			}
			return err
		})
		update(t, s, ctxP, func(tx *store.Tx) (err error) {
			rev, err = tx.MakeEffective(rev.ID, rev.Version, today)
			return err
		})
		if rev.Status != document.StatusEffective {
			t.Fatalf("effective: %+v", rev)
		}
		var acks []document.Acknowledgement
		view(t, s, func(tx *store.Tx) (err error) {
			acks, err = tx.Acknowledgements(store.AckFilter{DocumentID: d.ID})
			return err
		})
		if len(acks) != 1 || acks[0].UserID != reader.ID || acks[0].DueOn != today.AddDate(0, 0, document.DefaultAckDays) {
			t.Fatalf("acknowledgements of revision 1: %+v", acks)
		}

		// Revision 2 supersedes revision 1.
		r2 := document.Revision{ChangeDescription: "Periodic review dates added"}
		update(t, s, ctxA, func(tx *store.Tx) error { return tx.CreateRevision(d.ID, &r2) })
		if r2.Revision != 2 || r2.Body != r1.Body {
			t.Fatalf("revision 2 starts from revision 1's text: %+v", r2)
		}
		wantKind(t, "a third revision while the second is a draft", s.Update(ctxA, func(tx *store.Tx) error {
			return tx.CreateRevision(d.ID, &document.Revision{ChangeDescription: "x"})
		}), qms.KindConflict)
		r2.Body += "\nEvery document is reviewed each year.\n"
		update(t, s, ctxA, func(tx *store.Tx) error { return tx.UpdateRevision(&r2, r2.Version) })
		update(t, s, ctxA, func(tx *store.Tx) (err error) {
			rev, err = tx.SubmitRevision(r2.ID, r2.Version, []int64{reviewer.ID, approver.ID})
			return err
		})
		for _, c := range []*qms.User{reviewer, approver} {
			update(t, s, actorCtx(c), func(tx *store.Tx) (err error) {
				rev, err = tx.RecordReview(rev.ID, document.ReviewApproved, "")
				return err
			})
		}
		update(t, s, ctxP, func(tx *store.Tx) (err error) {
			if rev, err = tx.ApproveRevision(rev.ID, rev.Version, ""); err != nil {
				return err
			}
			rev, err = tx.MakeEffective(rev.ID, rev.Version, today)
			return err
		})
		view(t, s, func(tx *store.Tx) error {
			old, err := tx.Revision(r1.ID)
			if err != nil {
				return err
			}
			cur, err := tx.Document(d.ID)
			if err != nil {
				return err
			}
			if old.Status != document.StatusSuperseded || cur.EffectiveRevision != 2 || cur.NextReviewOn != today.AddDate(0, 12, 0) {
				t.Errorf("after revision 2: revision 1 %s, document %+v", old.Status, cur)
			}
			open, err := tx.Acknowledgements(store.AckFilter{UserID: reader.ID, Open: true})
			if err != nil {
				return err
			}
			if len(open) != 2 {
				t.Errorf("open acknowledgements of the reader: %+v", open)
			}
			late, err := tx.OverdueAcknowledgements(today.AddDate(0, 0, 30))
			if err != nil {
				return err
			}
			past, err := tx.DocumentsPastReview(today.AddDate(0, 13, 0))
			if err != nil {
				return err
			}
			if len(late) != 2 || len(past) != 1 || past[0].ID != d.ID {
				t.Errorf("overdue: %+v; past review: %+v", late, past)
			}
			rows, _, err := tx.ListDocuments(store.DocumentFilter{Q: "REVIEWED each"})
			if err != nil {
				return err
			}
			if len(rows) != 1 || rows[0].LatestRevision != 2 {
				t.Errorf("search by text: %+v", rows)
			}
			return nil
		})
		// The reader acknowledges revision 2; revision 1 is no longer in force.
		var cur, old document.Acknowledgement
		view(t, s, func(tx *store.Tx) error {
			all, err := tx.Acknowledgements(store.AckFilter{UserID: reader.ID})
			for _, a := range all {
				if a.Revision == 2 {
					cur = a
				} else {
					old = a
				}
			}
			return err
		})
		wantKind(t, "someone else's acknowledgement", s.Update(ctxR, func(tx *store.Tx) error {
			_, err := tx.Acknowledge(cur.ID)
			return err
		}), qms.KindNotFound)
		wantKind(t, "a superseded revision", s.Update(ctxI, func(tx *store.Tx) error {
			_, err := tx.Acknowledge(old.ID)
			return err
		}), qms.KindConflict)
		update(t, s, ctxI, func(tx *store.Tx) error {
			a, err := tx.Acknowledge(cur.ID)
			if err == nil && a.AcknowledgedAt == nil {
				t.Error("not acknowledged")
			}
			return err
		})
		wantKind(t, "twice", s.Update(ctxI, func(tx *store.Tx) error {
			_, err := tx.Acknowledge(cur.ID)
			return err
		}), qms.KindConflict)

		// Obsolete: the document is withdrawn.
		update(t, s, ctxP, func(tx *store.Tx) (err error) {
			rev, err = tx.ObsoleteRevision(rev.ID, rev.Version, "replaced by the quality manual, section 7")
			return err
		})
		view(t, s, func(tx *store.Tx) error {
			cur, err := tx.Document(d.ID)
			if err == nil && (!cur.Obsolete || cur.EffectiveRevisionID != 0) {
				t.Errorf("obsolete document: %+v", cur)
			}
			return err
		})
	})
}

// TestRiskRegister: risks are scored, linked to a process and a supplier,
// and carry actions; bad input writes nothing.
func TestRiskRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		qm := newUser(t, s, "qm@example.com", "Quinn Manager", qms.RoleQualityManager, nil)
		insp := newUser(t, s, "insp@example.com", "Ivo Inspector", qms.RoleInspector, nil)
		ctx := actorCtx(qm)
		var proc process.Process
		update(t, s, ctx, func(tx *store.Tx) error {
			proc = process.Process{Name: "Purchasing", OwnerID: qm.ID}
			return tx.CreateProcess(&proc)
		})
		wantKind(t, "a second Purchasing", s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateProcess(&process.Process{Name: " purchasing ", OwnerID: qm.ID})
		}), qms.KindConflict)
		wantKind(t, "an inspector changes the register", s.Update(actorCtx(insp), func(tx *store.Tx) error {
			return tx.CreateProcess(&process.Process{Name: "Sales", OwnerID: qm.ID})
		}), qms.KindForbidden)
		var today qms.Date
		view(t, s, func(tx *store.Tx) error { today = qms.DateOf(tx.Now); return nil })
		err := s.Update(ctx, func(tx *store.Tx) error {
			return tx.CreateRisk(&process.Risk{Title: "Single source", Likelihood: 6, Severity: 3, OwnerID: qm.ID, ReviewOn: today})
		})
		if qms.ErrorFields(err)["likelihood"] == "" || rowCount(t, s, "risks") != 0 {
			t.Fatalf("likelihood 6: %v", err)
		}
		r := process.Risk{Title: "Single source for PCBs", Likelihood: 4, Severity: 5, OwnerID: qm.ID, ReviewOn: today.AddDate(0, 3, 0),
			ProcessID: &proc.ID}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.CreateRisk(&r) })
		if r.Score != 20 || r.Level != process.LevelSevere || r.ProcessName != "Purchasing" {
			t.Errorf("risk: %+v", r)
		}
		a := process.RiskAction{RiskID: r.ID, Description: "Qualify a second PCB supplier", OwnerID: insp.ID, DueOn: today.AddDate(0, 2, 0)}
		update(t, s, ctx, func(tx *store.Tx) error { return tx.AddRiskAction(&a) })
		update(t, s, actorCtx(insp), func(tx *store.Tx) error {
			_, err := tx.CompleteRiskAction(a.ID, "second supplier approved")
			return err
		})
		r.Likelihood = 2
		update(t, s, ctx, func(tx *store.Tx) error { return tx.UpdateRisk(&r, r.Version, "second source") })
		view(t, s, func(tx *store.Tx) error {
			got, err := tx.Risk(r.ID)
			if err != nil {
				return err
			}
			if got.Score != 10 || got.Level != process.LevelHigh || len(got.Actions) != 1 || got.Actions[0].Status != process.ActionDone {
				t.Errorf("after the action: %+v", got)
			}
			list, err := tx.Risks(store.RiskFilter{ProcessID: proc.ID, Open: true})
			if err == nil && len(list) != 1 {
				t.Errorf("risks of the process: %+v", list)
			}
			return err
		})
	})
}
