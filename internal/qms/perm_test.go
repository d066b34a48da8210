package qms

import "testing"

func TestPermissionsPerRole(t *testing.T) {
	sup := int64(7)
	other := int64(8)
	actors := map[Role]Actor{
		RoleAdmin:          {UserID: 1, Role: RoleAdmin},
		RoleQualityManager: {UserID: 2, Role: RoleQualityManager},
		RoleInspector:      {UserID: 3, Role: RoleInspector},
		RoleViewer:         {UserID: 4, Role: RoleViewer},
		RoleAuditor:        {UserID: 5, Role: RoleAuditor},
		RoleSupplier:       {UserID: 6, Role: RoleSupplier, SupplierID: &sup},
		"":                 {},
	}
	// Each rule lists the roles it allows; every other role must be refused.
	rules := []struct {
		name  string
		rule  func(Actor) bool
		allow []Role
	}{
		{"CanManageUsers", CanManageUsers, []Role{RoleAdmin}},
		{"CanListUsers", CanListUsers, []Role{RoleAdmin, RoleAuditor}},
		{"CanViewAuditLog", CanViewAuditLog, []Role{RoleAdmin, RoleQualityManager, RoleAuditor}},
		{"CanViewInternal", CanViewInternal, []Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleAuditor}},
		{"CanEditQualityRecords", CanEditQualityRecords, []Role{RoleAdmin, RoleQualityManager, RoleInspector}},
		{"CanApprove", CanApprove, []Role{RoleAdmin, RoleQualityManager}},
		{"CanManageSettings", CanManageSettings, []Role{RoleAdmin}},
		{"CanManageTokens(own)", func(a Actor) bool { return CanManageTokens(a, a.UserID) },
			[]Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleSupplier}},
		{"CanManageTokens(someone else's)", func(a Actor) bool { return CanManageTokens(a, 99) }, []Role{RoleAdmin}},
		{"CanSeeSupplier(own supplier)", func(a Actor) bool { return CanSeeSupplier(a, sup) },
			[]Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleAuditor, RoleSupplier}},
		{"CanSeeSupplier(another supplier)", func(a Actor) bool { return CanSeeSupplier(a, other) },
			[]Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleAuditor}},
		{"CanSeeCorrectiveActions", CanSeeCorrectiveActions, []Role{RoleAdmin, RoleQualityManager, RoleInspector, RoleViewer, RoleAuditor, RoleSupplier}},
	}
	for _, r := range rules {
		allowed := map[Role]bool{}
		for _, role := range r.allow {
			allowed[role] = true
		}
		for role, a := range actors {
			if got := r.rule(a); got != allowed[role] {
				t.Errorf("%s for role %q = %v, want %v", r.name, role, got, allowed[role])
			}
		}
	}
}

func TestSupplierWithoutSupplierIDSeesNothing(t *testing.T) {
	a := Actor{UserID: 6, Role: RoleSupplier}
	if CanSeeSupplier(a, 0) || CanSeeSupplier(a, 1) {
		t.Error("a supplier user without a supplier must see no supplier")
	}
}
