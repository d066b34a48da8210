package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"qms/internal/api"
	"qms/internal/notify"
	"qms/internal/qms"
	"qms/internal/store"
	"qms/internal/store/storetest"
)

// The notification and webhook operations have their own role matrix
// here: what a user sees depends on whose notifications exist.
func init() {
	for _, op := range []string{
		"GET /notifications", "GET /notifications/unread-count", "POST /notifications/{id}/read", "POST /notifications/read-all",
		"GET /webhooks", "POST /webhooks", "GET /webhooks/{id}", "PATCH /webhooks/{id}", "DELETE /webhooks/{id}",
		"POST /webhooks/{id}/rotate-secret", "POST /webhooks/{id}/test", "GET /webhooks/{id}/deliveries", "GET /email-deliveries",
	} {
		testedElsewhere[op] = "TestNotificationsAPI, TestWebhooksAPI"
	}
}

// publishTo gives each named user of the env a notification whose subject
// names them, and returns the notification ids by name.
func publishTo(t *testing.T, e *env, names ...string) map[string]int64 {
	t.Helper()
	ctx := qms.WithActor(context.Background(), qms.System)
	ids := map[string]int64{}
	for _, name := range names {
		u := e.users[name]
		err := e.st.Update(ctx, func(tx *store.Tx) error {
			_, err := notify.Publish(tx, notify.Event{Type: "certificate.expiring", Subject: "证书到期 for " + name,
				EntityType: "certificate", EntityID: 42, Link: "/certificates/42", Users: []int64{u.ID}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ns, _, err := e.st.ListNotifications(context.Background(), store.NotificationFilter{UserID: u.ID})
		if err != nil || len(ns) == 0 {
			t.Fatal(ns, err)
		}
		ids[name] = ns[0].ID
	}
	return ids
}

func TestNotificationsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		roles := []string{"admin", "quality_manager", "inspector", "viewer", "auditor", "supplier"}
		ids := publishTo(t, e, roles...)
		for _, who := range roles {
			other := "admin"
			if who == "admin" {
				other = "supplier"
			}
			r := e.do("GET", "/api/v1/notifications", who, nil)
			if r.status != 200 || !strings.Contains(string(r.body), `"subject":"证书到期 for `+who+`"`) || strings.Contains(string(r.body), "for "+other) ||
				!strings.Contains(string(r.body), `"entity":{"type":"certificate","id":42}`) || strings.Contains(string(r.body), "read_at") {
				t.Fatalf("%s lists %d %s", who, r.status, r.body)
			}
			if r := e.do("GET", "/api/v1/notifications/unread-count", who, nil); r.status != 200 || string(r.body) != "{\"unread\":1}\n" {
				t.Errorf("%s unread count: %d %s", who, r.status, r.body)
			}
			// Another user's notification does not exist for you.
			if r := e.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", ids[other]), who, nil); r.status != 404 {
				t.Errorf("%s marks %s's notification: %d %s", who, other, r.status, r.body)
			}
			if r := e.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", ids[who]), who, nil); r.status != 204 {
				t.Errorf("%s marks their notification: %d %s", who, r.status, r.body)
			}
			if r := e.do("GET", "/api/v1/notifications?unread=true", who, nil); r.status != 200 || string(r.body) != "{\"items\":[]}\n" {
				t.Errorf("%s unread list after reading: %d %s", who, r.status, r.body)
			}
			if r := e.do("GET", "/api/v1/notifications", who, nil); !strings.Contains(string(r.body), `"read_at":"`) {
				t.Errorf("%s's read notification has no read_at: %s", who, r.body)
			}
		}
		// Marking all read counts what was unread.
		publishTo(t, e, "inspector", "inspector")
		if r := e.do("POST", "/api/v1/notifications/read-all", "inspector", nil); r.status != 200 || string(r.body) != "{\"marked\":2}\n" {
			t.Errorf("read-all: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/notifications/unread-count", "cookie:inspector", nil); r.status != 200 || string(r.body) != "{\"unread\":0}\n" {
			t.Errorf("unread count by session: %d %s", r.status, r.body)
		}
		// Pages.
		r := e.do("GET", "/api/v1/notifications?limit=2", "inspector", nil)
		var page api.Page[api.Notification]
		r.decode(t, &page)
		if len(page.Items) != 2 || page.NextCursor == "" {
			t.Fatalf("first page: %s", r.body)
		}
		r = e.do("GET", "/api/v1/notifications?limit=2&cursor="+page.NextCursor, "inspector", nil)
		var rest api.Page[api.Notification]
		r.decode(t, &rest)
		if len(rest.Items) != 1 || rest.NextCursor != "" || rest.Items[0].ID >= page.Items[1].ID {
			t.Errorf("second page: %s", r.body)
		}
		// Bad credentials and bad input.
		for who, want := range badCredentials {
			for _, op := range [][2]string{{"GET", "/api/v1/notifications"}, {"GET", "/api/v1/notifications/unread-count"},
				{"POST", "/api/v1/notifications/read-all"}, {"POST", fmt.Sprintf("/api/v1/notifications/%d/read", ids["admin"])}} {
				if r := e.do(op[0], op[1], who, nil); r.status != 401 || !strings.Contains(string(r.body), want) {
					t.Errorf("%s %s as %q: %d %s", op[0], op[1], who, r.status, r.body)
				}
			}
		}
		for path, status := range map[string]int{
			"/api/v1/notifications?unread=maybe":  422,
			"/api/v1/notifications?cursor=bogus":  422,
			"/api/v1/notifications?limit=201":     422,
			"/api/v1/notifications?sort=subject":  422,
			"/api/v1/notifications/0/read":        422,
			"/api/v1/notifications/999999/read":   404,
			"/api/v1/notifications/unread-count?": 200,
		} {
			method := "GET"
			if strings.HasSuffix(path, "/read") {
				method = "POST"
			}
			if r := e.do(method, path, "viewer", nil); r.status != status {
				t.Errorf("%s %s: %d %s; want %d", method, path, r.status, r.body, status)
			}
		}
	})
}

func TestWebhooksAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		r := e.do("POST", "/api/v1/webhooks", "admin", []byte(`{"url":"https://erp.example.com/hooks/qms","description":"ERP 集成","event_types":["certificate.*","capa.stage_overdue"]}`))
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var created api.CreateWebhookResponse
		r.decode(t, &created)
		w := created.Webhook
		if !strings.HasPrefix(created.Secret, "whsec_") || !w.Active || w.Version != 1 || w.Description != "ERP 集成" ||
			r.header.Get("Location") != fmt.Sprintf("/api/v1/webhooks/%d", w.ID) {
			t.Fatalf("created %s", r.body)
		}
		if stored, _ := st.WebhookSecret(context.Background(), w.ID); stored != created.Secret {
			t.Error("the secret returned is not the one stored")
		}
		id := fmt.Sprint(w.ID)

		// Every other role is refused every operation, and nothing changes.
		ops := [][3]string{
			{"GET", "/api/v1/webhooks", ""},
			{"POST", "/api/v1/webhooks", `{"url":"https://evil.example.com/","event_types":["*"]}`},
			{"GET", "/api/v1/webhooks/" + id, ""},
			{"PATCH", "/api/v1/webhooks/" + id, `{"url":"https://evil.example.com/","version":1}`},
			{"DELETE", "/api/v1/webhooks/" + id, ""},
			{"POST", "/api/v1/webhooks/" + id + "/rotate-secret", `{}`},
			{"POST", "/api/v1/webhooks/" + id + "/test", ""},
			{"GET", "/api/v1/webhooks/" + id + "/deliveries", ""},
			{"GET", "/api/v1/email-deliveries", ""},
		}
		events, _ := e.counts()
		for _, who := range []string{"quality_manager", "inspector", "viewer", "auditor", "supplier", "cookie:quality_manager"} {
			for _, op := range ops {
				var body []byte
				if op[2] != "" {
					body = []byte(op[2])
				}
				if r := e.do(op[0], op[1], who, body); r.status != 403 || !strings.Contains(string(r.body), "may not manage webhooks") {
					t.Errorf("%s %s as %s: %d %s", op[0], op[1], who, r.status, r.body)
				}
			}
		}
		for who := range badCredentials {
			for _, op := range ops {
				if r := e.do(op[0], op[1], who, nil); r.status != 401 {
					t.Errorf("%s %s as %q: %d", op[0], op[1], who, r.status)
				}
			}
		}
		if after, _ := e.counts(); after != events {
			t.Fatalf("refused requests wrote %d audit events", after-events)
		}
		if ws, _ := st.ListWebhooks(context.Background()); len(ws) != 1 || ws[0].URL != "https://erp.example.com/hooks/qms" {
			t.Fatalf("refused requests changed the webhooks: %+v", ws)
		}

		// The admin's operations.
		r = e.do("GET", "/api/v1/webhooks/"+id, "admin", nil)
		if r.status != 200 || strings.Contains(string(r.body), "whsec_") || strings.Contains(string(r.body), "secret") {
			t.Errorf("get: %d %s (the secret must not be shown again)", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/webhooks", "admin", nil); r.status != 200 || !strings.Contains(string(r.body), `"event_types":["certificate.*","capa.stage_overdue"]`) {
			t.Errorf("list: %d %s", r.status, r.body)
		}
		r = e.do("PATCH", "/api/v1/webhooks/"+id, "admin", []byte(`{"active":false,"version":1,"reason":"maintenance"}`))
		if r.status != 200 || !strings.Contains(string(r.body), `"active":false`) || !strings.Contains(string(r.body), `"version":2`) ||
			!strings.Contains(string(r.body), `"url":"https://erp.example.com/hooks/qms"`) {
			t.Errorf("patch: %d %s", r.status, r.body)
		}
		if r := e.do("PATCH", "/api/v1/webhooks/"+id, "admin", []byte(`{"active":true,"version":1}`)); r.status != 409 {
			t.Errorf("stale patch: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/webhooks/"+id+"/rotate-secret", "admin", []byte(`{"reason":"leaked"}`))
		var rotated api.SecretResponse
		r.decode(t, &rotated)
		if r.status != 200 || rotated.Secret == created.Secret || !strings.HasPrefix(rotated.Secret, "whsec_") {
			t.Errorf("rotate: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/api/v1/webhooks/"+id+"/test", "admin", nil)
		if r.status != 202 || !strings.Contains(string(r.body), `"event_type":"ping"`) || !strings.Contains(string(r.body), `"status":"pending"`) {
			t.Errorf("test: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/webhooks/"+id+"/deliveries?status=pending", "admin", nil); r.status != 200 || !strings.Contains(string(r.body), `"payload":{`) {
			t.Errorf("deliveries: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/webhooks/"+id+"/deliveries?status=lost", "admin", nil); r.status != 422 {
			t.Errorf("deliveries with a bad status: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/email-deliveries?status=skipped", "admin", nil); r.status != 200 || string(r.body) != "{\"items\":[]}\n" {
			t.Errorf("e-mail outbox: %d %s", r.status, r.body)
		}

		// Bad input: 422 naming the field, nothing written.
		events, _ = e.counts()
		for body, loc := range map[string]string{
			`{"url":"http://169.254.169.254/latest/meta-data/","event_types":["*"]}`: "body.url",
			`{"url":"https://user:pw@erp.example.com/","event_types":["*"]}`:         "body.url",
			`{"url":"file:///etc/passwd","event_types":["*"]}`:                       "body.url",
			`{"url":"https://erp.example.com/","event_types":[]}`:                    "body.event_types",
			`{"url":"https://erp.example.com/","event_types":["Not A Type"]}`:        "body.event_types",
			`{"url":"https://erp.example.com/"}`:                                     "body.event_types",
			`{"url":"https://erp.example.com/","event_types":["*"],"secret":"mine"}`: "body.secret",
			`{"event_types":["*"]}`:                                                  "body.url",
		} {
			r := e.do("POST", "/api/v1/webhooks", "admin", []byte(body))
			if r.status != 422 || !strings.Contains(strings.Join(r.problem(t).locations(), " "), loc) {
				t.Errorf("POST %s: %d %s; want 422 at %s", body, r.status, r.body, loc)
			}
		}
		if r := e.do("PATCH", "/api/v1/webhooks/"+id, "admin", []byte(`{"version":3}`)); r.status != 422 {
			t.Errorf("empty patch: %d %s", r.status, r.body)
		}
		if after, _ := e.counts(); after != events {
			t.Errorf("bad input wrote %d audit events", after-events)
		}

		if r := e.do("DELETE", "/api/v1/webhooks/"+id+"?reason=retired", "admin", nil); r.status != 204 {
			t.Errorf("delete: %d %s", r.status, r.body)
		}
		for _, op := range [][2]string{{"GET", "/api/v1/webhooks/" + id}, {"DELETE", "/api/v1/webhooks/" + id}, {"GET", "/api/v1/webhooks/" + id + "/deliveries"},
			{"POST", "/api/v1/webhooks/" + id + "/test"}} {
			if r := e.do(op[0], op[1], "admin", nil); r.status != 404 {
				t.Errorf("%s %s after delete: %d %s", op[0], op[1], r.status, r.body)
			}
		}
	})
}
