package document

import (
	"strings"
	"testing"
	"time"

	"qms/internal/qms"
)

// TestNext: every action from every status, allowed or refused, against a
// table written out by hand.
func TestNext(t *testing.T) {
	D, R, A, E, S, O := StatusDraft, StatusInReview, StatusApproved, StatusEffective, StatusSuperseded, StatusObsolete
	allowed := map[Action]map[Status]Status{
		ActionEdit:      {D: D},
		ActionSubmit:    {D: R},
		ActionReview:    {R: R},
		ActionReturn:    {R: D},
		ActionApprove:   {R: A},
		ActionSchedule:  {A: A},
		ActionEffective: {A: E},
		ActionSupersede: {E: S},
		ActionObsolete:  {A: O, E: O},
	}
	if len(allowed) != len(Actions) {
		t.Fatalf("the table covers %d actions, the workflow has %d", len(allowed), len(Actions))
	}
	for _, a := range Actions {
		for _, s := range Statuses {
			to, err := Next(a, s)
			want, ok := allowed[a][s]
			switch {
			case ok && (err != nil || to != want):
				t.Errorf("%s from %s: got %s, %v; want %s", a, s, to, err, want)
			case !ok && qms.ErrorKind(err) != qms.KindConflict:
				t.Errorf("%s from %s: got %s, %v; want a conflict", a, s, to, err)
			case !ok && !strings.Contains(qms.ErrorMessage(err), strings.ToLower(s.Label())):
				t.Errorf("%s from %s: message %q does not say the status", a, s, qms.ErrorMessage(err))
			}
		}
	}
	if _, err := Next("publish", StatusDraft); qms.ErrorKind(err) != qms.KindInvalid {
		t.Errorf("an unknown action: %v", err)
	}
}

var (
	author    = qms.Actor{UserID: 1, Name: "Anna", Role: qms.RoleQualityManager}
	approver  = qms.Actor{UserID: 2, Name: "Paul", Role: qms.RoleQualityManager}
	reviewer  = qms.Actor{UserID: 3, Name: "Rita", Role: qms.RoleViewer}
	inspector = qms.Actor{UserID: 4, Name: "Ivo", Role: qms.RoleInspector}
	supplierA = qms.Actor{UserID: 5, Name: "Sam", Role: qms.RoleSupplier}
)

func inReview(decisions ...ReviewDecision) *Revision {
	r := &Revision{Status: StatusInReview, AuthorID: author.UserID, Body: "x", ChangeDescription: "first"}
	for i, d := range decisions {
		r.Reviewers = append(r.Reviewers, Reviewer{UserID: int64(10 + i), Name: "R" + string(rune('A'+i)), Decision: d})
	}
	return r
}

