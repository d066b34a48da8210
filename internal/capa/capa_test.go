package capa_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/capa"
	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
)

var (
	supA      = int64(7)
	supB      = int64(8)
	admin     = qms.Actor{UserID: 1, Name: "Admin", Role: qms.RoleAdmin, Via: "session"}
	qm        = qms.Actor{UserID: 2, Name: "Lena Vogel", Role: qms.RoleQualityManager, Via: "session"}
	inspector = qms.Actor{UserID: 3, Name: "Trần Văn Hùng", Role: qms.RoleInspector, Via: "session"}
	viewer    = qms.Actor{UserID: 4, Name: "Buyer", Role: qms.RoleViewer, Via: "session"}
	auditor   = qms.Actor{UserID: 5, Name: "Auditor", Role: qms.RoleAuditor, Via: "session"}
	factoryA  = qms.Actor{UserID: 9, Name: "Factory A QA", Role: qms.RoleSupplier, SupplierID: &supA, Via: "session"}
	factoryB  = qms.Actor{UserID: 10, Name: "Factory B QA", Role: qms.RoleSupplier, SupplierID: &supB, Via: "session"}
	actors    = []qms.Actor{admin, qm, inspector, viewer, auditor, factoryA, factoryB}
	now       = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	today     = qms.NewDate(2026, 3, 2)
)

// fullReport is an 8D with every stage complete and every action done.
func fullReport() capa.Report {
	no := false
	return capa.Report{
		D0: capa.Emergency{Symptom: "Speakers without sound at the customer", Response: "Stop shipment; 100 % function test at the warehouse"},
		D1: capa.Team{Leader: "Zhang Wei", Members: []capa.Member{{Name: "Li Na", Function: "production"}, {Name: "Lena Vogel", Function: "buyer SQE", UserID: 2}}},
		D2: capa.Problem{What: "No sound", Where: "Final assembly line 2", When: "Week 9", HowMany: "8 of 125 sampled", HowDetected: "PSI function test"},
		D3: capa.Containment{Actions: []capa.InterimAction{{Description: "Sort 3,000 at the warehouse", Owner: "Li Na", DueOn: today, Done: true, DoneOn: today, Result: "37 rejects"}},
			Verification: "Re-inspection of 200 sorted units: 0 defects"},
		D4: capa.RootCause{
			Occurrence: capa.WhyChain{Problem: "No sound", Whys: []string{"Speaker wire not soldered", "Solder iron too cold", "No temperature check"}, RootCause: "No daily temperature check of solder irons"},
			Detection:  capa.WhyChain{Whys: []string{"End-of-line test skipped when the line is late"}, RootCause: "Function test not mandatory in the control plan"},
			Ishikawa: capa.Ishikawa{Effect: "No sound", Causes: []capa.Cause{
				{Category: ncr.CatMachine, Text: "Solder iron temperature drift", SubCauses: []string{"worn tip"}},
				{Category: ncr.CatMan, Text: "New operator", Confirmed: &no}}},
			Category: ncr.CatMachine, Verification: "Reproduced with an iron at 280 °C"},
		D5: capa.Actions{Actions: []capa.PermanentAction{
			{Description: "Temperature-controlled irons with daily check sheet", Addresses: capa.LegOccurrence, Owner: "Zhang Wei", DueOn: today.AddDate(0, 0, 20)},
			{Description: "100 % function test before packing, in the control plan", Addresses: capa.LegDetection, Owner: "Li Na", DueOn: today.AddDate(0, 0, 20)}},
			Verification: "Pilot run of 500 units: 0 defects"},
		D6: capa.Implementation{Items: []capa.Implemented{{Action: 1, DoneOn: today, Evidence: "Purchase order and photos"}, {Action: 2, DoneOn: today, Evidence: "Control plan rev D"}},
			ContainmentRemoved: true, Validation: "Two weeks of production: 0 defects at the end-of-line test"},
		D7: capa.Prevention{Summary: "Control plans of all speaker lines updated", Changes: []capa.Change{{Kind: capa.ChangeInspectionPlan, RefID: 12, Description: "Function test at S-2"}}},
		D8: capa.Recognition{Summary: "Closed after five clean inspections"},
	}
}

