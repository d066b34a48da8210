package qms

import (
	"strings"
	"testing"
)

func TestUserValidate(t *testing.T) {
	sup := int64(3)
	cases := []struct {
		name  string
		u     User
		field string // "" when valid
	}{
		{"valid", User{Email: " Li.Wei@Example.COM ", Name: "李伟", Role: RoleInspector}, ""},
		{"vietnamese", User{Email: "a@b.vn", Name: "Nguyễn Thị Minh Khai", Role: RoleViewer}, ""},
		{"supplier", User{Email: "qa@factory.cn", Name: "QA", Role: RoleSupplier, SupplierID: &sup}, ""},
		{"no email", User{Name: "x", Role: RoleAdmin}, "email"},
		{"bad email", User{Email: "not an address", Name: "x", Role: RoleAdmin}, "email"},
		{"display-name email", User{Email: "Bob <bob@example.com>", Name: "x", Role: RoleAdmin}, "email"},
		{"no name", User{Email: "a@b.c", Name: "  ", Role: RoleAdmin}, "name"},
		{"long name", User{Email: "a@b.c", Name: strings.Repeat("名", MaxNameLen+1), Role: RoleAdmin}, "name"},
		{"control char", User{Email: "a@b.c", Name: "a\x00b", Role: RoleAdmin}, "name"},
		{"invalid utf8", User{Email: "a@b.c", Name: "a\xffb", Role: RoleAdmin}, "name"},
		{"bad role", User{Email: "a@b.c", Name: "x", Role: "boss"}, "role"},
		{"supplier without supplier", User{Email: "a@b.c", Name: "x", Role: RoleSupplier}, "supplier_id"},
		{"staff with supplier", User{Email: "a@b.c", Name: "x", Role: RoleViewer, SupplierID: &sup}, "supplier_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.u
			err := u.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if u.Email != strings.ToLower(strings.TrimSpace(c.u.Email)) {
					t.Errorf("email not normalised: %q", u.Email)
				}
				return
			}
			if ErrorKind(err) != KindInvalid {
				t.Fatalf("Validate() = %v, want an invalid error", err)
			}
			if _, ok := ErrorFields(err)[c.field]; !ok {
				t.Errorf("Validate() fields = %v, want a message for %q", ErrorFields(err), c.field)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                   false,
		"twelve chars":            true,
		"密码密码密码密码密码密码":            true,
		strings.Repeat("x", 1025): false,
		"invalid \xff utf8 here":  false,
	} {
		if got := CheckPassword(pw) == nil; got != ok {
			t.Errorf("CheckPassword(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}

func TestErrorMessageHidesInternalText(t *testing.T) {
	err := &Error{Kind: KindInternal, Message: "pq: relation secret_table does not exist"}
	if strings.Contains(ErrorMessage(err), "secret_table") {
		t.Error("internal error text leaked")
	}
	if ErrorMessage(Errorf(KindConflict, "stale")) != "stale" {
		t.Error("conflict message not shown")
	}
}