func TestCheckApprove(t *testing.T) {
	for _, c := range []struct {
		name string
		a    qms.Actor
		r    *Revision
		want qms.Kind // KindInternal: allowed
	}{
		{"another quality manager, all agree", approver, inReview(ReviewApproved, ReviewApproved), qms.KindInternal},
		{"the author alone", author, inReview(ReviewApproved), qms.KindForbidden},
		{"an inspector", inspector, inReview(ReviewApproved), qms.KindForbidden},
		{"a supplier", supplierA, inReview(ReviewApproved), qms.KindForbidden},
		{"a review pending", approver, inReview(ReviewApproved, ReviewPending), qms.KindConflict},
		{"changes requested", approver, inReview(ReviewChanges), qms.KindConflict},
		{"no reviewers", approver, inReview(), qms.KindConflict},
		{"a draft", approver, &Revision{Status: StatusDraft, AuthorID: 1}, qms.KindConflict},
	} {
		err := CheckApprove(c.a, c.r)
		if got := qms.ErrorKind(err); err == nil && c.want != qms.KindInternal || err != nil && got != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
}

func TestCheckSubmitAndReview(t *testing.T) {
	r := &Revision{Status: StatusDraft, AuthorID: author.UserID, ChangeDescription: "first"}
	err := CheckSubmit(author, r)
	if f := qms.ErrorFields(err); f["body"] == "" || f["reviewers"] == "" {
		t.Errorf("empty draft without reviewers: %v", err)
	}
	r.Body = "# Scope"
	r.Reviewers = []Reviewer{{UserID: author.UserID}}
	if f := qms.ErrorFields(CheckSubmit(author, r)); !strings.Contains(f["reviewers"], "author") {
		t.Errorf("the author as reviewer: %v", f)
	}
	r.Reviewers = []Reviewer{{UserID: reviewer.UserID, Name: "Rita"}}
	if err := CheckSubmit(author, r); err != nil {
		t.Errorf("a complete draft: %v", err)
	}
	if err := CheckSubmit(reviewer, r); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("a viewer submits: %v", err)
	}
	r.Status = StatusInReview
	if err := CheckReview(inspector, r, ReviewApproved, ""); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("a reviewer not named: %v", err)
	}
	if f := qms.ErrorFields(CheckReview(reviewer, r, ReviewChanges, " ")); f["comment"] == "" {
		t.Errorf("changes without saying which: %v", f)
	}
	if err := CheckReview(reviewer, r, ReviewApproved, ""); err != nil {
		t.Errorf("the named reviewer: %v", err)
	}
}

