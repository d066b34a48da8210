package web

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"qms/internal/auth"
	"qms/internal/qms"
	"qms/internal/store"
)

func testUI(t *testing.T) *UI {
	t.Helper()
	as := mustLoadAssets()
	return &UI{auth: &auth.Service{}, log: slog.New(slog.NewTextHandler(t.Output(), nil)), assets: as, pages: mustParseTemplates(as)}
}

// samplePages returns data for every page template, full and nearly empty.
func samplePages() []page {
	now := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	later := now.Add(48 * time.Hour)
	sup := int64(7)
	user := &qms.User{ID: 3, Email: "zhang.wei@example.cn", Name: "张伟 <script>alert(1)</script>", Role: qms.RoleSupplier,
		SupplierID: &sup, CreatedAt: now, UpdatedAt: now, LastLogin: &now, Version: 4}
	plain := &qms.User{ID: 4, Email: "lan@example.vn", Name: "Nguyễn Thị Lan", Role: qms.RoleViewer, CreatedAt: now, UpdatedAt: now, Version: 1, Disabled: true}
	tokens := tokenTable{Tokens: []store.Token{
		{ID: 1, UserID: 3, Name: "ERP import", Prefix: "qmst_abc123", CreatedAt: now, ExpiresAt: &later, LastUsedAt: &now},
		{ID: 2, UserID: 3, Name: "old", Prefix: "qmst_def456", CreatedAt: now, RevokedAt: &now},
	}, CanRevoke: true, Back: "/users/3"}
	after, _ := json.Marshal(user)
	before, _ := json.Marshal(plain)
	events := []qms.AuditEvent{
		{Seq: 3, Time: now, ActorID: 1, ActorName: "Admin", EntityType: "user", EntityID: "3", Action: qms.ActionUpdate,
			Before: before, After: after, Reason: "promoted", RequestID: "abc123"},
		{Seq: 2, Time: now, ActorName: "system", EntityType: "user", EntityID: "4", Action: qms.ActionCreate, After: before},
		{Seq: 1, Time: now, ActorID: 1, ActorName: "Admin", EntityType: "note", EntityID: "9", Action: qms.ActionVoid,
			Before: json.RawMessage(`"text"`), After: json.RawMessage(`[1,2]`)},
		{Seq: 0, Time: now, ActorID: 1, ActorName: "Admin", EntityType: "api_token", EntityID: "2", Action: qms.ActionDelete,
			Before: json.RawMessage(`{"id":2,"name":"old"}`)},
	}
	admin := qms.Actor{UserID: 1, Role: qms.RoleAdmin}
	return append([]page{
		&loginPage{layout: layout{Title: "Sign in"}, Email: "a@example.com", Next: "/audit", Error: "wrong"},
		&loginPage{layout: layout{Title: "Sign in", Flash: &flash{Kind: "success", Message: "You have signed out."}}},
		&errorPage{layout: layout{Title: "Page not found"}, Status: 404, Message: "There is no page", Home: "/"},
		&dashboardPage{layout: layout{Title: "Dashboard"}, Links: quickLinks, Recent: auditRows(events, admin),
			Modules: []moduleCard{{Title: "Suppliers", Path: "/suppliers", Description: "Factories and certificates"}}},
		&dashboardPage{layout: layout{Title: "Dashboard"}},
		&userListPage{layout: layout{Title: "Users"}, Query: "张", Role: qms.RoleViewer, Roles: qms.Roles,
			Users: []qms.User{*user, *plain}, NextURL: "/users?after=4", FirstURL: "/users", CanManage: true},
		&userListPage{layout: layout{Title: "Users"}, Roles: qms.Roles},
		&userPage{layout: layout{Title: user.Name}, User: user, Form: userFormOf(user), Roles: qms.Roles, CanManage: true,
			Tokens: tokens, NewPassword: &secret{Label: "Password:", Value: "s3cret-pass-word"},
			Errors: map[string]string{"name": "is required", "email": "bad"}, Problem: "changed by someone else"},
		&userPage{layout: layout{Title: plain.Name}, User: plain, Form: userFormOf(plain), Roles: qms.Roles, Self: true},
		&userPage{layout: layout{Title: "New user"}, Roles: qms.Roles, CanManage: true, Form: userForm{Role: "viewer"}},
		&accountPage{layout: layout{Title: "My account"}, User: user, CanTokens: true, Tokens: tokens, TokenName: "x",
			TokenErrors: map[string]string{"name": "too long"}, NewToken: &secret{Label: "Token:", Value: "qmst_xyz"},
			PasswordErrors: map[string]string{"current_password": "is not your current password"}},
		&accountPage{layout: layout{Title: "My account"}, User: plain},
		&auditPage{layout: layout{Title: "Audit log"}, Query: auditQuery{EntityType: "user", From: "2026-01-01"}, Types: auditTypes,
			Events: auditRows(events, admin), NextURL: "/audit?before=1", FirstURL: "/audit"},
		&auditPage{layout: layout{Title: "Audit log"}, Errors: map[string]string{"from": "must be a date"}},
	}, append(append(append(append(append(append(append(append(supplierSamplePages(), samplingSamplePages()...), notifySamplePages()...), resultSamplePages()...), inspectionSamplePages()...), documentSamplePages()...), qauditSamplePages()...), reviewSamplePages()...), ncrSamplePages()...)...)
}

