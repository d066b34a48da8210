package notify

import (
	"context"
	"strings"
	"testing"

	"qms/internal/qms"
	"qms/internal/store"
)

func TestServiceNotificationsAreOwn(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		svc := &Service{Store: f.stores[0]}
		f.publish(0, Event{Type: "ncr.created", Subject: "NCR 1 für 张伟", Users: []int64{f.qm1.ID}})
		f.publish(0, Event{Type: "ncr.created", Subject: "NCR 2 for both", Users: []int64{f.qm1.ID, f.insp.ID}})
		qm, insp := f.as(f.qm1), f.as(f.insp)

		mine, _, err := svc.Notifications(qm, store.NotificationFilter{UserID: f.insp.ID}) // UserID is ignored
		if err != nil || len(mine) != 2 || mine[0].Subject != "NCR 2 for both" || mine[1].Subject != "NCR 1 für 张伟" {
			t.Fatalf("qm1's notifications = %+v, %v", mine, err)
		}
		theirs, _, err := svc.Notifications(insp, store.NotificationFilter{})
		if err != nil || len(theirs) != 1 {
			t.Fatalf("inspector's notifications = %+v, %v", theirs, err)
		}
		// Another user's notification does not exist for you.
		if _, err := svc.Notification(insp, mine[1].ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("reading another's notification: %v", err)
		}
		if err := svc.MarkRead(insp, mine[1].ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("marking another's notification: %v", err)
		}
		if n, _ := svc.Unread(qm); n != 2 {
			t.Errorf("qm1 unread = %d after the inspector's attempt, want 2", n)
		}
		if err := svc.MarkRead(qm, mine[1].ID); err != nil {
			t.Fatal(err)
		}
		if n, _ := svc.Unread(qm); n != 1 {
			t.Errorf("qm1 unread = %d, want 1", n)
		}
		if n, err := svc.MarkAllRead(insp); err != nil || n != 1 {
			t.Errorf("inspector marks all read = %d, %v", n, err)
		}
		if n, _ := svc.Unread(qm); n != 1 {
			t.Errorf("qm1 unread = %d after the inspector marked all theirs, want 1", n)
		}
		// The system and anonymous requests have no notifications.
		for name, ctx := range map[string]context.Context{"system": qms.WithActor(context.Background(), qms.System), "anonymous": context.Background()} {
			if _, err := svc.Unread(ctx); qms.ErrorKind(err) != qms.KindUnauthenticated {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

func TestServiceWebhooksAdminOnly(t *testing.T) {
	each(t, 1, func(t *testing.T, f *fixture) {
		svc := &Service{Store: f.stores[0]}
		admin := f.as(f.admin)
		w, secret, err := svc.CreateWebhook(admin, WebhookInput{URL: " https://erp.example.com/qms ", Description: "ERP\nsecond line",
			EventTypes: []string{"certificate.*", " ", "certificate.*", "capa.stage_overdue"}, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		if w.URL != "https://erp.example.com/qms" || strings.Join(w.EventTypes, " ") != "certificate.* capa.stage_overdue" || !strings.HasPrefix(secret, "whsec_") {
			t.Errorf("created %+v with secret %q", w, secret)
		}
		if stored, _ := f.stores[0].WebhookSecret(context.Background(), w.ID); stored != secret {
			t.Error("the secret shown is not the one stored")
		}
		for _, u := range []*qms.User{f.qm1, f.insp, f.supp} {
			ctx := f.as(u)
			forbidden := func(what string, err error) {
				t.Helper()
				if qms.ErrorKind(err) != qms.KindForbidden {
					t.Errorf("%s as %s: %v; want forbidden", what, u.Role, err)
				}
			}
			_, err := svc.Webhooks(ctx)
			forbidden("list", err)
			_, err = svc.Webhook(ctx, w.ID)
			forbidden("get", err)
			_, _, err = svc.CreateWebhook(ctx, WebhookInput{URL: "https://x.example.com", EventTypes: []string{"*"}})
			forbidden("create", err)
			_, err = svc.UpdateWebhook(ctx, w.ID, WebhookInput{URL: "https://x.example.com", EventTypes: []string{"*"}}, 1, "")
			forbidden("update", err)
			_, err = svc.RotateWebhookSecret(ctx, w.ID, "")
			forbidden("rotate", err)
			forbidden("delete", svc.DeleteWebhook(ctx, w.ID, ""))
			_, err = svc.TestWebhook(ctx, w.ID)
			forbidden("test", err)
			_, _, err = svc.Deliveries(ctx, store.DeliveryFilter{WebhookID: w.ID})
			forbidden("deliveries", err)
			_, _, err = svc.EmailDeliveries(ctx, store.DeliveryFilter{})
			forbidden("outbox", err)
		}
		if all, err := svc.Webhooks(admin); err != nil || len(all) != 1 {
			t.Errorf("admin lists %v, %v", all, err)
		}

		// Bad input names the field.
		for _, c := range []struct {
			in    WebhookInput
			field string
		}{
			{WebhookInput{URL: "http://169.254.169.254/", EventTypes: []string{"*"}}, "url"},
			{WebhookInput{URL: "https://u:p@example.com/", EventTypes: []string{"*"}}, "url"},
			{WebhookInput{URL: "https://example.com/"}, "event_types"},
			{WebhookInput{URL: "https://example.com/", EventTypes: []string{"Certificate Expiring"}}, "event_types"},
			{WebhookInput{URL: "https://example.com/", EventTypes: []string{"*"}, Description: strings.Repeat("x", MaxDescriptionLen+1)}, "description"},
		} {
			_, _, err := svc.CreateWebhook(admin, c.in)
			if qms.ErrorKind(err) != qms.KindInvalid || qms.ErrorFields(err)[c.field] == "" {
				t.Errorf("CreateWebhook(%+v) = %v; want invalid %s", c.in, err, c.field)
			}
		}

		// Update with the version, rotate, test, delete.
		w2, err := svc.UpdateWebhook(admin, w.ID, WebhookInput{URL: "https://erp.example.com/v2", EventTypes: []string{"*"}}, w.Version, "new ERP")
		if err != nil || w2.Active || w2.Version != 2 {
			t.Fatalf("update = %+v, %v", w2, err)
		}
		if _, err := svc.UpdateWebhook(admin, w.ID, WebhookInput{URL: "https://erp.example.com/v3", EventTypes: []string{"*"}}, 1, ""); qms.ErrorKind(err) != qms.KindConflict {
			t.Errorf("stale update: %v", err)
		}
		s2, err := svc.RotateWebhookSecret(admin, w.ID, "rotation")
		if err != nil || s2 == secret {
			t.Errorf("rotate = %q, %v", s2, err)
		}
		d, err := svc.TestWebhook(admin, w.ID) // inactive endpoints can be tested
		if err != nil || d.EventType != PingType || d.Status != store.DeliveryPending || !strings.Contains(string(d.Payload), `"webhook_id":`) {
			t.Errorf("test delivery = %+v, %v", d, err)
		}
		log, _, err := svc.Deliveries(admin, store.DeliveryFilter{WebhookID: w.ID})
		if err != nil || len(log) != 1 {
			t.Errorf("log = %+v, %v", log, err)
		}
		if _, _, err := svc.Deliveries(admin, store.DeliveryFilter{WebhookID: 99999}); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("log of an unknown webhook: %v", err)
		}
		if err := svc.DeleteWebhook(admin, w.ID, "retired"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Webhook(admin, w.ID); qms.ErrorKind(err) != qms.KindNotFound {
			t.Errorf("deleted webhook: %v", err)
		}
		if n := f.count("audit_events", "entity_type = 'webhook'"); n != 4 {
			t.Errorf("%d webhook audit events, want 4 (create, update, rotate, delete)", n)
		}
	})
}