func TestCheckEffective(t *testing.T) {
	approved := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	r := &Revision{Status: StatusApproved, ApprovedAt: &approved}
	today := qms.NewDate(2026, 3, 12)
	for _, c := range []struct {
		on   qms.Date
		a    qms.Actor
		want Action
		kind qms.Kind
	}{
		{qms.NewDate(2026, 3, 9), approver, "", qms.KindInvalid}, // before approval
		{qms.Date{}, approver, "", qms.KindInvalid},
		{qms.NewDate(2026, 3, 10), inspector, "", qms.KindForbidden},
		{qms.NewDate(2026, 3, 10), approver, ActionEffective, 0},
		{today, approver, ActionEffective, 0},
		{qms.NewDate(2026, 4, 1), approver, ActionSchedule, 0},
	} {
		got, err := CheckEffective(c.a, r, c.on, today)
		if c.kind != 0 {
			if qms.ErrorKind(err) != c.kind {
				t.Errorf("%s by %s: %v, want %s", c.on, c.a.Name, err, c.kind)
			}
			if c.kind == qms.KindInvalid && qms.ErrorFields(err)["effective_on"] == "" {
				t.Errorf("%s: no message on effective_on: %v", c.on, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %s, %v; want %s", c.on, got, err, c.want)
		}
	}
}

func TestDocumentValidate(t *testing.T) {
	d := Document{Number: " SOP 1 ", Title: "", Type: "memo", AckRoles: []qms.Role{qms.RoleSupplier}}
	f := qms.ErrorFields(d.Validate())
	for _, k := range []string{"number", "title", "type", "owner_id", "ack_roles"} {
		if f[k] == "" {
			t.Errorf("no message for %s: %v", k, f)
		}
	}
	d = Document{Number: "SOP-7.5-01", Title: "Control of documented information", Type: TypeProcedure, OwnerID: 3,
		AckRoles: []qms.Role{qms.RoleInspector, qms.RoleInspector}, AckUsers: []int64{4, 4, 2}}
	if err := d.Validate(); err != nil || d.ReviewMonths != DefaultReview || d.AckDays != DefaultAckDays || len(d.AckRoles) != 1 || len(d.AckUsers) != 2 {
		t.Errorf("valid document: %v %+v", err, d)
	}
	r := Revision{ChangeDescription: " ", Body: "text", FileID: new(int64)}
	f = qms.ErrorFields(r.CheckContent())
	if f["change_description"] == "" || f["body"] == "" {
		t.Errorf("revision with text and file, no change description: %v", f)
	}
}

func TestDiff(t *testing.T) {
	a := "# Purpose\nDocuments are approved.\nRecords are kept.\n## Scope\nAll sites."
	b := "# Purpose\nDocuments are approved before use.\nRecords are kept.\n## Scope\nAll sites.\nAnd suppliers."
	d := Diff(a, b)
	var got []string
	for _, l := range d {
		got = append(got, string(l.Op[0])+" "+l.Text)
	}
	want := []string{"s # Purpose", "r Documents are approved.", "a Documents are approved before use.", "s Records are kept.", "s ## Scope",
		"s All sites.", "a And suppliers."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("diff:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if add, rem := Changes(d); add != 2 || rem != 1 {
		t.Errorf("changes: +%d -%d", add, rem)
	}
	if d[6].New != 6 || d[1].Old != 2 || d[2].New != 2 {
		t.Errorf("line numbers: %+v", d)
	}
	if len(Diff("", "")) != 0 || len(Diff("x", "x")) != 1 {
		t.Error("empty or equal texts")
	}
	// The reconstruction property on a shuffled pair.
	x := strings.Repeat("alpha\nbeta\ngamma\n", 30)
	y := strings.ReplaceAll(x, "beta\n", "delta\nbeta\n")
	var old, nw []string
	for _, l := range Diff(x, y) {
		if l.Op != OpAdd {
			old = append(old, l.Text)
		}
		if l.Op != OpRemove {
			nw = append(nw, l.Text)
		}
	}
	if strings.Join(old, "\n")+"\n" != x || strings.Join(nw, "\n")+"\n" != y {
		t.Error("the diff does not rebuild both texts")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	src := "# Scope <script>alert(1)</script>\n\nText with **bold**, *it* and `a<b`.\n\n- one\n- two & three\n\n1. first\n2. second\n\n" +
		"<img src=x onerror=alert(1)>\n[link](javascript:alert(1))\n\n```\n<b>code</b>\n```"
	h := string(Markdown(src))
	for _, bad := range []string{"<script", "<img", "<b>code", "href="} {
		if strings.Contains(h, bad) {
			t.Errorf("rendered HTML holds %q:\n%s", bad, h)
		}
	}
	for _, good := range []string{"<h1>Scope &lt;script&gt;", "<strong>bold</strong>", "<em>it</em>", "<code>a&lt;b</code>", "<ul>\n<li>one</li>",
		"two &amp; three", "<ol>\n<li>first</li>", "&lt;img src=x", "<pre><code>&lt;b&gt;code&lt;/b&gt;"} {
		if !strings.Contains(h, good) {
			t.Errorf("rendered HTML lacks %q:\n%s", good, h)
		}
	}
}

func TestAcknowledgementOverdue(t *testing.T) {
	a := Acknowledgement{DueOn: qms.NewDate(2026, 5, 1)}
	if a.Overdue(qms.NewDate(2026, 5, 1)) || !a.Overdue(qms.NewDate(2026, 5, 2)) {
		t.Error("overdue the day after the due date")
	}
	now := time.Now()
	a.AcknowledgedAt = &now
	if a.Overdue(qms.NewDate(2027, 1, 1)) {
		t.Error("an acknowledged one is never overdue")
	}
}

func TestTerms(t *testing.T) {
	got := Terms("sop-7.5-01 control of documents, control: 检验质量 kiem tra (rev. 2)")
	want := []string{"sop", "7", "5", "01", "sop-7.5-01", "control", "of", "documents", "检", "验", "质", "量", "kiem", "tra", "rev", "2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Terms = %q\nwant   %q", got, want)
	}
	long := strings.Repeat("é", 40)
	if ts := Terms(long); len(ts) != 1 || len(ts[0]) > MaxTermLen || !strings.HasPrefix(long, ts[0]) {
		t.Errorf("a long word: %q", ts)
	}
}
