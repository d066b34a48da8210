package qaudit_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"qms/internal/qaudit"
	"qms/internal/qms"
)

var clauseRE = regexp.MustCompile(`\b\d{1,2}(?:\.\d{1,2})+\b`)

// TestISO9001TemplateEverySubclause checks that the shipped ISO 9001
// checklist asks about exactly the subclauses listed in domain.md §5.1
// (copied to testdata/domain-5.1.md): every one from 4.1 to 10.3, none
// more.
func TestISO9001TemplateEverySubclause(t *testing.T) {
	b, err := os.ReadFile("testdata/domain-5.1.md")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| **") {
			continue // only the rows of the clause table
		}
		_, cells, _ := strings.Cut(strings.TrimPrefix(line, "| **"), "** |")
		for _, c := range clauseRE.FindAllString(cells, -1) {
			if !slices.Contains(want, c) {
				want = append(want, c)
			}
		}
	}
	if len(want) < 80 || want[0] != "4.1" || want[len(want)-1] != "10.3" {
		t.Fatalf("parsed %d subclauses from %s to %s; the table in testdata changed?", len(want), want[0], want[len(want)-1])
	}
	tpl, ok := qaudit.Builtin(qaudit.KeyISO9001)
	if !ok {
		t.Fatal("no ISO 9001 template")
	}
	got := tpl.Clauses()
	for _, c := range want {
		if !slices.Contains(got, c) {
			t.Errorf("subclause %s of domain.md §5.1 has no question", c)
		}
	}
	for _, c := range got {
		if !slices.Contains(want, c) {
			t.Errorf("the template asks about %s, which is not a subclause of domain.md §5.1", c)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("clause order differs:\n got %v\nwant %v", got, want)
	}
}

// TestISO13485TemplateCoversDifferences checks that every ISO 13485
// clause named in domain.md §5.3 (ranges such as 7.3.1–7.3.10 expanded) is
// asked about by a question of that clause or one of its subclauses.
func TestISO13485TemplateCoversDifferences(t *testing.T) {
	b, err := os.ReadFile("testdata/domain-5.3.md")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	rangeRE := regexp.MustCompile(`(\d+\.\d+)\.(\d+)–(\d+\.\d+)\.(\d+)`)
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| Topic") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		iso13485 := cells[2] // the ISO 13485 column
		for _, m := range rangeRE.FindAllStringSubmatch(iso13485, -1) {
			from, _ := strconv.Atoi(m[2])
			to, _ := strconv.Atoi(m[4])
			for i := from; i <= to; i++ {
				want = append(want, m[1]+"."+strconv.Itoa(i))
			}
		}
		want = append(want, clauseRE.FindAllString(iso13485, -1)...)
	}
	if len(want) < 30 {
		t.Fatalf("parsed only %d clauses", len(want))
	}
	tpl, _ := qaudit.Builtin(qaudit.KeyISO13485)
	got := tpl.Clauses()
	for _, c := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return g == c || strings.HasPrefix(g, c+".") }) {
			t.Errorf("ISO 13485 clause %s of domain.md §5.3 has no question", c)
		}
	}
}

func TestFactoryTemplateAreas(t *testing.T) {
	tpl, _ := qaudit.Builtin(qaudit.KeyFactory)
	var areas []string
	for _, q := range tpl.Questions {
		if !slices.Contains(areas, q.Section) {
			areas = append(areas, q.Section)
		}
		if !strings.HasSuffix(q.Text, "?") || q.Guidance == "" {
			t.Errorf("%s %q: a question with the evidence to ask for", q.Clause, q.Text)
		}
	}
	want := []string{"QMS", "Incoming control", "Production control", "Final inspection", "Nonconforming product", "CAPA",
		"Calibration", "Traceability", "Training", "Facility"}
	if !slices.Equal(areas, want) {
		t.Errorf("areas %v, want %v", areas, want)
	}
	if len(tpl.Questions) < 30 {
		t.Errorf("only %d questions", len(tpl.Questions))
	}
}

