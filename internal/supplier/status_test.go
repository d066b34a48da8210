package supplier

import (
	"testing"

	"qms/internal/qms"
)

// The lifecycle as the issue states it, written out independently of
// Transitions: every pair not listed here must be refused.
var wantAllowed = map[[2]Status]bool{
	{StatusProspect, StatusUnderQualification}:              true,
	{StatusProspect, StatusDisqualified}:                    true,
	{StatusUnderQualification, StatusApproved}:              true,
	{StatusUnderQualification, StatusConditionallyApproved}: true,
	{StatusUnderQualification, StatusProspect}:              true,
	{StatusUnderQualification, StatusDisqualified}:          true,
	{StatusApproved, StatusConditionallyApproved}:           true,
	{StatusApproved, StatusProbation}:                       true,
	{StatusApproved, StatusUnderQualification}:              true,
	{StatusApproved, StatusDisqualified}:                    true,
	{StatusConditionallyApproved, StatusApproved}:           true,
	{StatusConditionallyApproved, StatusProbation}:          true,
	{StatusConditionallyApproved, StatusUnderQualification}: true,
	{StatusConditionallyApproved, StatusDisqualified}:       true,
	{StatusProbation, StatusApproved}:                       true,
	{StatusProbation, StatusConditionallyApproved}:          true,
	{StatusProbation, StatusUnderQualification}:             true,
	{StatusProbation, StatusDisqualified}:                   true,
	{StatusDisqualified, StatusUnderQualification}:          true,
	{StatusDisqualified, StatusProspect}:                    true,
}

func TestTransitionTable(t *testing.T) {
	qm := qms.Actor{UserID: 2, Role: qms.RoleQualityManager}
	allowed := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			want := wantAllowed[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(qm, from, to, "annual re-evaluation")
			switch {
			case want && err != nil:
				t.Errorf("CheckTransition(%s -> %s) = %v, want nil", from, to, err)
			case !want && qms.ErrorKind(err) != qms.KindConflict:
				t.Errorf("CheckTransition(%s -> %s) = %v, want a conflict", from, to, err)
			}
			if want {
				allowed++
			}
		}
	}
	if allowed != len(wantAllowed) {
		t.Errorf("%d allowed transitions checked, want %d", allowed, len(wantAllowed))
	}
	// Every status can be left and reached: no dead ends.
	for _, s := range Statuses {
		if len(Transitions[s]) == 0 {
			t.Errorf("no way out of %s", s)
		}
	}
}

func TestTransitionRefusals(t *testing.T) {
	sup := int64(1)
	qm := qms.Actor{UserID: 2, Role: qms.RoleQualityManager}
	for _, c := range []struct {
		name   string
		a      qms.Actor
		from   Status
		to     Status
		reason string
		kind   qms.Kind
		field  string
	}{
		{"admin may", qms.Actor{Role: qms.RoleAdmin}, StatusProspect, StatusUnderQualification, "r", -1, ""},
		{"system may", qms.System, StatusProspect, StatusUnderQualification, "r", -1, ""},
		{"inspector may not", qms.Actor{Role: qms.RoleInspector}, StatusProspect, StatusUnderQualification, "r", qms.KindForbidden, ""},
		{"viewer may not", qms.Actor{Role: qms.RoleViewer}, StatusProspect, StatusUnderQualification, "r", qms.KindForbidden, ""},
		{"auditor may not", qms.Actor{Role: qms.RoleAuditor}, StatusProspect, StatusUnderQualification, "r", qms.KindForbidden, ""},
		{"supplier may not", qms.Actor{Role: qms.RoleSupplier, SupplierID: &sup}, StatusProspect, StatusUnderQualification, "r", qms.KindForbidden, ""},
		{"nobody may not", qms.Actor{}, StatusProspect, StatusUnderQualification, "r", qms.KindForbidden, ""},
		{"no reason", qm, StatusProspect, StatusUnderQualification, "  ", qms.KindInvalid, "reason"},
		{"control character in reason", qm, StatusProspect, StatusUnderQualification, "a\x00", qms.KindInvalid, "reason"},
		{"unknown status", qm, StatusProspect, "preferred", "r", qms.KindInvalid, "status"},
		{"same status", qm, StatusApproved, StatusApproved, "r", qms.KindConflict, ""},
		{"skipping qualification", qm, StatusProspect, StatusApproved, "r", qms.KindConflict, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := CheckTransition(c.a, c.from, c.to, c.reason)
			if c.kind < 0 {
				if err != nil {
					t.Fatalf("= %v, want nil", err)
				}
				return
			}
			if qms.ErrorKind(err) != c.kind {
				t.Fatalf("= %v, want kind %v", err, c.kind)
			}
			if c.field != "" {
				if _, ok := qms.ErrorFields(err)[c.field]; !ok {
					t.Errorf("fields %v lack %q", qms.ErrorFields(err), c.field)
				}
			}
		})
	}
}

func TestNeedsGate(t *testing.T) {
	for _, s := range Statuses {
		want := s == StatusApproved || s == StatusConditionallyApproved
		if NeedsGate(s) != want {
			t.Errorf("NeedsGate(%s) = %v", s, !want)
		}
		onList := s == StatusApproved || s == StatusConditionallyApproved || s == StatusProbation
		if s.OnApprovedList() != onList {
			t.Errorf("OnApprovedList(%s) = %v", s, !onList)
		}
	}
}