// ready returns a supplier request in status s that meets every condition
// of the moves from s: D0 to D7 accepted, no open action, a criterion that
// passed, D8 written.
func ready(s capa.Status) *capa.CAPA {
	c := &capa.CAPA{ID: 17, Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "No sound", Severity: inspection.Major, SupplierID: supA,
		OwnerID: 2, Owner: "Lena Vogel", OpenedOn: today, Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: 42}}}
	capa.Open(c, capa.DefaultSettings())
	c.Status = s
	c.Report = fullReport()
	for i := range c.Stages[:8] {
		c.Stages[i].State = capa.StageAccepted
	}
	c.Criterion = &capa.Criterion{SupplierID: supA, DefectCode: "FUN-01", MaxDefective: 2, PerUnits: 1000, Inspections: 5, StartOn: today}
	c.Evaluation = &capa.Evaluation{Outcome: capa.OutcomePass, Message: "passed"}
	return c
}

// TestTransitionTable checks every move from every status by every role
// against the lifecycle written out by hand.
func TestTransitionTable(t *testing.T) {
	managers := []qms.Role{qms.RoleAdmin, qms.RoleQualityManager}
	want := map[capa.Move]struct {
		from []capa.Status
		to   capa.Status
	}{
		capa.MoveVerify: {[]capa.Status{capa.StatusOpen}, capa.StatusVerifying},
		capa.MoveClose:  {[]capa.Status{capa.StatusVerifying}, capa.StatusClosed},
		capa.MoveReopen: {[]capa.Status{capa.StatusVerifying}, capa.StatusOpen},
		capa.MoveCancel: {[]capa.Status{capa.StatusOpen, capa.StatusVerifying}, capa.StatusCancelled},
	}
	if len(want) != len(capa.Transitions) {
		t.Fatalf("%d moves", len(capa.Transitions))
	}
	n := 0
	for m, w := range want {
		for _, s := range capa.Statuses {
			for _, a := range actors {
				n++
				to, _, err := capa.CheckMove(a, ready(s), m, "not effective", capa.CloseInput{})
				name := fmt.Sprintf("%s from %s by %s %d", m, s, a.Role, a.UserID)
				switch {
				case a.Role == qms.RoleSupplier && *a.SupplierID != supA:
					if qms.ErrorKind(err) != qms.KindNotFound {
						t.Errorf("%s: %v, want not found", name, err)
					}
				case !slices.Contains(managers, a.Role):
					if qms.ErrorKind(err) != qms.KindForbidden {
						t.Errorf("%s: %v, want forbidden", name, err)
					}
				case !slices.Contains(w.from, s):
					if qms.ErrorKind(err) != qms.KindConflict || err == nil {
						t.Errorf("%s: %v, want conflict", name, err)
					}
				default:
					if err != nil || to != w.to {
						t.Errorf("%s: %s %v, want %s", name, to, err, w.to)
					}
				}
			}
		}
	}
	if n != 4*4*7 {
		t.Fatalf("%d cases", n)
	}
	if _, _, err := capa.CheckMove(qm, ready(capa.StatusOpen), "approve", "", capa.CloseInput{}); qms.ErrorKind(err) != qms.KindInvalid {
		t.Errorf("unknown move: %v", err)
	}
	// An internal CAPA is not found for any supplier user.
	c := ready(capa.StatusOpen)
	c.Kind = capa.KindInternal
	if _, _, err := capa.CheckMove(factoryA, c, capa.MoveCancel, "x", capa.CloseInput{}); qms.ErrorKind(err) != qms.KindNotFound {
		t.Errorf("internal CAPA for a supplier: %v", err)
	}
}