func TestBuiltinsAreCopies(t *testing.T) {
	a := qaudit.Builtins()
	a[0].Questions[0].Text = "changed"
	b, _ := qaudit.Builtin(a[0].Key)
	if b.Questions[0].Text == "changed" {
		t.Fatal("Builtins shares its questions with callers")
	}
	cl := b.Checklist()
	if cl[0].Line != 1 || cl[len(cl)-1].Line != len(cl) || cl[0].Grade != "" {
		t.Errorf("checklist %+v", cl[0])
	}
}

func TestTemplateValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tpl   qaudit.Template
		field string
	}{
		{"no name", qaudit.Template{Standard: "x", Questions: []qaudit.TemplateQuestion{{Clause: "1", Text: "q?"}}}, "name"},
		{"no questions", qaudit.Template{Name: "n", Standard: "x"}, "questions"},
		{"question without text", qaudit.Template{Name: "n", Standard: "x", Questions: []qaudit.TemplateQuestion{{Clause: "1"}}}, "questions.0.text"},
		{"question without clause", qaudit.Template{Name: "n", Standard: "x", Questions: []qaudit.TemplateQuestion{{Text: "q?"}}}, "questions.0.clause"},
		{"no standard", qaudit.Template{Name: "n", Questions: []qaudit.TemplateQuestion{{Clause: "1", Text: "q?"}}}, "standard"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.tpl.Validate()
			if _, ok := qms.ErrorFields(err)[tc.field]; !ok {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
	if _, ok := qaudit.ParseCustomKey(qaudit.CustomKey(42)); !ok {
		t.Error("custom key does not parse")
	}
	if _, ok := qaudit.ParseCustomKey(qaudit.KeyISO9001); ok {
		t.Error("a builtin key parses as custom")
	}
}

func qs(grades ...qaudit.Grade) []qaudit.Question {
	out := make([]qaudit.Question, len(grades))
	for i, g := range grades {
		out[i] = qaudit.Question{Line: i + 1, Clause: strconv.Itoa(i + 1), Text: "q?", Grade: g, Evidence: "seen"}
	}
	return out
}

func TestScore(t *testing.T) {
	const (
		C  = qaudit.GradeConform
		Mi = qaudit.GradeMinor
		Ma = qaudit.GradeMajor
		O  = qaudit.GradeObservation
		F  = qaudit.GradeOFI
		NA = qaudit.GradeNA
	)
	for _, tc := range []struct {
		name   string
		grades []qaudit.Grade
		want   float64
		has    bool
	}{
		{"nothing answered", []qaudit.Grade{"", ""}, 0, false},
		{"all not applicable", []qaudit.Grade{NA, NA}, 0, false},
		{"all conform", []qaudit.Grade{C, C, C, C}, 100, true},
		{"observations and OFIs count as conform", []qaudit.Grade{C, O, F, C}, 100, true},
		{"one minor in ten", []qaudit.Grade{Mi, C, C, C, C, C, C, C, C, C}, 90, true},
		{"one major in ten weighs three", []qaudit.Grade{Ma, C, C, C, C, C, C, C, C, C}, 70, true},
		{"N/A leaves the denominator", []qaudit.Grade{Mi, C, C, C, NA, NA}, 75, true},
		{"unanswered leaves the denominator", []qaudit.Grade{Mi, C, C, C, ""}, 75, true},
		{"floor at zero", []qaudit.Grade{Ma, Ma, C}, 0, true},
		{"rounded to one decimal", []qaudit.Grade{Mi, C, C}, 66.7, true},
		{"major and minor", []qaudit.Grade{Ma, Mi, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C, C}, 80, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := qaudit.ScoreOf(qs(tc.grades...))
			if s.HasScore != tc.has || s.Percent != tc.want {
				t.Fatalf("score %v (has %v), want %v (has %v): %+v", s.Percent, s.HasScore, tc.want, tc.has, s)
			}
		})
	}
	s := qaudit.ScoreOf(qs(C, Mi, Ma, O, F, NA, ""))
	if s.Questions != 7 || s.Applicable != 5 || s.Conform != 1 || s.Minor != 1 || s.Major != 1 || s.Observation != 1 || s.OFI != 1 || s.NA != 1 || s.Unanswered != 1 {
		t.Errorf("tally %+v", s)
	}
}

func TestAnswerValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		a     qaudit.Answer
		field string
	}{
		{"major without evidence", qaudit.Answer{Grade: qaudit.GradeMajor, Evidence: "  "}, "evidence"},
		{"minor without evidence", qaudit.Answer{Grade: qaudit.GradeMinor}, "evidence"},
		{"unknown grade", qaudit.Answer{Grade: "bad"}, "grade"},
		{"bad photo id", qaudit.Answer{Grade: qaudit.GradeConform, Photos: []int64{0}}, "photos"},
		{"control character", qaudit.Answer{Grade: qaudit.GradeConform, Evidence: "a\x00b"}, "evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate()
			if _, ok := qms.ErrorFields(err)[tc.field]; !ok {
				t.Fatalf("want a problem with %s, got %v", tc.field, err)
			}
		})
	}
	for _, a := range []qaudit.Answer{{Grade: "Conform"}, {Grade: qaudit.GradeObservation}, {Grade: qaudit.GradeNA}, {Grade: qaudit.GradeMajor, Evidence: "No calibration record for gauge G-12"}} {
		if err := a.Validate(); err != nil {
			t.Errorf("%+v: %v", a, err)
		}
	}
}

