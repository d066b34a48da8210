package store_test

import (
	"strings"
	"testing"

	"qms/internal/capa"
	"qms/internal/ncr"
	"qms/internal/process"
	"qms/internal/qaudit"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

type auditFixture struct {
	qm, lead, member, viewer, supUser *qms.User
	supID, siteID                     int64
}

func newAuditFixture(t *testing.T, s *store.Store) *auditFixture {
	t.Helper()
	seedCategories(t, s)
	sup := newSupplier(t, s, "东莞市精密五金有限公司", "Dongguan Precision Hardware Co., Ltd.", "CN", "electronics")
	site := newSite(t, s, sup.ID, "精密一厂", "Precision Plant 1", "东莞市长安镇", "electronics")
	return &auditFixture{
		qm:      newUser(t, s, "qm@example.com", "Lena Vogel", qms.RoleQualityManager, nil),
		lead:    newUser(t, s, "lead@example.com", "Nguyễn Thị Lan", qms.RoleAuditor, nil),
		member:  newUser(t, s, "member@example.com", "Jörg Weiß", qms.RoleInspector, nil),
		viewer:  newUser(t, s, "viewer@example.com", "Sam Buyer", qms.RoleViewer, nil),
		supUser: newUser(t, s, "qa@factory.example.com", "王芳", qms.RoleSupplier, &sup.ID),
		supID:   sup.ID, siteID: site.ID,
	}
}

func (f *auditFixture) supplierAudit() *qaudit.QualityAudit {
	return &qaudit.QualityAudit{Type: qaudit.TypeSupplier, Title: "Factory re-audit 2026", Scope: "Plant 1: moulding, assembly, final inspection",
		TemplateKey: qaudit.KeyFactory, SupplierID: f.supID, SiteID: f.siteID, Auditee: "Factory QA manager", LeadID: f.lead.ID,
		Team: []qaudit.TeamMember{{ID: f.member.ID}}, PlannedStart: day("2026-03-10"), PlannedEnd: day("2026-03-11")}
}

func (f *auditFixture) plan(t *testing.T, s *store.Store, a *qaudit.QualityAudit) *qaudit.QualityAudit {
	t.Helper()
	update(t, s, actorCtx(f.qm), func(tx *store.Tx) error { return tx.PlanAudit(a) })
	return a
}

func getQAudit(t *testing.T, s *store.Store, id int64) (*qaudit.QualityAudit, []qaudit.Question, []qaudit.AuditFinding) {
	t.Helper()
	var a *qaudit.QualityAudit
	var qs []qaudit.Question
	var fs []qaudit.AuditFinding
	view(t, s, func(tx *store.Tx) error {
		var err error
		if a, err = tx.QualityAudit(id); err != nil {
			return err
		}
		if qs, err = tx.AuditQuestions(id); err != nil {
			return err
		}
		fs, err = tx.AuditFindings(id)
		return err
	})
	return a, qs, fs
}

// TestQualityAuditLifecycle plans a supplier audit with the factory
// checklist, runs it (answers by the team, a major without evidence
// refused), issues the report (score, findings with due dates), raises an
// NCR and a supplier CAPA from the major finding, closes the findings once
// their links are closed, and sees the audit close with its last finding.
func TestQualityAuditLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAuditFixture(t, s)
		a := f.plan(t, s, f.supplierAudit())
		if a.Status != qaudit.StatusPlanned || a.Lead != "Nguyễn Thị Lan" || a.Team[0].Name != "Jörg Weiß" || a.Criteria == "" || a.SupplierName == "" {
			t.Fatalf("planned %+v", a)
		}
		_, qs, _ := getQAudit(t, s, a.ID)
		tpl, _ := qaudit.Builtin(qaudit.KeyFactory)
		if len(qs) != len(tpl.Questions) || qs[0].Text != tpl.Questions[0].Text {
			t.Fatalf("checklist of %d questions, want the template's %d", len(qs), len(tpl.Questions))
		}

		answer := func(ctx *qms.User, line int, ans qaudit.Answer) error {
			return s.Update(actorCtx(ctx), func(tx *store.Tx) error { _, err := tx.AnswerAuditQuestion(a.ID, line, ans); return err })
		}
		if err := answer(f.lead, 1, qaudit.Answer{Grade: qaudit.GradeConform}); qms.ErrorKind(err) != qms.KindConflict || !strings.Contains(qms.ErrorMessage(err), "start it") {
			t.Fatalf("answer before start: %v", err)
		}
		if err := s.Update(actorCtx(f.viewer), func(tx *store.Tx) error { _, err := tx.StartAudit(a.ID, a.Version); return err }); qms.ErrorKind(err) != qms.KindForbidden {
			t.Fatalf("viewer starts: %v", err)
		}
		update(t, s, actorCtx(f.lead), func(tx *store.Tx) error { var err error; a, err = tx.StartAudit(a.ID, a.Version); return err })
		if a.Status != qaudit.StatusInProgress || a.StartedOn.IsZero() {
			t.Fatalf("started %+v", a)
		}
		err := answer(f.member, 2, qaudit.Answer{Grade: qaudit.GradeMajor})
		if qms.ErrorFields(err)["evidence"] == "" {
			t.Fatalf("major without evidence: %v", err)
		}
		if _, q2, _ := getQAudit(t, s, a.ID); q2[1].Grade != "" {
			t.Fatal("the refused answer was written")
		}
		if err := answer(f.supUser, 1, qaudit.Answer{Grade: qaudit.GradeConform}); qms.ErrorKind(err) != qms.KindNotFound {
			t.Fatalf("supplier user answers its running audit: %v", err)
		}
		for _, q := range qs {
			ans := qaudit.Answer{Grade: qaudit.GradeConform}
			switch q.Line {
			case 2:
				ans = qaudit.Answer{Grade: qaudit.GradeMajor, Evidence: "No IQC records for resin lots 2026-02; 3 of 5 lots sampled had none"}
			case 3:
				ans = qaudit.Answer{Grade: qaudit.GradeMinor, Evidence: "Material certificate for lot R-118 unsigned"}
			case 4:
				ans = qaudit.Answer{Grade: qaudit.GradeObservation, Evidence: "Reject rate trend not charted"}
			case 5:
				ans = qaudit.Answer{Grade: qaudit.GradeNA}
			}
			by := f.lead
			if q.Line%2 == 0 {
				by = f.member
			}
			if err := answer(by, q.Line, ans); err != nil {
				t.Fatalf("answer %d: %v", q.Line, err)
			}
		}
		if err := answer(f.lead, 999, qaudit.Answer{Grade: qaudit.GradeConform}); qms.ErrorKind(err) != qms.KindNotFound {
			t.Fatalf("unknown question: %v", err)
		}
		if err := s.Update(actorCtx(f.lead), func(tx *store.Tx) error { _, err := tx.CompleteAudit(a.ID, a.Version, " "); return err }); qms.ErrorFields(err)["summary"] == "" {
			t.Fatalf("complete without summary: %v", err)
		}
		update(t, s, actorCtx(f.lead), func(tx *store.Tx) error {
			var err error
			a, err = tx.CompleteAudit(a.ID, a.Version, "Incoming control is weak; the rest of the system works.")
			return err
		})
		applicable := len(qs) - 1
		_, qs, fs := getQAudit(t, s, a.ID)
		want := qaudit.ScoreOf(qs).Percent
		if a.Status != qaudit.StatusCompleted || a.Score == nil || *a.Score != want || a.CompletedOn.IsZero() {
			t.Fatalf("completed %+v (score want %v of %d applicable)", a, want, applicable)
		}
		if len(fs) != 3 || fs[0].Grade != qaudit.GradeMajor || fs[0].Status != qaudit.FindingOpen || fs[0].DueOn != a.CompletedOn.AddDate(0, 0, 30) ||
			fs[2].Status != qaudit.FindingNoted || fs[0].SupplierID != f.supID {
			t.Fatalf("findings %+v", fs)
		}
		if err := answer(f.lead, 1, qaudit.Answer{Grade: qaudit.GradeMinor, Evidence: "late"}); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("answer after the report: %v", err)
		}

		// The supplier user sees its issued supplier audit.
		view(t, s, func(tx *store.Tx) error {
			got, err := tx.QualityAudit(a.ID)
			if err != nil {
				return err
			}
			if !qaudit.CanSee(qms.ActorOf(f.supUser, "session"), got) {
				t.Error("the supplier user does not see its issued audit")
			}
			latest, err := tx.LatestSupplierAudit(f.supID)
			if err != nil || latest == nil || latest.ID != a.ID {
				t.Errorf("latest supplier audit %v %v", latest, err)
			}
			// The score feeds the supplier's and the site's scorecards.
			for _, siteID := range []int64{0, f.siteID} {
				facts, err := tx.ScorecardFacts(f.supID, siteID, day("2026-01-01"), day("2026-12-31"))
				if err != nil {
					return err
				}
				if la := facts.LatestAudit; la == nil || la.ID != a.ID || la.Score != *a.Score || la.Date != a.CompletedOn {
					t.Errorf("scorecard audit (site %d) %+v, want %s scored %v", siteID, la, a.Number(), *a.Score)
				}
			}
			return nil
		})

		major, minor := fs[0], fs[1]
		var n *ncr.NCR
		var c *capa.CAPA
		if err := s.Update(actorCtx(f.lead), func(tx *store.Tx) error { _, err := tx.RaiseFindingNCR(major.ID, major.Version); return err }); qms.ErrorKind(err) != qms.KindForbidden {
			t.Fatalf("auditor raises an NCR: %v", err)
		}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			var err error
			n, err = tx.RaiseFindingNCR(major.ID, major.Version)
			return err
		})
		if n.Source != ncr.SourceSupplierAudit || n.SupplierID != f.supID || n.Severity != "major" || !strings.Contains(n.AuditRef, a.Number()) || n.Found != major.Evidence {
			t.Fatalf("NCR %+v", n)
		}
		_, _, fs = getQAudit(t, s, a.ID)
		major = fs[0]
		if major.NCRID != n.ID {
			t.Fatalf("finding not linked to %s: %+v", n.Number(), major)
		}
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { _, err := tx.RaiseFindingNCR(major.ID, major.Version); return err }); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("second NCR: %v", err)
		}
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { _, err := tx.RaiseFindingCAPA(major.ID, major.Version, 0); return err }); qms.ErrorFields(err)["owner_id"] == "" {
			t.Fatalf("CAPA without owner: %v", err)
		}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			var err error
			c, err = tx.RaiseFindingCAPA(major.ID, major.Version, f.qm.ID)
			return err
		})
		if c.Kind != capa.KindSupplier || c.SupplierID != f.supID || len(c.Sources) != 2 || c.Sources[0].Ref != major.Number() {
			t.Fatalf("CAPA %+v", c)
		}
		_, _, fs = getQAudit(t, s, a.ID)
		major = fs[0]

		// Closing: the links must be closed first.
		closeF := func(fd qaudit.AuditFinding, note string) error {
			return s.Update(actorCtx(f.qm), func(tx *store.Tx) error { _, err := tx.CloseFinding(fd.ID, fd.Version, note); return err })
		}
		err = closeF(major, "Re-audit on site")
		if msg := qms.ErrorFields(err)["capa_id"]; !strings.Contains(msg, n.Number()) || !strings.Contains(msg, c.Number()) {
			t.Fatalf("close with open NCR and CAPA: %v", err)
		}
		if err := closeF(minor, ""); qms.ErrorFields(err)["note"] == "" {
			t.Fatalf("close without note: %v", err)
		}
		if err := closeF(minor, "Signed certificate received 2026-03-20"); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := getQAudit(t, s, a.ID); got.Status != qaudit.StatusCompleted {
			t.Fatalf("closed with an open finding: %s", got.Status)
		}
		for _, q := range []string{"UPDATE ncrs SET status = 'closed' WHERE id = ?", "UPDATE capas SET status = 'closed' WHERE id = ?"} {
			id := n.ID
			if strings.Contains(q, "capas") {
				id = c.ID
			}
			if _, err := s.DB().Exec(rebindFor(s, q), id); err != nil {
				t.Fatal(err)
			}
		}
		if err := closeF(major, "Re-audit on site 2026-04-02: IQC records complete for every lot since March"); err != nil {
			t.Fatal(err)
		}
		got, _, fs := getQAudit(t, s, a.ID)
		if got.Status != qaudit.StatusClosed || got.ClosedAt == nil || fs[0].Status != qaudit.FindingClosed || fs[0].ClosedBy != "Lena Vogel" {
			t.Fatalf("after the last finding: %s %+v", got.Status, fs[0])
		}
		var events int
		if err := s.DB().QueryRow(rebindFor(s, "SELECT COUNT(*) FROM audit_events WHERE entity_type IN ('audit', 'audit_finding')")).Scan(&events); err != nil {
			t.Fatal(err)
		}
		if events < len(qs)+8 {
			t.Errorf("%d audit events for the audit and its findings", events)
		}
	})
}

