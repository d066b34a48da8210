package store_test

import (
	"slices"
	"strings"
	"testing"

	"qms/internal/complaint"
	"qms/internal/evidence"
	"qms/internal/inspection"
	"qms/internal/mgmtreview"
	"qms/internal/ncr"
	"qms/internal/process"
	"qms/internal/qms"
	"qms/internal/store"
)

// TestManagementReview: a review is prepared as a draft, refused input
// writes nothing, closing needs attendees and decisions and freezes the
// input pack generated from the data; its actions are tracked until done
// and show in the next review's pack.
func TestManagementReview(t *testing.T) {
	eachQMS(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		for _, d := range []qms.Date{qms.NewDate(2026, 1, 12), qms.NewDate(2026, 2, 3)} {
			n := &ncr.NCR{Source: ncr.SourceOther, Title: "Loose screws", Severity: inspection.Major, SupplierID: f.sup.ID, ProductID: f.product.ID,
				Found: "Screws loose on 4 units", DetectedOn: d, QuantityAffected: 4}
			update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateNCR(n) })
		}
		lotResult(t, f, qms.NewDate(2026, 2, 1), inspection.KindPreShipment, true, false)
		lotResult(t, f, qms.NewDate(2026, 2, 2), inspection.KindPreShipment, false, false)
		cmp := &complaint.Complaint{ReceivedOn: qms.NewDate(2026, 2, 20), Customer: "Müller Audio GmbH", ProductID: f.product.ID,
			Description: "Speaker crackles at full volume", Reportable: false}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateComplaint(cmp) })

		events := countAudit(t, s)
		good := func() *mgmtreview.Review {
			return &mgmtreview.Review{Title: "Management review Q1 2026", HeldOn: qms.NewDate(2026, 3, 15), From: qms.NewDate(2026, 1, 1),
				To: qms.NewDate(2026, 3, 14)}
		}
		for name, change := range map[string]func(r *mgmtreview.Review){
			"no title":            func(r *mgmtreview.Review) { r.Title = " " },
			"period reversed":     func(r *mgmtreview.Review) { r.From, r.To = r.To, r.From },
			"period after review": func(r *mgmtreview.Review) { r.To = qms.NewDate(2026, 4, 1) },
			"no date held":        func(r *mgmtreview.Review) { r.HeldOn = qms.Date{} },
			"attendee no name":    func(r *mgmtreview.Review) { r.Attendees = []mgmtreview.Attendee{{Role: "CEO"}} },
		} {
			r := good()
			change(r)
			err := s.Update(qmCtx(), func(tx *store.Tx) error { return tx.CreateReview(r) })
			if qms.ErrorKind(err) != qms.KindInvalid || len(qms.ErrorFields(err)) == 0 {
				t.Errorf("%s: %v, want invalid with fields", name, err)
			}
		}
		if n := countAudit(t, s); n != events {
			t.Errorf("bad input wrote %d audit events", n-events)
		}

		r := good()
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateReview(r) })
		if r.Number() != "MR-0001" || r.Status != mgmtreview.Draft {
			t.Fatalf("created %s %s", r.Number(), r.Status)
		}
		_, err := closeReview(s, r.ID, r.Version)
		if fields := qms.ErrorFields(err); fields["attendees"] == "" || fields["decisions"] == "" {
			t.Errorf("close without attendees and decisions: %v", err)
		}
		act := &mgmtreview.Action{ReviewID: r.ID, Description: "Audit the two weakest suppliers", Owner: "Lena Vogel", OwnerID: 2, DueOn: qms.NewDate(2026, 3, 31)}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.AddReviewAction(act) })
		err = s.Update(qmCtx(), func(tx *store.Tx) error {
			return tx.AddReviewAction(&mgmtreview.Action{ReviewID: r.ID, Description: "x", DueOn: qms.NewDate(2026, 3, 31)})
		})
		if qms.ErrorFields(err)["owner"] == "" {
			t.Errorf("action without owner: %v", err)
		}

		r.Attendees = []mgmtreview.Attendee{{Name: "Lena Vogel", Role: "Quality manager"}, {Name: "王芳", Role: "CEO"}}
		r.Decisions = []string{"Keep the lot acceptance objective at 97 %", "  "}
		r.Resources = "One more inspector in Vietnam"
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.UpdateReview(r, r.Version) })
		if len(r.Decisions) != 1 || r.Version != 2 {
			t.Fatalf("updated: %+v", r)
		}
		closed, err := closeReview(s, r.ID, r.Version)
		if err != nil {
			t.Fatal(err)
		}
		p := closed.Pack
		if closed.Status != mgmtreview.Closed || p == nil {
			t.Fatalf("closed: %+v", closed)
		}
		if p.NCRs.Opened != 2 || p.NCRs.BySeverity["major"] != 2 || p.NCRs.OpenNow != 2 {
			t.Errorf("pack NCRs: %+v", p.NCRs)
		}
		if p.Complaints.Received != 1 || p.Complaints.Open != 1 || len(p.Complaints.Lines) != 1 || p.Complaints.Lines[0].Number != cmp.Number() {
			t.Errorf("pack complaints: %+v", p.Complaints)
		}
		if len(p.Monitoring) != 1 || p.Monitoring[0].Kind != "pre_shipment" || p.Monitoring[0].Lots != 2 || p.Monitoring[0].Rejected != 1 {
			t.Errorf("pack monitoring: %+v", p.Monitoring)
		}
		if len(p.Suppliers) != 1 || p.Suppliers[0].Lots != 2 || p.Suppliers[0].NCRs != 2 || p.Suppliers[0].Acceptance() != 50 {
			t.Errorf("pack suppliers: %+v", p.Suppliers)
		}
		if len(p.PreviousActions) != 0 {
			t.Errorf("first review has previous actions: %+v", p.PreviousActions)
		}
		// A closed review's record is final.
		r2 := *closed
		r2.Title = "changed"
		err = s.Update(qmCtx(), func(tx *store.Tx) error { return tx.UpdateReview(&r2, closed.Version) })
		wantKind(t, "update closed review", err, qms.KindConflict)

		// The next review sees the open action of the first one.
		next := &mgmtreview.Review{Title: "Management review Q2 2026", HeldOn: qms.NewDate(2026, 3, 15), From: qms.NewDate(2026, 3, 1), To: qms.NewDate(2026, 3, 15)}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateReview(next) })
		var pack *mgmtreview.Pack
		view(t, s, func(tx *store.Tx) error {
			var err error
			pack, err = tx.ReviewPack(next.From, next.To, next.ID)
			return err
		})
		if len(pack.PreviousActions) != 1 || pack.PreviousActions[0].Review != "MR-0001" || pack.PreviousActions[0].Status != mgmtreview.ActionOpen {
			t.Errorf("previous actions: %+v", pack.PreviousActions)
		}
		if pack.LastReview != qms.NewDate(2026, 3, 15) {
			t.Errorf("last review %s", pack.LastReview)
		}
		err = s.Update(qmCtx(), func(tx *store.Tx) error {
			_, err := tx.FinishReviewAction(act.ID, act.Version, mgmtreview.ActionDone, "")
			return err
		})
		if qms.ErrorFields(err)["result"] == "" {
			t.Errorf("done without result: %v", err)
		}
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			_, err := tx.FinishReviewAction(act.ID, act.Version, mgmtreview.ActionDone, "Audits held in March")
			return err
		})
		view(t, s, func(tx *store.Tx) error {
			var err error
			pack, err = tx.ReviewPack(next.From, next.To, next.ID)
			return err
		})
		if len(pack.PreviousActions) != 1 || pack.PreviousActions[0].Status != mgmtreview.ActionDone {
			t.Errorf("previous actions after done: %+v", pack.PreviousActions)
		}
		var reviews []mgmtreview.Review
		view(t, s, func(tx *store.Tx) error { var err error; reviews, err = tx.Reviews(); return err })
		if len(reviews) != 2 {
			t.Errorf("reviews: %d", len(reviews))
		}
	})
}