// TestTemplatesRender executes every page template with sample data, signed
// in and not, and fails for a template without a sample.
func TestTemplatesRender(t *testing.T) {
	u := testUI(t)
	covered := map[string]bool{}
	actors := map[string]*qms.Actor{
		"anonymous": nil,
		"admin":     {UserID: 1, Name: "Ada Admin", Email: "ada@example.com", Role: qms.RoleAdmin},
		"supplier":  {UserID: 3, Name: "张伟", Email: "zhang.wei@example.cn", Role: qms.RoleSupplier},
	}
	for who, a := range actors {
		for _, p := range samplePages() {
			r := httptest.NewRequest("GET", "/users/3", nil)
			ctx := qms.WithRequestID(r.Context(), "req-42")
			if a != nil {
				ctx = qms.WithActor(ctx, *a)
			}
			w := httptest.NewRecorder()
			u.render(w, r.WithContext(ctx), http.StatusOK, p)
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
				t.Fatalf("%s, %s: status %d, body:\n%s", who, p.template(), w.Code, body)
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("%s, %s: a user's name reached the page unescaped", who, p.template())
			}
			if a != nil && !strings.Contains(body, `id="sign-out"`) {
				t.Errorf("%s, %s: no sign-out button for a signed-in user", who, p.template())
			}
			covered[p.template()] = true
		}
	}
	for name := range u.pages {
		if !covered[name] {
			t.Errorf("template %q has no sample page in samplePages", name)
		}
	}
}

// TestRenderFailureIsClean checks that a page whose template fails gives a
// plain 500 with the request id, not half a page.
func TestRenderFailureIsClean(t *testing.T) {
	u := testUI(t)
	r := httptest.NewRequest("GET", "/", nil)
	r = r.WithContext(qms.WithRequestID(context.Background(), "req-7"))
	w := httptest.NewRecorder()
	u.render(w, r, http.StatusOK, &brokenPage{})
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "req-7") || strings.Contains(w.Body.String(), "<html") {
		t.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
}

type brokenPage struct{ layout }

func (*brokenPage) template() string { return "no-such-page" }

// TestFailHidesInternalErrors checks the error page of a server error: the
// generic message and the request id, never the error's text.
func TestFailHidesInternalErrors(t *testing.T) {
	u := testUI(t)
	r := httptest.NewRequest("GET", "/users", nil)
	ctx := qms.WithActor(qms.WithRequestID(r.Context(), "req-500"), qms.Actor{UserID: 1, Name: "A", Role: qms.RoleAdmin})
	w := httptest.NewRecorder()
	u.fail(w, r.WithContext(ctx), &qms.Error{Kind: qms.KindInternal, Message: "pq: relation users does not exist"})
	body := w.Body.String()
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", w.Code)
	}
	if strings.Contains(body, "relation users") || !strings.Contains(body, "req-500") || !strings.Contains(body, "An internal error occurred") {
		t.Fatalf("the 500 page must show the generic message and the request id only:\n%s", body)
	}
}

// TestStatusTable checks that every error kind has a status.
func TestStatusTable(t *testing.T) {
	for k := qms.KindInternal; k <= qms.KindTooMany; k++ {
		if statusOf[k] == 0 {
			t.Errorf("kind %v has no HTTP status", k)
		}
		if headings[statusOf[k]] == "" && statusOf[k] != http.StatusUnauthorized {
			t.Errorf("status %d has no error page heading", statusOf[k])
		}
	}
}