func TestNext(t *testing.T) {
	ok := map[[2]string]qaudit.Status{
		{"planned", "start"}:        qaudit.StatusInProgress,
		{"in_progress", "complete"}: qaudit.StatusCompleted,
		{"completed", "close"}:      qaudit.StatusClosed,
		{"planned", "cancel"}:       qaudit.StatusCancelled,
		{"in_progress", "cancel"}:   qaudit.StatusCancelled,
	}
	for _, s := range qaudit.Statuses {
		for _, m := range []qaudit.Move{qaudit.MoveStart, qaudit.MoveComplete, qaudit.MoveClose, qaudit.MoveCancel} {
			got, err := qaudit.Next(s, m)
			want, allowed := ok[[2]string{string(s), string(m)}]
			if allowed && (err != nil || got != want) {
				t.Errorf("%s + %s = %s, %v; want %s", s, m, got, err, want)
			}
			if !allowed && qms.ErrorKind(err) != qms.KindConflict {
				t.Errorf("%s + %s: want a conflict, got %v", s, m, err)
			}
		}
	}
}

func validAudit() qaudit.QualityAudit {
	return qaudit.QualityAudit{Type: qaudit.TypeInternal, Title: "Purchasing", Scope: "Purchasing process 2026", Criteria: "ISO 9001:2015",
		ProcessID: 3, ProcessName: "Purchasing", LeadID: 1, Lead: "Ana", Team: []qaudit.TeamMember{{ID: 2, Name: "Bo"}, {ID: 1, Name: "Ana"}},
		PlannedStart: qms.NewDate(2026, 3, 2)}
}