func closeReview(s *store.Store, id, version int64) (*mgmtreview.Review, error) {
	var r *mgmtreview.Review
	err := s.Update(qmCtx(), func(tx *store.Tx) error {
		var err error
		r, err = tx.CloseReview(id, version)
		return err
	})
	return r, err
}

// TestEvidenceMapGaps: the map flags no management review, an approved
// supplier with an expired certificate and an objective not met, and
// stops flagging them once they are resolved; ISO 13485 mode adds its
// clauses and the procedure check.
func TestEvidenceMapGaps(t *testing.T) {
	eachQMS(t, func(t *testing.T, s *store.Store) {
		f := newInspFixture(t, s)
		build := func() evidence.Map {
			var m evidence.Map
			view(t, s, func(tx *store.Tx) error { var err error; m, err = tx.EvidenceMap(); return err })
			return m
		}
		rules := func(m evidence.Map) []evidence.Rule {
			var out []evidence.Rule
			for _, g := range m.Gaps {
				out = append(out, g.Rule)
			}
			return out
		}
		m := build()
		if len(m.Rows) != len(evidence.ISO9001Clauses) || m.ISO13485 {
			t.Fatalf("rows %d, 13485 %v", len(m.Rows), m.ISO13485)
		}
		if got := rules(m); !slices.Equal(got, []evidence.Rule{evidence.RuleNoReview}) {
			t.Errorf("gaps of an empty QMS: %v", got)
		}
		cert := iso9001(f.sup.ID, "CN-9001-78")
		cert.IssueDate, cert.ExpiryDate = day("2023-01-01"), day("2026-02-28")
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateCertificate(cert) })
		if _, err := s.DB().Exec(rebind(s, "UPDATE certificates SET review = 'accepted' WHERE id = ?"), cert.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(rebind(s, "UPDATE suppliers SET status = 'approved' WHERE id = ?"), f.sup.ID); err != nil {
			t.Fatal(err)
		}
		lotResult(t, f, qms.NewDate(2026, 3, 2), inspection.KindPreShipment, true, false)
		o := objectiveFor(t, s)
		r := &mgmtreview.Review{Title: "Review 2025", HeldOn: qms.NewDate(2025, 1, 20), From: qms.NewDate(2024, 1, 1), To: qms.NewDate(2024, 12, 31),
			Attendees: []mgmtreview.Attendee{{Name: "Lena Vogel"}}, Decisions: []string{"Go on"}}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateReview(r) })
		if _, err := closeReview(s, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		m = build()
		want := []evidence.Rule{evidence.RuleObjectivesNotMet, evidence.RuleApprovedExpired, evidence.RuleNoReview}
		if got := rules(m); !slices.Equal(got, want) {
			t.Errorf("gaps: %v, want %v", got, want)
		}
		for _, row := range m.Rows {
			switch row.Clause.Number {
			case "8.4":
				if row.Status() != "gap" || row.Items[0].Count != 1 || !row.Items[0].Known {
					t.Errorf("8.4: %+v", row)
				}
			case "9.3":
				if row.Status() != "gap" || row.Items[0].Count != 1 {
					t.Errorf("9.3: %+v", row)
				}
			}
		}
		// Resolved: a recent review, the certificate renewed, the objective met.
		r2 := &mgmtreview.Review{Title: "Review 2026", HeldOn: qms.NewDate(2026, 3, 10), From: qms.NewDate(2025, 1, 1), To: qms.NewDate(2026, 2, 28),
			Attendees: []mgmtreview.Attendee{{Name: "Lena Vogel"}}, Decisions: []string{"Go on"}}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateReview(r2) })
		if _, err := closeReview(s, r2.ID, r2.Version); err != nil {
			t.Fatal(err)
		}
		renewed := iso9001(f.sup.ID, "CN-9001-79")
		renewed.IssueDate, renewed.ExpiryDate = day("2026-03-01"), day("2029-02-28")
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateCertificate(renewed) })
		if _, err := s.DB().Exec(rebind(s, "UPDATE certificates SET review = 'accepted' WHERE id = ?"), renewed.ID); err != nil {
			t.Fatal(err)
		}
		update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.VoidObjective(o.ID, o.Version, "set too high") })
		if got := rules(build()); len(got) != 0 {
			t.Errorf("gaps after resolving: %v", got)
		}

		// A process of the register never audited is a gap of 9.2, and
		// shows in the review pack.
		owner := newUser(t, s, "owner@example.com", "Process Owner", qms.RoleQualityManager, nil)
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			return tx.CreateProcess(&process.Process{Name: "Purchasing", OwnerID: owner.ID, OwnerName: owner.Name, KPIs: "On-time delivery"})
		})
		m = build()
		if got := rules(m); !slices.Equal(got, []evidence.Rule{evidence.RuleProcessNotAudited}) || !strings.Contains(m.Gaps[0].Text, "Purchasing") {
			t.Errorf("gaps with a process never audited: %v %+v", got, m.Gaps)
		}
		var pack *mgmtreview.Pack
		view(t, s, func(tx *store.Tx) error {
			var err error
			pack, err = tx.ReviewPack(qms.NewDate(2026, 1, 1), qms.NewDate(2026, 3, 14), 0)
			return err
		})
		if !pack.ProcessesKnown || len(pack.Processes) != 1 || pack.Processes[0].KPIs != "On-time delivery" || !pack.AuditsKnown {
			t.Errorf("pack processes: %+v", pack.Processes)
		}

		// ISO 13485 mode: its clauses, the procedures (none documented).
		update(t, s, qmCtx(), func(tx *store.Tx) error {
			_, err := tx.SetISO13485Mode(true, 0, "medical devices from 2026")
			return err
		})
		err := s.Update(qmCtx(), func(tx *store.Tx) error { _, err := tx.SetISO13485Mode(false, 0, "stale"); return err })
		wantKind(t, "stale settings", err, qms.KindConflict)
		m = build()
		if !m.ISO13485 || len(m.Rows) != len(evidence.ISO9001Clauses)+len(evidence.ISO13485Clauses) || len(m.Procedures) != len(evidence.RequiredProcedures) {
			t.Errorf("13485 map: %v rows %d procedures %d", m.ISO13485, len(m.Rows), len(m.Procedures))
		}
	})
}

func objectiveFor(t *testing.T, s *store.Store) *objectiveRef {
	t.Helper()
	o := newLotObjective()
	update(t, s, qmCtx(), func(tx *store.Tx) error { return tx.CreateObjective(o) })
	return &objectiveRef{ID: o.ID, Version: o.Version}
}