// TestMoveConditions: what verify and close need besides role and status.
func TestMoveConditions(t *testing.T) {
	cases := []struct {
		name   string
		status capa.Status
		move   capa.Move
		in     capa.CloseInput
		reason string
		change func(c *capa.CAPA)
		kind   qms.Kind
		text   string
	}{
		{"verify with D5 returned", capa.StatusOpen, capa.MoveVerify, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Stages[5].State = capa.StageReturned }, qms.KindConflict, "D5"},
		{"verify with a containment action open", capa.StatusOpen, capa.MoveVerify, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Report.D3.Actions[0].Done = false }, qms.KindConflict, "D3 action 1"},
		{"verify with a permanent action not implemented", capa.StatusOpen, capa.MoveVerify, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Report.D6.Items = c.Report.D6.Items[:1] }, qms.KindConflict, "D5 action 2"},
		{"verify without a criterion", capa.StatusOpen, capa.MoveVerify, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Criterion = nil }, qms.KindConflict, "criterion"},
		{"close before the criterion is evaluated", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Evaluation = nil }, qms.KindConflict, "not been evaluated"},
		{"close with not enough data", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) {
			c.Evaluation = &capa.Evaluation{Outcome: capa.OutcomePending, Message: "not enough data yet: 3 of 5 inspections"}
		}, qms.KindConflict, "3 of 5"},
		{"close after a failed criterion", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) {
			c.Evaluation = &capa.Evaluation{Outcome: capa.OutcomeFail, Message: "failed"}
		}, qms.KindConflict, "signed override"},
		{"override without a reason", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{Override: true, Reason: " "}, "", func(c *capa.CAPA) {
			c.Evaluation = &capa.Evaluation{Outcome: capa.OutcomeFail}
		}, qms.KindInvalid, "reason"},
		{"override with a reason", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{Override: true, Reason: "Product discontinued"}, "", func(c *capa.CAPA) {
			c.Evaluation = &capa.Evaluation{Outcome: capa.OutcomePending}
		}, 0, ""},
		{"override on another move", capa.StatusVerifying, capa.MoveReopen, capa.CloseInput{Override: true}, "x", func(c *capa.CAPA) {}, qms.KindInvalid, "override"},
		{"close without D8", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Report.D8.Summary = "" }, qms.KindInvalid, ""},
		{"close with an open action", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) { c.Report.D3.Actions[0].Done = false }, qms.KindConflict, "open action"},
		{"reopen without a reason", capa.StatusVerifying, capa.MoveReopen, capa.CloseInput{}, "", func(c *capa.CAPA) {}, qms.KindInvalid, "reason"},
		{"cancel without a reason", capa.StatusOpen, capa.MoveCancel, capa.CloseInput{}, "", func(c *capa.CAPA) {}, qms.KindInvalid, "reason"},
		{"close after a pass", capa.StatusVerifying, capa.MoveClose, capa.CloseInput{}, "", func(c *capa.CAPA) {}, 0, ""},
	}
	for _, c := range cases {
		x := ready(c.status)
		c.change(x)
		_, _, err := capa.CheckMove(qm, x, c.move, c.reason, c.in)
		if c.kind == 0 {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if qms.ErrorKind(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %v, want %v with %q", c.name, err, c.kind, c.text)
		}
	}
	c := ready(capa.StatusVerifying)
	capa.Reopen(c, "Defect recurred in lot 4")
	for _, s := range []capa.Stage{capa.D4, capa.D5, capa.D6, capa.D7} {
		if r := c.Stage(s); r.State != capa.StageReturned || !strings.Contains(r.Comment, "lot 4") {
			t.Errorf("reopened %s: %+v", s, r)
		}
	}
	if c.Stage(capa.D3).State != capa.StageAccepted || c.Evaluation != nil || !c.Criterion.StartOn.IsZero() {
		t.Errorf("reopen keeps D0-D3, drops the evaluation and restarts the window: %+v", c)
	}
}