func TestAuditValidate(t *testing.T) {
	a := validAudit()
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(a.Team) != 1 || a.PlannedEnd != a.PlannedStart {
		t.Errorf("team %v (the lead is not repeated), end %v", a.Team, a.PlannedEnd)
	}
	for _, tc := range []struct {
		name   string
		change func(*qaudit.QualityAudit)
		field  string
	}{
		{"no scope", func(a *qaudit.QualityAudit) { a.Scope = "" }, "scope"},
		{"no criteria", func(a *qaudit.QualityAudit) { a.Criteria = "" }, "criteria"},
		{"no lead", func(a *qaudit.QualityAudit) { a.LeadID = 0 }, "lead_id"},
		{"supplier audit without supplier", func(a *qaudit.QualityAudit) { a.Type, a.ProcessID = qaudit.TypeSupplier, 0 }, "supplier_id"},
		{"internal audit of a supplier", func(a *qaudit.QualityAudit) { a.SupplierID = 4 }, "supplier_id"},
		{"end before start", func(a *qaudit.QualityAudit) { a.PlannedEnd = qms.NewDate(2026, 3, 1) }, "planned_end"},
		{"no start", func(a *qaudit.QualityAudit) { a.PlannedStart = qms.Date{} }, "planned_start"},
		{"bad type", func(a *qaudit.QualityAudit) { a.Type = "social" }, "type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := validAudit()
			tc.change(&a)
			if _, ok := qms.ErrorFields(a.Validate())[tc.field]; !ok {
				t.Fatalf("want a problem with %s, got %v", tc.field, a.Validate())
			}
		})
	}
}

func TestIndependence(t *testing.T) {
	a := validAudit()
	_ = a.Validate()
	if err := a.CheckIndependence(0, ""); err != nil {
		t.Errorf("no owner known: %v", err)
	}
	if err := a.CheckIndependence(9, "Cy"); err != nil {
		t.Errorf("owner not on the team: %v", err)
	}
	err := a.CheckIndependence(1, "Ana")
	if qms.ErrorKind(err) != qms.KindInvalid || !strings.Contains(qms.ErrorMessage(err), "nobody audits their own process") || qms.ErrorFields(err)["lead_id"] == "" {
		t.Errorf("lead owns the process: %v", err)
	}
	err = a.CheckIndependence(2, "Bo")
	if qms.ErrorFields(err)["team.0"] == "" || !strings.Contains(qms.ErrorMessage(err), "Bo owns Purchasing") {
		t.Errorf("team member owns the process: %v", err)
	}
}

func TestFindingsAndClosing(t *testing.T) {
	day := qms.NewDate(2026, 5, 4)
	q := qs(qaudit.GradeConform, qaudit.GradeMajor, qaudit.GradeMinor, qaudit.GradeObservation, qaudit.GradeOFI, qaudit.GradeNA)
	fs := qaudit.FindingsOf(q, day)
	if len(fs) != 4 {
		t.Fatalf("%d findings, want 4 (every answer but conform and N/A)", len(fs))
	}
	if fs[0].Grade != qaudit.GradeMajor || fs[0].Status != qaudit.FindingOpen || fs[0].DueOn != qms.NewDate(2026, 6, 3) {
		t.Errorf("major %+v", fs[0])
	}
	if fs[1].DueOn != qms.NewDate(2026, 8, 2) || fs[2].Status != qaudit.FindingNoted || !fs[2].DueOn.IsZero() {
		t.Errorf("minor %+v observation %+v", fs[1], fs[2])
	}
	if qaudit.AllClosed(fs) {
		t.Error("open nonconformities, yet all closed")
	}
	major := fs[0]
	major.ID = 7
	if err := qaudit.CheckCloseFinding(&major, "verified", nil); qms.ErrorFields(err)["capa_id"] == "" {
		t.Errorf("a major closed without CAPA or NCR: %v", err)
	}
	major.CAPAID = 3
	if err := qaudit.CheckCloseFinding(&major, "verified", []string{"CAPA-00003"}); !strings.Contains(qms.ErrorFields(err)["capa_id"], "CAPA-00003 must be closed first") {
		t.Errorf("closed while its CAPA is open: %v", err)
	}
	if err := qaudit.CheckCloseFinding(&major, " ", nil); qms.ErrorFields(err)["note"] == "" {
		t.Errorf("closed without a note: %v", err)
	}
	if err := qaudit.CheckCloseFinding(&major, "Re-audited 2026-06-01: calibration records complete", nil); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := qaudit.CheckCloseFinding(&fs[2], "x", nil); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("closing a noted observation: %v", err)
	}
	for i := range fs {
		if fs[i].Status == qaudit.FindingOpen {
			fs[i].Status = qaudit.FindingClosed
		}
	}
	if !qaudit.AllClosed(fs) {
		t.Error("all closed or noted, yet not all closed")
	}
	if id, ok := qaudit.ParseFindingNumber("af-00042"); !ok || id != 42 {
		t.Errorf("parse AF-00042: %d %v", id, ok)
	}
	for _, s := range []string{"AF-", "AF-x1", "NCR-00001", "AF-0"} {
		if _, ok := qaudit.ParseFindingNumber(s); ok {
			t.Errorf("%q parsed as a finding number", s)
		}
	}
}

