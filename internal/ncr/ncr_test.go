package ncr_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"qms/internal/inspection"
	"qms/internal/ncr"
	"qms/internal/qms"
	"qms/internal/sampling"
)

var (
	sup        = int64(7)
	admin      = qms.Actor{UserID: 1, Name: "Admin", Role: qms.RoleAdmin, Via: "session"}
	qm         = qms.Actor{UserID: 2, Name: "Lena Vogel", Role: qms.RoleQualityManager, Via: "session"}
	qm2        = qms.Actor{UserID: 6, Name: "王芳", Role: qms.RoleQualityManager, Via: "session"}
	inspector  = qms.Actor{UserID: 3, Name: "Trần Văn Hùng", Role: qms.RoleInspector, Via: "session"}
	inspector2 = qms.Actor{UserID: 8, Name: "Ana Souza", Role: qms.RoleInspector, Via: "session"}
	viewer     = qms.Actor{UserID: 4, Name: "Buyer", Role: qms.RoleViewer, Via: "session"}
	auditor    = qms.Actor{UserID: 5, Name: "Auditor", Role: qms.RoleAuditor, Via: "session"}
	supplierU  = qms.Actor{UserID: 9, Name: "Factory QA", Role: qms.RoleSupplier, SupplierID: &sup, Via: "session"}
	actors     = []qms.Actor{admin, qm, inspector, viewer, auditor, supplierU}
)

// ready returns an NCR in status s that meets every condition of the
// moves from s: containment done, a disposition that adds up and is
// approved by the MRB, no open action.
func ready(s ncr.Status) *ncr.NCR {
	now := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	return &ncr.NCR{ID: 42, Source: ncr.SourcePreShipment, Status: s, Title: "PSI failed", Severity: inspection.Major,
		Found: "8 units without sound", DetectedOn: qms.NewDate(2026, 3, 2), QuantityAffected: 3000,
		Actions:     []ncr.Action{{ID: 1, Kind: ncr.HoldShipment, OwnerName: "Li", DueOn: qms.NewDate(2026, 3, 3), Status: ncr.ActionDone, Result: "held"}},
		Disposition: []ncr.DispositionLine{{Kind: ncr.UseAsIs, Quantity: 2900, Rationale: "cosmetic only"}, {Kind: ncr.Scrap, Quantity: 100}},
		MRB: []ncr.Approval{{UserID: qm.UserID, Name: qm.Name, Role: qm.Role, SignatureID: 1, At: now},
			{UserID: inspector.UserID, Name: inspector.Name, Role: inspector.Role, SignatureID: 2, At: now}}}
}

