package evidence

import (
	"slices"
	"strings"
	"testing"

	"qms/internal/qms"
)

// TestGapRules checks each gap rule at its boundaries.
func TestGapRules(t *testing.T) {
	today := qms.NewDate(2026, 3, 15)
	base := func() Facts {
		return Facts{Today: today, LastReview: qms.NewDate(2025, 9, 1), ProcessesKnown: true, DocumentsKnown: true,
			Processes: []ProcessAudit{{Name: "Purchasing", LastAudit: qms.NewDate(2025, 10, 1)}}}
	}
	cases := []struct {
		name   string
		change func(f *Facts)
		rules  []Rule
		text   string // part of the first gap's text
	}{
		{"all well", func(f *Facts) {}, nil, ""},
		{"no review ever", func(f *Facts) { f.LastReview = qms.Date{} }, []Rule{RuleNoReview}, "No management review has been held"},
		{"review exactly 12 months ago", func(f *Facts) { f.LastReview = qms.NewDate(2025, 3, 15) }, nil, ""},
		{"review 12 months and a day ago", func(f *Facts) { f.LastReview = qms.NewDate(2025, 3, 14) }, []Rule{RuleNoReview}, "last was held on 2025-03-14"},
		{"process never audited", func(f *Facts) { f.Processes = append(f.Processes, ProcessAudit{Name: "Design"}) }, []Rule{RuleProcessNotAudited}, "Design"},
		{"process audited 13 months ago", func(f *Facts) { f.Processes[0].LastAudit = qms.NewDate(2025, 2, 1) }, []Rule{RuleProcessNotAudited}, "Purchasing (last 2025-02-01)"},
		{"processes unknown", func(f *Facts) { f.ProcessesKnown = false; f.Processes[0].LastAudit = qms.Date{} }, nil, ""},
		{"documents past review", func(f *Facts) { f.DocumentsPastReview = []string{"QP-001", "QP-002"} }, []Rule{RuleDocumentsPastReview}, "2 document(s) past their periodic review date: QP-001, QP-002"},
		{"documents unknown", func(f *Facts) { f.DocumentsKnown = false; f.OverdueAcknowledgements = 3 }, nil, ""},
		{"overdue acknowledgements", func(f *Facts) { f.OverdueAcknowledgements = 3 }, []Rule{RuleOverdueAcks}, "3 read-and-understood"},
		{"approved with expired certificate", func(f *Facts) { f.ApprovedExpired = []string{"华强电子"} }, []Rule{RuleApprovedExpired}, "华强电子"},
		{"overdue CAPAs", func(f *Facts) { f.OverdueCAPAs = 2 }, []Rule{RuleOverdueCAPAs}, "2 CAPA(s)"},
		{"objectives not met", func(f *Facts) { f.ObjectivesNotMet = []string{"Lot acceptance ≥ 97 %"} }, []Rule{RuleObjectivesNotMet}, "Lot acceptance"},
		{"overdue review actions", func(f *Facts) { f.OverdueReviewActions = 1 }, []Rule{RuleOverdueReviewActions}, "1 management review action"},
		{"many, in clause order", func(f *Facts) {
			f.LastReview, f.OverdueCAPAs, f.ObjectivesNotMet, f.DocumentsPastReview = qms.Date{}, 1, []string{"x"}, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
		}, []Rule{RuleObjectivesNotMet, RuleDocumentsPastReview, RuleNoReview, RuleOverdueCAPAs}, "x"},
	}
	for _, c := range cases {
		f := base()
		c.change(&f)
		gaps := Gaps(f)
		var rules []Rule
		for _, g := range gaps {
			rules = append(rules, g.Rule)
			if g.Text == "" || g.Clause == "" || g.Path == "" {
				t.Errorf("%s: incomplete gap %+v", c.name, g)
			}
		}
		if !slices.Equal(rules, c.rules) {
			t.Errorf("%s: rules %v, want %v", c.name, rules, c.rules)
			continue
		}
		if c.text != "" && !strings.Contains(gaps[0].Text, c.text) {
			t.Errorf("%s: %q does not say %q", c.name, gaps[0].Text, c.text)
		}
	}
	long := Gaps(Facts{Today: today, LastReview: today, DocumentsKnown: true, DocumentsPastReview: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}})
	if !strings.HasSuffix(long[0].Text, "h and 2 more.") {
		t.Errorf("long list: %q", long[0].Text)
	}
}

// TestClauses: every ISO 9001:2015 subclause 4.1-10.3 (4/3/3/5/7/3/3, as
// in domain.md §5.1) is in the map once, each with evidence kinds known
// to the package.
func TestClauses(t *testing.T) {
	want := map[string]int{"4": 4, "5": 3, "6": 3, "7": 5, "8": 7, "9": 3, "10": 3}
	got := map[string]int{}
	seen := map[string]bool{}
	for _, c := range ISO9001Clauses {
		if seen[c.Number] {
			t.Errorf("clause %s twice", c.Number)
		}
		seen[c.Number] = true
		got[strings.Split(c.Number, ".")[0]]++
		if len(c.Evidence) == 0 || c.Title == "" {
			t.Errorf("clause %s: %+v", c.Number, c)
		}
		for _, k := range append(slices.Clone(c.Evidence), clausesOf13485Kinds()...) {
			if k.Label() == string(k) || k.Path() == "" {
				t.Errorf("kind %s has no label or path", k)
			}
		}
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("clause %s: %d subclauses, want %d", k, got[k], n)
		}
	}
	if len(RequiredProcedures) < 25 {
		t.Errorf("only %d ISO 13485 procedures", len(RequiredProcedures))
	}
}

func clausesOf13485Kinds() []Kind {
	var out []Kind
	for _, c := range ISO13485Clauses {
		out = append(out, c.Evidence...)
	}
	return out
}

// TestMatchProcedures: a procedure is covered by the clause in the
// document's number or title, or a keyword of its title; the rest are
// missing.
func TestMatchProcedures(t *testing.T) {
	docs := []ProcedureDoc{
		{ID: 1, Number: "QP-08", Title: "Complaint handling and regulatory reporting"},
		{ID: 2, Number: "QP-13485 7.5.9", Title: "Lot tracking"},
		{ID: 3, Number: "QP-20", Title: "Sales meeting"},
	}
	ps := MatchProcedures(docs)
	byClause := map[string]ProcedureStatus{}
	for _, p := range ps {
		byClause[p.Procedure.Clause] = p
	}
	if p := byClause["8.2.2"]; !p.Documented() || p.Links[0] != 1 {
		t.Errorf("8.2.2: %+v", p)
	}
	if p := byClause["7.5.9"]; !p.Documented() || p.Links[0] != 2 {
		t.Errorf("7.5.9 by number: %+v", p)
	}
	if p := byClause["7.5.2"]; p.Documented() {
		t.Errorf("7.5.2: %+v", p)
	}
	missing := Missing(ps)
	if len(missing) != len(RequiredProcedures)-3 || !byClause["8.2.3"].Documented() || !slices.Contains(missing, "8.3.4 Rework") {
		t.Errorf("missing %d: %v", len(missing), missing)
	}
}