// rebindFor turns ? placeholders into $n on PostgreSQL.
func rebindFor(s *store.Store, q string) string {
	if s.Dialect() != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestQualityAuditBadInput: a supplier user or viewer on the team, a site
// of another supplier, an unknown template, a CAPA naming an unknown
// finding: clear errors, nothing written.
func TestQualityAuditBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAuditFixture(t, s)
		other := newSupplier(t, s, "Other Co", "", "VN", "electronics")
		otherSite := newSite(t, s, other.ID, "Other plant", "", "Hanoi", "electronics")
		for _, tc := range []struct {
			name   string
			change func(a *qaudit.QualityAudit)
			field  string
			who    *qms.User
			kind   qms.Kind
		}{
			{"supplier user on the team", func(a *qaudit.QualityAudit) { a.Team = []qaudit.TeamMember{{ID: f.supUser.ID}} }, "team.0", f.qm, qms.KindInvalid},
			{"viewer leads", func(a *qaudit.QualityAudit) { a.LeadID = f.viewer.ID }, "lead_id", f.qm, qms.KindInvalid},
			{"unknown lead", func(a *qaudit.QualityAudit) { a.LeadID = 99999 }, "lead_id", f.qm, qms.KindInvalid},
			{"site of another supplier", func(a *qaudit.QualityAudit) { a.SiteID = otherSite.ID }, "site_id", f.qm, qms.KindInvalid},
			{"unknown template", func(a *qaudit.QualityAudit) { a.TemplateKey = "custom-999" }, "template_key", f.qm, qms.KindInvalid},
			{"no scope", func(a *qaudit.QualityAudit) { a.Scope = "" }, "scope", f.qm, qms.KindInvalid},
			{"auditor plans", func(a *qaudit.QualityAudit) {}, "", f.lead, qms.KindForbidden},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := f.supplierAudit()
				tc.change(a)
				err := s.Update(actorCtx(tc.who), func(tx *store.Tx) error { return tx.PlanAudit(a) })
				if qms.ErrorKind(err) != tc.kind {
					t.Fatalf("kind %v, want %v: %v", qms.ErrorKind(err), tc.kind, err)
				}
				if tc.field != "" && qms.ErrorFields(err)[tc.field] == "" {
					t.Fatalf("want a problem with %s: %v", tc.field, err)
				}
			})
		}
		if n := rowCount(t, s, "audits"); n != 0 {
			t.Fatalf("%d audits written", n)
		}
		err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error {
			return tx.OpenCAPA(&capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "x", Severity: "minor", OwnerID: f.qm.ID, Owner: f.qm.Name,
				Sources: []capa.Source{{Kind: capa.SourceAuditFinding, Ref: "AF-00777"}}})
		})
		if !strings.Contains(qms.ErrorFields(err)["sources.0.ref"], "not found") {
			t.Fatalf("CAPA naming an unknown finding: %v", err)
		}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			return tx.OpenCAPA(&capa.CAPA{Kind: capa.KindInternal, Type: capa.TypeCorrective, Title: "x", Severity: "minor", OwnerID: f.qm.ID, Owner: f.qm.Name,
				Sources: []capa.Source{{Kind: capa.SourceAuditFinding, Ref: "CB-2026-NC-03"}}})
		})
	})
}