// TestStageRights: who writes, submits and reviews which stage, and when.
func TestStageRights(t *testing.T) {
	open := func() *capa.CAPA {
		c := ready(capa.StatusOpen)
		for i := range c.Stages {
			c.Stages[i].State = capa.StageOpen
		}
		return c
	}
	type want struct {
		stage capa.Stage
		by    qms.Actor
		kind  qms.Kind
	}
	cases := []want{
		{capa.D3, factoryA, 0}, {capa.D4, factoryA, 0}, {capa.D7, factoryA, 0},
		{capa.D0, factoryA, qms.KindForbidden}, {capa.D2, factoryA, qms.KindForbidden}, {capa.D8, factoryA, qms.KindForbidden},
		{capa.D3, factoryB, qms.KindNotFound}, {capa.D0, factoryB, qms.KindNotFound},
		{capa.D3, inspector, 0}, {capa.D0, qm, 0}, {capa.D8, admin, 0},
		{capa.D3, viewer, qms.KindForbidden}, {capa.D3, auditor, qms.KindForbidden},
		{"D9", qm, qms.KindInvalid},
	}
	for _, w := range cases {
		err := capa.CheckEditStage(w.by, open(), w.stage)
		if w.kind == 0 && err != nil || w.kind != 0 && qms.ErrorKind(err) != w.kind {
			t.Errorf("%s writes %s: %v, want %v", w.by.Name, w.stage, err, w.kind)
		}
	}
	internal := open()
	internal.Kind = capa.KindInternal
	if err := capa.CheckEditStage(factoryA, internal, capa.D3); qms.ErrorKind(err) != qms.KindNotFound {
		t.Errorf("a supplier user on an internal CAPA of its supplier: %v", err)
	}
	states := []struct {
		state capa.StageState
		ok    bool
	}{{capa.StageOpen, true}, {capa.StageReturned, true}, {capa.StageSubmitted, false}, {capa.StageAccepted, false}}
	for _, s := range states {
		c := open()
		c.Stages[4].State = s.state
		if err := capa.CheckEditStage(factoryA, c, capa.D4); s.ok != (err == nil) {
			t.Errorf("edit a %s stage: %v", s.state, err)
		}
	}
	v := open()
	v.Status = capa.StatusVerifying
	if err := capa.CheckEditStage(qm, v, capa.D5); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("D5 while verifying: %v", err)
	}
	if err := capa.CheckEditStage(qm, v, capa.D8); err != nil {
		t.Errorf("D8 while verifying: %v", err)
	}
	// Submission needs the content complete; D8 is not submitted.
	c := open()
	if err := capa.CheckSubmitStage(factoryA, c, capa.D4); err != nil {
		t.Errorf("complete D4: %v", err)
	}
	c.Report.D4.Detection = capa.WhyChain{}
	err := capa.CheckSubmitStage(factoryA, c, capa.D4)
	if f := qms.ErrorFields(err); f["detection.whys"] == "" || f["detection.root_cause"] == "" || !strings.Contains(qms.ErrorMessage(err), "D4 is not complete") {
		t.Errorf("D4 without the detection leg: %v", err)
	}
	c.Report.D6.Items = c.Report.D6.Items[1:]
	if err := capa.CheckSubmitStage(qm, c, capa.D6); !strings.Contains(qms.ErrorFields(err)["items"], "D5 action 1") {
		t.Errorf("D6 missing an implementation: %v", err)
	}
	if err := capa.CheckSubmitStage(qm, c, capa.D8); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("submit D8: %v", err)
	}
	// Reviews: the buyer's quality manager, of a submitted stage; a return
	// needs a comment.
	sub := open()
	capa.SubmitStage(sub, capa.D3, factoryA, now)
	for _, a := range actors {
		_, err := capa.CheckReviewStage(a, sub, capa.D3, capa.StageAccepted, "")
		switch {
		case a.Role == qms.RoleSupplier && *a.SupplierID != supA:
			if qms.ErrorKind(err) != qms.KindNotFound {
				t.Errorf("review by %s: %v", a.Name, err)
			}
		case qms.CanApprove(a) != (err == nil):
			t.Errorf("review by %s: %v", a.Name, err)
		}
	}
	if _, err := capa.CheckReviewStage(qm, sub, capa.D3, capa.StageReturned, " "); qms.ErrorFields(err)["comment"] == "" {
		t.Errorf("return without comment: %v", err)
	}
	if _, err := capa.CheckReviewStage(qm, sub, capa.D4, capa.StageAccepted, ""); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("review an open stage: %v", err)
	}
	if _, err := capa.CheckReviewStage(qm, sub, capa.D3, "approved", ""); qms.ErrorFields(err)["decision"] == "" {
		t.Errorf("unknown decision: %v", err)
	}
	comment, err := capa.CheckReviewStage(qm, sub, capa.D3, capa.StageReturned, "  Sort the stock in transit too  ")
	if err != nil || comment != "Sort the stock in transit too" {
		t.Fatalf("%q %v", comment, err)
	}
	capa.ReviewStage(sub, capa.D3, capa.StageReturned, comment, qm, now)
	if r := sub.Stage(capa.D3); r.State != capa.StageReturned || r.Comment != comment || r.ReviewedBy != qm.Name || r.SubmittedBy != factoryA.Name {
		t.Errorf("%+v", r)
	}
	// Accepting D6 starts the effectiveness window.
	d6 := open()
	d6.Criterion.StartOn = qms.Date{}
	capa.SubmitStage(d6, capa.D6, factoryA, now)
	capa.ReviewStage(d6, capa.D6, capa.StageAccepted, "", qm, now.AddDate(0, 0, 3))
	if d6.Criterion.StartOn != today.AddDate(0, 0, 3) {
		t.Errorf("window start %s", d6.Criterion.StartOn)
	}
	// Internal notes: quality staff only.
	for _, a := range actors {
		err := capa.CheckNote(a, open(), &capa.Note{Text: "Supplier's answer to D4 is weak; ask for data"})
		want := qms.CanEditQualityRecords(a)
		if want != (err == nil) {
			t.Errorf("note by %s: %v", a.Name, err)
		}
		if capa.CanSeeNotes(a) != qms.CanViewInternal(a) || a.Role == qms.RoleSupplier && capa.CanSeeNotes(a) {
			t.Errorf("%s sees notes", a.Name)
		}
	}
}

