package web

import (
	"time"

	"qms/internal/auditreport"
	"qms/internal/qaudit"
	"qms/internal/qauditops"
	"qms/internal/qms"
)

// qauditSamplePages returns sample data for the audit pages, full and
// nearly empty.
func qauditSamplePages() []page {
	now := time.Date(2026, 3, 11, 9, 30, 0, 0, time.UTC)
	score := 62.5
	a := qaudit.QualityAudit{ID: 12, Type: qaudit.TypeSupplier, Status: qaudit.StatusInProgress, Title: "Factory audit <script>alert(1)</script>",
		Scope: "Plant 1", Criteria: "ISO 9001:2015", TemplateKey: qaudit.KeyFactory, TemplateName: "Factory technical audit",
		SupplierID: 7, SupplierName: "东莞市精密五金有限公司", Auditee: "王芳", LeadID: 1, Lead: "Nguyễn Thị Lan",
		Team: []qaudit.TeamMember{{ID: 2, Name: "Jörg Weiß"}}, PlannedStart: qms.NewDate(2026, 3, 10), PlannedEnd: qms.NewDate(2026, 3, 11), Version: 3}
	done := a
	done.Status, done.CompletedOn, done.Score, done.Summary = qaudit.StatusCompleted, qms.NewDate(2026, 3, 11), &score, "Incoming control is weak."
	tpl, _ := qaudit.Builtin(qaudit.KeyFactory)
	qs := tpl.Checklist()[:4]
	qs[0].Grade = qaudit.GradeConform
	qs[1].Grade, qs[1].Evidence, qs[1].Photos = qaudit.GradeMajor, "No IQC records", []int64{5}
	qs[2].Grade, qs[2].Evidence = qaudit.GradeObservation, "faded copies"
	fs := []qaudit.AuditFinding{
		{ID: 31, AuditID: 12, Line: 2, Grade: qaudit.GradeMajor, Clause: "2.2", Question: qs[1].Text, Evidence: "No IQC records",
			Status: qaudit.FindingOpen, DueOn: qms.NewDate(2026, 4, 10), NCRID: 4, Version: 2},
		{ID: 32, AuditID: 12, Line: 3, Grade: qaudit.GradeObservation, Clause: "2.3", Question: qs[2].Text, Status: qaudit.FindingNoted},
		{ID: 33, AuditID: 12, Line: 4, Grade: qaudit.GradeMinor, Clause: "2.4", Question: "q", Evidence: "e", Status: qaudit.FindingClosed,
			CAPAID: 9, ClosureNote: "verified"},
	}
	running := &qauditops.AuditView{Audit: a, Questions: qs, Score: qaudit.ScoreOf(qs), CanConduct: true, CanManage: true}
	issued := &qauditops.AuditView{Audit: done, Questions: qs, Findings: fs, Score: qaudit.ScoreOf(qs), CanManage: true}
	planned := a
	planned.Status = qaudit.StatusPlanned
	opt := &qauditops.Options{Templates: qaudit.Builtins(), Processes: []qauditops.Option{{ID: 1, Name: "Purchasing"}},
		Suppliers: []qauditops.Option{{ID: 7, Name: "Dongguan Precision"}}, Auditors: []qauditops.Option{{ID: 1, Name: "Lan"}, {ID: 2, Name: "Jörg"}},
		Owners: []qauditops.Option{{ID: 1, Name: "Lan"}}}
	pg := &qaudit.Programme{ID: 1, Year: 2026, Title: "Audit programme 2026", Objectives: "Cover every process",
		Items: []qaudit.ProgrammeItem{{ID: 1, Subject: qaudit.SubjectSupplier, SupplierID: 7, Name: "Dongguan Precision", Risk: qaudit.RiskHigh, AuditType: qaudit.TypeSupplier,
			TemplateKey: qaudit.KeyFactory, Slots: qaudit.Schedule(2026, qaudit.RiskHigh, []qaudit.AuditRef{{ID: 12, PlannedStart: qms.NewDate(2026, 3, 10), Status: qaudit.StatusCompleted}}, qms.NewDate(2026, 8, 1))},
			{ID: 2, Subject: qaudit.SubjectProcess, ProcessID: 1, Name: "Purchasing", Risk: qaudit.RiskLow, AuditType: qaudit.TypeInternal, TemplateKey: qaudit.KeyISO9001,
				Slots: qaudit.Periods(2026, qaudit.RiskLow)}}}
	custom := qaudit.Template{Key: "custom-3", ID: 3, Name: "Plastics", Standard: "x", Questions: tpl.Questions[:2], Version: 1}
	rep := auditreport.Build(auditreport.Input{Audit: &done, Questions: qs, Findings: fs, Generated: now, Files: map[int64]auditreport.FileInfo{5: {Name: "a.jpg", Image: true}}})
	draft := auditreport.Build(auditreport.Input{Audit: &a, Questions: qs})
	return []page{
		&qauditListPage{layout: layout{Title: "Audits"}, Audits: []qaudit.QualityAudit{a, done}, Findings: fs, Statuses: qaudit.Statuses, Types: qaudit.Types,
			CanManage: true, Internal: true, Today: qms.NewDate(2026, 5, 1), NextURL: "/audits?before=3", Status: "completed"},
		&qauditListPage{layout: layout{Title: "Audits"}},
		&qauditFormPage{layout: layout{Title: "Plan an audit"}, Form: a, Opt: opt, Types: qaudit.Types, Errors: map[string]string{"team.0": "owns the process", "scope": "is required"}, Problem: "Some fields are not valid"},
		&qauditFormPage{layout: layout{Title: "Plan an audit"}, Opt: &qauditops.Options{}},
		&qauditShowPage{layout: layout{Title: "AUD-00012"}, V: running, Grades: qaudit.Grades, QLine: 2, QProblem: "Some fields are not valid",
			QErrors: map[string]string{"evidence": "is required"}, QForm: qaudit.Answer{Grade: qaudit.GradeMajor}},
		&qauditShowPage{layout: layout{Title: "AUD-00012"}, V: issued, Grades: qaudit.Grades, Owners: opt.Owners, Today: qms.NewDate(2026, 5, 1), Problem: "x"},
		&qauditShowPage{layout: layout{Title: "AUD-00012"}, V: &qauditops.AuditView{Audit: planned, CanConduct: true, CanManage: true}},
		&qauditReportPage{layout: layout{Title: "report"}, R: rep, PDF: "/audits/12/report.pdf", Back: "/audits/12"},
		&qauditReportPage{layout: layout{Title: "report"}, R: draft},
		&qauditProgrammePage{layout: layout{Title: "Programme"}, Year: 2026, P: pg, Programmes: []qaudit.Programme{*pg}, Opt: opt, Tally: slotTally(pg.Items),
			Risks: qaudit.Risks, Subjects: qaudit.Subjects, CanManage: true, Problem: "bad", Errors: map[string]string{"risk": "must be"}},
		&qauditProgrammePage{layout: layout{Title: "Programme"}, Year: 2027, CanManage: true},
		&qauditProgrammePage{layout: layout{Title: "Programme"}, Year: 2026, P: &qaudit.Programme{Year: 2026}},
		&qauditTemplatesPage{layout: layout{Title: "Checklists"}, Templates: append(qaudit.Builtins(), custom), CanManage: true, Problem: "x"},
		&qauditTemplatePage{layout: layout{Title: "Plastics"}, T: &custom, Text: templateText(custom.Questions), CanEdit: true, Problem: "x", Errors: map[string]string{"questions": "line 2"}},
		&qauditTemplatePage{layout: layout{Title: "ISO"}, T: &tpl},
	}
}