// TestAuditTemplatesAndProgramme: a user's copy of a shipped checklist is
// edited and audited with; the programme's lines get their slots from
// their risk and the audits that carry them out.
func TestAuditTemplatesAndProgramme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAuditFixture(t, s)
		var tpl *qaudit.Template
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			var err error
			tpl, err = tx.CopyAuditTemplate(qaudit.KeyFactory, "Factory audit — plastics")
			return err
		})
		tpl.Questions = append(tpl.Questions, qaudit.TemplateQuestion{Clause: "11.1", Section: "Moulding", Text: "Are mould temperatures logged per shot?"})
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error { return tx.UpdateAuditTemplate(tpl, tpl.Version, "plastics questions") })
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error {
			b, _ := qaudit.Builtin(qaudit.KeyISO9001)
			return tx.UpdateAuditTemplate(&b, 1, "x")
		}); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("edit a shipped template: %v", err)
		}
		// The ISO 13485 checklist is offered in ISO 13485 mode only.
		view(t, s, func(tx *store.Tx) error {
			all, err := tx.AuditTemplates()
			if len(all) != 3 || all[1].Key != qaudit.KeyFactory || all[2].Key != tpl.Key || len(all[2].Questions) != len(all[1].Questions)+1 {
				t.Errorf("templates without ISO 13485 mode: %d %v", len(all), err)
			}
			return err
		})
		med := &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "13485", Scope: "all", TemplateKey: qaudit.KeyISO13485, LeadID: f.lead.ID, PlannedStart: day("2026-05-04")}
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.PlanAudit(med) }); !strings.Contains(qms.ErrorFields(err)["template_key"], "ISO 13485 mode only") {
			t.Fatalf("ISO 13485 checklist without the mode: %v", err)
		}
		update(t, s, qmCtx(), func(tx *store.Tx) error { _, err := tx.SetISO13485Mode(true, 0, "medical devices"); return err })
		view(t, s, func(tx *store.Tx) error {
			all, err := tx.AuditTemplates()
			if len(all) != 4 || all[1].Key != qaudit.KeyISO13485 {
				t.Errorf("templates in ISO 13485 mode: %d %v", len(all), err)
			}
			return err
		})
		f.plan(t, s, med)

		var pg qaudit.Programme
		pg.Year = 2026
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error { return tx.CreateAuditProgramme(&pg) })
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.CreateAuditProgramme(&qaudit.Programme{Year: 2026}) }); qms.ErrorKind(err) != qms.KindConflict {
			t.Fatalf("second programme for 2026: %v", err)
		}
		it := &qaudit.ProgrammeItem{ProgrammeID: pg.ID, Subject: qaudit.SubjectSupplier, SupplierID: f.supID, Risk: qaudit.RiskHigh, TemplateKey: tpl.Key}
		clause := &qaudit.ProgrammeItem{ProgrammeID: pg.ID, Subject: qaudit.SubjectClause, Clause: "8.4", Risk: qaudit.RiskLow, TemplateKey: qaudit.KeyISO9001}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			if err := tx.AddProgrammeItem(it); err != nil {
				return err
			}
			return tx.AddProgrammeItem(clause)
		})
		a := f.supplierAudit()
		a.TemplateKey, a.ProgrammeItemID = tpl.Key, it.ID
		f.plan(t, s, a)
		_, qs, _ := getQAudit(t, s, a.ID)
		if qs[len(qs)-1].Clause != "11.1" {
			t.Errorf("the audit's checklist is not the copy's: last %+v", qs[len(qs)-1])
		}
		view(t, s, func(tx *store.Tx) error {
			got, err := tx.AuditProgramme(2026)
			if err != nil {
				return err
			}
			if len(got.Items) != 2 || len(got.Items[0].Slots) != 4 || got.Items[0].Slots[0].AuditID != a.ID || got.Items[1].Name != "Clause 8.4" ||
				got.Items[0].Name == "" || len(got.Items[1].Slots) != 1 {
				t.Errorf("programme %+v", got.Items)
			}
			return nil
		})
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error { return tx.RemoveProgrammeItem(clause.ID, "covered by the 9001 audit") })
		view(t, s, func(tx *store.Tx) error {
			got, err := tx.AuditProgramme(2026)
			if err == nil && len(got.Items) != 1 {
				t.Errorf("%d lines after removing one", len(got.Items))
			}
			return err
		})
		// Cancelling needs a reason.
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { _, err := tx.CancelAudit(a.ID, a.Version, ""); return err }); qms.ErrorFields(err)["reason"] == "" {
			t.Fatalf("cancel without reason: %v", err)
		}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error {
			_, err := tx.CancelAudit(a.ID, a.Version, "factory closed for holidays")
			return err
		})
	})
}