// TestContentChecks: drafts are checked for shape; submissions for
// completeness.
func TestContentChecks(t *testing.T) {
	r := capa.Report{}
	for _, s := range capa.Stages {
		c := capa.NewContent(s)
		if c == nil || c.Stage() != s {
			t.Fatalf("NewContent(%s) = %v", s, c)
		}
		if err := capa.CheckContent(&r, c, false); err != nil {
			t.Errorf("an empty %s draft: %v", s, err)
		}
		if err := capa.CheckContent(&r, capa.NewContent(s), true); err == nil {
			t.Errorf("an empty %s submitted", s)
		}
	}
	full := fullReport()
	for _, s := range capa.Stages {
		if err := capa.CheckContent(&full, full.Content(s), true); err != nil {
			t.Errorf("complete %s: %v", s, err)
		}
	}
	bad := []struct {
		name  string
		c     capa.Content
		field string
	}{
		{"6M category", &capa.RootCause{Category: "money"}, "category"},
		{"ishikawa cause category", &capa.RootCause{Ishikawa: capa.Ishikawa{Effect: "x", Causes: []capa.Cause{{Category: "management", Text: "y"}}}}, "ishikawa.causes.0.category"},
		{"ishikawa without effect", &capa.RootCause{Ishikawa: capa.Ishikawa{Causes: []capa.Cause{{Category: ncr.CatMethod, Text: "y"}}}}, "ishikawa.effect"},
		{"too many whys", &capa.RootCause{Occurrence: capa.WhyChain{Whys: make([]string, 11)}}, "occurrence.whys"},
		{"an empty why", &capa.RootCause{Occurrence: capa.WhyChain{Whys: []string{"a", " "}}}, "occurrence.whys.1"},
		{"permanent action without leg", &capa.Actions{Actions: []capa.PermanentAction{{Description: "x", Owner: "y", DueOn: today}}}, "actions.0.addresses"},
		{"done without date", &capa.Containment{Actions: []capa.InterimAction{{Description: "x", Owner: "y", DueOn: today, Done: true}}}, "actions.0.done_on"},
		{"implementation of action 0", &capa.Implementation{Items: []capa.Implemented{{Action: 0, DoneOn: today, Evidence: "x"}}}, "items.0.action"},
		{"change without reference", &capa.Prevention{Changes: []capa.Change{{Kind: capa.ChangeDocument, Description: "x"}}}, "changes.0.ref"},
		{"change of unknown kind", &capa.Prevention{Changes: []capa.Change{{Kind: "memo", Ref: "m", Description: "x"}}}, "changes.0.kind"},
		{"member without name", &capa.Team{Members: []capa.Member{{Function: "x"}}}, "members.0.name"},
	}
	for _, b := range bad {
		if err := capa.CheckContent(&r, b.c, false); qms.ErrorFields(err)[b.field] == "" {
			t.Errorf("%s: %v", b.name, err)
		}
	}
	// D5 must address the escape point.
	d5 := capa.Actions{Actions: []capa.PermanentAction{{Description: "x", Owner: "y", DueOn: today, Addresses: capa.LegOccurrence}}, Verification: "v"}
	if err := capa.CheckContent(&r, &d5, true); !strings.Contains(qms.ErrorFields(err)["actions"], "detection") {
		t.Errorf("D5 without a detection action: %v", err)
	}
	full = fullReport()
	ish := full.D4.Ishikawa.ByCategory()
	if len(ish[ncr.CatMachine]) != 1 || len(ish[ncr.CatMan]) != 1 || len(ish[ncr.CatMethod]) != 0 {
		t.Errorf("by category: %v", ish)
	}
}

