package qms

import "testing"

func TestFilePermissions(t *testing.T) {
	sup := int64(7)
	type want struct{ upload, own, other, void, voided bool }
	cases := map[Role]want{
		RoleAdmin:          {true, true, true, true, true},
		RoleQualityManager: {true, true, true, true, true},
		RoleInspector:      {true, true, true, false, true},
		RoleViewer:         {false, true, true, false, true},
		RoleAuditor:        {false, true, true, false, true},
		RoleSupplier:       {true, true, false, false, false},
	}
	for _, r := range Roles {
		w, ok := cases[r]
		if !ok {
			t.Fatalf("role %s has no expectations", r)
		}
		a := Actor{UserID: 10, Role: r}
		if r == RoleSupplier {
			a.SupplierID = &sup
		}
		got := want{CanUploadFiles(a), CanUseUnattachedFile(a, 10), CanUseUnattachedFile(a, 11), CanVoidFiles(a), CanReadVoidedFiles(a)}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", r, got, w)
		}
	}
	if CanUseUnattachedFile(Actor{Role: RoleSupplier, SupplierID: &sup}, 0) {
		t.Error("a supplier actor without a user id reaches files uploaded by the system")
	}
	if CanUploadFiles(Actor{}) || CanUseUnattachedFile(Actor{UserID: 3}, 3) {
		t.Error("an actor without a role is allowed")
	}
}