// TestQualityAuditIndependence: nobody audits their own process, as lead
// auditor or on the team, when planning or when the team changes; the
// process's name comes from the register.
func TestQualityAuditIndependence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newAuditFixture(t, s)
		proc := &process.Process{Name: "Purchasing", OwnerID: f.member.ID}
		update(t, s, actorCtx(f.qm), func(tx *store.Tx) error { return tx.CreateProcess(proc) })
		internal := func() *qaudit.QualityAudit {
			return &qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Purchasing 2026", Scope: "Supplier selection and evaluation", TemplateKey: qaudit.KeyISO9001,
				ProcessID: proc.ID, LeadID: f.lead.ID, PlannedStart: day("2026-04-01")}
		}
		a := internal()
		a.Team = []qaudit.TeamMember{{ID: f.member.ID}}
		err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.PlanAudit(a) })
		if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)["team.0"] == "" || !strings.Contains(qms.ErrorMessage(err), "Jörg Weiß owns Purchasing: nobody audits their own process") {
			t.Fatalf("owner on the team: %v", err)
		}
		a = internal()
		a.LeadID = f.member.ID
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.PlanAudit(a) }); qms.ErrorFields(err)["lead_id"] == "" {
			t.Fatalf("owner leads: %v", err)
		}
		if n := rowCount(t, s, "audits"); n != 0 {
			t.Fatalf("%d audits written", n)
		}
		a = f.plan(t, s, internal())
		if a.ProcessName != "Purchasing" {
			t.Errorf("process name %q", a.ProcessName)
		}
		in := *a
		in.Team = []qaudit.TeamMember{{ID: f.member.ID}}
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.UpdateAuditPlan(&in, a.Version, "more hands") }); qms.ErrorFields(err)["team.0"] == "" {
			t.Fatalf("owner added to the team: %v", err)
		}
		b := internal()
		b.ProcessID = 99999
		if err := s.Update(actorCtx(f.qm), func(tx *store.Tx) error { return tx.PlanAudit(b) }); qms.ErrorFields(err)["process_id"] == "" {
			t.Fatalf("unknown process: %v", err)
		}
	})
}