// TestTransitionTable checks every move from every status by every role
// against the lifecycle written out by hand: the allowed ones lead to
// their status; a role that may not make the move is forbidden; a status
// the move does not start from is a conflict.
func TestTransitionTable(t *testing.T) {
	editors := []qms.Role{qms.RoleAdmin, qms.RoleQualityManager, qms.RoleInspector}
	managers := []qms.Role{qms.RoleAdmin, qms.RoleQualityManager}
	want := map[ncr.Move]struct {
		from  []ncr.Status
		to    ncr.Status
		roles []qms.Role
	}{
		ncr.MoveContain:     {[]ncr.Status{ncr.StatusOpen}, ncr.StatusContained, editors},
		ncr.MoveDisposition: {[]ncr.Status{ncr.StatusContained}, ncr.StatusDispositioned, managers},
		ncr.MoveRevise:      {[]ncr.Status{ncr.StatusDispositioned}, ncr.StatusContained, managers},
		ncr.MoveVerify:      {[]ncr.Status{ncr.StatusDispositioned}, ncr.StatusVerified, editors},
		ncr.MoveClose:       {[]ncr.Status{ncr.StatusVerified}, ncr.StatusClosed, managers},
		ncr.MoveVoid:        {[]ncr.Status{ncr.StatusOpen, ncr.StatusContained, ncr.StatusDispositioned, ncr.StatusVerified}, ncr.StatusVoided, managers},
	}
	if len(want) != len(ncr.Transitions) {
		t.Fatalf("%d moves in the lifecycle, %d expected", len(ncr.Transitions), len(want))
	}
	n := 0
	for m, w := range want {
		for _, s := range ncr.Statuses {
			for _, a := range actors {
				n++
				to, _, err := ncr.CheckMove(a, ready(s), m, "a reason")
				name := fmt.Sprintf("%s from %s by %s", m, s, a.Role)
				switch {
				case !slices.Contains(w.roles, a.Role):
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
	if n != 6*6*6 {
		t.Fatalf("%d cases", n)
	}
	if _, _, err := ncr.CheckMove(qm, ready(ncr.StatusOpen), "reopen", ""); qms.ErrorKind(err) != qms.KindInvalid {
		t.Errorf("unknown move: %v", err)
	}
	if got := ncr.Moves(ncr.StatusDispositioned); !slices.Equal(got, []ncr.Move{ncr.MoveRevise, ncr.MoveVerify, ncr.MoveVoid}) {
		t.Errorf("moves from dispositioned: %v", got)
	}
	if got := ncr.Moves(ncr.StatusClosed); len(got) != 0 {
		t.Errorf("closed is final: %v", got)
	}
}

// TestMoveConditions: the reasons that are required and the conditions of
// each move besides role and status.
func TestMoveConditions(t *testing.T) {
	for _, m := range []ncr.Move{ncr.MoveRevise, ncr.MoveVerify, ncr.MoveVoid} {
		from := map[ncr.Move]ncr.Status{ncr.MoveRevise: ncr.StatusDispositioned, ncr.MoveVerify: ncr.StatusDispositioned, ncr.MoveVoid: ncr.StatusOpen}[m]
		_, _, err := ncr.CheckMove(qm, ready(from), m, "  ")
		if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)["reason"] == "" {
			t.Errorf("%s without a reason: %v", m, err)
		}
	}
	_, reason, err := ncr.CheckMove(qm, ready(ncr.StatusDispositioned), ncr.MoveVerify, "  re-inspected: 0 defects in 200 units  ")
	if err != nil || reason != "re-inspected: 0 defects in 200 units" {
		t.Errorf("verify: %q %v", reason, err)
	}
	cases := []struct {
		name   string
		status ncr.Status
		move   ncr.Move
		change func(n *ncr.NCR)
		kind   qms.Kind
		text   string
	}{
		{"contain without actions", ncr.StatusOpen, ncr.MoveContain, func(n *ncr.NCR) { n.Actions = nil }, qms.KindConflict, "no containment action"},
		{"contain with an open action", ncr.StatusOpen, ncr.MoveContain, func(n *ncr.NCR) {
			n.Actions = append(n.Actions, ncr.Action{Kind: ncr.Sort100, OwnerName: "QA", DueOn: qms.NewDate(2026, 3, 5), Status: ncr.ActionOpen})
		}, qms.KindConflict, "open containment action"},
		{"contain with every action cancelled", ncr.StatusOpen, ncr.MoveContain, func(n *ncr.NCR) { n.Actions[0].Status = ncr.ActionCancelled }, qms.KindConflict, "cancelled"},
		{"disposition without lines", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) { n.Disposition = nil }, qms.KindInvalid, ""},
		{"disposition that does not add up", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) { n.Disposition[1].Quantity = 99 }, qms.KindInvalid, ""},
		{"use as is with one MRB approval", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) { n.MRB = n.MRB[:1] }, qms.KindConflict, "Material Review Board"},
		{"use as is approved twice by one person", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) { n.MRB[1].UserID = n.MRB[0].UserID }, qms.KindConflict, "two different people"},
		{"use as is approved by two inspectors", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) { n.MRB[0].Role = qms.RoleInspector }, qms.KindConflict, "quality manager"},
		{"scrap and rework need no MRB", ncr.StatusContained, ncr.MoveDisposition, func(n *ncr.NCR) {
			n.Disposition = []ncr.DispositionLine{{Kind: ncr.Rework, Quantity: 2000}, {Kind: ncr.Scrap, Quantity: 1000}}
			n.MRB = nil
		}, 0, ""},
		{"close with an open action", ncr.StatusVerified, ncr.MoveClose, func(n *ncr.NCR) {
			n.Actions = append(n.Actions, ncr.Action{Kind: ncr.NotifyCustomer, OwnerName: "Sales", DueOn: qms.NewDate(2026, 3, 9), Status: ncr.ActionOpen})
		}, qms.KindConflict, "open containment action"},
	}
	for _, c := range cases {
		n := ready(c.status)
		c.change(n)
		_, _, err := ncr.CheckMove(qm, n, c.move, "because")
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
}