func TestCheckComplete(t *testing.T) {
	err := qaudit.CheckComplete(qs(qaudit.GradeConform, ""), "Good")
	if !strings.Contains(qms.ErrorFields(err)["questions"], "1 question(s) are not answered yet (clauses 2)") {
		t.Errorf("unanswered: %v", err)
	}
	if err := qaudit.CheckComplete(qs(qaudit.GradeConform), ""); qms.ErrorFields(err)["summary"] == "" {
		t.Errorf("no summary: %v", err)
	}
	if err := qaudit.CheckComplete(qs(qaudit.GradeConform, qaudit.GradeNA), "Good"); err != nil {
		t.Error(err)
	}
}

func TestSchedule(t *testing.T) {
	today := qms.NewDate(2026, 8, 15)
	for _, tc := range []struct {
		risk   qaudit.Risk
		audits []qaudit.AuditRef
		want   []qaudit.SlotStatus
	}{
		{qaudit.RiskHigh, nil, []qaudit.SlotStatus{"overdue", "overdue", "planned", "planned"}},
		{qaudit.RiskHigh, []qaudit.AuditRef{
			{ID: 1, PlannedStart: qms.NewDate(2026, 2, 10), Status: qaudit.StatusClosed},
			{ID: 2, PlannedStart: qms.NewDate(2026, 6, 30), Status: qaudit.StatusCancelled},
			{ID: 3, PlannedStart: qms.NewDate(2026, 8, 1), Status: qaudit.StatusInProgress},
			{ID: 4, PlannedStart: qms.NewDate(2026, 11, 1), Status: qaudit.StatusPlanned},
		}, []qaudit.SlotStatus{"done", "overdue", "scheduled", "scheduled"}},
		{qaudit.RiskMedium, []qaudit.AuditRef{{ID: 5, PlannedStart: qms.NewDate(2026, 6, 30), Status: qaudit.StatusCompleted}}, []qaudit.SlotStatus{"done", "planned"}},
		{qaudit.RiskMedium, []qaudit.AuditRef{{ID: 6, PlannedStart: qms.NewDate(2026, 3, 1), Status: qaudit.StatusInProgress}}, []qaudit.SlotStatus{"overdue", "planned"}},
		{qaudit.RiskLow, []qaudit.AuditRef{{ID: 7, PlannedStart: qms.NewDate(2025, 12, 31), Status: qaudit.StatusClosed}}, []qaudit.SlotStatus{"planned"}},
	} {
		slots := qaudit.Schedule(2026, tc.risk, tc.audits, today)
		var got []qaudit.SlotStatus
		for _, s := range slots {
			got = append(got, s.Status)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s %v: %v, want %v", tc.risk, tc.audits, got, tc.want)
		}
	}
	p := qaudit.Periods(2026, qaudit.RiskHigh)
	if p[1].From != qms.NewDate(2026, 4, 1) || p[1].To != qms.NewDate(2026, 6, 30) || p[3].To != qms.NewDate(2026, 12, 31) {
		t.Errorf("quarters %+v", p)
	}
	if l := qaudit.Periods(2026, qaudit.RiskLow); len(l) != 1 || l[0].To != qms.NewDate(2026, 12, 31) {
		t.Errorf("year %+v", l)
	}
}

func TestItemValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		it    qaudit.ProgrammeItem
		field string
	}{
		{"no risk", qaudit.ProgrammeItem{Subject: qaudit.SubjectClause, Clause: "8.4", TemplateKey: "k"}, "risk"},
		{"supplier without id", qaudit.ProgrammeItem{Subject: qaudit.SubjectSupplier, Risk: qaudit.RiskHigh, TemplateKey: "k"}, "supplier_id"},
		{"clause without clause", qaudit.ProgrammeItem{Subject: qaudit.SubjectClause, Risk: qaudit.RiskLow, TemplateKey: "k"}, "clause"},
		{"supplier audit of a process", qaudit.ProgrammeItem{Subject: qaudit.SubjectProcess, Name: "P", Risk: qaudit.RiskLow, AuditType: qaudit.TypeSupplier, TemplateKey: "k"}, "audit_type"},
		{"no template", qaudit.ProgrammeItem{Subject: qaudit.SubjectProcess, Name: "P", Risk: qaudit.RiskLow}, "template_key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := qms.ErrorFields(tc.it.Validate())[tc.field]; !ok {
				t.Fatalf("want a problem with %s, got %v", tc.field, tc.it.Validate())
			}
		})
	}
	it := qaudit.ProgrammeItem{Subject: qaudit.SubjectSupplier, SupplierID: 3, Risk: qaudit.RiskHigh, TemplateKey: qaudit.KeyFactory}
	if err := it.Validate(); err != nil || it.AuditType != qaudit.TypeSupplier {
		t.Errorf("%v %s", err, it.AuditType)
	}
}

func TestPermissions(t *testing.T) {
	sup := int64(4)
	other := int64(5)
	qm := qms.Actor{UserID: 1, Role: qms.RoleQualityManager}
	aud := qms.Actor{UserID: 2, Role: qms.RoleAuditor}
	outsider := qms.Actor{UserID: 3, Role: qms.RoleAuditor}
	viewer := qms.Actor{UserID: 2, Role: qms.RoleViewer}
	supUser := qms.Actor{UserID: 9, Role: qms.RoleSupplier, SupplierID: &sup}
	otherSup := qms.Actor{UserID: 10, Role: qms.RoleSupplier, SupplierID: &other}
	internal := &qaudit.QualityAudit{ID: 1, Type: qaudit.TypeInternal, Status: qaudit.StatusCompleted, LeadID: 2}
	supAudit := &qaudit.QualityAudit{ID: 2, Type: qaudit.TypeSupplier, SupplierID: sup, Status: qaudit.StatusCompleted, LeadID: 2}
	running := &qaudit.QualityAudit{ID: 3, Type: qaudit.TypeSupplier, SupplierID: sup, Status: qaudit.StatusInProgress, LeadID: 2}
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"manager manages", qaudit.CanManage(qm), true},
		{"auditor does not manage", qaudit.CanManage(aud), false},
		{"team auditor conducts", qaudit.CanConduct(aud, internal), true},
		{"auditor off the team does not conduct", qaudit.CanConduct(outsider, internal), false},
		{"viewer on the team does not conduct", qaudit.CanConduct(viewer, internal), false},
		{"manager conducts any", qaudit.CanConduct(qm, supAudit), true},
		{"supplier never sees internal audits", qaudit.CanSee(supUser, internal), false},
		{"supplier sees its issued audit", qaudit.CanSee(supUser, supAudit), true},
		{"supplier does not see a running audit", qaudit.CanSee(supUser, running), false},
		{"supplier does not see another's audit", qaudit.CanSee(otherSup, supAudit), false},
		{"viewer sees", qaudit.CanSee(viewer, internal), true},
		{"supplier does not see the programme", qaudit.CanSeeProgramme(supUser), false},
		{"supplier user is no auditor", qaudit.CanBeAuditor(qms.RoleSupplier), false},
		{"inspector may audit", qaudit.CanBeAuditor(qms.RoleInspector), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v", tc.name, tc.got)
		}
	}
}