// TestOpenValidate: what opening a CAPA needs.
func TestOpenValidate(t *testing.T) {
	base := func() *capa.CAPA {
		return &capa.CAPA{Kind: capa.KindSupplier, Type: capa.TypeCorrective, Title: "No sound", Severity: inspection.Major, SupplierID: supA,
			OwnerID: 2, Owner: "Lena Vogel", OpenedOn: today, Sources: []capa.Source{{Kind: capa.SourceNCR, NCRID: 42}, {Kind: capa.SourceComplaint, Ref: " RMA-7781 "}}}
	}
	c := base()
	if err := c.Validate(); err != nil || c.Sources[1].Ref != "RMA-7781" || !slices.Equal(c.NCRIDs(), []int64{42}) {
		t.Fatalf("%v %+v", err, c.Sources)
	}
	cases := []struct {
		name   string
		change func(c *capa.CAPA)
		field  string
	}{
		{"supplier request without supplier", func(c *capa.CAPA) { c.SupplierID = 0 }, "supplier_id"},
		{"corrective without source", func(c *capa.CAPA) { c.Sources = nil }, "sources"},
		{"NCR source without id", func(c *capa.CAPA) { c.Sources[0].NCRID = 0 }, "sources.0.ncr_id"},
		{"finding without reference", func(c *capa.CAPA) { c.Sources[1] = capa.Source{Kind: capa.SourceAuditFinding} }, "sources.1.ref"},
		{"a source twice", func(c *capa.CAPA) { c.Sources[1] = c.Sources[0] }, "sources.1.kind"},
		{"unknown source", func(c *capa.CAPA) { c.Sources[1].Kind = "rumour" }, "sources.1.kind"},
		{"no owner", func(c *capa.CAPA) { c.OwnerID = 0 }, "owner_id"},
		{"no title", func(c *capa.CAPA) { c.Title = "" }, "title"},
		{"unknown kind", func(c *capa.CAPA) { c.Kind = "external" }, "kind"},
	}
	for _, x := range cases {
		c := base()
		x.change(c)
		if err := c.Validate(); qms.ErrorFields(err)[x.field] == "" {
			t.Errorf("%s: %v", x.name, err)
		}
	}
	pa := base()
	pa.Type, pa.Sources = capa.TypePreventive, nil
	if err := pa.Validate(); err != nil {
		t.Errorf("a preventive action needs no source: %v", err)
	}
	if n := ready(capa.StatusOpen).Number(); n != "SCAR-00017" {
		t.Errorf("number %s", n)
	}
}