// TestDispositionSums: the lines must add up to exactly the affected
// quantity, each disposition once, with positive quantities and a
// rationale where the MRB approves.
func TestDispositionSums(t *testing.T) {
	l := func(k ncr.DispositionKind, q int, why string) ncr.DispositionLine {
		return ncr.DispositionLine{Kind: k, Quantity: q, Rationale: why}
	}
	cases := []struct {
		name  string
		lines []ncr.DispositionLine
		field string // "" when valid
		text  string
	}{
		{"one line, the whole quantity", []ncr.DispositionLine{l(ncr.Scrap, 500, "")}, "", ""},
		{"split over every disposition", []ncr.DispositionLine{l(ncr.UseAsIs, 100, "cosmetic"), l(ncr.Rework, 100, ""), l(ncr.Repair, 50, "re-glued"),
			l(ncr.Regrade, 50, ""), l(ncr.Scrap, 100, ""), l(ncr.ReturnToSupplier, 50, ""), l(ncr.Sort, 50, "")}, "", ""},
		{"one unit short", []ncr.DispositionLine{l(ncr.Rework, 250, ""), l(ncr.Scrap, 249, "")}, "disposition", "499 units, 1 fewer than the 500"},
		{"ten units over", []ncr.DispositionLine{l(ncr.Rework, 260, ""), l(ncr.Scrap, 250, "")}, "disposition", "510 units, 10 more than the 500"},
		{"none", nil, "disposition", "is required"},
		{"a zero line", []ncr.DispositionLine{l(ncr.Scrap, 500, ""), l(ncr.Rework, 0, "")}, "disposition.1.quantity", ""},
		{"a negative line", []ncr.DispositionLine{l(ncr.Scrap, 510, ""), l(ncr.Rework, -10, "")}, "disposition.1.quantity", ""},
		{"a disposition twice", []ncr.DispositionLine{l(ncr.Scrap, 250, ""), l(ncr.Scrap, 250, "")}, "disposition.1.kind", "twice"},
		{"an unknown disposition", []ncr.DispositionLine{l("destroy", 500, "")}, "disposition.0.kind", ""},
		{"use as is without a rationale", []ncr.DispositionLine{l(ncr.UseAsIs, 500, " ")}, "disposition.0.rationale", "fit for use"},
		{"repair without a rationale", []ncr.DispositionLine{l(ncr.Repair, 500, "")}, "disposition.0.rationale", "fit for use"},
	}
	for _, c := range cases {
		err := ncr.CheckDisposition(c.lines, 500)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		f := qms.ErrorFields(err)[c.field]
		if qms.ErrorKind(err) != qms.KindInvalid || f == "" || !strings.Contains(f, c.text) {
			t.Errorf("%s: %v (fields %v), want %s with %q", c.name, err, qms.ErrorFields(err), c.field, c.text)
		}
	}
	// Proposing lines: quality staff, while open or contained.
	n := ready(ncr.StatusContained)
	lines := []ncr.DispositionLine{l(ncr.Scrap, 3000, "")}
	for _, a := range actors {
		err := ncr.CheckSetDisposition(a, n, lines)
		if ok := qms.CanEditQualityRecords(a); ok != (err == nil) {
			t.Errorf("%s proposes: %v", a.Role, err)
		}
	}
	if err := ncr.CheckSetDisposition(qm, ready(ncr.StatusDispositioned), lines); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("after the disposition: %v", err)
	}
}

// TestMRBTwoPersonRule: use as is and repair need two approvals by
// different people, one of them a quality manager; other dispositions
// need none.
func TestMRBTwoPersonRule(t *testing.T) {
	pending := func(mrb ...ncr.Approval) *ncr.NCR {
		n := ready(ncr.StatusContained)
		n.MRB = mrb
		return n
	}
	ap := func(a qms.Actor) ncr.Approval { return ncr.Approval{UserID: a.UserID, Name: a.Name, Role: a.Role} }
	cases := []struct {
		name string
		n    *ncr.NCR
		by   qms.Actor
		kind qms.Kind // 0: allowed
		text string
	}{
		{"a quality manager first", pending(), qm, 0, ""},
		{"an inspector first", pending(), inspector, 0, ""},
		{"an admin first", pending(), admin, 0, ""},
		{"a viewer", pending(), viewer, qms.KindForbidden, ""},
		{"an auditor", pending(), auditor, qms.KindForbidden, ""},
		{"a supplier user", pending(), supplierU, qms.KindForbidden, ""},
		{"the system", pending(), qms.System, qms.KindForbidden, ""},
		{"the first approver again", pending(ap(qm)), qm, qms.KindConflict, "different person"},
		{"an inspector after a quality manager", pending(ap(qm)), inspector, 0, ""},
		{"a second quality manager", pending(ap(qm)), qm2, 0, ""},
		{"a quality manager after an inspector", pending(ap(inspector)), qm, 0, ""},
		{"an inspector after an inspector", pending(ap(inspector)), inspector2, qms.KindConflict, "quality manager"},
		{"a third approval", pending(ap(qm), ap(inspector)), qm2, qms.KindConflict, "two people already"},
		{"no disposition yet", func() *ncr.NCR { n := pending(); n.Disposition = nil; return n }(), qm, qms.KindConflict, "no disposition"},
		{"a disposition that does not add up", func() *ncr.NCR { n := pending(); n.Disposition[0].Quantity = 1; return n }(), qm, qms.KindInvalid, ""},
		{"scrap needs no MRB", func() *ncr.NCR {
			n := pending()
			n.Disposition = []ncr.DispositionLine{{Kind: ncr.Scrap, Quantity: 3000}}
			return n
		}(), qm, qms.KindConflict, "needs no Material Review Board"},
		{"already dispositioned", func() *ncr.NCR { n := ready(ncr.StatusDispositioned); n.MRB = nil; return n }(), qm, qms.KindConflict, "dispositioned"},
	}
	for _, c := range cases {
		err := ncr.CheckMRBApproval(c.by, c.n)
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
	complete := []struct {
		mrb  []ncr.Approval
		want bool
	}{
		{nil, false},
		{[]ncr.Approval{ap(qm)}, false},
		{[]ncr.Approval{ap(qm), ap(qm)}, false},
		{[]ncr.Approval{ap(inspector), ap(inspector2)}, false},
		{[]ncr.Approval{ap(inspector), ap(qm)}, true},
		{[]ncr.Approval{ap(qm), ap(qm2)}, true},
	}
	for _, c := range complete {
		if got := ncr.MRBComplete(pending(c.mrb...)); got != c.want {
			t.Errorf("MRB complete with %v: %v", c.mrb, got)
		}
	}
	n := pending()
	n.Disposition = []ncr.DispositionLine{{Kind: ncr.Rework, Quantity: 3000}}
	if !ncr.MRBComplete(n) {
		t.Error("rework needs no approval")
	}
}

// TestLotRelease: a lot with an open NCR is released only as the
// disposition allows.
func TestLotRelease(t *testing.T) {
	disp := func(s ncr.Status, lines ...ncr.DispositionLine) *ncr.NCR {
		n := ready(s)
		n.Disposition = lines
		return n
	}
	all := func(k ncr.DispositionKind) ncr.DispositionLine { return ncr.DispositionLine{Kind: k, Quantity: 3000} }
	cases := []struct {
		name string
		n    *ncr.NCR
		ok   bool
	}{
		{"open", ready(ncr.StatusOpen), false},
		{"contained", ready(ncr.StatusContained), false},
		{"dispositioned use as is and scrap", ready(ncr.StatusDispositioned), true},
		{"verified use as is and scrap", ready(ncr.StatusVerified), true},
		{"all scrapped", disp(ncr.StatusDispositioned, all(ncr.Scrap)), false},
		{"all returned", disp(ncr.StatusVerified, all(ncr.ReturnToSupplier)), false},
		{"scrapped and returned", disp(ncr.StatusDispositioned, ncr.DispositionLine{Kind: ncr.Scrap, Quantity: 1000}, ncr.DispositionLine{Kind: ncr.ReturnToSupplier, Quantity: 2000}), false},
		{"all reworked", disp(ncr.StatusDispositioned, all(ncr.Rework)), true},
		{"all sorted", disp(ncr.StatusDispositioned, all(ncr.Sort)), true},
		{"all regraded", disp(ncr.StatusDispositioned, all(ncr.Regrade)), true},
		{"all repaired", disp(ncr.StatusDispositioned, all(ncr.Repair)), true},
		{"closed", disp(ncr.StatusClosed, all(ncr.Scrap)), true},
		{"voided", ready(ncr.StatusVoided), true},
	}
	for _, c := range cases {
		err := ncr.CheckLotRelease(c.n)
		if c.ok != (err == nil) || err != nil && qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestFromInspection: an NCR raised from a failed inspection carries its
// links, the failed classes and tests as the requirement, the reasons as
// the finding, and its defects grouped by code with the units that have
// them.
func TestFromInspection(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	row := func(unit int, code, desc string, c inspection.DefectClass, photos ...int64) inspection.DefectRow {
		return inspection.DefectRow{EntryID: int64(unit), DefectEntry: inspection.DefectEntry{Unit: unit, Code: code, Description: desc, Class: c, Photos: photos},
			RecordedBy: "Hùng", RecordedAt: at}
	}
	aql, _ := sampling.ParseAQL("2.5")
	seed := &inspection.NCRSeed{InspectionID: 11, Kind: inspection.KindPreShipment, ProductID: 3, SpecID: 4, SupplierID: 5, SiteID: 6,
		PONumber: "PO-2026-0042", LotSize: 3000, SampleSize: 125, Verdict: inspection.VerdictFail,
		Description:   "Major defects: 8 found, reject at 8",
		FailedClasses: []inspection.ClassResult{{Class: inspection.Major, AQL: aql, SampleSize: 125, Ac: 7, Re: 8, Found: 8, Verdict: inspection.VerdictFail}},
		FailedTests:   []inspection.TestResult{{No: 4, Name: "Function", SampleSize: 13, Ac: 0, Re: 1, Failed: 1, Verdict: inspection.VerdictFail}},
		Defects: []inspection.DefectRow{
			row(1, "FUN-01", "No sound", inspection.Major, 31), row(2, "FUN-01", "No sound", inspection.Major), row(2, "FUN-01", "No sound", inspection.Major),
			row(3, "SCR-01", "Scratch", inspection.Minor), row(4, "", "Loose screw", inspection.Major), row(5, "", "Loose screw", inspection.Major, 32),
			row(6, "FUN-01", "No sound", inspection.Major),
		}}
	n := ncr.FromInspection(seed, qms.NewDate(2026, 3, 2))
	if n.Source != ncr.SourcePreShipment || n.InspectionID != 11 || n.SupplierID != 5 || n.SiteID != 6 || n.ProductID != 3 || n.SpecID != 4 ||
		n.PONumber != "PO-2026-0042" || n.QuantityAffected != 3000 || n.QuantityInspected != 125 || n.Severity != inspection.Major ||
		n.Status != ncr.StatusOpen || n.DetectedOn != qms.NewDate(2026, 3, 2) {
		t.Fatalf("%+v", n)
	}
	if !strings.Contains(n.Requirement, "Major defects: accept at most 7 in a sample of 125 (AQL 2.5); 8 found") ||
		!strings.Contains(n.Requirement, "Test 4 Function: accept at most 0 failures in 13 units; 1 failed") || n.Found != seed.Description {
		t.Errorf("requirement %q, found %q", n.Requirement, n.Found)
	}
	want := []ncr.Defect{
		{Code: "FUN-01", Description: "No sound", Class: inspection.Major, Quantity: 3, Photos: []int64{31}},
		{Description: "Loose screw", Class: inspection.Major, Quantity: 2, Photos: []int64{32}},
		{Code: "SCR-01", Description: "Scratch", Class: inspection.Minor, Quantity: 1},
	}
	if len(n.Defects) != len(want) {
		t.Fatalf("%+v", n.Defects)
	}
	for i := range want {
		g, w := n.Defects[i], want[i]
		if g.Code != w.Code || g.Description != w.Description || g.Class != w.Class || g.Quantity != w.Quantity || !slices.Equal(g.Photos, w.Photos) {
			t.Errorf("defect %d: %+v, want %+v", i, g, w)
		}
	}
	if !strings.HasPrefix(n.Title, "Pre-shipment inspection fail – PO-2026-0042: FUN-01") {
		t.Errorf("title %q", n.Title)
	}
	if err := n.Validate(); err != nil {
		t.Errorf("a seeded NCR validates: %v", err)
	}
	// A critical defect makes it critical; no failed class or defect, major.
	seed.Defects = append(seed.Defects, row(9, "SAF-01", "Exposed live part", inspection.Critical))
	if n := ncr.FromInspection(seed, qms.NewDate(2026, 3, 2)); n.Severity != inspection.Critical || n.Defects[0].Code != "SAF-01" {
		t.Errorf("critical: %s %+v", n.Severity, n.Defects[0])
	}
	empty := &inspection.NCRSeed{InspectionID: 12, Kind: inspection.KindIncoming, LotSize: 10, Verdict: inspection.VerdictPending}
	if n := ncr.FromInspection(empty, qms.NewDate(2026, 3, 2)); n.Severity != inspection.Major || n.Source != ncr.SourceIncoming || n.Found == "" {
		t.Errorf("empty seed: %+v", n)
	}
}

// TestValidate: the report's own checks.
func TestValidate(t *testing.T) {
	base := func() *ncr.NCR {
		return &ncr.NCR{Source: ncr.SourceIncoming, Title: " Wrong colour ", Severity: inspection.Minor, Found: "Pantone 2945 expected, 2935 found",
			DetectedOn: qms.NewDate(2026, 3, 1), QuantityAffected: 200, SupplierID: 1, SiteID: 2}
	}
	n := base()
	if err := n.Validate(); err != nil || n.Title != "Wrong colour" || n.Defects == nil {
		t.Fatalf("%v %+v", err, n)
	}
	cases := []struct {
		name   string
		change func(n *ncr.NCR)
		field  string
	}{
		{"unknown source", func(n *ncr.NCR) { n.Source = "rumour" }, "source"},
		{"no title", func(n *ncr.NCR) { n.Title = " " }, "title"},
		{"no severity", func(n *ncr.NCR) { n.Severity = "" }, "severity"},
		{"nothing found", func(n *ncr.NCR) { n.Found = "" }, "found"},
		{"no date", func(n *ncr.NCR) { n.DetectedOn = qms.Date{} }, "detected_on"},
		{"no quantity", func(n *ncr.NCR) { n.QuantityAffected = 0 }, "quantity_affected"},
		{"site without supplier", func(n *ncr.NCR) { n.SupplierID = 0 }, "supplier_id"},
		{"spec without product", func(n *ncr.NCR) { n.SpecID = 3 }, "product_id"},
		{"inspection on an audit NCR", func(n *ncr.NCR) { n.Source, n.InspectionID = ncr.SourceInternalAudit, 4 }, "inspection_id"},
		{"complaint without reference", func(n *ncr.NCR) { n.Source = ncr.SourceComplaint }, "complaint_ref"},
		{"unknown cause category", func(n *ncr.NCR) { n.CauseCategory = "management" }, "cause_category"},
		{"defect without code or description", func(n *ncr.NCR) { n.Defects = []ncr.Defect{{Class: inspection.Minor, Quantity: 1}} }, "defects.0.description"},
		{"defect of no class", func(n *ncr.NCR) { n.Defects = []ncr.Defect{{Code: "x", Quantity: 1}} }, "defects.0.class"},
		{"control character in the title", func(n *ncr.NCR) { n.Title = "bad\x00title" }, "title"},
	}
	for _, c := range cases {
		n := base()
		c.change(n)
		if err := n.Validate(); qms.ErrorFields(err)[c.field] == "" {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// Editing: quality staff, before the disposition.
	for _, a := range actors {
		if err := ncr.CheckEdit(a, ready(ncr.StatusOpen)); qms.CanEditQualityRecords(a) != (err == nil) {
			t.Errorf("%s edits: %v", a.Role, err)
		}
	}
	for _, s := range []ncr.Status{ncr.StatusDispositioned, ncr.StatusVerified, ncr.StatusClosed, ncr.StatusVoided} {
		if err := ncr.CheckEdit(qm, ready(s)); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("edit when %s: %v", s, err)
		}
	}
}

// TestActions: containment actions need an owner and a due date; they are
// finished with a result by quality staff or their internal owner.
func TestActions(t *testing.T) {
	a := &ncr.Action{Kind: ncr.Quarantine, OwnerName: " 李伟 ", DueOn: qms.NewDate(2026, 3, 3)}
	if err := ncr.CheckAddAction(inspector, ready(ncr.StatusOpen), a); err != nil || a.OwnerName != "李伟" {
		t.Fatalf("%v %q", err, a.OwnerName)
	}
	if err := ncr.CheckAddAction(viewer, ready(ncr.StatusOpen), a); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("viewer adds: %v", err)
	}
	if err := ncr.CheckAddAction(qm, ready(ncr.StatusClosed), a); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("closed: %v", err)
	}
	bad := &ncr.Action{Kind: ncr.OtherAction}
	if err := ncr.CheckAddAction(qm, ready(ncr.StatusOpen), bad); len(qms.ErrorFields(err)) != 3 {
		t.Errorf("other without description, owner, due: %v", err)
	}
	open := ncr.Action{Kind: ncr.Sort100, OwnerUserID: viewer.UserID, OwnerName: "Buyer", DueOn: qms.NewDate(2026, 3, 3), Status: ncr.ActionOpen}
	if _, err := ncr.CheckFinishAction(viewer, ready(ncr.StatusOpen), &open, ncr.ActionDone, "sorted 3,000: 37 rejects"); err != nil {
		t.Errorf("the internal owner finishes: %v", err)
	}
	if _, err := ncr.CheckFinishAction(auditor, ready(ncr.StatusOpen), &open, ncr.ActionDone, "x"); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("someone else: %v", err)
	}
	if _, err := ncr.CheckFinishAction(qm, ready(ncr.StatusOpen), &open, ncr.ActionDone, ""); qms.ErrorFields(err)["result"] == "" {
		t.Errorf("no result: %v", err)
	}
	if _, err := ncr.CheckFinishAction(qm, ready(ncr.StatusOpen), &open, ncr.ActionOpen, "x"); qms.ErrorFields(err)["status"] == "" {
		t.Errorf("to open: %v", err)
	}
	done := open
	done.Status = ncr.ActionDone
	if _, err := ncr.CheckFinishAction(qm, ready(ncr.StatusOpen), &done, ncr.ActionCancelled, "x"); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("twice: %v", err)
	}
	if !open.Overdue(qms.NewDate(2026, 3, 4)) || open.Overdue(qms.NewDate(2026, 3, 3)) || done.Overdue(qms.NewDate(2027, 1, 1)) {
		t.Error("overdue is open after the due date")
	}
}