// TestDueDates: stages are due from the opening date by the settings;
// overdue stages, ageing and the reminder jobs follow.
func TestDueDates(t *testing.T) {
	c := &capa.CAPA{ID: 5, Kind: capa.KindInternal, OpenedOn: today}
	capa.Open(c, capa.DefaultSettings())
	want := map[capa.Stage]int{capa.D0: 1, capa.D1: 1, capa.D2: 1, capa.D3: 2, capa.D4: 14, capa.D5: 30, capa.D6: 30, capa.D7: 60, capa.D8: 90}
	for _, r := range c.Stages {
		if r.DueOn != today.AddDate(0, 0, want[r.Stage]) || r.State != capa.StageOpen {
			t.Errorf("%s due %s", r.Stage, r.DueOn)
		}
	}
	s := capa.DefaultSettings()
	s.DueDays[capa.D3] = 1
	s.DueDays[capa.D4] = 7
	capa.Open(c, s)
	if c.Stage(capa.D3).DueOn != today.AddDate(0, 0, 1) || c.Stage(capa.D4).DueOn != today.AddDate(0, 0, 7) {
		t.Errorf("configured: %+v", c.Stages)
	}
	capa.Open(c, capa.DefaultSettings())
	if got := c.OverdueStages(today.AddDate(0, 0, 2)); !slices.Equal(got, []capa.Stage{capa.D0, capa.D1, capa.D2}) {
		t.Errorf("overdue on day 2: %v", got)
	}
	c.Stages[0].State = capa.StageAccepted
	if got := c.OverdueStages(today.AddDate(0, 0, 15)); !slices.Equal(got, []capa.Stage{capa.D1, capa.D2, capa.D3, capa.D4}) {
		t.Errorf("overdue on day 15: %v", got)
	}
	if c.AgeDays(today.AddDate(0, 0, 15)) != 15 || c.CurrentStage() != capa.D1 {
		t.Errorf("age %d, stage %s", c.AgeDays(today.AddDate(0, 0, 15)), c.CurrentStage())
	}
	c.Status = capa.StatusCancelled
	if got := c.OverdueStages(today.AddDate(0, 0, 100)); got != nil {
		t.Errorf("cancelled: %v", got)
	}
	// Settings checks.
	bad := capa.Settings{DueDays: map[capa.Stage]int{capa.D4: 1, "D9": 3}, RemindDays: -1, EscalateDays: 1000}
	err := bad.Validate()
	for _, f := range []string{"due_days", "due_days.D4", "remind_days", "escalate_days"} {
		if qms.ErrorFields(err)[f] == "" {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := capa.CheckSettings(qm, &s); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("quality manager changes settings: %v", err)
	}
	if err := capa.CheckSettings(admin, &s); err != nil {
		t.Errorf("admin: %v", err)
	}
	// Jobs: reminder the day before, overdue the day after, escalation 7
	// days later; a reminder already past is left out; accepted stages
	// have none.
	c = &capa.CAPA{ID: 5, Kind: capa.KindInternal, OpenedOn: today}
	capa.Open(c, capa.DefaultSettings())
	c.Stages[0].State = capa.StageAccepted
	jobs := capa.StageJobs(c, capa.DefaultSettings(), now)
	byKey := map[string]capa.ScheduledJob{}
	for _, j := range jobs {
		byKey[j.Key] = j
	}
	d4 := today.AddDate(0, 0, 14)
	for key, at := range map[string]qms.Date{
		"capa:5:D4:" + d4.String() + ":reminder": d4.AddDate(0, 0, -1),
		"capa:5:D4:" + d4.String() + ":overdue":  d4.AddDate(0, 0, 1),
		"capa:5:D4:" + d4.String() + ":escalate": d4.AddDate(0, 0, 8),
	} {
		if j, ok := byKey[key]; !ok || !j.RunAfter.Equal(at.Time()) || j.Payload.(capa.StageJob).Stage != capa.D4 {
			t.Errorf("%s: %+v", key, j)
		}
	}
	for _, j := range jobs {
		if strings.Contains(j.Key, ":D0:") {
			t.Errorf("job of an accepted stage: %s", j.Key)
		}
	}
	// D1 is due tomorrow: its reminder (today, midnight) is past at 08:00.
	if _, ok := byKey["capa:5:D1:"+today.AddDate(0, 0, 1).String()+":reminder"]; ok {
		t.Error("a past reminder is scheduled")
	}
	// D1 to D8: overdue and escalation each; reminders for D3 to D8 (those
	// of D1 and D2 are past).
	if len(jobs) != 8*2+6 {
		t.Errorf("%d jobs", len(jobs))
	}
	j := capa.StageJob{CAPAID: 5, Stage: capa.D4, DueOn: d4}
	if !j.Current(c) {
		t.Error("job current")
	}
	capa.SetDue(c, capa.D4, d4.AddDate(0, 0, 7))
	if j.Current(c) {
		t.Error("job of a moved due date")
	}
}

// TestSupplierView: the supplier sees its request without the buyer's
// internal detail.
func TestSupplierView(t *testing.T) {
	c := ready(capa.StatusClosed)
	c.CreatedByID, c.CreatedBy, c.StatusReason = 2, "Lena Vogel", "internal: supplier on probation"
	c.Closure = &capa.Closure{SignatureID: 3, ByID: 2, By: "Lena Vogel", Override: true, OverrideReason: "internal: product discontinued"}
	v := capa.SupplierView(c)
	if len(v.Sources) != 0 || v.OwnerID != 0 || v.CreatedBy != "" || v.StatusReason != "" || v.Closure.OverrideReason != "" || v.Closure.ByID != 0 {
		t.Errorf("%+v", v)
	}
	if len(c.Sources) != 1 || c.Closure.OverrideReason == "" {
		t.Error("the original changed")
	}
	if v.Report.D4.Occurrence.RootCause == "" || v.Criterion == nil || v.Evaluation == nil || len(v.Stages) != 9 {
		t.Error("the supplier's answers, the criterion and the evaluation stay")
	}
	for _, a := range actors {
		want := a.Role != qms.RoleSupplier && qms.CanViewInternal(a) || a.Role == qms.RoleSupplier && *a.SupplierID == supA
		if capa.CanSee(a, c) != want {
			t.Errorf("%s sees: %v", a.Name, !want)
		}
	}
}