// TestCost: amounts in minor units, never negative, with a currency.
func TestCost(t *testing.T) {
	c := ncr.Cost{Currency: " eur ", Scrap: 120000, Rework: 35050, Sorting: 8000, Freight: 45000, ChargedBack: 150000}
	if err := c.Validate(); err != nil || c.Currency != "EUR" || c.Total() != 208050 {
		t.Fatalf("%v %+v %d", err, c, c.Total())
	}
	for _, bad := range []ncr.Cost{{Scrap: 100}, {Currency: "EURO", Scrap: 1}, {Currency: "EUR", Freight: -1}, {Currency: "EUR", ChargedBack: ncr.MaxAmount + 1}, {Currency: "€$£"}} {
		if err := bad.Validate(); qms.ErrorKind(err) != qms.KindInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := (&ncr.Cost{}).Validate(); err != nil {
		t.Errorf("no cost: %v", err)
	}
	for _, c := range []struct {
		amount int64
		cur    string
		want   string
	}{
		{208050, "EUR", "2,080.50 EUR"}, {5, "USD", "0.05 USD"}, {1200, "JPY", "1,200 JPY"}, {1234567, "KWD", "1,234.567 KWD"},
		{-99, "CNY", "-0.99 CNY"}, {100000000, "VND", "100,000,000 VND"},
	} {
		if got := ncr.FormatMoney(c.amount, c.cur); got != c.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", c.amount, c.cur, got, c.want)
		}
	}
	if err := ncr.CheckCost(viewer, ready(ncr.StatusOpen), &c); qms.ErrorKind(err) != qms.KindForbidden {
		t.Errorf("viewer: %v", err)
	}
	if err := ncr.CheckCost(qm, ready(ncr.StatusClosed), &c); qms.ErrorKind(err) != qms.KindConflict {
		t.Errorf("closed: %v", err)
	}
	if err := ncr.CheckCost(qm, ready(ncr.StatusVerified), &c); err != nil {
		t.Errorf("verified: %v", err)
	}
}
